package store

import (
	"context"

	"naober.nl/naober/internal/exchange"
)

// ExchangePersonForTest runs exchangePerson in a transaction of its own.
func (s *Store) ExchangePersonForTest(ctx context.Context, a Actor, gemeente string, c exchange.Client, bron string) (ExchangePerson, error) {
	var out ExchangePerson
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		out, err = s.exchangePerson(ctx, tx, a, gemeente, c, bron)
		return err
	})
	return out, err
}

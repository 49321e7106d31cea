package store

import "context"

// ExecForTest runs one statement (with ? placeholders) in a transaction
// of its own, to set up a state the API does not make.
func (s *Store) ExecForTest(ctx context.Context, q string, args ...any) error {
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, q, args...)
		return err
	})
}

package store

import (
	"context"
	"fmt"
	"sort"

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

// DumpForTest returns every row of every table, as sorted text lines per
// table, to compare a database before and after.
func (s *Store) DumpForTest(ctx context.Context) (map[string][]string, error) {
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if s.dialect == Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	rows, err := s.w.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	out := map[string][]string{}
	for _, t := range tables {
		rows, err := s.w.QueryContext(ctx, "SELECT * FROM "+t)
		if err != nil {
			return nil, err
		}
		cols, _ := rows.Columns()
		lines := []string{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			lines = append(lines, fmt.Sprintf("%v", vals))
		}
		rows.Close()
		sort.Strings(lines)
		out[t] = lines
	}
	return out, nil
}

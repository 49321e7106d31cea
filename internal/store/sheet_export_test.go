package store

import (
	"context"
	"fmt"
)

// SheetTableCounts counts the rows of the tables an import may touch, so a
// test can show that a dry run or a refused file leaves the database as it was.
func (s *Store) SheetTableCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range []string{"persons", "households", "household_members", "provisions", "audit_log", "changes", "sheet_keys", "sheet_mappings", "postcode_areas", "buurten"} {
		var n int
		if err := s.w.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	return out, nil
}

// SheetQuery runs a one-value query for tests.
func (s *Store) SheetQuery(ctx context.Context, q string, args ...any) (string, error) {
	var v any
	if err := s.w.QueryRowContext(ctx, s.rebind(q), args...).Scan(&v); err != nil {
		return "", err
	}
	switch x := v.(type) {
	case nil:
		return "", nil
	case []byte:
		return string(x), nil
	case string:
		return x, nil
	}
	return fmt.Sprint(v), nil
}

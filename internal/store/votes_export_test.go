package store

import "context"

// ExecForTest runs a statement on the writer: tests use it to create rows
// another part of naober owns, and to look at what is stored.
func ExecForTest(ctx context.Context, s *Store, q string, args ...any) error {
	_, err := s.w.ExecContext(ctx, s.rebind(q), args...)
	return err
}

// StringsForTest returns the first column of a query as strings.
func StringsForTest(ctx context.Context, s *Store, q string, args ...any) ([]string, error) {
	rows, err := s.w.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

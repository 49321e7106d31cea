package store

import (
	"context"
	"fmt"
	"sort"
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

// SetSheetBulk turns the bulk path of the persons import on or off, and
// returns a func that restores it.
func SetSheetBulk(on bool) func() {
	old := sheetBulk
	sheetBulk = on
	return func() { sheetBulk = old }
}

// SheetSnapshot describes the persons, households, memberships, keys, audit
// records and changes of the database without the random ids, sorted, so a
// test can compare two imports.
func (s *Store) SheetSnapshot(ctx context.Context) ([]string, error) {
	var out []string
	for _, q := range []string{
		"SELECT 'person', bsn_hash, voornamen, tussenvoegsel, achternaam, naam_zoek, geboortedatum, geslacht, bron FROM persons",
		`SELECT 'member', p.bsn_hash, h.postcode, h.huisnummer, h.toevoeging, h.wijk, h.buurt, m.rol, m.start_date, m.end_date
			FROM household_members m JOIN persons p ON p.id = m.person_id JOIN households h ON h.id = m.household_id`,
		"SELECT 'household', postcode, huisnummer, toevoeging, wijk, buurt FROM households",
		`SELECT 'key', k.source, k.kind, k.key_hash, k.fingerprint, k.line, p.bsn_hash FROM sheet_keys k LEFT JOIN persons p ON p.id = k.record_id`,
		"SELECT 'audit', action, record_type, purpose, COUNT(*), COUNT(DISTINCT record_id) FROM audit_log GROUP BY action, record_type, purpose",
		"SELECT 'change', entity, op, COUNT(*), COUNT(DISTINCT household_id) FROM changes GROUP BY entity, op",
	} {
		rows, err := s.w.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		cols, _ := rows.Columns()
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
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			out = append(out, fmt.Sprint(vals...))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// SheetForeignKeys reads whether the SQLite writer enforces foreign keys
// (1), as the bulk import must leave it.
func (s *Store) SheetForeignKeys(ctx context.Context) (int, error) {
	var on int
	err := s.w.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on)
	return on, err
}

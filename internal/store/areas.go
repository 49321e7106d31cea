package store

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// Buurt as stored; synthetic buurten stand in until a real list is imported.
type Buurt struct {
	Code, Wijk, Gemeente, Naam string
	Synthetic                  bool
}

// PutBuurten adds or replaces buurten.
func (s *Store) PutBuurten(ctx context.Context, bs []Buurt) error {
	return s.Tx(ctx, func(tx *Tx) error {
		for _, b := range bs {
			syn := 0
			if b.Synthetic {
				syn = 1
			}
			if _, err := tx.Exec(ctx, `INSERT INTO buurten (code, wijk, gemeente, naam, synthetic) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET wijk = excluded.wijk, gemeente = excluded.gemeente, naam = excluded.naam, synthetic = excluded.synthetic`,
				b.Code, b.Wijk, b.Gemeente, b.Naam, syn); err != nil {
				return err
			}
		}
		return nil
	})
}

// Buurten of a gemeente, by code.
func (s *Store) Buurten(ctx context.Context, gemeente string) ([]Buurt, error) {
	rows, err := s.query(ctx, "SELECT code, wijk, gemeente, naam, synthetic FROM buurten WHERE gemeente = ? ORDER BY code", gemeente)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Buurt
	for rows.Next() {
		var b Buurt
		var syn int
		if err := rows.Scan(&b.Code, &b.Wijk, &b.Gemeente, &b.Naam, &syn); err != nil {
			return nil, err
		}
		b.Synthetic = syn != 0
		out = append(out, b)
	}
	return out, classify(rows.Err())
}

// PostcodeArea places a range of house numbers of one postcode in a buurt.
type PostcodeArea struct {
	Postcode       string
	HuisnummerVan  int
	HuisnummerTot  int
	Gemeente, Wijk string
	Buurt          string
}

// PutPostcodeAreas adds or replaces rows of the address table. A row of
// another gemeente is never taken over: a postcode does not move between
// gemeenten by accident.
func (s *Store) PutPostcodeAreas(ctx context.Context, rows []PostcodeArea) error {
	return s.Tx(ctx, func(tx *Tx) error {
		for _, r := range rows {
			if _, err := tx.Exec(ctx, `INSERT INTO postcode_areas (postcode, huisnummer_van, huisnummer_tot, gemeente, wijk, buurt) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (postcode, huisnummer_van) DO UPDATE SET huisnummer_tot = excluded.huisnummer_tot, wijk = excluded.wijk, buurt = excluded.buurt
				WHERE postcode_areas.gemeente = excluded.gemeente`,
				r.Postcode, r.HuisnummerVan, r.HuisnummerTot, r.Gemeente, r.Wijk, r.Buurt); err != nil {
				return err
			}
		}
		return nil
	})
}

// Backup writes a consistent copy of a live SQLite database to path
// (VACUUM INTO reads one snapshot while writers go on).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return fmt.Errorf("backup: use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists already; choose a new file name", path)
	}
	_, err := s.w.ExecContext(ctx, "VACUUM INTO '"+strings.ReplaceAll(path, "'", "''")+"'")
	if err != nil {
		return fmt.Errorf("backup: %w", classify(err))
	}
	return nil
}

package store

// The address table (issue 5, item 3): postcode + house numbers → buurt and
// wijk, so households land in the right wijk. An import is one
// transaction: a file with any bad row saves nothing. Afterwards the
// households of the gemeente whose wijk was unknown (wijk '', see
// exchange_people.go) and whose address now matches a row are placed, and
// the report counts the households whose address matches no row, per
// postcode (never a house number: the report goes to beheer, who may not
// see households).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/exchange/sheet"
)

// PostcodeReport says what a postcode import did.
type PostcodeReport struct {
	File       string             `json:"bestand"`
	Format     string             `json:"formaat"`
	Gemeente   string             `json:"gemeente"`
	DryRun     bool               `json:"proefrun"`
	Replace    bool               `json:"vervangen"`
	Removed    int                `json:"oude_rijen_weg"`
	Saved      bool               `json:"opgeslagen"`
	Rows       int                `json:"rijen"`
	Rejected   int                `json:"afgekeurd"`
	Buurten    int                `json:"buurten_nieuw"`
	Placed     int                `json:"huishoudens_geplaatst"`
	Unmatched  int                `json:"huishoudens_zonder_match"`
	ByPostcode []PostcodeCount    `json:"zonder_match_per_postcode"`
	Problems   []exchange.Problem `json:"meldingen"`
	More       int                `json:"meer_meldingen"`
}

// PostcodeCount is a number of households at one postcode.
type PostcodeCount struct {
	Postcode string `json:"postcode"`
	Count    int    `json:"aantal"`
}

// Summary is the outcome in Dutch.
func (r PostcodeReport) Summary() string {
	switch {
	case r.Rejected > 0:
		return fmt.Sprintf("Niets opgeslagen: %s afgekeurd. Verbeter het bestand en lees het opnieuw in.", rejectedOf(r.Rejected, r.Rows))
	case r.DryRun:
		repl := ""
		if r.Replace {
			repl = fmt.Sprintf(" De huidige tabel (%s) zou vervallen.", Rows(r.Removed))
		}
		return fmt.Sprintf("Proefrun: %s goed.%s Huishoudens zonder wijk die een wijk zouden krijgen: %d. Huishoudens waarvan het adres bij geen rij past: %d.", Rows(r.Rows), repl, r.Placed, r.Unmatched)
	}
	repl := ""
	if r.Replace {
		repl = fmt.Sprintf(" De oude tabel (%s) is vervangen.", Rows(r.Removed))
	}
	return fmt.Sprintf("Ingelezen: %s.%s Huishoudens zonder wijk die nu een wijk hebben: %d. Huishoudens waarvan het adres bij geen rij van de adrestabel past: %d.", Rows(r.Rows), repl, r.Placed, r.Unmatched)
}

// PostcodeOptions say how to load an address table.
type PostcodeOptions struct {
	DryRun bool
	// Replace drops the gemeente's table first: the file is the whole
	// table. Without it, rows are added or replaced by postcode and first
	// house number, and rows not in the file stay.
	Replace bool
}

// ImportPostcodes loads an address table for one gemeente from r.
func (s *Store) ImportPostcodes(ctx context.Context, a Actor, gemeente, file string, r sheet.Reader, opt PostcodeOptions) (PostcodeReport, error) {
	dryRun := opt.DryRun
	rep := PostcodeReport{File: file, Format: r.Format(), Gemeente: gemeente, DryRun: dryRun, Replace: opt.Replace, Problems: []exchange.Problem{}, ByPostcode: []PostcodeCount{}}
	a, err := exchangeActor(a, gemeente)
	if err != nil {
		return rep, err
	}
	conv, err := exchange.NewPostcodeConverter(file, r.Header(), sheet.ParseInt)
	if err != nil {
		return rep, errs.Wrap(errs.Invalid, err, err.Error())
	}
	reject := func(ps ...exchange.Problem) {
		for _, p := range ps {
			if len(rep.Problems) < MaxReportProblems {
				rep.Problems = append(rep.Problems, p)
			} else {
				rep.More++
			}
		}
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		if opt.Replace {
			res, err := tx.Exec(ctx, "DELETE FROM postcode_areas WHERE gemeente = ?", gemeente)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			rep.Removed = int(n)
		}
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return errs.Wrap(errs.Invalid, err, fmt.Sprintf("%s kan niet verder worden gelezen: %v. Er is niets opgeslagen.", file, err))
			}
			rep.Rows++
			pa, ps := conv.Convert(row.Line, row.Cells)
			if len(ps) == 0 {
				ps, err = s.putPostcodeRow(ctx, tx, gemeente, file, pa, &rep)
				if err != nil {
					return err
				}
			}
			if len(ps) > 0 {
				rep.Rejected++
				reject(ps...)
			}
		}
		if rep.Rejected > 0 {
			return errSheetRollback
		}
		if err := s.placeUnknownWijk(ctx, tx, a, gemeente, &rep); err != nil {
			return err
		}
		if err := s.unmatchedHouseholds(ctx, tx, gemeente, &rep); err != nil {
			return err
		}
		if dryRun {
			return errSheetRollback
		}
		rep.Saved = true
		return nil
	})
	if errors.Is(err, errSheetRollback) {
		err = nil
	}
	return rep, err
}

func (s *Store) putPostcodeRow(ctx context.Context, tx *Tx, gemeente, file string, pa exchange.PostcodeArea, rep *PostcodeReport) (exchange.Problems, error) {
	where := fmt.Sprintf("regel %d", pa.Line)
	if s.wijkGemeente == nil {
		return nil, errs.E(errs.Internal, "no area lookup configured")
	}
	gm, ok := s.wijkGemeente(pa.Wijk)
	if !ok {
		return exchange.Problems{{File: file, Path: where, Value: pa.Wijk, Msg: "deze wijkcode staat niet in de CBS-wijkindeling van 2024"}}, nil
	}
	if gm != gemeente {
		return exchange.Problems{{File: file, Path: where, Value: pa.Wijk, Msg: "deze wijk hoort bij gemeente " + gm + ", niet bij " + gemeente}}, nil
	}
	var other string
	err := tx.QueryRow(ctx, "SELECT gemeente FROM postcode_areas WHERE postcode = ? AND huisnummer_van = ?", pa.Postcode, pa.Van).Scan(&other)
	if err != nil && err != sql.ErrNoRows {
		return nil, err
	}
	if err == nil && other != gemeente {
		return exchange.Problems{{File: file, Path: where, Value: pa.Postcode, Msg: "deze postcode staat in de adrestabel van gemeente " + other}}, nil
	}
	if pa.Buurt != "" {
		var bw string
		err := tx.QueryRow(ctx, "SELECT wijk FROM buurten WHERE code = ?", pa.Buurt).Scan(&bw)
		switch {
		case err == sql.ErrNoRows:
			naam := pa.BuurtNaam
			if naam == "" {
				naam = pa.Buurt
			}
			if _, err := tx.Exec(ctx, "INSERT INTO buurten (code, wijk, gemeente, naam, synthetic) VALUES (?, ?, ?, ?, 0)", pa.Buurt, pa.Wijk, gemeente, naam); err != nil {
				return nil, err
			}
			rep.Buurten++
		case err != nil:
			return nil, err
		case bw != pa.Wijk:
			return exchange.Problems{{File: file, Path: where, Value: pa.Buurt, Msg: "deze buurt hoort in naober bij wijk " + bw + ", niet bij " + pa.Wijk}}, nil
		}
	}
	_, err = tx.Exec(ctx, `INSERT INTO postcode_areas (postcode, huisnummer_van, huisnummer_tot, gemeente, wijk, buurt) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (postcode, huisnummer_van) DO UPDATE SET huisnummer_tot = excluded.huisnummer_tot, wijk = excluded.wijk, buurt = excluded.buurt`,
		pa.Postcode, pa.Van, pa.Tot, gemeente, pa.Wijk, pa.Buurt)
	return nil, err
}

// placeUnknownWijk gives households without a wijk the wijk (and buurt) of
// their address, where the table now knows it.
func (s *Store) placeUnknownWijk(ctx context.Context, tx *Tx, a Actor, gemeente string, rep *PostcodeReport) error {
	type place struct{ id, wijk, buurt string }
	var todo []place
	rows, err := tx.Query(ctx, `SELECT h.id, pa.wijk, pa.buurt FROM households h JOIN postcode_areas pa
		ON pa.postcode = h.postcode AND pa.huisnummer_van <= h.huisnummer AND pa.huisnummer_tot >= h.huisnummer AND pa.gemeente = h.gemeente
		WHERE h.gemeente = ? AND h.wijk = '' AND h.postcode <> ''
		ORDER BY h.id, pa.huisnummer_van DESC`, gemeente)
	if err != nil {
		return err
	}
	last := ""
	for rows.Next() {
		var p place
		if err := rows.Scan(&p.id, &p.wijk, &p.buurt); err != nil {
			rows.Close()
			return err
		}
		if p.id != last { // the narrowest range (highest van) first
			todo = append(todo, p)
			last = p.id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := s.ts(s.now())
	perm := exchangePerm(a, gemeente)
	for _, p := range todo {
		if _, err := tx.Exec(ctx, "UPDATE households SET wijk = ?, buurt = ?, updated_at = ? WHERE id = ? AND gemeente = ? AND wijk = ''", p.wijk, p.buurt, now, p.id, gemeente); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, perm, audit.Update, gemeente, RecHousehold, p.id); err != nil {
			return err
		}
		if err := s.change(ctx, tx, gemeente, RecHousehold, p.id, "update"); err != nil {
			return err
		}
		rep.Placed++
	}
	return nil
}

// unmatchedHouseholds counts households with an address that matches no
// row of the table, per postcode (the 200 postcodes with most first).
func (s *Store) unmatchedHouseholds(ctx context.Context, tx *Tx, gemeente string, rep *PostcodeReport) error {
	rows, err := tx.Query(ctx, `SELECT h.postcode, COUNT(*) FROM households h
		WHERE h.gemeente = ? AND h.postcode <> '' AND NOT EXISTS (SELECT 1 FROM postcode_areas pa
			WHERE pa.postcode = h.postcode AND pa.huisnummer_van <= h.huisnummer AND pa.huisnummer_tot >= h.huisnummer AND pa.gemeente = h.gemeente)
		GROUP BY h.postcode ORDER BY COUNT(*) DESC, h.postcode`, gemeente)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c PostcodeCount
		if err := rows.Scan(&c.Postcode, &c.Count); err != nil {
			return err
		}
		rep.Unmatched += c.Count
		if len(rep.ByPostcode) < 200 {
			rep.ByPostcode = append(rep.ByPostcode, c)
		}
	}
	return rows.Err()
}

// PostcodeRows is the number of rows in a gemeente's address table.
func (s *Store) PostcodeRows(ctx context.Context, gemeente string) (int, error) {
	var n int
	err := s.queryRow(ctx, "SELECT COUNT(*) FROM postcode_areas WHERE gemeente = ?", strings.TrimSpace(gemeente)).Scan(&n)
	return n, classify(err)
}

package store

// The address table (issue 5, item 3): postcode + house numbers → buurt and
// wijk, so households land in the right wijk. An import is one
// transaction: a file with any bad row saves nothing. Afterwards the
// households of the gemeente whose wijk was unknown (wijk '', see
// exchange_people.go) and whose address now matches a row are placed, and
// the report counts the households whose address matches no row: the
// total, and per 4-digit postcode area (PC4) only counts of at least
// MinAreaCount. The report goes to beheer, who may not see households: a
// count of 1 at a full postcode (or a house number) nearly points at one.

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
	File      string             `json:"bestand"`
	Format    string             `json:"formaat"`
	Gemeente  string             `json:"gemeente"`
	DryRun    bool               `json:"proefrun"`
	Replace   bool               `json:"vervangen"`
	Removed   int                `json:"oude_rijen_weg"`
	Saved     bool               `json:"opgeslagen"`
	Rows      int                `json:"rijen"`
	Rejected  int                `json:"afgekeurd"`
	Buurten   int                `json:"buurten_nieuw"`
	Placed    int                `json:"huishoudens_geplaatst"`
	Unmatched int                `json:"huishoudens_zonder_match"`
	ByArea    []AreaCount        `json:"zonder_match_per_pc4"`
	Problems  []exchange.Problem `json:"meldingen"`
	More      int                `json:"meer_meldingen"`
}

// MinAreaCount is the smallest number of households a report shows for
// one postcode area; smaller numbers show as "minder dan 10".
const MinAreaCount = 10

// AreaCount is a number of households in one 4-digit postcode area (PC4).
// Below MinAreaCount, Count is 0 and Few is set.
type AreaCount struct {
	PC4   string `json:"pc4"`
	Count int    `json:"aantal,omitempty"`
	Few   bool   `json:"minder_dan_10,omitempty"`
}

// Shown is the count as a report shows it: the number, or "minder dan 10".
func (c AreaCount) Shown() string {
	if c.Few {
		return fmt.Sprintf("minder dan %d", MinAreaCount)
	}
	return fmt.Sprint(c.Count)
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
	rep := PostcodeReport{File: file, Format: r.Format(), Gemeente: gemeente, DryRun: dryRun, Replace: opt.Replace, Problems: []exchange.Problem{}, ByArea: []AreaCount{}}
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
// row of the table: the total, and per postcode area (PC4) with counts
// under MinAreaCount hidden (the 200 areas with most first).
func (s *Store) unmatchedHouseholds(ctx context.Context, tx *Tx, gemeente string, rep *PostcodeReport) error {
	rows, err := tx.Query(ctx, `SELECT substr(h.postcode, 1, 4), COUNT(*) FROM households h
		WHERE h.gemeente = ? AND h.postcode <> '' AND NOT EXISTS (SELECT 1 FROM postcode_areas pa
			WHERE pa.postcode = h.postcode AND pa.huisnummer_van <= h.huisnummer AND pa.huisnummer_tot >= h.huisnummer AND pa.gemeente = h.gemeente)
		GROUP BY substr(h.postcode, 1, 4) ORDER BY 2 DESC, 1`, gemeente)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c AreaCount
		if err := rows.Scan(&c.PC4, &c.Count); err != nil {
			return err
		}
		rep.Unmatched += c.Count
		if c.Count < MinAreaCount {
			c.Count, c.Few = 0, true
		}
		if len(rep.ByArea) < 200 {
			rep.ByArea = append(rep.ByArea, c)
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

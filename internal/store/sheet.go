package store

// Spreadsheet import, the storage half (issue 5, item 2). The rules:
//
//   - One file is one transaction. A dry run always rolls back; a real run
//     commits only when no row was rejected, unless the caller asks for
//     Partial, which commits the good rows. Every row is looked at either
//     way, so the report lists every rejected row and counts what would be
//     created, updated or left as it was.
//   - A row is checked completely (conversion, then lookups) before it
//     writes anything, so a rejected row never leaves half a write behind
//     and the transaction stays usable (on PostgreSQL an error would abort it).
//   - Idempotency: the key column the user picks identifies a row within a
//     source. sheet_keys remembers, per gemeente, source and kind, which
//     record a key made and a fingerprint of the row; the same row again
//     changes nothing, a changed row updates that record. Keys and
//     fingerprints are stored as keyed hashes.
//   - A first import never changes a record naober already had (a person
//     with the same BSN, a provision with the same allocation number): the
//     key is linked to it and the difference reported as a warning, as the
//     iJw/iWmo import does. Later changes of that source's row do apply.
//   - Rows stream: memory does not grow with the file, except for the change
//     log the monitor follows, which PostgreSQL must write at commit (see
//     monitor_changes.go); on SQLite the import writes it as it goes.
//   - Audit: one record per created or changed person, household or
//     provision, purpose "uitwisseling"; unchanged rows write none.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/exchange/sheet"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// SourceSpreadsheet is the bron of persons and provisions a spreadsheet made.
const SourceSpreadsheet = "spreadsheet"

// MaxReportProblems caps the rejected rows a report lists (the count is
// always complete), so a report stays small for a broken file of a million rows.
const MaxReportProblems = 1000

// SheetImport says what to import and how.
type SheetImport struct {
	Gemeente string
	Source   string // "Suite4Sociaal export": the mapping and keys belong to it
	Kind     exchange.Kind
	Mapping  exchange.Mapping
	Key      string // header of the key column
	File     string // name for reports
	DryRun   bool
	Partial  bool // commit the good rows even when some are rejected
}

// SheetReport says what an import did, or in a dry run would do. It holds
// no personal data: problems name line and column, BSNs masked.
type SheetReport struct {
	File              string             `json:"bestand"`
	Format            string             `json:"formaat"`
	Gemeente          string             `json:"gemeente"`
	Source            string             `json:"bron"`
	Kind              exchange.Kind      `json:"soort"`
	DryRun            bool               `json:"proefrun"`
	Partial           bool               `json:"alleen_goede_rijen"`
	Saved             bool               `json:"opgeslagen"`
	Rows              int                `json:"rijen"`
	Created           int                `json:"nieuw"`
	Updated           int                `json:"gewijzigd"`
	Unchanged         int                `json:"ongewijzigd"`
	Rejected          int                `json:"afgekeurd"`
	HouseholdsCreated int                `json:"huishoudens_nieuw"`
	Unplaced          int                `json:"zonder_wijk"`
	Problems          []exchange.Problem `json:"afgekeurde_rijen"`
	MoreProblems      int                `json:"meer_meldingen"`
	Warnings          []exchange.Problem `json:"waarschuwingen"`
	MoreWarnings      int                `json:"meer_waarschuwingen"`
}

// Summary is the report's outcome in one Dutch sentence.
func (r SheetReport) Summary() string {
	would := ""
	if r.DryRun {
		would = "zou "
	}
	counts := fmt.Sprintf("%d nieuw, %d gewijzigd, %d ongewijzigd, %d afgekeurd", r.Created, r.Updated, r.Unchanged, r.Rejected)
	switch {
	case r.DryRun && r.Rejected > 0 && !r.Partial:
		return fmt.Sprintf("Proefrun van %s: %s. Zo wordt er niets opgeslagen: verbeter de afgekeurde rijen, of kies 'alleen goede rijen'.", Rows(r.Rows), counts)
	case r.DryRun:
		return fmt.Sprintf("Proefrun van %s: %s. Er is nog niets opgeslagen; naober %sde goede rijen opslaan.", Rows(r.Rows), counts, would)
	case !r.Saved:
		return fmt.Sprintf("Niets opgeslagen: %s afgekeurd. Verbeter het bestand en lees het opnieuw in.", rejectedOf(r.Rejected, r.Rows))
	}
	return fmt.Sprintf("Ingelezen: %s, %s.", Rows(r.Rows), counts)
}

// Rows says a number of rows in Dutch: "1 rij", "3 rijen".
func Rows(n int) string {
	if n == 1 {
		return "1 rij"
	}
	return fmt.Sprintf("%d rijen", n)
}

// rejectedOf: "1 van de 3 rijen is", "2 van de 3 rijen zijn".
func rejectedOf(rejected, rows int) string {
	verb := "zijn"
	if rejected == 1 {
		verb = "is"
	}
	if rows == 1 {
		return "de enige rij is"
	}
	return fmt.Sprintf("%d van de %d rijen %s", rejected, rows, verb)
}

func (r *SheetReport) reject(ps exchange.Problems) {
	r.Rejected++
	for _, p := range ps {
		if len(r.Problems) < MaxReportProblems {
			r.Problems = append(r.Problems, p)
		} else {
			r.MoreProblems++
		}
	}
}

func (r *SheetReport) warn(ps ...exchange.Problem) {
	for _, p := range ps {
		if len(r.Warnings) < MaxReportProblems {
			r.Warnings = append(r.Warnings, p)
		} else {
			r.MoreWarnings++
		}
	}
}

// SheetParsers are package sheet's cell parsers, for exchange.NewConverter.
var SheetParsers = exchange.Parsers{Date: sheet.ParseDate, Cents: sheet.ParseCents, Int: sheet.ParseInt}

var errSheetRollback = errors.New("sheet import: roll back")

// ImportSheet reads every row of r into persons/households or provisions of
// one gemeente (see the rules at the top of this file). A file that cannot
// be read to the end saves nothing and returns the read error.
func (s *Store) ImportSheet(ctx context.Context, a Actor, in SheetImport, r sheet.Reader) (SheetReport, error) {
	rep := SheetReport{File: in.File, Format: r.Format(), Gemeente: in.Gemeente, Source: strings.TrimSpace(in.Source), Kind: in.Kind,
		DryRun: in.DryRun, Partial: in.Partial, Problems: []exchange.Problem{}, Warnings: []exchange.Problem{}}
	a, err := exchangeActor(a, in.Gemeente)
	if err != nil {
		return rep, err
	}
	if err := checkSource(rep.Source); err != nil {
		return rep, err
	}
	today := people.DateOf(s.now().In(people.Amsterdam()))
	conv, err := exchange.NewConverter(in.Kind, in.File, r.Header(), in.Mapping, in.Key, SheetParsers, today)
	if err != nil {
		return rep, errs.Wrap(errs.Invalid, err, "De koppeling van kolommen klopt niet: "+err.Error())
	}
	imp := &sheetRun{s: s, a: a, in: in, rep: &rep, today: today, run: secret.ID(), conv: conv,
		keyScope: "sheet:" + in.Gemeente + ":" + rep.Source + ":" + string(in.Kind)}
	if s.dialect == SQLite {
		// A big file touches many pages of persons, households, the audit
		// log and the keys; SQLite's default 2 MB page cache then reads
		// pages back from the file for every row. Every INSERT into a table
		// with indexes keeps a statement journal, by default a temporary
		// file (a write per page). The writer is one long-lived connection,
		// so both stay set (as for the message import, exchange.go).
		for _, q := range []string{"PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -65536"} {
			if _, err := s.w.ExecContext(ctx, q); err != nil {
				return rep, classify(err)
			}
		}
	}
	bulk := in.Kind == exchange.KindPersons && sheetBulk
	txFn := s.Tx
	if bulk {
		txFn = func(ctx context.Context, fn func(*Tx) error) error { return s.sheetTx(ctx, in.Gemeente, fn) }
	}
	err = txFn(ctx, func(tx *Tx) error {
		imp.tx = tx
		tx.cacheStatements()
		// exchangePersonX on one xtx for the whole file: each statement is
		// prepared once, and audit records are written 50 to a statement.
		imp.x = newXTx(tx)
		imp.x.buffer = true
		if bulk {
			// Persons take the bulk path (sheet_bulk.go).
			if err := imp.importPersons(ctx, r); err != nil {
				return err
			}
		}
		for n := 0; !bulk; n++ {
			if n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return errs.Wrap(errs.Invalid, err, fmt.Sprintf("%s kan niet verder worden gelezen: %v. Er is niets opgeslagen.", in.File, err))
			}
			rep.Rows++
			rec, ps := conv.Convert(row.Line, row.Cells)
			if len(ps) == 0 {
				ps, err = imp.apply(ctx, rec)
				if err != nil {
					return fmt.Errorf("%s regel %d: %w", in.File, row.Line, err)
				}
			}
			if len(ps) > 0 {
				rep.reject(ps)
			}
			if len(imp.x.audits) >= 1000 {
				if err := imp.x.flushAudit(ctx); err != nil {
					return err
				}
			}
			// On SQLite (one writer) the change log may be written as the
			// import goes, which keeps memory flat; PostgreSQL must write it
			// at commit.
			if s.dialect == SQLite && len(tx.changes) >= 4096 {
				if err := s.flushChanges(ctx, tx); err != nil {
					return err
				}
			}
		}
		if err := imp.x.flushAudit(ctx); err != nil {
			return err
		}
		if in.DryRun || (rep.Rejected > 0 && !in.Partial) {
			return errSheetRollback
		}
		rep.Saved = true
		return nil
	})
	if errors.Is(err, errSheetRollback) {
		err = nil
	}
	if err != nil {
		rep.Saved = false
	}
	return rep, err
}

func checkSource(src string) error {
	if src == "" || len(src) > 100 {
		return &people.FieldError{Field: "bron", Message: "geef de bron een naam (hooguit 100 tekens), zoals 'Suite4Sociaal export'"}
	}
	return nil
}

// sheetRun is one import in progress.
type sheetRun struct {
	s        *Store
	tx       *Tx
	a        Actor
	in       SheetImport
	rep      *SheetReport
	today    people.Date
	run      string
	keyScope string
	conv     *exchange.Converter
	x        *xtx // the import's statement cache and audit buffer, for exchangePersonX
	bulk     *sheetBulkState
}

type sheetKey struct {
	hash, record, fingerprint, run string
	line                           int
	found                          bool
}

func (r *sheetRun) lookupKey(ctx context.Context, key string) (sheetKey, error) {
	k := sheetKey{hash: r.s.keys.Hash(key, r.keyScope)}
	err := r.tx.QueryRow(ctx, `SELECT record_id, fingerprint, run_id, line FROM sheet_keys WHERE gemeente = ? AND source = ? AND kind = ? AND key_hash = ?`,
		r.in.Gemeente, r.rep.Source, string(r.in.Kind), k.hash).Scan(&k.record, &k.fingerprint, &k.run, &k.line)
	if err == sql.ErrNoRows {
		return k, nil
	}
	k.found = err == nil
	return k, err
}

func (r *sheetRun) saveKey(ctx context.Context, k sheetKey, record, fingerprint string, line int) error {
	if k.found {
		_, err := r.tx.Exec(ctx, `UPDATE sheet_keys SET record_id = ?, fingerprint = ?, run_id = ?, line = ?, updated_at = ?
			WHERE gemeente = ? AND source = ? AND kind = ? AND key_hash = ?`,
			record, fingerprint, r.run, line, r.s.ts(r.s.now()), r.in.Gemeente, r.rep.Source, string(r.in.Kind), k.hash)
		return err
	}
	_, err := r.tx.Exec(ctx, `INSERT INTO sheet_keys (gemeente, source, kind, key_hash, record_id, fingerprint, run_id, line, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.in.Gemeente, r.rep.Source, string(r.in.Kind), k.hash, record, fingerprint, r.run, line, r.s.ts(r.s.now()))
	return err
}

func (r *sheetRun) problem(line int, field, value, msg string) exchange.Problems {
	col := r.in.Mapping[field]
	if col == "" {
		col = field
	}
	return exchange.Problems{{File: r.in.File, Path: fmt.Sprintf("regel %d, kolom %s", line, col), Value: value, Msg: msg}}
}

// apply writes one converted row; problems reject the row (nothing of it
// was written), an error stops the import.
func (r *sheetRun) apply(ctx context.Context, rec exchange.Row) (exchange.Problems, error) {
	k, err := r.lookupKey(ctx, rec.Key)
	if err != nil {
		return nil, err
	}
	if k.found && k.run == r.run {
		return exchange.Problems{{File: r.in.File, Path: fmt.Sprintf("regel %d, kolom %s", rec.Line, r.in.Key),
			Msg: fmt.Sprintf("deze sleutel staat ook op regel %d; elke rij heeft een eigen sleutel nodig", k.line)}}, nil
	}
	fp := r.s.keys.Hash(rec.Fingerprint, "sheet-row:"+r.in.Gemeente)
	if k.found && k.fingerprint == fp {
		r.rep.Unchanged++
		return nil, r.saveKey(ctx, k, k.record, fp, rec.Line)
	}
	var id string
	var ps exchange.Problems
	if rec.Person != nil {
		id, ps, err = r.person(ctx, rec, k)
	} else {
		id, ps, err = r.provision(ctx, rec, k)
	}
	if err != nil || len(ps) > 0 {
		return ps, err
	}
	return nil, r.saveKey(ctx, k, id, fp, rec.Line)
}

// --- persons ---

func (r *sheetRun) person(ctx context.Context, rec exchange.Row, k sheetKey) (string, exchange.Problems, error) {
	s, tx, gm := r.s, r.tx, r.in.Gemeente
	row := rec.Person
	c := row.Client
	hash := s.keys.Hash(c.BSN, gm)
	if k.found {
		// This source made or linked the person before: its change applies.
		var other string
		err := tx.QueryRow(ctx, "SELECT id FROM persons WHERE gemeente = ? AND bsn_hash = ? AND id <> ?", gm, hash, k.record).Scan(&other)
		if err == nil {
			return "", r.problem(rec.Line, "bsn", exchange.MaskBSN(c.BSN), "er staat al een andere persoon met dit BSN in naober"), nil
		}
		if err != sql.ErrNoRows {
			return "", nil, err
		}
		var exists int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM persons WHERE id = ? AND gemeente = ?", k.record, gm).Scan(&exists); err != nil {
			return "", nil, err
		}
		if exists == 1 {
			return k.record, nil, r.updatePerson(ctx, k.record, hash, row)
		}
		// The record is gone: make it again.
	}
	ep, err := s.exchangePersonX(ctx, r.x, r.a, gm, c, SourceSpreadsheet)
	if err != nil {
		var ps exchange.Problems
		if errors.As(err, &ps) {
			for i := range ps {
				ps[i].File, ps[i].Path = r.in.File, fmt.Sprintf("regel %d", rec.Line)
			}
			return "", ps, nil
		}
		return "", nil, err
	}
	for _, w := range ep.Warnings {
		w.File, w.Path = r.in.File, fmt.Sprintf("regel %d", rec.Line)
		r.rep.warn(w)
	}
	if ep.HouseholdCreated {
		r.rep.HouseholdsCreated++
	}
	if ep.Unplaced {
		r.rep.Unplaced++
		r.rep.warn(r.problem(rec.Line, "postcode", "", "dit adres staat niet in de adrestabel; het huishouden staat zonder wijk in naober (lees de adrestabel in met 'postcodes')")...)
	}
	switch {
	case ep.Created:
		r.rep.Created++
		// exchangePerson makes a member "kind" under 18, else "overig".
		def := "overig"
		if (people.Person{Geboortedatum: c.Geboortedatum}).Age(r.today) < 18 {
			def = "kind"
		}
		if row.Rol != "" && row.Rol != def && ep.HouseholdID != "" {
			if _, err := tx.Exec(ctx, "UPDATE household_members SET rol = ? WHERE person_id = ? AND household_id = ? AND end_date IS NULL",
				row.Rol, ep.PersonID, ep.HouseholdID); err != nil {
				return "", nil, err
			}
		}
	case ep.HouseholdCreated:
		r.rep.Updated++
	default:
		r.rep.Unchanged++
	}
	return ep.PersonID, nil, nil
}

// updatePerson applies a changed row to the person this source made: names,
// birth date, gender, BSN, the role in the household and, when the address
// changed, a move to a household at the new address.
func (r *sheetRun) updatePerson(ctx context.Context, id, hash string, row *exchange.PersonRow) error {
	s, tx, gm := r.s, r.tx, r.in.Gemeente
	c := row.Client
	// Optional fields the file does not hold keep naober's value.
	if !r.conv.Has("tussenvoegsel") || !r.conv.Has("geslacht") {
		var tv, g string
		if err := tx.QueryRow(ctx, "SELECT tussenvoegsel, geslacht FROM persons WHERE id = ? AND gemeente = ?", id, gm).Scan(&tv, &g); err != nil {
			return err
		}
		if !r.conv.Has("tussenvoegsel") {
			c.Voorvoegsel = tv
		}
		if !r.conv.Has("geslacht") {
			c.Geslacht = g
		}
	}
	p := people.Person{Voornamen: c.Voornamen, Tussenvoegsel: c.Voorvoegsel, Achternaam: c.Achternaam}
	now := s.now().UTC()
	if _, err := tx.Exec(ctx, `UPDATE persons SET bsn_enc = ?, bsn_hash = ?, voornamen = ?, tussenvoegsel = ?, achternaam = ?, naam_zoek = ?,
		geboortedatum = ?, geslacht = ?, updated_at = ? WHERE id = ? AND gemeente = ?`,
		s.keys.Encrypt(c.BSN, bsnContext(gm)), hash, c.Voornamen, c.Voorvoegsel, c.Achternaam, Fold(p.Name()),
		c.Geboortedatum, c.Geslacht, s.ts(now), id, gm); err != nil {
		return err
	}
	perm := exchangePerm(r.a, gm)
	if err := s.audit(ctx, tx, r.a, perm, audit.Update, gm, RecPerson, id); err != nil {
		return err
	}
	if err := s.change(ctx, tx, gm, RecPerson, id, "update"); err != nil {
		return err
	}
	r.rep.Updated++
	// Where does the person live now?
	var memberID, hhID, pc, toev string
	var nr int
	var start people.Date
	err := tx.QueryRow(ctx, `SELECT m.id, m.start_date, h.id, h.postcode, h.huisnummer, h.toevoeging FROM household_members m JOIN households h ON h.id = m.household_id
		WHERE m.person_id = ? AND m.gemeente = ? AND m.end_date IS NULL ORDER BY m.start_date DESC, m.id LIMIT 1`, id, gm).Scan(&memberID, &start, &hhID, &pc, &nr, &toev)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	a := c.Address
	if err == nil && pc == a.Postcode && nr == a.Huisnummer && toev == a.Toevoeging {
		if row.Rol != "" {
			_, err := tx.Exec(ctx, "UPDATE household_members SET rol = ? WHERE id = ? AND rol <> ?", row.Rol, memberID, row.Rol)
			return err
		}
		return nil
	}
	// A move: to the household at the new address, or a new one there.
	newHH, created, unplaced, err := r.householdAt(ctx, a)
	if err != nil {
		return err
	}
	if created {
		r.rep.HouseholdsCreated++
	}
	if unplaced {
		r.rep.Unplaced++
	}
	rol := row.Rol
	if rol == "" {
		rol = "overig"
	}
	if memberID != "" {
		if start.Before(r.today) {
			if _, err := tx.Exec(ctx, "UPDATE household_members SET end_date = ? WHERE id = ?", r.today, memberID); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, "DELETE FROM household_members WHERE id = ?", memberID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, r.a, perm, audit.Update, gm, RecHousehold, hhID); err != nil {
			return err
		}
		if err := s.change(ctx, tx, gm, RecHousehold, hhID, "member"); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO household_members (id, gemeente, household_id, person_id, rol, start_date, end_date) VALUES (?, ?, ?, ?, ?, ?, NULL)`,
		secret.SortedID(), gm, newHH, id, rol, r.today); err != nil {
		return err
	}
	if !created {
		if err := s.audit(ctx, tx, r.a, perm, audit.Update, gm, RecHousehold, newHH); err != nil {
			return err
		}
	}
	return s.change(ctx, tx, gm, RecHousehold, newHH, "member")
}

// householdAt finds the household at an address in the gemeente, or makes
// one placed through the postcode table (wijk unknown when it has no row).
func (r *sheetRun) householdAt(ctx context.Context, a *exchange.Address) (id string, created, unplaced bool, err error) {
	s, tx, gm := r.s, r.tx, r.in.Gemeente
	err = tx.QueryRow(ctx, "SELECT id FROM households WHERE gemeente = ? AND postcode = ? AND huisnummer = ? AND toevoeging = ? ORDER BY created_at, id LIMIT 1",
		gm, a.Postcode, a.Huisnummer, a.Toevoeging).Scan(&id)
	if err == nil {
		return id, false, false, nil
	}
	if err != sql.ErrNoRows {
		return "", false, false, err
	}
	h := people.Household{ID: secret.SortedID(), Gemeente: gm, Postcode: a.Postcode, Huisnummer: a.Huisnummer, Toevoeging: a.Toevoeging}
	if err := s.placeHousehold(ctx, tx, &h); err != nil {
		if _, ok := people.AsFieldErrors(err); !ok {
			return "", false, false, err
		}
		h.Wijk, h.Buurt = "", ""
	}
	now := s.now().UTC()
	if _, err := tx.Exec(ctx, `INSERT INTO households (id, gemeente, postcode, huisnummer, toevoeging, wijk, buurt, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.ID, gm, h.Postcode, h.Huisnummer, h.Toevoeging, h.Wijk, h.Buurt, s.ts(now), s.ts(now)); err != nil {
		return "", false, false, err
	}
	if err := s.audit(ctx, tx, r.a, exchangePerm(r.a, gm), audit.Create, gm, RecHousehold, h.ID); err != nil {
		return "", false, false, err
	}
	return h.ID, true, h.Wijk == "", nil
}

// --- provisions ---

func (r *sheetRun) provision(ctx context.Context, rec exchange.Row, k sheetKey) (string, exchange.Problems, error) {
	s, tx, gm := r.s, r.tx, r.in.Gemeente
	row := rec.Provision
	p := row.Provision
	var pid string
	err := tx.QueryRow(ctx, "SELECT id FROM persons WHERE gemeente = ? AND bsn_hash = ?", gm, s.keys.Hash(row.BSN, gm)).Scan(&pid)
	if err == sql.ErrNoRows {
		return "", r.problem(rec.Line, "bsn", exchange.MaskBSN(row.BSN), "er staat geen persoon met dit BSN in naober; lees eerst de personen in"), nil
	}
	if err != nil {
		return "", nil, err
	}
	var hh string
	err = tx.QueryRow(ctx, `SELECT household_id FROM household_members WHERE person_id = ? AND gemeente = ? AND (end_date IS NULL OR end_date > ?)
		ORDER BY start_date DESC, household_id DESC LIMIT 1`, pid, gm, p.Start).Scan(&hh)
	if err == sql.ErrNoRows {
		return "", r.problem(rec.Line, "start", p.Start.Dutch(), "de persoon hoort op de startdatum bij geen huishouden in naober"), nil
	}
	if err != nil {
		return "", nil, err
	}
	// Another provision of this client with this allocation number? A
	// provision is gemeente, law, number and client: the same number of
	// another client is another provision, never this row's to update.
	var other string
	if row.Toewijzingnummer != "" {
		err := tx.QueryRow(ctx, "SELECT id FROM provisions WHERE gemeente = ? AND wet = ? AND toewijzingnummer = ? AND toewijzingnummer <> '' AND person_id = ?",
			gm, p.Wet, row.Toewijzingnummer, pid).Scan(&other)
		if err != nil && err != sql.ErrNoRows {
			return "", nil, err
		}
	}
	now := s.now().UTC()
	perm := exchangePerm(r.a, gm)
	if k.found {
		var owner string
		err := tx.QueryRow(ctx, "SELECT person_id FROM provisions WHERE id = ? AND gemeente = ?", k.record, gm).Scan(&owner)
		if err != nil && err != sql.ErrNoRows {
			return "", nil, err
		}
		if err == nil && owner != pid {
			// The key's provision is another client's: a row never moves
			// or changes it (a key linked before naober checked the client).
			return "", r.problem(rec.Line, "bsn", exchange.MaskBSN(row.BSN), "de voorziening van deze sleutel hoort in naober bij een andere cliënt; controleer het BSN"), nil
		}
		if err == nil {
			if other != "" && other != k.record {
				return "", r.problem(rec.Line, "toewijzingnummer", row.Toewijzingnummer, "dit toewijzingnummer hoort in naober al bij een andere voorziening van deze cliënt"), nil
			}
			// Status only moves forward (aangevraagd → toegekend → gestart);
			// optional fields the file does not hold keep naober's value.
			set := []string{"person_id = ?", "household_id = ?", "wet = ?", "categorie = ?", "taakveld = ?", "start_datum = ?"}
			args := []any{pid, hh, p.Wet, p.Categorie, p.Taakveld, p.Start}
			for _, o := range []struct {
				field, sql string
				args       []any
			}{
				{"productcode", "productcode = ?", []any{p.Productcode}},
				{"aanbieder", "aanbieder = ?", []any{p.Aanbieder}},
				{"aanbieder_agb", "aanbieder_agb = ?", []any{p.AanbiederAGB}},
				{"eind", "eind_datum = ?", []any{p.Eind}},
				{"volume", "volume = ?", []any{pvNullInt(p.Volume)}},
				{"eenheid", "eenheid = ?", []any{p.Eenheid}},
				{"frequentie", "frequentie = ?", []any{p.Frequentie}},
				{"prijs", "prijs_cents = ?", []any{pvNullCents(p.PrijsCents)}},
				{"maandbedrag", "maandbedrag_cents = ?", []any{pvNullCents(p.MaandbedragCents)}},
				{"toewijzingnummer", "toewijzingnummer = ?", []any{row.Toewijzingnummer}},
				{"status", "status = CASE WHEN status IN ('beeindigd', 'gestart') THEN status WHEN status = 'toegekend' AND ? = 'aangevraagd' THEN status ELSE ? END", []any{p.Status, p.Status}},
			} {
				if r.conv.Has(o.field) {
					set = append(set, o.sql)
					args = append(args, o.args...)
				}
			}
			_, err := tx.Exec(ctx, "UPDATE provisions SET "+strings.Join(set, ", ")+", updated_at = ? WHERE id = ? AND gemeente = ?",
				append(args, s.ts(now), k.record, gm)...)
			if err != nil {
				return "", nil, err
			}
			if err := s.audit(ctx, tx, r.a, perm, audit.Update, gm, RecProvision, k.record); err != nil {
				return "", nil, err
			}
			r.rep.Updated++
			return k.record, nil, s.change(ctx, tx, gm, RecProvision, k.record, "update")
		}
	}
	if other != "" {
		// naober has this allocation already (from the message traffic):
		// link the key, keep naober's record.
		r.rep.Unchanged++
		r.rep.warn(exchange.Problem{File: r.in.File, Path: fmt.Sprintf("regel %d", rec.Line), Value: row.Toewijzingnummer,
			Msg: "deze toewijzing stond al in naober; naober houdt de eigen gegevens aan"})
		return other, nil, nil
	}
	id := secret.SortedID()
	_, err = tx.Exec(ctx, `INSERT INTO provisions (id, gemeente, person_id, household_id, wet, categorie, productcode, taakveld, aanbieder, aanbieder_agb,
		start_datum, eind_datum, volume, eenheid, frequentie, prijs_cents, maandbedrag_cents, profiel, status, eind_reden, toelichting, created_by, created_at, updated_at,
		toewijzingnummer, bron)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, '', '', ?, ?, ?, ?, ?)`,
		id, gm, pid, hh, p.Wet, p.Categorie, p.Productcode, p.Taakveld, p.Aanbieder, p.AanbiederAGB,
		p.Start, p.Eind, pvNullInt(p.Volume), p.Eenheid, p.Frequentie, pvNullCents(p.PrijsCents), pvNullCents(p.MaandbedragCents),
		p.Status, r.a.P.UserID, s.ts(now), s.ts(now), row.Toewijzingnummer, SourceSpreadsheet)
	if err != nil {
		return "", nil, err
	}
	if err := s.audit(ctx, tx, r.a, perm, audit.Create, gm, RecProvision, id); err != nil {
		return "", nil, err
	}
	r.rep.Created++
	return id, nil, s.change(ctx, tx, gm, RecProvision, id, "create")
}

// --- saved mappings ---

// SheetMapping is the column mapping saved for one source.
type SheetMapping struct {
	Gemeente string           `json:"gemeente"`
	Source   string           `json:"bron"`
	Kind     exchange.Kind    `json:"soort"`
	Mapping  exchange.Mapping `json:"koppeling"`
	Key      string           `json:"sleutel"`
}

// SaveSheetMapping stores (or replaces) the mapping of a source.
func (s *Store) SaveSheetMapping(ctx context.Context, a Actor, m SheetMapping) error {
	if _, err := exchangeActor(a, m.Gemeente); err != nil {
		return err
	}
	m.Source = strings.TrimSpace(m.Source)
	if err := checkSource(m.Source); err != nil {
		return err
	}
	b, err := json.Marshal(m.Mapping)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sheet_mappings (gemeente, source, kind, mapping, key_column, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (gemeente, source, kind) DO UPDATE SET mapping = excluded.mapping, key_column = excluded.key_column,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			m.Gemeente, m.Source, string(m.Kind), string(b), m.Key, a.P.UserID, s.ts(s.now()))
		return err
	})
}

// SheetMapping reads the saved mapping of a source; errs.NotFound when
// there is none.
func (s *Store) SheetMapping(ctx context.Context, a Actor, gemeente, source string, kind exchange.Kind) (SheetMapping, error) {
	m := SheetMapping{Gemeente: gemeente, Source: strings.TrimSpace(source), Kind: kind}
	if _, err := exchangeActor(a, gemeente); err != nil {
		return m, err
	}
	var raw string
	err := s.queryRow(ctx, "SELECT mapping, key_column FROM sheet_mappings WHERE gemeente = ? AND source = ? AND kind = ?", gemeente, m.Source, string(kind)).Scan(&raw, &m.Key)
	if err != nil {
		return m, classify(err)
	}
	return m, json.Unmarshal([]byte(raw), &m.Mapping)
}

// SheetSources lists the sources with a saved mapping in a gemeente.
func (s *Store) SheetSources(ctx context.Context, a Actor, gemeente string) ([]SheetMapping, error) {
	if _, err := exchangeActor(a, gemeente); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, "SELECT source, kind, mapping, key_column FROM sheet_mappings WHERE gemeente = ? ORDER BY source, kind", gemeente)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SheetMapping
	for rows.Next() {
		m := SheetMapping{Gemeente: gemeente}
		var raw, kind string
		if err := rows.Scan(&m.Source, &kind, &raw, &m.Key); err != nil {
			return nil, err
		}
		m.Kind = exchange.Kind(kind)
		if err := json.Unmarshal([]byte(raw), &m.Mapping); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, classify(rows.Err())
}

package store

// The bulk path of the persons import (issue 5, item 6: 100,000 rows a
// second). Rows are taken a chunk at a time:
//
//   - one query finds the chunk's keys in sheet_keys, one its BSNs in
//     persons, one the households at its postcodes; the postcode table is
//     read per postcode and kept (bounded) for the whole import;
//   - a row whose key and BSN are both new (the common case of a first
//     import) is checked completely in Go, as exchangePersonX checks it,
//     and queued: persons, households, memberships, keys, audit records and
//     monitor changes are written in multi-row INSERTs at the end of the
//     chunk, with ids made in Go;
//   - an unchanged row only refreshes its key (a multi-row upsert);
//   - every other row (a changed row, a BSN naober knows, the same BSN twice)
//     takes the row-by-row path (sheetRun.apply) after what is queued has
//     been written, so it sees the database as the rows before it left it.
//
// The rules of sheet.go stay: a rejected row writes nothing, the same key
// twice is refused naming the earlier line, one transaction per file.

import (
	"context"
	"database/sql"
	"database/sql/driver"
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

// sheetBulk turns the bulk path on; tests turn it off to compare it with
// the row-by-row path.
var sheetBulk = true

// sheetChunk is how many rows the bulk path looks up and writes at once.
const sheetChunk = 1000

// sheetMaxRows is the most rows one INSERT carries: 256 rows of at most 13
// values stay far below SQLite's 32,766 and PostgreSQL's 65,535 variables.
// Smaller statements are powers of two, so only a few are ever prepared.
const sheetMaxRows = 256

// sheetMaxPostcodes bounds the postcode table cache of one import.
const sheetMaxPostcodes = 20_000

type sheetEntry struct {
	line                      int
	rec                       exchange.Row
	ps                        exchange.Problems
	keyHash, fp, bsn, bsnHash string
	hh                        people.Household // the validated address; Postcode "" when none
	addrBad                   bool             // the address was given but is invalid
}

type sheetAddr struct {
	postcode   string
	huisnummer int
	toevoeging string
}

type sheetArea struct {
	van, tot              int
	wijk, buurt, gemeente string
}

type sheetPerson struct {
	id, enc, hash, voornamen, tussen, achternaam, zoek, geslacht string
	birth                                                        people.Date
}

type sheetMember struct{ id, household, person, rol string }

type sheetKeyRow struct {
	hash, record, fp string
	line             int
	found            bool // in sheet_keys already
}

// sheetBulkState is what the bulk path queues and caches during one import.
type sheetBulkState struct {
	persons    []sheetPerson
	households []people.Household
	members    []sheetMember
	keys       []sheetKeyRow
	areas      map[string][]sheetArea // postcode → ranges of the postcode table
	buurtWijk  map[string]string      // buurt → its wijk ("" when unknown)
	args       []any
	stale      bool // the row-by-row path wrote in this chunk: atAddr may miss households
}

// importPersons reads every row of rd through the bulk path.
func (r *sheetRun) importPersons(ctx context.Context, rd sheet.Reader) error {
	r.bulk = &sheetBulkState{areas: map[string][]sheetArea{}, buurtWijk: map[string]string{}}
	chunk := make([]sheetEntry, 0, sheetChunk)
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errs.Wrap(errs.Invalid, err, fmt.Sprintf("%s kan niet verder worden gelezen: %v. Er is niets opgeslagen.", r.in.File, err))
		}
		r.rep.Rows++
		rec, ps := r.conv.Convert(row.Line, row.Cells)
		chunk = append(chunk, sheetEntry{line: row.Line, rec: rec, ps: ps})
		if len(chunk) == sheetChunk {
			if err := r.personChunk(ctx, chunk); err != nil {
				return err
			}
			clear(chunk)
			chunk = chunk[:0]
		}
	}
	if len(chunk) > 0 {
		if err := r.personChunk(ctx, chunk); err != nil {
			return err
		}
	}
	return nil
}

// personChunk looks up, checks and writes one chunk of rows, in file order.
func (r *sheetRun) personChunk(ctx context.Context, chunk []sheetEntry) error {
	s, gm := r.s, r.in.Gemeente
	fpScope := "sheet-row:" + gm
	keyHashes := make([]string, 0, len(chunk))
	bsnHashes := make([]string, 0, len(chunk))
	var postcodes []string
	seenPC := map[string]bool{}
	for i := range chunk {
		e := &chunk[i]
		if len(e.ps) > 0 || e.rec.Person == nil {
			continue
		}
		c := e.rec.Person.Client
		e.keyHash = s.keys.Hash(e.rec.Key, r.keyScope)
		e.fp = s.keys.Hash(e.rec.Fingerprint, fpScope)
		e.bsn = people.NormalizeBSN(c.BSN)
		e.bsnHash = s.keys.Hash(e.bsn, gm)
		keyHashes = append(keyHashes, e.keyHash)
		e.hh = people.Household{Gemeente: gm}
		if ad := c.Address; ad != nil {
			e.hh.Postcode, e.hh.Huisnummer, e.hh.Toevoeging = ad.Postcode, ad.Huisnummer, ad.Toevoeging
			if err := people.ValidateHousehold(&e.hh); err != nil {
				e.hh, e.addrBad = people.Household{Gemeente: gm}, true
			}
		}
	}
	keys, err := r.chunkKeys(ctx, keyHashes)
	if err != nil {
		return err
	}
	// Persons, households and the postcode table matter only for rows
	// whose key is new (a re-import mostly has none).
	bsnHashes, postcodes = bsnHashes[:0], postcodes[:0]
	clear(seenPC)
	for i := range chunk {
		e := &chunk[i]
		if e.keyHash == "" {
			continue
		}
		if _, ok := keys[e.keyHash]; ok {
			continue
		}
		bsnHashes = append(bsnHashes, e.bsnHash)
		if pc := e.hh.Postcode; pc != "" && !seenPC[pc] {
			seenPC[pc] = true
			postcodes = append(postcodes, pc)
		}
	}
	known, err := r.chunkPersons(ctx, bsnHashes)
	if err != nil {
		return err
	}
	atAddr, err := r.chunkHouseholds(ctx, postcodes)
	if err != nil {
		return err
	}
	if err := r.loadAreas(ctx, postcodes); err != nil {
		return err
	}

	r.bulk.stale = false
	seenKey := map[string]int{} // key hash → line, of the rows of this chunk taken so far
	seenBSN := map[string]bool{}
	now := s.ts(s.now())
	for i := range chunk {
		e := &chunk[i]
		if len(e.ps) > 0 {
			r.rep.reject(e.ps)
			continue
		}
		if l, ok := seenKey[e.keyHash]; ok {
			r.rep.reject(r.duplicate(e.line, l))
			continue
		}
		k, found := keys[e.keyHash]
		k.hash, k.found = e.keyHash, found
		if found && k.run == r.run {
			r.rep.reject(r.duplicate(e.line, k.line))
			continue
		}
		if found && k.fingerprint == e.fp {
			r.rep.Unchanged++
			r.bulk.keys = append(r.bulk.keys, sheetKeyRow{e.keyHash, k.record, e.fp, e.line, true})
			seenKey[e.keyHash] = e.line
			continue
		}
		if !found && !known[e.bsnHash] && !seenBSN[e.bsnHash] && e.rec.Person != nil {
			ps, err := r.newPerson(ctx, e, atAddr, now)
			if err != nil {
				return fmt.Errorf("%s regel %d: %w", r.in.File, e.line, err)
			}
			if len(ps) > 0 {
				r.rep.reject(ps)
				continue
			}
			seenKey[e.keyHash], seenBSN[e.bsnHash] = e.line, true
			continue
		}
		// The row-by-row path reads the database: write what is queued
		// first. What it writes is not in atAddr, so from now on an
		// address not found there is looked up in the database.
		if err := r.flushBulk(ctx); err != nil {
			return err
		}
		ps, err := r.apply(ctx, e.rec)
		if err != nil {
			return fmt.Errorf("%s regel %d: %w", r.in.File, e.line, err)
		}
		if len(ps) > 0 {
			r.rep.reject(ps)
			continue
		}
		seenKey[e.keyHash], seenBSN[e.bsnHash] = e.line, true
		r.bulk.stale = true
	}
	return r.flushBulk(ctx)
}

func (r *sheetRun) duplicate(line, earlier int) exchange.Problems {
	return exchange.Problems{{File: r.in.File, Path: fmt.Sprintf("regel %d, kolom %s", line, r.in.Key),
		Msg: fmt.Sprintf("deze sleutel staat ook op regel %d; elke rij heeft een eigen sleutel nodig", earlier)}}
}

// newPerson checks a row for a new person as exchangePersonX does and
// queues the person, the household at the address (an existing one, one
// queued before, or a new one placed through the postcode table), the
// membership, the audit records, the monitor change and the key.
func (r *sheetRun) newPerson(ctx context.Context, e *sheetEntry, atAddr map[sheetAddr]string, now any) (exchange.Problems, error) {
	s, gm, b := r.s, r.in.Gemeente, r.bulk
	at := fmt.Sprintf("regel %d", e.line)
	c := e.rec.Person.Client
	if !people.ValidBSN(e.bsn) {
		return exchange.Problems{{File: r.in.File, Path: at, Value: exchange.MaskBSN(e.bsn), Msg: "dit is geen geldig BSN (elfproef)"}}, nil
	}
	p := people.Person{Voornamen: strings.TrimSpace(c.Voornamen), Tussenvoegsel: strings.TrimSpace(c.Voorvoegsel),
		Achternaam: strings.TrimSpace(c.Achternaam), Geboortedatum: c.Geboortedatum, Geslacht: c.Geslacht}
	if p.Voornamen == "" {
		p.Voornamen = strings.TrimSpace(c.Voorletters)
	}
	if p.Geslacht != "man" && p.Geslacht != "vrouw" {
		p.Geslacht = "onbekend"
	}
	if len(p.Voornamen) > 200 || len(p.Achternaam) > 200 || len(p.Tussenvoegsel) > 20 {
		return exchange.Problems{{File: r.in.File, Path: at, Msg: "een naam is te lang (voornamen en achternaam hooguit 200 tekens, voorvoegsel 20)"}}, nil
	}
	if !p.Geboortedatum.IsZero() && (r.today.Before(p.Geboortedatum) || p.Geboortedatum.Year() < 1890) {
		return exchange.Problems{{File: r.in.File, Path: at, Value: p.Geboortedatum.ISO(), Msg: "de geboortedatum ligt in de toekomst of te ver terug"}}, nil
	}
	if e.addrBad {
		r.rep.warn(exchange.Problem{File: r.in.File, Path: at, Msg: "het adres is onvolledig of ongeldig; het huishouden staat zonder adres in naober"})
	}

	a, perm := r.a, exchangePerm(r.a, gm)
	role := string(a.P.RoleFor(perm, gm))
	auditRec := func(action audit.Action, recordType, id string) {
		r.x.audits = append(r.x.audits, pendingAudit{now, a.P.UserID, a.P.Email, role, gm, string(action), recordType, id, a.purpose()})
	}
	pid := secret.SortedID() // time-ordered, as the exchange makes them: inserts land at the end of the indexes
	b.persons = append(b.persons, sheetPerson{id: pid, enc: s.keys.Encrypt(e.bsn, bsnContext(gm)), hash: e.bsnHash,
		voornamen: p.Voornamen, tussen: p.Tussenvoegsel, achternaam: p.Achternaam, zoek: Fold(p.Name()), geslacht: p.Geslacht, birth: p.Geboortedatum})
	auditRec(audit.Create, RecPerson, pid)
	r.rep.Created++

	h := e.hh
	ak := sheetAddr{h.Postcode, h.Huisnummer, h.Toevoeging}
	if h.Postcode != "" {
		h.ID = atAddr[ak]
		if h.ID == "" && b.stale {
			err := r.x.QueryRow(ctx, "SELECT id FROM households WHERE gemeente = ? AND postcode = ? AND huisnummer = ? AND toevoeging = ? ORDER BY created_at, id LIMIT 1",
				gm, h.Postcode, h.Huisnummer, h.Toevoeging).Scan(&h.ID)
			if err != nil && err != sql.ErrNoRows {
				return nil, err
			}
			if h.ID != "" {
				atAddr[ak] = h.ID
			}
		}
	}
	created := h.ID == ""
	if created {
		h.ID = secret.SortedID()
		if h.Postcode != "" {
			if err := r.place(ctx, &h); err != nil {
				return nil, err
			}
			atAddr[ak] = h.ID
		}
		b.households = append(b.households, h)
		auditRec(audit.Create, RecHousehold, h.ID)
		r.rep.HouseholdsCreated++
		if h.Wijk == "" {
			r.rep.Unplaced++
			r.rep.warn(r.problem(e.line, "postcode", "", "dit adres staat niet in de adrestabel; het huishouden staat zonder wijk in naober (lees de adrestabel in met 'postcodes')")...)
		}
	}
	rol := e.rec.Person.Rol
	if rol == "" {
		rol = "overig"
		if !p.Geboortedatum.IsZero() && p.Age(r.today) < 18 {
			rol = "kind"
		}
	}
	b.members = append(b.members, sheetMember{secret.SortedID(), h.ID, pid, rol})
	if !created {
		auditRec(audit.Update, RecHousehold, h.ID)
	}
	r.x.changeFor(gm, RecHousehold, h.ID, "member", h.ID)
	b.keys = append(b.keys, sheetKeyRow{e.keyHash, pid, e.fp, e.line, false})
	return nil, nil
}

// place finds the wijk and buurt of a new household as placeExchange does
// (the gemeente's own rows only), from the cached postcode table; unplaced
// leaves them empty.
func (r *sheetRun) place(ctx context.Context, h *people.Household) error {
	var best *sheetArea
	for i, a := range r.bulk.areas[h.Postcode] {
		if a.gemeente == h.Gemeente && a.van <= h.Huisnummer && a.tot >= h.Huisnummer && (best == nil || a.van > best.van) {
			best = &r.bulk.areas[h.Postcode][i]
		}
	}
	if best == nil || best.gemeente != h.Gemeente {
		return nil
	}
	if r.s.wijkGemeente == nil {
		return errs.E(errs.Internal, "no area lookup configured")
	}
	if g, ok := r.s.wijkGemeente(best.wijk); !ok || g != h.Gemeente {
		return nil
	}
	buurt := best.buurt
	if buurt != "" {
		bw, ok := r.bulk.buurtWijk[buurt]
		if !ok {
			err := r.x.QueryRow(ctx, "SELECT wijk FROM buurten WHERE code = ?", buurt).Scan(&bw)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
			r.bulk.buurtWijk[buurt] = bw
		}
		if bw != best.wijk {
			buurt = ""
		}
	}
	h.Wijk, h.Buurt = best.wijk, buurt
	return nil
}

// --- the chunk's lookups ---

// queryIn runs q with "(…)" replaced by an IN list of vals, after the
// leading args; unprepared, as the list's length varies.
func (r *sheetRun) queryIn(ctx context.Context, q string, lead []any, vals []string, scan func(scan func(...any) error) error) error {
	if len(vals) == 0 {
		return nil
	}
	ph, args := in(vals)
	rows, err := r.tx.tx.QueryContext(ctx, r.s.rebind(strings.Replace(q, "(…)", "("+ph+")", 1)), append(lead, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (r *sheetRun) chunkKeys(ctx context.Context, hashes []string) (map[string]sheetKey, error) {
	out := make(map[string]sheetKey, len(hashes))
	err := r.queryIn(ctx, "SELECT key_hash, record_id, fingerprint, run_id, line FROM sheet_keys WHERE gemeente = ? AND source = ? AND kind = ? AND key_hash IN (…)",
		[]any{r.in.Gemeente, r.rep.Source, string(r.in.Kind)}, hashes, func(scan func(...any) error) error {
			var k sheetKey
			if err := scan(&k.hash, &k.record, &k.fingerprint, &k.run, &k.line); err != nil {
				return err
			}
			out[k.hash] = k
			return nil
		})
	return out, err
}

func (r *sheetRun) chunkPersons(ctx context.Context, hashes []string) (map[string]bool, error) {
	out := map[string]bool{}
	err := r.queryIn(ctx, "SELECT bsn_hash FROM persons WHERE gemeente = ? AND bsn_hash IN (…)", []any{r.in.Gemeente}, hashes,
		func(scan func(...any) error) error {
			var h string
			if err := scan(&h); err != nil {
				return err
			}
			out[h] = true
			return nil
		})
	return out, err
}

// chunkHouseholds maps every address at the postcodes to its household
// (the first made, as exchangePersonX picks).
func (r *sheetRun) chunkHouseholds(ctx context.Context, postcodes []string) (map[sheetAddr]string, error) {
	out := map[sheetAddr]string{}
	err := r.queryIn(ctx, "SELECT id, postcode, huisnummer, toevoeging FROM households WHERE gemeente = ? AND postcode IN (…) ORDER BY created_at, id",
		[]any{r.in.Gemeente}, postcodes, func(scan func(...any) error) error {
			var id string
			var k sheetAddr
			if err := scan(&id, &k.postcode, &k.huisnummer, &k.toevoeging); err != nil {
				return err
			}
			if _, ok := out[k]; !ok {
				out[k] = id
			}
			return nil
		})
	return out, err
}

// loadAreas reads the postcode table rows of the postcodes not cached yet.
func (r *sheetRun) loadAreas(ctx context.Context, postcodes []string) error {
	var miss []string
	for _, pc := range postcodes {
		if _, ok := r.bulk.areas[pc]; !ok {
			miss = append(miss, pc)
		}
	}
	if len(miss) == 0 {
		return nil
	}
	if len(r.bulk.areas)+len(miss) > sheetMaxPostcodes {
		clear(r.bulk.areas)
	}
	for _, pc := range miss {
		r.bulk.areas[pc] = nil
	}
	return r.queryIn(ctx, "SELECT postcode, huisnummer_van, huisnummer_tot, wijk, buurt, gemeente FROM postcode_areas WHERE postcode IN (…)", nil, miss,
		func(scan func(...any) error) error {
			var pc string
			var a sheetArea
			if err := scan(&pc, &a.van, &a.tot, &a.wijk, &a.buurt, &a.gemeente); err != nil {
				return err
			}
			r.bulk.areas[pc] = append(r.bulk.areas[pc], a)
			return nil
		})
}

// --- writing ---

// flushBulk writes what the bulk path queued: persons and households before
// the memberships that point at them, then keys, audit records and (on
// SQLite) the monitor changes.
func (r *sheetRun) flushBulk(ctx context.Context) error {
	s, gm, b := r.s, r.in.Gemeente, r.bulk
	now := s.ts(s.now())
	if err := r.insertMany(ctx, "INSERT INTO persons (id, gemeente, bsn_enc, bsn_hash, voornamen, tussenvoegsel, achternaam, naam_zoek, geboortedatum, geslacht, bron, created_at, updated_at)",
		"", 13, len(b.persons), func(i int, args []any) []any {
			p := &b.persons[i]
			return append(args, p.id, gm, p.enc, p.hash, p.voornamen, p.tussen, p.achternaam, p.zoek, p.birth, p.geslacht, SourceSpreadsheet, now, now)
		}); err != nil {
		return err
	}
	if err := r.insertMany(ctx, "INSERT INTO households (id, gemeente, postcode, huisnummer, toevoeging, wijk, buurt, created_at, updated_at)",
		"", 9, len(b.households), func(i int, args []any) []any {
			h := &b.households[i]
			return append(args, h.ID, gm, h.Postcode, h.Huisnummer, h.Toevoeging, h.Wijk, h.Buurt, now, now)
		}); err != nil {
		return err
	}
	if err := r.insertMany(ctx, "INSERT INTO household_members (id, gemeente, household_id, person_id, rol, start_date, end_date)",
		"", 7, len(b.members), func(i int, args []any) []any {
			m := &b.members[i]
			return append(args, m.id, gm, m.household, m.person, m.rol, r.today, nil)
		}); err != nil {
		return err
	}
	// New keys in multi-row inserts; keys seen before (unchanged rows) one
	// UPDATE each by primary key, which SQLite runs without the statement
	// journal a multi-row upsert needs.
	fresh := b.keys[:0]
	for _, k := range b.keys {
		if !k.found {
			fresh = append(fresh, k)
			continue
		}
		if _, err := r.x.Exec(ctx, `UPDATE sheet_keys SET record_id = ?, fingerprint = ?, run_id = ?, line = ?, updated_at = ?
			WHERE gemeente = ? AND source = ? AND kind = ? AND key_hash = ?`,
			k.record, k.fp, r.run, k.line, now, gm, r.rep.Source, string(r.in.Kind), k.hash); err != nil {
			return err
		}
	}
	if err := r.insertMany(ctx, "INSERT INTO sheet_keys (gemeente, source, kind, key_hash, record_id, fingerprint, run_id, line, updated_at)",
		"", 9, len(fresh), func(i int, args []any) []any {
			k := &fresh[i]
			return append(args, gm, r.rep.Source, string(r.in.Kind), k.hash, k.record, k.fp, r.run, k.line, now)
		}); err != nil {
		return err
	}
	b.keys = fresh
	clear(b.persons)
	clear(b.households)
	clear(b.members)
	clear(b.keys)
	b.persons, b.households, b.members, b.keys = b.persons[:0], b.households[:0], b.members[:0], b.keys[:0]
	return r.flushLogs(ctx)
}

// flushLogs writes the buffered audit records and, on SQLite (one writer,
// so ids commit in order), the queued monitor changes; PostgreSQL appends
// those at commit (monitor_changes.go).
func (r *sheetRun) flushLogs(ctx context.Context) error {
	x := r.x
	if err := r.insertMany(ctx, "INSERT INTO audit_log (at, user_id, user_email, role, gemeente, action, record_type, record_id, purpose)",
		"", 9, len(x.audits), func(i int, args []any) []any {
			p := &x.audits[i]
			return append(args, p.at, p.userID, p.email, p.role, p.gemeente, p.action, p.recordType, p.recordID, p.purpose)
		}); err != nil {
		return err
	}
	clear(x.audits)
	x.audits = x.audits[:0]
	if r.s.dialect != SQLite {
		return nil
	}
	t := r.tx
	if err := r.insertMany(ctx, "INSERT INTO changes (at, gemeente, entity, entity_id, op, household_id)",
		"", 6, len(t.changes), func(i int, args []any) []any {
			c := &t.changes[i]
			return append(args, c.at, c.gemeente, c.entity, c.id, c.op, c.household)
		}); err != nil {
		return err
	}
	t.changes = t.changes[:0]
	return nil
}

// insertMany writes n rows of cols values each: head, VALUES with up to
// sheetMaxRows rows, tail. Statements are prepared once per size.
func (r *sheetRun) insertMany(ctx context.Context, head, tail string, cols, n int, row func(i int, args []any) []any) error {
	for done := 0; done < n; {
		m := sheetMaxRows
		for m > n-done {
			m /= 2
		}
		q := head + " VALUES " + sheetValues(cols, m) + tail
		if r.s.dialect == SQLite {
			// A failing row rolls back the whole transaction (the import
			// stops at an error anyway), so SQLite keeps no statement journal.
			q = "INSERT OR ROLLBACK" + strings.TrimPrefix(q, "INSERT")
		}
		args := r.bulk.args[:0]
		for i := done; i < done+m; i++ {
			args = row(i, args)
		}
		_, err := r.x.Exec(ctx, q, args...)
		clear(args)
		r.bulk.args = args[:0]
		if err != nil {
			return err
		}
		done += m
	}
	return nil
}

// sheetValues is "(?, ?), (?, ?)" for rows rows of cols values.
func sheetValues(cols, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	var b strings.Builder
	b.Grow(rows * (len(one) + 2))
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// sheetTx runs fn in a transaction as Store.Tx does. On SQLite it holds the
// writer connection for itself and turns foreign key enforcement off for
// the transaction: with it on, every multi-row INSERT keeps a statement
// journal, a copy of each page it touches, which for the random keys of
// the import costs more than the inserts. The bulk path makes every
// reference itself (ids it made or read in the same transaction), and
// before the commit foreign_key_check confirms that the memberships point
// at existing persons and households and that the gemeente exists. The
// connection gets enforcement back before anyone else can use it, or is
// discarded.
func (s *Store) sheetTx(ctx context.Context, gemeente string, fn func(tx *Tx) error) (err error) {
	if s.dialect != SQLite {
		return s.Tx(ctx, fn)
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return classify(fmt.Errorf("connect: %w", err))
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return classify(err)
	}
	defer func() {
		// Never hand the connection on without enforcement (the pragma is
		// a no-op inside a transaction, so read it back).
		on := 0
		_, rerr := conn.ExecContext(context.Background(), "PRAGMA foreign_keys = ON")
		if rerr == nil {
			rerr = conn.QueryRowContext(context.Background(), "PRAGMA foreign_keys").Scan(&on)
		}
		if rerr == nil && on != 1 {
			rerr = errors.New("sheet import: foreign key enforcement could not be restored")
		}
		if rerr != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
			if err == nil {
				err = classify(rerr)
			}
		}
	}()
	sqltx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return classify(fmt.Errorf("begin: %w", err))
	}
	defer func() {
		if p := recover(); p != nil {
			sqltx.Rollback()
			panic(p)
		}
		if err != nil {
			sqltx.Rollback()
			err = classify(err)
			return
		}
		if cerr := sqltx.Commit(); cerr != nil {
			err = classify(fmt.Errorf("commit: %w", cerr))
		}
	}()
	t := &Tx{tx: sqltx, s: s}
	if err := fn(t); err != nil {
		return err
	}
	if err := checkSheetReferences(ctx, sqltx, gemeente); err != nil {
		return err
	}
	return s.flushChanges(ctx, t)
}

// checkSheetReferences does what foreign key enforcement would have done
// for the tables the persons import writes.
func checkSheetReferences(ctx context.Context, tx *sql.Tx, gemeente string) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM tenants WHERE gemeente = ?", gemeente).Scan(&n); err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("sheet import: gemeente %s does not exist", gemeente)
	}
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check(household_members)")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("sheet import: a household membership points at no person or household")
	}
	return rows.Err()
}

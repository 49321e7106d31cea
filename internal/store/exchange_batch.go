package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
)

// A batch of messages looks up what it needs from the database up front,
// one query per kind for the whole batch (persons by BSN hash, their
// current households, allocations by number, postcode areas, message identifications), instead of one query per
// message. What a message then creates is added to the cache; when a
// message is rolled back, every key it touched is forgotten, so the next
// use asks the database again. A key the cache does not know is always
// looked up in the database: the cache only saves queries, it never
// decides on its own.

// batchCache is what a batch knows of the database (see above).
type batchCache struct {
	persons map[string]cachedPerson   // BSN hash -> person (found false: none)
	provs   map[string][]provisionRef // wet + "\x00" + number -> provisions
	areas   map[string][]areaRow      // postcode -> its rows of postcode_areas
	buurten map[string]string         // buurt -> its wijk
	msgs    map[string]bool           // message key -> imported already

	// Keys the current message touched, forgotten when it rolls back.
	tPersons []string
	tProvs   []string
}

type cachedPerson struct {
	found                         bool
	id, household                 string // household: current, "" none
	voornamen, tussen, achternaam string
	birth                         people.Date
}

type areaRow struct {
	van, tot        int
	wijk, buurt, gm string
}

func newBatchCache() *batchCache {
	return &batchCache{persons: map[string]cachedPerson{}, provs: map[string][]provisionRef{},
		areas: map[string][]areaRow{}, buurten: map[string]string{}, msgs: map[string]bool{}}
}

func provKey(wet, nummer string) string { return wet + "\x00" + nummer }

func msgKey(standaard, code, afzender, id string) string {
	return standaard + "\x00" + code + "\x00" + afzender + "\x00" + id
}

// begin starts a message: nothing touched yet.
func (c *batchCache) begin() {
	c.tPersons, c.tProvs = c.tPersons[:0], c.tProvs[:0]
}

// rollback forgets what the rolled back message touched.
func (c *batchCache) rollback() {
	for _, k := range c.tPersons {
		delete(c.persons, k)
	}
	for _, k := range c.tProvs {
		delete(c.provs, k)
	}
	c.begin()
}

// The lookups and records below work on a nil cache too (no cache: they
// know nothing and keep nothing).

func (c *batchCache) person(hash string) (cachedPerson, bool) {
	if c == nil {
		return cachedPerson{}, false
	}
	p, ok := c.persons[hash]
	return p, ok
}

func (c *batchCache) setPerson(hash string, p cachedPerson) {
	if c != nil {
		c.persons[hash] = p
		c.tPersons = append(c.tPersons, hash)
	}
}

func (c *batchCache) area(postcode string) ([]areaRow, bool) {
	if c == nil {
		return nil, false
	}
	rows, ok := c.areas[postcode]
	return rows, ok
}

// buurt and setBuurt: buurten do not change during an import.
func (c *batchCache) buurt(code string) (string, bool) {
	if c == nil {
		return "", false
	}
	w, ok := c.buurten[code]
	return w, ok
}

func (c *batchCache) setBuurt(code, wijk string) {
	if c != nil {
		c.buurten[code] = wijk
	}
}

// addProvision records a provision the message created.
func (c *batchCache) addProvision(wet, nummer string, p provisionRef) {
	k := provKey(wet, nummer)
	if l, ok := c.provs[k]; ok {
		c.provs[k] = append(l[:len(l):len(l)], p)
	}
	c.tProvs = append(c.tProvs, k)
}

// chunks calls fn with slices of at most n of the values.
func chunks[T any](vals []T, n int, fn func([]T) error) error {
	for len(vals) > 0 {
		k := min(n, len(vals))
		if err := fn(vals[:k]); err != nil {
			return err
		}
		vals = vals[k:]
	}
	return nil
}

// placeholders is "?, ?, …" for n values.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// prefetch fills the cache for a batch of messages.
func (ap *applier) prefetch(ctx context.Context, in []ExchangeInput) error {
	c, gm := ap.cache, ap.gm
	today := people.DateOf(ap.s.now().In(people.Amsterdam()))
	seenHash, seenNr, seenPC := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var hashes, pcs []string
	nrs := map[string][]string{} // wet -> numbers
	// Message identifications per standaard, code and afzender: with those
	// the lookup uses the unique index to its last column, instead of
	// reading every message the gemeente ever imported.
	type msgGroup struct{ standaard, code, afzender string }
	ids := map[msgGroup][]string{}
	var groups []msgGroup // in order of appearance
	seenID := map[string]bool{}
	addBSN := func(bsn string) {
		bsn = people.NormalizeBSN(bsn)
		if !people.ValidBSN(bsn) {
			return
		}
		h := ap.s.keys.Hash(bsn, gm)
		if !seenHash[h] {
			seenHash[h] = true
			hashes = append(hashes, h)
		}
	}
	addNr := func(wet, nr string) {
		if nr == "" || seenNr[provKey(wet, nr)] {
			return
		}
		seenNr[provKey(wet, nr)] = true
		nrs[wet] = append(nrs[wet], nr)
	}
	for _, x := range in {
		m := x.Message
		if m == nil {
			continue
		}
		mk := msgKey(string(m.Standard), m.Code, m.Afzender, m.ID)
		if !seenID[mk] {
			seenID[mk] = true
			g := msgGroup{string(m.Standard), m.Code, m.Afzender}
			if _, ok := ids[g]; !ok {
				groups = append(groups, g)
			}
			ids[g] = append(ids[g], m.ID)
		}
		c.msgs[mk] = false
		if !m.Import {
			continue
		}
		wet := m.Standard.Wet()
		if m.Client != nil {
			addBSN(m.Client.BSN)
			if ad := m.Client.Address; ad != nil {
				h := people.Household{Postcode: ad.Postcode, Huisnummer: ad.Huisnummer, Toevoeging: ad.Toevoeging}
				if people.ValidateHousehold(&h) == nil {
					if !seenPC[h.Postcode] {
						seenPC[h.Postcode] = true
						pcs = append(pcs, h.Postcode)
					}
				}
			}
		}
		for _, al := range m.Allocations {
			addNr(wet, al.Nummer)
		}
		for _, st := range m.Starts {
			addNr(wet, st.Nummer)
		}
		for _, st := range m.Stops {
			addNr(wet, st.Nummer)
		}
		if m.Declaration != nil {
			for _, cl := range m.Declaration.Claims {
				addBSN(cl.BSN)
				addNr(wet, cl.ToewijzingNummer)
			}
		}
	}
	// Messages imported already.
	for _, g := range groups {
		err := ap.lookup(ctx, "SELECT identificatie FROM exchange_messages WHERE gemeente = ? AND standaard = ? AND code = ? AND afzender = ? AND identificatie IN (%s)",
			[]any{gm, g.standaard, g.code, g.afzender}, ids[g], func(rows *sql.Rows) error {
				var id string
				if err := rows.Scan(&id); err != nil {
					return err
				}
				c.msgs[msgKey(g.standaard, g.code, g.afzender, id)] = true
				return nil
			})
		if err != nil {
			return err
		}
	}
	// Persons by BSN hash, then the current household of those found.
	for _, h := range hashes {
		c.persons[h] = cachedPerson{}
	}
	byID := map[string]string{} // person id -> hash
	err := ap.lookup(ctx, "SELECT bsn_hash, id, voornamen, tussenvoegsel, achternaam, geboortedatum FROM persons WHERE gemeente = ? AND bsn_hash IN (%s)",
		[]any{gm}, hashes, func(rows *sql.Rows) error {
			var h string
			p := cachedPerson{found: true}
			if err := rows.Scan(&h, &p.id, &p.voornamen, &p.tussen, &p.achternaam, &p.birth); err != nil {
				return err
			}
			c.persons[h] = p
			byID[p.id] = h
			return nil
		})
	if err != nil {
		return err
	}
	pids := make([]string, 0, len(byID))
	for id := range byID {
		pids = append(pids, id)
	}
	// Latest start first, as exchangePersonX picks.
	err = ap.lookup(ctx, `SELECT person_id, household_id FROM household_members WHERE gemeente = ? AND (end_date IS NULL OR end_date > ?)
		AND person_id IN (%s) ORDER BY person_id, start_date DESC, household_id DESC`, []any{gm, today}, pids, func(rows *sql.Rows) error {
		var pid, hh string
		if err := rows.Scan(&pid, &hh); err != nil {
			return err
		}
		h := byID[pid]
		if p := c.persons[h]; p.household == "" {
			p.household = hh
			c.persons[h] = p
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Allocations by number, per law.
	for wet, list := range nrs {
		for _, nr := range list {
			c.provs[provKey(wet, nr)] = nil
		}
		err := ap.lookup(ctx, "SELECT toewijzingnummer, id, person_id, household_id, status, werkelijke_start FROM provisions WHERE gemeente = ? AND wet = ? AND toewijzingnummer <> '' AND toewijzingnummer IN (%s) ORDER BY toewijzingnummer, created_at, id",
			[]any{gm, wet}, list, func(rows *sql.Rows) error {
				var nr string
				var p provisionRef
				if err := rows.Scan(&nr, &p.id, &p.person, &p.household, &p.status, &p.werkelijkeStart); err != nil {
					return err
				}
				c.provs[provKey(wet, nr)] = append(c.provs[provKey(wet, nr)], p)
				return nil
			})
		if err != nil {
			return err
		}
	}
	// Postcode areas of the addresses.
	for _, pc := range pcs {
		c.areas[pc] = nil
	}
	return ap.lookup(ctx, "SELECT postcode, huisnummer_van, huisnummer_tot, wijk, buurt, gemeente FROM postcode_areas WHERE postcode IN (%s)",
		nil, pcs, func(rows *sql.Rows) error {
			var pc string
			var a areaRow
			if err := rows.Scan(&pc, &a.van, &a.tot, &a.wijk, &a.buurt, &a.gm); err != nil {
				return err
			}
			c.areas[pc] = append(c.areas[pc], a)
			return nil
		})
}

// lookup runs q for all vals: q holds "IN (%s)" where the values go, and
// takes args before them. On SQLite the values are one JSON array
// (json_each), so the statement is small and the same for every batch; a
// statement with hundreds of placeholders costs more to prepare than to
// run. On PostgreSQL they are placeholders, 500 a statement.
func (ap *applier) lookup(ctx context.Context, q string, args []any, vals []string, scan func(*sql.Rows) error) error {
	run := func(q string, args []any) error {
		rows, err := ap.tx.Tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	if len(vals) == 0 {
		return nil
	}
	if ap.s.dialect == SQLite {
		js, err := json.Marshal(vals)
		if err != nil {
			return err
		}
		return run(strings.Replace(q, "%s", "SELECT value FROM json_each(?)", 1), append(args[:len(args):len(args)], string(js)))
	}
	return chunks(vals, 500, func(part []string) error {
		return run(strings.Replace(q, "%s", placeholders(len(part)), 1), append(args[:len(args):len(args)], anys(part)...))
	})
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// messageSeen says whether the message was imported before (the cache, or
// the database for a message the cache does not know).
func (ap *applier) messageSeen(ctx context.Context, m *exchange.Message) (bool, error) {
	if seen, ok := ap.cache.msgs[msgKey(string(m.Standard), m.Code, m.Afzender, m.ID)]; ok {
		return seen, nil
	}
	var n int
	err := ap.tx.QueryRow(ctx, "SELECT COUNT(*) FROM exchange_messages WHERE gemeente = ? AND standaard = ? AND code = ? AND afzender = ? AND identificatie = ?",
		ap.gm, string(m.Standard), m.Code, m.Afzender, m.ID).Scan(&n)
	return n > 0, err
}

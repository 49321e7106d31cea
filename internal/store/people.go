package store

import (
	"context"
	"database/sql"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// Record types in the audit log.
const (
	RecPerson    = "persoon"
	RecHousehold = "huishouden"
)

// letters that do not decompose into a base letter plus accent.
var foldExtra = strings.NewReplacer("ł", "l", "ı", "i", "ø", "o", "æ", "ae", "ß", "ss", "đ", "d", "œ", "oe")

// Fold lower-cases and strips accents, for name search ("Ohé" finds "ohe").
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(foldExtra.Replace(strings.ToLower(s))) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func (s *Store) checkScope(a Actor, perm auth.Permission, gemeente string) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	if !a.P.Can(perm, gemeente) {
		if a.P.Can(auth.ReadPersons, gemeente) {
			return errs.E(errs.Forbidden, "U mag dit niet wijzigen.")
		}
		return errs.E(errs.Forbidden, "gemeente: u werkt niet voor gemeente %s", gemeente)
	}
	return nil
}

// placeHousehold fills and checks wijk and buurt: a given wijk must lie in
// the gemeente; without one, the postcode table decides.
func (s *Store) placeHousehold(ctx context.Context, tx *Tx, h *people.Household) error {
	if h.Wijk == "" {
		var wijk, buurt, gm string
		// The gemeente's own rows only: a postcode on a border can have
		// rows of two gemeenten.
		err := tx.QueryRow(ctx, `SELECT wijk, buurt, gemeente FROM postcode_areas
			WHERE postcode = ? AND gemeente = ? AND huisnummer_van <= ? AND huisnummer_tot >= ? ORDER BY huisnummer_van DESC LIMIT 1`,
			h.Postcode, h.Gemeente, h.Huisnummer, h.Huisnummer).Scan(&wijk, &buurt, &gm)
		if err == sql.ErrNoRows || (err == nil && gm != h.Gemeente) {
			return &people.FieldError{Field: "wijk", Message: "dit adres staat niet in de adrestabel van de gemeente; kies de wijk"}
		}
		if err != nil {
			return err
		}
		h.Wijk = wijk
		if h.Buurt == "" {
			h.Buurt = buurt
		}
	}
	if s.wijkGemeente == nil {
		return errs.E(errs.Internal, "no area lookup configured")
	}
	if gm, ok := s.wijkGemeente(h.Wijk); !ok || gm != h.Gemeente {
		return &people.FieldError{Field: "wijk", Message: "deze wijk hoort niet bij gemeente " + h.Gemeente}
	}
	if h.Buurt != "" {
		var wijk string
		err := tx.QueryRow(ctx, "SELECT wijk FROM buurten WHERE code = ?", h.Buurt).Scan(&wijk)
		if err == sql.ErrNoRows || (err == nil && wijk != h.Wijk) {
			return &people.FieldError{Field: "buurt", Message: "deze buurt hoort niet bij de gekozen wijk"}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// CreateHousehold validates, places and saves a household.
func (s *Store) CreateHousehold(ctx context.Context, a Actor, h *people.Household) error {
	if err := s.checkScope(a, auth.WritePersons, h.Gemeente); err != nil {
		return err
	}
	if err := people.ValidateHousehold(h); err != nil {
		return err
	}
	if h.ID == "" {
		h.ID = secret.ID()
	}
	h.Created = s.now().UTC()
	h.Updated = h.Created
	return s.Tx(ctx, func(tx *Tx) error {
		if err := s.placeHousehold(ctx, tx, h); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO households (id, gemeente, postcode, huisnummer, toevoeging, wijk, buurt, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.ID, h.Gemeente, h.Postcode, h.Huisnummer, h.Toevoeging, h.Wijk, h.Buurt, s.ts(h.Created), s.ts(h.Updated)); err != nil {
			return err
		}
		if err := s.change(ctx, tx, h.Gemeente, RecHousehold, h.ID, "create"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Create, h.Gemeente, RecHousehold, h.ID)
	})
}

// UpdateHousehold changes the address (a move within the gemeente).
func (s *Store) UpdateHousehold(ctx context.Context, a Actor, h *people.Household) error {
	if err := people.ValidateHousehold(h); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		gm, err := s.householdGemeente(ctx, tx, a, h.ID)
		if err != nil {
			return err
		}
		if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
			return err
		}
		h.Gemeente = gm
		if err := s.placeHousehold(ctx, tx, h); err != nil {
			return err
		}
		h.Updated = s.now().UTC()
		if _, err := tx.Exec(ctx, `UPDATE households SET postcode = ?, huisnummer = ?, toevoeging = ?, wijk = ?, buurt = ?, updated_at = ?
			WHERE id = ? AND gemeente = ?`, h.Postcode, h.Huisnummer, h.Toevoeging, h.Wijk, h.Buurt, s.ts(h.Updated), h.ID, gm); err != nil {
			return err
		}
		if err := s.change(ctx, tx, gm, RecHousehold, h.ID, "update"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Update, gm, RecHousehold, h.ID)
	})
}

// householdGemeente finds the gemeente of a household the actor may read;
// "not found" for one of another gemeente, exactly as for a missing one.
func (s *Store) householdGemeente(ctx context.Context, tx *Tx, a Actor, id string) (string, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return "", errs.ErrNotFound
	}
	ph, args := in(scope)
	var gm string
	err := tx.QueryRow(ctx, "SELECT gemeente FROM households WHERE id = ? AND gemeente IN ("+ph+")", append([]any{id}, args...)...).Scan(&gm)
	return gm, classify(err)
}

const householdCols = "h.id, h.gemeente, h.postcode, h.huisnummer, h.toevoeging, h.wijk, h.buurt, h.created_at, h.updated_at"

func scanHousehold(sc interface{ Scan(...any) error }, extra ...any) (people.Household, error) {
	var h people.Household
	dst := append([]any{&h.ID, &h.Gemeente, &h.Postcode, &h.Huisnummer, &h.Toevoeging, &h.Wijk, &h.Buurt, timeCol{&h.Created}, timeCol{&h.Updated}}, extra...)
	return h, sc.Scan(dst...)
}

// GetHousehold reads a household with its members (without BSNs).
func (s *Store) GetHousehold(ctx context.Context, a Actor, id string) (people.Household, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return people.Household{}, errs.ErrNotFound
	}
	ph, args := in(scope)
	h, err := scanHousehold(s.queryRow(ctx, "SELECT "+householdCols+" FROM households h WHERE h.id = ? AND h.gemeente IN ("+ph+")", append([]any{id}, args...)...))
	if err != nil {
		return people.Household{}, classify(err)
	}
	rows, err := s.query(ctx, `SELECT m.id, m.household_id, m.rol, m.start_date, m.end_date, `+personCols+`
		FROM household_members m JOIN persons p ON p.id = m.person_id
		WHERE m.household_id = ? AND m.gemeente = ? ORDER BY m.end_date IS NOT NULL, p.geboortedatum`, h.ID, h.Gemeente)
	if err != nil {
		return people.Household{}, err
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return people.Household{}, err
		}
		h.Members = append(h.Members, m)
		ids = append(ids, m.Person.ID)
	}
	if err := rows.Err(); err != nil {
		return people.Household{}, classify(err)
	}
	h.MemberCount = len(h.Members)
	err = s.Tx(ctx, func(tx *Tx) error {
		if err := s.audit(ctx, tx, a, auth.ReadPersons, audit.Read, h.Gemeente, RecHousehold, h.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ReadPersons, audit.Read, h.Gemeente, RecPerson, ids...)
	})
	return h, err
}

func scanMember(sc interface{ Scan(...any) error }) (people.Member, error) {
	var m people.Member
	var end people.Date
	var bsnEnc string
	err := sc.Scan(&m.ID, &m.Household, &m.Rol, &m.Start, &end,
		&m.Person.ID, &m.Person.Gemeente, &bsnEnc, &m.Person.Voornamen, &m.Person.Tussenvoegsel, &m.Person.Achternaam,
		&m.Person.Geboortedatum, &m.Person.Geslacht, &m.Person.Bron, timeCol{&m.Person.Created}, timeCol{&m.Person.Updated})
	if !end.IsZero() {
		m.Eind = &end
	}
	return m, err
}

// HouseholdFilter selects households for a list.
type HouseholdFilter struct {
	Gemeente   string // required when the actor serves several; empty means all in scope
	Wijk       string
	Postcode   string
	Huisnummer int
	Page       int // from 1
	PerPage    int // default 50, at most 200
}

// HouseholdPage is one page of a list.
type HouseholdPage struct {
	Items   []people.Household `json:"items"`
	Total   int                `json:"totaal"`
	Page    int                `json:"pagina"`
	PerPage int                `json:"per_pagina"`
}

// ListHouseholds returns a page of households the actor may see, newest
// address first; each listed household is audited as seen in a search.
func (s *Store) ListHouseholds(ctx context.Context, a Actor, f HouseholdFilter) (HouseholdPage, error) {
	scope := a.scope(auth.ReadPersons)
	if f.Gemeente != "" {
		if !a.P.Can(auth.ReadPersons, f.Gemeente) {
			return HouseholdPage{}, errs.E(errs.Forbidden, "gemeente: u werkt niet voor gemeente %s", f.Gemeente)
		}
		scope = []string{f.Gemeente}
	}
	if len(scope) == 0 {
		return HouseholdPage{}, errs.E(errs.Forbidden, "U mag geen huishoudens inzien.")
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.PerPage > 200 {
		f.PerPage = 200
	}
	if f.Page < 1 {
		f.Page = 1
	}
	ph, args := in(scope)
	where := " WHERE h.gemeente IN (" + ph + ")"
	if f.Wijk != "" {
		where += " AND h.wijk = ?"
		args = append(args, f.Wijk)
	}
	if f.Postcode != "" {
		pc, ok := people.NormalizePostcode(f.Postcode)
		if !ok {
			return HouseholdPage{}, &people.FieldError{Field: "postcode", Message: "vul een geldige postcode in, zoals 7941 AB"}
		}
		where += " AND h.postcode = ?"
		args = append(args, pc)
	}
	if f.Huisnummer != 0 {
		where += " AND h.huisnummer = ?"
		args = append(args, f.Huisnummer)
	}
	page := HouseholdPage{Page: f.Page, PerPage: f.PerPage, Items: []people.Household{}}
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM households h"+where, args...).Scan(&page.Total); err != nil {
		return page, classify(err)
	}
	q := "SELECT " + householdCols + `, (SELECT COUNT(*) FROM household_members m WHERE m.household_id = h.id AND m.end_date IS NULL)
		FROM households h` + where + " ORDER BY h.postcode, h.huisnummer, h.toevoeging, h.id LIMIT ? OFFSET ?"
	rows, err := s.query(ctx, q, append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return page, err
	}
	defer rows.Close()
	seen := map[string][]string{}
	for rows.Next() {
		var n int
		h, err := scanHousehold(rows, &n)
		if err != nil {
			return page, err
		}
		h.MemberCount = n
		page.Items = append(page.Items, h)
		seen[h.Gemeente] = append(seen[h.Gemeente], h.ID)
	}
	if err := rows.Err(); err != nil {
		return page, classify(err)
	}
	return page, s.auditRead(ctx, a, audit.Search, RecHousehold, seen)
}

const personCols = "p.id, p.gemeente, p.bsn_enc, p.voornamen, p.tussenvoegsel, p.achternaam, p.geboortedatum, p.geslacht, p.bron, p.created_at, p.updated_at"

func scanPerson(sc interface{ Scan(...any) error }) (people.Person, string, error) {
	var p people.Person
	var enc string
	err := sc.Scan(&p.ID, &p.Gemeente, &enc, &p.Voornamen, &p.Tussenvoegsel, &p.Achternaam, &p.Geboortedatum, &p.Geslacht, &p.Bron, timeCol{&p.Created}, timeCol{&p.Updated})
	return p, enc, err
}

func bsnContext(gemeente string) string { return "bsn:" + gemeente }

// CreatePerson saves a person, and with m given, makes them a member of
// m.Household in the same transaction.
func (s *Store) CreatePerson(ctx context.Context, a Actor, p *people.Person, m *people.Member) error {
	if err := s.checkScope(a, auth.WritePersons, p.Gemeente); err != nil {
		return err
	}
	if err := people.ValidatePerson(p, people.DateOf(s.now().In(people.Amsterdam()))); err != nil {
		return err
	}
	if m != nil {
		if err := people.ValidateMember(m); err != nil {
			return err
		}
	}
	if p.ID == "" {
		p.ID = secret.ID()
	}
	if p.Bron == "" {
		p.Bron = people.SourceManual
	}
	p.Created = s.now().UTC()
	p.Updated = p.Created
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO persons (id, gemeente, bsn_enc, bsn_hash, voornamen, tussenvoegsel, achternaam, naam_zoek, geboortedatum, geslacht, bron, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.Gemeente, s.keys.Encrypt(p.BSN, bsnContext(p.Gemeente)), s.keys.Hash(p.BSN, p.Gemeente),
			p.Voornamen, p.Tussenvoegsel, p.Achternaam, Fold(p.Name()), p.Geboortedatum, p.Geslacht, p.Bron, s.ts(p.Created), s.ts(p.Updated))
		if errs.Is(classify(err), errs.Conflict) {
			return &people.FieldError{Field: "bsn", Message: "er is al een persoon met dit BSN in deze gemeente; zoek die persoon op"}
		}
		if err != nil {
			return err
		}
		if err := s.change(ctx, tx, p.Gemeente, RecPerson, p.ID, "create"); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, auth.WritePersons, audit.Create, p.Gemeente, RecPerson, p.ID); err != nil {
			return err
		}
		if m != nil {
			m.Person = *p
			return s.addMember(ctx, tx, a, m)
		}
		return nil
	})
}

// UpdatePerson changes names, birth date, gender and BSN.
func (s *Store) UpdatePerson(ctx context.Context, a Actor, p *people.Person) error {
	if err := people.ValidatePerson(p, people.DateOf(s.now().In(people.Amsterdam()))); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		gm, err := s.personGemeente(ctx, tx, a, p.ID)
		if err != nil {
			return err
		}
		if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
			return err
		}
		p.Gemeente = gm
		p.Updated = s.now().UTC()
		_, err = tx.Exec(ctx, `UPDATE persons SET bsn_enc = ?, bsn_hash = ?, voornamen = ?, tussenvoegsel = ?, achternaam = ?, naam_zoek = ?,
			geboortedatum = ?, geslacht = ?, updated_at = ? WHERE id = ? AND gemeente = ?`,
			s.keys.Encrypt(p.BSN, bsnContext(gm)), s.keys.Hash(p.BSN, gm), p.Voornamen, p.Tussenvoegsel, p.Achternaam, Fold(p.Name()),
			p.Geboortedatum, p.Geslacht, s.ts(p.Updated), p.ID, gm)
		if errs.Is(classify(err), errs.Conflict) {
			return &people.FieldError{Field: "bsn", Message: "er is al een andere persoon met dit BSN in deze gemeente"}
		}
		if err != nil {
			return err
		}
		if err := s.change(ctx, tx, gm, RecPerson, p.ID, "update"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Update, gm, RecPerson, p.ID)
	})
}

func (s *Store) personGemeente(ctx context.Context, tx *Tx, a Actor, id string) (string, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return "", errs.ErrNotFound
	}
	ph, args := in(scope)
	var gm string
	err := tx.QueryRow(ctx, "SELECT gemeente FROM persons WHERE id = ? AND gemeente IN ("+ph+")", append([]any{id}, args...)...).Scan(&gm)
	return gm, classify(err)
}

// PersonDetail is a person with the households they belong or belonged to.
type PersonDetail struct {
	people.Person
	Memberships []Membership `json:"huishoudens"`
}

// Membership is one household a person is or was part of.
type Membership struct {
	people.Member
	Household people.Household `json:"adres"`
}

// GetPerson reads one person including the decrypted BSN.
func (s *Store) GetPerson(ctx context.Context, a Actor, id string) (PersonDetail, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return PersonDetail{}, errs.ErrNotFound
	}
	ph, args := in(scope)
	p, enc, err := scanPerson(s.queryRow(ctx, "SELECT "+personCols+" FROM persons p WHERE p.id = ? AND p.gemeente IN ("+ph+")", append([]any{id}, args...)...))
	if err != nil {
		return PersonDetail{}, classify(err)
	}
	if p.BSN, err = s.keys.Decrypt(enc, bsnContext(p.Gemeente)); err != nil {
		return PersonDetail{}, errs.Wrap(errs.Internal, err, "Het BSN kan niet worden ontsleuteld; controleer het sleutelbestand.")
	}
	d := PersonDetail{Person: p}
	rows, err := s.query(ctx, `SELECT m.id, m.rol, m.start_date, m.end_date, `+householdCols+`
		FROM household_members m JOIN households h ON h.id = m.household_id
		WHERE m.person_id = ? AND m.gemeente = ? ORDER BY m.start_date DESC`, p.ID, p.Gemeente)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var ms Membership
		var end people.Date
		var h people.Household
		if err := rows.Scan(&ms.ID, &ms.Rol, &ms.Start, &end, &h.ID, &h.Gemeente, &h.Postcode, &h.Huisnummer, &h.Toevoeging, &h.Wijk, &h.Buurt, timeCol{&h.Created}, timeCol{&h.Updated}); err != nil {
			return d, err
		}
		if !end.IsZero() {
			ms.Eind = &end
		}
		ms.Household = h
		ms.Member.Household = h.ID
		d.Memberships = append(d.Memberships, ms)
	}
	if err := rows.Err(); err != nil {
		return d, classify(err)
	}
	return d, s.auditRead(ctx, a, audit.Read, RecPerson, map[string][]string{p.Gemeente: {p.ID}})
}

// PersonHit is a search result: a person (never with BSN) and their current
// household, if any.
type PersonHit struct {
	people.Person
	HouseholdID string `json:"huishouden,omitempty"`
	Address     string `json:"adres,omitempty"`
}

func (s *Store) personHits(ctx context.Context, a Actor, where string, args []any, limit int) ([]PersonHit, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "U mag geen personen inzien.")
	}
	ph, sargs := in(scope)
	q := "SELECT " + personCols + `,
		COALESCE((SELECT h.id FROM household_members m JOIN households h ON h.id = m.household_id WHERE m.person_id = p.id AND m.end_date IS NULL ORDER BY m.start_date DESC LIMIT 1), '')
		FROM persons p WHERE p.gemeente IN (` + ph + ") AND " + where + " ORDER BY p.achternaam, p.voornamen, p.id LIMIT ?"
	rows, err := s.query(ctx, q, append(append(sargs, args...), limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PersonHit{}
	seen := map[string][]string{}
	for rows.Next() {
		var h PersonHit
		var enc string
		if err := rows.Scan(&h.ID, &h.Gemeente, &enc, &h.Voornamen, &h.Tussenvoegsel, &h.Achternaam, &h.Geboortedatum, &h.Geslacht, &h.Bron, timeCol{&h.Created}, timeCol{&h.Updated}, &h.HouseholdID); err != nil {
			return nil, err
		}
		out = append(out, h)
		seen[h.Gemeente] = append(seen[h.Gemeente], h.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	return out, s.auditRead(ctx, a, audit.Search, RecPerson, seen)
}

// FindByBSN looks a BSN up by exact match in every gemeente the actor serves.
func (s *Store) FindByBSN(ctx context.Context, a Actor, bsn string) ([]PersonHit, error) {
	bsn = people.NormalizeBSN(bsn)
	if !people.ValidBSN(bsn) {
		return nil, &people.FieldError{Field: "bsn", Message: "dit is geen geldig BSN (9 cijfers die de elfproef doorstaan)"}
	}
	var hashes []string
	for _, gm := range a.scope(auth.ReadPersons) {
		hashes = append(hashes, s.keys.Hash(bsn, gm))
	}
	if len(hashes) == 0 {
		return nil, errs.E(errs.Forbidden, "U mag geen personen inzien.")
	}
	ph, args := in(hashes)
	return s.personHits(ctx, a, "p.bsn_hash IN ("+ph+")", args, 10)
}

// SearchPersons finds persons whose name contains the words of q.
func (s *Store) SearchPersons(ctx context.Context, a Actor, q string, limit int) ([]PersonHit, error) {
	words := strings.Fields(Fold(q))
	if len(words) == 0 || len(strings.Join(words, "")) < 2 {
		return nil, &people.FieldError{Field: "naam", Message: "vul minstens twee letters van een naam in"}
	}
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	var conds []string
	var args []any
	for _, w := range words {
		conds = append(conds, "p.naam_zoek LIKE ? ESCAPE '\\'")
		args = append(args, "%"+likeEscape(w)+"%")
	}
	return s.personHits(ctx, a, strings.Join(conds, " AND "), args, limit)
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// AddMember puts an existing person into a household of the same gemeente.
func (s *Store) AddMember(ctx context.Context, a Actor, m *people.Member) error {
	if err := people.ValidateMember(m); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		gm, err := s.personGemeente(ctx, tx, a, m.Person.ID)
		if err != nil {
			return &people.FieldError{Field: "persoon", Message: "deze persoon is niet gevonden"}
		}
		m.Person.Gemeente = gm
		return s.addMember(ctx, tx, a, m)
	})
}

func (s *Store) addMember(ctx context.Context, tx *Tx, a Actor, m *people.Member) error {
	hgm, err := s.householdGemeente(ctx, tx, a, m.Household)
	if err != nil || hgm != m.Person.Gemeente {
		return &people.FieldError{Field: "huishouden", Message: "dit huishouden is niet gevonden in de gemeente van de persoon"}
	}
	if err := s.checkScope(a, auth.WritePersons, hgm); err != nil {
		return err
	}
	if m.ID == "" {
		m.ID = secret.ID()
	}
	var end any
	if m.Eind != nil {
		end = *m.Eind
	}
	_, err = tx.Exec(ctx, `INSERT INTO household_members (id, gemeente, household_id, person_id, rol, start_date, end_date) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.ID, hgm, m.Household, m.Person.ID, m.Rol, m.Start, end)
	if errs.Is(classify(err), errs.Conflict) {
		return &people.FieldError{Field: "start", Message: "deze persoon is op deze datum al lid van dit huishouden"}
	}
	if err != nil {
		return err
	}
	if err := s.change(ctx, tx, hgm, RecHousehold, m.Household, "member"); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, auth.WritePersons, audit.Update, hgm, RecHousehold, m.Household)
}

// EndMember closes a membership on a date (moved out, died, came of age elsewhere).
func (s *Store) EndMember(ctx context.Context, a Actor, householdID, memberID string, end people.Date) error {
	if end.IsZero() {
		return &people.FieldError{Field: "eind", Message: "vul een einddatum in"}
	}
	return s.Tx(ctx, func(tx *Tx) error {
		gm, err := s.householdGemeente(ctx, tx, a, householdID)
		if err != nil {
			return err
		}
		if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
			return err
		}
		var start people.Date
		if err := tx.QueryRow(ctx, "SELECT start_date FROM household_members WHERE id = ? AND household_id = ? AND end_date IS NULL", memberID, householdID).Scan(&start); err != nil {
			return classify(err)
		}
		if !start.Before(end) {
			return &people.FieldError{Field: "eind", Message: "de einddatum ligt na de startdatum (" + start.Dutch() + ")"}
		}
		if _, err := tx.Exec(ctx, "UPDATE household_members SET end_date = ? WHERE id = ?", end, memberID); err != nil {
			return err
		}
		if err := s.change(ctx, tx, gm, RecHousehold, householdID, "member"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Update, gm, RecHousehold, householdID)
	})
}

package exchange

// Spreadsheet import, the domain half: what naober can read from a
// gemeente's own exports (persons/households, provisions), how the columns
// of a file map onto those fields, and how one row becomes a validated
// record or a list of problems that name line and column. No SQL, no HTTP:
// the store applies the records, the readers (package sheet) deliver rows.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
)

// Kind is what a spreadsheet holds.
type Kind string

const (
	KindPersons    Kind = "personen"      // one person a row, with the address of their household
	KindProvisions Kind = "voorzieningen" // one provision a row, for a person known by BSN
)

// ParseKind checks a kind name.
func ParseKind(s string) (Kind, error) {
	switch Kind(strings.ToLower(strings.TrimSpace(s))) {
	case KindPersons, "persons", "persoon":
		return KindPersons, nil
	case KindProvisions, "provisions", "voorziening":
		return KindProvisions, nil
	}
	return "", fmt.Errorf("onbekende soort %q: kies personen of voorzieningen", s)
}

// Label is the Dutch name of the kind.
func (k Kind) Label() string {
	if k == KindProvisions {
		return "Voorzieningen"
	}
	return "Personen en huishoudens"
}

// Field is one thing naober reads from a row.
type Field struct {
	Name     string   `json:"veld"`  // stable key: "bsn", "geboortedatum"
	Label    string   `json:"label"` // Dutch, for screens and reports
	Required bool     `json:"verplicht"`
	Hint     string   `json:"uitleg,omitempty"`
	Synonyms []string `json:"-"` // header names other systems use (folded when compared)
	// KeyHint marks fields that make a good idempotency key.
	KeyHint bool `json:"-"`
}

var personFields = []Field{
	{Name: "bsn", Label: "BSN", Required: true, KeyHint: true, Hint: "9 cijfers, elfproef",
		Synonyms: []string{"burgerservicenummer", "bsn client", "bsn cliënt", "client bsn", "bsnclient", "sofinummer", "bsn nummer", "bsnnummer"}},
	{Name: "voornamen", Label: "Voornamen", Required: true,
		Synonyms: []string{"voornaam", "voorna(a)m(en)", "roepnaam", "first name", "firstname", "voorletters"}},
	{Name: "tussenvoegsel", Label: "Tussenvoegsel",
		Synonyms: []string{"voorvoegsel", "tussenvoegsels", "tussenv", "voorv", "prefix"}},
	{Name: "achternaam", Label: "Achternaam", Required: true,
		Synonyms: []string{"geslachtsnaam", "familienaam", "naam", "last name", "lastname", "surname", "achter naam"}},
	{Name: "geboortedatum", Label: "Geboortedatum", Required: true, Hint: "01-04-1980 of 1980-04-01",
		Synonyms: []string{"geb datum", "geb.datum", "gebdatum", "geb. datum", "geboorte datum", "geboren", "geboren op", "date of birth", "dob", "birthdate"}},
	{Name: "geslacht", Label: "Geslacht", Hint: "man, vrouw of onbekend (M/V/O); leeg is onbekend",
		Synonyms: []string{"sekse", "gender", "m/v", "geslachtsaanduiding"}},
	{Name: "postcode", Label: "Postcode", Required: true,
		Synonyms: []string{"pc", "postcode adres", "zip"}},
	{Name: "huisnummer", Label: "Huisnummer", Required: true,
		Synonyms: []string{"huisnr", "huisnr.", "nummer", "nr", "house number"}},
	{Name: "toevoeging", Label: "Toevoeging", Hint: "huisletter of toevoeging, hooguit 4 tekens",
		Synonyms: []string{"huisnummertoevoeging", "huisletter", "toev", "huisnr toevoeging", "huisnummer toevoeging"}},
	{Name: "rol", Label: "Rol in huishouden", Hint: "ouder, partner, kind of overig; leeg is overig",
		Synonyms: []string{"rol", "rol in het huishouden", "gezinsrol", "relatie", "positie in huishouden"}},
}

var provisionFields = []Field{
	{Name: "bsn", Label: "BSN", Required: true, Hint: "de persoon moet al in naober staan",
		Synonyms: []string{"burgerservicenummer", "bsn client", "bsn cliënt", "client bsn", "bsnclient", "sofinummer"}},
	{Name: "toewijzingnummer", Label: "Toewijzingnummer", KeyHint: true,
		Synonyms: []string{"toewijzing", "toewijzingsnummer", "beschikkingnummer", "beschikkingsnummer", "dossiernummer", "dossier", "referentie"}},
	{Name: "wet", Label: "Wet", Required: true, Hint: "wmo, jw, pw, wgs of voorliggend",
		Synonyms: []string{"wetgeving", "domein", "regeling", "wettelijk kader"}},
	{Name: "categorie", Label: "Categorie", Required: true, Hint: "productcategorie (WMO020/JZ020) of naober-code",
		Synonyms: []string{"productcategorie", "product categorie", "cat"}},
	{Name: "productcode", Label: "Productcode",
		Synonyms: []string{"product", "product code", "code product"}},
	{Name: "aanbieder", Label: "Aanbieder",
		Synonyms: []string{"zorgaanbieder", "leverancier", "naam aanbieder", "aanbieder naam"}},
	{Name: "aanbieder_agb", Label: "AGB-code aanbieder", Hint: "8 cijfers",
		Synonyms: []string{"agb", "agb code", "agbcode", "agb aanbieder", "agb-code"}},
	{Name: "start", Label: "Startdatum", Required: true,
		Synonyms: []string{"ingangsdatum", "begindatum", "start datum", "datum start", "van", "ingang"}},
	{Name: "eind", Label: "Einddatum",
		Synonyms: []string{"einddatum", "eind datum", "datum einde", "tot", "tot en met", "afloopdatum"}},
	{Name: "volume", Label: "Volume", Synonyms: []string{"omvang", "aantal"}},
	{Name: "eenheid", Label: "Eenheid", Hint: "code WJ756: 01 minuut, 04 uur, 14 etmaal, …", Synonyms: []string{"eenheid volume"}},
	{Name: "frequentie", Label: "Frequentie", Hint: "code: 1 per dag, 2 per week, 4 per maand, 6 totaal", Synonyms: []string{"freq", "per"}},
	{Name: "prijs", Label: "Prijs per eenheid", Hint: "in euro, 68,50", Synonyms: []string{"tarief", "bedrag", "prijs", "eenheidsprijs", "tarief per eenheid"}},
	{Name: "maandbedrag", Label: "Maandbedrag", Hint: "in euro per maand", Synonyms: []string{"bedrag per maand", "maand bedrag", "kosten per maand"}},
	{Name: "status", Label: "Status", Hint: "aangevraagd, toegekend of gestart; leeg is toegekend", Synonyms: []string{"status voorziening"}},
}

// Fields lists the fields of a kind, in screen order.
func Fields(k Kind) []Field {
	if k == KindProvisions {
		return provisionFields
	}
	return personFields
}

func fieldOf(k Kind, name string) (Field, bool) {
	for _, f := range Fields(k) {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Mapping says which column (by its header text) holds each field.
type Mapping map[string]string

// FoldHeader makes header names comparable: lower case, accents and
// punctuation gone, spaces single ("Geb.datum" and "geb datum" agree).
func FoldHeader(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

func compact(s string) string { return strings.ReplaceAll(s, " ", "") }

// Suggest maps fields to columns by their header names: first exact
// (folded) matches of the field's name, label or synonyms, then headers
// that contain one of them. Every column is used once at most.
func Suggest(k Kind, header []string) Mapping {
	m := Mapping{}
	used := map[int]bool{}
	folded := make([]string, len(header))
	for i, h := range header {
		folded[i] = compact(FoldHeader(h))
	}
	names := func(f Field) []string {
		out := []string{compact(FoldHeader(f.Name)), compact(FoldHeader(f.Label))}
		for _, s := range f.Synonyms {
			out = append(out, compact(FoldHeader(s)))
		}
		return out
	}
	// Pass 1: exact.
	for _, f := range Fields(k) {
		for _, n := range names(f) {
			found := false
			for i, h := range folded {
				if !used[i] && h != "" && h == n {
					m[f.Name], used[i], found = header[i], true, true
					break
				}
			}
			if found {
				break
			}
		}
	}
	// Pass 2: the header contains a name of at least four letters
	// ("BSN cliënt (verplicht)", "Geboortedatum client").
	for _, f := range Fields(k) {
		if _, ok := m[f.Name]; ok {
			continue
		}
		for _, n := range names(f) {
			if len(n) < 4 {
				continue
			}
			found := false
			for i, h := range folded {
				if !used[i] && strings.Contains(h, n) {
					m[f.Name], used[i], found = header[i], true, true
					break
				}
			}
			if found {
				break
			}
		}
	}
	return m
}

// SuggestKey proposes the idempotency key column: the column of the first
// mapped field that makes a good key (BSN for persons, the allocation
// number for provisions).
func SuggestKey(k Kind, m Mapping) string {
	for _, f := range Fields(k) {
		if f.KeyHint && m[f.Name] != "" {
			return m[f.Name]
		}
	}
	return ""
}

// Check says what is wrong with a mapping for a file with this header:
// unknown fields, columns that are not in the file, a column used twice,
// required fields left out, and a key column that is not in the file.
func (m Mapping) Check(k Kind, header []string, key string) Problems {
	var ps Problems
	cols := map[string]bool{}
	for _, h := range header {
		cols[h] = true
	}
	usedBy := map[string]string{}
	names := make([]string, 0, len(m))
	for f := range m {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		col := m[f]
		fd, ok := fieldOf(k, f)
		if !ok {
			ps = append(ps, Problem{Path: "koppeling", Value: f, Msg: "naober kent dit veld niet bij " + strings.ToLower(k.Label())})
			continue
		}
		if col == "" {
			continue
		}
		if !cols[col] {
			ps = append(ps, Problem{Path: "koppeling " + fd.Label, Value: col, Msg: "deze kolom staat niet in het bestand"})
			continue
		}
		if other, dup := usedBy[col]; dup {
			ps = append(ps, Problem{Path: "koppeling " + fd.Label, Value: col, Msg: "deze kolom is al gekoppeld aan " + other})
			continue
		}
		usedBy[col] = fd.Label
	}
	for _, f := range Fields(k) {
		if f.Required && m[f.Name] == "" {
			ps = append(ps, Problem{Path: "koppeling " + f.Label, Msg: "kies de kolom voor dit verplichte veld"})
		}
	}
	if key == "" {
		ps = append(ps, Problem{Path: "sleutel", Msg: "kies de kolom die een rij uniek maakt (bijvoorbeeld BSN of toewijzingnummer)"})
	} else if !cols[key] {
		ps = append(ps, Problem{Path: "sleutel", Value: key, Msg: "deze kolom staat niet in het bestand"})
	}
	return ps
}

// Parsers read dates, amounts and whole numbers from cells; the store
// passes package sheet's (sheet.ParseDate, sheet.ParseCents, sheet.ParseInt),
// which know the Dutch and ISO forms and the decimal comma.
type Parsers struct {
	Date  func(string) (people.Date, error)
	Cents func(string) (int64, error)
	Int   func(string) (int64, error)
}

// PersonRow is a valid row of a persons file.
type PersonRow struct {
	Client Client
	Rol    string // ouder, partner, kind, overig
}

// ProvisionRow is a valid row of a provisions file. Provision has no
// person or household yet: the store finds them by BSN.
type ProvisionRow struct {
	BSN              string
	Toewijzingnummer string
	Provision        casework.Provision
}

// Row is one converted row.
type Row struct {
	Line        int
	Key         string // the value in the key column, normalised (a BSN key without dots or spaces)
	Fingerprint string // hash of every mapped value: equal fingerprints mean an unchanged row
	Person      *PersonRow
	Provision   *ProvisionRow
}

// Converter turns rows of one file into records.
type Converter struct {
	kind   Kind
	file   string
	p      Parsers
	today  people.Date
	idx    map[string]int // field -> column index
	col    map[string]string
	keyIdx int
	keyBSN bool
	order  []string // mapped fields in a fixed order, for the fingerprint
}

// NewConverter checks the mapping against the header and prepares the
// column lookups. today bounds birth dates.
func NewConverter(k Kind, file string, header []string, m Mapping, key string, p Parsers, today people.Date) (*Converter, error) {
	if ps := m.Check(k, header, key); len(ps) > 0 {
		for i := range ps {
			ps[i].File = file
		}
		return nil, ps
	}
	c := &Converter{kind: k, file: file, p: p, today: today, idx: map[string]int{}, col: map[string]string{}, keyIdx: -1}
	pos := map[string]int{}
	for i, h := range header {
		if _, ok := pos[h]; !ok {
			pos[h] = i
		}
	}
	for _, f := range Fields(k) {
		if col := m[f.Name]; col != "" {
			c.idx[f.Name] = pos[col]
			c.col[f.Name] = col
			c.order = append(c.order, f.Name)
		}
	}
	c.keyIdx = pos[key]
	c.keyBSN = m["bsn"] == key
	return c, nil
}

func (c *Converter) cell(cells []string, f string) string {
	i, ok := c.idx[f]
	if !ok || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

// personalFields are the fields whose values are personal data. A report
// of an import goes to beheer, who may not see persons: a problem with one
// of these fields says what is wrong and where (line and column), never
// the value. The BSN is shown masked.
var personalFields = map[string]bool{
	"voornamen": true, "tussenvoegsel": true, "achternaam": true, "geboortedatum": true, "geslacht": true,
	"postcode": true, "huisnummer": true, "toevoeging": true, "rol": true,
}

// PersonalField reports whether a spreadsheet field holds personal data
// whose value a report must not show (the BSN is masked instead).
func PersonalField(f string) bool { return personalFields[f] }

// problem builds a problem naming line and column; values of personal
// fields are left out, BSNs masked and long values cut.
func (c *Converter) problem(line int, f, value, msg string) Problem {
	col := c.col[f]
	if col == "" {
		if fd, ok := fieldOf(c.kind, f); ok {
			col = fd.Label
		} else {
			col = f
		}
	}
	switch {
	case personalFields[f]:
		value = ""
	case f == "bsn" && value != "":
		value = MaskBSN(people.NormalizeBSN(value))
	}
	if len(value) > 60 {
		value = value[:57] + "..."
	}
	return Problem{File: c.file, Path: fmt.Sprintf("regel %d, kolom %s", line, col), Value: value, Msg: msg}
}

// Convert turns one row into a record, or says everything wrong with it.
func (c *Converter) Convert(line int, cells []string) (Row, Problems) {
	r := Row{Line: line}
	var ps Problems
	if c.keyIdx < len(cells) {
		r.Key = strings.TrimSpace(cells[c.keyIdx])
	}
	if c.keyBSN {
		r.Key = people.NormalizeBSN(r.Key)
	}
	if r.Key == "" {
		ps = append(ps, Problem{File: c.file, Path: fmt.Sprintf("regel %d, kolom %s", line, c.keyColumn(cells)), Msg: "de sleutelkolom is leeg; elke rij heeft een eigen sleutel nodig"})
	}
	switch c.kind {
	case KindPersons:
		pr, more := c.person(line, cells)
		ps = append(ps, more...)
		r.Person = pr
	case KindProvisions:
		pv, more := c.provision(line, cells)
		ps = append(ps, more...)
		r.Provision = pv
	}
	if len(ps) > 0 {
		return Row{Line: line}, ps
	}
	h := sha256.New()
	for _, f := range c.order {
		v := c.cell(cells, f)
		fmt.Fprintf(h, "%s=%d:%s;", f, len(v), v)
	}
	r.Fingerprint = hex.EncodeToString(h.Sum(nil))
	return r, nil
}

// Has reports whether the mapping reads the field from a column. On an
// update, a field the file does not hold keeps the value naober has.
func (c *Converter) Has(field string) bool {
	_, ok := c.idx[field]
	return ok
}

func (c *Converter) keyColumn(cells []string) string {
	for f, i := range c.idx {
		if i == c.keyIdx {
			return c.col[f]
		}
	}
	return "sleutel"
}

func (c *Converter) bsn(line int, cells []string, ps *Problems) string {
	raw := c.cell(cells, "bsn")
	bsn := people.NormalizeBSN(raw)
	switch {
	case raw == "":
		*ps = append(*ps, c.problem(line, "bsn", "", "het BSN ontbreekt"))
	case !people.ValidBSN(bsn):
		*ps = append(*ps, c.problem(line, "bsn", raw, "dit is geen geldig BSN (9 cijfers die de elfproef doorstaan)"))
	}
	return bsn
}

func (c *Converter) date(line int, cells []string, f string, required bool, ps *Problems) people.Date {
	v := c.cell(cells, f)
	if v == "" {
		if required {
			fd, _ := fieldOf(c.kind, f)
			*ps = append(*ps, c.problem(line, f, "", "vul de "+strings.ToLower(fd.Label)+" in, zoals 01-04-2026"))
		}
		return people.Date{}
	}
	d, err := c.p.Date(v)
	if err != nil {
		*ps = append(*ps, c.problem(line, f, v, "dit is geen datum; gebruik 01-04-2026 of 2026-04-01"))
		return people.Date{}
	}
	return d
}

var genders = map[string]string{
	"man": "man", "m": "man", "1": "man", "male": "man", "jongen": "man",
	"vrouw": "vrouw", "v": "vrouw", "f": "vrouw", "2": "vrouw", "female": "vrouw", "meisje": "vrouw",
	"onbekend": "onbekend", "o": "onbekend", "0": "onbekend", "x": "onbekend", "u": "onbekend", "9": "onbekend", "": "onbekend",
}

var roles = map[string]string{
	"ouder": "ouder", "partner": "partner", "kind": "kind", "overig": "overig", "": "overig",
	"hoofdbewoner": "ouder", "aanvrager": "ouder", "ouder/verzorger": "ouder", "verzorger": "ouder", "moeder": "ouder", "vader": "ouder",
	"echtgenoot": "partner", "echtgenote": "partner", "zoon": "kind", "dochter": "kind", "pleegkind": "kind", "anders": "overig", "huisgenoot": "overig",
}

func (c *Converter) person(line int, cells []string) (*PersonRow, Problems) {
	var ps Problems
	r := &PersonRow{}
	cl := &r.Client
	cl.BSN = c.bsn(line, cells, &ps)
	cl.Voornamen = c.cell(cells, "voornamen")
	cl.Voorvoegsel = c.cell(cells, "tussenvoegsel")
	cl.Achternaam = c.cell(cells, "achternaam")
	if cl.Voornamen == "" || len(cl.Voornamen) > 200 {
		ps = append(ps, c.problem(line, "voornamen", "", "vul de voornamen in (hooguit 200 tekens)"))
	}
	if len(cl.Voorvoegsel) > 20 {
		ps = append(ps, c.problem(line, "tussenvoegsel", "", "een tussenvoegsel heeft hooguit 20 tekens"))
	}
	if cl.Achternaam == "" || len(cl.Achternaam) > 200 {
		ps = append(ps, c.problem(line, "achternaam", "", "vul de achternaam in (hooguit 200 tekens)"))
	}
	cl.Geboortedatum = c.date(line, cells, "geboortedatum", true, &ps)
	if !cl.Geboortedatum.IsZero() && (c.today.Before(cl.Geboortedatum) || cl.Geboortedatum.Year() < 1890) {
		ps = append(ps, c.problem(line, "geboortedatum", cl.Geboortedatum.Dutch(), "de geboortedatum ligt in de toekomst of te ver terug"))
	}
	g := c.cell(cells, "geslacht")
	var ok bool
	if cl.Geslacht, ok = genders[strings.ToLower(g)]; !ok {
		ps = append(ps, c.problem(line, "geslacht", g, "kies man, vrouw of onbekend (M, V of O)"))
	}
	addr := &Address{}
	pcRaw := c.cell(cells, "postcode")
	pc, ok := people.NormalizePostcode(pcRaw)
	if !ok {
		ps = append(ps, c.problem(line, "postcode", pcRaw, "dit is geen geldige postcode, zoals 7941 AB"))
	}
	addr.Postcode = pc
	hn := c.cell(cells, "huisnummer")
	n, err := c.p.Int(hn)
	if err != nil || n < 1 || n > 99999 {
		ps = append(ps, c.problem(line, "huisnummer", hn, "vul een huisnummer in tussen 1 en 99999"))
	}
	addr.Huisnummer = int(n)
	t := strings.ToUpper(strings.ReplaceAll(strings.TrimLeft(c.cell(cells, "toevoeging"), "-"), " ", ""))
	if len(t) > 4 || !alnum(t) {
		ps = append(ps, c.problem(line, "toevoeging", t, "een toevoeging heeft hooguit 4 letters of cijfers"))
	}
	addr.Toevoeging = t
	cl.Address = addr
	rol := c.cell(cells, "rol")
	if r.Rol, ok = roles[strings.ToLower(rol)]; !ok {
		ps = append(ps, c.problem(line, "rol", rol, "kies ouder, partner, kind of overig"))
	}
	return r, ps
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= '0' && b <= '9' || b >= 'A' && b <= 'Z') {
			return false
		}
	}
	return true
}

var laws = map[string]string{
	"wmo": "wmo", "wmo 2015": "wmo", "wmo2015": "wmo",
	"jw": "jw", "jeugd": "jw", "jeugdwet": "jw", "jeugdhulp": "jw",
	"pw": "pw", "participatiewet": "pw", "bijstand": "pw",
	"wgs": "wgs", "schuldhulp": "wgs", "schuldhulpverlening": "wgs",
	"voorliggend": "voorliggend", "voorliggend veld": "voorliggend", "vv": "voorliggend",
}

// provisionFieldOf maps casework's field names onto spreadsheet fields.
var provisionFieldOf = map[string]string{
	"prijs_cents": "prijs", "maandbedrag_cents": "maandbedrag", "taakveld": "categorie", "persoon": "bsn", "eind_reden": "status", "profiel": "categorie",
}

func (c *Converter) provision(line int, cells []string) (*ProvisionRow, Problems) {
	var ps Problems
	r := &ProvisionRow{}
	r.BSN = c.bsn(line, cells, &ps)
	r.Toewijzingnummer = c.cell(cells, "toewijzingnummer")
	if len(r.Toewijzingnummer) > 40 {
		ps = append(ps, c.problem(line, "toewijzingnummer", r.Toewijzingnummer, "een toewijzingnummer heeft hooguit 40 tekens"))
	}
	p := &r.Provision
	p.PersonID = "?" // found by BSN in the store
	w := c.cell(cells, "wet")
	if p.Wet = laws[strings.ToLower(w)]; p.Wet == "" {
		ps = append(ps, c.problem(line, "wet", w, "kies wmo, jw, pw, wgs of voorliggend"))
		p.Wet = "?"
	}
	if nr := r.Toewijzingnummer; nr != "" && (p.Wet == "jw" || p.Wet == "wmo") {
		// The same allocation as in the iJw/iWmo messages: "000123" is 123.
		if n, ok := CanonNumber(nr); ok {
			r.Toewijzingnummer = n
		} else if digits := strings.TrimPrefix(nr, "+"); digits != "" && strings.Trim(digits, "0123456789") == "" {
			ps = append(ps, c.problem(line, "toewijzingnummer", nr, "een toewijzingnummer bij Jeugdwet en Wmo heeft hooguit 9 cijfers (voorloopnullen niet meegeteld), zoals in de iJw- en iWmo-berichten"))
		}
	}
	p.Categorie = strings.ToUpper(c.cell(cells, "categorie"))
	if len(p.Categorie) == 1 && p.Categorie[0] >= '1' && p.Categorie[0] <= '9' {
		p.Categorie = "0" + p.Categorie // a spreadsheet ate the leading zero of "02"
	}
	p.Productcode = c.cell(cells, "productcode")
	p.Aanbieder = c.cell(cells, "aanbieder")
	p.AanbiederAGB = c.cell(cells, "aanbieder_agb")
	if len(p.AanbiederAGB) == 7 {
		p.AanbiederAGB = "0" + p.AanbiederAGB
	}
	if p.Aanbieder == "" && p.AanbiederAGB != "" {
		p.Aanbieder = "AGB " + p.AanbiederAGB
	}
	p.Start = c.date(line, cells, "start", true, &ps)
	p.Eind = c.date(line, cells, "eind", false, &ps)
	if v := c.cell(cells, "volume"); v != "" {
		n, err := c.p.Int(v)
		if err != nil {
			ps = append(ps, c.problem(line, "volume", v, "dit is geen heel getal"))
		} else {
			nn := int(n)
			p.Volume = &nn
		}
	}
	p.Eenheid = c.cell(cells, "eenheid")
	if len(p.Eenheid) == 1 {
		p.Eenheid = "0" + p.Eenheid
	}
	p.Frequentie = strings.TrimLeft(c.cell(cells, "frequentie"), "0")
	for _, f := range []struct {
		name string
		dst  **casework.Cents
	}{{"prijs", &p.PrijsCents}, {"maandbedrag", &p.MaandbedragCents}} {
		v := c.cell(cells, f.name)
		if v == "" {
			continue
		}
		n, err := c.p.Cents(v)
		if err != nil {
			ps = append(ps, c.problem(line, f.name, v, "dit is geen bedrag; schrijf het zoals 68,50 of 1.234,56"))
			continue
		}
		cc := casework.Cents(n)
		*f.dst = &cc
	}
	st := strings.ToLower(c.cell(cells, "status"))
	switch st {
	case "":
		p.Status = casework.ProvisionGranted
	case "aangevraagd", "toegekend", "gestart":
		p.Status = st
	default:
		ps = append(ps, c.problem(line, "status", st, "kies aangevraagd, toegekend of gestart"))
		p.Status = casework.ProvisionGranted
	}
	if len(ps) > 0 {
		return r, ps
	}
	if err := casework.ValidateProvision(p); err != nil {
		fe, _ := people.AsFieldErrors(err)
		for _, e := range fe {
			f := e.Field
			if m, ok := provisionFieldOf[f]; ok {
				f = m
			}
			ps = append(ps, c.problem(line, f, c.cell(cells, f), e.Message))
		}
		if len(fe) == 0 {
			ps = append(ps, c.problem(line, "categorie", "", err.Error()))
		}
	}
	p.PersonID = ""
	return r, ps
}

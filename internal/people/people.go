// Package people holds the persons and households that case work and the
// monitor build on, with the validation rules for their fields. It knows
// nothing of HTTP or SQL.
package people

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Person is one resident known to the social domain of a gemeente.
// BSN is only filled when the caller may see it (a single-person read);
// lists leave it empty.
type Person struct {
	ID            string    `json:"id"`
	Gemeente      string    `json:"gemeente"`
	BSN           string    `json:"bsn,omitempty"`
	Voornamen     string    `json:"voornamen"`
	Tussenvoegsel string    `json:"tussenvoegsel,omitempty"`
	Achternaam    string    `json:"achternaam"`
	Geboortedatum Date      `json:"geboortedatum"`
	Geslacht      string    `json:"geslacht"`
	Bron          string    `json:"bron"`
	Created       time.Time `json:"aangemaakt"`
	Updated       time.Time `json:"gewijzigd"`
}

// Name is the display name ("Jan de Vries").
func (p Person) Name() string {
	parts := []string{p.Voornamen, p.Tussenvoegsel, p.Achternaam}
	var out []string
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 { // a client known only by BSN (from a declaration)
		return "onbekend"
	}
	return strings.Join(out, " ")
}

// Age in whole years on the given day.
func (p Person) Age(on Date) int {
	b, d := p.Geboortedatum.Time(), on.Time()
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
		age--
	}
	return age
}

// Household is a living unit at one address in one wijk of its gemeente.
type Household struct {
	ID          string    `json:"id"`
	Gemeente    string    `json:"gemeente"`
	Postcode    string    `json:"postcode"`
	Huisnummer  int       `json:"huisnummer"`
	Toevoeging  string    `json:"toevoeging,omitempty"`
	Wijk        string    `json:"wijk"`
	Buurt       string    `json:"buurt,omitempty"`
	Created     time.Time `json:"aangemaakt"`
	Updated     time.Time `json:"gewijzigd"`
	Members     []Member  `json:"leden,omitempty"`
	MemberCount int       `json:"aantal_leden"`
}

// Address formats the address the Dutch way: "7941 AB 12-a"; "adres
// onbekend" for a household known only from a message without an address.
func (h Household) Address() string {
	if h.Postcode == "" && h.Huisnummer == 0 {
		return "adres onbekend"
	}
	s := FormatPostcode(h.Postcode) + " " + fmt.Sprint(h.Huisnummer)
	if h.Toevoeging != "" {
		s += "-" + h.Toevoeging
	}
	return s
}

// Member links a person to a household for a period.
type Member struct {
	ID        string `json:"id"`
	Household string `json:"huishouden"`
	Person    Person `json:"persoon"`
	Rol       string `json:"rol"`
	Start     Date   `json:"start"`
	Eind      *Date  `json:"eind,omitempty"`
}

// Active reports whether the membership runs on the given day.
func (m Member) Active(on Date) bool {
	return !on.Before(m.Start) && (m.Eind == nil || on.Before(*m.Eind))
}

// Member roles.
var Roles = []string{"ouder", "partner", "kind", "overig"}

// Genders as the BRP knows them: man, vrouw, onbekend.
var Genders = []string{"man", "vrouw", "onbekend"}

// Sources of a person record.
const (
	SourceManual   = "handmatig"
	SourceDemo     = "demo"
	SourceExchange = "berichtenverkeer"
)

// FieldError names the field that is wrong, in words a user understands.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// FieldErrors collects every problem with an input at once, so a form can
// show them all.
type FieldErrors []*FieldError

func (fe FieldErrors) Error() string {
	var s []string
	for _, e := range fe {
		s = append(s, e.Error())
	}
	return strings.Join(s, "; ")
}

// Err returns nil when there are no problems.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}

// Add records a problem.
func (fe *FieldErrors) Add(field, msg string) { *fe = append(*fe, &FieldError{field, msg}) }

// For returns the message for a field, or "".
func (fe FieldErrors) For(field string) string {
	for _, e := range fe {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// AsFieldErrors extracts field errors from err, if any.
func AsFieldErrors(err error) (FieldErrors, bool) {
	var fe FieldErrors
	if errors.As(err, &fe) {
		return fe, true
	}
	var one *FieldError
	if errors.As(err, &one) {
		return FieldErrors{one}, true
	}
	return nil, false
}

// ValidBSN checks the 11-proef: nine digits, weights 9..2 and -1 on the last.
func ValidBSN(s string) bool {
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		w := 9 - i
		if i == 8 {
			w = -1
		}
		sum += w * int(c-'0')
	}
	return sum%11 == 0 && s != "000000000"
}

// NormalizeBSN strips spaces and dots people type, and pads an 8-digit BSN
// with the leading zero it lost in a spreadsheet.
func NormalizeBSN(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' {
			return -1
		}
		return r
	}, s)
	if len(s) == 8 {
		s = "0" + s
	}
	return s
}

// NormalizePostcode returns "1234AB" from inputs like "1234 ab"; ok is false
// when it is not a Dutch postcode (4 digits, first not 0, 2 letters, not SA/SD/SS).
func NormalizePostcode(s string) (string, bool) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if len(s) != 6 || s[0] == '0' {
		return s, false
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return s, false
		}
	}
	for i := 4; i < 6; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return s, false
		}
	}
	switch s[4:] {
	case "SA", "SD", "SS":
		return s, false
	}
	return s, true
}

// FormatPostcode shows "1234AB" as "1234 AB".
func FormatPostcode(s string) string {
	if len(s) == 6 {
		return s[:4] + " " + s[4:]
	}
	return s
}

// ValidateHousehold checks the address fields; wijk placement is checked by
// the caller, which knows the map.
func ValidateHousehold(h *Household) error {
	var fe FieldErrors
	pc, ok := NormalizePostcode(h.Postcode)
	if !ok {
		fe.Add("postcode", "vul een geldige postcode in, zoals 7941 AB")
	}
	h.Postcode = pc
	if h.Huisnummer < 1 || h.Huisnummer > 99999 {
		fe.Add("huisnummer", "vul een huisnummer in tussen 1 en 99999")
	}
	h.Toevoeging = strings.TrimSpace(h.Toevoeging)
	if len(h.Toevoeging) > 4 || !isAlnum(h.Toevoeging) {
		fe.Add("toevoeging", "een toevoeging heeft hooguit 4 letters of cijfers")
	}
	h.Toevoeging = strings.ToUpper(h.Toevoeging)
	return fe.Err()
}

// ValidatePerson checks a person's fields and normalises them in place.
// today bounds the birth date.
func ValidatePerson(p *Person, today Date) error {
	var fe FieldErrors
	p.BSN = NormalizeBSN(p.BSN)
	if !ValidBSN(p.BSN) {
		fe.Add("bsn", "dit is geen geldig BSN (9 cijfers die de elfproef doorstaan)")
	}
	p.Voornamen = strings.TrimSpace(p.Voornamen)
	p.Tussenvoegsel = strings.TrimSpace(p.Tussenvoegsel)
	p.Achternaam = strings.TrimSpace(p.Achternaam)
	if p.Voornamen == "" || len(p.Voornamen) > 200 {
		fe.Add("voornamen", "vul de voornamen in (hooguit 200 tekens)")
	}
	if len(p.Tussenvoegsel) > 20 {
		fe.Add("tussenvoegsel", "een tussenvoegsel heeft hooguit 20 tekens")
	}
	if p.Achternaam == "" || len(p.Achternaam) > 200 {
		fe.Add("achternaam", "vul de achternaam in (hooguit 200 tekens)")
	}
	if p.Geboortedatum.IsZero() {
		fe.Add("geboortedatum", "vul een geboortedatum in, zoals 01-04-1980")
	} else if today.Before(p.Geboortedatum) || p.Geboortedatum.Year() < 1890 {
		fe.Add("geboortedatum", "de geboortedatum ligt in de toekomst of te ver terug")
	}
	if !oneOf(p.Geslacht, Genders) {
		fe.Add("geslacht", "kies man, vrouw of onbekend")
	}
	return fe.Err()
}

// ValidateMember checks a membership.
func ValidateMember(m *Member) error {
	var fe FieldErrors
	if !oneOf(m.Rol, Roles) {
		fe.Add("rol", "kies ouder, partner, kind of overig")
	}
	if m.Start.IsZero() {
		fe.Add("start", "vul een startdatum in")
	}
	if m.Eind != nil && !m.Start.Before(*m.Eind) {
		fe.Add("eind", "de einddatum ligt na de startdatum")
	}
	return fe.Err()
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

func isAlnum(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) || r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

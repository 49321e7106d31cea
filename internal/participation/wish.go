package participation

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"naober.nl/naober/internal/people"
)

// The wensboom: residents of a wijk post wishes for their wijk, support and
// follow each other's wishes, and report abuse. A wijkcoordinator hides a
// wish with a reason and answers every wish with a status the gemeente
// defines. Like CONSUL's proposals, but every wish gets an answer, and the
// answer and its history stay public (accountability).

// Category is the kind of wish, from a fixed list.
type Category string

// Categories in the order the form shows them.
var Categories = []Category{"groen", "spelen", "ontmoeten", "verkeer", "veiligheid", "schoon", "zorg", "overig"}

// Label is the Dutch name of the category.
func (c Category) Label() string {
	switch c {
	case "groen":
		return "Groen en natuur"
	case "spelen":
		return "Spelen en sport"
	case "ontmoeten":
		return "Ontmoeten en samen doen"
	case "verkeer":
		return "Verkeer en parkeren"
	case "veiligheid":
		return "Veiligheid"
	case "schoon":
		return "Schoon en heel"
	case "zorg":
		return "Zorg en welzijn"
	case "overig":
		return "Iets anders"
	}
	return string(c)
}

// Valid reports whether the category is on the list.
func (c Category) Valid() bool {
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}

// Point is a place on the map (WGS84 degrees).
type Point struct {
	Lat, Lon float64
}

// Limits on what a wish may hold.
const (
	TitleMin  = 5
	TitleMax  = 120
	TextMin   = 20
	TextMax   = 4000
	ReasonMin = 5
	ReasonMax = 1000
)

// Wish is one resident's wish for their wijk.
type Wish struct {
	ID       string
	Gemeente string
	Wijk     string
	// AuthorID is "" once the author deleted their account: the wish stays,
	// anonymous.
	AuthorID     string
	AuthorName   string
	Title        string
	Text         string
	Category     Category
	Point        *Point
	Status       string // a StatusDef code
	StatusLabel  string
	Hidden       bool
	HiddenReason string
	Supports     int
	Created      time.Time
	Updated      time.Time
}

// Author is the name shown with the wish.
func (w Wish) Author() string {
	if w.AuthorID == "" || strings.TrimSpace(w.AuthorName) == "" {
		return "Een oud-bewoner"
	}
	return w.AuthorName
}

// Normalize trims the text fields.
func (w *Wish) Normalize() {
	w.Title = strings.Join(strings.Fields(w.Title), " ")
	w.Text = strings.TrimSpace(strings.ReplaceAll(w.Text, "\r\n", "\n"))
	w.Category = Category(strings.TrimSpace(string(w.Category)))
}

// Validate checks a new wish. inWijk tells whether a point lies in the
// wijk (nil: any point in the Netherlands is accepted). All problems are
// reported at once, by form field.
func (w *Wish) Validate(inWijk func(Point) bool) error {
	w.Normalize()
	var fe people.FieldErrors
	switch n := utf8.RuneCountInString(w.Title); {
	case n == 0:
		fe.Add("titel", "Geef uw wens een titel.")
	case n < TitleMin:
		fe.Add("titel", "De titel is te kort: gebruik minstens 5 tekens.")
	case n > TitleMax:
		fe.Add("titel", "De titel is te lang: gebruik hooguit 120 tekens.")
	}
	switch n := utf8.RuneCountInString(w.Text); {
	case n == 0:
		fe.Add("tekst", "Beschrijf uw wens.")
	case n < TextMin:
		fe.Add("tekst", "Vertel iets meer over uw wens: gebruik minstens 20 tekens.")
	case n > TextMax:
		fe.Add("tekst", "De beschrijving is te lang: gebruik hooguit 4000 tekens.")
	}
	if !w.Category.Valid() {
		fe.Add("categorie", "Kies een onderwerp uit de lijst.")
	}
	if w.Point != nil {
		p := *w.Point
		switch {
		case !inNetherlands(p):
			fe.Add("plek", "Deze plek ligt niet in Nederland. Kies een plek in uw wijk, of laat de plek leeg.")
		case inWijk != nil && !inWijk(p):
			fe.Add("plek", "Deze plek ligt niet in uw wijk. Kies een plek in de wijk, of laat de plek leeg.")
		}
	}
	if w.Wijk == "" || w.Gemeente == "" {
		fe.Add("wijk", "Een wens hoort bij een wijk.")
	}
	return fe.Err()
}

func inNetherlands(p Point) bool {
	if math.IsNaN(p.Lat) || math.IsNaN(p.Lon) {
		return false
	}
	return p.Lat >= 50.7 && p.Lat <= 53.7 && p.Lon >= 3.2 && p.Lon <= 7.3
}

// ParsePoint reads a place from two form fields ("52,37" or "52.37"). Both
// empty: no place.
func ParsePoint(lat, lon string) (*Point, error) {
	lat, lon = strings.TrimSpace(lat), strings.TrimSpace(lon)
	if lat == "" && lon == "" {
		return nil, nil
	}
	var fe people.FieldErrors
	la, ok1 := parseDegrees(lat)
	lo, ok2 := parseDegrees(lon)
	if !ok1 || !ok2 {
		fe.Add("plek", "Vul de plek in als twee getallen (breedtegraad en lengtegraad, bijvoorbeeld 52,70 en 6,19), of laat beide leeg.")
		return nil, fe
	}
	return &Point{Lat: la, Lon: lo}, nil
}

func parseDegrees(s string) (float64, bool) {
	s = strings.Replace(s, ",", ".", 1)
	if s == "" || len(s) > 20 {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// StatusDef is one status a gemeente gives answers to wishes.
type StatusDef struct {
	Code  string
	Label string
	// ReasonRequired: the answer must explain (e.g. why a wish is not feasible).
	ReasonRequired bool
	// Closed: the wish is no longer open (done, or not going to happen).
	Closed bool
}

// Default status codes.
const (
	StatusOntvangen     = "ontvangen"
	StatusInBehandeling = "in_behandeling"
	StatusOpDeAgenda    = "op_de_agenda"
	StatusUitgevoerd    = "uitgevoerd"
	StatusNietHaalbaar  = "niet_haalbaar"
)

// DefaultStatuses are used by a gemeente that did not define its own.
func DefaultStatuses() []StatusDef {
	return []StatusDef{
		{Code: StatusOntvangen, Label: "Ontvangen"},
		{Code: StatusInBehandeling, Label: "In behandeling"},
		{Code: StatusOpDeAgenda, Label: "Op de agenda"},
		{Code: StatusUitgevoerd, Label: "Uitgevoerd", Closed: true},
		{Code: StatusNietHaalbaar, Label: "Niet haalbaar", ReasonRequired: true, Closed: true},
	}
}

// ValidateStatuses checks a gemeente's own list: codes unique and plain,
// labels present, and the first status (what a new wish gets) open.
func ValidateStatuses(defs []StatusDef) error {
	var fe people.FieldErrors
	if len(defs) == 0 {
		fe.Add("statussen", "Geef minstens één status.")
		return fe
	}
	seen := map[string]bool{}
	for _, d := range defs {
		if d.Code == "" || strings.Trim(d.Code, "abcdefghijklmnopqrstuvwxyz_0123456789") != "" || len(d.Code) > 40 {
			fe.Add("statussen", "Een statuscode bestaat uit kleine letters, cijfers en _ (hooguit 40 tekens).")
		}
		if seen[d.Code] {
			fe.Add("statussen", "De statuscode "+d.Code+" staat er twee keer in.")
		}
		seen[d.Code] = true
		if strings.TrimSpace(d.Label) == "" {
			fe.Add("statussen", "Elke status heeft een naam.")
		}
	}
	if defs[0].Closed {
		fe.Add("statussen", "De eerste status krijgt elke nieuwe wens; die kan niet afgesloten zijn.")
	}
	return fe.Err()
}

// FindStatus looks up a code in defs.
func FindStatus(defs []StatusDef, code string) (StatusDef, bool) {
	for _, d := range defs {
		if d.Code == code {
			return d, true
		}
	}
	return StatusDef{}, false
}

// Answer is a coordinator's answer to a wish: a status and an explanation.
type Answer struct {
	ID          string
	WishID      string
	Status      string
	StatusLabel string
	Text        string
	ByName      string // shown publicly: the coordinator's name or "de gemeente"
	At          time.Time
	// Link is the wish's address for the e-mail to its followers (not stored).
	Link string
}

// ValidateAnswer checks an answer against the gemeente's statuses: the
// status must exist, and a status that needs a reason gets one.
func ValidateAnswer(defs []StatusDef, a *Answer) error {
	a.Text = strings.TrimSpace(strings.ReplaceAll(a.Text, "\r\n", "\n"))
	var fe people.FieldErrors
	d, ok := FindStatus(defs, a.Status)
	if !ok {
		fe.Add("status", "Kies een status uit de lijst.")
	} else {
		a.StatusLabel = d.Label
	}
	n := utf8.RuneCountInString(a.Text)
	switch {
	case ok && d.ReasonRequired && n < ReasonMin:
		fe.Add("antwoord", "Bij de status "+d.Label+" hoort een uitleg: schrijf waarom (minstens 5 tekens).")
	case n > TextMax:
		fe.Add("antwoord", "Het antwoord is te lang: gebruik hooguit 4000 tekens.")
	}
	return fe.Err()
}

// ValidateReason checks the reason for hiding or reporting a wish.
func ValidateReason(field, reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	var fe people.FieldErrors
	switch n := utf8.RuneCountInString(reason); {
	case n < ReasonMin:
		fe.Add(field, "Geef een reden (minstens 5 tekens).")
	case n > ReasonMax:
		fe.Add(field, "De reden is te lang: gebruik hooguit 1000 tekens.")
	}
	return reason, fe.Err()
}

// Event is one line in the public history of a wish or agenda item.
type Event struct {
	At     time.Time
	Kind   string // "geplaatst", "antwoord", "verborgen", "zichtbaar", "agenda", "wijziging", "mijlpaal"
	Status string // the status label an answer gave
	Text   string
	By     string
}

// Rate limits for posting: a resident posts at most WishesPerDay wishes
// and ReportsPerDay reports per 24 hours; an address (IP) at most
// PostsPerHourPerAddress posts of either kind per hour.
const (
	WishesPerDay           = 5
	ReportsPerDay          = 20
	PostsPerHourPerAddress = 60
)

// Markers in the status list a gemeente writes, one status a line:
// "Niet haalbaar (uitleg) (afgesloten)".
const (
	markReason = "(uitleg)"
	markClosed = "(afgesloten)"
)

// StatusLines writes statuses as the lines ParseStatusLines reads.
func StatusLines(defs []StatusDef) string {
	var b strings.Builder
	for _, d := range defs {
		b.WriteString(d.Label)
		if d.ReasonRequired {
			b.WriteString(" " + markReason)
		}
		if d.Closed {
			b.WriteString(" " + markClosed)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// ParseStatusLines reads a gemeente's statuses, one a line, with
// "(uitleg)" when an answer needs a reason and "(afgesloten)" when the wish
// is then no longer open. The code follows from the name ("In behandeling"
// → in_behandeling), so the defaults keep their codes.
func ParseStatusLines(text string) ([]StatusDef, error) {
	var defs []StatusDef
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		d := StatusDef{}
		for _, m := range []string{markReason, markClosed} {
			if strings.Contains(strings.ToLower(line), m) {
				i := strings.Index(strings.ToLower(line), m)
				line = line[:i] + line[i+len(m):]
				if m == markReason {
					d.ReasonRequired = true
				} else {
					d.Closed = true
				}
			}
		}
		d.Label = strings.Join(strings.Fields(line), " ")
		d.Code = statusCode(d.Label)
		defs = append(defs, d)
	}
	if err := ValidateStatuses(defs); err != nil {
		return defs, err
	}
	return defs, nil
}

func statusCode(label string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(label) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '_':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		case r == 'é' || r == 'ë' || r == 'è':
			b.WriteByte('e')
		case r == 'ï' || r == 'í':
			b.WriteByte('i')
		case r == 'ö' || r == 'ó':
			b.WriteByte('o')
		case r == 'ü' || r == 'ú':
			b.WriteByte('u')
		case r == 'á' || r == 'ä':
			b.WriteByte('a')
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

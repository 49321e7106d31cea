package casework

import (
	"fmt"
	"html"
	"sort"
	"strconv"
	"strings"
	"time"

	"naober.nl/naober/internal/people"
)

// Assessment is one dated ZRM assessment of a person: a level on each of the
// 13 domains (0 = niet beoordeeld), by a professional, with an optional note.
type Assessment struct {
	ID          string         `json:"id"`
	Gemeente    string         `json:"gemeente"`
	Household   string         `json:"huishouden"`
	Person      string         `json:"persoon"`
	PersonName  string         `json:"persoon_naam,omitempty"`
	Datum       people.Date    `json:"datum"`
	Scores      map[string]int `json:"scores"`
	Toelichting string         `json:"toelichting"`
	By          string         `json:"door"`
	ByName      string         `json:"door_naam,omitempty"`
	Created     time.Time      `json:"aangemaakt"`
}

// ZRMAdultAge is the age from which the ZRM is meant to be used (it is an
// instrument for adults); the worklist only asks for assessments from then on.
const ZRMAdultAge = 18

// zrmMaxNote bounds free text fields, so nobody pastes a whole file.
const zrmMaxNote = 4000

// ScoreField is the field name of a domain's level in errors and forms:
// "scores.financien", matching the JSON body {"scores": {"financien": 3}}.
func ScoreField(domain string) string { return "scores." + domain }

// ValidateAssessment checks an assessment and trims its note. birth is the
// person's birth date (zero when unknown), today bounds the date. Every
// domain must be given (0 is allowed), at least one must be assessed.
func ValidateAssessment(a *Assessment, birth, today people.Date) error {
	var fe people.FieldErrors
	if strings.TrimSpace(a.Person) == "" {
		fe.Add("persoon", "kies voor wie deze meting is")
	}
	switch {
	case a.Datum.IsZero():
		fe.Add("datum", "vul de datum van de meting in, zoals "+today.Dutch())
	case today.Before(a.Datum):
		fe.Add("datum", "de datum ligt in de toekomst; een meting gaat over hoe het nu gaat of ging")
	case !birth.IsZero() && a.Datum.Before(birth):
		fe.Add("datum", "de datum ligt vóór de geboortedatum ("+birth.Dutch()+")")
	}
	var unknown []string
	for k := range a.Scores {
		if _, ok := Lookup(Domains, k); !ok {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		if len(k) > 40 {
			k = k[:40]
		}
		fe.Add(ScoreField(k), "onbekend levensdomein; de ZRM kent 13 domeinen, zoals financien en huisvesting")
	}
	assessed := 0
	for _, d := range Domains {
		l, ok := a.Scores[d.Code]
		switch {
		case !ok:
			fe.Add(ScoreField(d.Code), "kies een niveau voor "+d.Naam+" (0 = niet beoordeeld)")
		case l < 0 || l > 5:
			fe.Add(ScoreField(d.Code), "kies voor "+d.Naam+" een niveau van 0 tot en met 5 (0 = niet beoordeeld)")
		case l > 0:
			assessed++
		}
	}
	if assessed == 0 && len(fe) == 0 {
		fe.Add("scores", "beoordeel minstens één domein; nu staat alles op niet beoordeeld")
	}
	a.Toelichting = strings.TrimSpace(a.Toelichting)
	if len(a.Toelichting) > zrmMaxNote {
		fe.Add("toelichting", fmt.Sprintf("de toelichting is te lang (hooguit %d tekens)", zrmMaxNote))
	}
	return fe.Err()
}

// AssessmentsByPerson groups assessments per person, each list oldest first (by date,
// then by when it was entered).
func AssessmentsByPerson(as []Assessment) map[string][]Assessment {
	out := map[string][]Assessment{}
	for _, a := range as {
		out[a.Person] = append(out[a.Person], a)
	}
	for _, l := range out {
		SortAssessments(l)
	}
	return out
}

// SortAssessments orders oldest first.
func SortAssessments(l []Assessment) {
	sort.SliceStable(l, func(i, j int) bool {
		if !l[i].Datum.Time().Equal(l[j].Datum.Time()) {
			return l[i].Datum.Before(l[j].Datum)
		}
		return l[i].Created.Before(l[j].Created)
	})
}

// Change directions of a domain between two assessments.
const (
	ChangeUp      = "hoger"
	ChangeDown    = "lager"
	ChangeSame    = "gelijk"
	ChangeUnclear = "niet te vergelijken"
	ChangeFirst   = "eerste meting"
)

// DomainChange is how one domain moved from the previous assessment to the
// latest, in words and symbols (never colour only).
type DomainChange struct {
	Domein   string `json:"domein"`
	Naam     string `json:"naam"`
	Van      int    `json:"van"`  // 0 = niet beoordeeld (or no previous assessment)
	Naar     int    `json:"naar"` // 0 = niet beoordeeld
	Richting string `json:"richting"`
	Symbool  string `json:"symbool"` // ↑ ↓ = or –
	Tekst    string `json:"tekst"`   // "van 2 naar 3"
}

func zrmLevelText(l int) string {
	if l == 0 {
		return "niet beoordeeld"
	}
	return strconv.Itoa(l)
}

// CompareAssessments gives the change per domain, in the order of the ZRM, from prev
// (nil for a first assessment) to latest.
func CompareAssessments(prev *Assessment, latest Assessment) []DomainChange {
	out := make([]DomainChange, 0, len(Domains))
	for _, d := range Domains {
		c := DomainChange{Domein: d.Code, Naam: d.Naam, Naar: latest.Scores[d.Code]}
		switch {
		case prev == nil:
			c.Richting, c.Symbool = ChangeFirst, "–"
			c.Tekst = "eerste meting: " + zrmLevelText(c.Naar)
		default:
			c.Van = prev.Scores[d.Code]
			c.Tekst = "van " + zrmLevelText(c.Van) + " naar " + zrmLevelText(c.Naar)
			switch {
			case c.Van == 0 || c.Naar == 0:
				c.Richting, c.Symbool = ChangeUnclear, "–"
			case c.Naar > c.Van:
				c.Richting, c.Symbool = ChangeUp, "↑"
			case c.Naar < c.Van:
				c.Richting, c.Symbool = ChangeDown, "↓"
			default:
				c.Richting, c.Symbool = ChangeSame, "="
			}
		}
		out = append(out, c)
	}
	return out
}

// ZRMChangeSummary counts the domains that went up and down:
// "3 domeinen hoger, 1 lager, 9 gelijk", and those that cannot be compared.
func ZRMChangeSummary(cs []DomainChange) string {
	var up, down, same, unclear int
	for _, c := range cs {
		switch c.Richting {
		case ChangeUp:
			up++
		case ChangeDown:
			down++
		case ChangeSame:
			same++
		case ChangeUnclear:
			unclear++
		}
	}
	out := fmt.Sprintf("%d %s hoger, %d lager, %d gelijk", up, zrmPlural(up, "domein", "domeinen"), down, same)
	if unclear > 0 {
		out += fmt.Sprintf(", %d niet te vergelijken (niet beoordeeld)", unclear)
	}
	return out
}

func zrmPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// SeriesPoint is one assessment's level on one domain.
type SeriesPoint struct {
	Datum  people.Date `json:"datum"`
	Niveau int         `json:"niveau"` // 0 = niet beoordeeld
}

// DomainSeries is one domain over time for one person.
type DomainSeries struct {
	Domein string        `json:"domein"`
	Naam   string        `json:"naam"`
	Points []SeriesPoint `json:"punten"`
}

// AssessmentHistory turns one person's assessments (oldest first) into a series per domain.
func AssessmentHistory(as []Assessment) []DomainSeries {
	out := make([]DomainSeries, 0, len(Domains))
	for _, d := range Domains {
		s := DomainSeries{Domein: d.Code, Naam: d.Naam}
		for _, a := range as {
			s.Points = append(s.Points, SeriesPoint{Datum: a.Datum, Niveau: a.Scores[d.Code]})
		}
		out = append(out, s)
	}
	return out
}

// Describe is the text alternative of a series: "Financiën: 2 op 01-02-2025,
// 3 op 01-08-2025".
func (s DomainSeries) Describe() string {
	var parts []string
	for _, p := range s.Points {
		parts = append(parts, zrmLevelText(p.Niveau)+" op "+p.Datum.Dutch())
	}
	if len(parts) == 0 {
		return s.Naam + ": nog geen metingen"
	}
	return s.Naam + ": " + strings.Join(parts, ", ")
}

// Sparkline dimensions.
const (
	sparkW   = 120
	sparkH   = 32
	sparkPad = 4
)

// Sparkline draws the series as a small SVG line (levels 1–5 from bottom to
// top, time from left to right, proportional to the dates). Points "niet
// beoordeeld" are left out and break the line. The SVG carries the text
// alternative as role="img" with a <title>; it holds no style attribute
// (the CSP forbids inline styles) and only escaped text.
func (s DomainSeries) Sparkline() string {
	var b strings.Builder
	desc := html.EscapeString(s.Describe())
	fmt.Fprintf(&b, `<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`,
		sparkW, sparkH, sparkW, sparkH, desc, desc)
	// Guide lines at levels 1, 3 and 5.
	for _, l := range []int{1, 3, 5} {
		y := zrmSparkY(l)
		fmt.Fprintf(&b, `<line x1="0" y1="%.1f" x2="%d" y2="%.1f" stroke="#d0d0d0" stroke-width="1"/>`, y, sparkW, y)
	}
	if len(s.Points) == 0 {
		b.WriteString("</svg>")
		return b.String()
	}
	first, last := s.Points[0].Datum.Time(), s.Points[len(s.Points)-1].Datum.Time()
	span := last.Sub(first).Hours()
	x := func(p SeriesPoint) float64 {
		if span <= 0 {
			return sparkW / 2
		}
		return sparkPad + (p.Datum.Time().Sub(first).Hours()/span)*(sparkW-2*sparkPad)
	}
	var seg []string
	flush := func() {
		if len(seg) > 1 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#154273" stroke-width="2"/>`, strings.Join(seg, " "))
		}
		seg = seg[:0]
	}
	for _, p := range s.Points {
		if p.Niveau < 1 || p.Niveau > 5 {
			flush()
			continue
		}
		seg = append(seg, fmt.Sprintf("%.1f,%.1f", x(p), zrmSparkY(p.Niveau)))
	}
	flush()
	for _, p := range s.Points {
		if p.Niveau >= 1 && p.Niveau <= 5 {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="#154273"/>`, x(p), zrmSparkY(p.Niveau))
		}
	}
	b.WriteString("</svg>")
	return b.String()
}

func zrmSparkY(level int) float64 {
	return float64(sparkH-sparkPad) - float64(level-1)/4*float64(sparkH-2*sparkPad)
}

// StaleAssessment is a worklist line: an adult in one of the regisseur's
// active households whose latest ZRM is older than the limit, or who has none.
type StaleAssessment struct {
	HouseholdID string      `json:"huishouden"`
	Adres       string      `json:"adres"`
	PersonID    string      `json:"persoon"`
	PersonName  string      `json:"persoon_naam"`
	Laatste     people.Date `json:"laatste_meting"` // zero: never assessed
}

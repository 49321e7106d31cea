package participation

import (
	"strings"
	"time"
	"unicode/utf8"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
)

// The wijkagenda: what the wijk and the gemeente will do, from residents'
// wishes, from the wijkanalyse of the wijkplatform, from professionals or
// from a won wijkbudget project. Every item has an owner, a status,
// milestones with a percentage done and a budget, and a public history
// (CONSUL's and Decidim's "accountability").

// Origin is where an agenda item came from.
type Origin string

const (
	OriginWens         Origin = "wens"
	OriginWijkanalyse  Origin = "wijkanalyse"
	OriginProfessional Origin = "professional"
	OriginWijkbudget   Origin = "wijkbudget"
)

// Origins in the order the form shows them.
var Origins = []Origin{OriginWens, OriginWijkanalyse, OriginProfessional, OriginWijkbudget}

// Label is the Dutch description of the origin.
func (o Origin) Label() string {
	switch o {
	case OriginWens:
		return "Wens van bewoners"
	case OriginWijkanalyse:
		return "Wijkanalyse"
	case OriginProfessional:
		return "Voorstel van professionals"
	case OriginWijkbudget:
		return "Gekozen met het wijkbudget"
	}
	return string(o)
}

// Valid reports whether the origin is known.
func (o Origin) Valid() bool {
	for _, x := range Origins {
		if x == o {
			return true
		}
	}
	return false
}

// AgendaStatus is where an agenda item stands.
type AgendaStatus string

const (
	AgendaGepland    AgendaStatus = "gepland"
	AgendaBezig      AgendaStatus = "bezig"
	AgendaKlaar      AgendaStatus = "klaar"
	AgendaGestopt    AgendaStatus = "gestopt"
	AgendaUitgesteld AgendaStatus = "uitgesteld"
)

// AgendaStatuses in the order the form shows them.
var AgendaStatuses = []AgendaStatus{AgendaGepland, AgendaBezig, AgendaUitgesteld, AgendaKlaar, AgendaGestopt}

// Label is the Dutch name of the status.
func (s AgendaStatus) Label() string {
	switch s {
	case AgendaGepland:
		return "Gepland"
	case AgendaBezig:
		return "Bezig"
	case AgendaKlaar:
		return "Klaar"
	case AgendaGestopt:
		return "Gestopt"
	case AgendaUitgesteld:
		return "Uitgesteld"
	}
	return string(s)
}

// Valid reports whether the status is known.
func (s AgendaStatus) Valid() bool {
	for _, x := range AgendaStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Open reports whether work on the item may still happen.
func (s AgendaStatus) Open() bool { return s != AgendaKlaar && s != AgendaGestopt }

// AgendaItem is one item on a wijk's agenda.
type AgendaItem struct {
	ID          string
	Gemeente    string
	Wijk        string
	Title       string
	Description string
	Owner       string // who carries it: a name or an organisation, shown publicly
	Status      AgendaStatus
	Budget      casework.Cents
	Origin      Origin
	WishID      string // set when the item came from a wish
	Milestones  []Milestone
	Created     time.Time
	Updated     time.Time
}

// Milestone is a step of an agenda item.
type Milestone struct {
	ID      string
	Title   string
	Due     people.Date // zero: no date
	Percent int         // 0..100 done
}

// Progress is the mean percentage done of the milestones; a finished item
// is 100 and an item without milestones 0.
func (a AgendaItem) Progress() int {
	if a.Status == AgendaKlaar {
		return 100
	}
	if len(a.Milestones) == 0 {
		return 0
	}
	sum := 0
	for _, m := range a.Milestones {
		sum += m.Percent
	}
	return (sum + len(a.Milestones)/2) / len(a.Milestones)
}

// Validate checks an agenda item (without its milestones).
func (a *AgendaItem) Validate() error {
	a.Title = strings.Join(strings.Fields(a.Title), " ")
	a.Description = strings.TrimSpace(strings.ReplaceAll(a.Description, "\r\n", "\n"))
	a.Owner = strings.Join(strings.Fields(a.Owner), " ")
	var fe people.FieldErrors
	switch n := utf8.RuneCountInString(a.Title); {
	case n < TitleMin:
		fe.Add("titel", "Geef het agendapunt een titel van minstens 5 tekens.")
	case n > TitleMax:
		fe.Add("titel", "De titel is te lang: gebruik hooguit 120 tekens.")
	}
	if utf8.RuneCountInString(a.Description) > TextMax {
		fe.Add("beschrijving", "De beschrijving is te lang: gebruik hooguit 4000 tekens.")
	}
	switch n := utf8.RuneCountInString(a.Owner); {
	case n == 0:
		fe.Add("eigenaar", "Wie trekt dit agendapunt? Vul een naam of organisatie in.")
	case n > 200:
		fe.Add("eigenaar", "De eigenaar is te lang: gebruik hooguit 200 tekens.")
	}
	if !a.Status.Valid() {
		fe.Add("status", "Kies een status uit de lijst.")
	}
	if !a.Origin.Valid() {
		fe.Add("herkomst", "Kies waar dit agendapunt vandaan komt.")
	}
	if a.Origin == OriginWens && a.WishID == "" {
		fe.Add("herkomst", "Een agendapunt uit een wens hoort bij een wens.")
	}
	if a.Budget < 0 {
		fe.Add("budget", "Het budget kan niet negatief zijn.")
	}
	if a.Budget > 100_000_000_00 {
		fe.Add("budget", "Het budget is hoger dan 100 miljoen euro; klopt dat bedrag?")
	}
	if a.Wijk == "" || a.Gemeente == "" {
		fe.Add("wijk", "Een agendapunt hoort bij een wijk.")
	}
	return fe.Err()
}

// Validate checks a milestone.
func (m *Milestone) Validate() error {
	m.Title = strings.Join(strings.Fields(m.Title), " ")
	var fe people.FieldErrors
	switch n := utf8.RuneCountInString(m.Title); {
	case n < 3:
		fe.Add("mijlpaal", "Geef de mijlpaal een naam van minstens 3 tekens.")
	case n > TitleMax:
		fe.Add("mijlpaal", "De naam van de mijlpaal is te lang: gebruik hooguit 120 tekens.")
	}
	if m.Percent < 0 || m.Percent > 100 {
		fe.Add("procent", "Het percentage klaar ligt tussen 0 en 100.")
	}
	return fe.Err()
}

// AgendaFromWish proposes an agenda item for a wish: its title, text and
// place, with the origin set. The coordinator fills in owner and budget.
func AgendaFromWish(w Wish) AgendaItem {
	return AgendaItem{Gemeente: w.Gemeente, Wijk: w.Wijk, Title: w.Title, Description: w.Text,
		Status: AgendaGepland, Origin: OriginWens, WishID: w.ID}
}

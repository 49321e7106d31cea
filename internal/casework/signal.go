package casework

import (
	"strings"
	"time"
	"unicode/utf8"

	"naober.nl/naober/internal/people"
)

// Signal is a concern about an address or a person, reported to the
// wijkteam by a partner (home care, GP, school, housing corporation,
// police), a neighbour passed on by someone with an account, or the team
// itself. Everything in it is personal data.
type Signal struct {
	ID         string `json:"id"`
	Gemeente   string `json:"gemeente"`
	Wijk       string `json:"wijk"`
	Postcode   string `json:"postcode"`
	Huisnummer int    `json:"huisnummer"`
	Toevoeging string `json:"toevoeging,omitempty"`
	// Naam is the name as the reporter knows it; never a BSN.
	Naam           string   `json:"naam,omitempty"`
	Bron           string   `json:"bron"`
	Wat            string   `json:"wat"`
	Domeinen       []string `json:"domeinen"`
	Urgentie       string   `json:"urgentie"`
	BewonerWeet    bool     `json:"bewoner_weet"`
	BewonerAkkoord bool     `json:"bewoner_akkoord"`

	Status        string     `json:"status"`
	Reden         string     `json:"reden,omitempty"`
	Household     string     `json:"huishouden,omitempty"`
	ReporterID    string     `json:"melder_id"`
	ReporterEmail string     `json:"melder"`
	TriagedBy     string     `json:"afgehandeld_door,omitempty"`
	TriagedAt     *time.Time `json:"afgehandeld_op,omitempty"`
	Created       time.Time  `json:"gemeld_op"`
}

// Address formats the address the Dutch way: "7941 AB 12-a".
func (s Signal) Address() string {
	return people.Household{Postcode: s.Postcode, Huisnummer: s.Huisnummer, Toevoeging: s.Toevoeging}.Address()
}

// Open reports whether the signal still waits for triage.
func (s Signal) Open() bool { return s.Status == SignalNew }

// ReporterView is all a reporter ever sees of their own signal: when, where,
// and whether the team picked it up. Never the outcome, the reason or the
// household: that is between the household and the team.
type ReporterView struct {
	ID         string    `json:"id"`
	Gemeente   string    `json:"gemeente"`
	Postcode   string    `json:"postcode"`
	Huisnummer int       `json:"huisnummer"`
	Toevoeging string    `json:"toevoeging,omitempty"`
	Gemeld     time.Time `json:"gemeld_op"`
	Status     string    `json:"status"` // ReporterReceived or ReporterPickedUp
}

// Address formats the address the Dutch way.
func (v ReporterView) Address() string {
	return people.Household{Postcode: v.Postcode, Huisnummer: v.Huisnummer, Toevoeging: v.Toevoeging}.Address()
}

// What a reporter sees of the status.
const (
	ReporterReceived = "ontvangen"
	ReporterPickedUp = "opgepakt"
)

// ReporterStatus maps a signal state to the only two a reporter may see.
func ReporterStatus(status string) string {
	if status == SignalNew {
		return ReporterReceived
	}
	return ReporterPickedUp
}

// ForReporter strips a signal down to what its reporter may see.
func (s Signal) ForReporter() ReporterView {
	return ReporterView{ID: s.ID, Gemeente: s.Gemeente, Postcode: s.Postcode, Huisnummer: s.Huisnummer, Toevoeging: s.Toevoeging,
		Gemeld: s.Created, Status: ReporterStatus(s.Status)}
}

// UrgencyRank orders the inbox: acuut first, then hoog, then the rest.
func UrgencyRank(u string) int {
	switch u {
	case "acuut":
		return 0
	case "hoog":
		return 1
	}
	return 2
}

// SignalStates are all states with their Dutch names, for filters.
var SignalStates = append([]Code{{SignalNew, "Nieuw"}}, SignalOutcomes...)

// Limits on free text.
const (
	MaxSignalText = 4000
	MaxName       = 200
	MaxReason     = 1000
)

// ValidateSignal checks a new signal and normalises it in place: the
// address as for a household, known codes for source, domains and urgency,
// and agreement only when the resident knows. Every problem is named by its
// field at once.
func ValidateSignal(s *Signal) error {
	var fe people.FieldErrors
	if strings.TrimSpace(s.Gemeente) == "" {
		fe.Add("gemeente", "kies de gemeente waar het adres ligt")
	}
	h := people.Household{Postcode: s.Postcode, Huisnummer: s.Huisnummer, Toevoeging: s.Toevoeging}
	if err := people.ValidateHousehold(&h); err != nil {
		if hf, ok := people.AsFieldErrors(err); ok {
			fe = append(fe, hf...)
		}
	}
	s.Postcode, s.Toevoeging = h.Postcode, h.Toevoeging
	s.Naam = strings.TrimSpace(s.Naam)
	if utf8.RuneCountInString(s.Naam) > MaxName {
		fe.Add("naam", "een naam heeft hooguit 200 tekens")
	}
	if _, ok := Lookup(Sources, s.Bron); !ok {
		fe.Add("bron", "kies wie het zag")
	}
	s.Wat = strings.TrimSpace(s.Wat)
	switch n := utf8.RuneCountInString(s.Wat); {
	case n == 0:
		fe.Add("wat", "beschrijf wat u zag of hoorde")
	case n > MaxSignalText:
		fe.Add("wat", "beschrijf het in hooguit 4000 tekens")
	}
	seen := map[string]bool{}
	var doms []string
	for _, d := range s.Domeinen {
		d = strings.TrimSpace(d)
		if _, ok := Lookup(Domains, d); !ok {
			fe.Add("domeinen", "kies levensgebieden uit de lijst")
			doms = nil
			break
		}
		if !seen[d] {
			seen[d] = true
			doms = append(doms, d)
		}
	}
	if len(s.Domeinen) == 0 {
		fe.Add("domeinen", "kies minstens één levensgebied")
	}
	s.Domeinen = sortDomains(doms)
	if _, ok := Lookup(Urgencies, s.Urgentie); !ok {
		fe.Add("urgentie", "kies hoe snel het wijkteam moet kijken")
	}
	if s.BewonerAkkoord && !s.BewonerWeet {
		fe.Add("bewoner_akkoord", "de bewoner kan alleen akkoord zijn als hij of zij van de melding weet")
	}
	return fe.Err()
}

// sortDomains puts domains in the order of the ZRM list.
func sortDomains(ds []string) []string {
	if len(ds) == 0 {
		return ds
	}
	in := map[string]bool{}
	for _, d := range ds {
		in[d] = true
	}
	out := make([]string, 0, len(ds))
	for _, c := range Domains {
		if in[c.Code] {
			out = append(out, c.Code)
		}
	}
	return out
}

// DomainNames gives the Dutch names of domain codes.
func DomainNames(ds []string) []string {
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		if n, ok := Lookup(Domains, d); ok {
			out = append(out, n)
		} else {
			out = append(out, d)
		}
	}
	return out
}

// Triage is the team's decision on a new signal: exactly one outcome.
type Triage struct {
	Outcome string `json:"uitkomst"`
	// Household is the existing household to link (outcome gekoppeld).
	Household string `json:"huishouden,omitempty"`
	// Reden says where to (doorverwezen), why (gesloten), or why a second
	// household at an address where one already lives (nieuw_huishouden
	// with Confirm).
	Reden string `json:"reden,omitempty"`
	// Confirm starts a new household even though one already lives at the
	// address (e.g. kamerbewoning); needs Reden.
	Confirm bool `json:"toch_aanmaken,omitempty"`
}

// ValidateTriage checks that the triage names one outcome with what that
// outcome needs, and nothing that belongs to another.
func ValidateTriage(t *Triage) error {
	var fe people.FieldErrors
	t.Reden = strings.TrimSpace(t.Reden)
	t.Household = strings.TrimSpace(t.Household)
	if utf8.RuneCountInString(t.Reden) > MaxReason {
		fe.Add("reden", "een reden heeft hooguit 1000 tekens")
	}
	switch t.Outcome {
	case SignalLinked:
		if t.Household == "" {
			fe.Add("huishouden", "kies het huishouden waar dit signaal bij hoort")
		}
	case SignalNewCase:
		if t.Confirm && t.Reden == "" {
			fe.Add("reden", "geef een reden voor een tweede huishouden op dit adres, bijvoorbeeld kamerbewoning")
		}
	case SignalReferred:
		if t.Reden == "" {
			fe.Add("reden", "schrijf waar u naar doorverwijst")
		}
	case SignalClosed:
		if t.Reden == "" {
			fe.Add("reden", "schrijf waarom het signaal gesloten wordt")
		}
	default:
		fe.Add("uitkomst", "kies één uitkomst: koppelen, nieuw huishouden, doorverwijzen of sluiten")
	}
	if t.Household != "" && t.Outcome != SignalLinked && t.Outcome != "" {
		fe.Add("huishouden", "kies alleen een huishouden als u het signaal koppelt")
	}
	if t.Confirm && t.Outcome != SignalNewCase && t.Outcome != "" {
		fe.Add("toch_aanmaken", "bevestig alleen bij een nieuw huishouden")
	}
	return fe.Err()
}

// OutcomeName is the Dutch name of a triage outcome or state.
func OutcomeName(status string) string {
	if n, ok := Lookup(SignalStates, status); ok {
		return n
	}
	return status
}

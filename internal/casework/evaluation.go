package casework

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"naober.nl/naober/internal/people"
)

// Kinds of feedback moment.
const (
	EvalReview = "evaluatie"  // the plan is looked at together, and goes on
	EvalClose  = "afsluiting" // the plan is closed
)

// EvaluationKinds for forms.
var EvaluationKinds = []Code{{EvalReview, "Evaluatie (het plan loopt door)"}, {EvalClose, "Afsluiting (het plan stopt)"}}

// Evaluation is the household's feedback when a plan is evaluated or closed:
// how satisfied they are (1–10), what they said in their own words, and how
// many goals were reached. The counts are computed by the server from the
// plan's goals after the goal statuses in Doelen are applied.
type Evaluation struct {
	ID            string            `json:"id"`
	Gemeente      string            `json:"gemeente"`
	Household     string            `json:"huishouden"`
	Plan          string            `json:"plan"`
	Versie        int               `json:"versie"`
	Soort         string            `json:"soort"`
	Datum         people.Date       `json:"datum"`
	Tevredenheid  int               `json:"tevredenheid"`
	Gezegd        string            `json:"gezegd"`
	Doelen        map[string]string `json:"doelen,omitempty"` // goal id → status, as given with the evaluation
	DoelenBereikt int               `json:"doelen_bereikt"`
	DoelenTotaal  int               `json:"doelen_totaal"`
	By            string            `json:"door"`
	ByName        string            `json:"door_naam,omitempty"`
	Created       time.Time         `json:"aangemaakt"`
}

// GoalField names a goal's status field in an evaluation: "doelen.<id>".
func GoalField(goalID string) string { return "doelen." + goalID }

// ValidateEvaluation checks feedback on plan p (the current version). A
// review needs an agreed plan; closing needs every goal decided: reached or
// not reached, after the statuses in ev.Doelen are applied.
func ValidateEvaluation(ev *Evaluation, p Plan, today people.Date) error {
	var fe people.FieldErrors
	ev.Soort = strings.TrimSpace(ev.Soort)
	switch ev.Soort {
	case EvalReview:
		if !p.Agreed() {
			fe.Add("soort", "het huishouden heeft nog niet ingestemd met dit plan; leg eerst het akkoord vast, of sluit het plan af")
		}
	case EvalClose:
	default:
		fe.Add("soort", "kies evaluatie of afsluiting")
	}
	switch {
	case ev.Datum.IsZero():
		fe.Add("datum", "vul de datum van het gesprek in")
	case today.Before(ev.Datum):
		fe.Add("datum", "de datum ligt in de toekomst")
	case ev.Datum.Before(p.Datum):
		fe.Add("datum", "de datum ligt vóór de datum van het plan ("+p.Datum.Dutch()+")")
	}
	if ev.Tevredenheid < 1 || ev.Tevredenheid > 10 {
		fe.Add("tevredenheid", "vul een cijfer in van 1 tot en met 10")
	}
	ev.Gezegd = strings.TrimSpace(ev.Gezegd)
	if len(ev.Gezegd) > zrmMaxNote {
		fe.Add("gezegd", fmt.Sprintf("de tekst is te lang (hooguit %d tekens)", zrmMaxNote))
	}
	ids := make([]string, 0, len(ev.Doelen))
	for id := range ev.Doelen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		field := GoalField(id)
		if len(id) > 40 {
			field = GoalField(id[:40])
		}
		if _, ok := p.Goal(id); !ok {
			fe.Add(field, "dit doel hoort niet bij het actuele plan")
			continue
		}
		if _, ok := Lookup(GoalStates, ev.Doelen[id]); !ok {
			fe.Add(field, "kies bereikt, niet_bereikt of open")
		}
	}
	if ev.Soort == EvalClose {
		for _, g := range p.Goals {
			st := g.Status
			if s, ok := ev.Doelen[g.ID]; ok {
				st = s
			}
			if st == GoalOpen && fe.For(GoalField(g.ID)) == "" {
				fe.Add(GoalField(g.ID), "geef bij het afsluiten aan of dit doel bereikt is: "+evalShorten(g.Tekst, 60))
			}
		}
	}
	return fe.Err()
}

func evalShorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

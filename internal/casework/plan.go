package casework

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"naober.nl/naober/internal/people"
)

// Plan states. A household has at most one current plan; earlier versions
// are kept, read-only.
const (
	PlanCurrent  = "actueel"
	PlanReplaced = "vervangen"
	PlanClosed   = "afgesloten"
)

// Goal and action states used by the rules.
const (
	GoalOpen          = "open"
	GoalReached       = "bereikt"
	GoalNotReached    = "niet_bereikt"
	ActionPlanned     = "gepland"
	planDefaultGoal   = GoalOpen
	planDefaultAction = ActionPlanned
)

// Plan is one version of the household's plan: goals per life domain in the
// household's own words, actions under each goal, and the household's
// agreement. An agreed version is frozen: changing what it says makes a new
// version. Progress (the status of goals and actions) is kept on the current
// version; a replaced or closed version is read-only altogether.
type Plan struct {
	ID            string      `json:"id"`
	Gemeente      string      `json:"gemeente"`
	Household     string      `json:"huishouden"`
	Versie        int         `json:"versie"`
	Status        string      `json:"status"`
	Datum         people.Date `json:"datum"` // the day this version was drawn up
	Akkoord       *Agreement  `json:"akkoord"`
	CreatedBy     string      `json:"opgesteld_door"`
	CreatedByName string      `json:"opgesteld_door_naam,omitempty"`
	Created       time.Time   `json:"aangemaakt"`
	Goals         []Goal      `json:"doelen"`
}

// Agreement records that, when and how the household agreed with a version.
type Agreement struct {
	Datum       people.Date `json:"datum"`
	Wijze       string      `json:"wijze"`
	Toelichting string      `json:"toelichting"`
}

// Goal is what the household wants to reach on one life domain, for one
// person or (Person empty) the whole household.
type Goal struct {
	ID          string      `json:"id"`
	Positie     int         `json:"positie"`
	Domein      string      `json:"domein"`
	Person      string      `json:"persoon"` // "" = the whole household
	PersonName  string      `json:"persoon_naam,omitempty"`
	Tekst       string      `json:"tekst"`
	DoelNiveau  int         `json:"doel_niveau"`
	Streefdatum people.Date `json:"streefdatum"`
	Status      string      `json:"status"`
	Actions     []Action    `json:"acties"`
}

// Action is a step towards a goal and who takes it.
type Action struct {
	ID      string      `json:"id"`
	Positie int         `json:"positie"`
	Tekst   string      `json:"tekst"`
	Wie     string      `json:"wie"`
	WieNaam string      `json:"wie_naam"`
	Status  string      `json:"status"`
	Datum   people.Date `json:"datum"` // optional: when
}

// Agreed reports whether the household agreed with this version.
func (p Plan) Agreed() bool { return p.Akkoord != nil && !p.Akkoord.Datum.IsZero() }

// Current reports whether this is the household's current version.
func (p Plan) Current() bool { return p.Status == PlanCurrent }

// Editable reports whether the version may be changed in place: current
// and not yet agreed. A change to an agreed current version makes a new one.
func (p Plan) Editable() bool { return p.Current() && !p.Agreed() }

// Goal finds a goal by id.
func (p *Plan) Goal(id string) (*Goal, bool) {
	for i := range p.Goals {
		if p.Goals[i].ID == id {
			return &p.Goals[i], true
		}
	}
	return nil, false
}

// Action finds an action and its goal by the action's id.
func (p *Plan) Action(id string) (*Goal, *Action, bool) {
	for i := range p.Goals {
		for j := range p.Goals[i].Actions {
			if p.Goals[i].Actions[j].ID == id {
				return &p.Goals[i], &p.Goals[i].Actions[j], true
			}
		}
	}
	return nil, nil, false
}

// GoalCounts counts the goals reached and all goals; the server computes
// this for feedback, never the client.
func GoalCounts(goals []Goal) (reached, total int) {
	for _, g := range goals {
		total++
		if g.Status == GoalReached {
			reached++
		}
	}
	return reached, total
}

// PlanStatusLabel names a plan state for people: "Actueel", "Vervangen", "Afgesloten".
func PlanStatusLabel(status string) string {
	switch status {
	case PlanCurrent:
		return "Actueel"
	case PlanReplaced:
		return "Vervangen"
	case PlanClosed:
		return "Afgesloten"
	}
	return status
}

// MaxPlanYears bounds target dates: a plan looks ahead at most this far.
const MaxPlanYears = 5

// ValidatePlanDate checks the date a plan version is drawn up.
func ValidatePlanDate(d, today people.Date) error {
	var fe people.FieldErrors
	switch {
	case d.IsZero():
		fe.Add("datum", "vul de datum van het plan in")
	case today.Before(d):
		fe.Add("datum", "de datum van het plan ligt in de toekomst")
	case d.Before(today.AddYears(-MaxPlanYears)):
		fe.Add("datum", "de datum van het plan ligt meer dan vijf jaar terug")
	}
	return fe.Err()
}

// ValidateGoal checks a goal and the actions that come with it, trims its
// texts and fills default states. planDate is the date of the version the
// goal goes into. Errors on actions are named "acties.0.wie" and so on.
func ValidateGoal(g *Goal, planDate people.Date) error {
	var fe people.FieldErrors
	g.Domein = strings.TrimSpace(g.Domein)
	if g.Domein == "" {
		fe.Add("domein", "kies het levensdomein waar dit doel over gaat")
	} else if _, ok := Lookup(Domains, g.Domein); !ok {
		fe.Add("domein", "onbekend levensdomein; kies een van de 13 domeinen van de ZRM")
	}
	g.Person = strings.TrimSpace(g.Person)
	g.Tekst = strings.TrimSpace(g.Tekst)
	switch {
	case g.Tekst == "":
		fe.Add("tekst", "schrijf het doel op in de woorden van het huishouden")
	case len(g.Tekst) > 1000:
		fe.Add("tekst", "het doel is te lang (hooguit 1000 tekens); houd het kort en in eigen woorden")
	}
	if g.DoelNiveau < 1 || g.DoelNiveau > 5 {
		fe.Add("doel_niveau", "kies het niveau dat het huishouden wil bereiken, van 1 tot en met 5")
	}
	planCheckDate(&fe, "streefdatum", g.Streefdatum, planDate, true)
	if g.Status == "" {
		g.Status = planDefaultGoal
	} else if _, ok := Lookup(GoalStates, g.Status); !ok {
		fe.Add("status", "kies een status: open, bereikt of niet_bereikt")
	}
	if len(g.Actions) > 50 {
		fe.Add("acties", "geef hooguit 50 acties tegelijk")
	}
	for i := range g.Actions {
		planValidateAction(&fe, "acties."+strconv.Itoa(i)+".", &g.Actions[i], planDate)
	}
	return fe.Err()
}

// ValidateAction checks one action for a version dated planDate.
func ValidateAction(a *Action, planDate people.Date) error {
	var fe people.FieldErrors
	planValidateAction(&fe, "", a, planDate)
	return fe.Err()
}

func planValidateAction(fe *people.FieldErrors, prefix string, a *Action, planDate people.Date) {
	a.Tekst = strings.TrimSpace(a.Tekst)
	switch {
	case a.Tekst == "":
		fe.Add(prefix+"tekst", "schrijf op wat er gebeurt")
	case len(a.Tekst) > 1000:
		fe.Add(prefix+"tekst", "de actie is te lang (hooguit 1000 tekens)")
	}
	a.Wie = strings.TrimSpace(a.Wie)
	if _, ok := Lookup(Actors, a.Wie); !ok {
		fe.Add(prefix+"wie", "kies wie dit doet: het huishouden zelf, het eigen netwerk, een vrijwilliger, de regisseur of een aanbieder")
	}
	a.WieNaam = strings.TrimSpace(a.WieNaam)
	if len(a.WieNaam) > 200 {
		fe.Add(prefix+"wie_naam", "de naam is te lang (hooguit 200 tekens)")
	}
	if a.Status == "" {
		a.Status = planDefaultAction
	} else if _, ok := Lookup(ActionStates, a.Status); !ok {
		fe.Add(prefix+"status", "kies een status: gepland, bezig, gedaan of gestopt")
	}
	if !a.Datum.IsZero() {
		planCheckDate(fe, prefix+"datum", a.Datum, planDate, false)
	}
}

// planCheckDate puts a date on or after the plan date and at most five years on.
func planCheckDate(fe *people.FieldErrors, field string, d, planDate people.Date, required bool) {
	switch {
	case d.IsZero():
		if required {
			fe.Add(field, "vul een streefdatum in, zoals "+planDate.AddYears(1).Dutch())
		}
	case !planDate.IsZero() && d.Before(planDate):
		fe.Add(field, "de datum ligt vóór de datum van het plan ("+planDate.Dutch()+")")
	case !planDate.IsZero() && planDate.AddYears(MaxPlanYears).Before(d):
		fe.Add(field, "de datum ligt meer dan vijf jaar na de datum van het plan")
	}
}

// ValidateGoalStatus and ValidateActionStatus check a status change.
func ValidateGoalStatus(status string) error {
	if _, ok := Lookup(GoalStates, status); !ok {
		return &people.FieldError{Field: "status", Message: "kies een status: open, bereikt of niet_bereikt"}
	}
	return nil
}

func ValidateActionStatus(status string) error {
	if _, ok := Lookup(ActionStates, status); !ok {
		return &people.FieldError{Field: "status", Message: "kies een status: gepland, bezig, gedaan of gestopt"}
	}
	return nil
}

// ValidateAgreement checks the household's agreement with plan p.
func ValidateAgreement(ag *Agreement, p Plan, today people.Date) error {
	var fe people.FieldErrors
	switch {
	case ag.Datum.IsZero():
		fe.Add("datum", "vul de datum in waarop het huishouden akkoord gaf")
	case today.Before(ag.Datum):
		fe.Add("datum", "de datum ligt in de toekomst")
	case ag.Datum.Before(p.Datum):
		fe.Add("datum", "de datum ligt vóór de datum van het plan ("+p.Datum.Dutch()+")")
	}
	ag.Wijze = strings.TrimSpace(ag.Wijze)
	if _, ok := Lookup(AgreementWays, ag.Wijze); !ok {
		fe.Add("wijze", "kies hoe het huishouden akkoord gaf: in een gesprek, getekend, digitaal of telefonisch")
	}
	ag.Toelichting = strings.TrimSpace(ag.Toelichting)
	if len(ag.Toelichting) > 2000 {
		fe.Add("toelichting", "de toelichting is te lang (hooguit 2000 tekens)")
	}
	if len(p.Goals) == 0 {
		fe.Add("doelen", "het plan heeft nog geen doelen; schrijf eerst samen de doelen op")
	}
	return fe.Err()
}

// PlanDomainName is the Dutch name of a life domain, or the code.
func PlanDomainName(code string) string {
	if n, ok := Lookup(Domains, code); ok {
		return n
	}
	return code
}

// ActorLabel says who does an action: "Eigen netwerk (zus Mirjam)".
func (a Action) ActorLabel() string {
	n, ok := Lookup(Actors, a.Wie)
	if !ok {
		n = a.Wie
	}
	if a.WieNaam != "" {
		return fmt.Sprintf("%s (%s)", n, a.WieNaam)
	}
	return n
}

package participation

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
)

// The wijkbudget vote (participatory budgeting, as in Decidim's budgets and
// CONSUL's "presupuestos participativos"): a gemeente sets aside an amount
// for one wijk; residents propose projects, civil servants review them for
// feasibility and cost, the verified residents of the wijk vote, and the
// projects that win by the rule become items on the wijkagenda.
//
// Everything here is pure: no SQL, no HTTP. Money is integer cents, counts
// are integers, and the winners follow from the counts by a rule written
// down below, so anyone can recount a published result from the ballots.

// Phase is where a vote stands. Phases only move forward.
type Phase string

const (
	PhaseVoorstellen Phase = "voorstellen" // residents and the gemeente propose projects
	PhaseBeoordeling Phase = "beoordeling" // civil servants review feasibility and cost
	PhaseStemmen     Phase = "stemmen"     // verified residents of the wijk vote
	PhaseUitslag     Phase = "uitslag"     // voting closed; the result is counted and then published
)

// Phases in order.
var Phases = []Phase{PhaseVoorstellen, PhaseBeoordeling, PhaseStemmen, PhaseUitslag}

// Label is the Dutch name of the phase.
func (p Phase) Label() string {
	switch p {
	case PhaseVoorstellen:
		return "Ideeën indienen"
	case PhaseBeoordeling:
		return "Beoordeling door de gemeente"
	case PhaseStemmen:
		return "Stemmen"
	case PhaseUitslag:
		return "Uitslag"
	}
	return string(p)
}

func (p Phase) index() int {
	for i, q := range Phases {
		if q == p {
			return i
		}
	}
	return -1
}

// Next is the phase after p; "" after the last.
func (p Phase) Next() Phase {
	if i := p.index(); i >= 0 && i+1 < len(Phases) {
		return Phases[i+1]
	}
	return ""
}

// ParsePhase checks a phase name.
func ParsePhase(s string) (Phase, error) {
	if Phase(s).index() < 0 {
		return "", fmt.Errorf("onbekende fase %q", s)
	}
	return Phase(s), nil
}

// Rule is how a ballot is filled in.
type Rule string

const (
	// RuleKnapsack: choose projects whose costs together stay within the
	// budget (the Decidim default).
	RuleKnapsack Rule = "knapsack"
	// RuleApprove: choose at most MaxChoices projects, whatever they cost.
	RuleApprove Rule = "approve"
)

// Label describes the rule for residents.
func (r Rule) Label() string {
	switch r {
	case RuleKnapsack:
		return "Kies projecten tot het budget op is"
	case RuleApprove:
		return "Kies een aantal projecten"
	}
	return string(r)
}

// Budget is one wijkbudget vote.
type Budget struct {
	ID          string         `json:"id"`
	Gemeente    string         `json:"gemeente"`
	Wijk        string         `json:"wijk"`
	Title       string         `json:"titel"`
	Description string         `json:"omschrijving"`
	Amount      casework.Cents `json:"bedrag_cents"`
	Rule        Rule           `json:"regel"`
	// MaxChoices is N for RuleApprove; 0 for RuleKnapsack.
	MaxChoices int   `json:"max_keuzes,omitempty"`
	Phase      Phase `json:"fase"`
	// The planned dates, shown to residents. Phases move by hand (a
	// manager opens and closes them), but no ballot is taken after VoteUntil.
	ProposalsUntil people.Date `json:"voorstellen_tot"`
	VoteFrom       people.Date `json:"stemmen_vanaf"`
	VoteUntil      people.Date `json:"stemmen_tot"` // the last day of voting, inclusive
	Published      time.Time   `json:"gepubliceerd,omitzero"`
	CreatedBy      string      `json:"-"`
	CreatedAt      time.Time   `json:"aangemaakt"`
}

// IsPublished reports whether the result is public.
func (b Budget) IsPublished() bool { return !b.Published.IsZero() }

// VotingOpen reports whether a ballot may be cast or changed at now: in the
// voting phase and not after the last day (Europe/Amsterdam).
func (b Budget) VotingOpen(now time.Time) bool {
	if b.Phase != PhaseStemmen {
		return false
	}
	today := people.DateOf(now.In(people.Amsterdam()))
	if !b.VoteFrom.IsZero() && today.Before(b.VoteFrom) {
		return false
	}
	return b.VoteUntil.IsZero() || !b.VoteUntil.Before(today)
}

// Validate checks a new budget, naming the fields.
func (b *Budget) Validate() error {
	var fe people.FieldErrors
	b.Title = strings.Join(strings.Fields(b.Title), " ")
	b.Description = strings.TrimSpace(b.Description)
	if b.Title == "" {
		fe.Add("titel", "Geef de stemming een titel.")
	} else if len([]rune(b.Title)) > 120 {
		fe.Add("titel", "Een titel heeft hooguit 120 tekens.")
	}
	if len([]rune(b.Description)) > 4000 {
		fe.Add("omschrijving", "Een omschrijving heeft hooguit 4000 tekens.")
	}
	if b.Wijk == "" {
		fe.Add("wijk", "Kies een wijk.")
	}
	if b.Amount <= 0 {
		fe.Add("bedrag", "Het budget is meer dan € 0,00.")
	} else if b.Amount > 100_000_000_00 {
		fe.Add("bedrag", "Het budget is hooguit € 100.000.000,00.")
	}
	switch b.Rule {
	case RuleKnapsack:
		b.MaxChoices = 0
	case RuleApprove:
		if b.MaxChoices < 1 || b.MaxChoices > 50 {
			fe.Add("max_keuzes", "Kies hoeveel projecten iemand mag kiezen (1 tot en met 50).")
		}
	default:
		fe.Add("regel", "Kies hoe er gestemd wordt.")
	}
	if !b.VoteFrom.IsZero() && !b.VoteUntil.IsZero() && b.VoteUntil.Before(b.VoteFrom) {
		fe.Add("stemmen_tot", "De laatste dag van de stemming ligt na de eerste.")
	}
	if !b.ProposalsUntil.IsZero() && !b.VoteFrom.IsZero() && b.VoteFrom.Before(b.ProposalsUntil) {
		fe.Add("stemmen_vanaf", "Het stemmen begint na het indienen van ideeën.")
	}
	if b.Phase == "" {
		b.Phase = PhaseVoorstellen
	}
	return fe.Err()
}

// Review is the civil servants' verdict on a project.
type Review string

const (
	Unreviewed   Review = ""              // not yet reviewed
	Haalbaar     Review = "haalbaar"      // feasible: goes on the ballot at its reviewed cost
	NietHaalbaar Review = "niet_haalbaar" // not feasible, with a written reason
)

// Label is the Dutch word for the verdict.
func (r Review) Label() string {
	switch r {
	case Haalbaar:
		return "Haalbaar"
	case NietHaalbaar:
		return "Niet haalbaar"
	}
	return "Nog niet beoordeeld"
}

// Project is a proposal for the budget.
type Project struct {
	ID          string         `json:"id"`
	BudgetID    string         `json:"stemming_id"`
	Title       string         `json:"titel"`
	Description string         `json:"omschrijving"`
	Cost        casework.Cents `json:"kosten_cents"` // as proposed
	// The review: verdict, reason (required when not feasible) and the cost
	// as the gemeente estimates it (replaces Cost on the ballot).
	Review       Review         `json:"beoordeling"`
	Reason       string         `json:"reden,omitempty"`
	ReviewedCost casework.Cents `json:"beoordeelde_kosten_cents,omitempty"`
	// Filled in when the result is published.
	Votes  int  `json:"stemmen"`
	Winner bool `json:"gekozen"`
	// AgendaItemID is the wijkagenda item a winning project became.
	AgendaItemID string `json:"agendapunt_id,omitempty"`

	ProposedBy string    `json:"-"`
	CreatedAt  time.Time `json:"aangemaakt"`
}

// FinalCost is what the project costs on the ballot: the reviewed cost
// once reviewed, the proposed cost before.
func (p Project) FinalCost() casework.Cents {
	if p.Review == Haalbaar && p.ReviewedCost > 0 {
		return p.ReviewedCost
	}
	return p.Cost
}

// OnBallot reports whether residents can vote for the project.
func (p Project) OnBallot() bool { return p.Review == Haalbaar }

// Validate checks a new proposal against its budget.
func (p *Project) Validate(b Budget) error {
	var fe people.FieldErrors
	p.Title = strings.Join(strings.Fields(p.Title), " ")
	p.Description = strings.TrimSpace(p.Description)
	if p.Title == "" {
		fe.Add("titel", "Geef het idee een titel.")
	} else if len([]rune(p.Title)) > 120 {
		fe.Add("titel", "Een titel heeft hooguit 120 tekens.")
	}
	if p.Description == "" {
		fe.Add("omschrijving", "Beschrijf het idee.")
	} else if len([]rune(p.Description)) > 4000 {
		fe.Add("omschrijving", "Een omschrijving heeft hooguit 4000 tekens.")
	}
	if p.Cost <= 0 {
		fe.Add("kosten", "Schat wat het idee kost (meer dan € 0,00).")
	} else if p.Cost > b.Amount {
		fe.Add("kosten", "Het idee kost meer dan het hele budget ("+b.Amount.String()+").")
	}
	return fe.Err()
}

// CheckReview validates a review of p within budget b: a written reason
// when not feasible, a cost within the budget when feasible.
func CheckReview(b Budget, r Review, reason string, cost casework.Cents) (string, error) {
	var fe people.FieldErrors
	reason = strings.TrimSpace(reason)
	switch r {
	case Haalbaar:
		if cost <= 0 {
			fe.Add("kosten", "Geef de kosten zoals de gemeente ze schat (meer dan € 0,00).")
		} else if cost > b.Amount {
			fe.Add("kosten", "De kosten zijn hoger dan het hele budget ("+b.Amount.String()+"); beoordeel het project dan als niet haalbaar.")
		}
	case NietHaalbaar:
		if reason == "" {
			fe.Add("reden", "Schrijf op waarom het project niet haalbaar is. Inwoners zien deze reden.")
		}
	default:
		fe.Add("beoordeling", "Kies haalbaar of niet haalbaar.")
	}
	if len([]rune(reason)) > 2000 {
		fe.Add("reden", "Een reden heeft hooguit 2000 tekens.")
	}
	return reason, fe.Err()
}

// CheckBallot validates a ballot: only projects on the ballot, each at most
// once, at least one, and within the rule (total cost within the budget, or
// at most MaxChoices projects). It returns the choices sorted.
func CheckBallot(b Budget, projects []Project, choice []string) ([]string, error) {
	byID := map[string]Project{}
	for _, p := range projects {
		if p.BudgetID == b.ID && p.OnBallot() {
			byID[p.ID] = p
		}
	}
	seen := map[string]bool{}
	var out []string
	var total casework.Cents
	for _, id := range choice {
		p, ok := byID[id]
		if !ok {
			return nil, people.FieldErrors{{Field: "projecten", Message: "U kiest een project dat niet op het stembiljet staat."}}
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
		total += p.FinalCost()
	}
	if len(out) == 0 {
		return nil, people.FieldErrors{{Field: "projecten", Message: "Kies minstens één project."}}
	}
	switch b.Rule {
	case RuleKnapsack:
		if total > b.Amount {
			return nil, people.FieldErrors{{Field: "projecten", Message: "Uw keuze kost " + total.String() + ", meer dan het budget van " + b.Amount.String() + ". Kies minder of goedkopere projecten."}}
		}
	case RuleApprove:
		if len(out) > b.MaxChoices {
			return nil, people.FieldErrors{{Field: "projecten", Message: fmt.Sprintf("U kiest %d projecten; u mag er hooguit %d kiezen.", len(out), b.MaxChoices)}}
		}
	}
	sort.Strings(out)
	return out, nil
}

// Tally is one project's line in a result.
type Tally struct {
	Project Project        `json:"project"`
	Votes   int            `json:"stemmen"`
	Cost    casework.Cents `json:"kosten_cents"`
	Winner  bool           `json:"gekozen"`
	// Skipped: the project had votes but no longer fitted in what was left
	// of the budget when its turn came.
	Skipped bool `json:"past_niet_meer"`
}

// Result is a counted vote.
type Result struct {
	Ballots   int            `json:"stembiljetten"`
	Rows      []Tally        `json:"projecten"` // in the order of the rule: most votes first
	Spent     casework.Cents `json:"toegekend_cents"`
	Remaining casework.Cents `json:"over_cents"`
}

// Winners are the projects the result funds, in the order of the rule.
func (r Result) Winners() []Tally {
	var out []Tally
	for _, t := range r.Rows {
		if t.Winner {
			out = append(out, t)
		}
	}
	return out
}

// Count computes the result of a vote exactly from its ballots (each a list
// of project ids; invalid choices were refused when cast, and are ignored
// here should one ever appear).
//
// The winners are chosen the usual way of participatory budgeting (Decidim,
// CONSUL, the Stanford PB platform): the projects on the ballot are put in
// order of votes, most first; ties go to the cheaper project (so the budget
// reaches more), then to the earlier proposal (lower creation time), then to
// the lower id, so the order never depends on chance. Going down that list,
// a project with at least one vote wins when its cost fits in what is left
// of the budget; one that does not fit is skipped and the next one is tried.
// This is the same for both ballot rules: the rule decides how a ballot is
// filled in, the budget decides what can be paid for.
func Count(b Budget, projects []Project, ballots [][]string) Result {
	idx := map[string]int{}
	var rows []Tally
	for _, p := range projects {
		if p.BudgetID != b.ID || !p.OnBallot() {
			continue
		}
		idx[p.ID] = len(rows)
		rows = append(rows, Tally{Project: p, Cost: p.FinalCost()})
	}
	res := Result{}
	for _, bal := range ballots {
		res.Ballots++
		seen := map[string]bool{}
		for _, id := range bal {
			if i, ok := idx[id]; ok && !seen[id] {
				seen[id] = true
				rows[i].Votes++
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rankBefore(rows[i], rows[j]) })
	left := b.Amount
	for i := range rows {
		if rows[i].Votes == 0 {
			continue
		}
		if rows[i].Cost <= left {
			rows[i].Winner = true
			left -= rows[i].Cost
			res.Spent += rows[i].Cost
		} else {
			rows[i].Skipped = true
		}
	}
	res.Rows = rows
	res.Remaining = left
	return res
}

// rankBefore is the order of the rule (see Count).
func rankBefore(a, b Tally) bool {
	if a.Votes != b.Votes {
		return a.Votes > b.Votes
	}
	if a.Cost != b.Cost {
		return a.Cost < b.Cost
	}
	if !a.Project.CreatedAt.Equal(b.Project.CreatedAt) {
		return a.Project.CreatedAt.Before(b.Project.CreatedAt)
	}
	return a.Project.ID < b.Project.ID
}

// MayManage reports whether the principal may open, review, close and
// publish a wijkbudget vote in the wijk: a beleid role in the gemeente, or
// a wijkcoordinator of that wijk.
func MayManage(p *auth.Principal, gemeente, wijk string) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if g.Gemeente == gemeente && g.Role == auth.Beleid {
			return true
		}
	}
	return p.CoordinatorOf(gemeente, wijk) && p.Can(auth.ManageWijkbudget, gemeente)
}

// MayEnterPaper reports whether the principal may enter or confirm paper
// ballots for the wijk: its wijkcoordinators.
func MayEnterPaper(p *auth.Principal, gemeente, wijk string) bool {
	return p.CoordinatorOf(gemeente, wijk)
}

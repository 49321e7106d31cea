package casework

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
)

// Team is a wijkteam of a gemeente: it works in some wijken and holds the
// maatwerk/doorbraak budget for the households there. A wijk belongs to at
// most one team.
type Team struct {
	ID       string       `json:"id"`
	Gemeente string       `json:"gemeente"`
	Naam     string       `json:"naam"`
	Wijken   []string     `json:"wijken"`
	Members  []TeamMember `json:"leden"`
	Created  time.Time    `json:"aangemaakt"`
}

// TeamMember is a professional in a team.
type TeamMember struct {
	UserID string `json:"id"`
	Email  string `json:"email"`
	Naam   string `json:"naam,omitempty"`
}

// MemberIDs lists the user ids of the members.
func (t Team) MemberIDs() []string {
	out := []string{}
	for _, m := range t.Members {
		out = append(out, m.UserID)
	}
	return out
}

// HasWijk reports whether the team works in the wijk.
func (t Team) HasWijk(w string) bool { return pvIn(t.Wijken, w) }

// HasMember reports whether the user is in the team.
func (t Team) HasMember(id string) bool { return pvIn(t.MemberIDs(), id) }

// ValidateTeam checks a team's fields; the store checks that the wijken lie
// in the gemeente and are not another team's, and that the members work
// there.
func ValidateTeam(t *Team) error {
	var fe people.FieldErrors
	t.Naam = strings.TrimSpace(t.Naam)
	if t.Naam == "" {
		fe.Add("naam", "geef het team een naam")
	} else if len(t.Naam) > 100 {
		fe.Add("naam", "een naam heeft hooguit 100 tekens")
	}
	seen := map[string]bool{}
	var wijken []string
	for _, w := range t.Wijken {
		w = strings.ToUpper(strings.TrimSpace(w))
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		if len(w) != 8 || !strings.HasPrefix(w, "WK") {
			fe.Add("wijken", "een wijkcode ziet eruit als WK011901, niet "+w)
			continue
		}
		wijken = append(wijken, w)
	}
	sort.Strings(wijken)
	t.Wijken = wijken
	if len(t.Wijken) == 0 && fe.For("wijken") == "" {
		fe.Add("wijken", "kies minstens één wijk waar het team werkt")
	}
	ids := map[string]bool{}
	var members []TeamMember
	for _, m := range t.Members {
		if m.UserID == "" || ids[m.UserID] {
			continue
		}
		ids[m.UserID] = true
		members = append(members, m)
	}
	t.Members = members
	return fe.Err()
}

// Budget is a team's maatwerk/doorbraak budget for one year. Above the
// threshold (drempel) only a teamleider may decide on a spend. The sums are
// filled when the budget is read.
type Budget struct {
	ID           string    `json:"id"`
	Gemeente     string    `json:"gemeente"`
	TeamID       string    `json:"team"`
	TeamNaam     string    `json:"team_naam,omitempty"`
	Jaar         int       `json:"jaar"`
	BedragCents  Cents     `json:"bedrag_cents"`
	DrempelCents Cents     `json:"drempel_cents"`
	Created      time.Time `json:"aangemaakt"`

	GoedgekeurdCents Cents `json:"goedgekeurd_cents"` // approved spends
	AangevraagdCents Cents `json:"aangevraagd_cents"` // spends waiting for a decision
	VermedenCents    Cents `json:"verwacht_vermeden_cents"`
	SaldoCents       Cents `json:"saldo_cents"` // budget − approved
	// VermedenPerEuroCents: "elke euro voorkwam naar verwachting € x", the
	// expected avoided cost per euro of approved spends; nil before the
	// first approval.
	VermedenPerEuroCents *Cents `json:"vermeden_per_euro_cents"`
	AantalGoedgekeurd    int    `json:"aantal_goedgekeurd"`
	AantalAangevraagd    int    `json:"aantal_aangevraagd"`
}

// Compute fills the balance and the ratio from the sums.
func (b *Budget) Compute() {
	b.SaldoCents = b.BedragCents - b.GoedgekeurdCents
	b.VermedenPerEuroCents = nil
	if b.GoedgekeurdCents > 0 {
		r := Cents(moneyMulDiv(int64(b.VermedenCents), 100, int64(b.GoedgekeurdCents)))
		b.VermedenPerEuroCents = &r
	}
}

// Label names the budget: "Wijkteam Noord 2026".
func (b Budget) Label() string { return b.TeamNaam + " " + strconv.Itoa(b.Jaar) }

// ValidateBudget checks a budget's fields.
func ValidateBudget(b *Budget) error {
	var fe people.FieldErrors
	if b.Jaar < 2015 || b.Jaar > 2100 {
		fe.Add("jaar", "vul een jaar in, zoals 2026")
	}
	switch {
	case b.BedragCents < 0:
		fe.Add("bedrag_cents", "een budget kan niet negatief zijn")
	case b.BedragCents > maxBudget:
		fe.Add("bedrag_cents", "dit budget is onwaarschijnlijk hoog")
	}
	switch {
	case b.DrempelCents < 0:
		fe.Add("drempel_cents", "een drempel kan niet negatief zijn")
	case b.DrempelCents > maxBudget:
		fe.Add("drempel_cents", "deze drempel is onwaarschijnlijk hoog")
	}
	return fe.Err()
}

// Spend (besteding) is a request to pay something for a household from the
// team's budget because it prevents worse: four eyes decide on it.
type Spend struct {
	ID                    string     `json:"id"`
	Gemeente              string     `json:"gemeente"`
	BudgetID              string     `json:"budget"`
	TeamNaam              string     `json:"team_naam,omitempty"`
	Jaar                  int        `json:"jaar,omitempty"`
	HouseholdID           string     `json:"huishouden"`
	Adres                 string     `json:"adres,omitempty"`
	BedragCents           Cents      `json:"bedrag_cents"`
	Doel                  string     `json:"doel"`
	Voorkomt              string     `json:"voorkomt"`
	VerwachtVermedenCents Cents      `json:"verwacht_vermeden_cents"`
	Status                string     `json:"status"`
	RequestedBy           string     `json:"aangevraagd_door_id"`
	RequestedByEmail      string     `json:"aangevraagd_door"`
	RequestedAt           time.Time  `json:"aangevraagd_op"`
	DecidedBy             string     `json:"besloten_door_id,omitempty"`
	DecidedByEmail        string     `json:"besloten_door,omitempty"`
	DecidedAt             *time.Time `json:"besloten_op,omitempty"`
	BesluitReden          string     `json:"besluit_reden,omitempty"`
	// NeedsTeamleider: above the budget's threshold, only a teamleider decides.
	NeedsTeamleider bool `json:"alleen_teamleider"`
}

// StatusNaam is the Dutch state for pages.
func (s Spend) StatusNaam() string {
	switch s.Status {
	case SpendRequested:
		return "Wacht op besluit"
	case SpendApproved:
		return "Goedgekeurd"
	case SpendRejected:
		return "Afgewezen"
	}
	return s.Status
}

// Open reports whether the spend still waits for a decision.
func (s Spend) Open() bool { return s.Status == SpendRequested }

// ValidateSpend checks a request before it is saved.
func ValidateSpend(s *Spend) error {
	var fe people.FieldErrors
	s.Doel = strings.TrimSpace(s.Doel)
	s.Voorkomt = strings.TrimSpace(s.Voorkomt)
	switch {
	case s.BedragCents <= 0:
		fe.Add("bedrag_cents", "vul een bedrag in groter dan € 0")
	case s.BedragCents > maxSpend:
		fe.Add("bedrag_cents", "een besteding uit het maatwerkbudget is hooguit € 1.000.000")
	}
	if s.Doel == "" {
		fe.Add("doel", "schrijf waarvoor het geld is")
	} else if len(s.Doel) > 2000 {
		fe.Add("doel", "hooguit 2.000 tekens")
	}
	if s.Voorkomt == "" {
		fe.Add("voorkomt", "schrijf wat deze besteding voorkomt")
	} else if len(s.Voorkomt) > 2000 {
		fe.Add("voorkomt", "hooguit 2.000 tekens")
	}
	switch {
	case s.VerwachtVermedenCents < 0:
		fe.Add("verwacht_vermeden_cents", "de verwachte vermeden kosten zijn € 0 of meer")
	case s.VerwachtVermedenCents > maxAvoidedCost:
		fe.Add("verwacht_vermeden_cents", "dit bedrag is onwaarschijnlijk hoog")
	}
	return fe.Err()
}

// Decision is an approval or a rejection with its reason.
type Decision struct {
	Approve bool
	Reason  string
}

// ParseDecision reads "goedgekeurd" or "afgewezen".
func ParseDecision(besluit, reden string) (Decision, error) {
	var fe people.FieldErrors
	d := Decision{Reason: strings.TrimSpace(reden)}
	switch besluit {
	case SpendApproved:
		d.Approve = true
	case SpendRejected:
	default:
		fe.Add("besluit", "kies goedkeuren of afwijzen")
	}
	if d.Reason == "" {
		fe.Add("reden", "schrijf de reden van het besluit")
	} else if len(d.Reason) > 2000 {
		fe.Add("reden", "hooguit 2.000 tekens")
	}
	return d, fe.Err()
}

// DecisionContext is what the four-eyes rule looks at, read in the same
// transaction that writes the decision.
type DecisionContext struct {
	Spend         Spend
	Budget        Budget // with BedragCents and DrempelCents
	ApprovedCents Cents  // sum of the budget's approved spends, excluding this one
	DeciderID     string
	CanDecide     bool // holds auth.ApproveSpend in the spend's gemeente
	CanLarge      bool // holds auth.ApproveLarge in the spend's gemeente
}

// CheckDecision applies the four-eyes principle: a decided spend stays
// decided; never the requester; a reason always; above the threshold only
// a teamleider; and an approval may not overdraw the budget.
func CheckDecision(c DecisionContext, d Decision) error {
	sp := c.Spend
	switch {
	case sp.Status != SpendRequested:
		return errs.E(errs.Conflict, "Over deze besteding is al besloten (%s).", strings.ToLower(sp.StatusNaam()))
	case !c.CanDecide:
		return errs.E(errs.Forbidden, "Uw rol mag niet besluiten over bestedingen uit het maatwerkbudget.")
	case c.DeciderID == "" || c.DeciderID == sp.RequestedBy:
		return errs.E(errs.Forbidden, "Vierogenprincipe: u kunt niet besluiten over uw eigen aanvraag; een collega doet dat.")
	}
	if d.Reason == "" {
		return &people.FieldError{Field: "reden", Message: "schrijf de reden van het besluit"}
	}
	if sp.BedragCents > c.Budget.DrempelCents && !c.CanLarge {
		return errs.E(errs.Forbidden, "Boven %s besluit alleen een teamleider over een besteding.", c.Budget.DrempelCents)
	}
	if d.Approve && c.ApprovedCents+sp.BedragCents > c.Budget.BedragCents {
		left := c.Budget.BedragCents - c.ApprovedCents
		if left < 0 {
			left = 0
		}
		return errs.E(errs.Conflict, "Goedkeuren kan niet: het budget heeft nog %s over en deze besteding is %s.", left, sp.BedragCents)
	}
	return nil
}

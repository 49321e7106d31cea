package demo

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
)

// VotesStep gives the coordinator's two wijken a wijkbudget vote each: in
// the first a vote that is running now, with ballots from all demo
// residents there but the first (so a visitor can vote as them); in the
// second a vote that finished about three months ago, with its result published
// and the winning projects on the wijkagenda. The beleid login runs both.
// Both votes get paper ballots from the community centre, entered by one
// wijkcoordinator and confirmed by the other (four eyes); in the running
// vote one entry, made by the second coordinator, still waits for the
// demo's wijkcoordinator login to confirm it.
// It needs UsersStep and ResidentsStep before it.
type VotesStep struct{}

func (VotesStep) Name() string { return "votes" }

type demoProject struct {
	title, text string
	cost        casework.Cents
	reject      string // the reason when not feasible
}

var demoProjects = [][]demoProject{
	{
		{"Speeltoestel voor kleine kinderen", "Een glijbaan met zandbak op het grasveld bij de school, voor kinderen tot 6 jaar.", 1200000, ""},
		{"Bankjes en een picknicktafel", "Drie bankjes en een picknicktafel in het park, zodat buren elkaar daar kunnen ontmoeten.", 450000, ""},
		{"Buurtmoestuin", "Bakken, grond, gereedschap en een waterton voor een moestuin die bewoners samen onderhouden.", 600000, ""},
		{"Kunstgrasveld", "Het trapveldje omzetten in kunstgras zodat er het hele jaar gespeeld kan worden.", 2900000, "Een kunstgrasveld kost bijna het hele budget, en het onderhoud past niet in de begroting van de gemeente."},
		{"Maandelijkse buurtmaaltijd", "Een jaar lang elke maand samen koken en eten in het buurthuis, voor wie wil.", 300000, ""},
		{"Verlichting op het wandelpad", "Lantaarns met zuinige ledlampen langs het wandelpad aan het water.", 1400000, ""},
	},
	{
		{"Jeu-de-boulesbaan", "Een baan naast het buurthuis, met een bankje ernaast.", 800000, ""},
		{"Fietsenrekken bij de winkels", "Twintig fietsenrekken bij het winkelcentrum, zodat fietsen niet meer op de stoep staan.", 350000, ""},
		{"Bloembakken in de straat", "Bloembakken die bewoners samen vullen en verzorgen.", 250000, ""},
		{"Tiener-hangplek met dak", "Een overkapping met zitplekken voor jongeren van 12 tot 16.", 1500000, ""},
		{"Eigen buurtbus", "Een elektrisch busje voor vervoer van ouderen naar de markt.", 1950000, "Een bus vraagt vaste chauffeurs en jaarlijkse kosten die niet uit het wijkbudget kunnen; we zoeken dit uit met de welzijnsorganisatie."},
	},
}

func (VotesStep) Run(ctx context.Context, w *World, st *store.Store) error {
	wijken := CoordinatorWijken(w)
	if len(w.Residents) == 0 || len(wijken) < 2 {
		return nil
	}
	byWijk := map[string][]DemoResident{}
	for _, res := range w.Residents {
		byWijk[res.Wijk] = append(byWijk[res.Wijk], res)
	}
	var beleid store.Actor
	var coords []store.Actor // in the order of the logins: the second coordinator first
	principal := map[string]*auth.Principal{}
	if st != nil {
		for _, l := range w.Logins {
			if l.Role == auth.Wijkcoordinator {
				u, err := st.UserByEmail(ctx, l.Email)
				if err != nil {
					return err
				}
				p, err := st.Principal(ctx, u.ID)
				if err != nil {
					return err
				}
				coords = append(coords, store.Actor{P: p, Purpose: "papieren stembiljetten invoeren"})
			}
			if l.Role == auth.Beleid {
				u, err := st.UserByEmail(ctx, l.Email)
				if err != nil {
					return err
				}
				p, err := st.Principal(ctx, u.ID)
				if err != nil {
					return err
				}
				beleid = store.Actor{P: p, Purpose: "wijkbudget"}
			}
		}
		if beleid.P == nil {
			return fmt.Errorf("votes: no beleid login")
		}
		for _, res := range w.Residents {
			p, err := st.Principal(ctx, res.UserID)
			if err != nil {
				return fmt.Errorf("resident %s: %w", res.Email, err)
			}
			principal[res.UserID] = p
		}
	}
	today := w.Config.Today
	plans := []struct {
		wijk    string
		title   string
		amount  casework.Cents
		rule    participation.Rule
		max     int
		start   int // days before today the vote opens for proposals
		running bool
	}{
		{wijken[0], "Wijkbudget " + w.Gemeente.Naam + " " + fmt.Sprint(today.Year()), 3000000, participation.RuleKnapsack, 0, 40, true},
		{wijken[1], "Wijkbudget voorjaar", 2000000, participation.RuleApprove, 2, 150, false},
	}
	// Times and ballots draw from a source of their own, so the ids (from
	// w.Rand) are the same in a dry run.
	r := w.rand("votes/times")
	// Paper ballots draw ids and choices from a source of their own too, so
	// they change nothing else in the world.
	pr := w.rand("votes/paper")
	for i, pl := range plans {
		day := func(d int) time.Time { return at(today.AddDays(d), 10*60+r.IntN(8*60)) }
		b := participation.Budget{ID: w.NewID(), Wijk: pl.wijk, Title: pl.title, Amount: pl.amount, Rule: pl.rule, MaxChoices: pl.max,
			Description:    "De gemeente zet dit bedrag opzij voor de wijk. Bewoners bedenken wat ermee gebeurt, en stemmen erover.",
			ProposalsUntil: today.AddDays(-pl.start + 14), VoteFrom: today.AddDays(-pl.start + 24), VoteUntil: today.AddDays(-pl.start + 54)}
		residents := byWijk[pl.wijk]
		var ids []string
		var feasible []string
		if st != nil {
			if err := st.At(day(-pl.start)).CreateWijkbudget(ctx, beleid, &b); err != nil {
				return fmt.Errorf("wijkbudget in %s: %w", pl.wijk, err)
			}
		}
		for j, dp := range demoProjects[i] {
			p := participation.Project{ID: w.NewID(), Title: dp.title, Description: dp.text, Cost: dp.cost}
			ids = append(ids, p.ID)
			if dp.reject == "" {
				feasible = append(feasible, p.ID)
			}
			if st == nil {
				continue
			}
			by := beleid
			if len(residents) > 0 && j%3 != 2 {
				by = store.Actor{P: principal[residents[j%len(residents)].UserID]}
			}
			if err := st.At(day(-pl.start+1+j*2)).ProposeProject(ctx, by, b.ID, &p); err != nil {
				return fmt.Errorf("project %q: %w", dp.title, err)
			}
		}
		if st == nil {
			continue
		}
		if err := st.At(day(-pl.start+15)).AdvanceWijkbudget(ctx, beleid, b.ID, participation.PhaseBeoordeling); err != nil {
			return err
		}
		for j, dp := range demoProjects[i] {
			verdict, cost := participation.Haalbaar, dp.cost
			if dp.reject != "" {
				verdict, cost = participation.NietHaalbaar, 0
			} else if j%2 == 1 {
				cost += 25000 // the gemeente's estimate is a little higher
			}
			if err := st.At(day(-pl.start+16+j)).ReviewProject(ctx, beleid, ids[j], verdict, dp.reject, cost); err != nil {
				return fmt.Errorf("review %q: %w", dp.title, err)
			}
		}
		if err := st.At(day(-pl.start+24)).AdvanceWijkbudget(ctx, beleid, b.ID, participation.PhaseStemmen); err != nil {
			return err
		}
		// Ballots: every resident of the wijk, but in the running vote
		// not the first one (the visitor's turn).
		voters := residents
		if pl.running && len(voters) > 0 {
			voters = voters[1:]
		}
		vb, ps, err := st.Wijkbudget(ctx, b.ID)
		if err != nil {
			return err
		}
		for k, res := range voters {
			choice := demoBallot(vb, ps, feasible, r)
			when := day(-pl.start + 25 + k*3)
			if pl.running && when.After(at(today, 0)) {
				when = at(today.AddDays(-1), 12*60)
			}
			if err := st.At(when).CastBallot(ctx, principal[res.UserID], b.ID, choice); err != nil {
				return fmt.Errorf("ballot in %s: %w", pl.wijk, err)
			}
		}
		if len(coords) >= 2 {
			first, second := coords[len(coords)-1], coords[0]
			n := 2
			if pl.running {
				n = 3 // the last one waits for its second pair of eyes
			}
			for k := 0; k < n; k++ {
				id := paperID(pr)
				enter, confirm := first, second
				if pl.running && k == n-1 {
					enter = second
				}
				when := day(-pl.start + 30 + k)
				if err := st.At(when).EnterPaperBallotID(ctx, enter, b.ID, id, demoBallot(vb, ps, feasible, pr)); err != nil {
					return fmt.Errorf("paper ballot in %s: %w", pl.wijk, err)
				}
				if pl.running && k == n-1 {
					continue
				}
				if err := st.At(when.Add(2*time.Hour)).ConfirmPaperBallot(ctx, confirm, id); err != nil {
					return fmt.Errorf("confirm paper ballot in %s: %w", pl.wijk, err)
				}
			}
		}
		if pl.running {
			continue
		}
		if err := st.At(day(-pl.start+55)).AdvanceWijkbudget(ctx, beleid, b.ID, participation.PhaseUitslag); err != nil {
			return err
		}
		if _, err := st.At(day(-pl.start+58)).PublishWijkbudget(ctx, beleid, b.ID); err != nil {
			return err
		}
	}
	return nil
}

// paperID is an opaque id like World.NewID, from the paper ballots' own source.
func paperID(r interface{ Uint64() uint64 }) string {
	var b [15]byte
	for i := 0; i < len(b); i += 5 {
		v := r.Uint64()
		for j := 0; j < 5; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// demoBallot picks feasible projects in a random order while the ballot
// stays valid under the vote's rule.
func demoBallot(b participation.Budget, ps []participation.Project, feasible []string, r interface{ IntN(int) int }) []string {
	order := append([]string(nil), feasible...)
	for i := len(order) - 1; i > 0; i-- {
		j := r.IntN(i + 1)
		order[i], order[j] = order[j], order[i]
	}
	var choice []string
	for _, id := range order {
		try := append(append([]string(nil), choice...), id)
		if _, err := participation.CheckBallot(b, ps, try); err == nil {
			choice = try
		}
		if len(choice) >= 3 {
			break
		}
	}
	return choice
}

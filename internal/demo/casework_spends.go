package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"time"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// Maatwerk spends. A team of about 120 active cases asks for about 40
// spends a year, mostly a few hundred euros, now and then a debt or a
// mediation above the teamleider's threshold; about four in five are
// approved, and a year's approvals stay under the € 75.000 budget.
const (
	spendsPerTeamYear = 40
	casesPerTeam      = 120
	approveShare      = 0.82
)

// SpendPlan is a request for money from the team's budget and its decision.
type SpendPlan struct {
	HH     int
	Budget int            // index in Casework.Budgets
	S      casework.Spend // amount, purpose, what it prevents, expected avoided cost
	By     int            // the requester
	At     time.Time
	// The decision: Decider -1 while it waits.
	Decider   int
	DecidedAt time.Time
	Approve   bool
	Reason    string
}

// spends draws each team's spends of last year and this year, then the
// requests that wait now: some for the demo regisseur to decide, some of
// the demo regisseur's own waiting for a colleague, one above the
// threshold waiting for the teamleider.
func (g *cwGen) spends() {
	r := g.r("spends")
	yesterday := g.today.AddDays(-1)
	for b := range g.cw.Budgets {
		bd := &g.cw.Budgets[b]
		from := people.NewDate(bd.Jaar, 1, 5)
		to := minDate(people.NewDate(bd.Jaar, 12, 20), yesterday)
		if to.Before(from) {
			continue
		}
		teamCases := 0
		for _, c := range g.active {
			if g.cw.Facts[c.HH].Team == bd.Team {
				teamCases++
			}
		}
		scale := math.Max(0.15, math.Min(2, float64(teamCases)/casesPerTeam))
		n := int(math.Round(spendsPerTeamYear * scale * float64(days(from, to)) / 350))
		for k := 0; k < n; k++ {
			d := dayBetween(r, from, to)
			c := g.caseOn(r, bd.Team, d)
			if c == nil {
				continue
			}
			sp := g.spend(r, c, b, workTime(r, d), anySpend)
			if sp == nil {
				continue
			}
			g.decide(r, sp, b, bd)
		}
	}
	// What waits now, in the demo regisseur's team.
	reg := g.cw.regisseur
	if len(g.user(reg).Teams) == 0 {
		return
	}
	team := g.user(reg).Teams[0]
	budgetOf := func(d people.Date) int {
		for b, bd := range g.cw.Budgets {
			if bd.Team == team && bd.Jaar == d.Year() {
				return b
			}
		}
		return -1
	}
	waiting := []struct {
		own   bool // requested by the demo regisseur
		large bool // above the threshold
	}{{false, false}, {false, false}, {true, false}, {true, false}, {false, true}}
	for _, wt := range waiting {
		d := g.today.AddDays(-1 - r.IntN(12))
		b := budgetOf(d)
		if b < 0 {
			continue
		}
		for try := 0; try < 40; try++ {
			c := g.caseOn(r, team, d)
			if c == nil || !c.Active() || (c.RegisseurAt(at(d, 12*60)) == reg) != wt.own {
				continue
			}
			size := smallSpend
			if wt.large {
				size = largeSpend
			}
			if sp := g.spend(r, c, b, workTime(r, d), size); sp != nil {
				break
			}
		}
	}
	g.writeSpends()
}

// caseOn draws a case of the team that ran on day d, carried then by a
// regisseur (not the teamleider: the teamleider decides on spends).
func (g *cwGen) caseOn(r *rand.Rand, team int, d people.Date) *CasePlan {
	var list []*CasePlan
	t := at(d, 12*60)
	for _, c := range g.cw.Cases {
		if g.cw.Facts[c.HH].Team != team || t.Before(c.Opened) || !c.Active() && c.Closed.Before(t) {
			continue
		}
		if c.RegisseurAt(t) == g.cw.teamleider {
			continue
		}
		list = append(list, c)
	}
	if len(list) == 0 {
		return nil
	}
	return list[r.IntN(len(list))]
}

// Sizes of a spend to draw.
const (
	anySpend   = iota
	smallSpend // up to the threshold
	largeSpend // above it: only the teamleider decides
)

// spend draws a request for a case: a purpose that fits the household.
func (g *cwGen) spend(r *rand.Rand, c *CasePlan, b int, t time.Time, size int) *SpendPlan {
	f := g.cw.Facts[c.HH]
	h := g.hh(c.HH)
	kids := minors(h, g.today)
	fits := func(about string) bool {
		switch about {
		case "eviction":
			return f.Eviction
		case "debts":
			return f.Debts
		case "income":
			return f.Bijstand
		case "youth":
			return len(f.Youth) > 0 || len(kids) > 1 && f.Bijstand
		case "domestic":
			return f.Domestic
		case "elderly":
			return len(f.Frail) > 0
		case "ggz":
			return f.MentalHealth != "" && f.Bijstand
		case "any":
			return len(kids) > 0 && kids[0].Age(g.today) >= 12
		}
		return false
	}
	thr := int64(g.cw.Budgets[b].Drempel)
	var opts []spendText
	for _, s := range spendTexts {
		big := s.min*100 > thr
		if !fits(s.about) || size == smallSpend && big || size == largeSpend && !big {
			continue
		}
		if big && size == anySpend && !chance(r, 0.35) {
			continue // the big ones are rarer
		}
		opts = append(opts, s)
	}
	if len(opts) == 0 {
		return nil
	}
	st := pick(r, opts)
	amount := (st.min + r.Int64N(st.max-st.min+1)) / 10 * 10 * 100
	ad := adults(h, g.today)
	var p people.Person
	if len(ad) > 0 {
		p = ad[0]
		for _, a := range ad {
			if a.Age(g.today) < 65 {
				p = a
				break
			}
		}
	}
	vars := personVars(p, g.today)
	vars["bedrag"] = euro(casework.Cents(amount))
	vars["ouder"] = vars["mevrouw"]
	if len(kids) > 0 {
		vars["ouder"] = map[string]string{"vrouw": "moeder", "man": "vader"}[p.Geslacht]
		if vars["ouder"] == "" {
			vars["ouder"] = "de ouder"
		}
	}
	avoided := st.avoided * 100
	avoided += avoided / 10 * int64(r.IntN(5)-2) // ±20%, estimated per case
	sp := &SpendPlan{HH: c.HH, Budget: b, By: c.RegisseurAt(t), At: t, Decider: -1,
		S: casework.Spend{ID: g.w.NewID(), BedragCents: casework.Cents(amount), Doel: fill(st.doel, vars), Voorkomt: fill(st.voorkomt, vars),
			VerwachtVermedenCents: casework.Cents(avoided)}}
	g.cw.Spends = append(g.cw.Spends, sp)
	return sp
}

// decide draws the decision on a spend: by a colleague of the requester
// (above the threshold by the teamleider), never overdrawing the budget;
// recent ones may still wait.
func (g *cwGen) decide(r *rand.Rand, sp *SpendPlan, b int, bd *TeamBudget) {
	d := dateOf(sp.At).AddDays(1 + r.IntN(10))
	if !d.Before(g.today) || days(dateOf(sp.At), g.today) < 14 && chance(r, 0.5) {
		return // waits
	}
	large := sp.S.BedragCents > bd.Drempel
	decider := g.cw.teamleider
	if !large && chance(r, 0.55) {
		decider = g.teamMember(r, bd.Team, sp.By)
		if decider == sp.By {
			decider = g.cw.teamleider
		}
	}
	sp.Decider, sp.DecidedAt = decider, workTime(r, d)
	sp.Approve = chance(r, approveShare)
	if sp.Approve && bd.approvedCents+sp.S.BedragCents > bd.Bedrag {
		sp.Approve = false
		sp.Reason = "Het budget voor dit jaar is bijna op; bespreek het eerst in het teamoverleg."
		return
	}
	if sp.Approve {
		bd.approvedCents += sp.S.BedragCents
		sp.Reason = pick(r, approveReasons)
	} else {
		sp.Reason = pick(r, rejectReasons)
	}
}

// writeSpends schedules every request and decision.
func (g *cwGen) writeSpends() {
	gm := g.w.Gemeente.Code
	for _, sp := range g.cw.Spends {
		g.ev.add(sp.At, "spend", func(ctx context.Context, st *store.Store) error {
			s := sp.S
			s.HouseholdID = g.hid(sp.HH)
			return st.RequestSpend(ctx, g.user(sp.By).actor(gm), &s)
		})
		if sp.Decider < 0 {
			continue
		}
		g.ev.add(sp.DecidedAt, "decide spend", func(ctx context.Context, st *store.Store) error {
			_, err := st.DecideSpend(ctx, g.user(sp.Decider).actor(gm), sp.S.ID, casework.Decision{Approve: sp.Approve, Reason: sp.Reason})
			return err
		})
	}
}

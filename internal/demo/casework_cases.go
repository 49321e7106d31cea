package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// Shares of the known households (calibration: see HouseholdFacts).
const (
	// activeShare have an active case with the wijkteam now: the
	// complex ones; the simple ones get a provision without a case.
	activeShare = 0.20
	// closedShare had a case in the past two years that is closed now
	// (and no active one).
	closedShare = 0.05
	// reopenShare of the households with an active case had an earlier
	// case in the two years.
	reopenShare = 0.08
	// handoverShare of the active cases older than two months moved to
	// another regisseur once.
	handoverShare = 0.12
	// newHouseholdsPer: one household in this many became known through
	// a signal, which started its file and case (on top of the
	// households of the households step).
	newHouseholdsPer = 300
)

// CasePlan is one case: a period in which a regisseur works with a household.
type CasePlan struct {
	HH          int
	Opened      time.Time
	Opener      int // the first regisseur (index in Casework.Users)
	Regisseur   int // the regisseur now (or at closing)
	Handovers   []*HandoverPlan
	Closed      time.Time // zero while active
	CloseReason string
	Signal      *SignalPlan // the signal that started it, if any

	Assessments []*AssessmentPlan
	Plan        *CarePlan
	Notes       []*NotePlan
}

// Active reports whether the case still runs.
func (c *CasePlan) Active() bool { return c.Closed.IsZero() }

// RegisseurAt is who carried the case at t.
func (c *CasePlan) RegisseurAt(t time.Time) int {
	r := c.Opener
	for _, h := range c.Handovers {
		if !t.Before(h.At) {
			r = h.To
		}
	}
	return r
}

// end is the last day of the case: when it closed, or yesterday for an
// active one.
func (c *CasePlan) end(today people.Date) people.Date {
	if c.Active() {
		return today.AddDays(-1)
	}
	return dateOf(c.Closed)
}

// HandoverPlan moves a case to a colleague, with a note.
type HandoverPlan struct {
	At       time.Time
	From, To int
	By       int
	Note     string
}

// newHouseholds adds the households that became known through a signal:
// an address no one knew, where a home-care worker, a GP or the housing
// corporation saw trouble. The triage starts the household and its case;
// the regisseur adds the members after the first visit.
func (g *cwGen) newHouseholds() {
	r := g.r("new-households")
	n := len(g.w.Households) / newHouseholdsPer
	gn := &gen{w: g.w, r: r, today: g.today}
	for k := 0; k < n; k++ {
		triage := g.today.AddDays(-14 - r.IntN(180))
		var kind Kind
		var ms []people.Member
		var wi *wijkInfo
		for try := 0; try < 20; try++ {
			wi = gn.wijk()
			o := g.w.profile.pick(r, wi.diversity)
			switch k % 3 {
			case 0:
				kind, ms = KindSingle, gn.single(o, wi)
			case 1:
				kind, ms = KindSingleParent, gn.family(o, true).members
			default:
				kind, ms = KindSingle, gn.single(o, wi)
			}
			ok := true
			for i, m := range ms {
				if m.Eind != nil || !m.Person.Geboortedatum.Before(triage.AddDays(-60)) {
					ok = false
					break
				}
				if !m.Start.Before(triage) {
					ms[i].Start = maxDate(m.Person.Geboortedatum, triage.AddDays(-30-r.IntN(400)))
				}
			}
			if ok && (k%3 != 2 || ms[0].Person.Age(g.today) >= 70) && (k%3 != 0 || ms[0].Person.Age(g.today) < 65) {
				break
			}
			ms = nil
		}
		if gn.err != nil {
			g.fail(gn.err)
			return
		}
		if ms == nil {
			continue
		}
		if err := gn.add(wi, kind, ms); err != nil {
			g.fail(err)
			return
		}
		i := len(g.w.Households) - 1
		h := g.hh(i)
		f := &HouseholdFacts{HH: i, Risk: 1 + r.Float64()}
		for t, tm := range g.cw.Teams {
			for _, wk := range tm.Wijken {
				if wk == h.Wijk {
					f.Team = t
				}
			}
		}
		g.drawProblems(r, f, kind)
		p := ms[0].Person
		switch k % 3 {
		case 0: // a young adult who is not coping
			f.MentalHealth, f.Debts = p.ID, true
		case 1: // a single parent in debt
			f.Debts, f.Bijstand = true, true
		default: // an old person alone, confused
			f.Frail, f.Isolated = []string{p.ID}, p.ID
		}
		g.cw.Facts = append(g.cw.Facts, f)
		triager := g.teamMember(r, f.Team, -1)
		c := &CasePlan{HH: i, Opener: triager, Regisseur: triager, Opened: workTime(r, triage)}
		sig := g.newSignal(r, f, c.Opened.Add(-time.Duration(1+r.IntN(72))*time.Hour), true)
		if sig == nil {
			g.fail(fmt.Errorf("no signal text fits the new household at %s", h.Address()))
			return
		}
		sig.Outcome, sig.TriagedBy, sig.TriagedAt, sig.NewHousehold = casework.SignalNewCase, triager, c.Opened, true
		c.Signal = sig
		g.active[i] = c
		g.cw.Cases = append(g.cw.Cases, c)
	}
}

// cases chooses the households with an active or a closed case and their
// regisseurs.
func (g *cwGen) cases() {
	r := g.r("cases")
	total := len(g.w.Households)
	type cand struct {
		i     int
		score float64
	}
	var cs []cand
	for i, f := range g.cw.Facts {
		if _, ok := g.active[i]; ok {
			continue
		}
		s := f.complexity() + 0.6*r.NormFloat64()
		if f.Expensive() {
			s += 10 // these families are always in the picture
		}
		cs = append(cs, cand{i, s})
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].score > cs[b].score })
	nActive := int(math.Round(activeShare*float64(total))) - len(g.active)
	nClosed := int(math.Round(closedShare * float64(total)))
	for k, c := range cs {
		switch {
		case k < nActive:
			cp := &CasePlan{HH: c.i, Opened: workTime(r, g.today.AddDays(-activeAge(r)))}
			g.active[c.i] = cp
			if chance(r, reopenShare) {
				if old := g.closedCase(r, c.i, dateOf(cp.Opened)); old != nil {
					g.closed[c.i] = append(g.closed[c.i], old)
				}
			}
		case k < nActive+nClosed:
			if old := g.closedCase(r, c.i, g.today); old != nil {
				g.closed[c.i] = append(g.closed[c.i], old)
			}
		}
	}
	// Regisseurs: per team, the active cases go to whoever has the
	// fewest for their share (the teamleider a tenth of a full caseload).
	for t := range g.cw.Teams {
		var list []*CasePlan
		for i := 0; i < len(g.w.Households); i++ {
			if c, ok := g.active[i]; ok && g.cw.Facts[i].Team == t && c.Signal == nil {
				list = append(list, c)
			}
		}
		r.Shuffle(len(list), func(a, b int) { list[a], list[b] = list[b], list[a] })
		load := map[int]float64{}
		for i := 0; i < len(g.w.Households); i++ {
			if c, ok := g.active[i]; ok && g.cw.Facts[i].Team == t && c.Signal != nil {
				load[c.Regisseur]++
			}
		}
		for _, c := range list {
			best, bestV := -1, 0.0
			for _, m := range g.cw.Teams[t].Members {
				v := (load[m] + 1) / g.caseWeight(m)
				if best < 0 || v < bestV {
					best, bestV = m, v
				}
			}
			load[best]++
			c.Regisseur, c.Opener = best, best
		}
	}
	for i := 0; i < len(g.w.Households); i++ {
		for _, c := range g.closed[i] {
			c.Regisseur = g.teamMember(r, g.cw.Facts[i].Team, -1)
			c.Opener = c.Regisseur
			g.cw.Cases = append(g.cw.Cases, c)
		}
		if c, ok := g.active[i]; ok {
			if c.Signal == nil {
				g.cw.Cases = append(g.cw.Cases, c)
			}
			if c.Signal == nil && days(dateOf(c.Opened), g.today) > 60 && chance(r, handoverShare) {
				g.handover(r, c)
			}
		}
	}
	sort.SliceStable(g.cw.Cases, func(a, b int) bool { return g.cw.Cases[a].Opened.Before(g.cw.Cases[b].Opened) })
	for _, c := range g.cw.Cases {
		if !c.Active() {
			c.CloseReason = g.closeReason(r, c)
		}
	}
}

// caseWeight is a colleague's share of the caseload.
func (g *cwGen) caseWeight(u int) float64 {
	if u == g.cw.teamleider {
		return 0.1
	}
	return 1
}

// teamMember draws a member of the team who carries cases, by caseload
// share, other than not.
func (g *cwGen) teamMember(r *rand.Rand, team, not int) int {
	ms := g.cw.Teams[team].Members
	for try := 0; try < 20; try++ {
		m := ms[pickWeighted(r, len(ms), func(i int) float64 { return g.caseWeight(ms[i]) })]
		if m != not {
			return m
		}
	}
	for _, m := range ms {
		if m != not {
			return m
		}
	}
	return ms[0]
}

// activeAge is how many days ago an active case opened: a third in the
// last three months, most within the year, some close to two years.
func activeAge(r *rand.Rand) int {
	switch x := r.Float64(); {
	case x < 0.3:
		return 3 + r.IntN(88)
	case x < 0.72:
		return 91 + r.IntN(275)
	default:
		return 366 + r.IntN(334)
	}
}

// closedCase is a case that ran for 3 to 14 months and closed a month
// before the given day (and at the latest ten days ago); nil when that does not fit in the
// two years.
func (g *cwGen) closedCase(r *rand.Rand, hh int, before people.Date) *CasePlan {
	latest := minDate(before.AddDays(-30), g.today.AddDays(-10))
	dur := 90 + r.IntN(330)
	earliest := g.start.AddDays(dur)
	if latest.Before(earliest) {
		dur = days(g.start, latest)
		if dur < 60 {
			return nil
		}
		earliest = latest
	}
	closed := dayBetween(r, earliest, latest)
	return &CasePlan{HH: hh, Opened: workTime(r, closed.AddDays(-dur)), Closed: at(closed, 15*60+r.IntN(90))}
}

// handover gives an active case an earlier regisseur who handed it over.
func (g *cwGen) handover(r *rand.Rand, c *CasePlan) {
	if c.Regisseur == g.cw.teamleider {
		return
	}
	from := g.teamMember(r, g.cw.Facts[c.HH].Team, c.Regisseur)
	if from == c.Regisseur {
		return
	}
	d := dayBetween(r, dateOf(c.Opened).AddDays(30), g.today.AddDays(-5))
	by := from
	if chance(r, 0.3) {
		by = g.cw.teamleider
	}
	h := &HandoverPlan{At: workTime(r, d), From: from, To: c.Regisseur, By: by}
	h.Note = fill(pick(r, handoverNotes), map[string]string{
		"van": callName(g.user(from)), "naar": callName(g.user(c.Regisseur)), "datum": d.AddDays(7 + r.IntN(10)).Dutch(),
	})
	c.Opener = from
	c.Handovers = append(c.Handovers, h)
}

// callName is how colleagues name each other: the first name, or the
// whole name of a demo login ("Regisseur (demo)").
func callName(u Colleague) string {
	if u.Login {
		return u.Name
	}
	return firstWord(u.Name)
}

// closeReason says why a case closed, after what the household went through.
func (g *cwGen) closeReason(r *rand.Rand, c *CasePlan) string {
	f := g.cw.Facts[c.HH]
	var options []string
	switch {
	case f.Debts:
		options = closeReasonsDebts
	case len(f.Youth) > 0:
		options = closeReasonsYouth
	case len(f.Frail) > 0:
		options = closeReasonsElderly
	}
	if len(options) == 0 || chance(r, 0.3) {
		options = closeReasonsGeneral
	}
	var p people.Person
	if len(f.Frail) > 0 {
		m, _ := member(g.hh(c.HH), f.Frail[0])
		p = m.Person
	} else if ad := adults(g.hh(c.HH), g.today); len(ad) > 0 {
		p = ad[0]
	}
	return fill(pick(r, options), personVars(p, g.today))
}

// --- writing a case ---

// hid is the household's id at the moment of writing (a household started
// by a signal gets its id from the store).
func (g *cwGen) hid(i int) string { return g.w.Households[i].ID }

// writeCase schedules the opening, handovers and closing of a case.
func (g *cwGen) writeCase(c *CasePlan) {
	gm := g.w.Gemeente.Code
	if c.Signal == nil || !c.Signal.NewHousehold {
		g.ev.add(c.Opened, "open case", func(ctx context.Context, st *store.Store) error {
			_, err := st.OpenCase(ctx, g.user(c.Opener).actor(gm), g.hid(c.HH), g.user(c.Opener).ID)
			return err
		})
	}
	for _, h := range c.Handovers {
		g.ev.add(h.At, "handover", func(ctx context.Context, st *store.Store) error {
			_, err := st.HandOver(ctx, g.user(h.By).actor(gm), g.hid(c.HH), g.user(h.To).ID, h.Note)
			return err
		})
	}
	if !c.Active() {
		g.ev.add(c.Closed.Add(10*time.Minute), "close case", func(ctx context.Context, st *store.Store) error {
			_, err := st.CloseCase(ctx, g.user(c.Regisseur).actor(gm), g.hid(c.HH), c.CloseReason)
			return err
		})
	}
}

package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// Signals, as shares of the known households (about one in ten had one in
// the two years; the inbox holds about 3% open ones, a realistic backlog
// for a team that triages twice a week).
const (
	openSignalShare     = 0.03  // waiting for triage (nieuw)
	caseSignalShare     = 0.05  // triaged: linked, and the case opened on it
	linkedSignalShare   = 0.007 // triaged: linked to a household with a case
	referredSignalShare = 0.01  // triaged: referred to the voorliggend veld
	closedSignalShare   = 0.008 // triaged: closed with a reason
	// unknownOpenShare of the open signals are about an address where no
	// household is known yet: the team can start one from the inbox.
	unknownOpenShare = 0.25
)

// SignalPlan is a signal and what the team did with it.
type SignalPlan struct {
	HH       int // index in World.Households; -1 for an address where no household is known
	Signal   casework.Signal
	Reporter int // index in Casework.Users
	At       time.Time

	Outcome      string // "" while it waits (nieuw), or a casework.SignalOutcomes code
	Reden        string
	TriagedBy    int
	TriagedAt    time.Time
	NewHousehold bool // the triage started the household and its case
}

// subject finds the person a signal text is about; ok is false when the
// household does not fit the text.
func (g *cwGen) subject(f *HouseholdFacts, ft fit) (people.Person, people.Person, bool) {
	var none people.Person
	if f == nil {
		return none, none, false
	}
	h := g.hh(f.HH)
	get := func(id string) (people.Person, bool) {
		if id == "" {
			return none, false
		}
		m, ok := member(h, id)
		return m.Person, ok
	}
	ad := adults(h, g.today)
	parent := func() (people.Person, bool) {
		for _, p := range ad {
			if p.Geslacht == "vrouw" && p.Age(g.today) < 65 {
				return p, true
			}
		}
		for _, p := range ad {
			if p.Age(g.today) < 65 {
				return p, true
			}
		}
		return none, false
	}
	child := func(lo, hi int) (people.Person, bool) {
		for _, id := range f.Youth {
			if k, ok := get(id); ok && k.Age(g.today) >= lo && k.Age(g.today) <= hi {
				return k, true
			}
		}
		return none, false
	}
	switch ft {
	case fitFrail:
		if len(f.Frail) > 0 {
			p, ok := get(f.Frail[0])
			return p, none, ok
		}
	case fitIsolatedElder:
		if p, ok := get(f.Isolated); ok && p.Age(g.today) >= 65 {
			return p, none, true
		}
	case fitCarer:
		p, ok := get(f.Carer)
		return p, none, ok
	case fitGGZ:
		p, ok := get(f.MentalHealth)
		return p, none, ok
	case fitDebts:
		if f.Debts && len(ad) > 0 {
			if p, ok := parent(); ok {
				return p, none, true
			}
		}
	case fitDebtsElder:
		if f.Debts && len(ad) == 1 && ad[0].Age(g.today) >= 65 {
			return ad[0], none, true
		}
	case fitEviction:
		if f.Eviction {
			if p, ok := parent(); ok {
				return p, none, true
			}
		}
	case fitYoungChild, fitTeen:
		lo, hi := 4, 11
		if ft == fitTeen {
			lo, hi = 12, 17
		}
		if k, ok := child(lo, hi); ok {
			p, ok := parent()
			return p, k, ok
		}
	case fitDomestic:
		if f.Domestic && len(minors(h, g.today)) > 0 {
			p, ok := parent()
			return p, none, ok
		}
	case fitAddiction:
		p, ok := get(f.Addiction)
		return p, none, ok
	case fitJustice:
		p, ok := get(f.Justice)
		return p, none, ok
	case fitParentIncome:
		if f.Bijstand && len(ad) == 1 && len(minors(h, g.today)) > 0 {
			return ad[0], none, true
		}
	case fitAny:
		if len(ad) > 0 {
			return ad[0], none, true
		}
	case fitNewYoung, fitNewFamily, fitNewElder:
		if len(ad) == 0 {
			break
		}
		kids := len(minors(h, g.today)) > 0
		old := ad[0].Age(g.today) >= 65
		if ft == fitNewFamily && kids || ft == fitNewElder && old && !kids || ft == fitNewYoung && !old && !kids {
			return ad[0], none, true
		}
	}
	return none, none, false
}

// newSignal draws a signal about household f (nil: an address no one
// knew) reported at t; newHousehold picks from the texts for unknown
// addresses while f's household exists in the World.
func (g *cwGen) newSignal(r *rand.Rand, f *HouseholdFacts, t time.Time, newHousehold bool) *SignalPlan {
	type cand struct {
		st    signalText
		p, ch people.Person
	}
	var cands, general []cand
	for _, st := range signalTexts {
		if isNew := st.fit >= fitNewYoung; isNew != (newHousehold || f == nil) {
			continue
		}
		if f == nil {
			cands = append(cands, cand{st: st})
			continue
		}
		p, ch, ok := g.subject(f, st.fit)
		switch {
		case !ok:
		case st.fit == fitNewElder && (st.bron == "politie") != (p.Geslacht == "man"):
			// the police found a man, home care a woman
		case st.fit == fitAny:
			general = append(general, cand{st, p, ch})
		default:
			cands = append(cands, cand{st, p, ch})
		}
	}
	// Specific texts win over the general ones.
	if len(cands) == 0 {
		cands = general
	}
	if len(cands) == 0 {
		for _, st := range signalTexts {
			if newHousehold && st.fit >= fitNewYoung {
				p, ch, _ := g.subject(f, fitAny)
				cands = append(cands, cand{st, p, ch})
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	c := cands[r.IntN(len(cands))]
	st := c.st
	sp := &SignalPlan{HH: -1, At: t}
	var h people.Household
	if f != nil {
		sp.HH = f.HH
		h = *g.hh(f.HH)
	}
	vars := personVars(c.p, g.today)
	if c.p.ID == "" {
		vars = personVars(people.Person{Geslacht: "onbekend"}, g.today)
	}
	if c.ch.ID != "" {
		childVars(vars, c.ch, g.today)
		vars["Ouder"] = "Moeder"
		if c.p.Geslacht == "man" {
			vars["Ouder"] = "Vader"
		}
	}
	if h.Huisnummer > 0 { // else the caller fills in the address
		vars["nummer"] = strconv.Itoa(h.Huisnummer)
	}
	vars["maanden"] = numberWord(2 + r.IntN(3))
	vars["bedrag"] = euro(casework.Cents((600 + r.Int64N(2000)) * 100))
	if f != nil {
		vars["kinderen"] = numberWord(len(minors(g.hh(f.HH), g.today)))
	}
	sp.Signal = casework.Signal{
		Gemeente: g.w.Gemeente.Code, Wijk: h.Wijk, Postcode: h.Postcode, Huisnummer: h.Huisnummer, Toevoeging: h.Toevoeging,
		Bron: st.bron, Wat: fill(st.text, vars), Domeinen: st.domeinen, Urgentie: st.urgentie,
		BewonerWeet: st.weet, BewonerAkkoord: st.akkoord,
	}
	if st.naam && c.p.ID != "" {
		switch {
		case c.ch.ID != "" && st.bron == "school":
			sp.Signal.Naam = c.ch.Name()
		case c.ch.ID != "":
			sp.Signal.Naam = "Fam. " + c.p.Achternaam
			if c.p.Tussenvoegsel != "" {
				sp.Signal.Naam = "Fam. " + c.p.Tussenvoegsel + " " + c.p.Achternaam
			}
		default:
			sp.Signal.Naam = title(c.p)
		}
	}
	sp.Reporter = g.reporter(r, st.bron, g.teamOfWijk(h.Wijk))
	g.cw.Signals = append(g.cw.Signals, sp)
	return sp
}

// teamOfWijk is the team working in the wijk.
func (g *cwGen) teamOfWijk(wijk string) int {
	for t, tm := range g.cw.Teams {
		for _, wk := range tm.Wijken {
			if wk == wijk {
				return t
			}
		}
	}
	return 0
}

// reporter is who enters a signal from a source: the partner's own
// account for home care, the GP and the housing corporation; a team
// member (who took the call) for the others.
func (g *cwGen) reporter(r *rand.Rand, bron string, team int) int {
	for i, u := range g.cw.Users {
		if u.Role == auth.Melder && u.Email == LoginEmail(g.w.Gemeente.Naam, bron) {
			return i
		}
	}
	ms := g.cw.Teams[team].Members
	for try := 0; try < 10; try++ {
		if m := pick(r, ms); m != g.cw.teamleider {
			return m
		}
	}
	return ms[0]
}

// signals draws the signals that started cases and those that did not,
// and the open ones in the inbox.
func (g *cwGen) signals() {
	r := g.r("signals")
	total := float64(len(g.w.Households))
	n := func(share float64) int { return int(math.Round(share * total)) }

	// Signals that started a case: the case opens the day of the triage.
	var eligible []*CasePlan
	for _, c := range g.cw.Cases {
		if c.Signal == nil && g.start.AddDays(10).Before(dateOf(c.Opened)) {
			eligible = append(eligible, c)
		}
	}
	r.Shuffle(len(eligible), func(i, j int) { eligible[i], eligible[j] = eligible[j], eligible[i] })
	for _, c := range eligible[:min(len(eligible), n(caseSignalShare))] {
		sp := g.newSignal(r, g.cw.Facts[c.HH], time.Time{}, false)
		if sp == nil {
			continue
		}
		sp.At = c.Opened.Add(-time.Duration(24*(1+r.IntN(8))+r.IntN(6)) * time.Hour)
		if sp.Signal.Urgentie == "hoog" || sp.Signal.Urgentie == "acuut" {
			sp.At = c.Opened.Add(-time.Duration(2+r.IntN(20)) * time.Hour)
		}
		sp.Outcome, sp.TriagedBy, sp.TriagedAt = casework.SignalLinked, c.Opener, c.Opened.Add(-15*time.Minute)
		c.Signal = sp
	}
	// A signal about a household the team already works with.
	var running []*CasePlan
	for _, c := range g.cw.Cases {
		if c.Active() && days(dateOf(c.Opened), g.today) > 60 {
			running = append(running, c)
		}
	}
	r.Shuffle(len(running), func(i, j int) { running[i], running[j] = running[j], running[i] })
	for _, c := range running[:min(len(running), n(linkedSignalShare))] {
		d := dayBetween(r, dateOf(c.Opened).AddDays(30), g.today.AddDays(-7))
		sp := g.newSignal(r, g.cw.Facts[c.HH], workTime(r, d), false)
		if sp == nil {
			continue
		}
		sp.Outcome, sp.TriagedAt = casework.SignalLinked, workTime(r, d.AddDays(1+r.IntN(2)))
		sp.TriagedBy = c.RegisseurAt(sp.TriagedAt)
	}
	// Referred and closed: households the team does not work with.
	var others []int
	for i := range g.cw.Facts {
		if _, ok := g.active[i]; !ok && len(g.closed[i]) == 0 {
			others = append(others, i)
		}
	}
	r.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	for j := 0; j < min(len(others), n(referredSignalShare)+n(closedSignalShare)); j++ {
		f := g.cw.Facts[others[j]]
		d := dayBetween(r, g.start.AddDays(20), g.today.AddDays(-25))
		sp := g.newSignal(r, f, workTime(r, d), false)
		if sp == nil {
			continue
		}
		sp.TriagedAt = workTime(r, d.AddDays(1+r.IntN(5)))
		sp.TriagedBy = g.teamMember(r, f.Team, -1)
		p, _, _ := g.subject(f, fitAny)
		vars := personVars(p, g.today)
		if j < n(referredSignalShare) {
			sp.Outcome = casework.SignalReferred
			reasons := referReasons[sp.Signal.Domeinen[0]]
			if reasons == nil {
				reasons = referReasons[""]
			}
			sp.Reden = fill(pick(r, reasons), vars)
		} else {
			sp.Outcome = casework.SignalClosed
			sp.Reden = fill(pick(r, closeSignalReasons), vars)
		}
	}
	// The inbox: open signals of the last three weeks, most about known
	// households (weighted by their problems), some about addresses no
	// one knew.
	open := n(openSignalShare)
	if open == 0 && total >= 20 {
		open = 1
	}
	weights := make([]float64, len(g.cw.Facts))
	for i, f := range g.cw.Facts {
		weights[i] = 0.3 + f.complexity()
	}
	gn := &gen{w: g.w, r: r, today: g.today}
	for j := 0; j < open; j++ {
		ago := 1 + int(math.Floor(20*math.Pow(r.Float64(), 1.6)))
		t := at(g.today.AddDays(-ago), 7*60+r.IntN(13*60))
		// every fourth one (unknownOpenShare) is about an unknown address
		if int(float64(j+1)*unknownOpenShare) > int(float64(j)*unknownOpenShare) {
			h, err := g.w.address(r, gn.wijk())
			if err != nil {
				g.fail(err)
				return
			}
			sp := g.newSignal(r, nil, t, false)
			if sp == nil {
				continue
			}
			sp.Signal.Wijk, sp.Signal.Postcode, sp.Signal.Huisnummer, sp.Signal.Toevoeging = h.Wijk, h.Postcode, h.Huisnummer, h.Toevoeging
			vars := map[string]string{"nummer": strconv.Itoa(h.Huisnummer)}
			sp.Signal.Wat = fill(sp.Signal.Wat, vars)
			sp.Reporter = g.reporter(r, sp.Signal.Bron, g.teamOfWijk(h.Wijk))
			continue
		}
		i := pickWeighted(r, len(weights), func(i int) float64 { return weights[i] })
		weights[i] = 0 // one open signal per household
		sp := g.newSignal(r, g.cw.Facts[i], t, false)
		if sp == nil {
			continue
		}
		if (sp.Signal.Bron == "politie" || sp.Signal.Bron == "buren") && sp.Signal.Urgentie == "hoog" && chance(r, 0.3) {
			sp.Signal.Urgentie = "acuut"
		}
	}
	sort.SliceStable(g.cw.Signals, func(i, j int) bool { return g.cw.Signals[i].At.Before(g.cw.Signals[j].At) })
}

// writeSignal schedules the report and the triage.
func (g *cwGen) writeSignal(sp *SignalPlan) {
	gm := g.w.Gemeente.Code
	var id string
	g.ev.add(sp.At, "signal", func(ctx context.Context, st *store.Store) error {
		s := sp.Signal
		s.Domeinen = append([]string{}, sp.Signal.Domeinen...)
		if err := st.CreateSignal(ctx, g.user(sp.Reporter).actor(gm), &s); err != nil {
			return err
		}
		id = s.ID
		return nil
	})
	if sp.Outcome == "" {
		return
	}
	g.ev.add(sp.TriagedAt, "triage", func(ctx context.Context, st *store.Store) error {
		t := casework.Triage{Outcome: sp.Outcome, Reden: sp.Reden}
		if sp.Outcome == casework.SignalLinked {
			t.Household = g.hid(sp.HH)
		}
		res, err := st.TriageSignal(ctx, g.user(sp.TriagedBy).actor(gm), id, t)
		if err != nil {
			return err
		}
		if sp.NewHousehold {
			g.adopt(sp.HH, res.Household)
		}
		return nil
	})
}

// adopt gives a household started by a signal its id from the store.
func (g *cwGen) adopt(i int, id string) {
	h := g.hh(i)
	kind := g.w.Kinds[h.ID]
	delete(g.w.Kinds, h.ID)
	h.ID = id
	for j := range h.Members {
		h.Members[j].Household = id
	}
	g.w.Kinds[id] = kind
}

// writeNewMembers schedules the members of a household started by a
// signal: the regisseur adds them after the first visit.
func (g *cwGen) writeNewMembers(c *CasePlan) {
	gm := g.w.Gemeente.Code
	t := c.Opened.Add(time.Duration(24*(1+int(hash64(g.hh(c.HH).Postcode)%3))) * time.Hour)
	g.ev.add(t, "members", func(ctx context.Context, st *store.Store) error {
		h := g.hh(c.HH)
		a := g.user(c.Opener).actor(gm)
		for j := range h.Members {
			m := h.Members[j]
			p := m.Person
			if err := st.CreatePerson(ctx, a, &p, &m); err != nil {
				return err
			}
		}
		return nil
	})
}

package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// How cases go. These are assumptions (the shared data holds no outcomes):
// most households move up on the ZRM, a minority falls back (a relapse in
// mental health, new debts); satisfaction averages 7 to 8, near the 8.5
// one provider scored (DOMAIN.md).
const (
	progressShare = 0.65 // households that move up on the ZRM
	relapseShare  = 0.17 // fall back at the latest assessment
	// notAssessedShare of the adults in a case have no ZRM (yet): the
	// case is new, or a partner did not take part.
	notAssessedShare = 0.12
	planShare        = 0.9 // active cases (past the first weeks) with a plan
	// changeChance is the chance that an agreed plan older than three
	// months, with more problems than goals, got a goal added later (a
	// new version, agreed again or not yet).
	changeChance = 0.3
)

// AssessmentPlan is one ZRM assessment of a person.
type AssessmentPlan struct {
	HH     int
	Person string
	Datum  people.Date
	At     time.Time
	By     int
	Scores map[string]int
	Note   string
}

// CarePlan is the household's plan: goals in their own words, agreed (or
// not yet), perhaps changed into a second version, evaluated.
type CarePlan struct {
	Datum       people.Date
	At          time.Time
	By          int
	Goals       []*GoalPlan // version 1 first; a goal added by Change last
	Agreed      *casework.Agreement
	AgreedAt    time.Time
	Change      *PlanChange
	Evaluations []*EvaluationPlan

	goalIDs []string // the store's ids by goal index, while writing
}

// GoalPlan is a goal with its actions.
type GoalPlan struct {
	Goal casework.Goal
}

// PlanChange adds a goal to an agreed plan: the store makes version 2,
// which the household agrees to again (or not yet).
type PlanChange struct {
	Datum    people.Date
	At       time.Time
	By       int
	Goal     *GoalPlan
	Agreed   *casework.Agreement
	AgreedAt time.Time
}

// EvaluationPlan is the household's feedback on the plan; Doelen sets
// goal statuses by goal index.
type EvaluationPlan struct {
	At           time.Time
	By           int
	Soort        string
	Datum        people.Date
	Tevredenheid int
	Gezegd       string
	Doelen       map[int]string
}

// NotePlan is a note in the household's file.
type NotePlan struct {
	ID        string
	HH        int
	By        int
	At        time.Time
	Text      string
	Sensitive bool
}

// trajectory is how a household's case goes.
type trajectory int

const (
	progress trajectory = iota
	relapse
	stable
)

// history draws assessments, plans and notes for every case, and schedules
// all writes of signals and cases.
func (g *cwGen) history() {
	r := g.r("history")
	for _, c := range g.cw.Cases {
		tr := stable
		switch x := r.Float64(); {
		case x < progressShare:
			tr = progress
		case x < progressShare+relapseShare:
			tr = relapse
		}
		g.assessments(r, c, tr)
		g.plan(r, c, tr)
		g.notes(r, c)
	}
	for _, sp := range g.cw.Signals {
		g.writeSignal(sp)
	}
	for _, c := range g.cw.Cases {
		if c.Signal != nil && c.Signal.NewHousehold {
			g.writeNewMembers(c)
		}
		g.writeCase(c)
		for _, a := range c.Assessments {
			g.writeAssessment(a)
		}
		if c.Plan != nil {
			g.writePlan(c)
		}
		for _, n := range c.Notes {
			g.writeNote(n)
		}
	}
}

// --- ZRM ---

// baseline is where a person stands on the 13 ZRM domains when the case
// starts, following the household's problems.
func (g *cwGen) baseline(r *rand.Rand, f *HouseholdFacts, p people.Person) map[string]int {
	age := p.Age(g.today)
	s := map[string]int{}
	for _, d := range casework.Domains {
		switch x := r.Float64(); {
		case x < 0.12:
			s[d.Code] = 3
		case x < 0.72:
			s[d.Code] = 4
		default:
			s[d.Code] = 5
		}
	}
	if age >= 67 {
		s["werk_opleiding"] = 0 // retired: not assessed
	}
	s["justitie"] = 5
	if chance(r, 0.3) {
		s["justitie"] = 0
	}
	if chance(r, 0.15) {
		s["middelengebruik"] = 0
	}
	lower := func(d string, l int) {
		if s[d] == 0 || l < s[d] {
			s[d] = l
		}
	}
	switch {
	case f.Debts && f.Eviction:
		lower("financien", 1)
	case f.Debts:
		lower("financien", 1+r.IntN(2))
	case f.Bijstand:
		lower("financien", 3)
	}
	if f.Bijstand && age < 67 {
		lower("werk_opleiding", 2)
	}
	if f.Eviction {
		lower("huisvesting", 1+r.IntN(2))
	}
	if p.ID == f.MentalHealth {
		lower("geestelijke_gezondheid", 1+min(1, r.IntN(4)))
		lower("tijdsbesteding", 2+r.IntN(2))
		lower("sociaal_netwerk", 2+r.IntN(2))
		lower("maatschappelijke_participatie", 2+r.IntN(2))
	}
	if p.ID == f.Addiction {
		lower("middelengebruik", 1+r.IntN(2))
		lower("huiselijke_relaties", 3)
	}
	if f.Domestic && age < 65 {
		lower("huiselijke_relaties", 1+min(1, r.IntN(4)))
	}
	if len(f.Youth) > 0 && age < 65 {
		lower("huiselijke_relaties", 3)
	}
	if f.isFrail(p.ID) {
		lower("basale_adl", 2+r.IntN(2))
		lower("instrumentele_adl", 2)
		lower("lichamelijke_gezondheid", 2+r.IntN(2))
		lower("maatschappelijke_participatie", 3)
	}
	if p.ID == f.Isolated {
		lower("sociaal_netwerk", 2)
		lower("tijdsbesteding", 3)
	}
	if p.ID == f.Carer {
		lower("geestelijke_gezondheid", 3)
		lower("sociaal_netwerk", 3)
	}
	if p.ID == f.Disability {
		lower("lichamelijke_gezondheid", 2)
		lower("instrumentele_adl", 3)
	}
	if p.ID == f.Justice {
		lower("justitie", 2)
		lower("werk_opleiding", 2)
	}
	return s
}

// assessments draws 1–4 dated ZRM assessments for the adults of a case,
// on the same visits: the first within four weeks, then every four to
// nine months (so some are older than six months now).
func (g *cwGen) assessments(r *rand.Rand, c *CasePlan, tr trajectory) {
	f := g.cw.Facts[c.HH]
	h := g.hh(c.HH)
	end := c.end(g.today)
	first := dateOf(c.Opened).AddDays(7 + r.IntN(22))
	if c.Signal != nil && c.Signal.NewHousehold {
		first = maxDate(first, dateOf(c.Opened).AddDays(8))
	}
	if end.Before(first) {
		return
	}
	var dates []people.Date
	for d := first; !end.Before(d) && len(dates) < 4; d = d.AddDays(120 + r.IntN(151)) {
		dates = append(dates, d)
	}
	// One visit per date; the adults one after the other.
	visits := make([]time.Time, len(dates))
	for k, d := range dates {
		visits[k] = at(d, 9*60+r.IntN(6*60))
	}
	for j, p := range adults(h, first) {
		focus := p.ID == f.MentalHealth || p.ID == f.Addiction || p.ID == f.Justice || p.ID == f.Isolated || f.isFrail(p.ID)
		if len(adults(h, first)) == 1 || len(dates) > 0 && p.ID == adults(h, first)[0].ID {
			focus = true
		}
		if !focus && chance(r, 0.25) || chance(r, notAssessedShare/2) {
			continue
		}
		if m, ok := member(h, p.ID); !ok || first.Before(m.Start) {
			continue
		}
		base := g.baseline(r, f, p)
		cur := map[string]int{}
		for k, v := range base {
			cur[k] = v
		}
		for k, d := range dates {
			if k > 0 {
				g.zrmStep(r, f, p, cur, base, tr, k == len(dates)-1)
			}
			scores := map[string]int{}
			for dom, v := range cur {
				scores[dom] = v
			}
			note := zrmNotes[0]
			if k > 0 {
				note = zrmNotes[1+r.IntN(2)]
				if tr == relapse && k == len(dates)-1 {
					note = zrmNotes[3]
				}
			}
			t := visits[k].Add(time.Duration(20*j) * time.Minute)
			c.Assessments = append(c.Assessments, &AssessmentPlan{HH: c.HH, Person: p.ID, Datum: d, At: t, By: c.RegisseurAt(t), Scores: scores, Note: note})
		}
	}
}

// zrmStep moves the levels from one assessment to the next: the problem
// domains up for households that progress (ggz slowly, and in the
// expensive combination it stays low), down on one or two of them at the
// last assessment for a relapse.
func (g *cwGen) zrmStep(r *rand.Rand, f *HouseholdFacts, p people.Person, cur, base map[string]int, tr trajectory, last bool) {
	for _, d := range casework.Domains {
		l := cur[d.Code]
		if l == 0 {
			continue
		}
		problem := base[d.Code] <= 3
		switch {
		case problem && tr != stable:
			pUp := 0.55
			if d.Code == "geestelijke_gezondheid" {
				pUp = 0.3
				if f.Expensive() && p.ID == f.MentalHealth && l >= 2 {
					pUp = 0
				}
			}
			if l < 4 && chance(r, pUp) {
				cur[d.Code] = l + 1
			}
		case problem && chance(r, 0.2):
			cur[d.Code] = min(4, l+1)
		case !problem && chance(r, 0.06):
			cur[d.Code] = max(1, min(5, l+[]int{-1, 1}[r.IntN(2)]))
		}
	}
	if tr == relapse && last {
		var probs []string
		for _, d := range casework.Domains {
			if base[d.Code] > 0 && base[d.Code] <= 3 {
				probs = append(probs, d.Code)
			}
		}
		if len(probs) == 0 {
			probs = []string{"geestelijke_gezondheid"}
		}
		for n := 1 + r.IntN(2); n > 0; n-- {
			d := pick(r, probs)
			cur[d] = max(1, cur[d]-1-r.IntN(2))
		}
	}
}

// levelAt is the person's level on a domain at the latest assessment on
// or before d (baseline 0: not assessed).
func levelAt(c *CasePlan, person, domain string, d people.Date) int {
	l := 0
	for _, a := range c.Assessments {
		if a.Person == person && !d.Before(a.Datum) {
			l = a.Scores[domain]
		}
	}
	return l
}

// --- the plan ---

// goalCand is a goal the household could set.
type goalCand struct {
	domein, person, text, about string
}

// goalCandidates lists the goals that fit the household's problems, the
// heaviest first.
func (g *cwGen) goalCandidates(r *rand.Rand, f *HouseholdFacts, d people.Date) []goalCand {
	h := g.hh(f.HH)
	ad := adults(h, d)
	if len(ad) == 0 {
		return nil
	}
	head := ad[0]
	for _, p := range ad {
		if p.Age(d) < 65 {
			head = p
			break
		}
	}
	texts := func(about string) []goalText {
		var out []goalText
		for _, t := range goalTexts {
			if t.about == about {
				out = append(out, t)
			}
		}
		return out
	}
	var out []goalCand
	add := func(about, person string, we bool) {
		ts := texts(about)
		if len(ts) == 0 {
			return
		}
		t := pick(r, ts)
		gc := goalCand{domein: t.domein, person: person, text: t.self, about: about}
		if we && t.we != "" && len(ad) > 1 {
			gc.person, gc.text = "", t.we
		}
		out = append(out, gc)
	}
	if f.Eviction {
		add("eviction", head.ID, chance(r, 0.5))
	}
	if f.Debts {
		add("debts", head.ID, chance(r, 0.4))
	}
	if f.MentalHealth != "" {
		add("ggz", f.MentalHealth, false)
	}
	if f.Addiction != "" {
		add("addiction", f.Addiction, false)
	}
	for _, id := range f.Youth {
		m, ok := member(h, id)
		if !ok {
			continue
		}
		yg := pick(r, youthGoals)
		vars := map[string]string{}
		childVars(vars, m.Person, d)
		text := fill(yg.young, vars)
		if m.Person.Age(d) >= 12 {
			text = yg.teen
		}
		out = append(out, goalCand{domein: yg.domein, person: id, text: text, about: "youth"})
	}
	if f.Domestic {
		add("domestic", head.ID, chance(r, 0.6))
	} else if len(f.Youth) > 0 && chance(r, 0.5) {
		add("youth", head.ID, chance(r, 0.5))
	}
	if f.Bijstand && !f.Debts {
		add("income", head.ID, false)
	}
	for _, id := range f.Frail {
		add("elderly", id, false)
	}
	if f.Isolated != "" {
		add("isolated", f.Isolated, false)
	}
	if f.Carer != "" {
		add("carer", f.Carer, false)
	}
	if f.Disability != "" {
		add("disability", f.Disability, false)
	}
	if f.Justice != "" {
		add("justice", f.Justice, false)
	}
	if len(out) == 0 {
		add("isolated", head.ID, false)
	}
	return out
}

// plan draws the household's plan: most cases have one, made with the
// household after the first assessment.
func (g *cwGen) plan(r *rand.Rand, c *CasePlan, tr trajectory) {
	f := g.cw.Facts[c.HH]
	end := c.end(g.today)
	d := dateOf(c.Opened).AddDays(14 + r.IntN(17))
	if len(c.Assessments) > 0 {
		d = c.Assessments[0].Datum.AddDays(r.IntN(11))
	}
	if end.Before(d) || !c.Active() && end.Before(d.AddDays(8)) || c.Active() && !chance(r, planShare) {
		return
	}
	t := workTime(r, d)
	p := &CarePlan{Datum: d, At: t, By: c.RegisseurAt(t)}
	cands := g.goalCandidates(r, f, d)
	n := min(len(cands), 2+r.IntN(2)+boolI(chance(r, 0.2)))
	for _, gc := range cands[:n] {
		p.Goals = append(p.Goals, g.goal(r, c, gc, d, tr))
	}
	if len(p.Goals) == 0 {
		return
	}
	c.Plan = p
	// Agreement: within two weeks, in most plans (a closed case's plan
	// was agreed before it closed).
	agree := d.AddDays(r.IntN(15))
	agreed := false
	switch {
	case !agree.Before(end) && !c.Active(), end.Before(agree):
	case !c.Active():
		agreed = true
	case days(d, g.today) > 14:
		agreed = chance(r, 0.95)
	default:
		agreed = chance(r, 0.5)
	}
	if agreed {
		p.Agreed = &casework.Agreement{Datum: agree, Wijze: pickWay(r), Toelichting: pick(r, agreementNotes)}
		p.AgreedAt = later2(workTime(r, agree), t.Add(30*time.Minute))
	}
	// A changed plan: a goal added later makes version 2.
	if p.Agreed != nil && c.Active() && len(cands) > n && days(p.Agreed.Datum, g.today) > 90 && chance(r, changeChance) {
		cd := dayBetween(r, p.Agreed.Datum.AddDays(60), minDate(p.Agreed.Datum.AddDays(240), g.today.AddDays(-3)))
		ct := workTime(r, cd)
		ch := &PlanChange{Datum: cd, At: later2(ct, p.AgreedAt.Add(time.Hour)), By: c.RegisseurAt(ct)}
		ch.Goal = g.goal(r, c, cands[n], cd, tr)
		if ad := cd.AddDays(r.IntN(15)); ad.Before(g.today) && chance(r, 0.75) {
			ch.Agreed = &casework.Agreement{Datum: ad, Wijze: pickWay(r), Toelichting: "Nieuw doel toegevoegd; samen besproken."}
			ch.AgreedAt = later2(workTime(r, ad), ch.At.Add(30*time.Minute))
		}
		p.Change = ch
	}
	g.evaluations(r, c, p, tr)
}

func boolI(b bool) int {
	if b {
		return 1
	}
	return 0
}

func later2(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}

func pickWay(r *rand.Rand) string {
	switch x := r.Float64(); {
	case x < 0.5:
		return "gesprek"
	case x < 0.8:
		return "getekend"
	case x < 0.9:
		return "digitaal"
	}
	return "telefonisch"
}

// goal makes a goal with a target level and date and its actions.
func (g *cwGen) goal(r *rand.Rand, c *CasePlan, gc goalCand, d people.Date, tr trajectory) *GoalPlan {
	now := levelAt(c, gc.person, gc.domein, d)
	target := 4
	if now > 0 {
		target = min(5, max(now+1, min(4, now+1+r.IntN(2))))
	}
	streef := d.AddDays(91 + r.IntN(275))
	goal := casework.Goal{Domein: gc.domein, Person: gc.person, Tekst: gc.text, DoelNiveau: target, Streefdatum: streef}
	var acts []actionText
	for _, a := range actionTexts {
		if a.domein == gc.domein {
			acts = append(acts, a)
		}
	}
	r.Shuffle(len(acts), func(i, j int) { acts[i], acts[j] = acts[j], acts[i] })
	age := days(d, g.today)
	for _, a := range acts[:min(len(acts), 1+r.IntN(3))] {
		st := "gepland"
		switch {
		case age > 180 && chance(r, 0.7):
			st = "gedaan"
		case age > 60 && chance(r, 0.6):
			st = "bezig"
		case age > 180:
			st = "bezig"
		}
		if tr == relapse && st == "gedaan" && chance(r, 0.3) {
			st = "gestopt"
		}
		ac := casework.Action{Tekst: a.text, Wie: a.wie, WieNaam: a.naam, Status: st}
		if chance(r, 0.4) {
			ac.Datum = d.AddDays(7 + r.IntN(54))
		}
		goal.Actions = append(goal.Actions, ac)
	}
	return &GoalPlan{Goal: goal}
}

// evaluations draws the reviews of an agreed plan (every five to eight
// months) and, for a closed case, the closing conversation.
func (g *cwGen) evaluations(r *rand.Rand, c *CasePlan, p *CarePlan, tr trajectory) {
	end := c.end(g.today)
	status := map[int]string{}
	allGoals := func() []*GoalPlan {
		out := append([]*GoalPlan{}, p.Goals...)
		if p.Change != nil {
			out = append(out, p.Change.Goal)
		}
		return out
	}
	if p.Agreed != nil {
		for d := p.Agreed.Datum.AddDays(140 + r.IntN(91)); d.Before(end.AddDays(-7)); d = d.AddDays(140 + r.IntN(91)) {
			if p.Change != nil && !d.Before(p.Change.Datum) && (p.Change.Agreed == nil || d.Before(p.Change.Agreed.Datum.AddDays(1))) {
				break // version 2 is not agreed (yet): no review
			}
			ev := &EvaluationPlan{Soort: casework.EvalReview, Datum: d, Doelen: map[int]string{}}
			ev.At = workTime(r, d)
			if p.Change != nil && p.Change.Agreed != nil && !d.Before(p.Change.Agreed.Datum) {
				ev.At = later2(ev.At, p.Change.AgreedAt.Add(time.Hour))
			} else {
				ev.At = later2(ev.At, p.AgreedAt.Add(time.Hour))
			}
			ev.By = c.RegisseurAt(ev.At)
			for i, gp := range allGoals() {
				if i >= len(p.Goals) && (p.Change == nil || d.Before(p.Change.Datum)) {
					continue
				}
				if status[i] != "" {
					continue
				}
				due := !d.Before(gp.Goal.Streefdatum)
				pReach, pMiss := 0.1, 0.0
				if due {
					pReach, pMiss = 0.55, 0.12
				}
				if tr == relapse {
					pReach /= 2
				}
				switch x := r.Float64(); {
				case x < pReach:
					status[i] = casework.GoalReached
					ev.Doelen[i] = casework.GoalReached
				case x < pReach+pMiss:
					status[i] = casework.GoalNotReached
					ev.Doelen[i] = casework.GoalNotReached
				}
			}
			ev.Tevredenheid = satisfaction(r, tr)
			ev.Gezegd = pick(r, evaluationSaid[ev.Tevredenheid])
			p.Evaluations = append(p.Evaluations, ev)
		}
	}
	if c.Active() {
		return
	}
	// Closing: every goal reached or not.
	ev := &EvaluationPlan{Soort: casework.EvalClose, Datum: end, At: c.Closed, Doelen: map[int]string{}}
	ev.By = c.RegisseurAt(ev.At)
	for i := range allGoals() {
		if status[i] != "" {
			continue
		}
		if tr != relapse && chance(r, 0.75) || chance(r, 0.35) {
			ev.Doelen[i] = casework.GoalReached
		} else {
			ev.Doelen[i] = casework.GoalNotReached
		}
	}
	ev.Tevredenheid = satisfaction(r, tr)
	ev.Gezegd = pick(r, evaluationSaid[ev.Tevredenheid])
	p.Evaluations = append(p.Evaluations, ev)
}

// satisfaction is a mark from 5 to 10: around 7.7 when it goes well,
// lower after a relapse.
func satisfaction(r *rand.Rand, tr trajectory) int {
	w := map[trajectory][]float64{
		progress: {0, 8, 30, 38, 17, 7},
		stable:   {8, 25, 40, 22, 5, 0},
		relapse:  {25, 35, 30, 10, 0, 0},
	}[tr]
	return 5 + pickWeighted(r, len(w), func(i int) float64 { return w[i] })
}

// --- notes ---

// notes draws the notes of a case: the first visit, and a few about what
// the household deals with; those about mental health, addiction and
// violence are sensitive.
func (g *cwGen) notes(r *rand.Rand, c *CasePlan) {
	f := g.cw.Facts[c.HH]
	h := g.hh(c.HH)
	end := c.end(g.today)
	open := dateOf(c.Opened)
	if !c.Active() || end.Before(open.AddDays(1)) {
		return
	}
	var abouts []string
	subject := map[string]string{}
	if f.Debts {
		abouts = append(abouts, "debts")
	}
	if f.Bijstand {
		abouts = append(abouts, "income")
	}
	if len(f.Youth) > 0 {
		abouts = append(abouts, "youth")
	}
	if f.MentalHealth != "" {
		abouts = append(abouts, "ggz")
		subject["ggz"] = f.MentalHealth
	}
	if f.Domestic {
		abouts = append(abouts, "domestic")
	}
	if f.Addiction != "" {
		abouts = append(abouts, "addiction")
		subject["addiction"] = f.Addiction
	}
	if len(f.Frail) > 0 {
		abouts = append(abouts, "elderly")
		subject["elderly"] = f.Frail[0]
	}
	ad := adults(h, g.today)
	add := func(about string, d people.Date) {
		var ts []noteText
		for _, n := range noteTexts {
			if n.about == about {
				ts = append(ts, n)
			}
		}
		nt := pick(r, ts)
		var p people.Person
		if id := subject[about]; id != "" {
			m, _ := member(h, id)
			p = m.Person
		} else if len(ad) > 0 {
			p = ad[0]
		}
		vars := personVars(p, g.today)
		if len(f.Youth) > 0 {
			if m, ok := member(h, f.Youth[0]); ok {
				childVars(vars, m.Person, g.today)
			}
		}
		t := workTime(r, d)
		c.Notes = append(c.Notes, &NotePlan{ID: g.w.NewID(), HH: c.HH, By: c.RegisseurAt(t), At: t, Text: fill(nt.text, vars), Sensitive: nt.sensitive})
	}
	first := open.AddDays(1 + r.IntN(6))
	if first.Before(g.today) {
		add("", first)
	}
	if days(open, end) < 14 {
		return
	}
	for k := r.IntN(2); k >= 0 && len(abouts) > 0; k-- {
		add(pick(r, abouts), dayBetween(r, open.AddDays(8), end))
	}
	if chance(r, 0.2) {
		add("", dayBetween(r, open.AddDays(8), end))
	}
}

// --- writing ---

func (g *cwGen) writeAssessment(a *AssessmentPlan) {
	gm := g.w.Gemeente.Code
	g.ev.add(a.At, "assessment", func(ctx context.Context, st *store.Store) error {
		as := casework.Assessment{Household: g.hid(a.HH), Person: a.Person, Datum: a.Datum, Toelichting: a.Note, Scores: map[string]int{}}
		for k, v := range a.Scores {
			as.Scores[k] = v
		}
		return st.CreateAssessment(ctx, g.user(a.By).actor(gm), &as)
	})
}

func (g *cwGen) writeNote(n *NotePlan) {
	gm := g.w.Gemeente.Code
	g.ev.add(n.At, "note", func(ctx context.Context, st *store.Store) error {
		cn := casework.Note{ID: n.ID, Household: g.hid(n.HH), Text: n.Text, Sensitive: n.Sensitive}
		return st.AddNote(ctx, g.user(n.By).actor(gm), &cn)
	})
}

// writePlan schedules the plan: started, goals added one by one, agreed,
// changed, evaluated.
func (g *cwGen) writePlan(c *CasePlan) {
	gm := g.w.Gemeente.Code
	p := c.Plan
	refresh := func(pl casework.Plan) {
		ids := make([]string, len(pl.Goals))
		for _, gl := range pl.Goals {
			if gl.Positie >= 1 && gl.Positie <= len(ids) {
				ids[gl.Positie-1] = gl.ID
			}
		}
		p.goalIDs = ids
	}
	g.ev.add(p.At, "plan", func(ctx context.Context, st *store.Store) error {
		a := g.user(p.By).actor(gm)
		if _, err := st.StartPlan(ctx, a, g.hid(c.HH), p.Datum); err != nil {
			return err
		}
		for _, gp := range p.Goals {
			goal := gp.Goal
			goal.Actions = append([]casework.Action{}, gp.Goal.Actions...)
			pl, err := st.AddGoal(ctx, a, g.hid(c.HH), &goal)
			if err != nil {
				return err
			}
			refresh(pl)
		}
		return nil
	})
	if p.Agreed != nil {
		g.ev.add(p.AgreedAt, "agree plan", func(ctx context.Context, st *store.Store) error {
			ag := *p.Agreed
			_, err := st.AgreePlan(ctx, g.user(c.RegisseurAt(p.AgreedAt)).actor(gm), g.hid(c.HH), &ag)
			return err
		})
	}
	if ch := p.Change; ch != nil {
		g.ev.add(ch.At, "change plan", func(ctx context.Context, st *store.Store) error {
			goal := ch.Goal.Goal
			goal.Actions = append([]casework.Action{}, ch.Goal.Goal.Actions...)
			pl, err := st.AddGoal(ctx, g.user(ch.By).actor(gm), g.hid(c.HH), &goal)
			if err != nil {
				return err
			}
			refresh(pl)
			return nil
		})
		if ch.Agreed != nil {
			g.ev.add(ch.AgreedAt, "agree plan v2", func(ctx context.Context, st *store.Store) error {
				ag := *ch.Agreed
				_, err := st.AgreePlan(ctx, g.user(c.RegisseurAt(ch.AgreedAt)).actor(gm), g.hid(c.HH), &ag)
				return err
			})
		}
	}
	for _, ev := range p.Evaluations {
		g.ev.add(ev.At, "evaluation", func(ctx context.Context, st *store.Store) error {
			e := casework.Evaluation{Soort: ev.Soort, Datum: ev.Datum, Tevredenheid: ev.Tevredenheid, Gezegd: ev.Gezegd, Doelen: map[string]string{}}
			for i, s := range ev.Doelen {
				if i >= len(p.goalIDs) || p.goalIDs[i] == "" {
					return fmt.Errorf("goal %d of the plan was not written", i)
				}
				e.Doelen[p.goalIDs[i]] = s
			}
			return st.CreateEvaluation(ctx, g.user(ev.By).actor(gm), g.hid(c.HH), &e)
		})
	}
}

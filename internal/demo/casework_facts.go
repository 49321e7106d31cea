package demo

import (
	"math"
	"math/rand/v2"

	"naober.nl/naober/internal/people"
)

// HouseholdFacts is what the demo decided about a household's life: its
// problems, drawn once, from which its signals, case, ZRM levels, plan
// goals, provisions and spends all follow. Person fields hold person ids.
type HouseholdFacts struct {
	HH   int     // index in World.Households
	Team int     // index in Casework.Teams
	Risk float64 // latent vulnerability: a z-score, the wijk's deprivation included

	Frail        []string // aged 65+ and needing support at home
	Carer        string   // the partner who cares for a frail person
	Isolated     string   // lonely
	Debts        bool     // problematic debts
	Eviction     bool     // rent arrears, eviction threatened
	Bijstand     bool     // living on welfare (Participatiewet)
	MentalHealth string   // an adult with mental-health problems (ggz)
	Addiction    string
	Disability   string // physical disability under 65
	Justice      string // a young adult in trouble with the law
	Youth        []string
	Domestic     bool // conflict or violence at home
}

// Problems counts the problems, the frailty of age counted lightly.
func (f *HouseholdFacts) Problems() int {
	n := 0
	for _, b := range []bool{f.Debts, f.Eviction, f.Bijstand, f.MentalHealth != "", f.Addiction != "", f.Disability != "",
		f.Justice != "", len(f.Youth) > 0, f.Domestic, f.Isolated != ""} {
		if b {
			n++
		}
	}
	return n
}

// Expensive reports the combination that predicts the highest cost
// (DOMAIN.md): adult ggz, youth care and debts in one household.
func (f *HouseholdFacts) Expensive() bool {
	return f.MentalHealth != "" && len(f.Youth) > 0 && f.Debts
}

func (f *HouseholdFacts) isYouth(id string) bool {
	for _, y := range f.Youth {
		if y == id {
			return true
		}
	}
	return false
}

func (f *HouseholdFacts) isFrail(id string) bool {
	for _, y := range f.Frail {
		if y == id {
			return true
		}
	}
	return false
}

// Calibration of the problems.
//
// The demo's households are those known to the social domain, so the rates
// are those among known households, not in the population. In the
// population (DOMAIN.md "Scale") 72 per 1,000 residents have a Wmo
// provision, 10.6% of under-23s youth care, 406,000 people bijstand and
// 614,000 households problematic debts (7.5% of 8.1 million); the 70
// Haaglanden wijken of wijk_rates_haaglanden.csv give the same picture per
// wijk (2020 means: Wmo 5.7% of residents, youth care 2.2%, bijstand 3.6%,
// mental-health care costs 4.2%, health-insurance arrears 1.5%), in the
// ratio Wmo : youth care : bijstand = 1 : 0.39 : 0.63. Among the known
// households the demo draws (Meppel, 1,200 households, seeds 1 and 2): a
// running Wmo provision in about 26% of the households (mostly the
// elderly), youth care for about 40% of the households with children over
// the two years (some 10% of all households at any moment), bijstand in
// about 20%, debts in 25–30% of the households with an adult under 65 and
// mental-health problems of an adult in about 22% of them. Persons with a
// running Wmo : youth care : Participatiewet provision come out near
// 1 : 0.4 : 0.7.
//
// Problems cluster: per wijk, bijstand and arrears correlate 0.97 and both
// 0.72 with mental-health costs (same file, 2020, the 64 wijken with over
// 1,000 residents). So each household draws one latent vulnerability, and
// every problem's odds rise with it. The wijk adds its own deprivation:
// the spread of bijstand between wijken is log-normal with sd(log) 0.9;
// among the already selected known households half of that remains
// (wijkDeprivation).

// wijkDeprivation is a fixed z-score per wijk (the same for every seed),
// uniform in ±1.7 (sd 1).
func wijkDeprivation(wijk string) float64 { return (hashFloat("deprivation/"+wijk) - 0.5) * 3.4 }

func logit(p float64) float64 { return math.Log(p / (1 - p)) }
func sigmoid(x float64) float64 {
	return 1 / (1 + math.Exp(-x))
}

// odds draws an event with base probability p, its log-odds raised by
// load × risk.
func odds(r *rand.Rand, p, load, risk float64) bool {
	return r.Float64() < sigmoid(logit(p)+load*risk)
}

// facts draws the problems of every household.
func (g *cwGen) facts() {
	r := g.r("facts")
	team := map[string]int{}
	for t, tm := range g.cw.Teams {
		for _, wk := range tm.Wijken {
			team[wk] = t
		}
	}
	g.cw.Facts = make([]*HouseholdFacts, len(g.w.Households))
	for i := range g.w.Households {
		h := g.hh(i)
		f := &HouseholdFacts{HH: i, Team: team[h.Wijk]}
		f.Risk = r.NormFloat64() + 0.45*wijkDeprivation(h.Wijk)
		g.drawProblems(r, f, g.w.Kinds[h.ID])
		g.cw.Facts[i] = f
	}
}

// drawProblems fills f for a household of the given kind.
func (g *cwGen) drawProblems(r *rand.Rand, f *HouseholdFacts, kind Kind) {
	h := g.hh(f.HH)
	today := g.today
	ad := adults(h, today)
	kids := minors(h, today)
	var working, elderly []people.Person
	for _, p := range ad {
		if p.Age(today) >= 65 {
			elderly = append(elderly, p)
		} else {
			working = append(working, p)
		}
	}
	z := f.Risk

	// Age: frailty rises steeply after 75 (most Wmo goes to the elderly).
	for _, p := range elderly {
		a := p.Age(today)
		pf := 0.2
		switch {
		case a >= 85:
			pf = 0.85
		case a >= 75:
			pf = 0.62
		}
		if chance(r, pf) {
			f.Frail = append(f.Frail, p.ID)
		}
	}
	if len(f.Frail) > 0 && len(ad) > 1 {
		for _, p := range ad {
			if !f.isFrail(p.ID) && chance(r, 0.45) {
				f.Carer = p.ID
				break
			}
		}
	}
	if len(ad) == 1 {
		p := ad[0]
		switch {
		case p.Age(today) >= 75 && odds(r, 0.3, 0.3, z):
			f.Isolated = p.ID
		case odds(r, 0.1, 0.6, z):
			f.Isolated = p.ID
		}
	}
	if len(working) == 0 {
		// Households of pensioners: AOW, rarely debts.
		f.Debts = odds(r, 0.04, 0.8, z)
		if len(ad) > 0 && odds(r, 0.05, 0.5, z) {
			f.MentalHealth = ad[r.IntN(len(ad))].ID
		}
		return
	}
	var pDebts, pBijstand, pGGZ float64
	switch kind {
	case KindSingle:
		pDebts, pBijstand, pGGZ = 0.26, 0.24, 0.22
	case KindSingleParent:
		pDebts, pBijstand, pGGZ = 0.36, 0.34, 0.22
	case KindCoupleKids:
		pDebts, pBijstand, pGGZ = 0.16, 0.09, 0.15
	case KindCouple:
		pDebts, pBijstand, pGGZ = 0.12, 0.08, 0.14
	default:
		pDebts, pBijstand, pGGZ = 0.2, 0.2, 0.2
	}
	f.Debts = odds(r, pDebts, 1.0, z)
	f.Bijstand = odds(r, pBijstand, 1.0, z+boolF(f.Debts, 0.6))
	f.Eviction = f.Debts && odds(r, 0.25, 0.5, z)
	if odds(r, pGGZ, 0.8, z+boolF(f.Debts, 0.5)) {
		f.MentalHealth = working[r.IntN(len(working))].ID
	}
	for _, p := range working {
		w := 0.05
		if p.Geslacht == "man" {
			w = 0.08
		}
		if f.Addiction == "" && odds(r, w, 1.0, z) {
			f.Addiction = p.ID
		}
		if f.Disability == "" && odds(r, 0.06, 0.3, z) {
			f.Disability = p.ID
		}
		if f.Justice == "" && p.Age(today) < 30 && p.Geslacht == "man" && odds(r, 0.1, 1.2, z) {
			f.Justice = p.ID
		}
	}
	if len(kids) > 0 {
		f.Domestic = odds(r, 0.08, 0.8, z+boolF(f.Addiction != "", 1))
		// Youth care in about 40% of the known families: the children
		// from 3 up, one (sometimes two) of them.
		py := 0.36
		if kind == KindSingleParent {
			py = 0.45
		}
		if odds(r, py, 0.4, z+boolF(f.Domestic, 1.5)+boolF(f.MentalHealth != "", 0.2)) {
			var older []people.Person
			for _, k := range kids {
				if k.Age(today) >= 3 {
					older = append(older, k)
				}
			}
			if len(older) > 0 {
				k := older[r.IntN(len(older))]
				f.Youth = append(f.Youth, k.ID)
				if len(older) > 1 && chance(r, 0.25) {
					for _, o := range older {
						if o.ID != k.ID {
							f.Youth = append(f.Youth, o.ID)
							break
						}
					}
				}
			}
		}
	} else if len(ad) > 1 {
		f.Domestic = odds(r, 0.03, 0.8, z)
	}
}

func boolF(b bool, x float64) float64 {
	if b {
		return x
	}
	return 0
}

// complexity orders households for a case: the more problems, and the
// heavier, the likelier the wijkteam works with them.
func (f *HouseholdFacts) complexity() float64 {
	s := 0.0
	add := func(b bool, x float64) {
		if b {
			s += x
		}
	}
	add(f.Debts, 1)
	add(f.Eviction, 1)
	add(f.Bijstand, 0.4)
	add(f.MentalHealth != "", 1.2)
	add(f.Addiction != "", 1)
	add(f.Disability != "", 0.4)
	add(f.Justice != "", 0.8)
	add(len(f.Youth) > 0, 1+0.5*float64(len(f.Youth)-1))
	add(f.Domestic, 1.2)
	add(f.Isolated != "", 0.4)
	add(len(f.Frail) > 0, 0.3)
	add(len(f.Frail) > 0 && f.Isolated != "", 0.6)
	add(f.Carer != "", 0.3)
	return s
}

package gen

import (
	"math"
	"math/rand/v2"
)

// National rates (../shared/DOMAIN.md, "Scale to plan for"), as the monthly
// prevalence the generator aims at: the share of the denominator that has
// the indicator in any given month.
const (
	rateWmo       = 0.072             // persons with a Wmo maatwerkvoorziening: 72 per 1,000 residents
	rateJw        = 0.106             // young people in youth care: 10.6% of under 23
	rateBijstand  = 406000.0 / 18.0e6 // bijstand: 406,000 of 18.0 million
	rateDebtHH    = 614000.0 / 8.1e6  // households with problematic debts: ~614,000 of ~8.1 million
	rateWgs       = 0.013             // persons (household heads) in debt relief (Wgs): ~234,000
	rateZRMFin    = 0.008             // persons with ZRM Financiën ≤ 2
	rateZRMGGZ    = 0.025             // adults with ZRM Geestelijke gezondheid ≤ 2
	ggzToZRM      = 0.6               // wijkprofielen: share of mental-health-cost users with ZRM ≤ 2
	rateVoorl     = 0.04              // persons using the voorliggend veld
	rateSignal    = 0.010             // households with an open signal
	ratePlan      = 0.015             // households with a current plan
	rateMaatwerk  = 0.001             // households with an approved maatwerk spend
	deprivSigma   = 0.45              // sd of the wijk deprivation effect
	meanWijkPop   = 18.0e6 / 3393     // mean residents per 2024 wijk
	sizeSigma     = 0.75              // sd of log wijk size (no counts in the data)
	maxPrevalence = 0.97
)

// Household types.
const (
	hhSingle uint8 = iota
	hhCouple
	hhCoupleKids
	hhSingleParent
)

var hhTypeName = [...]string{"alleen", "paar", "paar_kinderen", "eenouder"}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

// solve finds a such that the sum over xs of sigmoid(a+x) is T: the
// intercept that makes the expected number of units with an indicator in
// a month exactly the target. It returns -Inf when nothing is wanted.
func solve(xs []float64, T float64) float64 {
	n := float64(len(xs))
	if T <= 0 || n == 0 {
		return math.Inf(-1)
	}
	if T > maxPrevalence*n {
		T = maxPrevalence * n
	}
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= n
	lo, hi := -60.0, 60.0
	a := logit(T/n) - mean
	for it := 0; it < 60; it++ {
		s, d := 0.0, 0.0
		for _, x := range xs {
			p := sigmoid(a + x)
			s += p
			d += p * (1 - p)
		}
		f := s - T
		if math.Abs(f) < 1e-7*T+1e-9 {
			break
		}
		if f > 0 {
			hi = a
		} else {
			lo = a
		}
		an := a - f/d
		if d == 0 || !(an > lo && an < hi) {
			an = (lo + hi) / 2
		}
		a = an
	}
	return a
}

// spells walks a two-state monthly Markov chain over W months whose
// stationary share "on" is pi and whose mean "on" duration is mu months,
// calling emit for every on-spell [from, to) clipped to the window. In every
// month the probability of being on is exactly pi.
func spells(r *rand.Rand, pi, mu float64, W int, emit func(from, to int)) {
	if pi <= 0 {
		return
	}
	if lim := mu / (mu + 1); pi > lim {
		pi = lim
	}
	hOff := 1 / mu
	hOn := pi * hOff / (1 - pi)
	on := r.Float64() < pi
	t := 0
	for t < W {
		h := hOn
		if on {
			h = hOff
		}
		d := geom(r, h)
		if on {
			emit(t, min(t+d, W))
		}
		t += d
		on = !on
	}
}

// geom draws the number of months (≥ 1) until a switch with probability h per month.
func geom(r *rand.Rand, h float64) int {
	if h >= 1 {
		return 1
	}
	if h <= 0 {
		return math.MaxInt32
	}
	u := 1 - r.Float64() // (0, 1]
	d := 1 + math.Floor(math.Log(u)/math.Log1p(-h))
	if d > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(d)
}

// choice is a provision category with its weight and typical monthly cost.
type choice struct {
	code   string
	weight float64
	cents  int64 // typical monthly cost in euro cents; 0: free
}

type menu struct {
	items []choice
	cum   []float64
}

func newMenu(items ...choice) *menu {
	m := &menu{items: items}
	s := 0.0
	for _, c := range items {
		s += c.weight
		m.cum = append(m.cum, s)
	}
	for i := range m.cum {
		m.cum[i] /= s
	}
	return m
}

func (m *menu) pick(r *rand.Rand) int {
	u := r.Float64()
	for i, c := range m.cum {
		if u < c {
			return i
		}
	}
	return len(m.cum) - 1
}

// Category menus per law (codes from internal/casework: WMO020, JZ020 and
// naober's own Pw/Wgs/voorliggend codes) with plausible monthly costs.
var (
	wmoOld = newMenu(
		choice{"01", 42, 30000}, choice{"08", 18, 6000}, choice{"11", 10, 8000}, choice{"13", 10, 15000},
		choice{"14", 7, 5000}, choice{"02", 6, 90000}, choice{"07", 5, 100000}, choice{"03", 2, 60000})
	wmoAdult = newMenu(
		choice{"02", 35, 90000}, choice{"01", 12, 30000}, choice{"07", 12, 100000}, choice{"15", 8, 600000},
		choice{"16", 4, 350000}, choice{"06", 6, 40000}, choice{"08", 8, 6000}, choice{"14", 5, 5000},
		choice{"11", 5, 8000}, choice{"13", 5, 15000})
	wmoChild = newMenu(choice{"13", 40, 15000}, choice{"14", 35, 5000}, choice{"11", 25, 8000})
	jwMenu   = newMenu(
		choice{"45", 55, 70000}, choice{"54", 15, 90000}, choice{"51", 8, 40000}, choice{"41", 5, 200000},
		choice{"43", 4, 900000}, choice{"44", 2, 500000}, choice{"48", 5, 48000}, choice{"47", 2, 40000},
		choice{"50", 4, 100000})
	pwSingle = newMenu(choice{"PW-BIJSTAND", 1, 135000})
	pwCouple = newMenu(choice{"PW-BIJSTAND", 1, 193000})
	wgsMenu  = newMenu(choice{"WGS-SCHULDHULP", 55, 12000}, choice{"WGS-BEWIND", 30, 12500}, choice{"WGS-BUDGETBEHEER", 15, 6000})
	vvMenu   = newMenu(choice{"VV-SOCIAALWERK", 40, 0}, choice{"VV-BUURTHUIS", 25, 0}, choice{"VV-VRIJWILLIGER", 15, 0},
		choice{"VV-MANTELZORG", 10, 0}, choice{"VV-GROEP", 10, 0})
)

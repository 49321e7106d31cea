package gen

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/casework"
)

// Defaults of Options.
const (
	DefaultPersons = 18_000_000
	DefaultMonths  = 24
	DefaultEnd     = 202611
)

// Options control a generation run.
type Options struct {
	Persons   int      // residents in total (default 18,000,000)
	Out       string   // directory to write to (created)
	Seed      uint64   // same seed, same options: same files
	Months    int      // length of the window (default 24)
	End       int      // last month of the window as YYYYMM (default 202611)
	Gemeenten []string // restrict to these gemeenten (CBS codes); empty: all 342
	Workers   int      // generating goroutines (default GOMAXPROCS)
	Log       io.Writer
}

// Summary tells what a run wrote.
type Summary struct {
	Persons, Households      int64
	Facts, Provisions, Costs int64
	Gemeenten, Wijken        int
	Buurten                  int
	Bytes                    int64
	First, Last              int // window, YYYYMM, both included
	Elapsed                  time.Duration
}

// Files written by Run, in the order of doc.go.
var Files = []string{"persons.csv", "households.csv", "facts.csv", "provisions.csv", "costs.csv"}

// wijkPlan is what is decided about a wijk before generation.
type wijkPlan struct {
	wijk      area.Wijk
	persons   int
	firstID   int64 // id of the wijk's first person
	buurten   []area.Buurt
	prof      *Profile
	depriv    float64 // deprivation effect u (log scale)
	seed      uint64
	singleMul float64
}

// Run generates the population and writes the CSV files into o.Out.
func Run(o Options) (Summary, error) {
	start := time.Now()
	if o.Persons == 0 {
		o.Persons = DefaultPersons
	}
	if o.Months == 0 {
		o.Months = DefaultMonths
	}
	if o.End == 0 {
		o.End = DefaultEnd
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Persons < 1 {
		return Summary{}, errors.New("persons: give a positive number")
	}
	if o.Months < 1 || o.Months > 240 {
		return Summary{}, errors.New("months: give 1 to 240")
	}
	if o.End/100 < 1900 || o.End%100 < 1 || o.End%100 > 12 {
		return Summary{}, fmt.Errorf("end: %d is not a month of the form YYYYMM", o.End)
	}
	if o.Out == "" {
		return Summary{}, errors.New("out: name the directory to write to")
	}
	plans, err := plan(o)
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return Summary{}, err
	}
	months := monthTable(o.End, o.Months)
	sum := Summary{First: months[0], Last: months[o.Months-1]}
	gems := map[string]bool{}
	for _, p := range plans {
		gems[p.wijk.Gemeente] = true
		sum.Buurten += len(p.buurten)
	}
	sum.Gemeenten, sum.Wijken = len(gems), len(plans)

	files := make([]*os.File, len(Files))
	ws := make([]*bufio.Writer, len(Files))
	for i, name := range Files {
		f, err := os.Create(filepath.Join(o.Out, name))
		if err != nil {
			return Summary{}, err
		}
		defer f.Close()
		files[i] = f
		ws[i] = bufio.NewWriterSize(f, 1<<20)
	}
	ws[0].WriteString("id,household,gemeente,wijk,buurt,birth\n")
	ws[1].WriteString("id,gemeente,wijk,buurt,size,type,debts\n")
	ws[2].WriteString("person,indicator,from_month,to_month\n")
	ws[3].WriteString("person,wet,categorie,taakveld,from_month,to_month,cents_per_month\n")
	ws[4].WriteString("person,month,wet,taakveld,categorie,cents\n")

	// Workers generate wijken in parallel; the writer takes them in order.
	results := make([]chan *wijkOut, len(plans))
	for i := range results {
		results[i] = make(chan *wijkOut, 1)
	}
	tokens := make(chan struct{}, 2*o.Workers+2)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := &wijkGen{months: months, W: o.Months}
			for i := range jobs {
				results[i] <- g.run(&plans[i])
			}
		}()
	}
	go func() {
		for i := range plans {
			tokens <- struct{}{}
			jobs <- i
		}
		close(jobs)
	}()
	lastLog := time.Now()
	for i := range plans {
		r := <-results[i]
		for k := range ws {
			if _, err := ws[k].Write(r.buf[k]); err != nil {
				return Summary{}, err
			}
		}
		sum.Persons += r.persons
		sum.Households += r.households
		sum.Facts += r.facts
		sum.Provisions += r.provisions
		sum.Costs += r.costs
		<-tokens
		if o.Log != nil && time.Since(lastLog) > 5*time.Second {
			lastLog = time.Now()
			fmt.Fprintf(o.Log, "gen: %d of %d wijken, %d persons, %s\n", i+1, len(plans), sum.Persons, time.Since(start).Round(time.Second))
		}
	}
	wg.Wait()
	for k, w := range ws {
		if err := w.Flush(); err != nil {
			return Summary{}, err
		}
		if err := files[k].Close(); err != nil {
			return Summary{}, err
		}
		st, err := os.Stat(files[k].Name())
		if err != nil {
			return Summary{}, err
		}
		sum.Bytes += st.Size()
	}
	sum.Elapsed = time.Since(start)
	man := map[string]any{
		"generator": "naober gen national", "seed": o.Seed, "persons": sum.Persons, "households": sum.Households,
		"facts": sum.Facts, "provisions": sum.Provisions, "costs": sum.Costs,
		"gemeenten": sum.Gemeenten, "wijken": sum.Wijken, "buurten": sum.Buurten,
		"first_month": sum.First, "last_month": sum.Last, "months": o.Months, "restricted_to": o.Gemeenten,
		"files": Files, "attribution": []string{area.Attribution + " (" + area.Licence + ")", WijkprofielenAttribution},
	}
	b, _ := json.MarshalIndent(man, "", "  ")
	if err := os.WriteFile(filepath.Join(o.Out, "manifest.json"), append(b, '\n'), 0o644); err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// monthTable lists the window's months as YYYYMM plus the month after it.
func monthTable(end, n int) []int {
	idx := (end/100)*12 + end%100 - 1 - (n - 1)
	out := make([]int, n+1)
	for i := range out {
		m := idx + i
		out[i] = (m/12)*100 + m%12 + 1
	}
	return out
}

func hash64(seed uint64, s string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(seed >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(s))
	x := h.Sum64()
	// splitmix finaliser
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// plan decides every wijk's size, ids, buurten and effects.
func plan(o Options) ([]wijkPlan, error) {
	atlas, err := area.Load()
	if err != nil {
		return nil, err
	}
	profs, err := Profiles()
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, g := range o.Gemeenten {
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		if _, ok := atlas.Gemeente(g); !ok {
			return nil, fmt.Errorf("gemeenten: %q is not a 2024 CBS gemeente code", g)
		}
		want[g] = true
	}
	gems := atlas.Gemeenten()
	slices.SortFunc(gems, func(a, b area.Gemeente) int { return cmp.Compare(a.Code, b.Code) })
	var plans []wijkPlan
	for _, g := range gems {
		if len(want) > 0 && !want[g.Code] {
			continue
		}
		for _, w := range atlas.Wijken(g.Code) {
			plans = append(plans, wijkPlan{wijk: w, seed: hash64(o.Seed, w.Code)})
		}
	}
	slices.SortFunc(plans, func(a, b wijkPlan) int { return cmp.Compare(a.wijk.Code, b.wijk.Code) })
	weights := make([]float64, len(plans))
	for i := range plans {
		p := &plans[i]
		r := rand.New(rand.NewPCG(p.seed, 0x6e616f626572))
		weights[i] = meanWijkPop * math.Exp(sizeSigma*r.NormFloat64()-sizeSigma*sizeSigma/2)
		p.depriv = deprivSigma * r.NormFloat64()
		p.singleMul = math.Exp(0.25*r.NormFloat64() - 0.25*0.25/2)
		if pr, ok := profs[p.wijk.Code]; ok {
			p.prof = &pr
			if pr.Population > 0 {
				weights[i] = float64(pr.Population)
			}
			// The rates the data lack follow the wijk's real bijstand share.
			if pr.Bijstand > 0 {
				p.depriv = max(-1.5, min(1.5, math.Log(pr.Bijstand/rateBijstand)))
			}
		}
	}
	if len(plans) == 0 {
		return nil, errors.New("gemeenten: no wijken selected")
	}
	// Largest remainder: exactly o.Persons in total.
	total := 0.0
	for _, w := range weights {
		total += w
	}
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, len(plans))
	given := 0
	for i, w := range weights {
		x := w / total * float64(o.Persons)
		plans[i].persons = int(x)
		given += int(x)
		rems[i] = rem{i, x - math.Floor(x)}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.f, a.f) })
	for k := 0; given < o.Persons; k++ {
		plans[rems[k%len(rems)].i].persons++
		given++
	}
	id := int64(1)
	for i := range plans {
		p := &plans[i]
		p.firstID = id
		id += int64(p.persons)
		nb := max(1, min(40, int(math.Round(float64(p.persons)/1300))))
		p.buurten = area.SyntheticBuurten(p.wijk, nb)
		if p.buurten == nil {
			return nil, fmt.Errorf("wijk %s: cannot make buurten", p.wijk.Code)
		}
	}
	return plans, nil
}

// ---- one wijk

type person struct {
	hh   int32
	ageM int32 // age in months at the start of the window
}

type household struct {
	first int32
	size  int32
	typ   uint8
	debts bool
	buurt int16
	z     float64
}

type fact struct {
	p        int32
	ind      uint8
	from, to int16
}

type provision struct {
	p        int32
	wet      uint8
	from, to int16
	cat      string
	tv       string
	cents    int64
}

var wets = [...]string{"wmo", "jw", "pw", "wgs", "voorliggend"}

const (
	wWmo uint8 = iota
	wJw
	wPw
	wWgs
	wVoorl
)

var indicators = [...]string{"kind", "volwassene", "hh:eenouder", "hh:kinderen", "hh:75plus", "signaal", "plan", "maatwerk",
	"zrm:financien", "zrm:geestelijke_gezondheid", "zrm:huisvesting", "zrm:middelengebruik", "zrm:sociaal_netwerk"}

const (
	iKind uint8 = iota
	iAdult
	iSingle
	iChildren
	i75
	iSignal
	iPlan
	iMaatwerk
	iZFin
	iZGGZ
	iZHuis
	iZMiddel
	iZSociaal
)

type wijkOut struct {
	buf                                           [5][]byte
	persons, households, facts, provisions, costs int64
}

// wijkGen holds reusable scratch space of one worker.
type wijkGen struct {
	months []int
	W      int
	r      *rand.Rand
	ps     []person
	hs     []household
	facts  []fact
	provs  []provision
	xs     []float64
	units  []int32
}

func (g *wijkGen) run(p *wijkPlan) *wijkOut {
	g.r = rand.New(rand.NewPCG(p.seed, 0x67656e))
	g.ps, g.hs, g.facts, g.provs = g.ps[:0], g.hs[:0], g.facts[:0], g.provs[:0]
	g.households(p)
	g.demography()
	g.problems(p)
	return g.write(p)
}

func (g *wijkGen) ageYears(lo, hi int) int32 { // uniform in [lo, hi] years, random month
	return int32((lo+g.r.IntN(hi-lo+1))*12 + g.r.IntN(12))
}

// households fills g.ps and g.hs with exactly p.persons persons.
func (g *wijkGen) households(p *wijkPlan) {
	r := g.r
	pSingle := min(0.6, 0.36*p.singleMul)
	rest := (1 - pSingle) / (1 - 0.36)
	cum := [4]float64{pSingle, pSingle + 0.32*rest, pSingle + 0.58*rest, 1}
	var ages [8]int32
	for len(g.ps) < p.persons {
		u := r.Float64()
		typ := hhSingle
		for typ < 3 && u >= cum[typ] {
			typ++
		}
		n := 0
		switch typ {
		case hhSingle:
			switch v := r.Float64(); {
			case v < 0.30:
				ages[0] = g.ageYears(19, 34)
			case v < 0.65:
				ages[0] = g.ageYears(35, 64)
			case v < 0.85:
				ages[0] = g.ageYears(65, 79)
			default:
				ages[0] = g.ageYears(80, 99)
			}
			n = 1
		case hhCouple:
			switch v := r.Float64(); {
			case v < 0.20:
				ages[0] = g.ageYears(22, 34)
			case v < 0.55:
				ages[0] = g.ageYears(35, 64)
			case v < 0.85:
				ages[0] = g.ageYears(65, 79)
			default:
				ages[0] = g.ageYears(80, 95)
			}
			ages[1] = max(18*12, ages[0]+int32(r.IntN(97))-48)
			n = 2
		case hhCoupleKids, hhSingleParent:
			ages[0] = g.ageYears(24, 56)
			n = 1
			if typ == hhCoupleKids {
				ages[1] = max(18*12, ages[0]+int32(r.IntN(97))-48)
				n = 2
			}
			k := 1
			switch v := r.Float64(); {
			case v < 0.38:
				k = 1
			case v < 0.80:
				k = 2
			case v < 0.95:
				k = 3
			default:
				k = 4
			}
			oldest := min(24*12, ages[0]-19*12)
			a := int32(r.IntN(int(oldest) + 1))
			for range k {
				ages[n] = a
				n++
				a -= int32(12 + r.IntN(48))
				if a < 0 {
					a = int32(r.IntN(12))
				}
			}
		}
		if left := p.persons - len(g.ps); n > left {
			n = left
			switch {
			case n == 1:
				typ = hhSingle
			case typ == hhCoupleKids && n == 2:
				typ = hhCouple
			}
		}
		h := household{first: int32(len(g.ps)), size: int32(n), typ: typ}
		h.buurt = int16(len(g.ps) * len(p.buurten) / p.persons)
		z := r.NormFloat64()
		switch {
		case typ == hhSingleParent:
			z += 0.6
		case typ == hhSingle && ages[0] < 65*12:
			z += 0.2
		}
		h.z = z
		hi := int32(len(g.hs))
		g.hs = append(g.hs, h)
		for j := range n {
			g.ps = append(g.ps, person{hh: hi, ageM: ages[j]})
		}
	}
}

func (g *wijkGen) addFact(p int32, ind uint8, from, to int) {
	if from < to {
		g.facts = append(g.facts, fact{p: p, ind: ind, from: int16(from), to: int16(to)})
	}
}

// demography gives everyone kind/volwassene and the household facts.
func (g *wijkGen) demography() {
	W := g.W
	for hi := range g.hs {
		h := &g.hs[hi]
		oldest, kidsTo := int32(0), 0
		for j := h.first; j < h.first+h.size; j++ {
			a := g.ps[j].ageM
			oldest = max(oldest, a)
			if j != h.first && (h.typ == hhSingleParent || (h.typ == hhCoupleKids && j > h.first+1)) && a < 216 {
				kidsTo = max(kidsTo, int(216-a))
			}
		}
		for j := h.first; j < h.first+h.size; j++ {
			m18 := max(0, int(216-g.ps[j].ageM))
			g.addFact(j, iKind, 0, min(W, m18))
			g.addFact(j, iAdult, m18, W)
			if m75 := 900 - int(oldest); m75 < W {
				g.addFact(j, i75, max(0, m75), W)
			}
			if kidsTo > 0 {
				g.addFact(j, iChildren, 0, min(W, kidsTo))
				if h.typ == hhSingleParent {
					g.addFact(j, iSingle, 0, min(W, kidsTo))
				}
			}
		}
	}
}

// mult scales a national rate by the wijk's deprivation effect, keeping the
// national mean: E[exp(b u - b² s²/2)] = 1.
func mult(p *wijkPlan, b float64) float64 {
	return math.Exp(b*p.depriv - b*b*deprivSigma*deprivSigma/2)
}

// problems draws every provision and problem indicator.
func (g *wijkGen) problems(p *wijkPlan) {
	r := g.r
	n := float64(len(g.ps))
	nh := float64(len(g.hs))
	pr := p.prof

	// Debts: a static household state.
	debtRate := rateDebtHH * mult(p, 0.9)
	if pr != nil && pr.Wanbet > 0 {
		debtRate = min(0.5, rateDebtHH*pr.Wanbet/rateWgs)
	}
	g.unitsHH(func(h *household) (float64, bool) { return 1.8 * h.z, true })
	a := solve(g.xs, debtRate*nh)
	for k, hi := range g.units {
		g.hs[hi].debts = r.Float64() < sigmoid(a+g.xs[k])
	}

	// Wmo: every resident, rising steeply with age.
	T := rateWmo * n * mult(p, 0.3)
	if pr != nil {
		T = pr.Wmo * n
	}
	g.unitsPersons(func(ps *person, h *household) (float64, bool) {
		x := 0.6 * h.z
		switch y := ps.ageM / 12; {
		case y < 18:
			x -= 2.5
		case y < 65:
		case y < 75:
			x += 1.3
		case y < 85:
			x += 2.6
		default:
			x += 3.6
		}
		return x, true
	})
	g.provisions(T, 30, wWmo, func(j int32, from int) (*menu, int) {
		y := (g.ps[j].ageM + int32(from)) / 12
		switch {
		case y < 18:
			return wmoChild, 0
		case y < 65:
			return wmoAdult, 0
		}
		return wmoOld, 0
	})

	// Youth care: under 23 at the start of the window.
	u23 := 0
	g.unitsPersons(func(ps *person, h *household) (float64, bool) {
		if ps.ageM >= 23*12 {
			return 0, false
		}
		u23++
		x := 1.0 * h.z
		switch y := ps.ageM / 12; {
		case y < 4:
			x -= 1.0
		case y >= 18:
			x -= 0.8
		}
		return x, true
	})
	T = rateJw * float64(u23) * mult(p, 0.5)
	if pr != nil {
		T = pr.Jeugdhulp * n
	}
	g.provisions(T, 14, wJw, func(int32, int) (*menu, int) { return jwMenu, 0 })

	// Bijstand: the head of the household, 18 to 66.
	g.unitsHeads(func(ps *person, h *household) (float64, bool) {
		if ps.ageM < 18*12 || ps.ageM >= 67*12 {
			return 0, false
		}
		x := 1.4 * h.z
		switch h.typ {
		case hhSingleParent:
			x += 0.8
		case hhSingle:
			x += 0.4
		}
		if h.debts {
			x += 1.0
		}
		return x, true
	})
	T = rateBijstand * n * mult(p, 1.0)
	if pr != nil {
		T = pr.Bijstand * n
	}
	g.provisions(T, 40, wPw, func(j int32, _ int) (*menu, int) {
		if g.hs[g.ps[j].hh].typ == hhCouple || g.hs[g.ps[j].hh].typ == hhCoupleKids {
			return pwCouple, 0
		}
		return pwSingle, 0
	})

	// Debt relief and ZRM Financiën: heads, mostly of indebted households.
	g.unitsHeads(func(ps *person, h *household) (float64, bool) {
		x := 0.8 * h.z
		if h.debts {
			x += 3.5
		}
		return x, ps.ageM >= 18*12
	})
	T = rateWgs * n * mult(p, 0.9)
	if pr != nil {
		T = pr.Wanbet * n
	}
	g.provisions(T, 18, wWgs, func(int32, int) (*menu, int) { return wgsMenu, 0 })
	g.personFacts(rateZRMFin*n*mult(p, 0.9), 12, iZFin)

	// ZRM domains of adults.
	adults := 0
	g.unitsPersons(func(ps *person, h *household) (float64, bool) {
		if ps.ageM < 18*12 {
			return 0, false
		}
		adults++
		return 1.5 * h.z, true
	})
	T = rateZRMGGZ * float64(adults) * mult(p, 0.8)
	if pr != nil && pr.GGZ > 0 {
		T = ggzToZRM * pr.GGZ * float64(adults)
	}
	g.personFacts(T, 12, iZGGZ)
	g.personFacts(0.004*float64(adults)*mult(p, 0.8), 9, iZHuis)
	g.personFacts(0.005*float64(adults)*mult(p, 0.8), 12, iZMiddel)
	g.unitsPersons(func(ps *person, h *household) (float64, bool) {
		if ps.ageM < 18*12 {
			return 0, false
		}
		x := 1.0 * h.z
		if ps.ageM >= 75*12 {
			x += 1.2
		}
		return x, true
	})
	g.personFacts(0.008*float64(adults)*mult(p, 0.5), 12, iZSociaal)

	// Voorliggend veld: free, more for the old.
	g.unitsPersons(func(ps *person, h *household) (float64, bool) {
		x := 0.5 * h.z
		if ps.ageM >= 75*12 {
			x += 1.2
		}
		return x, true
	})
	g.provisions(rateVoorl*n, 8, wVoorl, func(int32, int) (*menu, int) { return vvMenu, 0 })

	// Household facts of case work.
	for _, hf := range []struct {
		ind      uint8
		rate, b  float64
		mu       float64
		depMulti float64
	}{{iSignal, rateSignal, 1.5, 2, 0.8}, {iPlan, ratePlan, 2.0, 10, 0.8}, {iMaatwerk, rateMaatwerk, 2.5, 1, 0.8}} {
		g.unitsHH(func(h *household) (float64, bool) { return hf.b * h.z, true })
		a := solve(g.xs, hf.rate*nh*mult(p, hf.depMulti))
		for k, hi := range g.units {
			h := &g.hs[hi]
			spells(r, sigmoid(a+g.xs[k]), hf.mu, g.W, func(from, to int) {
				for j := h.first; j < h.first+h.size; j++ {
					g.addFact(j, hf.ind, from, to)
				}
			})
		}
	}
}

func (g *wijkGen) unitsHH(f func(h *household) (float64, bool)) {
	g.xs, g.units = g.xs[:0], g.units[:0]
	for i := range g.hs {
		if x, ok := f(&g.hs[i]); ok {
			g.xs = append(g.xs, x)
			g.units = append(g.units, int32(i))
		}
	}
}

func (g *wijkGen) unitsPersons(f func(p *person, h *household) (float64, bool)) {
	g.xs, g.units = g.xs[:0], g.units[:0]
	for i := range g.ps {
		if x, ok := f(&g.ps[i], &g.hs[g.ps[i].hh]); ok {
			g.xs = append(g.xs, x)
			g.units = append(g.units, int32(i))
		}
	}
}

func (g *wijkGen) unitsHeads(f func(p *person, h *household) (float64, bool)) {
	g.xs, g.units = g.xs[:0], g.units[:0]
	for i := range g.hs {
		j := g.hs[i].first
		if x, ok := f(&g.ps[j], &g.hs[i]); ok {
			g.xs = append(g.xs, x)
			g.units = append(g.units, j)
		}
	}
}

// provisions draws spells for the current units (persons) so that T of
// them have a provision under the law in an average month.
func (g *wijkGen) provisions(T, mu float64, wet uint8, pick func(j int32, from int) (*menu, int)) {
	a := solve(g.xs, T)
	if math.IsInf(a, -1) {
		return
	}
	r := g.r
	for k, j := range g.units {
		spells(r, sigmoid(a+g.xs[k]), mu, g.W, func(from, to int) {
			m, _ := pick(j, from)
			c := m.items[m.pick(r)]
			cents := int64(0)
			if c.cents > 0 {
				cents = int64(float64(c.cents) * (0.7 + 0.6*r.Float64()))
			}
			g.provs = append(g.provs, provision{p: j, wet: wet, from: int16(from), to: int16(to), cat: c.code,
				tv: casework.DefaultTaakveld(wets[wet], c.code), cents: cents})
		})
	}
}

// personFacts draws spells of a fact for the current units (persons).
func (g *wijkGen) personFacts(T, mu float64, ind uint8) {
	a := solve(g.xs, T)
	if math.IsInf(a, -1) {
		return
	}
	for k, j := range g.units {
		spells(g.r, sigmoid(a+g.xs[k]), mu, g.W, func(from, to int) { g.addFact(j, ind, from, to) })
	}
}

// write formats the wijk's rows, sorted by person id.
func (g *wijkGen) write(p *wijkPlan) *wijkOut {
	out := &wijkOut{persons: int64(len(g.ps)), households: int64(len(g.hs))}
	slices.SortStableFunc(g.facts, func(a, b fact) int { return cmp.Compare(a.p, b.p) })
	slices.SortStableFunc(g.provs, func(a, b provision) int { return cmp.Compare(a.p, b.p) })
	gm, wk := p.wijk.Gemeente, p.wijk.Code
	start := g.months[0]
	startIdx := (start/100)*12 + start%100 - 1

	b := make([]byte, 0, len(g.ps)*40)
	for j, ps := range g.ps {
		h := &g.hs[ps.hh]
		b = strconv.AppendInt(b, p.firstID+int64(j), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, p.firstID+int64(h.first), 10)
		b = append(b, ',')
		b = append(b, gm...)
		b = append(b, ',')
		b = append(b, wk...)
		b = append(b, ',')
		b = append(b, p.buurten[h.buurt].Code...)
		b = append(b, ',')
		bm := startIdx - int(ps.ageM)
		b = strconv.AppendInt(b, int64((bm/12)*100+bm%12+1), 10)
		b = append(b, '\n')
	}
	out.buf[0] = b

	b = make([]byte, 0, len(g.hs)*50)
	for _, h := range g.hs {
		b = strconv.AppendInt(b, p.firstID+int64(h.first), 10)
		b = append(b, ',')
		b = append(b, gm...)
		b = append(b, ',')
		b = append(b, wk...)
		b = append(b, ',')
		b = append(b, p.buurten[h.buurt].Code...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(h.size), 10)
		b = append(b, ',')
		b = append(b, hhTypeName[h.typ]...)
		if h.debts {
			b = append(b, ",1\n"...)
		} else {
			b = append(b, ",0\n"...)
		}
	}
	out.buf[1] = b

	b = make([]byte, 0, len(g.facts)*32)
	for _, f := range g.facts {
		b = strconv.AppendInt(b, p.firstID+int64(f.p), 10)
		b = append(b, ',')
		b = append(b, indicators[f.ind]...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(g.months[f.from]), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(g.months[f.to]), 10)
		b = append(b, '\n')
	}
	out.buf[2] = b
	out.facts = int64(len(g.facts))

	b = make([]byte, 0, len(g.provs)*50)
	c := make([]byte, 0, len(g.provs)*12*40)
	for _, v := range g.provs {
		id := p.firstID + int64(v.p)
		b = strconv.AppendInt(b, id, 10)
		b = append(b, ',')
		b = append(b, wets[v.wet]...)
		b = append(b, ',')
		b = append(b, v.cat...)
		b = append(b, ',')
		b = append(b, v.tv...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(g.months[v.from]), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(g.months[v.to]), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, v.cents, 10)
		b = append(b, '\n')
		if v.cents == 0 {
			continue
		}
		for m := v.from; m < v.to; m++ {
			c = strconv.AppendInt(c, id, 10)
			c = append(c, ',')
			c = strconv.AppendInt(c, int64(g.months[m]), 10)
			c = append(c, ',')
			c = append(c, wets[v.wet]...)
			c = append(c, ',')
			c = append(c, v.tv...)
			c = append(c, ',')
			c = append(c, v.cat...)
			c = append(c, ',')
			c = strconv.AppendInt(c, v.cents, 10)
			c = append(c, '\n')
			out.costs++
		}
	}
	out.buf[3] = b
	out.buf[4] = c
	out.provisions = int64(len(g.provs))
	return out
}

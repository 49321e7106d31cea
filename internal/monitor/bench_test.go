package monitor

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Benchmarks on a synthetic national-like population: 342 gemeenten with 10
// wijken of 4 buurten each, households of 1–5, national rates, problems
// that cluster in vulnerable households, 24 months, costs for every month of
// a provision. MONITOR_BENCH_PERSONS sets the size (default 2 million).

var benchPer = Period{MonthOf(2024, 12), MonthOf(2026, 12)}

// synth fills a builder with about n persons.
func synth(n int, seed uint64) *Builder {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := NewBuilder(seed)
	b.SetPeriod(benchPer)
	nm := benchPer.Months()
	const gems, wijken, buurten = 342, 10, 4
	area := func(i int) Area {
		g := i / (wijken * buurten)
		w := i / buurten % wijken
		bu := i % buurten
		return Area{fmt.Sprintf("GM%04d", g), fmt.Sprintf("WK%04d%02d", g, w), fmt.Sprintf("BU%04d%02d%02d", g, w, bu)}
	}
	nAreas := gems * wijken * buurten
	type law struct {
		wet, tv, cat string
		rate         float64 // share of persons in a month
		spell        int     // mean months
		cents        int64
		adult        int // 1 adults only, -1 children only
	}
	laws := []law{
		{"wmo", "6.711", "01", 0.030, 30, 30000, 1},
		{"wmo", "6.712", "02", 0.030, 30, 90000, 1},
		{"wmo", "6.60", "11", 0.012, 30, 15000, 1},
		{"jw", "6.751", "45", 0.020, 14, 150000, -1},
		{"jw", "6.761", "43", 0.004, 14, 600000, -1},
		{"jw", "6.821", "48", 0.002, 14, 50000, -1},
		{"pw", "6.3", "PW-BIJSTAND", 0.023, 40, 120000, 1},
		{"wgs", "6.3", "WGS-SCHULDHULP", 0.034, 18, 20000, 1},
		{"voorliggend", "6.1", "VV-SOCIAALWERK", 0.02, 8, 0, 0},
	}
	zrms := []string{"financien", "geestelijke_gezondheid", "middelengebruik", "huisvesting"}
	var id, hh uint64
	for id < uint64(n) {
		hh++
		a := area(rng.IntN(nAreas))
		size := 1 + rng.IntN(4)
		if rng.IntN(10) == 0 {
			size = 5
		}
		vuln := rng.ExpFloat64() // clusters problems in households
		kids := size > 2 || (size == 2 && rng.IntN(3) == 0)
		old := !kids && rng.IntN(6) == 0
		single := kids && rng.IntN(6) == 0
		for m := 0; m < size; m++ {
			id++
			p := PersonInput{ID: id, Household: hh, Area: a}
			child := kids && m >= 2-boolInt(single)
			if child {
				p.Facts = append(p.Facts, Fact{IndChild, benchPer.From, benchPer.To})
			} else {
				p.Facts = append(p.Facts, Fact{IndAdult, benchPer.From, benchPer.To})
			}
			if kids {
				p.Facts = append(p.Facts, Fact{IndChildren, benchPer.From, benchPer.To})
			}
			if single {
				p.Facts = append(p.Facts, Fact{IndSingle, benchPer.From, benchPer.To})
			}
			if old {
				p.Facts = append(p.Facts, Fact{Ind75Plus, benchPer.From, benchPer.To})
			}
			for _, l := range laws {
				if (l.adult == 1 && child) || (l.adult == -1 && !child) {
					continue
				}
				rate := l.rate * vuln
				if l.adult == -1 {
					rate *= 4 // children are a quarter of persons
				}
				// Chance to have a spell overlapping the window.
				if rng.Float64() >= rate*float64(nm+l.spell)/float64(l.spell) {
					continue
				}
				from := benchPer.From - Month(l.spell) + Month(rng.IntN(nm+l.spell))
				to := from + 1 + Month(rng.IntN(2*l.spell))
				from, to = max(from, benchPer.From), min(to, benchPer.To)
				if from >= to {
					continue
				}
				p.Facts = append(p.Facts, Fact{WetInd(l.wet), from, to}, Fact{CatInd(l.wet, l.cat), from, to}, Fact{TaakveldInd(l.tv), from, to})
				if rng.IntN(3) == 0 {
					p.Facts = append(p.Facts, Fact{ProfileInd(fmt.Sprintf("P%d", 1+rng.IntN(6))), from, to})
				}
				if l.cents > 0 {
					for mo := from; mo < to; mo++ {
						p.Costs = append(p.Costs, Cost{Month: mo, Wet: l.wet, Taakveld: l.tv, Categorie: l.cat, Cents: l.cents + int64(rng.IntN(10000))})
					}
				}
			}
			if !child {
				for _, z := range zrms {
					if rng.Float64() < 0.012*vuln*3 {
						from := benchPer.From + Month(rng.IntN(nm))
						p.Facts = append(p.Facts, Fact{ZRMInd(z), from, min(from+1+Month(rng.IntN(12)), benchPer.To)})
						p.ZRM = append(p.ZRM, ZRMChange{Domain: z, First: 1 + rng.IntN(2), Latest: 1 + rng.IntN(5)})
					}
				}
			}
			if rng.Float64() < 0.02*vuln {
				from := benchPer.From + Month(rng.IntN(nm))
				p.Facts = append(p.Facts, Fact{IndPlan, from, min(from+6, benchPer.To)})
			}
			if rng.Float64() < 0.01*vuln {
				from := benchPer.From + Month(rng.IntN(nm))
				p.Facts = append(p.Facts, Fact{IndSignal, from, from + 2})
			}
			b.Add(p)
		}
		if rng.IntN(30) == 0 {
			b.AddHousehold(HouseholdInput{ID: hh, HasEvaluation: true, GoalsTotal: 3, GoalsReached: rng.IntN(4), Satisfaction: 5 + rng.IntN(6)})
		}
	}
	return b
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

var (
	benchOnce sync.Once
	benchIx   *Index
)

func benchIndex(b *testing.B) *Index {
	benchOnce.Do(func() {
		n := 2_000_000
		if s := os.Getenv("MONITOR_BENCH_PERSONS"); s != "" {
			n, _ = strconv.Atoi(s)
		}
		start := time.Now()
		var ix *Index
		var gen, built time.Duration
		if dir := os.Getenv("MONITOR_BENCH_DIR"); dir != "" {
			// The output of naober gen national.
			var info LoadInfo
			var err error
			ix, info, err = LoadCSVInfo(dir, 42)
			if err != nil {
				b.Fatal(err)
			}
			gen, built = info.Read, info.Build
		} else {
			bld := synth(n, 42)
			gen = time.Since(start)
			start = time.Now()
			var err error
			ix, err = bld.Build()
			if err != nil {
				b.Fatal(err)
			}
			built = time.Since(start)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		st := ix.Stats()
		fmt.Fprintf(os.Stderr, "monitor bench: %d persons, %d households, %d indicators; generate/read %v, build %v; Stats.Bytes %d MiB; heap in use after build %d MiB\n%s",
			st.Persons, st.Households, st.Indicators, gen.Round(time.Millisecond), built.Round(time.Millisecond), st.Bytes>>20, after.HeapInuse>>20, ix.breakdown())
		benchIx = ix
	})
	return benchIx
}

// benchWijk is a wijk in a gemeente in the middle of the list.
func benchWijk(ix *Index) Scope {
	gems := ix.Areas(ByGemeente, Scope{})
	g := gems[len(gems)/2]
	return Scope{Gemeenten: []string{g}, Wijk: ix.Areas(ByWijk, Scope{Gemeenten: []string{g}})[0]}
}

var (
	bench12 = Period{MonthOf(2025, 12), MonthOf(2026, 12)}
	benchEx = "wet:jw en iemand(zrm:geestelijke_gezondheid en volwassene) en (wet:wgs of zrm:financien)"
)

// runBoth runs a query warm (period unions cached, as a dashboard is) and
// cold (cache cleared before every run).
func runBoth(b *testing.B, f func(ix *Index) error) {
	ix := benchIndex(b)
	for _, cold := range []bool{false, true} {
		name := "warm"
		if cold {
			name = "cold"
		}
		b.Run(name, func(b *testing.B) {
			if err := f(ix); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if cold {
					ix.cache.clear()
				}
				if err := f(ix); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkStacking(b *testing.B) {
	for _, u := range []Unit{Persons, Households} {
		b.Run([]string{"persons", "households"}[u], func(b *testing.B) {
			runBoth(b, func(ix *Index) error {
				_, _, err := ix.Stacking(u, bench12, ByWijk, Scope{})
				return err
			})
		})
	}
}

func BenchmarkExpensiveCombination(b *testing.B) {
	runBoth(b, func(ix *Index) error {
		_, err := ix.Count(Query{Expr: benchEx, Unit: Households, Period: bench12, Level: ByWijk})
		return err
	})
}

func BenchmarkCostsTaakveld(b *testing.B) {
	runBoth(b, func(ix *Index) error {
		_, err := ix.Costs(bench12, ByWijk, Scope{}, "taakveld")
		return err
	})
}

func BenchmarkTrendWijk(b *testing.B) {
	runBoth(b, func(ix *Index) error {
		_, err := ix.Trend(Query{Expr: "wet:wmo", Period: benchPer, Scope: benchWijk(ix)})
		return err
	})
}

func BenchmarkAdhocBuurt(b *testing.B) {
	runBoth(b, func(ix *Index) error {
		_, err := ix.Count(Query{Expr: "wet:wmo en hh:75plus en niet plan", Period: bench12, Level: ByBuurt})
		return err
	})
}

func BenchmarkCountCostGemeente(b *testing.B) {
	runBoth(b, func(ix *Index) error {
		_, err := ix.Count(Query{Expr: benchEx, Unit: Households, Period: bench12, Level: ByBuurt,
			Scope: Scope{Gemeenten: benchWijk(ix).Gemeenten}, Cost: &CostFilter{}, Compare: &Period{MonthOf(2024, 12), MonthOf(2025, 12)}})
		return err
	})
}

func BenchmarkOutcomes(b *testing.B) {
	runBoth(b, func(ix *Index) error {
		_, err := ix.Outcomes("wet:wmo", ByWijk, Scope{}, false)
		return err
	})
}

// BenchmarkReplaceHousehold replaces existing households in their own buurt
// with 1–4 new members, as case work does.
func BenchmarkReplaceHousehold(b *testing.B) {
	ix := benchIndex(b)
	rng := rand.New(rand.NewPCG(1, 1))
	next := uint64(1 << 50)
	ix.mu.Lock()
	ix.ensureLookups() // once per index, not per change
	hhs := ix.hhAlive.ToArray()
	ix.mu.Unlock()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix.mu.RLock()
		ho := hhs[rng.IntN(len(hhs))]
		id, area := ix.hhID.get(ho), ix.leaves[ix.hhLeafOf(ho)].area
		ix.mu.RUnlock()
		h, ms := randHousehold(rng, id, &next, []Area{area})
		if err := ix.ReplaceHousehold(h, ms); err != nil {
			b.Fatal(err)
		}
	}
}

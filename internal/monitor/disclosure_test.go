package monitor

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestRuleCount(t *testing.T) {
	r := DefaultRule()
	rng := rand.New(rand.NewPCG(1, 2))
	if c := r.Count(0, 0); c.Suppressed || c.Value != 0 {
		t.Fatalf("0: %+v", c)
	}
	for n := int64(1); n < 10; n++ {
		if c := r.Count(n, rng.Uint64()); !c.Suppressed || c.String() != "." {
			t.Fatalf("%d not suppressed: %+v", n, c)
		}
	}
	var bias int64
	const trials = 20000
	for i := 0; i < trials; i++ {
		n := 10 + rng.Int64N(5000)
		key := rng.Uint64()
		c := r.Count(n, key)
		if c.Suppressed || c.Value%5 != 0 || c.Value < 10 {
			t.Fatalf("%d: %+v", n, c)
		}
		if d := c.Value - n; d < -4 || d > 4 {
			t.Fatalf("%d published as %d", n, c.Value)
		}
		if c != r.Count(n, key) {
			t.Fatal("not deterministic")
		}
		bias += c.Value - n
	}
	if b := float64(bias) / trials; b < -0.2 || b > 0.2 {
		t.Fatalf("biased: mean error %.3f", b)
	}
	// No rounding, no noise: exact above the threshold.
	exact := Rule{Threshold: 3}
	if c := exact.Count(7, 12345); c.Value != 7 {
		t.Fatalf("exact rule: %+v", c)
	}
}

func TestRuleCentsAndMean(t *testing.T) {
	r := DefaultRule()
	if c := r.Cents(123_456_78, 9, 1); !c.Suppressed {
		t.Fatal("money of 9 persons shown")
	}
	if c := r.Cents(0, 0, 0); c.Suppressed || c.Value != 0 {
		t.Fatal("no persons, no money")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 5000; i++ {
		cents := rng.Int64N(10_000_000_000)
		c := r.Cents(cents, 50, rng.Uint64())
		if c.Suppressed || c.Value%CentsUnit != 0 || c.Value < 0 {
			t.Fatalf("%d: %+v", cents, c)
		}
		if diff := float64(c.Value - cents); diff > 0.02*float64(cents)+CentsUnit/2 || -diff > 0.02*float64(cents)+CentsUnit/2 {
			t.Fatalf("%d published as %d", cents, c.Value)
		}
	}
	if m := r.Mean(12, 9, 5); !m.Suppressed {
		t.Fatal("mean of 9 shown")
	}
	m := r.Mean(85, 10, 5)
	if m.Suppressed || m.Value < 8.3 || m.Value > 8.7 {
		t.Fatalf("mean: %+v", m)
	}
	p := r.Publish(Row{Area: "WK1", Count: 3, Population: 1000, CostCents: 5_000_000, Key: 9})
	if !p.Count.Suppressed || !p.Cost.Suppressed || p.Share != 0 || p.Population.Value != 1000 {
		t.Fatalf("publish: %+v", p)
	}
}

// equivalenceData: one wijk, indicators a and b on random persons.
func equivalenceData(rng *rand.Rand, n int) *refData {
	r := newRef(rng.Uint64(), testPer)
	for i := 0; i < n; i++ {
		p := PersonInput{ID: uint64(i + 1), Household: uint64(i/3 + 1), Area: Area{"GM0001", "WK000100", fmt.Sprintf("BU000100%02d", i%4)}}
		for _, c := range []string{"a", "b", "c"} {
			if rng.IntN(3) == 0 {
				from := testPer.From + Month(rng.IntN(12))
				p.Facts = append(p.Facts, Fact{Indicator: c, From: from, To: from + 3})
			}
		}
		r.persons[p.ID] = p
	}
	return r
}

// TestEquivalentExpressionsPublishTheSame: rephrasing a question gives the
// very same published cells, so it cannot be used to average noise away.
func TestEquivalentExpressionsPublishTheSame(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	ix := equivalenceData(rng, 3000).build(t)
	rule := DefaultRule()
	groups := [][]string{
		{"a en b", "b en a", "niet (niet a of niet b)", "(a en b) en (a of b)", "a and b and a", "not not (b and a)"},
		{"a of b", "b of a", "niet (niet a en niet b)", "a of (b en c) of b", "iemand(a) of iemand(b)"},
		{"a en niet b", "niet (niet a of b)", "a en niet (b en a)"},
	}
	for _, u := range []Unit{Persons, Households} {
		for _, g := range groups {
			var first []Published
			for i, expr := range g {
				res, err := ix.Count(Query{Expr: expr, Unit: u, Period: testPer, Level: ByBuurt, Scope: Scope{Gemeenten: []string{"GM0001"}}})
				if err != nil {
					t.Fatal(err)
				}
				var pub []Published
				for _, row := range append(res.Rows, res.Total) {
					pub = append(pub, rule.Publish(row))
				}
				if i == 0 {
					first = pub
					continue
				}
				for j := range pub {
					if pub[j] != first[j] {
						t.Fatalf("unit %d: %q publishes %+v, %q publishes %+v", u, g[0], first[j], expr, pub[j])
					}
				}
			}
		}
	}
	// A period in which nothing changed publishes the same as well.
	q := Query{Expr: "a", Period: Period{testPer.From - 5, testPer.To}}
	r1, _ := ix.Count(q)
	q.Period = Period{testPer.From, testPer.To + 7}
	r2, _ := ix.Count(q)
	if rule.Publish(r1.Total) != rule.Publish(r2.Total) {
		t.Fatal("same set, different noise")
	}
}

// TestDifferencingDoesNotRevealSmallCells asks 200 pairs of overlapping
// questions: a group x_k of 100–1000 persons, and the same group without a
// small group g_k of d = 1..9 persons. The exact difference d is what an
// attacker wants; the published difference is a multiple of Base, mostly
// not d, and the same published difference comes from many different d.
func TestDifferencingDoesNotRevealSmallCells(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	r := newRef(rng.Uint64(), testPer)
	const n = 20000
	persons := make([]PersonInput, n)
	for i := range persons {
		persons[i] = PersonInput{ID: uint64(i + 1), Household: uint64(i + 1), Area: Area{"GM0001", fmt.Sprintf("WK0001%02d", i%10), ""}}
	}
	const pairs = 200
	exact := make([]int64, pairs)
	for k := 0; k < pairs; k++ {
		size := 100 + rng.IntN(900)
		d := 1 + rng.IntN(9)
		exact[k] = int64(d)
		for j, pi := range rng.Perm(n)[:size] {
			p := &persons[pi]
			p.Facts = append(p.Facts, Fact{Indicator: fmt.Sprintf("x:%d", k), From: testPer.From, To: testPer.To})
			if j < d {
				p.Facts = append(p.Facts, Fact{Indicator: fmt.Sprintf("g:%d", k), From: testPer.From, To: testPer.To})
			}
		}
	}
	for _, p := range persons {
		r.persons[p.ID] = p
	}
	ix := r.build(t)
	rule := DefaultRule()
	same := 0
	byPublished := map[int64]map[int64]bool{}
	seen := map[int64]int{}
	for k := 0; k < pairs; k++ {
		a, err := ix.Count(Query{Expr: fmt.Sprintf("x:%d", k), Period: testPer})
		if err != nil {
			t.Fatal(err)
		}
		b, err := ix.Count(Query{Expr: fmt.Sprintf("x:%d en niet g:%d", k, k), Period: testPer})
		if err != nil {
			t.Fatal(err)
		}
		g, err := ix.Count(Query{Expr: fmt.Sprintf("g:%d", k), Period: testPer})
		if err != nil {
			t.Fatal(err)
		}
		if a.Total.Count-b.Total.Count != exact[k] || g.Total.Count != exact[k] {
			t.Fatal("test data wrong")
		}
		if c := rule.Count(g.Total.Count, g.Total.Key); !c.Suppressed {
			t.Fatalf("small cell %d shown: %+v", exact[k], c)
		}
		pa, pb := rule.Count(a.Total.Count, a.Total.Key), rule.Count(b.Total.Count, b.Total.Key)
		diff := pa.Value - pb.Value
		if diff%rule.Base != 0 {
			t.Fatalf("difference %d not a multiple of %d", diff, rule.Base)
		}
		if diff == exact[k] {
			same++
		}
		if byPublished[diff] == nil {
			byPublished[diff] = map[int64]bool{}
		}
		byPublished[diff][exact[k]] = true
		seen[diff]++
	}
	if same*4 > pairs {
		t.Fatalf("published difference equals the exact one in %d of %d pairs", same, pairs)
	}
	// Every published difference seen often stands for several exact
	// differences: it does not tell which (the rare extremes, -5 or 15,
	// still leave two).
	for diff, ds := range byPublished {
		if len(ds) < 2 || (seen[diff] >= 20 && len(ds) < 5) {
			t.Errorf("published difference %d (%d times) only arises from exact %v", diff, seen[diff], ds)
		}
	}
	t.Logf("published = exact in %d of %d pairs; published differences: %v", same, pairs, byPublished)
}

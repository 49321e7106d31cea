package monitor

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

func TestParseExpr(t *testing.T) {
	ok := []struct{ in, want string }{
		{"wet:jw", "wet:jw"},
		{"wet:jw en wet:pw of wet:wmo", "(wet:jw and wet:pw) or wet:wmo"},
		{"wet:jw AND (wet:pw or wet:wmo)", "wet:jw and (wet:pw or wet:wmo)"},
		{"niet wet:jw en kind", "not wet:jw and kind"},
		{"niet (wet:jw en kind)", "not (wet:jw and kind)"},
		{"iemand(zrm:geestelijke_gezondheid en volwassene) en wet:jw", "someone(zrm:geestelijke_gezondheid and volwassene) and wet:jw"},
		{"cat:pw:PW-BIJSTAND of tv:6.712 of cat:wmo:02+x", "cat:pw:PW-BIJSTAND or tv:6.712 or cat:wmo:02+x"},
		{"  Someone ( plan )", "someone(plan)"},
	}
	for _, c := range ok {
		e, err := ParseExpr(c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if e.String() != c.want {
			t.Errorf("%q: got %q, want %q", c.in, e.String(), c.want)
		}
		again, err := ParseExpr(e.String())
		if err != nil || again.String() != e.String() {
			t.Errorf("%q does not round-trip: %v", e.String(), err)
		}
	}
	bad := []struct{ in, want string }{
		{"(wet:jw", `positie 8: ")" verwacht`},
		{"(wet:jw en", "positie 11: indicator verwacht, niet einde van de expressie"},
		{"wet:jw)", `positie 7: ")" zonder bijbehorend "("`},
		{"wet:jw wet:pw", `positie 8: "en" of "of" verwacht, niet "wet:pw"`},
		{"en wet:jw", `positie 1: indicator verwacht, niet "en"`},
		{"wet:jw & kind", `positie 8: ongeldig teken "&"`},
		{"iemand wet:jw", `positie 8: "(" verwacht na "iemand", niet "wet:jw"`},
		{"", "positie 1: lege expressie"},
		{"wet:jw en ()", `positie 12: indicator verwacht, niet ")"`},
		{"ë", `positie 1: ongeldig teken "ë"`},
	}
	for _, c := range bad {
		_, err := ParseExpr(c.in)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
}

func FuzzParseExpr(f *testing.F) {
	for _, s := range []string{"wet:jw en niet (a of b)", "iemand(x)", "((", "niet niet a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseExpr(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "positie ") {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		again, err := ParseExpr(e.String())
		if err != nil || again.String() != e.String() {
			t.Fatalf("%q -> %q does not round-trip: %v", s, e.String(), err)
		}
	})
}

func TestDescribe(t *testing.T) {
	cases := map[string]string{
		"wet:wmo":                    "Wmo",
		"wet:jw":                     "Jeugdwet",
		"wet:pw":                     "Participatiewet",
		"wet:wgs":                    "Schuldhulp (Wgs)",
		"wet:voorliggend":            "Voorliggend veld",
		"cat:wmo:02":                 "Wmo: Begeleiding",
		"cat:pw:PW-BIJSTAND":         "Participatiewet: Bijstandsuitkering",
		"tv:6.712":                   "Taakveld 6.712 Begeleiding (Wmo)",
		"zrm:geestelijke_gezondheid": "ZRM Geestelijke gezondheid: niet zelfredzaam (niveau 1 of 2)",
		"profiel:P3":                 "Cliëntprofiel P3",
		IndChildren:                  "Huishouden met kinderen onder 18",
		IndPlan:                      "Lopend plan",
		"onbekend":                   "onbekend",
	}
	for code, want := range cases {
		if got := Describe(code); got != want {
			t.Errorf("Describe(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestUnknownIndicatorIsEmpty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	r := randData(rng, 50)
	ix := r.build(t)
	res, err := ix.Count(Query{Expr: "wet:bestaatniet", Period: testPer})
	if err != nil || res.Total.Count != 0 || res.Total.Population != int64(len(r.persons)) {
		t.Fatalf("%+v %v", res.Total, err)
	}
	res, err = ix.Count(Query{Expr: "niet wet:bestaatniet", Period: testPer})
	if err != nil || res.Total.Count != int64(len(r.persons)) {
		t.Fatalf("%+v %v", res.Total, err)
	}
	if _, err := ix.Count(Query{Expr: "wet:jw", Period: Period{testPer.From, testPer.From}}); err == nil {
		t.Fatal("empty period accepted")
	}
	if _, err := ix.Count(Query{Expr: "wet:jw (", Period: testPer}); err == nil {
		t.Fatal("bad expression accepted")
	}
	if _, err := ix.Costs(testPer, ByWijk, Scope{}, "product"); err == nil {
		t.Fatal("bad grouping accepted")
	}
}

// TestConcurrentReplace runs queries while households change; with -race
// it checks the locking, and every answer must be internally consistent.
func TestConcurrentReplace(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	r := randData(rng, 200)
	ix := r.build(t)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			qr := rand.New(rand.NewPCG(uint64(g), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				q := Query{Expr: randExpr(qr, 2), Unit: Unit(qr.IntN(2)), Period: testPer, Level: ByWijk, Cost: &CostFilter{}}
				res, err := ix.Count(q)
				if err != nil {
					t.Error(err)
					return
				}
				var n int64
				for _, row := range res.Rows {
					n += row.Count
				}
				if n != res.Total.Count {
					t.Error("rows do not add up")
					return
				}
				if _, _, err := ix.Stacking(Households, testPer, ByBuurt, Scope{}); err != nil {
					t.Error(err)
					return
				}
				ix.Stats()
			}
		}(g)
	}
	nextID := uint64(1 << 41)
	for i := 0; i < 150; i++ {
		h, ms := randHousehold(rng, uint64(500000+7*rng.IntN(260)), &nextID, testAreas)
		if rng.IntN(5) == 0 {
			ms = nil
		}
		if err := ix.ReplaceHousehold(h, ms); err != nil {
			t.Fatal(err)
		}
		r.replace(h, ms)
	}
	close(stop)
	wg.Wait()
	checkAll(t, rng, ix, r, 10)
}

func TestEmptyIndexGrows(t *testing.T) {
	ix, err := NewBuilder(1).Build()
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Count(Query{Expr: "wet:wmo", Period: testPer, Level: ByBuurt})
	if err != nil || len(res.Rows) != 0 || res.Total.Count != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	p := PersonInput{ID: 7, Area: Area{"GM0001", "WK000101", "BU00010101"}, Facts: []Fact{{WetInd("wmo"), testPer.From, testPer.To}}}
	if err := ix.ReplaceHousehold(HouseholdInput{ID: 3}, []PersonInput{p}); err != nil {
		t.Fatal(err)
	}
	res, err = ix.Count(Query{Expr: "wet:wmo", Unit: Households, Period: testPer, Level: ByBuurt})
	if err != nil || len(res.Rows) != 1 || res.Total.Count != 1 || res.Rows[0].Area != "BU00010101" {
		t.Fatalf("%+v %v", res, err)
	}
	if err := ix.ReplaceHousehold(HouseholdInput{ID: 3}, nil); err != nil {
		t.Fatal(err)
	}
	if st := ix.Stats(); st.Persons != 0 || st.Households != 0 {
		t.Fatalf("%+v", st)
	}
}

package monitorfeed_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/monitorfeed"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// db is a fresh migrated store plus a plain connection to its database.
type db struct {
	s       *store.Store
	dsn     string
	raw     *sql.DB
	dialect store.Dialect
}

func openDSN(t testing.TB, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(ctx, dsn, store.Options{Keys: storetest.Keys(t), WijkGemeente: storetest.WijkGemeente})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func eachDB(t *testing.T, fn func(t *testing.T, d db)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "naober.db")
		s := openDSN(t, path)
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		fn(t, db{s, path, raw, store.SQLite})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.PostgresDSN(t)
		s := openDSN(t, dsn)
		raw, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		fn(t, db{s, dsn, raw, store.Postgres})
	})
}

func window() monitor.Period {
	cur := monitor.MonthOfTime(time.Now().In(people.Amsterdam()))
	return monitor.Period{From: cur - 23, To: cur + 1}
}

// ref evaluates expressions on the store's MonitorData directly: the
// reference between the SQL oracle and the engine, so a disagreement shows
// whether the store's read or the engine is wrong.
type ref struct {
	persons []monitor.PersonInput
	has     []map[string]map[monitor.Month]bool
}

func newRef(d store.MonitorData) *ref {
	r := &ref{persons: d.Persons}
	for _, p := range d.Persons {
		m := map[string]map[monitor.Month]bool{}
		for _, f := range p.Facts {
			if m[f.Indicator] == nil {
				m[f.Indicator] = map[monitor.Month]bool{}
			}
			for x := f.From; x < f.To; x++ {
				m[f.Indicator][x] = true
			}
		}
		r.has = append(r.has, m)
	}
	return r
}

func (r *ref) holds(i int, ind string, p monitor.Period) bool {
	for m := p.From; m < p.To; m++ {
		if r.has[i][ind][m] {
			return true
		}
	}
	return false
}

func (r *ref) eval(e ex, atom func(string) bool) bool {
	switch e.op {
	case "":
		return atom(e.ind)
	case "niet":
		return !r.eval(e.kids[0], atom)
	case "en":
		for _, k := range e.kids {
			if !r.eval(k, atom) {
				return false
			}
		}
		return true
	}
	for _, k := range e.kids {
		if r.eval(k, atom) {
			return true
		}
	}
	return false
}

func (r *ref) counts(e ex, u monitor.Unit, p monitor.Period) map[string][2]int64 {
	out := map[string][2]int64{}
	if u == monitor.Persons {
		for i, pi := range r.persons {
			if pi.Area.Gemeente != "GM0119" {
				continue
			}
			v := out[pi.Area.Wijk]
			v[1]++
			if r.eval(e, func(ind string) bool { return r.holds(i, ind, p) }) {
				v[0]++
			}
			out[pi.Area.Wijk] = v
		}
		return out
	}
	byHH := map[uint64][]int{}
	wijk := map[uint64]string{}
	for i, pi := range r.persons {
		if pi.Area.Gemeente == "GM0119" {
			byHH[pi.Household] = append(byHH[pi.Household], i)
			wijk[pi.Household] = pi.Area.Wijk
		}
	}
	for h, ms := range byHH {
		v := out[wijk[h]]
		v[1]++
		if r.eval(e, func(ind string) bool {
			for _, i := range ms {
				if r.holds(i, ind, p) {
					return true
				}
			}
			return false
		}) {
			v[0]++
		}
		out[wijk[h]] = v
	}
	return out
}

func (r *ref) costs(by string, p monitor.Period) map[string][2]int64 {
	out := map[string][2]int64{}
	seen := map[string]bool{}
	for i, pi := range r.persons {
		if pi.Area.Gemeente != "GM0119" {
			continue
		}
		for _, c := range pi.Costs {
			if c.Month < p.From || c.Month >= p.To {
				continue
			}
			g := c.Wet
			if by == "taakveld" {
				g = c.Taakveld
			}
			k := pi.Area.Wijk + "/" + g
			v := out[k]
			v[0] += c.Cents
			if pk := fmt.Sprint(k, i); !seen[pk] && c.Cents > 0 {
				seen[pk] = true
				v[1]++
			}
			out[k] = v
		}
	}
	return out
}

var exprs = []ex{
	I("wet:wmo"), I("wet:jw"), I("wet:pw"), I("wet:wgs"), I("wet:voorliggend"),
	And(I("wet:jw"), I("wet:pw")),
	Or(I("zrm:financien"), I("wet:wgs")),
	And(Not(I("wet:wmo")), I("volwassene")),
	I("kind"), I("volwassene"),
	I("plan"), I("signaal"), I("maatwerk"),
	And(I("hh:kinderen"), I("wet:jw")),
	I("hh:eenouder"), Or(I("hh:75plus"), I("kind")),
	I("profiel:P1"), I("profiel:P2"), I("tv:6.3"), I("tv:6.714"), I("cat:wmo:02"), I("cat:jw:40"),
	And(I("wet:jw"), I("zrm:geestelijke_gezondheid"), Or(I("wet:wgs"), I("zrm:financien"))),
	I("zrm:middelengebruik"), And(I("plan"), Not(I("signaal"))),
}

func periods() []monitor.Period {
	w := window()
	cur := w.To - 1
	return []monitor.Period{{From: cur - 11, To: cur + 1}, {From: w.From, To: w.From + 12}, {From: cur, To: cur + 1}, {From: cur - 6, To: cur - 3}, w}
}

func same(t *testing.T, what string, want, got map[string][2]int64, both bool) {
	t.Helper()
	for _, k := range sortedKeys(want) {
		w, g := want[k], got[k]
		if w[0] != g[0] || (both && w[1] != g[1]) {
			t.Errorf("%s %s: want %v, got %v", what, k, w, g)
		}
	}
	for _, k := range sortedKeys(got) {
		if _, ok := want[k]; !ok && got[k][0] != 0 {
			t.Errorf("%s %s: want nothing, got %v", what, k, got[k])
		}
	}
}

// TestOracle writes a random population through the store API, builds the
// index with the feed, and checks the engine (and the store's read) against
// plain SQL: counts of persons and households per wijk for indicator
// combinations over several periods, the CBS stacking table, and costs per
// wijk per law and per taakveld.
func TestOracle(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		t0 := time.Now()
		seed := uint64(20261205)
		if v := os.Getenv("NAOBER_ORACLE_SEED"); v != "" {
			fmt.Sscan(v, &seed) // other seeds: NAOBER_ORACLE_SEED=n go test -run TestOracle
		}
		w := newWorld(t, d.s, seed)
		w.populate(t, 70)
		t.Logf("populated in %v", time.Since(t0))
		if n := addClaims(t, d, window()); n == 0 {
			t.Error("the world has no declared care")
		}
		o := &oracle{db: d.raw, dialect: d.dialect, today: w.today, win: window()}
		o.setup(t)
		o.refresh(t)
		data, err := d.s.MonitorData(ctx, store.MonitorRead{Gemeenten: []string{"GM0119", "GM0392"}})
		if err != nil {
			t.Fatal(err)
		}
		if data.Window != o.win {
			t.Fatalf("window %v, want %v", data.Window, o.win)
		}
		rf := newRef(data)
		if c := o.rows(t, "SELECT status, COUNT(*), SUM(versie) FROM plans GROUP BY status"); c["vervangen"][0] == 0 || c["afgesloten"][0] == 0 {
			t.Errorf("the world has no replaced or no closed plans: %v", c)
		}
		t.Logf("%d persons, %d households", len(data.Persons), len(data.Households))

		f := monitorfeed.New(d.s, nil, 42, monitorfeed.Options{})
		engineErr := f.Rebuild(ctx)
		ix := f.Index()
		if engineErr != nil {
			t.Errorf("engine build: %v", engineErr)
		}
		scope := monitor.Scope{Gemeenten: []string{"GM0119"}}
		nonzero := 0
		for _, p := range periods() {
			for _, u := range []monitor.Unit{monitor.Persons, monitor.Households} {
				for _, e := range exprs {
					what := fmt.Sprintf("%v unit %d period %v", e, u, p)
					want := o.counts(t, e, u, p)
					same(t, "store read: "+what, want, rf.counts(e, u, p), true)
					for _, v := range want {
						if v[0] > 0 {
							nonzero++
						}
					}
					if ix == nil {
						continue
					}
					res, err := ix.Count(monitor.Query{Expr: e.String(), Unit: u, Period: p, Level: monitor.ByWijk, Scope: scope})
					if err != nil {
						t.Fatalf("engine %s: %v", what, err)
					}
					got := map[string][2]int64{}
					var tot int64
					for _, r := range res.Rows {
						got[r.Area] = [2]int64{r.Count, r.Population}
						tot += r.Count
					}
					same(t, "engine: "+what, want, got, true)
					if res.Total.Count != tot {
						t.Errorf("engine %s: total %d, rows sum to %d", what, res.Total.Count, tot)
					}
				}
				// The CBS stacking table.
				want := o.stacking(t, u, p)
				if ix == nil {
					continue
				}
				rows, _, err := ix.Stacking(u, p, monitor.ByWijk, scope)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string][2]int64{}
				for _, r := range rows {
					for i, c := range r.Cells {
						got[r.Area+"/"+monitor.StackCategories[i]] = [2]int64{c.Count, 0}
					}
				}
				same(t, fmt.Sprintf("stacking unit %d period %v", u, p), want, got, false)
			}
			for _, by := range []string{"wet", "taakveld"} {
				want := o.costs(t, by, p)
				same(t, "store read costs by "+by, want, rf.costs(by, p), true)
				if ix == nil {
					continue
				}
				rows, err := ix.Costs(p, monitor.ByWijk, scope, by)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string][2]int64{}
				for _, r := range rows {
					got[r.Area+"/"+r.Group] = [2]int64{r.Cents, r.Persons}
				}
				same(t, fmt.Sprintf("engine costs by %s period %v", by, p), want, got, true)
			}
		}
		// Outcomes: ZRM change per domain, goals and satisfaction, per wijk.
		var domains []string
		for _, d := range casework.Domains {
			domains = append(domains, d.Code)
		}
		want := o.outcomes(t, domains)
		if ix != nil {
			rows, err := ix.Outcomes("", monitor.ByWijk, scope, false)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][2]int64{}
			for _, r := range rows {
				for d, z := range r.ZRM {
					if z.N > 0 {
						got[r.Group+"/zrm:"+d] = [2]int64{z.N, z.Delta}
					}
				}
				if r.Households > 0 {
					got[r.Group+"/huishoudens"] = [2]int64{r.Households, r.Satisfaction}
					got[r.Group+"/doelen"] = [2]int64{r.GoalsReached, r.GoalsTotal}
				}
			}
			same(t, "engine outcomes", want, got, true)
			if len(want) < 20 {
				t.Errorf("only %d outcome cells: too thin", len(want))
			}
		}
		if nonzero < 100 {
			t.Errorf("only %d non-empty oracle cells: the random world is too thin to test anything", nonzero)
		}
	})
}

package monitorfeed_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/monitorfeed"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// run starts a feed and waits for its first build.
func run(t *testing.T, s *store.Store) *monitorfeed.Feed {
	t.Helper()
	f := monitorfeed.New(s, nil, 42, monitorfeed.Options{Logger: quiet})
	c, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { f.Run(c); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-f.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the feed did not build its index")
	}
	return f
}

// caughtUp waits until f has applied every change written so far through s,
// and reports how long that took.
func caughtUp(t *testing.T, f *monitorfeed.Feed, s *store.Store) time.Duration {
	t.Helper()
	t0 := time.Now()
	seq, err := s.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := f.WaitFor(c, seq); err != nil {
		t.Fatalf("feed at %d, waiting for %d: %v", f.Seq(), seq, err)
	}
	return time.Since(t0)
}

func count(t *testing.T, ix *monitor.Index, expr string, u monitor.Unit, p monitor.Period) int64 {
	t.Helper()
	r, err := ix.Count(monitor.Query{Expr: expr, Unit: u, Period: p, Level: monitor.ByWijk, Scope: monitor.Scope{Gemeenten: []string{"GM0119"}}})
	if err != nil {
		t.Fatal(err)
	}
	return r.Total.Count
}

// sameIndex compares a followed index with a fresh build, exactly.
func sameIndex(t *testing.T, s *store.Store, got *monitor.Index) {
	t.Helper()
	fresh := monitorfeed.New(s, nil, 42, monitorfeed.Options{Logger: quiet})
	if err := fresh.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	want := fresh.Index()
	sc := monitor.Scope{Gemeenten: []string{"GM0119"}}
	w := window()
	for _, p := range []monitor.Period{{From: w.To - 1, To: w.To}, {From: w.To - 12, To: w.To}} {
		for _, u := range []monitor.Unit{monitor.Persons, monitor.Households} {
			for _, e := range exprs {
				q := monitor.Query{Expr: e.String(), Unit: u, Period: p, Level: monitor.ByWijk, Scope: sc}
				a, err := want.Count(q)
				if err != nil {
					t.Fatal(err)
				}
				b, err := got.Count(q)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(rowsOf(a)) != fmt.Sprint(rowsOf(b)) {
					t.Errorf("%s unit %d period %v: fresh build %v, followed %v", e, u, p, rowsOf(a), rowsOf(b))
				}
			}
		}
		for _, by := range []string{"wet", "taakveld"} {
			a, err := want.Costs(p, monitor.ByWijk, sc, by)
			if err != nil {
				t.Fatal(err)
			}
			b, err := got.Costs(p, monitor.ByWijk, sc, by)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(costsOf(a)) != fmt.Sprint(costsOf(b)) {
				t.Errorf("costs by %s period %v: fresh build %v, followed %v", by, p, costsOf(a), costsOf(b))
			}
		}
	}
}

func rowsOf(r monitor.Result) []string {
	var out []string
	for _, x := range r.Rows {
		out = append(out, fmt.Sprintf("%s:%d/%d", x.Area, x.Count, x.Population))
	}
	return out
}

func costsOf(rs []monitor.CostRow) []string {
	var out []string
	for _, x := range rs {
		out = append(out, fmt.Sprintf("%s/%s:%d/%d", x.Area, x.Group, x.Cents, x.Persons))
	}
	return out
}

// TestFollowWrites: after the first build, writes through the store's
// case-work API show in the index once the feed caught up (it polls every
// 200 ms): a provision, a spend approved under the four-eyes principle, a
// new ZRM assessment and a new household member.
func TestFollowWrites(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		w := newWorld(t, d.s, 11)
		w.populate(t, 15)
		f := run(t, d.s)
		cur := window().To - 1
		now := monitor.Period{From: cur, To: cur + 1}
		step := func(what string, expr string, u monitor.Unit, want func(before int64) int64, write func()) {
			t.Helper()
			before := count(t, f.Index(), expr, u, now)
			write()
			lat := caughtUp(t, f, d.s)
			if got := count(t, f.Index(), expr, u, now); got != want(before) {
				t.Errorf("after %s: %q counts %d, want %d", what, expr, got, want(before))
			}
			t.Logf("%s visible after %v", what, lat)
		}
		plus := func(n int64) func(int64) int64 { return func(b int64) int64 { return b + n } }
		// A new household of two, made after the first build.
		var h people.Household
		var mother people.Person
		step("a new household", "volwassene of niet volwassene", monitor.Households, plus(1), func() {
			h = w.addHousehold(t, w.reg, "GM0119", "WK011902")
			mother = w.addPerson(t, w.reg, h, "ouder", people.MustDate("1984-06-12"), w.today.AddMonths(-5))
		})
		step("a new member", "hh:eenouder", monitor.Persons, plus(2), func() {
			w.addPerson(t, w.reg, h, "kind", people.MustDate("2019-02-03"), w.today.AddMonths(-5))
		})
		step("a provision", "wet:wgs en hh:eenouder", monitor.Persons, plus(1), func() {
			pv := casework.Provision{HouseholdID: h.ID, PersonID: mother.ID, Wet: "wgs", Categorie: "WGS-BEWIND", Start: w.today.AddDays(-3),
				MaandbedragCents: casework.Cents(12345).Ptr(), Status: casework.ProvisionStarted}
			if err := d.s.CreateProvision(ctx, w.reg, &pv); err != nil {
				t.Fatal(err)
			}
		})
		// The regisseur asks, a colleague approves (four eyes).
		step("an approved spend", "maatwerk", monitor.Persons, plus(2), func() {
			sp := casework.Spend{HouseholdID: h.ID, BedragCents: 140000, Doel: "Huurachterstand aflossen", Voorkomt: "Huisuitzetting", VerwachtVermedenCents: 2500000}
			if err := d.s.RequestSpend(ctx, w.reg, &sp); err != nil {
				t.Fatal(err)
			}
			if _, err := d.s.DecideSpend(ctx, w.reg2, sp.ID, casework.Decision{Approve: true, Reason: "Voorkomt uitzetting"}); err != nil {
				t.Fatal(err)
			}
		})
		scores := map[string]int{}
		for _, dm := range casework.Domains {
			scores[dm.Code] = 4
		}
		scores["middelengebruik"] = 1
		step("an assessment", "zrm:middelengebruik en wet:wgs", monitor.Persons, plus(1), func() {
			as := casework.Assessment{Household: h.ID, Person: mother.ID, Datum: w.today, Scores: scores}
			if err := d.s.CreateAssessment(ctx, w.reg, &as); err != nil {
				t.Fatal(err)
			}
		})
		scores["middelengebruik"] = 5
		step("a better assessment", "zrm:middelengebruik en wet:wgs", monitor.Persons, plus(-1), func() {
			as := casework.Assessment{Household: h.ID, Person: mother.ID, Datum: w.today, Scores: scores}
			if err := d.s.CreateAssessment(ctx, w.reg, &as); err != nil {
				t.Fatal(err)
			}
		})
		// The mother moves out to another household of Meppel: her old
		// household is a one-person household with a child now.
		step("a move", "hh:eenouder", monitor.Persons, plus(-2), func() {
			hh, err := d.s.GetHousehold(ctx, w.reg, h.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range hh.Members {
				if m.Person.ID == mother.ID {
					if err := d.s.EndMember(ctx, w.reg, h.ID, m.ID, w.today); err != nil {
						t.Fatal(err)
					}
				}
			}
			other := w.addHousehold(t, w.reg, "GM0119", "WK011903")
			if err := d.s.AddMember(ctx, w.reg, &people.Member{Household: other.ID, Person: people.Person{ID: mother.ID}, Rol: "overig", Start: w.today}); err != nil {
				t.Fatal(err)
			}
		})
		// A provision recorded in the household she left (it started while
		// she lived there) follows her to her new household.
		step("a provision in a former household", "wet:pw en niet hh:kinderen", monitor.Persons, plus(1), func() {
			pv := casework.Provision{HouseholdID: h.ID, PersonID: mother.ID, Wet: "pw", Categorie: "PW-BIJSTAND", Start: w.today.AddDays(-10),
				MaandbedragCents: casework.Cents(100000).Ptr(), Status: casework.ProvisionGranted}
			if err := d.s.CreateProvision(ctx, w.reg, &pv); err != nil {
				t.Fatal(err)
			}
		})
		sameIndex(t, d.s, f.Index())
	})
}

// TestTwoProcesses: two feeds on one PostgreSQL database, each with its own
// store handle (as two naober processes), both see a write made through a
// third handle.
func TestTwoProcesses(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	writer := openDSN(t, dsn)
	w := newWorld(t, writer, 5)
	w.populate(t, 10)
	a, b := run(t, openDSN(t, dsn)), run(t, openDSN(t, dsn))
	cur := window().To - 1
	now := monitor.Period{From: cur, To: cur + 1}
	before := count(t, a.Index(), "wet:pw", monitor.Persons, now)
	if nb := count(t, b.Index(), "wet:pw", monitor.Persons, now); nb != before {
		t.Fatalf("two fresh builds disagree: %d and %d", before, nb)
	}
	h := w.addHousehold(t, w.reg, "GM0119", "WK011901")
	hh, pid := h.ID, w.addPerson(t, w.reg, h, "ouder", people.MustDate("1990-01-01"), w.today.AddMonths(-2)).ID
	pv := casework.Provision{HouseholdID: hh, PersonID: pid, Wet: "pw", Categorie: "PW-BIJSTAND", Start: w.today.AddDays(-3),
		MaandbedragCents: casework.Cents(110000).Ptr(), Status: casework.ProvisionGranted}
	if err := writer.CreateProvision(ctx, w.reg, &pv); err != nil {
		t.Fatal(err)
	}
	for _, f := range []*monitorfeed.Feed{a, b} {
		lat := caughtUp(t, f, writer)
		if got := count(t, f.Index(), "wet:pw", monitor.Persons, now); got != before+1 {
			t.Errorf("a feed sees %d persons with pw, want %d", got, before+1)
		}
		t.Logf("write through a third handle visible after %v", lat)
	}
	sameIndex(t, writer, a.Index())
	sameIndex(t, writer, b.Index())
}

// TestConcurrentWriters: many concurrent writer transactions on PostgreSQL
// (whose change ids may be handed out in one order and committed in
// another); the follower must miss none: at the end its index equals a
// fresh build.
func TestConcurrentWriters(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	s := openDSN(t, dsn)
	w := newWorld(t, s, 99)
	w.populate(t, 30)
	f := run(t, openDSN(t, dsn))
	writers := []*store.Store{s, openDSN(t, dsn), openDSN(t, dsn)}
	var hhs []people.Household
	for _, h := range w.hhs {
		if h.Gemeente == "GM0119" && len(w.members[h.ID]) > 0 {
			hhs = append(hhs, h)
		}
	}
	var wg sync.WaitGroup
	errc := make(chan error, 1000)
	for g := 0; g < 12; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			st := writers[g%len(writers)]
			for i := 0; i < 15; i++ {
				h := hhs[(g*15+i)%len(hhs)]
				pid := w.members[h.ID][i%len(w.members[h.ID])]
				wet, cat := "wmo", "02"
				if i%3 == 1 {
					wet, cat = "jw", "45"
				} else if i%3 == 2 {
					wet, cat = "wgs", "WGS-SCHULDHULP"
				}
				pv := casework.Provision{HouseholdID: h.ID, PersonID: pid, Wet: wet, Categorie: cat, Start: w.today.AddDays(-i - 1),
					MaandbedragCents: casework.Cents(1000 + g*100 + i).Ptr(), Status: casework.ProvisionStarted}
				if err := st.CreateProvision(ctx, w.reg, &pv); err != nil {
					errc <- err
					return
				}
				if i%4 == 0 {
					sc := map[string]int{}
					for _, dm := range casework.Domains {
						sc[dm.Code] = 1 + (g+i+len(dm.Code))%5
					}
					as := casework.Assessment{Household: h.ID, Person: pid, Datum: w.today.AddDays(-(g*15 + i)), Scores: sc}
					if err := st.CreateAssessment(ctx, w.reg, &as); err != nil {
						errc <- err
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	caughtUp(t, f, s)
	sameIndex(t, s, f.Index())
}

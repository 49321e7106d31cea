package store_test

import (
	"sync/atomic"
	"testing"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// TestChangeLogOrder: a transaction that took its change ids but has not
// committed yet holds back every later one, so a reader that sees id n has
// seen every smaller id that will ever commit. Transaction A stops just
// before COMMIT; B writes meanwhile; a reader polls the log throughout.
func TestChangeLogOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := pvSetup(t, s)
		base, err := s.LastChange(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var armed atomic.Bool
		armed.Store(true)
		flushed, release := make(chan struct{}), make(chan struct{})
		store.SetBeforeCommitHook(func() {
			if armed.CompareAndSwap(true, false) {
				close(flushed)
				<-release
			}
		})
		defer store.SetBeforeCommitHook(nil)
		errA, errB := make(chan error, 1), make(chan error, 1)
		go func() {
			pv := pvBegeleiding(f)
			errA <- s.CreateProvision(ctx, f.meppel, &pv)
		}()
		<-flushed
		go func() {
			pv := pvBegeleiding(f)
			pv.PersonID = f.child.ID
			errB <- s.CreateProvision(ctx, f.meppel, &pv)
		}()
		var snaps [][]int64
		deadline := time.Now().Add(400 * time.Millisecond)
		for time.Now().Before(deadline) {
			cs, err := s.Changes(ctx, base, 0)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			snaps = append(snaps, ids)
			time.Sleep(5 * time.Millisecond)
		}
		close(release)
		if err := <-errA; err != nil {
			t.Fatal(err)
		}
		if err := <-errB; err != nil {
			t.Fatal(err)
		}
		final, err := s.Changes(ctx, base, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(final) != 2 {
			t.Fatalf("want the two provisions' changes, got %+v", final)
		}
		for _, c := range final {
			if c.Household != f.h.ID || c.Entity != store.RecProvision {
				t.Errorf("change %+v: want a provision of household %s", c, f.h.ID)
			}
		}
		for _, ids := range snaps {
			if len(ids) == 0 {
				continue
			}
			seen := map[int64]bool{}
			for _, id := range ids {
				seen[id] = true
			}
			for _, c := range final {
				if c.ID < ids[len(ids)-1] && !seen[c.ID] {
					t.Fatalf("a reader saw change %d before change %d: it would skip %d for ever", ids[len(ids)-1], c.ID, c.ID)
				}
			}
		}
	})
}

// TestChangesNameHouseholds: every write that can change an indicator
// appends a change naming the household it affects.
func TestChangesNameHouseholds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := budSetup(t, s)
		expect := func(what string, hh string, write func()) {
			t.Helper()
			before, err := s.LastChange(ctx)
			if err != nil {
				t.Fatal(err)
			}
			write()
			cs, err := s.Changes(ctx, before, 0)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, c := range cs {
				found = found || c.Household == hh
			}
			if !found {
				t.Errorf("%s: changes %+v name no household %s", what, cs, hh)
			}
		}
		expect("person update", f.h.ID, func() {
			p := f.mother
			p.Voornamen = "Anne"
			if err := s.UpdatePerson(ctx, f.meppel, &p); err != nil {
				t.Fatal(err)
			}
		})
		var pv casework.Provision
		expect("provision", f.h.ID, func() {
			pv = pvBegeleiding(f.pvFixture)
			if err := s.CreateProvision(ctx, f.meppel, &pv); err != nil {
				t.Fatal(err)
			}
		})
		expect("provision status", f.h.ID, func() {
			if _, err := s.SetProvisionStatus(ctx, f.meppel, pv.ID, casework.StatusChange{Status: casework.ProvisionGranted}); err != nil {
				t.Fatal(err)
			}
		})
		expect("assessment", f.h.ID, func() {
			sc := map[string]int{}
			for _, d := range casework.Domains {
				sc[d.Code] = 3
			}
			as := casework.Assessment{Household: f.h.ID, Person: f.mother.ID, Datum: people.MustDate("2025-01-10"), Scores: sc}
			if err := s.CreateAssessment(ctx, f.meppel, &as); err != nil {
				t.Fatal(err)
			}
		})
		expect("plan", f.h.ID, func() {
			if _, err := s.StartPlan(ctx, f.meppel, f.h.ID, people.Date{}); err != nil {
				t.Fatal(err)
			}
		})
		expect("closing evaluation", f.h.ID, func() {
			ev := casework.Evaluation{Soort: casework.EvalClose, Datum: people.DateOf(time.Now().In(people.Amsterdam())), Tevredenheid: 8}
			if err := s.CreateEvaluation(ctx, f.meppel, f.h.ID, &ev); err != nil {
				t.Fatal(err)
			}
		})
		var sp casework.Spend
		expect("spend request", f.h.ID, func() { sp = budRequest(t, s, f.meppel, f.h.ID, 10000) })
		expect("spend decision", f.h.ID, func() {
			if _, err := s.DecideSpend(ctx, f.r2, sp.ID, budYes); err != nil {
				t.Fatal(err)
			}
		})
		expect("new member", f.h.ID, func() {
			person(t, f.fixture, f.meppel, "GM0119", "999990056", "Nieuw", &people.Member{Household: f.h.ID, Rol: "kind", Start: people.MustDate("2024-01-01")})
		})
		expect("address", f.h.ID, func() {
			h := f.h
			h.Huisnummer = 12
			if err := s.UpdateHousehold(ctx, f.meppel, &h); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// TestMonitorReadIsAudited: a monitor read writes one record per gemeente,
// none per person.
func TestMonitorReadIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := pvSetup(t, s)
		d, err := s.MonitorData(ctx, store.MonitorRead{Gemeenten: []string{"GM0119"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Persons) != 2 || len(d.Households) != 1 {
			t.Fatalf("read %d persons in %d households, want the 2 current members of one Meppel household", len(d.Persons), len(d.Households))
		}
		for _, p := range d.Persons {
			if p.Area.Gemeente != "GM0119" || p.Area.Wijk != "WK011901" || p.Household != store.MonitorID(f.h.ID) {
				t.Errorf("person %+v", p)
			}
		}
		recs, err := s.SearchAudit(ctx, f.beheer.P, audit.Filter{RecordType: store.RecMonitor})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 || recs[0].Purpose != store.PurposeMonitor || recs[0].Gemeente != "GM0119" {
			t.Fatalf("audit: %+v", recs)
		}
		if _, err := s.MonitorData(ctx, store.MonitorRead{Gemeenten: []string{"GM0119"}, Households: []string{f.h.ID}}); err != nil {
			t.Fatal(err)
		}
		recs, _ = s.SearchAudit(ctx, f.beheer.P, audit.Filter{RecordType: store.RecMonitor})
		if len(recs) != 2 {
			t.Fatalf("audit after a refresh: %+v", recs)
		}
	})
}

package store_test

import (
	"sync"
	"testing"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// budFixture: a team for WK011901 with a budget of € 5.000 for this year
// and a threshold of € 1.500; two regisseurs and a teamleider.
type budFixture struct {
	pvFixture
	r2     store.Actor
	team   casework.Team
	budget casework.Budget
}

func budSetup(t *testing.T, s *store.Store) budFixture {
	t.Helper()
	f := budFixture{pvFixture: pvSetup(t, s)}
	f.r2 = pvActor(t, s, "r2@meppel.nl", "GM0119", auth.Regisseur)
	f.team = casework.Team{Gemeente: "GM0119", Naam: "Wijkteam Centrum", Wijken: []string{"WK011901"}}
	if err := s.CreateTeam(ctx, f.teamleider, &f.team); err != nil {
		t.Fatal(err)
	}
	f.budget = casework.Budget{TeamID: f.team.ID, Jaar: time.Now().In(people.Amsterdam()).Year(), BedragCents: 500000, DrempelCents: 150000}
	if err := s.SetBudget(ctx, f.teamleider, &f.budget); err != nil {
		t.Fatal(err)
	}
	return f
}

func budRequest(t *testing.T, s *store.Store, a store.Actor, hh string, cents casework.Cents) casework.Spend {
	t.Helper()
	sp := casework.Spend{HouseholdID: hh, BedragCents: cents, Doel: "Huurachterstand aflossen", Voorkomt: "Huisuitzetting en opvang", VerwachtVermedenCents: 2500000}
	if err := s.RequestSpend(ctx, a, &sp); err != nil {
		t.Fatal(err)
	}
	return sp
}

var (
	budYes = casework.Decision{Approve: true, Reason: "Voorkomt uitzetting; past in het plan"}
	budNo  = casework.Decision{Approve: false, Reason: "Eerst de schuldhulp laten kijken"}
)

func TestBudgetSetAndSums(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := budSetup(t, s)
		if f.budget.ID == "" || f.budget.TeamNaam != "Wijkteam Centrum" || f.budget.SaldoCents != 500000 || f.budget.VermedenPerEuroCents != nil {
			t.Fatalf("budget: %+v", f.budget)
		}
		for name, a := range map[string]store.Actor{"regisseur": f.meppel, "beleid": f.beleid, "other gemeente": f.haarlem} {
			b := casework.Budget{TeamID: f.team.ID, Jaar: 2030, BedragCents: 100}
			if err := s.SetBudget(ctx, a, &b); !errs.Is(err, errs.Forbidden) && !errs.Is(err, errs.NotFound) {
				t.Errorf("%s sets a budget: %v", name, err)
			}
		}
		bad := casework.Budget{TeamID: f.team.ID, Jaar: 2030, BedragCents: -1, DrempelCents: -1}
		if fe, ok := people.AsFieldErrors(s.SetBudget(ctx, f.teamleider, &bad)); !ok || fe.For("bedrag_cents") == "" || fe.For("drempel_cents") == "" {
			t.Fatalf("negative budget: %v", fe)
		}
		a := budRequest(t, s, f.meppel, f.h.ID, 140000)
		budRequest(t, s, f.meppel, f.h.ID, 30000)
		if _, err := s.DecideSpend(ctx, f.r2, a.ID, budYes); err != nil {
			t.Fatal(err)
		}
		b, err := s.GetBudget(ctx, f.meppel, f.budget.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b.GoedgekeurdCents != 140000 || b.AangevraagdCents != 30000 || b.SaldoCents != 360000 || b.VermedenCents != 2500000 ||
			b.VermedenPerEuroCents == nil || *b.VermedenPerEuroCents != 1786 || b.AantalGoedgekeurd != 1 || b.AantalAangevraagd != 1 {
			t.Fatalf("sums: %+v", b)
		}
		// The amount cannot drop below what is approved; raising it is fine.
		low := casework.Budget{TeamID: f.team.ID, Jaar: f.budget.Jaar, BedragCents: 100000, DrempelCents: 150000}
		if fe, ok := people.AsFieldErrors(s.SetBudget(ctx, f.teamleider, &low)); !ok || fe.For("bedrag_cents") == "" {
			t.Fatalf("below approved: %v", fe)
		}
		up := casework.Budget{TeamID: f.team.ID, Jaar: f.budget.Jaar, BedragCents: 800000, DrempelCents: 200000}
		if err := s.SetBudget(ctx, f.beheer, &up); err != nil || up.ID != f.budget.ID || up.SaldoCents != 660000 {
			t.Fatalf("raise: %v %+v", err, up)
		}
		// Beheer sees the sums, not the spends; Haarlem sees neither.
		if list, err := s.Budgets(ctx, f.beheer, f.budget.Jaar); err != nil || len(list) != 1 {
			t.Fatalf("beheer budgets: %v %d", err, len(list))
		}
		if _, err := s.SpendsOfBudget(ctx, f.beheer, f.budget.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beheer reads spends: %v", err)
		}
		if list, err := s.Budgets(ctx, f.haarlem, 0); err != nil || len(list) != 0 {
			t.Fatalf("haarlem budgets: %v %d", err, len(list))
		}
		if _, err := s.GetBudget(ctx, f.haarlem, f.budget.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("haarlem reads budget: %v", err)
		}
		if _, err := s.Budgets(ctx, f.beleid, 0); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beleid reads budgets: %v", err)
		}
	})
}

func TestSpendRequestBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := budSetup(t, s)
		good := casework.Spend{HouseholdID: f.h.ID, BedragCents: 140000, Doel: "Huur", Voorkomt: "Uitzetting", VerwachtVermedenCents: 0}
		cases := []struct {
			name  string
			mod   func(*casework.Spend)
			field string
		}{
			{"zero amount", func(sp *casework.Spend) { sp.BedragCents = 0 }, "bedrag_cents"},
			{"negative amount", func(sp *casework.Spend) { sp.BedragCents = -500 }, "bedrag_cents"},
			{"no purpose", func(sp *casework.Spend) { sp.Doel = "" }, "doel"},
			{"nothing prevented", func(sp *casework.Spend) { sp.Voorkomt = " " }, "voorkomt"},
			{"negative avoided cost", func(sp *casework.Spend) { sp.VerwachtVermedenCents = -1 }, "verwacht_vermeden_cents"},
			{"unknown budget", func(sp *casework.Spend) { sp.BudgetID = "nonexistent" }, "budget"},
		}
		for _, c := range cases {
			sp := good
			c.mod(&sp)
			if fe, ok := people.AsFieldErrors(s.RequestSpend(ctx, f.meppel, &sp)); !ok || fe.For(c.field) == "" {
				t.Errorf("%s: want %s, got %v", c.name, c.field, fe)
			}
		}
		// A household in a wijk without a team has no budget to ask from.
		elsewhere := household(t, f.fixture, f.meppel, "GM0119", "WK011905", "7943AA", 1)
		sp := good
		sp.HouseholdID = elsewhere.ID
		if fe, ok := people.AsFieldErrors(s.RequestSpend(ctx, f.meppel, &sp)); !ok || fe.For("budget") == "" {
			t.Fatalf("no team for wijk: %v", fe)
		}
		// Naming the budget of a team that does not work in the household's wijk is refused too.
		zuid := casework.Team{Gemeente: "GM0119", Naam: "Zuid", Wijken: []string{"WK011905"}}
		if err := s.CreateTeam(ctx, f.teamleider, &zuid); err != nil {
			t.Fatal(err)
		}
		zb := casework.Budget{TeamID: zuid.ID, Jaar: f.budget.Jaar, BedragCents: 100000}
		if err := s.SetBudget(ctx, f.teamleider, &zb); err != nil {
			t.Fatal(err)
		}
		sp = good
		sp.BudgetID = zb.ID
		if fe, ok := people.AsFieldErrors(s.RequestSpend(ctx, f.meppel, &sp)); !ok || fe.For("budget") == "" {
			t.Fatalf("budget of another team: %v", fe)
		}
		if list, err := s.SpendsForHousehold(ctx, f.meppel, f.h.ID); err != nil || len(list) != 0 {
			t.Fatalf("refused spends were saved: %v %d", err, len(list))
		}
		// Beleid and other tenants cannot request, read or decide.
		sp = good
		if err := s.RequestSpend(ctx, f.beleid, &sp); !errs.Is(err, errs.NotFound) {
			t.Fatalf("beleid requests: %v", err)
		}
		sp = good
		if err := s.RequestSpend(ctx, f.haarlem, &sp); !errs.Is(err, errs.NotFound) {
			t.Fatalf("haarlem requests: %v", err)
		}
		ok := budRequest(t, s, f.meppel, f.h.ID, 10000)
		if ok.BudgetID != f.budget.ID || ok.Status != casework.SpendRequested || ok.RequestedBy != f.meppel.P.UserID {
			t.Fatalf("request: %+v", ok)
		}
		for name, a := range map[string]store.Actor{"beleid": f.beleid, "haarlem": f.haarlem, "beheer": f.beheer} {
			_, errOther := s.GetSpend(ctx, a, ok.ID)
			_, errNone := s.GetSpend(ctx, a, "nonexistent")
			if !errs.Is(errOther, errs.NotFound) || errs.Message(errOther) != errs.Message(errNone) {
				t.Errorf("%s reads: %v", name, errOther)
			}
			if _, err := s.SpendsForHousehold(ctx, a, f.h.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s lists: %v", name, err)
			}
			if _, err := s.DecideSpend(ctx, a, ok.ID, budYes); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s decides: %v", name, err)
			}
			if list, _ := s.SpendsAwaiting(ctx, a); len(list) != 0 {
				t.Errorf("%s sees %d awaiting", name, len(list))
			}
		}
		if !pvAudited(t, s, f.beheer, ok.ID, audit.Create, store.RecSpend) {
			t.Error("request not audited")
		}
	})
}

func TestSpendFourEyes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := budSetup(t, s)
		small := budRequest(t, s, f.meppel, f.h.ID, 140000) // below the € 1.500 threshold
		large := budRequest(t, s, f.meppel, f.h.ID, 200000) // above it
		own := budRequest(t, s, f.r2, f.h.ID, 50000)

		// What waits for whom: never one's own; large ones only for the teamleider.
		ids := func(a store.Actor) map[string]bool {
			list, err := s.SpendsAwaiting(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]bool{}
			for _, sp := range list {
				m[sp.ID] = true
			}
			return m
		}
		if w := ids(f.meppel); len(w) != 1 || !w[own.ID] {
			t.Fatalf("awaiting regisseur 1: %v", w)
		}
		if w := ids(f.r2); len(w) != 1 || !w[small.ID] {
			t.Fatalf("awaiting regisseur 2: %v", w)
		}
		if w := ids(f.teamleider); len(w) != 3 {
			t.Fatalf("awaiting teamleider: %v", w)
		}
		if own, err := s.SpendsRequestedOpen(ctx, f.meppel); err != nil || len(own) != 2 {
			t.Fatalf("own open requests: %v %d", err, len(own))
		}

		// Self-approval and self-rejection are refused.
		for _, d := range []casework.Decision{budYes, budNo} {
			if _, err := s.DecideSpend(ctx, f.meppel, small.ID, d); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("self decision: %v", err)
			}
		}
		// A reason is required.
		if _, err := s.DecideSpend(ctx, f.r2, small.ID, casework.Decision{Approve: true}); err == nil {
			t.Fatal("decision without reason accepted")
		} else if fe, ok := people.AsFieldErrors(err); !ok || fe.For("reden") == "" {
			t.Fatalf("no reason: %v", err)
		}
		// A regisseur may not decide above the threshold; a teamleider may.
		if _, err := s.DecideSpend(ctx, f.r2, large.ID, budYes); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("regisseur approves large: %v", err)
		}
		if _, err := s.DecideSpend(ctx, f.r2, large.ID, budNo); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("regisseur rejects large: %v", err)
		}
		got, err := s.DecideSpend(ctx, f.teamleider, large.ID, budYes)
		if err != nil || got.Status != casework.SpendApproved || got.DecidedBy != f.teamleider.P.UserID || got.DecidedByEmail != "tl@meppel.nl" ||
			got.BesluitReden != budYes.Reason || got.DecidedAt == nil || !got.NeedsTeamleider {
			t.Fatalf("teamleider approves large: %v %+v", err, got)
		}
		// A colleague regisseur approves the small one.
		if got, err := s.DecideSpend(ctx, f.r2, small.ID, budYes); err != nil || got.Status != casework.SpendApproved {
			t.Fatalf("colleague approves: %v %+v", err, got)
		}
		// Deciding a decided spend is refused, whoever tries.
		if _, err := s.DecideSpend(ctx, f.teamleider, small.ID, budNo); !errs.Is(err, errs.Conflict) {
			t.Fatalf("decide twice: %v", err)
		}
		// € 5.000 − 2.000 − 1.400 leaves € 1.600: a € 1.700 request cannot be approved, but can be rejected.
		over := budRequest(t, s, f.r2, f.h.ID, 170000)
		_, err = s.DecideSpend(ctx, f.teamleider, over.ID, budYes)
		if !errs.Is(err, errs.Conflict) || errs.Message(err) != "Goedkeuren kan niet: het budget heeft nog € 1.600,00 over en deze besteding is € 1.700,00." {
			t.Fatalf("overdraw: %v", err)
		}
		if got, err := s.DecideSpend(ctx, f.teamleider, over.ID, budNo); err != nil || got.Status != casework.SpendRejected {
			t.Fatalf("reject: %v", err)
		}
		// Regisseur 1 rejects regisseur 2's request.
		if got, err := s.DecideSpend(ctx, f.meppel, own.ID, budNo); err != nil || got.Status != casework.SpendRejected || got.DecidedBy != f.meppel.P.UserID {
			t.Fatalf("colleague rejects: %v", err)
		}
		b, _ := s.GetBudget(ctx, f.meppel, f.budget.ID)
		if b.GoedgekeurdCents != 340000 || b.AangevraagdCents != 0 || b.SaldoCents != 160000 {
			t.Fatalf("budget after decisions: %+v", b)
		}
		list, err := s.SpendsForHousehold(ctx, f.meppel, f.h.ID)
		if err != nil || len(list) != 4 || list[0].Adres != "7941 AB 10" {
			t.Fatalf("household spends: %v %+v", err, list)
		}
		if !pvAudited(t, s, f.beheer, small.ID, audit.Update, store.RecSpend) || !pvAudited(t, s, f.beheer, small.ID, audit.Read, store.RecSpend) {
			t.Error("decision or read not audited")
		}
	})
}

// Two approvals that together would overdraw the budget, at the same
// moment by two different people: exactly one succeeds, every time.
func TestSpendConcurrentApprovalsNeverOverdraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := budSetup(t, s)
		const rounds = 25
		for i := 0; i < rounds; i++ {
			b := casework.Budget{TeamID: f.team.ID, Jaar: 2040 + i, BedragCents: 100000, DrempelCents: 100000}
			if err := s.SetBudget(ctx, f.teamleider, &b); err != nil {
				t.Fatal(err)
			}
			var sps [2]casework.Spend
			for j := range sps {
				sps[j] = casework.Spend{HouseholdID: f.h.ID, BudgetID: b.ID, BedragCents: 60000, Doel: "Borg", Voorkomt: "Dakloosheid"}
				if err := s.RequestSpend(ctx, f.meppel, &sps[j]); err != nil {
					t.Fatal(err)
				}
			}
			deciders := [2]store.Actor{f.r2, f.teamleider}
			var wg sync.WaitGroup
			start := make(chan struct{})
			var errsOut [2]error
			for j := range sps {
				wg.Add(1)
				go func(j int) {
					defer wg.Done()
					<-start
					_, errsOut[j] = s.DecideSpend(ctx, deciders[j], sps[j].ID, budYes)
				}(j)
			}
			close(start)
			wg.Wait()
			ok, refused := 0, 0
			for _, err := range errsOut {
				switch {
				case err == nil:
					ok++
				case errs.Is(err, errs.Conflict):
					refused++
				default:
					t.Fatalf("round %d: unexpected error %v", i, err)
				}
			}
			got, err := s.GetBudget(ctx, f.teamleider, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if ok != 1 || refused != 1 || got.GoedgekeurdCents != 60000 || got.AangevraagdCents != 60000 {
				t.Fatalf("round %d: %d approved, %d refused, approved sum %d", i, ok, refused, got.GoedgekeurdCents)
			}
		}
	})
}

// The database itself refuses self-approval, whatever code writes it.
func TestSpendSelfApprovalCheckInDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := budSetup(t, s)
		sp := budRequest(t, s, f.meppel, f.h.ID, 1000)
		err := s.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE spends SET status = 'goedgekeurd', decided_by = requested_by WHERE id = ?", sp.ID)
			return err
		})
		if err == nil {
			t.Fatal("the database accepted a self-approval")
		}
		if got, _ := s.GetSpend(ctx, f.r2, sp.ID); got.Status != casework.SpendRequested {
			t.Fatalf("status after refused update: %s", got.Status)
		}
	})
}

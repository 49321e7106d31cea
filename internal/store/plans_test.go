package store_test

import (
	"sync"
	"testing"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

func planGoal(f zrmFix, domain, text string) *casework.Goal {
	return &casework.Goal{Domein: domain, Tekst: text, DoelNiveau: 4, Streefdatum: f.today.AddDays(180),
		Actions: []casework.Action{{Tekst: "Samen de post openen", Wie: "netwerk", WieNaam: "zus Mirjam"}, {Tekst: "Afspraak bij de schuldhulp", Wie: "regisseur"}}}
}

func planFieldErr(t *testing.T, name string, err error, field string) {
	t.Helper()
	fe, ok := people.AsFieldErrors(err)
	if !ok || fe.For(field) == "" {
		t.Errorf("%s: want an error on %s, got %v", name, field, err)
	}
}

func TestPlanVersioning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := zrmSetup(t, s)
		if _, ok, err := s.CurrentPlan(ctx, f.meppel, f.h.ID); err != nil || ok {
			t.Fatalf("no plan yet: %v %v", ok, err)
		}
		p, err := s.StartPlan(ctx, f.meppel, f.h.ID, people.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Versie != 1 || p.Status != casework.PlanCurrent || p.Datum.ISO() != f.today.ISO() || !p.Editable() || p.CreatedByName != "r@meppel.nl" {
			t.Fatalf("started: %+v", p)
		}
		if _, err := s.StartPlan(ctx, f.meppel, f.h.ID, people.Date{}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second current plan: %v", err)
		}
		// Not agreed yet: changes go into version 1 itself.
		g1 := planGoal(f, "financien", "Wij willen weer rust over geld")
		if p, err = s.AddGoal(ctx, f.meppel, f.h.ID, g1); err != nil {
			t.Fatal(err)
		}
		g2 := &casework.Goal{Domein: "sociaal_netwerk", Person: f.son.ID, Tekst: "Daan wil weer naar voetbal", DoelNiveau: 3, Streefdatum: f.today.AddDays(90)}
		if p, err = s.AddGoal(ctx, f.meppel, f.h.ID, g2); err != nil {
			t.Fatal(err)
		}
		if p.Versie != 1 || len(p.Goals) != 2 || p.Goals[0].ID != g1.ID || len(p.Goals[0].Actions) != 2 || p.Goals[1].PersonName != "Daan Jansen" || p.Goals[1].Positie != 2 {
			t.Fatalf("goals in place: %+v", p)
		}
		if a := p.Goals[0].Actions[0]; a.Wie != "netwerk" || a.WieNaam != "zus Mirjam" || a.Status != "gepland" || a.Positie != 1 {
			t.Fatalf("action: %+v", a)
		}
		if p, err = s.AddAction(ctx, f.meppel, f.h.ID, g2.ID, &casework.Action{Tekst: "Trainer bellen", Wie: "huishouden"}); err != nil || p.Versie != 1 || len(p.Goals[1].Actions) != 1 {
			t.Fatalf("action in place: %+v %v", p, err)
		}
		// Agreement freezes version 1.
		if p, err = s.AgreePlan(ctx, f.meppel, f.h.ID, &casework.Agreement{Datum: f.today, Wijze: "gesprek", Toelichting: "aan de keukentafel"}); err != nil {
			t.Fatal(err)
		}
		if !p.Agreed() || p.Akkoord.Wijze != "gesprek" || p.Editable() {
			t.Fatalf("agreed: %+v", p.Akkoord)
		}
		if _, err := s.AgreePlan(ctx, f.meppel, f.h.ID, &casework.Agreement{Datum: f.today, Wijze: "getekend"}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("agreeing twice: %v", err)
		}
		// Progress on an agreed version stays in it.
		if p, err = s.SetGoalStatus(ctx, f.meppel, f.h.ID, g2.ID, casework.GoalReached); err != nil || p.Versie != 1 || p.Goals[1].Status != casework.GoalReached {
			t.Fatalf("goal status: %v %+v", err, p)
		}
		actID := p.Goals[0].Actions[0].ID
		if p, err = s.SetActionStatus(ctx, f.meppel, f.h.ID, actID, "bezig"); err != nil || p.Versie != 1 || p.Goals[0].Actions[0].Status != "bezig" {
			t.Fatalf("action status: %v", err)
		}
		// A change to what was agreed makes version 2, a copy plus the change.
		g3 := &casework.Goal{Domein: "huisvesting", Tekst: "De huur op tijd betalen", DoelNiveau: 4, Streefdatum: f.today.AddDays(60)}
		v2, err := s.AddGoal(ctx, f.teamleider, f.h.ID, g3)
		if err != nil {
			t.Fatal(err)
		}
		if v2.Versie != 2 || v2.Agreed() || !v2.Editable() || len(v2.Goals) != 3 || v2.Goals[2].ID != g3.ID || v2.Goals[2].Positie != 3 || v2.CreatedByName != "tl@meppel.nl" {
			t.Fatalf("version 2: %+v", v2)
		}
		if v2.Goals[0].ID == g1.ID || v2.Goals[0].Tekst != g1.Tekst || len(v2.Goals[0].Actions) != 2 || v2.Goals[0].Actions[0].Status != "bezig" || v2.Goals[1].Status != casework.GoalReached || v2.Goals[1].Person != f.son.ID {
			t.Fatalf("goals not copied faithfully: %+v", v2.Goals)
		}
		// Version 1 is kept, replaced, read-only, and still readable as it was.
		v1, err := s.PlanVersion(ctx, f.meppel, f.h.ID, 1)
		if err != nil || v1.Status != casework.PlanReplaced || len(v1.Goals) != 2 || !v1.Agreed() || v1.Goals[0].ID != g1.ID {
			t.Fatalf("version 1: %+v %v", v1, err)
		}
		for name, err := range map[string]error{
			"goal status": func() error {
				_, err := s.SetGoalStatus(ctx, f.meppel, f.h.ID, g1.ID, casework.GoalReached)
				return err
			}(),
			"action status": func() error { _, err := s.SetActionStatus(ctx, f.meppel, f.h.ID, actID, "gedaan"); return err }(),
			"add action": func() error {
				_, err := s.AddAction(ctx, f.meppel, f.h.ID, g1.ID, &casework.Action{Tekst: "x", Wie: "regisseur"})
				return err
			}(),
		} {
			if !errs.Is(err, errs.Conflict) {
				t.Errorf("%s on version 1: %v", name, err)
			}
		}
		if v1b, _ := s.PlanVersion(ctx, f.meppel, f.h.ID, 1); v1b.Goals[0].Status != casework.GoalOpen || v1b.Goals[0].Actions[0].Status != "bezig" {
			t.Fatalf("version 1 changed: %+v", v1b.Goals[0])
		}
		// Version 2 is not agreed: further changes stay in it.
		if p, err = s.AddAction(ctx, f.meppel, f.h.ID, v2.Goals[0].ID, &casework.Action{Tekst: "Budgetcursus", Wie: "vrijwilliger"}); err != nil || p.Versie != 2 || len(p.Goals[0].Actions) != 3 {
			t.Fatalf("action on version 2: %v %+v", err, p)
		}
		vs, err := s.PlanVersions(ctx, f.meppel, f.h.ID)
		if err != nil || len(vs) != 2 || vs[0].Versie != 2 || vs[1].Versie != 1 || vs[0].Status != casework.PlanCurrent {
			t.Fatalf("versions: %+v %v", vs, err)
		}
		cur, ok, err := s.CurrentPlan(ctx, f.meppel, f.h.ID)
		if err != nil || !ok || cur.ID != v2.ID {
			t.Fatalf("current: %v %v", ok, err)
		}
		// Unknown ids are not found; the audit log holds every step of the plan.
		if _, err := s.SetGoalStatus(ctx, f.meppel, f.h.ID, "nope", casework.GoalReached); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown goal: %v", err)
		}
		recs, _ := s.SearchAudit(ctx, f.beheer, audit.Filter{RecordID: v1.ID})
		var creates, updates, reads int
		for _, r := range recs {
			if r.RecordType != store.RecPlan {
				t.Errorf("record type %q", r.RecordType)
			}
			switch r.Action {
			case audit.Create:
				creates++
			case audit.Update:
				updates++
			case audit.Read:
				reads++
			}
		}
		// 1 create; updates: 2 goals, 1 action, agreement, 2 statuses, replaced; reads: 3 version reads.
		if creates != 1 || updates != 7 || reads < 3 {
			t.Fatalf("plan audit: %d creates, %d updates, %d reads", creates, updates, reads)
		}
	})
}

func TestPlanBadInputNamedAndNothingHalfSaved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := zrmSetup(t, s)
		planFieldErr(t, "plan in the future", func() error { _, err := s.StartPlan(ctx, f.meppel, f.h.ID, f.today.AddDays(2)); return err }(), "datum")
		if _, err := s.AddGoal(ctx, f.meppel, f.h.ID, planGoal(f, "financien", "x")); !errs.Is(err, errs.Conflict) {
			t.Fatalf("goal without a plan: %v", err)
		}
		// A plan drawn up last month: dates are checked against that day.
		planDate := f.today.AddDays(-30)
		if _, err := s.StartPlan(ctx, f.meppel, f.h.ID, planDate); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			edit  func(*casework.Goal)
			field string
		}{
			{"goal without domain", func(g *casework.Goal) { g.Domein = "" }, "domein"},
			{"unknown domain", func(g *casework.Goal) { g.Domein = "vrije_tijd" }, "domein"},
			{"target level 0", func(g *casework.Goal) { g.DoelNiveau = 0 }, "doel_niveau"},
			{"target date out of order", func(g *casework.Goal) { g.Streefdatum = planDate.AddDays(-1) }, "streefdatum"},
			{"no words", func(g *casework.Goal) { g.Tekst = " " }, "tekst"},
			{"action with unknown actor", func(g *casework.Goal) { g.Actions[1].Wie = "buurvrouw" }, "acties.1.wie"},
			{"person not in the household", func(g *casework.Goal) { g.Person = f.haarlemPerson.ID }, "persoon"},
		}
		for _, c := range cases {
			g := planGoal(f, "financien", "Rust over geld")
			c.edit(g)
			_, err := s.AddGoal(ctx, f.meppel, f.h.ID, g)
			planFieldErr(t, c.name, err, c.field)
		}
		if n := zrmCount(t, s, "plan_goals"); n != 0 {
			t.Fatalf("%d goals half-saved", n)
		}
		if n := zrmCount(t, s, "plan_actions"); n != 0 {
			t.Fatalf("%d actions half-saved", n)
		}
		g := planGoal(f, "financien", "Rust over geld")
		p, err := s.AddGoal(ctx, f.meppel, f.h.ID, g)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.AddAction(ctx, f.meppel, f.h.ID, g.ID, &casework.Action{Tekst: "Bellen", Wie: "kapper"})
		planFieldErr(t, "action with unknown actor", err, "wie")
		_, err = s.SetGoalStatus(ctx, f.meppel, f.h.ID, g.ID, "klaar")
		planFieldErr(t, "goal status", err, "status")
		_, err = s.SetActionStatus(ctx, f.meppel, f.h.ID, p.Goals[0].Actions[0].ID, "bereikt")
		planFieldErr(t, "action status", err, "status")
		for name, c := range map[string]struct {
			ag    casework.Agreement
			field string
		}{
			"agreement in the future":   {casework.Agreement{Datum: f.today.AddDays(1), Wijze: "gesprek"}, "datum"},
			"agreement before the plan": {casework.Agreement{Datum: planDate.AddDays(-1), Wijze: "gesprek"}, "datum"},
			"agreement unknown way":     {casework.Agreement{Datum: f.today, Wijze: "duim omhoog"}, "wijze"},
		} {
			_, err := s.AgreePlan(ctx, f.meppel, f.h.ID, &c.ag)
			planFieldErr(t, name, err, c.field)
		}
		// After agreement, a bad goal does not even start a new version.
		if _, err := s.AgreePlan(ctx, f.meppel, f.h.ID, &casework.Agreement{Datum: f.today, Wijze: "getekend"}); err != nil {
			t.Fatal(err)
		}
		bad := planGoal(f, "financien", "Nieuw doel")
		bad.Actions[0].Wie = "niemand"
		_, err = s.AddGoal(ctx, f.meppel, f.h.ID, bad)
		planFieldErr(t, "bad action after agreement", err, "acties.0.wie")
		if vs, _ := s.PlanVersions(ctx, f.meppel, f.h.ID); len(vs) != 1 || vs[0].Status != casework.PlanCurrent || len(vs[0].Goals) != 1 {
			t.Fatalf("a refused change made a version: %+v", vs)
		}
		// After agreement the new version is dated today: a target date
		// before today is out of order even though it is after version 1's date.
		old := planGoal(f, "huisvesting", "Verhuizen")
		old.Streefdatum = f.today.AddDays(-1)
		_, err = s.AddGoal(ctx, f.meppel, f.h.ID, old)
		planFieldErr(t, "target before the new version", err, "streefdatum")
		if n := zrmCount(t, s, "plans"); n != 1 {
			t.Fatalf("%d plans", n)
		}
	})
}

func TestPlanOneCurrentUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := zrmSetup(t, s)
		const n = 8
		var wg sync.WaitGroup
		errc := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.StartPlan(ctx, f.meppel, f.h.ID, people.Date{})
				errc <- err
			}()
		}
		wg.Wait()
		close(errc)
		ok, conflicts := 0, 0
		for err := range errc {
			switch {
			case err == nil:
				ok++
			case errs.Is(err, errs.Conflict):
				conflicts++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if ok != 1 || conflicts != n-1 {
			t.Fatalf("concurrent starts: %d succeeded, %d conflicts", ok, conflicts)
		}
		if _, err := s.AddGoal(ctx, f.meppel, f.h.ID, planGoal(f, "financien", "Rust")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AgreePlan(ctx, f.meppel, f.h.ID, &casework.Agreement{Datum: f.today, Wijze: "gesprek"}); err != nil {
			t.Fatal(err)
		}
		// Colleagues changing the agreed plan at once: one new version, with every change.
		errc = make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := s.AddGoal(ctx, f.meppel, f.h.ID, &casework.Goal{Domein: casework.Domains[i].Code, Tekst: "Doel", DoelNiveau: 3, Streefdatum: f.today.AddDays(30)})
				errc <- err
			}(i)
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		vs, err := s.PlanVersions(ctx, f.meppel, f.h.ID)
		if err != nil || len(vs) != 2 || len(vs[0].Goals) != 1+n || len(vs[1].Goals) != 1 {
			t.Fatalf("versions after concurrent changes: %d, %v", len(vs), err)
		}
		var current int
		if err := s.Tx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, "SELECT COUNT(*) FROM plans WHERE household_id = ? AND status = 'actueel'", f.h.ID).Scan(&current)
		}); err != nil || current != 1 {
			t.Fatalf("current plans: %d %v", current, err)
		}
	})
}

func TestEvaluationCountsGoalsServerSide(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := zrmSetup(t, s)
		if _, err := s.StartPlan(ctx, f.meppel, f.h.ID, f.today.AddDays(-100)); err != nil {
			t.Fatal(err)
		}
		var goals []*casework.Goal
		for _, d := range []string{"financien", "huisvesting", "sociaal_netwerk"} {
			g := &casework.Goal{Domein: d, Tekst: "Doel " + d, DoelNiveau: 4, Streefdatum: f.today.AddDays(30)}
			if _, err := s.AddGoal(ctx, f.meppel, f.h.ID, g); err != nil {
				t.Fatal(err)
			}
			goals = append(goals, g)
		}
		// A review needs agreement first.
		err := s.CreateEvaluation(ctx, f.meppel, f.h.ID, &casework.Evaluation{Soort: casework.EvalReview, Datum: f.today, Tevredenheid: 7})
		planFieldErr(t, "review before agreement", err, "soort")
		if _, err := s.AgreePlan(ctx, f.meppel, f.h.ID, &casework.Agreement{Datum: f.today.AddDays(-95), Wijze: "gesprek"}); err != nil {
			t.Fatal(err)
		}
		planFieldErr(t, "satisfaction 11", s.CreateEvaluation(ctx, f.meppel, f.h.ID, &casework.Evaluation{Soort: casework.EvalReview, Datum: f.today, Tevredenheid: 11}), "tevredenheid")
		planFieldErr(t, "evaluation before the plan", s.CreateEvaluation(ctx, f.meppel, f.h.ID, &casework.Evaluation{Soort: casework.EvalReview, Datum: f.today.AddDays(-101), Tevredenheid: 6}), "datum")
		planFieldErr(t, "goal of another plan", s.CreateEvaluation(ctx, f.meppel, f.h.ID, &casework.Evaluation{Soort: casework.EvalReview, Datum: f.today, Tevredenheid: 6, Doelen: map[string]string{"zomaar": "bereikt"}}), "doelen.zomaar")
		// The client's own counts never reach the store: the server counts.
		ev := casework.Evaluation{Soort: casework.EvalReview, Datum: f.today, Tevredenheid: 8, Gezegd: "Het gaat echt beter met de post.",
			Doelen: map[string]string{goals[0].ID: casework.GoalReached}, DoelenBereikt: 3, DoelenTotaal: 3}
		if err := s.CreateEvaluation(ctx, f.meppel, f.h.ID, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.DoelenBereikt != 1 || ev.DoelenTotaal != 3 || ev.Versie != 1 {
			t.Fatalf("counts: %d/%d", ev.DoelenBereikt, ev.DoelenTotaal)
		}
		// Closing needs every goal decided; a refused closing changes nothing.
		err = s.CreateEvaluation(ctx, f.meppel, f.h.ID, &casework.Evaluation{Soort: casework.EvalClose, Datum: f.today, Tevredenheid: 9,
			Doelen: map[string]string{goals[1].ID: casework.GoalReached}})
		planFieldErr(t, "closing with an open goal", err, casework.GoalField(goals[2].ID))
		if p, ok, _ := s.CurrentPlan(ctx, f.meppel, f.h.ID); !ok || p.Goals[1].Status != casework.GoalOpen {
			t.Fatalf("refused closing changed the plan: %v %+v", ok, p.Goals)
		}
		closing := casework.Evaluation{Soort: casework.EvalClose, Datum: f.today, Tevredenheid: 9, Gezegd: "Dank jullie wel",
			Doelen: map[string]string{goals[1].ID: casework.GoalReached, goals[2].ID: casework.GoalNotReached}}
		if err := s.CreateEvaluation(ctx, f.meppel, f.h.ID, &closing); err != nil {
			t.Fatal(err)
		}
		if closing.DoelenBereikt != 2 || closing.DoelenTotaal != 3 {
			t.Fatalf("closing counts: %d/%d", closing.DoelenBereikt, closing.DoelenTotaal)
		}
		if _, ok, _ := s.CurrentPlan(ctx, f.meppel, f.h.ID); ok {
			t.Fatal("a closed plan is still current")
		}
		v1, err := s.PlanVersion(ctx, f.meppel, f.h.ID, 1)
		if err != nil || v1.Status != casework.PlanClosed {
			t.Fatalf("closed version: %+v %v", v1, err)
		}
		if _, err := s.SetGoalStatus(ctx, f.meppel, f.h.ID, goals[0].ID, casework.GoalOpen); !errs.Is(err, errs.Conflict) {
			t.Fatalf("change to a closed plan: %v", err)
		}
		evs, err := s.EvaluationsForHousehold(ctx, f.meppel, f.h.ID)
		if err != nil || len(evs) != 2 || evs[0].Soort != casework.EvalReview || evs[1].Soort != casework.EvalClose || evs[0].DoelenBereikt != 1 ||
			evs[1].Gezegd != "Dank jullie wel" || evs[0].Versie != 1 || evs[1].ByName != "r@meppel.nl" || evs[0].Tevredenheid != 8 {
			t.Fatalf("evaluations: %+v %v", evs, err)
		}
		recs, _ := s.SearchAudit(ctx, f.beheer, audit.Filter{RecordType: store.RecEvaluation})
		if len(recs) != 4 { // two creates, two reads (one listing)
			t.Fatalf("evaluation audit: %d records", len(recs))
		}
		// After closing, a new plan can start: version 2.
		p2, err := s.StartPlan(ctx, f.meppel, f.h.ID, people.Date{})
		if err != nil || p2.Versie != 2 || len(p2.Goals) != 0 {
			t.Fatalf("new plan after closing: %+v %v", p2, err)
		}
	})
}

func TestPlanTenantIsolationAndBeleid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := zrmSetup(t, s)
		p, err := s.StartPlan(ctx, f.meppel, f.h.ID, people.Date{})
		if err != nil {
			t.Fatal(err)
		}
		g := planGoal(f, "financien", "Rust")
		if _, err := s.AddGoal(ctx, f.meppel, f.h.ID, g); err != nil {
			t.Fatal(err)
		}
		for _, who := range []struct {
			name string
			a    store.Actor
		}{{"haarlem", f.haarlem}, {"beleid", f.beleid}} {
			a := who.a
			calls := map[string]error{
				"current":  func() error { _, _, err := s.CurrentPlan(ctx, a, f.h.ID); return err }(),
				"versions": func() error { _, err := s.PlanVersions(ctx, a, f.h.ID); return err }(),
				"version":  func() error { _, err := s.PlanVersion(ctx, a, f.h.ID, 1); return err }(),
				"start":    func() error { _, err := s.StartPlan(ctx, a, f.h.ID, people.Date{}); return err }(),
				"goal":     func() error { _, err := s.AddGoal(ctx, a, f.h.ID, planGoal(f, "financien", "x")); return err }(),
				"action": func() error {
					_, err := s.AddAction(ctx, a, f.h.ID, g.ID, &casework.Action{Tekst: "x", Wie: "regisseur"})
					return err
				}(),
				"status": func() error { _, err := s.SetGoalStatus(ctx, a, f.h.ID, g.ID, "bereikt"); return err }(),
				"agree": func() error {
					_, err := s.AgreePlan(ctx, a, f.h.ID, &casework.Agreement{Datum: f.today, Wijze: "gesprek"})
					return err
				}(),
				"evaluate": s.CreateEvaluation(ctx, a, f.h.ID, &casework.Evaluation{Soort: casework.EvalClose, Datum: f.today, Tevredenheid: 5, Doelen: map[string]string{g.ID: "bereikt"}}),
				"feedback": func() error { _, err := s.EvaluationsForHousehold(ctx, a, f.h.ID); return err }(),
			}
			_, errNone := s.PlanVersions(ctx, a, "no-such-household")
			for name, err := range calls {
				if !errs.Is(err, errs.NotFound) || err.Error() != errNone.Error() {
					t.Errorf("%s %s: %v (missing household: %v)", who.name, name, err, errNone)
				}
			}
		}
		if _, err := s.OverdueGoals(ctx, f.beleid, nil, "", f.today); !errs.Is(err, errs.Forbidden) {
			t.Errorf("beleid overdue goals: %v", err)
		}
		cur, ok, err := s.CurrentPlan(ctx, f.meppel, f.h.ID)
		if err != nil || !ok || cur.ID != p.ID || cur.Agreed() || len(cur.Goals) != 1 || cur.Goals[0].Status != "open" || len(cur.Goals[0].Actions) != 2 {
			t.Fatalf("plan changed by others: %+v %v", cur, err)
		}
	})
}

func TestOverdueGoals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := zrmSetup(t, s)
		zrmOpenCase(t, s, "GM0119", f.h.ID, f.meppel.P.UserID)
		// A plan drawn up a year ago (entered from paper), with goals whose
		// dates have passed, one reached, and one still ahead.
		if _, err := s.StartPlan(ctx, f.meppel, f.h.ID, f.today.AddDays(-365)); err != nil {
			t.Fatal(err)
		}
		add := func(domain string, person string, days int) *casework.Goal {
			g := &casework.Goal{Domein: domain, Person: person, Tekst: "Doel " + domain, DoelNiveau: 4, Streefdatum: f.today.AddDays(days)}
			if _, err := s.AddGoal(ctx, f.meppel, f.h.ID, g); err != nil {
				t.Fatal(err)
			}
			return g
		}
		late := add("financien", "", -30)
		later := add("huisvesting", f.son.ID, -10)
		reached := add("justitie", "", -60)
		add("sociaal_netwerk", "", 30)
		if _, err := s.SetGoalStatus(ctx, f.meppel, f.h.ID, reached.ID, casework.GoalReached); err != nil {
			t.Fatal(err)
		}
		// Another household of another regisseur with an overdue goal.
		h2 := household(t, f.fixture, f.meppel, "GM0119", "WK011902", "7942CD", 4)
		zrmOpenCase(t, s, "GM0119", h2.ID, f.otherRegisseur.P.UserID)
		if _, err := s.StartPlan(ctx, f.meppel, h2.ID, f.today.AddDays(-100)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddGoal(ctx, f.meppel, h2.ID, &casework.Goal{Domein: "financien", Tekst: "x", DoelNiveau: 3, Streefdatum: f.today.AddDays(-1)}); err != nil {
			t.Fatal(err)
		}
		got, err := s.OverdueGoals(ctx, f.meppel, []string{"GM0119"}, f.meppel.P.UserID, f.today)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].GoalID != late.ID || got[1].GoalID != later.ID || got[1].PersonName != "Daan Jansen" || got[0].Adres != "7941 AB 10" ||
			got[0].HouseholdID != f.h.ID || got[0].Versie != 1 || got[0].Domein != "financien" || got[0].Streefdatum.ISO() != f.today.AddDays(-30).ISO() {
			t.Fatalf("overdue for the regisseur: %+v", got)
		}
		if all, err := s.OverdueGoals(ctx, f.teamleider, nil, "", f.today); err != nil || len(all) != 3 {
			t.Fatalf("overdue for the team: %+v %v", all, err)
		}
		if none, err := s.OverdueGoals(ctx, f.meppel, []string{"GM0392"}, "", f.today); err != nil || len(none) != 0 {
			t.Fatalf("another gemeente asked: %+v %v", none, err)
		}
		if none, err := s.OverdueGoals(ctx, f.haarlem, nil, "", f.today); err != nil || len(none) != 0 {
			t.Fatalf("across tenants: %+v %v", none, err)
		}
		// Searching the worklist is audited.
		cur, _, _ := s.CurrentPlan(ctx, f.meppel, f.h.ID)
		recs, _ := s.SearchAudit(ctx, f.beheer, audit.Filter{RecordID: cur.ID, Action: audit.Search})
		if len(recs) != 2 {
			t.Fatalf("worklist search audit: %d", len(recs))
		}
	})
}

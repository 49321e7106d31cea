package casework

import (
	"strings"
	"testing"

	"naober.nl/naober/internal/people"
)

func planGoalOK() Goal {
	return Goal{Domein: "financien", Tekst: " Wij willen geen nieuwe schulden maken ", DoelNiveau: 4, Streefdatum: people.MustDate("2026-12-31"),
		Actions: []Action{{Tekst: "Post samen openen, elke week", Wie: "netwerk", WieNaam: "zus Mirjam"}}}
}

func TestValidateGoal(t *testing.T) {
	planDate := people.MustDate("2026-03-01")
	g := planGoalOK()
	if err := ValidateGoal(&g, planDate); err != nil {
		t.Fatalf("valid goal refused: %v", err)
	}
	if g.Tekst != "Wij willen geen nieuwe schulden maken" || g.Status != GoalOpen || g.Actions[0].Status != ActionPlanned {
		t.Fatalf("not normalised: %+v", g)
	}
	cases := []struct {
		name  string
		edit  func(*Goal)
		field string
	}{
		{"no domain", func(g *Goal) { g.Domein = "" }, "domein"},
		{"unknown domain", func(g *Goal) { g.Domein = "geluk" }, "domein"},
		{"no text", func(g *Goal) { g.Tekst = "  " }, "tekst"},
		{"text too long", func(g *Goal) { g.Tekst = strings.Repeat("a", 1001) }, "tekst"},
		{"target level 0", func(g *Goal) { g.DoelNiveau = 0 }, "doel_niveau"},
		{"target level 6", func(g *Goal) { g.DoelNiveau = 6 }, "doel_niveau"},
		{"no target date", func(g *Goal) { g.Streefdatum = people.Date{} }, "streefdatum"},
		{"target before plan", func(g *Goal) { g.Streefdatum = planDate.AddDays(-1) }, "streefdatum"},
		{"target too far", func(g *Goal) { g.Streefdatum = planDate.AddYears(6) }, "streefdatum"},
		{"bad status", func(g *Goal) { g.Status = "klaar" }, "status"},
		{"action unknown actor", func(g *Goal) { g.Actions[0].Wie = "buurman" }, "acties.0.wie"},
		{"action without text", func(g *Goal) { g.Actions = append(g.Actions, Action{Wie: "regisseur"}) }, "acties.1.tekst"},
		{"action bad status", func(g *Goal) { g.Actions[0].Status = "misschien" }, "acties.0.status"},
		{"action date before plan", func(g *Goal) { g.Actions[0].Datum = planDate.AddDays(-10) }, "acties.0.datum"},
		{"action long name", func(g *Goal) { g.Actions[0].WieNaam = strings.Repeat("n", 201) }, "acties.0.wie_naam"},
	}
	for _, c := range cases {
		g := planGoalOK()
		c.edit(&g)
		fe, ok := people.AsFieldErrors(ValidateGoal(&g, planDate))
		if !ok || fe.For(c.field) == "" {
			t.Errorf("%s: want an error on %s, got %v", c.name, c.field, fe)
		}
	}
	// A goal for the plan day itself is fine; the target date is inclusive.
	g = planGoalOK()
	g.Streefdatum = planDate
	if err := ValidateGoal(&g, planDate); err != nil {
		t.Errorf("target on the plan date: %v", err)
	}
	a := Action{Tekst: "Bellen", Wie: "aanbieder"}
	if err := ValidateAction(&a, planDate); err != nil || a.Status != ActionPlanned {
		t.Errorf("action: %v %+v", err, a)
	}
	if a.ActorLabel() != "Aanbieder" || (Action{Wie: "netwerk", WieNaam: "zus"}).ActorLabel() != "Eigen netwerk (zus)" {
		t.Errorf("actor label: %q", a.ActorLabel())
	}
}

func TestPlanStateAndAgreement(t *testing.T) {
	today := people.MustDate("2026-03-10")
	p := Plan{Status: PlanCurrent, Datum: people.MustDate("2026-03-01"), Goals: []Goal{{ID: "g1", Status: GoalReached, Actions: []Action{{ID: "a1"}}}, {ID: "g2", Status: GoalOpen}}}
	if !p.Editable() || p.Agreed() {
		t.Fatal("a current plan without agreement is editable")
	}
	if g, ok := p.Goal("g2"); !ok || g.ID != "g2" {
		t.Fatal("goal lookup")
	}
	if g, a, ok := p.Action("a1"); !ok || g.ID != "g1" || a.ID != "a1" {
		t.Fatal("action lookup")
	}
	if _, _, ok := p.Action("nope"); ok {
		t.Fatal("unknown action found")
	}
	if r, n := GoalCounts(p.Goals); r != 1 || n != 2 {
		t.Fatalf("counts %d/%d", r, n)
	}
	ag := Agreement{Datum: today, Wijze: "gesprek", Toelichting: " aan tafel "}
	if err := ValidateAgreement(&ag, p, today); err != nil || ag.Toelichting != "aan tafel" {
		t.Fatalf("agreement: %v", err)
	}
	for name, c := range map[string]struct {
		ag    Agreement
		p     Plan
		field string
	}{
		"future":        {Agreement{Datum: today.AddDays(1), Wijze: "gesprek"}, p, "datum"},
		"before plan":   {Agreement{Datum: people.MustDate("2026-02-28"), Wijze: "gesprek"}, p, "datum"},
		"no date":       {Agreement{Wijze: "gesprek"}, p, "datum"},
		"unknown way":   {Agreement{Datum: today, Wijze: "knipoog"}, p, "wijze"},
		"plan no goals": {Agreement{Datum: today, Wijze: "gesprek"}, Plan{Status: PlanCurrent, Datum: p.Datum}, "doelen"},
	} {
		fe, ok := people.AsFieldErrors(ValidateAgreement(&c.ag, c.p, today))
		if !ok || fe.For(c.field) == "" {
			t.Errorf("%s: want error on %s, got %v", name, c.field, fe)
		}
	}
	p.Akkoord = &ag
	if !p.Agreed() || p.Editable() {
		t.Fatal("an agreed plan is frozen")
	}
	p.Akkoord = nil
	p.Status = PlanReplaced
	if p.Editable() || p.Current() {
		t.Fatal("a replaced plan is read-only")
	}
	if PlanStatusLabel(PlanClosed) != "Afgesloten" || PlanDomainName("basale_adl") != "Basale ADL" {
		t.Fatal("labels")
	}
	for _, c := range []struct {
		d     people.Date
		valid bool
	}{{today, true}, {today.AddDays(1), false}, {people.Date{}, false}, {today.AddYears(-6), false}, {today.AddYears(-1), true}} {
		if err := ValidatePlanDate(c.d, today); (err == nil) != c.valid {
			t.Errorf("plan date %s: %v", c.d, err)
		}
	}
	if ValidateGoalStatus("bereikt") != nil || ValidateGoalStatus("gedaan") == nil || ValidateActionStatus("gedaan") != nil || ValidateActionStatus("bereikt") == nil {
		t.Error("status validation")
	}
}

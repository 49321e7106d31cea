package casework

import (
	"testing"

	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
)

func TestValidateTeam(t *testing.T) {
	tm := Team{Naam: " Noord ", Wijken: []string{"wk011902", "WK011901", "WK011901", ""}, Members: []TeamMember{{UserID: "a"}, {UserID: "a"}, {UserID: "b"}}}
	if err := ValidateTeam(&tm); err != nil {
		t.Fatal(err)
	}
	if tm.Naam != "Noord" || len(tm.Wijken) != 2 || tm.Wijken[0] != "WK011901" || len(tm.Members) != 2 {
		t.Fatalf("normalised: %+v", tm)
	}
	for _, c := range []struct {
		t     Team
		field string
	}{
		{Team{Wijken: []string{"WK011901"}}, "naam"},
		{Team{Naam: "X"}, "wijken"},
		{Team{Naam: "X", Wijken: []string{"BU01190101"}}, "wijken"},
	} {
		fe, ok := people.AsFieldErrors(ValidateTeam(&c.t))
		if !ok || fe.For(c.field) == "" {
			t.Errorf("%+v: want %s, got %v", c.t, c.field, fe)
		}
	}
}

func TestValidateBudgetAndSpend(t *testing.T) {
	for _, c := range []struct {
		b     Budget
		field string
	}{
		{Budget{Jaar: 1999, BedragCents: 1}, "jaar"},
		{Budget{Jaar: 2026, BedragCents: -1}, "bedrag_cents"},
		{Budget{Jaar: 2026, DrempelCents: -1}, "drempel_cents"},
	} {
		fe, ok := people.AsFieldErrors(ValidateBudget(&c.b))
		if !ok || fe.For(c.field) == "" {
			t.Errorf("budget %+v: want %s, got %v", c.b, c.field, fe)
		}
	}
	if err := ValidateBudget(&Budget{Jaar: 2026, BedragCents: 5000000, DrempelCents: 150000}); err != nil {
		t.Fatal(err)
	}
	good := Spend{BedragCents: 140000, Doel: "Huurachterstand aflossen", Voorkomt: "Huisuitzetting", VerwachtVermedenCents: 2500000}
	if err := ValidateSpend(&good); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		mod   func(*Spend)
		field string
	}{
		{func(s *Spend) { s.BedragCents = 0 }, "bedrag_cents"},
		{func(s *Spend) { s.BedragCents = -100 }, "bedrag_cents"},
		{func(s *Spend) { s.BedragCents = maxSpend + 1 }, "bedrag_cents"},
		{func(s *Spend) { s.Doel = "  " }, "doel"},
		{func(s *Spend) { s.Voorkomt = "" }, "voorkomt"},
		{func(s *Spend) { s.VerwachtVermedenCents = -1 }, "verwacht_vermeden_cents"},
	} {
		s := good
		c.mod(&s)
		fe, ok := people.AsFieldErrors(ValidateSpend(&s))
		if !ok || fe.For(c.field) == "" {
			t.Errorf("want %s, got %v", c.field, fe)
		}
	}
}

func TestBudgetCompute(t *testing.T) {
	b := Budget{BedragCents: 5000000, GoedgekeurdCents: 140000, VermedenCents: 2500000}
	b.Compute()
	if b.SaldoCents != 4860000 || b.VermedenPerEuroCents == nil || *b.VermedenPerEuroCents != 1786 { // 25000 / 1400 = 17,857…
		t.Fatalf("compute: %+v %v", b, b.VermedenPerEuroCents)
	}
	b = Budget{BedragCents: 100}
	b.Compute()
	if b.VermedenPerEuroCents != nil || b.SaldoCents != 100 {
		t.Fatal("ratio without approvals")
	}
}

func TestCheckDecision(t *testing.T) {
	budget := Budget{BedragCents: 100000, DrempelCents: 50000}
	open := Spend{Status: SpendRequested, RequestedBy: "req", BedragCents: 40000}
	ctx := func(mod func(*DecisionContext)) DecisionContext {
		c := DecisionContext{Spend: open, Budget: budget, ApprovedCents: 0, DeciderID: "other", CanDecide: true}
		if mod != nil {
			mod(&c)
		}
		return c
	}
	yes := Decision{Approve: true, Reason: "past binnen het plan"}
	no := Decision{Approve: false, Reason: "eerst voorliggend veld"}
	cases := []struct {
		name string
		c    DecisionContext
		d    Decision
		kind errs.Kind // -1: allowed
		fld  string
	}{
		{"colleague approves", ctx(nil), yes, -1, ""},
		{"colleague rejects", ctx(nil), no, -1, ""},
		{"self approval", ctx(func(c *DecisionContext) { c.DeciderID = "req" }), yes, errs.Forbidden, ""},
		{"self rejection", ctx(func(c *DecisionContext) { c.DeciderID = "req" }), no, errs.Forbidden, ""},
		{"no decider", ctx(func(c *DecisionContext) { c.DeciderID = "" }), yes, errs.Forbidden, ""},
		{"role may not decide", ctx(func(c *DecisionContext) { c.CanDecide = false }), yes, errs.Forbidden, ""},
		{"no reason", ctx(nil), Decision{Approve: true}, errs.Invalid, "reden"},
		{"above threshold as regisseur", ctx(func(c *DecisionContext) { c.Spend.BedragCents = 60000 }), yes, errs.Forbidden, ""},
		{"reject above threshold as regisseur", ctx(func(c *DecisionContext) { c.Spend.BedragCents = 60000 }), no, errs.Forbidden, ""},
		{"at threshold as regisseur", ctx(func(c *DecisionContext) { c.Spend.BedragCents = 50000 }), yes, -1, ""},
		{"above threshold as teamleider", ctx(func(c *DecisionContext) { c.Spend.BedragCents = 60000; c.CanLarge = true }), yes, -1, ""},
		{"overdraw", ctx(func(c *DecisionContext) { c.ApprovedCents = 70000 }), yes, errs.Conflict, ""},
		{"exactly to zero", ctx(func(c *DecisionContext) { c.ApprovedCents = 60000 }), yes, -1, ""},
		{"reject when budget is spent", ctx(func(c *DecisionContext) { c.ApprovedCents = 100000 }), no, -1, ""},
		{"already approved", ctx(func(c *DecisionContext) { c.Spend.Status = SpendApproved }), no, errs.Conflict, ""},
		{"already rejected", ctx(func(c *DecisionContext) { c.Spend.Status = SpendRejected }), yes, errs.Conflict, ""},
	}
	for _, c := range cases {
		err := CheckDecision(c.c, c.d)
		switch {
		case c.kind == -1 && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.kind == -1:
		case c.kind == errs.Invalid:
			fe, ok := people.AsFieldErrors(err)
			if !ok || fe.For(c.fld) == "" {
				t.Errorf("%s: want field %s, got %v", c.name, c.fld, err)
			}
		case !errs.Is(err, c.kind):
			t.Errorf("%s: want kind %d, got %v", c.name, c.kind, err)
		}
	}
	err := CheckDecision(ctx(func(c *DecisionContext) { c.ApprovedCents = 70000 }), yes)
	if msg := errs.Message(err); msg != "Goedkeuren kan niet: het budget heeft nog € 300,00 over en deze besteding is € 400,00." {
		t.Errorf("overdraw message: %q", msg)
	}
}

func TestParseDecision(t *testing.T) {
	if d, err := ParseDecision("goedgekeurd", " ok "); err != nil || !d.Approve || d.Reason != "ok" {
		t.Fatalf("%+v %v", d, err)
	}
	if d, err := ParseDecision("afgewezen", "nee"); err != nil || d.Approve {
		t.Fatalf("%+v %v", d, err)
	}
	fe, _ := people.AsFieldErrors(func() error { _, err := ParseDecision("misschien", ""); return err }())
	if fe.For("besluit") == "" || fe.For("reden") == "" {
		t.Fatalf("bad decision: %v", fe)
	}
}

package participation

import (
	"strings"
	"testing"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
)

func TestSplitTranchesAddUp(t *testing.T) {
	for _, c := range []struct {
		amount casework.Cents
		n      int
		first  casework.Cents
	}{{500000, 2, 250000}, {100001, 2, 50001}, {99, 3, 99}, {123456, 1, 123456}, {100000, 3, 33400}} {
		parts := SplitTranches(c.amount, c.n)
		var sum casework.Cents
		for _, p := range parts {
			if p < 0 {
				t.Fatalf("%d in %d: negative part %v", c.amount, c.n, parts)
			}
			sum += p
		}
		if len(parts) != c.n || sum != c.amount || parts[0] != c.first {
			t.Errorf("%d in %d: %v", c.amount, c.n, parts)
		}
	}
}

func TestFundValidate(t *testing.T) {
	f := Fund{Name: "  Wijk   fonds ", Year: 2026, Budget: 300000, Wijken: []string{"WK011901", "WK011901", " "}}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if f.Name != "Wijk fonds" || f.Max != 300000 || len(f.Wijken) != 1 || f.APKMonths != 3 || f.Tranches != 2 {
		t.Fatalf("%+v", f)
	}
	bad := Fund{Year: 1, Budget: -1, Max: -5, APKMonths: 13, Tranches: 9}
	fe, _ := people.AsFieldErrors(bad.Validate())
	for _, field := range []string{"naam", "jaar", "budget", "maximum", "wijken", "apk_maanden", "tranches"} {
		if fe.For(field) == "" {
			t.Errorf("no error for %s: %v", field, fe)
		}
	}
}

func TestApplicationValidate(t *testing.T) {
	f := Fund{Max: 500000}
	a := Application{Title: "Moestuin", What: "Samen tuinieren", ForWhom: "De straat", Goal: "ontmoeten",
		Lines: []BudgetLine{{Description: "Grond", Amount: 30000}, {}, {Description: "Zaad", Amount: 0}, {Amount: 500}}}
	fe, _ := people.AsFieldErrors(a.Validate(f, true))
	if fe.For("regel3") == "" || fe.For("regel4") == "" || fe.For("regel2") != "" {
		t.Fatalf("line errors: %v", fe)
	}
	a.Lines = []BudgetLine{{Description: "Grond", Amount: 300000}, {Description: "Kas", Amount: 200001}}
	fe, _ = people.AsFieldErrors(a.Validate(f, true))
	if fe.For("begroting") == "" {
		t.Fatal("more than the maximum accepted")
	}
	a.Lines = a.Lines[:1]
	a.Goal = "iets"
	fe, _ = people.AsFieldErrors(a.Validate(f, false))
	if fe.For("doel") == "" {
		t.Fatal("unknown goal accepted in a concept")
	}
	a.Goal = ""
	if err := a.Validate(f, false); err != nil {
		t.Fatalf("a concept without goal: %v", err)
	}
}

func TestCheckDecision(t *testing.T) {
	app := Application{Status: AppBeoordeeld, ApplicantID: "res", ReviewedBy: "rev", Lines: []BudgetLine{{Description: "x", Amount: 400000}}}
	fund := Fund{Budget: 1000000, Max: 500000}
	ok := DecisionContext{App: app, Fund: fund, GrantedNow: 500000, DeciderID: "dec", CanDecide: true}
	grant := Decision{Grant: true, Amount: 400000, Reason: "Goed"}
	if err := CheckDecision(ok, grant); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		ctx  func(DecisionContext) DecisionContext
		d    Decision
		kind errs.Kind
	}{
		{"not a manager", func(c DecisionContext) DecisionContext { c.CanDecide = false; return c }, grant, errs.Forbidden},
		{"the reviewer", func(c DecisionContext) DecisionContext { c.DeciderID = "rev"; return c }, grant, errs.Forbidden},
		{"the applicant", func(c DecisionContext) DecisionContext { c.DeciderID = "res"; return c }, grant, errs.Forbidden},
		{"not reviewed", func(c DecisionContext) DecisionContext { c.App.Status = AppIngediend; return c }, grant, errs.Conflict},
		{"decided", func(c DecisionContext) DecisionContext { c.App.Status = AppToegekend; return c }, grant, errs.Conflict},
		{"overdraws", func(c DecisionContext) DecisionContext { c.GrantedNow = 600001; return c }, grant, errs.Conflict},
		{"no reason", func(c DecisionContext) DecisionContext { return c }, Decision{Grant: true, Amount: 1}, errs.Invalid},
		{"more than asked", func(c DecisionContext) DecisionContext { return c }, Decision{Grant: true, Amount: 400001, Reason: "x"}, errs.Invalid},
		{"zero", func(c DecisionContext) DecisionContext { return c }, Decision{Grant: true, Reason: "x"}, errs.Invalid},
		{"above the maximum", func(c DecisionContext) DecisionContext { c.Fund.Max = 300000; return c }, grant, errs.Invalid},
	}
	for _, c := range cases {
		err := CheckDecision(c.ctx(ok), c.d)
		if c.kind == errs.Invalid {
			if _, isFE := people.AsFieldErrors(err); !isFE {
				t.Errorf("%s: %v, want a field error", c.name, err)
			}
			continue
		}
		if !errs.Is(err, c.kind) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// A rejection needs only a reason, even when the fund is empty.
	full := ok
	full.GrantedNow = fund.Budget
	if err := CheckDecision(full, Decision{Reason: "Buiten de criteria"}); err != nil {
		t.Fatal(err)
	}
}

func TestAPKOverdueAndOpen(t *testing.T) {
	due := people.MustDate("2026-03-01")
	k := APK{Pos: 1, Due: due}
	if k.Overdue(due.AddDays(-1), 0) || !k.Overdue(due, 0) || k.Overdue(due.AddDays(13), 14) || !k.Overdue(due.AddDays(14), 14) {
		t.Fatal("overdue by date")
	}
	a := Application{Status: AppToegekend, APKs: []APK{{Pos: 1, Due: due, AnsweredAt: due.Time()}, {Pos: 2, Due: due.AddMonths(3)}}}
	if o := a.OpenAPK(); o == nil || o.Pos != 2 {
		t.Fatalf("open APK: %+v", o)
	}
	a.Status = AppAfgesloten
	if a.OpenAPK() != nil {
		t.Fatal("a closed initiative has an open APK")
	}
	answered := APK{Due: due, AnsweredAt: due.Time()}
	if answered.Overdue(due.AddDays(100), 14) {
		t.Fatal("an answered APK is overdue")
	}
}

// Withdrawing is for undecided applications only; the reason is optional
// and bounded.
func TestCheckWithdraw(t *testing.T) {
	for st, ok := range map[AppStatus]bool{AppConcept: true, AppIngediend: true, AppBeoordeeld: true,
		AppToegekend: false, AppAfgewezen: false, AppAfgesloten: false, AppIngetrokken: false} {
		_, err := CheckWithdraw(Application{Status: st}, "")
		if (err == nil) != ok {
			t.Errorf("%s: %v", st, err)
		}
		if !ok && !errs.Is(err, errs.Conflict) {
			t.Errorf("%s: want a conflict, got %v", st, err)
		}
	}
	if r, err := CheckWithdraw(Application{Status: AppIngediend}, "  Geen tijd meer.  "); err != nil || r != "Geen tijd meer." {
		t.Fatalf("reason %q: %v", r, err)
	}
	if _, err := CheckWithdraw(Application{Status: AppIngediend}, strings.Repeat("x", WithdrawReasonMax+1)); err == nil {
		t.Fatal("too long a reason accepted")
	}
}

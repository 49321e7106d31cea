package web_test

import (
	"regexp"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// The monitor's wijk page shows the initiatives the fund paid for and the
// money granted in the wijk, not those of another wijk; the CSV has them.
func TestMonitorFundFigures(t *testing.T) {
	e := monEnv(t, fixed(testIndex(t)))
	st := e.st
	actor := func(email string, role auth.Role) store.Actor {
		t.Helper()
		u := &store.User{Email: email, PasswordHash: e.hash, Grants: []auth.Grant{{Gemeente: "GM0119", Role: role}}}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		p, err := st.Principal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return store.Actor{P: p}
	}
	reviewer, decider := actor("fonds1@meppel.nl", auth.Beleid), actor("fonds2@meppel.nl", auth.Wijkcoordinator)
	f := participation.Fund{Gemeente: "GM0119", Name: "Wijkfonds", Year: 2026, Budget: 2000000, Wijken: []string{"WK011901", "WK011902"}}
	if err := st.CreateFund(ctx, reviewer, &f); err != nil {
		t.Fatal(err)
	}
	apply := func(wijk string, cents int64, grant bool) {
		t.Helper()
		p := storetest.Resident(t, st, wijk, "")
		x := participation.Application{Title: "Initiatief", What: "Samen iets doen", ForWhom: "De buurt", Goal: "ontmoeten",
			Lines: []participation.BudgetLine{{Description: "Spullen", Amount: 400000}}}
		if err := st.SaveApplication(ctx, p, f.ID, &x, true); err != nil {
			t.Fatal(err)
		}
		if err := st.ReviewApplication(ctx, reviewer, x.ID, participation.AdviceToekennen, "Goed."); err != nil {
			t.Fatal(err)
		}
		d := participation.Decision{Grant: grant, Reason: "Besluit."}
		if grant {
			d.Amount = 150000
			if cents != 0 {
				d.Amount = 350000
			}
		}
		if err := st.DecideApplication(ctx, decider, x.ID, d); err != nil {
			t.Fatal(err)
		}
	}
	apply("WK011901", 0, true)
	apply("WK011901", 1, true)
	apply("WK011901", 0, false)
	apply("WK011902", 0, true)

	c := e.browser()
	e.login(c, "beleid@meppel.nl", pw)
	code, _, body := fetch(t, c, e.srv.URL+"/monitor/GM0119/wijk/WK011901")
	if code != 200 {
		t.Fatalf("wijk page: %d", code)
	}
	cell := func(label string) string {
		m := regexp.MustCompile(`<th scope="row">` + regexp.QuoteMeta(label) + `</th><td class="num">(?:<abbr[^>]*>)?([^<]*)`).FindStringSubmatch(string(body))
		if m == nil {
			t.Fatalf("no row %q on the page", label)
		}
		return m[1]
	}
	if got := cell("Initiatieven met geld uit het wijkfonds"); got != "2" {
		t.Errorf("funded: %q", got)
	}
	if got := cell("Toegekend uit het wijkfonds"); got != "€ 5.000,00" {
		t.Errorf("granted: %q", got)
	}
	if got := cell("Afgewezen aanvragen"); got != "1" {
		t.Errorf("rejected: %q", got)
	}
	code, _, csv := fetch(t, c, e.srv.URL+"/monitor/GM0119/export/wijkfonds.csv?wijk=WK011901")
	if code != 200 || !strings.Contains(string(csv), "Toegekend uit het wijkfonds") {
		t.Fatalf("csv: %d %s", code, csv)
	}
}

package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store/storetest"
)

// A visitor finds the funds without logging in (criteria, maximum, wijken,
// what is left; never an applicant); the apply button leads to the login.
// The applicant withdraws an undecided application through a form without
// JavaScript; the reviewer's mail links to it; a decided one cannot be
// withdrawn, and its decision mail links to it too.
func TestFundPublicPagesAndWithdraw(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	base := e.srv.URL
	e.user("wc@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Wijkcoordinator})
	beleid, coord, anon := e.browser(), e.browser(), e.browser()
	e.login(beleid, "beleid@meppel.nl", pw)
	e.login(coord, "wc@meppel.nl", pw)
	year := strconv.Itoa(people.Today().Year())
	code, loc, _ := postForm(t, beleid, base+"/fondsen", url.Values{"gemeente": {"GM0119"}, "naam": {"Buurtfonds Haveltermade"}, "jaar": {year},
		"budget": {"20.000"}, "maximum": {"2.500"}, "criteria": {"Plannen van en voor bewoners die buren samenbrengen."}, "apk_maanden": {"3"},
		"tranches": {"2"}, "wijk": {"WK011901"}})
	if code != 303 {
		t.Fatalf("open fund: %d", code)
	}
	fundPath := strings.SplitN(loc, "?", 2)[0]

	// The public pages, before anyone applied.
	code, body := get(t, anon, base+"/fondsen")
	if code != 200 || !strings.Contains(body, "Buurtfonds Haveltermade") || !strings.Contains(body, "€ 2.500,00") || !strings.Contains(body, "€ 20.000,00") ||
		!strings.Contains(body, `href="/wijk/WK011901"`) || !strings.Contains(body, `href="/inloggen?terug=`+fundPath+`/aanvragen/nieuw"`) ||
		!strings.Contains(body, `<a href="/fondsen" aria-current="page">`) {
		t.Fatalf("visitor's fund list: %d\n%s", code, body)
	}
	code, body = get(t, anon, base+fundPath)
	if code != 200 || !strings.Contains(body, "buren samenbrengen") || !strings.Contains(body, `href="/inloggen?terug=`+fundPath+`/aanvragen/nieuw"`) ||
		!strings.Contains(body, `href="/aanmelden"`) {
		t.Fatalf("visitor's fund page: %d", code)
	}
	if code, body := get(t, anon, base+"/wijk/WK011901"); code != 200 || !strings.Contains(body, `href="`+fundPath+`"`) {
		t.Fatalf("the wijk page does not link to its fund: %d", code)
	}
	if code, loc, _ := getLoc(t, anon, base+fundPath+"/aanvragen/nieuw"); code != 303 || !strings.HasPrefix(loc, "/inloggen?terug=") {
		t.Fatalf("visitor opens the apply form: %d %s", code, loc)
	}

	// Two applications of one resident: one to withdraw, one to decide.
	resident, res := e.residentBrowser("WK011901", "Wilhelmina Aanvraagster")
	fundID := strings.TrimPrefix(fundPath, "/fondsen/")
	var apps []participation.Application
	for _, title := range []string{"Buurtmaaltijd", "Straatfeest"} {
		x := participation.Application{Title: title, What: "Samen eten.", ForWhom: "De straat", Goal: "ontmoeten",
			Lines: []participation.BudgetLine{{Description: "Boodschappen", Amount: 60000}}}
		if err := e.st.SaveApplication(ctx, res, fundID, &x, true); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := postForm(t, beleid, base+"/fondsaanvragen/"+x.ID+"/beoordeling", url.Values{"advies": {"toekennen"}, "beoordeling": {"Past."}}); code != 303 {
			t.Fatalf("review: %d", code)
		}
		apps = append(apps, x)
	}
	// Still nothing of the applicant on the public pages.
	for _, u := range []string{"/fondsen", fundPath, "/wijk/WK011901"} {
		if _, body := get(t, anon, base+u); strings.Contains(body, "Wilhelmina") || strings.Contains(body, res.Email) || strings.Contains(body, "Buurtmaaltijd") {
			t.Errorf("%s shows applicant data to a visitor", u)
		}
	}

	appURL := base + "/fondsaanvragen/" + apps[0].ID
	code, body = get(t, resident, appURL)
	if code != 200 || !strings.Contains(body, `action="/fondsaanvragen/`+apps[0].ID+`/intrekken"`) || !strings.Contains(body, `name="reden_intrekken"`) {
		t.Fatalf("the withdraw form: %d", code)
	}
	if _, body := get(t, beleid, appURL); strings.Contains(body, "/intrekken") {
		t.Fatal("a manager is offered the withdraw form")
	}
	if code, _, _ := postForm(t, beleid, appURL+"/intrekken", url.Values{"reden_intrekken": {"x"}}); code != 403 {
		t.Fatalf("a manager withdraws: %d", code)
	}
	other, _ := e.residentBrowser("WK011901", "Kees")
	if code, _, _ := postForm(t, other, appURL+"/intrekken", nil); code != 404 {
		t.Fatalf("another resident withdraws: %d", code)
	}
	code, _, body = postForm(t, resident, appURL+"/intrekken", url.Values{"reden_intrekken": {strings.Repeat("lang ", 300)}})
	if code != 422 || !strings.Contains(body, `href="#reden_intrekken"`) || !strings.Contains(body, "Beoordeeld") {
		t.Fatalf("too long a reason: %d", code)
	}
	code, loc, _ = postForm(t, resident, appURL+"/intrekken", url.Values{"reden_intrekken": {"We doen het met de buurtvereniging."}})
	if code != 303 || !strings.Contains(loc, "?ingetrokken=1") {
		t.Fatalf("withdraw: %d %s", code, loc)
	}
	code, body = get(t, resident, base+loc)
	if code != 200 || !strings.Contains(body, "Uw aanvraag is ingetrokken") || !strings.Contains(body, "Reden: We doen het met de buurtvereniging.") ||
		strings.Contains(body, "/intrekken") {
		t.Fatalf("after withdrawing: %d", code)
	}
	if code, _, _ := postForm(t, resident, appURL+"/intrekken", nil); code != 409 {
		t.Fatalf("withdrawing twice: %d", code)
	}
	if _, body := get(t, beleid, base+fundPath); !strings.Contains(body, "<strong>1</strong> ingetrokken") || !strings.Contains(body, "<strong>1</strong> wachten op besluit") {
		t.Fatal("the fund page does not count the withdrawn application apart")
	}
	mails := outboxMails(t, e, "fonds-ingetrokken")
	if len(mails) != 1 || mails[0].To != "beleid@meppel.nl" || !strings.Contains(mails[0].Body, base+"/fondsaanvragen/"+apps[0].ID) ||
		!strings.Contains(mails[0].Body, "buurtvereniging") {
		t.Fatalf("withdrawal mail: %+v", mails)
	}

	// The other one is granted: no withdraw form, a refusal, and a link in
	// the decision mail and the payment mail.
	decided := base + "/fondsaanvragen/" + apps[1].ID
	if code, _, _ := postForm(t, coord, decided+"/besluit", url.Values{"besluit": {"toekennen"}, "bedrag": {"600"}, "reden": {"Goed plan."}}); code != 303 {
		t.Fatalf("decide: %d", code)
	}
	if _, body := get(t, resident, decided); strings.Contains(body, "/intrekken") {
		t.Fatal("a decided application offers the withdraw form")
	}
	if code, _, body := postForm(t, resident, decided+"/intrekken", nil); code != 409 || !strings.Contains(body, "al besloten") {
		t.Fatalf("withdrawing a decided application: %d", code)
	}
	if code, _, _ := postForm(t, coord, decided+"/tranches/1", nil); code != 303 {
		t.Fatalf("pay: %d", code)
	}
	for _, kind := range []string{"fonds-besluit", "fonds-betaling"} {
		ms := outboxMails(t, e, kind)
		if len(ms) != 1 || ms[0].UserID != res.UserID || !strings.Contains(ms[0].Body, base+"/fondsaanvragen/"+apps[1].ID) {
			t.Errorf("%s mail: %+v", kind, ms)
		}
	}
}

// getLoc does a GET and returns the status and the Location header.
func getLoc(t *testing.T, c *http.Client, u string) (int, string, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location"), ""
}

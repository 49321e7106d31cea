package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store/storetest"
)

// budEnv adds a teamleider and a second regisseur in Meppel, a team for
// WK011901 (where the Meppel household lives) and this year's budget of
// € 5.000 with a threshold of € 1.500, all over the API.
func budEnv(t *testing.T) (*env, string, string) {
	t.Helper()
	e := newEnv(t, storetest.SQLite(t))
	e.user("teamleider@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Teamleider})
	e.user("regisseur2@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Regisseur})
	u, _ := e.st.UserByEmail(ctx, "regisseur@meppel.nl")
	tl := e.tokens["teamleider@meppel.nl"]
	if code, _ := e.api("POST", "/api/v1/teams", e.tokens["regisseur@meppel.nl"], `{"gemeente":"GM0119","naam":"Centrum","wijken":["WK011901"]}`); code != 403 {
		t.Fatalf("regisseur creates a team: %d", code)
	}
	code, body := e.api("POST", "/api/v1/teams", tl, `{"gemeente":"GM0119","naam":"Wijkteam Centrum","wijken":["WK011901"],"leden":["`+u.ID+`"]}`)
	if code != 201 {
		t.Fatalf("team: %d %s", code, body)
	}
	team, _ := pvJSON(t, body)["id"].(string)
	year := strconv.Itoa(people.Today().Year())
	code, body = e.api("POST", "/api/v1/teams/"+team+"/budgets", tl, `{"jaar":`+year+`,"bedrag_cents":500000,"drempel_cents":150000}`)
	if code != 200 || pvJSON(t, body)["saldo_cents"] != float64(500000) {
		t.Fatalf("budget: %d %s", code, body)
	}
	budget, _ := pvJSON(t, body)["id"].(string)
	return e, team, budget
}

func budSpendBody(cents int, extra string) string {
	return `{"bedrag_cents":` + strconv.Itoa(cents) + `,"doel":"Huurachterstand aflossen","voorkomt":"Huisuitzetting","verwacht_vermeden_cents":2500000` + extra + `}`
}

func TestFourEyesHoldOverTheAPI(t *testing.T) {
	e, _, budget := budEnv(t)
	r1, r2, tl := e.tokens["regisseur@meppel.nl"], e.tokens["regisseur2@meppel.nl"], e.tokens["teamleider@meppel.nl"]
	spends := "/api/v1/households/" + e.ids["meppel"] + "/spends"
	// A client cannot smuggle in a decision, a status or a requester.
	for _, extra := range []string{`,"decided_by":"x"`, `,"besloten_door_id":"x"`, `,"status":"goedgekeurd"`, `,"aangevraagd_door_id":"x"`} {
		code, body := e.api("POST", spends, r1, budSpendBody(10000, extra))
		if code != 422 || !strings.Contains(body, "unknown field") {
			t.Errorf("extra %s: %d %s", extra, code, body)
		}
	}
	for _, c := range []struct{ body, field string }{
		{budSpendBody(0, ""), "bedrag_cents"},
		{budSpendBody(-100, ""), "bedrag_cents"},
		{strings.Replace(budSpendBody(100, ""), "2500000", "-1", 1), "verwacht_vermeden_cents"},
		{strings.Replace(budSpendBody(100, ""), "Huisuitzetting", "", 1), "voorkomt"},
	} {
		if code, body := e.api("POST", spends, r1, c.body); code != 422 || pvField(t, body, c.field) == "" {
			t.Errorf("%s: %d %s", c.body, code, body)
		}
	}
	if code, body := e.api("GET", spends, r1, ""); code != 200 || body != "{\"items\":[]}\n" {
		t.Fatalf("refused requests saved: %s", body)
	}
	request := func(cents int) string {
		t.Helper()
		code, body := e.api("POST", spends, r1, budSpendBody(cents, ""))
		m := pvJSON(t, body)
		if code != 201 || m["status"] != "aangevraagd" || m["budget"] != budget || m["aangevraagd_door"] != "regisseur@meppel.nl" {
			t.Fatalf("request: %d %s", code, body)
		}
		return m["id"].(string)
	}
	small, large := request(140000), request(200000)
	decide := func(token, id, besluit, reden string) (int, string) {
		return e.api("POST", "/api/v1/spends/"+id+"/decision", token, `{"besluit":"`+besluit+`","reden":"`+reden+`"}`)
	}
	// Self-approval, whatever the body says.
	if code, body := decide(r1, small, "goedgekeurd", "ok"); code != 403 || !strings.Contains(body, "Vierogenprincipe") {
		t.Fatalf("self-approval: %d %s", code, body)
	}
	code, body := e.api("POST", "/api/v1/spends/"+small+"/decision", r1, `{"besluit":"goedgekeurd","reden":"ok","besloten_door":"regisseur2@meppel.nl"}`)
	if code != 422 || !strings.Contains(body, "besloten_door") {
		t.Fatalf("decider in the body: %d %s", code, body)
	}
	// Above the threshold a regisseur may not decide; a teamleider may.
	if code, body := decide(r2, large, "goedgekeurd", "ok"); code != 403 || !strings.Contains(body, "teamleider") {
		t.Fatalf("regisseur approves above threshold: %d %s", code, body)
	}
	if code, body := decide(r2, small, "goedgekeurd", ""); code != 422 || pvField(t, body, "reden") == "" {
		t.Fatalf("no reason: %d %s", code, body)
	}
	if code, body := decide(r2, small, "misschien", "ok"); code != 422 || pvField(t, body, "besluit") == "" {
		t.Fatalf("unknown decision: %d %s", code, body)
	}
	code, body = decide(tl, large, "goedgekeurd", "Voorkomt uitzetting")
	if m := pvJSON(t, body); code != 200 || m["status"] != "goedgekeurd" || m["besloten_door"] != "teamleider@meppel.nl" {
		t.Fatalf("teamleider approves: %d %s", code, body)
	}
	if code, _ := decide(r2, small, "goedgekeurd", "Past in het plan"); code != 200 {
		t.Fatalf("colleague approves: %d", code)
	}
	if code, _ := decide(tl, small, "afgewezen", "Toch niet"); code != 409 {
		t.Fatalf("decide twice: %d", code)
	}
	// € 5.000 − 2.000 − 1.400 = € 1.600 left: € 1.700 cannot be approved.
	over := request(170000)
	if code, body := decide(tl, over, "goedgekeurd", "ok"); code != 409 || !strings.Contains(body, "€ 1.600,00") {
		t.Fatalf("overdraw: %d %s", code, body)
	}
	code, body = e.api("GET", "/api/v1/budgets/"+budget, tl, "")
	if m := pvJSON(t, body); code != 200 || m["budget"].(map[string]any)["saldo_cents"] != float64(160000) || len(m["bestedingen"].([]any)) != 3 {
		t.Fatalf("budget: %d %s", code, body)
	}
	if code, body := e.api("GET", "/api/v1/budgets/"+budget, e.tokens["beheer@meppel.nl"], ""); code != 200 || strings.Contains(body, "bestedingen") {
		t.Fatalf("beheer sees spends: %d %s", code, body)
	}
	if code, body := e.api("GET", "/api/v1/spends/awaiting", r2, ""); code != 200 || strings.Contains(body, over) {
		t.Fatalf("regisseur 2 awaiting shows one above the threshold: %s", body)
	}
	if code, body := e.api("GET", "/api/v1/spends/awaiting", tl, ""); code != 200 || !strings.Contains(body, over) {
		t.Fatalf("teamleider awaiting: %s", body)
	}
	// Beleid and the other gemeente see nothing, exactly like a missing spend.
	_, missing := e.api("GET", "/api/v1/spends/nonexistent", e.tokens["regisseur@apeldoorn.nl"], "")
	for _, who := range []string{"beleid@meppel.nl", "regisseur@apeldoorn.nl"} {
		tok := e.tokens[who]
		if code, body := e.api("GET", "/api/v1/spends/"+small, tok, ""); code != 404 || body != missing {
			t.Errorf("%s reads a spend: %d %s", who, code, body)
		}
		if code, _ := decide(tok, over, "goedgekeurd", "ok"); code != 404 {
			t.Errorf("%s decides: %d", who, code)
		}
		if code, _ := e.api("GET", spends, tok, ""); code != 404 {
			t.Errorf("%s lists: %d", who, code)
		}
		if code, _ := e.api("POST", spends, tok, budSpendBody(100, "")); code != 404 {
			t.Errorf("%s requests: %d", who, code)
		}
		if code, _ := e.api("GET", "/api/v1/budgets/"+budget, tok, ""); code != 404 {
			t.Errorf("%s reads the budget: %d", who, code)
		}
	}
	if code, _ := e.api("GET", "/api/v1/budgets", e.tokens["beleid@meppel.nl"], ""); code != 403 {
		t.Errorf("beleid lists budgets: %d", code)
	}
	if code, _ := e.api("GET", "/api/v1/teams", e.tokens["beleid@meppel.nl"], ""); code != 403 {
		t.Errorf("beleid lists teams: %d", code)
	}
	code, body = e.api("GET", "/api/v1/audit?soort=besteding&record="+small, e.tokens["beheer@meppel.nl"], "")
	if code != 200 || !strings.Contains(body, `"aanmaken"`) || !strings.Contains(body, `"wijzigen"`) || !strings.Contains(body, "regisseur2@meppel.nl") {
		t.Fatalf("audit: %d %s", code, body)
	}
}

func TestBudgetPagesAndForms(t *testing.T) {
	e, team, budget := budEnv(t)
	// The teamleider manages teams and budgets through the forms.
	tl := e.browser()
	e.login(tl, "teamleider@meppel.nl", pw)
	if code, body := get(t, tl, e.srv.URL+"/teams"); code != 200 || !strings.Contains(body, "Wijkteam Centrum") || !strings.Contains(body, `action="/teams"`) {
		t.Fatalf("teams: %d", code)
	}
	code, body, _ := pvPost(t, tl, e.srv.URL+"/teams", url.Values{"gemeente": {"GM0119"}, "naam": {""}, "wijken": {"WK011901"}})
	if code != 422 || !strings.Contains(body, `id="naam-fout"`) || !strings.Contains(body, "al bezet") {
		t.Fatalf("team form errors: %d", code)
	}
	code, _, loc := pvPost(t, tl, e.srv.URL+"/teams", url.Values{"gemeente": {"GM0119"}, "naam": {"Wijkteam Oost"}, "wijken": {"WK011902", "WK011903"}})
	if code != 303 || !strings.HasPrefix(loc, "/teams/") {
		t.Fatalf("create team: %d %s", code, loc)
	}
	oost := e.srv.URL + strings.Split(loc, "?")[0]
	if code, body := get(t, tl, oost); code != 200 || !strings.Contains(body, "Wijkteam Oost") || !strings.Contains(body, "nog geen budget") {
		t.Fatalf("team page: %d", code)
	}
	code, body, _ = pvPost(t, tl, oost+"/budgetten", url.Values{"jaar": {"2026"}, "bedrag": {"veel"}, "drempel": {"-5"}})
	if code != 422 || !strings.Contains(body, `id="bedrag-fout"`) || !strings.Contains(body, `id="drempel-fout"`) {
		t.Fatalf("budget form errors: %d", code)
	}
	if code, _, _ := pvPost(t, tl, oost+"/budgetten", url.Values{"jaar": {"2026"}, "bedrag": {"25.000"}, "drempel": {"2.500"}}); code != 303 {
		t.Fatalf("set budget: %d", code)
	}
	code, body, _ = pvPost(t, tl, e.srv.URL+"/teams/"+team, url.Values{"naam": {"Wijkteam Centrum"}, "wijken": {"WK011902"}})
	if code != 422 || !strings.Contains(body, "al bezet") {
		t.Fatalf("update with a taken wijk: %d", code)
	}

	// The regisseur asks for money through the household's page.
	r1 := e.browser()
	e.login(r1, "regisseur@meppel.nl", pw)
	spends := e.srv.URL + "/huishoudens/" + e.ids["meppel"] + "/bestedingen"
	if code, body := get(t, r1, spends); code != 200 || !strings.Contains(body, "nog € 5.000,00 vrij") {
		t.Fatalf("household spends page: %d", code)
	}
	code, body, _ = pvPost(t, r1, spends, url.Values{"bedrag": {"-3"}, "doel": {""}, "voorkomt": {"Uitzetting"}, "vermeden": {"0"}})
	if code != 422 || !strings.Contains(body, `id="bedrag-fout"`) {
		t.Fatalf("negative amount: %d", code)
	}
	code, body, _ = pvPost(t, r1, spends, url.Values{"bedrag": {"0"}, "doel": {""}, "voorkomt": {"Uitzetting"}, "vermeden": {"0"}})
	if code != 422 || !strings.Contains(body, `id="bedrag-fout"`) || !strings.Contains(body, `id="doel-fout"`) || !strings.Contains(body, "Uitzetting") {
		t.Fatalf("request form errors: %d", code)
	}
	code, _, loc = pvPost(t, r1, spends, url.Values{"bedrag": {"1.400"}, "doel": {"Huurachterstand aflossen"}, "voorkomt": {"Huisuitzetting"}, "vermeden": {"25.000"}})
	if code != 303 || !strings.HasPrefix(loc, "/bestedingen/") {
		t.Fatalf("request: %d %s", code, loc)
	}
	spend := e.srv.URL + strings.Split(loc, "?")[0]
	code, body = get(t, r1, e.srv.URL+loc)
	if code != 200 || !strings.Contains(body, "€ 1.400,00") || strings.Contains(body, `name="besluit"`) || !strings.Contains(body, "eigen aanvraag") {
		t.Fatalf("own spend page: %d", code)
	}
	code, body, _ = pvPost(t, r1, spend+"/besluit", url.Values{"besluit": {"goedgekeurd"}, "reden": {"Ik vind het goed"}})
	if code != 403 || !strings.Contains(body, "Vierogenprincipe") {
		t.Fatalf("self-approval by form: %d", code)
	}

	// A colleague decides.
	r2 := e.browser()
	e.login(r2, "regisseur2@meppel.nl", pw)
	if code, body := get(t, r2, e.srv.URL+"/budget"); code != 200 || !strings.Contains(body, strings.TrimPrefix(spend, e.srv.URL)) || !strings.Contains(body, "Wijkteam Centrum") {
		t.Fatalf("budget page for the colleague: %d", code)
	}
	code, body = get(t, r2, spend)
	if code != 200 || !strings.Contains(body, `name="besluit"`) {
		t.Fatalf("colleague's spend page: %d", code)
	}
	code, body, _ = pvPost(t, r2, spend+"/besluit", url.Values{"besluit": {"goedgekeurd"}, "reden": {""}})
	if code != 422 || !strings.Contains(body, `id="reden-fout"`) {
		t.Fatalf("decision without reason: %d", code)
	}
	if code, _, _ := pvPost(t, r2, spend+"/besluit", url.Values{"besluit": {"goedgekeurd"}, "reden": {"Voorkomt uitzetting"}}); code != 303 {
		t.Fatalf("decision: %d", code)
	}
	code, body = get(t, r2, spend)
	if code != 200 || !strings.Contains(body, "Goedgekeurd") || !strings.Contains(body, "regisseur2@meppel.nl") || strings.Contains(body, `name="besluit"`) {
		t.Fatalf("decided spend page: %d", code)
	}
	if code, _, _ := pvPost(t, r2, spend+"/besluit", url.Values{"besluit": {"afgewezen"}, "reden": {"Toch niet"}}); code != 409 {
		t.Fatalf("second decision: %d", code)
	}
	// 25.000 / 1.400 = 17,857…: each euro prevented € 17,86.
	code, body = get(t, r1, e.srv.URL+"/budget/"+budget)
	if code != 200 || !strings.Contains(body, "Elke euro voorkwam naar verwachting € 17,86") || !strings.Contains(body, "€ 3.600,00") {
		t.Fatalf("budget detail: %d", code)
	}
	if code, body := get(t, r1, e.srv.URL+"/budget"); code != 200 || !strings.Contains(body, "Elke euro voorkwam naar verwachting € 17,86") {
		t.Fatalf("budget overview: %d", code)
	}
}

func TestBeleidSeesNoProvisionOrSpend(t *testing.T) {
	e, team, budget := budEnv(t)
	code, body := e.api("POST", "/api/v1/households/"+e.ids["meppel"]+"/spends", e.tokens["regisseur@meppel.nl"], budSpendBody(5000, ""))
	if code != 201 {
		t.Fatal(body)
	}
	spend := pvJSON(t, body)["id"].(string)
	code, body = e.api("POST", "/api/v1/households/"+e.ids["meppel"]+"/provisions", e.tokens["regisseur@meppel.nl"], pvProvisionBody(e.ids["meppel-person"], ""))
	if code != 201 {
		t.Fatal(body)
	}
	prov := pvJSON(t, body)["id"].(string)
	c := e.browser()
	e.login(c, "beleid@meppel.nl", pw)
	hh := "/huishoudens/" + e.ids["meppel"]
	for path, want := range map[string]int{
		"/budget": 403, "/budget/" + budget: 404, "/teams": 403, "/teams/" + team: 404, "/profielen": 403,
		hh + "/voorzieningen": 404, hh + "/voorzieningen/nieuw": 404, hh + "/bestedingen": 404,
		"/voorzieningen/" + prov: 404, "/bestedingen/" + spend: 404,
	} {
		if code, body := get(t, c, e.srv.URL+path); code != want || strings.Contains(body, "Fatima") || strings.Contains(body, "Huurachterstand") {
			t.Errorf("beleid %s: %d, want %d", path, code, want)
		}
	}
	for path, form := range map[string]url.Values{
		"/bestedingen/" + spend + "/besluit": {"besluit": {"goedgekeurd"}, "reden": {"ok"}},
		"/voorzieningen/" + prov + "/status": {"status": {"gestart"}},
		hh + "/bestedingen":                  {"bedrag": {"10"}, "doel": {"x"}, "voorkomt": {"y"}},
		hh + "/voorzieningen":                {"persoon": {e.ids["meppel-person"]}, "categorie": {"wmo:01"}, "start": {"2026-01-01"}, "maandbedrag": {"10"}},
		"/teams/" + team + "/budgetten":      {"jaar": {"2026"}, "bedrag": {"1"}, "drempel": {"1"}},
		"/profielen":                         {"gemeente": {"GM0119"}, "code": {"X"}},
	} {
		if code, _, _ := pvPost(t, c, e.srv.URL+path, form); code != 404 && code != 403 {
			t.Errorf("beleid POST %s: %d", path, code)
		}
	}
	// Nothing changed.
	code, body = e.api("GET", "/api/v1/spends/"+spend, e.tokens["regisseur@meppel.nl"], "")
	if code != 200 || pvJSON(t, body)["status"] != "aangevraagd" {
		t.Fatalf("spend after beleid: %s", body)
	}
}

func TestProvisionAndBudgetTemplatesRender(t *testing.T) {
	e, team, budget := budEnv(t)
	code, body := e.api("POST", "/api/v1/households/"+e.ids["meppel"]+"/spends", e.tokens["regisseur@meppel.nl"], budSpendBody(5000, ""))
	if code != 201 {
		t.Fatal(body)
	}
	spend := pvJSON(t, body)["id"].(string)
	code, body = e.api("POST", "/api/v1/households/"+e.ids["meppel"]+"/provisions", e.tokens["regisseur@meppel.nl"], pvProvisionBody(e.ids["meppel-person"], ""))
	if code != 201 {
		t.Fatal(body)
	}
	prov := pvJSON(t, body)["id"].(string)
	hh := "/huishoudens/" + e.ids["meppel"]
	casework := []string{"/budget", "/budget?jaar=2025", "/budget/" + budget, "/teams", "/teams/" + team, "/profielen", hh + "/voorzieningen", hh + "/voorzieningen/nieuw",
		hh + "/bestedingen", "/voorzieningen/" + prov, "/bestedingen/" + spend}
	pages := map[string][]string{
		"regisseur@meppel.nl":  casework,
		"regisseur2@meppel.nl": casework,
		"teamleider@meppel.nl": casework,
		"beheer@meppel.nl":     {"/budget", "/budget/" + budget, "/teams", "/teams/" + team, "/profielen"},
	}
	for user, paths := range pages {
		c := e.browser()
		e.login(c, user, pw)
		for _, p := range paths {
			code, body := get(t, c, e.srv.URL+p)
			if code != 200 || !strings.Contains(body, "</html>") || !strings.Contains(body, "<h1") {
				t.Errorf("%s as %s: %d", p, user, code)
			}
			// Every table header cell says what it heads.
			if strings.Contains(body, "<th>") {
				t.Errorf("%s: <th> without scope", p)
			}
		}
	}
}

package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"naober.nl/naober/internal/store"
)

func scUserID(t *testing.T, e *env, email string) string {
	t.Helper()
	u, err := e.st.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestCasesOverTheAPI(t *testing.T) {
	e := scEnv(t)
	rtok, r2tok, ltok := e.tokens["regisseur@meppel.nl"], e.tokens["regisseur2@meppel.nl"], e.tokens["teamleider@meppel.nl"]
	hh := e.ids["meppel"]
	if code, body := e.api("GET", "/api/v1/households/"+hh+"/case", rtok, ""); code != 200 || !strings.Contains(body, `"actief":null`) {
		t.Fatalf("no case yet: %d %s", code, body)
	}
	// Open with someone who cannot be regisseur: named.
	for _, who := range []string{"beleid@meppel.nl", "wijkzuster@thuiszorg.nl", "regisseur@apeldoorn.nl", "niemand@nergens.nl"} {
		if code, body := e.api("POST", "/api/v1/households/"+hh+"/case", rtok, `{"regisseur":"`+who+`"}`); code != 422 || !strings.Contains(body, `"regisseur"`) {
			t.Errorf("regisseur %s: %d %s", who, code, body)
		}
	}
	if code, body := e.api("POST", "/api/v1/households/"+hh+"/case", rtok, `{"regisseur":"","status":"afgesloten"}`); code != 422 || !strings.Contains(body, "status") {
		t.Fatalf("unknown field: %d %s", code, body)
	}
	code, body := e.api("POST", "/api/v1/households/"+hh+"/case", rtok, `{}`)
	if code != 201 || !strings.Contains(body, `"regisseur":"regisseur@meppel.nl"`) || !strings.Contains(body, `"status":"actief"`) {
		t.Fatalf("open: %d %s", code, body)
	}
	// One household, one regisseur: a second case is a conflict.
	if code, body := e.api("POST", "/api/v1/households/"+hh+"/case", ltok, `{}`); code != 409 || !strings.Contains(body, "regisseur@meppel.nl") {
		t.Fatalf("second case: %d %s", code, body)
	}
	// Handover: only the regisseur or a teamleider; a note is required.
	if code, _ := e.api("POST", "/api/v1/households/"+hh+"/case/handover", r2tok, `{"regisseur":"regisseur2@meppel.nl","notitie":"ik pak het"}`); code != 403 {
		t.Fatalf("colleague took over: %d", code)
	}
	if code, body := e.api("POST", "/api/v1/households/"+hh+"/case/handover", rtok, `{"regisseur":"regisseur2@meppel.nl","notitie":" "}`); code != 422 || !strings.Contains(body, `"notitie"`) {
		t.Fatalf("handover without note: %d %s", code, body)
	}
	code, body = e.api("POST", "/api/v1/households/"+hh+"/case/handover", rtok, `{"regisseur":"regisseur2@meppel.nl","notitie":"Gezin wil graag een vrouwelijke regisseur; schulden via Wgs."}`)
	if code != 200 || !strings.Contains(body, `"naar":"regisseur2@meppel.nl"`) || !strings.Contains(body, `"van":"regisseur@meppel.nl"`) {
		t.Fatalf("handover: %d %s", code, body)
	}
	// The teamleider sees the caseload per regisseur; a regisseur their own.
	code, body = e.api("GET", "/api/v1/caseload", ltok, "")
	var cl struct {
		Regisseurs []struct {
			Regisseur string `json:"regisseur"`
			Actief    int    `json:"actieve_casussen"`
		}
		Huishoudens []store.CaseHousehold
	}
	if code != 200 || json.Unmarshal([]byte(body), &cl) != nil || len(cl.Regisseurs) != 3 || cl.Regisseurs[0].Regisseur != "regisseur2@meppel.nl" || cl.Regisseurs[0].Actief != 1 {
		t.Fatalf("team caseload: %d %s", code, body)
	}
	code, body = e.api("GET", "/api/v1/caseload", r2tok, "")
	cl.Regisseurs, cl.Huishoudens = nil, nil
	if code != 200 || json.Unmarshal([]byte(body), &cl) != nil || len(cl.Regisseurs) != 0 || len(cl.Huishoudens) != 1 || cl.Huishoudens[0].Household.ID != hh {
		t.Fatalf("own caseload: %d %s", code, body)
	}
	if code, _ := e.api("GET", "/api/v1/caseload?regisseur="+scUserID(t, e, "regisseur2@meppel.nl"), rtok, ""); code != 403 {
		t.Fatalf("regisseur saw a colleague's caseload: %d", code)
	}
	if code, body := e.api("GET", "/api/v1/caseload?regisseur="+scUserID(t, e, "regisseur2@meppel.nl"), ltok, ""); code != 200 || !strings.Contains(body, hh) {
		t.Fatalf("teamleider drills down: %d %s", code, body)
	}
	// Close: a reason, by the regisseur; then the history shows it all.
	if code, body := e.api("POST", "/api/v1/households/"+hh+"/case/close", r2tok, `{"reden":""}`); code != 422 || !strings.Contains(body, `"reden"`) {
		t.Fatalf("close without reason: %d %s", code, body)
	}
	if code, _ := e.api("POST", "/api/v1/households/"+hh+"/case/close", rtok, `{"reden":"weg"}`); code != 403 {
		t.Fatalf("former regisseur closed: %d", code)
	}
	if code, body := e.api("POST", "/api/v1/households/"+hh+"/case/close", r2tok, `{"reden":"Doelen bereikt"}`); code != 200 || !strings.Contains(body, `"status":"afgesloten"`) {
		t.Fatalf("close: %d %s", code, body)
	}
	if code, _ := e.api("POST", "/api/v1/households/"+hh+"/case/close", r2tok, `{"reden":"nog eens"}`); code != 409 {
		t.Fatalf("close twice: %d", code)
	}
	code, body = e.api("GET", "/api/v1/households/"+hh+"/case", rtok, "")
	if code != 200 || !strings.Contains(body, `"actief":null`) || !strings.Contains(body, "Doelen bereikt") || !strings.Contains(body, "vrouwelijke regisseur") {
		t.Fatalf("history: %d %s", code, body)
	}
	// Another gemeente: not found, exactly as a missing household.
	atok := e.tokens["regisseur@apeldoorn.nl"]
	codeOther, bodyOther := e.api("GET", "/api/v1/households/"+hh+"/case", atok, "")
	codeNone, bodyNone := e.api("GET", "/api/v1/households/bestaat-niet/case", atok, "")
	if codeOther != 404 || bodyOther != bodyNone || codeNone != 404 {
		t.Fatalf("other gemeente: %d %s", codeOther, bodyOther)
	}
	if code, _ := e.api("POST", "/api/v1/households/"+hh+"/case", atok, `{}`); code != 404 {
		t.Fatalf("open from another gemeente: %d", code)
	}
}

func TestCaseFormsAndPages(t *testing.T) {
	e := scEnv(t)
	hh := e.ids["meppel"]
	reg := e.browser()
	e.login(reg, "regisseur@meppel.nl", pw)
	code, body := get(t, reg, e.srv.URL+"/huishoudens/"+hh+"/casus")
	if code != 200 || !strings.Contains(body, "geen actieve casus") || !strings.Contains(body, `id="casus-regisseur"`) {
		t.Fatalf("case page: %d", code)
	}
	// Opening with a beleid user as regisseur: 422 beside the field.
	code, body, _ = scPost(t, reg, e.srv.URL+"/huishoudens/"+hh+"/casus", url.Values{"regisseur": {scUserID(t, e, "beleid@meppel.nl")}})
	if code != 422 || !strings.Contains(body, `id="casus-regisseur-fout"`) || !strings.Contains(body, `href="#casus-regisseur"`) {
		t.Fatalf("bad regisseur: %d", code)
	}
	code, _, loc := scPost(t, reg, e.srv.URL+"/huishoudens/"+hh+"/casus", url.Values{"regisseur": {scUserID(t, e, "regisseur@meppel.nl")}})
	if code != 303 || loc != "/huishoudens/"+hh+"/casus?geopend=1" {
		t.Fatalf("open: %d %s", code, loc)
	}
	// A second open (e.g. a stale page): 409 with the reason.
	code, body, _ = scPost(t, reg, e.srv.URL+"/huishoudens/"+hh+"/casus", url.Values{"regisseur": {scUserID(t, e, "regisseur2@meppel.nl")}})
	if code != 409 || !strings.Contains(body, "al een actieve casus") {
		t.Fatalf("second open: %d", code)
	}
	// Handover without a note: 422 beside the note.
	code, body, _ = scPost(t, reg, e.srv.URL+"/huishoudens/"+hh+"/casus/overdracht", url.Values{"regisseur": {scUserID(t, e, "regisseur2@meppel.nl")}})
	if code != 422 || !strings.Contains(body, `id="casus-notitie-fout"`) {
		t.Fatalf("handover without note: %d", code)
	}
	code, _, loc = scPost(t, reg, e.srv.URL+"/huishoudens/"+hh+"/casus/overdracht", url.Values{"regisseur": {scUserID(t, e, "regisseur2@meppel.nl")}, "notitie": {"Moeder werkt tot 15 uur; bel daarna."}})
	if code != 303 || loc != "/huishoudens/"+hh+"/casus?overgedragen=1" {
		t.Fatalf("handover: %d %s", code, loc)
	}
	// The former regisseur now may not close; the teamleider may.
	if code, _, _ := scPost(t, reg, e.srv.URL+"/huishoudens/"+hh+"/casus/afsluiten", url.Values{"reden": {"klaar"}}); code != 403 {
		t.Fatalf("former regisseur closed: %d", code)
	}
	lead := e.browser()
	e.login(lead, "teamleider@meppel.nl", pw)
	code, body = get(t, lead, e.srv.URL+"/caseload")
	if code != 200 || !strings.Contains(body, `href="/caseload?regisseur=`+scUserID(t, e, "regisseur2@meppel.nl")+`"`) || !strings.Contains(body, "1 actieve casus in totaal") {
		t.Fatalf("team caseload page: %d", code)
	}
	code, body = get(t, lead, e.srv.URL+"/caseload?regisseur="+scUserID(t, e, "regisseur2@meppel.nl"))
	if code != 200 || !strings.Contains(body, `href="/huishoudens/`+hh+`"`) {
		t.Fatalf("one regisseur's caseload: %d", code)
	}
	if code, body, _ := scPost(t, lead, e.srv.URL+"/huishoudens/"+hh+"/casus/afsluiten", url.Values{"reden": {""}}); code != 422 || !strings.Contains(body, `id="casus-reden-fout"`) {
		t.Fatalf("close without reason: %d", code)
	}
	if code, _, _ := scPost(t, lead, e.srv.URL+"/huishoudens/"+hh+"/casus/afsluiten", url.Values{"reden": {"Verhuisd naar Zwolle"}}); code != 303 {
		t.Fatalf("close: %d", code)
	}
	code, body = get(t, reg, e.srv.URL+"/huishoudens/"+hh+"/casus")
	if code != 200 || !strings.Contains(body, "Verhuisd naar Zwolle") || !strings.Contains(body, "Moeder werkt tot 15 uur") || !strings.Contains(body, "Afgesloten") {
		t.Fatalf("history page: %d", code)
	}
	// A regisseur's own caseload; not a colleague's.
	if code, body := get(t, reg, e.srv.URL+"/caseload"); code != 200 || !strings.Contains(body, "Mijn caseload") {
		t.Fatalf("own caseload: %d", code)
	}
	if code, _ := get(t, reg, e.srv.URL+"/caseload?regisseur="+scUserID(t, e, "regisseur2@meppel.nl")); code != 403 {
		t.Fatalf("colleague's caseload: %d", code)
	}
}

// Beleid never reads a signal or a case, by UI or API; their only signal
// routes are reporting and their own list (every role may report).
func TestBeleidSeesNoSignalOrCase(t *testing.T) {
	e := scEnv(t)
	hh := e.ids["meppel"]
	code, body := e.api("POST", "/api/v1/signals", e.tokens["wijkzuster@thuiszorg.nl"], scSignalJSON)
	if code != 201 {
		t.Fatal(body)
	}
	sid := scID(t, body)
	if code, _ := e.api("POST", "/api/v1/households/"+hh+"/case", e.tokens["regisseur@meppel.nl"], `{}`); code != 201 {
		t.Fatal("open case")
	}
	btok := e.tokens["beleid@meppel.nl"]
	for _, rt := range []struct{ method, path, body string }{
		{"GET", "/api/v1/signals", ""},
		{"GET", "/api/v1/signals?gemeente=GM0119", ""},
		{"GET", "/api/v1/signals/" + sid, ""},
		{"POST", "/api/v1/signals/" + sid + "/triage", `{"uitkomst":"gesloten","reden":"x"}`},
		{"GET", "/api/v1/households/" + hh + "/case", ""},
		{"POST", "/api/v1/households/" + hh + "/case", `{}`},
		{"POST", "/api/v1/households/" + hh + "/case/handover", `{"regisseur":"beleid@meppel.nl","notitie":"x"}`},
		{"POST", "/api/v1/households/" + hh + "/case/close", `{"reden":"x"}`},
		{"GET", "/api/v1/caseload", ""},
	} {
		code, body := e.api(rt.method, rt.path, btok, rt.body)
		if code != 403 && code != 404 {
			t.Errorf("beleid %s %s: %d %s", rt.method, rt.path, code, body)
		}
		if strings.Contains(body, "spreekuur") || strings.Contains(body, "regisseur@meppel.nl") {
			t.Errorf("beleid %s %s leaked: %s", rt.method, rt.path, body)
		}
	}
	c := e.browser()
	e.login(c, "beleid@meppel.nl", pw)
	for _, p := range []string{"/signalen", "/signalen/" + sid, "/huishoudens/" + hh + "/casus", "/caseload"} {
		if code, body := get(t, c, e.srv.URL+p); (code != 403 && code != 404) || strings.Contains(body, "spreekuur") {
			t.Errorf("beleid GET %s: %d", p, code)
		}
	}
	for _, p := range []string{"/signalen/" + sid + "/triage", "/signalen/" + sid + "/zoeken", "/huishoudens/" + hh + "/casus",
		"/huishoudens/" + hh + "/casus/overdracht", "/huishoudens/" + hh + "/casus/afsluiten"} {
		if code, _, _ := scPost(t, c, e.srv.URL+p, url.Values{"uitkomst": {"gesloten"}, "reden": {"x"}, "bsn": {"999990019"}, "notitie": {"x"}}); code != 403 && code != 404 {
			t.Errorf("beleid POST %s: %d", p, code)
		}
	}
	// Reporting and their own list work, and show nothing of others.
	if code, body := e.api("GET", "/api/v1/signals/mine", btok, ""); code != 200 || body != "{\"items\":[]}\n" {
		t.Fatalf("beleid's own reports: %d %s", code, body)
	}
	if code, body := get(t, c, e.srv.URL+"/signalen/mijn"); code != 200 || strings.Contains(body, "7941 AB") {
		t.Fatalf("beleid's own list page: %d", code)
	}
	// Nothing changed.
	if code, body := e.api("GET", "/api/v1/signals/"+sid, e.tokens["regisseur@meppel.nl"], ""); code != 200 || !strings.Contains(body, `"status":"nieuw"`) {
		t.Fatalf("signal changed: %s", body)
	}
	if code, body := e.api("GET", "/api/v1/households/"+hh+"/case", e.tokens["regisseur@meppel.nl"], ""); code != 200 || !strings.Contains(body, `"status":"actief"`) || strings.Contains(body, `"overdrachten":[{`) {
		t.Fatalf("case changed: %s", body)
	}
}

func TestSignalAndCasePagesRender(t *testing.T) {
	e := scEnv(t)
	hh := e.ids["meppel"]
	code, body := e.api("POST", "/api/v1/signals", e.tokens["wijkzuster@thuiszorg.nl"], scSignalJSON)
	if code != 201 {
		t.Fatal(body)
	}
	sid := scID(t, body)
	e.api("POST", "/api/v1/households/"+hh+"/case", e.tokens["regisseur@meppel.nl"], `{}`)
	pages := map[string][]string{
		"regisseur@meppel.nl":     {"/signalen", "/signalen?status=alle", "/signalen/nieuw", "/signalen/mijn", "/signalen/" + sid, "/huishoudens/" + hh + "/casus", "/caseload"},
		"teamleider@meppel.nl":    {"/signalen", "/signalen/" + sid, "/huishoudens/" + hh + "/casus", "/caseload", "/caseload?regisseur=" + scUserID(t, e, "regisseur@meppel.nl")},
		"wijkzuster@thuiszorg.nl": {"/signalen/nieuw", "/signalen/mijn"},
		"beheer@meppel.nl":        {"/signalen/nieuw", "/signalen/mijn"},
	}
	for user, paths := range pages {
		c := e.browser()
		e.login(c, user, pw)
		for _, p := range paths {
			code, body := get(t, c, e.srv.URL+p)
			if code != 200 || !strings.Contains(body, "</html>") || !strings.Contains(body, "<h1") {
				t.Errorf("%s as %s: %d", p, user, code)
			}
		}
	}
	// The teamleider may hand over the regisseur's case; the panel says so.
	c := e.browser()
	e.login(c, "teamleider@meppel.nl", pw)
	if _, body := get(t, c, e.srv.URL+"/huishoudens/"+hh+"/casus"); !strings.Contains(body, "Casus overdragen") {
		t.Error("teamleider has no handover form")
	}
	c = e.browser()
	e.login(c, "regisseur2@meppel.nl", pw)
	if _, body := get(t, c, e.srv.URL+"/huishoudens/"+hh+"/casus"); strings.Contains(body, "Casus overdragen") || !strings.Contains(body, "Alleen de regisseur of een teamleider") {
		t.Error("a colleague got the handover form")
	}
	// Anonymous: to the login page.
	res, _ := e.browser().Get(e.srv.URL + "/signalen")
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Errorf("anonymous inbox: %d", res.StatusCode)
	}
}

package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store/storetest"
)

// planScoresJSON is a scores object with every domain at level, with overrides.
func planScoresJSON(level int, over map[string]any) string {
	m := map[string]any{}
	for _, d := range casework.Domains {
		m[d.Code] = level
	}
	for k, v := range over {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// planPost posts a form with the browser and returns status, Location and body.
func planPost(t *testing.T, c *http.Client, u string, v url.Values) (int, string, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

type planJSON struct {
	ID      string `json:"id"`
	Versie  int    `json:"versie"`
	Status  string `json:"status"`
	Akkoord *struct {
		Wijze string `json:"wijze"`
	} `json:"akkoord"`
	Doelen []struct {
		ID     string `json:"id"`
		Tekst  string `json:"tekst"`
		Status string `json:"status"`
		Acties []struct {
			ID  string `json:"id"`
			Wie string `json:"wie"`
		} `json:"acties"`
	} `json:"doelen"`
}

func planDecode(t *testing.T, body string) planJSON {
	t.Helper()
	var p planJSON
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("plan JSON: %v in %s", err, body)
	}
	return p
}

func TestZRMOverAPI(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	tok := e.tokens["regisseur@meppel.nl"]
	hid, pid := e.ids["meppel"], e.ids["meppel-person"]
	today := people.Today()
	base := "/api/v1/households/" + hid + "/assessments"
	body := func(date string, scores string) string {
		return fmt.Sprintf(`{"persoon":%q,"datum":%q,"scores":%s,"toelichting":"thuis"}`, pid, date, scores)
	}
	bad := []struct{ name, body, want string }{
		{"level 6", body(today.ISO(), planScoresJSON(3, map[string]any{"financien": 6})), `"scores.financien"`},
		{"unknown domain", body(today.ISO(), planScoresJSON(3, map[string]any{"geluk": 2})), `"scores.geluk"`},
		{"missing domain", body(today.ISO(), `{"financien":3}`), `"scores.justitie"`},
		{"future date", body(today.AddDays(1).ISO(), planScoresJSON(3, nil)), `"datum"`},
		{"before birth", body("1984-02-28", planScoresJSON(3, nil)), `"datum"`},
		{"level as text", body(today.ISO(), planScoresJSON(3, map[string]any{"financien": "drie"})), `scores`},
		{"unknown field", `{"persoon":"` + pid + `","datum":"` + today.ISO() + `","scores":` + planScoresJSON(3, nil) + `,"door":"iemand anders"}`, `door`},
		{"person of another gemeente", fmt.Sprintf(`{"persoon":%q,"datum":%q,"scores":%s}`, e.ids["apeldoorn-person"], today.ISO(), planScoresJSON(3, nil)), `"persoon"`},
	}
	for _, c := range bad {
		code, b := e.api("POST", base, tok, c.body)
		if code != 422 || !strings.Contains(b, c.want) {
			t.Errorf("%s: %d %s", c.name, code, b)
		}
	}
	if code, b := e.api("GET", base, tok, ""); code != 200 || b != "{\"items\":[]}\n" {
		t.Fatalf("refused assessments were saved: %s", b)
	}
	code, b := e.api("POST", base, tok, body(today.AddDays(-30).ISO(), planScoresJSON(2, map[string]any{"justitie": 0})))
	if code != 201 || !strings.Contains(b, `"financien":2`) || !strings.Contains(b, `"justitie":0`) || !strings.Contains(b, `"persoon_naam":"Fatima de Boer"`) {
		t.Fatalf("create: %d %s", code, b)
	}
	var list struct {
		Items []casework.Assessment `json:"items"`
	}
	for _, path := range []string{base, "/api/v1/persons/" + pid + "/assessments"} {
		code, b = e.api("GET", path, tok, "")
		if code != 200 || json.Unmarshal([]byte(b), &list) != nil || len(list.Items) != 1 || list.Items[0].Scores["financien"] != 2 || len(list.Items[0].Scores) != 13 {
			t.Fatalf("%s: %d %s", path, code, b)
		}
	}
	// Another gemeente and beleid get exactly what a missing household gets.
	other := e.tokens["regisseur@apeldoorn.nl"]
	_, none := e.api("GET", "/api/v1/households/nonexistent00000000/assessments", other, "")
	for name, c := range map[string]struct{ method, path, token, body string }{
		"other gemeente reads":  {"GET", base, other, ""},
		"other gemeente writes": {"POST", base, other, body(today.ISO(), planScoresJSON(3, nil))},
		"beleid reads":          {"GET", base, e.tokens["beleid@meppel.nl"], ""},
		"beleid writes":         {"POST", base, e.tokens["beleid@meppel.nl"], body(today.ISO(), planScoresJSON(3, nil))},
		"beleid reads a person": {"GET", "/api/v1/persons/" + pid + "/assessments", e.tokens["beleid@meppel.nl"], ""},
	} {
		code, b := e.api(c.method, c.path, c.token, c.body)
		if code != 404 || (c.path == base && b != none) {
			t.Errorf("%s: %d %s", name, code, b)
		}
	}
	if code, _ := e.api("GET", base, "", ""); code != 401 {
		t.Errorf("anonymous: %d", code)
	}
	// The reads and the write are in the audit log.
	code, b = e.api("GET", "/api/v1/audit?soort=zrm", e.tokens["beheer@meppel.nl"], "")
	if code != 200 || !strings.Contains(b, `"actie":"aanmaken"`) || !strings.Contains(b, `"actie":"lezen"`) || strings.Contains(b, "apeldoorn") {
		t.Fatalf("audit: %d %s", code, b)
	}
}

func TestZRMPages(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	hid, pid := e.ids["meppel"], e.ids["meppel-person"]
	today := people.Today()
	c := e.browser()
	e.login(c, "regisseur@meppel.nl", pw)
	code, body := get(t, c, e.srv.URL+"/huishoudens/"+hid+"/zrm")
	if code != 200 || !strings.Contains(body, "Nog geen meting") || !strings.Contains(body, "/zrm/nieuw?persoon="+pid) {
		t.Fatalf("empty overview: %d", code)
	}
	code, body = get(t, c, e.srv.URL+"/huishoudens/"+hid+"/zrm/nieuw?persoon="+pid)
	if code != 200 || strings.Count(body, `<select id="scores.`) != 13 || !strings.Contains(body, `<option value="`+pid+`" selected>`) {
		t.Fatalf("form: %d", code)
	}
	form := url.Values{"persoon": {pid}, "datum": {today.AddDays(1).ISO()}, "toelichting": {"samen met haar zus"}}
	for _, d := range casework.Domains {
		if d.Code != "justitie" {
			form.Set(casework.ScoreField(d.Code), "2")
		}
	}
	code, _, body = planPost(t, c, e.srv.URL+"/huishoudens/"+hid+"/zrm", form)
	if code != 422 || !strings.Contains(body, `id="datum-fout"`) || !strings.Contains(body, `id="scores.justitie-fout"`) || !strings.Contains(body, `href="#scores.justitie"`) ||
		!strings.Contains(body, `aria-invalid="true" aria-describedby="scores.justitie-fout"`) && !strings.Contains(body, `aria-describedby=" scores.justitie-fout" aria-invalid="true"`) ||
		!strings.Contains(body, "samen met haar zus") || !strings.Contains(body, `<option value="2" selected>`) {
		t.Fatalf("form errors: %d\n%s", code, body)
	}
	// Two valid assessments: the overview shows the change in words and symbols.
	form.Set("datum", today.AddDays(-200).ISO())
	form.Set("scores.justitie", "0")
	if code, loc, _ := planPost(t, c, e.srv.URL+"/huishoudens/"+hid+"/zrm", form); code != 303 || loc != "/huishoudens/"+hid+"/zrm?opgeslagen=1" {
		t.Fatalf("create: %d %s", code, loc)
	}
	form.Set("datum", today.ISO())
	form.Set("scores.financien", "4")
	form.Set("scores.huisvesting", "1")
	if code, _, _ := planPost(t, c, e.srv.URL+"/huishoudens/"+hid+"/zrm", form); code != 303 {
		t.Fatalf("second: %d", code)
	}
	code, body = get(t, c, e.srv.URL+"/huishoudens/"+hid+"/zrm?opgeslagen=1")
	for _, want := range []string{"De meting is opgeslagen.", "hoger: van 2 naar 4", "lager: van 2 naar 1", "gelijk: van 2 naar 2", "1 domein hoger, 1 lager, 10 gelijk",
		`<svg class="sparkline"`, `role="img"`, "Financiën: 2 op " + today.AddDays(-200).Dutch() + ", 4 op " + today.Dutch(), `<th scope="row">Financiën</th>`, "n.b."} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if code != 200 || strings.Contains(body, "style=") {
		t.Fatalf("overview: %d (inline styles are refused by the CSP)", code)
	}
	// The form now shows the previous level as a hint.
	if _, body = get(t, c, e.srv.URL+"/huishoudens/"+hid+"/zrm/nieuw?persoon="+pid); !strings.Contains(body, "Vorige meting: 4 · Voldoende zelfredzaam ("+today.Dutch()+")") {
		t.Errorf("form without previous hint")
	}
	// Other gemeente and beleid: not found.
	for _, who := range []string{"regisseur@apeldoorn.nl", "beleid@meppel.nl"} {
		b := e.browser()
		e.login(b, who, pw)
		for _, path := range []string{"/zrm", "/zrm/nieuw"} {
			if code, _ := get(t, b, e.srv.URL+"/huishoudens/"+hid+path); code != 404 {
				t.Errorf("%s %s: %d", who, path, code)
			}
		}
	}
}

func TestPlanOverAPI(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	tok := e.tokens["regisseur@meppel.nl"]
	hid, pid := e.ids["meppel"], e.ids["meppel-person"]
	today := people.Today()
	base := "/api/v1/households/" + hid + "/plan"
	if code, b := e.api("GET", base, tok, ""); code != 404 || !strings.Contains(b, "geen actueel plan") {
		t.Fatalf("no plan: %d %s", code, b)
	}
	if code, b := e.api("POST", base, tok, `{"datum":"`+today.AddDays(3).ISO()+`"}`); code != 422 || !strings.Contains(b, `"datum"`) {
		t.Fatalf("future plan: %d %s", code, b)
	}
	code, b := e.api("POST", base, tok, `{}`)
	if code != 201 || planDecode(t, b).Versie != 1 {
		t.Fatalf("start: %d %s", code, b)
	}
	if code, _ := e.api("POST", base, tok, `{}`); code != 409 {
		t.Fatalf("second plan: %d", code)
	}
	goal := func(domain, wie string) string {
		return fmt.Sprintf(`{"domein":%q,"persoon":%q,"tekst":"Ik wil weer rust over geld","doel_niveau":4,"streefdatum":%q,
			"acties":[{"tekst":"Post samen openen","wie":"netwerk","wie_naam":"zus"},{"tekst":"Schuldhulp bellen","wie":%q}]}`, domain, pid, today.AddDays(120).ISO(), wie)
	}
	for _, c := range []struct{ name, body, want string }{
		{"goal without domain", goal("", "regisseur"), `"domein"`},
		{"action with unknown actor", goal("financien", "buurman"), `"acties.1.wie"`},
		{"target level 0", strings.Replace(goal("financien", "regisseur"), `"doel_niveau":4`, `"doel_niveau":0`, 1), `"doel_niveau"`},
		{"unknown field", strings.Replace(goal("financien", "regisseur"), `"doel_niveau":4`, `"doel_niveau":4,"id":"zelfgekozen"`, 1), `id`},
	} {
		if code, b := e.api("POST", base+"/goals", tok, c.body); code != 422 || !strings.Contains(b, c.want) {
			t.Errorf("%s: %d %s", c.name, code, b)
		}
	}
	_, b = e.api("GET", base, tok, "")
	if p := planDecode(t, b); len(p.Doelen) != 0 {
		t.Fatalf("refused goals half-saved: %s", b)
	}
	code, b = e.api("POST", base+"/goals", tok, goal("financien", "regisseur"))
	p := planDecode(t, b)
	if code != 201 || p.Versie != 1 || len(p.Doelen) != 1 || len(p.Doelen[0].Acties) != 2 {
		t.Fatalf("goal: %d %s", code, b)
	}
	g1 := p.Doelen[0].ID
	if code, b := e.api("POST", base+"/goals/"+g1+"/actions", tok, `{"tekst":"Budgetcursus","wie":"vrijwilliger"}`); code != 201 || len(planDecode(t, b).Doelen[0].Acties) != 3 {
		t.Fatalf("action: %d %s", code, b)
	}
	if code, b := e.api("POST", base+"/goals/"+g1+"/status", tok, `{"status":"klaar"}`); code != 422 || !strings.Contains(b, `"status"`) {
		t.Fatalf("bad goal status: %d %s", code, b)
	}
	if code, b := e.api("POST", base+"/actions/"+p.Doelen[0].Acties[0].ID+"/status", tok, `{"status":"bezig"}`); code != 200 || !strings.Contains(b, `"status":"bezig"`) {
		t.Fatalf("action status: %d %s", code, b)
	}
	if code, b := e.api("POST", base+"/agreement", tok, `{"datum":"`+today.AddDays(1).ISO()+`","wijze":"gesprek"}`); code != 422 || !strings.Contains(b, `"datum"`) {
		t.Fatalf("agreement in the future: %d %s", code, b)
	}
	code, b = e.api("POST", base+"/agreement", tok, `{"datum":"`+today.ISO()+`","wijze":"getekend","toelichting":"met de kinderen erbij"}`)
	if code != 200 || planDecode(t, b).Akkoord == nil || planDecode(t, b).Akkoord.Wijze != "getekend" {
		t.Fatalf("agreement: %d %s", code, b)
	}
	if code, _ := e.api("POST", base+"/agreement", tok, `{"datum":"`+today.ISO()+`","wijze":"gesprek"}`); code != 409 {
		t.Fatalf("agreeing twice: %d", code)
	}
	// A change to the agreed plan makes version 2; version 1 stays readable and frozen.
	code, b = e.api("POST", base+"/goals", tok, `{"domein":"huisvesting","tekst":"De huur op tijd","doel_niveau":4,"streefdatum":"`+today.AddDays(60).ISO()+`"}`)
	p2 := planDecode(t, b)
	if code != 201 || p2.Versie != 2 || len(p2.Doelen) != 2 || p2.Akkoord != nil {
		t.Fatalf("version 2: %d %s", code, b)
	}
	if code, b := e.api("POST", base+"/goals/"+g1+"/status", tok, `{"status":"bereikt"}`); code != 409 || !strings.Contains(b, "versie 1") {
		t.Fatalf("change to version 1: %d %s", code, b)
	}
	code, b = e.api("GET", base+"/versions", tok, "")
	var vs struct{ Items []planJSON }
	if code != 200 || json.Unmarshal([]byte(b), &vs) != nil || len(vs.Items) != 2 || vs.Items[0].Versie != 2 || vs.Items[1].Status != "vervangen" {
		t.Fatalf("versions: %d %s", code, b)
	}
	if code, b := e.api("GET", base+"/versions/1", tok, ""); code != 200 || planDecode(t, b).Doelen[0].ID != g1 || planDecode(t, b).Akkoord == nil {
		t.Fatalf("version 1: %d %s", code, b)
	}
	if code, _ := e.api("GET", base+"/versions/7", tok, ""); code != 404 {
		t.Fatalf("version 7: %d", code)
	}
	// Feedback: the client cannot send counts; the server counts.
	ev := func(extra string) string {
		return `{"soort":"afsluiting","datum":"` + today.ISO() + `","tevredenheid":8,"gezegd":"Het is rustiger thuis","doelen":{"` + p2.Doelen[0].ID + `":"bereikt","` + p2.Doelen[1].ID + `":"niet_bereikt"}` + extra + `}`
	}
	for _, c := range []struct{ name, body, want string }{
		{"counts from the client", ev(`,"doelen_bereikt":2`), "doelen_bereikt"},
		{"satisfaction 11", strings.Replace(ev(""), `"tevredenheid":8`, `"tevredenheid":11`, 1), `"tevredenheid"`},
		{"review of an unagreed version", strings.Replace(ev(""), "afsluiting", "evaluatie", 1), `"soort"`},
		{"closing with an open goal", `{"soort":"afsluiting","datum":"` + today.ISO() + `","tevredenheid":8}`, `"doelen.` + p2.Doelen[0].ID + `"`},
	} {
		if code, b := e.api("POST", base+"/evaluations", tok, c.body); code != 422 || !strings.Contains(b, c.want) {
			t.Errorf("%s: %d %s", c.name, code, b)
		}
	}
	code, b = e.api("POST", base+"/evaluations", tok, ev(""))
	if code != 201 || !strings.Contains(b, `"doelen_bereikt":1`) || !strings.Contains(b, `"doelen_totaal":2`) || !strings.Contains(b, `"versie":2`) {
		t.Fatalf("closing: %d %s", code, b)
	}
	if code, _ := e.api("GET", base, tok, ""); code != 404 {
		t.Fatalf("closed plan still current: %d", code)
	}
	if code, b := e.api("GET", base+"/evaluations", tok, ""); code != 200 || !strings.Contains(b, "Het is rustiger thuis") {
		t.Fatalf("evaluations: %d %s", code, b)
	}
	// Beleid and another gemeente: not found, exactly as a missing household.
	for _, who := range []string{"beleid@meppel.nl", "regisseur@apeldoorn.nl"} {
		tk := e.tokens[who]
		for _, c := range []struct{ method, path, body string }{
			{"GET", "", ""}, {"POST", "", `{}`}, {"GET", "/versions", ""}, {"GET", "/versions/1", ""}, {"GET", "/evaluations", ""},
			{"POST", "/goals", goal("financien", "regisseur")}, {"POST", "/agreement", `{"datum":"` + today.ISO() + `","wijze":"gesprek"}`},
			{"POST", "/evaluations", ev("")}, {"POST", "/goals/" + g1 + "/status", `{"status":"open"}`},
		} {
			code, b := e.api(c.method, base+c.path, tk, c.body)
			_, none := e.api(c.method, "/api/v1/households/nonexistent00000000/plan"+c.path, tk, c.body)
			if code != 404 || (c.path != "" && c.path != "/versions/1" && b != none) {
				t.Errorf("%s %s %s: %d %s (missing: %s)", who, c.method, c.path, code, b, none)
			}
		}
	}
	code, b = e.api("GET", "/api/v1/audit?soort=plan&actie=wijzigen", e.tokens["beheer@meppel.nl"], "")
	if code != 200 || strings.Count(b, `"soort":"plan"`) < 5 {
		t.Fatalf("plan changes not audited: %d %s", code, b)
	}
}

func TestPlanPages(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	hid, pid := e.ids["meppel"], e.ids["meppel-person"]
	today := people.Today()
	c := e.browser()
	e.login(c, "regisseur@meppel.nl", pw)
	planURL := e.srv.URL + "/huishoudens/" + hid + "/plan"
	code, body := get(t, c, planURL)
	if code != 200 || !strings.Contains(body, "nog geen plan") || !strings.Contains(body, `action="/huishoudens/`+hid+`/plan"`) {
		t.Fatalf("no plan yet: %d", code)
	}
	code, _, body = planPost(t, c, planURL, url.Values{"datum": {today.AddDays(5).ISO()}})
	if code != 422 || !strings.Contains(body, `id="datum-fout"`) || !strings.Contains(body, `href="#datum"`) {
		t.Fatalf("future plan: %d", code)
	}
	if code, loc, _ := planPost(t, c, planURL, url.Values{"datum": {today.AddDays(-7).Dutch()}}); code != 303 || loc != "/huishoudens/"+hid+"/plan?opgeslagen=1" {
		t.Fatalf("start: %d %s", code, loc)
	}
	if code, body = get(t, c, planURL+"/doelen/nieuw"); code != 200 || !strings.Contains(body, `<option value="`+pid+`">Fatima de Boer</option>`) {
		t.Fatalf("goal form: %d", code)
	}
	// A goal without a domain and with half an action: both named, nothing saved.
	bad := url.Values{"versie": {"1"}, "persoon": {pid}, "tekst": {"Ik wil weer rust over geld"}, "doel_niveau": {"4"}, "streefdatum": {today.AddDays(100).ISO()}, "acties.0.tekst": {"Post openen"}}
	code, _, body = planPost(t, c, planURL+"/doelen", bad)
	if code != 422 || !strings.Contains(body, `id="domein-fout"`) || !strings.Contains(body, `id="acties.0.wie-fout"`) || !strings.Contains(body, ">Ik wil weer rust over geld</textarea>") ||
		!strings.Contains(body, `<option value="`+pid+`" selected>`) {
		t.Fatalf("goal form errors: %d\n%s", code, body)
	}
	if _, b := e.api("GET", "/api/v1/households/"+hid+"/plan", e.tokens["regisseur@meppel.nl"], ""); len(planDecode(t, b).Doelen) != 0 {
		t.Fatal("refused goal was saved")
	}
	good := bad
	good.Set("domein", "financien")
	good.Set("acties.0.wie", "netwerk")
	good.Set("acties.0.wie_naam", "zus Mirjam")
	code, loc, _ := planPost(t, c, planURL+"/doelen", good)
	if code != 303 || !strings.HasPrefix(loc, "/huishoudens/"+hid+"/plan?opgeslagen=1#doel-") {
		t.Fatalf("goal: %d %s", code, loc)
	}
	_, b := e.api("GET", "/api/v1/households/"+hid+"/plan", e.tokens["regisseur@meppel.nl"], "")
	p := planDecode(t, b)
	g1, a1 := p.Doelen[0].ID, p.Doelen[0].Acties[0].ID
	if code, body = get(t, c, planURL+"/doelen/"+g1+"/acties/nieuw"); code != 200 || !strings.Contains(body, "Ik wil weer rust over geld") {
		t.Fatalf("action form: %d", code)
	}
	code, _, body = planPost(t, c, planURL+"/doelen/"+g1+"/acties", url.Values{"versie": {"1"}, "tekst": {""}, "wie": {"buurman"}})
	if code != 422 || !strings.Contains(body, `id="tekst-fout"`) || !strings.Contains(body, "kies wie dit doet") {
		t.Fatalf("action errors: %d", code)
	}
	if code, _, _ := planPost(t, c, planURL+"/doelen/"+g1+"/acties", url.Values{"versie": {"1"}, "tekst": {"Schuldhulp bellen"}, "wie": {"regisseur"}}); code != 303 {
		t.Fatalf("action: %d", code)
	}
	if code, _, _ := planPost(t, c, planURL+"/acties/"+a1+"/status", url.Values{"status": {"gedaan"}}); code != 303 {
		t.Fatalf("action status: %d", code)
	}
	if code, _, _ := planPost(t, c, planURL+"/doelen/"+g1+"/status", url.Values{"status": {"half"}}); code != 422 {
		t.Fatalf("bad goal status: %d", code)
	}
	code, body = get(t, c, planURL)
	for _, want := range []string{"“Ik wil weer rust over geld”", "Eigen netwerk (zus Mirjam)", "Schuldhulp bellen", "Nog niet: dit is een concept", `<option value="gedaan" selected>Gedaan</option>`, "Fatima de Boer"} {
		if !strings.Contains(body, want) {
			t.Errorf("plan page lacks %q", want)
		}
	}
	// Agreement: the way is required; then it is recorded.
	if code, _ = get(t, c, planURL+"/akkoord"); code != 200 {
		t.Fatalf("agreement form: %d", code)
	}
	code, _, body = planPost(t, c, planURL+"/akkoord", url.Values{"datum": {today.ISO()}})
	if code != 422 || !strings.Contains(body, `href="#wijze"`) || !strings.Contains(body, "kies hoe het huishouden akkoord gaf") {
		t.Fatalf("agreement errors: %d", code)
	}
	if code, loc, _ := planPost(t, c, planURL+"/akkoord", url.Values{"datum": {today.ISO()}, "wijze": {"gesprek"}, "toelichting": {"aan tafel"}}); code != 303 || !strings.Contains(loc, "akkoord=1") {
		t.Fatalf("agreement: %d %s", code, loc)
	}
	// A goal added to the agreed plan goes into version 2, and the page says so.
	code, loc, _ = planPost(t, c, planURL+"/doelen", url.Values{"versie": {"1"}, "domein": {"huisvesting"}, "tekst": {"Een huis zonder schimmel"}, "doel_niveau": {"3"}, "streefdatum": {today.AddDays(200).ISO()}})
	if code != 303 || !strings.Contains(loc, "nieuweversie=2") {
		t.Fatalf("goal after agreement: %d %s", code, loc)
	}
	if _, body = get(t, c, e.srv.URL+loc); !strings.Contains(body, "nieuwe versie van het plan (versie 2)") || !strings.Contains(body, "Versie 1") {
		t.Fatal("new version not explained")
	}
	code, body = get(t, c, planURL+"/versies/1")
	if code != 200 || !strings.Contains(body, "Alleen lezen") || !strings.Contains(body, "Vervangen") || strings.Contains(body, "<form method=\"post\" action=\"/huishoudens/"+hid+"/plan") {
		t.Fatalf("version 1 page: %d", code)
	}
	if code, _ = get(t, c, planURL+"/versies/9"); code != 404 {
		t.Fatalf("version 9: %d", code)
	}
	// The printable plan: their words, who does what, no internal ids.
	code, body = get(t, c, planURL+"/afdrukken")
	_, b = e.api("GET", "/api/v1/households/"+hid+"/plan", e.tokens["regisseur@meppel.nl"], "")
	p = planDecode(t, b)
	if code != 200 || !strings.Contains(body, "<h1>Ons plan</h1>") || !strings.Contains(body, "“Een huis zonder schimmel”") || !strings.Contains(body, "Eigen netwerk (zus Mirjam):") ||
		!strings.Contains(body, "Voor Fatima de Boer") || !strings.Contains(body, "Handtekening") {
		t.Fatalf("print page: %d\n%s", code, body)
	}
	ids := []string{hid, pid, p.ID, g1, a1}
	for _, g := range p.Doelen {
		ids = append(ids, g.ID)
		for _, a := range g.Acties {
			ids = append(ids, a.ID)
		}
	}
	for _, id := range ids {
		if strings.Contains(body, id) {
			t.Errorf("print page shows internal id %s", id)
		}
	}
	// Feedback through the form; the count comes from the server.
	if code, body = get(t, c, planURL+"/evaluatie"); code != 200 || !strings.Contains(body, `id="doelen.`+p.Doelen[0].ID+`"`) {
		t.Fatalf("evaluation form: %d", code)
	}
	evForm := url.Values{"soort": {"afsluiting"}, "datum": {today.ISO()}, "tevredenheid": {"11"}, "gezegd": {"Fijn geholpen"},
		"doelen." + p.Doelen[0].ID: {"bereikt"}, "doelen." + p.Doelen[1].ID: {"open"}}
	code, _, body = planPost(t, c, planURL+"/evaluatie", evForm)
	if code != 422 || !strings.Contains(body, `id="tevredenheid-fout"`) || !strings.Contains(body, `id="doelen.`+p.Doelen[1].ID+`-fout"`) || !strings.Contains(body, "Fijn geholpen</textarea>") {
		t.Fatalf("evaluation errors: %d\n%s", code, body)
	}
	evForm.Set("tevredenheid", "9")
	evForm.Set("doelen."+p.Doelen[1].ID, "niet_bereikt")
	if code, loc, _ := planPost(t, c, planURL+"/evaluatie", evForm); code != 303 || !strings.Contains(loc, "afgesloten=1") {
		t.Fatalf("closing: %d %s", code, loc)
	}
	code, body = get(t, c, planURL+"?afgesloten=1")
	if code != 200 || !strings.Contains(body, "Het laatste plan is afgesloten") || !strings.Contains(body, "9 van 10") || !strings.Contains(body, "1 van 2") || !strings.Contains(body, "“Fijn geholpen”") {
		t.Fatalf("after closing: %d", code)
	}
	if code, _ = get(t, c, planURL+"/afdrukken"); code != 404 {
		t.Fatalf("print without a current plan: %d", code)
	}
	// Beleid and another gemeente see none of it.
	for _, who := range []string{"beleid@meppel.nl", "regisseur@apeldoorn.nl"} {
		b := e.browser()
		e.login(b, who, pw)
		for _, path := range []string{"", "/versies/1", "/afdrukken", "/doelen/nieuw", "/akkoord", "/evaluatie", "/doelen/" + g1 + "/acties/nieuw"} {
			if code, _ := get(t, b, planURL+path); code != 404 {
				t.Errorf("%s GET plan%s: %d", who, path, code)
			}
		}
		if code, _, _ := planPost(t, b, planURL, url.Values{"datum": {today.ISO()}}); code != 404 {
			t.Errorf("%s starts a plan: %d", who, code)
		}
	}
}

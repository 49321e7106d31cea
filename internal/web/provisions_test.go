package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/store/storetest"
)

// pvPost posts a form and returns status, body and redirect target.
func pvPost(t *testing.T, c *http.Client, u string, v url.Values) (int, string, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header.Get("Location")
}

// pvJSON decodes an API answer.
func pvJSON(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	return m
}

// pvField returns the API's message for a field, or "".
func pvField(t *testing.T, body, field string) string {
	t.Helper()
	v, _ := pvJSON(t, body)["velden"].(map[string]any)
	s, _ := v[field].(string)
	return s
}

func pvProvisionBody(person string, extra string) string {
	return `{"persoon":"` + person + `","wet":"wmo","categorie":"02","aanbieder":"Zorggroep Meppel","aanbieder_agb":"98001234",
		"start":"2026-01-05","eind":"2026-12-31","volume":3,"eenheid":"04","frequentie":"2","prijs_cents":6850` + extra + `}`
}

func TestProvisionFormsNameTheFieldAndStatusMovesForward(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.browser()
	e.login(c, "regisseur@meppel.nl", pw)
	hh := e.srv.URL + "/huishoudens/" + e.ids["meppel"]
	if code, body := get(t, c, hh+"/voorzieningen"); code != 200 || !strings.Contains(body, "nog geen voorzieningen") {
		t.Fatalf("empty list: %d", code)
	}
	code, body := get(t, c, hh+"/voorzieningen/nieuw")
	if code != 200 || !strings.Contains(body, `<optgroup label="Jeugdwet">`) || !strings.Contains(body, `value="wmo:02"`) || !strings.Contains(body, "Fatima de Boer") {
		t.Fatalf("form: %d", code)
	}
	bad := url.Values{"persoon": {e.ids["meppel-person"]}, "categorie": {"wmo:45"}, "start": {"01-03-2026"}, "eind": {"01-02-2026"},
		"prijs": {"-5"}, "aanbieder_agb": {"12"}, "aanbieder": {"Zorg BV"}, "volume": {"3"}, "eenheid": {"04"}, "frequentie": {"2"}}
	code, body, _ = pvPost(t, c, hh+"/voorzieningen", bad)
	if code != 422 || !strings.Contains(body, `id="prijs-fout"`) || !strings.Contains(body, "negatief") {
		t.Fatalf("negative price: %d", code)
	}
	bad.Set("prijs", "68,50")
	code, body, _ = pvPost(t, c, hh+"/voorzieningen", bad)
	for _, want := range []string{`id="categorie-fout"`, `id="eind-fout"`, `id="aanbieder_agb-fout"`, `href="#categorie"`, `aria-invalid="true"`, `value="Zorg BV"`, "hoort bij Jeugdwet"} {
		if !strings.Contains(body, want) {
			t.Errorf("form errors: missing %s", want)
		}
	}
	if code != 422 {
		t.Fatalf("bad form: %d", code)
	}
	if code, body := get(t, c, hh+"/voorzieningen"); code != 200 || !strings.Contains(body, "nog geen voorzieningen") {
		t.Fatal("a refused provision was saved")
	}
	good := url.Values{"persoon": {e.ids["meppel-person"]}, "categorie": {"wmo:02"}, "start": {"05-01-2026"}, "eind": {"2026-12-31"},
		"prijs": {"68,50"}, "volume": {"3"}, "eenheid": {"04"}, "frequentie": {"2"}, "aanbieder": {"Zorggroep Meppel"}, "status": {"toegekend"}}
	code, _, loc := pvPost(t, c, hh+"/voorzieningen", good)
	if code != 303 || !strings.HasPrefix(loc, "/voorzieningen/") {
		t.Fatalf("create: %d %s", code, loc)
	}
	pid := strings.TrimPrefix(strings.Split(loc, "?")[0], "/voorzieningen/")
	code, body = get(t, c, e.srv.URL+loc)
	if code != 200 || !strings.Contains(body, "Begeleiding") || !strings.Contains(body, "€ 890,50") || !strings.Contains(body, "6.712") || !strings.Contains(body, "Toegekend") {
		t.Fatalf("detail: %d", code)
	}
	if code, body := get(t, c, hh+"/voorzieningen"); code != 200 || !strings.Contains(body, "/voorzieningen/"+pid) || !strings.Contains(body, "€ 890,50") {
		t.Fatalf("list: %d", code)
	}
	// A hand-made POST that moves the status back is refused, naming the field.
	code, body, _ = pvPost(t, c, e.srv.URL+"/voorzieningen/"+pid+"/status", url.Values{"status": {"aangevraagd"}})
	if code != 422 || !strings.Contains(body, `id="status-fout"`) || !strings.Contains(body, "alleen vooruit") {
		t.Fatalf("backwards: %d", code)
	}
	code, body, _ = pvPost(t, c, e.srv.URL+"/voorzieningen/"+pid+"/status", url.Values{"status": {"beeindigd"}, "eind": {""}})
	if code != 422 || !strings.Contains(body, `id="eind_reden-fout"`) {
		t.Fatalf("end without reason: %d", code)
	}
	code, _, loc = pvPost(t, c, e.srv.URL+"/voorzieningen/"+pid+"/status", url.Values{"status": {"beeindigd"}, "eind_reden": {"doel_bereikt"}, "eind": {"30-06-2026"}})
	if code != 303 {
		t.Fatalf("end: %d", code)
	}
	code, body = get(t, c, e.srv.URL+loc)
	if code != 200 || !strings.Contains(body, "Beëindigd: Doelen bereikt") || strings.Contains(body, `action="/voorzieningen/`+pid+`/status"`) {
		t.Fatalf("ended: %d", code)
	}
}

func TestProvisionAPIRefusesBypasses(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	tok := e.tokens["regisseur@meppel.nl"]
	base := "/api/v1/households/" + e.ids["meppel"] + "/provisions"
	person := e.ids["meppel-person"]
	cases := []struct {
		name, body, field string
	}{
		{"category of another law", strings.Replace(pvProvisionBody(person, ""), `"categorie":"02"`, `"categorie":"48"`, 1), "categorie"},
		{"unknown category", strings.Replace(pvProvisionBody(person, ""), `"categorie":"02"`, `"categorie":"WMO-99"`, 1), "categorie"},
		{"negative price", strings.Replace(pvProvisionBody(person, ""), `"prijs_cents":6850`, `"prijs_cents":-6850`, 1), "prijs_cents"},
		{"end before start", strings.Replace(pvProvisionBody(person, ""), `"eind":"2026-12-31"`, `"eind":"2025-12-31"`, 1), "eind"},
		{"bad AGB", strings.Replace(pvProvisionBody(person, ""), `98001234`, `9800123X`, 1), "aanbieder_agb"},
		{"person of another gemeente", pvProvisionBody(e.ids["apeldoorn-person"], ""), "persoon"},
		{"ended at birth", pvProvisionBody(person, `,"status":"beeindigd"`), "status"},
	}
	for _, c := range cases {
		code, body := e.api("POST", base, tok, c.body)
		if code != 422 || pvField(t, body, c.field) == "" {
			t.Errorf("%s: %d %s", c.name, code, body)
		}
	}
	// Fields the server decides cannot be sent.
	for _, extra := range []string{`,"gemeente":"GM0200"`, `,"kosten_per_maand_cents":1`, `,"aangemaakt_door":"x"`, `,"id":"mine"`} {
		code, body := e.api("POST", base, tok, pvProvisionBody(person, extra))
		if code != 422 || !strings.Contains(body, strings.Split(extra[2:], `"`)[0]) {
			t.Errorf("extra %s: %d %s", extra, code, body)
		}
	}
	if code, body := e.api("GET", base, tok, ""); code != 200 || body != "{\"items\":[]}\n" {
		t.Fatalf("refused provisions saved: %s", body)
	}
	code, body := e.api("POST", base, tok, pvProvisionBody(person, ""))
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	p := pvJSON(t, body)
	id, _ := p["id"].(string)
	if p["taakveld"] != "6.712" || p["kosten_per_maand_cents"] != float64(89050) || p["status"] != "aangevraagd" || p["gemeente"] != "GM0119" {
		t.Fatalf("created: %s", body)
	}
	if code, body := e.api("POST", "/api/v1/provisions/"+id+"/status", tok, `{"status":"gestart"}`); code != 200 || pvJSON(t, body)["status"] != "gestart" {
		t.Fatalf("start: %d %s", code, body)
	}
	if code, body := e.api("POST", "/api/v1/provisions/"+id+"/status", tok, `{"status":"toegekend"}`); code != 422 || pvField(t, body, "status") == "" {
		t.Fatalf("backwards: %d %s", code, body)
	}
	// Other gemeente and beleid: exactly like a provision that does not exist.
	_, missing := e.api("GET", "/api/v1/provisions/nonexistent", e.tokens["regisseur@apeldoorn.nl"], "")
	for _, who := range []string{"regisseur@apeldoorn.nl", "beleid@meppel.nl", "beheer@meppel.nl"} {
		code, body := e.api("GET", "/api/v1/provisions/"+id, e.tokens[who], "")
		if code != 404 || body != missing {
			t.Errorf("%s reads: %d %s", who, code, body)
		}
		if code, _ := e.api("GET", base, e.tokens[who], ""); code != 404 {
			t.Errorf("%s lists: %d", who, code)
		}
		if code, _ := e.api("POST", base, e.tokens[who], pvProvisionBody(person, "")); code != 404 {
			t.Errorf("%s creates: %d", who, code)
		}
		if code, _ := e.api("POST", "/api/v1/provisions/"+id+"/status", e.tokens[who], `{"status":"beeindigd","eind_reden":"anders"}`); code != 404 {
			t.Errorf("%s changes: %d", who, code)
		}
	}
	if code, _ := e.api("GET", "/api/v1/provisions/"+id, "", ""); code != 401 {
		t.Errorf("anonymous: %d", code)
	}
	// The reads and writes are in the audit log.
	code, body = e.api("GET", "/api/v1/audit?soort=voorziening&record="+id, e.tokens["beheer@meppel.nl"], "")
	if code != 200 || !strings.Contains(body, `"aanmaken"`) || !strings.Contains(body, `"wijzigen"`) || !strings.Contains(body, `"lezen"`) {
		t.Fatalf("audit: %d %s", code, body)
	}
}

func TestClientProfilesOverAPIAndUI(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.user("teamleider@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Teamleider})
	profile := `{"gemeente":"GM0119","code":"P3","naam":"Herstel intensief","perspectief":"herstel","intensiteit":"intensief","prijs_cents":120000,"periode":"maand"}`
	if code, _ := e.api("POST", "/api/v1/profiles", e.tokens["regisseur@meppel.nl"], profile); code != 403 {
		t.Fatalf("regisseur sets a profile: %d", code)
	}
	if code, _ := e.api("POST", "/api/v1/profiles", e.tokens["regisseur@apeldoorn.nl"], profile); code != 403 {
		t.Fatalf("other gemeente sets a profile: %d", code)
	}
	code, body := e.api("POST", "/api/v1/profiles", e.tokens["teamleider@meppel.nl"], strings.Replace(profile, "120000", "-1", 1))
	if code != 422 || pvField(t, body, "prijs_cents") == "" {
		t.Fatalf("negative profile price: %d %s", code, body)
	}
	if code, body := e.api("POST", "/api/v1/profiles", e.tokens["teamleider@meppel.nl"], profile); code != 200 || pvJSON(t, body)["code"] != "P3" {
		t.Fatalf("set profile: %d %s", code, body)
	}
	if code, body := e.api("GET", "/api/v1/profiles", e.tokens["regisseur@meppel.nl"], ""); code != 200 || !strings.Contains(body, "Herstel intensief") {
		t.Fatalf("list: %d %s", code, body)
	}
	if code, body := e.api("GET", "/api/v1/profiles", e.tokens["regisseur@apeldoorn.nl"], ""); code != 200 || strings.Contains(body, "P3") {
		t.Fatalf("other gemeente sees the profile: %d %s", code, body)
	}
	if code, _ := e.api("GET", "/api/v1/profiles", e.tokens["beleid@meppel.nl"], ""); code != 403 {
		t.Fatalf("beleid lists profiles: %d", code)
	}
	// A provision with the profile gets its price; a price sent along is refused.
	person := e.ids["meppel-person"]
	withProfile := `{"persoon":"` + person + `","wet":"wmo","categorie":"02","start":"2026-01-05","profiel":"P3"}`
	code, body = e.api("POST", "/api/v1/households/"+e.ids["meppel"]+"/provisions", e.tokens["regisseur@meppel.nl"], withProfile)
	if code != 201 || pvJSON(t, body)["kosten_per_maand_cents"] != float64(120000) {
		t.Fatalf("provision with profile: %d %s", code, body)
	}
	code, body = e.api("POST", "/api/v1/households/"+e.ids["meppel"]+"/provisions", e.tokens["regisseur@meppel.nl"], strings.Replace(withProfile, `}`, `,"maandbedrag_cents":1}`, 1))
	if code != 422 || pvField(t, body, "maandbedrag_cents") == "" {
		t.Fatalf("price with profile: %d %s", code, body)
	}
	// The page: a regisseur reads, a teamleider also gets the form, with field errors.
	c := e.browser()
	e.login(c, "regisseur@meppel.nl", pw)
	if code, body := get(t, c, e.srv.URL+"/profielen"); code != 200 || !strings.Contains(body, "Herstel intensief") || strings.Contains(body, `action="/profielen"`) {
		t.Fatalf("regisseur page: %d", code)
	}
	if code, _, _ := pvPost(t, c, e.srv.URL+"/profielen", url.Values{"gemeente": {"GM0119"}, "code": {"X"}}); code != 403 {
		t.Fatalf("regisseur posts a profile: %d", code)
	}
	tl := e.browser()
	e.login(tl, "teamleider@meppel.nl", pw)
	code, body, _ = pvPost(t, tl, e.srv.URL+"/profielen", url.Values{"gemeente": {"GM0119"}, "code": {"P4"}, "naam": {""}, "prijs": {"veel"}, "periode": {"maand"}})
	if code != 422 || !strings.Contains(body, `id="prijs-fout"`) {
		t.Fatalf("bad price: %d", code)
	}
	code, body, _ = pvPost(t, tl, e.srv.URL+"/profielen", url.Values{"gemeente": {"GM0119"}, "code": {"P4"}, "naam": {""}, "prijs": {"450"}, "periode": {"maand"}})
	if code != 422 || !strings.Contains(body, `id="naam-fout"`) || !strings.Contains(body, `id="perspectief-fout"`) {
		t.Fatalf("profile form errors: %d", code)
	}
	code, _, loc := pvPost(t, tl, e.srv.URL+"/profielen", url.Values{"gemeente": {"GM0119"}, "code": {"P4"}, "naam": {"Stabiel licht"}, "perspectief": {"stabiliseren"},
		"intensiteit": {"licht"}, "prijs": {"1.200,00"}, "periode": {"jaar"}})
	if code != 303 {
		t.Fatalf("save profile: %d", code)
	}
	if code, body := get(t, tl, e.srv.URL+loc); code != 200 || !strings.Contains(body, "Stabiel licht") || !strings.Contains(body, "€ 100,00") {
		t.Fatalf("saved profile shown: %d", code)
	}
}

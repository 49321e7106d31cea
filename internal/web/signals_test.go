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

// scEnv is the test server with a partner (melder) and a teamleider of
// Meppel besides the users of newEnv.
func scEnv(t *testing.T) *env {
	e := newEnv(t, storetest.SQLite(t))
	e.user("wijkzuster@thuiszorg.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Melder})
	e.user("teamleider@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Teamleider})
	e.user("regisseur2@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Regisseur})
	return e
}

// scPost posts a form and returns status, body and redirect target.
func scPost(t *testing.T, c *http.Client, u string, v url.Values) (int, string, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header.Get("Location")
}

func scSignalForm() url.Values {
	return url.Values{"gemeente": {"GM0119"}, "postcode": {"7941 ab"}, "huisnummer": {"12"}, "wijk": {"WK011901"}, "naam": {"mevrouw De Boer"},
		"bron": {"thuiszorg"}, "wat": {"Mevrouw is erg vergeetachtig en er liggen aanmaningen op tafel."}, "domeinen": {"financien", "geestelijke_gezondheid"},
		"urgentie": {"hoog"}, "bewoner_weet": {"ja"}, "bewoner_akkoord": {"ja"}}
}

const scSignalJSON = `{"gemeente":"GM0119","postcode":"7941AB","huisnummer":12,"wijk":"WK011901","bron":"huisarts",
	"wat":"Meneer komt niet meer naar het spreekuur en neemt de telefoon niet op.","domeinen":["lichamelijke_gezondheid"],
	"urgentie":"normaal","bewoner_weet":true,"bewoner_akkoord":false}`

func scID(t *testing.T, body string) string {
	t.Helper()
	var x struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &x); err != nil || x.ID == "" {
		t.Fatalf("no id in %s", body)
	}
	return x.ID
}

func TestSignalFormTriageAndReporterPrivacy(t *testing.T) {
	e := scEnv(t)
	melder := e.browser()
	e.login(melder, "wijkzuster@thuiszorg.nl", pw)
	if code, body := get(t, melder, e.srv.URL+"/signalen/nieuw"); code != 200 || !strings.Contains(body, `name="domeinen"`) || strings.Contains(body, `id="gemeente"`) {
		t.Fatalf("form: %d", code)
	}
	// Bad input: 422, every problem beside its field, the input kept.
	bad := scSignalForm()
	bad.Set("bron", "")
	bad.Set("bewoner_weet", "nee")
	bad.Del("domeinen")
	bad.Set("huisnummer", "twaalf")
	code, body, _ := scPost(t, melder, e.srv.URL+"/signalen", bad)
	for _, want := range []string{`id="bron-fout"`, `id="domeinen-fout"`, `id="huisnummer-fout"`, `href="#bewoner_akkoord"`, `value="7941 ab"`, "aanmaningen op tafel"} {
		if code != 422 || !strings.Contains(body, want) {
			t.Errorf("bad form: %d, missing %s", code, want)
		}
	}
	// A good report goes to "my reports".
	code, _, loc := scPost(t, melder, e.srv.URL+"/signalen", scSignalForm())
	if code != 303 || loc != "/signalen/mijn?gemeld=1" {
		t.Fatalf("report: %d %s", code, loc)
	}
	code, body = get(t, melder, e.srv.URL+loc)
	if code != 200 || !strings.Contains(body, "7941 AB 12") || !strings.Contains(body, "Ontvangen") || !strings.Contains(body, "is ontvangen") {
		t.Fatalf("my reports: %d", code)
	}
	// The reporter sees no inbox and cannot open the signal.
	if code, _ := get(t, melder, e.srv.URL+"/signalen"); code != 403 {
		t.Fatalf("melder inbox: %d", code)
	}
	code, body = e.api("GET", "/api/v1/signals/mine", e.tokens["wijkzuster@thuiszorg.nl"], "")
	id := func() string {
		var out struct{ Items []struct{ ID, Status string } }
		json.Unmarshal([]byte(body), &out)
		if code != 200 || len(out.Items) != 1 || out.Items[0].Status != "ontvangen" {
			t.Fatalf("mine: %d %s", code, body)
		}
		return out.Items[0].ID
	}()
	codeOwn, bodyOwn := get(t, melder, e.srv.URL+"/signalen/"+id)
	codeNone, bodyNone := get(t, melder, e.srv.URL+"/signalen/bestaat-niet")
	if codeOwn != 404 || bodyOwn != bodyNone || codeNone != 404 {
		t.Fatalf("melder opened a signal: %d", codeOwn)
	}

	// The team: inbox, the signal with the household at its address.
	reg := e.browser()
	e.login(reg, "regisseur@meppel.nl", pw)
	code, body = get(t, reg, e.srv.URL+"/signalen")
	if code != 200 || !strings.Contains(body, `href="/signalen/`+id+`"`) || !strings.Contains(body, "7941 AB 12") {
		t.Fatalf("inbox: %d", code)
	}
	code, body = get(t, reg, e.srv.URL+"/signalen/"+id)
	if code != 200 || !strings.Contains(body, "aanmaningen op tafel") || !strings.Contains(body, `value="`+e.ids["meppel"]+`"`) || !strings.Contains(body, "Signaal afhandelen") {
		t.Fatalf("signal page: %d", code)
	}
	// No outcome: 422 naming it. A new household where one lives: 409 with
	// a link to it; confirmed with a reason: a household and a case.
	code, body, _ = scPost(t, reg, e.srv.URL+"/signalen/"+id+"/triage", url.Values{"reden": {"x"}})
	if code != 422 || !strings.Contains(body, `href="#uitkomst"`) {
		t.Fatalf("no outcome: %d", code)
	}
	code, body, _ = scPost(t, reg, e.srv.URL+"/signalen/"+id+"/triage", url.Values{"uitkomst": {"nieuw_huishouden"}})
	if code != 409 || !strings.Contains(body, `<a href="/huishoudens/`+e.ids["meppel"]+`">bekijk dat huishouden</a>`) || !strings.Contains(body, `id="toch_aanmaken"`) {
		t.Fatalf("duplicate household: %d", code)
	}
	code, body, _ = scPost(t, reg, e.srv.URL+"/signalen/"+id+"/triage", url.Values{"uitkomst": {"nieuw_huishouden"}, "toch_aanmaken": {"ja"}})
	if code != 422 || !strings.Contains(body, `id="reden-fout"`) {
		t.Fatalf("confirm without reason: %d", code)
	}
	code, _, loc = scPost(t, reg, e.srv.URL+"/signalen/"+id+"/triage", url.Values{"uitkomst": {"nieuw_huishouden"}, "toch_aanmaken": {"ja"}, "reden": {"Kamerbewoner op zolder, eigen huishouden"}})
	if code != 303 || !strings.HasPrefix(loc, "/huishoudens/") || strings.Contains(loc, e.ids["meppel"]) {
		t.Fatalf("new household: %d %s", code, loc)
	}
	hid := strings.TrimPrefix(strings.Split(loc, "?")[0], "/huishoudens/")
	code, body = get(t, reg, e.srv.URL+"/huishoudens/"+hid+"/casus")
	if code != 200 || !strings.Contains(body, "regisseur@meppel.nl") || !strings.Contains(body, "Kamerbewoner op zolder") {
		t.Fatalf("case of the new household: %d", code)
	}
	// Twice: conflict.
	if code, _, _ := scPost(t, reg, e.srv.URL+"/signalen/"+id+"/triage", url.Values{"uitkomst": {"gesloten"}, "reden": {"x"}}); code != 409 {
		t.Fatalf("double triage: %d", code)
	}

	// The reporter sees "opgepakt", and nothing of what happened.
	code, body = get(t, melder, e.srv.URL+"/signalen/mijn")
	if code != 200 || !strings.Contains(body, "Opgepakt") || strings.Contains(body, "Kamerbewoner") || strings.Contains(body, hid) || strings.Contains(body, "aanmaningen") {
		t.Fatalf("reporter after triage: %d", code)
	}
	code, body = e.api("GET", "/api/v1/signals/mine", e.tokens["wijkzuster@thuiszorg.nl"], "")
	if code != 200 || !strings.Contains(body, `"status":"opgepakt"`) || strings.Contains(body, "Kamerbewoner") || strings.Contains(body, hid) ||
		strings.Contains(body, "nieuw_huishouden") || strings.Contains(body, "aanmaningen") {
		t.Fatalf("reporter API after triage: %s", body)
	}
}

func TestSignalTriageOtherOutcomesInTheUI(t *testing.T) {
	e := scEnv(t)
	reg := e.browser()
	e.login(reg, "regisseur@meppel.nl", pw)
	mk := func() string {
		code, body := e.api("POST", "/api/v1/signals", e.tokens["wijkzuster@thuiszorg.nl"], scSignalJSON)
		if code != 201 {
			t.Fatalf("report: %d %s", code, body)
		}
		return scID(t, body)
	}
	// Link: the household ticked, then "gekoppeld".
	id := mk()
	code, _, loc := scPost(t, reg, e.srv.URL+"/signalen/"+id+"/triage", url.Values{"uitkomst": {"gekoppeld"}, "huishouden": {e.ids["meppel"]}})
	if code != 303 || loc != "/huishoudens/"+e.ids["meppel"]+"?signaal=1" {
		t.Fatalf("link: %d %s", code, loc)
	}
	code, body := get(t, reg, e.srv.URL+"/signalen/"+id)
	if code != 200 || !strings.Contains(body, "Gekoppeld aan een bekend huishouden") || strings.Contains(body, "Signaal afhandelen") {
		t.Fatalf("triaged signal page: %d", code)
	}
	// Link without a household: named.
	id = mk()
	if code, body, _ := scPost(t, reg, e.srv.URL+"/signalen/"+id+"/triage", url.Values{"uitkomst": {"gekoppeld"}}); code != 422 || !strings.Contains(body, `href="#huishouden"`) {
		t.Fatalf("link without household: %d", code)
	}
	// Refer: needs where to; a ticked household is ignored.
	if code, body, _ := scPost(t, reg, e.srv.URL+"/signalen/"+id+"/triage", url.Values{"uitkomst": {"doorverwezen"}}); code != 422 || !strings.Contains(body, `id="reden-fout"`) {
		t.Fatalf("refer without reason: %d", code)
	}
	code, _, loc = scPost(t, reg, e.srv.URL+"/signalen/"+id+"/triage", url.Values{"uitkomst": {"doorverwezen"}, "reden": {"Sociaal werk: maatje"}, "huishouden": {e.ids["meppel"]}})
	if code != 303 || loc != "/signalen?afgehandeld=1" {
		t.Fatalf("refer: %d %s", code, loc)
	}
	code, body = get(t, reg, e.srv.URL+"/signalen?status=doorverwezen")
	if code != 200 || !strings.Contains(body, `href="/signalen/`+id+`"`) {
		t.Fatalf("filter on referred: %d", code)
	}
	if code, _ := get(t, reg, e.srv.URL+"/signalen?status=kwijt"); code != 422 {
		t.Fatalf("unknown status: %d", code)
	}
	// Search by BSN (POST) and by address on the signal page, for a
	// signal at an address where no household is known.
	code, body = e.api("POST", "/api/v1/signals", e.tokens["wijkzuster@thuiszorg.nl"], strings.Replace(scSignalJSON, `"huisnummer":12`, `"huisnummer":99`, 1))
	if code != 201 {
		t.Fatal(body)
	}
	id = scID(t, body)
	if code, body := get(t, reg, e.srv.URL+"/signalen/"+id); code != 200 || !strings.Contains(body, "Op dit adres is geen huishouden bekend") {
		t.Fatalf("signal at an unknown address: %d", code)
	}
	code, body, _ = scPost(t, reg, e.srv.URL+"/signalen/"+id+"/zoeken", url.Values{"bsn": {"999990019"}})
	if code != 200 || !strings.Contains(body, "Huishouden van Fatima de Boer") || strings.Contains(body, "999990019") {
		t.Fatalf("bsn search: %d", code)
	}
	if code, body, _ := scPost(t, reg, e.srv.URL+"/signalen/"+id+"/zoeken", url.Values{"bsn": {"123"}}); code != 422 || !strings.Contains(body, `id="bsn-fout"`) {
		t.Fatalf("bad bsn: %d", code)
	}
	code, body = get(t, reg, e.srv.URL+"/signalen/"+id+"?postcode=7941AB&huisnummer=")
	if code != 200 || strings.Count(body, `id="hh-`+e.ids["meppel"]+`"`) != 1 {
		t.Fatalf("address search: %d, %d choices", code, strings.Count(body, `id="hh-`+e.ids["meppel"]+`"`))
	}
}

func TestSignalAPIHandCrafted(t *testing.T) {
	e := scEnv(t)
	mtok := e.tokens["wijkzuster@thuiszorg.nl"]
	rtok := e.tokens["regisseur@meppel.nl"]
	cases := []struct{ body, want string }{
		{strings.Replace(scSignalJSON, `,"bewoner_weet":true`, "", 1), `"bewoner_weet"`},
		{strings.Replace(scSignalJSON, `"bewoner_weet":true,"bewoner_akkoord":false`, `"bewoner_weet":false,"bewoner_akkoord":true`, 1), `"bewoner_akkoord"`},
		{strings.Replace(scSignalJSON, `"WK011901"`, `"WK020001"`, 1), `"wijk"`},
		{strings.Replace(scSignalJSON, `"huisarts"`, `"roddel"`, 1), `"bron"`},
		{strings.Replace(scSignalJSON, `["lichamelijke_gezondheid"]`, `[]`, 1), `"domeinen"`},
		{strings.Replace(scSignalJSON, `"normaal"`, `"morgen"`, 1), `"urgentie"`},
		{strings.Replace(scSignalJSON, `"GM0119"`, `"GM0200"`, 1), `"gemeente"`},
		{strings.Replace(scSignalJSON, `"bron"`, `"status":"gesloten","bron"`, 1), `status`},
		{strings.Replace(scSignalJSON, `"bron"`, `"melder_id":"x","bron"`, 1), `melder_id`},
	}
	for _, c := range cases {
		code, body := e.api("POST", "/api/v1/signals", mtok, c.body)
		if code != 422 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s", c.want, code, body)
		}
	}
	if code, body := e.api("GET", "/api/v1/signals?status=alle", rtok, ""); code != 200 || body != "{\"items\":[]}\n" {
		t.Fatalf("refused reports were saved: %s", body)
	}
	code, body := e.api("POST", "/api/v1/signals", mtok, scSignalJSON)
	if code != 201 || !strings.Contains(body, `"status":"ontvangen"`) || strings.Contains(body, "spreekuur") || strings.Contains(body, "huisarts") {
		t.Fatalf("report: %d %s", code, body)
	}
	id := scID(t, body)
	// The team's API.
	code, body = e.api("GET", "/api/v1/signals?wijk=WK011901", rtok, "")
	if code != 200 || !strings.Contains(body, id) || !strings.Contains(body, "spreekuur") {
		t.Fatalf("inbox: %d %s", code, body)
	}
	if code, body := e.api("GET", "/api/v1/signals?wijk=WK011902", rtok, ""); code != 200 || strings.Contains(body, id) {
		t.Fatalf("wijk filter: %s", body)
	}
	if code, _ := e.api("GET", "/api/v1/signals?limit=-1", rtok, ""); code != 422 {
		t.Fatalf("bad limit: %d", code)
	}
	code, body = e.api("GET", "/api/v1/signals/"+id, rtok, "")
	if code != 200 || !strings.Contains(body, `"melder":"wijkzuster@thuiszorg.nl"`) {
		t.Fatalf("one signal: %d %s", code, body)
	}
	// Another gemeente: not found, as a missing one; its inbox: empty.
	atok := e.tokens["regisseur@apeldoorn.nl"]
	codeOther, bodyOther := e.api("GET", "/api/v1/signals/"+id, atok, "")
	codeNone, bodyNone := e.api("GET", "/api/v1/signals/bestaat-niet", atok, "")
	if codeOther != 404 || bodyOther != bodyNone || codeNone != 404 {
		t.Fatalf("other gemeente: %d %s", codeOther, bodyOther)
	}
	if code, body := e.api("GET", "/api/v1/signals", atok, ""); code != 200 || strings.Contains(body, id) {
		t.Fatalf("other gemeente's inbox: %s", body)
	}
	if code, _ := e.api("GET", "/api/v1/signals?gemeente=GM0119", atok, ""); code != 403 {
		t.Fatalf("inbox of another gemeente: %d", code)
	}
	if code, _ := e.api("POST", "/api/v1/signals/"+id+"/triage", atok, `{"uitkomst":"gesloten","reden":"x"}`); code != 404 {
		t.Fatalf("triage from another gemeente: %d", code)
	}
	// The reporter: no inbox, no signal, no triage.
	if code, _ := e.api("GET", "/api/v1/signals", mtok, ""); code != 403 {
		t.Fatalf("melder inbox: %d", code)
	}
	if code, _ := e.api("GET", "/api/v1/signals/"+id, mtok, ""); code != 404 {
		t.Fatalf("melder read: %d", code)
	}
	if code, _ := e.api("POST", "/api/v1/signals/"+id+"/triage", mtok, `{"uitkomst":"gesloten","reden":"x"}`); code != 404 {
		t.Fatalf("melder triage: %d", code)
	}
	// Triage by hand: strict input, one outcome, once.
	for _, c := range []struct{ body, want string }{
		{`{"uitkomst":"gekoppeld","huishouden":"` + e.ids["apeldoorn"] + `"}`, `"huishouden"`},
		{`{"uitkomst":"gesloten"}`, `"reden"`},
		{`{"uitkomst":"gesloten","reden":"x","huishouden":"` + e.ids["meppel"] + `"}`, `"huishouden"`},
		{`{"uitkomst":"verwijderd"}`, `"uitkomst"`},
		{`{"uitkomst":"gesloten","reden":"x","status":"nieuw"}`, `status`},
	} {
		if code, body := e.api("POST", "/api/v1/signals/"+id+"/triage", rtok, c.body); code != 422 || !strings.Contains(body, c.want) {
			t.Errorf("triage %s: %d %s", c.body, code, body)
		}
	}
	code, body = e.api("POST", "/api/v1/signals/"+id+"/triage", rtok, `{"uitkomst":"nieuw_huishouden"}`)
	var dup struct {
		Velden             map[string]string
		BestaandHuishouden string `json:"bestaand_huishouden"`
	}
	if code != 409 || json.Unmarshal([]byte(body), &dup) != nil || dup.BestaandHuishouden != e.ids["meppel"] || dup.Velden["postcode"] == "" {
		t.Fatalf("duplicate over the API: %d %s", code, body)
	}
	code, body = e.api("POST", "/api/v1/signals/"+id+"/triage", rtok, `{"uitkomst":"gekoppeld","huishouden":"`+e.ids["meppel"]+`"}`)
	if code != 200 || !strings.Contains(body, `"status":"gekoppeld"`) || !strings.Contains(body, e.ids["meppel"]) {
		t.Fatalf("link: %d %s", code, body)
	}
	if code, _ := e.api("POST", "/api/v1/signals/"+id+"/triage", rtok, `{"uitkomst":"gesloten","reden":"nog eens"}`); code != 409 {
		t.Fatalf("double triage: %d", code)
	}
	code, body = e.api("GET", "/api/v1/signals/mine", mtok, "")
	if code != 200 || !strings.Contains(body, `"status":"opgepakt"`) || strings.Contains(body, e.ids["meppel"]) || strings.Contains(body, "gekoppeld") {
		t.Fatalf("reporter after triage: %s", body)
	}
}

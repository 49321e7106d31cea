package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
	"naober.nl/naober/internal/web"
)

var ctx = context.Background()

const pw = "correct horse battery"

type env struct {
	t      *testing.T
	st     *store.Store
	srv    *httptest.Server
	hash   string
	ids    map[string]string // named records
	tokens map[string]string // user -> API token
	upload string            // the server's upload directory
}

func newEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	up := filepath.Join(t.TempDir(), "uploads")
	s := &web.Server{Store: st, Atlas: atlas, Log: slog.New(slog.NewTextHandler(testLogOut, nil)), UploadDir: up}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, srv: httptest.NewServer(h), ids: map[string]string{}, tokens: map[string]string{}, upload: up}
	t.Cleanup(e.srv.Close)
	e.hash, err = auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	for _, tn := range [][2]string{{"GM0119", "Meppel"}, {"GM0200", "Apeldoorn"}} {
		if err := st.EnsureTenant(ctx, tn[0], tn[1]); err != nil {
			t.Fatal(err)
		}
	}
	e.user("regisseur@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Regisseur})
	e.user("regisseur@apeldoorn.nl", auth.Grant{Gemeente: "GM0200", Role: auth.Regisseur})
	e.user("beleid@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Beleid})
	e.user("beheer@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Beheer})

	// One household in each gemeente.
	for _, x := range []struct{ name, gm, wijk, pc, bsn, email string }{
		{"meppel", "GM0119", "WK011901", "7941AB", "999990019", "regisseur@meppel.nl"},
		{"apeldoorn", "GM0200", "WK020001", "7311AA", "999990020", "regisseur@apeldoorn.nl"},
	} {
		u, _ := st.UserByEmail(ctx, x.email)
		a := store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
		h := people.Household{Gemeente: x.gm, Postcode: x.pc, Huisnummer: 12, Wijk: x.wijk}
		if err := st.CreateHousehold(ctx, a, &h); err != nil {
			t.Fatal(err)
		}
		p := people.Person{Gemeente: x.gm, BSN: x.bsn, Voornamen: "Fatima", Achternaam: "de Boer", Geboortedatum: people.MustDate("1984-02-29"), Geslacht: "vrouw"}
		if err := st.CreatePerson(ctx, a, &p, &people.Member{Household: h.ID, Rol: "ouder", Start: people.MustDate("2015-01-01")}); err != nil {
			t.Fatal(err)
		}
		e.ids[x.name] = h.ID
		e.ids[x.name+"-person"] = p.ID
	}
	return e
}

func (e *env) user(email string, g auth.Grant) {
	e.t.Helper()
	u := &store.User{Email: email, PasswordHash: e.hash, Grants: []auth.Grant{g}}
	if err := e.st.CreateUser(ctx, u); err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.st.CreateAPIToken(ctx, u.ID, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens[email] = tok
}

// api does a request with a bearer token ("" for none) and returns status and body.
func (e *env) api(method, path, token, body string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// browser is a client with a cookie jar that does not follow redirects.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *env) login(c *http.Client, email, password string) *http.Response {
	e.t.Helper()
	res, err := c.PostForm(e.srv.URL+"/inloggen", url.Values{"email": {email}, "wachtwoord": {password}, "terug": {"/huishoudens"}})
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestPublicAreas(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	code, body := e.api("GET", "/api/v1/gemeenten", "", "")
	var gms []struct{ Code, Naam string }
	if code != 200 || json.Unmarshal([]byte(body), &gms) != nil || len(gms) != 342 {
		t.Fatalf("gemeenten: %d, %d items", code, len(gms))
	}
	code, body = e.api("GET", "/api/v1/gemeenten/GM0119/wijken", "", "")
	var wks []struct{ Code, Naam string }
	if code != 200 || json.Unmarshal([]byte(body), &wks) != nil || len(wks) != 14 || wks[1].Naam != "Watertoren" {
		t.Fatalf("wijken: %d %s", code, body)
	}
	if code, _ := e.api("GET", "/api/v1/gemeenten/GM9999/wijken", "", ""); code != 404 {
		t.Fatalf("unknown gemeente: %d", code)
	}
	c := e.browser()
	code, body = get(t, c, e.srv.URL+"/gebieden?q=mepp")
	if code != 200 || !strings.Contains(body, `href="/gebieden/GM0119"`) || strings.Contains(body, "GM0200") {
		t.Fatalf("search gebieden: %d", code)
	}
	code, body = get(t, c, e.srv.URL+"/gebieden/GM0119")
	if code != 200 || strings.Count(body, `<a href="/gebieden/GM0119/WK0119`) < 28 || !strings.Contains(body, "<svg") || !strings.Contains(body, "Bron: CBS, Kadaster/PDOK") {
		t.Fatalf("gemeente page: %d, %d wijk links", code, strings.Count(body, `href="/gebieden/GM0119/WK0119`))
	}
	code, body = get(t, c, e.srv.URL+"/gebieden/GM0119/WK011901")
	if code != 200 || !strings.Contains(body, "Watertoren") {
		t.Fatalf("wijk page: %d", code)
	}
	if code, _ := get(t, c, e.srv.URL+"/gebieden/GM0119/WK020001"); code != 404 {
		t.Fatalf("wijk of another gemeente: %d", code)
	}
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	res, err := http.Get(e.srv.URL + "/inloggen")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
	} {
		if !strings.Contains(res.Header.Get(h), want) {
			t.Errorf("%s = %q", h, res.Header.Get(h))
		}
	}
	c := e.browser()
	res = e.login(c, "regisseur@meppel.nl", pw)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/huishoudens" {
		t.Fatalf("login: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	ck := res.Cookies()
	if len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteLaxMode || ck[0].Secure || len(ck[0].Value) < 40 {
		t.Fatalf("session cookie: %+v", ck)
	}
	// A cross-site POST is refused even with a valid session.
	req, _ := http.NewRequest("POST", e.srv.URL+"/huishoudens", strings.NewReader("postcode=7941AB"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Fatalf("cross-site POST: %d", res.StatusCode)
	}
	// Logout ends the session on the server.
	res, _ = c.PostForm(e.srv.URL+"/uitloggen", nil)
	res.Body.Close()
	if code, _ := get(t, c, e.srv.URL+"/huishoudens"); code != 303 {
		t.Fatalf("after logout: %d", code)
	}
}

func TestLoginThrottle(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.browser()
	for i := 0; i < 5; i++ {
		if res := e.login(c, "regisseur@meppel.nl", "wrong password!"); res.StatusCode != 401 {
			t.Fatalf("attempt %d: %d", i, res.StatusCode)
		}
	}
	if res := e.login(c, "regisseur@meppel.nl", pw); res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
		t.Fatalf("6th attempt with the right password: %d", res.StatusCode)
	}
	// Unknown accounts get the same answer as wrong passwords.
	c2 := e.browser()
	e2 := newEnv(t, storetest.SQLite(t))
	if res := e2.login(c2, "nobody@meppel.nl", pw); res.StatusCode != 401 {
		t.Fatalf("unknown user: %d", res.StatusCode)
	}
}

func TestTenantIsolationOverHTTP(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	tok := e.tokens["regisseur@meppel.nl"]
	code, body := e.api("GET", "/api/v1/households/"+e.ids["meppel"], tok, "")
	if code != 200 || !strings.Contains(body, "Fatima") || strings.Contains(body, "999990019") {
		t.Fatalf("own household: %d %s", code, body)
	}
	codeOther, bodyOther := e.api("GET", "/api/v1/households/"+e.ids["apeldoorn"], tok, "")
	codeNone, bodyNone := e.api("GET", "/api/v1/households/nonexistent00000000", tok, "")
	if codeOther != 404 || codeOther != codeNone || bodyOther != bodyNone {
		t.Fatalf("other tenant %d %q vs missing %d %q", codeOther, bodyOther, codeNone, bodyNone)
	}
	codeOther, bodyOther = e.api("GET", "/api/v1/persons/"+e.ids["apeldoorn-person"], tok, "")
	codeNone, bodyNone = e.api("GET", "/api/v1/persons/nonexistent00000000", tok, "")
	if codeOther != 404 || bodyOther != bodyNone {
		t.Fatalf("person of other tenant %d %q vs missing %q", codeOther, bodyOther, bodyNone)
	}
	// In the UI, too.
	c := e.browser()
	e.login(c, "regisseur@meppel.nl", pw)
	codeOther, bodyOther = get(t, c, e.srv.URL+"/huishoudens/"+e.ids["apeldoorn"])
	codeNone, bodyNone = get(t, c, e.srv.URL+"/huishoudens/nonexistent00000000")
	if codeOther != 404 || bodyOther != bodyNone {
		t.Fatalf("UI other tenant %d vs %d", codeOther, codeNone)
	}
	// The list shows only the caller's gemeente; asking for another is refused.
	code, body = e.api("GET", "/api/v1/households", tok, "")
	if code != 200 || !strings.Contains(body, `"totaal":1`) || strings.Contains(body, e.ids["apeldoorn"]) {
		t.Fatalf("list: %d %s", code, body)
	}
	if code, _ := e.api("GET", "/api/v1/households?gemeente=GM0200", tok, ""); code != 403 {
		t.Fatalf("list of other gemeente: %d", code)
	}
	// A BSN search in Meppel does not find Apeldoorn's resident.
	code, body = e.api("POST", "/api/v1/persons/search", tok, `{"bsn":"999990020"}`)
	if code != 200 || body != "{\"items\":[]}\n" {
		t.Fatalf("bsn search across tenants: %d %s", code, body)
	}
}

func TestRolesAndAnonymous(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	if code, _ := e.api("GET", "/api/v1/households", "", ""); code != 401 {
		t.Fatalf("anonymous API: %d", code)
	}
	if code, _ := e.api("GET", "/api/v1/households", "nbr_forged", ""); code != 401 {
		t.Fatalf("forged token: %d", code)
	}
	c := e.browser()
	res, _ := c.Get(e.srv.URL + "/huishoudens/" + e.ids["meppel"])
	res.Body.Close()
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/inloggen?terug=") {
		t.Fatalf("anonymous UI: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	beleid := e.tokens["beleid@meppel.nl"]
	if code, _ := e.api("GET", "/api/v1/households", beleid, ""); code != 403 {
		t.Fatalf("beleid list: %d", code)
	}
	if code, _ := e.api("GET", "/api/v1/households/"+e.ids["meppel"], beleid, ""); code != 404 {
		t.Fatalf("beleid read: %d", code)
	}
	if code, _ := e.api("GET", "/api/v1/audit", e.tokens["regisseur@meppel.nl"], ""); code != 403 {
		t.Fatalf("regisseur audit: %d", code)
	}
}

func TestBadInputNamesTheField(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	tok := e.tokens["regisseur@meppel.nl"]
	cases := []struct {
		path, body, want string
	}{
		{"/api/v1/persons", `{"gemeente":"GM0119","bsn":"123456789","voornamen":"A","achternaam":"B","geboortedatum":"1990-01-01","geslacht":"man"}`, `"bsn"`},
		{"/api/v1/persons", `{"gemeente":"GM0119","bsn":"999990032","voornamen":"A","achternaam":"B","geboortedatum":"1990-13-45","geslacht":"man"}`, `geen datum`},
		{"/api/v1/persons", `{"gemeente":"GM0119","bsn":"999990032","voornamen":"A","achternaam":"B","geboortedatum":"1990-01-01","geslacht":"man","extra":1}`, `extra`},
		{"/api/v1/households", `{"gemeente":"GM0119","postcode":"79","huisnummer":1,"wijk":"WK011901"}`, `"postcode"`},
		{"/api/v1/households", `{"gemeente":"GM0119","postcode":"7941AB","huisnummer":"een","wijk":"WK011901"}`, `huisnummer`},
		{"/api/v1/households", `{"gemeente":"GM0119","postcode":"7941AB","huisnummer":1,"wijk":"WK020001"}`, `"wijk"`},
		{"/api/v1/households", `{"gemeente":`, `ongeldig`},
	}
	for _, c := range cases {
		code, body := e.api("POST", c.path, tok, c.body)
		if code != 422 || !strings.Contains(body, c.want) {
			t.Errorf("%s %s: %d %s", c.path, c.body, code, body)
		}
	}
	// Nothing of the refused input was saved.
	code, body := e.api("GET", "/api/v1/households", tok, "")
	if code != 200 || !strings.Contains(body, `"totaal":1`) {
		t.Fatalf("refused input saved: %s", body)
	}
	// The form shows the error beside the field, without echoing the BSN.
	c := e.browser()
	e.login(c, "regisseur@meppel.nl", pw)
	res, _ := c.PostForm(e.srv.URL+"/huishoudens/"+e.ids["meppel"]+"/leden", url.Values{"bsn": {"123456788"}, "voornamen": {"Kees"}, "achternaam": {"Bakker"}, "geboortedatum": {"31-02-2010"}, "geslacht": {"man"}, "rol": {"kind"}, "start": {"01-01-2020"}})
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(b)
	if res.StatusCode != 422 || !strings.Contains(page, `id="geboortedatum-fout"`) || strings.Contains(page, "123456788") || !strings.Contains(page, `value="Kees"`) {
		t.Fatalf("form errors: %d", res.StatusCode)
	}
}

func TestHouseholdWorkflowAndAudit(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.browser()
	e.login(c, "regisseur@meppel.nl", pw)
	// Find by postcode + house number, open it.
	code, body := get(t, c, e.srv.URL+"/huishoudens?postcode=7941+ab&huisnummer=12")
	if code != 200 || !strings.Contains(body, "/huishoudens/"+e.ids["meppel"]) {
		t.Fatalf("search by address: %d", code)
	}
	code, body = get(t, c, e.srv.URL+"/huishoudens/"+e.ids["meppel"])
	if code != 200 || !strings.Contains(body, "Fatima de Boer") {
		t.Fatalf("open household: %d", code)
	}
	// Search by BSN goes by POST; the result carries no BSN.
	r, _ := c.PostForm(e.srv.URL+"/zoeken", url.Values{"bsn": {"999990019"}})
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(b), "Fatima de Boer") || strings.Contains(string(b), "999990019") {
		t.Fatalf("bsn search: %d", r.StatusCode)
	}
	// New household and a member through the forms.
	r, _ = c.PostForm(e.srv.URL+"/huishoudens", url.Values{"gemeente": {"GM0119"}, "postcode": {"7942 cd"}, "huisnummer": {"3"}, "wijk": {"WK011902"}})
	r.Body.Close()
	loc := r.Header.Get("Location")
	if r.StatusCode != 303 || !strings.HasPrefix(loc, "/huishoudens/") {
		t.Fatalf("create household: %d %s", r.StatusCode, loc)
	}
	hid := strings.TrimPrefix(strings.Split(loc, "?")[0], "/huishoudens/")
	r, _ = c.PostForm(e.srv.URL+"/huishoudens/"+hid+"/leden", url.Values{"bsn": {"999990032"}, "voornamen": {"Kees"}, "achternaam": {"Bakker"}, "geboortedatum": {"2010-02-03"}, "geslacht": {"man"}, "rol": {"kind"}, "start": {"03-02-2010"}})
	r.Body.Close()
	if r.StatusCode != 303 {
		t.Fatalf("add member: %d", r.StatusCode)
	}
	code, body = get(t, c, e.srv.URL+"/huishoudens/"+hid)
	if code != 200 || !strings.Contains(body, "Kees Bakker") {
		t.Fatalf("member shown: %d", code)
	}
	// Beheer sees those reads in the audit log, in the UI and over the API.
	b2 := e.browser()
	e.login(b2, "beheer@meppel.nl", pw)
	code, body = get(t, b2, e.srv.URL+"/beheer/audit?record="+e.ids["meppel"])
	if code != 200 || !strings.Contains(body, "regisseur@meppel.nl") || !strings.Contains(body, "lezen") {
		t.Fatalf("audit page: %d", code)
	}
	code, body = e.api("GET", "/api/v1/audit?record="+e.ids["meppel"]+"&actie=lezen", e.tokens["beheer@meppel.nl"], "")
	var out struct {
		Items []struct{ Gebruiker, Actie, Soort string }
	}
	if code != 200 || json.Unmarshal([]byte(body), &out) != nil || len(out.Items) == 0 || out.Items[0].Gebruiker != "regisseur@meppel.nl" {
		t.Fatalf("audit api: %d %s", code, body)
	}
}

func TestEveryTemplateRenders(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	pages := map[string][]string{
		"regisseur@meppel.nl": {"/", "/huishoudens", "/huishoudens?alle=1", "/huishoudens/nieuw", "/huishoudens/" + e.ids["meppel"],
			"/huishoudens/" + e.ids["meppel"] + "/wijzigen", "/huishoudens/" + e.ids["meppel"] + "/leden/nieuw",
			"/personen/" + e.ids["meppel-person"], "/personen/" + e.ids["meppel-person"] + "/wijzigen", "/gebieden", "/gebieden/GM0119", "/gebieden/GM0119/WK011901"},
		"beheer@meppel.nl": {"/", "/beheer/audit", "/beheer/gebruikers"},
		"":                 {"/", "/inloggen", "/gebieden", "/gebieden/GM0363"},
	}
	for user, paths := range pages {
		c := e.browser()
		if user != "" {
			e.login(c, user, pw)
		}
		for _, p := range paths {
			code, body := get(t, c, e.srv.URL+p)
			if code != 200 || !strings.Contains(body, "</html>") || !strings.Contains(body, `<html lang="nl">`) {
				t.Errorf("%s as %q: %d", p, user, code)
			}
		}
	}
	c := e.browser()
	if code, body := get(t, c, e.srv.URL+"/bestaat-niet"); code != 404 || !strings.Contains(body, "Niet gevonden") {
		t.Errorf("404 page: %d", code)
	}
}

// testLogOut shows server logs with NAOBER_TEST_LOG=1, for debugging a test.
var testLogOut = func() io.Writer {
	if os.Getenv("NAOBER_TEST_LOG") == "1" {
		return os.Stderr
	}
	return io.Discard
}()

// outboxMails returns the outbox mails of a kind, read as Meppel's beheer.
func outboxMails(t *testing.T, e *env, kind string) []store.Mail {
	t.Helper()
	bu, _ := e.st.UserByEmail(ctx, "beheer@meppel.nl")
	bp, err := e.st.Principal(ctx, bu.ID)
	if err != nil {
		t.Fatal(err)
	}
	mails, err := e.st.Outbox(ctx, store.Actor{P: bp, Purpose: "test"}, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Mail
	for _, m := range mails {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
	"naober.nl/naober/internal/web"
)

func submit(t *testing.T, c *http.Client, u string, v url.Values) (int, string, *http.Response) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res
}

// A resident signs up, confirms the address through the link in the
// outbox (read by beheer), sets the mail preference, downloads their data
// and deletes the account.
func TestResidentSignUpFlow(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	if err := e.st.PutPostcodeAreas(ctx, []store.PostcodeArea{{Postcode: "7941AB", HuisnummerVan: 1, HuisnummerTot: 99, Gemeente: "GM0119", Wijk: "WK011902"}}); err != nil {
		t.Fatal(err)
	}
	c := e.browser()
	code, body := get(t, c, e.srv.URL+"/aanmelden")
	if code != 200 || !strings.Contains(body, `<label for="postcode">`) || !strings.Contains(body, `autocomplete="new-password"`) {
		t.Fatalf("sign-up form: %d", code)
	}
	// Wrong input names every field, linked from the summary.
	code, body, _ = submit(t, c, e.srv.URL+"/aanmelden", url.Values{"email": {"geen"}, "naam": {""}, "postcode": {"12"}, "huisnummer": {"x"}, "wachtwoord": {"kort"}})
	if code != 422 {
		t.Fatalf("bad sign-up: %d", code)
	}
	for _, f := range []string{"email", "naam", "postcode", "huisnummer", "wachtwoord"} {
		if !strings.Contains(body, `href="#`+f+`"`) || !strings.Contains(body, `id="`+f+`-fout"`) {
			t.Errorf("field %s not named and linked", f)
		}
	}
	// An address outside the gemeenten of this instance.
	code, body, _ = submit(t, c, e.srv.URL+"/aanmelden", url.Values{"email": {"anna@voorbeeld.nl"}, "naam": {"Anna"}, "postcode": {"1011AB"}, "huisnummer": {"1"}, "wachtwoord": {"een heel lang wachtwoord"}})
	if code != 422 || !strings.Contains(body, `id="postcode-fout"`) || !strings.Contains(body, `value="anna@voorbeeld.nl"`) {
		t.Fatalf("unknown address: %d", code)
	}
	code, sent, res := submit(t, c, e.srv.URL+"/aanmelden", url.Values{"email": {"Anna@Voorbeeld.nl"}, "naam": {"Anna"}, "postcode": {"7941 ab"}, "huisnummer": {"12"}, "toevoeging": {"b"}, "wachtwoord": {"een heel lang wachtwoord"}})
	if code != 200 || !strings.Contains(sent, "Bevestig nog uw e-mailadres") || !strings.Contains(sent, "anna@voorbeeld.nl") || len(res.Cookies()) != 0 {
		t.Fatalf("sign-up: %d %v %s", code, res.Cookies(), sent)
	}
	if code, _ := get(t, c, e.srv.URL+"/mijn"); code != 303 {
		t.Fatalf("logged in before confirming: %d", code)
	}
	if res := e.login(c, "anna@voorbeeld.nl", "een heel lang wachtwoord"); res.StatusCode != 303 {
		t.Fatalf("login before confirming: %d", res.StatusCode)
	}
	code, body = get(t, c, e.srv.URL+"/mijn")
	if code != 200 || !strings.Contains(body, "Bevestig nog uw e-mailadres") || !strings.Contains(body, "7941 AB") || !strings.Contains(body, `href="/wijk/WK011902"`) {
		t.Fatalf("mijn before verify: %d %s", code, body)
	}
	// A resident sees no professional page.
	for _, p := range []string{"/huishoudens", "/huishoudens/" + e.ids["meppel"], "/personen/" + e.ids["meppel-person"], "/beheer/audit", "/beheer/gebruikers", "/beheer/outbox", "/signalen", "/monitor"} {
		code, body := get(t, c, e.srv.URL+p)
		if code == 200 || strings.Contains(body, "de Boer") {
			t.Errorf("resident on %s: %d", p, code)
		}
	}

	// Beheer of Meppel reads the verification mail in the outbox (audited); Apeldoorn's regisseur may not.
	b := e.browser()
	e.login(b, "beheer@meppel.nl", pw)
	code, body = get(t, b, e.srv.URL+"/beheer/outbox")
	if code != 200 || !strings.Contains(body, "anna@voorbeeld.nl") || !strings.Contains(body, "Bevestig uw e-mailadres") {
		t.Fatalf("outbox: %d", code)
	}
	link := regexp.MustCompile(`http://[^\s<]+/aanmelden/bevestigen\?code=[A-Za-z0-9_%-]+`).FindString(body)
	if link == "" {
		t.Fatalf("no link in the outbox: %s", body)
	}
	recs, err := e.st.SearchAudit(ctx, &auth.Principal{Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Beheer}}}, auditFilter("GM0119", store.RecOutbox))
	if err != nil || len(recs) == 0 || recs[0].UserEmail != "beheer@meppel.nl" {
		t.Fatalf("outbox read not audited: %v %v", recs, err)
	}
	o := e.browser()
	e.login(o, "regisseur@apeldoorn.nl", pw)
	if code, body := get(t, o, e.srv.URL+"/beheer/outbox"); code != 403 || strings.Contains(body, "anna@voorbeeld.nl") {
		t.Fatalf("outbox for a regisseur: %d", code)
	}

	// The link shows a button; the POST confirms.
	link = strings.Replace(link, "&amp;", "&", -1)
	u, _ := url.Parse(link)
	code, body = get(t, c, e.srv.URL+u.RequestURI())
	if code != 200 || !strings.Contains(body, "Bevestig mijn e-mailadres") {
		t.Fatalf("verify form: %d", code)
	}
	code, body, _ = submit(t, c, e.srv.URL+"/aanmelden/bevestigen", url.Values{"code": {u.Query().Get("code")}})
	if code != 200 || !strings.Contains(body, "is bevestigd") {
		t.Fatalf("verify: %d %s", code, body)
	}
	if code, _, _ := submit(t, c, e.srv.URL+"/aanmelden/bevestigen", url.Values{"code": {u.Query().Get("code")}}); code != 422 {
		t.Fatalf("link used twice: %d", code)
	}
	if _, body := get(t, c, e.srv.URL+"/mijn"); strings.Contains(body, "Bevestig nog uw e-mailadres") {
		t.Fatal("still unverified after the link")
	}

	// Mail preference.
	code, _, res = submit(t, c, e.srv.URL+"/mijn/meldingen", url.Values{"meldingen": {"digest"}})
	if code != 303 || res.Header.Get("Location") != "/mijn?opgeslagen=1" {
		t.Fatalf("notify: %d", code)
	}
	if code, body, _ := submit(t, c, e.srv.URL+"/mijn/meldingen", url.Values{"meldingen": {"soms"}}); code != 422 || !strings.Contains(body, `id="meldingen-fout"`) {
		t.Fatalf("bad notify: %d", code)
	}
	// Download.
	res, err = c.Get(e.srv.URL + "/mijn/gegevens")
	if err != nil {
		t.Fatal(err)
	}
	var ex store.ResidentExport
	err = json.NewDecoder(res.Body).Decode(&ex)
	res.Body.Close()
	if err != nil || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") || ex.Account.Email != "anna@voorbeeld.nl" || ex.Account.Notify != "digest" || !ex.Account.Verified || ex.Account.Toevoeging != "B" {
		t.Fatalf("download: %v %+v", err, ex.Account)
	}
	// Delete: the checkbox and the password are both needed.
	if code, body, _ := submit(t, c, e.srv.URL+"/mijn/verwijderen", url.Values{"wachtwoord": {"fout wachtwoord!"}}); code != 422 || !strings.Contains(body, `id="zeker-fout"`) || !strings.Contains(body, `id="wachtwoord-fout"`) {
		t.Fatalf("delete without confirmation: %d", code)
	}
	code, body, _ = submit(t, c, e.srv.URL+"/mijn/verwijderen", url.Values{"zeker": {"ja"}, "wachtwoord": {"een heel lang wachtwoord"}})
	if code != 200 || !strings.Contains(body, "Uw account is verwijderd") {
		t.Fatalf("delete: %d", code)
	}
	if _, err := e.st.UserByEmail(ctx, "anna@voorbeeld.nl"); err == nil {
		t.Fatal("user still there")
	}
	if code, _ := get(t, c, e.srv.URL+"/mijn"); code != 303 {
		t.Fatalf("mijn after delete: %d", code)
	}
	// Login with the old account fails.
	if res := e.login(e.browser(), "anna@voorbeeld.nl", "een heel lang wachtwoord"); res.StatusCode != 401 {
		t.Fatalf("login after delete: %d", res.StatusCode)
	}
}

func TestSignUpRateLimitAndProfessionals(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.browser()
	var last int
	for i := 0; i < 6; i++ {
		last, _, _ = submit(t, c, e.srv.URL+"/aanmelden", url.Values{"email": {"x@voorbeeld.nl"}, "naam": {"X"}, "postcode": {"1011AB"}, "huisnummer": {"1"}, "wachtwoord": {"een heel lang wachtwoord"}})
	}
	if last != 429 {
		t.Fatalf("sixth sign-up from one address: %d", last)
	}
	// A professional has no resident pages.
	p := e.browser()
	e.login(p, "regisseur@meppel.nl", pw)
	if code, _ := get(t, p, e.srv.URL+"/mijn"); code != 404 {
		t.Fatalf("mijn for a regisseur: %d", code)
	}
	// A verified resident logs in through the normal login page and lands on /mijn.
	bert := storetest.Resident(t, e.st, "WK011901", "Bert")
	r := e.browser()
	res, err := r.PostForm(e.srv.URL+"/inloggen", url.Values{"email": {bert.Email}, "wachtwoord": {storetest.ResidentPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 || res.Header.Get("Location") != "/mijn" {
		t.Fatalf("resident login: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if code, body := get(t, r, e.srv.URL+"/mijn"); code != 200 || !strings.Contains(body, "Bert") || !strings.Contains(body, "(bevestigd)") {
		t.Fatalf("mijn: %d", code)
	}
	code, body := get(t, r, e.srv.URL+"/api/v1/me")
	if code != 200 || !strings.Contains(body, `"bewoner":{"gemeente":"GM0119","wijk":"WK011901","naam":"Bert","bevestigd":true}`) || !strings.Contains(body, `"rollen":[]`) {
		t.Fatalf("me: %d %s", code, body)
	}
}

func auditFilter(gemeente, recordType string) audit.Filter {
	return audit.Filter{Gemeenten: []string{gemeente}, RecordType: recordType}
}

func TestBeheerAssignsCoordinatorWijken(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.user("coord@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Wijkcoordinator})
	b := e.browser()
	e.login(b, "beheer@meppel.nl", pw)
	code, body, _ := submit(t, b, e.srv.URL+"/beheer/gebruikers/wijken", url.Values{"coordinator": {"coord@meppel.nl"}, "gemeente": {"GM0119"}, "wijken": {"WK020001"}})
	if code != 422 || !strings.Contains(body, `id="wijken-fout"`) {
		t.Fatalf("wijk of another gemeente: %d", code)
	}
	code, body, _ = submit(t, b, e.srv.URL+"/beheer/gebruikers/wijken", url.Values{"coordinator": {"regisseur@meppel.nl"}, "gemeente": {"GM0119"}, "wijken": {"WK011901"}})
	if code != 422 || !strings.Contains(body, `id="wijken-fout"`) {
		t.Fatalf("user without the role: %d", code)
	}
	code, body, _ = submit(t, b, e.srv.URL+"/beheer/gebruikers/wijken", url.Values{"coordinator": {"coord@meppel.nl"}, "gemeente": {"GM0119"}, "wijken": {"wk011901, WK011902"}})
	if code != 200 || !strings.Contains(body, "(WK011901)") || !strings.Contains(body, "(WK011902)") {
		t.Fatalf("assign: %d", code)
	}
	u, _ := e.st.UserByEmail(ctx, "coord@meppel.nl")
	p, err := e.st.Principal(ctx, u.ID)
	if err != nil || !p.CoordinatorOf("GM0119", "WK011902") {
		t.Fatalf("principal %+v %v", p, err)
	}
	// Beheer of another gemeente may not.
	e.user("beheer@apeldoorn.nl", auth.Grant{Gemeente: "GM0200", Role: auth.Beheer})
	o := e.browser()
	e.login(o, "beheer@apeldoorn.nl", pw)
	if code, _, _ := submit(t, o, e.srv.URL+"/beheer/gebruikers/wijken", url.Values{"coordinator": {"coord@meppel.nl"}, "gemeente": {"GM0119"}, "wijken": {""}}); code != 403 {
		t.Fatalf("other beheer: %d", code)
	}
}

func TestResidentPasswordResetOverHTTP(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	anna := storetest.Resident(t, e.st, "WK011901", "Anna")
	c := e.browser()
	if code, body := get(t, c, e.srv.URL+"/inloggen"); code != 200 || !strings.Contains(body, `href="/wachtwoord-vergeten"`) {
		t.Fatalf("login page: %d", code)
	}
	// Known and unknown addresses get the same answer.
	_, known, _ := submit(t, c, e.srv.URL+"/wachtwoord-vergeten", url.Values{"email": {anna.Email}})
	_, unknown, _ := submit(t, c, e.srv.URL+"/wachtwoord-vergeten", url.Values{"email": {"niemand@voorbeeld.nl"}})
	if !strings.Contains(known, "Kijk in uw e-mail") || known != unknown {
		t.Fatal("the answer tells whether an account exists")
	}
	ms, err := e.st.DueMail(ctx, 10, 8, 0)
	if err != nil || len(ms) != 1 || ms[0].To != anna.Email {
		t.Fatalf("reset mail: %+v %v", ms, err)
	}
	link := regexp.MustCompile(`http://\S+/wachtwoord-nieuw\?code=\S+`).FindString(ms[0].Body)
	u, err := url.Parse(link)
	if err != nil || link == "" {
		t.Fatalf("link %q", link)
	}
	res, err := c.Get(e.srv.URL + u.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), `name="code"`) || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("reset form: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	if code, body, _ := submit(t, c, e.srv.URL+"/wachtwoord-nieuw", url.Values{"code": {u.Query().Get("code")}, "wachtwoord": {"kort"}}); code != 422 || !strings.Contains(body, `id="wachtwoord-fout"`) {
		t.Fatalf("short password: %d", code)
	}
	if code, body, _ := submit(t, c, e.srv.URL+"/wachtwoord-nieuw", url.Values{"code": {u.Query().Get("code")}, "wachtwoord": {"een nieuw lang wachtwoord"}}); code != 200 || !strings.Contains(body, "is veranderd") {
		t.Fatalf("reset: %d", code)
	}
	if res := e.login(e.browser(), anna.Email, "een nieuw lang wachtwoord"); res.StatusCode != 303 {
		t.Fatalf("login with the new password: %d", res.StatusCode)
	}
}

// Signing up with an address that has an account answers exactly as for a
// new one (no error, no session), so the form tells nobody who has an
// account here; the owner gets a mail instead, a few times at most.
func TestSignUpWithAKnownAddressTellsNothing(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	if err := e.st.PutPostcodeAreas(ctx, []store.PostcodeArea{{Postcode: "7941AB", HuisnummerVan: 1, HuisnummerTot: 99, Gemeente: "GM0119", Wijk: "WK011902"}}); err != nil {
		t.Fatal(err)
	}
	bert := storetest.Resident(t, e.st, "WK011901", "Bert")
	form := func(email string) url.Values {
		return url.Values{"email": {email}, "naam": {"Zora Zeldzaam"}, "postcode": {"7941AB"}, "huisnummer": {"3"}, "wachtwoord": {"een heel lang wachtwoord"}}
	}
	strip := func(body, email string) string { return strings.ReplaceAll(body, email, "ADRES") }
	newCode, newBody, newRes := submit(t, e.browser(), e.srv.URL+"/aanmelden", form("nieuw@voorbeeld.nl"))
	code, body, res := submit(t, e.browser(), e.srv.URL+"/aanmelden", form(strings.ToUpper(bert.Email)))
	if code != newCode || code != 200 || strip(body, bert.Email) != strip(newBody, "nieuw@voorbeeld.nl") || len(res.Cookies()) != len(newRes.Cookies()) {
		t.Fatalf("known address answered differently: %d vs %d, cookies %d vs %d", code, newCode, len(res.Cookies()), len(newRes.Cookies()))
	}
	// Nothing changed on Bert's account: his password still works.
	if res := e.login(e.browser(), bert.Email, storetest.ResidentPassword); res.StatusCode != 303 {
		t.Fatalf("Bert's login: %d", res.StatusCode)
	}
	if res := e.login(e.browser(), bert.Email, "een heel lang wachtwoord"); res.StatusCode == 303 {
		t.Fatal("the sign-up's password logs in to Bert's account")
	}
	count := func() (n int) {
		mails := outboxMails(t, e, "account-bestaat")
		for _, m := range mails {
			if m.UserID != bert.UserID || m.To != bert.Email || !strings.Contains(m.Body, "/wachtwoord-vergeten") || strings.Contains(m.Body, "Zeldzaam") {
				t.Errorf("mail to %s:\n%s", m.To, m.Body)
			}
		}
		return len(mails)
	}
	if n := count(); n != 1 {
		t.Fatalf("mails to the owner: %d, want 1", n)
	}
	// Again and again, from other network addresses (so the limit per
	// address is what holds): the owner gets five mails at most.
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	h, err := (&web.Server{Store: e.st, Atlas: atlas, Log: slog.New(slog.NewTextHandler(testLogOut, nil))}).Handler()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7; i++ {
		req := httptest.NewRequest("POST", "/aanmelden", strings.NewReader(form(bert.Email).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = fmt.Sprintf("192.0.2.%d:4000", i+1)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Bevestig nog uw e-mailadres") || rec.Header().Get("Retry-After") != "" {
			t.Fatalf("repeat %d: %d", i, rec.Code)
		}
	}
	// (This server has a throttle of its own: one mail came before.)
	if n := count(); n != 1+5 {
		t.Fatalf("mails to the owner after repeats: %d, want 1+5", n)
	}
}

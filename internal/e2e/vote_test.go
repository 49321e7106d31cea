package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A demo resident of the wijk with the running wijkbudget vote, on a
// phone-sized screen, opens the vote from their wijk page, is refused a
// ballot over the budget (the choice kept), votes, changes the vote and
// sees it confirmed; every page passes axe, with and without JavaScript.
// Then, over the API, two ballots from the same resident still leave one
// ballot in the count, and the page shows the API's choice.
func TestVoteOnAPhone(t *testing.T) {
	for _, js := range []bool{true, false} {
		name := "with-javascript-and-axe"
		if !js {
			name = "without-javascript"
		}
		t.Run(name, func(t *testing.T) {
			base, logins := demoServer(t)
			bewoner, ok := logins["bewoner"]
			if !ok {
				t.Fatal("the demo printed no resident login")
			}
			b := newBrowser(t, base, js)
			b.run(chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))

			b.logIn(bewoner)
			b.open("/wijk")
			b.submit(`main a.button[href^="/wijk/WK"]`)
			if !strings.Contains(b.text("main"), "U kunt nu stemmen") {
				t.Fatalf("the resident's wijk page shows no running vote: %s", b.text("main"))
			}
			b.submit(`main a[href*="/stemmen/"]`)
			voteURL := b.url()
			id := voteURL[strings.LastIndex(voteURL, "/")+1:]
			if !strings.Contains(b.text("main"), "Stem uitbrengen") {
				t.Fatalf("no ballot form on %s: %s", voteURL, b.text("main"))
			}
			b.fitsScreen()
			before := turnout(t, base, id)

			// The checkboxes by project title.
			var boxes map[string]string
			b.run(chromedp.Evaluate(`Object.fromEntries(Array.from(document.querySelectorAll('#projecten input[type=checkbox]')).map(
				i => [document.querySelector('label[for="' + i.id + '"] strong').textContent, i.id]))`, &boxes))
			for _, p := range []string{"Speeltoestel voor kleine kinderen", "Bankjes en een picknicktafel", "Buurtmoestuin", "Maandelijkse buurtmaaltijd", "Verlichting op het wandelpad"} {
				if boxes[p] == "" {
					t.Fatalf("no checkbox for %q: %v", p, boxes)
				}
			}
			if _, ok := boxes["Kunstgrasveld"]; ok {
				t.Fatal("a project that is not feasible is on the ballot")
			}
			click := func(titles ...string) {
				for _, title := range titles {
					b.run(chromedp.Click(`[id="`+boxes[title]+`"]`, chromedp.ByQuery))
				}
			}
			checked := func() []string {
				var ids []string
				b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('#projecten input:checked')).map(i => i.id)`, &ids))
				var out []string
				for title, id := range boxes {
					if slices.Contains(ids, id) {
						out = append(out, title)
					}
				}
				slices.Sort(out)
				return out
			}

			// € 12.000 + € 14.250 + € 6.000 is more than the € 30.000.
			click("Speeltoestel voor kleine kinderen", "Verlichting op het wandelpad", "Buurtmoestuin")
			b.submit(`form[action$="/stem"] button[type=submit]`)
			if !strings.Contains(b.text("#projecten"), "meer dan het budget") {
				t.Fatalf("a ballot over the budget was not refused with the reason: %s", b.text("main"))
			}
			if got := checked(); len(got) != 3 {
				t.Fatalf("the refused choice was not kept: %v", got)
			}
			if n := turnout(t, base, id); n != before {
				t.Fatalf("a refused ballot counts: %d, want %d", n, before)
			}
			b.fitsScreen()

			click("Verlichting op het wandelpad")
			b.submit(`form[action$="/stem"] button[type=submit]`)
			if !strings.Contains(b.text(".notice"), "Uw stem is opgeslagen") {
				t.Fatalf("vote not confirmed: %s", b.text("main"))
			}
			if got := checked(); !slices.Equal(got, []string{"Buurtmoestuin", "Speeltoestel voor kleine kinderen"}) {
				t.Fatalf("after voting the page shows %v", got)
			}
			if n := turnout(t, base, id); n != before+1 {
				t.Fatalf("turnout after voting %d, want %d", n, before+1)
			}

			// Change the vote: the new choice replaces the old one.
			click("Speeltoestel voor kleine kinderen", "Bankjes en een picknicktafel", "Maandelijkse buurtmaaltijd")
			b.submit(`form[action$="/stem"] button[type=submit]`)
			if !strings.Contains(b.text(".notice"), "Uw stem is opgeslagen") {
				t.Fatalf("change not confirmed: %s", b.text("main"))
			}
			b.open(strings.SplitN(voteURL, base, 2)[1])
			if !strings.Contains(b.text("main"), "U heeft gestemd") || !strings.Contains(b.text("main"), "Keuze wijzigen") {
				t.Fatalf("a fresh page does not say the resident voted: %s", b.text("main"))
			}
			want := []string{"Bankjes en een picknicktafel", "Buurtmoestuin", "Maandelijkse buurtmaaltijd"}
			if got := checked(); !slices.Equal(got, want) {
				t.Fatalf("after changing the page shows %v, want %v", got, want)
			}
			if n := turnout(t, base, id); n != before+1 {
				t.Fatalf("turnout after changing %d, want %d", n, before+1)
			}
			b.fitsScreen()

			// Over the API (a second session of the same resident), two
			// ballots in a row leave one, and it is the last.
			c := apiLogin(t, base, bewoner)
			for _, title := range []string{"Verlichting op het wandelpad", "Bankjes en een picknicktafel"} {
				body := `{"projecten":["` + strings.TrimPrefix(boxes[title], "p-") + `"]}`
				if code, resp := call(t, c, "POST", base+"/api/v1/wijkbudgets/"+id+"/ballot", body); code != 200 || !strings.Contains(resp, `"gestemd":true`) {
					t.Fatalf("API ballot: %d %s", code, resp)
				}
			}
			if n := turnout(t, base, id); n != before+1 {
				t.Fatalf("turnout after two API ballots %d, want %d", n, before+1)
			}
			b.open(strings.SplitN(voteURL, base, 2)[1])
			if got := checked(); !slices.Equal(got, []string{"Bankjes en een picknicktafel"}) {
				t.Fatalf("after the API ballots the page shows %v", got)
			}
		})
	}
}

// turnout reads the public number of ballots of a vote.
func turnout(t *testing.T, base, id string) int {
	t.Helper()
	code, body := call(t, http.DefaultClient, "GET", base+"/api/v1/wijkbudgets/"+id, "")
	var v struct {
		Stembiljetten int `json:"stembiljetten"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &v) != nil {
		t.Fatalf("public vote: %d %s", code, body)
	}
	return v.Stembiljetten
}

// apiLogin logs in through the login form and returns a client that
// carries the session cookie.
func apiLogin(t *testing.T, base string, l login) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/inloggen", url.Values{"email": {l.email}, "wachtwoord": {l.password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || strings.Contains(res.Header.Get("Location"), "/inloggen") {
		t.Fatalf("API login as %s: %d %s", l.role, res.StatusCode, res.Header.Get("Location"))
	}
	return c
}

func call(t *testing.T, c *http.Client, method, u, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

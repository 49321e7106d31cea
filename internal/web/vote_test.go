package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

func postForm(t *testing.T, c *http.Client, u string, v url.Values) (int, string, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

// apiWith calls the API with the browser's session cookie.
func apiWith(t *testing.T, c *http.Client, method, u, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestWijkbudgetVoteThroughTheWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for _, c := range []string{"c1@meppel.nl", "c2@meppel.nl"} {
			e.user(c, auth.Grant{Gemeente: "GM0119", Role: auth.Wijkcoordinator})
			u, _ := st.UserByEmail(ctx, c)
			if err := st.SetCoordinatorWijken(ctx, u.ID, "GM0119", []string{"WK011901"}); err != nil {
				t.Fatal(err)
			}
		}
		base := e.srv.URL
		beleid := e.browser()
		e.login(beleid, "beleid@meppel.nl", pw)
		if code, body := get(t, beleid, base+"/wijkbudget"); code != 200 || !strings.Contains(body, "Een stemming openen") {
			t.Fatalf("manage list: %d", code)
		}
		// A form with mistakes names the fields and keeps the input.
		code, _, body := postForm(t, beleid, base+"/wijkbudget", url.Values{"wijk": {"WK011901"}, "titel": {"Wijkbudget Oost"}, "bedrag": {"tien"}, "regel": {"knapsack"}})
		if code != 422 || !strings.Contains(body, `href="#bedrag"`) || !strings.Contains(body, "Wijkbudget Oost") {
			t.Fatalf("bad form: %d", code)
		}
		code, loc, _ := postForm(t, beleid, base+"/wijkbudget", url.Values{"wijk": {"WK011901"}, "titel": {"Wijkbudget Oost"}, "bedrag": {"10.000"}, "regel": {"knapsack"}})
		if code != 303 || !strings.HasPrefix(loc, "/wijkbudget/") {
			t.Fatalf("create: %d %s", code, loc)
		}
		id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/wijkbudget/")
		voteURL := base + "/wijk/WK011901/stemmen/" + id
		for _, p := range [][2]string{{"Speeltuin", "6.000"}, {"Bankjes", "3.000"}, {"Moestuin", "5.000"}} {
			if code, _, _ := postForm(t, beleid, voteURL+"/ideeen", url.Values{"titel": {p[0]}, "omschrijving": {"Voor de wijk"}, "kosten": {p[1]}, "terug": {"beheer"}}); code != 303 {
				t.Fatalf("add project %s: %d", p[0], code)
			}
		}
		// A resident of the wijk proposes too; one of another wijk may not.
		res := storetest.Resident(t, st, "WK011901", "Els")
		resident := e.browser()
		e.login(resident, res.Email, storetest.ResidentPassword)
		if code, _, _ := postForm(t, resident, voteURL+"/ideeen", url.Values{"titel": {"Kunstwerk"}, "omschrijving": {"Op het plein"}, "kosten": {"20.000"}}); code != 422 {
			t.Fatalf("idea above the budget: %d", code)
		}
		if code, _, _ := postForm(t, resident, voteURL+"/ideeen", url.Values{"titel": {"Kunstwerk"}, "omschrijving": {"Op het plein"}, "kosten": {"2.000"}}); code != 303 {
			t.Fatalf("resident's idea: %d", code)
		}
		other := e.browser()
		e.login(other, storetest.Resident(t, st, "WK011902", "Piet").Email, storetest.ResidentPassword)
		if code, _, _ := postForm(t, other, voteURL+"/ideeen", url.Values{"titel": {"X"}, "omschrijving": {"Y"}, "kosten": {"10"}}); code != 403 {
			t.Fatalf("idea from another wijk: %d", code)
		}
		// Review: not feasible needs a reason.
		_, manage := get(t, beleid, base+"/wijkbudget/"+id)
		ids := map[string]string{}
		for _, m := range regexp.MustCompile(`<section class="plan-goal" id="project-([^"]+)">\s*<h3>([^<]+)</h3>`).FindAllStringSubmatch(manage, -1) {
			ids[m[2]] = m[1]
		}
		if len(ids) != 4 {
			t.Fatalf("projects on the manage page: %v", ids)
		}
		review := func(name, verdict, cost, reason string) int {
			code, _, _ := postForm(t, beleid, base+"/wijkbudget/"+id+"/projecten/"+ids[name]+"/beoordeling", url.Values{"beoordeling": {verdict}, "kosten": {cost}, "reden": {reason}})
			return code
		}
		if code := review("Kunstwerk", "niet_haalbaar", "", ""); code != 422 {
			t.Fatalf("not feasible without reason: %d", code)
		}
		if review("Kunstwerk", "niet_haalbaar", "", "Het plein wordt volgend jaar opnieuw ingericht.") != 303 ||
			review("Speeltuin", "haalbaar", "6.000", "") != 303 || review("Bankjes", "haalbaar", "3.000", "") != 303 || review("Moestuin", "haalbaar", "5.000", "") != 303 {
			t.Fatal("review")
		}
		for _, ph := range []string{"beoordeling", "stemmen"} {
			if code, _, _ := postForm(t, beleid, base+"/wijkbudget/"+id+"/fase", url.Values{"fase": {ph}}); code != 303 {
				t.Fatalf("to %s: %d", ph, code)
			}
		}
		// The wijk page lists the running vote.
		if code, body := get(t, e.browser(), base+"/wijk/WK011901"); code != 200 || !strings.Contains(body, `href="/wijk/WK011901/stemmen/`+id+`"`) || !strings.Contains(body, "U kunt nu stemmen") {
			t.Fatalf("wijk page: %d", code)
		}
		// Anonymous visitors read the page and are asked to log in.
		if code, body := get(t, e.browser(), voteURL); code != 200 || !strings.Contains(body, "Log in</a> als inwoner") || !strings.Contains(body, "Het plein wordt volgend jaar") {
			t.Fatalf("anonymous page: %d", code)
		}
		// The resident votes over the budget: refused with the reason, choice kept.
		code, _, body = postForm(t, resident, voteURL+"/stem", url.Values{"project": {ids["Speeltuin"], ids["Moestuin"]}})
		if code != 422 || !strings.Contains(body, "meer dan het budget") || !strings.Contains(body, `value="`+ids["Moestuin"]+`" checked`) {
			t.Fatalf("over budget: %d", code)
		}
		if code, _, _ := postForm(t, resident, voteURL+"/stem", url.Values{"project": {ids["Speeltuin"], ids["Bankjes"]}}); code != 303 {
			t.Fatalf("vote: %d", code)
		}
		if _, body := get(t, resident, voteURL+"?gestemd=1"); !strings.Contains(body, "Uw stem is opgeslagen") || !strings.Contains(body, `value="`+ids["Bankjes"]+`" checked`) {
			t.Fatal("own ballot not shown")
		}
		// The other wijk's resident cannot vote, on the page or over the API.
		if code, _, _ := postForm(t, other, voteURL+"/stem", url.Values{"project": {ids["Bankjes"]}}); code != 403 {
			t.Fatalf("vote from another wijk: %d", code)
		}
		if code, _ := apiWith(t, other, "POST", base+"/api/v1/wijkbudgets/"+id+"/ballot", `{"projecten":["`+ids["Bankjes"]+`"]}`); code != 403 {
			t.Fatalf("API vote from another wijk: %d", code)
		}
		// Over the API, many requests at once still leave one ballot.
		var wg sync.WaitGroup
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				choice := ids["Moestuin"]
				if i%2 == 0 {
					choice = ids["Bankjes"]
				}
				for {
					code, _ := apiWith(t, resident, "POST", base+"/api/v1/wijkbudgets/"+id+"/ballot", `{"projecten":["`+choice+`"]}`)
					if code == 503 {
						continue
					}
					if code != 200 {
						t.Errorf("API vote: %d", code)
					}
					return
				}
			}(i)
		}
		wg.Wait()
		code, body = apiWith(t, resident, "GET", base+"/api/v1/wijkbudgets/"+id+"/ballot", "")
		var mine struct {
			Gestemd   bool
			Projecten []string
		}
		if code != 200 || json.Unmarshal([]byte(body), &mine) != nil || !mine.Gestemd || len(mine.Projecten) != 1 {
			t.Fatalf("own ballot over the API: %d %s", code, body)
		}
		var pub struct {
			Stembiljetten int
			Uitslag       *struct{}
		}
		code, body = e.api("GET", "/api/v1/wijkbudgets/"+id, "", "")
		if code != 200 || json.Unmarshal([]byte(body), &pub) != nil || pub.Stembiljetten != 1 || pub.Uitslag != nil {
			t.Fatalf("public vote: %d %s", code, body)
		}
		// Beheer sees nobody's ballot, and cannot manage the vote.
		if code, body := e.api("GET", "/api/v1/wijkbudgets/"+id+"/ballot", e.tokens["beheer@meppel.nl"], ""); code != 200 || !strings.Contains(body, `"gestemd":false`) {
			t.Fatalf("beheer's ballot view: %d %s", code, body)
		}
		beheer := e.browser()
		e.login(beheer, "beheer@meppel.nl", pw)
		if code, _ := get(t, beheer, base+"/wijkbudget/"+id); code != 403 {
			t.Fatalf("beheer on the manage page: %d", code)
		}
		// Paper ballots: c1 enters, c1 cannot confirm, c2 confirms.
		c1, c2 := e.browser(), e.browser()
		e.login(c1, "c1@meppel.nl", pw)
		e.login(c2, "c2@meppel.nl", pw)
		if code, _, _ := postForm(t, c1, base+"/wijkbudget/"+id+"/papier", url.Values{"papier_project": {ids["Moestuin"], ids["Bankjes"]}}); code != 303 {
			t.Fatalf("paper entry: %d", code)
		}
		_, page1 := get(t, c1, base+"/wijkbudget/"+id)
		if !strings.Contains(page1, "U voerde dit in") {
			t.Fatal("c1 is offered to confirm their own entry")
		}
		paper := regexp.MustCompile(`action="/wijkbudget/` + regexp.QuoteMeta(id) + `/papier/([^"]+)"`).FindStringSubmatch(page1)
		if paper == nil {
			t.Fatal("no pending paper ballot")
		}
		if code, _, _ := postForm(t, c1, base+"/wijkbudget/"+id+"/papier/"+paper[1], url.Values{"besluit": {"bevestigen"}}); code != 403 {
			t.Fatalf("own confirmation: %d", code)
		}
		if code, _, _ := postForm(t, c2, base+"/wijkbudget/"+id+"/papier/"+paper[1], url.Values{"besluit": {"bevestigen"}}); code != 303 {
			t.Fatalf("confirmation: %d", code)
		}
		// Close and publish; the result is public with the counts.
		if code, _, _ := postForm(t, beleid, base+"/wijkbudget/"+id+"/fase", url.Values{"fase": {"uitslag"}}); code != 303 {
			t.Fatalf("close: %d", code)
		}
		if code, _, _ := postForm(t, resident, voteURL+"/stem", url.Values{"project": {ids["Bankjes"]}}); code != 409 {
			t.Fatalf("vote after closing: %d", code)
		}
		if _, body := get(t, beleid, base+"/wijkbudget/"+id); !strings.Contains(body, "Telling (nog niet openbaar)") {
			t.Fatal("no count for the manager")
		}
		if code, body := get(t, e.browser(), voteURL); code != 200 || strings.Contains(body, "Uitslag</h2>") {
			t.Fatalf("result public before publishing: %d", code)
		}
		if code, _, _ := postForm(t, beleid, base+"/wijkbudget/"+id+"/publiceren", nil); code != 303 {
			t.Fatalf("publish: %d", code)
		}
		code, body = get(t, e.browser(), voteURL)
		if code != 200 || !strings.Contains(body, "Er zijn 2 stembiljetten geteld") || !strings.Contains(body, `<a href="/wijk/WK011901/agenda/`) {
			t.Fatalf("published result: %d", code)
		}
		code, body = e.api("GET", "/api/v1/wijkbudgets/"+id, "", "")
		if code != 200 || json.Unmarshal([]byte(body), &pub) != nil || pub.Uitslag == nil {
			t.Fatalf("published over the API: %d %s", code, body)
		}
		if code, body := e.api("GET", "/api/v1/wijken/WK011901/wijkbudgets", "", ""); code != 200 || !strings.Contains(body, id) {
			t.Fatalf("list: %d %s", code, body)
		}
	})
}

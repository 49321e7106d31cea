package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/demo"
	"naober.nl/naober/internal/monitorfeed"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// On a demo gemeente with its monitor built from the store (the real
// feed), a policy advisor opens every monitor page, download and API route:
// none shows a record id, name or postcode of a resident, none links to a
// household or person, and every count in the JSON is a multiple of 5 and
// never between 1 and 9.
func TestMonitorShowsBeleidNoPerson(t *testing.T) {
	ctx := context.Background()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.SQLite(t)
	sum, err := demo.Generate(ctx, st, atlas, demo.Config{Gemeente: "GM0119", Seed: 5, Households: 300, Today: people.Today()})
	if err != nil {
		t.Fatal(err)
	}
	feed := monitorfeed.New(st, []string{"GM0119"}, 99, monitorfeed.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := feed.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if feed.Index() == nil {
		t.Fatal("no index")
	}
	var beleid, lead demo.Login
	for _, l := range sum.Logins {
		switch l.Role {
		case auth.Beleid:
			beleid = l
		case auth.Teamleider:
			lead = l
		}
	}
	// what would identify a resident
	u, err := st.UserByEmail(ctx, lead.Email)
	if err != nil {
		t.Fatal(err)
	}
	a := store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	pg, err := st.ListHouseholds(ctx, a, store.HouseholdFilter{PerPage: 500})
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]bool{}
	for _, hh := range pg.Items {
		secrets[hh.ID] = true
		secrets[people.FormatPostcode(hh.Postcode)] = true
		full, err := st.GetHousehold(ctx, a, hh.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range full.Members {
			secrets[m.Person.ID] = true
			secrets[m.Person.Name()] = true
		}
	}
	if len(secrets) < 300 {
		t.Fatalf("only %d secrets", len(secrets))
	}

	s := &Server{Store: st, Atlas: atlas, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Monitor: feed.Index}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(srv.URL+"/inloggen", url.Values{"email": {beleid.Email}, "wachtwoord": {beleid.Password}})
	if err != nil || res.StatusCode != 303 {
		t.Fatalf("login: %v %v", err, res)
	}
	res.Body.Close()

	var paths []string
	for _, p := range s.routes.patterns {
		method, path, _ := strings.Cut(p, " ")
		if method != "GET" || !(strings.HasPrefix(path, "/monitor") || strings.HasPrefix(path, "/api/v1/monitor")) {
			continue
		}
		path = strings.NewReplacer("{gemeente}", "GM0119", "{code}", "GM0119", "{wijk}", "WK011901").Replace(path)
		for _, q := range []string{"", "?eenheid=personen&maanden=24", "?expr=wet:jw+en+wet:wmo&niveau=buurt&vergelijk=ja&kosten=alle&wijk=WK011901"} {
			if strings.Contains(path, "{bestand}") {
				for _, f := range []string{"wijk.xlsx", "wijk.csv", "vraag.csv", "stapeling-wijken.csv", "kaart.csv"} {
					paths = append(paths, strings.Replace(path, "{bestand}", f, 1)+q)
				}
				continue
			}
			paths = append(paths, path+q)
		}
	}
	if len(paths) < 30 {
		t.Fatalf("only %d monitor paths", len(paths))
	}
	count := regexp.MustCompile(`"soort":"aantal"`)
	ok := 0
	for _, p := range paths {
		res, err := c.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
		if res.StatusCode == 200 || res.StatusCode == 303 {
			ok++
		}
		text := string(body)
		for sec := range secrets {
			if strings.Contains(text, sec) {
				t.Errorf("%s shows %q", p, sec)
				break
			}
		}
		if strings.Contains(text, `href="/huishoudens/`) || strings.Contains(text, `href="/personen/`) {
			t.Errorf("%s links to a household or person", p)
		}
		if strings.HasPrefix(p, "/api/") && count.MatchString(text) {
			checkJSONCounts(t, p, body)
		}
	}
	if ok < len(paths)*2/3 {
		t.Errorf("only %d of %d monitor requests answered", ok, len(paths))
	}
}

// checkJSONCounts checks every published count of an API answer.
func checkJSONCounts(t *testing.T, p string, body []byte) {
	t.Helper()
	// "waarden" follow "kolommen"; a simple scan of numbers in count columns
	type val struct {
		Waarde *float64 `json:"waarde"`
	}
	var one struct {
		Kolommen []struct{ Soort string } `json:"kolommen"`
		Rijen    []struct {
			Waarden []val `json:"waarden"`
		} `json:"rijen"`
	}
	if err := jsonUnmarshal(body, &one); err != nil {
		return // a list of tables: covered by the single-table routes
	}
	for _, r := range one.Rijen {
		for i, v := range r.Waarden {
			if v.Waarde == nil || one.Kolommen[i].Soort != "aantal" {
				continue
			}
			n := int64(*v.Waarde)
			if n%5 != 0 || (n > 0 && n < 10) {
				t.Errorf("%s: count %s", p, strconv.FormatInt(n, 10))
			}
		}
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

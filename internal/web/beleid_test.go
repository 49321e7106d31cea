package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/demo"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// On a demo gemeente full of case work, a policy advisor (beleid) and a
// regisseur of another gemeente try every page and every GET of the API
// with real record ids: none of them shows a single household, person,
// signal, plan, assessment, provision or spend.
func TestNoPersonalDataForBeleidOrOtherGemeente(t *testing.T) {
	ctx := context.Background()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.SQLite(t)
	sum, err := demo.Generate(ctx, st, atlas, demo.Config{Gemeente: "GM0119", Seed: 3, Households: 120, Today: people.Today()})
	if err != nil {
		t.Fatal(err)
	}
	pwd := map[auth.Role]demo.Login{}
	for _, l := range sum.Logins {
		if _, ok := pwd[l.Role]; !ok {
			pwd[l.Role] = l
		}
	}
	// A regisseur of another gemeente on the same instance.
	if err := st.EnsureTenant(ctx, "GM0200", "Apeldoorn"); err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword("apeldoorn-wachtwoord")
	if err := st.CreateUser(ctx, &store.User{Email: "r@apeldoorn.nl", PasswordHash: hash, Grants: []auth.Grant{{Gemeente: "GM0200", Role: auth.Regisseur}}}); err != nil {
		t.Fatal(err)
	}

	s := &Server{Store: st, Atlas: atlas, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// Real ids of every kind, read as the demo regisseur.
	u, err := st.UserByEmail(ctx, pwd[auth.Teamleider].Email)
	if err != nil {
		t.Fatal(err)
	}
	a := store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	ids := map[string]string{}
	pg, err := st.ListHouseholds(ctx, a, store.HouseholdFilter{PerPage: 200})
	if err != nil {
		t.Fatal(err)
	}
	// Everything that would identify a Meppel resident: record ids, names, postcodes.
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
	for _, hh := range pg.Items {
		plan, ok, err := st.CurrentPlan(ctx, a, hh.ID)
		if err != nil {
			t.Fatal(err)
		}
		provs, _ := st.ProvisionsForHousehold(ctx, a, hh.ID)
		spends, _ := st.SpendsForHousehold(ctx, a, hh.ID)
		if !ok || len(plan.Goals) == 0 || len(plan.Goals[0].Actions) == 0 || len(provs) == 0 || len(spends) == 0 {
			continue
		}
		full, err := st.GetHousehold(ctx, a, hh.ID)
		if err != nil || len(full.Members) == 0 {
			continue
		}
		ids["household"], ids["person"], ids["member"] = hh.ID, full.Members[0].Person.ID, full.Members[0].ID
		ids["goal"], ids["action"], ids["versie"] = plan.Goals[0].ID, plan.Goals[0].Actions[0].ID, "1"
		ids["provision"], ids["spend"] = provs[0].ID, spends[0].ID
		break
	}
	if ids["household"] == "" {
		t.Fatal("the demo has no household with a plan, a provision and a spend")
	}
	sigs, err := st.SignalInbox(ctx, a, store.SignalFilter{})
	if err != nil || len(sigs) == 0 {
		t.Fatalf("no signals in the demo: %v", err)
	}
	ids["signal"] = sigs[0].ID
	for _, sg := range sigs {
		secrets[sg.ID] = true
	}
	for _, k := range []string{"provision", "spend", "goal", "action"} {
		secrets[ids[k]] = true
	}

	fill := func(path string) string {
		kind := "household"
		switch {
		case strings.HasPrefix(path, "/api/v1/persons/"), strings.HasPrefix(path, "/personen/"):
			kind = "person"
		case strings.HasPrefix(path, "/api/v1/signals/"), strings.HasPrefix(path, "/signalen/"):
			kind = "signal"
		case strings.HasPrefix(path, "/api/v1/provisions/"), strings.HasPrefix(path, "/voorzieningen/"):
			kind = "provision"
		case strings.HasPrefix(path, "/api/v1/spends/"), strings.HasPrefix(path, "/bestedingen/"):
			kind = "spend"
		}
		return strings.NewReplacer("{id}", ids[kind], "{goal}", ids["goal"], "{action}", ids["action"], "{member}", ids["member"],
			"{versie}", ids["versie"], "{code}", "GM0119", "{gemeente}", "GM0119", "{wijk}", "WK011901").Replace(path)
	}
	login := func(email, password string) *http.Client {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.PostForm(srv.URL+"/inloggen", url.Values{"email": {email}, "wachtwoord": {password}})
		if err != nil || res.StatusCode != 303 {
			t.Fatalf("login %s: %v %v", email, err, res)
		}
		res.Body.Close()
		return c
	}
	// Pages and API routes that are no personal data for anyone who may call them.
	harmless := map[string]bool{"/": true, "/inloggen": true, "/gebieden": true, "/gebieden/{gemeente}": true, "/gebieden/{gemeente}/{wijk}": true,
		"/api/v1/gemeenten": true, "/api/v1/gemeenten/{code}/wijken": true, "/api/v1/me": true, "/api/v1/openapi.json": true,
		"/signalen/nieuw": true, "/signalen/mijn": true, "/api/v1/signals/mine": true, "/healthz": true, "/readyz": true}
	var personal []string
	for _, p := range s.routes.patterns {
		method, path, ok := strings.Cut(p, " ")
		if !ok || method != "GET" || harmless[path] || strings.HasPrefix(path, "/static/") {
			continue
		}
		personal = append(personal, path)
	}
	if len(personal) < 40 {
		t.Fatalf("only %d routes to try", len(personal))
	}
	// A verified resident of a Meppel wijk (issue 6) is no professional either.
	// Their own address (on /mijn) may share a postcode with a household.
	if len(sum.Residents) == 0 {
		t.Fatal("the demo has no residents")
	}
	res0, err := st.ResidentByUserID(ctx, sum.Residents[0].UserID)
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct{ email, password, own string }{{pwd[auth.Beleid].Email, pwd[auth.Beleid].Password, ""}, {"r@apeldoorn.nl", "apeldoorn-wachtwoord", ""},
		{sum.Residents[0].Email, sum.ResidentPassword, people.FormatPostcode(res0.Postcode)}} {
		c := login(who.email, who.password)
		for _, path := range personal {
			res, err := c.Get(srv.URL + fill(path))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			for sec := range secrets {
				if sec != who.own && strings.Contains(string(body), sec) {
					t.Errorf("%s: %s (%d) shows %q", who.email, fill(path), res.StatusCode, sec)
					break
				}
			}
		}
	}
}

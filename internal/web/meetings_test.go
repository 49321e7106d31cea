package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/ical"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// mailKinds lists the kinds of mail queued for a user, oldest first, read
// as beheer of Meppel through the outbox.
func mailKinds(t *testing.T, st *store.Store, userID string) []string {
	t.Helper()
	u, err := st.UserByEmail(ctx, "beheer@meppel.nl")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := st.Outbox(ctx, store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].UserID == userID {
			out = append(out, ms[i].Kind)
		}
	}
	return out
}

var meetingLoc = regexp.MustCompile(`^/bijeenkomsten/([A-Za-z0-9_-]+)\?opgeslagen=1$`)

func TestMeetingsThroughTheWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		base := e.srv.URL
		for _, c := range []struct{ email, wijk string }{{"coord@meppel.nl", "WK011901"}, {"coord2@meppel.nl", "WK011902"}} {
			e.user(c.email, auth.Grant{Gemeente: "GM0119", Role: auth.Wijkcoordinator})
			u, _ := st.UserByEmail(ctx, c.email)
			if err := st.SetCoordinatorWijken(ctx, u.ID, "GM0119", []string{c.wijk}); err != nil {
				t.Fatal(err)
			}
		}
		coord := e.browser()
		e.login(coord, "coord@meppel.nl", pw)
		if code, body := get(t, coord, base+"/bijeenkomsten/nieuw?wijk=WK011901"); code != 200 || !strings.Contains(body, `name="datum"`) {
			t.Fatalf("form: %d", code)
		}
		day := time.Now().AddDate(0, 0, 10).Format("02-01-2006")
		form := url.Values{"soort": {"wijk"}, "wijk": {"WK011901"}, "titel": {"Wijkavond, over het park; en meer"}, "datum": {"31-02-2026"},
			"begin": {"19:30"}, "einde": {"19:00"}, "link": {"http://onveilig.example"}, "agenda": {"1. Opening\n2. Het park\n\n3. Rondvraag"}, "capaciteit": {"nul"}}
		// Mistakes are named per field and the input is kept.
		code, _, body := postForm(t, coord, base+"/bijeenkomsten", form)
		if code != 422 {
			t.Fatalf("bad form: %d", code)
		}
		for _, f := range []string{"#datum", "#capaciteit", "#link"} {
			if !strings.Contains(body, `href="`+f+`"`) {
				t.Errorf("no error for %s", f)
			}
		}
		if !strings.Contains(body, "Wijkavond, over het park; en meer") {
			t.Error("input lost")
		}
		form.Set("datum", day)
		form.Set("einde", "21:00")
		form.Set("link", "")
		form.Set("plaats", "Buurthuis De Schakel, Hoofdstraat 1")
		form.Set("capaciteit", "1")
		code, loc, _ := postForm(t, coord, base+"/bijeenkomsten", form)
		mm := meetingLoc.FindStringSubmatch(loc)
		if code != 303 || mm == nil {
			t.Fatalf("create: %d %s", code, loc)
		}
		id := mm[1]
		// The coordinator of another wijk may not change or see it.
		coord2 := e.browser()
		e.login(coord2, "coord2@meppel.nl", pw)
		if code, _ := get(t, coord2, base+"/bijeenkomsten/"+id+"/deelnemers"); code != 403 {
			t.Fatalf("other wijk's coordinator reads attendees: %d", code)
		}
		if code, _, _ := postForm(t, coord2, base+"/bijeenkomsten/"+id+"/afgelasten", url.Values{"reden": {"Zomaar"}}); code != 403 {
			t.Fatalf("other wijk's coordinator cancels: %d", code)
		}

		// The wijk page lists it, without login; the page has the agenda.
		anon := e.browser()
		if code, body := get(t, anon, base+"/wijk/WK011901"); code != 200 || !strings.Contains(body, "/bijeenkomsten/"+id) || !strings.Contains(body, "Nog 1 van de 1 plaatsen vrij") {
			t.Fatalf("wijk page: %d", code)
		}
		code, body = get(t, anon, base+"/bijeenkomsten/"+id)
		if code != 200 || !strings.Contains(body, "<li>Het park</li>") || !strings.Contains(body, "Log in") {
			t.Fatalf("meeting page: %d", code)
		}
		// A resident registers with a plain form post (no JavaScript).
		res1, p1 := e.residentBrowser("WK011901", "Anna Jansen")
		if code, loc, _ := postForm(t, res1, base+"/bijeenkomsten/"+id+"/aanmelden", nil); code != 303 || !strings.Contains(loc, "aangemeld=1") {
			t.Fatalf("register: %d %s", code, loc)
		}
		if _, body := get(t, res1, base+"/bijeenkomsten/"+id+"?aangemeld=1"); !strings.Contains(body, "U bent aangemeld") {
			t.Fatal("no confirmation")
		}
		// The next one waits.
		res2, p2 := e.residentBrowser("WK011901", "Bram de Wit")
		postForm(t, res2, base+"/bijeenkomsten/"+id+"/aanmelden", nil)
		if _, body := get(t, res2, base+"/bijeenkomsten/"+id); !strings.Contains(body, "op de wachtlijst, op plek 1") {
			t.Fatal("waiting list not shown")
		}
		// Residents never see the attendee list; the organiser does, names only.
		if code, body := get(t, res1, base+"/bijeenkomsten/"+id+"/deelnemers"); code != 403 || strings.Contains(body, "Bram de Wit") {
			t.Fatalf("resident reads attendees: %d", code)
		}
		code, body = get(t, coord, base+"/bijeenkomsten/"+id+"/deelnemers")
		if code != 200 || !strings.Contains(body, "Anna Jansen") || !strings.Contains(body, "Wachtlijst, plek 1") || strings.Contains(body, p1.Email) {
			t.Fatalf("attendees: %d", code)
		}
		// Anna cancels: Bram moves up.
		if code, _, _ := postForm(t, res1, base+"/bijeenkomsten/"+id+"/afmelden", nil); code != 303 {
			t.Fatalf("cancel: %d", code)
		}
		if _, body := get(t, res2, base+"/bijeenkomsten/"+id); !strings.Contains(body, "U bent aangemeld") {
			t.Fatal("not moved up")
		}
		if k := mailKinds(t, st, p2.UserID); len(k) != 1 || k[0] != "bijeenkomst-plaats" {
			t.Fatalf("moved-up mail: %v", k)
		}

		// iCalendar: the wijk feed and the single event parse back.
		for _, u := range []string{"/wijk/WK011901/bijeenkomsten.ics", "/bijeenkomsten/" + id + ".ics"} {
			res, err := anon.Get(base + u)
			if err != nil {
				t.Fatal(err)
			}
			_, evs, err := ical.Parse(res.Body)
			res.Body.Close()
			if err != nil || res.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
				t.Fatalf("%s: %v %s", u, err, res.Header.Get("Content-Type"))
			}
			if len(evs) != 1 || evs[0]["SUMMARY"] != "Wijkavond, over het park; en meer" || !strings.HasSuffix(evs[0]["DTSTART"], "Z") ||
				!strings.Contains(evs[0]["DESCRIPTION"], "2. Het park") || evs[0]["UID"] != "bijeenkomst-"+id+"@naober" {
				t.Fatalf("%s: %v", u, evs)
			}
		}
		// The same list as JSON, without names.
		if code, body := get(t, anon, base+"/api/v1/wijken/WK011901/bijeenkomsten"); code != 200 || !strings.Contains(body, `"id":"`+id+`"`) ||
			!strings.Contains(body, `"aangemeld":1`) || strings.Contains(body, "Bram") {
			t.Fatalf("api: %d %s", code, body)
		}
		// The personal feed: a link shown once, that works without a session.
		code, _, body = postForm(t, res2, base+"/bijeenkomsten/agendalink", nil)
		link := regexp.MustCompile(`value="(https?://[^"]+/bijeenkomsten-agenda/[^"]+\.ics)"`).FindStringSubmatch(body)
		if code != 200 || link == nil {
			t.Fatalf("feed link: %d", code)
		}
		res, err := anon.Get(link[1])
		if err != nil {
			t.Fatal(err)
		}
		_, evs, err := ical.Parse(res.Body)
		res.Body.Close()
		if err != nil || len(evs) != 1 || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("personal feed: %v %v", err, evs)
		}
		if code, _ := get(t, anon, base+"/bijeenkomsten-agenda/verkeerd.ics"); code != 404 {
			t.Fatalf("unknown feed: %d", code)
		}

		// Cancelling needs a reason (named), then tells Bram.
		code, _, body = postForm(t, coord, base+"/bijeenkomsten/"+id+"/afgelasten", url.Values{"reden": {""}})
		if code != 422 || !strings.Contains(body, `href="#reden"`) {
			t.Fatalf("cancel without reason: %d", code)
		}
		if code, _, _ := postForm(t, coord, base+"/bijeenkomsten/"+id+"/afgelasten", url.Values{"reden": {"De zaal is dicht."}}); code != 303 {
			t.Fatalf("cancel: %d", code)
		}
		if k := mailKinds(t, st, p2.UserID); len(k) != 2 || k[1] != "bijeenkomst-afgelast" {
			t.Fatalf("cancel mail: %v", k)
		}

		// A network meeting: beleid plans it; residents do not see it; a
		// regisseur of another gemeente registers.
		beleid := e.browser()
		e.login(beleid, "beleid@meppel.nl", pw)
		code, loc, body = postForm(t, beleid, base+"/bijeenkomsten", url.Values{"soort": {"netwerk"}, "gemeente": {"GM0119"}, "titel": {"Netwerkcafé"},
			"datum": {day}, "begin": {"15:00"}, "einde": {"17:00"}, "link": {"https://meet.example/cafe"}})
		mm = meetingLoc.FindStringSubmatch(loc)
		if code != 303 || mm == nil {
			t.Fatalf("network meeting: %d %s", code, body)
		}
		nw := mm[1]
		if code, _ := get(t, res1, base+"/bijeenkomsten/"+nw); code != 404 {
			t.Fatalf("resident sees a network meeting: %d", code)
		}
		apeldoorn := e.browser()
		e.login(apeldoorn, "regisseur@apeldoorn.nl", pw)
		if code, body := get(t, apeldoorn, base+"/bijeenkomsten"); code != 200 || !strings.Contains(body, "/bijeenkomsten/"+nw) {
			t.Fatalf("network list: %d", code)
		}
		if code, _, _ := postForm(t, apeldoorn, base+"/bijeenkomsten/"+nw+"/aanmelden", nil); code != 303 {
			t.Fatalf("register for network meeting: %d", code)
		}
		if code, _ := get(t, apeldoorn, base+"/bijeenkomsten/"+nw+"/deelnemers"); code != 403 {
			t.Fatalf("another gemeente reads attendees: %d", code)
		}
		if code, _ := get(t, anon, base+"/bijeenkomsten"); code != http.StatusUnauthorized && code != http.StatusSeeOther {
			t.Fatalf("list without login: %d", code)
		}
	})
}

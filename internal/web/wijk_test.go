package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// post sends a form and returns status, Location and body.
func post(t *testing.T, c *http.Client, u string, v url.Values) (int, string, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b := new(strings.Builder)
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, res.Header.Get("Location"), b.String()
}

// residentBrowser logs a fresh verified resident of the wijk in.
func (e *env) residentBrowser(wijk, name string) (*http.Client, *auth.Principal) {
	e.t.Helper()
	p := storetest.Resident(e.t, e.st, wijk, name)
	c := e.browser()
	if res := e.login(c, p.Email, storetest.ResidentPassword); res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("resident login: %d", res.StatusCode)
	}
	return c, p
}

var wishLink = regexp.MustCompile(`/wijk/WK011901/wensen/([A-Za-z0-9_-]+)\?klaar=geplaatst`)

func TestWijkPageWishesAndModeration(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	anon := e.browser()

	// Public, without login: the wijk page and the index.
	code, body := get(t, anon, e.srv.URL+"/wijk/WK011901")
	if code != 200 || !strings.Contains(body, "Watertoren") || !strings.Contains(body, "<svg") || !strings.Contains(body, "Wijkbudget: stemmen") ||
		!strings.Contains(body, "Er zijn nog geen open wensen") || !strings.Contains(body, "Log in") {
		t.Fatalf("public wijk page: %d", code)
	}
	if code, body := get(t, anon, e.srv.URL+"/wijk?q=watertor"); code != 200 || !strings.Contains(body, `href="/wijk/WK011901"`) {
		t.Fatalf("wijk search: %d", code)
	}
	if code, _ := get(t, anon, e.srv.URL+"/wijk/WK999999"); code != 404 {
		t.Fatalf("unknown wijk: %d", code)
	}

	anna, _ := e.residentBrowser("WK011901", "Anna")
	bram, _ := e.residentBrowser("WK011901", "Bram")
	cees, _ := e.residentBrowser("WK011902", "Cees")

	// Field errors are shown on the form, nothing is saved.
	code, _, body = post(t, anna, e.srv.URL+"/wijk/WK011901/wensen", url.Values{"titel": {"Ja"}, "tekst": {""}, "categorie": {"politiek"}})
	if code != 422 || !strings.Contains(body, "De titel is te kort") || !strings.Contains(body, "Kies een onderwerp") {
		t.Fatalf("invalid wish: %d", code)
	}
	code, _, body = post(t, anna, e.srv.URL+"/wijk/WK011901/wensen", url.Values{"titel": {"Bankjes bij de vijver"}, "tekst": {"Graag een paar bankjes, dan kunnen ouderen even rusten."}, "categorie": {"groen"}, "lat": {"52.37"}, "lon": {"4.89"}})
	if code != 422 || !strings.Contains(body, "ligt niet in uw wijk") {
		t.Fatalf("point outside the wijk: %d", code)
	}
	code, loc, _ := post(t, anna, e.srv.URL+"/wijk/WK011901/wensen", url.Values{"titel": {"Bankjes bij de vijver"}, "tekst": {"Graag een paar bankjes, dan kunnen ouderen even rusten."}, "categorie": {"groen"}})
	m := wishLink.FindStringSubmatch(loc)
	if code != 303 || m == nil {
		t.Fatalf("post wish: %d %q", code, loc)
	}
	id := m[1]
	wishURL := e.srv.URL + "/wijk/WK011901/wensen/" + id

	// A resident of another wijk cannot post or support here.
	if code, _, _ := post(t, cees, e.srv.URL+"/wijk/WK011901/wensen", url.Values{"titel": {"Andere wijk"}, "tekst": {"Ik woon hier niet, maar wil toch iets."}, "categorie": {"overig"}}); code != 403 {
		t.Fatalf("other wijk posted: %d", code)
	}
	if code, _, _ := post(t, cees, wishURL+"/steunen", nil); code != 403 {
		t.Fatalf("other wijk supported: %d", code)
	}
	// Anonymous posts are sent to log in (HTML) or refused.
	if code, _, _ := post(t, anon, wishURL+"/steunen", nil); code != 401 {
		t.Fatalf("anonymous support: %d", code)
	}

	// Supporting twice is one support.
	for i := 0; i < 2; i++ {
		if code, loc, _ := post(t, bram, wishURL+"/steunen", url.Values{"terug": {"wijk"}}); code != 303 || !strings.HasPrefix(loc, "/wijk/WK011901?klaar=gesteund") {
			t.Fatalf("support: %d %q", code, loc)
		}
	}
	code, body = get(t, anon, e.srv.URL+"/wijk/WK011901")
	if code != 200 || !strings.Contains(body, "Bankjes bij de vijver") || !strings.Contains(body, "<strong>1</strong> bewoner steunt") {
		t.Fatalf("wijk page after support: %d", code)
	}
	if _, body := get(t, bram, e.srv.URL+"/wijk/WK011901"); !strings.Contains(body, "Steun intrekken") {
		t.Fatal("the supporter does not see they support the wish")
	}
	if code, _, _ := post(t, bram, wishURL+"/volgen", nil); code != 303 {
		t.Fatalf("follow: %d", code)
	}
	code, _, body = post(t, bram, wishURL+"/melden", url.Values{"reden": {""}})
	if code != 422 || !strings.Contains(body, "Geef een reden") {
		t.Fatalf("report without reason: %d", code)
	}
	if code, _, _ := post(t, bram, wishURL+"/melden", url.Values{"reden": {"Dit is reclame voor een bedrijf"}}); code != 303 {
		t.Fatalf("report: %d", code)
	}

	// The coordinator of this wijk answers and hides; residents and
	// coordinators of other wijken may not.
	u := &store.User{Email: "coordinator@meppel.nl", PasswordHash: e.hash, Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Wijkcoordinator}}}
	if err := e.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetCoordinatorWijken(ctx, u.ID, "GM0119", []string{"WK011901"}); err != nil {
		t.Fatal(err)
	}
	coord := e.browser()
	e.login(coord, "coordinator@meppel.nl", pw)
	if code, _, _ := post(t, anna, wishURL+"/verbergen", url.Values{"verbergreden": {"Ik wil het niet meer"}}); code != 403 {
		t.Fatalf("resident hid a wish: %d", code)
	}
	code, body = get(t, coord, e.srv.URL+"/wijk/WK011901/beheer")
	if code != 200 || !strings.Contains(body, "Dit is reclame voor een bedrijf") || !strings.Contains(body, "Bankjes bij de vijver") {
		t.Fatalf("moderation page: %d", code)
	}
	if code, _ := get(t, anna, e.srv.URL+"/wijk/WK011901/beheer"); code != 403 {
		t.Fatalf("resident on the moderation page: %d", code)
	}
	code, _, body = post(t, coord, wishURL+"/antwoord", url.Values{"status": {"niet_haalbaar"}, "antwoord": {""}})
	if code != 422 || !strings.Contains(body, "hoort een uitleg") {
		t.Fatalf("niet haalbaar without reason: %d", code)
	}
	if code, _, _ := post(t, coord, wishURL+"/antwoord", url.Values{"status": {"in_behandeling"}, "antwoord": {"We zoeken een goede plek."}}); code != 303 {
		t.Fatalf("answer: %d", code)
	}
	code, body = get(t, anon, wishURL)
	if code != 200 || !strings.Contains(body, "Antwoord: In behandeling") || !strings.Contains(body, "We zoeken een goede plek.") || strings.Contains(body, "Dit is reclame") {
		t.Fatalf("public wish page: %d", code)
	}

	// An agenda item from the wish, with a milestone.
	code, loc, _ = post(t, coord, e.srv.URL+"/wijk/WK011901/agenda", url.Values{"titel": {"Bankjes bij de vijver"}, "eigenaar": {"Team openbare ruimte"}, "status": {"gepland"},
		"herkomst": {"wens"}, "wens": {id}, "budget": {"2.500"}, "mijlpalen": {"Plek kiezen\nBankjes plaatsen"}})
	if code != 303 || !strings.Contains(loc, "/wijk/WK011901/agenda/") {
		t.Fatalf("agenda item: %d %q", code, loc)
	}
	code, body = get(t, anon, e.srv.URL+strings.Split(loc, "?")[0])
	if code != 200 || !strings.Contains(body, "€ 2.500,00") || !strings.Contains(body, "Plek kiezen") || !strings.Contains(body, "Team openbare ruimte") {
		t.Fatalf("agenda page: %d", code)
	}
	if _, body := get(t, anon, wishURL); !strings.Contains(body, "Op de agenda") {
		t.Fatal("the wish does not show it is on the agenda")
	}

	code, _, _ = post(t, coord, wishURL+"/verbergen", url.Values{"verbergreden": {"Reclame voor een bedrijf"}})
	if code != 303 {
		t.Fatalf("hide: %d", code)
	}
	code, body = get(t, anon, wishURL)
	if code != 200 || !strings.Contains(body, "Verborgen wens") || strings.Contains(body, "ouderen even rusten") || !strings.Contains(body, "Reclame voor een bedrijf") {
		t.Fatalf("hidden wish page: %d", code)
	}
	if _, body := get(t, anon, e.srv.URL+"/wijk/WK011901"); strings.Contains(body, "ouderen even rusten") || strings.Contains(body, `/wensen/`+id+`"`) {
		t.Fatal("hidden wish on the wijk page")
	}
}

func TestWishPostLimitPerAddress(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	n := 0
	for i := 0; ; i++ {
		c, _ := e.residentBrowser("WK011901", "")
		for j := 0; j < 5; j++ {
			code, _, _ := post(t, c, e.srv.URL+"/wijk/WK011901/wensen", url.Values{"titel": {"Wens van de buurt"}, "tekst": {"Dit zou de wijk echt een stuk fijner maken."}, "categorie": {"ontmoeten"}})
			if code == http.StatusTooManyRequests {
				if n < participation.PostsPerHourPerAddress {
					t.Fatalf("limited after %d posts", n)
				}
				return
			}
			if code != 303 {
				t.Fatalf("post %d: %d", n, code)
			}
			n++
		}
		if n > 2*participation.PostsPerHourPerAddress {
			t.Fatal("no limit per address")
		}
	}
}

func TestWishPlaceChosenOnTheMapWithoutJavaScript(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c, _ := e.residentBrowser("WK011901", "Anna")
	res, err := c.Get(e.srv.URL + "/wijk/WK011901/kaart.svg")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("picker image: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	atlas, _ := area.Load()
	pk, _ := atlas.Picker("WK011901", 320)
	// Find a pixel inside the wijk, as a resident would click it.
	px, py := -1, -1
	for y := 10; y < pk.Height && px < 0; y += 10 {
		for x := 10; x < pk.Width; x += 10 {
			if lat, lon := pk.Point(float64(x), float64(y)); atlas.Contains("WK011901", lat, lon) {
				px, py = x, y
				break
			}
		}
	}
	form := url.Values{"titel": {"Bankjes bij de vijver"}, "tekst": {"Graag een paar bankjes, dan kunnen ouderen even rusten."}, "categorie": {"groen"},
		"kaart.x": {strconv.Itoa(px)}, "kaart.y": {strconv.Itoa(py)}}
	code, _, body := post(t, c, e.srv.URL+"/wijk/WK011901/wensen", form)
	m := regexp.MustCompile(`name="lat" size="12" inputmode="decimal" value="([0-9.]+)"`).FindStringSubmatch(body)
	if code != 200 || m == nil || !strings.Contains(body, "rode stip") || !strings.Contains(body, "kaart.svg?lat=") {
		t.Fatalf("map click: %d", code)
	}
	// A click outside the wijk is refused.
	form.Set("kaart.x", "1")
	form.Set("kaart.y", "1")
	if code, _, body := post(t, c, e.srv.URL+"/wijk/WK011901/wensen", form); code != 422 || !strings.Contains(body, "ligt niet in") {
		t.Fatalf("click outside: %d", code)
	}
	// Enter in a field sends 0,0 for the image: that places the wish.
	lon := regexp.MustCompile(`name="lon" size="12" inputmode="decimal" value="([0-9.]+)"`).FindStringSubmatch(body)
	form.Set("kaart.x", "0")
	form.Set("kaart.y", "0")
	form.Set("lat", m[1])
	form.Set("lon", lon[1])
	if code, loc, _ := post(t, c, e.srv.URL+"/wijk/WK011901/wensen", form); code != 303 || !strings.Contains(loc, "klaar=geplaatst") {
		t.Fatalf("post with the place: %d %s", code, loc)
	}
	if _, body := get(t, c, e.srv.URL+"/wijk/WK011901"); !strings.Contains(body, `class="marker"`) || !strings.Contains(body, "plek 1 op de kaart") {
		t.Fatal("the wish's place is not on the wijk map")
	}
}

func TestGemeenteSetsAnswerStatuses(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	beheer := e.browser()
	e.login(beheer, "beheer@meppel.nl", pw)
	code, body := get(t, beheer, e.srv.URL+"/beheer/wensstatussen")
	if code != 200 || !strings.Contains(body, "Niet haalbaar (uitleg) (afgesloten)") {
		t.Fatalf("statuses page: %d", code)
	}
	if code, _, body := post(t, beheer, e.srv.URL+"/beheer/wensstatussen", url.Values{"gemeente": {"GM0119"}, "statussen": {"Klaar (afgesloten)\nNieuw"}}); code != 422 || !strings.Contains(body, "eerste status") {
		t.Fatalf("closed first status: %d", code)
	}
	if code, _, _ := post(t, beheer, e.srv.URL+"/beheer/wensstatussen", url.Values{"gemeente": {"GM0200"}, "statussen": {"Nieuw"}}); code != 403 {
		t.Fatalf("other gemeente: %d", code)
	}
	if code, _, _ := post(t, beheer, e.srv.URL+"/beheer/wensstatussen", url.Values{"gemeente": {"GM0119"}, "statussen": {"Nieuw\nDoorgestuurd naar de corporatie\nAfgewezen (uitleg) (afgesloten)"}}); code != 303 {
		t.Fatalf("save: %d", code)
	}
	regisseur := e.browser()
	e.login(regisseur, "regisseur@meppel.nl", pw)
	if code, _ := get(t, regisseur, e.srv.URL+"/beheer/wensstatussen"); code != 403 {
		t.Fatalf("regisseur: %d", code)
	}
	anna, _ := e.residentBrowser("WK011901", "Anna")
	_, loc, _ := post(t, anna, e.srv.URL+"/wijk/WK011901/wensen", url.Values{"titel": {"Bankjes bij de vijver"}, "tekst": {"Graag een paar bankjes, dan kunnen ouderen even rusten."}, "categorie": {"groen"}})
	if _, body := get(t, anna, e.srv.URL+strings.Split(loc, "?")[0]); !strings.Contains(body, `<span class="tag">Nieuw</span>`) {
		t.Fatal("a new wish did not get the gemeente's first status")
	}
}

func TestWijkAPI(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	p := storetest.Resident(t, e.st, "WK011901", "Anna")
	w := participation.Wish{Wijk: "WK011901", Title: "Bankjes bij de vijver", Text: "Graag een paar bankjes, dan kunnen ouderen even rusten.", Category: "groen"}
	if err := e.st.CreateWish(ctx, p, &w, nil); err != nil {
		t.Fatal(err)
	}
	code, body := e.api("GET", "/api/v1/wijken/WK011901/wensen", "", "")
	var wishes []struct {
		ID, Titel, Status, Door string
		Steun                   int
	}
	if code != 200 || json.Unmarshal([]byte(body), &wishes) != nil || len(wishes) != 1 || wishes[0].ID != w.ID || wishes[0].Status != "Ontvangen" || wishes[0].Door != "Anna" {
		t.Fatalf("wishes: %d %s", code, body)
	}
	if code, body := e.api("GET", "/api/v1/wijken/WK011901/agenda", "", ""); code != 200 || strings.TrimSpace(body) != "[]" {
		t.Fatalf("agenda: %d %s", code, body)
	}
	if code, body := e.api("GET", "/api/v1/wijken/WK999999/wensen", "", ""); code != 404 || !strings.Contains(body, "fout") {
		t.Fatalf("unknown wijk: %d %s", code, body)
	}
}

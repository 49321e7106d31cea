package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A demo resident, on a phone-sized screen, finds the coming wijkavond on
// their wijk page, reads its agenda, registers and sees it confirmed, then
// finds it under their own meetings; every page passes axe, with and
// without JavaScript, and nothing is wider than the screen.
func TestResidentRegistersForAMeetingOnAPhone(t *testing.T) {
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
			if !strings.Contains(b.text("#bijeenkomsten-titel + *"), "Wijkavond") {
				t.Fatalf("the wijk page shows no coming meeting: %s", b.text("main"))
			}
			b.fitsScreen()
			b.submit(`main a[href^="/bijeenkomsten/"]`)
			if h1 := b.text("h1"); !strings.HasPrefix(h1, "Wijkavond") {
				t.Fatalf("meeting page: %q", h1)
			}
			main := b.text("main")
			for _, want := range []string{"Agenda", "Welkom en voorstelronde", "plaatsen", "vrij"} {
				if !strings.Contains(main, want) {
					t.Fatalf("the meeting page lacks %q: %s", want, main)
				}
			}
			b.fitsScreen()
			b.submit(`form[action$="/aanmelden"] button[type=submit]`)
			if main := b.text("main"); !strings.Contains(main, "U bent aangemeld") {
				t.Fatalf("not confirmed: %s", main)
			}
			if b.text(`form[action$="/afmelden"] button`) == "" {
				t.Fatal("no way to cancel")
			}
			b.fitsScreen()

			// Their own meetings list it.
			b.open("/bijeenkomsten")
			if main := b.text("main"); !strings.Contains(main, "Wijkavond") || !strings.Contains(main, "Aangemeld") {
				t.Fatalf("own meetings: %s", main)
			}
			b.fitsScreen()
		})
	}
}

// The demo's wijkcoordinator, on a phone, opens the organiser's pages: the
// list of their meetings, the form (an empty one is refused with the
// fields named), the full meeting with its waiting list and attendee list,
// and a past meeting's report; beleid finds the netwerkcafé. Every page
// passes axe and fits the screen.
func TestOrganiserPagesOnAPhone(t *testing.T) {
	base, logins := demoServer(t)
	coord, ok := logins["wijkcoordinator"]
	if !ok {
		t.Fatal("the demo printed no wijkcoordinator login")
	}
	b := newBrowser(t, base, true)
	b.run(chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	b.logIn(coord)
	b.open("/bijeenkomsten")
	b.fitsScreen()
	if main := b.text("main"); !strings.Contains(main, "Bijeenkomsten die u organiseert") || !strings.Contains(main, "wachtend") {
		t.Fatalf("organiser's list: %s", main)
	}
	b.submit(`main a.button[href="/bijeenkomsten/nieuw"]`)
	b.fitsScreen()
	b.submit(`form[action="/bijeenkomsten"] button[type=submit]`)
	summary := b.text(".error-summary")
	for _, want := range []string{"titel", "datum", "begintijd", "adres"} {
		if !strings.Contains(strings.ToLower(summary), want) {
			t.Errorf("the error summary does not mention %s: %s", want, summary)
		}
	}
	b.fitsScreen()

	// The full meeting: its attendee list has a waiting list.
	b.open("/bijeenkomsten")
	var href string
	b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('#organiseren + ul li')).filter(li => li.textContent.includes('wachtend')).map(li => li.querySelector('a').getAttribute('href'))[0] || ''`, &href))
	if href == "" {
		t.Fatalf("no meeting with a waiting list: %s", b.text("main"))
	}
	b.open(href)
	if !strings.Contains(b.text("main"), "Voor de organisator") {
		t.Fatalf("no organiser block: %s", b.text("main"))
	}
	b.fitsScreen()
	b.submit(`main a[href$="/deelnemers"]`)
	if main := b.text("main"); !strings.Contains(main, "Wachtlijst, plek 1") {
		t.Fatalf("attendee list: %s", main)
	}
	b.fitsScreen()

	b = newBrowser(t, base, true)
	b.run(chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	b.logIn(logins["beleid"])
	b.open("/bijeenkomsten")
	if !strings.Contains(b.text("main"), "Netwerkcafé") {
		t.Fatalf("beleid sees no netwerkcafé: %s", b.text("main"))
	}
	b.submit(`#netwerk ~ ul a[href^="/bijeenkomsten/"]`)
	if !strings.Contains(b.text("main"), "voor medewerkers van alle gemeenten") {
		t.Fatalf("network meeting page: %s", b.text("main"))
	}
	b.fitsScreen()
}

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

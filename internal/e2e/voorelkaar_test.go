package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A demo resident on a phone offers help in a few steps and offers it to
// a neighbour's open request; contact details appear only after both said
// yes. A volunteer the coordinator matched to a request prescribed from a
// household's plan sees a first name, never the case. The coordinator's
// page flags a request that waits too long. axe finds nothing serious, and
// it all works without JavaScript.
func TestVolunteerOffersHelpAndContactFollowsBothYeses(t *testing.T) {
	for _, js := range []bool{true, false} {
		name := "with-javascript-and-axe"
		if !js {
			name = "without-javascript"
		}
		t.Run(name, func(t *testing.T) {
			base, logins := demoServer(t)
			anja, ok := logins["bewoner"]
			if !ok || !strings.Contains(anja.email, "bewoner1@") {
				t.Fatalf("the demo printed no first resident: %+v", anja)
			}
			// The demo residents share one password; their addresses differ by number.
			kees := login{"bewoner", strings.Replace(anja.email, "bewoner1@", "bewoner3@", 1), anja.password}
			walker := login{"bewoner", strings.Replace(anja.email, "bewoner1@", "bewoner5@", 1), anja.password}

			b := newBrowser(t, base, js)
			b.run(chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
			b.logIn(anja)
			b.open("/voorelkaar")
			b.fitsScreen()
			if !strings.Contains(b.text("main"), "Boodschappen doen") {
				t.Fatalf("no open request in the resident's wijk: %s", b.text("main"))
			}
			// Offer help: a few taps.
			b.submit(`main a[href="/voorelkaar/aanbod/nieuw"]`)
			b.fitsScreen()
			b.submit(`form[action="/voorelkaar/aanbod"] button[type=submit]`)
			if !strings.Contains(b.text("main"), "Kies minstens één soort hulp") {
				t.Fatal("an empty offer was not refused with a reason")
			}
			b.run(chromedp.Click("#cat-boodschappen", chromedp.ByQuery), chromedp.Click("#dag-di", chromedp.ByQuery), chromedp.Click("#dag-do", chromedp.ByQuery),
				chromedp.Click("#deel-ochtend", chromedp.ByQuery),
				chromedp.SendKeys("#tekst", "Ik fiets elke ochtend langs de supermarkt.", chromedp.ByQuery),
				chromedp.SendKeys("#telefoon", "06-55554444", chromedp.ByQuery))
			b.submit(`form[action="/voorelkaar/aanbod"] button[type=submit]`)
			main := b.text("main")
			if !strings.Contains(main, "Dank u wel") || !strings.Contains(main, "Ik wil Kees helpen") {
				t.Fatalf("after offering: %s", main)
			}
			b.fitsScreen()
			b.submit(`form[action$="/koppelen"] button[type=submit]`)
			if !strings.Contains(b.text("main"), "De ander krijgt bericht") {
				t.Fatalf("proposal not confirmed: %s", b.text("main"))
			}
			b.open("/voorelkaar/mijn")
			main = b.text("main")
			if !strings.Contains(main, "Kees") || strings.Contains(main, kees.email) || strings.Contains(main, "06-22334455") {
				t.Fatalf("before Kees said yes: %s", main)
			}
			b.submit(`main a[href^="/voorelkaar/vragen/"]`) // the request, as the volunteer sees it
			b.fitsScreen()
			if main = b.text("main"); strings.Contains(main, kees.email) || strings.Contains(main, "06-22334455") {
				t.Fatalf("the request page before Kees said yes: %s", main)
			}

			// Kees sees Anja's first name, not her contact, until he says yes.
			k := newBrowser(t, base, js)
			k.run(chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
			k.logIn(kees)
			k.open("/voorelkaar/mijn")
			k.fitsScreen()
			main = k.text("main")
			if !strings.Contains(main, "Anja") || strings.Contains(main, anja.email) || strings.Contains(main, "06-55554444") {
				t.Fatalf("Kees before saying yes: %s", main)
			}
			k.submit(`form[action$="/antwoord"] input[value="1"] ~ button`)
			main = k.text("main")
			if !strings.Contains(main, anja.email) || !strings.Contains(main, "06-55554444") {
				t.Fatalf("Kees after both said yes: %s", main)
			}
			k.fitsScreen()
			b.open("/voorelkaar/mijn")
			if main = b.text("main"); !strings.Contains(main, kees.email) || !strings.Contains(main, "06-22334455") {
				t.Fatalf("Anja after both said yes: %s", main)
			}

			// A volunteer matched to a prescribed request: a first name, never the case.
			k.logIn(walker)
			k.open("/voorelkaar/mijn")
			main = k.text("main")
			if !strings.Contains(main, "Ria") {
				t.Fatalf("the walker has no prescribed match: %s", main)
			}
			var links []string
			k.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('main a[href^="/"]')).map(a => a.getAttribute('href'))`, &links))
			bsn := regexp.MustCompile(`\b9999\d{5}\b`)
			postcode := regexp.MustCompile(`\b[1-9]\d{3} ?[A-Z]{2}\b`)
			for _, href := range append(links, "/voorelkaar") {
				k.run(chromedp.Navigate(base + href))
				page := k.text("main")
				for _, bad := range []string{"huishouden", "Huishouden", "BSN", "regisseur", "Regisseur", "ZRM", "Plan ·", "dossier"} {
					if strings.Contains(page, bad) {
						t.Errorf("the volunteer sees %q on %s", bad, href)
					}
				}
				if bsn.MatchString(page) || postcode.MatchString(page) {
					t.Errorf("the volunteer sees a BSN or a postcode on %s", href)
				}
			}
			// The wijkteam's pages hold nothing for them either.
			for _, href := range []string{"/huishoudens", "/werklijst"} {
				k.run(chromedp.Navigate(base + href))
				if page := k.text("main"); bsn.MatchString(page) || postcode.MatchString(page) {
					t.Errorf("the volunteer reached %s: %s", href, page)
				}
			}

			// The coordinator flags a request that waits too long, on a phone.
			coord, ok := logins["wijkcoordinator"]
			if !ok {
				t.Fatal("no wijkcoordinator login")
			}
			c := newBrowser(t, base, js)
			c.run(chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
			c.logIn(coord)
			c.open("/voorelkaar/beheer")
			c.fitsScreen()
			main = c.text("main")
			if !strings.Contains(main, "Opvolgen") || !strings.Contains(main, "fysiotherapeut") || !strings.Contains(main, "voorgeschreven door het wijkteam") {
				t.Fatalf("coordination: %s", main)
			}
			c.submit(`main article a[href^="/voorelkaar/vragen/"]`)
			c.fitsScreen()

			// The regisseur prescribes from a plan action: consent is required.
			reg, ok := logins["regisseur"]
			if !ok {
				t.Fatal("no regisseur login")
			}
			c.logIn(reg)
			c.open("/werklijst")
			var households []string
			c.run(chromedp.Evaluate(`Array.from(new Set(Array.from(document.querySelectorAll('main a[href^="/huishoudens/"]')).map(a => a.getAttribute('href').split('/').slice(0, 3).join('/'))))`, &households))
			found := false
			for _, h := range households {
				c.run(chromedp.Navigate(base + h + "/plan"))
				var n int
				c.run(chromedp.Evaluate(`document.querySelectorAll('main a[href$="/voorelkaar"]').length`, &n))
				if n > 0 {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("no plan with an action among %d households of the worklist", len(households))
			}
			c.checkA11y()
			c.fitsScreen()
			c.submit(`main a[href$="/voorelkaar"]`)
			c.fitsScreen()
			c.run(chromedp.SendKeys("#voornaam", "Bep", chromedp.ByQuery), chromedp.Click("#cat-wandelen", chromedp.ByQuery),
				chromedp.Click("#dag-za", chromedp.ByQuery), chromedp.Click("#deel-middag", chromedp.ByQuery),
				chromedp.SendKeys("#tekst", "Samen een rondje lopen op zaterdag.", chromedp.ByQuery))
			c.submit(`main form button[type=submit]`)
			if !strings.Contains(c.text("main"), "Vraag het huishouden om toestemming") {
				t.Fatal("a prescription without consent was not refused")
			}
			c.run(chromedp.Click("#tm-mondeling", chromedp.ByQuery))
			c.submit(`main form button[type=submit]`)
			if main = c.text("main"); !strings.Contains(main, "Samen wandelen (Bep)") {
				t.Fatalf("the plan does not show the prescription: %s", main)
			}
			c.fitsScreen()

			// Anja offers help on behalf of her buurthuis: its name is shown, not hers.
			b.open("/voorelkaar/aanbod/nieuw")
			b.run(chromedp.Click("#cat-formulieren", chromedp.ByQuery), chromedp.Click("#dag-ma", chromedp.ByQuery), chromedp.Click("#deel-avond", chromedp.ByQuery),
				chromedp.SendKeys("#tekst", "Elke maandagavond helpen wij met formulieren.", chromedp.ByQuery),
				chromedp.SendKeys("#organisatie", "Buurthuis Het Anker", chromedp.ByQuery))
			b.submit(`form[action="/voorelkaar/aanbod"] button[type=submit]`)
			if main = b.text("main"); !strings.Contains(main, "Aanbod van Buurthuis Het Anker") {
				t.Fatalf("the offer on behalf of an organisation: %s", main)
			}
			b.fitsScreen()
			k.logIn(kees)
			k.open("/voorelkaar")
			var item string
			k.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('main li')).map(li => li.textContent).filter(s => s.includes('Buurthuis Het Anker')).join('|')`, &item))
			if item == "" || strings.Contains(item, "Anja") {
				t.Fatalf("a neighbour's list shows the organisation's offer as %q", item)
			}
		})
	}
}

package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A demo resident, on a phone-sized screen, finds the wijkfonds of their
// wijk and applies for a grant in a few steps: a mistake in an amount is
// named and the input kept, then the application is submitted and listed
// under their applications. The demo's beleid reviews it (and is not
// offered the decision), the wijkcoordinator grants it, and the resident
// sees the grant with its first APK. A visitor sees the funds before
// logging in; a second plan is kept as a concept and withdrawn. Every page passes axe, with and
// without JavaScript, and nothing is wider than the screen.
func TestResidentAppliesToTheFundOnAPhone(t *testing.T) {
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

			// Before logging in: the funds are public, and applying leads
			// to the login.
			b.open("/fondsen")
			b.fitsScreen()
			var loginHref string
			b.run(chromedp.AttributeValue(`main a.button[href^="/inloggen?terug=/fondsen/"]`, "href", &loginHref, nil, chromedp.ByQuery))
			if !strings.HasSuffix(loginHref, "/aanvragen/nieuw") || !strings.Contains(b.text("main"), "te verdelen") {
				t.Fatalf("visitor's fund list: %q %s", loginHref, b.text("main"))
			}
			b.open(strings.TrimSuffix(strings.TrimPrefix(loginHref, "/inloggen?terug="), "/aanvragen/nieuw"))
			b.fitsScreen()
			b.logIn(bewoner)

			b.open("/fondsen")
			b.fitsScreen()
			b.submit(`main a.button[href$="/aanvragen/nieuw"]`)
			if !strings.Contains(b.text("h1"), "Geld aanvragen") {
				t.Fatalf("apply form: %s", b.text("h1"))
			}
			b.fitsScreen()
			b.run(chromedp.SendKeys("#f-titel", "Samen koken in de straat", chromedp.ByQuery),
				chromedp.SendKeys("#f-wat", "Eens per maand koken en eten we samen bij een van de buren thuis.", chromedp.ByQuery),
				chromedp.SendKeys("#f-voor_wie", "Buren die alleen wonen", chromedp.ByQuery),
				chromedp.Click("#doel-eenzaamheid", chromedp.ByQuery),
				chromedp.SendKeys("#f-regel1_omschrijving", "Boodschappen voor een jaar", chromedp.ByQuery),
				chromedp.SendKeys("#f-regel1_bedrag", "1.200", chromedp.ByQuery),
				chromedp.SendKeys("#f-regel2_omschrijving", "Schorten en pannen", chromedp.ByQuery),
				chromedp.SendKeys("#f-regel2_bedrag", "veel", chromedp.ByQuery))
			b.submit(`form button[value=indienen]`)
			if !strings.Contains(b.text(".error-summary"), "Begrotingsregel 2") {
				t.Fatalf("a bad amount was not named: %s", b.text("main"))
			}
			var kept string
			b.run(chromedp.Value("#f-titel", &kept, chromedp.ByQuery))
			if kept != "Samen koken in de straat" {
				t.Fatalf("the form lost its input: %q", kept)
			}
			b.fitsScreen()
			b.run(chromedp.SetValue("#f-regel2_bedrag", "250", chromedp.ByQuery))
			b.submit(`form button[value=indienen]`)
			if h1 := b.text("h1"); h1 != "Samen koken in de straat" {
				t.Fatalf("after submitting: %q (%s)", h1, b.text("main"))
			}
			main := b.text("main")
			if !strings.Contains(main, "Uw aanvraag is ingediend") || !strings.Contains(main, "€ 1.450,00") {
				t.Fatalf("submitted application: %s", main)
			}
			b.fitsScreen()
			appPath := strings.TrimPrefix(strings.SplitN(b.url(), "?", 2)[0], base)
			b.open("/mijn/fondsaanvragen")
			if !strings.Contains(b.text("main"), "Samen koken in de straat") {
				t.Fatal("the application is not under my applications")
			}
			b.fitsScreen()

			// Four eyes: beleid reviews, and is then not offered the decision;
			// the wijkcoordinator decides; the resident sees the grant.
			logOut := func() {
				b.submit(`form[action="/uitloggen"] button`)
			}
			logOut()
			b.logIn(logins["beleid"])
			// The manager's pages: the funds, one fund's applications, and
			// each demo application (every state, the final accounts too).
			b.open("/fondsen")
			b.fitsScreen()
			var funds []string
			b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('main table a[href^="/fondsen/"]')).map(a => a.getAttribute('href'))`, &funds))
			if len(funds) != 2 {
				t.Fatalf("beleid manages %d funds, want the demo's 2", len(funds))
			}
			for _, f := range funds {
				b.open(f + "/wijzigen")
				b.fitsScreen()
				b.open(f)
				b.fitsScreen()
				var apps []string
				b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('main table a[href^="/fondsaanvragen/"]')).map(a => a.getAttribute('href'))`, &apps))
				for _, a := range apps {
					b.open(a)
					b.fitsScreen()
				}
			}
			b.open(appPath)
			if !strings.Contains(b.text("main"), "Boodschappen voor een jaar") {
				t.Fatalf("beleid's view: %s", b.text("main"))
			}
			b.fitsScreen()
			b.run(chromedp.Click("#advies-toekennen", chromedp.ByQuery),
				chromedp.SendKeys("#f-beoordeling", "Past in de criteria; brengt buren bij elkaar.", chromedp.ByQuery))
			b.submit(`form[action$="/beoordeling"] button`)
			if !strings.Contains(b.text("main"), "Een collega besluit erover") {
				t.Fatalf("after the review: %s", b.text("main"))
			}
			var decideForms int
			b.run(chromedp.Evaluate(`document.querySelectorAll('form[action$="/besluit"]').length`, &decideForms))
			if decideForms != 0 {
				t.Fatal("the reviewer is offered the decision")
			}
			logOut()
			b.logIn(logins["wijkcoordinator"])
			b.open(appPath)
			b.run(chromedp.Click("#besluit-toe", chromedp.ByQuery), chromedp.SetValue("#f-bedrag", "1.400", chromedp.ByQuery),
				chromedp.SendKeys("#f-reden", "Goed plan; de schorten betaalt u zelf.", chromedp.ByQuery))
			b.submit(`form[action$="/besluit"] button`)
			if !strings.Contains(b.text("main"), "Toegekend: € 1.400,00") {
				t.Fatalf("after the decision: %s", b.text("main"))
			}
			b.fitsScreen()
			logOut()
			b.logIn(bewoner)
			b.open(appPath)
			if main := b.text("main"); !strings.Contains(main, "Toegekend: € 1.400,00") || !strings.Contains(main, "APK 1") {
				t.Fatalf("the resident's view of the grant: %s", main)
			}
			b.fitsScreen()

			// A second plan, kept as a concept, then withdrawn with a reason.
			b.open("/fondsen")
			b.submit(`main a.button[href$="/aanvragen/nieuw"]`)
			b.run(chromedp.SendKeys("#f-titel", "Rommelmarkt", chromedp.ByQuery))
			b.submit(`form button[value=opslaan]`)
			b.fitsScreen()
			b.run(chromedp.SendKeys("#f-reden-intrekken", "De buurtvereniging doet het al.", chromedp.ByQuery))
			b.submit(`form[action$="/intrekken"] button`)
			if main := b.text("main"); !strings.Contains(main, "Uw aanvraag is ingetrokken") || !strings.Contains(main, "De buurtvereniging doet het al.") {
				t.Fatalf("after withdrawing: %s", main)
			}
			b.fitsScreen()
		})
	}
}

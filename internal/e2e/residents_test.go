package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A resident makes an account on a phone-sized screen, confirms the address
// through the link that beheer finds in the outbox (the demo has no SMTP),
// chooses a daily digest and deletes the account again. Every page passes
// axe; the flow also works without JavaScript.
func TestResidentSignsUpConfirmsAndLeaves(t *testing.T) {
	for _, js := range []bool{true, false} {
		name := "with-javascript-and-axe"
		if !js {
			name = "without-javascript"
		}
		t.Run(name, func(t *testing.T) {
			base, logins := demoServer(t)
			if logins["bewoner"].email == "" || logins["beheer"].email == "" {
				t.Fatalf("demo printed no resident or beheer login: %v", logins)
			}
			b := newBrowser(t, base, js)
			b.run(chromedp.EmulateViewport(390, 844))

			// A demo resident's postcode is one the address table knows.
			b.logIn(logins["bewoner"])
			if !strings.Contains(b.url(), "/mijn") {
				t.Fatalf("a resident lands on %s", b.url())
			}
			m := regexp.MustCompile(`(\d{4} [A-Z]{2}), huisnummer (\d+)`).FindStringSubmatch(b.text("main"))
			if m == nil {
				t.Fatalf("no address on /mijn: %s", b.text("main"))
			}
			b.submit(`form[action="/uitloggen"] button`)

			b.open("/aanmelden")
			b.submit(`form[action="/aanmelden"] button`) // empty: every field named
			if s := b.text(".error-summary"); !strings.Contains(s, "e-mailadres") || !strings.Contains(s, "postcode") {
				t.Fatalf("error summary: %s", s)
			}
			email := "nieuwe.bewoner@voorbeeld.nl"
			b.run(chromedp.SendKeys("#email", email, chromedp.ByQuery), chromedp.SendKeys("#naam", "Nieuwe Bewoner", chromedp.ByQuery),
				chromedp.SendKeys("#postcode", m[1], chromedp.ByQuery), chromedp.SendKeys("#huisnummer", m[2], chromedp.ByQuery),
				chromedp.SendKeys("#wachtwoord", "een heel lang wachtwoord", chromedp.ByQuery))
			b.submit(`form[action="/aanmelden"] button`)
			// No session before the address is confirmed: a known address
			// would otherwise answer differently.
			b.checkA11y()
			if !strings.Contains(b.text("main"), "Bevestig nog uw e-mailadres") || !strings.Contains(b.text("main"), email) {
				t.Fatalf("after sign-up: %s", b.text("main"))
			}

			b.logIn(logins["beheer"])
			b.open("/beheer/outbox?wachtend=1")
			var html string // the mail text is in a closed <details>
			b.run(chromedp.OuterHTML("main", &html, chromedp.ByQuery))
			link := regexp.MustCompile(`http://[^\s<]+/aanmelden/bevestigen\?code=[^\s<]+`).FindString(html)
			if link == "" {
				t.Fatalf("no link in the outbox: %s", html)
			}
			b.submit(`form[action="/uitloggen"] button`)
			b.run(chromedp.Navigate(link))
			b.checkA11y()
			b.submit(`form[action="/aanmelden/bevestigen"] button`)
			if !strings.Contains(b.text("h1"), "bevestigd") {
				t.Fatalf("verify: %s", b.text("main"))
			}

			b.logIn(login{"bewoner", email, "een heel lang wachtwoord"})
			b.run(chromedp.Click("#meldingen-digest", chromedp.ByQuery))
			b.submit(`form[action="/mijn/meldingen"] button`)
			if !strings.Contains(b.text(".notice"), "opgeslagen") {
				t.Fatalf("notify: %s", b.text("main"))
			}
			b.open("/mijn/verwijderen")
			b.run(chromedp.Click("#zeker", chromedp.ByQuery), chromedp.SendKeys("#wachtwoord", "een heel lang wachtwoord", chromedp.ByQuery))
			b.submit(`form[action="/mijn/verwijderen"] button`)
			if !strings.Contains(b.text("h1"), "verwijderd") {
				t.Fatalf("delete: %s", b.text("main"))
			}
		})
	}
}

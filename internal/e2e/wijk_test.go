package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A resident of the demo gemeente, on a phone-sized screen, finds their
// wijk, posts a wish and supports two wishes of neighbours; every page
// passes axe, with and without JavaScript, and nothing is wider than the
// screen.
func TestResidentPostsAndSupportsWishesOnAPhone(t *testing.T) {
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

			// Public: the wijk index finds a wijk by name, without login.
			b.open("/wijk")
			b.fitsScreen()
			b.run(chromedp.SendKeys("#q", "Haveltermade", chromedp.ByQuery))
			b.submit(`form[role=search] button`)
			b.submit(`main a[href^="/wijk/WK"]`)
			if !strings.Contains(b.text("main"), "Wijkagenda") {
				t.Fatalf("wijk page: %s", b.text("h1"))
			}
			b.fitsScreen()

			// The resident logs in and goes to their own wijk.
			b.logIn(bewoner)
			b.open("/wijk")
			b.submit(`main a.button[href^="/wijk/WK"]`)
			wijkURL := b.url()
			if !strings.Contains(b.text("main"), "Plaats een wens") {
				t.Fatalf("no way to post a wish on %s", wijkURL)
			}
			b.fitsScreen()

			b.submit(`main a[href$="/wensen/nieuw"]`)
			// The map to choose a place fits the phone too.
			b.run(chromedp.Click(`details summary`, chromedp.ByQuery), chromedp.WaitVisible(`input[type=image]`, chromedp.ByQuery))
			b.checkA11y()
			b.fitsScreen()
			b.run(chromedp.SendKeys("#titel", "Watertappunt in het park", chromedp.ByQuery),
				chromedp.SendKeys("#tekst", "Een watertappunt bij de speeltuin, zodat kinderen en sporters water kunnen drinken.", chromedp.ByQuery),
				chromedp.Click("#cat-groen", chromedp.ByQuery))
			b.submit(`form[action$="/wensen"] button[type=submit]`)
			if h1 := b.text("h1"); h1 != "Watertappunt in het park" {
				t.Fatalf("after posting: %q", h1)
			}
			if !strings.Contains(b.text("main"), "Wens geplaatst") {
				t.Fatal("the new wish has no history")
			}
			b.fitsScreen()

			// Back on the wijk page: support two wishes of neighbours.
			b.run(chromedp.Navigate(wijkURL))
			for i := 0; i < 2; i++ {
				var n int
				b.run(chromedp.Evaluate(`document.querySelectorAll('form[action$="/steunen"] button:not(.secondary)').length`, &n))
				if n < 1 {
					t.Fatalf("support %d: no wish left to support", i+1)
				}
				b.submit(`form[action$="/steunen"] button:not(.secondary)`)
				if !strings.Contains(b.text("main"), "U steunt deze wens") {
					t.Fatalf("support %d not confirmed", i+1)
				}
			}
			var withdrawn int
			b.run(chromedp.Evaluate(`document.querySelectorAll('form[action$="/steunen"] button.secondary').length`, &withdrawn))
			if withdrawn != 2 {
				t.Fatalf("the resident supports %d wishes, want 2", withdrawn)
			}
			b.fitsScreen()
		})
	}
}

// fitsScreen fails when the page is wider than the viewport (sideways
// scrolling on a phone).
func (b *browser) fitsScreen() {
	b.t.Helper()
	var over int
	b.run(chromedp.Evaluate(`document.documentElement.scrollWidth - window.innerWidth`, &over))
	if over > 0 {
		var wide string
		b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className).join(', ')`, &wide))
		b.t.Errorf("%s is %dpx wider than the screen: %s", b.url(), over, wide)
	}
}

// The demo's wijkcoordinator, on a phone, answers a wish (a status that
// needs a reason is refused without one), puts it on the wijkagenda and
// moves a milestone; every page passes axe.
func TestCoordinatorAnswersAndKeepsTheAgenda(t *testing.T) {
	base, logins := demoServer(t)
	coord, ok := logins["wijkcoordinator"]
	if !ok {
		t.Fatal("the demo printed no wijkcoordinator login")
	}
	b := newBrowser(t, base, true)
	b.run(chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	b.logIn(coord)
	b.open("/wijk")
	b.submit(`main a[href$="/beheer"]`)
	b.fitsScreen()
	if !strings.Contains(b.text("main"), "Meldingen van bewoners") {
		t.Fatalf("moderation page: %s", b.text("h1"))
	}
	// Answer the first wish the moderation page links to.
	b.submit(`main a[href*="/wensen/"]`)
	title := b.text("h1")
	b.run(chromedp.SetValue("#status", "niet_haalbaar", chromedp.ByQuery))
	b.submit(`form[action$="/antwoord"] button[type=submit]`)
	if !strings.Contains(b.text("main"), "hoort een uitleg") {
		t.Fatal("niet haalbaar without a reason was accepted")
	}
	b.fitsScreen()
	b.run(chromedp.SetValue("#status", "in_behandeling", chromedp.ByQuery), chromedp.SendKeys("#antwoord", "We bekijken dit met de buurt.", chromedp.ByQuery))
	b.submit(`form[action$="/antwoord"] button[type=submit]`)
	if !strings.Contains(b.text("main"), "We bekijken dit met de buurt.") {
		t.Fatalf("answer to %q not shown", title)
	}
	b.submit(`main a[href*="/agenda/nieuw?wens="]`)
	b.fitsScreen()
	b.run(chromedp.SendKeys("#eigenaar", "Wijkplatform", chromedp.ByQuery), chromedp.SendKeys("#budget", "1.500", chromedp.ByQuery),
		chromedp.SendKeys("#mijlpalen", "Plan maken\nUitvoeren", chromedp.ByQuery))
	b.submit(`form[action$="/agenda"] button[type=submit]`)
	if !strings.Contains(b.text("main"), "€ 1.500,00") || !strings.Contains(b.text("main"), "Plan maken") {
		t.Fatalf("agenda item: %s", b.text("main"))
	}
	b.fitsScreen()
	b.run(chromedp.SetValue(`.mijlpalen input[name=procent]`, "100", chromedp.ByQuery))
	b.submit(`.mijlpalen button[type=submit]`)
	if !strings.Contains(b.text("main"), "50% klaar") {
		t.Fatalf("progress after a milestone: %s", b.text("dl"))
	}
}

package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// From a new signal to an agreed plan with a provision and an approved
// spend, as a regisseur does it in the demo; a teamleider approves (four
// eyes), and the household's one file then tells the whole story.
func TestSignalToPlanProvisionAndApprovedSpend(t *testing.T) {
	base, logins := demoServer(t)
	b := newBrowser(t, base, true)
	today := time.Now().Format("2006-01-02")
	set := func(sel, val string) chromedp.Action { return chromedp.SetValue(sel, val, chromedp.ByQuery) }
	click := func(sel string) chromedp.Action { return chromedp.Click(sel, chromedp.ByQuery) }

	// 1. A regisseur reports a concern about an address the team does not know yet.
	b.logIn(logins["regisseur"])
	b.open("/signalen/nieuw")
	b.run(set("#postcode", "7949 XZ"), set("#huisnummer", "321"), set("#wijk", "WK011901"), set("#bron", "huisarts"),
		set("#wat", "Mevrouw komt niet meer naar de praktijk en heeft ongeopende post op de mat."),
		click("#domein-financien"), click("#domein-geestelijke_gezondheid"), click("#urgentie-normaal"),
		click("#bewoner_weet-ja"), click("#bewoner_akkoord-ja"))
	b.submit(`form[action="/signalen"] button[type=submit]`)
	if strings.Contains(b.text("main"), "Controleer") {
		t.Fatalf("signal refused: %s", b.text(".error-summary"))
	}

	// 2. Triage: start a new household; the regisseur gets the case.
	b.open("/signalen")
	var href string
	// Our signal, not whichever demo signal happens to be on top.
	b.run(chromedp.Evaluate(`(Array.from(document.querySelectorAll('main table a[href^="/signalen/"]')).find(a => a.textContent.includes('7949 XZ')) || {href: ''}).getAttribute?.('href') || ''`, &href))
	if href == "" {
		t.Fatalf("the new signal is not in the inbox: %s", b.text("main"))
	}
	b.open(href)
	b.run(click("#uitkomst-nieuw_huishouden"))
	b.submit(`form[action$="/triage"] button[type=submit]`)
	hh := regexp.MustCompile(`/huishoudens/([^/?#]+)`).FindStringSubmatch(b.url())
	if hh == nil {
		b.open("/signalen?status=nieuw_huishouden")
		t.Fatalf("triage did not lead to the new household: %s", b.url())
	}
	home := "/huishoudens/" + hh[1]
	b.open(home)
	if !strings.Contains(b.text("main"), logins["regisseur"].email) {
		t.Fatalf("the new household has no case with this regisseur:\n%s", b.text("main"))
	}

	// 3. The resident becomes a member.
	b.open(home + "/leden/nieuw")
	b.run(set("#bsn", "999999990"), set("#voornamen", "Greetje"), set("#achternaam", "Oosterhuis"), set("#geboortedatum", "1961-03-14"),
		click("#geslacht-vrouw"), click("#rol-ouder"), set("#start", "2010-05-01"))
	b.submit(`form[action$="/leden"] button[type=submit]`)
	if !strings.Contains(b.text("main"), "Greetje Oosterhuis") {
		t.Fatalf("member not added: %s", b.text("main"))
	}

	// 4. A ZRM assessment with her.
	b.open(home + "/zrm")
	var zrmHref string
	b.run(chromedp.AttributeValue(`a[href*="/zrm/nieuw"]`, "href", &zrmHref, nil, chromedp.ByQuery))
	b.open(zrmHref)
	var selects []string
	b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('form select')).map(s => '#' + CSS.escape(s.id))`, &selects))
	for _, sel := range selects {
		if sel == "#persoon" {
			continue
		}
		b.run(set(sel, "3"))
	}
	b.run(set("#scores\\.financien", "1"), set("#scores\\.geestelijke_gezondheid", "2"), set("#datum", today))
	b.submit(`form[action$="/zrm"] button[type=submit]`)
	if strings.Contains(b.text("main"), "Controleer") {
		t.Fatalf("assessment refused: %s", b.text(".error-summary"))
	}

	// 5. A plan in her own words, with an action, agreed in a conversation.
	b.open(home + "/plan")
	b.run(set("#datum", today))
	b.submit(`form[action$="/plan"] button[type=submit]`)
	b.open(home + "/plan/doelen/nieuw")
	b.run(set("#domein", "financien"), set("#tekst", "Ik wil mijn post weer zelf openen en mijn rekeningen op tijd betalen."),
		set("#doel_niveau", "4"), set("#streefdatum", time.Now().AddDate(0, 6, 0).Format("2006-01-02")),
		set(`[name="acties.0.tekst"]`, "Samen de post doornemen en een budgetplan maken"), set(`[name="acties.0.wie"]`, "regisseur"))
	b.submit(`form[action$="/plan/doelen"] button[type=submit]`)
	if strings.Contains(b.text("main"), "Controleer") {
		t.Fatalf("goal refused: %s", b.text(".error-summary"))
	}
	b.open(home + "/plan/akkoord")
	b.run(set("#datum", today), click("#wijze-gesprek"))
	b.submit(`form[action$="/plan/akkoord"] button[type=submit]`)
	if !strings.Contains(b.text("main"), "akkoord") {
		t.Fatalf("agreement not shown: %s", b.text("main"))
	}

	// 6. Debt relief as a provision.
	b.open(home + "/voorzieningen/nieuw")
	var person string
	b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('#persoon option')).map(o => o.value).filter(v => v)[0] || ''`, &person))
	b.run(set("#persoon", person), set("#categorie", "wgs:WGS-SCHULDHULP"), set("#start", today), set("#maandbedrag", "150"), set("#status", "toegekend"),
		set("#aanbieder", "Schuldhulp Meppel"))
	b.submit(`form[action$="/voorzieningen"] button[type=submit]`)
	if strings.Contains(b.text("main"), "Controleer") {
		t.Fatalf("provision refused: %s", b.text(".error-summary"))
	}

	// 7. A maatwerk spend that prevents an eviction.
	b.open(home + "/bestedingen")
	b.run(set("#bedrag", "1400"), set("#doel", "Huurachterstand betalen"), set("#voorkomt", "Huisuitzetting en opvang"), set("#vermeden", "14000"))
	b.submit(`form[action$="/bestedingen"] button[type=submit]`)
	if strings.Contains(b.text("main"), "Controleer") {
		t.Fatalf("spend refused: %s", b.text(".error-summary"))
	}
	// Evaluate rather than wait for the link: a refused request must fail
	// with the page, not hang until the browser times out.
	// The request leads to the spend's own page, waiting for a colleague.
	spend := regexp.MustCompile(`/bestedingen/[^/?#]+`).FindString(b.url())
	if spend == "" || !strings.Contains(b.text("main"), "Wacht op besluit") {
		t.Fatalf("no spend waiting for a decision after the request (%s): %s", b.url(), b.text("main"))
	}
	spendHref := spend
	b.submit(`form[action="/uitloggen"] button`)

	// 8. The teamleider approves: four eyes.
	b.logIn(logins["teamleider"])
	b.open(spendHref)
	b.run(click("#besluit-goed"), set("#reden", "Voorkomt uitzetting; past binnen het budget."))
	b.submit(`form[action$="/besluit"] button[type=submit]`)
	if page := b.text("main"); !strings.Contains(page, "oedgekeurd") {
		t.Fatalf("spend not approved: %s", page)
	}

	// 9. The one file tells the story, and a colleague sees why each step was taken.
	b.open(home)
	file := b.text("#dossier ~ ol")
	for _, kind := range []string{"signaal", "casus", "zrm", "plan", "voorziening", "besteding"} {
		if !strings.Contains(file, kind) {
			t.Errorf("timeline misses %s:\n%s", kind, file)
		}
	}
	b.submit(`form[action="/uitloggen"] button`)

	// 10. And every step is in the audit log.
	b.logIn(logins["beheer"])
	for _, soort := range []string{"signaal", "casus", "zrm", "plan", "voorziening", "besteding"} {
		b.open("/beheer/audit?soort=" + soort + "&gebruiker=" + logins["regisseur"].email)
		if rows := b.text("main"); !strings.Contains(rows, logins["regisseur"].email) {
			t.Errorf("audit log shows no %s by the regisseur", soort)
		}
	}
}

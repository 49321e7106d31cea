package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// A resident applies through the web, a beleid reviews, a wijkcoordinator
// decides (never the reviewer), the money is paid in tranches after the
// APK, and the final account puts the result on the wijk page without a
// name. Nobody else reads the application.
func TestFundThroughTheWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		base := e.srv.URL
		e.user("wc@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Wijkcoordinator})
		e.user("beleid@apeldoorn.nl", auth.Grant{Gemeente: "GM0200", Role: auth.Beleid})
		beleid, coord, regisseur, apeldoorn := e.browser(), e.browser(), e.browser(), e.browser()
		e.login(beleid, "beleid@meppel.nl", pw)
		e.login(coord, "wc@meppel.nl", pw)
		e.login(regisseur, "regisseur@meppel.nl", pw)
		e.login(apeldoorn, "beleid@apeldoorn.nl", pw)

		// Opening a fund: a bad amount is named, and nothing is saved.
		code, _, body := postForm(t, beleid, base+"/fondsen", url.Values{"gemeente": {"GM0119"}, "naam": {"Wijkfonds Meppel"}, "jaar": {"2026"},
			"budget": {"veel"}, "apk_maanden": {"3"}, "tranches": {"2"}, "wijk": {"WK011901"}})
		if code != 422 || !strings.Contains(body, `href="#budget"`) || !strings.Contains(body, "Wijkfonds Meppel") {
			t.Fatalf("bad fund form: %d", code)
		}
		if code, _, _ := postForm(t, regisseur, base+"/fondsen", url.Values{"gemeente": {"GM0119"}, "naam": {"X"}, "jaar": {"2026"}, "budget": {"100"},
			"apk_maanden": {"3"}, "tranches": {"2"}, "wijk": {"WK011901"}}); code != 403 {
			t.Fatalf("a regisseur opens a fund: %d", code)
		}
		code, loc, _ := postForm(t, beleid, base+"/fondsen", url.Values{"gemeente": {"GM0119"}, "naam": {"Wijkfonds Meppel"}, "jaar": {"2026"},
			"budget": {"20.000"}, "maximum": {"5.000"}, "criteria": {"Voor en door bewoners"}, "apk_maanden": {"3"}, "tranches": {"2"}, "wijk": {"WK011901"}})
		if code != 303 || !strings.HasPrefix(loc, "/fondsen/") {
			t.Fatalf("open fund: %d %s", code, loc)
		}
		fundURL := base + strings.SplitN(loc, "?", 2)[0]

		// The resident of the wijk sees it and applies; one of another wijk may not.
		res := storetest.Resident(t, st, "WK011901", "Wilhelmina Aanvraagster")
		resident := e.browser()
		e.login(resident, res.Email, storetest.ResidentPassword)
		if code, body := get(t, resident, base+"/fondsen"); code != 200 || !strings.Contains(body, "Wijkfonds Meppel") || !strings.Contains(body, "Vraag geld aan") {
			t.Fatalf("resident's fund list: %d", code)
		}
		other := storetest.Resident(t, st, "WK011902", "Kees")
		elsewhere := e.browser()
		e.login(elsewhere, other.Email, storetest.ResidentPassword)
		if code, _ := get(t, elsewhere, fundURL+"/aanvragen/nieuw"); code != 403 {
			t.Fatalf("resident of another wijk opens the form: %d", code)
		}
		if code, _ := get(t, resident, fundURL+"/aanvragen/nieuw"); code != 200 {
			t.Fatalf("apply form: %d", code)
		}
		form := url.Values{"titel": {"Buurtmaaltijd"}, "wat": {"Elke maand samen eten"}, "voor_wie": {"Ouderen in de straat"}, "doel": {"eenzaamheid"},
			"regel1_omschrijving": {"Zaalhuur"}, "regel1_bedrag": {"twee"}, "regel2_omschrijving": {"Boodschappen"}, "regel2_bedrag": {"600"},
			"regel3_omschrijving": {""}, "regel3_bedrag": {""}, "openbaar": {"ja"}, "actie": {"opslaan"}}
		code, _, body = postForm(t, resident, fundURL+"/aanvragen", form)
		if code != 422 || !strings.Contains(body, `href="#regel1"`) || !strings.Contains(body, "Boodschappen") {
			t.Fatalf("bad amount: %d", code)
		}
		form.Set("regel1_bedrag", "1.200")
		code, loc, _ = postForm(t, resident, fundURL+"/aanvragen", form)
		if code != 303 || !strings.Contains(loc, "?opgeslagen") {
			t.Fatalf("save concept: %d %s", code, loc)
		}
		appURL := base + strings.SplitN(loc, "?", 2)[0]
		// A concept is the resident's alone.
		if code, _ := get(t, beleid, appURL); code != 404 {
			t.Fatalf("beleid reads a concept: %d", code)
		}
		form.Set("actie", "indienen")
		if code, loc, _ := postForm(t, resident, appURL, form); code != 303 || !strings.Contains(loc, "?ingediend") {
			t.Fatalf("submit: %d %s", code, loc)
		}
		if code, _, _ := postForm(t, resident, appURL, form); code != 409 {
			t.Fatalf("changing a submitted application: %d", code)
		}
		if code, body := get(t, resident, base+"/mijn/fondsaanvragen"); code != 200 || !strings.Contains(body, "Buurtmaaltijd") || !strings.Contains(body, "€ 1.800,00") {
			t.Fatalf("my applications: %d", code)
		}

		// Nobody else reads it: another resident, a regisseur, another gemeente.
		for name, c := range map[string]*http.Client{"other resident": elsewhere, "regisseur": regisseur, "apeldoorn beleid": apeldoorn} {
			if code, body := get(t, c, appURL); code != 404 || strings.Contains(body, "Wilhelmina") {
				t.Errorf("%s reads the application: %d", name, code)
			}
		}
		if code, body := get(t, apeldoorn, fundURL); code != 200 || strings.Contains(body, "Buurtmaaltijd") {
			t.Errorf("apeldoorn sees the fund's applications: %d", code)
		}
		code, body = get(t, beleid, appURL)
		if code != 200 || !strings.Contains(body, "Wilhelmina Aanvraagster") || !strings.Contains(body, "Beoordelen") {
			t.Fatalf("beleid's view: %d", code)
		}

		// Review, then the reviewer may not decide; a colleague does.
		if code, _, body := postForm(t, beleid, appURL+"/beoordeling", url.Values{"advies": {"toekennen"}}); code != 422 || !strings.Contains(body, `href="#beoordeling"`) {
			t.Fatalf("review without text: %d", code)
		}
		if code, _, _ := postForm(t, beleid, appURL+"/beoordeling", url.Values{"advies": {"toekennen"}, "beoordeling": {"Past in de criteria."}}); code != 303 {
			t.Fatalf("review: %d", code)
		}
		if _, body := get(t, beleid, appURL); !strings.Contains(body, "Een collega besluit erover") || strings.Contains(body, `action="`+strings.TrimPrefix(appURL, base)+`/besluit"`) {
			t.Fatal("the reviewer is offered the decision")
		}
		decide := url.Values{"besluit": {"toekennen"}, "bedrag": {"1.500"}, "reden": {"Goed plan; de zaalhuur kan lager."}}
		if code, _, _ := postForm(t, beleid, appURL+"/besluit", decide); code != 403 {
			t.Fatalf("the reviewer decides: %d", code)
		}
		if code, _, body := postForm(t, coord, appURL+"/besluit", url.Values{"besluit": {"toekennen"}, "bedrag": {"1.900"}, "reden": {"x"}}); code != 422 || !strings.Contains(body, `href="#bedrag"`) {
			t.Fatalf("more than asked: %d", code)
		}
		if code, _, _ := postForm(t, coord, appURL+"/besluit", decide); code != 303 {
			t.Fatalf("decide: %d", code)
		}
		// The fund's list shows when the first APK is due.
		if _, body := get(t, coord, fundURL); !strings.Contains(body, people.Today().AddMonths(3).Dutch()) || strings.Contains(body, "(te laat)") {
			t.Fatal("the fund's list does not show the next APK")
		}
		// Changing the fund: never below what is granted; only its managers.
		if code, body := get(t, coord, fundURL+"/wijzigen"); code != 200 || !strings.Contains(body, "Wijkfonds Meppel") {
			t.Fatalf("edit form: %d", code)
		}
		change := url.Values{"naam": {"Wijkfonds Meppel"}, "budget": {"1.000"}, "maximum": {"1.000"}, "apk_maanden": {"3"}, "tranches": {"2"}, "wijk": {"WK011901", "WK011902"}}
		if code, _, body := postForm(t, coord, fundURL, change); code != 422 || !strings.Contains(body, `href="#budget"`) || !strings.Contains(body, "€ 1.500,00") {
			t.Fatalf("budget below the grants: %d", code)
		}
		change.Set("budget", "25.000")
		change.Set("maximum", "5.000")
		if code, _, _ := postForm(t, apeldoorn, fundURL, change); code != 403 {
			t.Fatalf("apeldoorn changes the fund: %d", code)
		}
		if code, _, _ := postForm(t, coord, fundURL, change); code != 303 {
			t.Fatalf("change the fund: %d", code)
		}
		if _, body := get(t, e.browser(), fundURL); !strings.Contains(body, "€ 25.000,00") || !strings.Contains(body, "/wijk/WK011902") {
			t.Fatal("the change is not on the fund's page")
		}

		// Tranches after the APK; the final account; the wijk page.
		if code, _, _ := postForm(t, coord, appURL+"/tranches/2", nil); code != 409 {
			t.Fatalf("second tranche first: %d", code)
		}
		if code, _, _ := postForm(t, coord, appURL+"/tranches/1", nil); code != 303 {
			t.Fatalf("pay 1: %d", code)
		}
		if code, _, _ := postForm(t, resident, appURL+"/apk", url.Values{"op_koers": {"ja"}, "nog_nodig": {"ja"}, "partners": {"De bibliotheek"}}); code != 303 {
			t.Fatalf("APK: %d", code)
		}
		if code, _, _ := postForm(t, beleid, appURL+"/tranches/2", nil); code != 303 {
			t.Fatalf("pay 2: %d", code)
		}
		if code, _, _ := postForm(t, resident, appURL+"/eindverantwoording", url.Values{"besteed1": {"1.000"}, "besteed2": {"450"},
			"resultaat": {"Tien maaltijden met veertig buren."}}); code != 303 {
			t.Fatalf("final account: %d", code)
		}
		code, body = get(t, e.browser(), base+"/wijk/WK011901")
		if code != 200 || !strings.Contains(body, "Buurtmaaltijd") || !strings.Contains(body, "Tien maaltijden met veertig buren.") || !strings.Contains(body, "€ 1.500,00") {
			t.Fatalf("wijk page: %d", code)
		}
		if strings.Contains(body, "Wilhelmina") {
			t.Fatal("the wijk page names the applicant")
		}
		if code, body := get(t, resident, appURL); code != 200 || !strings.Contains(body, "Afgerond") || !strings.Contains(body, "− € 200,00") {
			t.Fatalf("closed application: %d", code)
		}
	})
}

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

var (
	veRequestLink = regexp.MustCompile(`^/voorelkaar/vragen/([A-Za-z0-9_-]+)\?klaar=`)
	veOfferLink   = regexp.MustCompile(`^/voorelkaar/aanbod/([A-Za-z0-9_-]+)\?klaar=aanbod`)
	veMatchForm   = regexp.MustCompile(`/voorelkaar/koppelingen/([A-Za-z0-9_-]+)/antwoord`)
)

// without fails when any page holds any of the secrets.
func without(t *testing.T, who string, c *http.Client, base string, pages []string, secrets ...string) {
	t.Helper()
	for _, p := range pages {
		_, body := get(t, c, base+p)
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s sees %q on %s", who, s, p)
			}
		}
	}
}

func TestVoorElkaarContactOnlyAfterBothAccept(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	base := e.srv.URL
	anon := e.browser()
	anna, annaP := e.residentBrowser("WK011901", "Anna de Vries")
	bram, bramP := e.residentBrowser("WK011901", "Bram Bakker")

	if code, _ := get(t, anon, base+"/voorelkaar?wijk=WK011901"); code != 200 {
		t.Fatalf("public list: %d", code)
	}
	if code, _, _ := post(t, anon, base+"/voorelkaar/vragen", url.Values{"categorie": {"wandelen"}}); code != 401 {
		t.Fatalf("anonymous request: %d", code)
	}
	code, _, body := post(t, anna, base+"/voorelkaar/vragen", url.Values{"categorie": {"zwemmen"}, "tekst": {"kort"}})
	if code != 422 || !strings.Contains(body, "Kies waarbij u hulp zoekt") || !strings.Contains(body, "Kies minstens één dag") {
		t.Fatalf("invalid request: %d", code)
	}
	code, loc, _ := post(t, anna, base+"/voorelkaar/vragen", url.Values{"categorie": {"boodschappen"}, "dagen": {"ma", "wo"}, "dagdelen": {"ochtend"},
		"tekst": {"Wie doet op maandag boodschappen met mij?"}, "contact": {"06-11112222"}})
	m := veRequestLink.FindStringSubmatch(loc)
	if code != 303 || m == nil {
		t.Fatalf("request: %d %q", code, loc)
	}
	rid := m[1]
	code, loc, _ = post(t, bram, base+"/voorelkaar/aanbod", url.Values{"categorieen": {"boodschappen"}, "dagen": {"ma"}, "dagdelen": {"ochtend"},
		"wijken": {"WK011901"}, "tekst": {"Ik heb een auto en help graag."}, "telefoon": {"06-98765432"}})
	m = veOfferLink.FindStringSubmatch(loc)
	if code != 303 || m == nil {
		t.Fatalf("offer: %d %q", code, loc)
	}
	oid := m[1]
	if _, body := get(t, bram, base+"/voorelkaar/aanbod/"+oid); !strings.Contains(body, "Ik wil Anna helpen") {
		t.Fatal("the offer page suggests no request")
	}
	if _, body := get(t, bram, base+"/voorelkaar/vragen/"+rid); !strings.Contains(body, "Ik wil helpen") {
		t.Fatal("the request page offers the volunteer no way to help")
	}
	if _, body := get(t, anon, base+"/voorelkaar/vragen/"+rid); strings.Contains(body, "Ik wil helpen") || !strings.Contains(body, "Boodschappen doen") {
		t.Fatal("the request page for anyone")
	}
	if code, loc, _ := post(t, bram, base+"/voorelkaar/vragen/"+rid+"/koppelen", url.Values{"aanbod": {oid}, "terug": {"/voorelkaar/aanbod/" + oid}}); code != 303 || loc != "/voorelkaar/aanbod/"+oid+"?klaar=voorstel" {
		t.Fatalf("propose: %d %q", code, loc)
	}

	// Before both accept: no page of either side holds the other's contact or full name.
	pages := []string{"/voorelkaar", "/voorelkaar/mijn", "/voorelkaar/vragen/" + rid, "/voorelkaar/aanbod/" + oid, "/voorelkaar?wijk=WK011901"}
	without(t, "anna", anna, base, pages, bramP.Email, "Bram Bakker", "06-98765432")
	without(t, "bram", bram, base, pages, annaP.Email, "Anna de Vries", "06-11112222")
	without(t, "anyone", anon, base, pages, annaP.Email, bramP.Email, "Anna de Vries", "Bram Bakker", "06-98765432", "06-11112222")

	_, body = get(t, anna, base+"/voorelkaar/mijn")
	mm := veMatchForm.FindStringSubmatch(body)
	if mm == nil || !strings.Contains(body, "Bram") {
		t.Fatal("anna has no match to answer")
	}
	if code, _, _ := post(t, bram, base+"/voorelkaar/koppelingen/"+mm[1]+"/antwoord", url.Values{"ja": {"1"}}); code != 409 {
		t.Fatalf("bram said yes twice: %d", code)
	}
	if code, loc, _ := post(t, anna, base+"/voorelkaar/koppelingen/"+mm[1]+"/antwoord", url.Values{"ja": {"1"}}); code != 303 || !strings.Contains(loc, "klaar=afgesproken") {
		t.Fatalf("accept: %d %q", code, loc)
	}
	if _, body := get(t, anna, base+"/voorelkaar/mijn"); !strings.Contains(body, bramP.Email) || !strings.Contains(body, "06-98765432") {
		t.Fatal("anna does not see bram's contact after both accepted")
	}
	if _, body := get(t, bram, base+"/voorelkaar/mijn"); !strings.Contains(body, annaP.Email) || !strings.Contains(body, "06-11112222") {
		t.Fatal("bram does not see anna's contact after both accepted")
	}
	without(t, "anyone after", anon, base, pages, annaP.Email, bramP.Email, "06-98765432", "06-11112222")

	// Done, then feedback.
	if code, _, _ := post(t, anna, base+"/voorelkaar/vragen/"+rid+"/gedaan", nil); code != 303 {
		t.Fatalf("done: %d", code)
	}
	if code, _, _ := post(t, bram, base+"/voorelkaar/koppelingen/"+mm[1]+"/feedback", url.Values{"waardering": {"5"}, "tekst": {"Gezellig"}}); code != 303 {
		t.Fatalf("feedback: %d", code)
	}
	if _, body := get(t, anna, base+"/voorelkaar/mijn"); !strings.Contains(body, "“Gezellig”") {
		t.Fatal("feedback not shown")
	}
}

func TestVoorElkaarVulnerableAndPrescribed(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	base := e.srv.URL
	anna, _ := e.residentBrowser("WK011901", "Anna")
	bram, _ := e.residentBrowser("WK011901", "Bram")

	// A request via the coordinator is never listed, and a volunteer cannot open it.
	code, loc, _ := post(t, anna, base+"/voorelkaar/vragen", url.Values{"categorie": {"vervoer"}, "dagen": {"di"}, "dagdelen": {"middag"},
		"tekst": {"Naar het ziekenhuis voor een controle"}, "via": {"1"}})
	m := veRequestLink.FindStringSubmatch(loc)
	if code != 303 || m == nil || !strings.Contains(loc, "viacoord") {
		t.Fatalf("via request: %d %q", code, loc)
	}
	if _, body := get(t, bram, base+"/voorelkaar?wijk=WK011901"); strings.Contains(body, "ziekenhuis voor een controle") {
		t.Fatal("a request via the coordinator is listed")
	}
	if code, _ := get(t, bram, base+"/voorelkaar/vragen/"+m[1]); code != 404 {
		t.Fatalf("volunteer opened it: %d", code)
	}

	// A regisseur prescribes from a plan action, with consent.
	reg, _ := e.st.UserByEmail(ctx, "regisseur@meppel.nl")
	ra := store.Actor{P: &auth.Principal{UserID: reg.ID, Email: reg.Email, Grants: reg.Grants}}
	hid := e.ids["meppel"]
	if _, err := e.st.StartPlan(ctx, ra, hid, people.Date{}); err != nil {
		t.Fatal(err)
	}
	pl, err := e.st.AddGoal(ctx, ra, hid, &casework.Goal{Domein: "sociaal_netwerk", Tekst: "Fatima wil weer mensen ontmoeten na de scheiding", DoelNiveau: 4,
		Streefdatum: people.Today().AddDays(90), Actions: []casework.Action{{Tekst: "Een maatje zoeken voor de woensdag", Wie: "vrijwilliger"}}})
	if err != nil {
		t.Fatal(err)
	}
	action := pl.Goals[0].Actions[0].ID
	regC := e.browser()
	e.login(regC, "regisseur@meppel.nl", pw)
	formURL := base + "/huishoudens/" + hid + "/plan/acties/" + action + "/voorelkaar"
	if code, body := get(t, regC, formURL); code != 200 || !strings.Contains(body, "Toestemming van het huishouden") {
		t.Fatalf("prescribe form: %d", code)
	}
	form := url.Values{"voornaam": {"Ria"}, "categorie": {"gezelschap"}, "dagen": {"wo"}, "dagdelen": {"ochtend"}, "tekst": {"Iemand die op woensdag koffie komt drinken"}}
	if code, _, body := post(t, regC, formURL, form); code != 422 || !strings.Contains(body, "Vraag het huishouden om toestemming") {
		t.Fatalf("without consent: %d", code)
	}
	form.Set("toestemming", "mondeling")
	form.Set("toestemming_datum", people.Today().ISO())
	if code, loc, _ := post(t, regC, formURL, form); code != 303 || !strings.HasPrefix(loc, "/huishoudens/"+hid+"/plan") {
		t.Fatalf("prescribe: %d %q", code, loc)
	}
	apel := e.browser()
	e.login(apel, "regisseur@apeldoorn.nl", pw)
	if code, _, _ := post(t, apel, formURL, form); code != 404 {
		t.Fatalf("another gemeente prescribed: %d", code)
	}
	_, body := get(t, regC, base+"/huishoudens/"+hid+"/plan")
	if !strings.Contains(body, "Gezelschap en een praatje (Ria)") || !strings.Contains(body, "nog niet") {
		t.Fatal("the plan does not show the prescription")
	}
	// A second one, withdrawn from the plan with a reason.
	form.Set("voornaam", "Riet")
	if code, _, _ := post(t, regC, formURL, form); code != 303 {
		t.Fatalf("second prescription: %d", code)
	}
	_, body = get(t, regC, base+"/huishoudens/"+hid+"/plan")
	wd := regexp.MustCompile(`/huishoudens/`+hid+`/plan/voorelkaar/([A-Za-z0-9_-]+)/intrekken`).FindAllStringSubmatch(body, -1)
	if len(wd) != 2 {
		t.Fatalf("withdraw forms: %d", len(wd))
	}
	if code, _, _ := post(t, apel, base+wd[0][0], url.Values{"reden": {"Het huishouden wil het niet meer."}}); code != 404 {
		t.Fatalf("another gemeente withdrew: %d", code)
	}
	if code, _, _ := post(t, regC, base+wd[0][0], url.Values{"reden": {"Het huishouden wil het niet meer."}}); code != 303 {
		t.Fatalf("withdraw: %d", code)
	}
	if _, body = get(t, regC, base+"/huishoudens/"+hid+"/plan"); !strings.Contains(body, "gesloten") || strings.Count(body, "/intrekken") != 1 {
		t.Fatal("the plan does not show the withdrawn prescription")
	}

	// The coordinator of the wijk sees both and matches the prescription by hand.
	e.user("coord@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Wijkcoordinator})
	cu, _ := e.st.UserByEmail(ctx, "coord@meppel.nl")
	if err := e.st.SetCoordinatorWijken(ctx, cu.ID, "GM0119", []string{"WK011901"}); err != nil {
		t.Fatal(err)
	}
	coord := e.browser()
	e.login(coord, "coord@meppel.nl", pw)
	if code, _ := get(t, regC, base+"/voorelkaar/beheer"); code != 403 {
		t.Fatalf("a regisseur on beheer: %d", code)
	}
	// The coordinator enters a request for someone without an account: never public.
	entry := url.Values{"wijk": {"WK011901"}, "voornaam": {"Truus"}, "categorie": {"tuin"}, "dagen": {"vr"}, "dagdelen": {"middag"}, "tekst": {"De heg moet geknipt worden"}, "contact": {"0522-987654"}}
	if code, _, _ := post(t, regC, base+"/voorelkaar/beheer/vragen", entry); code != 403 {
		t.Fatalf("a regisseur entered a request: %d", code)
	}
	entry.Set("wijk", "WK011902")
	if code, _, _ := post(t, coord, base+"/voorelkaar/beheer/vragen", entry); code != 403 {
		t.Fatalf("entered in another wijk: %d", code)
	}
	entry.Set("wijk", "WK011901")
	if code, loc, _ := post(t, coord, base+"/voorelkaar/beheer/vragen", entry); code != 303 || !strings.Contains(loc, "klaar=ingevoerd") {
		t.Fatalf("coordinator's entry: %d %q", code, loc)
	}
	if _, body := get(t, bram, base+"/voorelkaar?wijk=WK011901"); strings.Contains(body, "heg moet geknipt") {
		t.Fatal("the coordinator's entry is public")
	}
	code, loc, _ = post(t, bram, base+"/voorelkaar/aanbod", url.Values{"categorieen": {"gezelschap", "vervoer"}, "dagen": {"di", "wo"}, "dagdelen": {"ochtend", "middag"},
		"wijken": {"WK011901"}, "tekst": {"Ik kom graag langs voor koffie."}})
	om := veOfferLink.FindStringSubmatch(loc)
	if code != 303 || om == nil {
		t.Fatalf("offer: %d", code)
	}
	code, body = get(t, coord, base+"/voorelkaar/beheer")
	if code != 200 || !strings.Contains(body, "ziekenhuis voor een controle") || !strings.Contains(body, "voorgeschreven door het wijkteam") {
		t.Fatalf("beheer: %d", code)
	}
	secrets := []string{"de Boer", "Fatima", "7941", "999990019", "scheiding", "Een maatje zoeken", hid, "regisseur@meppel.nl"}
	without(t, "the coordinator", coord, base, []string{"/voorelkaar/beheer"}, secrets...)
	prid := regexp.MustCompile(`<a href="/voorelkaar/vragen/([A-Za-z0-9_-]+)">Gezelschap`).FindStringSubmatch(body)
	if prid == nil {
		t.Fatal("no prescribed request on beheer")
	}
	if code, _, _ := post(t, coord, base+"/voorelkaar/vragen/"+prid[1]+"/koppelen", url.Values{"aanbod": {om[1]}, "terug": {"/voorelkaar/beheer"}}); code != 303 {
		t.Fatalf("match by hand: %d", code)
	}
	_, body = get(t, bram, base+"/voorelkaar/mijn")
	mm := veMatchForm.FindStringSubmatch(body)
	if mm == nil {
		t.Fatal("bram has no proposal")
	}
	if code, _, _ := post(t, bram, base+"/voorelkaar/koppelingen/"+mm[1]+"/antwoord", url.Values{"ja": {"1"}}); code != 303 {
		t.Fatalf("bram accepts: %d", code)
	}
	// The volunteer never sees the case: on no page they can reach.
	reach := []string{"/voorelkaar", "/voorelkaar/mijn", "/voorelkaar/aanbod/" + om[1], "/voorelkaar/vragen/" + prid[1], "/huishoudens/" + hid, "/huishoudens/" + hid + "/plan", "/mijn", "/wijk/WK011901"}
	without(t, "the volunteer", bram, base, reach, secrets...)
	if _, body := get(t, bram, base+"/voorelkaar/mijn"); !strings.Contains(body, "Ria") || !strings.Contains(body, "Afgesproken") {
		t.Fatal("the volunteer does not see the accepted match")
	}
	if _, body := get(t, regC, base+"/huishoudens/"+hid+"/plan"); strings.Count(body, "nog niet") < 1 || strings.Contains(body, "Gezelschap en een praatje (Ria)</td><td>mondeling, "+people.Today().Dutch()+"</td><td>nog niet") {
		t.Fatal("the plan does not show the match")
	}
}

// A resident posts on behalf of an organisation: every page the other side
// or anyone sees shows the organisation's name where a first name would
// be, and no page holds the resident's name or contact until both said yes.
func TestVoorElkaarOrganisationNameInPlaceOfFirstName(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	base := e.srv.URL
	anon := e.browser()
	anna, annaP := e.residentBrowser("WK011901", "Anna de Vries")
	bram, bramP := e.residentBrowser("WK011901", "Bram Bakker")

	request := url.Values{"categorie": {"vervoer"}, "dagen": {"ma", "wo"}, "dagdelen": {"ochtend"},
		"tekst": {"Wij zoeken chauffeurs om voedselpakketten rond te brengen."}, "contact": {"0522-000111"}, "organisatie": {"X"}}
	code, _, body := post(t, anna, base+"/voorelkaar/vragen", request)
	if code != 422 || !strings.Contains(body, "De naam van de organisatie is te kort") || !strings.Contains(body, `id="organisatie-fout"`) {
		t.Fatalf("a bad organisation name: %d", code)
	}
	if _, body := get(t, anna, base+"/voorelkaar/mijn"); !strings.Contains(body, "U heeft geen hulpvragen") {
		t.Fatal("the refused request was saved")
	}
	request.Set("organisatie", " Voedselbank Meppel ")
	code, loc, _ := post(t, anna, base+"/voorelkaar/vragen", request)
	m := veRequestLink.FindStringSubmatch(loc)
	if code != 303 || m == nil {
		t.Fatalf("request: %d %q", code, loc)
	}
	rid := m[1]
	code, loc, _ = post(t, bram, base+"/voorelkaar/aanbod", url.Values{"categorieen": {"vervoer", "formulieren"}, "dagen": {"ma"}, "dagdelen": {"ochtend"},
		"wijken": {"WK011901"}, "tekst": {"Onze vrijwilligers rijden en helpen met formulieren."}, "telefoon": {"0522-333444"}, "organisatie": {"Buurthuis De Linde"}})
	m = veOfferLink.FindStringSubmatch(loc)
	if code != 303 || m == nil {
		t.Fatalf("offer: %d %q", code, loc)
	}
	oid := m[1]

	if _, body := get(t, anon, base+"/voorelkaar?wijk=WK011901"); !strings.Contains(body, "Voedselbank Meppel") || !strings.Contains(body, "<strong>Buurthuis De Linde</strong>") {
		t.Fatal("the public list does not show the organisations")
	}
	if _, body := get(t, anon, base+"/voorelkaar/aanbod/"+oid); !strings.Contains(body, "Aanbod van Buurthuis De Linde") {
		t.Fatal("the offer page does not name the organisation")
	}
	if _, body := get(t, bram, base+"/voorelkaar/aanbod/"+oid); !strings.Contains(body, "Ik wil Voedselbank Meppel helpen") {
		t.Fatal("the offer's suggestion does not name the organisation")
	}
	if _, body := get(t, anna, base+"/voorelkaar/vragen/"+rid); !strings.Contains(body, "Vraag Buurthuis De Linde") || !strings.Contains(body, "Voedselbank Meppel (namens de organisatie") {
		t.Fatal("the request's suggestion does not name the organisation")
	}
	if code, _, _ := post(t, bram, base+"/voorelkaar/vragen/"+rid+"/koppelen", url.Values{"aanbod": {oid}}); code != 303 {
		t.Fatalf("propose: %d", code)
	}
	pages := []string{"/voorelkaar", "/voorelkaar/mijn", "/voorelkaar/vragen/" + rid, "/voorelkaar/aanbod/" + oid, "/voorelkaar?wijk=WK011901"}
	without(t, "anna", anna, base, pages, "Bram", bramP.Email, "0522-333444")
	without(t, "bram", bram, base, pages, "Anna", annaP.Email, "0522-000111")
	without(t, "anyone", anon, base, pages, "Anna", "Bram", annaP.Email, bramP.Email, "0522-000111", "0522-333444")

	_, body = get(t, anna, base+"/voorelkaar/mijn")
	mm := veMatchForm.FindStringSubmatch(body)
	if mm == nil || !strings.Contains(body, "Vrijwilliger: <strong>Buurthuis De Linde</strong>") {
		t.Fatal("anna's match does not name the organisation")
	}
	if _, body := get(t, bram, base+"/voorelkaar/mijn"); !strings.Contains(body, "Hulpvraag van <strong>Voedselbank Meppel</strong>") || !strings.Contains(body, "namens Buurthuis De Linde") {
		t.Fatal("bram's page does not name the organisations")
	}
	if code, _, _ := post(t, anna, base+"/voorelkaar/koppelingen/"+mm[1]+"/antwoord", url.Values{"ja": {"1"}}); code != 303 {
		t.Fatalf("accept: %d", code)
	}
	if _, body := get(t, anna, base+"/voorelkaar/mijn"); !strings.Contains(body, "Zo bereikt u Bram (Buurthuis De Linde)") || !strings.Contains(body, bramP.Email) || !strings.Contains(body, "0522-333444") {
		t.Fatal("anna does not see who to reach after both accepted")
	}
	if _, body := get(t, bram, base+"/voorelkaar/mijn"); !strings.Contains(body, "Zo bereikt u Anna (Voedselbank Meppel)") || !strings.Contains(body, annaP.Email) {
		t.Fatal("bram does not see who to reach after both accepted")
	}
	without(t, "anyone after", anon, base, pages, "Anna", "Bram", annaP.Email, bramP.Email, "0522-000111", "0522-333444")
}

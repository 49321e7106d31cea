package web_test

import (
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// exImport applies a 301 and a 323 for Meppel as its beheerder: an
// allocation of two products for a new client, and declared care for one
// of them and for an allocation naober never saw, of a client known only
// by BSN.
func exImport(t *testing.T, e *env) {
	t.Helper()
	u, _ := e.st.UserByEmail(ctx, "beheer@meppel.nl")
	a := store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	vol := 2
	m301 := &exchange.Message{Standard: exchange.IJw, Code: "301", ID: "123456789012", Dagtekening: people.MustDate("2026-04-01"),
		Afzender: "0119", Ontvanger: "42420001", Import: true,
		Client: &exchange.Client{BSN: "999900006", Geboortedatum: people.MustDate("2010-02-14"), Geslacht: "man", Voornamen: "Tom", Voorvoegsel: "de", Achternaam: "Wit",
			Address: &exchange.Address{Postcode: "9999XX", Huisnummer: 9}},
		Allocations: []exchange.Allocation{{Nummer: "300201", ReferentieAanbieder: "40A12341234", Categorie: "45", Code: "45A11",
			Toewijzingsdatum: people.MustDate("2026-04-01"), Ingangsdatum: people.MustDate("2026-04-01"), Einddatum: people.MustDate("2026-07-14"),
			Volume: &vol, Eenheid: "04", Frequentie: "2"}}}
	m323 := &exchange.Message{Standard: exchange.IJw, Code: "323", ID: "765432198", Afzender: "42420001", Ontvanger: "0119", Import: true,
		Declaration: &exchange.Declaration{Nummer: "DN001", Begin: people.MustDate("2026-04-01"), Eind: people.MustDate("2026-04-30"), TotaalCents: 5000 + 24000,
			Claims: []exchange.Claim{
				{BSN: "999900006", ReferentieNummer: "RN001", ToewijzingNummer: "300201", Categorie: "45", Code: "45A11", Begin: people.MustDate("2026-04-01"),
					Eind: people.MustDate("2026-04-30"), Volume: 4, Eenheid: "04", TariefCents: 1250, BedragCents: 5000},
				{BSN: "999900018", ReferentieNummer: "RN002", ToewijzingNummer: "10073", Categorie: "45", Code: "45A04", Begin: people.MustDate("2026-04-01"),
					Eind: people.MustDate("2026-04-30"), Volume: 16, Eenheid: "04", TariefCents: 1500, BedragCents: 24000},
			}}}
	for _, m := range []*exchange.Message{m301, m323} {
		if _, err := e.st.ApplyMessage(ctx, a, "GM0119", m.Name()+".xml", m); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTimelineShowsImportedProvisionsAndClaims(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	exImport(t, e)
	c := e.browser()
	e.login(c, "regisseur@meppel.nl", pw)
	u, _ := e.st.UserByEmail(ctx, "regisseur@meppel.nl")
	a := store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	hits, err := e.st.FindByBSN(ctx, a, "999900006")
	if err != nil || len(hits) != 1 {
		t.Fatal(hits, err)
	}
	code, body := get(t, c, e.srv.URL+"/huishoudens/"+hits[0].HouseholdID)
	if code != 200 {
		t.Fatalf("household page: %d", code)
	}
	for _, want := range []string{"Toewijzing: Jeugdhulp ambulant voor Tom de Wit", "Toewijzingnummer 300201", "AGB 42420001", "referentie aanbieder 40A12341234",
		"Declaratie € 50,00", "01-04-2026 t/m 30-04-2026", "RN001: 4 × Uur à € 12,50 = € 50,00"} {
		if !strings.Contains(body, want) {
			t.Errorf("household timeline lacks %q", want)
		}
	}
	pvs, _ := e.st.ProvisionsForHousehold(ctx, a, hits[0].HouseholdID)
	code, body = get(t, c, e.srv.URL+"/voorzieningen/"+pvs[0].ID)
	for _, want := range []string{"Toewijzingnummer", "300201", "nog niet gemeld door de aanbieder", "Gedeclareerde zorg", "RN001", "€ 50,00", "Toewijzingsbericht (JW301) downloaden"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("provision page (%d) lacks %q", code, want)
		}
	}
	// The client known only by BSN: "onbekend", with the provision the 323 made.
	bare, _ := e.st.FindByBSN(ctx, a, "999900018")
	code, body = get(t, c, e.srv.URL+"/huishoudens/"+bare[0].HouseholdID)
	for _, want := range []string{"voor onbekend", "Declaratie € 240,00", "(uit het berichtenverkeer)"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("household of a client known only by BSN (%d) lacks %q", code, want)
		}
	}
}

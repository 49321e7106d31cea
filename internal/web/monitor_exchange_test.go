package web_test

import (
	"fmt"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/monitorfeed"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// Clients imported from the exchange whose address is not in the postcode
// table count in the gemeente, in a row of their own: "Wijk onbekend".
func TestMonitorShowsUnknownWijk(t *testing.T) {
	var ix *monitor.Index
	e := monEnv(t, func() *monitor.Index { return ix })
	u, _ := e.st.UserByEmail(ctx, "beheer@meppel.nl")
	a := store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	vol := 2
	for i, bsn := range []string{"999990019", "999990020", "999990032", "999990044", "999990056", "999990068", "999990081", "999990093", "999990111", "999990123", "999990135", "999990147"} {
		m := &exchange.Message{Standard: exchange.IJw, Code: "301", ID: fmt.Sprint(i + 1), Afzender: "0119", Ontvanger: "42420001", Import: true,
			Client: &exchange.Client{BSN: bsn, Geboortedatum: people.MustDate("2012-03-01"), Geslacht: "vrouw", Voornamen: "Kim", Achternaam: "Test",
				Address: &exchange.Address{Postcode: "9999XX", Huisnummer: i + 1}},
			Allocations: []exchange.Allocation{{Nummer: fmt.Sprint(500 + i), Categorie: "45", Ingangsdatum: people.Today().AddMonths(-2),
				Volume: &vol, Eenheid: "04", Frequentie: "2"}}}
		if _, err := e.st.ApplyMessage(ctx, a, "GM0119", "x.xml", m); err != nil {
			t.Fatal(err)
		}
	}
	f := monitorfeed.New(e.st, []string{"GM0119"}, 42, monitorfeed.Options{})
	if err := f.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	ix = f.Index()
	c := e.browser()
	e.login(c, "beleid@meppel.nl", pw)
	code, body := get(t, c, e.srv.URL+"/monitor/GM0119")
	if code != 200 || !strings.Contains(body, "Wijk onbekend (adres niet in de adrestabel)") {
		t.Fatalf("monitor page (%d) has no row for the unknown wijk", code)
	}
}

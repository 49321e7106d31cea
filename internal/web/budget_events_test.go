package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// The provision and spend events the household file shows.
func TestProvisionAndSpendEvents(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	s := &Server{Store: st}
	if err := st.EnsureTenant(ctx, "GM0119", "Meppel"); err != nil {
		t.Fatal(err)
	}
	mk := func(email string, role auth.Role) store.Actor {
		u := &store.User{Email: email, PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: role}}}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	}
	r, tl := mk("r@meppel.nl", auth.Regisseur), mk("tl@meppel.nl", auth.Teamleider)
	h := people.Household{Gemeente: "GM0119", Postcode: "7941AB", Huisnummer: 1, Wijk: "WK011901"}
	if err := st.CreateHousehold(ctx, r, &h); err != nil {
		t.Fatal(err)
	}
	p := people.Person{Gemeente: "GM0119", BSN: "999990019", Voornamen: "Sanne", Achternaam: "Bos", Geboortedatum: people.MustDate("1990-01-01"), Geslacht: "vrouw"}
	if err := st.CreatePerson(ctx, r, &p, &people.Member{Household: h.ID, Rol: "ouder", Start: people.MustDate("2015-01-01")}); err != nil {
		t.Fatal(err)
	}
	pr := casework.Provision{HouseholdID: h.ID, PersonID: p.ID, Wet: "wgs", Categorie: "WGS-BUDGETBEHEER", Start: people.MustDate("2025-03-01"),
		MaandbedragCents: casework.Cents(9500).Ptr(), Aanbieder: "Kredietbank"}
	if err := st.CreateProvision(ctx, r, &pr); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetProvisionStatus(ctx, r, pr.ID, casework.StatusChange{Status: casework.ProvisionEnded, EindReden: "doel_bereikt", Eind: people.MustDate("2025-09-01")}); err != nil {
		t.Fatal(err)
	}
	team := casework.Team{Gemeente: "GM0119", Naam: "Centrum", Wijken: []string{"WK011901"}}
	if err := st.CreateTeam(ctx, tl, &team); err != nil {
		t.Fatal(err)
	}
	b := casework.Budget{TeamID: team.ID, Jaar: people.Today().Year(), BedragCents: 100000, DrempelCents: 100000}
	if err := st.SetBudget(ctx, tl, &b); err != nil {
		t.Fatal(err)
	}
	sp := casework.Spend{HouseholdID: h.ID, BedragCents: 45000, Doel: "Energieschuld", Voorkomt: "Afsluiting"}
	if err := st.RequestSpend(ctx, r, &sp); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DecideSpend(ctx, tl, sp.ID, casework.Decision{Approve: true, Reason: "Akkoord"}); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/", nil)
	pe, err := provisionEvents(s, req, r, h)
	if err != nil || len(pe) != 2 || pe[0].Kind != "voorziening" || pe[0].Link != "/voorzieningen/"+pr.ID ||
		!strings.Contains(pe[0].Title, "Budgetbeheer voor Sanne Bos") || !strings.Contains(pe[1].Title, "beëindigd: Doelen bereikt") || pe[1].When != people.MustDate("2025-09-01").Time() {
		t.Fatalf("provision events: %v %+v", err, pe)
	}
	se, err := spendEvents(s, req, r, h)
	if err != nil || len(se) != 2 || !strings.Contains(se[0].Title, "€ 450,00 aangevraagd door r@meppel.nl") || !strings.Contains(se[1].Title, "goedgekeurd door tl@meppel.nl") || se[1].Detail != "Akkoord" {
		t.Fatalf("spend events: %v %+v", err, se)
	}
	// Beleid gets nothing.
	bl := mk("b@meppel.nl", auth.Beleid)
	if _, err := provisionEvents(s, req, bl, h); err == nil {
		t.Fatal("beleid reads provision events")
	}
	if _, err := spendEvents(s, req, bl, h); err == nil {
		t.Fatal("beleid reads spend events")
	}
}

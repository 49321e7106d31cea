package store_test

import (
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// exFixture: the tenants the example messages address (0384, 0363) and a
// beheer user of both, plus a regisseur of 0384 to read back.
type exFixture struct {
	s                    *store.Store
	beheer, regisseur    store.Actor
	regisseur363, beleid store.Actor
}

func exSetup(t *testing.T, s *store.Store) exFixture {
	t.Helper()
	for _, tn := range []store.Tenant{{"GM0384", "Diemen"}, {"GM0363", "Amsterdam"}} {
		if err := s.EnsureTenant(ctx, tn.Gemeente, tn.Naam); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(email string, grants ...auth.Grant) store.Actor {
		u := &store.User{Email: email, PasswordHash: "x", Grants: grants}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	}
	return exFixture{s: s,
		beheer:       mk("beheer@diemen.nl", auth.Grant{Gemeente: "GM0384", Role: auth.Beheer}, auth.Grant{Gemeente: "GM0363", Role: auth.Beheer}),
		regisseur:    mk("r@diemen.nl", auth.Grant{Gemeente: "GM0384", Role: auth.Regisseur}),
		regisseur363: mk("r@amsterdam.nl", auth.Grant{Gemeente: "GM0363", Role: auth.Regisseur}),
		beleid:       mk("b@diemen.nl", auth.Grant{Gemeente: "GM0384", Role: auth.Beleid}),
	}
}

func exInt(n int) *int         { return &n }
func exD(s string) people.Date { return people.MustDate(s) }

// The example messages of ../shared/data/istandaarden, as istd reads them.
func exJW301() *exchange.Message {
	return &exchange.Message{Standard: exchange.IJw, Code: "301", BerichtCode: "436", ID: "123456789012", Dagtekening: exD("2026-04-01"),
		Afzender: "0384", Ontvanger: "42420001", Import: true,
		Client: &exchange.Client{BSN: "999900006", Geboortedatum: exD("2010-02-14"), Geslacht: "man", Voornamen: "Tom", Voorletters: "T", Voorvoegsel: "de", Achternaam: "Wit",
			Address: &exchange.Address{Postcode: "9999XX", Huisnummer: 9, Toevoeging: "BBEL", Straat: "Van Woustraat", Plaats: "Amsterdam"}},
		Allocations: []exchange.Allocation{
			{Nummer: "300201", ReferentieAanbieder: "40A12341234", Categorie: "55", Code: "55A11", Toewijzingsdatum: exD("2026-04-01"), Ingangsdatum: exD("2026-04-01"),
				Einddatum: exD("2026-07-14"), Volume: exInt(2), Eenheid: "04", Frequentie: "2", Commentaar: "Commentaar Toegewezen Product 1"},
			{Nummer: "300202", ReferentieAanbieder: "40A12341235", Categorie: "55", Code: "55A12", Toewijzingsdatum: exD("2026-04-01"), Ingangsdatum: exD("2026-04-01"),
				Einddatum: exD("2026-07-19"), Volume: exInt(2), Eenheid: "16", Frequentie: "2", Commentaar: "Commentaar Toegewezen Product 2"},
		}}
}

func exJW305() *exchange.Message {
	return &exchange.Message{Standard: exchange.IJw, Code: "305", BerichtCode: "438", ID: "123456789012", Dagtekening: exD("2026-04-15"),
		Afzender: "65656055", Ontvanger: "0363", Import: true,
		Client: &exchange.Client{BSN: "999900006", Geboortedatum: exD("2010-02-14"), Geslacht: "man", Voornamen: "Tom", Voorletters: "T", Voorvoegsel: "de", Achternaam: "Wit"},
		Starts: []exchange.Start{
			{Nummer: "300201", Categorie: "55", Code: "55A11", ToewijzingIngangsdatum: exD("2026-04-01"), Begindatum: exD("2026-04-03"), Status: "1"},
			{Nummer: "300202", Categorie: "55", Code: "55A12", ToewijzingIngangsdatum: exD("2026-04-01"), Begindatum: exD("2026-04-15"), Status: "1"},
		}}
}

func exJW307() *exchange.Message {
	return &exchange.Message{Standard: exchange.IJw, Code: "307", BerichtCode: "440", ID: "123456789012", Dagtekening: exD("2026-07-20"),
		Afzender: "65656055", Ontvanger: "0363", Import: true,
		Client: &exchange.Client{BSN: "999900006", Geboortedatum: exD("2010-02-14"), Geslacht: "man", Voornamen: "Tom", Voorletters: "T", Voorvoegsel: "de", Achternaam: "Wit"},
		Stops: []exchange.Stop{
			{Nummer: "300201", Categorie: "55", Code: "55A11", ToewijzingIngangsdatum: exD("2026-04-01"), Begindatum: exD("2026-04-03"), Einddatum: exD("2026-07-17"), RedenBeeindiging: "31", Status: "1"},
			{Nummer: "300202", Categorie: "55", Code: "55A12", ToewijzingIngangsdatum: exD("2026-04-01"), Begindatum: exD("2026-04-15"), Einddatum: exD("2026-07-17"), RedenBeeindiging: "31", Status: "1"},
		}}
}

func exJW323() *exchange.Message {
	claim := func(ref, nr, code, bsn string, vol, tarief, bedrag int64) exchange.Claim {
		return exchange.Claim{BSN: bsn, ReferentieNummer: ref, ToewijzingNummer: nr, Categorie: "45", Code: code, Begin: exD("2026-04-01"), Eind: exD("2026-04-30"),
			Volume: vol, Eenheid: "04", TariefCents: tarief, BedragCents: bedrag}
	}
	return &exchange.Message{Standard: exchange.IJw, Code: "323", BerichtCode: "490", ID: "765432198", Dagtekening: exD("2026-05-06"),
		Afzender: "65656055", Ontvanger: "0384", Import: true,
		Declaration: &exchange.Declaration{Nummer: "DN001", Begin: exD("2026-04-01"), Eind: exD("2026-04-30"), TotaalCents: 79000, Claims: []exchange.Claim{
			claim("RN001", "10072", "45A03", "999900006", 4, 1250, 5000),
			claim("RN002", "10073", "45A04", "999900006", 16, 1500, 24000),
			claim("RN003", "10074", "45A03", "999900018", 4, 1250, 5000),
			claim("RN004", "10075", "45A04", "999900018", 30, 1500, 45000),
		}}}
}

func TestExchangeApplyAllocationStartStop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		res, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "JW301.xml", exJW301())
		if err != nil {
			t.Fatal(err)
		}
		if res.PersonsCreated != 1 || res.HouseholdsCreated != 1 || res.ProvisionsCreated != 2 || res.Unplaced != 1 || res.Duplicate {
			t.Fatalf("301 result: %+v", res)
		}
		hits, err := s.FindByBSN(ctx, f.regisseur, "999900006")
		if err != nil || len(hits) != 1 {
			t.Fatalf("person: %+v %v", hits, err)
		}
		p := hits[0]
		if p.Voornamen != "Tom" || p.Tussenvoegsel != "de" || p.Achternaam != "Wit" || p.Geboortedatum.ISO() != "2010-02-14" || p.Geslacht != "man" || p.Bron != people.SourceExchange {
			t.Fatalf("person fields: %+v", p.Person)
		}
		pvs, err := s.ProvisionsForHousehold(ctx, f.regisseur, p.HouseholdID)
		if err != nil || len(pvs) != 2 {
			t.Fatalf("provisions: %+v %v", pvs, err)
		}
		ex, err := s.HouseholdExchange(ctx, f.regisseur, p.HouseholdID)
		if err != nil || len(ex) != 2 {
			t.Fatalf("exchange data: %+v %v", ex, err)
		}
		want := exJW301().Allocations
		for _, pv := range pvs {
			x := ex[pv.ID]
			var al exchange.Allocation
			for _, a := range want {
				if a.Nummer == x.Toewijzingnummer {
					al = a
				}
			}
			if al.Nummer == "" || pv.Wet != "jw" || pv.Categorie != al.Categorie || pv.Productcode != al.Code || pv.Taakveld != "6.753" ||
				pv.AanbiederAGB != "42420001" || pv.Start != al.Ingangsdatum || pv.Eind != al.Einddatum || pv.Volume == nil || *pv.Volume != *al.Volume ||
				pv.Eenheid != al.Eenheid || pv.Frequentie != al.Frequentie || pv.Status != "toegekend" || pv.Toelichting != al.Commentaar || pv.PersonID != p.ID {
				t.Fatalf("provision %s: %+v", x.Toewijzingnummer, pv)
			}
			if x.ReferentieAanbieder != al.ReferentieAanbieder || x.Toewijzingsdatum != al.Toewijzingsdatum || x.Bron != people.SourceExchange || !x.WerkelijkeStart.IsZero() {
				t.Fatalf("exchange %s: %+v", x.Toewijzingnummer, x)
			}
		}

		// The 305 and 307 examples go to 0363: refused in 0384, naming the header.
		_, err = s.ApplyMessage(ctx, f.beheer, "GM0384", "JW305.xml", exJW305())
		if ps, ok := err.(exchange.Problems); !ok || len(ps) != 1 || ps[0].Path != "/Bericht/Header/Ontvanger" || ps[0].File != "JW305.xml" {
			t.Fatalf("wrong gemeente: %v", err)
		}
		// Addressed to 0384, they start and stop the allocations.
		m305, m307 := exJW305(), exJW307()
		m305.Ontvanger, m307.Ontvanger = "0384", "0384"
		if res, err = s.ApplyMessage(ctx, f.beheer, "GM0384", "JW305.xml", m305); err != nil || res.ProvisionsUpdated != 2 || res.PersonsCreated != 0 {
			t.Fatalf("305: %+v %v", res, err)
		}
		ex, _ = s.HouseholdExchange(ctx, f.regisseur, p.HouseholdID)
		for _, pv := range pvs {
			got, _ := s.GetProvision(ctx, f.regisseur, pv.ID)
			x := ex[pv.ID]
			wantStart := map[string]string{"300201": "2026-04-03", "300202": "2026-04-15"}[x.Toewijzingnummer]
			if got.Status != "gestart" || x.WerkelijkeStart.ISO() != wantStart {
				t.Fatalf("after 305: %s %s %s", x.Toewijzingnummer, got.Status, x.WerkelijkeStart)
			}
		}
		if res, err = s.ApplyMessage(ctx, f.beheer, "GM0384", "JW307.xml", m307); err != nil || res.ProvisionsUpdated != 2 {
			t.Fatalf("307: %+v %v", res, err)
		}
		ex, _ = s.HouseholdExchange(ctx, f.regisseur, p.HouseholdID)
		for _, pv := range pvs {
			got, _ := s.GetProvision(ctx, f.regisseur, pv.ID)
			x := ex[pv.ID]
			if got.Status != "beeindigd" || got.EindReden != "doel_bereikt" || x.WerkelijkeEind.ISO() != "2026-07-17" || x.RedenBeeindiging != "31" ||
				x.RedenBeeindigingNaam != "Levering is volgens plan beëindigd" || got.Eind != pv.Eind {
				t.Fatalf("after 307: %+v %+v", got, x)
			}
		}
	})
}

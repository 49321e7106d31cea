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

func exDump(t *testing.T, s *store.Store) map[string][]string {
	t.Helper()
	d, err := s.DumpForTest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func exSameDump(t *testing.T, what string, a, b map[string][]string) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: tables %d vs %d", what, len(a), len(b))
	}
	for tb, rows := range a {
		other := b[tb]
		if len(rows) != len(other) {
			t.Fatalf("%s: table %s has %d rows, was %d", what, tb, len(other), len(rows))
		}
		for i := range rows {
			if rows[i] != other[i] {
				t.Fatalf("%s: table %s row %d changed:\n%s\n%s", what, tb, i, rows[i], other[i])
			}
		}
	}
}

func TestExchangeDeclarationForUnknownAllocations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		res, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "JW323.xml", exJW323())
		if err != nil {
			t.Fatal(err)
		}
		// Two clients known only by BSN, four allocations naober never saw.
		if res.PersonsCreated != 2 || res.HouseholdsCreated != 2 || res.Unplaced != 2 || res.ProvisionsCreated != 4 || res.ClaimsCreated != 4 {
			t.Fatalf("323 result: %+v", res)
		}
		for _, c := range exJW323().Declaration.Claims {
			hits, err := s.FindByBSN(ctx, f.regisseur, c.BSN)
			if err != nil || len(hits) != 1 {
				t.Fatalf("person %s: %v %v", c.BSN, hits, err)
			}
			if hits[0].Achternaam != "" || !hits[0].Geboortedatum.IsZero() || hits[0].Bron != people.SourceExchange {
				t.Fatalf("bare person: %+v", hits[0].Person)
			}
			ex, err := s.HouseholdExchange(ctx, f.regisseur, hits[0].HouseholdID)
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for id, x := range ex {
				if x.Toewijzingnummer != c.ToewijzingNummer {
					continue
				}
				found = true
				pv, err := s.GetProvision(ctx, f.regisseur, id)
				if err != nil || pv.Wet != "jw" || pv.Categorie != c.Categorie || pv.Productcode != c.Code || pv.Start != c.Begin || pv.Status != "gestart" ||
					pv.AanbiederAGB != "65656055" || pv.Taakveld != "6.751" {
					t.Fatalf("provision from 323: %+v %v", pv, err)
				}
				if len(x.Claims) != 1 {
					t.Fatalf("claims: %+v", x.Claims)
				}
				cl := x.Claims[0]
				if cl.Referentienummer != c.ReferentieNummer || cl.Begin != c.Begin || cl.Eind != c.Eind || cl.Volume != c.Volume || cl.Eenheid != c.Eenheid ||
					cl.TariefCents != c.TariefCents || cl.BedragCents != c.BedragCents || cl.Declaratienummer != "DN001" || cl.AanbiederAGB != "65656055" {
					t.Fatalf("claim: %+v want %+v", cl, c)
				}
			}
			if !found {
				t.Fatalf("no provision %s", c.ToewijzingNummer)
			}
		}

		// A credit line in a later declaration cancels RN001: negative, idempotent per reference.
		credit := exJW323()
		credit.ID = "765432199"
		c := credit.Declaration.Claims[0]
		c.ReferentieNummer, c.VorigReferentie, c.BedragCents = "RN101", "RN001", -5000
		credit.Declaration.Claims = []exchange.Claim{c}
		credit.Declaration.TotaalCents = -5000
		if res, err = s.ApplyMessage(ctx, f.beheer, "GM0384", "credit.xml", credit); err != nil || res.ClaimsCreated != 1 || res.ProvisionsCreated != 0 || res.PersonsCreated != 0 {
			t.Fatalf("credit: %+v %v", res, err)
		}
		hits, _ := s.FindByBSN(ctx, f.regisseur, "999900006")
		ex, _ := s.HouseholdExchange(ctx, f.regisseur, hits[0].HouseholdID)
		var total int64
		for _, x := range ex {
			total += x.DeclaredCents()
		}
		if total != 24000 {
			t.Fatalf("declared after credit: %d", total)
		}
		// The same lines under another message id count once.
		again := exJW323()
		again.ID = "765432200"
		res, err = s.ApplyMessage(ctx, f.beheer, "GM0384", "again.xml", again)
		if err != nil || res.ClaimsCreated != 0 || len(res.Warnings) != 4 {
			t.Fatalf("same lines again: %+v %v", res, err)
		}
		// A total that is not the sum is refused.
		bad := exJW323()
		bad.ID = "1"
		bad.Declaration.TotaalCents = 1
		if _, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "bad.xml", bad); err == nil {
			t.Fatal("wrong total accepted")
		}
	})
}

func TestExchangeReimportChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		msgs := []*exchange.Message{exJW301(), exJW323()}
		for _, m := range msgs {
			if _, err := s.ApplyMessage(ctx, f.beheer, "GM0384", m.Name()+".xml", m); err != nil {
				t.Fatal(err)
			}
		}
		before := exDump(t, s)
		for _, m := range []*exchange.Message{exJW301(), exJW323()} {
			res, err := s.ApplyMessage(ctx, f.beheer, "GM0384", m.Name()+".xml", m)
			if err != nil || !res.Duplicate || res.ProvisionsCreated+res.ProvisionsUpdated+res.ClaimsCreated+res.PersonsCreated != 0 {
				t.Fatalf("re-import %s: %+v %v", m.Name(), res, err)
			}
		}
		exSameDump(t, "re-import", before, exDump(t, s))
	})
}

func TestExchangeBrokenMessageChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		if _, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "JW301.xml", exJW301()); err != nil {
			t.Fatal(err)
		}
		before := exDump(t, s)
		// A 301 whose second product has an unknown category, a client with
		// an invalid BSN, a 307 without a reason, a 323 with a period that
		// ends before it begins: each refused whole, naming the element.
		cases := []struct {
			m    func() *exchange.Message
			path string
		}{
			{func() *exchange.Message {
				m := exJW301()
				m.ID = "2"
				m.Client.BSN = "999900018"
				m.Allocations[0].Nummer = "400001"
				m.Allocations[1].Nummer = "400002"
				m.Allocations[1].Categorie = "99"
				return m
			}, "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Product/Categorie"},
			{func() *exchange.Message {
				m := exJW301()
				m.ID = "3"
				m.Client.BSN = "123456789"
				return m
			}, "Client/Bsn"},
			{func() *exchange.Message {
				m := exJW307()
				m.Ontvanger = "0384"
				m.Stops[1].RedenBeeindiging = ""
				return m
			}, "/Bericht/Client/StopProducten/StopProduct[2]/RedenBeeindiging"},
			{func() *exchange.Message {
				m := exJW323()
				m.Declaration.Claims[1].Eind = exD("2026-03-31")
				return m
			}, "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[2]/ProductPeriode"},
		}
		for i, c := range cases {
			_, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "broken.xml", c.m())
			ps, ok := err.(exchange.Problems)
			if !ok || len(ps) == 0 || ps[0].Path != c.path || ps[0].File != "broken.xml" {
				t.Fatalf("case %d: %v", i, err)
			}
			exSameDump(t, "broken message", before, exDump(t, s))
		}
	})
}

// The gemeente's system gave one allocation number to two clients: naober
// mirrors it as one provision per client, with a warning, and 305/307
// find the provision by number and client.
func TestExchangeSharedAllocationNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		if _, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "JW301.xml", exJW301()); err != nil {
			t.Fatal(err)
		}
		other := exJW301()
		other.ID = "4"
		other.Client.BSN = "999900018"
		res, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "other.xml", other)
		if err != nil || res.ProvisionsCreated != 2 || res.ProvisionsUpdated != 0 || len(res.Warnings) != 2 ||
			res.Warnings[0].Path != "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[1]/ToewijzingNummer" || res.Warnings[0].Value != "300201" ||
			res.Warnings[0].Msg != "toewijzing 300201 staat ook op naam van een andere cliënt (******006); apart vastgelegd — controleer dit in het systeem van de gemeente" {
			t.Fatalf("301 with another client's numbers: %+v %v", res, err)
		}
		// A start for 999900018 and a stop for 999900006 each touch their own.
		start := exJW305()
		start.Ontvanger = "0384"
		start.Client.BSN = "999900018"
		stop := exJW307()
		stop.Ontvanger = "0384"
		for _, m := range []*exchange.Message{start, stop} {
			res, err := s.ApplyMessage(ctx, f.beheer, "GM0384", m.Name()+".xml", m)
			if err != nil || res.ProvisionsCreated != 0 || res.ProvisionsUpdated != 2 || len(res.Warnings) != 0 {
				t.Fatalf("%s: %+v %v", m.Name(), res, err)
			}
		}
		for bsn, status := range map[string]string{"999900006": "beeindigd", "999900018": "gestart"} {
			hits, err := s.FindByBSN(ctx, f.regisseur, bsn)
			if err != nil || len(hits) != 1 {
				t.Fatalf("%s: %v %v", bsn, hits, err)
			}
			pvs, err := s.ProvisionsForHousehold(ctx, f.regisseur, hits[0].HouseholdID)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, p := range pvs {
				if p.PersonID != hits[0].ID {
					continue
				}
				n++
				if p.Status != status {
					t.Errorf("%s: %+v", bsn, p)
				}
			}
			if n != 2 {
				t.Errorf("%s: %d provisions", bsn, n)
			}
		}
	})
}

// A batch looks up the messages imported before by standaard, code,
// afzender and identification together: a message with an identification
// that another kind of message or sender used is new, the same message
// again (also twice in one batch) is a duplicate.
func TestExchangeBatchDuplicatesByWholeKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		out, err := s.ApplyMessages(ctx, f.beheer, "GM0384", []store.ExchangeInput{{File: "a.xml", Message: exJW301()}, {File: "b.xml", Message: exJW323()}}, store.ApplyOptions{})
		if err != nil || out[0].Err != nil || out[1].Err != nil || out[0].Result.Duplicate || out[1].Result.Duplicate {
			t.Fatalf("first batch: %+v %v", out, err)
		}
		start := func() *exchange.Message {
			m := exJW305() // the 301's identification, from the provider
			m.Ontvanger = "0384"
			return m
		}
		other := exJW323()
		other.Afzender = "65656056" // the 323's identification, another provider
		for i := range other.Declaration.Claims {
			other.Declaration.Claims[i].ReferentieNummer += "-2"
		}
		in := []store.ExchangeInput{{File: "a.xml", Message: exJW301()}, {File: "c.xml", Message: start()}, {File: "b.xml", Message: exJW323()},
			{File: "c2.xml", Message: start()}, {File: "d.xml", Message: other}}
		out, err = s.ApplyMessages(ctx, f.beheer, "GM0384", in, store.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false, true, true, false} {
			if out[i].Err != nil || out[i].Result.Duplicate != want {
				t.Fatalf("message %d (%s): duplicate %v, want %v (%v)", i, in[i].File, out[i].Result.Duplicate, want, out[i].Err)
			}
		}
		if out[1].Result.ProvisionsUpdated != 2 || out[4].Result.ClaimsCreated != 4 {
			t.Fatalf("new messages did not apply: %+v %+v", out[1].Result, out[4].Result)
		}
	})
}

func TestExchangeBatchRollsBackOnlyTheBadMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		bad := exJW301()
		bad.ID = "9"
		bad.Client.BSN = "999900018"
		bad.Allocations[0].Nummer = "500001"
		bad.Allocations[1].Nummer = "500002"
		bad.Allocations[1].Einddatum = exD("2020-01-01")
		// A message refused after it wrote something: the 305 creates its
		// client (unknown to naober) before it finds the category unknown.
		late := exJW305()
		late.ID = "11"
		late.Ontvanger = "0384"
		late.Client.BSN = "999900031"
		late.Starts[0].Nummer = "600001"
		late.Starts[0].Categorie = "99"
		in := []store.ExchangeInput{{File: "a.xml", Message: exJW301()}, {File: "bad.xml", Message: bad}, {File: "c.xml", Message: exJW323()}, {File: "late.xml", Message: late}}
		out, err := s.ApplyMessages(ctx, f.beheer, "GM0384", in, store.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if out[0].Err != nil || out[0].Result.ProvisionsCreated != 2 || out[1].Err == nil || out[2].Err != nil || out[2].Result.ClaimsCreated != 4 {
			t.Fatalf("batch: %+v", out)
		}
		if ps, ok := out[3].Err.(exchange.Problems); !ok || len(ps) != 1 || ps[0].Path != "/Bericht/Client/StartProducten/StartProduct[1]" || ps[0].File != "late.xml" {
			t.Fatalf("late refusal: %+v", out[3])
		}
		if hits, err := s.FindByBSN(ctx, f.regisseur, "999900031"); err != nil || len(hits) != 0 {
			t.Fatalf("late refused message's person: %+v %v", hits, err)
		}
		// The bad message's client (999900018) exists only through the 323,
		// without the 301's name: the bad message left nothing behind.
		hits, err := s.FindByBSN(ctx, f.regisseur, "999900018")
		if err != nil || len(hits) != 1 || hits[0].Achternaam != "" {
			t.Fatalf("bad message's person: %+v %v", hits, err)
		}
		// A dry run reports and saves nothing.
		before := exDump(t, s)
		m := exJW301()
		m.ID = "10"
		out, err = s.ApplyMessages(ctx, f.beheer, "GM0384", []store.ExchangeInput{{File: "d.xml", Message: m}}, store.ApplyOptions{DryRun: true})
		if err != nil || out[0].Err != nil || out[0].Result.ProvisionsUpdated != 2 {
			t.Fatalf("dry run: %+v %v", out, err)
		}
		exSameDump(t, "dry run", before, exDump(t, s))
		// Only beheer (ImportExchange) or case workers of the gemeente may import.
		if _, err := s.ApplyMessages(ctx, f.beleid, "GM0384", in, store.ApplyOptions{}); err == nil {
			t.Fatal("beleid imported")
		}
		if _, err := s.ApplyMessages(ctx, f.regisseur363, "GM0384", in, store.ApplyOptions{}); err == nil {
			t.Fatal("regisseur of another gemeente imported")
		}
	})
}

func TestExchangeAllocationMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		if _, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "JW301.xml", exJW301()); err != nil {
			t.Fatal(err)
		}
		hits, _ := s.FindByBSN(ctx, f.regisseur, "999900006")
		pvs, _ := s.ProvisionsForHousehold(ctx, f.regisseur, hits[0].HouseholdID)
		ex, _ := s.HouseholdExchange(ctx, f.regisseur, hits[0].HouseholdID)
		for _, pv := range pvs {
			m, err := s.AllocationMessage(ctx, f.regisseur, pv.ID, "X1", nil)
			if err != nil {
				t.Fatal(err)
			}
			var want exchange.Allocation
			for _, al := range exJW301().Allocations {
				if al.Nummer == ex[pv.ID].Toewijzingnummer {
					want = al
				}
			}
			got := m.Allocations[0]
			if m.Standard != exchange.IJw || m.Code != "301" || m.Afzender != "0384" || m.Ontvanger != "42420001" || m.ID != "X1" ||
				m.Client.BSN != "999900006" || m.Client.Achternaam != "Wit" || m.Client.Voorvoegsel != "de" || m.Client.Geboortedatum.ISO() != "2010-02-14" ||
				m.Client.Address == nil || m.Client.Address.Postcode != "9999XX" || m.Client.Address.Toevoeging != "BBEL" {
				t.Fatalf("message: %+v client %+v", m, m.Client)
			}
			if got.Nummer != want.Nummer || got.Categorie != want.Categorie || got.Code != want.Code || got.Ingangsdatum != want.Ingangsdatum ||
				got.Einddatum != want.Einddatum || *got.Volume != *want.Volume || got.Eenheid != want.Eenheid || got.Frequentie != want.Frequentie ||
				got.ReferentieAanbieder != want.ReferentieAanbieder || got.Toewijzingsdatum != want.Toewijzingsdatum || got.Commentaar != "" {
				t.Fatalf("allocation %+v, want %+v", got, want)
			}
		}
		// Beheer may import but not read persons: no allocation message.
		if _, err := s.AllocationMessage(ctx, f.beheer, pvs[0].ID, "", nil); err == nil {
			t.Fatal("beheer read a person through the allocation message")
		}
	})
}

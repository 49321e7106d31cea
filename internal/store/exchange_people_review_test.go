package store_test

import (
	"testing"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// exBorderAreas: postcode 1017AA has a row of Diemen (1–99) and a narrower
// one of Amsterdam (10–20) inside it.
func exBorderAreas(t *testing.T, s *store.Store) {
	t.Helper()
	if err := s.PutPostcodeAreas(ctx, []store.PostcodeArea{
		{Postcode: "1017AA", HuisnummerVan: 1, HuisnummerTot: 99, Gemeente: "GM0384", Wijk: "WK038401"},
		{Postcode: "1017AA", HuisnummerVan: 10, HuisnummerTot: 20, Gemeente: "GM0363", Wijk: "WK036300"},
	}); err != nil {
		t.Fatal(err)
	}
}

func exHouseholdOf(t *testing.T, s *store.Store, a store.Actor, bsn string) people.Household {
	t.Helper()
	hits, err := s.FindByBSN(ctx, a, bsn)
	if err != nil || len(hits) != 1 {
		t.Fatalf("find %s: %v %v", exchange.MaskBSN(bsn), hits, err)
	}
	h, err := s.GetHousehold(ctx, a, hits[0].HouseholdID)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func exAt(m *exchange.Message, id, bsn string, nr int, numbers ...string) *exchange.Message {
	m.ID = id
	m.Client.BSN = bsn
	m.Client.Address = &exchange.Address{Postcode: "1017AA", Huisnummer: nr}
	for i := range m.Allocations {
		m.Allocations[i].Nummer = numbers[i]
	}
	return m
}

// A new client of the exchange is placed through the gemeente's own rows
// of the postcode table only, on the single path and in a batch (issue 5,
// #13).
func TestExchangePlacementUsesTheGemeentesRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		exBorderAreas(t, s)
		got, err := s.ExchangePersonForTest(ctx, f.beheer, "GM0384", exchange.Client{BSN: shBSN(20), Achternaam: "Wit",
			Address: &exchange.Address{Postcode: "1017AA", Huisnummer: 15}}, people.SourceExchange)
		if err != nil {
			t.Fatal(err)
		}
		if got.Unplaced {
			t.Fatalf("single path: unplaced: %+v", got)
		}
		if h := exHouseholdOf(t, s, f.regisseur, shBSN(20)); h.Wijk != "WK038401" {
			t.Fatalf("single path: wijk %q", h.Wijk)
		}
		out, err := s.ApplyMessages(ctx, f.beheer, "GM0384", []store.ExchangeInput{
			{File: "a.xml", Message: exAt(exJW301(), "21", shBSN(21), 16, "700001", "700002")},
		}, store.ApplyOptions{})
		if err != nil || out[0].Err != nil || out[0].Result.Unplaced != 0 {
			t.Fatalf("batch: %+v %v", out, err)
		}
		if h := exHouseholdOf(t, s, f.regisseur, shBSN(21)); h.Wijk != "WK038401" {
			t.Fatalf("batch: wijk %q", h.Wijk)
		}
	})
}

// Clients of the exchange at one address (an institution) each get a
// household of their own, placed at that address; none is put into a
// household a case worker made there (issue 5, #3).
func TestExchangeClientsAtOneAddressKeepOwnHouseholds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		exBorderAreas(t, s)
		existing := people.Household{Gemeente: "GM0384", Postcode: "1017AA", Huisnummer: 5, Wijk: "WK038401"}
		if err := s.CreateHousehold(ctx, f.regisseur, &existing); err != nil {
			t.Fatal(err)
		}
		got, err := s.ExchangePersonForTest(ctx, f.beheer, "GM0384", exchange.Client{BSN: shBSN(30), Achternaam: "Wit",
			Address: &exchange.Address{Postcode: "1017AA", Huisnummer: 5}}, people.SourceExchange)
		if err != nil {
			t.Fatal(err)
		}
		if got.HouseholdID == existing.ID || !got.HouseholdCreated {
			t.Fatalf("put into the existing household at the address: %+v", got)
		}
		// Two clients of one batch at one address.
		out, err := s.ApplyMessages(ctx, f.beheer, "GM0384", []store.ExchangeInput{
			{File: "a.xml", Message: exAt(exJW301(), "31", shBSN(31), 5, "710001", "710002")},
			{File: "b.xml", Message: exAt(exJW301(), "32", shBSN(32), 5, "720001", "720002")},
		}, store.ApplyOptions{})
		if err != nil || out[0].Err != nil || out[1].Err != nil || out[0].Result.HouseholdsCreated != 1 || out[1].Result.HouseholdsCreated != 1 {
			t.Fatalf("batch: %+v %v", out, err)
		}
		seen := map[string]bool{existing.ID: true, got.HouseholdID: true}
		for _, bsn := range []string{shBSN(31), shBSN(32)} {
			h := exHouseholdOf(t, s, f.regisseur, bsn)
			if seen[h.ID] {
				t.Fatalf("%s shares a household", exchange.MaskBSN(bsn))
			}
			seen[h.ID] = true
			if h.Postcode != "1017AA" || h.Huisnummer != 5 || h.Wijk != "WK038401" {
				t.Fatalf("household not at the address: %+v", h)
			}
		}
	})
}

// Comparing a message's client with naober's record reads the person: the
// read is audited with the exchange's purpose, on the single path and in a
// batch (issue 5, #10).
func TestExchangeCompareClientIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		h := people.Household{Gemeente: "GM0384", Postcode: "1017AB", Huisnummer: 1, Wijk: "WK038401"}
		if err := s.CreateHousehold(ctx, f.regisseur, &h); err != nil {
			t.Fatal(err)
		}
		known := people.Person{Gemeente: "GM0384", BSN: shBSN(40), Voornamen: "Anna", Achternaam: "Jansen", Geboortedatum: people.MustDate("1980-05-17"), Geslacht: "vrouw"}
		if err := s.CreatePerson(ctx, f.regisseur, &known, &people.Member{Household: h.ID, Rol: "ouder", Start: people.MustDate("2015-01-01")}); err != nil {
			t.Fatal(err)
		}
		reads := func() string {
			t.Helper()
			n, err := s.SheetQuery(ctx, "SELECT COUNT(*) FROM audit_log WHERE record_id = ? AND action = ? AND purpose = ? AND user_id = ?",
				known.ID, string(audit.Read), store.PurposeExchange, f.beheer.P.UserID)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if _, err := s.ExchangePersonForTest(ctx, f.beheer, "GM0384", exchange.Client{BSN: shBSN(40), Achternaam: "Janssen"}, people.SourceExchange); err != nil {
			t.Fatal(err)
		}
		if n := reads(); n != "1" {
			t.Fatalf("single path: %s audited reads", n)
		}
		m := exJW301()
		m.Client.BSN = shBSN(40)
		out, err := s.ApplyMessages(ctx, f.beheer, "GM0384", []store.ExchangeInput{{File: "a.xml", Message: m}}, store.ApplyOptions{})
		if err != nil || out[0].Err != nil {
			t.Fatalf("batch: %+v %v", out, err)
		}
		if n := reads(); n != "2" {
			t.Fatalf("batch: %s audited reads", n)
		}
	})
}

// The spreadsheet import (bulk path) and a household made by hand place
// through the gemeente's own rows too (issue 5, #13).
func TestSheetAndHandPlacementUseTheGemeentesRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		exBorderAreas(t, s)
		h := people.Household{Gemeente: "GM0384", Postcode: "1017AA", Huisnummer: 12}
		if err := s.CreateHousehold(ctx, f.regisseur, &h); err != nil || h.Wijk != "WK038401" {
			t.Fatalf("by hand: wijk %q, %v", h.Wijk, err)
		}
		r := shReader(t, "p.csv", []byte(shPersonsHeader+shBSN(50)+";Anna;;Smit;01-04-1975;V;1017AA;14;;\n"))
		m := exchange.Suggest(exchange.KindPersons, r.Header())
		rep, err := s.ImportSheet(ctx, f.beheer, store.SheetImport{Gemeente: "GM0384", Source: "s", Kind: exchange.KindPersons, Mapping: m, Key: "Burgerservicenummer", File: "p.csv"}, r)
		if err != nil || rep.Created != 1 || rep.Unplaced != 0 {
			t.Fatalf("sheet: %+v %v", rep, err)
		}
		if h := exHouseholdOf(t, s, f.regisseur, shBSN(50)); h.Wijk != "WK038401" {
			t.Fatalf("sheet: wijk %q", h.Wijk)
		}
	})
}

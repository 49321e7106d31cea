package store_test

import (
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

func TestExchangePerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		beheer := pvActor(t, s, "beheer@meppel.nl", "GM0119", auth.Beheer)
		h := household(t, f, f.meppel, "GM0119", "WK011901", "7941AB", 10)
		known := person(t, f, f.meppel, "GM0119", "999990019", "Jansen", &people.Member{Household: h.ID, Rol: "ouder", Start: people.MustDate("2015-01-01")})

		// A known BSN: the person and their household, not changed; the
		// differing name and birth date give warnings.
		got, err := s.ExchangePersonForTest(ctx, beheer, "GM0119", exchange.Client{BSN: "999990019", Achternaam: "Janssen", Voornamen: "Anna",
			Geboortedatum: people.MustDate("1981-01-01")}, people.SourceExchange)
		if err != nil {
			t.Fatal(err)
		}
		if got.PersonID != known.ID || got.HouseholdID != h.ID || got.Created || got.HouseholdCreated || len(got.Warnings) != 2 {
			t.Fatalf("known person: %+v", got)
		}
		for _, w := range got.Warnings {
			if w.Value != "******019" {
				t.Fatalf("warning without masked BSN: %+v", w)
			}
		}
		p, err := s.GetPerson(ctx, f.meppel, known.ID)
		if err != nil || p.Achternaam != "Jansen" || p.Geboortedatum.ISO() != "1980-05-17" {
			t.Fatalf("known person changed: %+v %v", p.Person, err)
		}

		// A new BSN with an address that is not in the postcode table: a
		// person of the exchange in an unplaced household.
		got, err = s.ExchangePersonForTest(ctx, beheer, "GM0119", exchange.Client{BSN: "999900006", Voornamen: "Tom", Voorvoegsel: "de", Achternaam: "Wit",
			Geboortedatum: people.MustDate("2010-02-14"), Geslacht: "man", Address: &exchange.Address{Postcode: "9999XX", Huisnummer: 9, Toevoeging: "BBEL"}}, people.SourceExchange)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Created || !got.HouseholdCreated || !got.Unplaced {
			t.Fatalf("new person: %+v", got)
		}
		hh, err := s.GetHousehold(ctx, f.meppel, got.HouseholdID)
		if err != nil || hh.Wijk != "" || hh.Postcode != "9999XX" || len(hh.Members) != 1 || hh.Members[0].Rol != "kind" || hh.Members[0].Person.Bron != people.SourceExchange {
			t.Fatalf("new household: %+v %v", hh, err)
		}
		// Again: found, nothing new.
		again, err := s.ExchangePersonForTest(ctx, beheer, "GM0119", exchange.Client{BSN: "999900006"}, people.SourceExchange)
		if err != nil || again.PersonID != got.PersonID || again.HouseholdID != got.HouseholdID || again.Created || len(again.Warnings) != 0 {
			t.Fatalf("again: %+v %v", again, err)
		}

		// Known only by BSN: no name, no birth date, no address.
		bare, err := s.ExchangePersonForTest(ctx, beheer, "GM0119", exchange.Client{BSN: "999900018"}, people.SourceExchange)
		if err != nil || !bare.Created || !bare.Unplaced {
			t.Fatalf("bare: %+v %v", bare, err)
		}
		bp, err := s.GetPerson(ctx, f.meppel, bare.PersonID)
		if err != nil || !bp.Geboortedatum.IsZero() || bp.Achternaam != "" || bp.Geslacht != "onbekend" || bp.BSN != "999900018" {
			t.Fatalf("bare person: %+v %v", bp.Person, err)
		}

		// Other gemeente, invalid BSN, no right.
		if _, err := s.ExchangePersonForTest(ctx, beheer, "GM0392", exchange.Client{BSN: "999900018"}, people.SourceExchange); err == nil {
			t.Fatal("beheer of Meppel imported into Haarlem")
		}
		if _, err := s.ExchangePersonForTest(ctx, beheer, "GM0119", exchange.Client{BSN: "123456789"}, people.SourceExchange); err == nil {
			t.Fatal("invalid BSN accepted")
		}
		if _, err := s.ExchangePersonForTest(ctx, f.beleid, "GM0119", exchange.Client{BSN: "999900018"}, people.SourceExchange); err == nil {
			t.Fatal("beleid imported")
		}
	})
}

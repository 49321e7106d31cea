package store_test

import (
	"strings"
	"testing"

	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// A sheet row never links to or updates another client's provision with
// the same allocation number (issue 5, finding 8): it makes a provision of
// its own client, and a later change of the row leaves the other alone.
func TestSheetProvisionNumberOfAnotherClient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		pers := shPersonsHeader + shBSN(3) + ";Anna;;Smit;01-04-1975;V;7941AB;1;;\n" + shBSN(4) + ";Bram;;Bos;02-04-1975;M;7942CD;2;;\n"
		if rep := shImport(t, s, f.beheer, exchange.KindPersons, pers, nil); rep.Created != 2 {
			t.Fatalf("persons: %+v", rep)
		}
		const head = "BSN;Beschikkingsnummer;Wet;Productcategorie;Ingangsdatum;Omvang;Eenheid;Frequentie;Tarief\n"
		// Another source gave B-7 to the first client.
		rep := shImport(t, s, f.beheer, exchange.KindProvisions, head+shBSN(3)+";B-7;Wmo;02;05-01-2026;3;04;2;68,50\n",
			func(in *store.SheetImport) { in.Source = "Oud systeem" })
		if rep.Created != 1 || !rep.Saved {
			t.Fatalf("first client: %+v", rep)
		}
		first, _ := s.SheetQuery(ctx, "SELECT id FROM provisions WHERE toewijzingnummer = 'B-7'")
		firstPerson, _ := s.SheetQuery(ctx, "SELECT person_id FROM provisions WHERE id = ?", first)

		// This source has B-7 for the second client: a provision of its own.
		row := head + shBSN(4) + ";B-7;Wmo;02;05-01-2026;3;04;2;68,50\n"
		rep = shImport(t, s, f.beheer, exchange.KindProvisions, row, nil)
		if rep.Created != 1 || rep.Unchanged != 0 || !rep.Saved {
			t.Fatalf("second client: %+v", rep)
		}
		if n, _ := s.SheetQuery(ctx, "SELECT COUNT(DISTINCT person_id) FROM provisions WHERE toewijzingnummer = 'B-7'"); n != "2" {
			t.Fatalf("persons with B-7: %s", n)
		}
		// A changed row updates only the second client's provision.
		rep = shImport(t, s, f.beheer, exchange.KindProvisions, strings.Replace(row, ";3;04;2", ";5;04;2", 1), nil)
		if rep.Updated != 1 {
			t.Fatalf("changed row: %+v", rep)
		}
		if got, _ := s.SheetQuery(ctx, "SELECT person_id || ' ' || CAST(volume AS TEXT) FROM provisions WHERE id = ?", first); got != firstPerson+" 3" {
			t.Fatalf("the first client's provision changed: %q, want %q", got, firstPerson+" 3")
		}
	})
}

// A key whose provision belongs to another client does not let a row move
// or change that provision: the row is rejected (issue 5, #8).
func TestSheetProvisionKeyOfAnotherClient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		pers := shPersonsHeader + shBSN(3) + ";Anna;;Smit;01-04-1975;V;7941AB;1;;\n" + shBSN(4) + ";Bram;;Bos;02-04-1975;M;7942CD;2;;\n"
		if rep := shImport(t, s, f.beheer, exchange.KindPersons, pers, nil); rep.Created != 2 {
			t.Fatalf("persons: %+v", rep)
		}
		const head = "BSN;Beschikkingsnummer;Wet;Productcategorie;Ingangsdatum;Omvang;Eenheid;Frequentie;Tarief\n"
		if rep := shImport(t, s, f.beheer, exchange.KindProvisions, head+shBSN(3)+";B-9;Wmo;02;05-01-2026;3;04;2;68,50\n", nil); rep.Created != 1 {
			t.Fatalf("first: %+v", rep)
		}
		before, _ := s.SheetQuery(ctx, "SELECT person_id || ' ' || CAST(volume AS TEXT) FROM provisions WHERE toewijzingnummer = 'B-9'")
		rep := shImport(t, s, f.beheer, exchange.KindProvisions, head+shBSN(4)+";B-9;Wmo;02;05-01-2026;5;04;2;68,50\n", nil)
		if rep.Saved || rep.Rejected != 1 || rep.Updated != 0 {
			t.Fatalf("row with another client's key: %+v", rep)
		}
		if after, _ := s.SheetQuery(ctx, "SELECT person_id || ' ' || CAST(volume AS TEXT) FROM provisions WHERE toewijzingnummer = 'B-9'"); after != before {
			t.Fatalf("provision changed: %q → %q", before, after)
		}
	})
}

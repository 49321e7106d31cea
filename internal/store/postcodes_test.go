package store_test

import (
	"reflect"
	"strings"
	"testing"

	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

func TestPostcodeTablePlacesHouseholds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		// Two persons at addresses the table does not know yet: wijk unknown.
		persons := shPersonsHeader +
			shBSN(5) + ";Kees;;Smit;01-01-1960;M;7943 EF;5;;\n" +
			shBSN(6) + ";Lies;;Smit;01-01-1962;V;7944 GH;8;;\n"
		rep := shImport(t, s, f.beheer, exchange.KindPersons, persons, nil)
		if rep.Created != 2 || rep.Unplaced != 2 || len(rep.Warnings) != 2 {
			t.Fatalf("persons: %+v", rep)
		}
		if p := shPerson(t, s, f.meppel, shBSN(5)); p.Memberships[0].Household.Wijk != "" {
			t.Fatalf("placed without a table row: %+v", p.Memberships)
		}

		table := "Postcode;Huisnummer van;Huisnummer tot;Buurtcode;Buurtnaam\n" +
			"7943 EF;1;19;BU01190301;Oosterboer-Noord\n" +
			"7943EF;21;21;BU01190302;\n"
		r := shReader(t, "pc.csv", []byte(table))
		before := shCounts(t, s)
		prep, err := s.ImportPostcodes(ctx, f.beheer, "GM0119", "pc.csv", r, store.PostcodeOptions{DryRun: true})
		if err != nil || prep.Placed != 1 || prep.Saved || prep.Rows != 2 {
			t.Fatalf("dry run: %+v %v", prep, err)
		}
		if after := shCounts(t, s); !reflect.DeepEqual(before, after) {
			t.Fatalf("dry run changed the database:\n%v\n%v", before, after)
		}
		r = shReader(t, "pc.csv", []byte(table))
		prep, err = s.ImportPostcodes(ctx, f.beheer, "GM0119", "pc.csv", r, store.PostcodeOptions{})
		if err != nil || prep.Placed != 1 || !prep.Saved || prep.Buurten != 2 {
			t.Fatalf("import: %+v %v", prep, err)
		}
		// 7944GH has no row: reported per postcode, without house numbers.
		if prep.Unmatched != 1 || len(prep.ByPostcode) != 1 || prep.ByPostcode[0] != (store.PostcodeCount{Postcode: "7944GH", Count: 1}) {
			t.Fatalf("unmatched: %+v", prep)
		}
		h := shPerson(t, s, f.meppel, shBSN(5)).Memberships[0].Household
		if h.Wijk != "WK011903" || h.Buurt != "BU01190301" {
			t.Fatalf("not placed: %+v", h)
		}
		// A new person at a table address lands in the buurt straight away.
		rep = shImport(t, s, f.beheer, exchange.KindPersons, shPersonsHeader+shBSN(7)+";Piet;;Smit;01-01-1990;M;7943EF;21;;\n", func(in *store.SheetImport) { in.Source = "ander" })
		if rep.Created != 1 || rep.Unplaced != 0 {
			t.Fatalf("%+v", rep)
		}
		if h := shPerson(t, s, f.meppel, shBSN(7)).Memberships[0].Household; h.Buurt != "BU01190302" || h.Wijk != "WK011903" {
			t.Fatalf("%+v", h)
		}

		// Bad rows: nothing saved, each named by line.
		bad := "Postcode;Huisnummer;Wijkcode;Buurtcode\n" +
			"7945 AA;3;WK011904;\n" +
			"7945 AB;3;WK039201;\n" +
			"7945 AC;x;WK011904;\n" +
			"7945 AD;4;WK011904;BU01190501\n" +
			"7945 AE;4;WK01190;\n"
		before = shCounts(t, s)
		r = shReader(t, "bad.csv", []byte(bad))
		prep, err = s.ImportPostcodes(ctx, f.beheer, "GM0119", "bad.csv", r, store.PostcodeOptions{Replace: true})
		if err != nil || prep.Saved || prep.Rejected != 4 {
			t.Fatalf("bad table: %+v %v", prep, err)
		}
		msg := exchange.Problems(prep.Problems).Error()
		for _, want := range []string{"regel 3: deze wijk hoort bij gemeente GM0392", "regel 4, kolom Huisnummer", "regel 5, kolom Buurtcode", "regel 6, kolom Wijkcode"} {
			if !strings.Contains(msg, want) {
				t.Errorf("report lacks %q:\n%s", want, msg)
			}
		}
		if after := shCounts(t, s); !reflect.DeepEqual(before, after) {
			t.Fatalf("a refused table changed the database:\n%v\n%v", before, after)
		}
	})
}

package store_test

import (
	"encoding/json"
	"fmt"
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
		// 7944GH has no row: counted, per postcode area without the number.
		if prep.Unmatched != 1 || len(prep.ByArea) != 1 || prep.ByArea[0] != (store.AreaCount{PC4: "7944", Few: true}) {
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

// Households without a table row go to beheer only as a total and per
// postcode area (PC4), the area's count only when at least 10: never a
// full postcode, a house number, or a small count that points at someone.
func TestPostcodeUnmatchedPerArea(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		persons := shPersonsHeader
		n := 10
		for i := 0; i < 12; i++ { // 12 households in 7950, each at its own postcode
			persons += fmt.Sprintf("%s;Kees;;Smit;01-01-1960;M;7950 A%c;%d;;\n", shBSN(n), 'A'+rune(i), i+1)
			n++
		}
		for i := 0; i < 2; i++ { // 2 in 7951
			persons += fmt.Sprintf("%s;Lies;;Smit;01-01-1962;V;7951 BB;%d;;\n", shBSN(n), i+1)
			n++
		}
		if rep := shImport(t, s, f.beheer, exchange.KindPersons, persons, nil); rep.Created != 14 {
			t.Fatalf("persons: %+v", rep)
		}
		r := shReader(t, "pc.csv", []byte("Postcode;Huisnummer;Wijkcode\n7943 EF;1;WK011903\n"))
		rep, err := s.ImportPostcodes(ctx, f.beheer, "GM0119", "pc.csv", r, store.PostcodeOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		want := []store.AreaCount{{PC4: "7950", Count: 12}, {PC4: "7951", Few: true}}
		if rep.Unmatched != 14 || !reflect.DeepEqual(rep.ByArea, want) {
			t.Fatalf("unmatched %d, per area %+v; want 14, %+v", rep.Unmatched, rep.ByArea, want)
		}
		if rep.ByArea[1].Shown() != "minder dan 10" || rep.ByArea[0].Shown() != "12" {
			t.Fatalf("shown: %q %q", rep.ByArea[0].Shown(), rep.ByArea[1].Shown())
		}
		b, _ := json.Marshal(rep)
		if strings.Contains(string(b), "7950A") || strings.Contains(string(b), "7951BB") || strings.Contains(string(b), `"aantal":2`) {
			t.Fatalf("a postcode or a small count in the report: %s", b)
		}
	})
}

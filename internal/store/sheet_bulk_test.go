package store_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// shBulkFiles makes a first and a second persons file of more than one
// chunk, with a client number as key, that exercise every branch of the bulk
// path: new persons two to an address, an address in no wijk, a child
// without a role, a rejected row, the same key twice (in one chunk and
// across chunks), the same BSN under two keys, a BSN naober knows from
// another source; the second file leaves most rows unchanged, changes a
// name, moves a person to a new address where a new person then joins
// them, and adds new persons.
func shBulkFiles() (first, second string) {
	const header = "Klantnr;BSN;Voornaam;Tussenvoegsel;Achternaam;Geb.datum;Geslacht;Postcode;Huisnr;Toev;Rol\n"
	row := func(key, bsn int, name, birth, pc string, nr int, rol string) string {
		return fmt.Sprintf("K%05d;%s;%s;van;Achternaam%d;%s;V;%s;%d;;%s\n", key, shBSN(bsn), name, bsn, birth, pc, nr, rol)
	}
	var a, b strings.Builder
	a.WriteString(header)
	b.WriteString(header)
	for i := 0; i < 1300; i++ {
		pc, nr := "7941AB", 1+i/2%99
		if i%7 == 3 {
			pc, nr = "1234ZZ", 1+i/2 // not in the postcode table
		}
		rol, birth := "ouder", "01-02-1970"
		if i%5 == 0 {
			rol, birth = "", "01-02-2015" // a child: "kind"
		}
		name := fmt.Sprintf("Voornaam%d", i)
		a.WriteString(row(i, i, name, birth, pc, nr, rol))
		switch {
		case i == 40:
			b.WriteString(row(i, i, name+"-Jan", birth, pc, nr, rol)) // a changed name
		case i == 1150:
			b.WriteString(row(i, i, name, birth, "7942CD", 7, rol))                       // a move …
			b.WriteString(row(5000, 3000, "Nieuw", "03-03-1990", "7942CD", 7, "partner")) // … joined there
		default:
			b.WriteString(row(i, i, name, birth, pc, nr, rol))
		}
	}
	a.WriteString(row(20, 1400, "Dubbel", "01-01-1980", "7941AB", 3, ""))   // key of line 22, same chunk
	a.WriteString(row(30, 1401, "Dubbel", "01-01-1980", "7941AB", 3, ""))   // key of line 32, another chunk
	a.WriteString(row(2000, 17, "Tweede", "01-01-1980", "7941AB", 3, ""))   // BSN of key 17 under another key
	a.WriteString(row(2001, 2500, "Bekend", "01-01-1961", "7941AB", 4, "")) // known from the other source
	a.WriteString(row(2002, 2600, "Fout", "31-02-1980", "7941AB", 4, ""))   // rejected
	for i := 0; i < 30; i++ {
		b.WriteString(row(6000+i, 3100+i, "Later", "01-01-1985", "7941AB", 60+i, "overig"))
	}
	return a.String(), b.String()
}

// TestSheetBulkMatchesRowByRow imports the same files through the bulk path
// and through the row-by-row path into two databases, and compares reports
// and databases.
func TestSheetBulkMatchesRowByRow(t *testing.T) {
	first, second := shBulkFiles()
	known := "BSN;Voornaam;Achternaam;Geb.datum;Postcode;Huisnr\n" + shBSN(2500) + ";Anders;Bekend;01-01-1960;7941AB;80\n"
	for _, db := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		t.Run(db.name, func(t *testing.T) {
			var reps [2][]store.SheetReport
			var snaps [2][]string
			for i, bulk := range []bool{false, true} {
				s := db.open(t)
				f := shSetup(t, s)
				restore := store.SetSheetBulk(bulk)
				key := func(in *store.SheetImport) { in.Key, in.Partial = "Klantnr", true }
				shImport(t, s, f.beheer, exchange.KindPersons, known, func(in *store.SheetImport) { in.Source = "andere bron"; in.Key = "BSN" })
				for _, data := range []string{first, first, second} {
					reps[i] = append(reps[i], shImport(t, s, f.beheer, exchange.KindPersons, data, key))
				}
				// A dry run of a file with a rejected row leaves the database alone.
				before := shCounts(t, s)
				shImport(t, s, f.beheer, exchange.KindPersons, first, func(in *store.SheetImport) { in.Key = "Klantnr" })
				if after := shCounts(t, s); !reflect.DeepEqual(before, after) {
					t.Fatalf("bulk %v: a refused file changed the database", bulk)
				}
				restore()
				if db.name == "sqlite" {
					if on, err := s.SheetForeignKeys(ctx); err != nil || on != 1 {
						t.Fatalf("bulk %v: foreign keys after the import: %d %v", bulk, on, err)
					}
				}
				snap, err := s.SheetSnapshot(ctx)
				if err != nil {
					t.Fatal(err)
				}
				snaps[i] = snap
			}
			for j := range reps[0] {
				if !reflect.DeepEqual(reps[0][j], reps[1][j]) {
					t.Errorf("import %d: reports differ\nrow by row: %+v\nbulk:       %+v", j, reps[0][j], reps[1][j])
				}
			}
			if !reflect.DeepEqual(snaps[0], snaps[1]) {
				for k := 0; k < max(len(snaps[0]), len(snaps[1])); k++ {
					var a, b string
					if k < len(snaps[0]) {
						a = snaps[0][k]
					}
					if k < len(snaps[1]) {
						b = snaps[1][k]
					}
					if a != b {
						t.Fatalf("databases differ from entry %d:\nrow by row: %s\nbulk:       %s", k, a, b)
					}
				}
			}
			r := reps[1]
			if r[0].Created != 1300 || r[0].Rejected != 3 || r[0].Unchanged != 2 || len(r[0].Warnings) == 0 || !r[0].Saved {
				t.Errorf("first import: %s %+v", r[0].Summary(), r[0])
			}
			if r[1].Unchanged != 1302 || r[1].Rejected != 3 || r[1].Created+r[1].Updated != 0 {
				t.Errorf("same file again: %s", r[1].Summary())
			}
			if r[2].Created != 31 || r[2].Updated != 2 || r[2].Unchanged != 1298 || r[2].HouseholdsCreated != 1 {
				t.Errorf("second file: %s %+v", r[2].Summary(), r[2])
			}
		})
	}
}

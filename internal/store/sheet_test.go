package store_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/exchange/sheet"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// shBSN returns the n-th valid BSN of the test range 99999….
func shBSN(n int) string {
	for i := 0; i < 100000; i++ {
		b := fmt.Sprintf("9999%05d", i)
		if people.ValidBSN(b) {
			if n == 0 {
				return b
			}
			n--
		}
	}
	panic("no BSN")
}

func shReader(t testing.TB, name string, data []byte) sheet.Reader {
	t.Helper()
	r, err := sheet.Open(name, bytes.NewReader(data), int64(len(data)), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type shFixture struct {
	fixture
	beheer store.Actor
}

func shSetup(t *testing.T, s *store.Store) shFixture {
	t.Helper()
	f := shFixture{fixture: setup(t, s)}
	f.beheer = pvActor(t, s, "beheer@meppel.nl", "GM0119", auth.Beheer)
	if err := s.PutPostcodeAreas(ctx, []store.PostcodeArea{
		{Postcode: "7941AB", HuisnummerVan: 1, HuisnummerTot: 99, Gemeente: "GM0119", Wijk: "WK011901"},
		{Postcode: "7942CD", HuisnummerVan: 1, HuisnummerTot: 50, Gemeente: "GM0119", Wijk: "WK011902"},
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

const shPersonsHeader = "\ufeffBurgerservicenummer;Voornaam;Tussenvoegsel;Achternaam;Geb.datum;Geslacht;Postcode;Huisnr;Toev;Rol\n"

func shPersons() string {
	return shPersonsHeader +
		shBSN(0) + ";Anna;de;Vries;17-05-1980;V;7941 AB;12;;ouder\n" +
		shBSN(1) + ";Bram;de;Vries;2012-03-01;M;7941AB;12;;kind\n" +
		shBSN(2) + ";Zoë;;Jansen;1-4-1950;O;7942 CD;3;a;\n"
}

func shImport(t *testing.T, s *store.Store, a store.Actor, kind exchange.Kind, data string, mod func(*store.SheetImport)) store.SheetReport {
	t.Helper()
	r := shReader(t, "test.csv", []byte(data))
	m := exchange.Suggest(kind, r.Header())
	in := store.SheetImport{Gemeente: "GM0119", Source: "Suite4Sociaal export", Kind: kind, Mapping: m, Key: exchange.SuggestKey(kind, m), File: "test.csv"}
	if mod != nil {
		mod(&in)
	}
	rep, err := s.ImportSheet(ctx, a, in, r)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func shCounts(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	c, err := s.SheetTableCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func shPerson(t *testing.T, s *store.Store, a store.Actor, bsn string) store.PersonDetail {
	t.Helper()
	hits, err := s.FindByBSN(ctx, a, bsn)
	if err != nil || len(hits) != 1 {
		t.Fatalf("find %s: %v %v", exchange.MaskBSN(bsn), hits, err)
	}
	d, err := s.GetPerson(ctx, a, hits[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSheetPersonsDryRunImportAndIdempotence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		before := shCounts(t, s)
		rep := shImport(t, s, f.beheer, exchange.KindPersons, shPersons(), func(in *store.SheetImport) { in.DryRun = true })
		if rep.Created != 3 || rep.Rejected != 0 || rep.Saved || rep.HouseholdsCreated != 2 {
			t.Fatalf("dry run: %+v", rep)
		}
		if after := shCounts(t, s); !reflect.DeepEqual(before, after) {
			t.Fatalf("dry run changed the database:\n%v\n%v", before, after)
		}

		rep = shImport(t, s, f.beheer, exchange.KindPersons, shPersons(), nil)
		if rep.Created != 3 || !rep.Saved || rep.HouseholdsCreated != 2 || rep.Unplaced != 0 {
			t.Fatalf("import: %+v", rep)
		}
		anna := shPerson(t, s, f.meppel, shBSN(0))
		if anna.Geboortedatum != people.MustDate("1980-05-17") || anna.Tussenvoegsel != "de" || anna.Geslacht != "vrouw" || anna.Bron != store.SourceSpreadsheet {
			t.Fatalf("anna: %+v", anna.Person)
		}
		if len(anna.Memberships) != 1 || anna.Memberships[0].Household.Wijk != "WK011901" || anna.Memberships[0].Rol != "ouder" {
			t.Fatalf("anna's household: %+v", anna.Memberships)
		}
		bram := shPerson(t, s, f.meppel, shBSN(1))
		if bram.Geboortedatum != people.MustDate("2012-03-01") || bram.Memberships[0].Household.ID != anna.Memberships[0].Household.ID || bram.Memberships[0].Rol != "kind" {
			t.Fatalf("bram: %+v %+v", bram.Person, bram.Memberships)
		}
		zoe := shPerson(t, s, f.meppel, shBSN(2))
		if zoe.Voornamen != "Zoë" || zoe.Geboortedatum != people.MustDate("1950-04-01") || zoe.Memberships[0].Household.Toevoeging != "A" || zoe.Memberships[0].Household.Wijk != "WK011902" {
			t.Fatalf("zoe: %+v %+v", zoe.Person, zoe.Memberships)
		}
		audits, _ := s.SheetQuery(ctx, "SELECT COUNT(*) FROM audit_log WHERE purpose = ? AND action = 'aanmaken'", store.PurposeExchange)
		if audits != "5" { // 3 persons, 2 households
			t.Fatalf("audit records of the import: %s", audits)
		}

		// The same file again changes nothing.
		once := shCounts(t, s)
		rep = shImport(t, s, f.beheer, exchange.KindPersons, shPersons(), nil)
		if rep.Unchanged != 3 || rep.Created+rep.Updated+rep.Rejected != 0 {
			t.Fatalf("re-import: %+v", rep)
		}
		if again := shCounts(t, s); !reflect.DeepEqual(once, again) {
			t.Fatalf("re-import changed the database:\n%v\n%v", once, again)
		}

		// A changed name and a move update the records the source made.
		changed := strings.Replace(shPersons(), ";Anna;de;Vries;", ";Anna;de;Vries-Bakker;", 1)
		changed = strings.Replace(changed, ";7942 CD;3;a;", ";7941AB;14;;", 1)
		rep = shImport(t, s, f.beheer, exchange.KindPersons, changed, nil)
		if rep.Updated != 2 || rep.Unchanged != 1 || rep.Created != 0 || rep.HouseholdsCreated != 1 {
			t.Fatalf("changed import: %+v", rep)
		}
		if a := shPerson(t, s, f.meppel, shBSN(0)); a.Achternaam != "Vries-Bakker" {
			t.Fatalf("name not updated: %+v", a.Person)
		}
		zoe = shPerson(t, s, f.meppel, shBSN(2))
		var cur *store.Membership
		for i := range zoe.Memberships {
			if zoe.Memberships[i].Eind == nil {
				cur = &zoe.Memberships[i]
			}
		}
		if cur == nil || cur.Household.Postcode != "7941AB" || cur.Household.Huisnummer != 14 || cur.Household.Wijk != "WK011901" {
			t.Fatalf("zoe did not move: %+v", zoe.Memberships)
		}
		// A field the mapping leaves out keeps naober's value on an update.
		rep = shImport(t, s, f.beheer, exchange.KindPersons, changed, func(in *store.SheetImport) { delete(in.Mapping, "geslacht") })
		if rep.Updated != 3 {
			t.Fatalf("import without gender: %+v", rep)
		}
		if a := shPerson(t, s, f.meppel, shBSN(0)); a.Geslacht != "vrouw" {
			t.Fatalf("gender lost: %+v", a.Person)
		}
	})
}

func TestSheetOneBadRowSavesNothingUnlessPartial(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		bad := shPersonsHeader +
			shBSN(0) + ";Anna;de;Vries;17-05-1980;V;7941 AB;12;;ouder\n" +
			shBSN(1) + ";Bram;de;Vries;31-02-2012;M;7941AB;12;;kind\n" +
			"999999999;Cor;;Bos;01-01-1970;M;7941AB;20;;\n" +
			shBSN(2) + ";Zoë;;Jansen;1-4-1950;O;7942 CD;3;a;\n"
		before := shCounts(t, s)
		rep := shImport(t, s, f.beheer, exchange.KindPersons, bad, nil)
		if rep.Saved || rep.Rejected != 2 || rep.Rows != 4 {
			t.Fatalf("bad file: %+v", rep)
		}
		if after := shCounts(t, s); !reflect.DeepEqual(before, after) {
			t.Fatalf("a refused file changed the database:\n%v\n%v", before, after)
		}
		msg := exchange.Problems(rep.Problems).Error()
		for _, want := range []string{"regel 3, kolom Geb.datum", "regel 4, kolom Burgerservicenummer", "******999"} {
			if !strings.Contains(msg, want) {
				t.Errorf("report lacks %q:\n%s", want, msg)
			}
		}
		// No personal values in the report (the BSN masked, the birth date left out).
		if strings.Contains(msg, "999999999") || strings.Contains(msg, "31-02-2012") || !strings.Contains(rep.Summary(), "Niets opgeslagen") {
			t.Errorf("report: %s / %s", msg, rep.Summary())
		}

		rep = shImport(t, s, f.beheer, exchange.KindPersons, bad, func(in *store.SheetImport) { in.Partial = true })
		if !rep.Saved || rep.Created != 2 || rep.Rejected != 2 {
			t.Fatalf("partial: %+v", rep)
		}
		shPerson(t, s, f.meppel, shBSN(2))
		if hits, _ := s.FindByBSN(ctx, f.meppel, shBSN(1)); len(hits) != 0 {
			t.Fatal("a rejected row was saved")
		}
	})
}

func TestSheetDuplicateKeyAndPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		dup := shPersonsHeader +
			shBSN(0) + ";Anna;de;Vries;17-05-1980;V;7941 AB;12;;ouder\n" +
			shBSN(0) + ";Anna;de;Vries;17-05-1980;V;7941 AB;12;;ouder\n"
		rep := shImport(t, s, f.beheer, exchange.KindPersons, dup, nil)
		if rep.Saved || rep.Rejected != 1 || !strings.Contains(rep.Problems[0].Msg, "regel 2") || rep.Problems[0].Path != "regel 3, kolom Burgerservicenummer" {
			t.Fatalf("duplicate key: %+v", rep)
		}
		r := shReader(t, "x.csv", []byte(shPersons()))
		m := exchange.Suggest(exchange.KindPersons, r.Header())
		_, err := s.ImportSheet(ctx, f.beleid, store.SheetImport{Gemeente: "GM0119", Source: "x", Kind: exchange.KindPersons, Mapping: m, Key: m["bsn"]}, r)
		if !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beleid imported: %v", err)
		}
		r = shReader(t, "x.csv", []byte(shPersons()))
		_, err = s.ImportSheet(ctx, f.beheer, store.SheetImport{Gemeente: "GM0392", Source: "x", Kind: exchange.KindPersons, Mapping: m, Key: m["bsn"]}, r)
		if !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beheer of Meppel imported into Haarlem: %v", err)
		}
	})
}

func TestSheetEncodingsDatesAndDecimals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		// Windows-1252, comma separated, ISO and Dutch dates with slashes.
		cp := []byte("BSN,Voornamen,Achternaam,Geboortedatum,Geslacht,Postcode,Huisnummer\r\n" +
			shBSN(3) + ",Zo\xeb,M\xfcller,01/04/1975,vrouw,7941AB,1\r\n" +
			shBSN(4) + ",Ren\xe9,Fran\xe7ois,1975-04-02,man,7941AB,1\r\n")
		r := shReader(t, "cp.csv", cp)
		if !strings.Contains(r.Format(), "1252") {
			t.Fatalf("format %q", r.Format())
		}
		m := exchange.Suggest(exchange.KindPersons, r.Header())
		rep, err := s.ImportSheet(ctx, f.beheer, store.SheetImport{Gemeente: "GM0119", Source: "Oud systeem", Kind: exchange.KindPersons, Mapping: m, Key: "BSN", File: "cp.csv"}, r)
		if err != nil || rep.Created != 2 {
			t.Fatalf("%+v %v", rep, err)
		}
		p := shPerson(t, s, f.meppel, shBSN(3))
		if p.Voornamen != "Zoë" || p.Achternaam != "Müller" || p.Geboortedatum != people.MustDate("1975-04-01") {
			t.Fatalf("%+v", p.Person)
		}
		if p := shPerson(t, s, f.meppel, shBSN(4)); p.Voornamen != "René" || p.Achternaam != "François" || p.Geboortedatum != people.MustDate("1975-04-02") {
			t.Fatalf("%+v", p.Person)
		}

		// Provisions: decimal comma with thousands dots, dates in three forms.
		prov := "BSN;Beschikkingsnummer;Wet;Productcategorie;Productcode;Aanbieder;AGB-code;Ingangsdatum;Einddatum;Omvang;Eenheid;Frequentie;Tarief;Maandbedrag\n" +
			shBSN(3) + ";B-1;Wmo;02;02A01;Zorggroep;98001234;05-01-2026;2026-12-31;3;04;2;68,50;\n" +
			shBSN(4) + ";B-2;Jeugdwet;45;;Jeugdzorg;;01.02.2026;;;;;;\"1.234,56\"\n"
		rep = shImport(t, s, f.beheer, exchange.KindProvisions, prov, nil)
		if rep.Created != 2 || !rep.Saved {
			t.Fatalf("provisions: %+v", rep)
		}
		ps, err := s.ProvisionsForHousehold(ctx, f.meppel, p.Memberships[0].Household.ID)
		if err != nil || len(ps) != 2 {
			t.Fatalf("%v %v", ps, err)
		}
		got := map[string]string{}
		for _, pv := range ps {
			got[pv.Wet] = fmt.Sprintf("%s %s %s %v %v %s", pv.Categorie, pv.Start, pv.Eind, pvCents(pv.PrijsCents), pvCents(pv.MaandbedragCents), pv.Taakveld)
		}
		if got["wmo"] != "02 2026-01-05 2026-12-31 6850 <nil> 6.712" || got["jw"] != "45 2026-02-01  <nil> 123456 6.751" {
			t.Fatalf("provisions in the database: %q", got)
		}
		nr, _ := s.SheetQuery(ctx, "SELECT toewijzingnummer FROM provisions WHERE wet = 'wmo'")
		if nr != "B-1" {
			t.Fatalf("toewijzingnummer %q", nr)
		}
		// Idempotent, then a changed volume updates the provision.
		rep = shImport(t, s, f.beheer, exchange.KindProvisions, prov, nil)
		if rep.Unchanged != 2 || rep.Created+rep.Updated != 0 {
			t.Fatalf("re-import provisions: %+v", rep)
		}
		rep = shImport(t, s, f.beheer, exchange.KindProvisions, strings.Replace(prov, ";3;04;2;", ";5;04;2;", 1), nil)
		if rep.Updated != 1 || rep.Unchanged != 1 {
			t.Fatalf("changed provisions: %+v", rep)
		}
		vol, _ := s.SheetQuery(ctx, "SELECT volume FROM provisions WHERE toewijzingnummer = 'B-1'")
		if vol != "5" {
			t.Fatalf("volume %q", vol)
		}
		// A BSN without a person is rejected with line and column.
		rep = shImport(t, s, f.beheer, exchange.KindProvisions, prov+shBSN(9)+";B-3;Wmo;01;;Thuiszorg;;01-03-2026;;;;;;100\n", nil)
		if rep.Saved || rep.Rejected != 1 || rep.Problems[0].Path != "regel 4, kolom BSN" {
			t.Fatalf("unknown person: %+v", rep)
		}
	})
}

func pvCents[T ~int64](c *T) any {
	if c == nil {
		return nil
	}
	return int64(*c)
}

func TestSheetMappingSaved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		if _, err := s.SheetMapping(ctx, f.beheer, "GM0119", "Suite4Sociaal export", exchange.KindPersons); !errs.Is(err, errs.NotFound) {
			t.Fatalf("no mapping yet: %v", err)
		}
		m := store.SheetMapping{Gemeente: "GM0119", Source: "Suite4Sociaal export", Kind: exchange.KindPersons, Mapping: exchange.Mapping{"bsn": "BSN", "achternaam": "Naam"}, Key: "BSN"}
		if err := s.SaveSheetMapping(ctx, f.beheer, m); err != nil {
			t.Fatal(err)
		}
		m.Mapping["voornamen"] = "Voornaam"
		if err := s.SaveSheetMapping(ctx, f.beheer, m); err != nil {
			t.Fatal(err)
		}
		got, err := s.SheetMapping(ctx, f.beheer, "GM0119", "Suite4Sociaal export", exchange.KindPersons)
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Fatalf("%+v %v", got, err)
		}
		list, err := s.SheetSources(ctx, f.beheer, "GM0119")
		if err != nil || len(list) != 1 {
			t.Fatalf("%v %v", list, err)
		}
		if _, err := s.SheetSources(ctx, f.beleid, "GM0119"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beleid read mappings: %v", err)
		}
	})
}

// excelSerial is the spreadsheet day number of an ISO date (1900 system).
func excelSerial(iso string) float64 {
	return float64(people.MustDate(iso).Time().Sub(people.MustDate("1899-12-30").Time()).Hours() / 24)
}

func TestSheetXLSXDatesAndNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		var buf bytes.Buffer
		w := sheet.NewWriter(&buf)
		date := w.AddStyle(sheet.Style{NumFmt: "dd-mm-yyyy"})
		money := w.AddStyle(sheet.Style{NumFmt: "#,##0.00"})
		if err := w.NewSheet("Cliënten"); err != nil {
			t.Fatal(err)
		}
		w.WriteRow(1, sheet.Text("BSN", 0), sheet.Text("Voornamen", 0), sheet.Text("Achternaam", 0), sheet.Text("Geboortedatum", 0), sheet.Text("Postcode", 0), sheet.Text("Huisnummer", 0))
		n, _ := strconv.ParseInt(shBSN(0), 10, 64)
		w.WriteRow(2, sheet.Int(n, 0), sheet.Text("Anna", 0), sheet.Text("Vries", 0), sheet.Number(excelSerial("1980-05-17"), date), sheet.Text("7941AB", 0), sheet.Int(12, 0))
		if err := w.NewSheet("Voorzieningen"); err != nil {
			t.Fatal(err)
		}
		w.WriteRow(1, sheet.Text("BSN", 0), sheet.Text("Toewijzingnummer", 0), sheet.Text("Wet", 0), sheet.Text("Categorie", 0), sheet.Text("Ingangsdatum", 0), sheet.Text("Maandbedrag", 0))
		w.WriteRow(2, sheet.Int(n, 0), sheet.Text("X-1", 0), sheet.Text("wmo", 0), sheet.Int(1, 0), sheet.Number(excelSerial("2026-03-01"), date), sheet.Number(1234.56, money))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		for _, kind := range []exchange.Kind{exchange.KindPersons, exchange.KindProvisions} {
			blad := "Cliënten"
			if kind == exchange.KindProvisions {
				blad = "Voorzieningen"
			}
			r, err := sheet.Open("export.xlsx", bytes.NewReader(data), int64(len(data)), sheet.Options{Sheet: blad})
			if err != nil {
				t.Fatal(err)
			}
			m := exchange.Suggest(kind, r.Header())
			rep, err := s.ImportSheet(ctx, f.beheer, store.SheetImport{Gemeente: "GM0119", Source: "Excel", Kind: kind, Mapping: m, Key: exchange.SuggestKey(kind, m), File: "export.xlsx"}, r)
			if err != nil || rep.Created != 1 {
				t.Fatalf("%s: %+v %v", kind, rep, err)
			}
		}
		p := shPerson(t, s, f.meppel, shBSN(0))
		if p.Geboortedatum != people.MustDate("1980-05-17") {
			t.Fatalf("birth date from a date cell: %v", p.Geboortedatum)
		}
		got, _ := s.SheetQuery(ctx, "SELECT start_datum || ' ' || maandbedrag_cents || ' ' || categorie FROM provisions WHERE toewijzingnummer = 'X-1'")
		if got != "2026-03-01 123456 01" {
			t.Fatalf("provision from xlsx: %q", got)
		}
	})
}

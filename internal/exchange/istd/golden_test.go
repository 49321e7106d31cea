package istd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
)

// examples are the official example messages, copied to testdata.
func examples(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/*/berichten/*.xml")
	if err != nil || len(files) != 11 {
		t.Fatalf("examples: %v, %d files (want 11)", err, len(files))
	}
	return files
}

func readFile(t testing.TB, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustRead(t testing.TB, name string, b []byte) *exchange.Message {
	t.Helper()
	m, err := Read(name, bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Read %s: %v", name, err)
	}
	return m
}

func d(s string) people.Date { return people.MustDate(s) }
func ip(n int) *int          { return &n }

func TestSchemasLoad(t *testing.T) {
	all, err := schemas()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 8 {
		t.Fatalf("%d schemas, want 8", len(all))
	}
	// The embedded XSDs are the testdata copies, unchanged.
	embedded, _ := filepath.Glob("xsd/*/*.xsd")
	for _, f := range embedded {
		parts := strings.Split(f, string(filepath.Separator))
		td := filepath.Join("testdata", parts[1], "xsd", parts[2])
		if !bytes.Equal(readFile(t, f), readFile(t, td)) {
			t.Errorf("%s differs from %s", f, td)
		}
	}
}

// The code lists naober enforces (from basisschema.xsd) hold every code of
// the published code lists in testdata/*/codelijsten.
func TestCodeLists(t *testing.T) {
	all, _ := schemas()
	for _, c := range []struct {
		std   exchange.Standard
		typ   string
		codes string
	}{
		{exchange.IJw, "LDT_ProductCategorie", "31 32 33 34 35 36 37 38 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55"},
		{exchange.IWmo, "LDT_ProductCategorie", "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18"},
		{exchange.IJw, "LDT_Eenheid", "01 04 14 16 82 83 84"},
		{exchange.IWmo, "LDT_Eenheid", "01 04 14 16 82 83 84"},
		{exchange.IJw, "LDT_Frequentie", "1 2 4 6"},
		{exchange.IJw, "LDT_RedenBeeindiging", "02 20 31 32 33 34 35 36 37 38 39"},
		{exchange.IWmo, "LDT_RedenBeeindiging", "02 19 20 21 22 23 31 36 37 38 39"},
		{exchange.IJw, "LDT_Geslacht", "0 1 2"},
		{exchange.IJw, "LDT_RedenWijziging", "01 02 03 04 05 06 07 08 09 10 11 12 13 14"},
		{exchange.IJw, "LDT_StatusAanlevering", "1 2 3 9"},
		{exchange.IJw, "LDT_DebetCredit", "C D"},
	} {
		st := all[schemaKey{c.std, "301"}].types[c.typ]
		if got := strings.Join(st.codes, " "); got != c.codes {
			t.Errorf("%s %s: %s, want %s", c.std, c.typ, got, c.codes)
		}
	}
	// Cross-check with the published Markdown code lists.
	for _, f := range []struct{ file, std, typ string }{
		{"testdata/ijw/codelijsten/JZ020_Productcategorie", "ijw", "LDT_ProductCategorie"},
		{"testdata/iwmo/codelijsten/WMO020_Productcategorie.md", "iwmo", "LDT_ProductCategorie"},
		{"testdata/iwmo/codelijsten/WJ756_Eenheid.md", "iwmo", "LDT_Eenheid"},
		{"testdata/iwmo/codelijsten/WMO757_Frequentie.md", "iwmo", "LDT_Frequentie"},
		{"testdata/ijw/codelijsten/JZ588_Reden_beeindiging.md", "ijw", "LDT_RedenBeeindiging"},
		{"testdata/ijw/codelijsten/COD046_Geslacht.md", "ijw", "LDT_Geslacht"},
	} {
		st := all[schemaKey{exchange.Standard(f.std), "301"}].types[f.typ]
		n := 0
		for _, line := range strings.Split(string(readFile(t, f.file)), "\n") {
			cells := strings.Split(line, "|")
			if len(cells) < 3 {
				continue
			}
			code := strings.TrimSpace(cells[1])
			if code == "" || !digits(code) {
				continue
			}
			n++
			if _, ok := st.enum[code]; !ok {
				t.Errorf("%s: code %s not in %s", f.file, code, f.typ)
			}
		}
		if n == 0 {
			t.Errorf("%s: no codes found", f.file)
		}
	}
}

func TestReadExamplesNoProblems(t *testing.T) {
	for _, f := range examples(t) {
		m := mustRead(t, f, readFile(t, f))
		if m.Name() != strings.TrimSuffix(filepath.Base(f), ".xml") {
			t.Errorf("%s read as %s", f, m.Name())
		}
	}
}

// TestGolden checks every example field for field against values taken
// from the XML by hand.
func TestGolden(t *testing.T) {
	jwClient := &exchange.Client{BSN: "999900006", Geboortedatum: d("2010-02-14"), Geslacht: "man", Voornamen: "Tom", Voorletters: "T", Voorvoegsel: "de", Achternaam: "Wit"}
	wmoClient := &exchange.Client{BSN: "999900006", Geboortedatum: d("1967-08-13"), Geslacht: "man", Voornamen: "Tim", Voorletters: "T", Voorvoegsel: "de", Achternaam: "Wit"}
	with := func(c *exchange.Client, a *exchange.Address) *exchange.Client { cc := *c; cc.Address = a; return &cc }
	tp := "/Bericht/Client/ToegewezenProducten/ToegewezenProduct"
	claim := func(bsn, ref, nr, cat, code, begin, eind string, vol, tarief, bedrag int64, i int) exchange.Claim {
		return exchange.Claim{BSN: bsn, ReferentieNummer: ref, ToewijzingNummer: nr, Categorie: cat, Code: code, Begin: d(begin), Eind: d(eind),
			Volume: vol, Eenheid: "04", TariefCents: tarief, BedragCents: bedrag, Path: claimPath(i)}
	}
	retour := func(std exchange.Standard, code, bc, id, dag, af, ont, note string) *exchange.Message {
		return &exchange.Message{Standard: std, Code: code, BerichtCode: bc, ID: id, Dagtekening: d(dag), Afzender: af, Ontvanger: ont, Note: note}
	}
	want := map[string]*exchange.Message{
		"JW301": {Standard: exchange.IJw, Code: "301", BerichtCode: "436", ID: "123456789012", Dagtekening: d("2026-04-01"), Afzender: "0384", Ontvanger: "42420001", Import: true,
			// Contactgegevens has Soort 03 (verblijfadres) and 04; 03 is the client's own.
			Client: with(jwClient, &exchange.Address{Postcode: "9999XX", Huisnummer: 9, Toevoeging: "BBEL", Straat: "Van Woustraat", Plaats: "Amsterdam"}),
			Allocations: []exchange.Allocation{
				{Nummer: "300201", ReferentieAanbieder: "40A12341234", Categorie: "55", Code: "55A11", Toewijzingsdatum: d("2026-04-01"), Toewijzingstijd: "12:34:56",
					Ingangsdatum: d("2026-04-01"), Einddatum: d("2026-07-14"), Volume: ip(2), Eenheid: "04", Frequentie: "2", Commentaar: "Commentaar Toegewezen Product 1", Path: tp + "[1]"},
				{Nummer: "300202", ReferentieAanbieder: "40A12341235", Categorie: "55", Code: "55A12", Toewijzingsdatum: d("2026-04-01"), Toewijzingstijd: "12:34:56",
					Ingangsdatum: d("2026-04-01"), Einddatum: d("2026-07-19"), Volume: ip(2), Eenheid: "16", Frequentie: "2", Commentaar: "Commentaar Toegewezen Product 2", Path: tp + "[2]"},
			}},
		"WMO301": {Standard: exchange.IWmo, Code: "301", BerichtCode: "414", ID: "123456789012", Dagtekening: d("2023-08-13"), Afzender: "0384", Ontvanger: "42420001", Import: true,
			// The client's Contact Soort 01 (BRP), not the relations' addresses.
			Client: with(wmoClient, &exchange.Address{Postcode: "9999XX", Huisnummer: 100, Toevoeging: "CBAL", Straat: "Straatweg", Plaats: "Plaats"}),
			Allocations: []exchange.Allocation{
				{Nummer: "101", ReferentieAanbieder: "42420002", Categorie: "01", Code: "01A01", Toewijzingsdatum: d("2023-08-13"), Toewijzingstijd: "12:34:56",
					Ingangsdatum: d("2023-01-01"), Einddatum: d("2023-12-31"), Volume: ip(10), Eenheid: "01", Frequentie: "1", Commentaar: "Toegewezen product 1 Commentaar ", Path: tp + "[1]"},
			}},
		"JW305": {Standard: exchange.IJw, Code: "305", BerichtCode: "438", ID: "123456789012", Dagtekening: d("2026-04-15"), Afzender: "65656055", Ontvanger: "0363", Import: true,
			Client: jwClient,
			Starts: []exchange.Start{
				{Nummer: "300201", Categorie: "55", Code: "55A11", ToewijzingIngangsdatum: d("2026-04-01"), Begindatum: d("2026-04-03"), Status: "1", Path: "/Bericht/Client/StartProducten/StartProduct[1]"},
				{Nummer: "300202", Categorie: "55", Code: "55A12", ToewijzingIngangsdatum: d("2026-04-01"), Begindatum: d("2026-04-15"), Status: "1", Path: "/Bericht/Client/StartProducten/StartProduct[2]"},
			}},
		"WMO305": {Standard: exchange.IWmo, Code: "305", BerichtCode: "418", ID: "123456789013", Dagtekening: d("2025-04-05"), Afzender: "65656055", Ontvanger: "0363", Import: true,
			Client: wmoClient,
			Starts: []exchange.Start{
				{Nummer: "300201", Categorie: "01", Code: "01A11", ToewijzingIngangsdatum: d("2025-04-01"), Begindatum: d("2025-04-03"), Status: "1", Path: "/Bericht/Client/StartProducten/StartProduct[1]"},
				{Nummer: "300202", Categorie: "01", Code: "01A12", ToewijzingIngangsdatum: d("2025-04-01"), Begindatum: d("2025-04-04"), Status: "1", Path: "/Bericht/Client/StartProducten/StartProduct[2]"},
			}},
		"JW307": {Standard: exchange.IJw, Code: "307", BerichtCode: "440", ID: "123456789012", Dagtekening: d("2026-07-20"), Afzender: "65656055", Ontvanger: "0363", Import: true,
			Client: jwClient,
			Stops: []exchange.Stop{
				{Nummer: "300201", Categorie: "55", Code: "55A11", ToewijzingIngangsdatum: d("2026-04-01"), Begindatum: d("2026-04-03"), Einddatum: d("2026-07-17"), RedenBeeindiging: "31", Status: "1", Path: "/Bericht/Client/StopProducten/StopProduct[1]"},
				{Nummer: "300202", Categorie: "55", Code: "55A12", ToewijzingIngangsdatum: d("2026-04-01"), Begindatum: d("2026-04-15"), Einddatum: d("2026-07-17"), RedenBeeindiging: "31", Status: "1", Path: "/Bericht/Client/StopProducten/StopProduct[2]"},
			}},
		"WMO307": {Standard: exchange.IWmo, Code: "307", BerichtCode: "420", ID: "123456789014", Dagtekening: d("2025-07-21"), Afzender: "65656055", Ontvanger: "0363", Import: true,
			Client: &exchange.Client{BSN: "999900006", Geboortedatum: d("1967-08-13"), Geslacht: "man", Voornamen: "Peter R", Voorletters: "PR", Voorvoegsel: "de", Achternaam: "Vries"},
			Stops: []exchange.Stop{
				{Nummer: "300201", Categorie: "01", Code: "01A11", ToewijzingIngangsdatum: d("2025-04-01"), Begindatum: d("2025-04-03"), Einddatum: d("2025-07-18"), RedenBeeindiging: "31", Status: "1", Path: "/Bericht/Client/StopProducten/StopProduct[1]"},
				{Nummer: "300202", Categorie: "01", Code: "01A12", ToewijzingIngangsdatum: d("2025-04-01"), Begindatum: d("2025-04-15"), Einddatum: d("2025-07-18"), RedenBeeindiging: "31", Status: "1", Path: "/Bericht/Client/StopProducten/StopProduct[2]"},
			}},
		"JW323": {Standard: exchange.IJw, Code: "323", BerichtCode: "490", ID: "765432198", Dagtekening: d("2026-05-06"), Afzender: "65656055", Ontvanger: "0384", Import: true,
			Declaration: &exchange.Declaration{Nummer: "DN001", Begin: d("2026-04-01"), Eind: d("2026-04-30"), TotaalCents: 79000, Claims: []exchange.Claim{
				claim("999900006", "RN001", "10072", "45", "45A03", "2026-04-01", "2026-04-30", 4, 1250, 5000, 0),
				claim("999900006", "RN002", "10073", "45", "45A04", "2026-04-01", "2026-04-30", 16, 1500, 24000, 1),
				claim("999900018", "RN003", "10074", "45", "45A03", "2026-04-01", "2026-04-30", 4, 1250, 5000, 2),
				claim("999900018", "RN004", "10073", "45", "45A04", "2026-04-01", "2026-04-30", 16, 1500, 24000, 3),
				claim("999900018", "RN004", "10073", "45", "45A04", "2026-03-01", "2026-03-31", 14, 1500, 21000, 4),
			}}},
		"WMO323": {Standard: exchange.IWmo, Code: "323", BerichtCode: "484", ID: "765432198", Dagtekening: d("2023-05-06"), Afzender: "65656055", Ontvanger: "0384", Import: true,
			Declaration: &exchange.Declaration{Nummer: "DN001", Begin: d("2023-04-01"), Eind: d("2023-04-30"), TotaalCents: 58000, Claims: []exchange.Claim{
				claim("999900006", "RN001", "20072", "01", "01A03", "2023-04-01", "2023-04-30", 4, 1250, 5000, 0),
				claim("999900006", "RN002", "200730", "01", "01A04", "2023-04-01", "2023-04-30", 16, 1500, 24000, 1),
				claim("999900018", "RN003", "20074", "01", "01A03", "2023-04-01", "2023-04-30", 4, 1250, 5000, 2),
				claim("999900018", "RN004", "20073", "01", "01A04", "2023-04-01", "2023-04-30", 16, 1500, 24000, 3),
			}}},
		"JW302": retour(exchange.IJw, "302", "437", "123456789012", "2023-07-15", "0384", "42420001", "JW302: retourbericht op een toewijzing: gelezen, niets in te lezen"),
		"JW306": retour(exchange.IJw, "306", "439", "123456789012", "2023-07-25", "65656055", "0363", "JW306: retourbericht op een startbericht: gelezen, niets in te lezen"),
		"JW308": retour(exchange.IJw, "308", "441", "123456789012", "2023-07-20", "65656055", "0363", "JW308: retourbericht op een stopbericht: gelezen, niets in te lezen"),
	}
	for _, f := range examples(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".xml")
		t.Run(name, func(t *testing.T) {
			w := want[name]
			if w == nil {
				t.Fatalf("no expectation for %s", name)
			}
			got := mustRead(t, f, readFile(t, f))
			if !reflect.DeepEqual(got, w) {
				t.Errorf("got  %s\nwant %s", dump(got), dump(w))
			}
		})
	}
}

func claimPath(i int) string {
	// Two clients with two and three (JW) or two and two (WMO) claims.
	paths := []string{
		"/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[1]",
		"/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[2]",
		"/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[1]",
		"/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[2]",
		"/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[3]",
	}
	return paths[i]
}

// dump shows a message with the fields JSON hides (BSN, Path).
func dump(m *exchange.Message) string {
	var b strings.Builder
	b.WriteString(strings.ReplaceAll(strings.TrimSpace(mustJSON(m)), ",", ", "))
	if m.Client != nil {
		b.WriteString(" bsn=" + m.Client.BSN)
	}
	for _, a := range m.Allocations {
		b.WriteString(" path=" + a.Path)
	}
	if m.Declaration != nil {
		for _, c := range m.Declaration.Claims {
			b.WriteString(" claim=" + c.BSN + "@" + c.Path)
		}
	}
	return b.String()
}

// problemsOf returns the problems of a Read error, failing on other errors.
func problemsOf(t testing.TB, err error) exchange.Problems {
	t.Helper()
	var ps exchange.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want exchange.Problems, got %T: %v", err, err)
	}
	return ps
}

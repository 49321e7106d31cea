package exchange

import (
	"strings"
	"testing"

	"naober.nl/naober/internal/people"
)

// A persons file full of bad person cells: every problem says line and
// column and what is wrong, none holds a person's value.
func TestSheetProblemsHoldNoPersonData(t *testing.T) {
	header := []string{"BSN", "Voornamen", "Tussenvoegsel", "Achternaam", "Geboortedatum", "Geslacht", "Postcode", "Huisnummer", "Toevoeging", "Rol"}
	c, err := NewConverter(KindPersons, "p.csv", header, Suggest(KindPersons, header), "BSN", testParsers, people.MustDate("2026-12-01"))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Geheimnaam", 21)
	rows := [][]string{
		{"999990018", long, "van der de la Geheimnaam", long, "31-02-1980", "Vrouwelijk", "7941 ABC", "12a", "-BIS-7", "grootmoeder"},
		{"12345678", "Anna", "de", "Vries", "17-05-2090", "q", "12345", "0", "toolong", "baas"},
		{"999990019", "Anna", "de", "Vries", "01-01-1850", "V", "7941AB", "100000", "", ""},
	}
	secret := []string{"999990018", "12345678", "Geheimnaam", "31-02-1980", "Vrouwelijk", "7941 ABC", "12a", "BIS7", "grootmoeder", "2090", "12345", "100000", "1850", "baas", "toolong"}
	seen := map[string]bool{}
	for i, row := range rows {
		_, ps := c.Convert(i+2, row)
		if len(ps) == 0 {
			t.Fatalf("row %d passed", i+2)
		}
		for _, p := range ps {
			col := strings.TrimPrefix(p.Path, "regel ")
			if _, rest, ok := strings.Cut(col, ", kolom "); ok {
				seen[rest] = true
			} else {
				t.Errorf("problem without line and column: %+v", p)
			}
			if p.Msg == "" {
				t.Errorf("problem without a message: %+v", p)
			}
			if p.Value != "" && !strings.HasPrefix(p.Value, "******") {
				t.Errorf("a person's value in a problem: %+v", p)
			}
			for _, s := range secret {
				if strings.Contains(p.String(), s) {
					t.Errorf("%q in a problem: %s", s, p.String())
				}
			}
		}
	}
	for _, col := range []string{"BSN", "Voornamen", "Tussenvoegsel", "Achternaam", "Geboortedatum", "Geslacht", "Postcode", "Huisnummer", "Toevoeging", "Rol"} {
		if !seen[col] {
			t.Errorf("no problem in column %s", col)
		}
	}
	// The message still says what is wrong.
	_, ps := c.Convert(9, []string{"999990019", "Anna", "", "Vries", "31-02-1980", "V", "7941AB", "12", "", ""})
	if len(ps) != 1 || ps[0].Path != "regel 9, kolom Geboortedatum" || !strings.Contains(ps[0].Msg, "geen datum") || ps[0].Value != "" {
		t.Fatalf("%+v", ps)
	}
	// Values of fields that are not personal stay: they help to fix the file.
	vh := []string{"BSN", "Wet", "Categorie", "Start", "Tarief"}
	vc, err := NewConverter(KindProvisions, "v.csv", vh, Suggest(KindProvisions, vh), "BSN", testParsers, people.MustDate("2026-12-01"))
	if err != nil {
		t.Fatal(err)
	}
	_, ps = vc.Convert(3, []string{"999990019", "wet op iets", "02", "32-01-2026", "veel"})
	for _, want := range []string{`(waarde "wet op iets")`, `(waarde "32-01-2026")`, `(waarde "veel")`} {
		if !strings.Contains(ps.Error(), want) {
			t.Errorf("problems lack %s:\n%s", want, ps.Error())
		}
	}
}

func TestSheetScrubReportProblems(t *testing.T) {
	ps := []Problem{
		{Path: "regel 2", Value: "1980-05-17", Msg: "de geboortedatum ligt in de toekomst"},
		{Path: "regel 3, kolom BSN", Value: "******018", Msg: "geen geldig BSN"},
		{Path: "regel 4", Value: "T-999990019", Msg: "deze toewijzing stond al in naober"},
	}
	got := ScrubSheetProblems(KindPersons, ps)
	if got[0].Value != "" || got[1].Value != "******018" || got[2].Value != "" || ps[0].Value == "" {
		t.Errorf("persons: %+v", got)
	}
	got = ScrubSheetProblems(KindProvisions, ps)
	if got[0].Value != "1980-05-17" || got[2].Value != "T-******019" {
		t.Errorf("provisions: %+v", got)
	}
}

func TestIstdScrubProblems(t *testing.T) {
	ps := []Problem{
		{File: "a.xml", Path: "/Bericht/Client/Naam/Geslachtsnaam/Achternaam", Value: "Vries", Msg: "te lang"},
		{Path: "/Bericht/Client/Geboortedatum/Datum", Value: "2090-01-01", Msg: "in de toekomst"},
		{Path: "/Bericht/Client/Contact/Adres/Postcode", Value: "7941AB", Msg: "geen postcode"},
		{Path: "/Bericht/Client/Contact/Telefoon/Telefoonnummer", Value: "0612345678", Msg: "x"},
		{Path: "/Bericht/Client/Contact/Emailadres", Value: "a@b.nl", Msg: "x"},
		{Path: "/Bericht/Client/Relatie/Naam/Voornamen", Value: "Piet", Msg: "x"},
		{Path: "/Bericht/Client/ToegewezenProducten/ToegewezenProduct/Commentaar", Value: "belt mevrouw de Vries", Msg: "x"},
		{Path: "/Bericht/Client/Bsn", Value: "123456789", Msg: "elfproef"},
		{Path: "/Bericht/Client/Bsn", Value: "******789", Msg: "elfproef"},
		{Path: "/Bericht/Client/ToegewezenProducten/ToegewezenProduct/Product/Categorie", Value: "99", Msg: "onbekende categorie"},
		{Path: "/Bericht/Header/Afzender", Value: "x 12345678 y 1234567890", Msg: "x"},
	}
	got := ScrubProblems(ps)
	want := []string{"", "", "", "", "", "", "", "******789", "******789", "99", "x ******678 y 1234567890"}
	for i := range want {
		if got[i].Value != want[i] || got[i].Path != ps[i].Path || got[i].Msg != ps[i].Msg {
			t.Errorf("%d: %+v, want value %q", i, got[i], want[i])
		}
	}
	if got[0].File != "a.xml" || ps[0].Value != "Vries" {
		t.Error("ScrubProblems changed the file name or its input")
	}
}

package istd

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
)

// xmllint validates a written message against the official XSD in testdata.
func xmllint(t *testing.T, std exchange.Standard, xmlBytes []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("NAOBER_XMLLINT_REQUIRED") == "1" {
			t.Fatal("xmllint not installed but NAOBER_XMLLINT_REQUIRED=1; apt-get install libxml2-utils")
		}
		t.Skip("xmllint not installed; apt-get install libxml2-utils")
	}
	file := filepath.Join(t.TempDir(), "bericht.xml")
	if err := os.WriteFile(file, xmlBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	schema := filepath.Join("testdata", string(std), "xsd", std.Prefix()+"301.xsd")
	out, err := exec.Command(bin, "--noout", "--schema", schema, file).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint: %v\n%s\n%s", err, out, xmlBytes)
	}
}

func write(t *testing.T, m *exchange.Message) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteAllocation(&b, m); err != nil {
		t.Fatalf("WriteAllocation: %v", err)
	}
	return b.Bytes()
}

// The XSD check itself works: the examples pass and a broken one fails.
func TestXmllintSeesErrors(t *testing.T) {
	xmllint(t, exchange.IJw, readFile(t, jw301))
	bin, _ := exec.LookPath("xmllint")
	file := filepath.Join(t.TempDir(), "bad.xml")
	os.WriteFile(file, edit(t, jw301, "<ijw:Eenheid>16</ijw:Eenheid>", "<ijw:Eenheid>05</ijw:Eenheid>"), 0o600)
	if err := exec.Command(bin, "--noout", "--schema", "testdata/ijw/xsd/JW301.xsd", file).Run(); err == nil {
		t.Fatal("xmllint accepted an invalid Eenheid")
	}
}

func TestRoundTripExamples(t *testing.T) {
	for _, f := range []string{jw301, wmo301} {
		t.Run(filepath.Base(f), func(t *testing.T) {
			m1 := mustRead(t, f, readFile(t, f))
			out := write(t, m1)
			m2 := mustRead(t, "written", out)
			if !reflect.DeepEqual(m1, m2) {
				t.Errorf("round trip differs:\n%s\n%s", dump(m1), dump(m2))
			}
			// Writing again gives the same bytes.
			if again := write(t, m2); !bytes.Equal(out, again) {
				t.Error("second write differs")
			}
			xmllint(t, m1.Standard, out)
		})
	}
}

func allocation(std exchange.Standard) *exchange.Message {
	cat, code := "45", "45A03"
	if std == exchange.IWmo {
		cat, code = "02", "02A01"
	}
	return &exchange.Message{Standard: std, Code: "301", ID: "NB-2026-0001", Dagtekening: d("2026-04-01"), Afzender: "0119", Ontvanger: "12345678",
		Client: &exchange.Client{BSN: "999990019", Geboortedatum: d("1950-03-31"), Geslacht: "vrouw", Voornamen: "Aaltje Geertruida", Voorletters: "AG", Voorvoegsel: "van der", Achternaam: "Bosch-Ëlzinga",
			Address: &exchange.Address{Postcode: "7941AB", Huisnummer: 12, Toevoeging: "A2", Straat: "Hoofdstraat", Plaats: "Meppel"}},
		Allocations: []exchange.Allocation{{Nummer: "900001", Categorie: cat, Code: code, Toewijzingsdatum: d("2026-03-30"), Toewijzingstijd: "09:15:00", Ingangsdatum: d("2026-04-01")}},
	}
}

func TestWriteAllocations(t *testing.T) {
	i64 := func(n int64) *int64 { return &n }
	cases := []struct {
		name   string
		std    exchange.Standard
		change func(m *exchange.Message)
	}{
		{"jw open-ended", exchange.IJw, func(m *exchange.Message) {}},
		{"wmo open-ended", exchange.IWmo, func(m *exchange.Message) {}},
		{"jw budget without omvang", exchange.IJw, func(m *exchange.Message) {
			a := &m.Allocations[0]
			a.BudgetCents, a.Einddatum, a.Code = i64(1250000), d("2026-12-31"), ""
		}},
		{"wmo omvang budget reden commentaar", exchange.IWmo, func(m *exchange.Message) {
			a := &m.Allocations[0]
			a.Volume, a.Eenheid, a.Frequentie, a.BudgetCents = ip(3), "04", "2", i64(0)
			a.RedenWijziging, a.ReferentieAanbieder = "04", "REF-77"
			a.Commentaar = "3 uur per week <begeleiding> & \"meer\"\nregel twee"
			a.Einddatum = d("2027-03-31")
		}},
		{"wmo without address, several products, no time", exchange.IWmo, func(m *exchange.Message) {
			m.Client.Address, m.Client.Geslacht, m.Client.Voornamen, m.Client.Voorletters, m.Client.Voorvoegsel = nil, "onbekend", "", "", ""
			base := m.Allocations[0]
			base.Toewijzingstijd = ""
			m.Allocations = nil
			for i, cat := range []string{"01", "07", "15"} {
				a := base
				a.Nummer, a.Categorie, a.Code = "90000"+string(rune('1'+i)), cat, ""
				m.Allocations = append(m.Allocations, a)
			}
		}},
		{"address with number only", exchange.IJw, func(m *exchange.Message) {
			m.Client.Address = &exchange.Address{Postcode: "7941AB", Huisnummer: 5}
		}},
		{"address with numeric toevoeging", exchange.IJw, func(m *exchange.Message) {
			m.Client.Address.Toevoeging = "2"
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := allocation(c.std)
			c.change(m)
			out := write(t, m)
			xmllint(t, c.std, out)
			got := mustRead(t, "written", out)
			for i := range m.Allocations {
				m.Allocations[i].Path = got.Allocations[i].Path
				if m.Allocations[i].Toewijzingstijd == "" {
					m.Allocations[i].Toewijzingstijd = "00:00:00"
				}
			}
			m.BerichtCode, m.Import = got.BerichtCode, true
			if !reflect.DeepEqual(got, m) {
				t.Errorf("read back differs:\n%s\n%s", dump(got), dump(m))
			}
		})
	}
}

func TestWriteRefusesInvalid(t *testing.T) {
	tp := "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[1]/"
	cases := []struct {
		name   string
		change func(m *exchange.Message)
		path   string
		msg    string
	}{
		{"missing bsn", func(m *exchange.Message) { m.Client.BSN = "" }, "/Bericht/Client/Bsn", "ontbreekt"},
		{"bsn fails 11-proef", func(m *exchange.Message) { m.Client.BSN = "999990018" }, "/Bericht/Client/Bsn", "elfproef"},
		{"jw category in wmo", func(m *exchange.Message) { m.Standard = exchange.IWmo }, tp + "Product/Categorie", "deze code bestaat niet"},
		{"missing category", func(m *exchange.Message) { m.Allocations[0].Categorie = "" }, tp + "Product/Categorie", "ontbreekt"},
		{"end before start", func(m *exchange.Message) { m.Allocations[0].Einddatum = d("2026-03-01") }, tp + "Einddatum", "vóór de ingangsdatum"},
		{"omvang incomplete", func(m *exchange.Message) { m.Allocations[0].Volume = ip(2) }, tp + "Omvang/Eenheid", "ontbreekt"},
		{"bad unit", func(m *exchange.Message) {
			a := &m.Allocations[0]
			a.Volume, a.Eenheid, a.Frequentie = ip(2), "99", "2"
		}, tp + "Omvang/Eenheid", "deze code bestaat niet"},
		{"nummer not a number", func(m *exchange.Message) { m.Allocations[0].Nummer = "A-1" }, tp + "ToewijzingNummer", "heel getal"},
		{"no allocations", func(m *exchange.Message) { m.Allocations = nil }, "/Bericht/Client/ToegewezenProducten/ToegewezenProduct", "minstens één"},
		{"afzender is agb", func(m *exchange.Message) { m.Afzender = "12345678" }, "/Bericht/Header/Afzender", "gemeentecode"},
		{"ontvanger is gemeente", func(m *exchange.Message) { m.Ontvanger = "0119" }, "/Bericht/Header/Ontvanger", "AGB-code"},
		{"no dagtekening", func(m *exchange.Message) { m.Dagtekening = people.Date{} }, "/Bericht/Header/BerichtIdentificatie/Dagtekening", "ontbreekt"},
		{"no client", func(m *exchange.Message) { m.Client = nil }, "/Bericht/Client", "ontbreekt"},
		{"no birth date", func(m *exchange.Message) { m.Client.Geboortedatum = people.Date{} }, "/Bericht/Client/Geboortedatum/Datum", "ontbreekt"},
		{"voorletters with dots", func(m *exchange.Message) { m.Client.Voorletters = "A.G." }, "/Bericht/Client/Naam/Voorletters", "alleen letters"},
		{"street too long", func(m *exchange.Message) { m.Client.Address.Straat = strings.Repeat("s", 25) }, "/Bericht/Client/Contactgegevens/Contact/Adres/Straatnaam", "hooguit 24"},
		{"toevoeging too long", func(m *exchange.Message) { m.Client.Address.Toevoeging = "ABCDEF" }, "/Bericht/Client/Contactgegevens/Contact/Adres/Huis/HuisnummerToevoeging", "hooguit 4"},
		{"unknown geslacht", func(m *exchange.Message) { m.Client.Geslacht = "x" }, "/Bericht/Client/Geslacht", "man, vrouw of onbekend"},
		{"bad time", func(m *exchange.Message) { m.Allocations[0].Toewijzingstijd = "9:15" }, tp + "Toewijzingstijd", "geen geldige tijd"},
		{"control character", func(m *exchange.Message) { m.Client.Achternaam = "Bos\x1b" }, "/Bericht/Client/Naam/Geslachtsnaam/Achternaam", "stuurteken"},
		{"invalid utf-8", func(m *exchange.Message) { m.Allocations[0].Commentaar = "caf\xe9" }, tp + "Commentaar", "niet in een XML-bericht"},
		{"comment too long", func(m *exchange.Message) { m.Allocations[0].Commentaar = strings.Repeat("x", MaxText+1) }, tp + "Commentaar", "langer dan 4096"},
		{"not a 301", func(m *exchange.Message) { m.Code = "305" }, "code", "alleen een toewijzing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := allocation(exchange.IJw)
			c.change(m)
			var b bytes.Buffer
			err := WriteAllocation(&b, m)
			if err == nil {
				t.Fatalf("written:\n%s", b.String())
			}
			if b.Len() != 0 {
				t.Error("something was written")
			}
			ps := problemsOf(t, err)
			for _, p := range ps {
				if p.Path == c.path && strings.Contains(p.Msg, c.msg) {
					if strings.Contains(ps.Error(), "999990018") {
						t.Error("BSN in problem")
					}
					return
				}
			}
			t.Errorf("want %s %q, got:\n%v", c.path, c.msg, ps)
		})
	}
}

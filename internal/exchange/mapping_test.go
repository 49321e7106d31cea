package exchange

import (
	"strconv"
	"strings"
	"testing"

	"naober.nl/naober/internal/people"
)

// testParsers stand in for package sheet's parsers in domain tests.
var testParsers = Parsers{
	Date: people.ParseDate,
	Cents: func(s string) (int64, error) {
		s = strings.ReplaceAll(strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(s), "€"), ".", ""), ",", ".")
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return int64(f*100 + 0.5), err
	},
	Int: func(s string) (int64, error) { return strconv.ParseInt(strings.TrimSpace(s), 10, 64) },
}

func TestSuggestMapping(t *testing.T) {
	header := []string{"\ufeffBurgerservicenummer", "Voornaam", "Tussenv.", "Geslachtsnaam", "Geb.datum", "M/V", "Postcode", "Huisnr", "Huisletter", "Rol", "Opmerking"}
	m := Suggest(KindPersons, header)
	want := map[string]string{"bsn": "\ufeffBurgerservicenummer", "voornamen": "Voornaam", "tussenvoegsel": "Tussenv.", "achternaam": "Geslachtsnaam",
		"geboortedatum": "Geb.datum", "geslacht": "M/V", "postcode": "Postcode", "huisnummer": "Huisnr", "toevoeging": "Huisletter", "rol": "Rol"}
	for f, col := range want {
		if m[f] != col {
			t.Errorf("field %s: got column %q, want %q", f, m[f], col)
		}
	}
	if len(m) != len(want) {
		t.Errorf("mapping %v has extra fields", m)
	}
	if k := SuggestKey(KindPersons, m); k != "\ufeffBurgerservicenummer" {
		t.Errorf("key %q", k)
	}
	pm := Suggest(KindProvisions, []string{"BSN cliënt", "Beschikkingsnummer", "Wet", "Productcategorie", "Productcode", "AGB-code", "Ingangsdatum", "Einddatum", "Omvang", "Eenheid", "Frequentie", "Tarief"})
	for f, col := range map[string]string{"bsn": "BSN cliënt", "toewijzingnummer": "Beschikkingsnummer", "categorie": "Productcategorie", "aanbieder_agb": "AGB-code",
		"start": "Ingangsdatum", "eind": "Einddatum", "volume": "Omvang", "prijs": "Tarief"} {
		if pm[f] != col {
			t.Errorf("provision field %s: got %q, want %q", f, pm[f], col)
		}
	}
	if k := SuggestKey(KindProvisions, pm); k != "Beschikkingsnummer" {
		t.Errorf("provision key %q", k)
	}
}

func TestMappingCheck(t *testing.T) {
	header := []string{"BSN", "Naam", "Voornaam"}
	ps := Mapping{"bsn": "BSN", "achternaam": "Naam", "voornamen": "Naam", "geboortedatum": "Geboren"}.Check(KindPersons, header, "Sleutel")
	s := ps.Error()
	for _, want := range []string{"al gekoppeld aan", "Geboren", "verplichte veld", "Postcode", "sleutel"} {
		if !strings.Contains(s, want) {
			t.Errorf("problems lack %q:\n%s", want, s)
		}
	}
}

func TestConvertPersonRow(t *testing.T) {
	header := []string{"BSN", "Voornamen", "Tussenvoegsel", "Achternaam", "Geboortedatum", "Geslacht", "Postcode", "Huisnummer", "Toevoeging", "Rol"}
	m := Suggest(KindPersons, header)
	c, err := NewConverter(KindPersons, "p.csv", header, m, "BSN", testParsers, people.MustDate("2026-12-01"))
	if err != nil {
		t.Fatal(err)
	}
	r, ps := c.Convert(2, []string{"9999.90.019", "Anna", "de", "Vries", "17-05-1980", "V", "7941 ab", "12", "a", "Moeder"})
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	cl := r.Person.Client
	if r.Key != "999990019" || cl.BSN != "999990019" || cl.Geboortedatum != people.MustDate("1980-05-17") || cl.Geslacht != "vrouw" ||
		cl.Address.Postcode != "7941AB" || cl.Address.Huisnummer != 12 || cl.Address.Toevoeging != "A" || r.Person.Rol != "ouder" || r.Fingerprint == "" {
		t.Fatalf("%+v %+v", r, cl)
	}
	_, ps = c.Convert(12, []string{"999990018", "Anna", "", "Vries", "31-02-1980", "q", "0000", "x", "", ""})
	s := ps.Error()
	for _, want := range []string{"regel 12, kolom BSN", "******018", "regel 12, kolom Geboortedatum", "regel 12, kolom Geslacht", "regel 12, kolom Postcode", "regel 12, kolom Huisnummer"} {
		if !strings.Contains(s, want) {
			t.Errorf("problems lack %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "999990018") {
		t.Errorf("a full BSN in a report: %s", s)
	}
	r1, _ := c.Convert(2, []string{"999990019", "Anna", "de", "Vries", "1980-05-17", "V", "7941AB", "12", "A", "ouder"})
	r2, _ := c.Convert(3, []string{"999990019", "Anna", "de", "Vries", "1980-05-17", "V", "7941AB", "14", "A", "ouder"})
	if r1.Fingerprint == r2.Fingerprint {
		t.Error("a changed house number keeps the fingerprint")
	}
}

func TestConvertProvisionRow(t *testing.T) {
	header := []string{"BSN", "Toewijzing", "Wet", "Categorie", "Productcode", "Aanbieder", "AGB", "Start", "Eind", "Volume", "Eenheid", "Frequentie", "Tarief", "Maandbedrag"}
	m := Suggest(KindProvisions, header)
	c, err := NewConverter(KindProvisions, "v.csv", header, m, "Toewijzing", testParsers, people.MustDate("2026-12-01"))
	if err != nil {
		t.Fatal(err)
	}
	r, ps := c.Convert(2, []string{"999990019", "T-1", "Wmo", "2", "02A01", "Zorggroep", "98001234", "05-01-2026", "31-12-2026", "3", "4", "2", "68,50", ""})
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	p := r.Provision.Provision
	if p.Wet != "wmo" || p.Categorie != "02" || p.Eenheid != "04" || *p.Volume != 3 || int64(*p.PrijsCents) != 6850 || p.Taakveld != "6.712" || p.Status != "toegekend" || r.Key != "T-1" {
		t.Fatalf("%+v", p)
	}
	_, ps = c.Convert(7, []string{"999990019", "T-2", "wmo", "45", "", "", "", "05-01-2026", "", "", "", "", "", "100"})
	if !strings.Contains(ps.Error(), "regel 7, kolom Categorie") {
		t.Fatalf("jeugd category under wmo: %v", ps)
	}
}

// FuzzConvert: any row converts or is rejected with problems that name the
// line, never panics, never carries a whole BSN, and never the value of a
// person field.
func FuzzConvert(f *testing.F) {
	f.Add("999990019", "17-05-1980", "7941 ab", "12", "a", "V", "ouder", "68,50", "wmo", "02")
	f.Add("", "31-02-1980", "0000", "x", "toolong", "q", "baas", "1.2.3", "?", "")
	f.Add("99999001", "1980-05-17", "7941AB", "99999", "", "", "", "", "jw", "45")
	header := []string{"BSN", "Geboortedatum", "Postcode", "Huisnummer", "Toevoeging", "Geslacht", "Rol", "Tarief", "Wet", "Categorie", "Voornamen", "Achternaam", "Startdatum"}
	today := people.MustDate("2026-12-01")
	pc, err := NewConverter(KindPersons, "f.csv", header, Suggest(KindPersons, header), "BSN", testParsers, today)
	if err != nil {
		f.Fatal(err)
	}
	vc, err := NewConverter(KindProvisions, "f.csv", header, Suggest(KindProvisions, header), "BSN", testParsers, today)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, bsn, date, postcode, nr, toev, geslacht, rol, bedrag, wet, cat string) {
		cells := []string{bsn, date, postcode, nr, toev, geslacht, rol, bedrag, wet, cat, "Anna", "Vries", date}
		for _, c := range []*Converter{pc, vc} {
			r, ps := c.Convert(7, cells)
			if len(ps) == 0 && r.Fingerprint == "" {
				t.Fatal("a good row without a fingerprint")
			}
			for _, p := range ps {
				if !strings.HasPrefix(p.Path, "regel 7") {
					t.Fatalf("problem without the line: %+v", p)
				}
				if n := people.NormalizeBSN(bsn); people.ValidBSN(n) && strings.Contains(p.String(), n) {
					t.Fatalf("a whole BSN in a problem: %+v", p)
				}
				// No value of a person field: only a masked BSN, or values of
				// provision fields (wet, categorie, amounts, dates).
				if c == pc && p.Value != "" && !strings.HasPrefix(p.Value, "******") {
					t.Fatalf("a person's value in a problem: %+v", p)
				}
			}
		}
	})
}

package istd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"naober.nl/naober/internal/exchange"
)

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// edit applies old→new replacements to an example, each exactly once
// unless old starts with "*" (all occurrences).
func edit(t *testing.T, file string, pairs ...string) []byte {
	t.Helper()
	// Most examples have CRLF line ends; edit with LF.
	s := strings.ReplaceAll(string(readFile(t, file)), "\r\n", "\n")
	for i := 0; i < len(pairs); i += 2 {
		old, new := pairs[i], pairs[i+1]
		if strings.HasPrefix(old, "*") {
			old = old[1:]
			if !strings.Contains(s, old) {
				t.Fatalf("%q not in %s", old, file)
			}
			s = strings.ReplaceAll(s, old, new)
			continue
		}
		if strings.Count(s, old) != 1 {
			t.Fatalf("%q occurs %d times in %s", old, strings.Count(s, old), file)
		}
		s = strings.Replace(s, old, new, 1)
	}
	return []byte(s)
}

const (
	jw301  = "testdata/ijw/berichten/JW301.xml"
	wmo301 = "testdata/iwmo/berichten/WMO301.xml"
	jw305  = "testdata/ijw/berichten/JW305.xml"
	jw307  = "testdata/ijw/berichten/JW307.xml"
	jw323  = "testdata/ijw/berichten/JW323.xml"
	wmo323 = "testdata/iwmo/berichten/WMO323.xml"
	jw302  = "testdata/ijw/berichten/JW302.xml"
)

func TestProblems(t *testing.T) {
	tp2 := "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]"
	tp1 := "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[1]"
	cases := []struct {
		name  string
		input []byte
		path  string
		value string
		msg   string
	}{
		{"eenheid not in WJ756", edit(t, jw301, "<ijw:Eenheid>16</ijw:Eenheid>", "<ijw:Eenheid>05</ijw:Eenheid>"),
			tp2 + "/Omvang/Eenheid", "05", "deze code bestaat niet; toegestaan: 01 (Minuut), 04 (Uur)"},
		{"bsn fails 11-proef", edit(t, jw301, "<jw301:Bsn>999900006</jw301:Bsn>", "<jw301:Bsn>999900007</jw301:Bsn>"),
			"/Bericht/Client/Bsn", "******007", "elfproef"},
		{"bsn too short", edit(t, jw301, "<jw301:Bsn>999900006</jw301:Bsn>", "<jw301:Bsn>12345</jw301:Bsn>"),
			"/Bericht/Client/Bsn", "******345", "9 cijfers"},
		{"product category not in JZ020", edit(t, jw301, "<ijw:Categorie>55</ijw:Categorie>\n\t\t\t\t\t<ijw:Code>55A12", "<ijw:Categorie>01</ijw:Categorie>\n\t\t\t\t\t<ijw:Code>55A12"),
			tp2 + "/Product/Categorie", "01", "deze code bestaat niet"},
		{"wmo category not in WMO020", edit(t, wmo301, "<iwmo:Categorie>01</iwmo:Categorie>", "<iwmo:Categorie>55</iwmo:Categorie>"),
			tp1 + "/Product/Categorie", "55", "deze code bestaat niet"},
		{"frequentie not in WMO757", edit(t, wmo301, "<iwmo:Frequentie>1</iwmo:Frequentie>", "<iwmo:Frequentie>3</iwmo:Frequentie>"),
			tp1 + "/Omvang/Frequentie", "3", "deze code bestaat niet"},
		{"geslacht not in COD046", edit(t, jw301, "<jw301:Geslacht>1</jw301:Geslacht>\n\t\t<jw301:Naam>", "<jw301:Geslacht>3</jw301:Geslacht>\n\t\t<jw301:Naam>"),
			"/Bericht/Client/Geslacht", "", "deze code bestaat niet"}, // personal: no value
		{"reden wijziging not in JZ002", edit(t, jw301, "<jw301:Einddatum>2026-07-14</jw301:Einddatum>", "<jw301:Einddatum>2026-07-14</jw301:Einddatum><jw301:RedenWijziging>15</jw301:RedenWijziging>"),
			tp1 + "/RedenWijziging", "15", "deze code bestaat niet"},
		{"missing ingangsdatum", edit(t, jw301, "<jw301:Ingangsdatum>2026-04-01</jw301:Ingangsdatum>\n\t\t\t\t<jw301:Einddatum>2026-07-19", "<jw301:Einddatum>2026-07-19"),
			tp2 + "/Ingangsdatum", "", "ontbreekt, maar is verplicht"},
		{"missing product", edit(t, jw301, "<jw301:Product>\n\t\t\t\t\t<ijw:Categorie>55</ijw:Categorie>\n\t\t\t\t\t<ijw:Code>55A11</ijw:Code>\n\t\t\t\t</jw301:Product>", ""),
			tp1 + "/Product", "", "productcategorie ontbreekt"},
		{"einddatum before ingangsdatum", edit(t, jw301, "<jw301:Einddatum>2026-07-14</jw301:Einddatum>", "<jw301:Einddatum>2026-03-14</jw301:Einddatum>"),
			tp1 + "/Einddatum", "2026-03-14", "vóór de ingangsdatum"},
		{"impossible date", edit(t, jw301, "<jw301:Einddatum>2026-07-14</jw301:Einddatum>", "<jw301:Einddatum>2026-02-30</jw301:Einddatum>"),
			tp1 + "/Einddatum", "2026-02-30", "geen geldige datum"},
		{"date with zone", edit(t, jw301, "<jw301:Einddatum>2026-07-14</jw301:Einddatum>", "<jw301:Einddatum>2026-07-14Z</jw301:Einddatum>"),
			tp1 + "/Einddatum", "2026-07-14Z", "geen geldige datum"},
		{"bad time", edit(t, jw301, "*<jw301:Toewijzingstijd>12:34:56</jw301:Toewijzingstijd>", "<jw301:Toewijzingstijd>25:00:00</jw301:Toewijzingstijd>"),
			tp1 + "/Toewijzingstijd", "25:00:00", "geen geldige tijd"},
		{"berichtcode of another message", edit(t, jw301, "<jw301:BerichtCode>436</jw301:BerichtCode>", "<jw301:BerichtCode>438</jw301:BerichtCode>"),
			"/Bericht/Header/BerichtCode", "438", "hier hoort 436 te staan"},
		{"berichtversie", edit(t, jw301, "<jw301:BerichtVersie>3</jw301:BerichtVersie>", "<jw301:BerichtVersie>2</jw301:BerichtVersie>"),
			"/Bericht/Header/BerichtVersie", "2", "hier hoort 3 te staan"},
		{"gemeentecode 3 digits", edit(t, jw301, "<jw301:Afzender>0384</jw301:Afzender>", "<jw301:Afzender>384</jw301:Afzender>"),
			"/Bericht/Header/Afzender", "384", "gemeentecode van 4 cijfers"},
		{"agb 4 digits", edit(t, jw301, "<jw301:Ontvanger>42420001</jw301:Ontvanger>", "<jw301:Ontvanger>4242</jw301:Ontvanger>"),
			"/Bericht/Header/Ontvanger", "4242", "AGB-code van 8 cijfers"},
		{"missing identificatie", edit(t, jw301, "<ijw:Identificatie>123456789012</ijw:Identificatie>", ""),
			"/Bericht/Header/BerichtIdentificatie/Identificatie", "", "ontbreekt"},
		{"identificatie too long", edit(t, jw301, "<ijw:Identificatie>123456789012</ijw:Identificatie>", "<ijw:Identificatie>1234567890123</ijw:Identificatie>"),
			"/Bericht/Header/BerichtIdentificatie/Identificatie", "1234567890123", "te lang: hooguit 12 tekens"},
		{"budget too big", edit(t, jw301, "<jw301:Commentaar>Commentaar Toegewezen Product 2", "<jw301:Budget>100000000</jw301:Budget><jw301:Commentaar>Commentaar Toegewezen Product 2"),
			tp2 + "/Budget", "100000000", "tussen 0 en 99999999"},
		{"volume negative", edit(t, wmo301, "<iwmo:Volume>10</iwmo:Volume>", "<iwmo:Volume>-1</iwmo:Volume>"),
			tp1 + "/Omvang/Volume", "-1", "tussen 0 en 99999999"},
		{"volume not a number", edit(t, wmo301, "<iwmo:Volume>10</iwmo:Volume>", "<iwmo:Volume>tien</iwmo:Volume>"),
			tp1 + "/Omvang/Volume", "tien", "heel getal"},
		{"straatnaam too long", edit(t, wmo301, "<iwmo:Straatnaam>Straatweg</iwmo:Straatnaam>\n\t\t\t\t\t<iwmo:Plaatsnaam>Plaats<", "<iwmo:Straatnaam>Burgemeester van Walsumweg Oost</iwmo:Straatnaam>\n\t\t\t\t\t<iwmo:Plaatsnaam>Plaats<"),
			"/Bericht/Client/Contactgegevens/Contact[1]/Adres/Straatnaam", "", "hooguit 24 tekens"}, // free text, an address: no value
		{"duplicate toewijzingnummer", edit(t, jw301, "<jw301:ToewijzingNummer>300202</jw301:ToewijzingNummer>", "<jw301:ToewijzingNummer>0300201</jw301:ToewijzingNummer>"),
			tp2 + "/ToewijzingNummer", "300201", "staat al eerder in dit bericht"},
		{"unknown element", edit(t, jw301, "<jw301:Commentaar>Commentaar client</jw301:Commentaar>", "<jw301:Commentaar>Commentaar client</jw301:Commentaar><jw301:Hobby>vissen</jw301:Hobby>"),
			"/Bericht/Client/Hobby", "", "hoort hier niet"},
		{"element out of order", edit(t, jw301, "<jw301:Geslacht>1</jw301:Geslacht>\n\t\t<jw301:Naam>", "<jw301:Naam>"),
			"/Bericht/Client/Geslacht", "", "ontbreekt"},
		{"wrong namespace", edit(t, jw301, "<jw301:Bsn>999900006</jw301:Bsn>", "<ijw:Bsn>999900006</ijw:Bsn>"),
			"/Bericht/Client/Bsn", "http://www.istandaarden.nl/ijw/3_2/basisschema/schema", "verkeerde namespace"},
		{"attribute", edit(t, jw301, "<jw301:Bsn>", `<jw301:Bsn naam="Jan Jansen">`),
			"/Bericht/Client/Bsn", "", "attribuut naam hoort niet"}, // an attribute's value is never shown
		{"stray text", edit(t, jw301, "<jw301:Client>", "<jw301:Client>Jan Jansen 01-02-2010"),
			"/Bericht/Client", "", "geen losse tekst"}, // stray text is never shown
		{"305 status not in list", edit(t, jw305, "*<jw305:StatusAanlevering>1</jw305:StatusAanlevering>", "<jw305:StatusAanlevering>5</jw305:StatusAanlevering>"),
			"/Bericht/Client/StartProducten/StartProduct[1]/StatusAanlevering", "5", "deze code bestaat niet"},
		{"305 without toewijzingnummer", edit(t, jw305, "<jw305:ToewijzingNummer>300202</jw305:ToewijzingNummer>", ""),
			"/Bericht/Client/StartProducten/StartProduct[2]/ToewijzingNummer", "", "toewijzingnummer ontbreekt"},
		{"307 reden beeindiging not in JZ588", edit(t, jw307, "*<jw307:RedenBeeindiging>31</jw307:RedenBeeindiging>", "<jw307:RedenBeeindiging>19</jw307:RedenBeeindiging>"),
			"/Bericht/Client/StopProducten/StopProduct[1]/RedenBeeindiging", "19", "deze code bestaat niet"},
		{"307 end before begin", edit(t, jw307, "<jw307:Begindatum>2026-04-15</jw307:Begindatum>\n\t\t\t\t<jw307:RedenBeeindiging>31</jw307:RedenBeeindiging>\n\t\t\t\t<jw307:Einddatum>2026-07-17", "<jw307:Begindatum>2026-04-15</jw307:Begindatum>\n\t\t\t\t<jw307:RedenBeeindiging>31</jw307:RedenBeeindiging>\n\t\t\t\t<jw307:Einddatum>2026-04-14"),
			"/Bericht/Client/StopProducten/StopProduct[2]/Einddatum", "2026-04-14", "vóór de begindatum"},
		{"323 total wrong", edit(t, jw323, "<ijw:TotaalBedrag>79000</ijw:TotaalBedrag>", "<ijw:TotaalBedrag>80000</ijw:TotaalBedrag>"),
			"/Bericht/Declaratie/TotaalIngediendBedrag/TotaalBedrag", "80000", "tellen op tot € 790,00 debet, maar als totaal staat er € 800,00 debet"},
		{"323 line not volume times tariff", edit(t, jw323, "<ijw:Bedrag>21000</ijw:Bedrag>", "<ijw:Bedrag>22000</ijw:Bedrag>", "<ijw:TotaalBedrag>79000</ijw:TotaalBedrag>", "<ijw:TotaalBedrag>80000</ijw:TotaalBedrag>"),
			"/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[3]/IngediendBedrag/Bedrag", "22000", "14 × € 15,00 = € 210,00, maar er staat € 220,00"},
		{"323 debet/credit not C or D", edit(t, jw323, "<ijw:Bedrag>21000</ijw:Bedrag>\n\t\t\t\t\t\t\t<ijw:DebetCredit>D", "<ijw:Bedrag>21000</ijw:Bedrag>\n\t\t\t\t\t\t\t<ijw:DebetCredit>X"),
			"/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[3]/IngediendBedrag/DebetCredit", "X", "toegestaan: C"},
		{"323 client bsn", edit(t, jw323, "<jw323:Bsn>999900018</jw323:Bsn>", "<jw323:Bsn>999900019</jw323:Bsn>"),
			"/Bericht/Declaratie/Clienten/Client[2]/Bsn", "******019", "elfproef"},
		{"323 period reversed", edit(t, wmo323, "<iwmo:Einddatum>2023-04-30</iwmo:Einddatum>\n\t\t</wmo323:DeclaratiePeriode>", "<iwmo:Einddatum>2023-03-30</iwmo:Einddatum>\n\t\t</wmo323:DeclaratiePeriode>"),
			"/Bericht/Declaratie/DeclaratiePeriode/Einddatum", "2023-03-30", "vóór de begindatum"},
		{"302 header berichtcode", edit(t, jw302, "<jw302:BerichtCode>437</jw302:BerichtCode>", "<jw302:BerichtCode>436</jw302:BerichtCode>"),
			"/Bericht/Header/BerichtCode", "436", "hoort niet bij JW302; daar hoort 437"},
		{"302 header missing dagtekening", edit(t, jw302, "<ijw:Dagtekening>2023-07-15</ijw:Dagtekening>", ""),
			"/Bericht/Header/BerichtIdentificatie/Dagtekening", "", "ontbreekt"},
		{"302 afzender must be gemeente", edit(t, jw302, "<jw302:Afzender>0384</jw302:Afzender>", "<jw302:Afzender>42420001</jw302:Afzender>"),
			"/Bericht/Header/Afzender", "42420001", "gemeentecode"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Read("in.xml", bytes.NewReader(c.input))
			if err == nil {
				t.Fatalf("no problem; read %s", dump(m))
			}
			ps := problemsOf(t, err)
			for _, p := range ps {
				if p.Path == c.path && p.Value == c.value && strings.Contains(p.Msg, c.msg) && p.File == "in.xml" {
					return
				}
			}
			t.Errorf("want %s %q %q, got:\n%v", c.path, c.value, c.msg, ps)
		})
	}
}

func TestToewijzingNummerCanonical(t *testing.T) {
	m := mustRead(t, "x", edit(t, jw305, "<jw305:ToewijzingNummer>300202</jw305:ToewijzingNummer>", "<jw305:ToewijzingNummer> +000300202 </jw305:ToewijzingNummer>"))
	if m.Starts[1].Nummer != "300202" {
		t.Errorf("nummer %q", m.Starts[1].Nummer)
	}
}

func TestNoBSNInProblems(t *testing.T) {
	in := edit(t, jw301, "<jw301:Bsn>999900006</jw301:Bsn>", "<jw301:Bsn>123456789</jw301:Bsn>")
	_, err := Read("x", bytes.NewReader(in))
	if err == nil || strings.Contains(err.Error(), "123456789") {
		t.Fatalf("BSN in report: %v", err)
	}
}

func TestAllProblemsReported(t *testing.T) {
	in := edit(t, jw301,
		"<jw301:Bsn>999900006</jw301:Bsn>", "<jw301:Bsn>999900007</jw301:Bsn>",
		"<ijw:Eenheid>16</ijw:Eenheid>", "<ijw:Eenheid>05</ijw:Eenheid>",
		"<jw301:Einddatum>2026-07-14</jw301:Einddatum>", "<jw301:Einddatum>2026-03-14</jw301:Einddatum>")
	_, err := Read("x", bytes.NewReader(in))
	if ps := problemsOf(t, err); len(ps) != 3 {
		t.Fatalf("want 3 problems, got %d:\n%v", len(ps), ps)
	}
}

func TestProblemsCapped(t *testing.T) {
	product := `<jw301:ToegewezenProduct><jw301:ToewijzingNummer>x</jw301:ToewijzingNummer><jw301:Product><ijw:Categorie>55</ijw:Categorie></jw301:Product>
<jw301:Toewijzingsdatum>2026-04-01</jw301:Toewijzingsdatum><jw301:Toewijzingstijd>12:00:00</jw301:Toewijzingstijd><jw301:Ingangsdatum>2026-04-01</jw301:Ingangsdatum></jw301:ToegewezenProduct>`
	in := edit(t, jw301, "<jw301:ToegewezenProducten>", "<jw301:ToegewezenProducten>"+strings.Repeat(product, 300))
	_, err := Read("x", bytes.NewReader(in))
	ps := problemsOf(t, err)
	if len(ps) != MaxProblems+1 || !strings.Contains(ps[MaxProblems].Msg, "nog meer problemen") {
		t.Fatalf("got %d problems, last %v", len(ps), ps[len(ps)-1])
	}
	if ps[199].Path != "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[200]/ToewijzingNummer" {
		t.Errorf("problem 200 at %s", ps[199].Path)
	}
}

func TestCreditClaim(t *testing.T) {
	// The last line credited: total 79000 - 2*21000 = 37000.
	in := edit(t, jw323,
		"<ijw:Bedrag>21000</ijw:Bedrag>\n\t\t\t\t\t\t\t<ijw:DebetCredit>D", "<ijw:Bedrag>21000</ijw:Bedrag>\n\t\t\t\t\t\t\t<ijw:DebetCredit>C",
		"<ijw:TotaalBedrag>79000</ijw:TotaalBedrag>", "<ijw:TotaalBedrag>37000</ijw:TotaalBedrag>")
	m := mustRead(t, "x", in)
	if got := m.Declaration.Claims[4].BedragCents; got != -21000 {
		t.Errorf("credit line %d cents, want -21000", got)
	}
	if m.Declaration.TotaalCents != 37000 {
		t.Errorf("total %d", m.Declaration.TotaalCents)
	}
	// A credit total below zero.
	in = edit(t, wmo323,
		"*<iwmo:DebetCredit>D</iwmo:DebetCredit>", "<iwmo:DebetCredit>C</iwmo:DebetCredit>")
	m = mustRead(t, "x", in)
	if m.Declaration.TotaalCents != -58000 || m.Declaration.Claims[0].BedragCents != -5000 {
		t.Errorf("credit declaration: %+v", m.Declaration)
	}
}

func TestVersionsAndKinds(t *testing.T) {
	cases := []struct {
		name, from, to, msg string
	}{
		{"ijw 3.1", "ijw/3_2/jw301", "ijw/3_1/jw301", "alleen iJw/iWmo 3.2 wordt ondersteund, dit bericht is iJw 3.1 (JW301)"},
		{"iwmo 2.4", "ijw/3_2/jw301", "iwmo/2_4/wmo301", "alleen iJw/iWmo 3.2 wordt ondersteund, dit bericht is iWmo 2.4 (WMO301)"},
		{"unknown 3.2 message", "ijw/3_2/jw301", "ijw/3_2/jw399", "iJw 3.2-bericht dat naober niet kent (JW399)"},
		{"foreign namespace", "http://www.istandaarden.nl/ijw/3_2/jw301/schema", "urn:example", "onbekende namespace (urn:example)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := edit(t, jw301, "*"+c.from, c.to)
			_, err := Read("x", bytes.NewReader(in))
			ps := problemsOf(t, err)
			if len(ps) != 1 || !strings.Contains(ps[0].Msg, c.msg) {
				t.Fatalf("got %v", ps)
			}
		})
	}
	for _, in := range []string{`<?xml version="1.0"?><factuur><regel/></factuur>`, `<jw301:factuur xmlns:jw301="http://www.istandaarden.nl/ijw/3_2/jw301/schema"/>`} {
		_, err := Read("x", strings.NewReader(in))
		if ps := problemsOf(t, err); !strings.Contains(ps[0].Msg, "geen iJw- of iWmo-bericht (het begint met <factuur>)") {
			t.Errorf("got %v", ps)
		}
	}
}

// Every recognised message type reads as Import=false with a Note, also
// those without an example (WMO302, 315, 325, ...), from a minimal header.
func TestRecognisedKinds(t *testing.T) {
	for _, k := range kinds {
		if k.imports {
			continue
		}
		af, ont := "12345678", "0363"
		if k.fromGemeente {
			af, ont = ont, af
		}
		p := strings.ToLower(k.name())
		in := fmt.Sprintf(`<%[1]s:Bericht xmlns:%[1]s=%[2]q xmlns:b=%[3]q><%[1]s:Header>
<%[1]s:BerichtCode>%[4]s</%[1]s:BerichtCode><%[1]s:BerichtVersie>3</%[1]s:BerichtVersie><%[1]s:BerichtSubversie>2</%[1]s:BerichtSubversie>
<%[1]s:Afzender>%[5]s</%[1]s:Afzender><%[1]s:Ontvanger>%[6]s</%[1]s:Ontvanger>
<%[1]s:BerichtIdentificatie><b:Identificatie>ID1</b:Identificatie><b:Dagtekening>2026-01-02</b:Dagtekening></%[1]s:BerichtIdentificatie>
</%[1]s:Header><%[1]s:Antwoord><%[1]s:Wat>iets</%[1]s:Wat></%[1]s:Antwoord></%[1]s:Bericht>`, p, k.namespace(), basisNS(k.std), k.berichtCode, af, ont)
		m, err := Read(k.name(), strings.NewReader(in))
		if err != nil {
			t.Errorf("%s: %v", k.name(), err)
			continue
		}
		if m.Import || m.Code != k.code || m.Standard != k.std || m.ID != "ID1" || m.Afzender != af || !strings.Contains(m.Note, "niets in te lezen") {
			t.Errorf("%s: %s", k.name(), dump(m))
		}
	}
}

var _ = exchange.Problems{}

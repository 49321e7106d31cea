package istd

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
)

// WriteAllocation writes m, a 301 with Client and Allocations, as a JW301
// or WMO301 (by m.Standard) that validates against the 3.2 XSD. The header
// comes from m: Afzender is the gemeentecode, Ontvanger the aanbieder's
// AGB code, ID and Dagtekening identify the message.
//
// Inputs that would make an invalid message are returned as
// exchange.Problems, with the element path they would have had, and
// nothing is written. What the contract does not carry is written with a
// fixed value: NaamGebruik 1 (own name), the address as Contact Soort 01
// (BRP-adres) with LandCode NL, Toewijzingstijd 00:00:00 when empty.
func WriteAllocation(w io.Writer, m *exchange.Message) error {
	if m == nil {
		return exchange.Problems{{Msg: "er is geen bericht om te schrijven"}}
	}
	if m.Standard != exchange.IJw && m.Standard != exchange.IWmo {
		return exchange.Problems{{Path: "standaard", Value: string(m.Standard), Msg: "de standaard moet ijw of iwmo zijn"}}
	}
	if m.Code != "301" {
		return exchange.Problems{{Path: "code", Value: m.Code, Msg: "alleen een toewijzing (301) kan geschreven worden"}}
	}
	all, err := schemas()
	if err != nil {
		return fmt.Errorf("istd: embedded schemas: %w", err)
	}
	wr := &writer{m: m, types: all[schemaKey{m.Standard, "301"}].types}
	wr.validate()
	if len(wr.problems) > 0 {
		return wr.problems
	}
	wr.write()
	// The written message must read back without a problem: a guard against
	// any rule the checks above missed.
	if _, err := Read(m.Name(), bytes.NewReader(wr.buf.Bytes())); err != nil {
		return fmt.Errorf("istd: written %s does not validate: %w", m.Name(), err)
	}
	_, err = w.Write(wr.buf.Bytes())
	return err
}

type writer struct {
	m        *exchange.Message
	types    map[string]*simpleType
	problems exchange.Problems
	buf      bytes.Buffer
	depth    int
	p, b     string // element prefixes: message ("jw301") and basisschema ("ijw")
}

const (
	pHeader  = "/Bericht/Header/"
	pClient  = "/Bericht/Client/"
	pAddress = "/Bericht/Client/Contactgegevens/Contact/Adres/"
)

func (w *writer) add(path, value, msg string) {
	w.problems = append(w.problems, exchange.Problem{Path: path, Value: value, Msg: msg})
}

// check tests v against a basisschema type.
func (w *writer) check(typ, path, v string) {
	t := w.types[typ]
	if t == nil {
		panic("istd: no simple type " + typ)
	}
	if !xmlText(v) {
		w.add(path, clip(strings.ToValidUTF8(v, "?")), "dit gegeven bevat een teken dat niet in een XML-bericht kan staan (zoals een stuurteken)")
		return
	}
	if len(v) > MaxText {
		w.add(path, clip(v), fmt.Sprintf("dit gegeven is langer dan %d tekens", MaxText))
		return
	}
	if _, msg := t.check(v); msg != "" {
		w.add(path, clip(v), msg)
	}
}

// xmlText says whether s is valid UTF-8 made of characters XML 1.0 allows.
func xmlText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF || r >= 0xD800 && r <= 0xDFFF {
			return false
		}
	}
	return true
}

func (w *writer) required(path string, ok bool) bool {
	if !ok {
		w.add(path, "", "dit gegeven ontbreekt, maar is verplicht")
	}
	return ok
}

func (w *writer) validate() {
	m := w.m
	w.check("LDT_Gemeente", pHeader+"Afzender", m.Afzender)
	w.check("LDT_AgbCode", pHeader+"Ontvanger", m.Ontvanger)
	w.check("LDT_IdentificatieBericht", pHeader+"BerichtIdentificatie/Identificatie", m.ID)
	w.required(pHeader+"BerichtIdentificatie/Dagtekening", !m.Dagtekening.IsZero())

	c := m.Client
	if !w.required("/Bericht/Client", c != nil) {
		return
	}
	if w.required(pClient+"Bsn", c.BSN != "") && !people.ValidBSN(c.BSN) {
		w.add(pClient+"Bsn", exchange.MaskBSN(c.BSN), "dit BSN bestaat niet: het voldoet niet aan de elfproef")
	}
	w.required(pClient+"Geboortedatum/Datum", !c.Geboortedatum.IsZero())
	if _, ok := geslachtCode[c.Geslacht]; !ok {
		w.add(pClient+"Geslacht", c.Geslacht, "het geslacht moet man, vrouw of onbekend zijn")
	}
	if w.required(pClient+"Naam/Geslachtsnaam/Achternaam", c.Achternaam != "") {
		w.check("LDT_Naam", pClient+"Naam/Geslachtsnaam/Achternaam", c.Achternaam)
	}
	if c.Voorvoegsel != "" {
		w.check("LDT_Voorvoegsel", pClient+"Naam/Geslachtsnaam/Voorvoegsel", c.Voorvoegsel)
	}
	if c.Voornamen != "" {
		w.check("LDT_Naam", pClient+"Naam/Voornamen", c.Voornamen)
	}
	if c.Voorletters != "" {
		w.check("LDT_Voorletters", pClient+"Naam/Voorletters", c.Voorletters)
	}
	if a := c.Address; a != nil {
		if a.Huisnummer != 0 {
			w.check("LDT_Huisnummer", pAddress+"Huis/Huisnummer", strconv.Itoa(a.Huisnummer))
			letter, rest := splitToevoeging(a.Toevoeging)
			if letter != "" {
				w.check("LDT_Huisletter", pAddress+"Huis/Huisletter", letter)
			}
			if rest != "" {
				w.check("LDT_HuisnummerToevoeging", pAddress+"Huis/HuisnummerToevoeging", rest)
			}
		} else if a.Toevoeging != "" {
			w.add(pAddress+"Huis/Huisnummer", "", "er is een toevoeging maar geen huisnummer")
		}
		if a.Postcode != "" {
			w.check("LDT_Postcode", pAddress+"Postcode", a.Postcode)
		}
		if a.Straat != "" {
			w.check("LDT_Straatnaam", pAddress+"Straatnaam", a.Straat)
		}
		if a.Plaats != "" {
			w.check("LDT_Plaatsnaam", pAddress+"Plaatsnaam", a.Plaats)
		}
	}

	if len(m.Allocations) == 0 {
		w.add(pClient+"ToegewezenProducten/ToegewezenProduct", "", "er moet minstens één toegewezen product in de toewijzing staan")
	}
	for i := range m.Allocations {
		a := &m.Allocations[i]
		p := fmt.Sprintf("%sToegewezenProducten/ToegewezenProduct[%d]/", pClient, i+1)
		if w.required(p+"ToewijzingNummer", a.Nummer != "") {
			w.check("LDT_Nummer", p+"ToewijzingNummer", a.Nummer)
		}
		if a.ReferentieAanbieder != "" {
			w.check("LDT_Referentie", p+"ReferentieAanbieder", a.ReferentieAanbieder)
		}
		if w.required(p+"Product/Categorie", a.Categorie != "") {
			w.check("LDT_ProductCategorie", p+"Product/Categorie", a.Categorie)
		}
		if a.Code != "" {
			w.check("LDT_ProductCode", p+"Product/Code", a.Code)
		}
		w.required(p+"Toewijzingsdatum", !a.Toewijzingsdatum.IsZero())
		if a.Toewijzingstijd != "" {
			w.check("LDT_Tijd", p+"Toewijzingstijd", a.Toewijzingstijd)
		}
		w.required(p+"Ingangsdatum", !a.Ingangsdatum.IsZero())
		if !a.Einddatum.IsZero() && a.Einddatum.Before(a.Ingangsdatum) {
			w.add(p+"Einddatum", a.Einddatum.ISO(), "de einddatum ligt vóór de ingangsdatum ("+a.Ingangsdatum.ISO()+")")
		}
		if a.RedenWijziging != "" {
			w.check("LDT_RedenWijziging", p+"RedenWijziging", a.RedenWijziging)
		}
		if a.Volume != nil || a.Eenheid != "" || a.Frequentie != "" {
			// Omvang is all three or nothing.
			if w.required(p+"Omvang/Volume", a.Volume != nil) {
				w.check("LDT_Volume", p+"Omvang/Volume", strconv.Itoa(*a.Volume))
			}
			if w.required(p+"Omvang/Eenheid", a.Eenheid != "") {
				w.check("LDT_Eenheid", p+"Omvang/Eenheid", a.Eenheid)
			}
			if w.required(p+"Omvang/Frequentie", a.Frequentie != "") {
				w.check("LDT_Frequentie", p+"Omvang/Frequentie", a.Frequentie)
			}
		}
		if a.BudgetCents != nil {
			w.check("LDT_Budget", p+"Budget", strconv.FormatInt(*a.BudgetCents, 10))
		}
		if a.Commentaar != "" {
			w.check("LDT_Commentaar", p+"Commentaar", a.Commentaar)
		}
	}
}

var geslachtCode = map[string]string{"": "0", "onbekend": "0", "man": "1", "vrouw": "2"}

// splitToevoeging splits naober's one toevoeging into the message's
// Huisletter (a single letter) and HuisnummerToevoeging (the rest).
func splitToevoeging(s string) (letter, rest string) {
	if s == "" {
		return "", ""
	}
	r := []rune(s)
	if unicode.IsLetter(r[0]) {
		return string(r[0]), string(r[1:])
	}
	return "", s
}

func (w *writer) write() {
	m, c := w.m, w.m.Client
	lower := "jw"
	w.b = "ijw"
	if m.Standard == exchange.IWmo {
		lower, w.b = "wmo", "iwmo"
	}
	w.p = lower + "301"
	fmt.Fprintf(&w.buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s:Bericht xmlns:%s=%q xmlns:%s=%q>\n",
		w.p, w.b, basisNS(m.Standard), w.p, (&kind{std: m.Standard, code: "301"}).namespace())
	w.depth = 1
	w.open("Header")
	w.leaf(w.p, "BerichtCode", map[exchange.Standard]string{exchange.IJw: "436", exchange.IWmo: "414"}[m.Standard])
	w.leaf(w.p, "BerichtVersie", "3")
	w.leaf(w.p, "BerichtSubversie", "2")
	w.leaf(w.p, "Afzender", m.Afzender)
	w.leaf(w.p, "Ontvanger", m.Ontvanger)
	w.open("BerichtIdentificatie")
	w.leaf(w.b, "Identificatie", m.ID)
	w.leaf(w.b, "Dagtekening", m.Dagtekening.ISO())
	w.close("BerichtIdentificatie")
	w.open("XsdVersie")
	w.leaf(w.b, "BasisschemaXsdVersie", "1.0.0")
	w.leaf(w.b, "BerichtXsdVersie", "1.0.0")
	w.close("XsdVersie")
	w.close("Header")

	w.open("Client")
	w.leaf(w.p, "Bsn", c.BSN)
	w.open("Geboortedatum")
	w.leaf(w.b, "Datum", c.Geboortedatum.ISO())
	w.close("Geboortedatum")
	w.leaf(w.p, "Geslacht", geslachtCode[c.Geslacht])
	w.open("Naam")
	w.openB("Geslachtsnaam")
	w.leaf(w.b, "Achternaam", c.Achternaam)
	w.opt(w.b, "Voorvoegsel", c.Voorvoegsel)
	w.closeB("Geslachtsnaam")
	w.opt(w.b, "Voornamen", c.Voornamen)
	w.opt(w.b, "Voorletters", c.Voorletters)
	w.leaf(w.b, "NaamGebruik", "1")
	w.close("Naam")
	w.open("Contactgegevens")
	w.open("Contact")
	w.leaf(w.p, "Soort", "01")
	if a := c.Address; a != nil {
		w.open("Adres")
		if a.Huisnummer != 0 {
			w.openB("Huis")
			w.leaf(w.b, "Huisnummer", strconv.Itoa(a.Huisnummer))
			letter, rest := splitToevoeging(a.Toevoeging)
			w.opt(w.b, "Huisletter", letter)
			w.opt(w.b, "HuisnummerToevoeging", rest)
			w.closeB("Huis")
		}
		w.opt(w.b, "Postcode", a.Postcode)
		w.opt(w.b, "Straatnaam", a.Straat)
		w.opt(w.b, "Plaatsnaam", a.Plaats)
		w.leaf(w.b, "LandCode", "NL")
		w.close("Adres")
	}
	w.close("Contact")
	w.close("Contactgegevens")
	w.open("ToegewezenProducten")
	for i := range m.Allocations {
		a := &m.Allocations[i]
		w.open("ToegewezenProduct")
		w.leaf(w.p, "ToewijzingNummer", a.Nummer)
		w.opt(w.p, "ReferentieAanbieder", a.ReferentieAanbieder)
		w.open("Product")
		w.leaf(w.b, "Categorie", a.Categorie)
		w.opt(w.b, "Code", a.Code)
		w.close("Product")
		w.leaf(w.p, "Toewijzingsdatum", a.Toewijzingsdatum.ISO())
		tijd := a.Toewijzingstijd
		if tijd == "" {
			tijd = "00:00:00"
		}
		w.leaf(w.p, "Toewijzingstijd", tijd)
		w.leaf(w.p, "Ingangsdatum", a.Ingangsdatum.ISO())
		w.opt(w.p, "Einddatum", a.Einddatum.ISO())
		w.opt(w.p, "RedenWijziging", a.RedenWijziging)
		if a.Volume != nil {
			w.open("Omvang")
			w.leaf(w.b, "Volume", strconv.Itoa(*a.Volume))
			w.leaf(w.b, "Eenheid", a.Eenheid)
			w.leaf(w.b, "Frequentie", a.Frequentie)
			w.close("Omvang")
		}
		if a.BudgetCents != nil {
			w.leaf(w.p, "Budget", strconv.FormatInt(*a.BudgetCents, 10))
		}
		w.opt(w.p, "Commentaar", a.Commentaar)
		w.close("ToegewezenProduct")
	}
	w.close("ToegewezenProducten")
	w.close("Client")
	fmt.Fprintf(&w.buf, "</%s:Bericht>\n", w.p)
}

func (w *writer) indent() {
	for i := 0; i < w.depth; i++ {
		w.buf.WriteByte('\t')
	}
}

func (w *writer) openTag(prefix, name string) {
	w.indent()
	fmt.Fprintf(&w.buf, "<%s:%s>\n", prefix, name)
	w.depth++
}

func (w *writer) closeTag(prefix, name string) {
	w.depth--
	w.indent()
	fmt.Fprintf(&w.buf, "</%s:%s>\n", prefix, name)
}

func (w *writer) open(name string)   { w.openTag(w.p, name) }
func (w *writer) close(name string)  { w.closeTag(w.p, name) }
func (w *writer) openB(name string)  { w.openTag(w.b, name) }
func (w *writer) closeB(name string) { w.closeTag(w.b, name) }

func (w *writer) leaf(prefix, name, v string) {
	w.indent()
	fmt.Fprintf(&w.buf, "<%s:%s>", prefix, name)
	xml.EscapeText(&w.buf, []byte(v))
	fmt.Fprintf(&w.buf, "</%s:%s>\n", prefix, name)
}

// opt writes an optional element only when it has a value.
func (w *writer) opt(prefix, name, v string) {
	if v != "" {
		w.leaf(prefix, name, v)
	}
}

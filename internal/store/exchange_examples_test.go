package store_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/exchange/istd"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

const exDir = "../../../shared/data/istandaarden"

// xnode is a generic XML tree by local names: the test reads the example
// files on its own, independent of istd, to check what the store holds.
type xnode struct {
	name string
	text string
	kids []*xnode
}

func xparse(t *testing.T, path string) *xnode {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	root := &xnode{}
	stack := []*xnode{root}
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch x := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: x.Name.Local}
			top := stack[len(stack)-1]
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			stack[len(stack)-1].text += strings.TrimSpace(string(x)) // naober trims text
		}
	}
	return root.kids[0]
}

// all finds every node at the slash-separated path below n.
func (n *xnode) all(path string) []*xnode {
	cur := []*xnode{n}
	for _, part := range strings.Split(path, "/") {
		var next []*xnode
		for _, c := range cur {
			for _, k := range c.kids {
				if k.name == part {
					next = append(next, k)
				}
			}
		}
		cur = next
	}
	return cur
}

func (n *xnode) get(path string) string {
	if ns := n.all(path); len(ns) > 0 {
		return ns[0].text
	}
	return ""
}

func exRead(t *testing.T, std, name string) *exchange.Message {
	t.Helper()
	path := filepath.Join(exDir, std, "berichten", name)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := istd.Read(name, f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// exFixJW323 repairs the official JW323 example: client 999900018 declares
// allocation 10073 of client 999900006, and twice under one reference RN004.
func exFixJW323(m *exchange.Message) {
	for i := range m.Declaration.Claims {
		c := &m.Declaration.Claims[i]
		if c.BSN == "999900018" && c.ToewijzingNummer == "10073" {
			c.ToewijzingNummer = "10075"
			if c.BedragCents == 21000 {
				c.ReferentieNummer = "RN005"
			}
		}
	}
}

func TestExchangeExampleMessagesImportFieldForField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		// The official JW323 as it is: refused, naming every bad line.
		_, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "JW323.xml", exRead(t, "ijw", "JW323.xml"))
		ps, ok := err.(exchange.Problems)
		if !ok || len(ps) != 3 || !strings.HasSuffix(ps[0].Path, "Client[2]/Prestaties/Prestatie[2]/ToewijzingNummer") ||
			!strings.HasSuffix(ps[1].Path, "Client[2]/Prestaties/Prestatie[3]/ProductReferentie/ReferentieNummer") || ps[1].Value != "RN004" {
			t.Fatalf("JW323 as published: %v", err)
		}
		jw323 := exRead(t, "ijw", "JW323.xml")
		exFixJW323(jw323)

		type ex struct {
			std, file, gm string
			m             *exchange.Message
		}
		// 301/302 and the 323s go to 0384; 305–308 to 0363.
		list := []ex{{"ijw", "JW301.xml", "GM0384", nil}, {"ijw", "JW302.xml", "GM0384", nil}, {"ijw", "JW323.xml", "GM0384", jw323},
			{"iwmo", "WMO301.xml", "GM0384", nil}, {"iwmo", "WMO323.xml", "GM0384", nil},
			{"ijw", "JW305.xml", "GM0363", nil}, {"ijw", "JW306.xml", "GM0363", nil}, {"ijw", "JW307.xml", "GM0363", nil}, {"ijw", "JW308.xml", "GM0363", nil},
			{"iwmo", "WMO305.xml", "GM0363", nil}, {"iwmo", "WMO307.xml", "GM0363", nil}}
		for _, e := range list {
			m := e.m
			if m == nil {
				m = exRead(t, e.std, e.file)
			}
			res, err := s.ApplyMessage(ctx, f.beheer, e.gm, e.file, m)
			if err != nil {
				t.Fatalf("%s: %v", e.file, err)
			}
			if m.Import != (e.file != "JW302.xml" && e.file != "JW306.xml" && e.file != "JW308.xml") || res.Duplicate {
				t.Fatalf("%s: import %v, result %+v", e.file, m.Import, res)
			}
		}
		before := exDump(t, s)
		for _, e := range list {
			m := e.m
			if m == nil {
				m = exRead(t, e.std, e.file)
			}
			if res, err := s.ApplyMessage(ctx, f.beheer, e.gm, e.file, m); err != nil || !res.Duplicate {
				t.Fatalf("%s again: %+v %v", e.file, res, err)
			}
		}
		exSameDump(t, "examples again", before, exDump(t, s))

		// Field for field, read back as a regisseur of each gemeente.
		type pvx struct {
			pv pvFields
			x  *store.ProvisionExchange
		}
		provisions := func(a store.Actor, bsn, wet string) map[string]pvx {
			hits, err := s.FindByBSN(ctx, a, bsn)
			if err != nil || len(hits) != 1 {
				t.Fatalf("person %s: %v %v", bsn, hits, err)
			}
			out := map[string]pvx{}
			for _, h := range []string{hits[0].HouseholdID} {
				pvs, err := s.ProvisionsForHousehold(ctx, a, h)
				if err != nil {
					t.Fatal(err)
				}
				xs, err := s.HouseholdExchange(ctx, a, h)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range pvs {
					if p.Wet == wet && p.PersonID == hits[0].ID {
						out[xs[p.ID].Toewijzingnummer] = pvx{pvFields{p.Categorie, p.Productcode, p.Start, p.Eind, p.Volume, p.Eenheid, p.Frequentie, p.Status, p.AanbiederAGB, p.EindReden, p.Toelichting}, xs[p.ID]}
					}
				}
			}
			return out
		}
		d := func(s string) people.Date {
			if s == "" {
				return people.Date{}
			}
			return people.MustDate(s)
		}
		// 301s: every ToegewezenProduct.
		for _, c := range []struct{ std, file, wet string }{{"ijw", "JW301.xml", "jw"}, {"iwmo", "WMO301.xml", "wmo"}} {
			x := xparse(t, filepath.Join(exDir, c.std, "berichten", c.file))
			got := provisions(f.regisseur, x.get("Client/Bsn"), c.wet)
			for _, tp := range x.all("Client/ToegewezenProducten/ToegewezenProduct") {
				g, ok := got[tp.get("ToewijzingNummer")]
				vol, _ := strconv.Atoi(tp.get("Omvang/Volume"))
				if !ok || g.pv.cat != tp.get("Product/Categorie") || g.pv.code != tp.get("Product/Code") || g.pv.start != d(tp.get("Ingangsdatum")) ||
					g.pv.eind != d(tp.get("Einddatum")) || g.pv.volume == nil || *g.pv.volume != vol || g.pv.eenheid != tp.get("Omvang/Eenheid") ||
					g.pv.freq != tp.get("Omvang/Frequentie") || g.pv.agb != x.get("Header/Ontvanger") || g.pv.toel != tp.get("Commentaar") ||
					g.x.ReferentieAanbieder != tp.get("ReferentieAanbieder") || g.x.Toewijzingsdatum != d(tp.get("Toewijzingsdatum")) {
					t.Errorf("%s %s: %+v %+v", c.file, tp.get("ToewijzingNummer"), g.pv, g.x)
				}
			}
		}
		// 323s: every Prestatie, as a claim of the client's provision.
		for _, c := range []struct {
			std, file, wet string
			fix            bool
		}{{"ijw", "JW323.xml", "jw", true}, {"iwmo", "WMO323.xml", "wmo", false}} {
			x := xparse(t, filepath.Join(exDir, c.std, "berichten", c.file))
			for _, cl := range x.all("Declaratie/Clienten/Client") {
				got := provisions(f.regisseur, cl.get("Bsn"), c.wet)
				for _, pr := range cl.all("Prestaties/Prestatie") {
					nr, ref := pr.get("ToewijzingNummer"), pr.get("ProductReferentie/ReferentieNummer")
					bedrag, _ := strconv.ParseInt(pr.get("IngediendBedrag/Bedrag"), 10, 64)
					if c.fix && cl.get("Bsn") == "999900018" && nr == "10073" {
						nr = "10075"
						if bedrag == 21000 {
							ref = "RN005"
						}
					}
					if pr.get("IngediendBedrag/DebetCredit") == "C" {
						bedrag = -bedrag
					}
					g, ok := got[nr]
					if !ok || g.pv.cat != pr.get("ProductCategorie") || g.pv.code != pr.get("ProductCode") || g.pv.agb != x.get("Header/Afzender") || g.x.Bron != people.SourceExchange {
						t.Fatalf("%s %s: provision %+v", c.file, nr, g)
					}
					var found bool
					for _, k := range g.x.Claims {
						vol, _ := strconv.ParseInt(pr.get("GeleverdVolume"), 10, 64)
						tarief, _ := strconv.ParseInt(pr.get("ProductTarief"), 10, 64)
						if k.Referentienummer == ref && k.Begin == d(pr.get("ProductPeriode/Begindatum")) && k.Eind == d(pr.get("ProductPeriode/Einddatum")) &&
							k.Volume == vol && k.Eenheid == pr.get("Eenheid") && k.TariefCents == tarief && k.BedragCents == bedrag &&
							k.Declaratienummer == x.get("Declaratie/DeclaratieNummer") {
							found = true
						}
					}
					if !found {
						t.Errorf("%s %s %s: claims %+v", c.file, nr, ref, g.x.Claims)
					}
				}
			}
		}
		// 305 and 307 in 0363: the provisions they made, started and ended.
		for _, c := range []struct{ std, start, stop, wet string }{{"ijw", "JW305.xml", "JW307.xml", "jw"}, {"iwmo", "WMO305.xml", "WMO307.xml", "wmo"}} {
			x5 := xparse(t, filepath.Join(exDir, c.std, "berichten", c.start))
			x7 := xparse(t, filepath.Join(exDir, c.std, "berichten", c.stop))
			got := provisions(f.regisseur363, x5.get("Client/Bsn"), c.wet)
			for _, sp := range x5.all("Client/StartProducten/StartProduct") {
				g := got[sp.get("ToewijzingNummer")]
				if g.x == nil || g.x.WerkelijkeStart != d(sp.get("Begindatum")) || g.pv.start != d(sp.get("ToewijzingIngangsdatum")) || g.pv.cat != sp.get("Product/Categorie") ||
					g.pv.code != sp.get("Product/Code") {
					t.Errorf("%s %s: %+v %+v", c.start, sp.get("ToewijzingNummer"), g.pv, g.x)
				}
			}
			for _, sp := range x7.all("Client/StopProducten/StopProduct") {
				g := got[sp.get("ToewijzingNummer")]
				if g.x == nil || g.x.WerkelijkeEind != d(sp.get("Einddatum")) || g.x.RedenBeeindiging != sp.get("RedenBeeindiging") || g.pv.status != "beeindigd" ||
					g.x.RedenBeeindigingNaam == "" || g.pv.eindReden == "" {
					t.Errorf("%s %s: %+v %+v", c.stop, sp.get("ToewijzingNummer"), g.pv, g.x)
				}
			}
		}
		// Persons: the 301's client as the XML says; a 323-only client as onbekend.
		x := xparse(t, filepath.Join(exDir, "ijw", "berichten", "JW301.xml"))
		hits, _ := s.FindByBSN(ctx, f.regisseur, x.get("Client/Bsn"))
		p := hits[0]
		if p.Voornamen != x.get("Client/Naam/Voornamen") || p.Achternaam != x.get("Client/Naam/Geslachtsnaam/Achternaam") ||
			p.Tussenvoegsel != x.get("Client/Naam/Geslachtsnaam/Voorvoegsel") || p.Geboortedatum != d(x.get("Client/Geboortedatum/Datum")) || p.Geslacht != "man" {
			t.Errorf("JW301 client: %+v", p.Person)
		}
		hits, _ = s.FindByBSN(ctx, f.regisseur, "999900018")
		if hits[0].Name() != "onbekend" || !hits[0].Geboortedatum.IsZero() {
			t.Errorf("323 client: %+v", hits[0].Person)
		}
	})
}

// pvFields is the part of a provision the example test compares.
type pvFields struct {
	cat, code    string
	start, eind  people.Date
	volume       *int
	eenheid      string
	freq, status string
	agb          string
	eindReden    string
	toel         string
}

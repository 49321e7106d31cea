package store_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

type exFiles struct{ persons, provisions, claims bytes.Buffer }

func exWrite(t *testing.T, s *store.Store, a store.Actor, key string) (*exFiles, store.ExtractReport) {
	t.Helper()
	var f exFiles
	rep, err := s.WriteExtract(ctx, a, store.Extract{Gemeente: "GM0119", Key: []byte(key), Persons: &f.persons, Provisions: &f.provisions, Claims: &f.claims})
	if err != nil {
		t.Fatal(err)
	}
	return &f, rep
}

func exRows(t *testing.T, b *bytes.Buffer) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExtractPseudonymsAndNothingIdentifying(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		shImport(t, s, f.beheer, exchange.KindPersons, shPersons(), nil)
		prov := "BSN;Beschikkingsnummer;Wet;Productcategorie;Productcode;Aanbieder;AGB-code;Ingangsdatum;Einddatum;Omvang;Eenheid;Frequentie;Tarief;Maandbedrag\n" +
			shBSN(0) + ";B-77;Wmo;02;02A01;Zorggroep;98001234;05-01-2026;2026-12-31;3;04;2;68,50;\n"
		if rep := shImport(t, s, f.beheer, exchange.KindProvisions, prov, nil); rep.Created != 1 {
			t.Fatalf("%+v", rep)
		}
		key1 := "first extract key of at least 32 bytes....."
		key2 := "another extract key of at least 32 bytes..."
		a, rep := exWrite(t, s, f.beheer, key1)
		if rep.Persons != 3 || rep.Provisions != 1 || rep.Claims != 0 {
			t.Fatalf("%+v", rep)
		}
		b, _ := exWrite(t, s, f.beheer, key1)
		c, _ := exWrite(t, s, f.beheer, key2)
		pa, pb, pc := exRows(t, &a.persons), exRows(t, &b.persons), exRows(t, &c.persons)
		if strings.Join(pa[0], ",") != "persoon,huishouden,gemeente,wijk,buurt,geboortejaar,geslacht,rol,bron" || len(pa) != 4 {
			t.Fatalf("persons.csv: %v", pa)
		}
		same := map[string]bool{}
		for i := 1; i < len(pa); i++ {
			if pa[i][0] != pb[i][0] || pa[i][1] != pb[i][1] {
				t.Errorf("pseudonyms differ between extracts with the same key: %v %v", pa[i], pb[i])
			}
			same[pa[i][0]] = true
		}
		for i := 1; i < len(pc); i++ {
			if same[pc[i][0]] {
				t.Errorf("another key gives the same pseudonym %s", pc[i][0])
			}
		}
		// Anna (born 1980, wijk WK011901) is the person of the provision.
		var anna []string
		for _, r := range pa[1:] {
			if r[5] == "1980" {
				anna = r
			}
		}
		if anna == nil || anna[3] != "WK011901" || anna[6] != "vrouw" || anna[7] != "ouder" || len(anna[0]) != 32 {
			t.Fatalf("anna: %v", anna)
		}
		pv := exRows(t, &a.provisions)
		if len(pv) != 2 || pv[1][0] != anna[0] || pv[1][1] != anna[1] || pv[1][9] != "2026-01" || pv[1][10] != "2026-12" || pv[1][14] != "6850" {
			t.Fatalf("provisions.csv: %v", pv)
		}
		// Nothing identifying: no BSN, name, postcode, birth date, record id or allocation number.
		all := a.persons.String() + a.provisions.String() + a.claims.String()
		ids, _ := s.SheetQuery(ctx, "SELECT id FROM persons WHERE voornamen = 'Anna'")
		hh, _ := s.SheetQuery(ctx, "SELECT id FROM households WHERE huisnummer = 12")
		for _, bad := range []string{shBSN(0), shBSN(1), shBSN(2), "Anna", "Vries", "Zoë", "Jansen", "7941", "7942", "1980-05-17", "17-05", "B-77", "Zorggroep", ids, hh} {
			if bad != "" && strings.Contains(all, bad) {
				t.Errorf("the extract holds %q", bad)
			}
		}
		n, _ := s.SheetQuery(ctx, "SELECT COUNT(*) FROM audit_log WHERE purpose = ? AND record_type = ? AND record_id = ?", store.PurposeResearch, store.RecExtract, rep.ID)
		if n != "1" {
			t.Fatalf("audit records of the extract: %s", n)
		}
		if _, err := s.WriteExtract(ctx, f.meppel, store.Extract{Gemeente: "GM0119", Key: []byte(key1), Persons: &bytes.Buffer{}, Provisions: &bytes.Buffer{}}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a regisseur made an extract: %v", err)
		}
	})
}

// hookWriter runs hook before its first write.
type hookWriter struct {
	bytes.Buffer
	hook func()
}

func (w *hookWriter) Write(p []byte) (int, error) {
	if w.hook != nil {
		w.hook()
		w.hook = nil
	}
	return w.Buffer.Write(p)
}

// The three files come from one snapshot: what is imported while the
// extract runs is in none of them, so every provision's person is in
// persons.csv.
func TestExtractOneSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shSetup(t, s)
		shImport(t, s, f.beheer, exchange.KindPersons, shPersons(), nil)
		provHeader := "BSN;Beschikkingsnummer;Wet;Productcategorie;Productcode;Aanbieder;AGB-code;Ingangsdatum;Einddatum;Omvang;Eenheid;Frequentie;Tarief;Maandbedrag\n"
		if rep := shImport(t, s, f.beheer, exchange.KindProvisions, provHeader+shBSN(0)+";B-77;Wmo;02;02A01;Zorggroep;98001234;05-01-2026;2026-12-31;3;04;2;68,50;\n", nil); rep.Created != 1 {
			t.Fatalf("%+v", rep)
		}
		persons := &hookWriter{hook: func() {
			// While persons.csv is being written: a new person with a provision.
			shImport(t, s, f.beheer, exchange.KindPersons, shPersonsHeader+shBSN(3)+";Ko;;Bos;01-01-1970;M;7941 AB;14;;\n", nil)
			if rep := shImport(t, s, f.beheer, exchange.KindProvisions, provHeader+shBSN(3)+";B-78;Wmo;02;02A01;Zorggroep;98001234;05-01-2026;;3;04;2;68,50;\n", nil); rep.Created != 1 {
				t.Fatalf("%+v", rep)
			}
		}}
		var provisions, claims bytes.Buffer
		rep, err := s.WriteExtract(ctx, f.beheer, store.Extract{Gemeente: "GM0119", Key: []byte("an extract key of at least 32 bytes......."), Persons: persons, Provisions: &provisions, Claims: &claims})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Persons != 3 || rep.Provisions != 1 {
			t.Fatalf("the extract mixes two states: %+v\n%s", rep, provisions.String())
		}
		// The next extract has both.
		if _, rep := exWrite(t, s, f.beheer, "an extract key of at least 32 bytes......."); rep.Persons != 4 || rep.Provisions != 2 {
			t.Fatalf("next extract: %+v", rep)
		}
	})
}

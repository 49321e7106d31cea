package exchange

import (
	"strings"
	"testing"

	"naober.nl/naober/internal/people"
)

func TestSheetCanonNumber(t *testing.T) {
	for in, want := range map[string]string{
		"300202": "300202", "000300202": "300202", "+000300202": "300202", " 123 ": "123", "0": "0", "000": "0",
		"999999999": "999999999", "0000999999999": "999999999", "00000000000000000000123": "123",
	} {
		if got, ok := CanonNumber(in); !ok || got != want {
			t.Errorf("CanonNumber(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "+", "1000000000", "12 3", "-123", "12.3", "1e5", "B-1", "١٢٣"} {
		if got, ok := CanonNumber(in); ok {
			t.Errorf("CanonNumber(%q) = %q, want refused", in, got)
		}
	}
}

// An allocation number from a spreadsheet matches the same allocation from
// the iJw/iWmo messages: for jw and wmo it is canonical as the message
// reader keeps it; a number too long for the messages is refused with line
// and column. Other laws keep the number as it is.
func TestSheetAllocationNumberCanonical(t *testing.T) {
	header := []string{"BSN", "Toewijzing", "Wet", "Categorie", "Start", "Maandbedrag"}
	c, err := NewConverter(KindProvisions, "v.csv", header, Suggest(KindProvisions, header), "BSN", testParsers, people.MustDate("2026-12-01"))
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct{ nr, wet, cat, want string }{
		{"000123", "wmo", "02", "123"},
		{"+0300202", "jw", "45", "300202"},
		{"300202", "Jeugdwet", "45", "300202"},
		{"000123", "pw", "PW-BIJSTAND", "000123"},
	} {
		r, ps := c.Convert(2, []string{"999990019", x.nr, x.wet, x.cat, "01-01-2026", "100"})
		if len(ps) > 0 {
			t.Fatalf("%s %s: %v", x.nr, x.wet, ps)
		}
		if r.Provision.Toewijzingnummer != x.want {
			t.Errorf("%s %s: %q, want %q", x.nr, x.wet, r.Provision.Toewijzingnummer, x.want)
		}
	}
	_, ps := c.Convert(7, []string{"999990019", "1234567890", "wmo", "02", "01-01-2026", "100"})
	if len(ps) != 1 || ps[0].Path != "regel 7, kolom Toewijzing" || !strings.Contains(ps[0].Msg, "hooguit 9 cijfers") || ps[0].Value != "1234567890" {
		t.Fatalf("a 10-digit number: %+v", ps)
	}
}

package people

import (
	"testing"
)

func TestValidBSN(t *testing.T) {
	for _, c := range []struct {
		bsn  string
		want bool
	}{
		{"999990019", true}, {"999900006", true}, {"111222333", true}, {"123456782", true},
		{"123456789", false}, {"000000000", false}, {"99999001", false}, {"9999900190", false}, {"99999001a", false}, {"", false},
	} {
		if got := ValidBSN(c.bsn); got != c.want {
			t.Errorf("ValidBSN(%q) = %v", c.bsn, got)
		}
	}
	if NormalizeBSN(" 12345.678-2 ") != "123456782" || NormalizeBSN("12345678") != "012345678" {
		t.Error("NormalizeBSN")
	}
}

func TestPostcode(t *testing.T) {
	for in, want := range map[string]string{"7941 ab": "7941AB", "7941AB": "7941AB", " 1011  XX ": "1011XX"} {
		if got, ok := NormalizePostcode(in); !ok || got != want {
			t.Errorf("%q -> %q %v", in, got, ok)
		}
	}
	for _, bad := range []string{"0123AB", "7941", "7941A1", "ABCD12", "7941SS", "7941 SA", "79411AB"} {
		if _, ok := NormalizePostcode(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDatesAndAge(t *testing.T) {
	for in, want := range map[string]string{"2026-04-01": "2026-04-01", "01-04-2026": "2026-04-01", "1-4-2026": "2026-04-01"} {
		d, err := ParseDate(in)
		if err != nil || d.ISO() != want {
			t.Errorf("%q -> %v %v", in, d, err)
		}
	}
	for _, bad := range []string{"2026-02-30", "31-02-2026", "morgen", "2026/04/01"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	p := Person{Geboortedatum: MustDate("2008-02-29")}
	for on, want := range map[string]int{"2026-02-28": 17, "2026-03-01": 18, "2008-02-29": 0} {
		if got := p.Age(MustDate(on)); got != want {
			t.Errorf("age on %s = %d, want %d", on, got, want)
		}
	}
}

func TestValidatePersonNamesEveryBadField(t *testing.T) {
	p := Person{BSN: "1", Geslacht: "?"}
	err := ValidatePerson(&p, MustDate("2026-01-01"))
	fe, ok := AsFieldErrors(err)
	if !ok {
		t.Fatal(err)
	}
	for _, f := range []string{"bsn", "voornamen", "achternaam", "geboortedatum", "geslacht"} {
		if fe.For(f) == "" {
			t.Errorf("no error for %s", f)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-04-01", "01-04-2026", "1-4-2026", "", "31-12-9999", "29-02-2024"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		// Whatever parses must round-trip through its ISO form.
		again, err := ParseDate(d.ISO())
		if err != nil || again != d {
			t.Fatalf("%q -> %v does not round-trip: %v %v", s, d, again, err)
		}
	})
}

func FuzzNormalizePostcodeAndBSN(f *testing.F) {
	for _, s := range []string{"7941 AB", "999990019", "0000", "ÿ", "12345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if pc, ok := NormalizePostcode(s); ok {
			if again, ok2 := NormalizePostcode(FormatPostcode(pc)); !ok2 || again != pc {
				t.Fatalf("postcode %q not stable", s)
			}
		}
		if b := NormalizeBSN(s); ValidBSN(b) && len(b) != 9 {
			t.Fatalf("valid BSN of length %d", len(b))
		}
	})
}

package casework

import "testing"

func TestCentsString(t *testing.T) {
	for _, c := range []struct {
		in   Cents
		want string
	}{
		{0, "€ 0,00"}, {5, "€ 0,05"}, {100, "€ 1,00"}, {123456, "€ 1.234,56"}, {140000, "€ 1.400,00"},
		{100000000, "€ 1.000.000,00"}, {-1250, "€ -12,50"}, {99999, "€ 999,99"},
	} {
		if got := c.in.String(); got != c.want {
			t.Errorf("%d: %q, want %q", c.in, got, c.want)
		}
	}
	if got := Cents(123456).Input(); got != "1234,56" {
		t.Errorf("input: %q", got)
	}
	if Cents(149).Euros() != 1 || Cents(150).Euros() != 2 || Cents(-150).Euros() != -2 {
		t.Error("euros rounding")
	}
}

func TestParseEuro(t *testing.T) {
	ok := []struct {
		in   string
		want Cents
	}{
		{"1.234,56", 123456}, {"1234,56", 123456}, {"€ 12,50", 1250}, {"€12,5", 1250}, {"12,-", 1200}, {"12", 1200},
		{"12.50", 1250}, {"12.5", 1250}, {"1.234", 123400}, {"1.234.567", 123456700}, {"0,01", 1}, {" 1 400 ", 140000},
		{"EUR 5", 500}, {",50", 50}, {"14000", 1400000},
	}
	for _, c := range ok {
		got, err := ParseEuro(c.in)
		if err != nil || got != c.want {
			t.Errorf("%q: %d %v, want %d", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "-5", "abc", "1,234", "12,345", "1.23,00", "1..2", "12,5a", "1,2,3", "9999999999999", "€"} {
		if got, err := ParseEuro(in); err == nil {
			t.Errorf("%q accepted as %d", in, got)
		}
	}
	// What Input writes, ParseEuro reads back.
	for _, c := range []Cents{0, 1, 99, 100, 123456, 987654321} {
		if got, err := ParseEuro(c.Input()); err != nil || got != c {
			t.Errorf("round trip %d: %d %v", c, got, err)
		}
	}
}

package casework

import (
	"testing"

	"naober.nl/naober/internal/people"
)

func TestValidateProfile(t *testing.T) {
	good := ClientProfile{Code: " p1 ", Naam: "Herstel licht", Perspectief: "herstel", Intensiteit: "licht", PrijsCents: 45000, Periode: "maand"}
	if err := ValidateProfile(&good); err != nil || good.Code != "P1" {
		t.Fatalf("good profile: %v %q", err, good.Code)
	}
	cases := []struct {
		mod   func(*ClientProfile)
		field string
	}{
		{func(p *ClientProfile) { p.Code = "" }, "code"},
		{func(p *ClientProfile) { p.Code = "P 1!" }, "code"},
		{func(p *ClientProfile) { p.Naam = " " }, "naam"},
		{func(p *ClientProfile) { p.Perspectief = "genezen" }, "perspectief"},
		{func(p *ClientProfile) { p.Intensiteit = "" }, "intensiteit"},
		{func(p *ClientProfile) { p.PrijsCents = -1 }, "prijs_cents"},
		{func(p *ClientProfile) { p.PrijsCents = 0 }, "prijs_cents"},
		{func(p *ClientProfile) { p.Periode = "dag" }, "periode"},
	}
	for _, c := range cases {
		p := good
		c.mod(&p)
		fe, ok := people.AsFieldErrors(ValidateProfile(&p))
		if !ok || fe.For(c.field) == "" {
			t.Errorf("want error on %s, got %v", c.field, fe)
		}
	}
}

func TestProfileMonthly(t *testing.T) {
	for _, c := range []struct {
		price  Cents
		period string
		want   Cents
	}{
		{1000, "week", 4333}, // 10 × 52 / 12 = 43,333…
		{1500, "week", 6500}, // exact
		{1003, "week", 4346}, // 4346,33 → 4346
		{120000, "jaar", 10000},
		{100, "jaar", 8}, // 8,33 → 8
		{6, "jaar", 1},   // 0,5 → 1 (halves up)
		{45000, "maand", 45000},
	} {
		got := ClientProfile{PrijsCents: c.price, Periode: c.period}.Monthly()
		if got != c.want {
			t.Errorf("%d per %s: %d, want %d", c.price, c.period, got, c.want)
		}
	}
}

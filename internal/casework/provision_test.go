package casework

import (
	"testing"

	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
)

func ip(n int) *int { return &n }

func validProvision() Provision {
	return Provision{PersonID: "p1", HouseholdID: "h1", Wet: "wmo", Categorie: "02", Aanbieder: "Zorg Meppel", AanbiederAGB: "12345678",
		Start: people.MustDate("2026-01-01"), Eind: people.MustDate("2026-12-31"), Volume: ip(4), Eenheid: "04", Frequentie: "2",
		PrijsCents: Cents(6500).Ptr()}
}

func TestValidateProvisionFillsDefaults(t *testing.T) {
	p := validProvision()
	if err := ValidateProvision(&p); err != nil {
		t.Fatal(err)
	}
	if p.Taakveld != "6.712" || p.Status != ProvisionRequested {
		t.Fatalf("defaults: taakveld %q status %q", p.Taakveld, p.Status)
	}
}

func TestDefaultTaakveld(t *testing.T) {
	for _, c := range []struct{ wet, cat, want string }{
		{"wmo", "01", "6.711"}, {"wmo", "02", "6.712"}, {"wmo", "07", "6.713"}, {"wmo", "11", "6.60"}, {"wmo", "14", "6.60"},
		{"wmo", "15", "6.811"}, {"wmo", "16", "6.812"}, {"wmo", "17", "6.812"},
		{"jw", "45", "6.751"}, {"jw", "43", "6.761"}, {"jw", "44", "6.761"}, {"jw", "48", "6.821"}, {"jw", "47", "6.822"},
		{"pw", "PW-BIJSTAND", "6.3"}, {"pw", "PW-REINTEGRATIE", "6.5"}, {"pw", "PW-BESCHUT", "6.4"},
		{"wgs", "WGS-SCHULDHULP", "6.714"}, {"wgs", "WGS-BEWIND", "6.3"}, {"voorliggend", "VV-BUURTHUIS", "6.1"},
		{"wmo", "45", ""}, {"xx", "01", ""},
	} {
		if got := DefaultTaakveld(c.wet, c.cat); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.wet, c.cat, got, c.want)
		}
	}
	// Every category of every law has a default that is a known taakveld
	// allowed for its law.
	for _, l := range Laws {
		for _, c := range Categories[l.Code] {
			tv := DefaultTaakveld(l.Code, c.Code)
			if _, ok := Lookup(Taakvelden, tv); !ok || !TaakveldAllowed(l.Code, tv) {
				t.Errorf("%s %s: default taakveld %q", l.Code, c.Code, tv)
			}
		}
	}
}

func TestValidateProvisionNamesEveryField(t *testing.T) {
	cases := []struct {
		name  string
		mod   func(*Provision)
		field string
	}{
		{"no person", func(p *Provision) { p.PersonID = "" }, "persoon"},
		{"unknown law", func(p *Provision) { p.Wet = "awbz" }, "wet"},
		{"no category", func(p *Provision) { p.Categorie = "" }, "categorie"},
		{"unknown category", func(p *Provision) { p.Categorie = "99" }, "categorie"},
		{"category of another law", func(p *Provision) { p.Categorie = "45" }, "categorie"},
		{"pw category under wmo", func(p *Provision) { p.Categorie = "PW-BIJSTAND" }, "categorie"},
		{"bad product code", func(p *Provision) { p.Productcode = "ABCDEFG" }, "productcode"},
		{"unknown taakveld", func(p *Provision) { p.Taakveld = "6.99" }, "taakveld"},
		{"taakveld of another law", func(p *Provision) { p.Taakveld = "6.821" }, "taakveld"},
		{"bad AGB", func(p *Provision) { p.AanbiederAGB = "1234" }, "aanbieder_agb"},
		{"AGB with letters", func(p *Provision) { p.AanbiederAGB = "1234567A" }, "aanbieder_agb"},
		{"AGB without name", func(p *Provision) { p.Aanbieder = "" }, "aanbieder"},
		{"no start", func(p *Provision) { p.Start = people.Date{} }, "start"},
		{"end before start", func(p *Provision) { p.Eind = people.MustDate("2025-12-31") }, "eind"},
		{"zero volume", func(p *Provision) { p.Volume = ip(0) }, "volume"},
		{"negative volume", func(p *Provision) { p.Volume = ip(-3) }, "volume"},
		{"unit without volume", func(p *Provision) { p.Volume = nil; p.MaandbedragCents = Cents(100).Ptr() }, "volume"},
		{"unknown unit", func(p *Provision) { p.Eenheid = "99" }, "eenheid"},
		{"no unit", func(p *Provision) { p.Eenheid = "" }, "eenheid"},
		{"unknown frequency", func(p *Provision) { p.Frequentie = "3" }, "frequentie"},
		{"total without end", func(p *Provision) { p.Frequentie = "6"; p.Eind = people.Date{} }, "eind"},
		{"negative price", func(p *Provision) { p.PrijsCents = Cents(-1).Ptr() }, "prijs_cents"},
		{"negative monthly", func(p *Provision) { p.MaandbedragCents = Cents(-500).Ptr() }, "maandbedrag_cents"},
		{"no price at all", func(p *Provision) { p.PrijsCents = nil }, "prijs_cents"},
		{"price without volume", func(p *Provision) { p.Volume, p.Eenheid, p.Frequentie = nil, "", "" }, "volume"},
		{"profile with price", func(p *Provision) { p.Profiel = "P1" }, "prijs_cents"},
		{"profile outside wmo/jw", func(p *Provision) {
			p.Wet, p.Categorie, p.Profiel, p.PrijsCents = "pw", "PW-REINTEGRATIE", "P1", nil
		}, "profiel"},
		{"born ended", func(p *Provision) { p.Status = ProvisionEnded }, "status"},
		{"unknown status", func(p *Provision) { p.Status = "klaar" }, "status"},
		{"end reason on create", func(p *Provision) { p.EindReden = "verhuisd" }, "eind_reden"},
	}
	for _, c := range cases {
		p := validProvision()
		c.mod(&p)
		fe, ok := people.AsFieldErrors(ValidateProvision(&p))
		if !ok || fe.For(c.field) == "" {
			t.Errorf("%s: want error on %s, got %v", c.name, c.field, fe)
		}
	}
	// Ends are inclusive: a provision of one day (start = end) is valid.
	p := validProvision()
	p.Eind = p.Start
	if err := ValidateProvision(&p); err != nil {
		t.Errorf("one day (start = end): %v", err)
	}
	// A category of another law says which law it belongs to.
	p = validProvision()
	p.Categorie = "45"
	fe, _ := people.AsFieldErrors(ValidateProvision(&p))
	if got := fe.For("categorie"); got != "categorie 45 hoort bij Jeugdwet, niet bij Wmo 2015" {
		t.Errorf("message: %q", got)
	}
	// Several problems are reported at once.
	p = Provision{Wet: "wmo", Categorie: "45", PrijsCents: Cents(-5).Ptr()}
	fe, _ = people.AsFieldErrors(ValidateProvision(&p))
	for _, f := range []string{"persoon", "categorie", "start", "prijs_cents"} {
		if fe.For(f) == "" {
			t.Errorf("missing %s in %v", f, fe)
		}
	}
}

func TestValidProvisionVariants(t *testing.T) {
	for name, mod := range map[string]func(*Provision){
		"monthly only": func(p *Provision) {
			p.PrijsCents, p.Volume, p.Eenheid, p.Frequentie = nil, nil, "", ""
			p.MaandbedragCents = Cents(125000).Ptr()
		},
		"free": func(p *Provision) {
			p.PrijsCents, p.Volume, p.Eenheid, p.Frequentie = nil, nil, "", ""
			p.MaandbedragCents = Cents(0).Ptr()
		},
		"profile":     func(p *Provision) { p.PrijsCents, p.Profiel = nil, "p1" },
		"open ended":  func(p *Provision) { p.Eind = people.Date{} },
		"no provider": func(p *Provision) { p.Aanbieder, p.AanbiederAGB = "", "" },
		"jw":          func(p *Provision) { p.Wet, p.Categorie = "jw", "45" },
		"wgs":         func(p *Provision) { p.Wet, p.Categorie = "wgs", "WGS-BUDGETBEHEER" },
		"pgb":         func(p *Provision) { p.Taakveld = "6.791" },
		"granted":     func(p *Provision) { p.Status = ProvisionGranted },
	} {
		p := validProvision()
		mod(&p)
		if err := ValidateProvision(&p); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestMonthlyCost(t *testing.T) {
	start, end := people.MustDate("2026-01-01"), people.MustDate("2026-12-31")
	cases := []struct {
		name string
		p    Provision
		want int64
	}{
		{"monthly amount", Provision{MaandbedragCents: Cents(125000).Ptr()}, 125000},
		{"monthly wins over price", Provision{MaandbedragCents: Cents(100).Ptr(), PrijsCents: Cents(5000).Ptr(), Volume: ip(3), Frequentie: "2"}, 100},
		{"per week", Provision{PrijsCents: Cents(6500).Ptr(), Volume: ip(4), Frequentie: "2"}, 112667},    // 260 × 52 / 12 = 1126,666…
		{"per week exact", Provision{PrijsCents: Cents(300).Ptr(), Volume: ip(1), Frequentie: "2"}, 1300}, // 3 × 52 / 12 = 13
		{"per day", Provision{PrijsCents: Cents(15000).Ptr(), Volume: ip(1), Frequentie: "1"}, 456250},    // 150 × 365 / 12
		{"per month", Provision{PrijsCents: Cents(5000).Ptr(), Volume: ip(8), Frequentie: "4"}, 40000},
		{"total over a year", Provision{PrijsCents: Cents(100).Ptr(), Volume: ip(3650), Frequentie: "6", Start: start, Eind: people.MustDate("2026-12-31")}, 30417},      // 3650 / 12
		{"total over half a year", Provision{PrijsCents: Cents(120000).Ptr(), Volume: ip(1), Frequentie: "6", Start: start, Eind: people.MustDate("2026-06-30")}, 20166}, // 1200 × 365 / (181 × 12) = 201,657…
		{"total within a week", Provision{PrijsCents: Cents(50000).Ptr(), Volume: ip(1), Frequentie: "6", Start: start, Eind: people.MustDate("2026-01-07")}, 50000},
		{"total without end", Provision{PrijsCents: Cents(50000).Ptr(), Volume: ip(1), Frequentie: "6", Start: start}, 50000},
		{"profile per week", Provision{Profiel: "P1", Profile: &ClientProfile{PrijsCents: 1000, Periode: "week"}}, 4333},
		{"profile per year", Provision{Profiel: "P1", Profile: &ClientProfile{PrijsCents: 1200000, Periode: "jaar"}}, 100000},
		{"profile snapshot wins", Provision{Profiel: "P1", MaandbedragCents: Cents(4333).Ptr(), Profile: &ClientProfile{PrijsCents: 2000, Periode: "week"}}, 4333},
		{"no price", Provision{Volume: ip(3), Frequentie: "2", Start: start, Eind: end}, 0},
		{"price without volume", Provision{PrijsCents: Cents(100).Ptr()}, 0},
		{"unknown frequency", Provision{PrijsCents: Cents(100).Ptr(), Volume: ip(1), Frequentie: "9"}, 0},
	}
	for _, c := range cases {
		if got := MonthlyCost(c.p); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// The largest valid provision does not overflow.
	big := Provision{PrijsCents: Cents(maxUnitPrice).Ptr(), Volume: ip(maxVolume), Frequentie: "1"}
	if got := MonthlyCost(big); got <= 0 {
		t.Errorf("overflow: %d", got)
	}
}

func TestApplyStatus(t *testing.T) {
	base := func(status string) Provision {
		return Provision{Status: status, Start: people.MustDate("2026-01-01")}
	}
	// Forward, also skipping a step.
	p := base(ProvisionRequested)
	if err := ApplyStatus(&p, StatusChange{Status: ProvisionGranted}); err != nil || p.Status != ProvisionGranted {
		t.Fatalf("forward: %v %s", err, p.Status)
	}
	p = base(ProvisionRequested)
	if err := ApplyStatus(&p, StatusChange{Status: ProvisionStarted}); err != nil {
		t.Fatalf("skip: %v", err)
	}
	// Backwards and standing still are refused, naming the field.
	for _, c := range []struct{ from, to string }{
		{ProvisionStarted, ProvisionGranted}, {ProvisionGranted, ProvisionRequested}, {ProvisionGranted, ProvisionGranted}, {ProvisionRequested, "weg"},
	} {
		p := base(c.from)
		fe, ok := people.AsFieldErrors(ApplyStatus(&p, StatusChange{Status: c.to}))
		if !ok || fe.For("status") == "" || p.Status != c.from {
			t.Errorf("%s → %s: %v, status now %s", c.from, c.to, fe, p.Status)
		}
	}
	// Ending needs a reason and an end date after the start.
	p = base(ProvisionStarted)
	fe, _ := people.AsFieldErrors(ApplyStatus(&p, StatusChange{Status: ProvisionEnded}))
	if fe.For("eind_reden") == "" || fe.For("eind") == "" || p.Status != ProvisionStarted {
		t.Errorf("end without reason and date: %v", fe)
	}
	fe, _ = people.AsFieldErrors(ApplyStatus(&p, StatusChange{Status: ProvisionEnded, EindReden: "doel_bereikt", Eind: people.MustDate("2025-06-01")}))
	if fe.For("eind") == "" {
		t.Errorf("end before start: %v", fe)
	}
	fe, _ = people.AsFieldErrors(ApplyStatus(&p, StatusChange{Status: ProvisionGranted, EindReden: "verhuisd"}))
	if fe.For("eind_reden") == "" {
		t.Errorf("reason without ending: %v", fe)
	}
	if err := ApplyStatus(&p, StatusChange{Status: ProvisionEnded, EindReden: "doel_bereikt", Eind: people.MustDate("2026-06-01")}); err != nil {
		t.Fatal(err)
	}
	if p.Status != ProvisionEnded || p.EindReden != "doel_bereikt" || p.Eind.ISO() != "2026-06-01" {
		t.Fatalf("ended: %+v", p)
	}
	// An existing end date is enough.
	q := base(ProvisionStarted)
	q.Eind = people.MustDate("2026-12-31")
	if err := ApplyStatus(&q, StatusChange{Status: ProvisionEnded, EindReden: "verhuisd"}); err != nil {
		t.Fatal(err)
	}
	// Ended stays ended.
	if err := ApplyStatus(&p, StatusChange{Status: ProvisionEnded, EindReden: "anders"}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("change after end: %v", err)
	}
	if got := NextStates(ProvisionGranted); len(got) != 2 || got[0].Code != ProvisionStarted {
		t.Fatalf("next: %v", got)
	}
}

func TestEndsWithin(t *testing.T) {
	today := people.MustDate("2026-03-01")
	p := Provision{Status: ProvisionStarted, Eind: people.MustDate("2026-04-26")} // 56 days
	if !p.EndsWithin(today, 56) || p.EndsWithin(today, 55) {
		t.Error("8 weeks boundary")
	}
	p.Status = ProvisionEnded
	if p.EndsWithin(today, 56) {
		t.Error("ended provision")
	}
	if (Provision{Status: ProvisionStarted}).EndsWithin(today, 56) {
		t.Error("open-ended provision")
	}
}

package casework

import (
	"strings"
	"testing"

	"naober.nl/naober/internal/people"
)

func goodSignal() Signal {
	return Signal{Gemeente: "GM0119", Postcode: "7941 ab", Huisnummer: 12, Toevoeging: "a", Bron: "thuiszorg",
		Wat: "  Mevrouw eet slecht en de post stapelt zich op.  ", Domeinen: []string{"financien", "basale_adl", "financien"},
		Urgentie: "normaal", BewonerWeet: true, BewonerAkkoord: true}
}

func TestValidateSignalNormalises(t *testing.T) {
	s := goodSignal()
	if err := ValidateSignal(&s); err != nil {
		t.Fatal(err)
	}
	if s.Postcode != "7941AB" || s.Toevoeging != "A" || strings.HasPrefix(s.Wat, " ") {
		t.Fatalf("not normalised: %+v", s)
	}
	if strings.Join(s.Domeinen, ",") != "financien,basale_adl" {
		t.Fatalf("domains not deduplicated in ZRM order: %v", s.Domeinen)
	}
	if s.Address() != "7941 AB 12-A" {
		t.Fatalf("address %q", s.Address())
	}
}

func TestValidateSignalNamesEachField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Signal)
		field string
	}{
		{"no gemeente", func(s *Signal) { s.Gemeente = "" }, "gemeente"},
		{"bad postcode", func(s *Signal) { s.Postcode = "79" }, "postcode"},
		{"no house number", func(s *Signal) { s.Huisnummer = 0 }, "huisnummer"},
		{"long addition", func(s *Signal) { s.Toevoeging = "abcdef" }, "toevoeging"},
		{"long name", func(s *Signal) { s.Naam = strings.Repeat("x", 201) }, "naam"},
		{"unknown source", func(s *Signal) { s.Bron = "roddel" }, "bron"},
		{"no text", func(s *Signal) { s.Wat = "   " }, "wat"},
		{"long text", func(s *Signal) { s.Wat = strings.Repeat("é", 4001) }, "wat"},
		{"no domains", func(s *Signal) { s.Domeinen = nil }, "domeinen"},
		{"unknown domain", func(s *Signal) { s.Domeinen = []string{"financien", "geluk"} }, "domeinen"},
		{"unknown urgency", func(s *Signal) { s.Urgentie = "gisteren" }, "urgentie"},
		{"agrees without knowing", func(s *Signal) { s.BewonerWeet = false }, "bewoner_akkoord"},
	}
	for _, c := range cases {
		s := goodSignal()
		c.edit(&s)
		fe, ok := people.AsFieldErrors(ValidateSignal(&s))
		if !ok || fe.For(c.field) == "" {
			t.Errorf("%s: want error on %s, got %v", c.name, c.field, fe)
		}
		if len(fe) != 1 {
			t.Errorf("%s: want exactly one error, got %v", c.name, fe)
		}
	}
	// Knowing without agreeing is fine; all problems come at once.
	s := goodSignal()
	s.BewonerAkkoord = false
	if err := ValidateSignal(&s); err != nil {
		t.Fatalf("knows but does not agree: %v", err)
	}
	var empty Signal
	fe, _ := people.AsFieldErrors(ValidateSignal(&empty))
	for _, f := range []string{"gemeente", "postcode", "huisnummer", "bron", "wat", "domeinen", "urgentie"} {
		if fe.For(f) == "" {
			t.Errorf("empty signal: no error on %s", f)
		}
	}
}

func TestReporterSeesOnlyReceivedOrPickedUp(t *testing.T) {
	for _, st := range SignalStates {
		want := ReporterPickedUp
		if st.Code == SignalNew {
			want = ReporterReceived
		}
		s := Signal{ID: "x", Status: st.Code, Reden: "geheim", Household: "hh", Wat: "geheim"}
		v := s.ForReporter()
		if v.Status != want {
			t.Errorf("%s shows as %s", st.Code, v.Status)
		}
	}
}

func TestUrgencyRank(t *testing.T) {
	if !(UrgencyRank("acuut") < UrgencyRank("hoog") && UrgencyRank("hoog") < UrgencyRank("normaal") && UrgencyRank("normaal") == UrgencyRank("laag")) {
		t.Fatal("acuut, then hoog, then the rest")
	}
}

func TestValidateTriage(t *testing.T) {
	cases := []struct {
		t     Triage
		field string // "" = valid
	}{
		{Triage{Outcome: SignalLinked, Household: "h1"}, ""},
		{Triage{Outcome: SignalLinked}, "huishouden"},
		{Triage{Outcome: SignalNewCase}, ""},
		{Triage{Outcome: SignalNewCase, Confirm: true}, "reden"},
		{Triage{Outcome: SignalNewCase, Confirm: true, Reden: "kamerbewoning"}, ""},
		{Triage{Outcome: SignalReferred, Reden: "  "}, "reden"},
		{Triage{Outcome: SignalReferred, Reden: "Buurthuis De Schakel"}, ""},
		{Triage{Outcome: SignalClosed}, "reden"},
		{Triage{Outcome: SignalClosed, Reden: strings.Repeat("x", 1001)}, "reden"},
		{Triage{Outcome: SignalClosed, Reden: "dubbel gemeld", Household: "h1"}, "huishouden"},
		{Triage{Outcome: SignalClosed, Reden: "dubbel", Confirm: true}, "toch_aanmaken"},
		{Triage{Outcome: "nieuw"}, "uitkomst"},
		{Triage{}, "uitkomst"},
	}
	for _, c := range cases {
		tr := c.t
		err := ValidateTriage(&tr)
		if c.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", c.t, err)
			}
			continue
		}
		if fe, ok := people.AsFieldErrors(err); !ok || fe.For(c.field) == "" {
			t.Errorf("%+v: want error on %s, got %v", c.t, c.field, err)
		}
	}
}

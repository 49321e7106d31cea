package casework

import (
	"strings"
	"testing"
	"time"

	"naober.nl/naober/internal/people"
)

func TestValidateHandover(t *testing.T) {
	for _, c := range []struct {
		to, note, field string
	}{
		{"u2", "Gezin kent mij via school; let op de schulden.", ""},
		{"", "notitie", "regisseur"},
		{"u1", "notitie", "regisseur"},
		{"u2", "  ", "notitie"},
		{"u2", strings.Repeat("x", 2001), "notitie"},
	} {
		_, err := ValidateHandover("u1", c.to, c.note)
		if c.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", c, err)
			}
			continue
		}
		if fe, ok := people.AsFieldErrors(err); !ok || fe.For(c.field) == "" {
			t.Errorf("%+v: want error on %s, got %v", c, c.field, err)
		}
	}
}

func TestValidateCloseAndSecondHousehold(t *testing.T) {
	if r, err := ValidateClose("  doelen bereikt "); err != nil || r != "doelen bereikt" {
		t.Fatalf("close: %q %v", r, err)
	}
	for _, bad := range []string{"", "   ", strings.Repeat("x", 1001)} {
		if fe, ok := people.AsFieldErrors(func() error { _, err := ValidateClose(bad); return err }()); !ok || fe.For("reden") == "" {
			t.Errorf("close %q accepted", bad)
		}
	}
	if _, err := ValidateSecondHousehold(false, ""); err != nil {
		t.Fatal("no confirmation needs no reason")
	}
	if _, err := ValidateSecondHousehold(true, " "); err == nil {
		t.Fatal("confirmation without reason accepted")
	}
	if r, err := ValidateSecondHousehold(true, " kamerbewoning "); err != nil || r != "kamerbewoning" {
		t.Fatalf("%q %v", r, err)
	}
}

func TestCaseDisplay(t *testing.T) {
	c := Case{RegisseurEmail: "a@b.nl", Status: CaseActive, Opened: time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)}
	if c.Regisseur() != "a@b.nl" || !c.Active() {
		t.Fatal(c)
	}
	c.RegisseurNaam = "Anna"
	if c.Regisseur() != "Anna" {
		t.Fatal(c.Regisseur())
	}
	// 23:30 UTC on 31 March is 1 April in Amsterdam (summer time).
	if c.OpenedDate().ISO() != "2026-04-01" {
		t.Fatalf("opened %s", c.OpenedDate())
	}
}

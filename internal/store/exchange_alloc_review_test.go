package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/exchange/istd"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// The allocation message never carries the provision's case note, and a
// message that is not written takes no allocation number (issue 5, #9).
func TestAllocationMessageNoCaseNoteAndNumberOnlyWhenWritten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := pvSetup(t, s)
		pv := pvBegeleiding(f) // Toelichting "Structuur in de week"
		pv.Toelichting = "moeder drinkt; niet met de aanbieder delen"
		if err := s.CreateProvision(ctx, f.meppel, &pv); err != nil {
			t.Fatal(err)
		}
		number := func() string {
			t.Helper()
			n, err := s.SheetQuery(ctx, "SELECT toewijzingnummer FROM provisions WHERE id = ?", pv.ID)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// The encoder fails: nothing is saved, the number stays free.
		bad := errors.New("does not validate")
		if _, err := s.AllocationMessage(ctx, f.meppel, pv.ID, "X1", func(*exchange.Message) error { return bad }); !errors.Is(err, bad) {
			t.Fatalf("failing write: %v", err)
		}
		if n := number(); n != "" {
			t.Fatalf("a message that was not written took number %q", n)
		}
		var buf bytes.Buffer
		m, err := s.AllocationMessage(ctx, f.meppel, pv.ID, "X2", func(m *exchange.Message) error { return istd.WriteAllocation(&buf, m) })
		if err != nil {
			t.Fatal(err)
		}
		if n := number(); n == "" || n != m.Allocations[0].Nummer {
			t.Fatalf("number %q, message %q", n, m.Allocations[0].Nummer)
		}
		if m.Allocations[0].Commentaar != "" || strings.Contains(buf.String(), "drinkt") || strings.Contains(buf.String(), "Commentaar") {
			t.Fatalf("the case note went to the provider: %q\n%s", m.Allocations[0].Commentaar, buf.String())
		}
	})
}

// The next free allocation number counts only numbers of digits: a
// mirrored number like "B-7" or "99abc" does not break it (PostgreSQL) or
// count (SQLite) (issue 5, #7).
func TestAllocationNumberSkipsNonNumeric(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := pvSetup(t, s)
		var ids []string
		for _, nr := range []string{"41", "B-7", "99abc", "123456789012345678901234", ""} {
			pv := pvBegeleiding(f)
			if err := s.CreateProvision(ctx, f.meppel, &pv); err != nil {
				t.Fatal(err)
			}
			if err := s.ExecForTest(ctx, "UPDATE provisions SET toewijzingnummer = ? WHERE id = ?", nr, pv.ID); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, pv.ID)
		}
		m, err := s.AllocationMessage(ctx, f.meppel, ids[len(ids)-1], "X1", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Allocations[0].Nummer; got != "42" {
			t.Fatalf("next number %q, want 42", got)
		}
	})
}

// A 301's budget over a looptijd and a provision's total within the
// looptijd give one amount per month: both count the end date as the
// last day, as iJw's Einddatum (issue 5, #19).
func TestAllocationBudgetMatchesMonthlyCost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		m := exJW301()
		m.Allocations = m.Allocations[:1]
		al := &m.Allocations[0]
		budget := int64(36500)
		al.Volume, al.BudgetCents, al.Eenheid, al.Frequentie = nil, &budget, "", ""
		al.Ingangsdatum, al.Einddatum = exD("2026-04-01"), exD("2027-03-31")
		if _, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "b.xml", m); err != nil {
			t.Fatal(err)
		}
		got, err := s.SheetQuery(ctx, "SELECT CAST(maandbedrag_cents AS TEXT) FROM provisions WHERE toewijzingnummer = ?", al.Nummer)
		if err != nil {
			t.Fatal(err)
		}
		one := 1
		want := casework.MonthlyCost(casework.Provision{PrijsCents: casework.Cents(budget).Ptr(), Volume: &one, Frequentie: "6",
			Start: al.Ingangsdatum, Eind: al.Einddatum})
		if got != fmt.Sprint(want) || want != 3042 {
			t.Fatalf("301 budget per month %s, casework %d, want 3042 (365 × 12 ÷ 365 days)", got, want)
		}
	})
}

package store_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

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

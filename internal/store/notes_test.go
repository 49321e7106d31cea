package store_test

import (
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

func TestSensitiveNotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		mk := func(email string, role auth.Role) store.Actor {
			u := &store.User{Email: email, PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: role}}}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
		}
		colleague := mk("collega@meppel.nl", auth.Regisseur)
		lead := mk("tl@meppel.nl", auth.Teamleider)
		h := household(t, f, f.meppel, "GM0119", "WK011901", "7941AB", 1)
		// f.meppel is the household's regisseur.
		if err := s.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO cases (id, gemeente, household_id, regisseur_id, status, opened_at) VALUES ('c1', 'GM0119', ?, ?, 'actief', '2026-01-01T00:00:00Z')", h.ID, f.meppel.P.UserID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		open := &casework.Note{Household: h.ID, Text: "Huisbezoek gepland."}
		secret := &casework.Note{Household: h.ID, Text: "Vermoeden van huiselijk geweld.", Sensitive: true}
		byColleague := &casework.Note{Household: h.ID, Text: "Eigen gevoelige notitie.", Sensitive: true}
		for _, n := range []struct {
			a store.Actor
			n *casework.Note
		}{{f.meppel, open}, {f.meppel, secret}, {colleague, byColleague}} {
			if err := s.AddNote(ctx, n.a, n.n); err != nil {
				t.Fatal(err)
			}
		}
		count := func(a store.Actor) int {
			ns, err := s.NotesForHousehold(ctx, a, h.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(ns)
		}
		if n := count(f.meppel); n != 3 {
			t.Errorf("regisseur sees %d notes, want 3", n)
		}
		if n := count(lead); n != 3 {
			t.Errorf("teamleider sees %d notes, want 3", n)
		}
		if n := count(colleague); n != 2 { // the open one and their own
			t.Errorf("colleague sees %d notes, want 2", n)
		}
		if _, err := s.NotesForHousehold(ctx, f.haarlem, h.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("other gemeente: %v", err)
		}
		if _, err := s.NotesForHousehold(ctx, f.beleid, h.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("beleid: %v", err)
		}
		if fe, ok := people.AsFieldErrors(s.AddNote(ctx, f.meppel, &casework.Note{Household: h.ID, Text: "  "})); !ok || fe.For("tekst") == "" {
			t.Error("empty note accepted")
		}
	})
}

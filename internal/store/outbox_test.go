package store_test

import (
	"testing"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

func TestOutboxIsGemeenteScopedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		meppel := storetest.Resident(t, s, "WK011901", "Anna")
		haarlem := storetest.Resident(t, s, "WK039201", "Bert")
		for _, p := range []*struct {
			gm string
			id string
			to string
		}{{"GM0119", meppel.UserID, meppel.Email}, {"GM0392", haarlem.UserID, haarlem.Email}} {
			if err := s.Tx(ctx, func(tx *store.Tx) error {
				return s.Enqueue(ctx, tx, store.Mail{Gemeente: p.gm, UserID: p.id, To: p.to, Subject: "Welkom", Body: "Hallo", Kind: "test"})
			}); err != nil {
				t.Fatal(err)
			}
		}
		// Enqueue refuses header injection and missing fields.
		err := s.Tx(ctx, func(tx *store.Tx) error {
			return s.Enqueue(ctx, tx, store.Mail{Gemeente: "GM0119", To: "a@b.nl\r\nBcc: x@y.nl", Subject: "x", Kind: "test"})
		})
		if err == nil {
			t.Fatal("line break in the address accepted")
		}
		beheer := store.Actor{P: &auth.Principal{UserID: "b", Email: "beheer@meppel.nl", Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Beheer}}}}
		ms, err := s.Outbox(ctx, beheer, store.OutboxFilter{})
		if err != nil || len(ms) != 1 || ms[0].To != meppel.Email {
			t.Fatalf("outbox for beheer of Meppel: %+v %v", ms, err)
		}
		if _, err := s.Outbox(ctx, beheer, store.OutboxFilter{Gemeente: "GM0392"}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("other gemeente: %v", err)
		}
		regisseur := store.Actor{P: &auth.Principal{UserID: "r", Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Regisseur}}}}
		if _, err := s.Outbox(ctx, regisseur, store.OutboxFilter{}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("regisseur: %v", err)
		}
		recs, err := s.SearchAudit(ctx, beheer.P, audit.Filter{Gemeenten: []string{"GM0119"}, RecordType: store.RecOutbox})
		if err != nil || len(recs) != 1 || recs[0].RecordID != ms[0].ID || recs[0].Action != audit.Read || recs[0].Role != string(auth.Beheer) {
			t.Fatalf("audit %+v %v", recs, err)
		}
		// Deleting the account takes its mail with it.
		if err := s.DeleteResident(ctx, meppel.UserID); err != nil {
			t.Fatal(err)
		}
		if ms, err := s.Outbox(ctx, beheer, store.OutboxFilter{}); err != nil || len(ms) != 0 {
			t.Fatalf("outbox after delete: %+v %v", ms, err)
		}
	})
}

package store_test

import (
	"fmt"
	"testing"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// One four-eyes decision on a fund: lock the fund, sum what it granted,
// check, write the decision, two tranches, the first APK, the applicant's
// mail and the audit record, in one transaction. With 0 and with 2,000
// earlier grants in the fund (the sum reads them all).
//
//	go test -run '^$' -bench FundDecide ./internal/store/
func BenchmarkFundDecide(b *testing.B) {
	for _, c := range []struct {
		db     string
		before int
	}{{"sqlite", 0}, {"sqlite", 2000}, {"postgres", 0}, {"postgres", 2000}} {
		db, before := c.db, c.before
		b.Run(fmt.Sprintf("%s/%d-grants", db, before), func(b *testing.B) {
			var s *store.Store
			if db == "sqlite" {
				s = storetest.SQLite(b)
			} else {
				s = storetest.Postgres(b)
			}
			if err := s.EnsureTenant(ctx, "GM0119", "Meppel"); err != nil {
				b.Fatal(err)
			}
			mk := func(email string, role auth.Role) store.Actor {
				u := &store.User{Email: email, PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: role}}}
				if err := s.CreateUser(ctx, u); err != nil {
					b.Fatal(err)
				}
				return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
			}
			reviewer, decider := mk("b@meppel.nl", auth.Beleid), mk("wc@meppel.nl", auth.Wijkcoordinator)
			res := storetest.Resident(b, s, "WK011901", "Anja")
			f := participation.Fund{Gemeente: "GM0119", Name: "Fonds", Year: 2026, Budget: 100_000_000_00, Max: 500000, Wijken: []string{"WK011901"}}
			if err := s.CreateFund(ctx, reviewer, &f); err != nil {
				b.Fatal(err)
			}
			now := time.Now().UTC().Format(time.RFC3339)
			for i := 0; i < before; i++ {
				if err := store.ExecForTest(ctx, s, `INSERT INTO fund_applications (id, fund_id, gemeente, wijk, status, title, created_at, reviewed_by, granted_cents, decision_reason, decided_by)
					VALUES (?, ?, 'GM0119', 'WK011901', 'toegekend', 'Eerder', ?, ?, 100000, 'Goed', ?)`, fmt.Sprintf("earlier-%05d", i), f.ID, now,
					reviewer.P.UserID, decider.P.UserID); err != nil {
					b.Fatal(err)
				}
			}
			yes := participation.Decision{Grant: true, Amount: 100000, Reason: "Goed plan."}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				x := participation.Application{Title: "Buurtmaaltijd", What: "Samen eten", ForWhom: "De straat", Goal: "ontmoeten",
					Lines: []participation.BudgetLine{{Description: "Boodschappen", Amount: 100000}}}
				if err := s.SaveApplication(ctx, res, f.ID, &x, true); err != nil {
					b.Fatal(err)
				}
				if err := s.ReviewApplication(ctx, reviewer, x.ID, participation.AdviceToekennen, "Goed."); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := s.DecideApplication(ctx, decider, x.ID, yes); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

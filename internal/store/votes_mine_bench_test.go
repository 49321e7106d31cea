package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// The resident's download looks up their pseudonym in every vote of the
// instance. With 1,000 votes of 20 ballots each, how much longer does the
// whole download take than with none?
//
//	go test -run '^$' -bench OwnBallotsDownload ./internal/store/
func BenchmarkOwnBallotsDownload(b *testing.B) {
	for _, c := range []struct {
		db    string
		votes int
	}{{"sqlite", 0}, {"sqlite", 1000}, {"postgres", 0}, {"postgres", 1000}} {
		db, votes := c.db, c.votes
		b.Run(fmt.Sprintf("%s/%d-votes", db, votes), func(b *testing.B) {
			var s *store.Store
			if db == "sqlite" {
				s = storetest.SQLite(b)
			} else {
				if storetest.PostgresDSN(b) == "" {
					b.Skip("no NAOBER_TEST_POSTGRES")
				}
				s = storetest.Postgres(b)
			}
			res := storetest.Resident(b, s, "WK011901", "Anna")
			now := time.Now().UTC().Format(time.RFC3339)
			const perVote = 20
			for v := 0; v < votes; v++ {
				id := fmt.Sprintf("bench-vote-%04d", v)
				if err := store.ExecForTest(ctx, s, `INSERT INTO wijkbudgets (id, gemeente, wijk, title, amount_cents, rule, phase, created_at)
					VALUES (?, 'GM0119', 'WK011901', ?, 100000, 'knapsack', 'stemmen', ?)`, id, "Stemming "+id, now); err != nil {
					b.Fatal(err)
				}
				var q strings.Builder
				var args []any
				q.WriteString("INSERT INTO ballots (budget_id, voter) VALUES ")
				for k := 0; k < perVote; k++ {
					if k > 0 {
						q.WriteString(", ")
					}
					q.WriteString("(?, ?)")
					args = append(args, id, fmt.Sprintf("%064x", v*perVote+k))
				}
				if err := store.ExecForTest(ctx, s, q.String(), args...); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.ExportResident(ctx, res.UserID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

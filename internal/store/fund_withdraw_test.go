package store_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

const linkBase = "https://naober.example.nl"

// A resident withdraws their own application before a decision: the state
// becomes ingetrokken, the reviewer gets a mail with a link, the change is
// audited, and it no longer waits for anyone. A decided application, a
// second withdrawal and other people are refused; nothing changes then.
func TestFundWithdraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := fundSetup(t, s)
		lctx := store.WithLinkBase(ctx, linkBase)

		// A concept: withdrawn without anyone at the gemeente seeing it.
		c := participation.Application{Title: "Buurttuin"}
		if err := s.SaveApplication(ctx, f.res, f.fund.ID, &c, false); err != nil {
			t.Fatal(err)
		}
		if err := s.WithdrawApplication(lctx, f.res, c.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Application(ctx, f.beleid, c.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a manager reads a withdrawn concept: %v", err)
		}

		// A submitted, reviewed application.
		x := fundSubmitted(t, s, f, f.res, &f.beleid, 150000)
		// Others: a fund manager who sees it is refused, anyone else is
		// told it does not exist; too long a reason names the field.
		if err := s.WithdrawApplication(lctx, f.coord.P, x.ID, ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a fund manager withdraws: %v", err)
		}
		for name, err := range map[string]error{
			"other resident": s.WithdrawApplication(lctx, f.elsewhere, x.ID, ""),
			"regisseur":      s.WithdrawApplication(lctx, f.meppel.P, x.ID, ""),
			"haarlem":        s.WithdrawApplication(lctx, f.haarlemBeleid.P, x.ID, ""),
			"nobody":         s.WithdrawApplication(lctx, nil, x.ID, ""),
		} {
			if !errs.Is(err, errs.NotFound) && !errs.Is(err, errs.Unauthorized) {
				t.Errorf("%s withdraws: %v", name, err)
			}
		}
		if fe, ok := people.AsFieldErrors(s.WithdrawApplication(lctx, f.res, x.ID, strings.Repeat("x", participation.WithdrawReasonMax+1))); !ok || fe.For("reden_intrekken") == "" {
			t.Fatalf("too long a reason: %v", fe)
		}
		if got, _ := s.Application(ctx, f.coord, x.ID); got.Status != participation.AppBeoordeeld {
			t.Fatalf("status after refusals: %s", got.Status)
		}

		if err := s.WithdrawApplication(lctx, f.res, x.ID, "  We hebben een sponsor gevonden.  "); err != nil {
			t.Fatal(err)
		}
		mine, err := s.Application(ctx, store.Actor{P: f.res}, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if mine.Status != participation.AppIngetrokken || mine.WithdrawReason != "We hebben een sponsor gevonden." || mine.WithdrawnAt.IsZero() {
			t.Fatalf("after withdrawing: %s %q %v", mine.Status, mine.WithdrawReason, mine.WithdrawnAt)
		}
		if err := s.WithdrawApplication(lctx, f.res, x.ID, ""); !errs.Is(err, errs.Conflict) {
			t.Fatalf("withdrawing twice: %v", err)
		}
		// No longer pending: no review, no decision; the managers still see
		// it (it was submitted), marked withdrawn.
		if err := s.ReviewApplication(ctx, f.coord, x.ID, participation.AdviceAfwijzen, "Laat maar."); !errs.Is(err, errs.Conflict) {
			t.Fatalf("review after withdrawal: %v", err)
		}
		if err := s.DecideApplication(ctx, f.coord, x.ID, participation.Decision{Grant: true, Amount: 100000, Reason: "Goed."}); !errs.Is(err, errs.Conflict) ||
			!strings.Contains(err.Error(), "ingetrokken") {
			t.Fatalf("decision after withdrawal: %v", err)
		}
		list, err := s.FundApplications(ctx, f.beleid, f.fund.ID)
		if err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, a := range list {
			if a.ID == c.ID {
				t.Fatal("the withdrawn concept is on the managers' list")
			}
			if a.Status == participation.AppIngediend || a.Status == participation.AppBeoordeeld {
				pending++
			}
		}
		if len(list) != 1 || list[0].Status != participation.AppIngetrokken || pending != 0 {
			t.Fatalf("managers' list: %d applications, %d pending", len(list), pending)
		}
		if fd, _ := s.Fund(ctx, f.fund.ID); fd.Granted != 0 || fd.Remaining != fd.Budget {
			t.Fatalf("fund after withdrawal: %+v", fd)
		}

		// The reviewer's mail, with the reason and a link; audited as the
		// applicant's own change.
		mails, err := s.Outbox(ctx, store.Actor{P: outboxReader(t, s)}, store.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []store.Mail
		for _, m := range mails {
			if m.Kind == "fonds-ingetrokken" {
				got = append(got, m)
			}
		}
		if len(got) != 1 || got[0].UserID != f.beleid.P.UserID || !strings.Contains(got[0].Body, "sponsor gevonden") ||
			!strings.Contains(got[0].Body, linkBase+"/fondsaanvragen/"+x.ID) {
			t.Fatalf("withdrawal mails: %+v", got)
		}
		recs, err := s.SearchAudit(ctx, auditor(t, s), audit.Filter{Gemeenten: []string{"GM0119"}, RecordType: store.RecFundApplication, Action: audit.Update})
		if err != nil {
			t.Fatal(err)
		}
		byApplicant := 0
		for _, r := range recs {
			if r.UserID == f.res.UserID && (r.RecordID == x.ID || r.RecordID == c.ID) {
				byApplicant++
			}
		}
		if byApplicant != 2 {
			t.Fatalf("%d audit records of the withdrawals", byApplicant)
		}

		// Decided applications stay decided.
		granted := fundSubmitted(t, s, f, f.res, &f.beleid, 100000)
		if err := s.DecideApplication(ctx, f.coord, granted.ID, participation.Decision{Grant: true, Amount: 100000, Reason: "Goed."}); err != nil {
			t.Fatal(err)
		}
		rejected := fundSubmitted(t, s, f, f.res, &f.beleid, 100000)
		if err := s.DecideApplication(ctx, f.coord, rejected.ID, participation.Decision{Reason: "Buiten de criteria."}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{granted.ID, rejected.ID} {
			err := s.WithdrawApplication(lctx, f.res, id, "")
			if !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "al besloten") {
				t.Fatalf("withdrawing a decided application: %v", err)
			}
		}
		if got, _ := s.Application(ctx, f.coord, granted.ID); got.Status != participation.AppToegekend {
			t.Fatalf("granted application after a refused withdrawal: %s", got.Status)
		}

		// Withdrawn applications go with the account, like undecided ones.
		if err := s.DeleteResident(ctx, f.res.UserID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Application(ctx, f.beleid, x.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("withdrawn application after the account is deleted: %v", err)
		}
	})
}

// A withdrawal and a decision at the same moment: exactly one wins, and
// the application ends either granted (with its tranches) or withdrawn
// (with nothing granted), never both.
func TestFundWithdrawRacesDecision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := fundSetup(t, s)
		won := map[participation.AppStatus]int{}
		for i := 0; i < 10; i++ {
			x := fundSubmitted(t, s, f, f.res, &f.beleid, 50000)
			var wg sync.WaitGroup
			start := make(chan struct{})
			var decideErr, withdrawErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				decideErr = s.DecideApplication(ctx, f.coord, x.ID, participation.Decision{Grant: true, Amount: 50000, Reason: "Past."})
			}()
			go func() {
				defer wg.Done()
				<-start
				withdrawErr = s.WithdrawApplication(ctx, f.res, x.ID, "Toch niet.")
			}()
			close(start)
			wg.Wait()
			if (decideErr == nil) == (withdrawErr == nil) {
				t.Fatalf("round %d: decision %v, withdrawal %v", i, decideErr, withdrawErr)
			}
			for _, err := range []error{decideErr, withdrawErr} {
				if err != nil && !errs.Is(err, errs.Conflict) {
					t.Fatalf("round %d: %v", i, err)
				}
			}
			got, err := s.Application(ctx, store.Actor{P: f.res}, x.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case decideErr == nil && got.Status == participation.AppToegekend && got.WithdrawnAt.IsZero() && len(got.Tranches) == 2:
			case withdrawErr == nil && got.Status == participation.AppIngetrokken && got.DecidedAt.IsZero() && got.GrantedCents == 0 && len(got.Tranches) == 0:
			default:
				t.Fatalf("round %d: status %s, granted %s, %d tranches, withdrawn %v", i, got.Status, got.GrantedCents, len(got.Tranches), got.WithdrawnAt)
			}
			won[got.Status]++
		}
		t.Logf("outcomes: %v", won)
	})
}

// Migration 0018 rebuilds fund_applications on SQLite (a CHECK cannot be
// changed there) and with it its children. Running its rebuild again on a
// database with a granted application keeps every child row, and the
// children still cascade from the rebuilt table.
func TestFundMigration0018KeepsChildren(t *testing.T) {
	s := storetest.SQLite(t)
	f := fundSetup(t, s)
	x := fundSubmitted(t, s, f, f.res, &f.beleid, 60000, 40000)
	day0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	if err := s.At(day0).DecideApplication(ctx, f.coord, x.ID, participation.Decision{Grant: true, Amount: 100000, Reason: "Goed."}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.At(day0.AddDate(0, 4, 0)).FundReminders(ctx); err != nil {
		t.Fatal(err)
	}
	counts := func() map[string]int {
		out := map[string]int{}
		for _, tab := range []string{"fund_applications", "fund_lines", "fund_tranches", "fund_apks", "fund_reminders"} {
			var n int
			if err := s.Tx(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, "SELECT COUNT(*) FROM "+tab).Scan(&n) }); err != nil {
				t.Fatal(err)
			}
			out[tab] = n
		}
		return out
	}
	before := counts()
	if before["fund_lines"] != 2 || before["fund_tranches"] != 2 || before["fund_apks"] != 1 || before["fund_reminders"] == 0 {
		t.Fatalf("fixture: %v", before)
	}
	sqlText, err := os.ReadFile("migrations/sqlite/0018_fund_withdraw.sql")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Tx(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, string(sqlText)); return err }); err != nil {
		t.Fatal(err)
	}
	after := counts()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %d rows before, %d after", k, v, after[k])
		}
	}
	var bad int
	if err := s.Tx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT COUNT(*) FROM pragma_foreign_key_list('fund_lines') WHERE \"table\" <> 'fund_applications'").Scan(&bad)
	}); err != nil || bad != 0 {
		t.Fatalf("fund_lines points elsewhere: %d %v", bad, err)
	}
	// The cascade still works: deleting the application takes its children.
	if err := s.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM fund_applications WHERE id = ?", x.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for k, v := range counts() {
		if v != 0 {
			t.Errorf("%s: %d rows left after deleting the application", k, v)
		}
	}
}

// Fund mails link to the application when the store knows the public
// address (the web server's requests, the mail sender's round), and go
// without a link otherwise.
func TestFundMailsLinkToTheApplication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := fundSetup(t, s)
		lctx := store.WithLinkBase(ctx, linkBase+"/")
		day0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		linked := fundSubmitted(t, s, f, f.res, &f.beleid, 100000)
		plain := fundSubmitted(t, s, f, f.res, &f.beleid, 100000)
		for _, c := range []struct {
			ctx context.Context
			id  string
		}{{lctx, linked.ID}, {ctx, plain.ID}} {
			if err := s.At(day0).DecideApplication(c.ctx, f.coord, c.id, participation.Decision{Grant: true, Amount: 100000, Reason: "Goed."}); err != nil {
				t.Fatal(err)
			}
			if err := s.At(day0).PayTranche(c.ctx, f.coord, c.id, 1); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.At(day0.AddDate(0, 3, 0)).FundReminders(lctx); err != nil {
			t.Fatal(err)
		}
		mails, err := s.Outbox(ctx, store.Actor{P: outboxReader(t, s)}, store.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, m := range mails {
			if !strings.HasPrefix(m.Kind, "fonds-") {
				continue
			}
			kinds[m.Kind]++
			hasLink := strings.Contains(m.Body, linkBase+"/fondsaanvragen/")
			wantLink := m.Kind == "fonds-apk-herinnering" || strings.Contains(m.Body, "/fondsaanvragen/"+linked.ID)
			if m.Kind != "fonds-apk-herinnering" && strings.Contains(m.Body, "/fondsaanvragen/"+plain.ID) {
				t.Errorf("%s mail without a base has a link:\n%s", m.Kind, m.Body)
			}
			if wantLink && !hasLink {
				t.Errorf("%s mail has no link:\n%s", m.Kind, m.Body)
			}
			if strings.Contains(m.Body, linkBase+"//") {
				t.Errorf("double slash in %s mail:\n%s", m.Kind, m.Body)
			}
		}
		// Per application: the decision and the paid tranche to the
		// applicant; the reminders to applicant, reviewer and decider.
		if kinds["fonds-besluit"] != 2 || kinds["fonds-betaling"] != 2 || kinds["fonds-apk-herinnering"] != 6 {
			t.Fatalf("fund mails by kind: %v", kinds)
		}
	})
}

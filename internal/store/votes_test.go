package store_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

type voteFixture struct {
	s              *store.Store
	beleid         store.Actor
	coordA, coordB store.Actor
	beheer         store.Actor
}

func voteSetup(t *testing.T, s *store.Store) voteFixture {
	t.Helper()
	for _, tn := range []store.Tenant{{"GM0119", "Meppel"}, {"GM0392", "Haarlem"}} {
		if err := s.EnsureTenant(ctx, tn.Gemeente, tn.Naam); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(email string, role auth.Role, wijken ...string) store.Actor {
		u := &store.User{Email: email, PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: role}}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants, Wijken: wijken}}
	}
	return voteFixture{s: s, beleid: mk("beleid@meppel.nl", auth.Beleid),
		coordA: mk("a@meppel.nl", auth.Wijkcoordinator, "WK011901"), coordB: mk("b@meppel.nl", auth.Wijkcoordinator, "WK011901"),
		beheer: mk("beheer@meppel.nl", auth.Beheer)}
}

// resident makes a users row with a residents profile by SQL (the
// residents' store belongs to another part of naober).
func resident(t *testing.T, s *store.Store, id, gm, wijk string, verified bool) *auth.Principal {
	t.Helper()
	now := time.Now().UTC().Format(time.RFC3339)
	if err := store.ExecForTest(ctx, s, "INSERT INTO users (id, email, name, password_hash, disabled, created_at) VALUES (?, ?, ?, '', 0, ?)",
		id, id+"@example.org", id, now); err != nil {
		t.Fatal(err)
	}
	var v any
	if verified {
		v = now
	}
	if err := store.ExecForTest(ctx, s, `INSERT INTO residents (user_id, gemeente, wijk, display_name, postcode, huisnummer, verified_at, created_at)
		VALUES (?, ?, ?, ?, '7941AB', 1, ?, ?)`, id, gm, wijk, id, v, now); err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: id, Email: id + "@example.org", Resident: &auth.Resident{Gemeente: gm, Wijk: wijk, DisplayName: id, Verified: verified}}
}

// openVote creates a knapsack vote of € 10.000 with projects a (€ 6.000),
// b (€ 5.000), c (€ 3.000) reviewed feasible and d not feasible, and opens
// the voting.
func openVote(t *testing.T, f voteFixture, rule participation.Rule) (participation.Budget, map[string]string) {
	t.Helper()
	b := participation.Budget{Wijk: "WK011901", Title: "Wijkbudget Oost", Amount: 1000000, Rule: rule}
	if rule == participation.RuleApprove {
		b.MaxChoices = 2
	}
	if err := f.s.CreateWijkbudget(ctx, f.beleid, &b); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for i, c := range []struct {
		name string
		cost casework.Cents
	}{{"a", 600000}, {"b", 500000}, {"c", 300000}, {"d", 100000}} {
		p := participation.Project{Title: "Project " + c.name, Description: "Omschrijving", Cost: c.cost}
		if err := f.s.At(time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)).ProposeProject(ctx, f.beleid, b.ID, &p); err != nil {
			t.Fatal(err)
		}
		ids[c.name] = p.ID
	}
	if err := f.s.AdvanceWijkbudget(ctx, f.beleid, b.ID, participation.PhaseStemmen); !errs.Is(err, errs.Conflict) {
		t.Fatalf("skipped a phase: %v", err)
	}
	if err := f.s.AdvanceWijkbudget(ctx, f.beleid, b.ID, participation.PhaseBeoordeling); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AdvanceWijkbudget(ctx, f.beleid, b.ID, participation.PhaseStemmen); !errs.Is(err, errs.Conflict) {
		t.Fatalf("voting opened with unreviewed projects: %v", err)
	}
	for _, n := range []string{"a", "b", "c"} {
		if err := f.s.ReviewProject(ctx, f.beleid, ids[n], participation.Haalbaar, "", 0); err == nil {
			t.Fatal("feasible without a cost")
		}
		cost := map[string]casework.Cents{"a": 600000, "b": 500000, "c": 300000}[n]
		if err := f.s.ReviewProject(ctx, f.beleid, ids[n], participation.Haalbaar, "", cost); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.s.ReviewProject(ctx, f.beleid, ids["d"], participation.NietHaalbaar, "  ", 0); err == nil {
		t.Fatal("not feasible without a reason")
	}
	if err := f.s.ReviewProject(ctx, f.beleid, ids["d"], participation.NietHaalbaar, "De grond is van de provincie.", 0); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AdvanceWijkbudget(ctx, f.beleid, b.ID, participation.PhaseStemmen); err != nil {
		t.Fatal(err)
	}
	b, _, err := f.s.Wijkbudget(ctx, b.ID)
	if err != nil || b.Phase != participation.PhaseStemmen {
		t.Fatalf("%v %+v", err, b)
	}
	return b, ids
}

func TestWijkbudgetVoteFromProposalToPublishedResult(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := voteSetup(t, s)
		// Only managers of the wijk open a vote.
		other := participation.Budget{Wijk: "WK011902", Title: "X", Amount: 100, Rule: participation.RuleKnapsack}
		if err := s.CreateWijkbudget(ctx, f.coordA, &other); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("coordinator of another wijk opened a vote: %v", err)
		}
		if err := s.CreateWijkbudget(ctx, f.beheer, &other); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beheer opened a vote: %v", err)
		}
		// A resident proposes while proposals are open; a resident of another wijk cannot.
		res1 := resident(t, s, "res1", "GM0119", "WK011901", true)
		b0 := participation.Budget{Wijk: "WK011901", Title: "Ideeën", Amount: 500000, Rule: participation.RuleKnapsack}
		if err := s.CreateWijkbudget(ctx, f.coordA, &b0); err != nil {
			t.Fatal(err)
		}
		if err := s.ProposeProject(ctx, store.Actor{P: res1}, b0.ID, &participation.Project{Title: "Bankje", Description: "Bij de vijver", Cost: 80000}); err != nil {
			t.Fatal(err)
		}
		elsewhere := resident(t, s, "res-elders", "GM0119", "WK011902", true)
		if err := s.ProposeProject(ctx, store.Actor{P: elsewhere}, b0.ID, &participation.Project{Title: "X", Description: "Y", Cost: 1}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("resident of another wijk proposed: %v", err)
		}

		b, ids := openVote(t, f, participation.RuleKnapsack)
		voters := []*auth.Principal{res1}
		for i := 2; i <= 6; i++ {
			voters = append(voters, resident(t, s, fmt.Sprintf("res%d", i), "GM0119", "WK011901", true))
		}
		unverified := resident(t, s, "res-unverified", "GM0119", "WK011901", false)
		for _, p := range []*auth.Principal{unverified, elsewhere, f.beleid.P} {
			if err := s.CastBallot(ctx, p, b.ID, []string{ids["c"]}); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s voted: %v", p.UserID, err)
			}
		}
		// Over the budget, or a project not on the ballot: refused, naming the field.
		for _, bad := range [][]string{{ids["a"], ids["b"]}, {ids["d"]}, {}} {
			if err := s.CastBallot(ctx, res1, b.ID, bad); err == nil {
				t.Fatalf("ballot %v accepted", bad)
			} else if fe, ok := people.AsFieldErrors(err); !ok || fe.For("projecten") == "" {
				t.Fatalf("ballot %v: %v", bad, err)
			}
		}
		choices := [][]string{{"a", "c"}, {"a", "c"}, {"a"}, {"b", "c"}, {"b"}, {"c"}}
		for i, v := range voters {
			var ch []string
			for _, n := range choices[i] {
				ch = append(ch, ids[n])
			}
			if err := s.CastBallot(ctx, v, b.ID, ch); err != nil {
				t.Fatal(err)
			}
		}
		// res6 changes their mind, then withdraws and votes again.
		if err := s.CastBallot(ctx, voters[5], b.ID, []string{ids["b"], ids["c"]}); err != nil {
			t.Fatal(err)
		}
		mine, ok, err := s.MyBallot(ctx, voters[5], b.ID)
		want := []string{ids["b"], ids["c"]}
		sort.Strings(want)
		if err != nil || !ok || fmt.Sprint(mine) != fmt.Sprint(want) {
			t.Fatalf("own ballot %v %v %v", mine, ok, err)
		}
		if err := s.WithdrawBallot(ctx, voters[5], b.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.MyBallot(ctx, voters[5], b.ID); ok {
			t.Fatal("withdrawn ballot still there")
		}
		if err := s.CastBallot(ctx, voters[5], b.ID, []string{ids["b"], ids["c"]}); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.WijkbudgetTurnout(ctx, b.ID); n != 6 {
			t.Fatalf("turnout %d", n)
		}
		// Every verified resident of the wijk hears of the vote; nobody else.
		if n, err := s.NotifyWijkbudget(ctx, b.ID, "wijkbudget-stemmen", "Stemmen: "+b.Title, "Het stemmen is begonnen."); err != nil || n != 6 {
			t.Fatalf("notified %d: %v", n, err)
		}
		// Nobody sees a count while voting runs.
		if _, err := s.CountWijkbudget(ctx, f.beleid.P, b.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("count during voting: %v", err)
		}
		// Paper ballots: entered by A, confirmed by B, never by A.
		paper, err := s.EnterPaperBallot(ctx, f.coordA, b.ID, []string{ids["b"]})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EnterPaperBallot(ctx, f.beleid, b.ID, []string{ids["b"]}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beleid entered paper: %v", err)
		}
		if err := s.ConfirmPaperBallot(ctx, f.coordA, paper); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("own paper ballot confirmed: %v", err)
		}
		wrong, err := s.EnterPaperBallot(ctx, f.coordA, b.ID, []string{ids["a"]})
		if err != nil {
			t.Fatal(err)
		}
		late, err := s.EnterPaperBallot(ctx, f.coordA, b.ID, []string{ids["b"], ids["c"]})
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.PaperBallots(ctx, f.coordB, b.ID)
		if err != nil || len(list.Pending) != 3 || list.Confirmed != 0 || list.Pending[0].Mine {
			t.Fatalf("paper list %+v %v", list, err)
		}
		if err := s.ConfirmPaperBallot(ctx, f.coordB, paper); err != nil {
			t.Fatal(err)
		}
		if err := s.ConfirmPaperBallot(ctx, f.coordB, paper); !errs.Is(err, errs.Conflict) {
			t.Fatalf("confirmed twice: %v", err)
		}
		if err := s.DiscardPaperBallot(ctx, f.coordB, wrong); err != nil {
			t.Fatal(err)
		}
		// Close; online ballots are frozen; the pending paper ballot blocks publishing.
		if err := s.AdvanceWijkbudget(ctx, f.coordA, b.ID, participation.PhaseUitslag); err != nil {
			t.Fatal(err)
		}
		if err := s.CastBallot(ctx, voters[0], b.ID, []string{ids["b"]}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("voted after closing: %v", err)
		}
		if _, err := s.PublishWijkbudget(ctx, f.beleid, b.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("published with a paper ballot pending: %v", err)
		}
		if err := s.ConfirmPaperBallot(ctx, f.coordB, late); err != nil {
			t.Fatal(err)
		}
		// Those who manage see the count before publishing; residents do not.
		if _, err := s.CountWijkbudget(ctx, res1, b.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("resident saw the count early: %v", err)
		}
		before, err := s.CountWijkbudget(ctx, f.beleid.P, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.PublishWijkbudget(ctx, f.beleid, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Online: a 3, c 4 (res1, res2, res4, res6), b 3 (res4, res5, res6); paper: b 2, c 1.
		votes := map[string]int{}
		for _, row := range res.Rows {
			votes[row.Project.Title] = row.Votes
		}
		if res.Ballots != 8 || votes["Project a"] != 3 || votes["Project b"] != 5 || votes["Project c"] != 5 {
			t.Fatalf("result %d ballots, %v", res.Ballots, votes)
		}
		// c (5, cheaper) and b (5) win: 8000; a (6000) no longer fits.
		var winners []string
		for _, w := range res.Winners() {
			winners = append(winners, w.Project.Title)
		}
		if fmt.Sprint(winners) != "[Project c Project b]" || res.Spent != 800000 || res.Spent > b.Amount {
			t.Fatalf("winners %v spent %v", winners, res.Spent)
		}
		if summary(before) != summary(res) {
			t.Fatal("the count before publishing differs from the published one")
		}
		// The published result equals a recount from the stored ballots, and
		// the stored counts equal both; anyone may see it now.
		recount, err := s.CountWijkbudget(ctx, nil, b.ID)
		if err != nil || summary(recount) != summary(res) {
			t.Fatalf("recount differs: %v", err)
		}
		pb, ps, err := s.Wijkbudget(ctx, b.ID)
		if err != nil || !pb.IsPublished() {
			t.Fatalf("%v %+v", err, pb)
		}
		for _, p := range ps {
			if p.OnBallot() && (p.Votes != votes[p.Title] || p.Winner != (p.Title == "Project b" || p.Title == "Project c")) {
				t.Fatalf("stored %s: %d votes winner %v", p.Title, p.Votes, p.Winner)
			}
		}
		if _, err := s.PublishWijkbudget(ctx, f.beleid, b.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("published twice: %v", err)
		}
		// The winners are on the wijkagenda, with their cost as budget.
		items, err := s.Agenda(ctx, "WK011901")
		if err != nil {
			t.Fatal(err)
		}
		onAgenda := map[string]casework.Cents{}
		for _, it := range items {
			if it.Origin == participation.OriginWijkbudget {
				onAgenda[it.Title] = it.Budget
			}
		}
		if len(onAgenda) != 2 || onAgenda["Project b"] != 500000 || onAgenda["Project c"] != 300000 {
			t.Fatalf("agenda: %v", onAgenda)
		}
		for _, p := range ps {
			if p.Winner != (p.AgendaItemID != "") {
				t.Fatalf("%s: winner %v, agenda item %q", p.Title, p.Winner, p.AgendaItemID)
			}
		}
	})
}

// Many requests for the same resident at once: exactly one ballot remains,
// and it is one of the ballots sent, whole.
func TestConcurrentBallotsLeaveExactlyOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := voteSetup(t, s)
		b, ids := openVote(t, f, participation.RuleApprove)
		r := resident(t, s, "res1", "GM0119", "WK011901", true)
		other := resident(t, s, "res2", "GM0119", "WK011901", true)
		options := [][]string{{ids["a"], ids["b"]}, {ids["c"]}, {ids["a"], ids["c"]}, {ids["b"]}}
		var wg sync.WaitGroup
		errc := make(chan error, 40)
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				p := r
				if i%4 == 3 {
					p = other
				}
				for {
					err := s.CastBallot(ctx, p, b.ID, options[i%len(options)])
					if errs.Is(err, errs.Unavailable) {
						continue // SQLite busy: the client tries again
					}
					errc <- err
					return
				}
			}(i)
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := s.WijkbudgetTurnout(ctx, b.ID); n != 2 {
			t.Fatalf("%d ballots for two residents", n)
		}
		mine, ok, err := s.MyBallot(ctx, r, b.ID)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		whole := false
		for _, o := range options[:3] {
			w := append([]string(nil), o...)
			sort.Strings(w)
			whole = whole || fmt.Sprint(w) == fmt.Sprint(mine)
		}
		if !whole {
			t.Fatalf("ballot %v is a mix of requests", mine)
		}
		// The database itself refuses a second ballot row for a voter.
		voters, err := store.StringsForTest(ctx, s, "SELECT voter FROM ballots WHERE budget_id = ?", b.ID)
		if err != nil || len(voters) != 2 {
			t.Fatal(voters, err)
		}
		if err := store.ExecForTest(ctx, s, "INSERT INTO ballots (budget_id, voter) VALUES (?, ?)", b.ID, voters[0]); err == nil {
			t.Fatal("a second ballot row for one voter was stored")
		}
	})
}

// Nobody can see from the data how a named resident voted: the ballot
// carries a keyed pseudonym, no user id, no time; casting writes no audit
// record. A deleted account's ballot stays counted.
func TestBallotSecrecy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := voteSetup(t, s)
		b, ids := openVote(t, f, participation.RuleKnapsack)
		r := resident(t, s, "resident-secret-id", "GM0119", "WK011901", true)
		if err := s.CastBallot(ctx, r, b.ID, []string{ids["c"]}); err != nil {
			t.Fatal(err)
		}
		voters, err := store.StringsForTest(ctx, s, "SELECT voter FROM ballots WHERE budget_id = ?", b.ID)
		if err != nil || len(voters) != 1 {
			t.Fatal(voters, err)
		}
		if strings.Contains(voters[0], r.UserID) || voters[0] == storetest.Keys(t).Hash(r.UserID, b.ID) {
			t.Fatalf("voter column links to the user: %q", voters[0])
		}
		if voters[0] != storetest.Keys(t).Pseudonym(r.UserID, b.ID) {
			t.Fatal("voter is not the keyed pseudonym")
		}
		recs, err := s.SearchAudit(ctx, f.beheer.P, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			if rec.UserID == r.UserID || rec.RecordID == voters[0] {
				t.Fatalf("audit record links the voter: %+v", rec)
			}
		}
		// Another voter cannot read this ballot through MyBallot.
		other := resident(t, s, "other", "GM0119", "WK011901", true)
		if _, ok, _ := s.MyBallot(ctx, other, b.ID); ok {
			t.Fatal("someone else's ballot is visible")
		}
		// The account goes; the ballot stays and is counted.
		if err := store.ExecForTest(ctx, s, "DELETE FROM users WHERE id = ?", r.UserID); err != nil {
			t.Fatal(err)
		}
		if err := s.AdvanceWijkbudget(ctx, f.beleid, b.ID, participation.PhaseUitslag); err != nil {
			t.Fatal(err)
		}
		res, err := s.PublishWijkbudget(ctx, f.beleid, b.ID)
		if err != nil || res.Ballots != 1 || res.Winners()[0].Project.ID != ids["c"] {
			t.Fatalf("%+v %v", res, err)
		}
	})
}

// No ballot after the last day of voting, even before a manager closes it.
func TestNoBallotAfterTheLastDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := voteSetup(t, s)
		b := participation.Budget{Wijk: "WK011901", Title: "Kort", Amount: 1000, Rule: participation.RuleKnapsack,
			VoteFrom: people.MustDate("2026-03-01"), VoteUntil: people.MustDate("2026-03-31")}
		if err := s.CreateWijkbudget(ctx, f.beleid, &b); err != nil {
			t.Fatal(err)
		}
		p := participation.Project{Title: "P", Description: "D", Cost: 500}
		if err := s.ProposeProject(ctx, f.beleid, b.ID, &p); err != nil {
			t.Fatal(err)
		}
		if err := s.ReviewProject(ctx, f.beleid, p.ID, participation.Haalbaar, "", 500); err != nil {
			t.Fatal(err)
		}
		for _, ph := range []participation.Phase{participation.PhaseBeoordeling, participation.PhaseStemmen} {
			if err := s.AdvanceWijkbudget(ctx, f.beleid, b.ID, ph); err != nil {
				t.Fatal(err)
			}
		}
		r := resident(t, s, "res1", "GM0119", "WK011901", true)
		if err := s.At(time.Date(2026, 3, 31, 21, 0, 0, 0, time.UTC)).CastBallot(ctx, r, b.ID, []string{p.ID}); err != nil {
			t.Fatal(err) // 22:00 in Amsterdam on the last day
		}
		if err := s.At(time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC)).CastBallot(ctx, r, b.ID, []string{p.ID}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("ballot after the last day: %v", err)
		}
	})
}

// summary is a result without the project details that publishing fills in.
func summary(r participation.Result) string {
	out := fmt.Sprintf("%d ballots, %v spent:", r.Ballots, r.Spent)
	for _, row := range r.Rows {
		out += fmt.Sprintf(" %s=%d/%v/%v", row.Project.ID, row.Votes, row.Winner, row.Skipped)
	}
	return out
}

// The monitor's participation figures: accounts who could vote now, and
// the last published vote with the ballots counted at publication; scoped
// to the gemeente.
func TestWijkParticipationFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := voteSetup(t, s)
		if p, err := s.WijkParticipation(ctx, "GM0119", "WK011901"); err != nil || p.LastVote != nil || p.Accounts != 0 {
			t.Fatalf("empty wijk: %+v %v", p, err)
		}
		b, ids := openVote(t, f, participation.RuleKnapsack)
		var voters []*auth.Principal
		for i := 0; i < 3; i++ {
			voters = append(voters, resident(t, s, fmt.Sprintf("r%d", i), "GM0119", "WK011901", true))
		}
		resident(t, s, "unverified", "GM0119", "WK011901", false)
		resident(t, s, "elsewhere", "GM0119", "WK011902", true)
		for _, v := range voters[:2] {
			if err := s.CastBallot(ctx, v, b.ID, []string{ids["a"]}); err != nil {
				t.Fatal(err)
			}
		}
		if p, err := s.WijkParticipation(ctx, "GM0119", "WK011901"); err != nil || p.LastVote != nil || p.Accounts != 3 {
			t.Fatalf("a running vote is not a result: %+v %v", p, err)
		}
		if err := s.AdvanceWijkbudget(ctx, f.beleid, b.ID, participation.PhaseUitslag); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PublishWijkbudget(ctx, f.beleid, b.ID); err != nil {
			t.Fatal(err)
		}
		p, err := s.WijkParticipation(ctx, "GM0119", "WK011901")
		if err != nil || p.LastVote == nil || p.LastVote.Ballots != 2 || p.LastVote.Title != "Wijkbudget Oost" || p.LastVote.Published.IsZero() || p.AgendaItems != 1 {
			t.Fatalf("after publishing: %+v %+v %v", p, p.LastVote, err)
		}
		if p, err := s.WijkParticipation(ctx, "GM0392", "WK011901"); err != nil || p.LastVote != nil || p.AgendaItems != 0 || p.Accounts != 0 {
			t.Fatalf("another gemeente: %+v %v", p, err)
		}
	})
}

package demo

import (
	"context"
	"fmt"
	"testing"

	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
)

func TestVotes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	steps := []Step{AreasStep{}, UsersStep{}, ResidentsStep{}, WishesStep{}, VotesStep{}}
	// (UsersStep makes two wijkcoordinators: the second pair of eyes on paper ballots.)
	w, st, _ := generate(t, Config{Seed: 3, Households: 40}, steps...)
	cw := CoordinatorWijken(w)
	summary := func() string {
		out := ""
		for _, wk := range cw {
			bs, err := st.Wijkbudgets(ctx, wk)
			if err != nil || len(bs) != 1 {
				t.Fatalf("wijk %s: %d votes, %v", wk, len(bs), err)
			}
			b, ps, _ := st.Wijkbudget(ctx, bs[0].ID)
			n, _ := st.WijkbudgetTurnout(ctx, b.ID)
			out += fmt.Sprintf("%s %s %s %v %d;", wk, b.ID, b.Phase, b.IsPublished(), n)
			for _, p := range ps {
				out += fmt.Sprintf(" %s=%s/%d/%v", p.ID, p.Review, p.Votes, p.Winner)
			}
		}
		return out
	}
	// A running vote in the first wijk, with ballots from all residents but one.
	run, _ := st.Wijkbudgets(ctx, cw[0])
	if len(run) != 1 || run[0].Phase != participation.PhaseStemmen || !run[0].VotingOpen(at(w.Config.Today, 12*60)) {
		t.Fatalf("running vote: %+v", run)
	}
	if n, _ := st.WijkbudgetTurnout(ctx, run[0].ID); n != 3+2 { // three online, two on paper confirmed
		t.Fatalf("running vote has %d ballots", n)
	}
	// One paper ballot waits for the second pair of eyes: entered by the
	// second coordinator, so the printed wijkcoordinator login may confirm it.
	coordIn := func(st *store.Store) store.Actor {
		u, err := st.UserByEmail(ctx, LoginEmail(w.Gemeente.Naam, "wijkcoordinator"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.Principal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return store.Actor{P: p, Purpose: "test"}
	}
	paper, err := st.PaperBallots(ctx, coordIn(st), run[0].ID)
	if err != nil || paper.Confirmed != 2 || len(paper.Pending) != 1 || paper.Pending[0].Mine || len(paper.Pending[0].Choices) == 0 {
		t.Fatalf("paper ballots of the running vote: %+v %v", paper, err)
	}

	// A published result in the second, with winners on the agenda.
	done, _ := st.Wijkbudgets(ctx, cw[1])
	if len(done) != 1 || !done[0].IsPublished() {
		t.Fatalf("finished vote: %+v", done)
	}
	res, err := st.CountWijkbudget(ctx, nil, done[0].ID)
	if err != nil || res.Ballots != 4+2 || len(res.Winners()) == 0 || res.Spent > done[0].Amount {
		t.Fatalf("result %+v %v", res, err)
	}
	items, _ := st.Agenda(ctx, cw[1])
	fromVote := 0
	for _, it := range items {
		if it.Origin == participation.OriginWijkbudget {
			fromVote++
		}
	}
	if fromVote != len(res.Winners()) {
		t.Fatalf("%d agenda items from the vote, %d winners", fromVote, len(res.Winners()))
	}
	// The same seed gives the same votes, ids and counts included.
	first := summary()
	_, st2, _ := generate(t, Config{Seed: 3, Households: 40}, steps...)
	st = st2
	if again := summary(); again != first {
		t.Fatalf("not repeatable:\n%s\n%s", first, again)
	}
	// The waiting paper ballot has the same id in the second world, and the
	// demo's coordinator login confirms it there.
	if err := st.ConfirmPaperBallot(ctx, coordIn(st), paper.Pending[0].ID); err != nil {
		t.Fatalf("the demo coordinator cannot confirm the waiting paper ballot: %v", err)
	}
}

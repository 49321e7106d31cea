package demo

import (
	"context"
	"fmt"
	"testing"

	"naober.nl/naober/internal/participation"
)

func TestVotes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	steps := []Step{AreasStep{}, UsersStep{}, ResidentsStep{}, WishesStep{}, VotesStep{}}
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
	if n, _ := st.WijkbudgetTurnout(ctx, run[0].ID); n != 3 {
		t.Fatalf("running vote has %d ballots", n)
	}
	// A published result in the second, with winners on the agenda.
	done, _ := st.Wijkbudgets(ctx, cw[1])
	if len(done) != 1 || !done[0].IsPublished() {
		t.Fatalf("finished vote: %+v", done)
	}
	res, err := st.CountWijkbudget(ctx, nil, done[0].ID)
	if err != nil || res.Ballots != 4 || len(res.Winners()) == 0 || res.Spent > done[0].Amount {
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
}

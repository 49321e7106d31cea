package participation

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
)

func proj(id string, cost casework.Cents, at int) Project {
	return Project{ID: id, BudgetID: "b", Title: id, Cost: cost, Review: Haalbaar, ReviewedCost: cost,
		CreatedAt: time.Date(2026, 1, 1, 0, 0, at, 0, time.UTC)}
}

func TestCountGreedyByVotesSkipsWhatNoLongerFits(t *testing.T) {
	b := Budget{ID: "b", Amount: 10000, Rule: RuleKnapsack}
	ps := []Project{proj("a", 6000, 1), proj("b", 5000, 2), proj("c", 3000, 3), proj("d", 1000, 4), proj("e", 500, 5),
		{ID: "x", BudgetID: "b", Cost: 100, Review: NietHaalbaar, Reason: "geen grond"}}
	ballots := [][]string{{"a", "c", "d"}, {"a", "c"}, {"a"}, {"b", "c"}, {"b"}, {"x", "d"}}
	r := Count(b, ps, ballots)
	if r.Ballots != 6 {
		t.Fatalf("ballots %d", r.Ballots)
	}
	var got []string
	for _, row := range r.Rows {
		got = append(got, fmt.Sprintf("%s:%d:%v:%v", row.Project.ID, row.Votes, row.Winner, row.Skipped))
	}
	// a 3 votes wins (6000, 4000 left); c 3 votes but tie goes to... c is
	// cheaper than a, so c first: c wins (3000, 7000 left), a wins (6000, 1000
	// left); b (2) does not fit; d (2) fits; e has no votes.
	want := "[c:3:true:false a:3:true:false d:2:true:false b:2:false:true e:0:false:false]"
	if fmt.Sprint(got) != want {
		t.Fatalf("rows\n got %v\nwant %s", got, want)
	}
	if r.Spent != 10000 || r.Remaining != 0 {
		t.Fatalf("spent %v left %v", r.Spent, r.Remaining)
	}
}

func TestTiesAreBrokenByCostThenAgeThenID(t *testing.T) {
	b := Budget{ID: "b", Amount: 1000, Rule: RuleApprove, MaxChoices: 3}
	ps := []Project{proj("z", 1000, 1), proj("y", 1000, 1), proj("x", 1000, 0)}
	r := Count(b, ps, [][]string{{"x", "y", "z"}})
	if r.Rows[0].Project.ID != "x" || r.Rows[1].Project.ID != "y" || !r.Rows[0].Winner || r.Rows[1].Winner {
		t.Fatalf("tie order: %+v", r.Rows)
	}
}

func TestCheckBallot(t *testing.T) {
	ps := []Project{proj("a", 6000, 1), proj("b", 5000, 2), proj("c", 3000, 3),
		{ID: "x", BudgetID: "b", Cost: 100, Review: NietHaalbaar, Reason: "nee"}, {ID: "u", BudgetID: "b", Cost: 100}}
	knap := Budget{ID: "b", Amount: 10000, Rule: RuleKnapsack}
	appr := Budget{ID: "b", Amount: 10000, Rule: RuleApprove, MaxChoices: 2}
	cases := []struct {
		b      Budget
		choice []string
		ok     bool
	}{
		{knap, []string{"a", "c"}, true},
		{knap, []string{"a", "b"}, false}, // 11000 > 10000
		{knap, []string{"a", "a", "c"}, true},
		{knap, nil, false},
		{knap, []string{"x"}, false}, // not feasible: not on the ballot
		{knap, []string{"u"}, false}, // not reviewed
		{knap, []string{"q"}, false},
		{appr, []string{"a", "b"}, true}, // cost does not matter
		{appr, []string{"a", "b", "c"}, false},
	}
	for i, c := range cases {
		got, err := CheckBallot(c.b, ps, c.choice)
		if (err == nil) != c.ok {
			t.Errorf("case %d %v: err %v", i, c.choice, err)
		}
		if err == nil && !sort.StringsAreSorted(got) {
			t.Errorf("case %d: not sorted %v", i, got)
		}
	}
}

func TestCheckReviewNeedsReasonWhenNotFeasible(t *testing.T) {
	b := Budget{Amount: 5000}
	if _, err := CheckReview(b, NietHaalbaar, "  ", 0); err == nil {
		t.Fatal("no reason accepted")
	}
	if _, err := CheckReview(b, Haalbaar, "", 6000); err == nil {
		t.Fatal("cost above the budget accepted")
	}
	if _, err := CheckReview(b, Haalbaar, "", 0); err == nil {
		t.Fatal("zero cost accepted")
	}
	if r, err := CheckReview(b, NietHaalbaar, " te duur onderhoud ", 0); err != nil || r != "te duur onderhoud" {
		t.Fatalf("%q %v", r, err)
	}
	if _, err := CheckReview(b, "", "", 10); err == nil {
		t.Fatal("no verdict accepted")
	}
}

func TestVotingOpen(t *testing.T) {
	b := Budget{Phase: PhaseStemmen, VoteFrom: people.MustDate("2026-03-01"), VoteUntil: people.MustDate("2026-03-31")}
	at := func(s string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", s, people.Amsterdam())
		return t
	}
	for s, want := range map[string]bool{"2026-02-28 23:59": false, "2026-03-01 00:00": true, "2026-03-31 23:59": true, "2026-04-01 00:00": false} {
		if got := b.VotingOpen(at(s)); got != want {
			t.Errorf("%s: %v", s, got)
		}
	}
	b.Phase = PhaseUitslag
	if b.VotingOpen(at("2026-03-15 12:00")) {
		t.Fatal("open after closing")
	}
}

func TestBudgetValidate(t *testing.T) {
	b := Budget{Wijk: "WK011901", Title: " Groen ", Amount: 2500000, Rule: RuleApprove}
	fe, _ := people.AsFieldErrors(b.Validate())
	if fe.For("max_keuzes") == "" {
		t.Fatal("approve without N accepted")
	}
	b.MaxChoices = 3
	if err := b.Validate(); err != nil || b.Title != "Groen" || b.Phase != PhaseVoorstellen {
		t.Fatalf("%v %+v", err, b)
	}
	if PhaseVoorstellen.Next() != PhaseBeoordeling || PhaseUitslag.Next() != "" {
		t.Fatal("phase order")
	}
}

// Property: for random projects and valid ballots, the counts equal a
// naive recount, the winners never exceed the budget, every winner and
// skipped project obeys the greedy rule, and the order is deterministic.
func TestCountProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 2026))
	for iter := 0; iter < 500; iter++ {
		amount := casework.Cents(1 + rng.IntN(1_000_000))
		b := Budget{ID: "b", Amount: amount, Rule: RuleKnapsack}
		if rng.IntN(2) == 0 {
			b.Rule, b.MaxChoices = RuleApprove, 1+rng.IntN(5)
		}
		n := 1 + rng.IntN(12)
		var ps []Project
		for i := 0; i < n; i++ {
			p := proj(fmt.Sprintf("p%02d", i), casework.Cents(1+rng.Int64N(int64(amount))), rng.IntN(5))
			if rng.IntN(6) == 0 {
				p.Review, p.Reason = NietHaalbaar, "nee"
			}
			ps = append(ps, p)
		}
		var ballots [][]string
		for v := rng.IntN(60); v > 0; v-- {
			var choice []string
			for _, p := range ps {
				if rng.IntN(3) == 0 {
					choice = append(choice, p.ID)
				}
			}
			c, err := CheckBallot(b, ps, choice)
			if err != nil {
				continue // a ballot the form would refuse
			}
			ballots = append(ballots, c)
		}
		r := Count(b, ps, ballots)
		// Recount naively.
		want := map[string]int{}
		for _, bal := range ballots {
			for _, id := range bal {
				want[id]++
			}
		}
		var spent casework.Cents
		left := amount
		for i, row := range r.Rows {
			if row.Votes != want[row.Project.ID] {
				t.Fatalf("iter %d: %s has %d votes, recount %d", iter, row.Project.ID, row.Votes, want[row.Project.ID])
			}
			if !row.Project.OnBallot() {
				t.Fatalf("iter %d: %s is not on the ballot", iter, row.Project.ID)
			}
			if i > 0 && rankBefore(row, r.Rows[i-1]) {
				t.Fatalf("iter %d: order broken at %d", iter, i)
			}
			switch {
			case row.Winner:
				if row.Votes == 0 || row.Cost > left {
					t.Fatalf("iter %d: %s wins without fitting", iter, row.Project.ID)
				}
				left -= row.Cost
				spent += row.Cost
			case row.Votes > 0 && row.Cost <= left:
				t.Fatalf("iter %d: %s fits but does not win", iter, row.Project.ID)
			}
		}
		if spent != r.Spent || spent > amount || r.Remaining != amount-spent || r.Ballots != len(ballots) {
			t.Fatalf("iter %d: spent %v (reported %v) of %v", iter, spent, r.Spent, amount)
		}
		// The order of ballots or projects does not change the result.
		rng.Shuffle(len(ballots), func(i, j int) { ballots[i], ballots[j] = ballots[j], ballots[i] })
		rng.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
		if r2 := Count(b, ps, ballots); fmt.Sprint(r2) != fmt.Sprint(r) {
			t.Fatalf("iter %d: result depends on order", iter)
		}
	}
}

func TestMayManage(t *testing.T) {
	beleid := &auth.Principal{Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Beleid}}}
	coord := &auth.Principal{Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Wijkcoordinator}}, Wijken: []string{"WK011901"}}
	if !MayManage(beleid, "GM0119", "WK011902") || MayManage(beleid, "GM0392", "WK039201") {
		t.Fatal("beleid")
	}
	if !MayManage(coord, "GM0119", "WK011901") || MayManage(coord, "GM0119", "WK011902") {
		t.Fatal("coordinator")
	}
	if MayEnterPaper(beleid, "GM0119", "WK011901") || !MayEnterPaper(coord, "GM0119", "WK011901") || MayManage(nil, "GM0119", "") {
		t.Fatal("paper")
	}
}

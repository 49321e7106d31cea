package demo

import (
	"context"
	"fmt"
	"testing"

	"naober.nl/naober/internal/store"
)

func TestVoorElkaarMarket(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	steps := []Step{AreasStep{}, HouseholdsStep{}, UsersStep{}, ResidentsStep{}, TeamsStep{}, CaseworkStep{}, VoorElkaarStep{}}
	cfg := Config{Seed: 7, Households: 150}
	summary := func(w *World, st *store.Store) (string, store.HelpStats, store.HelpStats) {
		cw := CoordinatorWijken(w)
		var out string
		var stats []store.HelpStats
		for _, wk := range cw {
			reqs, offers, err := st.PublicHelp(ctx, w.Gemeente.Code, wk)
			if err != nil {
				t.Fatal(err)
			}
			s, err := st.HelpStatsFor(ctx, w.Gemeente.Code, wk)
			if err != nil {
				t.Fatal(err)
			}
			stats = append(stats, s)
			out += fmt.Sprintf("%s %+v;", wk, s)
			for _, r := range reqs {
				out += " r" + r.ID + r.Status
			}
			for _, o := range offers {
				out += " o" + o.ID
			}
		}
		return out, stats[0], stats[1]
	}
	w, st, _ := generate(t, cfg, steps...)
	got, a, b := summary(w, st)
	// Both coordinator wijken have a market: open requests and offers,
	// matched ones, one done with feedback, and prescriptions.
	if a.Requests < 3 || a.Offers < 2 || a.Matched < 1 || a.Done < 1 || b.Requests < 2 || b.Matched < 1 {
		t.Fatalf("market: %s", got)
	}
	if a.Prescribed+b.Prescribed != 3 || a.PrescribedMatched+b.PrescribedMatched != 2 {
		t.Fatalf("prescriptions: %s", got)
	}
	// Organisations post in several wijken: the buurthuis's offer is listed
	// in the coordinator's first wijk under its name, without a first name.
	_, offers, err := st.PublicHelp(ctx, w.Gemeente.Code, CoordinatorWijken(w)[0])
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range offers {
		if o.Organisation == "Buurthuis De Linde" {
			found = o.Name() == "Buurthuis De Linde" && o.FirstName == ""
		}
	}
	if !found {
		t.Fatalf("the buurthuis's offer is not listed by its name: %+v", offers)
	}
	orgWijken := map[string]bool{}
	for _, wk := range w.Wijken {
		s, err := st.HelpStatsFor(ctx, w.Gemeente.Code, wk.Code)
		if err != nil {
			t.Fatal(err)
		}
		if s.OrgRequests+s.OrgOffers > 0 {
			orgWijken[wk.Code] = true
		}
	}
	if len(orgWijken) < 3 {
		t.Fatalf("organisations post in %d wijken", len(orgWijken))
	}
	// The first resident (the printed login) has nothing yet, and an open
	// request of a neighbour waits in their wijk.
	p, err := st.Principal(ctx, w.Residents[0].UserID)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := st.HelpOf(ctx, p)
	if err != nil || len(mine.Requests)+len(mine.Offers)+len(mine.Matches) != 0 {
		t.Fatalf("the first resident: %+v %v", mine, err)
	}
	w2, st2, _ := generate(t, cfg, steps...)
	if again, _, _ := summary(w2, st2); again != got {
		t.Fatalf("the same seed gave another market:\n%s\n%s", got, again)
	}
}

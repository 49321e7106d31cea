package demo

import (
	"context"
	"testing"

	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
)

func TestWishesAndAgenda(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	steps := []Step{AreasStep{}, UsersStep{}, ResidentsStep{}, WishesStep{}}
	w, st, _ := generate(t, Config{Seed: 3, Households: 40}, steps...)
	cw := CoordinatorWijken(w)
	wijken := map[string]bool{}
	for _, r := range w.Residents {
		wijken[r.Wijk] = true
	}
	var ids []string
	for wk := range wijken {
		list, err := st.Wishes(ctx, wk, store.WishFilter{})
		if err != nil || len(list) < 2 {
			t.Fatalf("wijk %s: %d wishes, %v", wk, len(list), err)
		}
		for _, x := range list {
			ids = append(ids, x.ID)
		}
	}
	if len(wijken) < 3 {
		t.Fatalf("wishes in %d wijken", len(wijken))
	}
	for _, wk := range cw {
		c, err := st.WishCounts(ctx, wk)
		if err != nil || c.Supports == 0 || c.AgendaItems < 3 {
			t.Fatalf("coordinator wijk %s: %+v %v", wk, c, err)
		}
		list, _ := st.Wishes(ctx, wk, store.WishFilter{})
		statuses := map[string]bool{}
		for _, x := range list {
			statuses[x.Status] = true
		}
		if !statuses[participation.StatusNietHaalbaar] || !statuses[participation.StatusOpDeAgenda] {
			t.Fatalf("wijk %s statuses %v", wk, statuses)
		}
	}
	if hidden, _ := st.Wishes(ctx, cw[0], store.WishFilter{Hidden: true}); len(hidden) != 1 {
		t.Fatalf("hidden wishes %d", len(hidden))
	}
	// The same seed gives the same wishes (ids included).
	w2, st2, _ := generate(t, Config{Seed: 3, Households: 40}, steps...)
	_ = w2
	for _, id := range ids {
		if _, err := st2.Wish(ctx, nil, id); err != nil {
			t.Fatalf("wish %s not made again with the same seed: %v", id, err)
		}
	}
}

package demo

import (
	"context"
	"fmt"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
)

func TestMeetings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	steps := []Step{AreasStep{}, UsersStep{}, ResidentsStep{}, MeetingsStep{}}
	w, st, _ := generate(t, Config{Seed: 3, Households: 40}, steps...)
	cw := CoordinatorWijken(w)
	now := at(w.Config.Today, 12*60)
	summary := func(st *store.Store) string {
		out := ""
		for _, wk := range cw {
			up, err := st.WijkMeetings(ctx, wk, now)
			if err != nil || len(up) != 1 {
				t.Fatalf("wijk %s: %d coming meetings, %v", wk, len(up), err)
			}
			past, err := st.PastWijkMeetings(ctx, wk, now, 5)
			if err != nil || len(past) != 1 || past[0].Report == "" {
				t.Fatalf("wijk %s: past meetings %+v %v", wk, past, err)
			}
			for _, m := range append(up, past...) {
				out += fmt.Sprintf("%s %s %s %d/%d/%d;", wk, m.ID, m.Start.Format("2006-01-02T15:04"), m.Capacity, m.Registered, m.Waiting)
			}
		}
		return out
	}
	first := summary(st)
	// The first wijk's coming meeting has room, and its first resident is
	// not registered (the visitor's turn); the second's is full with a
	// waiting list.
	open, _ := st.WijkMeetings(ctx, cw[0], now)
	if open[0].Left() < 1 || !open[0].Open(now) {
		t.Fatalf("open meeting: %+v", open[0])
	}
	first0 := w.Residents[0]
	if first0.Wijk != cw[0] {
		t.Fatalf("the first resident lives in %s, not %s", first0.Wijk, cw[0])
	}
	if _, ok, _ := st.MyRegistration(ctx, &auth.Principal{UserID: first0.UserID}, open[0].ID); ok {
		t.Fatal("the first resident is already registered")
	}
	full, _ := st.WijkMeetings(ctx, cw[1], now)
	if full[0].Left() != 0 || full[0].Waiting < 1 {
		t.Fatalf("full meeting: %d left, %d waiting", full[0].Left(), full[0].Waiting)
	}
	// A netwerkcafé with professionals registered.
	var beleid *auth.Principal
	for _, l := range w.Logins {
		if l.Role == auth.Beleid {
			u, _ := st.UserByEmail(ctx, l.Email)
			beleid, _ = st.Principal(ctx, u.ID)
		}
	}
	nw, _, err := st.NetworkMeetings(ctx, beleid, now)
	if err != nil || len(nw) != 1 || nw[0].Kind != participation.MeetingNetwerk || nw[0].Registered < 2 {
		t.Fatalf("network meetings: %+v %v", nw, err)
	}
	// The same seed gives the same meetings, ids and counts included.
	_, st2, _ := generate(t, Config{Seed: 3, Households: 40}, steps...)
	if again := summary(st2); again != first {
		t.Fatalf("not repeatable:\n%s\n%s", first, again)
	}
}

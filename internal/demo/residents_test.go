package demo

import (
	"context"
	"slices"
	"testing"

	"naober.nl/naober/internal/auth"
)

func TestResidentsAndCoordinator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	steps := []Step{AreasStep{}, UsersStep{}, ResidentsStep{}}
	w, st, sum := generate(t, Config{Seed: 3, Households: 40}, steps...)
	if len(sum.Residents) != 12 || len(sum.ResidentPassword) < 12 {
		t.Fatalf("residents %d, password %q", len(sum.Residents), sum.ResidentPassword)
	}
	cw := CoordinatorWijken(w)
	perWijk := map[string]int{}
	for _, r := range sum.Residents {
		perWijk[r.Wijk]++
		u, err := st.UserByEmail(ctx, r.Email)
		if err != nil || u.ID != r.UserID || !auth.VerifyPassword(u.PasswordHash, sum.ResidentPassword) {
			t.Fatalf("%s: %v", r.Email, err)
		}
		p, err := st.Principal(ctx, r.UserID)
		if err != nil || !p.ResidentOf(r.Wijk) || len(p.Grants) != 0 {
			t.Fatalf("%s: principal %+v %v", r.Email, p, err)
		}
	}
	if len(cw) != 2 || perWijk[cw[0]] != 4 || perWijk[cw[1]] != 4 || len(perWijk) != 6 {
		t.Fatalf("coordinator wijken %v, residents per wijk %v", cw, perWijk)
	}
	var coord string
	for _, l := range sum.Logins {
		if l.Role == auth.Wijkcoordinator {
			coord = l.Email
		}
	}
	u, err := st.UserByEmail(ctx, coord)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Principal(ctx, u.ID)
	sorted := slices.Sorted(slices.Values(cw))
	if err != nil || !slices.Equal(p.Wijken, sorted) || !p.CoordinatorOf("GM0119", cw[0]) {
		t.Fatalf("coordinator %+v %v", p, err)
	}
	// The same seed gives the same residents (ids, wijken), not the same password.
	w2, err := NewWorld(atlas(t), w.Config)
	if err != nil {
		t.Fatal(err)
	}
	sum2, err := w2.Run(ctx, nil, steps...)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sum.Residents {
		if sum.Residents[i] != sum2.Residents[i] {
			t.Fatalf("resident %d differs: %+v / %+v", i, sum.Residents[i], sum2.Residents[i])
		}
	}
}

package app

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"naober.nl/naober/internal/area"
)

func TestUserAddWijkcoordinator(t *testing.T) {
	db := filepath.Join(t.TempDir(), "naober.db")
	add := func(args ...string) error {
		return Run(context.Background(), append([]string{"user", "add", "--db", db, "--gemeente", "GM0119", "--email", "coord@meppel.nl", "--token"}, args...), noEnv, nil, io.Discard, io.Discard)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--role", "wijkcoordinator"}, "--wijk"},
		{[]string{"--role", "wijkcoordinator", "--wijk", "WK999999"}, "--wijk"},
		{[]string{"--role", "wijkcoordinator", "--wijk", "WK036301"}, "--wijk"}, // Amsterdam, not Meppel
		{[]string{"--role", "regisseur", "--wijk", "WK011901"}, "--wijk"},
	} {
		if err := add(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v", c.args, err)
		}
	}
	if err := add("--role", "wijkcoordinator", "--wijk", "wk011901, WK011902"); err != nil {
		t.Fatal(err)
	}
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	st, err := openStore(context.Background(), dbFlags{db: db}, atlas, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByEmail(context.Background(), "coord@meppel.nl")
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Principal(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !p.CoordinatorOf("GM0119", "WK011901") || !p.CoordinatorOf("GM0119", "WK011902") || p.CoordinatorOf("GM0119", "WK011903") {
		t.Fatalf("wijken %v grants %v", p.Wijken, p.Grants)
	}
}

// Package storetest opens fresh stores for tests: a SQLite file in a temp
// dir, and, when NAOBER_TEST_POSTGRES holds a DSN, a PostgreSQL schema of
// its own that is dropped afterwards.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/secret"
	"naober.nl/naober/internal/store"
)

// Keys returns fixed test keys.
func Keys(t testing.TB) *secret.Keys {
	k, err := secret.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// WijkGemeente derives the gemeente from the wijk code's digits; good
// enough for store tests, which do not load the map.
func WijkGemeente(w string) (string, bool) {
	if len(w) != 8 || !strings.HasPrefix(w, "WK") {
		return "", false
	}
	return "GM" + w[2:6], true
}

// Each runs fn against a fresh, migrated store per available database.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite opens a migrated store in a temp dir.
func SQLite(t testing.TB) *store.Store {
	return open(t, filepath.Join(t.TempDir(), "naober.db"))
}

// PostgresDSN returns a DSN for a fresh schema, dropped when the test ends,
// or skips the test with the reason when NAOBER_TEST_POSTGRES is unset.
func PostgresDSN(t testing.TB) string {
	base := os.Getenv("NAOBER_TEST_POSTGRES")
	if base == "" {
		t.Skip("NAOBER_TEST_POSTGRES is not set: PostgreSQL tests skipped (.ci/run sets it)")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on NAOBER_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres opens a migrated store on a fresh schema.
func Postgres(t testing.TB) *store.Store {
	return open(t, PostgresDSN(t))
}

func open(t testing.TB, dsn string) *store.Store {
	ctx := context.Background()
	s, err := store.Open(ctx, dsn, store.Options{Keys: Keys(t), WijkGemeente: WijkGemeente})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// ResidentPassword is the password of every resident Resident makes, for
// web tests that log in.
const ResidentPassword = "bewoner-wachtwoord-voor-tests"

var (
	residentHashOnce sync.Once
	residentHash     string
	residentSeq      atomic.Int64
)

// ResidentPostcode is the postcode Resident uses for a wijk: one per wijk,
// derived from its code ("WK011901" → "2901WK"-like, always valid).
func ResidentPostcode(wijk string) string {
	n := 0
	for _, c := range wijk {
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
		}
	}
	return fmt.Sprintf("%04dWK", 1000+n%9000)
}

// Resident makes a verified resident of the wijk and returns their
// principal (as a session would give it). The wijk's gemeente (from
// WijkGemeente) becomes a tenant if needed and the address table gets a
// row for ResidentPostcode(wijk). The e-mail address is unique per call;
// the password is ResidentPassword.
func Resident(t testing.TB, s *store.Store, wijk, name string) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	gm, ok := WijkGemeente(wijk)
	if !ok {
		t.Fatalf("storetest.Resident: %q is not a wijk code", wijk)
	}
	if err := s.EnsureTenant(ctx, gm, "Gemeente "+gm); err != nil {
		t.Fatal(err)
	}
	pc := ResidentPostcode(wijk)
	if err := s.PutPostcodeAreas(ctx, []store.PostcodeArea{{Postcode: pc, HuisnummerVan: 1, HuisnummerTot: 9999, Gemeente: gm, Wijk: wijk}}); err != nil {
		t.Fatal(err)
	}
	residentHashOnce.Do(func() {
		h, err := auth.HashPassword(ResidentPassword)
		if err != nil {
			panic(err)
		}
		residentHash = h
	})
	seq := residentSeq.Add(1)
	if name == "" {
		name = fmt.Sprintf("Bewoner %d", seq)
	}
	r, _, err := s.CreateResident(ctx, store.NewResident{
		Email:        fmt.Sprintf("bewoner%d-%s@bewoner.test", seq, strings.ToLower(wijk)),
		DisplayName:  name,
		Postcode:     pc,
		Huisnummer:   int(seq%9999) + 1,
		PasswordHash: residentHash,
		Verified:     true,
	})
	if err != nil {
		t.Fatalf("storetest.Resident: %v", err)
	}
	p, err := s.Principal(ctx, r.UserID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

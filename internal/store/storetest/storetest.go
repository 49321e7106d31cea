// Package storetest opens fresh stores for tests: a SQLite file in a temp
// dir, and, when NAOBER_TEST_POSTGRES holds a DSN, a PostgreSQL schema of
// its own that is dropped afterwards.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

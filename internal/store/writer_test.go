package store_test

import (
	"testing"

	"naober.nl/naober/internal/store/storetest"
)

// The SQLite writer has the page cache and in-memory temporary storage an
// import needs, and keeps its durability: WAL with synchronous NORMAL.
func TestSQLiteWriterSettings(t *testing.T) {
	s := storetest.SQLite(t)
	for name, want := range map[string]string{"cache_size": "-65536", "temp_store": "2", "journal_mode": "wal", "synchronous": "1", "foreign_keys": "1"} {
		got, err := s.WriterPragma(ctx, name)
		if err != nil || got != want {
			t.Errorf("PRAGMA %s = %q (%v), want %q", name, got, err, want)
		}
	}
}

package secret

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestKeyFileAndEncryption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "naober.key")
	k, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", st.Mode().Perm())
	}
	k2, created, err := LoadOrCreate(path)
	if err != nil || created {
		t.Fatal(created, err)
	}
	c := k.Encrypt("999990019", "bsn:GM0119")
	if strings.Contains(c, "999990019") {
		t.Fatal("plaintext in ciphertext")
	}
	if p, err := k2.Decrypt(c, "bsn:GM0119"); err != nil || p != "999990019" {
		t.Fatalf("reloaded key: %q %v", p, err)
	}
	if _, err := k.Decrypt(c, "bsn:GM0392"); err == nil {
		t.Fatal("ciphertext moved to another gemeente decrypts")
	}
	if k.Encrypt("x", "c") == k.Encrypt("x", "c") {
		t.Fatal("nonce reused")
	}
	if k.Hash("999990019", "GM0119") == k.Hash("999990019", "GM0392") || k.Hash("999990019", "GM0119") != k2.Hash("999990019", "GM0119") {
		t.Fatal("lookup hash not per gemeente or not stable")
	}
	other, _, _ := LoadOrCreate(filepath.Join(t.TempDir(), "k"))
	if _, err := other.Decrypt(c, "bsn:GM0119"); err == nil {
		t.Fatal("another key decrypts")
	}
	os.Chmod(path, 0o644)
	if _, _, err := LoadOrCreate(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key accepted: %v", err)
	}
	os.WriteFile(path, []byte("nonsense"), 0o600)
	if _, _, err := LoadOrCreate(path); err == nil {
		t.Fatal("malformed key accepted")
	}
}

func TestPseudonymIsKeyedAndScoped(t *testing.T) {
	a, _ := New([]byte("0123456789abcdef0123456789abcdef"))
	b, _ := New([]byte("fedcba9876543210fedcba9876543210"))
	p := a.Pseudonym("user1", "vote1")
	if p != a.Pseudonym("user1", "vote1") || len(p) != 64 {
		t.Fatalf("pseudonym not stable: %q", p)
	}
	if p == b.Pseudonym("user1", "vote1") || p == a.Pseudonym("user1", "vote2") || p == a.Pseudonym("user2", "vote1") {
		t.Fatal("pseudonym does not depend on key, scope and voter")
	}
	if p == a.Hash("user1", "vote1") {
		t.Fatal("pseudonym shares the BSN lookup key")
	}
}

func TestSortedID(t *testing.T) {
	maxID := ""
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		// Within a millisecond too, each id sorts after the one before.
		if id := SortedID(); id <= maxID {
			t.Fatalf("SortedID() %q after %q: not in order", id, maxID)
		}
		if i%500 == 0 {
			// Ids of a later millisecond sort after all earlier ones.
			time.Sleep(2 * time.Millisecond)
			if id := SortedID(); id <= maxID {
				t.Fatalf("SortedID() %q after %q: not in order", id, maxID)
			}
		}
		id := SortedID()
		if len(id) != 20 || strings.Trim(id, "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz") != "" {
			t.Fatalf("SortedID() = %q: want 20 URL-safe characters", id)
		}
		if seen[id] {
			t.Fatalf("SortedID() repeated %q", id)
		}
		seen[id] = true
		maxID = max(maxID, id)
	}
}

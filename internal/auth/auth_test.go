package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("%q %v", h, err)
	}
	if !VerifyPassword(h, "correct horse battery") || VerifyPassword(h, "correct horse batterY") {
		t.Fatal("verify")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("no salt")
	}
	if _, err := HashPassword("kort"); err == nil {
		t.Fatal("short password accepted")
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$x$y$z$w", h[:len(h)-5]} {
		if VerifyPassword(bad, "correct horse battery") {
			t.Errorf("malformed hash %q verified", bad)
		}
	}
}

func TestPermissions(t *testing.T) {
	p := &Principal{Grants: []Grant{{"GM0119", Regisseur}, {"GM0392", Beleid}, {"GM0473", Beheer}}}
	if got := p.Gemeenten(ReadPersons); len(got) != 1 || got[0] != "GM0119" {
		t.Fatalf("ReadPersons in %v", got)
	}
	if p.Can(ReadPersons, "GM0392") || p.Can(ReadAudit, "GM0119") || !p.Can(ReadAudit, "GM0473") {
		t.Fatal("grants leak across gemeenten or roles")
	}
	if Beleid.Allows(ReadPersons) || Beheer.Allows(ReadPersons) {
		t.Fatal("beleid or beheer may read persons")
	}
	var nobody *Principal
	if nobody.Can(ReadPersons, "GM0119") || len(nobody.Gemeenten(ReadPersons)) != 0 {
		t.Fatal("nil principal has rights")
	}
	if _, err := ParseRole("admin"); err == nil {
		t.Fatal("unknown role accepted")
	}
}

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	th := NewThrottle()
	th.Now = func() time.Time { return now }
	for i := 0; i < 5; i++ {
		if b, _ := th.Blocked("account:a", "adres:1"); b {
			t.Fatalf("blocked after %d failures", i)
		}
		th.Fail("account:a", "adres:1")
		now = now.Add(time.Minute)
	}
	if b, wait := th.Blocked("account:a"); !b || wait != 10*time.Minute {
		t.Fatalf("blocked=%v wait=%v", b, wait)
	}
	// Another account from the same address is blocked too; another address for another account is not.
	if b, _ := th.Blocked("account:b", "adres:1"); !b {
		t.Fatal("address not throttled")
	}
	if b, _ := th.Blocked("account:b", "adres:2"); b {
		t.Fatal("unrelated login throttled")
	}
	now = now.Add(11 * time.Minute)
	if b, _ := th.Blocked("account:a", "adres:1"); b {
		t.Fatal("still blocked after the window")
	}
}

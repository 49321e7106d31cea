package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

var ctx = context.Background()

// fixture: two tenants and one regisseur each, plus a beleid user of Meppel.
type fixture struct {
	s                       *store.Store
	meppel, haarlem, beleid store.Actor
}

func setup(t *testing.T, s *store.Store) fixture {
	t.Helper()
	for _, tn := range []store.Tenant{{"GM0119", "Meppel"}, {"GM0392", "Haarlem"}} {
		if err := s.EnsureTenant(ctx, tn.Gemeente, tn.Naam); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(email, gm string, role auth.Role) store.Actor {
		u := &store.User{Email: email, PasswordHash: "x", Grants: []auth.Grant{{Gemeente: gm, Role: role}}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	}
	return fixture{s, mk("r@meppel.nl", "GM0119", auth.Regisseur), mk("r@haarlem.nl", "GM0392", auth.Regisseur), mk("b@meppel.nl", "GM0119", auth.Beleid)}
}

func household(t *testing.T, f fixture, a store.Actor, gm, wijk, pc string, nr int) people.Household {
	t.Helper()
	h := people.Household{Gemeente: gm, Postcode: pc, Huisnummer: nr, Wijk: wijk}
	if err := f.s.CreateHousehold(ctx, a, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func person(t *testing.T, f fixture, a store.Actor, gm, bsn, achternaam string, m *people.Member) people.Person {
	t.Helper()
	p := people.Person{Gemeente: gm, BSN: bsn, Voornamen: "Anna", Achternaam: achternaam, Geboortedatum: people.MustDate("1980-05-17"), Geslacht: "vrouw"}
	if err := f.s.CreatePerson(ctx, a, &p, m); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMigrateIsIdempotentAndCurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v", applied, err)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPersonRoundTripEncryptsBSN(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		h := household(t, f, f.meppel, "GM0119", "WK011901", "7941 ab", 12)
		if h.Postcode != "7941AB" {
			t.Fatalf("postcode not normalised: %q", h.Postcode)
		}
		p := person(t, f, f.meppel, "GM0119", "999990019", "Zwart", &people.Member{Household: h.ID, Rol: "ouder", Start: people.MustDate("2020-01-01")})
		got, err := s.GetPerson(ctx, f.meppel, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.BSN != "999990019" || got.Achternaam != "Zwart" || got.Geboortedatum.ISO() != "1980-05-17" {
			t.Fatalf("round trip: %+v", got.Person)
		}
		if len(got.Memberships) != 1 || got.Memberships[0].Household.ID != h.ID {
			t.Fatalf("memberships: %+v", got.Memberships)
		}
		hits, err := s.FindByBSN(ctx, f.meppel, "99999.0019")
		if err != nil || len(hits) != 1 || hits[0].ID != p.ID || hits[0].HouseholdID != h.ID {
			t.Fatalf("find by BSN: %+v %v", hits, err)
		}
		if hits[0].BSN != "" {
			t.Fatal("search result carries a BSN")
		}
		// The same BSN twice in one gemeente is refused, naming the field.
		dup := people.Person{Gemeente: "GM0119", BSN: "999990019", Voornamen: "B", Achternaam: "C", Geboortedatum: people.MustDate("1990-01-01"), Geslacht: "man"}
		err = s.CreatePerson(ctx, f.meppel, &dup, nil)
		if fe, ok := people.AsFieldErrors(err); !ok || fe.For("bsn") == "" {
			t.Fatalf("duplicate BSN: %v", err)
		}
		// But the same BSN may exist in another tenant, unlinked.
		person(t, f, f.haarlem, "GM0392", "999990019", "Zwart", nil)
	})
}

func TestInvalidInputIsRefusedWholly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		h := household(t, f, f.meppel, "GM0119", "WK011901", "7941AB", 1)
		cases := []struct {
			name  string
			p     people.Person
			field string
		}{
			{"bad bsn", people.Person{BSN: "123456789", Voornamen: "A", Achternaam: "B", Geboortedatum: people.MustDate("1990-01-01"), Geslacht: "man"}, "bsn"},
			{"no name", people.Person{BSN: "999990020", Achternaam: "B", Geboortedatum: people.MustDate("1990-01-01"), Geslacht: "man"}, "voornamen"},
			{"future birth", people.Person{BSN: "999990020", Voornamen: "A", Achternaam: "B", Geboortedatum: people.MustDate("2999-01-01"), Geslacht: "man"}, "geboortedatum"},
			{"gender", people.Person{BSN: "999990020", Voornamen: "A", Achternaam: "B", Geboortedatum: people.MustDate("1990-01-01"), Geslacht: "x"}, "geslacht"},
		}
		for _, c := range cases {
			c.p.Gemeente = "GM0119"
			err := s.CreatePerson(ctx, f.meppel, &c.p, &people.Member{Household: h.ID, Rol: "kind", Start: people.MustDate("2020-01-01")})
			fe, ok := people.AsFieldErrors(err)
			if !ok || fe.For(c.field) == "" {
				t.Errorf("%s: want error on %s, got %v", c.name, c.field, err)
			}
		}
		// A valid person with an invalid membership (household of another
		// gemeente) must not be half-saved.
		hh := household(t, f, f.haarlem, "GM0392", "WK039201", "2011AA", 3)
		p := people.Person{Gemeente: "GM0119", BSN: "999990020", Voornamen: "A", Achternaam: "Half", Geboortedatum: people.MustDate("1990-01-01"), Geslacht: "man"}
		if err := s.CreatePerson(ctx, f.meppel, &p, &people.Member{Household: hh.ID, Rol: "kind", Start: people.MustDate("2020-01-01")}); err == nil {
			t.Fatal("membership in another tenant's household accepted")
		}
		if hits, _ := s.FindByBSN(ctx, f.meppel, "999990020"); len(hits) != 0 {
			t.Fatal("person was half-saved")
		}
		// Household: bad postcode, wijk of another gemeente.
		for _, hc := range []struct {
			h     people.Household
			field string
		}{
			{people.Household{Gemeente: "GM0119", Postcode: "0123AB", Huisnummer: 1, Wijk: "WK011901"}, "postcode"},
			{people.Household{Gemeente: "GM0119", Postcode: "7941AB", Huisnummer: 0, Wijk: "WK011901"}, "huisnummer"},
			{people.Household{Gemeente: "GM0119", Postcode: "7941AB", Huisnummer: 1, Wijk: "WK039201"}, "wijk"},
			{people.Household{Gemeente: "GM0119", Postcode: "7941AB", Huisnummer: 1}, "wijk"},
		} {
			err := s.CreateHousehold(ctx, f.meppel, &hc.h)
			if fe, ok := people.AsFieldErrors(err); !ok || fe.For(hc.field) == "" {
				t.Errorf("household %+v: want error on %s, got %v", hc.h, hc.field, err)
			}
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		hm := household(t, f, f.meppel, "GM0119", "WK011901", "7941AB", 1)
		pm := person(t, f, f.meppel, "GM0119", "999990019", "Meppeler", &people.Member{Household: hm.ID, Rol: "ouder", Start: people.MustDate("2020-01-01")})

		// Haarlem asking for Meppel's records gets exactly what it gets for a
		// record that does not exist.
		_, errOther := s.GetHousehold(ctx, f.haarlem, hm.ID)
		_, errNone := s.GetHousehold(ctx, f.haarlem, "does-not-exist")
		if !errs.Is(errOther, errs.NotFound) || errOther.Error() != errNone.Error() {
			t.Fatalf("household across tenants: %v vs %v", errOther, errNone)
		}
		_, errOther = s.GetPerson(ctx, f.haarlem, pm.ID)
		_, errNone = s.GetPerson(ctx, f.haarlem, "does-not-exist")
		if !errs.Is(errOther, errs.NotFound) || errOther.Error() != errNone.Error() {
			t.Fatalf("person across tenants: %v vs %v", errOther, errNone)
		}
		if hits, err := s.FindByBSN(ctx, f.haarlem, "999990019"); err != nil || len(hits) != 0 {
			t.Fatalf("BSN lookup crossed tenants: %v %v", hits, err)
		}
		if hits, err := s.SearchPersons(ctx, f.haarlem, "meppeler", 10); err != nil || len(hits) != 0 {
			t.Fatalf("name search crossed tenants: %v %v", hits, err)
		}
		page, err := s.ListHouseholds(ctx, f.haarlem, store.HouseholdFilter{})
		if err != nil || page.Total != 0 {
			t.Fatalf("list crossed tenants: %+v %v", page, err)
		}
		if _, err := s.ListHouseholds(ctx, f.haarlem, store.HouseholdFilter{Gemeente: "GM0119"}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("list of another gemeente: %v", err)
		}
		// Writes across tenants fail as not found, and change nothing.
		h2 := hm
		h2.Postcode = "2011AA"
		if err := s.UpdateHousehold(ctx, f.haarlem, &h2); !errs.Is(err, errs.NotFound) {
			t.Fatalf("update across tenants: %v", err)
		}
		p2 := pm
		p2.Achternaam = "Gekaapt"
		if err := s.UpdatePerson(ctx, f.haarlem, &p2); !errs.Is(err, errs.NotFound) {
			t.Fatalf("update person across tenants: %v", err)
		}
		if err := s.CreateHousehold(ctx, f.haarlem, &people.Household{Gemeente: "GM0119", Postcode: "7941AB", Huisnummer: 2, Wijk: "WK011901"}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("create in another gemeente: %v", err)
		}
		got, err := s.GetPerson(ctx, f.meppel, pm.ID)
		if err != nil || got.Achternaam != "Meppeler" {
			t.Fatalf("person changed across tenants: %+v %v", got, err)
		}
		// beleid never sees a person.
		if _, err := s.GetPerson(ctx, f.beleid, pm.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("beleid read a person: %v", err)
		}
		if _, err := s.ListHouseholds(ctx, f.beleid, store.HouseholdFilter{}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beleid listed households: %v", err)
		}
	})
}

func TestSearchAndList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		h := household(t, f, f.meppel, "GM0119", "WK011902", "7942CD", 5)
		household(t, f, f.meppel, "GM0119", "WK011902", "7942CD", 7)
		household(t, f, f.meppel, "GM0119", "WK011903", "7943EF", 5)
		person(t, f, f.meppel, "GM0119", "999990019", "Ĳzerman-Öztürk", &people.Member{Household: h.ID, Rol: "ouder", Start: people.MustDate("2020-01-01")})

		page, err := s.ListHouseholds(ctx, f.meppel, store.HouseholdFilter{Postcode: "7942 cd", Huisnummer: 5})
		if err != nil || page.Total != 1 || page.Items[0].ID != h.ID || page.Items[0].MemberCount != 1 {
			t.Fatalf("by address: %+v %v", page, err)
		}
		page, err = s.ListHouseholds(ctx, f.meppel, store.HouseholdFilter{Gemeente: "GM0119", PerPage: 2, Page: 2})
		if err != nil || page.Total != 3 || len(page.Items) != 1 {
			t.Fatalf("paging: %+v %v", page, err)
		}
		page, err = s.ListHouseholds(ctx, f.meppel, store.HouseholdFilter{Wijk: "WK011902"})
		if err != nil || page.Total != 2 {
			t.Fatalf("by wijk: %+v %v", page, err)
		}
		for _, q := range []string{"ozturk", "anna ijzer", "ÖZTÜRK"} {
			hits, err := s.SearchPersons(ctx, f.meppel, q, 10)
			if err != nil || len(hits) != 1 {
				t.Errorf("name search %q: %v %v", q, hits, err)
			}
		}
		if _, err := s.SearchPersons(ctx, f.meppel, "a", 10); err == nil {
			t.Error("one-letter search accepted")
		}
		if hits, err := s.SearchPersons(ctx, f.meppel, "100%_", 10); err != nil || len(hits) != 0 {
			t.Errorf("LIKE wildcards not escaped: %v %v", hits, err)
		}
	})
}

func TestAuditTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		if err := s.CreateUser(ctx, &store.User{Email: "beheer@meppel.nl", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Beheer}}}); err != nil {
			t.Fatal(err)
		}
		bu, _ := s.UserByEmail(ctx, "beheer@meppel.nl")
		beheer := &auth.Principal{UserID: bu.ID, Email: bu.Email, Grants: bu.Grants}

		h := household(t, f, f.meppel, "GM0119", "WK011901", "7941AB", 1)
		p := person(t, f, f.meppel, "GM0119", "999990019", "Zwart", &people.Member{Household: h.ID, Rol: "ouder", Start: people.MustDate("2020-01-01")})
		a := f.meppel
		a.Purpose = "huisbezoek voorbereiden"
		if _, err := s.GetHousehold(ctx, a, h.ID); err != nil {
			t.Fatal(err)
		}
		recs, err := s.SearchAudit(ctx, beheer, audit.Filter{RecordID: h.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, r := range recs {
			actions = append(actions, string(r.Action))
			if r.UserEmail != "r@meppel.nl" || r.Gemeente != "GM0119" {
				t.Errorf("record %+v", r)
			}
		}
		// newest first: read, member added (update), create
		if strings.Join(actions, ",") != "lezen,wijzigen,aanmaken" {
			t.Fatalf("household audit actions: %v", actions)
		}
		if recs[0].Purpose != "huisbezoek voorbereiden" || recs[0].Role != "regisseur" {
			t.Fatalf("purpose/role not recorded: %+v", recs[0])
		}
		// Reading the household counts as reading its members.
		recs, _ = s.SearchAudit(ctx, beheer, audit.Filter{RecordID: p.ID, Action: audit.Read})
		if len(recs) != 1 {
			t.Fatalf("member read not audited: %+v", recs)
		}
		// A failed cross-tenant read is not a read of anything.
		s.GetHousehold(ctx, f.haarlem, h.ID)
		recs, _ = s.SearchAudit(ctx, beheer, audit.Filter{UserEmail: "r@haarlem.nl"})
		if len(recs) != 0 {
			t.Fatalf("audit shows another gemeente's user: %+v", recs)
		}
		// Only beheer searches the log, and only their own gemeente's.
		if _, err := s.SearchAudit(ctx, f.meppel.P, audit.Filter{}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("regisseur searched the audit log: %v", err)
		}
		if _, err := s.SearchAudit(ctx, beheer, audit.Filter{Gemeenten: []string{"GM0392"}}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beheer searched another gemeente's log: %v", err)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		household(t, f, f.meppel, "GM0119", "WK011901", "7941AB", 1)
		for _, q := range []string{"UPDATE audit_log SET purpose = 'x'", "DELETE FROM audit_log"} {
			err := s.Tx(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q); return err })
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
}

func TestMembershipEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		h := household(t, f, f.meppel, "GM0119", "WK011901", "7941AB", 1)
		m := &people.Member{Household: h.ID, Rol: "kind", Start: people.MustDate("2010-01-01")}
		person(t, f, f.meppel, "GM0119", "999990019", "Zwart", m)
		if err := s.EndMember(ctx, f.meppel, h.ID, m.ID, people.MustDate("2009-01-01")); err == nil {
			t.Fatal("end before start accepted")
		}
		if err := s.EndMember(ctx, f.meppel, h.ID, m.ID, people.MustDate("2024-06-01")); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetHousehold(ctx, f.meppel, h.ID)
		if got.Members[0].Eind == nil || got.Members[0].Active(people.MustDate("2025-01-01")) {
			t.Fatalf("membership not ended: %+v", got.Members[0])
		}
		if err := s.EndMember(ctx, f.haarlem, h.ID, m.ID, people.MustDate("2024-07-01")); !errs.Is(err, errs.NotFound) {
			t.Fatalf("end across tenants: %v", err)
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		tok, err := s.CreateSession(ctx, f.meppel.P.UserID, 3600e9)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.SessionPrincipal(ctx, tok)
		if err != nil || p.Email != "r@meppel.nl" || !p.Can(auth.ReadPersons, "GM0119") {
			t.Fatalf("session: %+v %v", p, err)
		}
		if err := s.DeleteSession(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionPrincipal(ctx, tok); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("session after logout: %v", err)
		}
		api, err := s.CreateAPIToken(ctx, f.meppel.P.UserID, "script")
		if err != nil {
			t.Fatal(err)
		}
		if p, err := s.TokenPrincipal(ctx, api); err != nil || p.UserID != f.meppel.P.UserID {
			t.Fatalf("token: %v", err)
		}
		if _, err := s.TokenPrincipal(ctx, api+"x"); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("bad token: %v", err)
		}
		if err := s.CreateUser(ctx, &store.User{Email: "R@Meppel.nl "}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("duplicate e-mail: %v", err)
		}
		if err := s.CreateUser(ctx, &store.User{Email: "x@y.nl", Grants: []auth.Grant{{Gemeente: "GM0363", Role: auth.Beleid}}}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("grant in a gemeente not served: %v", err)
		}
		if _, err := s.UserByEmail(ctx, "x@y.nl"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("user half-saved: %v", err)
		}
	})
}

func TestConcurrentWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		var wg sync.WaitGroup
		errc := make(chan error, 40)
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				h := people.Household{Gemeente: "GM0119", Postcode: "7941AB", Huisnummer: i + 1, Wijk: "WK011901"}
				errc <- s.CreateHousehold(ctx, f.meppel, &h)
			}(i)
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		page, _ := s.ListHouseholds(ctx, f.meppel, store.HouseholdFilter{})
		if page.Total != 40 {
			t.Fatalf("want 40 households, got %d", page.Total)
		}
	})
}

func TestPostcodePlacement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		if err := s.PutBuurten(ctx, []store.Buurt{{Code: "BU01190201", Wijk: "WK011902", Gemeente: "GM0119", Naam: "Haveltermade deel 1", Synthetic: true}}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutPostcodeAreas(ctx, []store.PostcodeArea{{Postcode: "7942AA", HuisnummerVan: 1, HuisnummerTot: 99, Gemeente: "GM0119", Wijk: "WK011902", Buurt: "BU01190201"}}); err != nil {
			t.Fatal(err)
		}
		h := people.Household{Gemeente: "GM0119", Postcode: "7942AA", Huisnummer: 12}
		if err := s.CreateHousehold(ctx, f.meppel, &h); err != nil {
			t.Fatal(err)
		}
		if h.Wijk != "WK011902" || h.Buurt != "BU01190201" {
			t.Fatalf("placed in %s/%s", h.Wijk, h.Buurt)
		}
		bad := people.Household{Gemeente: "GM0119", Postcode: "7942AA", Huisnummer: 3, Wijk: "WK011903", Buurt: "BU01190201"}
		if fe, ok := people.AsFieldErrors(s.CreateHousehold(ctx, f.meppel, &bad)); !ok || fe.For("buurt") == "" {
			t.Fatal("buurt of another wijk accepted")
		}
	})
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Michał  Wójcik": "michal wojcik", "Yılmaz": "yilmaz", "Ĳsselstein": "ijsselstein", "Ohé en Laak": "ohe en laak"} {
		if got := store.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

package store_test

import (
	"testing"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// pvActor adds a user with one role and returns them as an actor.
func pvActor(t *testing.T, s *store.Store, email, gm string, role auth.Role) store.Actor {
	t.Helper()
	u := &store.User{Email: email, PasswordHash: "x", Grants: []auth.Grant{{Gemeente: gm, Role: role}}}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
}

// pvFixture: the store fixture plus a household in Meppel with two members
// and one in Haarlem.
type pvFixture struct {
	fixture
	teamleider, beheer   store.Actor
	h, hh                people.Household
	mother, child, other people.Person
	left                 people.Person // moved out in 2020
}

func pvSetup(t *testing.T, s *store.Store) pvFixture {
	t.Helper()
	f := pvFixture{fixture: setup(t, s)}
	f.teamleider = pvActor(t, s, "tl@meppel.nl", "GM0119", auth.Teamleider)
	f.beheer = pvActor(t, s, "beheer@meppel.nl", "GM0119", auth.Beheer)
	f.h = household(t, f.fixture, f.meppel, "GM0119", "WK011901", "7941AB", 10)
	f.mother = person(t, f.fixture, f.meppel, "GM0119", "999990019", "Jansen", &people.Member{Household: f.h.ID, Rol: "ouder", Start: people.MustDate("2015-01-01")})
	f.child = person(t, f.fixture, f.meppel, "GM0119", "999990020", "Jansen", &people.Member{Household: f.h.ID, Rol: "kind", Start: people.MustDate("2016-03-01")})
	m := &people.Member{Household: f.h.ID, Rol: "overig", Start: people.MustDate("2015-01-01")}
	f.left = person(t, f.fixture, f.meppel, "GM0119", "999990044", "Vertrokken", m)
	if err := s.EndMember(ctx, f.meppel, f.h.ID, m.ID, people.MustDate("2020-01-01")); err != nil {
		t.Fatal(err)
	}
	f.hh = household(t, f.fixture, f.haarlem, "GM0392", "WK039201", "2011AA", 3)
	f.other = person(t, f.fixture, f.haarlem, "GM0392", "999990032", "Visser", &people.Member{Household: f.hh.ID, Rol: "ouder", Start: people.MustDate("2010-01-01")})
	return f
}

func pvInt(n int) *int { return &n }

func pvBegeleiding(f pvFixture) casework.Provision {
	return casework.Provision{HouseholdID: f.h.ID, PersonID: f.mother.ID, Wet: "wmo", Categorie: "02", Productcode: "02A01",
		Aanbieder: "Zorggroep Meppel", AanbiederAGB: "98001234", Start: people.MustDate("2026-01-05"), Eind: people.MustDate("2026-12-31"),
		Volume: pvInt(3), Eenheid: "04", Frequentie: "2", PrijsCents: casework.Cents(6850).Ptr(), Toelichting: "Structuur in de week"}
}

// pvAudited reports whether the audit log holds an action on the record.
func pvAudited(t *testing.T, s *store.Store, beheer store.Actor, id string, action audit.Action, recType string) bool {
	t.Helper()
	recs, err := s.SearchAudit(ctx, beheer.P, audit.Filter{RecordID: id, Action: action})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.RecordType == recType {
			return true
		}
	}
	return false
}

func TestProvisionCreateReadAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := pvSetup(t, s)
		p := pvBegeleiding(f)
		if err := s.CreateProvision(ctx, f.meppel, &p); err != nil {
			t.Fatal(err)
		}
		if p.Taakveld != "6.712" || p.Status != casework.ProvisionRequested || p.Gemeente != "GM0119" || p.KostenPerMaand != 89050 { // 3 × 68,50 × 52 / 12
			t.Fatalf("created: taakveld %s status %s gm %s cost %d", p.Taakveld, p.Status, p.Gemeente, p.KostenPerMaand)
		}
		got, err := s.GetProvision(ctx, f.meppel, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.PersonName != "Anna Jansen" || got.Aanbieder != "Zorggroep Meppel" || got.AanbiederAGB != "98001234" || got.Productcode != "02A01" ||
			got.Start.ISO() != "2026-01-05" || got.Eind.ISO() != "2026-12-31" || got.Volume == nil || *got.Volume != 3 ||
			got.PrijsCents == nil || *got.PrijsCents != 6850 || got.MaandbedragCents != nil || got.KostenPerMaand != 89050 || got.CreatedBy != f.meppel.P.UserID {
			t.Fatalf("round trip: %+v", got)
		}
		// A second, open-ended provision for the child under the Jeugdwet with a monthly amount.
		jw := casework.Provision{HouseholdID: f.h.ID, PersonID: f.child.ID, Wet: "jw", Categorie: "45", Start: people.MustDate("2026-02-01"),
			MaandbedragCents: casework.Cents(95000).Ptr(), Status: casework.ProvisionGranted}
		if err := s.CreateProvision(ctx, f.meppel, &jw); err != nil {
			t.Fatal(err)
		}
		list, err := s.ProvisionsForHousehold(ctx, f.meppel, f.h.ID)
		if err != nil || len(list) != 2 || list[0].ID != jw.ID || list[1].ID != p.ID || !list[0].Eind.IsZero() || list[0].Taakveld != "6.751" {
			t.Fatalf("list: %v %+v", err, list)
		}
		// Every write and read is in the audit log as "voorziening".
		for _, c := range []struct {
			id     string
			action audit.Action
		}{{p.ID, audit.Create}, {p.ID, audit.Read}, {jw.ID, audit.Create}, {jw.ID, audit.Read}} {
			if !pvAudited(t, s, f.beheer, c.id, c.action, store.RecProvision) {
				t.Errorf("no audit %s of %s", c.action, c.id)
			}
		}
	})
}

func TestProvisionBadInputIsNamedAndNothingSaved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := pvSetup(t, s)
		cases := []struct {
			name  string
			mod   func(*casework.Provision)
			field string
		}{
			{"end before start", func(p *casework.Provision) { p.Eind = people.MustDate("2025-12-01") }, "eind"},
			{"negative price", func(p *casework.Provision) { p.PrijsCents = casework.Cents(-100).Ptr() }, "prijs_cents"},
			{"negative monthly", func(p *casework.Provision) { p.MaandbedragCents = casework.Cents(-1).Ptr() }, "maandbedrag_cents"},
			{"no price", func(p *casework.Provision) { p.PrijsCents = nil }, "prijs_cents"},
			{"unknown category", func(p *casework.Provision) { p.Categorie = "77" }, "categorie"},
			{"category of another law", func(p *casework.Provision) { p.Categorie = "48" }, "categorie"},
			{"unknown law", func(p *casework.Provision) { p.Wet = "wlz" }, "wet"},
			{"bad AGB", func(p *casework.Provision) { p.AanbiederAGB = "12-34" }, "aanbieder_agb"},
			{"taakveld of another law", func(p *casework.Provision) { p.Taakveld = "6.3" }, "taakveld"},
			{"unknown unit", func(p *casework.Provision) { p.Eenheid = "02" }, "eenheid"},
			{"zero volume", func(p *casework.Provision) { p.Volume = pvInt(0) }, "volume"},
			{"person of another household", func(p *casework.Provision) { p.PersonID = f.other.ID }, "persoon"},
			{"unknown person", func(p *casework.Provision) { p.PersonID = "nobody" }, "persoon"},
			{"member who left before the start", func(p *casework.Provision) { p.PersonID = f.left.ID }, "persoon"},
			{"unknown profile", func(p *casework.Provision) { p.PrijsCents = nil; p.Profiel = "P9" }, "profiel"},
			{"born ended", func(p *casework.Provision) { p.Status = casework.ProvisionEnded }, "status"},
		}
		for _, c := range cases {
			p := pvBegeleiding(f)
			c.mod(&p)
			err := s.CreateProvision(ctx, f.meppel, &p)
			fe, ok := people.AsFieldErrors(err)
			if !ok || fe.For(c.field) == "" {
				t.Errorf("%s: want error on %s, got %v", c.name, c.field, err)
			}
		}
		list, err := s.ProvisionsForHousehold(ctx, f.meppel, f.h.ID)
		if err != nil || len(list) != 0 {
			t.Fatalf("refused provisions were saved: %v %d", err, len(list))
		}
	})
}

func TestProvisionStatusOnlyForward(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := pvSetup(t, s)
		p := pvBegeleiding(f)
		p.Eind = people.Date{}
		if err := s.CreateProvision(ctx, f.meppel, &p); err != nil {
			t.Fatal(err)
		}
		got, err := s.SetProvisionStatus(ctx, f.meppel, p.ID, casework.StatusChange{Status: casework.ProvisionGranted})
		if err != nil || got.Status != casework.ProvisionGranted {
			t.Fatalf("grant: %v %s", err, got.Status)
		}
		if _, err := s.SetProvisionStatus(ctx, f.meppel, p.ID, casework.StatusChange{Status: casework.ProvisionStarted}); err != nil {
			t.Fatal(err)
		}
		// Backwards is refused, naming the field, and changes nothing.
		_, err = s.SetProvisionStatus(ctx, f.meppel, p.ID, casework.StatusChange{Status: casework.ProvisionRequested})
		if fe, ok := people.AsFieldErrors(err); !ok || fe.For("status") == "" {
			t.Fatalf("backwards: %v", err)
		}
		// Ending needs a reason and an end date after the start.
		_, err = s.SetProvisionStatus(ctx, f.meppel, p.ID, casework.StatusChange{Status: casework.ProvisionEnded})
		if fe, ok := people.AsFieldErrors(err); !ok || fe.For("eind_reden") == "" || fe.For("eind") == "" {
			t.Fatalf("end without reason: %v", err)
		}
		_, err = s.SetProvisionStatus(ctx, f.meppel, p.ID, casework.StatusChange{Status: casework.ProvisionEnded, EindReden: "doel_bereikt", Eind: people.MustDate("2025-01-01")})
		if fe, ok := people.AsFieldErrors(err); !ok || fe.For("eind") == "" {
			t.Fatalf("end before start: %v", err)
		}
		if got, _ := s.GetProvision(ctx, f.meppel, p.ID); got.Status != casework.ProvisionStarted || !got.Eind.IsZero() {
			t.Fatalf("refused changes were saved: %+v", got)
		}
		got, err = s.SetProvisionStatus(ctx, f.meppel, p.ID, casework.StatusChange{Status: casework.ProvisionEnded, EindReden: "eigen_kracht", Eind: people.MustDate("2026-06-30")})
		if err != nil || got.Status != casework.ProvisionEnded || got.EindReden != "eigen_kracht" || got.Eind.ISO() != "2026-06-30" {
			t.Fatalf("end: %v %+v", err, got)
		}
		if _, err := s.SetProvisionStatus(ctx, f.meppel, p.ID, casework.StatusChange{Status: casework.ProvisionEnded, EindReden: "anders"}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("change after end: %v", err)
		}
		if !pvAudited(t, s, f.beheer, p.ID, audit.Update, store.RecProvision) {
			t.Error("status change not audited")
		}
	})
}

func TestProvisionTenantIsolationAndBeleid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := pvSetup(t, s)
		p := pvBegeleiding(f)
		if err := s.CreateProvision(ctx, f.meppel, &p); err != nil {
			t.Fatal(err)
		}
		for name, a := range map[string]store.Actor{"other gemeente": f.haarlem, "beleid": f.beleid, "beheer": f.beheer} {
			_, errOther := s.GetProvision(ctx, a, p.ID)
			_, errNone := s.GetProvision(ctx, a, "nonexistent")
			if !errs.Is(errOther, errs.NotFound) || errs.Message(errOther) != errs.Message(errNone) {
				t.Errorf("%s: get %v vs %v", name, errOther, errNone)
			}
			if _, err := s.ProvisionsForHousehold(ctx, a, f.h.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s: list %v", name, err)
			}
			if _, err := s.SetProvisionStatus(ctx, a, p.ID, casework.StatusChange{Status: casework.ProvisionGranted}); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s: status %v", name, err)
			}
			q := pvBegeleiding(f)
			if err := s.CreateProvision(ctx, a, &q); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s: create %v", name, err)
			}
			if got, err := s.ProvisionsEnding(ctx, a, f.meppel.P.UserID, people.MustDate("2026-01-01"), people.MustDate("2027-01-01")); err == nil && len(got) > 0 {
				t.Errorf("%s: ending sees %d", name, len(got))
			}
		}
		// Haarlem's regisseur cannot attach a Meppel person to a Haarlem household either.
		q := pvBegeleiding(f)
		q.HouseholdID = f.hh.ID
		err := s.CreateProvision(ctx, f.haarlem, &q)
		if fe, ok := people.AsFieldErrors(err); !ok || fe.For("persoon") == "" {
			t.Errorf("cross-tenant person: %v", err)
		}
	})
}

func TestClientProfiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := pvSetup(t, s)
		cp := casework.ClientProfile{Gemeente: "GM0119", Code: "p2", Naam: "Stabiliseren midden", Perspectief: "stabiliseren", Intensiteit: "midden", PrijsCents: 21000, Periode: "week"}
		if err := s.SaveProfile(ctx, f.meppel, &cp); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("regisseur saves a profile: %v", err)
		}
		if err := s.SaveProfile(ctx, f.beleid, &cp); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beleid saves a profile: %v", err)
		}
		bad := cp
		bad.PrijsCents, bad.Periode = -5, "dag"
		if fe, ok := people.AsFieldErrors(s.SaveProfile(ctx, f.teamleider, &bad)); !ok || fe.For("prijs_cents") == "" || fe.For("periode") == "" {
			t.Fatalf("bad profile: %v", fe)
		}
		if err := s.SaveProfile(ctx, f.teamleider, &cp); err != nil {
			t.Fatal(err)
		}
		if list, err := s.Profiles(ctx, f.meppel, ""); err != nil || len(list) != 1 || list[0].Code != "P2" || list[0].PrijsCents != 21000 {
			t.Fatalf("profiles: %v %+v", err, list)
		}
		if list, err := s.Profiles(ctx, f.haarlem, ""); err != nil || len(list) != 0 {
			t.Fatalf("haarlem sees meppel's profiles: %v %+v", err, list)
		}
		if _, err := s.Profiles(ctx, f.haarlem, "GM0119"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("haarlem asks for meppel: %v", err)
		}
		if _, err := s.Profiles(ctx, f.beleid, ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beleid lists profiles: %v", err)
		}
		// A provision with the profile takes its price as a monthly amount.
		p := pvBegeleiding(f)
		p.PrijsCents, p.Volume, p.Eenheid, p.Frequentie, p.Profiel = nil, nil, "", "", "p2"
		if err := s.CreateProvision(ctx, f.meppel, &p); err != nil {
			t.Fatal(err)
		}
		if p.MaandbedragCents == nil || *p.MaandbedragCents != 91000 || p.KostenPerMaand != 91000 { // 210 × 52 / 12
			t.Fatalf("profile price: %v %d", p.MaandbedragCents, p.KostenPerMaand)
		}
		// Beheer changes the price; the provision keeps what was agreed.
		cp.PrijsCents = 25000
		if err := s.SaveProfile(ctx, f.beheer, &cp); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetProvision(ctx, f.meppel, p.ID)
		if err != nil || got.KostenPerMaand != 91000 || got.Profile == nil || got.Profile.Naam != "Stabiliseren midden" || got.Profile.PrijsCents != 25000 {
			t.Fatalf("after price change: %v %+v", err, got)
		}
		// A price sent along with a profile is refused, not silently used.
		q := pvBegeleiding(f)
		q.Profiel = "P2"
		if fe, ok := people.AsFieldErrors(s.CreateProvision(ctx, f.meppel, &q)); !ok || fe.For("prijs_cents") == "" {
			t.Fatalf("price with profile: %v", fe)
		}
		// Haarlem cannot use Meppel's profile.
		hp := casework.Provision{HouseholdID: f.hh.ID, PersonID: f.other.ID, Wet: "wmo", Categorie: "01", Start: people.MustDate("2026-01-01"), Profiel: "P2"}
		if fe, ok := people.AsFieldErrors(s.CreateProvision(ctx, f.haarlem, &hp)); !ok || fe.For("profiel") == "" {
			t.Fatalf("profile of another gemeente: %v", fe)
		}
	})
}

func TestProvisionsEndingForTheWorklist(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := pvSetup(t, s)
		r2 := pvActor(t, s, "r2@meppel.nl", "GM0119", auth.Regisseur)
		other := household(t, f.fixture, f.meppel, "GM0119", "WK011902", "7942AA", 4)
		op := person(t, f.fixture, f.meppel, "GM0119", "999990056", "Smit", &people.Member{Household: other.ID, Rol: "ouder", Start: people.MustDate("2015-01-01")})
		// The active case of f.h is the first regisseur's; of the other household r2's.
		err := s.Tx(ctx, func(tx *store.Tx) error {
			for i, c := range []struct{ hh, reg string }{{f.h.ID, f.meppel.P.UserID}, {other.ID, r2.P.UserID}} {
				if _, err := tx.Exec(ctx, `INSERT INTO cases (id, gemeente, household_id, regisseur_id, status, opened_at) VALUES (?, 'GM0119', ?, ?, 'actief', ?)`,
					"case"+string(rune('a'+i)), c.hh, c.reg, "2026-01-01T00:00:00.000000Z"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(hh, who string, end string, status string) casework.Provision {
			p := casework.Provision{HouseholdID: hh, PersonID: who, Wet: "wmo", Categorie: "01", Start: people.MustDate("2025-01-01"),
				MaandbedragCents: casework.Cents(30000).Ptr(), Status: status}
			if end != "" {
				p.Eind = people.MustDate(end)
			}
			if err := s.CreateProvision(ctx, f.meppel, &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		soon := mk(f.h.ID, f.mother.ID, "2026-04-15", casework.ProvisionStarted)
		sooner := mk(f.h.ID, f.child.ID, "2026-03-10", casework.ProvisionGranted)
		mk(f.h.ID, f.mother.ID, "2026-09-01", casework.ProvisionStarted) // beyond 8 weeks
		mk(f.h.ID, f.mother.ID, "", casework.ProvisionStarted)           // open-ended
		mk(other.ID, op.ID, "2026-04-01", casework.ProvisionStarted)     // r2's household
		ended := mk(f.h.ID, f.child.ID, "2026-04-01", casework.ProvisionStarted)
		if _, err := s.SetProvisionStatus(ctx, f.meppel, ended.ID, casework.StatusChange{Status: casework.ProvisionEnded, EindReden: "verhuisd"}); err != nil {
			t.Fatal(err)
		}
		from := people.MustDate("2026-03-01")
		got, err := s.ProvisionsEnding(ctx, f.meppel, f.meppel.P.UserID, from, from.AddDays(56))
		if err != nil || len(got) != 2 || got[0].ID != sooner.ID || got[1].ID != soon.ID {
			t.Fatalf("ending: %v %+v", err, got)
		}
		got, err = s.ProvisionsEnding(ctx, r2, r2.P.UserID, from, from.AddDays(56))
		if err != nil || len(got) != 1 || got[0].HouseholdID != other.ID {
			t.Fatalf("ending for r2: %v %+v", err, got)
		}
		if got, _ := s.ProvisionsEnding(ctx, f.haarlem, f.meppel.P.UserID, from, from.AddDays(56)); len(got) != 0 {
			t.Fatalf("haarlem sees meppel's worklist: %d", len(got))
		}
		if !pvAudited(t, s, f.beheer, soon.ID, audit.Search, store.RecProvision) {
			t.Error("worklist read not audited")
		}
	})
}

package store_test

import (
	"testing"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// zrmFix is a Meppel household with a mother (born 1980) and a son (born
// 2012), a household in Haarlem, and a beheer user to read the audit log.
type zrmFix struct {
	fixture
	h, hh          people.Household
	mother, son    people.Person
	haarlemPerson  people.Person
	beheer         *auth.Principal
	teamleider     store.Actor
	today          people.Date
	otherRegisseur store.Actor
}

func zrmSetup(t *testing.T, s *store.Store) zrmFix {
	t.Helper()
	f := zrmFix{fixture: setup(t, s), today: people.Today()}
	f.h = household(t, f.fixture, f.meppel, "GM0119", "WK011901", "7941AB", 10)
	f.mother = person(t, f.fixture, f.meppel, "GM0119", "999990019", "Jansen", &people.Member{Household: f.h.ID, Rol: "ouder", Start: people.MustDate("2010-01-01")})
	f.son = people.Person{Gemeente: "GM0119", BSN: "999990020", Voornamen: "Daan", Achternaam: "Jansen", Geboortedatum: people.MustDate("2012-04-03"), Geslacht: "man"}
	if err := s.CreatePerson(ctx, f.meppel, &f.son, &people.Member{Household: f.h.ID, Rol: "kind", Start: people.MustDate("2012-04-03")}); err != nil {
		t.Fatal(err)
	}
	f.hh = household(t, f.fixture, f.haarlem, "GM0392", "WK039201", "2011AA", 3)
	f.haarlemPerson = person(t, f.fixture, f.haarlem, "GM0392", "999990032", "Visser", &people.Member{Household: f.hh.ID, Rol: "ouder", Start: people.MustDate("2015-01-01")})
	mk := func(email string, role auth.Role) *auth.Principal {
		u := &store.User{Email: email, Name: email, PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: role}}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}
	}
	f.beheer = mk("beheer@meppel.nl", auth.Beheer)
	f.teamleider = store.Actor{P: mk("tl@meppel.nl", auth.Teamleider)}
	f.otherRegisseur = store.Actor{P: mk("r2@meppel.nl", auth.Regisseur)}
	return f
}

// zrmScores gives every domain the level, with overrides.
func zrmScores(level int, over map[string]int) map[string]int {
	m := map[string]int{}
	for _, d := range casework.Domains {
		m[d.Code] = level
	}
	for k, v := range over {
		m[k] = v
	}
	return m
}

// zrmOpenCase gives the household an active case with the regisseur, as the
// cases part does; written directly so these tests stand alone.
func zrmOpenCase(t *testing.T, s *store.Store, gm, householdID, regisseurID string) {
	t.Helper()
	err := s.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO cases (id, gemeente, household_id, regisseur_id, status, opened_at) VALUES (?, ?, ?, ?, 'actief', ?)",
			secret.ID(), gm, householdID, regisseurID, time.Now().UTC().Format(time.RFC3339))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func zrmCount(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	var n int
	if err := s.Tx(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestZRMAssessmentRoundTripAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := zrmSetup(t, s)
		first := casework.Assessment{Household: f.h.ID, Person: f.mother.ID, Datum: f.today.AddDays(-200), Scores: zrmScores(2, map[string]int{"justitie": 0}), Toelichting: "intake"}
		if err := s.CreateAssessment(ctx, f.meppel, &first); err != nil {
			t.Fatal(err)
		}
		second := casework.Assessment{Household: f.h.ID, Person: f.mother.ID, Datum: f.today, Scores: zrmScores(3, map[string]int{"financien": 1})}
		if err := s.CreateAssessment(ctx, f.teamleider, &second); err != nil {
			t.Fatal(err)
		}
		son := casework.Assessment{Household: f.h.ID, Person: f.son.ID, Datum: f.today.AddDays(-10), Scores: zrmScores(4, nil)}
		if err := s.CreateAssessment(ctx, f.meppel, &son); err != nil {
			t.Fatal(err)
		}
		got, err := s.AssessmentsForHousehold(ctx, f.meppel, f.h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].ID != first.ID || got[2].ID != second.ID {
			t.Fatalf("want 3 assessments oldest first, got %+v", got)
		}
		g := got[0]
		if len(g.Scores) != 13 || g.Scores["financien"] != 2 || g.Scores["justitie"] != 0 || g.Toelichting != "intake" ||
			g.PersonName != "Anna Jansen" || g.ByName != "r@meppel.nl" || g.By != f.meppel.P.UserID || g.Datum.ISO() != first.Datum.ISO() || g.Gemeente != "GM0119" {
			t.Fatalf("round trip: %+v", g)
		}
		if got[2].ByName != "tl@meppel.nl" || got[2].Scores["financien"] != 1 {
			t.Fatalf("second: %+v", got[2])
		}
		mine, err := s.AssessmentsForPerson(ctx, f.meppel, f.mother.ID)
		if err != nil || len(mine) != 2 || mine[1].ID != second.ID {
			t.Fatalf("for person: %+v %v", mine, err)
		}
		// The change per domain, as the overview shows it.
		cs := casework.CompareAssessments(&mine[0], mine[1])
		if cs[0].Tekst != "van 2 naar 1" || cs[0].Richting != casework.ChangeDown || cs[1].Richting != casework.ChangeUp {
			t.Fatalf("compare: %+v", cs[:2])
		}
		// Audit: the creation (as a write) and the reads, with record type zrm.
		recs, err := s.SearchAudit(ctx, f.beheer, audit.Filter{RecordID: first.ID})
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, r := range recs {
			if r.RecordType != store.RecZRM {
				t.Errorf("record type %q", r.RecordType)
			}
			acts = append(acts, string(r.Action))
		}
		if len(acts) != 3 || acts[0] != "lezen" || acts[1] != "lezen" || acts[2] != "aanmaken" {
			t.Fatalf("audit of the assessment: %v", acts)
		}
		recs, _ = s.SearchAudit(ctx, f.beheer, audit.Filter{RecordID: second.ID, Action: audit.Create})
		if len(recs) != 1 || recs[0].Role != "teamleider" || recs[0].UserEmail != "tl@meppel.nl" {
			t.Fatalf("create audit: %+v", recs)
		}
	})
}

func TestZRMBadInputIsNamedAndNothingSaved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := zrmSetup(t, s)
		ok := func() casework.Assessment {
			return casework.Assessment{Household: f.h.ID, Person: f.mother.ID, Datum: f.today, Scores: zrmScores(3, nil)}
		}
		cases := []struct {
			name  string
			edit  func(*casework.Assessment)
			field string
		}{
			{"future date", func(a *casework.Assessment) { a.Datum = f.today.AddDays(1) }, "datum"},
			{"date out of order: before birth", func(a *casework.Assessment) { a.Person = f.son.ID; a.Datum = people.MustDate("2012-04-02") }, "datum"},
			{"level 6", func(a *casework.Assessment) { a.Scores["huisvesting"] = 6 }, "scores.huisvesting"},
			{"unknown domain", func(a *casework.Assessment) { a.Scores["spiritualiteit"] = 2 }, "scores.spiritualiteit"},
			{"missing domain", func(a *casework.Assessment) { delete(a.Scores, "basale_adl") }, "scores.basale_adl"},
			{"no person", func(a *casework.Assessment) { a.Person = "" }, "persoon"},
			{"person of another household", func(a *casework.Assessment) { a.Person = f.haarlemPerson.ID }, "persoon"},
			{"unknown person", func(a *casework.Assessment) { a.Person = "nobody" }, "persoon"},
		}
		for _, c := range cases {
			a := ok()
			c.edit(&a)
			err := s.CreateAssessment(ctx, f.meppel, &a)
			fe, isFE := people.AsFieldErrors(err)
			if !isFE || fe.For(c.field) == "" {
				t.Errorf("%s: want an error on %s, got %v", c.name, c.field, err)
			}
		}
		if n := zrmCount(t, s, "assessments"); n != 0 {
			t.Fatalf("%d assessments saved from bad input", n)
		}
		if n := zrmCount(t, s, "assessment_scores"); n != 0 {
			t.Fatalf("%d scores saved from bad input", n)
		}
	})
}

func TestZRMTenantIsolationAndBeleid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := zrmSetup(t, s)
		a := casework.Assessment{Household: f.h.ID, Person: f.mother.ID, Datum: f.today, Scores: zrmScores(3, nil)}
		if err := s.CreateAssessment(ctx, f.meppel, &a); err != nil {
			t.Fatal(err)
		}
		_, errOther := s.AssessmentsForHousehold(ctx, f.haarlem, f.h.ID)
		_, errNone := s.AssessmentsForHousehold(ctx, f.haarlem, "no-such-household")
		if !errs.Is(errOther, errs.NotFound) || errOther.Error() != errNone.Error() {
			t.Fatalf("other tenant %v vs missing %v", errOther, errNone)
		}
		if _, err := s.AssessmentsForPerson(ctx, f.haarlem, f.mother.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("person across tenants: %v", err)
		}
		b := casework.Assessment{Household: f.h.ID, Person: f.mother.ID, Datum: f.today, Scores: zrmScores(3, nil)}
		if err := s.CreateAssessment(ctx, f.haarlem, &b); !errs.Is(err, errs.NotFound) {
			t.Fatalf("write across tenants: %v", err)
		}
		for name, err := range map[string]error{
			"household": func() error { _, err := s.AssessmentsForHousehold(ctx, f.beleid, f.h.ID); return err }(),
			"person":    func() error { _, err := s.AssessmentsForPerson(ctx, f.beleid, f.mother.ID); return err }(),
			"create":    s.CreateAssessment(ctx, f.beleid, &b),
		} {
			if !errs.Is(err, errs.NotFound) {
				t.Errorf("beleid %s: %v", name, err)
			}
		}
		if _, err := s.StaleAssessments(ctx, f.beleid, "", f.today); !errs.Is(err, errs.Forbidden) {
			t.Errorf("beleid worklist: %v", err)
		}
		if n := zrmCount(t, s, "assessments"); n != 1 {
			t.Fatalf("refused writes saved something: %d", n)
		}
	})
}

func TestStaleAssessments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := zrmSetup(t, s)
		// The regisseur's household: mother (assessed long ago), father (never),
		// son (a child: the ZRM is for adults), grandmother (assessed recently),
		// a lodger who moved out.
		zrmOpenCase(t, s, "GM0119", f.h.ID, f.meppel.P.UserID)
		father := person(t, f.fixture, f.meppel, "GM0119", "999990044", "Jansen", &people.Member{Household: f.h.ID, Rol: "partner", Start: people.MustDate("2010-01-01")})
		gran := person(t, f.fixture, f.meppel, "GM0119", "999990056", "Oma", &people.Member{Household: f.h.ID, Rol: "overig", Start: people.MustDate("2020-01-01")})
		lodgerM := &people.Member{Household: f.h.ID, Rol: "overig", Start: people.MustDate("2019-01-01")}
		person(t, f.fixture, f.meppel, "GM0119", "999990068", "Kamerbewoner", lodgerM)
		if err := s.EndMember(ctx, f.meppel, f.h.ID, lodgerM.ID, people.MustDate("2021-01-01")); err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			p   people.Person
			ago int
		}{{f.mother, 400}, {f.mother, 300}, {gran, 20}} {
			a := casework.Assessment{Household: f.h.ID, Person: x.p.ID, Datum: f.today.AddDays(-x.ago), Scores: zrmScores(3, nil)}
			if err := s.CreateAssessment(ctx, f.meppel, &a); err != nil {
				t.Fatal(err)
			}
		}
		// Another regisseur's household with a never-assessed adult.
		h2 := household(t, f.fixture, f.meppel, "GM0119", "WK011902", "7942CD", 4)
		person(t, f.fixture, f.meppel, "GM0119", "999990081", "Anders", &people.Member{Household: h2.ID, Rol: "ouder", Start: people.MustDate("2018-01-01")})
		zrmOpenCase(t, s, "GM0119", h2.ID, f.otherRegisseur.P.UserID)

		sixMonths := f.today.AddDays(-183)
		got, err := s.StaleAssessments(ctx, f.meppel, f.meppel.P.UserID, sixMonths)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].PersonID != father.ID || !got[0].Laatste.IsZero() || got[1].PersonID != f.mother.ID ||
			got[1].Laatste.ISO() != f.today.AddDays(-300).ISO() || got[1].Adres != "7941 AB 10" || got[1].HouseholdID != f.h.ID || got[1].PersonName != "Anna Jansen" {
			t.Fatalf("stale for the regisseur: %+v", got)
		}
		all, err := s.StaleAssessments(ctx, f.teamleider, "", sixMonths)
		if err != nil || len(all) != 3 {
			t.Fatalf("stale for the whole team: %+v %v", all, err)
		}
		// The worklist read is audited as a search of those persons.
		recs, _ := s.SearchAudit(ctx, f.beheer, audit.Filter{RecordID: father.ID, Action: audit.Search})
		if len(recs) != 2 {
			t.Fatalf("worklist reads not audited: %+v", recs)
		}
		// Another gemeente's regisseur sees nothing of Meppel.
		if got, err := s.StaleAssessments(ctx, f.haarlem, "", sixMonths); err != nil || len(got) != 0 {
			t.Fatalf("across tenants: %+v %v", got, err)
		}
	})
}

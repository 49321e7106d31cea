package store_test

import (
	"strings"
	"sync"
	"testing"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

var scEach = storetest.Each

func scHousehold(t *testing.T, f scFix, pc string, nr int, toev string) people.Household {
	t.Helper()
	h := people.Household{Gemeente: "GM0119", Postcode: pc, Huisnummer: nr, Toevoeging: toev, Wijk: "WK011901"}
	if err := f.s.CreateHousehold(ctx, f.reg, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func scMember(t *testing.T, f scFix, householdID, bsn string) *people.Member {
	t.Helper()
	m := &people.Member{Household: householdID, Rol: "ouder", Start: people.MustDate("2020-01-01")}
	p := people.Person{Gemeente: "GM0119", BSN: bsn, Voornamen: "Els", Achternaam: "Jansen", Geboortedatum: people.MustDate("1950-03-01"), Geslacht: "vrouw"}
	if err := f.s.CreatePerson(ctx, f.reg, &p, m); err != nil {
		t.Fatal(err)
	}
	return m
}

func fieldOf(err error, field string) bool {
	fe, ok := people.AsFieldErrors(err)
	return ok && fe.For(field) != ""
}

func TestOneActiveCasePerHousehold(t *testing.T) {
	scEach(t, func(t *testing.T, s *store.Store) {
		f := scSetup(t, s)
		h := scHousehold(t, f, "7941AB", 1, "")
		// The regisseur must work in the gemeente as regisseur or teamleider.
		for name, who := range map[string]store.Actor{"melder": f.melder, "beleid": f.beleid, "haarlem": f.hrl} {
			if _, err := s.OpenCase(ctx, f.reg, h.ID, who.P.UserID); !fieldOf(err, "regisseur") {
				t.Errorf("%s as regisseur: %v", name, err)
			}
		}
		if _, err := s.OpenCase(ctx, f.reg, h.ID, "bestaat-niet"); !fieldOf(err, "regisseur") {
			t.Errorf("unknown regisseur: %v", err)
		}
		c, err := s.OpenCase(ctx, f.reg, h.ID, f.reg2.P.UserID)
		if err != nil || c.RegisseurEmail != "bert@meppel.nl" || c.Status != casework.CaseActive || c.Opened.IsZero() || c.Gemeente != "GM0119" {
			t.Fatalf("open: %+v %v", c, err)
		}
		// A second active case: a clear conflict naming the regisseur.
		_, err = s.OpenCase(ctx, f.lead, h.ID, "")
		if !errs.Is(err, errs.Conflict) || !strings.Contains(errs.Message(err), "bert@meppel.nl") {
			t.Fatalf("second case: %v", err)
		}
		got, ok, err := s.ActiveCase(ctx, f.reg, h.ID)
		if err != nil || !ok || got.ID != c.ID || got.RegisseurNaam != "bert" || got.RegisseurID != f.reg2.P.UserID {
			t.Fatalf("active: %+v %v %v", got, ok, err)
		}
		// Empty regisseur means the actor.
		h2 := scHousehold(t, f, "7941AB", 2, "")
		if c2, err := s.OpenCase(ctx, f.lead, h2.ID, ""); err != nil || c2.RegisseurEmail != "carla@meppel.nl" {
			t.Fatalf("open for self: %+v %v", c2, err)
		}
		if _, ok, err := s.ActiveCase(ctx, f.reg, scHousehold(t, f, "7941AB", 3, "").ID); ok || err != nil {
			t.Fatalf("household without a case: %v %v", ok, err)
		}
		// Other gemeenten and beleid see nothing and change nothing.
		_, _, errNone := s.ActiveCase(ctx, f.hrl, "bestaat-niet")
		for name, a := range map[string]store.Actor{"haarlem": f.hrl, "beleid": f.beleid, "melder": f.melder} {
			if _, _, err := s.ActiveCase(ctx, a, h.ID); !errs.Is(err, errs.NotFound) || err.Error() != errNone.Error() {
				t.Errorf("%s read a case: %v", name, err)
			}
			if _, _, err := s.CaseHistory(ctx, a, h.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s read a case history: %v", name, err)
			}
			if _, err := s.OpenCase(ctx, a, h2.ID, ""); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s opened a case: %v", name, err)
			}
			if _, err := s.CloseCase(ctx, a, h.ID, "weg"); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s closed a case: %v", name, err)
			}
			if _, err := s.HandOver(ctx, a, h.ID, f.reg.P.UserID, "over"); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s handed over a case: %v", name, err)
			}
		}
		// Audited: the open as aanmaken, the read as lezen.
		if a := auditActions(t, f, c.ID); len(a) != 2 || a[1] != "anna@meppel.nl regisseur aanmaken casus" || a[0] != "anna@meppel.nl regisseur lezen casus" {
			t.Fatalf("case audit: %v", a)
		}
	})
}

func TestConcurrentOpenCase(t *testing.T) {
	scEach(t, func(t *testing.T, s *store.Store) {
		f := scSetup(t, s)
		for round := 0; round < 8; round++ {
			h := scHousehold(t, f, "7941AB", 100+round, "")
			var wg sync.WaitGroup
			errc := make(chan error, 3)
			for _, a := range []store.Actor{f.reg, f.reg2, f.lead} {
				wg.Add(1)
				go func(a store.Actor) {
					defer wg.Done()
					_, err := s.OpenCase(ctx, a, h.ID, "")
					errc <- err
				}(a)
			}
			wg.Wait()
			close(errc)
			ok, conflicts := 0, 0
			for err := range errc {
				switch {
				case err == nil:
					ok++
				case errs.Is(err, errs.Conflict):
					conflicts++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if ok != 1 || conflicts != 2 {
				t.Fatalf("round %d: %d opened, %d conflicts", round, ok, conflicts)
			}
			cases, _, err := s.CaseHistory(ctx, f.reg, h.ID)
			if err != nil || len(cases) != 1 {
				t.Fatalf("round %d: %d cases %v", round, len(cases), err)
			}
		}
	})
}

func TestHandoverAndClose(t *testing.T) {
	scEach(t, func(t *testing.T, s *store.Store) {
		f := scSetup(t, s)
		h := scHousehold(t, f, "7941AB", 1, "")
		c, err := s.OpenCase(ctx, f.reg, h.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		// A colleague who is not the regisseur (nor teamleider) may not.
		if _, err := s.HandOver(ctx, f.reg2, h.ID, f.reg2.P.UserID, "ik neem het over"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("colleague took the case: %v", err)
		}
		if _, err := s.CloseCase(ctx, f.reg2, h.ID, "klaar"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("colleague closed the case: %v", err)
		}
		// Bad input is named.
		for _, x := range []struct{ to, note, field string }{
			{f.reg2.P.UserID, " ", "notitie"},
			{"", "notitie", "regisseur"},
			{f.reg.P.UserID, "aan mezelf", "regisseur"},
			{f.melder.P.UserID, "aan de thuiszorg", "regisseur"},
			{f.hrl.P.UserID, "aan Haarlem", "regisseur"},
		} {
			if _, err := s.HandOver(ctx, f.reg, h.ID, x.to, x.note); !fieldOf(err, x.field) {
				t.Errorf("handover %+v: %v", x, err)
			}
		}
		ho, err := s.HandOver(ctx, f.reg, h.ID, f.reg2.P.UserID, "Mevrouw belt liever 's ochtends. Schuldhulp loopt.")
		if err != nil || ho.FromEmail != "anna@meppel.nl" || ho.ToEmail != "bert@meppel.nl" || ho.ByEmail != "anna@meppel.nl" {
			t.Fatalf("handover: %+v %v", ho, err)
		}
		if got, _, _ := s.ActiveCase(ctx, f.reg, h.ID); got.RegisseurEmail != "bert@meppel.nl" || got.ID != c.ID {
			t.Fatalf("after handover: %+v", got)
		}
		// Now the former regisseur may not hand over; a teamleider may.
		if _, err := s.HandOver(ctx, f.reg, h.ID, f.reg.P.UserID, "terug"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("former regisseur handed over: %v", err)
		}
		if _, err := s.HandOver(ctx, f.lead, h.ID, f.lead.P.UserID, "Ik neem dit tijdelijk over tijdens verlof van Bert."); err != nil {
			t.Fatalf("teamleider handover: %v", err)
		}
		// Close: a reason is required.
		if _, err := s.CloseCase(ctx, f.lead, h.ID, "  "); !fieldOf(err, "reden") {
			t.Fatalf("close without reason: %v", err)
		}
		closed, err := s.CloseCase(ctx, f.lead, h.ID, "Doelen bereikt; gezin redt het zelf.")
		if err != nil || closed.Status != casework.CaseClosed || closed.Closed == nil {
			t.Fatalf("close: %+v %v", closed, err)
		}
		if _, ok, _ := s.ActiveCase(ctx, f.reg, h.ID); ok {
			t.Fatal("closed case still active")
		}
		if _, err := s.CloseCase(ctx, f.lead, h.ID, "nog eens"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("close twice: %v", err)
		}
		if _, err := s.HandOver(ctx, f.lead, h.ID, f.reg.P.UserID, "na afsluiten"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("handover of a closed case: %v", err)
		}
		// A new period of work may start; history keeps both.
		if _, err := s.OpenCase(ctx, f.reg, h.ID, ""); err != nil {
			t.Fatal(err)
		}
		cases, hos, err := s.CaseHistory(ctx, f.reg, h.ID)
		if err != nil || len(cases) != 2 || !cases[0].Active() || cases[1].CloseReason != "Doelen bereikt; gezin redt het zelf." || len(hos) != 2 {
			t.Fatalf("history: %+v %+v %v", cases, hos, err)
		}
		if hos[0].Note != "Mevrouw belt liever 's ochtends. Schuldhulp loopt." || hos[1].ToEmail != "carla@meppel.nl" || hos[1].ByEmail != "carla@meppel.nl" || hos[0].At.After(hos[1].At) {
			t.Fatalf("handovers: %+v", hos)
		}
		acts := auditActions(t, f, c.ID)
		if n := strings.Count(strings.Join(acts, "|"), "wijzigen casus"); n != 3 {
			t.Fatalf("two handovers and a close audited as wijzigen: %v", acts)
		}
	})
}

func TestCaseload(t *testing.T) {
	scEach(t, func(t *testing.T, s *store.Store) {
		f := scSetup(t, s)
		for i := 0; i < 3; i++ {
			if _, err := s.OpenCase(ctx, f.reg, scHousehold(t, f, "7941AB", 10+i, "").ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		h := scHousehold(t, f, "7941AB", 20, "")
		if _, err := s.OpenCase(ctx, f.reg2, h.ID, ""); err != nil {
			t.Fatal(err)
		}
		closed := scHousehold(t, f, "7941AB", 21, "")
		if _, err := s.OpenCase(ctx, f.reg2, closed.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CloseCase(ctx, f.reg2, closed.ID, "verhuisd"); err != nil {
			t.Fatal(err)
		}
		rows, err := s.Caseload(ctx, f.lead, "")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, r := range rows {
			got[r.Email] = r.Active
			if r.Gemeente != "GM0119" || !r.Caseworker {
				t.Errorf("row %+v", r)
			}
		}
		if len(rows) != 3 || got["anna@meppel.nl"] != 3 || got["bert@meppel.nl"] != 1 || got["carla@meppel.nl"] != 0 || rows[0].Email != "anna@meppel.nl" {
			t.Fatalf("caseload: %+v", rows)
		}
		// Only a teamleider sees the team's caseload.
		for name, a := range map[string]store.Actor{"regisseur": f.reg, "beleid": f.beleid, "melder": f.melder, "haarlem": f.hrl} {
			if _, err := s.Caseload(ctx, a, ""); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s saw the caseload: %v", name, err)
			}
		}
		if _, err := s.Caseload(ctx, f.lead, "GM0392"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("caseload of another gemeente: %v", err)
		}
		// A regisseur lists their own households; a teamleider anyone's.
		own, err := s.RegisseurHouseholds(ctx, f.reg2, f.reg2.P.UserID)
		if err != nil || len(own) != 1 || own[0].Household.ID != h.ID || own[0].Household.Postcode != "7941AB" || own[0].Case.RegisseurEmail != "bert@meppel.nl" {
			t.Fatalf("own list: %+v %v", own, err)
		}
		if _, err := s.RegisseurHouseholds(ctx, f.reg2, f.reg.P.UserID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("regisseur listed a colleague's households: %v", err)
		}
		if list, err := s.RegisseurHouseholds(ctx, f.lead, f.reg.P.UserID); err != nil || len(list) != 3 {
			t.Fatalf("teamleider list: %d %v", len(list), err)
		}
		for name, a := range map[string]store.Actor{"beleid": f.beleid, "haarlem": f.hrl} {
			if list, err := s.RegisseurHouseholds(ctx, a, f.reg.P.UserID); err == nil {
				t.Errorf("%s listed households: %v", name, list)
			}
		}
		recs, _ := s.SearchAudit(ctx, f.beheer, audit.Filter{RecordID: h.ID, Action: audit.Search})
		if len(recs) != 1 || recs[0].UserEmail != "bert@meppel.nl" {
			t.Fatalf("list audited: %+v", recs)
		}
		// The choice of regisseurs: regisseur and teamleider only.
		us, err := s.Caseworkers(ctx, f.reg, "GM0119")
		if err != nil || len(us) != 3 || us[0].PasswordHash != "" {
			t.Fatalf("caseworkers: %+v %v", us, err)
		}
		if _, err := s.Caseworkers(ctx, f.beleid, "GM0119"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beleid listed caseworkers: %v", err)
		}
	})
}

func TestCheckNewHousehold(t *testing.T) {
	scEach(t, func(t *testing.T, s *store.Store) {
		f := scSetup(t, s)
		h := scHousehold(t, f, "7941AB", 12, "")
		m := scMember(t, f, h.ID, "999990019")
		at := func(pc string, nr int, toev string) people.Household {
			return people.Household{Gemeente: "GM0119", Postcode: pc, Huisnummer: nr, Toevoeging: toev, Wijk: "WK011901"}
		}
		// Same address: conflict naming the field, linking the household.
		err := s.CheckNewHousehold(ctx, f.reg2, at("7941 ab", 12, ""), "", false, "")
		d, ok := store.AsDuplicate(err)
		if !errs.Is(err, errs.Conflict) || !ok || d.Field != "postcode" || d.HouseholdID != h.ID ||
			!strings.HasPrefix(errs.Message(err), "postcode: ") || !strings.Contains(errs.Message(err), "/huishoudens/"+h.ID) {
			t.Fatalf("same address: %v", err)
		}
		if fieldOf(err, "postcode") {
			t.Fatal("a conflict must not look like invalid input (it would become 422)")
		}
		// The search is audited even though nothing was created.
		if recs, _ := s.SearchAudit(ctx, f.beheer, audit.Filter{RecordID: h.ID, UserEmail: "bert@meppel.nl", Action: audit.Search}); len(recs) != 1 {
			t.Fatalf("refusal not audited: %+v", recs)
		}
		// Confirmation needs a reason; with one, it passes.
		if err := s.CheckNewHousehold(ctx, f.reg2, at("7941AB", 12, ""), "", true, ""); !fieldOf(err, "reden") {
			t.Fatalf("confirm without reason: %v", err)
		}
		if err := s.CheckNewHousehold(ctx, f.reg2, at("7941AB", 12, ""), "", true, "kamerbewoning"); err != nil {
			t.Fatalf("confirmed: %v", err)
		}
		// Another addition, number or gemeente is another address.
		for _, x := range []people.Household{at("7941AB", 12, "a"), at("7941AB", 14, ""), at("7941AC", 12, "")} {
			if err := s.CheckNewHousehold(ctx, f.reg2, x, "", false, ""); err != nil {
				t.Errorf("%s: %v", x.Address(), err)
			}
		}
		if err := s.CheckNewHousehold(ctx, f.hrl, people.Household{Gemeente: "GM0392", Postcode: "7941AB", Huisnummer: 12, Wijk: "WK039201"}, "", false, ""); err != nil {
			t.Fatalf("same postcode in another gemeente: %v", err)
		}
		if err := s.CheckNewHousehold(ctx, f.hrl, at("7941AB", 12, ""), "", false, ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("check in another gemeente: %v", err)
		}
		if err := s.CheckNewHousehold(ctx, f.beleid, at("7941AB", 12, ""), "", false, ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beleid check: %v", err)
		}
		// By exact BSN: the person's current household, wherever it is.
		err = s.CheckNewHousehold(ctx, f.reg2, at("7950ZZ", 1, ""), "99999.0019", false, "")
		if d, ok := store.AsDuplicate(err); !ok || d.Field != "bsn" || d.HouseholdID != h.ID || strings.Contains(errs.Message(err), "999990019") {
			t.Fatalf("by BSN: %v", err)
		}
		if err := s.CheckNewHousehold(ctx, f.reg2, at("7950ZZ", 1, ""), "123456789", false, ""); !fieldOf(err, "bsn") {
			t.Fatalf("bad BSN: %v", err)
		}
		if err := s.CheckNewHousehold(ctx, f.reg2, at("79", 1, ""), "", false, ""); !fieldOf(err, "postcode") {
			t.Fatalf("bad postcode: %v", err)
		}
		// Once everyone moved out, the address is free again.
		if err := s.EndMember(ctx, f.reg, h.ID, m.ID, people.MustDate("2024-01-01")); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckNewHousehold(ctx, f.reg2, at("7941AB", 12, ""), "999990019", false, ""); err != nil {
			t.Fatalf("after moving out: %v", err)
		}
		// A household just started (no members yet) counts.
		empty := scHousehold(t, f, "7941AB", 30, "")
		if d, ok := store.AsDuplicate(s.CheckNewHousehold(ctx, f.reg2, at("7941AB", 30, ""), "", false, "")); !ok || d.HouseholdID != empty.ID {
			t.Fatal("a household without members yet does not count")
		}

		// CreateHouseholdChecked: the check and the creation in one go.
		n := at("7941AB", 30, "")
		if err := s.CreateHouseholdChecked(ctx, f.reg2, &n, "", false, ""); !errs.Is(err, errs.Conflict) || n.ID != "" {
			t.Fatalf("checked create at a known address: %v %q", err, n.ID)
		}
		if err := s.CreateHouseholdChecked(ctx, f.reg2, &n, "", true, "Zoon woont in de aanleunwoning"); err != nil || n.ID == "" {
			t.Fatalf("checked create confirmed: %v", err)
		}
		conf, ok, err := s.ConfirmationFor(ctx, f.reg, n.ID)
		if err != nil || !ok || conf.Existing != empty.ID || conf.Reden != "Zoon woont in de aanleunwoning" {
			t.Fatalf("confirmation: %+v %v %v", conf, ok, err)
		}
		fresh := at("7941AB", 31, "")
		if err := s.CreateHouseholdChecked(ctx, f.reg2, &fresh, "", false, ""); err != nil {
			t.Fatal(err)
		}
		page, _ := s.ListHouseholds(ctx, f.reg, store.HouseholdFilter{Postcode: "7941AB", Huisnummer: 30})
		if page.Total != 2 {
			t.Fatalf("households at no. 30: %d", page.Total)
		}
	})
}

func TestConcurrentCheckedCreate(t *testing.T) {
	scEach(t, func(t *testing.T, s *store.Store) {
		f := scSetup(t, s)
		var wg sync.WaitGroup
		errc := make(chan error, 4)
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func(a store.Actor) {
				defer wg.Done()
				h := people.Household{Gemeente: "GM0119", Postcode: "7941AB", Huisnummer: 77, Wijk: "WK011901"}
				errc <- s.CreateHouseholdChecked(ctx, a, &h, "", false, "")
			}([]store.Actor{f.reg, f.reg2, f.lead, f.reg}[i])
		}
		wg.Wait()
		close(errc)
		ok := 0
		for err := range errc {
			if err == nil {
				ok++
			} else if !errs.Is(err, errs.Conflict) {
				t.Fatal(err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d households created at one address", ok)
		}
	})
}

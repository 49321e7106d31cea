package store_test

import (
	"strings"
	"sync"
	"testing"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// scFix is the fixture of the signal and case tests: Meppel with two
// regisseurs, a teamleider, a partner (melder), beleid and beheer, and a
// regisseur of Haarlem.
type scFix struct {
	s                                    *store.Store
	reg, reg2, lead, melder, beleid, hrl store.Actor
	beheer                               *auth.Principal
	multi                                store.Actor // melder in Meppel and Haarlem
}

func scSetup(t *testing.T, s *store.Store) scFix {
	t.Helper()
	for _, tn := range []store.Tenant{{Gemeente: "GM0119", Naam: "Meppel"}, {Gemeente: "GM0392", Naam: "Haarlem"}} {
		if err := s.EnsureTenant(ctx, tn.Gemeente, tn.Naam); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(email string, gs ...auth.Grant) store.Actor {
		u := &store.User{Email: email, Name: strings.Split(email, "@")[0], PasswordHash: "x", Grants: gs}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	}
	m := func(r auth.Role) auth.Grant { return auth.Grant{Gemeente: "GM0119", Role: r} }
	f := scFix{s: s,
		reg:    mk("anna@meppel.nl", m(auth.Regisseur)),
		reg2:   mk("bert@meppel.nl", m(auth.Regisseur)),
		lead:   mk("carla@meppel.nl", m(auth.Teamleider)),
		melder: mk("wijkzuster@thuiszorg.nl", m(auth.Melder)),
		beleid: mk("beleid@meppel.nl", m(auth.Beleid)),
		hrl:    mk("r@haarlem.nl", auth.Grant{Gemeente: "GM0392", Role: auth.Regisseur}),
		multi:  mk("meldpunt@corporatie.nl", m(auth.Melder), auth.Grant{Gemeente: "GM0392", Role: auth.Melder}),
	}
	f.beheer = mk("beheer@meppel.nl", m(auth.Beheer)).P
	return f
}

func scSignal(wijk, pc string, nr int, urg string) casework.Signal {
	return casework.Signal{Gemeente: "GM0119", Wijk: wijk, Postcode: pc, Huisnummer: nr, Naam: "mevrouw Jansen", Bron: "thuiszorg",
		Wat: "De koelkast is leeg en er liggen ongeopende brieven van de deurwaarder.", Domeinen: []string{"financien", "basale_adl"},
		Urgentie: urg, BewonerWeet: true, BewonerAkkoord: true}
}

func mustSignal(t *testing.T, f scFix, a store.Actor, g casework.Signal) casework.Signal {
	t.Helper()
	if err := f.s.CreateSignal(ctx, a, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func auditActions(t *testing.T, f scFix, recordID string) []string {
	t.Helper()
	recs, err := f.s.SearchAudit(ctx, f.beheer, audit.Filter{RecordID: recordID})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		out = append(out, r.UserEmail+" "+r.Role+" "+string(r.Action)+" "+r.RecordType)
	}
	return out
}

func TestSignalCreateAndValidation(t *testing.T) {
	scEach(t, func(t *testing.T, s *store.Store) {
		f := scSetup(t, s)
		g := mustSignal(t, f, f.melder, scSignal("WK011901", "7941 ab", 12, "normaal"))
		if g.ID == "" || g.Status != casework.SignalNew || g.Postcode != "7941AB" || g.Wijk != "WK011901" || g.ReporterEmail != "wijkzuster@thuiszorg.nl" {
			t.Fatalf("created: %+v", g)
		}
		got, err := s.GetSignal(ctx, f.reg, g.ID)
		if err != nil || got.Wat != g.Wat || strings.Join(got.Domeinen, ",") != "financien,basale_adl" || !got.BewonerAkkoord || got.Naam != "mevrouw Jansen" {
			t.Fatalf("read back: %+v %v", got, err)
		}
		if a := auditActions(t, f, g.ID); len(a) != 2 || a[1] != "wijkzuster@thuiszorg.nl melder aanmaken signaal" || a[0] != "anna@meppel.nl regisseur lezen signaal" {
			t.Fatalf("audit: %v", a)
		}

		// Each bad field is named, and nothing is saved.
		bad := []struct {
			name  string
			edit  func(*casework.Signal)
			field string
		}{
			{"source", func(g *casework.Signal) { g.Bron = "roddel" }, "bron"},
			{"no text", func(g *casework.Signal) { g.Wat = "" }, "wat"},
			{"no domain", func(g *casework.Signal) { g.Domeinen = nil }, "domeinen"},
			{"unknown domain", func(g *casework.Signal) { g.Domeinen = []string{"geluk"} }, "domeinen"},
			{"urgency", func(g *casework.Signal) { g.Urgentie = "zsm" }, "urgentie"},
			{"agreement without knowing", func(g *casework.Signal) { g.BewonerWeet = false }, "bewoner_akkoord"},
			{"postcode", func(g *casework.Signal) { g.Postcode = "12" }, "postcode"},
			{"house number", func(g *casework.Signal) { g.Huisnummer = -1 }, "huisnummer"},
			{"wijk of another gemeente", func(g *casework.Signal) { g.Wijk = "WK039201" }, "wijk"},
			{"address unknown, no wijk", func(g *casework.Signal) { g.Wijk = "" }, "wijk"},
			{"gemeente not served by the reporter", func(g *casework.Signal) { g.Gemeente = "GM0392"; g.Wijk = "WK039201" }, "gemeente"},
		}
		for _, b := range bad {
			x := scSignal("WK011901", "7941AB", 14, "hoog")
			b.edit(&x)
			fe, ok := people.AsFieldErrors(s.CreateSignal(ctx, f.melder, &x))
			if !ok || fe.For(b.field) == "" {
				t.Errorf("%s: want error on %s, got %v", b.name, b.field, fe)
			}
		}
		all, err := s.SignalInbox(ctx, f.reg, store.SignalFilter{Status: "alle"})
		if err != nil || len(all) != 1 {
			t.Fatalf("refused signals saved: %d %v", len(all), err)
		}

		// The postcode table places the address, whatever wijk was picked.
		if err := s.PutPostcodeAreas(ctx, []store.PostcodeArea{{Postcode: "7942AA", HuisnummerVan: 1, HuisnummerTot: 99, Gemeente: "GM0119", Wijk: "WK011902"}}); err != nil {
			t.Fatal(err)
		}
		placed := mustSignal(t, f, f.melder, scSignal("", "7942AA", 5, "laag"))
		picked := mustSignal(t, f, f.melder, scSignal("WK011905", "7942AA", 7, "laag"))
		if placed.Wijk != "WK011902" || picked.Wijk != "WK011902" {
			t.Fatalf("placement: %s, %s", placed.Wijk, picked.Wijk)
		}

		// A reporter with roles in two gemeenten must pick one; one with a
		// single gemeente need not.
		x := scSignal("WK011901", "7941AB", 20, "laag")
		x.Gemeente = ""
		if fe, ok := people.AsFieldErrors(s.CreateSignal(ctx, f.multi, &x)); !ok || fe.For("gemeente") == "" {
			t.Fatalf("multi-gemeente reporter without gemeente: %v", fe)
		}
		x = scSignal("WK039201", "2011AA", 1, "laag")
		x.Gemeente = "GM0392"
		mustSignal(t, f, f.multi, x)
		x = scSignal("WK011901", "7941AB", 20, "laag")
		x.Gemeente = ""
		if g := mustSignal(t, f, f.melder, x); g.Gemeente != "GM0119" {
			t.Fatalf("single-gemeente reporter: %s", g.Gemeente)
		}
		// Beleid may report (every role may), but reads nothing.
		mustSignal(t, f, f.beleid, scSignal("WK011901", "7941AB", 30, "laag"))
	})
}

func TestSignalInboxOrderAndFilters(t *testing.T) {
	scEach(t, func(t *testing.T, s *store.Store) {
		f := scSetup(t, s)
		laag := mustSignal(t, f, f.melder, scSignal("WK011901", "7941AB", 1, "laag"))
		normaal := mustSignal(t, f, f.melder, scSignal("WK011902", "7941AB", 2, "normaal"))
		hoog := mustSignal(t, f, f.melder, scSignal("WK011901", "7941AB", 3, "hoog"))
		acuut := mustSignal(t, f, f.reg2, scSignal("WK011902", "7941AB", 4, "acuut"))
		hoog2 := mustSignal(t, f, f.melder, scSignal("WK011901", "7941AB", 5, "hoog"))
		other := scSignal("WK039201", "2011AA", 1, "acuut")
		other.Gemeente = "GM0392"
		mustSignal(t, f, f.hrl, other)

		ids := func(gs []casework.Signal) string {
			names := map[string]string{laag.ID: "laag", normaal.ID: "normaal", hoog.ID: "hoog", acuut.ID: "acuut", hoog2.ID: "hoog2"}
			var out []string
			for _, g := range gs {
				n := names[g.ID]
				if n == "" {
					n = "?" + g.Gemeente
				}
				out = append(out, n)
			}
			return strings.Join(out, ",")
		}
		inbox, err := s.SignalInbox(ctx, f.reg, store.SignalFilter{})
		if err != nil || ids(inbox) != "acuut,hoog,hoog2,laag,normaal" {
			t.Fatalf("order: %s %v", ids(inbox), err)
		}
		inbox, _ = s.SignalInbox(ctx, f.lead, store.SignalFilter{Gemeente: "GM0119", Wijk: "WK011902"})
		if ids(inbox) != "acuut,normaal" {
			t.Fatalf("wijk filter: %s", ids(inbox))
		}
		if _, err := s.TriageSignal(ctx, f.reg, hoog.ID, casework.Triage{Outcome: casework.SignalClosed, Reden: "dubbel gemeld"}); err != nil {
			t.Fatal(err)
		}
		inbox, _ = s.SignalInbox(ctx, f.reg, store.SignalFilter{})
		if ids(inbox) != "acuut,hoog2,laag,normaal" {
			t.Fatalf("open after triage: %s", ids(inbox))
		}
		inbox, _ = s.SignalInbox(ctx, f.reg, store.SignalFilter{Status: casework.SignalClosed})
		if ids(inbox) != "hoog" || inbox[0].Reden != "dubbel gemeld" || inbox[0].TriagedBy != "anna@meppel.nl" || inbox[0].TriagedAt == nil {
			t.Fatalf("closed filter: %s %+v", ids(inbox), inbox)
		}
		inbox, _ = s.SignalInbox(ctx, f.reg, store.SignalFilter{Status: "alle"})
		if len(inbox) != 5 {
			t.Fatalf("all: %s", ids(inbox))
		}
		if _, err := s.SignalInbox(ctx, f.reg, store.SignalFilter{Status: "weg"}); err == nil {
			t.Fatal("unknown status accepted")
		}
		counts, err := s.OpenSignalsPerWijk(ctx, f.reg)
		if err != nil || len(counts) != 2 || counts[0].Wijk != "WK011901" || counts[0].Open != 2 || counts[1].Open != 2 {
			t.Fatalf("per wijk: %+v %v", counts, err)
		}
		if n, err := s.OpenSignalCount(ctx, f.reg, "GM0119"); err != nil || n != 4 {
			t.Fatalf("open count: %d %v", n, err)
		}

		// Only the team of the gemeente sees the inbox.
		for name, a := range map[string]store.Actor{"melder": f.melder, "beleid": f.beleid} {
			if _, err := s.SignalInbox(ctx, a, store.SignalFilter{}); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s inbox: %v", name, err)
			}
			if _, err := s.OpenSignalCount(ctx, a, "GM0119"); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s count: %v", name, err)
			}
		}
		hinbox, err := s.SignalInbox(ctx, f.hrl, store.SignalFilter{})
		if err != nil || len(hinbox) != 1 || hinbox[0].Gemeente != "GM0392" {
			t.Fatalf("haarlem inbox: %+v %v", hinbox, err)
		}
		if _, err := s.SignalInbox(ctx, f.hrl, store.SignalFilter{Gemeente: "GM0119"}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("inbox of another gemeente: %v", err)
		}
		// Every listed signal is audited as seen in a search.
		recs, _ := s.SearchAudit(ctx, f.beheer, audit.Filter{RecordID: acuut.ID, Action: audit.Search})
		if len(recs) < 3 {
			t.Fatalf("inbox reads not audited: %d", len(recs))
		}
	})
}

func TestSignalTriageOutcomes(t *testing.T) {
	scEach(t, func(t *testing.T, s *store.Store) {
		f := scSetup(t, s)
		h := scHousehold(t, f, "7941AB", 12, "")
		scMember(t, f, h.ID, "999990019")
		hh := people.Household{Gemeente: "GM0392", Postcode: "2011AA", Huisnummer: 3, Wijk: "WK039201"}
		if err := s.CreateHousehold(ctx, f.hrl, &hh); err != nil {
			t.Fatal(err)
		}

		// Link: only to a household of the signal's gemeente.
		g := mustSignal(t, f, f.melder, scSignal("WK011901", "7941AB", 12, "hoog"))
		if fe, ok := people.AsFieldErrors(func() error {
			_, err := s.TriageSignal(ctx, f.reg, g.ID, casework.Triage{Outcome: casework.SignalLinked, Household: hh.ID})
			return err
		}()); !ok || fe.For("huishouden") == "" {
			t.Fatalf("link to another gemeente's household: %v", fe)
		}
		res, err := s.TriageSignal(ctx, f.reg, g.ID, casework.Triage{Outcome: casework.SignalLinked, Household: h.ID})
		if err != nil || res.Household != h.ID || res.Case != nil {
			t.Fatalf("link: %+v %v", res, err)
		}
		// Twice: conflict, and nothing changes.
		for _, tr := range []casework.Triage{{Outcome: casework.SignalClosed, Reden: "toch niet"}, {Outcome: casework.SignalLinked, Household: h.ID}} {
			if _, err := s.TriageSignal(ctx, f.reg2, g.ID, tr); !errs.Is(err, errs.Conflict) {
				t.Fatalf("double triage: %v", err)
			}
		}
		linked, err := s.SignalsForHousehold(ctx, f.reg, h.ID)
		if err != nil || len(linked) != 1 || linked[0].Status != casework.SignalLinked || linked[0].Reden != "" {
			t.Fatalf("signals for household: %+v %v", linked, err)
		}
		if a := auditActions(t, f, g.ID); a[0] != "anna@meppel.nl regisseur lezen signaal" || a[1] != "anna@meppel.nl regisseur wijzigen signaal" {
			t.Fatalf("triage audit: %v", a)
		}

		// Refer and close need a reason.
		g2 := mustSignal(t, f, f.melder, scSignal("WK011901", "7941AB", 40, "laag"))
		if fe, ok := people.AsFieldErrors(func() error {
			_, err := s.TriageSignal(ctx, f.reg, g2.ID, casework.Triage{Outcome: casework.SignalReferred})
			return err
		}()); !ok || fe.For("reden") == "" {
			t.Fatalf("refer without where to: %v", fe)
		}
		if _, err := s.TriageSignal(ctx, f.reg, g2.ID, casework.Triage{Outcome: casework.SignalReferred, Reden: "Buurthuis De Schakel, inloop op dinsdag"}); err != nil {
			t.Fatal(err)
		}

		// Start a new household: refused where one lives, unless confirmed
		// with a reason; then a household and a case with the actor as
		// regisseur, in one go.
		g3 := mustSignal(t, f, f.melder, scSignal("WK011901", "7941AB", 12, "acuut"))
		_, err = s.TriageSignal(ctx, f.lead, g3.ID, casework.Triage{Outcome: casework.SignalNewCase})
		d, ok := store.AsDuplicate(err)
		if !errs.Is(err, errs.Conflict) || !ok || d.HouseholdID != h.ID || d.Field != "postcode" || !strings.Contains(errs.Message(err), "/huishoudens/"+h.ID) {
			t.Fatalf("new household at a known address: %v", err)
		}
		if g, _ := s.GetSignal(ctx, f.reg, g3.ID); g.Status != casework.SignalNew {
			t.Fatalf("refused triage changed the signal: %s", g.Status)
		}
		res, err = s.TriageSignal(ctx, f.lead, g3.ID, casework.Triage{Outcome: casework.SignalNewCase, Confirm: true, Reden: "kamerbewoning: zij huurt een kamer"})
		if err != nil || res.Household == "" || res.Household == h.ID || res.Case == nil || res.Case.RegisseurEmail != "carla@meppel.nl" {
			t.Fatalf("new household confirmed: %+v %v", res, err)
		}
		nh, err := s.GetHousehold(ctx, f.reg, res.Household)
		if err != nil || nh.Postcode != "7941AB" || nh.Huisnummer != 12 || nh.Wijk != "WK011901" {
			t.Fatalf("new household: %+v %v", nh, err)
		}
		c, ok, err := s.ActiveCase(ctx, f.reg, nh.ID)
		if err != nil || !ok || c.ID != res.Case.ID {
			t.Fatalf("case of the new household: %+v %v %v", c, ok, err)
		}
		conf, ok, err := s.ConfirmationFor(ctx, f.reg, nh.ID)
		if err != nil || !ok || conf.Existing != h.ID || conf.Reden != "kamerbewoning: zij huurt een kamer" || conf.ByEmail != "carla@meppel.nl" || conf.Veld != "adres" {
			t.Fatalf("confirmation: %+v %v %v", conf, ok, err)
		}

		// A fresh address: no confirmation needed.
		g4 := mustSignal(t, f, f.melder, scSignal("WK011903", "7943XY", 8, "normaal"))
		res, err = s.TriageSignal(ctx, f.reg, g4.ID, casework.Triage{Outcome: casework.SignalNewCase})
		if err != nil || res.Case == nil || res.Case.RegisseurEmail != "anna@meppel.nl" {
			t.Fatalf("new household: %+v %v", res, err)
		}
		if _, ok, _ := s.ConfirmationFor(ctx, f.reg, res.Household); ok {
			t.Fatal("confirmation recorded without a duplicate")
		}
		// Who may triage: not the reporter, not another gemeente, not beleid.
		g5 := mustSignal(t, f, f.melder, scSignal("WK011901", "7941AB", 50, "laag"))
		close := casework.Triage{Outcome: casework.SignalClosed, Reden: "weg"}
		_, errNone := s.TriageSignal(ctx, f.reg, "bestaat-niet", close)
		for name, a := range map[string]store.Actor{"melder": f.melder, "haarlem": f.hrl, "beleid": f.beleid} {
			if _, err := s.TriageSignal(ctx, a, g5.ID, close); !errs.Is(err, errs.NotFound) || err.Error() != errNone.Error() {
				t.Errorf("%s triaged: %v", name, err)
			}
		}
		if g, _ := s.GetSignal(ctx, f.reg, g5.ID); g.Status != casework.SignalNew {
			t.Fatal("refused triage changed the signal")
		}
	})
}

func TestReporterSeesOnlyThatItWasPickedUp(t *testing.T) {
	scEach(t, func(t *testing.T, s *store.Store) {
		f := scSetup(t, s)
		a := mustSignal(t, f, f.melder, scSignal("WK011901", "7941AB", 1, "laag"))
		b := mustSignal(t, f, f.melder, scSignal("WK011901", "7941AB", 2, "hoog"))
		mustSignal(t, f, f.reg2, scSignal("WK011901", "7941AB", 3, "hoog")) // someone else's
		if _, err := s.TriageSignal(ctx, f.reg, b.ID, casework.Triage{Outcome: casework.SignalReferred, Reden: "Schuldhulpmaatje"}); err != nil {
			t.Fatal(err)
		}
		mine, err := s.MySignals(ctx, f.melder)
		if err != nil || len(mine) != 2 {
			t.Fatalf("mine: %+v %v", mine, err)
		}
		status := map[string]string{}
		for _, v := range mine {
			status[v.ID] = v.Status
		}
		if status[a.ID] != "ontvangen" || status[b.ID] != "opgepakt" {
			t.Fatalf("reporter statuses: %v", status)
		}
		// The reporter cannot open a signal, not even their own.
		_, errOwn := s.GetSignal(ctx, f.melder, b.ID)
		_, errNone := s.GetSignal(ctx, f.melder, "bestaat-niet")
		if !errs.Is(errOwn, errs.NotFound) || errOwn.Error() != errNone.Error() {
			t.Fatalf("reporter opened a signal: %v", errOwn)
		}
		// Other gemeenten and beleid: not found, exactly as a missing one.
		for name, x := range map[string]store.Actor{"haarlem": f.hrl, "beleid": f.beleid} {
			if _, err := s.GetSignal(ctx, x, a.ID); !errs.Is(err, errs.NotFound) || err.Error() != errNone.Error() {
				t.Errorf("%s read a signal: %v", name, err)
			}
		}
		// The reporter's own look is audited, as melder.
		recs, _ := s.SearchAudit(ctx, f.beheer, audit.Filter{UserEmail: "wijkzuster@thuiszorg.nl", Action: audit.Search})
		if len(recs) != 2 || recs[0].Role != "melder" {
			t.Fatalf("reporter reads audited: %+v", recs)
		}
		// The household's signals are for the team only.
		h := scHousehold(t, f, "7941AB", 60, "")
		if _, err := s.SignalsForHousehold(ctx, f.hrl, h.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("signals of another gemeente's household: %v", err)
		}
		if _, err := s.SignalsForHousehold(ctx, f.beleid, h.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("beleid: %v", err)
		}
	})
}

func TestConcurrentTriage(t *testing.T) {
	scEach(t, func(t *testing.T, s *store.Store) {
		f := scSetup(t, s)
		for round := 0; round < 6; round++ {
			g := mustSignal(t, f, f.melder, scSignal("WK011901", "7944AA", 10+round, "hoog"))
			outcomes := []casework.Triage{
				{Outcome: casework.SignalNewCase},
				{Outcome: casework.SignalClosed, Reden: "dubbel gemeld"},
				{Outcome: casework.SignalReferred, Reden: "Voedselbank"},
			}
			var wg sync.WaitGroup
			errc := make(chan error, len(outcomes))
			for i, tr := range outcomes {
				wg.Add(1)
				go func(a store.Actor, tr casework.Triage) {
					defer wg.Done()
					_, err := s.TriageSignal(ctx, a, g.ID, tr)
					errc <- err
				}([]store.Actor{f.reg, f.reg2, f.lead}[i], tr)
			}
			wg.Wait()
			close(errc)
			ok := 0
			for err := range errc {
				if err == nil {
					ok++
				} else if !errs.Is(err, errs.Conflict) {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if ok != 1 {
				t.Fatalf("round %d: %d triages succeeded", round, ok)
			}
			// A losing "new household" left no household behind.
			got, _ := s.GetSignal(ctx, f.reg, g.ID)
			page, _ := s.ListHouseholds(ctx, f.reg, store.HouseholdFilter{Postcode: "7944AA", Huisnummer: 10 + round})
			if want := map[bool]int{true: 1, false: 0}[got.Status == casework.SignalNewCase]; page.Total != want {
				t.Fatalf("round %d: status %s with %d households", round, got.Status, page.Total)
			}
			if got.Status == casework.SignalNewCase {
				linked, err := s.SignalsForHousehold(ctx, f.reg, got.Household)
				if err != nil || len(linked) != 1 || linked[0].ID != g.ID {
					t.Fatalf("round %d: signal not on the new household: %v %v", round, linked, err)
				}
			}
		}
	})
}

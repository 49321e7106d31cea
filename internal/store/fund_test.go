package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// fundFixture: a Meppel fund for WK011901 (€ 10.000, € 5.000 at most),
// two fund managers (beleid and a wijkcoordinator), a beleid of Haarlem,
// a resident of the covered wijk and one of another wijk.
type fundFixture struct {
	fixture
	coord, haarlemBeleid store.Actor
	res, elsewhere       *auth.Principal
	fund                 participation.Fund
}

func fundSetup(t *testing.T, s *store.Store) fundFixture {
	t.Helper()
	f := fundFixture{fixture: setup(t, s)}
	f.coord = pvActor(t, s, "wc@meppel.nl", "GM0119", auth.Wijkcoordinator)
	f.haarlemBeleid = pvActor(t, s, "b@haarlem.nl", "GM0392", auth.Beleid)
	f.res = storetest.Resident(t, s, "WK011901", "Anja")
	f.elsewhere = storetest.Resident(t, s, "WK011902", "Kees")
	f.fund = participation.Fund{Gemeente: "GM0119", Name: "Wijkfonds Meppel", Year: 2026, Budget: 1000000, Criteria: "Voor en door bewoners.",
		Wijken: []string{"WK011901"}}
	if err := s.CreateFund(ctx, f.beleid, &f.fund); err != nil {
		t.Fatal(err)
	}
	return f
}

func fundApp(title string, cents ...casework.Cents) participation.Application {
	x := participation.Application{Title: title, What: "Een buurtmaaltijd elke maand.", ForWhom: "Ouderen in de straat", Goal: "eenzaamheid", Public: true}
	for i, c := range cents {
		x.Lines = append(x.Lines, participation.BudgetLine{Description: fmt.Sprintf("Post %d", i+1), Amount: c})
	}
	return x
}

// submitted makes a submitted application of p, reviewed by reviewer when not nil.
func fundSubmitted(t *testing.T, s *store.Store, f fundFixture, p *auth.Principal, reviewer *store.Actor, cents ...casework.Cents) participation.Application {
	t.Helper()
	x := fundApp("Buurtmaaltijd", cents...)
	if err := s.SaveApplication(ctx, p, f.fund.ID, &x, true); err != nil {
		t.Fatal(err)
	}
	if reviewer != nil {
		if err := s.ReviewApplication(ctx, *reviewer, x.ID, participation.AdviceToekennen, "Past in de criteria."); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

func TestFundApplicationLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := fundSetup(t, s)
		// Only fund managers of the gemeente open funds, and only for its wijken.
		for name, a := range map[string]store.Actor{"regisseur": f.meppel, "haarlem beleid": f.haarlemBeleid} {
			g := participation.Fund{Gemeente: "GM0119", Name: "X", Year: 2026, Budget: 100000, Wijken: []string{"WK011901"}}
			if err := s.CreateFund(ctx, a, &g); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s opens a fund: %v", name, err)
			}
		}
		bad := participation.Fund{Gemeente: "GM0119", Name: "X", Year: 2026, Budget: 100000, Wijken: []string{"WK039201"}}
		if fe, ok := people.AsFieldErrors(s.CreateFund(ctx, f.beleid, &bad)); !ok || fe.For("wijken") == "" {
			t.Fatalf("a fund for another gemeente's wijk: %v", fe)
		}
		if f.fund.Max != participation.DefaultFundMax || f.fund.APKMonths != 3 || f.fund.Tranches != 2 {
			t.Fatalf("defaults: %+v", f.fund)
		}

		// A concept needs only a title; submitting checks the rest.
		x := participation.Application{Title: "Buurtmaaltijd"}
		if err := s.SaveApplication(ctx, f.res, f.fund.ID, &x, false); err != nil {
			t.Fatal(err)
		}
		if x.Status != participation.AppConcept {
			t.Fatalf("status %s", x.Status)
		}
		if fe, ok := people.AsFieldErrors(s.SaveApplication(ctx, f.res, f.fund.ID, &x, true)); !ok || fe.For("wat") == "" || fe.For("begroting") == "" || fe.For("doel") == "" {
			t.Fatalf("submit an empty application: %v", fe)
		}
		over := fundApp("Te duur", 300000, 250000)
		if fe, ok := people.AsFieldErrors(s.SaveApplication(ctx, f.res, f.fund.ID, &over, true)); !ok || !strings.Contains(fe.For("begroting"), "€ 5.000,00") {
			t.Fatalf("more than the maximum: %v", fe)
		}
		full := fundApp("Buurtmaaltijd", 150000, 50000)
		full.ID = x.ID
		if err := s.SaveApplication(ctx, f.res, f.fund.ID, &full, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveApplication(ctx, f.res, f.fund.ID, &full, true); !errs.Is(err, errs.Conflict) {
			t.Fatalf("changing a submitted application: %v", err)
		}
		// Residents of other wijken do not apply.
		y := fundApp("Elders", 1000)
		if err := s.SaveApplication(ctx, f.elsewhere, f.fund.ID, &y, true); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("resident of another wijk applies: %v", err)
		}

		// Who may read it: the applicant and Meppel's fund managers; not a
		// regisseur, not Haarlem, not another resident.
		for name, a := range map[string]store.Actor{"regisseur": f.meppel, "haarlem": f.haarlemBeleid, "other resident": {P: f.elsewhere}} {
			if _, err := s.Application(ctx, a, x.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s reads the application: %v", name, err)
			}
			if _, err := s.FundApplications(ctx, a, f.fund.ID); err == nil {
				t.Errorf("%s lists the fund's applications", name)
			}
		}
		got, err := s.Application(ctx, f.beleid, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ApplicantName != "Anja" || got.Requested() != 200000 || len(got.Lines) != 2 {
			t.Fatalf("manager's view: %+v", got)
		}
		if recs, _ := s.SearchAudit(ctx, auditor(t, s), audit.Filter{Gemeenten: []string{"GM0119"}, RecordType: store.RecFundApplication, Action: audit.Read}); len(recs) == 0 {
			t.Fatal("the manager's read was not audited")
		}

		// Deciding before a review is refused; the reviewer never decides.
		yes := participation.Decision{Grant: true, Amount: 180000, Reason: "Goed plan; de huur is lager dan begroot."}
		if err := s.DecideApplication(ctx, f.coord, x.ID, yes); !errs.Is(err, errs.Conflict) {
			t.Fatalf("decision without review: %v", err)
		}
		if err := s.ReviewApplication(ctx, f.beleid, x.ID, participation.AdviceAanpassen, "Huur kan lager."); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideApplication(ctx, f.beleid, x.ID, yes); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("the reviewer decides: %v", err)
		}
		if fe, ok := people.AsFieldErrors(s.DecideApplication(ctx, f.coord, x.ID, participation.Decision{Grant: true, Amount: 250000})); !ok || fe.For("reden") == "" || fe.For("bedrag") == "" {
			t.Fatalf("more than asked, no reason: %v", fe)
		}
		if err := s.DecideApplication(ctx, f.coord, x.ID, yes); err != nil {
			t.Fatal(err)
		}
		got, err = s.Application(ctx, store.Actor{P: f.res}, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != participation.AppToegekend || got.GrantedCents != 180000 || len(got.Tranches) != 2 || got.Tranches[0].Amount+got.Tranches[1].Amount != 180000 || len(got.APKs) != 1 {
			t.Fatalf("after the grant: %+v", got)
		}
		if fd, _ := s.Fund(ctx, f.fund.ID); fd.Granted != 180000 || fd.Remaining != 820000 {
			t.Fatalf("fund sums: %+v", fd)
		}

		// Tranches: in order, the second after the first APK, never twice.
		if err := s.PayTranche(ctx, f.beleid, x.ID, 2); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second tranche first: %v", err)
		}
		if err := s.PayTranche(ctx, f.beleid, x.ID, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.PayTranche(ctx, f.beleid, x.ID, 2); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second tranche before the APK: %v", err)
		}
		if err := s.PayTranche(ctx, f.haarlemBeleid, x.ID, 2); !errs.Is(err, errs.NotFound) {
			t.Fatalf("haarlem pays: %v", err)
		}
		if fe, ok := people.AsFieldErrors(s.AnswerAPK(ctx, f.res, x.ID, participation.APKAnswer{OnCourse: "nee"})); !ok || fe.For("koers") == "" || fe.For("nog_nodig") == "" {
			t.Fatalf("empty APK: %v", fe)
		}
		if err := s.AnswerAPK(ctx, f.elsewhere, x.ID, participation.APKAnswer{OnCourse: "ja", StillNeeded: "ja"}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("someone else answers the APK: %v", err)
		}
		if err := s.AnswerAPK(ctx, f.res, x.ID, participation.APKAnswer{OnCourse: "ja", Partners: "De bibliotheek doet mee.", StillNeeded: "ja"}); err != nil {
			t.Fatal(err)
		}
		if err := s.PayTranche(ctx, f.coord, x.ID, 2); err != nil {
			t.Fatal(err)
		}
		if err := s.PayTranche(ctx, f.coord, x.ID, 2); !errs.Is(err, errs.Conflict) {
			t.Fatalf("paid twice: %v", err)
		}
		got, _ = s.Application(ctx, store.Actor{P: f.res}, x.ID)
		if got.Paid() != 180000 || len(got.APKs) != 2 || !got.APKs[0].Answered() || got.APKs[1].Due != got.APKs[0].Due.AddMonths(3) {
			t.Fatalf("after payments: paid %d, apks %+v", got.Paid(), got.APKs)
		}

		// Not public before the final account? It is: granted and agreed.
		pub, err := s.PublicInitiatives(ctx, "WK011901")
		if err != nil || len(pub) != 1 || pub[0].Granted != 180000 {
			t.Fatalf("public initiatives: %+v %v", pub, err)
		}
		// The final account closes it, per line.
		if fe, ok := people.AsFieldErrors(s.FinalAccount(ctx, f.res, x.ID, []casework.Cents{1}, []string{""}, "")); !ok || fe.For("begroting") == "" || fe.For("resultaat") == "" {
			t.Fatalf("incomplete final account: %v", fe)
		}
		if err := s.FinalAccount(ctx, f.res, x.ID, []casework.Cents{140000, 45000}, []string{"Zaalhuur", "Boodschappen"}, "Twaalf maaltijden met 30 buren."); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Application(ctx, store.Actor{P: f.res}, x.ID)
		if got.Status != participation.AppAfgesloten || got.Spent() != 185000 || len(got.APKs) != 1 {
			t.Fatalf("closed: %+v", got)
		}
		pub, _ = s.PublicInitiatives(ctx, "WK011901")
		if len(pub) != 1 || pub[0].Spent != 185000 || pub[0].Result != "Twaalf maaltijden met 30 buren." {
			t.Fatalf("public result: %+v", pub)
		}
		figs, err := s.FundFigures(ctx, "GM0119")
		if err != nil || len(figs) != 1 || figs[0].Funded != 1 || figs[0].Granted != 180000 {
			t.Fatalf("figures: %+v %v", figs, err)
		}
		if figs, _ := s.FundFigures(ctx, "GM0392"); len(figs) != 0 {
			t.Fatalf("haarlem figures: %+v", figs)
		}
	})
}

func auditor(t *testing.T, s *store.Store) *auth.Principal {
	t.Helper()
	a := pvActor(t, s, fmt.Sprintf("audit%d@meppel.nl", time.Now().UnixNano()), "GM0119", auth.Beheer)
	return a.P
}

// Staff who are residents too never decide (or review) their own
// application; the database refuses a self-decision whatever code writes it.
func TestFundSelfApprovalRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := fundSetup(t, s)
		staff := storetest.Resident(t, s, "WK011901", "Ambtenaar")
		if err := s.AddGrant(ctx, staff.UserID, auth.Grant{Gemeente: "GM0119", Role: auth.Beleid}); err != nil {
			t.Fatal(err)
		}
		staff, err := s.Principal(ctx, staff.UserID)
		if err != nil {
			t.Fatal(err)
		}
		me := store.Actor{P: staff}
		x := fundSubmitted(t, s, f, staff, nil, 100000)
		if err := s.ReviewApplication(ctx, me, x.ID, participation.AdviceToekennen, "Mijn eigen plan is goed."); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("reviewing one's own application: %v", err)
		}
		if err := s.ReviewApplication(ctx, f.beleid, x.ID, participation.AdviceToekennen, "Goed."); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideApplication(ctx, me, x.ID, participation.Decision{Grant: true, Amount: 100000, Reason: "Prima."}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("deciding one's own application: %v", err)
		}
		for _, q := range []string{
			"UPDATE fund_applications SET status = 'toegekend', granted_cents = 1, decision_reason = 'x', decided_by = reviewed_by WHERE id = ?",
			"UPDATE fund_applications SET status = 'toegekend', granted_cents = 1, decision_reason = 'x', decided_by = applicant_id WHERE id = ?",
			"UPDATE fund_applications SET status = 'toegekend', granted_cents = 1, decision_reason = '', decided_by = '" + f.coord.P.UserID + "' WHERE id = ?",
		} {
			if err := s.Tx(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, x.ID); return err }); err == nil {
				t.Errorf("the database accepted: %s", q)
			}
		}
		got, _ := s.Application(ctx, f.coord, x.ID)
		if got.Status != participation.AppBeoordeeld {
			t.Fatalf("status after refused updates: %s", got.Status)
		}
		if err := s.DecideApplication(ctx, f.coord, x.ID, participation.Decision{Grant: false, Reason: "Valt buiten de criteria."}); err != nil {
			t.Fatal(err)
		}
	})
}

// Many decisions on one fund at the same moment, by different people:
// the granted sum never exceeds the budget. The fund holds € 10.000; 12
// reviewed applications of € 2.000 each are granted at once: exactly 5
// succeed, the others are refused as a conflict.
func TestFundConcurrentDecisionsNeverOverdraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := fundSetup(t, s)
		const n = 12
		deciders := []store.Actor{f.coord, pvActor(t, s, "wc2@meppel.nl", "GM0119", auth.Wijkcoordinator), pvActor(t, s, "b2@meppel.nl", "GM0119", auth.Beleid)}
		for round := 0; round < 3; round++ {
			g := participation.Fund{Gemeente: "GM0119", Name: fmt.Sprintf("Ronde %d", round), Year: 2030 + round, Budget: 1000000, Wijken: []string{"WK011901"}}
			if err := s.CreateFund(ctx, f.beleid, &g); err != nil {
				t.Fatal(err)
			}
			ff := f
			ff.fund = g
			var apps []participation.Application
			for i := 0; i < n; i++ {
				p := f.res
				if i%2 == 1 {
					p = storetest.Resident(t, s, "WK011901", "")
				}
				apps = append(apps, fundSubmitted(t, s, ff, p, &f.beleid, 200000))
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			out := make([]error, n)
			for i := range apps {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					<-start
					out[i] = s.DecideApplication(ctx, deciders[i%len(deciders)], apps[i].ID, participation.Decision{Grant: true, Amount: 200000, Reason: "Past."})
				}(i)
			}
			close(start)
			wg.Wait()
			ok, refused := 0, 0
			for i, err := range out {
				switch {
				case err == nil:
					ok++
				case errs.Is(err, errs.Conflict):
					refused++
				default:
					t.Fatalf("round %d, decision %d: %v", round, i, err)
				}
			}
			got, err := s.Fund(ctx, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			if ok != 5 || refused != n-5 || got.Granted != 1000000 || got.Remaining != 0 {
				t.Fatalf("round %d: %d granted, %d refused, granted sum %s", round, ok, refused, got.Granted)
			}
		}
	})
}

// The APK reminders go out once each: on the day to the applicant and the
// reviewer and decider, and once more two weeks later when still open.
func TestFundAPKRemindersOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := fundSetup(t, s)
		day0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		x := fundSubmitted(t, s, f, f.res, &f.beleid, 100000)
		if err := s.At(day0).DecideApplication(ctx, f.coord, x.ID, participation.Decision{Grant: true, Amount: 100000, Reason: "Goed plan."}); err != nil {
			t.Fatal(err)
		}
		count := func(at time.Time) int {
			t.Helper()
			n, err := s.At(at).FundReminders(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(day0.AddDate(0, 2, 0)); n != 0 {
			t.Fatalf("%d reminders before the APK is due", n)
		}
		due := day0.AddDate(0, 3, 0)
		if n := count(due); n != 1 {
			t.Fatalf("%d reminders on the day", n)
		}
		if n := count(due.Add(time.Hour)); n != 0 {
			t.Fatalf("the reminder went out again: %d", n)
		}
		if n := count(due.AddDate(0, 0, 14)); n != 1 {
			t.Fatalf("%d overdue reminders", n)
		}
		if n := count(due.AddDate(0, 0, 20)); n != 0 {
			t.Fatalf("the overdue reminder went out again: %d", n)
		}
		mails, err := s.Outbox(ctx, store.Actor{P: outboxReader(t, s)}, store.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, m := range mails {
			kinds[m.Kind]++
		}
		// Applicant, reviewer and decider, twice; and the grant itself.
		if kinds["fonds-apk-herinnering"] != 6 || kinds["fonds-besluit"] != 1 {
			t.Fatalf("mails by kind: %v", kinds)
		}
	})
}

func outboxReader(t *testing.T, s *store.Store) *auth.Principal {
	t.Helper()
	return pvActor(t, s, fmt.Sprintf("ob%d@meppel.nl", time.Now().UnixNano()), "GM0119", auth.Beheer).P
}

// A deleted resident's undecided applications go; granted ones stay
// without the applicant, and the download holds them before.
func TestFundResidentExportAndDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := fundSetup(t, s)
		granted := fundSubmitted(t, s, f, f.res, &f.beleid, 100000)
		if err := s.DecideApplication(ctx, f.coord, granted.ID, participation.Decision{Grant: true, Amount: 100000, Reason: "Goed."}); err != nil {
			t.Fatal(err)
		}
		pending := fundSubmitted(t, s, f, f.res, nil, 5000)
		exp, err := s.ExportResident(ctx, f.res.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if rows, _ := exp.Parts["fondsaanvragen"].([]map[string]any); len(rows) != 2 {
			t.Fatalf("export: %v", exp.Parts["fondsaanvragen"])
		}
		if rows, _ := exp.Parts["fondsaanvragen_begroting"].([]map[string]any); len(rows) != 2 {
			t.Fatalf("export lines: %v", exp.Parts["fondsaanvragen_begroting"])
		}
		if err := s.DeleteResident(ctx, f.res.UserID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Application(ctx, f.beleid, pending.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the pending application stayed: %v", err)
		}
		got, err := s.Application(ctx, f.beleid, granted.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ApplicantID != "" || got.ApplicantEmail != "" || got.GrantedCents != 100000 {
			t.Fatalf("the granted application after deletion: %+v", got)
		}
	})
}

// A fund's budget can be changed, never below what is granted; only its
// own gemeente's managers change it.
func TestFundUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := fundSetup(t, s)
		x := fundSubmitted(t, s, f, f.res, &f.beleid, 400000)
		if err := s.DecideApplication(ctx, f.coord, x.ID, participation.Decision{Grant: true, Amount: 400000, Reason: "Goed."}); err != nil {
			t.Fatal(err)
		}
		g := f.fund
		g.Budget, g.Max, g.Name, g.Wijken, g.Year = 300000, 300000, "Nieuwe naam", []string{"WK011901", "WK011902"}, 2030
		if fe, ok := people.AsFieldErrors(s.UpdateFund(ctx, f.coord, &g)); !ok || !strings.Contains(fe.For("budget"), "€ 4.000,00") {
			t.Fatalf("budget below the granted sum: %v", fe)
		}
		if err := s.UpdateFund(ctx, f.haarlemBeleid, &g); !errs.Is(err, errs.NotFound) {
			t.Fatalf("haarlem changes the fund: %v", err)
		}
		g.Budget = 400000
		if err := s.UpdateFund(ctx, f.coord, &g); err != nil {
			t.Fatal(err)
		}
		got, err := s.Fund(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Nieuwe naam" || got.Budget != 400000 || got.Remaining != 0 || got.Year != 2026 || len(got.Wijken) != 2 {
			t.Fatalf("after the change: %+v", got)
		}
		// Now full: another grant is refused.
		y := fundSubmitted(t, s, f, f.elsewhere, &f.beleid, 100)
		if err := s.DecideApplication(ctx, f.coord, y.ID, participation.Decision{Grant: true, Amount: 100, Reason: "Goed."}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a grant from a full fund: %v", err)
		}
	})
}

// Paying the same tranche from several requests at once (a double click,
// two managers) records it once; what is paid never exceeds the grant.
func TestFundConcurrentPaymentsPayOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := fundSetup(t, s)
		x := fundSubmitted(t, s, f, f.res, &f.beleid, 300001)
		if err := s.DecideApplication(ctx, f.coord, x.ID, participation.Decision{Grant: true, Amount: 300001, Reason: "Goed."}); err != nil {
			t.Fatal(err)
		}
		const n = 8
		var wg sync.WaitGroup
		start := make(chan struct{})
		out := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				a := f.beleid
				if i%2 == 1 {
					a = f.coord
				}
				out[i] = s.PayTranche(ctx, a, x.ID, 1)
			}(i)
		}
		close(start)
		wg.Wait()
		ok := 0
		for i, err := range out {
			switch {
			case err == nil:
				ok++
			case errs.Is(err, errs.Conflict):
			default:
				t.Fatalf("payment %d: %v", i, err)
			}
		}
		got, err := s.Application(ctx, f.coord, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok != 1 || got.Paid() != got.Tranches[0].Amount || got.Tranches[0].Amount != 150001 {
			t.Fatalf("%d payments succeeded; paid %s of %s (tranches %+v)", ok, got.Paid(), got.GrantedCents, got.Tranches)
		}
	})
}

package store_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/secret"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// resident makes a verified resident of the wijk with plain SQL.
func wishResident(t *testing.T, s *store.Store, gemeente, wijk, name string) *auth.Principal {
	t.Helper()
	id := secret.ID()
	now := time.Now().UTC()
	ts := any(now)
	if s.Dialect() == store.SQLite {
		ts = now.Format("2006-01-02T15:04:05.000000Z")
	}
	if err := store.ExecForTest(ctx, s, `INSERT INTO users (id, email, name, password_hash, disabled, created_at) VALUES (?, ?, ?, '', 0, ?)`, id, id+"@bewoner.nl", name, ts); err != nil {
		t.Fatal(err)
	}
	if err := store.ExecForTest(ctx, s, `INSERT INTO residents (user_id, gemeente, wijk, display_name, postcode, huisnummer, verified_at, created_at) VALUES (?, ?, ?, ?, '7941AB', 1, ?, ?)`, id, gemeente, wijk, name, ts, ts); err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: id, Email: id + "@bewoner.nl", Name: name, Resident: &auth.Resident{Gemeente: gemeente, Wijk: wijk, DisplayName: name, Verified: true}}
}

func wishCoordinator(t *testing.T, s *store.Store, gemeente string, wijken ...string) store.Actor {
	t.Helper()
	u := &store.User{Email: secret.ID() + "@gemeente.nl", Name: "Wim Coördinator", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: gemeente, Role: auth.Wijkcoordinator}}}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Name: u.Name, Grants: u.Grants, Wijken: wijken}, Purpose: "moderatie"}
}

func newWish(t *testing.T, s *store.Store, p *auth.Principal, title string) participation.Wish {
	t.Helper()
	w := participation.Wish{Wijk: p.Resident.Wijk, Title: title, Text: "Dit zou de wijk echt een stuk fijner maken.", Category: "groen"}
	if err := s.CreateWish(ctx, p, &w, nil); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWishLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		setup(t, s)
		anna := wishResident(t, s, "GM0119", "WK011901", "Anna")
		bram := wishResident(t, s, "GM0119", "WK011901", "Bram")
		other := wishResident(t, s, "GM0119", "WK011902", "Cees")
		coord := wishCoordinator(t, s, "GM0119", "WK011901")
		otherCoord := wishCoordinator(t, s, "GM0119", "WK011902")

		w := participation.Wish{Wijk: "WK011901", Title: "Bankjes bij de vijver", Text: "Graag bankjes, dan kunnen ouderen even rusten.", Category: "groen", Point: &participation.Point{Lat: 52.69, Lon: 6.19}}
		if err := s.CreateWish(ctx, other, &w, nil); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("resident of another wijk posted: %v", err)
		}
		unverified := *anna
		unverified.Resident = &auth.Resident{Gemeente: "GM0119", Wijk: "WK011901"}
		if err := s.CreateWish(ctx, &unverified, &w, nil); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("unverified resident posted: %v", err)
		}
		if err := s.CreateWish(ctx, anna, &w, nil); err != nil {
			t.Fatal(err)
		}
		if w.Gemeente != "GM0119" || w.Status != participation.StatusOntvangen {
			t.Fatalf("wish %+v", w)
		}
		if err := s.SupportWish(ctx, other, w.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("other wijk supported: %v", err)
		}
		for i := 0; i < 2; i++ {
			if err := s.SupportWish(ctx, bram, w.ID); err != nil {
				t.Fatal(err)
			}
		}
		v, err := s.Wish(ctx, bram, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Wish.Supports != 1 || !v.Supported || v.Following || v.Wish.Point == nil || v.Wish.Author() != "Anna" {
			t.Fatalf("view %+v", v)
		}
		if err := s.FollowWish(ctx, bram, w.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := s.ReportWish(ctx, bram, w.ID, "Dit is reclame"); err != nil {
			t.Fatal(err)
		}
		if err := s.ReportWish(ctx, bram, w.ID, "Nog een keer"); err != nil {
			t.Fatal(err)
		}
		reps, err := s.OpenReports(ctx, coord, "GM0119", "WK011901")
		if err != nil || len(reps) != 1 {
			t.Fatalf("reports %v %v", reps, err)
		}
		if _, err := s.OpenReports(ctx, otherCoord, "GM0119", "WK011901"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("other coordinator read reports: %v", err)
		}

		// Answers need the gemeente's status; niet haalbaar needs a reason.
		if err := s.AnswerWish(ctx, otherCoord, w.ID, &participation.Answer{Status: participation.StatusInBehandeling}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("coordinator of another wijk answered: %v", err)
		}
		if err := s.AnswerWish(ctx, coord, w.ID, &participation.Answer{Status: participation.StatusNietHaalbaar}); err == nil {
			t.Fatal("niet haalbaar without reason accepted")
		}
		if err := s.AnswerWish(ctx, coord, w.ID, &participation.Answer{Status: participation.StatusInBehandeling, Text: "We kijken waar het kan."}); err != nil {
			t.Fatal(err)
		}
		// The followers (the author and Bram) get an e-mail in the outbox; the coordinator does not.
		subjects, err := store.StringsForTest(ctx, s, `SELECT to_addr FROM outbox WHERE kind = 'wens-antwoord' ORDER BY to_addr`)
		if err != nil || len(subjects) != 2 {
			t.Fatalf("answer mails to %v, %v", subjects, err)
		}
		exp, err := s.ExportResident(ctx, bram.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(exp.Parts["wensen"]); !strings.Contains(string(b), `"gesteunde_wensen":[{"id":"`+w.ID) || !strings.Contains(string(b), "Dit is reclame") {
			t.Fatalf("export %s", b)
		}
		if err := s.HideWish(ctx, coord, w.ID, "kort"); err == nil {
			t.Fatal("hide without a real reason accepted")
		}
		if err := s.HideWish(ctx, coord, w.ID, "Bevat reclame voor een bedrijf"); err != nil {
			t.Fatal(err)
		}
		if reps, _ := s.OpenReports(ctx, coord, "GM0119", "WK011901"); len(reps) != 0 {
			t.Fatalf("reports still open after hiding: %v", reps)
		}
		if list, _ := s.Wishes(ctx, "WK011901", store.WishFilter{}); len(list) != 0 {
			t.Fatalf("hidden wish listed: %v", list)
		}
		if list, _ := s.Wishes(ctx, "WK011901", store.WishFilter{Hidden: true}); len(list) != 1 || list[0].HiddenReason == "" {
			t.Fatalf("hidden list %v", list)
		}
		if err := s.SupportWish(ctx, bram, w.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("support of a hidden wish: %v", err)
		}
		if err := s.ShowWish(ctx, coord, w.ID, "Reclame is eruit gehaald"); err != nil {
			t.Fatal(err)
		}
		v, err = s.Wish(ctx, nil, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range v.History {
			kinds = append(kinds, e.Kind)
		}
		if got := joinKinds(kinds); got != "geplaatst,antwoord,verborgen,zichtbaar" || v.Wish.StatusLabel != "In behandeling" || v.History[1].Status != "In behandeling" {
			t.Fatalf("history %s, status %q", got, v.Wish.StatusLabel)
		}

		// Every moderation action is in the audit log.
		beheer := &store.User{Email: "beheer@meppel.nl", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Beheer}}}
		if err := s.CreateUser(ctx, beheer); err != nil {
			t.Fatal(err)
		}
		recs, err := s.SearchAudit(ctx, &auth.Principal{UserID: beheer.ID, Grants: beheer.Grants}, audit.Filter{RecordType: "wens", RecordID: w.ID})
		if err != nil || len(recs) != 3 {
			t.Fatalf("audit %d records, %v", len(recs), err)
		}
		if recs[0].Role != string(auth.Wijkcoordinator) || recs[0].Purpose != "moderatie" {
			t.Fatalf("audit record %+v", recs[0])
		}

		// An agenda item from the wish puts the wish "op de agenda".
		it := participation.AgendaFromWish(v.Wish)
		it.Owner, it.Budget = "Gemeente, team openbare ruimte", 250000
		it.Milestones = []participation.Milestone{{Title: "Plek kiezen", Percent: 100}, {Title: "Bankjes plaatsen"}}
		if err := s.CreateAgendaItem(ctx, otherCoord, &it); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("other coordinator made an agenda item: %v", err)
		}
		if err := s.CreateAgendaItem(ctx, coord, &it); err != nil {
			t.Fatal(err)
		}
		v, _ = s.Wish(ctx, nil, w.ID)
		if v.Wish.Status != participation.StatusOpDeAgenda || len(v.Agenda) != 1 || v.Agenda[0].Progress() != 50 {
			t.Fatalf("wish after agenda: %+v", v)
		}
		it.Status = participation.AgendaBezig
		if err := s.UpdateAgendaItem(ctx, coord, &it); err != nil {
			t.Fatal(err)
		}
		m := it.Milestones[1]
		m.Percent = 100
		if err := s.SaveMilestone(ctx, coord, it.ID, &m); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveMilestone(ctx, coord, it.ID, &participation.Milestone{Title: "Opening met de buurt"}); err != nil {
			t.Fatal(err)
		}
		av, err := s.AgendaItem(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(av.Item.Milestones) != 3 || av.Item.Progress() != 67 || len(av.History) != 4 || av.WishTitle != w.Title || av.Item.Budget != 250000 {
			t.Fatalf("agenda view %+v", av)
		}
		ag, err := s.Agenda(ctx, "WK011901")
		if err != nil || len(ag) != 1 {
			t.Fatalf("agenda %v %v", ag, err)
		}
		c, err := s.WishCounts(ctx, "WK011901")
		if err != nil || c != (store.WijkCounts{Wishes: 1, Supports: 1, AgendaItems: 1}) {
			t.Fatalf("counts %+v %v", c, err)
		}

		// The author deletes their account: the wish stays, anonymous; a
		// deleted account's support disappears.
		if err := store.ExecForTest(ctx, s, `DELETE FROM users WHERE id = ?`, anna.UserID); err != nil {
			t.Fatal(err)
		}
		if err := store.ExecForTest(ctx, s, `DELETE FROM users WHERE id = ?`, bram.UserID); err != nil {
			t.Fatal(err)
		}
		v, err = s.Wish(ctx, nil, w.ID)
		if err != nil || v.Wish.Author() != "Een oud-bewoner" || v.Wish.Supports != 0 {
			t.Fatalf("after deletion: %+v %v", v.Wish, err)
		}
	})
}

func joinKinds(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

func TestWishRateLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		setup(t, s)
		anna := wishResident(t, s, "GM0119", "WK011901", "Anna")
		for i := 0; i < participation.WishesPerDay; i++ {
			newWish(t, s, anna, "Wens nummer "+string(rune('A'+i)))
		}
		w := participation.Wish{Wijk: "WK011901", Title: "Nog een wens", Text: "Dit zou de wijk echt een stuk fijner maken.", Category: "groen"}
		if err := s.CreateWish(ctx, anna, &w, nil); !errs.Is(err, errs.TooMany) {
			t.Fatalf("wish over the limit: %v", err)
		}
		// A day later it is allowed again.
		later := s.At(time.Now().Add(25 * time.Hour))
		if err := later.CreateWish(ctx, anna, &w, nil); err != nil {
			t.Fatal(err)
		}
		bram := wishResident(t, s, "GM0119", "WK011901", "Bram")
		var ids []string
		for i := 0; i <= participation.ReportsPerDay; i++ {
			ids = append(ids, newWishBy(t, s, i, bram))
		}
		reporter := wishResident(t, s, "GM0119", "WK011901", "Dirk")
		for i, id := range ids {
			err := s.ReportWish(ctx, reporter, id, "Dit hoort hier niet")
			if i < participation.ReportsPerDay && err != nil {
				t.Fatal(err)
			}
			if i == participation.ReportsPerDay && !errs.Is(err, errs.TooMany) {
				t.Fatalf("report over the limit: %v", err)
			}
		}
	})
}

// newWishBy posts a wish by a fresh author per five, to stay under the wish limit.
func newWishBy(t *testing.T, s *store.Store, i int, p *auth.Principal) string {
	t.Helper()
	w := participation.Wish{Wijk: p.Resident.Wijk, Title: "Wens voor melding", Text: "Dit zou de wijk echt een stuk fijner maken.", Category: "overig"}
	st := s.At(time.Now().Add(time.Duration(i/participation.WishesPerDay*25) * time.Hour))
	if err := st.CreateWish(ctx, p, &w, nil); err != nil {
		t.Fatal(err)
	}
	return w.ID
}

func TestConcurrentSupportIsOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		setup(t, s)
		anna := wishResident(t, s, "GM0119", "WK011901", "Anna")
		w := newWish(t, s, anna, "Speeltuin opknappen")
		var voters []*auth.Principal
		for i := 0; i < 4; i++ {
			voters = append(voters, wishResident(t, s, "GM0119", "WK011901", "Buur"))
		}
		var wg sync.WaitGroup
		errc := make(chan error, 64)
		for _, p := range voters {
			for i := 0; i < 8; i++ {
				wg.Add(1)
				go func(p *auth.Principal) {
					defer wg.Done()
					if err := s.SupportWish(ctx, p, w.ID); err != nil {
						errc <- err
					}
				}(p)
			}
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		v, err := s.Wish(ctx, nil, w.ID)
		if err != nil || v.Wish.Supports != len(voters) {
			t.Fatalf("supports %d, want %d (%v)", v.Wish.Supports, len(voters), err)
		}
	})
}

func TestGemeenteWishStatuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		beheer := &store.User{Email: "beheer@meppel.nl", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Beheer}}}
		if err := s.CreateUser(ctx, beheer); err != nil {
			t.Fatal(err)
		}
		own := []participation.StatusDef{{Code: "nieuw", Label: "Nieuw"}, {Code: "afgewezen", Label: "Afgewezen", ReasonRequired: true, Closed: true}}
		if err := s.SetWishStatuses(ctx, f.meppel, "GM0119", own); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("regisseur set statuses: %v", err)
		}
		if err := s.SetWishStatuses(ctx, store.Actor{P: &auth.Principal{UserID: beheer.ID, Grants: beheer.Grants}}, "GM0119", own); err != nil {
			t.Fatal(err)
		}
		anna := wishResident(t, s, "GM0119", "WK011901", "Anna")
		w := newWish(t, s, anna, "Meer groen in de straat")
		if w.Status != "nieuw" {
			t.Fatalf("status %q", w.Status)
		}
		coord := wishCoordinator(t, s, "GM0119", "WK011901")
		if err := s.AnswerWish(ctx, coord, w.ID, &participation.Answer{Status: "afgewezen"}); err == nil {
			t.Fatal("afgewezen without reason")
		}
		if err := s.AnswerWish(ctx, coord, w.ID, &participation.Answer{Status: "afgewezen", Text: "Geen ruimte in de straat"}); err != nil {
			t.Fatal(err)
		}
		if open, _ := s.Wishes(ctx, "WK011901", store.WishFilter{Open: true}); len(open) != 0 {
			t.Fatalf("closed wish listed as open: %v", open)
		}
		if defs, _ := s.WishStatuses(ctx, "GM0392"); len(defs) != 5 {
			t.Fatalf("other gemeente lost the defaults: %v", defs)
		}
	})
}

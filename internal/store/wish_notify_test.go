package store_test

import (
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// Moderation mails the wish's author (with the reason); an agenda item made
// from the wish, and each new status of it, mails the wish's followers,
// each by their preference; the one who acts gets nothing, and a change
// that is not a status mails nobody.
func TestModerationAndAgendaMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		setup(t, s)
		c := store.WithLinkBase(ctx, "https://naober.test/")
		anna := wishResident(t, s, "GM0119", "WK011901", "Anna")
		bram := wishResident(t, s, "GM0119", "WK011901", "Bram")
		cees := wishResident(t, s, "GM0119", "WK011901", "Cees")
		dirk := wishResident(t, s, "GM0119", "WK011901", "Dirk")
		coord := wishCoordinator(t, s, "GM0119", "WK011901")
		w := newWish(t, s, anna, "Bankjes bij de vijver")
		for _, p := range []*auth.Principal{bram, cees, dirk} {
			if err := s.FollowWish(ctx, p, w.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetNotify(ctx, bram.UserID, store.NotifyDigest); err != nil {
			t.Fatal(err)
		}
		if err := s.SetNotify(ctx, cees.UserID, store.NotifyNone); err != nil {
			t.Fatal(err)
		}
		mail := func(p *auth.Principal) []string {
			t.Helper()
			kinds, err := store.StringsForTest(ctx, s, "SELECT kind FROM outbox WHERE user_id = ? ORDER BY id", p.UserID)
			if err != nil {
				t.Fatal(err)
			}
			return kinds
		}
		body := func(p *auth.Principal, kind string) string {
			t.Helper()
			b, err := store.StringsForTest(ctx, s, "SELECT body FROM outbox WHERE user_id = ? AND kind = ?", p.UserID, kind)
			if err != nil || len(b) != 1 {
				t.Fatalf("%s mail for %s: %v %v", kind, p.Name, b, err)
			}
			return b[0]
		}

		if err := s.HideWish(c, coord, w.ID, "Dit lijkt op reclame voor een bedrijf."); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(mail(anna), ","); got != "wens-verborgen" {
			t.Fatalf("author's mail after hiding: %q", got)
		}
		if b := body(anna, "wens-verborgen"); !strings.Contains(b, "Reden: Dit lijkt op reclame voor een bedrijf.") ||
			!strings.Contains(b, "https://naober.test/wijk/WK011901/wensen/"+w.ID+"\n") {
			t.Fatalf("hidden mail:\n%s", b)
		}
		if len(mail(dirk)) != 0 {
			t.Fatal("a follower heard of the hiding")
		}
		if err := s.ShowWish(ctx, coord, w.ID, "Na overleg toch geen reclame."); err != nil { // no link base: no link
			t.Fatal(err)
		}
		if b := body(anna, "wens-zichtbaar"); !strings.Contains(b, "Toelichting: Na overleg toch geen reclame.") || strings.Contains(b, "http") {
			t.Fatalf("shown mail:\n%s", b)
		}

		it := participation.AgendaItem{Wijk: "WK011901", Title: "Bankjes rond de vijver", Owner: "Wijkplatform", Status: participation.AgendaGepland,
			Origin: participation.OriginWens, WishID: w.ID}
		if err := s.CreateAgendaItem(c, coord, &it); err != nil {
			t.Fatal(err)
		}
		if b := body(dirk, "wens-agenda"); !strings.Contains(b, `"Bankjes bij de vijver" die u volgt staat nu op de wijkagenda`) ||
			!strings.Contains(b, "https://naober.test/wijk/WK011901/agenda/"+it.ID) {
			t.Fatalf("agenda mail:\n%s", b)
		}
		it.Owner = "Gemeente Meppel" // not a status: no mail
		if err := s.UpdateAgendaItem(c, coord, &it); err != nil {
			t.Fatal(err)
		}
		it.Status = participation.AgendaBezig
		if err := s.UpdateAgendaItem(c, coord, &it); err != nil {
			t.Fatal(err)
		}
		if b := body(dirk, "agenda-status"); !strings.Contains(b, "heeft een nieuwe status: "+participation.AgendaBezig.Label()) {
			t.Fatalf("status mail:\n%s", b)
		}
		it.Status = participation.AgendaKlaar
		if err := s.UpdateAgendaItem(c, coord, &it); err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			p    *auth.Principal
			want string
		}{
			{anna, "wens-verborgen,wens-zichtbaar,wens-agenda,agenda-status,agenda-klaar"}, // the author follows their own wish
			{bram, "wens-agenda,agenda-status,agenda-klaar"},
			{cees, ""}, // chose no mail
			{dirk, "wens-agenda,agenda-status,agenda-klaar"},
		} {
			if got := strings.Join(mail(x.p), ","); got != x.want {
				t.Errorf("%s's mail: %q, want %q", x.p.Name, got, x.want)
			}
		}
		digest, err := store.StringsForTest(ctx, s, "SELECT kind FROM outbox WHERE user_id = ? AND digest = 1", bram.UserID)
		if err != nil || len(digest) != 3 {
			t.Errorf("bram's mail waits for the digest: %v %v", digest, err)
		}
		if n, err := store.StringsForTest(ctx, s, "SELECT kind FROM outbox WHERE user_id = ?", coord.P.UserID); err != nil || len(n) != 0 {
			t.Errorf("the coordinator mailed themselves: %v %v", n, err)
		}
	})
}

package web_test

import (
	"net/url"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// Hiding a wish on the web queues the author's mail with the reason and a
// link to the wish on this server.
func TestHidingAWishMailsTheAuthorWithALink(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	anna := storetest.Resident(t, e.st, "WK011901", "Anna")
	w := participation.Wish{Wijk: "WK011901", Title: "Bankjes bij de vijver", Text: "Graag bankjes, dan kunnen ouderen even rusten.", Category: "groen"}
	if err := e.st.CreateWish(ctx, anna, &w, nil); err != nil {
		t.Fatal(err)
	}
	u := &store.User{Email: "coordinator@meppel.nl", PasswordHash: e.hash, Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Wijkcoordinator}}}
	if err := e.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetCoordinatorWijken(ctx, u.ID, "GM0119", []string{"WK011901"}); err != nil {
		t.Fatal(err)
	}
	coord := e.browser()
	e.login(coord, "coordinator@meppel.nl", pw)
	if code, _, _ := post(t, coord, e.srv.URL+"/wijk/WK011901/wensen/"+w.ID+"/verbergen", url.Values{"verbergreden": {"Reclame voor een bedrijf"}}); code != 303 {
		t.Fatalf("hide: %d", code)
	}
	mails := outboxMails(t, e, "wens-verborgen")
	for _, m := range mails {
		if m.UserID != anna.UserID || !strings.Contains(m.Body, "Reden: Reclame voor een bedrijf") ||
			!strings.Contains(m.Body, e.srv.URL+"/wijk/WK011901/wensen/"+w.ID) {
			t.Errorf("mail to %s:\n%s", m.To, m.Body)
		}
	}
	if len(mails) == 0 {
		t.Fatal("no mail about the hidden wish")
	}
}

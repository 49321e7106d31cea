package web_test

import (
	"net/url"
	"strings"
	"testing"

	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// A resident's download on /mijn/gegevens holds the ballot they cast on the
// vote page; a neighbour's download does not.
func TestOwnBallotInTheDownload(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	u, _ := e.st.UserByEmail(ctx, "beleid@meppel.nl")
	bp, err := e.st.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	id, project := openedVote(t, e.st, store.Actor{P: bp, Purpose: "test"}, "WK011901", "Wijkbudget najaar")
	anna := storetest.Resident(t, e.st, "WK011901", "Anna")
	bram := storetest.Resident(t, e.st, "WK011901", "Bram")
	ca, cb := e.browser(), e.browser()
	e.login(ca, anna.Email, storetest.ResidentPassword)
	e.login(cb, bram.Email, storetest.ResidentPassword)
	if code, _, _ := postForm(t, ca, e.srv.URL+"/wijk/WK011901/stemmen/"+id+"/stem", url.Values{"project": {project}}); code != 303 {
		t.Fatalf("vote: %d", code)
	}
	code, body := get(t, ca, e.srv.URL+"/mijn/gegevens")
	if code != 200 || !strings.Contains(body, `"wijkbudget_stemmen"`) || !strings.Contains(body, `"stemming": "`+id+`"`) ||
		!strings.Contains(body, `"id": "`+project+`"`) {
		t.Fatalf("anna's download: %d\n%s", code, body)
	}
	code, body = get(t, cb, e.srv.URL+"/mijn/gegevens")
	if code != 200 || !strings.Contains(body, `"wijkbudget_stemmen": []`) || strings.Contains(body, id) {
		t.Fatalf("bram's download holds a ballot: %d\n%s", code, body)
	}
}

package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"naober.nl/naober/internal/store/storetest"
)

func TestWorklist(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	tok := e.tokens["regisseur@meppel.nl"]
	// Open a case for the Meppel household so it shows on the worklist.
	if code, body := e.api("POST", "/api/v1/households/"+e.ids["meppel"]+"/case", tok, `{}`); code != 201 && code != 200 {
		t.Fatalf("open case: %d %s", code, body)
	}
	code, body := e.api("GET", "/api/v1/worklist", tok, "")
	var wl struct {
		Huishoudens []struct {
			Adres struct{ ID string } `json:"adres"`
		} `json:"huishoudens"`
		ZRM []struct {
			PersoonNaam string `json:"persoon_naam"`
		} `json:"zrm_verouderd"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &wl) != nil {
		t.Fatalf("worklist: %d %s", code, body)
	}
	if len(wl.Huishoudens) != 1 || wl.Huishoudens[0].Adres.ID != e.ids["meppel"] {
		t.Fatalf("caseload on worklist: %s", body)
	}
	// The adult member was never assessed: the worklist asks for a ZRM.
	if len(wl.ZRM) != 1 || !strings.Contains(wl.ZRM[0].PersoonNaam, "Fatima") {
		t.Fatalf("stale ZRM: %s", body)
	}
	// Another regisseur cannot read someone else's worklist; beleid has none.
	other := e.tokens["regisseur@apeldoorn.nl"]
	if code, _ := e.api("GET", "/api/v1/worklist?regisseur="+wlUser(t, e, tok), other, ""); code != 403 && code != 404 {
		t.Fatalf("other regisseur's worklist: %d", code)
	}
	if code, _ := e.api("GET", "/api/v1/worklist", e.tokens["beleid@meppel.nl"], ""); code != 403 {
		t.Fatalf("beleid worklist: %d", code)
	}
	c := e.browser()
	e.login(c, "regisseur@meppel.nl", pw)
	if code, page := get(t, c, e.srv.URL+"/werklijst"); code != 200 || !strings.Contains(page, "Mijn werklijst") || !strings.Contains(page, "nooit") {
		t.Fatalf("worklist page: %d", code)
	}
}

func wlUser(t *testing.T, e *env, tok string) string {
	_, body := e.api("GET", "/api/v1/me", tok, "")
	var me struct{ ID string }
	json.Unmarshal([]byte(body), &me)
	return me.ID
}

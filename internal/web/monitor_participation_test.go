package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange/sheet"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/publish"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// publishedVote runs a vote in the wijk from proposal to published result,
// with one ballot from each voter.
func publishedVote(t *testing.T, st *store.Store, beleid store.Actor, wijk, title string, voters []*auth.Principal) {
	t.Helper()
	id, project := openedVote(t, st, beleid, wijk, title)
	for _, v := range voters {
		if err := st.CastBallot(ctx, v, id, []string{project}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AdvanceWijkbudget(ctx, beleid, id, participation.PhaseUitslag); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PublishWijkbudget(ctx, beleid, id); err != nil {
		t.Fatal(err)
	}
}

// openedVote makes a vote in the wijk with one feasible project and opens
// the voting; it returns the vote's and the project's id.
func openedVote(t *testing.T, st *store.Store, beleid store.Actor, wijk, title string) (string, string) {
	t.Helper()
	b := participation.Budget{Wijk: wijk, Title: title, Amount: 1000000, Rule: participation.RuleKnapsack}
	if err := st.CreateWijkbudget(ctx, beleid, &b); err != nil {
		t.Fatal(err)
	}
	p := participation.Project{Title: "Bankjes in het park", Description: "Drie bankjes", Cost: 300000}
	if err := st.ProposeProject(ctx, beleid, b.ID, &p); err != nil {
		t.Fatal(err)
	}
	if err := st.AdvanceWijkbudget(ctx, beleid, b.ID, participation.PhaseBeoordeling); err != nil {
		t.Fatal(err)
	}
	if err := st.ReviewProject(ctx, beleid, p.ID, participation.Haalbaar, "", 300000); err != nil {
		t.Fatal(err)
	}
	if err := st.AdvanceWijkbudget(ctx, beleid, b.ID, participation.PhaseStemmen); err != nil {
		t.Fatal(err)
	}
	return b.ID, p.ID
}

// The monitor's wijk page, its JSON API and its exports show how the wijk
// takes part: wishes, supports and the agenda exactly as the store counts
// them, and the turnout of the last published vote only when it had enough
// ballots.
func TestMonitorParticipationFigures(t *testing.T) {
	e := monEnv(t, fixed(testIndex(t)))
	st := e.st
	u, _ := st.UserByEmail(ctx, "beleid@meppel.nl")
	bp, err := st.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	beleid := store.Actor{P: bp, Purpose: "test"}
	cu := &store.User{Email: "coordinator@meppel.nl", PasswordHash: e.hash, Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Wijkcoordinator}}}
	if err := st.CreateUser(ctx, cu); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCoordinatorWijken(ctx, cu.ID, "GM0119", []string{"WK011901"}); err != nil {
		t.Fatal(err)
	}
	cp, err := st.Principal(ctx, cu.ID)
	if err != nil {
		t.Fatal(err)
	}
	coord := store.Actor{P: cp, Purpose: "test"}

	var residents []*auth.Principal
	for i := 0; i < 12; i++ {
		residents = append(residents, storetest.Resident(t, st, "WK011901", ""))
	}
	// Four wishes: one answered, one hidden (not counted), two open; five
	// supports of which one on the hidden wish.
	var wishes []string
	for i := 0; i < 4; i++ {
		w := participation.Wish{Wijk: "WK011901", Title: fmt.Sprintf("Wens nummer %d", i+1), Text: "Een wens voor de hele wijk, met genoeg tekst.", Category: "groen"}
		if err := st.CreateWish(ctx, residents[i], &w, nil); err != nil {
			t.Fatal(err)
		}
		wishes = append(wishes, w.ID)
	}
	for _, s := range [][2]int{{4, 0}, {5, 0}, {6, 1}, {7, 2}, {8, 3}} {
		if err := st.SupportWish(ctx, residents[s[0]], wishes[s[1]]); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AnswerWish(ctx, coord, wishes[0], &participation.Answer{Status: participation.StatusInBehandeling, Text: "We kijken ernaar."}); err != nil {
		t.Fatal(err)
	}
	if err := st.HideWish(ctx, coord, wishes[3], "Dit is reclame."); err != nil {
		t.Fatal(err)
	}
	for i, status := range []participation.AgendaStatus{participation.AgendaKlaar, participation.AgendaBezig} {
		it := participation.AgendaItem{Wijk: "WK011901", Title: fmt.Sprintf("Agendapunt %d", i+1), Owner: "Wijkplatform", Status: status, Origin: participation.OriginWijkanalyse}
		if err := st.CreateAgendaItem(ctx, coord, &it); err != nil {
			t.Fatal(err)
		}
	}

	c := e.browser()
	e.login(c, "beleid@meppel.nl", pw)
	wijkPage := func() string {
		t.Helper()
		code, _, body := fetch(t, c, e.srv.URL+"/monitor/GM0119/wijk/WK011901")
		if code != 200 {
			t.Fatalf("wijk page: %d", code)
		}
		return string(body)
	}
	cell := func(page, label string) string {
		t.Helper()
		m := regexp.MustCompile(`<th scope="row">` + regexp.QuoteMeta(label) + `</th><td class="num">(?:<abbr[^>]*>)?([^<]*)`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no row %q on the page", label)
		}
		return m[1]
	}

	// No vote yet.
	page := wijkPage()
	want, err := st.WijkParticipation(ctx, "GM0119", "WK011901")
	if err != nil {
		t.Fatal(err)
	}
	counts, err := st.WishCounts(ctx, "WK011901")
	if err != nil {
		t.Fatal(err)
	}
	if want.WishesOpen != 2 || want.WishesAnswered != 1 || want.WishesOpen+want.WishesAnswered != counts.Wishes ||
		want.Supports != 4 || want.Supports != counts.Supports || want.AgendaItems != 2 || want.AgendaDone != 1 || want.Accounts != 12 {
		t.Fatalf("store figures %+v, wish counts %+v", want, counts)
	}
	for label, n := range map[string]int{"Wensen zonder antwoord": want.WishesOpen, "Wensen met een antwoord": want.WishesAnswered,
		"Steunbetuigingen bij wensen": want.Supports, "Punten op de wijkagenda die klaar zijn": want.AgendaDone, "Punten op de wijkagenda": want.AgendaItems} {
		if got := cell(page, label); got != fmt.Sprint(n) {
			t.Errorf("%s: %q, want %d", label, got, n)
		}
	}
	if got := cell(page, "Bewoners met een bevestigd account"); got != "10" { // 12, rounded to 5
		t.Errorf("accounts: %q", got)
	}
	if got := cell(page, "Laatste stemming over het wijkbudget"); got != "nog geen uitslag" {
		t.Errorf("no vote yet: %q", got)
	}

	// A vote with 11 ballots: turnout shown. 11 of 12 accounts (exact: the
	// published 10 would give 110%) and 11 per 227 persons the monitor
	// knows (published as 225).
	publishedVote(t, st, beleid, "WK011901", "Wijkbudget najaar", residents[:11])
	page = wijkPage()
	if got := cell(page, "Stembiljetten in die stemming"); got != "11" {
		t.Errorf("ballots: %q", got)
	}
	if got := cell(page, "Laatste stemming over het wijkbudget"); !strings.HasPrefix(got, "Wijkbudget najaar (uitslag ") {
		t.Errorf("last vote: %q", got)
	}
	if got := cell(page, "Opkomst: stembiljetten per bewoner met een account"); got != "91,7%" {
		t.Errorf("turnout: %q", got)
	}
	if got := cell(page, "Stembiljetten per 1.000 inwoners (bekend in naober)"); got != "48,9" {
		t.Errorf("per 1.000: %q", got)
	}
	code, body := e.api("GET", "/api/v1/monitor/GM0119/participation?wijk=WK011901", e.tokens["beleid@meppel.nl"], "")
	var jt publish.JSONTable
	if code != 200 || json.Unmarshal([]byte(body), &jt) != nil || jt.ID != "meedoen" {
		t.Fatalf("API: %d %s", code, body)
	}
	byCode := map[string]publish.JSONValue{}
	for _, r := range jt.Rijen {
		byCode[r.Code] = r.Waarden[0]
	}
	if v := byCode["stembiljetten"]; v.Waarde == nil || *v.Waarde != 11 {
		t.Errorf("API ballots: %+v", v)
	}
	if v := byCode["steun"]; v.Waarde == nil || *v.Waarde != float64(want.Supports) {
		t.Errorf("API supports: %+v", v)
	}
	if code, body := e.api("GET", "/api/v1/monitor/GM0119/participation", e.tokens["beleid@meppel.nl"], ""); code != 422 || !strings.Contains(body, `"wijk"`) {
		t.Errorf("API without a wijk: %d %s", code, body)
	}
	if code, _ := e.api("GET", "/api/v1/monitor/GM0119/participation?wijk=WK011901", e.tokens["beheer@meppel.nl"], ""); code != 403 {
		t.Errorf("beheer reads the monitor API: %d", code)
	}
	code, _, csv := fetch(t, c, e.srv.URL+"/monitor/GM0119/export/wijk.csv?wijk=WK011901")
	if code != 200 || !strings.Contains(string(csv), "Stembiljetten in die stemming;11\r\n") || !strings.Contains(string(csv), "Wensen zonder antwoord;2\r\n") {
		t.Errorf("wijk CSV: %d\n%s", code, csv)
	}
	code, _, xlsx := fetch(t, c, e.srv.URL+"/monitor/GM0119/export/wijk.xlsx?wijk=WK011901")
	if code != 200 {
		t.Fatalf("XLSX: %d", code)
	}
	checkXLSX(t, xlsx)
	code, _, xlsx = fetch(t, c, e.srv.URL+"/monitor/GM0119/export/meedoen.xlsx?wijk=WK011901")
	r := bytes.NewReader(xlsx)
	sheets, err := sheet.Sheets(r, r.Size())
	if code != 200 || err != nil || len(sheets) != 1 {
		t.Fatalf("participation XLSX: %d %v %v", code, sheets, err)
	}
	cells, err := sheet.ReadCells(r, r.Size(), sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for i := 5; cells["A"+strconv.Itoa(i)].Value != ""; i++ {
		label, v := cells["A"+strconv.Itoa(i)].Value, cells["B"+strconv.Itoa(i)]
		switch label {
		case "Stembiljetten in die stemming":
			found++
			if v.Value != "11" || v.Type != "n" {
				t.Errorf("XLSX ballots %+v", v)
			}
		case "Stembiljetten per 1.000 inwoners (bekend in naober)":
			found++
			if v.Value != "48.9" || v.Format != publish.FmtRate {
				t.Errorf("XLSX per 1.000 %+v", v)
			}
		}
	}
	if found != 2 {
		t.Errorf("participation XLSX lacks rows: %v", cells)
	}

	// A later vote with 3 ballots: its count is public, its turnout is not shown.
	publishedVote(t, st, beleid, "WK011901", "Wijkbudget extra", residents[:3])
	page = wijkPage()
	if got := cell(page, "Stembiljetten in die stemming"); got != "3" {
		t.Errorf("small vote's ballots: %q", got)
	}
	for _, label := range []string{"Opkomst: stembiljetten per bewoner met een account", "Stembiljetten per 1.000 inwoners (bekend in naober)"} {
		if got := cell(page, label); got != "." {
			t.Errorf("%s of a vote with 3 ballots: %q", label, got)
		}
	}
	// Another wijk of the gemeente has its own (empty) figures.
	if p, err := st.WijkParticipation(ctx, "GM0119", "WK011902"); err != nil || p.Supports != 0 || p.LastVote != nil {
		t.Errorf("WK011902: %+v %v", p, err)
	}
	if p, err := st.WijkParticipation(ctx, "GM0200", "WK011901"); err != nil || p.WishesOpen != 0 || p.Accounts != 0 || p.LastVote != nil {
		t.Errorf("another gemeente sees WK011901's figures: %+v %v", p, err)
	}
}

package web_test

import (
	"regexp"
	"strings"
	"testing"

	"naober.nl/naober/internal/store/storetest"
	"naober.nl/naober/internal/voorelkaar"
)

// The monitor's wijk page shows voor elkaar: residents' requests and
// offers exactly, the share matched and the median time, and the
// prescriptions (from households' plans) under the disclosure rule.
func TestMonitorVoorElkaarFigures(t *testing.T) {
	e := monEnv(t, fixed(testIndex(t)))
	st := e.st
	anna := storetest.Resident(t, st, "WK011901", "Anna")
	bram := storetest.Resident(t, st, "WK011901", "Bram")
	cees := storetest.Resident(t, st, "WK011901", "Cees")
	var reqs []voorelkaar.Request
	for i := 0; i < 3; i++ {
		r := voorelkaar.Request{Category: "boodschappen", Days: []string{"ma"}, Parts: []string{"ochtend"}, Text: "Boodschappen op maandag graag"}
		if err := st.CreateHelpRequest(ctx, anna, &r); err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, r)
	}
	o := voorelkaar.Offer{Categories: []voorelkaar.Category{"boodschappen"}, Days: []string{"ma"}, Parts: []string{"ochtend"}, Wijken: []string{"WK011901"}, Text: "Ik help graag mee"}
	if err := st.CreateHelpOffer(ctx, bram, &o); err != nil {
		t.Fatal(err)
	}
	m, err := st.ProposeMatch(ctx, anna, reqs[0].ID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AnswerMatch(ctx, bram, m, true); err != nil {
		t.Fatal(err)
	}
	// A request via the coordinator counts, but is no more visible here than elsewhere.
	// It is on behalf of an organisation: counted as one, exactly.
	via := voorelkaar.Request{Category: "vervoer", Days: []string{"di"}, Parts: []string{"middag"}, Text: "Naar de huisarts op dinsdag", ViaCoordinator: true, Organisation: "Humanitas"}
	if err := st.CreateHelpRequest(ctx, cees, &via); err != nil {
		t.Fatal(err)
	}
	c := e.browser()
	e.login(c, "beleid@meppel.nl", pw)
	code, _, body := fetch(t, c, e.srv.URL+"/monitor/GM0119/wijk/WK011901")
	if code != 200 {
		t.Fatalf("wijk page: %d", code)
	}
	page := string(body)
	cell := func(label string) string {
		t.Helper()
		m := regexp.MustCompile(`<th scope="row">` + regexp.QuoteMeta(label) + `</th><td class="num">(?:<abbr[^>]*>)?([^<]*)`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no row %q on the page", label)
		}
		return m[1]
	}
	for label, want := range map[string]string{
		"Hulpvragen": "4", "Keer hulp aangeboden": "1", "Hulpvragen gekoppeld aan een vrijwilliger": "1",
		"Hulpvragen namens een organisatie": "1", "Keer hulp aangeboden namens een organisatie": "0",
		"Voorgeschreven door het wijkteam (uit een plan)": "0", "Aandeel voorgeschreven dat gekoppeld is": ".",
	} {
		if got := cell(label); got != want {
			t.Errorf("%s = %q, want %q", label, got, want)
		}
	}
	if got := cell("Aandeel gekoppeld"); !strings.HasPrefix(got, "25") {
		t.Errorf("share matched = %q", got)
	}
	if strings.Contains(page, "Anna") || strings.Contains(page, "Bram") || strings.Contains(page, "huisarts") {
		t.Error("the monitor shows a name")
	}
	code, _, csv := fetch(t, c, e.srv.URL+"/monitor/GM0119/export/voorelkaar.csv?wijk=WK011901")
	if code != 200 || !strings.Contains(string(csv), "Hulpvragen") {
		t.Fatalf("csv: %d %s", code, csv)
	}
}

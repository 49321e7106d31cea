package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange/sheet"
	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/publish"
	"naober.nl/naober/internal/store/storetest"
	"naober.nl/naober/internal/web"
)

// thisMonth is the month the monitor's default period ends in.
func thisMonth() monitor.Month { return monitor.MonthOfTime(time.Now().In(people.Amsterdam())) }

// testIndex is a small population with known cells. In WK011901 (Meppel):
// 40 persons with Jeugdwet and Wmo, 3 with all three laws (a small cell),
// 60 with Wmo only, 100 without a provision, and 12 households with the
// expensive combination (a child with youth care, an adult with ggz
// problems and debt relief). In WK011902: 25 with Participatiewet. In
// Apeldoorn (GM0200): 50 with Jeugdwet.
func testIndex(t *testing.T) *monitor.Index {
	t.Helper()
	now := thisMonth()
	b := monitor.NewBuilder(42)
	b.SetPeriod(monitor.Period{From: now - 29, To: now + 1})
	id := uint64(0)
	person := func(gm, wijk string, hh uint64, facts ...string) {
		id++
		p := monitor.PersonInput{ID: id, Household: hh, Area: monitor.Area{Gemeente: gm, Wijk: wijk}}
		for _, f := range facts {
			p.Facts = append(p.Facts, monitor.Fact{Indicator: f, From: now - 29, To: now + 1})
			if law, ok := strings.CutPrefix(f, "wet:"); ok {
				for m := now - 11; m <= now; m++ {
					p.Costs = append(p.Costs, monitor.Cost{Month: m, Wet: law, Taakveld: map[string]string{"jw": "6.72", "wmo": "6.71", "pw": "6.3", "wgs": "6.3"}[law], Categorie: "X", Cents: 12345})
				}
			}
		}
		p.ZRM = []monitor.ZRMChange{{Domain: "financien", First: 2, Latest: 3}}
		b.Add(p)
	}
	group := func(gm, wijk string, n int, facts ...string) {
		for i := 0; i < n; i++ {
			person(gm, wijk, id+1000000, append([]string{monitor.IndAdult}, facts...)...)
		}
	}
	group("GM0119", "WK011901", 40, "wet:jw", "wet:wmo")
	group("GM0119", "WK011901", 3, "wet:jw", "wet:pw", "wet:wmo")
	group("GM0119", "WK011901", 60, "wet:wmo")
	group("GM0119", "WK011901", 100)
	for i := 0; i < 12; i++ {
		hh := uint64(2000000 + i)
		person("GM0119", "WK011901", hh, monitor.IndChild, "wet:jw")
		person("GM0119", "WK011901", hh, monitor.IndAdult, "zrm:geestelijke_gezondheid", "wet:wgs")
		b.AddHousehold(monitor.HouseholdInput{ID: hh, GoalsReached: 1, GoalsTotal: 2, Satisfaction: 8, HasEvaluation: true})
	}
	group("GM0119", "WK011902", 25, "wet:pw")
	group("GM0200", "WK020001", 50, "wet:jw")
	ix, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// monEnv is the usual test environment with a monitor index behind it.
func monEnv(t *testing.T, ix func() *monitor.Index) *env {
	t.Helper()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.SQLite(t)
	s := &web.Server{Store: st, Atlas: atlas, Log: slog.New(slog.NewTextHandler(testLogOut, nil)), Monitor: ix}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, srv: httptest.NewServer(h), ids: map[string]string{}, tokens: map[string]string{}}
	t.Cleanup(e.srv.Close)
	if e.hash, err = auth.HashPassword(pw); err != nil {
		t.Fatal(err)
	}
	for _, tn := range [][2]string{{"GM0119", "Meppel"}, {"GM0200", "Apeldoorn"}} {
		if err := st.EnsureTenant(ctx, tn[0], tn[1]); err != nil {
			t.Fatal(err)
		}
	}
	e.user("beleid@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Beleid})
	e.user("beheer@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Beheer})
	e.user("melder@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Melder})
	e.user("regisseur@apeldoorn.nl", auth.Grant{Gemeente: "GM0200", Role: auth.Regisseur})
	e.user("beleid@apeldoorn.nl", auth.Grant{Gemeente: "GM0200", Role: auth.Beleid})
	return e
}

func fixed(ix *monitor.Index) func() *monitor.Index { return func() *monitor.Index { return ix } }

// fetch does a GET as a signed-in browser and returns status, headers and body.
func fetch(t *testing.T, c *http.Client, u string) (int, http.Header, []byte) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

// The same small cell (3 persons with all three laws) is "." in the page,
// the JSON API, the CSV and the XLSX, and every count is a multiple of 5.
func TestMonitorDisclosureEverywhere(t *testing.T) {
	e := monEnv(t, fixed(testIndex(t)))
	c := e.browser()
	e.login(c, "beleid@meppel.nl", pw)
	wijk := e.srv.URL + "/monitor/GM0119/wijk/WK011901"

	// HTML
	code, _, body := fetch(t, c, wijk)
	page := string(body)
	if code != 200 {
		t.Fatalf("wijk page: %d\n%s", code, page)
	}
	for _, want := range []string{"Stapeling van Jeugdwet, Participatiewet en Wmo", "De dure combinatie", "Geld dat naar de wijk gaat", "Trend over 24 maanden", "Werkt de hulp?"} {
		if !strings.Contains(page, want) {
			t.Errorf("wijk page lacks %q", want)
		}
	}
	dot := `<td class="num"><abbr title="te klein aantal: niet getoond">.</abbr></td>`
	allThree := regexp.MustCompile(`<th scope="row">Alle drie</th>(<td class="num">[^\n]*?</td>)`).FindStringSubmatch(page)
	if allThree == nil || allThree[1] != dot {
		t.Errorf("the cell of 3 persons is not '.' in HTML: %q", allThree)
	}
	both := regexp.MustCompile(`<th scope="row">Jeugdwet en Wmo</th><td class="num">([0-9.]+)</td>`).FindStringSubmatch(page)
	if both == nil {
		t.Fatal("no count for Jeugdwet en Wmo")
	}
	if n, _ := strconv.Atoi(strings.ReplaceAll(both[1], ".", "")); n%5 != 0 || n < 30 || n > 50 {
		t.Errorf("Jeugdwet en Wmo shows %s, want a multiple of 5 near 40", both[1])
	}
	if strings.Contains(page, "/huishoudens/") || strings.Contains(page, "/personen/") {
		t.Error("the monitor links to a household or person")
	}

	// JSON
	code, jb := e.api("GET", "/api/v1/monitor/GM0119/stacking?wijk=WK011901", e.tokens["beleid@meppel.nl"], "")
	var tab publish.JSONTable
	if code != 200 || json.Unmarshal([]byte(jb), &tab) != nil {
		t.Fatalf("stacking API: %d %s", code, jb)
	}
	for _, r := range tab.Rijen {
		v := r.Waarden[0]
		if r.Code == "jw+pw+wmo" && (v.Waarde != nil || v.Tekst != ".") {
			t.Errorf("API shows the small cell: %+v", v)
		}
		if v.Waarde != nil && int64(*v.Waarde)%5 != 0 {
			t.Errorf("API count %s = %v is not a multiple of 5", r.Code, *v.Waarde)
		}
	}
	for _, path := range []string{"/api/v1/monitor/GM0119/query?expr=wet:jw&niveau=wijk&vergelijk=ja&kosten=alle", "/api/v1/monitor/GM0119/costs?wijk=WK011901",
		"/api/v1/monitor/GM0119/trend?wijk=WK011901", "/api/v1/monitor/GM0119/stacking?niveau=wijk", "/api/v1/monitor/GM0119/expensive", "/api/v1/monitor/GM0119/outcomes?wijk=WK011901"} {
		code, jb := e.api("GET", path, e.tokens["beleid@meppel.nl"], "")
		if code != 200 {
			t.Errorf("%s: %d %s", path, code, jb)
			continue
		}
		var tabs []publish.JSONTable
		if strings.HasPrefix(jb, "[") {
			json.Unmarshal([]byte(jb), &tabs)
		} else {
			var one publish.JSONTable
			json.Unmarshal([]byte(jb), &one)
			tabs = []publish.JSONTable{one}
		}
		for _, tb := range tabs {
			if tb.Noot != "Afgerond op 5, kleine aantallen (<10) als . — Bron: naober; kaart: CBS, Kadaster/PDOK" {
				t.Errorf("%s: note %q", path, tb.Noot)
			}
			rows := tb.Rijen
			if tb.Totaal != nil {
				rows = append(rows, *tb.Totaal)
			}
			for _, r := range rows {
				for i, v := range r.Waarden {
					if v.Waarde == nil {
						continue
					}
					switch tb.Kolommen[i].Soort {
					case "aantal":
						if int64(*v.Waarde)%5 != 0 || (*v.Waarde > 0 && *v.Waarde < 10) {
							t.Errorf("%s: %s %s = %v", path, r.Naam, tb.Kolommen[i].Naam, *v.Waarde)
						}
					case "bedrag":
						if int64(*v.Waarde)%monitor.CentsUnit != 0 && tb.Kolommen[i].Naam != "Per inwoner" && !strings.HasPrefix(tb.Kolommen[i].Naam, "Kosten per") {
							t.Errorf("%s: %s %s = %v cents is not rounded to € 1.000", path, r.Naam, tb.Kolommen[i].Naam, *v.Waarde)
						}
					}
				}
			}
		}
	}

	// CSV
	code, h, body := fetch(t, c, e.srv.URL+"/monitor/GM0119/export/stapeling.csv?wijk=WK011901")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Fatalf("CSV: %d %s %q", code, h.Get("Content-Type"), body[:min(len(body), 20)])
	}
	csv := string(body)
	if !strings.Contains(csv, "\r\nAlle drie;.;.;") {
		t.Errorf("CSV does not show the small cell as '.':\n%s", csv)
	}
	if m := regexp.MustCompile(`\r\nJeugdwet en Wmo;(\d+);(\d+,\d);`).FindStringSubmatch(csv); m == nil {
		t.Errorf("CSV row Jeugdwet en Wmo lacks a count and a share with a decimal comma:\n%s", csv)
	} else if n, _ := strconv.Atoi(m[1]); n%5 != 0 {
		t.Errorf("CSV count %d", n)
	}
	if !strings.Contains(csv, "Afgerond op 5, kleine aantallen (<10) als .") {
		t.Error("CSV lacks the disclosure note")
	}

	// XLSX: the whole wijk, one sheet per table
	code, h, body = fetch(t, c, e.srv.URL+"/monitor/GM0119/export/wijk.xlsx?wijk=WK011901")
	if code != 200 || !strings.Contains(h.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("XLSX: %d %v", code, h)
	}
	checkXLSX(t, body)
}

// checkXLSX reads a wijk workbook back: the small cell is the text ".",
// counts are numbers with format #,##0 and multiples of 5, money has the
// euro format, and every sheet has a title and the disclosure note.
func checkXLSX(t *testing.T, body []byte) {
	t.Helper()
	r := bytes.NewReader(body)
	sheets, err := sheet.Sheets(r, r.Size())
	if err != nil {
		t.Fatal(err)
	}
	if len(sheets) < 5 {
		t.Fatalf("sheets: %v", sheets)
	}
	cellsOf := func(sh string) map[string]sheet.Cell {
		cells, err := sheet.ReadCells(r, r.Size(), sh)
		if err != nil {
			t.Fatal(err)
		}
		return cells
	}
	// rowsOf lists the labels in column A by row number, up to the last row.
	rowsOf := func(cells map[string]sheet.Cell) []string {
		var rows []string
		for i := 1; ; i++ {
			if _, ok := cells["A"+strconv.Itoa(i)]; !ok && i > 5 {
				if _, ok := cells["B"+strconv.Itoa(i)]; !ok {
					return rows
				}
			}
			rows = append(rows, cells["A"+strconv.Itoa(i)].Value)
		}
	}
	for _, sh := range sheets {
		cells := cellsOf(sh)
		note, title := cells["A2"].Value, cells["A1"].Value
		if strings.HasPrefix(title, "Meedoen in de wijk") { // public counts: a note of its own
			if !strings.Contains(note, "exact") || !strings.Contains(note, "minstens 10 stembiljetten") {
				t.Errorf("sheet %s: note %q", sh, note)
			}
			continue
		}
		if strings.HasPrefix(title, "Voor elkaar") { // residents' posts exact, prescriptions by the rule (monitor_voorelkaar.go)
			if !strings.Contains(note, "exact") || !strings.Contains(note, "afgerond op 5") {
				t.Errorf("sheet %s: note %q", sh, note)
			}
			continue
		}
		if strings.HasPrefix(title, "Wijkfonds") { // public money, exact (monitor_fund.go)
			if !strings.Contains(note, "exact") {
				t.Errorf("sheet %s: note %q", sh, note)
			}
			continue
		}
		if title == "" || note != "Afgerond op 5, kleine aantallen (<10) als . — Bron: naober; kaart: CBS, Kadaster/PDOK" {
			t.Errorf("sheet %s: title %q note %q", sh, title, note)
		}
	}
	stack := cellsOf(sheets[0])
	rows := rowsOf(stack)
	found := 0
	for i, label := range rows {
		cell := stack["B"+strconv.Itoa(i+1)]
		switch label {
		case "Alle drie":
			found++
			if cell.Value != "." {
				t.Errorf("XLSX small cell is %q", cell.Value)
			}
			if cell.Type == "n" {
				t.Error("XLSX small cell is a number")
			}
		case "Jeugdwet en Wmo":
			found++
			n, err := strconv.Atoi(cell.Value)
			if err != nil || n%5 != 0 || cell.Type != "n" {
				t.Errorf("XLSX count %+v", cell)
			}
			if cell.Format != publish.FmtCount {
				t.Errorf("XLSX count format %q", cell.Format)
			}
			if got := stack["C"+strconv.Itoa(i+1)].Format; got != publish.FmtShare {
				t.Errorf("XLSX share format %q", got)
			}
		}
	}
	if found != 2 {
		t.Errorf("XLSX stacking sheet rows: %v", rows)
	}
	// money per law: the third sheet, total row, with the euro format
	money := cellsOf(sheets[2])
	rows = rowsOf(money)
	last := len(rows)
	if last < 5 || rows[last-1] != "Totaal" {
		t.Fatalf("money sheet: %v", rows)
	}
	cell := money["B"+strconv.Itoa(last)]
	if x, err := strconv.ParseFloat(cell.Value, 64); err != nil || cell.Type != "n" || x <= 0 || int64(x)%1000 != 0 {
		t.Errorf("XLSX money %+v is not a positive number of whole thousands of euros", cell)
	}
	if cell.Format != publish.FmtMoney {
		t.Errorf("XLSX money format %q", cell.Format)
	}
}

func TestMonitorAccessAndTenants(t *testing.T) {
	e := monEnv(t, fixed(testIndex(t)))
	// no login: the page sends to the login, the API says 401
	anon := e.browser()
	if code, _, _ := fetch(t, anon, e.srv.URL+"/monitor/GM0119"); code != http.StatusSeeOther {
		t.Errorf("anonymous page: %d", code)
	}
	if code, _ := e.api("GET", "/api/v1/monitor/GM0119/stacking", "", ""); code != 401 {
		t.Errorf("anonymous API: %d", code)
	}
	// roles without ReadMonitor: 403
	for _, u := range []string{"beheer@meppel.nl", "melder@meppel.nl"} {
		c := e.browser()
		e.login(c, u, pw)
		for _, p := range []string{"/monitor", "/monitor/GM0119", "/monitor/GM0119/wijk/WK011901", "/monitor/GM0119/export/wijk.xlsx?wijk=WK011901"} {
			if code, _, _ := fetch(t, c, e.srv.URL+p); code != 403 {
				t.Errorf("%s %s: %d, want 403", u, p, code)
			}
		}
		if code, _ := e.api("GET", "/api/v1/monitor/GM0119/costs", e.tokens[u], ""); code != 403 {
			t.Errorf("%s API: %d, want 403", u, code)
		}
	}
	// another gemeente: 404, as if it did not exist; their own works
	for _, u := range []string{"regisseur@apeldoorn.nl", "beleid@apeldoorn.nl"} {
		c := e.browser()
		e.login(c, u, pw)
		for _, p := range []string{"/monitor/GM0119", "/monitor/GM0119/wijk/WK011901", "/monitor/GM0119/vraag?expr=wet:jw", "/monitor/GM0119/export/stapeling.csv", "/monitor/GM0119/businesscase"} {
			if code, _, _ := fetch(t, c, e.srv.URL+p); code != 404 {
				t.Errorf("%s %s: %d, want 404", u, p, code)
			}
		}
		for _, p := range []string{"/api/v1/monitor/GM0119/stacking", "/api/v1/monitor/GM0119/query?expr=wet:jw", "/api/v1/monitor/GM0119/costs", "/api/v1/monitor/GM0119/trend"} {
			if code, _ := e.api("GET", p, e.tokens[u], ""); code != 404 {
				t.Errorf("%s %s: %d, want 404", u, p, code)
			}
		}
		// a Meppel wijk under Apeldoorn's code is not found either
		if code, _, _ := fetch(t, c, e.srv.URL+"/monitor/GM0200/wijk/WK011901"); code != 404 {
			t.Errorf("Meppel wijk under GM0200: %d", code)
		}
		// /monitor leads to their own gemeente, whose numbers hold no Meppel person
		res, _ := c.Get(e.srv.URL + "/monitor")
		res.Body.Close()
		if res.StatusCode != 303 || res.Header.Get("Location") != "/monitor/GM0200" {
			t.Errorf("%s /monitor: %d %s", u, res.StatusCode, res.Header.Get("Location"))
		}
		code, jb := e.api("GET", "/api/v1/monitor/GM0200/query?expr=wet:wmo&niveau=gemeente", e.tokens[u], "")
		var tab publish.JSONTable
		if code != 200 || json.Unmarshal([]byte(jb), &tab) != nil || len(tab.Rijen) != 1 || tab.Rijen[0].Waarden[0].Tekst != "0" {
			t.Errorf("Apeldoorn's Wmo count (none there, 100 in Meppel): %d %s", code, jb)
		}
	}
}

func TestMonitorPagesRenderAndQueryErrors(t *testing.T) {
	e := monEnv(t, fixed(testIndex(t)))
	c := e.browser()
	e.login(c, "beleid@meppel.nl", pw)
	for _, p := range []string{"/monitor/GM0119", "/monitor/GM0119?maat=kosten", "/monitor/GM0119?maat=duur&eenheid=huishoudens&maanden=24",
		"/monitor/GM0119/wijk/WK011902?maanden=3", "/monitor/GM0119/vraag", "/monitor/GM0119/vraag?expr=wet:jw+en+wet:wmo&niveau=buurt&vergelijk=ja&kosten=alle",
		"/monitor/GM0119/vraag?expr=wet:jw&niveau=gemeente", "/monitor/GM0119/businesscase", "/monitor/GM0119/businesscase?wijk=WK011901&dekking=10&effect=20&kosten=5.700&interventie=250.000"} {
		code, _, body := fetch(t, c, e.srv.URL+p)
		if code != 200 || !strings.Contains(string(body), "</html>") {
			t.Errorf("%s: %d", p, code)
		}
	}
	// the map: every wijk of Meppel linked to its monitor page, with a legend and the table
	_, _, body := fetch(t, c, e.srv.URL+"/monitor/GM0119")
	page := string(body)
	if n := strings.Count(page, `<a href="/monitor/GM0119/wijk/WK0119`); n < 28 { // 14 on the map, 14 in the table
		t.Errorf("map page links %d wijken", n)
	}
	if !strings.Contains(page, "Legenda") || !strings.Contains(page, `fill="url(#kaart-k`) || !strings.Contains(page, "Heel Meppel") {
		t.Error("map page lacks legend, classes or total")
	}
	// a parse error is shown at the field, naming the position
	code, _, body := fetch(t, c, e.srv.URL+"/monitor/GM0119/vraag?expr=wet:jw+en+(wet:wmo")
	page = string(body)
	if code != 422 || !strings.Contains(page, `id="expr-fout"`) || !strings.Contains(page, "de vraag klopt niet") || !regexp.MustCompile(`expr-fout">[^<]*\d`).MatchString(page) {
		t.Errorf("parse error: %d\n%s", code, page)
	}
	code, jb := e.api("GET", "/api/v1/monitor/GM0119/query?expr=wet:jw+en", e.tokens["beleid@meppel.nl"], "")
	if code != 422 || !strings.Contains(jb, `"expr"`) {
		t.Errorf("API parse error: %d %s", code, jb)
	}
	// the business case shows its arithmetic on the published count (12 households → 10)
	_, _, body = fetch(t, c, e.srv.URL+"/monitor/GM0119/businesscase?eenheid=huishoudens&dekking=10&effect=20&kosten=5.700&interventie=250.000")
	page = string(body)
	for _, want := range []string{"÷ 10%", "× 20%", "× € 5.700,00", "− € 250.000,00"} {
		if !strings.Contains(page, want) {
			t.Errorf("business case lacks %q", want)
		}
	}
}

func TestMonitorWhileBuilding(t *testing.T) {
	var ready atomic.Pointer[monitor.Index]
	e := monEnv(t, ready.Load)
	c := e.browser()
	e.login(c, "beleid@meppel.nl", pw)
	code, h, body := fetch(t, c, e.srv.URL+"/monitor/GM0119")
	if code != 503 || h.Get("Retry-After") == "" || !strings.Contains(string(body), "De monitor wordt opgebouwd") {
		t.Errorf("page while building: %d %q", code, h.Get("Retry-After"))
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/monitor/GM0119/stacking", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["beleid@meppel.nl"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" {
		t.Errorf("API while building: %d", res.StatusCode)
	}
	ready.Store(testIndex(t))
	if code, _, _ := fetch(t, c, e.srv.URL+"/monitor/GM0119"); code != 200 {
		t.Errorf("page when built: %d", code)
	}
}

package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"naober.nl/naober/internal/exchange/sheet"
)

// The "what good looks like": in the demo a beleid user opens the
// monitor, sees Meppel's wijken on a map, clicks a wijk, sees the CBS
// stacking table, the expensive combination and the money per law, and
// downloads it all as XLSX — without seeing a single person. Every page
// passes axe, with and without JavaScript.
func TestBeleidUsesTheMonitor(t *testing.T) {
	for _, js := range []bool{true, false} {
		name := "with-javascript-and-axe"
		if !js {
			name = "without-javascript"
		}
		t.Run(name, func(t *testing.T) {
			base, logins := demoServer(t)
			b := newBrowser(t, base, js)
			b.logIn(logins["beleid"])

			// The menu leads to the monitor; with one gemeente it opens Meppel's.
			b.submit(`nav a[href="/monitor"]`)
			for i := 0; strings.Contains(b.text("h1"), "opgebouwd"); i++ {
				if i > 60 {
					t.Fatal("the monitor was not built within a minute")
				}
				time.Sleep(time.Second)
				b.open("/monitor/GM0119")
			}
			if h1 := b.text("h1"); !strings.Contains(h1, "Meppel") {
				t.Fatalf("monitor opens %q", h1)
			}
			var wijkLinks []string
			b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('svg.kaart a')).map(a => a.getAttribute('href'))`, &wijkLinks))
			if len(wijkLinks) != 14 {
				t.Fatalf("Meppel's map links %d wijken", len(wijkLinks))
			}
			main := b.text("main")
			for _, want := range []string{"Stapeling: 2 of meer", "Legenda", "Heel Meppel", "Haveltermade"} {
				if !strings.Contains(main, want) {
					t.Errorf("map page lacks %q", want)
				}
			}
			noPerson(t, b)

			// Click Haveltermade on the map.
			b.submit(`svg.kaart a[href^="/monitor/GM0119/wijk/WK011902"]`)
			if h1 := b.text("h1"); !strings.Contains(h1, "Haveltermade") {
				t.Fatalf("clicked a wijk, got %q", h1)
			}
			main = b.text("main")
			for _, want := range []string{"Stapeling van Jeugdwet, Participatiewet en Wmo", "Alleen Jeugdwet", "Alle drie", "De dure combinatie",
				"Geld dat naar de wijk gaat", "Jeugdwet", "Wmo", "Per inwoner", "Trend over 24 maanden", "Werkt de hulp?"} {
				if !strings.Contains(main, want) {
					t.Errorf("wijk page lacks %q", want)
				}
			}
			var charts int
			b.run(chromedp.Evaluate(`document.querySelectorAll('svg.grafiek[role=img][aria-labelledby] title').length`, &charts))
			if charts != 3 {
				t.Errorf("wijk page has %d labelled charts, want 3", charts)
			}
			noPerson(t, b)
			if dir := os.Getenv("NAOBER_E2E_SCREENSHOTS"); dir != "" {
				for _, sec := range []string{"h1", "#stapeling-titel", "#duur-titel", "#geld-titel", "#trend-titel", "#uitkomst-titel"} {
					var png []byte
					b.run(chromedp.ScrollIntoView(sec, chromedp.ByQuery), chromedp.CaptureScreenshot(&png))
					os.WriteFile(filepath.Join(dir, "monitor-wijk-"+name+"-"+strings.Trim(sec, "#")+".png"), png, 0o644)
				}
			}

			// Download everything as XLSX with the browser's session.
			var href string
			b.run(chromedp.AttributeValue(`#download-wijk`, "href", &href, nil, chromedp.ByQuery))
			body := b.download(href)
			xr := bytes.NewReader(body)
			sheets, err := sheet.Sheets(xr, xr.Size())
			if err != nil {
				t.Fatalf("XLSX: %v", err)
			}
			if len(sheets) < 5 {
				t.Fatalf("XLSX sheets %v", sheets)
			}
			for _, sh := range sheets[:3] {
				cells, err := sheet.ReadCells(xr, xr.Size(), sh)
				if err != nil {
					t.Fatalf("XLSX sheet %s: %v", sh, err)
				}
				if note := cells["A2"].Value; !strings.HasPrefix(note, "Afgerond op 5, kleine aantallen (<10) als .") {
					t.Errorf("sheet %s note %q", sh, note)
				}
			}
			stack, err := sheet.ReadCells(xr, xr.Size(), sheets[0])
			if err != nil {
				t.Fatalf("XLSX: %v", err)
			}
			if _, ok := stack["A12"]; !ok || stack["A5"].Value != "Alleen Jeugdwet" {
				t.Errorf("stacking sheet: %v", stack)
			}

			// The query builder and the business case pass too.
			b.open("/monitor/GM0119/vraag")
			b.run(chromedp.SendKeys("#expr", "wet:jw en (wet:pw of wet:wgs)", chromedp.ByQuery))
			b.submit(`form[action="/monitor/GM0119/vraag"] button[type=submit]`)
			if !strings.Contains(b.text("main"), "Uitkomst") {
				t.Error("the query builder shows no result")
			}
			b.open("/monitor/GM0119/vraag?expr=wet:jw+en+(")
			if e := b.text("#expr-fout"); !strings.Contains(e, "klopt niet") {
				t.Errorf("parse error: %q", e)
			}
			b.open("/monitor/GM0119/businesscase?eenheid=huishoudens&expr=wet:jw")
			if !strings.Contains(b.text("main"), "De berekening") {
				t.Error("the business case shows no calculation")
			}
		})
	}
}

// noPerson checks the page links to no household or person.
func noPerson(t *testing.T, b *browser) {
	t.Helper()
	var n int
	b.run(chromedp.Evaluate(`document.querySelectorAll('a[href^="/huishoudens/"], a[href^="/personen/"]').length`, &n))
	if n > 0 {
		t.Errorf("%s links to %d households or persons", b.url(), n)
	}
}

// download fetches a link with the browser's cookies.
func (b *browser) download(href string) []byte {
	b.t.Helper()
	var cookies []*network.Cookie
	b.run(chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		cookies, err = network.GetCookies().Do(ctx)
		return err
	}))
	req, _ := http.NewRequest("GET", b.base+href, nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		b.t.Fatalf("download %s: %d %s", href, res.StatusCode, body)
	}
	return body
}

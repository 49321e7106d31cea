package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"naober.nl/naober/internal/people"
)

// A beheerder reads a spreadsheet of persons in on /beheer/inlezen: upload,
// the column mapping, the dry run, the real run; then an address table.
// Works without JavaScript; axe checks every page with it.
func TestBeheerImportsASpreadsheet(t *testing.T) {
	// Two BSNs at the end of the test range, which the demo does not use.
	var bsns []string
	for n := 999999999; len(bsns) < 2; n-- {
		if s := fmt.Sprint(n); people.ValidBSN(s) {
			bsns = append(bsns, s)
		}
	}
	for _, js := range []bool{true, false} {
		name := "with-javascript-and-axe"
		if !js {
			name = "without-javascript"
		}
		t.Run(name, func(t *testing.T) {
			base, logins := demoServer(t)
			b := newBrowser(t, base, js)
			dir := t.TempDir()
			persons := filepath.Join(dir, "clienten.csv")
			os.WriteFile(persons, []byte("Burgerservicenummer;Voornaam;Achternaam;Geb.datum;Geslacht;Postcode;Huisnr\n"+
				bsns[0]+";Ilse;Testdata;17-05-1980;V;7941 ZZ;3\n"+
				bsns[1]+";Olaf;Testdata;01-03-2012;M;7941 ZZ;3\n"), 0o600)
			table := filepath.Join(dir, "adressen.csv")
			os.WriteFile(table, []byte("Postcode;Huisnummer van;Huisnummer tot;Wijkcode\n7941ZZ;1;9;WK011901\n"), 0o600)

			b.logIn(logins["beheer"])
			b.open("/beheer/inlezen")
			b.run(chromedp.SendKeys("#bron", "Testexport", chromedp.ByQuery),
				chromedp.SetUploadFiles("#bestand", []string{persons}, chromedp.ByQuery))
			b.submit(`form[action="/beheer/inlezen/spreadsheet"] button[type=submit]`)
			if page := b.text("main"); !strings.Contains(page, "Kolommen koppelen") || !strings.Contains(page, "clienten.csv") {
				t.Fatalf("mapping page:\n%s", page)
			}
			b.submit(`main form button[type=submit]`)
			report := b.text("main")
			if !strings.Contains(report, "Proefrun van 2 rijen: 2 nieuw") {
				t.Fatalf("dry run:\n%s", report)
			}
			b.submit(`main form button[type=submit]`)
			report = b.text("main")
			if !strings.Contains(report, "Ingelezen: 2 rijen, 2 nieuw") || !strings.Contains(report, "Huishoudens zonder wijk") {
				t.Fatalf("real run:\n%s", report)
			}
			for _, secret := range append(bsns, "Ilse", "17-05-1980") {
				if strings.Contains(report, secret) {
					t.Errorf("report shows personal data %q", secret)
				}
			}

			b.open("/beheer/inlezen")
			b.run(chromedp.SetUploadFiles("#pc_bestand", []string{table}, chromedp.ByQuery))
			b.submit(`form[action="/beheer/inlezen/postcodes"] button[type=submit]`)
			if page := b.text("main"); !strings.Contains(page, "Ingelezen: 1 rij.") || !strings.Contains(page, "Huishoudens zonder wijk die nu een wijk hebben: 1") {
				t.Fatalf("address table:\n%s", page)
			}
		})
	}
}

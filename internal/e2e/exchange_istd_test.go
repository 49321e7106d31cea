package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A beheerder uploads iJw messages on /beheer/uitwisseling (works without
// JavaScript; axe checks the page with it) and reads the report: what was
// imported, what was refused and why, and no personal data.
func TestBeheerUploadsIstandaardenMessages(t *testing.T) {
	for _, js := range []bool{true, false} {
		name := "with-javascript-and-axe"
		if !js {
			name = "without-javascript"
		}
		t.Run(name, func(t *testing.T) {
			base, logins := demoServer(t)
			b := newBrowser(t, base, js)
			// The example JW301, addressed to the demo gemeente Meppel (0119),
			// and the JW305 as published (for gemeente 0363: refused). The repository
			// holds copies of ../shared/data/istandaarden, with their attribution.
			dir := t.TempDir()
			src, err := os.ReadFile(filepath.Join("..", "exchange", "istd", "testdata", "ijw", "berichten", "JW301.xml"))
			if err != nil {
				t.Fatal(err)
			}
			jw301 := filepath.Join(dir, "JW301.xml")
			os.WriteFile(jw301, bytes.ReplaceAll(src, []byte(">0384<"), []byte(">0119<")), 0o600)
			jw305 := filepath.Join("..", "exchange", "istd", "testdata", "ijw", "berichten", "JW305.xml")
			abs305, _ := filepath.Abs(jw305)

			b.logIn(logins["beheer"])
			b.open("/beheer/uitwisseling")
			if !strings.Contains(b.text("main"), "Er zijn nog geen berichten ingelezen.") {
				t.Fatalf("upload page:\n%s", b.text("main"))
			}
			b.run(chromedp.SetUploadFiles(`#bestanden`, []string{jw301, abs305}, chromedp.ByQuery))
			b.submit(`form[action="/beheer/uitwisseling"] button[type=submit]`)
			report := b.text("main")
			for _, want := range []string{"2 bestanden:", "1 ingelezen", "1 geweigerd", "JW301 123456789012", "2 nieuwe voorzieningen",
				"dit bericht is voor gemeente 0363", "Eerder ingelezen berichten"} {
				if !strings.Contains(report, want) {
					t.Errorf("report lacks %q:\n%s", want, report)
				}
			}
			for _, secret := range []string{"999900006", "Tom", "Wit", "14-02-2010", "Woustraat"} {
				if strings.Contains(report, secret) {
					t.Errorf("report shows personal data %q", secret)
				}
			}
		})
	}
}

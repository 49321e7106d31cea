// Package e2e drives the real naober server (app.Run, as the binary runs
// it) in headless Chromium, and checks every page it visits with axe-core.
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"naober.nl/naober/internal/app"
)

// required makes a missing browser or axe a failure instead of a skip (.ci/run sets it).
func required() bool { return os.Getenv("NAOBER_E2E_REQUIRED") == "1" }

func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if required() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format+" (end-to-end browser tests skipped; .ci/run installs what they need)", args...)
}

func chromiumPath(t *testing.T) string {
	if p := os.Getenv("NAOBER_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	skipOrFail(t, "no Chromium found (install Debian's chromium package or set NAOBER_CHROMIUM)")
	return ""
}

func axeSource(t *testing.T) string {
	p := filepath.Join("testdata", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(p)
	if err != nil {
		skipOrFail(t, "axe-core not installed at %s (run: npm ci --prefix internal/e2e/testdata)", p)
	}
	return string(b)
}

type login struct{ role, email, password string }

// demoServer runs `naober demo` on port 0 and returns its URL and logins.
func demoServer(t *testing.T) (string, map[string]login) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	dir := filepath.Join(t.TempDir(), "demo")
	go func() {
		done <- app.Run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--dir", dir, "--households", "150", "--seed", "7", "--log-level", "warn"},
			func(string) string { return "" }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo server: %v", err)
		}
	})
	logins := map[string]login{}
	lineRE := regexp.MustCompile(`^\s+(regisseur|teamleider|beleid|beheer|wijkcoordinator)\s+(\S+@\S+)\s+(\S+)$`)
	residentRE := regexp.MustCompile(`^Bewoners \(\d+, allemaal met wachtwoord (\S+)\): (\S+@\S+) `)
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		if m := lineRE.FindStringSubmatch(line); m != nil {
			logins[m[1]] = login{m[1], m[2], m[3]}
		}
		if m := residentRE.FindStringSubmatch(line); m != nil {
			logins["bewoner"] = login{"bewoner", m[2], m[1]}
		}
		if u, ok := strings.CutPrefix(line, "naober draait op "); ok {
			go io.Copy(io.Discard, pr)
			return u, logins
		}
	}
	t.Fatalf("demo server did not start: %v", <-done)
	return "", nil
}

type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	axe  string
	js   bool
}

func newBrowser(t *testing.T, base string, js bool) *browser {
	exe := chromiumPath(t)
	axe := ""
	if js {
		axe = axeSource(t)
	}
	// Not t.TempDir: Chromium's helper processes may still write to the
	// profile for a moment after the browser exits, which would fail the
	// test in TempDir's cleanup. Remove it ourselves, best effort.
	profile, err := os.MkdirTemp("", "naober-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-sandbox", true), // CI runs as root
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelT()
		cancelC()
		cancelA()
		for i := 0; i < 10 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	b := &browser{t: t, ctx: ctx, base: base, axe: axe, js: js}
	if err := chromedp.Run(ctx); err != nil {
		skipOrFail(t, "Chromium at %s does not start: %v", exe, err)
	}
	if !js {
		b.run(emulation.SetScriptExecutionDisabled(true))
	}
	return b
}

func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v (at %s)", err, b.url())
	}
}

func (b *browser) url() string {
	var u string
	chromedp.Run(b.ctx, chromedp.Location(&u))
	return u
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	b.run(chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
}

// seriousViolations runs axe-core on the current page (WCAG 2.1 A and AA)
// and describes every serious or critical violation.
func (b *browser) seriousViolations() []string {
	b.t.Helper()
	var res axeResult
	script := `(async () => { if (!window.axe) { ` + b.axe + ` }
		return await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}); })()`
	b.run(chromedp.Evaluate(script, &res, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	var out []string
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			var targets []string
			for _, n := range v.Nodes {
				targets = append(targets, fmt.Sprint(n.Target...))
			}
			out = append(out, fmt.Sprintf("%s (%s): %s at %v", v.ID, v.Impact, v.Help, targets))
		}
	}
	return out
}

// checkA11y fails the test on serious or critical axe violations.
func (b *browser) checkA11y() {
	b.t.Helper()
	if !b.js {
		return
	}
	for _, v := range b.seriousViolations() {
		b.t.Errorf("axe on %s: %s", b.url(), v)
	}
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base + path))
	b.checkA11y()
}

// submit clicks something that loads a new page, waits for that page's
// load event, and checks it.
func (b *browser) submit(sel string) {
	b.t.Helper()
	loaded := make(chan struct{}, 1)
	lctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	chromedp.ListenTarget(lctx, func(ev any) {
		if _, ok := ev.(*page.EventLoadEventFired); ok {
			select {
			case loaded <- struct{}{}:
			default:
			}
		}
	})
	b.run(chromedp.Click(sel, chromedp.ByQuery, chromedp.NodeVisible))
	select {
	case <-loaded:
	case <-time.After(20 * time.Second):
		b.t.Fatalf("clicking %s loaded no page (at %s)", sel, b.url())
	}
	b.run(chromedp.WaitReady("footer", chromedp.ByQuery))
	b.checkA11y()
}

func (b *browser) logIn(l login) {
	b.t.Helper()
	b.open("/inloggen")
	b.run(chromedp.SendKeys("#email", l.email, chromedp.ByQuery), chromedp.SendKeys("#wachtwoord", l.password, chromedp.ByQuery))
	b.submit(`form[action="/inloggen"] button[type=submit]`)
	if strings.Contains(b.url(), "/inloggen") {
		b.t.Fatalf("login as %s failed: %s", l.role, b.text("main"))
	}
}

func TestRegisseurFindsHouseholdAndBeheerSeesTheRead(t *testing.T) {
	for _, js := range []bool{true, false} {
		name := "with-javascript-and-axe"
		if !js {
			name = "without-javascript"
		}
		t.Run(name, func(t *testing.T) {
			base, logins := demoServer(t)
			if logins["regisseur"].email == "" || logins["teamleider"].email == "" || logins["beleid"].email == "" || logins["beheer"].email == "" {
				t.Fatalf("demo printed %d logins, want one per role", len(logins))
			}
			b := newBrowser(t, base, js)

			// Public: all gemeenten, search, Meppel's real wijken on a map.
			b.open("/gebieden")
			b.run(chromedp.SendKeys("#q", "Mepp", chromedp.ByQuery))
			b.submit(`form[role=search] button`)
			b.submit(`a[href="/gebieden/GM0119"]`)
			var wijkLinks []string
			b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('svg a')).map(a => a.getAttribute('href'))`, &wijkLinks))
			if len(wijkLinks) != 14 || !strings.Contains(b.text("main"), "Haveltermade") {
				t.Fatalf("Meppel's map has %d wijk links", len(wijkLinks))
			}

			// A regisseur logs in, lists households, then finds one by postcode and house number.
			b.logIn(logins["regisseur"])
			b.open("/huishoudens?alle=1")
			var firstAddr, firstHref string
			b.run(chromedp.Text(`tbody tr td a`, &firstAddr, chromedp.ByQuery),
				chromedp.AttributeValue(`tbody tr td a`, "href", &firstHref, nil, chromedp.ByQuery))
			m := regexp.MustCompile(`^(\d{4} [A-Z]{2}) (\d+)`).FindStringSubmatch(firstAddr)
			if m == nil {
				t.Fatalf("first household address %q", firstAddr)
			}
			b.open("/huishoudens")
			b.run(chromedp.SendKeys("#postcode", m[1], chromedp.ByQuery), chromedp.SendKeys("#huisnummer", m[2], chromedp.ByQuery))
			b.submit(`form[action="/huishoudens"] button`)
			b.submit(`tbody a[href="` + firstHref + `"]`)
			if h1 := b.text("h1"); !strings.Contains(h1, m[1]) {
				t.Fatalf("opened %q, want household at %s", h1, m[1])
			}
			if rows := b.text("tbody"); strings.TrimSpace(rows) == "" {
				t.Fatal("household shows no members")
			}
			// Every other page a regisseur uses passes axe too.
			b.open("/huishoudens/nieuw")
			b.open(firstHref + "/leden/nieuw")

			// Log out: back at the login page, and the household is closed again.
			b.submit(`form[action="/uitloggen"] button`)
			if !strings.Contains(b.url(), "/inloggen") {
				t.Fatalf("after logout at %s", b.url())
			}
			b.run(chromedp.Navigate(b.base + firstHref))
			if !strings.Contains(b.url(), "/inloggen") {
				t.Fatalf("household still open after logout: %s", b.url())
			}

			// Beheer sees that read in the audit log.
			b.logIn(logins["beheer"])
			b.open("/beheer/audit?actie=lezen&soort=huishouden")
			if log := b.text("tbody"); !strings.Contains(log, logins["regisseur"].email) || !strings.Contains(log, strings.TrimPrefix(firstHref, "/huishoudens/")) {
				t.Fatalf("audit log does not show the regisseur's read:\n%s", log)
			}
			b.open("/beheer/gebruikers")

			// The checker itself works: an image without alt text is caught.
			if js {
				b.run(chromedp.Evaluate(`document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/x.png">')`, nil))
				if v := b.seriousViolations(); len(v) == 0 || !strings.Contains(v[0], "image-alt") {
					t.Fatalf("axe did not catch a missing alt text: %v", v)
				}
			}
		})
	}
}

package monitor_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"naober.nl/naober/internal/gen"
	"naober.nl/naober/internal/monitor"
)

// haaglanden are the four gemeenten of the wijkprofielen data.
var haaglanden = []string{"GM0518", "GM0603", "GM0629", "GM1916"}

// Generated data with the real wijkprofielen rates give, in the monitor,
// per-wijk shares that match those rates within sampling error.
func TestLoadCSVWijkprofielenRates(t *testing.T) {
	dir := t.TempDir()
	sum, err := gen.Run(gen.Options{Persons: 150000, Out: dir, Seed: 3, Gemeenten: haaglanden, End: 202611, Months: 24})
	if err != nil {
		t.Fatal(err)
	}
	ix, info, err := monitor.LoadCSVInfo(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	if info.Persons != sum.Persons || info.Facts != sum.Facts || info.Provisions != sum.Provisions || info.Costs != sum.Costs {
		t.Fatalf("loaded %+v, generated %+v", info, sum)
	}
	if st := ix.Stats(); st.Persons != sum.Persons || st.Households != sum.Households {
		t.Fatalf("index has %d persons, %d households; generated %d, %d", st.Persons, st.Households, sum.Persons, sum.Households)
	}
	profs, err := gen.Profiles()
	if err != nil {
		t.Fatal(err)
	}
	rates := map[string]func(gen.Profile) float64{
		"wet:wmo": func(p gen.Profile) float64 { return p.Wmo },
		"wet:jw":  func(p gen.Profile) float64 { return p.Jeugdhulp },
		"wet:pw":  func(p gen.Profile) float64 { return p.Bijstand },
		"wet:wgs": func(p gen.Profile) float64 { return p.Wanbet },
	}
	for _, month := range []monitor.Month{monitor.MonthOf(2025, 3), monitor.MonthOf(2026, 9)} {
		for ind, rate := range rates {
			res, err := ix.Count(monitor.Query{Expr: ind, Unit: monitor.Persons, Period: monitor.Period{From: month, To: month + 1},
				Level: monitor.ByWijk, Scope: monitor.Scope{Gemeenten: haaglanden}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != 70 {
				t.Fatalf("%s: %d wijken, want 70", ind, len(res.Rows))
			}
			worst := 0.0
			for _, r := range res.Rows {
				p, ok := profs[r.Area]
				if !ok {
					t.Fatalf("wijk %s has no profile", r.Area)
				}
				want := rate(p)
				share := float64(r.Count) / float64(r.Population)
				se := math.Sqrt(want * (1 - want) / float64(r.Population))
				if d := math.Abs(share - want); d > 4*se {
					t.Errorf("%d-%02d %s %s: share %.4f (%d of %d), wijkprofielen rate %.4f, more than 4 standard errors (%.4f) apart",
						month.Year(), month.Calendar(), ind, r.Area, share, r.Count, r.Population, want, se)
				} else if se > 0 {
					worst = max(worst, d/se)
				}
			}
			t.Logf("%d-%02d %s: 70 wijken within %.2f standard errors", month.Year(), month.Calendar(), ind, worst)
		}
	}
}

func TestLoadCSVErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := gen.Run(gen.Options{Persons: 2000, Out: dir, Seed: 1, Gemeenten: []string{"GM0119"}}); err != nil {
		t.Fatal(err)
	}
	corrupt := func(t *testing.T, name string, f func(lines []string) []string) string {
		t.Helper()
		d := t.TempDir()
		for _, n := range gen.Files {
			b, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			if n == name {
				lines := strings.Split(string(b), "\n")
				b = []byte(strings.Join(f(lines), "\n"))
			}
			if err := os.WriteFile(filepath.Join(d, n), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	for _, c := range []struct {
		name, file string
		f          func([]string) []string
		want       string
	}{
		{"bad month", "facts.csv", func(l []string) []string { l[2] = "1,volwassene,202513,202612"; return l }, "facts.csv line 3: from_month"},
		{"bad header", "costs.csv", func(l []string) []string { l[0] = "a,b"; return l }, "costs.csv line 1: header"},
		{"fields", "provisions.csv", func(l []string) []string { l[4] = "1,wmo"; return l }, "provisions.csv line 5: 2 fields"},
		{"cents", "costs.csv", func(l []string) []string { l[2] = "1,202501,wmo,6.711,01,12.50"; return l }, "costs.csv line 3: cents"},
		{"unsorted persons", "persons.csv", func(l []string) []string { l[3] = l[2]; return l }, "persons.csv line 4: id 2 is not above"},
		{"unknown person", "facts.csv", func(l []string) []string { return append(l[:len(l)-1], "999999,plan,202501,202502", "") }, "facts.csv line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := monitor.LoadCSV(corrupt(t, c.file, c.f), 1)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, err := monitor.LoadCSV(filepath.Join(dir, "nope"), 1); err == nil {
		t.Fatal("no error for a missing directory")
	}
}

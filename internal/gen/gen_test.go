package gen

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"naober.nl/naober/internal/casework"
)

func generate(t *testing.T, o Options) (string, Summary) {
	t.Helper()
	if o.Out == "" {
		o.Out = t.TempDir()
	}
	s, err := Run(o)
	if err != nil {
		t.Fatal(err)
	}
	return o.Out, s
}

func readCSV(t *testing.T, dir, name string, each func(f []string)) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	sc.Scan() // header
	for sc.Scan() {
		each(strings.Split(sc.Text(), ","))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

// The same options give the same bytes, whatever the number of workers.
func TestDeterministic(t *testing.T) {
	a, _ := generate(t, Options{Persons: 30000, Seed: 7, Gemeenten: []string{"GM0119", "GM0518"}, Workers: 1})
	b, _ := generate(t, Options{Persons: 30000, Seed: 7, Gemeenten: []string{"GM0119", "GM0518"}, Workers: 3})
	c, _ := generate(t, Options{Persons: 30000, Seed: 8, Gemeenten: []string{"GM0119", "GM0518"}})
	for _, name := range Files {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		z, _ := os.ReadFile(filepath.Join(c, name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between 1 and 3 workers", name)
		}
		if name != "households.csv" && bytes.Equal(x, z) {
			t.Errorf("%s is the same for seeds 7 and 8", name)
		}
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Persons: -1, Out: t.TempDir()},
		{Persons: 10, Out: t.TempDir(), End: 202613},
		{Persons: 10, Out: t.TempDir(), Gemeenten: []string{"GM9999"}},
		{Persons: 10},
	} {
		if _, err := Run(o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

// The files are consistent, sorted, within the window, and the national
// rates and the clustering of problems come out as the model says.
func TestNationalShape(t *testing.T) {
	const n = 200000
	dir, sum := generate(t, Options{Persons: n, Seed: 1, End: 202611, Months: 24})
	if sum.Persons != n || sum.Wijken != 3393 || sum.Gemeenten != 342 {
		t.Fatalf("summary %+v", sum)
	}
	if r := float64(sum.Persons) / float64(sum.Households); r < 2.05 || r > 2.35 {
		t.Errorf("mean household size %.2f, want about 2.2", r)
	}
	if sum.First != 202412 || sum.Last != 202611 {
		t.Errorf("window %d–%d", sum.First, sum.Last)
	}
	hh := make([]int32, n+1)
	age := make([]int, n+1) // at 2026-06, years
	last := 0
	readCSV(t, dir, "persons.csv", func(f []string) {
		id := atoi(t, f[0])
		if id != last+1 {
			t.Fatalf("persons.csv: id %d after %d", id, last)
		}
		last = id
		hh[id] = int32(atoi(t, f[1]))
		b := atoi(t, f[5])
		age[id] = ((2026*12 + 5) - (b/100*12 + b%100 - 1)) / 12
		if !strings.HasPrefix(f[4], "BU"+f[3][2:]) || !strings.HasPrefix(f[3], "WK"+f[2][2:]) {
			t.Fatalf("persons.csv: areas %v do not nest", f)
		}
	})
	const month = 202606
	type set map[int]bool
	on := map[string]set{}
	check := func(name string, from, to int) {
		if from >= to || from < 202412 || to > 202612 {
			t.Fatalf("%s: period [%d, %d) outside the window", name, from, to)
		}
	}
	prev := 0
	readCSV(t, dir, "provisions.csv", func(f []string) {
		p, from, to := atoi(t, f[0]), atoi(t, f[4]), atoi(t, f[5])
		if p < prev {
			t.Fatalf("provisions.csv not sorted at person %d", p)
		}
		prev = p
		check("provisions.csv", from, to)
		if !casework.TaakveldAllowed(f[1], f[3]) {
			t.Fatalf("taakveld %s not allowed for %s", f[3], f[1])
		}
		if from <= month && month < to {
			if on["wet:"+f[1]] == nil {
				on["wet:"+f[1]] = set{}
			}
			on["wet:"+f[1]][p] = true
		}
	})
	prev = 0
	readCSV(t, dir, "facts.csv", func(f []string) {
		p, from, to := atoi(t, f[0]), atoi(t, f[2]), atoi(t, f[3])
		if p < prev {
			t.Fatalf("facts.csv not sorted at person %d", p)
		}
		prev = p
		check("facts.csv", from, to)
		if from <= month && month < to {
			if on[f[1]] == nil {
				on[f[1]] = set{}
			}
			on[f[1]][p] = true
		}
	})
	var cents int64
	readCSV(t, dir, "costs.csv", func(f []string) { cents += int64(atoi(t, f[5])) })
	if cents <= 0 {
		t.Fatal("no costs")
	}
	u23 := 0
	for id := 1; id <= n; id++ {
		if age[id] < 23 {
			u23++
		}
		if on["kind"][id] == on["volwassene"][id] {
			t.Fatalf("person %d (age %d) is both or neither kind and volwassene", id, age[id])
		}
	}
	share := func(ind string, denom int) float64 { return float64(len(on[ind])) / float64(denom) }
	for _, c := range []struct {
		ind       string
		denom     int
		want, tol float64
	}{
		{"wet:wmo", n, 0.072, 0.006},
		{"wet:jw", u23, 0.106, 0.012},
		{"wet:pw", n, 406000.0 / 18e6, 0.003},
		{"wet:wgs", n, 0.013, 0.002},
	} {
		if s := share(c.ind, c.denom); s < c.want-c.tol || s > c.want+c.tol {
			t.Errorf("%s: share %.4f, want %.4f ± %.4f", c.ind, s, c.want, c.tol)
		}
	}
	// Clustering: households with youth care and bijstand, and with youth
	// care and adult ggz problems, are far more common than independence gives.
	hhs := map[int32]int{}
	for id := 1; id <= n; id++ {
		hhs[hh[id]] |= 0
		if on["wet:jw"][id] {
			hhs[hh[id]] |= 1
		}
		if on["wet:pw"][id] {
			hhs[hh[id]] |= 2
		}
		if on["zrm:geestelijke_gezondheid"][id] {
			hhs[hh[id]] |= 4
		}
	}
	var c [8]float64
	for _, m := range hhs {
		c[m]++
	}
	tot := float64(len(hhs))
	pj := (c[1] + c[3] + c[5] + c[7]) / tot
	pp := (c[2] + c[3] + c[6] + c[7]) / tot
	pg := (c[4] + c[5] + c[6] + c[7]) / tot
	if both := (c[3] + c[7]) / tot; both < 2*pj*pp {
		t.Errorf("jw and pw in one household: %.5f, independence gives %.5f; want at least twice that", both, pj*pp)
	}
	if both := (c[5] + c[7]) / tot; both < 2*pj*pg {
		t.Errorf("jw and ggz in one household: %.5f, independence gives %.5f; want at least twice that", both, pj*pg)
	}
}

func TestProfiles(t *testing.T) {
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 70 {
		t.Fatalf("%d profiles, want 70", len(ps))
	}
	p := ps["WK051801"]
	if p.Population != 8760 || p.Wmo < 0.04 || p.Wmo > 0.042 {
		t.Errorf("WK051801: %+v", p)
	}
}

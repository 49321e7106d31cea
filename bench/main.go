// Command bench loads one generated population (naober gen national) into
// naober's monitor engine, DuckDB, PostgreSQL and SQLite, runs the same five
// queries on each, checks that every engine gives exactly the same answers,
// and prints the median latency per query and engine with the ratio to
// naober. See README.md.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"time"

	"naober.nl/naober/internal/monitor"
)

// answer is a query's exact result: key (area, group, field) -> number.
type answer map[string]int64

// window is the data's months and the periods the queries use.
type window struct {
	First, Last int // YYYYMM, both in the data
	P0, P1      int // the last 12 months, [P0, P1)
	W1          int // month after Last
	Months      []int
	TrendWijk   string
}

type engine interface {
	Name() string
	Load(dir string) (string, error) // returns a line about the load
	Run(q string, w *window) (answer, error)
	Close()
}

var queries = []struct{ id, about string }{
	{"a", "CBS stacking table per wijk, persons, 12 months"},
	{"b", "expensive combination per wijk, households, 12 months"},
	{"c", "costs per wijk per taakveld, 12 months"},
	{"d", "24-month trend of wet:wmo for one wijk"},
	{"e", "wet:wmo en hh:75plus en niet wet:voorliggend per buurt, 12 months"},
}

func main() {
	data := flag.String("data", "", "directory written by naober gen national")
	pg := flag.String("pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL DSN (the benchmark makes and drops schema naober_bench)")
	engines := flag.String("engines", "naober,duckdb,postgres,sqlite", "engines to run, comma separated")
	runs := flag.Int("runs", 5, "runs per query and engine (the median is reported)")
	slowRuns := flag.Int("slow-runs", 0, "runs per query on postgres and sqlite (default: -runs)")
	only := flag.String("queries", "a,b,c,d,e", "queries to run")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "bench: -data DIR is required (make one with: naober gen national --persons 1000000 --out DIR)")
		os.Exit(2)
	}
	w, err := readWindow(*data)
	if err != nil {
		fatal(err)
	}
	fmt.Printf("data %s: months %d–%d, 12-month period [%d, %d), trend wijk %s\n", *data, w.First, w.Last, w.P0, w.P1, w.TrendWijk)
	var list []engine
	for _, name := range strings.Split(*engines, ",") {
		switch strings.TrimSpace(name) {
		case "naober":
			list = append(list, &naober{})
		case "duckdb":
			list = append(list, &sqlEngine{name: "duckdb"})
		case "postgres":
			list = append(list, &sqlEngine{name: "postgres", dsn: *pg})
		case "sqlite":
			list = append(list, &sqlEngine{name: "sqlite"})
		default:
			fatal(fmt.Errorf("-engines: unknown engine %q", name))
		}
	}
	type cell struct {
		median, first time.Duration
		rows          int
	}
	results := map[string]map[string]cell{} // query -> engine -> cell
	ref := map[string]answer{}
	refName := map[string]string{}
	failures := 0
	for _, e := range list {
		line, err := e.Load(*data)
		if err != nil {
			fatal(fmt.Errorf("%s: load: %w", e.Name(), err))
		}
		fmt.Printf("load %-8s %s\n", e.Name(), line)
		for _, q := range queries {
			if !strings.Contains(*only, q.id) {
				continue
			}
			var times []time.Duration
			var ans answer
			n := *runs
			if *slowRuns > 0 && (e.Name() == "postgres" || e.Name() == "sqlite") {
				n = *slowRuns
			}
			for r := 0; r < n; r++ {
				t := time.Now()
				a, err := e.Run(q.id, w)
				d := time.Since(t)
				if err != nil {
					fatal(fmt.Errorf("%s query %s: %w", e.Name(), q.id, err))
				}
				times = append(times, d)
				ans = a
			}
			first := times[0]
			slices.Sort(times)
			if results[q.id] == nil {
				results[q.id] = map[string]cell{}
			}
			results[q.id][e.Name()] = cell{median: times[len(times)/2], first: first, rows: len(ans)}
			if prev, ok := ref[q.id]; !ok {
				ref[q.id], refName[q.id] = ans, e.Name()
			} else if diff := compare(prev, ans); diff != "" {
				failures++
				fmt.Printf("MISMATCH query %s: %s vs %s: %s\n", q.id, refName[q.id], e.Name(), diff)
			}
			fmt.Printf("  %s %-8s median %10s  first %10s  (%d values)\n", q.id, e.Name(), round(times[len(times)/2]), round(first), len(ans))
		}
		e.Close()
		runtime.GC()
		debug.FreeOSMemory()
	}
	fmt.Printf("\n%-5s %-8s %12s %12s %10s  %s\n", "query", "engine", "median", "first run", "× naober", "values")
	for _, q := range queries {
		for _, e := range list {
			c, ok := results[q.id][e.Name()]
			if !ok {
				continue
			}
			ratio := "-"
			if n, ok := results[q.id]["naober"]; ok && n.median > 0 {
				ratio = fmt.Sprintf("%.1f", float64(c.median)/float64(n.median))
			}
			fmt.Printf("%-5s %-8s %12s %12s %10s  %d\n", q.id, e.Name(), round(c.median), round(c.first), ratio, c.rows)
		}
	}
	for _, q := range queries {
		fmt.Printf("  %s: %s\n", q.id, q.about)
	}
	if failures > 0 {
		fmt.Printf("\n%d query results DIFFER between engines\n", failures)
		os.Exit(1)
	}
	fmt.Println("\nall engines gave identical answers")
}

func round(d time.Duration) time.Duration {
	switch {
	case d > 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d > 10*time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

// compare describes the first differences between two answers ("" when equal).
func compare(a, b answer) string {
	var diffs []string
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	n := 0
	for _, k := range sorted {
		if a[k] != b[k] {
			n++
			if len(diffs) < 5 {
				diffs = append(diffs, fmt.Sprintf("%s: %d vs %d", k, a[k], b[k]))
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d values differ, e.g. %s", n, strings.Join(diffs, "; "))
}

func readWindow(dir string) (*window, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m struct {
		First int `json:"first_month"`
		Last  int `json:"last_month"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	w := &window{First: m.First, Last: m.Last}
	idx := func(ym int) int { return ym/100*12 + ym%100 - 1 }
	ym := func(i int) int { return i/12*100 + i%12 + 1 }
	w.W1 = ym(idx(m.Last) + 1)
	w.P1 = w.W1
	w.P0 = ym(max(idx(m.Last)-11, idx(m.First)))
	for i := idx(m.First); i <= idx(m.Last); i++ {
		w.Months = append(w.Months, ym(i))
	}
	// The trend wijk: the one with the most persons.
	f, err := os.Open(filepath.Join(dir, "persons.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	count := map[string]int{}
	r.ReadSlice('\n')
	for {
		line, err := r.ReadSlice('\n')
		if len(line) == 0 {
			break
		}
		f := bytes.SplitN(line, []byte(","), 5)
		if len(f) == 5 {
			count[string(f[3])]++
		}
		if err != nil {
			break
		}
	}
	best := 0
	for k, n := range count {
		if n > best || n == best && k < w.TrendWijk {
			best, w.TrendWijk = n, k
		}
	}
	return w, nil
}

func monthOf(ym int) monitor.Month { return monitor.MonthOf(ym/100, time.Month(ym%100)) }

func ymOf(m monitor.Month) int { return m.Year()*100 + int(m.Calendar()) }

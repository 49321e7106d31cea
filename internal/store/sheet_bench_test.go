package store_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/exchange/sheet"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// benchPersonsCSV makes a persons file of n rows: valid BSNs, about two
// persons per address, 100 addresses per postcode, Dutch dates.
func benchPersonsCSV(n int) ([]byte, []store.PostcodeArea) {
	var b bytes.Buffer
	b.WriteString("BSN;Voornaam;Tussenvoegsel;Achternaam;Geb.datum;Geslacht;Postcode;Huisnr;Toev;Rol\n")
	bsn := 100000000
	var areas []store.PostcodeArea
	for i := 0; i < n; i++ {
		for !people.ValidBSN(fmt.Sprintf("%09d", bsn)) {
			bsn++
		}
		addr := i / 2
		pc := fmt.Sprintf("%04d%c%c", 1000+addr/100%9000, 'A'+addr/100/9000%26, 'A'+addr/100/9000/26%26)
		if addr%100 == 0 && i%2 == 0 {
			areas = append(areas, store.PostcodeArea{Postcode: pc, HuisnummerVan: 1, HuisnummerTot: 200, Gemeente: "GM0119", Wijk: fmt.Sprintf("WK0119%02d", addr/100%14+1)})
		}
		g, rol := "V", "ouder"
		if i%2 == 1 {
			g, rol = "M", "partner"
		}
		fmt.Fprintf(&b, "%09d;Voornaam%d;van;Achternaam%d;%02d-%02d-%d;%s;%s;%d;;%s\n", bsn, i, i, 1+i%28, 1+i%12, 1940+i%60, g, pc, 1+addr%100, rol)
		bsn++
	}
	return b.Bytes(), areas
}

// benchFile writes a persons file of n rows, so the input is not on the heap.
func benchFile(b *testing.B, n int) (*os.File, int64, []store.PostcodeArea) {
	b.Helper()
	data, areas := benchPersonsCSV(n)
	path := filepath.Join(b.TempDir(), "bench.csv")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return f, int64(len(data)), areas
}

// cpuTime is the process's user+system CPU time: on a shared machine wall
// time says more about the neighbours than about naober.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakHeap samples the live heap while fn runs.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// BenchmarkSpreadsheetImport imports a CSV of persons into SQLite end to
// end: read, map, convert, find-or-create person and household, audit,
// change log, idempotency keys; one transaction per file.
func BenchmarkSpreadsheetImport(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			f, size, areas := benchFile(b, n)
			var total, cpu time.Duration
			var peak uint64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := storetest.SQLite(b)
				if err := s.EnsureTenant(ctx, "GM0119", "Meppel"); err != nil {
					b.Fatal(err)
				}
				if err := s.PutPostcodeAreas(ctx, areas); err != nil {
					b.Fatal(err)
				}
				a := store.Actor{P: &auth.Principal{UserID: "systeem-uitwisseling", Email: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Beheer}}}}
				b.StartTimer()
				start, cpu0 := time.Now(), cpuTime()
				h := peakHeap(func() {
					r, err := sheet.Open("bench.csv", f, size, sheet.Options{})
					if err != nil {
						b.Fatal(err)
					}
					m := exchange.Suggest(exchange.KindPersons, r.Header())
					rep, err := s.ImportSheet(ctx, a, store.SheetImport{Gemeente: "GM0119", Source: "bench", Kind: exchange.KindPersons, Mapping: m, Key: "BSN", File: "bench.csv"}, r)
					if err != nil || rep.Created != n || !rep.Saved {
						b.Fatalf("%+v %v", rep.Summary(), err)
					}
				})
				total += time.Since(start)
				cpu += cpuTime() - cpu0
				peak = max(peak, h)
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "rows/s")
			b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "rows/cpu-s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// BenchmarkSpreadsheetParseMap is the file side alone: read the CSV and
// convert every row (BSN check, dates, postcode), no database.
func BenchmarkSpreadsheetParseMap(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			f, size, _ := benchFile(b, n)
			var peak uint64
			start, cpu0 := time.Now(), cpuTime()
			for i := 0; i < b.N; i++ {
				h := peakHeap(func() {
					r, err := sheet.Open("bench.csv", f, size, sheet.Options{})
					if err != nil {
						b.Fatal(err)
					}
					m := exchange.Suggest(exchange.KindPersons, r.Header())
					c, err := exchange.NewConverter(exchange.KindPersons, "bench.csv", r.Header(), m, "BSN", store.SheetParsers, people.MustDate("2026-12-01"))
					if err != nil {
						b.Fatal(err)
					}
					for {
						row, err := r.Next()
						if err == io.EOF {
							break
						}
						if err != nil {
							b.Fatal(err)
						}
						if _, ps := c.Convert(row.Line, row.Cells); len(ps) > 0 {
							b.Fatal(ps)
						}
					}
				})
				peak = max(peak, h)
			}
			b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "rows/s")
			b.ReportMetric(float64(n*b.N)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// BenchmarkSpreadsheetReimport imports the same file a second time: every
// row is found by its key and left as it was.
func BenchmarkSpreadsheetReimport(b *testing.B) {
	const n = 20_000
	f, size, areas := benchFile(b, n)
	s := storetest.SQLite(b)
	if err := s.EnsureTenant(ctx, "GM0119", "Meppel"); err != nil {
		b.Fatal(err)
	}
	if err := s.PutPostcodeAreas(ctx, areas); err != nil {
		b.Fatal(err)
	}
	a := store.Actor{P: &auth.Principal{UserID: "systeem-uitwisseling", Email: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Beheer}}}}
	run := func(want func(store.SheetReport) bool) {
		r, err := sheet.Open("bench.csv", f, size, sheet.Options{})
		if err != nil {
			b.Fatal(err)
		}
		m := exchange.Suggest(exchange.KindPersons, r.Header())
		rep, err := s.ImportSheet(ctx, a, store.SheetImport{Gemeente: "GM0119", Source: "bench", Kind: exchange.KindPersons, Mapping: m, Key: "BSN", File: "bench.csv"}, r)
		if err != nil || !want(rep) {
			b.Fatalf("%s %v", rep.Summary(), err)
		}
	}
	run(func(r store.SheetReport) bool { return r.Created == n })
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		run(func(r store.SheetReport) bool { return r.Unchanged == n })
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric(float64(n*b.N)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
}

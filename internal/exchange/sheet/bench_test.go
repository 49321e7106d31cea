package sheet

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// personsCSV writes a persons file as a gemeente system exports it.
func personsCSV(b *testing.B, rows int) string {
	b.Helper()
	name := filepath.Join(b.TempDir(), "personen.csv")
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("\ufeffBSN;voornamen;achternaam;geboortedatum;postcode;huisnummer\r\n")
	first := []string{"Jan", "Anna Maria", "Mohammed", "Sanne", "Pieter Johannes", "Fatima", "Daan", "Eva"}
	last := []string{"de Vries", "Jansen", "Bakker", "Yılmaz", "van den Berg", "Visser", "Smit", "El Amrani"}
	for i := 0; i < rows; i++ {
		fmt.Fprintf(w, "%09d;%s;%s;%02d-%02d-%d;%04d%c%c;%d\r\n", 999_000_000+i, first[i%8], last[i/8%8],
			1+i%28, 1+i%12, 1930+i%90, 1000+i%9000, 'A'+i%26, 'A'+i/26%26, 1+i%200)
	}
	w.Flush()
	f.Close()
	return name
}

// read parses a whole file and returns the rows and the peak live heap,
// sampled every 10,000 rows (the file itself is on disk, not in memory).
func read(b *testing.B, name string) (int, uint64) {
	f, err := os.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	r, err := Open(name, f, st.Size(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	var peak uint64
	var ms runtime.MemStats
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
		if n%10_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	return n, peak
}

func benchRead(b *testing.B, name string, rows int) {
	var peak uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n, p := read(b, name)
		if n != rows {
			b.Fatalf("%d rows", n)
		}
		peak = max(peak, p)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

func BenchmarkCSV(b *testing.B) {
	for _, rows := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			name := personsCSV(b, rows)
			b.ReportAllocs()
			benchRead(b, name, rows)
		})
	}
}

// personsXLSX writes the same persons with sheet.Writer: numbers for BSN and
// house number, a real date cell, inline strings.
func personsXLSX(b *testing.B, rows int) string {
	b.Helper()
	name := filepath.Join(b.TempDir(), "personen.xlsx")
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	w := NewWriter(f)
	date := w.AddStyle(Style{NumFmt: "dd-mm-yyyy"})
	w.NewSheet("Personen")
	w.WriteRow(1, Text("BSN", 0), Text("voornamen", 0), Text("achternaam", 0), Text("geboortedatum", 0), Text("postcode", 0), Text("huisnummer", 0))
	first := []string{"Jan", "Anna Maria", "Mohammed", "Sanne", "Pieter Johannes", "Fatima", "Daan", "Eva"}
	last := []string{"de Vries", "Jansen", "Bakker", "Yılmaz", "van den Berg", "Visser", "Smit", "El Amrani"}
	for i := 0; i < rows; i++ {
		w.WriteRow(i+2, Int(int64(999_000_000+i), 0), Text(first[i%8], 0), Text(last[i/8%8], 0), Int(int64(10959+i%32000), date),
			Text(fmt.Sprintf("%04d%c%c", 1000+i%9000, 'A'+i%26, 'A'+i/26%26), 0), Int(int64(1+i%200), 0))
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return name
}

func BenchmarkXLSX(b *testing.B) {
	for _, rows := range []int{100_000, 500_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			name := personsXLSX(b, rows)
			b.ReportAllocs()
			benchRead(b, name, rows)
		})
	}
}

func BenchmarkXLSXWrite(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		personsXLSX(b, 100_000)
	}
	b.ReportMetric(100_000*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

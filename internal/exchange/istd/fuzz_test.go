package istd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"naober.nl/naober/internal/exchange"
)

func FuzzRead(f *testing.F) {
	for _, file := range examples(f) {
		f.Add(readFile(f, file))
	}
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`))
	f.Add([]byte("\xef\xbb\xbf<jw302:Bericht xmlns:jw302=\"http://www.istandaarden.nl/ijw/3_2/jw302/schema\"><jw302:Header/></jw302:Bericht>"))
	f.Fuzz(func(t *testing.T, in []byte) {
		readBoth(t, "fuzz.xml", in) // plainTokens or not, the same result
		m, err := Read("fuzz.xml", bytes.NewReader(in))
		if err != nil {
			var ps exchange.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("a bytes.Reader cannot fail, yet: %T %v", err, err)
			}
			if len(ps) == 0 || len(ps) > MaxProblems+1 {
				t.Fatalf("%d problems", len(ps))
			}
			for _, p := range ps {
				if p.File != "fuzz.xml" || p.Msg == "" {
					t.Fatalf("incomplete problem %+v", p)
				}
			}
			if m != nil {
				t.Fatal("message and problems")
			}
			return
		}
		if m == nil || m.Code == "" || (m.Import != (m.Note == "")) {
			t.Fatalf("bad message %+v", m)
		}
		if m.Code == "301" {
			if m.Client == nil || len(m.Allocations) == 0 {
				t.Fatalf("301 without client or allocations")
			}
			// What reads cleanly can be written, or is refused with
			// Problems; never an invalid message.
			var b bytes.Buffer
			if err := WriteAllocation(&b, m); err != nil {
				var ps exchange.Problems
				if !errors.As(err, &ps) {
					t.Fatalf("write: %v", err)
				}
				return
			}
			// And what is written reads back as the same message.
			back, err := Read("fuzz.xml", &b)
			if err != nil {
				t.Fatalf("read back: %v", err)
			}
			if !reflect.DeepEqual(m, back) {
				t.Fatalf("round trip differs:\n%s\n%s", dump(m), dump(back))
			}
		}
	})
}

// bigAllocation is a realistic 301: one client with n products.
func bigAllocation(tb testing.TB, n int) []byte {
	m := allocation(exchange.IWmo)
	base := m.Allocations[0]
	m.Allocations = nil
	cats := []string{"01", "02", "07", "08", "14"}
	for i := 0; i < n; i++ {
		a := base
		a.Nummer = fmt.Sprint(100000 + i)
		a.Categorie = cats[i%len(cats)]
		a.Code = a.Categorie + "A01"
		a.ReferentieAanbieder = fmt.Sprintf("REF-%d", i)
		v := 2 + i%5
		a.Volume, a.Eenheid, a.Frequentie = &v, "04", "2"
		a.Einddatum = d("2026-12-31")
		a.Commentaar = "begeleiding individueel, twee keer per week"
		m.Allocations = append(m.Allocations, a)
	}
	var b bytes.Buffer
	if err := WriteAllocation(&b, m); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func BenchmarkRead301(b *testing.B) {
	for _, n := range []int{3, 10000} {
		in := bigAllocation(b, n)
		b.Run(fmt.Sprintf("products=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				m, err := Read("bench.xml", bytes.NewReader(in))
				if err != nil || len(m.Allocations) != n {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "products/s")
		})
	}
}

func BenchmarkRead323(b *testing.B) {
	ex := string(readFile(b, jw323))
	start := strings.Index(ex, "<jw323:Client>")
	end := strings.LastIndex(ex, "</jw323:Client>") + len("</jw323:Client>")
	// The example's two clients (five claims, 79000 cents) 2000 times.
	in := ex[:start] + strings.Repeat(ex[start:end], 2000) + ex[end:]
	in = strings.Replace(in, "<ijw:TotaalBedrag>79000<", "<ijw:TotaalBedrag>158000000<", 1)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := Read("bench.xml", strings.NewReader(in))
		if err != nil || len(m.Declaration.Claims) != 10000 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "claims/s")
}

func BenchmarkWriteAllocation(b *testing.B) {
	m := mustRead(b, "in", bigAllocation(b, 1000))
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteAllocation(io.Discard, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "products/s")
}

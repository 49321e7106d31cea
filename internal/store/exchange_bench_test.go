package store_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange/istd"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// benchBSNs returns n BSNs of the test range 9999xxxxx that pass the
// 11-proef. The range holds 9,091 of them; beyond that the list starts
// over (a client who gets a second allocation later, as happens).
func benchBSNs(n int) []string {
	out := make([]string, 0, n)
	for v := 0; len(out) < n; v++ {
		if v == 10000 {
			for i := 0; len(out) < n; i++ {
				out = append(out, out[i])
			}
			break
		}
		s := fmt.Sprintf("9999%04d", v)
		sum := 0
		for i := 0; i < 8; i++ {
			sum += (9 - i) * int(s[i]-'0')
		}
		// last digit d: sum - d ≡ 0 (mod 11)
		d := sum % 11
		if d > 9 {
			continue
		}
		out = append(out, s+fmt.Sprint(d))
	}
	return out
}

var benchNames = []string{"Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks"}
var benchFirst = []string{"Anna", "Tom", "Sara", "Daan", "Emma", "Lucas", "Julia", "Sem", "Fleur", "Noah", "Mila", "Finn"}

// bench301 writes one realistic JW301: a client with name, birth date and
// BRP address, and 1–3 allocated products.
func bench301(b *bytes.Buffer, r *rand.Rand, id int, bsn string) int {
	n := 1 + r.IntN(3)
	birth := time.Date(2008+r.IntN(10), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	fmt.Fprintf(b, `<?xml version="1.0" encoding="UTF-8"?>
<jw301:Bericht xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema" xmlns:jw301="http://www.istandaarden.nl/ijw/3_2/jw301/schema">
	<jw301:Header>
		<jw301:BerichtCode>436</jw301:BerichtCode>
		<jw301:BerichtVersie>3</jw301:BerichtVersie>
		<jw301:BerichtSubversie>2</jw301:BerichtSubversie>
		<jw301:Afzender>0384</jw301:Afzender>
		<jw301:Ontvanger>%08d</jw301:Ontvanger>
		<jw301:BerichtIdentificatie>
			<ijw:Identificatie>B%d</ijw:Identificatie>
			<ijw:Dagtekening>2026-04-01</ijw:Dagtekening>
		</jw301:BerichtIdentificatie>
		<jw301:XsdVersie>
			<ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie>
			<ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>
		</jw301:XsdVersie>
	</jw301:Header>
	<jw301:Client>
		<jw301:Bsn>%s</jw301:Bsn>
		<jw301:Geboortedatum>
			<ijw:Datum>%s</ijw:Datum>
		</jw301:Geboortedatum>
		<jw301:Geslacht>%d</jw301:Geslacht>
		<jw301:Naam>
			<ijw:Geslachtsnaam>
				<ijw:Achternaam>%s</ijw:Achternaam>
			</ijw:Geslachtsnaam>
			<ijw:Voornamen>%s</ijw:Voornamen>
			<ijw:NaamGebruik>1</ijw:NaamGebruik>
		</jw301:Naam>
		<jw301:Contactgegevens>
			<jw301:Contact>
				<jw301:Soort>01</jw301:Soort>
				<jw301:Adres>
					<ijw:Huis>
						<ijw:Huisnummer>%d</ijw:Huisnummer>
					</ijw:Huis>
					<ijw:Postcode>%04dAB</ijw:Postcode>
					<ijw:Straatnaam>Dorpsstraat</ijw:Straatnaam>
					<ijw:Plaatsnaam>Diemen</ijw:Plaatsnaam>
					<ijw:LandCode>NL</ijw:LandCode>
				</jw301:Adres>
			</jw301:Contact>
		</jw301:Contactgegevens>
		<jw301:ToegewezenProducten>
`, 10000000+r.IntN(50), id, bsn, birth.Format("2006-01-02"), 1+r.IntN(2), benchNames[r.IntN(len(benchNames))], benchFirst[r.IntN(len(benchFirst))],
		1+r.IntN(200), 1100+r.IntN(100))
	cats := []string{"43", "44", "45", "46", "50", "54"}
	for k := 0; k < n; k++ {
		start := time.Date(2025, time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
		cat := cats[r.IntN(len(cats))]
		fmt.Fprintf(b, `			<jw301:ToegewezenProduct>
				<jw301:ToewijzingNummer>%d</jw301:ToewijzingNummer>
				<jw301:Product>
					<ijw:Categorie>%s</ijw:Categorie>
					<ijw:Code>%sA%02d</ijw:Code>
				</jw301:Product>
				<jw301:Toewijzingsdatum>%s</jw301:Toewijzingsdatum>
				<jw301:Toewijzingstijd>09:00:00</jw301:Toewijzingstijd>
				<jw301:Ingangsdatum>%s</jw301:Ingangsdatum>
				<jw301:Einddatum>%s</jw301:Einddatum>
				<jw301:Omvang>
					<ijw:Volume>%d</ijw:Volume>
					<ijw:Eenheid>04</ijw:Eenheid>
					<ijw:Frequentie>2</ijw:Frequentie>
				</jw301:Omvang>
			</jw301:ToegewezenProduct>
`, id*10+k, cat, cat, r.IntN(20), start.Format("2006-01-02"), start.Format("2006-01-02"), start.AddDate(1, 0, -1).Format("2006-01-02"), 1+r.IntN(8))
	}
	b.WriteString("		</jw301:ToegewezenProducten>\n	</jw301:Client>\n</jw301:Bericht>\n")
	return n
}

// BenchmarkImport301 parses and applies 10,000 JW301 messages (1–3
// products each; 9,091 distinct clients, the rest a second allocation for
// a known client; addresses placed through the postcode table) into a fresh SQLite database, in batches of 500 messages (one
// transaction each). It reports allocated products per second (target
// ≥ 20,000), per CPU second (comparable on a shared machine) and the heap
// in use afterwards.
func BenchmarkImport301(b *testing.B) {
	messages, batch := benchMessages(), 500
	r := rand.New(rand.NewPCG(1, 2))
	bsns := benchBSNs(messages)
	files := make([][]byte, messages)
	products := 0
	for i := range files {
		var buf bytes.Buffer
		products += bench301(&buf, r, i+1, bsns[i])
		files[i] = buf.Bytes()
	}
	b.ReportAllocs()
	b.ResetTimer()
	var elapsed, cpu time.Duration
	for it := 0; it < b.N; it++ {
		b.StopTimer()
		s := storetest.SQLite(b)
		if err := s.EnsureTenant(ctx, "GM0384", "Diemen"); err != nil {
			b.Fatal(err)
		}
		var areas []store.PostcodeArea
		for pc := 1100; pc < 1200; pc++ {
			areas = append(areas, store.PostcodeArea{Postcode: fmt.Sprintf("%04dAB", pc), HuisnummerVan: 1, HuisnummerTot: 9999, Gemeente: "GM0384", Wijk: fmt.Sprintf("WK0384%02d", pc%8)})
		}
		if err := s.PutPostcodeAreas(ctx, areas); err != nil {
			b.Fatal(err)
		}
		a := benchActor(b, s)
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		// Parse on one goroutine while the store applies the previous batch.
		batches := make(chan []store.ExchangeInput, 2)
		go func() {
			defer close(batches)
			in := make([]store.ExchangeInput, 0, batch)
			for i, f := range files {
				m, err := istd.Read(fmt.Sprintf("bericht%d.xml", i), bytes.NewReader(f))
				if err != nil {
					b.Error(err)
					return
				}
				in = append(in, store.ExchangeInput{File: "bericht.xml", Message: m})
				if len(in) == batch {
					batches <- in
					in = make([]store.ExchangeInput, 0, batch)
				}
			}
			if len(in) > 0 {
				batches <- in
			}
		}()
		for in := range batches {
			out, err := s.ApplyMessages(ctx, a, "GM0384", in, store.ApplyOptions{})
			if err != nil {
				b.Fatal(err)
			}
			for _, o := range out {
				if o.Err != nil {
					b.Fatal(o.Err)
				}
			}
		}
		elapsed += time.Since(t0)
		cpu += cpuTime() - c0
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(products*b.N)/elapsed.Seconds(), "products/s")
	b.ReportMetric(float64(products*b.N)/cpu.Seconds(), "products/cpu-s")
	b.ReportMetric(float64(messages*b.N)/elapsed.Seconds(), "messages/s")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MB-heap")
}

// BenchmarkApply301 is the storing half of BenchmarkImport301 alone: the
// same messages, parsed before the clock starts, applied in batches of 500.
func BenchmarkApply301(b *testing.B) {
	messages, batch := benchMessages(), 500
	r := rand.New(rand.NewPCG(1, 2))
	bsns := benchBSNs(messages)
	products := 0
	var parsed []store.ExchangeInput
	for i := 0; i < messages; i++ {
		var buf bytes.Buffer
		products += bench301(&buf, r, i+1, bsns[i])
		m, err := istd.Read("bericht.xml", bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		parsed = append(parsed, store.ExchangeInput{File: "bericht.xml", Message: m})
	}
	b.ReportAllocs()
	b.ResetTimer()
	var elapsed, cpu time.Duration
	for it := 0; it < b.N; it++ {
		b.StopTimer()
		s := storetest.SQLite(b)
		if err := s.EnsureTenant(ctx, "GM0384", "Diemen"); err != nil {
			b.Fatal(err)
		}
		var areas []store.PostcodeArea
		for pc := 1100; pc < 1200; pc++ {
			areas = append(areas, store.PostcodeArea{Postcode: fmt.Sprintf("%04dAB", pc), HuisnummerVan: 1, HuisnummerTot: 9999, Gemeente: "GM0384", Wijk: fmt.Sprintf("WK0384%02d", pc%8)})
		}
		if err := s.PutPostcodeAreas(ctx, areas); err != nil {
			b.Fatal(err)
		}
		a := benchActor(b, s)
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		for k := 0; k < len(parsed); k += batch {
			out, err := s.ApplyMessages(ctx, a, "GM0384", parsed[k:min(k+batch, len(parsed))], store.ApplyOptions{})
			if err != nil {
				b.Fatal(err)
			}
			for _, o := range out {
				if o.Err != nil {
					b.Fatal(o.Err)
				}
			}
		}
		elapsed += time.Since(t0)
		cpu += cpuTime() - c0
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(products*b.N)/elapsed.Seconds(), "products/s")
	b.ReportMetric(float64(products*b.N)/cpu.Seconds(), "products/cpu-s")
}

func benchActor(b *testing.B, s *store.Store) store.Actor {
	b.Helper()
	u := &store.User{Email: "beheer@diemen.nl", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0384", Role: auth.Beheer}}}
	if err := s.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
}

// benchMessages is 10,000, or NAOBER_BENCH_MESSAGES for a quicker run.
func benchMessages() int {
	if n, err := strconv.Atoi(os.Getenv("NAOBER_BENCH_MESSAGES")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// BenchmarkParse301 is the reading half of BenchmarkImport301 alone (the
// same 10,000 messages through istd.Read), to show where the time goes.
func BenchmarkParse301(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	n := benchMessages()
	bsns := benchBSNs(n)
	files := make([][]byte, n)
	products := 0
	for i := range files {
		var buf bytes.Buffer
		products += bench301(&buf, r, i+1, bsns[i])
		files[i] = buf.Bytes()
	}
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for it := 0; it < b.N; it++ {
		for i, f := range files {
			if _, err := istd.Read(fmt.Sprintf("bericht%d.xml", i), bytes.NewReader(f)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(products*b.N)/b.Elapsed().Seconds(), "products/s")
	b.ReportMetric(float64(products*b.N)/(cpuTime()-c0).Seconds(), "products/cpu-s")
}

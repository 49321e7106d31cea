package monitorfeed_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/demo"
	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/monitorfeed"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// demoStore writes the demo (Meppel, 1,200 households, two years of case
// work) to a fresh store: SQLite, or PostgreSQL when dsn is set.
func demoStore(b *testing.B, dsn string) *store.Store {
	b.Helper()
	atlas, err := area.Load()
	if err != nil {
		b.Fatal(err)
	}
	if dsn == "" {
		dsn = filepath.Join(b.TempDir(), "naober.db")
	}
	st, err := store.Open(ctx, dsn, store.Options{Keys: storetest.Keys(b), WijkGemeente: func(w string) (string, bool) {
		wk, ok := atlas.Wijk(w)
		return wk.Gemeente, ok
	}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	if _, err := demo.Generate(ctx, st, atlas, demo.Config{Households: 1200, Seed: 1, Today: people.Today()}); err != nil {
		b.Fatal(err)
	}
	b.Logf("demo generated in %v", time.Since(t0))
	return st
}

// BenchmarkFullBuild: the feed's full build (store read + engine build)
// from the demo-sized store; also reports the read and the engine build
// separately.
//
//	go test -run '^$' -bench FullBuild ./internal/monitorfeed/
func BenchmarkFullBuild(b *testing.B) {
	dbs := map[string]string{"sqlite": ""}
	if pg := os.Getenv("NAOBER_TEST_POSTGRES"); pg != "" && os.Getenv("NAOBER_BENCH_PG") != "" {
		dbs["postgres"] = storetest.PostgresDSN(b)
	}
	for name, dsn := range dbs {
		b.Run(name, func(b *testing.B) {
			st := demoStore(b, dsn)
			f := monitorfeed.New(st, nil, 42, monitorfeed.Options{Logger: quiet})
			var read, build time.Duration
			var persons int
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				d, err := st.MonitorData(ctx, store.MonitorRead{Gemeenten: []string{"GM0119"}})
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				bl := monitor.NewBuilder(42)
				for _, p := range d.Persons {
					bl.Add(p)
				}
				for _, h := range d.Households {
					bl.AddHousehold(h)
				}
				if _, err := bl.Build(); err != nil {
					b.Fatal(err)
				}
				read += t1.Sub(t0)
				build += time.Since(t1)
				persons = len(d.Persons)
				if err := f.Rebuild(ctx); err != nil {
					b.Fatal(err)
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(read.Milliseconds())/n, "read-ms/op")
			b.ReportMetric(float64(build.Milliseconds())/n, "engine-ms/op")
			b.ReportMetric(float64(f.LastBuild().Milliseconds()), "feed-rebuild-ms")
			b.ReportMetric(float64(persons), "persons")
		})
	}
}

// BenchmarkApplyHousehold: what following costs per changed household:
// the expansion, the store read of that household and its replacement in
// the index (the feed's Step without the change-log query).
//
//	go test -run '^$' -bench ApplyHousehold ./internal/monitorfeed/
func BenchmarkApplyHousehold(b *testing.B) {
	st := demoStore(b, "")
	f := monitorfeed.New(st, nil, 42, monitorfeed.Options{Logger: quiet})
	if err := f.Rebuild(ctx); err != nil {
		b.Fatal(err)
	}
	cs, err := st.Changes(ctx, 0, 100000)
	if err != nil {
		b.Fatal(err)
	}
	var hhs []string
	seen := map[string]bool{}
	for _, c := range cs {
		if c.Household != "" && !seen[c.Household] {
			seen[c.Household] = true
			hhs = append(hhs, c.Household)
		}
	}
	gms := []string{"GM0119"}
	i := 0
	for b.Loop() {
		h := hhs[i%len(hhs)]
		i++
		ids, err := st.MonitorExpand(ctx, gms, []string{h})
		if err != nil {
			b.Fatal(err)
		}
		d, err := st.MonitorData(ctx, store.MonitorRead{Gemeenten: gms, Households: ids})
		if err != nil {
			b.Fatal(err)
		}
		byHH := map[uint64][]monitor.PersonInput{}
		for _, p := range d.Persons {
			byHH[p.Household] = append(byHH[p.Household], p)
		}
		for _, id := range ids {
			hin := monitor.HouseholdInput{ID: store.MonitorID(id)}
			for _, x := range d.Households {
				if x.ID == hin.ID {
					hin = x
				}
			}
			if err := f.Index().ReplaceHousehold(hin, byHH[hin.ID]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

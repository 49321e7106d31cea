package store_test

import (
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/store/storetest"
	"testing"
	"time"

	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

func TestProrateByMonth(t *testing.T) {
	d := people.MustDate
	cases := []struct {
		begin, eind string
		cents       int64
		want        []int64
	}{
		{"2026-04-01", "2026-04-30", 5000, []int64{5000}},
		// 15 days of March, 30 of April, 16 of May: 61 days.
		{"2026-03-17", "2026-05-16", 6100, []int64{1500, 3000, 1600}},
		// Odd amounts still add up exactly, credits too.
		{"2026-01-31", "2026-03-01", 1000, nil},
		{"2026-01-31", "2026-03-01", -1001, nil},
		{"2026-12-15", "2027-01-14", 3101, nil},
	}
	for _, c := range cases {
		parts := store.ProrateByMonth(d(c.begin), d(c.eind), c.cents)
		var sum int64
		for i, p := range parts {
			sum += p.Cents
			if c.want != nil && p.Cents != c.want[i] {
				t.Fatalf("%s–%s: part %d is %d, want %d", c.begin, c.eind, i, p.Cents, c.want[i])
			}
		}
		if sum != c.cents {
			t.Fatalf("%s–%s: parts %v sum to %d, want %d", c.begin, c.eind, parts, sum, c.cents)
		}
		if first := parts[0].Month; first != monitor.MonthOf(d(c.begin).Year(), d(c.begin).Time().Month()) {
			t.Fatalf("first month %v", first)
		}
	}
}

func TestExchangeMonitorCostsFromClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := exSetup(t, s)
		m := exJW301()
		// Product 1 in euros: € 400 a month, 2026-04-01 to 2026-07-14.
		m.Allocations[0].Eenheid, m.Allocations[0].Frequentie, m.Allocations[0].Volume = "83", "4", exInt(400)
		if _, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "JW301.xml", m); err != nil {
			t.Fatal(err)
		}
		// Declared: all of May for 300201 (€ 350), and 15 April–14 May for an
		// allocation naober never saw, of a client known only by BSN.
		d := &exchange.Message{Standard: exchange.IJw, Code: "323", ID: "1", Afzender: "42420001", Ontvanger: "0384", Import: true,
			Declaration: &exchange.Declaration{Nummer: "D1", Begin: exD("2026-04-01"), Eind: exD("2026-05-31"), TotaalCents: 35000 + 9000, Claims: []exchange.Claim{
				{BSN: "999900006", ReferentieNummer: "R1", ToewijzingNummer: "300201", Categorie: "55", Begin: exD("2026-05-01"), Eind: exD("2026-05-31"),
					Volume: 350, Eenheid: "83", TariefCents: 100, BedragCents: 35000},
				{BSN: "999900018", ReferentieNummer: "R2", ToewijzingNummer: "777", Categorie: "45", Begin: exD("2026-04-15"), Eind: exD("2026-05-14"),
					Volume: 6, Eenheid: "04", TariefCents: 1500, BedragCents: 9000},
			}}}
		if _, err := s.ApplyMessage(ctx, f.beheer, "GM0384", "JW323.xml", d); err != nil {
			t.Fatal(err)
		}
		data, err := s.MonitorData(ctx, store.MonitorRead{Gemeenten: []string{"GM0384"}, HistoryMonths: 36})
		if err != nil {
			t.Fatal(err)
		}
		month := func(y, mo int) monitor.Month { return monitor.MonthOf(y, time.Month(mo)) }
		costs := map[string]map[monitor.Month]int64{} // by categorie
		ages := map[string]int{}
		for _, p := range data.Persons {
			for _, c := range p.Costs {
				if costs[c.Categorie] == nil {
					costs[c.Categorie] = map[monitor.Month]int64{}
				}
				costs[c.Categorie][c.Month] += c.Cents
				if c.Wet != "jw" || (c.Categorie == "55" && c.Taakveld != "6.753") || (c.Categorie == "45" && c.Taakveld != "6.751") {
					t.Fatalf("cost key: %+v", c)
				}
			}
			for _, fct := range p.Facts {
				if fct.Indicator == monitor.IndChild || fct.Indicator == monitor.IndAdult {
					ages[fct.Indicator]++
				}
			}
		}
		want55 := map[monitor.Month]int64{month(2026, 4): 40000, month(2026, 5): 35000, month(2026, 6): 40000, month(2026, 7): 40000}
		want45 := map[monitor.Month]int64{month(2026, 4): 4800, month(2026, 5): 4200} // 16 and 14 of 30 days
		for what, pair := range map[string][2]map[monitor.Month]int64{"55": {costs["55"], want55}, "45": {costs["45"], want45}} {
			if len(pair[0]) != len(pair[1]) {
				t.Fatalf("categorie %s costs %v, want %v", what, pair[0], pair[1])
			}
			for mo, c := range pair[1] {
				if pair[0][mo] != c {
					t.Fatalf("categorie %s costs %v, want %v", what, pair[0], pair[1])
				}
			}
		}
		// Tom (born 2010) is a child; the client known only by BSN has no age.
		if len(data.Persons) != 2 || ages[monitor.IndChild] != 1 || ages[monitor.IndAdult] != 0 {
			t.Fatalf("persons %d, age facts %v", len(data.Persons), ages)
		}
		// Both households have no known wijk: counted in the gemeente only.
		for _, p := range data.Persons {
			if p.Area.Gemeente != "GM0384" || p.Area.Wijk != "" {
				t.Fatalf("area %+v", p.Area)
			}
		}
	})
}

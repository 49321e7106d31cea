package main

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"naober.nl/naober/internal/monitor"
)

// naober runs the queries on the monitor engine.
type naober struct{ ix *monitor.Index }

func (n *naober) Name() string { return "naober" }

func (n *naober) Load(dir string) (string, error) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	ix, info, err := monitor.LoadCSVInfo(dir, 0x6e616f62)
	if err != nil {
		return "", err
	}
	n.ix = ix
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	st := ix.Stats()
	return fmt.Sprintf("%d persons, %d households, %d indicators; read %s + build %s = %s; Stats().Bytes %.2f GiB, Go heap after GC %.2f GiB",
		st.Persons, st.Households, st.Indicators, round(info.Read), round(info.Build), round(info.Read+info.Build),
		float64(st.Bytes)/(1<<30), float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<30)), nil
}

func (n *naober) Close() { n.ix = nil }

// Stacking categories as the bit sum jw=4, pw=2, wmo=1 (as in the SQL).
var stackBits = map[string]int{"jw": 4, "pw": 2, "wmo": 1, "jw+pw": 6, "jw+wmo": 5, "pw+wmo": 3, "jw+pw+wmo": 7}

func (n *naober) Run(q string, w *window) (answer, error) {
	p12 := monitor.Period{From: monthOf(w.P0), To: monthOf(w.P1)}
	a := answer{}
	switch q {
	case "a":
		rows, _, err := n.ix.Stacking(monitor.Persons, p12, monitor.ByWijk, monitor.Scope{})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			for i, c := range r.Cells {
				if c.Count != 0 {
					a[r.Area+"|"+strconv.Itoa(stackBits[monitor.StackCategories[i]])] = c.Count
				}
			}
		}
	case "b", "e":
		expr, unit, level := exprExpensive, monitor.Households, monitor.ByWijk
		if q == "e" {
			expr, unit, level = exprAdhoc, monitor.Persons, monitor.ByBuurt
		}
		res, err := n.ix.Count(monitor.Query{Expr: expr, Unit: unit, Period: p12, Level: level})
		if err != nil {
			return nil, err
		}
		for _, r := range res.Rows {
			if r.Count != 0 {
				a[r.Area] = r.Count
			}
		}
	case "c":
		rows, err := n.ix.Costs(p12, monitor.ByWijk, monitor.Scope{}, "taakveld")
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			g := strings.TrimPrefix(r.Group, "tv:")
			if r.Cents != 0 {
				a[r.Area+"|"+g+"|cents"] = r.Cents
			}
			if r.Persons != 0 {
				a[r.Area+"|"+g+"|persons"] = r.Persons
			}
		}
	case "d":
		pts, err := n.ix.Trend(monitor.Query{Expr: "wet:wmo", Unit: monitor.Persons,
			Period: monitor.Period{From: monthOf(w.First), To: monthOf(w.W1)}, Scope: monitor.Scope{Wijk: w.TrendWijk}})
		if err != nil {
			return nil, err
		}
		for _, p := range pts {
			if p.Row.Count != 0 {
				a[strconv.Itoa(ymOf(p.Month))] = p.Row.Count
			}
		}
	default:
		return nil, fmt.Errorf("unknown query %q", q)
	}
	return a, nil
}

const (
	exprExpensive = "iemand(wet:jw) en iemand(volwassene en zrm:geestelijke_gezondheid) en iemand(wet:wgs of zrm:financien)"
	exprAdhoc     = "wet:wmo en hh:75plus en niet wet:voorliggend"
)

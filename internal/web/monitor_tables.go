package web

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/publish"
)

// The builders below are the only place monitor results become tables.
// Each takes exact engine rows and returns a publish.Table, whose cells can
// only be made through the rule.

// measure is something the map can colour the wijken by.
type measure struct {
	Code, Name, Expr string
}

var measures = []measure{
	{"stapeling", "Stapeling: 2 of meer van Jeugdwet, Participatiewet en Wmo", exprStacked},
	{"duur", "De dure combinatie: jeugdhulp, ggz-problemen bij een volwassene en schulden", exprExpensive},
	{"jw", "Jeugdhulp (Jeugdwet)", "wet:jw"},
	{"wmo", "Wmo-voorziening", "wet:wmo"},
	{"pw", "Participatiewet (bijstand, werk)", "wet:pw"},
	{"wgs", "Schuldhulpverlening (Wgs)", "wet:wgs"},
	{"kosten", "Kosten per inwoner (alle wetten)", exprAnyLaw},
}

func measureOf(code string) (measure, bool) {
	if code == "" {
		return measures[0], true
	}
	for _, m := range measures {
		if m.Code == code {
			return m, true
		}
	}
	return measure{}, false
}

// invalid is a field error for the API.
func invalid(field, msg string) error {
	var fe people.FieldErrors
	fe.Add(field, msg)
	return fe
}

// sortBy sorts a slice by a string key, stably.
func sortBy[T any](xs []T, key func(T) string) {
	slices.SortStableFunc(xs, func(a, b T) int { return strings.Compare(key(a), key(b)) })
}

// wijkHref links a wijk's monitor page, keeping period and unit.
func (m *monCtx) wijkHref(code string) string {
	return "/monitor/" + m.G.Code + "/wijk/" + code + "?" + m.Params()
}

// mapTable is the measure per wijk of the gemeente: the numbers behind the
// choropleth. The last column is what the map colours by.
func (s *Server) mapTable(m *monCtx, ms measure) (*publish.Table, error) {
	t := &publish.Table{ID: "kaart-" + ms.Code, Title: ms.Name + " per wijk, " + m.PeriodText(), Head: "Wijk", Note: publish.Note(m.Rule)}
	if ms.Code == "kosten" {
		res, err := m.Ix.Count(monitor.Query{Expr: ms.Expr, Unit: monitor.Persons, Period: m.Per, Level: monitor.ByWijk, Scope: m.scope(""), Cost: &monitor.CostFilter{}})
		if err != nil {
			return nil, err
		}
		t.Columns = []publish.Column{{Name: "Kosten", Kind: publish.Money}, {Name: "Inwoners bekend", Kind: publish.Count}, {Name: "Kosten per inwoner", Kind: publish.Money}}
		row := func(r monitor.Row) []publish.Cell {
			money := publish.PublishedMoney(m.Rule, r.CostCents, r.Count, r.Key)
			pop := publish.PublishedPopulation(m.Rule, r.Population)
			return []publish.Cell{money, pop, publish.PerUnit(money, pop)}
		}
		s.wijkRows(m, t, res, row, 3)
		return t, nil
	}
	res, err := m.Ix.Count(monitor.Query{Expr: ms.Expr, Unit: m.Unit, Period: m.Per, Level: monitor.ByWijk, Scope: m.scope("")})
	if err != nil {
		return nil, err
	}
	t.Columns = []publish.Column{{Name: m.UnitCap(), Kind: publish.Count}, {Name: "Alle " + m.UnitName(), Kind: publish.Count}, {Name: "Aandeel", Kind: publish.Share}}
	row := func(r monitor.Row) []publish.Cell {
		n := publish.Published(m.Rule, r.Count, r.Key)
		pop := m.population(r.Area, r.Population)
		return []publish.Cell{n, pop, publish.ShareOf(n, pop)}
	}
	s.wijkRows(m, t, res, row, 3)
	return t, nil
}

// wijkRows adds a row per wijk of the gemeente (in the atlas' order, also
// wijken without data) and the gemeente total.
func (s *Server) wijkRows(m *monCtx, t *publish.Table, res monitor.Result, row func(monitor.Row) []publish.Cell, cols int) {
	by := map[string]monitor.Row{}
	for _, r := range res.Rows {
		by[r.Area] = r
	}
	for _, w := range s.Atlas.Wijken(m.G.Code) {
		pr := publish.Row{Code: w.Code, Label: w.Naam, Href: m.wijkHref(w.Code)}
		if r, ok := by[w.Code]; ok {
			pr.Cells = row(r)
		} else {
			pr.Cells = row(monitor.Row{Area: w.Code})
		}
		t.Rows = append(t.Rows, pr)
	}
	// Households whose address the postcode table did not place (often
	// imported from the exchange) count in the gemeente but in no wijk: the
	// engine keeps them under the gemeente's own code.
	if r, ok := by[m.G.Code]; ok {
		t.Rows = append(t.Rows, publish.Row{Code: m.G.Code, Label: "Wijk onbekend (adres niet in de adrestabel)", Cells: row(r)})
	}
	tot := res.Total
	if tot.Area == "" {
		tot.Area = m.G.Code
	}
	t.Total = &publish.Row{Code: m.G.Code, Label: "Heel " + m.G.Naam, Cells: row(tot)}
}

// stackTable is the CBS stacking table for a wijk (or the gemeente when
// wijk is empty), this period against the earlier one.
func (s *Server) stackTable(m *monCtx, wijk string) (*publish.Table, error) {
	lvl := monitor.ByWijk
	if wijk == "" {
		lvl = monitor.ByGemeente
	}
	pick := func(p monitor.Period) (monitor.StackRow, monitor.Row, error) {
		rows, tot, err := m.Ix.Stacking(m.Unit, p, lvl, m.scope(wijk))
		if err != nil {
			return monitor.StackRow{}, monitor.Row{}, err
		}
		sr := tot
		for _, r := range rows {
			if r.Area == wijk || (wijk == "" && r.Area == m.G.Code) {
				sr = r
			}
		}
		// two or more, counted as one set so it has its own cell key
		res, err := m.Ix.Count(monitor.Query{Expr: exprStacked, Unit: m.Unit, Period: p, Level: lvl, Scope: m.scope(wijk)})
		if err != nil {
			return monitor.StackRow{}, monitor.Row{}, err
		}
		two := res.Total
		for _, r := range res.Rows {
			if r.Area == wijk || (wijk == "" && r.Area == m.G.Code) {
				two = r
			}
		}
		return sr, two, nil
	}
	now, twoNow, err := pick(m.Per)
	if err != nil {
		return nil, err
	}
	before, twoBefore, err := pick(m.Prev)
	if err != nil {
		return nil, err
	}
	areaCode := wijk
	if areaCode == "" {
		areaCode = m.G.Code
	}
	pop := m.population(areaCode, now.Population)
	t := &publish.Table{ID: "stapeling", Title: "Stapeling van Jeugdwet, Participatiewet en Wmo (" + m.UnitName() + "), " + m.PeriodText(),
		Head: "Combinatie", Note: publish.Note(m.Rule),
		Columns: []publish.Column{{Name: m.UnitCap(), Kind: publish.Count}, {Name: "Aandeel van alle " + m.UnitName(), Kind: publish.Share},
			{Name: "Vorige periode", Kind: publish.Count}, {Name: "Verschil", Kind: publish.Change}}}
	add := func(code, label string, a, b monitor.Row) {
		n := publish.Published(m.Rule, a.Count, a.Key)
		e := publish.Published(m.Rule, b.Count, b.Key)
		t.Rows = append(t.Rows, publish.Row{Code: code, Label: label, Cells: []publish.Cell{n, publish.ShareOf(n, pop), e, publish.Diff(n, e)}})
	}
	for i, c := range monitor.StackCategories {
		add(c, stackNames[c], now.Cells[i], before.Cells[i])
	}
	add("2+", "Twee of meer (gestapeld)", twoNow, twoBefore)
	add("1+", "Minstens één", now.Any, before.Any)
	return t, nil
}

// expensiveTable is the expensive combination in households, for the wijk
// and the whole gemeente.
func (s *Server) expensiveTable(m *monCtx, wijk string) (*publish.Table, error) {
	res, err := m.Ix.Count(monitor.Query{Expr: exprExpensive, Unit: monitor.Households, Period: m.Per, Level: monitor.ByWijk, Scope: m.scope(""), Compare: &m.Prev})
	if err != nil {
		return nil, err
	}
	t := &publish.Table{ID: "dure-combinatie", Title: "De dure combinatie (huishoudens), " + m.PeriodText(), Head: "Gebied", Note: publish.Note(m.Rule),
		Columns: []publish.Column{{Name: "Huishoudens", Kind: publish.Count}, {Name: "Alle huishoudens", Kind: publish.Count}, {Name: "Aandeel", Kind: publish.Share},
			{Name: "Vorige periode", Kind: publish.Count}, {Name: "Verschil", Kind: publish.Change}}}
	row := func(code, label string, r monitor.Row) publish.Row {
		n := publish.Published(m.Rule, r.Count, r.Key)
		pop := publish.PublishedPopulation(m.Rule, r.Population)
		e := publish.NA(publish.Count)
		if r.Earlier != nil {
			e = publish.Published(m.Rule, r.Earlier.Count, r.Earlier.Key)
		}
		return publish.Row{Code: code, Label: label, Cells: []publish.Cell{n, pop, publish.ShareOf(n, pop), e, publish.Diff(n, e)}}
	}
	if wijk != "" {
		w, _ := s.Atlas.Wijk(wijk)
		r := monitor.Row{Area: wijk}
		for _, x := range res.Rows {
			if x.Area == wijk {
				r = x
			}
		}
		t.Rows = append(t.Rows, row(wijk, w.Naam, r))
	} else {
		for _, w := range s.Atlas.Wijken(m.G.Code) {
			r := monitor.Row{Area: w.Code}
			for _, x := range res.Rows {
				if x.Area == w.Code {
					r = x
				}
			}
			pr := row(w.Code, w.Naam, r)
			pr.Href = m.wijkHref(w.Code)
			t.Rows = append(t.Rows, pr)
		}
	}
	tr := row(m.G.Code, "Heel "+m.G.Naam, res.Total)
	t.Total = &tr
	return t, nil
}

// costTable is the money flowing into a wijk (or the gemeente) per law or
// per taakveld, per resident, against the earlier period.
func (s *Server) costTable(m *monCtx, wijk, by string) (*publish.Table, error) {
	lvl := monitor.ByWijk
	areaCode := wijk
	if wijk == "" {
		lvl = monitor.ByGemeente
		areaCode = m.G.Code
	}
	now, err := m.Ix.Costs(m.Per, lvl, m.scope(wijk), by)
	if err != nil {
		return nil, err
	}
	before, err := m.Ix.Costs(m.Prev, lvl, m.scope(wijk), by)
	if err != nil {
		return nil, err
	}
	// the total and the population, from one query over everyone with a cost
	all, err := m.Ix.Count(monitor.Query{Expr: exprAnyLaw, Unit: monitor.Persons, Period: m.Per, Level: lvl, Scope: m.scope(wijk), Cost: &monitor.CostFilter{}, Compare: &m.Prev})
	if err != nil {
		return nil, err
	}
	tot := all.Total
	for _, r := range all.Rows {
		if r.Area == areaCode {
			tot = r
		}
	}
	pop := publish.PublishedPopulation(m.Rule, tot.Population)
	head, title := "Wet", "Geld naar "
	if by == "taakveld" {
		head = "Taakveld (Iv3)"
	}
	if wijk != "" {
		w, _ := s.Atlas.Wijk(wijk)
		title += w.Naam
	} else {
		title += m.G.Naam
	}
	title += " per " + map[string]string{"wet": "wet", "taakveld": "taakveld"}[by] + ", " + m.PeriodText()
	t := &publish.Table{ID: "kosten-" + by, Title: title, Head: head, Note: publish.Note(m.Rule),
		Columns: []publish.Column{{Name: "Bedrag", Kind: publish.Money}, {Name: "Personen", Kind: publish.Count}, {Name: "Per inwoner", Kind: publish.Money},
			{Name: "Vorige periode", Kind: publish.Money}, {Name: "Verschil", Kind: publish.Money}}}
	prev := map[string]monitor.CostRow{}
	for _, c := range before {
		if c.Area == areaCode {
			prev[c.Group] = c
		}
	}
	var groups []monitor.CostRow
	for _, c := range now {
		if c.Area == areaCode {
			groups = append(groups, c)
		}
	}
	if by == "wet" {
		order := map[string]int{}
		for i, l := range lawNames {
			order[l.Code] = i + 1
		}
		sortBy(groups, func(c monitor.CostRow) string { return fmt.Sprintf("%02d%s", order[c.Group], c.Group) })
	} else {
		sortBy(groups, func(c monitor.CostRow) string { return c.Group })
	}
	for _, c := range groups {
		money := publish.PublishedMoney(m.Rule, c.Cents, c.Persons, c.Key)
		e := publish.NA(publish.Money)
		if p, ok := prev[c.Group]; ok {
			e = publish.PublishedMoney(m.Rule, p.Cents, p.Persons, p.Key)
		}
		label := c.Group
		if by == "wet" {
			label = lawName(c.Group)
		} else if n, ok := casework.Lookup(casework.Taakvelden, c.Group); ok {
			label = c.Group + " " + n
		}
		t.Rows = append(t.Rows, publish.Row{Code: c.Group, Label: label, Cells: []publish.Cell{money, publish.Published(m.Rule, c.Persons, c.Key), publish.PerUnit(money, pop), e, publish.Diff(money, e)}})
	}
	money := publish.PublishedMoney(m.Rule, tot.CostCents, tot.Count, tot.Key)
	e := publish.NA(publish.Money)
	if tot.Earlier != nil {
		e = publish.PublishedMoney(m.Rule, tot.Earlier.CostCents, tot.Earlier.Count, tot.Earlier.Key)
	}
	t.Total = &publish.Row{Code: areaCode, Label: "Totaal", Cells: []publish.Cell{money, publish.Published(m.Rule, tot.Count, tot.Key), publish.PerUnit(money, pop), e, publish.Diff(money, e)}}
	return t, nil
}

// trendMonths is the length of the trend line.
const trendMonths = 24

// trendTable counts persons (or households) with a provision per law per
// month over the 24 months up to the end of the period.
func (s *Server) trendTable(m *monCtx, wijk string) (*publish.Table, error) {
	p := monitor.Period{From: m.End - trendMonths + 1, To: m.End + 1}
	title := m.UnitCap() + " met een voorziening per wet, per maand"
	if wijk != "" {
		w, _ := s.Atlas.Wijk(wijk)
		title += ", " + w.Naam
	} else {
		title += ", " + m.G.Naam
	}
	t := &publish.Table{ID: "trend", Title: title, Head: "Maand", Note: publish.Note(m.Rule)}
	laws := lawNames[:4]
	series := make([][]monitor.TrendPoint, len(laws))
	for i, l := range laws {
		t.Columns = append(t.Columns, publish.Column{Name: l.Name, Kind: publish.Count})
		pts, err := m.Ix.Trend(monitor.Query{Expr: monitor.WetInd(l.Code), Unit: m.Unit, Period: p, Scope: m.scope(wijk)})
		if err != nil {
			return nil, err
		}
		series[i] = pts
	}
	for mo := p.From; mo < p.To; mo++ {
		r := publish.Row{Code: monthISO(mo), Label: monthName(mo)}
		for i := range laws {
			c := publish.NA(publish.Count)
			for _, pt := range series[i] {
				if pt.Month == mo {
					c = publish.Published(m.Rule, pt.Row.Count, pt.Row.Key)
				}
			}
			r.Cells = append(r.Cells, c)
		}
		t.Rows = append(t.Rows, r)
	}
	return t, nil
}

// outcomeTables: ZRM change per domain, and plan outcomes per client profile.
func (s *Server) outcomeTables(m *monCtx, wijk string) (*publish.Table, *publish.Table, error) {
	lvl := monitor.ByWijk
	areaCode := wijk
	if wijk == "" {
		lvl, areaCode = monitor.ByGemeente, m.G.Code
	}
	rows, err := m.Ix.Outcomes("", lvl, m.scope(wijk), false)
	if err != nil {
		return nil, nil, err
	}
	var o monitor.OutcomeRow
	for _, r := range rows {
		if r.Group == areaCode {
			o = r
		}
	}
	zrm := &publish.Table{ID: "uitkomsten", Title: "Verandering in zelfredzaamheid (ZRM) tussen eerste en laatste meting", Head: "Leefgebied", Note: publish.Note(m.Rule),
		Columns: []publish.Column{{Name: "Personen met twee metingen", Kind: publish.Count}, {Name: "Gemiddelde verandering (punten)", Kind: publish.Mean}}}
	for _, d := range casework.Domains {
		z := o.ZRM[d.Code]
		zrm.Rows = append(zrm.Rows, publish.Row{Code: d.Code, Label: d.Naam, Cells: []publish.Cell{publish.Published(m.Rule, z.N, z.Key), publish.PublishedMean(m.Rule, z.Delta, z.N, z.Key)}})
	}
	prof, err := m.Ix.Outcomes("", lvl, m.scope(wijk), true)
	if err != nil {
		return nil, nil, err
	}
	pt := &publish.Table{ID: "profielen", Title: "Resultaten per cliëntprofiel", Head: "Cliëntprofiel", Note: publish.Note(m.Rule),
		Columns: []publish.Column{{Name: "Huishoudens met evaluatie", Kind: publish.Count}, {Name: "Doelen behaald", Kind: publish.Share},
			{Name: "Gemiddelde tevredenheid (1–10)", Kind: publish.Mean}, {Name: "Gemiddelde ZRM-verandering", Kind: publish.Mean}}}
	outRow := func(code, label string, r monitor.OutcomeRow) publish.Row {
		var n, d int64
		for _, z := range r.ZRM {
			n += z.N
			d += z.Delta
		}
		hh := publish.Published(m.Rule, r.Households, r.Key)
		zrmMean := publish.PublishedMean(m.Rule, d, n, r.Key)
		if !hh.OK() {
			zrmMean = publish.NA(publish.Mean) // n counts domains, not persons: also require the households
		}
		return publish.Row{Code: code, Label: label, Cells: []publish.Cell{
			hh,
			publish.PublishedRatio(m.Rule, r.GoalsReached, r.GoalsTotal, r.Households, r.Key),
			publish.PublishedMean(m.Rule, r.Satisfaction, r.SatisfactionN, r.SatisfactionKey),
			zrmMean,
		}}
	}
	sortBy(prof, func(r monitor.OutcomeRow) string { return r.Group })
	for _, r := range prof {
		code := strings.TrimPrefix(r.Group, "profiel:")
		pt.Rows = append(pt.Rows, outRow(code, monitor.Describe(monitor.ProfileInd(code)), r))
	}
	tr := outRow(areaCode, "Alle huishoudens", o)
	pt.Total = &tr
	return zrm, pt, nil
}

// queryTable answers the query builder.
func (s *Server) queryTable(ctx context.Context, m *monCtx, q monitor.Query) (*publish.Table, error) {
	res, err := m.Ix.Count(q)
	if err != nil {
		return nil, err
	}
	head := map[monitor.Level]string{monitor.ByGemeente: "Gemeente", monitor.ByWijk: "Wijk", monitor.ByBuurt: "Buurt"}[q.Level]
	t := &publish.Table{ID: "vraag", Title: "Uitkomst: " + q.Expr + " (" + m.UnitName() + "), " + m.PeriodText(), Head: head, Note: publish.Note(m.Rule)}
	t.Columns = []publish.Column{{Name: m.UnitCap(), Kind: publish.Count}, {Name: "Alle " + m.UnitName(), Kind: publish.Count}, {Name: "Aandeel", Kind: publish.Share}}
	if q.Compare != nil {
		t.Columns = append(t.Columns, publish.Column{Name: "Vorige periode", Kind: publish.Count}, publish.Column{Name: "Verschil", Kind: publish.Change})
	}
	if q.Cost != nil {
		t.Columns = append(t.Columns, publish.Column{Name: "Kosten", Kind: publish.Money}, publish.Column{Name: map[monitor.Unit]string{monitor.Persons: "Kosten per persoon", monitor.Households: "Kosten per huishouden"}[m.Unit], Kind: publish.Money})
	}
	row := func(r monitor.Row) []publish.Cell {
		n := publish.Published(m.Rule, r.Count, r.Key)
		pop := m.population(r.Area, r.Population)
		cells := []publish.Cell{n, pop, publish.ShareOf(n, pop)}
		if q.Compare != nil {
			e := publish.NA(publish.Count)
			if r.Earlier != nil {
				e = publish.Published(m.Rule, r.Earlier.Count, r.Earlier.Key)
			}
			cells = append(cells, e, publish.Diff(n, e))
		}
		if q.Cost != nil {
			money := publish.PublishedMoney(m.Rule, r.CostCents, r.Count, r.Key)
			cells = append(cells, money, publish.PerUnit(money, n))
		}
		return cells
	}
	names, err := s.areaNames(ctx, m, q.Level)
	if err != nil {
		return nil, err
	}
	if q.Level == monitor.ByWijk {
		s.wijkRows(m, t, res, row, len(t.Columns))
		return t, nil
	}
	for _, r := range res.Rows {
		label := names[r.Area]
		if label == "" {
			label = r.Area
		}
		t.Rows = append(t.Rows, publish.Row{Code: r.Area, Label: label, Cells: row(r)})
	}
	if q.Level != monitor.ByGemeente {
		tr := publish.Row{Code: m.G.Code, Label: "Heel " + m.G.Naam, Cells: row(res.Total)}
		t.Total = &tr
	}
	return t, nil
}

// stackWideTable is the CBS stacking table with a row per area (wijk or
// buurt) and a column per category, as CBS publishes it.
func (s *Server) stackWideTable(ctx context.Context, m *monCtx, lvl monitor.Level) (*publish.Table, error) {
	rows, tot, err := m.Ix.Stacking(m.Unit, m.Per, lvl, m.scope(""))
	if err != nil {
		return nil, err
	}
	head := map[monitor.Level]string{monitor.ByGemeente: "Gemeente", monitor.ByWijk: "Wijk", monitor.ByBuurt: "Buurt"}[lvl]
	t := &publish.Table{ID: "stapeling-" + strings.ToLower(head), Title: "Stapeling van Jeugdwet, Participatiewet en Wmo per " + strings.ToLower(head) + " (" + m.UnitName() + "), " + m.PeriodText(),
		Head: head, Note: publish.Note(m.Rule)}
	for _, c := range monitor.StackCategories {
		t.Columns = append(t.Columns, publish.Column{Name: stackNames[c], Kind: publish.Count})
	}
	t.Columns = append(t.Columns, publish.Column{Name: "Minstens één", Kind: publish.Count}, publish.Column{Name: "Alle " + m.UnitName(), Kind: publish.Count})
	names, err := s.areaNames(ctx, m, lvl)
	if err != nil {
		return nil, err
	}
	row := func(code string, r monitor.StackRow) publish.Row {
		pr := publish.Row{Code: code, Label: names[code]}
		if pr.Label == "" {
			pr.Label = code
		}
		for _, c := range r.Cells {
			pr.Cells = append(pr.Cells, publish.Published(m.Rule, c.Count, c.Key))
		}
		pr.Cells = append(pr.Cells, publish.Published(m.Rule, r.Any.Count, r.Any.Key), m.population(code, r.Population))
		return pr
	}
	for _, r := range rows {
		pr := row(r.Area, r)
		if lvl == monitor.ByWijk {
			pr.Href = m.wijkHref(r.Area)
		}
		t.Rows = append(t.Rows, pr)
	}
	if lvl != monitor.ByGemeente {
		names[m.G.Code] = "Heel " + m.G.Naam
		tr := row(m.G.Code, tot)
		t.Total = &tr
	}
	return t, nil
}

// areaNames names the areas of the gemeente at a level.
func (s *Server) areaNames(ctx context.Context, m *monCtx, lvl monitor.Level) (map[string]string, error) {
	names := map[string]string{m.G.Code: m.G.Naam}
	switch lvl {
	case monitor.ByWijk:
		for _, w := range s.Atlas.Wijken(m.G.Code) {
			names[w.Code] = w.Naam
		}
	case monitor.ByBuurt:
		bs, err := s.Store.Buurten(ctx, m.G.Code)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			names[b.Code] = b.Naam
		}
	}
	return names, nil
}

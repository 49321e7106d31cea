package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/chart"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/publish"
)

func (s *Server) routesMonitor(r *router) {
	r.page("GET /monitor", s.monitorHome)
	r.page("GET /monitor/{gemeente}", s.mon(s.monitorGemeente))
	r.page("GET /monitor/{gemeente}/wijk/{wijk}", s.mon(s.monitorWijk))
	r.page("GET /monitor/{gemeente}/vraag", s.mon(s.monitorQuery))
	r.page("GET /monitor/{gemeente}/businesscase", s.mon(s.monitorBusinessCase))
	r.page("GET /monitor/{gemeente}/export/{bestand}", s.mon(s.monitorExport))
	s.routesMonitorAPI(r)
}

// tableView is a published table with its download links.
type tableView struct {
	T    *publish.Table
	CSV  string
	XLSX string
}

func (m *monCtx) view(t *publish.Table, name string, kv ...string) tableView {
	q := m.with(kv...)
	base := "/monitor/" + m.G.Code + "/export/" + name
	return tableView{T: t, CSV: base + ".csv?" + q, XLSX: base + ".xlsx?" + q}
}

// monitorHome sends a user with one gemeente to its monitor, and lets a
// user with several choose.
func (s *Server) monitorHome(w http.ResponseWriter, r *http.Request) error {
	m, err := s.monContext(r, "")
	if err != nil {
		return err
	}
	if len(m.Gms) == 1 {
		http.Redirect(w, r, "/monitor/"+m.Gms[0], http.StatusSeeOther)
		return nil
	}
	var gs []area.Gemeente
	for _, code := range m.Gms {
		if g, ok := s.Atlas.Gemeente(code); ok {
			gs = append(gs, g)
		}
	}
	s.renderPage(w, r, 200, "monitor_choose", page{Title: "Monitor: kies een gemeente", Data: gs})
	return nil
}

// legendItem is one class of a choropleth legend.
type legendItem struct {
	Swatch template.HTML
	Label  string
}

// choropleth draws the wijken coloured (and patterned) by the last column
// of a wijk table.
func (s *Server) choropleth(m *monCtx, t *publish.Table, col int, id, title string) (template.HTML, []legendItem, error) {
	vals := map[string]chart.Value{}
	var all []chart.Value
	money := false
	for _, r := range t.Rows {
		c := r.Cells[col]
		v, ok := c.Float()
		money = c.Kind() == publish.Money
		cv := chart.Value{V: v, OK: ok, Text: c.String()}
		vals[r.Code] = cv
		all = append(all, cv)
	}
	cl := chart.MakeClasses(all, 5)
	svg, err := s.Atlas.MapSVG(m.G.Code, area.MapOptions{Width: 560, Title: title,
		Href: func(w area.Wijk) string { return m.wijkHref(w.Code) },
		Fill: func(w area.Wijk) string { return "url(#" + chart.PatternID(id, cl.Of(vals[w.Code])) + ")" }})
	if err != nil {
		return "", nil, err
	}
	svg = chart.InsertDefs(svg, cl.ClassPatterns(id))
	f := func(x float64) string { return publish.Decimal(int64(x*1000+0.5), 1) + "%" }
	if money {
		f = func(x float64) string { return publish.Euro(int64(x*100 + 0.5)) }
	}
	var legend []legendItem
	for i := range cl.Bounds {
		legend = append(legend, legendItem{Swatch: template.HTML(cl.Swatch(id, i)), Label: cl.Label(i, f)})
	}
	legend = append(legend, legendItem{Swatch: template.HTML(cl.Swatch(id, -1)), Label: cl.Label(-1, f)})
	return template.HTML(svg), legend, nil
}

type monGemeenteData struct {
	M        *monCtx
	Measures []option
	Measure  measure
	Map      template.HTML
	Legend   []legendItem
	Table    tableView
	Stack    tableView
}

func (s *Server) monitorGemeente(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	ms, ok := measureOf(m.Q.Get("maat"))
	if !ok {
		m.Errors.Add("maat", "kies een maat uit de lijst")
		ms = measures[0]
	}
	t, err := s.mapTable(m, ms)
	if err != nil {
		return err
	}
	svg, legend, err := s.choropleth(m, t, len(t.Columns)-1, "kaart", "Kaart van "+m.G.Naam+": "+strings.ToLower(ms.Name[:1])+ms.Name[1:]+" per wijk. De cijfers staan in de tabel.")
	if err != nil {
		return err
	}
	st, err := s.stackWideTable(r.Context(), m, monitor.ByWijk)
	if err != nil {
		return err
	}
	d := monGemeenteData{M: m, Measure: ms, Map: svg, Legend: legend, Table: m.view(t, "kaart", "maat", ms.Code), Stack: m.view(st, "stapeling-wijken")}
	for _, x := range measures {
		d.Measures = append(d.Measures, option{Value: x.Code, Label: x.Name, Selected: x.Code == ms.Code})
	}
	s.renderPage(w, r, 200, "monitor_gemeente", page{Title: "Monitor " + m.G.Naam, Data: d, Errors: m.Errors})
	return nil
}

type monWijkData struct {
	M                                 *monCtx
	Wijk                              area.Wijk
	Stack, Expensive, CostWet, CostTv tableView
	Trend, ZRM, Profiles              tableView
	Meedoen                           tableView
	Wijkfonds                         tableView
	VoorElkaar                        tableView
	StackChart, CostChart, TrendChart template.HTML
	XLSX, CSV                         string
}

// wijkTables are every table of the wijk page, in page order.
func (s *Server) wijkTables(ctx context.Context, m *monCtx, wijk string) ([]*publish.Table, error) {
	stack, err := s.stackTable(m, wijk)
	if err != nil {
		return nil, err
	}
	exp, err := s.expensiveTable(m, wijk)
	if err != nil {
		return nil, err
	}
	cw, err := s.costTable(m, wijk, "wet")
	if err != nil {
		return nil, err
	}
	ct, err := s.costTable(m, wijk, "taakveld")
	if err != nil {
		return nil, err
	}
	tr, err := s.trendTable(m, wijk)
	if err != nil {
		return nil, err
	}
	zrm, prof, err := s.outcomeTables(m, wijk)
	if err != nil {
		return nil, err
	}
	part, err := s.participationTable(ctx, m, wijk)
	if err != nil {
		return nil, err
	}
	fund, err := s.fundTable(ctx, m, wijk)
	if err != nil {
		return nil, err
	}
	help, err := s.helpTable(ctx, m, wijk)
	if err != nil {
		return nil, err
	}
	return []*publish.Table{stack, exp, cw, ct, tr, zrm, prof, part, fund, help}, nil
}

func (s *Server) monitorWijk(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	wk, err := s.wijkOf(m, r.PathValue("wijk"))
	if err != nil {
		return err
	}
	ts, err := s.wijkTables(r.Context(), m, wk.Code)
	if err != nil {
		return err
	}
	d := monWijkData{M: m, Wijk: wk}
	views := []*tableView{&d.Stack, &d.Expensive, &d.CostWet, &d.CostTv, &d.Trend, &d.ZRM, &d.Profiles, &d.Meedoen, &d.Wijkfonds, &d.VoorElkaar}
	for i, t := range ts {
		*views[i] = m.view(t, t.ID, "wijk", wk.Code)
	}
	d.XLSX = "/monitor/" + m.G.Code + "/export/wijk.xlsx?" + m.with("wijk", wk.Code)
	d.CSV = "/monitor/" + m.G.Code + "/export/wijk.csv?" + m.with("wijk", wk.Code)

	// stacking: the seven categories, this period and the earlier one
	stack := ts[0]
	bars := chart.Bars{ID: "grafiek-stapeling", Title: "Stapeling in " + wk.Naam + " (" + m.UnitName() + ")",
		Desc:   "Staafdiagram: aantal " + m.UnitName() + " per combinatie van wetten, " + m.PeriodText() + " (donker) en de periode ervoor (gearceerd). De cijfers staan in de tabel eronder.",
		Series: []string{m.PeriodText(), m.PrevText()}, Values: make([][]chart.Value, 2)}
	for _, row := range stack.Rows[:len(monitor.StackCategories)] {
		bars.Labels = append(bars.Labels, row.Label)
		bars.Values[0] = append(bars.Values[0], chartValue(row.Cells[0]))
		bars.Values[1] = append(bars.Values[1], chartValue(row.Cells[2]))
	}
	d.StackChart = template.HTML(bars.SVG())

	cost := ts[2]
	cb := chart.Bars{ID: "grafiek-kosten", Title: "Geld naar " + wk.Naam + " per wet", Desc: "Staafdiagram: bedrag per wet in " + m.PeriodText() + ". De bedragen staan in de tabel eronder.",
		Series: []string{m.PeriodText()}, Values: make([][]chart.Value, 1)}
	for _, row := range cost.Rows {
		cb.Labels = append(cb.Labels, row.Label)
		cb.Values[0] = append(cb.Values[0], chartValue(row.Cells[0]))
	}
	d.CostChart = template.HTML(cb.SVG())

	trend := ts[4]
	lc := chart.Line{ID: "grafiek-trend", Title: m.UnitCap() + " met een voorziening per wet in " + wk.Naam + ", per maand",
		Desc: "Lijndiagram over " + strconv.Itoa(trendMonths) + " maanden tot en met " + monthName(m.End) + ", een lijn per wet. De cijfers staan in de tabel eronder; een onderbroken lijn is een maand met te kleine aantallen."}
	for _, row := range trend.Rows {
		mo, _ := parseMonth(row.Code)
		lc.XLabels = append(lc.XLabels, monthShort(mo))
	}
	for i, c := range trend.Columns {
		se := chart.Series{Name: c.Name}
		for _, v := range trend.Col(i) {
			se.Values = append(se.Values, chartValue(v))
		}
		lc.Series = append(lc.Series, se)
	}
	d.TrendChart = template.HTML(lc.SVG())
	s.renderPage(w, r, 200, "monitor_wijk", page{Title: "Monitor " + wk.Naam + " (" + m.G.Naam + ")", Data: d, Errors: m.Errors})
	return nil
}

func chartValue(c publish.Cell) chart.Value {
	v, ok := c.Float()
	return chart.Value{V: v, OK: ok, Text: c.String()}
}

// --- the query builder ---

type example struct{ Expr, Uitleg string }

var examples = []example{
	{exprExpensive, "De dure combinatie: jeugdhulp, een volwassene met ggz-problemen (ZRM 1 of 2) en schulden."},
	{exprStacked, "Twee of meer van Jeugdwet, Participatiewet en Wmo."},
	{"wet:wmo en hh:75plus en niet plan", "Wmo in een huishouden met een 75-plusser, zonder plan."},
	{"hh:eenouder en (wet:pw of zrm:financien)", "Eenoudergezinnen met bijstand of geldproblemen."},
	{"signaal en niet plan", "Een open signaal, maar (nog) geen plan."},
}

type indicatorDoc struct{ Code, Name string }

type monQueryData struct {
	M          *monCtx
	Expr       string
	Levels     []option
	Costs      []option
	Compare    bool
	Examples   []example
	Indicators []indicatorDoc
	Asked      bool
	Table      tableView
	Map        template.HTML
	Legend     []legendItem
	Chart      template.HTML
}

// queryFromForm reads the query builder's fields.
func (s *Server) queryFromForm(m *monCtx) (monitor.Query, people.FieldErrors) {
	var fe people.FieldErrors
	q := monitor.Query{Expr: strings.TrimSpace(m.Q.Get("expr")), Unit: m.Unit, Period: m.Per, Level: monitor.ByWijk, Scope: m.scope("")}
	if len(q.Expr) > 2000 {
		fe.Add("expr", "de vraag is te lang (hooguit 2000 tekens)")
	} else if q.Expr == "" {
		fe.Add("expr", "vul een vraag in, bijvoorbeeld wet:jw en wet:pw")
	} else if _, err := monitor.ParseExpr(q.Expr); err != nil {
		fe.Add("expr", "de vraag klopt niet: "+err.Error())
	}
	switch m.Q.Get("niveau") {
	case "", "wijk":
	case "gemeente":
		q.Level = monitor.ByGemeente
	case "buurt":
		q.Level = monitor.ByBuurt
	default:
		fe.Add("niveau", "kies gemeente, wijk of buurt")
	}
	if v := m.Q.Get("vergelijk"); v == "ja" || v == "1" || v == "on" {
		q.Compare = &m.Prev
	}
	switch k := m.Q.Get("kosten"); {
	case k == "" || k == "geen":
	case k == "alle":
		q.Cost = &monitor.CostFilter{}
	case strings.HasPrefix(k, "wet:"):
		q.Cost = &monitor.CostFilter{Wet: strings.TrimPrefix(k, "wet:")}
	case strings.HasPrefix(k, "tv:"):
		q.Cost = &monitor.CostFilter{Taakveld: strings.TrimPrefix(k, "tv:")}
	default:
		fe.Add("kosten", "kies een kostensoort uit de lijst")
	}
	return q, fe
}

func (s *Server) monitorQuery(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	d := monQueryData{M: m, Expr: m.Q.Get("expr"), Examples: examples, Compare: m.Q.Get("vergelijk") != ""}
	for _, code := range m.Ix.Indicators() {
		d.Indicators = append(d.Indicators, indicatorDoc{Code: code, Name: monitor.Describe(code)})
	}
	niveau := m.Q.Get("niveau")
	for _, l := range []option{{Value: "gemeente", Label: "Gemeente"}, {Value: "wijk", Label: "Wijk"}, {Value: "buurt", Label: "Buurt"}} {
		l.Selected = l.Value == niveau || (niveau == "" && l.Value == "wijk")
		d.Levels = append(d.Levels, l)
	}
	kosten := m.Q.Get("kosten")
	d.Costs = append(d.Costs, option{Value: "geen", Label: "Geen kosten"}, option{Value: "alle", Label: "Alle kosten"})
	for _, l := range lawNames {
		d.Costs = append(d.Costs, option{Value: "wet:" + l.Code, Label: "Kosten " + l.Name})
	}
	for i := range d.Costs {
		d.Costs[i].Selected = d.Costs[i].Value == kosten
	}
	pg := page{Title: "Monitor: eigen vraag", Errors: m.Errors, Form: map[string]string{"expr": d.Expr}}
	code := 200
	if _, asked := m.Q["expr"]; asked {
		q, fe := s.queryFromForm(m)
		if len(fe) > 0 {
			pg.Errors = append(pg.Errors, fe...)
			code = http.StatusUnprocessableEntity
		} else {
			t, err := s.queryTable(r.Context(), m, q)
			if err != nil {
				return err
			}
			d.Asked = true
			d.Table = m.view(t, "vraag", "expr", q.Expr, "niveau", niveau, "vergelijk", m.Q.Get("vergelijk"), "kosten", kosten)
			if q.Level == monitor.ByWijk {
				if d.Map, d.Legend, err = s.choropleth(m, t, 2, "vraag-kaart", "Kaart van "+m.G.Naam+": aandeel per wijk voor de vraag. De cijfers staan in de tabel."); err != nil {
					return err
				}
			} else {
				bars := chart.Bars{ID: "grafiek-vraag", Title: "Uitkomst per " + strings.ToLower(t.Head), Desc: "Staafdiagram: aantal " + m.UnitName() + " per " + strings.ToLower(t.Head) + ". De cijfers staan in de tabel.",
					Series: []string{m.PeriodText()}, Values: make([][]chart.Value, 1)}
				for _, row := range t.Rows {
					bars.Labels = append(bars.Labels, row.Label)
					bars.Values[0] = append(bars.Values[0], chartValue(row.Cells[0]))
				}
				d.Chart = template.HTML(bars.SVG())
			}
		}
	}
	pg.Data = d
	s.renderPage(w, r, code, "monitor_query", pg)
	return nil
}

// --- export ---

// exportTables builds the tables an export asks for by name.
func (s *Server) exportTables(r *http.Request, m *monCtx, name string) ([]*publish.Table, error) {
	wijk := m.Q.Get("wijk")
	if wijk != "" {
		if _, err := s.wijkOf(m, wijk); err != nil {
			return nil, err
		}
	}
	one := func(t *publish.Table, err error) ([]*publish.Table, error) {
		if err != nil {
			return nil, err
		}
		return []*publish.Table{t}, nil
	}
	switch name {
	case "kaart":
		ms, ok := measureOf(m.Q.Get("maat"))
		if !ok {
			return nil, invalid("maat", "kies een maat uit de lijst")
		}
		return one(s.mapTable(m, ms))
	case "stapeling-wijken":
		return one(s.stackWideTable(r.Context(), m, monitor.ByWijk))
	case "stapeling":
		return one(s.stackTable(m, wijk))
	case "dure-combinatie":
		return one(s.expensiveTable(m, wijk))
	case "kosten-wet":
		return one(s.costTable(m, wijk, "wet"))
	case "kosten-taakveld":
		return one(s.costTable(m, wijk, "taakveld"))
	case "trend":
		return one(s.trendTable(m, wijk))
	case "uitkomsten", "profielen":
		z, p, err := s.outcomeTables(m, wijk)
		if name == "uitkomsten" {
			return one(z, err)
		}
		return one(p, err)
	case "wijk":
		if wijk == "" {
			return nil, invalid("wijk", "kies een wijk")
		}
		return s.wijkTables(r.Context(), m, wijk)
	case "meedoen":
		if wijk == "" {
			return nil, invalid("wijk", "kies een wijk")
		}
		return one(s.participationTable(r.Context(), m, wijk))
	case "voorelkaar":
		if wijk == "" {
			return nil, invalid("wijk", "kies een wijk")
		}
		return one(s.helpTable(r.Context(), m, wijk))
	case "wijkfonds":
		if wijk == "" {
			return nil, invalid("wijk", "kies een wijk")
		}
		return one(s.fundTable(r.Context(), m, wijk))
	case "vraag":
		q, fe := s.queryFromForm(m)
		if len(fe) > 0 {
			return nil, fe
		}
		return one(s.queryTable(r.Context(), m, q))
	}
	return nil, errs.E(errs.NotFound, "Deze tabel bestaat niet.")
}

func (s *Server) monitorExport(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	if len(m.Errors) > 0 {
		return m.Errors
	}
	file := r.PathValue("bestand")
	name, ext, ok := strings.Cut(file, ".")
	if !ok || (ext != "csv" && ext != "xlsx") {
		return errs.E(errs.NotFound, "Kies een bestand dat eindigt op .csv of .xlsx.")
	}
	ts, err := s.exportTables(r, m, name)
	if err != nil {
		return err
	}
	fn := "naober-monitor-" + m.G.Code
	if wk := m.Q.Get("wijk"); wk != "" {
		fn += "-" + wk
	}
	fn += "-" + name + "-" + monthISO(m.End) + "." + ext
	w.Header().Set("Content-Disposition", `attachment; filename="`+url.PathEscape(fn)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if ext == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		return publish.WriteCSV(w, ts...)
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return publish.WriteXLSX(w, ts...)
}

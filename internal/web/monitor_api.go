package web

import (
	"net/http"
	"strings"

	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/publish"
)

// The monitor's JSON API: the same published tables as the pages, the same
// rule. Every answer is a publish.JSONTable (or a list of them).

var monitorParams = []param{
	{"tot", "laatste maand van de periode, JJJJ-MM (standaard: deze maand)"},
	{"maanden", "lengte van de periode: 1, 3, 6, 12 (standaard) of 24"},
	{"eenheid", "personen (standaard) of huishoudens"},
}

func (s *Server) routesMonitorAPI(r *router) {
	roles := "beleid, teamleider, regisseur (alleen cijfers, afgerond op 5; kleine aantallen als null)"
	r.endpoint("GET /api/v1/monitor/{code}/stacking", apiDoc{Summary: "Stapeling van Jeugdwet, Participatiewet en Wmo (CBS-tabel)", Tag: "Monitor", Roles: roles,
		Query:    append([]param{{"wijk", "een wijkcode: de tabel van die wijk met de vorige periode"}, {"niveau", "zonder wijk: gemeente, wijk (standaard) of buurt"}}, monitorParams...),
		Response: publish.JSONTable{}}, s.mon(s.apiStacking))
	r.endpoint("GET /api/v1/monitor/{code}/query", apiDoc{Summary: "Tel personen of huishoudens met een eigen vraag (expressie)", Tag: "Monitor", Roles: roles,
		Query: append([]param{{"expr", "de vraag, bijvoorbeeld: wet:jw en wet:pw"}, {"niveau", "gemeente, wijk (standaard) of buurt"},
			{"vergelijk", "ja: ook de vorige periode van dezelfde lengte"}, {"kosten", "geen, alle, wet:<wet> of tv:<taakveld>"}}, monitorParams...),
		Response: publish.JSONTable{}}, s.mon(s.apiQuery))
	r.endpoint("GET /api/v1/monitor/{code}/costs", apiDoc{Summary: "Geld naar een gemeente of wijk per wet of taakveld", Tag: "Monitor", Roles: roles,
		Query:    append([]param{{"per", "wet (standaard) of taakveld"}, {"wijk", "een wijkcode (standaard: de hele gemeente)"}}, monitorParams...),
		Response: publish.JSONTable{}}, s.mon(s.apiCosts))
	r.endpoint("GET /api/v1/monitor/{code}/trend", apiDoc{Summary: "Trend per maand over 24 maanden", Tag: "Monitor", Roles: roles,
		Query:    append([]param{{"wijk", "een wijkcode (standaard: de hele gemeente)"}, {"expr", "een eigen vraag; zonder: een lijn per wet"}}, monitorParams...),
		Response: publish.JSONTable{}}, s.mon(s.apiTrend))
	r.endpoint("GET /api/v1/monitor/{code}/expensive", apiDoc{Summary: "De dure combinatie per wijk (huishoudens)", Tag: "Monitor", Roles: roles,
		Query: monitorParams, Response: publish.JSONTable{}}, s.mon(s.apiExpensive))
	r.endpoint("GET /api/v1/monitor/{code}/outcomes", apiDoc{Summary: "Uitkomsten: ZRM-verandering per leefgebied en resultaten per cliëntprofiel", Tag: "Monitor", Roles: roles,
		Query:    append([]param{{"wijk", "een wijkcode (standaard: de hele gemeente)"}}, monitorParams...),
		Response: []publish.JSONTable{}}, s.mon(s.apiOutcomes))
	r.endpoint("GET /api/v1/monitor/{code}/participation", apiDoc{Summary: "Meedoen in een wijk: wensen, steun, wijkagenda en de opkomst van de laatste wijkbudget-stemming", Tag: "Monitor",
		Roles: "beleid, teamleider, regisseur (openbare aantallen exact; accounts afgerond op 5; opkomst alleen bij genoeg stembiljetten)",
		Query: append([]param{{"wijk", "een wijkcode (verplicht)"}}, monitorParams...), Response: publish.JSONTable{}}, s.mon(s.apiParticipation))
}

func (s *Server) apiParticipation(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	wijk, err := s.apiWijk(m)
	if err != nil {
		return err
	}
	if wijk == "" {
		return invalid("wijk", "kies een wijk, bijvoorbeeld wijk=WK011901")
	}
	t, err := s.participationTable(r.Context(), m, wijk)
	return writeTable(w, t, err)
}

func (s *Server) apiWijk(m *monCtx) (string, error) {
	wijk := m.Q.Get("wijk")
	if wijk == "" {
		return "", nil
	}
	if _, err := s.wijkOf(m, wijk); err != nil {
		return "", err
	}
	return wijk, nil
}

func writeTable(w http.ResponseWriter, t *publish.Table, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, 200, t.JSON())
}

func (s *Server) apiStacking(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	wijk, err := s.apiWijk(m)
	if err != nil {
		return err
	}
	if wijk != "" {
		t, err := s.stackTable(m, wijk)
		return writeTable(w, t, err)
	}
	lvl, err := levelParam(m.Q.Get("niveau"))
	if err != nil {
		return err
	}
	t, err := s.stackWideTable(r.Context(), m, lvl)
	return writeTable(w, t, err)
}

func levelParam(v string) (monitor.Level, error) {
	switch v {
	case "", "wijk":
		return monitor.ByWijk, nil
	case "gemeente":
		return monitor.ByGemeente, nil
	case "buurt":
		return monitor.ByBuurt, nil
	}
	return 0, invalid("niveau", "kies gemeente, wijk of buurt")
}

func (s *Server) apiQuery(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	q, fe := s.queryFromForm(m)
	if len(fe) > 0 {
		return fe
	}
	t, err := s.queryTable(r.Context(), m, q)
	return writeTable(w, t, err)
}

func (s *Server) apiCosts(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	wijk, err := s.apiWijk(m)
	if err != nil {
		return err
	}
	by := m.Q.Get("per")
	switch by {
	case "":
		by = "wet"
	case "wet", "taakveld":
	default:
		return invalid("per", "kies wet of taakveld")
	}
	t, err := s.costTable(m, wijk, by)
	return writeTable(w, t, err)
}

func (s *Server) apiTrend(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	wijk, err := s.apiWijk(m)
	if err != nil {
		return err
	}
	expr := strings.TrimSpace(m.Q.Get("expr"))
	if expr == "" {
		t, err := s.trendTable(m, wijk)
		return writeTable(w, t, err)
	}
	if _, err := monitor.ParseExpr(expr); err != nil {
		return invalid("expr", "de vraag klopt niet: "+err.Error())
	}
	p := monitor.Period{From: m.End - trendMonths + 1, To: m.End + 1}
	pts, err := m.Ix.Trend(monitor.Query{Expr: expr, Unit: m.Unit, Period: p, Scope: m.scope(wijk)})
	if err != nil {
		return err
	}
	t := &publish.Table{ID: "trend", Title: "Trend: " + expr + " (" + m.UnitName() + ")", Head: "Maand", Note: publish.Note(m.Rule),
		Columns: []publish.Column{{Name: m.UnitCap(), Kind: publish.Count}}}
	for _, pt := range pts {
		t.Rows = append(t.Rows, publish.Row{Code: monthISO(pt.Month), Label: monthName(pt.Month), Cells: []publish.Cell{publish.Published(m.Rule, pt.Row.Count, pt.Row.Key)}})
	}
	return writeTable(w, t, nil)
}

func (s *Server) apiExpensive(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	t, err := s.expensiveTable(m, "")
	return writeTable(w, t, err)
}

func (s *Server) apiOutcomes(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	wijk, err := s.apiWijk(m)
	if err != nil {
		return err
	}
	z, p, err := s.outcomeTables(m, wijk)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, []publish.JSONTable{z.JSON(), p.JSON()})
}

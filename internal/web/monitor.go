package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/publish"
)

// The population monitor: aggregates only. Every number a handler takes
// from the engine goes into a publish.Table through the disclosure rule
// (publish.Published, PublishedMoney, ...) before any template, JSON
// encoder or export sees it; no monitor page links to a person.

// Built-in expressions.
const (
	// exprStacked: two or more of Jeugdwet, Participatiewet and Wmo.
	exprStacked = "(wet:jw en wet:pw) of (wet:jw en wet:wmo) of (wet:pw en wet:wmo)"
	// exprExpensive: youth care, an adult with ggz problems, and debts.
	exprExpensive = "wet:jw en iemand(volwassene en zrm:geestelijke_gezondheid) en (wet:wgs of zrm:financien)"
	// exprAnyLaw: any provision of the social domain.
	exprAnyLaw = "wet:jw of wet:wmo of wet:pw of wet:wgs of wet:voorliggend"
)

// monCtx is what every monitor handler works with: the gemeente the user
// may see, the index, the rule, and the period and unit asked for.
type monCtx struct {
	P      *auth.Principal
	G      area.Gemeente
	Gms    []string // every gemeente the user may see in the monitor
	Ix     *monitor.Index
	Rule   monitor.Rule
	Avail  monitor.Period // months the index holds
	Per    monitor.Period // the period asked for
	Prev   monitor.Period // the same length just before
	End    monitor.Month  // last month of Per
	Len    int            // months in Per
	Unit   monitor.Unit
	Q      url.Values
	Errors people.FieldErrors
}

// scope is the gemeente, or one wijk of it.
func (m *monCtx) scope(wijk string) monitor.Scope {
	return monitor.Scope{Gemeenten: []string{m.G.Code}, Wijk: wijk}
}

// UnitName is "personen" or "huishoudens".
func (m *monCtx) UnitName() string {
	if m.Unit == monitor.Households {
		return "huishoudens"
	}
	return "personen"
}

// UnitCap is "Personen" or "Huishoudens".
func (m *monCtx) UnitCap() string {
	if m.Unit == monitor.Households {
		return "Huishoudens"
	}
	return "Personen"
}

// PeriodText describes the period: "december 2025 t/m november 2026".
func (m *monCtx) PeriodText() string { return periodText(m.Per) }

// PrevText describes the earlier period.
func (m *monCtx) PrevText() string { return periodText(m.Prev) }

func periodText(p monitor.Period) string {
	if p.Months() <= 1 {
		return monthName(p.From)
	}
	return monthName(p.From) + " t/m " + monthName(p.To-1)
}

var maanden = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

func monthName(m monitor.Month) string {
	return maanden[m.Calendar()-1] + " " + strconv.Itoa(m.Year())
}

var maandenKort = []string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}

func monthShort(m monitor.Month) string {
	return maandenKort[m.Calendar()-1] + " " + pad2(m.Year()%100)
}

func monthISO(m monitor.Month) string {
	return strconv.Itoa(m.Year()) + "-" + pad2(int(m.Calendar()))
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func parseMonth(s string) (monitor.Month, bool) {
	y, mo, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return 0, false
	}
	yi, err1 := strconv.Atoi(y)
	mi, err2 := strconv.Atoi(mo)
	if err1 != nil || err2 != nil || yi < 1900 || yi > 2200 || mi < 1 || mi > 12 {
		return 0, false
	}
	return monitor.MonthOf(yi, time.Month(mi)), true
}

// periodLengths are the lengths the period selector offers.
var periodLengths = []int{1, 3, 6, 12, 24}

// option is one choice in a select.
type option struct {
	Value, Label string
	Selected     bool
}

// MonthOptions are the months of the index, newest first.
func (m *monCtx) MonthOptions() []option {
	var out []option
	for mo := m.Avail.To - 1; mo >= m.Avail.From; mo-- {
		out = append(out, option{Value: monthISO(mo), Label: monthName(mo), Selected: mo == m.End})
	}
	return out
}

// LengthOptions are the period lengths.
func (m *monCtx) LengthOptions() []option {
	var out []option
	for _, n := range periodLengths {
		l := strconv.Itoa(n) + " maanden"
		if n == 1 {
			l = "1 maand"
		}
		out = append(out, option{Value: strconv.Itoa(n), Label: l, Selected: n == m.Len})
	}
	return out
}

// Households tells the unit selector which unit is chosen.
func (m *monCtx) Households() bool { return m.Unit == monitor.Households }

// Params are the period and unit as URL parameters, to carry them in links.
func (m *monCtx) Params() string {
	v := url.Values{}
	v.Set("tot", monthISO(m.End))
	v.Set("maanden", strconv.Itoa(m.Len))
	v.Set("eenheid", m.UnitName())
	return v.Encode()
}

// with is Params plus more parameters.
func (m *monCtx) with(kv ...string) string {
	v, _ := url.ParseQuery(m.Params())
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v.Encode()
}

// rule is the disclosure rule of this server.
func (s *Server) rule() monitor.Rule {
	if s.MonitorRule.Base > 0 {
		return s.MonitorRule
	}
	return monitor.DefaultRule()
}

// index is the monitor's index, nil while it is being built.
func (s *Server) index() *monitor.Index {
	if s.Monitor == nil {
		return nil
	}
	return s.Monitor()
}

// monHandler is a monitor handler.
type monHandler func(w http.ResponseWriter, r *http.Request, m *monCtx) error

// mon checks the user's access to the gemeente in the path, waits for the
// index, reads period and unit, and calls fn.
func (s *Server) mon(fn monHandler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		gm := r.PathValue("gemeente")
		if gm == "" {
			gm = r.PathValue("code") // the API's name for it
		}
		m, err := s.monContext(r, gm)
		if err != nil {
			return err
		}
		if m.Ix == nil {
			s.monitorBuilding(w, r)
			return nil
		}
		m.readPeriod()
		if isAPI(r) && len(m.Errors) > 0 {
			return m.Errors
		}
		return fn(w, r, m)
	}
}

// monContext checks access: no login 401, no monitor role anywhere 403, a
// gemeente the user may not see 404 (as if it did not exist, like
// everywhere else in naober).
func (s *Server) monContext(r *http.Request, gm string) (*monCtx, error) {
	p, err := need(r)
	if err != nil {
		return nil, err
	}
	gms := p.Gemeenten(auth.ReadMonitor)
	if len(gms) == 0 {
		return nil, errs.E(errs.Forbidden, "Uw rol geeft geen toegang tot de monitor.")
	}
	m := &monCtx{P: p, Gms: gms, Rule: s.rule(), Q: r.URL.Query()}
	if gm != "" {
		g, ok := s.Atlas.Gemeente(gm)
		if !ok || !slices.Contains(gms, g.Code) {
			return nil, errs.E(errs.NotFound, "Deze gemeente bestaat niet, of u heeft geen toegang tot haar monitor.")
		}
		m.G = g
	}
	m.Ix = s.index()
	return m, nil
}

// readPeriod reads tot (YYYY-MM, the last month), maanden and eenheid.
// Wrong values fall back to the defaults, with a message.
func (m *monCtx) readPeriod() {
	st := m.Ix.Stats()
	now := monitor.MonthOfTime(time.Now().In(people.Amsterdam()))
	m.Avail = st.Months
	if m.Avail.To <= m.Avail.From {
		m.Avail = monitor.Period{From: now, To: now + 1}
	}
	m.End = min(now, m.Avail.To-1)
	if m.End < m.Avail.From {
		m.End = m.Avail.To - 1
	}
	m.Len = 12
	if v := m.Q.Get("tot"); v != "" {
		if mo, ok := parseMonth(v); ok && mo >= m.Avail.From && mo < m.Avail.To {
			m.End = mo
		} else {
			m.Errors.Add("tot", "kies een maand uit de lijst")
		}
	}
	if v := m.Q.Get("maanden"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && slices.Contains(periodLengths, n) {
			m.Len = n
		} else {
			m.Errors.Add("maanden", "kies 1, 3, 6, 12 of 24 maanden")
		}
	}
	// Households by default: the monitor's question is how problems stack
	// up in a household ("één gezin, één plan").
	switch m.Q.Get("eenheid") {
	case "personen":
		m.Unit = monitor.Persons
	case "", "huishoudens":
		m.Unit = monitor.Households
	default:
		m.Errors.Add("eenheid", "kies personen of huishoudens")
	}
	m.Per = monitor.Period{From: m.End - monitor.Month(m.Len) + 1, To: m.End + 1}
	m.Prev = monitor.Period{From: m.Per.From - monitor.Month(m.Len), To: m.Per.From}
}

// monitorBuilding answers while the index is not there yet: 503 with
// Retry-After, as a page or as JSON.
func (s *Server) monitorBuilding(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", "10")
	if isAPI(r) {
		writeJSON(w, http.StatusServiceUnavailable, apiError{Error: "De monitor wordt opgebouwd. Probeer het over tien seconden opnieuw."})
		return
	}
	s.renderPage(w, r, http.StatusServiceUnavailable, "monitor_wait", page{Title: "De monitor wordt opgebouwd"})
}

// population publishes the population of an area.
func (m *monCtx) population(areaCode string, n int64) publish.Cell {
	return publish.PublishedPopulation(m.Rule, n)
}

// wijkOf checks that a wijk code belongs to the gemeente.
func (s *Server) wijkOf(m *monCtx, code string) (area.Wijk, error) {
	w, ok := s.Atlas.Wijk(code)
	if !ok || w.Gemeente != m.G.Code {
		return area.Wijk{}, errs.E(errs.NotFound, "Deze wijk bestaat niet in %s.", m.G.Naam)
	}
	return w, nil
}

// lawNames are the laws in the order the monitor shows them.
var lawNames = []struct{ Code, Name string }{
	{"jw", "Jeugdwet"}, {"wmo", "Wmo"}, {"pw", "Participatiewet"}, {"wgs", "Schuldhulp (Wgs)"}, {"voorliggend", "Voorliggend veld"},
}

func lawName(code string) string {
	for _, l := range lawNames {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// stackNames name the CBS stacking categories in words.
var stackNames = map[string]string{
	"jw": "Alleen Jeugdwet", "pw": "Alleen Participatiewet", "wmo": "Alleen Wmo",
	"jw+pw": "Jeugdwet en Participatiewet", "jw+wmo": "Jeugdwet en Wmo", "pw+wmo": "Participatiewet en Wmo",
	"jw+pw+wmo": "Alle drie",
}

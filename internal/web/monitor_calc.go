package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/publish"
)

// The business-case calculator ("leren rekenen", ../shared/DOMAIN.md):
// from a count the monitor publishes, a coverage fraction and unit costs,
// estimate how many there are in the population and what an intervention
// avoids. Money is int64 cents and fractions are basis points (1/10,000)
// throughout; the page shows every step.

// Defaults from DOMAIN.md: "we see about 10% of them"; an OTS costs
// € 5.700; four mediators cost € 250.000 a year.
const (
	defCoverageBP    = 1000     // 10%
	defEffectBP      = 2000     // 20%: an own estimate, the user changes it
	defCaseCents     = 570000   // € 5.700: an ondertoezichtstelling (OTS)
	defInterventCent = 25000000 // € 250.000: four mediators for a year
	maxCents         = 1 << 50  // about € 11 trillion: far above any budget
	maxBP            = 10000    // 100%
)

// costExample is a unit cost from DOMAIN.md, shown as a hint.
type costExample struct{ Name, Amount string }

var costExamples = []costExample{
	{"Ondertoezichtstelling (OTS), per jaar", publish.Euro(570000)},
	{"Uithuisplaatsing, per jaar", publish.Euro(5000000)},
	{"Huurachterstand betalen zodat iemand zijn huis houdt", publish.Euro(140000)},
	{"Schuld overnemen in plaats van opvang", publish.Euro(1400000)},
	{"Vier mediators, per jaar", publish.Euro(25000000)},
}

// calcStep is one line of the arithmetic.
type calcStep struct {
	Label  string
	Sum    string // the arithmetic in words and numbers
	Result string
}

type monCalcData struct {
	M        *monCtx
	Wijken   []option
	Examples []example
	Costs    []costExample
	Found    publish.Cell
	FoundIn  string
	Steps    []calcStep
	Done     bool
	Small    bool
	Net      int64
	Expr     string
}

// parseEuro reads an amount the Dutch way: "5.700", "5.700,00", "€ 5700,5".
func parseEuro(s string) (int64, bool) {
	s = strings.TrimSpace(strings.NewReplacer("€", "", " ", "", "\u00a0", "").Replace(s))
	if s == "" {
		return 0, false
	}
	whole, frac, hasFrac := strings.Cut(s, ",")
	whole = strings.ReplaceAll(whole, ".", "")
	if whole == "" {
		whole = "0"
	}
	e, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || e < 0 || e > maxCents/100 {
		return 0, false
	}
	c := int64(0)
	if hasFrac {
		if len(frac) == 0 || len(frac) > 2 {
			return 0, false
		}
		if len(frac) == 1 {
			frac += "0"
		}
		v, err := strconv.ParseInt(frac, 10, 64)
		if err != nil || v < 0 {
			return 0, false
		}
		c = v
	}
	return e*100 + c, true
}

// parsePercent reads "10", "12,5" or "12.5" (percent) into basis points.
func parsePercent(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	s = strings.ReplaceAll(s, ",", ".")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 100 || len(frac) > 2 {
		return 0, false
	}
	f := int64(0)
	if frac != "" {
		if len(frac) == 1 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || f < 0 {
			return 0, false
		}
	}
	bp := w*100 + f
	return bp, bp <= maxBP
}

func percentText(bp int64) string {
	if bp%100 == 0 {
		return strconv.FormatInt(bp/100, 10) + "%"
	}
	return publish.Decimal(bp, 2) + "%"
}

func (s *Server) monitorBusinessCase(w http.ResponseWriter, r *http.Request, m *monCtx) error {
	q := m.Q
	d := monCalcData{M: m, Examples: examples[:2], Costs: costExamples}
	form := map[string]string{
		"expr":        q.Get("expr"),
		"dekking":     q.Get("dekking"),
		"effect":      q.Get("effect"),
		"kosten":      q.Get("kosten"),
		"interventie": q.Get("interventie"),
	}
	if form["expr"] == "" {
		form["expr"] = exprExpensive
	}
	if form["dekking"] == "" {
		form["dekking"] = percentText(defCoverageBP)
	}
	if form["effect"] == "" {
		form["effect"] = percentText(defEffectBP)
	}
	if form["kosten"] == "" {
		form["kosten"] = strings.TrimPrefix(publish.Euro(defCaseCents), "€ ")
	}
	if form["interventie"] == "" {
		form["interventie"] = strings.TrimPrefix(publish.Euro(defInterventCent), "€ ")
	}
	d.Expr = form["expr"]
	wijk := q.Get("wijk")
	d.Wijken = append(d.Wijken, option{Value: "", Label: "Heel " + m.G.Naam, Selected: wijk == ""})
	for _, wk := range s.Atlas.Wijken(m.G.Code) {
		d.Wijken = append(d.Wijken, option{Value: wk.Code, Label: wk.Naam, Selected: wk.Code == wijk})
	}
	pg := page{Title: "Monitor: business case", Form: form, Errors: m.Errors}
	var fe people.FieldErrors
	if wijk != "" {
		if _, err := s.wijkOf(m, wijk); err != nil {
			fe.Add("wijk", "kies een wijk uit de lijst")
			wijk = ""
		}
	}
	if _, err := monitor.ParseExpr(form["expr"]); err != nil {
		fe.Add("expr", "de vraag klopt niet: "+err.Error())
	}
	cov, ok := parsePercent(form["dekking"])
	if !ok || cov <= 0 {
		fe.Add("dekking", "vul een percentage in tussen 0 en 100, bijvoorbeeld 10")
	}
	eff, ok := parsePercent(form["effect"])
	if !ok {
		fe.Add("effect", "vul een percentage in tussen 0 en 100, bijvoorbeeld 20")
	}
	caseCents, ok := parseEuro(form["kosten"])
	if !ok {
		fe.Add("kosten", "vul een bedrag in euro in, bijvoorbeeld 5.700,00")
	}
	intCents, ok := parseEuro(form["interventie"])
	if !ok {
		fe.Add("interventie", "vul een bedrag in euro in, bijvoorbeeld 250.000,00")
	}
	code := 200
	if len(fe) > 0 {
		pg.Errors = append(pg.Errors, fe...)
		code = http.StatusUnprocessableEntity
	} else {
		lvl := monitor.ByGemeente
		if wijk != "" {
			lvl = monitor.ByWijk
		}
		res, err := m.Ix.Count(monitor.Query{Expr: form["expr"], Unit: m.Unit, Period: m.Per, Level: lvl, Scope: m.scope(wijk)})
		if err != nil {
			return err
		}
		row := res.Total
		for _, x := range res.Rows {
			if x.Area == wijk || (wijk == "" && x.Area == m.G.Code) {
				row = x
			}
		}
		d.Found = publish.Published(m.Rule, row.Count, row.Key)
		d.FoundIn = m.G.Naam
		if wijk != "" {
			wk, _ := s.Atlas.Wijk(wijk)
			d.FoundIn = wk.Naam
		}
		d.Done = true
		if !d.Found.OK() {
			d.Small = true
		} else {
			d.Steps, d.Net = businessCase(d.Found.Int(), cov, eff, caseCents, intCents, m.UnitName())
		}
	}
	pg.Data = d
	s.renderPage(w, r, code, "monitor_businesscase", pg)
	return nil
}

// roundDivPos divides non-negative numbers, rounding half up.
func roundDivPos(a, b int64) int64 { return (a + b/2) / b }

// businessCase does the arithmetic on a published count n.
func businessCase(n, coverageBP, effectBP, caseCents, interventionCents int64, unit string) ([]calcStep, int64) {
	est := roundDivPos(n*maxBP, coverageBP)
	prevented := roundDivPos(est*effectBP, maxBP)
	if prevented > 0 && caseCents > (math.MaxInt64/2)/prevented {
		return []calcStep{{"Te groot om te rekenen", "verlaag de kosten per geval of verhoog het deel dat we zien", "."}}, 0
	}
	avoided := prevented * caseCents
	net := avoided - interventionCents
	steps := []calcStep{
		{"Gevonden in de monitor", "afgerond op 5", publish.Thousands(n) + " " + unit},
		{"Geschat aantal in de hele bevolking", publish.Thousands(n) + " ÷ " + percentText(coverageBP) + " (het deel dat we zien)", publish.Thousands(est) + " " + unit},
		{"Waar de aanpak dure zorg voorkomt", publish.Thousands(est) + " × " + percentText(effectBP) + " (verwacht effect)", publish.Thousands(prevented) + " " + unit},
		{"Vermeden kosten", publish.Thousands(prevented) + " × " + publish.Euro(caseCents) + " (kosten per geval)", publish.Euro(avoided)},
		{"Min de kosten van de aanpak", publish.Euro(avoided) + " − " + publish.Euro(interventionCents), publish.Euro(net)},
	}
	return steps, net
}

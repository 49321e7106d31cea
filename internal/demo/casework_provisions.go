package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// ProvisionPlan is a provision of a household member: created (as asked
// for, granted or started) and perhaps ended since.
type ProvisionPlan struct {
	HH int
	P  casework.Provision // the provision as created; HouseholdID is filled in when written
	By int
	At time.Time // when it was recorded
	// Ended: the provision stopped on EndDate, recorded at EndAt.
	EndAt     time.Time
	EndDate   people.Date
	EndReason string
	EndBy     int
}

// Running reports whether the provision runs (or is coming) today.
func (p *ProvisionPlan) Running() bool { return p.EndAt.IsZero() }

// product is a kind of provision with its price. Prices (2024–2026 levels,
// rounded, in cents): hulp bij het huishouden about € 31,50 an hour,
// begeleiding € 65 an hour, dagbesteding € 60 a dagdeel, beschermd wonen
// € 180 a day, jeugdhulp ambulant € 95 an hour, jeugd-ggz € 110, youth care
// with stay € 250 a day, an OTS € 5.700 a year (DOMAIN.md), bijstand €
// 1.400 a month single and € 2.000 for a couple, beschermingsbewind € 130
// a month; the voorliggend veld is free.
type product struct {
	key            string
	wet, cat       string
	unit, freq     string
	price          int64 // cents per unit
	volMin, volMax int
	monthly        int64 // cents per month (instead of a unit price); -1: none
	providers      []string
	months         int  // length of an indication; 0: open-ended
	chronic        bool // re-indicated when it ends: the current one started at the last renewal
	profile        bool // may be bought through a client profile
}

var products = map[string]product{
	"hh":             {"hh", "wmo", "01", "04", "2", 3150, 2, 4, -1, []string{"Thuishulp Samen Schoon", "Zorggroep De Linde"}, 36, true, false},
	"begeleiding":    {"begeleiding", "wmo", "02", "04", "2", 6500, 2, 4, -1, []string{"Begeleiding In Balans", "Stichting Op Eigen Benen"}, 12, false, true},
	"dagbesteding":   {"dagbesteding", "wmo", "07", "16", "2", 6000, 2, 6, -1, []string{"Dagbesteding De Werkplaats", "Zorgboerderij Het Erf"}, 24, true, false},
	"respijt":        {"respijt", "wmo", "04", "14", "4", 15000, 2, 4, -1, []string{"Logeerhuis De Boei"}, 12, false, false},
	"rolstoel":       {"rolstoel", "wmo", "11", "", "", 0, 0, 0, 6500, []string{"Hulpmiddelencentrum Mobiel Plus"}, 0, false, false},
	"scootmobiel":    {"scootmobiel", "wmo", "12", "", "", 0, 0, 0, 5500, []string{"Hulpmiddelencentrum Mobiel Plus"}, 0, false, false},
	"vervoer":        {"vervoer", "wmo", "08", "", "", 0, 0, 0, 3500, []string{"Regiotaxi Samen Onderweg"}, 60, true, false},
	"traplift":       {"traplift", "wmo", "13", "82", "6", 480000, 1, 1, -1, []string{"Hulpmiddelencentrum Mobiel Plus"}, 60, true, false},
	"bw":             {"bw", "wmo", "15", "14", "1", 18000, 1, 1, -1, []string{"Stichting Beschermd Thuis"}, 24, false, false},
	"jeugd":          {"jeugd", "jw", "45", "04", "2", 9500, 1, 3, -1, []string{"Jeugdhulp Kompas", "Gezinshulp Vlinder"}, 12, false, true},
	"jggz":           {"jggz", "jw", "54", "04", "2", 11000, 1, 2, -1, []string{"Jeugd-ggz Horizon"}, 12, false, false},
	"dagbehandeling": {"dagbehandeling", "jw", "41", "16", "2", 14500, 2, 4, -1, []string{"Kinderdagbehandeling Het Anker"}, 12, false, false},
	"verblijf":       {"verblijf", "jw", "43", "14", "1", 25000, 1, 1, -1, []string{"Gezinshuis De Wilg"}, 12, false, false},
	"ots":            {"ots", "jw", "48", "", "", 0, 0, 0, 47500, []string{"GI Jeugdbescherming en Reclassering"}, 12, false, false},
	"jr":             {"jr", "jw", "47", "", "", 0, 0, 0, 40000, []string{"GI Jeugdbescherming en Reclassering"}, 12, false, false},
	"bijstand":       {"bijstand", "pw", "PW-BIJSTAND", "", "", 0, 0, 0, 140000, []string{"Werk en Inkomen"}, 0, false, false},
	"reintegratie":   {"reintegratie", "pw", "PW-REINTEGRATIE", "82", "6", 300000, 1, 1, -1, []string{"Werkbedrijf Aan de Slag"}, 6, false, false},
	"bijzonder":      {"bijzonder", "pw", "PW-BIJZONDER", "83", "6", 100, 250, 900, -1, []string{"Werk en Inkomen"}, 1, false, false},
	"minima":         {"minima", "pw", "PW-MINIMA", "", "", 0, 0, 0, 2500, []string{"Werk en Inkomen"}, 12, true, false},
	"schuldhulp":     {"schuldhulp", "wgs", "WGS-SCHULDHULP", "", "", 0, 0, 0, 12000, []string{"Schuldhulp De Brug"}, 24, false, false},
	"budgetbeheer":   {"budgetbeheer", "wgs", "WGS-BUDGETBEHEER", "", "", 0, 0, 0, 4500, []string{"Kredietbank Samen"}, 24, false, false},
	"bewind":         {"bewind", "wgs", "WGS-BEWIND", "", "", 0, 0, 0, 13000, []string{"Bewindvoering Op Koers"}, 0, false, false},
	"maatje":         {"maatje", "voorliggend", "VV-VRIJWILLIGER", "", "", 0, 0, 0, 0, []string{"Vrijwilligerscentrale Samen Doen"}, 12, false, false},
	"mantelzorg":     {"mantelzorg", "voorliggend", "VV-MANTELZORG", "", "", 0, 0, 0, 0, []string{"Steunpunt Mantelzorg"}, 0, false, false},
	"buurthuis":      {"buurthuis", "voorliggend", "VV-BUURTHUIS", "", "", 0, 0, 0, 0, []string{"Buurthuis De Ontmoeting"}, 0, false, false},
	"sociaalwerk":    {"sociaalwerk", "voorliggend", "VV-SOCIAALWERK", "", "", 0, 0, 0, 0, []string{"Sociaal Werk in de wijk"}, 6, false, false},
	"groep":          {"groep", "voorliggend", "VV-GROEP", "", "", 0, 0, 0, 0, []string{"Sociaal Werk in de wijk"}, 4, false, false},
}

// agb is the (invented) AGB code of a Wmo or youth-care provider: 98 and
// six digits, fixed per name.
func agb(name string) string { return fmt.Sprintf("98%06d", hash64("agb/"+name)%1_000_000) }

// need is a provision a household needs: a product for a person, and
// whether the case brought it (it starts after the case opened).
type need struct {
	product  string
	person   string
	fromCase bool
}

// needs lists the provisions that follow from the household's problems.
func (g *cwGen) needs(r *rand.Rand, f *HouseholdFacts) []need {
	h := g.hh(f.HH)
	var out []need
	add := func(p, person string, prob float64) {
		if person != "" && chance(r, prob) {
			out = append(out, need{product: p, person: person})
		}
	}
	for _, id := range f.Frail {
		add("hh", id, 0.8)
		add("vervoer", id, 0.35)
		add("rolstoel", id, 0.12)
		add("scootmobiel", id, 0.15)
		add("traplift", id, 0.08)
		pd := 0.18
		if f.Isolated == id {
			pd = 0.3
		}
		add("dagbesteding", id, pd)
		pr := 0.04
		if f.Carer != "" {
			pr = 0.15
		}
		add("respijt", id, pr)
	}
	add("mantelzorg", f.Carer, 0.4)
	add("maatje", f.Isolated, 0.35)
	add("buurthuis", f.Isolated, 0.2)
	if len(f.Frail) > 0 && f.Isolated == "" {
		add("buurthuis", f.Frail[0], 0.1)
	}
	if f.MentalHealth != "" {
		add("begeleiding", f.MentalHealth, 0.55)
		add("dagbesteding", f.MentalHealth, 0.15)
		if len(adults(h, g.today)) == 1 {
			add("bw", f.MentalHealth, 0.03)
		}
		add("sociaalwerk", f.MentalHealth, 0.15)
		add("maatje", f.MentalHealth, 0.12)
	}
	if f.Addiction != "" && f.Addiction != f.MentalHealth {
		add("begeleiding", f.Addiction, 0.35)
	}
	if f.Disability != "" {
		add("begeleiding", f.Disability, 0.2)
		add("scootmobiel", f.Disability, 0.3)
		add("rolstoel", f.Disability, 0.15)
		add("vervoer", f.Disability, 0.3)
		add("traplift", f.Disability, 0.15)
	}
	ad := adults(h, g.today)
	head := ""
	for _, p := range ad {
		if p.Age(g.today) < 67 {
			head = p.ID
			break
		}
	}
	if head == "" && len(ad) > 0 {
		head = ad[0].ID
	}
	if f.Debts {
		add("schuldhulp", head, 0.55)
		pb := 0.25
		if f.MentalHealth != "" || f.Addiction != "" {
			pb = 0.4
		}
		add("bewind", head, pb)
		add("budgetbeheer", head, 0.12)
		add("sociaalwerk", head, 0.15) // help with the post and forms
	}
	kids := minors(h, g.today)
	if f.Bijstand {
		add("bijstand", head, 1)
		if m, ok := member(h, head); ok && m.Person.Age(g.today) < 55 {
			add("reintegratie", head, 0.3)
		}
		add("bijzonder", head, 0.12)
		if len(kids) > 0 {
			add("minima", head, 0.45)
		}
	}
	for _, id := range f.Youth {
		m, ok := member(h, id)
		if !ok {
			continue
		}
		age := m.Person.Age(g.today)
		before := len(out)
		add("jeugd", id, 0.6)
		if age >= 6 {
			add("jggz", id, 0.3)
		}
		if age >= 4 && age <= 12 {
			add("dagbehandeling", id, 0.05)
		}
		add("verblijf", id, 0.06)
		pots := 0.1
		if f.Domestic {
			pots = 0.3
		}
		add("ots", id, pots)
		if age >= 14 && f.Risk > 1 {
			add("jr", id, 0.2)
		}
		if len(out) == before {
			out = append(out, need{product: "jeugd", person: id})
		}
	}
	if f.Domestic {
		add("sociaalwerk", head, 0.25)
	}
	if len(f.Youth) > 0 {
		add("groep", head, 0.2) // a parenting course in the wijk
	}
	add("reintegratie", f.Justice, 0.35)
	// Youth care, debt relief and most support for mental health come
	// with the case; Wmo for the elderly and bijstand mostly ran before.
	for i := range out {
		switch products[out[i].product].wet {
		case "jw", "wgs":
			out[i].fromCase = chance(r, 0.75)
		case "pw":
			out[i].fromCase = chance(r, 0.3)
		default:
			out[i].fromCase = chance(r, 0.45)
		}
	}
	return out
}

// provisions draws every household's provisions, with or without a case.
func (g *cwGen) provisions() {
	r := g.r("provisions")
	migrated := at(g.start.AddDays(-29), 10*60) // the old system's provisions came over then
	for i, f := range g.cw.Facts {
		c := g.active[i]
		var cases []*CasePlan
		cases = append(cases, g.closed[i]...)
		if c != nil {
			cases = append(cases, c)
		}
		born := c != nil && c.Signal != nil && c.Signal.NewHousehold
		for _, nd := range g.needs(r, f) {
			if born {
				// the household became known through its case
				nd.fromCase = true
			}
			pp := g.provision(r, f, nd, cases, migrated)
			if pp != nil {
				g.cw.Provisions = append(g.cw.Provisions, pp)
				g.writeProvision(pp)
			}
		}
	}
}

// provision dates and prices one need.
func (g *cwGen) provision(r *rand.Rand, f *HouseholdFacts, nd need, cases []*CasePlan, migrated time.Time) *ProvisionPlan {
	pr := products[nd.product]
	h := g.hh(f.HH)
	m, ok := member(h, nd.person)
	if !ok {
		return nil
	}
	earliest := maxDate(m.Start, m.Person.Geboortedatum.AddYears(2))
	var start people.Date
	var caseOf *CasePlan
	if nd.fromCase && len(cases) > 0 {
		caseOf = cases[r.IntN(len(cases))]
		open := dateOf(caseOf.Opened)
		if caseOf.Signal != nil && caseOf.Signal.NewHousehold {
			earliest = maxDate(earliest, open.AddDays(14))
		}
		start = open.AddDays(14 + r.IntN(77))
		if !caseOf.Active() && caseOf.end(g.today).Before(start) {
			start = dayBetween(r, open.AddDays(7), caseOf.end(g.today))
		}
	} else {
		years := 0.2 + 5.8*r.Float64()
		switch {
		case pr.wet == "jw":
			years = 0.1 + 1.4*r.Float64()
		case !pr.chronic && pr.months > 0:
			years = 0.1 + 1.9*r.Float64()
		}
		start = g.today.AddDays(-int(years * yearDays))
	}
	start = maxDate(start, earliest)
	if g.today.AddDays(30).Before(start) {
		return nil
	}
	if nd.person == f.MentalHealth && pr.key == "bw" || pr.key == "verblijf" {
		// living elsewhere for a while: keep it short
		pr.months = 6
	}
	months := pr.months
	if pr.key == "schuldhulp" {
		months = 18 + r.IntN(19)
	}
	end := people.Date{}
	if months > 0 {
		end = start.AddDays(int(float64(months) * 30.44))
		if pr.chronic && end.Before(g.today.AddDays(1)) {
			// renewed: the current indication started at the last renewal
			for end.Before(g.today.AddDays(1)) {
				start, end = end, end.AddDays(int(float64(months)*30.44))
			}
		}
	}
	p := casework.Provision{
		ID: g.w.NewID(), Gemeente: g.w.Gemeente.Code, PersonID: nd.person, Wet: pr.wet, Categorie: pr.cat,
		Taakveld: casework.DefaultTaakveld(pr.wet, pr.cat), Start: start, Eind: end,
	}
	prov := pick(r, pr.providers)
	switch {
	case prov == "Werk en Inkomen":
		p.Aanbieder = "Gemeente " + g.w.Gemeente.Naam + ", Werk en Inkomen"
	case prov == "Sociaal Werk in de wijk":
		p.Aanbieder = "Sociaal Werk " + g.w.Gemeente.Naam
	default:
		p.Aanbieder = prov
	}
	if pr.wet == "wmo" || pr.wet == "jw" {
		p.AanbiederAGB = agb(prov)
	}
	switch {
	case pr.profile && chance(r, 0.35):
		p.Profiel = g.profileFor(r, f, nd)
	case pr.monthly >= 0:
		amount := pr.monthly
		if pr.key == "bijstand" && partners(h) > 1 {
			amount = 200000 // the norm for a couple
		}
		p.MaandbedragCents = casework.Cents(amount).Ptr()
	default:
		v := pr.volMin + r.IntN(pr.volMax-pr.volMin+1)
		p.Volume, p.Eenheid, p.Frequentie = &v, pr.unit, pr.freq
		p.PrijsCents = casework.Cents(pr.price).Ptr()
	}
	if pr.freq == "6" && p.Eind.IsZero() {
		p.Eind = start.AddDays(30)
	}
	pp := &ProvisionPlan{HH: f.HH}
	// Status and when it was recorded.
	yesterday := g.today.AddDays(-1)
	switch {
	case yesterday.Before(start):
		// coming: asked for or granted in the last two weeks
		p.Status = casework.ProvisionGranted
		if chance(r, 0.3) {
			p.Status = casework.ProvisionRequested
		}
		pp.At = workTime(r, g.today.AddDays(-1-r.IntN(14)))
	case days(start, g.today) < 21 && chance(r, 0.5):
		p.Status = casework.ProvisionRequested
		if chance(r, 0.4) {
			p.Status = casework.ProvisionGranted
		}
		pp.At = workTime(r, start.AddDays(-r.IntN(5)))
	default:
		p.Status = casework.ProvisionStarted
		pp.At = workTime(r, start)
	}
	pp.At = later2(pp.At, migrated)
	if caseOf != nil && pp.At.Before(caseOf.Opened) {
		pp.At = caseOf.Opened.Add(2 * time.Hour)
	}
	if !dateOf(pp.At).Before(g.today) {
		return nil
	}
	if !end.IsZero() && end.Before(g.today) && p.Status == casework.ProvisionStarted {
		if end.Before(g.today.AddDays(-365)) || len(cases) == 0 && end.Before(g.today.AddDays(-90)) {
			// long over (for a household the team never worked with: over
			// for a while): not part of the story
			return nil
		}
		pp.EndDate = end
		pp.EndAt = later2(workTime(r, end), pp.At.Add(time.Hour))
		pp.EndReason = endReason(r, pr)
		pp.EndBy = g.recorder(r, f, pp.EndAt)
	}
	pp.By = g.recorder(r, f, pp.At)
	pp.P = p
	return pp
}

// partners counts the current members who are parent or partner.
func partners(h *people.Household) int {
	n := 0
	for _, m := range currentMembers(h) {
		if m.Rol == "ouder" || m.Rol == "partner" {
			n++
		}
	}
	return n
}

// endReason is why a provision stopped.
func endReason(r *rand.Rand, pr product) string {
	switch x := r.Float64(); {
	case x < 0.45:
		return "doel_bereikt"
	case x < 0.65:
		return "eigen_kracht"
	case x < 0.8:
		return "andere_voorziening"
	case x < 0.92:
		return "op_verzoek"
	}
	return "anders"
}

// profileFor chooses a client profile: recovery for mental health and
// youth, stabilising otherwise, coping with decline for the frail.
func (g *cwGen) profileFor(r *rand.Rand, f *HouseholdFacts, nd need) string {
	switch {
	case f.isFrail(nd.person):
		return pick(r, []string{"P5", "P6"})
	case f.isYouth(nd.person), nd.person == f.MentalHealth && chance(r, 0.6):
		return pick(r, []string{"P1", "P2"})
	}
	return pick(r, []string{"P3", "P4"})
}

// recorder is who recorded something at t for the household: its
// regisseur when a case ran then, else a colleague of the wijk's team (the
// Wmo consulent, the bijstand desk).
func (g *cwGen) recorder(r *rand.Rand, f *HouseholdFacts, t time.Time) int {
	for _, c := range g.casesOf(f.HH) {
		if !t.Before(c.Opened) && (c.Active() || t.Before(c.Closed)) {
			return c.RegisseurAt(t)
		}
	}
	return g.teamMember(r, f.Team, g.cw.teamleider)
}

// casesOf lists the household's cases.
func (g *cwGen) casesOf(hh int) []*CasePlan {
	out := append([]*CasePlan{}, g.closed[hh]...)
	if c := g.active[hh]; c != nil {
		out = append(out, c)
	}
	return out
}

func (g *cwGen) writeProvision(pp *ProvisionPlan) {
	gm := g.w.Gemeente.Code
	g.ev.add(pp.At, "provision", func(ctx context.Context, st *store.Store) error {
		p := pp.P
		p.HouseholdID = g.hid(pp.HH)
		return st.CreateProvision(ctx, g.user(pp.By).actor(gm), &p)
	})
	if pp.EndAt.IsZero() {
		return
	}
	g.ev.add(pp.EndAt, "end provision", func(ctx context.Context, st *store.Store) error {
		_, err := st.SetProvisionStatus(ctx, g.user(pp.EndBy).actor(gm), pp.P.ID,
			casework.StatusChange{Status: casework.ProvisionEnded, EindReden: pp.EndReason, Eind: pp.EndDate})
		return err
	})
}

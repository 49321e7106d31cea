package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"sort"
	"strings"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
)

// The monitor reads the whole population of its gemeenten as a system
// process and turns it into monitor.PersonInput and HouseholdInput. What
// every indicator means is in monitor/api.go; how the store derives it:
//
//   - A person is in the monitor when they have a current membership
//     (end_date empty or after today). Their household is the current one
//     with the latest start (ties: the larger household id); their area is
//     that household's gemeente, wijk and buurt. Person indicators (their
//     provisions and assessments) follow the person, whichever household
//     record they were made in.
//   - Provisions count in every month their [start, end] overlaps (end
//     empty: up to the current month; end is the werkelijke eind a 307
//     reported, else the planned end) when toegekend, gestart or
//     beëindigd; their cost is casework.MonthlyCost for each such month,
//     except in months declared care (323 claims) covers: there the
//     declared amounts are the cost (prorated by days, exact to the cent,
//     see exchange_monitor.go), also outside [start, end].
//   - A person with an unknown birth date has no age: neither kind nor
//     volwassene, and does not count for the household age facts. A
//     household with an unknown wijk (wijk '') is counted in its gemeente
//     only (the engine makes it a node under the gemeente).
//   - zrm:<d> holds in month m when the person's latest assessment made on
//     or before the end of m scores d at 1 or 2. ZRM changes compare the
//     first and latest assessment that scored the domain (at two dates).
//   - Household facts go to every member the monitor places in the
//     household: plan (a plan version from its date until it is replaced
//     or closed, months inclusive), signaal (a signal linked to the
//     household, from the month it came in to the month it was triaged),
//     maatwerk (the month an approved spend was decided), hh:kinderen,
//     hh:eenouder (one member with role ouder or partner and a child under
//     18) and hh:75plus, per month by the members' ages.
//   - volwassene from the first month that starts on or after the 18th
//     birthday, kind before that (from the birth month).
//   - Months are calendar months in Europe/Amsterdam, from HistoryMonths
//     back up to and including the current month (store clock).

// RecMonitor is the audit record type of the monitor's reads.
const RecMonitor = "monitor"

// PurposeMonitor is the purpose the monitor's reads are audited with.
const PurposeMonitor = "populatiemonitor (alleen geaggregeerd)"

// MonitorID maps a store id (of a person or a household) to the monitor's
// 64-bit id: the first 8 bytes of SHA-256 of the id. It is stable across
// processes and restarts, which the engine's cell keys need. Store ids are
// random 128-bit values, so two ids collide only by chance: with n ids the
// probability is about n²/2⁶⁵, 1 in 100,000 for 18 million persons; a
// collision would merge two persons in the counts, never reveal one.
func MonitorID(id string) uint64 {
	sum := sha256.Sum256([]byte(id))
	return binary.BigEndian.Uint64(sum[:8])
}

// MonitorRead says what to read.
type MonitorRead struct {
	Gemeenten []string
	// Households restricts the read to these households (store ids); nil
	// reads every household of the gemeenten. Only persons whose monitor
	// household (see above) is one of them are returned.
	Households []string
	// HistoryMonths is how many months back from the current month facts
	// reach; default 24.
	HistoryMonths int
}

// MonitorData is the monitor's input for a set of households.
type MonitorData struct {
	Window     monitor.Period // the months facts are clipped to
	Persons    []monitor.PersonInput
	Households []monitor.HouseholdInput // the households with at least one person
	Gemeenten  []string                 // the gemeenten read (audited)
}

// MonitorTenants lists every gemeente this instance serves.
func (s *Store) MonitorTenants(ctx context.Context) ([]string, error) {
	ts, err := s.Tenants(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.Gemeente)
	}
	sort.Strings(out)
	return out, nil
}

// MonitorExpand returns the households to reload after changes to hhs: the
// households themselves plus every current household of anyone who is or
// was a member of one of them (a person who moves, or whose provision was
// made in an earlier household, is placed by all their memberships).
func (s *Store) MonitorExpand(ctx context.Context, gemeenten, hhs []string) ([]string, error) {
	set := map[string]bool{}
	for _, h := range hhs {
		set[h] = true
	}
	if len(hhs) == 0 || len(gemeenten) == 0 {
		return hhs, nil
	}
	today := s.zrmToday()
	gph, gargs := in(gemeenten)
	err := chunked(hhs, func(ph string, args []any) error {
		rows, err := s.query(ctx, `SELECT DISTINCT m2.household_id FROM household_members m
			JOIN household_members m2 ON m2.person_id = m.person_id
			WHERE m.household_id IN (`+ph+`) AND m2.gemeente IN (`+gph+`) AND (m2.end_date IS NULL OR m2.end_date > ?)`,
			append(append(args, gargs...), today)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				return err
			}
			set[h] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, classify(err)
	}
	out := make([]string, 0, len(set))
	for h := range set {
		out = append(out, h)
	}
	sort.Strings(out)
	return out, nil
}

// chunked runs fn over ids in groups small enough for any placeholder limit.
func chunked(ids []string, fn func(ph string, args []any) error) error {
	const n = 500
	for i := 0; i < len(ids); i += n {
		j := min(i+n, len(ids))
		ph, args := in(ids[i:j])
		if err := fn(ph, args); err != nil {
			return err
		}
	}
	return nil
}

// monitor read state
type mHousehold struct {
	id, gemeente, wijk, buurt string
	members                   []*mPerson
	facts                     []monitor.Fact
	eval                      *mEval
}

type mEval struct {
	datum                people.Date
	created              time.Time
	id                   string
	reached, total, tevr int
}

type mPerson struct {
	id     string
	birth  people.Date
	rol    string
	start  people.Date
	hh     string
	facts  []monitor.Fact
	costs  map[monitor.Cost]int64 // key without Cents
	assess []mAssessment
}

type mAssessment struct {
	datum   people.Date
	created time.Time
	id      string
	scores  map[string]int
}

// MonitorData reads the monitor's input and audits the read: one record
// per gemeente, never per person. The read runs as a system process.
func (s *Store) MonitorData(ctx context.Context, r MonitorRead) (MonitorData, error) {
	var out MonitorData
	if len(r.Gemeenten) == 0 {
		return out, nil
	}
	if r.Households != nil && len(r.Households) == 0 {
		return out, nil
	}
	if r.HistoryMonths <= 0 {
		r.HistoryMonths = 24
	}
	now := s.now().In(people.Amsterdam())
	today := people.DateOf(now)
	cur := monitor.MonthOfTime(now)
	win := monitor.Period{From: cur - monitor.Month(r.HistoryMonths) + 1, To: cur + 1}
	out.Window = win
	gph, gargs := in(r.Gemeenten)

	// Households.
	hhs := map[string]*mHousehold{}
	scanHH := func(where string, args []any) error {
		rows, err := s.query(ctx, "SELECT id, gemeente, wijk, buurt FROM households WHERE gemeente IN ("+gph+")"+where, append(append([]any{}, gargs...), args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			h := &mHousehold{}
			if err := rows.Scan(&h.id, &h.gemeente, &h.wijk, &h.buurt); err != nil {
				return err
			}
			hhs[h.id] = h
		}
		return rows.Err()
	}
	var err error
	if r.Households == nil {
		err = scanHH("", nil)
	} else {
		err = chunked(r.Households, func(ph string, args []any) error { return scanHH(" AND id IN ("+ph+")", args) })
	}
	if err != nil {
		return out, classify(err)
	}

	// Current memberships: every current membership of the persons
	// concerned, so each person is placed in one household.
	persons := map[string]*mPerson{}
	scanM := func(where string, args []any) error {
		rows, err := s.query(ctx, `SELECT m.person_id, m.household_id, m.rol, m.start_date, p.geboortedatum
			FROM household_members m JOIN persons p ON p.id = m.person_id
			WHERE m.gemeente IN (`+gph+`) AND (m.end_date IS NULL OR m.end_date > ?)`+where, append(append(append([]any{}, gargs...), today), args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var pid, hid, rol string
			var start, birth people.Date
			if err := rows.Scan(&pid, &hid, &rol, &start, &birth); err != nil {
				return err
			}
			p := persons[pid]
			if p == nil {
				p = &mPerson{id: pid, birth: birth}
				persons[pid] = p
			} else if !(p.start.Before(start) || (p.start == start && hid > p.hh)) {
				continue
			}
			p.hh, p.rol, p.start = hid, rol, start
		}
		return rows.Err()
	}
	if r.Households == nil {
		err = scanM("", nil)
	} else {
		err = chunked(r.Households, func(ph string, args []any) error {
			return scanM(" AND m.person_id IN (SELECT person_id FROM household_members WHERE household_id IN ("+ph+"))", args)
		})
	}
	if err != nil {
		return out, classify(err)
	}
	for id, p := range persons {
		h := hhs[p.hh]
		if h == nil { // placed in a household outside the read
			delete(persons, id)
			continue
		}
		h.members = append(h.members, p)
	}
	pids := make([]string, 0, len(persons))
	for id := range persons {
		pids = append(pids, id)
	}
	hids := make([]string, 0, len(hhs))
	for id := range hhs {
		hids = append(hids, id)
	}
	// scanRows runs q (filtered on the gemeenten) and fn on every row: all
	// rows for a full read; for a partial read only those whose col (a
	// person_id or a household_id column) is among the persons or
	// households read.
	scanRows := func(q, col string, fn func(*sql.Rows) error) error {
		run := func(where string, args []any) error {
			rows, err := s.query(ctx, q+" AND "+col+" IN ("+where+")", append(append([]any{}, gargs...), args...)...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				if err := fn(rows); err != nil {
					return err
				}
			}
			return rows.Err()
		}
		if r.Households == nil {
			rows, err := s.query(ctx, q, gargs...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				if err := fn(rows); err != nil {
					return err
				}
			}
			return rows.Err()
		}
		ids := pids
		if col != "person_id" && !strings.HasSuffix(col, ".person_id") {
			ids = hids
		}
		return chunked(ids, run)
	}

	// Declared care (323 claims) per provision and month: the real cost of
	// the months a claim covers (see exchange_monitor.go).
	declared, err := s.monitorClaims(ctx, gph, gargs, scanRows)
	if err != nil {
		return out, classify(err)
	}

	// Provisions. A provision ends at its werkelijke eind (a 307) when it
	// has one, else at its planned end.
	err = scanRows(`SELECT p.id, p.person_id, p.wet, p.categorie, p.taakveld, p.profiel, p.start_datum, COALESCE(p.werkelijke_eind, p.eind_datum),
		p.volume, p.frequentie, p.prijs_cents, p.maandbedrag_cents, cp.prijs_cents, cp.periode
		FROM provisions p LEFT JOIN client_profiles cp ON cp.gemeente = p.gemeente AND cp.code = p.profiel
		WHERE p.gemeente IN (`+gph+`) AND p.status IN ('toegekend', 'gestart', 'beeindigd')`, "p.person_id", func(rows *sql.Rows) error {
		var pvID, pid string
		var pv casework.Provision
		var cpPrijs *casework.Cents
		var cpPeriode sql.NullString
		if err := rows.Scan(&pvID, &pid, &pv.Wet, &pv.Categorie, &pv.Taakveld, &pv.Profiel, &pv.Start, &pv.Eind,
			&pv.Volume, &pv.Frequentie, &pv.PrijsCents, &pv.MaandbedragCents, &cpPrijs, &cpPeriode); err != nil {
			return err
		}
		p := persons[pid]
		if p == nil {
			return nil
		}
		if pv.Profiel != "" && cpPrijs != nil {
			pv.Profile = &casework.ClientProfile{Code: pv.Profiel, PrijsCents: *cpPrijs, Periode: cpPeriode.String}
		}
		from := monitor.MonthOf(pv.Start.Year(), pv.Start.Time().Month())
		to := win.To
		if !pv.Eind.IsZero() {
			to = monitor.MonthOf(pv.Eind.Year(), pv.Eind.Time().Month()) + 1
		}
		from, to = max(from, win.From), min(to, win.To)
		claims := declared[pvID]
		if from >= to && len(claims) == 0 {
			return nil
		}
		if from < to {
			inds := []string{monitor.WetInd(pv.Wet), monitor.CatInd(pv.Wet, pv.Categorie), monitor.TaakveldInd(pv.Taakveld)}
			if pv.Profiel != "" {
				inds = append(inds, monitor.ProfileInd(pv.Profiel))
			}
			for _, ind := range inds {
				p.facts = append(p.facts, monitor.Fact{Indicator: ind, From: from, To: to})
			}
		}
		add := func(m monitor.Month, c int64) {
			if c == 0 {
				return
			}
			if p.costs == nil {
				p.costs = map[monitor.Cost]int64{}
			}
			k := monitor.Cost{Month: m, Wet: pv.Wet, Taakveld: pv.Taakveld, Categorie: pv.Categorie}
			if p.costs[k] += c; p.costs[k] == 0 {
				delete(p.costs, k)
			}
		}
		// Estimated cost for the months no claim covers; declared amounts
		// for the months claims cover (within the window).
		if c := casework.MonthlyCost(pv); c > 0 {
			for m := from; m < to; m++ {
				if _, ok := claims[m]; !ok {
					add(m, c)
				}
			}
		}
		for m, c := range claims {
			if m >= win.From && m < win.To {
				add(m, c)
			}
		}
		return nil
	})
	if err != nil {
		return out, classify(err)
	}

	// Assessments.
	type ownedAssessment struct {
		p *mPerson
		a *mAssessment
	}
	assess := map[string]ownedAssessment{}
	err = scanRows(`SELECT a.person_id, a.id, a.datum, a.created_at, sc.domein, sc.niveau
		FROM assessments a JOIN assessment_scores sc ON sc.assessment_id = a.id
		WHERE a.gemeente IN (`+gph+`)`, "a.person_id", func(rows *sql.Rows) error {
		var pid, id, dom string
		var datum people.Date
		var created time.Time
		var lvl int
		if err := rows.Scan(&pid, &id, &datum, timeCol{&created}, &dom, &lvl); err != nil {
			return err
		}
		p := persons[pid]
		if p == nil {
			return nil
		}
		oa, ok := assess[id]
		if !ok {
			oa = ownedAssessment{p, &mAssessment{datum: datum, created: created, id: id, scores: map[string]int{}}}
			assess[id] = oa
		}
		oa.a.scores[dom] = lvl
		return nil
	})
	if err != nil {
		return out, classify(err)
	}
	for _, oa := range assess {
		oa.p.assess = append(oa.p.assess, *oa.a)
	}
	for _, p := range persons {
		sort.Slice(p.assess, func(i, j int) bool { return laterAssessment(p.assess[j], p.assess[i]) })
	}

	// Plans.
	type mPlan struct {
		hh, status string
		versie     int
		datum      people.Date
		closed     people.Date
	}
	plans := map[string][]mPlan{}
	err = scanRows(`SELECT pl.household_id, pl.versie, pl.status, pl.datum, pl.created_at,
		(SELECT MIN(e.datum) FROM evaluations e WHERE e.plan_id = pl.id AND e.soort = 'afsluiting')
		FROM plans pl WHERE pl.gemeente IN (`+gph+`)`, "pl.household_id", func(rows *sql.Rows) error {
		var pl mPlan
		var created time.Time
		if err := rows.Scan(&pl.hh, &pl.versie, &pl.status, &pl.datum, timeCol{&created}, &pl.closed); err != nil {
			return err
		}
		if hhs[pl.hh] == nil {
			return nil
		}
		if pl.datum.IsZero() {
			pl.datum = people.DateOf(created.In(people.Amsterdam()))
		}
		plans[pl.hh] = append(plans[pl.hh], pl)
		return nil
	})
	if err != nil {
		return out, classify(err)
	}
	for hid, ps := range plans {
		sort.Slice(ps, func(i, j int) bool { return ps[i].versie < ps[j].versie })
		h := hhs[hid]
		for i, pl := range ps {
			from := monthOfDate(pl.datum)
			to := win.To
			switch pl.status {
			case "vervangen":
				to = from + 1
				if i+1 < len(ps) {
					to = monthOfDate(ps[i+1].datum) + 1
				}
			case "afgesloten":
				to = from + 1
				if !pl.closed.IsZero() {
					to = monthOfDate(pl.closed) + 1
				}
			}
			h.addFact(monitor.IndPlan, from, to, win)
		}
	}

	// Signals linked to a household.
	err = scanRows(`SELECT s.household_id, s.created_at, s.triaged_at FROM signals s
		WHERE s.gemeente IN (`+gph+`) AND s.household_id IS NOT NULL`, "s.household_id", func(rows *sql.Rows) error {
		var hid string
		var created, triaged time.Time
		if err := rows.Scan(&hid, timeCol{&created}, timeCol{&triaged}); err != nil {
			return err
		}
		h := hhs[hid]
		if h == nil {
			return nil
		}
		from := monitor.MonthOfTime(created.In(people.Amsterdam()))
		to := from + 1
		if !triaged.IsZero() {
			to = max(to, monitor.MonthOfTime(triaged.In(people.Amsterdam()))+1)
		}
		h.addFact(monitor.IndSignal, from, to, win)
		return nil
	})
	if err != nil {
		return out, classify(err)
	}

	// Approved maatwerk spends.
	err = scanRows(`SELECT sp.household_id, sp.decided_at FROM spends sp
		WHERE sp.gemeente IN (`+gph+`) AND sp.status = 'goedgekeurd'`, "sp.household_id", func(rows *sql.Rows) error {
		var hid string
		var decided time.Time
		if err := rows.Scan(&hid, timeCol{&decided}); err != nil {
			return err
		}
		h := hhs[hid]
		if h == nil || decided.IsZero() {
			return nil
		}
		m := monitor.MonthOfTime(decided.In(people.Amsterdam()))
		h.addFact(monitor.IndMaatwerk, m, m+1, win)
		return nil
	})
	if err != nil {
		return out, classify(err)
	}

	// Latest evaluation per household.
	err = scanRows(`SELECT e.household_id, e.id, e.datum, e.created_at, e.doelen_bereikt, e.doelen_totaal, e.tevredenheid
		FROM evaluations e WHERE e.gemeente IN (`+gph+`)`, "e.household_id", func(rows *sql.Rows) error {
		var hid string
		var ev mEval
		if err := rows.Scan(&hid, &ev.id, &ev.datum, timeCol{&ev.created}, &ev.reached, &ev.total, &ev.tevr); err != nil {
			return err
		}
		h := hhs[hid]
		if h == nil {
			return nil
		}
		if h.eval == nil || laterEval(ev, *h.eval) {
			h.eval = &ev
		}
		return nil
	})
	if err != nil {
		return out, classify(err)
	}

	// Assemble.
	sort.Strings(hids)
	for _, hid := range hids {
		h := hhs[hid]
		if len(h.members) == 0 {
			continue
		}
		sort.Slice(h.members, func(i, j int) bool { return h.members[i].id < h.members[j].id })
		hin := monitor.HouseholdInput{ID: MonitorID(h.id)}
		if h.eval != nil {
			hin.HasEvaluation, hin.GoalsReached, hin.GoalsTotal, hin.Satisfaction = true, h.eval.reached, h.eval.total, h.eval.tevr
		}
		out.Households = append(out.Households, hin)
		hfacts := append(h.facts, householdAgeFacts(h.members, win)...)
		for _, p := range h.members {
			pin := monitor.PersonInput{ID: MonitorID(p.id), Household: hin.ID, Area: monitor.Area{Gemeente: h.gemeente, Wijk: h.wijk, Buurt: h.buurt}}
			facts := append(append([]monitor.Fact{}, p.facts...), hfacts...)
			if !p.birth.IsZero() { // an unknown birth date (a client known only by BSN) gives no age
				m18 := ageMonth(p.birth, 18)
				facts = append(facts, clip(monitor.Fact{Indicator: monitor.IndChild, From: monthOfDate(p.birth), To: m18}, win)...)
				facts = append(facts, clip(monitor.Fact{Indicator: monitor.IndAdult, From: m18, To: win.To}, win)...)
			}
			facts = append(facts, zrmFacts(p.assess, win)...)
			pin.Facts = mergeFacts(facts)
			pin.ZRM = zrmChanges(p.assess)
			for k, c := range p.costs {
				k.Cents = c
				pin.Costs = append(pin.Costs, k)
			}
			sort.Slice(pin.Costs, func(i, j int) bool { return costLess(pin.Costs[i], pin.Costs[j]) })
			out.Persons = append(out.Persons, pin)
		}
	}

	// Audit: one record per gemeente per read, as a system process.
	kind := "volledig"
	if r.Households != nil {
		kind = "bijwerken"
	}
	out.Gemeenten = append([]string(nil), r.Gemeenten...)
	err = s.Tx(ctx, func(tx *Tx) error {
		at := s.ts(s.now())
		for _, gm := range r.Gemeenten {
			if _, err := tx.Exec(ctx, `INSERT INTO audit_log (at, user_id, user_email, role, gemeente, action, record_type, record_id, purpose)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, at, "systeem:monitor", "monitor@naober", "systeem", gm, string(audit.Read), RecMonitor, kind, PurposeMonitor); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return MonitorData{}, err
	}
	return out, nil
}

func (h *mHousehold) addFact(ind string, from, to monitor.Month, win monitor.Period) {
	h.facts = append(h.facts, clip(monitor.Fact{Indicator: ind, From: from, To: to}, win)...)
}

func monthOfDate(d people.Date) monitor.Month { return monitor.MonthOf(d.Year(), d.Time().Month()) }

// ageMonth is the first month that starts on or after the age-th birthday.
func ageMonth(birth people.Date, age int) monitor.Month {
	b := birth.Time().AddDate(age, 0, 0)
	m := monitor.MonthOf(b.Year(), b.Month())
	if b.Day() != 1 {
		m++
	}
	return m
}

func clip(f monitor.Fact, win monitor.Period) []monitor.Fact {
	f.From, f.To = max(f.From, win.From), min(f.To, win.To)
	if f.From >= f.To {
		return nil
	}
	return []monitor.Fact{f}
}

// mergeFacts sorts facts and merges overlapping or adjacent ranges of one indicator.
func mergeFacts(fs []monitor.Fact) []monitor.Fact {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Indicator != fs[j].Indicator {
			return fs[i].Indicator < fs[j].Indicator
		}
		return fs[i].From < fs[j].From
	})
	out := fs[:0]
	for _, f := range fs {
		if n := len(out); n > 0 && out[n-1].Indicator == f.Indicator && f.From <= out[n-1].To {
			out[n-1].To = max(out[n-1].To, f.To)
			continue
		}
		out = append(out, f)
	}
	return out
}

func costLess(a, b monitor.Cost) bool {
	if a.Month != b.Month {
		return a.Month < b.Month
	}
	if a.Wet != b.Wet {
		return a.Wet < b.Wet
	}
	if a.Taakveld != b.Taakveld {
		return a.Taakveld < b.Taakveld
	}
	return a.Categorie < b.Categorie
}

func laterAssessment(a, b mAssessment) bool {
	if a.datum != b.datum {
		return b.datum.Before(a.datum)
	}
	if !a.created.Equal(b.created) {
		return a.created.After(b.created)
	}
	return a.id > b.id
}

func laterEval(a, b mEval) bool {
	if a.datum != b.datum {
		return b.datum.Before(a.datum)
	}
	if !a.created.Equal(b.created) {
		return a.created.After(b.created)
	}
	return a.id > b.id
}

// zrmFacts: zrm:<d> in month m when the latest assessment on or before the
// end of m scores d at 1 or 2. as is sorted oldest first.
func zrmFacts(as []mAssessment, win monitor.Period) []monitor.Fact {
	var out []monitor.Fact
	for i, a := range as {
		from := monthOfDate(a.datum)
		to := win.To
		if i+1 < len(as) {
			to = monthOfDate(as[i+1].datum)
		}
		if from >= to { // a later assessment in the same month governs it
			continue
		}
		for _, d := range casework.Domains {
			if l := a.scores[d.Code]; l == 1 || l == 2 {
				out = append(out, clip(monitor.Fact{Indicator: monitor.ZRMInd(d.Code), From: from, To: to}, win)...)
			}
		}
	}
	return out
}

// zrmChanges: per domain, the first and the latest assessed level, for a
// domain assessed at two dates at least.
func zrmChanges(as []mAssessment) []monitor.ZRMChange {
	var out []monitor.ZRMChange
	for _, d := range casework.Domains {
		var first, latest *mAssessment
		for i := range as {
			if as[i].scores[d.Code] == 0 {
				continue
			}
			if first == nil {
				first = &as[i]
			}
			latest = &as[i]
		}
		if first == nil || first.datum == latest.datum {
			continue
		}
		out = append(out, monitor.ZRMChange{Domain: d.Code, First: first.scores[d.Code], Latest: latest.scores[d.Code]})
	}
	return out
}

// householdAgeFacts derives hh:kinderen, hh:eenouder and hh:75plus per
// month from the members' ages and roles.
func householdAgeFacts(ms []*mPerson, win monitor.Period) []monitor.Fact {
	parents := 0
	for _, p := range ms {
		if p.rol == "ouder" || p.rol == "partner" {
			parents++
		}
	}
	var out []monitor.Fact
	for m := win.From; m < win.To; m++ {
		child, old := false, false
		for _, p := range ms {
			if p.birth.IsZero() {
				continue
			}
			if monthOfDate(p.birth) <= m && m < ageMonth(p.birth, 18) {
				child = true
			}
			if m >= ageMonth(p.birth, 75) {
				old = true
			}
		}
		if child {
			out = append(out, monitor.Fact{Indicator: monitor.IndChildren, From: m, To: m + 1})
			if parents == 1 {
				out = append(out, monitor.Fact{Indicator: monitor.IndSingle, From: m, To: m + 1})
			}
		}
		if old {
			out = append(out, monitor.Fact{Indicator: monitor.Ind75Plus, From: m, To: m + 1})
		}
	}
	return out // mergeFacts joins the months
}

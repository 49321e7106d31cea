package monitor

// A brute-force reference: plain loops over the raw inputs, implementing
// the documented semantics, to check the engine against on random data.

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

type refData struct {
	secret     uint64
	per        Period // the index's months
	persons    map[uint64]PersonInput
	households map[uint64]HouseholdInput
}

func newRef(secret uint64, per Period) *refData {
	return &refData{secret: secret, per: per, persons: map[uint64]PersonInput{}, households: map[uint64]HouseholdInput{}}
}

func (r *refData) clone() *refData {
	n := newRef(r.secret, r.per)
	for k, v := range r.persons {
		n.persons[k] = v
	}
	for k, v := range r.households {
		n.households[k] = v
	}
	return n
}

// replace applies ReplaceHousehold's semantics to the raw data.
func (r *refData) replace(h HouseholdInput, ms []PersonInput) {
	for id, p := range r.persons {
		if p.Household == h.ID {
			delete(r.persons, id)
		}
	}
	for _, m := range ms {
		delete(r.persons, m.ID)
	}
	delete(r.households, h.ID)
	for _, m := range ms {
		m.Household = h.ID
		r.persons[m.ID] = m
	}
	if len(ms) > 0 {
		r.households[h.ID] = h
	}
	// Households whose last member left are gone; their outcomes too.
	live := map[uint64]bool{}
	for _, p := range r.persons {
		live[p.Household] = true
	}
	for id := range r.households {
		if !live[id] {
			delete(r.households, id)
		}
	}
}

func (r *refData) build(t testing.TB) *Index {
	b := NewBuilder(r.secret)
	b.SetPeriod(r.per)
	ids := make([]uint64, 0, len(r.persons))
	for id := range r.persons {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	// Random insertion order must not matter.
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	for _, id := range ids {
		b.Add(r.persons[id])
	}
	for _, h := range r.households {
		b.AddHousehold(h)
	}
	ix, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func codesOf(a Area) [3]string {
	w := a.Wijk
	if w == "" {
		w = a.Gemeente
	}
	bu := a.Buurt
	if bu == "" {
		bu = w
	}
	return [3]string{a.Gemeente, w, bu}
}

type refView struct {
	r       *refData
	members map[uint64][]PersonInput
	hhArea  map[uint64]Area
}

func (r *refData) view() *refView {
	v := &refView{r: r, members: map[uint64][]PersonInput{}, hhArea: map[uint64]Area{}}
	for _, p := range r.persons {
		v.members[p.Household] = append(v.members[p.Household], p)
	}
	for h, ms := range v.members {
		a := ms[0].Area
		for _, m := range ms[1:] {
			if areaLess(m.Area, a) < 0 {
				a = m.Area
			}
		}
		v.hhArea[h] = a
	}
	return v
}

func inScope(a Area, s Scope) bool {
	c := codesOf(a)
	if len(s.Gemeenten) > 0 && !slices.Contains(s.Gemeenten, a.Gemeente) {
		return false
	}
	return s.Wijk == "" || c[1] == s.Wijk
}

func (v *refView) has(p PersonInput, code string, per Period) bool {
	lo, hi := max(per.From, v.r.per.From), min(per.To, v.r.per.To)
	for _, f := range p.Facts {
		if f.Indicator == code && max(f.From, lo) < min(f.To, hi) {
			return true
		}
	}
	return false
}

func (v *refView) evalP(e *exprNode, p PersonInput, per Period) bool {
	if e == nil {
		return true
	}
	switch e.op {
	case opAtom:
		return v.has(p, e.code, per)
	case opNot:
		return !v.evalP(e.kids[0], p, per)
	case opSomeone:
		return v.evalP(e.kids[0], p, per)
	case opAnd:
		for _, k := range e.kids {
			if !v.evalP(k, p, per) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range e.kids {
			if v.evalP(k, p, per) {
				return true
			}
		}
		return false
	}
	panic("op")
}

// evalH: an atom holds when any member in the scope has it; iemand(e) when
// a member in the scope satisfies e by themselves.
func (v *refView) evalH(e *exprNode, h uint64, per Period, s Scope) bool {
	if e == nil {
		return true
	}
	switch e.op {
	case opAtom:
		for _, m := range v.members[h] {
			if inScope(m.Area, s) && v.has(m, e.code, per) {
				return true
			}
		}
		return false
	case opNot:
		return !v.evalH(e.kids[0], h, per, s)
	case opSomeone:
		for _, m := range v.members[h] {
			if inScope(m.Area, s) && v.evalP(e.kids[0], m, per) {
				return true
			}
		}
		return false
	case opAnd:
		for _, k := range e.kids {
			if !v.evalH(k, h, per, s) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range e.kids {
			if v.evalH(k, h, per, s) {
				return true
			}
		}
		return false
	}
	panic("op")
}

func (v *refView) pkey(id uint64) uint64 {
	a, b, _, _ := deriveKeys(v.r.secret)
	return keyOf(id, a, b)
}

func (v *refView) hkey(id uint64) uint64 {
	_, _, a, b := deriveKeys(v.r.secret)
	return keyOf(id, a, b)
}

func (v *refView) costOf(p PersonInput, per Period, f CostFilter) int64 {
	lo, hi := max(per.From, v.r.per.From), min(per.To, v.r.per.To)
	var s int64
	for _, c := range p.Costs {
		if c.Month >= lo && c.Month < hi && f.match(measureKey{c.Wet, c.Taakveld, c.Categorie}) {
			s += c.Cents
		}
	}
	return s
}

// count is the reference Count: rows keyed by area code.
func (v *refView) count(q Query, e *exprNode) map[string]Row {
	l := levelFor(q.Level, q.Scope)
	rows := map[string]Row{}
	get := func(code string) Row { r := rows[code]; r.Area = code; return r }
	matchedHH := map[uint64]bool{}
	if q.Unit == Persons {
		for _, p := range v.r.persons {
			if !inScope(p.Area, q.Scope) {
				continue
			}
			code := codesOf(p.Area)[l]
			r := get(code)
			r.Population++
			if v.evalP(e, p, q.Period) {
				r.Count++
				r.Key ^= v.pkey(p.ID)
				if q.Cost != nil {
					r.CostCents += v.costOf(p, q.Period, *q.Cost)
				}
			}
			rows[code] = r
		}
		return rows
	}
	for h, a := range v.hhArea {
		if !inScope(a, q.Scope) {
			continue
		}
		code := codesOf(a)[l]
		r := get(code)
		r.Population++
		if v.evalH(e, h, q.Period, q.Scope) {
			r.Count++
			r.Key ^= v.hkey(h)
			matchedHH[h] = true
		}
		rows[code] = r
	}
	if q.Cost != nil {
		for _, p := range v.r.persons {
			if !inScope(p.Area, q.Scope) || !matchedHH[p.Household] {
				continue
			}
			code := codesOf(p.Area)[l]
			r := get(code)
			r.CostCents += v.costOf(p, q.Period, *q.Cost)
			rows[code] = r
		}
	}
	return rows
}

func total(rows map[string]Row) Row {
	var t Row
	for _, r := range rows {
		t.Count += r.Count
		t.Population += r.Population
		t.CostCents += r.CostCents
		t.Key ^= r.Key
	}
	return t
}

// nonEmpty keys engine rows by area, dropping rows with nothing in them
// (areas emptied by replaces stay in the index).
func nonEmpty(rows []Row) map[string]Row {
	out := map[string]Row{}
	for _, r := range rows {
		if r.Count != 0 || r.Population != 0 || r.CostCents != 0 {
			r.Earlier = nil
			out[r.Area] = r
		}
	}
	return out
}

func dropEmpty(m map[string]Row) map[string]Row {
	out := map[string]Row{}
	for k, r := range m {
		if r.Count != 0 || r.Population != 0 || r.CostCents != 0 {
			out[k] = r
		}
	}
	return out
}

func diffRows(t testing.TB, what string, got, want map[string]Row) {
	t.Helper()
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	for k := range keys {
		g, w := got[k], want[k]
		g.Earlier, w.Earlier = nil, nil
		g.Area, w.Area = "", ""
		if g != w {
			t.Fatalf("%s: area %q: got %+v, want %+v", what, k, g, w)
		}
	}
}

// stacking reference.
func (v *refView) stacking(u Unit, per Period, l Level, s Scope) map[string]StackRow {
	l = levelFor(l, s)
	out := map[string]StackRow{}
	cat := func(j, p, w bool) int {
		switch {
		case j && !p && !w:
			return 0
		case !j && p && !w:
			return 1
		case !j && !p && w:
			return 2
		case j && p && !w:
			return 3
		case j && !p && w:
			return 4
		case !j && p && w:
			return 5
		case j && p && w:
			return 6
		}
		return -1
	}
	add := func(code string, c int, key uint64) {
		r := out[code]
		r.Area = code
		r.Population++
		if c >= 0 {
			r.Cells[c].Count++
			r.Cells[c].Key ^= key
			r.Any.Count++
			r.Any.Key ^= key
		}
		out[code] = r
	}
	atom := func(c string) *exprNode { return &exprNode{op: opAtom, code: c} }
	if u == Persons {
		for _, p := range v.r.persons {
			if inScope(p.Area, s) {
				add(codesOf(p.Area)[l], cat(v.evalP(atom("wet:jw"), p, per), v.evalP(atom("wet:pw"), p, per), v.evalP(atom("wet:wmo"), p, per)), v.pkey(p.ID))
			}
		}
	} else {
		for h, a := range v.hhArea {
			if inScope(a, s) {
				add(codesOf(a)[l], cat(v.evalH(atom("wet:jw"), h, per, s), v.evalH(atom("wet:pw"), h, per, s), v.evalH(atom("wet:wmo"), h, per, s)), v.hkey(h))
			}
		}
	}
	return out
}

// costs reference: rows keyed by area+"|"+group.
func (v *refView) costs(per Period, l Level, s Scope, by string, totalOnly bool) map[string]CostRow {
	l = levelFor(l, s)
	out := map[string]CostRow{}
	lo, hi := max(per.From, v.r.per.From), min(per.To, v.r.per.To)
	for _, p := range v.r.persons {
		if !inScope(p.Area, s) {
			continue
		}
		// Sum per (month, measure) first: a cost that sums to 0 is none.
		type mk struct {
			m Month
			k measureKey
		}
		sums := map[mk]int64{}
		for _, c := range p.Costs {
			if c.Month >= lo && c.Month < hi {
				sums[mk{c.Month, measureKey{c.Wet, c.Taakveld, c.Categorie}}] += c.Cents
			}
		}
		groups := map[string]int64{}
		has := map[string]bool{}
		for k, cents := range sums {
			g, _ := costGroup(k.k, by)
			groups[g] += cents
			if cents != 0 {
				has[g] = true
			}
		}
		area := codesOf(p.Area)[l]
		if totalOnly {
			area = ""
		}
		for g, cents := range groups {
			key := area + "|" + g
			r := out[key]
			r.Area, r.Group = area, g
			r.Cents += cents
			if has[g] {
				r.Persons++
				r.Key ^= v.pkey(p.ID)
			}
			out[key] = r
		}
	}
	for k, r := range out {
		if r.Persons == 0 && r.Cents == 0 {
			delete(out, k)
		}
	}
	return out
}

// outcomes reference, keyed by group.
func (v *refView) outcomes(e *exprNode, per Period, l Level, s Scope, byProfile bool) map[string]OutcomeRow {
	l = levelFor(l, s)
	out := map[string]OutcomeRow{}
	row := func(g string) OutcomeRow {
		r, ok := out[g]
		if !ok {
			r = OutcomeRow{Group: g, ZRM: map[string]ZRMSum{}}
		}
		return r
	}
	var groups []string
	if byProfile {
		seen := map[string]bool{}
		for _, p := range v.r.persons {
			for _, f := range p.Facts {
				if strings.HasPrefix(f.Indicator, "profiel:") && f.To > f.From && !seen[f.Indicator] {
					seen[f.Indicator] = true
					groups = append(groups, f.Indicator)
				}
			}
		}
	} else {
		groups = []string{""}
	}
	for _, g := range groups {
		inSet := func(p PersonInput) bool {
			if !inScope(p.Area, s) || !v.evalP(e, p, per) {
				return false
			}
			return g == "" || v.has(p, g, per)
		}
		hhWith := map[uint64]bool{}
		for _, p := range v.r.persons {
			if !inSet(p) {
				continue
			}
			hhWith[p.Household] = true
			name := g
			if g == "" {
				name = codesOf(p.Area)[l]
			}
			r := row(name)
			last := map[string]ZRMChange{}
			for _, z := range p.ZRM {
				last[z.Domain] = z
			}
			for d, z := range last {
				zs := r.ZRM[d]
				zs.N++
				zs.Delta += int64(int8(z.Latest)) - int64(int8(z.First))
				zs.Key ^= v.pkey(p.ID)
				r.ZRM[d] = zs
			}
			out[name] = r
		}
		for h := range hhWith {
			a := v.hhArea[h]
			in, ok := v.r.households[h]
			if !inScope(a, s) || !ok || !in.HasEvaluation {
				continue
			}
			name := g
			if g == "" {
				name = codesOf(a)[l]
			}
			r := row(name)
			r.Households++
			r.GoalsReached += int64(clampU16(in.GoalsReached))
			r.GoalsTotal += int64(clampU16(in.GoalsTotal))
			k := v.hkey(h)
			r.Key ^= k
			if sat := min(max(in.Satisfaction, 0), 10); sat > 0 {
				r.Satisfaction += int64(sat)
				r.SatisfactionN++
				r.SatisfactionKey ^= k
			}
			out[name] = r
		}
	}
	return out
}

func outcomeEqual(a, b OutcomeRow) bool {
	if a.Households != b.Households || a.GoalsReached != b.GoalsReached || a.GoalsTotal != b.GoalsTotal ||
		a.Satisfaction != b.Satisfaction || a.SatisfactionN != b.SatisfactionN || a.Key != b.Key || a.SatisfactionKey != b.SatisfactionKey {
		return false
	}
	if len(a.ZRM) != len(b.ZRM) {
		return false
	}
	for d, z := range a.ZRM {
		if b.ZRM[d] != z {
			return false
		}
	}
	return true
}

func outcomeEmpty(r OutcomeRow) bool { return r.Households == 0 && len(r.ZRM) == 0 }

// ---- random data ----

var testInds = []string{"wet:jw", "wet:pw", "wet:wmo", "wet:wgs", "wet:voorliggend", "cat:wmo:02", "cat:jw:45",
	"tv:6.712", "tv:6.3", "profiel:P1", "profiel:P2", "zrm:financien", "zrm:geestelijke_gezondheid",
	IndPlan, IndSignal, IndMaatwerk, IndAdult, IndChild, IndSingle, IndChildren, Ind75Plus}

var testMeasures = []measureKey{{"wmo", "6.712", "02"}, {"wmo", "6.711", "01"}, {"jw", "6.751", "45"},
	{"pw", "6.3", "PW-BIJSTAND"}, {"wgs", "6.3", "WGS-SCHULDHULP"}}

var testAreas = func() []Area {
	var out []Area
	for _, g := range []string{"GM0001", "GM0002", "GM0003"} {
		for w := 0; w < 3; w++ {
			wijk := fmt.Sprintf("WK%s%02d", g[2:], w)
			if w == 2 {
				wijk = "" // a gemeente without wijk codes for some persons
			}
			for b := 0; b < 3; b++ {
				buurt := fmt.Sprintf("BU%s%02d%02d", g[2:], w, b)
				if b == 2 || wijk == "" {
					buurt = ""
				}
				out = append(out, Area{g, wijk, buurt})
			}
		}
	}
	return out
}()

var testPer = Period{MonthOf(2024, 1), MonthOf(2025, 1)}

func randPerson(rng *rand.Rand, id, hh uint64, area Area) PersonInput {
	p := PersonInput{ID: id, Household: hh, Area: area}
	nf := rng.IntN(6)
	for i := 0; i < nf; i++ {
		from := testPer.From - 2 + Month(rng.IntN(testPer.Months()+3))
		to := from + 1 + Month(rng.IntN(8))
		p.Facts = append(p.Facts, Fact{Indicator: testInds[rng.IntN(len(testInds))], From: from, To: to})
	}
	if rng.IntN(4) == 0 {
		p.Facts = append(p.Facts, Fact{Indicator: IndAdult, From: testPer.From - 100, To: testPer.To + 100})
	}
	nc := rng.IntN(5)
	for i := 0; i < nc; i++ {
		m := testMeasures[rng.IntN(len(testMeasures))]
		cents := int64(rng.IntN(200000)) - 20000
		if rng.IntN(50) == 0 {
			cents = 5_000_000_000 // does not fit int32
		}
		p.Costs = append(p.Costs, Cost{Month: testPer.From - 1 + Month(rng.IntN(testPer.Months()+2)), Wet: m.Wet, Taakveld: m.Taakveld, Categorie: m.Categorie, Cents: cents})
	}
	if rng.IntN(3) == 0 {
		for _, d := range []string{"financien", "huisvesting"} {
			if rng.IntN(2) == 0 {
				p.ZRM = append(p.ZRM, ZRMChange{Domain: d, First: 1 + rng.IntN(5), Latest: 1 + rng.IntN(5)})
			}
		}
	}
	return p
}

// randHousehold makes 1–4 members, usually in one area.
func randHousehold(rng *rand.Rand, hh uint64, nextID *uint64, areas []Area) (HouseholdInput, []PersonInput) {
	area := areas[rng.IntN(len(areas))]
	n := 1 + rng.IntN(4)
	var ms []PersonInput
	for i := 0; i < n; i++ {
		a := area
		if rng.IntN(12) == 0 {
			a = areas[rng.IntN(len(areas))]
		}
		*nextID++
		ms = append(ms, randPerson(rng, *nextID, hh, a))
	}
	h := HouseholdInput{ID: hh}
	if rng.IntN(2) == 0 {
		h.HasEvaluation = rng.IntN(4) != 0
		h.GoalsTotal = rng.IntN(6)
		h.GoalsReached = rng.IntN(h.GoalsTotal + 1)
		h.Satisfaction = rng.IntN(12) - 1
	}
	return h, ms
}

func randData(rng *rand.Rand, nHH int) *refData {
	r := newRef(rng.Uint64(), testPer)
	areas := testAreas[:3+rng.IntN(len(testAreas)-3)]
	var nextID uint64 = 1000
	for h := 0; h < nHH; h++ {
		hin, ms := randHousehold(rng, uint64(500000+h*7), &nextID, areas)
		for _, m := range ms {
			r.persons[m.ID] = m
		}
		r.households[hin.ID] = hin
	}
	return r
}

// randExpr makes a random expression and its text with random keywords.
func randExpr(rng *rand.Rand, depth int) string {
	pick := func(a, b string) string {
		if rng.IntN(2) == 0 {
			return a
		}
		return b
	}
	if depth <= 0 || rng.IntN(3) == 0 {
		if rng.IntN(15) == 0 {
			return "wet:onbekend"
		}
		return testInds[rng.IntN(len(testInds))]
	}
	switch rng.IntN(5) {
	case 0:
		return pick("niet ", "not ") + randExpr(rng, depth-1)
	case 1:
		return pick("iemand(", "someone(") + randExpr(rng, depth-1) + ")"
	case 2:
		return "(" + randExpr(rng, depth-1) + " " + pick("en", "AND") + " " + randExpr(rng, depth-1) + ")"
	case 3:
		return "(" + randExpr(rng, depth-1) + " " + pick("of", "or") + " " + randExpr(rng, depth-1) + ")"
	}
	return randExpr(rng, depth-1) + " " + pick("en", "of") + " " + pick("niet ", "") + randExpr(rng, depth-1)
}

func randScope(rng *rand.Rand, ix *Index) Scope {
	gems := ix.Areas(ByGemeente, Scope{})
	switch rng.IntN(5) {
	case 0:
		return Scope{}
	case 1:
		return Scope{Gemeenten: []string{gems[rng.IntN(len(gems))]}}
	case 2:
		g := gems[rng.IntN(len(gems))]
		ws := ix.Areas(ByWijk, Scope{Gemeenten: []string{g}})
		return Scope{Gemeenten: []string{g}, Wijk: ws[rng.IntN(len(ws))]}
	case 3:
		return Scope{Gemeenten: []string{gems[0], gems[len(gems)-1], "GM9999"}}
	}
	return Scope{Gemeenten: gems}
}

func randPeriod(rng *rand.Rand) Period {
	from := testPer.From - 1 + Month(rng.IntN(testPer.Months()+1))
	return Period{from, from + 1 + Month(rng.IntN(12))}
}

// checkAll compares every query kind of ix against the reference.
func checkAll(t *testing.T, rng *rand.Rand, ix *Index, r *refData, rounds int) {
	t.Helper()
	v := r.view()
	defer func() { scopeMode, liftDense = 0, 1<<16 }()
	for round := 0; round < rounds; round++ {
		scopeMode = rng.IntN(3)
		liftDense = []uint64{0, 1 << 16}[rng.IntN(2)]
		text := randExpr(rng, 3)
		if rng.IntN(10) == 0 {
			text = ""
		}
		e, err := parseOpt(text)
		if err != nil {
			t.Fatalf("parse %q: %v", text, err)
		}
		u := Unit(rng.IntN(2))
		q := Query{Expr: text, Unit: u, Period: randPeriod(rng), Level: Level(rng.IntN(3)), Scope: randScope(rng, ix)}
		if rng.IntN(2) == 0 {
			q.Cost = &CostFilter{}
			if rng.IntN(2) == 0 {
				q.Cost.Wet = testMeasures[rng.IntN(len(testMeasures))].Wet
			}
		}
		if rng.IntN(3) == 0 {
			p := randPeriod(rng)
			q.Compare = &p
		}
		what := fmt.Sprintf("Count %q unit %d level %d scope %+v period %v", text, u, q.Level, q.Scope, q.Period)
		res, err := ix.Count(q)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		want := v.count(q, e)
		diffRows(t, what, nonEmpty(res.Rows), dropEmpty(want))
		tot := res.Total
		tot.Earlier = nil
		if wt := total(want); tot.Count != wt.Count || tot.Population != wt.Population || tot.CostCents != wt.CostCents || tot.Key != wt.Key {
			t.Fatalf("%s: total %+v, want %+v", what, tot, wt)
		}
		if !sort.SliceIsSorted(res.Rows, func(i, j int) bool { return res.Rows[i].Area < res.Rows[j].Area }) {
			t.Fatalf("%s: rows not sorted", what)
		}
		if q.Compare != nil {
			q2 := q
			q2.Period = *q.Compare
			var old []Row
			for _, row := range res.Rows {
				if row.Earlier == nil || row.Earlier.Area != row.Area {
					t.Fatalf("%s: earlier row missing or misplaced", what)
				}
				old = append(old, *row.Earlier)
			}
			diffRows(t, what+" (earlier)", nonEmpty(old), dropEmpty(v.count(q2, e)))
		}

		// Trend over a few months.
		tq := q
		tq.Period = Period{q.Period.From, q.Period.From + Month(1+rng.IntN(4))}
		pts, err := ix.Trend(tq)
		if err != nil || len(pts) != tq.Period.Months() {
			t.Fatalf("trend: %v %d", err, len(pts))
		}
		for i, pt := range pts {
			mq := tq
			mq.Period = Period{tq.Period.From + Month(i), tq.Period.From + Month(i) + 1}
			wt := total(v.count(mq, e))
			got := pt.Row
			if pt.Month != mq.Period.From || got.Count != wt.Count || got.Population != wt.Population || got.Key != wt.Key || got.CostCents != wt.CostCents {
				t.Fatalf("%s: trend month %d: got %+v want %+v", what, i, got, wt)
			}
		}

		// Stacking.
		rows, stot, err := ix.Stacking(u, q.Period, q.Level, q.Scope)
		if err != nil {
			t.Fatal(err)
		}
		ws := v.stacking(u, q.Period, q.Level, q.Scope)
		var wtot StackRow
		for _, w := range ws {
			for i := range w.Cells {
				wtot.Cells[i].Count += w.Cells[i].Count
				wtot.Cells[i].Key ^= w.Cells[i].Key
			}
			wtot.Any.Count += w.Any.Count
			wtot.Any.Key ^= w.Any.Key
			wtot.Population += w.Population
		}
		for _, g := range rows {
			w := ws[g.Area]
			if g.Population == 0 && g.Any.Count == 0 {
				continue
			}
			for i := range g.Cells {
				if g.Cells[i].Count != w.Cells[i].Count || g.Cells[i].Key != w.Cells[i].Key {
					t.Fatalf("stacking %s cell %d: got %+v want %+v", g.Area, i, g.Cells[i], w.Cells[i])
				}
			}
			if g.Population != w.Population || g.Any.Count != w.Any.Count || g.Any.Key != w.Any.Key {
				t.Fatalf("stacking %s: got %+v want %+v", g.Area, g, w)
			}
			delete(ws, g.Area)
		}
		if len(ws) != 0 {
			t.Fatalf("stacking: missing rows %v", ws)
		}
		for i := range stot.Cells {
			if stot.Cells[i].Count != wtot.Cells[i].Count || stot.Cells[i].Key != wtot.Cells[i].Key {
				t.Fatalf("stacking total cell %d", i)
			}
		}
		if stot.Population != wtot.Population || stot.Any.Count != wtot.Any.Count || stot.Any.Key != wtot.Any.Key {
			t.Fatalf("stacking total: got %+v want %+v", stot, wtot)
		}

		// Costs.
		by := []string{"wet", "taakveld", "categorie"}[rng.IntN(3)]
		for _, totalOnly := range []bool{false, true} {
			var crs []CostRow
			if totalOnly {
				crs, err = ix.CostsTotal(q.Period, q.Scope, by)
			} else {
				crs, err = ix.Costs(q.Period, q.Level, q.Scope, by)
			}
			if err != nil {
				t.Fatal(err)
			}
			wc := v.costs(q.Period, q.Level, q.Scope, by, totalOnly)
			if len(crs) != len(wc) {
				t.Fatalf("costs by %s total=%v: %d rows, want %d", by, totalOnly, len(crs), len(wc))
			}
			for _, c := range crs {
				if w := wc[c.Area+"|"+c.Group]; w != c {
					t.Fatalf("costs by %s: got %+v want %+v", by, c, w)
				}
			}
		}

		// Outcomes.
		byProfile := rng.IntN(2) == 0
		orows, err := ix.OutcomesIn(text, q.Period, q.Level, q.Scope, byProfile)
		if err != nil {
			t.Fatal(err)
		}
		wo := v.outcomes(e, q.Period, q.Level, q.Scope, byProfile)
		for _, g := range orows {
			w, ok := wo[g.Group]
			if !ok {
				w = OutcomeRow{Group: g.Group, ZRM: map[string]ZRMSum{}}
			}
			if !outcomeEqual(g, w) {
				t.Fatalf("outcomes %q profile=%v group %s: got %+v want %+v", text, byProfile, g.Group, g, w)
			}
			delete(wo, g.Group)
		}
		for g, w := range wo {
			if !outcomeEmpty(w) {
				t.Fatalf("outcomes: missing group %s %+v", g, w)
			}
		}
	}
}

func TestEngineMatchesReference(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			r := randData(rng, 20+rng.IntN(300))
			forceCum = seed%2 == 0
			ix := r.build(t)
			forceCum = false
			checkAll(t, rng, ix, r, 40)
		})
	}
}

func TestReplaceMatchesFreshBuild(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			r := randData(rng, 10+rng.IntN(120))
			forceCum = seed%2 == 0
			ix := r.build(t)
			forceCum = false
			nextID := uint64(1 << 40)
			areas := testAreas
			for op := 0; op < 60; op++ {
				var hhs []uint64
				for h := range r.households {
					hhs = append(hhs, h)
				}
				for _, p := range r.persons {
					hhs = append(hhs, p.Household)
				}
				slices.Sort(hhs)
				hhs = slices.Compact(hhs)
				var h HouseholdInput
				var ms []PersonInput
				switch k := rng.IntN(6); {
				case k == 0 && len(hhs) > 0: // remove
					h = HouseholdInput{ID: hhs[rng.IntN(len(hhs))]}
				case k == 1 && len(r.persons) > 0: // take members from elsewhere
					h, ms = randHousehold(rng, hhs[rng.IntN(len(hhs))], &nextID, areas)
					for id := range r.persons {
						if rng.IntN(len(r.persons)) < 2 {
							p := randPerson(rng, id, h.ID, r.persons[id].Area)
							ms = append(ms, p)
						}
					}
				case k == 2: // a new household, possibly in a new area
					a := areas
					if rng.IntN(3) == 0 {
						a = []Area{{"GM0777", "WK077701", fmt.Sprintf("BU07770%03d", rng.IntN(3))}}
					}
					h, ms = randHousehold(rng, uint64(900000+op), &nextID, a)
				default: // replace an existing one
					if len(hhs) == 0 {
						continue
					}
					h, ms = randHousehold(rng, hhs[rng.IntN(len(hhs))], &nextID, areas)
				}
				if err := ix.ReplaceHousehold(h, ms); err != nil {
					t.Fatal(err)
				}
				r.replace(h, ms)
				if op%10 == 9 {
					checkAll(t, rng, ix, r, 8)
					fresh := r.build(t)
					compareIndexes(t, rng, ix, fresh)
				}
			}
			checkAll(t, rng, ix, r, 30)
		})
	}
}

// compareIndexes asks two indexes the same questions.
func compareIndexes(t *testing.T, rng *rand.Rand, a, b *Index) {
	t.Helper()
	for i := 0; i < 10; i++ {
		q := Query{Expr: randExpr(rng, 3), Unit: Unit(rng.IntN(2)), Period: randPeriod(rng), Level: Level(rng.IntN(3)), Cost: &CostFilter{}}
		ra, err1 := a.Count(q)
		rb, err2 := b.Count(q)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		diffRows(t, "replaced vs fresh "+q.Expr, nonEmpty(ra.Rows), nonEmpty(rb.Rows))
		ra.Total.Earlier, rb.Total.Earlier = nil, nil
		if ra.Total != rb.Total {
			t.Fatalf("replaced vs fresh total: %+v vs %+v", ra.Total, rb.Total)
		}
	}
	sa, sb := a.Stats(), b.Stats()
	if sa.Persons != sb.Persons || sa.Households != sb.Households {
		t.Fatalf("stats: %+v vs %+v", sa, sb)
	}
}

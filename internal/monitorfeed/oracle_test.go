package monitorfeed_test

import (
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"testing"

	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// The SQL oracle: the answers the engine gives from the index the feed
// built, computed again with plain SQL over the store's tables, written
// independently of store/monitor.go. They must agree exactly.

// oracle runs SQL against the store's database (a second connection).
type oracle struct {
	db      *sql.DB
	dialect store.Dialect
	today   people.Date
	win     monitor.Period
}

func (o *oracle) q(s string) string {
	if o.dialect != store.Postgres {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dateOf is the Amsterdam calendar date of a timestamp column.
func (o *oracle) dateOf(col string) string {
	if o.dialect == store.Postgres {
		return "((" + col + ") AT TIME ZONE 'Europe/Amsterdam')::date"
	}
	return "substr(" + col + ", 1, 10)"
}

// plusYears is a date column plus n years.
func (o *oracle) plusYears(col string, n int) string {
	if o.dialect == store.Postgres {
		return fmt.Sprintf("(%s + interval '%d years')::date", col, n)
	}
	return fmt.Sprintf("date(%s, '+%d years')", col, n)
}

// setup creates the calendar table om(m, first, last) of the window.
func (o *oracle) setup(t *testing.T) {
	t.Helper()
	typ := "TEXT"
	if o.dialect == store.Postgres {
		typ = "DATE"
	}
	if _, err := o.db.Exec("CREATE TABLE om (m INTEGER PRIMARY KEY, first " + typ + " NOT NULL, last " + typ + " NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	for m := o.win.From; m < o.win.To; m++ {
		first := people.NewDate(m.Year(), m.Calendar(), 1)
		last := first.AddMonths(1).AddDays(-1)
		if _, err := o.db.Exec(o.q("INSERT INTO om (m, first, last) VALUES (?, ?, ?)"), int(m), first.ISO(), last.ISO()); err != nil {
			t.Fatal(err)
		}
	}
}

// refresh (re)creates the table prim: the persons in the monitor and the
// household that places them (their current membership with the latest
// start; ties: the larger household id).
func (o *oracle) refresh(t *testing.T) {
	t.Helper()
	o.db.Exec("DROP TABLE IF EXISTS prim")
	q := fmt.Sprintf(`CREATE TABLE prim AS
	WITH cur AS (SELECT m.person_id, m.household_id, m.rol, m.start_date FROM household_members m
		WHERE m.gemeente = 'GM0119' AND (m.end_date IS NULL OR m.end_date > '%s'))
	SELECT c.person_id, c.household_id, c.rol FROM cur c WHERE NOT EXISTS (SELECT 1 FROM cur c2 WHERE c2.person_id = c.person_id
		AND (c2.start_date > c.start_date OR (c2.start_date = c.start_date AND c2.household_id > c.household_id)))`, o.today.ISO())
	for _, s := range []string{q, "CREATE INDEX prim_p ON prim(person_id)", "CREATE INDEX prim_h ON prim(household_id)"} {
		if _, err := o.db.Exec(s); err != nil {
			t.Fatalf("oracle: %v\n%s", err, s)
		}
	}
	if o.dialect == store.Postgres {
		o.db.Exec("ANALYZE")
	}
}

func (o *oracle) prim() string { return "" }

const counted = "('toegekend', 'gestart', 'beeindigd')"

// atom is SQL selecting the person ids that hold indicator ind in some
// month of [from, to): a SELECT person_id ... with om aliased mo.
func (o *oracle) atom(ind string, p monitor.Period) string {
	period := fmt.Sprintf("mo.m >= %d AND mo.m < %d", p.From, p.To)
	prov := func(cond string) string {
		return `SELECT pv.person_id FROM provisions pv JOIN om mo ON pv.start_datum <= mo.last AND (COALESCE(pv.werkelijke_eind, pv.eind_datum) IS NULL OR COALESCE(pv.werkelijke_eind, pv.eind_datum) >= mo.first)
			WHERE ` + period + " AND pv.status IN " + counted + " AND " + cond
	}
	adultIn := func(birth string) string { return o.plusYears(birth, 18) + " <= mo.first" }
	kidIn := func(birth string) string { return birth + " <= mo.last AND NOT (" + adultIn(birth) + ")" }
	kidsInHH := func(hh string) string {
		return `EXISTS (SELECT 1 FROM prim k JOIN persons kp ON kp.id = k.person_id WHERE k.household_id = ` + hh + ` AND ` + kidIn("kp.geboortedatum") + `)`
	}
	switch {
	case strings.HasPrefix(ind, "wet:"):
		return prov(fmt.Sprintf("pv.wet = '%s'", ind[4:]))
	case strings.HasPrefix(ind, "cat:"):
		wc := strings.SplitN(ind[4:], ":", 2)
		return prov(fmt.Sprintf("pv.wet = '%s' AND pv.categorie = '%s'", wc[0], wc[1]))
	case strings.HasPrefix(ind, "tv:"):
		return prov(fmt.Sprintf("pv.taakveld = '%s'", ind[3:]))
	case strings.HasPrefix(ind, "profiel:"):
		return prov(fmt.Sprintf("pv.profiel = '%s'", ind[8:]))
	case strings.HasPrefix(ind, "zrm:"):
		return fmt.Sprintf(`SELECT a.person_id FROM assessments a JOIN assessment_scores sc ON sc.assessment_id = a.id
			JOIN om mo ON a.datum <= mo.last
			WHERE %s AND sc.domein = '%s' AND sc.niveau IN (1, 2)
			AND NOT EXISTS (SELECT 1 FROM assessments b WHERE b.person_id = a.person_id AND b.datum <= mo.last AND b.datum > a.datum)`, period, ind[4:])
	case ind == monitor.IndPlan:
		return `SELECT pr.person_id FROM prim pr JOIN plans pl ON pl.household_id = pr.household_id JOIN om mo ON pl.datum <= mo.last
			WHERE ` + period + ` AND (pl.status = 'actueel'
			OR (pl.status = 'afgesloten' AND (SELECT MIN(e.datum) FROM evaluations e WHERE e.plan_id = pl.id AND e.soort = 'afsluiting') >= mo.first)
			OR (pl.status = 'vervangen' AND (SELECT n.datum FROM plans n WHERE n.household_id = pl.household_id AND n.versie = pl.versie + 1) >= mo.first))`
	case ind == monitor.IndSignal:
		return `SELECT pr.person_id FROM prim pr JOIN signals sg ON sg.household_id = pr.household_id
			JOIN om mo ON ` + o.dateOf("sg.created_at") + ` <= mo.last AND ` + o.dateOf("COALESCE(sg.triaged_at, sg.created_at)") + ` >= mo.first WHERE ` + period
	case ind == monitor.IndMaatwerk:
		return `SELECT pr.person_id FROM prim pr JOIN spends sp ON sp.household_id = pr.household_id AND sp.status = 'goedgekeurd'
			JOIN om mo ON ` + o.dateOf("sp.decided_at") + ` >= mo.first AND ` + o.dateOf("sp.decided_at") + ` <= mo.last WHERE ` + period
	case ind == monitor.IndAdult:
		return `SELECT pr.person_id FROM prim pr JOIN persons pe ON pe.id = pr.person_id JOIN om mo ON ` + adultIn("pe.geboortedatum") + ` WHERE ` + period
	case ind == monitor.IndChild:
		return `SELECT pr.person_id FROM prim pr JOIN persons pe ON pe.id = pr.person_id JOIN om mo ON ` + kidIn("pe.geboortedatum") + ` WHERE ` + period
	case ind == monitor.IndChildren:
		return `SELECT pr.person_id FROM prim pr, om mo WHERE ` + period + ` AND ` + kidsInHH("pr.household_id")
	case ind == monitor.IndSingle:
		return `SELECT pr.person_id FROM prim pr, om mo WHERE ` + period + ` AND ` + kidsInHH("pr.household_id") +
			` AND (SELECT COUNT(*) FROM prim q WHERE q.household_id = pr.household_id AND q.rol IN ('ouder', 'partner')) = 1`
	case ind == monitor.Ind75Plus:
		return `SELECT pr.person_id FROM prim pr, om mo WHERE ` + period + ` AND EXISTS (SELECT 1 FROM prim q JOIN persons qp ON qp.id = q.person_id
			WHERE q.household_id = pr.household_id AND ` + o.plusYears("qp.geboortedatum", 75) + ` <= mo.first)`
	}
	panic("oracle: no SQL for " + ind)
}

// ex is a boolean expression over indicators, rendered for the engine and
// for SQL.
type ex struct {
	op   string // "", "en", "of", "niet"
	ind  string
	kids []ex
}

func I(ind string) ex { return ex{ind: ind} }
func And(xs ...ex) ex { return ex{op: "en", kids: xs} }
func Or(xs ...ex) ex  { return ex{op: "of", kids: xs} }
func Not(x ex) ex     { return ex{op: "niet", kids: []ex{x}} }
func (e ex) String() string {
	return e.render(func(ind string) string { return ind }, map[string]string{"en": "en", "of": "of", "niet": "niet"})
}

func (e ex) render(atom func(string) string, ops map[string]string) string {
	switch e.op {
	case "":
		return atom(e.ind)
	case "niet":
		return "(" + ops["niet"] + " " + e.kids[0].render(atom, ops) + ")"
	}
	parts := make([]string, len(e.kids))
	for i, k := range e.kids {
		parts[i] = k.render(atom, ops)
	}
	return "(" + strings.Join(parts, " "+ops[e.op]+" ") + ")"
}

// where renders e as an SQL condition on pr.person_id (persons) or h.id
// (households: an indicator holds for a household when a member has it).
func (o *oracle) where(e ex, u monitor.Unit, p monitor.Period) string {
	return e.render(func(ind string) string {
		if u == monitor.Households {
			return "h.id IN (SELECT x.household_id FROM prim x WHERE x.person_id IN (" + o.atom(ind, p) + "))"
		}
		return "pr.person_id IN (" + o.atom(ind, p) + ")"
	}, map[string]string{"en": "AND", "of": "OR", "niet": "NOT"})
}

// counts returns per wijk the number matching and the population.
func (o *oracle) counts(t *testing.T, e ex, u monitor.Unit, p monitor.Period) map[string][2]int64 {
	t.Helper()
	var q string
	if u == monitor.Persons {
		q = o.prim() + `SELECT h.wijk, SUM(CASE WHEN ` + o.where(e, u, p) + ` THEN 1 ELSE 0 END), COUNT(*)
			FROM prim pr JOIN households h ON h.id = pr.household_id GROUP BY h.wijk`
	} else {
		q = o.prim() + `SELECT h.wijk, SUM(CASE WHEN ` + o.where(e, u, p) + ` THEN 1 ELSE 0 END), COUNT(*)
			FROM households h WHERE h.id IN (SELECT household_id FROM prim) GROUP BY h.wijk`
	}
	return o.rows(t, q)
}

func (o *oracle) rows(t *testing.T, q string) map[string][2]int64 {
	t.Helper()
	rows, err := o.db.Query(q)
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, q)
	}
	defer rows.Close()
	out := map[string][2]int64{}
	for rows.Next() {
		var k string
		var a, b int64
		if err := rows.Scan(&k, &a, &b); err != nil {
			t.Fatal(err)
		}
		out[k] = [2]int64{a, b}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// monthlyCost is casework.MonthlyCost in SQL (the forms the world makes:
// a monthly amount, a profile's amount set on the provision, or a price
// per unit per day, week or month, rounded half up to the cent).
const monthlyCost = `COALESCE(pv.maandbedrag_cents, CASE pv.frequentie
	WHEN '1' THEN (pv.prijs_cents * pv.volume * 365 + 6) / 12
	WHEN '2' THEN (pv.prijs_cents * pv.volume * 52 + 6) / 12
	WHEN '4' THEN pv.prijs_cents * pv.volume ELSE 0 END)`

// claimedOr is the cost of a provision in month mo: the declared amounts
// (323 claims) when claims cover the month, else the estimate. The world's
// claims each cover one whole month (addClaims).
func claimedOr(estimate string) string {
	return `COALESCE((SELECT SUM(cl.bedrag_cents) FROM claims cl WHERE cl.provision_id = pv.id AND cl.begin_datum <= mo.last AND cl.eind_datum >= mo.first), ` + estimate + `)`
}

// costs returns per wijk and group (wet or taakveld) the cents and the
// number of persons with a cost.
func (o *oracle) costs(t *testing.T, by string, p monitor.Period) map[string][2]int64 {
	t.Helper()
	col := "pv.wet"
	if by == "taakveld" {
		col = "pv.taakveld"
	}
	q := fmt.Sprintf(`WITH c AS (SELECT pr.person_id, h.wijk, %s AS grp, %s AS cents FROM prim pr
		JOIN households h ON h.id = pr.household_id
		JOIN provisions pv ON pv.person_id = pr.person_id AND pv.status IN %s
		JOIN om mo ON pv.start_datum <= mo.last AND (COALESCE(pv.werkelijke_eind, pv.eind_datum) IS NULL OR COALESCE(pv.werkelijke_eind, pv.eind_datum) >= mo.first)
		WHERE mo.m >= %d AND mo.m < %d)
	SELECT wijk || '/' || grp, SUM(cents), COUNT(DISTINCT CASE WHEN cents > 0 THEN person_id END) FROM c GROUP BY wijk, grp HAVING SUM(cents) > 0`,
		col, claimedOr(monthlyCost), counted, p.From, p.To)
	return o.rows(t, q)
}

// stacking returns per wijk and category the count, for persons or households.
func (o *oracle) stacking(t *testing.T, u monitor.Unit, p monitor.Period) map[string][2]int64 {
	t.Helper()
	has := func(wet string) string { return o.where(I("wet:"+wet), u, p) }
	cat := `CASE WHEN ` + has("jw") + ` THEN 'jw' ELSE '' END || CASE WHEN ` + has("pw") + ` THEN '+pw' ELSE '' END || CASE WHEN ` + has("wmo") + ` THEN '+wmo' ELSE '' END`
	from := "prim pr JOIN households h ON h.id = pr.household_id"
	if u == monitor.Households {
		from = "households h WHERE h.id IN (SELECT household_id FROM prim)"
	}
	q := `WITH s AS (SELECT h.wijk, ` + cat + ` AS cat FROM ` + from + `)
		SELECT wijk || '/' || cat, COUNT(*), 0 FROM s WHERE cat <> '' GROUP BY wijk, cat`
	raw := o.rows(t, q)
	out := map[string][2]int64{}
	for k, v := range raw {
		k = strings.Replace(k, "/+", "/", 1)
		out[k] = v
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// outcomes returns per wijk: for each ZRM domain "zrm:<d>" the persons
// assessed on it at two dates at least and the sum of (latest - first); and
// under "evaluatie" the households with an evaluation, goals reached and
// in total and the satisfaction summed, from each household's latest one.
func (o *oracle) outcomes(t *testing.T, domains []string) map[string][2]int64 {
	t.Helper()
	out := map[string][2]int64{}
	for _, d := range domains {
		q := fmt.Sprintf(`WITH s AS (SELECT a.person_id, a.datum, sc.niveau FROM assessments a JOIN assessment_scores sc ON sc.assessment_id = a.id
			WHERE sc.domein = '%s' AND sc.niveau > 0),
		e AS (SELECT person_id, MIN(datum) AS f, MAX(datum) AS l FROM s GROUP BY person_id HAVING COUNT(DISTINCT datum) >= 2)
		SELECT h.wijk, COUNT(*), SUM(sl.niveau - sf.niveau) FROM e
		JOIN s sf ON sf.person_id = e.person_id AND sf.datum = e.f
		JOIN s sl ON sl.person_id = e.person_id AND sl.datum = e.l
		JOIN prim pr ON pr.person_id = e.person_id JOIN households h ON h.id = pr.household_id GROUP BY h.wijk`, d)
		for k, v := range o.rows(t, q) {
			out[k+"/zrm:"+d] = v
		}
	}
	q := `WITH ev AS (SELECT e.* FROM evaluations e WHERE NOT EXISTS (SELECT 1 FROM evaluations l WHERE l.household_id = e.household_id
			AND (l.datum > e.datum OR (l.datum = e.datum AND (l.created_at > e.created_at OR (l.created_at = e.created_at AND l.id > e.id))))))
		SELECT h.wijk, COUNT(*), SUM(ev.doelen_bereikt), SUM(ev.doelen_totaal), SUM(ev.tevredenheid) FROM ev
		JOIN households h ON h.id = ev.household_id WHERE h.id IN (SELECT household_id FROM prim) GROUP BY h.wijk`
	rows, err := o.db.Query(q)
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, q)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n, reached, total, tevr int64
		if err := rows.Scan(&k, &n, &reached, &total, &tevr); err != nil {
			t.Fatal(err)
		}
		out[k+"/huishoudens"] = [2]int64{n, tevr}
		out[k+"/doelen"] = [2]int64{reached, total}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

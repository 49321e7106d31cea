// Package publish holds the one table type every monitor figure passes
// through on its way to a user: HTML, JSON, CSV and XLSX all render a
// Table, and a Table can only hold cells made by the disclosure rule
// (monitor.Rule) or derived from cells that were. Cell has no exported
// fields and no constructor that takes a raw count of persons, so a handler
// cannot put an exact engine number on a page by mistake. The one exact
// constructor, Public, is for counts naober already shows to everyone
// (wishes on a wijk page, the ballots of a published vote).
package publish

import (
	"math"
	"strconv"
	"strings"

	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/nlfmt"
)

// Kind is what a column holds.
type Kind uint8

const (
	Count  Kind = iota + 1 // persons or households, rounded and perturbed
	Share                  // a fraction of two published counts
	Money                  // euro cents
	Mean                   // a mean with one decimal
	Change                 // the difference of two published counts
	Text                   // a label
	Rate                   // per 1,000 of a published count, one decimal
)

var kindNames = map[Kind]string{Count: "aantal", Share: "aandeel", Money: "bedrag", Mean: "gemiddelde", Change: "verschil", Text: "tekst", Rate: "per 1.000"}

// String is the kind's Dutch name, as the JSON API shows it.
func (k Kind) String() string { return kindNames[k] }

// Cell is one published value. The zero Cell is "not available" and shows
// as "." like a suppressed one.
type Cell struct {
	kind Kind
	v    int64 // Count, Change: n; Money: cents; Share: per 100,000; Mean: hundredths; Rate: tenths per 1,000
	ok   bool  // false: suppressed or not available
	text string
}

// Suppressed is the sign CBS uses for a cell that is not published.
const Suppressed = "."

// Published publishes an exact count with the rule.
func Published(r monitor.Rule, n int64, key uint64) Cell {
	c := r.Count(n, key)
	return Cell{kind: Count, v: c.Value, ok: !c.Suppressed}
}

// PublishedMoney publishes a sum of money over n persons with the rule.
func PublishedMoney(r monitor.Rule, cents, n int64, key uint64) Cell {
	c := r.Cents(cents, n, key)
	return Cell{kind: Money, v: c.Value, ok: !c.Suppressed}
}

// PublishedMean publishes the mean sum/n with the rule (suppressed when n
// is below the threshold; the sum perturbed by the cell key); one decimal.
func PublishedMean(r monitor.Rule, sum, n int64, key uint64) Cell {
	c := r.Mean(sum, n, key)
	if c.Suppressed {
		return Cell{kind: Mean}
	}
	return Cell{kind: Mean, v: int64(math.Round(c.Value * 100)), ok: true}
}

// PublishedPopulation publishes the number of persons or households in an
// area: public in kind, rounded to the rule's base without noise, small
// ones suppressed (as monitor.Rule.Publish does).
func PublishedPopulation(r monitor.Rule, n int64) Cell {
	c := r.Publish(monitor.Row{Population: n}).Population
	return Cell{kind: Count, v: c.Value, ok: !c.Suppressed}
}

// Public is an exact count that is public elsewhere in naober anyway: the
// wishes, supports and agenda items a wijk page lists, the number of
// ballots a published vote result shows. Rounding those would only make
// the monitor disagree with the public pages. Never for a count of persons
// from the social domain: those go through Published.
func Public(n int64) Cell { return Cell{kind: Count, v: n, ok: true} }

// PublicMoney is an exact amount that is public money, not support to a
// person: what a neighbourhood fund granted to residents' initiatives.
func PublicMoney(cents int64) Cell { return Cell{kind: Money, v: cents, ok: true} }

// PerThousand is num per 1,000 of den, two published counts; suppressed
// when either is or den is zero.
func PerThousand(num, den Cell) Cell {
	if !num.ok || !den.ok || num.kind != Count || den.kind != Count || den.v <= 0 {
		return Cell{kind: Rate}
	}
	return Cell{kind: Rate, v: roundDiv(num.v*10000, den.v), ok: true}
}

// Label is a text cell.
func Label(s string) Cell { return Cell{kind: Text, text: s, ok: true} }

// NA is a cell without a value of the given kind (shown as ".").
func NA(k Kind) Cell { return Cell{kind: k} }

// ShareOf is num/den of two published counts; suppressed when either is or
// den is zero.
func ShareOf(num, den Cell) Cell {
	if !num.ok || !den.ok || num.kind != Count || den.kind != Count || den.v <= 0 {
		return Cell{kind: Share}
	}
	return Cell{kind: Share, v: roundDiv(num.v*100000, den.v), ok: true}
}

// Diff is now-before of two published counts (or sums of money).
func Diff(now, before Cell) Cell {
	k := Change
	if now.kind == Money {
		k = Money
	}
	if !now.ok || !before.ok || now.kind != before.kind || (now.kind != Count && now.kind != Money) {
		return Cell{kind: k}
	}
	return Cell{kind: k, v: now.v - before.v, ok: true}
}

// PerUnit divides published money by a published count (cost per resident).
func PerUnit(money, den Cell) Cell {
	if !money.ok || !den.ok || money.kind != Money || den.kind != Count || den.v <= 0 {
		return Cell{kind: Money}
	}
	return Cell{kind: Money, v: roundDiv(money.v, den.v), ok: true}
}

// Sum adds published values of one kind (Count or Money); suppressed when
// any part is. Adding published cells never reveals more than the parts.
func Sum(cs ...Cell) Cell {
	if len(cs) == 0 {
		return Cell{}
	}
	out := Cell{kind: cs[0].kind, ok: true}
	for _, c := range cs {
		if !c.ok || c.kind != out.kind || (c.kind != Count && c.kind != Money) {
			return Cell{kind: out.kind}
		}
		out.v += c.v
	}
	return out
}

func roundDiv(a, b int64) int64 {
	if (a < 0) != (b < 0) {
		return -((abs(a) + abs(b)/2) / abs(b))
	}
	return (abs(a) + abs(b)/2) / abs(b)
}

func abs(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// Kind is the cell's kind.
func (c Cell) Kind() Kind { return c.kind }

// OK reports whether the cell has a published value.
func (c Cell) OK() bool { return c.ok }

// Int is a Count or Change value, or Money in cents (0 when not OK).
func (c Cell) Int() int64 {
	if !c.ok {
		return 0
	}
	return c.v
}

// Float is the value as a number in its natural unit: persons, euros, a
// fraction (0.123), a mean; ok is false when the cell is not published.
func (c Cell) Float() (float64, bool) {
	if !c.ok || c.kind == Text {
		return 0, false
	}
	switch c.kind {
	case Share:
		return float64(c.v) / 100000, true
	case Money, Mean:
		return float64(c.v) / 100, true
	case Rate:
		return float64(c.v) / 10, true
	}
	return float64(c.v), true
}

// String formats the cell the Dutch way: 1.234; € 1.234,56; 12,3%; 0,8;
// +15; and "." when not published.
func (c Cell) String() string {
	if c.kind == Text {
		return c.text
	}
	if !c.ok {
		return Suppressed
	}
	switch c.kind {
	case Count:
		return Thousands(c.v)
	case Change:
		if c.v > 0 {
			return "+" + Thousands(c.v)
		}
		if c.v < 0 {
			return "−" + Thousands(-c.v)
		}
		return "0"
	case Money:
		return Euro(c.v)
	case Share:
		return Decimal(roundDiv(c.v, 100), 1) + "%" // per 100,000 → percent with one decimal
	case Rate:
		return Decimal(c.v, 1)
	case Mean:
		s := Decimal(roundDiv(c.v, 10), 1)
		if c.v > 0 {
			s = "+" + s
		}
		return s
	}
	return ""
}

// Thousands writes n with dots between groups of three: 1.234.567.
func Thousands(n int64) string { return nlfmt.Int(n) }

// Euro formats cents as € 1.234,56 (negative: -€ 1.234,56).
func Euro(cents int64) string {
	sign := ""
	if cents < 0 {
		sign = "-"
		cents = -cents
	}
	return sign + "€ " + Thousands(cents/100) + "," + pad2(cents%100)
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// Decimal writes v/10^digits with a decimal comma (digits 1 or 2 here):
// Decimal(1234, 1) is "123,4".
func Decimal(v int64, digits int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	p := int64(math.Pow10(digits))
	s := Thousands(v/p) + "," + strings.Repeat("0", digits-len(strconv.FormatInt(v%p, 10))) + strconv.FormatInt(v%p, 10)
	if neg {
		s = "-" + s
	}
	return s
}

// Column heads a value column.
type Column struct {
	Name string
	Kind Kind
}

// Row is one line of a table: an area, a category or a month.
type Row struct {
	Code  string // area code, category code, month (2026-03); may be empty
	Label string
	Href  string // a link for the label in HTML; never to a person
	Cells []Cell
}

// Table is a published table.
type Table struct {
	ID      string // short name, used in export file names: "stapeling"
	Title   string
	Head    string // heading of the label column: "Wijk", "Categorie"
	Columns []Column
	Rows    []Row
	Total   *Row
	Note    string // the disclosure note and sources
}

// Note is the line every published table carries.
func Note(r monitor.Rule) string {
	return "Afgerond op " + strconv.FormatInt(r.Base, 10) + ", kleine aantallen (<" + strconv.FormatInt(r.Threshold, 10) +
		") als . — Bron: naober; kaart: CBS, Kadaster/PDOK"
}

// Col returns the cells of column i over the rows (not the total).
func (t *Table) Col(i int) []Cell {
	out := make([]Cell, len(t.Rows))
	for j, r := range t.Rows {
		if i < len(r.Cells) {
			out[j] = r.Cells[i]
		}
	}
	return out
}

// JSONTable is a Table as the JSON API sends it.
type JSONTable struct {
	ID       string       `json:"id"`
	Titel    string       `json:"titel"`
	Kop      string       `json:"kop"`
	Kolommen []JSONColumn `json:"kolommen"`
	Rijen    []JSONRow    `json:"rijen"`
	Totaal   *JSONRow     `json:"totaal,omitempty"`
	Noot     string       `json:"noot"`
}

// JSONColumn names a column and its kind (aantal, aandeel, bedrag, gemiddelde, verschil, per 1.000).
type JSONColumn struct {
	Naam  string `json:"naam"`
	Soort string `json:"soort"`
}

// JSONRow is one row; Waarden follow Kolommen.
type JSONRow struct {
	Code    string      `json:"code,omitempty"`
	Naam    string      `json:"naam"`
	Waarden []JSONValue `json:"waarden"`
}

// JSONValue is a published value: Waarde is null when the cell is not
// published (Tekst is then "."). Counts are whole numbers, bedragen whole
// euro cents, aandelen fractions (0.123), gemiddelden numbers.
type JSONValue struct {
	Waarde *float64 `json:"waarde"`
	Tekst  string   `json:"tekst"`
}

// JSON converts the table for the API.
func (t *Table) JSON() JSONTable {
	out := JSONTable{ID: t.ID, Titel: t.Title, Kop: t.Head, Noot: t.Note, Kolommen: []JSONColumn{}, Rijen: []JSONRow{}}
	for _, c := range t.Columns {
		out.Kolommen = append(out.Kolommen, JSONColumn{Naam: c.Name, Soort: c.Kind.String()})
	}
	conv := func(r Row) JSONRow {
		jr := JSONRow{Code: r.Code, Naam: r.Label, Waarden: []JSONValue{}}
		for _, c := range r.Cells {
			v := JSONValue{Tekst: c.String()}
			if c.ok && c.kind != Text {
				f, _ := c.Float()
				if c.kind == Money {
					f = float64(c.v) // cents
				}
				v.Waarde = &f
			}
			jr.Waarden = append(jr.Waarden, v)
		}
		return jr
	}
	for _, r := range t.Rows {
		out.Rijen = append(out.Rijen, conv(r))
	}
	if t.Total != nil {
		tr := conv(*t.Total)
		out.Totaal = &tr
	}
	return out
}

// PublishedRatio publishes num/den (goals reached of goals set) measured
// over n units, when the count n may itself be published.
func PublishedRatio(r monitor.Rule, num, den, n int64, key uint64) Cell {
	if den <= 0 || n <= 0 || r.Count(n, key).Suppressed {
		return Cell{kind: Share}
	}
	return Cell{kind: Share, v: roundDiv(num*100000, den), ok: true}
}

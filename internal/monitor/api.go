// This file is the package's contract (types); the other files implement
// it. The package documentation is in doc.go.

package monitor

import "time"

// Month counts months: year*12 + (month-1). 2026-03 is 2026*12+2.
type Month int32

// MonthOf is the Month of a year and calendar month.
func MonthOf(y int, m time.Month) Month { return Month(y*12 + int(m) - 1) }

// MonthOfTime is the Month a time falls in (in its own location).
func MonthOfTime(t time.Time) Month { return MonthOf(t.Year(), t.Month()) }

// Year is the calendar year of m.
func (m Month) Year() int { return int(m) / 12 }

// Calendar is the calendar month of m.
func (m Month) Calendar() time.Month { return time.Month(int(m)%12 + 1) }

// Period is a half-open range of months [From, To).
type Period struct{ From, To Month }

// Months is the number of months in p.
func (p Period) Months() int {
	if p.To <= p.From {
		return 0
	}
	return int(p.To - p.From)
}

// Indicator codes. An indicator is a set of persons per month. Household facts
// are given to every member of the household so they combine with person
// indicators.
//
//	wet:<wet>               a provision under the law (wmo, jw, pw, wgs, voorliggend)
//	cat:<wet>:<categorie>   a provision of that category (JZ020/WMO020 code, PW-*, WGS-*, VV-*)
//	tv:<taakveld>           a provision booked on that Iv3 taakveld (6.71, 6.711 ...)
//	profiel:<code>          a provision with that client profile
//	zrm:<domein>            ZRM level 1 or 2 on that domain in the latest assessment
//	                        made on or before the end of the month (casework.Domains)
//	plan                    a current plan (made, not closed) in the month
//	signaal                 a signal about the person or household open in the month
//	maatwerk                an approved maatwerk spend for the household in the month
//	volwassene, kind        age 18+ / under 18 at the start of the month
//	hh:eenouder             household of one parent with children under 18
//	hh:kinderen             household with children under 18
//	hh:75plus               household with a member aged 75 or over
//
// A provision counts in a month when it is toegekend, gestart or beëindigd and
// its [start, end] dates overlap the month.
const (
	IndPlan     = "plan"
	IndSignal   = "signaal"
	IndMaatwerk = "maatwerk"
	IndAdult    = "volwassene"
	IndChild    = "kind"
	IndSingle   = "hh:eenouder"
	IndChildren = "hh:kinderen"
	Ind75Plus   = "hh:75plus"
)

// Indicator code builders.
func WetInd(wet string) string            { return "wet:" + wet }
func CatInd(wet, categorie string) string { return "cat:" + wet + ":" + categorie }
func TaakveldInd(tv string) string        { return "tv:" + tv }
func ProfileInd(code string) string       { return "profiel:" + code }
func ZRMInd(domain string) string         { return "zrm:" + domain }

// Area identifies where a person lives: CBS codes. Buurt may be empty.
type Area struct{ Gemeente, Wijk, Buurt string }

// Fact says a person has an indicator in the months [From, To).
type Fact struct {
	Indicator string
	From, To  Month
}

// Cost is what the gemeente pays for a person in one month, in euro cents,
// for provisions of one law, taakveld and category.
type Cost struct {
	Month     Month
	Wet       string
	Taakveld  string
	Categorie string
	Cents     int64
}

// ZRMChange is a person's first and latest assessed level (1–5) on a domain;
// it exists only for persons assessed on that domain at two dates at least.
type ZRMChange struct {
	Domain        string
	First, Latest int
}

// PersonInput is one person with everything the monitor knows of them.
// ID and Household are the source's ids (the store feed maps its own string
// ids to these; the national CSV uses its row numbers).
type PersonInput struct {
	ID        uint64
	Household uint64
	Area      Area
	Facts     []Fact
	Costs     []Cost
	ZRM       []ZRMChange
}

// HouseholdInput carries a household's plan outcomes from its latest
// evaluation: goals reached of goals total, satisfaction 1–10 (0: none).
type HouseholdInput struct {
	ID            uint64
	GoalsReached  int
	GoalsTotal    int
	Satisfaction  int
	HasEvaluation bool
}

// Unit is what is counted.
type Unit uint8

const (
	Persons Unit = iota
	Households
)

// Level is how results are grouped.
type Level uint8

const (
	ByGemeente Level = iota
	ByWijk
	ByBuurt
)

// Scope restricts a query to areas. Gemeenten empty means every gemeente in
// the index (the web layer always fills it with the caller's gemeenten).
// Wijk, when set, restricts to that wijk.
type Scope struct {
	Gemeenten []string
	Wijk      string
}

// CostFilter selects cost measures; empty fields match everything.
type CostFilter struct{ Wet, Taakveld, Categorie string }

// Query counts persons or households matching a boolean expression (see
// ParseExpr) over a period: an indicator holds in a period when it holds in
// any of its months. With Compare set, every row also carries the counts for
// that earlier period. With Cost set, rows carry the summed cost over the
// period of the matched persons (for Households: of all members of matched
// households).
type Query struct {
	Expr    string
	Unit    Unit
	Period  Period
	Level   Level
	Scope   Scope
	Compare *Period
	Cost    *CostFilter
}

// Row is one area's exact answer. Nothing in a Row may be shown to a user
// before Rule.Publish: Key is the cell key the disclosure rule perturbs with.
type Row struct {
	Area       string `json:"area"`
	Count      int64  `json:"count"`
	Population int64  `json:"population"` // persons or households in the area (Unit)
	CostCents  int64  `json:"cost_cents"`
	Key        uint64 `json:"-"`
	Earlier    *Row   `json:"earlier,omitempty"`
}

// Result is the rows of a query, ordered by area code, and their total over
// the whole scope.
type Result struct {
	Rows  []Row
	Total Row
}

// Stacking categories of the CBS table, in CBS order.
var StackCategories = []string{"jw", "pw", "wmo", "jw+pw", "jw+wmo", "pw+wmo", "jw+pw+wmo"}

// StackRow is the CBS stacking table for one area: Cells[i] counts persons
// (or households) whose set of laws among Jw, Pw, Wmo in the period is exactly
// StackCategories[i]. Any is the number with at least one of them.
type StackRow struct {
	Area       string
	Cells      [7]Row
	Any        Row
	Population int64
}

// CostRow is the cost in an area for one group (a law or a taakveld).
type CostRow struct {
	Area    string
	Group   string
	Cents   int64
	Persons int64  // persons with a cost in the group in the period
	Key     uint64 // cell key of those persons
}

// OutcomeRow summarises outcomes for the persons matching an expression in
// an area (or, with ByProfile, per client profile).
type OutcomeRow struct {
	Group string // area code or "profiel:<code>"
	// Per ZRM domain: persons with a change, and the sum of (latest-first).
	ZRM map[string]ZRMSum
	// Households with an evaluation, goals reached and total, satisfaction sum.
	Households   int64
	GoalsReached int64
	GoalsTotal   int64
	Satisfaction int64
	Key          uint64 // cell key of the Households
	// Households among them with a satisfaction grade (1–10): the mean
	// grade is Satisfaction/SatisfactionN; their cell key.
	SatisfactionN   int64
	SatisfactionKey uint64
}

// ZRMSum is the number of persons with a change on a domain and the sum of
// their changes; the mean is Delta/N.
type ZRMSum struct {
	N, Delta int64
	Key      uint64
}

// TrendPoint is the answer for one month.
type TrendPoint struct {
	Month Month
	Row   Row
}

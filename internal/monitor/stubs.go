package monitor

// STUBS: the signatures below are the package contract other packages code
// against. The engine helper replaces this file with the implementation
// (index.go, query.go, disclosure.go, ...) and deletes it.

import "errors"

var errTODO = errors.New("monitor: not implemented yet")

// Builder collects persons and households and builds an Index.
type Builder struct{}

// NewBuilder starts an empty index. secret keys the per-person record keys
// that cell keys are made of (derive it from the installation's key file, so
// every process and every rebuild gives a cell the same key).
func NewBuilder(secret uint64) *Builder { return &Builder{} }

// Add adds a person with their facts and costs. A person's household is
// created on first mention.
func (b *Builder) Add(p PersonInput) {}

// AddHousehold sets a household's outcomes.
func (b *Builder) AddHousehold(h HouseholdInput) {}

// Build numbers persons so that every gemeente, wijk and buurt is a
// contiguous range (with room to grow) and builds the bitmaps.
func (b *Builder) Build() (*Index, error) { return nil, errTODO }

// Index is the monitor's in-memory index; safe for concurrent use.
type Index struct{}

// Stats describes an index: sizes and memory.
type Stats struct {
	Persons, Households int64
	Indicators          int
	Months              Period
	Bytes               int64 // approximate heap held by the index
}

func (ix *Index) Stats() Stats { return Stats{} }

// Indicators lists the indicator codes present in the index, sorted.
func (ix *Index) Indicators() []string { return nil }

// Areas lists the area codes at a level within a scope, sorted.
func (ix *Index) Areas(l Level, s Scope) []string { return nil }

// Count answers a Query.
func (ix *Index) Count(q Query) (Result, error) { return Result{}, errTODO }

// Trend answers q for each month of q.Period separately, as totals over
// q.Scope (q.Level and q.Compare are ignored).
func (ix *Index) Trend(q Query) ([]TrendPoint, error) { return nil, errTODO }

// Stacking is the CBS stacking table per area and its total over the scope.
func (ix *Index) Stacking(u Unit, p Period, l Level, s Scope) ([]StackRow, StackRow, error) {
	return nil, StackRow{}, errTODO
}

// Costs sums costs in a period per area and group, by "wet", "taakveld" or
// "categorie" ("wet:categorie").
func (ix *Index) Costs(p Period, l Level, s Scope, by string) ([]CostRow, error) {
	return nil, errTODO
}

// Outcomes summarises outcomes of the persons matching expr (empty: all) per
// area, or per client profile when byProfile is set.
func (ix *Index) Outcomes(expr string, l Level, s Scope, byProfile bool) ([]OutcomeRow, error) {
	return nil, errTODO
}

// ReplaceHousehold replaces everything the index holds for a household with
// members (none: the household is removed). Members that were in another
// household leave it. Queries see the change atomically.
func (ix *Index) ReplaceHousehold(h HouseholdInput, members []PersonInput) error { return errTODO }

// Expr is a parsed boolean expression over indicator codes.
type Expr interface{ String() string }

// ParseExpr parses an expression: indicator codes combined with en/and,
// of/or, niet/not and parentheses; iemand(...) (someone(...)) requires one
// member to match the inner expression by themselves when households are
// counted. Errors name the position and the token.
func ParseExpr(s string) (Expr, error) { return nil, errTODO }

// Describe gives the Dutch name of an indicator code.
func Describe(code string) string { return code }

// Rule is the disclosure rule for everything a user sees: counts are
// perturbed with a cell-key method, rounded to multiples of Base, and cells
// whose exact count is below Threshold are suppressed (shown as ".").
type Rule struct {
	Threshold int64
	Base      int64
	Noise     int64 // largest absolute perturbation before rounding
}

// DefaultRule is CBS's: threshold 10, multiples of 5.
func DefaultRule() Rule { return Rule{Threshold: 10, Base: 5, Noise: 2} }

// Cell is a published value.
type Cell struct {
	Value      int64
	Suppressed bool
}

// Count publishes a count.
func (r Rule) Count(n int64, key uint64) Cell { return Cell{Suppressed: true} }

// Cents publishes a money sum over n persons: suppressed when n is.
func (r Rule) Cents(cents, n int64, key uint64) Cell { return Cell{Suppressed: true} }

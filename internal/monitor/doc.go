// Package monitor is naober's population monitor engine: an in-memory index
// of indicators (sets of persons per month) as compressed bitmaps over person
// ordinals, numbered so that every area is a contiguous range, with cost
// measures on the same sets and disclosure control on everything it
// publishes. It knows nothing of HTTP or SQL: a source (the store feed, the
// national CSV loader) fills a Builder, and keeps the Index current with
// ReplaceHousehold.
//
// # How the engine works
//
// Numbering. Build sorts persons by (gemeente, wijk, buurt, household, id)
// and gives them ordinals (uint32) in that order, leaving 10% + 16 spare
// ordinals at the end of every buurt. Every gemeente, wijk and buurt is
// therefore one contiguous range, and "how many in this wijk" is a range
// count on a bitmap (roaring's CardinalityInRange), not a scan. Households
// are numbered the same way in their own ordinal space; a household lives in
// the area of its first member in area order (its members normally share
// one area). Persons without a buurt form a leaf that carries their wijk's
// code at buurt level; persons without a wijk, one with the gemeente's code.
//
// Indicators. An indicator is a set of persons per month, stored as roaring
// bitmaps over person ordinals: a full bitmap every six months and, for the
// months between, the persons who come in and who leave (see indicator.go);
// most facts run for many months, so this is a fifth of one bitmap per month.
// An indicator holds in a period when it holds in any month of it; that
// union is the period's first month plus everyone who comes in later. Unions
// are cached per period for the whole index and cut to a query's scope (a
// scope of a gemeente or a wijk is cut bitmap by bitmap instead, so it
// touches only its own range). Households have no bitmaps of their own: a
// household has an indicator when a member living in the scope has it, which
// is the person set mapped to households (also cached).
//
// Expressions. Atoms are indicators; en/of/niet are bitmap And/Or/AndNot;
// niet is relative to the scope's population (persons or households).
// Counting households, an atom means "some member (living in the scope) has
// it" while
// iemand(...) means "one member, in the scope, satisfies the inner
// expression by themselves": the inner part is evaluated over persons and
// lifted to their households. Unknown indicator codes are empty sets.
//
// Costs. Per month and measure (wet, taakveld, categorie) there is a column of
// sorted person ordinals with their cents (int32 unless a value needs int64);
// a column with more entries than there are buurten also keeps cumulative
// sums per buurt, so an area's total is one subtraction (a sparse column is
// walked). A filtered total walks the smaller of the matched set and the
// column. Costs of a household query are those of the members of the
// matched households, each counted in the area the member lives in.
//
// Changes. ReplaceHousehold takes the write lock, removes the household's
// old members (and new members from their old households) from every bitmap
// and column, and adds the new ones in spare ordinals of their buurt (a
// household moves when its first member in area order leaves). When a buurt
// is full or a member lives in an unknown area the index rebuilds itself
// from its own contents. The cache is cleared. Queries take the read lock,
// so they see a household before or after a change, never half of it.
//
// # Disclosure control, and why differencing does not work
//
// Nothing the engine returns may be shown to a policy user as is: Row, StackRow,
// CostRow and OutcomeRow carry exact numbers and a cell key, and the web layer
// passes them through Rule (Count, Cents, Mean, Publish) before showing or
// exporting anything. The rule, in plain words:
//
//   - A count of 0 is shown as 0. A count from 1 to Threshold-1 (default 9)
//     is not shown at all: the cell shows ".".
//   - Any other count gets a small amount of noise added (default between -2
//     and +2) and is then rounded to a multiple of Base (default 5), and it
//     is never shown below the threshold.
//   - Money over a group of persons is shown only when the number of persons
//     may be shown; it is moved by up to 2% and rounded to whole €1.000.
//   - A mean (a ZRM change, a satisfaction grade) is shown only for at least
//     Threshold persons or households; its sum is moved by up to Noise units
//     before dividing, and it is rounded to one decimal.
//
// The noise is not random at query time. Every person has a record key: a
// keyed hash of their source id under the installation's secret (so every
// process and every rebuild agrees, and nobody without the secret can
// compute it). The cell key of a cell is the XOR of the record keys of the
// persons (or households) in it, and the noise is drawn from the cell key.
// This has three consequences that together stop the classic attacks:
//
//   - The same set of persons always gets the same noise. Asking a question
//     again, or asking it differently ("a en b", "b en a", "niet (niet a of
//     niet b)", another period in which nothing changed), gives the same
//     published number, so one cannot average the noise away by repeating.
//   - Two different sets get unrelated noise, even when they differ by one
//     person: one record key more in the XOR changes the cell key
//     completely. So when someone asks for a wijk (1,000 persons) and for
//     the wijk without a small group (994 persons), both published numbers
//     carry their own noise and are rounded to multiples of 5: their
//     difference is a multiple of 5 near 6, not 6, and the same difference is
//     published for many different small groups. The size of the group
//     cannot be read from it, and neither can whether one particular person
//     is in it.
//   - Rounding and the threshold apply after the noise, so a published value
//     never reveals a small cell directly either.
//
// Money gets relative noise from the same cell key (a separate draw), so the
// difference of two large overlapping sums is dominated by noise of up to
// 2% of each sum, not by what the handful of persons in the difference
// cost. The tests in disclosure_test.go check these properties: equivalent
// expressions publish identical cells; over many random pairs of
// overlapping queries whose exact difference is 1–9, the published
// difference is a multiple of Base and mostly not the exact difference;
// cells below the threshold are suppressed.
//
// What this does not protect against on its own: a user who can choose
// populations freely could still combine very many different queries. The
// web layer keeps that surface small: policy roles see aggregates only, for
// their own gemeenten, with the same rule in the UI, the API and exports.
package monitor

package monitor

import (
	"cmp"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// keyEvery is the distance in months between full bitmaps of an indicator.
const keyEvery = 6

// indicator holds a set of persons per month without storing every month:
// most facts (a provision, an age group, a household fact) run for many
// months, so a month differs little from the one before. Stored are a full
// bitmap every keyEvery months (key), and for every other month the persons
// who come in (add) and who leave (rem) relative to the month before. Month m
// is key[m/keyEvery] updated with rem and add up to m; the union over months
// [a, b) is simply month a plus add[a+1..b-1]. This takes a fifth of the
// memory of one bitmap per month on national data, and a period union needs
// no more than keyEvery-1 updates and one Or per month.
//
// Households have no bitmaps of their own: a household has an indicator in
// a period when a member (in the scope) has it, which is the person union
// lifted to households, cached like the unions.
type indicator struct {
	code string
	key  []*roaring.Bitmap // key[k]: month k*keyEvery
	add  []*roaring.Bitmap // add[m], m ≥ 1: in m, not in m-1
	rem  []*roaring.Bitmap // rem[m], m%keyEvery != 0: in m-1, not in m
}

func numKeys(nm int) int { return (nm + keyEvery - 1) / keyEvery }

func newIndicator(code string, nm int) *indicator {
	ind := &indicator{code: code, key: make([]*roaring.Bitmap, numKeys(nm)), add: make([]*roaring.Bitmap, nm), rem: make([]*roaring.Bitmap, nm)}
	for i := range ind.key {
		ind.key[i] = roaring.New()
	}
	for m := 0; m < nm; m++ {
		ind.add[m], ind.rem[m] = roaring.New(), roaring.New()
	}
	return ind
}

// bitmaps lists every bitmap of the indicator (for sizes and removal).
func (ind *indicator) bitmaps() []*roaring.Bitmap {
	out := make([]*roaring.Bitmap, 0, len(ind.key)+len(ind.add)+len(ind.rem))
	out = append(out, ind.key...)
	out = append(out, ind.add...)
	return append(out, ind.rem...)
}

// month materialises month m (an owned bitmap), cut to rng unless nil.
func (ind *indicator) month(m int, rng *roaring.Bitmap) *roaring.Bitmap {
	k := m / keyEvery
	bm := cut(ind.key[k], rng)
	for j := k*keyEvery + 1; j <= m; j++ {
		if !ind.rem[j].IsEmpty() {
			bm.AndNot(ind.rem[j])
		}
		if !ind.add[j].IsEmpty() {
			bm.Or(cut(ind.add[j], rng))
		}
	}
	return bm
}

// cut is an owned copy of bm, within rng unless nil.
func cut(bm, rng *roaring.Bitmap) *roaring.Bitmap {
	if rng == nil {
		return bm.Clone()
	}
	return roaring.And(bm, rng)
}

// union is everyone in any month of [m0, m1) (an owned bitmap), within rng
// unless nil.
func (ind *indicator) union(m0, m1 int, rng *roaring.Bitmap) *roaring.Bitmap {
	bm := ind.month(m0, rng)
	for j := m0 + 1; j < m1; j++ {
		a := ind.add[j]
		if a.IsEmpty() {
			continue
		}
		if rng != nil {
			a = roaring.And(a, rng)
		}
		bm.Or(a)
	}
	return bm
}

// run is a maximal stretch of months [from, to) (offsets) of one indicator.
type run struct {
	ind      uint32
	from, to int
}

// mergeRuns sorts runs by indicator and start and merges overlapping and
// adjacent ones, so that the encoding below sees disjoint gaps.
func mergeRuns(rs []run) []run {
	slices.SortFunc(rs, func(a, b run) int {
		if c := cmp.Compare(a.ind, b.ind); c != 0 {
			return c
		}
		return cmp.Compare(a.from, b.from)
	})
	out := rs[:0]
	for _, r := range rs {
		if k := len(out); k > 0 && out[k-1].ind == r.ind && r.from <= out[k-1].to {
			out[k-1].to = max(out[k-1].to, r.to)
			continue
		}
		out = append(out, r)
	}
	return out
}

// encodeRun calls put for every bitmap a run sets: kind 0 key (index k),
// 1 add (month), 2 rem (month).
func encodeRun(from, to, nm int, put func(kind, i int)) {
	for k := (from + keyEvery - 1) / keyEvery * keyEvery; k < to; k += keyEvery {
		put(0, k/keyEvery)
	}
	if from > 0 {
		put(1, from)
	}
	if to < nm && to%keyEvery != 0 {
		put(2, to)
	}
}

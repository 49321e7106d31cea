package monitor

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
)

// none marks an absent ordinal in linked lists and lookups.
const none = ^uint32(0)

// Index is the monitor's in-memory index; safe for concurrent use. Queries
// take a read lock, ReplaceHousehold a write lock, so a query sees a
// household either entirely before or entirely after a change.
type Index struct {
	mu sync.RWMutex

	secret uint64
	pkA    uint64 // derived keys for person record keys
	pkB    uint64
	hkA    uint64 // and for household record keys
	hkB    uint64
	months Period

	// Areas per level; every node covers a contiguous range of person and
	// household ordinals. Leaves (level 2) own their ranges and the spare
	// ordinals in them.
	lv     [3][]node
	leaves []leaf

	alive   *roaring.Bitmap // person ordinals in use
	hhAlive *roaring.Bitmap // household ordinals in use

	personID   ids      // by person ordinal: source id
	pkeys      []uint64 // by person ordinal: record key
	hkeys      []uint64 // by household ordinal: record key
	personHH   []uint32 // by person ordinal: household ordinal
	personNext []uint32 // next member of the same household, or none
	hhID       ids      // by household ordinal: source id
	hhHead     []uint32 // first member, or none

	inds    []*indicator
	indByID map[string]int

	meas      []measureKey
	measByKey map[measureKey]int
	costs     [][]*costCol // [month offset][measure]; nil when empty

	doms     []string
	domByKey map[string]int
	zrm      []*zrmCol // by domain

	hhEval *roaring.Bitmap    // households with an evaluation
	hhOut  map[uint32]outcome // by household ordinal, when there is one

	// Lookups by source id, built on the first ReplaceHousehold only: a
	// read-only national index does not pay for them.
	byPerson map[uint64]uint32
	byHH     map[uint64]uint32

	cache unionCache
}

// outcome is a household's latest evaluation.
type outcome struct {
	goalR, goalT uint16
	sat          uint8
}

// node is an area at one level with its ordinal ranges.
type node struct {
	code       string
	lo, hi     uint32 // person ordinals [lo, hi)
	hlo, hhi   uint32 // household ordinals [hlo, hhi)
	cLo, cHi   int    // children at the next level [cLo, cHi)
	parent     int
	leafLo     int // leaves [leafLo, leafHi) under this node
	leafHi     int
	areaSample Area
}

// leaf is the bookkeeping of a level-2 node: the next unused ordinals, the
// freed ones, and the XOR of the record keys of everyone in it.
type leaf struct {
	area         Area
	pNext, hNext uint32
	pFree, hFree []uint32
	pKey, hKey   uint64
}

type measureKey struct{ Wet, Taakveld, Categorie string }

// costCol is one measure in one month: sorted person ordinals with their
// cents. A dense column also keeps cumulative sums per leaf, so that an
// area's total is one subtraction; a sparse one is walked (it has fewer
// entries than there are leaves).
type costCol struct {
	ords []uint32
	c32  []int32 // used unless some value does not fit
	c64  []int64
	cum  []int64 // nil, or cum[r] = sum of the entries in leaves [0, r)
}

// zrmCol holds the persons with a ZRM change on one domain.
type zrmCol struct {
	ords          []uint32
	first, latest []int8
}

func (c *costCol) cents(i int) int64 {
	if c.c64 != nil {
		return c.c64[i]
	}
	return int64(c.c32[i])
}

// rank is the number of entries below ordinal x.
func (c *costCol) rank(x uint32) int {
	i, _ := slices.BinarySearch(c.ords, x)
	return i
}

// sums adds the column's total per node to out.
func (ix *Index) colSums(c *costCol, l Level, nodes []int, out []int64) {
	if len(nodes) == 0 || len(c.ords) == 0 {
		return
	}
	lv := ix.lv[l]
	if c.cum != nil {
		for j, i := range nodes {
			out[j] += c.cum[lv[i].leafHi] - c.cum[lv[i].leafLo]
		}
		return
	}
	j := 0
	lo, hi := lv[nodes[0]].lo, lv[nodes[0]].hi
	for k := c.rank(lo); k < len(c.ords); k++ {
		v := c.ords[k]
		for v >= hi {
			j++
			if j == len(nodes) {
				return
			}
			lo, hi = lv[nodes[j]].lo, lv[nodes[j]].hi
		}
		if v >= lo {
			out[j] += c.cents(k)
		}
	}
}

// forceCum gives every column leaf sums (tests).
var forceCum bool

// makeCum adds leaf sums to a column with at least as many entries as
// there are leaves.
func (ix *Index) makeCum(c *costCol) {
	nl := len(ix.leaves)
	if len(c.ords) < nl && !forceCum {
		c.cum = nil
		return
	}
	c.cum = make([]int64, nl+1)
	r := 0
	for k, v := range c.ords {
		for v >= ix.lv[2][r].hi {
			r++
			c.cum[r+1] = c.cum[r]
		}
		c.cum[r+1] += c.cents(k)
	}
	for r++; r < nl; r++ {
		c.cum[r+1] = c.cum[r]
	}
}

// colAdd adds cents for ordinal x (a new entry or to the existing one; an
// entry that reaches 0 goes).
func (ix *Index) colAdd(c *costCol, x uint32, cents int64) {
	i, found := slices.BinarySearch(c.ords, x)
	if found {
		v := c.cents(i) + cents
		if v == 0 {
			ix.colRemove(c, x)
			return
		}
		c.set(i, v)
	} else {
		c.ords = slices.Insert(c.ords, i, x)
		if c.c64 == nil && cents == int64(int32(cents)) {
			c.c32 = slices.Insert(c.c32, i, int32(cents))
		} else {
			c.widen()
			c.c64 = slices.Insert(c.c64, i, cents)
		}
	}
	ix.cumAdd(c, x, cents)
}

func (ix *Index) cumAdd(c *costCol, x uint32, d int64) {
	if c.cum == nil {
		return
	}
	for r := ix.leafOf(x) + 1; r < len(c.cum); r++ {
		c.cum[r] += d
	}
}

func (c *costCol) set(i int, v int64) {
	if c.c64 == nil && v == int64(int32(v)) {
		c.c32[i] = int32(v)
		return
	}
	c.widen()
	c.c64[i] = v
}

func (c *costCol) widen() {
	if c.c64 != nil {
		return
	}
	c.c64 = make([]int64, len(c.c32))
	for i, v := range c.c32 {
		c.c64[i] = int64(v)
	}
	c.c32 = nil
}

func (ix *Index) colRemove(c *costCol, x uint32) {
	i, found := slices.BinarySearch(c.ords, x)
	if !found {
		return
	}
	v := c.cents(i)
	c.ords = slices.Delete(c.ords, i, i+1)
	if c.c64 != nil {
		c.c64 = slices.Delete(c.c64, i, i+1)
	} else {
		c.c32 = slices.Delete(c.c32, i, i+1)
	}
	ix.cumAdd(c, x, -v)
}

func (c *costCol) bytes() int64 {
	return int64(cap(c.ords))*4 + int64(cap(c.c32))*4 + int64(cap(c.c64))*8 + int64(cap(c.cum))*8
}

// Stats describes an index: sizes and memory.
type Stats struct {
	Persons, Households int64
	Indicators          int
	Months              Period
	Bytes               int64 // approximate heap held by the index
}

// Stats describes the index.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := Stats{
		Persons:    int64(ix.alive.GetCardinality()),
		Households: int64(ix.hhAlive.GetCardinality()),
		Indicators: len(ix.inds),
		Months:     ix.months,
	}
	var b int64
	b += int64(cap(ix.pkeys)+cap(ix.hkeys)) * 8
	b += ix.personID.bytes() + int64(cap(ix.personHH))*4 + int64(cap(ix.personNext))*4
	b += ix.hhID.bytes() + int64(cap(ix.hhHead))*4 + int64(len(ix.hhOut))*24
	b += int64(ix.alive.GetSizeInBytes() + ix.hhAlive.GetSizeInBytes() + ix.hhEval.GetSizeInBytes())
	for _, ind := range ix.inds {
		for _, bm := range ind.bitmaps() {
			b += int64(bm.GetSizeInBytes())
		}
	}
	for _, row := range ix.costs {
		for _, c := range row {
			if c != nil {
				b += c.bytes() + int64(unsafe.Sizeof(*c))
			}
		}
	}
	for _, z := range ix.zrm {
		b += int64(cap(z.ords))*4 + int64(cap(z.first)+cap(z.latest))
	}
	for _, l := range ix.leaves {
		b += int64(unsafe.Sizeof(l)) + int64(cap(l.pFree)+cap(l.hFree))*4
	}
	for _, lv := range ix.lv {
		b += int64(len(lv)) * int64(unsafe.Sizeof(node{}))
	}
	b += int64(len(ix.byPerson)+len(ix.byHH)) * 24
	b += ix.cache.size()
	st.Bytes = b
	return st
}

// Indicators lists the indicator codes present in the index, sorted.
func (ix *Index) Indicators() []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]string, 0, len(ix.inds))
	for _, ind := range ix.inds {
		out = append(out, ind.code)
	}
	sort.Strings(out)
	return out
}

// Months is the period the index holds months for.
func (ix *Index) Months() Period {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.months
}

// Areas lists the area codes at a level within a scope, sorted.
func (ix *Index) Areas(l Level, s Scope) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []string
	for _, n := range ix.scopeNodes(l, s) {
		out = append(out, ix.lv[l][n].code)
	}
	sort.Strings(out)
	return out
}

// scopeNodes gives the indices of the nodes at level l inside scope s,
// in ordinal order.
func (ix *Index) scopeNodes(l Level, s Scope) []int {
	if l > ByBuurt {
		l = ByBuurt
	}
	var gems []int
	if len(s.Gemeenten) == 0 {
		for i := range ix.lv[0] {
			gems = append(gems, i)
		}
	} else {
		want := map[string]bool{}
		for _, g := range s.Gemeenten {
			want[g] = true
		}
		for i, n := range ix.lv[0] {
			if want[n.code] {
				gems = append(gems, i)
			}
		}
	}
	// Start from gemeenten or the one wijk, then descend.
	cur := gems
	level := 0
	if s.Wijk != "" {
		var w []int
		for _, g := range gems {
			gn := ix.lv[0][g]
			for c := gn.cLo; c < gn.cHi; c++ {
				if ix.lv[1][c].code == s.Wijk {
					w = append(w, c)
				}
			}
		}
		cur, level = w, 1
		if l == ByGemeente {
			// The gemeente row of a wijk scope is the wijk itself.
			return cur
		}
	}
	for level < int(l) {
		var next []int
		for _, i := range cur {
			n := ix.lv[level][i]
			for c := n.cLo; c < n.cHi; c++ {
				next = append(next, c)
			}
		}
		cur, level = next, level+1
	}
	return cur
}

// scopeTop gives the top nodes of a scope (gemeenten, or the one wijk) and
// their level; every query row partitions them.
func (ix *Index) scopeTop(s Scope) (Level, []int) {
	if s.Wijk != "" {
		return ByWijk, ix.scopeNodes(ByWijk, s)
	}
	return ByGemeente, ix.scopeNodes(ByGemeente, s)
}

// levelFor returns the level to use for a query's rows: a wijk scope has no
// gemeente rows, so ByGemeente there means the wijk.
func levelFor(l Level, s Scope) Level {
	if s.Wijk != "" && l == ByGemeente {
		return ByWijk
	}
	if l > ByBuurt {
		return ByBuurt
	}
	return l
}

// rangesOf merges the ordinal ranges of nodes (persons or households).
func rangesOf(nodes []node, idx []int, hh bool) [][2]uint32 {
	var out [][2]uint32
	for _, i := range idx {
		lo, hi := nodes[i].lo, nodes[i].hi
		if hh {
			lo, hi = nodes[i].hlo, nodes[i].hhi
		}
		if lo >= hi {
			continue
		}
		if k := len(out); k > 0 && out[k-1][1] == lo {
			out[k-1][1] = hi
			continue
		}
		out = append(out, [2]uint32{lo, hi})
	}
	return out
}

// leafOf finds the leaf whose person range holds ordinal x.
func (ix *Index) leafOf(x uint32) int {
	lv := ix.lv[2]
	i := sort.Search(len(lv), func(i int) bool { return lv[i].hi > x })
	return i
}

// hhLeafOf finds the leaf whose household range holds ordinal x.
func (ix *Index) hhLeafOf(x uint32) int {
	lv := ix.lv[2]
	i := sort.Search(len(lv), func(i int) bool { return lv[i].hhi > x })
	return i
}

// indicator returns the index of an indicator code, or -1.
func (ix *Index) indicatorID(code string) int {
	if i, ok := ix.indByID[code]; ok {
		return i
	}
	return -1
}

// breakdown describes where the bytes are, for benchmarks.
func (ix *Index) breakdown() string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	arrays := int64(cap(ix.pkeys)+cap(ix.hkeys))*8 + ix.personID.bytes() + int64(cap(ix.personHH))*4 + int64(cap(ix.personNext))*4 +
		ix.hhID.bytes() + int64(cap(ix.hhHead))*4 + int64(len(ix.hhOut))*24
	var pb, nb int64
	for _, ind := range ix.inds {
		for _, bm := range ind.bitmaps() {
			pb += int64(bm.GetSizeInBytes())
			nb++
		}
	}
	var cb, entries, cols int64
	for _, row := range ix.costs {
		for _, c := range row {
			if c != nil {
				cb += c.bytes()
				entries += int64(len(c.ords))
				cols++
			}
		}
	}
	return fmt.Sprintf("  arrays %d MiB, indicator bitmaps %d MiB (%d bitmaps), costs %d MiB (%d entries in %d columns), cache %d MiB\n",
		arrays>>20, pb>>20, nb, cb>>20, entries, cols, ix.cache.size()>>20)
}

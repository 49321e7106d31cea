package monitor

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
)

// ErrEmptyPeriod is returned for a period without months.
var ErrEmptyPeriod = errors.New("monitor: lege periode (tot moet na vanaf liggen)")

// scopeMode lets tests force the small-scope path (1) or the cached
// whole-index path (2); 0 chooses by size.
var scopeMode int

// qctx is one query's view of the index: the scope's ordinal ranges and the
// period's month offsets. It is used under the read lock.
type qctx struct {
	ix     *Index
	m0, m1 int // month offsets [m0, m1), clipped to the index
	per    Period
	topL   Level
	top    []int
	full   bool // the scope is every area
	small  bool // the scope is a small part of the index
	rng    [2]*roaring.Bitmap
	pop    [2]*roaring.Bitmap
}

func (ix *Index) newCtx(s Scope, p Period) (*qctx, error) {
	if p.Months() == 0 {
		return nil, ErrEmptyPeriod
	}
	c := &qctx{ix: ix, per: p}
	c.m0 = int(max(p.From, ix.months.From) - ix.months.From)
	c.m1 = int(min(p.To, ix.months.To) - ix.months.From)
	if c.m1 < c.m0 {
		c.m1 = c.m0
	}
	c.topL, c.top = ix.scopeTop(s)
	c.full = s.Wijk == "" && len(c.top) == len(ix.lv[0])
	if !c.full {
		var n uint64
		for u := Persons; u <= Households; u++ {
			bm := roaring.New()
			for _, r := range rangesOf(ix.lv[c.topL], c.top, u == Households) {
				bm.AddRange(uint64(r[0]), uint64(r[1]))
				if u == Persons {
					n += uint64(r[1] - r[0])
				}
			}
			c.rng[u] = bm
		}
		c.small = n*8 < uint64(ix.personID.len())
		if scopeMode != 0 {
			c.small = scopeMode == 1
		}
	}
	// The scope's population, used by niet and by the cell keys; computed
	// here so that parallel parts of a query only read the context.
	c.pop = [2]*roaring.Bitmap{ix.alive, ix.hhAlive}
	if !c.full {
		c.pop = [2]*roaring.Bitmap{roaring.And(ix.alive, c.rng[Persons]), roaring.And(ix.hhAlive, c.rng[Households])}
	}
	return c, nil
}

// scopePop is everyone (or every household) in the scope.
func (c *qctx) scopePop(u Unit) *roaring.Bitmap { return c.pop[u] }

// par runs fs on as many goroutines as there are processors (the engine is
// sized for two cores), and waits for them.
func par(fs ...func()) {
	n := min(runtime.GOMAXPROCS(0), len(fs))
	if n <= 1 {
		for _, f := range fs {
			f()
		}
		return
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(fs) {
					return
				}
				fs[i]()
			}
		}()
	}
	wg.Wait()
}

// restrict limits a full-range bitmap to the scope.
func (c *qctx) restrict(bm *roaring.Bitmap, u Unit) *roaring.Bitmap {
	if c.full {
		return bm
	}
	return roaring.And(bm, c.rng[u])
}

// union is the persons (households) having indicator id in any month of the
// period, within the scope. The result may be shared: read only.
func (c *qctx) union(id int, u Unit) *roaring.Bitmap {
	if id < 0 || c.m1 <= c.m0 {
		return roaring.New()
	}
	if u == Households && c.full {
		key := fmt.Sprintf("h%d/%d-%d", id, c.m0, c.m1)
		if bm := c.ix.cache.get(key); bm != nil {
			return bm
		}
		bm := c.lift(c.union(id, Persons))
		c.ix.cache.put(key, bm)
		return bm
	}
	if u == Households {
		return c.lift(c.union(id, Persons))
	}
	ind := c.ix.inds[id]
	if c.small {
		// Cheaper to cut every bitmap to the scope than to use the whole.
		return ind.union(c.m0, c.m1, c.rng[Persons])
	}
	key := fmt.Sprintf("p%d/%d-%d", id, c.m0, c.m1)
	bm := c.ix.cache.get(key)
	if bm == nil {
		bm = ind.union(c.m0, c.m1, nil)
		c.ix.cache.put(key, bm)
	}
	return c.restrict(bm, Persons)
}

// eval evaluates an expression to a set of persons or households within
// the scope. nil means everyone.
func (c *qctx) eval(e *exprNode, u Unit) *roaring.Bitmap {
	if e == nil {
		return c.scopePop(u)
	}
	switch e.op {
	case opAtom:
		return c.union(c.ix.indicatorID(e.code), u)
	case opNot:
		return roaring.AndNot(c.scopePop(u), c.eval(e.kids[0], u))
	case opSomeone:
		p := c.eval(e.kids[0], Persons)
		if u == Persons {
			return p
		}
		return c.lift(p)
	case opOr:
		parts := make([]*roaring.Bitmap, len(e.kids))
		for i, k := range e.kids {
			parts[i] = c.eval(k, u)
		}
		return roaring.FastOr(parts...)
	case opAnd:
		// Intersect the positive parts first, then subtract the negated
		// ones: a en niet b is one AndNot, not a complement.
		var r *roaring.Bitmap
		var neg []*exprNode
		for _, k := range e.kids {
			if k.op == opNot {
				neg = append(neg, k.kids[0])
				continue
			}
			bm := c.eval(k, u)
			if r == nil {
				r = bm
			} else {
				r = roaring.And(r, bm)
			}
		}
		if r == nil {
			r = c.scopePop(u)
		}
		for _, k := range neg {
			r = roaring.AndNot(r, c.eval(k, u))
		}
		return r
	}
	return roaring.New()
}

// liftDense is the size from which lift goes through a plain bitset (a
// variable so tests can take both paths).
var liftDense uint64 = 1 << 16

// lift maps persons to their households, within the scope.
func (c *qctx) lift(p *roaring.Bitmap) *roaring.Bitmap {
	if p.GetCardinality() > liftDense {
		// Many persons: set bits in a plain bitset and compress once.
		dense := make([]uint64, (c.ix.hhID.len()+63)/64)
		buf := make([]uint32, 4096)
		it := p.ManyIterator()
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, v := range buf[:n] {
				h := c.ix.personHH[v]
				dense[h>>6] |= 1 << (h & 63)
			}
		}
		bm := roaring.New()
		bm.FromDense(dense, true)
		bm.RunOptimize()
		if !c.full {
			bm.And(c.rng[Households])
		}
		return bm
	}
	out := make([]uint32, 0, p.GetCardinality())
	sorted := true
	buf := make([]uint32, 1024)
	it := p.ManyIterator()
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		for _, v := range buf[:n] {
			h := c.ix.personHH[v]
			if k := len(out); k > 0 {
				if out[k-1] == h {
					continue
				}
				if out[k-1] > h {
					sorted = false
				}
			}
			out = append(out, h)
		}
	}
	if !sorted {
		slices.Sort(out)
	}
	bm := roaring.New()
	bm.AddMany(out)
	if !c.full {
		bm.And(c.rng[Households])
	}
	return bm
}

// members is every member of the households in h.
func (c *qctx) members(h *roaring.Bitmap) *roaring.Bitmap {
	var out []uint32
	it := h.Iterator()
	for it.HasNext() {
		for p := c.ix.hhHead[it.Next()]; p != none; p = c.ix.personNext[p] {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	bm := roaring.New()
	bm.AddMany(out)
	return bm
}

// span is the ordinal range of node i at level l for unit u.
func (ix *Index) span(l Level, i int, u Unit) (uint32, uint32) {
	n := &ix.lv[l][i]
	if u == Households {
		return n.hlo, n.hhi
	}
	return n.lo, n.hi
}

// popKey is the XOR of the record keys of everyone in node i.
func (ix *Index) popKey(l Level, i int, u Unit) uint64 {
	n := &ix.lv[l][i]
	var k uint64
	for r := n.leafLo; r < n.leafHi; r++ {
		if u == Households {
			k ^= ix.leaves[r].hKey
		} else {
			k ^= ix.leaves[r].pKey
		}
	}
	return k
}

// counts is the size of bm in every node.
func (ix *Index) counts(bm *roaring.Bitmap, u Unit, l Level, nodes []int) []int64 {
	out := make([]int64, len(nodes))
	for j, i := range nodes {
		lo, hi := ix.span(l, i, u)
		out[j] = int64(bm.CardinalityInRange(uint64(lo), uint64(hi)))
	}
	return out
}

// xorWalk XORs the record keys of bm's members per node. bm must lie within
// the nodes, which are in ordinal order.
func (ix *Index) xorWalk(bm *roaring.Bitmap, u Unit, l Level, nodes []int) []uint64 {
	out := make([]uint64, len(nodes))
	if len(nodes) == 0 {
		return out
	}
	keys := ix.pkeys
	if u == Households {
		keys = ix.hkeys
	}
	j := 0
	_, hi := ix.span(l, nodes[0], u)
	buf := make([]uint32, 4096)
	it := bm.ManyIterator()
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		vs := buf[:n]
		for len(vs) > 0 {
			// The run of values inside the current node.
			k := len(vs)
			if vs[k-1] >= hi {
				k, _ = slices.BinarySearch(vs, hi)
			}
			out[j] = xorKeys(keys, vs[:k], out[j])
			vs = vs[k:]
			if len(vs) > 0 {
				for vs[0] >= hi {
					j++
					if j == len(nodes) {
						return out // outside the nodes: cannot happen
					}
					_, hi = ix.span(l, nodes[j], u)
				}
			}
		}
	}
	return out
}

// keys is the cell key of bm in every node: from bm itself, or from its
// complement in the scope when that is smaller (XOR undoes itself).
func (c *qctx) keys(bm *roaring.Bitmap, u Unit, l Level, nodes []int) []uint64 {
	pop := c.scopePop(u)
	if n := bm.GetCardinality(); n*2 <= pop.GetCardinality() {
		return c.ix.xorWalk(bm, u, l, nodes)
	}
	ks := c.ix.xorWalk(roaring.AndNot(pop, bm), u, l, nodes)
	for j, i := range nodes {
		ks[j] ^= c.ix.popKey(l, i, u)
	}
	return ks
}

func parseOpt(s string) (*exprNode, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	e, err := ParseExpr(s)
	if err != nil {
		return nil, err
	}
	return e.(*exprNode), nil
}

// Count answers a Query.
func (ix *Index) Count(q Query) (Result, error) {
	e, err := parseOpt(q.Expr)
	if err != nil {
		return Result{}, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	res, err := ix.count(e, q.Unit, q.Period, q.Level, q.Scope, q.Cost)
	if err != nil {
		return Result{}, err
	}
	if q.Compare != nil {
		old, err := ix.count(e, q.Unit, *q.Compare, q.Level, q.Scope, q.Cost)
		if err != nil {
			return Result{}, err
		}
		for i := range res.Rows {
			res.Rows[i].Earlier = &old.Rows[i]
		}
		res.Total.Earlier = &old.Total
	}
	slices.SortStableFunc(res.Rows, func(a, b Row) int { return strings.Compare(a.Area, b.Area) })
	return res, nil
}

// count answers one period; rows are in ordinal order.
func (ix *Index) count(e *exprNode, u Unit, p Period, lvl Level, s Scope, cf *CostFilter) (Result, error) {
	c, err := ix.newCtx(s, p)
	if err != nil {
		return Result{}, err
	}
	l := levelFor(lvl, s)
	nodes := ix.scopeNodes(l, s)
	r := c.eval(e, u)
	return c.rows(r, u, l, nodes, cf), nil
}

func (c *qctx) rows(r *roaring.Bitmap, u Unit, l Level, nodes []int, cf *CostFilter) Result {
	ix := c.ix
	all := ix.alive
	if u == Households {
		all = ix.hhAlive
	}
	var n, pop []int64
	var ks []uint64
	var cost []int64
	par(func() {
		n = ix.counts(r, u, l, nodes)
		pop = ix.counts(all, u, l, nodes)
		ks = c.keys(r, u, l, nodes)
	}, func() {
		if cf != nil {
			set := r
			if u == Households {
				set = c.members(r)
			}
			cost = c.costSums(set, l, nodes, *cf)
		}
	})
	res := Result{Rows: make([]Row, len(nodes)), Total: Row{Area: ""}}
	for j, i := range nodes {
		row := Row{Area: ix.lv[l][i].code, Count: n[j], Population: pop[j], Key: ks[j]}
		if cost != nil {
			row.CostCents = cost[j]
		}
		res.Rows[j] = row
		res.Total.Count += row.Count
		res.Total.Population += row.Population
		res.Total.CostCents += row.CostCents
		res.Total.Key ^= row.Key
	}
	return res
}

// matchCost says whether a measure passes a cost filter.
func (f CostFilter) match(m measureKey) bool {
	return (f.Wet == "" || f.Wet == m.Wet) && (f.Taakveld == "" || f.Taakveld == m.Taakveld) &&
		(f.Categorie == "" || f.Categorie == m.Categorie)
}

// costSums sums the period's costs of the persons in set per node (by the
// person's own area).
func (c *qctx) costSums(set *roaring.Bitmap, l Level, nodes []int, f CostFilter) []int64 {
	ix := c.ix
	out := make([]int64, len(nodes))
	if len(nodes) == 0 {
		return out
	}
	var arr []uint32
	pop := c.scopePop(Persons)
	everyone := set == pop || set.AndCardinality(pop) == pop.GetCardinality()
	for m := c.m0; m < c.m1; m++ {
		for mi, col := range ix.costs[m] {
			if col == nil || !f.match(ix.meas[mi]) {
				continue
			}
			if everyone {
				ix.colSums(col, l, nodes, out)
				continue
			}
			// Walk the smaller side and look up in the other.
			for j, i := range nodes {
				lo, hi := ix.span(l, i, Persons)
				a, b := col.rank(lo), col.rank(hi)
				if b == a {
					continue
				}
				inSet := set.CardinalityInRange(uint64(lo), uint64(hi))
				if inSet == 0 {
					continue
				}
				if int(inSet) < b-a {
					if arr == nil {
						arr = set.ToArray()
					}
					s0, _ := slices.BinarySearch(arr, lo)
					pos := a
					for _, v := range arr[s0 : s0+int(inSet)] {
						k, found := slices.BinarySearch(col.ords[pos:b], v)
						pos += k
						if found {
							out[j] += col.cents(pos)
						}
					}
				} else {
					for k := a; k < b; k++ {
						if set.Contains(col.ords[k]) {
							out[j] += col.cents(k)
						}
					}
				}
			}
		}
	}
	return out
}

// Trend answers q for each month of q.Period separately, as totals over
// q.Scope (q.Level and q.Compare are ignored).
func (ix *Index) Trend(q Query) ([]TrendPoint, error) {
	e, err := parseOpt(q.Expr)
	if err != nil {
		return nil, err
	}
	if q.Period.Months() == 0 {
		return nil, ErrEmptyPeriod
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]TrendPoint, 0, q.Period.Months())
	for m := q.Period.From; m < q.Period.To; m++ {
		res, err := ix.count(e, q.Unit, Period{m, m + 1}, ByGemeente, q.Scope, q.Cost)
		if err != nil {
			return nil, err
		}
		out = append(out, TrendPoint{Month: m, Row: res.Total})
	}
	return out, nil
}

// Stacking is the CBS stacking table per area and its total over the scope.
func (ix *Index) Stacking(u Unit, p Period, l Level, s Scope) ([]StackRow, StackRow, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	c, err := ix.newCtx(s, p)
	if err != nil {
		return nil, StackRow{}, err
	}
	l = levelFor(l, s)
	nodes := ix.scopeNodes(l, s)
	var jw, pw, wmo *roaring.Bitmap
	par(func() { jw = c.union(ix.indicatorID(WetInd("jw")), u) },
		func() { pw = c.union(ix.indicatorID(WetInd("pw")), u) },
		func() { wmo = c.union(ix.indicatorID(WetInd("wmo")), u) })
	var jp, jm, pm *roaring.Bitmap
	par(func() { jp = roaring.And(jw, pw) }, func() { jm = roaring.And(jw, wmo) }, func() { pm = roaring.And(pw, wmo) })
	all := roaring.And(jp, wmo)
	sets := []*roaring.Bitmap{jw, pw, wmo, jp, jm, pm, all}
	var n [7][]int64
	var k [7][]uint64
	var work []func()
	for i, bm := range sets {
		work = append(work, func() {
			n[i] = ix.counts(bm, u, l, nodes)
			k[i] = ix.xorWalk(bm, u, l, nodes)
		})
	}
	par(work...)
	popAll := ix.alive
	if u == Households {
		popAll = ix.hhAlive
	}
	pop := ix.counts(popAll, u, l, nodes)
	rows := make([]StackRow, len(nodes))
	var total StackRow
	for j, i := range nodes {
		// Exact categories by inclusion-exclusion; XOR keys follow the same
		// pattern because a key counts membership modulo 2.
		cn := [7]int64{
			n[0][j] - n[3][j] - n[4][j] + n[6][j],
			n[1][j] - n[3][j] - n[5][j] + n[6][j],
			n[2][j] - n[4][j] - n[5][j] + n[6][j],
			n[3][j] - n[6][j],
			n[4][j] - n[6][j],
			n[5][j] - n[6][j],
			n[6][j],
		}
		ck := [7]uint64{
			k[0][j] ^ k[3][j] ^ k[4][j] ^ k[6][j],
			k[1][j] ^ k[3][j] ^ k[5][j] ^ k[6][j],
			k[2][j] ^ k[4][j] ^ k[5][j] ^ k[6][j],
			k[3][j] ^ k[6][j],
			k[4][j] ^ k[6][j],
			k[5][j] ^ k[6][j],
			k[6][j],
		}
		area := ix.lv[l][i].code
		row := StackRow{Area: area, Population: pop[j]}
		row.Any = Row{Area: area, Population: pop[j]}
		for x := range cn {
			row.Cells[x] = Row{Area: area, Count: cn[x], Population: pop[j], Key: ck[x]}
			row.Any.Count += cn[x]
			row.Any.Key ^= ck[x]
			total.Cells[x].Count += cn[x]
			total.Cells[x].Key ^= ck[x]
		}
		total.Any.Count += row.Any.Count
		total.Any.Key ^= row.Any.Key
		total.Population += pop[j]
		rows[j] = row
	}
	for x := range total.Cells {
		total.Cells[x].Population = total.Population
	}
	total.Any.Population = total.Population
	slices.SortStableFunc(rows, func(a, b StackRow) int { return strings.Compare(a.Area, b.Area) })
	return rows, total, nil
}

// costGroup names the group of a measure for Costs.
func costGroup(m measureKey, by string) (string, error) {
	switch by {
	case "wet":
		return m.Wet, nil
	case "taakveld":
		return m.Taakveld, nil
	case "categorie":
		return m.Wet + ":" + m.Categorie, nil
	}
	return "", fmt.Errorf("monitor: onbekende indeling %q (wet, taakveld of categorie)", by)
}

// Costs sums costs in a period per area and group, by "wet", "taakveld" or
// "categorie" ("wet:categorie"). Rows are ordered by area, then group; an
// area and group without cost has no row.
func (ix *Index) Costs(p Period, l Level, s Scope, by string) ([]CostRow, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.costs2(p, l, s, by, false)
}

// CostsTotal is Costs summed over the whole scope: one row per group, with
// Area "".
func (ix *Index) CostsTotal(p Period, s Scope, by string) ([]CostRow, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.costs2(p, ByGemeente, s, by, true)
}

func (ix *Index) costs2(p Period, l Level, s Scope, by string, total bool) ([]CostRow, error) {
	c, err := ix.newCtx(s, p)
	if err != nil {
		return nil, err
	}
	if _, err := costGroup(measureKey{}, by); err != nil {
		return nil, err
	}
	l = levelFor(l, s)
	nodes := ix.scopeNodes(l, s)
	if total {
		l, nodes = c.topL, c.top
	}
	groups := map[string][]int{}
	var names []string
	for mi, m := range ix.meas {
		g, _ := costGroup(m, by)
		if _, ok := groups[g]; !ok {
			names = append(names, g)
		}
		groups[g] = append(groups[g], mi)
	}
	sort.Strings(names)
	perNode := make([][]CostRow, len(nodes))
	var out []CostRow
	type groupRes struct {
		cents, n []int64
		ks       []uint64
	}
	res := make([]groupRes, len(names))
	var work []func()
	for gi, g := range names {
		work = append(work, func() {
			cents := make([]int64, len(nodes))
			for m := c.m0; m < c.m1; m++ {
				for _, mi := range groups[g] {
					if col := ix.costs[m][mi]; col != nil {
						ix.colSums(col, l, nodes, cents)
					}
				}
			}
			who := c.restrict(c.costUnion(by, g, groups[g]), Persons)
			res[gi] = groupRes{cents: cents, n: ix.counts(who, Persons, l, nodes), ks: ix.xorWalk(who, Persons, l, nodes)}
		})
	}
	par(work...)
	for gi, g := range names {
		cents, n, ks := res[gi].cents, res[gi].n, res[gi].ks
		var tot CostRow
		for j, i := range nodes {
			if total {
				tot.Cents += cents[j]
				tot.Persons += n[j]
				tot.Key ^= ks[j]
				continue
			}
			if n[j] == 0 && cents[j] == 0 {
				continue
			}
			perNode[j] = append(perNode[j], CostRow{Area: ix.lv[l][i].code, Group: g, Cents: cents[j], Persons: n[j], Key: ks[j]})
		}
		if total && (tot.Persons != 0 || tot.Cents != 0) {
			tot.Group = g
			out = append(out, tot)
		}
	}
	// Areas in code order, groups in name order within an area.
	order := make([]int, len(nodes))
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(ix.lv[l][nodes[a]].code, ix.lv[l][nodes[b]].code) })
	for _, j := range order {
		out = append(out, perNode[j]...)
	}
	return out, nil
}

// costUnion is everyone with a cost in a group of measures in the period,
// over the full range (cached).
func (c *qctx) costUnion(by, g string, ms []int) *roaring.Bitmap {
	key := fmt.Sprintf("c%s/%s/%d-%d", by, g, c.m0, c.m1)
	if bm := c.ix.cache.get(key); bm != nil {
		return bm
	}
	// Set bits in a plain bitset (one store per entry), then compress once:
	// far cheaper than a roaring bitmap per column and a union.
	dense := make([]uint64, (c.ix.personID.len()+63)/64)
	for m := c.m0; m < c.m1; m++ {
		for _, mi := range ms {
			if col := c.ix.costs[m][mi]; col != nil {
				for _, v := range col.ords {
					dense[v>>6] |= 1 << (v & 63)
				}
			}
		}
	}
	bm := roaring.New()
	bm.FromDense(dense, true)
	bm.RunOptimize()
	c.ix.cache.put(key, bm)
	return bm
}

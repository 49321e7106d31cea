package monitor

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// Builder collects persons and households and builds an Index. It stores
// its input compactly (interned codes, flat fact and cost slices) so that a
// national population fits next to the index it becomes.
type Builder struct {
	secret  uint64
	period  *Period
	persons chunks[pin] // every chunk full but the last: index i is at(i)
	facts   chunks[factRec]
	costs   chunks[costRec]
	zrms    chunks[zrmRec]

	areaID map[Area]uint32
	areas  []Area
	indID  map[string]uint32
	inds   []string
	measID map[measureKey]uint32
	meas   []measureKey
	domID  map[string]uint32
	doms   []string
	hh     map[uint64]HouseholdInput
}

type pin struct {
	id, hh uint64
	area   uint32
	f0, f1 uint32
	c0, c1 uint32
	z0, z1 uint32
}

type factRec struct {
	ind      uint32
	from, to Month
}

type costRec struct {
	month Month
	meas  uint32
	cents int64
}

type zrmRec struct {
	dom           uint32
	first, latest int8
}

// NewBuilder starts an empty index. secret keys the per-person record keys
// that cell keys are made of (derive it from the installation's key file, so
// every process and every rebuild gives a cell the same key).
func NewBuilder(secret uint64) *Builder {
	return &Builder{
		secret: secret,
		areaID: map[Area]uint32{},
		indID:  map[string]uint32{},
		measID: map[measureKey]uint32{},
		domID:  map[string]uint32{},
		hh:     map[uint64]HouseholdInput{},
	}
}

// SetPeriod fixes the months the index holds; facts and costs outside it
// are dropped. Without it the index spans the earliest start to the latest
// month any fact starts in or any cost falls in, extended by fact ends up to
// a year beyond that (so an open-ended fact, To far in the future, does not
// stretch the index).
func (b *Builder) SetPeriod(p Period) { b.period = &p }

// Len is the number of persons added so far.
func (b *Builder) Len() int { return b.persons.len() }

func intern[K comparable](m map[K]uint32, list *[]K, k K) uint32 {
	if id, ok := m[k]; ok {
		return id
	}
	id := uint32(len(*list))
	m[k] = id
	*list = append(*list, k)
	return id
}

// Add adds a person with their facts and costs. A person's household is
// created on first mention. Adding the same person id twice makes Build fail.
func (b *Builder) Add(p PersonInput) {
	r := pin{id: p.ID, hh: p.Household, area: intern(b.areaID, &b.areas, p.Area)}
	r.f0 = b.facts.begin(len(p.Facts))
	r.f1 = r.f0
	for _, f := range p.Facts {
		if f.To <= f.From {
			continue
		}
		b.facts.push(factRec{ind: intern(b.indID, &b.inds, f.Indicator), from: f.From, to: f.To})
		r.f1++
	}
	r.c0 = b.costs.begin(len(p.Costs))
	r.c1 = r.c0
	for _, c := range p.Costs {
		if c.Cents == 0 {
			continue
		}
		k := measureKey{c.Wet, c.Taakveld, c.Categorie}
		b.costs.push(costRec{month: c.Month, meas: intern(b.measID, &b.meas, k), cents: c.Cents})
		r.c1++
	}
	r.z0 = b.zrms.begin(len(p.ZRM))
	r.z1 = r.z0
	for _, z := range p.ZRM {
		b.zrms.push(zrmRec{dom: intern(b.domID, &b.doms, z.Domain), first: int8(z.First), latest: int8(z.Latest)})
		r.z1++
	}
	b.persons.begin(1)
	b.persons.push(r)
}

// AddHousehold sets a household's outcomes. A household no person belongs
// to is not in the index.
func (b *Builder) AddHousehold(h HouseholdInput) { b.hh[h.ID] = h }

// spare is the room left in a leaf for growth without renumbering.
func spare(n int) int { return n + n/10 + 16 }

func areaLess(a, b Area) int {
	if c := cmp.Compare(a.Gemeente, b.Gemeente); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Wijk, b.Wijk); c != 0 {
		return c
	}
	return cmp.Compare(a.Buurt, b.Buurt)
}

func (b *Builder) months() Period {
	if b.period != nil {
		return *b.period
	}
	lo, hi := Month(1<<30), Month(-1<<30)
	b.facts.each(func(f *factRec) {
		lo = min(lo, f.from)
		hi = max(hi, f.from+1)
	})
	b.costs.each(func(c *costRec) {
		lo = min(lo, c.month)
		hi = max(hi, c.month+1)
	})
	if hi < lo {
		return Period{}
	}
	base := hi
	b.facts.each(func(f *factRec) {
		if f.to <= base+12 {
			hi = max(hi, f.to)
		}
	})
	return Period{lo, hi}
}

// Build numbers persons so that every gemeente, wijk and buurt is a
// contiguous range (with room to grow) and builds the bitmaps. The Builder
// should not be used afterwards.
func (b *Builder) Build() (*Index, error) {
	n := b.persons.len()
	ids := make([]uint64, 0, n)
	b.persons.each(func(p *pin) { ids = append(ids, p.id) })
	slices.Sort(ids)
	for i := 1; i < n; i++ {
		if ids[i] == ids[i-1] {
			return nil, fmt.Errorf("monitor: build: person %d added twice", ids[i])
		}
	}
	ids = nil

	ix := &Index{secret: b.secret, months: b.months()}
	ix.pkA, ix.pkB, ix.hkA, ix.hkB = deriveKeys(b.secret)

	// Leaves in area order.
	na := len(b.areas)
	aorder := make([]uint32, na)
	for i := range aorder {
		aorder[i] = uint32(i)
	}
	slices.SortFunc(aorder, func(x, y uint32) int { return areaLess(b.areas[x], b.areas[y]) })
	leafOfArea := make([]uint32, na)
	for r, a := range aorder {
		leafOfArea[a] = uint32(r)
	}

	// Persons by (household, leaf, id): a household lives in the leaf of its
	// first member in area order.
	byHH := make([]uint32, n)
	for i := range byHH {
		byHH[i] = uint32(i)
	}
	slices.SortFunc(byHH, func(x, y uint32) int {
		px, py := b.persons.at(int(x)), b.persons.at(int(y))
		if c := cmp.Compare(px.hh, py.hh); c != 0 {
			return c
		}
		if c := cmp.Compare(leafOfArea[px.area], leafOfArea[py.area]); c != 0 {
			return c
		}
		return cmp.Compare(px.id, py.id)
	})
	type hhRec struct {
		id   uint64
		leaf uint32
	}
	var hhs []hhRec
	groupOf := make([]uint32, n) // person index -> household group
	for i, pi := range byHH {
		p := b.persons.at(int(pi))
		if i == 0 || b.persons.at(int(byHH[i-1])).hh != p.hh {
			hhs = append(hhs, hhRec{id: p.hh, leaf: leafOfArea[p.area]})
		}
		groupOf[pi] = uint32(len(hhs) - 1)
	}

	// Counts per leaf, then ranges with spare room.
	pCount := make([]int, na)
	hCount := make([]int, na)
	for _, pi := range byHH {
		pCount[leafOfArea[b.persons.at(int(pi)).area]]++
	}
	for _, h := range hhs {
		hCount[h.leaf]++
	}
	ix.leaves = make([]leaf, na)
	var pos, hpos uint32
	leafNodes := make([]node, na)
	for r := 0; r < na; r++ {
		lf := &ix.leaves[r]
		lf.area = b.areas[aorder[r]]
		lf.pNext = pos + uint32(pCount[r])
		lf.hNext = hpos + uint32(hCount[r])
		leafNodes[r] = node{lo: pos, hi: pos + uint32(spare(pCount[r])), hlo: hpos, hhi: hpos + uint32(spare(hCount[r]))}
		pos, hpos = leafNodes[r].hi, leafNodes[r].hhi
	}
	ix.setLevels(leafNodes)

	// Household ordinals: stable by leaf, so by (leaf, id) within a leaf.
	hhOrd := make([]uint32, len(hhs))
	{
		next := make([]uint32, na)
		for r := range next {
			next[r] = leafNodes[r].hlo
		}
		for g, h := range hhs {
			hhOrd[g] = next[h.leaf]
			next[h.leaf]++
		}
	}
	// Person ordinals: stable by leaf from the (household, leaf, id) order.
	byOrd := make([]uint32, pos) // ordinal -> person index (only used slots)
	{
		next := make([]uint32, na)
		for r := range next {
			next[r] = leafNodes[r].lo
		}
		for i := range byOrd {
			byOrd[i] = none
		}
		for _, pi := range byHH {
			r := leafOfArea[b.persons.at(int(pi)).area]
			byOrd[next[r]] = pi
			next[r]++
		}
	}
	byHH = nil

	wide := false
	b.persons.each(func(p *pin) { wide = wide || p.id > 0xffffffff })
	ix.personID = newIDs(int(pos), wide)
	ix.pkeys = make([]uint64, pos)
	ix.personHH = make([]uint32, pos)
	ix.personNext = make([]uint32, pos)
	wide = false
	for _, h := range hhs {
		wide = wide || h.id > 0xffffffff
	}
	ix.hhID = newIDs(int(hpos), wide)
	ix.hkeys = make([]uint64, hpos)
	ix.hhHead = make([]uint32, hpos)
	for i := range ix.hhHead {
		ix.hhHead[i] = none
	}
	ix.alive = roaring.New()
	ix.hhAlive = roaring.New()
	for r := range leafNodes {
		ix.alive.AddRange(uint64(leafNodes[r].lo), uint64(ix.leaves[r].pNext))
		ix.hhAlive.AddRange(uint64(leafNodes[r].hlo), uint64(ix.leaves[r].hNext))
	}
	for g, h := range hhs {
		ix.setHH(hhOrd[g], h.id)
		lf := &ix.leaves[h.leaf]
		lf.hKey ^= ix.hhKey(hhOrd[g])
	}
	for o := len(byOrd) - 1; o >= 0; o-- {
		pi := byOrd[o]
		if pi == none {
			continue
		}
		h := hhOrd[groupOf[pi]]
		ix.setPerson(uint32(o), b.persons.at(int(pi)).id)
		ix.personHH[o] = h
		ix.personNext[o] = ix.hhHead[h]
		ix.hhHead[h] = uint32(o)
	}
	for r := range leafNodes {
		for o := leafNodes[r].lo; o < ix.leaves[r].pNext; o++ {
			ix.leaves[r].pKey ^= ix.personKey(o)
		}
	}
	groupOf = nil

	// Independent parts, on both cores.
	par(func() { ix.buildIndicators(b, byOrd) }, func() { ix.buildCosts(b, byOrd) }, func() { ix.buildZRM(b, byOrd) })

	ix.hhEval = roaring.New()
	ix.hhOut = map[uint32]outcome{}
	for g, h := range hhs {
		if in, ok := b.hh[h.id]; ok {
			ix.setOutcome(hhOrd[g], in)
		}
	}
	ix.alive.RunOptimize()
	ix.hhAlive.RunOptimize()
	return ix, nil
}

func clampU16(v int) uint16 { return uint16(min(max(v, 0), 65535)) }

func (ix *Index) setOutcome(h uint32, in HouseholdInput) {
	if in.HasEvaluation {
		ix.hhEval.Add(h)
	} else {
		ix.hhEval.Remove(h)
	}
	o := outcome{goalR: clampU16(in.GoalsReached), goalT: clampU16(in.GoalsTotal), sat: uint8(min(max(in.Satisfaction, 0), 10))}
	if o == (outcome{}) {
		delete(ix.hhOut, h)
	} else {
		ix.hhOut[h] = o
	}
}

// setLevels derives gemeente and wijk nodes from the leaves (in area order)
// and names every node.
func (ix *Index) setLevels(leafNodes []node) {
	var gem, wijk []node
	for r := range leafNodes {
		a := ix.leaves[r].area
		ln := &leafNodes[r]
		ln.leafLo, ln.leafHi = r, r+1
		ln.areaSample = a
		ln.code = a.Buurt
		if ln.code == "" {
			ln.code = a.Wijk
			if ln.code == "" {
				ln.code = a.Gemeente
			}
		}
		if len(gem) == 0 || gem[len(gem)-1].areaSample.Gemeente != a.Gemeente {
			gem = append(gem, node{code: a.Gemeente, lo: ln.lo, hlo: ln.hlo, cLo: len(wijk), leafLo: r, areaSample: a})
		}
		g := &gem[len(gem)-1]
		if len(wijk) == 0 || wijk[len(wijk)-1].areaSample.Gemeente != a.Gemeente || wijk[len(wijk)-1].areaSample.Wijk != a.Wijk {
			code := a.Wijk
			if code == "" {
				code = a.Gemeente
			}
			wijk = append(wijk, node{code: code, lo: ln.lo, hlo: ln.hlo, cLo: r, leafLo: r, parent: len(gem) - 1, areaSample: a})
		}
		w := &wijk[len(wijk)-1]
		w.hi, w.hhi, w.cHi, w.leafHi = ln.hi, ln.hhi, r+1, r+1
		g.hi, g.hhi, g.cHi, g.leafHi = ln.hi, ln.hhi, len(wijk), r+1
		ln.parent = len(wijk) - 1
	}
	ix.lv = [3][]node{gem, wijk, leafNodes}
}

// buildIndicators fills the indicator bitmaps, walking persons in ordinal
// order so every bitmap is appended to in order, buffered for AddMany.
func (ix *Index) buildIndicators(b *Builder, byOrd []uint32) {
	per := ix.months
	nm := per.Months()
	k := len(b.inds)
	ix.inds = make([]*indicator, k)
	ix.indByID = make(map[string]int, k)
	for i, code := range b.inds {
		ix.inds[i] = newIndicator(code, nm)
		ix.indByID[code] = i
	}
	if nm == 0 {
		return
	}
	nk := numKeys(nm)
	per1 := nk + 2*nm // slots per indicator
	const bufMax = 2048
	bufs := make([][]uint32, k*per1)
	var runs []run
	for o, pi := range byOrd {
		if pi == none {
			continue
		}
		p := b.persons.at(int(pi))
		runs = runs[:0]
		for _, f := range b.facts.slice(p.f0, p.f1) {
			from, to := max(f.from, per.From), min(f.to, per.To)
			if from < to {
				runs = append(runs, run{ind: f.ind, from: int(from - per.From), to: int(to - per.From)})
			}
		}
		runs = mergeRuns(runs)
		for _, r := range runs {
			base := int(r.ind) * per1
			encodeRun(r.from, r.to, nm, func(kind, i int) {
				s := base + i
				if kind == 1 {
					s += nk
				} else if kind == 2 {
					s += nk + nm
				}
				bufs[s] = append(bufs[s], uint32(o))
				if len(bufs[s]) >= bufMax {
					ix.slotBitmap(s, per1, nk, nm).AddMany(bufs[s])
					bufs[s] = bufs[s][:0]
				}
			})
		}
	}
	for s := range bufs {
		if len(bufs[s]) > 0 {
			ix.slotBitmap(s, per1, nk, nm).AddMany(bufs[s])
		}
	}
	for _, ind := range ix.inds {
		for _, bm := range ind.bitmaps() {
			bm.RunOptimize()
		}
	}
}

func (ix *Index) slotBitmap(s, per1, nk, nm int) *roaring.Bitmap {
	ind := ix.inds[s/per1]
	i := s % per1
	switch {
	case i < nk:
		return ind.key[i]
	case i < nk+nm:
		return ind.add[i-nk]
	}
	return ind.rem[i-nk-nm]
}

func (ix *Index) buildCosts(b *Builder, byOrd []uint32) {
	per := ix.months
	nm := per.Months()
	ix.meas = slices.Clone(b.meas)
	ix.measByKey = make(map[measureKey]int, len(ix.meas))
	for i, m := range ix.meas {
		ix.measByKey[m] = i
	}
	ix.costs = make([][]*costCol, nm)
	for m := range ix.costs {
		ix.costs[m] = make([]*costCol, len(ix.meas))
	}
	var tmp []costRec
	for o, pi := range byOrd {
		if pi == none {
			continue
		}
		p := b.persons.at(int(pi))
		if p.c0 == p.c1 {
			continue
		}
		tmp = append(tmp[:0], b.costs.slice(p.c0, p.c1)...)
		slices.SortFunc(tmp, func(x, y costRec) int {
			if c := cmp.Compare(x.month, y.month); c != 0 {
				return c
			}
			return cmp.Compare(x.meas, y.meas)
		})
		for i := 0; i < len(tmp); {
			c := tmp[i]
			j := i + 1
			for ; j < len(tmp) && tmp[j].month == c.month && tmp[j].meas == c.meas; j++ {
				c.cents += tmp[j].cents
			}
			i = j
			if c.month < per.From || c.month >= per.To || c.cents == 0 {
				continue
			}
			col := ix.costs[c.month-per.From][c.meas]
			if col == nil {
				col = &costCol{}
				ix.costs[c.month-per.From][c.meas] = col
			}
			col.ords = append(col.ords, uint32(o))
			col.c64 = append(col.c64, c.cents)
		}
	}
	for _, row := range ix.costs {
		for _, col := range row {
			if col == nil {
				continue
			}
			col.ords = slices.Clip(col.ords)
			fits := true
			for _, v := range col.c64 {
				if v != int64(int32(v)) {
					fits = false
					break
				}
			}
			if fits {
				col.c32 = make([]int32, len(col.c64))
				for i, v := range col.c64 {
					col.c32[i] = int32(v)
				}
				col.c64 = nil
			} else {
				col.c64 = slices.Clip(col.c64)
			}
			ix.makeCum(col)
		}
	}
}

func (ix *Index) buildZRM(b *Builder, byOrd []uint32) {
	ix.doms = slices.Clone(b.doms)
	ix.domByKey = make(map[string]int, len(ix.doms))
	ix.zrm = make([]*zrmCol, len(ix.doms))
	for i, d := range ix.doms {
		ix.domByKey[d] = i
		ix.zrm[i] = &zrmCol{}
	}
	for o, pi := range byOrd {
		if pi == none {
			continue
		}
		p := b.persons.at(int(pi))
		for _, z := range b.zrms.slice(p.z0, p.z1) {
			c := ix.zrm[z.dom]
			if k := len(c.ords); k > 0 && c.ords[k-1] == uint32(o) {
				// Last one wins for a repeated domain.
				c.first[k-1], c.latest[k-1] = z.first, z.latest
				continue
			}
			c.ords = append(c.ords, uint32(o))
			c.first = append(c.first, z.first)
			c.latest = append(c.latest, z.latest)
		}
	}
}

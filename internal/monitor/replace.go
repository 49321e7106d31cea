package monitor

import (
	"fmt"
	"slices"
)

// ReplaceHousehold replaces everything the index holds for a household with
// members (none: the household is removed). Members that were in another
// household leave it. Queries see the change atomically.
//
// New persons take spare ordinals of their buurt, so nothing is renumbered.
// When a buurt has no room left, or a member lives in an area the index
// does not know, the index is rebuilt from its own contents (slow at
// national scale, rare: every buurt has 10% + 16 spare ordinals).
func (ix *Index) ReplaceHousehold(h HouseholdInput, members []PersonInput) error {
	seen := map[uint64]bool{}
	for i := range members {
		if seen[members[i].ID] {
			return fmt.Errorf("monitor: replace household %d: person %d twice", h.ID, members[i].ID)
		}
		seen[members[i].ID] = true
	}
	ms := make([]PersonInput, len(members))
	copy(ms, members)
	for i := range ms {
		ms[i].Household = h.ID
	}

	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.cache.clear()
	ix.ensureLookups()

	dirty := map[uint32]bool{}
	if ho, ok := ix.byHH[h.ID]; ok {
		for p := ix.hhHead[ho]; p != none; {
			next := ix.personNext[p]
			ix.removePerson(p)
			p = next
		}
		ix.removeHousehold(ho)
	}
	for _, m := range ms {
		if po, ok := ix.byPerson[m.ID]; ok {
			dirty[ix.personHH[po]] = true
			ix.removePerson(po)
		}
	}

	if len(ms) > 0 {
		if !ix.hasRoom(ms) {
			return ix.rebuild(h, ms)
		}
		hl := ix.leafByArea(minArea(ms))
		ho, _ := ix.allocHH(hl)
		ix.setHH(ho, h.ID)
		ix.hhHead[ho] = none
		ix.hhAlive.Add(ho)
		ix.leaves[hl].hKey ^= ix.hhKey(ho)
		ix.byHH[h.ID] = ho
		ix.setOutcome(ho, h)
		for _, m := range ms {
			ix.addPerson(m, ho)
		}
	}

	hos := make([]uint32, 0, len(dirty))
	for ho := range dirty {
		hos = append(hos, ho)
	}
	slices.Sort(hos)
	for _, ho := range hos {
		if ix.hhHead[ho] == none {
			ix.removeHousehold(ho)
			continue
		}
		// The household lives in its first member's area; if that member
		// left, it may have to move.
		want := ix.leafByArea(ix.minMemberArea(ho))
		if want != ix.hhLeafOf(ho) && !ix.moveHousehold(ho, want) {
			return ix.rebuild(HouseholdInput{}, nil)
		}
	}
	return nil
}

// ensureLookups builds the id lookups on first use.
func (ix *Index) ensureLookups() {
	if ix.byPerson != nil {
		return
	}
	ix.byPerson = make(map[uint64]uint32, ix.alive.GetCardinality())
	it := ix.alive.Iterator()
	for it.HasNext() {
		p := it.Next()
		ix.byPerson[ix.personID.get(p)] = p
	}
	ix.byHH = make(map[uint64]uint32, ix.hhAlive.GetCardinality())
	it = ix.hhAlive.Iterator()
	for it.HasNext() {
		h := it.Next()
		ix.byHH[ix.hhID.get(h)] = h
	}
}

func minArea(ms []PersonInput) Area {
	a := ms[0].Area
	for _, m := range ms[1:] {
		if areaLess(m.Area, a) < 0 {
			a = m.Area
		}
	}
	return a
}

func (ix *Index) minMemberArea(ho uint32) Area {
	first := true
	var a Area
	for p := ix.hhHead[ho]; p != none; p = ix.personNext[p] {
		pa := ix.leaves[ix.leafOf(p)].area
		if first || areaLess(pa, a) < 0 {
			a, first = pa, false
		}
	}
	return a
}

// leafByArea finds the leaf of an area, or -1.
func (ix *Index) leafByArea(a Area) int {
	lv := ix.leaves
	i, found := slices.BinarySearchFunc(lv, a, func(l leaf, a Area) int { return areaLess(l.area, a) })
	if !found {
		return -1
	}
	return i
}

// hasRoom says whether every member's area is known and has room for the
// members and the household.
func (ix *Index) hasRoom(ms []PersonInput) bool {
	need := map[int]int{}
	for _, m := range ms {
		r := ix.leafByArea(m.Area)
		if r < 0 {
			return false
		}
		need[r]++
	}
	for r, n := range need {
		lf := &ix.leaves[r]
		if len(lf.pFree)+int(ix.lv[2][r].hi-lf.pNext) < n {
			return false
		}
	}
	hl := ix.leafByArea(minArea(ms))
	lf := &ix.leaves[hl]
	return len(lf.hFree)+int(ix.lv[2][hl].hhi-lf.hNext) > 0
}

func (ix *Index) allocPerson(r int) (uint32, bool) {
	lf := &ix.leaves[r]
	if n := len(lf.pFree); n > 0 {
		p := lf.pFree[n-1]
		lf.pFree = lf.pFree[:n-1]
		return p, true
	}
	if lf.pNext < ix.lv[2][r].hi {
		lf.pNext++
		return lf.pNext - 1, true
	}
	return 0, false
}

func (ix *Index) allocHH(r int) (uint32, bool) {
	lf := &ix.leaves[r]
	if n := len(lf.hFree); n > 0 {
		h := lf.hFree[n-1]
		lf.hFree = lf.hFree[:n-1]
		return h, true
	}
	if lf.hNext < ix.lv[2][r].hhi {
		lf.hNext++
		return lf.hNext - 1, true
	}
	return 0, false
}

// removePerson takes a person out of everything, including their
// household's member list (not the household's own bits).
func (ix *Index) removePerson(p uint32) {
	for _, ind := range ix.inds {
		for _, bm := range ind.bitmaps() {
			bm.Remove(p)
		}
	}
	for _, row := range ix.costs {
		for _, col := range row {
			if col != nil {
				ix.colRemove(col, p)
			}
		}
	}
	for _, col := range ix.zrm {
		if i, found := slices.BinarySearch(col.ords, p); found {
			col.ords = slices.Delete(col.ords, i, i+1)
			col.first = slices.Delete(col.first, i, i+1)
			col.latest = slices.Delete(col.latest, i, i+1)
		}
	}
	ho := ix.personHH[p]
	if ix.hhHead[ho] == p {
		ix.hhHead[ho] = ix.personNext[p]
	} else {
		for q := ix.hhHead[ho]; q != none; q = ix.personNext[q] {
			if ix.personNext[q] == p {
				ix.personNext[q] = ix.personNext[p]
				break
			}
		}
	}
	r := ix.leafOf(p)
	ix.leaves[r].pKey ^= ix.personKey(p)
	ix.leaves[r].pFree = append(ix.leaves[r].pFree, p)
	ix.alive.Remove(p)
	delete(ix.byPerson, ix.personID.get(p))
	ix.setPerson(p, 0)
	ix.personHH[p] = none
	ix.personNext[p] = none
}

// removeHousehold drops a household (its members must be gone or moved).
func (ix *Index) removeHousehold(ho uint32) {
	ix.setOutcome(ho, HouseholdInput{})
	r := ix.hhLeafOf(ho)
	ix.leaves[r].hKey ^= ix.hhKey(ho)
	ix.leaves[r].hFree = append(ix.leaves[r].hFree, ho)
	ix.hhAlive.Remove(ho)
	delete(ix.byHH, ix.hhID.get(ho))
	ix.setHH(ho, 0)
	ix.hhHead[ho] = none
}

// moveHousehold gives a household an ordinal in another leaf.
func (ix *Index) moveHousehold(ho uint32, r int) bool {
	nh, ok := ix.allocHH(r)
	if !ok {
		return false
	}
	in := ix.outcomeInput(ho)
	head := ix.hhHead[ho]
	ix.hhHead[ho] = none
	ix.removeHousehold(ho)
	ix.setHH(nh, in.ID)
	ix.hhHead[nh] = head
	ix.hhAlive.Add(nh)
	ix.leaves[r].hKey ^= ix.hhKey(nh)
	ix.byHH[in.ID] = nh
	ix.setOutcome(nh, in)
	for p := head; p != none; p = ix.personNext[p] {
		ix.personHH[p] = nh
	}
	return true
}

func (ix *Index) internInd(code string) int {
	if i, ok := ix.indByID[code]; ok {
		return i
	}
	ix.indByID[code] = len(ix.inds)
	ix.inds = append(ix.inds, newIndicator(code, ix.months.Months()))
	return len(ix.inds) - 1
}

func (ix *Index) internMeasure(k measureKey) int {
	if i, ok := ix.measByKey[k]; ok {
		return i
	}
	ix.measByKey[k] = len(ix.meas)
	ix.meas = append(ix.meas, k)
	for m := range ix.costs {
		ix.costs[m] = append(ix.costs[m], nil)
	}
	return len(ix.meas) - 1
}

func (ix *Index) internDomain(d string) *zrmCol {
	if i, ok := ix.domByKey[d]; ok {
		return ix.zrm[i]
	}
	ix.domByKey[d] = len(ix.doms)
	ix.doms = append(ix.doms, d)
	ix.zrm = append(ix.zrm, &zrmCol{})
	return ix.zrm[len(ix.zrm)-1]
}

// addPerson places a person in household ho (room was checked).
func (ix *Index) addPerson(in PersonInput, ho uint32) {
	r := ix.leafByArea(in.Area)
	p, _ := ix.allocPerson(r)
	ix.setPerson(p, in.ID)
	ix.personHH[p] = ho
	ix.personNext[p] = ix.hhHead[ho]
	ix.hhHead[ho] = p
	ix.alive.Add(p)
	ix.leaves[r].pKey ^= ix.personKey(p)
	ix.byPerson[in.ID] = p
	per := ix.months
	nm := per.Months()
	var runs []run
	for _, f := range in.Facts {
		if f.To <= f.From {
			continue
		}
		id := ix.internInd(f.Indicator) // as Build: known even when outside the months
		from, to := max(f.From, per.From), min(f.To, per.To)
		if from < to {
			runs = append(runs, run{ind: uint32(id), from: int(from - per.From), to: int(to - per.From)})
		}
	}
	for _, r := range mergeRuns(runs) {
		ind := ix.inds[r.ind]
		encodeRun(r.from, r.to, nm, func(kind, i int) {
			switch kind {
			case 0:
				ind.key[i].Add(p)
			case 1:
				ind.add[i].Add(p)
			default:
				ind.rem[i].Add(p)
			}
		})
	}
	for _, c := range in.Costs {
		if c.Cents == 0 || c.Month < per.From || c.Month >= per.To {
			continue
		}
		mi := ix.internMeasure(measureKey{c.Wet, c.Taakveld, c.Categorie})
		row := ix.costs[c.Month-per.From]
		if row[mi] == nil {
			row[mi] = &costCol{}
		}
		ix.colAdd(row[mi], p, c.Cents) // costs that cancel out are no cost, as in Build
	}
	for _, z := range in.ZRM {
		col := ix.internDomain(z.Domain)
		i, found := slices.BinarySearch(col.ords, p)
		if found {
			col.first[i], col.latest[i] = int8(z.First), int8(z.Latest)
			continue
		}
		col.ords = slices.Insert(col.ords, i, p)
		col.first = slices.Insert(col.first, i, int8(z.First))
		col.latest = slices.Insert(col.latest, i, int8(z.Latest))
	}
}

// rebuild renumbers: it exports the index, adds the given household, builds
// afresh and takes over the result.
func (ix *Index) rebuild(h HouseholdInput, ms []PersonInput) error {
	b := ix.export()
	for _, m := range ms {
		b.Add(m)
	}
	if len(ms) > 0 {
		b.AddHousehold(h)
	}
	// Keep the months the index had (facts outside them were dropped as
	// they came in); an index that had none takes the new members' months.
	if ix.months.Months() == 0 {
		b.period = nil
	}
	n, err := b.Build()
	if err != nil {
		return fmt.Errorf("monitor: rebuild: %w", err)
	}
	ix.adopt(n)
	ix.byPerson, ix.byHH = nil, nil
	ix.ensureLookups()
	return nil
}

// adopt takes over another index's contents (not its lock).
func (ix *Index) adopt(n *Index) {
	ix.secret, ix.pkA, ix.pkB, ix.hkA, ix.hkB = n.secret, n.pkA, n.pkB, n.hkA, n.hkB
	ix.months = n.months
	ix.lv, ix.leaves = n.lv, n.leaves
	ix.alive, ix.hhAlive = n.alive, n.hhAlive
	ix.personID, ix.personHH, ix.personNext = n.personID, n.personHH, n.personNext
	ix.hhID, ix.hhHead = n.hhID, n.hhHead
	ix.pkeys, ix.hkeys = n.pkeys, n.hkeys
	ix.inds, ix.indByID = n.inds, n.indByID
	ix.meas, ix.measByKey, ix.costs = n.meas, n.measByKey, n.costs
	ix.doms, ix.domByKey, ix.zrm = n.doms, n.domByKey, n.zrm
	ix.hhEval, ix.hhOut = n.hhEval, n.hhOut
	ix.byPerson, ix.byHH = n.byPerson, n.byHH
	ix.cache.clear()
}

// export turns the index back into builder input: every person with facts
// per month (merged into runs), costs and ZRM changes, and every household
// outcome.
func (ix *Index) export() *Builder {
	b := NewBuilder(ix.secret)
	b.SetPeriod(ix.months)
	n := ix.personID.len()
	facts := make([][]Fact, n)
	for _, ind := range ix.inds {
		for m := 0; m < ix.months.Months(); m++ {
			month := ix.months.From + Month(m)
			it := ind.month(m, nil).Iterator()
			for it.HasNext() {
				p := it.Next()
				fs := facts[p]
				if k := len(fs); k > 0 && fs[k-1].Indicator == ind.code && fs[k-1].To == month {
					fs[k-1].To++
					continue
				}
				facts[p] = append(fs, Fact{Indicator: ind.code, From: month, To: month + 1})
			}
		}
	}
	costs := make(map[uint32][]Cost)
	for m, row := range ix.costs {
		for mi, col := range row {
			if col == nil {
				continue
			}
			k := ix.meas[mi]
			for i, p := range col.ords {
				costs[p] = append(costs[p], Cost{Month: ix.months.From + Month(m), Wet: k.Wet, Taakveld: k.Taakveld, Categorie: k.Categorie, Cents: col.cents(i)})
			}
		}
	}
	zrm := make(map[uint32][]ZRMChange)
	for d, col := range ix.zrm {
		for i, p := range col.ords {
			zrm[p] = append(zrm[p], ZRMChange{Domain: ix.doms[d], First: int(col.first[i]), Latest: int(col.latest[i])})
		}
	}
	it := ix.alive.Iterator()
	for it.HasNext() {
		p := it.Next()
		b.Add(PersonInput{
			ID: ix.personID.get(p), Household: ix.hhID.get(ix.personHH[p]), Area: ix.leaves[ix.leafOf(p)].area,
			Facts: facts[p], Costs: costs[p], ZRM: zrm[p],
		})
	}
	it = ix.hhAlive.Iterator()
	for it.HasNext() {
		h := it.Next()
		if _, ok := ix.hhOut[h]; ok || ix.hhEval.Contains(h) {
			b.AddHousehold(ix.outcomeInput(h))
		}
	}
	return b
}

// outcomeInput gives back what setOutcome stored.
func (ix *Index) outcomeInput(h uint32) HouseholdInput {
	o := ix.hhOut[h]
	return HouseholdInput{ID: ix.hhID.get(h), GoalsReached: int(o.goalR), GoalsTotal: int(o.goalT),
		Satisfaction: int(o.sat), HasEvaluation: ix.hhEval.Contains(h)}
}

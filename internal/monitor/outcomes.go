package monitor

import (
	"slices"
	"sort"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
)

// Outcomes summarises outcomes of the persons matching expr (empty: all) per
// area, or per client profile when byProfile is set. The expression is
// evaluated over every month the index holds; see OutcomesIn for a period.
func (ix *Index) Outcomes(expr string, l Level, s Scope, byProfile bool) ([]OutcomeRow, error) {
	return ix.OutcomesIn(expr, Period{}, l, s, byProfile)
}

// OutcomesIn is Outcomes with the expression (and the client profiles)
// evaluated over period p; an empty p means every month of the index.
//
// Per group: for every ZRM domain, the persons in the set with a first and
// a latest assessment on it and the sum of their changes; the households
// with an evaluation that have a member in the set, with their goals and
// satisfaction. Households are grouped by their own area, persons by
// theirs. With byProfile the groups are "profiel:<code>" over the whole
// scope: the set's persons who had that profile in the period.
func (ix *Index) OutcomesIn(expr string, p Period, l Level, s Scope, byProfile bool) ([]OutcomeRow, error) {
	e, err := parseOpt(expr)
	if err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if p.Months() == 0 {
		p = ix.months
		if p.Months() == 0 {
			p = Period{0, 1} // no months: indicators are empty, everyone is everyone
		}
	}
	c, err := ix.newCtx(s, p)
	if err != nil {
		return nil, err
	}
	r := c.eval(e, Persons)
	if !byProfile {
		l = levelFor(l, s)
		nodes := ix.scopeNodes(l, s)
		rows := c.outcomeRows(r, l, nodes)
		slices.SortStableFunc(rows, func(a, b OutcomeRow) int { return strings.Compare(a.Group, b.Group) })
		return rows, nil
	}
	var codes []string
	for _, ind := range ix.inds {
		if strings.HasPrefix(ind.code, "profiel:") {
			codes = append(codes, ind.code)
		}
	}
	sort.Strings(codes)
	var out []OutcomeRow
	for _, code := range codes {
		set := roaring.And(r, c.union(ix.indicatorID(code), Persons))
		rows := c.outcomeRows(set, c.topL, c.top)
		sum := OutcomeRow{Group: code, ZRM: map[string]ZRMSum{}}
		for _, row := range rows {
			sum.Households += row.Households
			sum.GoalsReached += row.GoalsReached
			sum.GoalsTotal += row.GoalsTotal
			sum.Satisfaction += row.Satisfaction
			sum.SatisfactionN += row.SatisfactionN
			sum.Key ^= row.Key
			sum.SatisfactionKey ^= row.SatisfactionKey
			for d, z := range row.ZRM {
				t := sum.ZRM[d]
				t.N += z.N
				t.Delta += z.Delta
				t.Key ^= z.Key
				sum.ZRM[d] = t
			}
		}
		out = append(out, sum)
	}
	return out, nil
}

func (c *qctx) outcomeRows(set *roaring.Bitmap, l Level, nodes []int) []OutcomeRow {
	ix := c.ix
	rows := make([]OutcomeRow, len(nodes))
	for j, i := range nodes {
		rows[j] = OutcomeRow{Group: ix.lv[l][i].code, ZRM: map[string]ZRMSum{}}
	}
	for d, col := range ix.zrm {
		for j, i := range nodes {
			lo, hi := ix.span(l, i, Persons)
			a := lowerBound(col.ords, lo)
			b := lowerBound(col.ords, hi)
			var z ZRMSum
			for k := a; k < b; k++ {
				if set.Contains(col.ords[k]) {
					z.N++
					z.Delta += int64(col.latest[k]) - int64(col.first[k])
					z.Key ^= ix.personKey(col.ords[k])
				}
			}
			if z.N > 0 {
				rows[j].ZRM[ix.doms[d]] = z
			}
		}
	}
	h := roaring.And(c.lift(set), ix.hhEval)
	for j, i := range nodes {
		lo, hi := ix.span(l, i, Households)
		it := h.Iterator()
		it.AdvanceIfNeeded(lo)
		row := &rows[j]
		for it.HasNext() {
			v := it.Next()
			if v >= hi {
				break
			}
			row.Households++
			o := ix.hhOut[v]
			row.GoalsReached += int64(o.goalR)
			row.GoalsTotal += int64(o.goalT)
			k := ix.hhKey(v)
			row.Key ^= k
			if s := o.sat; s > 0 {
				row.Satisfaction += int64(s)
				row.SatisfactionN++
				row.SatisfactionKey ^= k
			}
		}
	}
	return rows
}

func lowerBound(a []uint32, x uint32) int {
	return sort.Search(len(a), func(i int) bool { return a[i] >= x })
}

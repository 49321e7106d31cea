package monitor

import "math"

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

// String shows a cell as CBS does: "." when suppressed.
func (c Cell) String() string {
	if c.Suppressed {
		return "."
	}
	return itoa(c.Value)
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Noise streams: one cell key drives independent draws for counts, money
// and means.
const (
	streamCount = 0x2545f4914f6cdd1d
	streamCents = 0x5851f42d4c957f2d
	streamMean  = 0x14057b7ef767814f
)

// noise draws a value in [-span, span] from a cell key, deterministically:
// the same set of persons always gets the same draw.
func noise(key, stream uint64, span int64) int64 {
	if span <= 0 {
		return 0
	}
	h := mix64(key ^ stream)
	return int64(h%uint64(2*span+1)) - span
}

// roundTo rounds v to the nearest multiple of base (halves up).
func roundTo(v, base int64) int64 {
	if base <= 1 {
		return v
	}
	if v >= 0 {
		return (v + base/2) / base * base
	}
	return -((-v + (base-1)/2) / base * base)
}

// floor is the smallest value an unsuppressed count may show.
func (r Rule) floor() int64 {
	f := max(r.Threshold, 1)
	if r.Base > 1 && f%r.Base != 0 {
		f += r.Base - f%r.Base
	}
	return f
}

// Count publishes a count: 0 stays 0; 0 < n < Threshold is suppressed;
// otherwise n plus the cell's noise, rounded to Base, and never below
// Threshold.
func (r Rule) Count(n int64, key uint64) Cell {
	if n <= 0 {
		return Cell{}
	}
	if n < r.Threshold {
		return Cell{Suppressed: true}
	}
	v := roundTo(n+noise(key, streamCount, r.Noise), r.Base)
	return Cell{Value: max(v, r.floor())}
}

// CentsUnit is what money is rounded to when published: whole €1.000.
const CentsUnit = 100_000

// centsNoise is the largest relative perturbation of money, in parts per
// 100,000 (2%): large enough that the difference of two overlapping sums
// does not show what a handful of persons cost, small against a wijk's
// total.
const centsNoise = 2_000

// Cents publishes a money sum over n persons: 0 persons is 0, suppressed
// when the count n is, otherwise perturbed by up to 2% (drawn from the cell
// key, independently of the count's noise) and rounded to whole €1.000.
func (r Rule) Cents(cents, n int64, key uint64) Cell {
	if n <= 0 {
		return Cell{}
	}
	if n < r.Threshold {
		return Cell{Suppressed: true}
	}
	d := noise(key, streamCents, centsNoise)
	v := cents + int64(float64(cents)*float64(d)/100_000)
	v = roundTo(v, CentsUnit)
	if cents >= 0 && v < 0 {
		v = 0
	}
	return Cell{Value: v}
}

// MeanCell is a published mean.
type MeanCell struct {
	Value      float64
	Suppressed bool
}

// Mean publishes the mean sum/n of a quantity over n persons or
// households (a ZRM change, a satisfaction grade): suppressed when n is
// below Threshold (or 0), otherwise the sum perturbed by up to Noise units
// (drawn from the cell key) divided by n, rounded to one decimal.
func (r Rule) Mean(sum, n int64, key uint64) MeanCell {
	if n <= 0 || n < r.Threshold {
		return MeanCell{Suppressed: true}
	}
	v := float64(sum+noise(key, streamMean, r.Noise)) / float64(n)
	return MeanCell{Value: math.Round(v*10) / 10}
}

// Published is a Row after the rule: what a policy role may see.
type Published struct {
	Area       string     `json:"area"`
	Count      Cell       `json:"count"`
	Population Cell       `json:"population"`
	Share      float64    `json:"share"` // published count / exact population; 0 when suppressed
	Cost       Cell       `json:"cost"`
	Earlier    *Published `json:"earlier,omitempty"`
}

// Publish applies the rule to a row. The population of an area is public
// in kind (CBS publishes it) and is rounded to Base, without noise; the
// share is the published count over the exact population.
func (r Rule) Publish(row Row) Published {
	p := Published{Area: row.Area, Count: r.Count(row.Count, row.Key)}
	if row.Population > 0 && row.Population < r.Threshold {
		p.Population = Cell{Suppressed: true}
	} else {
		p.Population = Cell{Value: roundTo(row.Population, r.Base)}
	}
	if !p.Count.Suppressed && row.Population > 0 {
		p.Share = float64(p.Count.Value) / float64(row.Population)
	}
	p.Cost = r.Cents(row.CostCents, row.Count, row.Key)
	if row.Earlier != nil {
		e := r.Publish(*row.Earlier)
		p.Earlier = &e
	}
	return p
}

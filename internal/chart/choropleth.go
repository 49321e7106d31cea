package chart

import (
	"fmt"
	"math"
	"strings"
)

// Sequential fills for the classes of a choropleth, light to dark. Each
// class also gets its own pattern (ClassPattern), so the map can be read in
// black and white and by people who do not see these colours apart.
var Sequential = []string{"#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"}

// NoData is the fill of an area without a published value.
const NoData = "#e6e6e6"

// Classes are equal-width classes from 0 with nice bounds.
type Classes struct {
	Bounds []float64 // lower bounds; class i is [Bounds[i], Bounds[i+1])
	Step   float64
}

// MakeClasses divides [0, max] into at most n classes with nice bounds.
func MakeClasses(values []Value, n int) Classes {
	if n <= 0 || n > len(Sequential) {
		n = len(Sequential)
	}
	maxV := 0.0
	for _, v := range values {
		if v.OK {
			maxV = max(maxV, v.V)
		}
	}
	step := niceStep(maxV / float64(n))
	if maxV <= 0 {
		step = 1
	}
	// nice steps can leave fewer classes than n; keep those that hold values
	k := int(math.Floor(maxV/step)) + 1
	k = min(max(k, 1), n)
	c := Classes{Step: step}
	for i := 0; i < k; i++ {
		c.Bounds = append(c.Bounds, float64(i)*step)
	}
	return c
}

// Of is the class of a value, or -1 when it is not published.
func (c Classes) Of(v Value) int {
	if !v.OK {
		return -1
	}
	i := int(math.Floor(v.V / c.Step))
	return min(max(i, 0), len(c.Bounds)-1)
}

// Colour is the fill of class i (the darkest classes when there are fewer
// than five, so the top class is always clearly dark).
func (c Classes) Colour(i int) string {
	if i < 0 {
		return NoData
	}
	return Sequential[len(Sequential)-len(c.Bounds)+i]
}

// Label describes class i with f formatting a bound: "5% tot 10%"; the last
// class reads "10% of meer".
func (c Classes) Label(i int, f func(float64) string) string {
	if i < 0 {
		return "geen cijfer (.)"
	}
	if i == len(c.Bounds)-1 {
		return f(c.Bounds[i]) + " of meer"
	}
	return f(c.Bounds[i]) + " tot " + f(c.Bounds[i]+c.Step)
}

// PatternID is the id of class i's pattern under prefix.
func PatternID(prefix string, i int) string {
	if i < 0 {
		return safeID(prefix) + "-geen"
	}
	return safeID(prefix) + "-k" + fmt.Sprint(i)
}

// ClassPatterns are <pattern> elements for every class and for "no value",
// to put in an SVG's <defs>. Areas are filled with url(#PatternID(...)).
func (c Classes) ClassPatterns(prefix string) string {
	var b strings.Builder
	for i := -1; i < len(c.Bounds); i++ {
		b.WriteString(c.pattern(prefix, i))
	}
	return b.String()
}

// pattern: the class colour plus marks whose density grows with the class,
// in a colour that contrasts with the fill.
func (c Classes) pattern(prefix string, i int) string {
	id := PatternID(prefix, i)
	fill := c.Colour(i)
	ink := "#1a1a1a"
	if i >= 0 && len(Sequential)-len(c.Bounds)+i >= 3 {
		ink = "#ffffff"
	}
	var marks string
	switch {
	case i < 0: // dots for "no value"
		marks = `<circle cx="3" cy="3" r="1.2" fill="#535353"/>`
		return fmt.Sprintf(`<pattern id="%s" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="%s"/>%s</pattern>`, id, fill, marks)
	default:
		// rank 0: nothing; then lines further apart to closer together, then crossed
		rank := len(Sequential) - len(c.Bounds) + i
		switch rank {
		case 0:
			marks = ""
		case 1:
			marks = `<path d="M0,10 L10,0" stroke="` + ink + `" stroke-width="0.8"/>`
		case 2:
			marks = `<path d="M0,10 L10,0 M0,0 L10,10" stroke="` + ink + `" stroke-width="0.8"/>`
		case 3:
			marks = `<path d="M0,5 L10,5 M5,0 L5,10" stroke="` + ink + `" stroke-width="0.8"/>`
		default:
			marks = `<path d="M0,10 L10,0 M0,0 L10,10 M0,5 L10,5" stroke="` + ink + `" stroke-width="0.8"/>`
		}
	}
	return fmt.Sprintf(`<pattern id="%s" width="10" height="10" patternUnits="userSpaceOnUse"><rect width="10" height="10" fill="%s"/>%s</pattern>`, id, fill, marks)
}

// Swatch is a small SVG showing class i's colour and pattern, for a legend
// whose text says what it means (so the swatch itself is hidden from
// assistive technology).
func (c Classes) Swatch(prefix string, i int) string {
	p := prefix + "-staal"
	return `<svg xmlns="http://www.w3.org/2000/svg" class="staal" width="28" height="18" viewBox="0 0 28 18" aria-hidden="true" focusable="false"><defs>` +
		c.pattern(p, i) + `</defs><rect x="0.5" y="0.5" width="27" height="17" fill="url(#` + PatternID(p, i) + `)" stroke="#3d3d3d"/></svg>`
}

// InsertDefs puts defs right after the first </title> of an SVG drawn by
// area.MapSVG (or before its first child when it has no title).
func InsertDefs(svg, defs string) string {
	if i := strings.Index(svg, "</title>"); i >= 0 {
		i += len("</title>")
		return svg[:i] + "<defs>" + defs + "</defs>" + svg[i:]
	}
	if i := strings.Index(svg, ">"); i >= 0 {
		return svg[:i+1] + "<defs>" + defs + "</defs>" + svg[i+1:]
	}
	return svg
}

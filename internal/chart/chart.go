// Package chart draws small, accessible SVG charts on the server: a
// horizontal bar chart, a line chart, and the classes and patterns of a
// choropleth map. Every chart has role="img", a <title> and <desc> it is
// labelled by, colours with at least 3:1 contrast against white, and a
// second cue besides colour (patterns, dashes, markers, printed values).
// The markup escapes every text, uses no style attributes (the site's CSP
// forbids inline styles) and no scripts, so it is safe as template.HTML.
package chart

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"naober.nl/naober/internal/nlfmt"
)

// Value is one number on a chart; OK false means "not published" and is
// drawn as a gap with the text ".".
type Value struct {
	V    float64
	OK   bool
	Text string // the value as printed (Dutch), e.g. "1.235" or "12,3%"
}

// Colours for series: dark enough for 3:1 against white (WCAG 1.4.11).
var Colours = []string{"#154273", "#a4140b", "#2f6b0a", "#6b3d9a", "#8a4b00"}

// dashes tell series apart without colour.
var dashes = []string{"", "8 4", "2 3", "10 3 2 3", "5 2"}

const font = `font-family="RO Sans, Segoe UI, Roboto, Arial, sans-serif"`

func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func f1(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }

// safeID keeps an id to letters, digits and dashes.
func safeID(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, s)
}

func open(b *strings.Builder, id string, w, h int, title, desc string) {
	id = safeID(id)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="grafiek" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-titel %s-uitleg" %s>`,
		w, h, w, h, id, id, font)
	fmt.Fprintf(b, `<title id="%s-titel">%s</title><desc id="%s-uitleg">%s</desc>`, id, esc(title), id, esc(desc))
}

// Bars is a horizontal bar chart of one or two series (e.g. this period and
// the earlier one). The second series is drawn hatched.
type Bars struct {
	ID     string
	Title  string
	Desc   string   // a text alternative: what the chart shows, in words
	Series []string // names of the series, for the legend (one or two)
	Labels []string
	Values [][]Value // Values[series][label]
	Width  int       // default 640
}

// SVG draws the chart.
func (c Bars) SVG() string {
	w := c.Width
	if w <= 0 {
		w = 640
	}
	ns := len(c.Values)
	if ns == 0 {
		ns = 1
	}
	labelW := 0
	for _, l := range c.Labels {
		labelW = max(labelW, len([]rune(l)))
	}
	left := float64(min(max(labelW*7+12, 60), w/2))
	const right = 70.0 // room for the printed value
	barH, gap := 18.0, 10.0
	groupH := barH*float64(ns) + gap
	top := 8.0
	legendH := 0.0
	if len(c.Series) > 1 {
		legendH = 26
	}
	h := int(top + groupH*float64(len(c.Labels)) + legendH + 8)
	maxV := 0.0
	for _, s := range c.Values {
		for _, v := range s {
			if v.OK {
				maxV = max(maxV, v.V)
			}
		}
	}
	if maxV <= 0 {
		maxV = 1
	}
	scale := (float64(w) - left - right) / maxV
	var b strings.Builder
	open(&b, c.ID, w, h, c.Title, c.Desc)
	pid := safeID(c.ID) + "-arcering"
	fmt.Fprintf(&b, `<defs><pattern id="%s" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="%s"/></pattern></defs>`, pid, Colours[0])
	for i, l := range c.Labels {
		y0 := top + groupH*float64(i)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" font-size="13" fill="#1a1a1a">%s</text>`, f1(left-6), f1(y0+barH*float64(ns)/2+4.5), esc(l))
		for s := 0; s < len(c.Values); s++ {
			if i >= len(c.Values[s]) {
				continue
			}
			v := c.Values[s][i]
			y := y0 + barH*float64(s)
			fill := Colours[0]
			if s == 1 {
				fill = "url(#" + pid + ")"
			}
			bw := 0.0
			if v.OK && v.V > 0 {
				bw = max(v.V*scale, 1)
				fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="1"/>`, f1(left), f1(y+1), f1(bw), f1(barH-2), fill, Colours[0])
			}
			text := v.Text
			if !v.OK {
				text = "."
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="12" fill="#1a1a1a">%s</text>`, f1(left+bw+4), f1(y+barH-5), esc(text))
		}
	}
	// axis line
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#535353" stroke-width="1"/>`, f1(left), f1(top-2), f1(left), f1(top+groupH*float64(len(c.Labels))-gap+2))
	if len(c.Series) > 1 {
		y := top + groupH*float64(len(c.Labels)) + 4
		x := left
		for s, name := range c.Series {
			fill := Colours[0]
			if s == 1 {
				fill = "url(#" + pid + ")"
			}
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="16" height="12" fill="%s" stroke="%s"/><text x="%s" y="%s" font-size="12" fill="#1a1a1a">%s</text>`,
				f1(x), f1(y), fill, Colours[0], f1(x+20), f1(y+10.5), esc(name))
			x += 40 + float64(len([]rune(name)))*7
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// Line is a line chart of series over the same x labels (months).
type Line struct {
	ID      string
	Title   string
	Desc    string
	XLabels []string
	Series  []Series
	Width   int // default 640
	Height  int // default 300
	// YText formats an axis value (default: whole numbers with dots).
	YText func(float64) string
}

// Series is one line.
type Series struct {
	Name   string
	Values []Value
}

// SVG draws the chart. Unpublished points break the line.
func (c Line) SVG() string {
	w, h := c.Width, c.Height
	if w <= 0 {
		w = 640
	}
	if h <= 0 {
		h = 300
	}
	yText := c.YText
	if yText == nil {
		yText = func(v float64) string { return nlfmt.Int(int64(math.Round(v))) }
	}
	left, right, top := 56.0, 24.0, 12.0
	bottom := 64.0 // month labels and the legend
	legendH := 0.0
	plotH := float64(h) - top - bottom - legendH
	plotW := float64(w) - left - right
	maxV := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v.OK {
				maxV = max(maxV, v.V)
			}
		}
	}
	step := niceStep(maxV / 4)
	top4 := step * math.Ceil(maxV/step)
	if top4 <= 0 {
		top4 = step
	}
	n := len(c.XLabels)
	x := func(i int) float64 {
		if n <= 1 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return top + plotH - plotH*v/top4 }
	var b strings.Builder
	open(&b, c.ID, w, h, c.Title, c.Desc)
	// grid and y axis
	for v := 0.0; v <= top4+step/2; v += step {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#b4b4b4" stroke-width="1"/>`, f1(left), f1(y(v)), f1(left+plotW), f1(y(v)))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" font-size="12" fill="#1a1a1a">%s</text>`, f1(left-6), f1(y(v)+4), esc(yText(v)))
	}
	// x labels: at most about 8, evenly spaced back from the last month
	every := max(1, (n+7)/8)
	for i, l := range c.XLabels {
		if (n-1-i)%every != 0 {
			continue
		}
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#535353" stroke-width="1"/>`, f1(x(i)), f1(top+plotH), f1(x(i)), f1(top+plotH+4))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-size="12" fill="#1a1a1a">%s</text>`, f1(x(i)), f1(top+plotH+18), esc(l))
	}
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#535353" stroke-width="1"/>`, f1(left), f1(top+plotH), f1(left+plotW), f1(top+plotH))
	for si, s := range c.Series {
		col := Colours[si%len(Colours)]
		dash := dashes[si%len(dashes)]
		var d strings.Builder
		pen := false
		for i, v := range s.Values {
			if !v.OK {
				pen = false
				continue
			}
			if pen {
				d.WriteString(" L")
			} else {
				d.WriteString(" M")
			}
			fmt.Fprintf(&d, "%s,%s", f1(x(i)), f1(y(v.V)))
			pen = true
		}
		if d.Len() > 0 {
			fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="2.5"`, strings.TrimSpace(d.String()), col)
			if dash != "" {
				fmt.Fprintf(&b, ` stroke-dasharray="%s"`, dash)
			}
			b.WriteString(`/>`)
		}
		for i, v := range s.Values {
			if v.OK {
				b.WriteString(marker(si, x(i), y(v.V), col))
			}
		}
	}
	// legend under the axis: marker, dash and name per series
	ly := float64(h) - 10
	lx := left
	for si, s := range c.Series {
		col := Colours[si%len(Colours)]
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.5"`, f1(lx), f1(ly-4), f1(lx+26), f1(ly-4), col)
		if d := dashes[si%len(dashes)]; d != "" {
			fmt.Fprintf(&b, ` stroke-dasharray="%s"`, d)
		}
		b.WriteString(`/>`)
		b.WriteString(marker(si, lx+13, ly-4, col))
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="12" fill="#1a1a1a">%s</text>`, f1(lx+32), f1(ly), esc(s.Name))
		lx += 48 + float64(len([]rune(s.Name)))*7
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// marker draws a shape per series: circle, square, triangle, diamond, cross.
func marker(i int, x, y float64, col string) string {
	switch i % 5 {
	case 0:
		return fmt.Sprintf(`<circle cx="%s" cy="%s" r="3.5" fill="%s"/>`, f1(x), f1(y), col)
	case 1:
		return fmt.Sprintf(`<rect x="%s" y="%s" width="7" height="7" fill="%s"/>`, f1(x-3.5), f1(y-3.5), col)
	case 2:
		return fmt.Sprintf(`<path d="M%s,%s L%s,%s L%s,%s Z" fill="%s"/>`, f1(x), f1(y-4.5), f1(x+4.5), f1(y+3.5), f1(x-4.5), f1(y+3.5), col)
	case 3:
		return fmt.Sprintf(`<path d="M%s,%s L%s,%s L%s,%s L%s,%s Z" fill="%s"/>`, f1(x), f1(y-5), f1(x+5), f1(y), f1(x), f1(y+5), f1(x-5), f1(y), col)
	}
	return fmt.Sprintf(`<path d="M%s,%s L%s,%s M%s,%s L%s,%s" stroke="%s" stroke-width="2"/>`, f1(x-4), f1(y-4), f1(x+4), f1(y+4), f1(x-4), f1(y+4), f1(x+4), f1(y-4), col)
}

// niceStep rounds a raw step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

package chart

import (
	"encoding/xml"
	"strings"
	"testing"
)

// wellFormed parses an SVG as XML.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
	}
}

func TestBarsAndLineAreAccessibleAndEscaped(t *testing.T) {
	bars := Bars{ID: "b1", Title: "Stapeling <wijk>", Desc: "Uitleg & meer", Series: []string{"nu", "toen"},
		Labels: []string{"Alleen Jeugdwet", "Alle drie"},
		Values: [][]Value{{{V: 40, OK: true, Text: "40"}, {}}, {{V: 35, OK: true, Text: "35"}, {V: 10, OK: true, Text: "10"}}}}
	svg := bars.SVG()
	wellFormed(t, svg)
	for _, want := range []string{`role="img"`, `aria-labelledby="b1-titel b1-uitleg"`, `<title id="b1-titel">Stapeling &lt;wijk&gt;</title>`, `<desc id="b1-uitleg">Uitleg &amp; meer</desc>`,
		`>.</text>`, `url(#b1-arcering)`, `>40</text>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("bars lack %s", want)
		}
	}
	if strings.Contains(svg, "style=") || strings.Contains(svg, "<script") {
		t.Error("inline style or script")
	}
	line := Line{ID: "l1", Title: "Trend", Desc: "d", XLabels: []string{"jan 26", "feb 26", "mrt 26"},
		Series: []Series{{Name: "Jeugdwet", Values: []Value{{V: 10, OK: true}, {}, {V: 20, OK: true}}}, {Name: "Wmo", Values: []Value{{V: 5, OK: true}, {V: 6, OK: true}, {V: 7, OK: true}}}}}
	svg = line.SVG()
	wellFormed(t, svg)
	// the gap splits the first series into two moves; the second series is dashed
	if !strings.Contains(svg, `stroke-dasharray="8 4"`) || strings.Count(svg, " M") < 1 {
		t.Errorf("line chart: %s", svg)
	}
}

func TestClasses(t *testing.T) {
	vals := []Value{{V: 0.02, OK: true}, {V: 0.13, OK: true}, {V: 0.07, OK: true}, {}}
	c := MakeClasses(vals, 5)
	if len(c.Bounds) < 2 || len(c.Bounds) > 5 {
		t.Fatalf("classes %+v", c)
	}
	if c.Of(vals[3]) != -1 || c.Of(vals[0]) != 0 || c.Of(vals[1]) != len(c.Bounds)-1 {
		t.Errorf("Of: %d %d %d", c.Of(vals[3]), c.Of(vals[0]), c.Of(vals[1]))
	}
	if c.Colour(len(c.Bounds)-1) != Sequential[len(Sequential)-1] || c.Colour(-1) != NoData {
		t.Error("the top class is not the darkest")
	}
	defs := c.ClassPatterns("kaart")
	wellFormed(t, "<defs>"+defs+"</defs>")
	svg := InsertDefs(`<svg><title id="x">t</title><g></g></svg>`, defs)
	if !strings.HasPrefix(svg, `<svg><title id="x">t</title><defs><pattern id="kaart-geen"`) {
		t.Errorf("InsertDefs: %s", svg[:80])
	}
	wellFormed(t, c.Swatch("leg", 1))
	f := func(x float64) string { return f1(x*100) + "%" }
	if l := c.Label(len(c.Bounds)-1, f); !strings.HasSuffix(l, "of meer") {
		t.Errorf("last label %q", l)
	}
}

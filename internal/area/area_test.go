package area

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func mustLoad(t testing.TB) *Atlas {
	t.Helper()
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The embedded files must be the unchanged source files (see data/README.md).
func TestDataChecksums(t *testing.T) {
	for _, tc := range []struct{ name, gz, sha string }{
		{"gemeente", gemeenteGz, "79df3c1877f756b008dbf2d713560c74d5be12010bda9f739270770e5bfbf217"},
		{"wijk", wijkGz, "4e51821db79a28a930c2a5f6c7141c0c838542082b39ceb89a9a65e971d20ac4"},
	} {
		raw, err := gunzip(tc.gz)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		if got := hex.EncodeToString(sum[:]); got != tc.sha {
			t.Errorf("%s: sha256 %s, want %s", tc.name, got, tc.sha)
		}
	}
}

func TestLoadCounts(t *testing.T) {
	a := mustLoad(t)
	gs := a.Gemeenten()
	if len(gs) != 342 {
		t.Errorf("%d gemeenten, want 342", len(gs))
	}
	seen := map[string]bool{}
	nw := 0
	for _, g := range gs {
		if seen[g.Code] || !ValidGemeenteCode(g.Code) {
			t.Errorf("duplicate or invalid gemeente code %q", g.Code)
		}
		seen[g.Code] = true
		ws := a.Wijken(g.Code)
		if len(ws) == 0 {
			t.Errorf("%s has no wijken", g.Code)
		}
		if !slices.IsSortedFunc(ws, func(x, y Wijk) int { return strings.Compare(x.Code, y.Code) }) {
			t.Errorf("wijken of %s not sorted", g.Code)
		}
		for _, w := range ws {
			if seen[w.Code] || !ValidWijkCode(w.Code) {
				t.Errorf("duplicate or invalid wijk code %q", w.Code)
			}
			seen[w.Code] = true
			if w.Gemeente != g.Code || w.Code[2:6] != g.Code[2:] {
				t.Errorf("wijk %s in gemeente %s", w.Code, w.Gemeente)
			}
			if got, ok := a.Wijk(w.Code); !ok || got != w {
				t.Errorf("Wijk(%s) = %v, %v", w.Code, got, ok)
			}
			b := w.Bounds
			if !(3.3 < b.MinLon && b.MinLon <= b.MaxLon && b.MaxLon < 7.3 && 50.7 < b.MinLat && b.MinLat <= b.MaxLat && b.MaxLat < 53.6) {
				t.Errorf("wijk %s bounds %+v outside the Netherlands", w.Code, b)
			}
		}
		nw += len(ws)
	}
	if nw != 3393 || len(a.wijken) != 3393 {
		t.Errorf("%d wijken via gemeenten, %d in total, want 3393", nw, len(a.wijken))
	}
	// Every wijk belongs to a known gemeente.
	for _, w := range a.SearchWijken("") {
		if _, ok := a.Gemeente(w.Gemeente); !ok {
			t.Errorf("wijk %s has unknown gemeente %s", w.Code, w.Gemeente)
		}
	}
	if !slices.IsSortedFunc(gs, func(x, y Gemeente) int {
		return strings.Compare(sortName(x.Naam), sortName(y.Naam))
	}) {
		t.Error("gemeenten not sorted by name")
	}
}

func TestLoadOnce(t *testing.T) {
	if mustLoad(t) != mustLoad(t) {
		t.Error("Load parsed the data twice")
	}
}

func TestMeppel(t *testing.T) {
	a := mustLoad(t)
	g, ok := a.Gemeente("GM0119")
	if !ok || g.Naam != "Meppel" {
		t.Fatalf("GM0119 = %+v, %v", g, ok)
	}
	ws := a.Wijken("GM0119")
	if len(ws) != 14 {
		t.Fatalf("Meppel has %d wijken, want 14", len(ws))
	}
	for i, w := range ws {
		if want := "WK0119" + strconv.Itoa(100 + i)[1:]; w.Code != want {
			t.Errorf("wijk %d is %s, want %s", i, w.Code, want)
		}
	}
	if w, ok := a.Wijk("WK011901"); !ok || w.Naam != "Watertoren" || w.Gemeente != "GM0119" {
		t.Errorf("WK011901 = %+v, %v", w, ok)
	}
	if _, ok := a.Gemeente("GM9999"); ok {
		t.Error("GM9999 found")
	}
	if ws := a.Wijken("GM9999"); ws != nil {
		t.Errorf("Wijken(GM9999) = %v", ws)
	}
	// Returned slices are copies.
	ws[0].Naam = "x"
	if w, _ := a.Wijk(ws[0].Code); w.Naam == "x" {
		t.Error("Wijken returned shared memory")
	}
}

func TestSearch(t *testing.T) {
	a := mustLoad(t)
	names := func(gs []Gemeente) []string {
		var out []string
		for _, g := range gs {
			out = append(out, g.Naam)
		}
		return out
	}
	for _, tc := range []struct {
		q    string
		want []string // must all be in the result
		n    int      // exact count, or -1
	}{
		{"GM0119", []string{"Meppel"}, 1},
		{"gm0119", []string{"Meppel"}, 1},
		{"  meppel ", []string{"Meppel"}, 1},
		{"MEPPEL", []string{"Meppel"}, 1},
		{"fryslan", []string{"Súdwest-Fryslân", "Noardeast-Fryslân"}, -1},
		{"sudwest", []string{"Súdwest-Fryslân"}, 1},
		{"Súdwest", []string{"Súdwest-Fryslân"}, 1},
		{"'s-", []string{"'s-Gravenhage", "'s-Hertogenbosch"}, 2},
		{"", []string{"Meppel", "Amsterdam"}, 342},
		{"qqq", nil, 0},
		{"meppelGM0119", nil, 0}, // no match across name and code
	} {
		got := names(a.Search(tc.q))
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("Search(%q) = %v, missing %q", tc.q, got, w)
			}
		}
		if tc.n >= 0 && len(got) != tc.n {
			t.Errorf("Search(%q) gave %d results, want %d", tc.q, len(got), tc.n)
		}
	}

	// "Ohé en Laak" is a wijk of Maasgouw, not a gemeente.
	found := false
	for _, w := range a.SearchWijken("ohe") {
		if strings.Contains(w.Naam, "Ohé en Laak") && w.Code == "WK164103" && w.Gemeente == "GM1641" {
			found = true
		}
	}
	if !found {
		t.Error(`SearchWijken("ohe") misses "Wijk 03 Ohé en Laak"`)
	}
	if ws := a.SearchWijken("wk011901"); len(ws) != 1 || ws[0].Naam != "Watertoren" {
		t.Errorf("SearchWijken(wk011901) = %v", ws)
	}
	if ws := a.SearchWijken("exloer"); len(ws) < 3 {
		t.Errorf("SearchWijken(exloer) = %v", ws)
	}
}

func TestValidCodes(t *testing.T) {
	for _, tc := range []struct {
		f    func(string) bool
		s    string
		want bool
	}{
		{ValidGemeenteCode, "GM0119", true},
		{ValidGemeenteCode, "GM1992", true},
		{ValidGemeenteCode, "gm0119", false},
		{ValidGemeenteCode, "GM119", false},
		{ValidGemeenteCode, "GM01190", false},
		{ValidGemeenteCode, "GM01A9", false},
		{ValidGemeenteCode, "WK0119", false},
		{ValidGemeenteCode, "", false},
		{ValidWijkCode, "WK011901", true},
		{ValidWijkCode, "WK0363AA", true},
		{ValidWijkCode, "WK0363aa", false},
		{ValidWijkCode, "wk011901", false},
		{ValidWijkCode, "WK01190", false},
		{ValidWijkCode, "WK0119010", false},
		{ValidWijkCode, "WK0119-1", false},
		{ValidWijkCode, "BU011901", false},
		{ValidWijkCode, "WK0119É", false},
		{ValidBuurtCode, "BU01190101", true},
		{ValidBuurtCode, "BU0363AA01", true},
		{ValidBuurtCode, "bu01190101", false},
		{ValidBuurtCode, "BU0119010", false},
		{ValidBuurtCode, "BU011901011", false},
		{ValidBuurtCode, "WK01190101", false},
		{ValidBuurtCode, "BU0119 101", false},
	} {
		if got := tc.f(tc.s); got != tc.want {
			t.Errorf("valid(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestSyntheticBuurten(t *testing.T) {
	a := mustLoad(t)
	for _, tc := range []struct {
		wijk string
		n    int
	}{{"WK011901", 1}, {"WK011901", 5}, {"WK0363AA", 12}, {"WK011913", 99}} {
		w, _ := a.Wijk(tc.wijk)
		bs := SyntheticBuurten(w, tc.n)
		if len(bs) != tc.n {
			t.Fatalf("%s: %d buurten, want %d", tc.wijk, len(bs), tc.n)
		}
		seen := map[string]bool{}
		for i, b := range bs {
			if !ValidBuurtCode(b.Code) || seen[b.Code] || b.Code[2:8] != w.Code[2:] || b.Wijk != w.Code || !b.Synthetic {
				t.Errorf("bad buurt %+v of %s", b, w.Code)
			}
			if want := w.Naam + " deel " + strconv.Itoa(i+1); b.Naam != want {
				t.Errorf("buurt name %q, want %q", b.Naam, want)
			}
			seen[b.Code] = true
		}
		if !slices.Equal(bs, SyntheticBuurten(w, tc.n)) {
			t.Errorf("%s: not deterministic", tc.wijk)
		}
	}
	w, _ := a.Wijk("WK011901")
	if bs := SyntheticBuurten(w, 3); bs[2].Code != "BU01190103" || bs[2].Naam != "Watertoren deel 3" {
		t.Errorf("got %+v", bs[2])
	}
	for _, n := range []int{0, -1, 100} {
		if bs := SyntheticBuurten(w, n); bs != nil {
			t.Errorf("n=%d gave %v", n, bs)
		}
	}
	if bs := SyntheticBuurten(Wijk{Code: "bad"}, 3); bs != nil {
		t.Errorf("invalid wijk gave %v", bs)
	}
}

// svgInfo walks an SVG with encoding/xml and collects what the tests check.
type svgInfo struct {
	root     xml.StartElement
	w, h     float64
	links    []string // href of each <a>
	labels   []string // aria-label of each <a>
	paths    int
	titles   []string
	coordsOK bool
}

func parseSVG(t *testing.T, s string) svgInfo {
	t.Helper()
	info := svgInfo{coordsOK: true}
	d := xml.NewDecoder(strings.NewReader(s))
	var stack []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, at := range e.Attr {
				attr[at.Name.Local] = at.Value
			}
			switch e.Name.Local {
			case "svg":
				info.root = e
				var x, y float64
				if _, err := fmtSscan(attr["viewBox"], &x, &y, &info.w, &info.h); err != nil {
					t.Fatalf("viewBox %q: %v", attr["viewBox"], err)
				}
				if attr["width"] != strconv.Itoa(int(info.w)) || attr["height"] != strconv.Itoa(int(info.h)) {
					t.Errorf("width/height %q/%q do not match viewBox", attr["width"], attr["height"])
				}
			case "a":
				info.links = append(info.links, attr["href"])
				info.labels = append(info.labels, attr["aria-label"])
			case "path":
				info.paths++
				if attr["class"] != "wijk" || attr["fill-rule"] != "evenodd" || attr["fill"] == "" {
					t.Errorf("path attributes %v", attr)
				}
				f := strings.FieldsFunc(attr["d"], func(r rune) bool { return strings.ContainsRune("MLZ ,", r) })
				if len(f) == 0 || len(f)%2 != 0 {
					t.Errorf("odd path data %q", attr["d"])
				}
				for i := 0; i+1 < len(f); i += 2 {
					x, err1 := strconv.ParseFloat(f[i], 64)
					y, err2 := strconv.ParseFloat(f[i+1], 64)
					if err1 != nil || err2 != nil || x < 0 || y < 0 || x > info.w || y > info.h {
						info.coordsOK = false
					}
					if len(f[i]) > 2 && strings.Contains(f[i], ".") && len(f[i])-strings.IndexByte(f[i], '.') > 2 {
						t.Errorf("coordinate %q has more than 1 decimal", f[i])
					}
				}
			}
			stack = append(stack, e.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1] == "title" {
				info.titles = append(info.titles, string(e))
			}
		}
	}
	return info
}

// fmtSscan parses "a b c d" without fmt's looseness.
func fmtSscan(s string, out ...*float64) (int, error) {
	f := strings.Fields(s)
	if len(f) != len(out) {
		return 0, errors.New("wrong number of fields")
	}
	for i, x := range f {
		v, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return i, err
		}
		*out[i] = v
	}
	return len(f), nil
}

func rootAttr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func TestMapSVGMeppel(t *testing.T) {
	a := mustLoad(t)
	s, err := a.MapSVG("GM0119", MapOptions{Href: func(w Wijk) string { return "/wijk/" + w.Code + "?a=1&b=2" }})
	if err != nil {
		t.Fatal(err)
	}
	info := parseSVG(t, s)
	if len(info.links) != 14 || info.paths != 14 {
		t.Fatalf("%d links, %d paths, want 14", len(info.links), info.paths)
	}
	for i, w := range a.Wijken("GM0119") {
		if want := "/wijk/" + w.Code + "?a=1&b=2"; info.links[i] != want {
			t.Errorf("link %d = %q, want %q", i, info.links[i], want)
		}
		if info.labels[i] != w.Naam {
			t.Errorf("aria-label %q, want %q", info.labels[i], w.Naam)
		}
		if !slices.Contains(info.titles, w.Naam+" ("+w.Code+")") {
			t.Errorf("no title for %s", w.Code)
		}
	}
	if strings.Contains(s, "style=") || strings.Contains(s, "<style") {
		t.Error("SVG contains inline style")
	}
	if !info.coordsOK {
		t.Error("coordinates outside the viewBox")
	}
	if info.w != 640 || info.h < 100 || info.h > 2000 {
		t.Errorf("size %vx%v", info.w, info.h)
	}
	if r := rootAttr(info.root, "role"); r == "img" {
		t.Error(`role="img" on a map with links`)
	}
	id := rootAttr(info.root, "aria-labelledby")
	if id == "" || !strings.Contains(s, `<title id="`+id+`">Kaart van de wijken van Meppel</title>`) {
		t.Errorf("aria-labelledby %q does not point at the title", id)
	}
}

func TestMapSVGOptions(t *testing.T) {
	a := mustLoad(t)
	for _, tc := range []struct {
		name string
		opt  MapOptions
		want []string // substrings
		not  []string
	}{
		{"no links", MapOptions{}, []string{`role="img"`, `width="640"`, `fill="#`}, []string{"<a "}},
		{"width", MapOptions{Width: 300}, []string{`width="300"`}, nil},
		{"escaped title", MapOptions{Title: `<b>"x" & y</b>`}, []string{"&lt;b&gt;&#34;x&#34; &amp; y&lt;/b&gt;"}, []string{"<b>"}},
		{"fill", MapOptions{Fill: func(w Wijk) string { return `red"` }}, []string{`fill="red&#34;"`}, []string{`fill="red""`}},
		{"some links", MapOptions{Href: func(w Wijk) string {
			if w.Code == "WK011901" {
				return "https://example.org/w"
			}
			return ""
		}}, []string{`role="group"`, `<a href="https://example.org/w" aria-label="Watertoren">`}, []string{`role="img"`}},
		{"unsafe links", MapOptions{Href: func(w Wijk) string { return "javascript:alert(1)" }}, []string{`role="img"`}, []string{"<a ", "javascript"}},
		{"hidden scheme", MapOptions{Href: func(w Wijk) string { return " java\tscript:alert(1)" }}, nil, []string{"<a ", "script"}},
	} {
		s, err := a.MapSVG("GM0119", tc.opt)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		parseSVG(t, s)
		for _, w := range tc.want {
			if !strings.Contains(s, w) {
				t.Errorf("%s: missing %q", tc.name, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(s, n) {
				t.Errorf("%s: contains %q", tc.name, n)
			}
		}
	}
}

func TestMapSVGUnknown(t *testing.T) {
	a := mustLoad(t)
	for _, code := range []string{"GM9999", "", "Meppel", "WK011901"} {
		if _, err := a.MapSVG(code, MapOptions{}); err == nil {
			t.Errorf("MapSVG(%q) gave no error", code)
		}
	}
}

// Enkhuizen's WK038810 is a MultiPolygon with an island ring.
func TestMapSVGMultiPolygon(t *testing.T) {
	a := mustLoad(t)
	sh := a.shapes["WK038810"]
	if !sh.multi || len(sh.rings) < 2 {
		t.Fatalf("WK038810 is not a MultiPolygon: %d rings", len(sh.rings))
	}
	s, err := a.MapSVG("GM0388", MapOptions{Href: func(w Wijk) string { return "/w/" + w.Code }})
	if err != nil {
		t.Fatal(err)
	}
	info := parseSVG(t, s)
	if n := len(a.Wijken("GM0388")); info.paths != n || len(info.links) != n {
		t.Errorf("%d paths, %d links, want %d", info.paths, len(info.links), n)
	}
	if !info.coordsOK {
		t.Error("coordinates outside the viewBox")
	}
	// All rings of the wijk are in its one path: one M per ring.
	i := strings.Index(s, "(WK038810)")
	start := strings.LastIndex(s[:i], "<path")
	if m := strings.Count(s[start:i], "M"); m < 2 {
		t.Errorf("WK038810 path has %d subpaths", m)
	}
}

// Every gemeente draws, and the default palette never gives two wijken
// that share a border the same colour.
func TestMapSVGAllGemeenten(t *testing.T) {
	a := mustLoad(t)
	for _, g := range a.Gemeenten() {
		s, err := a.MapSVG(g.Code, MapOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if info := parseSVG(t, s); !info.coordsOK || info.paths != len(a.Wijken(g.Code)) {
			t.Errorf("%s: coordsOK=%v paths=%d", g.Code, info.coordsOK, info.paths)
		}
		ws := a.byGem[g.Code]
		col := a.colouring(ws)
		for i := range ws {
			for j := i + 1; j < len(ws); j++ {
				if col[i] == col[j] && sharedVertices(a.shapes[ws[i].Code], a.shapes[ws[j].Code]) >= 2 {
					t.Errorf("%s: neighbours %s and %s have the same colour", g.Code, ws[i].Code, ws[j].Code)
				}
			}
		}
	}
}

func sharedVertices(p, q shape) int {
	set := map[[2]float64]bool{}
	for _, r := range p.rings {
		for i := 0; i+1 < len(r); i += 2 {
			set[[2]float64{r[i], r[i+1]}] = true
		}
	}
	n := 0
	for _, r := range q.rings {
		for i := 0; i+1 < len(r); i += 2 {
			k := [2]float64{r[i], r[i+1]}
			if set[k] {
				n++
				delete(set, k)
			}
		}
	}
	return n
}

func TestParseRings(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want [][]float64
	}{
		{`[[[1,2],[3,4],[5,6],[1,2]]]`, [][]float64{{1, 2, 3, 4, 5, 6, 1, 2}}},
		{`[[[[1.5,-2.25],[3,4]]],[[[5e1, 6], [ 7 , 8 ]],[[9,10]]]]`, [][]float64{{1.5, -2.25, 3, 4}, {50, 6, 7, 8}, {9, 10}}},
		{`[[[6.571,53.227]]]`, [][]float64{{6.571, 53.227}}},
	} {
		got, err := parseRings([]byte(tc.in))
		if err != nil || !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("parseRings(%s) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{`[[[1]]]`, `[[[1,`, `[[[1,2`} {
		if _, err := parseRings([]byte(bad)); err == nil {
			t.Errorf("parseRings(%s) gave no error", bad)
		}
	}
}

// BenchmarkLoad measures the real parse; Load itself caches the result.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMapSVG(b *testing.B) {
	a := mustLoad(b)
	opt := MapOptions{Href: func(w Wijk) string { return "/wijk/" + w.Code }}
	for _, code := range []string{"GM0119", "GM0363"} { // Meppel, Amsterdam
		b.Run(code, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				s, err := a.MapSVG(code, opt)
				if err != nil {
					b.Fatal(err)
				}
				n = len(s)
			}
			b.ReportMetric(float64(n), "bytes/svg")
		})
	}
}

func TestContains(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	w, ok := a.Wijk("WK011901")
	if !ok {
		t.Fatal("no WK011901")
	}
	// Some point of the bounding box lies inside; the box's corner outside.
	found := false
	b := w.Bounds
	for i := 1; i < 20 && !found; i++ {
		for j := 1; j < 20 && !found; j++ {
			lat := b.MinLat + (b.MaxLat-b.MinLat)*float64(i)/20
			lon := b.MinLon + (b.MaxLon-b.MinLon)*float64(j)/20
			found = a.Contains("WK011901", lat, lon)
		}
	}
	if !found {
		t.Fatal("no point of the wijk is inside it")
	}
	if a.Contains("WK011901", b.MinLat-0.01, b.MinLon-0.01) || a.Contains("WK011901", 52.37, 4.89) {
		t.Fatal("a point outside counts as inside")
	}
	if a.Contains("WK999999", 52.7, 6.2) {
		t.Fatal("unknown wijk contains a point")
	}
	svg, err := a.MapSVG("GM0119", MapOptions{Markers: []Marker{{Lat: (b.MinLat + b.MaxLat) / 2, Lon: (b.MinLon + b.MaxLon) / 2, Label: "Bankjes <bij> de vijver"}}})
	if err != nil || !strings.Contains(svg, `class="marker"`) || !strings.Contains(svg, "Bankjes &lt;bij&gt; de vijver") {
		t.Fatalf("marker not drawn: %v", err)
	}
}

func TestPickerRoundTrip(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	p, ok := a.Picker("WK011901", 320)
	if !ok || p.Height <= 0 {
		t.Fatalf("picker %+v", p)
	}
	w, _ := a.Wijk("WK011901")
	lat, lon := (w.Bounds.MinLat+w.Bounds.MaxLat)/2, (w.Bounds.MinLon+w.Bounds.MaxLon)/2
	x, y := p.xy(lat, lon)
	gl, gn := p.Point(x, y)
	if math.Abs(gl-lat) > 1e-9 || math.Abs(gn-lon) > 1e-9 {
		t.Fatalf("round trip %v,%v -> %v,%v", lat, lon, gl, gn)
	}
	if x < 0 || x > 320 || y < 0 || y > float64(p.Height) {
		t.Fatalf("centre at %v,%v outside the picture", x, y)
	}
	svg := a.PickerSVG(p, &Marker{Lat: lat, Lon: lon})
	if !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg"`) || !strings.Contains(svg, "<circle") {
		t.Fatal("picker svg")
	}
	if _, ok := a.Picker("WK999999", 320); ok {
		t.Fatal("picker for an unknown wijk")
	}
}

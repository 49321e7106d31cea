// Package area is the map of the Netherlands: the 342 gemeenten and 3393
// wijken of 2024 with their (generalised) boundaries from CBS, embedded in
// the binary so the server needs no external files or services.
package area

import (
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed" // the CBS data
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Attribution must be shown wherever the boundaries are used (CC BY 4.0).
const (
	Attribution = "Bron: CBS, Kadaster/PDOK; generalised by cartomap"
	Licence     = "CC BY 4.0"
	Year        = 2024
)

// The source files, gzipped (see data/README.md).
var (
	//go:embed data/gemeente_2024.geojson.gz
	gemeenteGz string
	//go:embed data/wijk_2024.geojson.gz
	wijkGz string
)

// Gemeente is a municipality; Code is "GM" + 4 digits.
type Gemeente struct {
	Code, Naam string
	Bounds     BBox
}

// Wijk is a district; Code is "WK" + gemeente number + 2 characters,
// Gemeente is the code of the gemeente it belongs to.
type Wijk struct {
	Code, Naam, Gemeente string
	Bounds               BBox
}

// Buurt is a neighbourhood. CBS buurten are not in the embedded data, so
// buurten are synthetic (see SyntheticBuurten).
type Buurt struct {
	Code, Naam, Wijk string
	Synthetic        bool
}

// BBox is a bounding box in WGS84 degrees.
type BBox struct{ MinLon, MinLat, MaxLon, MaxLat float64 }

// shape is a wijk boundary: every ring of every polygon as flat lon,lat
// pairs. Outer rings and holes are not told apart because the map draws
// them in one path with fill-rule evenodd.
type shape struct {
	rings [][]float64
	multi bool // MultiPolygon in the source
}

// Atlas is the parsed data. It is read-only after Load and therefore safe
// for concurrent use; accessors return copies of slices.
type Atlas struct {
	gemeenten []Gemeente     // sorted by name
	gemKeys   []string       // search keys, parallel to gemeenten
	gemIndex  map[string]int // code -> index in gemeenten
	wijken    []Wijk         // all wijken sorted by code
	wijkKeys  []string       // search keys, parallel to wijken
	wijkIndex map[string]int // code -> index in wijken
	byGem     map[string][]Wijk
	shapes    map[string]shape // wijk code -> boundary
}

// Load returns the atlas. The embedded data are parsed on the first call
// only; later calls return the same *Atlas.
func Load() (*Atlas, error) { return loadOnce() }

var loadOnce = sync.OnceValues(parse)

// parse decodes the embedded files and checks their consistency, so a bad
// data update fails at server start rather than on some page.
func parse() (*Atlas, error) {
	gems, err := readFeatures("gemeente_2024", gemeenteGz)
	if err != nil {
		return nil, err
	}
	wks, err := readFeatures("wijk_2024", wijkGz)
	if err != nil {
		return nil, err
	}
	a := &Atlas{
		gemeenten: make([]Gemeente, 0, len(gems)),
		gemIndex:  make(map[string]int, len(gems)),
		wijken:    make([]Wijk, 0, len(wks)),
		wijkIndex: make(map[string]int, len(wks)),
		byGem:     make(map[string][]Wijk, len(gems)),
		shapes:    make(map[string]shape, len(wks)),
	}

	for _, f := range gems {
		if !ValidGemeenteCode(f.code) {
			return nil, fmt.Errorf("area: invalid gemeente code %q", f.code)
		}
		if _, dup := a.gemIndex[f.code]; dup {
			return nil, fmt.Errorf("area: duplicate gemeente code %s", f.code)
		}
		a.gemIndex[f.code] = -1
		a.gemeenten = append(a.gemeenten, Gemeente{Code: f.code, Naam: f.naam, Bounds: f.bounds})
	}
	// Sort by a folded name so "'s-Gravenhage" sits under G and "Súdwest"
	// next to "Sud...", as in Dutch lists.
	sortKey := make(map[string]string, len(a.gemeenten))
	for _, g := range a.gemeenten {
		sortKey[g.Code] = sortName(g.Naam)
	}
	slices.SortFunc(a.gemeenten, func(x, y Gemeente) int {
		return cmp.Or(cmp.Compare(sortKey[x.Code], sortKey[y.Code]), cmp.Compare(x.Code, y.Code))
	})
	a.gemKeys = make([]string, len(a.gemeenten))
	for i, g := range a.gemeenten {
		a.gemIndex[g.Code] = i
		a.gemKeys[i] = searchKey(g.Naam, g.Code)
	}

	for _, f := range wks {
		if !ValidWijkCode(f.code) {
			return nil, fmt.Errorf("area: invalid wijk code %q", f.code)
		}
		if _, dup := a.shapes[f.code]; dup {
			return nil, fmt.Errorf("area: duplicate wijk code %s", f.code)
		}
		gm := "GM" + f.code[2:6]
		if _, ok := a.gemIndex[gm]; !ok {
			return nil, fmt.Errorf("area: wijk %s has unknown gemeente %s", f.code, gm)
		}
		a.wijken = append(a.wijken, Wijk{Code: f.code, Naam: f.naam, Gemeente: gm, Bounds: f.bounds})
		a.shapes[f.code] = f.shape
	}
	slices.SortFunc(a.wijken, func(x, y Wijk) int { return cmp.Compare(x.Code, y.Code) })
	a.wijkKeys = make([]string, len(a.wijken))
	for i, w := range a.wijken {
		a.wijkIndex[w.Code] = i
		a.wijkKeys[i] = searchKey(w.Naam, w.Code)
		// Sorted by code, so each gemeente's wijken are contiguous; the
		// sub-slices share the backing array and are never appended to.
		a.byGem[w.Gemeente] = a.wijken[i-len(a.byGem[w.Gemeente]) : i+1 : i+1]
	}
	for _, g := range a.gemeenten {
		if len(a.byGem[g.Code]) == 0 {
			return nil, fmt.Errorf("area: gemeente %s has no wijken", g.Code)
		}
	}
	return a, nil
}

// gunzip decompresses gz into a buffer sized from the gzip trailer (the
// uncompressed size mod 2^32), saving the regrowth of io.ReadAll.
func gunzip(gz string) ([]byte, error) {
	zr, err := gzip.NewReader(strings.NewReader(gz))
	if err != nil {
		return nil, err
	}
	size := 0
	if n := len(gz); n >= 4 {
		size = int(binary.LittleEndian.Uint32([]byte(gz[n-4:])))
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	if _, err := buf.ReadFrom(zr); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type feature struct {
	code, naam string
	bounds     BBox
	shape      shape
}

// readFeatures decodes one gzipped GeoJSON file. Coordinates are kept raw
// by encoding/json and parsed by parseRings, which is several times faster
// than decoding them into nested []any or [][][]float64.
func readFeatures(name, gz string) ([]feature, error) {
	raw, err := gunzip(gz)
	if err != nil {
		return nil, fmt.Errorf("area: %s: %w", name, err)
	}
	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Statcode string `json:"statcode"`
				Statnaam string `json:"statnaam"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, fmt.Errorf("area: %s: %w", name, err)
	}
	out := make([]feature, len(fc.Features))
	for i, jf := range fc.Features {
		t := jf.Geometry.Type
		if t != "Polygon" && t != "MultiPolygon" {
			return nil, fmt.Errorf("area: %s: %s has geometry %q", name, jf.Properties.Statcode, t)
		}
		rings, err := parseRings(jf.Geometry.Coordinates)
		if err != nil || len(rings) == 0 {
			return nil, fmt.Errorf("area: %s: %s: bad coordinates: %v", name, jf.Properties.Statcode, err)
		}
		out[i] = feature{
			code:   jf.Properties.Statcode,
			naam:   jf.Properties.Statnaam,
			bounds: ringsBounds(rings),
			shape:  shape{rings: rings, multi: t == "MultiPolygon"},
		}
	}
	return out, nil
}

// parseRings reads the coordinates of a Polygon or MultiPolygon (already
// validated JSON) into rings of flat lon,lat pairs. A ring is any array
// whose elements are [lon,lat] positions, whatever the nesting depth.
func parseRings(b []byte) ([][]float64, error) {
	var rings [][]float64
	var cur []float64
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '[':
			j := skipSpace(b, i+1)
			if j >= len(b) || !(b[j] == '-' || b[j] >= '0' && b[j] <= '9') {
				continue // an array of arrays
			}
			// A position: [lon,lat] (any further values are ignored).
			lon, j, err := parseNumber(b, j)
			if err != nil {
				return nil, err
			}
			j = skipSpace(b, j)
			if j >= len(b) || b[j] != ',' {
				return nil, fmt.Errorf("position without latitude at byte %d", j)
			}
			lat, j, err := parseNumber(b, skipSpace(b, j+1))
			if err != nil {
				return nil, err
			}
			end := bytes.IndexByte(b[j:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unterminated position")
			}
			i = j + end // continue after the position's ']'
			cur = append(cur, lon, lat)
		case ']':
			if cur != nil { // the ring that held the positions ends
				rings = append(rings, cur)
				cur = nil
			}
		}
	}
	return rings, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// parseNumber reads a JSON number at b[i:]. Plain decimals (all of the CBS
// data) are computed exactly as integer/10^k without allocating; anything
// else goes through strconv.
func parseNumber(b []byte, i int) (float64, int, error) {
	start := i
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	var mant uint64
	digits, frac := 0, 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		mant = mant*10 + uint64(b[i]-'0')
		digits++
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			mant = mant*10 + uint64(b[i]-'0')
			digits++
			frac++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') || digits == 0 || digits > 15 {
		end := i
		for end < len(b) && strings.IndexByte("+-.0123456789eE", b[end]) >= 0 {
			end++
		}
		v, err := strconv.ParseFloat(string(b[start:end]), 64)
		return v, end, err
	}
	v := float64(mant) / pow10[frac] // both exact, so the quotient is correctly rounded
	if neg {
		v = -v
	}
	return v, i, nil
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

func ringsBounds(rings [][]float64) BBox {
	bb := BBox{MinLon: rings[0][0], MinLat: rings[0][1], MaxLon: rings[0][0], MaxLat: rings[0][1]}
	for _, r := range rings {
		for i := 0; i+1 < len(r); i += 2 {
			bb.MinLon, bb.MaxLon = min(bb.MinLon, r[i]), max(bb.MaxLon, r[i])
			bb.MinLat, bb.MaxLat = min(bb.MinLat, r[i+1]), max(bb.MaxLat, r[i+1])
		}
	}
	return bb
}

// union returns the smallest box holding both.
func (b BBox) union(o BBox) BBox {
	return BBox{min(b.MinLon, o.MinLon), min(b.MinLat, o.MinLat), max(b.MaxLon, o.MaxLon), max(b.MaxLat, o.MaxLat)}
}

// Gemeenten returns all gemeenten sorted by name.
func (a *Atlas) Gemeenten() []Gemeente { return slices.Clone(a.gemeenten) }

// Gemeente looks a gemeente up by code ("GM0119").
func (a *Atlas) Gemeente(code string) (Gemeente, bool) {
	i, ok := a.gemIndex[code]
	if !ok {
		return Gemeente{}, false
	}
	return a.gemeenten[i], true
}

// Wijken returns the wijken of a gemeente sorted by code; nil if unknown.
func (a *Atlas) Wijken(gemeente string) []Wijk { return slices.Clone(a.byGem[gemeente]) }

// Wijk looks a wijk up by code ("WK011901").
func (a *Atlas) Wijk(code string) (Wijk, bool) {
	i, ok := a.wijkIndex[code]
	if !ok {
		return Wijk{}, false
	}
	return a.wijken[i], true
}

// Search returns the gemeenten whose name or code contains q, ignoring case
// and accents ("fryslan" finds "Súdwest-Fryslân", "gm0119" finds Meppel),
// in name order. An empty q returns all gemeenten.
func (a *Atlas) Search(q string) []Gemeente {
	q = fold(strings.TrimSpace(q))
	var out []Gemeente
	for i, k := range a.gemKeys {
		if strings.Contains(k, q) {
			out = append(out, a.gemeenten[i])
		}
	}
	return out
}

// SearchWijken is Search for wijken ("ohe" finds "Wijk 03 Ohé en Laak" in
// Maasgouw), in code order. An empty q returns all wijken.
func (a *Atlas) SearchWijken(q string) []Wijk {
	q = fold(strings.TrimSpace(q))
	var out []Wijk
	for i, k := range a.wijkKeys {
		if strings.Contains(k, q) {
			out = append(out, a.wijken[i])
		}
	}
	return out
}

// sortName is the key to sort names by: folded, and "'s-Gravenhage" under G.
func sortName(naam string) string { return fold(strings.TrimPrefix(naam, "'s-")) }

// searchKey joins name and code with a separator a query cannot contain
// after trimming, so a match never spans both.
func searchKey(naam, code string) string { return fold(naam) + "\n" + fold(code) }

// fold lower-cases s and strips the diacritics that occur in Dutch and
// Frisian names; enough for search without golang.org/x/text.
func fold(s string) string {
	s = strings.ToLower(s) // returns s itself when there is nothing to do
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 { // most names are ASCII: skip the rune mapping
			return strings.Map(func(r rune) rune {
				if b, ok := plainRune[r]; ok {
					return b
				}
				return r
			}, s)
		}
	}
	return s
}

var plainRune = func() map[rune]rune {
	const (
		accented = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿ"
		plain    = "aaaaaaceeeeiiiinoooooouuuuyy"
	)
	m := make(map[rune]rune)
	p := []rune(plain)
	for i, r := range []rune(accented) {
		m[r] = p[i]
	}
	return m
}()

// SyntheticBuurten splits wijk w into n made-up buurten with codes of the
// CBS form BU+gggg+ww+bb (bb = 01..n) and names "<wijknaam> deel i". Real
// buurt boundaries are not embedded; these give pages and test data a
// stable buurt level. The result depends only on w and n; it is nil when n
// is outside 1..99 or w has no valid code.
func SyntheticBuurten(w Wijk, n int) []Buurt {
	if n < 1 || n > 99 || !ValidWijkCode(w.Code) {
		return nil
	}
	out := make([]Buurt, n)
	for i := range out {
		nr := i + 1
		out[i] = Buurt{
			Code:      fmt.Sprintf("BU%s%02d", w.Code[2:], nr),
			Naam:      fmt.Sprintf("%s deel %d", w.Naam, nr),
			Wijk:      w.Code,
			Synthetic: true,
		}
	}
	return out
}

// ValidGemeenteCode reports whether s has the form "GM" + 4 digits.
func ValidGemeenteCode(s string) bool {
	if len(s) != 6 || s[:2] != "GM" {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidWijkCode reports whether s has the form "WK" + 6 upper-case letters
// or digits (CBS uses letters in some wijk numbers, e.g. WK0363AA).
func ValidWijkCode(s string) bool { return validCode(s, "WK", 6) }

// ValidBuurtCode reports whether s has the form "BU" + 8 upper-case letters
// or digits.
func ValidBuurtCode(s string) bool { return validCode(s, "BU", 8) }

func validCode(s, prefix string, n int) bool {
	if len(s) != len(prefix)+n || !strings.HasPrefix(s, prefix) {
		return false
	}
	for i := len(prefix); i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// Contains reports whether the point (WGS84 degrees) lies inside the wijk's
// boundary (even-odd rule over all rings, as the map draws it).
func (a *Atlas) Contains(wijk string, lat, lon float64) bool {
	sh, ok := a.shapes[wijk]
	if !ok {
		return false
	}
	in := false
	for _, r := range sh.rings {
		n := len(r) / 2
		for i, j := 0, n-1; i < n; j, i = i, i+1 {
			xi, yi := r[2*i], r[2*i+1]
			xj, yj := r[2*j], r[2*j+1]
			if (yi > lat) != (yj > lat) && lon < (xj-xi)*(lat-yi)/(yj-yi)+xi {
				in = !in
			}
		}
	}
	return in
}

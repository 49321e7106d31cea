package area

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// MapOptions configures MapSVG.
type MapOptions struct {
	Width int                 // px, default 640; height follows the aspect ratio
	Href  func(w Wijk) string // link per wijk; "" = no link
	Fill  func(w Wijk) string // CSS colour per wijk; nil or "" = default palette
	Title string              // accessible title; default "Kaart van de wijken van <gemeente>"
	// Markers are numbered dots drawn on top (e.g. the places of wishes).
	Markers []Marker
}

// Marker is a numbered dot at a place on the map.
type Marker struct {
	Lat, Lon float64
	Label    string // shown as the dot's title
}

// Palette is the default fill: light, calm colours that differ enough from
// each other to tell neighbours apart and contrast well (> 7:1) with the
// dark Stroke. Neighbouring wijken get different colours.
var Palette = []string{"#cfe2f3", "#d9ead3", "#fce5cd", "#e6dcf0", "#f4d6d6", "#d0ece7", "#eeeac4"}

// Stroke is the border colour of the wijken.
const Stroke = "#3d3d3d"

const (
	defaultWidth = 640
	margin       = 4.0 // px around the drawing, so borders are not clipped
)

// MapSVG draws the wijken of a gemeente as an inline SVG of the boundaries
// in the embedded data. The markup is built here with every name escaped
// and only http(s) or relative links, so it is safe to embed as
// template.HTML. It uses no style attributes (the site's CSP forbids inline
// styles); CSS can target the paths with ".wijk", e.g. a:focus .wijk.
func (a *Atlas) MapSVG(gemeente string, opt MapOptions) (string, error) {
	g, ok := a.Gemeente(gemeente)
	if !ok {
		return "", fmt.Errorf("area: unknown gemeente %q", gemeente)
	}
	ws := a.byGem[g.Code] // never empty, checked by parse
	width := opt.Width
	if width <= 0 {
		width = defaultWidth
	}
	title := opt.Title
	if title == "" {
		title = "Kaart van de wijken van " + g.Naam
	}

	// Equirectangular projection with x scaled by cos(mid latitude), which
	// keeps shapes true at the scale of one gemeente; y grows downwards.
	bb := ws[0].Bounds
	for _, w := range ws[1:] {
		bb = bb.union(w.Bounds)
	}
	k := math.Cos((bb.MinLat + bb.MaxLat) / 2 * math.Pi / 180)
	spanX := max((bb.MaxLon-bb.MinLon)*k, 1e-9)
	spanY := bb.MaxLat - bb.MinLat
	scale := (float64(width) - 2*margin) / spanX
	height := int(math.Ceil(spanY*scale + 2*margin))

	hrefs := make([]string, len(ws))
	linked := false
	if opt.Href != nil {
		for i, w := range ws {
			if h := opt.Href(w); safeHref(h) {
				hrefs[i] = h
				linked = true
			}
		}
	}
	var colours []int
	if opt.Fill == nil {
		colours = a.colouring(ws)
	}

	b := make([]byte, 0, 4096+len(ws)*1024)
	titleID := "kaart-" + g.Code + "-titel"
	b = fmt.Appendf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="kaart" viewBox="0 0 %d %d" width="%d" height="%d"`, width, height, width, height)
	// role="img" would hide the links from assistive technology.
	if linked {
		b = append(b, ` role="group"`...)
	} else {
		b = append(b, ` role="img"`...)
	}
	b = append(b, ` aria-labelledby="`+titleID+`"><title id="`+titleID+`">`...)
	b = appendEscaped(b, title)
	b = append(b, `</title><g stroke="`+Stroke+`" stroke-width="1" stroke-linejoin="round">`...)

	var pts []int // projected ring in tenths of a pixel
	for i, w := range ws {
		if hrefs[i] != "" {
			b = append(b, `<a href="`...)
			b = appendEscaped(b, hrefs[i])
			b = append(b, `" aria-label="`...)
			b = appendEscaped(b, w.Naam)
			b = append(b, `">`...)
		}
		fill := ""
		if opt.Fill != nil {
			fill = opt.Fill(w)
		}
		if fill == "" {
			fill = Palette[0]
			if colours != nil {
				fill = Palette[colours[i]]
			}
		}
		b = append(b, `<path class="wijk" fill-rule="evenodd" fill="`...)
		b = appendEscaped(b, fill)
		b = append(b, `" d="`...)
		for _, r := range a.shapes[w.Code].rings {
			pts = pts[:0]
			for j := 0; j+1 < len(r); j += 2 {
				x := int(math.Round((margin + (r[j]-bb.MinLon)*k*scale) * 10))
				y := int(math.Round((margin + (bb.MaxLat-r[j+1])*scale) * 10))
				// Points that merge at this scale only add bytes.
				if n := len(pts); n > 0 && pts[n-2] == x && pts[n-1] == y {
					continue
				}
				pts = append(pts, x, y)
			}
			if n := len(pts); n > 2 && pts[0] == pts[n-2] && pts[1] == pts[n-1] {
				pts = pts[:n-2] // Z closes the ring
			}
			if len(pts) < 6 {
				continue // collapsed to a dot or line at this scale
			}
			for j := 0; j < len(pts); j += 2 {
				if j == 0 {
					b = append(b, 'M')
				} else if j == 2 {
					b = append(b, 'L')
				} else {
					b = append(b, ' ')
				}
				b = appendTenths(b, pts[j])
				b = append(b, ',')
				b = appendTenths(b, pts[j+1])
			}
			b = append(b, 'Z')
		}
		b = append(b, `"><title>`...)
		b = appendEscaped(b, w.Naam+" ("+w.Code+")")
		b = append(b, `</title></path>`...)
		if hrefs[i] != "" {
			b = append(b, `</a>`...)
		}
	}
	b = append(b, `</g>`...)
	for i, m := range opt.Markers {
		x := margin + (m.Lon-bb.MinLon)*k*scale
		y := margin + (bb.MaxLat-m.Lat)*scale
		if x < 0 || y < 0 || x > float64(width) || y > float64(height) {
			continue
		}
		b = fmt.Appendf(b, `<g class="marker"><circle cx="%.1f" cy="%.1f" r="9" fill="#b3123f" stroke="#ffffff" stroke-width="2"><title>`, x, y)
		b = appendEscaped(b, m.Label)
		b = fmt.Appendf(b, `</title></circle><text x="%.1f" y="%.1f" text-anchor="middle" font-size="11" font-weight="bold" fill="#ffffff" aria-hidden="true">%d</text></g>`, x, y+4, i+1)
	}
	b = append(b, `</svg>`...)
	return string(b), nil
}

// appendTenths writes v/10 with at most one decimal (v >= 0).
func appendTenths(b []byte, v int) []byte {
	b = strconv.AppendInt(b, int64(v/10), 10)
	if r := v % 10; r != 0 {
		b = append(b, '.', byte('0'+r))
	}
	return b
}

func appendEscaped(b []byte, s string) []byte {
	var sb strings.Builder
	xml.EscapeText(&sb, []byte(s)) // never fails on a strings.Builder
	return append(b, sb.String()...)
}

// safeHref accepts relative and http(s) links only: the SVG is inserted as
// template.HTML, so html/template will not filter "javascript:" URLs.
func safeHref(h string) bool {
	if h == "" || strings.ContainsFunc(h, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false // browsers drop such characters, which can hide a scheme
	}
	u, err := url.Parse(h)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https":
		return true
	}
	return false
}

// colouring gives each wijk a Palette index so that wijken sharing a border
// differ. Both wijken of a shared border carry the same vertices in the
// source, so two or more common vertices mean neighbours (one is a corner).
// Greedy colouring in order of decreasing degree (Welsh-Powell) needs at
// most five colours on these maps.
func (a *Atlas) colouring(ws []Wijk) []int {
	type pt struct{ x, y float64 }
	owners := make(map[pt][]int)
	for i, w := range ws {
		for _, r := range a.shapes[w.Code].rings {
			for j := 0; j+1 < len(r); j += 2 {
				p := pt{r[j], r[j+1]}
				if o := owners[p]; len(o) == 0 || o[len(o)-1] != i {
					owners[p] = append(o, i)
				}
			}
		}
	}
	shared := make(map[[2]int]int)
	for _, o := range owners {
		for x := 0; x < len(o); x++ {
			for y := x + 1; y < len(o); y++ {
				shared[[2]int{o[x], o[y]}]++
			}
		}
	}
	adj := make([][]int, len(ws))
	for pair, n := range shared {
		if n >= 2 {
			adj[pair[0]] = append(adj[pair[0]], pair[1])
			adj[pair[1]] = append(adj[pair[1]], pair[0])
		}
	}
	order := make([]int, len(ws))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(len(adj[y]), len(adj[x])) })

	colour := make([]int, len(ws))
	for i := range colour {
		colour[i] = -1
	}
	for _, i := range order {
		used := make([]bool, len(Palette))
		for _, n := range adj[i] {
			if c := colour[n]; c >= 0 {
				used[c] = true
			}
		}
		colour[i] = i % len(Palette) // fallback, should the palette run out
		for c, u := range used {
			if !u {
				colour[i] = c
				break
			}
		}
	}
	return colour
}

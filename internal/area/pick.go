package area

import (
	"fmt"
	"math"
)

// Picker is a map of one wijk alone at a fixed width, for choosing a place
// without JavaScript: the page shows PickerSVG as an <input type="image">,
// the browser sends the clicked pixel, and Point turns it back into a
// place.
type Picker struct {
	Wijk          string
	Width, Height int
	bb            BBox
	k, scale      float64
}

// Picker returns the projection of the wijk at the width in pixels.
func (a *Atlas) Picker(wijk string, width int) (Picker, bool) {
	w, ok := a.Wijk(wijk)
	if !ok || width <= 0 {
		return Picker{}, false
	}
	bb := w.Bounds
	k := math.Cos((bb.MinLat + bb.MaxLat) / 2 * math.Pi / 180)
	spanX := max((bb.MaxLon-bb.MinLon)*k, 1e-9)
	scale := (float64(width) - 2*margin) / spanX
	h := int(math.Ceil((bb.MaxLat-bb.MinLat)*scale + 2*margin))
	return Picker{Wijk: wijk, Width: width, Height: h, bb: bb, k: k, scale: scale}, true
}

func (p Picker) xy(lat, lon float64) (float64, float64) {
	return margin + (lon-p.bb.MinLon)*p.k*p.scale, margin + (p.bb.MaxLat-lat)*p.scale
}

// Point is the place at pixel (x, y) of the picture.
func (p Picker) Point(x, y float64) (lat, lon float64) {
	return p.bb.MaxLat - (y-margin)/p.scale, p.bb.MinLon + (x-margin)/(p.k*p.scale)
}

// PickerSVG draws the wijk as a standalone SVG image, with the marker when
// given (a chosen place).
func (a *Atlas) PickerSVG(p Picker, marker *Marker) string {
	b := fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d">`, p.Width, p.Height, p.Width, p.Height)
	b = fmt.Appendf(b, `<rect width="%d" height="%d" fill="#ffffff"/>`, p.Width, p.Height)
	b = append(b, `<path fill-rule="evenodd" fill="#cfe2f3" stroke="`+Stroke+`" stroke-width="2" d="`...)
	for _, r := range a.shapes[p.Wijk].rings {
		for j := 0; j+1 < len(r); j += 2 {
			x, y := p.xy(r[j+1], r[j])
			if j == 0 {
				b = append(b, 'M')
			} else {
				b = append(b, 'L')
			}
			b = fmt.Appendf(b, "%.1f,%.1f", x, y)
		}
		b = append(b, 'Z')
	}
	b = append(b, `"/>`...)
	if marker != nil {
		x, y := p.xy(marker.Lat, marker.Lon)
		b = fmt.Appendf(b, `<circle cx="%.1f" cy="%.1f" r="9" fill="#b3123f" stroke="#ffffff" stroke-width="3"/>`, x, y)
	}
	b = append(b, `</svg>`...)
	return string(b)
}

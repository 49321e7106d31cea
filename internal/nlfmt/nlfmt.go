// Package nlfmt formats numbers the Dutch way. It is a leaf package so that
// money, charts, published tables and demo texts share one implementation.
package nlfmt

import "strconv"

// Int writes n with dots between groups of three digits: 1.234.567, -1.234.
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	b := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		b = append(b, '-')
	}
	for i := 0; i < len(s); i++ {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, s[i])
	}
	return string(b)
}

package sheet

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"naober.nl/naober/internal/people"
)

// ParseDate reads the dates gemeente systems write: Dutch "01-04-2026",
// "1-4-2026", "01/04/2026", "01.04.2026" (day first, always), ISO
// "2026-04-01" (also with a time after it, as XLSX date-times come out of
// the reader) and "20260401". Two-digit years are refused: they are
// ambiguous for birth dates.
func ParseDate(s string) (people.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return people.Date{}, errors.New("de datum ontbreekt")
	}
	bad := func() (people.Date, error) {
		return people.Date{}, fmt.Errorf("%q is geen datum (gebruik 01-04-2026 of 2026-04-01)", s)
	}
	var y, m, d int
	switch {
	case len(s) == 8 && allDigits(s):
		y, m, d = atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
	case len(s) >= 10 && s[4] == '-' && allDigits(s[:4]):
		iso := s
		if len(s) > 10 {
			if s[10] != ' ' && s[10] != 'T' {
				return bad()
			}
			if _, err := time.Parse("15:04:05", strings.TrimSuffix(s[11:], "Z")); err != nil {
				if _, err := time.Parse("15:04", s[11:]); err != nil {
					return bad()
				}
			}
			iso = s[:10]
		}
		if iso[7] != '-' || !allDigits(iso[5:7]) || !allDigits(iso[8:]) {
			return bad()
		}
		y, m, d = atoi(iso[:4]), atoi(iso[5:7]), atoi(iso[8:])
	default:
		sep := strings.IndexAny(s, "-/.")
		if sep < 0 {
			return bad()
		}
		parts := strings.Split(s, s[sep:sep+1])
		if len(parts) != 3 || len(parts[0]) < 1 || len(parts[0]) > 2 || len(parts[1]) < 1 || len(parts[1]) > 2 ||
			!allDigits(parts[0]) || !allDigits(parts[1]) || !allDigits(parts[2]) {
			return bad()
		}
		if len(parts[2]) != 4 {
			return people.Date{}, fmt.Errorf("%q: schrijf het jaar met vier cijfers (01-04-2026)", s)
		}
		d, m, y = atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	}
	if y < 1800 || y > 2999 {
		return people.Date{}, fmt.Errorf("%q: jaar %d kan niet kloppen", s, y)
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return people.Date{}, fmt.Errorf("%q bestaat niet als datum", s)
	}
	return people.NewDate(y, time.Month(m), d), nil
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi of at most 9 digits already checked by allDigits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// ParseCents reads an amount in euros as cents, exactly (no float math).
//
// Separators follow Dutch use, with the other notation understood where it
// is unambiguous:
//   - both '.' and ',' appear: the last one is the decimal separator, the
//     other groups thousands ("1.234,56" and "1,234.56" are both 123456);
//   - only ',' once: decimal comma ("1234,5" is 123450); several: groups;
//   - only '.' once followed by exactly three digits: thousands, the Dutch
//     reading ("1.234" is 1234 euro, 123400); otherwise decimal point
//     ("1234.56", "12.5"); several: groups.
//
// Grouped digits must be groups of three. A euro sign, "EUR", spaces and a
// leading minus (or a trailing one, or parentheses) are allowed. More than
// two decimals are refused unless the extra ones are zeros: an amount that
// is not a whole number of cents is a mistake in the data.
func ParseCents(s string) (int64, error) {
	orig := s
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, s[1:len(s)-1]
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '€':
			return -1
		case '−': // minus sign
			return '-'
		}
		return r
	}, s)
	s = strings.TrimPrefix(strings.TrimSuffix(s, "EUR"), "EUR")
	for strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		if s[0] == '-' {
			if neg {
				return 0, fmt.Errorf("%q is geen bedrag", orig)
			}
			neg = true
		}
		s = s[1:]
		s = strings.TrimPrefix(s, "EUR")
	}
	if strings.HasSuffix(s, "-") && !neg {
		neg, s = true, s[:len(s)-1]
	}
	if s == "" {
		if strings.TrimSpace(orig) == "" {
			return 0, errors.New("het bedrag ontbreekt")
		}
		return 0, fmt.Errorf("%q is geen bedrag", orig)
	}
	intPart, frac, grouped, ok := splitDecimal(s)
	if !ok {
		return 0, fmt.Errorf("%q is geen bedrag (schrijf bijvoorbeeld 1.234,56)", orig)
	}
	if grouped {
		if intPart, ok = ungroup(intPart); !ok {
			return 0, fmt.Errorf("%q is geen bedrag: de punten of komma's staan niet per drie cijfers", orig)
		}
	}
	if intPart == "" && frac != "" {
		intPart = "0" // ",50"
	}
	if !allDigits(intPart) || (frac != "" && !allDigits(frac)) || (intPart == "" && frac == "") {
		return 0, fmt.Errorf("%q is geen bedrag (schrijf bijvoorbeeld 1.234,56)", orig)
	}
	if len(frac) > 2 {
		if strings.Trim(frac[2:], "0") != "" {
			return 0, fmt.Errorf("%q heeft meer dan twee cijfers achter de komma", orig)
		}
		frac = frac[:2]
	}
	for len(frac) < 2 {
		frac += "0"
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 16 {
		return 0, fmt.Errorf("%q is te groot", orig)
	}
	v := int64(atoi64(intPart))*100 + int64(atoi(frac))
	if neg {
		v = -v
	}
	return v, nil
}

// splitDecimal finds the decimal separator by the rules of ParseCents. The
// integer part may still hold group separators when grouped is true.
func splitDecimal(s string) (intPart, frac string, grouped, ok bool) {
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	switch {
	case dots == 0 && commas == 0:
		return s, "", false, true
	case dots > 0 && commas > 0:
		dec := max(lastDot, lastComma)
		if (dec == lastComma && commas > 1) || (dec == lastDot && dots > 1) {
			return "", "", false, false
		}
		return s[:dec], s[dec+1:], true, true
	case commas == 1:
		return s[:lastComma], s[lastComma+1:], false, true
	case commas > 1:
		return s, "", true, true
	case dots == 1:
		before, after := s[:lastDot], s[lastDot+1:]
		if len(after) == 3 && len(before) >= 1 && len(before) <= 3 && before[0] != '0' {
			return s, "", true, true
		}
		return before, after, false, true
	default: // several dots
		return s, "", true, true
	}
}

// ungroup removes group separators (one kind, '.' or ','), checking that
// the groups are of three digits and the first of one to three.
func ungroup(s string) (string, bool) {
	sep := "."
	if strings.Contains(s, ",") {
		sep = ","
	}
	if strings.Contains(s, ".") && strings.Contains(s, ",") {
		return "", false
	}
	parts := strings.Split(s, sep)
	if len(parts[0]) < 1 || len(parts[0]) > 3 {
		return "", false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

func atoi64(s string) uint64 {
	var n uint64
	for i := 0; i < len(s); i++ {
		n = n*10 + uint64(s[i]-'0')
	}
	return n
}

// ParseInt reads a whole number, with or without thousands dots: "1.234"
// and "1234" are 1234. A comma is refused: in Dutch it starts decimals.
func ParseInt(s string) (int64, error) {
	orig := s
	s = strings.TrimSpace(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f':
			return -1
		case '−':
			return '-'
		}
		return r
	}, s)
	if s == "" {
		return 0, errors.New("het getal ontbreekt")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg, s = s[0] == '-', s[1:]
	}
	if strings.Contains(s, ".") {
		var ok bool
		if s, ok = ungroup(s); !ok {
			return 0, fmt.Errorf("%q is geen geheel getal", orig)
		}
	}
	if !allDigits(s) {
		return 0, fmt.Errorf("%q is geen geheel getal", orig)
	}
	s = strings.TrimLeft(s, "0")
	if len(s) > 18 {
		return 0, fmt.Errorf("%q is te groot", orig)
	}
	v := int64(atoi64(s))
	if neg {
		v = -v
	}
	return v, nil
}

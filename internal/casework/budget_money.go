package casework

import (
	"errors"
	"strconv"
	"strings"

	"naober.nl/naober/internal/nlfmt"
)

// Cents is an amount of money in euro cents. naober never uses floats for
// money. In JSON it is a plain integer; on screen it reads "€ 1.234,56".
type Cents int64

// String formats the amount the Dutch way: "€ 1.234,56", "€ -12,50".
func (c Cents) String() string { return "€ " + c.Plain() }

// Plain formats the amount without the euro sign, with thousands
// separators: "1.234,56".
func (c Cents) Plain() string {
	neg := c < 0
	v := int64(c)
	if neg {
		v = -v
	}
	frac := v % 100
	s := nlfmt.Int(v/100) + "," + string(rune('0'+frac/10)) + string(rune('0'+frac%10))
	if neg {
		return "-" + s
	}
	return s
}

// Input formats the amount for a form field: "1234,56" (no euro sign, no
// thousands separators), so that ParseEuro reads it back unchanged.
func (c Cents) Input() string {
	neg := c < 0
	v := int64(c)
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/100, 10) + "," + strconv.FormatInt(v%100/10, 10) + strconv.FormatInt(v%10, 10)
	if neg {
		return "-" + s
	}
	return s
}

// Euros is the amount in whole euros, rounded to the nearest (halves away
// from zero); for short figures in text.
func (c Cents) Euros() int64 {
	if c < 0 {
		return -int64((-c + 50) / 100)
	}
	return int64((c + 50) / 100)
}

// Ptr returns a pointer to the amount, for optional fields.
func (c Cents) Ptr() *Cents { return &c }

// ErrNoAmount is returned by ParseEuro for an empty input.
var ErrNoAmount = errors.New("vul een bedrag in")

// maxEuroDigits keeps parsed amounts far from int64 overflow (10^12 euro).
const maxEuroDigits = 12

// ParseEuro reads an amount as people type it in the Netherlands:
// "1.234,56", "1234,56", "€ 12,50", "12,-", "12.50" and "1.234" (a dot
// followed by exactly three digits groups thousands; followed by one or two
// digits it is the decimal point). Negative amounts are refused.
func ParseEuro(s string) (Cents, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "€")
	s = strings.TrimPrefix(strings.ToUpper(s), "EUR")
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return 0, ErrNoAmount
	}
	if strings.HasPrefix(s, "-") {
		return 0, errors.New("een bedrag kan niet negatief zijn")
	}
	bad := errors.New("vul een bedrag in zoals 1.234,56")
	s = strings.TrimPrefix(s, "+")
	var whole, frac string
	if i := strings.LastIndexByte(s, ','); i >= 0 {
		whole, frac = s[:i], s[i+1:]
		if frac == "-" || frac == "--" {
			frac = ""
		}
		if !moneyGrouped(whole) {
			return 0, bad
		}
		whole = strings.ReplaceAll(whole, ".", "")
	} else if i := strings.LastIndexByte(s, '.'); i >= 0 {
		after := s[i+1:]
		if len(after) == 3 || strings.Count(s, ".") > 1 {
			if !moneyGrouped(s) {
				return 0, bad
			}
			whole = strings.ReplaceAll(s, ".", "")
		} else {
			whole, frac = s[:i], after
		}
	} else {
		whole = s
	}
	if whole == "" {
		whole = "0"
	}
	if len(frac) > 2 {
		return 0, errors.New("een bedrag heeft hooguit twee cijfers achter de komma")
	}
	if !moneyDigits(whole) || !moneyDigits(frac) {
		return 0, bad
	}
	if len(strings.TrimLeft(whole, "0")) > maxEuroDigits {
		return 0, errors.New("dit bedrag is te groot")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return Cents(w*100 + f), nil
}

// moneyGrouped accepts "1234", "1.234" and "12.345.678", not "1.23".
func moneyGrouped(s string) bool {
	if !strings.Contains(s, ".") {
		return true
	}
	parts := strings.Split(s, ".")
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}

func moneyDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// moneyMulDiv returns x × num ÷ den rounded to the nearest integer, halves
// away from zero; den > 0. Callers keep x × num far below 2^63 (the
// validation limits do).
func moneyMulDiv(x, num, den int64) int64 {
	p := x * num
	if p < 0 {
		return -((-p + den/2) / den)
	}
	return (p + den/2) / den
}

package exchange

import "strings"

// MaxNumberDigits is the most digits an iJw/iWmo number (LDT_Nummer, an
// integer 0..999999999) has, leading zeros not counted.
const MaxNumberDigits = 9

// CanonNumber is the canonical form of an iJw/iWmo number such as a
// ToewijzingNummer, the form the message reader keeps (package istd has
// its own copy, canon): spaces around, a leading "+" and leading zeros go,
// so "000300202", "+300202" and "300202" are all "300202", and "000" is
// "0". ok is false when v is not digits only (after that "+"), or has
// more than MaxNumberDigits digits without its leading zeros.
func CanonNumber(v string) (string, bool) {
	s := strings.TrimPrefix(strings.TrimSpace(v), "+")
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return "", false
		}
	}
	s = strings.TrimLeft(s, "0")
	if s == "" {
		s = "0"
	}
	if len(s) > MaxNumberDigits {
		return "", false
	}
	return s, true
}

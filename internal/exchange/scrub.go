package exchange

import "strings"

// Reports of an import go to beheer, who may import but not read persons.
// What they show must say what is wrong and where, without the personal
// value itself: ScrubProblems is the one place that decides this for
// iJw/iWmo reports; the spreadsheet converter leaves personal values out
// when it makes a problem (see Converter.problem).

// personalElements are parts of an element path of an iJw/iWmo message
// whose values are personal data. The BSN is handled apart: it is masked,
// not left out, so that two clients can be told apart.
var personalElements = []string{
	"Naam", // Client/Naam/Geslachtsnaam, Voornamen, Partnernaam, ...
	"Achternaam", "Voornamen", "Voorletters", "Voorvoegsel",
	"Geboortedatum", "Geslacht",
	"Adres", "Contact", "Relatie",
	"Telefoon", "Email", // Emailadres
	"Commentaar",
}

// PersonalPath reports whether the element at path holds personal data
// whose value a report must not show.
func PersonalPath(path string) bool {
	for _, s := range personalElements {
		if strings.Contains(path, s) {
			return true
		}
	}
	return false
}

// ScrubProblems returns a copy of ps that can be shown to someone who may
// not see persons: the value of a personal element is left out, a BSN is
// kept only in its masked form, and any other run of 8 or 9 digits in a
// value (a BSN where no one expected one) is masked the same way. Path
// and message stay, so the report still says what is wrong and where.
func ScrubProblems(ps []Problem) []Problem {
	out := make([]Problem, len(ps))
	for i, p := range ps {
		switch {
		case PersonalPath(p.Path):
			p.Value = ""
		case strings.Contains(p.Path, "Bsn") && p.Value != "" && !strings.HasPrefix(p.Value, "******"):
			p.Value = MaskBSN(p.Value)
		}
		p.Value = MaskDigitRuns(p.Value)
		out[i] = p
	}
	return out
}

// MaskDigitRuns masks every run of 8 or 9 digits in s as MaskBSN does
// (a BSN has 9 digits, 8 when a spreadsheet ate its leading zero).
func MaskDigitRuns(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if n := j - i; n == 8 || n == 9 {
			b.WriteString(MaskBSN(s[i:j]))
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ScrubSheetProblems returns a copy of the problems of a spreadsheet
// import's report fit for beheer. The converter already leaves personal
// values out; this also catches what other steps add (the store's checks
// of a row): in a persons file every value is personal except a masked
// BSN, and in any file runs of 8 or 9 digits are masked.
func ScrubSheetProblems(k Kind, ps []Problem) []Problem {
	out := make([]Problem, len(ps))
	for i, p := range ps {
		if k == KindPersons && !strings.HasPrefix(p.Value, "******") {
			p.Value = ""
		}
		p.Value = MaskDigitRuns(p.Value)
		out[i] = p
	}
	return out
}

package casework

import (
	"strings"

	"naober.nl/naober/internal/people"
)

// ClientProfile (cliëntprofiel) is a fixed-price arrangement a gemeente or
// region buys instead of separate products: defined by the person's
// perspective (can they get better?) and the intensity of support, with a
// fixed price per period. The provider decides how to reach the result.
type ClientProfile struct {
	Gemeente    string `json:"gemeente"`
	Code        string `json:"code"`
	Naam        string `json:"naam"`
	Perspectief string `json:"perspectief"`
	Intensiteit string `json:"intensiteit"`
	PrijsCents  Cents  `json:"prijs_cents"`
	Periode     string `json:"periode"` // week, maand, jaar
}

// Perspectives of a client profile.
var Perspectives = []Code{
	{"herstel", "Herstel of ontwikkeling: kan beter worden"},
	{"stabiliseren", "Stabiliseren: de situatie houden zoals hij is"},
	{"achteruitgang", "Achteruitgang opvangen: begeleiden bij verlies"},
}

// Intensities of a client profile.
var Intensities = []Code{
	{"licht", "Licht"},
	{"midden", "Midden"},
	{"zwaar", "Zwaar"},
	{"intensief", "Intensief"},
}

// ProfilePeriods are the periods a profile price is set for.
var ProfilePeriods = []Code{{"week", "Per week"}, {"maand", "Per maand"}, {"jaar", "Per jaar"}}

// Limits on money fields (cents), far below int64 overflow even after
// multiplying by volume and days.
const (
	maxUnitPrice   = 100_000_000     // € 1 mln per unit
	maxMonthly     = 1_000_000_000   // € 10 mln per month or per period
	maxVolume      = 1_000_000       // units per frequency period
	maxBudget      = 100_000_000_000 // € 1 mld per team and year
	maxSpend       = 100_000_000     // € 1 mln per spend
	maxAvoidedCost = 10_000_000_000  // € 100 mln expected avoided
)

// ValidateProfile checks a client profile before it is saved.
func ValidateProfile(p *ClientProfile) error {
	var fe people.FieldErrors
	p.Code = strings.ToUpper(strings.TrimSpace(p.Code))
	p.Naam = strings.TrimSpace(p.Naam)
	switch {
	case p.Code == "":
		fe.Add("code", "vul een code in, zoals P1")
	case len(p.Code) > 20 || !pvCodeChars(p.Code):
		fe.Add("code", "een code heeft hooguit 20 letters, cijfers of streepjes")
	}
	if p.Naam == "" {
		fe.Add("naam", "vul een naam in")
	} else if len(p.Naam) > 200 {
		fe.Add("naam", "een naam heeft hooguit 200 tekens")
	}
	if _, ok := Lookup(Perspectives, p.Perspectief); !ok {
		fe.Add("perspectief", "kies een perspectief")
	}
	if _, ok := Lookup(Intensities, p.Intensiteit); !ok {
		fe.Add("intensiteit", "kies een intensiteit")
	}
	switch {
	case p.PrijsCents <= 0:
		fe.Add("prijs_cents", "vul een vaste prijs in die hoger is dan € 0")
	case p.PrijsCents > maxMonthly:
		fe.Add("prijs_cents", "deze prijs is onwaarschijnlijk hoog")
	}
	if _, ok := Lookup(ProfilePeriods, p.Periode); !ok {
		fe.Add("periode", "kies per week, per maand of per jaar")
	}
	return fe.Err()
}

// Monthly is the profile price converted to one month, in cents: a week
// price × 52 ÷ 12, a year price ÷ 12, rounded once to the nearest cent.
func (p ClientProfile) Monthly() Cents {
	switch p.Periode {
	case "week":
		return Cents(moneyMulDiv(int64(p.PrijsCents), 52, 12))
	case "jaar":
		return Cents(moneyMulDiv(int64(p.PrijsCents), 1, 12))
	}
	return p.PrijsCents
}

// PerspectiefNaam and friends give the Dutch names for pages.
func (p ClientProfile) PerspectiefNaam() string { return pvName(Perspectives, p.Perspectief) }
func (p ClientProfile) IntensiteitNaam() string { return pvName(Intensities, p.Intensiteit) }
func (p ClientProfile) PeriodeNaam() string     { return pvName(ProfilePeriods, p.Periode) }

func pvName(list []Code, code string) string {
	if n, ok := Lookup(list, code); ok {
		return n
	}
	return code
}

func pvCodeChars(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

package casework

import (
	"strings"
	"time"

	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
)

// Provision (voorziening) is support a person of a household receives under
// one law: a Wmo or Jeugdwet maatwerkvoorziening, a Participatiewet
// provision, debt relief, or free support in the voorliggend veld.
type Provision struct {
	ID           string      `json:"id"`
	Gemeente     string      `json:"gemeente"`
	PersonID     string      `json:"persoon"`
	PersonName   string      `json:"persoon_naam,omitempty"`
	HouseholdID  string      `json:"huishouden"`
	Wet          string      `json:"wet"`
	Categorie    string      `json:"categorie"`
	Productcode  string      `json:"productcode,omitempty"`
	Taakveld     string      `json:"taakveld"`
	Aanbieder    string      `json:"aanbieder,omitempty"`
	AanbiederAGB string      `json:"aanbieder_agb,omitempty"`
	Start        people.Date `json:"start"`
	Eind         people.Date `json:"eind"` // zero: open-ended
	Volume       *int        `json:"volume"`
	Eenheid      string      `json:"eenheid,omitempty"`    // Units (WJ756)
	Frequentie   string      `json:"frequentie,omitempty"` // Frequencies (WMO757)
	// PrijsCents is the price per unit; MaandbedragCents a fixed amount per
	// month. With a client profile the store sets MaandbedragCents from the
	// profile price when the provision is made (a snapshot: a later change
	// of the profile price does not change allocations already made).
	PrijsCents       *Cents         `json:"prijs_cents"`
	MaandbedragCents *Cents         `json:"maandbedrag_cents"`
	Profiel          string         `json:"profiel,omitempty"`
	Profile          *ClientProfile `json:"profiel_gegevens,omitempty"`
	Status           string         `json:"status"`
	EindReden        string         `json:"eind_reden,omitempty"`
	Toelichting      string         `json:"toelichting,omitempty"`
	KostenPerMaand   Cents          `json:"kosten_per_maand_cents"` // MonthlyCost, filled on read
	CreatedBy        string         `json:"aangemaakt_door"`
	Created          time.Time      `json:"aangemaakt"`
	Updated          time.Time      `json:"gewijzigd"`
}

// Provision states, in their only order.
const (
	ProvisionRequested = "aangevraagd"
	ProvisionGranted   = "toegekend"
	ProvisionStarted   = "gestart"
	ProvisionEnded     = "beeindigd"
)

// defaultTaakveld maps a category to the Iv3 taakveld it is usually booked
// on. Debt relief is not income support: the Iv3 rules exclude
// schuldhulpverlening from 6.3 Inkomensregelingen and book it on the Wmo
// maatwerk line (6.71, since 2023 6.714 Overige maatwerkarrangementen);
// beschermingsbewind is paid as bijzondere bijstand, so 6.3.
var defaultTaakveld = map[string]map[string]string{
	"wmo": {
		"01": "6.711", "02": "6.712", "03": "6.712", "04": "6.714", "05": "6.714", "06": "6.714", "07": "6.713",
		"08": "6.60", "09": "6.713", "10": "6.714", "11": "6.60", "12": "6.60", "13": "6.60", "14": "6.60",
		"15": "6.811", "16": "6.812", "17": "6.812", "18": "6.811",
	},
	"jw": {
		"40": "6.751", "41": "6.751", "42": "6.751", "43": "6.761", "44": "6.761", "45": "6.751", "46": "6.751",
		"47": "6.822", "48": "6.821", "49": "6.822", "50": "6.751", "51": "6.751", "52": "6.751", "53": "6.751",
		"54": "6.751", "55": "6.753",
	},
	"pw": {
		"PW-BIJSTAND": "6.3", "PW-BIJZONDER": "6.3", "PW-REINTEGRATIE": "6.5", "PW-BESCHUT": "6.4", "PW-MINIMA": "6.3",
	},
	"wgs": {
		"WGS-SCHULDHULP": "6.714", "WGS-BUDGETBEHEER": "6.714", "WGS-BEWIND": "6.3", "WGS-SANERING": "6.714", "WGS-KREDIET": "6.714",
	},
	"voorliggend": {
		"VV-SOCIAALWERK": "6.1", "VV-VRIJWILLIGER": "6.1", "VV-BUURTHUIS": "6.1", "VV-MANTELZORG": "6.1", "VV-GROEP": "6.1",
	},
}

// lawTaakvelden are the taakvelden a provision under each law may be
// booked on (toegang and pgb lines included).
var lawTaakvelden = map[string][]string{
	"wmo":         {"6.21", "6.23", "6.60", "6.711", "6.712", "6.713", "6.714", "6.791", "6.811", "6.812"},
	"jw":          {"6.22", "6.23", "6.751", "6.752", "6.753", "6.761", "6.762", "6.763", "6.792", "6.821", "6.822"},
	"pw":          {"6.3", "6.4", "6.5"},
	"wgs":         {"6.3", "6.714"},
	"voorliggend": {"6.1", "6.21", "6.22", "6.23"},
}

// DefaultTaakveld suggests the Iv3 taakveld for a category of a law; ""
// when the category is unknown.
func DefaultTaakveld(wet, categorie string) string { return defaultTaakveld[wet][categorie] }

// TaakveldAllowed reports whether a provision under the law may be booked
// on the taakveld.
func TaakveldAllowed(wet, taakveld string) bool {
	for _, t := range lawTaakvelden[wet] {
		if t == taakveld {
			return true
		}
	}
	return false
}

// ProfileLaws are the laws under which a client profile can be used:
// profiles replace the product lists of Wmo and youth care.
var ProfileLaws = []string{"wmo", "jw"}

// ValidAGB checks an AGB code (Vektis): exactly eight digits.
func ValidAGB(s string) bool { return len(s) == 8 && moneyDigits(s) }

// ValidateProvision checks a new provision, collecting every problem at
// once, and fills the suggested taakveld and the initial status. It does
// not know the household's members or the gemeente's profiles; the store
// checks those.
func ValidateProvision(p *Provision) error {
	var fe people.FieldErrors
	p.Productcode = strings.ToUpper(strings.TrimSpace(p.Productcode))
	p.Aanbieder = strings.TrimSpace(p.Aanbieder)
	p.AanbiederAGB = strings.TrimSpace(p.AanbiederAGB)
	p.Profiel = strings.ToUpper(strings.TrimSpace(p.Profiel))
	p.Toelichting = strings.TrimSpace(p.Toelichting)
	if p.PersonID == "" {
		fe.Add("persoon", "kies voor wie de voorziening is")
	}
	_, lawOK := Lookup(Laws, p.Wet)
	if !lawOK {
		fe.Add("wet", "kies een wet: wmo, jw, pw, wgs of voorliggend")
	}
	if p.Categorie == "" {
		fe.Add("categorie", "kies een categorie")
	} else if lawOK {
		if _, ok := Lookup(Categories[p.Wet], p.Categorie); !ok {
			if other := lawOfCategory(p.Categorie); other != "" {
				fe.Add("categorie", "categorie "+p.Categorie+" hoort bij "+pvName(Laws, other)+", niet bij "+pvName(Laws, p.Wet))
			} else {
				fe.Add("categorie", "onbekende categorie "+p.Categorie+" voor "+pvName(Laws, p.Wet))
			}
		}
	}
	if p.Productcode != "" && (len(p.Productcode) > 5 || !pvCodeChars(p.Productcode)) {
		fe.Add("productcode", "een productcode heeft hooguit 5 letters of cijfers (iStandaarden)")
	}
	if p.Taakveld == "" && lawOK {
		p.Taakveld = DefaultTaakveld(p.Wet, p.Categorie)
	}
	if p.Taakveld == "" {
		if fe.For("categorie") == "" && lawOK {
			fe.Add("taakveld", "kies een taakveld")
		}
	} else if _, ok := Lookup(Taakvelden, p.Taakveld); !ok {
		fe.Add("taakveld", "onbekend taakveld "+p.Taakveld+" (Iv3 hoofdstuk 6)")
	} else if lawOK && !TaakveldAllowed(p.Wet, p.Taakveld) {
		fe.Add("taakveld", "taakveld "+p.Taakveld+" past niet bij "+pvName(Laws, p.Wet))
	}
	if len(p.Aanbieder) > 200 {
		fe.Add("aanbieder", "een naam heeft hooguit 200 tekens")
	}
	if p.AanbiederAGB != "" {
		if !ValidAGB(p.AanbiederAGB) {
			fe.Add("aanbieder_agb", "een AGB-code heeft precies 8 cijfers")
		} else if p.Aanbieder == "" {
			fe.Add("aanbieder", "vul de naam van de aanbieder in bij de AGB-code")
		}
	}
	if p.Start.IsZero() {
		fe.Add("start", "vul een startdatum in")
	}
	// Both ends are inclusive (as in iJw/iWmo), so one day is start = end.
	if !p.Eind.IsZero() && !p.Start.IsZero() && p.Eind.Before(p.Start) {
		fe.Add("eind", "de einddatum ligt op of na de startdatum ("+p.Start.Dutch()+")")
	}
	validateVolume(p, &fe)
	validateMoney(p, &fe)
	switch p.Status {
	case "":
		p.Status = ProvisionRequested
	case ProvisionRequested, ProvisionGranted, ProvisionStarted:
	case ProvisionEnded:
		fe.Add("status", "een nieuwe voorziening kan niet al beëindigd zijn")
	default:
		fe.Add("status", "kies aangevraagd, toegekend of gestart")
	}
	if p.EindReden != "" {
		fe.Add("eind_reden", "een reden van beëindiging geeft u bij het beëindigen")
	}
	if len(p.Toelichting) > 2000 {
		fe.Add("toelichting", "een toelichting heeft hooguit 2.000 tekens")
	}
	return fe.Err()
}

func validateVolume(p *Provision, fe *people.FieldErrors) {
	if p.Volume != nil && (*p.Volume <= 0 || *p.Volume > maxVolume) {
		fe.Add("volume", "vul een volume in groter dan 0 (hooguit 1.000.000)")
	}
	if p.Eenheid != "" {
		if _, ok := Lookup(Units, p.Eenheid); !ok {
			fe.Add("eenheid", "onbekende eenheid "+p.Eenheid)
		}
	}
	if p.Frequentie != "" {
		if _, ok := Lookup(Frequencies, p.Frequentie); !ok {
			fe.Add("frequentie", "onbekende frequentie "+p.Frequentie)
		}
	}
	// A volume needs its unit and frequency; a unit or frequency needs a volume.
	if p.Volume != nil || p.Eenheid != "" || p.Frequentie != "" {
		if p.Volume == nil {
			fe.Add("volume", "vul het volume in bij de eenheid en frequentie")
		}
		if p.Eenheid == "" {
			fe.Add("eenheid", "kies de eenheid van het volume")
		}
		if p.Frequentie == "" {
			fe.Add("frequentie", "kies de frequentie van het volume")
		}
	}
	if p.Frequentie == "6" && p.Eind.IsZero() {
		fe.Add("eind", "bij een totaal binnen de looptijd hoort een einddatum")
	}
}

func validateMoney(p *Provision, fe *people.FieldErrors) {
	if p.PrijsCents != nil && (*p.PrijsCents < 0 || *p.PrijsCents > maxUnitPrice) {
		if *p.PrijsCents < 0 {
			fe.Add("prijs_cents", "een prijs kan niet negatief zijn")
		} else {
			fe.Add("prijs_cents", "deze prijs per eenheid is onwaarschijnlijk hoog")
		}
	}
	if p.MaandbedragCents != nil && (*p.MaandbedragCents < 0 || *p.MaandbedragCents > maxMonthly) {
		if *p.MaandbedragCents < 0 {
			fe.Add("maandbedrag_cents", "een maandbedrag kan niet negatief zijn")
		} else {
			fe.Add("maandbedrag_cents", "dit maandbedrag is onwaarschijnlijk hoog")
		}
	}
	if p.Profiel != "" {
		if !pvIn(ProfileLaws, p.Wet) {
			fe.Add("profiel", "cliëntprofielen gelden alleen voor Wmo en Jeugdwet")
		}
		if p.PrijsCents != nil {
			fe.Add("prijs_cents", "bij een cliëntprofiel komt de prijs uit het profiel; laat de prijs leeg")
		}
		if p.MaandbedragCents != nil {
			fe.Add("maandbedrag_cents", "bij een cliëntprofiel komt de prijs uit het profiel; laat het maandbedrag leeg")
		}
		return
	}
	if p.PrijsCents == nil && p.MaandbedragCents == nil {
		fe.Add("prijs_cents", "vul een prijs per eenheid of een maandbedrag in (€ 0 voor gratis hulp)")
	}
	if p.PrijsCents != nil && p.MaandbedragCents == nil && p.Volume == nil && fe.For("volume") == "" {
		fe.Add("volume", "bij een prijs per eenheid horen volume, eenheid en frequentie")
	}
}

func lawOfCategory(cat string) string {
	for _, l := range Laws {
		if _, ok := Lookup(Categories[l.Code], cat); ok {
			return l.Code
		}
	}
	return ""
}

func pvIn(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func provisionStateIndex(s string) int {
	for i, c := range ProvisionStates {
		if c.Code == s {
			return i
		}
	}
	return -1
}

// NextStates lists the states a provision may move to: only forward.
func NextStates(current string) []Code {
	i := provisionStateIndex(current)
	if i < 0 {
		return nil
	}
	return ProvisionStates[i+1:]
}

// StatusChange moves a provision forward.
type StatusChange struct {
	Status    string      `json:"status"`
	EindReden string      `json:"eind_reden"`
	Eind      people.Date `json:"eind"` // sets or moves the end date; required to end when none is set
}

// ApplyStatus checks a status change against the provision and applies it
// to p: only forward (aangevraagd → toegekend → gestart → beeindigd, steps
// may be skipped), and ending needs a reason and an end date after the
// start. A provision already ended cannot change.
func ApplyStatus(p *Provision, ch StatusChange) error {
	var fe people.FieldErrors
	cur, next := provisionStateIndex(p.Status), provisionStateIndex(ch.Status)
	switch {
	case p.Status == ProvisionEnded:
		return errs.E(errs.Conflict, "Deze voorziening is al beëindigd.")
	case next < 0:
		fe.Add("status", "kies toegekend, gestart of beëindigd")
	case next <= cur:
		fe.Add("status", "de status gaat alleen vooruit: van "+pvName(ProvisionStates, p.Status)+" niet terug naar "+pvName(ProvisionStates, ch.Status))
	}
	end := p.Eind
	if !ch.Eind.IsZero() {
		end = ch.Eind
		if end.Before(p.Start) {
			fe.Add("eind", "de einddatum ligt op of na de startdatum ("+p.Start.Dutch()+")")
		}
	}
	if ch.Status == ProvisionEnded {
		if _, ok := Lookup(EndReasons, ch.EindReden); !ok {
			fe.Add("eind_reden", "kies een reden van beëindiging")
		}
		if end.IsZero() {
			fe.Add("eind", "vul de einddatum in")
		}
	} else if ch.EindReden != "" {
		fe.Add("eind_reden", "een reden hoort alleen bij beëindigen")
	}
	if p.Frequentie == "6" && end.IsZero() {
		fe.Add("eind", "bij een totaal binnen de looptijd hoort een einddatum")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	p.Status, p.Eind = ch.Status, end
	if ch.Status == ProvisionEnded {
		p.EindReden = ch.EindReden
	}
	return nil
}

// MonthlyCost is what a provision costs per month, in euro cents:
//
//  1. a fixed monthly amount (maandbedrag; also what a client profile's
//     price becomes when the provision is made) counts as it is;
//  2. otherwise a client profile's price converted to a month (week × 52 ÷
//     12, year ÷ 12);
//  3. otherwise price per unit × volume × the frequency converted to a
//     month: per day × 365 ÷ 12, per week × 52 ÷ 12, per month × 1, and a
//     total within the looptijd spread over its months (days from start to
//     end, both inclusive, × 12 ÷ 365, at least one month; without an end
//     date the whole total counts in one month).
//
// The multiplication is exact in integers and rounds once, at the end, to
// the nearest cent (halves up), so € 10,00 per week is € 43,33 per month.
// A provision without a price costs 0.
func MonthlyCost(p Provision) int64 {
	if p.MaandbedragCents != nil {
		return int64(*p.MaandbedragCents)
	}
	if p.Profile != nil && p.Profiel != "" {
		return int64(p.Profile.Monthly())
	}
	if p.PrijsCents == nil || p.Volume == nil {
		return 0
	}
	units := int64(*p.PrijsCents) * int64(*p.Volume)
	switch p.Frequentie {
	case "1":
		return moneyMulDiv(units, 365, 12)
	case "2":
		return moneyMulDiv(units, 52, 12)
	case "4":
		return units
	case "6":
		if p.Eind.IsZero() || p.Start.IsZero() {
			return units
		}
		// The end date counts: a provision's Eind is its last day, as
		// Einddatum is in iJw/iWmo (whose 301s naober mirrors), and the
		// exchange's budget per month (store.allocationCost) counts days
		// the same way, so both give one amount for one looptijd.
		days := int64(p.Eind.Time().Sub(p.Start.Time()).Hours()/24+0.5) + 1
		if days*12 < 365 { // shorter than a month: all of it in one month
			return units
		}
		return moneyMulDiv(units, 365, days*12)
	}
	return 0
}

// Cost is MonthlyCost as an amount, for pages.
func (p Provision) Cost() Cents { return Cents(MonthlyCost(p)) }

// Names for pages.
func (p Provision) WetNaam() string        { return pvName(Laws, p.Wet) }
func (p Provision) CategorieNaam() string  { return pvName(Categories[p.Wet], p.Categorie) }
func (p Provision) TaakveldNaam() string   { return pvName(Taakvelden, p.Taakveld) }
func (p Provision) EenheidNaam() string    { return pvName(Units, p.Eenheid) }
func (p Provision) FrequentieNaam() string { return pvName(Frequencies, p.Frequentie) }
func (p Provision) StatusNaam() string     { return pvName(ProvisionStates, p.Status) }
func (p Provision) EindRedenNaam() string  { return pvName(EndReasons, p.EindReden) }
func (p Provision) Ended() bool            { return p.Status == ProvisionEnded }

// Next lists the states this provision may move to.
func (p Provision) Next() []Code { return NextStates(p.Status) }

// EndsWithin reports whether the provision runs out within days of today
// and is not ended yet ("bel ze vóór de voorziening afloopt").
func (p Provision) EndsWithin(today people.Date, days int) bool {
	return p.Status != ProvisionEnded && !p.Eind.IsZero() && !p.Eind.Before(today) && !today.AddDays(days).Before(p.Eind)
}

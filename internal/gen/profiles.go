package gen

import (
	_ "embed" // the wijkprofielen rates
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

// WijkprofielenAttribution must accompany anything derived from the embedded
// wijkprofielen rates (MIT licence, data/LICENSE.wijkprofielen).
const WijkprofielenAttribution = "Wijkprofielen Haaglanden 2009–2022, ELAN data-science team (elan-dcc/wijkprofielen, commit aeba9c9), MIT licence; derived from CBS microdata"

//go:embed data/wijkprofielen.csv
var wijkprofielenCSV string

// Profile is the real rates of one wijk from the wijkprofielen data: for
// every rate the latest year with a non-zero value (0 when the wijk never
// had one: CBS suppressed or truly none). Rates are shares of all residents.
type Profile struct {
	Wijk       string
	Population int     // residents in the latest year
	Wmo        float64 // %_WMO_user: residents with a Wmo provision
	Jeugdhulp  float64 // %_JGDHULP_user: residents with youth care
	Bijstand   float64 // %_Welfare_benefit_user: residents with bijstand
	Wanbet     float64 // %_Wanbet: residents with health-insurance arrears (our debts rate)
	GGZ        float64 // %_ZVWKOSTENPSYCHO_user: residents with mental-health costs
}

// Profiles returns the wijkprofielen rates keyed by 2024 CBS wijk code.
func Profiles() (map[string]Profile, error) {
	r := csv.NewReader(strings.NewReader(wijkprofielenCSV))
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("wijkprofielen.csv: %w", err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	out := map[string]Profile{}
	for ln, rec := range recs[1:] {
		f := func(name string) float64 {
			v, e := strconv.ParseFloat(rec[col[name]], 64)
			if e != nil && err == nil {
				err = fmt.Errorf("wijkprofielen.csv line %d, %s: %v", ln+2, name, e)
			}
			return v
		}
		p := Profile{Wijk: rec[col["wijk"]], Population: int(f("population")), Wmo: f("wmo"), Jeugdhulp: f("jeugdhulp"),
			Bijstand: f("bijstand"), Wanbet: f("wanbet"), GGZ: f("ggz")}
		out[p.Wijk] = p
	}
	return out, err
}

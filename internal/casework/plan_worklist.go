package casework

import "naober.nl/naober/internal/people"

// OverdueGoal is a worklist line: an open goal of a household's current plan
// whose target date has passed.
type OverdueGoal struct {
	HouseholdID string      `json:"huishouden"`
	Adres       string      `json:"adres"`
	PlanID      string      `json:"plan"`
	Versie      int         `json:"versie"`
	GoalID      string      `json:"doel"`
	Domein      string      `json:"domein"`
	Tekst       string      `json:"tekst"`
	Streefdatum people.Date `json:"streefdatum"`
	PersonID    string      `json:"persoon,omitempty"`
	PersonName  string      `json:"persoon_naam,omitempty"`
}

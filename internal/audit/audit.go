// Package audit describes the NEN 7513 habit: who read or changed whose
// personal data, when, in which role, and why. Records are only ever added.
package audit

import "time"

// Action is what was done with a record.
type Action string

const (
	Read   Action = "lezen"
	Search Action = "zoeken"
	Create Action = "aanmaken"
	Update Action = "wijzigen"
	Delete Action = "verwijderen"
)

// Record is one line of the audit log.
type Record struct {
	ID         int64     `json:"id"`
	Time       time.Time `json:"tijd"`
	UserID     string    `json:"gebruiker_id"`
	UserEmail  string    `json:"gebruiker"`
	Role       string    `json:"rol"`
	Gemeente   string    `json:"gemeente"`
	Action     Action    `json:"actie"`
	RecordType string    `json:"soort"`
	RecordID   string    `json:"record_id"`
	Purpose    string    `json:"doel"`
}

// Default purposes; a user may state a more specific one.
const (
	PurposeCasework = "uitvoering sociaal domein"
	PurposeDemo     = "demo-gegevens aanmaken"
	PurposeAPI      = "koppeling"
)

// Filter narrows a search of the log. Empty fields match everything.
type Filter struct {
	Gemeenten  []string // required: the gemeenten the searcher administers
	UserEmail  string
	RecordType string
	RecordID   string
	Action     Action
	From, To   time.Time
	Limit      int
	Before     int64 // page backwards by id
}

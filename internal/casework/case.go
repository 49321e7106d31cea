package casework

import (
	"strings"
	"time"
	"unicode/utf8"

	"naober.nl/naober/internal/people"
)

// Case states. A household has at most one active case, and an active case
// has exactly one regisseur.
const (
	CaseActive = "actief"
	CaseClosed = "afgesloten"
)

// Case is a period in which the team works with a household.
type Case struct {
	ID             string     `json:"id"`
	Gemeente       string     `json:"gemeente"`
	Household      string     `json:"huishouden"`
	RegisseurID    string     `json:"regisseur_id"`
	RegisseurEmail string     `json:"regisseur"`
	RegisseurNaam  string     `json:"regisseur_naam,omitempty"`
	Status         string     `json:"status"`
	Opened         time.Time  `json:"geopend_op"`
	Closed         *time.Time `json:"afgesloten_op,omitempty"`
	CloseReason    string     `json:"reden_afsluiten,omitempty"`
}

// Active reports whether the case runs.
func (c Case) Active() bool { return c.Status == CaseActive }

// Regisseur is the name to show: the name, or the e-mail address.
func (c Case) Regisseur() string {
	if c.RegisseurNaam != "" {
		return c.RegisseurNaam
	}
	return c.RegisseurEmail
}

// OpenedDate is the calendar day (Amsterdam) the case opened.
func (c Case) OpenedDate() people.Date { return people.DateOf(c.Opened.In(people.Amsterdam())) }

// Handover records that a case moved from one regisseur to another, by
// whom and why.
type Handover struct {
	ID        string    `json:"id"`
	Case      string    `json:"casus"`
	FromID    string    `json:"van_id"`
	FromEmail string    `json:"van"`
	ToID      string    `json:"naar_id"`
	ToEmail   string    `json:"naar"`
	Note      string    `json:"notitie"`
	ByID      string    `json:"door_id"`
	ByEmail   string    `json:"door"`
	At        time.Time `json:"op"`
}

// CaseloadRow is one regisseur's number of active cases in a gemeente.
type CaseloadRow struct {
	Gemeente string `json:"gemeente"`
	UserID   string `json:"regisseur_id"`
	Email    string `json:"regisseur"`
	Naam     string `json:"naam,omitempty"`
	// Caseworker is false when the user no longer holds a regisseur or
	// teamleider role here (or is blocked) but still has active cases:
	// those cases need a handover.
	Caseworker bool `json:"heeft_rol"`
	Active     int  `json:"actieve_casussen"`
}

// Label is the name to show.
func (r CaseloadRow) Label() string {
	if r.Naam != "" {
		return r.Naam
	}
	return r.Email
}

// MaxNote is the longest handover note.
const MaxNote = 2000

// ValidateHandover checks the handover input: a new regisseur other than
// the current one, and a note for the colleague.
func ValidateHandover(current, to, note string) (string, error) {
	var fe people.FieldErrors
	note = strings.TrimSpace(note)
	if strings.TrimSpace(to) == "" {
		fe.Add("regisseur", "kies de collega die de casus overneemt")
	} else if to == current {
		fe.Add("regisseur", "deze collega is al de regisseur; kies een ander")
	}
	switch n := utf8.RuneCountInString(note); {
	case n == 0:
		fe.Add("notitie", "schrijf een overdrachtsnotitie voor uw collega")
	case n > MaxNote:
		fe.Add("notitie", "een overdrachtsnotitie heeft hooguit 2000 tekens")
	}
	return note, fe.Err()
}

// ValidateClose checks the reason for closing a case.
func ValidateClose(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return reason, &people.FieldError{Field: "reden", Message: "schrijf waarom de casus wordt afgesloten"}
	case n > MaxReason:
		return reason, &people.FieldError{Field: "reden", Message: "een reden heeft hooguit 1000 tekens"}
	}
	return reason, nil
}

// ValidateSecondHousehold checks the confirmation for a second household at
// an address where one already lives.
func ValidateSecondHousehold(confirm bool, reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if !confirm {
		return reason, nil
	}
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return reason, &people.FieldError{Field: "reden", Message: "geef een reden voor een tweede huishouden op dit adres, bijvoorbeeld kamerbewoning"}
	case n > MaxReason:
		return reason, &people.FieldError{Field: "reden", Message: "een reden heeft hooguit 1000 tekens"}
	}
	return reason, nil
}

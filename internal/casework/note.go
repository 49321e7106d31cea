package casework

import (
	"strings"
	"time"

	"naober.nl/naober/internal/people"
)

// Note is a short entry in a household's file. A sensitive note is seen
// only by its author, the household's regisseur and teamleiders.
type Note struct {
	ID          string    `json:"id"`
	Gemeente    string    `json:"gemeente"`
	Household   string    `json:"huishouden"`
	Text        string    `json:"tekst"`
	Sensitive   bool      `json:"gevoelig"`
	AuthorID    string    `json:"auteur_id"`
	AuthorEmail string    `json:"auteur"`
	Created     time.Time `json:"aangemaakt"`
}

// ValidateNote checks a note before it is saved.
func ValidateNote(n *Note) error {
	var fe people.FieldErrors
	n.Text = strings.TrimSpace(n.Text)
	if n.Text == "" {
		fe.Add("tekst", "schrijf de notitie")
	} else if len(n.Text) > 10000 {
		fe.Add("tekst", "een notitie heeft hooguit 10.000 tekens")
	}
	return fe.Err()
}

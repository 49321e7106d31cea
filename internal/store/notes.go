package store

import (
	"context"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/secret"
)

// RecNote is the audit record type of notes.
const RecNote = "notitie"

// AddNote writes a note in a household's file.
func (s *Store) AddNote(ctx context.Context, a Actor, n *casework.Note) error {
	if err := casework.ValidateNote(n); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		gm, err := s.householdGemeente(ctx, tx, a, n.Household)
		if err != nil {
			return err
		}
		if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
			return err
		}
		if n.ID == "" {
			n.ID = secret.ID()
		}
		n.Gemeente, n.AuthorID, n.AuthorEmail, n.Created = gm, a.P.UserID, a.P.Email, s.now().UTC()
		sens := 0
		if n.Sensitive {
			sens = 1
		}
		if _, err := tx.Exec(ctx, `INSERT INTO notes (id, gemeente, household_id, tekst, gevoelig, author_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			n.ID, gm, n.Household, n.Text, sens, n.AuthorID, s.ts(n.Created)); err != nil {
			return err
		}
		if err := s.change(ctx, tx, gm, RecNote, n.ID, "create"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Create, gm, RecNote, n.ID)
	})
}

// NotesForHousehold returns the notes the actor may see, newest first:
// sensitive notes only for their author, the household's active regisseur
// and teamleiders.
func (s *Store) NotesForHousehold(ctx context.Context, a Actor, householdID string) ([]casework.Note, error) {
	var gm string
	if err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		gm, err = s.householdGemeente(ctx, tx, a, householdID)
		return err
	}); err != nil {
		return nil, err
	}
	seeAll := a.P.Can(auth.ReadSensitive, gm)
	var regisseur string
	if err := s.queryRow(ctx, `SELECT COALESCE(MAX(regisseur_id), '') FROM cases WHERE household_id = ? AND status = 'actief'`, householdID).Scan(&regisseur); err != nil {
		return nil, classify(err)
	}
	if regisseur == a.P.UserID {
		seeAll = true
	}
	rows, err := s.query(ctx, `SELECT n.id, n.gemeente, n.household_id, n.tekst, n.gevoelig, n.author_id, u.email, n.created_at
		FROM notes n JOIN users u ON u.id = n.author_id
		WHERE n.household_id = ? AND n.gemeente = ? AND (n.gevoelig = 0 OR ? OR n.author_id = ?)
		ORDER BY n.created_at DESC, n.id`, householdID, gm, seeAll, a.P.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []casework.Note
	var ids []string
	for rows.Next() {
		var n casework.Note
		var sens int
		if err := rows.Scan(&n.ID, &n.Gemeente, &n.Household, &n.Text, &sens, &n.AuthorID, &n.AuthorEmail, timeCol{&n.Created}); err != nil {
			return nil, err
		}
		n.Sensitive = sens != 0
		out = append(out, n)
		ids = append(ids, n.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	return out, s.auditRead(ctx, a, audit.Read, RecNote, map[string][]string{gm: ids})
}

package store

import (
	"context"
	"strings"
)

// The resident's own ballots in their download. A ballot is stored under
// keys.Pseudonym(user id, vote id) and nothing else points at it, so the
// only way to find a resident's ballots is the same computation: for every
// vote, the resident's pseudonym in it, looked up in one query per batch
// of votes. Only the resident's own download does this (ExportResident
// runs for the signed-in resident); nobody can ask for someone else's.

func init() {
	RegisterResidentExport("wijkbudget_stemmen", exportBallots)
}

// ballotExport is one of the resident's own ballots as it stands now.
// Ballots carry no time: naober does not keep when someone voted.
type ballotExport struct {
	Stemming  string            `json:"stemming"`
	Titel     string            `json:"titel"`
	Wijk      string            `json:"wijk"`
	Fase      string            `json:"fase"`
	Projecten []ballotExportRef `json:"gekozen_projecten"`
}

type ballotExportRef struct {
	ID    string `json:"id"`
	Titel string `json:"titel"`
}

func exportBallots(ctx context.Context, s *Store, userID string) (any, error) {
	out := []ballotExport{}
	type vote struct{ id, title, wijk, phase string }
	rows, err := s.query(ctx, "SELECT id, title, wijk, phase FROM wijkbudgets ORDER BY created_at, id")
	if err != nil {
		return nil, err
	}
	var votes []vote
	for rows.Next() {
		var v vote
		if err := rows.Scan(&v.id, &v.title, &v.wijk, &v.phase); err != nil {
			rows.Close()
			return nil, err
		}
		votes = append(votes, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	const batch = 200
	for from := 0; from < len(votes); from += batch {
		part := votes[from:min(from+batch, len(votes))]
		var args []any
		byVoter := map[string]int{} // pseudonym → index in part
		for i, v := range part {
			p := s.keys.Pseudonym(userID, v.id)
			byVoter[p] = i
			args = append(args, v.id, p)
		}
		// SQLite takes row values only from a subquery; PostgreSQL plans a
		// list of row values as index lookups (its VALUES join scans).
		pairs := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(part)), ", ")
		cond := "(b.budget_id, b.voter) IN (" + pairs + ")"
		if s.dialect == SQLite {
			cond = "(b.budget_id, b.voter) IN (VALUES " + pairs + ")"
		}
		rows, err := s.query(ctx, `SELECT b.voter, c.project_id, COALESCE(p.title, '') FROM ballots b
			LEFT JOIN ballot_choices c ON c.budget_id = b.budget_id AND c.voter = b.voter
			LEFT JOIN wijkbudget_projects p ON p.id = c.project_id
			WHERE `+cond+`
			ORDER BY b.voter, p.created_at, c.project_id`, args...)
		if err != nil {
			return nil, err
		}
		found := map[int]*ballotExport{} // index in part → the ballot
		for rows.Next() {
			var voter string
			var pid *string
			var title string
			if err := rows.Scan(&voter, &pid, &title); err != nil {
				rows.Close()
				return nil, err
			}
			i := byVoter[voter]
			x, ok := found[i]
			if !ok {
				v := part[i]
				x = &ballotExport{Stemming: v.id, Titel: v.title, Wijk: v.wijk, Fase: v.phase, Projecten: []ballotExportRef{}}
				found[i] = x
			}
			if pid != nil {
				x.Projecten = append(x.Projecten, ballotExportRef{ID: *pid, Titel: title})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, classify(err)
		}
		for i := range part { // in the order the votes were made
			if x, ok := found[i]; ok {
				out = append(out, *x)
			}
		}
	}
	return out, nil
}

package store

// What the other parts of issue 6 hold about a resident, for the download
// on /mijn (the wensboom registers its own part in wishes.go), and what
// their deletion tidies beyond ON DELETE: wishes
// (0011) keep the wish with author_id NULL, supports and follows go with
// the account (ON DELETE CASCADE), reports keep the report without the
// reporter; the display name copied into a wish's or agenda item's
// history is replaced by "een bewoner". Wijkbudget proposals (0012) keep
// the proposal without the proposer; ballots are kept under a keyed
// pseudonym that no account points at.

import (
	"context"
	"time"
)

func init() {
	RegisterResidentExport("wijkbudget_voorstellen", exportRows(`SELECT id, budget_id, title, description, cost_cents, created_at FROM wijkbudget_projects WHERE proposed_by = ? ORDER BY created_at, id`,
		"id", "wijkbudget", "titel", "tekst", "kosten_centen", "ingediend_op"))
	RegisterResidentDelete(func(ctx context.Context, tx *Tx, userID string) error {
		for _, q := range []string{
			"UPDATE wish_history SET by_name = 'een bewoner' WHERE by_user = ? AND by_name <> ''",
			"UPDATE agenda_history SET by_name = 'een bewoner' WHERE by_user = ? AND by_name <> ''",
		} {
			if _, err := tx.Exec(ctx, q, userID); err != nil {
				return err
			}
		}
		return nil
	})
}

// exportRows reads one user's rows as a list of objects with Dutch keys;
// timestamps come out as RFC 3339 text on both databases.
func exportRows(q string, keys ...string) ResidentExporter {
	return func(ctx context.Context, s *Store, userID string) (any, error) {
		rows, err := s.query(ctx, q, userID)
		if err != nil {
			return nil, classify(err)
		}
		defer rows.Close()
		out := []map[string]any{}
		for rows.Next() {
			vals := make([]any, len(keys))
			ptrs := make([]any, len(keys))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			m := map[string]any{}
			for i, k := range keys {
				switch v := vals[i].(type) {
				case []byte:
					m[k] = string(v)
				case time.Time:
					m[k] = v.UTC().Format(time.RFC3339)
				default:
					m[k] = v
				}
			}
			out = append(out, m)
		}
		return out, classify(rows.Err())
	}
}

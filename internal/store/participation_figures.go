package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// WijkParticipation is how a wijk takes part, for the monitor: the
// wensboom, the wijkagenda and the last published wijkbudget vote. Every
// figure but Accounts is public elsewhere already (the wijk page lists the
// visible wishes with their supports and the agenda; a published result
// shows its number of ballots).
type WijkParticipation struct {
	WishesOpen     int // visible wishes without an answer yet
	WishesAnswered int // visible wishes with at least one answer
	Supports       int // supports of visible wishes
	AgendaItems    int
	AgendaDone     int // agenda items with status klaar
	// Accounts is the number of residents of the wijk with a confirmed
	// e-mail address now (who could vote). Not public: the monitor
	// publishes it with its rule.
	Accounts int
	LastVote *VoteFigures // nil: no published vote in this wijk yet
}

// VoteFigures are the published figures of one vote.
type VoteFigures struct {
	ID, Title string
	Published time.Time
	Ballots   int // online and confirmed paper ballots, as counted at publication
}

// WijkParticipation reads a wijk's participation figures, scoped to the
// gemeente (a wijk code of another gemeente gives zeros).
func (s *Store) WijkParticipation(ctx context.Context, gemeente, wijk string) (WijkParticipation, error) {
	var p WijkParticipation
	err := s.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM wishes w WHERE w.gemeente = ? AND w.wijk = ? AND w.hidden_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM wish_history h WHERE h.wish_id = w.id AND h.kind = 'antwoord')),
		(SELECT COUNT(*) FROM wishes w WHERE w.gemeente = ? AND w.wijk = ? AND w.hidden_at IS NULL
			AND EXISTS (SELECT 1 FROM wish_history h WHERE h.wish_id = w.id AND h.kind = 'antwoord')),
		(SELECT COUNT(*) FROM wish_supports su JOIN wishes w ON w.id = su.wish_id WHERE w.gemeente = ? AND w.wijk = ? AND w.hidden_at IS NULL),
		(SELECT COUNT(*) FROM agenda_items WHERE gemeente = ? AND wijk = ?),
		(SELECT COUNT(*) FROM agenda_items WHERE gemeente = ? AND wijk = ? AND status = 'klaar'),
		(SELECT COUNT(*) FROM residents r JOIN users u ON u.id = r.user_id
			WHERE r.gemeente = ? AND r.wijk = ? AND r.verified_at IS NOT NULL AND u.disabled = 0)`,
		gemeente, wijk, gemeente, wijk, gemeente, wijk, gemeente, wijk, gemeente, wijk, gemeente, wijk).
		Scan(&p.WishesOpen, &p.WishesAnswered, &p.Supports, &p.AgendaItems, &p.AgendaDone, &p.Accounts)
	if err != nil {
		return p, classify(fmt.Errorf("participation figures of %s: %w", wijk, err))
	}
	var v VoteFigures
	err = s.queryRow(ctx, `SELECT id, title, published_at, ballots_counted FROM wijkbudgets
		WHERE gemeente = ? AND wijk = ? AND published_at IS NOT NULL ORDER BY published_at DESC, id LIMIT 1`, gemeente, wijk).
		Scan(&v.ID, &v.Title, timeCol{&v.Published}, &v.Ballots)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return p, classify(fmt.Errorf("last vote of %s: %w", wijk, err))
	default:
		p.LastVote = &v
	}
	return p, nil
}

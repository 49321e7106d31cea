package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/secret"
)

// The wensboom in storage. Wishes are public (the wijk page reads them
// without a login); what a resident did (supports, follows, reports) is
// theirs and is only shown back to them. Moderation actions of a
// wijkcoordinator are audited in the same transaction.

// WishStatuses returns the gemeente's answer statuses, or the defaults
// when it has not defined its own.
func (s *Store) WishStatuses(ctx context.Context, gemeente string) ([]participation.StatusDef, error) {
	rows, err := s.query(ctx, `SELECT code, label, reason_required, closed FROM wish_statuses WHERE gemeente = ? ORDER BY position`, gemeente)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []participation.StatusDef
	for rows.Next() {
		var d participation.StatusDef
		var rr, cl int
		if err := rows.Scan(&d.Code, &d.Label, &rr, &cl); err != nil {
			return nil, err
		}
		d.ReasonRequired, d.Closed = rr == 1, cl == 1
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	if len(out) == 0 {
		return participation.DefaultStatuses(), nil
	}
	return out, nil
}

// SetWishStatuses replaces the gemeente's own answer statuses (beheer).
// Wishes keep the status code they had.
func (s *Store) SetWishStatuses(ctx context.Context, a Actor, gemeente string, defs []participation.StatusDef) error {
	if !a.P.Can(auth.ManageTeam, gemeente) {
		return errs.E(errs.Forbidden, "U mag de statussen van deze gemeente niet wijzigen.")
	}
	if err := participation.ValidateStatuses(defs); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM wish_statuses WHERE gemeente = ?`, gemeente); err != nil {
			return err
		}
		for i, d := range defs {
			if _, err := tx.Exec(ctx, `INSERT INTO wish_statuses (gemeente, code, label, reason_required, closed, position) VALUES (?, ?, ?, ?, ?, ?)`,
				gemeente, d.Code, d.Label, boolInt(d.ReasonRequired), boolInt(d.Closed), i); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, auth.ManageTeam, audit.Update, gemeente, "wensstatussen", gemeente)
	})
}

// lockUser serialises a user's rate-limited writes on PostgreSQL (SQLite
// has one writer already), so concurrent posts cannot pass the count.
func (s *Store) lockUser(ctx context.Context, tx *Tx, userID string) error {
	if s.dialect != Postgres {
		return nil
	}
	var id string
	return tx.QueryRow(ctx, `SELECT id FROM users WHERE id = ? FOR UPDATE`, userID).Scan(&id)
}

// CreateWish stores a verified resident's wish for their own wijk. It
// refuses a resident who posted participation.WishesPerDay wishes in the
// last 24 hours. The author follows their own wish.
func (s *Store) CreateWish(ctx context.Context, p *auth.Principal, w *participation.Wish, inWijk func(participation.Point) bool) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log in om een wens te plaatsen.")
	}
	if !p.ResidentOf(w.Wijk) {
		return errs.E(errs.Forbidden, "Alleen bewoners van deze wijk met een bevestigd e-mailadres kunnen hier een wens plaatsen.")
	}
	w.Gemeente = p.Resident.Gemeente
	if err := w.Validate(inWijk); err != nil {
		return err
	}
	defs, err := s.WishStatuses(ctx, w.Gemeente)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	if w.ID == "" { // the demo sets its own, for a repeatable world
		w.ID = secret.ID()
	}
	w.AuthorID, w.AuthorName = p.UserID, p.Resident.DisplayName
	w.Status, w.StatusLabel = defs[0].Code, defs[0].Label
	w.Created, w.Updated = now, now
	var lat, lon any
	if w.Point != nil {
		lat, lon = w.Point.Lat, w.Point.Lon
	}
	return s.Tx(ctx, func(tx *Tx) error {
		if err := s.lockUser(ctx, tx, p.UserID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM wishes WHERE author_id = ? AND created_at > ?`, p.UserID, s.ts(now.Add(-24*time.Hour))).Scan(&n); err != nil {
			return err
		}
		if n >= participation.WishesPerDay {
			return errs.E(errs.TooMany, "U heeft vandaag al %d wensen geplaatst. Morgen kunt u weer een wens plaatsen.", n)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO wishes (id, gemeente, wijk, author_id, title, body, category, lat, lon, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, w.ID, w.Gemeente, w.Wijk, p.UserID, w.Title, w.Text, string(w.Category), lat, lon, w.Status, s.ts(now), s.ts(now)); err != nil {
			return err
		}
		if err := s.wishEvent(ctx, tx, w.ID, "geplaatst", w.Status, "", p.UserID, ""); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO wish_follows (wish_id, user_id, created_at) VALUES (?, ?, ?)`, w.ID, p.UserID, s.ts(now))
		return err
	})
}

func (s *Store) wishEvent(ctx context.Context, tx *Tx, wishID, kind, status, body, byUser, byName string) error {
	var by any
	if byUser != "" {
		by = byUser
	}
	_, err := tx.Exec(ctx, `INSERT INTO wish_history (wish_id, kind, status, body, by_user, by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		wishID, kind, status, body, by, byName, s.ts(s.now()))
	return err
}

const wishCols = `w.id, w.gemeente, w.wijk, COALESCE(w.author_id, ''), COALESCE(r.display_name, ''), w.title, w.body, w.category, w.lat, w.lon,
	w.status, w.hidden_at, w.hidden_reason, (SELECT COUNT(*) FROM wish_supports su WHERE su.wish_id = w.id), w.created_at, w.updated_at
	FROM wishes w LEFT JOIN residents r ON r.user_id = w.author_id`

func scanWish(sc interface{ Scan(...any) error }) (participation.Wish, error) {
	var w participation.Wish
	var lat, lon sql.NullFloat64
	var hidden time.Time
	var cat string
	err := sc.Scan(&w.ID, &w.Gemeente, &w.Wijk, &w.AuthorID, &w.AuthorName, &w.Title, &w.Text, &cat, &lat, &lon,
		&w.Status, timeCol{&hidden}, &w.HiddenReason, &w.Supports, timeCol{&w.Created}, timeCol{&w.Updated})
	w.Category = participation.Category(cat)
	if lat.Valid && lon.Valid {
		w.Point = &participation.Point{Lat: lat.Float64, Lon: lon.Float64}
	}
	w.Hidden = !hidden.IsZero()
	return w, err
}

// labelStatuses fills in the status labels from the gemeente's list.
func (s *Store) labelStatuses(ctx context.Context, ws []participation.Wish) error {
	cache := map[string][]participation.StatusDef{}
	for i := range ws {
		defs, ok := cache[ws[i].Gemeente]
		if !ok {
			var err error
			if defs, err = s.WishStatuses(ctx, ws[i].Gemeente); err != nil {
				return err
			}
			cache[ws[i].Gemeente] = defs
		}
		ws[i].StatusLabel = ws[i].Status
		if d, ok := participation.FindStatus(defs, ws[i].Status); ok {
			ws[i].StatusLabel = d.Label
		}
	}
	return nil
}

// WishFilter narrows Wishes.
type WishFilter struct {
	Hidden   bool   // true: only hidden wishes (for the coordinator); false: only visible ones
	Open     bool   // only wishes whose status is not closed
	AuthorID string // only this author's wishes
	Limit    int    // default 200
}

// Wishes lists a wijk's wishes, most supported first, then newest. Public
// data: the visible wishes need no actor.
func (s *Store) Wishes(ctx context.Context, wijk string, f WishFilter) ([]participation.Wish, error) {
	q := `SELECT ` + wishCols + ` WHERE w.wijk = ?`
	args := []any{wijk}
	if f.Hidden {
		q += ` AND w.hidden_at IS NOT NULL`
	} else {
		q += ` AND w.hidden_at IS NULL`
	}
	if f.AuthorID != "" {
		q += ` AND w.author_id = ?`
		args = append(args, f.AuthorID)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	q += ` ORDER BY 14 DESC, w.created_at DESC, w.id LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []participation.Wish
	for rows.Next() {
		w, err := scanWish(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	if err := s.labelStatuses(ctx, out); err != nil {
		return nil, err
	}
	if f.Open && len(out) > 0 {
		defs, err := s.WishStatuses(ctx, out[0].Gemeente)
		if err != nil {
			return nil, err
		}
		open := out[:0]
		for _, w := range out {
			if d, ok := participation.FindStatus(defs, w.Status); !ok || !d.Closed {
				open = append(open, w)
			}
		}
		out = open
	}
	return out, nil
}

// WishView is a wish with its public history and what the viewer did.
type WishView struct {
	Wish      participation.Wish
	History   []participation.Event
	Supported bool // the viewer supports it
	Following bool // the viewer follows it
	Reported  bool // the viewer reported it (and it is not yet handled)
	Agenda    []participation.AgendaItem
}

// Wish reads one wish for anyone; viewer may be nil.
func (s *Store) Wish(ctx context.Context, viewer *auth.Principal, id string) (WishView, error) {
	var v WishView
	w, err := scanWish(s.queryRow(ctx, `SELECT `+wishCols+` WHERE w.id = ?`, id))
	if err != nil {
		if errs.Is(classify(err), errs.NotFound) {
			return v, errs.E(errs.NotFound, "Deze wens bestaat niet (meer).")
		}
		return v, classify(err)
	}
	ws := []participation.Wish{w}
	if err := s.labelStatuses(ctx, ws); err != nil {
		return v, err
	}
	v.Wish = ws[0]
	defs, err := s.WishStatuses(ctx, w.Gemeente)
	if err != nil {
		return v, err
	}
	rows, err := s.query(ctx, `SELECT h.created_at, h.kind, h.status, h.body, h.by_name FROM wish_history h WHERE h.wish_id = ? ORDER BY h.id`, id)
	if err != nil {
		return v, err
	}
	defer rows.Close()
	for rows.Next() {
		var e participation.Event
		var status string
		if err := rows.Scan(timeCol{&e.At}, &e.Kind, &status, &e.Text, &e.By); err != nil {
			return v, err
		}
		if d, ok := participation.FindStatus(defs, status); ok {
			e.Status = d.Label
		} else {
			e.Status = status
		}
		v.History = append(v.History, e)
	}
	if err := rows.Err(); err != nil {
		return v, classify(err)
	}
	if viewer != nil {
		var n int
		if err := s.queryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM wish_supports WHERE wish_id = ? AND user_id = ?) +
			2 * (SELECT COUNT(*) FROM wish_follows WHERE wish_id = ? AND user_id = ?) +
			4 * (SELECT COUNT(*) FROM wish_reports WHERE wish_id = ? AND user_id = ? AND handled_at IS NULL)`,
			id, viewer.UserID, id, viewer.UserID, id, viewer.UserID).Scan(&n); err != nil {
			return v, classify(err)
		}
		v.Supported, v.Following, v.Reported = n&1 != 0, n&2 != 0, n&4 != 0
	}
	v.Agenda, err = s.agendaItems(ctx, `i.wish_id = ?`, id)
	return v, err
}

// wishForWrite reads the wish's wijk and gemeente inside tx.
func (s *Store) wishForWrite(ctx context.Context, tx *Tx, id string) (gemeente, wijk string, hidden bool, err error) {
	var h sql.NullString
	err = tx.QueryRow(ctx, `SELECT gemeente, wijk, hidden_at FROM wishes WHERE id = ?`, id).Scan(&gemeente, &wijk, &h)
	if err != nil {
		if errs.Is(classify(err), errs.NotFound) {
			return "", "", false, errs.E(errs.NotFound, "Deze wens bestaat niet (meer).")
		}
		return "", "", false, err
	}
	return gemeente, wijk, h.Valid, nil
}

// residentAction checks that p may act on a wish as a resident of its wijk.
func (s *Store) residentAction(ctx context.Context, tx *Tx, p *auth.Principal, id, what string) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log in om een wens te %s.", what)
	}
	_, wijk, hidden, err := s.wishForWrite(ctx, tx, id)
	if err != nil {
		return err
	}
	if !p.ResidentOf(wijk) {
		return errs.E(errs.Forbidden, "Alleen bewoners van deze wijk met een bevestigd e-mailadres kunnen een wens %s.", what)
	}
	if hidden {
		return errs.E(errs.Conflict, "Deze wens is verborgen.")
	}
	return nil
}

// SupportWish records the resident's support; supporting twice (also at the
// same moment) is one support.
func (s *Store) SupportWish(ctx context.Context, p *auth.Principal, id string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		if err := s.residentAction(ctx, tx, p, id, "steunen"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO wish_supports (wish_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT (wish_id, user_id) DO NOTHING`,
			id, p.UserID, s.ts(s.now()))
		return err
	})
}

// WithdrawSupport takes the resident's support back.
func (s *Store) WithdrawSupport(ctx context.Context, p *auth.Principal, id string) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM wish_supports WHERE wish_id = ? AND user_id = ?`, id, p.UserID)
		return err
	})
}

// FollowWish subscribes the resident to news of the wish (on = false: stop).
func (s *Store) FollowWish(ctx context.Context, p *auth.Principal, id string, on bool) error {
	return s.Tx(ctx, func(tx *Tx) error {
		if !on {
			if p == nil {
				return errs.E(errs.Unauthorized, "Log in.")
			}
			_, err := tx.Exec(ctx, `DELETE FROM wish_follows WHERE wish_id = ? AND user_id = ?`, id, p.UserID)
			return err
		}
		if err := s.residentAction(ctx, tx, p, id, "volgen"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO wish_follows (wish_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT (wish_id, user_id) DO NOTHING`,
			id, p.UserID, s.ts(s.now()))
		return err
	})
}

// ReportWish records a resident's report of abuse, for the coordinator.
// A resident has one open report per wish and at most
// participation.ReportsPerDay reports per 24 hours.
func (s *Store) ReportWish(ctx context.Context, p *auth.Principal, id, reason string) error {
	reason, err := participation.ValidateReason("reden", reason)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		if err := s.residentAction(ctx, tx, p, id, "melden"); err != nil {
			return err
		}
		if err := s.lockUser(ctx, tx, p.UserID); err != nil {
			return err
		}
		now := s.now().UTC()
		var open, day int
		if err := tx.QueryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM wish_reports WHERE wish_id = ? AND user_id = ? AND handled_at IS NULL),
			(SELECT COUNT(*) FROM wish_reports WHERE user_id = ? AND created_at > ?)`,
			id, p.UserID, p.UserID, s.ts(now.Add(-24*time.Hour))).Scan(&open, &day); err != nil {
			return err
		}
		if open > 0 {
			return nil // already reported; the coordinator will look at it
		}
		if day >= participation.ReportsPerDay {
			return errs.E(errs.TooMany, "U heeft vandaag al %d meldingen gedaan. Morgen kunt u weer melden.", day)
		}
		_, err := tx.Exec(ctx, `INSERT INTO wish_reports (id, wish_id, user_id, reason, created_at) VALUES (?, ?, ?, ?, ?)`,
			secret.ID(), id, p.UserID, reason, s.ts(now))
		return err
	})
}

// WishReport is an open report, as the coordinator sees it (without the
// reporter's identity: a coordinator judges the wish, not the reporter).
type WishReport struct {
	WishID    string
	WishTitle string
	Reason    string
	At        time.Time
}

// moderator checks that the actor moderates the wijk.
func moderator(a Actor, gemeente, wijk string) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	if !a.P.CoordinatorOf(gemeente, wijk) {
		return errs.E(errs.Forbidden, "Alleen de wijkcoördinator van deze wijk mag dit doen.")
	}
	return nil
}

// OpenReports lists the unhandled reports of a wijk for its coordinator.
func (s *Store) OpenReports(ctx context.Context, a Actor, gemeente, wijk string) ([]WishReport, error) {
	if err := moderator(a, gemeente, wijk); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT r.wish_id, w.title, r.reason, r.created_at FROM wish_reports r JOIN wishes w ON w.id = r.wish_id
		WHERE w.wijk = ? AND w.gemeente = ? AND r.handled_at IS NULL ORDER BY r.created_at`, wijk, gemeente)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WishReport
	for rows.Next() {
		var r WishReport
		if err := rows.Scan(&r.WishID, &r.WishTitle, &r.Reason, timeCol{&r.At}); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, classify(rows.Err())
}

// moderatorName is how a coordinator appears in a public history.
func moderatorName(p *auth.Principal) string {
	if p.Name != "" {
		return p.Name + " (wijkcoördinator)"
	}
	return "De wijkcoördinator"
}

// HideWish hides a wish with a public reason; its open reports count as
// handled, and the author gets an e-mail with the reason. Audited.
func (s *Store) HideWish(ctx context.Context, a Actor, id, reason string) error {
	reason, err := participation.ValidateReason("reden", reason)
	if err != nil {
		return err
	}
	return s.moderate(ctx, a, id, func(tx *Tx, gemeente string, hidden bool) error {
		if hidden {
			return errs.E(errs.Conflict, "Deze wens is al verborgen.")
		}
		now := s.ts(s.now())
		if _, err := tx.Exec(ctx, `UPDATE wishes SET hidden_at = ?, hidden_reason = ?, updated_at = ? WHERE id = ?`, now, reason, now, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE wish_reports SET handled_at = ?, handled_by = ? WHERE wish_id = ? AND handled_at IS NULL`, now, a.P.UserID, id); err != nil {
			return err
		}
		if err := s.wishEvent(ctx, tx, id, "verborgen", "", reason, a.P.UserID, moderatorName(a.P)); err != nil {
			return err
		}
		return s.notifyWishAuthor(ctx, tx, id, gemeente, a.P.UserID, true, reason)
	})
}

// ShowWish makes a hidden wish visible again, with a note the author gets
// by e-mail. Audited.
func (s *Store) ShowWish(ctx context.Context, a Actor, id, note string) error {
	return s.moderate(ctx, a, id, func(tx *Tx, gemeente string, hidden bool) error {
		if !hidden {
			return errs.E(errs.Conflict, "Deze wens is niet verborgen.")
		}
		now := s.ts(s.now())
		if _, err := tx.Exec(ctx, `UPDATE wishes SET hidden_at = NULL, hidden_reason = '', updated_at = ? WHERE id = ?`, now, id); err != nil {
			return err
		}
		if err := s.wishEvent(ctx, tx, id, "zichtbaar", "", note, a.P.UserID, moderatorName(a.P)); err != nil {
			return err
		}
		return s.notifyWishAuthor(ctx, tx, id, gemeente, a.P.UserID, false, note)
	})
}

// DismissReports marks a wish's open reports handled without hiding it. Audited.
func (s *Store) DismissReports(ctx context.Context, a Actor, id string) error {
	return s.moderate(ctx, a, id, func(tx *Tx, gemeente string, hidden bool) error {
		_, err := tx.Exec(ctx, `UPDATE wish_reports SET handled_at = ?, handled_by = ? WHERE wish_id = ? AND handled_at IS NULL`, s.ts(s.now()), a.P.UserID, id)
		return err
	})
}

// AnswerWish gives the wish a status with an explanation. Audited.
func (s *Store) AnswerWish(ctx context.Context, a Actor, id string, ans *participation.Answer) error {
	return s.moderate(ctx, a, id, func(tx *Tx, gemeente string, hidden bool) error {
		defs, err := s.WishStatuses(ctx, gemeente)
		if err != nil {
			return err
		}
		if err := participation.ValidateAnswer(defs, ans); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE wishes SET status = ?, updated_at = ? WHERE id = ?`, ans.Status, s.ts(s.now()), id); err != nil {
			return err
		}
		ans.WishID, ans.ByName, ans.At = id, moderatorName(a.P), s.now().UTC()
		if err := s.wishEvent(ctx, tx, id, "antwoord", ans.Status, ans.Text, a.P.UserID, ans.ByName); err != nil {
			return err
		}
		return s.notifyFollowers(ctx, tx, id, gemeente, a.P.UserID, ans)
	})
}

// notifyFollowers puts an e-mail about the answer in the outbox for every
// follower of the wish (the author follows their own wish), as each
// chose: at once, in the daily digest, or not at all.
func (s *Store) notifyFollowers(ctx context.Context, tx *Tx, id, gemeente, except string, ans *participation.Answer) error {
	var title string
	if err := tx.QueryRow(ctx, `SELECT title FROM wishes WHERE id = ?`, id).Scan(&title); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT user_id FROM wish_follows WHERE wish_id = ? ORDER BY user_id`, id)
	if err != nil {
		return err
	}
	var users []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return err
		}
		if u != except {
			users = append(users, u)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	body := "Er is een antwoord op de wens \"" + title + "\" die u volgt.\n\nStatus: " + ans.StatusLabel + "\n"
	if ans.Text != "" {
		body += "\n" + ans.Text + "\n"
	}
	if ans.Link != "" {
		body += "\nLees de wens en het antwoord op " + ans.Link + "\n"
	}
	body += "\nU krijgt dit bericht omdat u deze wens volgt. Wilt u dit niet meer, kies dan bij de wens voor \"Niet meer volgen\".\n"
	for _, u := range users {
		if _, err := s.NotifyUser(ctx, tx, u, gemeente, "wens-antwoord", "Antwoord op de wens: "+title, body); err != nil {
			return err
		}
	}
	return nil
}

// moderate runs fn for a coordinator of the wish's wijk, with the audit record.
func (s *Store) moderate(ctx context.Context, a Actor, id string, fn func(tx *Tx, gemeente string, hidden bool) error) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		gemeente, wijk, hidden, err := s.wishForWrite(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := moderator(a, gemeente, wijk); err != nil {
			return err
		}
		if err := fn(tx, gemeente, hidden); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ModerateWijk, audit.Update, gemeente, "wens", id)
	})
}

// WijkCounts are the wensboom's figures for one wijk.
type WijkCounts struct {
	Wishes, Supports, AgendaItems, AgendaDone int
}

// WishCounts counts a wijk's visible wishes, their supports and its agenda.
func (s *Store) WishCounts(ctx context.Context, wijk string) (WijkCounts, error) {
	var c WijkCounts
	err := s.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM wishes WHERE wijk = ? AND hidden_at IS NULL),
		(SELECT COUNT(*) FROM wish_supports su JOIN wishes w ON w.id = su.wish_id WHERE w.wijk = ? AND w.hidden_at IS NULL),
		(SELECT COUNT(*) FROM agenda_items WHERE wijk = ?),
		(SELECT COUNT(*) FROM agenda_items WHERE wijk = ? AND status = 'klaar')`, wijk, wijk, wijk, wijk).
		Scan(&c.Wishes, &c.Supports, &c.AgendaItems, &c.AgendaDone)
	if err != nil {
		return c, classify(fmt.Errorf("wish counts: %w", err))
	}
	return c, nil
}

// SupportedIn returns the wishes of the wijk the user supports, for the
// buttons on the wijk page. Only ever shown back to the user themselves.
func (s *Store) SupportedIn(ctx context.Context, userID, wijk string) (map[string]bool, error) {
	rows, err := s.query(ctx, `SELECT su.wish_id FROM wish_supports su JOIN wishes w ON w.id = su.wish_id WHERE su.user_id = ? AND w.wijk = ?`, userID, wijk)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, classify(rows.Err())
}

func init() {
	RegisterResidentExport("wensen", exportWishes)
}

// wishExport is what the wensboom holds about one resident.
type wishExport struct {
	Wensen    []wishExportWish   `json:"geplaatste_wensen"`
	Steunt    []wishExportRef    `json:"gesteunde_wensen"`
	Volgt     []wishExportRef    `json:"gevolgde_wensen"`
	Meldingen []wishExportReport `json:"meldingen"`
}

type wishExportWish struct {
	ID        string    `json:"id"`
	Wijk      string    `json:"wijk"`
	Titel     string    `json:"titel"`
	Tekst     string    `json:"tekst"`
	Onderwerp string    `json:"onderwerp"`
	Status    string    `json:"status"`
	Geplaatst time.Time `json:"geplaatst_op"`
}

type wishExportRef struct {
	ID    string    `json:"id"`
	Titel string    `json:"titel"`
	Sinds time.Time `json:"sinds"`
}

type wishExportReport struct {
	WensID string    `json:"wens_id"`
	Reden  string    `json:"reden"`
	Op     time.Time `json:"gemeld_op"`
}

func exportWishes(ctx context.Context, s *Store, userID string) (any, error) {
	out := wishExport{Wensen: []wishExportWish{}, Steunt: []wishExportRef{}, Volgt: []wishExportRef{}, Meldingen: []wishExportReport{}}
	rows, err := s.query(ctx, `SELECT id, wijk, title, body, category, status, created_at FROM wishes WHERE author_id = ? ORDER BY created_at`, userID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var x wishExportWish
		if err := rows.Scan(&x.ID, &x.Wijk, &x.Titel, &x.Tekst, &x.Onderwerp, &x.Status, timeCol{&x.Geplaatst}); err != nil {
			rows.Close()
			return nil, err
		}
		out.Wensen = append(out.Wensen, x)
	}
	rows.Close()
	for _, part := range []struct {
		table string
		dst   *[]wishExportRef
	}{{"wish_supports", &out.Steunt}, {"wish_follows", &out.Volgt}} {
		rows, err := s.query(ctx, `SELECT w.id, w.title, x.created_at FROM `+part.table+` x JOIN wishes w ON w.id = x.wish_id WHERE x.user_id = ? ORDER BY x.created_at`, userID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r wishExportRef
			if err := rows.Scan(&r.ID, &r.Titel, timeCol{&r.Sinds}); err != nil {
				rows.Close()
				return nil, err
			}
			*part.dst = append(*part.dst, r)
		}
		rows.Close()
	}
	rows, err = s.query(ctx, `SELECT wish_id, reason, created_at FROM wish_reports WHERE user_id = ? ORDER BY created_at`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r wishExportReport
		if err := rows.Scan(&r.WensID, &r.Reden, timeCol{&r.Op}); err != nil {
			return nil, err
		}
		out.Meldingen = append(out.Meldingen, r)
	}
	return out, classify(rows.Err())
}

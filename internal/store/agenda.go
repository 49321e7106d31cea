package store

import (
	"context"
	"fmt"
	"strings"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// The wijkagenda in storage: public to read, kept by the wijkcoordinator
// (or, for a won wijkbudget project, by whoever manages the wijkbudget).
// Every change lands in the item's public history and in the audit log.

// agendaKeeper checks that the actor may keep the agenda item.
func agendaKeeper(a Actor, it participation.AgendaItem) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	if a.P.CoordinatorOf(it.Gemeente, it.Wijk) {
		return nil
	}
	if it.Origin == participation.OriginWijkbudget && a.P.Can(auth.ManageWijkbudget, it.Gemeente) {
		return nil
	}
	return errs.E(errs.Forbidden, "Alleen de wijkcoördinator van deze wijk mag de wijkagenda bijhouden.")
}

func permFor(a Actor, it participation.AgendaItem) auth.Permission {
	if a.P.CoordinatorOf(it.Gemeente, it.Wijk) {
		return auth.ModerateWijk
	}
	return auth.ManageWijkbudget
}

// CreateAgendaItem adds an item with its milestones. An item from a wish
// must be of the same wijk; the wish gets the status "op de agenda" when
// the gemeente has that status, and a line in its history.
func (s *Store) CreateAgendaItem(ctx context.Context, a Actor, it *participation.AgendaItem) error {
	if s.wijkGemeente != nil {
		if gm, ok := s.wijkGemeente(it.Wijk); ok {
			it.Gemeente = gm
		}
	}
	if err := it.Validate(); err != nil {
		return err
	}
	for i := range it.Milestones {
		if err := it.Milestones[i].Validate(); err != nil {
			return err
		}
	}
	if err := agendaKeeper(a, *it); err != nil {
		return err
	}
	now := s.now().UTC()
	if it.ID == "" { // the demo sets its own, for a repeatable world
		it.ID = secret.ID()
	}
	it.Created, it.Updated = now, now
	return s.Tx(ctx, func(tx *Tx) error {
		var wish any
		if it.WishID != "" {
			gm, wijk, _, err := s.wishForWrite(ctx, tx, it.WishID)
			if err != nil {
				return err
			}
			if gm != it.Gemeente || wijk != it.Wijk {
				return people.FieldErrors{{Field: "herkomst", Message: "De wens hoort bij een andere wijk."}}
			}
			wish = it.WishID
		}
		if _, err := tx.Exec(ctx, `INSERT INTO agenda_items (id, gemeente, wijk, title, description, owner, status, budget_cents, origin, wish_id, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, it.ID, it.Gemeente, it.Wijk, it.Title, it.Description, it.Owner, string(it.Status), int64(it.Budget),
			string(it.Origin), wish, a.P.UserID, s.ts(now), s.ts(now)); err != nil {
			return err
		}
		for i := range it.Milestones {
			if err := s.insertMilestone(ctx, tx, it.ID, i, &it.Milestones[i]); err != nil {
				return err
			}
		}
		if err := s.agendaEvent(ctx, tx, a, it.ID, "aangemaakt", "Op de wijkagenda gezet ("+it.Origin.Label()+"). Trekker: "+it.Owner+"."); err != nil {
			return err
		}
		if it.WishID != "" {
			defs, err := s.WishStatuses(ctx, it.Gemeente)
			if err != nil {
				return err
			}
			if _, ok := participation.FindStatus(defs, participation.StatusOpDeAgenda); ok {
				if _, err := tx.Exec(ctx, `UPDATE wishes SET status = ?, updated_at = ? WHERE id = ?`, participation.StatusOpDeAgenda, s.ts(now), it.WishID); err != nil {
					return err
				}
			}
			if err := s.wishEvent(ctx, tx, it.WishID, "agenda", participation.StatusOpDeAgenda, it.Title, a.P.UserID, moderatorName(a.P)); err != nil {
				return err
			}
			if err := s.notifyAgendaFollowers(ctx, tx, a.P.UserID, *it, true); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, permFor(a, *it), audit.Create, it.Gemeente, "agendapunt", it.ID)
	})
}

func (s *Store) insertMilestone(ctx context.Context, tx *Tx, itemID string, pos int, m *participation.Milestone) error {
	if m.ID == "" {
		m.ID = secret.ID()
	}
	due := ""
	if !m.Due.IsZero() {
		due = m.Due.String()
	}
	_, err := tx.Exec(ctx, `INSERT INTO agenda_milestones (id, item_id, position, title, due, percent, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.ID, itemID, pos, m.Title, due, m.Percent, s.ts(s.now()))
	return err
}

func (s *Store) agendaEvent(ctx context.Context, tx *Tx, a Actor, itemID, kind, body string) error {
	_, err := tx.Exec(ctx, `INSERT INTO agenda_history (item_id, kind, body, by_user, by_name, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		itemID, kind, body, a.P.UserID, moderatorName(a.P), s.ts(s.now()))
	return err
}

// UpdateAgendaItem changes title, description, owner, status and budget;
// the history says what changed, and a new status is mailed to the
// followers of the wish the item came from.
func (s *Store) UpdateAgendaItem(ctx context.Context, a Actor, it *participation.AgendaItem) error {
	return s.Tx(ctx, func(tx *Tx) error {
		old, err := s.agendaItemTx(ctx, tx, it.ID)
		if err != nil {
			return err
		}
		it.Gemeente, it.Wijk, it.Origin, it.WishID = old.Gemeente, old.Wijk, old.Origin, old.WishID
		if err := it.Validate(); err != nil {
			return err
		}
		if err := agendaKeeper(a, old); err != nil {
			return err
		}
		var changes []string
		if old.Status != it.Status {
			changes = append(changes, "Status: "+it.Status.Label()+".")
		}
		if old.Owner != it.Owner {
			changes = append(changes, "Trekker: "+it.Owner+".")
		}
		if old.Budget != it.Budget {
			changes = append(changes, "Budget: "+it.Budget.String()+".")
		}
		if old.Title != it.Title || old.Description != it.Description {
			changes = append(changes, "Beschrijving aangepast.")
		}
		if len(changes) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE agenda_items SET title = ?, description = ?, owner = ?, status = ?, budget_cents = ?, updated_at = ? WHERE id = ?`,
			it.Title, it.Description, it.Owner, string(it.Status), int64(it.Budget), s.ts(s.now()), it.ID); err != nil {
			return err
		}
		if err := s.agendaEvent(ctx, tx, a, it.ID, "wijziging", strings.Join(changes, " ")); err != nil {
			return err
		}
		if old.Status != it.Status {
			if err := s.notifyAgendaFollowers(ctx, tx, a.P.UserID, *it, false); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, permFor(a, old), audit.Update, old.Gemeente, "agendapunt", it.ID)
	})
}

// SaveMilestone adds a milestone (m.ID empty) or changes one.
func (s *Store) SaveMilestone(ctx context.Context, a Actor, itemID string, m *participation.Milestone) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		it, err := s.agendaItemTx(ctx, tx, itemID)
		if err != nil {
			return err
		}
		if err := agendaKeeper(a, it); err != nil {
			return err
		}
		body := fmt.Sprintf("Mijlpaal %s: %d%% klaar.", m.Title, m.Percent)
		if m.ID == "" {
			if err := s.insertMilestone(ctx, tx, itemID, len(it.Milestones), m); err != nil {
				return err
			}
			body = "Nieuwe mijlpaal: " + m.Title + "."
		} else {
			due := ""
			if !m.Due.IsZero() {
				due = m.Due.String()
			}
			res, err := tx.Exec(ctx, `UPDATE agenda_milestones SET title = ?, due = ?, percent = ?, updated_at = ? WHERE id = ? AND item_id = ?`,
				m.Title, due, m.Percent, s.ts(s.now()), m.ID, itemID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.E(errs.NotFound, "Deze mijlpaal bestaat niet.")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE agenda_items SET updated_at = ? WHERE id = ?`, s.ts(s.now()), itemID); err != nil {
			return err
		}
		if err := s.agendaEvent(ctx, tx, a, itemID, "mijlpaal", body); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, permFor(a, it), audit.Update, it.Gemeente, "agendapunt", itemID)
	})
}

const agendaCols = `i.id, i.gemeente, i.wijk, i.title, i.description, i.owner, i.status, i.budget_cents, i.origin, COALESCE(i.wish_id, ''), i.created_at, i.updated_at FROM agenda_items i`

func scanAgendaItem(sc interface{ Scan(...any) error }) (participation.AgendaItem, error) {
	var it participation.AgendaItem
	var status, origin string
	var budget int64
	err := sc.Scan(&it.ID, &it.Gemeente, &it.Wijk, &it.Title, &it.Description, &it.Owner, &status, &budget, &origin, &it.WishID, timeCol{&it.Created}, timeCol{&it.Updated})
	it.Status, it.Origin, it.Budget = participation.AgendaStatus(status), participation.Origin(origin), casework.Cents(budget)
	return it, err
}

func (s *Store) agendaItemTx(ctx context.Context, tx *Tx, id string) (participation.AgendaItem, error) {
	it, err := scanAgendaItem(tx.QueryRow(ctx, `SELECT `+agendaCols+` WHERE i.id = ?`, id))
	if err != nil {
		if errs.Is(classify(err), errs.NotFound) {
			return it, errs.E(errs.NotFound, "Dit agendapunt bestaat niet.")
		}
		return it, err
	}
	rows, err := tx.Query(ctx, `SELECT id, title, due, percent FROM agenda_milestones WHERE item_id = ? ORDER BY position`, id)
	if err != nil {
		return it, err
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMilestone(rows)
		if err != nil {
			return it, err
		}
		it.Milestones = append(it.Milestones, m)
	}
	return it, rows.Err()
}

func scanMilestone(sc interface{ Scan(...any) error }) (participation.Milestone, error) {
	var m participation.Milestone
	var due string
	if err := sc.Scan(&m.ID, &m.Title, &due, &m.Percent); err != nil {
		return m, err
	}
	if due != "" {
		d, err := people.ParseDate(due)
		if err != nil {
			return m, err
		}
		m.Due = d
	}
	return m, nil
}

// agendaItems reads items matching where (with args) and their milestones.
func (s *Store) agendaItems(ctx context.Context, where string, args ...any) ([]participation.AgendaItem, error) {
	rows, err := s.query(ctx, `SELECT `+agendaCols+` WHERE `+where+` ORDER BY i.created_at DESC, i.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []participation.AgendaItem
	idx := map[string]int{}
	for rows.Next() {
		it, err := scanAgendaItem(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		idx[it.ID] = len(out)
		out = append(out, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	ids := make([]string, len(out))
	for i, it := range out {
		ids[i] = it.ID
	}
	ph, margs := in(ids)
	mrows, err := s.query(ctx, `SELECT item_id, id, title, due, percent FROM agenda_milestones WHERE item_id IN (`+ph+`) ORDER BY item_id, position`, margs...)
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var item string
		var m participation.Milestone
		var due string
		if err := mrows.Scan(&item, &m.ID, &m.Title, &due, &m.Percent); err != nil {
			return nil, err
		}
		if due != "" {
			if m.Due, err = people.ParseDate(due); err != nil {
				return nil, err
			}
		}
		out[idx[item]].Milestones = append(out[idx[item]].Milestones, m)
	}
	return out, classify(mrows.Err())
}

// Agenda lists a wijk's agenda items, newest first. Public data.
func (s *Store) Agenda(ctx context.Context, wijk string) ([]participation.AgendaItem, error) {
	return s.agendaItems(ctx, `i.wijk = ?`, wijk)
}

// AgendaView is an agenda item with its public history.
type AgendaView struct {
	Item      participation.AgendaItem
	WishTitle string
	History   []participation.Event
}

// AgendaItem reads one item with its history. Public data.
func (s *Store) AgendaItem(ctx context.Context, id string) (AgendaView, error) {
	var v AgendaView
	items, err := s.agendaItems(ctx, `i.id = ?`, id)
	if err != nil {
		return v, err
	}
	if len(items) == 0 {
		return v, errs.E(errs.NotFound, "Dit agendapunt bestaat niet.")
	}
	v.Item = items[0]
	if v.Item.WishID != "" {
		if err := s.queryRow(ctx, `SELECT title FROM wishes WHERE id = ? AND hidden_at IS NULL`, v.Item.WishID).Scan(&v.WishTitle); err != nil && !errs.Is(classify(err), errs.NotFound) {
			return v, classify(err)
		}
	}
	rows, err := s.query(ctx, `SELECT created_at, kind, body, by_name FROM agenda_history WHERE item_id = ? ORDER BY id`, id)
	if err != nil {
		return v, err
	}
	defer rows.Close()
	for rows.Next() {
		var e participation.Event
		if err := rows.Scan(timeCol{&e.At}, &e.Kind, &e.Text, &e.By); err != nil {
			return v, err
		}
		v.History = append(v.History, e)
	}
	return v, classify(rows.Err())
}

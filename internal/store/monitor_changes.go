package store

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// The change log (table changes) is how every naober process sharing a
// database learns what changed: each write that can affect the monitor
// appends one row per household it affects, in the writer's transaction.
//
// Order guarantee. A follower reads "WHERE id > last" and must never see
// id n+1 committed while id n is still to come. SQLite has one writer, so
// ids are handed out and committed in one order. On PostgreSQL ids come
// from a sequence and concurrent transactions may commit out of id order;
// therefore a transaction does not insert its changes when the caller
// asks, but queues them on the Tx, and Store.Tx appends them as the very
// last statements before COMMIT, under pg_advisory_xact_lock. The lock is
// held from taking the ids until the commit is visible (PostgreSQL releases
// transaction locks after the commit is visible to new snapshots), so ids
// become visible in increasing order: once a reader sees id n, every
// smaller id that will ever commit is already visible. Rolled back
// transactions leave gaps that are never filled. Taking the lock last, when
// the transaction holds every other lock it will need, means the lock can
// never take part in a deadlock, and it is held only for the inserts and
// the commit.

// changeLockKey is the advisory lock that orders change ids (PostgreSQL).
const changeLockKey = 7340190121

type pendingChange struct {
	at                   any
	gemeente, entity, id string
	op                   string
	household            sql.NullString
}

// changeHouseholdSQL finds the household(s) a change to an entity affects,
// inside the writer's transaction (so it sees the write itself).
var changeHouseholdSQL = map[string]string{
	RecPerson:     "SELECT DISTINCT household_id FROM household_members WHERE person_id = ?",
	RecProvision:  "SELECT household_id FROM provisions WHERE id = ?",
	RecZRM:        "SELECT household_id FROM assessments WHERE id = ?",
	RecPlan:       "SELECT household_id FROM plans WHERE id = ?",
	RecEvaluation: "SELECT household_id FROM evaluations WHERE id = ?",
	RecSignal:     "SELECT household_id FROM signals WHERE id = ? AND household_id IS NOT NULL",
	RecSpend:      "SELECT household_id FROM spends WHERE id = ?",
	RecCase:       "SELECT household_id FROM cases WHERE id = ?",
	RecNote:       "SELECT household_id FROM notes WHERE id = ?",
}

// queueChange resolves the households a change affects and queues one log
// row per household (one row without a household when it affects none).
func (s *Store) queueChange(ctx context.Context, tx *Tx, gemeente, entity, id, op string) error {
	var hhs []string
	if entity == RecHousehold {
		hhs = []string{id}
	} else if q, ok := changeHouseholdSQL[entity]; ok {
		rows, err := tx.Query(ctx, q, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return err
			}
			hhs = append(hhs, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	c := pendingChange{at: s.ts(s.now()), gemeente: gemeente, entity: entity, id: id, op: op}
	if len(hhs) == 0 {
		tx.changes = append(tx.changes, c)
		return nil
	}
	for _, h := range hhs {
		c.household = sql.NullString{String: h, Valid: true}
		tx.changes = append(tx.changes, c)
	}
	return nil
}

// flushChanges appends the queued changes; Store.Tx calls it last, just
// before COMMIT.
func (s *Store) flushChanges(ctx context.Context, t *Tx) error {
	if len(t.changes) == 0 {
		return nil
	}
	if s.dialect == Postgres {
		if _, err := t.tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(changeLockKey)); err != nil {
			return err
		}
	}
	for _, c := range t.changes {
		if _, err := t.Exec(ctx, "INSERT INTO changes (at, gemeente, entity, entity_id, op, household_id) VALUES (?, ?, ?, ?, ?, ?)",
			c.at, c.gemeente, c.entity, c.id, c.op, c.household); err != nil {
			return err
		}
	}
	t.changes = nil
	if h := beforeCommitHook.Load(); h != nil {
		(*h)()
	}
	return nil
}

// beforeCommitHook, set only by tests (export_test.go), runs after a
// transaction appended its changes and before it commits.
var beforeCommitHook atomic.Pointer[func()]

// Change is one entry of the change log.
type Change struct {
	ID        int64
	At        time.Time
	Gemeente  string
	Entity    string
	EntityID  string
	Op        string
	Household string // "" when the change affects no household
}

// Changes returns up to limit changes after id after, in id order, of every
// gemeente (the caller filters: the cursor must move past changes of
// gemeenten it does not follow). The log holds no personal data beyond
// record ids; reading it is not audited.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.query(ctx, "SELECT id, at, gemeente, entity, entity_id, op, household_id FROM changes WHERE id > ? ORDER BY id LIMIT ?", after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var hh sql.NullString
		if err := rows.Scan(&c.ID, timeCol{&c.At}, &c.Gemeente, &c.Entity, &c.EntityID, &c.Op, &hh); err != nil {
			return nil, err
		}
		c.Household = hh.String
		out = append(out, c)
	}
	return out, classify(rows.Err())
}

// LastChange is the id of the newest change (0: none).
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	var id int64
	err := s.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM changes").Scan(&id)
	return id, classify(err)
}

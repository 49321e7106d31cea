package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
)

// xtx is a transaction with a cache of prepared statements, for the many
// small, repeated statements of an import: SQLite then parses each
// statement once per batch instead of once per row. With buffered audit it
// also collects audit records and writes them in one statement (flushAudit),
// still inside the transaction.
type xtx struct {
	*Tx
	cache  map[string]*sql.Stmt
	buffer bool
	audits []pendingAudit
	writes int // statements run by Exec or queued, to tell whether a message wrote

	// defer: insert queues rows, written many to a statement by
	// flushInserts; any other statement through x flushes them first, so
	// it sees them.
	defer_  bool
	pending [insertKinds]pendingRows
	err     error // a flush before a QueryRow failed (QueryRow cannot say so)
}

// The tables insert queues, in the order flushInserts writes them
// (foreign keys: persons and households before their members and
// provisions).
const (
	insPersons = iota
	insHouseholds
	insMembers
	insProvisions
	insMessages
	insertKinds
)

type pendingRows struct {
	head, row string // "INSERT INTO t (…) VALUES", "(?, …)"
	tail      string // after the rows ("ON CONFLICT …")
	cols      int
	args      []any
}

// insert writes one row (head VALUES row tail), or queues it when x defers.
func (x *xtx) insert(ctx context.Context, kind int, head, row, tail string, args ...any) error {
	if !x.defer_ {
		_, err := x.Exec(ctx, head+" "+row+" "+tail, args...)
		return err
	}
	x.writes++
	p := &x.pending[kind]
	p.head, p.row, p.tail, p.cols = head, row, tail, len(args)
	p.args = append(p.args, args...)
	return nil
}

// queued says whether rows wait for flushInserts.
func (x *xtx) queued() bool {
	for i := range x.pending {
		if len(x.pending[i].args) > 0 {
			return true
		}
	}
	return false
}

// dropInserts forgets the queued rows (their savepoint was rolled back).
func (x *xtx) dropInserts() {
	for i := range x.pending {
		clear(x.pending[i].args)
		x.pending[i].args = x.pending[i].args[:0]
	}
}

// errLost is a queued row that was not written (PostgreSQL: a message
// recorded by another import meanwhile).
var errLost = errors.New("exchange: a queued row was not written")

// flushInserts writes the queued rows, up to 100 a statement.
func (x *xtx) flushInserts(ctx context.Context) error {
	for i := range x.pending {
		p := &x.pending[i]
		// Walk the queue instead of reslicing it, so the next rows reuse
		// its array instead of growing a new one.
		for rest := p.args; len(rest) > 0; {
			n := min(100, len(rest)/p.cols)
			q := p.head + " " + strings.TrimSuffix(strings.Repeat(p.row+", ", n), ", ") + " " + p.tail
			st, err := x.prepare(ctx, q)
			if err == nil {
				var r sql.Result
				if r, err = st.ExecContext(ctx, rest[:n*p.cols]...); err == nil {
					if k, kerr := r.RowsAffected(); kerr == nil && k != int64(n) {
						err = errLost
					}
				}
			}
			if err != nil {
				p.args = rest // what was not written stays queued, as before
				return err
			}
			rest = rest[n*p.cols:]
		}
		clear(p.args)
		p.args = p.args[:0]
	}
	return nil
}

func (x *xtx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if x.defer_ && x.queued() {
		if err := x.flushInserts(ctx); err != nil {
			return nil, err
		}
	}
	return x.prepare(ctx, q)
}

type pendingAudit struct {
	at                                    any
	userID, email, role, gemeente, action string
	recordType, recordID, purpose         string
}

func newXTx(tx *Tx) *xtx { return &xtx{Tx: tx, cache: map[string]*sql.Stmt{}} }

func (x *xtx) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := x.cache[q]; ok {
		return st, nil
	}
	st, err := x.tx.PrepareContext(ctx, x.s.rebind(q))
	if err != nil {
		return nil, err
	}
	x.cache[q] = st
	return st, nil
}

// Exec runs a prepared, cached statement.
func (x *xtx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	x.writes++
	st, err := x.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// Query runs a prepared, cached query.
func (x *xtx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := x.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRow runs a prepared, cached query; a failure to prepare shows in Scan.
func (x *xtx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := x.stmt(ctx, q)
	if err != nil {
		if x.err == nil {
			x.err = err
		}
		return x.Tx.QueryRow(ctx, q, args...) // reports the same error on Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// audit records writes like Store.audit; buffered, they wait for flushAudit.
func (x *xtx) audit(ctx context.Context, a Actor, perm auth.Permission, action audit.Action, gemeente, recordType string, ids ...string) error {
	role := string(a.P.RoleFor(perm, gemeente))
	now := x.s.ts(x.s.now())
	for _, id := range ids {
		pa := pendingAudit{now, a.P.UserID, a.P.Email, role, gemeente, string(action), recordType, id, a.purpose()}
		if x.buffer {
			x.audits = append(x.audits, pa)
			continue
		}
		if _, err := x.Exec(ctx, `INSERT INTO audit_log (at, user_id, user_email, role, gemeente, action, record_type, record_id, purpose)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, pa.at, pa.userID, pa.email, pa.role, pa.gemeente, pa.action, pa.recordType, pa.recordID, pa.purpose); err != nil {
			return err
		}
	}
	return nil
}

// flushAudit writes the buffered audit records, up to 100 a statement.
func (x *xtx) flushAudit(ctx context.Context) error {
	const per = 100
	var args []any // one array for every statement
	for len(x.audits) > 0 {
		n := min(per, len(x.audits))
		q := "INSERT INTO audit_log (at, user_id, user_email, role, gemeente, action, record_type, record_id, purpose) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
		if args == nil {
			args = make([]any, 0, n*9)
		}
		args = args[:0]
		for _, p := range x.audits[:n] {
			args = append(args, p.at, p.userID, p.email, p.role, p.gemeente, p.action, p.recordType, p.recordID, p.purpose)
		}
		if _, err := x.Exec(ctx, q, args...); err != nil {
			return err
		}
		x.audits = x.audits[n:]
	}
	x.audits = x.audits[:0]
	return nil
}

// changeFor queues a monitor change for a household that is known
// already (no lookup).
func (x *xtx) changeFor(gemeente, entity, id, op, household string) {
	x.changes = append(x.changes, pendingChange{at: x.s.ts(x.s.now()), gemeente: gemeente, entity: entity, id: id, op: op,
		household: sql.NullString{String: household, Valid: household != ""}})
}

// flushChanges appends the queued monitor changes as Store.flushChanges
// does (last, under the same lock on PostgreSQL, see monitor_changes.go),
// up to 100 a statement, and empties the queue so Store.Tx has nothing
// left to append. The caller returns right after, so they are the last
// statements before COMMIT.
func (x *xtx) flushChanges(ctx context.Context) error {
	if len(x.changes) == 0 {
		return nil
	}
	if x.s.dialect == Postgres {
		if _, err := x.tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(changeLockKey)); err != nil {
			return err
		}
	}
	const per = 100
	for cs := x.changes; len(cs) > 0; {
		n := min(per, len(cs))
		q := "INSERT INTO changes (at, gemeente, entity, entity_id, op, household_id) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", n), ", ")
		args := make([]any, 0, n*6)
		for _, c := range cs[:n] {
			args = append(args, c.at, c.gemeente, c.entity, c.id, c.op, c.household)
		}
		if _, err := x.Exec(ctx, q, args...); err != nil {
			return err
		}
		cs = cs[n:]
	}
	x.changes = nil
	if h := beforeCommitHook.Load(); h != nil {
		(*h)()
	}
	return nil
}

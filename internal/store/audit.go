package store

import (
	"context"
	"strings"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
)

// Actor is who asks the store for personal data, and why. Every method that
// reads or writes personal data takes one, limits itself to the gemeenten
// the actor may see, and writes the audit record.
type Actor struct {
	P       *auth.Principal
	Purpose string
}

func (a Actor) purpose() string {
	if strings.TrimSpace(a.Purpose) == "" {
		return audit.PurposeCasework
	}
	return a.Purpose
}

// scope returns the gemeenten where the actor holds perm; an empty scope
// means the actor may see nothing, which callers answer with "not found".
func (a Actor) scope(perm auth.Permission) []string { return a.P.Gemeenten(perm) }

// audit appends records in the caller's transaction.
func (s *Store) audit(ctx context.Context, tx *Tx, a Actor, perm auth.Permission, action audit.Action, gemeente, recordType string, ids ...string) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	role := string(a.P.RoleFor(perm, gemeente))
	now := s.ts(s.now())
	for _, id := range ids {
		if _, err := tx.Exec(ctx, `INSERT INTO audit_log (at, user_id, user_email, role, gemeente, action, record_type, record_id, purpose)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, now, a.P.UserID, a.P.Email, role, gemeente, string(action), recordType, id, a.purpose()); err != nil {
			return err
		}
	}
	return nil
}

// auditRead writes read records in their own transaction: the data was read
// outside one, and must not reach the caller unless the record is written.
func (s *Store) auditRead(ctx context.Context, a Actor, action audit.Action, recordType string, recs map[string][]string) error {
	if len(recs) == 0 {
		return nil
	}
	return s.Tx(ctx, func(tx *Tx) error {
		for gm, ids := range recs {
			if err := s.audit(ctx, tx, a, auth.ReadPersons, action, gm, recordType, ids...); err != nil {
				return err
			}
		}
		return nil
	})
}

// change appends to the ordered change log the monitor follows, naming the
// household(s) the change affects; the rows are written at commit (see
// monitor_changes.go for the order guarantee).
func (s *Store) change(ctx context.Context, tx *Tx, gemeente, entity, id, op string) error {
	return s.queueChange(ctx, tx, gemeente, entity, id, op)
}

// SearchAudit lets beheer search the log of the gemeenten they administer,
// newest first.
func (s *Store) SearchAudit(ctx context.Context, p *auth.Principal, f audit.Filter) ([]audit.Record, error) {
	allowed := map[string]bool{}
	for _, g := range p.Gemeenten(auth.ReadAudit) {
		allowed[g] = true
	}
	var gms []string
	if len(f.Gemeenten) == 0 {
		f.Gemeenten = p.Gemeenten(auth.ReadAudit)
	}
	for _, g := range f.Gemeenten {
		if allowed[g] {
			gms = append(gms, g)
		}
	}
	if len(gms) == 0 {
		return nil, errs.E(errs.Forbidden, "U mag het auditlog van deze gemeente niet inzien.")
	}
	ph, args := in(gms)
	q := "SELECT id, at, user_id, user_email, role, gemeente, action, record_type, record_id, purpose FROM audit_log WHERE gemeente IN (" + ph + ")"
	if f.UserEmail != "" {
		q += " AND user_email = ?"
		args = append(args, NormalizeEmail(f.UserEmail))
	}
	if f.RecordType != "" {
		q += " AND record_type = ?"
		args = append(args, f.RecordType)
	}
	if f.RecordID != "" {
		q += " AND record_id = ?"
		args = append(args, f.RecordID)
	}
	if f.Action != "" {
		q += " AND action = ?"
		args = append(args, string(f.Action))
	}
	if !f.From.IsZero() {
		q += " AND at >= ?"
		args = append(args, s.ts(f.From))
	}
	if !f.To.IsZero() {
		q += " AND at < ?"
		args = append(args, s.ts(f.To))
	}
	if f.Before > 0 {
		q += " AND id < ?"
		args = append(args, f.Before)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Record
	for rows.Next() {
		var r audit.Record
		if err := rows.Scan(&r.ID, timeCol{&r.Time}, &r.UserID, &r.UserEmail, &r.Role, &r.Gemeente, &r.Action, &r.RecordType, &r.RecordID, &r.Purpose); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, classify(rows.Err())
}

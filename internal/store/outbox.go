package store

// The outbox (issue 6, item 7): every e-mail naober sends is first a row
// here, written in the transaction that caused it, so a mail is never sent
// for something that was rolled back and never lost for something that was
// saved. A background sender (participation.Sender) delivers rows when an
// SMTP server is configured; without one, rows stay and beheer reads them
// on /beheer/outbox. Rows with digest = 1 wait for the recipient's daily
// digest.

import (
	"context"
	"strings"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/mail"
	"naober.nl/naober/internal/secret"
)

// RecOutbox is the audit record type for reading queued mail.
const RecOutbox = "e-mail"

// Mail is one e-mail in the outbox (see mail.Message). Kind says what
// it is about (for example "verify", "wens-antwoord", "stem"); Subject
// and Body are plain text.
type Mail = mail.Message

// Digest is one recipient's held mails, bundled into one.
type Digest = mail.Digest

// Enqueue queues a mail in the caller's transaction. Gemeente, To, Subject
// and Kind are required.
func (s *Store) Enqueue(ctx context.Context, tx *Tx, m Mail) error {
	if m.Gemeente == "" || strings.TrimSpace(m.To) == "" || m.Subject == "" || m.Kind == "" {
		return errs.E(errs.Internal, "enqueue mail: gemeente, to, subject and kind are required")
	}
	if strings.ContainsAny(m.To+m.Subject, "\r\n") {
		return errs.E(errs.Internal, "enqueue mail: line break in address or subject")
	}
	if m.ID == "" {
		m.ID = secret.SortedID()
	}
	digest := 0
	if m.Digest {
		digest = 1
	}
	var uid any
	if m.UserID != "" {
		uid = m.UserID
	}
	_, err := tx.Exec(ctx, `INSERT INTO outbox (id, gemeente, user_id, to_addr, subject, body, kind, digest, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.Gemeente, uid, NormalizeEmail(m.To), m.Subject, m.Body, m.Kind, digest, s.ts(s.now()))
	return err
}

// NotifyUser queues a notification for a user by id, following a
// resident's preference: none queues nothing, digest holds it for the
// daily digest, direct sends it on its own. Professionals (no residents
// row) get it directly. An unknown user (say, deleted meanwhile) queues
// nothing. It reports whether a mail was queued.
func (s *Store) NotifyUser(ctx context.Context, tx *Tx, userID, gemeente, kind, subject, body string) (bool, error) {
	var email string
	var notify *string
	err := tx.QueryRow(ctx, "SELECT u.email, r.notify FROM users u LEFT JOIN residents r ON r.user_id = u.id WHERE u.id = ? AND u.disabled = 0", userID).Scan(&email, &notify)
	if err != nil {
		if errs.Is(classify(err), errs.NotFound) {
			return false, nil
		}
		return false, err
	}
	m := Mail{Gemeente: gemeente, UserID: userID, To: email, Subject: subject, Body: body, Kind: kind}
	if notify != nil {
		switch *notify {
		case NotifyNone:
			return false, nil
		case NotifyDigest:
			m.Digest = true
		}
	}
	return true, s.Enqueue(ctx, tx, m)
}

const mailCols = "id, gemeente, COALESCE(user_id, ''), to_addr, subject, body, kind, digest, created_at, sent_at, attempts, last_error"

func scanMail(sc interface{ Scan(...any) error }) (Mail, error) {
	var m Mail
	var digest int
	err := sc.Scan(&m.ID, &m.Gemeente, &m.UserID, &m.To, &m.Subject, &m.Body, &m.Kind, &digest, timeCol{&m.Created}, timeCol{&m.Sent}, &m.Attempts, &m.LastErr)
	m.Digest = digest != 0
	return m, err
}

func (s *Store) mails(ctx context.Context, q string, args ...any) ([]Mail, error) {
	rows, err := s.query(ctx, "SELECT "+mailCols+" FROM outbox "+q, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	out := []Mail{}
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, classify(rows.Err())
}

// mailsOf is the mail queued for or sent to a user (their download).
func (s *Store) mailsOf(ctx context.Context, userID string) ([]Mail, error) {
	return s.mails(ctx, "WHERE user_id = ? ORDER BY created_at, id", userID)
}

// DueMail lists mail to send now: not sent, not held for a digest, fewer
// than maxAttempts tries, and past its backoff (attempt n waits
// backoff·2^(n-1) after the row was made, capped at a day), oldest first.
func (s *Store) DueMail(ctx context.Context, limit, maxAttempts int, backoff time.Duration) ([]Mail, error) {
	ms, err := s.mails(ctx, "WHERE sent_at IS NULL AND digest = 0 AND attempts < ? ORDER BY created_at, id LIMIT ?", maxAttempts, limit*4)
	if err != nil {
		return nil, err
	}
	return dueOnly(ms, s.now(), limit, backoff), nil
}

// dueOnly keeps the mails whose retry wait has passed.
func dueOnly(ms []Mail, now time.Time, limit int, backoff time.Duration) []Mail {
	out := ms[:0]
	for _, m := range ms {
		if len(out) == limit {
			break
		}
		if m.Attempts > 0 && now.Before(m.Created.Add(RetryWait(m.Attempts, backoff))) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// RetryWait is how long after its creation a mail that failed n times is
// tried again: backoff, 2·backoff, 4·backoff, ... summed, capped at a day.
func RetryWait(n int, backoff time.Duration) time.Duration {
	var d time.Duration
	step := backoff
	for i := 0; i < n; i++ {
		d += step
		if d > 24*time.Hour {
			return 24 * time.Hour
		}
		step *= 2
	}
	return d
}

// ClaimMail counts an attempt on a mail if its attempts are still as
// listed: of several senders only one wins, and only it sends.
func (s *Store) ClaimMail(ctx context.Context, id string, attempts int) (bool, error) {
	var won bool
	err := s.Tx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE outbox SET attempts = attempts + 1 WHERE id = ? AND attempts = ? AND sent_at IS NULL", id, attempts)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		won = n == 1
		return nil
	})
	return won, err
}

// MarkSent records that mails went out.
func (s *Store) MarkSent(ctx context.Context, ids ...string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		now := s.ts(s.now())
		for _, id := range ids {
			if _, err := tx.Exec(ctx, "UPDATE outbox SET sent_at = ?, last_error = '' WHERE id = ? AND sent_at IS NULL", now, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkFailed records why a claimed attempt failed; the message must hold
// no personal data (the sender passes the SMTP status, not the address).
func (s *Store) MarkFailed(ctx context.Context, msg string, ids ...string) error {
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return s.Tx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			if _, err := tx.Exec(ctx, "UPDATE outbox SET last_error = ? WHERE id = ? AND sent_at IS NULL", msg, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// DueDigests gathers the mails held for a digest that were made before
// the cutoff, per recipient address (and gemeente).
func (s *Store) DueDigests(ctx context.Context, before time.Time) ([]Digest, error) {
	ms, err := s.mails(ctx, "WHERE sent_at IS NULL AND digest = 1 AND created_at < ? ORDER BY to_addr, gemeente, created_at, id", s.ts(before))
	if err != nil {
		return nil, err
	}
	var out []Digest
	for _, m := range ms {
		if n := len(out); n > 0 && out[n-1].To == m.To && out[n-1].Gemeente == m.Gemeente {
			out[n-1].Messages = append(out[n-1].Messages, m)
			continue
		}
		out = append(out, Digest{Gemeente: m.Gemeente, UserID: m.UserID, To: m.To, Messages: []Mail{m}})
	}
	return out, nil
}

// SendDigest queues the bundled mail and marks the held ones as sent (they
// went out inside it), in one transaction. When another process bundled
// one of them meanwhile, nothing is saved and the error is a Conflict.
func (s *Store) SendDigest(ctx context.Context, d Digest, subject, body string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		if err := s.Enqueue(ctx, tx, Mail{Gemeente: d.Gemeente, UserID: d.UserID, To: d.To, Subject: subject, Body: body, Kind: "dagoverzicht"}); err != nil {
			return err
		}
		now := s.ts(s.now())
		for _, m := range d.Messages {
			res, err := tx.Exec(ctx, "UPDATE outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL", now, m.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errs.E(errs.Conflict, "digest: bundled meanwhile")
			}
		}
		return nil
	})
}

// PurgeMail deletes mail sent before the cutoff: the outbox holds
// addresses, and a sent mail needs no keeping.
func (s *Store) PurgeMail(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.Tx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?", s.ts(before))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// OutboxFilter narrows the outbox page.
type OutboxFilter struct {
	Gemeente string // one of the reader's gemeenten; "" is all of them
	Pending  bool   // only mail not sent
	Limit    int
}

// Outbox lists queued and sent mail of the gemeenten where the reader may
// read the outbox, newest first. The rows hold e-mail addresses, so the
// read is audited (one record per mail shown) before they are returned.
func (s *Store) Outbox(ctx context.Context, a Actor, f OutboxFilter) ([]Mail, error) {
	scope := a.scope(auth.ReadOutbox)
	if f.Gemeente != "" {
		if !a.P.Can(auth.ReadOutbox, f.Gemeente) {
			return nil, errs.E(errs.Forbidden, "gemeente: u beheert gemeente %s niet", f.Gemeente)
		}
		scope = []string{f.Gemeente}
	}
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "U mag de uitgaande e-mail niet lezen.")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	ph, args := in(scope)
	q := "WHERE gemeente IN (" + ph + ")"
	if f.Pending {
		q += " AND sent_at IS NULL"
	}
	ms, err := s.mails(ctx, q+" ORDER BY created_at DESC, id DESC LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	recs := map[string][]string{}
	for _, m := range ms {
		recs[m.Gemeente] = append(recs[m.Gemeente], m.ID)
	}
	if len(recs) > 0 {
		err = s.Tx(ctx, func(tx *Tx) error {
			for gm, ids := range recs {
				if err := s.audit(ctx, tx, a, auth.ReadOutbox, audit.Read, gm, RecOutbox, ids...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return ms, nil
}

var _ mail.Outbox = (*Store)(nil)

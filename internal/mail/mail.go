// Package mail sends naober's e-mail: messages queued in the outbox (by the
// store, inside the transaction that caused them) are delivered over SMTP
// by a background Sender, with retries and a daily digest. Without an SMTP
// server the messages stay in the outbox, where beheer can read them. The
// package knows nothing of SQL: the store implements Outbox.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"
)

// Message is one e-mail in the outbox. Kind says what it is about (for
// example "verify", "wens-antwoord", "stem"); Subject and Body are plain
// text in Dutch.
type Message struct {
	ID       string    `json:"id"`
	Gemeente string    `json:"gemeente"`
	UserID   string    `json:"-"`
	To       string    `json:"aan"`
	Subject  string    `json:"onderwerp"`
	Body     string    `json:"tekst"`
	Kind     string    `json:"soort"`
	Digest   bool      `json:"dagoverzicht"`
	Created  time.Time `json:"gemaakt_op"`
	Sent     time.Time `json:"verstuurd_op"`
	Attempts int       `json:"pogingen"`
	LastErr  string    `json:"laatste_fout,omitempty"`
}

// Digest is one recipient's held messages, to be bundled into one.
type Digest struct {
	Gemeente string
	UserID   string
	To       string
	Messages []Message
}

// SMTP is an SMTP server to send through. STARTTLS is used when the server
// offers it; a user and password are only sent over TLS (or to localhost).
type SMTP struct {
	Addr     string // host:port
	From     string // the sender address, e.g. "naober <noreply@gemeente.nl>"
	User     string
	Password string
	Timeout  time.Duration // per message; default 30 s
	// TLS overrides the STARTTLS settings (tests trust their own CA).
	TLS *tls.Config
	// Hello is the name given in EHLO; default "localhost".
	Hello string
}

// Send delivers one message.
func (c *SMTP) Send(ctx context.Context, to, subject, body string) error {
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return fmt.Errorf("smtp-from %q: %w", c.From, err)
	}
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return fmt.Errorf("recipient address: %w", err)
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("smtp-addr %q: %w", c.Addr, err)
	}
	msg, err := Compose(from, rcpt, subject, body, time.Now())
	if err != nil {
		return err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("smtp connect: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	cl, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("smtp greeting: %w", err)
	}
	defer cl.Close()
	hello := c.Hello
	if hello == "" {
		hello = "localhost"
	}
	if err := cl.Hello(hello); err != nil {
		return fmt.Errorf("smtp ehlo: %w", err)
	}
	if ok, _ := cl.Extension("STARTTLS"); ok {
		cfg := c.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		if err := cl.StartTLS(cfg); err != nil {
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	if c.User != "" {
		// PlainAuth refuses to send the password without TLS, except to localhost.
		if err := cl.Auth(smtp.PlainAuth("", c.User, c.Password, host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := cl.Mail(from.Address); err != nil {
		return fmt.Errorf("smtp mail from: %w", err)
	}
	if err := cl.Rcpt(rcpt.Address); err != nil {
		return fmt.Errorf("smtp rcpt: %w", err)
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	return cl.Quit()
}

// Compose writes an RFC 5322 message: UTF-8 plain text, quoted-printable,
// the subject encoded when it is not ASCII.
func Compose(from, to *mail.Address, subject, body string, date time.Time) ([]byte, error) {
	if strings.ContainsAny(subject, "\r\n") {
		return nil, errors.New("compose: line break in subject")
	}
	var b bytes.Buffer
	id := make([]byte, 12)
	rand.Read(id)
	domain := "naober.local"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 {
		domain = from.Address[at+1:]
	}
	fmt.Fprintf(&b, "From: %s\r\n", from.String())
	fmt.Fprintf(&b, "To: %s\r\n", to.String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", date.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\nAuto-Submitted: auto-generated\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// Outbox is what the Sender needs from storage (the store implements it).
type Outbox interface {
	// DueMail lists messages to send now (not sent, not held for a
	// digest, fewer than maxAttempts tries, past their backoff).
	DueMail(ctx context.Context, limit, maxAttempts int, backoff time.Duration) ([]Message, error)
	// ClaimMail counts an attempt on a message if nobody else did since
	// it was listed (attempts still as listed); only the winner sends.
	ClaimMail(ctx context.Context, id string, attempts int) (bool, error)
	MarkSent(ctx context.Context, ids ...string) error
	MarkFailed(ctx context.Context, msg string, ids ...string) error
	// DueDigests gathers held messages made before the cutoff, per recipient.
	DueDigests(ctx context.Context, before time.Time) ([]Digest, error)
	// SendDigest queues the bundle and marks the held messages as sent,
	// in one transaction; it fails when another process bundled them.
	SendDigest(ctx context.Context, d Digest, subject, body string) error
	// PurgeMail deletes mail sent before the cutoff.
	PurgeMail(ctx context.Context, before time.Time) (int, error)
}

// Keep is how long sent mail stays in the outbox (for beheer to check
// delivery); after that it is deleted, addresses and all.
const Keep = 30 * 24 * time.Hour

// Sender delivers the outbox in the background.
type Sender struct {
	Outbox Outbox
	SMTP   *SMTP // nil: nothing is sent, messages stay in the outbox
	Log    *slog.Logger
	// Interval between rounds; default 30 s.
	Interval time.Duration
	// Backoff before the first retry (doubling after each failure, capped
	// at a day); default 1 minute. MaxAttempts; default 8.
	Backoff     time.Duration
	MaxAttempts int
	// DigestHour is the hour (Europe/Amsterdam) the daily digest goes
	// out; default 7.
	DigestHour int
	Location   *time.Location
	Now        func() time.Time
	// Jobs run at the start of every round, before sending, so what they
	// queue goes out in the same round (the meetings' day-before
	// reminders). A failing job is logged; the round goes on.
	Jobs []func(context.Context) error

	lastDigest time.Time
}

func (s *Sender) defaults() {
	if s.Interval == 0 {
		s.Interval = 30 * time.Second
	}
	if s.Backoff == 0 {
		s.Backoff = time.Minute
	}
	if s.MaxAttempts == 0 {
		s.MaxAttempts = 8
	}
	if s.DigestHour == 0 {
		s.DigestHour = 7
	}
	if s.Location == nil {
		if loc, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
			s.Location = loc
		} else {
			s.Location = time.UTC
		}
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
}

// Run sends until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	s.defaults()
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		if _, err := s.Round(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("mail round", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Round bundles the digests when their hour has come, then sends what is
// due. It returns the number of messages sent.
func (s *Sender) Round(ctx context.Context) (int, error) {
	s.defaults()
	for _, job := range s.Jobs {
		if err := job(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("mail job", "err", err)
		}
	}
	if err := s.digests(ctx); err != nil {
		return 0, err
	}
	if s.SMTP == nil {
		return 0, nil
	}
	due, err := s.Outbox.DueMail(ctx, 50, s.MaxAttempts, s.Backoff)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range due {
		if ctx.Err() != nil {
			return sent, ctx.Err()
		}
		ok, err := s.Outbox.ClaimMail(ctx, m.ID, m.Attempts)
		if err != nil {
			return sent, err
		}
		if !ok {
			continue // another process has it
		}
		if err := s.SMTP.Send(ctx, m.To, m.Subject, m.Body); err != nil {
			// The error names servers and SMTP codes, not the recipient.
			msg := strings.ReplaceAll(err.Error(), m.To, "…")
			s.Log.Warn("mail not sent", "id", m.ID, "kind", m.Kind, "attempt", m.Attempts+1, "err", msg)
			if err := s.Outbox.MarkFailed(ctx, msg, m.ID); err != nil {
				return sent, err
			}
			continue
		}
		if err := s.Outbox.MarkSent(ctx, m.ID); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// digestTime is the latest digest moment at or before now.
func (s *Sender) digestTime(now time.Time) time.Time {
	l := now.In(s.Location)
	t := time.Date(l.Year(), l.Month(), l.Day(), s.DigestHour, 0, 0, 0, s.Location)
	if t.After(now) {
		t = t.AddDate(0, 0, -1)
	}
	return t
}

func (s *Sender) digests(ctx context.Context) error {
	at := s.digestTime(s.Now())
	if !s.lastDigest.Before(at) {
		return nil
	}
	// Once a day, with the digest: forget mail sent long enough ago.
	if _, err := s.Outbox.PurgeMail(ctx, s.Now().Add(-Keep)); err != nil {
		return err
	}
	ds, err := s.Outbox.DueDigests(ctx, at)
	if err != nil {
		return err
	}
	for _, d := range ds {
		subject, body := DigestText(d)
		if err := s.Outbox.SendDigest(ctx, d, subject, body); err != nil {
			s.Log.Warn("digest not bundled", "err", err)
		}
	}
	s.lastDigest = at
	return nil
}

// DigestText bundles held messages into one mail, in Dutch.
func DigestText(d Digest) (subject, body string) {
	n := len(d.Messages)
	if n == 1 {
		subject = "Uw dagoverzicht van naober: 1 bericht"
	} else {
		subject = fmt.Sprintf("Uw dagoverzicht van naober: %d berichten", n)
	}
	var b strings.Builder
	b.WriteString("Hallo,\n\nDit is wat er sinds uw vorige overzicht is gebeurd.\n")
	for i, m := range d.Messages {
		fmt.Fprintf(&b, "\n%d. %s\n\n%s\n", i+1, m.Subject, strings.TrimSpace(m.Body))
	}
	b.WriteString("\nU krijgt één e-mail per dag omdat u dat zo hebt gekozen. Dat kunt u veranderen op de pagina Mijn account.\n")
	return subject, b.String()
}

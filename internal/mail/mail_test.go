package mail_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	naomail "naober.nl/naober/internal/mail"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

var ctx = context.Background()

func decode(t *testing.T, data string) (subject, body string, h mail.Header) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	return subject, string(b), m.Header
}

func TestSendPlain(t *testing.T) {
	d := newSMTPD(t, false)
	c := &naomail.SMTP{Addr: d.addr(), From: "naober <noreply@meppel.nl>"}
	if err := c.Send(ctx, "anna@voorbeeld.nl", "Uw wens is beantwoord — één reactie", "Hallo Anna,\n\nEr is een antwoord op uw wens.\n.\nGroet"); err != nil {
		t.Fatal(err)
	}
	got := d.messages()
	if len(got) != 1 || got[0].From != "noreply@meppel.nl" || got[0].To != "anna@voorbeeld.nl" || got[0].TLS {
		t.Fatalf("received %+v", got)
	}
	subj, body, h := decode(t, got[0].Data)
	if subj != "Uw wens is beantwoord — één reactie" || !strings.Contains(body, "Er is een antwoord op uw wens.\r\n.\r\nGroet") {
		t.Fatalf("subject %q body %q", subj, body)
	}
	if !strings.Contains(h.Get("Content-Type"), "utf-8") || h.Get("Message-Id") == "" || h.Get("Date") == "" {
		t.Fatalf("headers %v", h)
	}
}

func TestSendSTARTTLSAndAuth(t *testing.T) {
	d := newSMTPD(t, true)
	d.user, d.pw = "naober", "geheim-wachtwoord"
	c := &naomail.SMTP{Addr: d.addr(), From: "noreply@meppel.nl", User: "naober", Password: "geheim-wachtwoord", TLS: tlsClient()}
	if err := c.Send(ctx, "bert@voorbeeld.nl", "Test", "Tekst"); err != nil {
		t.Fatal(err)
	}
	got := d.messages()
	if len(got) != 1 || !got[0].TLS || got[0].AuthUser != "naober" {
		t.Fatalf("received %+v", got)
	}
	c.Password = "fout"
	if err := c.Send(ctx, "bert@voorbeeld.nl", "Test", "Tekst"); err == nil || !strings.Contains(err.Error(), "535") {
		t.Fatalf("bad password: %v", err)
	}
	// A server certificate the client does not trust is refused.
	c.Password, c.TLS = "geheim-wachtwoord", nil
	if err := c.Send(ctx, "bert@voorbeeld.nl", "Test", "Tekst"); err == nil || !strings.Contains(err.Error(), "starttls") {
		t.Fatalf("untrusted certificate: %v", err)
	}
}

func enqueue(t *testing.T, s *store.Store, m store.Mail) {
	t.Helper()
	if err := s.Tx(ctx, func(tx *store.Tx) error { return s.Enqueue(ctx, tx, m) }); err != nil {
		t.Fatal(err)
	}
}

func TestSenderRetriesAndDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newSMTPD(t, false)
		d.failRcpt = true
		p := storetest.Resident(t, s, "WK011901", "Anna")
		enqueue(t, s, store.Mail{Gemeente: "GM0119", UserID: p.UserID, To: p.Email, Subject: "Welkom", Body: "Hallo", Kind: "test"})
		snd := &naomail.Sender{Outbox: s, SMTP: &naomail.SMTP{Addr: d.addr(), From: "noreply@meppel.nl"}, Backoff: time.Minute}
		n, err := snd.Round(ctx)
		if err != nil || n != 0 {
			t.Fatalf("round with a failing server: %d %v", n, err)
		}
		due, err := s.DueMail(ctx, 10, 8, time.Minute)
		if err != nil || len(due) != 0 {
			t.Fatalf("due right after a failure: %v %v", due, err)
		}
		// After the backoff, and with the server well again, it goes out.
		later := s.At(time.Now().Add(2 * time.Minute))
		due, err = later.DueMail(ctx, 10, 8, time.Minute)
		if err != nil || len(due) != 1 || due[0].Attempts != 1 || !strings.Contains(due[0].LastErr, "451") || strings.Contains(due[0].LastErr, p.Email) {
			t.Fatalf("due after backoff: %+v %v", due, err)
		}
		d.failRcpt = false
		snd.Outbox = later
		if n, err := snd.Round(ctx); err != nil || n != 1 {
			t.Fatalf("second round: %d %v", n, err)
		}
		if got := d.messages(); len(got) != 1 || got[0].To != p.Email {
			t.Fatalf("received %+v", got)
		}
		// A claimed mail is not claimed twice.
		if ok, err := s.ClaimMail(ctx, due[0].ID, 1); err != nil || ok {
			t.Fatalf("claim of a sent mail: %v %v", ok, err)
		}

		// Digest: two notifications held, bundled once at the digest hour.
		if err := s.SetNotify(ctx, p.UserID, store.NotifyDigest); err != nil {
			t.Fatal(err)
		}
		for _, subj := range []string{"Antwoord op uw wens", "Nieuwe steun voor uw wens"} {
			err := s.Tx(ctx, func(tx *store.Tx) error {
				queued, err := s.NotifyUser(ctx, tx, p.UserID, "GM0119", "wens", subj, "Kijk op naober.")
				if !queued {
					t.Error("not queued")
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		snd.Outbox = s
		if n, err := snd.Round(ctx); err != nil || n != 0 { // held for the digest
			t.Fatalf("held round: %d %v", n, err)
		}
		snd.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
		if n, err := snd.Round(ctx); err != nil || n != 1 {
			t.Fatalf("digest round: %d %v", n, err)
		}
		got := d.messages()
		subj, body, _ := decode(t, got[len(got)-1].Data)
		if subj != "Uw dagoverzicht van naober: 2 berichten" || !strings.Contains(body, "Antwoord op uw wens") || !strings.Contains(body, "Nieuwe steun voor uw wens") {
			t.Fatalf("digest %q %q", subj, body)
		}
		if n, err := snd.Round(ctx); err != nil || n != 0 {
			t.Fatalf("round after digest: %d %v", n, err)
		}
		// Sent mail is deleted after naomail.Keep.
		if n, err := s.PurgeMail(ctx, time.Now().Add(time.Hour)); err != nil || n != 4 {
			t.Fatalf("purge: %d %v", n, err)
		}
		// none: nothing is queued.
		if err := s.SetNotify(ctx, p.UserID, store.NotifyNone); err != nil {
			t.Fatal(err)
		}
		s.Tx(ctx, func(tx *store.Tx) error {
			if q, _ := s.NotifyUser(ctx, tx, p.UserID, "GM0119", "wens", "x", "y"); q {
				t.Error("queued for notify=none")
			}
			return nil
		})
	})
}

func TestSenderWithoutSMTPKeepsMail(t *testing.T) {
	s := storetest.SQLite(t)
	p := storetest.Resident(t, s, "WK011901", "")
	enqueue(t, s, store.Mail{Gemeente: "GM0119", UserID: p.UserID, To: p.Email, Subject: "Welkom", Body: "Hallo", Kind: "test"})
	snd := &naomail.Sender{Outbox: s}
	if n, err := snd.Round(ctx); err != nil || n != 0 {
		t.Fatal(n, err)
	}
	due, err := s.DueMail(ctx, 10, 8, time.Minute)
	if err != nil || len(due) != 1 || due[0].Attempts != 0 {
		t.Fatalf("due %+v %v", due, err)
	}
}

// Jobs run every round, before sending, and a failing one does not stop
// the round.
func TestSenderRunsJobs(t *testing.T) {
	s := storetest.SQLite(t)
	ran := 0
	snd := &naomail.Sender{Outbox: s, Jobs: []func(context.Context) error{
		func(context.Context) error { ran++; return errors.New("kapot") },
		func(context.Context) error { ran++; return nil },
	}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for i := 0; i < 2; i++ {
		if _, err := snd.Round(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if ran != 4 {
		t.Fatalf("jobs ran %d times in two rounds, want 4", ran)
	}
}

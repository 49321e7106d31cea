package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"sync"

	"naober.nl/naober/internal/mail"
	"naober.nl/naober/internal/store"
)

// mailFlags configure e-mail. Without --smtp-addr mail stays in the outbox
// (beheer reads it on /beheer/outbox); the password comes only from the
// environment (NAOBER_SMTP_PASSWORD), never from the command line.
type mailFlags struct {
	addr, from, user, publicURL string
	password                    string
}

func (m *mailFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.addr, "smtp-addr", "", "SMTP server to send e-mail through (host:port); empty keeps e-mail in the outbox for beheer")
	fs.StringVar(&m.from, "smtp-from", "", `sender address of e-mail ("naober <noreply@gemeente.nl>"); required with --smtp-addr`)
	fs.StringVar(&m.user, "smtp-user", "", "SMTP user name; the password is read from NAOBER_SMTP_PASSWORD (only sent over TLS)")
	fs.StringVar(&m.publicURL, "public-url", "", "the address residents reach naober on (https://naober.gemeente.nl), for links in e-mail; default: the address of the request")
}

// smtp checks the flags and returns the SMTP client, or nil without one.
func (m *mailFlags) smtp(getenv func(string) string) (*mail.SMTP, error) {
	m.password = getenv("NAOBER_SMTP_PASSWORD")
	if m.addr == "" {
		if m.from != "" || m.user != "" {
			return nil, errors.New("--smtp-from/--smtp-user: give --smtp-addr too")
		}
		return nil, nil
	}
	if _, _, err := net.SplitHostPort(m.addr); err != nil {
		return nil, fmt.Errorf("--smtp-addr: %v (use host:port, like smtp.gemeente.nl:587)", err)
	}
	if _, err := netmail.ParseAddress(m.from); err != nil {
		return nil, fmt.Errorf("--smtp-from: %v", err)
	}
	if m.user != "" && m.password == "" {
		return nil, errors.New("--smtp-user: set the password in NAOBER_SMTP_PASSWORD")
	}
	return &mail.SMTP{Addr: m.addr, From: m.from, User: m.user, Password: m.password}, nil
}

// startMailer runs the background sender (with the daily digest and the
// meetings' day-before reminders) until stop is called. publicURL starts
// the links in reminders ("" leaves them relative).
func startMailer(ctx context.Context, c *mail.SMTP, st *store.Store, log *slog.Logger, publicURL string) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		reminders := func(ctx context.Context) error {
			_, err := st.SendMeetingReminders(ctx, publicURL)
			return err
		}
		// The neighbourhood fund's APK reminders (each one once, recorded),
		// with a link to the application when the public address is known.
		fundReminders := func(ctx context.Context) error {
			if publicURL != "" {
				ctx = store.WithLinkBase(ctx, publicURL)
			}
			_, err := st.FundReminders(ctx)
			return err
		}
		(&mail.Sender{Outbox: st, SMTP: c, Log: log, Jobs: []func(context.Context) error{reminders, fundReminders}}).Run(ctx)
	}()
	if c == nil {
		log.Info("no SMTP server set: e-mail stays in the outbox (/beheer/outbox)")
	} else {
		log.Info("sending e-mail", "smtp", c.Addr)
	}
	return func() {
		cancel()
		wg.Wait()
	}
}

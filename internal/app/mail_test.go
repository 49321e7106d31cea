package app

import (
	"bufio"
	"context"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/store"
)

func TestSMTPFlags(t *testing.T) {
	env := func(k string) string { return "" }
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--smtp-from", "a@b.nl"}, "--smtp-addr"},
		{[]string{"--smtp-addr", "smtp.example.nl"}, "--smtp-addr"},
		{[]string{"--smtp-addr", "smtp.example.nl:587", "--smtp-from", "geen adres"}, "--smtp-from"},
		{[]string{"--smtp-addr", "smtp.example.nl:587", "--smtp-from", "a@b.nl", "--smtp-user", "u"}, "NAOBER_SMTP_PASSWORD"},
	} {
		db := filepath.Join(t.TempDir(), "n.db")
		err := Run(context.Background(), append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, c.args...), env, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v", c.args, err)
		}
	}
}

// serve sends what waits in the outbox through the SMTP server of the flags.
func TestServeSendsOutbox(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var got []string
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				say := func(s string) { io.WriteString(c, s+"\r\n") }
				say("220 test ESMTP")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					switch v := strings.ToUpper(strings.Fields(line + " x")[0]); v {
					case "EHLO":
						say("250 test")
					case "DATA":
						say("354 go")
						var b strings.Builder
						for {
							l, err := r.ReadString('\n')
							if err != nil || l == ".\r\n" {
								break
							}
							b.WriteString(l)
						}
						mu.Lock()
						got = append(got, b.String())
						mu.Unlock()
						say("250 ok")
					case "QUIT":
						say("221 bye")
						return
					default:
						say("250 ok")
					}
				}
			}(c)
		}
	}()

	db := filepath.Join(t.TempDir(), "naober.db")
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := openStore(ctx, dbFlags{db: db}, atlas, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureTenant(ctx, "GM0119", "Meppel"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutPostcodeAreas(ctx, []store.PostcodeArea{{Postcode: "7941AB", HuisnummerVan: 1, HuisnummerTot: 9, Gemeente: "GM0119", Wijk: "WK011901"}}); err != nil {
		t.Fatal(err)
	}
	_, _, err = st.CreateResident(ctx, store.NewResident{Email: "anna@voorbeeld.nl", DisplayName: "Anna", Postcode: "7941AB", Huisnummer: 2, Password: "een heel lang wachtwoord",
		VerifyMail: func(tok string) store.Mail {
			return store.Mail{Kind: "verify", Subject: "Bevestig", Body: "code " + tok}
		}})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	startServe(t, "--db", db, "--smtp-addr", ln.Addr().String(), "--smtp-from", "noreply@meppel.nl")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			if !strings.Contains(got[0], "To: <anna@voorbeeld.nl>") {
				t.Fatalf("mail %q", got[0])
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the outbox was not sent")
}

package web_test

import (
	"context"
	"database/sql"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// proxy forwards TCP to a database and can cut every connection, so a test
// can take the database away and bring it back.
type proxy struct {
	target string
	ln     net.Listener
	addr   string
	mu     sync.Mutex
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.ln = ln
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, d)
			p.mu.Unlock()
			go func() { io.Copy(d, c); d.Close() }()
			go func() { io.Copy(c, d); c.Close() }()
		}
	}()
}

func (p *proxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
}

func (p *proxy) restore(t *testing.T) {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.serve(ln)
}

func TestDatabaseGoneAndBack(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	u, _ := url.Parse(dsn)
	px := newProxy(t, u.Host)
	u.Host = px.addr
	st, err := store.Open(context.Background(), u.String(), store.Options{Keys: storetest.Keys(t), WijkGemeente: storetest.WijkGemeente})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, st)
	tok := e.tokens["regisseur@meppel.nl"]
	if code, _ := e.api("GET", "/readyz", "", ""); code != 200 {
		t.Fatalf("readyz: %d", code)
	}
	px.cut()
	code, body := e.api("GET", "/api/v1/households/"+e.ids["meppel"], tok, "")
	if code != 503 || !strings.Contains(body, "niet bereikbaar") {
		t.Fatalf("database gone: %d %s", code, body)
	}
	if code, _ := e.api("GET", "/readyz", "", ""); code != 503 {
		t.Fatalf("readyz with database gone: %d", code)
	}
	px.restore(t)
	// The pool drops broken connections; within a few tries the server is back.
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body = e.api("GET", "/api/v1/households/"+e.ids["meppel"], tok, "")
		if code == 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code != 200 || !strings.Contains(body, "Fatima") {
		t.Fatalf("after the database came back: %d %s", code, body)
	}
}

func TestDatabaseLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "naober.db")
	st, err := store.Open(context.Background(), path, store.Options{Keys: storetest.Keys(t), WijkGemeente: storetest.WijkGemeente})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, st)
	tok := e.tokens["regisseur@meppel.nl"]
	// Another process holds the write lock (say, a long manual repair).
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(100)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	newHousehold := `{"gemeente":"GM0119","postcode":"7941AB","huisnummer":99,"wijk":"WK011901"}`
	code, body := e.api("POST", "/api/v1/households", tok, newHousehold)
	if code != 503 || !strings.Contains(body, "bezet") {
		t.Fatalf("locked database: %d %s", code, body)
	}
	conn.ExecContext(context.Background(), "ROLLBACK")
	conn.Close()
	code, body = e.api("POST", "/api/v1/households", tok, newHousehold)
	if code != 201 {
		t.Fatalf("after the lock was released: %d %s", code, body)
	}
	// The refused attempt left nothing behind: exactly one household at number 99.
	code, body = e.api("GET", "/api/v1/households?postcode=7941AB&huisnummer=99", tok, "")
	if code != 200 || !strings.Contains(body, `"totaal":1`) {
		t.Fatalf("half-saved: %s", body)
	}
}

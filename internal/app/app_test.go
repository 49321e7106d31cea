package app

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"naober.nl/naober/internal/store/storetest"
)

func noEnv(string) string { return "" }

// startServe runs `naober serve` with args and returns its URL and a stop
// function that cancels it like SIGTERM and returns Run's error.
func startServe(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	var stderr bytes.Buffer
	go func() {
		done <- Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, args...), noEnv, strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "naober draait op "); ok {
			go io.Copy(io.Discard, pr)
			var once sync.Once
			var err error
			stop := func() error {
				once.Do(func() { cancel(); err = <-done })
				return err
			}
			t.Cleanup(func() { stop() })
			return u, stop
		}
	}
	cancel()
	t.Fatalf("serve did not start: %v", <-done)
	return "", nil
}

func TestHelpExplainsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"help"}, noEnv, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "migrate") {
		t.Fatalf("help: %v %s", err, out.String())
	}
	for _, cmd := range [][]string{{"serve", "-h"}, {"demo", "-h"}, {"migrate", "-h"}, {"backup", "-h"}, {"user", "add", "-h"}} {
		var errOut bytes.Buffer
		err := Run(context.Background(), cmd, noEnv, nil, io.Discard, &errOut)
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut.String(), "env NAOBER_DB") && cmd[0] != "demo" {
			t.Errorf("%v: %v\n%s", cmd, err, errOut.String())
		}
		if !strings.Contains(errOut.String(), "env NAOBER_") {
			t.Errorf("%v does not name environment twins", cmd)
		}
	}
	if err := Run(context.Background(), []string{"frobnicate"}, noEnv, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("unknown command accepted")
	}
}

func TestUserAddTokenAndServe(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "data", "naober.db")
	env := func(k string) string { return map[string]string{"NAOBER_DB": db}[k] } // the env twin picks the database
	var out, errOut bytes.Buffer
	err := Run(context.Background(), []string{"user", "add", "--gemeente", "GM0119", "--role", "regisseur", "--email", "script@meppel.nl", "--token"}, env, nil, &out, &errOut)
	if err != nil {
		t.Fatal(err, errOut.String())
	}
	line := out.String()
	if !strings.HasPrefix(line, "token: nbr_") || strings.Count(line, "\n") != 1 {
		t.Fatalf("stdout must be one token line, got %q", line)
	}
	tok := strings.TrimSpace(strings.TrimPrefix(line, "token: "))
	if st, err := os.Stat(filepath.Join(dir, "data", "naober.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v", err)
	}
	// A password from stdin for a second user; a short one is refused.
	if err := Run(context.Background(), []string{"user", "add", "--db", db, "--gemeente", "GM0119", "--role", "beheer", "--email", "b@meppel.nl", "--password-stdin"}, noEnv, strings.NewReader("kort\n"), io.Discard, io.Discard); err == nil {
		t.Fatal("short password accepted")
	}
	if err := Run(context.Background(), []string{"user", "add", "--db", db, "--gemeente", "GM9999", "--role", "beheer", "--email", "b@meppel.nl", "--token"}, noEnv, nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--gemeente") {
		t.Fatalf("unknown gemeente: %v", err)
	}

	url, stop := startServe(t, "--db", db)
	req, _ := http.NewRequest("GET", url+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"rol":"regisseur"`) {
		t.Fatalf("me: %d %s", res.StatusCode, body)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		res, err := http.Get(url + p)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %v %v", p, err, res)
		}
		res.Body.Close()
	}
	// A consistent backup of the live database.
	copyPath := filepath.Join(dir, "backup.db")
	if err := Run(context.Background(), []string{"backup", "--db", db, "--out", copyPath}, noEnv, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	cp, err := sql.Open("sqlite", copyPath)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := cp.QueryRow("SELECT COUNT(*) FROM users WHERE email = 'script@meppel.nl'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("backup holds %d users: %v", n, err)
	}
	cp.Close()
	if err := Run(context.Background(), []string{"backup", "--db", db, "--out", copyPath}, noEnv, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
}

// A request that is in flight when SIGTERM comes is finished, not cut.
func TestGracefulShutdownFinishesRequestsInFlight(t *testing.T) {
	url, stop := startServe(t, "--db", filepath.Join(t.TempDir(), "n.db"))
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A login whose body is still arriving: the handler is running.
	body := "email=a%40b.nl&wachtwoord=verkeerd-wachtwoord"
	if _, err := io.WriteString(conn, "POST /inloggen HTTP/1.1\r\nHost: naober\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Connection: close\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body[:10]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("server stopped with a request in flight: %v", err)
	default:
	}
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || res.StatusCode != 401 {
		t.Fatalf("in-flight request: %v %v", err, res)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	// New connections are refused once it is down.
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

func TestPostgresSchemaMustBeMigrated(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	keyFile := filepath.Join(t.TempDir(), "k")
	var errOut bytes.Buffer
	err := Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--key-file", keyFile}, noEnv, nil, io.Discard, &errOut)
	if err == nil || !strings.Contains(err.Error(), "naober migrate") {
		t.Fatalf("serve on an empty schema: %v", err)
	}
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"migrate", "--db", dsn}, noEnv, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "applied 0001_foundation.sql") {
		t.Fatalf("migrate: %v %s", err, out.String())
	}
	url, stop := startServe(t, "--db", dsn, "--key-file", keyFile)
	res, err := http.Get(url + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz on migrated postgres: %v %v", err, res)
	}
	res.Body.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// Package app wires naober's commands. cmd/naober calls Run; end-to-end
// tests call it too, on port 0.
package app

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/config"
	"naober.nl/naober/internal/demo"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/web"
)

const usage = `naober — open platform voor het sociaal domein

Usage: naober <command> [flags]

Commands:
  serve     run the server (SQLite in ./naober-data by default)
  demo      run a server on a fresh demo database of a real gemeente
  migrate   bring a database schema up to date (needed for PostgreSQL)
  user      manage users: naober user add --gemeente GM0119 --role regisseur --email …
  backup    write a consistent copy of a live SQLite database
  gen       generate data: naober gen national --persons N --out DIR writes a
            synthetic population of the Netherlands as CSV
  import    read the gemeente's data traffic: naober import istandaarden|spreadsheet|postcodes
  export    write data for others: naober export monitor-extract|allocation
  help      show this text; naober <command> -h explains its flags

Every flag has an environment twin: --db is NAOBER_DB, --key-file is NAOBER_KEY_FILE.
`

// Run runs one naober command. It returns when the command is done or ctx
// is cancelled (a server then shuts down gracefully).
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "demo":
		return runDemo(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, getenv, stdout, stderr)
	case "user":
		return runUser(ctx, rest, getenv, stdin, stdout, stderr)
	case "backup":
		return runBackup(ctx, rest, getenv, stdout, stderr)
	case "gen":
		return runGen(ctx, rest, getenv, stdout, stderr)
	case "import":
		return runImport(ctx, rest, getenv, stdin, stdout, stderr)
	case "export":
		return runExport(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "--help":
		if len(rest) > 0 {
			return Run(ctx, []string{rest[0], "-h"}, getenv, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// ErrHelp is returned after -h printed help; main exits 0 on it.
var ErrHelp = flag.ErrHelp

func newFlags(name string, stderr io.Writer, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = config.Usage(fs, stderr, synopsis, about)
	return fs
}

// dbFlags are shared by every command that opens the database.
type dbFlags struct {
	db, keyFile string
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.db, "db", "./naober-data/naober.db", "SQLite file path, or a postgres:// URL")
	fs.StringVar(&d.keyFile, "key-file", "", "file with the key that encrypts BSNs; created (mode 0600) when absent (default: naober.key beside a SQLite database, ./naober-data/naober.key for PostgreSQL)")
}

func (d *dbFlags) keyPath() string {
	if d.keyFile != "" {
		return d.keyFile
	}
	if isPostgres(d.db) {
		return "./naober-data/naober.key"
	}
	return filepath.Join(filepath.Dir(d.db), "naober.key")
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

type logFlags struct {
	format, level string
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.format, "log-format", "text", "log format: text or json")
	fs.StringVar(&l.level, "log-level", "info", "log level: debug, info, warn or error")
}

func (l *logFlags) logger(w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(l.level)); err != nil {
		return nil, fmt.Errorf("--log-level: %v", err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch l.format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: %q is not text or json", l.format)
}

// openStore opens the database with its keys and the CBS map; migrate
// applies pending migrations first (always on SQLite).
func openStore(ctx context.Context, d dbFlags, atlas *area.Atlas, migrate bool, log *slog.Logger) (*store.Store, error) {
	keys, created, err := secret.LoadOrCreate(d.keyPath())
	if err != nil {
		return nil, err
	}
	if created && log != nil {
		log.Warn("created a new key file; back it up: without it no BSN can be read", "path", d.keyPath())
	}
	st, err := store.Open(ctx, d.db, store.Options{Keys: keys, WijkGemeente: func(w string) (string, bool) {
		wk, ok := atlas.Wijk(w)
		return wk.Gemeente, ok
	}})
	if err != nil {
		return nil, err
	}
	if migrate || st.Dialect() == store.SQLite {
		if _, err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, err
		}
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr, "naober serve [flags]", "Runs the naober server. Zero config: SQLite in ./naober-data, listening on 127.0.0.1:8080.")
	var d dbFlags
	var l logFlags
	d.register(fs)
	l.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	migrate := fs.Bool("migrate", false, "on PostgreSQL: apply pending migrations at start (SQLite always migrates)")
	tlsCert := fs.String("tls-cert", "", "TLS certificate file (PEM); with --tls-key serves HTTPS and marks cookies Secure")
	tlsKey := fs.String("tls-key", "", "TLS private key file (PEM)")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure and send HSTS (set this behind a TLS-terminating proxy)")
	sessionTTL := fs.Duration("session-ttl", 12*time.Hour, "how long a login lasts")
	shutdown := fs.Duration("shutdown-timeout", 20*time.Second, "how long to let requests in flight finish on SIGTERM")
	var mf monitorFlags
	mf.register(fs)
	var ml mailFlags
	ml.register(fs)
	if err := config.Parse(fs, args, getenv); err != nil {
		return err
	}
	log, err := l.logger(stderr)
	if err != nil {
		return err
	}
	smtpc, err := ml.smtp(getenv)
	if err != nil {
		return err
	}
	atlas, err := area.Load()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, d, atlas, *migrate, log)
	if err != nil {
		return err
	}
	defer st.Close()
	srv := &web.Server{Store: st, Atlas: atlas, Log: log, SessionTTL: *sessionTTL, Secure: *secure || *tlsCert != "", PublicURL: ml.publicURL}
	stopMailer := startMailer(ctx, smtpc, st, log, ml.publicURL)
	defer stopMailer() // before the store closes
	if !isPostgres(d.db) {
		// Uploads between the steps of an import stay in the data directory
		// (on PostgreSQL there is none: a private temporary directory).
		srv.UploadDir = filepath.Join(filepath.Dir(d.db), "uploads")
	}
	stopMonitor, err := startMonitor(ctx, mf, srv, st, d.keyPath(), nil, log)
	if err != nil {
		return err
	}
	defer stopMonitor() // before the store closes
	return serve(ctx, srv, *addr, *tlsCert, *tlsKey, *shutdown, log, stdout)
}

// serve listens, prints the URL, and shuts down gracefully when ctx ends.
func serve(ctx context.Context, srv *web.Server, addr, certFile, keyFile string, grace time.Duration, log *slog.Logger, stdout io.Writer) error {
	h, err := srv.Handler()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	scheme := "http"
	if certFile != "" || keyFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			ln.Close()
			return fmt.Errorf("--tls-cert/--tls-key: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	// Housekeeping (expired uploads) runs until requests in flight are done.
	hctx, stopHousekeeping := context.WithCancel(context.Background())
	housekept := make(chan struct{})
	go func() {
		defer close(housekept)
		if err := srv.Housekeep(hctx); err != nil {
			log.Error("housekeeping", "err", err)
		}
	}()
	defer func() {
		stopHousekeeping()
		<-housekept
	}()
	url := scheme + "://" + ln.Addr().String()
	fmt.Fprintf(stdout, "naober draait op %s\n", url)
	log.Info("listening", "url", url)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down; finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr, "naober demo [flags]", "Starts a server on a fresh demo database of a real gemeente with synthetic households (BSNs in the test range 9999…). The demo database is wiped at every start.")
	var l logFlags
	l.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	gm := fs.String("gemeente", "GM0119", "CBS code of the demo gemeente (any of the 342; GM0119 is Meppel)")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same households")
	households := fs.Int("households", demo.DefaultHouseholds, fmt.Sprintf("number of households known to the social domain (at most %d)", demo.MaxHouseholds))
	dir := fs.String("dir", "./naober-demo", "directory for the demo database and key (wiped at start)")
	var mf monitorFlags
	mf.register(fs)
	if err := config.Parse(fs, args, getenv); err != nil {
		return err
	}
	log, err := l.logger(stderr)
	if err != nil {
		return err
	}
	atlas, err := area.Load()
	if err != nil {
		return err
	}
	g, ok := atlas.Gemeente(*gm)
	if !ok {
		return fmt.Errorf("--gemeente: %q is not a gemeente code of 2024 (like GM0119)", *gm)
	}
	if *households < 1 || *households > demo.MaxHouseholds {
		return fmt.Errorf("--households: choose between 1 and %d (the BSN test range 9999… holds about 9,000 persons)", demo.MaxHouseholds)
	}
	// Only wipe what the demo itself made: refuse a directory holding other things.
	if err := wipeDemoDir(*dir); err != nil {
		return err
	}
	d := dbFlags{db: filepath.Join(*dir, "naober.db"), keyFile: filepath.Join(*dir, "naober.key")}
	st, err := openStore(ctx, d, atlas, true, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	sum, err := demo.Generate(ctx, st, atlas, demo.Config{Gemeente: g.Code, Seed: *seed, Households: *households, Today: people.Today()})
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	log.Info("demo data ready", "gemeente", g.Code, "households", sum.Households, "persons", sum.Persons, "seconds", time.Since(start).Seconds())
	fmt.Fprintf(stdout, "Demo van %s (%s): %d huishoudens, %d personen in %d wijken.\n", g.Naam, g.Code, sum.Households, sum.Persons, sum.Wijken)
	fmt.Fprintln(stdout, "Inloggen (wachtwoorden gelden alleen voor deze demo):")
	for _, lg := range sum.Logins {
		fmt.Fprintf(stdout, "  %-11s %s  %s\n", lg.Role, lg.Email, lg.Password)
	}
	if len(sum.Residents) > 0 {
		fmt.Fprintf(stdout, "Bewoners (%d, allemaal met wachtwoord %s): %s … %s\n", len(sum.Residents), sum.ResidentPassword,
			sum.Residents[0].Email, sum.Residents[len(sum.Residents)-1].Email)
	}
	srv := &web.Server{Store: st, Atlas: atlas, Log: log, Banner: "Demo-omgeving met verzonnen gegevens"}
	// The demo sends no e-mail: it waits in the outbox for beheer.
	stopMailer := startMailer(ctx, nil, st, log, "")
	defer stopMailer() // before the store closes
	stopMonitor, err := startMonitor(ctx, mf, srv, st, d.keyPath(), []string{g.Code}, log)
	if err != nil {
		return err
	}
	defer stopMonitor() // before the store closes
	return serve(ctx, srv, *addr, "", "", 10*time.Second, log, stdout)
}

const demoMarker = ".naober-demo"

func wipeDemoDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, demoMarker), []byte("made by naober demo; wiped at every start\n"), 0o600)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
			return fmt.Errorf("--dir %s is not empty and was not made by naober demo; choose another directory", dir)
		}
	}
	for _, e := range entries {
		if e.Name() == demoMarker {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", stderr, "naober migrate [flags]", "Applies pending schema migrations. Needed before `serve` on PostgreSQL after an upgrade.")
	var d dbFlags
	d.register(fs)
	if err := config.Parse(fs, args, getenv); err != nil {
		return err
	}
	st, err := store.Open(ctx, d.db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	for _, a := range applied {
		fmt.Fprintf(stdout, "applied %s\n", a)
	}
	if err != nil {
		return err
	}
	cur, _, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema is at version %d\n", cur)
	return nil
}

func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr, "naober backup --out FILE [flags]", "Writes a consistent copy of a live SQLite database (the server may keep running). Back up the key file separately. For PostgreSQL use pg_dump.")
	var d dbFlags
	d.register(fs)
	out := fs.String("out", "", "file to write the copy to (must not exist)")
	if err := config.Parse(fs, args, getenv); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out: name the file to write")
	}
	if isPostgres(d.db) {
		return errors.New("--db: backup copies a SQLite database; for PostgreSQL use pg_dump")
	}
	if _, err := os.Stat(d.db); err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	st, err := store.Open(ctx, d.db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", *out)
	return nil
}

func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stderr, "Usage: naober user add --gemeente GM0119 --role regisseur --email … [--password-stdin] [--token] [--wijk WK011901,WK011902]")
			return ErrHelp
		}
		return errors.New("usage: naober user add --gemeente GM0119 --role regisseur --email … [--password-stdin] [--token]")
	}
	fs := newFlags("user add", stderr, "naober user add --gemeente GMxxxx --role ROLE --email ADDRESS [flags]",
		"Creates a user with a role in a gemeente, or gives an existing user another role. Roles: regisseur, teamleider, beleid, beheer, melder, wijkcoordinator.\nA wijkcoordinator answers for the wijken given with --wijk (these replace their wijken in that gemeente).\nWith --token it prints one line `token: <TOKEN>` for scripts (Authorization: Bearer <TOKEN>) and nothing else on stdout.")
	var d dbFlags
	d.register(fs)
	gm := fs.String("gemeente", "", "CBS code of the gemeente the role is for (GM0119)")
	roleName := fs.String("role", "", "regisseur, teamleider, beleid, beheer, melder or wijkcoordinator")
	wijkList := fs.String("wijk", "", "for --role wijkcoordinator: the wijk codes they answer for, comma-separated (WK011901,WK011902)")
	email := fs.String("email", "", "e-mail address (the login name)")
	name := fs.String("name", "", "display name")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin (at least 12 characters)")
	token := fs.Bool("token", false, "also create an API token and print it")
	if err := config.Parse(fs, args[1:], getenv); err != nil {
		return err
	}
	role, err := auth.ParseRole(*roleName)
	if err != nil {
		return fmt.Errorf("--role: %w", err)
	}
	atlas, err := area.Load()
	if err != nil {
		return err
	}
	g, ok := atlas.Gemeente(*gm)
	if !ok {
		return fmt.Errorf("--gemeente: %q is not a gemeente code (like GM0119)", *gm)
	}
	if *email == "" {
		return errors.New("--email: give the user's e-mail address")
	}
	var wijken []string
	for _, w := range strings.Split(*wijkList, ",") {
		if w = strings.ToUpper(strings.TrimSpace(w)); w == "" {
			continue
		}
		wk, ok := atlas.Wijk(w)
		if !ok {
			return fmt.Errorf("--wijk: %q is not a wijk code of 2024 (like WK011901)", w)
		}
		if wk.Gemeente != g.Code {
			return fmt.Errorf("--wijk: %s lies in %s, not in %s", w, wk.Gemeente, g.Code)
		}
		wijken = append(wijken, w)
	}
	if len(wijken) > 0 && role != auth.Wijkcoordinator {
		return errors.New("--wijk: only for --role wijkcoordinator")
	}
	if role == auth.Wijkcoordinator && len(wijken) == 0 {
		return errors.New("--wijk: a wijkcoordinator needs at least one wijk (WK011901,WK011902)")
	}
	hash := ""
	if *pwStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("--password-stdin: %w", err)
		}
		if hash, err = auth.HashPassword(strings.TrimRight(line, "\r\n")); err != nil {
			return fmt.Errorf("--password-stdin: %w", err)
		}
	} else if !*token {
		return errors.New("give --password-stdin (to log in) or --token (for scripts), or both")
	}
	st, err := openStore(ctx, d, atlas, false, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.EnsureTenant(ctx, g.Code, g.Naam); err != nil {
		return err
	}
	grant := auth.Grant{Gemeente: g.Code, Role: role}
	u, err := st.UserByEmail(ctx, *email)
	switch {
	case err == nil:
		if err := st.AddGrant(ctx, u.ID, grant); err != nil {
			return err
		}
		if hash != "" {
			if err := st.SetPassword(ctx, u.ID, hash); err != nil {
				return err
			}
		}
		fmt.Fprintf(stderr, "user %s now has role %s in %s\n", u.Email, role, g.Code)
	default:
		u = store.User{Email: *email, Name: *name, PasswordHash: hash, Grants: []auth.Grant{grant}}
		if err := st.CreateUser(ctx, &u); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "user %s created with role %s in %s\n", u.Email, role, g.Code)
	}
	if len(wijken) > 0 {
		if err := st.SetCoordinatorWijken(ctx, u.ID, g.Code, wijken); err != nil {
			return fmt.Errorf("--wijk: %w", err)
		}
		fmt.Fprintf(stderr, "user %s answers for %s\n", u.Email, strings.Join(wijken, ", "))
	}
	if *token {
		tok, err := st.CreateAPIToken(ctx, u.ID, "cli")
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token: %s\n", tok)
	}
	return nil
}

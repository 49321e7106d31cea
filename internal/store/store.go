// Package store owns every SQL statement of naober. One concrete type runs
// on an embedded SQLite database (the zero-config default) or on PostgreSQL,
// with the same behaviour; the store tests run on both.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/secret"
)

// Dialect names the database flavour.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrationFS embed.FS

// Store is naober's storage. On SQLite, writes go through one connection
// (SQLite allows one writer; queueing in Go beats "database is locked"),
// reads through a small pool.
type Store struct {
	dialect Dialect
	w       *sql.DB // writes and transactions
	r       *sql.DB // reads
	keys    *secret.Keys
	now     func() time.Time
	path    string // SQLite file path

	wijkGemeente func(wijk string) (string, bool)
}

// Options for Open.
type Options struct {
	Keys *secret.Keys
	Now  func() time.Time // for tests; default time.Now
	// WijkGemeente tells which gemeente a wijk code belongs to (the CBS map).
	WijkGemeente func(wijk string) (gemeente string, ok bool)
}

// Open connects to dsn: "postgres://…" or "postgresql://…" selects
// PostgreSQL; anything else is a SQLite file path (created if absent).
// Open does not migrate; see Migrate and CheckSchema.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	s := &Store{keys: opt.Keys, now: opt.Now, wijkGemeente: opt.WijkGemeente}
	if s.now == nil {
		s.now = time.Now
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.dialect, s.w, s.r = Postgres, db, db
	} else {
		path := strings.TrimPrefix(dsn, "sqlite://")
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("open sqlite: %w", err)
			}
		}
		// _txlock=immediate takes the write lock at BEGIN, so two writers never
		// deadlock halfway a transaction.
		params := "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		// The writer gets a page cache of 64 MB instead of 2 MB, and keeps
		// temporary data (savepoint journals, sorts) in memory: an import
		// touches many index pages in one transaction. It is one
		// long-lived connection, so this is bounded; readers keep the
		// defaults.
		w, err := sql.Open("sqlite", "file:"+path+params+"&_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetConnMaxLifetime(0)
		r, err := sql.Open("sqlite", "file:"+path+params+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		r.SetMaxOpenConns(4)
		s.dialect, s.w, s.r, s.path = SQLite, w, r, path
	}
	if err := s.w.PingContext(ctx); err != nil {
		s.Close()
		return nil, classify(fmt.Errorf("connect to database: %w", err))
	}
	return s, nil
}

// At returns a view of the store whose clock reads t, sharing its
// connections. The demo uses it to write a believable history; the server
// never does.
func (s *Store) At(t time.Time) *Store {
	c := *s
	c.now = func() time.Time { return t }
	return &c
}

// Dialect reports the database flavour.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close releases the connections.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != s.w {
		if e := s.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers; used by /readyz.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return classify(err)
	}
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return classify(err)
	}
	return nil
}

// --- migrations ---

type migration struct {
	version int
	name    string
	sql     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := "migrations/" + string(s.dialect)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		n, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", name)
		}
		b, err := fs.ReadFile(migrationFS, dir+"/"+name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{n, name, string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion returns the applied and the latest known schema version.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	ms, err := s.migrations()
	if err != nil {
		return 0, 0, err
	}
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	if err := s.ensureMigrationTable(ctx); err != nil {
		return 0, latest, err
	}
	err = s.w.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current)
	return current, latest, classify(err)
}

func (s *Store) ensureMigrationTable(ctx context.Context) error {
	_, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
	return classify(err)
}

// ErrSchemaOutOfDate tells the operator what to run.
var ErrSchemaOutOfDate = errors.New("database schema is out of date")

// CheckSchema refuses an out-of-date (or newer) schema with a message saying what to do.
func (s *Store) CheckSchema(ctx context.Context) error {
	cur, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case cur < latest:
		return fmt.Errorf("%w: it is at version %d, this naober needs %d; run `naober migrate --db <same database>` first", ErrSchemaOutOfDate, cur, latest)
	case cur > latest:
		return fmt.Errorf("database schema version %d is newer than this naober knows (%d): upgrade naober", cur, latest)
	}
	return nil
}

// Migrate applies every pending migration, each in its own transaction.
// It returns the names of the migrations it applied.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	if err := s.ensureMigrationTable(ctx); err != nil {
		return nil, err
	}
	ms, err := s.migrations()
	if err != nil {
		return nil, err
	}
	if s.dialect == Postgres {
		// Serialise concurrent migrators (several servers starting at once).
		conn, err := s.w.Conn(ctx)
		if err != nil {
			return nil, classify(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7340190119)"); err != nil {
			return nil, classify(err)
		}
		defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(7340190119)")
	}
	var applied []string
	for _, m := range ms {
		err := s.Tx(ctx, func(tx *Tx) error {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			applied = append(applied, m.name)
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, s.now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// --- transactions and query helpers ---

// Tx is a transaction with the store's dialect.
type Tx struct {
	tx      *sql.Tx
	s       *Store
	changes []pendingChange      // appended to the change log just before commit
	stmts   map[string]*sql.Stmt // prepared once per transaction, after cacheStatements
}

// cacheStatements makes the transaction prepare each distinct query once
// and reuse it, for bulk imports that run the same few statements for
// every row (SQLite otherwise parses each one again). The statements close
// with the transaction.
func (t *Tx) cacheStatements() { t.stmts = map[string]*sql.Stmt{} }

// maxCachedStatements bounds the cache; queries built per call (IN lists)
// beyond it run unprepared.
const maxCachedStatements = 256

func (t *Tx) prepared(ctx context.Context, q string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	if st, ok := t.stmts[q]; ok {
		return st
	}
	if len(t.stmts) >= maxCachedStatements {
		return nil
	}
	st, err := t.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil // the unprepared call reports the error
	}
	t.stmts[q] = st
	return st
}

// Tx runs fn in a transaction on the writer; it commits when fn returns nil
// and rolls back on an error or a panic.
func (s *Store) Tx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqltx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return classify(fmt.Errorf("begin: %w", err))
	}
	defer func() {
		if p := recover(); p != nil {
			sqltx.Rollback()
			panic(p)
		}
		if err != nil {
			sqltx.Rollback()
			err = classify(err)
			return
		}
		if cerr := sqltx.Commit(); cerr != nil {
			err = classify(fmt.Errorf("commit: %w", cerr))
		}
	}()
	t := &Tx{tx: sqltx, s: s}
	if err := fn(t); err != nil {
		return err
	}
	return s.flushChanges(ctx, t)
}

func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = t.s.rebind(q)
	if st := t.prepared(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = t.s.rebind(q)
	if st := t.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = t.s.rebind(q)
	if st := t.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := s.r.QueryContext(ctx, s.rebind(q), args...)
	return rows, classify(err)
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.r.QueryRowContext(ctx, s.rebind(q), args...)
}

// rebind turns ? placeholders into $n for PostgreSQL. Queries in this
// package never contain a literal question mark.
func (s *Store) rebind(q string) string {
	if s.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// in returns "?, ?, ?" for n values and the values as []any.
func in[T any](vals []T) (string, []any) {
	ph := make([]string, len(vals))
	args := make([]any, len(vals))
	for i, v := range vals {
		ph[i] = "?"
		args[i] = v
	}
	return strings.Join(ph, ", "), args
}

// ts converts a time for storage: RFC 3339 text in SQLite, timestamptz in PostgreSQL.
func (s *Store) ts(t time.Time) any {
	if s.dialect == SQLite {
		return t.UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	return t.UTC()
}

// timeCol scans a timestamp from either database.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = x.UTC()
	case string:
		t, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			return err
		}
		*c.t = t.UTC()
	case []byte:
		return c.Scan(string(x))
	default:
		return fmt.Errorf("cannot scan %T as time", v)
	}
	return nil
}

// classify gives database failures a kind the web layer can act on: a busy
// or unreachable database is "try again", a duplicate is a conflict.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return errs.ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return errs.Wrap(errs.Unavailable, err, "De database is even bezet. Probeer het zo opnieuw.")
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return errs.Wrap(errs.Unavailable, err, "De database is niet bereikbaar. Probeer het later opnieuw.")
		case sqlite3.SQLITE_CONSTRAINT:
			if se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
				return errs.Wrap(errs.Conflict, err, "Dit bestaat al.")
			}
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return errs.Wrap(errs.Conflict, err, "Dit bestaat al.")
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "57"), pe.Code == "53300":
			return errs.Wrap(errs.Unavailable, err, "De database is niet bereikbaar. Probeer het later opnieuw.")
		}
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) || pgconn.Timeout(err) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, sql.ErrConnDone) || errors.Is(err, driverBadConn) {
		return errs.Wrap(errs.Unavailable, err, "De database is niet bereikbaar. Probeer het later opnieuw.")
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return errs.Wrap(errs.Unavailable, err, "De database is niet bereikbaar. Probeer het later opnieuw.")
	}
	return err
}

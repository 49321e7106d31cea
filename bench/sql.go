package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"
)

// sqlEngine runs the queries as plain SQL on DuckDB, PostgreSQL or SQLite.
type sqlEngine struct {
	name, dsn string
	db        *sql.DB   // duckdb, sqlite
	pg        *pgx.Conn // postgres
	tmp       string
}

func (e *sqlEngine) Name() string { return e.name }

type table struct {
	name string
	cols [][2]string // name, type
}

var tables = []table{
	{"persons", [][2]string{{"id", "BIGINT"}, {"household", "BIGINT"}, {"gemeente", "VARCHAR"}, {"wijk", "VARCHAR"}, {"buurt", "VARCHAR"}, {"birth", "INTEGER"}}},
	{"households", [][2]string{{"id", "BIGINT"}, {"gemeente", "VARCHAR"}, {"wijk", "VARCHAR"}, {"buurt", "VARCHAR"}, {"size", "INTEGER"}, {"type", "VARCHAR"}, {"debts", "INTEGER"}}},
	{"facts", [][2]string{{"person", "BIGINT"}, {"indicator", "VARCHAR"}, {"from_month", "INTEGER"}, {"to_month", "INTEGER"}}},
	{"provisions", [][2]string{{"person", "BIGINT"}, {"wet", "VARCHAR"}, {"categorie", "VARCHAR"}, {"taakveld", "VARCHAR"}, {"from_month", "INTEGER"}, {"to_month", "INTEGER"}, {"cents_per_month", "BIGINT"}}},
	{"costs", [][2]string{{"person", "BIGINT"}, {"month", "INTEGER"}, {"wet", "VARCHAR"}, {"taakveld", "VARCHAR"}, {"categorie", "VARCHAR"}, {"cents", "BIGINT"}}},
}

// Indexes for PostgreSQL and SQLite (DuckDB relies on its zone maps).
var indexes = []string{
	"CREATE UNIQUE INDEX persons_id ON persons (id) INCLUDE (household, wijk, buurt)",
	"CREATE INDEX persons_wijk ON persons (wijk, id)",
	"CREATE UNIQUE INDEX households_id ON households (id) INCLUDE (wijk)",
	"CREATE INDEX facts_ind ON facts (indicator, from_month, to_month, person)",
	"CREATE INDEX provisions_wet ON provisions (wet, from_month, to_month, person)",
	"CREATE INDEX costs_month ON costs (month, person)",
}

func (e *sqlEngine) Load(dir string) (string, error) {
	start := time.Now()
	ctx := context.Background()
	var err error
	switch e.name {
	case "duckdb":
		if e.db, err = sql.Open("duckdb", ""); err != nil {
			return "", err
		}
		for _, t := range tables {
			var cols []string
			for _, c := range t.cols {
				cols = append(cols, fmt.Sprintf("'%s': '%s'", c[0], c[1]))
			}
			q := fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM read_csv('%s', header = true, delim = ',', columns = {%s})",
				t.name, filepath.Join(dir, t.name+".csv"), strings.Join(cols, ", "))
			if _, err := e.db.Exec(q); err != nil {
				return "", fmt.Errorf("%s: %w", t.name, err)
			}
		}
		var mem int64
		e.db.QueryRow("SELECT CAST(sum(memory_usage_bytes) AS BIGINT) FROM duckdb_memory()").Scan(&mem)
		return fmt.Sprintf("read_csv into in-memory tables in %s, %.2f GiB", round(time.Since(start)), float64(mem)/(1<<30)), nil
	case "postgres":
		if e.pg, err = pgx.Connect(ctx, e.dsn); err != nil {
			return "", err
		}
		for _, s := range []string{"DROP SCHEMA IF EXISTS naober_bench CASCADE", "CREATE SCHEMA naober_bench", "SET search_path = naober_bench",
			"SET maintenance_work_mem = '1GB'", "SET work_mem = '256MB'"} {
			if _, err := e.pg.Exec(ctx, s); err != nil {
				return "", err
			}
		}
		for _, t := range tables {
			var cols []string
			for _, c := range t.cols {
				typ := c[1]
				if typ == "VARCHAR" {
					typ = "text COLLATE \"C\""
				}
				cols = append(cols, c[0]+" "+typ)
			}
			if _, err := e.pg.Exec(ctx, fmt.Sprintf("CREATE UNLOGGED TABLE %s (%s)", t.name, strings.Join(cols, ", "))); err != nil {
				return "", err
			}
			f, err := os.Open(filepath.Join(dir, t.name+".csv"))
			if err != nil {
				return "", err
			}
			_, err = e.pg.PgConn().CopyFrom(ctx, bufio.NewReaderSize(f, 1<<20), fmt.Sprintf("COPY %s FROM STDIN (FORMAT csv, HEADER true)", t.name))
			f.Close()
			if err != nil {
				return "", fmt.Errorf("COPY %s: %w", t.name, err)
			}
		}
		copied := time.Since(start)
		for _, s := range indexes {
			if _, err := e.pg.Exec(ctx, s); err != nil {
				return "", fmt.Errorf("%s: %w", s, err)
			}
		}
		if _, err := e.pg.Exec(ctx, "VACUUM ANALYZE"); err != nil {
			return "", err
		}
		var size int64
		e.pg.QueryRow(ctx, "SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'naober_bench' AND c.relkind = 'r'").Scan(&size)
		return fmt.Sprintf("COPY %s, indexes + VACUUM ANALYZE %s, total %s; %.2f GiB on disk (unlogged tables)",
			round(copied), round(time.Since(start)-copied), round(time.Since(start)), float64(size)/(1<<30)), nil
	case "sqlite":
		if e.tmp, err = os.MkdirTemp("", "naober-bench-sqlite"); err != nil {
			return "", err
		}
		if e.db, err = sql.Open("sqlite", filepath.Join(e.tmp, "bench.db")+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-2000000)&_pragma=temp_store(MEMORY)"); err != nil {
			return "", err
		}
		e.db.SetMaxOpenConns(1)
		for _, t := range tables {
			if err := e.sqliteLoad(dir, t); err != nil {
				return "", err
			}
		}
		copied := time.Since(start)
		for _, s := range indexes {
			s = strings.Replace(s, " INCLUDE (household, wijk, buurt)", "", 1)
			s = strings.Replace(s, " INCLUDE (wijk)", "", 1)
			if _, err := e.db.Exec(s); err != nil {
				return "", fmt.Errorf("%s: %w", s, err)
			}
		}
		if _, err := e.db.Exec("ANALYZE"); err != nil {
			return "", err
		}
		st, _ := os.Stat(filepath.Join(e.tmp, "bench.db"))
		return fmt.Sprintf("inserts %s, indexes + ANALYZE %s, total %s; %.2f GiB file", round(copied), round(time.Since(start)-copied),
			round(time.Since(start)), float64(st.Size())/(1<<30)), nil
	}
	return "", fmt.Errorf("unknown engine %s", e.name)
}

func (e *sqlEngine) sqliteLoad(dir string, t table) error {
	var cols, qs []string
	for _, c := range t.cols {
		typ := c[1]
		if typ == "VARCHAR" {
			typ = "TEXT"
		}
		cols = append(cols, c[0]+" "+typ)
		qs = append(qs, "?")
	}
	if _, err := e.db.Exec(fmt.Sprintf("CREATE TABLE %s (%s)", t.name, strings.Join(cols, ", "))); err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, t.name+".csv"))
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return err
	}
	tx, err := e.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.Prepare(fmt.Sprintf("INSERT INTO %s VALUES (%s)", t.name, strings.Join(qs, ",")))
	if err != nil {
		return err
	}
	args := make([]any, len(t.cols))
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		for i, c := range t.cols {
			if c[1] == "VARCHAR" {
				args[i] = rec[i]
			} else {
				n, err := strconv.ParseInt(rec[i], 10, 64)
				if err != nil {
					return fmt.Errorf("%s: %w", t.name, err)
				}
				args[i] = n
			}
		}
		if _, err := st.Exec(args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (e *sqlEngine) Close() {
	if e.db != nil {
		e.db.Close()
	}
	if e.pg != nil {
		e.pg.Exec(context.Background(), "DROP SCHEMA IF EXISTS naober_bench CASCADE")
		e.pg.Close(context.Background())
	}
	if e.tmp != "" {
		os.RemoveAll(e.tmp)
	}
}

// SQL returns the query text and the number of leading string columns (the
// rest are integers); values get the names in fields.
func querySQL(q string, w *window) (text string, nStr int, fields []string) {
	ov := func(a string) string {
		return fmt.Sprintf("%s.from_month < %d AND %s.to_month > %d", a, w.P1, a, w.P0)
	}
	switch q {
	case "a":
		return `SELECT p.wijk, CAST(s.k AS VARCHAR), count(*) FROM (
  SELECT person, max(CASE WHEN wet = 'jw' THEN 4 ELSE 0 END) + max(CASE WHEN wet = 'pw' THEN 2 ELSE 0 END) + max(CASE WHEN wet = 'wmo' THEN 1 ELSE 0 END) AS k
  FROM provisions v WHERE wet IN ('jw', 'pw', 'wmo') AND ` + ov("v") + `
  GROUP BY person) s
JOIN persons p ON p.id = s.person
GROUP BY p.wijk, s.k`, 2, []string{""}
	case "b":
		return `WITH jw AS (SELECT DISTINCT p.household AS h FROM provisions v JOIN persons p ON p.id = v.person WHERE v.wet = 'jw' AND ` + ov("v") + `),
gg AS (SELECT DISTINCT p.household AS h FROM persons p
  WHERE p.id IN (SELECT person FROM facts f WHERE f.indicator = 'zrm:geestelijke_gezondheid' AND ` + ov("f") + `)
    AND p.id IN (SELECT person FROM facts a WHERE a.indicator = 'volwassene' AND ` + ov("a") + `)),
debt AS (SELECT p.household AS h FROM provisions v JOIN persons p ON p.id = v.person WHERE v.wet = 'wgs' AND ` + ov("v") + `
  UNION SELECT p.household FROM facts f JOIN persons p ON p.id = f.person WHERE f.indicator = 'zrm:financien' AND ` + ov("f") + `)
SELECT hh.wijk, count(*) FROM households hh JOIN jw ON jw.h = hh.id JOIN gg ON gg.h = hh.id JOIN debt ON debt.h = hh.id
GROUP BY hh.wijk`, 1, []string{""}
	case "c":
		return fmt.Sprintf(`SELECT p.wijk, c.taakveld, CAST(sum(c.cents) AS BIGINT), count(DISTINCT c.person)
FROM costs c JOIN persons p ON p.id = c.person
WHERE c.month >= %d AND c.month < %d
GROUP BY p.wijk, c.taakveld`, w.P0, w.P1), 2, []string{"cents", "persons"}
	case "d":
		var vals []string
		for _, m := range w.Months {
			vals = append(vals, fmt.Sprintf("(%d)", m))
		}
		return fmt.Sprintf(`WITH m(m) AS (VALUES %s)
SELECT CAST(m.m AS VARCHAR), count(DISTINCT v.person)
FROM m JOIN provisions v ON v.from_month <= m.m AND v.to_month > m.m
JOIN persons p ON p.id = v.person
WHERE v.wet = 'wmo' AND p.wijk = '%s'
GROUP BY m.m`, strings.Join(vals, ", "), w.TrendWijk), 1, []string{""}
	case "e":
		return `SELECT p.buurt, count(*) FROM persons p
WHERE p.id IN (SELECT person FROM provisions v WHERE v.wet = 'wmo' AND ` + ov("v") + `)
  AND p.id IN (SELECT person FROM facts f WHERE f.indicator = 'hh:75plus' AND ` + ov("f") + `)
  AND p.id NOT IN (SELECT person FROM provisions v WHERE v.wet = 'voorliggend' AND ` + ov("v") + `)
GROUP BY p.buurt`, 1, []string{""}
	}
	return "", 0, nil
}

func (e *sqlEngine) Run(q string, w *window) (answer, error) {
	text, nStr, fields := querySQL(q, w)
	if text == "" {
		return nil, fmt.Errorf("unknown query %q", q)
	}
	a := answer{}
	n := nStr + len(fields)
	strs := make([]string, nStr)
	ints := make([]int64, len(fields))
	dest := make([]any, n)
	for i := range strs {
		dest[i] = &strs[i]
	}
	for i := range ints {
		dest[nStr+i] = &ints[i]
	}
	put := func() {
		key := strings.Join(strs, "|")
		for i, f := range fields {
			if ints[i] == 0 {
				continue
			}
			k := key
			if f != "" {
				k += "|" + f
			}
			a[k] = ints[i]
		}
	}
	if e.pg != nil {
		rows, err := e.pg.Query(context.Background(), text)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return nil, err
			}
			put()
		}
		return a, rows.Err()
	}
	rows, err := e.db.Query(text)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		put()
	}
	return a, rows.Err()
}

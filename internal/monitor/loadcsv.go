package monitor

// Loading the national synthetic population (naober gen national, format in
// internal/gen/doc.go) into an Index. The four files are parsed in parallel,
// each by its own goroutine into batches, and merged by person id: every
// file is sorted by person id, so one pass over each suffices and no file
// is held in memory.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LoadInfo tells what LoadCSV read and how long it took.
type LoadInfo struct {
	Persons, Facts, Provisions, Costs int64
	Read                              time.Duration // parsing and Builder.Add
	Build                             time.Duration // Builder.Build
}

// LoadCSV builds an Index from the CSV files that `naober gen national`
// writes into dir (persons.csv, facts.csv, provisions.csv, costs.csv).
// A provision gives its person the indicators wet:<wet>, cat:<wet>:<categorie>
// and tv:<taakveld> in its months. Errors name the file and line.
func LoadCSV(dir string, secret uint64) (*Index, error) {
	ix, _, err := LoadCSVInfo(dir, secret)
	return ix, err
}

// LoadCSVInfo is LoadCSV that also reports counts and timings.
func LoadCSVInfo(dir string, secret uint64) (*Index, LoadInfo, error) {
	var info LoadInfo
	start := time.Now()
	b := NewBuilder(secret)
	if err := loadCSVInto(dir, b, &info); err != nil {
		return nil, info, err
	}
	info.Read = time.Since(start)
	start = time.Now()
	ix, err := b.Build()
	info.Build = time.Since(start)
	if err != nil {
		return nil, info, fmt.Errorf("load %s: %w", dir, err)
	}
	return ix, info, nil
}

// csvRow is one parsed row of any of the four files, kept small: the
// strings of a row are interned per distinct combination in csvMeta.
type csvRow struct {
	person uint64
	line   int64
	hh     uint64   // persons: household
	meta   *csvMeta // the row's codes
	from   Month    // facts, provisions: from; costs: month
	to     Month
	cents  int64
}

// csvMeta is the codes of a row. persons: area; facts: ind; provisions:
// ind = wet:<wet>, cat = cat:<wet>:<categorie>, tv = tv:<taakveld>; costs:
// wet, tv = taakveld, cat = categorie.
type csvMeta struct {
	area         Area
	ind, cat, tv string
	wet          string
}

type csvBatch struct {
	rows []csvRow
	err  error
}

const csvBatchRows = 16384

type csvKind int

const (
	kindPersons csvKind = iota
	kindFacts
	kindProvisions
	kindCosts
)

var csvHeaders = [...]string{
	"id,household,gemeente,wijk,buurt,birth",
	"person,indicator,from_month,to_month",
	"person,wet,categorie,taakveld,from_month,to_month,cents_per_month",
	"person,month,wet,taakveld,categorie,cents",
}

var csvNames = [...]string{"persons.csv", "facts.csv", "provisions.csv", "costs.csv"}

// csvStream reads one file in its own goroutine.
type csvStream struct {
	name  string
	ch    chan csvBatch
	free  chan []csvRow // consumed batches, for the parser to reuse
	cur   []csvRow
	i     int
	done  bool
	err   error
	count int64
}

func openStream(dir string, kind csvKind, stop <-chan struct{}) (*csvStream, error) {
	name := filepath.Join(dir, csvNames[kind])
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	s := &csvStream{name: csvNames[kind], ch: make(chan csvBatch, 4), free: make(chan []csvRow, 8)}
	go func() {
		defer f.Close()
		defer close(s.ch)
		p := csvParser{name: s.name, kind: kind, strs: map[string]string{}, metas: map[string]*csvMeta{}, free: s.free}
		p.run(bufio.NewReaderSize(f, 1<<20), s.ch, stop)
	}()
	return s, nil
}

// peek returns the next row, or nil at the end or on error (see s.err).
func (s *csvStream) peek() *csvRow {
	for s.i >= len(s.cur) {
		if s.done {
			return nil
		}
		bt, ok := <-s.ch
		if !ok {
			s.done = true
			return nil
		}
		if bt.err != nil {
			s.err, s.done = bt.err, true
			return nil
		}
		if s.cur != nil {
			select {
			case s.free <- s.cur[:0]:
			default:
			}
		}
		s.cur, s.i = bt.rows, 0
	}
	return &s.cur[s.i]
}

func (s *csvStream) next() { s.i++; s.count++ }

type csvParser struct {
	name  string
	kind  csvKind
	strs  map[string]string   // interned strings
	metas map[string]*csvMeta // interned codes by the row's code fields
	free  chan []csvRow
	line  int64
}

// meta interns the codes of a row, keyed by the raw bytes of its code
// fields (key), made by mk on first sight.
func (p *csvParser) meta(key []byte, mk func() (*csvMeta, error)) (*csvMeta, error) {
	if m, ok := p.metas[string(key)]; ok {
		return m, nil
	}
	m, err := mk()
	if err != nil {
		return nil, err
	}
	p.metas[string(key)] = m
	return m, nil
}

func (p *csvParser) intern(b []byte) string {
	if s, ok := p.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	p.strs[s] = s
	return s
}

func (p *csvParser) internPrefixed(prefix string, parts ...[]byte) string {
	var buf [64]byte
	k := append(buf[:0], prefix...)
	for i, x := range parts {
		if i > 0 {
			k = append(k, ':')
		}
		k = append(k, x...)
	}
	return p.intern(k)
}

func (p *csvParser) errf(format string, a ...any) error {
	return fmt.Errorf("load %s line %d: %s", p.name, p.line, fmt.Sprintf(format, a...))
}

func (p *csvParser) run(r *bufio.Reader, out chan<- csvBatch, stop <-chan struct{}) {
	send := func(b csvBatch) bool {
		select {
		case out <- b:
			return true
		case <-stop:
			return false
		}
	}
	rows := make([]csvRow, 0, csvBatchRows)
	var fields [8][]byte
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			p.line++
			send(csvBatch{err: p.errf("line too long")})
			return
		}
		if len(line) == 0 && err == io.EOF {
			break
		}
		if err != nil && err != io.EOF {
			send(csvBatch{err: fmt.Errorf("load %s: %w", p.name, err)})
			return
		}
		p.line++
		line = bytes.TrimRight(line, "\r\n")
		if p.line == 1 {
			if string(line) != csvHeaders[p.kind] {
				send(csvBatch{err: p.errf("header is %q, want %q", line, csvHeaders[p.kind])})
				return
			}
			continue
		}
		if len(line) == 0 {
			continue
		}
		n := 0
		for n < len(fields) {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				fields[n] = line
				n++
				break
			}
			fields[n] = line[:i]
			line = line[i+1:]
			n++
		}
		rows = rows[:len(rows)+1]
		if e := p.parse(fields[:n], &rows[len(rows)-1]); e != nil {
			send(csvBatch{err: e})
			return
		}
		if len(rows) == csvBatchRows {
			if !send(csvBatch{rows: rows}) {
				return
			}
			select {
			case rows = <-p.free:
			default:
				rows = make([]csvRow, 0, csvBatchRows)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if len(rows) > 0 {
		send(csvBatch{rows: rows})
	}
}

var wantFields = [...]int{6, 4, 7, 6}

// span is the bytes from the start of a to the end of b, two fields of one line.
func span(a, b []byte) []byte { return a[:cap(a)-cap(b)+len(b)] }

func (p *csvParser) parse(f [][]byte, r *csvRow) error {
	if len(f) != wantFields[p.kind] {
		return p.errf("%d fields, want %d", len(f), wantFields[p.kind])
	}
	r.line = p.line
	r.hh, r.cents, r.from, r.to = 0, 0, 0, 0
	var ok bool
	var err error
	if r.person, ok = parseUint(f[0]); !ok {
		name, _, _ := strings.Cut(csvHeaders[p.kind], ",")
		return p.errf("%s: %q is not an id", name, f[0])
	}
	switch p.kind {
	case kindPersons:
		if r.hh, ok = parseUint(f[1]); !ok {
			return p.errf("household: %q is not an id", f[1])
		}
		r.meta, err = p.meta(span(f[2], f[4]), func() (*csvMeta, error) {
			if len(f[2]) == 0 || len(f[3]) == 0 {
				return nil, p.errf("gemeente and wijk are required")
			}
			return &csvMeta{area: Area{Gemeente: p.intern(f[2]), Wijk: p.intern(f[3]), Buurt: p.intern(f[4])}}, nil
		})
	case kindFacts:
		r.meta, err = p.meta(f[1], func() (*csvMeta, error) {
			if len(f[1]) == 0 {
				return nil, p.errf("indicator is empty")
			}
			return &csvMeta{ind: p.intern(f[1])}, nil
		})
		if err != nil {
			return err
		}
		if r.from, ok = parseMonth(f[2]); !ok {
			return p.errf("from_month: %q is not a month YYYYMM", f[2])
		}
		if r.to, ok = parseMonth(f[3]); !ok {
			return p.errf("to_month: %q is not a month YYYYMM", f[3])
		}
	case kindProvisions:
		r.meta, err = p.meta(span(f[1], f[3]), func() (*csvMeta, error) {
			if len(f[1]) == 0 || len(f[2]) == 0 {
				return nil, p.errf("wet and categorie are required")
			}
			m := &csvMeta{ind: p.internPrefixed("wet:", f[1]), cat: p.internPrefixed("cat:", f[1], f[2])}
			if len(f[3]) > 0 {
				m.tv = p.internPrefixed("tv:", f[3])
			}
			return m, nil
		})
		if err != nil {
			return err
		}
		if r.from, ok = parseMonth(f[4]); !ok {
			return p.errf("from_month: %q is not a month YYYYMM", f[4])
		}
		if r.to, ok = parseMonth(f[5]); !ok {
			return p.errf("to_month: %q is not a month YYYYMM", f[5])
		}
	case kindCosts:
		if r.from, ok = parseMonth(f[1]); !ok {
			return p.errf("month: %q is not a month YYYYMM", f[1])
		}
		r.meta, _ = p.meta(span(f[2], f[4]), func() (*csvMeta, error) {
			return &csvMeta{wet: p.intern(f[2]), tv: p.intern(f[3]), cat: p.intern(f[4])}, nil
		})
		c, ok := parseUint(f[5])
		if !ok || c > 1<<53 {
			return p.errf("cents: %q is not a whole number of cents", f[5])
		}
		r.cents = int64(c)
	}
	return err
}

func parseUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// parseMonth reads YYYYMM.
func parseMonth(b []byte) (Month, bool) {
	if len(b) != 6 {
		return 0, false
	}
	n, ok := parseUint(b)
	if !ok || n%100 < 1 || n%100 > 12 {
		return 0, false
	}
	return Month(int(n/100)*12 + int(n%100) - 1), true
}

func loadCSVInto(dir string, b *Builder, info *LoadInfo) (err error) {
	stop := make(chan struct{})
	defer close(stop)
	var ss [4]*csvStream
	for k := range ss {
		if ss[k], err = openStream(dir, csvKind(k), stop); err != nil {
			return err
		}
	}
	persons, facts, provs, costs := ss[0], ss[1], ss[2], ss[3]
	var in PersonInput
	var prev uint64
	first := true
	for {
		p := persons.peek()
		if p == nil {
			break
		}
		if !first && p.person <= prev {
			return fmt.Errorf("load persons.csv line %d: id %d is not above the previous id %d (the file must be sorted by id)", p.line, p.person, prev)
		}
		first = false
		prev = p.person
		in.ID, in.Household, in.Area = p.person, p.hh, p.meta.area
		in.Facts, in.Costs, in.ZRM = in.Facts[:0], in.Costs[:0], nil
		id := p.person
		persons.next()
		for r := facts.peek(); r != nil && r.person <= id; r = facts.peek() {
			if r.person < id {
				return orphan(facts.name, r)
			}
			in.Facts = append(in.Facts, Fact{Indicator: r.meta.ind, From: r.from, To: r.to})
			facts.next()
		}
		for r := provs.peek(); r != nil && r.person <= id; r = provs.peek() {
			if r.person < id {
				return orphan(provs.name, r)
			}
			m := r.meta
			in.Facts = append(in.Facts, Fact{Indicator: m.ind, From: r.from, To: r.to}, Fact{Indicator: m.cat, From: r.from, To: r.to})
			if m.tv != "" {
				in.Facts = append(in.Facts, Fact{Indicator: m.tv, From: r.from, To: r.to})
			}
			provs.next()
		}
		for r := costs.peek(); r != nil && r.person <= id; r = costs.peek() {
			if r.person < id {
				return orphan(costs.name, r)
			}
			m := r.meta
			in.Costs = append(in.Costs, Cost{Month: r.from, Wet: m.wet, Taakveld: m.tv, Categorie: m.cat, Cents: r.cents})
			costs.next()
		}
		b.Add(in)
	}
	for _, s := range ss {
		if s.err != nil {
			return s.err
		}
	}
	for _, s := range ss[1:] {
		if r := s.peek(); r != nil {
			return orphan(s.name, r)
		}
		if s.err != nil {
			return s.err
		}
	}
	info.Persons, info.Facts, info.Provisions, info.Costs = persons.count, facts.count, provs.count, costs.count
	if info.Persons == 0 {
		return errors.New("load persons.csv: no persons")
	}
	return nil
}

func orphan(name string, r *csvRow) error {
	return fmt.Errorf("load %s line %d: person %d is not in persons.csv or the file is not sorted by person", name, r.line, r.person)
}

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

// csvRow is one parsed row of any of the four files.
type csvRow struct {
	person uint64
	line   int64
	hh     uint64 // persons: household
	area   Area   // persons
	ind    string // facts, provisions: indicator (provisions: the wet)
	cat    string // provisions: cat:<wet>:<categorie>; costs: categorie
	tv     string // provisions: tv:<taakveld>; costs: taakveld
	wet    string // costs
	from   Month  // facts, provisions: from; costs: month
	to     Month
	cents  int64
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
	s := &csvStream{name: csvNames[kind], ch: make(chan csvBatch, 4)}
	go func() {
		defer f.Close()
		defer close(s.ch)
		p := csvParser{name: s.name, kind: kind, strs: map[string]string{}}
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
		s.cur, s.i = bt.rows, 0
	}
	return &s.cur[s.i]
}

func (s *csvStream) next() { s.i++; s.count++ }

type csvParser struct {
	name string
	kind csvKind
	strs map[string]string // interned strings
	line int64
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
		row, e := p.parse(fields[:n])
		if e != nil {
			send(csvBatch{err: e})
			return
		}
		rows = append(rows, row)
		if len(rows) == csvBatchRows {
			if !send(csvBatch{rows: rows}) {
				return
			}
			rows = make([]csvRow, 0, csvBatchRows)
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

func (p *csvParser) parse(f [][]byte) (csvRow, error) {
	if len(f) != wantFields[p.kind] {
		return csvRow{}, p.errf("%d fields, want %d", len(f), wantFields[p.kind])
	}
	var r csvRow
	r.line = p.line
	var ok bool
	if r.person, ok = parseUint(f[0]); !ok {
		return r, p.errf("%s: %q is not an id", csvHeaders[p.kind][:bytes.IndexByte([]byte(csvHeaders[p.kind]), ',')], f[0])
	}
	switch p.kind {
	case kindPersons:
		if r.hh, ok = parseUint(f[1]); !ok {
			return r, p.errf("household: %q is not an id", f[1])
		}
		if len(f[2]) == 0 || len(f[3]) == 0 {
			return r, p.errf("gemeente and wijk are required")
		}
		r.area = Area{Gemeente: p.intern(f[2]), Wijk: p.intern(f[3]), Buurt: p.intern(f[4])}
	case kindFacts:
		if len(f[1]) == 0 {
			return r, p.errf("indicator is empty")
		}
		r.ind = p.intern(f[1])
		if r.from, ok = parseMonth(f[2]); !ok {
			return r, p.errf("from_month: %q is not a month YYYYMM", f[2])
		}
		if r.to, ok = parseMonth(f[3]); !ok {
			return r, p.errf("to_month: %q is not a month YYYYMM", f[3])
		}
	case kindProvisions:
		if len(f[1]) == 0 || len(f[2]) == 0 {
			return r, p.errf("wet and categorie are required")
		}
		r.ind = p.internPrefixed("wet:", f[1])
		r.cat = p.internPrefixed("cat:", f[1], f[2])
		if len(f[3]) > 0 {
			r.tv = p.internPrefixed("tv:", f[3])
		}
		if r.from, ok = parseMonth(f[4]); !ok {
			return r, p.errf("from_month: %q is not a month YYYYMM", f[4])
		}
		if r.to, ok = parseMonth(f[5]); !ok {
			return r, p.errf("to_month: %q is not a month YYYYMM", f[5])
		}
	case kindCosts:
		if r.from, ok = parseMonth(f[1]); !ok {
			return r, p.errf("month: %q is not a month YYYYMM", f[1])
		}
		r.wet, r.tv, r.cat = p.intern(f[2]), p.intern(f[3]), p.intern(f[4])
		c, ok := parseUint(f[5])
		if !ok || c > 1<<53 {
			return r, p.errf("cents: %q is not a whole number of cents", f[5])
		}
		r.cents = int64(c)
	}
	return r, nil
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
		in.ID, in.Household, in.Area = p.person, p.hh, p.area
		in.Facts, in.Costs, in.ZRM = in.Facts[:0], in.Costs[:0], nil
		id := p.person
		persons.next()
		for r := facts.peek(); r != nil && r.person <= id; r = facts.peek() {
			if r.person < id {
				return orphan(facts.name, r)
			}
			in.Facts = append(in.Facts, Fact{Indicator: r.ind, From: r.from, To: r.to})
			facts.next()
		}
		for r := provs.peek(); r != nil && r.person <= id; r = provs.peek() {
			if r.person < id {
				return orphan(provs.name, r)
			}
			in.Facts = append(in.Facts, Fact{Indicator: r.ind, From: r.from, To: r.to}, Fact{Indicator: r.cat, From: r.from, To: r.to})
			if r.tv != "" {
				in.Facts = append(in.Facts, Fact{Indicator: r.tv, From: r.from, To: r.to})
			}
			provs.next()
		}
		for r := costs.peek(); r != nil && r.person <= id; r = costs.peek() {
			if r.person < id {
				return orphan(costs.name, r)
			}
			in.Costs = append(in.Costs, Cost{Month: r.from, Wet: r.wet, Taakveld: r.tv, Categorie: r.cat, Cents: r.cents})
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

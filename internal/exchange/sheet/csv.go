package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// sniffBytes is how much of a CSV file decides its encoding and delimiter.
const sniffBytes = 64 << 10

var utf8BOM = []byte("\xef\xbb\xbf")

// csvReader reads CSV with encoding/csv (strict quotes). Rules:
//   - encoding: a UTF-8 byte-order mark means UTF-8; otherwise the first
//     64 KiB decide: valid UTF-8 is UTF-8, anything else Windows-1252. A
//     later line that is not valid UTF-8 in a UTF-8 file is an error.
//   - delimiter: the most frequent of ; tab , outside quotes in the header
//     line (ties in that order; none: semicolon, the Dutch Excel default).
//   - every row must have as many cells as the header; extra cells that are
//     empty are dropped (some tools end data lines with a delimiter), any
//     other difference is an error naming the line. Empty lines and rows of
//     only empty cells are skipped.
type csvReader struct {
	cr     *csv.Reader
	guard  *guardReader
	opt    Options
	header []string
	format string
	utf8   bool
	rows   int
	line   int // where the last record started
	done   error
}

func openCSV(r io.ReaderAt, size int64, opt Options) (Reader, error) {
	prefix := make([]byte, sniffBytes)
	n, err := r.ReadAt(prefix, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("lezen: %w", err)
	}
	prefix = prefix[:n]
	if bytes.HasPrefix(prefix, []byte("\xff\xfe")) || bytes.HasPrefix(prefix, []byte("\xfe\xff")) {
		return nil, errors.New("het bestand is in UTF-16 opgeslagen (Excel: \"Unicode-tekst\"); sla het op als \"CSV UTF-8\"")
	}
	var start int64
	var src io.Reader
	enc := "UTF-8"
	isUTF8 := true
	switch {
	case bytes.HasPrefix(prefix, utf8BOM):
		start = 3
		prefix = prefix[3:]
		enc = "UTF-8 met BOM"
		src = io.NewSectionReader(r, start, size-start)
	case validUTF8Prefix(prefix, int64(n) < size):
		src = io.NewSectionReader(r, 0, size)
	default:
		enc = "Windows-1252"
		isUTF8 = false
		src = &cp1252Reader{r: io.NewSectionReader(r, 0, size)}
		prefix = decode1252(prefix)
	}
	if len(bytes.TrimSpace(prefix)) == 0 {
		return nil, errors.New("het bestand is leeg")
	}
	comma := sniffDelimiter(prefix)
	c := &csvReader{opt: opt, utf8: isUTF8}
	c.guard = &guardReader{r: src, limit: maxRowBytes}
	c.cr = csv.NewReader(c.guard)
	c.cr.Comma = comma
	c.cr.FieldsPerRecord = -1 // checked here, with a Dutch message
	c.cr.LazyQuotes = false
	c.format = "CSV, " + delimiterName(comma) + ", " + enc

	rec, line, err := c.read()
	if err == io.EOF {
		return nil, errors.New("het bestand is leeg")
	}
	if err != nil {
		return nil, err
	}
	if len(rec) > MaxColumns {
		return nil, fmt.Errorf("regel %d: meer dan %d kolommen", line, MaxColumns)
	}
	c.header = make([]string, len(rec))
	for i, s := range rec {
		c.header[i] = strings.TrimSpace(s)
	}
	return c, nil
}

func (c *csvReader) Header() []string { return c.header }
func (c *csvReader) Format() string   { return c.format }

func (c *csvReader) Next() (Row, error) {
	if c.done != nil {
		return Row{}, c.done
	}
	row, err := c.next()
	if err != nil {
		c.done = err
	}
	return row, err
}

func (c *csvReader) next() (Row, error) {
	for {
		rec, line, err := c.read()
		if err != nil {
			return Row{}, err
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		// Drop empty cells beyond the header's width.
		for len(rec) > len(c.header) && rec[len(rec)-1] == "" {
			rec = rec[:len(rec)-1]
		}
		if allEmpty(rec) {
			continue
		}
		if len(rec) != len(c.header) {
			return Row{}, fmt.Errorf("regel %d: %d cellen, de kopregel heeft er %d (staat er een scheidingsteken of aanhalingsteken te veel of te weinig?)", line, len(rec), len(c.header))
		}
		c.rows++
		if c.rows > c.opt.MaxRows {
			return Row{}, fmt.Errorf("regel %d: meer dan %d regels; splits het bestand", line, c.opt.MaxRows)
		}
		return Row{Line: line, Cells: rec}, nil
	}
}

// read returns the next record and the line where it starts.
func (c *csvReader) read() ([]string, int, error) {
	rec, err := c.cr.Read()
	if err != nil {
		return nil, 0, c.csvError(err)
	}
	c.guard.mark(c.cr.InputOffset())
	line, _ := c.cr.FieldPos(0)
	c.line = line
	for i, f := range rec {
		if len(f) > c.opt.MaxCellBytes {
			l, _ := c.cr.FieldPos(i)
			return nil, 0, fmt.Errorf("regel %d, kolom %d: de cel is groter dan %d bytes", l, i+1, c.opt.MaxCellBytes)
		}
		if c.utf8 && !utf8.ValidString(f) {
			l, _ := c.cr.FieldPos(i)
			return nil, 0, fmt.Errorf("regel %d, kolom %d: ongeldige tekens; het begin van het bestand is UTF-8, deze regel niet. Sla het hele bestand op als \"CSV UTF-8\"", l, i+1)
		}
	}
	return rec, line, nil
}

func (c *csvReader) csvError(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	if errors.Is(err, errRowTooBig) {
		return fmt.Errorf("na regel %d: een regel is groter dan %d MiB (een aanhalingsteken dat niet gesloten wordt?)", c.line, maxRowBytes>>20)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line:
			return fmt.Errorf("regel %d: een veld tussen aanhalingstekens wordt niet gesloten (tot regel %d); is het bestand afgebroken?", pe.StartLine, pe.Line)
		case errors.Is(pe.Err, csv.ErrQuote):
			return fmt.Errorf("regel %d, kolom %d: een aanhalingsteken \" midden in een veld tussen aanhalingstekens; schrijf het dubbel (\"\")", pe.Line, pe.Column)
		case errors.Is(pe.Err, csv.ErrBareQuote):
			return fmt.Errorf("regel %d, kolom %d: een aanhalingsteken \" in een veld zonder aanhalingstekens; zet het veld tussen aanhalingstekens en schrijf het dubbel (\"\")", pe.Line, pe.Column)
		}
		return fmt.Errorf("regel %d: %v", pe.Line, pe.Err)
	}
	return fmt.Errorf("lezen: %w", err)
}

func allEmpty(rec []string) bool {
	for _, s := range rec {
		if s != "" {
			return false
		}
	}
	return true
}

// validUTF8Prefix reports whether p is UTF-8; when p is only the start of
// the file, a rune cut off at its end does not count against it.
func validUTF8Prefix(p []byte, cut bool) bool {
	if cut {
		for i := 0; i < utf8.UTFMax-1 && len(p) > 0; i++ {
			r, size := utf8.DecodeLastRune(p)
			if r != utf8.RuneError || size != 1 {
				break
			}
			if utf8.RuneStart(p[len(p)-1]) {
				p = p[:len(p)-1]
				break
			}
			p = p[:len(p)-1]
		}
	}
	return utf8.Valid(p)
}

// sniffDelimiter counts ; tab , outside quotes on the first line.
func sniffDelimiter(p []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, b := range p {
		if b == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if b == '\n' {
			break
		}
		if b == ';' || b == ',' || b == '\t' {
			counts[b]++
		}
	}
	best := byte(';')
	for _, b := range []byte{';', '\t', ','} {
		if counts[b] > counts[best] {
			best = b
		}
	}
	return rune(best)
}

func delimiterName(r rune) string {
	switch r {
	case ';':
		return "puntkomma"
	case ',':
		return "komma"
	}
	return "tab"
}

var errRowTooBig = errors.New("row too big")

// guardReader bounds how far the reader may run ahead of the last record
// (or XML token) boundary, so one endless field cannot fill memory: the
// csv and xml packages buffer a whole field or token.
type guardReader struct {
	r     io.Reader
	limit int64
	read  int64 // bytes handed out
	base  int64 // offset of the last boundary
}

func (g *guardReader) mark(off int64) { g.base = off }

func (g *guardReader) Read(p []byte) (int, error) {
	if g.read-g.base > g.limit {
		return 0, errRowTooBig
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

package sheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// xlsxFile is an opened workbook: its parts, sheets, shared strings and
// number formats. Sheet XML is streamed token by token; the small parts are
// read whole (each capped).
type xlsxFile struct {
	opt      Options
	files    map[string]*zip.File // by lower-case part name
	used     int64                // uncompressed bytes read so far
	date1904 bool
	sheets   []sheetRef
	shared   *sharedStrings
	xfs      []cellFormat // by cellXfs index
}

type sheetRef struct {
	name, part string
	worksheet  bool
	hidden     bool
}

type cellFormat struct {
	code string
	kind fmtKind
}

type fmtKind uint8

const (
	fmtNumber fmtKind = iota
	fmtDate
	fmtTime
)

var (
	errTooBig  = errors.New("too big")
	errDoctype = errors.New("doctype")
)

func openXLSXFile(r io.ReaderAt, size int64, opt Options) (*xlsxFile, error) {
	opt = opt.withDefaults()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("het Excel-bestand is beschadigd of afgebroken (%v)", zipReason(err))
	}
	if len(zr.File) > maxZipEntries {
		return nil, fmt.Errorf("het Excel-bestand heeft meer dan %d onderdelen; dat is geen gewoon werkblad", maxZipEntries)
	}
	f := &xlsxFile{opt: opt, files: make(map[string]*zip.File, len(zr.File))}
	for _, zf := range zr.File {
		f.files[strings.ToLower(zf.Name)] = zf
	}
	if f.files["[content_types].xml"] == nil {
		return nil, errors.New("het bestand is een zip-archief maar geen Excel-bestand (xlsx): [Content_Types].xml ontbreekt")
	}
	// Read it for the DOCTYPE check and the size caps, nothing more: the
	// relationships say where everything is.
	if err := f.walk("[Content_Types].xml", func(xml.StartElement, []string) error { return nil }); err != nil {
		return nil, err
	}
	rootRels, err := f.rels("_rels/.rels")
	if err != nil {
		return nil, err
	}
	wbPart := "xl/workbook.xml"
	for _, rel := range rootRels {
		if strings.HasSuffix(rel.typ, "/officeDocument") {
			wbPart = resolve("", rel.target)
		}
	}
	if f.part(wbPart) == nil {
		return nil, errors.New("het bestand is een zip-archief maar geen Excel-bestand (xlsx): het werkboek ontbreekt")
	}
	wbRels, err := f.rels(path.Join(path.Dir(wbPart), "_rels", path.Base(wbPart)+".rels"))
	if err != nil {
		return nil, err
	}
	byID := map[string]rel{}
	sharedPart, stylesPart := "", ""
	for _, r := range wbRels {
		r.target = resolve(path.Dir(wbPart), r.target)
		byID[r.id] = r
		switch {
		case strings.HasSuffix(r.typ, "/sharedStrings"):
			sharedPart = r.target
		case strings.HasSuffix(r.typ, "/styles"):
			stylesPart = r.target
		}
	}
	err = f.walk(wbPart, func(se xml.StartElement, stack []string) error {
		switch se.Name.Local {
		case "workbookPr":
			v := attr(se, "date1904")
			f.date1904 = v == "1" || v == "true"
		case "sheet":
			r, ok := byID[attr(se, "id")]
			if !ok {
				return nil
			}
			state := attr(se, "state")
			f.sheets = append(f.sheets, sheetRef{
				name:      attr(se, "name"),
				part:      r.target,
				worksheet: strings.HasSuffix(r.typ, "/worksheet"),
				hidden:    state == "hidden" || state == "veryHidden",
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(f.sheets) == 0 {
		return nil, errors.New("het Excel-bestand heeft geen werkbladen")
	}
	if stylesPart != "" && f.part(stylesPart) != nil {
		if err := f.readStyles(stylesPart); err != nil {
			return nil, err
		}
	}
	if sharedPart == "" && f.part("xl/sharedStrings.xml") != nil {
		sharedPart = "xl/sharedStrings.xml"
	}
	f.shared = &sharedStrings{}
	if sharedPart != "" && f.part(sharedPart) != nil {
		if err := f.readShared(sharedPart); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func zipReason(err error) string {
	switch {
	case errors.Is(err, zip.ErrFormat):
		return "geen geldig zip-archief"
	case errors.Is(err, zip.ErrChecksum):
		return "controlegetal klopt niet"
	case errors.Is(err, zip.ErrAlgorithm):
		return "onbekende compressie"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "het bestand houdt te vroeg op"
	}
	return err.Error()
}

func (f *xlsxFile) part(name string) *zip.File { return f.files[strings.ToLower(name)] }

// resolve makes a relationship target a part name.
func resolve(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Join(dir, target), "/")
}

// open returns a reader over one part that counts the bytes it really
// inflates: against the workbook's total, against limit for this part, and
// against a compression ratio, beyond which it is a zip bomb.
func (f *xlsxFile) open(name string, limit int64) (*partReader, error) {
	zf := f.part(name)
	if zf == nil {
		return nil, fmt.Errorf("het Excel-bestand is onvolledig: %s ontbreekt", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("het Excel-bestand is beschadigd (%s: %s)", name, zipReason(err))
	}
	return &partReader{f: f, name: zf.Name, rc: rc, compressed: int64(zf.CompressedSize64), limit: limit}, nil
}

type partReader struct {
	f          *xlsxFile
	name       string
	rc         io.ReadCloser
	read       int64
	compressed int64
	limit      int64
	err        error // sticky Dutch error
}

func (p *partReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.rc.Read(b)
	p.read += int64(n)
	p.f.used += int64(n)
	switch {
	case p.f.used > p.f.opt.MaxUncompressed:
		p.err = fmt.Errorf("het Excel-bestand is groter dan %s uitgepakt; splits het bestand of sla het op als CSV", mib(p.f.opt.MaxUncompressed))
	case p.read > p.limit:
		p.err = fmt.Errorf("het Excel-bestand is ongewoon: onderdeel %s is groter dan %s uitgepakt", p.name, mib(p.limit))
	case p.read > 1<<20 && p.read > maxRatio*max(p.compressed, 1):
		p.err = fmt.Errorf("het Excel-bestand is verdacht sterk ingepakt (onderdeel %s meer dan %d keer); het wordt niet gelezen", p.name, maxRatio)
	case err != nil && err != io.EOF:
		p.err = fmt.Errorf("het Excel-bestand is beschadigd of afgebroken (%s: %s)", p.name, zipReason(err))
	}
	if p.err != nil {
		return n, p.err
	}
	return n, err
}

func (p *partReader) Close() error { return p.rc.Close() }

func mib(n int64) string {
	if n >= 1<<30 && n%(1<<30) == 0 {
		return fmt.Sprintf("%d GiB", n>>30)
	}
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// xmlStream decodes one part token by token, with the bounds every part
// shares: no DOCTYPE, a depth limit, and a cap on one token's size.
type xmlStream struct {
	part  *partReader
	guard *guardReader
	d     *xml.Decoder
	depth int
}

func (f *xlsxFile) stream(name string, limit int64) (*xmlStream, error) {
	p, err := f.open(name, limit)
	if err != nil {
		return nil, err
	}
	g := &guardReader{r: p, limit: int64(f.opt.MaxCellBytes)*2 + 1<<20}
	d := xml.NewDecoder(g)
	d.Strict = true
	return &xmlStream{part: p, guard: g, d: d}, nil
}

// token returns the next token; io.EOF at the end. CharData is only valid
// until the next call.
func (s *xmlStream) token() (xml.Token, error) {
	tok, err := s.d.RawToken()
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		if s.part.err != nil {
			return nil, s.part.err
		}
		if errors.Is(err, errRowTooBig) {
			return nil, fmt.Errorf("het Excel-bestand is ongewoon: een element in %s is groter dan %s", s.part.name, mib(s.guard.limit))
		}
		return nil, fmt.Errorf("het Excel-bestand is beschadigd (%s: %v)", s.part.name, err)
	}
	s.guard.mark(s.d.InputOffset())
	switch tok.(type) {
	case xml.Directive:
		return nil, fmt.Errorf("het Excel-bestand bevat een DOCTYPE of andere XML-declaratie in %s; zo'n bestand wordt niet gelezen", s.part.name)
	case xml.StartElement:
		s.depth++
		if s.depth > maxXMLDepth {
			return nil, fmt.Errorf("het Excel-bestand is ongewoon: te diep geneste XML in %s", s.part.name)
		}
	case xml.EndElement:
		s.depth--
	}
	return tok, nil
}

func (s *xmlStream) close() { s.part.Close() }

// walk calls fn for every start element of a small part, with the names of
// the elements it is in.
func (f *xlsxFile) walk(name string, fn func(se xml.StartElement, stack []string) error) error {
	s, err := f.stream(name, maxPartBytes)
	if err != nil {
		return err
	}
	defer s.close()
	var stack []string
	for {
		tok, err := s.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := fn(t, stack); err != nil {
				return err
			}
			stack = append(stack, t.Name.Local)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

type rel struct{ id, typ, target string }

// rels reads a relationships part; a missing one is empty.
func (f *xlsxFile) rels(name string) ([]rel, error) {
	if f.part(name) == nil {
		return nil, nil
	}
	var out []rel
	err := f.walk(name, func(se xml.StartElement, _ []string) error {
		if se.Name.Local == "Relationship" && attr(se, "TargetMode") != "External" {
			out = append(out, rel{attr(se, "Id"), attr(se, "Type"), attr(se, "Target")})
		}
		return nil
	})
	return out, err
}

// builtinFormats are the number formats Excel does not write into
// styles.xml; only those a reader may meet in a gemeente's export.
var builtinFormats = map[int]string{
	0: "", 1: "0", // 0 is General 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
	12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
	18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
	37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
	45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}

func (f *xlsxFile) readStyles(name string) error {
	custom := map[int]string{}
	type xf struct{ id int }
	var xfs []xf
	err := f.walk(name, func(se xml.StartElement, stack []string) error {
		parent := ""
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		switch {
		case se.Name.Local == "numFmt" && parent == "numFmts":
			id, err := strconv.Atoi(attr(se, "numFmtId"))
			if err == nil {
				custom[id] = attr(se, "formatCode")
			}
		case se.Name.Local == "xf" && parent == "cellXfs":
			id, _ := strconv.Atoi(attr(se, "numFmtId"))
			xfs = append(xfs, xf{id})
			if len(xfs) > 1<<16 {
				return errors.New("het Excel-bestand is ongewoon: meer dan 65536 celopmaken")
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	f.xfs = make([]cellFormat, len(xfs))
	for i, x := range xfs {
		code, ok := custom[x.id]
		if !ok {
			code = builtinFormats[x.id]
		}
		k := classify(code)
		if !ok {
			switch {
			case x.id >= 14 && x.id <= 17, x.id == 22:
				k = fmtDate
			case x.id >= 18 && x.id <= 21, x.id >= 45 && x.id <= 47:
				k = fmtTime
			case x.id >= 27 && x.id <= 36, x.id >= 50 && x.id <= 58:
				k = fmtDate // East Asian locale dates, not in the table
			}
		}
		f.xfs[i] = cellFormat{code: code, kind: k}
	}
	return nil
}

// classify tells a date or time format from a number format by its code:
// after dropping quoted text, escapes, [colour/locale/elapsed] sections and
// padding, a d or y means a date, else an h or s a time, else an m (month
// names) a date.
func classify(code string) fmtKind {
	if code == "" || strings.EqualFold(code, "General") {
		return fmtNumber
	}
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				i = len(code)
			} else {
				i += j + 1
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
			} else {
				i += j
			}
		default:
			b.WriteByte(c | 0x20)
		}
	}
	s := b.String()
	switch {
	case strings.ContainsAny(s, "dy"):
		return fmtDate
	case strings.ContainsAny(s, "hs"):
		return fmtTime
	case strings.Contains(s, "m"):
		return fmtDate
	}
	return fmtNumber
}

// sharedStrings keeps the table as one byte slice with offsets: a few bytes
// per entry instead of a string header each.
type sharedStrings struct {
	data []byte
	offs []uint32 // start of entry i; entry i ends at offs[i+1] or len(data)
}

func (s *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= len(s.offs) {
		return "", false
	}
	end := len(s.data)
	if i+1 < len(s.offs) {
		end = int(s.offs[i+1])
	}
	return string(s.data[s.offs[i]:end]), true
}

func (f *xlsxFile) readShared(name string) error {
	s, err := f.stream(name, f.opt.MaxUncompressed)
	if err != nil {
		return err
	}
	defer s.close()
	sh := f.shared
	inSI, inT, inRPh := false, false, false
	start := 0
	for {
		tok, err := s.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				if len(sh.offs) >= maxSharedStrings {
					return fmt.Errorf("het Excel-bestand heeft meer dan %d verschillende teksten; sla het op als CSV", maxSharedStrings)
				}
				inSI, start = true, len(sh.data)
				sh.offs = append(sh.offs, uint32(start))
			case "t":
				inT = inSI
			case "rPh": // phonetic guide, not part of the text
				inRPh = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
			case "t":
				inT = false
			case "rPh":
				inRPh = false
			}
		case xml.CharData:
			if inT && !inRPh {
				if len(sh.data)-start+len(t) > f.opt.MaxCellBytes {
					return fmt.Errorf("het Excel-bestand heeft een tekst (gedeelde tekst %d) van meer dan %d bytes", len(sh.offs), f.opt.MaxCellBytes)
				}
				if len(sh.data)+len(t) > maxSharedBytes {
					return fmt.Errorf("de teksten in het Excel-bestand zijn samen groter dan %s; sla het op als CSV", mib(maxSharedBytes))
				}
				sh.data = append(sh.data, t...)
			}
		}
	}
}

// rawCell is a cell as the sheet XML has it.
type rawCell struct {
	col     int // 0-based
	typ     string
	style   int
	v       string // <v>
	inline  string // <is>
	formula string // <f>
}

// sheetStream pulls rows from one worksheet part.
type sheetStream struct {
	f       *xlsxFile
	s       *xmlStream
	lastRow int
	cells   []rawCell
	done    bool
}

func (f *xlsxFile) openSheet(ref sheetRef) (*sheetStream, error) {
	if !ref.worksheet {
		return nil, fmt.Errorf("blad %q is geen werkblad (een grafiek?)", ref.name)
	}
	s, err := f.stream(ref.part, f.opt.MaxUncompressed)
	if err != nil {
		return nil, err
	}
	return &sheetStream{f: f, s: s}, nil
}

// next returns the next <row>: its number and its cells in document
// order; io.EOF after the last.
func (st *sheetStream) next() (int, []rawCell, error) {
	if st.done {
		return 0, nil, io.EOF
	}
	st.cells = st.cells[:0]
	row := 0
	inRow := false
	var cur *rawCell
	var text *string
	inRPh := false
	rowBytes := 0
	lastCol := -1
	for {
		tok, err := st.s.token()
		if err == io.EOF {
			st.done = true
			st.s.close()
			if inRow {
				return 0, nil, fmt.Errorf("het Excel-bestand is afgebroken (in rij %d)", row)
			}
			return 0, nil, io.EOF
		}
		if err != nil {
			st.done = true
			st.s.close()
			if row > 0 {
				return 0, nil, fmt.Errorf("rij %d: %w", row, err)
			}
			return 0, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				inRow = true
				row = st.lastRow + 1
				if r := attr(t, "r"); r != "" {
					n, err := strconv.Atoi(r)
					if err != nil || n < 1 || n > 1<<20 {
						return 0, nil, fmt.Errorf("het Excel-bestand is beschadigd: rijnummer %q", r)
					}
					row = n
				}
				if row <= st.lastRow {
					return 0, nil, fmt.Errorf("het Excel-bestand is beschadigd: rij %d staat na rij %d", row, st.lastRow)
				}
				lastCol = -1
			case "c":
				if !inRow {
					continue
				}
				c := rawCell{col: lastCol + 1, typ: attr(t, "t")}
				if ref := attr(t, "r"); ref != "" {
					col, ok := columnOf(ref)
					if !ok {
						return 0, nil, fmt.Errorf("rij %d: celverwijzing %q klopt niet", row, ref)
					}
					c.col = col
				}
				if c.col <= lastCol {
					return 0, nil, fmt.Errorf("het Excel-bestand is beschadigd: in rij %d staat kolom %s niet op volgorde", row, ColumnName(c.col))
				}
				if c.col >= MaxColumns {
					return 0, nil, fmt.Errorf("rij %d: een cel voorbij kolom XFD (meer dan %d kolommen)", row, MaxColumns)
				}
				if s := attr(t, "s"); s != "" {
					c.style, _ = strconv.Atoi(s)
				}
				lastCol = c.col
				st.cells = append(st.cells, c)
				cur = &st.cells[len(st.cells)-1]
			case "v":
				if cur != nil {
					text = &cur.v
				}
			case "f":
				if cur != nil {
					text = &cur.formula
				}
			case "t":
				if cur != nil {
					text = &cur.inline
				}
			case "rPh":
				inRPh = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v", "f", "t":
				text = nil
			case "rPh":
				inRPh = false
			case "c":
				cur, text = nil, nil
			case "row":
				st.lastRow = row
				return row, st.cells, nil
			}
		case xml.CharData:
			if text != nil && !inRPh {
				if len(*text)+len(t) > st.f.opt.MaxCellBytes {
					return 0, nil, fmt.Errorf("rij %d: een cel is groter dan %d bytes", row, st.f.opt.MaxCellBytes)
				}
				rowBytes += len(t)
				if rowBytes > maxRowBytes {
					return 0, nil, fmt.Errorf("rij %d is groter dan %s", row, mib(maxRowBytes))
				}
				*text += string(t)
			}
		}
	}
}

// columnOf reads the column of a cell reference like "AB12" (0-based).
func columnOf(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > MaxColumns {
			return MaxColumns, true // caught by the caller's column cap
		}
	}
	if i == 0 || !allDigits(ref[i:]) {
		return 0, false
	}
	return col - 1, true
}

// ColumnName is the letter name of a 0-based column: 0 is "A", 27 "AB".
func ColumnName(col int) string {
	var b []byte
	for col++; col > 0; col = (col - 1) / 26 {
		b = append(b, byte('A'+(col-1)%26))
	}
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// value is the text a cell shows in the reader: shared and inline strings
// as they are, date-formatted numbers as ISO dates, other numbers as their
// text (decimal point, at most 15 significant digits, as Excel shows them),
// booleans as Dutch Excel writes them (WAAR, ONWAAR), formulas as their
// last computed value.
func (f *xlsxFile) value(c *rawCell, row int) (string, error) {
	switch c.typ {
	case "s":
		if strings.TrimSpace(c.v) == "" {
			return "", nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(c.v))
		if err != nil {
			return "", fmt.Errorf("rij %d, kolom %s: verwijzing %q naar een gedeelde tekst klopt niet", row, ColumnName(c.col), c.v)
		}
		s, ok := f.shared.get(i)
		if !ok {
			return "", fmt.Errorf("rij %d, kolom %s: gedeelde tekst %d bestaat niet", row, ColumnName(c.col), i)
		}
		return s, nil
	case "inlineStr":
		return c.inline, nil
	case "str", "e":
		return c.v, nil
	case "b":
		switch strings.TrimSpace(c.v) {
		case "1", "true":
			return "WAAR", nil
		case "":
			return "", nil
		}
		return "ONWAAR", nil
	case "d":
		return isoDateTime(c.v), nil
	}
	v := strings.TrimSpace(c.v)
	if v == "" {
		return "", nil
	}
	if c.style > 0 && c.style < len(f.xfs) {
		if k := f.xfs[c.style].kind; k != fmtNumber {
			if s, ok := serialDate(v, f.date1904, k); ok {
				return s, nil
			}
		}
	}
	return normNumber(v), nil
}

// isoDateTime trims an ISO 8601 date-time (t="d" cells) to the date when
// its time is midnight.
func isoDateTime(v string) string {
	v = strings.TrimSpace(v)
	if t, err := time.Parse("2006-01-02T15:04:05", strings.TrimSuffix(v, "Z")); err == nil {
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return t.Format("2006-01-02")
		}
		return t.Format("2006-01-02 15:04:05")
	}
	return v
}

var (
	epoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	epoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

// serialDate turns a serial day number into ISO text. In the 1900 system
// Excel counts 1900-02-29, which did not exist (Lotus's leap-year bug), so
// serials below 61 are one day off and 60 itself is no date.
func serialDate(v string, date1904 bool, k fmtKind) (string, bool) {
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || x < 0 || x >= 2958466 || math.IsNaN(x) {
		return "", false
	}
	days := math.Floor(x)
	secs := math.Round((x - days) * 86400)
	if secs >= 86400 {
		days, secs = days+1, secs-86400
	}
	if k == fmtTime && days == 0 {
		return time.Time{}.Add(time.Duration(secs) * time.Second).Format("15:04:05"), true
	}
	base := epoch1900
	switch {
	case date1904:
		base = epoch1904
	case days == 60 || days == 0:
		return "", false
	case days < 60:
		days++
	}
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	if secs == 0 {
		return t.Format("2006-01-02"), true
	}
	return t.Format("2006-01-02 15:04:05"), true
}

// normNumber writes what Excel would show of a stored double: plain
// decimals, at most 15 significant digits ("1234.5599999999999" is 1234.56).
// A number like 12.345 gets a trailing zero (12.3450): ParseCents reads
// "12.345" the Dutch way, as 12345 euros, and must not do so with a
// spreadsheet number that has three decimals.
func normNumber(v string) string {
	if len(v) > 15 || strings.ContainsAny(v, "eE") {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(x, 0) {
			return v
		}
		x, _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', 15, 64), 64)
		v = strconv.FormatFloat(x, 'f', -1, 64)
	}
	if _, _, grouped, _ := splitDecimal(strings.TrimPrefix(v, "-")); grouped {
		v += "0"
	}
	return v
}

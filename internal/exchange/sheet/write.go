package sheet

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Writer writes an XLSX workbook as a stream: each sheet's rows go straight
// into the zip; the workbook, styles and content types follow at Close,
// when all sheets and styles are known. Text is always an inline string, so
// no text can ever become a formula.
//
//	w := sheet.NewWriter(out)
//	bold := w.AddStyle(sheet.Style{Bold: true})
//	w.NewSheet("Wijken", sheet.Col{First: 1, Last: 1, Width: 32})
//	w.WriteRow(1, sheet.Text("Wijk", bold), sheet.Int(12, 0))
//	err := w.Close()
type Writer struct {
	zw      *zip.Writer
	bw      *bufio.Writer
	styles  []Style // index is the style id; 0 is the default
	byStyle map[Style]int
	sheets  []string
	used    map[string]bool
	lastRow int
	err     error
	buf     []byte
}

// Style is a cell style. The zero Style is the default (11 pt, general).
type Style struct {
	Bold   bool
	Size   float64 // font size in points; 0 is 11
	Right  bool    // right-aligned
	NumFmt string  // number format code in the file's neutral notation ("#,##0.00"); "" is General
}

// Col sets the width of columns First..Last (1-based), in characters.
type Col struct {
	First, Last int
	Width       float64
}

// Value is one cell to write. The zero Value is an empty cell (not written).
type Value struct {
	kind  uint8 // 0 empty, 1 text, 2 number
	text  string
	style int
}

// Text is a text cell (an inline string; never a formula).
func Text(s string, style int) Value { return Value{kind: 1, text: s, style: style} }

// Int is a whole-number cell.
func Int(n int64, style int) Value {
	return Value{kind: 2, text: strconv.FormatInt(n, 10), style: style}
}

// Number is a numeric cell. NaN and infinities cannot be stored; Close
// reports them.
func Number(f float64, style int) Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Value{kind: 3}
	}
	format := byte('f') // plain digits, as spreadsheet programs write them
	if a := math.Abs(f); a != 0 && (a < 1e-7 || a >= 1e21) {
		format = 'g'
	}
	return Value{kind: 2, text: strconv.FormatFloat(f, format, -1, 64), style: style}
}

// NewWriter starts a workbook on w. Close finishes it; w itself is not
// closed.
func NewWriter(w io.Writer) *Writer {
	return &Writer{
		zw:      zip.NewWriter(w),
		styles:  []Style{{}},
		byStyle: map[Style]int{{}: 0},
		used:    map[string]bool{},
	}
}

// AddStyle returns the id of a style to pass to Text, Int and Number; the
// same style gives the same id.
func (w *Writer) AddStyle(s Style) int {
	if s.Size == 11 {
		s.Size = 0
	}
	if id, ok := w.byStyle[s]; ok {
		return id
	}
	w.styles = append(w.styles, s)
	w.byStyle[s] = len(w.styles) - 1
	return len(w.styles) - 1
}

// fixedTime keeps the output byte-for-byte the same for the same input.
var fixedTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func (w *Writer) create(name string) (io.Writer, error) {
	return w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: fixedTime})
}

// ValidSheetName says why name cannot be a sheet name, or nil: 1 to 31
// characters, none of : \ / ? * [ ], not starting or ending with '.
func ValidSheetName(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return errors.New("een bladnaam mag niet leeg zijn")
	case n > 31:
		return fmt.Errorf("bladnaam %q is langer dan 31 tekens", name)
	case strings.ContainsAny(name, `:\/?*[]`):
		return fmt.Errorf("bladnaam %q bevat een van de tekens : \\ / ? * [ ]", name)
	case strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'"):
		return fmt.Errorf("bladnaam %q begint of eindigt met een apostrof", name)
	case !utf8.ValidString(name):
		return fmt.Errorf("bladnaam %q is geen geldige tekst", name)
	}
	return nil
}

// NewSheet ends the current sheet and starts the next one.
func (w *Writer) NewSheet(name string, cols ...Col) error {
	if w.err != nil {
		return w.err
	}
	if err := ValidSheetName(name); err != nil {
		return err
	}
	if w.used[strings.ToLower(name)] {
		return fmt.Errorf("bladnaam %q komt twee keer voor", name)
	}
	w.used[strings.ToLower(name)] = true
	if err := w.endSheet(); err != nil {
		return err
	}
	w.sheets = append(w.sheets, name)
	zf, err := w.create(fmt.Sprintf("xl/worksheets/sheet%d.xml", len(w.sheets)))
	if err != nil {
		return w.fail(err)
	}
	if w.bw == nil {
		w.bw = bufio.NewWriterSize(zf, 32<<10)
	} else {
		w.bw.Reset(zf)
	}
	w.lastRow = 0
	w.bw.WriteString(xml.Header)
	w.bw.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`)
	if len(cols) > 0 {
		w.bw.WriteString("<cols>")
		for _, c := range cols {
			if c.First < 1 || c.Last < c.First || c.Last > MaxColumns || c.Width <= 0 || c.Width > 255 {
				return w.fail(fmt.Errorf("sheet: column widths %+v out of range", c))
			}
			fmt.Fprintf(w.bw, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, c.First, c.Last, strconv.FormatFloat(c.Width, 'f', -1, 64))
		}
		w.bw.WriteString("</cols>")
	}
	w.bw.WriteString("<sheetData>")
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// WriteRow writes row (1-based, increasing) with cells from column A on.
func (w *Writer) WriteRow(row int, cells ...Value) error {
	if w.err != nil {
		return w.err
	}
	if len(w.sheets) == 0 {
		return w.fail(errors.New("sheet: WriteRow before NewSheet"))
	}
	if row <= w.lastRow || row > 1<<20 {
		return w.fail(fmt.Errorf("sheet: row %d after row %d", row, w.lastRow))
	}
	if len(cells) > MaxColumns {
		return w.fail(fmt.Errorf("sheet: %d cells in row %d", len(cells), row))
	}
	w.lastRow = row
	rs := strconv.Itoa(row)
	b := w.buf[:0]
	b = append(b, `<row r="`...)
	b = append(b, rs...)
	b = append(b, `">`...)
	for i, v := range cells {
		if v.kind == 0 {
			continue
		}
		if v.kind == 3 {
			return w.fail(fmt.Errorf("sheet: no number in cell %s%d (NaN or infinity)", ColumnName(i), row))
		}
		if v.style < 0 || v.style >= len(w.styles) {
			return w.fail(fmt.Errorf("sheet: unknown style %d", v.style))
		}
		b = append(b, `<c r="`...)
		b = append(b, ColumnName(i)...)
		b = append(b, rs...)
		b = append(b, '"')
		if v.style != 0 {
			b = append(b, ` s="`...)
			b = strconv.AppendInt(b, int64(v.style), 10)
			b = append(b, '"')
		}
		if v.kind == 2 {
			b = append(b, `><v>`...)
			b = append(b, v.text...)
			b = append(b, `</v></c>`...)
			continue
		}
		b = append(b, ` t="inlineStr"><is><t`...)
		if strings.TrimSpace(v.text) != v.text {
			b = append(b, ` xml:space="preserve"`...)
		}
		b = append(b, '>')
		b = appendEscaped(b, v.text)
		b = append(b, `</t></is></c>`...)
	}
	b = append(b, `</row>`...)
	w.buf = b
	if _, err := w.bw.Write(b); err != nil {
		return w.fail(err)
	}
	return nil
}

// appendEscaped escapes text for XML; characters XML cannot hold (most
// control characters, invalid UTF-8) become U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	for _, r := range s { // invalid UTF-8 comes out of range as U+FFFD
		switch {
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '\r':
			b = append(b, "&#xD;"...)
		case r < 0x20 && r != '\t' && r != '\n', r == 0xFFFE, r == 0xFFFF:
			b = utf8.AppendRune(b, '\uFFFD')
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

func (w *Writer) endSheet() error {
	if w.bw == nil || len(w.sheets) == 0 {
		return nil
	}
	w.bw.WriteString("</sheetData></worksheet>")
	if err := w.bw.Flush(); err != nil {
		return w.fail(err)
	}
	return nil
}

// Close writes the workbook's remaining parts and the zip directory.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if len(w.sheets) == 0 {
		return w.fail(errors.New("sheet: a workbook needs at least one sheet"))
	}
	if err := w.endSheet(); err != nil {
		return err
	}
	parts := []struct {
		name string
		body func(*strings.Builder)
	}{
		{"[Content_Types].xml", w.contentTypes},
		{"_rels/.rels", func(b *strings.Builder) {
			b.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
		}},
		{"xl/workbook.xml", w.workbook},
		{"xl/_rels/workbook.xml.rels", w.workbookRels},
		{"xl/styles.xml", w.stylesXML},
	}
	for _, p := range parts {
		var b strings.Builder
		b.WriteString(xml.Header)
		p.body(&b)
		zf, err := w.create(p.name)
		if err != nil {
			return w.fail(err)
		}
		if _, err := io.WriteString(zf, b.String()); err != nil {
			return w.fail(err)
		}
	}
	if err := w.zw.Close(); err != nil {
		return w.fail(err)
	}
	w.err = errors.New("sheet: writer closed")
	return nil
}

func (w *Writer) contentTypes(b *strings.Builder) {
	b.WriteString(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`)
	b.WriteString(`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`)
	b.WriteString(`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
	for i := range w.sheets {
		fmt.Fprintf(b, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
	}
	b.WriteString(`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`)
}

func (w *Writer) workbook(b *strings.Builder) {
	b.WriteString(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView/></bookViews><sheets>`)
	for i, name := range w.sheets {
		fmt.Fprintf(b, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, attrEscape(name), i+1, i+1)
	}
	b.WriteString(`</sheets></workbook>`)
}

func (w *Writer) workbookRels(b *strings.Builder) {
	b.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := range w.sheets {
		fmt.Fprintf(b, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	fmt.Fprintf(b, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`, len(w.sheets)+1)
}

func attrEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&quot;")
}

// stylesXML writes one font per (bold, size), one number format per code
// (custom ids from 164, where Excel's own end) and one cellXfs entry per
// style, in id order.
func (w *Writer) stylesXML(b *strings.Builder) {
	type font struct {
		bold bool
		size float64
	}
	fonts := []font{{false, 11}}
	fontID := map[font]int{{false, 11}: 0}
	var codes []string
	codeID := map[string]int{}
	for _, s := range w.styles {
		f := font{s.Bold, s.Size}
		if f.size == 0 {
			f.size = 11
		}
		if _, ok := fontID[f]; !ok {
			fontID[f] = len(fonts)
			fonts = append(fonts, f)
		}
		if s.NumFmt != "" {
			if _, ok := codeID[s.NumFmt]; !ok {
				codeID[s.NumFmt] = 164 + len(codes)
				codes = append(codes, s.NumFmt)
			}
		}
	}
	b.WriteString(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if len(codes) > 0 {
		fmt.Fprintf(b, `<numFmts count="%d">`, len(codes))
		for _, c := range codes {
			fmt.Fprintf(b, `<numFmt numFmtId="%d" formatCode="%s"/>`, codeID[c], attrEscape(c))
		}
		b.WriteString(`</numFmts>`)
	}
	fmt.Fprintf(b, `<fonts count="%d">`, len(fonts))
	for _, f := range fonts {
		b.WriteString("<font>")
		if f.bold {
			b.WriteString("<b/>")
		}
		fmt.Fprintf(b, `<sz val="%s"/><name val="Calibri"/><family val="2"/></font>`, strconv.FormatFloat(f.size, 'f', -1, 64))
	}
	b.WriteString(`</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>`)
	b.WriteString(`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>`)
	b.WriteString(`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>`)
	fmt.Fprintf(b, `<cellXfs count="%d">`, len(w.styles))
	for _, s := range w.styles {
		size := s.Size
		if size == 0 {
			size = 11
		}
		numID := 0
		if s.NumFmt != "" {
			numID = codeID[s.NumFmt]
		}
		fmt.Fprintf(b, `<xf numFmtId="%d" fontId="%d" fillId="0" borderId="0" xfId="0"`, numID, fontID[font{s.Bold, size}])
		if numID != 0 {
			b.WriteString(` applyNumberFormat="1"`)
		}
		if s.Bold || size != 11 {
			b.WriteString(` applyFont="1"`)
		}
		if s.Right {
			b.WriteString(` applyAlignment="1"><alignment horizontal="right"/></xf>`)
		} else {
			b.WriteString(`/>`)
		}
	}
	b.WriteString(`</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`)
}

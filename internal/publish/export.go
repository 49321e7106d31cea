package publish

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"naober.nl/naober/internal/exchange/sheet"
)

// WriteCSV writes tables for Dutch Excel: UTF-8 with a byte-order mark,
// semicolons between fields, a decimal comma and no thousands separator
// (so every number reads back as a number); unpublished cells are ".".
// Shares are percentages. Several tables are separated by an empty line.
func WriteCSV(w io.Writer, tables ...*Table) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	for i, t := range tables {
		if i > 0 {
			cw.Write(nil)
		}
		cw.Write([]string{safeText(t.Title)})
		head := []string{safeText(t.Head)}
		for _, c := range t.Columns {
			name := c.Name
			if c.Kind == Share && !strings.Contains(name, "%") {
				name += " (%)"
			}
			head = append(head, safeText(name))
		}
		cw.Write(head)
		rows := t.Rows
		if t.Total != nil {
			rows = append(rows[:len(rows):len(rows)], *t.Total)
		}
		for _, r := range rows {
			rec := []string{safeText(r.Label)}
			for _, c := range r.Cells {
				rec = append(rec, csvValue(c))
			}
			cw.Write(rec)
		}
		cw.Write([]string{safeText(t.Note)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func csvValue(c Cell) string {
	if c.kind == Text {
		return safeText(c.text)
	}
	if !c.ok {
		return Suppressed
	}
	switch c.kind {
	case Money:
		return plainDecimal(c.v, 2)
	case Mean:
		return plainDecimal(roundDiv(c.v, 10), 1)
	case Share:
		return plainDecimal(roundDiv(c.v, 100), 1) // percent with one decimal
	case Rate:
		return plainDecimal(c.v, 1)
	}
	return strconv.FormatInt(c.v, 10)
}

// plainDecimal is v/10^d with a decimal comma and no thousands separator.
func plainDecimal(v int64, d int) string {
	s := Decimal(v, d)
	return strings.ReplaceAll(s, ".", "")
}

// safeText keeps spreadsheet programs from reading a label as a formula.
func safeText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Number formats in the XLSX. Format codes are stored in the file's neutral
// notation; Excel shows them with the reader's separators, so Dutch Excel
// shows 1.234 and € 1.234,56.
const (
	FmtCount  = "#,##0"
	FmtMoney  = `"€ "#,##0.00;"-€ "#,##0.00`
	FmtShare  = "0.0%"
	FmtMean   = "+0.0;-0.0;0.0"
	FmtChange = "+#,##0;-#,##0;0"
	FmtRate   = "0.0"
)

// WriteXLSX writes one sheet per table: the title in row 1, the disclosure
// note in row 2, column heads in row 4 and the rows from row 5. Published
// numbers are numeric cells with a number format; unpublished cells are the
// text "." aligned right. Text is written as inline strings, which a
// spreadsheet never reads as a formula.
func WriteXLSX(w io.Writer, tables ...*Table) error {
	x := sheet.NewWriter(w)
	bold := x.AddStyle(sheet.Style{Bold: true})
	title := x.AddStyle(sheet.Style{Bold: true, Size: 14})
	right := x.AddStyle(sheet.Style{Right: true})
	styles := map[Kind]int{}
	for k, code := range map[Kind]string{Count: FmtCount, Money: FmtMoney, Share: FmtShare, Mean: FmtMean, Change: FmtChange, Rate: FmtRate} {
		styles[k] = x.AddStyle(sheet.Style{NumFmt: code})
	}
	used := map[string]bool{}
	for i, t := range tables {
		cols := []sheet.Col{{First: 1, Last: 1, Width: 32}}
		if len(t.Columns) > 0 {
			cols = append(cols, sheet.Col{First: 2, Last: len(t.Columns) + 1, Width: 18})
		}
		if err := x.NewSheet(sheetName(t.Title, i, used), cols...); err != nil {
			return err
		}
		x.WriteRow(1, sheet.Text(t.Title, title))
		x.WriteRow(2, sheet.Text(t.Note, 0))
		head := []sheet.Value{sheet.Text(t.Head, bold)}
		for _, c := range t.Columns {
			head = append(head, sheet.Text(c.Name, bold))
		}
		x.WriteRow(4, head...)
		rows := t.Rows
		if t.Total != nil {
			rows = append(rows[:len(rows):len(rows)], *t.Total)
		}
		for ri, r := range rows {
			labelStyle := 0
			if t.Total != nil && ri == len(rows)-1 {
				labelStyle = bold
			}
			vals := []sheet.Value{sheet.Text(r.Label, labelStyle)}
			for _, c := range r.Cells {
				switch {
				case c.kind == Text:
					vals = append(vals, sheet.Text(c.text, 0))
				case !c.ok:
					vals = append(vals, sheet.Text(Suppressed, right))
				case c.kind == Count || c.kind == Change:
					vals = append(vals, sheet.Int(c.v, styles[c.kind]))
				default:
					v, _ := c.Float()
					vals = append(vals, sheet.Number(v, styles[c.kind]))
				}
			}
			if err := x.WriteRow(ri+5, vals...); err != nil {
				return err
			}
		}
	}
	if len(tables) == 0 {
		x.NewSheet("Blad1") // a workbook needs a sheet
	}
	return x.Close()
}

// sheetName makes a valid, unique sheet name (at most 31 characters, none
// of : \ / ? * [ ]).
func sheetName(title string, i int, used map[string]bool) string {
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]'`, r) {
			return '-'
		}
		return r
	}, title)
	if s == "" {
		s = "Tabel"
	}
	if r := []rune(s); len(r) > 28 {
		s = string(r[:28])
	}
	base := s
	for n := 2; used[strings.ToLower(s)]; n++ {
		s = fmt.Sprintf("%s %d", base, n)
	}
	used[strings.ToLower(s)] = true
	_ = i
	return s
}

package publish

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
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
)

// WriteXLSX writes one sheet per table: the title in row 1, the disclosure
// note in row 2, column heads in row 4 and the rows from row 5. Published
// numbers are numeric cells with a number format; unpublished cells are the
// text ".".
func WriteXLSX(w io.Writer, tables ...*Table) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	styles := map[Kind]int{}
	for k, code := range map[Kind]string{Count: FmtCount, Money: FmtMoney, Share: FmtShare, Mean: FmtMean, Change: FmtChange} {
		code := code
		if styles[k], err = f.NewStyle(&excelize.Style{CustomNumFmt: &code}); err != nil {
			return err
		}
	}
	right, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "right"}})
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for i, t := range tables {
		name := sheetName(t.Title, i, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		set := func(col, row int, v any) error {
			cell, err := excelize.CoordinatesToCellName(col, row)
			if err != nil {
				return err
			}
			return f.SetCellValue(name, cell, v)
		}
		style := func(col, row, st int) error {
			cell, _ := excelize.CoordinatesToCellName(col, row)
			return f.SetCellStyle(name, cell, cell, st)
		}
		if err := set(1, 1, t.Title); err != nil {
			return err
		}
		style(1, 1, title)
		set(1, 2, t.Note)
		set(1, 4, t.Head)
		style(1, 4, bold)
		for j, c := range t.Columns {
			set(j+2, 4, c.Name)
			style(j+2, 4, bold)
		}
		rows := t.Rows
		if t.Total != nil {
			rows = append(rows[:len(rows):len(rows)], *t.Total)
		}
		for ri, r := range rows {
			row := ri + 5
			set(1, row, r.Label)
			if t.Total != nil && ri == len(rows)-1 {
				style(1, row, bold)
			}
			for j, c := range r.Cells {
				col := j + 2
				switch {
				case c.kind == Text:
					set(col, row, c.text)
				case !c.ok:
					set(col, row, Suppressed)
					style(col, row, right)
				default:
					v, _ := c.Float()
					if c.kind == Count || c.kind == Change {
						set(col, row, c.v)
					} else {
						set(col, row, v)
					}
					style(col, row, styles[c.kind])
				}
			}
		}
		last, _ := excelize.ColumnNumberToName(len(t.Columns) + 1)
		f.SetColWidth(name, "A", "A", 32)
		if len(t.Columns) > 0 {
			f.SetColWidth(name, "B", last, 18)
		}
	}
	return f.Write(w)
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

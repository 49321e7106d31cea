package sheet

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// xlsxReader streams one sheet. The first non-empty row is the header
// (empty cells at its end dropped); data rows are padded with empty cells
// to the header's width, since Excel leaves out empty cells. A value beyond
// the header's width is an error naming the row.
type xlsxReader struct {
	f      *xlsxFile
	st     *sheetStream
	name   string
	header []string
	rows   int
	done   error
}

func openXLSX(r io.ReaderAt, size int64, opt Options) (Reader, error) {
	f, err := openXLSXFile(r, size, opt)
	if err != nil {
		return nil, err
	}
	ref, err := f.pick(opt.Sheet)
	if err != nil {
		return nil, err
	}
	st, err := f.openSheet(ref)
	if err != nil {
		return nil, err
	}
	x := &xlsxReader{f: f, st: st, name: ref.name}
	for {
		_, cells, err := x.row()
		if err == io.EOF {
			return nil, fmt.Errorf("blad %q is leeg", ref.name)
		}
		if err != nil {
			return nil, err
		}
		if allEmpty(cells) {
			continue
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		x.header = cells
		return x, nil
	}
}

// pick finds the sheet by name, or the first visible worksheet.
func (f *xlsxFile) pick(name string) (sheetRef, error) {
	name = strings.TrimSpace(name)
	if name != "" {
		var names []string
		for _, s := range f.sheets {
			if strings.EqualFold(strings.TrimSpace(s.name), name) {
				return s, nil
			}
			names = append(names, fmt.Sprintf("%q", s.name))
		}
		return sheetRef{}, fmt.Errorf("het blad %q bestaat niet; het bestand heeft: %s", name, strings.Join(names, ", "))
	}
	for _, s := range f.sheets {
		if s.worksheet && !s.hidden {
			return s, nil
		}
	}
	for _, s := range f.sheets {
		if s.worksheet {
			return s, nil
		}
	}
	return sheetRef{}, errors.New("het Excel-bestand heeft geen werkbladen")
}

func (x *xlsxReader) Header() []string { return x.header }
func (x *xlsxReader) Format() string   { return "Excel (xlsx), blad " + x.name }

func (x *xlsxReader) Next() (Row, error) {
	if x.done != nil {
		return Row{}, x.done
	}
	for {
		row, cells, err := x.row()
		if err != nil {
			x.done = err
			return Row{}, err
		}
		if allEmpty(cells) {
			continue
		}
		if len(cells) > len(x.header) {
			for i := len(x.header); i < len(cells); i++ {
				if cells[i] != "" {
					x.done = fmt.Errorf("rij %d, kolom %s: een waarde in een kolom zonder kop", row, ColumnName(i))
					return Row{}, x.done
				}
			}
			cells = cells[:len(x.header)]
		}
		for len(cells) < len(x.header) {
			cells = append(cells, "")
		}
		x.rows++
		if x.rows > x.f.opt.MaxRows {
			x.done = fmt.Errorf("rij %d: meer dan %d regels; splits het bestand", row, x.f.opt.MaxRows)
			return Row{}, x.done
		}
		return Row{Line: row, Cells: cells}, nil
	}
}

// row reads the next row as text cells placed by their column.
func (x *xlsxReader) row() (int, []string, error) {
	row, raw, err := x.st.next()
	if err != nil {
		return 0, nil, err
	}
	width := 0
	for i := range raw {
		width = max(width, raw[i].col+1)
	}
	cells := make([]string, width, max(width, len(x.header)))
	for i := range raw {
		v, err := x.f.value(&raw[i], row)
		if err != nil {
			return 0, nil, err
		}
		cells[raw[i].col] = strings.TrimSpace(v)
	}
	return row, cells, nil
}

// Cell is one XLSX cell as stored, for tests and diagnostics.
type Cell struct {
	Value   string // shared and inline strings resolved; numbers as stored (no date conversion); booleans "1"/"0"
	Type    string // the cell's t attribute: "n" (number, the default), "s", "inlineStr", "str", "b", "e", "d"
	Format  string // number format code of the cell's style; "" is General
	Formula string // the formula text, when the cell has one
}

// Sheets lists the sheet names of an XLSX file in workbook order.
func Sheets(r io.ReaderAt, size int64) ([]string, error) {
	f, err := openXLSXFile(r, size, Options{})
	if err != nil {
		return nil, err
	}
	names := make([]string, len(f.sheets))
	for i, s := range f.sheets {
		names[i] = s.name
	}
	return names, nil
}

// ReadCells reads every cell of one sheet ("" the first), keyed by
// reference ("B4"), with its stored value, type and number format. It holds
// the whole sheet in memory: for tests and small files.
func ReadCells(r io.ReaderAt, size int64, sheet string) (map[string]Cell, error) {
	f, err := openXLSXFile(r, size, Options{})
	if err != nil {
		return nil, err
	}
	ref, err := f.pick(sheet)
	if err != nil {
		return nil, err
	}
	st, err := f.openSheet(ref)
	if err != nil {
		return nil, err
	}
	out := map[string]Cell{}
	for {
		row, raw, err := st.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		for i := range raw {
			c := &raw[i]
			typ := c.typ
			if typ == "" {
				typ = "n"
			}
			cell := Cell{Value: c.v, Type: typ, Formula: c.formula}
			switch typ {
			case "s":
				if cell.Value, err = f.value(c, row); err != nil {
					return nil, err
				}
			case "inlineStr":
				cell.Value = c.inline
			}
			if c.style >= 0 && c.style < len(f.xfs) {
				cell.Format = f.xfs[c.style].code
			}
			out[fmt.Sprintf("%s%d", ColumnName(c.col), row)] = cell
		}
	}
}

package sheet

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// drain reads everything and checks what every reader promises: rows as
// wide as the header, lines increasing, an error or io.EOF at the end.
func drain(t *testing.T, name string, data []byte) {
	r, err := Open(name, bytes.NewReader(data), int64(len(data)), Options{MaxRows: 10_000})
	if err != nil {
		if err.Error() == "" {
			t.Fatal("empty error")
		}
		return
	}
	r.Format()
	last := 0
	for {
		row, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if _, err2 := r.Next(); err2 == nil {
				t.Fatal("rows after an error")
			}
			return
		}
		if len(row.Cells) != len(r.Header()) {
			t.Fatalf("row %d has %d cells, header %d", row.Line, len(row.Cells), len(r.Header()))
		}
		if row.Line <= last {
			t.Fatalf("line %d after %d", row.Line, last)
		}
		last = row.Line
		for _, c := range row.Cells {
			ParseDate(c)
			ParseCents(c)
			ParseInt(c)
		}
	}
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"\ufeffBSN;Naam;Geboortedatum;Bedrag\r\n999999990;José;01-04-2026;1.234,56\r\n",
		"a,b\n\"x\ny\",\"\"\"\"\n1,2,\n",
		"a\tb\n1\t2\n",
		"caf\xe9;\x80\n1;2\n",
		"a;b\n1;\"open",
		"a;b\n1;2 \"x\"\n",
	} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("testdata/libreoffice-clienten.csv"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		drain(t, "x.csv", data)
	})
}

// FuzzXLSX takes whole files (starting with PK) or, to reach the XML code
// more often, sheet XML that it puts into a valid workbook.
func FuzzXLSX(f *testing.F) {
	if b, err := os.ReadFile("testdata/libreoffice-clienten.xlsx"); err == nil {
		f.Add(b)
	}
	f.Add(excelLike(f, false, sheet1))
	f.Add([]byte(sheet1))
	f.Add([]byte(sheetOf(`<row r="2"><c r="C2" s="2"><v>61</v></c><c t="b"><v>1</v></c></row>`)))
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.NewSheet("Blad", Col{1, 2, 10})
	w.WriteRow(1, Text("a", w.AddStyle(Style{Bold: true})), Text("b", 0))
	w.WriteRow(3, Int(7, w.AddStyle(Style{NumFmt: "dd-mm-yyyy"})), Number(1.5, 0))
	w.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, zipMagic) {
			data = withSheet(t, string(data), "")
		}
		drain(t, "x.xlsx", data)
		if cells, err := ReadCells(bytes.NewReader(data), int64(len(data)), ""); err == nil && len(cells) > MaxColumns*10_000 {
			t.Fatal("impossible")
		}
	})
}

package sheet

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestWriteReadBack(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	bold := w.AddStyle(Style{Bold: true})
	title := w.AddStyle(Style{Bold: true, Size: 14})
	right := w.AddStyle(Style{Right: true})
	money := w.AddStyle(Style{NumFmt: `"€ "#,##0.00;"-€ "#,##0.00`})
	date := w.AddStyle(Style{NumFmt: "dd-mm-yyyy"})
	if again := w.AddStyle(Style{Bold: true, Size: 11}); again != bold {
		t.Errorf("the same style twice: %d and %d", bold, again)
	}
	if err := w.NewSheet("Cliënten & zo", Col{1, 1, 32}, Col{2, 4, 18}); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.WriteRow(1, Text("Titel", title)))
	must(w.WriteRow(3, Text("BSN", bold), Text("Naam", bold), Text("Bedrag", bold), Text("Datum", bold), Text("Opm", bold)))
	must(w.WriteRow(4, Text("999999990", 0), Text(" <Jansen> & \"Zn\" ", 0), Number(1234.56, money), Int(46113, date), Text("=HYPERLINK(\"x\")", 0)))
	must(w.WriteRow(5, Text("+31", 0), Value{}, Text(".", right), Int(-7, 0), Text("a\x00b\r\nc", 0)))
	must(w.NewSheet("Tweede"))
	must(w.WriteRow(1, Text("kop", 0), Text("Datum", 0)))
	must(w.WriteRow(2, Text("@SUM(A1)", 0), Int(46113, date)))
	must(w.Close())
	data := buf.Bytes()

	// The title is the first non-empty row, so the streaming reader takes it
	// for the header, and the heads in row 3 are values beyond it.
	h, _, format, err := readAll(t, "x.xlsx", data)
	if err == nil || !strings.Contains(err.Error(), "rij 3, kolom B: een waarde in een kolom zonder kop") {
		t.Errorf("error %v", err)
	}
	if format != "Excel (xlsx), blad Cliënten & zo" || !reflect.DeepEqual(h, []string{"Titel"}) {
		t.Errorf("%s %q", format, h)
	}
	cells, err := ReadCells(bytes.NewReader(data), int64(len(data)), "")
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]Cell{
		"A1": {Value: "Titel", Type: "inlineStr"},
		"B4": {Value: " <Jansen> & \"Zn\" ", Type: "inlineStr"},
		"C4": {Value: "1234.56", Type: "n", Format: `"€ "#,##0.00;"-€ "#,##0.00`},
		"D4": {Value: "46113", Type: "n", Format: "dd-mm-yyyy"},
		"E4": {Value: "=HYPERLINK(\"x\")", Type: "inlineStr"},
		"A5": {Value: "+31", Type: "inlineStr"},
		"C5": {Value: ".", Type: "inlineStr"},
		"D5": {Value: "-7", Type: "n"},
		"E5": {Value: "a\uFFFDb\r\nc", Type: "inlineStr"},
	} {
		if got := cells[ref]; got != want {
			t.Errorf("%s = %+v, want %+v", ref, got, want)
		}
	}
	if _, ok := cells["B5"]; ok {
		t.Error("an empty value was written")
	}
	for ref, c := range cells {
		if c.Formula != "" {
			t.Errorf("%s is a formula", ref)
		}
	}
	names, err := Sheets(bytes.NewReader(data), int64(len(data)))
	if err != nil || !reflect.DeepEqual(names, []string{"Cliënten & zo", "Tweede"}) {
		t.Errorf("sheets %q %v", names, err)
	}
	// Through the streaming reader: the date comes out as ISO.
	r, err := Open("x.xlsx", bytes.NewReader(data), int64(len(data)), Options{Sheet: "tweede"})
	if err != nil {
		t.Fatal(err)
	}
	row, err := r.Next()
	if err != nil || row.Line != 2 || !reflect.DeepEqual(row.Cells, []string{"@SUM(A1)", "2026-04-01"}) {
		t.Errorf("row %v %v", row, err)
	}
	if !strings.Contains(string(data), "xl/styles.xml") {
		t.Error("no styles part")
	}
}

func TestWriterRefuses(t *testing.T) {
	w := NewWriter(&bytes.Buffer{})
	for _, name := range []string{"", "a:b", "x[1]", "'quote", strings.Repeat("x", 32)} {
		if err := w.NewSheet(name); err == nil {
			t.Errorf("sheet name %q accepted", name)
		}
	}
	if err := w.NewSheet(strings.Repeat("é", 31)); err != nil {
		t.Error(err)
	}
	if err := w.NewSheet(strings.ToUpper(strings.Repeat("é", 31))); err == nil {
		t.Error("a sheet name twice (case differs) accepted")
	}
	if err := w.WriteRow(2); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRow(2); err == nil {
		t.Error("row 2 twice accepted")
	}
	w = NewWriter(&bytes.Buffer{})
	w.NewSheet("a")
	if err := w.WriteRow(1, Number(0, 0), Value{kind: 3}); err == nil {
		t.Error("NaN accepted")
	}
	if err := NewWriter(&bytes.Buffer{}).Close(); err == nil {
		t.Error("a workbook without sheets")
	}
}

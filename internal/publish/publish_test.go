package publish

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"naober.nl/naober/internal/monitor"
)

func TestFormatsAreDutch(t *testing.T) {
	r := monitor.DefaultRule()
	for _, c := range []struct {
		got, want string
	}{
		{Thousands(1234567), "1.234.567"}, {Thousands(12), "12"}, {Thousands(-1234), "-1.234"},
		{Euro(123456), "€ 1.234,56"}, {Euro(5), "€ 0,05"}, {Euro(-100), "-€ 1,00"},
		{Decimal(1234, 1), "123,4"}, {Decimal(5, 2), "0,05"},
		{Published(r, 3, 1).String(), "."}, {Published(r, 0, 1).String(), "0"},
		{NA(Count).String(), "."},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	n := Published(r, 40, 7)
	if !n.OK() || n.Int()%5 != 0 {
		t.Fatalf("40 published as %v", n)
	}
	pop := PublishedPopulation(r, 200)
	sh := ShareOf(n, pop)
	if v, ok := sh.Float(); !ok || v != float64(n.Int())/200 {
		t.Errorf("share %v of %v/%v", v, n, pop)
	}
	if s := ShareOf(Published(r, 3, 1), pop); s.OK() || s.String() != "." {
		t.Error("a share of a suppressed count is shown")
	}
	if d := Diff(n, Published(r, 4, 2)); d.OK() {
		t.Error("a difference with a suppressed cell is shown")
	}
	if m := PublishedMean(r, 30, 3, 1); m.OK() {
		t.Error("a mean over 3 is shown")
	}
}

func TestCSVAndXLSX(t *testing.T) {
	r := monitor.DefaultRule()
	n := Published(r, 1234, 5)
	money := PublishedMoney(r, 123456789, 1234, 5)
	tb := &Table{ID: "t", Title: "Test: tabel", Head: "Wijk", Note: Note(r),
		Columns: []Column{{"Aantal", Count}, {"Aandeel", Share}, {"Bedrag", Money}},
		Rows: []Row{
			{Label: "=Centrum", Cells: []Cell{n, ShareOf(n, PublishedPopulation(r, 5000)), money}},
			{Label: "Klein", Cells: []Cell{Published(r, 3, 9), ShareOf(Published(r, 3, 9), PublishedPopulation(r, 5000)), PublishedMoney(r, 500, 3, 9)}},
		}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tb); err != nil {
		t.Fatal(err)
	}
	csv := buf.String()
	if !strings.HasPrefix(csv, "\ufeffTest: tabel\r\nWijk;Aantal;Aandeel (%);Bedrag\r\n'=Centrum;") || !strings.Contains(csv, "\r\nKlein;.;.;.\r\n") {
		t.Errorf("CSV:\n%s", csv)
	}
	buf.Reset()
	if err := WriteXLSX(&buf, tb, tb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if l := f.GetSheetList(); len(l) != 2 || l[0] != "Test- tabel" || l[1] == l[0] {
		t.Errorf("sheets %v", l)
	}
	raw := excelize.Options{RawCellValue: true}
	for cell, want := range map[string]string{"A1": "Test: tabel", "A2": Note(r), "B4": "Aantal", "A5": "=Centrum", "B6": ".", "D6": "."} {
		if v, _ := f.GetCellValue("Test- tabel", cell, raw); v != want {
			t.Errorf("%s = %q, want %q", cell, v, want)
		}
	}
	if typ, _ := f.GetCellType("Test- tabel", "A5"); typ == excelize.CellTypeFormula {
		t.Error("a label became a formula")
	}
}

package sheet

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

// TestLibreOfficeFile reads an XLSX made by LibreOffice Calc (see
// testdata/README.md) and the CSV it was made from: both give the same rows.
func TestLibreOfficeFile(t *testing.T) {
	data, err := os.ReadFile("testdata/libreoffice-clienten.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	h, rows, format, err := readAll(t, "Clienten.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if format != "Excel (xlsx), blad Clienten" {
		t.Errorf("format %q", format)
	}
	wantH := []string{"BSN", "Voornamen", "Achternaam", "Geboortedatum", "Postcode", "Huisnummer", "Bedrag", "Actief", "Aantal", "Opmerking"}
	if !reflect.DeepEqual(h, wantH) {
		t.Errorf("header %q", h)
	}
	want := []Row{
		{2, []string{"999999990", "José", "Ünal-de Vries", "2026-04-01", "7941AB", "12", "1234.56", "WAAR", "5", "=SOM(1;2)"}},
		{3, []string{"999999989", "Anna Maria", "Jansen", "1960-02-29", "7942 CD", "3", "-12.5", "ONWAAR", "7", "regel een\nregel twee"}},
		{4, []string{"999999977", "Piet", "van den Berg", "1999-12-31", "7943EF", "", "0.05", "", "", ""}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n%v\nwant\n%v", rows, want)
	}
	// The same values through the parsers as from the CSV it was made from.
	csvData, err := os.ReadFile("testdata/libreoffice-clienten.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, csvRows, _, err := readAll(t, "Clienten.csv", csvData)
	if err != nil || len(csvRows) != len(rows) {
		t.Fatalf("csv: %v %v", csvRows, err)
	}
	for i := range rows {
		x, c := rows[i].Cells, csvRows[i].Cells
		dx, err1 := ParseDate(x[3])
		dc, err2 := ParseDate(c[3])
		ax, err3 := ParseCents(x[6])
		ac, err4 := ParseCents(c[6])
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || dx != dc || ax != ac {
			t.Errorf("row %d: xlsx %v %d, csv %v %d (%v %v %v %v)", i, dx, ax, dc, ac, err1, err2, err3, err4)
		}
	}
	cells, err := ReadCells(bytes.NewReader(data), int64(len(data)), "")
	if err != nil {
		t.Fatal(err)
	}
	if c := cells["I2"]; c.Formula != "2+3" || c.Value != "5" {
		t.Errorf("formula cell %+v", c)
	}
	if c := cells["J2"]; c.Formula != "" || c.Type != "s" {
		t.Errorf("text that looks like a formula: %+v", c)
	}
	if c := cells["D2"]; c.Format != "mm/dd/yy" || c.Value != "46113" {
		t.Errorf("date cell %+v", c)
	}
}

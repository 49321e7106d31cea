package publish

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"naober.nl/naober/internal/exchange/sheet"
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
	data := buf.Bytes()
	l, err := sheet.Sheets(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 2 || l[0] != "Test- tabel" || l[1] == l[0] {
		t.Errorf("sheets %v", l)
	}
	cells, err := sheet.ReadCells(bytes.NewReader(data), int64(len(data)), "Test- tabel")
	if err != nil {
		t.Fatal(err)
	}
	for cell, want := range map[string]string{"A1": "Test: tabel", "A2": Note(r), "B4": "Aantal", "A5": "=Centrum", "B6": ".", "D6": "."} {
		if v := cells[cell].Value; v != want {
			t.Errorf("%s = %q, want %q", cell, v, want)
		}
	}
	if c := cells["A5"]; c.Formula != "" || c.Type != "inlineStr" {
		t.Errorf("a label became a formula: %+v", c)
	}
	euros, _ := money.Float()
	for cell, want := range map[string]sheet.Cell{
		"B5": {Value: "1235", Type: "n", Format: FmtCount},
		"C5": {Value: "0.247", Type: "n", Format: FmtShare},
		"D5": {Value: strconv.FormatFloat(euros, 'f', -1, 64), Type: "n", Format: FmtMoney},
		"B6": {Value: ".", Type: "inlineStr"},
	} {
		if got := cells[cell]; got != want {
			t.Errorf("%s = %+v, want %+v", cell, got, want)
		}
	}
}

// Public counts are exact (they are on public pages already); a rate per
// 1,000 follows the same suppression as a share, in every format.
func TestPublicCountsAndRates(t *testing.T) {
	r := monitor.DefaultRule()
	ballots := Public(7)
	if ballots.String() != "7" || ballots.Int() != 7 {
		t.Fatalf("public count 7 shown as %q", ballots)
	}
	pop := PublishedPopulation(r, 2345) // 2.345 is a multiple of 5: no rounding
	rate := PerThousand(ballots, pop)
	if rate.String() != "3,0" || rate.Kind() != Rate {
		t.Errorf("7 per 2.345 = %q, want 3,0", rate)
	}
	if v, ok := rate.Float(); !ok || v != 3.0 {
		t.Errorf("rate as a number: %v %v", v, ok)
	}
	if s := PerThousand(ballots, PublishedPopulation(r, 4)); s.OK() || s.String() != "." {
		t.Error("a rate of a suppressed population is shown")
	}
	if s := PerThousand(ballots, PublishedPopulation(r, 0)); s.OK() {
		t.Error("a rate per zero is shown")
	}
	tb := &Table{ID: "t", Title: "Meedoen", Head: "Onderdeel", Note: Note(r), Columns: []Column{{"Aantal", Count}},
		Rows: []Row{{Label: "Stembiljetten", Cells: []Cell{ballots}}, {Label: "Per 1.000", Cells: []Cell{PerThousand(Public(1234), PublishedPopulation(r, 5000))}}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tb); err != nil {
		t.Fatal(err)
	}
	if csv := buf.String(); !strings.Contains(csv, "Stembiljetten;7\r\n") || !strings.Contains(csv, "Per 1.000;246,8\r\n") {
		t.Errorf("CSV:\n%s", csv)
	}
	j := tb.JSON()
	if v := j.Rijen[1].Waarden[0]; v.Waarde == nil || *v.Waarde != 246.8 || v.Tekst != "246,8" {
		t.Errorf("JSON rate: %+v", v)
	}
	buf.Reset()
	if err := WriteXLSX(&buf, tb); err != nil {
		t.Fatal(err)
	}
}

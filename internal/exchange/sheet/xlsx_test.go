package sheet

import (
	"archive/zip"
	"bytes"
	"reflect"
	"strings"
	"testing"
)

type part struct{ name, body string }

// zipOf builds a zip like spreadsheet programs do (deflated parts, in order).
func zipOf(t testing.TB, parts ...part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	ctXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`
	rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	wbRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	workbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr DATE1904/><sheets><sheet name="Verborgen" sheetId="2" state="hidden" r:id="rId2"/><sheet name="Clienten" sheetId="1" r:id="rId1"/></sheets></workbook>`
	styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd\-mm\-yyyy"/><numFmt numFmtId="165" formatCode="&quot;€&quot;\ #,##0.00"/></numFmts><fonts count="1"><font><sz val="11"/></font></fonts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/><xf numFmtId="20" applyNumberFormat="1"/></cellXfs></styleSheet>`
	shared = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5"><si><t>BSN</t></si><si><t xml:space="preserve"> Naam </t></si><si><r><rPr><b/></rPr><t>Geboorte</t></r><r><t>datum</t></r></si><si><t>Jansen &amp; Zn</t><rPh><t>XX</t></rPh></si><si><t>Bedrag</t></si></sst>`
	sheet1 = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F4"/><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>4</v></c><c r="E1" t="inlineStr"><is><t>Actief</t></is></c><c r="F1" s="0"/></row>
<row r="2"><c r="A2"><v>999999990</v></c><c r="B2" t="s"><v>3</v></c><c r="C2" s="1"><v>46113</v></c><c r="D2" s="3"><v>1234.5599999999999</v></c><c r="E2" t="b"><v>1</v></c></row>
<row r="4"><c r="B4" t="str"><f>A2&amp;"x"</f><v>=SUM(A1)</v></c><c r="C4" s="2"><v>60</v></c><c r="D4"><v>1E-3</v></c><c r="E4" t="b"><v>0</v></c></row>
<row r="5" spans="1:5"><c r="A5" t="inlineStr"><is><r><t>In</t></r><r><t>line</t></r></is></c><c r="C5" s="4"><v>46113.5625</v></c><c r="D5" t="e"><v>#N/A</v></c></row>
<row r="6"><c r="C6" t="d"><v>2026-04-01T00:00:00</v></c><c r="D6" s="5"><v>0.5</v></c></row>
<row r="7"><c s="2"><v>1</v></c><c s="2"><v>61</v></c><c r="D7"><v>-12</v></c></row>
<row r="9"><c r="A9" t="s"><v></v></c></row>
</sheetData></worksheet>`
	sheet2 = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>kop</t></is></c></row><row r="2"><c r="A2" s="1"><v>0</v></c></row></sheetData></worksheet>`
)

func excelLike(t testing.TB, date1904 bool, sheet1Body string) []byte {
	wb := strings.Replace(workbook, "DATE1904", map[bool]string{true: `date1904="1"`, false: `defaultThemeVersion="124226"`}[date1904], 1)
	return zipOf(t, part{"[Content_Types].xml", ctXML}, part{"_rels/.rels", rootRels}, part{"xl/workbook.xml", wb},
		part{"xl/_rels/workbook.xml.rels", wbRels}, part{"xl/styles.xml", styles}, part{"xl/sharedStrings.xml", shared},
		part{"xl/worksheets/sheet1.xml", sheet1Body}, part{"xl/worksheets/sheet2.xml", sheet2})
}

func TestXLSXRead(t *testing.T) {
	data := excelLike(t, false, sheet1)
	h, rows, format, err := readAll(t, "clienten.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if format != "Excel (xlsx), blad Clienten" {
		t.Errorf("format %q", format)
	}
	if want := []string{"BSN", "Naam", "Geboortedatum", "Bedrag", "Actief"}; !reflect.DeepEqual(h, want) {
		t.Errorf("header %q", h)
	}
	want := []Row{
		{2, []string{"999999990", "Jansen & Zn", "2026-04-01", "1234.56", "WAAR"}},
		{4, []string{"", "=SUM(A1)", "60", "0.001", "ONWAAR"}}, // serial 60 is 1900-02-29: no date, left a number
		{5, []string{"Inline", "", "2026-04-01 13:30:00", "#N/A", ""}},
		{6, []string{"", "", "2026-04-01", "12:00:00", ""}},
		{7, []string{"1900-01-01", "1900-03-01", "", "-12", ""}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n%v\nwant\n%v", rows, want)
	}

	// The 1904 system: serial 0 is 1904-01-01.
	r, err := Open("x.xlsx", bytes.NewReader(excelLike(t, true, sheet1)), int64(len(data)+20), Options{})
	if err != nil {
		t.Fatal(err)
	}
	row, err := r.Next()
	if err != nil || row.Cells[2] != "2030-04-02" {
		t.Errorf("1904: %q %v", row.Cells, err)
	}

	// A sheet by name, case-insensitively; a missing one says which exist.
	r, err = Open("x.xlsx", bytes.NewReader(data), int64(len(data)), Options{Sheet: "verborgen"})
	if err != nil || r.Header()[0] != "kop" || r.Format() != "Excel (xlsx), blad Verborgen" {
		t.Fatalf("sheet by name: %v", err)
	}
	if _, err := Open("x.xlsx", bytes.NewReader(data), int64(len(data)), Options{Sheet: "Nee"}); err == nil || !strings.Contains(err.Error(), `"Clienten"`) {
		t.Errorf("missing sheet: %v", err)
	}

	names, err := Sheets(bytes.NewReader(data), int64(len(data)))
	if err != nil || !reflect.DeepEqual(names, []string{"Verborgen", "Clienten"}) {
		t.Errorf("sheets %q %v", names, err)
	}
	cells, err := ReadCells(bytes.NewReader(data), int64(len(data)), "Clienten")
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]Cell{
		"C2": {Value: "46113", Type: "n", Format: "mm-dd-yy"},
		"D2": {Value: "1234.5599999999999", Type: "n", Format: `"€"\ #,##0.00`},
		"B2": {Value: "Jansen & Zn", Type: "s", Format: ""},
		"B4": {Value: "=SUM(A1)", Type: "str", Formula: `A2&"x"`},
		"A5": {Value: "Inline", Type: "inlineStr"},
		"B7": {Value: "61", Type: "n", Format: `dd\-mm\-yyyy`},
	} {
		got := cells[ref]
		if ref == "B2" || ref == "B4" || ref == "A5" {
			got.Format = ""
		}
		if got != want {
			t.Errorf("%s = %+v, want %+v", ref, got, want)
		}
	}
}

func TestClassify(t *testing.T) {
	for code, want := range map[string]fmtKind{
		"General": fmtNumber, "0.00": fmtNumber, `"€"\ #,##0.00`: fmtNumber, "0.0%": fmtNumber, "#,##0": fmtNumber,
		"dd-mm-yyyy": fmtDate, "[$-413]d mmmm yyyy;@": fmtDate, "mmm": fmtDate, "h:mm": fmtTime, "[h]:mm:ss": fmtTime,
		`0.0 "dagen"`: fmtNumber, `[Red]#,##0`: fmtNumber, "_-* #,##0.00_-": fmtNumber, "yyyy-mm-dd hh:mm": fmtDate,
	} {
		if got := classify(code); got != want {
			t.Errorf("classify(%q) = %d, want %d", code, got, want)
		}
	}
}

func TestColumnName(t *testing.T) {
	for col, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := ColumnName(col); got != want {
			t.Errorf("ColumnName(%d) = %s", col, got)
		}
		if c, ok := columnOf(want + "12"); !ok || c != col {
			t.Errorf("columnOf(%s12) = %d", want, c)
		}
	}
}

func TestNormNumber(t *testing.T) {
	for in, want := range map[string]string{
		"1234": "1234", "1234.56": "1234.56", "1234.5599999999999": "1234.56", "1E-3": "0.001", "1.5E+20": "150000000000000000000",
		"12.345": "12.3450", "-1.234": "-1.2340", "0.123": "0.123", "1234.567": "1234.567", "999999990": "999999990",
	} {
		if got := normNumber(in); got != want {
			t.Errorf("normNumber(%s) = %s, want %s", in, got, want)
		}
	}
	// What that is for: a spreadsheet number with three decimals is refused
	// as an amount, not read as thousands.
	if c, err := ParseCents(normNumber("12.345")); err == nil {
		t.Errorf("12.345 from a spreadsheet read as %d cents", c)
	}
}

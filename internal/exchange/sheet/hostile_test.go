package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// withSheet is the Excel-like workbook with another sheet1.xml (the
// default sheet) and optionally other shared strings.
func withSheet(t testing.TB, sheetXML, sharedXML string) []byte {
	if sharedXML == "" {
		sharedXML = shared
	}
	return zipOf(t, part{"[Content_Types].xml", ctXML}, part{"_rels/.rels", rootRels}, part{"xl/workbook.xml", strings.Replace(workbook, "DATE1904", "", 1)},
		part{"xl/_rels/workbook.xml.rels", wbRels}, part{"xl/styles.xml", styles}, part{"xl/sharedStrings.xml", sharedXML},
		part{"xl/worksheets/sheet1.xml", sheetXML}, part{"xl/worksheets/sheet2.xml", sheet2})
}

func sheetOf(rows string) string {
	return `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows + `</sheetData></worksheet>`
}

// lyingZip holds the parts of a workbook, with sheet1.xml's header claiming
// far fewer bytes than its data inflates to.
func lyingZip(t testing.TB, real []byte, claimed uint64) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []part{{"[Content_Types].xml", ctXML}, {"_rels/.rels", rootRels}, {"xl/workbook.xml", strings.Replace(workbook, "DATE1904", "", 1)},
		{"xl/_rels/workbook.xml.rels", wbRels}, {"xl/worksheets/sheet2.xml", sheet2}} {
		w, _ := zw.Create(p.name)
		w.Write([]byte(p.body))
	}
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(real)
	fw.Close()
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CRC32: crc32.ChecksumIEEE(real), CompressedSize64: uint64(comp.Len()), UncompressedSize64: claimed})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	return buf.Bytes()
}

// noise is text that does not compress much, so only the size cap applies.
func noise(n int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for b.Len() < n {
		fmt.Fprintf(&b, `<row><c t="inlineStr"><is><t>%x</t></is></c></row>`, rng.Uint64())
	}
	return b.String()
}

func TestXLSXHostile(t *testing.T) {
	valid := excelLike(t, false, sheet1)
	bomb := sheetOf(`<row r="1"><c t="inlineStr"><is><t>kop</t></is></c></row>` + strings.Repeat("<x/>", 20<<20/4))
	huge := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>` + strings.Repeat("é", DefaultMaxCellBytes) + `</t></si></sst>`
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><sst><si><t>&lol2;</t></si></sst>`
	for _, c := range []struct {
		name string
		data []byte
		opt  Options
		want string
	}{
		{"zip bomb: highly compressible sheet", withSheet(t, bomb, ""), Options{}, "verdacht sterk ingepakt"},
		{"claimed small size, large real data", lyingZip(t, []byte(bomb[:3<<20]), 1000), Options{}, "beschadigd"},
		{"uncompressed cap counts real bytes", withSheet(t, sheetOf(noise(3<<20)), ""), Options{MaxUncompressed: 1 << 20}, "groter dan 1 MiB uitgepakt"},
		{"huge shared string", withSheet(t, sheet1, huge), Options{}, "van meer dan 32768 bytes"},
		{"huge inline cell", withSheet(t, sheetOf(`<row><c t="inlineStr"><is><t>`+strings.Repeat("x", 40000)+`</t></is></c></row>`), ""), Options{}, "rij 1: een cel is groter dan"},
		{"endless element", withSheet(t, sheetOf(`<row><c t="inlineStr"><is><t>`+strings.Repeat("x", 3<<20)+`</t></is></c></row>`), ""), Options{}, "groter dan"},
		{"too many columns", withSheet(t, sheetOf(`<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="XFE1"><v>1</v></c></row>`), ""), Options{}, "voorbij kolom XFD"},
		{"column far beyond", withSheet(t, sheetOf(`<row r="1"><c r="ZZZZZZZZZZZZZZ1"><v>1</v></c></row>`), ""), Options{}, "voorbij kolom XFD"},
		{"truncated zip", valid[:len(valid)/2], Options{}, "beschadigd of afgebroken"},
		{"truncated zip, directory intact", append(append([]byte{}, valid[:200]...), make([]byte, len(valid)-200)...), Options{}, "beschadigd"},
		{"not a zip", []byte("BSN;Naam\n1;2\n"), Options{}, "geen geldig Excel-bestand"},
		{"DOCTYPE in sheet", withSheet(t, `<?xml version="1.0"?><!DOCTYPE worksheet SYSTEM "file:///etc/passwd"><worksheet><sheetData/></worksheet>`, ""), Options{}, "DOCTYPE"},
		{"billion laughs in shared strings", withSheet(t, sheet1, laughs), Options{}, "DOCTYPE"},
		{"deep nesting", withSheet(t, sheetOf(strings.Repeat("<a>", 1000)+strings.Repeat("</a>", 1000)), ""), Options{}, "te diep"},
		{"unknown entity", withSheet(t, sheetOf(`<row><c t="inlineStr"><is><t>&xxe;</t></is></c></row>`), ""), Options{}, "beschadigd"},
		{"shared string index out of range", withSheet(t, sheetOf(`<row><c t="s"><v>99</v></c></row>`), ""), Options{}, "gedeelde tekst 99 bestaat niet"},
		{"sheet XML cut off", withSheet(t, sheetOf(`<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row>`)[:150], ""), Options{}, "Excel-bestand"},
		{"rows out of order", withSheet(t, sheetOf(`<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row><row r="3"><c><v>1</v></c></row><row r="2"><c><v>2</v></c></row>`), ""), Options{}, "rij 2 staat na rij 3"},
		{"cells out of order", withSheet(t, sheetOf(`<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>`), ""), Options{}, "kolom A niet op volgorde"},
		{"no content types", zipOf(t, part{"a.txt", "x"}), Options{}, "geen Excel-bestand"},
	} {
		t.Run(c.name, func(t *testing.T) {
			name := "x.xlsx"
			if c.name == "not a zip" {
				name = "Clienten.XLSX"
			}
			r, err := Open(name, bytes.NewReader(c.data), int64(len(c.data)), c.opt)
			for err == nil {
				_, err = r.Next()
			}
			t.Log(err)
			if err == io.EOF || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

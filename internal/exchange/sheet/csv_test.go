package sheet

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func open(t testing.TB, name string, data []byte) (Reader, error) {
	t.Helper()
	return Open(name, bytes.NewReader(data), int64(len(data)), Options{})
}

// readAll returns the header, the rows and the error that ended them
// (nil at a clean end).
func readAll(t testing.TB, name string, data []byte) ([]string, []Row, string, error) {
	t.Helper()
	r, err := open(t, name, data)
	if err != nil {
		return nil, nil, "", err
	}
	var rows []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return r.Header(), rows, r.Format(), nil
		}
		if err != nil {
			return r.Header(), rows, r.Format(), err
		}
		rows = append(rows, row)
	}
}

func cp1252(s string) []byte {
	var out []byte
	for _, r := range s {
		switch {
		case r < 0x80 || (r >= 0xA0 && r <= 0xFF):
			out = append(out, byte(r))
		default:
			found := false
			for i, h := range cp1252High {
				if h == r {
					out = append(out, byte(0x80+i))
					found = true
				}
			}
			if !found {
				panic("not in 1252: " + string(r))
			}
		}
	}
	return out
}

func TestCSVVariants(t *testing.T) {
	want := []string{"BSN", "Naam", "Geboortedatum", "Bedrag"}
	for _, c := range []struct {
		name   string
		data   []byte
		format string
		rows   [][]string
		lines  []int
		header []string // when not want
	}{
		{"semicolon BOM", []byte("\ufeffBSN;Naam;Geboortedatum;Bedrag\r\n999999990;José Ünal;01-04-2026;1.234,56\r\n"),
			"CSV, puntkomma, UTF-8 met BOM", [][]string{{"999999990", "José Ünal", "01-04-2026", "1.234,56"}}, []int{2}, nil},
		{"comma UTF-8", []byte("BSN,Naam,Geboortedatum,Bedrag\n999999990,\"Jansen, J.\",2026-04-01,\"1,5\"\n"),
			"CSV, komma, UTF-8", [][]string{{"999999990", "Jansen, J.", "2026-04-01", "1,5"}}, []int{2}, nil},
		{"tab", []byte("BSN\tNaam\tGeboortedatum\tBedrag\n1\ta\tb\tc\n2\td\te\tf"),
			"CSV, tab, UTF-8", [][]string{{"1", "a", "b", "c"}, {"2", "d", "e", "f"}}, []int{2, 3}, nil},
		{"windows-1252", cp1252("BSN;Naam;Geboortedatum;Bedrag\r\n1;Café Cœur;1-4-2026;€ 12,50\r\n"),
			"CSV, puntkomma, Windows-1252", [][]string{{"1", "Café Cœur", "1-4-2026", "€ 12,50"}}, []int{2}, nil},
		{"quoted newline", []byte("BSN;Naam;Geboortedatum;Bedrag\n1;\"regel een\nregel twee\";x;y\n2;\"a;b\";\"\"\"q\"\"\";z\n\n"),
			"CSV, puntkomma, UTF-8", [][]string{{"1", "regel een\nregel twee", "x", "y"}, {"2", "a;b", "\"q\"", "z"}}, []int{2, 4}, nil},
		{"semicolon in quoted header", []byte("\"BSN\";\"Naam, volledig\";Geboortedatum;Bedrag\n1;2;3;4\n"),
			"CSV, puntkomma, UTF-8", [][]string{{"1", "2", "3", "4"}}, []int{2}, []string{"BSN", "Naam, volledig", "Geboortedatum", "Bedrag"}},
		{"empty rows and trailing delimiter", []byte("BSN;Naam;Geboortedatum;Bedrag\n;;;\n1;2;3;4;\n\n\n"),
			"CSV, puntkomma, UTF-8", [][]string{{"1", "2", "3", "4"}}, []int{3}, nil},
		{"spaces trimmed", []byte(" BSN ; Naam;Geboortedatum;Bedrag \n 1 ;2;3;4\n"),
			"CSV, puntkomma, UTF-8", [][]string{{"1", "2", "3", "4"}}, []int{2}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, rows, format, err := readAll(t, "x.csv", c.data)
			if err != nil {
				t.Fatal(err)
			}
			wantH := want
			if c.header != nil {
				wantH = c.header
			}
			if !reflect.DeepEqual(h, wantH) {
				t.Errorf("header %q", h)
			}
			if format != c.format {
				t.Errorf("format %q, want %q", format, c.format)
			}
			if len(rows) != len(c.rows) {
				t.Fatalf("rows %v", rows)
			}
			for i, r := range rows {
				if !reflect.DeepEqual(r.Cells, c.rows[i]) || r.Line != c.lines[i] {
					t.Errorf("row %d: line %d %q, want line %d %q", i, r.Line, r.Cells, c.lines[i], c.rows[i])
				}
			}
		})
	}
}

func TestCSVErrors(t *testing.T) {
	big := bytes.Repeat([]byte("999999990;Jan;Jansen\n"), 4000) // > 64 KiB of ASCII
	for _, c := range []struct {
		name string
		data []byte
		want string // in the error
	}{
		{"empty", nil, "leeg"},
		{"only BOM", []byte("\ufeff  \n"), "leeg"},
		{"UTF-16", []byte("\xff\xfeB\x00"), "UTF-16"},
		{"too few cells", []byte("a;b;c\n1;2;3\n1;2\n"), "regel 3: 2 cellen, de kopregel heeft er 3"},
		{"too many cells", []byte("a;b;c\n1;2;3;4\n"), "regel 2: 4 cellen"},
		{"truncated quote", []byte("a;b;c\n1;2;3\n4;\"niet\ngesloten"), "regel 3: een veld tussen aanhalingstekens wordt niet gesloten"},
		{"bare quote", []byte("a;b;c\n1;2 \"inch\";3\n"), "regel 2, kolom 5: een aanhalingsteken"},
		{"invalid UTF-8 after 64 KiB", append(append([]byte("BSN;voornaam;achternaam\n"), big...), []byte("999999990;Ren\xe9;X\n")...), "regel 4002, kolom 2: ongeldige tekens"},
		{"huge cell", []byte("a;b\n1;" + strings.Repeat("x", DefaultMaxCellBytes+1) + "\n"), "regel 2, kolom 2: de cel is groter dan"},
		{"endless quoted field", append([]byte("a;b\n1;\""), bytes.Repeat([]byte("xxxxxxx\n"), 3<<20)...), "groter dan 16 MiB"},
		{"xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "oude Excel-formaat"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, err := readAll(t, "x.csv", c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

func TestCSVMaxRows(t *testing.T) {
	data := []byte("a\n1\n2\n3\n")
	r, err := Open("x.csv", bytes.NewReader(data), int64(len(data)), Options{MaxRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	var err2 error
	for err2 == nil {
		_, err2 = r.Next()
	}
	if errors.Is(err2, io.EOF) || !strings.Contains(err2.Error(), "regel 4: meer dan 2 regels") {
		t.Errorf("got %v", err2)
	}
}

func TestValidUTF8Prefix(t *testing.T) {
	s := []byte("abc€") // € is 3 bytes; cut after 1 and 2 of them
	if !validUTF8Prefix(s[:4], true) || !validUTF8Prefix(s[:5], true) || validUTF8Prefix(s[:5], false) {
		t.Error("a rune cut at the end of the sniffed prefix decides the encoding")
	}
	if validUTF8Prefix([]byte("caf\xe9 x"), true) {
		t.Error("1252 é taken for UTF-8")
	}
}

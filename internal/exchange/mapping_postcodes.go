package exchange

import (
	"fmt"
	"strings"

	"naober.nl/naober/internal/people"
)

// PostcodeArea is one row of an address table: the house numbers Van..Tot
// (inclusive) of a postcode lie in a buurt of a wijk.
type PostcodeArea struct {
	Line      int
	Postcode  string
	Van, Tot  int
	Wijk      string // WK + 6
	Buurt     string // BU + 8, or ""
	BuurtNaam string
}

// PostcodeConverter reads the rows of an address table. The columns are
// found by their header names: postcode; huisnummer, or huisnummer_van and
// huisnummer_tot; buurtcode and/or wijkcode (a wijk code follows from a
// buurt code); optionally buurtnaam.
type PostcodeConverter struct {
	file                                string
	pc, nr, van, tot, wijk, buurt, naam int
	header                              []string
	parseInt                            func(string) (int64, error)
}

var postcodeColumns = map[string][]string{
	"postcode":  {"postcode", "pc6", "pc"},
	"nummer":    {"huisnummer", "huisnr", "nummer", "nr"},
	"van":       {"huisnummer van", "huisnummervan", "van", "huisnr van", "nummer van", "vanaf"},
	"tot":       {"huisnummer tot", "huisnummertot", "tot", "huisnr tot", "nummer tot", "tot en met", "tm", "t m"},
	"wijk":      {"wijkcode", "wijk", "wijk code", "wk code", "wkcode", "code wijk"},
	"buurt":     {"buurtcode", "buurt", "buurt code", "bu code", "bucode", "code buurt"},
	"buurtnaam": {"buurtnaam", "naam buurt", "buurt naam"},
}

// NewPostcodeConverter finds the columns in the header.
func NewPostcodeConverter(file string, header []string, parseInt func(string) (int64, error)) (*PostcodeConverter, error) {
	c := &PostcodeConverter{file: file, header: header, parseInt: parseInt}
	find := func(kind string) int {
		for _, syn := range postcodeColumns[kind] {
			for i, h := range header {
				if FoldHeader(h) == syn {
					return i
				}
			}
		}
		return -1
	}
	c.pc, c.nr, c.van, c.tot = find("postcode"), find("nummer"), find("van"), find("tot")
	c.wijk, c.buurt, c.naam = find("wijk"), find("buurt"), find("buurtnaam")
	if c.buurt == c.naam {
		c.naam = -1
	}
	var ps Problems
	if c.pc < 0 {
		ps = append(ps, Problem{File: file, Path: "kopregel", Msg: "er is geen kolom Postcode"})
	}
	if c.nr < 0 && (c.van < 0 || c.tot < 0) {
		ps = append(ps, Problem{File: file, Path: "kopregel", Msg: "er is geen kolom Huisnummer, of de kolommen Huisnummer van en Huisnummer tot"})
	}
	if c.wijk < 0 && c.buurt < 0 {
		ps = append(ps, Problem{File: file, Path: "kopregel", Msg: "er is geen kolom Buurtcode of Wijkcode"})
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return c, nil
}

func (c *PostcodeConverter) cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

func (c *PostcodeConverter) problem(line, col int, value, msg string) Problem {
	return Problem{File: c.file, Path: fmt.Sprintf("regel %d, kolom %s", line, c.header[col]), Value: value, Msg: msg}
}

// Convert reads one row. The codes are checked for their form here; the
// store checks them against the CBS map and the gemeente.
func (c *PostcodeConverter) Convert(line int, cells []string) (PostcodeArea, Problems) {
	var ps Problems
	a := PostcodeArea{Line: line}
	raw := c.cell(cells, c.pc)
	pc, ok := people.NormalizePostcode(raw)
	if !ok {
		ps = append(ps, c.problem(line, c.pc, raw, "dit is geen geldige postcode, zoals 7941 AB"))
	}
	a.Postcode = pc
	num := func(col int) int {
		v := c.cell(cells, col)
		n, err := c.parseInt(v)
		if err != nil || n < 1 || n > 99999 {
			ps = append(ps, c.problem(line, col, v, "vul een huisnummer in tussen 1 en 99999"))
			return 0
		}
		return int(n)
	}
	if c.van >= 0 && c.tot >= 0 && (c.nr < 0 || c.cell(cells, c.nr) == "") {
		a.Van, a.Tot = num(c.van), num(c.tot)
		if a.Van > 0 && a.Tot > 0 && a.Tot < a.Van {
			ps = append(ps, c.problem(line, c.tot, c.cell(cells, c.tot), "het huisnummer tot is kleiner dan het huisnummer van"))
		}
	} else {
		a.Van = num(c.nr)
		a.Tot = a.Van
	}
	a.Buurt = strings.ToUpper(c.cell(cells, c.buurt))
	a.Wijk = strings.ToUpper(c.cell(cells, c.wijk))
	if a.Buurt != "" && !validAreaCode(a.Buurt, "BU", 8) {
		ps = append(ps, c.problem(line, c.buurt, a.Buurt, "een buurtcode heeft de vorm BU + 8 tekens, zoals BU01190101"))
	}
	if a.Wijk != "" && !validAreaCode(a.Wijk, "WK", 6) {
		ps = append(ps, c.problem(line, c.wijk, a.Wijk, "een wijkcode heeft de vorm WK + 6 tekens, zoals WK011901"))
	}
	if len(ps) == 0 && a.Buurt != "" {
		if a.Wijk == "" {
			a.Wijk = "WK" + a.Buurt[2:8]
		} else if a.Wijk[2:] != a.Buurt[2:8] {
			ps = append(ps, c.problem(line, c.buurt, a.Buurt, "deze buurt ligt niet in wijk "+a.Wijk))
		}
	}
	if a.Wijk == "" && a.Buurt == "" {
		col := c.wijk
		if col < 0 {
			col = c.buurt
		}
		ps = append(ps, c.problem(line, col, "", "vul een buurtcode of wijkcode in"))
	}
	a.BuurtNaam = c.cell(cells, c.naam)
	if len(a.BuurtNaam) > 200 {
		a.BuurtNaam = a.BuurtNaam[:200]
	}
	return a, ps
}

func validAreaCode(s, prefix string, n int) bool {
	if len(s) != len(prefix)+n || !strings.HasPrefix(s, prefix) {
		return false
	}
	for i := len(prefix); i < len(s); i++ {
		if ch := s[i]; !(ch >= '0' && ch <= '9' || ch >= 'A' && ch <= 'Z') {
			return false
		}
	}
	return true
}

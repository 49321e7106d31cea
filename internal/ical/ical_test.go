package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a, b; c", `a\, b\; c`},
		{`back\slash`, `back\\slash`},
		{"two\nlines\r\nthree", `two\nlines\nthree`},
		{"bell\x07 gone", "bell gone"},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
		if c.in != "bell\x07 gone" {
			if back := Unescape(Escape(c.in)); back != strings.ReplaceAll(c.in, "\r\n", "\n") {
				t.Errorf("Unescape(Escape(%q)) = %q", c.in, back)
			}
		}
	}
}

func TestFoldKeepsLinesAndCharacters(t *testing.T) {
	// 'é' is two octets: a fold at 75 would land inside one.
	long := "DESCRIPTION:" + strings.Repeat("é", 100) + strings.Repeat("x", 80)
	f := Fold(long)
	lines := strings.Split(strings.TrimSuffix(f, "\r\n"), "\r\n")
	if len(lines) < 3 {
		t.Fatalf("not folded: %q", f)
	}
	var joined strings.Builder
	for i, l := range lines {
		if len(l) > 75 {
			t.Fatalf("line %d has %d octets", i, len(l))
		}
		if i > 0 {
			if l[0] != ' ' {
				t.Fatalf("continuation %d without space", i)
			}
			l = l[1:]
		}
		if !strings.HasPrefix(l, "x") && strings.ContainsRune(l, '\uFFFD') {
			t.Fatal("split inside a character")
		}
		joined.WriteString(l)
	}
	if joined.String() != long {
		t.Fatal("unfolding does not give the line back")
	}
	if Fold("SHORT:x") != "SHORT:x\r\n" {
		t.Fatal("a short line changed")
	}
	// Exactly 75 octets stays one line.
	if l := "X:" + strings.Repeat("a", 73); Fold(l) != l+"\r\n" {
		t.Fatal("a 75-octet line was folded")
	}
}

func TestWriteParsesBack(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	start := time.Date(2026, 12, 8, 19, 30, 0, 0, ams)
	cal := Calendar{Name: "Bijeenkomsten, Oost; Meppel", Stamp: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), Events: []Event{{
		UID: "abc@naober", Sequence: 2, Start: start, End: start.Add(90 * time.Minute),
		Summary:     "Wijkavond: groen, spelen; en \\ meer",
		Description: "Agenda:\n1. Opening\n2. Het park, de bankjes; de bomen\n" + strings.Repeat("Lange tekst met ë en ß ", 20),
		Location:    "Buurthuis De Schakel, Hoofdstraat 1, 7941 AB Meppel",
		URL:         "https://naober.example/bijeenkomsten/abc",
	}, {UID: "def@naober", Start: start.AddDate(0, 0, 7), End: start.AddDate(0, 0, 7).Add(time.Hour), Summary: "Afgelast", Cancelled: true}}}
	var buf bytes.Buffer
	if err := cal.Write(&buf); err != nil {
		t.Fatal(err)
	}
	head, evs, err := Parse(&buf)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if head["VERSION"] != "2.0" || head["PRODID"] == "" || head["X-WR-CALNAME"] != cal.Name {
		t.Fatalf("calendar properties: %v", head)
	}
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	e := evs[0]
	want := map[string]string{
		"UID": "abc@naober", "SEQUENCE": "2", "DTSTART": "20261208T183000Z", "DTEND": "20261208T200000Z", "DTSTAMP": "20261201T080000Z",
		"SUMMARY": cal.Events[0].Summary, "DESCRIPTION": cal.Events[0].Description, "LOCATION": cal.Events[0].Location,
		"URL": cal.Events[0].URL, "STATUS": "CONFIRMED",
	}
	for k, v := range want {
		if e[k] != v {
			t.Errorf("%s = %q, want %q", k, e[k], v)
		}
	}
	if evs[1]["STATUS"] != "CANCELLED" {
		t.Errorf("cancelled event: %v", evs[1])
	}
	// Parse consumed the buffer; write again to look at the raw text.
	var raw bytes.Buffer
	cal.Write(&raw)
	if !strings.Contains(raw.String(), `Wijkavond: groen\, spelen\; en \\ meer`) {
		t.Errorf("summary not escaped in:\n%s", raw.String())
	}
	if strings.Count(raw.String(), "\n") != strings.Count(raw.String(), "\r\n") {
		t.Error("a line feed without a carriage return")
	}
}

func TestParseRefusesBrokenFeeds(t *testing.T) {
	for name, s := range map[string]string{
		"lf only":  "BEGIN:VCALENDAR\nEND:VCALENDAR\n",
		"too long": "BEGIN:VCALENDAR\r\nX:" + strings.Repeat("a", 80) + "\r\nEND:VCALENDAR\r\n",
		"unclosed": "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n",
	} {
		if _, _, err := Parse(strings.NewReader(s)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Whatever text a meeting holds, the feed stays valid RFC 5545 (lines of
// at most 75 octets, CRLF, no bare line breaks) and reads back the same
// (line breaks as \n, control characters dropped).
func FuzzWriteParse(f *testing.F) {
	for _, s := range []string{"", "a,b;c\\d", "twee\r\nregels\rnog", strings.Repeat("é", 80), "tab\there", "\x00\x1f\x7f"} {
		f.Add(s, s+s)
	}
	f.Fuzz(func(t *testing.T, summary, desc string) {
		if !utf8.ValidString(summary) || !utf8.ValidString(desc) {
			t.Skip("meeting texts are valid UTF-8 (Validate refuses others)")
		}
		start := time.Date(2026, 12, 8, 18, 30, 0, 0, time.UTC)
		cal := Calendar{Stamp: start, Events: []Event{{UID: "x@naober", Start: start, End: start.Add(time.Hour), Summary: summary, Description: desc}}}
		var buf bytes.Buffer
		if err := cal.Write(&buf); err != nil {
			t.Fatal(err)
		}
		_, evs, err := Parse(&buf)
		if err != nil {
			t.Fatal(err)
		}
		clean := func(s string) string {
			s = strings.ReplaceAll(s, "\r\n", "\n")
			s = strings.ReplaceAll(s, "\r", "\n")
			return strings.Map(func(r rune) rune {
				if r < ' ' && r != '\t' && r != '\n' || r == 0x7f {
					return -1
				}
				return r
			}, s)
		}
		if len(evs) != 1 || evs[0]["SUMMARY"] != clean(summary) {
			t.Fatalf("summary %q came back as %q", summary, evs[0]["SUMMARY"])
		}
		if d, ok := evs[0]["DESCRIPTION"]; (desc != "" && d != clean(desc)) || (desc == "" && ok) {
			t.Fatalf("description %q came back as %q", desc, d)
		}
	})
}

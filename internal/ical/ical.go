// Package ical writes iCalendar (RFC 5545) feeds of events, and reads the
// simple subset it writes back (for tests and for checking a feed).
package ical

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one VEVENT. Times are written in UTC ("Z" form).
type Event struct {
	UID         string // stable: the same event keeps its UID across feeds and changes
	Sequence    int    // raised when time or place changes
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	URL         string
	Cancelled   bool
	Updated     time.Time // LAST-MODIFIED; zero: left out
}

// Calendar is a VCALENDAR with a name.
type Calendar struct {
	Name   string
	Events []Event
	// Stamp is the DTSTAMP of every event (when the feed was made).
	Stamp time.Time
}

const utcForm = "20060102T150405Z"

// Escape escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma, and line breaks as \n.
func Escape(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\n', '\r':
			b.WriteString(`\n`)
		default:
			if r < ' ' && r != '\t' || r == 0x7f {
				continue // control characters are not allowed in TEXT
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Unescape reverses Escape.
func Unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Fold splits a content line into lines of at most 75 octets, each
// continuation starting with a space, never inside a UTF-8 character;
// lines end in CRLF.
func Fold(line string) string {
	var b strings.Builder
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(line)
	b.WriteString("\r\n")
	return b.String()
}

// Write writes the calendar.
func (c Calendar) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) { bw.WriteString(Fold(name + ":" + value)) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//naober//bijeenkomsten//NL")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if c.Name != "" {
		line("X-WR-CALNAME", Escape(c.Name))
	}
	stamp := c.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", Escape(e.UID))
		line("DTSTAMP", stamp.UTC().Format(utcForm))
		line("DTSTART", e.Start.UTC().Format(utcForm))
		line("DTEND", e.End.UTC().Format(utcForm))
		line("SEQUENCE", fmt.Sprint(e.Sequence))
		line("SUMMARY", Escape(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", Escape(e.Description))
		}
		if e.Location != "" {
			line("LOCATION", Escape(e.Location))
		}
		if e.URL != "" {
			line("URL", e.URL) // a URI value: not TEXT-escaped
		}
		if !e.Updated.IsZero() {
			line("LAST-MODIFIED", e.Updated.UTC().Format(utcForm))
		}
		if e.Cancelled {
			line("STATUS", "CANCELLED")
		} else {
			line("STATUS", "CONFIRMED")
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

// Property is one unfolded content line.
type Property struct {
	Name, Params, Value string
}

// Parse unfolds and splits a calendar into its components' properties:
// one map per VEVENT (values unescaped for TEXT properties), and the
// calendar's own properties. It checks the structure (BEGIN/END pairs,
// CRLF line ends, line lengths) and is meant for the feeds Write makes.
func Parse(r io.Reader) (cal map[string]string, events []map[string]string, err error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, err
	}
	s := string(data)
	if !strings.HasSuffix(s, "\r\n") {
		return nil, nil, fmt.Errorf("the last line does not end in CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var lines []string
	for i, l := range raw {
		if strings.Contains(l, "\n") || strings.Contains(l, "\r") {
			return nil, nil, fmt.Errorf("line %d: a bare line break", i+1)
		}
		if len(l) > 75 {
			return nil, nil, fmt.Errorf("line %d: %d octets (at most 75)", i+1, len(l))
		}
		if !utf8.ValidString(l) {
			return nil, nil, fmt.Errorf("line %d: not UTF-8 (folded inside a character?)", i+1)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				return nil, nil, fmt.Errorf("line %d: continuation without a line", i+1)
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	cal = map[string]string{}
	var cur map[string]string
	var stack []string
	for i, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, nil, fmt.Errorf("content line %d: no colon", i+1)
		}
		name, _, _ = strings.Cut(name, ";")
		switch name {
		case "BEGIN":
			stack = append(stack, value)
			if value == "VEVENT" {
				cur = map[string]string{}
			}
			continue
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				return nil, nil, fmt.Errorf("content line %d: END:%s does not close %v", i+1, value, stack)
			}
			stack = stack[:len(stack)-1]
			if value == "VEVENT" {
				events = append(events, cur)
				cur = nil
			}
			continue
		}
		switch name {
		case "SUMMARY", "DESCRIPTION", "LOCATION", "UID", "X-WR-CALNAME":
			value = Unescape(value)
		}
		if cur != nil {
			cur[name] = value
		} else {
			cal[name] = value
		}
	}
	if len(stack) != 0 {
		return nil, nil, fmt.Errorf("unclosed %v", stack)
	}
	return cal, events, nil
}

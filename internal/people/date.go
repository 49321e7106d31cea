package people

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Date is a calendar date without a time zone.
type Date struct{ t time.Time }

// NewDate makes a date.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf takes the calendar date of t in its own location.
func DateOf(t time.Time) Date { return NewDate(t.Year(), t.Month(), t.Day()) }

// Today in Europe/Amsterdam, where the gemeenten are.
func Today() Date { return DateOf(time.Now().In(amsterdam)) }

var amsterdam = func() *time.Location {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()

// Amsterdam is the time zone used on screen.
func Amsterdam() *time.Location { return amsterdam }

// ParseDate reads ISO (2026-04-01) and Dutch (01-04-2026, 1-4-2026) dates.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02-01-2006", "2-1-2006", "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return DateOf(t), nil
		}
	}
	return Date{}, fmt.Errorf("%q is geen datum (gebruik 01-04-2026 of 2026-04-01)", s)
}

// MustDate parses an ISO date or panics; for tests and fixed data.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) Time() time.Time      { return d.t }
func (d Date) IsZero() bool         { return d.t.IsZero() }
func (d Date) Year() int            { return d.t.Year() }
func (d Date) Before(o Date) bool   { return d.t.Before(o.t) }
func (d Date) AddDays(n int) Date   { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) AddYears(n int) Date  { return Date{d.t.AddDate(n, 0, 0)} }
func (d Date) AddMonths(n int) Date { return Date{d.t.AddDate(0, n, 0)} }
func (d Date) String() string       { return d.ISO() }
func (d Date) ISO() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format("2006-01-02")
}

// Dutch formats the date as 01-04-2026.
func (d Date) Dutch() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format("02-01-2006")
}

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.ISO())
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("een datum is een tekst zoals \"2026-04-01\"")
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores dates as ISO text in both databases.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.ISO(), nil
}

func (d *Date) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d = Date{}
	case string:
		p, err := time.Parse("2006-01-02", x)
		if err != nil {
			return err
		}
		*d = DateOf(p)
	case []byte:
		return d.Scan(string(x))
	case time.Time:
		*d = DateOf(x)
	default:
		return fmt.Errorf("cannot scan %T into Date", v)
	}
	return nil
}

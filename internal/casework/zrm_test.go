package casework

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"naober.nl/naober/internal/people"
)

func zrmAll(level int) map[string]int {
	m := map[string]int{}
	for _, d := range Domains {
		m[d.Code] = level
	}
	return m
}

func TestValidateAssessment(t *testing.T) {
	today := people.MustDate("2026-03-10")
	birth := people.MustDate("1990-06-01")
	ok := func() Assessment {
		return Assessment{Person: "p1", Datum: people.MustDate("2026-03-01"), Scores: zrmAll(3), Toelichting: "  gesprek thuis  "}
	}
	a := ok()
	if err := ValidateAssessment(&a, birth, today); err != nil {
		t.Fatalf("valid assessment refused: %v", err)
	}
	if a.Toelichting != "gesprek thuis" {
		t.Fatalf("note not trimmed: %q", a.Toelichting)
	}
	// 0 (niet beoordeeld) is a valid level; today is not in the future.
	a = ok()
	a.Scores["justitie"] = 0
	a.Datum = today
	if err := ValidateAssessment(&a, birth, today); err != nil {
		t.Fatalf("level 0 or today refused: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*Assessment)
		field string
	}{
		{"no person", func(a *Assessment) { a.Person = " " }, "persoon"},
		{"no date", func(a *Assessment) { a.Datum = people.Date{} }, "datum"},
		{"future date", func(a *Assessment) { a.Datum = today.AddDays(1) }, "datum"},
		{"before birth", func(a *Assessment) { a.Datum = birth.AddDays(-1) }, "datum"},
		{"level 6", func(a *Assessment) { a.Scores["financien"] = 6 }, "scores.financien"},
		{"level -1", func(a *Assessment) { a.Scores["huisvesting"] = -1 }, "scores.huisvesting"},
		{"missing domain", func(a *Assessment) { delete(a.Scores, "justitie") }, "scores.justitie"},
		{"unknown domain", func(a *Assessment) { a.Scores["geluk"] = 3 }, "scores.geluk"},
		{"all not assessed", func(a *Assessment) { a.Scores = zrmAll(0) }, "scores"},
		{"long note", func(a *Assessment) { a.Toelichting = strings.Repeat("x", 4001) }, "toelichting"},
	}
	for _, c := range cases {
		a := ok()
		c.edit(&a)
		err := ValidateAssessment(&a, birth, today)
		fe, isFE := people.AsFieldErrors(err)
		if !isFE || fe.For(c.field) == "" {
			t.Errorf("%s: want an error on %s, got %v", c.name, c.field, err)
		}
	}
	// All problems at once, so a form can show them together.
	a = Assessment{Datum: today.AddDays(3), Scores: map[string]int{"financien": 9}}
	fe, _ := people.AsFieldErrors(ValidateAssessment(&a, birth, today))
	if len(fe) != 1+1+1+12 {
		t.Fatalf("want 15 errors (persoon, datum, financien, 12 missing), got %d: %v", len(fe), fe)
	}
	// A very long unknown key does not make a very long field name.
	a = ok()
	a.Scores[strings.Repeat("k", 500)] = 1
	fe, _ = people.AsFieldErrors(ValidateAssessment(&a, birth, today))
	if len(fe) != 1 || len(fe[0].Field) > 60 {
		t.Fatalf("long key: %v", fe)
	}
}

func TestCompareAssessments(t *testing.T) {
	prev := Assessment{Scores: zrmAll(3)}
	prev.Scores["financien"] = 2
	prev.Scores["justitie"] = 0
	latest := Assessment{Scores: zrmAll(3)}
	latest.Scores["financien"] = 4
	latest.Scores["huisvesting"] = 1
	latest.Scores["justitie"] = 5
	cs := CompareAssessments(&prev, latest)
	if len(cs) != 13 || cs[0].Domein != "financien" {
		t.Fatalf("want 13 changes in ZRM order, got %d", len(cs))
	}
	by := map[string]DomainChange{}
	for _, c := range cs {
		by[c.Domein] = c
	}
	want := map[string][3]string{
		"financien":      {ChangeUp, "↑", "van 2 naar 4"},
		"huisvesting":    {ChangeDown, "↓", "van 3 naar 1"},
		"tijdsbesteding": {ChangeSame, "=", "van 3 naar 3"},
		"justitie":       {ChangeUnclear, "–", "van niet beoordeeld naar 5"},
	}
	for d, w := range want {
		c := by[d]
		if c.Richting != w[0] || c.Symbool != w[1] || c.Tekst != w[2] {
			t.Errorf("%s: got %+v, want %v", d, c, w)
		}
	}
	if got := ZRMChangeSummary(cs); got != "1 domein hoger, 1 lager, 10 gelijk, 1 niet te vergelijken (niet beoordeeld)" {
		t.Errorf("summary: %q", got)
	}
	first := CompareAssessments(nil, latest)
	if first[0].Richting != ChangeFirst || first[0].Tekst != "eerste meting: 4" || first[0].Van != 0 {
		t.Errorf("first assessment: %+v", first[0])
	}
}

func TestAssessmentsByPersonAndHistory(t *testing.T) {
	mk := func(p, d string, fin int, created int) Assessment {
		s := zrmAll(3)
		s["financien"] = fin
		return Assessment{Person: p, Datum: people.MustDate(d), Scores: s, Created: time.Unix(int64(created), 0)}
	}
	as := []Assessment{mk("a", "2025-09-01", 3, 1), mk("b", "2025-01-01", 1, 2), mk("a", "2025-01-01", 1, 3), mk("a", "2025-09-01", 4, 4), mk("a", "2025-05-01", 0, 5)}
	by := AssessmentsByPerson(as)
	if len(by["a"]) != 4 || len(by["b"]) != 1 {
		t.Fatalf("grouping: %v", by)
	}
	var got []int
	for _, a := range by["a"] {
		got = append(got, a.Scores["financien"])
	}
	// Oldest first; on the same day, the one entered first.
	if want := []int{1, 0, 3, 4}; !zrmEqualInts(got, want) {
		t.Fatalf("order: got %v want %v", got, want)
	}
	h := AssessmentHistory(by["a"])
	if len(h) != 13 || h[0].Domein != "financien" || len(h[0].Points) != 4 {
		t.Fatalf("history: %+v", h[0])
	}
	if d := h[0].Describe(); d != "Financiën: 1 op 01-01-2025, niet beoordeeld op 01-05-2025, 3 op 01-09-2025, 4 op 01-09-2025" {
		t.Errorf("describe: %q", d)
	}
	svg := h[0].Sparkline()
	// Well-formed XML, with the text alternative, no inline style, and the
	// line broken at the "niet beoordeeld" point: 1 | 3-4.
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("sparkline is not well-formed: %v\n%s", err, svg)
	}
	if !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, "<title>Financiën: 1 op 01-01-2025") || strings.Contains(svg, "style=") {
		t.Errorf("sparkline attributes: %s", svg)
	}
	if n := strings.Count(svg, "<polyline"); n != 1 {
		t.Errorf("want one line segment (3 to 4), got %d: %s", n, svg)
	}
	if n := strings.Count(svg, "<circle"); n != 3 {
		t.Errorf("want 3 dots (the 0 is left out), got %d", n)
	}
	// Higher levels are drawn higher (smaller y).
	if zrmSparkY(5) >= zrmSparkY(1) {
		t.Error("level 5 is not above level 1")
	}
	// A single assessment still draws, centred.
	one := AssessmentHistory(by["b"])[0].Sparkline()
	if !strings.Contains(one, `<circle cx="60.0"`) {
		t.Errorf("single point: %s", one)
	}
	// Names in the title are escaped.
	s := DomainSeries{Naam: `<script>&"`, Points: []SeriesPoint{{people.MustDate("2025-01-01"), 2}}}
	if strings.Contains(s.Sparkline(), "<script>") {
		t.Error("title not escaped")
	}
}

func zrmEqualInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

package participation

import (
	"strings"
	"testing"

	"naober.nl/naober/internal/people"
)

func fields(err error) []string {
	fe, _ := people.AsFieldErrors(err)
	var out []string
	for _, e := range fe {
		out = append(out, e.Field)
	}
	return out
}

func TestWishValidate(t *testing.T) {
	good := func() Wish {
		return Wish{Gemeente: "GM0119", Wijk: "WK011901", Title: "  Bankjes bij   de vijver ", Text: "Graag een paar bankjes, dan kunnen ouderen even rusten.", Category: "groen"}
	}
	inWijk := func(p Point) bool { return p.Lat > 52.6 && p.Lat < 52.8 }
	tests := []struct {
		name   string
		change func(*Wish)
		want   string // comma-separated fields; "" = valid
	}{
		{"good", func(*Wish) {}, ""},
		{"point in wijk", func(w *Wish) { w.Point = &Point{52.7, 6.19} }, ""},
		{"point outside wijk", func(w *Wish) { w.Point = &Point{52.9, 6.19} }, "plek"},
		{"point outside NL", func(w *Wish) { w.Point = &Point{48.8, 2.35} }, "plek"},
		{"empty", func(w *Wish) { *w = Wish{} }, "titel,tekst,categorie,wijk"},
		{"short title", func(w *Wish) { w.Title = "Ja" }, "titel"},
		{"long title", func(w *Wish) { w.Title = strings.Repeat("a", 121) }, "titel"},
		{"short text", func(w *Wish) { w.Text = "Graag." }, "tekst"},
		{"unknown category", func(w *Wish) { w.Category = "politiek" }, "categorie"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := good()
			tc.change(&w)
			got := strings.Join(fields(w.Validate(inWijk)), ",")
			if got != tc.want {
				t.Fatalf("fields %q, want %q", got, tc.want)
			}
		})
	}
	w := good()
	w.Validate(nil)
	if w.Title != "Bankjes bij de vijver" {
		t.Fatalf("title not normalised: %q", w.Title)
	}
}

func TestParsePoint(t *testing.T) {
	p, err := ParsePoint("52,70", " 6.19")
	if err != nil || p == nil || p.Lat != 52.70 || p.Lon != 6.19 {
		t.Fatalf("got %v %v", p, err)
	}
	if p, err := ParsePoint("", ""); p != nil || err != nil {
		t.Fatalf("empty: %v %v", p, err)
	}
	for _, bad := range [][2]string{{"52,7", ""}, {"abc", "6"}, {"NaN", "6"}, {"Inf", "6"}} {
		if _, err := ParsePoint(bad[0], bad[1]); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestAnswerNeedsReasonForNietHaalbaar(t *testing.T) {
	defs := DefaultStatuses()
	if err := ValidateStatuses(defs); err != nil {
		t.Fatal(err)
	}
	a := Answer{Status: StatusNietHaalbaar, Text: " "}
	if got := fields(ValidateAnswer(defs, &a)); len(got) != 1 || got[0] != "antwoord" {
		t.Fatalf("niet haalbaar without reason: %v", got)
	}
	a = Answer{Status: StatusNietHaalbaar, Text: "De grond is van de provincie."}
	if err := ValidateAnswer(defs, &a); err != nil || a.StatusLabel != "Niet haalbaar" {
		t.Fatalf("with reason: %v %q", err, a.StatusLabel)
	}
	a = Answer{Status: StatusInBehandeling}
	if err := ValidateAnswer(defs, &a); err != nil {
		t.Fatalf("in behandeling needs no text: %v", err)
	}
	a = Answer{Status: "verzonnen", Text: "x"}
	if got := fields(ValidateAnswer(defs, &a)); len(got) != 1 || got[0] != "status" {
		t.Fatalf("unknown status: %v", got)
	}
}

func TestGemeenteStatuses(t *testing.T) {
	own := []StatusDef{{Code: "nieuw", Label: "Nieuw"}, {Code: "afgewezen", Label: "Afgewezen", ReasonRequired: true, Closed: true}}
	if err := ValidateStatuses(own); err != nil {
		t.Fatal(err)
	}
	a := Answer{Status: "afgewezen"}
	if ValidateAnswer(own, &a) == nil {
		t.Fatal("a gemeente's own reason-required status accepted without reason")
	}
	a = Answer{Status: StatusUitgevoerd}
	if ValidateAnswer(own, &a) == nil {
		t.Fatal("a default status accepted where the gemeente has its own list")
	}
	for _, bad := range [][]StatusDef{
		nil,
		{{Code: "klaar", Label: "Klaar", Closed: true}},
		{{Code: "a", Label: "A"}, {Code: "a", Label: "B"}},
		{{Code: "Met Spatie", Label: "X"}},
		{{Code: "x", Label: " "}},
	} {
		if ValidateStatuses(bad) == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestValidateReason(t *testing.T) {
	if _, err := ValidateReason("reden", " kort"); err == nil {
		t.Fatal("short reason accepted")
	}
	r, err := ValidateReason("reden", "  Scheldwoorden in de tekst ")
	if err != nil || r != "Scheldwoorden in de tekst" {
		t.Fatalf("%q %v", r, err)
	}
}

func TestWishAuthorAnonymousAfterDeletion(t *testing.T) {
	if got := (Wish{AuthorName: "Fatima"}).Author(); got != "Een oud-bewoner" {
		t.Fatalf("deleted author shown as %q", got)
	}
	if got := (Wish{AuthorID: "u1", AuthorName: "Fatima"}).Author(); got != "Fatima" {
		t.Fatalf("author %q", got)
	}
}

func TestAgendaItem(t *testing.T) {
	a := AgendaItem{Gemeente: "GM0119", Wijk: "WK011901", Title: "Speeltuin opknappen", Owner: "Stichting Welzijn", Status: AgendaBezig, Origin: OriginWijkanalyse, Budget: 1250000}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := a
	bad.Owner, bad.Status, bad.Origin, bad.Budget = "", "onbekend", OriginWens, -1
	if got := strings.Join(fields(bad.Validate()), ","); got != "eigenaar,status,herkomst,budget" {
		t.Fatalf("fields %q", got)
	}
	if a.Progress() != 0 {
		t.Fatal("no milestones should be 0%")
	}
	a.Milestones = []Milestone{{Title: "Ontwerp", Percent: 100}, {Title: "Aanleg", Percent: 50}, {Title: "Opening", Percent: 0}}
	if got := a.Progress(); got != 50 {
		t.Fatalf("progress %d", got)
	}
	a.Status = AgendaKlaar
	if a.Progress() != 100 {
		t.Fatal("finished item should be 100%")
	}
	m := Milestone{Title: "Ok", Percent: 101}
	if got := strings.Join(fields(m.Validate()), ","); got != "mijlpaal,procent" {
		t.Fatalf("milestone fields %q", got)
	}
	w := Wish{ID: "w1", Gemeente: "GM0119", Wijk: "WK011901", Title: "Meer bankjes", Text: "..."}
	fromWish := AgendaFromWish(w)
	fromWish.Owner = "Gemeente"
	if err := fromWish.Validate(); err != nil || fromWish.Origin != OriginWens || fromWish.WishID != "w1" {
		t.Fatalf("from wish: %+v %v", fromWish, err)
	}
}

func TestStatusLinesRoundTrip(t *testing.T) {
	defs, err := ParseStatusLines(StatusLines(DefaultStatuses()))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultStatuses()
	if len(defs) != len(want) {
		t.Fatalf("%d statuses", len(defs))
	}
	for i := range want {
		if defs[i] != want[i] {
			t.Fatalf("status %d: %+v, want %+v", i, defs[i], want[i])
		}
	}
	defs, err = ParseStatusLines("Nieuw\r\n\n  Doorgestuurd naar de corporatie \nAfgewezen (Uitleg) (afgesloten)\n")
	if err != nil || len(defs) != 3 || defs[1].Code != "doorgestuurd_naar_de_corporatie" || !defs[2].ReasonRequired || !defs[2].Closed || defs[2].Label != "Afgewezen" {
		t.Fatalf("%+v %v", defs, err)
	}
	if _, err := ParseStatusLines("Klaar (afgesloten)\nNieuw"); err == nil {
		t.Fatal("a closed first status accepted")
	}
	if _, err := ParseStatusLines("Nieuw\nnieuw"); err == nil {
		t.Fatal("a double status accepted")
	}
	if _, err := ParseStatusLines("  \n"); err == nil {
		t.Fatal("an empty list accepted")
	}
}

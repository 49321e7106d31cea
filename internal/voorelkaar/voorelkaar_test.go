package voorelkaar

import (
	"strings"
	"testing"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/people"
)

var today = people.MustDate("2026-12-07") // a Monday

func req(id string) Request {
	return Request{ID: id, Gemeente: "GM0119", Wijk: "WK011901", AuthorID: "u-req", FirstName: "Anja", Category: "boodschappen",
		Days: []string{"ma", "wo"}, Parts: []string{"ochtend"}, Text: "Boodschappen bij de supermarkt", Status: Open}
}

func offer(id string) Offer {
	return Offer{ID: id, Gemeente: "GM0119", AuthorID: "u-" + id, FirstName: "Kees", Categories: []Category{"boodschappen"},
		Days: []string{"ma"}, Parts: []string{"ochtend", "middag"}, Wijken: []string{"WK011901"}, Text: "Ik help graag met boodschappen", Status: Open}
}

func TestFitsChecksEveryCondition(t *testing.T) {
	r := req("r1")
	if !Fits(r, offer("o1")) {
		t.Fatal("a fitting offer does not fit")
	}
	cases := map[string]func(r *Request, o *Offer){
		"other gemeente": func(r *Request, o *Offer) { o.Gemeente = "GM0363" },
		"other wijk":     func(r *Request, o *Offer) { o.Wijken = []string{"WK011902"} },
		"other category": func(r *Request, o *Offer) { o.Categories = []Category{"klusjes"} },
		"no shared day":  func(r *Request, o *Offer) { o.Days = []string{"di"} },
		"no shared part": func(r *Request, o *Offer) { o.Parts = []string{"avond"} },
		"VOG required":   func(r *Request, o *Offer) { r.VOG = true },
		"own request":    func(r *Request, o *Offer) { o.AuthorID = r.AuthorID },
		"offer closed":   func(r *Request, o *Offer) { o.Status = Closed },
		"offer hidden":   func(r *Request, o *Offer) { o.Hidden = true },
	}
	for name, change := range cases {
		r, o := req("r1"), offer("o1")
		change(&r, &o)
		if Fits(r, o) {
			t.Errorf("%s: fits", name)
		}
	}
	r.VOG = true
	o := offer("o1")
	o.VOG = true
	if !Fits(r, o) {
		t.Error("a VOG holder does not fit a request that requires one")
	}
}

func TestRankingIsDeterministic(t *testing.T) {
	r := req("r1")
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	a := offer("a") // one slot (ma ochtend)
	a.Created = t0
	b := offer("b") // two slots
	b.Days = []string{"ma", "wo"}
	b.Created = t0.Add(time.Hour)
	c := offer("c") // one slot, but offers more kinds of help
	c.Categories = []Category{"boodschappen", "klusjes"}
	c.Created = t0.Add(-time.Hour)
	d := offer("d") // one slot, newer than a
	d.Created = t0.Add(2 * time.Hour)
	e := offer("e") // same as a in everything but the id
	e.Created = t0
	x := offer("x") // does not fit
	x.Wijken = []string{"WK011909"}
	want := []string{"b", "a", "e", "d", "c"}
	for _, order := range [][]Offer{{a, b, c, d, e, x}, {x, e, d, c, b, a}, {c, x, a, e, b, d}} {
		got := OffersFor(r, order)
		var ids []string
		for _, s := range got {
			ids = append(ids, s.Offer.ID)
		}
		if len(ids) != len(want) {
			t.Fatalf("got %v, want %v", ids, want)
		}
		for i := range want {
			if ids[i] != want[i] {
				t.Fatalf("got %v, want %v", ids, want)
			}
		}
	}
	if got := OffersFor(r, []Offer{b}); got[0].Slots != 2 {
		t.Errorf("slots = %d, want 2", got[0].Slots)
	}
}

func TestRequestsForLeavesOutCoordinatorRequests(t *testing.T) {
	o := offer("o1")
	pub, via, done := req("pub"), req("via"), req("done")
	via.ViaCoordinator = true
	done.Status = Matched
	got := RequestsFor(o, []Request{via, pub, done})
	if len(got) != 1 || got[0].Request.ID != "pub" {
		t.Fatalf("got %+v", got)
	}
}

func TestValidateRequest(t *testing.T) {
	r := Request{Gemeente: "GM0119", Wijk: "WK011901", FirstName: "Anja", Category: "vervoer", Date: today.AddDays(2), Parts: []string{"middag", "nacht"}, Text: "Naar de huisarts op woensdag"}
	if err := r.Validate(today); err != nil {
		t.Fatal(err)
	}
	if len(r.Days) != 1 || r.Days[0] != "wo" || len(r.Parts) != 1 {
		t.Fatalf("days %v parts %v", r.Days, r.Parts)
	}
	bad := Request{Category: "zwemmen", Date: today.AddDays(-1), Text: "kort", FirstName: "Anja de Vries", Contact: "06\n12"}
	err := bad.Validate(today)
	fe, _ := people.AsFieldErrors(err)
	for _, f := range []string{"categorie", "datum", "dagen", "dagdelen", "tekst", "voornaam", "contact", "wijk"} {
		if fe.For(f) == "" {
			t.Errorf("no error for %s: %v", f, err)
		}
	}
}

func TestValidateOffer(t *testing.T) {
	o := Offer{Categories: []Category{"tuin"}, Days: []string{"za"}, Parts: []string{"ochtend"}, Wijken: []string{"WK011901", "WK011901"}, Text: "Ik houd van tuinieren", VOG: true, VOGDate: today.AddDays(-30)}
	if err := o.Validate(today, func(string) bool { return true }); err != nil || len(o.Wijken) != 1 {
		t.Fatal(err, o.Wijken)
	}
	bad := Offer{Categories: []Category{"tuin", "zwemmen"}, Wijken: []string{"WK036301"}, Text: "ja", VOG: true}
	fe, _ := people.AsFieldErrors(bad.Validate(today, func(w string) bool { return w == "WK011901" }))
	for _, f := range []string{"categorieen", "dagen", "dagdelen", "wijken", "tekst", "vog_datum"} {
		if fe.For(f) == "" {
			t.Errorf("no error for %s", f)
		}
	}
}

func TestFirstNameAndMatcher(t *testing.T) {
	for in, want := range map[string]string{"Mohamed B.": "Mohamed", "Sanne de V.": "Sanne", "  ": "Een buur", "Kees": "Kees", "Jan,": "Jan"} {
		if got := FirstName(in); got != want {
			t.Errorf("FirstName(%q) = %q, want %q", in, got, want)
		}
	}
	p := &auth.Principal{Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Wijkcoordinator}}, Wijken: []string{"WK011901"}}
	if !MatcherOf(p, "GM0119", "WK011901") || MatcherOf(p, "GM0119", "WK011902") || MatcherOf(p, "GM0363", "WK011901") {
		t.Error("MatcherOf")
	}
	reg := &auth.Principal{Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Regisseur}}, Wijken: []string{"WK011901"}}
	if MatcherOf(reg, "GM0119", "WK011901") {
		t.Error("a regisseur matches")
	}
	if MedianDuration([]time.Duration{3, 1, 2, 10}) != 2 || MedianDuration(nil) != 0 || MedianDuration([]time.Duration{5, 1, 3}) != 3 {
		t.Error("median")
	}
}

func TestValidateOrganisation(t *testing.T) {
	ok := map[string]string{
		"":                         "",
		"  Buurthuis De Linde  ":   "Buurthuis De Linde",
		"\tVoedselbank Meppel\n":   "Voedselbank Meppel",
		"KBO":                      "KBO",
		"Stichting Welzijn & Zorg": "Stichting Welzijn & Zorg",
		strings.Repeat("é", 80):    strings.Repeat("é", 80),
	}
	for in, want := range ok {
		r := req("r")
		r.Organisation = in
		if err := r.Validate(today); err != nil || r.Organisation != want {
			t.Errorf("request organisation %q: %q, %v", in, r.Organisation, err)
		}
		o := offer("o")
		o.Organisation = in
		if err := o.Validate(today, nil); err != nil || o.Organisation != want {
			t.Errorf("offer organisation %q: %q, %v", in, o.Organisation, err)
		}
	}
	for _, in := range []string{"X", " Y ", strings.Repeat("a", 81), "Buurthuis\nDe Linde", "Kerk\tNoord", "Huma\u200bnitas", "Huma\u2028nitas", "Bad\x00name", "Caf\xe9"} {
		r := req("r")
		r.Organisation = in
		fe, _ := people.AsFieldErrors(r.Validate(today))
		if msg := fe.For("organisatie"); !strings.Contains(msg, "organisatie") {
			t.Errorf("request organisation %q: error %q", in, msg)
		}
		o := offer("o")
		o.Organisation = in
		fe, _ = people.AsFieldErrors(o.Validate(today, nil))
		if msg := fe.For("organisatie"); !strings.Contains(msg, "organisatie") {
			t.Errorf("offer organisation %q: error %q", in, msg)
		}
	}
	r := req("r")
	r.Organisation = "Voedselbank"
	if r.Name() != "Voedselbank" || req("r").Name() != "Anja" {
		t.Errorf("names %q %q", r.Name(), req("r").Name())
	}
	o := offer("o")
	o.Organisation = "Buurthuis De Linde"
	if o.Name() != "Buurthuis De Linde" || offer("o").Name() != "Kees" {
		t.Error("offer names")
	}
}

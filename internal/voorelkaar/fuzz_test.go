package voorelkaar

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"naober.nl/naober/internal/people"
)

// FuzzValidateRequest feeds the request form's fields through Validate: it
// never panics, and what it accepts is clean — known days and parts only,
// a one-word first name, texts within their limits, a contact on one line.
func FuzzValidateRequest(f *testing.F) {
	f.Add("boodschappen", "ma,wo", "ochtend", "Wie doet op maandag boodschappen met mij?", "06-12345678", "Anna", "")
	f.Add("vervoer", "", "middag,avond,nacht", "Naar de huisarts", "", "Kees", "2026-12-09")
	f.Add("zwemmen", "ma,ma,zo", "", "x", "a\nb", "Anna de Vries", "2026-01-01")
	f.Fuzz(func(t *testing.T, cat, days, parts, text, contact, first, date string) {
		r := Request{Gemeente: "GM0119", Wijk: "WK011901", Category: Category(cat), Days: strings.Split(days, ","), Parts: strings.Split(parts, ","),
			Text: text, Contact: contact, FirstName: first}
		if d, err := people.ParseDate(date); err == nil {
			r.Date = d
		}
		if err := r.Validate(today); err != nil {
			return
		}
		if !r.Category.Valid() || len(r.Days) == 0 || len(r.Parts) == 0 {
			t.Fatalf("accepted without category or time: %+v", r)
		}
		for _, d := range r.Days {
			if !slices.Contains(Days, d) {
				t.Fatalf("unknown day %q accepted", d)
			}
		}
		for _, p := range r.Parts {
			if !slices.Contains(Parts, p) {
				t.Fatalf("unknown part %q accepted", p)
			}
		}
		if n := utf8.RuneCountInString(r.Text); n < TextMin || n > TextMax {
			t.Fatalf("text of %d runes accepted", n)
		}
		if strings.ContainsAny(r.Contact, "\r\n") || utf8.RuneCountInString(r.Contact) > ContactMax {
			t.Fatalf("contact %q accepted", r.Contact)
		}
		if r.FirstName == "" || strings.ContainsAny(r.FirstName, " \t\n\u200b\u00ad") {
			t.Fatalf("first name %q accepted", r.FirstName)
		}
		if Overlap(r, Offer{Days: Days, Parts: Parts}) != len(r.Days)*len(r.Parts) {
			t.Fatal("overlap with an offer for every slot is not every slot of the request")
		}
	})
}

// FuzzValidateOrganisation: what Validate accepts as an organisation name
// is trimmed, 2 to 80 characters, on one line, without control or format
// characters.
func FuzzValidateOrganisation(f *testing.F) {
	for _, s := range []string{"Buurthuis De Linde", " a ", "Kerk\nNoord", "\u200b\u200b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, org string) {
		o := offer("o")
		o.Organisation = org
		if err := o.Validate(today, nil); err != nil || o.Organisation == "" {
			return
		}
		n := utf8.RuneCountInString(o.Organisation)
		if n < OrganisationMin || n > OrganisationMax || o.Organisation != strings.TrimSpace(o.Organisation) || !utf8.ValidString(o.Organisation) {
			t.Fatalf("accepted %q", o.Organisation)
		}
		for _, c := range o.Organisation {
			if unicode.In(c, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
				t.Fatalf("accepted %q with %U", o.Organisation, c)
			}
		}
	})
}

// Package voorelkaar holds the rules of "voor elkaar": neighbours who need a
// hand post requests, volunteers post offers, and naober suggests who fits
// whom by wijk, category and time. Both sides see only a first name (or,
// for a post on behalf of an organisation, the organisation's name) and a
// wijk until both accept; requests of vulnerable people (via a coordinator,
// or prescribed by a regisseur from a plan) are never public. It knows
// nothing of HTTP or SQL.
package voorelkaar

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/people"
)

// Category is the kind of help, from a fixed list.
type Category string

// Categories in the order the forms show them.
var Categories = []Category{"wandelen", "boodschappen", "vervoer", "formulieren", "klusjes", "gezelschap", "tuin", "digitaal", "overig"}

// Label is the Dutch name of the category.
func (c Category) Label() string {
	switch c {
	case "wandelen":
		return "Samen wandelen"
	case "boodschappen":
		return "Boodschappen doen"
	case "vervoer":
		return "Vervoer naar ziekenhuis of huisarts"
	case "formulieren":
		return "Hulp bij formulieren en administratie"
	case "klusjes":
		return "Klusjes in huis"
	case "gezelschap":
		return "Gezelschap en een praatje"
	case "tuin":
		return "Hulp in de tuin"
	case "digitaal":
		return "Hulp met telefoon of computer"
	case "overig":
		return "Iets anders"
	}
	return string(c)
}

// Valid reports whether the category is on the list.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Days of the week (Monday first), as stored.
var Days = []string{"ma", "di", "wo", "do", "vr", "za", "zo"}

// Parts of the day, as stored.
var Parts = []string{"ochtend", "middag", "avond"}

// DayLabel is the Dutch name of a day code.
func DayLabel(d string) string {
	return map[string]string{"ma": "maandag", "di": "dinsdag", "wo": "woensdag", "do": "donderdag", "vr": "vrijdag", "za": "zaterdag", "zo": "zondag"}[d]
}

// dayOf is the day code of a date.
func dayOf(d people.Date) string {
	return Days[(int(d.Time().Weekday())+6)%7]
}

// Request states.
const (
	Open    = "open"
	Matched = "matched"
	Done    = "done"
	Closed  = "closed"
)

// StateLabel is the Dutch name of a request or offer state.
func StateLabel(s string) string {
	return map[string]string{Open: "Open", Matched: "Gekoppeld", Done: "Gedaan", Closed: "Gesloten"}[s]
}

// Match states.
const (
	MatchProposed = "voorgesteld"
	MatchAccepted = "geaccepteerd"
	MatchDeclined = "afgewezen"
	MatchStopped  = "gestopt" // another match of the request was accepted, or the request closed
)

// Origins of a request.
const (
	OriginResident     = "bewoner"
	OriginCoordinator  = "coordinator" // entered by a coordinator for someone without an account
	OriginPrescription = "voorschrift" // a regisseur turned a plan action into it
)

// Limits on the texts.
const (
	TextMin    = 10
	TextMax    = 1000
	ReasonMin  = 5
	ReasonMax  = 500
	ContactMax = 200
	// OrganisationMin and OrganisationMax bound the name of the
	// organisation a resident posts for.
	OrganisationMin = 2
	OrganisationMax = 80
	// StaleDays: a request open this long without a match is flagged for
	// the coordinator to follow up.
	StaleDays = 14
	// PostsPerDay limits a resident's new requests and offers together.
	PostsPerDay = 10
)

// Request is a request for help.
type Request struct {
	ID        string
	Gemeente  string
	Wijk      string
	AuthorID  string // "" for a prescription or a coordinator's entry, or once the author left
	FirstName string // the only name of a person anyone else sees
	// Organisation is the buurthuis, church or foundation the resident
	// posts for ("" for their own request). Others see it instead of the
	// first name; it names no person.
	Organisation string
	Category     Category
	Days         []string
	Parts        []string
	Date         people.Date // optional: a specific day
	Text         string
	VOG          bool // a VOG (certificate of conduct) is required
	// ViaCoordinator: never listed publicly; only a coordinator of the wijk
	// sees it and matches it by hand.
	ViaCoordinator bool
	Origin         string
	// Contact is how the volunteer reaches the requester once both accepted
	// (a phone number, or for a prescription what the household agreed to
	// share); only then is it shown.
	Contact      string
	Status       string
	CloseReason  string
	Hidden       bool
	HiddenReason string
	Created      time.Time
	Updated      time.Time
	MatchedAt    time.Time
	DoneAt       time.Time
}

// Name is who asks, as the other side sees it: the organisation when the
// request is on behalf of one, else the first name.
func (r Request) Name() string { return nameOf(r.Organisation, r.FirstName) }

// Name is who offers, as the other side sees it.
func (o Offer) Name() string { return nameOf(o.Organisation, o.FirstName) }

func nameOf(org, first string) string {
	if org != "" {
		return org
	}
	return first
}

// Public reports whether the request may be listed to volunteers.
func (r Request) Public() bool { return !r.ViaCoordinator && !r.Hidden && r.Status == Open }

// Offer is a volunteer's offer of help.
type Offer struct {
	ID           string
	Gemeente     string
	AuthorID     string
	FirstName    string
	Organisation string // as for Request: shown instead of the first name
	Categories   []Category
	Days         []string
	Parts        []string
	Wijken       []string
	Text         string
	VOG          bool        // self-declared: holds a VOG
	VOGDate      people.Date // the date on the VOG
	Contact      string      // an optional phone number, released with the e-mail address
	Status       string      // Open or Closed
	Hidden       bool
	HiddenReason string
	Created      time.Time
	Updated      time.Time
}

// FirstName is the first word of a display name: all others see of a person.
func FirstName(display string) string {
	f := strings.Fields(display)
	if len(f) == 0 {
		return "Een buur"
	}
	n := strings.TrimRightFunc(f[0], func(r rune) bool { return unicode.IsPunct(r) })
	if n == "" {
		return "Een buur"
	}
	return n
}

func cleanText(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

// cleanSet keeps the known values of xs, in the order of known, once each.
func cleanSet(xs, known []string) []string {
	var out []string
	for _, k := range known {
		if slices.Contains(xs, k) {
			out = append(out, k)
		}
	}
	return out
}

func checkText(fe *people.FieldErrors, field, text, empty string) {
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		fe.Add(field, empty)
	case n < TextMin:
		fe.Add(field, "Vertel iets meer: gebruik minstens 10 tekens.")
	case n > TextMax:
		fe.Add(field, "De tekst is te lang: gebruik hooguit 1000 tekens.")
	}
}

// cleanOrganisation trims the optional organisation name and checks it:
// 2 to 80 characters on one line, without control or invisible format
// characters (it is shown to others in place of a first name).
func cleanOrganisation(fe *people.FieldErrors, org string) string {
	org = strings.TrimSpace(org)
	if org == "" {
		return ""
	}
	bad := func(c rune) bool {
		return c == utf8.RuneError || unicode.In(c, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
	}
	switch n := utf8.RuneCountInString(org); {
	case strings.IndexFunc(org, bad) >= 0:
		fe.Add("organisatie", "Zet de naam van de organisatie op één regel, met alleen letters, cijfers en gewone leestekens.")
	case n < OrganisationMin:
		fe.Add("organisatie", "De naam van de organisatie is te kort: gebruik minstens 2 tekens.")
	case n > OrganisationMax:
		fe.Add("organisatie", "De naam van de organisatie is te lang: gebruik hooguit 80 tekens.")
	}
	return org
}

func checkContact(fe *people.FieldErrors, field, c string) {
	if utf8.RuneCountInString(c) > ContactMax {
		fe.Add(field, "Houd de contactgegevens kort: hooguit 200 tekens.")
	}
	if strings.ContainsAny(c, "\r\n") {
		fe.Add(field, "Zet de contactgegevens op één regel.")
	}
}

// Validate checks a new request; all problems at once, by form field.
// today is used to refuse a date in the past.
func (r *Request) Validate(today people.Date) error {
	var fe people.FieldErrors
	r.Text = cleanText(r.Text)
	r.Contact = strings.TrimSpace(r.Contact)
	r.FirstName = strings.Join(strings.Fields(r.FirstName), " ")
	if !r.Date.IsZero() {
		if r.Date.Before(today) {
			fe.Add("datum", "Deze datum is al voorbij. Kies een dag vanaf vandaag, of laat de datum leeg.")
		} else if len(r.Days) == 0 {
			r.Days = []string{dayOf(r.Date)}
		}
	}
	r.Days, r.Parts = cleanSet(r.Days, Days), cleanSet(r.Parts, Parts)
	if !r.Category.Valid() {
		fe.Add("categorie", "Kies waarbij u hulp zoekt.")
	}
	if len(r.Days) == 0 {
		fe.Add("dagen", "Kies minstens één dag (of een datum).")
	}
	if len(r.Parts) == 0 {
		fe.Add("dagdelen", "Kies minstens één dagdeel: ochtend, middag of avond.")
	}
	checkText(&fe, "tekst", r.Text, "Beschrijf kort waarbij u hulp zoekt.")
	checkContact(&fe, "contact", r.Contact)
	r.Organisation = cleanOrganisation(&fe, r.Organisation)
	switch n := utf8.RuneCountInString(r.FirstName); {
	case n == 0:
		fe.Add("voornaam", "Vul een voornaam in.")
	case n > 40 || strings.Contains(r.FirstName, " "):
		fe.Add("voornaam", "Gebruik alleen een voornaam (één woord).")
	case strings.IndexFunc(r.FirstName, func(c rune) bool { return unicode.IsControl(c) || unicode.Is(unicode.Cf, c) || c == utf8.RuneError }) >= 0:
		fe.Add("voornaam", "Gebruik in de voornaam alleen letters en gewone leestekens.")
	}
	if r.Wijk == "" || r.Gemeente == "" {
		fe.Add("wijk", "Een hulpvraag hoort bij een wijk.")
	}
	return fe.Err()
}

// Validate checks a new offer.
func (o *Offer) Validate(today people.Date, wijkOK func(string) bool) error {
	var fe people.FieldErrors
	o.Text = cleanText(o.Text)
	o.Contact = strings.TrimSpace(o.Contact)
	o.Days, o.Parts = cleanSet(o.Days, Days), cleanSet(o.Parts, Parts)
	var cats []Category
	for _, c := range Categories {
		if slices.Contains(o.Categories, c) {
			cats = append(cats, c)
		}
	}
	if len(cats) != len(o.Categories) || len(cats) == 0 {
		fe.Add("categorieen", "Kies minstens één soort hulp uit de lijst.")
	}
	o.Categories = cats
	if len(o.Days) == 0 {
		fe.Add("dagen", "Kies minstens één dag waarop u kunt helpen.")
	}
	if len(o.Parts) == 0 {
		fe.Add("dagdelen", "Kies minstens één dagdeel: ochtend, middag of avond.")
	}
	slices.Sort(o.Wijken)
	o.Wijken = slices.Compact(o.Wijken)
	if len(o.Wijken) == 0 {
		fe.Add("wijken", "Kies minstens één wijk waar u wilt helpen.")
	}
	for _, w := range o.Wijken {
		if wijkOK != nil && !wijkOK(w) {
			fe.Add("wijken", "Kies alleen wijken van uw eigen gemeente.")
			break
		}
	}
	checkText(&fe, "tekst", o.Text, "Vertel kort wat u graag doet.")
	checkContact(&fe, "telefoon", o.Contact)
	o.Organisation = cleanOrganisation(&fe, o.Organisation)
	if o.VOG {
		switch {
		case o.VOGDate.IsZero():
			fe.Add("vog_datum", "Vul de datum van uw VOG in.")
		case today.Before(o.VOGDate):
			fe.Add("vog_datum", "De datum van uw VOG ligt in de toekomst.")
		}
	} else {
		o.VOGDate = people.Date{}
	}
	return fe.Err()
}

// ValidateReason checks the reason for closing, hiding or reporting.
func ValidateReason(field, reason string) (string, error) {
	reason = cleanText(reason)
	var fe people.FieldErrors
	switch n := utf8.RuneCountInString(reason); {
	case n < ReasonMin:
		fe.Add(field, "Geef een reden (minstens 5 tekens).")
	case n > ReasonMax:
		fe.Add(field, "De reden is te lang: gebruik hooguit 500 tekens.")
	}
	return reason, fe.Err()
}

// Feedback is one side's word after the help.
type Feedback struct {
	Side   string // "vraag" or "aanbod"
	Rating int    // 1..5, 0 = none given
	Text   string
	At     time.Time
}

// Validate checks feedback: both optional, but something must be said.
func (f *Feedback) Validate() error {
	var fe people.FieldErrors
	f.Text = cleanText(f.Text)
	if f.Rating < 0 || f.Rating > 5 {
		fe.Add("waardering", "Kies een waardering van 1 tot 5 sterren, of geen.")
	}
	if utf8.RuneCountInString(f.Text) > 500 {
		fe.Add("tekst", "Houd het kort: hooguit 500 tekens.")
	}
	if f.Rating == 0 && f.Text == "" {
		fe.Add("tekst", "Geef een waardering of schrijf een paar woorden.")
	}
	return fe.Err()
}

// Overlap counts the time slots (day × part of day) request and offer share.
func Overlap(r Request, o Offer) int {
	n := 0
	for _, d := range r.Days {
		if slices.Contains(o.Days, d) {
			for _, p := range r.Parts {
				if slices.Contains(o.Parts, p) {
					n++
				}
			}
		}
	}
	return n
}

// Fits reports whether the offer can answer the request: same gemeente,
// the request's wijk among the offer's, the category offered, a shared
// time slot, and a VOG when the request needs one. Hidden or closed
// offers and offers of the requester themselves never fit.
func Fits(r Request, o Offer) bool {
	return o.Status == Open && !o.Hidden && r.Gemeente == o.Gemeente &&
		(r.AuthorID == "" || r.AuthorID != o.AuthorID) &&
		slices.Contains(o.Wijken, r.Wijk) && slices.Contains(o.Categories, r.Category) &&
		Overlap(r, o) > 0 && (!r.VOG || o.VOG)
}

// Suggestion is an offer that fits a request, with why.
type Suggestion struct {
	Request Request
	Offer   Offer
	Slots   int // shared time slots
}

// Rank orders suggestions, best first, deterministically: more shared time
// slots; then a volunteer who offers fewer kinds of help (who chose this
// work on purpose); then the older post (waited longer); then the id.
func Rank(s []Suggestion) {
	slices.SortStableFunc(s, func(a, b Suggestion) int {
		if c := cmp.Compare(b.Slots, a.Slots); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.Offer.Categories), len(b.Offer.Categories)); c != 0 {
			return c
		}
		if c := a.Offer.Created.Compare(b.Offer.Created); c != 0 {
			return c
		}
		if c := a.Request.Created.Compare(b.Request.Created); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Offer.ID, b.Offer.ID); c != 0 {
			return c
		}
		return cmp.Compare(a.Request.ID, b.Request.ID)
	})
}

// OffersFor are the offers that fit the request, best first.
func OffersFor(r Request, offers []Offer) []Suggestion {
	var out []Suggestion
	for _, o := range offers {
		if Fits(r, o) {
			out = append(out, Suggestion{Request: r, Offer: o, Slots: Overlap(r, o)})
		}
	}
	Rank(out)
	return out
}

// RequestsFor are the open requests the offer fits, best first. Requests
// via a coordinator are left out: volunteers never see them.
func RequestsFor(o Offer, reqs []Request) []Suggestion {
	var out []Suggestion
	for _, r := range reqs {
		if r.Public() && Fits(r, o) {
			out = append(out, Suggestion{Request: r, Offer: o, Slots: Overlap(r, o)})
		}
	}
	Rank(out)
	return out
}

// MatcherOf reports whether p may see and match requests in the wijk:
// auth.MatchHelp in the gemeente and the wijk among p's wijken.
func MatcherOf(p *auth.Principal, gemeente, wijk string) bool {
	return p.Can(auth.MatchHelp, gemeente) && slices.Contains(p.Wijken, wijk)
}

// MedianDuration is the median of ds (0 for none).
func MedianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// When says in Dutch when help is wanted or offered: "maandag, woensdag ·
// ochtend", or the date when there is one.
func When(days, parts []string, date people.Date) string {
	var ds []string
	for _, d := range days {
		ds = append(ds, DayLabel(d))
	}
	s := strings.Join(ds, ", ")
	if len(days) == len(Days) {
		s = "elke dag"
	}
	if !date.IsZero() {
		s = date.Dutch()
	}
	if len(parts) > 0 {
		s += " · " + strings.Join(parts, ", ")
	}
	return s
}

// When is the request's time in Dutch.
func (r Request) When() string { return When(r.Days, r.Parts, r.Date) }

// StateLabel is the request's state in Dutch.
func (r Request) StateLabel() string { return StateLabel(r.Status) }

// When is the offer's time in Dutch.
func (o Offer) When() string { return When(o.Days, o.Parts, people.Date{}) }

// CategoryLabels lists what the offer offers, in Dutch.
func (o Offer) CategoryLabels() string {
	var s []string
	for _, c := range o.Categories {
		s = append(s, c.Label())
	}
	return strings.Join(s, ", ")
}

// MatchStateLabel is the match state in Dutch.
func MatchStateLabel(s string) string {
	return map[string]string{MatchProposed: "Voorgesteld", MatchAccepted: "Afgesproken", MatchDeclined: "Afgewezen", MatchStopped: "Gestopt"}[s]
}

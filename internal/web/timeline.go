package web

import (
	"net/http"
	"sort"
	"time"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

func (s *Server) routesTimeline(r *router) {
	r.page("POST /huishoudens/{id}/notities", s.addNote)
	r.endpoint("GET /api/v1/households/{id}/notes", apiDoc{Summary: "Notities van een huishouden (gevoelige alleen voor de regisseur, de auteur en teamleiders)", Tag: "Dossier", Roles: "regisseur, teamleider",
		Response: itemsOf[casework.Note]{}}, s.apiNotes)
	r.endpoint("POST /api/v1/households/{id}/notes", apiDoc{Summary: "Notitie toevoegen", Tag: "Dossier", Roles: "regisseur, teamleider",
		Body: noteInput{}, Response: casework.Note{}, Status: 201}, s.apiAddNote)
	r.endpoint("GET /api/v1/households/{id}/timeline", apiDoc{Summary: "Het hele dossier van een huishouden op tijdsvolgorde", Tag: "Dossier", Roles: "regisseur, teamleider",
		Response: itemsOf[timelineItem]{}}, s.apiTimeline)
}

// timelineItem is one event in a household's file.
type timelineItem struct {
	When   time.Time `json:"wanneer"`
	Kind   string    `json:"soort"` // lid, signaal, casus, zrm, plan, voorziening, toewijzing, declaratie, besteding, notitie, evaluatie
	Title  string    `json:"titel"`
	Detail string    `json:"details,omitempty"`
	Link   string    `json:"link,omitempty"`
	Tag    string    `json:"label,omitempty"` // e.g. "gevoelig"
}

// timelineSource adds one kind of event to the file. Each reads through the
// store, which audits the read.
type timelineSource func(s *Server, r *http.Request, a store.Actor, h people.Household) ([]timelineItem, error)

// timelineSources lists every kind of event in the household's file.
var timelineSources = []timelineSource{memberEvents, noteEvents, signalEvents, caseEvents, assessmentEvents, planEvents, provisionEvents, exchangeEvents, spendEvents}

func dateTime(d people.Date) time.Time { return d.Time() }

func memberEvents(s *Server, r *http.Request, a store.Actor, h people.Household) ([]timelineItem, error) {
	var out []timelineItem
	for _, m := range h.Members {
		name := nameOrUnknown(m.Person.Name())
		out = append(out, timelineItem{When: dateTime(m.Start), Kind: "lid", Title: name + " hoort bij het huishouden (" + m.Rol + ")", Link: "/personen/" + m.Person.ID})
		if m.Eind != nil {
			out = append(out, timelineItem{When: dateTime(*m.Eind), Kind: "lid", Title: name + " hoort niet meer bij het huishouden", Link: "/personen/" + m.Person.ID})
		}
	}
	return out, nil
}

func noteEvents(s *Server, r *http.Request, a store.Actor, h people.Household) ([]timelineItem, error) {
	notes, err := s.Store.NotesForHousehold(r.Context(), a, h.ID)
	if err != nil {
		return nil, err
	}
	var out []timelineItem
	for _, n := range notes {
		it := timelineItem{When: n.Created, Kind: "notitie", Title: "Notitie van " + n.AuthorEmail, Detail: n.Text}
		if n.Sensitive {
			it.Tag = "gevoelig"
		}
		out = append(out, it)
	}
	return out, nil
}

// timeline assembles the household's whole file, newest first.
func (s *Server) timeline(r *http.Request, a store.Actor, h people.Household) ([]timelineItem, error) {
	var all []timelineItem
	for _, src := range timelineSources {
		items, err := src(s, r, a, h)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].When.After(all[j].When) })
	return all, nil
}

func (s *Server) apiTimeline(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	items, err := s.timeline(r, a, h)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[timelineItem]{Items: nonNil(items)})
}

type noteInput struct {
	Tekst    string `json:"tekst"`
	Gevoelig bool   `json:"gevoelig"`
}

func (s *Server) apiNotes(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	notes, err := s.Store.NotesForHousehold(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.Note]{Items: nonNil(notes)})
}

func (s *Server) apiAddNote(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in noteInput
	if err := decode(r, &in); err != nil {
		return err
	}
	n := casework.Note{Household: r.PathValue("id"), Text: in.Tekst, Sensitive: in.Gevoelig}
	if err := s.Store.AddNote(r.Context(), actor(r, p), &n); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, n)
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	n := casework.Note{Household: r.PathValue("id"), Text: r.PostFormValue("tekst"), Sensitive: r.PostFormValue("gevoelig") == "1"}
	err = s.Store.AddNote(r.Context(), actor(r, p), &n)
	if fe, ok := people.AsFieldErrors(err); ok {
		return s.renderHousehold(w, r, p, http.StatusUnprocessableEntity, page{Errors: fe, Form: map[string]string{"tekst": r.PostFormValue("tekst")}})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/huishoudens/"+n.Household+"?opgeslagen=1#dossier", http.StatusSeeOther)
	return nil
}

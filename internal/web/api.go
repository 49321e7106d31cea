package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

func (s *Server) routesAPI(r *router) {
	const tagPeople = "Personen en huishoudens"
	const rw = "regisseur, teamleider"
	hhQuery := []param{{"gemeente", "CBS-code; leeg = alle gemeenten van de gebruiker"}, {"wijk", "CBS-wijkcode"}, {"postcode", "postcode, bijvoorbeeld 7941AB"},
		{"huisnummer", "huisnummer (met postcode)"}, {"page", "pagina, vanaf 1"}, {"per_page", "aantal per pagina, hooguit 200 (standaard 50)"}}
	r.endpoint("GET /api/v1/gemeenten", apiDoc{Summary: "Alle gemeenten van 2024", Tag: "Gebieden", Public: true, Response: []codeNaam{}}, s.apiGemeenten)
	r.endpoint("GET /api/v1/gemeenten/{code}/wijken", apiDoc{Summary: "De wijken van een gemeente", Tag: "Gebieden", Public: true, Response: []codeNaam{}}, s.apiWijken)
	r.endpoint("GET /api/v1/me", apiDoc{Summary: "De ingelogde gebruiker en zijn rollen", Tag: "Gebruikers", Roles: "iedere gebruiker", Response: meResponse{}}, s.apiMe)
	r.endpoint("GET /api/v1/households", apiDoc{Summary: "Huishoudens die de gebruiker mag zien, per pagina", Tag: tagPeople, Roles: rw, Query: hhQuery, Response: store.HouseholdPage{}}, s.apiHouseholds)
	r.endpoint("POST /api/v1/households", apiDoc{Summary: "Huishouden aanmaken", Tag: tagPeople, Roles: rw, Body: householdInput{}, Response: people.Household{}, Status: 201}, s.apiCreateHousehold)
	r.endpoint("GET /api/v1/households/{id}", apiDoc{Summary: "Huishouden met leden", Tag: tagPeople, Roles: rw, Response: people.Household{}}, s.apiHousehold)
	r.endpoint("PUT /api/v1/households/{id}", apiDoc{Summary: "Adres van een huishouden wijzigen", Tag: tagPeople, Roles: rw, Body: householdInput{}, Response: people.Household{}}, s.apiUpdateHousehold)
	r.endpoint("POST /api/v1/households/{id}/members", apiDoc{Summary: "Bestaande persoon lid maken", Tag: tagPeople, Roles: rw, Body: memberInput{}, Response: idResponse{}, Status: 201}, s.apiAddMember)
	r.endpoint("POST /api/v1/households/{id}/members/{member}/end", apiDoc{Summary: "Lidmaatschap beëindigen", Tag: tagPeople, Roles: rw, Body: endInput{}}, s.apiEndMember)
	r.endpoint("POST /api/v1/persons", apiDoc{Summary: "Persoon aanmaken, eventueel meteen in een huishouden", Tag: tagPeople, Roles: rw, Body: personInput{}, Response: people.Person{}, Status: 201}, s.apiCreatePerson)
	r.endpoint("GET /api/v1/persons/{id}", apiDoc{Summary: "Persoon met BSN en huishoudens", Tag: tagPeople, Roles: rw, Response: store.PersonDetail{}}, s.apiPerson)
	r.endpoint("PUT /api/v1/persons/{id}", apiDoc{Summary: "Persoonsgegevens wijzigen", Tag: tagPeople, Roles: rw, Body: personInput{}, Response: people.Person{}}, s.apiUpdatePerson)
	r.endpoint("POST /api/v1/persons/search", apiDoc{Summary: "Zoek op exact BSN of op naam (in de body, nooit in de URL)", Tag: tagPeople, Roles: rw, Body: searchInput{}, Response: itemsOf[store.PersonHit]{}}, s.apiSearchPersons)
	r.endpoint("GET /api/v1/audit", apiDoc{Summary: "Het auditlog, nieuwste eerst", Tag: "Beheer", Roles: "beheer",
		Query: []param{{"gemeente", "CBS-code"}, {"gebruiker", "e-mailadres"}, {"record", "record-id"}, {"soort", "soort gegeven"}, {"actie", "lezen, zoeken, aanmaken, wijzigen"},
			{"van", "datum"}, {"tot", "datum (tot en met)"}, {"voor", "alleen regels met een lager id (bladeren)"}, {"aantal", "hooguit 1000"}},
		Response: itemsOf[audit.Record]{}}, s.apiAudit)
	r.raw("/api/", func(w http.ResponseWriter, req *http.Request) {
		s.fail(w, req, errs.E(errs.NotFound, "Onbekend API-pad."))
	})
}

type meResponse struct {
	ID     string       `json:"id"`
	Email  string       `json:"email"`
	Naam   string       `json:"naam"`
	Rollen []auth.Grant `json:"rollen"`
	// Bewoner is set for a resident's account; Wijken for a wijkcoordinator.
	Bewoner *meResident `json:"bewoner,omitempty"`
	Wijken  []string    `json:"wijken,omitempty"`
}

type meResident struct {
	Gemeente  string `json:"gemeente"`
	Wijk      string `json:"wijk"`
	Naam      string `json:"naam"`
	Bevestigd bool   `json:"bevestigd"`
}

type idResponse struct {
	ID string `json:"id"`
}

type endInput struct {
	Eind people.Date `json:"eind"`
}

type searchInput struct {
	BSN  string `json:"bsn"`
	Naam string `json:"naam"`
}

// itemsOf is the envelope of list answers.
type itemsOf[T any] struct {
	Items []T `json:"items"`
}

type codeNaam struct {
	Code string `json:"code"`
	Naam string `json:"naam"`
}

func (s *Server) apiGemeenten(w http.ResponseWriter, r *http.Request) error {
	out := []codeNaam{}
	for _, g := range s.Atlas.Gemeenten() {
		out = append(out, codeNaam{g.Code, g.Naam})
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	return writeJSONPublic(w, out)
}

func (s *Server) apiWijken(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if _, ok := s.Atlas.Gemeente(code); !ok {
		return errs.E(errs.NotFound, "Onbekende gemeentecode %q.", code)
	}
	out := []codeNaam{}
	for _, wk := range s.Atlas.Wijken(code) {
		out = append(out, codeNaam{wk.Code, wk.Naam})
	}
	return writeJSONPublic(w, out)
}

// writeJSONPublic is for public, cacheable reference data.
func writeJSONPublic(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(append(b, '\n'))
	return nil
}

// decode reads a JSON body strictly: unknown fields are an error naming the field.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return errs.E(errs.Invalid, "De JSON is ongeldig bij teken %d.", se.Offset)
		case errors.As(err, &te):
			return errs.E(errs.Invalid, "%s: verwacht %s", te.Field, te.Type)
		case errors.Is(err, io.EOF):
			return errs.E(errs.Invalid, "De body is leeg; stuur JSON.")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return errs.E(errs.Invalid, "De JSON is ongeldig: hij houdt halverwege op.")
		}
		return errs.E(errs.Invalid, "De JSON klopt niet: %s", err.Error())
	}
	return nil
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	me := meResponse{ID: p.UserID, Email: p.Email, Naam: p.Name, Rollen: nonNil(p.Grants), Wijken: p.Wijken}
	if r := p.Resident; r != nil {
		me.Bewoner = &meResident{Gemeente: r.Gemeente, Wijk: r.Wijk, Naam: r.DisplayName, Bevestigd: r.Verified}
	}
	return writeJSON(w, 200, me)
}

func (s *Server) apiHouseholds(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.HouseholdFilter{Gemeente: q.Get("gemeente"), Wijk: q.Get("wijk"), Postcode: q.Get("postcode")}
	for _, x := range []struct {
		name string
		dst  *int
	}{{"huisnummer", &f.Huisnummer}, {"page", &f.Page}, {"per_page", &f.PerPage}} {
		if v := q.Get(x.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return errs.E(errs.Invalid, "%s: verwacht een positief getal", x.name)
			}
			*x.dst = n
		}
	}
	page, err := s.Store.ListHouseholds(r.Context(), actor(r, p), f)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, page)
}

type householdInput struct {
	Gemeente   string `json:"gemeente"`
	Postcode   string `json:"postcode"`
	Huisnummer int    `json:"huisnummer"`
	Toevoeging string `json:"toevoeging"`
	Wijk       string `json:"wijk"`
	Buurt      string `json:"buurt"`
	// Search before create: a second household at a known address or for a
	// known BSN needs an explicit confirmation with a reason.
	BSN          string `json:"bsn,omitempty"`
	TochAanmaken bool   `json:"toch_aanmaken,omitempty"`
	Reden        string `json:"reden,omitempty"`
}

func (in householdInput) household() people.Household {
	return people.Household{Gemeente: in.Gemeente, Postcode: in.Postcode, Huisnummer: in.Huisnummer, Toevoeging: in.Toevoeging, Wijk: in.Wijk, Buurt: in.Buurt}
}

func (s *Server) apiCreateHousehold(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in householdInput
	if err := decode(r, &in); err != nil {
		return err
	}
	h := in.household()
	if err := s.Store.CreateHouseholdChecked(r.Context(), actor(r, p), &h, in.BSN, in.TochAanmaken, in.Reden); err != nil {
		if d, ok := store.AsDuplicate(err); ok {
			return writeDuplicate(w, d)
		}
		return err
	}
	w.Header().Set("Location", "/api/v1/households/"+h.ID)
	return writeJSON(w, http.StatusCreated, h)
}

func (s *Server) apiHousehold(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	h, err := s.Store.GetHousehold(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, h)
}

func (s *Server) apiUpdateHousehold(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in householdInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.BSN != "" || in.TochAanmaken || in.Reden != "" {
		return errs.E(errs.Invalid, "toch_aanmaken: alleen bij het aanmaken van een huishouden")
	}
	h := in.household()
	h.ID = r.PathValue("id")
	if err := s.Store.UpdateHousehold(r.Context(), actor(r, p), &h); err != nil {
		return err
	}
	h, err = s.Store.GetHousehold(r.Context(), actor(r, p), h.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, h)
}

type personInput struct {
	Gemeente      string      `json:"gemeente"`
	BSN           string      `json:"bsn"`
	Voornamen     string      `json:"voornamen"`
	Tussenvoegsel string      `json:"tussenvoegsel"`
	Achternaam    string      `json:"achternaam"`
	Geboortedatum people.Date `json:"geboortedatum"`
	Geslacht      string      `json:"geslacht"`
	// Optional: put the new person in a household at once.
	Huishouden string      `json:"huishouden"`
	Rol        string      `json:"rol"`
	Start      people.Date `json:"start"`
}

func (in personInput) person() people.Person {
	return people.Person{Gemeente: in.Gemeente, BSN: in.BSN, Voornamen: in.Voornamen, Tussenvoegsel: in.Tussenvoegsel, Achternaam: in.Achternaam,
		Geboortedatum: in.Geboortedatum, Geslacht: in.Geslacht}
}

func (s *Server) apiCreatePerson(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in personInput
	if err := decode(r, &in); err != nil {
		return err
	}
	pr := in.person()
	var m *people.Member
	if in.Huishouden != "" {
		m = &people.Member{Household: in.Huishouden, Rol: in.Rol, Start: in.Start}
	}
	if err := s.Store.CreatePerson(r.Context(), actor(r, p), &pr, m); err != nil {
		return err
	}
	pr.BSN = "" // the caller sent it; do not echo special-category data
	w.Header().Set("Location", "/api/v1/persons/"+pr.ID)
	return writeJSON(w, http.StatusCreated, pr)
}

func (s *Server) apiPerson(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	d, err := s.Store.GetPerson(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, d)
}

func (s *Server) apiUpdatePerson(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in personInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Huishouden != "" || in.Rol != "" || !in.Start.IsZero() {
		return errs.E(errs.Invalid, "huishouden: lidmaatschap wijzigt u via /api/v1/households/{id}/members")
	}
	pr := in.person()
	pr.ID = r.PathValue("id")
	if err := s.Store.UpdatePerson(r.Context(), actor(r, p), &pr); err != nil {
		return err
	}
	pr.BSN = ""
	return writeJSON(w, 200, pr)
}

type memberInput struct {
	Persoon string       `json:"persoon"`
	Rol     string       `json:"rol"`
	Start   people.Date  `json:"start"`
	Eind    *people.Date `json:"eind"`
}

func (s *Server) apiAddMember(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in memberInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Persoon == "" {
		return &people.FieldError{Field: "persoon", Message: "geef het id van de persoon"}
	}
	m := people.Member{Household: r.PathValue("id"), Person: people.Person{ID: in.Persoon}, Rol: in.Rol, Start: in.Start, Eind: in.Eind}
	if err := s.Store.AddMember(r.Context(), actor(r, p), &m); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, idResponse{ID: m.ID})
}

func (s *Server) apiEndMember(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in endInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.Store.EndMember(r.Context(), actor(r, p), r.PathValue("id"), r.PathValue("member"), in.Eind); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiSearchPersons takes the BSN in the body, never in a URL.
func (s *Server) apiSearchPersons(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in searchInput
	if err := decode(r, &in); err != nil {
		return err
	}
	var hits []store.PersonHit
	switch {
	case in.BSN != "" && in.Naam != "":
		return errs.E(errs.Invalid, "Zoek op bsn of op naam, niet op beide.")
	case in.BSN != "":
		hits, err = s.Store.FindByBSN(r.Context(), actor(r, p), in.BSN)
	default:
		hits, err = s.Store.SearchPersons(r.Context(), actor(r, p), in.Naam, 50)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[store.PersonHit]{Items: nonNil(hits)})
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	f, err := auditFilter(r.URL.Query(), p)
	if err != nil {
		return err
	}
	recs, err := s.Store.SearchAudit(r.Context(), p, f)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[audit.Record]{Items: nonNil(recs)})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

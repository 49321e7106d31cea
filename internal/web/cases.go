package web

import (
	"net/http"
	"strings"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

func (s *Server) routesCases(r *router) {
	r.page("GET /huishoudens/{id}/casus", s.casePage)
	r.page("POST /huishoudens/{id}/casus", s.openCase)
	r.page("POST /huishoudens/{id}/casus/overdracht", s.handOver)
	r.page("POST /huishoudens/{id}/casus/afsluiten", s.closeCase)
	r.page("GET /caseload", s.caseloadPage)

	const tag = "Casus en regisseur"
	const team = "regisseur, teamleider"
	r.endpoint("GET /api/v1/households/{id}/case", apiDoc{Summary: "De actieve casus van een huishouden met regisseur, alle casussen en overdrachten", Tag: tag, Roles: team,
		Response: caseResponse{}}, s.apiCase)
	r.endpoint("POST /api/v1/households/{id}/case", apiDoc{Summary: "Casus openen met één regisseur (leeg = uzelf); een huishouden heeft hooguit één actieve casus (anders 409)",
		Tag: tag, Roles: team, Body: openCaseInput{}, Response: casework.Case{}, Status: http.StatusCreated}, s.apiOpenCase)
	r.endpoint("POST /api/v1/households/{id}/case/handover", apiDoc{Summary: "Casus overdragen aan een collega, met een notitie (alleen de regisseur of een teamleider)",
		Tag: tag, Roles: team, Body: handoverInput{}, Response: casework.Handover{}}, s.apiHandOver)
	r.endpoint("POST /api/v1/households/{id}/case/close", apiDoc{Summary: "Casus afsluiten met een reden (alleen de regisseur of een teamleider)",
		Tag: tag, Roles: team, Body: closeInput{}, Response: casework.Case{}}, s.apiCloseCase)
	r.endpoint("GET /api/v1/caseload", apiDoc{Summary: "Caseload: voor een teamleider het aantal actieve casussen per regisseur; voor een regisseur de eigen huishoudens",
		Tag: tag, Roles: team, Query: []param{{"gemeente", "CBS-code (teamleider)"}, {"regisseur", "gebruiker-id: de huishoudens van deze regisseur (teamleider, of uzelf)"}},
		Response: caseloadResponse{}}, s.apiCaseload)
}

// casePanel is what the "case_panel" template (templates/partial_case.html)
// needs: the household's active case and regisseur, and the forms to open,
// hand over or close it. The household page includes it with
// {{template "case_panel" .Data.Case}} after calling Server.casePanel.
type casePanel struct {
	Household  people.Household
	Case       *casework.Case
	Colleagues []store.User // who may become regisseur: regisseurs and teamleiders of the gemeente
	CanWrite   bool         // may open a case
	CanChange  bool         // may hand over or close: the regisseur or a teamleider
	Self       string       // the viewer's user id
	Errors     people.FieldErrors
	Form       map[string]string
	OnCasePage bool
}

// Err and Val serve the panel's fields like page.Err and page.Val.
func (c casePanel) Err(field string) string { return c.Errors.For(field) }
func (c casePanel) Val(field string) string { return c.Form[field] }

// casePanel reads the household's active case (audited) and, for those
// who may act on it, the colleagues to choose from.
func (s *Server) casePanel(r *http.Request, p *auth.Principal, h people.Household) (casePanel, error) {
	a := actor(r, p)
	cp := casePanel{Household: h, Self: p.UserID, CanWrite: p.Can(auth.WritePersons, h.Gemeente), Form: map[string]string{}}
	c, ok, err := s.Store.ActiveCase(r.Context(), a, h.ID)
	if err != nil {
		return cp, err
	}
	if ok {
		cp.Case = &c
		cp.CanChange = cp.CanWrite && (c.RegisseurID == p.UserID || p.Can(auth.ManageTeam, h.Gemeente))
	}
	if (cp.Case == nil && cp.CanWrite) || cp.CanChange {
		if cp.Colleagues, err = s.Store.Caseworkers(r.Context(), a, h.Gemeente); err != nil {
			return cp, err
		}
	}
	return cp, nil
}

type casePageData struct {
	Household    people.Household
	Panel        casePanel
	Cases        []casework.Case
	Handovers    []casework.Handover
	Confirmation *store.HouseholdConfirmation
}

func (s *Server) caseData(r *http.Request, p *auth.Principal, id string) (casePageData, error) {
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, id)
	if err != nil {
		return casePageData{}, err
	}
	d := casePageData{Household: h}
	if d.Panel, err = s.casePanel(r, p, h); err != nil {
		return d, err
	}
	d.Panel.OnCasePage = true
	if d.Cases, d.Handovers, err = s.Store.CaseHistory(r.Context(), a, id); err != nil {
		return d, err
	}
	c, ok, err := s.Store.ConfirmationFor(r.Context(), a, id)
	if err != nil {
		return d, err
	}
	if ok {
		d.Confirmation = &c
	}
	return d, nil
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	d, err := s.caseData(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	notice := ""
	switch {
	case r.URL.Query().Get("geopend") != "":
		notice = "De casus is geopend."
	case r.URL.Query().Get("overgedragen") != "":
		notice = "De casus is overgedragen."
	case r.URL.Query().Get("afgesloten") != "":
		notice = "De casus is afgesloten."
	}
	s.renderPage(w, r, 200, "case", page{Title: "Casus " + d.Household.Address(), Notice: notice, Data: d})
	return nil
}

// caseFormResult finishes a case form: redirect on success; the case page
// with the errors beside the fields (422) or a conflict (409); other errors
// to the error page. fields maps store field names to the panel's ids.
func (s *Server) caseFormResult(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error, done string, form map[string]string, fields map[string]string) error {
	id := r.PathValue("id")
	if err == nil {
		http.Redirect(w, r, "/huishoudens/"+id+"/casus?"+done+"=1", http.StatusSeeOther)
		return nil
	}
	var fe people.FieldErrors
	code := http.StatusUnprocessableEntity
	if f, ok := people.AsFieldErrors(err); ok {
		for _, e := range f {
			name := fields[e.Field]
			if name == "" {
				name = "casus"
			}
			fe = append(fe, &people.FieldError{Field: name, Message: e.Message})
		}
	} else if errs.Is(err, errs.Conflict) {
		code = http.StatusConflict
		fe = people.FieldErrors{{Field: "casus", Message: errs.Message(err)}}
	} else {
		return err
	}
	d, derr := s.caseData(r, p, id)
	if derr != nil {
		return derr
	}
	d.Panel.Errors, d.Panel.Form = fe, form
	s.renderPage(w, r, code, "case", page{Title: "Casus " + d.Household.Address(), Data: d, Errors: fe})
	return nil
}

func (s *Server) openCase(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{"regisseur": strings.TrimSpace(r.PostFormValue("regisseur"))}
	_, err = s.Store.OpenCase(r.Context(), actor(r, p), r.PathValue("id"), form["regisseur"])
	return s.caseFormResult(w, r, p, err, "geopend", form, map[string]string{"regisseur": "casus-regisseur"})
}

func (s *Server) handOver(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{"naar": strings.TrimSpace(r.PostFormValue("regisseur")), "notitie": r.PostFormValue("notitie")}
	_, err = s.Store.HandOver(r.Context(), actor(r, p), r.PathValue("id"), form["naar"], form["notitie"])
	return s.caseFormResult(w, r, p, err, "overgedragen", form, map[string]string{"regisseur": "casus-naar", "notitie": "casus-notitie"})
}

func (s *Server) closeCase(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{"reden": r.PostFormValue("reden")}
	_, err = s.Store.CloseCase(r.Context(), actor(r, p), r.PathValue("id"), form["reden"])
	return s.caseFormResult(w, r, p, err, "afgesloten", form, map[string]string{"reden": "casus-reden"})
}

// duplicateFormError turns a search-before-create conflict into the form
// error (field "toch_aanmaken", for the error summary) and the data of the
// "duplicate_household" partial; ok is false for any other error. A form
// that starts a household answers it with 409 and shows the partial and a
// "reden" field.
func duplicateFormError(err error) (people.FieldErrors, *store.DuplicateHousehold, bool) {
	d, ok := store.AsDuplicate(err)
	if !ok {
		return nil, nil, false
	}
	msg := "Op dit adres is al een huishouden bekend. Gebruik dat huishouden, of bevestig met een reden dat hier een tweede huishouden woont."
	if d.Field == "bsn" {
		msg = "Deze persoon hoort al bij een huishouden. Voeg de persoon daar toe, of bevestig met een reden dat er een nieuw huishouden komt."
	}
	return people.FieldErrors{{Field: "toch_aanmaken", Message: msg}}, d, true
}

// --- caseload ---

type caseloadData struct {
	Rows       []casework.CaseloadRow // the team's counts (teamleider)
	Households []store.CaseHousehold  // one regisseur's households
	Whose      string                 // whose households: "" = the viewer's own
	Lead       bool
	Gemeenten  []string
	Total      int
}

// caseload gathers the caseload: a teamleider gets the counts per
// regisseur (and, with regisseur set, that regisseur's households);
// a regisseur their own households.
func (s *Server) caseload(r *http.Request, p *auth.Principal, gemeente, regisseur string) (caseloadData, error) {
	a := actor(r, p)
	var d caseloadData
	for _, gm := range p.Gemeenten(auth.WritePersons) {
		if p.Can(auth.ManageTeam, gm) {
			d.Gemeenten = append(d.Gemeenten, gm)
		}
	}
	d.Lead = len(d.Gemeenten) > 0
	if !p.CanAnywhere(auth.ReadPersons) {
		return d, errs.E(errs.Forbidden, "Uw rol geeft geen toegang tot huishoudens.")
	}
	var err error
	if d.Lead {
		if d.Rows, err = s.Store.Caseload(r.Context(), a, gemeente); err != nil {
			return d, err
		}
		for _, row := range d.Rows {
			d.Total += row.Active
		}
	}
	if regisseur == "" && d.Lead {
		return d, nil
	}
	if regisseur == "" {
		regisseur = p.UserID
	}
	if d.Households, err = s.Store.RegisseurHouseholds(r.Context(), a, regisseur); err != nil {
		return d, err
	}
	if regisseur != p.UserID || d.Lead {
		d.Whose = regisseur
		for _, row := range d.Rows {
			if row.UserID == regisseur {
				d.Whose = row.Label()
			}
		}
	}
	return d, nil
}

func (s *Server) caseloadPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d, err := s.caseload(r, p, q.Get("gemeente"), q.Get("regisseur"))
	if err != nil {
		return err
	}
	title := "Mijn caseload"
	switch {
	case d.Whose != "":
		title = "Caseload van " + d.Whose
	case d.Lead:
		title = "Caseload van het team"
	}
	s.renderPage(w, r, 200, "caseload", page{Title: title, Data: d, Form: map[string]string{"gemeente": q.Get("gemeente")}})
	return nil
}

// --- API ---

type caseResponse struct {
	Active    *casework.Case      `json:"actief"`
	Cases     []casework.Case     `json:"casussen"`
	Handovers []casework.Handover `json:"overdrachten"`
}

type openCaseInput struct {
	Regisseur string `json:"regisseur"` // user id or e-mail address; empty = the caller
}

type handoverInput struct {
	Regisseur string `json:"regisseur"` // user id or e-mail address of the new regisseur
	Notitie   string `json:"notitie"`
}

type closeInput struct {
	Reden string `json:"reden"`
}

type caseloadResponse struct {
	Regisseurs  []casework.CaseloadRow `json:"regisseurs"`
	Huishoudens []store.CaseHousehold  `json:"huishoudens"`
}

// userRef turns an e-mail address into a user id; anything else is taken
// as an id. An unknown address gives an id no one has, which the store
// refuses as it refuses anyone without a role in the gemeente.
func (s *Server) userRef(r *http.Request, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if !strings.Contains(ref, "@") {
		return ref, nil
	}
	u, err := s.Store.UserByEmail(r.Context(), ref)
	if errs.Is(err, errs.NotFound) {
		return "onbekend:" + ref, nil
	}
	return u.ID, err
}

func (s *Server) apiCase(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	cases, hos, err := s.Store.CaseHistory(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := caseResponse{Cases: cases, Handovers: hos}
	for i := range cases {
		if cases[i].Active() {
			out.Active = &cases[i]
		}
	}
	return writeJSON(w, 200, out)
}

func (s *Server) apiOpenCase(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in openCaseInput
	if err := decode(r, &in); err != nil {
		return err
	}
	reg, err := s.userRef(r, in.Regisseur)
	if err != nil {
		return err
	}
	c, err := s.Store.OpenCase(r.Context(), actor(r, p), r.PathValue("id"), reg)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/households/"+c.Household+"/case")
	return writeJSON(w, http.StatusCreated, c)
}

func (s *Server) apiHandOver(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in handoverInput
	if err := decode(r, &in); err != nil {
		return err
	}
	to, err := s.userRef(r, in.Regisseur)
	if err != nil {
		return err
	}
	h, err := s.Store.HandOver(r.Context(), actor(r, p), r.PathValue("id"), to, in.Notitie)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, h)
}

func (s *Server) apiCloseCase(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in closeInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.Store.CloseCase(r.Context(), actor(r, p), r.PathValue("id"), in.Reden)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, c)
}

func (s *Server) apiCaseload(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d, err := s.caseload(r, p, q.Get("gemeente"), q.Get("regisseur"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, caseloadResponse{Regisseurs: nonNil(d.Rows), Huishoudens: nonNil(d.Households)})
}

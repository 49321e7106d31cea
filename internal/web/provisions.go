package web

import (
	"net/http"
	"strconv"
	"strings"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

func (s *Server) routesProvisions(r *router) {
	const tag = "Voorzieningen"
	const rw = "regisseur, teamleider"
	r.page("GET /huishoudens/{id}/voorzieningen", s.provisionsPage)
	r.page("GET /huishoudens/{id}/voorzieningen/nieuw", s.newProvisionForm)
	r.page("POST /huishoudens/{id}/voorzieningen", s.createProvision)
	r.page("GET /voorzieningen/{id}", s.provisionPage)
	r.page("POST /voorzieningen/{id}/status", s.provisionStatus)
	r.page("GET /profielen", s.profilesPage)
	r.page("POST /profielen", s.saveProfile)

	r.endpoint("GET /api/v1/households/{id}/provisions", apiDoc{Summary: "Voorzieningen van een huishouden (alle wetten), lopende eerst", Tag: tag, Roles: rw,
		Response: itemsOf[casework.Provision]{}}, s.apiProvisions)
	r.endpoint("POST /api/v1/households/{id}/provisions", apiDoc{Summary: "Voorziening vastleggen voor een lid van het huishouden", Tag: tag, Roles: rw,
		Body: provisionInput{}, Response: casework.Provision{}, Status: 201}, s.apiCreateProvision)
	r.endpoint("GET /api/v1/provisions/{id}", apiDoc{Summary: "Eén voorziening, met kosten per maand", Tag: tag, Roles: rw,
		Response: casework.Provision{}}, s.apiProvision)
	r.endpoint("POST /api/v1/provisions/{id}/status", apiDoc{Summary: "Status vooruit zetten (aangevraagd → toegekend → gestart → beeindigd; beëindigen met reden en einddatum)", Tag: tag, Roles: rw,
		Body: casework.StatusChange{}, Response: casework.Provision{}}, s.apiProvisionStatus)
	r.endpoint("GET /api/v1/profiles", apiDoc{Summary: "Cliëntprofielen van de gemeenten van de gebruiker", Tag: tag, Roles: "regisseur, teamleider, beheer",
		Query: []param{{"gemeente", "CBS-code; leeg = alle gemeenten van de gebruiker"}}, Response: itemsOf[casework.ClientProfile]{}}, s.apiProfiles)
	r.endpoint("POST /api/v1/profiles", apiDoc{Summary: "Cliëntprofiel toevoegen of wijzigen (zelfde code = wijzigen; eerder toegekende voorzieningen houden hun prijs)", Tag: tag,
		Roles: "teamleider, beheer", Body: profileInput{}, Response: casework.ClientProfile{}}, s.apiSaveProfile)
}

// --- pages ---

type provisionsData struct {
	Household  people.Household
	Provisions []casework.Provision
	Running    casework.Cents // monthly cost of the provisions not ended
	CanWrite   bool
}

func (s *Server) provisionsPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	list, err := s.Store.ProvisionsForHousehold(r.Context(), a, h.ID)
	if err != nil {
		return err
	}
	d := provisionsData{Household: h, Provisions: list, CanWrite: p.Can(auth.WritePersons, h.Gemeente)}
	for _, pr := range list {
		if !pr.Ended() {
			d.Running += pr.KostenPerMaand
		}
	}
	pg := page{Title: "Voorzieningen van " + h.Address(), Data: d}
	if r.URL.Query().Get("opgeslagen") != "" {
		pg.Notice = "De voorziening is vastgelegd."
	}
	s.renderPage(w, r, 200, "provisions", pg)
	return nil
}

// pvLaw is a law with its categories, for the grouped category list.
type pvLaw struct {
	Code, Naam string
	Categories []casework.Code
}

type provisionFormData struct {
	Household   people.Household
	Members     []people.Member
	Laws        []pvLaw
	Taakvelden  []casework.Code
	Units       []casework.Code
	Frequencies []casework.Code
	States      []casework.Code
	Profiles    []casework.ClientProfile
}

func (s *Server) provisionForm(r *http.Request, a store.Actor, h people.Household) (provisionFormData, error) {
	d := provisionFormData{Household: h, Taakvelden: casework.Taakvelden, Units: casework.Units, Frequencies: casework.Frequencies,
		States: casework.ProvisionStates[:3]}
	today := people.Today()
	for _, m := range h.Members {
		if m.Eind == nil || today.Before(*m.Eind) {
			d.Members = append(d.Members, m)
		}
	}
	for _, l := range casework.Laws {
		d.Laws = append(d.Laws, pvLaw{Code: l.Code, Naam: l.Naam, Categories: casework.Categories[l.Code]})
	}
	profiles, err := s.Store.Profiles(r.Context(), a, h.Gemeente)
	if err != nil && !errs.Is(err, errs.Forbidden) {
		return d, err
	}
	d.Profiles = profiles
	return d, nil
}

func (s *Server) newProvisionForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !p.Can(auth.WritePersons, h.Gemeente) {
		return errs.E(errs.Forbidden, "Uw rol mag geen voorzieningen vastleggen.")
	}
	d, err := s.provisionForm(r, a, h)
	if err != nil {
		return err
	}
	form := map[string]string{"start": people.Today().ISO(), "persoon": r.URL.Query().Get("persoon"), "status": casework.ProvisionRequested}
	s.renderPage(w, r, 200, "provision_form", page{Title: "Voorziening vastleggen", Data: d, Form: form})
	return nil
}

// pvFormField maps a store field to the form field that shows its error.
func pvFormField(f string) string {
	switch f {
	case "wet":
		return "categorie"
	case "prijs_cents":
		return "prijs"
	case "maandbedrag_cents":
		return "maandbedrag"
	}
	return f
}

func pvFormErrors(fe people.FieldErrors) people.FieldErrors {
	var out people.FieldErrors
	seen := map[string]bool{}
	for _, e := range fe {
		f := pvFormField(e.Field)
		if seen[f+e.Message] {
			continue
		}
		seen[f+e.Message] = true
		out.Add(f, e.Message)
	}
	return out
}

// pvDate reads an optional date field; the form keeps ISO for date inputs.
func pvDate(form map[string]string, field string, fe *people.FieldErrors) people.Date {
	v := form[field]
	if v == "" {
		return people.Date{}
	}
	d, err := people.ParseDate(v)
	if err != nil {
		fe.Add(field, "vul een datum in zoals 01-04-2026")
		return people.Date{}
	}
	form[field] = d.ISO()
	return d
}

// pvEuro reads an optional amount in euros.
func pvEuro(form map[string]string, field string, fe *people.FieldErrors) *casework.Cents {
	v := form[field]
	if v == "" {
		return nil
	}
	c, err := casework.ParseEuro(v)
	if err != nil {
		fe.Add(field, err.Error())
		return nil
	}
	return &c
}

func provisionFromForm(r *http.Request) (casework.Provision, map[string]string, people.FieldErrors) {
	form := map[string]string{}
	for _, k := range []string{"persoon", "categorie", "productcode", "taakveld", "aanbieder", "aanbieder_agb", "start", "eind", "volume", "eenheid", "frequentie",
		"prijs", "maandbedrag", "profiel", "status", "toelichting"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var fe people.FieldErrors
	p := casework.Provision{PersonID: form["persoon"], Productcode: form["productcode"], Taakveld: form["taakveld"], Aanbieder: form["aanbieder"],
		AanbiederAGB: form["aanbieder_agb"], Eenheid: form["eenheid"], Frequentie: form["frequentie"], Profiel: form["profiel"], Status: form["status"],
		Toelichting: form["toelichting"]}
	p.Wet, p.Categorie, _ = strings.Cut(form["categorie"], ":")
	if form["start"] == "" {
		fe.Add("start", "vul een startdatum in")
	}
	p.Start = pvDate(form, "start", &fe)
	p.Eind = pvDate(form, "eind", &fe)
	if v := form["volume"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fe.Add("volume", "vul het volume in als heel getal, zoals 3")
		} else {
			p.Volume = &n
		}
	}
	p.PrijsCents = pvEuro(form, "prijs", &fe)
	p.MaandbedragCents = pvEuro(form, "maandbedrag", &fe)
	return p, form, fe
}

func (s *Server) createProvision(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	pr, form, fe := provisionFromForm(r)
	pr.HouseholdID = h.ID
	if len(fe) == 0 {
		err = s.Store.CreateProvision(r.Context(), a, &pr)
		if f, ok := people.AsFieldErrors(err); ok {
			fe = pvFormErrors(f)
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		d, err := s.provisionForm(r, a, h)
		if err != nil {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "provision_form", page{Title: "Voorziening vastleggen", Data: d, Form: form, Errors: fe})
		return nil
	}
	http.Redirect(w, r, "/voorzieningen/"+pr.ID+"?nieuw=1", http.StatusSeeOther)
	return nil
}

type provisionData struct {
	Provision  casework.Provision
	CanWrite   bool
	EndReasons []casework.Code
	Exchange   *store.ProvisionExchange // allocation number, actual start/end, declared care; nil when none
}

func (s *Server) renderProvision(w http.ResponseWriter, r *http.Request, p *auth.Principal, code int, pg page) error {
	pr, err := s.Store.GetProvision(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	pg.Title = pr.CategorieNaam() + " voor " + nameOrUnknown(pr.PersonName)
	ex, err := s.Store.ProvisionExchangeOf(r.Context(), actor(r, p), pr.ID)
	if err != nil {
		return err
	}
	pg.Data = provisionData{Provision: pr, CanWrite: p.Can(auth.WritePersons, pr.Gemeente), EndReasons: casework.EndReasons, Exchange: ex}
	if pg.Form == nil {
		pg.Form = map[string]string{}
		if next := pr.Next(); len(next) > 0 {
			pg.Form["status"] = next[0].Code
		}
		pg.Form["eind"] = pr.Eind.ISO()
	}
	s.renderPage(w, r, code, "provision", pg)
	return nil
}

func (s *Server) provisionPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	pg := page{}
	switch {
	case r.URL.Query().Get("nieuw") != "":
		pg.Notice = "De voorziening is vastgelegd."
	case r.URL.Query().Get("opgeslagen") != "":
		pg.Notice = "De status is bijgewerkt."
	}
	return s.renderProvision(w, r, p, 200, pg)
}

func (s *Server) provisionStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{"status": r.PostFormValue("status"), "eind_reden": r.PostFormValue("eind_reden"), "eind": strings.TrimSpace(r.PostFormValue("eind"))}
	var fe people.FieldErrors
	ch := casework.StatusChange{Status: form["status"], EindReden: form["eind_reden"], Eind: pvDate(form, "eind", &fe)}
	if len(fe) == 0 {
		_, err = s.Store.SetProvisionStatus(r.Context(), actor(r, p), r.PathValue("id"), ch)
		if f, ok := people.AsFieldErrors(err); ok {
			fe = f
		} else if errs.Is(err, errs.Conflict) {
			return s.renderProvision(w, r, p, http.StatusConflict, page{Errors: people.FieldErrors{{Field: "status", Message: errs.Message(err)}}, Form: form})
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		return s.renderProvision(w, r, p, http.StatusUnprocessableEntity, page{Errors: fe, Form: form})
	}
	http.Redirect(w, r, "/voorzieningen/"+r.PathValue("id")+"?opgeslagen=1", http.StatusSeeOther)
	return nil
}

// --- client profiles ---

type profilesData struct {
	Profiles     []casework.ClientProfile
	Manage       []string // gemeenten where the viewer may change profiles
	Perspectives []casework.Code
	Intensities  []casework.Code
	Periods      []casework.Code
}

func (s *Server) renderProfiles(w http.ResponseWriter, r *http.Request, p *auth.Principal, code int, pg page) error {
	list, err := s.Store.Profiles(r.Context(), actor(r, p), "")
	if err != nil {
		return err
	}
	pg.Title = "Cliëntprofielen"
	pg.Data = profilesData{Profiles: list, Manage: p.Gemeenten(auth.ManageTeam), Perspectives: casework.Perspectives, Intensities: casework.Intensities,
		Periods: casework.ProfilePeriods}
	if pg.Form == nil {
		pg.Form = map[string]string{"periode": "maand"}
	}
	s.renderPage(w, r, code, "profiles", pg)
	return nil
}

func (s *Server) profilesPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	pg := page{}
	if r.URL.Query().Get("opgeslagen") != "" {
		pg.Notice = "Het cliëntprofiel is opgeslagen."
	}
	return s.renderProfiles(w, r, p, 200, pg)
}

func (s *Server) saveProfile(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"gemeente", "code", "naam", "perspectief", "intensiteit", "prijs", "periode"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var fe people.FieldErrors
	cp := casework.ClientProfile{Gemeente: form["gemeente"], Code: form["code"], Naam: form["naam"], Perspectief: form["perspectief"],
		Intensiteit: form["intensiteit"], Periode: form["periode"]}
	if !p.Can(auth.ManageTeam, cp.Gemeente) {
		return errs.E(errs.Forbidden, "Alleen een teamleider of beheerder stelt cliëntprofielen in.")
	}
	if c := pvEuro(form, "prijs", &fe); c != nil {
		cp.PrijsCents = *c
	} else if fe.For("prijs") == "" {
		fe.Add("prijs", "vul de vaste prijs in")
	}
	if len(fe) == 0 {
		err = s.Store.SaveProfile(r.Context(), actor(r, p), &cp)
		if f, ok := people.AsFieldErrors(err); ok {
			fe = pvFormErrors(f)
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		return s.renderProfiles(w, r, p, http.StatusUnprocessableEntity, page{Errors: fe, Form: form})
	}
	http.Redirect(w, r, "/profielen?opgeslagen=1", http.StatusSeeOther)
	return nil
}

// --- API ---

// provisionInput is what a client sends for a new provision; the server
// decides id, gemeente, author, times and (with a profile) the price.
type provisionInput struct {
	Persoon          string          `json:"persoon"`
	Wet              string          `json:"wet"`
	Categorie        string          `json:"categorie"`
	Productcode      string          `json:"productcode"`
	Taakveld         string          `json:"taakveld"`
	Aanbieder        string          `json:"aanbieder"`
	AanbiederAGB     string          `json:"aanbieder_agb"`
	Start            people.Date     `json:"start"`
	Eind             people.Date     `json:"eind"`
	Volume           *int            `json:"volume"`
	Eenheid          string          `json:"eenheid"`
	Frequentie       string          `json:"frequentie"`
	PrijsCents       *casework.Cents `json:"prijs_cents"`
	MaandbedragCents *casework.Cents `json:"maandbedrag_cents"`
	Profiel          string          `json:"profiel"`
	Status           string          `json:"status"`
	Toelichting      string          `json:"toelichting"`
}

func (in provisionInput) provision(household string) casework.Provision {
	return casework.Provision{HouseholdID: household, PersonID: in.Persoon, Wet: in.Wet, Categorie: in.Categorie, Productcode: in.Productcode,
		Taakveld: in.Taakveld, Aanbieder: in.Aanbieder, AanbiederAGB: in.AanbiederAGB, Start: in.Start, Eind: in.Eind, Volume: in.Volume,
		Eenheid: in.Eenheid, Frequentie: in.Frequentie, PrijsCents: in.PrijsCents, MaandbedragCents: in.MaandbedragCents, Profiel: in.Profiel,
		Status: in.Status, Toelichting: in.Toelichting}
}

func (s *Server) apiProvisions(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	list, err := s.Store.ProvisionsForHousehold(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.Provision]{Items: nonNil(list)})
}

func (s *Server) apiCreateProvision(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in provisionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	pr := in.provision(r.PathValue("id"))
	if err := s.Store.CreateProvision(r.Context(), actor(r, p), &pr); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/provisions/"+pr.ID)
	return writeJSON(w, http.StatusCreated, pr)
}

func (s *Server) apiProvision(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	pr, err := s.Store.GetProvision(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, pr)
}

func (s *Server) apiProvisionStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in casework.StatusChange
	if err := decode(r, &in); err != nil {
		return err
	}
	pr, err := s.Store.SetProvisionStatus(r.Context(), actor(r, p), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, pr)
}

type profileInput struct {
	Gemeente    string         `json:"gemeente"`
	Code        string         `json:"code"`
	Naam        string         `json:"naam"`
	Perspectief string         `json:"perspectief"`
	Intensiteit string         `json:"intensiteit"`
	PrijsCents  casework.Cents `json:"prijs_cents"`
	Periode     string         `json:"periode"`
}

func (s *Server) apiProfiles(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	list, err := s.Store.Profiles(r.Context(), actor(r, p), r.URL.Query().Get("gemeente"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.ClientProfile]{Items: nonNil(list)})
}

func (s *Server) apiSaveProfile(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in profileInput
	if err := decode(r, &in); err != nil {
		return err
	}
	cp := casework.ClientProfile(in)
	if err := s.Store.SaveProfile(r.Context(), actor(r, p), &cp); err != nil {
		return err
	}
	return writeJSON(w, 200, cp)
}

// provisionEvents puts a household's provisions in its file: when each
// started and, if so, when and why it ended. A timelineSource for the lead's
// timelineSources; the store audits the read.
func provisionEvents(s *Server, r *http.Request, a store.Actor, h people.Household) ([]timelineItem, error) {
	list, err := s.Store.ProvisionsForHousehold(r.Context(), a, h.ID)
	if err != nil {
		return nil, err
	}
	var out []timelineItem
	for _, p := range list {
		link := "/voorzieningen/" + p.ID
		detail := p.StatusNaam() + ", " + p.KostenPerMaand.String() + " per maand"
		if p.Aanbieder != "" {
			detail = p.Aanbieder + "; " + detail
		}
		out = append(out, timelineItem{When: p.Start.Time(), Kind: "voorziening", Link: link, Tag: p.WetNaam(), Detail: detail,
			Title: p.CategorieNaam() + " voor " + nameOrUnknown(p.PersonName)})
		if p.Ended() && !p.Eind.IsZero() {
			out = append(out, timelineItem{When: p.Eind.Time(), Kind: "voorziening", Link: link, Tag: p.WetNaam(),
				Title: p.CategorieNaam() + " voor " + nameOrUnknown(p.PersonName) + " beëindigd: " + p.EindRedenNaam()})
		}
	}
	return out, nil
}

package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// routesZRM registers the ZRM assessments (Zelfredzaamheid-Matrix) of a
// household's members: the overview, the form, and the API.
func (s *Server) routesZRM(r *router) {
	r.page("GET /huishoudens/{id}/zrm", s.zrmOverview)
	r.page("GET /huishoudens/{id}/zrm/nieuw", s.zrmForm)
	r.page("POST /huishoudens/{id}/zrm", s.zrmCreate)

	const tag = "ZRM-metingen"
	const rw = "regisseur, teamleider"
	r.endpoint("GET /api/v1/households/{id}/assessments", apiDoc{Summary: "ZRM-metingen van de leden van een huishouden, oudste eerst", Tag: tag, Roles: rw,
		Response: itemsOf[casework.Assessment]{}}, s.apiZRMHousehold)
	r.endpoint("POST /api/v1/households/{id}/assessments", apiDoc{Summary: "ZRM-meting vastleggen: alle 13 domeinen, niveau 1–5 of 0 (niet beoordeeld)", Tag: tag, Roles: rw,
		Body: zrmInput{}, Response: casework.Assessment{}, Status: http.StatusCreated}, s.apiZRMCreate)
	r.endpoint("GET /api/v1/persons/{id}/assessments", apiDoc{Summary: "ZRM-metingen van een persoon, oudste eerst", Tag: tag, Roles: rw,
		Response: itemsOf[casework.Assessment]{}}, s.apiZRMPerson)
}

// zrmInput is the API body of a new assessment.
type zrmInput struct {
	Persoon     string         `json:"persoon"`
	Datum       people.Date    `json:"datum"`
	Scores      map[string]int `json:"scores"`
	Toelichting string         `json:"toelichting"`
}

func (s *Server) apiZRMHousehold(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	as, err := s.Store.AssessmentsForHousehold(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.Assessment]{Items: nonNil(as)})
}

func (s *Server) apiZRMPerson(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	as, err := s.Store.AssessmentsForPerson(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.Assessment]{Items: nonNil(as)})
}

func (s *Server) apiZRMCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in zrmInput
	if err := decode(r, &in); err != nil {
		return err
	}
	a := casework.Assessment{Household: r.PathValue("id"), Person: in.Persoon, Datum: in.Datum, Scores: in.Scores, Toelichting: in.Toelichting}
	if a.Scores == nil {
		a.Scores = map[string]int{}
	}
	if err := s.Store.CreateAssessment(r.Context(), actor(r, p), &a); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}

// --- pages ---

// zrmPersonView is one person on the overview: the latest assessment next
// to the previous one, and every assessment over time.
type zrmPersonView struct {
	Person   people.Person
	Current  bool // a current member
	Latest   *casework.Assessment
	Previous *casework.Assessment
	Changes  []casework.DomainChange
	Summary  string
	History  []casework.Assessment
	Series   []zrmSeriesView
}

// zrmSeriesView is one domain over time: its levels per assessment (the
// table), and a sparkline with its text alternative.
type zrmSeriesView struct {
	Naam      string
	Levels    []int
	Describe  string
	Sparkline template.HTML
}

type zrmOverviewData struct {
	Household people.Household
	CanWrite  bool
	People    []zrmPersonView
	Levels    []casework.Code
}

// zrmLevel shows a level with its name: "3 · Beperkt zelfredzaam".
func zrmLevel(l int) string {
	if l == 0 {
		return "niet beoordeeld"
	}
	return strconv.Itoa(l) + " · " + casework.LevelName(l)
}

// LevelText is for templates.
func (v zrmPersonView) LevelText(l int) string { return zrmLevel(l) }

func (s *Server) zrmOverview(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	as, err := s.Store.AssessmentsForHousehold(r.Context(), a, h.ID)
	if err != nil {
		return err
	}
	by := casework.AssessmentsByPerson(as)
	today := people.Today()
	d := zrmOverviewData{Household: h, CanWrite: p.Can(auth.WritePersons, h.Gemeente), Levels: casework.Levels}
	for _, m := range h.Members {
		list := by[m.Person.ID]
		current := m.Active(today)
		if !current && len(list) == 0 {
			continue
		}
		if seen := zrmSeen(d.People, m.Person.ID); seen {
			continue
		}
		pv := zrmPersonView{Person: m.Person, Current: current, History: list}
		if n := len(list); n > 0 {
			pv.Latest = &list[n-1]
			if n > 1 {
				pv.Previous = &list[n-2]
			}
			pv.Changes = casework.CompareAssessments(pv.Previous, *pv.Latest)
			if pv.Previous != nil {
				pv.Summary = casework.ZRMChangeSummary(pv.Changes)
			}
			for _, ser := range casework.AssessmentHistory(list) {
				sv := zrmSeriesView{Naam: ser.Naam, Describe: ser.Describe(), Sparkline: template.HTML(ser.Sparkline())} // Sparkline escapes all text it draws
				for _, pt := range ser.Points {
					sv.Levels = append(sv.Levels, pt.Niveau)
				}
				pv.Series = append(pv.Series, sv)
			}
		}
		d.People = append(d.People, pv)
	}
	notice := ""
	if r.URL.Query().Get("opgeslagen") != "" {
		notice = "De meting is opgeslagen."
	}
	s.renderPage(w, r, 200, "zrm", page{Title: "Zelfredzaamheid (ZRM) · " + h.Address(), Notice: notice, Data: d})
	return nil
}

func zrmSeen(ps []zrmPersonView, id string) bool {
	for _, p := range ps {
		if p.Person.ID == id {
			return true
		}
	}
	return false
}

// zrmFormDomain is one domain's select on the form, with the previous level as a hint.
type zrmFormDomain struct {
	Code, Naam, Field string
	Previous          string // "3 · Beperkt zelfredzaam (01-02-2026)", or ""
}

type zrmFormData struct {
	Household people.Household
	Members   []people.Person
	Domains   []zrmFormDomain
	Levels    []casework.Code
	Previous  *casework.Assessment
}

func (s *Server) zrmFormData(r *http.Request, a store.Actor, h people.Household, personID string) (zrmFormData, error) {
	d := zrmFormData{Household: h, Levels: casework.Levels}
	today := people.Today()
	for _, m := range h.Members {
		if m.Active(today) {
			d.Members = append(d.Members, m.Person)
		}
	}
	if personID != "" {
		as, err := s.Store.AssessmentsForPerson(r.Context(), a, personID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return d, err
		}
		if n := len(as); n > 0 {
			d.Previous = &as[n-1]
		}
	}
	for _, dm := range casework.Domains {
		fd := zrmFormDomain{Code: dm.Code, Naam: dm.Naam, Field: casework.ScoreField(dm.Code)}
		if d.Previous != nil {
			fd.Previous = zrmLevel(d.Previous.Scores[dm.Code]) + " (" + d.Previous.Datum.Dutch() + ")"
		}
		d.Domains = append(d.Domains, fd)
	}
	return d, nil
}

func (s *Server) zrmForm(w http.ResponseWriter, r *http.Request) error {
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
		return errs.E(errs.Forbidden, "Uw rol mag geen metingen vastleggen.")
	}
	person := r.URL.Query().Get("persoon")
	if !zrmIsMember(h, person) {
		person = ""
	}
	d, err := s.zrmFormData(r, a, h, person)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "zrm_form", page{Title: "Nieuwe ZRM-meting", Data: d, Form: map[string]string{"persoon": person, "datum": people.Today().ISO()}})
	return nil
}

func zrmIsMember(h people.Household, personID string) bool {
	for _, m := range h.Members {
		if m.Person.ID == personID {
			return true
		}
	}
	return false
}

func (s *Server) zrmCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	form := map[string]string{"persoon": strings.TrimSpace(r.PostFormValue("persoon")), "datum": strings.TrimSpace(r.PostFormValue("datum")), "toelichting": r.PostFormValue("toelichting")}
	var fe people.FieldErrors
	as := casework.Assessment{Household: h.ID, Person: form["persoon"], Toelichting: form["toelichting"], Scores: map[string]int{}}
	if form["datum"] != "" {
		if as.Datum, err = people.ParseDate(form["datum"]); err != nil {
			fe.Add("datum", "vul een datum in zoals 01-04-2026")
		}
	}
	for _, d := range casework.Domains {
		f := casework.ScoreField(d.Code)
		v := strings.TrimSpace(r.PostFormValue(f))
		form[f] = v
		if v == "" {
			continue // the store names the missing domain
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			fe.Add(f, "kies een niveau voor "+d.Naam)
			continue
		}
		as.Scores[d.Code] = n
	}
	if len(fe) == 0 {
		err = s.Store.CreateAssessment(r.Context(), a, &as)
		if f, ok := people.AsFieldErrors(err); ok {
			fe = f
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		person := form["persoon"]
		if !zrmIsMember(h, person) {
			person = ""
		}
		d, err := s.zrmFormData(r, a, h, person)
		if err != nil {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "zrm_form", page{Title: "Nieuwe ZRM-meting", Data: d, Form: form, Errors: fe})
		return nil
	}
	http.Redirect(w, r, "/huishoudens/"+h.ID+"/zrm?opgeslagen=1", http.StatusSeeOther)
	return nil
}

package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// routesPlans registers the household's one plan (with versions, goals,
// actions and agreement), the printable plan, feedback, and the ZRM.
func (s *Server) routesPlans(r *router) {
	s.routesZRM(r)

	r.page("GET /huishoudens/{id}/plan", s.planPage)
	r.page("POST /huishoudens/{id}/plan", s.planStart)
	r.page("GET /huishoudens/{id}/plan/versies/{versie}", s.planVersionPage)
	r.page("GET /huishoudens/{id}/plan/afdrukken", s.planPrint)
	r.page("GET /huishoudens/{id}/plan/doelen/nieuw", s.planGoalForm)
	r.page("POST /huishoudens/{id}/plan/doelen", s.planGoalCreate)
	r.page("GET /huishoudens/{id}/plan/doelen/{goal}/acties/nieuw", s.planActionForm)
	r.page("POST /huishoudens/{id}/plan/doelen/{goal}/acties", s.planActionCreate)
	r.page("POST /huishoudens/{id}/plan/doelen/{goal}/status", s.planGoalStatus)
	r.page("POST /huishoudens/{id}/plan/acties/{action}/status", s.planActionStatus)
	r.page("GET /huishoudens/{id}/plan/akkoord", s.planAgreementForm)
	r.page("POST /huishoudens/{id}/plan/akkoord", s.planAgree)
	r.page("GET /huishoudens/{id}/plan/evaluatie", s.evalForm)
	r.page("POST /huishoudens/{id}/plan/evaluatie", s.evalCreate)

	const tag = "Plan"
	const rw = "regisseur, teamleider"
	r.endpoint("GET /api/v1/households/{id}/plan", apiDoc{Summary: "Het actuele plan met doelen en acties (404 als er geen is)", Tag: tag, Roles: rw,
		Response: casework.Plan{}}, s.apiPlanCurrent)
	r.endpoint("POST /api/v1/households/{id}/plan", apiDoc{Summary: "Een plan beginnen (conflict als er al een actueel plan is)", Tag: tag, Roles: rw,
		Body: planStartInput{}, Response: casework.Plan{}, Status: http.StatusCreated}, s.apiPlanStart)
	r.endpoint("GET /api/v1/households/{id}/plan/versions", apiDoc{Summary: "Alle versies van het plan, nieuwste eerst", Tag: tag, Roles: rw,
		Response: itemsOf[casework.Plan]{}}, s.apiPlanVersions)
	r.endpoint("GET /api/v1/households/{id}/plan/versions/{versie}", apiDoc{Summary: "Eén versie van het plan", Tag: tag, Roles: rw,
		Response: casework.Plan{}}, s.apiPlanVersion)
	r.endpoint("POST /api/v1/households/{id}/plan/goals", apiDoc{Summary: "Doel (met acties) toevoegen; na akkoord wordt dit een nieuwe versie. Antwoord: de versie waarin het doel staat", Tag: tag, Roles: rw,
		Body: planGoalInput{}, Response: casework.Plan{}, Status: http.StatusCreated}, s.apiPlanGoal)
	r.endpoint("POST /api/v1/households/{id}/plan/goals/{goal}/actions", apiDoc{Summary: "Actie toevoegen aan een doel; na akkoord wordt dit een nieuwe versie", Tag: tag, Roles: rw,
		Body: planActionInput{}, Response: casework.Plan{}, Status: http.StatusCreated}, s.apiPlanAction)
	r.endpoint("POST /api/v1/households/{id}/plan/goals/{goal}/status", apiDoc{Summary: "Status van een doel (open, bereikt, niet_bereikt) in het actuele plan", Tag: tag, Roles: rw,
		Body: planStatusInput{}, Response: casework.Plan{}}, s.apiPlanGoalStatus)
	r.endpoint("POST /api/v1/households/{id}/plan/actions/{action}/status", apiDoc{Summary: "Status van een actie (gepland, bezig, gedaan, gestopt) in het actuele plan", Tag: tag, Roles: rw,
		Body: planStatusInput{}, Response: casework.Plan{}}, s.apiPlanActionStatus)
	r.endpoint("POST /api/v1/households/{id}/plan/agreement", apiDoc{Summary: "Akkoord van het huishouden vastleggen; daarna ligt deze versie vast", Tag: tag, Roles: rw,
		Body: planAgreementInput{}, Response: casework.Plan{}}, s.apiPlanAgree)
	r.endpoint("GET /api/v1/households/{id}/plan/evaluations", apiDoc{Summary: "Evaluaties en afsluitingen met de tevredenheid van het huishouden", Tag: tag, Roles: rw,
		Response: itemsOf[casework.Evaluation]{}}, s.apiEvaluations)
	r.endpoint("POST /api/v1/households/{id}/plan/evaluations", apiDoc{Summary: "Evaluatie of afsluiting vastleggen; de server telt de bereikte doelen", Tag: tag, Roles: rw,
		Body: planEvaluationInput{}, Response: casework.Evaluation{}, Status: http.StatusCreated}, s.apiEvaluationCreate)
}

// --- API ---

type planStartInput struct {
	Datum people.Date `json:"datum"` // leeg = vandaag
}

type planActionInput struct {
	Tekst   string      `json:"tekst"`
	Wie     string      `json:"wie"`
	WieNaam string      `json:"wie_naam"`
	Status  string      `json:"status"`
	Datum   people.Date `json:"datum"`
}

func (in planActionInput) action() casework.Action {
	return casework.Action{Tekst: in.Tekst, Wie: in.Wie, WieNaam: in.WieNaam, Status: in.Status, Datum: in.Datum}
}

type planGoalInput struct {
	Domein      string            `json:"domein"`
	Persoon     string            `json:"persoon"` // leeg = het hele huishouden
	Tekst       string            `json:"tekst"`
	DoelNiveau  int               `json:"doel_niveau"`
	Streefdatum people.Date       `json:"streefdatum"`
	Acties      []planActionInput `json:"acties"`
}

type planStatusInput struct {
	Status string `json:"status"`
}

type planAgreementInput struct {
	Datum       people.Date `json:"datum"`
	Wijze       string      `json:"wijze"`
	Toelichting string      `json:"toelichting"`
}

// planEvaluationInput has no counts: the server counts the goals reached.
type planEvaluationInput struct {
	Soort        string            `json:"soort"`
	Datum        people.Date       `json:"datum"`
	Tevredenheid int               `json:"tevredenheid"`
	Gezegd       string            `json:"gezegd"`
	Doelen       map[string]string `json:"doelen"` // doel-id → open, bereikt of niet_bereikt
}

func (s *Server) apiPlanCurrent(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	pl, ok, err := s.Store.CurrentPlan(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.NotFound, "Dit huishouden heeft geen actueel plan.")
	}
	return writeJSON(w, 200, pl)
}

func (s *Server) apiPlanStart(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in planStartInput
	if err := decode(r, &in); err != nil {
		return err
	}
	pl, err := s.Store.StartPlan(r.Context(), actor(r, p), r.PathValue("id"), in.Datum)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/households/"+pl.Household+"/plan")
	return writeJSON(w, http.StatusCreated, pl)
}

func (s *Server) apiPlanVersions(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	vs, err := s.Store.PlanVersions(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.Plan]{Items: nonNil(vs)})
}

func (s *Server) apiPlanVersion(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("versie"))
	if err != nil || n < 1 {
		return errs.E(errs.NotFound, "Deze versie van het plan bestaat niet.")
	}
	pl, err := s.Store.PlanVersion(r.Context(), actor(r, p), r.PathValue("id"), n)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, pl)
}

func (s *Server) apiPlanGoal(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in planGoalInput
	if err := decode(r, &in); err != nil {
		return err
	}
	g := casework.Goal{Domein: in.Domein, Person: in.Persoon, Tekst: in.Tekst, DoelNiveau: in.DoelNiveau, Streefdatum: in.Streefdatum}
	for _, a := range in.Acties {
		g.Actions = append(g.Actions, a.action())
	}
	pl, err := s.Store.AddGoal(r.Context(), actor(r, p), r.PathValue("id"), &g)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, pl)
}

func (s *Server) apiPlanAction(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in planActionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	a := in.action()
	pl, err := s.Store.AddAction(r.Context(), actor(r, p), r.PathValue("id"), r.PathValue("goal"), &a)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, pl)
}

func (s *Server) apiPlanGoalStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in planStatusInput
	if err := decode(r, &in); err != nil {
		return err
	}
	pl, err := s.Store.SetGoalStatus(r.Context(), actor(r, p), r.PathValue("id"), r.PathValue("goal"), in.Status)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, pl)
}

func (s *Server) apiPlanActionStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in planStatusInput
	if err := decode(r, &in); err != nil {
		return err
	}
	pl, err := s.Store.SetActionStatus(r.Context(), actor(r, p), r.PathValue("id"), r.PathValue("action"), in.Status)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, pl)
}

func (s *Server) apiPlanAgree(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in planAgreementInput
	if err := decode(r, &in); err != nil {
		return err
	}
	ag := casework.Agreement{Datum: in.Datum, Wijze: in.Wijze, Toelichting: in.Toelichting}
	pl, err := s.Store.AgreePlan(r.Context(), actor(r, p), r.PathValue("id"), &ag)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, pl)
}

func (s *Server) apiEvaluations(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	evs, err := s.Store.EvaluationsForHousehold(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.Evaluation]{Items: nonNil(evs)})
}

func (s *Server) apiEvaluationCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in planEvaluationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	ev := casework.Evaluation{Soort: in.Soort, Datum: in.Datum, Tevredenheid: in.Tevredenheid, Gezegd: in.Gezegd, Doelen: in.Doelen}
	if err := s.Store.CreateEvaluation(r.Context(), actor(r, p), r.PathValue("id"), &ev); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, ev)
}

// --- views for the pages ---

// planGoalView is a goal with what the pages show about it.
type planGoalView struct {
	casework.Goal
	Acties  []planActionView
	Overdue bool
}

func (g planGoalView) DomeinNaam() string { return casework.PlanDomainName(g.Domein) }
func (g planGoalView) StatusNaam() string { return planCodeName(casework.GoalStates, g.Status) }
func (g planGoalView) NiveauText() string { return zrmLevel(g.DoelNiveau) }

// Voor says whom the goal is for.
func (g planGoalView) Voor() string {
	if g.Person == "" {
		return "Het hele huishouden"
	}
	if g.PersonName != "" {
		return g.PersonName
	}
	return "Een lid van het huishouden"
}

type planActionView struct {
	casework.Action
}

func (a planActionView) StatusNaam() string { return planCodeName(casework.ActionStates, a.Status) }
func (a planActionView) WieText() string    { return a.ActorLabel() }

// planView is one version of the plan as the pages show it.
type planView struct {
	casework.Plan
	Doelen      []planGoalView
	StatusNaam  string
	AkkoordText string // "op 12-03-2026, in een gesprek"
	Reached     int
	Total       int
}

func planCodeName(list []casework.Code, code string) string {
	if n, ok := casework.Lookup(list, code); ok {
		return n
	}
	return code
}

func planViewOf(p casework.Plan, today people.Date) planView {
	v := planView{Plan: p, StatusNaam: casework.PlanStatusLabel(p.Status)}
	v.Reached, v.Total = casework.GoalCounts(p.Goals)
	if p.Agreed() {
		way := planCodeName(casework.AgreementWays, p.Akkoord.Wijze)
		if way != "" {
			way = strings.ToLower(way[:1]) + way[1:]
		}
		v.AkkoordText = "op " + p.Akkoord.Datum.Dutch() + ", " + way
	}
	for _, g := range p.Goals {
		gv := planGoalView{Goal: g, Overdue: p.Current() && g.Status == casework.GoalOpen && g.Streefdatum.Before(today)}
		for _, a := range g.Actions {
			gv.Acties = append(gv.Acties, planActionView{a})
		}
		v.Doelen = append(v.Doelen, gv)
	}
	return v
}

// planEvalView is feedback as the plan page lists it.
type planEvalView struct {
	casework.Evaluation
}

func (e planEvalView) SoortNaam() string {
	if e.Soort == casework.EvalClose {
		return "Afsluiting"
	}
	return "Evaluatie"
}

type planPageData struct {
	Household    people.Household
	CanWrite     bool
	Plan         *planView
	Versions     []planView
	Evaluations  []planEvalView
	GoalStates   []casework.Code
	ActionStates []casework.Code
	Closed       bool // the latest version was closed
	// VoorElkaar are requests prescribed from this household's plan.
	VoorElkaar []store.Prescription
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderPlanPage(w, r, http.StatusOK, page{})
}

func (s *Server) renderPlanPage(w http.ResponseWriter, r *http.Request, code int, pg page) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	versions, err := s.Store.PlanVersions(r.Context(), a, h.ID)
	if err != nil {
		return err
	}
	evs, err := s.Store.EvaluationsForHousehold(r.Context(), a, h.ID)
	if err != nil {
		return err
	}
	today := people.Today()
	d := planPageData{Household: h, CanWrite: p.Can(auth.WritePersons, h.Gemeente), GoalStates: casework.GoalStates, ActionStates: casework.ActionStates}
	for _, v := range versions {
		pv := planViewOf(v, today)
		if v.Current() {
			d.Plan = &pv
		}
		d.Versions = append(d.Versions, pv)
	}
	if len(versions) > 0 && versions[0].Status == casework.PlanClosed {
		d.Closed = true
	}
	if d.VoorElkaar, err = s.Store.Prescriptions(r.Context(), a, h.ID); err != nil {
		return err
	}
	for i := len(evs) - 1; i >= 0; i-- { // newest first
		d.Evaluations = append(d.Evaluations, planEvalView{evs[i]})
	}
	q := r.URL.Query()
	switch {
	case pg.Notice != "":
	case q.Get("nieuweversie") != "":
		pg.Notice = "De wijziging staat in een nieuwe versie van het plan (versie " + q.Get("nieuweversie") + "). De vorige versie is bewaard. Vraag het huishouden opnieuw om akkoord."
	case q.Get("opgeslagen") != "":
		pg.Notice = "Opgeslagen."
	case q.Get("akkoord") != "":
		pg.Notice = "Het akkoord van het huishouden is vastgelegd. Deze versie ligt nu vast."
	case q.Get("afgesloten") != "":
		pg.Notice = "Het plan is afgesloten en de feedback van het huishouden is vastgelegd."
	case q.Get("voorelkaar") != "":
		pg.Notice = "De hulpvraag is naar de wijkcoördinator gestuurd. Onder Voor elkaar ziet u of er iemand gevonden is."
	case q.Get("geevalueerd") != "":
		pg.Notice = "De evaluatie is vastgelegd."
	}
	if pg.Form == nil {
		pg.Form = map[string]string{"datum": today.ISO()}
	}
	pg.Title = "Plan · " + h.Address()
	pg.Data = d
	s.renderPage(w, r, code, "plan", pg)
	return nil
}

// planFormDate reads an optional date field.
func planFormDate(r *http.Request, form map[string]string, fe *people.FieldErrors, field string) people.Date {
	v := strings.TrimSpace(r.PostFormValue(field))
	form[field] = v
	if v == "" {
		return people.Date{}
	}
	d, err := people.ParseDate(v)
	if err != nil {
		fe.Add(field, "vul een datum in zoals 01-04-2026")
	}
	return d
}

// planFormInt reads a whole number field; empty gives 0 (the store names it).
func planFormInt(r *http.Request, form map[string]string, fe *people.FieldErrors, field, msg string) int {
	v := strings.TrimSpace(r.PostFormValue(field))
	form[field] = v
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		fe.Add(field, msg)
	}
	return n
}

// planResult turns a store result into either field errors for the form or a failure.
func planResult(err error) (people.FieldErrors, error) {
	if err == nil {
		return nil, nil
	}
	if fe, ok := people.AsFieldErrors(err); ok {
		return fe, nil
	}
	return nil, err
}

func (s *Server) planStart(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	var fe people.FieldErrors
	d := planFormDate(r, form, &fe, "datum")
	if len(fe) == 0 {
		_, err := s.Store.StartPlan(r.Context(), actor(r, p), r.PathValue("id"), d)
		if fe, err = planResult(err); err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		return s.renderPlanPage(w, r, http.StatusUnprocessableEntity, page{Form: form, Errors: fe})
	}
	http.Redirect(w, r, "/huishoudens/"+r.PathValue("id")+"/plan?opgeslagen=1", http.StatusSeeOther)
	return nil
}

type planVersionData struct {
	Household people.Household
	Plan      planView
}

func (s *Server) planVersionPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("versie"))
	if err != nil || n < 1 {
		return errs.E(errs.NotFound, "Deze versie van het plan bestaat niet.")
	}
	pl, err := s.Store.PlanVersion(r.Context(), a, h.ID, n)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "plan_version", page{Title: "Plan versie " + strconv.Itoa(n) + " · " + h.Address(), Data: planVersionData{Household: h, Plan: planViewOf(pl, people.Today())}})
	return nil
}

// planCurrentFor reads the household and its current plan for a form; no
// current plan is a conflict the error page explains.
func (s *Server) planCurrentFor(r *http.Request, p *auth.Principal) (people.Household, casework.Plan, error) {
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return h, casework.Plan{}, err
	}
	if !p.Can(auth.WritePersons, h.Gemeente) {
		return h, casework.Plan{}, errs.E(errs.Forbidden, "Uw rol mag het plan niet wijzigen.")
	}
	pl, ok, err := s.Store.CurrentPlan(r.Context(), a, h.ID)
	if err != nil {
		return h, pl, err
	}
	if !ok {
		return h, pl, errs.E(errs.Conflict, "Dit huishouden heeft nog geen actueel plan. Begin eerst een plan.")
	}
	return h, pl, nil
}

// planFormData is what the goal, action, agreement and evaluation forms get.
type planFormData struct {
	Household   people.Household
	Plan        planView
	Goal        *planGoalView // the action form's goal
	Members     []people.Person
	Domains     []casework.Code
	Levels      []casework.Code // 1–5
	Actors      []casework.Code
	Ways        []casework.Code
	Kinds       []casework.Code
	GoalStates  []casework.Code
	Scores      []int // 1–10
	NewVersion  bool  // the change will make a new version
	NextVersion int
}

func (s *Server) planForm(h people.Household, pl casework.Plan) planFormData {
	today := people.Today()
	d := planFormData{Household: h, Plan: planViewOf(pl, today), Domains: casework.Domains, Levels: casework.Levels[1:], Actors: casework.Actors,
		Ways: casework.AgreementWays, Kinds: casework.EvaluationKinds, GoalStates: casework.GoalStates, NewVersion: !pl.Editable(), NextVersion: pl.Versie + 1}
	for i := 1; i <= 10; i++ {
		d.Scores = append(d.Scores, i)
	}
	for _, m := range h.Members {
		if m.Active(today) {
			d.Members = append(d.Members, m.Person)
		}
	}
	return d
}

func (s *Server) planGoalForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	h, pl, err := s.planCurrentFor(r, p)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "plan_goal_form", page{Title: "Doel toevoegen", Data: s.planForm(h, pl),
		Form: map[string]string{"streefdatum": people.Today().AddDays(182).ISO()}})
	return nil
}

func (s *Server) planGoalCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"domein", "persoon", "tekst", "acties.0.tekst", "acties.0.wie", "acties.0.wie_naam"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var fe people.FieldErrors
	g := casework.Goal{Domein: form["domein"], Person: form["persoon"], Tekst: form["tekst"]}
	g.DoelNiveau = planFormInt(r, form, &fe, "doel_niveau", "kies een niveau van 1 tot en met 5")
	g.Streefdatum = planFormDate(r, form, &fe, "streefdatum")
	if form["acties.0.tekst"] != "" || form["acties.0.wie"] != "" || form["acties.0.wie_naam"] != "" {
		g.Actions = []casework.Action{{Tekst: form["acties.0.tekst"], Wie: form["acties.0.wie"], WieNaam: form["acties.0.wie_naam"]}}
	}
	var pl casework.Plan
	if len(fe) == 0 {
		pl, err = s.Store.AddGoal(r.Context(), actor(r, p), r.PathValue("id"), &g)
		if fe, err = planResult(err); err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		h, cur, err := s.planCurrentFor(r, p)
		if err != nil {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "plan_goal_form", page{Title: "Doel toevoegen", Data: s.planForm(h, cur), Form: form, Errors: fe})
		return nil
	}
	return planRedirect(w, r, pl, "#doel-"+g.ID)
}

// planRedirect goes back to the plan page, saying so when a change made a new version.
func planRedirect(w http.ResponseWriter, r *http.Request, pl casework.Plan, anchor string) error {
	q := "?opgeslagen=1"
	if v := r.PostFormValue("versie"); v != "" && v != strconv.Itoa(pl.Versie) {
		q = "?nieuweversie=" + strconv.Itoa(pl.Versie)
	}
	http.Redirect(w, r, "/huishoudens/"+r.PathValue("id")+"/plan"+q+anchor, http.StatusSeeOther)
	return nil
}

func (s *Server) planActionForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	h, pl, err := s.planCurrentFor(r, p)
	if err != nil {
		return err
	}
	d := s.planForm(h, pl)
	if d.Goal = planFindGoal(d.Plan, r.PathValue("goal")); d.Goal == nil {
		return errs.E(errs.NotFound, "Dit doel staat niet in het actuele plan.")
	}
	s.renderPage(w, r, 200, "plan_action_form", page{Title: "Actie toevoegen", Data: d, Form: map[string]string{}})
	return nil
}

func planFindGoal(v planView, id string) *planGoalView {
	for i := range v.Doelen {
		if v.Doelen[i].ID == id {
			return &v.Doelen[i]
		}
	}
	return nil
}

func (s *Server) planActionCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"tekst", "wie", "wie_naam"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var fe people.FieldErrors
	ac := casework.Action{Tekst: form["tekst"], Wie: form["wie"], WieNaam: form["wie_naam"]}
	ac.Datum = planFormDate(r, form, &fe, "datum")
	var pl casework.Plan
	if len(fe) == 0 {
		pl, err = s.Store.AddAction(r.Context(), actor(r, p), r.PathValue("id"), r.PathValue("goal"), &ac)
		if fe, err = planResult(err); err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		h, cur, err := s.planCurrentFor(r, p)
		if err != nil {
			return err
		}
		d := s.planForm(h, cur)
		if d.Goal = planFindGoal(d.Plan, r.PathValue("goal")); d.Goal == nil {
			return errs.E(errs.NotFound, "Dit doel staat niet in het actuele plan.")
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "plan_action_form", page{Title: "Actie toevoegen", Data: d, Form: form, Errors: fe})
		return nil
	}
	return planRedirect(w, r, pl, "#actie-"+ac.ID)
}

func (s *Server) planGoalStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if _, err := s.Store.SetGoalStatus(r.Context(), actor(r, p), r.PathValue("id"), r.PathValue("goal"), r.PostFormValue("status")); err != nil {
		return err
	}
	http.Redirect(w, r, "/huishoudens/"+r.PathValue("id")+"/plan?opgeslagen=1#doel-"+r.PathValue("goal"), http.StatusSeeOther)
	return nil
}

func (s *Server) planActionStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if _, err := s.Store.SetActionStatus(r.Context(), actor(r, p), r.PathValue("id"), r.PathValue("action"), r.PostFormValue("status")); err != nil {
		return err
	}
	http.Redirect(w, r, "/huishoudens/"+r.PathValue("id")+"/plan?opgeslagen=1#actie-"+r.PathValue("action"), http.StatusSeeOther)
	return nil
}

func (s *Server) planAgreementForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	h, pl, err := s.planCurrentFor(r, p)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "plan_agreement_form", page{Title: "Akkoord vastleggen", Data: s.planForm(h, pl), Form: map[string]string{"datum": people.Today().ISO()}})
	return nil
}

func (s *Server) planAgree(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{"wijze": strings.TrimSpace(r.PostFormValue("wijze")), "toelichting": r.PostFormValue("toelichting")}
	var fe people.FieldErrors
	ag := casework.Agreement{Wijze: form["wijze"], Toelichting: form["toelichting"]}
	ag.Datum = planFormDate(r, form, &fe, "datum")
	if len(fe) == 0 {
		_, err := s.Store.AgreePlan(r.Context(), actor(r, p), r.PathValue("id"), &ag)
		if fe, err = planResult(err); err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		h, cur, err := s.planCurrentFor(r, p)
		if err != nil {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "plan_agreement_form", page{Title: "Akkoord vastleggen", Data: s.planForm(h, cur), Form: form, Errors: fe})
		return nil
	}
	http.Redirect(w, r, "/huishoudens/"+r.PathValue("id")+"/plan?akkoord=1", http.StatusSeeOther)
	return nil
}

func (s *Server) evalForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	h, pl, err := s.planCurrentFor(r, p)
	if err != nil {
		return err
	}
	form := map[string]string{"datum": people.Today().ISO(), "soort": r.URL.Query().Get("soort")}
	for _, g := range pl.Goals {
		form[casework.GoalField(g.ID)] = g.Status
	}
	s.renderPage(w, r, 200, "evaluation_form", page{Title: "Evaluatie of afsluiting", Data: s.planForm(h, pl), Form: form})
	return nil
}

func (s *Server) evalCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "Het formulier kon niet worden gelezen.")
	}
	form := map[string]string{"soort": strings.TrimSpace(r.PostFormValue("soort")), "gezegd": r.PostFormValue("gezegd")}
	var fe people.FieldErrors
	ev := casework.Evaluation{Soort: form["soort"], Gezegd: form["gezegd"], Doelen: map[string]string{}}
	ev.Datum = planFormDate(r, form, &fe, "datum")
	ev.Tevredenheid = planFormInt(r, form, &fe, "tevredenheid", "vul een cijfer in van 1 tot en met 10")
	keys := make([]string, 0)
	for k := range r.PostForm {
		if strings.HasPrefix(k, "doelen.") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		form[k] = strings.TrimSpace(r.PostForm.Get(k))
		ev.Doelen[strings.TrimPrefix(k, "doelen.")] = form[k]
	}
	if len(fe) == 0 {
		err := s.Store.CreateEvaluation(r.Context(), actor(r, p), r.PathValue("id"), &ev)
		if fe, err = planResult(err); err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		h, cur, err := s.planCurrentFor(r, p)
		if err != nil {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "evaluation_form", page{Title: "Evaluatie of afsluiting", Data: s.planForm(h, cur), Form: form, Errors: fe})
		return nil
	}
	q := "?geevalueerd=1"
	if ev.Soort == casework.EvalClose {
		q = "?afgesloten=1"
	}
	http.Redirect(w, r, "/huishoudens/"+r.PathValue("id")+"/plan"+q, http.StatusSeeOther)
	return nil
}

// planPrintData is the plan the household takes home: their words, who does
// what, the agreement; no internal ids.
type planPrintData struct {
	Names   []string
	Adres   string
	Plan    planView
	Contact string
}

func (s *Server) planPrint(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	pl, ok, err := s.Store.CurrentPlan(r.Context(), a, h.ID)
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.NotFound, "Dit huishouden heeft geen actueel plan om af te drukken.")
	}
	today := people.Today()
	d := planPrintData{Adres: h.Address(), Plan: planViewOf(pl, today), Contact: pl.CreatedByName}
	for _, m := range h.Members {
		if m.Active(today) {
			d.Names = append(d.Names, m.Person.Name())
		}
	}
	s.renderPage(w, r, 200, "plan_print", page{Title: "Ons plan", Data: d})
	return nil
}

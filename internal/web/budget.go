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

func (s *Server) routesBudget(r *router) {
	const tag = "Maatwerkbudget"
	const rw = "regisseur, teamleider"
	r.page("GET /budget", s.budgetPage)
	r.page("GET /budget/{id}", s.budgetDetailPage)
	r.page("GET /huishoudens/{id}/bestedingen", s.householdSpendsPage)
	r.page("POST /huishoudens/{id}/bestedingen", s.requestSpend)
	r.page("GET /bestedingen/{id}", s.spendPage)
	r.page("POST /bestedingen/{id}/besluit", s.decideSpend)
	r.page("GET /teams", s.teamsPage)
	r.page("POST /teams", s.createTeam)
	r.page("GET /teams/{id}", s.teamPage)
	r.page("POST /teams/{id}", s.updateTeam)
	r.page("POST /teams/{id}/budgetten", s.setBudget)

	r.endpoint("GET /api/v1/budgets", apiDoc{Summary: "Budgetten per team en jaar met goedgekeurd, wachtend, saldo en verwachte vermeden kosten", Tag: tag,
		Roles: "regisseur, teamleider, beheer", Query: []param{{"jaar", "jaar, bijvoorbeeld 2026; leeg = alle jaren"}}, Response: itemsOf[casework.Budget]{}}, s.apiBudgets)
	r.endpoint("GET /api/v1/budgets/{id}", apiDoc{Summary: "Eén budget; met de bestedingen voor wie met huishoudens werkt", Tag: tag,
		Roles: "regisseur, teamleider, beheer (zonder bestedingen)", Response: budgetDetail{}}, s.apiBudget)
	r.endpoint("GET /api/v1/households/{id}/spends", apiDoc{Summary: "Bestedingen voor een huishouden, nieuwste eerst", Tag: tag, Roles: rw,
		Response: itemsOf[casework.Spend]{}}, s.apiHouseholdSpends)
	r.endpoint("POST /api/v1/households/{id}/spends", apiDoc{Summary: "Besteding aanvragen uit het budget van het team van de wijk (een collega beslist)", Tag: tag, Roles: rw,
		Body: spendInput{}, Response: casework.Spend{}, Status: 201}, s.apiRequestSpend)
	r.endpoint("GET /api/v1/spends/awaiting", apiDoc{Summary: "Aanvragen waarover de gebruiker mag besluiten (nooit de eigen; boven de drempel alleen voor teamleiders)", Tag: tag, Roles: rw,
		Response: itemsOf[casework.Spend]{}}, s.apiSpendsAwaiting)
	r.endpoint("GET /api/v1/spends/{id}", apiDoc{Summary: "Eén besteding", Tag: tag, Roles: rw, Response: casework.Spend{}}, s.apiSpend)
	r.endpoint("POST /api/v1/spends/{id}/decision", apiDoc{Summary: "Goedkeuren of afwijzen met reden (vierogenprincipe; nooit boven het saldo)", Tag: tag, Roles: rw,
		Body: decisionInput{}, Response: casework.Spend{}}, s.apiDecideSpend)
	r.endpoint("GET /api/v1/teams", apiDoc{Summary: "Teams met wijken en leden", Tag: tag, Roles: "regisseur, teamleider, beheer", Response: itemsOf[casework.Team]{}}, s.apiTeams)
	r.endpoint("POST /api/v1/teams", apiDoc{Summary: "Team aanmaken", Tag: tag, Roles: "teamleider, beheer", Body: teamInput{}, Response: casework.Team{}, Status: 201}, s.apiCreateTeam)
	r.endpoint("PUT /api/v1/teams/{id}", apiDoc{Summary: "Naam, wijken en leden van een team vervangen", Tag: tag, Roles: "teamleider, beheer", Body: teamInput{},
		Response: casework.Team{}}, s.apiUpdateTeam)
	r.endpoint("POST /api/v1/teams/{id}/budgets", apiDoc{Summary: "Budget en drempel van een team voor een jaar instellen of wijzigen", Tag: tag, Roles: "teamleider, beheer",
		Body: budgetInput{}, Response: casework.Budget{}}, s.apiSetBudget)
}

// budThisYear is the current year in the Netherlands.
func budThisYear() int { return people.Today().Year() }

// budForm maps store fields to the form fields that show their errors.
func budFormErrors(fe people.FieldErrors) people.FieldErrors {
	var out people.FieldErrors
	for _, e := range fe {
		f := e.Field
		switch f {
		case "bedrag_cents":
			f = "bedrag"
		case "verwacht_vermeden_cents":
			f = "vermeden"
		case "drempel_cents":
			f = "drempel"
		}
		out.Add(f, e.Message)
	}
	return out
}

// budMayDecide tells a page whether the viewer may decide on the spend;
// the store checks again when they do.
func budMayDecide(p *auth.Principal, sp casework.Spend) (bool, string) {
	switch {
	case !sp.Open():
		return false, ""
	case sp.RequestedBy == p.UserID:
		return false, "Dit is uw eigen aanvraag: een collega beslist erover (vierogenprincipe)."
	case !p.Can(auth.ApproveSpend, sp.Gemeente):
		return false, "Uw rol besluit niet over bestedingen."
	case sp.NeedsTeamleider && !p.Can(auth.ApproveLarge, sp.Gemeente):
		return false, "Dit bedrag ligt boven de drempel van het budget: een teamleider beslist erover."
	}
	return true, ""
}

// --- budget pages ---

type budgetPageData struct {
	Year      int
	Years     []int
	Budgets   []casework.Budget
	Awaiting  []casework.Spend
	Mine      []casework.Spend
	Casework  bool // the viewer works with households (sees spends)
	CanManage bool
}

func (s *Server) budgetPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	year := budThisYear()
	if v := r.URL.Query().Get("jaar"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 2015 && n <= 2100 {
			year = n
		}
	}
	budgets, err := s.Store.Budgets(r.Context(), a, year)
	if err != nil {
		return err
	}
	d := budgetPageData{Year: year, Budgets: budgets, Casework: p.CanAnywhere(auth.ReadPersons), CanManage: p.CanAnywhere(auth.ManageTeam)}
	for y := budThisYear() + 1; y >= budThisYear()-4; y-- {
		d.Years = append(d.Years, y)
	}
	if year > budThisYear()+1 || year < budThisYear()-4 {
		d.Years = append([]int{year}, d.Years...)
	}
	if d.Casework {
		if d.Awaiting, err = s.Store.SpendsAwaiting(r.Context(), a); err != nil {
			return err
		}
		if d.Mine, err = s.Store.SpendsRequestedOpen(r.Context(), a); err != nil {
			return err
		}
	}
	s.renderPage(w, r, 200, "budget", page{Title: "Maatwerkbudget", Data: d})
	return nil
}

type budgetDetailData struct {
	Budget casework.Budget
	Spends []casework.Spend
	Shown  bool // the viewer may see the spends
}

func (s *Server) budgetDetailPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	b, err := s.Store.GetBudget(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := budgetDetailData{Budget: b}
	if p.Can(auth.ReadPersons, b.Gemeente) {
		if d.Spends, err = s.Store.SpendsOfBudget(r.Context(), a, b.ID); err != nil {
			return err
		}
		d.Shown = true
	}
	s.renderPage(w, r, 200, "budget_detail", page{Title: "Budget " + b.Label(), Data: d})
	return nil
}

// --- spends ---

type householdSpendsData struct {
	Household people.Household
	Spends    []casework.Spend
	Budget    *casework.Budget // this year's budget for the household's wijk
	Year      int
	CanWrite  bool
}

func (s *Server) renderHouseholdSpends(w http.ResponseWriter, r *http.Request, p *auth.Principal, code int, pg page) error {
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	list, err := s.Store.SpendsForHousehold(r.Context(), a, h.ID)
	if err != nil {
		return err
	}
	d := householdSpendsData{Household: h, Spends: list, Year: budThisYear(), CanWrite: p.Can(auth.WritePersons, h.Gemeente)}
	b, err := s.Store.BudgetForHousehold(r.Context(), a, h.ID, d.Year)
	if err == nil {
		d.Budget = &b
	} else if !errs.Is(err, errs.NotFound) {
		return err
	}
	pg.Title = "Maatwerkbudget voor " + h.Address()
	pg.Data = d
	if pg.Form == nil {
		pg.Form = map[string]string{"vermeden": "0"}
	}
	s.renderPage(w, r, code, "spends", pg)
	return nil
}

func (s *Server) householdSpendsPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	return s.renderHouseholdSpends(w, r, p, 200, page{})
}

func (s *Server) requestSpend(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"bedrag", "doel", "voorkomt", "vermeden"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var fe people.FieldErrors
	sp := casework.Spend{HouseholdID: r.PathValue("id"), Doel: form["doel"], Voorkomt: form["voorkomt"]}
	if c := pvEuro(form, "bedrag", &fe); c != nil {
		sp.BedragCents = *c
	} else if fe.For("bedrag") == "" {
		fe.Add("bedrag", "vul het bedrag in")
	}
	if c := pvEuro(form, "vermeden", &fe); c != nil {
		sp.VerwachtVermedenCents = *c
	}
	if len(fe) == 0 {
		err = s.Store.RequestSpend(r.Context(), actor(r, p), &sp)
		if f, ok := people.AsFieldErrors(err); ok {
			fe = budFormErrors(f)
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		return s.renderHouseholdSpends(w, r, p, http.StatusUnprocessableEntity, page{Errors: fe, Form: form})
	}
	http.Redirect(w, r, "/bestedingen/"+sp.ID+"?nieuw=1", http.StatusSeeOther)
	return nil
}

type spendData struct {
	Spend     casework.Spend
	MayDecide bool
	Why       string // why the viewer may not decide
}

func (s *Server) renderSpend(w http.ResponseWriter, r *http.Request, p *auth.Principal, code int, pg page) error {
	sp, err := s.Store.GetSpend(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	d := spendData{Spend: sp}
	d.MayDecide, d.Why = budMayDecide(p, sp)
	pg.Title = "Besteding van " + sp.BedragCents.String()
	pg.Data = d
	if pg.Form == nil {
		pg.Form = map[string]string{}
	}
	s.renderPage(w, r, code, "spend", pg)
	return nil
}

func (s *Server) spendPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	pg := page{}
	switch {
	case r.URL.Query().Get("nieuw") != "":
		pg.Notice = "De aanvraag is ingediend. Een collega beslist erover."
	case r.URL.Query().Get("besloten") != "":
		pg.Notice = "Het besluit is vastgelegd."
	}
	return s.renderSpend(w, r, p, 200, pg)
}

func (s *Server) decideSpend(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{"besluit": r.PostFormValue("besluit"), "reden": strings.TrimSpace(r.PostFormValue("reden"))}
	d, err := casework.ParseDecision(form["besluit"], form["reden"])
	if err == nil {
		_, err = s.Store.DecideSpend(r.Context(), actor(r, p), r.PathValue("id"), d)
	}
	if fe, ok := people.AsFieldErrors(err); ok {
		return s.renderSpend(w, r, p, http.StatusUnprocessableEntity, page{Errors: fe, Form: form})
	}
	if errs.Is(err, errs.Conflict) || errs.Is(err, errs.Forbidden) {
		// Refused by the four-eyes or budget rule: show why on the spend's page.
		return s.renderSpend(w, r, p, status(err), page{Errors: people.FieldErrors{{Field: "besluit", Message: errs.Message(err)}}, Form: form})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/bestedingen/"+r.PathValue("id")+"?besloten=1", http.StatusSeeOther)
	return nil
}

// --- teams ---

type teamsData struct {
	Teams     []casework.Team
	Budgets   map[string]*casework.Budget // this year's, by team
	Year      int
	Manage    []string // gemeenten where the viewer manages teams
	Wijken    []budWijk
	Users     []budUser
	Team      *casework.Team // the team being edited (team page)
	History   []casework.Budget
	ChosenW   map[string]bool
	ChosenU   map[string]bool
	NewBudget bool
}

type budWijk struct{ Code, Naam, Gemeente string }

type budUser struct{ ID, Email, Naam, Gemeente string }

// teamChoices lists the wijken and casework users of the gemeenten.
func (s *Server) teamChoices(r *http.Request, gms []string) ([]budWijk, []budUser, error) {
	var wk []budWijk
	for _, gm := range gms {
		for _, w := range s.Atlas.Wijken(gm) {
			wk = append(wk, budWijk{Code: w.Code, Naam: w.Naam, Gemeente: gm})
		}
	}
	users, err := s.Store.Users(r.Context(), gms)
	if err != nil {
		return nil, nil, err
	}
	var us []budUser
	for _, u := range users {
		for _, g := range u.Grants {
			if g.Role.Allows(auth.ReadPersons) {
				us = append(us, budUser{ID: u.ID, Email: u.Email, Naam: u.Name, Gemeente: g.Gemeente})
				break
			}
		}
	}
	return wk, us, nil
}

func (s *Server) renderTeams(w http.ResponseWriter, r *http.Request, p *auth.Principal, code int, pg page) error {
	a := actor(r, p)
	teams, err := s.Store.Teams(r.Context(), a)
	if err != nil {
		return err
	}
	d := teamsData{Teams: teams, Year: budThisYear(), Manage: p.Gemeenten(auth.ManageTeam), Budgets: map[string]*casework.Budget{}}
	budgets, err := s.Store.Budgets(r.Context(), a, d.Year)
	if err != nil {
		return err
	}
	for i := range budgets {
		d.Budgets[budgets[i].TeamID] = &budgets[i]
	}
	if d.Wijken, d.Users, err = s.teamChoices(r, d.Manage); err != nil {
		return err
	}
	d.ChosenW, d.ChosenU = budChosen(r, pg.Form)
	pg.Title = "Teams"
	pg.Data = d
	s.renderPage(w, r, code, "teams", pg)
	return nil
}

// budChosen reads the checked wijken and members of a re-rendered form.
func budChosen(r *http.Request, form map[string]string) (map[string]bool, map[string]bool) {
	w, u := map[string]bool{}, map[string]bool{}
	if form == nil || r.Method != http.MethodPost {
		return w, u
	}
	for _, v := range r.PostForm["wijken"] {
		w[v] = true
	}
	for _, v := range r.PostForm["leden"] {
		u[v] = true
	}
	return w, u
}

func (s *Server) teamsPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	pg := page{Form: map[string]string{}}
	if r.URL.Query().Get("opgeslagen") != "" {
		pg.Notice = "Het team is opgeslagen."
	}
	return s.renderTeams(w, r, p, 200, pg)
}

func teamFromForm(r *http.Request) (casework.Team, map[string]string) {
	form := map[string]string{"naam": strings.TrimSpace(r.PostFormValue("naam")), "gemeente": r.PostFormValue("gemeente")}
	t := casework.Team{Gemeente: form["gemeente"], Naam: form["naam"], Wijken: r.PostForm["wijken"]}
	for _, id := range r.PostForm["leden"] {
		t.Members = append(t.Members, casework.TeamMember{UserID: id})
	}
	return t, form
}

func (s *Server) createTeam(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "Het formulier is niet goed verstuurd.")
	}
	t, form := teamFromForm(r)
	err = s.Store.CreateTeam(r.Context(), actor(r, p), &t)
	if fe, ok := people.AsFieldErrors(err); ok {
		return s.renderTeams(w, r, p, http.StatusUnprocessableEntity, page{Errors: fe, Form: form})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/teams/"+t.ID+"?nieuw=1", http.StatusSeeOther)
	return nil
}

func (s *Server) renderTeam(w http.ResponseWriter, r *http.Request, p *auth.Principal, code int, pg page) error {
	a := actor(r, p)
	t, err := s.Store.Team(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := teamsData{Team: &t, Year: budThisYear()}
	if d.History, err = s.Store.BudgetsOfTeam(r.Context(), a, t.ID); err != nil {
		return err
	}
	if p.Can(auth.ManageTeam, t.Gemeente) {
		d.Manage = []string{t.Gemeente}
		if d.Wijken, d.Users, err = s.teamChoices(r, d.Manage); err != nil {
			return err
		}
	}
	// The edit form shows the team as it is, unless the team form itself
	// came back with errors: then what was sent.
	_, budgetSent := pg.Form["jaar"]
	if pg.Form == nil || budgetSent {
		if pg.Form == nil {
			pg.Form = map[string]string{"jaar": strconv.Itoa(d.Year)}
			for _, b := range d.History {
				if b.Jaar == d.Year {
					pg.Form["bedrag"], pg.Form["drempel"] = b.BedragCents.Input(), b.DrempelCents.Input()
				}
			}
		}
		pg.Form["naam"] = t.Naam
		d.ChosenW, d.ChosenU = map[string]bool{}, map[string]bool{}
		for _, wk := range t.Wijken {
			d.ChosenW[wk] = true
		}
		for _, m := range t.Members {
			d.ChosenU[m.UserID] = true
		}
	} else {
		d.ChosenW, d.ChosenU = budChosen(r, pg.Form)
		pg.Form["jaar"] = strconv.Itoa(d.Year)
	}
	pg.Title = "Team " + t.Naam
	pg.Data = d
	s.renderPage(w, r, code, "team", pg)
	return nil
}

func (s *Server) teamPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	pg := page{}
	switch {
	case r.URL.Query().Get("nieuw") != "":
		pg.Notice = "Het team is aangemaakt. Stel nu het budget in."
	case r.URL.Query().Get("opgeslagen") != "":
		pg.Notice = "De wijzigingen zijn opgeslagen."
	case r.URL.Query().Get("budget") != "":
		pg.Notice = "Het budget is opgeslagen."
	}
	return s.renderTeam(w, r, p, 200, pg)
}

func (s *Server) updateTeam(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "Het formulier is niet goed verstuurd.")
	}
	t, form := teamFromForm(r)
	t.ID = r.PathValue("id")
	err = s.Store.UpdateTeam(r.Context(), actor(r, p), &t)
	if fe, ok := people.AsFieldErrors(err); ok {
		return s.renderTeam(w, r, p, http.StatusUnprocessableEntity, page{Errors: fe, Form: form})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/teams/"+t.ID+"?opgeslagen=1", http.StatusSeeOther)
	return nil
}

func (s *Server) setBudget(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"jaar", "bedrag", "drempel"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var fe people.FieldErrors
	b := casework.Budget{TeamID: r.PathValue("id")}
	if n, err := strconv.Atoi(form["jaar"]); err == nil {
		b.Jaar = n
	} else {
		fe.Add("jaar", "vul een jaar in, zoals 2026")
	}
	if c := pvEuro(form, "bedrag", &fe); c != nil {
		b.BedragCents = *c
	} else if fe.For("bedrag") == "" {
		fe.Add("bedrag", "vul het budget in")
	}
	if c := pvEuro(form, "drempel", &fe); c != nil {
		b.DrempelCents = *c
	} else if fe.For("drempel") == "" {
		fe.Add("drempel", "vul de drempel in")
	}
	if len(fe) == 0 {
		err = s.Store.SetBudget(r.Context(), actor(r, p), &b)
		if f, ok := people.AsFieldErrors(err); ok {
			fe = budFormErrors(f)
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		return s.renderTeam(w, r, p, http.StatusUnprocessableEntity, page{Errors: fe, Form: form})
	}
	http.Redirect(w, r, "/teams/"+b.TeamID+"?budget=1", http.StatusSeeOther)
	return nil
}

// --- API ---

// spendInput is all a client may send for a request: who asks, when, the
// status and the decision are the server's.
type spendInput struct {
	BedragCents           casework.Cents `json:"bedrag_cents"`
	Doel                  string         `json:"doel"`
	Voorkomt              string         `json:"voorkomt"`
	VerwachtVermedenCents casework.Cents `json:"verwacht_vermeden_cents"`
	Budget                string         `json:"budget"` // optional: another year's budget of the same team
}

// decisionInput is a decision: the decider is always the caller.
type decisionInput struct {
	Besluit string `json:"besluit"` // goedgekeurd or afgewezen
	Reden   string `json:"reden"`
}

type teamInput struct {
	Gemeente string   `json:"gemeente"`
	Naam     string   `json:"naam"`
	Wijken   []string `json:"wijken"`
	Leden    []string `json:"leden"` // user ids
}

func (in teamInput) team() casework.Team {
	t := casework.Team{Gemeente: in.Gemeente, Naam: in.Naam, Wijken: in.Wijken}
	for _, id := range in.Leden {
		t.Members = append(t.Members, casework.TeamMember{UserID: id})
	}
	return t
}

type budgetInput struct {
	Jaar         int            `json:"jaar"`
	BedragCents  casework.Cents `json:"bedrag_cents"`
	DrempelCents casework.Cents `json:"drempel_cents"`
}

type budgetDetail struct {
	Budget      casework.Budget   `json:"budget"`
	Bestedingen *[]casework.Spend `json:"bestedingen,omitempty"`
}

func (s *Server) apiBudgets(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	year := 0
	if v := r.URL.Query().Get("jaar"); v != "" {
		if year, err = strconv.Atoi(v); err != nil {
			return errs.E(errs.Invalid, "jaar: verwacht een jaartal, zoals 2026")
		}
	}
	list, err := s.Store.Budgets(r.Context(), actor(r, p), year)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.Budget]{Items: nonNil(list)})
}

func (s *Server) apiBudget(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	b, err := s.Store.GetBudget(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := budgetDetail{Budget: b}
	if p.Can(auth.ReadPersons, b.Gemeente) {
		list, err := s.Store.SpendsOfBudget(r.Context(), a, b.ID)
		if err != nil {
			return err
		}
		out.Bestedingen = &list
	}
	return writeJSON(w, 200, out)
}

func (s *Server) apiHouseholdSpends(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	list, err := s.Store.SpendsForHousehold(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.Spend]{Items: nonNil(list)})
}

func (s *Server) apiRequestSpend(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in spendInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sp := casework.Spend{HouseholdID: r.PathValue("id"), BudgetID: in.Budget, BedragCents: in.BedragCents, Doel: in.Doel, Voorkomt: in.Voorkomt,
		VerwachtVermedenCents: in.VerwachtVermedenCents}
	if err := s.Store.RequestSpend(r.Context(), actor(r, p), &sp); err != nil {
		return err
	}
	sp, err = s.Store.GetSpend(r.Context(), actor(r, p), sp.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/spends/"+sp.ID)
	return writeJSON(w, http.StatusCreated, sp)
}

func (s *Server) apiSpendsAwaiting(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	list, err := s.Store.SpendsAwaiting(r.Context(), actor(r, p))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.Spend]{Items: nonNil(list)})
}

func (s *Server) apiSpend(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	sp, err := s.Store.GetSpend(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, sp)
}

func (s *Server) apiDecideSpend(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in decisionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := casework.ParseDecision(in.Besluit, in.Reden)
	if err != nil {
		return err
	}
	sp, err := s.Store.DecideSpend(r.Context(), actor(r, p), r.PathValue("id"), d)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, sp)
}

func (s *Server) apiTeams(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	list, err := s.Store.Teams(r.Context(), actor(r, p))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.Team]{Items: nonNil(list)})
}

func (s *Server) apiCreateTeam(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in teamInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t := in.team()
	if err := s.Store.CreateTeam(r.Context(), actor(r, p), &t); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/teams")
	return writeJSON(w, http.StatusCreated, t)
}

func (s *Server) apiUpdateTeam(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in teamInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t := in.team()
	t.ID = r.PathValue("id")
	if err := s.Store.UpdateTeam(r.Context(), actor(r, p), &t); err != nil {
		return err
	}
	return writeJSON(w, 200, t)
}

func (s *Server) apiSetBudget(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in budgetInput
	if err := decode(r, &in); err != nil {
		return err
	}
	b := casework.Budget{TeamID: r.PathValue("id"), Jaar: in.Jaar, BedragCents: in.BedragCents, DrempelCents: in.DrempelCents}
	if err := s.Store.SetBudget(r.Context(), actor(r, p), &b); err != nil {
		return err
	}
	return writeJSON(w, 200, b)
}

// spendEvents puts a household's spends in its file: the request and the
// decision. A timelineSource for the lead's timelineSources; the store
// audits the read.
func spendEvents(s *Server, r *http.Request, a store.Actor, h people.Household) ([]timelineItem, error) {
	list, err := s.Store.SpendsForHousehold(r.Context(), a, h.ID)
	if err != nil {
		return nil, err
	}
	var out []timelineItem
	for _, sp := range list {
		link := "/bestedingen/" + sp.ID
		out = append(out, timelineItem{When: sp.RequestedAt, Kind: "besteding", Link: link,
			Title:  "Besteding van " + sp.BedragCents.String() + " aangevraagd door " + sp.RequestedByEmail,
			Detail: sp.Doel + " Voorkomt: " + sp.Voorkomt})
		if sp.DecidedAt != nil {
			out = append(out, timelineItem{When: *sp.DecidedAt, Kind: "besteding", Link: link, Tag: strings.ToLower(sp.StatusNaam()),
				Title:  "Besteding van " + sp.BedragCents.String() + " " + strings.ToLower(sp.StatusNaam()) + " door " + sp.DecidedByEmail,
				Detail: sp.BesluitReden})
		}
	}
	return out, nil
}

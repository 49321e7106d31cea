package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// The neighbourhood fund: residents find the funds of their wijk and apply
// in a few steps; fund managers (beleid, wijkcoordinator) review, decide
// with four eyes, pay tranches and follow the APKs. Every page works
// without JavaScript; budget lines are a fixed number of rows.
func (s *Server) routesFund(r *router) {
	r.page("GET /fondsen", s.fundList)
	r.page("POST /fondsen", s.fundCreate)
	r.page("GET /fondsen/{id}", s.fundPage)
	r.page("GET /fondsen/{id}/wijzigen", s.fundEditForm)
	r.page("POST /fondsen/{id}", s.fundUpdate)
	r.page("GET /fondsen/{id}/aanvragen/nieuw", s.fundApplyForm)
	r.page("POST /fondsen/{id}/aanvragen", s.fundApplySave)
	r.page("GET /mijn/fondsaanvragen", s.fundMine)
	r.page("GET /fondsaanvragen/{id}", s.fundAppPage)
	r.page("GET /fondsaanvragen/{id}/wijzigen", s.fundApplyForm)
	r.page("POST /fondsaanvragen/{id}", s.fundApplySave)
	r.page("POST /fondsaanvragen/{id}/beoordeling", s.fundReview)
	r.page("POST /fondsaanvragen/{id}/besluit", s.fundDecide)
	r.page("POST /fondsaanvragen/{id}/tranches/{pos}", s.fundPay)
	r.page("POST /fondsaanvragen/{id}/apk", s.fundAPK)
	r.page("POST /fondsaanvragen/{id}/eindverantwoording", s.fundFinal)
	r.page("POST /fondsaanvragen/{id}/intrekken", s.fundWithdraw)
}

// fundFormLines is the number of budget-line rows on the form (no
// JavaScript adds rows; empty rows are ignored).
const fundFormLines = 6

// wijkFundSection is the fund's part of the wijk page: the funds open to
// the wijk this year (public, so visitors find them before signing up) and
// the funded initiatives whose applicants agreed.
type wijkFundSection struct {
	Funds       []participation.Fund
	Initiatives []store.Initiative
}

func init() {
	wijkSections["initiatieven"] = func(s *Server, r *http.Request, wk area.Wijk) (any, error) {
		xs, err := s.Store.PublicInitiatives(r.Context(), wk.Code)
		if err != nil {
			return nil, err
		}
		fs, err := s.Store.FundsForWijk(r.Context(), wk.Code, people.Today().Year())
		if err != nil {
			return nil, err
		}
		return wijkFundSection{Funds: fs, Initiatives: xs}, nil
	}
}

// --- the list of funds ---

type fundListData struct {
	Open     []participation.Fund // for the resident's wijk this year
	Managed  []participation.Fund
	Gemeente []participation.Fund // other funds of the resident's gemeente
	Resident *auth.Resident
	MayApply bool
	Manages  []area.Gemeente // where the user may open a fund
	Wijken   []area.Wijk     // of those gemeenten, for the form
	Chosen   map[string]bool // wijken ticked on the form
	Year     int
	Editing  bool // always false here; the fields partial asks
	// Public: this year's funds per gemeente, for visitors and staff who
	// are neither a resident nor a fund manager. No applicant data.
	Public []fundGroup
}

type fundGroup struct {
	Gemeente string // name
	Funds    []participation.Fund
}

func (s *Server) fundList(w http.ResponseWriter, r *http.Request) error {
	return s.fundListRender(w, r, 200, nil, nil)
}

func (s *Server) fundListRender(w http.ResponseWriter, r *http.Request, code int, fe people.FieldErrors, form map[string]string) error {
	p := principal(r)
	ctx := r.Context()
	d := fundListData{Year: people.Today().Year()}
	if p != nil && p.Resident != nil {
		d.Resident = p.Resident
		open, err := s.Store.FundsForWijk(ctx, p.Resident.Wijk, d.Year)
		if err != nil {
			return err
		}
		d.Open = open
		d.MayApply = p.Resident.Verified
		all, err := s.Store.FundsOf(ctx, p.Resident.Gemeente)
		if err != nil {
			return err
		}
		for _, f := range all {
			if !(f.Year == d.Year && f.Covers(p.Resident.Wijk)) {
				d.Gemeente = append(d.Gemeente, f)
			}
		}
	}
	if p == nil || (p.Resident == nil && !p.CanAnywhere(auth.ManageFund)) {
		all, err := s.Store.FundsOfYear(ctx, d.Year)
		if err != nil {
			return err
		}
		d.Public = groupFunds(all, s.Atlas)
	}
	if p != nil && p.CanAnywhere(auth.ManageFund) {
		var err error
		if d.Managed, err = s.Store.ManagedFunds(ctx, p); err != nil {
			return err
		}
		for _, gm := range p.Gemeenten(auth.ManageFund) {
			if g, ok := s.Atlas.Gemeente(gm); ok {
				d.Manages = append(d.Manages, g)
				d.Wijken = append(d.Wijken, s.Atlas.Wijken(gm)...)
			}
		}
	}
	if form == nil {
		form = map[string]string{"jaar": strconv.Itoa(d.Year), "maximum": participation.DefaultFundMax.Input(), "apk_maanden": "3", "tranches": "2"}
		if len(d.Manages) > 0 {
			form["gemeente"] = d.Manages[0].Code
		}
	}
	d.Chosen = map[string]bool{}
	for _, w := range strings.Fields(form["wijken"]) {
		d.Chosen[w] = true
	}
	pg := page{Title: "Wijkfondsen", Data: d, Errors: fe, Form: form}
	if r.URL.Query().Has("nieuw") {
		pg.Notice = "Het fonds is geopend."
	}
	s.renderPage(w, r, code, "fund_list", pg)
	return nil
}

// groupFunds groups funds by gemeente, by the gemeente's name.
func groupFunds(fs []participation.Fund, atlas *area.Atlas) []fundGroup {
	var out []fundGroup
	at := map[string]int{}
	for _, f := range fs {
		i, ok := at[f.Gemeente]
		if !ok {
			name := f.Gemeente
			if g, ok := atlas.Gemeente(f.Gemeente); ok {
				name = g.Naam
			}
			i = len(out)
			at[f.Gemeente] = i
			out = append(out, fundGroup{Gemeente: name})
		}
		out[i].Funds = append(out[i].Funds, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Gemeente < out[j].Gemeente })
	return out
}

func (s *Server) fundCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "Het formulier is niet goed aangekomen.")
	}
	f, form, fe := fundFromForm(r)
	if err := fe.Err(); err == nil {
		err = s.Store.CreateFund(r.Context(), actor(r, p), &f)
		if err == nil {
			http.Redirect(w, r, "/fondsen/"+f.ID+"?nieuw=1", http.StatusSeeOther)
			return nil
		}
		if fe, _ = fieldErrors(err); fe == nil {
			return err
		}
	} else {
		fe = withValidation(fe, f)
	}
	return s.fundListRender(w, r, http.StatusUnprocessableEntity, fe, form)
}

// withValidation adds the fund's own validation errors for fields the
// form did not already complain about.
func withValidation(fe people.FieldErrors, f participation.Fund) people.FieldErrors {
	if more, ok := people.AsFieldErrors(f.Validate()); ok {
		for _, e := range more {
			if fe.For(e.Field) == "" {
				fe = append(fe, e)
			}
		}
	}
	return fe
}

// fundFromForm reads a fund's form (opening or changing one).
func fundFromForm(r *http.Request) (participation.Fund, map[string]string, people.FieldErrors) {
	form := map[string]string{}
	for _, k := range []string{"gemeente", "naam", "jaar", "budget", "maximum", "criteria", "apk_maanden", "tranches"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	f := participation.Fund{Gemeente: form["gemeente"], Name: form["naam"], Criteria: form["criteria"], Wijken: r.PostForm["wijk"]}
	form["wijken"] = strings.Join(f.Wijken, " ")
	var fe people.FieldErrors
	f.Year, _ = strconv.Atoi(form["jaar"])
	for _, m := range []struct {
		field string
		into  *casework.Cents
	}{{"budget", &f.Budget}, {"maximum", &f.Max}} {
		if form[m.field] == "" && m.field == "maximum" {
			continue
		}
		c, err := casework.ParseEuro(form[m.field])
		if err != nil {
			fe.Add(m.field, "Bedrag: "+err.Error()+".")
			continue
		}
		*m.into = c
	}
	f.APKMonths, _ = strconv.Atoi(form["apk_maanden"])
	f.Tranches, _ = strconv.Atoi(form["tranches"])
	if f.APKMonths == 0 {
		f.APKMonths = -1 // an empty or bad field is an error, not the default
	}
	if f.Tranches == 0 {
		f.Tranches = -1
	}
	return f, form, fe
}

// --- changing a fund ---

type fundEditData struct {
	Fund    participation.Fund
	Wijken  []area.Wijk
	Chosen  map[string]bool
	Editing bool
}

func (s *Server) fundEditLoad(r *http.Request) (participation.Fund, error) {
	p, err := need(r)
	if err != nil {
		return participation.Fund{}, err
	}
	f, err := s.Store.Fund(r.Context(), r.PathValue("id"))
	if err != nil {
		return f, err
	}
	if !participation.MayManageFund(p, f.Gemeente) {
		return f, errs.E(errs.Forbidden, "U beheert dit fonds niet.")
	}
	return f, nil
}

func (s *Server) fundEditForm(w http.ResponseWriter, r *http.Request) error {
	f, err := s.fundEditLoad(r)
	if err != nil {
		return err
	}
	form := map[string]string{"naam": f.Name, "budget": f.Budget.Input(), "maximum": f.Max.Input(), "criteria": f.Criteria,
		"apk_maanden": strconv.Itoa(f.APKMonths), "tranches": strconv.Itoa(f.Tranches), "wijken": strings.Join(f.Wijken, " ")}
	return s.fundEditRender(w, r, 200, f, nil, form)
}

func (s *Server) fundEditRender(w http.ResponseWriter, r *http.Request, code int, f participation.Fund, fe people.FieldErrors, form map[string]string) error {
	d := fundEditData{Fund: f, Wijken: s.Atlas.Wijken(f.Gemeente), Chosen: map[string]bool{}, Editing: true}
	for _, w := range strings.Fields(form["wijken"]) {
		d.Chosen[w] = true
	}
	s.renderPage(w, r, code, "fund_edit", page{Title: f.Name + " wijzigen", Data: d, Errors: fe, Form: form})
	return nil
}

func (s *Server) fundUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.fundEditLoad(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "Het formulier is niet goed aangekomen.")
	}
	f, form, fe := fundFromForm(r)
	f.ID, f.Gemeente, f.Year = old.ID, old.Gemeente, old.Year
	if err := fe.Err(); err == nil {
		err = s.Store.UpdateFund(r.Context(), actor(r, principal(r)), &f)
		if err == nil {
			http.Redirect(w, r, "/fondsen/"+f.ID+"?gewijzigd=1", http.StatusSeeOther)
			return nil
		}
		if fe, _ = fieldErrors(err); fe == nil {
			return err
		}
	} else {
		fe = withValidation(fe, f)
	}
	return s.fundEditRender(w, r, http.StatusUnprocessableEntity, old, fe, form)
}

// --- one fund ---

type fundPageData struct {
	Fund     participation.Fund
	Manager  bool
	MayApply bool
	Apps     []participation.Application
	Counts   map[participation.AppStatus]int
	Today    people.Date
}

// APKLate reports whether an open APK is past its date (the overdue
// reminder goes two weeks later).
func (d fundPageData) APKLate(k *participation.APK) bool { return k != nil && k.Overdue(d.Today, 0) }

func (s *Server) fundPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := s.Store.Fund(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := principal(r)
	d := fundPageData{Fund: f, Manager: participation.MayManageFund(p, f.Gemeente), Counts: map[participation.AppStatus]int{}, Today: people.Today()}
	if d.MayApply, err = s.Store.MayApply(ctx, p, f); err != nil {
		return err
	}
	if d.Manager {
		if d.Apps, err = s.Store.FundApplications(ctx, actor(r, p), f.ID); err != nil {
			return err
		}
		for _, x := range d.Apps {
			d.Counts[x.Status]++
		}
	}
	pg := page{Title: f.Name, Data: d}
	if r.URL.Query().Has("nieuw") {
		pg.Notice = "Het fonds is geopend. Bewoners van de gekozen wijken kunnen nu aanvragen."
	}
	if r.URL.Query().Has("gewijzigd") {
		pg.Notice = "Het fonds is gewijzigd."
	}
	s.renderPage(w, r, 200, "fund", pg)
	return nil
}

// --- applying ---

type fundApplyData struct {
	Fund  participation.Fund
	App   participation.Application // the concept being changed; ID empty for a new one
	Goals []participation.Goal
	Lines []int
}

// fundApplyTarget reads the fund and, when changing a concept, the
// applicant's own application.
func (s *Server) fundApplyTarget(r *http.Request, p *auth.Principal) (participation.Fund, participation.Application, error) {
	ctx := r.Context()
	var x participation.Application
	fundID := r.PathValue("id")
	if strings.HasPrefix(r.URL.Path, "/fondsaanvragen/") {
		got, err := s.Store.Application(ctx, actor(r, p), r.PathValue("id"))
		if err != nil {
			return participation.Fund{}, x, err
		}
		if got.ApplicantID != p.UserID {
			return participation.Fund{}, x, errs.E(errs.NotFound, "Deze aanvraag bestaat niet, of u mag haar niet zien.")
		}
		if got.Status == participation.AppIngetrokken {
			return participation.Fund{}, x, errs.E(errs.Conflict, "U heeft deze aanvraag ingetrokken; ze kan niet meer worden gewijzigd. U kunt wel een nieuwe aanvraag doen.")
		}
		if got.Status != participation.AppConcept {
			return participation.Fund{}, x, errs.E(errs.Conflict, "Deze aanvraag is al ingediend en kan niet meer worden gewijzigd.")
		}
		x, fundID = got, got.FundID
	}
	f, err := s.Store.Fund(ctx, fundID)
	if err != nil {
		return f, x, err
	}
	ok, err := s.Store.MayApply(ctx, p, f)
	if err != nil {
		return f, x, err
	}
	if !ok {
		return f, x, errs.E(errs.Forbidden, "Alleen inwoners van een wijk van dit fonds, met een bevestigd e-mailadres, vragen geld aan.")
	}
	return f, x, nil
}

func fundAppForm(x participation.Application) map[string]string {
	form := map[string]string{"titel": x.Title, "wat": x.What, "voor_wie": x.ForWhom, "doel": string(x.Goal), "eigen_natura": x.OwnInKind}
	if x.Own > 0 {
		form["eigen_bijdrage"] = x.Own.Input()
	}
	if x.Public || x.ID == "" {
		form["openbaar"] = "ja"
	}
	for i, l := range x.Lines {
		form[fmt.Sprintf("regel%d_omschrijving", i+1)] = l.Description
		form[fmt.Sprintf("regel%d_bedrag", i+1)] = l.Amount.Input()
	}
	return form
}

func (s *Server) fundApplyForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	f, x, err := s.fundApplyTarget(r, p)
	if err != nil {
		return err
	}
	return s.fundApplyRender(w, r, 200, f, x, nil, fundAppForm(x))
}

func (s *Server) fundApplyRender(w http.ResponseWriter, r *http.Request, code int, f participation.Fund, x participation.Application, fe people.FieldErrors, form map[string]string) error {
	d := fundApplyData{Fund: f, App: x, Goals: participation.Goals}
	n := max(fundFormLines, len(x.Lines))
	for i := 1; i <= n; i++ {
		d.Lines = append(d.Lines, i)
	}
	title := "Geld aanvragen bij " + f.Name
	s.renderPage(w, r, code, "fund_apply", page{Title: title, Data: d, Errors: fe, Form: form})
	return nil
}

func (s *Server) fundApplySave(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	f, x, err := s.fundApplyTarget(r, p)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "Het formulier is niet goed aangekomen.")
	}
	form := map[string]string{}
	for _, k := range []string{"titel", "wat", "voor_wie", "doel", "eigen_bijdrage", "eigen_natura", "openbaar", "actie"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	submit := form["actie"] == "indienen"
	x.Title, x.What, x.ForWhom, x.Goal, x.OwnInKind = form["titel"], form["wat"], form["voor_wie"], participation.Goal(form["doel"]), form["eigen_natura"]
	x.Public = form["openbaar"] == "ja"
	x.Lines = nil
	var fe people.FieldErrors
	if form["eigen_bijdrage"] != "" {
		c, err := casework.ParseEuro(form["eigen_bijdrage"])
		if err != nil {
			fe.Add("eigen_bijdrage", "Eigen bijdrage: "+err.Error()+".")
		}
		x.Own = c
	} else {
		x.Own = 0
	}
	for i := 1; i <= fundFormLines+participation.MaxLines; i++ {
		dk, ak := fmt.Sprintf("regel%d_omschrijving", i), fmt.Sprintf("regel%d_bedrag", i)
		if _, ok := r.PostForm[dk]; !ok {
			break
		}
		form[dk], form[ak] = strings.TrimSpace(r.PostFormValue(dk)), strings.TrimSpace(r.PostFormValue(ak))
		l := participation.BudgetLine{Description: form[dk]}
		if form[ak] != "" {
			c, err := casework.ParseEuro(form[ak])
			if err != nil {
				fe.Add(fmt.Sprintf("regel%d", i), fmt.Sprintf("Begrotingsregel %d: %s.", i, err.Error()))
				c = 1 // keeps the row; the error above is what the user sees
			}
			l.Amount = c
		}
		x.Lines = append(x.Lines, l)
	}
	if err := fe.Err(); err == nil {
		err = s.Store.SaveApplication(r.Context(), p, f.ID, &x, submit)
		if err == nil {
			q := "?opgeslagen=1"
			if submit {
				q = "?ingediend=1"
			}
			http.Redirect(w, r, "/fondsaanvragen/"+x.ID+q, http.StatusSeeOther)
			return nil
		}
		if fe, _ = fieldErrors(err); fe == nil {
			return err
		}
	} else {
		check := x
		if more, ok := people.AsFieldErrors(check.Validate(f, submit)); ok {
			for _, e := range more {
				if fe.For(e.Field) == "" {
					fe = append(fe, e)
				}
			}
		}
	}
	return s.fundApplyRender(w, r, http.StatusUnprocessableEntity, f, x, fe, form)
}

// --- the resident's own applications ---

func (s *Server) fundMine(w http.ResponseWriter, r *http.Request) error {
	p, err := needResident(r)
	if err != nil {
		return err
	}
	xs, err := s.Store.MyApplications(r.Context(), p)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "fund_mine", page{Title: "Mijn aanvragen bij het wijkfonds", Data: xs})
	return nil
}

// --- one application ---

type fundAppData struct {
	App        participation.Application
	Fund       participation.Fund
	Applicant  bool
	Manager    bool
	MayReview  bool
	MayDecide  bool
	Reviewer   bool // the viewer reviewed it: a colleague decides
	NextAPK    *participation.APK
	PayNext    int // the tranche that may be paid now; 0 when none
	Advices    []participation.Advice
	Lines      []fundLineView
	OverBudget bool
}

type fundLineView struct {
	N        int
	Line     participation.BudgetLine
	DiffText string // spent − budgeted, with its sign
}

func (s *Server) fundAppData(r *http.Request, p *auth.Principal) (fundAppData, error) {
	ctx := r.Context()
	x, err := s.Store.Application(ctx, actor(r, p), r.PathValue("id"))
	if err != nil {
		return fundAppData{}, err
	}
	f, err := s.Store.Fund(ctx, x.FundID)
	if err != nil {
		return fundAppData{}, err
	}
	d := fundAppData{App: x, Fund: f, Applicant: x.ApplicantID == p.UserID, Manager: participation.MayManageFund(p, x.Gemeente), Advices: participation.Advices}
	mine := x.ApplicantID == p.UserID
	d.MayReview = d.Manager && !mine && (x.Status == participation.AppIngediend || x.Status == participation.AppBeoordeeld)
	d.Reviewer = x.ReviewedBy == p.UserID
	d.MayDecide = d.Manager && !mine && !d.Reviewer && x.Status == participation.AppBeoordeeld
	if k, ok := x.NextAPK(); ok && x.Status == participation.AppToegekend {
		d.NextAPK = &k
	}
	if d.Manager && x.Status == participation.AppToegekend {
		answered := 0
		for _, k := range x.APKs {
			if k.Answered() {
				answered++
			}
		}
		for _, t := range x.Tranches {
			if !t.Paid() {
				if t.Pos == 1 || answered >= t.Pos-1 {
					d.PayNext = t.Pos
				}
				break
			}
		}
	}
	for i, l := range x.Lines {
		diff := l.Spent - l.Amount
		text := "+ " + diff.String()
		switch {
		case diff < 0:
			text = "− " + (-diff).String()
		case diff == 0:
			text = diff.String()
		}
		d.Lines = append(d.Lines, fundLineView{N: i + 1, Line: l, DiffText: text})
	}
	d.OverBudget = x.Status == participation.AppAfgesloten && x.Spent() > x.Requested()
	return d, nil
}

func (s *Server) fundAppPage(w http.ResponseWriter, r *http.Request) error {
	return s.fundAppRender(w, r, 200, nil, nil)
}

var fundNotices = map[string]string{
	"opgeslagen":         "Uw aanvraag is bewaard als concept. U kunt haar later afmaken en indienen.",
	"ingediend":          "Uw aanvraag is ingediend. De gemeente beoordeelt haar; u krijgt bericht over het besluit.",
	"beoordeeld":         "De beoordeling is opgeslagen. Een collega besluit nu (vierogenprincipe).",
	"besloten":           "Het besluit is opgeslagen. De aanvragers krijgen bericht.",
	"betaald":            "De betaling is vastgelegd.",
	"apk":                "Dank u wel. Uw antwoorden zijn opgeslagen.",
	"eindverantwoording": "Uw eindverantwoording is opgeslagen. Het initiatief is afgerond.",
	"ingetrokken":        "Uw aanvraag is ingetrokken. De gemeente besluit er niet meer over.",
}

func (s *Server) fundAppRender(w http.ResponseWriter, r *http.Request, code int, fe people.FieldErrors, form map[string]string) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	d, err := s.fundAppData(r, p)
	if err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{}
		if d.App.Advice != "" {
			form["advies"] = string(d.App.Advice)
		}
		form["bedrag"] = d.App.Requested().Input()
		if d.App.Requested() > d.Fund.Max {
			form["bedrag"] = d.Fund.Max.Input()
		}
		for _, l := range d.Lines {
			form[fmt.Sprintf("besteed%d", l.N)] = l.Line.Amount.Input()
		}
	}
	pg := page{Title: d.App.Title, Data: d, Errors: fe, Form: form}
	for k, v := range fundNotices {
		if r.URL.Query().Has(k) {
			pg.Notice = v
		}
	}
	s.renderPage(w, r, code, "fund_app", pg)
	return nil
}

// fundFormError re-renders the application page with a form's errors, or
// returns a non-field error for the error page.
func (s *Server) fundFormError(w http.ResponseWriter, r *http.Request, err error, form map[string]string) error {
	fe, ok := fieldErrors(err)
	if !ok {
		return err
	}
	return s.fundAppRender(w, r, http.StatusUnprocessableEntity, fe, form)
}

func (s *Server) fundDone(w http.ResponseWriter, r *http.Request, notice, anchor string) error {
	http.Redirect(w, r, "/fondsaanvragen/"+r.PathValue("id")+"?"+notice+"=1"+anchor, http.StatusSeeOther)
	return nil
}

func (s *Server) fundReview(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{"advies": r.PostFormValue("advies"), "beoordeling": r.PostFormValue("beoordeling")}
	if err := s.Store.ReviewApplication(r.Context(), actor(r, p), r.PathValue("id"), participation.Advice(form["advies"]), form["beoordeling"]); err != nil {
		return s.fundFormError(w, r, err, form)
	}
	return s.fundDone(w, r, "beoordeeld", "")
}

func (s *Server) fundDecide(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{"besluit": r.PostFormValue("besluit"), "bedrag": strings.TrimSpace(r.PostFormValue("bedrag")), "reden": r.PostFormValue("reden")}
	d := participation.Decision{Reason: form["reden"]}
	switch form["besluit"] {
	case "toekennen":
		d.Grant = true
		c, err := casework.ParseEuro(form["bedrag"])
		if err != nil {
			return s.fundFormError(w, r, people.FieldErrors{{Field: "bedrag", Message: "Bedrag: " + err.Error() + "."}}, form)
		}
		d.Amount = c
	case "afwijzen":
	default:
		return s.fundFormError(w, r, people.FieldErrors{{Field: "besluit", Message: "Kies: toekennen of afwijzen."}}, form)
	}
	if err := s.Store.DecideApplication(r.Context(), actor(r, p), r.PathValue("id"), d); err != nil {
		return s.fundFormError(w, r, err, form)
	}
	return s.fundDone(w, r, "besloten", "")
}

func (s *Server) fundPay(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	pos, err := strconv.Atoi(r.PathValue("pos"))
	if err != nil {
		return errs.ErrNotFound
	}
	if err := s.Store.PayTranche(r.Context(), actor(r, p), r.PathValue("id"), pos); err != nil {
		return err
	}
	return s.fundDone(w, r, "betaald", "#betalingen")
}

func (s *Server) fundAPK(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	ans := participation.APKAnswer{OnCourse: r.PostFormValue("op_koers"), Course: r.PostFormValue("koers"), Partners: r.PostFormValue("partners"),
		StillNeeded: r.PostFormValue("nog_nodig"), Needed: r.PostFormValue("nodig")}
	form := map[string]string{"op_koers": ans.OnCourse, "koers": ans.Course, "partners": ans.Partners, "nog_nodig": ans.StillNeeded, "nodig": ans.Needed}
	if err := s.Store.AnswerAPK(r.Context(), p, r.PathValue("id"), ans); err != nil {
		return s.fundFormError(w, r, err, form)
	}
	return s.fundDone(w, r, "apk", "")
}

func (s *Server) fundFinal(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	x, err := s.Store.Application(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "Het formulier is niet goed aangekomen.")
	}
	form := map[string]string{"resultaat": r.PostFormValue("resultaat")}
	var fe people.FieldErrors
	spent := make([]casework.Cents, len(x.Lines))
	notes := make([]string, len(x.Lines))
	for i := range x.Lines {
		bk, nk := fmt.Sprintf("besteed%d", i+1), fmt.Sprintf("toelichting%d", i+1)
		form[bk], form[nk] = strings.TrimSpace(r.PostFormValue(bk)), r.PostFormValue(nk)
		notes[i] = form[nk]
		if form[bk] == "" {
			fe.Add(bk, fmt.Sprintf("Regel %d: vul in wat u uitgaf (0 als u niets uitgaf).", i+1))
			continue
		}
		c, err := casework.ParseEuro(form[bk])
		if err != nil {
			fe.Add(bk, fmt.Sprintf("Regel %d: %s.", i+1, err.Error()))
			continue
		}
		spent[i] = c
	}
	if err := fe.Err(); err != nil {
		return s.fundFormError(w, r, err, form)
	}
	if err := s.Store.FinalAccount(r.Context(), p, x.ID, spent, notes, form["resultaat"]); err != nil {
		return s.fundFormError(w, r, err, form)
	}
	return s.fundDone(w, r, "eindverantwoording", "")
}

// fundWithdraw lets the applicant withdraw an application not yet decided
// on, with an optional reason.
func (s *Server) fundWithdraw(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{"reden_intrekken": r.PostFormValue("reden_intrekken")}
	if err := s.Store.WithdrawApplication(r.Context(), p, r.PathValue("id"), form["reden_intrekken"]); err != nil {
		return s.fundFormError(w, r, err, form)
	}
	return s.fundDone(w, r, "ingetrokken", "")
}

// fundStatusCounts is a helper for templates: how many applications of a status.
func (d fundPageData) Count(st string) int { return d.Counts[participation.AppStatus(st)] }

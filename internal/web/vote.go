package web

import (
	"net/http"
	"strconv"
	"strings"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
)

// The wijkbudget vote: a public page per vote with the ballot form for the
// wijk's residents, management pages for those who run it, paper ballots
// with four eyes, and a JSON API with the same one-ballot rule.
func (s *Server) routesVote(r *router) {
	const tag = "Wijkbudget"
	r.page("GET /wijk/{wijk}/stemmen/{id}", s.votePage)
	r.page("POST /wijk/{wijk}/stemmen/{id}/stem", s.voteCast)
	r.page("POST /wijk/{wijk}/stemmen/{id}/intrekken", s.voteWithdraw)
	r.page("POST /wijk/{wijk}/stemmen/{id}/ideeen", s.voteProposeProject)

	r.page("GET /wijkbudget", s.voteManageList)
	r.page("POST /wijkbudget", s.voteCreate)
	r.page("GET /wijkbudget/{id}", s.voteManagePage)
	r.page("POST /wijkbudget/{id}/projecten/{project}/beoordeling", s.voteReview)
	r.page("POST /wijkbudget/{id}/fase", s.voteAdvance)
	r.page("POST /wijkbudget/{id}/publiceren", s.votePublish)
	r.page("POST /wijkbudget/{id}/papier", s.votePaperEnter)
	r.page("POST /wijkbudget/{id}/papier/{paper}", s.votePaperDecide)

	r.endpoint("GET /api/v1/wijken/{code}/wijkbudgets", apiDoc{Summary: "De wijkbudget-stemmingen van een wijk, nieuwste eerst", Tag: tag, Public: true,
		Response: itemsOf[participation.Budget]{}}, s.apiVoteList)
	r.endpoint("GET /api/v1/wijkbudgets/{id}", apiDoc{Summary: "Eén stemming met projecten, opkomst en (na publicatie) de uitslag met aantallen", Tag: tag, Public: true,
		Response: voteResponse{}}, s.apiVote)
	r.endpoint("GET /api/v1/wijkbudgets/{id}/ballot", apiDoc{Summary: "Uw eigen stembiljet (alleen u ziet hoe u stemde)", Tag: tag,
		Roles: "inwoner van de wijk", Response: ballotResponse{}}, s.apiMyBallot)
	r.endpoint("POST /api/v1/wijkbudgets/{id}/ballot", apiDoc{Summary: "Stemmen of uw stem wijzigen: één stembiljet per inwoner, het nieuwe vervangt het oude", Tag: tag,
		Roles: "inwoner van de wijk met een bevestigd e-mailadres, zolang het stemmen open is", Body: ballotInput{}, Response: ballotResponse{}}, s.apiCastBallot)
}

// The wijk page lists the wijk's votes: running ones first, then published
// results.
func init() {
	wijkSections["stemmen"] = func(s *Server, r *http.Request, wk area.Wijk) (any, error) {
		bs, err := s.Store.Wijkbudgets(r.Context(), wk.Code)
		if err != nil {
			return nil, err
		}
		var running, done []wijkVote
		for _, b := range bs {
			v := wijkVote{Budget: b, Open: s.Store.VotingOpen(b)}
			if b.IsPublished() {
				if len(done) < 3 {
					done = append(done, v)
				}
				continue
			}
			if b.Phase == participation.PhaseStemmen || b.Phase == participation.PhaseUitslag {
				if v.Turnout, err = s.Store.WijkbudgetTurnout(r.Context(), b.ID); err != nil {
					return nil, err
				}
			}
			running = append(running, v)
		}
		if len(running)+len(done) == 0 {
			return nil, nil
		}
		return append(running, done...), nil
	}
}

// wijkVote is one line of the wijk page's vote section.
type wijkVote struct {
	Budget  participation.Budget
	Open    bool
	Turnout int
}

// --- the public vote page ---

type voteView struct {
	Budget    participation.Budget
	Wijk      area.Wijk
	Gemeente  string
	OnBallot  []participation.Project
	Rejected  []participation.Project
	Waiting   []participation.Project
	Open      bool // ballots are taken now
	MayVote   bool // the viewer is a verified resident of the wijk
	MayManage bool
	ShowForm  bool // the ballot form is on the page
	Mine      map[string]bool
	HasBallot bool
	Turnout   int
	Result    *participation.Result
	Steps     []voteStep
}

type voteStep struct {
	Label         string
	Done, Current bool
}

func voteSteps(b participation.Budget) []voteStep {
	var out []voteStep
	cur := -1
	for i, p := range participation.Phases {
		if p == b.Phase {
			cur = i
		}
	}
	for i, p := range participation.Phases {
		out = append(out, voteStep{Label: p.Label(), Done: i < cur || (p == participation.PhaseUitslag && b.IsPublished()), Current: i == cur})
	}
	return out
}

// voteLoad reads a vote and checks it belongs to the wijk in the URL.
func (s *Server) voteLoad(r *http.Request) (participation.Budget, []participation.Project, area.Wijk, error) {
	b, ps, err := s.Store.Wijkbudget(r.Context(), r.PathValue("id"))
	if err != nil {
		return b, nil, area.Wijk{}, err
	}
	if w := r.PathValue("wijk"); w != "" && w != b.Wijk {
		return b, nil, area.Wijk{}, errs.E(errs.NotFound, "Deze stemming hoort niet bij deze wijk.")
	}
	wk, ok := s.Atlas.Wijk(b.Wijk)
	if !ok {
		wk = area.Wijk{Code: b.Wijk, Naam: b.Wijk, Gemeente: b.Gemeente}
	}
	return b, ps, wk, nil
}

func (s *Server) voteView(r *http.Request) (voteView, error) {
	b, ps, wk, err := s.voteLoad(r)
	if err != nil {
		return voteView{}, err
	}
	p := principal(r)
	v := voteView{Budget: b, Wijk: wk, Gemeente: b.Gemeente, Open: s.Store.VotingOpen(b), Mine: map[string]bool{}, Steps: voteSteps(b),
		MayManage: participation.MayManage(p, b.Gemeente, b.Wijk)}
	if g, ok := s.Atlas.Gemeente(b.Gemeente); ok {
		v.Gemeente = g.Naam
	}
	for _, pr := range ps {
		switch pr.Review {
		case participation.Haalbaar:
			v.OnBallot = append(v.OnBallot, pr)
		case participation.NietHaalbaar:
			v.Rejected = append(v.Rejected, pr)
		default:
			v.Waiting = append(v.Waiting, pr)
		}
	}
	if v.MayVote, err = s.Store.MayVote(r.Context(), p, b); err != nil {
		return v, err
	}
	v.ShowForm = v.Open && v.MayVote
	if p != nil {
		mine, has, err := s.Store.MyBallot(r.Context(), p, b.ID)
		if err != nil {
			return v, err
		}
		v.HasBallot = has
		for _, id := range mine {
			v.Mine[id] = true
		}
	}
	if v.Turnout, err = s.Store.WijkbudgetTurnout(r.Context(), b.ID); err != nil {
		return v, err
	}
	if b.IsPublished() {
		res, err := s.Store.CountWijkbudget(r.Context(), p, b.ID)
		if err != nil {
			return v, err
		}
		v.Result = &res
	}
	return v, nil
}

func (s *Server) votePage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.voteView(r)
	if err != nil {
		return err
	}
	pg := page{Title: v.Budget.Title, Data: v}
	switch {
	case r.URL.Query().Has("gestemd"):
		pg.Notice = "Uw stem is opgeslagen. U kunt hem wijzigen zolang het stemmen open is."
	case r.URL.Query().Has("ingetrokken"):
		pg.Notice = "Uw stem is ingetrokken."
	case r.URL.Query().Has("idee"):
		pg.Notice = "Uw idee is ingediend. De gemeente beoordeelt het."
	}
	s.renderPage(w, r, 200, "vote", pg)
	return nil
}

// voteFormError re-renders the vote page with the form's errors.
func (s *Server) voteFormError(w http.ResponseWriter, r *http.Request, err error, form map[string]string, mine []string) error {
	fe, ok := fieldErrors(err)
	if !ok {
		return err
	}
	v, verr := s.voteView(r)
	if verr != nil {
		return verr
	}
	if mine != nil {
		v.Mine = map[string]bool{}
		for _, id := range mine {
			v.Mine[id] = true
		}
	}
	s.renderPage(w, r, http.StatusUnprocessableEntity, "vote", page{Title: v.Budget.Title, Data: v, Errors: fe, Form: form})
	return nil
}

func (s *Server) voteCast(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	b, _, _, err := s.voteLoad(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "Het formulier is niet goed aangekomen.")
	}
	choice := r.PostForm["project"]
	if err := s.Store.CastBallot(r.Context(), p, b.ID, choice); err != nil {
		return s.voteFormError(w, r, err, nil, choice)
	}
	http.Redirect(w, r, "/wijk/"+b.Wijk+"/stemmen/"+b.ID+"?gestemd=1#stembiljet", http.StatusSeeOther)
	return nil
}

func (s *Server) voteWithdraw(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	b, _, _, err := s.voteLoad(r)
	if err != nil {
		return err
	}
	if err := s.Store.WithdrawBallot(r.Context(), p, b.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/wijk/"+b.Wijk+"/stemmen/"+b.ID+"?ingetrokken=1#stembiljet", http.StatusSeeOther)
	return nil
}

func (s *Server) voteProposeProject(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	b, _, _, err := s.voteLoad(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"titel", "omschrijving", "kosten", "terug"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	pr := participation.Project{Title: form["titel"], Description: form["omschrijving"]}
	var fe people.FieldErrors
	if c, err := casework.ParseEuro(form["kosten"]); err != nil {
		fe.Add("kosten", "Kosten: "+err.Error()+".")
	} else {
		pr.Cost = c
	}
	if err := pr.Validate(b); err != nil {
		if more, ok := people.AsFieldErrors(err); ok {
			for _, e := range more {
				if e.Field != "kosten" || fe.For("kosten") == "" {
					fe = append(fe, e)
				}
			}
		}
	}
	if err := fe.Err(); err == nil {
		err = s.Store.ProposeProject(r.Context(), actor(r, p), b.ID, &pr)
		if err == nil {
			if form["terug"] == "beheer" {
				http.Redirect(w, r, "/wijkbudget/"+b.ID+"?project=1", http.StatusSeeOther)
			} else {
				http.Redirect(w, r, "/wijk/"+b.Wijk+"/stemmen/"+b.ID+"?idee=1", http.StatusSeeOther)
			}
			return nil
		}
		fe, _ = fieldErrors(err)
		if fe == nil {
			return err
		}
	}
	if form["terug"] == "beheer" {
		return s.voteManageRender(w, r, b.ID, http.StatusUnprocessableEntity, "", fe, form)
	}
	return s.voteFormError(w, r, fe, form, nil)
}

// --- management ---

type voteManageListData struct {
	Budgets []participation.Budget
	Wijken  []area.Wijk // where the user may open a vote
}

func (s *Server) voteManageWijken(p *auth.Principal) []area.Wijk {
	var out []area.Wijk
	seen := map[string]bool{}
	for _, gm := range p.Gemeenten(auth.ManageWijkbudget) {
		for _, wk := range s.Atlas.Wijken(gm) {
			if !seen[wk.Code] && participation.MayManage(p, gm, wk.Code) {
				seen[wk.Code] = true
				out = append(out, wk)
			}
		}
	}
	return out
}

func (s *Server) voteManageList(w http.ResponseWriter, r *http.Request) error {
	return s.voteManageListRender(w, r, 200, nil, nil)
}

func (s *Server) voteManageListRender(w http.ResponseWriter, r *http.Request, code int, fe people.FieldErrors, form map[string]string) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(auth.ManageWijkbudget) {
		return errs.E(errs.Forbidden, "U beheert geen wijkbudget.")
	}
	bs, err := s.Store.ManagedWijkbudgets(r.Context(), p)
	if err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{"regel": "knapsack"}
	}
	s.renderPage(w, r, code, "vote_manage_list", page{Title: "Wijkbudget", Data: voteManageListData{Budgets: bs, Wijken: s.voteManageWijken(p)}, Errors: fe, Form: form})
	return nil
}

func (s *Server) voteCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"wijk", "titel", "omschrijving", "bedrag", "regel", "max_keuzes", "voorstellen_tot", "stemmen_vanaf", "stemmen_tot"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	b := participation.Budget{Wijk: form["wijk"], Title: form["titel"], Description: form["omschrijving"], Rule: participation.Rule(form["regel"])}
	var fe people.FieldErrors
	if c, err := casework.ParseEuro(form["bedrag"]); err != nil {
		fe.Add("bedrag", "Bedrag: "+err.Error()+".")
	} else {
		b.Amount = c
	}
	if b.Rule == participation.RuleApprove {
		n, err := strconv.Atoi(form["max_keuzes"])
		if err != nil {
			fe.Add("max_keuzes", "Vul een aantal in (1 tot en met 50).")
		}
		b.MaxChoices = n
	}
	for _, d := range []struct {
		field string
		into  *people.Date
	}{{"voorstellen_tot", &b.ProposalsUntil}, {"stemmen_vanaf", &b.VoteFrom}, {"stemmen_tot", &b.VoteUntil}} {
		if form[d.field] == "" {
			continue
		}
		v, err := people.ParseDate(form[d.field])
		if err != nil {
			fe.Add(d.field, "Vul een datum in als 2026-03-31.")
			continue
		}
		*d.into = v
	}
	if err := fe.Err(); err == nil {
		err = s.Store.CreateWijkbudget(r.Context(), actor(r, p), &b)
		if err == nil {
			http.Redirect(w, r, "/wijkbudget/"+b.ID+"?nieuw=1", http.StatusSeeOther)
			return nil
		}
		if fe, _ = fieldErrors(err); fe == nil {
			return err
		}
	} else if more, ok := people.AsFieldErrors(b.Validate()); ok {
		for _, e := range more {
			if fe.For(e.Field) == "" && e.Field != "bedrag" {
				fe = append(fe, e)
			}
		}
	}
	return s.voteManageListRender(w, r, http.StatusUnprocessableEntity, fe, form)
}

type voteManageData struct {
	voteView
	Count       *participation.Result
	MayPaper    bool
	Paper       paperView
	Next        participation.Phase
	Reviewable  bool
	ProjectByID map[string]participation.Project
	All         []participation.Project
}

type paperView struct {
	Pending   []paperEntry
	Confirmed int
}

type paperEntry struct {
	ID     string
	Titles []string
	Mine   bool
}

func (s *Server) voteManagePage(w http.ResponseWriter, r *http.Request) error {
	notice := ""
	switch {
	case r.URL.Query().Has("nieuw"):
		notice = "De stemming is aangemaakt. Inwoners kunnen nu ideeën indienen."
	case r.URL.Query().Has("project"):
		notice = "Het project is toegevoegd."
	case r.URL.Query().Has("fase"):
		notice = "De stemming is naar de volgende fase gegaan."
	case r.URL.Query().Has("papier"):
		notice = "Het papieren stembiljet is opgeslagen. Een andere wijkcoördinator bevestigt het."
	case r.URL.Query().Has("bevestigd"):
		notice = "Het papieren stembiljet is bevestigd en telt mee."
	case r.URL.Query().Has("verwijderd"):
		notice = "Het papieren stembiljet is verwijderd."
	case r.URL.Query().Has("gepubliceerd"):
		notice = "De uitslag is gepubliceerd. De gekozen projecten staan op de wijkagenda."
	case r.URL.Query().Has("beoordeeld"):
		notice = "De beoordeling is opgeslagen."
	}
	return s.voteManageRender(w, r, r.PathValue("id"), 200, notice, nil, nil)
}

func (s *Server) voteManageRender(w http.ResponseWriter, r *http.Request, id string, code int, notice string, fe people.FieldErrors, form map[string]string) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	r.SetPathValue("id", id)
	v, err := s.voteView(r)
	if err != nil {
		return err
	}
	b := v.Budget
	d := voteManageData{voteView: v, MayPaper: participation.MayEnterPaper(p, b.Gemeente, b.Wijk), Next: b.Phase.Next(),
		Reviewable: b.Phase == participation.PhaseVoorstellen || b.Phase == participation.PhaseBeoordeling, ProjectByID: map[string]participation.Project{}}
	if !v.MayManage && !d.MayPaper {
		return errs.E(errs.Forbidden, "U beheert deze stemming niet.")
	}
	_, all, err := s.Store.Wijkbudget(r.Context(), b.ID)
	if err != nil {
		return err
	}
	d.All = all
	for _, pr := range all {
		d.ProjectByID[pr.ID] = pr
	}
	if b.Phase == participation.PhaseUitslag && v.MayManage {
		res, err := s.Store.CountWijkbudget(r.Context(), p, b.ID)
		if err != nil {
			return err
		}
		d.Count = &res
	}
	if d.MayPaper {
		list, err := s.Store.PaperBallots(r.Context(), actor(r, p), b.ID)
		if err != nil {
			return err
		}
		d.Paper.Confirmed = list.Confirmed
		for _, pp := range list.Pending {
			e := paperEntry{ID: pp.ID, Mine: pp.Mine}
			for _, c := range pp.Choices {
				e.Titles = append(e.Titles, d.ProjectByID[c].Title)
			}
			d.Paper.Pending = append(d.Paper.Pending, e)
		}
	}
	s.renderPage(w, r, code, "vote_manage", page{Title: "Beheer: " + b.Title, Data: d, Notice: notice, Errors: fe, Form: form})
	return nil
}

func (s *Server) voteReview(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id, pid := r.PathValue("id"), r.PathValue("project")
	form := map[string]string{"project": pid}
	for _, k := range []string{"beoordeling", "reden", "kosten"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var cost casework.Cents
	var fe people.FieldErrors
	if form["beoordeling"] == string(participation.Haalbaar) {
		c, err := casework.ParseEuro(form["kosten"])
		if err != nil {
			fe.Add("kosten-"+pid, "Kosten: "+err.Error()+".")
		}
		cost = c
	}
	if fe == nil {
		err = s.Store.ReviewProject(r.Context(), actor(r, p), pid, participation.Review(form["beoordeling"]), form["reden"], cost)
		if err == nil {
			http.Redirect(w, r, "/wijkbudget/"+id+"?beoordeeld=1#project-"+pid, http.StatusSeeOther)
			return nil
		}
		got, ok := fieldErrors(err)
		if !ok {
			return err
		}
		for _, e := range got {
			fe.Add(e.Field+"-"+pid, e.Message)
		}
	}
	return s.voteManageRender(w, r, id, http.StatusUnprocessableEntity, "", fe, form)
}

func (s *Server) voteAdvance(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	to, err := participation.ParsePhase(r.PostFormValue("fase"))
	if err != nil {
		return errs.E(errs.Invalid, "Kies de volgende fase.")
	}
	if err := s.Store.AdvanceWijkbudget(r.Context(), actor(r, p), id, to); err != nil {
		if errs.Is(err, errs.Conflict) {
			return s.voteManageRender(w, r, id, http.StatusConflict, "", people.FieldErrors{{Field: "fase", Message: errs.Message(err)}}, nil)
		}
		return err
	}
	if to == participation.PhaseStemmen {
		s.voteNotify(r, id, "wijkbudget-stemmen", "Stemmen over het wijkbudget: ",
			"Het stemmen over het wijkbudget van uw wijk is begonnen. Kies welke projecten geld krijgen. U kunt uw keuze wijzigen zolang het stemmen open is.")
	}
	http.Redirect(w, r, "/wijkbudget/"+id+"?fase=1", http.StatusSeeOther)
	return nil
}

func (s *Server) votePublish(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.Store.PublishWijkbudget(r.Context(), actor(r, p), id); err != nil {
		if errs.Is(err, errs.Conflict) {
			return s.voteManageRender(w, r, id, http.StatusConflict, "", people.FieldErrors{{Field: "publiceren", Message: errs.Message(err)}}, nil)
		}
		return err
	}
	s.voteNotify(r, id, "wijkbudget-uitslag", "Uitslag van de stemming: ",
		"De uitslag van de stemming over het wijkbudget van uw wijk is bekend. De gekozen projecten staan op de wijkagenda.")
	http.Redirect(w, r, "/wijkbudget/"+id+"?gepubliceerd=1", http.StatusSeeOther)
	return nil
}

func (s *Server) votePaperEnter(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "Het formulier is niet goed aangekomen.")
	}
	if _, err := s.Store.EnterPaperBallot(r.Context(), actor(r, p), id, r.PostForm["papier_project"]); err != nil {
		fe, ok := fieldErrors(err)
		if !ok {
			return err
		}
		for _, e := range fe {
			e.Field = "papier_project"
		}
		return s.voteManageRender(w, r, id, http.StatusUnprocessableEntity, "", fe, nil)
	}
	http.Redirect(w, r, "/wijkbudget/"+id+"?papier=1#papier", http.StatusSeeOther)
	return nil
}

func (s *Server) votePaperDecide(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id, paper := r.PathValue("id"), r.PathValue("paper")
	switch r.PostFormValue("besluit") {
	case "bevestigen":
		err = s.Store.ConfirmPaperBallot(r.Context(), actor(r, p), paper)
	case "verwijderen":
		err = s.Store.DiscardPaperBallot(r.Context(), actor(r, p), paper)
	default:
		return errs.E(errs.Invalid, "Kies bevestigen of verwijderen.")
	}
	if err != nil {
		return err
	}
	if r.PostFormValue("besluit") == "bevestigen" {
		http.Redirect(w, r, "/wijkbudget/"+id+"?bevestigd=1#papier", http.StatusSeeOther)
	} else {
		http.Redirect(w, r, "/wijkbudget/"+id+"?verwijderd=1#papier", http.StatusSeeOther)
	}
	return nil
}

// voteNotify tells the wijk's residents about the vote by e-mail (their
// preference decides: direct, digest or none). The step it reports is
// already done; a failure to queue is logged, not shown.
func (s *Server) voteNotify(r *http.Request, id, kind, subject, text string) {
	b, _, err := s.Store.Wijkbudget(r.Context(), id)
	if err == nil {
		body := text + "\n\n" + b.Title + "\n" + s.publicURL(r) + "/wijk/" + b.Wijk + "/stemmen/" + b.ID +
			"\n\nU krijgt dit bericht omdat u in deze wijk woont en een account bij naober heeft. Bij uw account kiest u hoe vaak u berichten krijgt.\n"
		_, err = s.Store.NotifyWijkbudget(r.Context(), id, kind, subject+b.Title, body)
	}
	if err != nil {
		s.Log.Warn("wijkbudget notification not queued", "err", err)
	}
}

// --- JSON API ---

type voteResponse struct {
	Stemming  participation.Budget    `json:"stemming"`
	Projecten []participation.Project `json:"projecten"`
	Open      bool                    `json:"stemmen_open"`
	Opkomst   int                     `json:"stembiljetten"`
	Uitslag   *participation.Result   `json:"uitslag,omitempty"`
}

type ballotInput struct {
	Projecten []string `json:"projecten"`
}

type ballotResponse struct {
	Gestemd   bool     `json:"gestemd"`
	Projecten []string `json:"projecten"`
}

func (s *Server) apiVoteList(w http.ResponseWriter, r *http.Request) error {
	wk, ok := s.Atlas.Wijk(r.PathValue("code"))
	if !ok {
		return errs.E(errs.NotFound, "Deze wijk bestaat niet (gebruik een CBS-code zoals WK011901).")
	}
	bs, err := s.Store.Wijkbudgets(r.Context(), wk.Code)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[participation.Budget]{Items: nonNil(bs)})
}

func (s *Server) apiVote(w http.ResponseWriter, r *http.Request) error {
	v, err := s.voteView(r)
	if err != nil {
		return err
	}
	_, all, err := s.Store.Wijkbudget(r.Context(), v.Budget.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, voteResponse{Stemming: v.Budget, Projecten: nonNil(all), Open: v.Open, Opkomst: v.Turnout, Uitslag: v.Result})
}

func (s *Server) apiMyBallot(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if _, _, err := s.Store.Wijkbudget(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	mine, has, err := s.Store.MyBallot(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, ballotResponse{Gestemd: has, Projecten: nonNil(mine)})
}

func (s *Server) apiCastBallot(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in ballotInput
	if err := decode(r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.Store.CastBallot(r.Context(), p, id, in.Projecten); err != nil {
		return err
	}
	mine, has, err := s.Store.MyBallot(r.Context(), p, id)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, ballotResponse{Gestemd: has, Projecten: nonNil(mine)})
}

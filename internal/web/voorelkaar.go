package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/voorelkaar"
)

// Voor elkaar (/voorelkaar): neighbours ask for and offer a hand. Public
// pages show first names and wijken only; contact details appear on
// /voorelkaar/mijn once both sides said yes. Requests via a coordinator and
// prescriptions from plans are only on /voorelkaar/beheer, for the
// wijkcoordinator who matches them by hand.

func (s *Server) routesVoorElkaar(r *router) {
	r.page("GET /voorelkaar", s.veIndex)
	r.page("GET /voorelkaar/mijn", s.veMine)
	r.page("GET /voorelkaar/vragen/nieuw", s.veRequestForm)
	r.page("POST /voorelkaar/vragen", s.veRequestCreate)
	r.page("GET /voorelkaar/vragen/{id}", s.veRequestPage)
	r.page("POST /voorelkaar/vragen/{id}/koppelen", s.vePropose)
	r.page("POST /voorelkaar/vragen/{id}/gedaan", s.veDone)
	r.page("POST /voorelkaar/vragen/{id}/sluiten", s.veCloseRequest)
	r.page("POST /voorelkaar/vragen/{id}/melden", s.veReport("vraag"))
	r.page("GET /voorelkaar/aanbod/nieuw", s.veOfferForm)
	r.page("POST /voorelkaar/aanbod", s.veOfferCreate)
	r.page("GET /voorelkaar/aanbod/{id}", s.veOfferPage)
	r.page("POST /voorelkaar/aanbod/{id}/sluiten", s.veCloseOffer)
	r.page("POST /voorelkaar/aanbod/{id}/melden", s.veReport("aanbod"))
	r.page("POST /voorelkaar/koppelingen/{id}/antwoord", s.veAnswer)
	r.page("POST /voorelkaar/koppelingen/{id}/feedback", s.veFeedback)
	r.page("GET /voorelkaar/beheer", s.veCoordination)
	r.page("POST /voorelkaar/beheer/vragen", s.veCoordRequest)
	r.page("POST /voorelkaar/beheer/verbergen", s.veHide)
	r.page("POST /voorelkaar/beheer/meldingen", s.veDismiss)
	r.page("GET /huishoudens/{id}/plan/acties/{action}/voorelkaar", s.vePrescribeForm)
	r.page("POST /huishoudens/{id}/plan/acties/{action}/voorelkaar", s.vePrescribe)
	r.page("POST /huishoudens/{id}/plan/voorelkaar/{request}/intrekken", s.veWithdraw)
}

// The wijk page links to voor elkaar with the wijk's open numbers.
func init() {
	wijkSections["voorelkaar"] = func(s *Server, r *http.Request, wk area.Wijk) (any, error) {
		req, off, err := s.Store.HelpWijkCounts(r.Context(), wk.Gemeente, wk.Code)
		if err != nil {
			return nil, err
		}
		return veWijkSection{Wijk: wk.Code, Requests: req, Offers: off}, nil
	}
}

type veWijkSection struct {
	Wijk             string
	Requests, Offers int
}

func veNotice(k string) string {
	return map[string]string{
		"vraag":       "Uw hulpvraag staat erin. U hoort het als iemand wil helpen.",
		"viacoord":    "Uw hulpvraag is bij de wijkcoördinator. Die zoekt iemand die past en neemt contact op. De vraag staat niet op de openbare lijst.",
		"aanbod":      "Dank u wel! Uw aanbod staat erin. Hieronder ziet u hulpvragen die bij u passen.",
		"voorstel":    "De ander krijgt bericht. Als u allebei ja zegt, ziet u hier hoe u elkaar bereikt.",
		"ja":          "U zei ja. Als de ander ook ja zegt, ziet u hier de contactgegevens.",
		"afgesproken": "U heeft allebei ja gezegd. De contactgegevens staan hieronder.",
		"nee":         "U zei nee. De ander krijgt bericht.",
		"gedaan":      "Fijn dat het gelukt is. Laat hieronder weten hoe het ging.",
		"gesloten":    "Gesloten.",
		"feedback":    "Dank u wel voor uw feedback.",
		"gemeld":      "Dank u wel. De wijkcoördinator kijkt naar uw melding.",
		"verborgen":   "Verborgen.",
		"afgehandeld": "De meldingen zijn afgehandeld.",
		"gekoppeld":   "De vrijwilliger krijgt het voorstel. Als die ja zegt, ziet u de contactgegevens.",
		"voorschrift": "De hulpvraag is naar de wijkcoördinator gestuurd. Hieronder ziet u of er iemand gevonden is.",
		"ingevoerd":   "De hulpvraag is ingevoerd. Hij staat niet op de openbare lijst; koppel hem hieronder met de hand.",
	}[k]
}

func veActor(p *auth.Principal) store.Actor {
	return store.Actor{P: p, Purpose: "voor elkaar: hulp tussen buren koppelen"}
}

// --- the public list ---

type veIndexData struct {
	Wijk        *area.Wijk
	Gemeente    area.Gemeente
	Wijken      []area.Wijk // of the gemeente, to choose another wijk
	Requests    []voorelkaar.Request
	Offers      []voorelkaar.Offer
	MayPost     bool
	Coordinator bool
}

func (s *Server) veIndex(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	code := r.URL.Query().Get("wijk")
	if code == "" && p != nil && p.Resident != nil {
		code = p.Resident.Wijk
	}
	d := veIndexData{MayPost: p != nil && p.Resident != nil && p.Resident.Verified, Coordinator: p.CanAnywhere(auth.MatchHelp) && len(p.Wijken) > 0}
	if code == "" && p != nil && len(p.Wijken) > 0 {
		code = p.Wijken[0]
	}
	if code != "" {
		wk, ok := s.Atlas.Wijk(code)
		if !ok {
			return errs.E(errs.NotFound, "Deze wijk bestaat niet (gebruik een CBS-code zoals WK011901).")
		}
		d.Wijk = &wk
		d.Gemeente, _ = s.Atlas.Gemeente(wk.Gemeente)
		d.Wijken = s.Atlas.Wijken(wk.Gemeente)
		var err error
		if d.Requests, d.Offers, err = s.Store.PublicHelp(r.Context(), wk.Gemeente, wk.Code); err != nil {
			return err
		}
	}
	title := "Voor elkaar"
	if d.Wijk != nil {
		title += " in " + d.Wijk.Naam
	}
	s.renderPage(w, r, 200, "voorelkaar", page{Title: title, Data: d, Notice: veNotice(r.URL.Query().Get("klaar"))})
	return nil
}

// --- posting ---

type veFormData struct {
	Categories []voorelkaar.Category
	Days       []veOpt
	Parts      []veOpt
	Wijken     []area.Wijk
	Own        string // the resident's wijk
	Multi      map[string]bool
}

// veOpt is one checkbox: a stored code and its Dutch label.
type veOpt struct{ Code, Label string }

func veTimeOpts() (days, parts []veOpt) {
	for _, d := range voorelkaar.Days {
		days = append(days, veOpt{d, voorelkaar.DayLabel(d)})
	}
	for _, p := range voorelkaar.Parts {
		parts = append(parts, veOpt{p, p})
	}
	return days, parts
}

func (s *Server) veFormData(p *auth.Principal, r *http.Request) veFormData {
	d := veFormData{Categories: voorelkaar.Categories, Multi: map[string]bool{}}
	d.Days, d.Parts = veTimeOpts()
	if p != nil && p.Resident != nil {
		d.Wijken, d.Own = s.Atlas.Wijken(p.Resident.Gemeente), p.Resident.Wijk
	}
	if r != nil && r.Method == http.MethodPost {
		for _, k := range []string{"dagen", "dagdelen", "categorieen", "wijken"} {
			for _, v := range r.PostForm[k] {
				d.Multi[k+":"+v] = true
			}
		}
	} else if d.Own != "" {
		d.Multi["wijken:"+d.Own] = true
	}
	return d
}

func needPoster(r *http.Request) (*auth.Principal, error) {
	p, err := needResident(r)
	if err != nil {
		return nil, err
	}
	if !p.Resident.Verified {
		return nil, errs.E(errs.Forbidden, "Bevestig eerst uw e-mailadres met de link die wij u stuurden. Daarna kunt u hier iets plaatsen.")
	}
	return p, nil
}

func (s *Server) veRequestForm(w http.ResponseWriter, r *http.Request) error {
	p, err := needPoster(r)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "voorelkaar_vraag_form", page{Title: "Hulp vragen", Form: map[string]string{}, Data: s.veFormData(p, r)})
	return nil
}

func (s *Server) veRequestCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := needPoster(r)
	if err != nil {
		return err
	}
	if err := s.limitAddress(w, r); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"categorie", "datum", "tekst", "contact", "via", "organisatie"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var fe people.FieldErrors
	req := voorelkaar.Request{Category: voorelkaar.Category(form["categorie"]), Days: r.PostForm["dagen"], Parts: r.PostForm["dagdelen"],
		Text: form["tekst"], Contact: form["contact"], VOG: r.PostFormValue("vog") == "1", ViaCoordinator: form["via"] == "1", Organisation: form["organisatie"]}
	if form["datum"] != "" {
		if req.Date, err = people.ParseDate(form["datum"]); err != nil {
			fe.Add("datum", "Vul een datum in zoals 14-12-2026, of laat de datum leeg.")
		}
	}
	if err == nil && len(fe) == 0 {
		err = s.Store.CreateHelpRequest(r.Context(), p, &req)
	} else {
		err = fe.Err()
	}
	if err != nil {
		got, ok := people.AsFieldErrors(err)
		if !ok {
			return err
		}
		if form["vog"] = r.PostFormValue("vog"); form["vog"] == "" {
			form["vog"] = "0"
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "voorelkaar_vraag_form", page{Title: "Hulp vragen", Form: form, Errors: append(fe, got...), Data: s.veFormData(p, r)})
		return nil
	}
	done := "vraag"
	if req.ViaCoordinator {
		done = "viacoord"
	}
	http.Redirect(w, r, "/voorelkaar/vragen/"+req.ID+"?klaar="+done, http.StatusSeeOther)
	return nil
}

func (s *Server) veOfferForm(w http.ResponseWriter, r *http.Request) error {
	p, err := needPoster(r)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "voorelkaar_aanbod_form", page{Title: "Hulp aanbieden", Form: map[string]string{}, Data: s.veFormData(p, r)})
	return nil
}

func (s *Server) veOfferCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := needPoster(r)
	if err != nil {
		return err
	}
	if err := s.limitAddress(w, r); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"tekst", "telefoon", "vog", "vog_datum", "organisatie"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var fe people.FieldErrors
	o := voorelkaar.Offer{Days: r.PostForm["dagen"], Parts: r.PostForm["dagdelen"], Wijken: r.PostForm["wijken"], Text: form["tekst"], Contact: form["telefoon"], VOG: form["vog"] == "1",
		Organisation: form["organisatie"]}
	for _, c := range r.PostForm["categorieen"] {
		o.Categories = append(o.Categories, voorelkaar.Category(c))
	}
	if o.VOG && form["vog_datum"] != "" {
		if o.VOGDate, err = people.ParseDate(form["vog_datum"]); err != nil {
			fe.Add("vog_datum", "Vul de datum van uw VOG in zoals 01-03-2026.")
			err = nil
		}
	}
	if len(fe) == 0 {
		err = s.Store.CreateHelpOffer(r.Context(), p, &o)
	} else {
		err = fe.Err()
	}
	if err != nil {
		got, ok := people.AsFieldErrors(err)
		if !ok {
			return err
		}
		if len(fe) > 0 {
			got = fe
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "voorelkaar_aanbod_form", page{Title: "Hulp aanbieden", Form: form, Errors: got, Data: s.veFormData(p, r)})
		return nil
	}
	http.Redirect(w, r, "/voorelkaar/aanbod/"+o.ID+"?klaar=aanbod", http.StatusSeeOther)
	return nil
}

// --- one request, one offer ---

type veRequestData struct {
	View   store.RequestView
	Wijk   area.Wijk
	Mine   []voorelkaar.Offer // the viewer's open offers that fit, to offer help with
	Poster bool               // a verified resident (may report)
}

func (s *Server) veRequestPage(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	v, err := s.Store.HelpRequest(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := veRequestData{View: v, Poster: p != nil && p.Resident != nil && p.Resident.Verified}
	d.Wijk, _ = s.Atlas.Wijk(v.Request.Wijk)
	if p != nil && p.Resident != nil && !v.Own && v.Request.Public() {
		offers, err := s.Store.HelpOffersOf(r.Context(), p)
		if err != nil {
			return err
		}
		full := v.Request
		full.AuthorID = "-" // someone else's: Fits refuses one's own request by author
		for _, o := range offers {
			if voorelkaar.Fits(full, o) {
				d.Mine = append(d.Mine, o)
			}
		}
	}
	s.renderPage(w, r, 200, "voorelkaar_vraag", page{Title: v.Request.Category.Label() + " · voor elkaar", Data: d, Notice: veNotice(r.URL.Query().Get("klaar"))})
	return nil
}

type veOfferData struct {
	View   store.OfferView
	Poster bool
}

func (s *Server) veOfferPage(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	v, err := s.Store.HelpOffer(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := veOfferData{View: v, Poster: p != nil && p.Resident != nil && p.Resident.Verified}
	s.renderPage(w, r, 200, "voorelkaar_aanbod", page{Title: "Aanbod van " + v.Offer.Name() + " · voor elkaar", Data: d, Notice: veNotice(r.URL.Query().Get("klaar"))})
	return nil
}

// veBack is where a form sends the browser after a change: the page it came
// from (a local path given in the form), or fallback.
func veBack(r *http.Request, fallback, done string) string {
	to := r.PostFormValue("terug")
	if !strings.HasPrefix(to, "/voorelkaar/") || strings.HasPrefix(to, "//") || strings.ContainsAny(to, "?#\\") {
		to = fallback
	}
	return to + "?" + url.Values{"klaar": {done}}.Encode()
}

func (s *Server) vePropose(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.Store.ProposeMatch(r.Context(), p, id, r.PostFormValue("aanbod")); err != nil {
		return err
	}
	http.Redirect(w, r, veBack(r, "/voorelkaar/mijn", "voorstel"), http.StatusSeeOther)
	return nil
}

func (s *Server) veAnswer(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	yes := r.PostFormValue("ja") == "1"
	if err := s.Store.AnswerMatch(r.Context(), p, r.PathValue("id"), yes); err != nil {
		return err
	}
	done := "nee"
	if yes {
		done = "ja"
		// Tell at once when this yes was the second.
		if st, err := s.Store.MatchState(r.Context(), p, r.PathValue("id")); err == nil && st == voorelkaar.MatchAccepted {
			done = "afgesproken"
		}
	}
	http.Redirect(w, r, veBack(r, "/voorelkaar/mijn", done), http.StatusSeeOther)
	return nil
}

func (s *Server) veDone(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if err := s.Store.MarkHelpDone(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, veBack(r, "/voorelkaar/mijn", "gedaan"), http.StatusSeeOther)
	return nil
}

func (s *Server) veCloseRequest(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.Store.CloseHelpRequest(r.Context(), p, id, r.PostFormValue("reden")); err != nil {
		if fe, ok := people.AsFieldErrors(err); ok {
			return errs.E(errs.Invalid, "%s", fe.For("reden"))
		}
		return err
	}
	http.Redirect(w, r, veBack(r, "/voorelkaar/vragen/"+id, "gesloten"), http.StatusSeeOther)
	return nil
}

func (s *Server) veCloseOffer(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.Store.CloseHelpOffer(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/voorelkaar/aanbod/"+id+"?klaar=gesloten", http.StatusSeeOther)
	return nil
}

func (s *Server) veReport(kind string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := need(r)
		if err != nil {
			return err
		}
		if err := s.limitAddress(w, r); err != nil {
			return err
		}
		id := r.PathValue("id")
		if err := s.Store.ReportHelp(r.Context(), p, kind, id, r.PostFormValue("reden")); err != nil {
			if fe, ok := people.AsFieldErrors(err); ok {
				return errs.E(errs.Invalid, "Melden: %s", fe.For("reden"))
			}
			return err
		}
		to := "/voorelkaar/vragen/" + id
		if kind == "aanbod" {
			to = "/voorelkaar/aanbod/" + id
		}
		http.Redirect(w, r, to+"?klaar=gemeld", http.StatusSeeOther)
		return nil
	}
}

func (s *Server) veFeedback(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	rating, _ := strconv.Atoi(r.PostFormValue("waardering"))
	f := voorelkaar.Feedback{Rating: rating, Text: r.PostFormValue("tekst")}
	if err := s.Store.GiveFeedback(r.Context(), p, r.PathValue("id"), &f); err != nil {
		if fe, ok := people.AsFieldErrors(err); ok {
			return errs.E(errs.Invalid, "Feedback: %s", fe.Error())
		}
		return err
	}
	http.Redirect(w, r, veBack(r, "/voorelkaar/mijn", "feedback"), http.StatusSeeOther)
	return nil
}

// --- mine ---

func (s *Server) veMine(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	mine, err := s.Store.HelpOf(r.Context(), p)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "voorelkaar_mijn", page{Title: "Mijn voor elkaar", Data: mine, Notice: veNotice(r.URL.Query().Get("klaar"))})
	return nil
}

// --- the coordinator ---

type veCoordData struct {
	Wijken []veCoordWijk
	Form   veFormData // for a request entered for someone without an account
}

type veCoordWijk struct {
	Wijk area.Wijk
	store.Coordination
}

func (s *Server) veCoordination(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var d veCoordData
	for _, code := range p.Wijken {
		wk, ok := s.Atlas.Wijk(code)
		if !ok || !voorelkaar.MatcherOf(p, wk.Gemeente, wk.Code) {
			continue
		}
		c, err := s.Store.HelpCoordination(r.Context(), veActor(p), wk.Gemeente, wk.Code)
		if err != nil {
			return err
		}
		d.Wijken = append(d.Wijken, veCoordWijk{Wijk: wk, Coordination: c})
	}
	if len(d.Wijken) == 0 {
		return errs.E(errs.Forbidden, "Deze pagina is voor wijkcoördinatoren die voor elkaar-hulp koppelen.")
	}
	d.Form = s.veFormData(nil, nil)
	s.renderPage(w, r, 200, "voorelkaar_beheer", page{Title: "Voor elkaar: coördinatie", Data: d, Notice: veNotice(r.URL.Query().Get("klaar"))})
	return nil
}

// veCoordRequest enters a request for someone without an account (a
// phone call, a visit, an organisation): never public, matched by hand.
func (s *Server) veCoordRequest(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	wk, ok := s.Atlas.Wijk(r.PostFormValue("wijk"))
	if !ok {
		return errs.E(errs.Invalid, "Kies een wijk.")
	}
	req := voorelkaar.Request{Gemeente: wk.Gemeente, Wijk: wk.Code, FirstName: r.PostFormValue("voornaam"), Organisation: r.PostFormValue("organisatie"), Category: voorelkaar.Category(r.PostFormValue("categorie")),
		Days: r.PostForm["dagen"], Parts: r.PostForm["dagdelen"], Text: r.PostFormValue("tekst"), Contact: r.PostFormValue("contact"), VOG: r.PostFormValue("vog") == "1"}
	if err := s.Store.CreateCoordinatorRequest(r.Context(), veActor(p), &req); err != nil {
		if fe, ok := people.AsFieldErrors(err); ok {
			return errs.E(errs.Invalid, "De hulpvraag is niet opgeslagen: %s", fe.Error())
		}
		return err
	}
	http.Redirect(w, r, "/voorelkaar/vragen/"+req.ID+"?klaar=ingevoerd", http.StatusSeeOther)
	return nil
}

func (s *Server) veHide(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if err := s.Store.HideHelp(r.Context(), veActor(p), r.PostFormValue("soort"), r.PostFormValue("id"), r.PostFormValue("reden")); err != nil {
		if fe, ok := people.AsFieldErrors(err); ok {
			return errs.E(errs.Invalid, "Verbergen: %s", fe.For("reden"))
		}
		return err
	}
	http.Redirect(w, r, "/voorelkaar/beheer?klaar=verborgen", http.StatusSeeOther)
	return nil
}

func (s *Server) veDismiss(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if err := s.Store.DismissHelpReports(r.Context(), veActor(p), r.PostFormValue("soort"), r.PostFormValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/voorelkaar/beheer?klaar=afgehandeld", http.StatusSeeOther)
	return nil
}

// --- prescribing from a plan ---

type vePrescribeData struct {
	Household  people.Household
	ActionID   string
	ActionText string
	Form       veFormData
	Today      string
}

func (s *Server) vePrescribeData(r *http.Request, p *auth.Principal) (vePrescribeData, error) {
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return vePrescribeData{}, err
	}
	pl, ok, err := s.Store.CurrentPlan(r.Context(), a, h.ID)
	if err != nil {
		return vePrescribeData{}, err
	}
	var text string
	if ok {
		if _, ac, found := pl.Action(r.PathValue("action")); found {
			text = ac.Tekst
		}
	}
	if text == "" {
		return vePrescribeData{}, errs.E(errs.NotFound, "Deze actie staat niet in het huidige plan.")
	}
	return vePrescribeData{Household: h, ActionID: r.PathValue("action"), ActionText: text,
		Form: s.veFormData(nil, nil), Today: people.Today().ISO()}, nil
}

func (s *Server) vePrescribeForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	d, err := s.vePrescribeData(r, p)
	if err != nil {
		return err
	}
	if !p.Can(auth.WritePersons, d.Household.Gemeente) {
		return errs.E(errs.Forbidden, "U mag voor dit huishouden geen hulp aanvragen.")
	}
	s.renderPage(w, r, 200, "voorelkaar_voorschrift", page{Title: "Voor elkaar voorschrijven", Data: d, Form: map[string]string{"toestemming_datum": d.Today}})
	return nil
}

func (s *Server) vePrescribe(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	d, err := s.vePrescribeData(r, p)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"voornaam", "categorie", "tekst", "contact", "toestemming", "toestemming_datum"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	for _, k := range []string{"dagen", "dagdelen"} {
		for _, v := range r.PostForm[k] {
			d.Form.Multi[k+":"+v] = true
		}
	}
	var fe people.FieldErrors
	req := voorelkaar.Request{FirstName: form["voornaam"], Category: voorelkaar.Category(form["categorie"]), Days: r.PostForm["dagen"], Parts: r.PostForm["dagdelen"],
		Text: form["tekst"], Contact: form["contact"], VOG: r.PostFormValue("vog") == "1"}
	c := store.Consent{How: form["toestemming"]}
	if form["toestemming_datum"] != "" {
		if c.Date, err = people.ParseDate(form["toestemming_datum"]); err != nil {
			fe.Add("toestemming_datum", "Vul een datum in zoals 05-12-2026.")
			err = nil
		}
	}
	if len(fe) == 0 {
		err = s.Store.PrescribeHelp(r.Context(), actor(r, p), d.Household.ID, d.ActionID, &req, c)
	} else {
		err = fe.Err()
	}
	if err != nil {
		got, ok := people.AsFieldErrors(err)
		if !ok {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "voorelkaar_voorschrift", page{Title: "Voor elkaar voorschrijven", Data: d, Form: form, Errors: got})
		return nil
	}
	http.Redirect(w, r, "/huishoudens/"+d.Household.ID+"/plan?voorelkaar=1#voorelkaar", http.StatusSeeOther)
	return nil
}

// veWithdraw closes a prescribed request from the plan, with a reason
// (the household no longer wants it, or found help elsewhere).
func (s *Server) veWithdraw(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	h, err := s.Store.GetHousehold(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.Store.CloseHelpRequest(r.Context(), p, r.PathValue("request"), r.PostFormValue("reden")); err != nil {
		if fe, ok := people.AsFieldErrors(err); ok {
			return errs.E(errs.Invalid, "Intrekken: %s", fe.For("reden"))
		}
		return err
	}
	http.Redirect(w, r, "/huishoudens/"+h.ID+"/plan?opgeslagen=1#voorelkaar", http.StatusSeeOther)
	return nil
}

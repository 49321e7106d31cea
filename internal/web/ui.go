package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

func (s *Server) routesUI(r *router) {
	r.page("GET /{$}", s.home)
	r.page("GET /inloggen", s.loginForm)
	r.page("POST /inloggen", s.login)
	r.page("POST /uitloggen", s.logout)
	s.routesResidents(r)
	r.page("GET /gebieden", s.gebieden)
	r.page("GET /gebieden/{gemeente}", s.gemeente)
	r.page("GET /gebieden/{gemeente}/{wijk}", s.wijk)
	s.routesWijk(r)
	s.routesVoorElkaar(r)

	r.page("GET /huishoudens", s.households)
	r.page("POST /zoeken", s.search)
	r.page("GET /huishoudens/nieuw", s.newHouseholdForm)
	r.page("POST /huishoudens", s.createHousehold)
	r.page("GET /huishoudens/{id}", s.household)
	r.page("GET /huishoudens/{id}/wijzigen", s.editHouseholdForm)
	r.page("POST /huishoudens/{id}", s.updateHousehold)
	r.page("GET /huishoudens/{id}/leden/nieuw", s.newMemberForm)
	r.page("POST /huishoudens/{id}/leden", s.createMember)
	r.page("POST /huishoudens/{id}/leden/{member}/einde", s.endMember)
	r.page("GET /personen/{id}", s.person)
	r.page("GET /personen/{id}/wijzigen", s.editPersonForm)
	r.page("POST /personen/{id}", s.updatePerson)

	r.page("GET /beheer/audit", s.auditPage)
	r.page("GET /beheer/gebruikers", s.usersPage)
	r.page("POST /beheer/gebruikers", s.addUser)

	r.raw("/", func(w http.ResponseWriter, req *http.Request) {
		s.fail(w, req, errs.E(errs.NotFound, "Deze pagina bestaat niet."))
	})
}

// need returns the user, or an Unauthorized error that sends a browser to the login page.
func need(r *http.Request) (*auth.Principal, error) {
	p := principal(r)
	if p == nil {
		return nil, errs.E(errs.Unauthorized, "Log eerst in.")
	}
	return p, nil
}

func actor(r *http.Request, p *auth.Principal) store.Actor {
	purpose := strings.TrimSpace(r.Header.Get("Naober-Doel"))
	if len(purpose) > 200 {
		purpose = purpose[:200]
	}
	return store.Actor{P: p, Purpose: purpose}
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	var tenants []store.Tenant
	if principal(r) != nil {
		var err error
		if tenants, err = s.Store.Tenants(r.Context()); err != nil {
			return err
		}
	}
	s.renderPage(w, r, 200, "home", page{Title: "naober", Data: tenants})
	return nil
}

type loginData struct {
	Return string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	s.renderPage(w, r, 200, "login", page{Title: "Inloggen", Data: loginData{Return: safeReturn(r.URL.Query().Get("terug"))}})
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	email := store.NormalizeEmail(r.PostFormValue("email"))
	pw := r.PostFormValue("wachtwoord")
	ret := safeReturn(r.PostFormValue("terug"))
	form := map[string]string{"email": email}
	fail := func(code int, msg string) error {
		s.renderPage(w, r, code, "login", page{Title: "Inloggen", Form: form, Data: loginData{Return: ret},
			Errors: people.FieldErrors{{Field: "wachtwoord", Message: msg}}})
		return nil
	}
	keys := []string{"account:" + email, "adres:" + clientIP(r)}
	if blocked, wait := s.Throttle.Blocked(keys...); blocked {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return fail(http.StatusTooManyRequests, "Te veel mislukte pogingen. Probeer het over "+strconv.Itoa(int(wait.Minutes())+1)+" minuten opnieuw.")
	}
	u, err := s.Store.UserByEmail(r.Context(), email)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	if err != nil || u.Disabled || u.PasswordHash == "" || !auth.VerifyPassword(u.PasswordHash, pw) {
		if err != nil {
			auth.DummyVerify(pw)
		}
		s.Throttle.Fail(keys...)
		s.Log.Info("login failed")
		return fail(http.StatusUnauthorized, "Het e-mailadres of wachtwoord klopt niet.")
	}
	s.Throttle.Succeed(keys[0])
	if ret == "/" && len(u.Grants) == 0 {
		ret = "/mijn" // a resident's start page
	}
	tok, err := s.Store.CreateSession(r.Context(), u.ID, s.SessionTTL)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, tok)
	s.Log.Info("login", "user", u.ID)
	http.Redirect(w, r, ret, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Store.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/inloggen?uit=1", http.StatusSeeOther)
	return nil
}

// --- areas ---

type gebiedenData struct {
	Q         string
	Gemeenten []area.Gemeente
	Total     int
}

func (s *Server) gebieden(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	s.renderPage(w, r, 200, "gebieden", page{Title: "Gemeenten en wijken", Data: gebiedenData{Q: q, Gemeenten: s.Atlas.Search(q), Total: len(s.Atlas.Gemeenten())}})
	return nil
}

type gemeenteData struct {
	Gemeente area.Gemeente
	Wijken   []area.Wijk
	Map      string
	Served   bool
}

func (s *Server) gemeente(w http.ResponseWriter, r *http.Request) error {
	g, ok := s.Atlas.Gemeente(r.PathValue("gemeente"))
	if !ok {
		return errs.E(errs.NotFound, "Deze gemeente bestaat niet (gebruik een CBS-code zoals GM0119).")
	}
	svg, err := s.mapFor(g.Code)
	if err != nil {
		return err
	}
	d := gemeenteData{Gemeente: g, Wijken: s.Atlas.Wijken(g.Code), Map: svg}
	if p := principal(r); p != nil {
		d.Served = p.Can(auth.ReadPersons, g.Code)
	}
	s.renderPage(w, r, 200, "gemeente", page{Title: g.Naam, Data: d})
	return nil
}

type wijkData struct {
	Gemeente area.Gemeente
	Wijk     area.Wijk
	Buurten  []store.Buurt
	Map      string
	Served   bool
}

func (s *Server) wijk(w http.ResponseWriter, r *http.Request) error {
	g, ok := s.Atlas.Gemeente(r.PathValue("gemeente"))
	wk, ok2 := s.Atlas.Wijk(r.PathValue("wijk"))
	if !ok || !ok2 || wk.Gemeente != g.Code {
		return errs.E(errs.NotFound, "Deze wijk bestaat niet in deze gemeente.")
	}
	svg, err := s.Atlas.MapSVG(g.Code, area.MapOptions{Width: 560, Title: "Ligging van " + wk.Naam + " in " + g.Naam,
		Href: func(x area.Wijk) string { return "/gebieden/" + g.Code + "/" + x.Code },
		Fill: func(x area.Wijk) string {
			if x.Code == wk.Code {
				return "#154273"
			}
			return "#e6e6e6"
		}})
	if err != nil {
		return err
	}
	all, err := s.Store.Buurten(r.Context(), g.Code)
	if err != nil {
		return err
	}
	d := wijkData{Gemeente: g, Wijk: wk, Map: svg}
	for _, b := range all {
		if b.Wijk == wk.Code {
			d.Buurten = append(d.Buurten, b)
		}
	}
	if p := principal(r); p != nil {
		d.Served = p.Can(auth.ReadPersons, g.Code)
	}
	s.renderPage(w, r, 200, "wijk", page{Title: wk.Naam + " (" + g.Naam + ")", Data: d})
	return nil
}

// --- households ---

type householdsData struct {
	Gemeenten []string
	Page      *store.HouseholdPage
	Hits      []store.PersonHit
	Searched  string // what kind of search produced Hits
	Query     url.Values
	Prev      string
	Next      string
	Wijken    []area.Wijk
}

func (s *Server) households(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	gms := p.Gemeenten(auth.ReadPersons)
	if len(gms) == 0 {
		return errs.E(errs.Forbidden, "Uw rol geeft geen toegang tot huishoudens en personen.")
	}
	q := r.URL.Query()
	d := householdsData{Gemeenten: gms, Query: q}
	for _, gm := range gms {
		d.Wijken = append(d.Wijken, s.Atlas.Wijken(gm)...)
	}
	pg := page{Title: "Huishoudens zoeken", Form: map[string]string{"postcode": q.Get("postcode"), "huisnummer": q.Get("huisnummer"), "wijk": q.Get("wijk"), "gemeente": q.Get("gemeente")}}
	if q.Get("postcode") != "" || q.Get("huisnummer") != "" || q.Get("wijk") != "" || q.Get("alle") != "" {
		f := store.HouseholdFilter{Gemeente: q.Get("gemeente"), Wijk: q.Get("wijk"), Postcode: q.Get("postcode")}
		if v := q.Get("huisnummer"); v != "" {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				pg.Errors.Add("huisnummer", "vul een huisnummer in als getal")
			}
			f.Huisnummer = n
		}
		if f.Postcode == "" && f.Huisnummer != 0 {
			pg.Errors.Add("postcode", "vul ook de postcode in")
		}
		f.Page, _ = strconv.Atoi(q.Get("pagina"))
		if len(pg.Errors) == 0 {
			res, err := s.Store.ListHouseholds(r.Context(), actor(r, p), f)
			if fe, ok := people.AsFieldErrors(err); ok {
				pg.Errors = fe
			} else if err != nil {
				return err
			} else {
				d.Page = &res
				if res.Page*res.PerPage < res.Total {
					d.Next = pageURL(q, res.Page+1)
				}
				if res.Page > 1 {
					d.Prev = pageURL(q, res.Page-1)
				}
			}
		}
	}
	pg.Data = d
	code := 200
	if len(pg.Errors) > 0 {
		code = http.StatusUnprocessableEntity
	}
	s.renderPage(w, r, code, "households", pg)
	return nil
}

func pageURL(q url.Values, n int) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	c.Set("pagina", strconv.Itoa(n))
	return "/huishoudens?" + c.Encode()
}

// search handles BSN and name searches by POST, so neither ends up in a URL.
func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	gms := p.Gemeenten(auth.ReadPersons)
	if len(gms) == 0 {
		return errs.E(errs.Forbidden, "Uw rol geeft geen toegang tot huishoudens en personen.")
	}
	d := householdsData{Gemeenten: gms}
	for _, gm := range gms {
		d.Wijken = append(d.Wijken, s.Atlas.Wijken(gm)...)
	}
	pg := page{Title: "Huishoudens zoeken", Form: map[string]string{"naam": r.PostFormValue("naam")}}
	var hits []store.PersonHit
	if bsn := strings.TrimSpace(r.PostFormValue("bsn")); bsn != "" {
		d.Searched = "bsn"
		hits, err = s.Store.FindByBSN(r.Context(), actor(r, p), bsn)
	} else {
		d.Searched = "naam"
		hits, err = s.Store.SearchPersons(r.Context(), actor(r, p), r.PostFormValue("naam"), 50)
	}
	if fe, ok := people.AsFieldErrors(err); ok {
		pg.Errors = fe
		d.Searched = ""
	} else if err != nil {
		return err
	}
	d.Hits = hits
	pg.Data = d
	code := 200
	if len(pg.Errors) > 0 {
		code = http.StatusUnprocessableEntity
	}
	s.renderPage(w, r, code, "households", pg)
	return nil
}

type householdFormData struct {
	Duplicate *store.DuplicateHousehold
	Household people.Household
	Gemeenten []string
	Wijken    []area.Wijk
	Buurten   []store.Buurt
	New       bool
}

func (s *Server) householdForm(r *http.Request, p *auth.Principal, h people.Household, isNew bool) (householdFormData, error) {
	d := householdFormData{Household: h, New: isNew, Gemeenten: p.Gemeenten(auth.WritePersons)}
	gms := d.Gemeenten
	if !isNew {
		gms = []string{h.Gemeente}
	}
	for _, gm := range gms {
		d.Wijken = append(d.Wijken, s.Atlas.Wijken(gm)...)
		bs, err := s.Store.Buurten(r.Context(), gm)
		if err != nil {
			return d, err
		}
		d.Buurten = append(d.Buurten, bs...)
	}
	return d, nil
}

func (s *Server) newHouseholdForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(auth.WritePersons) {
		return errs.E(errs.Forbidden, "Uw rol mag geen huishoudens aanmaken.")
	}
	d, err := s.householdForm(r, p, people.Household{}, true)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	s.renderPage(w, r, 200, "household_form", page{Title: "Nieuw huishouden", Data: d,
		Form: map[string]string{"postcode": q.Get("postcode"), "huisnummer": q.Get("huisnummer")}})
	return nil
}

func householdFromForm(r *http.Request) (people.Household, map[string]string, people.FieldErrors) {
	form := map[string]string{}
	for _, k := range []string{"gemeente", "postcode", "huisnummer", "toevoeging", "wijk", "buurt"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var fe people.FieldErrors
	h := people.Household{Gemeente: form["gemeente"], Postcode: form["postcode"], Toevoeging: form["toevoeging"], Wijk: form["wijk"], Buurt: form["buurt"]}
	if n, err := strconv.Atoi(form["huisnummer"]); err == nil {
		h.Huisnummer = n
	} else {
		fe.Add("huisnummer", "vul een huisnummer in als getal")
	}
	return h, form, fe
}

func (s *Server) createHousehold(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	h, form, fe := householdFromForm(r)
	form["reden"] = strings.TrimSpace(r.PostFormValue("reden"))
	code := http.StatusUnprocessableEntity
	var dup *store.DuplicateHousehold
	if len(fe) == 0 {
		// Search before create: one household never gets two files.
		err = s.Store.CreateHouseholdChecked(r.Context(), actor(r, p), &h, "", r.PostFormValue("toch_aanmaken") == "ja", form["reden"])
		if f, d, ok := duplicateFormError(err); ok {
			fe, dup, code = f, d, http.StatusConflict
		} else if f, ok := people.AsFieldErrors(err); ok {
			fe = f
		} else if errs.Is(err, errs.Forbidden) {
			fe.Add("gemeente", errs.Message(err))
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		d, err := s.householdForm(r, p, h, true)
		if err != nil {
			return err
		}
		d.Duplicate = dup
		s.renderPage(w, r, code, "household_form", page{Title: "Nieuw huishouden", Data: d, Form: form, Errors: fe})
		return nil
	}
	http.Redirect(w, r, "/huishoudens/"+h.ID+"?nieuw=1", http.StatusSeeOther)
	return nil
}

type householdData struct {
	Household people.Household
	Buurt     *store.Buurt
	CanWrite  bool
	Today     people.Date
	Timeline  []timelineItem
	Case      casePanel
}

func (s *Server) household(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	pg := page{}
	switch {
	case r.URL.Query().Get("nieuw") != "":
		pg.Notice = "Het huishouden is aangemaakt."
	case r.URL.Query().Get("opgeslagen") != "":
		pg.Notice = "De wijzigingen zijn opgeslagen."
	}
	return s.renderHousehold(w, r, p, 200, pg)
}

// renderHousehold shows the household's one file: address, members, and
// everything that happened, on one screen.
func (s *Server) renderHousehold(w http.ResponseWriter, r *http.Request, p *auth.Principal, code int, pg page) error {
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := householdData{Household: h, CanWrite: p.Can(auth.WritePersons, h.Gemeente), Today: people.Today()}
	if h.Buurt != "" {
		bs, err := s.Store.Buurten(r.Context(), h.Gemeente)
		if err != nil {
			return err
		}
		for i := range bs {
			if bs[i].Code == h.Buurt {
				d.Buurt = &bs[i]
			}
		}
	}
	if d.Case, err = s.casePanel(r, p, h); err != nil {
		return err
	}
	if d.Timeline, err = s.timeline(r, a, h); err != nil {
		return err
	}
	pg.Title = "Huishouden " + h.Address()
	pg.Data = d
	s.renderPage(w, r, code, "household", pg)
	return nil
}

func (s *Server) editHouseholdForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	h, err := s.Store.GetHousehold(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := s.householdForm(r, p, h, false)
	if err != nil {
		return err
	}
	form := map[string]string{"postcode": people.FormatPostcode(h.Postcode), "huisnummer": strconv.Itoa(h.Huisnummer), "toevoeging": h.Toevoeging, "wijk": h.Wijk, "buurt": h.Buurt}
	s.renderPage(w, r, 200, "household_form", page{Title: "Adres wijzigen", Data: d, Form: form})
	return nil
}

func (s *Server) updateHousehold(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	h, form, fe := householdFromForm(r)
	h.ID = r.PathValue("id")
	if len(fe) == 0 {
		err = s.Store.UpdateHousehold(r.Context(), actor(r, p), &h)
		if f, ok := people.AsFieldErrors(err); ok {
			fe = f
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		cur, err := s.Store.GetHousehold(r.Context(), actor(r, p), h.ID)
		if err != nil {
			return err
		}
		d, err := s.householdForm(r, p, cur, false)
		if err != nil {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "household_form", page{Title: "Adres wijzigen", Data: d, Form: form, Errors: fe})
		return nil
	}
	http.Redirect(w, r, "/huishoudens/"+h.ID+"?opgeslagen=1", http.StatusSeeOther)
	return nil
}

type memberFormData struct {
	Household people.Household
	Roles     []string
	Genders   []string
	Person    *store.PersonDetail
}

func (s *Server) newMemberForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	h, err := s.Store.GetHousehold(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "member_form", page{Title: "Persoon toevoegen", Data: memberFormData{Household: h, Roles: people.Roles, Genders: people.Genders},
		Form: map[string]string{"start": people.Today().ISO()}})
	return nil
}

func personFromForm(r *http.Request, form map[string]string, fe *people.FieldErrors) people.Person {
	for _, k := range []string{"bsn", "voornamen", "tussenvoegsel", "achternaam", "geboortedatum", "geslacht"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	pr := people.Person{BSN: form["bsn"], Voornamen: form["voornamen"], Tussenvoegsel: form["tussenvoegsel"], Achternaam: form["achternaam"], Geslacht: form["geslacht"]}
	if form["geboortedatum"] != "" {
		d, err := people.ParseDate(form["geboortedatum"])
		if err != nil {
			fe.Add("geboortedatum", "vul een datum in zoals 01-04-1980")
		}
		pr.Geboortedatum = d
	}
	return pr
}

func (s *Server) createMember(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	h, err := s.Store.GetHousehold(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	form := map[string]string{"rol": r.PostFormValue("rol"), "start": strings.TrimSpace(r.PostFormValue("start"))}
	var fe people.FieldErrors
	pr := personFromForm(r, form, &fe)
	pr.Gemeente = h.Gemeente
	m := people.Member{Household: h.ID, Rol: form["rol"]}
	if d, err := people.ParseDate(form["start"]); err == nil {
		m.Start = d
	} else {
		fe.Add("start", "vul een datum in zoals 01-04-2026")
	}
	if len(fe) == 0 {
		err = s.Store.CreatePerson(r.Context(), a, &pr, &m)
		if f, ok := people.AsFieldErrors(err); ok {
			fe = f
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		form["bsn"] = "" // never echo a BSN back into a page
		s.renderPage(w, r, http.StatusUnprocessableEntity, "member_form", page{Title: "Persoon toevoegen", Errors: fe, Form: form,
			Data: memberFormData{Household: h, Roles: people.Roles, Genders: people.Genders}})
		return nil
	}
	http.Redirect(w, r, "/huishoudens/"+h.ID+"?opgeslagen=1", http.StatusSeeOther)
	return nil
}

func (s *Server) endMember(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	end, err := people.ParseDate(r.PostFormValue("eind"))
	if err != nil {
		return errs.E(errs.Invalid, "eind: vul een einddatum in zoals 01-04-2026")
	}
	if err := s.Store.EndMember(r.Context(), actor(r, p), r.PathValue("id"), r.PathValue("member"), end); err != nil {
		return err
	}
	http.Redirect(w, r, "/huishoudens/"+r.PathValue("id")+"?opgeslagen=1", http.StatusSeeOther)
	return nil
}

type personData struct {
	Person   store.PersonDetail
	CanWrite bool
	Genders  []string
}

func (s *Server) person(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	d, err := s.Store.GetPerson(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	notice := ""
	if r.URL.Query().Get("opgeslagen") != "" {
		notice = "De wijzigingen zijn opgeslagen."
	}
	s.renderPage(w, r, 200, "person", page{Title: d.Name(), Notice: notice, Data: personData{Person: d, CanWrite: p.Can(auth.WritePersons, d.Gemeente)}})
	return nil
}

func (s *Server) editPersonForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	d, err := s.Store.GetPerson(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	form := map[string]string{"bsn": d.BSN, "voornamen": d.Voornamen, "tussenvoegsel": d.Tussenvoegsel, "achternaam": d.Achternaam,
		"geboortedatum": d.Geboortedatum.ISO(), "geslacht": d.Geslacht}
	s.renderPage(w, r, 200, "person_form", page{Title: "Gegevens wijzigen", Form: form, Data: personData{Person: d, Genders: people.Genders}})
	return nil
}

func (s *Server) updatePerson(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	var fe people.FieldErrors
	pr := personFromForm(r, form, &fe)
	pr.ID = r.PathValue("id")
	if len(fe) == 0 {
		err = s.Store.UpdatePerson(r.Context(), actor(r, p), &pr)
		if f, ok := people.AsFieldErrors(err); ok {
			fe = f
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		d, err := s.Store.GetPerson(r.Context(), actor(r, p), pr.ID)
		if err != nil {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "person_form", page{Title: "Gegevens wijzigen", Form: form, Errors: fe, Data: personData{Person: d, Genders: people.Genders}})
		return nil
	}
	http.Redirect(w, r, "/personen/"+pr.ID+"?opgeslagen=1", http.StatusSeeOther)
	return nil
}

// --- beheer ---

type auditData struct {
	Records   []audit.Record
	Gemeenten []string
	Next      string
}

func auditFilter(q url.Values, p *auth.Principal) (audit.Filter, error) {
	f := audit.Filter{UserEmail: q.Get("gebruiker"), RecordType: q.Get("soort"), RecordID: strings.TrimSpace(q.Get("record")), Action: audit.Action(q.Get("actie"))}
	if g := q.Get("gemeente"); g != "" {
		f.Gemeenten = []string{g}
	}
	if v := q.Get("van"); v != "" {
		d, err := people.ParseDate(v)
		if err != nil {
			return f, &people.FieldError{Field: "van", Message: "vul een datum in zoals 01-04-2026"}
		}
		f.From = time.Date(d.Year(), d.Time().Month(), d.Time().Day(), 0, 0, 0, 0, people.Amsterdam())
	}
	if v := q.Get("tot"); v != "" {
		d, err := people.ParseDate(v)
		if err != nil {
			return f, &people.FieldError{Field: "tot", Message: "vul een datum in zoals 01-04-2026"}
		}
		d = d.AddDays(1) // inclusive end date on screen
		f.To = time.Date(d.Year(), d.Time().Month(), d.Time().Day(), 0, 0, 0, 0, people.Amsterdam())
	}
	f.Before, _ = strconv.ParseInt(q.Get("voor"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("aantal"))
	return f, nil
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(auth.ReadAudit) {
		return errs.E(errs.Forbidden, "Alleen beheerders kunnen het auditlog inzien.")
	}
	q := r.URL.Query()
	pg := page{Title: "Auditlog", Form: map[string]string{}}
	for _, k := range []string{"gebruiker", "soort", "record", "actie", "van", "tot", "gemeente"} {
		pg.Form[k] = q.Get(k)
	}
	d := auditData{Gemeenten: p.Gemeenten(auth.ReadAudit)}
	f, err := auditFilter(q, p)
	if fe, ok := people.AsFieldErrors(err); ok {
		pg.Errors = fe
	} else {
		f.Limit = 100
		d.Records, err = s.Store.SearchAudit(r.Context(), p, f)
		if err != nil {
			return err
		}
		if len(d.Records) == f.Limit {
			c := url.Values{}
			for k, v := range q {
				c[k] = v
			}
			c.Set("voor", strconv.FormatInt(d.Records[len(d.Records)-1].ID, 10))
			d.Next = "/beheer/audit?" + c.Encode()
		}
	}
	pg.Data = d
	s.renderPage(w, r, 200, "audit", pg)
	return nil
}

type usersData struct {
	Users     []store.User
	Gemeenten []string
	Roles     []auth.Role
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, 200, page{Form: map[string]string{}})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, code int, pg page) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	gms := p.Gemeenten(auth.ManageUsers)
	if len(gms) == 0 {
		return errs.E(errs.Forbidden, "Alleen beheerders kunnen gebruikers beheren.")
	}
	users, err := s.Store.Users(r.Context(), gms)
	if err != nil {
		return err
	}
	pg.Title = "Gebruikers"
	pg.Data = usersData{Users: users, Gemeenten: gms, Roles: auth.Roles}
	s.renderPage(w, r, code, "users", pg)
	return nil
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{"email": r.PostFormValue("email"), "naam": r.PostFormValue("naam"), "gemeente": r.PostFormValue("gemeente"), "rol": r.PostFormValue("rol")}
	var fe people.FieldErrors
	role, rerr := auth.ParseRole(form["rol"])
	if rerr != nil {
		fe.Add("rol", "kies een rol")
	}
	if !p.Can(auth.ManageUsers, form["gemeente"]) {
		fe.Add("gemeente", "kies een gemeente die u beheert")
	}
	if len(fe) == 0 {
		// An existing user gets the extra role; a new one is created.
		u, err := s.Store.UserByEmail(r.Context(), form["email"])
		switch {
		case err == nil:
			err = s.Store.AddGrant(r.Context(), u.ID, auth.Grant{Gemeente: form["gemeente"], Role: role})
		case errs.Is(err, errs.NotFound):
			hash, herr := auth.HashPassword(r.PostFormValue("wachtwoord"))
			if herr != nil {
				fe.Add("wachtwoord", herr.Error())
				break
			}
			err = s.Store.CreateUser(r.Context(), &store.User{Email: form["email"], Name: strings.TrimSpace(form["naam"]), PasswordHash: hash,
				Grants: []auth.Grant{{Gemeente: form["gemeente"], Role: role}}})
		}
		if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) {
			fe.Add("email", strings.TrimPrefix(errs.Message(err), "e-mail: "))
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, page{Form: form, Errors: fe})
	}
	s.Log.Info("user added or granted", "by", p.UserID, "gemeente", form["gemeente"], "role", string(role))
	return s.renderUsers(w, r, 200, page{Form: map[string]string{}, Notice: "De gebruiker " + store.NormalizeEmail(form["email"]) + " heeft de rol " + role.Label() + " gekregen."})
}

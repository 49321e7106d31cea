package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// The wijk's own page (/wijk/{WKcode}): its agenda, its wishes and the wijk
// on the map, public for reading, without JavaScript. Verified residents of
// the wijk post, support, follow and report wishes; the wijkcoordinator
// answers, hides and keeps the wijkagenda.

func (s *Server) routesWijk(r *router) {
	r.page("GET /wijk", s.wijkIndex)
	r.page("GET /wijk/{wijk}", s.wijkPage)
	r.page("GET /wijk/{wijk}/kaart.svg", s.wijkPickerImage)
	r.page("GET /wijk/{wijk}/wensen/nieuw", s.wishForm)
	r.page("POST /wijk/{wijk}/wensen", s.wishCreate)
	r.page("GET /wijk/{wijk}/wensen/{id}", s.wishPage)
	r.page("POST /wijk/{wijk}/wensen/{id}/steunen", s.wishSupport)
	r.page("POST /wijk/{wijk}/wensen/{id}/volgen", s.wishFollow)
	r.page("POST /wijk/{wijk}/wensen/{id}/melden", s.wishReport)
	r.page("POST /wijk/{wijk}/wensen/{id}/antwoord", s.wishAnswer)
	r.page("POST /wijk/{wijk}/wensen/{id}/verbergen", s.wishHide)
	r.page("POST /wijk/{wijk}/wensen/{id}/tonen", s.wishShow)
	r.page("POST /wijk/{wijk}/wensen/{id}/meldingen", s.wishDismissReports)
	r.page("GET /wijk/{wijk}/beheer", s.wijkModeration)
	r.page("GET /wijk/{wijk}/agenda/nieuw", s.agendaForm)
	r.page("POST /wijk/{wijk}/agenda", s.agendaCreate)
	r.page("GET /wijk/{wijk}/agenda/{id}", s.agendaPage)
	r.page("POST /wijk/{wijk}/agenda/{id}", s.agendaUpdate)
	r.page("POST /wijk/{wijk}/agenda/{id}/mijlpalen", s.agendaMilestone)
	r.page("GET /beheer/wensstatussen", s.wishStatusesPage)
	r.page("POST /beheer/wensstatussen", s.wishStatusesSave)
	s.routesWijkAPI(r)
}

// WijkSection fills a part of the wijk page that another surface owns (the
// wijkbudget vote, meetings). It returns data for the template of that
// section, or nil for "nothing yet".
type WijkSection func(s *Server, r *http.Request, wijk area.Wijk) (any, error)

// wijkSections are registered by other files of this package (in init):
// "stemmen" fills .Data.Votes, "bijeenkomsten" .Data.Meetings.
var wijkSections = map[string]WijkSection{}

// postLimiters keeps one per-address limiter per Server: posting wishes and
// reports is limited per address (IP) like failed logins are, next to the
// per-account limits the store counts.
var postLimiters sync.Map // *Server -> *auth.Throttle

func (s *Server) postLimiter() *auth.Throttle {
	if t, ok := postLimiters.Load(s); ok {
		return t.(*auth.Throttle)
	}
	t := auth.NewThrottle()
	t.Limit, t.Window = participation.PostsPerHourPerAddress, time.Hour
	got, _ := postLimiters.LoadOrStore(s, t)
	return got.(*auth.Throttle)
}

// limitAddress counts a post from the request's address and refuses it
// over the limit.
func (s *Server) limitAddress(w http.ResponseWriter, r *http.Request) error {
	lim := s.postLimiter()
	key := "plaatsen:" + clientIP(r)
	if blocked, wait := lim.Blocked(key); blocked {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return errs.E(errs.TooMany, "Er is vanaf dit adres veel geplaatst. Probeer het over %d minuten opnieuw.", int(wait.Minutes())+1)
	}
	lim.Fail(key)
	return nil
}

// wijkFromPath reads the wijk in the URL.
func (s *Server) wijkFromPath(r *http.Request) (area.Wijk, area.Gemeente, error) {
	wk, ok := s.Atlas.Wijk(r.PathValue("wijk"))
	if !ok {
		return area.Wijk{}, area.Gemeente{}, errs.E(errs.NotFound, "Deze wijk bestaat niet (gebruik een CBS-code zoals WK011901).")
	}
	g, _ := s.Atlas.Gemeente(wk.Gemeente)
	return wk, g, nil
}

func moderatorActor(p *auth.Principal) store.Actor {
	return store.Actor{P: p, Purpose: "moderatie en antwoorden wensen in de wijk"}
}

// --- index ---

type wijkIndexData struct {
	Q         string
	Wijken    []area.Wijk
	Gemeenten []area.Gemeente
	Own       *area.Wijk
	Moderates []area.Wijk // a wijkcoordinator's wijken
	Statuses  bool        // may set the gemeente's answer statuses
}

func (s *Server) wijkIndex(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := wijkIndexData{Q: q}
	if p := principal(r); p != nil && p.Resident != nil {
		if wk, ok := s.Atlas.Wijk(p.Resident.Wijk); ok {
			d.Own = &wk
		}
	}
	if p := principal(r); p != nil {
		d.Statuses = p.CanAnywhere(auth.ManageTeam)
		for _, code := range p.Wijken {
			if wk, ok := s.Atlas.Wijk(code); ok && p.CoordinatorOf(wk.Gemeente, wk.Code) {
				d.Moderates = append(d.Moderates, wk)
			}
		}
	}
	if len([]rune(q)) >= 2 {
		d.Gemeenten = s.Atlas.Search(q)
		d.Wijken = s.Atlas.SearchWijken(q)
		if len(d.Wijken) > 50 {
			d.Wijken = d.Wijken[:50]
		}
	}
	s.renderPage(w, r, 200, "wijk_index", page{Title: "Vind uw wijk", Data: d})
	return nil
}

// --- the wijk page ---

type wijkPageData struct {
	Gemeente    area.Gemeente
	Wijk        area.Wijk
	Map         string
	Wishes      []participation.Wish
	Answered    []participation.Wish
	Agenda      []participation.AgendaItem
	Counts      store.WijkCounts
	MayPost     bool            // a verified resident of this wijk
	Elsewhere   bool            // signed-in resident of another wijk, or not yet verified
	Coordinator bool            // moderates this wijk
	Supported   map[string]bool // the viewer's supports
	Votes       any             // filled by the "stemmen" section
	Meetings    any             // filled by the "bijeenkomsten" section
	Initiatives any             // filled by the "initiatieven" section (the fund)
	Help        any             // filled by the "voorelkaar" section
}

func (s *Server) wijkPage(w http.ResponseWriter, r *http.Request) error {
	wk, g, err := s.wijkFromPath(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := principal(r)
	d := wijkPageData{Gemeente: g, Wijk: wk, MayPost: p.ResidentOf(wk.Code), Coordinator: p.CoordinatorOf(g.Code, wk.Code), Supported: map[string]bool{}}
	d.Elsewhere = p != nil && p.Resident != nil && !d.MayPost
	all, err := s.Store.Wishes(ctx, wk.Code, store.WishFilter{})
	if err != nil {
		return err
	}
	defs, err := s.Store.WishStatuses(ctx, g.Code)
	if err != nil {
		return err
	}
	for _, x := range all {
		if st, ok := participation.FindStatus(defs, x.Status); ok && st.Closed {
			d.Answered = append(d.Answered, x)
		} else {
			d.Wishes = append(d.Wishes, x)
		}
	}
	if d.Agenda, err = s.Store.Agenda(ctx, wk.Code); err != nil {
		return err
	}
	if d.Counts, err = s.Store.WishCounts(ctx, wk.Code); err != nil {
		return err
	}
	if d.MayPost {
		if d.Supported, err = s.Store.SupportedIn(ctx, p.UserID, wk.Code); err != nil {
			return err
		}
	}
	if f := wijkSections["stemmen"]; f != nil {
		if d.Votes, err = f(s, r, wk); err != nil {
			return err
		}
	}
	if f := wijkSections["bijeenkomsten"]; f != nil {
		if d.Meetings, err = f(s, r, wk); err != nil {
			return err
		}
	}
	if f := wijkSections["initiatieven"]; f != nil {
		if d.Initiatives, err = f(s, r, wk); err != nil {
			return err
		}
	}
	if f := wijkSections["voorelkaar"]; f != nil {
		if d.Help, err = f(s, r, wk); err != nil {
			return err
		}
	}
	var markers []area.Marker
	for _, x := range d.Wishes {
		if x.Point != nil {
			markers = append(markers, area.Marker{Lat: x.Point.Lat, Lon: x.Point.Lon, Label: x.Title})
		}
	}
	if d.Map, err = s.wijkMap(g, wk, markers); err != nil {
		return err
	}
	pg := page{Title: wk.Naam + " (" + g.Naam + ")", Data: d}
	pg.Notice = noticeText(r.URL.Query().Get("klaar"))
	s.renderPage(w, r, 200, "wijk_page", pg)
	return nil
}

func (s *Server) wijkMap(g area.Gemeente, wk area.Wijk, markers []area.Marker) (string, error) {
	return s.Atlas.MapSVG(g.Code, area.MapOptions{Width: 560, Title: wk.Naam + " (donkerblauw) in " + g.Naam, Markers: markers,
		Href: func(x area.Wijk) string { return "/wijk/" + x.Code },
		Fill: func(x area.Wijk) string {
			if x.Code == wk.Code {
				return "#154273"
			}
			return "#e6e6e6"
		}})
}

// noticeText is the message after a redirect (?klaar=...).
func noticeText(k string) string {
	return map[string]string{
		"geplaatst":   "Dank u wel. Uw wens staat op de pagina van de wijk. De wijkcoördinator geeft een antwoord.",
		"gesteund":    "U steunt deze wens.",
		"ingetrokken": "U steunt deze wens niet meer.",
		"volgen":      "U volgt deze wens. U krijgt bericht als er iets verandert.",
		"ontvolgd":    "U volgt deze wens niet meer.",
		"gemeld":      "Dank u wel. De wijkcoördinator kijkt naar uw melding.",
		"antwoord":    "Het antwoord staat bij de wens.",
		"verborgen":   "De wens is verborgen.",
		"getoond":     "De wens is weer zichtbaar.",
		"afgehandeld": "De meldingen zijn afgehandeld.",
		"agenda":      "Het agendapunt is opgeslagen.",
		"mijlpaal":    "De mijlpaal is opgeslagen.",
	}[k]
}

// --- posting a wish ---

type wishFormData struct {
	Gemeente   area.Gemeente
	Wijk       area.Wijk
	Categories []participation.Category
	MayPost    bool
	Picker     area.Picker
	PickerSrc  string // the picker image, with the chosen place
}

// pickerWidth fits a 360 px wide phone.
const pickerWidth = 320

func (s *Server) wishFormData(wk area.Wijk, g area.Gemeente, p *auth.Principal, form map[string]string) wishFormData {
	d := wishFormData{Gemeente: g, Wijk: wk, Categories: participation.Categories, MayPost: p.ResidentOf(wk.Code)}
	d.Picker, _ = s.Atlas.Picker(wk.Code, pickerWidth)
	d.PickerSrc = "/wijk/" + wk.Code + "/kaart.svg"
	if form["lat"] != "" && form["lon"] != "" {
		d.PickerSrc += "?" + url.Values{"lat": {form["lat"]}, "lon": {form["lon"]}}.Encode()
	}
	return d
}

// wijkPickerImage draws the wijk alone, with the chosen place, as the
// image the wish form's map is clicked on (no JavaScript needed).
func (s *Server) wijkPickerImage(w http.ResponseWriter, r *http.Request) error {
	wk, _, err := s.wijkFromPath(r)
	if err != nil {
		return err
	}
	p, ok := s.Atlas.Picker(wk.Code, pickerWidth)
	if !ok {
		return errs.E(errs.NotFound, "Geen kaart voor deze wijk.")
	}
	var m *area.Marker
	if pt, err := participation.ParsePoint(r.URL.Query().Get("lat"), r.URL.Query().Get("lon")); err == nil && pt != nil {
		m = &area.Marker{Lat: pt.Lat, Lon: pt.Lon}
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(s.Atlas.PickerSVG(p, m)))
	return nil
}

func (s *Server) wishForm(w http.ResponseWriter, r *http.Request) error {
	wk, g, err := s.wijkFromPath(r)
	if err != nil {
		return err
	}
	p, err := need(r)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "wish_form", page{Title: "Wens voor " + wk.Naam, Form: map[string]string{},
		Data: s.wishFormData(wk, g, p, nil)})
	return nil
}

func (s *Server) wishCreate(w http.ResponseWriter, r *http.Request) error {
	wk, g, err := s.wijkFromPath(r)
	if err != nil {
		return err
	}
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"titel", "tekst", "categorie", "lat", "lon"} {
		form[k] = r.PostFormValue(k)
	}
	x := participation.Wish{Wijk: wk.Code, Title: form["titel"], Text: form["tekst"], Category: participation.Category(form["categorie"])}
	fail := func(err error) error {
		fe, ok := people.AsFieldErrors(err)
		if !ok {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "wish_form", page{Title: "Wens voor " + wk.Naam, Form: form, Errors: fe,
			Data: s.wishFormData(wk, g, p, form)})
		return nil
	}
	// A click on the map (not Enter in a field, which sends 0,0) chooses
	// the place and shows the form again.
	if x, y := r.PostFormValue("kaart.x"), r.PostFormValue("kaart.y"); x != "" && y != "" && !(x == "0" && y == "0") {
		px, err1 := strconv.ParseFloat(x, 64)
		py, err2 := strconv.ParseFloat(y, 64)
		pk, ok := s.Atlas.Picker(wk.Code, pickerWidth)
		if err1 != nil || err2 != nil || !ok {
			return errs.E(errs.Invalid, "De plek op de kaart is niet goed doorgekomen. Probeer het opnieuw.")
		}
		lat, lon := pk.Point(px, py)
		if !s.Atlas.Contains(wk.Code, lat, lon) {
			return fail(people.FieldErrors{{Field: "plek", Message: "Deze plek ligt niet in " + wk.Naam + ". Klik binnen de wijk (het blauwe vlak)."}})
		}
		form["lat"], form["lon"] = strconv.FormatFloat(lat, 'f', 5, 64), strconv.FormatFloat(lon, 'f', 5, 64)
		s.renderPage(w, r, 200, "wish_form", page{Title: "Wens voor " + wk.Naam, Form: form,
			Notice: "De plek staat op de kaart (rode stip). Kijk uw wens na en klik op Wens plaatsen.", Data: s.wishFormData(wk, g, p, form)})
		return nil
	}
	pt, err := participation.ParsePoint(form["lat"], form["lon"])
	if err != nil {
		return fail(err)
	}
	x.Point = pt
	if !p.ResidentOf(wk.Code) {
		return errs.E(errs.Forbidden, "Alleen bewoners van %s met een bevestigd e-mailadres kunnen hier een wens plaatsen.", wk.Naam)
	}
	if err := s.limitAddress(w, r); err != nil {
		return err
	}
	err = s.Store.CreateWish(r.Context(), p, &x, func(pt participation.Point) bool { return s.Atlas.Contains(wk.Code, pt.Lat, pt.Lon) })
	if err != nil {
		return fail(err)
	}
	http.Redirect(w, r, "/wijk/"+wk.Code+"/wensen/"+x.ID+"?klaar=geplaatst", http.StatusSeeOther)
	return nil
}

// --- one wish ---

type wishPageData struct {
	Gemeente    area.Gemeente
	Wijk        area.Wijk
	View        store.WishView
	Map         string
	MayAct      bool
	Coordinator bool
	Statuses    []participation.StatusDef
}

func (s *Server) wishLoad(r *http.Request) (store.WishView, area.Wijk, area.Gemeente, error) {
	wk, g, err := s.wijkFromPath(r)
	if err != nil {
		return store.WishView{}, wk, g, err
	}
	v, err := s.Store.Wish(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return v, wk, g, err
	}
	if v.Wish.Wijk != wk.Code {
		return v, wk, g, errs.E(errs.NotFound, "Deze wens hoort niet bij deze wijk.")
	}
	return v, wk, g, nil
}

func (s *Server) wishPage(w http.ResponseWriter, r *http.Request) error {
	v, wk, g, err := s.wishLoad(r)
	if err != nil {
		return err
	}
	p := principal(r)
	d := wishPageData{Gemeente: g, Wijk: wk, View: v, MayAct: p.ResidentOf(wk.Code) && !v.Wish.Hidden, Coordinator: p.CoordinatorOf(g.Code, wk.Code)}
	if d.Coordinator {
		if d.Statuses, err = s.Store.WishStatuses(r.Context(), g.Code); err != nil {
			return err
		}
	}
	if v.Wish.Point != nil && !v.Wish.Hidden {
		if d.Map, err = s.wijkMap(g, wk, []area.Marker{{Lat: v.Wish.Point.Lat, Lon: v.Wish.Point.Lon, Label: v.Wish.Title}}); err != nil {
			return err
		}
	}
	title := v.Wish.Title
	if v.Wish.Hidden && !d.Coordinator {
		title = "Verborgen wens"
	}
	s.renderPage(w, r, 200, "wish", page{Title: title + " · " + wk.Naam, Data: d, Notice: noticeText(r.URL.Query().Get("klaar")), Form: map[string]string{}})
	return nil
}

// back returns to the page the form was on (the wijk page or the wish),
// with a notice.
func back(w http.ResponseWriter, r *http.Request, wijk, id, notice string) {
	to := "/wijk/" + wijk + "/wensen/" + id
	if r.PostFormValue("terug") == "wijk" {
		to = "/wijk/" + wijk
	}
	http.Redirect(w, r, to+"?klaar="+url.QueryEscape(notice)+"#wens-"+id, http.StatusSeeOther)
}

func (s *Server) wishSupport(w http.ResponseWriter, r *http.Request) error {
	wk, _, err := s.wijkFromPath(r)
	if err != nil {
		return err
	}
	p, err := need(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if r.PostFormValue("steun") == "nee" {
		if err := s.Store.WithdrawSupport(r.Context(), p, id); err != nil {
			return err
		}
		back(w, r, wk.Code, id, "ingetrokken")
		return nil
	}
	if err := s.Store.SupportWish(r.Context(), p, id); err != nil {
		return err
	}
	back(w, r, wk.Code, id, "gesteund")
	return nil
}

func (s *Server) wishFollow(w http.ResponseWriter, r *http.Request) error {
	wk, _, err := s.wijkFromPath(r)
	if err != nil {
		return err
	}
	p, err := need(r)
	if err != nil {
		return err
	}
	on := r.PostFormValue("volgen") != "nee"
	if err := s.Store.FollowWish(r.Context(), p, r.PathValue("id"), on); err != nil {
		return err
	}
	notice := "volgen"
	if !on {
		notice = "ontvolgd"
	}
	back(w, r, wk.Code, r.PathValue("id"), notice)
	return nil
}

func (s *Server) wishReport(w http.ResponseWriter, r *http.Request) error {
	v, wk, _, err := s.wishLoad(r)
	if err != nil {
		return err
	}
	p, err := need(r)
	if err != nil {
		return err
	}
	if !p.ResidentOf(wk.Code) {
		return errs.E(errs.Forbidden, "Alleen bewoners van deze wijk met een bevestigd e-mailadres kunnen een wens melden.")
	}
	if err := s.limitAddress(w, r); err != nil {
		return err
	}
	if err := s.Store.ReportWish(r.Context(), p, v.Wish.ID, r.PostFormValue("reden")); err != nil {
		return s.wishFormError(w, r, err)
	}
	back(w, r, wk.Code, v.Wish.ID, "gemeld")
	return nil
}

// wishFormError shows the wish page again with the field errors of a form on it.
func (s *Server) wishFormError(w http.ResponseWriter, r *http.Request, err error) error {
	fe, ok := people.AsFieldErrors(err)
	if !ok {
		return err
	}
	v, wk, g, lerr := s.wishLoad(r)
	if lerr != nil {
		return lerr
	}
	p := principal(r)
	d := wishPageData{Gemeente: g, Wijk: wk, View: v, MayAct: p.ResidentOf(wk.Code) && !v.Wish.Hidden, Coordinator: p.CoordinatorOf(g.Code, wk.Code)}
	if d.Coordinator {
		if d.Statuses, lerr = s.Store.WishStatuses(r.Context(), g.Code); lerr != nil {
			return lerr
		}
	}
	form := map[string]string{}
	for _, k := range []string{"reden", "status", "antwoord", "verbergreden"} {
		form[k] = r.PostFormValue(k)
	}
	s.renderPage(w, r, http.StatusUnprocessableEntity, "wish", page{Title: v.Wish.Title + " · " + wk.Naam, Data: d, Errors: fe, Form: form})
	return nil
}

// --- moderation ---

func (s *Server) needCoordinator(r *http.Request) (*auth.Principal, area.Wijk, area.Gemeente, error) {
	wk, g, err := s.wijkFromPath(r)
	if err != nil {
		return nil, wk, g, err
	}
	p, err := need(r)
	if err != nil {
		return nil, wk, g, err
	}
	if !p.CoordinatorOf(g.Code, wk.Code) {
		return nil, wk, g, errs.E(errs.Forbidden, "Alleen de wijkcoördinator van %s mag dit doen.", wk.Naam)
	}
	return p, wk, g, nil
}

func (s *Server) wishAnswer(w http.ResponseWriter, r *http.Request) error {
	p, wk, _, err := s.needCoordinator(r)
	if err != nil {
		return err
	}
	ans := participation.Answer{Status: r.PostFormValue("status"), Text: r.PostFormValue("antwoord"),
		Link: s.publicURL(r) + "/wijk/" + wk.Code + "/wensen/" + r.PathValue("id")}
	if err := s.Store.AnswerWish(r.Context(), moderatorActor(p), r.PathValue("id"), &ans); err != nil {
		return s.wishFormError(w, r, err)
	}
	back(w, r, wk.Code, r.PathValue("id"), "antwoord")
	return nil
}

func (s *Server) wishHide(w http.ResponseWriter, r *http.Request) error {
	p, wk, _, err := s.needCoordinator(r)
	if err != nil {
		return err
	}
	if err := s.Store.HideWish(r.Context(), moderatorActor(p), r.PathValue("id"), r.PostFormValue("verbergreden")); err != nil {
		if fe, ok := people.AsFieldErrors(err); ok {
			for _, e := range fe {
				e.Field = "verbergreden"
			}
			err = fe
		}
		return s.wishFormError(w, r, err)
	}
	back(w, r, wk.Code, r.PathValue("id"), "verborgen")
	return nil
}

func (s *Server) wishShow(w http.ResponseWriter, r *http.Request) error {
	p, wk, _, err := s.needCoordinator(r)
	if err != nil {
		return err
	}
	if err := s.Store.ShowWish(r.Context(), moderatorActor(p), r.PathValue("id"), strings.TrimSpace(r.PostFormValue("toelichting"))); err != nil {
		return err
	}
	back(w, r, wk.Code, r.PathValue("id"), "getoond")
	return nil
}

func (s *Server) wishDismissReports(w http.ResponseWriter, r *http.Request) error {
	p, wk, _, err := s.needCoordinator(r)
	if err != nil {
		return err
	}
	if err := s.Store.DismissReports(r.Context(), moderatorActor(p), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/wijk/"+wk.Code+"/beheer?klaar=afgehandeld", http.StatusSeeOther)
	return nil
}

type moderationData struct {
	Gemeente area.Gemeente
	Wijk     area.Wijk
	Reports  []store.WishReport
	Waiting  []participation.Wish // still at the first status
	Hidden   []participation.Wish
	Agenda   []participation.AgendaItem
}

func (s *Server) wijkModeration(w http.ResponseWriter, r *http.Request) error {
	p, wk, g, err := s.needCoordinator(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d := moderationData{Gemeente: g, Wijk: wk}
	if d.Reports, err = s.Store.OpenReports(ctx, moderatorActor(p), g.Code, wk.Code); err != nil {
		return err
	}
	defs, err := s.Store.WishStatuses(ctx, g.Code)
	if err != nil {
		return err
	}
	all, err := s.Store.Wishes(ctx, wk.Code, store.WishFilter{})
	if err != nil {
		return err
	}
	for _, x := range all {
		if x.Status == defs[0].Code {
			d.Waiting = append(d.Waiting, x)
		}
	}
	if d.Hidden, err = s.Store.Wishes(ctx, wk.Code, store.WishFilter{Hidden: true}); err != nil {
		return err
	}
	if d.Agenda, err = s.Store.Agenda(ctx, wk.Code); err != nil {
		return err
	}
	s.renderPage(w, r, 200, "wijk_beheer", page{Title: "Beheer " + wk.Naam, Data: d, Notice: noticeText(r.URL.Query().Get("klaar"))})
	return nil
}

// --- the wijkagenda ---

type agendaFormData struct {
	Gemeente area.Gemeente
	Wijk     area.Wijk
	Item     participation.AgendaItem
	Statuses []participation.AgendaStatus
	Origins  []participation.Origin
	Wish     *participation.Wish
}

func (s *Server) agendaForm(w http.ResponseWriter, r *http.Request) error {
	_, wk, g, err := s.needCoordinator(r)
	if err != nil {
		return err
	}
	d := agendaFormData{Gemeente: g, Wijk: wk, Statuses: participation.AgendaStatuses, Origins: participation.Origins}
	form := map[string]string{"status": string(participation.AgendaGepland), "herkomst": string(participation.OriginWijkanalyse)}
	if id := r.URL.Query().Get("wens"); id != "" {
		v, err := s.Store.Wish(r.Context(), nil, id)
		if err != nil {
			return err
		}
		if v.Wish.Wijk != wk.Code {
			return errs.E(errs.NotFound, "Deze wens hoort niet bij deze wijk.")
		}
		d.Wish = &v.Wish
		it := participation.AgendaFromWish(v.Wish)
		form["titel"], form["beschrijving"], form["herkomst"], form["wens"] = it.Title, it.Description, string(it.Origin), it.WishID
	}
	s.renderPage(w, r, 200, "agenda_form", page{Title: "Nieuw agendapunt · " + wk.Naam, Data: d, Form: form})
	return nil
}

func agendaFromForm(r *http.Request, form map[string]string) (participation.AgendaItem, error) {
	for _, k := range []string{"titel", "beschrijving", "eigenaar", "status", "herkomst", "budget", "wens", "mijlpalen"} {
		form[k] = r.PostFormValue(k)
	}
	it := participation.AgendaItem{Title: form["titel"], Description: form["beschrijving"], Owner: form["eigenaar"],
		Status: participation.AgendaStatus(form["status"]), Origin: participation.Origin(form["herkomst"]), WishID: strings.TrimSpace(form["wens"])}
	if it.Origin != participation.OriginWens {
		it.WishID = ""
	}
	var fe people.FieldErrors
	if b := strings.TrimSpace(form["budget"]); b != "" {
		c, err := casework.ParseEuro(b)
		if err != nil {
			fe.Add("budget", "Vul het budget in euro's in, bijvoorbeeld 2.500 of 2500,00.")
		}
		it.Budget = c
	}
	for _, line := range strings.Split(form["mijlpalen"], "\n") {
		if line = strings.TrimSpace(line); line != "" {
			it.Milestones = append(it.Milestones, participation.Milestone{Title: line})
		}
	}
	return it, fe.Err()
}

func (s *Server) agendaCreate(w http.ResponseWriter, r *http.Request) error {
	p, wk, g, err := s.needCoordinator(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	it, err := agendaFromForm(r, form)
	it.Gemeente, it.Wijk = g.Code, wk.Code
	if err == nil {
		err = s.Store.CreateAgendaItem(r.Context(), moderatorActor(p), &it)
	}
	if err != nil {
		fe, ok := people.AsFieldErrors(err)
		if !ok {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "agenda_form", page{Title: "Nieuw agendapunt · " + wk.Naam, Form: form, Errors: fe,
			Data: agendaFormData{Gemeente: g, Wijk: wk, Statuses: participation.AgendaStatuses, Origins: participation.Origins}})
		return nil
	}
	http.Redirect(w, r, "/wijk/"+wk.Code+"/agenda/"+it.ID+"?klaar=agenda", http.StatusSeeOther)
	return nil
}

type agendaPageData struct {
	Gemeente    area.Gemeente
	Wijk        area.Wijk
	View        store.AgendaView
	Coordinator bool
	Statuses    []participation.AgendaStatus
}

func (s *Server) agendaLoad(r *http.Request) (store.AgendaView, area.Wijk, area.Gemeente, error) {
	wk, g, err := s.wijkFromPath(r)
	if err != nil {
		return store.AgendaView{}, wk, g, err
	}
	v, err := s.Store.AgendaItem(r.Context(), r.PathValue("id"))
	if err != nil {
		return v, wk, g, err
	}
	if v.Item.Wijk != wk.Code {
		return v, wk, g, errs.E(errs.NotFound, "Dit agendapunt hoort niet bij deze wijk.")
	}
	return v, wk, g, nil
}

func (s *Server) agendaPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAgenda(w, r, 200, nil, nil)
}

func (s *Server) renderAgenda(w http.ResponseWriter, r *http.Request, code int, fe people.FieldErrors, form map[string]string) error {
	v, wk, g, err := s.agendaLoad(r)
	if err != nil {
		return err
	}
	p := principal(r)
	d := agendaPageData{Gemeente: g, Wijk: wk, View: v, Coordinator: p.CoordinatorOf(g.Code, wk.Code), Statuses: participation.AgendaStatuses}
	if form == nil {
		form = map[string]string{"titel": v.Item.Title, "beschrijving": v.Item.Description, "eigenaar": v.Item.Owner,
			"status": string(v.Item.Status), "budget": v.Item.Budget.Input()}
	}
	s.renderPage(w, r, code, "agenda", page{Title: v.Item.Title + " · " + wk.Naam, Data: d, Form: form, Errors: fe, Notice: noticeText(r.URL.Query().Get("klaar"))})
	return nil
}

func (s *Server) agendaUpdate(w http.ResponseWriter, r *http.Request) error {
	p, wk, _, err := s.needCoordinator(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	it, err := agendaFromForm(r, form)
	it.ID = r.PathValue("id")
	if err == nil {
		err = s.Store.UpdateAgendaItem(r.Context(), moderatorActor(p), &it)
	}
	if err != nil {
		fe, ok := people.AsFieldErrors(err)
		if !ok {
			return err
		}
		return s.renderAgenda(w, r, http.StatusUnprocessableEntity, fe, form)
	}
	http.Redirect(w, r, "/wijk/"+wk.Code+"/agenda/"+it.ID+"?klaar=agenda", http.StatusSeeOther)
	return nil
}

func (s *Server) agendaMilestone(w http.ResponseWriter, r *http.Request) error {
	p, wk, _, err := s.needCoordinator(r)
	if err != nil {
		return err
	}
	m := participation.Milestone{ID: r.PostFormValue("mijlpaal_id"), Title: r.PostFormValue("mijlpaal")}
	var fe people.FieldErrors
	if v := strings.TrimSpace(r.PostFormValue("procent")); v != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(v, "%"))
		if err != nil {
			fe.Add("procent", "Vul een heel getal tussen 0 en 100 in.")
		}
		m.Percent = n
	}
	if v := strings.TrimSpace(r.PostFormValue("datum")); v != "" {
		d, err := people.ParseDate(v)
		if err != nil {
			fe.Add("datum", "Vul een datum in, bijvoorbeeld 2026-06-01.")
		}
		m.Due = d
	}
	err = fe.Err()
	if err == nil {
		err = s.Store.SaveMilestone(r.Context(), moderatorActor(p), r.PathValue("id"), &m)
	}
	if err != nil {
		fe, ok := people.AsFieldErrors(err)
		if !ok {
			return err
		}
		return s.renderAgenda(w, r, http.StatusUnprocessableEntity, fe, nil)
	}
	http.Redirect(w, r, "/wijk/"+wk.Code+"/agenda/"+r.PathValue("id")+"?klaar=mijlpaal", http.StatusSeeOther)
	return nil
}

// --- the gemeente's answer statuses (beheer) ---

type wishStatusesData struct {
	Gemeenten []string
	Gemeente  string
}

func (s *Server) wishStatusesGemeente(r *http.Request, gm string) (*auth.Principal, []string, string, error) {
	p, err := need(r)
	if err != nil {
		return nil, nil, "", err
	}
	gms := p.Gemeenten(auth.ManageTeam)
	if len(gms) == 0 {
		return nil, nil, "", errs.E(errs.Forbidden, "Alleen beheer of een teamleider stelt de statussen van antwoorden in.")
	}
	if gm == "" {
		gm = gms[0]
	}
	if !p.Can(auth.ManageTeam, gm) {
		return nil, nil, "", errs.E(errs.Forbidden, "U mag de statussen van deze gemeente niet instellen.")
	}
	return p, gms, gm, nil
}

func (s *Server) wishStatusesPage(w http.ResponseWriter, r *http.Request) error {
	_, gms, gm, err := s.wishStatusesGemeente(r, r.URL.Query().Get("gemeente"))
	if err != nil {
		return err
	}
	defs, err := s.Store.WishStatuses(r.Context(), gm)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "wish_statuses", page{Title: "Statussen van antwoorden op wensen", Form: map[string]string{"statussen": participation.StatusLines(defs)},
		Data: wishStatusesData{Gemeenten: gms, Gemeente: gm}, Notice: noticeText(r.URL.Query().Get("klaar"))})
	return nil
}

func (s *Server) wishStatusesSave(w http.ResponseWriter, r *http.Request) error {
	p, gms, gm, err := s.wishStatusesGemeente(r, r.PostFormValue("gemeente"))
	if err != nil {
		return err
	}
	text := r.PostFormValue("statussen")
	defs, err := participation.ParseStatusLines(text)
	if err == nil {
		err = s.Store.SetWishStatuses(r.Context(), store.Actor{P: p, Purpose: "statussen van antwoorden op wensen instellen"}, gm, defs)
	}
	if err != nil {
		fe, ok := people.AsFieldErrors(err)
		if !ok {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "wish_statuses", page{Title: "Statussen van antwoorden op wensen", Errors: fe,
			Form: map[string]string{"statussen": text}, Data: wishStatusesData{Gemeenten: gms, Gemeente: gm}})
		return nil
	}
	http.Redirect(w, r, "/beheer/wensstatussen?gemeente="+url.QueryEscape(gm)+"&klaar=statussen", http.StatusSeeOther)
	return nil
}

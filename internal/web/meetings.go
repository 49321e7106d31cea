package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/ical"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// Meetings: the wijk page's section, a page per meeting with the
// register/cancel button, the organisers' pages (create, change, cancel,
// attendee list, report), the list of network meetings for professionals,
// and iCalendar feeds: the public wijk feed, one event, and a personal
// feed behind a secret link.
func (s *Server) routesMeetings(r *router) {
	r.page("GET /bijeenkomsten", s.meetingsList)
	r.page("POST /bijeenkomsten", s.meetingCreate)
	r.page("GET /bijeenkomsten/nieuw", s.meetingNewForm)
	r.page("POST /bijeenkomsten/agendalink", s.meetingFeedLink)
	r.page("GET /bijeenkomsten-agenda/{token}", s.meetingFeedICS)
	r.page("GET /bijeenkomsten/{id}", s.meetingPage) // also {id}.ics: one event
	r.page("POST /bijeenkomsten/{id}/aanmelden", s.meetingRegister)
	r.page("POST /bijeenkomsten/{id}/afmelden", s.meetingUnregister)
	r.page("GET /bijeenkomsten/{id}/bewerken", s.meetingEditForm)
	r.page("POST /bijeenkomsten/{id}/bewerken", s.meetingUpdate)
	r.page("POST /bijeenkomsten/{id}/afgelasten", s.meetingCancel)
	r.page("POST /bijeenkomsten/{id}/verslag", s.meetingReport)
	r.page("GET /bijeenkomsten/{id}/deelnemers", s.meetingAttendees)
	r.page("GET /wijk/{wijk}/bijeenkomsten.ics", s.wijkMeetingsICS)
	r.endpoint("GET /api/v1/wijken/{code}/bijeenkomsten", apiDoc{Summary: "De wijkbijeenkomsten van een wijk vanaf een maand terug, vroegste eerst (status afgelopen volgt uit de eindtijd)",
		Tag: "Bijeenkomsten", Public: true, Response: itemsOf[participation.Meeting]{}}, s.apiWijkMeetings)
}

// apiWijkMeetings is the wijk's meetings as JSON, for the wijkplatform's
// own website; no registrations, only their counts.
func (s *Server) apiWijkMeetings(w http.ResponseWriter, r *http.Request) error {
	wk, ok := s.Atlas.Wijk(r.PathValue("code"))
	if !ok {
		return errs.E(errs.NotFound, "Deze wijk bestaat niet.")
	}
	now := time.Now()
	ms, err := s.Store.WijkMeetings(r.Context(), wk.Code, now.AddDate(0, -1, 0))
	if err != nil {
		return err
	}
	for i := range ms {
		ms[i].Status = ms[i].StatusAt(now)
	}
	return writeJSON(w, http.StatusOK, itemsOf[participation.Meeting]{Items: ms})
}

// The wijk page shows the coming wijk meetings and the reports of the
// last few. Templates get "when" (a meeting's time in words) and "split"
// (a text in paragraphs).
func init() {
	funcs["when"] = store.MeetingWhen
	funcs["split"] = func(s string) []string {
		var out []string
		for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	wijkSections["bijeenkomsten"] = func(s *Server, r *http.Request, wk area.Wijk) (any, error) {
		now := time.Now()
		up, err := s.Store.WijkMeetings(r.Context(), wk.Code, now)
		if err != nil {
			return nil, err
		}
		past, err := s.Store.PastWijkMeetings(r.Context(), wk.Code, now, 3)
		if err != nil {
			return nil, err
		}
		p := principal(r)
		d := wijkMeetings{Wijk: wk.Code, Upcoming: up, Past: past,
			MayOrganise: participation.MayOrganise(p, wk.Gemeente, participation.MeetingWijk, wk.Code)}
		return d, nil
	}
}

type wijkMeetings struct {
	Wijk        string
	Upcoming    []participation.Meeting
	Past        []participation.Meeting
	MayOrganise bool
}

// --- the meeting page ---

type meetingView struct {
	M           participation.Meeting
	Status      participation.MeetingStatus
	When        string
	Wijk        area.Wijk
	Gemeente    string
	Open        bool // registration possible now
	Started     bool
	MayRegister bool // the viewer is of the right kind (resident of the gemeente, professional)
	Reg         participation.Registration
	HasReg      bool
	MayOrganise bool
}

func (s *Server) meetingView(r *http.Request, id string) (meetingView, error) {
	p := principal(r)
	m, err := s.Store.Meeting(r.Context(), p, id)
	if err != nil {
		return meetingView{}, err
	}
	now := time.Now()
	v := meetingView{M: m, Status: m.StatusAt(now), When: store.MeetingWhen(m), Gemeente: m.Gemeente, Open: m.Open(now), Started: m.Started(now),
		MayOrganise: participation.MayOrganise(p, m.Gemeente, m.Kind, m.Wijk)}
	if g, ok := s.Atlas.Gemeente(m.Gemeente); ok {
		v.Gemeente = g.Naam
	}
	if m.Wijk != "" {
		v.Wijk, _ = s.Atlas.Wijk(m.Wijk)
		if v.Wijk.Code == "" {
			v.Wijk = area.Wijk{Code: m.Wijk, Naam: m.Wijk}
		}
	}
	switch m.Kind {
	case participation.MeetingWijk:
		v.MayRegister = p != nil && p.Resident != nil && p.Resident.Verified && p.Resident.Gemeente == m.Gemeente
	case participation.MeetingNetwerk:
		v.MayRegister = participation.IsProfessional(p)
	}
	if v.Reg, v.HasReg, err = s.Store.MyRegistration(r.Context(), p, m.ID); err != nil {
		return v, err
	}
	return v, nil
}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if strings.HasSuffix(id, ".ics") {
		return s.meetingICS(w, r, strings.TrimSuffix(id, ".ics"))
	}
	v, err := s.meetingView(r, id)
	if err != nil {
		return err
	}
	pg := page{Title: v.M.Title, Data: v}
	q := r.URL.Query()
	switch {
	case q.Has("aangemeld"):
		if v.HasReg && v.Reg.State == participation.RegWachtlijst {
			pg.Notice = "De bijeenkomst is vol. U staat op de wachtlijst, op plek " + strconv.Itoa(v.Reg.Position) + ". Komt er een plaats vrij, dan krijgt u een e-mail."
		} else {
			pg.Notice = "U bent aangemeld. De dag van tevoren krijgt u een herinnering per e-mail."
		}
	case q.Has("afgemeld"):
		pg.Notice = "U bent afgemeld."
	case q.Has("opgeslagen"):
		pg.Notice = "De bijeenkomst is opgeslagen."
	case q.Has("afgelast"):
		pg.Notice = "De bijeenkomst is afgelast. Wie zich aanmeldde krijgt een e-mail."
	case q.Has("verslag"):
		pg.Notice = "Het verslag is opgeslagen."
	}
	s.renderPage(w, r, 200, "meeting", pg)
	return nil
}

func (s *Server) meetingRegister(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.Store.Register(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/bijeenkomsten/"+id+"?aangemeld=1#aanmelding", http.StatusSeeOther)
	return nil
}

func (s *Server) meetingUnregister(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.Store.CancelRegistration(r.Context(), p, id, s.publicURL(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/bijeenkomsten/"+id+"?afgemeld=1#aanmelding", http.StatusSeeOther)
	return nil
}

// --- the list: one's own meetings, and network meetings for professionals ---

type meetingsListData struct {
	Mine         []store.MyMeeting
	Network      []participation.Meeting
	NetworkPast  []participation.Meeting
	Organised    []participation.Meeting
	Professional bool
	MayCreate    bool
	HasFeed      bool
	FeedURL      string // shown once, right after it is made
}

func (s *Server) meetingsList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	d, err := s.meetingsListData(r, p)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "meetings", page{Title: "Bijeenkomsten", Data: d})
	return nil
}

func (s *Server) meetingsListData(r *http.Request, p *auth.Principal) (meetingsListData, error) {
	var d meetingsListData
	var err error
	if d.Mine, err = s.Store.MyMeetings(r.Context(), p.UserID); err != nil {
		return d, err
	}
	if d.HasFeed, err = s.Store.HasMeetingFeed(r.Context(), p.UserID); err != nil {
		return d, err
	}
	if participation.IsProfessional(p) {
		d.Professional = true
		if d.Network, d.NetworkPast, err = s.Store.NetworkMeetings(r.Context(), p, time.Now()); err != nil {
			return d, err
		}
	}
	if p.CanAnywhere(auth.ManageMeetings) {
		if d.Organised, err = s.Store.OrganisedMeetings(r.Context(), p); err != nil {
			return d, err
		}
		d.MayCreate = len(s.meetingChoices(p).Wijken)+len(s.meetingChoices(p).Gemeenten) > 0
	}
	return d, nil
}

// meetingFeedLink makes (or renews) the personal calendar link and shows
// it once: only its hash is kept.
func (s *Server) meetingFeedLink(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if r.PostFormValue("stoppen") != "" {
		if err := s.Store.RevokeMeetingFeed(r.Context(), p.UserID); err != nil {
			return err
		}
		http.Redirect(w, r, "/bijeenkomsten", http.StatusSeeOther)
		return nil
	}
	tok, err := s.Store.NewMeetingFeed(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	d, err := s.meetingsListData(r, p)
	if err != nil {
		return err
	}
	d.FeedURL = s.publicURL(r) + "/bijeenkomsten-agenda/" + tok + ".ics"
	s.renderPage(w, r, 200, "meetings", page{Title: "Bijeenkomsten", Data: d,
		Notice: "Uw agendalink is gemaakt. Kopieer hem nu: hij wordt maar één keer getoond. Een eerdere link werkt niet meer."})
	return nil
}

// --- organisers ---

type meetingChoices struct {
	Wijken    []area.Wijk // where the user organises wijk meetings
	Gemeenten []area.Gemeente
}

func (s *Server) meetingChoices(p *auth.Principal) meetingChoices {
	var c meetingChoices
	for _, gm := range p.Gemeenten(auth.ManageMeetings) {
		if participation.MayOrganise(p, gm, participation.MeetingNetwerk, "") {
			g, ok := s.Atlas.Gemeente(gm)
			if !ok {
				g = area.Gemeente{Code: gm, Naam: gm}
			}
			c.Gemeenten = append(c.Gemeenten, g)
		}
		for _, wk := range s.Atlas.Wijken(gm) {
			if participation.MayOrganise(p, gm, participation.MeetingWijk, wk.Code) {
				c.Wijken = append(c.Wijken, wk)
			}
		}
	}
	return c
}

type meetingFormData struct {
	Edit    bool
	M       participation.Meeting
	Choices meetingChoices
}

func (s *Server) meetingNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	c := s.meetingChoices(p)
	if len(c.Wijken)+len(c.Gemeenten) == 0 {
		return errs.E(errs.Forbidden, "U organiseert geen bijeenkomsten.")
	}
	form := map[string]string{"wijk": r.URL.Query().Get("wijk")}
	switch {
	case form["wijk"] != "" || len(c.Gemeenten) == 0:
		form["soort"] = "wijk"
	case len(c.Wijken) == 0:
		form["soort"] = "netwerk"
	}
	if len(c.Gemeenten) > 0 {
		form["gemeente"] = c.Gemeenten[0].Code
	}
	s.renderPage(w, r, 200, "meeting_form", page{Title: "Nieuwe bijeenkomst", Data: meetingFormData{Choices: c}, Form: form})
	return nil
}

var meetingFields = []string{"soort", "wijk", "gemeente", "titel", "omschrijving", "datum", "begin", "einde", "plaats", "link", "agenda", "capaciteit"}

// meetingFromForm reads the form into a meeting, collecting the errors
// of date, times and capacity; Validate (in the store) checks the rest.
func meetingFromForm(r *http.Request) (participation.Meeting, map[string]string, people.FieldErrors) {
	form := map[string]string{}
	for _, k := range meetingFields {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	form["omschrijving"] = r.PostFormValue("omschrijving")
	form["agenda"] = r.PostFormValue("agenda")
	m := participation.Meeting{Kind: participation.MeetingKind(form["soort"]), Wijk: form["wijk"], Gemeente: form["gemeente"], Title: form["titel"],
		Description: form["omschrijving"], Place: form["plaats"], OnlineURL: form["link"], Agenda: participation.ParseAgenda(form["agenda"])}
	var fe people.FieldErrors
	day, err := parseDay(form["datum"])
	if err != nil {
		fe.Add("datum", "Vul de datum in als dd-mm-jjjj, bijvoorbeeld 08-12-2026.")
	}
	begin, errB := parseClock(form["begin"])
	if errB != nil {
		fe.Add("begin", "Vul de begintijd in als uu:mm, bijvoorbeeld 19:30.")
	}
	end, errE := parseClock(form["einde"])
	if errE != nil {
		fe.Add("einde", "Vul de eindtijd in als uu:mm, bijvoorbeeld 21:00.")
	}
	if err == nil && errB == nil && errE == nil {
		loc := people.Amsterdam()
		d := day.Time()
		m.Start = time.Date(d.Year(), d.Month(), d.Day(), begin/60, begin%60, 0, 0, loc).UTC()
		m.End = time.Date(d.Year(), d.Month(), d.Day(), end/60, end%60, 0, 0, loc).UTC()
		if !m.End.After(m.Start) {
			fe.Add("einde", "De eindtijd ligt na de begintijd (op dezelfde dag).")
		}
	}
	if c := form["capaciteit"]; c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 || n > participation.MeetingCapacityMax {
			fe.Add("capaciteit", "Het aantal plaatsen is een heel getal van 1 tot 10000, of leeg voor geen grens.")
		} else {
			m.Capacity = n
		}
	}
	if m.Kind != participation.MeetingWijk && m.Kind != participation.MeetingNetwerk {
		fe.Add("soort", "Kies het soort bijeenkomst: wijk of netwerk.")
	}
	return m, form, fe
}

func parseDay(s string) (people.Date, error) {
	if d, err := people.ParseDate(s); err == nil {
		return d, nil
	}
	t, err := time.Parse("2-1-2006", strings.ReplaceAll(s, "/", "-"))
	if err != nil {
		return people.Date{}, err
	}
	return people.DateOf(t), nil
}

// parseClock reads "19:30" or "19.30" as minutes after midnight.
func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.ReplaceAll(s, ".", ":"))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// mergeErrors adds the store's field errors to the form's own, one per field.
func mergeErrors(fe people.FieldErrors, err error) (people.FieldErrors, bool) {
	more, ok := fieldErrors(err)
	if !ok {
		return fe, false
	}
	for _, e := range more {
		if fe.For(e.Field) == "" {
			fe = append(fe, e)
		}
	}
	return fe, true
}

func (s *Server) meetingCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	m, form, fe := meetingFromForm(r)
	if len(fe) == 0 {
		err = s.Store.CreateMeeting(r.Context(), actor(r, p), &m)
		if err == nil {
			http.Redirect(w, r, "/bijeenkomsten/"+m.ID+"?opgeslagen=1", http.StatusSeeOther)
			return nil
		}
	} else {
		// Check the rest too, so every mistake shows at once.
		err = m.Validate()
		if m.Start.IsZero() || m.End.IsZero() {
			err = dropFields(err, "begin", "einde")
		}
	}
	fe, ok := mergeErrors(fe, err)
	if !ok && err != nil {
		return err
	}
	s.renderPage(w, r, http.StatusUnprocessableEntity, "meeting_form", page{Title: "Nieuwe bijeenkomst", Data: meetingFormData{Choices: s.meetingChoices(p)}, Form: form, Errors: fe})
	return nil
}

// dropFields removes errors for fields the form already reported on.
func dropFields(err error, fields ...string) error {
	fe, ok := people.AsFieldErrors(err)
	if !ok {
		return err
	}
	var out people.FieldErrors
	for _, e := range fe {
		keep := true
		for _, f := range fields {
			keep = keep && e.Field != f
		}
		if keep {
			out = append(out, e)
		}
	}
	return out.Err()
}

func meetingForm(m participation.Meeting) map[string]string {
	loc := people.Amsterdam()
	st, en := m.Start.In(loc), m.End.In(loc)
	form := map[string]string{"soort": string(m.Kind), "wijk": m.Wijk, "gemeente": m.Gemeente, "titel": m.Title, "omschrijving": m.Description,
		"datum": st.Format("2006-01-02"), "begin": st.Format("15:04"), "einde": en.Format("15:04"), "plaats": m.Place, "link": m.OnlineURL,
		"agenda": m.AgendaText()}
	if m.Capacity > 0 {
		form["capaciteit"] = strconv.Itoa(m.Capacity)
	}
	return form
}

func (s *Server) organised(r *http.Request) (*auth.Principal, participation.Meeting, error) {
	p, err := need(r)
	if err != nil {
		return nil, participation.Meeting{}, err
	}
	m, err := s.Store.Meeting(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, m, err
	}
	if !participation.MayOrganise(p, m.Gemeente, m.Kind, m.Wijk) {
		return nil, m, errs.E(errs.Forbidden, "U organiseert deze bijeenkomst niet.")
	}
	return p, m, nil
}

func (s *Server) meetingEditForm(w http.ResponseWriter, r *http.Request) error {
	_, m, err := s.organised(r)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "meeting_form", page{Title: "Bijeenkomst wijzigen", Data: meetingFormData{Edit: true, M: m}, Form: meetingForm(m)})
	return nil
}

func (s *Server) meetingUpdate(w http.ResponseWriter, r *http.Request) error {
	p, old, err := s.organised(r)
	if err != nil {
		return err
	}
	m, form, fe := meetingFromForm(r)
	m.ID, m.Kind, m.Wijk, m.Gemeente = old.ID, old.Kind, old.Wijk, old.Gemeente
	form["soort"], form["wijk"], form["gemeente"] = string(old.Kind), old.Wijk, old.Gemeente
	fe = dropFieldErrs(fe, "soort")
	if len(fe) == 0 {
		err = s.Store.UpdateMeeting(r.Context(), actor(r, p), m, s.publicURL(r))
		if err == nil {
			http.Redirect(w, r, "/bijeenkomsten/"+m.ID+"?opgeslagen=1", http.StatusSeeOther)
			return nil
		}
	}
	fe, ok := mergeErrors(fe, err)
	if !ok && err != nil {
		return err
	}
	s.renderPage(w, r, http.StatusUnprocessableEntity, "meeting_form", page{Title: "Bijeenkomst wijzigen", Data: meetingFormData{Edit: true, M: old}, Form: form, Errors: fe})
	return nil
}

func dropFieldErrs(fe people.FieldErrors, field string) people.FieldErrors {
	var out people.FieldErrors
	for _, e := range fe {
		if e.Field != field {
			out = append(out, e)
		}
	}
	return out
}

// meetingFormError re-renders the meeting page with a form's errors.
func (s *Server) meetingFormError(w http.ResponseWriter, r *http.Request, err error, form map[string]string) error {
	fe, ok := fieldErrors(err)
	if !ok {
		return err
	}
	v, verr := s.meetingView(r, r.PathValue("id"))
	if verr != nil {
		return verr
	}
	s.renderPage(w, r, http.StatusUnprocessableEntity, "meeting", page{Title: v.M.Title, Data: v, Errors: fe, Form: form})
	return nil
}

func (s *Server) meetingCancel(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.organised(r)
	if err != nil {
		return err
	}
	reason := r.PostFormValue("reden")
	if err := s.Store.CancelMeeting(r.Context(), actor(r, p), m.ID, reason, s.publicURL(r)); err != nil {
		return s.meetingFormError(w, r, err, map[string]string{"reden": reason})
	}
	http.Redirect(w, r, "/bijeenkomsten/"+m.ID+"?afgelast=1", http.StatusSeeOther)
	return nil
}

func (s *Server) meetingReport(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.organised(r)
	if err != nil {
		return err
	}
	text := r.PostFormValue("verslag")
	if err := s.Store.WriteReport(r.Context(), actor(r, p), m.ID, text); err != nil {
		return s.meetingFormError(w, r, err, map[string]string{"verslag": text})
	}
	http.Redirect(w, r, "/bijeenkomsten/"+m.ID+"?verslag=1#verslag", http.StatusSeeOther)
	return nil
}

type meetingAttendeesData struct {
	M         participation.Meeting
	When      string
	Attendees []participation.Attendee
}

func (s *Server) meetingAttendees(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.organised(r)
	if err != nil {
		return err
	}
	att, err := s.Store.Attendees(r.Context(), actor(r, p), m.ID)
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "meeting_attendees", page{Title: "Deelnemers: " + m.Title, Data: meetingAttendeesData{M: m, When: store.MeetingWhen(m), Attendees: att}})
	return nil
}

// --- iCalendar ---

func (s *Server) icsEvent(r *http.Request, m participation.Meeting) ical.Event {
	desc := m.Description
	if len(m.Agenda) > 0 {
		if desc != "" {
			desc += "\n\n"
		}
		desc += "Agenda:"
		for i, a := range m.Agenda {
			desc += "\n" + strconv.Itoa(i+1) + ". " + a
		}
	}
	if m.OnlineURL != "" {
		desc += "\n\nOnline: " + m.OnlineURL
	}
	if m.Status == participation.MeetingAfgelast {
		desc = "AFGELAST: " + m.CancelReason + "\n\n" + desc
	}
	loc := m.Place
	if loc == "" {
		loc = m.OnlineURL
	}
	// The UID must not change with the address a feed is fetched on: the
	// meeting's random id makes it unique.
	return ical.Event{UID: "bijeenkomst-" + m.ID + "@naober", Sequence: m.Sequence, Start: m.Start, End: m.End, Summary: m.Title,
		Description: strings.TrimSpace(desc), Location: loc, URL: s.publicURL(r) + "/bijeenkomsten/" + m.ID,
		Cancelled: m.Status == participation.MeetingAfgelast, Updated: m.UpdatedAt}
}

func (s *Server) writeICS(w http.ResponseWriter, r *http.Request, name, file string, ms []participation.Meeting, private bool) error {
	cal := ical.Calendar{Name: name, Stamp: time.Now()}
	for _, m := range ms {
		cal.Events = append(cal.Events, s.icsEvent(r, m))
	}
	var buf bytes.Buffer
	if err := cal.Write(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="`+file+`"`)
	if private {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	w.Write(buf.Bytes())
	return nil
}

func (s *Server) meetingICS(w http.ResponseWriter, r *http.Request, id string) error {
	m, err := s.Store.Meeting(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	return s.writeICS(w, r, m.Title, "bijeenkomst.ics", []participation.Meeting{m}, m.Kind != participation.MeetingWijk)
}

func (s *Server) wijkMeetingsICS(w http.ResponseWriter, r *http.Request) error {
	wk, ok := s.Atlas.Wijk(r.PathValue("wijk"))
	if !ok {
		return errs.E(errs.NotFound, "Deze wijk bestaat niet.")
	}
	// From a month back, so a calendar keeps recent meetings (and sees
	// cancellations of coming ones).
	ms, err := s.Store.WijkMeetings(r.Context(), wk.Code, time.Now().AddDate(0, -1, 0))
	if err != nil {
		return err
	}
	return s.writeICS(w, r, "Bijeenkomsten in "+wk.Naam, "bijeenkomsten-"+wk.Code+".ics", ms, false)
}

func (s *Server) meetingFeedICS(w http.ResponseWriter, r *http.Request) error {
	tok, ok := strings.CutSuffix(r.PathValue("token"), ".ics")
	if !ok {
		return errs.E(errs.NotFound, "Deze agendalink bestaat niet.")
	}
	ms, err := s.Store.MeetingFeed(r.Context(), tok)
	if err != nil {
		return err
	}
	return s.writeICS(w, r, "Mijn bijeenkomsten (naober)", "mijn-bijeenkomsten.ics", ms, true)
}

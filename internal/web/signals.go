package web

import (
	"net/http"
	"strconv"
	"strings"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

func (s *Server) routesSignals(r *router) {
	r.page("GET /signalen", s.signalInbox)
	r.page("GET /signalen/nieuw", s.newSignalForm)
	r.page("POST /signalen", s.createSignal)
	r.page("GET /signalen/mijn", s.mySignals)
	r.page("GET /signalen/{id}", s.signalPage)
	r.page("POST /signalen/{id}/zoeken", s.signalSearch)
	r.page("POST /signalen/{id}/triage", s.triageSignal)

	const tag = "Signalen"
	const team = "regisseur, teamleider"
	r.endpoint("POST /api/v1/signals", apiDoc{Summary: "Een zorg over een adres of persoon melden bij het wijkteam", Tag: tag,
		Roles: "iedere gebruiker met een account, ook melder (partners zoals thuiszorg, huisarts, school, woningcorporatie, politie)",
		Body:  signalInput{}, Response: casework.ReporterView{}, Status: http.StatusCreated}, s.apiCreateSignal)
	r.endpoint("GET /api/v1/signals", apiDoc{Summary: "Binnengekomen signalen (inbox van het wijkteam): acuut en hoog eerst, dan oudste eerst", Tag: tag, Roles: team,
		Query: []param{{"gemeente", "CBS-code; leeg = alle gemeenten van de gebruiker"}, {"wijk", "CBS-wijkcode"},
			{"status", "leeg = nieuw (open); alle; of gekoppeld, nieuw_huishouden, doorverwezen, gesloten"}, {"limit", "hooguit 500 (standaard 200)"}},
		Response: itemsOf[casework.Signal]{}}, s.apiSignals)
	r.endpoint("GET /api/v1/signals/mine", apiDoc{Summary: "Mijn eigen meldingen: alleen datum, adres en ontvangen of opgepakt", Tag: tag,
		Roles: "iedere gebruiker die meldt", Response: itemsOf[casework.ReporterView]{}}, s.apiMySignals)
	r.endpoint("GET /api/v1/signals/{id}", apiDoc{Summary: "Eén signaal", Tag: tag, Roles: team, Response: casework.Signal{}}, s.apiSignal)
	r.endpoint("POST /api/v1/signals/{id}/triage", apiDoc{Summary: "Signaal afhandelen: koppelen, nieuw huishouden (met casus), doorverwijzen of sluiten; één keer",
		Tag: tag, Roles: team, Body: triageInput{}, Response: store.TriageResult{}}, s.apiTriageSignal)
}

// signalView is a signal with the names of its codes, for pages.
type signalView struct {
	casework.Signal
	BronNaam     string
	UrgentieNaam string
	StatusNaam   string
	DomeinNamen  []string
	Kort         string // the first words of what was seen, for lists
}

func viewSignal(g casework.Signal) signalView {
	v := signalView{Signal: g, DomeinNamen: casework.DomainNames(g.Domeinen), StatusNaam: casework.OutcomeName(g.Status)}
	v.BronNaam, _ = casework.Lookup(casework.Sources, g.Bron)
	v.UrgentieNaam, _ = casework.Lookup(casework.Urgencies, g.Urgentie)
	v.Kort = shorten(g.Wat, 90)
	return v
}

func shorten(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return cut + " …"
}

// mergeFieldErrors adds the problems of b for fields a does not name yet.
func mergeFieldErrors(a people.FieldErrors, b error) people.FieldErrors {
	fe, _ := people.AsFieldErrors(b)
	for _, e := range fe {
		if a.For(e.Field) == "" {
			a = append(a, e)
		}
	}
	return a
}

// --- report a signal ---

type signalFormData struct {
	Gemeenten []string
	Wijken    []area.Wijk
	Sources   []casework.Code
	Domains   []casework.Code
	Urgencies []casework.Code
}

func (s *Server) signalForm(p *auth.Principal) signalFormData {
	d := signalFormData{Gemeenten: p.Gemeenten(auth.ReportSignal), Sources: casework.Sources, Domains: casework.Domains, Urgencies: casework.Urgencies}
	for _, gm := range d.Gemeenten {
		d.Wijken = append(d.Wijken, s.Atlas.Wijken(gm)...)
	}
	return d
}

func needReporter(r *http.Request) (*auth.Principal, error) {
	p, err := need(r)
	if err != nil {
		return nil, err
	}
	if !p.CanAnywhere(auth.ReportSignal) {
		return nil, errs.E(errs.Forbidden, "Uw account kan geen signalen melden.")
	}
	return p, nil
}

func (s *Server) newSignalForm(w http.ResponseWriter, r *http.Request) error {
	p, err := needReporter(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	form := map[string]string{"postcode": q.Get("postcode"), "huisnummer": q.Get("huisnummer"), "urgentie": "normaal"}
	s.renderPage(w, r, 200, "signal_form", page{Title: "Signaal melden", Data: s.signalForm(p), Form: form})
	return nil
}

// signalFromForm reads the report form; yes/no questions must be answered.
func signalFromForm(r *http.Request) (casework.Signal, map[string]string, people.FieldErrors) {
	r.ParseForm()
	form := map[string]string{}
	for _, k := range []string{"gemeente", "postcode", "huisnummer", "toevoeging", "wijk", "naam", "bron", "wat", "urgentie", "bewoner_weet", "bewoner_akkoord"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	form["wat"] = r.PostFormValue("wat")
	g := casework.Signal{Gemeente: form["gemeente"], Postcode: form["postcode"], Toevoeging: form["toevoeging"], Wijk: form["wijk"],
		Naam: form["naam"], Bron: form["bron"], Wat: form["wat"], Urgentie: form["urgentie"], Domeinen: r.PostForm["domeinen"]}
	for _, d := range g.Domeinen {
		form["domein:"+d] = "ja"
	}
	var fe people.FieldErrors
	if n, err := strconv.Atoi(form["huisnummer"]); err == nil {
		g.Huisnummer = n
	} else {
		fe.Add("huisnummer", "vul een huisnummer in als getal")
	}
	switch form["bewoner_weet"] {
	case "ja":
		g.BewonerWeet = true
	case "nee":
	default:
		fe.Add("bewoner_weet", "geef aan of de bewoner weet dat u dit meldt")
	}
	switch form["bewoner_akkoord"] {
	case "ja":
		g.BewonerAkkoord = true
	case "nee":
	case "":
		if g.BewonerWeet {
			fe.Add("bewoner_akkoord", "geef aan of de bewoner het goed vindt dat het wijkteam contact opneemt")
		}
	default:
		fe.Add("bewoner_akkoord", "kies ja of nee")
	}
	return g, form, fe
}

func (s *Server) createSignal(w http.ResponseWriter, r *http.Request) error {
	p, err := needReporter(r)
	if err != nil {
		return err
	}
	g, form, fe := signalFromForm(r)
	if gms := p.Gemeenten(auth.ReportSignal); g.Gemeente == "" && len(gms) == 1 {
		g.Gemeente = gms[0]
	}
	if len(fe) > 0 {
		// Name every problem at once, not only the unanswered questions.
		check := g
		fe = mergeFieldErrors(fe, casework.ValidateSignal(&check))
	} else if err := s.Store.CreateSignal(r.Context(), actor(r, p), &g); err != nil {
		f, ok := people.AsFieldErrors(err)
		if !ok {
			return err
		}
		fe = f
	}
	if len(fe) > 0 {
		s.renderPage(w, r, http.StatusUnprocessableEntity, "signal_form", page{Title: "Signaal melden", Data: s.signalForm(p), Form: form, Errors: fe})
		return nil
	}
	http.Redirect(w, r, "/signalen/mijn?gemeld=1", http.StatusSeeOther)
	return nil
}

type mySignalsData struct {
	Signals []casework.ReporterView
}

func (s *Server) mySignals(w http.ResponseWriter, r *http.Request) error {
	p, err := needReporter(r)
	if err != nil {
		return err
	}
	list, err := s.Store.MySignals(r.Context(), actor(r, p))
	if err != nil {
		return err
	}
	notice := ""
	if r.URL.Query().Get("gemeld") != "" {
		notice = "Dank u wel. Uw melding is ontvangen; het wijkteam kijkt ernaar."
	}
	s.renderPage(w, r, 200, "signal_mine", page{Title: "Mijn meldingen", Notice: notice, Data: mySignalsData{Signals: list}})
	return nil
}

// --- the team's inbox ---

type signalInboxData struct {
	Signals   []signalView
	Counts    []store.SignalCount
	Gemeenten []string
	Wijken    []area.Wijk
	States    []casework.Code
	Status    string
}

func needTeam(r *http.Request) (*auth.Principal, error) {
	p, err := need(r)
	if err != nil {
		return nil, err
	}
	if !p.CanAnywhere(auth.ReadPersons) {
		return nil, errs.E(errs.Forbidden, "Alleen het wijkteam ziet de binnengekomen signalen.")
	}
	return p, nil
}

func (s *Server) signalInbox(w http.ResponseWriter, r *http.Request) error {
	p, err := needTeam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.SignalFilter{Gemeente: q.Get("gemeente"), Wijk: q.Get("wijk"), Status: q.Get("status")}
	d := signalInboxData{Gemeenten: p.Gemeenten(auth.ReadPersons), States: casework.SignalStates, Status: f.Status}
	for _, gm := range d.Gemeenten {
		d.Wijken = append(d.Wijken, s.Atlas.Wijken(gm)...)
	}
	pg := page{Title: "Signalen", Form: map[string]string{"gemeente": f.Gemeente, "wijk": f.Wijk, "status": f.Status}}
	list, err := s.Store.SignalInbox(r.Context(), actor(r, p), f)
	if fe, ok := people.AsFieldErrors(err); ok {
		pg.Errors = fe
	} else if err != nil {
		return err
	}
	for _, g := range list {
		d.Signals = append(d.Signals, viewSignal(g))
	}
	if d.Counts, err = s.Store.OpenSignalsPerWijk(r.Context(), actor(r, p)); err != nil {
		return err
	}
	if q.Get("afgehandeld") != "" {
		pg.Notice = "Het signaal is afgehandeld."
	}
	pg.Data = d
	code := 200
	if len(pg.Errors) > 0 {
		code = http.StatusUnprocessableEntity
	}
	s.renderPage(w, r, code, "signals", pg)
	return nil
}

// --- one signal and its triage ---

type signalPageData struct {
	Signal     signalView
	CanTriage  bool
	AtAddress  []people.Household // households at the signal's address
	Found      []people.Household // households found by postcode and house number
	Searched   bool
	Hits       []store.PersonHit // persons found by BSN
	Outcomes   []casework.Code
	Duplicate  *store.DuplicateHousehold
	Household  string // the linked or started household
	SearchForm map[string]string
}

func (s *Server) signalData(r *http.Request, p *auth.Principal, id string) (signalPageData, error) {
	a := actor(r, p)
	g, err := s.Store.GetSignal(r.Context(), a, id)
	if err != nil {
		return signalPageData{}, err
	}
	d := signalPageData{Signal: viewSignal(g), CanTriage: g.Open() && p.Can(auth.WritePersons, g.Gemeente), Outcomes: casework.SignalOutcomes,
		Household: g.Household, SearchForm: map[string]string{}}
	if d.CanTriage {
		res, err := s.Store.ListHouseholds(r.Context(), a, store.HouseholdFilter{Gemeente: g.Gemeente, Postcode: g.Postcode, Huisnummer: g.Huisnummer})
		if err != nil {
			return d, err
		}
		d.AtAddress = res.Items
	}
	return d, nil
}

// dedupe shows each household once among the choices.
func (d *signalPageData) dedupe() {
	seen := map[string]bool{}
	for _, h := range d.AtAddress {
		seen[h.ID] = true
	}
	found := d.Found[:0:0]
	for _, h := range d.Found {
		if !seen[h.ID] {
			seen[h.ID] = true
			found = append(found, h)
		}
	}
	d.Found = found
	hits := d.Hits[:0:0]
	for _, h := range d.Hits {
		if h.HouseholdID == "" || !seen[h.HouseholdID] {
			seen[h.HouseholdID] = true
			hits = append(hits, h)
		}
	}
	d.Hits = hits
}

func (s *Server) signalPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	d, err := s.signalData(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	pg := page{Title: "Signaal " + d.Signal.Address(), Form: map[string]string{}}
	q := r.URL.Query()
	if d.CanTriage && (q.Get("postcode") != "" || q.Get("huisnummer") != "") {
		d.SearchForm = map[string]string{"zoek_postcode": q.Get("postcode"), "zoek_huisnummer": q.Get("huisnummer")}
		f := store.HouseholdFilter{Gemeente: d.Signal.Gemeente, Postcode: q.Get("postcode")}
		if n, err := strconv.Atoi(strings.TrimSpace(q.Get("huisnummer"))); err == nil && n > 0 {
			f.Huisnummer = n
		} else if q.Get("huisnummer") != "" {
			pg.Errors.Add("zoek_huisnummer", "vul een huisnummer in als getal")
		}
		if f.Postcode == "" {
			pg.Errors.Add("zoek_postcode", "vul een postcode in")
		}
		if len(pg.Errors) == 0 {
			res, err := s.Store.ListHouseholds(r.Context(), actor(r, p), f)
			if fe, ok := people.AsFieldErrors(err); ok {
				pg.Errors = prefixFields(fe, "zoek_")
			} else if err != nil {
				return err
			} else {
				d.Found, d.Searched = res.Items, true
			}
		}
	}
	d.dedupe()
	pg.Data = d
	code := 200
	if len(pg.Errors) > 0 {
		code = http.StatusUnprocessableEntity
	}
	s.renderPage(w, r, code, "signal", pg)
	return nil
}

// signalSearch looks a BSN up for the triage, by POST so it stays out of URLs.
func (s *Server) signalSearch(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	d, err := s.signalData(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !d.CanTriage {
		return errs.E(errs.Conflict, "Dit signaal is al afgehandeld.")
	}
	pg := page{Title: "Signaal " + d.Signal.Address(), Form: map[string]string{}}
	hits, err := s.Store.FindByBSN(r.Context(), actor(r, p), r.PostFormValue("bsn"))
	if fe, ok := people.AsFieldErrors(err); ok {
		pg.Errors = fe
	} else if err != nil {
		return err
	}
	for _, h := range hits {
		if h.Gemeente == d.Signal.Gemeente {
			d.Hits = append(d.Hits, h)
		}
	}
	d.Searched = len(pg.Errors) == 0
	d.dedupe()
	pg.Data = d
	code := 200
	if len(pg.Errors) > 0 {
		code = http.StatusUnprocessableEntity
	}
	s.renderPage(w, r, code, "signal", pg)
	return nil
}

func (s *Server) triageSignal(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	form := map[string]string{}
	for _, k := range []string{"uitkomst", "huishouden", "reden", "toch_aanmaken"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	t := casework.Triage{Outcome: form["uitkomst"], Household: form["huishouden"], Reden: form["reden"], Confirm: form["toch_aanmaken"] == "ja"}
	// A household or confirmation ticked before another outcome was chosen
	// is not meant; the API is strict about it, the form forgives it.
	if t.Outcome != casework.SignalLinked {
		t.Household = ""
	}
	if t.Outcome != casework.SignalNewCase {
		t.Confirm = false
	}
	res, err := s.Store.TriageSignal(r.Context(), actor(r, p), id, t)
	if err == nil {
		switch {
		case res.Household != "" && res.Case != nil:
			http.Redirect(w, r, "/huishoudens/"+res.Household+"?nieuw=1", http.StatusSeeOther)
		case res.Household != "":
			http.Redirect(w, r, "/huishoudens/"+res.Household+"?signaal=1", http.StatusSeeOther)
		default:
			http.Redirect(w, r, "/signalen?afgehandeld=1", http.StatusSeeOther)
		}
		return nil
	}
	fe, isField := people.AsFieldErrors(err)
	dfe, dup, isDup := duplicateFormError(err)
	if !isField && !isDup {
		return err
	}
	d, derr := s.signalData(r, p, id)
	if derr != nil {
		return derr
	}
	code := http.StatusUnprocessableEntity
	if isDup {
		code, d.Duplicate, fe = http.StatusConflict, dup, dfe
	}
	s.renderPage(w, r, code, "signal", page{Title: "Signaal " + d.Signal.Address(), Data: d, Form: form, Errors: fe})
	return nil
}

// prefixFields renames fields, so errors point at ids that are unique on a page.
func prefixFields(fe people.FieldErrors, prefix string) people.FieldErrors {
	out := make(people.FieldErrors, len(fe))
	for i, e := range fe {
		out[i] = &people.FieldError{Field: prefix + e.Field, Message: e.Message}
	}
	return out
}

// --- API ---

// signalInput is a report over the API. The yes/no questions must be
// answered explicitly.
type signalInput struct {
	Gemeente       string   `json:"gemeente"`
	Postcode       string   `json:"postcode"`
	Huisnummer     int      `json:"huisnummer"`
	Toevoeging     string   `json:"toevoeging"`
	Wijk           string   `json:"wijk"`
	Naam           string   `json:"naam"`
	Bron           string   `json:"bron"`
	Wat            string   `json:"wat"`
	Domeinen       []string `json:"domeinen"`
	Urgentie       string   `json:"urgentie"`
	BewonerWeet    *bool    `json:"bewoner_weet"`
	BewonerAkkoord *bool    `json:"bewoner_akkoord"`
}

func (s *Server) apiCreateSignal(w http.ResponseWriter, r *http.Request) error {
	p, err := needReporter(r)
	if err != nil {
		return err
	}
	var in signalInput
	if err := decode(r, &in); err != nil {
		return err
	}
	g := casework.Signal{Gemeente: in.Gemeente, Postcode: in.Postcode, Huisnummer: in.Huisnummer, Toevoeging: in.Toevoeging, Wijk: in.Wijk,
		Naam: in.Naam, Bron: in.Bron, Wat: in.Wat, Domeinen: in.Domeinen, Urgentie: in.Urgentie}
	var fe people.FieldErrors
	if in.BewonerWeet == nil {
		fe.Add("bewoner_weet", "geef aan of de bewoner weet dat u dit meldt (true of false)")
	} else {
		g.BewonerWeet = *in.BewonerWeet
	}
	if in.BewonerAkkoord == nil {
		fe.Add("bewoner_akkoord", "geef aan of de bewoner akkoord is (true of false)")
	} else {
		g.BewonerAkkoord = *in.BewonerAkkoord
	}
	if len(fe) > 0 {
		check := g
		return mergeFieldErrors(fe, casework.ValidateSignal(&check))
	}
	if err := s.Store.CreateSignal(r.Context(), actor(r, p), &g); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, g.ForReporter())
}

func (s *Server) apiSignals(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.SignalFilter{Gemeente: q.Get("gemeente"), Wijk: q.Get("wijk"), Status: q.Get("status")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return errs.E(errs.Invalid, "limit: verwacht een positief getal")
		}
		f.Limit = n
	}
	list, err := s.Store.SignalInbox(r.Context(), actor(r, p), f)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.Signal]{Items: nonNil(list)})
}

func (s *Server) apiMySignals(w http.ResponseWriter, r *http.Request) error {
	p, err := needReporter(r)
	if err != nil {
		return err
	}
	list, err := s.Store.MySignals(r.Context(), actor(r, p))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, itemsOf[casework.ReporterView]{Items: nonNil(list)})
}

func (s *Server) apiSignal(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	g, err := s.Store.GetSignal(r.Context(), actor(r, p), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, 200, g)
}

type triageInput struct {
	Uitkomst     string `json:"uitkomst"`
	Huishouden   string `json:"huishouden"`
	Reden        string `json:"reden"`
	TochAanmaken bool   `json:"toch_aanmaken"`
}

func (s *Server) apiTriageSignal(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	var in triageInput
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.Store.TriageSignal(r.Context(), actor(r, p), r.PathValue("id"),
		casework.Triage{Outcome: in.Uitkomst, Household: in.Huishouden, Reden: in.Reden, Confirm: in.TochAanmaken})
	if d, ok := store.AsDuplicate(err); ok {
		return writeDuplicate(w, d)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, 200, res)
}

// duplicateError is the 409 answer of a search before create: the field,
// and where the household that exists already is.
type duplicateError struct {
	Error     string            `json:"fout"`
	Fields    map[string]string `json:"velden"`
	Household string            `json:"bestaand_huishouden"`
	Link      string            `json:"link"`
}

// writeDuplicate answers a search-before-create conflict over the API.
func writeDuplicate(w http.ResponseWriter, d *store.DuplicateHousehold) error {
	return writeJSON(w, http.StatusConflict, duplicateError{Error: "Dit huishouden is al bekend.", Fields: map[string]string{d.Field: d.Message()},
		Household: d.HouseholdID, Link: "/api/v1/households/" + d.HouseholdID})
}

package demo

import (
	"context"
	"fmt"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/voorelkaar"
)

// VoorElkaarStep makes a living voor-elkaar market in the wijken of the
// demo residents: offers and requests, matches proposed, accepted and done
// with feedback, a request closed with a reason, one request of a
// vulnerable resident via the coordinator, and requests the regisseurs
// prescribed from the plans of demo households (one done, one matched, one
// still open), and posts residents made on behalf of organisations (a
// buurthuis helps with forms, the voedselbank asks for drivers) in several
// wijken. The first resident (the printed login) has nothing yet, so
// a visitor can offer help and find an open request of a neighbour. It
// needs ResidentsStep, UsersStep and CaseworkStep before it.
type VoorElkaarStep struct{}

func (VoorElkaarStep) Name() string { return "voorelkaar" }

type veReq struct {
	by       int // resident index
	cat      voorelkaar.Category
	days     []string
	parts    []string
	text     string
	contact  string
	via, vog bool
	daysAgo  int
}

type veOff struct {
	by      int
	cats    []voorelkaar.Category
	days    []string
	parts   []string
	text    string
	phone   string
	vog     bool
	daysAgo int
}

var (
	veWeek    = []string{"ma", "di", "wo", "do", "vr"}
	veWeekend = []string{"za", "zo"}
	veDay     = []string{"ochtend", "middag"}
)

// The residents: 0,2,4,6 live in the coordinator's first wijk, 1,3,5,7 in
// the second, 8–11 one each in the next wijken (see ResidentsStep).
var demoOffers = []veOff{
	{4, []voorelkaar.Category{"wandelen", "gezelschap"}, veWeekend, []string{"middag"}, "Ik wandel graag en houd van een goed gesprek.", "06-12345671", false, 60},
	{1, []voorelkaar.Category{"vervoer", "boodschappen"}, veWeek, veDay, "Ik heb een auto en breng u graag naar het ziekenhuis of de huisarts.", "06-12345672", true, 70},
	{7, []voorelkaar.Category{"formulieren", "digitaal"}, []string{"di", "do"}, []string{"avond"}, "Ik werk op een administratiekantoor en help graag met formulieren.", "", false, 40},
	{9, []voorelkaar.Category{"gezelschap", "tuin"}, []string{"wo", "za"}, veDay, "Gepensioneerd hovenier; ik kom graag een kopje koffie drinken of de tuin doen.", "0522-111222", true, 50},
	{6, []voorelkaar.Category{"wandelen", "klusjes"}, []string{"di", "za"}, []string{"ochtend", "middag"}, "Handig met gereedschap, en ik loop elke dag een rondje.", "", true, 30},
}

var demoRequests = []veReq{
	{2, "boodschappen", []string{"di", "do"}, []string{"ochtend"}, "Ik zoek iemand die op dinsdag of donderdag met mij boodschappen doet.", "06-22334455", false, false, 16},
	{6, "wandelen", []string{"za"}, []string{"middag"}, "Wie wandelt er op zaterdag een rondje met mij door het park?", "", false, false, 45},
	{4, "klusjes", []string{"za"}, []string{"ochtend"}, "Er moet een lamp opgehangen worden in de gang.", "", false, false, 35},
	{6, "vervoer", []string{"wo"}, []string{"ochtend"}, "Ik moet elke woensdag naar de fysiotherapeut en kan niet meer fietsen.", "Bel mijn dochter: 06-99887766", true, true, 18},
	{3, "vervoer", []string{"wo"}, []string{"ochtend"}, "Vervoer naar het ziekenhuis voor een controle.", "", false, false, 30},
	{5, "formulieren", []string{"do"}, []string{"avond"}, "Hulp bij de aangifte en de toeslagen.", "", false, false, 12},
	{10, "tuin", []string{"za"}, []string{"ochtend"}, "Mijn heg moet geknipt worden; ik kan het zelf niet meer.", "", false, false, 20},
}

// demoPrescriptions are what the regisseurs write (first name, category,
// time, text): never anything from the case file.
var demoPrescriptions = []struct {
	first string
	cat   voorelkaar.Category
	days  []string
	parts []string
	text  string
}{
	{"Ria", "wandelen", []string{"za"}, []string{"middag"}, "Een vast wandelmaatje op zaterdagmiddag, om weer buiten te komen."},
	{"Ahmed", "gezelschap", []string{"wo"}, []string{"ochtend"}, "Iemand die op woensdag een kopje koffie komt drinken."},
	{"Joke", "boodschappen", []string{"ma", "vr"}, []string{"ochtend"}, "Samen boodschappen doen, één keer per week."},
}

func (VoorElkaarStep) Run(ctx context.Context, w *World, st *store.Store) error {
	if len(w.Residents) < 11 || len(CoordinatorWijken(w)) < 2 {
		return nil
	}
	today := w.Config.Today
	r := w.rand("voorelkaar/times")
	day := func(ago int) time.Time { return at(today.AddDays(-ago), 9*60+r.IntN(9*60)) }
	principal := map[string]*auth.Principal{}
	var coord *auth.Principal
	if st != nil {
		for _, res := range w.Residents {
			p, err := st.Principal(ctx, res.UserID)
			if err != nil {
				return fmt.Errorf("resident %s: %w", res.Email, err)
			}
			principal[res.UserID] = p
		}
		for _, l := range w.Logins {
			if l.Role == auth.Wijkcoordinator {
				u, err := st.UserByEmail(ctx, l.Email)
				if err != nil {
					return err
				}
				if coord, err = st.Principal(ctx, u.ID); err != nil {
					return err
				}
			}
		}
		if coord == nil {
			return fmt.Errorf("voorelkaar: no wijkcoordinator login")
		}
	}
	who := func(i int) *auth.Principal { return principal[w.Residents[i].UserID] }
	offers := make([]voorelkaar.Offer, len(demoOffers))
	for i, d := range demoOffers {
		res := w.Residents[d.by]
		o := voorelkaar.Offer{ID: w.NewID(), Categories: d.cats, Days: d.days, Parts: d.parts, Wijken: []string{res.Wijk}, Text: d.text, Contact: d.phone, VOG: d.vog}
		if d.vog {
			o.VOGDate = today.AddDays(-200 - 30*i)
		}
		offers[i] = o
		if st != nil {
			if err := st.At(day(d.daysAgo)).CreateHelpOffer(ctx, who(d.by), &offers[i]); err != nil {
				return fmt.Errorf("offer %d: %w", i, err)
			}
		}
	}
	reqs := make([]voorelkaar.Request, len(demoRequests))
	for i, d := range demoRequests {
		reqs[i] = voorelkaar.Request{ID: w.NewID(), Category: d.cat, Days: d.days, Parts: d.parts, Text: d.text, Contact: d.contact, ViaCoordinator: d.via, VOG: d.vog}
		if st != nil {
			if err := st.At(day(d.daysAgo)).CreateHelpRequest(ctx, who(d.by), &reqs[i]); err != nil {
				return fmt.Errorf("request %d: %w", i, err)
			}
		}
	}
	ids := make([]string, 6)
	for i := range ids {
		ids[i] = w.NewID()
	}
	if st == nil {
		return nil
	}
	// A walk on Saturday: proposed by the requester, accepted, done, both gave feedback.
	m, err := st.At(day(44)).ProposeMatchID(ctx, who(6), reqs[1].ID, offers[0].ID, ids[0])
	if err != nil {
		return fmt.Errorf("match walk: %w", err)
	}
	steps := []func() error{
		func() error { return st.At(day(43)).AnswerMatch(ctx, who(4), m, true) },
		func() error { return st.At(day(36)).MarkHelpDone(ctx, who(6), reqs[1].ID) },
		func() error {
			return st.At(day(35)).GiveFeedback(ctx, who(6), m, &voorelkaar.Feedback{Rating: 5, Text: "Heel gezellig, we lopen nu elke week."})
		},
		func() error {
			return st.At(day(34)).GiveFeedback(ctx, who(4), m, &voorelkaar.Feedback{Rating: 4, Text: "Fijne wandeling."})
		},
		// The lamp: closed with a reason.
		func() error {
			return st.At(day(30)).CloseHelpRequest(ctx, who(4), reqs[2].ID, "Mijn zwager heeft het gedaan.")
		},
	}
	for i, f := range steps {
		if err := f(); err != nil {
			return fmt.Errorf("voorelkaar walk step %d: %w", i, err)
		}
	}
	// The hospital lift: the volunteer proposed, both accepted (contact exchanged).
	if m, err = st.At(day(28)).ProposeMatchID(ctx, who(1), reqs[4].ID, offers[1].ID, ids[1]); err != nil {
		return fmt.Errorf("match lift: %w", err)
	}
	if err := st.At(day(27)).AnswerMatch(ctx, who(3), m, true); err != nil {
		return err
	}
	// Forms: proposed by the volunteer, waiting for the requester.
	if _, err := st.At(day(10)).ProposeMatchID(ctx, who(7), reqs[5].ID, offers[2].ID, ids[2]); err != nil {
		return fmt.Errorf("match forms: %w", err)
	}
	if err := prescribeDemo(ctx, w, st, coord, offers, ids[3:], day); err != nil {
		return err
	}
	return organisationsDemo(ctx, w, st, who, day)
}

// demoOrgOffers and demoOrgRequests are posted by residents on behalf of
// organisations; extra adds the coordinator's first wijk to an offer.
var demoOrgOffers = []struct {
	veOff
	org   string
	extra bool
}{
	{veOff{8, []voorelkaar.Category{"formulieren", "digitaal"}, []string{"di", "do"}, veDay,
		"Elke dinsdag en donderdag helpen onze vrijwilligers in het buurthuis met formulieren, toeslagen en DigiD. Loop binnen of vraag ons.", "0522-200300", false, 22}, "Buurthuis De Linde", true},
	{veOff{5, []voorelkaar.Category{"gezelschap", "wandelen"}, []string{"wo", "za"}, []string{"middag"},
		"Getrainde vrijwilligers komen op bezoek voor een praatje of een wandeling.", "0522-400500", true, 15}, "Humanitas", false},
}

var demoOrgRequests = []struct {
	veReq
	org string
}{
	{veReq{11, "vervoer", []string{"vr"}, []string{"ochtend"}, "Wij zoeken chauffeurs met een auto die op vrijdagochtend voedselpakketten rondbrengen.", "0522-600700", false, false, 8}, "Voedselbank"},
	{veReq{2, "tuin", []string{"za"}, []string{"ochtend"}, "Wie helpt op een zaterdagochtend de tuin rond ons kerkgebouw op te knappen?", "", false, false, 5}, "Protestantse gemeente De Ark"},
	{veReq{7, "gezelschap", []string{"di"}, []string{"middag"}, "Voor een oudere buurvrouw die weinig mensen ziet zoeken wij een vast bezoekmaatje.", "Bel het buurthuis: 0522-200300", true, true, 6}, "Buurthuis De Linde"},
}

// organisationsDemo posts the organisations' offers and requests (one
// request via the coordinator: never listed).
func organisationsDemo(ctx context.Context, w *World, st *store.Store, who func(int) *auth.Principal, day func(int) time.Time) error {
	for i, d := range demoOrgOffers {
		wijken := []string{w.Residents[d.by].Wijk}
		if d.extra {
			wijken = append(wijken, CoordinatorWijken(w)[0])
		}
		o := voorelkaar.Offer{ID: w.NewID(), Organisation: d.org, Categories: d.cats, Days: d.days, Parts: d.parts, Wijken: wijken, Text: d.text, Contact: d.phone, VOG: d.vog}
		if d.vog {
			o.VOGDate = w.Config.Today.AddDays(-120)
		}
		if err := st.At(day(d.daysAgo)).CreateHelpOffer(ctx, who(d.by), &o); err != nil {
			return fmt.Errorf("organisation offer %d: %w", i, err)
		}
	}
	for i, d := range demoOrgRequests {
		r := voorelkaar.Request{ID: w.NewID(), Organisation: d.org, Category: d.cat, Days: d.days, Parts: d.parts, Text: d.text, Contact: d.contact, ViaCoordinator: d.via, VOG: d.vog}
		if err := st.At(day(d.daysAgo)).CreateHelpRequest(ctx, who(d.by), &r); err != nil {
			return fmt.Errorf("organisation request %d: %w", i, err)
		}
	}
	return nil
}

// prescribeDemo turns actions of three demo households' plans in the
// coordinator's wijken into requests: one matched and done, one matched,
// one open.
func prescribeDemo(ctx context.Context, w *World, st *store.Store, coord *auth.Principal, offers []voorelkaar.Offer, ids []string, day func(int) time.Time) error {
	if w.Casework == nil {
		return nil
	}
	wijken := CoordinatorWijken(w)
	n := 0
	for _, c := range w.Casework.Cases {
		if n == len(demoPrescriptions) {
			break
		}
		hh := w.Households[c.HH]
		if !c.Active() || c.Plan == nil || (hh.Wijk != wijken[0] && hh.Wijk != wijken[1]) {
			continue
		}
		a := w.Casework.Users[c.Regisseur].actor(w.Gemeente.Code)
		pl, ok, err := st.CurrentPlan(ctx, a, hh.ID)
		if err != nil {
			return err
		}
		var action string
		if ok {
			for _, g := range pl.Goals {
				if len(g.Actions) > 0 {
					action = g.Actions[0].ID
					break
				}
			}
		}
		if action == "" {
			continue
		}
		d := demoPrescriptions[n]
		req := voorelkaar.Request{ID: w.NewID(), FirstName: d.first, Category: d.cat, Days: d.days, Parts: d.parts, Text: d.text, Contact: "Via de wijkcoördinator"}
		ago := 25 - 8*n
		if err := st.At(day(ago)).PrescribeHelp(ctx, a, hh.ID, action, &req, store.Consent{Date: people.DateOf(day(ago)), How: "mondeling"}); err != nil {
			return fmt.Errorf("prescription %d: %w", n, err)
		}
		// The coordinator matches the first two by hand to a volunteer of
		// the wijk; the volunteer says yes.
		if n < 2 {
			oi := 0 // a walker in the first wijk
			if hh.Wijk == wijken[1] {
				oi = 1 // a driver in the second
			}
			m, err := st.At(day(ago-2)).ProposeMatchID(ctx, coord, req.ID, offers[oi].ID, ids[n])
			if err != nil {
				return fmt.Errorf("prescription match %d: %w", n, err)
			}
			vol, err := st.Principal(ctx, w.Residents[demoOffers[oi].by].UserID)
			if err != nil {
				return err
			}
			if err := st.At(day(ago-3)).AnswerMatch(ctx, vol, m, true); err != nil {
				return err
			}
			if n == 0 {
				if err := st.At(day(ago-6)).MarkHelpDone(ctx, coord, req.ID); err != nil {
					return err
				}
			}
		}
		n++
	}
	return nil
}

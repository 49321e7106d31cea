package demo

import (
	"context"
	"fmt"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
)

// FundStep opens two neighbourhood funds covering the wijken where the
// demo residents live: last year's, with initiatives that were granted,
// paid, checked and closed with a final account, and one rejected with a
// reason; and this year's, with an application in every other state
// (concept, submitted, reviewed, granted with the first tranche paid and
// the APK done, granted with the APK still to come, and one whose APK is
// overdue so the reminders go out). The beleid login reviews and the
// wijkcoordinator decides (four eyes). The first demo resident has no
// application: a visitor applies as them. Ids and dates follow from the
// seed and Config.Today. It needs UsersStep and ResidentsStep before it.
type FundStep struct{}

func (FundStep) Name() string { return "fund" }

type demoApp struct {
	resident int // index in w.Residents
	fund     int // 0: last year's, 1: this year's
	title    string
	what     string
	forWhom  string
	goal     participation.Goal
	lines    []participation.BudgetLine
	public   bool
	// what happens, in days before today (0: does not happen)
	submitted, reviewed, decided int
	reject                       string
	grantPct                     int // the share of the requested amount granted
	apkAnswered                  int // days before today the first APK was answered (0: not)
	apk2Answered                 int
	closed                       int
	result                       string
}

func line(d string, euros int64) participation.BudgetLine {
	return participation.BudgetLine{Description: d, Amount: casework.Cents(euros * 100)}
}

var demoApps = []demoApp{
	{resident: 2, fund: 0, title: "Buurtmaaltijd in het buurthuis", what: "Elke maand koken en eten we samen in het buurthuis. Wie wil, kookt mee; wie niet kan betalen, eet gratis mee.",
		forWhom: "Buren die alleen wonen, vooral ouderen", goal: "eenzaamheid", public: true,
		lines:     []participation.BudgetLine{line("Zaalhuur buurthuis (12 keer)", 1200), line("Boodschappen", 1500), line("Pannen en keukenspullen", 300)},
		submitted: 330, reviewed: 320, decided: 310, grantPct: 100, apkAnswered: 215, apk2Answered: 125, closed: 40,
		result: "Twaalf maaltijden met gemiddeld 28 buren. Vier vaste koks uit de straat; de maaltijd gaat door met een kleine bijdrage per bord."},
	{resident: 10, fund: 0, title: "Jeu-de-boulesbaan met de school", what: "Samen met de basisschool leggen we een baan aan, en houden we elke vrijdag een toernooi voor jong en oud.",
		forWhom: "Kinderen van de school en ouderen uit de wijk", goal: "jong_oud", public: true,
		lines:     []participation.BudgetLine{line("Grind en randen", 1400), line("Ballen en meetlint", 250), line("Openingsmiddag", 350)},
		submitted: 300, reviewed: 290, decided: 285, grantPct: 90, apkAnswered: 190, apk2Answered: 100, closed: 20,
		result: "De baan ligt er en wordt elke vrijdag gebruikt; de school zorgt voor het onderhoud."},
	{resident: 3, fund: 0, title: "Feestweekend met vuurwerk", what: "Een groot feest op het plein met een vuurwerkshow.", forWhom: "Iedereen",
		goal: "ontmoeten", public: true, lines: []participation.BudgetLine{line("Vuurwerk", 3500), line("Podium en geluid", 1500)},
		submitted: 280, reviewed: 275, decided: 270,
		reject: "Vuurwerk valt buiten de criteria van het fonds, en het plan zegt weinig over hoe buren elkaar daarna blijven zien. Een kleiner buurtfeest zonder vuurwerk kunt u opnieuw aanvragen."},

	{resident: 1, fund: 1, title: "Moestuin achter de flat", what: "We maken bakken voor groente en kruiden, en tuinieren samen op zaterdag.",
		forWhom: "Bewoners van de flat, ook kinderen", goal: "samen_buurt", public: true,
		lines:     []participation.BudgetLine{line("Plantenbakken en grond", 900), line("Gereedschap", 250), line("Zaden en planten", 150)},
		submitted: 110, reviewed: 105, decided: 100, grantPct: 100, apkAnswered: 12},
	{resident: 8, fund: 1, title: "Wandelgroep op dinsdag", what: "Elke dinsdag wandelen we een uur door de wijk, met koffie na afloop.",
		forWhom: "Iedereen die meer wil bewegen, ook met rollator", goal: "gezond", public: true,
		lines:     []participation.BudgetLine{line("Koffie en thee (een jaar)", 400), line("Hesjes en een EHBO-doos", 150)},
		submitted: 40, reviewed: 35, decided: 30, grantPct: 100},
	{resident: 9, fund: 1, title: "Repair café", what: "Eens per maand repareren vrijwilligers kapotte spullen van buren.",
		forWhom: "Alle buren", goal: "zorgen_voor_elkaar", public: false,
		lines:     []participation.BudgetLine{line("Gereedschap en soldeerstation", 1100), line("Flyers", 100)},
		submitted: 130, reviewed: 125, decided: 120, grantPct: 100},
	{resident: 4, fund: 1, title: "Taalcafé voor nieuwe buren", what: "Elke week oefenen nieuwe buren Nederlands met vrijwilligers uit de wijk.",
		forWhom: "Nieuwkomers en vrijwilligers", goal: "meedoen", public: true,
		lines:     []participation.BudgetLine{line("Lesmateriaal", 350), line("Koffie en thee", 200)},
		submitted: 12, reviewed: 6},
	{resident: 5, fund: 1, title: "Speelmiddag op het grasveld", what: "In de zomervakantie elke woensdag spelletjes op het grasveld.",
		forWhom: "Kinderen van 4 tot 12 en hun ouders", goal: "ontmoeten", public: true,
		lines:     []participation.BudgetLine{line("Spelmateriaal", 600), line("Limonade en fruit", 250)},
		submitted: 5},
	{resident: 6, fund: 1, title: "Bankje bij de bushalte", what: "", forWhom: "", public: true, lines: []participation.BudgetLine{line("Bankje", 800)}},
}

func (FundStep) Run(ctx context.Context, w *World, st *store.Store) error {
	if len(w.Residents) < 11 {
		return nil
	}
	year := w.Config.Today.Year()
	seen := map[string]bool{}
	var wijken []string
	for _, r := range w.Residents {
		if !seen[r.Wijk] {
			seen[r.Wijk] = true
			wijken = append(wijken, r.Wijk)
		}
	}
	funds := []participation.Fund{
		{ID: w.NewID(), Gemeente: w.Gemeente.Code, Name: fmt.Sprintf("Wijkfonds %s %d", w.Gemeente.Naam, year-1), Year: year - 1, Budget: 2500000,
			Criteria: fundCriteria, Wijken: wijken},
		{ID: w.NewID(), Gemeente: w.Gemeente.Code, Name: fmt.Sprintf("Wijkfonds %s %d", w.Gemeente.Naam, year), Year: year, Budget: 3000000,
			Criteria: fundCriteria, Wijken: wijken},
	}
	ids := make([]string, len(demoApps))
	for i := range demoApps {
		ids[i] = w.NewID()
	}
	if st == nil {
		return nil
	}
	actor := func(local string) (store.Actor, error) {
		u, err := st.UserByEmail(ctx, LoginEmail(w.Gemeente.Naam, local))
		if err != nil {
			return store.Actor{}, fmt.Errorf("fund: login %s: %w", local, err)
		}
		p, err := st.Principal(ctx, u.ID)
		return store.Actor{P: p, Purpose: "wijkfonds"}, err
	}
	beleid, err := actor("beleid")
	if err != nil {
		return err
	}
	coord, err := actor("wijkcoordinator")
	if err != nil {
		return err
	}
	today := w.Config.Today
	day := func(daysAgo, minutes int) *store.Store { return st.At(at(today.AddDays(-daysAgo), minutes)) }
	for i := range funds {
		if err := day([]int{360, 140}[i], 9*60).CreateFund(ctx, beleid, &funds[i]); err != nil {
			return fmt.Errorf("fund %s: %w", funds[i].Name, err)
		}
	}
	for i, a := range demoApps {
		res := w.Residents[a.resident]
		rp, err := st.Principal(ctx, res.UserID)
		if err != nil {
			return err
		}
		f := funds[a.fund]
		x := participation.Application{ID: ids[i], Title: a.title, What: a.what, ForWhom: a.forWhom, Goal: a.goal, Lines: a.lines, Public: a.public,
			OwnInKind: "Vrijwilligers uit de buurt doen het werk."}
		created := a.submitted + 7
		if a.submitted == 0 {
			created = 3
		}
		if err := day(created, 20*60).SaveApplication(ctx, rp, f.ID, &x, false); err != nil {
			return fmt.Errorf("application %q: %w", a.title, err)
		}
		if a.submitted == 0 {
			continue
		}
		if err := day(a.submitted, 20*60+30).SaveApplication(ctx, rp, f.ID, &x, true); err != nil {
			return fmt.Errorf("submit %q: %w", a.title, err)
		}
		if a.reviewed == 0 {
			continue
		}
		advice, text := participation.AdviceToekennen, "Past bij de criteria: het brengt buren bij elkaar en de begroting is redelijk."
		if a.reject != "" {
			advice, text = participation.AdviceAfwijzen, "Vuurwerk past niet in het fonds; het plan gaat niet over ontmoeting na het feest."
		} else if a.grantPct < 100 {
			advice, text = participation.AdviceAanpassen, "Goed plan; de openingsmiddag kan goedkoper."
		}
		if err := day(a.reviewed, 10*60).ReviewApplication(ctx, beleid, x.ID, advice, text); err != nil {
			return fmt.Errorf("review %q: %w", a.title, err)
		}
		if a.decided == 0 {
			continue
		}
		d := participation.Decision{Reason: a.reject}
		if a.reject == "" {
			d.Grant = true
			d.Amount = x.Requested() * casework.Cents(a.grantPct) / 100 / 100 * 100
			d.Reason = "Toegekend: het initiatief brengt buren bij elkaar en de bewoners doen zelf veel."
			if a.grantPct < 100 {
				d.Reason = "Toegekend met een lager bedrag voor de openingsmiddag, zoals de beoordeling adviseert."
			}
		}
		if err := day(a.decided, 11*60).DecideApplication(ctx, coord, x.ID, d); err != nil {
			return fmt.Errorf("decide %q: %w", a.title, err)
		}
		if a.reject != "" {
			continue
		}
		if err := day(a.decided-3, 9*60).PayTranche(ctx, beleid, x.ID, 1); err != nil {
			return fmt.Errorf("pay %q: %w", a.title, err)
		}
		for k, ans := range []int{a.apkAnswered, a.apk2Answered} {
			if ans == 0 {
				break
			}
			answer := participation.APKAnswer{OnCourse: "ja", StillNeeded: "ja", Partners: "De bibliotheek en de welzijnsorganisatie denken mee.",
				Course: "Het loopt zoals gepland."}
			if k == 1 {
				answer.Partners = ""
			}
			if err := day(ans, 19*60).AnswerAPK(ctx, rp, x.ID, answer); err != nil {
				return fmt.Errorf("APK %d of %q: %w", k+1, a.title, err)
			}
			if k == 0 {
				if err := day(ans-2, 9*60).PayTranche(ctx, beleid, x.ID, 2); err != nil {
					return fmt.Errorf("pay 2 %q: %w", a.title, err)
				}
			}
		}
		if a.closed == 0 {
			continue
		}
		spent := make([]casework.Cents, len(x.Lines))
		notes := make([]string, len(x.Lines))
		for j, l := range x.Lines {
			spent[j] = l.Amount * 9 / 10 / 100 * 100 // a little under budget, in whole euros
		}
		notes[0] = "Iets goedkoper dan begroot."
		if err := day(a.closed, 20*60).FinalAccount(ctx, rp, x.ID, spent, notes, a.result); err != nil {
			return fmt.Errorf("final account %q: %w", a.title, err)
		}
	}
	// Reminders for APKs that are due, sent as the demo's today (each once).
	if _, err := st.At(at(today, 8*60)).FundReminders(ctx); err != nil {
		return err
	}
	return nil
}

const fundCriteria = "Het wijkfonds geeft startgeld aan initiatieven van bewoners die buren bij elkaar brengen: ontmoeten, elkaar helpen, samen de buurt mooier maken.\n" +
	"- Voor en door bewoners van de wijk; een vereniging of stichting is niet nodig.\n" +
	"- Hoogstens € 5.000 per initiatief; een eigen bijdrage in tijd of geld telt mee.\n" +
	"- Geen winst, geen vuurwerk, geen vaste salarissen.\n" +
	"- Elke drie maanden een korte APK: loopt het nog, wie doet er mee, is het nog nodig?"

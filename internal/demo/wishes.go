package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
)

// WishesStep gives the wijken of the demo residents a wensboom and a
// wijkagenda: the residents post wishes and support each other's; in the
// coordinator's wijken the wijkcoordinator answers them (one is not
// feasible, with the reason), hides one reported wish, and keeps an agenda
// with items from wishes, from the wijkanalyse and from professionals, with
// milestones and budgets. It needs ResidentsStep and UsersStep before it.
type WishesStep struct{}

func (WishesStep) Name() string { return "wishes" }

type demoWish struct {
	title, text string
	cat         participation.Category
}

var demoWishes = []demoWish{
	{"Bankjes bij de speeltuin", "Ouders en grootouders staan nu de hele middag. Een paar bankjes in de schaduw zou fijn zijn.", "spelen"},
	{"Moestuin voor de buurt", "Er ligt een stuk grond braak achter de flat. Laten we er samen een moestuin van maken.", "groen"},
	{"Koffieochtend in het buurthuis", "Veel ouderen zitten alleen thuis. Een vaste koffieochtend op dinsdag brengt mensen bij elkaar.", "ontmoeten"},
	{"Drempels in de schoolstraat", "Auto's rijden veel te hard langs de school. Drempels of een 30-zone zouden helpen.", "verkeer"},
	{"Meer licht in het fietspad", "Het fietspad langs het water is 's avonds erg donker. Ik voel me daar niet veilig.", "veiligheid"},
	{"Afvalbakken bij het pleintje", "Er ligt veel zwerfafval rond het pleintje. Meer afvalbakken en een opruimdag graag.", "schoon"},
	{"Repair café", "Een plek waar buren samen kapotte spullen maken. Scheelt geld en is gezellig.", "ontmoeten"},
	{"Boodschappenhulp voor ouderen", "Een lijst van buren die willen helpen met boodschappen voor wie slecht ter been is.", "zorg"},
	{"Speelplek voor tieners", "Voor jongeren van 12 tot 16 is er niets in de wijk. Een pannaveld of een hangplek met dak.", "spelen"},
	{"Bloembakken in de winkelstraat", "De winkelstraat ziet er grauw uit. Bloembakken die bewoners samen onderhouden.", "groen"},
	{"Buurtpreventie-app", "Een groep buren die let op inbraak en elkaar waarschuwt, samen met de wijkagent.", "veiligheid"},
	{"Oversteekplaats bij de supermarkt", "Oversteken bij de supermarkt is gevaarlijk, zeker met de rollator. Graag een zebrapad.", "verkeer"},
	{"Taalcafé", "Nieuwe buren willen Nederlands oefenen. Een taalcafé met vrijwilligers in de bibliotheek.", "ontmoeten"},
	{"Bomen in de Julianastraat", "In de zomer is het er heet. Een paar bomen zouden schaduw geven.", "groen"},
}

// wishStart is how many days before Today the demo wishes begin.
const wishStart = 120

func (WishesStep) Run(ctx context.Context, w *World, st *store.Store) error {
	if len(w.Residents) == 0 {
		return nil
	}
	r := w.Rand
	today := w.Config.Today
	byWijk := map[string][]DemoResident{}
	var wijken []string
	for _, res := range w.Residents {
		if _, ok := byWijk[res.Wijk]; !ok {
			wijken = append(wijken, res.Wijk)
		}
		byWijk[res.Wijk] = append(byWijk[res.Wijk], res)
	}
	principal := map[string]*auth.Principal{}
	var coord store.Actor
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
				p, err := st.Principal(ctx, u.ID)
				if err != nil {
					return err
				}
				coord = store.Actor{P: p, Purpose: "moderatie en antwoorden wensen in de wijk"}
			}
		}
	}
	coordWijken := CoordinatorWijken(w)
	pool := slices.Clone(demoWishes)
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	next := 0
	for _, wk := range wijken {
		residents := byWijk[wk]
		n := 2 + len(residents)/2 // 4 in the coordinator's wijken, 2 elsewhere
		type posted struct {
			wish participation.Wish
			at   time.Time
		}
		var made []posted
		for i := 0; i < n; i++ {
			dw := pool[next%len(pool)]
			next++
			author := residents[i%len(residents)]
			day := today.AddDays(-wishStart + i*wishStart/(n+1) + r.IntN(5))
			when := at(day, 9*60+r.IntN(12*60))
			x := participation.Wish{ID: w.NewID(), Wijk: wk, Title: dw.title, Text: dw.text, Category: dw.cat}
			if i == 0 {
				// The first wish of a wijk has a place: the middle of the wijk's box, if inside.
				if wa, ok := w.Atlas.Wijk(wk); ok {
					lat, lon := (wa.Bounds.MinLat+wa.Bounds.MaxLat)/2, (wa.Bounds.MinLon+wa.Bounds.MaxLon)/2
					if w.Atlas.Contains(wk, lat, lon) {
						x.Point = &participation.Point{Lat: lat, Lon: lon}
					}
				}
			}
			if st != nil {
				if err := st.At(when).CreateWish(ctx, principal[author.UserID], &x, nil); err != nil {
					return fmt.Errorf("wish in %s: %w", wk, err)
				}
			}
			made = append(made, posted{x, when})
		}
		// The residents support some wishes of others; the first resident
		// of a wijk supports none yet, so a visitor of the demo can.
		for _, res := range residents[1:] {
			for _, m := range made {
				if m.wish.AuthorID == res.UserID || r.IntN(3) == 0 {
					continue
				}
				if st != nil {
					if err := st.At(m.at.Add(time.Duration(1+r.IntN(72))*time.Hour)).SupportWish(ctx, principal[res.UserID], m.wish.ID); err != nil {
						return fmt.Errorf("support in %s: %w", wk, err)
					}
				}
			}
		}
		if !slices.Contains(coordWijken, wk) || st == nil || coord.P == nil {
			continue
		}
		// The coordinator answers: in behandeling, op de agenda (an item
		// with milestones), niet haalbaar with the reason, and hides one
		// reported wish in the first wijk.
		for i, m := range made {
			later := func(days int) *store.Store { return st.At(m.at.Add(time.Duration(days*24+r.IntN(8)) * time.Hour)) }
			switch i % 4 {
			case 0:
				if err := later(3).AnswerWish(ctx, coord, m.wish.ID, &participation.Answer{Status: participation.StatusInBehandeling,
					Text: "Dank voor uw wens. We bespreken hem in het wijkoverleg van deze maand."}); err != nil {
					return err
				}
			case 1:
				if err := later(2).AnswerWish(ctx, coord, m.wish.ID, &participation.Answer{Status: participation.StatusInBehandeling,
					Text: "Goed idee. We zoeken uit wat nodig is."}); err != nil {
					return err
				}
				it := participation.AgendaFromWish(m.wish)
				it.ID, it.Owner, it.Status, it.Budget = w.NewID(), "Buurtteam met bewoners", participation.AgendaBezig, casework.Cents(150000+r.IntN(20)*25000)
				it.Milestones = []participation.Milestone{
					{ID: w.NewID(), Title: "Plan maken met bewoners", Percent: 100, Due: today.AddDays(-30)},
					{ID: w.NewID(), Title: "Uitvoeren", Percent: 40, Due: today.AddDays(30)},
					{ID: w.NewID(), Title: "Samen openen", Due: today.AddDays(60)},
				}
				if err := later(10).CreateAgendaItem(ctx, coord, &it); err != nil {
					return err
				}
			case 2:
				if err := later(5).AnswerWish(ctx, coord, m.wish.ID, &participation.Answer{Status: participation.StatusNietHaalbaar,
					Text: "De grond is niet van de gemeente; de eigenaar wil er nu niets mee. We houden de wens bij voor later."}); err != nil {
					return err
				}
			}
		}
		if wk == coordWijken[0] {
			dw := demoWish{"Gratis spullen, bel mij", "Ik verkoop goedkope spullen, kijk op mijn website voor de aanbiedingen van deze week.", "overig"}
			spam := participation.Wish{ID: w.NewID(), Wijk: wk, Title: dw.title, Text: dw.text, Category: dw.cat}
			author := residents[len(residents)-1]
			t := at(today.AddDays(-6), 22*60)
			if err := st.At(t).CreateWish(ctx, principal[author.UserID], &spam, nil); err != nil {
				return err
			}
			if err := st.At(t.Add(2*time.Hour)).ReportWish(ctx, principal[residents[0].UserID], spam.ID, "Dit is reclame, geen wens voor de wijk."); err != nil {
				return err
			}
			if err := st.At(t.Add(14*time.Hour)).HideWish(ctx, coord, spam.ID, "Reclame voor een bedrijf hoort niet in de wensboom."); err != nil {
				return err
			}
		}
		// Two items that did not start as a wish.
		for j, it := range []participation.AgendaItem{
			{Title: "Eenzaamheid onder ouderen aanpakken", Description: "Uit de wijkanalyse: een op de drie 75-plussers voelt zich eenzaam. Huisbezoeken door vrijwilligers en een wekelijkse maaltijd in het buurthuis.",
				Owner: "Welzijnsorganisatie en wijkplatform", Status: participation.AgendaBezig, Origin: participation.OriginWijkanalyse, Budget: 1200000,
				Milestones: []participation.Milestone{{Title: "Vrijwilligers werven", Percent: 80}, {Title: "Eerste maaltijd", Percent: 100}, {Title: "Huisbezoeken bij alle 75-plussers", Percent: 25}}},
			{Title: "Schuldhulp dichtbij: spreekuur in de wijk", Description: "Het wijkteam ziet veel beginnende schulden. Een wekelijks inloopspreekuur met de schuldhulp en vrijwillige thuisadministratie.",
				Owner: "Wijkteam", Status: participation.AgendaGepland, Origin: participation.OriginProfessional, Budget: 450000,
				Milestones: []participation.Milestone{{Title: "Ruimte regelen", Percent: 50}, {Title: "Eerste spreekuur"}}},
		} {
			it.ID, it.Wijk, it.Gemeente = w.NewID(), wk, w.Gemeente.Code
			for k := range it.Milestones {
				it.Milestones[k].ID = w.NewID()
			}
			if err := st.At(at(today.AddDays(-wishStart-30+j*20), 10*60)).CreateAgendaItem(ctx, coord, &it); err != nil {
				return err
			}
		}
	}
	return nil
}

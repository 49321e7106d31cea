package monitorfeed_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

var ctx = context.Background()

// world is a randomised population written through the real store API.
type world struct {
	s                              *store.Store
	reg, reg2, lead, melder, other store.Actor
	now                            time.Time
	today                          people.Date
	hhs                            []people.Household
	members                        map[string][]string // household -> current person ids
	bsn                            int
	rnd                            *rand.Rand
	budgetByYear                   map[int]bool
}

var wijken = []string{"WK011901", "WK011902", "WK011903"}

func newWorld(t testing.TB, s *store.Store, seed uint64) *world {
	t.Helper()
	w := &world{s: s, members: map[string][]string{}, rnd: rand.New(rand.NewPCG(seed, 7)), budgetByYear: map[int]bool{}}
	w.now = time.Now()
	w.today = people.DateOf(w.now.In(people.Amsterdam()))
	for _, tn := range []store.Tenant{{Gemeente: "GM0119", Naam: "Meppel"}, {Gemeente: "GM0392", Naam: "Haarlem"}} {
		if err := s.EnsureTenant(ctx, tn.Gemeente, tn.Naam); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(email string, gm string, r auth.Role) store.Actor {
		u := &store.User{Email: email, Name: strings.Split(email, "@")[0], PasswordHash: "x", Grants: []auth.Grant{{Gemeente: gm, Role: r}}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	}
	w.reg = mk("anna@meppel.nl", "GM0119", auth.Regisseur)
	w.reg2 = mk("bert@meppel.nl", "GM0119", auth.Regisseur)
	w.lead = mk("carla@meppel.nl", "GM0119", auth.Teamleider)
	w.melder = mk("zuster@thuiszorg.nl", "GM0119", auth.Melder)
	w.other = mk("r@haarlem.nl", "GM0392", auth.Regisseur)
	team := casework.Team{Gemeente: "GM0119", Naam: "Wijkteam", Wijken: wijken}
	if err := s.CreateTeam(ctx, w.lead, &team); err != nil {
		t.Fatal(err)
	}
	for y := w.today.Year() - 3; y <= w.today.Year()+1; y++ {
		b := casework.Budget{TeamID: team.ID, Jaar: y, BedragCents: 1_000_000_000, DrempelCents: 1_000_000_000}
		if err := s.SetBudget(ctx, w.lead, &b); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []casework.ClientProfile{
		{Gemeente: "GM0119", Code: "P1", Naam: "Herstel licht", Perspectief: "herstel", Intensiteit: "licht", PrijsCents: 120000, Periode: "maand"},
		{Gemeente: "GM0119", Code: "P2", Naam: "Stabiliseren zwaar", Perspectief: "stabiliseren", Intensiteit: "zwaar", PrijsCents: 30011, Periode: "week"},
	} {
		if err := s.SaveProfile(ctx, w.lead, &p); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// nextBSN gives a valid test BSN (starting 9999) not used before.
func (w *world) nextBSN() string {
	for {
		w.bsn++
		b := fmt.Sprintf("9999%05d", w.bsn)
		if people.ValidBSN(b) {
			return b
		}
	}
}

// day is a random date between from and to (days 1..28, so no leap-day
// ambiguity between the databases' date arithmetic).
func (w *world) day(from, to people.Date) people.Date {
	span := int(to.Time().Sub(from.Time()).Hours() / 24)
	if span <= 0 {
		return from
	}
	d := from.AddDays(w.rnd.IntN(span))
	if d.Time().Day() > 28 {
		d = people.NewDate(d.Year(), d.Time().Month(), 28)
	}
	return d
}

// noon is a time at 12:00 UTC on a day between 3 and 25 of a month in the
// last months (so the month is the same in UTC and in Amsterdam).
func (w *world) noon(monthsBack int) time.Time {
	t := w.now.AddDate(0, -monthsBack, 0)
	d := 3 + w.rnd.IntN(22)
	at := time.Date(t.Year(), t.Month(), d, 12, 0, 0, 0, time.UTC)
	if at.After(w.now) {
		at = time.Date(t.Year(), t.Month(), 3, 12, 0, 0, 0, time.UTC)
		if at.After(w.now) {
			at = at.AddDate(0, -1, 0)
		}
	}
	return at
}

func (w *world) addHousehold(t testing.TB, a store.Actor, gm, wijk string) people.Household {
	t.Helper()
	h := people.Household{Gemeente: gm, Postcode: fmt.Sprintf("79%02dAB", 10+len(w.hhs)%80), Huisnummer: len(w.hhs) + 1, Wijk: wijk}
	if err := w.s.CreateHousehold(ctx, a, &h); err != nil {
		t.Fatal(err)
	}
	w.hhs = append(w.hhs, h)
	return h
}

func (w *world) addPerson(t testing.TB, a store.Actor, h people.Household, rol string, birth, start people.Date) people.Person {
	t.Helper()
	p := people.Person{Gemeente: h.Gemeente, BSN: w.nextBSN(), Voornamen: "Sam", Achternaam: "Test", Geboortedatum: birth, Geslacht: "onbekend"}
	if start.Before(birth) {
		start = birth
	}
	if err := w.s.CreatePerson(ctx, a, &p, &people.Member{Household: h.ID, Rol: rol, Start: start}); err != nil {
		t.Fatal(err)
	}
	w.members[h.ID] = append(w.members[h.ID], p.ID)
	return p
}

var wetten = []string{"wmo", "jw", "pw", "wgs", "voorliggend"}

// addProvision makes a random provision for a person, moved on to a random
// status.
func (w *world) addProvision(t testing.TB, hh, person string) {
	t.Helper()
	r := w.rnd
	wet := wetten[r.IntN(len(wetten))]
	cats := casework.Categories[wet]
	pv := casework.Provision{HouseholdID: hh, PersonID: person, Wet: wet, Categorie: cats[r.IntN(len(cats))].Code}
	pv.Start = w.day(w.today.AddMonths(-30), w.today.AddMonths(2))
	if r.IntN(2) == 0 {
		pv.Eind = pv.Start.AddDays(20 + r.IntN(600))
	}
	switch k := r.IntN(5); {
	case k == 0 && (wet == "wmo" || wet == "jw"):
		pv.Profiel = []string{"P1", "P2"}[r.IntN(2)]
	case k <= 1:
		pv.MaandbedragCents = casework.Cents(r.IntN(300000)).Ptr()
	default:
		v := 1 + r.IntN(20)
		pv.Volume, pv.Eenheid, pv.Frequentie = &v, "04", []string{"1", "2", "4"}[r.IntN(3)]
		pv.PrijsCents = casework.Cents(500 + r.IntN(9000)).Ptr()
	}
	if err := w.s.CreateProvision(ctx, w.reg, &pv); err != nil {
		t.Fatalf("provision %+v: %v", pv, err)
	}
	switch r.IntN(5) {
	case 0: // stays aangevraagd: never counted
	case 1:
		w.status(t, pv.ID, casework.StatusChange{Status: casework.ProvisionGranted})
	case 2, 3:
		w.status(t, pv.ID, casework.StatusChange{Status: casework.ProvisionStarted})
	case 4:
		end := pv.Eind
		if end.IsZero() || r.IntN(2) == 0 {
			end = pv.Start.AddDays(1 + r.IntN(300))
		}
		w.status(t, pv.ID, casework.StatusChange{Status: casework.ProvisionEnded, Eind: end, EindReden: "doel_bereikt"})
	}
}

func (w *world) status(t testing.TB, id string, ch casework.StatusChange) {
	t.Helper()
	if _, err := w.s.SetProvisionStatus(ctx, w.reg, id, ch); err != nil {
		t.Fatal(err)
	}
}

// addAssessment scores a person on a random date not used before for them.
func (w *world) addAssessment(t testing.TB, hh, person string, datum people.Date) {
	t.Helper()
	sc := map[string]int{}
	for _, d := range casework.Domains {
		sc[d.Code] = w.rnd.IntN(6)
	}
	as := casework.Assessment{Household: hh, Person: person, Datum: datum, Scores: sc}
	if err := w.s.CreateAssessment(ctx, w.reg, &as); err != nil {
		t.Fatal(err)
	}
}

// populate writes n households of Meppel and a few of Haarlem.
func (w *world) populate(t testing.TB, n int) {
	t.Helper()
	r := w.rnd
	type pers struct {
		hh, id string
		birth  people.Date
	}
	var all []pers
	for i := 0; i < n; i++ {
		h := w.addHousehold(t, w.reg, "GM0119", wijken[r.IntN(len(wijken))])
		size := 1 + r.IntN(5)
		old := r.IntN(8) == 0
		for j := 0; j < size; j++ {
			rol, birth := "ouder", w.day(people.MustDate("1950-01-01"), people.MustDate("2000-01-01"))
			switch {
			case j == 0 && old:
				birth = w.day(people.MustDate("1930-01-01"), people.MustDate("1952-01-01"))
			case j == 1 && r.IntN(2) == 0:
				rol = "partner"
			case j >= 1:
				rol, birth = "kind", w.day(people.MustDate("2005-01-01"), w.today.AddDays(-1))
			}
			start := w.day(birth, w.today.AddMonths(-12))
			if w.today.AddMonths(-12).Before(birth) {
				start = birth
			}
			p := w.addPerson(t, w.reg, h, rol, birth, start)
			all = append(all, pers{h.ID, p.ID, birth})
		}
	}
	// Some move: their membership ends and they join another household.
	for i := 0; i < len(all)/15; i++ {
		p := all[r.IntN(len(all))]
		to := w.hhs[r.IntN(len(w.hhs))]
		if to.ID == p.hh || to.Gemeente != "GM0119" {
			continue
		}
		hh, err := w.s.GetHousehold(ctx, w.reg, p.hh)
		if err != nil {
			t.Fatal(err)
		}
		moved := false
		for _, m := range hh.Members {
			if m.Person.ID == p.id && m.Eind == nil {
				if r.IntN(3) > 0 { // the others keep both memberships: the later one places them
					if err := w.s.EndMember(ctx, w.reg, p.hh, m.ID, w.today.AddDays(-40)); err != nil {
						t.Fatal(err)
					}
				}
				moved = true
			}
		}
		if !moved {
			continue
		}
		m := &people.Member{Household: to.ID, Person: people.Person{ID: p.id}, Rol: "overig", Start: w.today.AddDays(-40 + r.IntN(30))}
		if err := w.s.AddMember(ctx, w.reg, m); err != nil {
			t.Fatal(err)
		}
	}
	// Provisions and assessments, in the person's current household.
	cur := func(pid string) string {
		d, err := w.s.GetPerson(ctx, w.reg, pid)
		if err != nil {
			t.Fatal(err)
		}
		best := ""
		var bestStart people.Date
		for _, m := range d.Memberships {
			if m.Eind != nil && !w.today.Before(*m.Eind) {
				continue
			}
			if best == "" || bestStart.Before(m.Start) {
				best, bestStart = m.Household.ID, m.Start
			}
		}
		return best
	}
	for _, p := range all {
		if r.IntN(10) < 5 {
			hh := cur(p.id)
			for k := 1 + r.IntN(3); k > 0; k-- {
				w.addProvision(t, hh, p.id)
			}
		}
		if r.IntN(10) < 4 {
			hh := cur(p.id)
			used := map[people.Date]bool{}
			for k := 1 + r.IntN(4); k > 0; k-- {
				from := w.today.AddMonths(-30)
				if from.Before(p.birth) {
					from = p.birth
				}
				d := w.day(from, w.today)
				if used[d] {
					continue
				}
				used[d] = true
				w.addAssessment(t, hh, p.id, d)
			}
		}
	}
	// Plans, signals and spends per household.
	for _, h := range w.hhs {
		if h.Gemeente != "GM0119" {
			continue
		}
		if r.IntN(10) < 3 {
			datum := w.day(w.today.AddMonths(-28), w.today)
			if _, err := w.s.StartPlan(ctx, w.reg, h.ID, datum); err != nil {
				t.Fatal(err)
			}
			last := datum
			if r.IntN(2) == 0 {
				// Goals, the household's agreement, and later a change that
				// makes a new version (the agreed one is "vervangen").
				goal := func(st *store.Store, d people.Date) {
					g := casework.Goal{Domein: "financien", Tekst: "De rekeningen op tijd betalen", DoelNiveau: 4, Streefdatum: d.AddMonths(6), Status: "open"}
					if _, err := st.AddGoal(ctx, w.reg, h.ID, &g); err != nil {
						t.Fatal(err)
					}
				}
				goal(w.s.At(datum.Time().Add(12*time.Hour)), datum)
				goal(w.s.At(datum.Time().Add(12*time.Hour)), datum)
				agreed := w.day(datum, w.today)
				if _, err := w.s.AgreePlan(ctx, w.reg, h.ID, &casework.Agreement{Datum: agreed, Wijze: "gesprek"}); err != nil {
					t.Fatal(err)
				}
				last = w.day(agreed, w.today)
				goal(w.s.At(last.Time().Add(12*time.Hour)), last)
			}
			if r.IntN(2) == 0 {
				plan, _, err := w.s.CurrentPlan(ctx, w.reg, h.ID)
				if err != nil {
					t.Fatal(err)
				}
				ev := casework.Evaluation{Soort: casework.EvalClose, Datum: w.day(last, w.today), Tevredenheid: 1 + r.IntN(10), Doelen: map[string]string{}}
				for i, g := range plan.Goals {
					ev.Doelen[g.ID] = []string{"bereikt", "niet_bereikt"}[(i+r.IntN(2))%2]
				}
				if err := w.s.CreateEvaluation(ctx, w.reg, h.ID, &ev); err != nil {
					t.Fatal(err)
				}
			}
		}
		if r.IntN(10) < 2 {
			at := w.noon(r.IntN(26))
			g := casework.Signal{Gemeente: "GM0119", Wijk: h.Wijk, Postcode: h.Postcode, Huisnummer: h.Huisnummer, Naam: "bewoner", Bron: "thuiszorg",
				Wat: "De brievenbus puilt uit en de bewoner eet slecht.", Domeinen: []string{"financien"}, Urgentie: "normaal", BewonerWeet: true, BewonerAkkoord: true}
			if err := w.s.At(at).CreateSignal(ctx, w.melder, &g); err != nil {
				t.Fatal(err)
			}
			tri := at.Add(time.Duration(r.IntN(12*24)) * time.Hour)
			if tri.After(w.now) {
				tri = at
			}
			if _, err := w.s.At(tri).TriageSignal(ctx, w.reg, g.ID, casework.Triage{Outcome: casework.SignalLinked, Household: h.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if r.IntN(10) < 2 {
			at := w.noon(r.IntN(26))
			sp := casework.Spend{HouseholdID: h.ID, BedragCents: casework.Cents(10000 + r.IntN(200000)), Doel: "Huurachterstand aflossen", Voorkomt: "Huisuitzetting", VerwachtVermedenCents: 500000}
			if err := w.s.At(at).RequestSpend(ctx, w.reg, &sp); err != nil {
				t.Fatal(err)
			}
			dec := at.Add(time.Duration(r.IntN(5*24)) * time.Hour)
			if dec.After(w.now) {
				dec = at
			}
			d := casework.Decision{Approve: r.IntN(5) > 0, Reason: "Past in het plan"}
			if _, err := w.s.At(dec).DecideSpend(ctx, w.reg2, sp.ID, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Haarlem: a household with provisions the Meppel answers must not see.
	for i := 0; i < 3; i++ {
		h := w.addHousehold(t, w.other, "GM0392", "WK039201")
		p := w.addPerson(t, w.other, h, "ouder", people.MustDate("1970-04-04"), people.MustDate("2001-01-01"))
		pv := casework.Provision{HouseholdID: h.ID, PersonID: p.ID, Wet: "jw", Categorie: "40", Start: w.today.AddMonths(-3), MaandbedragCents: casework.Cents(1000).Ptr(), Status: casework.ProvisionStarted}
		if err := w.s.CreateProvision(ctx, w.other, &pv); err != nil {
			t.Fatal(err)
		}
	}
}

package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// Case work in the demo: the wijkteams with their colleagues and budgets
// (TeamsStep), and two years of work with the households (CaseworkStep):
// signals, cases with one regisseur, ZRM assessments, plans, provisions
// across the laws, maatwerk spends with four eyes, notes.
//
// Everything is drawn first, in memory, from the households' problems
// (HouseholdFacts), so that a dry run shows the same history a store run
// writes. The store run then replays the history in time order, each write
// through the store's public methods with the colleague who did the work as
// Actor and a view of the store whose clock reads the moment it happened
// (store.At): the audit log reads like two years of real work.
//
// Ids the store makes itself (signals, cases, assessments, plans,
// evaluations, handovers, and the few households that a signal's triage
// started) differ between runs; everything else, including the ids of
// colleagues, teams, provisions, spends and notes, is the same for the
// same Config.

// Casework is the case-work history of the demo gemeente, as drawn by the
// teams and casework steps.
type Casework struct {
	Users    []Colleague // colleagues, partner accounts, and the demo logins who work cases
	Teams    []WijkTeam
	Profiles []casework.ClientProfile
	Budgets  []TeamBudget

	Facts      []*HouseholdFacts // one per household, by index in World.Households
	Signals    []*SignalPlan
	Cases      []*CasePlan // by opening time
	Provisions []*ProvisionPlan
	Spends     []*SpendPlan
	Notes      []*NotePlan

	// Writes is the number of store calls the casework step made.
	Writes int

	regisseur, regisseur2, teamleider int // indexes in Users of the demo logins
}

// Colleague is an account in the demo: a demo login (made by the users
// step, with a password) or an account made here without a password, which
// cannot log in but carries cases, decides on spends or reports signals.
type Colleague struct {
	ID    string
	Email string
	Name  string
	Role  auth.Role
	Login bool  // a demo login with a password
	Teams []int // teams the colleague is a member of
}

// WijkTeam is a team and the wijken it works in.
type WijkTeam struct {
	ID     string
	Naam   string
	Wijken []string
	// Members are indexes in Casework.Users: the regisseurs of the team
	// and the teamleider (who leads every team).
	Members []int
}

// TeamBudget is a team's maatwerk budget for a year.
type TeamBudget struct {
	Team          int
	Jaar          int
	Bedrag        casework.Cents
	Drempel       casework.Cents // above this only a teamleider approves
	ID            string         // set when written
	approvedCents casework.Cents // while drawing: approved so far
}

// caseworkPurpose is the purpose in the audit records of the demo's case
// work: what the colleagues in the story were doing.
const caseworkPurpose = audit.PurposeCasework

// actor is the colleague as the store's Actor.
func (c Colleague) actor(gemeente string) store.Actor {
	return store.Actor{
		P:       &auth.Principal{UserID: c.ID, Email: c.Email, Name: c.Name, Grants: []auth.Grant{{Gemeente: gemeente, Role: c.Role}}},
		Purpose: caseworkPurpose,
	}
}

// CaseworkStep draws two years of case work on the households and writes it
// in time order. It needs the teams step (and so the users step) first.
type CaseworkStep struct{}

func (CaseworkStep) Name() string { return "casework" }

func (CaseworkStep) Run(ctx context.Context, w *World, st *store.Store) error {
	cw := w.Casework
	if cw == nil || len(cw.Teams) == 0 {
		return errors.New("no teams: run the teams step first")
	}
	if cw.Facts != nil {
		return errors.New("the case work exists already")
	}
	g := newCWGen(w)
	g.facts()
	g.newHouseholds()
	g.cases()
	g.signals()
	g.history()
	g.provisions()
	g.spends()
	if g.err != nil {
		return g.err
	}
	if st == nil {
		return nil
	}
	n, err := g.ev.run(ctx, st)
	cw.Writes = n
	return err
}

// --- drawing ---

// cwGen draws the case work.
type cwGen struct {
	w     *World
	cw    *Casework
	today people.Date
	start people.Date // the history starts two years back
	ev    *events
	err   error

	// active and closed cases per household index
	active map[int]*CasePlan
	closed map[int][]*CasePlan
}

func newCWGen(w *World) *cwGen {
	return &cwGen{
		w:      w,
		cw:     w.Casework,
		today:  w.Config.Today,
		start:  w.Config.Today.AddDays(-730),
		ev:     &events{},
		active: map[int]*CasePlan{},
		closed: map[int][]*CasePlan{},
	}
}

// r is a random source for one part of the drawing: parts do not disturb
// each other when one of them changes.
func (g *cwGen) r(part string) *rand.Rand { return g.w.rand("casework/" + part) }

func (g *cwGen) fail(err error) {
	if g.err == nil && err != nil {
		g.err = err
	}
}

// hh is the household at index i.
func (g *cwGen) hh(i int) *people.Household { return &g.w.Households[i] }

// user is the colleague at index i.
func (g *cwGen) user(i int) Colleague { return g.cw.Users[i] }

// --- time ---

// at is a moment on day d, minutes after midnight in Amsterdam.
func at(d people.Date, minutes int) time.Time {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, people.Amsterdam()).Add(time.Duration(minutes) * time.Minute)
}

// workTime is a moment in office hours (8:30–16:30) on day d.
func workTime(r *rand.Rand, d people.Date) time.Time { return at(d, 8*60+30+r.IntN(8*60)) }

// dateOf is the calendar day of t in Amsterdam.
func dateOf(t time.Time) people.Date { return people.DateOf(t.In(people.Amsterdam())) }

// dayBetween is a random day in [from, to]; from when to is before it.
func dayBetween(r *rand.Rand, from, to people.Date) people.Date {
	n := days(from, to)
	if n <= 0 {
		return from
	}
	return from.AddDays(r.IntN(n + 1))
}

func minDate(a, b people.Date) people.Date {
	if a.Before(b) {
		return a
	}
	return b
}

func maxDate(a, b people.Date) people.Date {
	if a.Before(b) {
		return b
	}
	return a
}

// --- the chronological writer ---

// events is the history to write, each write at its moment.
type events struct {
	list []event
}

type event struct {
	at   time.Time
	seq  int
	what string
	do   func(ctx context.Context, st *store.Store) error
}

// add schedules a write at t. Writes at the same moment keep the order in
// which they were added.
func (e *events) add(t time.Time, what string, do func(ctx context.Context, st *store.Store) error) {
	e.list = append(e.list, event{at: t, seq: len(e.list), what: what, do: do})
}

// run writes everything in time order, each through a view of the store
// whose clock reads the moment of the write.
func (e *events) run(ctx context.Context, st *store.Store) (int, error) {
	sort.SliceStable(e.list, func(i, j int) bool {
		if !e.list[i].at.Equal(e.list[j].at) {
			return e.list[i].at.Before(e.list[j].at)
		}
		return e.list[i].seq < e.list[j].seq
	})
	for i, ev := range e.list {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return i, err
			}
		}
		if err := ev.do(ctx, st.At(ev.at)); err != nil {
			return i, fmt.Errorf("%s (%s): %w", ev.what, ev.at.In(people.Amsterdam()).Format("2006-01-02 15:04"), err)
		}
	}
	return len(e.list), nil
}

// --- small helpers ---

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// pick returns a random element.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// currentMembers are the members who live in the household now.
func currentMembers(h *people.Household) []people.Member {
	var out []people.Member
	for _, m := range h.Members {
		if m.Eind == nil {
			out = append(out, m)
		}
	}
	return out
}

// person finds a current member by person id.
func member(h *people.Household, personID string) (people.Member, bool) {
	for _, m := range h.Members {
		if m.Person.ID == personID && m.Eind == nil {
			return m, true
		}
	}
	return people.Member{}, false
}

// adults are the current members aged 18 or more on day d, oldest first.
func adults(h *people.Household, d people.Date) []people.Person {
	var out []people.Person
	for _, m := range currentMembers(h) {
		if m.Person.Age(d) >= 18 {
			out = append(out, m.Person)
		}
	}
	slices.SortStableFunc(out, func(a, b people.Person) int { return a.Geboortedatum.Time().Compare(b.Geboortedatum.Time()) })
	return out
}

// minors are the current members under 18 on day d, eldest first.
func minors(h *people.Household, d people.Date) []people.Person {
	var out []people.Person
	for _, m := range currentMembers(h) {
		if m.Person.Age(d) < 18 {
			out = append(out, m.Person)
		}
	}
	slices.SortStableFunc(out, func(a, b people.Person) int { return a.Geboortedatum.Time().Compare(b.Geboortedatum.Time()) })
	return out
}

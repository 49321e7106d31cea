package demo

import (
	"context"
	"fmt"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
)

// MeetingsStep plans meetings in the coordinator's two wijken: in the
// first an open wijkavond in five days with room left (the first demo
// resident is not registered, so a visitor can register as them) and one
// a month ago with its report; in the second a full buurtoverleg with a
// waiting list and one two months ago with its report. Beleid plans a
// netwerkcafé for policy advisors of several gemeenten, with the demo's
// professionals registered. It needs UsersStep and ResidentsStep before it.
type MeetingsStep struct{}

func (MeetingsStep) Name() string { return "meetings" }

func (MeetingsStep) Run(ctx context.Context, w *World, st *store.Store) error {
	wijken := CoordinatorWijken(w)
	if len(w.Residents) == 0 || len(wijken) < 2 {
		return nil
	}
	byWijk := map[string][]DemoResident{}
	for _, res := range w.Residents {
		byWijk[res.Wijk] = append(byWijk[res.Wijk], res)
	}
	actors := map[auth.Role]store.Actor{}
	principal := map[string]*auth.Principal{}
	if st != nil {
		for _, l := range w.Logins {
			if _, ok := actors[l.Role]; ok {
				continue
			}
			u, err := st.UserByEmail(ctx, l.Email)
			if err != nil {
				return err
			}
			p, err := st.Principal(ctx, u.ID)
			if err != nil {
				return err
			}
			actors[l.Role] = store.Actor{P: p, Purpose: "bijeenkomsten"}
		}
		if actors[auth.Wijkcoordinator].P == nil || actors[auth.Beleid].P == nil {
			return fmt.Errorf("meetings: no wijkcoordinator or beleid login")
		}
		for _, res := range w.Residents {
			p, err := st.Principal(ctx, res.UserID)
			if err != nil {
				return fmt.Errorf("resident %s: %w", res.Email, err)
			}
			principal[res.UserID] = p
		}
	}
	today := w.Config.Today
	buurthuis := "Buurthuis " + w.Gemeente.Naam + ", Kerkplein 3"
	plans := []struct {
		kind             participation.MeetingKind
		wijk             string
		title, text      string
		days, from, mins int // start: days from today, minutes after midnight, length
		capacity         int
		agenda           []string
		online           string
		who              []*auth.Principal // registered in this order
		report           string
	}{
		{kind: participation.MeetingWijk, wijk: wijken[0], title: "Wijkavond: wat doen we met de wensen?", days: 5, from: 19*60 + 30, mins: 90, capacity: 40,
			text:   "De wijkcoördinator vertelt wat er met de wensen uit de wensboom gebeurt, en we kiezen samen wat op de wijkagenda komt.",
			agenda: []string{"Welkom en voorstelronde", "De wensen van dit jaar en de antwoorden", "Wat zetten we op de wijkagenda?", "Rondvraag"},
			who:    residentsOf(principal, byWijk[wijken[0]], 1)},
		{kind: participation.MeetingWijk, wijk: wijken[0], title: "Buurtgesprek over het park", days: -30, from: 19 * 60, mins: 120, capacity: 0,
			agenda: []string{"Wat gaat goed in het park?", "Wat kan beter?", "Afspraken"},
			who:    residentsOf(principal, byWijk[wijken[0]], 0),
			report: "Vijftien bewoners kwamen naar het buurthuis.\n\nAfgesproken: de gemeente zet twee extra bankjes bij de speeltuin, en bewoners organiseren in het voorjaar een opruimochtend. De wens voor betere verlichting op het wandelpad gaat mee naar de stemming over het wijkbudget."},
		{kind: participation.MeetingWijk, wijk: wijken[1], title: "Buurtoverleg verkeer bij de school", days: 9, from: 20 * 60, mins: 90, capacity: 3,
			text:   "Een klein overleg met de wijkagent en de school over de verkeersdrukte bij het brengen en halen.",
			agenda: []string{"Wat zien bewoners en ouders?", "Ideeën van de school en de wijkagent", "Wie doet wat?"},
			online: "https://meet.example.org/buurtoverleg-verkeer",
			who:    append(residentsOf(principal, byWijk[wijken[1]], 0), residentsOf(principal, byWijk[wijken[0]], 3)...)},
		{kind: participation.MeetingWijk, wijk: wijken[1], title: "Opening van de buurtmoestuin", days: -60, from: 14 * 60, mins: 120, capacity: 60,
			who:    residentsOf(principal, byWijk[wijken[1]], 1),
			report: "Zonnig en druk: ruim veertig buren plantten samen de eerste bakken. Twaalf bewoners verzorgen de tuin om de beurt; er is nog plek voor meer."},
		{kind: participation.MeetingNetwerk, title: "Netwerkcafé sociaal domein: bewoners aan het roer", days: 12, from: 15 * 60, mins: 120, capacity: 30,
			text:   "Beleidsmedewerkers van verschillende gemeenten wisselen ervaringen uit met wensbomen, wijkagenda's en wijkbudgetten.",
			agenda: []string{"Ontvangst met koffie", "Ervaringen uit " + w.Gemeente.Naam + ": de wensboom en de wijkagenda", "In groepjes: wat werkt in uw gemeente?", "Borrel"},
			online: "https://meet.example.org/netwerkcafe"},
	}
	r := w.rand("meetings/times")
	for _, pl := range plans {
		m := participation.Meeting{ID: w.NewID(), Kind: pl.kind, Wijk: pl.wijk, Gemeente: w.Gemeente.Code, Title: pl.title, Description: pl.text,
			Capacity: pl.capacity, Agenda: pl.agenda, OnlineURL: pl.online}
		if pl.kind == participation.MeetingWijk || pl.online == "" {
			m.Place = buurthuis
		}
		m.Start = at(today.AddDays(pl.days), pl.from).UTC()
		m.End = m.Start.Add(time.Duration(pl.mins) * time.Minute)
		planned := m.Start.Add(-time.Duration(14+r.IntN(14)) * 24 * time.Hour)
		if st == nil {
			continue
		}
		by := actors[auth.Wijkcoordinator]
		who := pl.who
		if pl.kind == participation.MeetingNetwerk {
			by = actors[auth.Beleid]
			for _, role := range []auth.Role{auth.Beleid, auth.Teamleider, auth.Regisseur} {
				if a, ok := actors[role]; ok {
					who = append(who, a.P)
				}
			}
		}
		if err := st.At(planned).CreateMeeting(ctx, by, &m); err != nil {
			return fmt.Errorf("meeting %q: %w", pl.title, err)
		}
		for k, p := range who {
			when := planned.Add(time.Duration(1+k)*24*time.Hour + time.Duration(r.IntN(600))*time.Minute)
			if now := at(today, 0); pl.days > 0 && when.After(now) {
				when = now.Add(-time.Duration(len(who)-k) * time.Hour)
			}
			if _, err := st.At(when).Register(ctx, p, m.ID); err != nil {
				return fmt.Errorf("register for %q: %w", pl.title, err)
			}
		}
		if pl.report != "" {
			if err := st.At(m.End.Add(20*time.Hour)).WriteReport(ctx, by, m.ID, pl.report); err != nil {
				return fmt.Errorf("report of %q: %w", pl.title, err)
			}
		}
	}
	return nil
}

// residentsOf are the principals of the residents from index skip on.
func residentsOf(principal map[string]*auth.Principal, rs []DemoResident, skip int) []*auth.Principal {
	var out []*auth.Principal
	for i, r := range rs {
		if i >= skip && principal[r.UserID] != nil {
			out = append(out, principal[r.UserID])
		}
	}
	return out
}

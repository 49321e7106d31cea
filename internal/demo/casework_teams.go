package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// TeamsStep makes the wijkteams of the gemeente: teams that together cover
// every wijk, their members (the demo logins regisseur, regisseur2 and
// teamleider, and regisseur colleagues without a password), partner
// accounts that report signals, the client profiles, and a maatwerk budget
// per team for last year and this year. It needs the users step first.
type TeamsStep struct{}

func (TeamsStep) Name() string { return "teams" }

// colleagueNames are the regisseurs of the demo: Dutch names of the kinds a
// wijkteam has, in the order they are hired.
var colleagueNames = []struct{ first, tv, last string }{
	{"Sanne", "de", "Vries"}, {"Mohamed", "el", "Amrani"}, {"Linda", "", "Bosman"}, {"Erik", "", "Hoekstra"},
	{"Fatma", "", "Yilmaz"}, {"Marieke", "", "Kok"}, {"Bram", "van", "Dijk"}, {"Joyce", "", "Mulder"},
	{"Youssef", "", "Bakkali"}, {"Anouk", "", "Smit"}, {"Petra", "", "Zwiers"}, {"Kevin", "", "Jansen"},
	{"Esther", "", "Timmer"}, {"Naomi", "", "Koster"}, {"Ruud", "", "Brouwer"}, {"Iris", "", "Schouten"},
}

// partnerAccounts are the partners that report signals through their own
// account (role melder); other sources call the team, and a team member
// enters the signal.
var partnerAccounts = []struct{ local, name, source string }{
	{"thuiszorg", "Meldpunt thuiszorg (Zorggroep De Linde)", "thuiszorg"},
	{"huisarts", "Huisartsenpraktijk De Gaard", "huisarts"},
	{"woningcorporatie", "Woonstichting Thuis, team leefbaarheid", "woningcorporatie"},
}

// Budget of a team per year and the amount above which only a teamleider
// approves: DOMAIN.md's examples (a € 1,400 rent arrear, a € 14,000 debt)
// fit in it, and a team spends about half of it in a year.
const (
	teamBudgetCents  = 7_500_000 // € 75.000
	teamDrempelCents = 250_000   // € 2.500
)

// casesPerRegisseur is a full caseload in a wijkteam; the number of
// regisseur colleagues follows from it (at least six more than the two
// demo regisseurs, so the caseload overview looks like a real team).
const casesPerRegisseur = 30

func (TeamsStep) Run(ctx context.Context, w *World, st *store.Store) error {
	if w.Casework != nil {
		return errors.New("the teams exist already")
	}
	cw := &Casework{}
	logins := map[string]int{}
	for _, local := range []string{"regisseur", "regisseur2", "teamleider"} {
		email := LoginEmail(w.Gemeente.Naam, local)
		i := -1
		for _, l := range w.Logins {
			if l.Email == email {
				i = len(cw.Users)
				cw.Users = append(cw.Users, Colleague{ID: "login:" + local, Email: email, Name: loginName(local), Role: l.Role, Login: true})
			}
		}
		if i < 0 {
			return fmt.Errorf("no demo login %s: run the users step first", email)
		}
		logins[local] = i
	}
	cw.regisseur, cw.regisseur2, cw.teamleider = logins["regisseur"], logins["regisseur2"], logins["teamleider"]

	// Enough regisseurs for about 30 active cases each: 20% of the
	// households have an active case (see CaseworkStep).
	need := int(math.Round(0.2 * float64(w.Config.Households) / casesPerRegisseur))
	extra := min(len(colleagueNames), max(6, need-2))
	regs := []int{cw.regisseur, cw.regisseur2}
	for _, n := range colleagueNames[:extra] {
		local := strings.ToLower(n.first + "." + n.tv + n.last)
		c := Colleague{ID: w.NewID(), Email: LoginEmail(w.Gemeente.Naam, local), Role: auth.Regisseur,
			Name: strings.Join(strings.Fields(n.first+" "+n.tv+" "+n.last), " ")}
		regs = append(regs, len(cw.Users))
		cw.Users = append(cw.Users, c)
	}
	for _, p := range partnerAccounts {
		cw.Users = append(cw.Users, Colleague{ID: w.NewID(), Email: LoginEmail(w.Gemeente.Naam, p.local), Name: p.name, Role: auth.Melder})
	}

	cw.Teams = splitTeams(w)
	// Regisseurs over the teams by the teams' share of the households; the
	// demo regisseur in the first team, regisseur2 in the second.
	share := make([]float64, len(cw.Teams))
	total := 0.0
	for t, tm := range cw.Teams {
		for _, wk := range tm.Wijken {
			share[t] += w.WijkWeights[wk]
		}
		total += share[t]
	}
	counts := allocate(len(regs), share, total)
	order := append([]int{}, regs...)
	if len(cw.Teams) > 1 {
		// regisseur2 opens the second team.
		order = append([]int{regs[0]}, regs[2:counts[0]+1]...)
		order = append(order, regs[1])
		order = append(order, regs[counts[0]+1:]...)
	}
	k := 0
	for t := range cw.Teams {
		for j := 0; j < counts[t]; j++ {
			cw.Teams[t].Members = append(cw.Teams[t].Members, order[k])
			k++
		}
		cw.Teams[t].Members = append(cw.Teams[t].Members, cw.teamleider)
		cw.Teams[t].ID = w.NewID()
		for _, u := range cw.Teams[t].Members {
			cw.Users[u].Teams = append(cw.Users[u].Teams, t)
		}
	}
	cw.Profiles = clientProfiles(w.Gemeente.Code)
	year := w.Config.Today.Year()
	for t := range cw.Teams {
		for _, y := range []int{year - 1, year} {
			cw.Budgets = append(cw.Budgets, TeamBudget{Team: t, Jaar: y, Bedrag: teamBudgetCents, Drempel: teamDrempelCents})
		}
	}
	w.Casework = cw
	if st == nil {
		return nil
	}
	return writeTeams(ctx, w, st)
}

func loginName(local string) string {
	switch local {
	case "regisseur":
		return "Regisseur (demo)"
	case "regisseur2":
		return "Regisseur 2 (demo)"
	}
	return "Teamleider (demo)"
}

// allocate divides n over parts by share (largest remainder), at least one
// each when n allows.
func allocate(n int, share []float64, total float64) []int {
	out := make([]int, len(share))
	if len(share) == 0 {
		return out
	}
	type rem struct {
		i int
		r float64
	}
	var rs []rem
	used := 0
	for i, s := range share {
		x := float64(n) * s / total
		out[i] = int(x)
		used += out[i]
		rs = append(rs, rem{i, x - float64(out[i])})
	}
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].r > rs[b].r })
	for j := 0; used < n; j++ {
		out[rs[j%len(rs)].i]++
		used++
	}
	// Every team at least one regisseur (take from the largest).
	for i := range out {
		for out[i] == 0 {
			big := 0
			for j := range out {
				if out[j] > out[big] {
					big = j
				}
			}
			if out[big] <= 1 {
				break
			}
			out[big]--
			out[i]++
		}
	}
	return out
}

// splitTeams divides the wijken into teams by where they lie: two teams
// (Noord, Zuid) in a gemeente of up to 25 wijken, three (Noord, Midden,
// Zuid) up to 60, four (Noordwest, Noordoost, Zuidwest, Zuidoost) above,
// each with about the same share of the households.
func splitTeams(w *World) []WijkTeam {
	ws := append([]string{}, wijkCodes(w)...)
	n := 2
	switch {
	case len(ws) < 2:
		return []WijkTeam{{Naam: "Wijkteam " + w.Gemeente.Naam, Wijken: ws}}
	case len(ws) > 60:
		n = 4
	case len(ws) > 25:
		n = 3
	}
	bounds := map[string][2]float64{}
	for _, wk := range w.Wijken {
		b := wk.Bounds
		bounds[wk.Code] = [2]float64{(b.MinLat + b.MaxLat) / 2, (b.MinLon + b.MaxLon) / 2}
	}
	// split sorts codes by a coordinate (descending: north or east first)
	// and cuts them into parts of equal household weight.
	split := func(codes []string, coord int, parts int) [][]string {
		sort.SliceStable(codes, func(i, j int) bool {
			a, b := bounds[codes[i]][coord], bounds[codes[j]][coord]
			if a != b {
				return a > b
			}
			return codes[i] < codes[j]
		})
		total := 0.0
		for _, c := range codes {
			total += w.WijkWeights[c]
		}
		out := make([][]string, parts)
		if total <= 0 {
			return out
		}
		acc := 0.0
		for _, c := range codes {
			mid := acc + w.WijkWeights[c]/2
			p := min(parts-1, int(mid/total*float64(parts)))
			out[p] = append(out[p], c)
			acc += w.WijkWeights[c]
		}
		return out
	}
	var parts [][]string
	var names []string
	switch n {
	case 2:
		parts, names = split(ws, 0, 2), []string{"Noord", "Zuid"}
	case 3:
		parts, names = split(ws, 0, 3), []string{"Noord", "Midden", "Zuid"}
	default:
		halves := split(ws, 0, 2)
		north, south := split(halves[0], 1, 2), split(halves[1], 1, 2)
		// split by longitude puts the east first
		parts = [][]string{north[1], north[0], south[1], south[0]}
		names = []string{"Noordwest", "Noordoost", "Zuidwest", "Zuidoost"}
	}
	var out []WijkTeam
	for i, p := range parts {
		if len(p) == 0 {
			continue
		}
		sort.Strings(p)
		out = append(out, WijkTeam{Naam: "Wijkteam " + names[i], Wijken: p})
	}
	return out
}

func wijkCodes(w *World) []string {
	out := make([]string, len(w.Wijken))
	for i, wk := range w.Wijken {
		out[i] = wk.Code
	}
	return out
}

// clientProfiles are six profiles by perspective and intensity, with a
// fixed price per month (the region in DOMAIN.md used six). Prices sit
// between the hourly products they replace: light support is about 1.5
// hours of begeleiding a week, heavy about 6.
func clientProfiles(gemeente string) []casework.ClientProfile {
	ps := []casework.ClientProfile{
		{Code: "P1", Naam: "Herstel, licht", Perspectief: "herstel", Intensiteit: "licht", PrijsCents: 52_000},
		{Code: "P2", Naam: "Herstel, midden", Perspectief: "herstel", Intensiteit: "midden", PrijsCents: 115_000},
		{Code: "P3", Naam: "Stabiliseren, licht", Perspectief: "stabiliseren", Intensiteit: "licht", PrijsCents: 41_000},
		{Code: "P4", Naam: "Stabiliseren, midden", Perspectief: "stabiliseren", Intensiteit: "midden", PrijsCents: 89_000},
		{Code: "P5", Naam: "Stabiliseren, zwaar", Perspectief: "stabiliseren", Intensiteit: "zwaar", PrijsCents: 178_000},
		{Code: "P6", Naam: "Achteruitgang opvangen, zwaar", Perspectief: "achteruitgang", Intensiteit: "zwaar", PrijsCents: 210_000},
	}
	for i := range ps {
		ps[i].Gemeente, ps[i].Periode = gemeente, "maand"
	}
	return ps
}

// writeTeams stores the colleagues, teams, profiles and budgets: the
// accounts and teams two years and a month back, each budget on the second
// working day of its year, all by the teamleider.
func writeTeams(ctx context.Context, w *World, st *store.Store) error {
	cw := w.Casework
	gm := w.Gemeente.Code
	before := at(w.Config.Today.AddDays(-760), 9*60)
	for i := range cw.Users {
		u := &cw.Users[i]
		if u.Login {
			got, err := st.UserByEmail(ctx, u.Email)
			if err != nil {
				return fmt.Errorf("login %s: %w", u.Email, err)
			}
			u.ID = got.ID
			continue
		}
		su := &store.User{ID: u.ID, Email: u.Email, Name: u.Name, Grants: []auth.Grant{{Gemeente: gm, Role: u.Role}}}
		if err := st.At(before).CreateUser(ctx, su); err != nil {
			return fmt.Errorf("colleague %s: %w", u.Email, err)
		}
	}
	lead := cw.Users[cw.teamleider].actor(gm)
	for t := range cw.Teams {
		tm := &cw.Teams[t]
		ct := casework.Team{ID: tm.ID, Gemeente: gm, Naam: tm.Naam, Wijken: tm.Wijken}
		for _, m := range tm.Members {
			ct.Members = append(ct.Members, casework.TeamMember{UserID: cw.Users[m].ID})
		}
		if err := st.At(before.Add(time.Hour)).CreateTeam(ctx, lead, &ct); err != nil {
			return fmt.Errorf("team %s: %w", tm.Naam, err)
		}
	}
	for i := range cw.Profiles {
		p := cw.Profiles[i]
		if err := st.At(before.Add(2*time.Hour)).SaveProfile(ctx, lead, &p); err != nil {
			return fmt.Errorf("profile %s: %w", p.Code, err)
		}
	}
	for i := range cw.Budgets {
		b := &cw.Budgets[i]
		cb := casework.Budget{TeamID: cw.Teams[b.Team].ID, Jaar: b.Jaar, BedragCents: b.Bedrag, DrempelCents: b.Drempel}
		when := at(minDate(people.NewDate(b.Jaar, 1, 2), w.Config.Today.AddDays(-1)), 10*60)
		if err := st.At(when).SetBudget(ctx, lead, &cb); err != nil {
			return fmt.Errorf("budget %s %d: %w", cw.Teams[b.Team].Naam, b.Jaar, err)
		}
		b.ID = cb.ID
	}
	return nil
}

package web

import (
	"context"
	"strconv"

	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/publish"
)

// participationTable is how the wijk takes part (issue 6 item 9), next to
// its social-domain figures: the wensboom, the wijkagenda and the turnout
// of the last published wijkbudget vote, as they stand now (the period
// chosen for the other tables does not apply).
//
// Disclosure: wishes, supports, agenda items and a published vote's number
// of ballots are on public pages already, so they are exact here
// (publish.Public); rounding them would only make the monitor disagree with
// the wijk page. The number of residents with an account is not public: it
// goes through the rule like any population. Turnout (ballots per account,
// and per 1,000 inhabitants the monitor knows) is only shown for a vote
// with at least the rule's threshold of ballots: below that, "." as for
// any small count, since a handful of ballots against a handful of
// accounts says more about those few residents than about the wijk.
// Confirmed paper ballots count as ballots, and their voters need no
// account, so turnout per account can pass 100%.
func (s *Server) participationTable(ctx context.Context, m *monCtx, wijk string) (*publish.Table, error) {
	p, err := s.Store.WijkParticipation(ctx, m.G.Code, wijk)
	if err != nil {
		return nil, err
	}
	t := &publish.Table{ID: "meedoen", Title: "Meedoen in de wijk: wensen, wijkagenda en wijkbudget (stand van nu)", Head: "Onderdeel",
		Columns: []publish.Column{{Name: "Aantal", Kind: publish.Count}},
		Note: "Wensen, steun, de wijkagenda en stembiljetten zijn openbaar en exact; bewoners met een account afgerond op " +
			strconv.FormatInt(m.Rule.Base, 10) + "; de opkomst alleen bij minstens " + strconv.FormatInt(m.Rule.Threshold, 10) +
			" stembiljetten, anders als . — Bron: naober"}
	add := func(code, label string, c publish.Cell) {
		t.Rows = append(t.Rows, publish.Row{Code: code, Label: label, Cells: []publish.Cell{c}})
	}
	add("wensen-open", "Wensen zonder antwoord", publish.Public(int64(p.WishesOpen)))
	add("wensen-beantwoord", "Wensen met een antwoord", publish.Public(int64(p.WishesAnswered)))
	add("steun", "Steunbetuigingen bij wensen", publish.Public(int64(p.Supports)))
	add("agenda-klaar", "Punten op de wijkagenda die klaar zijn", publish.Public(int64(p.AgendaDone)))
	add("agenda", "Punten op de wijkagenda", publish.Public(int64(p.AgendaItems)))
	accounts := publish.PublishedPopulation(m.Rule, int64(p.Accounts))
	add("accounts", "Bewoners met een bevestigd account", accounts)
	v := p.LastVote
	if v == nil {
		add("stemming", "Laatste stemming over het wijkbudget", publish.Label("nog geen uitslag"))
		return t, nil
	}
	add("stemming", "Laatste stemming over het wijkbudget", publish.Label(v.Title+" (uitslag "+people.DateOf(v.Published.In(people.Amsterdam())).Dutch()+")"))
	ballots := publish.Public(int64(v.Ballots))
	add("stembiljetten", "Stembiljetten in die stemming", ballots)
	turnout, perK := publish.NA(publish.Share), publish.NA(publish.Rate)
	if int64(v.Ballots) >= m.Rule.Threshold {
		// From the exact numbers (a rounded denominator could make 11 of
		// 12 look like 110%), and only when the accounts, too, reach the
		// threshold: the share would otherwise give their small number away.
		turnout = publish.PublishedRatio(m.Rule, int64(v.Ballots), int64(p.Accounts), int64(p.Accounts), 0)
		pop, err := s.knownInhabitants(m, wijk)
		if err != nil {
			return nil, err
		}
		perK = publish.PerThousand(ballots, pop)
	}
	add("opkomst", "Opkomst: stembiljetten per bewoner met een account", turnout)
	add("per-1000", "Stembiljetten per 1.000 inwoners (bekend in naober)", perK)
	return t, nil
}

// knownInhabitants is the wijk's population as the monitor knows it
// (persons in naober's data, this period), published with the rule.
func (s *Server) knownInhabitants(m *monCtx, wijk string) (publish.Cell, error) {
	res, err := m.Ix.Count(monitor.Query{Expr: exprAnyLaw, Unit: monitor.Persons, Period: m.Per, Level: monitor.ByWijk, Scope: m.scope(wijk)})
	if err != nil {
		return publish.Cell{}, err
	}
	for _, r := range res.Rows {
		if r.Area == wijk {
			return publish.PublishedPopulation(m.Rule, r.Population), nil
		}
	}
	return publish.NA(publish.Count), nil
}

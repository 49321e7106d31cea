package web

import (
	"fmt"
	"net/http"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

func assessmentEvents(s *Server, r *http.Request, a store.Actor, h people.Household) ([]timelineItem, error) {
	as, err := s.Store.AssessmentsForHousehold(r.Context(), a, h.ID)
	if err != nil {
		return nil, err
	}
	var out []timelineItem
	for _, x := range as {
		low := 0
		for _, lvl := range x.Scores {
			if lvl == 1 || lvl == 2 {
				low++
			}
		}
		out = append(out, timelineItem{When: dateTime(x.Datum), Kind: "zrm", Title: "ZRM van " + x.PersonName,
			Detail: fmt.Sprintf("%d van de 13 leefgebieden op niveau 1 of 2. %s", low, x.Toelichting), Link: "/huishoudens/" + h.ID + "/zrm"})
	}
	return out, nil
}

func planEvents(s *Server, r *http.Request, a store.Actor, h people.Household) ([]timelineItem, error) {
	plans, err := s.Store.PlanVersions(r.Context(), a, h.ID)
	if err != nil {
		return nil, err
	}
	var out []timelineItem
	for _, p := range plans {
		link := fmt.Sprintf("/huishoudens/%s/plan/versies/%d", h.ID, p.Versie)
		out = append(out, timelineItem{When: dateTime(p.Datum), Kind: "plan", Title: fmt.Sprintf("Plan versie %d opgesteld (%d doelen)", p.Versie, len(p.Goals)), Link: link})
		if p.Akkoord != nil {
			wijze, _ := casework.Lookup(casework.AgreementWays, p.Akkoord.Wijze)
			out = append(out, timelineItem{When: dateTime(p.Akkoord.Datum), Kind: "plan", Title: fmt.Sprintf("Het huishouden is akkoord met plan versie %d", p.Versie),
				Detail: wijze + ". " + p.Akkoord.Toelichting, Link: link})
		}
	}
	evs, err := s.Store.EvaluationsForHousehold(r.Context(), a, h.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		title := "Evaluatie"
		if e.Soort == "afsluiting" {
			title = "Plan afgesloten"
		}
		out = append(out, timelineItem{When: dateTime(e.Datum), Kind: "evaluatie",
			Title:  fmt.Sprintf("%s: tevredenheid %d van 10, %d van %d doelen bereikt", title, e.Tevredenheid, e.DoelenBereikt, e.DoelenTotaal),
			Detail: e.Gezegd, Link: "/huishoudens/" + h.ID + "/plan"})
	}
	return out, nil
}

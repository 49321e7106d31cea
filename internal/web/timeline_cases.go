package web

import (
	"net/http"
	"strings"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

func domainNames(codes []string) string {
	var names []string
	for _, c := range codes {
		if n, ok := casework.Lookup(casework.Domains, c); ok {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

func signalEvents(s *Server, r *http.Request, a store.Actor, h people.Household) ([]timelineItem, error) {
	sigs, err := s.Store.SignalsForHousehold(r.Context(), a, h.ID)
	if err != nil {
		return nil, err
	}
	var out []timelineItem
	for _, sg := range sigs {
		bron, _ := casework.Lookup(casework.Sources, sg.Bron)
		urg, _ := casework.Lookup(casework.Urgencies, sg.Urgentie)
		out = append(out, timelineItem{When: sg.Created, Kind: "signaal", Title: "Signaal van " + strings.ToLower(bron) + " (" + strings.ToLower(urg) + ")",
			Detail: sg.Wat + "\nLeefgebieden: " + domainNames(sg.Domeinen), Link: "/signalen/" + sg.ID})
	}
	return out, nil
}

func caseEvents(s *Server, r *http.Request, a store.Actor, h people.Household) ([]timelineItem, error) {
	cases, hos, err := s.Store.CaseHistory(r.Context(), a, h.ID)
	if err != nil {
		return nil, err
	}
	var out []timelineItem
	link := "/huishoudens/" + h.ID + "/casus"
	for _, c := range cases {
		out = append(out, timelineItem{When: c.Opened, Kind: "casus", Title: "Casus geopend, regisseur " + c.Regisseur(), Link: link})
		if c.Closed != nil {
			out = append(out, timelineItem{When: *c.Closed, Kind: "casus", Title: "Casus afgesloten", Detail: c.CloseReason, Link: link})
		}
	}
	for _, ho := range hos {
		out = append(out, timelineItem{When: ho.At, Kind: "casus", Title: "Overgedragen van " + ho.FromEmail + " aan " + ho.ToEmail, Detail: ho.Note, Link: link})
	}
	return out, nil
}

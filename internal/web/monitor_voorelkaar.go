package web

import (
	"context"
	"hash/fnv"
	"strconv"
	"strings"

	"naober.nl/naober/internal/publish"
)

// helpTable is voor elkaar in the wijk (issue 7 item 5): requests and
// offers, the share matched, the median time to a match, and the requests
// the wijkteam prescribed from plans that were matched — the voorliggend
// veld next to the maatwerk costs. As it stands now (the period chosen
// for the other tables does not apply).
//
// Disclosure: requests and offers are residents' own posts, counted
// exactly (publish.Public), like the wishes; so are those posted on
// behalf of an organisation (a buurthuis, a church: no person). Prescriptions come from case
// work — each is a household with a plan — so they go through the rule
// like any count of households: rounded, with noise, "." when small; their
// share matched only when the count may be shown.
func (s *Server) helpTable(ctx context.Context, m *monCtx, wijk string) (*publish.Table, error) {
	st, err := s.Store.HelpStatsFor(ctx, m.G.Code, wijk)
	if err != nil {
		return nil, err
	}
	t := &publish.Table{ID: "voorelkaar", Title: "Voor elkaar: hulp tussen buren (stand van nu)", Head: "Onderdeel",
		Columns: []publish.Column{{Name: "Aantal", Kind: publish.Count}},
		Note: "Hulpvragen en aanbod (ook die van organisaties) zijn exact; voorgeschreven hulpvragen komen uit plannen van huishoudens en zijn afgerond op " +
			strconv.FormatInt(m.Rule.Base, 10) + ", onder " + strconv.FormatInt(m.Rule.Threshold, 10) + " als . — Bron: naober"}
	add := func(code, label string, c publish.Cell) {
		t.Rows = append(t.Rows, publish.Row{Code: code, Label: label, Cells: []publish.Cell{c}})
	}
	req, matched := publish.Public(int64(st.Requests)), publish.Public(int64(st.Matched))
	add("hulpvragen", "Hulpvragen", req)
	add("hulpvragen-organisatie", "Hulpvragen namens een organisatie", publish.Public(int64(st.OrgRequests)))
	add("aanbod", "Keer hulp aangeboden", publish.Public(int64(st.Offers)))
	add("aanbod-organisatie", "Keer hulp aangeboden namens een organisatie", publish.Public(int64(st.OrgOffers)))
	add("gekoppeld", "Hulpvragen gekoppeld aan een vrijwilliger", matched)
	add("gedaan", "Hulpvragen waarbij de hulp gedaan is", publish.Public(int64(st.Done)))
	add("aandeel", "Aandeel gekoppeld", publish.ShareOf(matched, req))
	median := publish.Label("nog geen koppeling")
	if st.Matched > 0 {
		median = publish.Label(strings.Replace(strconv.FormatFloat(st.MedianToMatch.Hours()/24, 'f', 1, 64), ".", ",", 1) + " dagen")
	}
	add("tijd", "Mediane tijd tot een koppeling", median)
	key := func(code string, n int) uint64 {
		h := fnv.New64a()
		h.Write([]byte(m.G.Code + "/" + wijk + "/" + code + "/" + strconv.Itoa(n)))
		return h.Sum64()
	}
	add("voorschrift", "Voorgeschreven door het wijkteam (uit een plan)", publish.Published(m.Rule, int64(st.Prescribed), key("voorschrift", st.Prescribed)))
	add("voorschrift-gekoppeld", "Voorgeschreven en gekoppeld", publish.Published(m.Rule, int64(st.PrescribedMatched), key("voorschrift-gekoppeld", st.PrescribedMatched)))
	add("voorschrift-aandeel", "Aandeel voorgeschreven dat gekoppeld is",
		publish.PublishedRatio(m.Rule, int64(st.PrescribedMatched), int64(st.Prescribed), int64(st.Prescribed), key("voorschrift", st.Prescribed)))
	return t, nil
}

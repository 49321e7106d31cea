package web

import (
	"context"

	"naober.nl/naober/internal/publish"
)

// fundTable is the neighbourhood fund in the wijk (issue 7 item 5): the
// initiatives funded and the money granted, all years, next to the
// maatwerk costs on the same page — the voorliggend veld made visible.
//
// Disclosure: a grant is public money given to an initiative, not support
// to a person, and the applicant is never named; the amounts and counts are
// exact (publish.Public), as the wijk page shows the initiatives whose
// applicants agreed.
func (s *Server) fundTable(ctx context.Context, m *monCtx, wijk string) (*publish.Table, error) {
	figs, err := s.Store.FundFigures(ctx, m.G.Code)
	if err != nil {
		return nil, err
	}
	var funded, rejected, granted int64
	for _, f := range figs {
		if f.Wijk == wijk {
			funded, rejected, granted = int64(f.Funded), int64(f.Rejected), int64(f.Granted)
		}
	}
	t := &publish.Table{ID: "wijkfonds", Title: "Wijkfonds: initiatieven van bewoners met startgeld (alle jaren, stand van nu)", Head: "Onderdeel",
		Columns: []publish.Column{{Name: "Waarde", Kind: publish.Count}},
		Note:    "Toekenningen zijn openbaar geld voor een initiatief, zonder naam van de aanvragers; exact. — Bron: naober"}
	add := func(code, label string, c publish.Cell) {
		t.Rows = append(t.Rows, publish.Row{Code: code, Label: label, Cells: []publish.Cell{c}})
	}
	add("initiatieven", "Initiatieven met geld uit het wijkfonds", publish.Public(funded))
	add("toegekend", "Toegekend uit het wijkfonds", publish.PublicMoney(granted))
	add("afgewezen", "Afgewezen aanvragen", publish.Public(rejected))
	return t, nil
}

package web

import (
	"fmt"
	"net/http"
	"sort"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// exchangeEvents adds what the iJw/iWmo traffic says about the household's
// provisions: the allocation (number, provider), the actual start (305)
// and end (307) the provider reported, and the care declared per period
// (323), with its amount.
func exchangeEvents(s *Server, r *http.Request, a store.Actor, h people.Household) ([]timelineItem, error) {
	ex, err := s.Store.HouseholdExchange(r.Context(), a, h.ID)
	if err != nil || len(ex) == 0 {
		return nil, err
	}
	list, err := s.Store.ProvisionsForHousehold(r.Context(), a, h.ID)
	if err != nil {
		return nil, err
	}
	var out []timelineItem
	for _, p := range list {
		x := ex[p.ID]
		if x == nil {
			continue
		}
		link := "/voorzieningen/" + p.ID
		what := p.CategorieNaam() + " voor " + nameOrUnknown(p.PersonName)
		provider := "aanbieder onbekend"
		if p.AanbiederAGB != "" {
			provider = "aanbieder AGB " + p.AanbiederAGB
			if p.Aanbieder != "" {
				provider = p.Aanbieder + " (AGB " + p.AanbiederAGB + ")"
			}
		}
		if x.Toewijzingnummer != "" {
			when := x.Toewijzingsdatum
			if when.IsZero() {
				when = p.Start
			}
			detail := fmt.Sprintf("Toewijzingnummer %s, %s", x.Toewijzingnummer, provider)
			if x.ReferentieAanbieder != "" {
				detail += ", referentie aanbieder " + x.ReferentieAanbieder
			}
			detail += "; toegewezen van " + p.Start.Dutch() + " tot " + endText(p.Eind)
			if x.Bron == people.SourceExchange {
				detail += " (uit het berichtenverkeer)"
			}
			out = append(out, timelineItem{When: when.Time(), Kind: "toewijzing", Link: link, Tag: p.WetNaam(), Title: "Toewijzing: " + what, Detail: detail})
		}
		if !x.WerkelijkeStart.IsZero() {
			out = append(out, timelineItem{When: x.WerkelijkeStart.Time(), Kind: "toewijzing", Link: link, Tag: p.WetNaam(),
				Title: "Zorg gestart: " + what, Detail: "Gemeld door " + provider + " (startbericht), toewijzing " + x.Toewijzingnummer})
		}
		if !x.WerkelijkeEind.IsZero() {
			reden := x.RedenBeeindigingNaam
			if reden == "" {
				reden = "reden onbekend"
			}
			out = append(out, timelineItem{When: x.WerkelijkeEind.Time(), Kind: "toewijzing", Link: link, Tag: p.WetNaam(),
				Title: "Zorg gestopt: " + what, Detail: "Gemeld door " + provider + " (stopbericht): " + reden + " (code " + x.RedenBeeindiging + "), toewijzing " + x.Toewijzingnummer})
		}
		// Declared care, one event per period.
		type period struct{ begin, eind people.Date }
		byPeriod := map[period][]store.Claim{}
		for _, c := range x.Claims {
			k := period{c.Begin, c.Eind}
			byPeriod[k] = append(byPeriod[k], c)
		}
		periods := make([]period, 0, len(byPeriod))
		for k := range byPeriod {
			periods = append(periods, k)
		}
		sort.Slice(periods, func(i, j int) bool { return periods[i].begin.Before(periods[j].begin) })
		for _, k := range periods {
			var sum int64
			var lines []string
			for _, c := range byPeriod[k] {
				sum += c.BedragCents
				line := fmt.Sprintf("%s: %d × %s à %s = %s", c.Referentienummer, c.Volume, unitName(c.Eenheid), casework.Cents(c.TariefCents), casework.Cents(c.BedragCents))
				if c.Credit() {
					line += " (creditering"
					if c.VorigReferentienummer != "" {
						line += " van " + c.VorigReferentienummer
					}
					line += ")"
				}
				lines = append(lines, line)
			}
			detail := fmt.Sprintf("Gedeclareerd door %s over %s t/m %s: %s", provider, k.begin.Dutch(), k.eind.Dutch(), casework.Cents(sum))
			for _, l := range lines {
				detail += "; " + l
			}
			out = append(out, timelineItem{When: k.eind.Time(), Kind: "declaratie", Link: link, Tag: p.WetNaam(),
				Title: "Declaratie " + casework.Cents(sum).String() + ": " + what, Detail: detail})
		}
	}
	return out, nil
}

func endText(d people.Date) string {
	if d.IsZero() {
		return "onbepaalde tijd"
	}
	return d.Dutch()
}

func unitName(code string) string {
	for _, u := range casework.Units {
		if u.Code == code {
			return u.Naam
		}
	}
	return "eenheid " + code
}

// nameOrUnknown shows a person known only by BSN (from a declaration).
func nameOrUnknown(name string) string {
	if name == "" {
		return "onbekend (naam niet bekend)"
	}
	return name
}

package web

import (
	"net/http"
	"time"

	"naober.nl/naober/internal/store"
)

// The wensboom and the wijkagenda as public JSON, for the wijkplatform's own
// website or a screen in the community centre.

func (s *Server) routesWijkAPI(r *router) {
	const tag = "Wensen en wijkagenda"
	r.endpoint("GET /api/v1/wijken/{code}/wensen", apiDoc{Summary: "De zichtbare wensen van een wijk, meest gesteund eerst", Tag: tag, Public: true,
		Response: []wishJSON{}}, s.apiWishes)
	r.endpoint("GET /api/v1/wijken/{code}/agenda", apiDoc{Summary: "De wijkagenda: agendapunten met mijlpalen en voortgang", Tag: tag, Public: true,
		Response: []agendaJSON{}}, s.apiAgenda)
	s.routesWijkAPIWrite(r)
}

type wishJSON struct {
	ID        string    `json:"id"`
	Titel     string    `json:"titel"`
	Tekst     string    `json:"tekst"`
	Onderwerp string    `json:"onderwerp"`
	Status    string    `json:"status"`
	Steun     int       `json:"steun"`
	Door      string    `json:"door"`
	Lat       *float64  `json:"lat,omitempty"`
	Lon       *float64  `json:"lon,omitempty"`
	Geplaatst time.Time `json:"geplaatst"`
}

type milestoneJSON struct {
	Naam    string `json:"naam"`
	Datum   string `json:"datum,omitempty"`
	Procent int    `json:"procent"`
}

type agendaJSON struct {
	ID           string          `json:"id"`
	Titel        string          `json:"titel"`
	Omschrijving string          `json:"omschrijving"`
	Trekker      string          `json:"trekker"`
	Status       string          `json:"status"`
	Herkomst     string          `json:"herkomst"`
	WensID       string          `json:"wens_id,omitempty"`
	BudgetCent   int64           `json:"budget_cent"`
	Voortgang    int             `json:"voortgang_procent"`
	Mijlpalen    []milestoneJSON `json:"mijlpalen"`
}

func (s *Server) apiWishes(w http.ResponseWriter, r *http.Request) error {
	r.SetPathValue("wijk", r.PathValue("code"))
	wk, _, err := s.wijkFromPath(r)
	if err != nil {
		return err
	}
	list, err := s.Store.Wishes(r.Context(), wk.Code, store.WishFilter{})
	if err != nil {
		return err
	}
	out := []wishJSON{}
	for _, x := range list {
		j := wishJSON{ID: x.ID, Titel: x.Title, Tekst: x.Text, Onderwerp: string(x.Category), Status: x.StatusLabel, Steun: x.Supports, Door: x.Author(), Geplaatst: x.Created}
		if x.Point != nil {
			j.Lat, j.Lon = &x.Point.Lat, &x.Point.Lon
		}
		out = append(out, j)
	}
	return writeJSON(w, 200, out)
}

func (s *Server) apiAgenda(w http.ResponseWriter, r *http.Request) error {
	r.SetPathValue("wijk", r.PathValue("code"))
	wk, _, err := s.wijkFromPath(r)
	if err != nil {
		return err
	}
	items, err := s.Store.Agenda(r.Context(), wk.Code)
	if err != nil {
		return err
	}
	out := []agendaJSON{}
	for _, it := range items {
		j := agendaJSON{ID: it.ID, Titel: it.Title, Omschrijving: it.Description, Trekker: it.Owner, Status: it.Status.Label(), Herkomst: string(it.Origin),
			WensID: it.WishID, BudgetCent: int64(it.Budget), Voortgang: it.Progress(), Mijlpalen: []milestoneJSON{}}
		for _, m := range it.Milestones {
			mj := milestoneJSON{Naam: m.Title, Procent: m.Percent}
			if !m.Due.IsZero() {
				mj.Datum = m.Due.String()
			}
			j.Mijlpalen = append(j.Mijlpalen, mj)
		}
		out = append(out, j)
	}
	return writeJSON(w, 200, out)
}

package web

import (
	"net/http"

	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
)

// Posting and supporting wishes over the API, for a wijkplatform's own app
// or a kiosk: the same rules as the form (a verified resident of the wijk,
// the same validation, the per-account limit in the store and the
// per-address limit here), with a session cookie or a bearer token, and
// the same cross-origin protection as every other write.

type wishInput struct {
	Titel     string   `json:"titel"`
	Tekst     string   `json:"tekst"`
	Onderwerp string   `json:"onderwerp"` // groen, spelen, ontmoeten, verkeer, veiligheid, schoon, zorg, overig
	Lat       *float64 `json:"lat,omitempty"`
	Lon       *float64 `json:"lon,omitempty"`
}

type supportResponse struct {
	Gesteund bool `json:"gesteund"`
	Steun    int  `json:"steun"`
}

func (s *Server) routesWijkAPIWrite(r *router) {
	const tag = "Wensen en wijkagenda"
	const who = "inwoner van de wijk met een bevestigd e-mailadres"
	r.endpoint("POST /api/v1/wijken/{code}/wensen", apiDoc{Summary: "Een wens plaatsen (hooguit 5 per dag per inwoner, 60 per uur per adres)", Tag: tag,
		Roles: who, Body: wishInput{}, Response: wishJSON{}, Status: http.StatusCreated}, s.apiWishCreate)
	r.endpoint("POST /api/v1/wijken/{code}/wensen/{id}/steun", apiDoc{Summary: "Een wens steunen; nog eens steunen verandert niets (één steun per inwoner)", Tag: tag,
		Roles: who, Response: supportResponse{}}, s.apiWishSupport(true))
	r.endpoint("DELETE /api/v1/wijken/{code}/wensen/{id}/steun", apiDoc{Summary: "Uw steun voor een wens intrekken", Tag: tag,
		Roles: who, Response: supportResponse{}}, s.apiWishSupport(false))
}

func (s *Server) apiWishCreate(w http.ResponseWriter, r *http.Request) error {
	r.SetPathValue("wijk", r.PathValue("code"))
	wk, _, err := s.wijkFromPath(r)
	if err != nil {
		return err
	}
	p, err := need(r)
	if err != nil {
		return err
	}
	var in wishInput
	if err := decode(r, &in); err != nil {
		return err
	}
	x := participation.Wish{Wijk: wk.Code, Title: in.Titel, Text: in.Tekst, Category: participation.Category(in.Onderwerp)}
	switch {
	case in.Lat != nil && in.Lon != nil:
		x.Point = &participation.Point{Lat: *in.Lat, Lon: *in.Lon}
	case in.Lat != nil || in.Lon != nil:
		return people.FieldErrors{{Field: "plek", Message: "Geef lat en lon allebei, of geen van beide."}}
	}
	if !p.ResidentOf(wk.Code) {
		return errs.E(errs.Forbidden, "Alleen bewoners van %s met een bevestigd e-mailadres kunnen hier een wens plaatsen.", wk.Naam)
	}
	if err := s.limitAddress(w, r); err != nil {
		return err
	}
	if err := s.Store.CreateWish(r.Context(), p, &x, func(pt participation.Point) bool { return s.Atlas.Contains(wk.Code, pt.Lat, pt.Lon) }); err != nil {
		return err
	}
	v, err := s.Store.Wish(r.Context(), p, x.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toWishJSON(v.Wish))
}

func toWishJSON(x participation.Wish) wishJSON {
	j := wishJSON{ID: x.ID, Titel: x.Title, Tekst: x.Text, Onderwerp: string(x.Category), Status: x.StatusLabel, Steun: x.Supports, Door: x.Author(), Geplaatst: x.Created}
	if x.Point != nil {
		j.Lat, j.Lon = &x.Point.Lat, &x.Point.Lon
	}
	return j
}

func (s *Server) apiWishSupport(on bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		r.SetPathValue("wijk", r.PathValue("code"))
		wk, _, err := s.wijkFromPath(r)
		if err != nil {
			return err
		}
		p, err := need(r)
		if err != nil {
			return err
		}
		id := r.PathValue("id")
		v, err := s.Store.Wish(r.Context(), p, id)
		if err != nil {
			return err
		}
		if v.Wish.Wijk != wk.Code {
			return errs.E(errs.NotFound, "Deze wens hoort niet bij deze wijk.")
		}
		if on {
			err = s.Store.SupportWish(r.Context(), p, id)
		} else {
			err = s.Store.WithdrawSupport(r.Context(), p, id)
		}
		if err != nil {
			return err
		}
		if v, err = s.Store.Wish(r.Context(), p, id); err != nil {
			return err
		}
		return writeJSON(w, 200, supportResponse{Gesteund: v.Supported, Steun: v.Wish.Supports})
	}
}

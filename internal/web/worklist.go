package web

import (
	"net/http"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// worklist is a regisseur's personal list of what needs doing.
type worklist struct {
	RegisseurID    string                     `json:"regisseur"`
	Households     []store.CaseHousehold      `json:"huishoudens"`
	Ending         []casework.Provision       `json:"voorzieningen_aflopend"`
	OverdueGoals   []casework.OverdueGoal     `json:"doelen_over_datum"`
	StaleZRM       []casework.StaleAssessment `json:"zrm_verouderd"`
	ToDecide       []casework.Spend           `json:"bestedingen_te_beoordelen"`
	MyOpenRequests []casework.Spend           `json:"bestedingen_wachtend"`
	OpenSignals    int                        `json:"open_signalen"`
	EndingHorizon  people.Date                `json:"aflopend_voor"`
	StaleBefore    people.Date                `json:"zrm_ouder_dan"`
	Caseworkers    []store.User               `json:"-"`
	ViewingOther   bool                       `json:"-"`
	RegisseurEmail string                     `json:"-"`
}

func (s *Server) routesWorklist(r *router) {
	r.page("GET /werklijst", s.worklistPage)
	r.endpoint("GET /api/v1/worklist", apiDoc{Summary: "Werklijst van een regisseur: aflopende voorzieningen, doelen over datum, oude ZRM-metingen, bestedingen die wachten",
		Tag: "Dossier", Roles: "regisseur, teamleider (teamleider: ook die van een collega met ?regisseur=)", Query: []param{{"regisseur", "gebruikers-id; standaard de gebruiker zelf"}},
		Response: worklist{}}, s.apiWorklist)
}

// buildWorklist gathers the worklist of userID as seen by the signed-in user.
func (s *Server) buildWorklist(r *http.Request, p *auth.Principal, userID string) (worklist, error) {
	if !p.CanAnywhere(auth.ReadPersons) {
		return worklist{}, errs.E(errs.Forbidden, "Uw rol heeft geen werklijst.")
	}
	ctx, a := r.Context(), actor(r, p)
	today := people.Today()
	wl := worklist{RegisseurID: userID, EndingHorizon: today.AddDays(56), StaleBefore: today.AddMonths(-6), ViewingOther: userID != p.UserID}
	var err error
	// RegisseurHouseholds refuses another's list unless the viewer leads them.
	if wl.Households, err = s.Store.RegisseurHouseholds(ctx, a, userID); err != nil {
		return wl, err
	}
	if wl.Ending, err = s.Store.ProvisionsEnding(ctx, a, userID, today, wl.EndingHorizon); err != nil {
		return wl, err
	}
	if wl.OverdueGoals, err = s.Store.OverdueGoals(ctx, a, p.Gemeenten(auth.ReadPersons), userID, today); err != nil {
		return wl, err
	}
	if wl.StaleZRM, err = s.Store.StaleAssessments(ctx, a, userID, wl.StaleBefore); err != nil {
		return wl, err
	}
	if !wl.ViewingOther {
		if wl.ToDecide, err = s.Store.SpendsAwaiting(ctx, a); err != nil {
			return wl, err
		}
		if wl.MyOpenRequests, err = s.Store.SpendsRequestedOpen(ctx, a); err != nil {
			return wl, err
		}
		for _, gm := range p.Gemeenten(auth.ReadPersons) {
			n, err := s.Store.OpenSignalCount(ctx, a, gm)
			if err != nil {
				return wl, err
			}
			wl.OpenSignals += n
		}
	}
	return wl, nil
}

func (s *Server) worklistPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	userID := r.URL.Query().Get("regisseur")
	if userID == "" {
		userID = p.UserID
	}
	wl, err := s.buildWorklist(r, p, userID)
	if err != nil {
		return err
	}
	for _, gm := range p.Gemeenten(auth.ManageTeam) {
		us, err := s.Store.Caseworkers(r.Context(), actor(r, p), gm)
		if err != nil {
			return err
		}
		wl.Caseworkers = append(wl.Caseworkers, us...)
		for _, u := range us {
			if u.ID == userID {
				wl.RegisseurEmail = u.Email
			}
		}
	}
	title := "Mijn werklijst"
	if wl.ViewingOther {
		title = "Werklijst van " + wl.RegisseurEmail
	}
	s.renderPage(w, r, 200, "worklist", page{Title: title, Data: wl})
	return nil
}

func (s *Server) apiWorklist(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	userID := r.URL.Query().Get("regisseur")
	if userID == "" {
		userID = p.UserID
	}
	wl, err := s.buildWorklist(r, p, userID)
	if err != nil {
		return err
	}
	return writeJSON(w, 200, wl)
}

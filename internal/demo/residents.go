package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/store"
)

// DemoResident is a resident's account the demo made (verified), for the
// steps that let residents post wishes, support them and vote.
type DemoResident struct {
	UserID string
	Email  string
	Name   string
	Wijk   string
}

// residentNames are the display names of the demo residents, in order.
var residentNames = []string{"Anja", "Mohamed B.", "Kees", "Fatma", "Sanne de V.", "Pieter", "Yusuf", "Ineke", "Joost", "Samira", "Henk", "Lotte"}

// CoordinatorWijken are the two wijken the demo wijkcoordinator answers for:
// the two with the largest share of households (ties by code). Most demo
// residents live there.
func CoordinatorWijken(w *World) []string {
	ws := wijkenByWeight(w)
	return ws[:min(2, len(ws))]
}

func wijkenByWeight(w *World) []string {
	var codes []string
	for _, wk := range w.Wijken {
		codes = append(codes, wk.Code)
	}
	slices.SortStableFunc(codes, func(a, b string) int {
		if c := cmp.Compare(w.WijkWeights[b], w.WijkWeights[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return codes
}

// ResidentsStep makes a dozen verified residents: four in each of the
// coordinator's two wijken and one in each of the next four wijken. They
// share one random password (in Summary.ResidentPassword); ids, names,
// addresses and wijken follow from the seed and the gemeente.
type ResidentsStep struct{}

func (ResidentsStep) Name() string { return "residents" }

func (ResidentsStep) Run(ctx context.Context, w *World, st *store.Store) error {
	ws := wijkenByWeight(w)
	var plan []string
	for i := 0; i < 4; i++ {
		for _, wk := range ws[:min(2, len(ws))] {
			plan = append(plan, wk)
		}
	}
	for _, wk := range ws[min(2, len(ws)):min(6, len(ws))] {
		plan = append(plan, wk)
	}
	rows := map[string][]store.PostcodeArea{}
	for _, pc := range w.Postcodes {
		rows[pc.Wijk] = append(rows[pc.Wijk], pc)
	}
	pw := Password()
	hash := ""
	if st != nil {
		h, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		hash = h
	}
	for i, wk := range plan {
		pcs := rows[wk]
		if len(pcs) == 0 {
			return fmt.Errorf("wijk %s has no postcodes", wk)
		}
		pc := pcs[(i*7)%len(pcs)]
		nr := pc.HuisnummerVan + i%(pc.HuisnummerTot-pc.HuisnummerVan+1)
		r := DemoResident{UserID: w.NewID(), Email: LoginEmail(w.Gemeente.Naam, fmt.Sprintf("bewoner%d", i+1)), Name: residentNames[i%len(residentNames)], Wijk: wk}
		if st != nil {
			got, _, err := st.CreateResident(ctx, store.NewResident{UserID: r.UserID, Email: r.Email, DisplayName: r.Name,
				Postcode: pc.Postcode, Huisnummer: nr, PasswordHash: hash, Verified: true})
			if err != nil {
				return fmt.Errorf("resident %s: %w", r.Email, err)
			}
			if got.Wijk != wk {
				return fmt.Errorf("resident %s placed in %s, want %s", r.Email, got.Wijk, wk)
			}
		}
		w.Residents = append(w.Residents, r)
	}
	w.ResidentPassword = pw
	return nil
}

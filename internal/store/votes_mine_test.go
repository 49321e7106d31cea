package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// A resident's download holds their own current ballot per vote, found by
// their pseudonym; another resident's download does not hold it.
func TestOwnBallotsInTheDownload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := voteSetup(t, s)
		b, ids := openVote(t, f, participation.RuleKnapsack)
		anna := resident(t, s, "anna", "GM0119", "WK011901", true)
		bert := resident(t, s, "bert", "GM0119", "WK011901", true)
		carla := resident(t, s, "carla", "GM0119", "WK011901", true)
		if err := s.CastBallot(ctx, anna, b.ID, []string{ids["b"], ids["c"]}); err != nil {
			t.Fatal(err)
		}
		if err := s.CastBallot(ctx, anna, b.ID, []string{ids["a"], ids["c"]}); err != nil { // changed: the last one counts
			t.Fatal(err)
		}
		if err := s.CastBallot(ctx, bert, b.ID, []string{ids["b"]}); err != nil {
			t.Fatal(err)
		}
		type ballot struct {
			Stemming  string
			Titel     string
			Fase      string
			Projecten []struct{ ID, Titel string } `json:"gekozen_projecten"`
		}
		ballots := func(userID string) ([]ballot, string) {
			t.Helper()
			ex, err := s.ExportResident(ctx, userID)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := json.Marshal(ex.Parts["wijkbudget_stemmen"])
			if err != nil {
				t.Fatal(err)
			}
			var out []ballot
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatal(err)
			}
			return out, string(raw)
		}
		got, raw := ballots(anna.UserID)
		if len(got) != 1 || got[0].Stemming != b.ID || got[0].Titel != "Wijkbudget Oost" || got[0].Fase != "stemmen" || len(got[0].Projecten) != 2 ||
			got[0].Projecten[0].Titel != "Project a" || got[0].Projecten[1].Titel != "Project c" {
			t.Fatalf("anna's ballots: %s", raw)
		}
		got, raw = ballots(bert.UserID)
		if len(got) != 1 || len(got[0].Projecten) != 1 || got[0].Projecten[0].ID != ids["b"] || strings.Contains(raw, ids["a"]) {
			t.Fatalf("bert's ballots: %s", raw)
		}
		if got, raw := ballots(carla.UserID); len(got) != 0 || raw != "[]" {
			t.Fatalf("carla did not vote: %s", raw)
		}
		// An empty ballot (nothing chosen) is still a ballot; a withdrawn one is gone.
		if err := s.CastBallot(ctx, carla, b.ID, nil); err == nil {
			if got, raw := ballots(carla.UserID); len(got) != 1 || len(got[0].Projecten) != 0 {
				t.Fatalf("carla's empty ballot: %s", raw)
			}
		}
		if err := s.WithdrawBallot(ctx, bert, b.ID); err != nil {
			t.Fatal(err)
		}
		if got, raw := ballots(bert.UserID); len(got) != 0 {
			t.Fatalf("bert withdrew: %s", raw)
		}
		// After the result, the ballot is still what naober holds.
		if err := s.AdvanceWijkbudget(ctx, f.beleid, b.ID, participation.PhaseUitslag); err != nil {
			t.Fatal(err)
		}
		if got, raw := ballots(anna.UserID); len(got) != 1 || got[0].Fase != "uitslag" {
			t.Fatalf("anna after closing: %s", raw)
		}
	})
}

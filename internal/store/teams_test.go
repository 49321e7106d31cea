package store_test

import (
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

func TestTeams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := pvSetup(t, s)
		r2 := pvActor(t, s, "r2@meppel.nl", "GM0119", auth.Regisseur)
		noord := casework.Team{Gemeente: "GM0119", Naam: "Wijkteam Noord", Wijken: []string{"WK011901", "wk011902"},
			Members: []casework.TeamMember{{UserID: f.meppel.P.UserID}, {UserID: r2.P.UserID}}}
		// Only teamleider and beheer manage teams.
		for name, a := range map[string]store.Actor{"regisseur": f.meppel, "beleid": f.beleid, "other gemeente": f.haarlem} {
			tm := noord
			if err := s.CreateTeam(ctx, a, &tm); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s creates a team: %v", name, err)
			}
		}
		if err := s.CreateTeam(ctx, f.teamleider, &noord); err != nil {
			t.Fatal(err)
		}
		if len(noord.Wijken) != 2 || noord.Wijken[1] != "WK011902" || len(noord.Members) != 2 || noord.Members[0].Email != "r2@meppel.nl" {
			t.Fatalf("created: %+v", noord)
		}
		// Bad input names the field and saves nothing.
		cases := []struct {
			name  string
			team  casework.Team
			field string
		}{
			{"no name", casework.Team{Gemeente: "GM0119", Wijken: []string{"WK011903"}}, "naam"},
			{"same name", casework.Team{Gemeente: "GM0119", Naam: "Wijkteam Noord", Wijken: []string{"WK011903"}}, "naam"},
			{"no wijk", casework.Team{Gemeente: "GM0119", Naam: "Zuid"}, "wijken"},
			{"wijk of another gemeente", casework.Team{Gemeente: "GM0119", Naam: "Zuid", Wijken: []string{"WK039201"}}, "wijken"},
			{"wijk of another team", casework.Team{Gemeente: "GM0119", Naam: "Zuid", Wijken: []string{"WK011903", "WK011902"}}, "wijken"},
			{"member without casework role", casework.Team{Gemeente: "GM0119", Naam: "Zuid", Wijken: []string{"WK011903"}, Members: []casework.TeamMember{{UserID: f.beleid.P.UserID}}}, "leden"},
			{"member of another gemeente", casework.Team{Gemeente: "GM0119", Naam: "Zuid", Wijken: []string{"WK011903"}, Members: []casework.TeamMember{{UserID: f.haarlem.P.UserID}}}, "leden"},
		}
		for _, c := range cases {
			tm := c.team
			err := s.CreateTeam(ctx, f.teamleider, &tm)
			if fe, ok := people.AsFieldErrors(err); !ok || fe.For(c.field) == "" {
				t.Errorf("%s: want %s, got %v", c.name, c.field, err)
			}
		}
		list, err := s.Teams(ctx, f.meppel)
		if err != nil || len(list) != 1 {
			t.Fatalf("refused teams were saved: %v %+v", err, list)
		}
		// Update: rename, give up a wijk, drop a member; the freed wijk can go to a new team.
		upd := casework.Team{ID: noord.ID, Naam: "Noord", Wijken: []string{"WK011901"}, Members: []casework.TeamMember{{UserID: f.meppel.P.UserID}}}
		if err := s.UpdateTeam(ctx, f.beheer, &upd); err != nil {
			t.Fatal(err)
		}
		if upd.Naam != "Noord" || len(upd.Wijken) != 1 || len(upd.Members) != 1 || upd.Gemeente != "GM0119" {
			t.Fatalf("updated: %+v", upd)
		}
		zuid := casework.Team{Gemeente: "GM0119", Naam: "Zuid", Wijken: []string{"WK011902"}}
		if err := s.CreateTeam(ctx, f.teamleider, &zuid); err != nil {
			t.Fatal(err)
		}
		if tm, err := s.TeamForWijk(ctx, f.meppel, "WK011902"); err != nil || tm.ID != zuid.ID {
			t.Fatalf("team for wijk: %v %+v", err, tm)
		}
		// Other tenants: not found, exactly like a missing team.
		_, errOther := s.Team(ctx, f.haarlem, noord.ID)
		_, errNone := s.Team(ctx, f.haarlem, "nonexistent")
		if !errs.Is(errOther, errs.NotFound) || errs.Message(errOther) != errs.Message(errNone) {
			t.Fatalf("other tenant: %v / %v", errOther, errNone)
		}
		upd.Naam = "Gekaapt"
		if err := s.UpdateTeam(ctx, f.haarlem, &upd); !errs.Is(err, errs.NotFound) {
			t.Fatalf("other tenant updates: %v", err)
		}
		if err := s.UpdateTeam(ctx, f.meppel, &upd); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("regisseur updates: %v", err)
		}
		if list, _ := s.Teams(ctx, f.haarlem); len(list) != 0 {
			t.Fatalf("haarlem sees %d teams", len(list))
		}
		if _, err := s.Teams(ctx, f.beleid); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("beleid lists teams: %v", err)
		}
	})
}

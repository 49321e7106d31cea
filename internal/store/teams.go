package store

import (
	"context"
	"sort"
	"strings"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// Teams, budgets and client profiles are not personal data: no audit
// records, but every query stays within the actor's gemeenten.

// teamScope is where the actor may see teams, budgets and profiles: where
// they work with households or manage teams (never beleid alone).
func teamScope(a Actor) []string {
	seen := map[string]bool{}
	var out []string
	for _, perm := range []auth.Permission{auth.ReadPersons, auth.ManageTeam} {
		for _, gm := range a.scope(perm) {
			if !seen[gm] {
				seen[gm] = true
				out = append(out, gm)
			}
		}
	}
	sort.Strings(out)
	return out
}

// teamMemberRoles are the roles that work with households: team members
// must hold one of them in the team's gemeente.
func teamMemberRoles() []string {
	var out []string
	for _, r := range auth.Roles {
		if r.Allows(auth.ReadPersons) {
			out = append(out, string(r))
		}
	}
	return out
}

// Teams lists the teams of the actor's gemeenten with wijken and members,
// by gemeente and name.
func (s *Store) Teams(ctx context.Context, a Actor) ([]casework.Team, error) {
	scope := teamScope(a)
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "Uw rol geeft geen toegang tot teams.")
	}
	ph, args := in(scope)
	return s.loadTeams(ctx, "t.gemeente IN ("+ph+")", args)
}

// Team reads one team; a team of another gemeente is "not found".
func (s *Store) Team(ctx context.Context, a Actor, id string) (casework.Team, error) {
	scope := teamScope(a)
	if len(scope) == 0 {
		return casework.Team{}, errs.ErrNotFound
	}
	ph, args := in(scope)
	ts, err := s.loadTeams(ctx, "t.id = ? AND t.gemeente IN ("+ph+")", append([]any{id}, args...))
	if err != nil {
		return casework.Team{}, err
	}
	if len(ts) == 0 {
		return casework.Team{}, errs.ErrNotFound
	}
	return ts[0], nil
}

// TeamForWijk finds the team that works in a wijk of the actor's
// gemeenten; "not found" when no team does.
func (s *Store) TeamForWijk(ctx context.Context, a Actor, wijk string) (casework.Team, error) {
	scope := teamScope(a)
	if len(scope) == 0 {
		return casework.Team{}, errs.ErrNotFound
	}
	ph, args := in(scope)
	ts, err := s.loadTeams(ctx, "t.id IN (SELECT team_id FROM team_wijken WHERE wijk = ?) AND t.gemeente IN ("+ph+")", append([]any{wijk}, args...))
	if err != nil {
		return casework.Team{}, err
	}
	if len(ts) == 0 {
		return casework.Team{}, errs.ErrNotFound
	}
	return ts[0], nil
}

func (s *Store) loadTeams(ctx context.Context, where string, args []any) ([]casework.Team, error) {
	rows, err := s.query(ctx, "SELECT t.id, t.gemeente, t.naam, t.created_at FROM teams t WHERE "+where+" ORDER BY t.gemeente, t.naam", args...)
	if err != nil {
		return nil, err
	}
	var out []casework.Team
	idx := map[string]int{}
	for rows.Next() {
		var t casework.Team
		if err := rows.Scan(&t.ID, &t.Gemeente, &t.Naam, timeCol{&t.Created}); err != nil {
			rows.Close()
			return nil, err
		}
		t.Wijken, t.Members = []string{}, []casework.TeamMember{}
		idx[t.ID] = len(out)
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]string, len(out))
	for i, t := range out {
		ids[i] = t.ID
	}
	ph, targs := in(ids)
	rows, err = s.query(ctx, "SELECT team_id, wijk FROM team_wijken WHERE team_id IN ("+ph+") ORDER BY wijk", targs...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, w string
		if err := rows.Scan(&id, &w); err != nil {
			rows.Close()
			return nil, err
		}
		out[idx[id]].Wijken = append(out[idx[id]].Wijken, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	rows, err = s.query(ctx, `SELECT tm.team_id, u.id, u.email, u.name FROM team_members tm JOIN users u ON u.id = tm.user_id
		WHERE tm.team_id IN (`+ph+") ORDER BY u.email", targs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var m casework.TeamMember
		if err := rows.Scan(&id, &m.UserID, &m.Email, &m.Naam); err != nil {
			return nil, err
		}
		out[idx[id]].Members = append(out[idx[id]].Members, m)
	}
	return out, classify(rows.Err())
}

// CreateTeam makes a team (teamleider or beheer of the gemeente).
func (s *Store) CreateTeam(ctx context.Context, a Actor, t *casework.Team) error {
	if err := s.checkScope(a, auth.ManageTeam, t.Gemeente); err != nil {
		return err
	}
	fe, err := teamFieldErrors(casework.ValidateTeam(t))
	if err != nil {
		return err
	}
	if t.ID == "" {
		t.ID = secret.ID()
	}
	t.Created = s.now().UTC()
	err = s.Tx(ctx, func(tx *Tx) error {
		if err := s.checkTeamFields(ctx, tx, t, fe); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO teams (id, gemeente, naam, created_at) VALUES (?, ?, ?, ?)", t.ID, t.Gemeente, t.Naam, s.ts(t.Created))
		if errs.Is(classify(err), errs.Conflict) {
			return &people.FieldError{Field: "naam", Message: "er is al een team met deze naam"}
		}
		if err != nil {
			return err
		}
		return s.writeTeamLinks(ctx, tx, t)
	})
	if err != nil {
		return err
	}
	return s.fillTeam(ctx, a, t)
}

// UpdateTeam replaces a team's name, wijken and members.
func (s *Store) UpdateTeam(ctx context.Context, a Actor, t *casework.Team) error {
	fe, err := teamFieldErrors(casework.ValidateTeam(t))
	if err != nil {
		return err
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		scope := teamScope(a)
		if len(scope) == 0 {
			return errs.ErrNotFound
		}
		ph, args := in(scope)
		if err := tx.QueryRow(ctx, "SELECT gemeente FROM teams WHERE id = ? AND gemeente IN ("+ph+")", append([]any{t.ID}, args...)...).Scan(&t.Gemeente); err != nil {
			return classify(err)
		}
		if err := s.checkScope(a, auth.ManageTeam, t.Gemeente); err != nil {
			return err
		}
		if err := s.checkTeamFields(ctx, tx, t, fe); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE teams SET naam = ? WHERE id = ?", t.Naam, t.ID)
		if errs.Is(classify(err), errs.Conflict) {
			return &people.FieldError{Field: "naam", Message: "er is al een team met deze naam"}
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM team_wijken WHERE team_id = ?", t.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM team_members WHERE team_id = ?", t.ID); err != nil {
			return err
		}
		return s.writeTeamLinks(ctx, tx, t)
	})
	if err != nil {
		return err
	}
	return s.fillTeam(ctx, a, t)
}

func (s *Store) fillTeam(ctx context.Context, a Actor, t *casework.Team) error {
	got, err := s.Team(ctx, a, t.ID)
	if err != nil {
		return err
	}
	*t = got
	return nil
}

// teamFieldErrors separates field errors (reported together with the
// store's own checks) from other errors.
func teamFieldErrors(err error) (people.FieldErrors, error) {
	if err == nil {
		return nil, nil
	}
	if fe, ok := people.AsFieldErrors(err); ok {
		return fe, nil
	}
	return nil, err
}

// checkTeamFields adds to fe what only the database knows: wijken of the
// gemeente and of no other team, members who work with households in the
// gemeente. It returns every problem at once.
func (s *Store) checkTeamFields(ctx context.Context, tx *Tx, t *casework.Team, fe people.FieldErrors) error {
	if s.wijkGemeente == nil {
		return errs.E(errs.Internal, "no area lookup configured")
	}
	var foreign []string
	for _, w := range t.Wijken {
		if gm, ok := s.wijkGemeente(w); !ok || gm != t.Gemeente {
			foreign = append(foreign, w)
		}
	}
	if len(foreign) > 0 {
		fe.Add("wijken", "niet in gemeente "+t.Gemeente+": "+strings.Join(foreign, ", "))
	} else if len(t.Wijken) > 0 {
		taken, err := s.takenWijken(ctx, tx, t)
		if err != nil {
			return err
		}
		if len(taken) > 0 {
			fe.Add("wijken", "een wijk hoort bij één team; al bezet: "+strings.Join(taken, ", "))
		}
	}
	if ids := t.MemberIDs(); len(ids) > 0 {
		ph, args := in(ids)
		rph, rargs := in(teamMemberRoles())
		q := "SELECT DISTINCT user_id FROM user_roles WHERE gemeente = ? AND role IN (" + rph + ") AND user_id IN (" + ph + ")"
		rows, err := tx.Query(ctx, q, append(append([]any{t.Gemeente}, rargs...), args...)...)
		if err != nil {
			return err
		}
		ok := map[string]bool{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ok[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if !ok[id] {
				fe.Add("leden", "een teamlid is regisseur of teamleider in deze gemeente")
				break
			}
		}
	}
	return fe.Err()
}

// takenWijken lists the team's wijken that belong to another team.
func (s *Store) takenWijken(ctx context.Context, tx *Tx, t *casework.Team) ([]string, error) {
	ph, args := in(t.Wijken)
	rows, err := tx.Query(ctx, "SELECT tw.wijk, tm.naam FROM team_wijken tw JOIN teams tm ON tm.id = tw.team_id WHERE tw.wijk IN ("+ph+") AND tw.team_id <> ? ORDER BY tw.wijk",
		append(args, t.ID)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var taken []string
	for rows.Next() {
		var w, naam string
		if err := rows.Scan(&w, &naam); err != nil {
			return nil, err
		}
		taken = append(taken, w+" (team "+naam+")")
	}
	return taken, rows.Err()
}

func (s *Store) writeTeamLinks(ctx context.Context, tx *Tx, t *casework.Team) error {
	for _, w := range t.Wijken {
		_, err := tx.Exec(ctx, "INSERT INTO team_wijken (team_id, wijk) VALUES (?, ?)", t.ID, w)
		if errs.Is(classify(err), errs.Conflict) {
			// Another team took the wijk meanwhile (the unique index decides).
			return &people.FieldError{Field: "wijken", Message: "wijk " + w + " hoort al bij een ander team"}
		}
		if err != nil {
			return err
		}
	}
	for _, id := range t.MemberIDs() {
		if _, err := tx.Exec(ctx, "INSERT INTO team_members (team_id, user_id) VALUES (?, ?)", t.ID, id); err != nil {
			return err
		}
	}
	return nil
}

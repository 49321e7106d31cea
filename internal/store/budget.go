package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// RecSpend is the audit record type of spends from the maatwerk budget:
// a spend names a household and why it needs help, so it is personal data.
const RecSpend = "besteding"

// --- budgets (not personal data) ---

const budgetSelect = `SELECT b.id, b.gemeente, b.team_id, t.naam, b.jaar, b.bedrag_cents, b.drempel_cents, b.created_at,
	CAST(COALESCE((SELECT SUM(x.bedrag_cents) FROM spends x WHERE x.budget_id = b.id AND x.status = 'goedgekeurd'), 0) AS BIGINT),
	CAST(COALESCE((SELECT SUM(x.bedrag_cents) FROM spends x WHERE x.budget_id = b.id AND x.status = 'aangevraagd'), 0) AS BIGINT),
	CAST(COALESCE((SELECT SUM(x.verwacht_vermeden_cents) FROM spends x WHERE x.budget_id = b.id AND x.status = 'goedgekeurd'), 0) AS BIGINT),
	(SELECT COUNT(*) FROM spends x WHERE x.budget_id = b.id AND x.status = 'goedgekeurd'),
	(SELECT COUNT(*) FROM spends x WHERE x.budget_id = b.id AND x.status = 'aangevraagd')
	FROM budgets b JOIN teams t ON t.id = b.team_id`

func scanBudget(sc interface{ Scan(...any) error }) (casework.Budget, error) {
	var b casework.Budget
	err := sc.Scan(&b.ID, &b.Gemeente, &b.TeamID, &b.TeamNaam, &b.Jaar, &b.BedragCents, &b.DrempelCents, timeCol{&b.Created},
		&b.GoedgekeurdCents, &b.AangevraagdCents, &b.VermedenCents, &b.AantalGoedgekeurd, &b.AantalAangevraagd)
	b.Compute()
	return b, err
}

func (s *Store) budgets(ctx context.Context, where string, args []any) ([]casework.Budget, error) {
	rows, err := s.query(ctx, budgetSelect+" WHERE "+where+" ORDER BY b.jaar DESC, b.gemeente, t.naam", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.Budget{}
	for rows.Next() {
		b, err := scanBudget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, classify(rows.Err())
}

// Budgets lists the budgets of the actor's gemeenten with their sums; year
// 0 lists every year.
func (s *Store) Budgets(ctx context.Context, a Actor, year int) ([]casework.Budget, error) {
	scope := teamScope(a)
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "Uw rol geeft geen toegang tot het maatwerkbudget.")
	}
	ph, args := in(scope)
	where := "b.gemeente IN (" + ph + ")"
	if year != 0 {
		where += " AND b.jaar = ?"
		args = append(args, year)
	}
	return s.budgets(ctx, where, args)
}

// GetBudget reads one budget with its sums.
func (s *Store) GetBudget(ctx context.Context, a Actor, id string) (casework.Budget, error) {
	scope := teamScope(a)
	if len(scope) == 0 {
		return casework.Budget{}, errs.ErrNotFound
	}
	ph, args := in(scope)
	bs, err := s.budgets(ctx, "b.id = ? AND b.gemeente IN ("+ph+")", append([]any{id}, args...))
	if err != nil {
		return casework.Budget{}, err
	}
	if len(bs) == 0 {
		return casework.Budget{}, errs.ErrNotFound
	}
	return bs[0], nil
}

// BudgetsOfTeam lists a team's budgets, newest year first.
func (s *Store) BudgetsOfTeam(ctx context.Context, a Actor, teamID string) ([]casework.Budget, error) {
	scope := teamScope(a)
	if len(scope) == 0 {
		return nil, errs.ErrNotFound
	}
	ph, args := in(scope)
	return s.budgets(ctx, "b.team_id = ? AND b.gemeente IN ("+ph+")", append([]any{teamID}, args...))
}

// BudgetForHousehold finds the budget a spend for the household comes from
// in a year: the one of the team whose wijken hold the household's wijk.
// "Not found" when there is none (or the household is not the actor's).
func (s *Store) BudgetForHousehold(ctx context.Context, a Actor, householdID string, year int) (casework.Budget, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return casework.Budget{}, errs.ErrNotFound
	}
	ph, args := in(scope)
	var gm, wijk string
	err := s.queryRow(ctx, "SELECT gemeente, wijk FROM households WHERE id = ? AND gemeente IN ("+ph+")", append([]any{householdID}, args...)...).Scan(&gm, &wijk)
	if err != nil {
		return casework.Budget{}, classify(err)
	}
	bs, err := s.budgets(ctx, "b.gemeente = ? AND b.jaar = ? AND b.team_id IN (SELECT team_id FROM team_wijken WHERE wijk = ?)", []any{gm, year, wijk})
	if err != nil {
		return casework.Budget{}, err
	}
	if len(bs) == 0 {
		return casework.Budget{}, errs.ErrNotFound
	}
	return bs[0], nil
}

// lockBudget reads a budget's amount and threshold in tx, locking its row
// on PostgreSQL until tx ends, so that every decision and budget change on
// it runs one after the other. SQLite needs no lock: its single writer
// (BEGIN IMMEDIATE) already serialises write transactions.
func (s *Store) lockBudget(ctx context.Context, tx *Tx, id string) (casework.Budget, error) {
	q := "SELECT b.id, b.gemeente, b.team_id, b.jaar, b.bedrag_cents, b.drempel_cents FROM budgets b WHERE b.id = ?"
	if s.dialect == Postgres {
		q += " FOR UPDATE"
	}
	var b casework.Budget
	err := tx.QueryRow(ctx, q, id).Scan(&b.ID, &b.Gemeente, &b.TeamID, &b.Jaar, &b.BedragCents, &b.DrempelCents)
	return b, classify(err)
}

func approvedSum(ctx context.Context, tx *Tx, budgetID, except string) (casework.Cents, error) {
	var sum casework.Cents
	err := tx.QueryRow(ctx, "SELECT CAST(COALESCE(SUM(bedrag_cents), 0) AS BIGINT) FROM spends WHERE budget_id = ? AND status = 'goedgekeurd' AND id <> ?",
		budgetID, except).Scan(&sum)
	return sum, err
}

// SetBudget sets a team's budget for a year (teamleider or beheer): it
// creates it, or changes amount and threshold. The amount never drops
// below what is already approved.
func (s *Store) SetBudget(ctx context.Context, a Actor, b *casework.Budget) error {
	if err := casework.ValidateBudget(b); err != nil {
		return err
	}
	err := s.Tx(ctx, func(tx *Tx) error {
		scope := teamScope(a)
		if len(scope) == 0 {
			return errs.ErrNotFound
		}
		ph, args := in(scope)
		if err := tx.QueryRow(ctx, "SELECT gemeente FROM teams WHERE id = ? AND gemeente IN ("+ph+")", append([]any{b.TeamID}, args...)...).Scan(&b.Gemeente); err != nil {
			return classify(err)
		}
		if err := s.checkScope(a, auth.ManageTeam, b.Gemeente); err != nil {
			return err
		}
		var id string
		err := tx.QueryRow(ctx, "SELECT id FROM budgets WHERE team_id = ? AND jaar = ?", b.TeamID, b.Jaar).Scan(&id)
		if err == sql.ErrNoRows {
			b.ID = secret.ID()
			b.Created = s.now().UTC()
			_, err = tx.Exec(ctx, "INSERT INTO budgets (id, gemeente, team_id, jaar, bedrag_cents, drempel_cents, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
				b.ID, b.Gemeente, b.TeamID, b.Jaar, int64(b.BedragCents), int64(b.DrempelCents), s.ts(b.Created))
			if errs.Is(classify(err), errs.Conflict) {
				return errs.E(errs.Conflict, "Er is net een budget voor dit jaar aangemaakt; probeer het opnieuw.")
			}
			return err
		}
		if err != nil {
			return err
		}
		if _, err := s.lockBudget(ctx, tx, id); err != nil {
			return err
		}
		approved, err := approvedSum(ctx, tx, id, "")
		if err != nil {
			return err
		}
		if b.BedragCents < approved {
			return &people.FieldError{Field: "bedrag_cents", Message: "er is al " + approved.String() + " goedgekeurd; het budget kan niet lager zijn"}
		}
		b.ID = id
		_, err = tx.Exec(ctx, "UPDATE budgets SET bedrag_cents = ?, drempel_cents = ? WHERE id = ?", int64(b.BedragCents), int64(b.DrempelCents), id)
		return err
	})
	if err != nil {
		return err
	}
	got, err := s.GetBudget(ctx, a, b.ID)
	if err != nil {
		return err
	}
	*b = got
	return nil
}

// --- spends (personal data: audited) ---

const spendSelect = `SELECT s.id, s.gemeente, s.budget_id, t.naam, b.jaar, b.drempel_cents, s.household_id, h.postcode, h.huisnummer, h.toevoeging,
	s.bedrag_cents, s.doel, s.voorkomt, s.verwacht_vermeden_cents, s.status, s.requested_by, ru.email, s.requested_at,
	COALESCE(s.decided_by, ''), COALESCE(du.email, ''), s.decided_at, s.besluit_reden
	FROM spends s JOIN budgets b ON b.id = s.budget_id JOIN teams t ON t.id = b.team_id JOIN households h ON h.id = s.household_id
	JOIN users ru ON ru.id = s.requested_by LEFT JOIN users du ON du.id = s.decided_by`

func scanSpend(sc interface{ Scan(...any) error }) (casework.Spend, error) {
	var sp casework.Spend
	var h people.Household
	var drempel casework.Cents
	var decided time.Time
	err := sc.Scan(&sp.ID, &sp.Gemeente, &sp.BudgetID, &sp.TeamNaam, &sp.Jaar, &drempel, &sp.HouseholdID, &h.Postcode, &h.Huisnummer, &h.Toevoeging,
		&sp.BedragCents, &sp.Doel, &sp.Voorkomt, &sp.VerwachtVermedenCents, &sp.Status, &sp.RequestedBy, &sp.RequestedByEmail, timeCol{&sp.RequestedAt},
		&sp.DecidedBy, &sp.DecidedByEmail, timeCol{&decided}, &sp.BesluitReden)
	if !decided.IsZero() {
		sp.DecidedAt = &decided
	}
	sp.Adres = h.Address()
	sp.NeedsTeamleider = sp.BedragCents > drempel
	return sp, err
}

// spends runs a spend query and audits what it returns as read or searched.
func (s *Store) spends(ctx context.Context, a Actor, action audit.Action, where, order string, args []any) ([]casework.Spend, error) {
	rows, err := s.query(ctx, spendSelect+" WHERE "+where+" ORDER BY "+order, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.Spend{}
	seen := map[string][]string{}
	for rows.Next() {
		sp, err := scanSpend(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
		seen[sp.Gemeente] = append(seen[sp.Gemeente], sp.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	rows.Close()
	return out, s.auditRead(ctx, a, action, RecSpend, seen)
}

// RequestSpend asks for money from the team's budget for a household. The
// budget is the one of the team working in the household's wijk, for the
// current year, unless sp.BudgetID names another budget of that team.
func (s *Store) RequestSpend(ctx context.Context, a Actor, sp *casework.Spend) error {
	if err := casework.ValidateSpend(sp); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		gm, err := s.householdGemeente(ctx, tx, a, sp.HouseholdID)
		if err != nil {
			return err
		}
		if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
			return err
		}
		var wijk string
		if err := tx.QueryRow(ctx, "SELECT wijk FROM households WHERE id = ?", sp.HouseholdID).Scan(&wijk); err != nil {
			return err
		}
		year := s.now().In(people.Amsterdam()).Year()
		if sp.BudgetID != "" {
			var team string
			err := tx.QueryRow(ctx, "SELECT team_id FROM budgets WHERE id = ? AND gemeente = ?", sp.BudgetID, gm).Scan(&team)
			if err == sql.ErrNoRows {
				return &people.FieldError{Field: "budget", Message: "dit budget is niet gevonden"}
			}
			if err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM team_wijken WHERE team_id = ? AND wijk = ?", team, wijk).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return &people.FieldError{Field: "budget", Message: "het huishouden woont niet in een wijk van het team van dit budget"}
			}
		} else {
			err := tx.QueryRow(ctx, `SELECT b.id FROM budgets b JOIN team_wijken tw ON tw.team_id = b.team_id
				WHERE tw.wijk = ? AND b.jaar = ? AND b.gemeente = ?`, wijk, year, gm).Scan(&sp.BudgetID)
			if err == sql.ErrNoRows {
				return &people.FieldError{Field: "budget", Message: "er is geen maatwerkbudget voor de wijk van dit huishouden in " + strconv.Itoa(year) + "; vraag de teamleider een team en budget in te stellen"}
			}
			if err != nil {
				return err
			}
		}
		if sp.ID == "" {
			sp.ID = secret.ID()
		}
		sp.Gemeente, sp.Status = gm, casework.SpendRequested
		sp.RequestedBy, sp.RequestedByEmail, sp.RequestedAt = a.P.UserID, a.P.Email, s.now().UTC()
		sp.DecidedBy, sp.DecidedByEmail, sp.DecidedAt, sp.BesluitReden = "", "", nil, ""
		if _, err := tx.Exec(ctx, `INSERT INTO spends (id, gemeente, budget_id, household_id, bedrag_cents, doel, voorkomt, verwacht_vermeden_cents, status, requested_by, requested_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, sp.ID, gm, sp.BudgetID, sp.HouseholdID, int64(sp.BedragCents), sp.Doel, sp.Voorkomt,
			int64(sp.VerwachtVermedenCents), sp.Status, sp.RequestedBy, s.ts(sp.RequestedAt)); err != nil {
			return err
		}
		if err := s.change(ctx, tx, gm, RecSpend, sp.ID, "create"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Create, gm, RecSpend, sp.ID)
	})
}

// DecideSpend approves or rejects a spend under the four-eyes principle.
// It reads the budget, the sum of approved spends and the spend, and
// writes the decision in one transaction that holds the budget's lock (on
// PostgreSQL a row lock; on SQLite the single writer), so two approvals
// that together would overdraw the budget can never both succeed.
// Whatever the caller sends, the decider is the actor.
func (s *Store) DecideSpend(ctx context.Context, a Actor, id string, d casework.Decision) (casework.Spend, error) {
	if a.P == nil {
		return casework.Spend{}, errs.E(errs.Unauthorized, "Log in.")
	}
	var gm string
	err := s.Tx(ctx, func(tx *Tx) error {
		scope := a.scope(auth.ReadPersons)
		if len(scope) == 0 {
			return errs.ErrNotFound
		}
		ph, args := in(scope)
		var budgetID string
		if err := tx.QueryRow(ctx, "SELECT gemeente, budget_id FROM spends WHERE id = ? AND gemeente IN ("+ph+")", append([]any{id}, args...)...).Scan(&gm, &budgetID); err != nil {
			return classify(err)
		}
		b, err := s.lockBudget(ctx, tx, budgetID)
		if err != nil {
			return err
		}
		// Read the spend and the approved sum only after the lock: they are
		// then what the previous decision committed.
		sp, err := scanSpend(tx.QueryRow(ctx, spendSelect+" WHERE s.id = ?", id))
		if err != nil {
			return classify(err)
		}
		approved, err := approvedSum(ctx, tx, budgetID, id)
		if err != nil {
			return err
		}
		if err := casework.CheckDecision(casework.DecisionContext{Spend: sp, Budget: b, ApprovedCents: approved, DeciderID: a.P.UserID,
			CanDecide: a.P.Can(auth.ApproveSpend, gm), CanLarge: a.P.Can(auth.ApproveLarge, gm)}, d); err != nil {
			return err
		}
		status := casework.SpendRejected
		if d.Approve {
			status = casework.SpendApproved
		}
		res, err := tx.Exec(ctx, `UPDATE spends SET status = ?, decided_by = ?, decided_at = ?, besluit_reden = ?
			WHERE id = ? AND status = 'aangevraagd' AND requested_by <> ?`, status, a.P.UserID, s.ts(s.now()), d.Reason, id, a.P.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "Over deze besteding is net al besloten.")
		}
		if err := s.change(ctx, tx, gm, RecSpend, id, "decide"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ApproveSpend, audit.Update, gm, RecSpend, id)
	})
	if err != nil {
		return casework.Spend{}, err
	}
	return s.GetSpend(ctx, a, id)
}

// GetSpend reads one spend.
func (s *Store) GetSpend(ctx context.Context, a Actor, id string) (casework.Spend, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return casework.Spend{}, errs.ErrNotFound
	}
	ph, args := in(scope)
	out, err := s.spends(ctx, a, audit.Read, "s.id = ? AND s.gemeente IN ("+ph+")", "s.id", append([]any{id}, args...))
	if err != nil {
		return casework.Spend{}, err
	}
	if len(out) == 0 {
		return casework.Spend{}, errs.ErrNotFound
	}
	return out[0], nil
}

// SpendsForHousehold lists a household's spends, newest first.
func (s *Store) SpendsForHousehold(ctx context.Context, a Actor, householdID string) ([]casework.Spend, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.ErrNotFound
	}
	ph, args := in(scope)
	var gm string
	if err := s.queryRow(ctx, "SELECT gemeente FROM households WHERE id = ? AND gemeente IN ("+ph+")", append([]any{householdID}, args...)...).Scan(&gm); err != nil {
		return nil, classify(err)
	}
	return s.spends(ctx, a, audit.Read, "s.household_id = ? AND s.gemeente = ?", "s.requested_at DESC, s.id", []any{householdID, gm})
}

// SpendsOfBudget lists a budget's spends, newest first (for people who
// work with households; beheer sees only the sums).
func (s *Store) SpendsOfBudget(ctx context.Context, a Actor, budgetID string) ([]casework.Spend, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "Uw rol mag de bestedingen zelf niet inzien.")
	}
	ph, args := in(scope)
	return s.spends(ctx, a, audit.Search, "s.budget_id = ? AND s.gemeente IN ("+ph+")", "s.requested_at DESC, s.id", append([]any{budgetID}, args...))
}

// SpendsAwaiting lists the requests the actor may decide, oldest first:
// open, in gemeenten where the actor approves spends, never their own,
// and above a budget's threshold only when the actor is a teamleider.
func (s *Store) SpendsAwaiting(ctx context.Context, a Actor) ([]casework.Spend, error) {
	scope := a.scope(auth.ApproveSpend)
	if len(scope) == 0 || a.P == nil {
		return []casework.Spend{}, nil
	}
	ph, args := in(scope)
	where := "s.status = 'aangevraagd' AND s.requested_by <> ? AND s.gemeente IN (" + ph + ")"
	args = append([]any{a.P.UserID}, args...)
	if large := a.scope(auth.ApproveLarge); len(large) > 0 {
		lph, largs := in(large)
		where += " AND (s.bedrag_cents <= b.drempel_cents OR s.gemeente IN (" + lph + "))"
		args = append(args, largs...)
	} else {
		where += " AND s.bedrag_cents <= b.drempel_cents"
	}
	return s.spends(ctx, a, audit.Search, where, "s.requested_at, s.id", args)
}

// SpendsRequestedOpen lists the actor's own requests that still wait for a
// colleague's decision, oldest first.
func (s *Store) SpendsRequestedOpen(ctx context.Context, a Actor) ([]casework.Spend, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 || a.P == nil {
		return []casework.Spend{}, nil
	}
	ph, args := in(scope)
	return s.spends(ctx, a, audit.Search, "s.status = 'aangevraagd' AND s.requested_by = ? AND s.gemeente IN ("+ph+")", "s.requested_at, s.id",
		append([]any{a.P.UserID}, args...))
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// Audit record types of the plan and of feedback on it.
const (
	RecPlan       = "plan"
	RecEvaluation = "evaluatie"
)

// planQ is what plan reads need, from a transaction or from the read pool.
type planQ interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// planReadQ reads outside a transaction.
type planReadQ struct{ s *Store }

func (r planReadQ) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return r.s.queryRow(ctx, q, args...)
}

func (r planReadQ) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.s.query(ctx, q, args...)
}

const planCols = `pl.id, pl.gemeente, pl.household_id, pl.versie, pl.status, pl.datum, pl.created_at,
	pl.akkoord_datum, pl.akkoord_wijze, pl.akkoord_toelichting, pl.created_by, ` + zrmUserName + `
	FROM plans pl JOIN users u ON u.id = pl.created_by`

func scanPlan(sc interface{ Scan(...any) error }) (casework.Plan, error) {
	var p casework.Plan
	var ag casework.Agreement
	if err := sc.Scan(&p.ID, &p.Gemeente, &p.Household, &p.Versie, &p.Status, &p.Datum, timeCol{&p.Created},
		&ag.Datum, &ag.Wijze, &ag.Toelichting, &p.CreatedBy, &p.CreatedByName); err != nil {
		return p, err
	}
	if p.Datum.IsZero() {
		p.Datum = people.DateOf(p.Created.In(people.Amsterdam()))
	}
	if !ag.Datum.IsZero() {
		p.Akkoord = &ag
	}
	p.Goals = []casework.Goal{}
	return p, nil
}

// planGoals fills the goals and their actions of p.
func (s *Store) planGoals(ctx context.Context, q planQ, p *casework.Plan) error {
	rows, err := q.Query(ctx, `SELECT g.id, g.positie, g.domein, COALESCE(g.person_id, ''), COALESCE(p.voornamen, ''), COALESCE(p.tussenvoegsel, ''), COALESCE(p.achternaam, ''),
		g.tekst, g.doel_niveau, g.streefdatum, g.status
		FROM plan_goals g LEFT JOIN persons p ON p.id = g.person_id WHERE g.plan_id = ? ORDER BY g.positie, g.id`, p.ID)
	if err != nil {
		return classify(err)
	}
	idx := map[string]int{}
	for rows.Next() {
		var g casework.Goal
		var pn people.Person
		if err := rows.Scan(&g.ID, &g.Positie, &g.Domein, &g.Person, &pn.Voornamen, &pn.Tussenvoegsel, &pn.Achternaam, &g.Tekst, &g.DoelNiveau, &g.Streefdatum, &g.Status); err != nil {
			rows.Close()
			return err
		}
		g.PersonName = pn.Name()
		g.Actions = []casework.Action{}
		idx[g.ID] = len(p.Goals)
		p.Goals = append(p.Goals, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return classify(err)
	}
	if len(p.Goals) == 0 {
		return nil
	}
	rows, err = q.Query(ctx, `SELECT a.id, a.goal_id, a.positie, a.tekst, a.wie, a.wie_naam, a.status, a.datum
		FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id WHERE g.plan_id = ? ORDER BY a.positie, a.id`, p.ID)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var ac casework.Action
		var goal string
		if err := rows.Scan(&ac.ID, &goal, &ac.Positie, &ac.Tekst, &ac.Wie, &ac.WieNaam, &ac.Status, &ac.Datum); err != nil {
			return err
		}
		if i, ok := idx[goal]; ok {
			p.Goals[i].Actions = append(p.Goals[i].Actions, ac)
		}
	}
	return classify(rows.Err())
}

// planWhere reads one plan version with its goals; ok is false when none matches.
func (s *Store) planWhere(ctx context.Context, q planQ, where string, args ...any) (casework.Plan, bool, error) {
	p, err := scanPlan(q.QueryRow(ctx, "SELECT "+planCols+" WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return casework.Plan{}, false, nil
	}
	if err != nil {
		return casework.Plan{}, false, classify(err)
	}
	return p, true, s.planGoals(ctx, q, &p)
}

func (s *Store) currentPlan(ctx context.Context, q planQ, gm, householdID string) (casework.Plan, bool, error) {
	return s.planWhere(ctx, q, "pl.household_id = ? AND pl.gemeente = ? AND pl.status = 'actueel'", householdID, gm)
}

// CurrentPlan returns the household's current plan with goals and actions;
// ok is false when it has none. Audited as a read of the plan.
func (s *Store) CurrentPlan(ctx context.Context, a Actor, householdID string) (casework.Plan, bool, error) {
	gm, err := s.zrmHouseholdGemeente(ctx, a, householdID)
	if err != nil {
		return casework.Plan{}, false, err
	}
	p, ok, err := s.currentPlan(ctx, planReadQ{s}, gm, householdID)
	if err != nil || !ok {
		return p, ok, err
	}
	return p, true, s.auditRead(ctx, a, audit.Read, RecPlan, map[string][]string{gm: {p.ID}})
}

// PlanVersion returns one version of the household's plan (current or not).
func (s *Store) PlanVersion(ctx context.Context, a Actor, householdID string, versie int) (casework.Plan, error) {
	gm, err := s.zrmHouseholdGemeente(ctx, a, householdID)
	if err != nil {
		return casework.Plan{}, err
	}
	p, ok, err := s.planWhere(ctx, planReadQ{s}, "pl.household_id = ? AND pl.gemeente = ? AND pl.versie = ?", householdID, gm, versie)
	if err != nil {
		return p, err
	}
	if !ok {
		return p, errs.E(errs.NotFound, "Deze versie van het plan bestaat niet.")
	}
	return p, s.auditRead(ctx, a, audit.Read, RecPlan, map[string][]string{gm: {p.ID}})
}

// PlanVersions returns every version of the household's plan, newest
// first, each with its goals and actions. Audited as a read of each version.
func (s *Store) PlanVersions(ctx context.Context, a Actor, householdID string) ([]casework.Plan, error) {
	gm, err := s.zrmHouseholdGemeente(ctx, a, householdID)
	if err != nil {
		return nil, err
	}
	q := planReadQ{s}
	rows, err := q.Query(ctx, "SELECT "+planCols+" WHERE pl.household_id = ? AND pl.gemeente = ? ORDER BY pl.versie DESC", householdID, gm)
	if err != nil {
		return nil, err
	}
	out := []casework.Plan{}
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	ids := make([]string, len(out))
	for i := range out {
		if err := s.planGoals(ctx, q, &out[i]); err != nil {
			return nil, err
		}
		ids[i] = out[i].ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	return out, s.auditRead(ctx, a, audit.Read, RecPlan, map[string][]string{gm: ids})
}

// errNoPlan answers a change to a household without a current plan.
var errNoPlan = errs.E(errs.Conflict, "Dit huishouden heeft nog geen actueel plan. Begin eerst een plan.")

// planLock serialises plan changes of one household. SQLite has one writer
// already; PostgreSQL takes a transaction-scoped advisory lock, so two
// colleagues changing the same agreed plan make one new version, not two.
func (s *Store) planLock(ctx context.Context, tx *Tx, householdID string) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext(?))", "naober-plan:"+householdID)
	return err
}

// planTx runs fn for a plan change: the household must be the actor's to
// write, plan changes of the household are serialised, and fn gets the
// current version (ok false if none). Everything fn writes is one transaction.
func (s *Store) planTx(ctx context.Context, a Actor, householdID string, fn func(tx *Tx, gm string, cur casework.Plan, ok bool) error) error {
	return s.Tx(ctx, func(tx *Tx) error {
		gm, err := s.householdGemeente(ctx, tx, a, householdID)
		if err != nil {
			return err
		}
		if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
			return err
		}
		if err := s.planLock(ctx, tx, householdID); err != nil {
			return err
		}
		cur, ok, err := s.currentPlan(ctx, tx, gm, householdID)
		if err != nil {
			return err
		}
		return fn(tx, gm, cur, ok)
	})
}

// planReload reads a version back inside the transaction that changed it.
func (s *Store) planReload(ctx context.Context, tx *Tx, id string) (casework.Plan, error) {
	p, ok, err := s.planWhere(ctx, tx, "pl.id = ?", id)
	if err == nil && !ok {
		err = errs.ErrNotFound
	}
	return p, err
}

// planStale explains why an id of a goal or action is not in the current
// version: it belongs to an earlier one (conflict), or is unknown.
func (s *Store) planStale(ctx context.Context, tx *Tx, householdID, table, id string) error {
	q := `SELECT pl.versie, pl.status FROM plan_goals g JOIN plans pl ON pl.id = g.plan_id WHERE g.id = ? AND pl.household_id = ?`
	if table == "actie" {
		q = `SELECT pl.versie, pl.status FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id JOIN plans pl ON pl.id = g.plan_id WHERE a.id = ? AND pl.household_id = ?`
	}
	var versie int
	var status string
	err := tx.QueryRow(ctx, q, id, householdID).Scan(&versie, &status)
	if errors.Is(err, sql.ErrNoRows) {
		if table == "actie" {
			return errs.E(errs.NotFound, "Deze actie staat niet in het plan van dit huishouden.")
		}
		return errs.E(errs.NotFound, "Dit doel staat niet in het plan van dit huishouden.")
	}
	if err != nil {
		return err
	}
	return errs.E(errs.Conflict, "Dit hoort bij versie %d van het plan, die %s is; alleen het actuele plan kan nog veranderen. Open het actuele plan.",
		versie, strings.ToLower(casework.PlanStatusLabel(status)))
}

// StartPlan begins version 1 (or the next version after a closed plan) of
// the household's plan, dated datum (zero: today; not in the future). A
// household with a current plan gets a conflict: there is one plan.
func (s *Store) StartPlan(ctx context.Context, a Actor, householdID string, datum people.Date) (casework.Plan, error) {
	today := s.zrmToday()
	if datum.IsZero() {
		datum = today
	}
	if err := casework.ValidatePlanDate(datum, today); err != nil {
		return casework.Plan{}, err
	}
	var out casework.Plan
	err := s.planTx(ctx, a, householdID, func(tx *Tx, gm string, cur casework.Plan, ok bool) error {
		if ok {
			return errs.E(errs.Conflict, "Dit huishouden heeft al een actueel plan (versie %d). Werk dat plan bij.", cur.Versie)
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(versie), 0) FROM plans WHERE household_id = ?", householdID).Scan(&n); err != nil {
			return err
		}
		id := secret.ID()
		_, err := tx.Exec(ctx, `INSERT INTO plans (id, gemeente, household_id, versie, status, datum, created_by, created_at) VALUES (?, ?, ?, ?, 'actueel', ?, ?, ?)`,
			id, gm, householdID, n+1, datum, a.P.UserID, s.ts(s.now()))
		if errs.Is(classify(err), errs.Conflict) {
			return errs.E(errs.Conflict, "Dit huishouden heeft al een actueel plan. Werk dat plan bij.")
		}
		if err != nil {
			return err
		}
		if err := s.change(ctx, tx, gm, RecPlan, id, "create"); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, auth.WritePersons, audit.Create, gm, RecPlan, id); err != nil {
			return err
		}
		out, err = s.planReload(ctx, tx, id)
		return err
	})
	return out, err
}

// planForChange returns the version a change goes into: the current one
// when it is not yet agreed, or else a new version (a copy of the agreed one,
// dated today, to be agreed again) while the agreed one becomes "vervangen".
// ids maps goal and action ids of cur to their ids in the returned version.
func (s *Store) planForChange(ctx context.Context, tx *Tx, a Actor, gm string, cur casework.Plan, today people.Date) (casework.Plan, map[string]string, error) {
	ids := map[string]string{}
	if cur.Editable() {
		for _, g := range cur.Goals {
			ids[g.ID] = g.ID
			for _, ac := range g.Actions {
				ids[ac.ID] = ac.ID
			}
		}
		return cur, ids, nil
	}
	// The old version steps down first: the partial unique index allows one current version.
	res, err := tx.Exec(ctx, "UPDATE plans SET status = 'vervangen' WHERE id = ? AND status = 'actueel'", cur.ID)
	if err != nil {
		return cur, nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return cur, nil, errs.E(errs.Conflict, "Het plan is intussen gewijzigd. Laad het opnieuw en probeer het nog eens.")
	}
	var n int
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(versie), 0) FROM plans WHERE household_id = ?", cur.Household).Scan(&n); err != nil {
		return cur, nil, err
	}
	id := secret.ID()
	if _, err := tx.Exec(ctx, `INSERT INTO plans (id, gemeente, household_id, versie, status, datum, created_by, created_at) VALUES (?, ?, ?, ?, 'actueel', ?, ?, ?)`,
		id, gm, cur.Household, n+1, today, a.P.UserID, s.ts(s.now())); err != nil {
		return cur, nil, err
	}
	for _, g := range cur.Goals {
		gid := secret.ID()
		ids[g.ID] = gid
		if err := s.planInsertGoal(ctx, tx, gm, id, gid, g); err != nil {
			return cur, nil, err
		}
		for _, ac := range g.Actions {
			aid := secret.ID()
			ids[ac.ID] = aid
			if err := s.planInsertAction(ctx, tx, gm, gid, aid, ac); err != nil {
				return cur, nil, err
			}
		}
	}
	for _, x := range []struct{ id, op string }{{cur.ID, "update"}, {id, "create"}} {
		if err := s.change(ctx, tx, gm, RecPlan, x.id, x.op); err != nil {
			return cur, nil, err
		}
	}
	if err := s.audit(ctx, tx, a, auth.WritePersons, audit.Update, gm, RecPlan, cur.ID); err != nil {
		return cur, nil, err
	}
	if err := s.audit(ctx, tx, a, auth.WritePersons, audit.Create, gm, RecPlan, id); err != nil {
		return cur, nil, err
	}
	p, err := s.planReload(ctx, tx, id)
	return p, ids, err
}

func (s *Store) planInsertGoal(ctx context.Context, tx *Tx, gm, planID, id string, g casework.Goal) error {
	var person any
	if g.Person != "" {
		person = g.Person
	}
	_, err := tx.Exec(ctx, `INSERT INTO plan_goals (id, gemeente, plan_id, positie, domein, person_id, tekst, doel_niveau, streefdatum, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, gm, planID, g.Positie, g.Domein, person, g.Tekst, g.DoelNiveau, g.Streefdatum, g.Status)
	return err
}

func (s *Store) planInsertAction(ctx context.Context, tx *Tx, gm, goalID, id string, ac casework.Action) error {
	_, err := tx.Exec(ctx, `INSERT INTO plan_actions (id, gemeente, goal_id, positie, tekst, wie, wie_naam, status, datum)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, gm, goalID, ac.Positie, ac.Tekst, ac.Wie, ac.WieNaam, ac.Status, ac.Datum)
	return err
}

// planChanged closes a change: change log, audit, and the version as it is now.
func (s *Store) planChanged(ctx context.Context, tx *Tx, a Actor, gm, planID string) (casework.Plan, error) {
	if err := s.change(ctx, tx, gm, RecPlan, planID, "update"); err != nil {
		return casework.Plan{}, err
	}
	if err := s.audit(ctx, tx, a, auth.WritePersons, audit.Update, gm, RecPlan, planID); err != nil {
		return casework.Plan{}, err
	}
	return s.planReload(ctx, tx, planID)
}

// AddGoal adds a goal, with the actions in g.Actions, to the household's
// current plan; to a new version when the current one is agreed. The goal is
// for g.Person (a current member) or, empty, the whole household. Nothing
// is saved unless the goal and all its actions are valid. It returns the
// version the goal went into; g gets its id.
func (s *Store) AddGoal(ctx context.Context, a Actor, householdID string, g *casework.Goal) (casework.Plan, error) {
	today := s.zrmToday()
	var out casework.Plan
	err := s.planTx(ctx, a, householdID, func(tx *Tx, gm string, cur casework.Plan, ok bool) error {
		if !ok {
			return errNoPlan
		}
		planDate := cur.Datum
		if !cur.Editable() {
			planDate = today
		}
		var fe people.FieldErrors
		if err := casework.ValidateGoal(g, planDate); err != nil {
			fe, _ = people.AsFieldErrors(err)
		}
		if g.Person != "" {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM household_members WHERE household_id = ? AND person_id = ? AND (end_date IS NULL OR end_date > ?)`,
				householdID, g.Person, today).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				fe.Add("persoon", "deze persoon is geen lid van dit huishouden; kies een lid of het hele huishouden")
			}
		}
		if len(fe) > 0 {
			return fe
		}
		p, _, err := s.planForChange(ctx, tx, a, gm, cur, today)
		if err != nil {
			return err
		}
		g.ID, g.Positie = secret.ID(), 1
		for _, x := range p.Goals {
			if x.Positie >= g.Positie {
				g.Positie = x.Positie + 1
			}
		}
		if err := s.planInsertGoal(ctx, tx, gm, p.ID, g.ID, *g); err != nil {
			return err
		}
		for i := range g.Actions {
			g.Actions[i].ID, g.Actions[i].Positie = secret.ID(), i+1
			if err := s.planInsertAction(ctx, tx, gm, g.ID, g.Actions[i].ID, g.Actions[i]); err != nil {
				return err
			}
		}
		out, err = s.planChanged(ctx, tx, a, gm, p.ID)
		return err
	})
	return out, err
}

// AddAction adds an action under a goal of the current plan; to a new
// version when the current one is agreed. It returns the version the action
// went into; ac gets its id.
func (s *Store) AddAction(ctx context.Context, a Actor, householdID, goalID string, ac *casework.Action) (casework.Plan, error) {
	today := s.zrmToday()
	var out casework.Plan
	err := s.planTx(ctx, a, householdID, func(tx *Tx, gm string, cur casework.Plan, ok bool) error {
		if !ok {
			return errNoPlan
		}
		if _, found := cur.Goal(goalID); !found {
			return s.planStale(ctx, tx, householdID, "doel", goalID)
		}
		planDate := cur.Datum
		if !cur.Editable() {
			planDate = today
		}
		if err := casework.ValidateAction(ac, planDate); err != nil {
			return err
		}
		p, ids, err := s.planForChange(ctx, tx, a, gm, cur, today)
		if err != nil {
			return err
		}
		goal, _ := p.Goal(ids[goalID])
		if goal == nil {
			return errs.E(errs.Internal, "goal lost in a new plan version")
		}
		ac.ID, ac.Positie = secret.ID(), 1
		for _, x := range goal.Actions {
			if x.Positie >= ac.Positie {
				ac.Positie = x.Positie + 1
			}
		}
		if err := s.planInsertAction(ctx, tx, gm, goal.ID, ac.ID, *ac); err != nil {
			return err
		}
		out, err = s.planChanged(ctx, tx, a, gm, p.ID)
		return err
	})
	return out, err
}

// SetGoalStatus records progress on a goal of the current version (open,
// bereikt, niet_bereikt). Progress does not change what was agreed, so it
// stays in the current version; earlier versions are read-only.
func (s *Store) SetGoalStatus(ctx context.Context, a Actor, householdID, goalID, status string) (casework.Plan, error) {
	if err := casework.ValidateGoalStatus(status); err != nil {
		return casework.Plan{}, err
	}
	var out casework.Plan
	err := s.planTx(ctx, a, householdID, func(tx *Tx, gm string, cur casework.Plan, ok bool) error {
		if !ok {
			return errNoPlan
		}
		if _, found := cur.Goal(goalID); !found {
			return s.planStale(ctx, tx, householdID, "doel", goalID)
		}
		if _, err := tx.Exec(ctx, "UPDATE plan_goals SET status = ? WHERE id = ? AND plan_id = ?", status, goalID, cur.ID); err != nil {
			return err
		}
		var err error
		out, err = s.planChanged(ctx, tx, a, gm, cur.ID)
		return err
	})
	return out, err
}

// SetActionStatus records progress on an action of the current version.
func (s *Store) SetActionStatus(ctx context.Context, a Actor, householdID, actionID, status string) (casework.Plan, error) {
	if err := casework.ValidateActionStatus(status); err != nil {
		return casework.Plan{}, err
	}
	var out casework.Plan
	err := s.planTx(ctx, a, householdID, func(tx *Tx, gm string, cur casework.Plan, ok bool) error {
		if !ok {
			return errNoPlan
		}
		if _, _, found := cur.Action(actionID); !found {
			return s.planStale(ctx, tx, householdID, "actie", actionID)
		}
		if _, err := tx.Exec(ctx, "UPDATE plan_actions SET status = ? WHERE id = ?", status, actionID); err != nil {
			return err
		}
		var err error
		out, err = s.planChanged(ctx, tx, a, gm, cur.ID)
		return err
	})
	return out, err
}

// AgreePlan records the household's agreement with the current version;
// from then on that version is frozen. Agreeing twice is a conflict.
func (s *Store) AgreePlan(ctx context.Context, a Actor, householdID string, ag *casework.Agreement) (casework.Plan, error) {
	today := s.zrmToday()
	var out casework.Plan
	err := s.planTx(ctx, a, householdID, func(tx *Tx, gm string, cur casework.Plan, ok bool) error {
		if !ok {
			return errNoPlan
		}
		if cur.Agreed() {
			return errs.E(errs.Conflict, "Het huishouden heeft al ingestemd met versie %d (op %s). Verandert u het plan, dan komt er een nieuwe versie om mee in te stemmen.",
				cur.Versie, cur.Akkoord.Datum.Dutch())
		}
		if err := casework.ValidateAgreement(ag, cur, today); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE plans SET akkoord_datum = ?, akkoord_wijze = ?, akkoord_toelichting = ? WHERE id = ? AND akkoord_datum IS NULL`,
			ag.Datum, ag.Wijze, ag.Toelichting, cur.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errs.E(errs.Conflict, "Het plan is intussen gewijzigd. Laad het opnieuw.")
		}
		out, err = s.planChanged(ctx, tx, a, gm, cur.ID)
		return err
	})
	return out, err
}

// CreateEvaluation records the household's feedback on the current plan.
// The goal statuses in ev.Doelen are applied to the plan first; the number
// of goals reached and in total are then counted by the server from the
// plan, whatever the caller sent. A closing (afsluiting) closes the plan.
func (s *Store) CreateEvaluation(ctx context.Context, a Actor, householdID string, ev *casework.Evaluation) error {
	today := s.zrmToday()
	return s.planTx(ctx, a, householdID, func(tx *Tx, gm string, cur casework.Plan, ok bool) error {
		if !ok {
			return errNoPlan
		}
		if err := casework.ValidateEvaluation(ev, cur, today); err != nil {
			return err
		}
		for id, st := range ev.Doelen {
			if _, err := tx.Exec(ctx, "UPDATE plan_goals SET status = ? WHERE id = ? AND plan_id = ?", st, id, cur.ID); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN status = 'bereikt' THEN 1 ELSE 0 END), 0), COUNT(*) FROM plan_goals WHERE plan_id = ?`,
			cur.ID).Scan(&ev.DoelenBereikt, &ev.DoelenTotaal); err != nil {
			return err
		}
		ev.ID, ev.Gemeente, ev.Household, ev.Plan, ev.Versie = secret.ID(), gm, householdID, cur.ID, cur.Versie
		ev.By, ev.Created = a.P.UserID, s.now().UTC()
		if _, err := tx.Exec(ctx, `INSERT INTO evaluations (id, gemeente, household_id, plan_id, soort, datum, tevredenheid, gezegd, doelen_bereikt, doelen_totaal, by_user, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ev.ID, gm, householdID, cur.ID, ev.Soort, ev.Datum, ev.Tevredenheid, ev.Gezegd,
			ev.DoelenBereikt, ev.DoelenTotaal, ev.By, s.ts(ev.Created)); err != nil {
			return err
		}
		if ev.Soort == casework.EvalClose {
			if _, err := tx.Exec(ctx, "UPDATE plans SET status = 'afgesloten' WHERE id = ? AND status = 'actueel'", cur.ID); err != nil {
				return err
			}
		}
		if err := s.change(ctx, tx, gm, RecEvaluation, ev.ID, "create"); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, auth.WritePersons, audit.Create, gm, RecEvaluation, ev.ID); err != nil {
			return err
		}
		_, err := s.planChanged(ctx, tx, a, gm, cur.ID)
		return err
	})
}

// EvaluationsForHousehold returns the household's feedback on all its plan
// versions, oldest first. Audited as a read of each evaluation.
func (s *Store) EvaluationsForHousehold(ctx context.Context, a Actor, householdID string) ([]casework.Evaluation, error) {
	gm, err := s.zrmHouseholdGemeente(ctx, a, householdID)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT e.id, e.gemeente, e.household_id, e.plan_id, pl.versie, e.soort, e.datum, e.tevredenheid, e.gezegd,
		e.doelen_bereikt, e.doelen_totaal, e.by_user, `+zrmUserName+`, e.created_at
		FROM evaluations e JOIN plans pl ON pl.id = e.plan_id JOIN users u ON u.id = e.by_user
		WHERE e.household_id = ? AND e.gemeente = ? ORDER BY e.datum, e.created_at, e.id`, householdID, gm)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.Evaluation{}
	var ids []string
	for rows.Next() {
		var ev casework.Evaluation
		if err := rows.Scan(&ev.ID, &ev.Gemeente, &ev.Household, &ev.Plan, &ev.Versie, &ev.Soort, &ev.Datum, &ev.Tevredenheid, &ev.Gezegd,
			&ev.DoelenBereikt, &ev.DoelenTotaal, &ev.By, &ev.ByName, timeCol{&ev.Created}); err != nil {
			return nil, err
		}
		out = append(out, ev)
		ids = append(ids, ev.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	if len(ids) == 0 {
		return out, nil
	}
	return out, s.auditRead(ctx, a, audit.Read, RecEvaluation, map[string][]string{gm: ids})
}

// OverdueGoals lists, for the worklist, the open goals of current plans whose
// target date lies before today, in households of the given gemeenten (empty:
// all the actor may see) with an active case of regisseurID ("" = any
// regisseur). Oldest target date first. Audited as a search of those plans.
func (s *Store) OverdueGoals(ctx context.Context, a Actor, gemeenten []string, regisseurID string, today people.Date) ([]casework.OverdueGoal, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "U mag geen huishoudens inzien.")
	}
	if len(gemeenten) > 0 {
		allowed := map[string]bool{}
		for _, g := range scope {
			allowed[g] = true
		}
		scope = nil
		for _, g := range gemeenten {
			if allowed[g] {
				scope = append(scope, g)
			}
		}
		if len(scope) == 0 {
			return []casework.OverdueGoal{}, nil
		}
	}
	ph, args := in(scope)
	q := `SELECT h.id, h.gemeente, h.postcode, h.huisnummer, h.toevoeging, pl.id, pl.versie, g.id, g.domein, g.tekst, g.streefdatum,
		COALESCE(g.person_id, ''), COALESCE(p.voornamen, ''), COALESCE(p.tussenvoegsel, ''), COALESCE(p.achternaam, '')
		FROM plan_goals g
		JOIN plans pl ON pl.id = g.plan_id AND pl.status = 'actueel'
		JOIN households h ON h.id = pl.household_id
		LEFT JOIN persons p ON p.id = g.person_id
		WHERE g.status = 'open' AND g.streefdatum < ? AND g.gemeente IN (` + ph + `)
		AND EXISTS (SELECT 1 FROM cases c WHERE c.household_id = h.id AND c.status = 'actief'`
	qargs := append([]any{today}, args...)
	if regisseurID != "" {
		q += " AND c.regisseur_id = ?"
		qargs = append(qargs, regisseurID)
	}
	q += ") ORDER BY g.streefdatum, h.postcode, h.huisnummer, g.positie"
	rows, err := s.query(ctx, q, qargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.OverdueGoal{}
	recs := map[string][]string{}
	seen := map[string]bool{}
	for rows.Next() {
		var o casework.OverdueGoal
		var h people.Household
		var p people.Person
		if err := rows.Scan(&h.ID, &h.Gemeente, &h.Postcode, &h.Huisnummer, &h.Toevoeging, &o.PlanID, &o.Versie, &o.GoalID, &o.Domein, &o.Tekst, &o.Streefdatum,
			&o.PersonID, &p.Voornamen, &p.Tussenvoegsel, &p.Achternaam); err != nil {
			return nil, err
		}
		o.HouseholdID, o.Adres, o.PersonName = h.ID, h.Address(), p.Name()
		out = append(out, o)
		if !seen[o.PlanID] {
			seen[o.PlanID] = true
			recs[h.Gemeente] = append(recs[h.Gemeente], o.PlanID)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	return out, s.auditRead(ctx, a, audit.Search, RecPlan, recs)
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// The neighbourhood fund (issue 7). Funds are public (name, budget,
// criteria, what is granted). An application holds personal data (who
// applies, what for): the applicant sees their own; the fund managers of
// the gemeente see submitted ones, and every such read is audited. On the
// wijk page only initiatives whose applicants agreed appear, never with a
// name.
//
// When a resident deletes their account, applications not yet decided on
// (concept, ingediend, beoordeeld) or withdrawn go with it: nothing was granted, so
// there is nothing to account for. Decided ones (toegekend, afgewezen,
// afgesloten) stay without the applicant: granted money and the reasons
// for a rejection are public accountability of the gemeente.

// RecFundApplication is the audit record type of fund applications.
const RecFundApplication = "fondsaanvraag"

// --- funds (not personal data) ---

const fundCols = `f.id, f.gemeente, f.name, f.year, f.budget_cents, f.max_cents, f.criteria, f.apk_months, f.tranches, f.created_at,
	CAST(COALESCE((SELECT SUM(x.granted_cents) FROM fund_applications x WHERE x.fund_id = f.id AND x.status IN ('toegekend', 'afgesloten')), 0) AS BIGINT)`

func scanFund(sc interface{ Scan(...any) error }) (participation.Fund, error) {
	var f participation.Fund
	var budget, max, granted int64
	err := sc.Scan(&f.ID, &f.Gemeente, &f.Name, &f.Year, &budget, &max, &f.Criteria, &f.APKMonths, &f.Tranches, timeCol{&f.CreatedAt}, &granted)
	f.Budget, f.Max, f.Granted = casework.Cents(budget), casework.Cents(max), casework.Cents(granted)
	f.Remaining = f.Budget - f.Granted
	return f, err
}

func (s *Store) funds(ctx context.Context, where string, args ...any) ([]participation.Fund, error) {
	rows, err := s.query(ctx, "SELECT "+fundCols+" FROM funds f WHERE "+where+" ORDER BY f.year DESC, f.name, f.id", args...)
	if err != nil {
		return nil, err
	}
	var out []participation.Fund
	for rows.Next() {
		f, err := scanFund(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	for i := range out {
		if out[i].Wijken, err = s.fundWijken(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) fundWijken(ctx context.Context, id string) ([]string, error) {
	rows, err := s.query(ctx, "SELECT wijk FROM fund_wijken WHERE fund_id = ? ORDER BY wijk", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, classify(rows.Err())
}

// Fund reads one fund with what it granted. Public.
func (s *Store) Fund(ctx context.Context, id string) (participation.Fund, error) {
	fs, err := s.funds(ctx, "f.id = ?", id)
	if err != nil {
		return participation.Fund{}, err
	}
	if len(fs) == 0 {
		return participation.Fund{}, errs.E(errs.NotFound, "Dit fonds bestaat niet.")
	}
	return fs[0], nil
}

// FundsOf lists a gemeente's funds, newest year first. Public.
func (s *Store) FundsOf(ctx context.Context, gemeente string) ([]participation.Fund, error) {
	return s.funds(ctx, "f.gemeente = ?", gemeente)
}

// FundsOfYear lists every fund of a year, of all gemeenten this server
// serves, for the public list. Public: no applicant data.
func (s *Store) FundsOfYear(ctx context.Context, year int) ([]participation.Fund, error) {
	return s.funds(ctx, "f.year = ?", year)
}

// FundsForWijk lists the funds open to residents of the wijk in a year.
func (s *Store) FundsForWijk(ctx context.Context, wijk string, year int) ([]participation.Fund, error) {
	return s.funds(ctx, "f.year = ? AND f.id IN (SELECT fund_id FROM fund_wijken WHERE wijk = ?)", year, wijk)
}

// ManagedFunds lists the funds of the gemeenten where the principal runs funds.
func (s *Store) ManagedFunds(ctx context.Context, p *auth.Principal) ([]participation.Fund, error) {
	gms := p.Gemeenten(auth.ManageFund)
	if len(gms) == 0 {
		return nil, nil
	}
	ph, args := in(gms)
	return s.funds(ctx, "f.gemeente IN ("+ph+")", args...)
}

// CreateFund opens a fund. Its wijken must lie in its gemeente.
func (s *Store) CreateFund(ctx context.Context, a Actor, f *participation.Fund) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	if !participation.MayManageFund(a.P, f.Gemeente) {
		return errs.E(errs.Forbidden, "U beheert geen fondsen van deze gemeente.")
	}
	if s.wijkGemeente != nil {
		for _, w := range f.Wijken {
			if gm, ok := s.wijkGemeente(w); !ok || gm != f.Gemeente {
				return people.FieldErrors{{Field: "wijken", Message: "De wijk " + w + " ligt niet in deze gemeente."}}
			}
		}
	}
	if f.ID == "" { // the demo sets its own
		f.ID = secret.ID()
	}
	f.CreatedAt = s.now().UTC()
	return s.Tx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO funds (id, gemeente, name, year, budget_cents, max_cents, criteria, apk_months, tranches, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.ID, f.Gemeente, f.Name, f.Year, int64(f.Budget), int64(f.Max), f.Criteria, f.APKMonths, f.Tranches,
			a.P.UserID, s.ts(f.CreatedAt)); err != nil {
			if strings.Contains(strings.ToLower(err.Error()), "foreign key") {
				return errs.E(errs.Invalid, "De gemeente %s wordt niet door deze server bediend.", f.Gemeente)
			}
			return err
		}
		for _, w := range f.Wijken {
			if _, err := tx.Exec(ctx, "INSERT INTO fund_wijken (fund_id, wijk) VALUES (?, ?)", f.ID, w); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, auth.ManageFund, audit.Create, f.Gemeente, "fonds", f.ID)
	})
}

// UpdateFund changes a fund's name, budget, maximum, criteria, wijken,
// APK interval and number of tranches (not its gemeente or year). Under
// the fund's lock, so a decision in flight is counted: the budget never
// drops below what is granted. Grants already made keep their amount,
// tranches and APK dates; applications from a wijk taken off the list
// stay.
func (s *Store) UpdateFund(ctx context.Context, a Actor, f *participation.Fund) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		old, err := s.lockFund(ctx, tx, f.ID)
		if err != nil {
			return err
		}
		if !participation.MayManageFund(a.P, old.Gemeente) {
			return errs.E(errs.NotFound, "Dit fonds bestaat niet.")
		}
		f.Gemeente, f.Year = old.Gemeente, old.Year
		if err := f.Validate(); err != nil {
			return err
		}
		if s.wijkGemeente != nil {
			for _, w := range f.Wijken {
				if gm, ok := s.wijkGemeente(w); !ok || gm != f.Gemeente {
					return people.FieldErrors{{Field: "wijken", Message: "De wijk " + w + " ligt niet in deze gemeente."}}
				}
			}
		}
		var granted int64
		if err := tx.QueryRow(ctx, `SELECT CAST(COALESCE(SUM(granted_cents), 0) AS BIGINT) FROM fund_applications
			WHERE fund_id = ? AND status IN ('toegekend', 'afgesloten')`, f.ID).Scan(&granted); err != nil {
			return err
		}
		if f.Budget < casework.Cents(granted) {
			return people.FieldErrors{{Field: "budget", Message: "Er is al " + casework.Cents(granted).String() + " toegekend; het jaarbudget kan niet lager zijn."}}
		}
		if _, err := tx.Exec(ctx, "UPDATE funds SET name = ?, budget_cents = ?, max_cents = ?, criteria = ?, apk_months = ?, tranches = ? WHERE id = ?",
			f.Name, int64(f.Budget), int64(f.Max), f.Criteria, f.APKMonths, f.Tranches, f.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM fund_wijken WHERE fund_id = ?", f.ID); err != nil {
			return err
		}
		for _, w := range f.Wijken {
			if _, err := tx.Exec(ctx, "INSERT INTO fund_wijken (fund_id, wijk) VALUES (?, ?)", f.ID, w); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, auth.ManageFund, audit.Update, f.Gemeente, "fonds", f.ID)
	})
}

// lockFund reads a fund in tx, locking its row on PostgreSQL until tx
// ends, so decisions on its applications run one after the other. SQLite
// needs no lock: its single writer (BEGIN IMMEDIATE) serialises them.
func (s *Store) lockFund(ctx context.Context, tx *Tx, id string) (participation.Fund, error) {
	var f participation.Fund
	var budget, max int64
	err := tx.QueryRow(ctx, "SELECT id, gemeente, name, year, budget_cents, max_cents, apk_months, tranches FROM funds WHERE id = ?"+s.forUpdate(), id).
		Scan(&f.ID, &f.Gemeente, &f.Name, &f.Year, &budget, &max, &f.APKMonths, &f.Tranches)
	f.Budget, f.Max = casework.Cents(budget), casework.Cents(max)
	if errs.Is(classify(err), errs.NotFound) {
		return f, errs.E(errs.NotFound, "Dit fonds bestaat niet.")
	}
	return f, classify(err)
}

// --- applications (personal data) ---

const appCols = `a.id, a.fund_id, f.name, a.gemeente, a.wijk, a.status, a.title, a.what, a.for_whom, a.goal, a.own_cents, a.own_in_kind,
	a.public_consent, COALESCE(a.applicant_id, ''), a.created_at, a.submitted_at, a.advice, a.review_text, COALESCE(a.reviewed_by, ''), a.reviewed_at,
	a.granted_cents, a.decision_reason, COALESCE(a.decided_by, ''), a.decided_at, a.final_note, a.closed_at, a.withdrawn_at, a.withdraw_reason`

const appFrom = " FROM fund_applications a JOIN funds f ON f.id = a.fund_id"

func scanApp(sc interface{ Scan(...any) error }) (participation.Application, error) {
	var x participation.Application
	var own, granted int64
	var public int
	err := sc.Scan(&x.ID, &x.FundID, &x.FundName, &x.Gemeente, &x.Wijk, &x.Status, &x.Title, &x.What, &x.ForWhom, &x.Goal, &own, &x.OwnInKind,
		&public, &x.ApplicantID, timeCol{&x.CreatedAt}, timeCol{&x.SubmittedAt}, &x.Advice, &x.ReviewText, &x.ReviewedBy, timeCol{&x.ReviewedAt},
		&granted, &x.Reason, &x.DecidedBy, timeCol{&x.DecidedAt}, &x.FinalNote, timeCol{&x.ClosedAt}, timeCol{&x.WithdrawnAt}, &x.WithdrawReason)
	x.Own, x.GrantedCents, x.Public = casework.Cents(own), casework.Cents(granted), public != 0
	return x, err
}

type querier interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// storeQ lets the read helpers run outside a transaction.
type storeQ struct{ s *Store }

func (q storeQ) QueryRow(ctx context.Context, sql string, args ...any) *sql.Row {
	return q.s.queryRow(ctx, sql, args...)
}
func (q storeQ) Query(ctx context.Context, sql string, args ...any) (*sql.Rows, error) {
	return q.s.query(ctx, sql, args...)
}

// apps reads applications with their lines, tranches and APKs.
func (s *Store) apps(ctx context.Context, q querier, where string, args ...any) ([]participation.Application, error) {
	rows, err := q.Query(ctx, "SELECT "+appCols+appFrom+" WHERE "+where+" ORDER BY a.created_at DESC, a.id", args...)
	if err != nil {
		return nil, classify(err)
	}
	var out []participation.Application
	for rows.Next() {
		x, err := scanApp(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	for i := range out {
		if err := s.appDetails(ctx, q, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) appDetails(ctx context.Context, q querier, x *participation.Application) error {
	x.Lines, x.Tranches, x.APKs = nil, nil, nil
	rows, err := q.Query(ctx, "SELECT description, amount_cents, spent_cents, note FROM fund_lines WHERE application_id = ? ORDER BY pos", x.ID)
	if err != nil {
		return classify(err)
	}
	for rows.Next() {
		var l participation.BudgetLine
		var amount, spent int64
		if err := rows.Scan(&l.Description, &amount, &spent, &l.Note); err != nil {
			rows.Close()
			return err
		}
		l.Amount, l.Spent = casework.Cents(amount), casework.Cents(spent)
		x.Lines = append(x.Lines, l)
	}
	rows.Close()
	rows, err = q.Query(ctx, "SELECT pos, label, amount_cents, COALESCE(paid_by, ''), paid_at FROM fund_tranches WHERE application_id = ? ORDER BY pos", x.ID)
	if err != nil {
		return classify(err)
	}
	for rows.Next() {
		var t participation.Tranche
		var amount int64
		if err := rows.Scan(&t.Pos, &t.Label, &amount, &t.PaidBy, timeCol{&t.PaidAt}); err != nil {
			rows.Close()
			return err
		}
		t.Amount = casework.Cents(amount)
		x.Tranches = append(x.Tranches, t)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT pos, due_on, answered_at, on_course, course, partners, still_needed, needed FROM fund_apks
		WHERE application_id = ? ORDER BY pos`, x.ID)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k participation.APK
		var on, still int
		if err := rows.Scan(&k.Pos, &k.Due, timeCol{&k.AnsweredAt}, &on, &k.Course, &k.Partners, &still, &k.Needed); err != nil {
			return err
		}
		k.OnCourse, k.StillNeeded = on != 0, still != 0
		x.APKs = append(x.APKs, k)
	}
	return classify(rows.Err())
}

// residentPlace reads a verified resident's gemeente and wijk from the
// database (not from the session, which may predate a move).
func (s *Store) residentPlace(ctx context.Context, q querier, userID string) (gemeente, wijk string, ok bool, err error) {
	err = q.QueryRow(ctx, `SELECT r.gemeente, r.wijk FROM residents r JOIN users u ON u.id = r.user_id
		WHERE r.user_id = ? AND r.verified_at IS NOT NULL AND u.disabled = 0`, userID).Scan(&gemeente, &wijk)
	if err == sql.ErrNoRows {
		return "", "", false, nil
	}
	return gemeente, wijk, err == nil, classify(err)
}

// MayApply reports whether the user may apply to the fund: a verified
// resident of a wijk it covers.
func (s *Store) MayApply(ctx context.Context, p *auth.Principal, f participation.Fund) (bool, error) {
	if p == nil {
		return false, nil
	}
	gm, wijk, ok, err := s.residentPlace(ctx, storeQ{s}, p.UserID)
	return ok && gm == f.Gemeente && f.Covers(wijk), err
}

// SaveApplication stores a resident's application: a new one (x.ID empty)
// or a change to their own concept. With submit it goes to the fund's
// managers (status ingediend) and can no longer be changed. Only verified
// residents of a wijk the fund covers apply.
func (s *Store) SaveApplication(ctx context.Context, p *auth.Principal, fundID string, x *participation.Application, submit bool) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		f, err := s.lockFundShared(ctx, tx, fundID)
		if err != nil {
			return err
		}
		gm, wijk, ok, err := s.residentPlace(ctx, tx, p.UserID)
		if err != nil {
			return err
		}
		if !ok || gm != f.Gemeente || !f.Covers(wijk) {
			return errs.E(errs.Forbidden, "Alleen inwoners van een wijk van dit fonds, met een bevestigd e-mailadres, vragen geld aan.")
		}
		if err := x.Validate(f, submit); err != nil {
			return err
		}
		now := s.now().UTC()
		status := participation.AppConcept
		var submitted any
		if submit {
			status, submitted = participation.AppIngediend, s.ts(now)
		}
		public := 0
		if x.Public {
			public = 1
		}
		// New unless it names an existing one (the demo brings its own ids).
		if x.ID == "" || !s.appExists(ctx, tx, x.ID) {
			if x.ID == "" {
				x.ID = secret.ID()
			}
			x.CreatedAt = now
			if _, err := tx.Exec(ctx, `INSERT INTO fund_applications (id, fund_id, gemeente, wijk, status, title, what, for_whom, goal, own_cents, own_in_kind,
				public_consent, applicant_id, created_at, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				x.ID, f.ID, f.Gemeente, wijk, string(status), x.Title, x.What, x.ForWhom, string(x.Goal), int64(x.Own), x.OwnInKind,
				public, p.UserID, s.ts(now), submitted); err != nil {
				return err
			}
		} else {
			res, err := tx.Exec(ctx, `UPDATE fund_applications SET status = ?, title = ?, what = ?, for_whom = ?, goal = ?, own_cents = ?, own_in_kind = ?,
				public_consent = ?, submitted_at = ? WHERE id = ? AND fund_id = ? AND applicant_id = ? AND status = 'concept'`,
				string(status), x.Title, x.What, x.ForWhom, string(x.Goal), int64(x.Own), x.OwnInKind, public, submitted, x.ID, f.ID, p.UserID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errs.E(errs.Conflict, "Deze aanvraag is al ingediend en kan niet meer worden gewijzigd.")
			}
			if _, err := tx.Exec(ctx, "DELETE FROM fund_lines WHERE application_id = ?", x.ID); err != nil {
				return err
			}
		}
		for i, l := range x.Lines {
			if _, err := tx.Exec(ctx, "INSERT INTO fund_lines (application_id, pos, description, amount_cents) VALUES (?, ?, ?, ?)",
				x.ID, i+1, l.Description, int64(l.Amount)); err != nil {
				return err
			}
		}
		x.FundID, x.Gemeente, x.Wijk, x.Status, x.ApplicantID = f.ID, f.Gemeente, wijk, status, p.UserID
		return nil
	})
}

func (s *Store) appExists(ctx context.Context, tx *Tx, id string) bool {
	var n int
	tx.QueryRow(ctx, "SELECT COUNT(*) FROM fund_applications WHERE id = ?", id).Scan(&n)
	return n > 0
}

// lockFundShared reads a fund so that a decision cannot change what it
// counts meanwhile (PostgreSQL FOR SHARE; SQLite's single writer).
func (s *Store) lockFundShared(ctx context.Context, tx *Tx, id string) (participation.Fund, error) {
	var f participation.Fund
	var budget, max int64
	err := tx.QueryRow(ctx, "SELECT id, gemeente, name, year, budget_cents, max_cents, apk_months, tranches FROM funds WHERE id = ?"+s.forShare(), id).
		Scan(&f.ID, &f.Gemeente, &f.Name, &f.Year, &budget, &max, &f.APKMonths, &f.Tranches)
	if errs.Is(classify(err), errs.NotFound) {
		return f, errs.E(errs.NotFound, "Dit fonds bestaat niet.")
	}
	if err != nil {
		return f, classify(err)
	}
	f.Budget, f.Max = casework.Cents(budget), casework.Cents(max)
	f.Wijken, err = s.fundWijkenTx(ctx, tx, id)
	return f, err
}

func (s *Store) fundWijkenTx(ctx context.Context, tx *Tx, id string) ([]string, error) {
	rows, err := tx.Query(ctx, "SELECT wijk FROM fund_wijken WHERE fund_id = ? ORDER BY wijk", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, classify(rows.Err())
}

// MyApplications lists the resident's own applications, newest first.
func (s *Store) MyApplications(ctx context.Context, p *auth.Principal) ([]participation.Application, error) {
	if p == nil {
		return nil, errs.E(errs.Unauthorized, "Log eerst in.")
	}
	return s.apps(ctx, storeQ{s}, "a.applicant_id = ?", p.UserID)
}

// Application reads one application: for its applicant, or for a fund
// manager of its gemeente once submitted (audited, with the applicant's
// name and e-mail address). Anyone else gets "not found".
func (s *Store) Application(ctx context.Context, a Actor, id string) (participation.Application, error) {
	notFound := errs.E(errs.NotFound, "Deze aanvraag bestaat niet, of u mag haar niet zien.")
	if a.P == nil {
		return participation.Application{}, errs.E(errs.Unauthorized, "Log eerst in.")
	}
	xs, err := s.apps(ctx, storeQ{s}, "a.id = ?", id)
	if err != nil {
		return participation.Application{}, err
	}
	if len(xs) == 0 {
		return participation.Application{}, notFound
	}
	x := xs[0]
	if x.ApplicantID == a.P.UserID {
		return x, nil
	}
	if !participation.MayManageFund(a.P, x.Gemeente) || !x.SeenByManagers() {
		return participation.Application{}, notFound
	}
	if err := s.applicantContact(ctx, &x); err != nil {
		return x, err
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		return s.audit(ctx, tx, a, auth.ManageFund, audit.Read, x.Gemeente, RecFundApplication, x.ID)
	})
	return x, err
}

func (s *Store) applicantContact(ctx context.Context, x *participation.Application) error {
	if x.ApplicantID == "" {
		x.ApplicantName = "(account verwijderd)"
		return nil
	}
	err := s.queryRow(ctx, "SELECT COALESCE(r.display_name, u.name), u.email FROM users u LEFT JOIN residents r ON r.user_id = u.id WHERE u.id = ?",
		x.ApplicantID).Scan(&x.ApplicantName, &x.ApplicantEmail)
	if err == sql.ErrNoRows {
		x.ApplicantName = "(account verwijderd)"
		return nil
	}
	return classify(err)
}

// FundApplications lists a fund's submitted applications (withdrawn ones
// included, if they were submitted before) for its managers (audited as a search; without names: they are on each
// application's own page).
func (s *Store) FundApplications(ctx context.Context, a Actor, fundID string) ([]participation.Application, error) {
	f, err := s.Fund(ctx, fundID)
	if err != nil {
		return nil, err
	}
	if a.P == nil || !participation.MayManageFund(a.P, f.Gemeente) {
		return nil, errs.E(errs.Forbidden, "U beheert dit fonds niet.")
	}
	xs, err := s.apps(ctx, storeQ{s}, "a.fund_id = ? AND a.status <> 'concept' AND a.submitted_at IS NOT NULL", fundID)
	if err != nil || len(xs) == 0 {
		return xs, err
	}
	ids := make([]string, len(xs))
	for i, x := range xs {
		ids[i] = x.ID
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		return s.audit(ctx, tx, a, auth.ManageFund, audit.Search, f.Gemeente, RecFundApplication, ids...)
	})
	return xs, err
}

// lockApp reads an application in tx after taking its fund's lock, and
// checks the actor manages the fund.
func (s *Store) lockApp(ctx context.Context, tx *Tx, a Actor, id string, exclusive bool) (participation.Application, participation.Fund, error) {
	notFound := errs.E(errs.NotFound, "Deze aanvraag bestaat niet, of u mag haar niet zien.")
	var fundID, gm string
	err := tx.QueryRow(ctx, "SELECT fund_id, gemeente FROM fund_applications WHERE id = ?", id).Scan(&fundID, &gm)
	if err == sql.ErrNoRows {
		return participation.Application{}, participation.Fund{}, notFound
	}
	if err != nil {
		return participation.Application{}, participation.Fund{}, err
	}
	var f participation.Fund
	if exclusive {
		f, err = s.lockFund(ctx, tx, fundID)
	} else {
		f, err = s.lockFundShared(ctx, tx, fundID)
	}
	if err != nil {
		return participation.Application{}, f, err
	}
	// Read only after the lock: it is then what the previous decision committed.
	xs, err := s.apps(ctx, tx, "a.id = ?", id)
	if err != nil {
		return participation.Application{}, f, err
	}
	if len(xs) == 0 {
		return participation.Application{}, f, notFound
	}
	return xs[0], f, nil
}

func mayManageApp(a Actor, x participation.Application) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	if !participation.MayManageFund(a.P, x.Gemeente) || !x.SeenByManagers() {
		return errs.E(errs.NotFound, "Deze aanvraag bestaat niet, of u mag haar niet zien.")
	}
	return nil
}

// ReviewApplication records a fund manager's review: an advice and its
// text, for the colleague who decides. It may be redone until the decision.
func (s *Store) ReviewApplication(ctx context.Context, a Actor, id string, advice participation.Advice, text string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		x, _, err := s.lockApp(ctx, tx, a, id, false)
		if err != nil {
			return err
		}
		if err := mayManageApp(a, x); err != nil {
			return err
		}
		if x.ApplicantID == a.P.UserID {
			return errs.E(errs.Forbidden, "U heeft deze aanvraag zelf ingediend; een collega beoordeelt haar.")
		}
		text, err := participation.CheckFundReview(x, advice, text)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE fund_applications SET status = 'beoordeeld', advice = ?, review_text = ?, reviewed_by = ?, reviewed_at = ?
			WHERE id = ? AND status IN ('ingediend', 'beoordeeld')`, string(advice), text, a.P.UserID, s.ts(s.now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "Over deze aanvraag is net besloten.")
		}
		return s.audit(ctx, tx, a, auth.ManageFund, audit.Update, x.Gemeente, RecFundApplication, id)
	})
}

// DecideApplication grants or rejects a reviewed application under the
// four-eyes principle. It reads the fund, the sum granted and the
// application, and writes the decision in one transaction that holds the
// fund's lock (on PostgreSQL a row lock; on SQLite the single writer), so
// two grants that together would overdraw the fund never both succeed. A
// grant gets its tranches and its first APK. The applicant hears of it by
// e-mail.
func (s *Store) DecideApplication(ctx context.Context, a Actor, id string, d participation.Decision) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		x, f, err := s.lockApp(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if err := mayManageApp(a, x); err != nil {
			return err
		}
		var granted int64
		if err := tx.QueryRow(ctx, `SELECT CAST(COALESCE(SUM(granted_cents), 0) AS BIGINT) FROM fund_applications
			WHERE fund_id = ? AND status IN ('toegekend', 'afgesloten') AND id <> ?`, f.ID, id).Scan(&granted); err != nil {
			return err
		}
		d.Reason = strings.TrimSpace(d.Reason)
		if err := participation.CheckDecision(participation.DecisionContext{App: x, Fund: f, GrantedNow: casework.Cents(granted),
			DeciderID: a.P.UserID, CanDecide: participation.MayManageFund(a.P, x.Gemeente)}, d); err != nil {
			return err
		}
		now := s.now()
		status, amount := participation.AppAfgewezen, casework.Cents(0)
		if d.Grant {
			status, amount = participation.AppToegekend, d.Amount
		}
		res, err := tx.Exec(ctx, `UPDATE fund_applications SET status = ?, granted_cents = ?, decision_reason = ?, decided_by = ?, decided_at = ?
			WHERE id = ? AND status = 'beoordeeld' AND reviewed_by <> ?`, string(status), int64(amount), d.Reason, a.P.UserID, s.ts(now), id, a.P.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "Over deze aanvraag is net al besloten.")
		}
		subject := "Besluit over uw aanvraag bij " + f.Name
		body := fmt.Sprintf("Over uw aanvraag %q is besloten: afgewezen.\n\nReden: %s\n", x.Title, d.Reason)
		if d.Grant {
			parts := participation.SplitTranches(amount, f.Tranches)
			for i, c := range parts {
				if _, err := tx.Exec(ctx, "INSERT INTO fund_tranches (application_id, pos, label, amount_cents) VALUES (?, ?, ?, ?)",
					id, i+1, participation.TrancheLabel(i+1), int64(c)); err != nil {
					return err
				}
			}
			day := people.DateOf(now.In(people.Amsterdam()))
			if _, err := tx.Exec(ctx, "INSERT INTO fund_apks (application_id, pos, due_on) VALUES (?, ?, ?)", id, 1, participation.APKDue(day, f.APKMonths, 1)); err != nil {
				return err
			}
			body = fmt.Sprintf("Goed nieuws: voor uw initiatief %q is %s toegekend.\n\nReden: %s\n\nHet geld komt in %d delen. Over %d maanden vragen we hoe het gaat (de APK).\n",
				x.Title, amount.String(), d.Reason, len(parts), f.APKMonths)
		}
		body += appLink(ctx, "Bekijk uw aanvraag op", id, "")
		if x.ApplicantID != "" {
			if _, err := s.NotifyUser(ctx, tx, x.ApplicantID, x.Gemeente, "fonds-besluit", subject, body); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, auth.ManageFund, audit.Update, x.Gemeente, RecFundApplication, id)
	})
}

// PayTranche records that a tranche was paid (who, when). Tranches are
// paid in order; from the second on only after the APK before it is
// answered; and what is paid never exceeds what was granted.
func (s *Store) PayTranche(ctx context.Context, a Actor, id string, pos int) error {
	return s.Tx(ctx, func(tx *Tx) error {
		x, _, err := s.lockApp(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if err := mayManageApp(a, x); err != nil {
			return err
		}
		if x.Status != participation.AppToegekend {
			return errs.E(errs.Conflict, "Alleen bij een toegekend initiatief dat nog loopt, wordt geld betaald.")
		}
		var t *participation.Tranche
		for i := range x.Tranches {
			if x.Tranches[i].Pos == pos {
				t = &x.Tranches[i]
			} else if x.Tranches[i].Pos < pos && !x.Tranches[i].Paid() {
				return errs.E(errs.Conflict, "Betaal eerst deel %d.", x.Tranches[i].Pos)
			}
		}
		if t == nil {
			return errs.E(errs.NotFound, "Dit deel van de betaling bestaat niet.")
		}
		if t.Paid() {
			return errs.E(errs.Conflict, "Dit deel is al betaald.")
		}
		if pos > 1 {
			answered := 0
			for _, k := range x.APKs {
				if k.Answered() {
					answered++
				}
			}
			if answered < pos-1 {
				return errs.E(errs.Conflict, "Deel %d wordt betaald na APK %d; die is nog niet ingevuld.", pos, pos-1)
			}
		}
		if x.Paid()+t.Amount > x.GrantedCents {
			return errs.E(errs.Conflict, "Dan is er meer betaald dan toegekend (%s).", x.GrantedCents.String())
		}
		res, err := tx.Exec(ctx, "UPDATE fund_tranches SET paid_by = ?, paid_at = ? WHERE application_id = ? AND pos = ? AND paid_at IS NULL",
			a.P.UserID, s.ts(s.now()), id, pos)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "Dit deel is net al betaald.")
		}
		if x.ApplicantID != "" {
			body := fmt.Sprintf("Deel %d van het geld voor uw initiatief %q is betaald: %s (%s van %s toegekend is nu betaald).\n",
				pos, x.Title, t.Amount.String(), (x.Paid() + t.Amount).String(), x.GrantedCents.String())
			body += appLink(ctx, "Bekijk de betalingen op", id, "#betalingen")
			if _, err := s.NotifyUser(ctx, tx, x.ApplicantID, x.Gemeente, "fonds-betaling", fmt.Sprintf("Deel %d betaald: %s", pos, oneLine(x.Title)), body); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, auth.ManageFund, audit.Update, x.Gemeente, RecFundApplication, id)
	})
}

// ownApp reads the applicant's own application in tx.
func (s *Store) ownApp(ctx context.Context, tx *Tx, p *auth.Principal, id string) (participation.Application, error) {
	if p == nil {
		return participation.Application{}, errs.E(errs.Unauthorized, "Log eerst in.")
	}
	xs, err := s.apps(ctx, tx, "a.id = ? AND a.applicant_id = ?", id, p.UserID)
	if err != nil {
		return participation.Application{}, err
	}
	if len(xs) == 0 {
		return participation.Application{}, errs.E(errs.NotFound, "Deze aanvraag bestaat niet, of u mag haar niet zien.")
	}
	return xs[0], nil
}

// AnswerAPK stores the applicants' answers to the next open APK and plans
// the one after it. The fund's managers who reviewed and decided hear of it.
func (s *Store) AnswerAPK(ctx context.Context, p *auth.Principal, id string, ans participation.APKAnswer) error {
	if err := ans.Check(); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		x, err := s.ownApp(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if x.Status != participation.AppToegekend {
			return errs.E(errs.Conflict, "Een APK hoort bij een toegekend initiatief dat nog loopt.")
		}
		k, ok := x.NextAPK()
		if !ok {
			return errs.E(errs.Conflict, "Er staat geen APK open.")
		}
		yes := func(s string) int {
			if s == "ja" {
				return 1
			}
			return 0
		}
		res, err := tx.Exec(ctx, `UPDATE fund_apks SET answered_at = ?, on_course = ?, course = ?, partners = ?, still_needed = ?, needed = ?
			WHERE application_id = ? AND pos = ? AND answered_at IS NULL`, s.ts(s.now()), yes(ans.OnCourse), ans.Course, ans.Partners,
			yes(ans.StillNeeded), ans.Needed, id, k.Pos)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "Deze APK is net al ingevuld.")
		}
		var months int
		if err := tx.QueryRow(ctx, "SELECT apk_months FROM funds WHERE id = ?", x.FundID).Scan(&months); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO fund_apks (application_id, pos, due_on) VALUES (?, ?, ?)", id, k.Pos+1, k.Due.AddMonths(months)); err != nil {
			return err
		}
		body := fmt.Sprintf("De aanvragers van %q hebben APK %d ingevuld. Nog op koers: %s. Nog nodig: %s.\n", x.Title, k.Pos, ans.OnCourse, ans.StillNeeded)
		body += appLink(ctx, "Lees de antwoorden op", id, "#apk")
		return s.notifyManagers(ctx, tx, x, "fonds-apk", "APK ingevuld: "+x.Title, body)
	})
}

// appLink is the line with a link to an application's page for a fund
// mail (applicant and managers read the same page), or "" when the store
// does not know the public address (WithLinkBase).
func appLink(ctx context.Context, text, id, anchor string) string {
	return linkLine(ctx, text, "/fondsaanvragen/"+id+anchor)
}

// WithdrawApplication lets the applicant withdraw their own application
// before a decision (concept, ingediend or beoordeeld), with an optional
// reason. It takes the fund's lock like a review, so a decision in flight
// commits first and the withdrawal then finds it decided (and the other
// way round: the decision's conditional update finds it withdrawn): never
// both. The reviewer, if any, hears of it. Only the applicant withdraws: a
// fund manager who may see the application is refused (forbidden); anyone
// else is told it does not exist, as when reading it.
func (s *Store) WithdrawApplication(ctx context.Context, p *auth.Principal, id, reason string) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	notFound := errs.E(errs.NotFound, "Deze aanvraag bestaat niet, of u mag haar niet zien.")
	return s.Tx(ctx, func(tx *Tx) error {
		var fundID string
		err := tx.QueryRow(ctx, "SELECT fund_id FROM fund_applications WHERE id = ?", id).Scan(&fundID)
		if err == sql.ErrNoRows {
			return notFound
		}
		if err != nil {
			return err
		}
		f, err := s.lockFundShared(ctx, tx, fundID)
		if err != nil {
			return err
		}
		xs, err := s.apps(ctx, tx, "a.id = ?", id)
		if err != nil {
			return err
		}
		if len(xs) == 0 {
			return notFound
		}
		x := xs[0]
		if x.ApplicantID != p.UserID {
			if participation.MayManageFund(p, x.Gemeente) && x.SeenByManagers() {
				return errs.E(errs.Forbidden, "Alleen de aanvrager kan een aanvraag intrekken.")
			}
			return notFound
		}
		reason, err := participation.CheckWithdraw(x, reason)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE fund_applications SET status = 'ingetrokken', withdrawn_at = ?, withdraw_reason = ?
			WHERE id = ? AND applicant_id = ? AND status IN ('concept', 'ingediend', 'beoordeeld')`, s.ts(s.now()), reason, id, p.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "Over deze aanvraag is net besloten; intrekken kan niet meer.")
		}
		if err := s.audit(ctx, tx, Actor{P: p, Purpose: "eigen aanvraag intrekken"}, auth.ManageFund, audit.Update, x.Gemeente, RecFundApplication, id); err != nil {
			return err
		}
		if x.ReviewedBy == "" {
			return nil // nobody at the gemeente has worked on it yet
		}
		body := fmt.Sprintf("De aanvragers hebben hun aanvraag %q bij %s ingetrokken. Er hoeft niet meer over besloten te worden.\n", x.Title, f.Name)
		if reason != "" {
			body += "\nReden: " + reason + "\n"
		}
		body += appLink(ctx, "Bekijk de aanvraag op", id, "")
		return s.notifyManagers(ctx, tx, x, "fonds-ingetrokken", "Aanvraag ingetrokken: "+oneLine(x.Title), body)
	})
}

// notifyManagers mails the reviewer and the decider of an application.
func (s *Store) notifyManagers(ctx context.Context, tx *Tx, x participation.Application, kind, subject, body string) error {
	seen := map[string]bool{}
	for _, u := range []string{x.ReviewedBy, x.DecidedBy} {
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		if _, err := s.NotifyUser(ctx, tx, u, x.Gemeente, kind, subject, body); err != nil {
			return err
		}
	}
	return nil
}

// FinalAccount closes a granted initiative with what was really spent per
// budget line and what it achieved. Open APKs are dropped.
func (s *Store) FinalAccount(ctx context.Context, p *auth.Principal, id string, spent []casework.Cents, notes []string, note string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		x, err := s.ownApp(ctx, tx, p, id)
		if err != nil {
			return err
		}
		for i := range notes {
			notes[i] = strings.TrimSpace(notes[i])
		}
		note = strings.TrimSpace(note)
		if err := participation.CheckFinal(x, spent, notes, note); err != nil {
			return err
		}
		for i := range x.Lines {
			if _, err := tx.Exec(ctx, "UPDATE fund_lines SET spent_cents = ?, note = ? WHERE application_id = ? AND pos = ?",
				int64(spent[i]), notes[i], id, i+1); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, "UPDATE fund_applications SET status = 'afgesloten', final_note = ?, closed_at = ? WHERE id = ? AND status = 'toegekend'",
			note, s.ts(s.now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "Dit initiatief is al afgesloten.")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM fund_apks WHERE application_id = ? AND answered_at IS NULL", id); err != nil {
			return err
		}
		var total casework.Cents
		for _, c := range spent {
			total += c
		}
		body := fmt.Sprintf("De aanvragers van %q hebben de eindverantwoording ingediend: %s besteed van %s toegekend.\n", x.Title, total.String(), x.GrantedCents.String())
		body += appLink(ctx, "Bekijk de eindverantwoording op", id, "")
		return s.notifyManagers(ctx, tx, x, "fonds-eindverantwoording", "Eindverantwoording: "+x.Title, body)
	})
}

// --- APK reminders ---

// FundReminderOverdue is how long after its date an unanswered APK gets
// its second reminder.
const FundReminderOverdue = 14

// FundReminders queues the APK reminders that are due: on the APK's date
// ("due") and two weeks later when still unanswered ("overdue"), to the
// applicant and to the reviewer and decider. Each reminder goes out once:
// fund_reminders records it in the same transaction as the mails. It
// returns the number of reminders sent. Run by the mail scheduler.
func (s *Store) FundReminders(ctx context.Context) (int, error) {
	today := people.DateOf(s.now().In(people.Amsterdam()))
	type due struct {
		app string
		pos int
		on  people.Date
	}
	rows, err := s.query(ctx, `SELECT k.application_id, k.pos, k.due_on FROM fund_apks k JOIN fund_applications a ON a.id = k.application_id
		WHERE k.answered_at IS NULL AND a.status = 'toegekend' AND k.due_on <= ? ORDER BY k.due_on, k.application_id`, today)
	if err != nil {
		return 0, err
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.app, &d.pos, &d.on); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, classify(err)
	}
	sent := 0
	for _, d := range list {
		kinds := []string{"due"}
		if !today.Before(d.on.AddDays(FundReminderOverdue)) {
			kinds = []string{"due", "overdue"}
		}
		for _, kind := range kinds {
			if kind == "due" && len(kinds) == 2 {
				// Long overdue when first seen (say, after downtime): one
				// reminder, the overdue one, is enough.
				if err := s.Tx(ctx, func(tx *Tx) error {
					_, err := tx.Exec(ctx, `INSERT INTO fund_reminders (application_id, pos, kind, sent_at) VALUES (?, ?, 'due', ?)
						ON CONFLICT (application_id, pos, kind) DO NOTHING`, d.app, d.pos, s.ts(s.now()))
					return err
				}); err != nil {
					return sent, err
				}
				continue
			}
			ok, err := s.sendReminder(ctx, d.app, d.pos, d.on, kind)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	return sent, nil
}

func (s *Store) sendReminder(ctx context.Context, app string, pos int, on people.Date, kind string) (bool, error) {
	sent := false
	err := s.Tx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO fund_reminders (application_id, pos, kind, sent_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (application_id, pos, kind) DO NOTHING`, app, pos, kind, s.ts(s.now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil // another process sent it
		}
		xs, err := s.apps(ctx, tx, "a.id = ?", app)
		if err != nil || len(xs) == 0 {
			return err
		}
		x := xs[0]
		subject := fmt.Sprintf("APK %d voor %s", pos, x.Title)
		body := fmt.Sprintf("Het is tijd voor APK %d van het initiatief %q (datum: %s). Vul in: nog op koers? Nieuwe partners? Nog nodig?\n"+
			"U vindt de vragen bij uw aanvraag op naober, onder Mijn aanvragen.\n", pos, x.Title, on.Dutch())
		if kind == "overdue" {
			subject = fmt.Sprintf("Herinnering: APK %d voor %s", pos, x.Title)
			body = fmt.Sprintf("APK %d van het initiatief %q stond op %s en is nog niet ingevuld. Wilt u de vragen bij uw aanvraag op naober invullen?\n",
				pos, x.Title, on.Dutch())
		}
		body += appLink(ctx, "Vul de APK in op", app, "#apk-invullen")
		if x.ApplicantID != "" {
			if _, err := s.NotifyUser(ctx, tx, x.ApplicantID, x.Gemeente, "fonds-apk-herinnering", subject, body); err != nil {
				return err
			}
		}
		mbody := fmt.Sprintf("APK %d van het initiatief %q (fonds %s) stond op %s en is nog niet ingevuld. De aanvragers kregen een herinnering.\n",
			pos, x.Title, x.FundName, on.Dutch())
		if kind == "due" {
			mbody = fmt.Sprintf("APK %d van het initiatief %q (fonds %s) staat op %s. De aanvragers kregen bericht.\n", pos, x.Title, x.FundName, on.Dutch())
		}
		mbody += appLink(ctx, "Bekijk de aanvraag op", app, "")
		sent = true
		return s.notifyManagers(ctx, tx, x, "fonds-apk-herinnering", subject, mbody)
	})
	return sent, err
}

// --- public: the wijk page and the monitor ---

// Initiative is what the wijk page shows of a funded initiative whose
// applicants agreed: never a name.
type Initiative struct {
	ID        string
	Title     string
	Goal      participation.Goal
	Granted   casework.Cents
	Status    participation.AppStatus
	Spent     casework.Cents
	Result    string // the final account's summary
	DecidedAt time.Time
}

// PublicInitiatives lists the granted initiatives of a wijk whose
// applicants agreed to show them, newest grant first.
func (s *Store) PublicInitiatives(ctx context.Context, wijk string) ([]Initiative, error) {
	rows, err := s.query(ctx, `SELECT a.id, a.title, a.goal, a.granted_cents, a.status, a.final_note, a.decided_at,
		CAST(COALESCE((SELECT SUM(l.spent_cents) FROM fund_lines l WHERE l.application_id = a.id), 0) AS BIGINT)
		FROM fund_applications a WHERE a.wijk = ? AND a.public_consent = 1 AND a.status IN ('toegekend', 'afgesloten')
		ORDER BY a.decided_at DESC, a.id`, wijk)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Initiative
	for rows.Next() {
		var x Initiative
		var granted, spent int64
		if err := rows.Scan(&x.ID, &x.Title, &x.Goal, &granted, &x.Status, &x.Result, timeCol{&x.DecidedAt}, &spent); err != nil {
			return nil, err
		}
		x.Granted, x.Spent = casework.Cents(granted), casework.Cents(spent)
		out = append(out, x)
	}
	return out, classify(rows.Err())
}

// FundWijkFigure is a wijk's line in the monitor: initiatives funded and
// money granted (all years), and applications rejected.
type FundWijkFigure struct {
	Wijk     string
	Funded   int
	Granted  casework.Cents
	Rejected int
}

// FundFigures sums the granted initiatives per wijk of a gemeente (no
// personal data: counts and money, sorted by wijk).
func (s *Store) FundFigures(ctx context.Context, gemeente string) ([]FundWijkFigure, error) {
	rows, err := s.query(ctx, `SELECT wijk,
		SUM(CASE WHEN status IN ('toegekend', 'afgesloten') THEN 1 ELSE 0 END),
		CAST(COALESCE(SUM(CASE WHEN status IN ('toegekend', 'afgesloten') THEN granted_cents ELSE 0 END), 0) AS BIGINT),
		SUM(CASE WHEN status = 'afgewezen' THEN 1 ELSE 0 END)
		FROM fund_applications WHERE gemeente = ? AND status IN ('toegekend', 'afgesloten', 'afgewezen') GROUP BY wijk`, gemeente)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FundWijkFigure
	for rows.Next() {
		var f FundWijkFigure
		var granted int64
		if err := rows.Scan(&f.Wijk, &f.Funded, &granted, &f.Rejected); err != nil {
			return nil, err
		}
		f.Granted = casework.Cents(granted)
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Wijk < out[j].Wijk })
	return out, classify(rows.Err())
}

// --- the resident's download and deletion ---

func init() {
	RegisterResidentExport("fondsaanvragen", exportRows(`SELECT a.id, f.name, a.wijk, a.status, a.title, a.what, a.for_whom, a.goal, a.own_cents, a.own_in_kind,
		a.public_consent, a.created_at, a.submitted_at, a.advice, a.granted_cents, a.decision_reason, a.decided_at, a.final_note, a.closed_at,
		a.withdrawn_at, a.withdraw_reason
		FROM fund_applications a JOIN funds f ON f.id = a.fund_id WHERE a.applicant_id = ? ORDER BY a.created_at, a.id`,
		"id", "fonds", "wijk", "status", "titel", "wat", "voor_wie", "doel", "eigen_bijdrage_centen", "eigen_bijdrage_in_natura",
		"openbaar", "aangemaakt_op", "ingediend_op", "advies", "toegekend_centen", "besluit_reden", "besloten_op", "resultaat", "afgerond_op",
		"ingetrokken_op", "reden_intrekken"))
	RegisterResidentExport("fondsaanvragen_begroting", exportRows(`SELECT l.application_id, l.pos, l.description, l.amount_cents, l.spent_cents, l.note
		FROM fund_lines l JOIN fund_applications a ON a.id = l.application_id WHERE a.applicant_id = ? ORDER BY l.application_id, l.pos`,
		"aanvraag", "regel", "omschrijving", "bedrag_centen", "besteed_centen", "toelichting"))
	RegisterResidentExport("fondsaanvragen_apk", exportRows(`SELECT k.application_id, k.pos, k.due_on, k.answered_at, k.on_course, k.course, k.partners, k.still_needed, k.needed
		FROM fund_apks k JOIN fund_applications a ON a.id = k.application_id WHERE a.applicant_id = ? ORDER BY k.application_id, k.pos`,
		"aanvraag", "apk", "datum", "ingevuld_op", "op_koers", "koers", "nieuwe_partners", "nog_nodig", "toelichting"))
	// Undecided and withdrawn applications go with the account (nothing
	// was granted); decided ones stay without the applicant (applicant_id
	// ON DELETE SET NULL).
	RegisterResidentDelete(func(ctx context.Context, tx *Tx, userID string) error {
		_, err := tx.Exec(ctx, "DELETE FROM fund_applications WHERE applicant_id = ? AND status IN ('concept', 'ingediend', 'beoordeeld', 'ingetrokken')", userID)
		return err
	})
}

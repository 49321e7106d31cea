package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// The wijkbudget vote. Ballots are stored under the keyed pseudonym
// keys.Pseudonym(user id, budget id): the voter can find their own ballot
// (the server computes the pseudonym from their session), the database
// keeps one ballot per voter (primary key), and nobody can tell from the
// data whose ballot it is without the key file. No audit record is written
// for casting a ballot and ballots carry no time, so the audit log cannot
// link a resident to a ballot either; management actions are audited.

const wijkbudgetCols = `id, gemeente, wijk, title, description, amount_cents, rule, max_choices, phase,
	proposals_until, vote_from, vote_until, published_at, ballots_counted, COALESCE(created_by, ''), created_at`

func scanWijkbudget(sc interface{ Scan(...any) error }) (participation.Budget, error) {
	var b participation.Budget
	var amount int64
	var counted int
	err := sc.Scan(&b.ID, &b.Gemeente, &b.Wijk, &b.Title, &b.Description, &amount, &b.Rule, &b.MaxChoices, &b.Phase,
		&b.ProposalsUntil, &b.VoteFrom, &b.VoteUntil, timeCol{&b.Published}, &counted, &b.CreatedBy, timeCol{&b.CreatedAt})
	b.Amount = casework.Cents(amount)
	return b, err
}

const wbProjectCols = `id, budget_id, title, description, cost_cents, review, reason, reviewed_cost_cents, votes, winner,
	COALESCE(agenda_item_id, ''), COALESCE(proposed_by, ''), created_at`

func scanWbProject(sc interface{ Scan(...any) error }) (participation.Project, error) {
	var p participation.Project
	var cost, rcost int64
	var winner int
	err := sc.Scan(&p.ID, &p.BudgetID, &p.Title, &p.Description, &cost, &p.Review, &p.Reason, &rcost, &p.Votes, &winner,
		&p.AgendaItemID, &p.ProposedBy, timeCol{&p.CreatedAt})
	p.Cost, p.ReviewedCost, p.Winner = casework.Cents(cost), casework.Cents(rcost), winner != 0
	return p, err
}

// forShare locks the rows read for the rest of the transaction on
// PostgreSQL (SQLite has one writer at a time anyway), so a ballot is never
// stored in a vote that closed meanwhile.
func (s *Store) forShare() string {
	if s.dialect == Postgres {
		return " FOR SHARE"
	}
	return ""
}

// Wijkbudgets lists the votes of a wijk, newest first. Public.
func (s *Store) Wijkbudgets(ctx context.Context, wijk string) ([]participation.Budget, error) {
	return s.wijkbudgets(ctx, "wijk = ?", wijk)
}

// ManagedWijkbudgets lists the votes the principal may manage, newest first.
func (s *Store) ManagedWijkbudgets(ctx context.Context, p *auth.Principal) ([]participation.Budget, error) {
	gms := p.Gemeenten(auth.ManageWijkbudget)
	if len(gms) == 0 {
		return nil, nil
	}
	ph, args := in(gms)
	all, err := s.wijkbudgets(ctx, "gemeente IN ("+ph+")", args...)
	if err != nil {
		return nil, err
	}
	var out []participation.Budget
	for _, b := range all {
		if participation.MayManage(p, b.Gemeente, b.Wijk) || participation.MayEnterPaper(p, b.Gemeente, b.Wijk) {
			out = append(out, b)
		}
	}
	return out, nil
}

func (s *Store) wijkbudgets(ctx context.Context, where string, args ...any) ([]participation.Budget, error) {
	rows, err := s.query(ctx, "SELECT "+wijkbudgetCols+" FROM wijkbudgets WHERE "+where+" ORDER BY created_at DESC, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []participation.Budget
	for rows.Next() {
		b, err := scanWijkbudget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, classify(rows.Err())
}

// Wijkbudget returns a vote with its projects (in order of proposal).
// Public: a vote and its reviewed projects are for everyone to read.
func (s *Store) Wijkbudget(ctx context.Context, id string) (participation.Budget, []participation.Project, error) {
	b, err := scanWijkbudget(s.queryRow(ctx, "SELECT "+wijkbudgetCols+" FROM wijkbudgets WHERE id = ?", id))
	if err != nil {
		if errs.Is(classify(err), errs.NotFound) {
			return b, nil, errs.E(errs.NotFound, "Deze stemming bestaat niet.")
		}
		return b, nil, classify(err)
	}
	ps, err := s.wbProjects(ctx, nil, id)
	return b, ps, err
}

func (s *Store) wbProjects(ctx context.Context, tx *Tx, budgetID string) ([]participation.Project, error) {
	q := "SELECT " + wbProjectCols + " FROM wijkbudget_projects WHERE budget_id = ? ORDER BY created_at, id"
	var rows *sql.Rows
	var err error
	if tx != nil {
		rows, err = tx.Query(ctx, q, budgetID)
	} else {
		rows, err = s.query(ctx, q, budgetID)
	}
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []participation.Project
	for rows.Next() {
		p, err := scanWbProject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, classify(rows.Err())
}

// lockWijkbudget reads a vote inside a transaction; lock is forShare or forUpdate.
func (s *Store) lockWijkbudget(ctx context.Context, tx *Tx, id, lock string) (participation.Budget, error) {
	b, err := scanWijkbudget(tx.QueryRow(ctx, "SELECT "+wijkbudgetCols+" FROM wijkbudgets WHERE id = ?"+lock, id))
	if errs.Is(classify(err), errs.NotFound) {
		return b, errs.E(errs.NotFound, "Deze stemming bestaat niet.")
	}
	return b, err
}

func mayManage(a Actor, b participation.Budget) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	if !participation.MayManage(a.P, b.Gemeente, b.Wijk) {
		return errs.E(errs.Forbidden, "U beheert geen wijkbudget in deze wijk.")
	}
	return nil
}

// CreateWijkbudget opens a vote for a wijk, in the phase of proposals.
func (s *Store) CreateWijkbudget(ctx context.Context, a Actor, b *participation.Budget) error {
	if s.wijkGemeente != nil {
		gm, ok := s.wijkGemeente(b.Wijk)
		if !ok {
			return people.FieldErrors{{Field: "wijk", Message: "Deze wijk bestaat niet."}}
		}
		b.Gemeente = gm
	}
	b.Phase = participation.PhaseVoorstellen
	if err := b.Validate(); err != nil {
		return err
	}
	if err := mayManage(a, *b); err != nil {
		return err
	}
	if b.ID == "" { // the demo sets its own, for a repeatable world
		b.ID = secret.ID()
	}
	b.CreatedBy = a.P.UserID
	b.CreatedAt = s.now().UTC()
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO wijkbudgets (id, gemeente, wijk, title, description, amount_cents, rule, max_choices, phase,
			proposals_until, vote_from, vote_until, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.Gemeente, b.Wijk, b.Title, b.Description, int64(b.Amount), string(b.Rule), b.MaxChoices, string(b.Phase),
			b.ProposalsUntil, b.VoteFrom, b.VoteUntil, b.CreatedBy, s.ts(b.CreatedAt))
		if err != nil {
			if errs.Is(classify(err), errs.Invalid) || strings.Contains(err.Error(), "FOREIGN KEY") || strings.Contains(err.Error(), "foreign key") {
				return errs.E(errs.Invalid, "De gemeente %s wordt niet door deze server bediend.", b.Gemeente)
			}
			return err
		}
		return s.audit(ctx, tx, a, auth.ManageWijkbudget, audit.Create, b.Gemeente, "wijkbudget", b.ID)
	})
}

// ProposeProject adds a project while proposals are open: by a verified
// resident of the wijk, or by someone who manages the vote.
func (s *Store) ProposeProject(ctx context.Context, a Actor, budgetID string, p *participation.Project) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		b, err := s.lockWijkbudget(ctx, tx, budgetID, s.forShare())
		if err != nil {
			return err
		}
		manager := participation.MayManage(a.P, b.Gemeente, b.Wijk)
		if !manager {
			ok, err := s.verifiedResident(ctx, tx, a.P.UserID, b)
			if err != nil {
				return err
			}
			if !ok {
				return errs.E(errs.Forbidden, "Alleen inwoners van deze wijk met een bevestigd e-mailadres dienen ideeën in.")
			}
		}
		if b.Phase != participation.PhaseVoorstellen {
			return errs.E(errs.Conflict, "Het indienen van ideeën is gesloten.")
		}
		if err := p.Validate(b); err != nil {
			return err
		}
		if p.ID == "" { // the demo sets its own
			p.ID = secret.ID()
		}
		p.BudgetID, p.ProposedBy, p.CreatedAt = b.ID, a.P.UserID, s.now().UTC()
		p.Review, p.Reason, p.ReviewedCost, p.Votes, p.Winner = "", "", 0, 0, false
		_, err = tx.Exec(ctx, `INSERT INTO wijkbudget_projects (id, budget_id, title, description, cost_cents, proposed_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ID, p.BudgetID, p.Title, p.Description, int64(p.Cost), p.ProposedBy, s.ts(p.CreatedAt))
		if err != nil {
			return err
		}
		if manager {
			return s.audit(ctx, tx, a, auth.ManageWijkbudget, audit.Create, b.Gemeente, "wijkbudget_project", p.ID)
		}
		return nil
	})
}

// verifiedResident reports whether the user is a resident of the vote's
// wijk with a confirmed e-mail address, read from the database (not from
// the session, which may be older than a move or a deletion).
func (s *Store) verifiedResident(ctx context.Context, tx *Tx, userID string, b participation.Budget) (bool, error) {
	qr := s.queryRow
	if tx != nil {
		qr = tx.QueryRow
	}
	var n int
	err := qr(ctx, `SELECT COUNT(*) FROM residents r JOIN users u ON u.id = r.user_id
		WHERE r.user_id = ? AND r.gemeente = ? AND r.wijk = ? AND r.verified_at IS NOT NULL AND u.disabled = 0`,
		userID, b.Gemeente, b.Wijk).Scan(&n)
	return n > 0, err
}

// ReviewProject records the civil servants' verdict: feasible at a cost
// (which replaces the proposed cost on the ballot), or not feasible with a
// written reason residents will read. Possible until voting starts.
func (s *Store) ReviewProject(ctx context.Context, a Actor, projectID string, r participation.Review, reason string, cost casework.Cents) error {
	return s.Tx(ctx, func(tx *Tx) error {
		var budgetID string
		if err := tx.QueryRow(ctx, "SELECT budget_id FROM wijkbudget_projects WHERE id = ?", projectID).Scan(&budgetID); err != nil {
			if errs.Is(classify(err), errs.NotFound) {
				return errs.E(errs.NotFound, "Dit project bestaat niet.")
			}
			return err
		}
		b, err := s.lockWijkbudget(ctx, tx, budgetID, s.forUpdate())
		if err != nil {
			return err
		}
		if err := mayManage(a, b); err != nil {
			return err
		}
		if b.Phase != participation.PhaseVoorstellen && b.Phase != participation.PhaseBeoordeling {
			return errs.E(errs.Conflict, "Het stemmen is begonnen: beoordelingen liggen vast.")
		}
		reason, err = participation.CheckReview(b, r, reason, cost)
		if err != nil {
			return err
		}
		if r == participation.NietHaalbaar {
			cost = 0
		}
		if _, err := tx.Exec(ctx, `UPDATE wijkbudget_projects SET review = ?, reason = ?, reviewed_cost_cents = ?, reviewed_by = ?, reviewed_at = ?
			WHERE id = ?`, string(r), reason, int64(cost), a.P.UserID, s.ts(s.now()), projectID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ManageWijkbudget, audit.Update, b.Gemeente, "wijkbudget_project", projectID)
	})
}

// AdvanceWijkbudget moves a vote to the next phase (never back). Voting
// opens only when every project is reviewed and at least one is feasible;
// closing the vote (to "uitslag") freezes the online ballots.
func (s *Store) AdvanceWijkbudget(ctx context.Context, a Actor, budgetID string, to participation.Phase) error {
	return s.Tx(ctx, func(tx *Tx) error {
		b, err := s.lockWijkbudget(ctx, tx, budgetID, s.forUpdate())
		if err != nil {
			return err
		}
		if err := mayManage(a, b); err != nil {
			return err
		}
		if to != b.Phase.Next() {
			return errs.E(errs.Conflict, "De stemming staat in de fase %q; de volgende fase is %q.", b.Phase.Label(), b.Phase.Next().Label())
		}
		if to == participation.PhaseStemmen {
			ps, err := s.wbProjects(ctx, tx, b.ID)
			if err != nil {
				return err
			}
			feasible := 0
			for _, p := range ps {
				switch p.Review {
				case participation.Unreviewed:
					return errs.E(errs.Conflict, "Beoordeel eerst alle projecten (%s is nog niet beoordeeld).", p.Title)
				case participation.Haalbaar:
					feasible++
				}
			}
			if feasible == 0 {
				return errs.E(errs.Conflict, "Er is geen haalbaar project om over te stemmen.")
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE wijkbudgets SET phase = ? WHERE id = ?", string(to), b.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ManageWijkbudget, audit.Update, b.Gemeente, "wijkbudget", b.ID)
	})
}

// CastBallot stores the resident's ballot, replacing an earlier one, in one
// transaction: the database keeps exactly one ballot per voter per vote,
// also when requests arrive at the same time. Only verified residents of
// the wijk vote, only while voting is open.
func (s *Store) CastBallot(ctx context.Context, p *auth.Principal, budgetID string, choice []string) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log eerst in om te stemmen.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		b, err := s.lockWijkbudget(ctx, tx, budgetID, s.forShare())
		if err != nil {
			return err
		}
		ok, err := s.verifiedResident(ctx, tx, p.UserID, b)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Forbidden, "Alleen inwoners van deze wijk met een bevestigd e-mailadres stemmen mee.")
		}
		if !b.VotingOpen(s.now()) {
			return errs.E(errs.Conflict, "Het stemmen is gesloten.")
		}
		ps, err := s.wbProjects(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		choice, err := participation.CheckBallot(b, ps, choice)
		if err != nil {
			return err
		}
		voter := s.keys.Pseudonym(p.UserID, b.ID)
		// The upsert takes the row lock first, so a second request for the
		// same voter waits here and then replaces the whole ballot.
		if _, err := tx.Exec(ctx, `INSERT INTO ballots (budget_id, voter, version) VALUES (?, ?, 1)
			ON CONFLICT (budget_id, voter) DO UPDATE SET version = ballots.version + 1`, b.ID, voter); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM ballot_choices WHERE budget_id = ? AND voter = ?", b.ID, voter); err != nil {
			return err
		}
		for _, id := range choice {
			if _, err := tx.Exec(ctx, "INSERT INTO ballot_choices (budget_id, voter, project_id) VALUES (?, ?, ?)", b.ID, voter, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// WithdrawBallot removes the resident's ballot while voting is open.
func (s *Store) WithdrawBallot(ctx context.Context, p *auth.Principal, budgetID string) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		b, err := s.lockWijkbudget(ctx, tx, budgetID, s.forShare())
		if err != nil {
			return err
		}
		if !b.VotingOpen(s.now()) {
			return errs.E(errs.Conflict, "Het stemmen is gesloten.")
		}
		_, err = tx.Exec(ctx, "DELETE FROM ballots WHERE budget_id = ? AND voter = ?", b.ID, s.keys.Pseudonym(p.UserID, b.ID))
		return err
	})
}

// MyBallot returns the signed-in voter's own choices (sorted), and whether
// they have a ballot. Only they can ask: the pseudonym comes from their own
// user id.
func (s *Store) MyBallot(ctx context.Context, p *auth.Principal, budgetID string) ([]string, bool, error) {
	if p == nil {
		return nil, false, nil
	}
	voter := s.keys.Pseudonym(p.UserID, budgetID)
	var n int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM ballots WHERE budget_id = ? AND voter = ?", budgetID, voter).Scan(&n); err != nil {
		return nil, false, classify(err)
	}
	if n == 0 {
		return nil, false, nil
	}
	rows, err := s.query(ctx, "SELECT project_id FROM ballot_choices WHERE budget_id = ? AND voter = ? ORDER BY project_id", budgetID, voter)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, false, err
		}
		out = append(out, id)
	}
	return out, true, classify(rows.Err())
}

func (s *Store) mayPaper(a Actor, b participation.Budget) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	if !participation.MayEnterPaper(a.P, b.Gemeente, b.Wijk) {
		return errs.E(errs.Forbidden, "Alleen wijkcoördinatoren van deze wijk voeren papieren stembiljetten in.")
	}
	if b.Phase != participation.PhaseStemmen && (b.Phase != participation.PhaseUitslag || b.IsPublished()) {
		return errs.E(errs.Conflict, "Papieren stembiljetten worden ingevoerd tijdens het stemmen of voordat de uitslag bekend is.")
	}
	return nil
}

// EnterPaperBallot records a paper ballot. It counts only once a second
// wijkcoordinator confirms it.
func (s *Store) EnterPaperBallot(ctx context.Context, a Actor, budgetID string, choice []string) (string, error) {
	id := secret.ID()
	return id, s.EnterPaperBallotID(ctx, a, budgetID, id, choice)
}

// EnterPaperBallotID is EnterPaperBallot with the entry's id chosen by the
// caller (the demo, for a repeatable world).
func (s *Store) EnterPaperBallotID(ctx context.Context, a Actor, budgetID, id string, choice []string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		b, err := s.lockWijkbudget(ctx, tx, budgetID, s.forShare())
		if err != nil {
			return err
		}
		if err := s.mayPaper(a, b); err != nil {
			return err
		}
		ps, err := s.wbProjects(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		choice, err := participation.CheckBallot(b, ps, choice)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO paper_ballots (id, budget_id, entered_by, entered_at) VALUES (?, ?, ?, ?)",
			id, b.ID, a.P.UserID, s.ts(s.now())); err != nil {
			return err
		}
		for _, pid := range choice {
			if _, err := tx.Exec(ctx, "INSERT INTO paper_ballot_choices (paper_id, project_id) VALUES (?, ?)", id, pid); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, auth.ModerateWijk, audit.Create, b.Gemeente, "stembiljet_papier", id)
	})
}

// ConfirmPaperBallot is the second pair of eyes: another wijkcoordinator of
// the wijk confirms the entry matches the paper, and it counts.
func (s *Store) ConfirmPaperBallot(ctx context.Context, a Actor, paperID string) error {
	return s.paperDecision(ctx, a, paperID, true)
}

// DiscardPaperBallot removes an unconfirmed entry that does not match the
// paper (by any wijkcoordinator of the wijk).
func (s *Store) DiscardPaperBallot(ctx context.Context, a Actor, paperID string) error {
	return s.paperDecision(ctx, a, paperID, false)
}

func (s *Store) paperDecision(ctx context.Context, a Actor, paperID string, confirm bool) error {
	return s.Tx(ctx, func(tx *Tx) error {
		var budgetID, enteredBy string
		var confirmed sql.NullString
		err := tx.QueryRow(ctx, "SELECT budget_id, entered_by, confirmed_by FROM paper_ballots WHERE id = ?"+s.forUpdate(), paperID).Scan(&budgetID, &enteredBy, &confirmed)
		if errs.Is(classify(err), errs.NotFound) {
			return errs.E(errs.NotFound, "Dit stembiljet bestaat niet.")
		}
		if err != nil {
			return err
		}
		b, err := s.lockWijkbudget(ctx, tx, budgetID, s.forShare())
		if err != nil {
			return err
		}
		if err := s.mayPaper(a, b); err != nil {
			return err
		}
		if confirmed.Valid {
			return errs.E(errs.Conflict, "Dit stembiljet is al bevestigd.")
		}
		if confirm {
			if enteredBy == a.P.UserID {
				return errs.E(errs.Forbidden, "U voerde dit stembiljet zelf in: een andere wijkcoördinator bevestigt het (vierogenprincipe).")
			}
			if _, err := tx.Exec(ctx, "UPDATE paper_ballots SET confirmed_by = ?, confirmed_at = ? WHERE id = ?", a.P.UserID, s.ts(s.now()), paperID); err != nil {
				return err
			}
			return s.audit(ctx, tx, a, auth.ModerateWijk, audit.Update, b.Gemeente, "stembiljet_papier", paperID)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM paper_ballots WHERE id = ?", paperID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ModerateWijk, audit.Delete, b.Gemeente, "stembiljet_papier", paperID)
	})
}

// PaperBallotList is what a wijkcoordinator sees of the paper ballots.
type PaperBallotList struct {
	Pending   []PendingPaper
	Confirmed int
}

// PendingPaper is an entry waiting for its second pair of eyes.
type PendingPaper struct {
	ID      string
	Choices []string // project ids
	Mine    bool     // entered by the asking coordinator
}

// PaperBallots lists the entries awaiting confirmation and the number confirmed.
func (s *Store) PaperBallots(ctx context.Context, a Actor, budgetID string) (PaperBallotList, error) {
	var out PaperBallotList
	b, _, err := s.Wijkbudget(ctx, budgetID)
	if err != nil {
		return out, err
	}
	if a.P == nil || !participation.MayEnterPaper(a.P, b.Gemeente, b.Wijk) {
		return out, errs.E(errs.Forbidden, "Alleen wijkcoördinatoren van deze wijk zien de papieren stembiljetten.")
	}
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM paper_ballots WHERE budget_id = ? AND confirmed_by IS NOT NULL", budgetID).Scan(&out.Confirmed); err != nil {
		return out, classify(err)
	}
	rows, err := s.query(ctx, `SELECT pb.id, pb.entered_by, c.project_id FROM paper_ballots pb JOIN paper_ballot_choices c ON c.paper_id = pb.id
		WHERE pb.budget_id = ? AND pb.confirmed_by IS NULL ORDER BY pb.entered_at, pb.id, c.project_id`, budgetID)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, by, pid string
		if err := rows.Scan(&id, &by, &pid); err != nil {
			return out, err
		}
		if n := len(out.Pending); n == 0 || out.Pending[n-1].ID != id {
			out.Pending = append(out.Pending, PendingPaper{ID: id, Mine: by == a.P.UserID})
		}
		last := &out.Pending[len(out.Pending)-1]
		last.Choices = append(last.Choices, pid)
	}
	return out, classify(rows.Err())
}

// storedBallots reads every counted ballot: the online ones and the
// confirmed paper ones, without any voter.
func (s *Store) storedBallots(ctx context.Context, q func(context.Context, string, ...any) (*sql.Rows, error), budgetID string) ([][]string, error) {
	var out [][]string
	read := func(query string) error {
		rows, err := q(ctx, query, budgetID)
		if err != nil {
			return classify(err)
		}
		defer rows.Close()
		byKey := map[string]int{}
		for rows.Next() {
			var key string
			var pid sql.NullString
			if err := rows.Scan(&key, &pid); err != nil {
				return err
			}
			i, ok := byKey[key]
			if !ok {
				i = len(out)
				byKey[key] = i
				out = append(out, nil)
			}
			if pid.Valid {
				out[i] = append(out[i], pid.String)
			}
		}
		return classify(rows.Err())
	}
	if err := read(`SELECT b.voter, c.project_id FROM ballots b LEFT JOIN ballot_choices c ON c.budget_id = b.budget_id AND c.voter = b.voter
		WHERE b.budget_id = ? ORDER BY b.voter, c.project_id`); err != nil {
		return nil, err
	}
	if err := read(`SELECT p.id, c.project_id FROM paper_ballots p LEFT JOIN paper_ballot_choices c ON c.paper_id = p.id
		WHERE p.budget_id = ? AND p.confirmed_by IS NOT NULL ORDER BY p.id, c.project_id`); err != nil {
		return nil, err
	}
	return out, nil
}

// CountWijkbudget recounts a vote from the stored ballots. Who may see it:
// everyone once published; those who manage the vote once it is closed;
// nobody while voting runs (a running count would sway the vote).
func (s *Store) CountWijkbudget(ctx context.Context, p *auth.Principal, budgetID string) (participation.Result, error) {
	b, ps, err := s.Wijkbudget(ctx, budgetID)
	if err != nil {
		return participation.Result{}, err
	}
	switch {
	case b.IsPublished():
	case b.Phase == participation.PhaseUitslag && participation.MayManage(p, b.Gemeente, b.Wijk):
	default:
		return participation.Result{}, errs.E(errs.Forbidden, "De uitslag is nog niet bekend.")
	}
	ballots, err := s.storedBallots(ctx, s.query, budgetID)
	if err != nil {
		return participation.Result{}, err
	}
	return participation.Count(b, ps, ballots), nil
}

// WijkbudgetTurnout is the number of ballots cast so far (online and
// confirmed on paper); public, like a turnout figure on election night.
func (s *Store) WijkbudgetTurnout(ctx context.Context, budgetID string) (int, error) {
	var online, paper int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM ballots WHERE budget_id = ?", budgetID).Scan(&online); err != nil {
		return 0, classify(err)
	}
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM paper_ballots WHERE budget_id = ? AND confirmed_by IS NOT NULL", budgetID).Scan(&paper); err != nil {
		return 0, classify(err)
	}
	return online + paper, nil
}

// PublishWijkbudget counts a closed vote from its stored ballots, stores
// the counts and winners with the projects, publishes the result, and puts
// the winning projects on the wijkagenda. Paper ballots still waiting for
// their second pair of eyes must be confirmed or discarded first.
func (s *Store) PublishWijkbudget(ctx context.Context, a Actor, budgetID string) (participation.Result, error) {
	var res participation.Result
	err := s.Tx(ctx, func(tx *Tx) error {
		b, err := s.lockWijkbudget(ctx, tx, budgetID, s.forUpdate())
		if err != nil {
			return err
		}
		if err := mayManage(a, b); err != nil {
			return err
		}
		if b.Phase != participation.PhaseUitslag {
			return errs.E(errs.Conflict, "Sluit eerst het stemmen.")
		}
		if b.IsPublished() {
			return errs.E(errs.Conflict, "De uitslag is al gepubliceerd.")
		}
		var pending int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM paper_ballots WHERE budget_id = ? AND confirmed_by IS NULL", b.ID).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return errs.E(errs.Conflict, "Er wachten nog %d papieren stembiljetten op bevestiging door een tweede wijkcoördinator.", pending)
		}
		ps, err := s.wbProjects(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		ballots, err := s.storedBallots(ctx, tx.Query, b.ID)
		if err != nil {
			return err
		}
		res = participation.Count(b, ps, ballots)
		now := s.now().UTC()
		b.Published = now
		for _, row := range res.Rows {
			w := 0
			if row.Winner {
				w = 1
			}
			if _, err := tx.Exec(ctx, "UPDATE wijkbudget_projects SET votes = ?, winner = ? WHERE id = ?", row.Votes, w, row.Project.ID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE wijkbudgets SET published_at = ?, ballots_counted = ? WHERE id = ?", s.ts(now), res.Ballots, b.ID); err != nil {
			return err
		}
		if err := s.winnersOnAgenda(ctx, tx, a, b, res.Winners()); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ManageWijkbudget, audit.Update, b.Gemeente, "wijkbudget", b.ID)
	})
	return res, err
}

// winnersOnAgenda puts the winning projects on the wijkagenda, in the
// publishing transaction: an item per project (origin wijkbudget, status
// gepland, the project's cost as its budget, the gemeente as owner) with a
// line in its public history, and the item's id kept with the project.
func (s *Store) winnersOnAgenda(ctx context.Context, tx *Tx, a Actor, b participation.Budget, winners []participation.Tally) error {
	var naam string
	if err := tx.QueryRow(ctx, "SELECT naam FROM tenants WHERE gemeente = ?", b.Gemeente).Scan(&naam); err != nil {
		return err
	}
	now := s.now().UTC()
	for _, w := range winners {
		title := w.Project.Title
		if utf8.RuneCountInString(title) < participation.TitleMin {
			title = "Wijkbudget: " + title
		}
		note := fmt.Sprintf("\n\nGekozen met %d stemmen in de stemming %q over het wijkbudget.", w.Votes, b.Title)
		desc := w.Project.Description
		if r := []rune(desc); len(r)+utf8.RuneCountInString(note) > participation.TextMax {
			desc = string(r[:participation.TextMax-utf8.RuneCountInString(note)])
		}
		// The item shares the project's opaque id: one project becomes one
		// item, and the demo's world stays repeatable.
		it := participation.AgendaItem{ID: w.Project.ID, Gemeente: b.Gemeente, Wijk: b.Wijk, Title: title, Description: desc + note,
			Owner: "Gemeente " + naam, Status: participation.AgendaGepland, Budget: w.Cost, Origin: participation.OriginWijkbudget}
		if err := it.Validate(); err != nil {
			return fmt.Errorf("agenda item for project %s: %w", w.Project.ID, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO agenda_items (id, gemeente, wijk, title, description, owner, status, budget_cents, origin, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, it.ID, it.Gemeente, it.Wijk, it.Title, it.Description, it.Owner, string(it.Status), int64(it.Budget),
			string(it.Origin), a.P.UserID, s.ts(now), s.ts(now)); err != nil {
			return err
		}
		if err := s.agendaEvent(ctx, tx, a, it.ID, "aangemaakt", "Op de wijkagenda gezet (gekozen in de stemming over het wijkbudget). Trekker: "+it.Owner+"."); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE wijkbudget_projects SET agenda_item_id = ? WHERE id = ?", it.ID, w.Project.ID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, auth.ManageWijkbudget, audit.Create, b.Gemeente, "agendapunt", it.ID); err != nil {
			return err
		}
	}
	return nil
}

// MayVote reports whether the user may vote in the vote (a verified
// resident of its wijk), for pages that offer the ballot form; CastBallot
// checks again.
func (s *Store) MayVote(ctx context.Context, p *auth.Principal, b participation.Budget) (bool, error) {
	if p == nil {
		return false, nil
	}
	ok, err := s.verifiedResident(ctx, nil, p.UserID, b)
	return ok, classify(err)
}

// VotingOpen reports whether the vote takes ballots now, by the store's clock.
func (s *Store) VotingOpen(b participation.Budget) bool { return b.VotingOpen(s.now()) }

// NotifyWijkbudget queues a notification about a vote for every verified
// resident of its wijk (each by their own preference: direct, digest or
// none). Nobody is singled out by how they voted: everyone in the wijk
// gets the same message. It returns the number of mails queued.
func (s *Store) NotifyWijkbudget(ctx context.Context, budgetID, kind, subject, body string) (int, error) {
	n := 0
	err := s.Tx(ctx, func(tx *Tx) error {
		b, err := s.lockWijkbudget(ctx, tx, budgetID, "")
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT r.user_id FROM residents r JOIN users u ON u.id = r.user_id
			WHERE r.gemeente = ? AND r.wijk = ? AND r.verified_at IS NOT NULL AND u.disabled = 0 ORDER BY r.user_id`, b.Gemeente, b.Wijk)
		if err != nil {
			return err
		}
		var users []string
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return err
			}
			users = append(users, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, u := range users {
			ok, err := s.NotifyUser(ctx, tx, u, b.Gemeente, kind, subject, body)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return nil
	})
	return n, err
}

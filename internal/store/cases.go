package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// Record types in the audit log for signals and cases.
const (
	RecSignal = "signaal"
	RecCase   = "casus"
)

// --- helpers shared by signals and cases ---

// rowQuerier is a transaction or the read pool.
type rowQuerier interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

type readPool struct{ s *Store }

func (r readPool) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return r.s.queryRow(ctx, q, args...)
}

// forUpdate locks the selected row until the transaction ends on
// PostgreSQL; SQLite's single writer serialises transactions already.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// tsText is a timestamp as text, for columns that are TEXT in both dialects.
func tsText(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// caseworkerRoles are the roles that may carry a case: those that write
// persons (regisseur and teamleider).
func caseworkerRoles() []string {
	var out []string
	for _, r := range auth.Roles {
		if r.Allows(auth.WritePersons) {
			out = append(out, string(r))
		}
	}
	return out
}

// leads reports whether the actor leads the team in the gemeente
// (teamleider): works with persons and manages the team.
func leads(a Actor, gemeente string) bool {
	return a.P.Can(auth.WritePersons, gemeente) && a.P.Can(auth.ManageTeam, gemeente)
}

// leadScope lists the gemeenten where the actor is teamleider.
func leadScope(a Actor) []string {
	var out []string
	for _, gm := range a.scope(auth.WritePersons) {
		if leads(a, gm) {
			out = append(out, gm)
		}
	}
	return out
}

// isCaseworker reports whether the user may be regisseur in the gemeente:
// an active account with the role regisseur or teamleider there.
func (s *Store) isCaseworker(ctx context.Context, q rowQuerier, userID, gemeente string) (bool, error) {
	roles, args := in(caseworkerRoles())
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.user_id = ? AND r.gemeente = ? AND u.disabled = 0 AND r.role IN (`+roles+")", append([]any{userID, gemeente}, args...)...).Scan(&n)
	return n > 0, classify(err)
}

// auditReadAs writes read records in their own transaction, with the role
// that grants perm (a reporter reads their own reports as melder).
func (s *Store) auditReadAs(ctx context.Context, a Actor, perm auth.Permission, action audit.Action, recordType string, recs map[string][]string) error {
	if len(recs) == 0 {
		return nil
	}
	return s.Tx(ctx, func(tx *Tx) error {
		for gm, ids := range recs {
			if err := s.audit(ctx, tx, a, perm, action, gm, recordType, ids...); err != nil {
				return err
			}
		}
		return nil
	})
}

// visibleHousehold answers the gemeente of a household the actor may read,
// from the read pool; "not found" otherwise.
func (s *Store) visibleHousehold(ctx context.Context, a Actor, id string) (string, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return "", errs.ErrNotFound
	}
	ph, args := in(scope)
	var gm string
	err := s.queryRow(ctx, "SELECT gemeente FROM households WHERE id = ? AND gemeente IN ("+ph+")", append([]any{id}, args...)...).Scan(&gm)
	return gm, classify(err)
}

// insertHousehold saves an already validated and placed household.
func (s *Store) insertHousehold(ctx context.Context, tx *Tx, a Actor, h *people.Household) error {
	if h.ID == "" {
		h.ID = secret.ID()
	}
	h.Created = s.now().UTC()
	h.Updated = h.Created
	if _, err := tx.Exec(ctx, `INSERT INTO households (id, gemeente, postcode, huisnummer, toevoeging, wijk, buurt, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.ID, h.Gemeente, h.Postcode, h.Huisnummer, h.Toevoeging, h.Wijk, h.Buurt, s.ts(h.Created), s.ts(h.Updated)); err != nil {
		return err
	}
	if err := s.change(ctx, tx, h.Gemeente, RecHousehold, h.ID, "create"); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, auth.WritePersons, audit.Create, h.Gemeente, RecHousehold, h.ID)
}

// --- search before you create ---

// DuplicateHousehold tells that a household is already known: at the same
// address in the gemeente (Field "postcode"), or as the current household
// of the person with the given BSN (Field "bsn").
type DuplicateHousehold struct {
	Field       string `json:"veld"`
	Gemeente    string `json:"gemeente"`
	HouseholdID string `json:"huishouden"`
	Address     string `json:"adres"`
}

// Message is the user-facing text, with the path of the existing household.
func (d *DuplicateHousehold) Message() string {
	if d.Field == "bsn" {
		return fmt.Sprintf("deze persoon hoort al bij het huishouden op %s (/huishoudens/%s); voeg de persoon daar toe of beëindig eerst dat lidmaatschap", d.Address, d.HouseholdID)
	}
	return fmt.Sprintf("op %s is al een huishouden bekend (/huishoudens/%s); gebruik dat dossier, of bevestig met een reden dat hier een tweede huishouden woont (bijvoorbeeld kamerbewoning)", d.Address, d.HouseholdID)
}

func (d *DuplicateHousehold) Error() string { return d.Field + ": " + d.Message() }

// AsDuplicate finds a search-before-create conflict in err.
func AsDuplicate(err error) (*DuplicateHousehold, bool) {
	var d *DuplicateHousehold
	ok := errors.As(err, &d)
	return d, ok
}

func duplicateError(d *DuplicateHousehold) error {
	return &errs.Error{Kind: errs.Conflict, Message: d.Field + ": " + d.Message(), Err: d}
}

// existingHousehold finds the household that makes a new one at h's
// address (or for the person with bsn) a second file. A household counts
// while it has an active member, has never had members yet (it was just
// started), or has an active case; one whose members all moved out does not.
func (s *Store) existingHousehold(ctx context.Context, q rowQuerier, h people.Household, bsn string) (*DuplicateHousehold, error) {
	today := people.DateOf(s.now().In(people.Amsterdam()))
	d := DuplicateHousehold{Gemeente: h.Gemeente}
	var pc, toev string
	var nr int
	if bsn != "" {
		err := q.QueryRow(ctx, `SELECT h.id, h.postcode, h.huisnummer, h.toevoeging FROM persons p
			JOIN household_members m ON m.person_id = p.id JOIN households h ON h.id = m.household_id
			WHERE p.gemeente = ? AND p.bsn_hash = ? AND (m.end_date IS NULL OR m.end_date > ?)
			ORDER BY m.start_date DESC LIMIT 1`, h.Gemeente, s.keys.Hash(bsn, h.Gemeente), today).Scan(&d.HouseholdID, &pc, &nr, &toev)
		switch {
		case err == nil:
			d.Field = "bsn"
			d.Address = people.Household{Postcode: pc, Huisnummer: nr, Toevoeging: toev}.Address()
			return &d, nil
		case err != sql.ErrNoRows:
			return nil, classify(err)
		}
	}
	err := q.QueryRow(ctx, `SELECT h.id FROM households h
		WHERE h.gemeente = ? AND h.postcode = ? AND h.huisnummer = ? AND h.toevoeging = ?
		AND (EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id AND (m.end_date IS NULL OR m.end_date > ?))
			OR NOT EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id)
			OR EXISTS (SELECT 1 FROM cases c WHERE c.household_id = h.id AND c.status = 'actief'))
		ORDER BY h.created_at, h.id LIMIT 1`, h.Gemeente, h.Postcode, h.Huisnummer, h.Toevoeging, today).Scan(&d.HouseholdID)
	switch {
	case err == nil:
		d.Field = "postcode"
		d.Address = h.Address()
		return &d, nil
	case err == sql.ErrNoRows:
		return nil, nil
	}
	return nil, classify(err)
}

// validateNewHousehold checks the input of a search before create.
func validateNewHousehold(h *people.Household, bsn *string, confirm bool, reason *string) error {
	var fe people.FieldErrors
	if err := people.ValidateHousehold(h); err != nil {
		hf, _ := people.AsFieldErrors(err)
		fe = append(fe, hf...)
	}
	if *bsn != "" {
		*bsn = people.NormalizeBSN(*bsn)
		if !people.ValidBSN(*bsn) {
			fe.Add("bsn", "dit is geen geldig BSN (9 cijfers die de elfproef doorstaan)")
		}
	}
	r, err := casework.ValidateSecondHousehold(confirm, *reason)
	*reason = r
	if err != nil {
		hf, _ := people.AsFieldErrors(err)
		fe = append(fe, hf...)
	}
	return fe.Err()
}

// CheckNewHousehold searches before a household is created: by exact BSN
// (when one is given) and by postcode + house number + addition in the
// gemeente. When a household is already known there it answers a conflict
// (errs.Conflict) whose message names the field and links to the existing
// household (AsDuplicate gives the details), unless confirm is set with a
// reason: a second household at the same address (kamerbewoning). It
// writes nothing but the audit record of the search when it finds one.
// Prefer CreateHouseholdChecked, which checks and creates in one
// transaction and keeps the reason.
func (s *Store) CheckNewHousehold(ctx context.Context, a Actor, h people.Household, bsn string, confirm bool, reason string) error {
	if err := s.checkScope(a, auth.WritePersons, h.Gemeente); err != nil {
		return err
	}
	if err := validateNewHousehold(&h, &bsn, confirm, &reason); err != nil {
		return err
	}
	d, err := s.existingHousehold(ctx, readPool{s}, h, bsn)
	if err != nil || d == nil {
		return err
	}
	if err := s.auditRead(ctx, a, audit.Search, RecHousehold, map[string][]string{h.Gemeente: {d.HouseholdID}}); err != nil {
		return err
	}
	if confirm {
		return nil
	}
	return duplicateError(d)
}

// CreateHouseholdChecked is CreateHousehold with the search before create
// (see CheckNewHousehold) in the same transaction, so two people starting
// the same household at once cannot both succeed; a confirmed second
// household keeps its reason (HouseholdConfirmation).
func (s *Store) CreateHouseholdChecked(ctx context.Context, a Actor, h *people.Household, bsn string, confirm bool, reason string) error {
	if err := s.checkScope(a, auth.WritePersons, h.Gemeente); err != nil {
		return err
	}
	if err := validateNewHousehold(h, &bsn, confirm, &reason); err != nil {
		return err
	}
	err := s.Tx(ctx, func(tx *Tx) error {
		return s.createChecked(ctx, tx, a, h, bsn, confirm, reason)
	})
	return s.auditRefusal(ctx, a, err)
}

// auditRefusal writes the search record of a refused creation: the
// transaction that found the existing household was rolled back, but the
// caller learns of that household, so the read is logged all the same.
func (s *Store) auditRefusal(ctx context.Context, a Actor, err error) error {
	d, ok := AsDuplicate(err)
	if !ok {
		return err
	}
	if aerr := s.auditRead(ctx, a, audit.Search, RecHousehold, map[string][]string{d.Gemeente: {d.HouseholdID}}); aerr != nil {
		return aerr
	}
	return err
}

// createChecked places, checks and inserts a validated household in tx.
func (s *Store) createChecked(ctx context.Context, tx *Tx, a Actor, h *people.Household, bsn string, confirm bool, reason string) error {
	if s.dialect == Postgres {
		// Serialise creations at one address, so the check below holds.
		key := h.Gemeente + "|" + h.Postcode + "|" + fmt.Sprint(h.Huisnummer)
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext(CAST(? AS TEXT)))", key); err != nil {
			return err
		}
	}
	if err := s.placeHousehold(ctx, tx, h); err != nil {
		return err
	}
	d, err := s.existingHousehold(ctx, tx, *h, bsn)
	if err != nil {
		return err
	}
	if d != nil {
		if !confirm {
			return duplicateError(d) // the caller audits the search (auditRefusal)
		}
		if err := s.audit(ctx, tx, a, auth.ReadPersons, audit.Search, h.Gemeente, RecHousehold, d.HouseholdID); err != nil {
			return err
		}
	}
	if err := s.insertHousehold(ctx, tx, a, h); err != nil {
		return err
	}
	if d == nil {
		return nil
	}
	veld := "adres"
	if d.Field == "bsn" {
		veld = "bsn"
	}
	_, err = tx.Exec(ctx, `INSERT INTO household_confirmations (household_id, gemeente, existing_id, veld, reden, by_user, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, h.ID, h.Gemeente, d.HouseholdID, veld, reason, a.P.UserID, s.ts(s.now()))
	return err
}

// HouseholdConfirmation is why a second household was started where one
// was already known.
type HouseholdConfirmation struct {
	Household string    `json:"huishouden"`
	Existing  string    `json:"bestaand_huishouden"`
	Veld      string    `json:"veld"` // adres or bsn
	Reden     string    `json:"reden"`
	ByEmail   string    `json:"door"`
	At        time.Time `json:"op"`
}

// ConfirmationFor returns the confirmation of a household started as a
// second one at its address, if any (audited as a read of the household).
func (s *Store) ConfirmationFor(ctx context.Context, a Actor, householdID string) (HouseholdConfirmation, bool, error) {
	gm, err := s.visibleHousehold(ctx, a, householdID)
	if err != nil {
		return HouseholdConfirmation{}, false, err
	}
	var c HouseholdConfirmation
	err = s.queryRow(ctx, `SELECT hc.household_id, hc.existing_id, hc.veld, hc.reden, u.email, hc.created_at
		FROM household_confirmations hc JOIN users u ON u.id = hc.by_user WHERE hc.household_id = ? AND hc.gemeente = ?`, householdID, gm).
		Scan(&c.Household, &c.Existing, &c.Veld, &c.Reden, &c.ByEmail, timeCol{&c.At})
	if err == sql.ErrNoRows {
		return c, false, nil
	}
	if err != nil {
		return c, false, classify(err)
	}
	return c, true, s.auditRead(ctx, a, audit.Read, RecHousehold, map[string][]string{gm: {householdID}})
}

// --- cases: one household, one regisseur ---

const caseCols = "c.id, c.gemeente, c.household_id, c.regisseur_id, u.email, u.name, c.status, c.opened_at, c.closed_at, c.close_reason"

const caseFrom = " FROM cases c JOIN users u ON u.id = c.regisseur_id"

func scanCase(sc interface{ Scan(...any) error }, extra ...any) (casework.Case, error) {
	var c casework.Case
	var closed time.Time
	dst := append([]any{&c.ID, &c.Gemeente, &c.Household, &c.RegisseurID, &c.RegisseurEmail, &c.RegisseurNaam, &c.Status,
		timeCol{&c.Opened}, timeCol{&closed}, &c.CloseReason}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return c, err
	}
	if !closed.IsZero() {
		c.Closed = &closed
	}
	return c, nil
}

func (s *Store) activeCaseTx(ctx context.Context, tx *Tx, householdID string) (casework.Case, bool, error) {
	c, err := scanCase(tx.QueryRow(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.household_id = ? AND c.status = 'actief'", householdID))
	if err == sql.ErrNoRows {
		return c, false, nil
	}
	return c, err == nil, classify(err)
}

func activeCaseConflict(c casework.Case) error {
	return errs.E(errs.Conflict, "Dit huishouden heeft al een actieve casus met regisseur %s. Eén huishouden heeft één regisseur: draag de casus over in plaats van een nieuwe te openen.", c.RegisseurEmail)
}

// openCase opens a case in tx for a household of gemeente gm.
func (s *Store) openCase(ctx context.Context, tx *Tx, a Actor, gm, householdID, regisseurID string) (casework.Case, error) {
	ok, err := s.isCaseworker(ctx, tx, regisseurID, gm)
	if err != nil {
		return casework.Case{}, err
	}
	if !ok {
		return casework.Case{}, &people.FieldError{Field: "regisseur", Message: "kies een collega met de rol regisseur of teamleider in deze gemeente"}
	}
	if cur, ok, err := s.activeCaseTx(ctx, tx, householdID); err != nil {
		return casework.Case{}, err
	} else if ok {
		return casework.Case{}, activeCaseConflict(cur)
	}
	id := secret.ID()
	_, err = tx.Exec(ctx, `INSERT INTO cases (id, gemeente, household_id, regisseur_id, status, opened_at, close_reason) VALUES (?, ?, ?, ?, 'actief', ?, '')`,
		id, gm, householdID, regisseurID, s.ts(s.now()))
	if errs.Is(classify(err), errs.Conflict) {
		// Someone opened one at the same moment (the partial unique index).
		return casework.Case{}, errs.E(errs.Conflict, "Dit huishouden heeft net een actieve casus gekregen. Eén huishouden heeft één regisseur: open de casus niet opnieuw.")
	}
	if err != nil {
		return casework.Case{}, err
	}
	if err := s.change(ctx, tx, gm, RecCase, id, "create"); err != nil {
		return casework.Case{}, err
	}
	if err := s.audit(ctx, tx, a, auth.WritePersons, audit.Create, gm, RecCase, id); err != nil {
		return casework.Case{}, err
	}
	c, err := scanCase(tx.QueryRow(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.id = ?", id))
	return c, classify(err)
}

// OpenCase opens a case for a household with one regisseur: a user with
// the role regisseur or teamleider in the household's gemeente (empty
// means the actor). A household has at most one active case; a second
// answers errs.Conflict, also when two are opened at the same moment.
func (s *Store) OpenCase(ctx context.Context, a Actor, householdID, regisseurID string) (casework.Case, error) {
	if a.P == nil {
		return casework.Case{}, errs.E(errs.Unauthorized, "Log in.")
	}
	regisseurID = strings.TrimSpace(regisseurID)
	if regisseurID == "" {
		regisseurID = a.P.UserID
	}
	var c casework.Case
	err := s.Tx(ctx, func(tx *Tx) error {
		gm, err := s.householdGemeente(ctx, tx, a, householdID)
		if err != nil {
			return err
		}
		if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
			return err
		}
		c, err = s.openCase(ctx, tx, a, gm, householdID, regisseurID)
		return err
	})
	return c, err
}

// ActiveCase returns the household's active case with its regisseur, if
// any (audited as a read of the case).
func (s *Store) ActiveCase(ctx context.Context, a Actor, householdID string) (casework.Case, bool, error) {
	gm, err := s.visibleHousehold(ctx, a, householdID)
	if err != nil {
		return casework.Case{}, false, err
	}
	c, err := scanCase(s.queryRow(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.household_id = ? AND c.gemeente = ? AND c.status = 'actief'", householdID, gm))
	if err == sql.ErrNoRows {
		return casework.Case{}, false, nil
	}
	if err != nil {
		return casework.Case{}, false, classify(err)
	}
	return c, true, s.auditRead(ctx, a, audit.Read, RecCase, map[string][]string{gm: {c.ID}})
}

// CaseHistory returns every case of the household, newest first, and every
// handover, oldest first (audited as reads of the cases).
func (s *Store) CaseHistory(ctx context.Context, a Actor, householdID string) ([]casework.Case, []casework.Handover, error) {
	gm, err := s.visibleHousehold(ctx, a, householdID)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.query(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.household_id = ? AND c.gemeente = ? ORDER BY c.opened_at DESC, c.id", householdID, gm)
	if err != nil {
		return nil, nil, err
	}
	cases := []casework.Case{}
	var ids []string
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		cases = append(cases, c)
		ids = append(ids, c.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, classify(err)
	}
	hos := []casework.Handover{}
	if len(ids) > 0 {
		rows, err = s.query(ctx, `SELECT ho.id, ho.case_id, ho.from_user, uf.email, ho.to_user, ut.email, ho.note, ho.by_user, ub.email, ho.at
			FROM handovers ho JOIN cases c ON c.id = ho.case_id
			JOIN users uf ON uf.id = ho.from_user JOIN users ut ON ut.id = ho.to_user JOIN users ub ON ub.id = ho.by_user
			WHERE c.household_id = ? AND c.gemeente = ? ORDER BY ho.at, ho.id`, householdID, gm)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var h casework.Handover
			if err := rows.Scan(&h.ID, &h.Case, &h.FromID, &h.FromEmail, &h.ToID, &h.ToEmail, &h.Note, &h.ByID, &h.ByEmail, timeCol{&h.At}); err != nil {
				rows.Close()
				return nil, nil, err
			}
			hos = append(hos, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, classify(err)
		}
	}
	return cases, hos, s.auditRead(ctx, a, audit.Read, RecCase, map[string][]string{gm: ids})
}

// lockActiveCase finds and locks the household's active case for a change
// by its regisseur or a teamleider.
func (s *Store) lockActiveCase(ctx context.Context, tx *Tx, a Actor, householdID, verb string) (casework.Case, error) {
	gm, err := s.householdGemeente(ctx, tx, a, householdID)
	if err != nil {
		return casework.Case{}, err
	}
	if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
		return casework.Case{}, err
	}
	var id string
	err = tx.QueryRow(ctx, "SELECT id FROM cases WHERE household_id = ? AND gemeente = ? AND status = 'actief'"+s.forUpdate(), householdID, gm).Scan(&id)
	if err == sql.ErrNoRows {
		return casework.Case{}, errs.E(errs.Conflict, "Dit huishouden heeft geen actieve casus.")
	}
	if err != nil {
		return casework.Case{}, classify(err)
	}
	c, err := scanCase(tx.QueryRow(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.id = ?", id))
	if err != nil {
		return c, classify(err)
	}
	if c.RegisseurID != a.P.UserID && !leads(a, gm) {
		return c, errs.E(errs.Forbidden, "Alleen de regisseur van deze casus of een teamleider kan de casus %s.", verb)
	}
	return c, nil
}

// HandOver moves the household's active case to another regisseur (a user
// with the role regisseur or teamleider in the gemeente), with a note for
// the colleague. Only the current regisseur or a teamleider may do it.
func (s *Store) HandOver(ctx context.Context, a Actor, householdID, toUserID, note string) (casework.Handover, error) {
	if a.P == nil {
		return casework.Handover{}, errs.E(errs.Unauthorized, "Log in.")
	}
	toUserID = strings.TrimSpace(toUserID)
	if _, err := casework.ValidateHandover("", toUserID, note); err != nil {
		return casework.Handover{}, err
	}
	var h casework.Handover
	err := s.Tx(ctx, func(tx *Tx) error {
		c, err := s.lockActiveCase(ctx, tx, a, householdID, "overdragen")
		if err != nil {
			return err
		}
		note, err := casework.ValidateHandover(c.RegisseurID, toUserID, note)
		if err != nil {
			return err
		}
		ok, err := s.isCaseworker(ctx, tx, toUserID, c.Gemeente)
		if err != nil {
			return err
		}
		if !ok {
			return &people.FieldError{Field: "regisseur", Message: "kies een collega met de rol regisseur of teamleider in deze gemeente"}
		}
		res, err := tx.Exec(ctx, "UPDATE cases SET regisseur_id = ? WHERE id = ? AND status = 'actief' AND regisseur_id = ?", toUserID, c.ID, c.RegisseurID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "De casus is intussen gewijzigd. Bekijk hem opnieuw.")
		}
		h = casework.Handover{ID: secret.ID(), Case: c.ID, FromID: c.RegisseurID, FromEmail: c.RegisseurEmail, ToID: toUserID, Note: note,
			ByID: a.P.UserID, ByEmail: a.P.Email, At: s.now().UTC()}
		if _, err := tx.Exec(ctx, `INSERT INTO handovers (id, gemeente, case_id, from_user, to_user, note, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			h.ID, c.Gemeente, c.ID, h.FromID, h.ToID, h.Note, h.ByID, tsText(h.At)); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT email FROM users WHERE id = ?", toUserID).Scan(&h.ToEmail); err != nil {
			return err
		}
		if err := s.change(ctx, tx, c.Gemeente, RecCase, c.ID, "handover"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Update, c.Gemeente, RecCase, c.ID)
	})
	return h, err
}

// CloseCase closes the household's active case with a reason. Only the
// current regisseur or a teamleider may do it.
func (s *Store) CloseCase(ctx context.Context, a Actor, householdID, reason string) (casework.Case, error) {
	if a.P == nil {
		return casework.Case{}, errs.E(errs.Unauthorized, "Log in.")
	}
	reason, err := casework.ValidateClose(reason)
	if err != nil {
		return casework.Case{}, err
	}
	var c casework.Case
	err = s.Tx(ctx, func(tx *Tx) error {
		var err error
		c, err = s.lockActiveCase(ctx, tx, a, householdID, "afsluiten")
		if err != nil {
			return err
		}
		now := s.now().UTC()
		res, err := tx.Exec(ctx, "UPDATE cases SET status = 'afgesloten', closed_at = ?, close_reason = ? WHERE id = ? AND status = 'actief'", s.ts(now), reason, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "De casus is intussen gewijzigd. Bekijk hem opnieuw.")
		}
		c.Status, c.Closed, c.CloseReason = casework.CaseClosed, &now, reason
		if err := s.change(ctx, tx, c.Gemeente, RecCase, c.ID, "close"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Update, c.Gemeente, RecCase, c.ID)
	})
	return c, err
}

// Caseload counts the active cases per regisseur for a teamleider: every
// regisseur and teamleider of the gemeente (also those with none), and
// anyone else who still carries active cases there (a blocked account, a
// role taken away) so those cases get handed over. gemeente "" means all
// gemeenten where the actor is teamleider. No resident data: counts only.
func (s *Store) Caseload(ctx context.Context, a Actor, gemeente string) ([]casework.CaseloadRow, error) {
	scope := leadScope(a)
	if gemeente != "" {
		if !leads(a, gemeente) {
			return nil, errs.E(errs.Forbidden, "gemeente: alleen een teamleider van gemeente %s ziet de caseload van het team", gemeente)
		}
		scope = []string{gemeente}
	}
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "Alleen een teamleider ziet de caseload van het team.")
	}
	ph, args := in(scope)
	rph, rargs := in(caseworkerRoles())
	type key struct{ gm, user string }
	rowsBy := map[key]*casework.CaseloadRow{}
	rows, err := s.query(ctx, `SELECT DISTINCT r.gemeente, u.id, u.email, u.name FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE u.disabled = 0 AND r.gemeente IN (`+ph+") AND r.role IN ("+rph+")", append(args, rargs...)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r casework.CaseloadRow
		if err := rows.Scan(&r.Gemeente, &r.UserID, &r.Email, &r.Naam); err != nil {
			rows.Close()
			return nil, err
		}
		r.Caseworker = true
		rowsBy[key{r.Gemeente, r.UserID}] = &r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	rows, err = s.query(ctx, `SELECT c.gemeente, c.regisseur_id, u.email, u.name, COUNT(*) FROM cases c JOIN users u ON u.id = c.regisseur_id
		WHERE c.status = 'actief' AND c.gemeente IN (`+ph+") GROUP BY c.gemeente, c.regisseur_id, u.email, u.name", args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r casework.CaseloadRow
		if err := rows.Scan(&r.Gemeente, &r.UserID, &r.Email, &r.Naam, &r.Active); err != nil {
			rows.Close()
			return nil, err
		}
		if cur, ok := rowsBy[key{r.Gemeente, r.UserID}]; ok {
			cur.Active = r.Active
		} else {
			rowsBy[key{r.Gemeente, r.UserID}] = &r
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	out := make([]casework.CaseloadRow, 0, len(rowsBy))
	for _, r := range rowsBy {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Gemeente != out[j].Gemeente {
			return out[i].Gemeente < out[j].Gemeente
		}
		if out[i].Active != out[j].Active {
			return out[i].Active > out[j].Active
		}
		return out[i].Email < out[j].Email
	})
	return out, nil
}

// CaseHousehold is an active case with the address of its household.
type CaseHousehold struct {
	Case      casework.Case    `json:"casus"`
	Household people.Household `json:"adres"`
}

// RegisseurHouseholds lists the households whose active case has userID
// as regisseur, oldest case first. A regisseur may list their own; a
// teamleider anyone's in the gemeenten they lead. Audited as a search of
// the households.
func (s *Store) RegisseurHouseholds(ctx context.Context, a Actor, userID string) ([]CaseHousehold, error) {
	if a.P == nil {
		return nil, errs.E(errs.Unauthorized, "Log in.")
	}
	scope := leadScope(a)
	if userID == a.P.UserID {
		scope = a.scope(auth.ReadPersons)
	}
	if len(scope) == 0 {
		if userID != a.P.UserID && a.P.CanAnywhere(auth.ReadPersons) {
			return nil, errs.E(errs.Forbidden, "U ziet alleen uw eigen caseload.")
		}
		return nil, errs.E(errs.Forbidden, "Uw rol geeft geen toegang tot huishoudens.")
	}
	ph, args := in(scope)
	rows, err := s.query(ctx, "SELECT "+caseCols+", "+householdCols+caseFrom+` JOIN households h ON h.id = c.household_id
		WHERE c.regisseur_id = ? AND c.status = 'actief' AND c.gemeente IN (`+ph+") ORDER BY c.opened_at, c.id", append([]any{userID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CaseHousehold{}
	seen := map[string][]string{}
	for rows.Next() {
		var ch CaseHousehold
		var h people.Household
		c, err := scanCase(rows, &h.ID, &h.Gemeente, &h.Postcode, &h.Huisnummer, &h.Toevoeging, &h.Wijk, &h.Buurt, timeCol{&h.Created}, timeCol{&h.Updated})
		if err != nil {
			return nil, err
		}
		ch.Case, ch.Household = c, h
		out = append(out, ch)
		seen[h.Gemeente] = append(seen[h.Gemeente], h.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	return out, s.auditRead(ctx, a, audit.Search, RecHousehold, seen)
}

// Caseworkers lists the active users who may be regisseur in the gemeente
// (role regisseur or teamleider), for choosing one; the actor must work
// with persons there.
func (s *Store) Caseworkers(ctx context.Context, a Actor, gemeente string) ([]User, error) {
	if !a.P.Can(auth.ReadPersons, gemeente) {
		return nil, errs.E(errs.Forbidden, "gemeente: u werkt niet voor gemeente %s", gemeente)
	}
	rph, rargs := in(caseworkerRoles())
	rows, err := s.query(ctx, "SELECT "+userCols+` FROM users WHERE disabled = 0 AND id IN
		(SELECT user_id FROM user_roles WHERE gemeente = ? AND role IN (`+rph+")) ORDER BY name, email", append([]any{gemeente}, rargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = ""
		out = append(out, u)
	}
	return out, classify(rows.Err())
}

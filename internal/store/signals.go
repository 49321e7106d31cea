package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

const signalCols = `s.id, s.gemeente, s.wijk, s.postcode, s.huisnummer, s.toevoeging, s.naam, s.bron, s.wat, s.domeinen, s.urgentie,
	s.bewoner_weet, s.bewoner_akkoord, s.status, s.reden, COALESCE(s.household_id, ''), s.reporter_id, u.email,
	COALESCE(t.email, ''), s.triaged_at, s.created_at`

const signalFrom = " FROM signals s JOIN users u ON u.id = s.reporter_id LEFT JOIN users t ON t.id = s.triaged_by"

func scanSignal(sc interface{ Scan(...any) error }) (casework.Signal, error) {
	var g casework.Signal
	var doms string
	var weet, akkoord int
	var triaged time.Time
	err := sc.Scan(&g.ID, &g.Gemeente, &g.Wijk, &g.Postcode, &g.Huisnummer, &g.Toevoeging, &g.Naam, &g.Bron, &g.Wat, &doms, &g.Urgentie,
		&weet, &akkoord, &g.Status, &g.Reden, &g.Household, &g.ReporterID, &g.ReporterEmail, &g.TriagedBy, timeCol{&triaged}, timeCol{&g.Created})
	if err != nil {
		return g, err
	}
	g.Domeinen = []string{}
	if doms != "" {
		g.Domeinen = strings.Split(doms, ",")
	}
	g.BewonerWeet, g.BewonerAkkoord = weet != 0, akkoord != 0
	if !triaged.IsZero() {
		g.TriagedAt = &triaged
	}
	return g, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// placeSignal puts the signal's address in a wijk: the postcode table
// decides when it knows the address; otherwise the wijk the reporter
// picked, which must lie in the gemeente.
func (s *Store) placeSignal(ctx context.Context, tx *Tx, g *casework.Signal) error {
	h := people.Household{Gemeente: g.Gemeente, Postcode: g.Postcode, Huisnummer: g.Huisnummer}
	err := s.placeHousehold(ctx, tx, &h)
	if fe, ok := people.AsFieldErrors(err); ok && fe.For("wijk") != "" && g.Wijk != "" {
		h = people.Household{Gemeente: g.Gemeente, Postcode: g.Postcode, Huisnummer: g.Huisnummer, Wijk: g.Wijk}
		err = s.placeHousehold(ctx, tx, &h)
	}
	if err != nil {
		return err
	}
	g.Wijk = h.Wijk
	return nil
}

// CreateSignal saves a concern reported by anyone with auth.ReportSignal
// in the signal's gemeente (empty: the only gemeente the reporter reports
// for). It validates every field first, places the address in a wijk, and
// audits the write in the same transaction.
func (s *Store) CreateSignal(ctx context.Context, a Actor, g *casework.Signal) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	gms := a.scope(auth.ReportSignal)
	if len(gms) == 0 {
		return errs.E(errs.Forbidden, "Uw account kan geen signalen melden.")
	}
	g.Gemeente = strings.TrimSpace(g.Gemeente)
	if g.Gemeente == "" && len(gms) == 1 {
		g.Gemeente = gms[0]
	}
	err := casework.ValidateSignal(g)
	fe, _ := people.AsFieldErrors(err)
	if g.Gemeente != "" && !a.P.Can(auth.ReportSignal, g.Gemeente) {
		fe.Add("gemeente", "u kunt alleen melden in een gemeente waarvoor u een account heeft")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	g.ID = secret.ID()
	g.Status = casework.SignalNew
	g.Reden, g.Household, g.TriagedBy, g.TriagedAt = "", "", "", nil
	g.ReporterID, g.ReporterEmail = a.P.UserID, a.P.Email
	g.Created = s.now().UTC()
	return s.Tx(ctx, func(tx *Tx) error {
		if err := s.placeSignal(ctx, tx, g); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO signals (id, gemeente, wijk, postcode, huisnummer, toevoeging, naam, bron, wat, domeinen, urgentie,
			bewoner_weet, bewoner_akkoord, status, reden, reporter_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)`,
			g.ID, g.Gemeente, g.Wijk, g.Postcode, g.Huisnummer, g.Toevoeging, g.Naam, g.Bron, g.Wat, strings.Join(g.Domeinen, ","), g.Urgentie,
			boolInt(g.BewonerWeet), boolInt(g.BewonerAkkoord), g.Status, g.ReporterID, s.ts(g.Created)); err != nil {
			return err
		}
		if err := s.change(ctx, tx, g.Gemeente, RecSignal, g.ID, "create"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ReportSignal, audit.Create, g.Gemeente, RecSignal, g.ID)
	})
}

// SignalFilter selects the team's inbox.
type SignalFilter struct {
	Gemeente string // empty: every gemeente where the actor works with persons
	Wijk     string
	Status   string // empty: open ones (nieuw); "alle": every state; or one state
	Limit    int    // default 200, at most 500
}

// SignalInbox lists signals for the team (regisseur, teamleider): acuut
// first, then hoog, then the rest; oldest first within each. Each listed
// signal is audited as seen in a search.
func (s *Store) SignalInbox(ctx context.Context, a Actor, f SignalFilter) ([]casework.Signal, error) {
	scope := a.scope(auth.ReadPersons)
	if f.Gemeente != "" {
		if !a.P.Can(auth.ReadPersons, f.Gemeente) {
			return nil, errs.E(errs.Forbidden, "gemeente: u werkt niet voor gemeente %s", f.Gemeente)
		}
		scope = []string{f.Gemeente}
	}
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "Alleen het wijkteam ziet de binnengekomen signalen.")
	}
	ph, args := in(scope)
	where := " WHERE s.gemeente IN (" + ph + ")"
	switch f.Status {
	case "":
		where += " AND s.status = 'nieuw'"
	case "alle":
	default:
		if _, ok := casework.Lookup(casework.SignalStates, f.Status); !ok {
			return nil, &people.FieldError{Field: "status", Message: "kies een status uit de lijst"}
		}
		where += " AND s.status = ?"
		args = append(args, f.Status)
	}
	if f.Wijk != "" {
		where += " AND s.wijk = ?"
		args = append(args, f.Wijk)
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	if f.Limit > 500 {
		f.Limit = 500
	}
	q := "SELECT " + signalCols + signalFrom + where +
		" ORDER BY CASE s.urgentie WHEN 'acuut' THEN 0 WHEN 'hoog' THEN 1 ELSE 2 END, s.created_at, s.id LIMIT ?"
	rows, err := s.query(ctx, q, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.Signal{}
	seen := map[string][]string{}
	for rows.Next() {
		g, err := scanSignal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
		seen[g.Gemeente] = append(seen[g.Gemeente], g.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	return out, s.auditRead(ctx, a, audit.Search, RecSignal, seen)
}

// SignalCount is the number of open signals in one wijk.
type SignalCount struct {
	Gemeente string `json:"gemeente"`
	Wijk     string `json:"wijk"`
	Open     int    `json:"open"`
}

// OpenSignalsPerWijk counts the open (nieuw) signals per wijk in the
// gemeenten where the actor works with persons. Counts only: not audited.
func (s *Store) OpenSignalsPerWijk(ctx context.Context, a Actor) ([]SignalCount, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "Alleen het wijkteam ziet de binnengekomen signalen.")
	}
	ph, args := in(scope)
	rows, err := s.query(ctx, "SELECT gemeente, wijk, COUNT(*) FROM signals WHERE status = 'nieuw' AND gemeente IN ("+ph+") GROUP BY gemeente, wijk ORDER BY gemeente, wijk", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SignalCount{}
	for rows.Next() {
		var c SignalCount
		if err := rows.Scan(&c.Gemeente, &c.Wijk, &c.Open); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, classify(rows.Err())
}

// OpenSignalCount is the number of signals waiting for triage in the
// gemeente, for the team's menu and worklist. Not audited (a count).
func (s *Store) OpenSignalCount(ctx context.Context, a Actor, gemeente string) (int, error) {
	if !a.P.Can(auth.ReadPersons, gemeente) {
		return 0, errs.E(errs.Forbidden, "gemeente: u werkt niet voor gemeente %s", gemeente)
	}
	var n int
	err := s.queryRow(ctx, "SELECT COUNT(*) FROM signals WHERE gemeente = ? AND status = 'nieuw'", gemeente).Scan(&n)
	return n, classify(err)
}

// GetSignal reads one signal for the team. A reporter outside the team,
// another gemeente's user and beleid all get "not found".
func (s *Store) GetSignal(ctx context.Context, a Actor, id string) (casework.Signal, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return casework.Signal{}, errs.ErrNotFound
	}
	ph, args := in(scope)
	g, err := scanSignal(s.queryRow(ctx, "SELECT "+signalCols+signalFrom+" WHERE s.id = ? AND s.gemeente IN ("+ph+")", append([]any{id}, args...)...))
	if err != nil {
		return g, classify(err)
	}
	return g, s.auditRead(ctx, a, audit.Read, RecSignal, map[string][]string{g.Gemeente: {g.ID}})
}

// MySignals lists the actor's own reports, newest first, as the reporter
// may see them: when, where, and "ontvangen" or "opgepakt" (never the
// outcome, the reason or the household).
func (s *Store) MySignals(ctx context.Context, a Actor) ([]casework.ReporterView, error) {
	if a.P == nil {
		return nil, errs.E(errs.Unauthorized, "Log in.")
	}
	scope := a.scope(auth.ReportSignal)
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "Uw account kan geen signalen melden.")
	}
	ph, args := in(scope)
	rows, err := s.query(ctx, `SELECT id, gemeente, postcode, huisnummer, toevoeging, status, created_at FROM signals
		WHERE reporter_id = ? AND gemeente IN (`+ph+") ORDER BY created_at DESC, id LIMIT 500", append([]any{a.P.UserID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.ReporterView{}
	seen := map[string][]string{}
	for rows.Next() {
		var v casework.ReporterView
		var status string
		if err := rows.Scan(&v.ID, &v.Gemeente, &v.Postcode, &v.Huisnummer, &v.Toevoeging, &status, timeCol{&v.Gemeld}); err != nil {
			return nil, err
		}
		v.Status = casework.ReporterStatus(status)
		out = append(out, v)
		seen[v.Gemeente] = append(seen[v.Gemeente], v.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	return out, s.auditReadAs(ctx, a, auth.ReportSignal, audit.Search, RecSignal, seen)
}

// SignalsForHousehold lists the signals linked to a household (triaged
// into it, or that started it), oldest first, for the household's
// timeline. Audited as reads.
func (s *Store) SignalsForHousehold(ctx context.Context, a Actor, householdID string) ([]casework.Signal, error) {
	gm, err := s.visibleHousehold(ctx, a, householdID)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, "SELECT "+signalCols+signalFrom+" WHERE s.household_id = ? AND s.gemeente = ? ORDER BY s.created_at, s.id", householdID, gm)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.Signal{}
	var ids []string
	for rows.Next() {
		g, err := scanSignal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
		ids = append(ids, g.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	return out, s.auditRead(ctx, a, audit.Read, RecSignal, map[string][]string{gm: ids})
}

// TriageResult is what a triage did.
type TriageResult struct {
	Signal    string         `json:"signaal"`
	Status    string         `json:"status"`
	Household string         `json:"huishouden,omitempty"`
	Case      *casework.Case `json:"casus,omitempty"`
}

// TriageSignal decides on a new signal, once: link it to a household of
// the same gemeente, start a new household at its address (search before
// create applies) with a case that has the actor as regisseur, refer it to
// the voorliggend veld, or close it with a reason. A signal that was
// triaged already answers errs.Conflict; so does a second household at an
// address without confirmation. Everything happens in one transaction.
func (s *Store) TriageSignal(ctx context.Context, a Actor, id string, t casework.Triage) (TriageResult, error) {
	if a.P == nil {
		return TriageResult{}, errs.E(errs.Unauthorized, "Log in.")
	}
	if err := casework.ValidateTriage(&t); err != nil {
		return TriageResult{}, err
	}
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return TriageResult{}, errs.ErrNotFound
	}
	res := TriageResult{Signal: id, Status: t.Outcome}
	err := s.Tx(ctx, func(tx *Tx) error {
		ph, args := in(scope)
		var g casework.Signal
		err := tx.QueryRow(ctx, "SELECT gemeente, wijk, postcode, huisnummer, toevoeging, status FROM signals WHERE id = ? AND gemeente IN ("+ph+")"+s.forUpdate(),
			append([]any{id}, args...)...).Scan(&g.Gemeente, &g.Wijk, &g.Postcode, &g.Huisnummer, &g.Toevoeging, &g.Status)
		if err != nil {
			return classify(err)
		}
		if err := s.checkScope(a, auth.WritePersons, g.Gemeente); err != nil {
			return err
		}
		if g.Status != casework.SignalNew {
			return errs.E(errs.Conflict, "Dit signaal is al afgehandeld (%s). Een signaal wordt één keer afgehandeld.", strings.ToLower(casework.OutcomeName(g.Status)))
		}
		var household any
		switch t.Outcome {
		case casework.SignalLinked:
			hgm, err := s.householdGemeente(ctx, tx, a, t.Household)
			if err != nil || hgm != g.Gemeente {
				return &people.FieldError{Field: "huishouden", Message: "dit huishouden is niet gevonden in de gemeente van het signaal"}
			}
			household, res.Household = t.Household, t.Household
		case casework.SignalNewCase:
			h := people.Household{Gemeente: g.Gemeente, Postcode: g.Postcode, Huisnummer: g.Huisnummer, Toevoeging: g.Toevoeging}
			if err := s.placeHousehold(ctx, tx, &h); err != nil {
				// Not in the address table: the wijk the signal was placed in.
				h = people.Household{Gemeente: g.Gemeente, Postcode: g.Postcode, Huisnummer: g.Huisnummer, Toevoeging: g.Toevoeging, Wijk: g.Wijk}
			}
			if err := s.createChecked(ctx, tx, a, &h, "", t.Confirm, t.Reden); err != nil {
				return err
			}
			c, err := s.openCase(ctx, tx, a, g.Gemeente, h.ID, a.P.UserID)
			if err != nil {
				return err
			}
			household, res.Household, res.Case = h.ID, h.ID, &c
		}
		r, err := tx.Exec(ctx, `UPDATE signals SET status = ?, reden = ?, household_id = ?, triaged_by = ?, triaged_at = ? WHERE id = ? AND status = 'nieuw'`,
			t.Outcome, t.Reden, household, a.P.UserID, s.ts(s.now()), id)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "Dit signaal is net door een collega afgehandeld.")
		}
		if err := s.change(ctx, tx, g.Gemeente, RecSignal, id, "triage"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Update, g.Gemeente, RecSignal, id)
	})
	if err == sql.ErrNoRows {
		err = errs.ErrNotFound
	}
	return res, s.auditRefusal(ctx, a, err)
}

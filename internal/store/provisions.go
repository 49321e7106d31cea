package store

import (
	"context"
	"database/sql"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// RecProvision is the audit record type of provisions.
const RecProvision = "voorziening"

const provisionSelect = `SELECT p.id, p.gemeente, p.person_id, pe.voornamen, pe.tussenvoegsel, pe.achternaam, p.household_id,
	p.wet, p.categorie, p.productcode, p.taakveld, p.aanbieder, p.aanbieder_agb, p.start_datum, p.eind_datum,
	p.volume, p.eenheid, p.frequentie, p.prijs_cents, p.maandbedrag_cents, p.profiel,
	cp.naam, cp.perspectief, cp.intensiteit, cp.prijs_cents, cp.periode,
	p.status, p.eind_reden, p.toelichting, p.created_by, p.created_at, p.updated_at
	FROM provisions p JOIN persons pe ON pe.id = p.person_id
	LEFT JOIN client_profiles cp ON cp.gemeente = p.gemeente AND cp.code = p.profiel`

func scanProvision(sc interface{ Scan(...any) error }) (casework.Provision, error) {
	var p casework.Provision
	var who people.Person
	var cpNaam, cpPersp, cpInt, cpPeriode sql.NullString
	var cpPrijs *casework.Cents
	err := sc.Scan(&p.ID, &p.Gemeente, &p.PersonID, &who.Voornamen, &who.Tussenvoegsel, &who.Achternaam, &p.HouseholdID,
		&p.Wet, &p.Categorie, &p.Productcode, &p.Taakveld, &p.Aanbieder, &p.AanbiederAGB, &p.Start, &p.Eind,
		&p.Volume, &p.Eenheid, &p.Frequentie, &p.PrijsCents, &p.MaandbedragCents, &p.Profiel,
		&cpNaam, &cpPersp, &cpInt, &cpPrijs, &cpPeriode,
		&p.Status, &p.EindReden, &p.Toelichting, &p.CreatedBy, timeCol{&p.Created}, timeCol{&p.Updated})
	if err != nil {
		return p, err
	}
	p.PersonName = who.Name()
	if p.Profiel != "" && cpNaam.Valid && cpPrijs != nil {
		p.Profile = &casework.ClientProfile{Gemeente: p.Gemeente, Code: p.Profiel, Naam: cpNaam.String, Perspectief: cpPersp.String,
			Intensiteit: cpInt.String, PrijsCents: *cpPrijs, Periode: cpPeriode.String}
	}
	p.KostenPerMaand = casework.Cents(casework.MonthlyCost(p))
	return p, nil
}

func pvNullCents(c *casework.Cents) any {
	if c == nil {
		return nil
	}
	return int64(*c)
}

func pvNullInt(n *int) any {
	if n == nil {
		return nil
	}
	return int64(*n)
}

// provisions runs a provision query and audits what it returns.
func (s *Store) provisions(ctx context.Context, a Actor, action audit.Action, where, order string, args []any) ([]casework.Provision, error) {
	rows, err := s.query(ctx, provisionSelect+" WHERE "+where+" ORDER BY "+order, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.Provision{}
	seen := map[string][]string{}
	for rows.Next() {
		p, err := scanProvision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
		seen[p.Gemeente] = append(seen[p.Gemeente], p.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	rows.Close()
	return out, s.auditRead(ctx, a, action, RecProvision, seen)
}

// CreateProvision records a provision for a member of a household. With a
// client profile, the profile's price (per month) becomes the provision's
// monthly amount.
func (s *Store) CreateProvision(ctx context.Context, a Actor, p *casework.Provision) error {
	if err := casework.ValidateProvision(p); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		gm, err := s.householdGemeente(ctx, tx, a, p.HouseholdID)
		if err != nil {
			return err
		}
		if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
			return err
		}
		var fe people.FieldErrors
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM household_members WHERE household_id = ? AND person_id = ? AND gemeente = ?
			AND (end_date IS NULL OR end_date > ?)`, p.HouseholdID, p.PersonID, gm, p.Start).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			fe.Add("persoon", "deze persoon hoort niet (meer) bij dit huishouden")
		}
		if p.Profiel != "" {
			cp, err := scanProfile(tx.QueryRow(ctx, "SELECT "+profileCols+" FROM client_profiles WHERE gemeente = ? AND code = ?", gm, p.Profiel))
			if err == sql.ErrNoRows {
				fe.Add("profiel", "onbekend cliëntprofiel "+p.Profiel+" in deze gemeente")
			} else if err != nil {
				return err
			} else {
				p.Profile = &cp
				p.MaandbedragCents = cp.Monthly().Ptr()
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if p.ID == "" {
			p.ID = secret.ID()
		}
		p.Gemeente, p.CreatedBy = gm, a.P.UserID
		p.Created = s.now().UTC()
		p.Updated = p.Created
		_, err = tx.Exec(ctx, `INSERT INTO provisions (id, gemeente, person_id, household_id, wet, categorie, productcode, taakveld, aanbieder, aanbieder_agb,
			start_datum, eind_datum, volume, eenheid, frequentie, prijs_cents, maandbedrag_cents, profiel, status, eind_reden, toelichting, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, gm, p.PersonID, p.HouseholdID, p.Wet, p.Categorie, p.Productcode, p.Taakveld, p.Aanbieder, p.AanbiederAGB,
			p.Start, p.Eind, pvNullInt(p.Volume), p.Eenheid, p.Frequentie, pvNullCents(p.PrijsCents), pvNullCents(p.MaandbedragCents), p.Profiel,
			p.Status, p.EindReden, p.Toelichting, p.CreatedBy, s.ts(p.Created), s.ts(p.Updated))
		if err != nil {
			return err
		}
		p.KostenPerMaand = casework.Cents(casework.MonthlyCost(*p))
		if err := s.change(ctx, tx, gm, RecProvision, p.ID, "create"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Create, gm, RecProvision, p.ID)
	})
}

// GetProvision reads one provision.
func (s *Store) GetProvision(ctx context.Context, a Actor, id string) (casework.Provision, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return casework.Provision{}, errs.ErrNotFound
	}
	ph, args := in(scope)
	out, err := s.provisions(ctx, a, audit.Read, "p.id = ? AND p.gemeente IN ("+ph+")", "p.id", append([]any{id}, args...))
	if err != nil {
		return casework.Provision{}, err
	}
	if len(out) == 0 {
		return casework.Provision{}, errs.ErrNotFound
	}
	return out[0], nil
}

// ProvisionsForHousehold lists a household's provisions: running ones
// first, then by start date, newest first.
func (s *Store) ProvisionsForHousehold(ctx context.Context, a Actor, householdID string) ([]casework.Provision, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.ErrNotFound
	}
	ph, args := in(scope)
	var gm string
	if err := s.queryRow(ctx, "SELECT gemeente FROM households WHERE id = ? AND gemeente IN ("+ph+")", append([]any{householdID}, args...)...).Scan(&gm); err != nil {
		return nil, classify(err)
	}
	return s.provisions(ctx, a, audit.Read, "p.household_id = ? AND p.gemeente = ?",
		"CASE WHEN p.status = 'beeindigd' THEN 1 ELSE 0 END, p.start_datum DESC, p.id", []any{householdID, gm})
}

// SetProvisionStatus moves a provision forward (never back); ending needs a
// reason and an end date.
func (s *Store) SetProvisionStatus(ctx context.Context, a Actor, id string, ch casework.StatusChange) (casework.Provision, error) {
	err := s.Tx(ctx, func(tx *Tx) error {
		scope := a.scope(auth.ReadPersons)
		if len(scope) == 0 {
			return errs.ErrNotFound
		}
		ph, args := in(scope)
		p, err := scanProvision(tx.QueryRow(ctx, provisionSelect+" WHERE p.id = ? AND p.gemeente IN ("+ph+")", append([]any{id}, args...)...))
		if err != nil {
			return classify(err)
		}
		if err := s.checkScope(a, auth.WritePersons, p.Gemeente); err != nil {
			return err
		}
		old := p.Status
		if err := casework.ApplyStatus(&p, ch); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE provisions SET status = ?, eind_datum = ?, eind_reden = ?, updated_at = ? WHERE id = ? AND status = ?",
			p.Status, p.Eind, p.EindReden, s.ts(s.now()), p.ID, old)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "De status is net door iemand anders gewijzigd; bekijk de voorziening opnieuw.")
		}
		if err := s.change(ctx, tx, p.Gemeente, RecProvision, p.ID, "status"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Update, p.Gemeente, RecProvision, p.ID)
	})
	if err != nil {
		return casework.Provision{}, err
	}
	return s.GetProvision(ctx, a, id)
}

// ProvisionsEnding lists provisions, not yet ended, whose end date lies
// from..to (inclusive) in households whose active case has the regisseur:
// for the worklist ("bel ze vóór de voorziening afloopt"). Soonest first.
func (s *Store) ProvisionsEnding(ctx context.Context, a Actor, regisseurID string, from, to people.Date) ([]casework.Provision, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "U mag geen voorzieningen inzien.")
	}
	ph, args := in(scope)
	where := `p.gemeente IN (` + ph + `) AND p.status <> 'beeindigd' AND p.eind_datum IS NOT NULL AND p.eind_datum >= ? AND p.eind_datum <= ?
		AND EXISTS (SELECT 1 FROM cases c WHERE c.household_id = p.household_id AND c.status = 'actief' AND c.regisseur_id = ?)`
	return s.provisions(ctx, a, audit.Search, where, "p.eind_datum, p.id", append(args, from, to, regisseurID))
}

// --- client profiles (not personal data) ---

const profileCols = "gemeente, code, naam, perspectief, intensiteit, prijs_cents, periode"

func scanProfile(sc interface{ Scan(...any) error }) (casework.ClientProfile, error) {
	var p casework.ClientProfile
	err := sc.Scan(&p.Gemeente, &p.Code, &p.Naam, &p.Perspectief, &p.Intensiteit, &p.PrijsCents, &p.Periode)
	return p, err
}

// Profiles lists the client profiles of a gemeente ("" = all the actor's
// gemeenten), by code.
func (s *Store) Profiles(ctx context.Context, a Actor, gemeente string) ([]casework.ClientProfile, error) {
	scope := teamScope(a)
	if gemeente != "" {
		ok := false
		for _, g := range scope {
			ok = ok || g == gemeente
		}
		if !ok {
			return nil, errs.E(errs.Forbidden, "gemeente: u werkt niet voor gemeente %s", gemeente)
		}
		scope = []string{gemeente}
	}
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "Uw rol geeft geen toegang tot cliëntprofielen.")
	}
	ph, args := in(scope)
	rows, err := s.query(ctx, "SELECT "+profileCols+" FROM client_profiles WHERE gemeente IN ("+ph+") ORDER BY gemeente, code", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.ClientProfile{}
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, classify(rows.Err())
}

// SaveProfile adds a client profile or changes the one with the same code
// (teamleider or beheer). Provisions made earlier keep their price.
func (s *Store) SaveProfile(ctx context.Context, a Actor, p *casework.ClientProfile) error {
	if err := s.checkScope(a, auth.ManageTeam, p.Gemeente); err != nil {
		return err
	}
	if err := casework.ValidateProfile(p); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO client_profiles (gemeente, code, naam, perspectief, intensiteit, prijs_cents, periode) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (gemeente, code) DO UPDATE SET naam = excluded.naam, perspectief = excluded.perspectief, intensiteit = excluded.intensiteit,
			prijs_cents = excluded.prijs_cents, periode = excluded.periode`,
			p.Gemeente, p.Code, p.Naam, p.Perspectief, p.Intensiteit, int64(p.PrijsCents), p.Periode)
		return err
	})
}

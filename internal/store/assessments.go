package store

import (
	"context"
	"sort"
	"strings"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// RecZRM is the audit record type of a ZRM assessment.
const RecZRM = "zrm"

// zrmToday is the calendar day in the gemeenten's time zone, by the store's clock.
func (s *Store) zrmToday() people.Date { return people.DateOf(s.now().In(people.Amsterdam())) }

// zrmHouseholdGemeente finds the gemeente of a household the actor may read,
// outside a transaction; "not found" for another gemeente's, as for a missing one.
func (s *Store) zrmHouseholdGemeente(ctx context.Context, a Actor, id string) (string, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return "", errs.ErrNotFound
	}
	ph, args := in(scope)
	var gm string
	err := s.queryRow(ctx, "SELECT gemeente FROM households WHERE id = ? AND gemeente IN ("+ph+")", append([]any{id}, args...)...).Scan(&gm)
	return gm, classify(err)
}

// zrmUserName shows a user by name, or by e-mail address when unnamed.
const zrmUserName = "COALESCE(NULLIF(u.name, ''), u.email)"

// CreateAssessment saves a ZRM assessment of a household member: all 13
// domains (0 = niet beoordeeld), a date not in the future and not before the
// person's birth. as.Household and as.Person say whose; the author is the actor.
func (s *Store) CreateAssessment(ctx context.Context, a Actor, as *casework.Assessment) error {
	today := s.zrmToday()
	return s.Tx(ctx, func(tx *Tx) error {
		gm, err := s.householdGemeente(ctx, tx, a, as.Household)
		if err != nil {
			return err
		}
		if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
			return err
		}
		var fe people.FieldErrors
		var birth people.Date
		as.Person = strings.TrimSpace(as.Person)
		if as.Person != "" {
			var p people.Person
			err := tx.QueryRow(ctx, `SELECT p.geboortedatum, p.voornamen, p.tussenvoegsel, p.achternaam FROM persons p
				WHERE p.id = ? AND p.gemeente = ? AND EXISTS (SELECT 1 FROM household_members m WHERE m.person_id = p.id AND m.household_id = ?)`,
				as.Person, gm, as.Household).Scan(&birth, &p.Voornamen, &p.Tussenvoegsel, &p.Achternaam)
			switch {
			case errs.Is(classify(err), errs.NotFound):
				fe.Add("persoon", "deze persoon hoort niet bij dit huishouden")
			case err != nil:
				return err
			default:
				as.PersonName = p.Name()
			}
		}
		if err := casework.ValidateAssessment(as, birth, today); err != nil {
			more, _ := people.AsFieldErrors(err)
			fe = append(fe, more...)
		}
		if len(fe) > 0 {
			return fe
		}
		as.ID = secret.ID()
		as.Gemeente = gm
		as.By = a.P.UserID
		as.Created = s.now().UTC()
		if _, err := tx.Exec(ctx, `INSERT INTO assessments (id, gemeente, person_id, household_id, datum, toelichting, by_user, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, as.ID, gm, as.Person, as.Household, as.Datum, as.Toelichting, as.By, s.ts(as.Created)); err != nil {
			return err
		}
		for _, d := range casework.Domains {
			if _, err := tx.Exec(ctx, "INSERT INTO assessment_scores (assessment_id, domein, niveau) VALUES (?, ?, ?)", as.ID, d.Code, as.Scores[d.Code]); err != nil {
				return err
			}
		}
		if err := s.change(ctx, tx, gm, RecZRM, as.ID, "create"); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Create, gm, RecZRM, as.ID)
	})
}

// AssessmentsForHousehold returns every ZRM assessment of the household's
// members in it, oldest first, with person and author names. Audited as a
// read of each assessment.
func (s *Store) AssessmentsForHousehold(ctx context.Context, a Actor, householdID string) ([]casework.Assessment, error) {
	gm, err := s.zrmHouseholdGemeente(ctx, a, householdID)
	if err != nil {
		return nil, err
	}
	return s.zrmList(ctx, a, gm, "z.household_id = ?", householdID)
}

// AssessmentsForPerson returns a person's assessments (in any household of
// their gemeente), oldest first. Audited as a read of each assessment.
func (s *Store) AssessmentsForPerson(ctx context.Context, a Actor, personID string) ([]casework.Assessment, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.ErrNotFound
	}
	ph, args := in(scope)
	var gm string
	if err := s.queryRow(ctx, "SELECT gemeente FROM persons WHERE id = ? AND gemeente IN ("+ph+")", append([]any{personID}, args...)...).Scan(&gm); err != nil {
		return nil, classify(err)
	}
	return s.zrmList(ctx, a, gm, "z.person_id = ?", personID)
}

func (s *Store) zrmList(ctx context.Context, a Actor, gm, where string, arg any) ([]casework.Assessment, error) {
	rows, err := s.query(ctx, `SELECT z.id, z.gemeente, z.household_id, z.person_id, z.datum, z.toelichting, z.by_user, z.created_at,
		p.voornamen, p.tussenvoegsel, p.achternaam, `+zrmUserName+`
		FROM assessments z JOIN persons p ON p.id = z.person_id JOIN users u ON u.id = z.by_user
		WHERE z.gemeente = ? AND `+where+` ORDER BY z.datum, z.created_at, z.id`, gm, arg)
	if err != nil {
		return nil, err
	}
	out := []casework.Assessment{}
	idx := map[string]int{}
	for rows.Next() {
		var z casework.Assessment
		var p people.Person
		if err := rows.Scan(&z.ID, &z.Gemeente, &z.Household, &z.Person, &z.Datum, &z.Toelichting, &z.By, timeCol{&z.Created},
			&p.Voornamen, &p.Tussenvoegsel, &p.Achternaam, &z.ByName); err != nil {
			rows.Close()
			return nil, err
		}
		z.PersonName = p.Name()
		z.Scores = map[string]int{}
		idx[z.ID] = len(out)
		out = append(out, z)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	if len(out) == 0 {
		return out, nil
	}
	rows, err = s.query(ctx, `SELECT sc.assessment_id, sc.domein, sc.niveau FROM assessment_scores sc
		JOIN assessments z ON z.id = sc.assessment_id WHERE z.gemeente = ? AND `+where, gm, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, d string
		var l int
		if err := rows.Scan(&id, &d, &l); err != nil {
			return nil, err
		}
		if i, ok := idx[id]; ok {
			out[i].Scores[d] = l
		}
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	ids := make([]string, len(out))
	for i, z := range out {
		ids[i] = z.ID
	}
	return out, s.auditRead(ctx, a, audit.Read, RecZRM, map[string][]string{gm: ids})
}

// StaleAssessments lists, for the worklist, the adults (casework.ZRMAdultAge
// and older; the ZRM is an instrument for adults) who are current members of
// households with an active case of regisseurID ("" = any regisseur), whose
// latest assessment is dated before olderThan, or who have none. Never
// assessed first, then the oldest. Audited as a search of those persons.
func (s *Store) StaleAssessments(ctx context.Context, a Actor, regisseurID string, olderThan people.Date) ([]casework.StaleAssessment, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "U mag geen huishoudens inzien.")
	}
	today := s.zrmToday()
	ph, args := in(scope)
	q := `SELECT h.id, h.gemeente, h.postcode, h.huisnummer, h.toevoeging, p.id, p.voornamen, p.tussenvoegsel, p.achternaam,
		(SELECT MAX(z.datum) FROM assessments z WHERE z.person_id = p.id)
		FROM cases c
		JOIN households h ON h.id = c.household_id
		JOIN household_members m ON m.household_id = h.id AND m.start_date <= ? AND (m.end_date IS NULL OR m.end_date > ?)
		JOIN persons p ON p.id = m.person_id
		WHERE c.status = 'actief' AND c.gemeente IN (` + ph + `) AND p.geboortedatum <= ?
		AND NOT EXISTS (SELECT 1 FROM assessments z WHERE z.person_id = p.id AND z.datum >= ?)`
	qargs := append([]any{today, today}, args...)
	qargs = append(qargs, today.AddYears(-casework.ZRMAdultAge), olderThan)
	if regisseurID != "" {
		q += " AND c.regisseur_id = ?"
		qargs = append(qargs, regisseurID)
	}
	rows, err := s.query(ctx, q, qargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []casework.StaleAssessment{}
	seen := map[string]bool{}
	recs := map[string][]string{}
	for rows.Next() {
		var st casework.StaleAssessment
		var h people.Household
		var p people.Person
		if err := rows.Scan(&h.ID, &h.Gemeente, &h.Postcode, &h.Huisnummer, &h.Toevoeging, &p.ID, &p.Voornamen, &p.Tussenvoegsel, &p.Achternaam, &st.Laatste); err != nil {
			return nil, err
		}
		if seen[h.ID+"/"+p.ID] {
			continue
		}
		seen[h.ID+"/"+p.ID] = true
		st.HouseholdID, st.Adres, st.PersonID, st.PersonName = h.ID, h.Address(), p.ID, p.Name()
		out = append(out, st)
		recs[h.Gemeente] = append(recs[h.Gemeente], p.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		li, lj := out[i].Laatste, out[j].Laatste
		if li.IsZero() != lj.IsZero() {
			return li.IsZero()
		}
		if !li.Time().Equal(lj.Time()) {
			return li.Before(lj)
		}
		if out[i].Adres != out[j].Adres {
			return out[i].Adres < out[j].Adres
		}
		return out[i].PersonName < out[j].PersonName
	})
	return out, s.auditRead(ctx, a, audit.Search, RecPerson, recs)
}

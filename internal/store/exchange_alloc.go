package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
)

// AllocationMessage builds the JW301/WMO301 a gemeente sends the provider
// for one provision: the client (BSN, birth date, gender, name, address of
// the household), and the provision as one ToegewezenProduct. A provision
// made in naober has no allocation number yet: it gets the next free one of
// its gemeente and law, saved on the provision, so the provider's 305, 307
// and 323 find it back. Reading the person and the provision is audited
// (purpose "uitwisseling"), as is giving the number. id is the message's
// BerichtIdentificatie (at most 12 characters); empty: derived from the
// clock.
//
// write (the caller's encoder, say istd.WriteAllocation into a buffer)
// runs inside the transaction: when it fails, nothing is saved, so a
// message that does not validate takes no allocation number. nil writes
// nothing (and checks nothing).
//
// The provision's toelichting is a case note of the wijkteam: it never goes
// into the message (Commentaar stays empty; naober has no field of text
// meant for the provider).
func (s *Store) AllocationMessage(ctx context.Context, a Actor, provisionID, id string, write func(*exchange.Message) error) (*exchange.Message, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.ErrNotFound
	}
	a.Purpose = PurposeExchange
	now := s.now().In(people.Amsterdam())
	if id == "" {
		id = now.Format("060102150405")
	}
	if len(id) > 12 {
		return nil, errs.E(errs.Invalid, "berichtidentificatie: hooguit 12 tekens")
	}
	var m *exchange.Message
	err := s.Tx(ctx, func(tx *Tx) error {
		ph, args := in(scope)
		var gm, wet, cat, code, agb, nummer, ref, eenheid, freq, personID, householdID, bsnEnc string
		var start, eind, toegewezen people.Date
		var createdAt time.Time
		var volume, budget sql.NullInt64
		err := tx.QueryRow(ctx, `SELECT p.gemeente, p.wet, p.categorie, p.productcode, p.aanbieder_agb, p.toewijzingnummer, p.referentie_aanbieder,
			p.eenheid, p.frequentie, p.person_id, p.household_id, p.start_datum, p.eind_datum, p.toewijzingsdatum, p.created_at,
			p.volume, p.budget_cents, pe.bsn_enc
			FROM provisions p JOIN persons pe ON pe.id = p.person_id WHERE p.id = ? AND p.gemeente IN (`+ph+`)`, append([]any{provisionID}, args...)...).Scan(
			&gm, &wet, &cat, &code, &agb, &nummer, &ref, &eenheid, &freq, &personID, &householdID, &start, &eind, &toegewezen, timeCol{&createdAt},
			&volume, &budget, &bsnEnc)
		if err != nil {
			return classify(err)
		}
		if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
			return err
		}
		var std exchange.Standard
		switch wet {
		case "jw":
			std = exchange.IJw
		case "wmo":
			std = exchange.IWmo
		default:
			return errs.E(errs.Invalid, "Een toewijzingsbericht bestaat alleen voor Wmo en Jeugdwet.")
		}
		var fe people.FieldErrors
		if agb == "" {
			fe.Add("aanbieder_agb", "vul eerst de AGB-code van de aanbieder in: die ontvangt het bericht")
		}
		var p people.Person
		err = tx.QueryRow(ctx, "SELECT voornamen, tussenvoegsel, achternaam, geboortedatum, geslacht FROM persons WHERE id = ?", personID).Scan(
			&p.Voornamen, &p.Tussenvoegsel, &p.Achternaam, &p.Geboortedatum, &p.Geslacht)
		if err != nil {
			return err
		}
		if p.Geboortedatum.IsZero() {
			fe.Add("geboortedatum", "de geboortedatum van de cliënt is onbekend; vul die eerst in")
		}
		if p.Achternaam == "" {
			fe.Add("achternaam", "de achternaam van de cliënt is onbekend; vul die eerst in")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		bsn, err := s.keys.Decrypt(bsnEnc, bsnContext(gm))
		if err != nil {
			return errs.Wrap(errs.Internal, err, "Het BSN kan niet worden ontsleuteld; controleer het sleutelbestand.")
		}
		if nummer == "" {
			// The next free number of the gemeente and law (the index no
			// longer guards it: a number the gemeente's own system gave two
			// clients is mirrored as it came). PostgreSQL serialises the
			// exports that take a number; SQLite has one writer.
			if s.dialect == Postgres {
				if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext(CAST(? AS TEXT)))", "naober-toewijzing:"+gm+":"+wet); err != nil {
					return err
				}
			}
			// Only numbers of digits count (a mirrored number can be
			// "B-7": PostgreSQL cannot cast it, SQLite would read "12a"
			// as 12), and at most 18 of them, so the cast fits a BIGINT.
			digitsOnly := "toewijzingnummer GLOB '[0-9]*' AND NOT toewijzingnummer GLOB '*[^0-9]*'"
			if s.dialect == Postgres {
				digitsOnly = "toewijzingnummer ~ '^[0-9]+$'"
			}
			var max sql.NullInt64
			if err := tx.QueryRow(ctx, "SELECT MAX(CAST(toewijzingnummer AS BIGINT)) FROM provisions WHERE gemeente = ? AND wet = ? AND toewijzingnummer <> '' AND "+
				digitsOnly+" AND LENGTH(toewijzingnummer) <= 18", gm, wet).Scan(&max); err != nil {
				return err
			}
			nummer = strconv.FormatInt(max.Int64+1, 10)
			if max.Int64+1 > 999999999 {
				return errs.E(errs.Conflict, "Er is geen vrij toewijzingnummer meer.")
			}
			if toegewezen.IsZero() {
				toegewezen = people.DateOf(now)
			}
			if _, err := tx.Exec(ctx, "UPDATE provisions SET toewijzingnummer = ?, toewijzingsdatum = ?, updated_at = ? WHERE id = ?",
				nummer, toegewezen, s.ts(s.now()), provisionID); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, a, auth.WritePersons, audit.Update, gm, RecProvision, provisionID); err != nil {
				return err
			}
		}
		if toegewezen.IsZero() {
			toegewezen = people.DateOf(createdAt.In(people.Amsterdam()))
		}
		c := &exchange.Client{BSN: bsn, Geboortedatum: p.Geboortedatum, Geslacht: p.Geslacht, Voornamen: p.Voornamen, Voorvoegsel: p.Tussenvoegsel,
			Achternaam: p.Achternaam, Voorletters: initials(p.Voornamen)}
		var h people.Household
		err = tx.QueryRow(ctx, "SELECT postcode, huisnummer, toevoeging FROM households WHERE id = ?", householdID).Scan(&h.Postcode, &h.Huisnummer, &h.Toevoeging)
		if err != nil {
			return err
		}
		if h.Postcode != "" && h.Huisnummer > 0 {
			c.Address = &exchange.Address{Postcode: h.Postcode, Huisnummer: h.Huisnummer, Toevoeging: h.Toevoeging}
		}
		al := exchange.Allocation{Nummer: nummer, ReferentieAanbieder: ref, Categorie: cat, Code: code, Toewijzingsdatum: toegewezen,
			Ingangsdatum: start, Einddatum: eind, Eenheid: eenheid, Frequentie: freq}
		if volume.Valid {
			v := int(volume.Int64)
			al.Volume = &v
		}
		if budget.Valid {
			b := budget.Int64
			al.BudgetCents = &b
		}
		m = &exchange.Message{Standard: std, Code: "301", ID: id, Dagtekening: people.DateOf(now), Afzender: strings.TrimPrefix(gm, "GM"), Ontvanger: agb,
			Import: true, Client: c, Allocations: []exchange.Allocation{al}}
		if write != nil {
			if err := write(m); err != nil {
				return err
			}
		}
		if err := s.audit(ctx, tx, a, auth.ReadPersons, audit.Read, gm, RecPerson, personID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ReadPersons, audit.Read, gm, RecProvision, provisionID)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// initials makes Voorletters from first names ("Anna Maria" → "AM").
func initials(voornamen string) string {
	var b strings.Builder
	for _, w := range strings.Fields(voornamen) {
		r := []rune(w)
		b.WriteString(strings.ToUpper(string(r[0])))
	}
	return b.String()
}

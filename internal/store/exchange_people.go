package store

import (
	"context"
	"database/sql"
	"strings"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// PurposeExchange is the audit purpose of every read and write the
// exchange (message and spreadsheet import, allocation export) makes.
const PurposeExchange = "uitwisseling"

// How the exchange stores what a message does not say:
//
//   - Unknown wijk: households.wijk = '' (and buurt ''). A household lands
//     there when its address is unknown (a 323 carries only a BSN) or is not
//     in the gemeente's postcode table. The monitor counts such persons in
//     the gemeente but in no wijk (see MonitorData); lists and pages say
//     "wijk onbekend". UpdateHousehold places it once someone fixes the
//     address.
//   - Unknown address: postcode '' and huisnummer 0.
//   - Unknown birth date: persons.geboortedatum NULL (a zero people.Date);
//     the monitor gives such a person no age (neither kind nor volwassene,
//     and no household age facts).
//   - Unknown names: '' in voornamen/achternaam; pages show "onbekend".
//
// An existing person is never changed by the exchange: naober's record
// leads; a message that disagrees gives a warning.

// ExchangePerson says which person and household a message's client is.
type ExchangePerson struct {
	PersonID, HouseholdID string
	Created               bool // the person is new
	HouseholdCreated      bool
	Unplaced              bool // the new household's address matched no wijk
	Warnings              []exchange.Problem
}

// exchangeActor returns a with the exchange's purpose, and checks that it
// may import into the gemeente.
func exchangeActor(a Actor, gemeente string) (Actor, error) {
	if a.P == nil {
		return a, errs.E(errs.Unauthorized, "Log in.")
	}
	if !a.P.Can(auth.ImportExchange, gemeente) && !a.P.Can(auth.WritePersons, gemeente) {
		return a, errs.E(errs.Forbidden, "gemeente: u mag geen berichten inlezen voor gemeente %s", gemeente)
	}
	a.Purpose = PurposeExchange
	return a, nil
}

// exchangePerm is the permission whose role an exchange write is audited with.
func exchangePerm(a Actor, gemeente string) auth.Permission {
	if a.P.Can(auth.ImportExchange, gemeente) {
		return auth.ImportExchange
	}
	return auth.WritePersons
}

// exchangePerson finds the person with this BSN in the gemeente, or creates
// one (with bron) in a new household at the client's address, placed in a
// wijk/buurt through postcode_areas when possible (else wijk unknown, see
// above). An existing person keeps their record; names or a birth date that
// differ give a warning (with a masked BSN); reading them to compare is
// audited. An existing person without a current household gets one, as a
// new person would. Writes are audited and queued for the monitor in tx.
func (s *Store) exchangePerson(ctx context.Context, tx *Tx, a Actor, gemeente string, c exchange.Client, bron string) (ExchangePerson, error) {
	return s.exchangePersonX(ctx, newXTx(tx), a, gemeente, c, bron)
}

// exchangePersonX is exchangePerson on a transaction with prepared
// statements (and perhaps buffered audit records).
func (s *Store) exchangePersonX(ctx context.Context, tx *xtx, a Actor, gemeente string, c exchange.Client, bron string) (ExchangePerson, error) {
	return s.exchangePersonC(ctx, tx, a, gemeente, c, bron, nil)
}

// exchangePersonC is exchangePersonX with a batch's cache (nil: none): the
// person, their current household, the household at an address and the
// postcode areas come from the cache when it knows them, and what is made
// is added to it.
func (s *Store) exchangePersonC(ctx context.Context, tx *xtx, a Actor, gemeente string, c exchange.Client, bron string, bc *batchCache) (ExchangePerson, error) {
	var out ExchangePerson
	a, err := exchangeActor(a, gemeente)
	if err != nil {
		return out, err
	}
	perm := exchangePerm(a, gemeente)
	bsn := people.NormalizeBSN(c.BSN)
	if !people.ValidBSN(bsn) {
		return out, exchange.Problems{{Path: "Client/Bsn", Value: exchange.MaskBSN(bsn), Msg: "dit is geen geldig BSN (elfproef)"}}
	}
	today := people.DateOf(s.now().In(people.Amsterdam()))
	hash := s.keys.Hash(bsn, gemeente)

	var pid string
	var voornamen, tussen, achternaam string
	var birth people.Date
	if cp, ok := bc.person(hash); ok {
		// Known to the batch: found or not, with the current household.
		if cp.found {
			pid, voornamen, tussen, achternaam, birth = cp.id, cp.voornamen, cp.tussen, cp.achternaam, cp.birth
			out.PersonID = pid
			out.Warnings = compareClient(bsn, c, voornamen, tussen, achternaam, birth)
			if err := tx.audit(ctx, a, perm, audit.Read, gemeente, RecPerson, pid); err != nil {
				return out, err
			}
			if cp.household != "" {
				out.HouseholdID = cp.household
				return out, nil
			}
		}
	} else {
		err = tx.QueryRow(ctx, "SELECT id, voornamen, tussenvoegsel, achternaam, geboortedatum FROM persons WHERE gemeente = ? AND bsn_hash = ?",
			gemeente, hash).Scan(&pid, &voornamen, &tussen, &achternaam, &birth)
		switch {
		case err == sql.ErrNoRows:
			pid = ""
		case err != nil:
			return out, err
		default:
			out.PersonID = pid
			out.Warnings = compareClient(bsn, c, voornamen, tussen, achternaam, birth)
			if err := tx.audit(ctx, a, perm, audit.Read, gemeente, RecPerson, pid); err != nil {
				return out, err
			}
			// The current household, if any (latest start).
			err := tx.QueryRow(ctx, `SELECT household_id FROM household_members WHERE person_id = ? AND gemeente = ?
				AND (end_date IS NULL OR end_date > ?) ORDER BY start_date DESC, household_id DESC LIMIT 1`, pid, gemeente, today).Scan(&out.HouseholdID)
			if err == nil {
				return out, nil
			}
			if err != sql.ErrNoRows {
				return out, err
			}
		}
	}

	now := s.now().UTC()
	if pid == "" {
		pid = secret.SortedID()
		p := people.Person{ID: pid, Gemeente: gemeente, Voornamen: strings.TrimSpace(c.Voornamen), Tussenvoegsel: strings.TrimSpace(c.Voorvoegsel),
			Achternaam: strings.TrimSpace(c.Achternaam), Geboortedatum: c.Geboortedatum, Geslacht: c.Geslacht, Bron: bron}
		if p.Voornamen == "" {
			p.Voornamen = strings.TrimSpace(c.Voorletters)
		}
		if p.Geslacht != "man" && p.Geslacht != "vrouw" {
			p.Geslacht = "onbekend"
		}
		if p.Bron == "" {
			p.Bron = people.SourceExchange
		}
		if len(p.Voornamen) > 200 || len(p.Achternaam) > 200 || len(p.Tussenvoegsel) > 20 {
			return out, exchange.Problems{{Path: "Client/Naam", Msg: "een naam is te lang (voornamen en achternaam hooguit 200 tekens, voorvoegsel 20)"}}
		}
		if !p.Geboortedatum.IsZero() && (today.Before(p.Geboortedatum) || p.Geboortedatum.Year() < 1890) {
			return out, exchange.Problems{{Path: "Client/Geboortedatum/Datum", Value: p.Geboortedatum.ISO(), Msg: "de geboortedatum ligt in de toekomst of te ver terug"}}
		}
		if err := tx.insert(ctx, insPersons, `INSERT INTO persons (id, gemeente, bsn_enc, bsn_hash, voornamen, tussenvoegsel, achternaam, naam_zoek, geboortedatum, geslacht, bron, created_at, updated_at)
			VALUES`, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "",
			pid, gemeente, s.keys.Encrypt(bsn, bsnContext(gemeente)), hash, p.Voornamen, p.Tussenvoegsel, p.Achternaam, Fold(p.Name()),
			p.Geboortedatum, p.Geslacht, p.Bron, s.ts(now), s.ts(now)); err != nil {
			return out, err
		}
		out.PersonID, out.Created, birth = pid, true, p.Geboortedatum
		voornamen, tussen, achternaam = p.Voornamen, p.Tussenvoegsel, p.Achternaam
		if err := tx.audit(ctx, a, perm, audit.Create, gemeente, RecPerson, pid); err != nil {
			return out, err
		}
	}

	// A household of its own at the client's address. A message's client
	// never joins an existing household at that address: many clients of
	// the exchange live at one address (an institution, a care home, a
	// foster home), and a message does not say they form a household; case
	// workers join households. A spreadsheet of persons does list
	// households by address (as its bulk path does): its rows share the
	// household at their address.
	h := people.Household{Gemeente: gemeente}
	if ad := c.Address; ad != nil {
		h.Postcode, h.Huisnummer, h.Toevoeging = ad.Postcode, ad.Huisnummer, ad.Toevoeging
		if err := people.ValidateHousehold(&h); err != nil {
			// An address naober cannot hold: keep the person, address unknown.
			out.Warnings = append(out.Warnings, exchange.Problem{Path: "Client/Contactgegevens/Contact/Adres", Msg: "het adres is onvolledig of ongeldig; het huishouden staat zonder adres in naober"})
			h = people.Household{Gemeente: gemeente}
		}
	}
	if h.Postcode != "" && bron == SourceSpreadsheet {
		err := tx.QueryRow(ctx, "SELECT id FROM households WHERE gemeente = ? AND postcode = ? AND huisnummer = ? AND toevoeging = ? ORDER BY created_at, id LIMIT 1",
			gemeente, h.Postcode, h.Huisnummer, h.Toevoeging).Scan(&h.ID)
		if err != nil && err != sql.ErrNoRows {
			return out, err
		}
	}
	if h.ID == "" {
		h.ID = secret.SortedID()
		if h.Postcode != "" {
			if err := s.placeExchangeC(ctx, tx, &h, bc); err != nil {
				return out, err
			}
		}
		out.Unplaced = h.Wijk == ""
		if err := tx.insert(ctx, insHouseholds, `INSERT INTO households (id, gemeente, postcode, huisnummer, toevoeging, wijk, buurt, created_at, updated_at)
			VALUES`, "(?, ?, ?, ?, ?, ?, ?, ?, ?)", "", h.ID, gemeente, h.Postcode, h.Huisnummer, h.Toevoeging, h.Wijk, h.Buurt, s.ts(now), s.ts(now)); err != nil {
			return out, err
		}
		out.HouseholdCreated = true
		if err := tx.audit(ctx, a, perm, audit.Create, gemeente, RecHousehold, h.ID); err != nil {
			return out, err
		}
	}
	out.HouseholdID = h.ID
	rol := "overig"
	if !birth.IsZero() && (people.Person{Geboortedatum: birth}).Age(today) < 18 {
		rol = "kind"
	}
	if err := tx.insert(ctx, insMembers, `INSERT INTO household_members (id, gemeente, household_id, person_id, rol, start_date, end_date) VALUES`, "(?, ?, ?, ?, ?, ?, NULL)", "",
		secret.SortedID(), gemeente, h.ID, pid, rol, today); err != nil {
		return out, err
	}
	if !out.HouseholdCreated {
		if err := tx.audit(ctx, a, perm, audit.Update, gemeente, RecHousehold, h.ID); err != nil {
			return out, err
		}
	}
	// One change for the household covers the new person and membership.
	tx.changeFor(gemeente, RecHousehold, h.ID, "member", h.ID)
	bc.setPerson(hash, cachedPerson{found: true, id: pid, household: h.ID, voornamen: voornamen, tussen: tussen, achternaam: achternaam, birth: birth})
	return out, nil
}

// compareClient warns when a message's client differs from naober's record.
// It reads the person's name and birth date: the caller audits that read
// (purpose uitwisseling).
func compareClient(bsn string, c exchange.Client, voornamen, tussen, achternaam string, birth people.Date) []exchange.Problem {
	var out []exchange.Problem
	m := exchange.MaskBSN(bsn)
	if !c.Geboortedatum.IsZero() && !birth.IsZero() && c.Geboortedatum != birth {
		out = append(out, exchange.Problem{Path: "Client/Geboortedatum", Value: m,
			Msg: "de geboortedatum in het bericht verschilt van die in naober; naober houdt de eigen gegevens aan"})
	}
	if c.Achternaam != "" && achternaam != "" {
		vn := strings.TrimSpace(c.Voornamen)
		if Fold(c.Achternaam) != Fold(achternaam) || Fold(c.Voorvoegsel) != Fold(tussen) || (vn != "" && Fold(vn) != Fold(voornamen)) {
			out = append(out, exchange.Problem{Path: "Client/Naam", Value: m,
				Msg: "de naam in het bericht verschilt van die in naober; naober houdt de eigen gegevens aan"})
		}
	}
	return out
}

// placeExchange places a new household like placeHousehold does without a
// given wijk (the postcode table; the wijk must lie in the gemeente and the
// buurt in the wijk), with prepared statements; an address that does not
// place leaves wijk and buurt empty (unknown). Only the gemeente's own rows
// of the table count: a postcode on a border can have rows of two
// gemeenten, and the other's narrower range must not hide this one's.
func (s *Store) placeExchange(ctx context.Context, tx *xtx, h *people.Household) error {
	return s.placeExchangeC(ctx, tx, h, nil)
}

// placeExchangeC is placeExchange with a batch's cache (nil: none).
func (s *Store) placeExchangeC(ctx context.Context, tx *xtx, h *people.Household, bc *batchCache) error {
	var wijk, buurt, gm string
	var err error
	if rows, ok := bc.area(h.Postcode); ok {
		// The gemeente's row with the highest start that holds the number,
		// as the query below.
		best := -1
		for i, a := range rows {
			if a.gm == h.Gemeente && a.van <= h.Huisnummer && a.tot >= h.Huisnummer && (best < 0 || a.van > rows[best].van) {
				best = i
			}
		}
		if best < 0 {
			err = sql.ErrNoRows
		} else {
			wijk, buurt, gm = rows[best].wijk, rows[best].buurt, rows[best].gm
		}
	} else {
		err = tx.QueryRow(ctx, `SELECT wijk, buurt, gemeente FROM postcode_areas
			WHERE postcode = ? AND gemeente = ? AND huisnummer_van <= ? AND huisnummer_tot >= ? ORDER BY huisnummer_van DESC LIMIT 1`,
			h.Postcode, h.Gemeente, h.Huisnummer, h.Huisnummer).Scan(&wijk, &buurt, &gm)
	}
	if err == sql.ErrNoRows || (err == nil && gm != h.Gemeente) {
		return nil
	}
	if err != nil {
		return err
	}
	if s.wijkGemeente == nil {
		return errs.E(errs.Internal, "no area lookup configured")
	}
	if g, ok := s.wijkGemeente(wijk); !ok || g != h.Gemeente {
		return nil
	}
	if buurt != "" {
		bw, ok := bc.buurt(buurt)
		if !ok {
			err := tx.QueryRow(ctx, "SELECT wijk FROM buurten WHERE code = ?", buurt).Scan(&bw)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
			bc.setBuurt(buurt, bw)
		}
		if bw != wijk {
			buurt = ""
		}
	}
	h.Wijk, h.Buurt = wijk, buurt
	return nil
}

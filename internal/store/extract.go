package store

// The pseudonymised extract (issue 5, item 4): the monitor's persons,
// provisions and declared care of one gemeente as CSV for research
// partners, in the CBS microdata habit. What it holds:
//
//   - persons and households by pseudonym only: HMAC-SHA-256 over the BSN
//     (households: over naober's household id) with the extract key, scoped
//     by gemeente. The same key gives the same pseudonyms in every extract,
//     so a partner can link extracts over time; another key gives unlinkable
//     ones. Without the key a pseudonym cannot be turned back into a BSN.
//   - no names, addresses, postcodes, BSNs, record ids, allocation numbers
//     or free text; areas as wijk and buurt codes; a birth year instead of
//     a birth date; provision and care periods by month.
//
// Each extract writes one audit record (purpose "onderzoek") before any
// data is written.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// PurposeResearch is the audit purpose of an extract.
const PurposeResearch = "onderzoek"

// RecExtract is the audit record type of an extract.
const RecExtract = "extract"

// Extract says what to write where.
type Extract struct {
	Gemeente   string
	Key        []byte // at least 32 bytes
	Persons    io.Writer
	Provisions io.Writer
	Claims     io.Writer // nil: no claims file
}

// ExtractReport counts what an extract holds.
type ExtractReport struct {
	ID         string `json:"id"` // the audit record's record id
	Persons    int    `json:"personen"`
	Provisions int    `json:"voorzieningen"`
	Claims     int    `json:"declaraties"`
}

// Pseudonymizer makes the keyed pseudonyms of an extract.
type Pseudonymizer struct {
	key      []byte
	gemeente string
}

// NewPseudonymizer checks the key.
func NewPseudonymizer(key []byte, gemeente string) (*Pseudonymizer, error) {
	if len(key) < 32 {
		return nil, errors.New("extract key: at least 32 bytes")
	}
	return &Pseudonymizer{key: key, gemeente: gemeente}, nil
}

// Of is the pseudonym of a value of a kind ("persoon", "huishouden").
func (p *Pseudonymizer) Of(kind, value string) string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(p.gemeente))
	m.Write([]byte{0})
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// WriteExtract writes the extract of one gemeente. The actor needs the
// exchange permission (beheer) in the gemeente.
func (s *Store) WriteExtract(ctx context.Context, a Actor, x Extract) (ExtractReport, error) {
	var rep ExtractReport
	if a.P == nil {
		return rep, errs.E(errs.Unauthorized, "Log in.")
	}
	if !a.P.Can(auth.ImportExchange, x.Gemeente) {
		return rep, errs.E(errs.Forbidden, "gemeente: u mag geen extract maken voor gemeente %s", x.Gemeente)
	}
	ps, err := NewPseudonymizer(x.Key, x.Gemeente)
	if err != nil {
		return rep, err
	}
	a.Purpose = PurposeResearch
	rep.ID = secret.ID()
	if err := s.Tx(ctx, func(tx *Tx) error {
		return s.audit(ctx, tx, a, auth.ImportExchange, audit.Read, x.Gemeente, RecExtract, rep.ID)
	}); err != nil {
		return rep, err
	}
	// One snapshot for the three files: a provision in provisions.csv has
	// its person in persons.csv, a claim its provision, even while imports
	// run.
	err = s.readSnapshot(ctx, func(tx *sql.Tx) error {
		var err error
		if rep.Persons, err = s.extractPersons(ctx, tx, x, ps); err != nil {
			return fmt.Errorf("extract persons: %w", err)
		}
		if rep.Provisions, err = s.extractProvisions(ctx, tx, x, ps); err != nil {
			return fmt.Errorf("extract provisions: %w", err)
		}
		if x.Claims != nil {
			if rep.Claims, err = s.extractClaims(ctx, tx, x, ps); err != nil {
				return fmt.Errorf("extract claims: %w", err)
			}
		}
		return nil
	})
	return rep, err
}

// readSnapshot runs fn in one read-only transaction on the readers, so all
// its queries see the same committed state. On SQLite that is a deferred
// transaction (not the writer's BEGIN IMMEDIATE: it takes no write lock);
// in WAL mode it reads one snapshot from its first read to its end. On
// PostgreSQL it is REPEATABLE READ, READ ONLY: one snapshot for the whole
// transaction (READ COMMITTED would take a new one per statement).
func (s *Store) readSnapshot(ctx context.Context, fn func(tx *sql.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return classify(fmt.Errorf("begin read: %w", err))
	}
	defer tx.Rollback() // nothing to commit
	return fn(tx)
}

func (s *Store) snapQuery(ctx context.Context, tx *sql.Tx, q string, args ...any) (*sql.Rows, error) {
	rows, err := tx.QueryContext(ctx, s.rebind(q), args...)
	return rows, classify(err)
}

func (s *Store) personPseudonym(ps *Pseudonymizer, gemeente, enc string) (string, error) {
	bsn, err := s.keys.Decrypt(enc, bsnContext(gemeente))
	if err != nil {
		return "", errs.Wrap(errs.Internal, err, "Het BSN kan niet worden ontsleuteld; controleer het sleutelbestand.")
	}
	return ps.Of("persoon", bsn), nil
}

func month(d people.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.ISO()[:7]
}

func nullInt(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

func (s *Store) extractPersons(ctx context.Context, tx *sql.Tx, x Extract, ps *Pseudonymizer) (int, error) {
	w := csv.NewWriter(x.Persons)
	w.Write([]string{"persoon", "huishouden", "gemeente", "wijk", "buurt", "geboortejaar", "geslacht", "rol", "bron"})
	rows, err := s.snapQuery(ctx, tx, `SELECT p.bsn_enc, p.geboortedatum, p.geslacht, p.bron, COALESCE(m.household_id, ''), COALESCE(m.rol, ''), COALESCE(h.wijk, ''), COALESCE(h.buurt, '')
		FROM persons p LEFT JOIN household_members m ON m.person_id = p.id AND m.end_date IS NULL
		LEFT JOIN households h ON h.id = m.household_id
		WHERE p.gemeente = ? ORDER BY p.id, m.household_id`, x.Gemeente)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var enc, geslacht, bron, hh, rol, wijk, buurt string
		var birth people.Date
		if err := rows.Scan(&enc, &birth, &geslacht, &bron, &hh, &rol, &wijk, &buurt); err != nil {
			return n, err
		}
		pp, err := s.personPseudonym(ps, x.Gemeente, enc)
		if err != nil {
			return n, err
		}
		year := ""
		if !birth.IsZero() {
			year = strconv.Itoa(birth.Year())
		}
		hp := ""
		if hh != "" {
			hp = ps.Of("huishouden", hh)
		}
		if err := w.Write([]string{pp, hp, x.Gemeente, wijk, buurt, year, geslacht, rol, bron}); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, classify(err)
	}
	w.Flush()
	return n, w.Error()
}

func (s *Store) extractProvisions(ctx context.Context, tx *sql.Tx, x Extract, ps *Pseudonymizer) (int, error) {
	w := csv.NewWriter(x.Provisions)
	w.Write([]string{"persoon", "huishouden", "gemeente", "wijk", "wet", "categorie", "productcode", "taakveld", "aanbieder_agb",
		"start_maand", "eind_maand", "volume", "eenheid", "frequentie", "prijs_cents", "maandbedrag_cents", "status", "bron"})
	rows, err := s.snapQuery(ctx, tx, `SELECT pe.bsn_enc, v.household_id, h.wijk, v.wet, v.categorie, v.productcode, v.taakveld, v.aanbieder_agb,
		v.start_datum, v.eind_datum, v.volume, v.eenheid, v.frequentie, v.prijs_cents, v.maandbedrag_cents, v.status, v.bron
		FROM provisions v JOIN persons pe ON pe.id = v.person_id JOIN households h ON h.id = v.household_id
		WHERE v.gemeente = ? ORDER BY v.id`, x.Gemeente)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var enc, hh, wijk, wet, cat, code, tv, agb, eenheid, freq, status, bron string
		var start, eind people.Date
		var vol, prijs, maand *int64
		if err := rows.Scan(&enc, &hh, &wijk, &wet, &cat, &code, &tv, &agb, &start, &eind, &vol, &eenheid, &freq, &prijs, &maand, &status, &bron); err != nil {
			return n, err
		}
		pp, err := s.personPseudonym(ps, x.Gemeente, enc)
		if err != nil {
			return n, err
		}
		if err := w.Write([]string{pp, ps.Of("huishouden", hh), x.Gemeente, wijk, wet, cat, code, tv, agb, month(start), month(eind),
			nullInt(vol), eenheid, freq, nullInt(prijs), nullInt(maand), status, bron}); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, classify(err)
	}
	w.Flush()
	return n, w.Error()
}

func (s *Store) extractClaims(ctx context.Context, tx *sql.Tx, x Extract, ps *Pseudonymizer) (int, error) {
	w := csv.NewWriter(x.Claims)
	w.Write([]string{"persoon", "huishouden", "gemeente", "wet", "categorie", "productcode", "aanbieder_agb", "begin_maand", "eind_maand",
		"volume", "eenheid", "tarief_cents", "bedrag_cents"})
	rows, err := s.snapQuery(ctx, tx, `SELECT pe.bsn_enc, c.household_id, v.wet, v.categorie, v.productcode, c.aanbieder_agb, c.begin_datum, c.eind_datum,
		c.volume, c.eenheid, c.tarief_cents, c.bedrag_cents
		FROM claims c JOIN persons pe ON pe.id = c.person_id JOIN provisions v ON v.id = c.provision_id
		WHERE c.gemeente = ? ORDER BY c.id`, x.Gemeente)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var enc, hh, wet, cat, code, agb, eenheid string
		var begin, eind people.Date
		var vol, tarief, bedrag int64
		if err := rows.Scan(&enc, &hh, &wet, &cat, &code, &agb, &begin, &eind, &vol, &eenheid, &tarief, &bedrag); err != nil {
			return n, err
		}
		pp, err := s.personPseudonym(ps, x.Gemeente, enc)
		if err != nil {
			return n, err
		}
		if err := w.Write([]string{pp, ps.Of("huishouden", hh), x.Gemeente, wet, cat, code, agb, month(begin), month(eind),
			strconv.FormatInt(vol, 10), eenheid, strconv.FormatInt(tarief, 10), strconv.FormatInt(bedrag, 10)}); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, classify(err)
	}
	w.Flush()
	return n, w.Error()
}

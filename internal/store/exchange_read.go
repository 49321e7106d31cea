package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
)

// ProvisionExchange is what the exchange adds to a provision: the
// allocation number and the provider's reference, the actual start and
// end the provider reported, and the declared care.
type ProvisionExchange struct {
	ProvisionID          string      `json:"voorziening"`
	Wet                  string      `json:"wet"`
	Toewijzingnummer     string      `json:"toewijzingnummer,omitempty"`
	ReferentieAanbieder  string      `json:"referentie_aanbieder,omitempty"`
	Toewijzingsdatum     people.Date `json:"toewijzingsdatum"`
	WerkelijkeStart      people.Date `json:"werkelijke_start"`
	WerkelijkeEind       people.Date `json:"werkelijke_eind"`
	RedenBeeindiging     string      `json:"reden_beeindiging,omitempty"` // JZ588/WMO588 code
	RedenBeeindigingNaam string      `json:"reden_beeindiging_naam,omitempty"`
	BudgetCents          *int64      `json:"budget_cents,omitempty"`
	Bron                 string      `json:"bron"`
	Claims               []Claim     `json:"declaraties,omitempty"`
}

// Imported reports whether the provision came from the exchange or has an
// allocation number.
func (p ProvisionExchange) Imported() bool {
	return p.Toewijzingnummer != "" || p.Bron == people.SourceExchange
}

// DeclaredCents is the sum of the declared amounts.
func (p ProvisionExchange) DeclaredCents() int64 {
	var n int64
	for _, c := range p.Claims {
		n += c.BedragCents
	}
	return n
}

// Claim is one declared Prestatie (323 line).
type Claim struct {
	ID                    string      `json:"id"`
	ProvisionID           string      `json:"voorziening"`
	AanbiederAGB          string      `json:"aanbieder_agb"`
	Declaratienummer      string      `json:"declaratienummer"`
	Referentienummer      string      `json:"referentienummer"`
	VorigReferentienummer string      `json:"vorig_referentienummer,omitempty"`
	Begin                 people.Date `json:"begin"`
	Eind                  people.Date `json:"eind"` // inclusive
	Volume                int64       `json:"volume"`
	Eenheid               string      `json:"eenheid"`
	TariefCents           int64       `json:"tarief_cents"`
	BedragCents           int64       `json:"bedrag_cents"`
}

// Credit reports whether the line cancels an earlier one.
func (c Claim) Credit() bool { return c.BedragCents < 0 }

// HouseholdExchange returns, per provision id of the household, what the
// exchange knows (only provisions with exchange data are in the map). The
// read is audited like reading the provisions.
func (s *Store) HouseholdExchange(ctx context.Context, a Actor, householdID string) (map[string]*ProvisionExchange, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.ErrNotFound
	}
	ph, args := in(scope)
	var gm string
	if err := s.queryRow(ctx, "SELECT gemeente FROM households WHERE id = ? AND gemeente IN ("+ph+")", append([]any{householdID}, args...)...).Scan(&gm); err != nil {
		return nil, classify(err)
	}
	return s.provisionExchange(ctx, a, gm, "p.household_id = ?", householdID)
}

// ProvisionExchangeOf returns the exchange data of one provision (nil when
// it has none).
func (s *Store) ProvisionExchangeOf(ctx context.Context, a Actor, provisionID string) (*ProvisionExchange, error) {
	scope := a.scope(auth.ReadPersons)
	if len(scope) == 0 {
		return nil, errs.ErrNotFound
	}
	ph, args := in(scope)
	var gm string
	if err := s.queryRow(ctx, "SELECT gemeente FROM provisions WHERE id = ? AND gemeente IN ("+ph+")", append([]any{provisionID}, args...)...).Scan(&gm); err != nil {
		return nil, classify(err)
	}
	m, err := s.provisionExchange(ctx, a, gm, "p.id = ?", provisionID)
	if err != nil {
		return nil, err
	}
	return m[provisionID], nil
}

func (s *Store) provisionExchange(ctx context.Context, a Actor, gm, where string, arg any) (map[string]*ProvisionExchange, error) {
	rows, err := s.query(ctx, `SELECT p.id, p.wet, p.toewijzingnummer, p.referentie_aanbieder, p.toewijzingsdatum, p.werkelijke_start, p.werkelijke_eind,
		p.reden_beeindiging, p.budget_cents, p.bron FROM provisions p WHERE p.gemeente = ? AND `+where, gm, arg)
	if err != nil {
		return nil, err
	}
	out := map[string]*ProvisionExchange{}
	for rows.Next() {
		var p ProvisionExchange
		var budget sql.NullInt64
		if err := rows.Scan(&p.ProvisionID, &p.Wet, &p.Toewijzingnummer, &p.ReferentieAanbieder, &p.Toewijzingsdatum, &p.WerkelijkeStart, &p.WerkelijkeEind,
			&p.RedenBeeindiging, &budget, &p.Bron); err != nil {
			rows.Close()
			return nil, err
		}
		if budget.Valid {
			b := budget.Int64
			p.BudgetCents = &b
		}
		p.RedenBeeindigingNaam = EndReasonLabel(p.Wet, p.RedenBeeindiging)
		out[p.ProvisionID] = &p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	crows, err := s.query(ctx, `SELECT c.id, c.provision_id, c.aanbieder_agb, c.declaratienummer, c.referentienummer, c.vorig_referentienummer,
		c.begin_datum, c.eind_datum, c.volume, c.eenheid, c.tarief_cents, c.bedrag_cents
		FROM claims c JOIN provisions p ON p.id = c.provision_id WHERE c.gemeente = ? AND `+where+` ORDER BY c.begin_datum, c.referentienummer`, gm, arg)
	if err != nil {
		return nil, err
	}
	var claimIDs []string
	for crows.Next() {
		var c Claim
		if err := crows.Scan(&c.ID, &c.ProvisionID, &c.AanbiederAGB, &c.Declaratienummer, &c.Referentienummer, &c.VorigReferentienummer,
			&c.Begin, &c.Eind, &c.Volume, &c.Eenheid, &c.TariefCents, &c.BedragCents); err != nil {
			crows.Close()
			return nil, err
		}
		if p := out[c.ProvisionID]; p != nil {
			p.Claims = append(p.Claims, c)
		}
		claimIDs = append(claimIDs, c.ID)
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return nil, classify(err)
	}
	// Keep only provisions with exchange data.
	ids := []string{}
	for id, p := range out {
		if !p.Imported() && len(p.Claims) == 0 {
			delete(out, id)
			continue
		}
		ids = append(ids, id)
	}
	recs := map[string][]string{}
	if len(ids) > 0 {
		recs[gm] = ids
	}
	if err := s.auditRead(ctx, a, audit.Read, RecProvision, recs); err != nil {
		return nil, err
	}
	if len(claimIDs) > 0 {
		if err := s.auditRead(ctx, a, audit.Read, RecClaim, map[string][]string{gm: claimIDs}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ExchangeMessage is one imported message in the history: no personal
// data, only the header and what the import did.
type ExchangeMessage struct {
	ID            string          `json:"id"`
	Gemeente      string          `json:"gemeente"`
	Standaard     string          `json:"standaard"`
	Code          string          `json:"code"`
	Afzender      string          `json:"afzender"`
	Identificatie string          `json:"identificatie"`
	Dagtekening   people.Date     `json:"dagtekening"`
	Bestand       string          `json:"bestand"`
	SHA256        string          `json:"sha256"`
	ImportedAt    time.Time       `json:"ingelezen"`
	ImportedBy    string          `json:"ingelezen_door"`
	Result        exchange.Result `json:"resultaat"`
}

// Name is "JW301", "WMO323", ...
func (m ExchangeMessage) Name() string { return exchange.Standard(m.Standaard).Prefix() + m.Code }

// ExchangeMessages lists the latest imported messages of the gemeenten the
// actor may import into, newest first. Not personal data: not audited.
func (s *Store) ExchangeMessages(ctx context.Context, a Actor, limit int) ([]ExchangeMessage, error) {
	scope := a.scope(auth.ImportExchange)
	if len(scope) == 0 {
		return nil, errs.E(errs.Forbidden, "U mag geen berichten inlezen.")
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	ph, args := in(scope)
	rows, err := s.query(ctx, `SELECT m.id, m.gemeente, m.standaard, m.code, m.afzender, m.identificatie, m.dagtekening, m.bestand, m.sha256, m.imported_at,
		COALESCE(NULLIF(u.name, ''), u.email), m.resultaat
		FROM exchange_messages m JOIN users u ON u.id = m.imported_by WHERE m.gemeente IN (`+ph+`) ORDER BY m.imported_at DESC, m.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ExchangeMessage{}
	for rows.Next() {
		var m ExchangeMessage
		var res string
		if err := rows.Scan(&m.ID, &m.Gemeente, &m.Standaard, &m.Code, &m.Afzender, &m.Identificatie, &m.Dagtekening, &m.Bestand, &m.SHA256,
			timeCol{&m.ImportedAt}, &m.ImportedBy, &res); err != nil {
			return nil, err
		}
		if res != "" {
			_ = json.Unmarshal([]byte(res), &m.Result)
		}
		out = append(out, m)
	}
	return out, classify(rows.Err())
}

// For pages: amounts as money, the unit by name.
func (c Claim) Bedrag() casework.Cents { return casework.Cents(c.BedragCents) }
func (c Claim) Tarief() casework.Cents { return casework.Cents(c.TariefCents) }
func (c Claim) EenheidNaam() string {
	for _, u := range casework.Units {
		if u.Code == c.Eenheid {
			return u.Naam
		}
	}
	return "eenheid " + c.Eenheid
}

// Declared is DeclaredCents as money.
func (p ProvisionExchange) Declared() casework.Cents { return casework.Cents(p.DeclaredCents()) }

// Package exchange holds what naober reads from and writes to the gemeente's
// data traffic: iJw/iWmo 3.2 messages (subpackage istd), spreadsheets
// (subpackage sheet) and the rules that turn their rows into persons,
// households and provisions. It knows nothing of HTTP or SQL; the store
// applies a parsed Message in one transaction.
//
// The types here are the contract between the readers (istd, sheet) and the
// store: readers produce them, fully validated; the store applies them.
package exchange

import (
	"fmt"
	"strings"

	"naober.nl/naober/internal/people"
)

// Standard is the message family.
type Standard string

const (
	IJw  Standard = "ijw"  // youth care, Jeugdwet: wet "jw"
	IWmo Standard = "iwmo" // Wmo 2015: wet "wmo"
)

// Wet is the law code naober uses for provisions of this standard.
func (s Standard) Wet() string {
	if s == IJw {
		return "jw"
	}
	return "wmo"
}

// Prefix is the message name prefix: "JW" or "WMO".
func (s Standard) Prefix() string {
	if s == IJw {
		return "JW"
	}
	return "WMO"
}

// Problem is one thing wrong with an input, said so that a functional
// administrator can find and fix it. A BSN never appears in Value in full
// (see MaskBSN).
type Problem struct {
	File  string `json:"bestand"`
	Path  string `json:"plaats"` // element path ("/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Omvang/Eenheid") or "regel 12, kolom Geboortedatum"
	Value string `json:"waarde"`
	Msg   string `json:"melding"` // Dutch, plain
}

func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteString(": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	if p.Value != "" {
		fmt.Fprintf(&b, " (waarde %q)", p.Value)
	}
	return b.String()
}

// Problems is a list of problems; as an error it says all of them.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// MaskBSN keeps the last three digits, so an administrator can tell two
// clients apart in a report without the report holding a BSN.
func MaskBSN(bsn string) string {
	if len(bsn) <= 3 {
		return "******"
	}
	return "******" + bsn[len(bsn)-3:]
}

// Message is one parsed, validated iJw/iWmo message. Only the parts naober
// uses are kept; Import is false for messages that are recognised but carry
// nothing to import (retour messages, requests the provider sends).
type Message struct {
	Standard    Standard    `json:"standaard"`
	Code        string      `json:"code"` // "301", "305", "307", "323", "302", ...
	BerichtCode string      `json:"berichtcode"`
	ID          string      `json:"id"` // BerichtIdentificatie/Identificatie
	Dagtekening people.Date `json:"dagtekening"`
	Afzender    string      `json:"afzender"`  // gemeentecode (4 digits) or AGB code (8 digits)
	Ontvanger   string      `json:"ontvanger"` // idem
	Import      bool        `json:"import"`
	Note        string      `json:"toelichting,omitempty"` // for Import=false: what the message is, in Dutch

	Client      *Client      `json:"client,omitempty"`       // 301, 305, 307
	Allocations []Allocation `json:"toewijzingen,omitempty"` // 301
	Starts      []Start      `json:"starts,omitempty"`       // 305
	Stops       []Stop       `json:"stops,omitempty"`        // 307
	Declaration *Declaration `json:"declaratie,omitempty"`   // 323
}

// Name is "JW301", "WMO323", ...
func (m *Message) Name() string { return m.Standard.Prefix() + m.Code }

// Gemeentecode is the 4-digit CBS code of the gemeente in the header: the
// sender of a 301, the receiver of 305/307/323.
func (m *Message) Gemeentecode() string {
	if len(m.Afzender) == 4 {
		return m.Afzender
	}
	return m.Ontvanger
}

// AGB is the provider's AGB code in the header.
func (m *Message) AGB() string {
	if len(m.Afzender) == 8 {
		return m.Afzender
	}
	return m.Ontvanger
}

// Client is the person a message is about.
type Client struct {
	BSN           string      `json:"-"`
	Geboortedatum people.Date `json:"geboortedatum"` // zero when absent
	Geslacht      string      `json:"geslacht"`      // "man", "vrouw", "onbekend" (COD046 1, 2, 0)
	Voornamen     string      `json:"voornamen"`
	Voorletters   string      `json:"voorletters"`
	Voorvoegsel   string      `json:"voorvoegsel"`
	Achternaam    string      `json:"achternaam"`
	Address       *Address    `json:"adres,omitempty"` // the client's own address (Contact Soort 01 BRP, else 02/03), when given
}

// Address is a Dutch address.
type Address struct {
	Postcode   string `json:"postcode"` // normalised "1234AB"
	Huisnummer int    `json:"huisnummer"`
	Toevoeging string `json:"toevoeging"` // Huisletter + HuisnummerToevoeging, as naober stores it
	Straat     string `json:"straat"`
	Plaats     string `json:"plaats"`
}

// Allocation is one ToegewezenProduct of a 301.
type Allocation struct {
	Nummer              string      `json:"toewijzingnummer"`
	ReferentieAanbieder string      `json:"referentie_aanbieder,omitempty"`
	Categorie           string      `json:"categorie"` // JZ020 / WMO020
	Code                string      `json:"productcode,omitempty"`
	Toewijzingsdatum    people.Date `json:"toewijzingsdatum"`
	Toewijzingstijd     string      `json:"toewijzingstijd,omitempty"` // "12:34:56", required in a 301; the writer uses "00:00:00" when empty
	Ingangsdatum        people.Date `json:"ingangsdatum"`
	Einddatum           people.Date `json:"einddatum"` // zero: open-ended
	Volume              *int        `json:"volume,omitempty"`
	Eenheid             string      `json:"eenheid,omitempty"`    // WJ756
	Frequentie          string      `json:"frequentie,omitempty"` // WMO757
	BudgetCents         *int64      `json:"budget_cents,omitempty"`
	RedenWijziging      string      `json:"reden_wijziging,omitempty"`
	RedenIntrekking     string      `json:"reden_intrekking,omitempty"`
	Commentaar          string      `json:"commentaar,omitempty"`
	Path                string      `json:"-"` // element path, for reports
}

// Start is one StartProduct of a 305: care has actually begun.
type Start struct {
	Nummer                 string      `json:"toewijzingnummer"`
	Categorie              string      `json:"categorie"`
	Code                   string      `json:"productcode,omitempty"`
	ToewijzingIngangsdatum people.Date `json:"toewijzing_ingangsdatum"`
	Begindatum             people.Date `json:"begindatum"`
	Status                 string      `json:"status_aanlevering"` // 1 new, 2 correction, 3 delete
	Path                   string      `json:"-"`
}

// Stop is one StopProduct of a 307: care has ended.
type Stop struct {
	Nummer                 string      `json:"toewijzingnummer"`
	Categorie              string      `json:"categorie"`
	Code                   string      `json:"productcode,omitempty"`
	ToewijzingIngangsdatum people.Date `json:"toewijzing_ingangsdatum"`
	Begindatum             people.Date `json:"begindatum"`
	Einddatum              people.Date `json:"einddatum"`
	RedenBeeindiging       string      `json:"reden_beeindiging"` // JZ588 / WMO588
	Status                 string      `json:"status_aanlevering"`
	Path                   string      `json:"-"`
}

// Declaration is a 323: what a provider claims for one period.
type Declaration struct {
	Nummer      string      `json:"declaratienummer"`
	Begin       people.Date `json:"begin"`
	Eind        people.Date `json:"eind"`         // inclusive, as in the message
	TotaalCents int64       `json:"totaal_cents"` // signed: credit is negative
	Claims      []Claim     `json:"prestaties"`
}

// Claim is one Prestatie of a 323: delivered volume and amount for one
// allocation in one period.
type Claim struct {
	BSN              string      `json:"-"`
	ReferentieNummer string      `json:"referentienummer"`
	VorigReferentie  string      `json:"vorig_referentienummer,omitempty"` // a credit line points to what it cancels
	ToewijzingNummer string      `json:"toewijzingnummer"`
	Categorie        string      `json:"categorie"`
	Code             string      `json:"productcode,omitempty"`
	Begin            people.Date `json:"begin"`
	Eind             people.Date `json:"eind"` // inclusive
	Volume           int64       `json:"geleverd_volume"`
	Eenheid          string      `json:"eenheid"`
	TariefCents      int64       `json:"tarief_cents"`
	BedragCents      int64       `json:"bedrag_cents"` // signed: credit is negative
	Path             string      `json:"-"`
}

// Result says what applying one message did.
type Result struct {
	File      string `json:"bestand"`
	Message   string `json:"bericht"` // "JW301 123456789012"
	Duplicate bool   `json:"al_ingelezen"`
	// Counts of what changed.
	PersonsCreated    int       `json:"personen_nieuw"`
	HouseholdsCreated int       `json:"huishoudens_nieuw"`
	ProvisionsCreated int       `json:"voorzieningen_nieuw"`
	ProvisionsUpdated int       `json:"voorzieningen_gewijzigd"`
	ClaimsCreated     int       `json:"prestaties_nieuw"`
	Unplaced          int       `json:"zonder_wijk"` // households whose address matched no wijk
	Warnings          []Problem `json:"waarschuwingen,omitempty"`
}

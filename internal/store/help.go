package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
	"naober.nl/naober/internal/voorelkaar"
)

// Voor elkaar in storage. What others see of a request or offer is its
// first name, wijk, category, time and text; the contact (e-mail address
// and the optional phone or contact line) is read only by matchContact,
// for the two sides of a match both accepted, and that read is audited.
// Requests via a coordinator (and all prescriptions) are never listed
// publicly: only a matcher of the wijk (auth.MatchHelp and the wijk among
// their wijken) reads them. The link to a household lives in
// help_prescriptions only, read by professionals who may read the household.

// Audit record types of voor elkaar.
const (
	RecHelpRequest      = "voorelkaar_vraag"
	RecHelpOffer        = "voorelkaar_aanbod"
	RecHelpMatch        = "voorelkaar_match"
	RecHelpContact      = "voorelkaar_contact"
	RecHelpPrescription = "voorelkaar_voorschrift"
)

const helpPurpose = "voor elkaar: hulp tussen buren"

func helpActor(p *auth.Principal) Actor { return Actor{P: p, Purpose: helpPurpose} }

func splitSet(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func catStrings(cs []voorelkaar.Category) string {
	var s []string
	for _, c := range cs {
		s = append(s, string(c))
	}
	return strings.Join(s, ",")
}

// --- posting ---

// checkPostLimit refuses a resident who posted voorelkaar.PostsPerDay
// requests and offers in the last 24 hours.
func (s *Store) checkPostLimit(ctx context.Context, tx *Tx, userID string) error {
	if err := s.lockUser(ctx, tx, userID); err != nil {
		return err
	}
	since := s.ts(s.now().Add(-24 * time.Hour))
	var n int
	if err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM help_requests WHERE author_id = ? AND created_at > ?) +
		(SELECT COUNT(*) FROM help_offers WHERE author_id = ? AND created_at > ?)`, userID, since, userID, since).Scan(&n); err != nil {
		return err
	}
	if n >= voorelkaar.PostsPerDay {
		return errs.E(errs.TooMany, "U heeft vandaag al %d hulpvragen en aanbiedingen geplaatst. Morgen kunt u weer iets plaatsen.", n)
	}
	return nil
}

func (s *Store) insertRequest(ctx context.Context, tx *Tx, r *voorelkaar.Request) error {
	now := s.now().UTC()
	if r.ID == "" { // the demo sets its own, for a repeatable world
		r.ID = secret.ID()
	}
	r.Status, r.Created, r.Updated = voorelkaar.Open, now, now
	var author any
	if r.AuthorID != "" {
		author = r.AuthorID
	}
	_, err := tx.Exec(ctx, `INSERT INTO help_requests (id, gemeente, wijk, author_id, first_name, organisation, category, days, parts, on_date, body,
		vog_required, via_coordinator, origin, contact, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Gemeente, r.Wijk, author, r.FirstName, r.Organisation, string(r.Category), strings.Join(r.Days, ","), strings.Join(r.Parts, ","), r.Date, r.Text,
		boolInt(r.VOG), boolInt(r.ViaCoordinator), r.Origin, r.Contact, r.Status, s.ts(now), s.ts(now))
	return err
}

// CreateHelpRequest stores a verified resident's request for help in their
// own wijk, under the first word of their display name (and, when they ask
// on behalf of an organisation, its name, which others see instead). A request marked
// ViaCoordinator (for or from someone vulnerable) is never public and goes
// to the wijk's coordinators.
func (s *Store) CreateHelpRequest(ctx context.Context, p *auth.Principal, r *voorelkaar.Request) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log in om een hulpvraag te plaatsen.")
	}
	if p.Resident == nil || !p.Resident.Verified {
		return errs.E(errs.Forbidden, "Alleen bewoners met een bevestigd e-mailadres kunnen een hulpvraag plaatsen.")
	}
	r.Gemeente, r.Wijk, r.AuthorID, r.Origin = p.Resident.Gemeente, p.Resident.Wijk, p.UserID, voorelkaar.OriginResident
	r.FirstName = voorelkaar.FirstName(p.Resident.DisplayName)
	if err := r.Validate(people.DateOf(s.now().In(people.Amsterdam()))); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		if err := s.checkPostLimit(ctx, tx, p.UserID); err != nil {
			return err
		}
		if err := s.insertRequest(ctx, tx, r); err != nil {
			return err
		}
		if r.ViaCoordinator {
			if err := s.notifyMatchers(ctx, tx, r.Gemeente, r.Wijk, "Een hulpvraag voor de coördinator",
				"Er is een hulpvraag in de wijk die via de coördinator loopt (niet openbaar). Kijk op /voorelkaar/beheer wie kan helpen.\n"); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, helpActor(p), auth.MatchHelp, audit.Create, r.Gemeente, RecHelpRequest, r.ID)
	})
}

// CreateCoordinatorRequest stores a request a matcher of the wijk enters
// for someone without an account (a phone call, a visit): never public.
func (s *Store) CreateCoordinatorRequest(ctx context.Context, a Actor, r *voorelkaar.Request) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	if !voorelkaar.MatcherOf(a.P, r.Gemeente, r.Wijk) {
		return errs.E(errs.Forbidden, "Alleen de coördinator van deze wijk kan hier een hulpvraag invoeren.")
	}
	r.AuthorID, r.Origin, r.ViaCoordinator = "", voorelkaar.OriginCoordinator, true
	if err := r.Validate(people.DateOf(s.now().In(people.Amsterdam()))); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		if err := s.insertRequest(ctx, tx, r); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.MatchHelp, audit.Create, r.Gemeente, RecHelpRequest, r.ID)
	})
}

// CreateHelpOffer stores a verified resident's offer of help, for wijken of
// their own gemeente, in their own name or on behalf of an organisation.
func (s *Store) CreateHelpOffer(ctx context.Context, p *auth.Principal, o *voorelkaar.Offer) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log in om hulp aan te bieden.")
	}
	if p.Resident == nil || !p.Resident.Verified {
		return errs.E(errs.Forbidden, "Alleen bewoners met een bevestigd e-mailadres kunnen hulp aanbieden.")
	}
	o.Gemeente, o.AuthorID = p.Resident.Gemeente, p.UserID
	o.FirstName = voorelkaar.FirstName(p.Resident.DisplayName)
	wijkOK := func(w string) bool {
		if s.wijkGemeente == nil {
			return true
		}
		gm, ok := s.wijkGemeente(w)
		return ok && gm == o.Gemeente
	}
	if err := o.Validate(people.DateOf(s.now().In(people.Amsterdam())), wijkOK); err != nil {
		return err
	}
	now := s.now().UTC()
	if o.ID == "" {
		o.ID = secret.ID()
	}
	o.Status, o.Created, o.Updated = voorelkaar.Open, now, now
	return s.Tx(ctx, func(tx *Tx) error {
		if err := s.checkPostLimit(ctx, tx, p.UserID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO help_offers (id, gemeente, author_id, first_name, organisation, categories, days, parts, wijken, body, vog, vog_date, contact, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, o.Gemeente, o.AuthorID, o.FirstName, o.Organisation, catStrings(o.Categories), strings.Join(o.Days, ","),
			strings.Join(o.Parts, ","), strings.Join(o.Wijken, ","), o.Text, boolInt(o.VOG), o.VOGDate, o.Contact, o.Status, s.ts(now), s.ts(now)); err != nil {
			return err
		}
		for _, w := range o.Wijken {
			if _, err := tx.Exec(ctx, `INSERT INTO help_offer_wijken (offer_id, wijk) VALUES (?, ?)`, o.ID, w); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, helpActor(p), auth.MatchHelp, audit.Create, o.Gemeente, RecHelpOffer, o.ID)
	})
}

// --- reading ---

const requestCols = `r.id, r.gemeente, r.wijk, COALESCE(r.author_id, ''), r.first_name, r.organisation, r.category, r.days, r.parts, r.on_date, r.body,
	r.vog_required, r.via_coordinator, r.origin, r.contact, r.status, r.close_reason, r.hidden_at, r.hidden_reason,
	r.created_at, r.updated_at, r.matched_at, r.done_at FROM help_requests r`

func scanRequest(sc interface{ Scan(...any) error }) (voorelkaar.Request, error) {
	var r voorelkaar.Request
	var cat, days, parts string
	var vog, via int
	var hidden time.Time
	err := sc.Scan(&r.ID, &r.Gemeente, &r.Wijk, &r.AuthorID, &r.FirstName, &r.Organisation, &cat, &days, &parts, &r.Date, &r.Text,
		&vog, &via, &r.Origin, &r.Contact, &r.Status, &r.CloseReason, timeCol{&hidden}, &r.HiddenReason,
		timeCol{&r.Created}, timeCol{&r.Updated}, timeCol{&r.MatchedAt}, timeCol{&r.DoneAt})
	r.Category, r.Days, r.Parts = voorelkaar.Category(cat), splitSet(days), splitSet(parts)
	r.VOG, r.ViaCoordinator, r.Hidden = vog == 1, via == 1, !hidden.IsZero()
	return r, err
}

const offerCols = `o.id, o.gemeente, o.author_id, o.first_name, o.organisation, o.categories, o.days, o.parts, o.wijken, o.body, o.vog, o.vog_date,
	o.contact, o.status, o.hidden_at, o.hidden_reason, o.created_at, o.updated_at FROM help_offers o`

func scanOffer(sc interface{ Scan(...any) error }) (voorelkaar.Offer, error) {
	var o voorelkaar.Offer
	var cats, days, parts, wijken string
	var vog int
	var hidden time.Time
	err := sc.Scan(&o.ID, &o.Gemeente, &o.AuthorID, &o.FirstName, &o.Organisation, &cats, &days, &parts, &wijken, &o.Text, &vog, &o.VOGDate,
		&o.Contact, &o.Status, timeCol{&hidden}, &o.HiddenReason, timeCol{&o.Created}, timeCol{&o.Updated})
	for _, c := range splitSet(cats) {
		o.Categories = append(o.Categories, voorelkaar.Category(c))
	}
	o.Days, o.Parts, o.Wijken = splitSet(days), splitSet(parts), splitSet(wijken)
	o.VOG, o.Hidden = vog == 1, !hidden.IsZero()
	return o, err
}

type helpQ interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (s *Store) requestsWhere(ctx context.Context, q helpQ, where string, args ...any) ([]voorelkaar.Request, error) {
	rows, err := q.Query(ctx, `SELECT `+requestCols+` WHERE `+where, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []voorelkaar.Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, classify(rows.Err())
}

func (s *Store) offersWhere(ctx context.Context, q helpQ, where string, args ...any) ([]voorelkaar.Offer, error) {
	rows, err := q.Query(ctx, `SELECT `+offerCols+` WHERE `+where, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []voorelkaar.Offer
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, classify(rows.Err())
}

// publicRequest and publicOffer drop what only the two sides of an
// accepted match (or the coordinator) may read. A post on behalf of an
// organisation shows the organisation's name: the first name of the
// resident behind it comes with the contact details.
func publicRequest(r voorelkaar.Request) voorelkaar.Request {
	r.Contact, r.AuthorID = "", ""
	if r.Organisation != "" {
		r.FirstName = ""
	}
	return r
}

func publicOffer(o voorelkaar.Offer) voorelkaar.Offer {
	o.Contact, o.AuthorID, o.VOGDate = "", "", people.Date{}
	if o.Organisation != "" {
		o.FirstName = ""
	}
	return o
}

// PublicHelp lists a wijk's open public requests (not via a coordinator,
// not hidden) and the open offers for the wijk, newest first, with first
// names only and without contact details. Public data: no actor.
func (s *Store) PublicHelp(ctx context.Context, gemeente, wijk string) ([]voorelkaar.Request, []voorelkaar.Offer, error) {
	reqs, err := s.requestsWhere(ctx, planReadQ{s}, `r.gemeente = ? AND r.wijk = ? AND r.status = 'open' AND r.via_coordinator = 0 AND r.hidden_at IS NULL
		ORDER BY r.created_at DESC, r.id LIMIT 200`, gemeente, wijk)
	if err != nil {
		return nil, nil, err
	}
	offers, err := s.offersWhere(ctx, planReadQ{s}, `o.gemeente = ? AND o.status = 'open' AND o.hidden_at IS NULL
		AND o.id IN (SELECT offer_id FROM help_offer_wijken WHERE wijk = ?) ORDER BY o.created_at DESC, o.id LIMIT 200`, gemeente, wijk)
	if err != nil {
		return nil, nil, err
	}
	for i := range reqs {
		reqs[i] = publicRequest(reqs[i])
	}
	for i := range offers {
		offers[i] = publicOffer(offers[i])
	}
	return reqs, offers, nil
}

// HelpWijkCounts are the open public requests and offers of a wijk, for
// the wijk page.
func (s *Store) HelpWijkCounts(ctx context.Context, gemeente, wijk string) (requests, offers int, err error) {
	err = s.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM help_requests WHERE gemeente = ? AND wijk = ? AND status = 'open' AND via_coordinator = 0 AND hidden_at IS NULL),
		(SELECT COUNT(*) FROM help_offers o WHERE o.gemeente = ? AND o.status = 'open' AND o.hidden_at IS NULL
			AND o.id IN (SELECT offer_id FROM help_offer_wijken WHERE wijk = ?))`, gemeente, wijk, gemeente, wijk).Scan(&requests, &offers)
	return requests, offers, classify(err)
}

// Match is a match as one side (or a matcher) sees it.
type Match struct {
	ID            string
	Status        string
	RequestOK     bool
	OfferOK       bool
	ByCoordinator bool
	Created       time.Time
	Accepted      time.Time
	Request       voorelkaar.Request // public fields only
	Offer         voorelkaar.Offer   // public fields only
	// Side is the viewer's side: "vraag", "aanbod" or "coordinator".
	Side string
	// Contact is the other side's contact details: set only when both
	// accepted and the viewer is a side (or the matcher of a request
	// without an account).
	Contact  *Contact
	Feedback []voorelkaar.Feedback
	// MyFeedback: the viewer's side gave feedback.
	MyFeedback bool
}

// Contact is what the two sides of an accepted match exchange.
type Contact struct {
	FirstName    string
	Organisation string // the organisation the other side posted for, if any
	Email        string
	Phone        string // the offer's phone, or the request's contact line
	// ViaCoordinator: the requester has no account; the contact line is
	// what they (or their regisseur, with consent) agreed to share.
	ViaCoordinator bool
}

// MayAnswer is whether the viewer still has to say yes or no.
func (m Match) MayAnswer() bool {
	if m.Status != voorelkaar.MatchProposed {
		return false
	}
	switch m.Side {
	case "vraag":
		return !m.RequestOK
	case "aanbod":
		return !m.OfferOK
	case "coordinator":
		return !m.RequestOK && m.Request.AuthorID == ""
	}
	return false
}

const matchCols = `m.id, m.status, m.request_ok, m.offer_ok, m.by_coordinator, m.created_at, m.accepted_at, m.request_id, m.offer_id FROM help_matches m`

// matchesWhere reads matches with their request and offer (full rows; the
// caller decides what the viewer sees).
func (s *Store) matchesWhere(ctx context.Context, q helpQ, where string, args ...any) ([]Match, []voorelkaar.Request, []voorelkaar.Offer, error) {
	rows, err := q.Query(ctx, `SELECT `+matchCols+` WHERE `+where, args...)
	if err != nil {
		return nil, nil, nil, classify(err)
	}
	var ms []Match
	var reqIDs, offIDs []string
	for rows.Next() {
		var m Match
		var rok, ook, byc int
		var rid, oid string
		if err := rows.Scan(&m.ID, &m.Status, &rok, &ook, &byc, timeCol{&m.Created}, timeCol{&m.Accepted}, &rid, &oid); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		m.RequestOK, m.OfferOK, m.ByCoordinator = rok == 1, ook == 1, byc == 1
		m.Request.ID, m.Offer.ID = rid, oid
		ms = append(ms, m)
		reqIDs, offIDs = append(reqIDs, rid), append(offIDs, oid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, classify(err)
	}
	reqs := make([]voorelkaar.Request, len(ms))
	offs := make([]voorelkaar.Offer, len(ms))
	for i := range ms {
		rs, err := s.requestsWhere(ctx, q, `r.id = ?`, ms[i].Request.ID)
		if err != nil || len(rs) == 0 {
			return nil, nil, nil, fmt.Errorf("match %s request: %w", ms[i].ID, err)
		}
		os, err := s.offersWhere(ctx, q, `o.id = ?`, ms[i].Offer.ID)
		if err != nil || len(os) == 0 {
			return nil, nil, nil, fmt.Errorf("match %s offer: %w", ms[i].ID, err)
		}
		reqs[i], offs[i] = rs[0], os[0]
		ms[i].Request, ms[i].Offer = publicRequest(rs[0]), publicOffer(os[0])
		if rs[0].AuthorID == "" {
			ms[i].Request.AuthorID = "" // stays empty: MayAnswer reads it for requests without an account
		} else {
			ms[i].Request.AuthorID = "-" // someone has an account; who is not shown
		}
	}
	return ms, reqs, offs, nil
}

// fillMatch sets what the viewer may see of a match: their side, the
// feedback, and (accepted, and the viewer a side) the other's contact.
// It returns whether contact details were filled in (to audit the read).
func (s *Store) fillMatch(ctx context.Context, m *Match, r voorelkaar.Request, o voorelkaar.Offer, side string) (bool, error) {
	m.Side = side
	rows, err := s.query(ctx, `SELECT side, rating, body, created_at FROM help_feedback WHERE match_id = ? ORDER BY side`, m.ID)
	if err != nil {
		return false, err
	}
	for rows.Next() {
		var f voorelkaar.Feedback
		if err := rows.Scan(&f.Side, &f.Rating, &f.Text, timeCol{&f.At}); err != nil {
			rows.Close()
			return false, err
		}
		m.Feedback = append(m.Feedback, f)
		if f.Side == side || (side == "coordinator" && f.Side == "vraag" && r.AuthorID == "") {
			m.MyFeedback = true
		}
	}
	rows.Close()
	if m.Status != voorelkaar.MatchAccepted {
		return false, classify(rows.Err())
	}
	switch side {
	case "vraag": // the requester sees the volunteer
		c := &Contact{FirstName: o.FirstName, Organisation: o.Organisation, Phone: o.Contact}
		if err := s.queryRow(ctx, `SELECT email FROM users WHERE id = ?`, o.AuthorID).Scan(&c.Email); err != nil {
			return false, classify(err)
		}
		m.Contact = c
	case "aanbod", "coordinator": // the volunteer (or the matcher) sees the requester
		if side == "coordinator" && r.AuthorID != "" {
			return false, nil // a resident's request: the coordinator needs no contact
		}
		c := &Contact{FirstName: r.FirstName, Organisation: r.Organisation, Phone: r.Contact, ViaCoordinator: r.AuthorID == ""}
		if r.AuthorID != "" {
			if err := s.queryRow(ctx, `SELECT email FROM users WHERE id = ?`, r.AuthorID).Scan(&c.Email); err != nil && !errs.Is(classify(err), errs.NotFound) {
				return false, classify(err)
			}
		}
		m.Contact = c
		if side == "coordinator" {
			// The matcher of an account-less request passes the volunteer on.
			oc := &Contact{FirstName: o.FirstName, Organisation: o.Organisation, Phone: o.Contact}
			if err := s.queryRow(ctx, `SELECT email FROM users WHERE id = ?`, o.AuthorID).Scan(&oc.Email); err != nil {
				return false, classify(err)
			}
			m.Contact = oc
		}
	}
	return m.Contact != nil, nil
}

// MyHelp is what a resident has in voor elkaar.
type MyHelp struct {
	Requests []voorelkaar.Request
	Offers   []voorelkaar.Offer
	Matches  []Match
}

// HelpOf lists the user's own requests, offers and their matches. The
// contact details of accepted matches are in it; that read is audited.
func (s *Store) HelpOf(ctx context.Context, p *auth.Principal) (MyHelp, error) {
	var out MyHelp
	if p == nil {
		return out, errs.E(errs.Unauthorized, "Log in.")
	}
	var err error
	if out.Requests, err = s.requestsWhere(ctx, planReadQ{s}, `r.author_id = ? ORDER BY r.created_at DESC, r.id`, p.UserID); err != nil {
		return out, err
	}
	if out.Offers, err = s.offersWhere(ctx, planReadQ{s}, `o.author_id = ? ORDER BY o.created_at DESC, o.id`, p.UserID); err != nil {
		return out, err
	}
	ms, reqs, offs, err := s.matchesWhere(ctx, planReadQ{s}, `m.request_id IN (SELECT id FROM help_requests WHERE author_id = ?)
		OR m.offer_id IN (SELECT id FROM help_offers WHERE author_id = ?) ORDER BY m.created_at DESC, m.id`, p.UserID, p.UserID)
	if err != nil {
		return out, err
	}
	read := map[string][]string{}
	for i := range ms {
		side := "aanbod"
		if reqs[i].AuthorID == p.UserID {
			side = "vraag"
		}
		got, err := s.fillMatch(ctx, &ms[i], reqs[i], offs[i], side)
		if err != nil {
			return out, err
		}
		if got {
			read[reqs[i].Gemeente] = append(read[reqs[i].Gemeente], ms[i].ID)
		}
	}
	out.Matches = ms
	return out, s.auditHelpRead(ctx, p, RecHelpContact, read)
}

// HelpOffersOf lists the user's own offers, newest first (no matches, no
// contact details: nothing to audit).
func (s *Store) HelpOffersOf(ctx context.Context, p *auth.Principal) ([]voorelkaar.Offer, error) {
	if p == nil {
		return nil, errs.E(errs.Unauthorized, "Log in.")
	}
	return s.offersWhere(ctx, planReadQ{s}, `o.author_id = ? ORDER BY o.created_at DESC, o.id`, p.UserID)
}

// MatchState is the state of a match the user is a side of ("" when not).
func (s *Store) MatchState(ctx context.Context, p *auth.Principal, matchID string) (string, error) {
	if p == nil {
		return "", errs.E(errs.Unauthorized, "Log in.")
	}
	var st string
	err := s.queryRow(ctx, `SELECT m.status FROM help_matches m JOIN help_requests r ON r.id = m.request_id JOIN help_offers o ON o.id = m.offer_id
		WHERE m.id = ? AND (r.author_id = ? OR o.author_id = ?)`, matchID, p.UserID, p.UserID).Scan(&st)
	if errs.Is(classify(err), errs.NotFound) {
		return "", nil
	}
	return st, classify(err)
}

// auditHelpRead writes read records (before the data reaches the caller).
func (s *Store) auditHelpRead(ctx context.Context, p *auth.Principal, rec string, read map[string][]string) error {
	if len(read) == 0 {
		return nil
	}
	return s.Tx(ctx, func(tx *Tx) error {
		for gm, ids := range read {
			if err := s.audit(ctx, tx, helpActor(p), auth.MatchHelp, audit.Read, gm, rec, ids...); err != nil {
				return err
			}
		}
		return nil
	})
}

// RequestView is one request as the viewer may see it.
type RequestView struct {
	Request     voorelkaar.Request
	Own         bool // the viewer asked
	Matcher     bool // the viewer matches in its wijk
	Matches     []Match
	Suggestions []voorelkaar.Suggestion // for the owner and the matcher
}

// HelpRequest reads one request: anyone sees a public one (first name, no
// contact); the author and a matcher of the wijk see more; anyone else
// gets "not found", also for requests via a coordinator.
func (s *Store) HelpRequest(ctx context.Context, p *auth.Principal, id string) (RequestView, error) {
	var v RequestView
	rs, err := s.requestsWhere(ctx, planReadQ{s}, `r.id = ?`, id)
	if err != nil {
		return v, err
	}
	notFound := errs.E(errs.NotFound, "Deze hulpvraag bestaat niet (meer), of is niet openbaar.")
	if len(rs) == 0 {
		return v, notFound
	}
	r := rs[0]
	v.Own = p != nil && r.AuthorID != "" && r.AuthorID == p.UserID
	v.Matcher = p != nil && voorelkaar.MatcherOf(p, r.Gemeente, r.Wijk)
	if !v.Own && !v.Matcher && !r.Public() {
		return v, notFound
	}
	v.Request = r
	if !v.Own && !v.Matcher {
		v.Request = publicRequest(r)
		return v, nil
	}
	ms, reqs, offs, err := s.matchesWhere(ctx, planReadQ{s}, `m.request_id = ? ORDER BY m.created_at, m.id`, id)
	if err != nil {
		return v, err
	}
	read := map[string][]string{}
	for i := range ms {
		side := "coordinator"
		if v.Own {
			side = "vraag"
		}
		got, err := s.fillMatch(ctx, &ms[i], reqs[i], offs[i], side)
		if err != nil {
			return v, err
		}
		if got {
			read[r.Gemeente] = append(read[r.Gemeente], ms[i].ID)
		}
	}
	v.Matches = ms
	// A request via the coordinator is matched by the coordinator only.
	if r.Status == voorelkaar.Open && !r.Hidden && (v.Matcher || !r.ViaCoordinator) {
		offers, err := s.offersWhere(ctx, planReadQ{s}, `o.gemeente = ? AND o.status = 'open' AND o.hidden_at IS NULL
			AND o.id IN (SELECT offer_id FROM help_offer_wijken WHERE wijk = ?) ORDER BY o.id`, r.Gemeente, r.Wijk)
		if err != nil {
			return v, err
		}
		for _, sg := range voorelkaar.OffersFor(r, offers) {
			if !slices.ContainsFunc(ms, func(m Match) bool { return m.Offer.ID == sg.Offer.ID }) {
				sg.Offer, sg.Request = publicOffer(sg.Offer), publicRequest(sg.Request)
				v.Suggestions = append(v.Suggestions, sg)
			}
		}
	}
	if v.Matcher && r.ViaCoordinator {
		if err := s.auditHelpRead(ctx, p, RecHelpRequest, map[string][]string{r.Gemeente: {r.ID}}); err != nil {
			return v, err
		}
	}
	return v, s.auditHelpRead(ctx, p, RecHelpContact, read)
}

// OfferView is one offer as the viewer may see it.
type OfferView struct {
	Offer       voorelkaar.Offer
	Own         bool
	Matches     []Match
	Suggestions []voorelkaar.Suggestion // public requests it fits, for the owner
}

// HelpOffer reads one offer: public when open and not hidden (first name,
// no contact); the author sees their matches and suggestions.
func (s *Store) HelpOffer(ctx context.Context, p *auth.Principal, id string) (OfferView, error) {
	var v OfferView
	os, err := s.offersWhere(ctx, planReadQ{s}, `o.id = ?`, id)
	if err != nil {
		return v, err
	}
	if len(os) == 0 {
		return v, errs.E(errs.NotFound, "Dit aanbod bestaat niet (meer).")
	}
	o := os[0]
	v.Own = p != nil && o.AuthorID == p.UserID
	if !v.Own {
		if o.Status != voorelkaar.Open || o.Hidden {
			return v, errs.E(errs.NotFound, "Dit aanbod bestaat niet (meer).")
		}
		v.Offer = publicOffer(o)
		return v, nil
	}
	v.Offer = o
	ms, reqs, offs, err := s.matchesWhere(ctx, planReadQ{s}, `m.offer_id = ? ORDER BY m.created_at, m.id`, id)
	if err != nil {
		return v, err
	}
	read := map[string][]string{}
	for i := range ms {
		got, err := s.fillMatch(ctx, &ms[i], reqs[i], offs[i], "aanbod")
		if err != nil {
			return v, err
		}
		if got {
			read[o.Gemeente] = append(read[o.Gemeente], ms[i].ID)
		}
	}
	v.Matches = ms
	if o.Status == voorelkaar.Open && !o.Hidden && len(o.Wijken) > 0 {
		// Only the wijken and categories offered: Fits checks again, the
		// query keeps the rows read small.
		ph, args := in(o.Wijken)
		var cats []string
		for _, c := range o.Categories {
			cats = append(cats, string(c))
		}
		cph, cargs := in(cats)
		reqs, err := s.requestsWhere(ctx, planReadQ{s}, `r.gemeente = ? AND r.status = 'open' AND r.via_coordinator = 0 AND r.hidden_at IS NULL
			AND r.wijk IN (`+ph+`) AND r.category IN (`+cph+`) ORDER BY r.id`, append(append([]any{o.Gemeente}, args...), cargs...)...)
		if err != nil {
			return v, err
		}
		for _, sg := range voorelkaar.RequestsFor(o, reqs) {
			if !slices.ContainsFunc(ms, func(m Match) bool { return m.Request.ID == sg.Request.ID }) {
				sg.Offer, sg.Request = publicOffer(sg.Offer), publicRequest(sg.Request)
				v.Suggestions = append(v.Suggestions, sg)
			}
		}
	}
	return v, s.auditHelpRead(ctx, p, RecHelpContact, read)
}

// --- matching ---

func (s *Store) requestTx(ctx context.Context, tx *Tx, id string) (voorelkaar.Request, error) {
	rs, err := s.requestsWhere(ctx, tx, `r.id = ?`, id)
	if err != nil {
		return voorelkaar.Request{}, err
	}
	if len(rs) == 0 {
		return voorelkaar.Request{}, errs.E(errs.NotFound, "Deze hulpvraag bestaat niet (meer).")
	}
	return rs[0], nil
}

func (s *Store) offerTx(ctx context.Context, tx *Tx, id string) (voorelkaar.Offer, error) {
	os, err := s.offersWhere(ctx, tx, `o.id = ?`, id)
	if err != nil {
		return voorelkaar.Offer{}, err
	}
	if len(os) == 0 {
		return voorelkaar.Offer{}, errs.E(errs.NotFound, "Dit aanbod bestaat niet (meer).")
	}
	return os[0], nil
}

// lockHelp serialises changes to one request's matches on PostgreSQL.
func (s *Store) lockHelp(ctx context.Context, tx *Tx, requestID string) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext(?))", "naober-help:"+requestID)
	return err
}

// ProposeMatch proposes the offer for the request. The requester proposes
// from their request (their yes is given), the volunteer from their offer
// (their yes is given), a matcher of the wijk by hand (for a request
// without an account, the matcher's yes stands for the requester's). A
// volunteer never reaches a request via a coordinator. The other side
// hears it by e-mail. Proposing again is the same proposal.
func (s *Store) ProposeMatch(ctx context.Context, p *auth.Principal, requestID, offerID string) (string, error) {
	return s.ProposeMatchID(ctx, p, requestID, offerID, "")
}

// ProposeMatchID is ProposeMatch with the new match's id given ("" makes a
// random one; the demo gives its own, for a repeatable world).
func (s *Store) ProposeMatchID(ctx context.Context, p *auth.Principal, requestID, offerID, newID string) (string, error) {
	if p == nil {
		return "", errs.E(errs.Unauthorized, "Log in.")
	}
	var id string
	err := s.Tx(ctx, func(tx *Tx) error {
		if err := s.lockHelp(ctx, tx, requestID); err != nil {
			return err
		}
		r, err := s.requestTx(ctx, tx, requestID)
		if err != nil {
			return err
		}
		o, err := s.offerTx(ctx, tx, offerID)
		if err != nil {
			return err
		}
		matcher := voorelkaar.MatcherOf(p, r.Gemeente, r.Wijk)
		var rok, ook, byc int
		switch {
		case r.AuthorID != "" && r.AuthorID == p.UserID && !matcher:
			if r.ViaCoordinator {
				return errs.E(errs.Forbidden, "Deze hulpvraag loopt via de wijkcoördinator; die zoekt iemand die past.")
			}
			rok = 1
		case o.AuthorID == p.UserID:
			if !r.Public() {
				return errs.E(errs.NotFound, "Deze hulpvraag bestaat niet (meer), of is niet openbaar.")
			}
			ook = 1
		case matcher:
			byc = 1
			if r.AuthorID == "" {
				rok = 1
			}
		default:
			return errs.E(errs.Forbidden, "U kunt alleen uw eigen hulpvraag of aanbod koppelen.")
		}
		if r.Status != voorelkaar.Open || r.Hidden {
			return errs.E(errs.Conflict, "Deze hulpvraag is niet meer open.")
		}
		if byc == 1 {
			// By hand: the coordinator may look past days and categories, never past the gemeente, a closed offer or a VOG.
			if o.Gemeente != r.Gemeente || o.Status != voorelkaar.Open || o.Hidden || (r.VOG && !o.VOG) || o.AuthorID == r.AuthorID {
				return errs.E(errs.Conflict, "Dit aanbod past niet bij deze hulpvraag (gemeente, VOG of gesloten).")
			}
		} else if !voorelkaar.Fits(r, o) {
			return errs.E(errs.Conflict, "Dit aanbod past niet bij deze hulpvraag (wijk, soort hulp, tijd of VOG).")
		}
		var status string
		err = tx.QueryRow(ctx, `SELECT id, status FROM help_matches WHERE request_id = ? AND offer_id = ?`, requestID, offerID).Scan(&id, &status)
		switch {
		case err == nil:
			if status != voorelkaar.MatchProposed {
				return errs.E(errs.Conflict, "Deze koppeling is al %s.", status)
			}
			if _, err := tx.Exec(ctx, `UPDATE help_matches SET request_ok = CASE WHEN ? = 1 THEN 1 ELSE request_ok END, offer_ok = CASE WHEN ? = 1 THEN 1 ELSE offer_ok END WHERE id = ?`, rok, ook, id); err != nil {
				return err
			}
			return s.maybeAccept(ctx, tx, p, id)
		case !errs.Is(classify(err), errs.NotFound):
			return err
		}
		if id = newID; id == "" {
			id = secret.ID()
		}
		if _, err := tx.Exec(ctx, `INSERT INTO help_matches (id, gemeente, request_id, offer_id, status, request_ok, offer_ok, by_coordinator, created_at)
			VALUES (?, ?, ?, ?, 'voorgesteld', ?, ?, ?, ?)`, id, r.Gemeente, requestID, offerID, rok, ook, byc, s.ts(s.now())); err != nil {
			return err
		}
		body := "Er is een mogelijke koppeling voor voor elkaar: " + r.Category.Label() + " in de wijk.\n\n" +
			"Kijk op /voorelkaar/mijn en kies of u het wilt doen. Uw contactgegevens worden pas gedeeld als u allebei ja zegt.\n"
		if rok == 0 && r.AuthorID != "" {
			if _, err := s.NotifyUser(ctx, tx, r.AuthorID, r.Gemeente, "voorelkaar-voorstel", "Iemand wil u helpen: "+r.Category.Label(), body); err != nil {
				return err
			}
		}
		if ook == 0 {
			if _, err := s.NotifyUser(ctx, tx, o.AuthorID, o.Gemeente, "voorelkaar-voorstel", "Een hulpvraag die bij u past: "+r.Category.Label(), body); err != nil {
				return err
			}
		}
		if err := s.audit(ctx, tx, helpActor(p), auth.MatchHelp, audit.Create, r.Gemeente, RecHelpMatch, id); err != nil {
			return err
		}
		return s.maybeAccept(ctx, tx, p, id)
	})
	return id, err
}

// maybeAccept makes a match with both yeses accepted: the request is
// matched, its other proposals stop, and both sides hear that they can
// now see each other's contact details.
func (s *Store) maybeAccept(ctx context.Context, tx *Tx, p *auth.Principal, matchID string) error {
	var rid, oid, status string
	var rok, ook int
	if err := tx.QueryRow(ctx, `SELECT request_id, offer_id, status, request_ok, offer_ok FROM help_matches WHERE id = ?`, matchID).Scan(&rid, &oid, &status, &rok, &ook); err != nil {
		return err
	}
	if status != voorelkaar.MatchProposed || rok == 0 || ook == 0 {
		return nil
	}
	r, err := s.requestTx(ctx, tx, rid)
	if err != nil {
		return err
	}
	if r.Status != voorelkaar.Open {
		return errs.E(errs.Conflict, "Deze hulpvraag is intussen al gekoppeld of gesloten.")
	}
	o, err := s.offerTx(ctx, tx, oid)
	if err != nil {
		return err
	}
	now := s.ts(s.now())
	if _, err := tx.Exec(ctx, `UPDATE help_matches SET status = 'geaccepteerd', accepted_at = ?, decided_at = ? WHERE id = ?`, now, now, matchID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE help_matches SET status = 'gestopt', decided_at = ? WHERE request_id = ? AND id <> ? AND status = 'voorgesteld'`, now, rid, matchID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE help_requests SET status = 'matched', matched_at = ?, updated_at = ? WHERE id = ?`, now, now, rid); err != nil {
		return err
	}
	body := "U heeft allebei ja gezegd: " + r.Category.Label() + ".\n\nOp /voorelkaar/mijn ziet u nu hoe u elkaar bereikt. Spreek samen af wanneer en waar.\n"
	if r.AuthorID != "" {
		if _, err := s.NotifyUser(ctx, tx, r.AuthorID, r.Gemeente, "voorelkaar-contact", "Contactgegevens voor voor elkaar", body); err != nil {
			return err
		}
	}
	if _, err := s.NotifyUser(ctx, tx, o.AuthorID, o.Gemeente, "voorelkaar-contact", "Contactgegevens voor voor elkaar", body); err != nil {
		return err
	}
	return s.audit(ctx, tx, helpActor(p), auth.MatchHelp, audit.Update, r.Gemeente, RecHelpMatch, matchID)
}

// matchSide tells which side of the match p is in tx: "vraag" (the
// requester, or a matcher for a request without an account), "aanbod", or
// an error.
func (s *Store) matchSide(ctx context.Context, tx *Tx, p *auth.Principal, matchID string) (string, voorelkaar.Request, voorelkaar.Offer, string, error) {
	var rid, oid, status string
	err := tx.QueryRow(ctx, `SELECT request_id, offer_id, status FROM help_matches WHERE id = ?`, matchID).Scan(&rid, &oid, &status)
	if err != nil {
		if errs.Is(classify(err), errs.NotFound) {
			return "", voorelkaar.Request{}, voorelkaar.Offer{}, "", errs.E(errs.NotFound, "Deze koppeling bestaat niet.")
		}
		return "", voorelkaar.Request{}, voorelkaar.Offer{}, "", err
	}
	if err := s.lockHelp(ctx, tx, rid); err != nil {
		return "", voorelkaar.Request{}, voorelkaar.Offer{}, "", err
	}
	r, err := s.requestTx(ctx, tx, rid)
	if err != nil {
		return "", r, voorelkaar.Offer{}, "", err
	}
	o, err := s.offerTx(ctx, tx, oid)
	if err != nil {
		return "", r, o, "", err
	}
	switch {
	case r.AuthorID != "" && r.AuthorID == p.UserID:
		return "vraag", r, o, status, nil
	case o.AuthorID == p.UserID:
		return "aanbod", r, o, status, nil
	case r.AuthorID == "" && voorelkaar.MatcherOf(p, r.Gemeente, r.Wijk):
		return "vraag", r, o, status, nil
	}
	return "", r, o, status, errs.E(errs.NotFound, "Deze koppeling bestaat niet.")
}

// AnswerMatch records the side's yes or no. Two yeses release the contact
// details (see maybeAccept); a no ends the proposal and tells the other side.
func (s *Store) AnswerMatch(ctx context.Context, p *auth.Principal, matchID string, yes bool) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		side, r, o, status, err := s.matchSide(ctx, tx, p, matchID)
		if err != nil {
			return err
		}
		if status != voorelkaar.MatchProposed {
			return errs.E(errs.Conflict, "Op deze koppeling is al geantwoord.")
		}
		col := map[string]string{"vraag": "request_ok", "aanbod": "offer_ok"}[side]
		var said int
		if err := tx.QueryRow(ctx, `SELECT `+col+` FROM help_matches WHERE id = ?`, matchID).Scan(&said); err != nil {
			return err
		}
		if said == 1 && yes {
			return errs.E(errs.Conflict, "U zei al ja. We wachten op de ander.")
		}
		if yes {
			if _, err := tx.Exec(ctx, `UPDATE help_matches SET `+col+` = 1 WHERE id = ?`, matchID); err != nil {
				return err
			}
			return s.maybeAccept(ctx, tx, p, matchID)
		}
		if _, err := tx.Exec(ctx, `UPDATE help_matches SET status = 'afgewezen', decided_at = ? WHERE id = ?`, s.ts(s.now()), matchID); err != nil {
			return err
		}
		other := o.AuthorID
		if side == "aanbod" {
			other = r.AuthorID
		}
		if other != "" {
			if _, err := s.NotifyUser(ctx, tx, other, r.Gemeente, "voorelkaar-nee", "Een koppeling gaat niet door",
				"Een voorgestelde koppeling voor "+r.Category.Label()+" gaat niet door. Op /voorelkaar/mijn ziet u wie er nog meer past.\n"); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, helpActor(p), auth.MatchHelp, audit.Update, r.Gemeente, RecHelpMatch, matchID)
	})
}

// requestOwnerTx reads a request for a change by its author or a matcher.
func (s *Store) requestOwnerTx(ctx context.Context, tx *Tx, p *auth.Principal, id string) (voorelkaar.Request, error) {
	if p == nil {
		return voorelkaar.Request{}, errs.E(errs.Unauthorized, "Log in.")
	}
	if err := s.lockHelp(ctx, tx, id); err != nil {
		return voorelkaar.Request{}, err
	}
	r, err := s.requestTx(ctx, tx, id)
	if err != nil {
		return r, err
	}
	if !(r.AuthorID != "" && r.AuthorID == p.UserID) && !voorelkaar.MatcherOf(p, r.Gemeente, r.Wijk) && !s.prescriber(ctx, tx, p, r) {
		return r, errs.E(errs.NotFound, "Deze hulpvraag bestaat niet (meer).")
	}
	return r, nil
}

// prescriber reports whether p may act for the household a prescribed
// request is for (write its case: the regisseur and the team), e.g. to
// withdraw the request when the household no longer wants it.
func (s *Store) prescriber(ctx context.Context, tx *Tx, p *auth.Principal, r voorelkaar.Request) bool {
	if r.Origin != voorelkaar.OriginPrescription || !p.Can(auth.WritePersons, r.Gemeente) {
		return false
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM help_prescriptions WHERE request_id = ? AND gemeente = ?`, r.ID, r.Gemeente).Scan(&n)
	return err == nil && n == 1
}

// MarkHelpDone records that the help was given: the requester (or a
// matcher) says so. Both sides are asked for feedback.
func (s *Store) MarkHelpDone(ctx context.Context, p *auth.Principal, requestID string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		r, err := s.requestOwnerTx(ctx, tx, p, requestID)
		if err != nil {
			return err
		}
		if r.Status != voorelkaar.Matched {
			return errs.E(errs.Conflict, "Alleen een gekoppelde hulpvraag kan gedaan zijn.")
		}
		now := s.ts(s.now())
		if _, err := tx.Exec(ctx, `UPDATE help_requests SET status = 'done', done_at = ?, updated_at = ? WHERE id = ?`, now, now, requestID); err != nil {
			return err
		}
		var offerAuthor string
		if err := tx.QueryRow(ctx, `SELECT o.author_id FROM help_matches m JOIN help_offers o ON o.id = m.offer_id WHERE m.request_id = ? AND m.status = 'geaccepteerd'`, requestID).Scan(&offerAuthor); err != nil {
			return err
		}
		body := "De hulp bij " + r.Category.Label() + " is gedaan. Hoe ging het? Op /voorelkaar/mijn kunt u in een paar woorden (en met sterren) laten weten hoe het was.\n"
		for _, u := range []string{r.AuthorID, offerAuthor} {
			if u == "" {
				continue
			}
			if _, err := s.NotifyUser(ctx, tx, u, r.Gemeente, "voorelkaar-feedback", "Hoe ging het? "+r.Category.Label(), body); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, helpActor(p), auth.MatchHelp, audit.Update, r.Gemeente, RecHelpRequest, requestID)
	})
}

// CloseHelpRequest closes an open or matched request with a reason; its
// pending proposals stop.
func (s *Store) CloseHelpRequest(ctx context.Context, p *auth.Principal, requestID, reason string) error {
	reason, err := voorelkaar.ValidateReason("reden", reason)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		r, err := s.requestOwnerTx(ctx, tx, p, requestID)
		if err != nil {
			return err
		}
		if r.Status != voorelkaar.Open && r.Status != voorelkaar.Matched {
			return errs.E(errs.Conflict, "Deze hulpvraag is al %s.", strings.ToLower(voorelkaar.StateLabel(r.Status)))
		}
		now := s.ts(s.now())
		if _, err := tx.Exec(ctx, `UPDATE help_requests SET status = 'closed', close_reason = ?, updated_at = ? WHERE id = ?`, reason, now, requestID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE help_matches SET status = 'gestopt', decided_at = ? WHERE request_id = ? AND status = 'voorgesteld'`, now, requestID); err != nil {
			return err
		}
		if r.Origin == voorelkaar.OriginPrescription && p.Can(auth.WritePersons, r.Gemeente) {
			// Withdrawn from the plan: a write on the household's prescription.
			if err := s.audit(ctx, tx, Actor{P: p}, auth.WritePersons, audit.Update, r.Gemeente, RecHelpPrescription, requestID); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, helpActor(p), auth.MatchHelp, audit.Update, r.Gemeente, RecHelpRequest, requestID)
	})
}

// CloseHelpOffer closes the author's offer; its pending proposals stop.
func (s *Store) CloseHelpOffer(ctx context.Context, p *auth.Principal, offerID string) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		o, err := s.offerTx(ctx, tx, offerID)
		if err != nil {
			return err
		}
		if o.AuthorID != p.UserID {
			return errs.E(errs.NotFound, "Dit aanbod bestaat niet (meer).")
		}
		now := s.ts(s.now())
		if _, err := tx.Exec(ctx, `UPDATE help_offers SET status = 'closed', updated_at = ? WHERE id = ?`, now, offerID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE help_matches SET status = 'gestopt', decided_at = ? WHERE offer_id = ? AND status = 'voorgesteld'`, now, offerID); err != nil {
			return err
		}
		return s.audit(ctx, tx, helpActor(p), auth.MatchHelp, audit.Update, o.Gemeente, RecHelpOffer, offerID)
	})
}

// GiveFeedback records one side's feedback on an accepted match whose
// request is done; once per side.
func (s *Store) GiveFeedback(ctx context.Context, p *auth.Principal, matchID string, f *voorelkaar.Feedback) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	if err := f.Validate(); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		side, r, _, status, err := s.matchSide(ctx, tx, p, matchID)
		if err != nil {
			return err
		}
		if status != voorelkaar.MatchAccepted || r.Status != voorelkaar.Done {
			return errs.E(errs.Conflict, "Feedback kan als de hulp gedaan is.")
		}
		f.Side, f.At = side, s.now().UTC()
		if _, err := tx.Exec(ctx, `INSERT INTO help_feedback (match_id, side, rating, body, created_at) VALUES (?, ?, ?, ?, ?)`,
			matchID, side, f.Rating, f.Text, s.ts(f.At)); err != nil {
			if errs.Is(classify(err), errs.Conflict) {
				return errs.E(errs.Conflict, "U gaf al feedback op deze hulp.")
			}
			return err
		}
		return s.audit(ctx, tx, helpActor(p), auth.MatchHelp, audit.Create, r.Gemeente, RecHelpMatch, matchID)
	})
}

// --- reports and moderation ---

// ReportHelp records a verified resident's report of a public request or
// offer, for the wijk's coordinators (one open report per resident and post).
func (s *Store) ReportHelp(ctx context.Context, p *auth.Principal, kind, id, reason string) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log in om te melden.")
	}
	if p.Resident == nil || !p.Resident.Verified {
		return errs.E(errs.Forbidden, "Alleen bewoners met een bevestigd e-mailadres kunnen melden.")
	}
	reason, err := voorelkaar.ValidateReason("reden", reason)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		var gm string
		var wijken []string
		switch kind {
		case "vraag":
			r, err := s.requestTx(ctx, tx, id)
			if err != nil || !r.Public() {
				return errs.E(errs.NotFound, "Deze hulpvraag bestaat niet (meer).")
			}
			gm, wijken = r.Gemeente, []string{r.Wijk}
		case "aanbod":
			o, err := s.offerTx(ctx, tx, id)
			if err != nil || o.Hidden || o.Status != voorelkaar.Open {
				return errs.E(errs.NotFound, "Dit aanbod bestaat niet (meer).")
			}
			gm, wijken = o.Gemeente, o.Wijken
		default:
			return errs.E(errs.Invalid, "Onbekende soort melding.")
		}
		if err := s.lockUser(ctx, tx, p.UserID); err != nil {
			return err
		}
		var open, day int
		if err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM help_reports WHERE target_id = ? AND user_id = ? AND handled_at IS NULL),
			(SELECT COUNT(*) FROM help_reports WHERE user_id = ? AND created_at > ?)`, id, p.UserID, p.UserID, s.ts(s.now().Add(-24*time.Hour))).Scan(&open, &day); err != nil {
			return err
		}
		if open > 0 {
			return nil
		}
		if day >= 20 {
			return errs.E(errs.TooMany, "U heeft vandaag al %d meldingen gedaan. Morgen kunt u weer melden.", day)
		}
		// An offer for several wijken is reported to each wijk's coordinators.
		for _, w := range wijken {
			if _, err := tx.Exec(ctx, `INSERT INTO help_reports (id, gemeente, wijk, kind, target_id, user_id, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				secret.ID(), gm, w, kind, id, p.UserID, reason, s.ts(s.now())); err != nil {
				return err
			}
		}
		return nil
	})
}

// HelpReport is an open report as a coordinator sees it (not who reported).
type HelpReport struct {
	Kind     string
	TargetID string
	Text     string // the reported text
	Reason   string
	At       time.Time
}

// Coordination is what a matcher sees for one wijk.
type Coordination struct {
	Wijk     string
	Requests []CoordRequest
	Reports  []HelpReport
	Offers   int // open offers for the wijk
}

// CoordRequest is an open request with the offers that fit, best first.
type CoordRequest struct {
	Request     voorelkaar.Request
	Stale       bool // open longer than voorelkaar.StaleDays
	Days        int  // days open
	Proposed    int  // proposals waiting for an answer
	Suggestions []voorelkaar.Suggestion
	Prescribed  bool
}

// HelpCoordination lists a wijk's open requests (also those via the
// coordinator and prescriptions), oldest first with the stale ones
// flagged, the offers that fit each, and the open reports. Only for a
// matcher of the wijk; the read of requests via the coordinator is audited.
func (s *Store) HelpCoordination(ctx context.Context, a Actor, gemeente, wijk string) (Coordination, error) {
	c := Coordination{Wijk: wijk}
	if a.P == nil {
		return c, errs.E(errs.Unauthorized, "Log in.")
	}
	if !voorelkaar.MatcherOf(a.P, gemeente, wijk) {
		return c, errs.E(errs.Forbidden, "Alleen de coördinator van deze wijk ziet de hulpvragen die nog open staan.")
	}
	reqs, err := s.requestsWhere(ctx, planReadQ{s}, `r.gemeente = ? AND r.wijk = ? AND r.status = 'open' AND r.hidden_at IS NULL ORDER BY r.created_at, r.id`, gemeente, wijk)
	if err != nil {
		return c, err
	}
	offers, err := s.offersWhere(ctx, planReadQ{s}, `o.gemeente = ? AND o.status = 'open' AND o.hidden_at IS NULL
		AND o.id IN (SELECT offer_id FROM help_offer_wijken WHERE wijk = ?) ORDER BY o.id`, gemeente, wijk)
	if err != nil {
		return c, err
	}
	c.Offers = len(offers)
	now := s.now()
	var read []string
	for _, r := range reqs {
		cr := CoordRequest{Request: r, Prescribed: r.Origin == voorelkaar.OriginPrescription}
		cr.Days = int(now.Sub(r.Created).Hours() / 24)
		cr.Stale = cr.Days >= voorelkaar.StaleDays
		if err := s.queryRow(ctx, `SELECT COUNT(*) FROM help_matches WHERE request_id = ? AND status = 'voorgesteld'`, r.ID).Scan(&cr.Proposed); err != nil {
			return c, classify(err)
		}
		for _, sg := range voorelkaar.OffersFor(r, offers) {
			sg.Offer = publicOffer(sg.Offer)
			cr.Suggestions = append(cr.Suggestions, sg)
		}
		if r.ViaCoordinator {
			read = append(read, r.ID)
		} else {
			cr.Request.Contact = ""
		}
		c.Requests = append(c.Requests, cr)
	}
	rows, err := s.query(ctx, `SELECT hr.kind, hr.target_id, COALESCE(rq.body, ofr.body, ''), hr.reason, hr.created_at FROM help_reports hr
		LEFT JOIN help_requests rq ON hr.kind = 'vraag' AND rq.id = hr.target_id
		LEFT JOIN help_offers ofr ON hr.kind = 'aanbod' AND ofr.id = hr.target_id
		WHERE hr.gemeente = ? AND hr.wijk = ? AND hr.handled_at IS NULL ORDER BY hr.created_at`, gemeente, wijk)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var h HelpReport
		if err := rows.Scan(&h.Kind, &h.TargetID, &h.Text, &h.Reason, timeCol{&h.At}); err != nil {
			return c, err
		}
		if seen[h.TargetID] { // one line a post; the first reason stands for the others
			continue
		}
		seen[h.TargetID] = true
		c.Reports = append(c.Reports, h)
	}
	if err := rows.Err(); err != nil {
		return c, classify(err)
	}
	if len(read) == 0 {
		return c, nil
	}
	return c, s.Tx(ctx, func(tx *Tx) error {
		return s.audit(ctx, tx, a, auth.MatchHelp, audit.Read, gemeente, RecHelpRequest, read...)
	})
}

// HideHelp hides a request or offer with a reason (a coordinator of its
// wijk); open reports of it count as handled. Audited.
func (s *Store) HideHelp(ctx context.Context, a Actor, kind, id, reason string) error {
	reason, err := voorelkaar.ValidateReason("reden", reason)
	if err != nil {
		return err
	}
	return s.moderateHelp(ctx, a, kind, id, func(tx *Tx, table string) error {
		now := s.ts(s.now())
		if _, err := tx.Exec(ctx, `UPDATE `+table+` SET hidden_at = ?, hidden_reason = ?, updated_at = ? WHERE id = ?`, now, reason, now, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE help_matches SET status = 'gestopt', decided_at = ? WHERE `+map[string]string{"help_requests": "request_id", "help_offers": "offer_id"}[table]+` = ? AND status = 'voorgesteld'`, now, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE help_reports SET handled_at = ?, handled_by = ? WHERE target_id = ? AND handled_at IS NULL`, now, a.P.UserID, id)
		return err
	})
}

// DismissHelpReports marks the reports of a post handled without hiding it.
func (s *Store) DismissHelpReports(ctx context.Context, a Actor, kind, id string) error {
	return s.moderateHelp(ctx, a, kind, id, func(tx *Tx, table string) error {
		_, err := tx.Exec(ctx, `UPDATE help_reports SET handled_at = ?, handled_by = ? WHERE target_id = ? AND handled_at IS NULL`, s.ts(s.now()), a.P.UserID, id)
		return err
	})
}

func (s *Store) moderateHelp(ctx context.Context, a Actor, kind, id string, fn func(tx *Tx, table string) error) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		var gm string
		var wijken []string
		table, rec := "", ""
		switch kind {
		case "vraag":
			r, err := s.requestTx(ctx, tx, id)
			if err != nil {
				return err
			}
			gm, wijken, table, rec = r.Gemeente, []string{r.Wijk}, "help_requests", RecHelpRequest
		case "aanbod":
			o, err := s.offerTx(ctx, tx, id)
			if err != nil {
				return err
			}
			gm, wijken, table, rec = o.Gemeente, o.Wijken, "help_offers", RecHelpOffer
		default:
			return errs.E(errs.Invalid, "Onbekende soort.")
		}
		if !slices.ContainsFunc(wijken, func(w string) bool { return voorelkaar.MatcherOf(a.P, gm, w) }) {
			return errs.E(errs.Forbidden, "Alleen de coördinator van deze wijk mag dit doen.")
		}
		if err := fn(tx, table); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.MatchHelp, audit.Update, gm, rec, id)
	})
}

// notifyMatchers e-mails the wijk's coordinators who match help.
func (s *Store) notifyMatchers(ctx context.Context, tx *Tx, gemeente, wijk, subject, body string) error {
	rows, err := tx.Query(ctx, `SELECT c.user_id FROM coordinator_wijken c JOIN user_roles ur ON ur.user_id = c.user_id AND ur.gemeente = c.gemeente
		WHERE c.gemeente = ? AND c.wijk = ? AND ur.role = ? ORDER BY c.user_id`, gemeente, wijk, string(auth.Wijkcoordinator))
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
		if _, err := s.NotifyUser(ctx, tx, u, gemeente, "voorelkaar-coordinator", subject, body); err != nil {
			return err
		}
	}
	return nil
}

// --- prescribing ---

// Consent is the household's recorded consent to a prescription.
type Consent struct {
	Date people.Date
	How  string // "mondeling" or "schriftelijk"
}

// Prescription is a voor-elkaar request made from a plan action, as the
// household's professionals see it on the plan.
type Prescription struct {
	RequestID  string
	ActionID   string
	ActionText string
	Category   voorelkaar.Category
	FirstName  string
	Status     string
	Consent    Consent
	Created    time.Time
	MatchedAt  time.Time
	DoneAt     time.Time
	ByName     string
}

// PrescribeHelp turns an action of the household's current plan into a
// voor-elkaar request: never public, for the coordinators of the
// household's wijk, with only what the regisseur writes (category, time,
// a first name, a short text, an optional contact line the household
// agreed to share). The household's consent is required and recorded;
// the link to the household stays in help_prescriptions. Audited.
func (s *Store) PrescribeHelp(ctx context.Context, a Actor, householdID, actionID string, r *voorelkaar.Request, c Consent) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log in.")
	}
	var fe people.FieldErrors
	today := people.DateOf(s.now().In(people.Amsterdam()))
	if c.Date.IsZero() {
		fe.Add("toestemming_datum", "Vul in wanneer het huishouden toestemming gaf.")
	} else if today.Before(c.Date) {
		fe.Add("toestemming_datum", "De datum van de toestemming ligt in de toekomst.")
	}
	if c.How != "mondeling" && c.How != "schriftelijk" {
		fe.Add("toestemming", "Vraag het huishouden om toestemming en kies hoe die gegeven is (mondeling of schriftelijk).")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		gm, err := s.householdGemeente(ctx, tx, a, householdID)
		if err != nil {
			return err
		}
		if err := s.checkScope(a, auth.WritePersons, gm); err != nil {
			return err
		}
		var wijk string
		if err := tx.QueryRow(ctx, `SELECT wijk FROM households WHERE id = ?`, householdID).Scan(&wijk); err != nil {
			return err
		}
		cur, ok, err := s.currentPlan(ctx, tx, gm, householdID)
		if err != nil {
			return err
		}
		var action casework.Action
		if ok {
			if _, ac, found := cur.Action(actionID); found {
				action = *ac
			}
		}
		if action.ID == "" {
			return errs.E(errs.NotFound, "Deze actie staat niet in het huidige plan.")
		}
		r.Gemeente, r.Wijk, r.AuthorID, r.Origin, r.ViaCoordinator = gm, wijk, "", voorelkaar.OriginPrescription, true
		r.Organisation = "" // for a household, never an organisation
		if err := r.Validate(today); err != nil {
			if more, ok := people.AsFieldErrors(err); ok {
				fe = append(fe, more...)
			} else {
				return err
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := s.insertRequest(ctx, tx, r); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO help_prescriptions (request_id, gemeente, household_id, plan_action_id, action_text, consent_date, consent_how, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, gm, householdID, action.ID, action.Tekst, c.Date, c.How, a.P.UserID, s.ts(s.now())); err != nil {
			return err
		}
		if err := s.notifyMatchers(ctx, tx, gm, wijk, "Een voorgeschreven hulpvraag",
			"Een regisseur van het wijkteam vraagt voor elkaar-hulp voor iemand in uw wijk (niet openbaar). Kijk op /voorelkaar/beheer wie kan helpen.\n"); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, auth.WritePersons, audit.Create, gm, RecHelpPrescription, r.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.WritePersons, audit.Update, gm, RecPlan, cur.ID)
	})
}

// Prescriptions lists the household's voor-elkaar requests made from its
// plan, newest first, with whether each was matched and done. Audited.
func (s *Store) Prescriptions(ctx context.Context, a Actor, householdID string) ([]Prescription, error) {
	gm, err := s.zrmHouseholdGemeente(ctx, a, householdID)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT p.request_id, p.plan_action_id, p.action_text, r.category, r.first_name, r.status, p.consent_date, p.consent_how,
		p.created_at, r.matched_at, r.done_at, COALESCE(NULLIF(u.name, ''), u.email, '')
		FROM help_prescriptions p JOIN help_requests r ON r.id = p.request_id LEFT JOIN users u ON u.id = p.created_by
		WHERE p.household_id = ? AND p.gemeente = ? ORDER BY p.created_at DESC, p.request_id`, householdID, gm)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Prescription
	var ids []string
	for rows.Next() {
		var x Prescription
		var cat string
		if err := rows.Scan(&x.RequestID, &x.ActionID, &x.ActionText, &cat, &x.FirstName, &x.Status, &x.Consent.Date, &x.Consent.How,
			timeCol{&x.Created}, timeCol{&x.MatchedAt}, timeCol{&x.DoneAt}, &x.ByName); err != nil {
			return nil, err
		}
		x.Category = voorelkaar.Category(cat)
		out = append(out, x)
		ids = append(ids, x.RequestID)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	return out, s.auditRead(ctx, a, audit.Read, RecHelpPrescription, map[string][]string{gm: ids})
}

// --- the monitor ---

// HelpStats are voor elkaar's figures for one wijk.
type HelpStats struct {
	Requests          int // all requests ever posted (not hidden)
	Offers            int // all offers (not hidden)
	Matched           int // requests that were matched (also those done since)
	Done              int
	MedianToMatch     time.Duration
	Prescribed        int // requests from plans (derived from households: disclose with care)
	PrescribedMatched int // of which matched
	OrgRequests       int // requests on behalf of an organisation (not hidden)
	OrgOffers         int // offers on behalf of an organisation (not hidden)
}

// HelpStatsFor counts a wijk's voor elkaar. Counts of prescriptions come
// from case work: the caller applies the monitor's disclosure rule.
func (s *Store) HelpStatsFor(ctx context.Context, gemeente, wijk string) (HelpStats, error) {
	var st HelpStats
	err := s.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM help_requests WHERE gemeente = ? AND wijk = ? AND hidden_at IS NULL),
		(SELECT COUNT(*) FROM help_offers o WHERE o.gemeente = ? AND o.hidden_at IS NULL AND o.id IN (SELECT offer_id FROM help_offer_wijken WHERE wijk = ?)),
		(SELECT COUNT(*) FROM help_requests WHERE gemeente = ? AND wijk = ? AND hidden_at IS NULL AND matched_at IS NOT NULL),
		(SELECT COUNT(*) FROM help_requests WHERE gemeente = ? AND wijk = ? AND hidden_at IS NULL AND status = 'done'),
		(SELECT COUNT(*) FROM help_requests WHERE gemeente = ? AND wijk = ? AND origin = 'voorschrift'),
		(SELECT COUNT(*) FROM help_requests WHERE gemeente = ? AND wijk = ? AND origin = 'voorschrift' AND matched_at IS NOT NULL),
		(SELECT COUNT(*) FROM help_requests WHERE gemeente = ? AND wijk = ? AND hidden_at IS NULL AND organisation <> ''),
		(SELECT COUNT(*) FROM help_offers o WHERE o.gemeente = ? AND o.hidden_at IS NULL AND o.organisation <> '' AND o.id IN (SELECT offer_id FROM help_offer_wijken WHERE wijk = ?))`,
		gemeente, wijk, gemeente, wijk, gemeente, wijk, gemeente, wijk, gemeente, wijk, gemeente, wijk, gemeente, wijk, gemeente, wijk).
		Scan(&st.Requests, &st.Offers, &st.Matched, &st.Done, &st.Prescribed, &st.PrescribedMatched, &st.OrgRequests, &st.OrgOffers)
	if err != nil {
		return st, classify(err)
	}
	rows, err := s.query(ctx, `SELECT created_at, matched_at FROM help_requests WHERE gemeente = ? AND wijk = ? AND matched_at IS NOT NULL AND hidden_at IS NULL`, gemeente, wijk)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	var ds []time.Duration
	for rows.Next() {
		var a, b time.Time
		if err := rows.Scan(timeCol{&a}, timeCol{&b}); err != nil {
			return st, err
		}
		ds = append(ds, b.Sub(a))
	}
	st.MedianToMatch = voorelkaar.MedianDuration(ds)
	return st, classify(rows.Err())
}

// --- the resident's download and leaving ---

func init() {
	RegisterResidentExport("voor_elkaar", exportHelp)
	RegisterResidentDelete(deleteHelp)
}

type helpExport struct {
	Vragen    []helpExportRequest `json:"hulpvragen"`
	Aanbod    []helpExportOffer   `json:"aanbod"`
	Koppeling []helpExportMatch   `json:"koppelingen"`
	Meldingen []wishExportReport  `json:"meldingen"`
}

type helpExportRequest struct {
	ID       string    `json:"id"`
	Org      string    `json:"organisatie"`
	Wijk     string    `json:"wijk"`
	Soort    string    `json:"soort"`
	Dagen    []string  `json:"dagen"`
	Dagdelen []string  `json:"dagdelen"`
	Tekst    string    `json:"tekst"`
	Contact  string    `json:"contact"`
	Status   string    `json:"status"`
	ViaCoord bool      `json:"via_coordinator"`
	Op       time.Time `json:"geplaatst_op"`
}

type helpExportOffer struct {
	ID       string    `json:"id"`
	Org      string    `json:"organisatie"`
	Soorten  []string  `json:"soorten"`
	Dagen    []string  `json:"dagen"`
	Dagdelen []string  `json:"dagdelen"`
	Wijken   []string  `json:"wijken"`
	Tekst    string    `json:"tekst"`
	VOG      bool      `json:"vog"`
	VOGDatum string    `json:"vog_datum"`
	Telefoon string    `json:"telefoon"`
	Status   string    `json:"status"`
	Op       time.Time `json:"geplaatst_op"`
}

type helpExportMatch struct {
	ID       string                `json:"id"`
	Kant     string                `json:"kant"`
	Status   string                `json:"status"`
	Op       time.Time             `json:"voorgesteld_op"`
	Feedback []voorelkaar.Feedback `json:"feedback"`
}

func exportHelp(ctx context.Context, s *Store, userID string) (any, error) {
	out := helpExport{Vragen: []helpExportRequest{}, Aanbod: []helpExportOffer{}, Koppeling: []helpExportMatch{}, Meldingen: []wishExportReport{}}
	reqs, err := s.requestsWhere(ctx, planReadQ{s}, `r.author_id = ? ORDER BY r.created_at`, userID)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		out.Vragen = append(out.Vragen, helpExportRequest{r.ID, r.Organisation, r.Wijk, r.Category.Label(), r.Days, r.Parts, r.Text, r.Contact, voorelkaar.StateLabel(r.Status), r.ViaCoordinator, r.Created})
	}
	offers, err := s.offersWhere(ctx, planReadQ{s}, `o.author_id = ? ORDER BY o.created_at`, userID)
	if err != nil {
		return nil, err
	}
	for _, o := range offers {
		var cats []string
		for _, c := range o.Categories {
			cats = append(cats, c.Label())
		}
		vd := ""
		if !o.VOGDate.IsZero() {
			vd = o.VOGDate.ISO()
		}
		out.Aanbod = append(out.Aanbod, helpExportOffer{o.ID, o.Organisation, cats, o.Days, o.Parts, o.Wijken, o.Text, o.VOG, vd, o.Contact, voorelkaar.StateLabel(o.Status), o.Created})
	}
	ms, reqs2, _, err := s.matchesWhere(ctx, planReadQ{s}, `m.request_id IN (SELECT id FROM help_requests WHERE author_id = ?)
		OR m.offer_id IN (SELECT id FROM help_offers WHERE author_id = ?) ORDER BY m.created_at`, userID, userID)
	if err != nil {
		return nil, err
	}
	for i, m := range ms {
		side := "aanbod"
		if reqs2[i].AuthorID == userID {
			side = "vraag"
		}
		x := helpExportMatch{ID: m.ID, Kant: side, Status: m.Status, Op: m.Created, Feedback: []voorelkaar.Feedback{}}
		rows, err := s.query(ctx, `SELECT side, rating, body, created_at FROM help_feedback WHERE match_id = ? AND side = ?`, m.ID, side)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var f voorelkaar.Feedback
			if err := rows.Scan(&f.Side, &f.Rating, &f.Text, timeCol{&f.At}); err != nil {
				rows.Close()
				return nil, err
			}
			x.Feedback = append(x.Feedback, f)
		}
		rows.Close()
		out.Koppeling = append(out.Koppeling, x)
	}
	rows, err := s.query(ctx, `SELECT target_id, reason, created_at FROM help_reports WHERE user_id = ? ORDER BY created_at`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r wishExportReport
		if err := rows.Scan(&r.WensID, &r.Reden, timeCol{&r.Op}); err != nil {
			return nil, err
		}
		out.Meldingen = append(out.Meldingen, r)
	}
	return out, classify(rows.Err())
}

// deleteHelp runs when a resident leaves: open requests close, and every
// request of theirs loses its text and contact line (a matched or done
// request stays as a count for the monitor, without the person; one on
// behalf of an organisation keeps only that it was, as free text could
// name someone). Offers
// go with the users row (ON DELETE CASCADE), and so do their matches.
func deleteHelp(ctx context.Context, tx *Tx, userID string) error {
	if _, err := tx.Exec(ctx, `UPDATE help_matches SET status = 'gestopt' WHERE status = 'voorgesteld'
		AND request_id IN (SELECT id FROM help_requests WHERE author_id = ?)`, userID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE help_requests SET body = '', contact = '', first_name = 'Een oud-bewoner',
		organisation = CASE WHEN organisation <> '' THEN 'Een organisatie' ELSE '' END,
		status = CASE WHEN status IN ('open', 'matched') THEN 'closed' ELSE status END,
		close_reason = CASE WHEN status IN ('open', 'matched') THEN 'De bewoner heeft zijn account opgeheven.' ELSE close_reason END
		WHERE author_id = ?`, userID)
	return err
}

// StateLabel is the match state in Dutch.
func (m Match) StateLabel() string { return voorelkaar.MatchStateLabel(m.Status) }

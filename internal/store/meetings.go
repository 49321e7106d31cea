package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// Meetings (0013). Who registers: for a wijk meeting, verified residents
// of the meeting's gemeente (of any wijk: a meeting about the park is
// open to the neighbours across the street); for a network meeting,
// professionals of any gemeente. The capacity is kept by locking the
// meeting row for every change of its registrations (FOR UPDATE on
// PostgreSQL; SQLite has one writer), and one registration per person
// is the table's primary key. Lowering the capacity below the number
// registered is refused: nobody is thrown off silently.
//
// Registrations are personal data (who goes where): writes are audited
// as "bijeenkomst_aanmelding" with the meeting id, the organiser's read of
// the attendee list as "deelnemerslijst".

const meetingCols = `m.id, m.gemeente, m.kind, m.wijk, m.title, m.description, m.starts_at, m.ends_at, m.place, m.online_url, m.agenda,
	m.capacity, m.status, m.cancel_reason, m.report, m.report_at, m.sequence, COALESCE(m.created_by, ''), m.created_at, m.updated_at,
	(SELECT COUNT(*) FROM meeting_registrations r WHERE r.meeting_id = m.id AND r.state = 'aangemeld'),
	(SELECT COUNT(*) FROM meeting_registrations r WHERE r.meeting_id = m.id AND r.state = 'wachtlijst')`

func scanMeeting(sc interface{ Scan(...any) error }) (participation.Meeting, error) {
	var m participation.Meeting
	var agenda string
	err := sc.Scan(&m.ID, &m.Gemeente, &m.Kind, &m.Wijk, &m.Title, &m.Description, timeCol{&m.Start}, timeCol{&m.End}, &m.Place, &m.OnlineURL, &agenda,
		&m.Capacity, &m.Status, &m.CancelReason, &m.Report, timeCol{&m.ReportAt}, &m.Sequence, &m.CreatedBy, timeCol{&m.CreatedAt}, timeCol{&m.UpdatedAt},
		&m.Registered, &m.Waiting)
	m.Agenda = participation.ParseAgenda(agenda)
	return m, err
}

// RecRegistration and RecAttendees are the audit record types of meetings.
const (
	RecMeeting      = "bijeenkomst"
	RecRegistration = "bijeenkomst_aanmelding"
	RecAttendees    = "deelnemerslijst"
)

func (s *Store) meetings(ctx context.Context, where, order string, args ...any) ([]participation.Meeting, error) {
	rows, err := s.query(ctx, "SELECT "+meetingCols+" FROM meetings m WHERE "+where+" ORDER BY "+order, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []participation.Meeting{}
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, classify(rows.Err())
}

// MayView reports whether the principal may see the meeting at all: wijk
// meetings are public; network meetings are for professionals (of any
// gemeente) and for residents registered for one (none can be, but a
// role may be taken away).
func mayViewMeeting(p *auth.Principal, m participation.Meeting) bool {
	return m.Kind == participation.MeetingWijk || participation.IsProfessional(p)
}

// Meeting reads one meeting as the principal may see it (nil: anyone).
func (s *Store) Meeting(ctx context.Context, p *auth.Principal, id string) (participation.Meeting, error) {
	m, err := scanMeeting(s.queryRow(ctx, "SELECT "+meetingCols+" FROM meetings m WHERE m.id = ?", id))
	if err != nil {
		if errs.Is(classify(err), errs.NotFound) {
			return m, errs.E(errs.NotFound, "Deze bijeenkomst bestaat niet.")
		}
		return m, classify(err)
	}
	if !mayViewMeeting(p, m) {
		return participation.Meeting{}, errs.E(errs.NotFound, "Deze bijeenkomst bestaat niet, of is alleen voor medewerkers van gemeenten.")
	}
	return m, nil
}

// WijkMeetings lists the wijk meetings of a wijk that end at or after
// from, soonest first. Public.
func (s *Store) WijkMeetings(ctx context.Context, wijk string, from time.Time) ([]participation.Meeting, error) {
	return s.meetings(ctx, "m.kind = 'wijk' AND m.wijk = ? AND m.ends_at >= ?", "m.starts_at, m.id", wijk, s.ts(from))
}

// PastWijkMeetings lists the latest wijk meetings of a wijk that ended
// before the moment, newest first (for their reports).
func (s *Store) PastWijkMeetings(ctx context.Context, wijk string, before time.Time, limit int) ([]participation.Meeting, error) {
	return s.meetings(ctx, "m.kind = 'wijk' AND m.wijk = ? AND m.ends_at < ?", fmt.Sprintf("m.starts_at DESC, m.id LIMIT %d", limit), wijk, s.ts(before))
}

// NetworkMeetings lists network meetings of every gemeente for a
// professional: those ending at or after from soonest first, then up to
// ten past ones newest first.
func (s *Store) NetworkMeetings(ctx context.Context, p *auth.Principal, from time.Time) (upcoming, past []participation.Meeting, err error) {
	if !participation.IsProfessional(p) {
		return nil, nil, errs.E(errs.Forbidden, "Netwerkbijeenkomsten zijn voor medewerkers van gemeenten.")
	}
	if upcoming, err = s.meetings(ctx, "m.kind = 'netwerk' AND m.ends_at >= ?", "m.starts_at, m.id", s.ts(from)); err != nil {
		return nil, nil, err
	}
	past, err = s.meetings(ctx, "m.kind = 'netwerk' AND m.ends_at < ?", "m.starts_at DESC, m.id LIMIT 10", s.ts(from))
	return upcoming, past, err
}

// OrganisedMeetings lists the meetings the principal may organise, newest
// start first.
func (s *Store) OrganisedMeetings(ctx context.Context, p *auth.Principal) ([]participation.Meeting, error) {
	gms := p.Gemeenten(auth.ManageMeetings)
	if len(gms) == 0 {
		return nil, errs.E(errs.Forbidden, "U organiseert geen bijeenkomsten.")
	}
	ph, args := in(gms)
	all, err := s.meetings(ctx, "m.gemeente IN ("+ph+")", "m.starts_at DESC, m.id", args...)
	if err != nil {
		return nil, err
	}
	out := []participation.Meeting{}
	for _, m := range all {
		if participation.MayOrganise(p, m.Gemeente, m.Kind, m.Wijk) {
			out = append(out, m)
		}
	}
	return out, nil
}

func (s *Store) lockMeeting(ctx context.Context, tx *Tx, id string) (participation.Meeting, error) {
	// Lock the bare row first (PostgreSQL refuses FOR UPDATE with the
	// aggregate subqueries), then read it whole.
	var got string
	if err := tx.QueryRow(ctx, "SELECT id FROM meetings WHERE id = ?"+s.forUpdate(), id).Scan(&got); err != nil {
		if errs.Is(classify(err), errs.NotFound) {
			return participation.Meeting{}, errs.E(errs.NotFound, "Deze bijeenkomst bestaat niet.")
		}
		return participation.Meeting{}, err
	}
	return scanMeeting(tx.QueryRow(ctx, "SELECT "+meetingCols+" FROM meetings m WHERE m.id = ?", id))
}

func mayOrganise(a Actor, m participation.Meeting) error {
	if a.P == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	if !participation.MayOrganise(a.P, m.Gemeente, m.Kind, m.Wijk) {
		if m.Kind == participation.MeetingNetwerk {
			return errs.E(errs.Forbidden, "Netwerkbijeenkomsten worden georganiseerd door beleidsmedewerkers van de gemeente.")
		}
		return errs.E(errs.Forbidden, "Alleen wijkcoördinatoren van deze wijk organiseren hier bijeenkomsten.")
	}
	return nil
}

// CreateMeeting plans a meeting. A wijk meeting's gemeente follows from
// its wijk; a network meeting's is given (one of the organiser's).
func (s *Store) CreateMeeting(ctx context.Context, a Actor, m *participation.Meeting) error {
	if m.Kind == participation.MeetingWijk && s.wijkGemeente != nil {
		gm, ok := s.wijkGemeente(m.Wijk)
		if !ok && m.Wijk != "" {
			return people.FieldErrors{{Field: "wijk", Message: "Deze wijk bestaat niet."}}
		}
		m.Gemeente = gm
	}
	m.Status, m.CancelReason, m.Report, m.ReportAt, m.Sequence = participation.MeetingGepland, "", "", time.Time{}, 0
	if err := m.Validate(); err != nil {
		return err
	}
	if m.Gemeente == "" {
		return people.FieldErrors{{Field: "gemeente", Message: "Kies de gemeente die de bijeenkomst organiseert."}}
	}
	if err := mayOrganise(a, *m); err != nil {
		return err
	}
	if m.ID == "" { // the demo sets its own, for a repeatable world
		m.ID = secret.ID()
	}
	now := s.now().UTC()
	m.CreatedBy, m.CreatedAt, m.UpdatedAt = a.P.UserID, now, now
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO meetings (id, gemeente, kind, wijk, title, description, starts_at, ends_at, place, online_url, agenda, capacity,
			status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.Gemeente, string(m.Kind), m.Wijk, m.Title, m.Description, s.ts(m.Start), s.ts(m.End), m.Place, m.OnlineURL, m.AgendaText(), m.Capacity,
			string(m.Status), m.CreatedBy, s.ts(now), s.ts(now))
		if err != nil {
			if strings.Contains(err.Error(), "FOREIGN KEY") || strings.Contains(err.Error(), "foreign key") {
				return errs.E(errs.Invalid, "De gemeente %s wordt niet door deze server bediend.", m.Gemeente)
			}
			return err
		}
		return s.audit(ctx, tx, a, auth.ManageMeetings, audit.Create, m.Gemeente, RecMeeting, m.ID)
	})
}

// UpdateMeeting changes a planned meeting's title, text, time, place,
// link, agenda and capacity (not its kind, wijk or gemeente). A new time
// or place is mailed to everyone registered or waiting. A capacity below
// the number registered is refused; a higher one moves the waiting list up.
func (s *Store) UpdateMeeting(ctx context.Context, a Actor, upd participation.Meeting, base string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		m, err := s.lockMeeting(ctx, tx, upd.ID)
		if err != nil {
			return err
		}
		if err := mayOrganise(a, m); err != nil {
			return err
		}
		if m.Status == participation.MeetingAfgelast {
			return errs.E(errs.Conflict, "Deze bijeenkomst is afgelast en verandert niet meer.")
		}
		upd.Gemeente, upd.Kind, upd.Wijk = m.Gemeente, m.Kind, m.Wijk
		if err := upd.Validate(); err != nil {
			return err
		}
		if upd.Capacity > 0 && upd.Capacity < m.Registered {
			return people.FieldErrors{{Field: "capaciteit", Message: fmt.Sprintf(
				"Er zijn al %d mensen aangemeld. Minder plaatsen dan dat kan niet: niemand wordt zomaar afgemeld. Meld mensen eerst af of laat het aantal staan.", m.Registered)}}
		}
		moved := !upd.Start.Equal(m.Start) || !upd.End.Equal(m.End) || upd.Place != m.Place || upd.OnlineURL != m.OnlineURL
		seq := m.Sequence
		if moved {
			seq++
		}
		now := s.now().UTC()
		if _, err := tx.Exec(ctx, `UPDATE meetings SET title = ?, description = ?, starts_at = ?, ends_at = ?, place = ?, online_url = ?, agenda = ?,
			capacity = ?, sequence = ?, updated_at = ? WHERE id = ?`, upd.Title, upd.Description, s.ts(upd.Start), s.ts(upd.End), upd.Place, upd.OnlineURL,
			upd.AgendaText(), upd.Capacity, seq, s.ts(now), m.ID); err != nil {
			return err
		}
		if moved {
			// Reminders follow the new date.
			if _, err := tx.Exec(ctx, "UPDATE meeting_registrations SET reminded_at = NULL WHERE meeting_id = ?", m.ID); err != nil {
				return err
			}
			body := fmt.Sprintf("De bijeenkomst %q is gewijzigd.\n\n%s\n\nU staat %s.\n\nMeer informatie: %s\n",
				upd.Title, whenWhere(upd), "ingeschreven voor deze bijeenkomst (aangemeld of op de wachtlijst)", meetingLink(base, m.ID))
			if err := s.notifyRegistered(ctx, tx, m, "", "bijeenkomst-gewijzigd", "Gewijzigd: "+upd.Title, body); err != nil {
				return err
			}
		}
		upd.Registered = m.Registered
		if err := s.fillFromWaitingList(ctx, tx, upd, base); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ManageMeetings, audit.Update, m.Gemeente, RecMeeting, m.ID)
	})
}

// CancelMeeting calls a planned meeting off with a reason, and mails
// everyone registered or waiting.
func (s *Store) CancelMeeting(ctx context.Context, a Actor, id, reason, base string) error {
	reason, err := participation.CheckCancelReason(reason)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		m, err := s.lockMeeting(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := mayOrganise(a, m); err != nil {
			return err
		}
		if m.StatusAt(s.now()) != participation.MeetingGepland {
			return errs.E(errs.Conflict, "Alleen een geplande bijeenkomst die nog niet voorbij is, kan worden afgelast.")
		}
		if _, err := tx.Exec(ctx, "UPDATE meetings SET status = 'afgelast', cancel_reason = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?",
			reason, s.ts(s.now()), m.ID); err != nil {
			return err
		}
		body := fmt.Sprintf("De bijeenkomst %q op %s gaat niet door.\n\nReden: %s\n\nMeer informatie: %s\n", m.Title, whenText(m), reason, meetingLink(base, m.ID))
		if err := s.notifyRegistered(ctx, tx, m, "", "bijeenkomst-afgelast", "Afgelast: "+m.Title, body); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ManageMeetings, audit.Update, m.Gemeente, RecMeeting, m.ID)
	})
}

// WriteReport stores (or replaces) the report of a meeting that has begun.
func (s *Store) WriteReport(ctx context.Context, a Actor, id, text string) error {
	text, err := participation.CheckReport(text)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		m, err := s.lockMeeting(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := mayOrganise(a, m); err != nil {
			return err
		}
		if m.Status == participation.MeetingAfgelast {
			return errs.E(errs.Conflict, "Een afgelaste bijeenkomst heeft geen verslag.")
		}
		if !m.Started(s.now()) {
			return errs.E(errs.Conflict, "Een verslag schrijft u als de bijeenkomst begonnen is.")
		}
		if _, err := tx.Exec(ctx, "UPDATE meetings SET report = ?, report_at = ?, updated_at = ? WHERE id = ?", text, s.ts(s.now()), s.ts(s.now()), m.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auth.ManageMeetings, audit.Update, m.Gemeente, RecMeeting, m.ID)
	})
}

// mayRegister checks, from the database (not the session, which may be
// older than a move or a role taken away), whether the user may register.
func (s *Store) mayRegister(ctx context.Context, tx *Tx, userID string, m participation.Meeting) error {
	var n int
	switch m.Kind {
	case participation.MeetingWijk:
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM residents r JOIN users u ON u.id = r.user_id
			WHERE r.user_id = ? AND r.gemeente = ? AND r.verified_at IS NOT NULL AND u.disabled = 0`, userID, m.Gemeente).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.E(errs.Forbidden, "Alleen inwoners van de gemeente met een bevestigd e-mailadres melden zich aan voor een wijkbijeenkomst.")
		}
	case participation.MeetingNetwerk:
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE ur.user_id = ? AND u.disabled = 0`,
			userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.E(errs.Forbidden, "Alleen medewerkers van gemeenten melden zich aan voor een netwerkbijeenkomst.")
		}
	}
	return nil
}

// reminderDue reports whether the day-before reminder for a meeting is
// due at now: from the start of the calendar day before the meeting
// (Europe/Amsterdam) until it begins.
func reminderDue(m participation.Meeting, now time.Time) bool {
	loc := people.Amsterdam()
	st := m.Start.In(loc)
	from := time.Date(st.Year(), st.Month(), st.Day()-1, 0, 0, 0, 0, loc)
	return !now.Before(from) && now.Before(m.Start)
}

// Register registers the signed-in user for a meeting: registered while
// there is room, else on the waiting list. Registering twice changes
// nothing and returns the standing registration.
func (s *Store) Register(ctx context.Context, p *auth.Principal, meetingID string) (participation.Registration, error) {
	var reg participation.Registration
	if p == nil {
		return reg, errs.E(errs.Unauthorized, "Log eerst in om u aan te melden.")
	}
	err := s.Tx(ctx, func(tx *Tx) error {
		m, err := s.lockMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if !mayViewMeeting(p, m) {
			return errs.E(errs.NotFound, "Deze bijeenkomst bestaat niet.")
		}
		if err := s.mayRegister(ctx, tx, p.UserID, m); err != nil {
			return err
		}
		if existing, ok, err := s.registration(ctx, tx, m.ID, p.UserID); err != nil || ok {
			reg = existing
			return err
		}
		now := s.now().UTC()
		if !m.Open(now) {
			return errs.E(errs.Conflict, "Aanmelden kan niet meer: de bijeenkomst is begonnen, voorbij of afgelast.")
		}
		state := participation.RegAangemeld
		if m.Capacity > 0 && m.Registered >= m.Capacity {
			state = participation.RegWachtlijst
		}
		var seq int
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_registrations WHERE meeting_id = ?", m.ID).Scan(&seq); err != nil {
			return err
		}
		// Registering within the reminder window needs no reminder: the
		// page just confirmed it.
		var reminded any
		if reminderDue(m, now) {
			reminded = s.ts(now)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO meeting_registrations (meeting_id, user_id, seq, state, created_at, reminded_at) VALUES (?, ?, ?, ?, ?, ?)`,
			m.ID, p.UserID, seq, string(state), s.ts(now), reminded); err != nil {
			return err
		}
		if reg, _, err = s.registration(ctx, tx, m.ID, p.UserID); err != nil {
			return err
		}
		return s.audit(ctx, tx, Actor{P: p, Purpose: "aanmelding"}, auth.ManageMeetings, audit.Create, m.Gemeente, RecRegistration, m.ID)
	})
	return reg, err
}

// registration reads one user's registration with their place on the
// waiting list.
func (s *Store) registration(ctx context.Context, tx *Tx, meetingID, userID string) (participation.Registration, bool, error) {
	qr := s.queryRow
	if tx != nil {
		qr = tx.QueryRow
	}
	reg := participation.Registration{MeetingID: meetingID}
	var seq int
	err := qr(ctx, "SELECT state, seq, created_at, moved_up_at FROM meeting_registrations WHERE meeting_id = ? AND user_id = ?", meetingID, userID).
		Scan(&reg.State, &seq, timeCol{&reg.Created}, timeCol{&reg.MovedUpAt})
	if errs.Is(classify(err), errs.NotFound) {
		return reg, false, nil
	}
	if err != nil {
		return reg, false, classify(err)
	}
	if reg.State == participation.RegWachtlijst {
		if err := qr(ctx, "SELECT COUNT(*) FROM meeting_registrations WHERE meeting_id = ? AND state = 'wachtlijst' AND seq <= ?", meetingID, seq).Scan(&reg.Position); err != nil {
			return reg, false, classify(err)
		}
	}
	return reg, true, nil
}

// MyRegistration returns the signed-in user's registration for a meeting.
func (s *Store) MyRegistration(ctx context.Context, p *auth.Principal, meetingID string) (participation.Registration, bool, error) {
	if p == nil {
		return participation.Registration{}, false, nil
	}
	return s.registration(ctx, nil, meetingID, p.UserID)
}

// CancelRegistration takes the signed-in user off a meeting (registered or
// waiting). When a place comes free, the first on the waiting list moves
// up in the same transaction and is told by e-mail.
func (s *Store) CancelRegistration(ctx context.Context, p *auth.Principal, meetingID, base string) error {
	if p == nil {
		return errs.E(errs.Unauthorized, "Log eerst in.")
	}
	return s.Tx(ctx, func(tx *Tx) error {
		m, err := s.lockMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		ok, err := s.cancelRegistration(ctx, tx, m, p.UserID, base)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.NotFound, "U bent niet aangemeld voor deze bijeenkomst.")
		}
		return s.audit(ctx, tx, Actor{P: p, Purpose: "aanmelding"}, auth.ManageMeetings, audit.Delete, m.Gemeente, RecRegistration, m.ID)
	})
}

// cancelRegistration removes a registration in a transaction that holds
// the meeting's lock, and fills the place from the waiting list.
func (s *Store) cancelRegistration(ctx context.Context, tx *Tx, m participation.Meeting, userID, base string) (bool, error) {
	var state string
	err := tx.QueryRow(ctx, "SELECT state FROM meeting_registrations WHERE meeting_id = ? AND user_id = ?", m.ID, userID).Scan(&state)
	if errs.Is(classify(err), errs.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM meeting_registrations WHERE meeting_id = ? AND user_id = ?", m.ID, userID); err != nil {
		return false, err
	}
	if state == string(participation.RegAangemeld) {
		m.Registered--
	}
	if m.StatusAt(s.now()) != participation.MeetingGepland || !m.Open(s.now()) {
		return true, nil // nobody moves up for a meeting that has begun
	}
	return true, s.fillFromWaitingList(ctx, tx, m, base)
}

// fillFromWaitingList moves the first on the waiting list up while there
// is room (m.Registered is the current count), and mails each.
func (s *Store) fillFromWaitingList(ctx context.Context, tx *Tx, m participation.Meeting, base string) error {
	if !m.Open(s.now()) {
		return nil
	}
	for m.Capacity == 0 || m.Registered < m.Capacity {
		var uid string
		err := tx.QueryRow(ctx, "SELECT user_id FROM meeting_registrations WHERE meeting_id = ? AND state = 'wachtlijst' ORDER BY seq LIMIT 1", m.ID).Scan(&uid)
		if errs.Is(classify(err), errs.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE meeting_registrations SET state = 'aangemeld', moved_up_at = ? WHERE meeting_id = ? AND user_id = ?",
			s.ts(s.now()), m.ID, uid); err != nil {
			return err
		}
		m.Registered++
		body := fmt.Sprintf("Goed nieuws: er is een plaats vrijgekomen bij de bijeenkomst %q. U stond op de wachtlijst en bent nu aangemeld.\n\n%s\n\nKunt u toch niet? Meld u dan af, zodat een ander uw plaats krijgt: %s\n",
			m.Title, whenWhere(m), meetingLink(base, m.ID))
		if _, err := s.NotifyUser(ctx, tx, uid, m.Gemeente, "bijeenkomst-plaats", "U bent aangemeld: "+m.Title, body); err != nil {
			return err
		}
	}
	return nil
}

// notifyRegistered mails everyone registered or waiting for the meeting
// (each by their own preference), except one user.
func (s *Store) notifyRegistered(ctx context.Context, tx *Tx, m participation.Meeting, except, kind, subject, body string) error {
	users, err := txStrings(ctx, tx, "SELECT user_id FROM meeting_registrations WHERE meeting_id = ? ORDER BY seq", m.ID)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u == except {
			continue
		}
		if _, err := s.NotifyUser(ctx, tx, u, m.Gemeente, kind, subject, body); err != nil {
			return err
		}
	}
	return nil
}

func txStrings(ctx context.Context, tx *Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// linkBase is the public address WithLinkBase put in ctx, or "".
func linkBase(ctx context.Context) string {
	b, _ := ctx.Value(linkBaseKey{}).(string)
	return b
}

func meetingLink(base, id string) string {
	return strings.TrimRight(base, "/") + "/bijeenkomsten/" + id
}

var dutchDays = [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}
var dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// MeetingWhen is the meeting's time in words, Europe/Amsterdam:
// "dinsdag 8 december 2026, 19:30 tot 21:00".
func MeetingWhen(m participation.Meeting) string { return whenText(m) }

func whenText(m participation.Meeting) string {
	loc := people.Amsterdam()
	st, en := m.Start.In(loc), m.End.In(loc)
	s := fmt.Sprintf("%s %d %s %d, %s tot ", dutchDays[st.Weekday()], st.Day(), dutchMonths[st.Month()-1], st.Year(), st.Format("15:04"))
	if en.YearDay() != st.YearDay() || en.Year() != st.Year() {
		s += fmt.Sprintf("%s %d %s ", dutchDays[en.Weekday()], en.Day(), dutchMonths[en.Month()-1])
	}
	return s + en.Format("15:04")
}

func whenWhere(m participation.Meeting) string {
	s := "Wanneer: " + whenText(m)
	if m.Place != "" {
		s += "\nWaar: " + m.Place
	}
	if m.OnlineURL != "" {
		s += "\nOnline: " + m.OnlineURL
	}
	return s
}

// Attendees is the organiser's list of who registered and who waits,
// display names only, in order. The read is audited before it returns.
func (s *Store) Attendees(ctx context.Context, a Actor, meetingID string) ([]participation.Attendee, error) {
	m, err := s.Meeting(ctx, a.P, meetingID)
	if err != nil {
		return nil, err
	}
	if err := mayOrganise(a, m); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT COALESCE(NULLIF(r.display_name, ''), NULLIF(u.name, ''), 'naam onbekend'), mr.state
		FROM meeting_registrations mr JOIN users u ON u.id = mr.user_id LEFT JOIN residents r ON r.user_id = mr.user_id
		WHERE mr.meeting_id = ? ORDER BY mr.state, mr.seq`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []participation.Attendee{}
	waiting := 0
	for rows.Next() {
		var at participation.Attendee
		if err := rows.Scan(&at.Name, &at.State); err != nil {
			return nil, err
		}
		if at.State == participation.RegWachtlijst {
			waiting++
			at.Position = waiting
		}
		out = append(out, at)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		return s.audit(ctx, tx, a, auth.ManageMeetings, audit.Read, m.Gemeente, RecAttendees, m.ID)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MyMeeting is one of a user's meetings with their registration.
type MyMeeting struct {
	Meeting      participation.Meeting
	Registration participation.Registration
}

// MyMeetings lists the user's registrations, soonest meeting first.
func (s *Store) MyMeetings(ctx context.Context, userID string) ([]MyMeeting, error) {
	ms, err := s.meetings(ctx, "m.id IN (SELECT meeting_id FROM meeting_registrations WHERE user_id = ?)", "m.starts_at, m.id", userID)
	if err != nil {
		return nil, err
	}
	out := []MyMeeting{}
	for _, m := range ms {
		reg, ok, err := s.registration(ctx, nil, m.ID, userID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, MyMeeting{Meeting: m, Registration: reg})
		}
	}
	return out, nil
}

// SendMeetingReminders queues the day-before reminder for every
// registration of a planned meeting that is due and not reminded yet, and
// marks it reminded in the same transaction: each reminder goes once, also
// with several processes (only the one whose update hits the row mails).
func (s *Store) SendMeetingReminders(ctx context.Context, base string) (int, error) {
	now := s.now().UTC()
	// Candidates: meetings starting within the next two days (a wide net;
	// reminderDue decides per meeting in Amsterdam time).
	ms, err := s.meetings(ctx, "m.status = 'gepland' AND m.starts_at > ? AND m.starts_at <= ?", "m.starts_at, m.id", s.ts(now), s.ts(now.Add(49*time.Hour)))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ms {
		if !reminderDue(m, now) {
			continue
		}
		err := s.Tx(ctx, func(tx *Tx) error {
			users, err := txStrings(ctx, tx, "SELECT user_id FROM meeting_registrations WHERE meeting_id = ? AND state = 'aangemeld' AND reminded_at IS NULL ORDER BY seq", m.ID)
			if err != nil {
				return err
			}
			body := fmt.Sprintf("Een herinnering: u bent aangemeld voor de bijeenkomst %q.\n\n%s\n\nKunt u niet? Meld u dan af, zodat iemand van de wachtlijst uw plaats krijgt: %s\n",
				m.Title, whenWhere(m), meetingLink(base, m.ID))
			for _, u := range users {
				res, err := tx.Exec(ctx, "UPDATE meeting_registrations SET reminded_at = ? WHERE meeting_id = ? AND user_id = ? AND reminded_at IS NULL", s.ts(now), m.ID, u)
				if err != nil {
					return err
				}
				if k, _ := res.RowsAffected(); k != 1 {
					continue
				}
				// A reminder is due now, whatever the digest preference.
				ok, err := s.notifyNow(ctx, tx, u, m.Gemeente, "bijeenkomst-herinnering", "Morgen: "+m.Title, body)
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// notifyNow queues a mail that would be too late in tomorrow's digest:
// sent directly to anyone who wants mail at all (notify none: nothing).
func (s *Store) notifyNow(ctx context.Context, tx *Tx, userID, gemeente, kind, subject, body string) (bool, error) {
	var email string
	var notify sql.NullString
	err := tx.QueryRow(ctx, "SELECT u.email, r.notify FROM users u LEFT JOIN residents r ON r.user_id = u.id WHERE u.id = ? AND u.disabled = 0", userID).Scan(&email, &notify)
	if errs.Is(classify(err), errs.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if notify.Valid && notify.String == NotifyNone {
		return false, nil
	}
	return true, s.Enqueue(ctx, tx, Mail{Gemeente: gemeente, UserID: userID, To: email, Subject: subject, Body: body, Kind: kind})
}

// NewMeetingFeed makes a secret link for the user's personal calendar of
// registrations, replacing an earlier one; only its hash is kept.
func (s *Store) NewMeetingFeed(ctx context.Context, userID string) (string, error) {
	token := secret.Token()
	err := s.Tx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM meeting_feeds WHERE user_id = ?", userID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO meeting_feeds (token_hash, user_id, created_at) VALUES (?, ?, ?)", secret.TokenHash(token), userID, s.ts(s.now()))
		return err
	})
	return token, err
}

// HasMeetingFeed reports whether the user has a calendar link.
func (s *Store) HasMeetingFeed(ctx context.Context, userID string) (bool, error) {
	var n int
	err := s.queryRow(ctx, "SELECT COUNT(*) FROM meeting_feeds WHERE user_id = ?", userID).Scan(&n)
	return n > 0, classify(err)
}

// RevokeMeetingFeed stops the user's calendar link.
func (s *Store) RevokeMeetingFeed(ctx context.Context, userID string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM meeting_feeds WHERE user_id = ?", userID)
		return err
	})
}

// MeetingFeed returns the meetings behind a calendar link: the user's
// registrations (registered ones only; the waiting list is not in a
// calendar), or NotFound for an unknown link.
func (s *Store) MeetingFeed(ctx context.Context, token string) ([]participation.Meeting, error) {
	var userID string
	if err := s.queryRow(ctx, "SELECT user_id FROM meeting_feeds WHERE token_hash = ?", secret.TokenHash(token)).Scan(&userID); err != nil {
		if errs.Is(classify(err), errs.NotFound) {
			return nil, errs.E(errs.NotFound, "Deze agendalink bestaat niet (meer).")
		}
		return nil, classify(err)
	}
	return s.meetings(ctx, "m.id IN (SELECT meeting_id FROM meeting_registrations WHERE user_id = ? AND state = 'aangemeld')", "m.starts_at, m.id", userID)
}

// What meetings hold about a resident: their registrations in the
// download; on account deletion each registration is cancelled the usual
// way first, so the waiting list moves up (and the next person is told).
func init() {
	RegisterResidentExport("bijeenkomsten", exportRows(`SELECT m.id, m.title, m.starts_at, r.state, r.created_at, r.moved_up_at, r.reminded_at
		FROM meeting_registrations r JOIN meetings m ON m.id = r.meeting_id WHERE r.user_id = ? ORDER BY r.created_at, m.id`,
		"bijeenkomst", "titel", "begin", "status", "aangemeld_op", "doorgeschoven_op", "herinnerd_op"))
	RegisterResidentDelete(func(ctx context.Context, tx *Tx, userID string) error {
		ids, err := txStrings(ctx, tx, "SELECT meeting_id FROM meeting_registrations WHERE user_id = ? ORDER BY meeting_id", userID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			m, err := tx.s.lockMeeting(ctx, tx, id)
			if err != nil {
				return err
			}
			if _, err := tx.s.cancelRegistration(ctx, tx, m, userID, linkBase(ctx)); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, "DELETE FROM meeting_feeds WHERE user_id = ?", userID)
		return err
	})
}

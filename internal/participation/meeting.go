package participation

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/people"
)

// Meetings (issue 6, item 6): wijk meetings, organised by a wijkcoordinator
// of the wijk for its residents, and network meetings (a netwerkcafé for
// policy advisors of several gemeenten), organised by beleid of one
// gemeente and open to professionals of any gemeente. A meeting has a
// capacity (or none); when it is full, registrations go on a waiting list
// in order, and the first on it moves up when someone cancels.

// MeetingKind is what sort of meeting it is.
type MeetingKind string

const (
	MeetingWijk    MeetingKind = "wijk"    // for the residents of a gemeente, in one wijk
	MeetingNetwerk MeetingKind = "netwerk" // for professionals of any gemeente
)

// Label is the Dutch name of the kind.
func (k MeetingKind) Label() string {
	switch k {
	case MeetingWijk:
		return "Wijkbijeenkomst"
	case MeetingNetwerk:
		return "Netwerkbijeenkomst"
	}
	return string(k)
}

// MeetingStatus is stored as gepland or afgelast; afgelopen follows from
// the clock (a planned meeting whose end has passed), so it never needs a
// job to set it.
type MeetingStatus string

const (
	MeetingGepland   MeetingStatus = "gepland"
	MeetingAfgelast  MeetingStatus = "afgelast"
	MeetingAfgelopen MeetingStatus = "afgelopen"
)

// Label is the Dutch name of the status.
func (s MeetingStatus) Label() string {
	switch s {
	case MeetingGepland:
		return "Gepland"
	case MeetingAfgelast:
		return "Afgelast"
	case MeetingAfgelopen:
		return "Afgelopen"
	}
	return string(s)
}

// Meeting is one meeting. Times are UTC; pages show them in Europe/Amsterdam.
type Meeting struct {
	ID           string        `json:"id"`
	Gemeente     string        `json:"gemeente"`
	Kind         MeetingKind   `json:"soort"`
	Wijk         string        `json:"wijk,omitempty"`
	Title        string        `json:"titel"`
	Description  string        `json:"omschrijving"`
	Start        time.Time     `json:"begin"`
	End          time.Time     `json:"einde"`
	Place        string        `json:"plaats,omitempty"`
	OnlineURL    string        `json:"online_link,omitempty"`
	Agenda       []string      `json:"agenda"`
	Capacity     int           `json:"capaciteit"` // 0: no limit
	Status       MeetingStatus `json:"status"`     // as stored: gepland or afgelast
	CancelReason string        `json:"reden_afgelast,omitempty"`
	Report       string        `json:"verslag,omitempty"`
	ReportAt     time.Time     `json:"verslag_op,omitzero"`
	// Sequence counts changes of time or place (iCalendar SEQUENCE), so
	// calendars replace the old event.
	Sequence  int       `json:"-"`
	CreatedBy string    `json:"-"`
	CreatedAt time.Time `json:"aangemaakt"`
	UpdatedAt time.Time `json:"gewijzigd"`
	// Filled by the store when read: registered and waiting counts.
	Registered int `json:"aangemeld"`
	Waiting    int `json:"wachtlijst"`
}

// StatusAt is the status at now: afgelopen once a planned meeting ended.
func (m Meeting) StatusAt(now time.Time) MeetingStatus {
	if m.Status == MeetingGepland && !now.Before(m.End) {
		return MeetingAfgelopen
	}
	return m.Status
}

// Started reports whether the meeting has begun at now (a report may be
// written from then on).
func (m Meeting) Started(now time.Time) bool { return !now.Before(m.Start) }

// Open reports whether registration is possible at now: planned and not
// yet begun.
func (m Meeting) Open(now time.Time) bool {
	return m.Status == MeetingGepland && now.Before(m.Start)
}

// Left is the number of places left; -1 without a capacity.
func (m Meeting) Left() int {
	if m.Capacity == 0 {
		return -1
	}
	if n := m.Capacity - m.Registered; n > 0 {
		return n
	}
	return 0
}

// AgendaText is the agenda as the form shows it: one point a line.
func (m Meeting) AgendaText() string { return strings.Join(m.Agenda, "\n") }

// ParseAgenda reads agenda points, one a line; empty lines are dropped and
// a leading "1." or "-" is taken off (the order is the line order).
func ParseAgenda(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		l = strings.Join(strings.Fields(l), " ")
		l = strings.TrimLeft(l, "-*•")
		// "1. Opening" loses its number; "10.30 uur koffie" keeps its time.
		if i := strings.IndexByte(l, '.'); i > 0 && i <= 3 && i+1 < len(l) && l[i+1] == ' ' && strings.Trim(l[:i], "0123456789") == "" {
			l = l[i+1:]
		}
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Limits of a meeting's fields.
const (
	MeetingTitleMax    = 120
	MeetingTextMax     = 4000
	MeetingPlaceMax    = 300
	MeetingAgendaMax   = 30 // points
	MeetingPointMax    = 200
	MeetingCapacityMax = 10000
	MeetingReportMax   = 20000
	MeetingLongest     = 7 * 24 * time.Hour
)

// Validate checks a meeting, naming the fields. It tidies white space.
func (m *Meeting) Validate() error {
	var fe people.FieldErrors
	m.Title = strings.Join(strings.Fields(m.Title), " ")
	m.Description = strings.TrimSpace(m.Description)
	m.Place = strings.Join(strings.Fields(m.Place), " ")
	m.OnlineURL = strings.TrimSpace(m.OnlineURL)
	switch m.Kind {
	case MeetingWijk:
		if m.Wijk == "" {
			fe.Add("wijk", "Kies de wijk van de bijeenkomst.")
		}
	case MeetingNetwerk:
		m.Wijk = ""
	default:
		fe.Add("soort", "Kies het soort bijeenkomst: wijk of netwerk.")
	}
	if m.Title == "" {
		fe.Add("titel", "Geef de bijeenkomst een titel.")
	} else if utf8.RuneCountInString(m.Title) > MeetingTitleMax {
		fe.Add("titel", fmt.Sprintf("Een titel heeft hooguit %d tekens.", MeetingTitleMax))
	}
	if utf8.RuneCountInString(m.Description) > MeetingTextMax {
		fe.Add("omschrijving", fmt.Sprintf("Een omschrijving heeft hooguit %d tekens.", MeetingTextMax))
	}
	switch {
	case m.Start.IsZero():
		fe.Add("begin", "Vul de datum en de begintijd in.")
	case m.End.IsZero():
		fe.Add("einde", "Vul de eindtijd in.")
	case !m.End.After(m.Start):
		fe.Add("einde", "De eindtijd ligt na de begintijd.")
	case m.End.Sub(m.Start) > MeetingLongest:
		fe.Add("einde", "Een bijeenkomst duurt hooguit een week.")
	}
	if m.Place == "" && m.OnlineURL == "" {
		fe.Add("plaats", "Vul een adres in of een link voor online meedoen (of allebei).")
	}
	if utf8.RuneCountInString(m.Place) > MeetingPlaceMax {
		fe.Add("plaats", fmt.Sprintf("Een adres heeft hooguit %d tekens.", MeetingPlaceMax))
	}
	if m.OnlineURL != "" {
		if err := checkMeetingURL(m.OnlineURL); err != "" {
			fe.Add("link", err)
		}
	}
	if len(m.Agenda) > MeetingAgendaMax {
		fe.Add("agenda", fmt.Sprintf("Een agenda heeft hooguit %d punten.", MeetingAgendaMax))
	}
	for i, p := range m.Agenda {
		if utf8.RuneCountInString(p) > MeetingPointMax {
			fe.Add("agenda", fmt.Sprintf("Agendapunt %d is te lang (hooguit %d tekens).", i+1, MeetingPointMax))
			break
		}
	}
	if m.Capacity < 0 || m.Capacity > MeetingCapacityMax {
		fe.Add("capaciteit", fmt.Sprintf("Het aantal plaatsen is een heel getal van 1 tot %d, of leeg voor geen grens.", MeetingCapacityMax))
	}
	for _, s := range append([]string{m.Title, m.Description, m.Place, m.OnlineURL}, m.Agenda...) {
		if !utf8.ValidString(s) {
			fe.Add("titel", "De tekst bevat tekens die niet kloppen (geen geldige UTF-8). Typ hem opnieuw.")
			return fe.Err()
		}
	}
	for _, s := range []string{m.Title, m.Place, m.OnlineURL} {
		if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			fe.Add("titel", "Titel, adres en link mogen geen regeleinden of stuurtekens bevatten.")
			break
		}
	}
	return fe.Err()
}

// checkMeetingURL accepts only absolute https links with a host and no
// user name or password in them.
func checkMeetingURL(s string) string {
	if len(s) > 500 {
		return "Een link heeft hooguit 500 tekens."
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || strings.ContainsAny(s, " \t") {
		return "Vul een volledige, veilige link in die begint met https://."
	}
	return ""
}

// CheckCancelReason tidies and checks the reason a meeting is cancelled.
func CheckCancelReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	var fe people.FieldErrors
	if reason == "" {
		fe.Add("reden", "Schrijf waarom de bijeenkomst niet doorgaat; wie zich aanmeldde krijgt dat te lezen.")
	} else if utf8.RuneCountInString(reason) > 1000 {
		fe.Add("reden", "Een reden heeft hooguit 1000 tekens.")
	}
	return reason, fe.Err()
}

// CheckReport tidies and checks a report (verslag).
func CheckReport(text string) (string, error) {
	text = strings.TrimSpace(text)
	var fe people.FieldErrors
	if text == "" {
		fe.Add("verslag", "Schrijf een kort verslag.")
	} else if utf8.RuneCountInString(text) > MeetingReportMax {
		fe.Add("verslag", fmt.Sprintf("Een verslag heeft hooguit %d tekens.", MeetingReportMax))
	}
	return text, fe.Err()
}

// MayOrganise reports whether the principal may create, change and cancel
// the meeting, see its attendee list and write its report: a network
// meeting by beleid of its gemeente; a wijk meeting by a wijkcoordinator
// of that wijk.
func MayOrganise(p *auth.Principal, gemeente string, kind MeetingKind, wijk string) bool {
	if p == nil || !p.Can(auth.ManageMeetings, gemeente) {
		return false
	}
	switch kind {
	case MeetingNetwerk:
		return hasRole(p, gemeente, auth.Beleid)
	case MeetingWijk:
		return p.CoordinatorOf(gemeente, wijk)
	}
	return false
}

func hasRole(p *auth.Principal, gemeente string, r auth.Role) bool {
	for _, g := range p.Grants {
		if g.Gemeente == gemeente && g.Role == r {
			return true
		}
	}
	return false
}

// IsProfessional reports whether the principal works for a gemeente (any
// role, any gemeente): who may register for network meetings.
func IsProfessional(p *auth.Principal) bool {
	return p != nil && p.Resident == nil && len(p.Grants) > 0
}

// RegistrationState is where someone stands for a meeting.
type RegistrationState string

const (
	RegAangemeld  RegistrationState = "aangemeld"
	RegWachtlijst RegistrationState = "wachtlijst"
)

// Registration is one person's registration, as they themselves see it.
type Registration struct {
	MeetingID string            `json:"bijeenkomst"`
	State     RegistrationState `json:"status"`
	// Position on the waiting list (1 = first); 0 when registered.
	Position  int       `json:"plek_op_wachtlijst,omitempty"`
	Created   time.Time `json:"aangemeld_op"`
	MovedUpAt time.Time `json:"doorgeschoven_op,omitzero"`
}

// Attendee is a line of the organiser's attendee list: display names only.
type Attendee struct {
	Name     string
	State    RegistrationState
	Position int // on the waiting list
}

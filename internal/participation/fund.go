package participation

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
)

// The neighbourhood fund (wijkfonds, "initiatievenfonds"): a gemeente gives
// residents' initiatives that build social cohesion start capital, up to a
// maximum per initiative (usually € 5.000). Residents apply with budget
// lines; a civil servant reviews; a second one decides (four eyes: never
// the reviewer, never the applicant), in writing, and never beyond what is
// left of the fund's yearly budget. The money goes out in tranches; every
// few months the initiative has its "APK" (still on course? new partners?
// still needed?), and it closes with a final account per budget line.
//
// Everything here is pure: no SQL, no HTTP. Money is integer cents.

// DefaultFundMax is the usual maximum per initiative: € 5.000.
const DefaultFundMax casework.Cents = 500000

// Fund is one fund of a gemeente for one year.
type Fund struct {
	ID       string         `json:"id"`
	Gemeente string         `json:"gemeente"`
	Name     string         `json:"naam"`
	Year     int            `json:"jaar"`
	Budget   casework.Cents `json:"budget_cents"`
	Max      casework.Cents `json:"maximum_cents"` // per initiative
	Criteria string         `json:"criteria"`
	Wijken   []string       `json:"wijken"`
	// APKMonths is the time between check-ups after the grant; Tranches
	// the number of payments a grant is split into.
	APKMonths int       `json:"apk_maanden"`
	Tranches  int       `json:"tranches"`
	CreatedAt time.Time `json:"aangemaakt"`

	// Filled in on reading: what is granted (toegekend and afgesloten) and
	// what is left.
	Granted   casework.Cents `json:"toegekend_cents"`
	Remaining casework.Cents `json:"over_cents"`
}

// Covers reports whether the fund is open to residents of the wijk.
func (f Fund) Covers(wijk string) bool {
	for _, w := range f.Wijken {
		if w == wijk {
			return true
		}
	}
	return false
}

// Validate checks a fund, naming the fields, and fills in the defaults.
func (f *Fund) Validate() error {
	var fe people.FieldErrors
	f.Name = strings.Join(strings.Fields(f.Name), " ")
	f.Criteria = strings.TrimSpace(f.Criteria)
	if f.Name == "" {
		fe.Add("naam", "Geef het fonds een naam.")
	} else if utf8.RuneCountInString(f.Name) > 120 {
		fe.Add("naam", "Een naam heeft hooguit 120 tekens.")
	}
	if f.Year < 2000 || f.Year > 2100 {
		fe.Add("jaar", "Vul een jaar in, zoals 2026.")
	}
	if f.Budget <= 0 {
		fe.Add("budget", "Het jaarbudget is meer dan € 0,00.")
	} else if f.Budget > 100_000_000_00 {
		fe.Add("budget", "Het jaarbudget is hooguit € 100.000.000,00.")
	}
	if f.Max == 0 {
		f.Max = DefaultFundMax
		if f.Budget > 0 && f.Budget < f.Max {
			f.Max = f.Budget
		}
	}
	if f.Max < 0 {
		fe.Add("maximum", "Het maximum per initiatief is meer dan € 0,00.")
	} else if f.Budget > 0 && f.Max > f.Budget {
		fe.Add("maximum", "Het maximum per initiatief is niet hoger dan het jaarbudget.")
	}
	if utf8.RuneCountInString(f.Criteria) > 4000 {
		fe.Add("criteria", "De criteria hebben hooguit 4000 tekens.")
	}
	seen := map[string]bool{}
	var ws []string
	for _, w := range f.Wijken {
		if w = strings.TrimSpace(w); w != "" && !seen[w] {
			seen[w] = true
			ws = append(ws, w)
		}
	}
	f.Wijken = ws
	if len(ws) == 0 {
		fe.Add("wijken", "Kies minstens één wijk waar het fonds voor is.")
	}
	if f.APKMonths == 0 {
		f.APKMonths = 3
	}
	if f.APKMonths < 1 || f.APKMonths > 12 {
		fe.Add("apk_maanden", "Een APK is elke 1 tot en met 12 maanden.")
	}
	if f.Tranches == 0 {
		f.Tranches = 2
	}
	if f.Tranches < 1 || f.Tranches > 6 {
		fe.Add("tranches", "Een toekenning wordt in 1 tot en met 6 delen betaald.")
	}
	return fe.Err()
}

// Goal is the social-cohesion goal an initiative serves, from a fixed list.
type Goal string

// Goals in the order the form shows them.
var Goals = []Goal{"ontmoeten", "eenzaamheid", "jong_oud", "meedoen", "samen_buurt", "gezond", "zorgen_voor_elkaar"}

// Label is the Dutch name of the goal.
func (g Goal) Label() string {
	switch g {
	case "ontmoeten":
		return "Buren leren elkaar kennen"
	case "eenzaamheid":
		return "Minder eenzaamheid"
	case "jong_oud":
		return "Jong en oud samen"
	case "meedoen":
		return "Iedereen kan meedoen"
	case "samen_buurt":
		return "Samen de buurt mooier en veiliger maken"
	case "gezond":
		return "Samen bewegen en gezond leven"
	case "zorgen_voor_elkaar":
		return "Zorgen voor elkaar"
	}
	return string(g)
}

// Valid reports whether the goal is on the list.
func (g Goal) Valid() bool {
	for _, x := range Goals {
		if x == g {
			return true
		}
	}
	return false
}

// AppStatus is where an application stands.
type AppStatus string

const (
	AppConcept    AppStatus = "concept"    // the applicant is still writing
	AppIngediend  AppStatus = "ingediend"  // waits for a review
	AppBeoordeeld AppStatus = "beoordeeld" // reviewed; waits for a decision by a second person
	AppToegekend  AppStatus = "toegekend"  // granted: tranches, APKs
	AppAfgewezen  AppStatus = "afgewezen"  // rejected, with a reason
	AppAfgesloten AppStatus = "afgesloten" // granted, and closed with a final account
	// AppIngetrokken: the applicant withdrew it before a decision. Final;
	// it counts nowhere as pending and nothing is granted.
	AppIngetrokken AppStatus = "ingetrokken"
)

// Label is the Dutch word for the status.
func (s AppStatus) Label() string {
	switch s {
	case AppConcept:
		return "Concept (nog niet ingediend)"
	case AppIngediend:
		return "Ingediend"
	case AppBeoordeeld:
		return "Beoordeeld, wacht op besluit"
	case AppToegekend:
		return "Toegekend"
	case AppAfgewezen:
		return "Afgewezen"
	case AppAfgesloten:
		return "Afgerond"
	case AppIngetrokken:
		return "Ingetrokken"
	}
	return string(s)
}

// Withdrawable reports whether the applicant may still withdraw it: only
// before a decision (concept, ingediend, beoordeeld).
func (s AppStatus) Withdrawable() bool {
	return s == AppConcept || s == AppIngediend || s == AppBeoordeeld
}

// WithdrawReasonMax is the length of the optional reason for withdrawing.
const WithdrawReasonMax = 1000

// CheckWithdraw says whether the application may be withdrawn now, and
// checks the optional reason (trimmed).
func CheckWithdraw(a Application, reason string) (string, error) {
	switch {
	case a.Status == AppIngetrokken:
		return "", errs.E(errs.Conflict, "Deze aanvraag is al ingetrokken.")
	case !a.Status.Withdrawable():
		return "", errs.E(errs.Conflict, "Over deze aanvraag is al besloten (%s). Een aanvraag intrekken kan alleen zolang er nog niet over is besloten.", strings.ToLower(a.Status.Label()))
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > WithdrawReasonMax {
		return reason, people.FieldErrors{{Field: "reden_intrekken", Message: fmt.Sprintf("De reden heeft hooguit %d tekens.", WithdrawReasonMax)}}
	}
	return reason, nil
}

// Granted reports whether money was granted (toegekend or afgesloten).
func (s AppStatus) Granted() bool { return s == AppToegekend || s == AppAfgesloten }

// Advice is the reviewer's advice to the decider.
type Advice string

const (
	AdviceToekennen Advice = "toekennen"
	AdviceAfwijzen  Advice = "afwijzen"
	AdviceAanpassen Advice = "aanpassen" // grant, but less or changed
)

// Advices in the order the form shows them.
var Advices = []Advice{AdviceToekennen, AdviceAanpassen, AdviceAfwijzen}

// Label is the Dutch wording of the advice.
func (a Advice) Label() string {
	switch a {
	case AdviceToekennen:
		return "Toekennen"
	case AdviceAfwijzen:
		return "Afwijzen"
	case AdviceAanpassen:
		return "Toekennen met aanpassingen"
	}
	return string(a)
}

// BudgetLine is one line of an application's budget, with what was really
// spent once the final account is in.
type BudgetLine struct {
	Description string         `json:"omschrijving"`
	Amount      casework.Cents `json:"bedrag_cents"`
	Spent       casework.Cents `json:"besteed_cents"`
	Note        string         `json:"toelichting,omitempty"`
}

// Tranche is one payment of a grant.
type Tranche struct {
	Pos    int            `json:"nummer"`
	Label  string         `json:"omschrijving"`
	Amount casework.Cents `json:"bedrag_cents"`
	PaidBy string         `json:"-"`
	PaidAt time.Time      `json:"betaald_op,omitzero"`
}

// Paid reports whether the tranche is paid.
func (t Tranche) Paid() bool { return !t.PaidAt.IsZero() }

// APK is one periodic check-up of a granted initiative.
type APK struct {
	Pos         int         `json:"nummer"`
	Due         people.Date `json:"datum"`
	AnsweredAt  time.Time   `json:"beantwoord_op,omitzero"`
	OnCourse    bool        `json:"op_koers"`
	Course      string      `json:"koers"`
	Partners    string      `json:"nieuwe_partners"`
	StillNeeded bool        `json:"nog_nodig"`
	Needed      string      `json:"nodig_toelichting"`
}

// Overdue reports whether the APK is open on or after its date plus grace days.
func (a APK) Overdue(today people.Date, grace int) bool {
	return !a.Answered() && !today.Before(a.Due.AddDays(grace))
}

// Answered reports whether the applicants filled in the APK.
func (a APK) Answered() bool { return !a.AnsweredAt.IsZero() }

// Application is a resident's application to a fund.
type Application struct {
	ID       string    `json:"id"`
	FundID   string    `json:"fonds_id"`
	FundName string    `json:"fonds"`
	Gemeente string    `json:"gemeente"`
	Wijk     string    `json:"wijk"`
	Status   AppStatus `json:"status"`

	Title       string         `json:"titel"`
	What        string         `json:"wat"`
	ForWhom     string         `json:"voor_wie"`
	Goal        Goal           `json:"doel"`
	Lines       []BudgetLine   `json:"begroting"`
	Own         casework.Cents `json:"eigen_bijdrage_cents"`
	OwnInKind   string         `json:"eigen_bijdrage_in_natura"`
	Public      bool           `json:"openbaar"` // the applicants agree to show it on the wijk page
	ApplicantID string         `json:"-"`
	// ApplicantName and ApplicantEmail are filled for fund managers only.
	ApplicantName  string    `json:"-"`
	ApplicantEmail string    `json:"-"`
	CreatedAt      time.Time `json:"aangemaakt"`
	SubmittedAt    time.Time `json:"ingediend_op,omitzero"`

	Advice     Advice    `json:"advies,omitempty"`
	ReviewText string    `json:"beoordeling,omitempty"`
	ReviewedBy string    `json:"-"`
	ReviewedAt time.Time `json:"beoordeeld_op,omitzero"`

	GrantedCents casework.Cents `json:"toegekend_cents"`
	Reason       string         `json:"besluit_reden,omitempty"`
	DecidedBy    string         `json:"-"`
	DecidedAt    time.Time      `json:"besloten_op,omitzero"`

	Tranches  []Tranche `json:"tranches,omitempty"`
	APKs      []APK     `json:"apks,omitempty"`
	FinalNote string    `json:"eindverantwoording,omitempty"`
	ClosedAt  time.Time `json:"afgerond_op,omitzero"`

	WithdrawnAt    time.Time `json:"ingetrokken_op,omitzero"`
	WithdrawReason string    `json:"reden_intrekken,omitempty"`
}

// SeenByManagers reports whether the fund's managers may see it: once it
// was submitted (a concept, also a withdrawn one, is the applicant's alone).
func (a Application) SeenByManagers() bool {
	return a.Status != AppConcept && !(a.Status == AppIngetrokken && a.SubmittedAt.IsZero())
}

// Requested is the sum of the budget lines.
func (a Application) Requested() casework.Cents {
	var t casework.Cents
	for _, l := range a.Lines {
		t += l.Amount
	}
	return t
}

// Spent is the sum of what the final account says was spent.
func (a Application) Spent() casework.Cents {
	var t casework.Cents
	for _, l := range a.Lines {
		t += l.Spent
	}
	return t
}

// Paid is the sum of the paid tranches.
func (a Application) Paid() casework.Cents {
	var t casework.Cents
	for _, tr := range a.Tranches {
		if tr.Paid() {
			t += tr.Amount
		}
	}
	return t
}

// NextAPK is the first APK not yet answered, if any.
func (a Application) NextAPK() (APK, bool) {
	for _, k := range a.APKs {
		if !k.Answered() {
			return k, true
		}
	}
	return APK{}, false
}

// OpenAPK is the APK a running initiative waits for; nil when closed,
// not granted, or none is open (for templates).
func (a Application) OpenAPK() *APK {
	if a.Status != AppToegekend {
		return nil
	}
	if k, ok := a.NextAPK(); ok {
		return &k
	}
	return nil
}

// Text limits of an application.
const (
	FundTitleMax = 120
	FundTextMax  = 4000
	MaxLines     = 12
)

// Validate checks an application against its fund. A concept needs only a
// title (the rest may follow); submit checks everything the reviewer needs.
func (a *Application) Validate(f Fund, submit bool) error {
	var fe people.FieldErrors
	a.Title = strings.Join(strings.Fields(a.Title), " ")
	a.What = strings.TrimSpace(a.What)
	a.ForWhom = strings.TrimSpace(a.ForWhom)
	a.OwnInKind = strings.TrimSpace(a.OwnInKind)
	if a.Title == "" {
		fe.Add("titel", "Geef uw initiatief een naam.")
	} else if utf8.RuneCountInString(a.Title) > FundTitleMax {
		fe.Add("titel", fmt.Sprintf("Een naam heeft hooguit %d tekens.", FundTitleMax))
	}
	for _, t := range []struct{ field, val, empty string }{
		{"wat", a.What, "Vertel wat u wilt doen."},
		{"voor_wie", a.ForWhom, "Vertel voor wie het initiatief is."},
		{"eigen_natura", a.OwnInKind, ""},
	} {
		if submit && t.val == "" && t.empty != "" {
			fe.Add(t.field, t.empty)
		} else if utf8.RuneCountInString(t.val) > FundTextMax {
			fe.Add(t.field, fmt.Sprintf("Dit veld heeft hooguit %d tekens.", FundTextMax))
		}
	}
	if a.Goal != "" && !a.Goal.Valid() {
		fe.Add("doel", "Kies een doel uit de lijst.")
	} else if submit && a.Goal == "" {
		fe.Add("doel", "Kies welk doel uw initiatief dient.")
	}
	var lines []BudgetLine
	for i, l := range a.Lines {
		l.Description = strings.Join(strings.Fields(l.Description), " ")
		if l.Description == "" && l.Amount == 0 {
			continue
		}
		field := fmt.Sprintf("regel%d", i+1)
		switch {
		case l.Description == "":
			fe.Add(field, fmt.Sprintf("Begrotingsregel %d: schrijf waar het geld voor is.", i+1))
		case utf8.RuneCountInString(l.Description) > 200:
			fe.Add(field, fmt.Sprintf("Begrotingsregel %d: hooguit 200 tekens.", i+1))
		case l.Amount <= 0:
			fe.Add(field, fmt.Sprintf("Begrotingsregel %d: vul een bedrag in van meer dan € 0,00.", i+1))
		}
		lines = append(lines, BudgetLine{Description: l.Description, Amount: l.Amount})
	}
	if len(lines) > MaxLines {
		fe.Add("begroting", fmt.Sprintf("Een begroting heeft hooguit %d regels.", MaxLines))
	}
	a.Lines = lines
	if submit && len(lines) == 0 {
		fe.Add("begroting", "Vul minstens één begrotingsregel in: waar is het geld voor, en hoeveel?")
	}
	if total := a.Requested(); total > f.Max {
		fe.Add("begroting", "U vraagt "+total.String()+"; dit fonds geeft hooguit "+f.Max.String()+" per initiatief.")
	}
	if a.Own < 0 {
		fe.Add("eigen_bijdrage", "Een eigen bijdrage kan niet negatief zijn.")
	} else if a.Own > 100_000_000 {
		fe.Add("eigen_bijdrage", "Een eigen bijdrage is hooguit € 1.000.000,00.")
	}
	return fe.Err()
}

// CheckFundReview validates a review: an advice from the list and a written text.
func CheckFundReview(a Application, advice Advice, text string) (string, error) {
	if a.Status != AppIngediend && a.Status != AppBeoordeeld {
		return "", errs.E(errs.Conflict, "Deze aanvraag is %s; een beoordeling kan alleen bij een ingediende aanvraag.", strings.ToLower(a.Status.Label()))
	}
	var fe people.FieldErrors
	text = strings.TrimSpace(text)
	switch advice {
	case AdviceToekennen, AdviceAfwijzen, AdviceAanpassen:
	default:
		fe.Add("advies", "Kies een advies: toekennen, toekennen met aanpassingen of afwijzen.")
	}
	if text == "" {
		fe.Add("beoordeling", "Schrijf uw beoordeling op: de collega die besluit leest hem.")
	} else if utf8.RuneCountInString(text) > FundTextMax {
		fe.Add("beoordeling", fmt.Sprintf("Een beoordeling heeft hooguit %d tekens.", FundTextMax))
	}
	return text, fe.Err()
}

// Decision is what the decider sends.
type Decision struct {
	Grant  bool
	Amount casework.Cents // when granting
	Reason string
}

// DecisionContext is what a decision is checked against, read under the
// fund's lock.
type DecisionContext struct {
	App        Application
	Fund       Fund
	GrantedNow casework.Cents // granted in the fund so far (other applications)
	DeciderID  string
	CanDecide  bool // ManageFund in the application's gemeente
}

// CheckDecision applies the rules of a decision: a fund manager of the
// gemeente, never the reviewer nor the applicant (four eyes), a reviewed
// application, a written reason, and when granting an amount above zero,
// at most what was asked, at most the fund's maximum and at most what is
// left of the fund.
func CheckDecision(c DecisionContext, d Decision) error {
	if !c.CanDecide {
		return errs.E(errs.Forbidden, "U beheert dit fonds niet.")
	}
	if c.App.ApplicantID != "" && c.App.ApplicantID == c.DeciderID {
		return errs.E(errs.Forbidden, "U heeft deze aanvraag zelf ingediend; een collega besluit erover.")
	}
	switch c.App.Status {
	case AppBeoordeeld:
	case AppIngediend:
		return errs.E(errs.Conflict, "Deze aanvraag is nog niet beoordeeld. Eerst beoordeelt een collega haar, dan besluit een ander.")
	case AppIngetrokken:
		return errs.E(errs.Conflict, "De aanvragers hebben deze aanvraag ingetrokken; er valt niets meer over te besluiten.")
	default:
		return errs.E(errs.Conflict, "Over deze aanvraag is al besloten.")
	}
	if c.App.ReviewedBy == c.DeciderID {
		return errs.E(errs.Forbidden, "U heeft deze aanvraag beoordeeld; een collega besluit (vierogenprincipe).")
	}
	var fe people.FieldErrors
	if strings.TrimSpace(d.Reason) == "" {
		fe.Add("reden", "Schrijf de reden van het besluit op. De aanvragers lezen hem.")
	} else if utf8.RuneCountInString(d.Reason) > FundTextMax {
		fe.Add("reden", fmt.Sprintf("Een reden heeft hooguit %d tekens.", FundTextMax))
	}
	if d.Grant {
		switch {
		case d.Amount <= 0:
			fe.Add("bedrag", "Vul het bedrag in dat u toekent (meer dan € 0,00).")
		case d.Amount > c.App.Requested():
			fe.Add("bedrag", "U kent meer toe dan gevraagd ("+c.App.Requested().String()+").")
		case d.Amount > c.Fund.Max:
			fe.Add("bedrag", "Dit fonds geeft hooguit "+c.Fund.Max.String()+" per initiatief.")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if d.Grant {
		if left := c.Fund.Budget - c.GrantedNow; d.Amount > left {
			return errs.E(errs.Conflict, "Er is nog %s over in het fonds; %s toekennen zou het fonds overschrijden.", left.String(), d.Amount.String())
		}
	}
	return nil
}

// SplitTranches splits a grant into n payments: equal parts in whole euros
// where possible, what is left over in the first payment. The parts always
// add up to the amount.
func SplitTranches(amount casework.Cents, n int) []casework.Cents {
	if n < 1 {
		n = 1
	}
	part := amount / casework.Cents(n) / 100 * 100
	out := make([]casework.Cents, n)
	for i := range out {
		out[i] = part
	}
	out[0] = amount - part*casework.Cents(n-1)
	return out
}

// TrancheLabel says when a tranche is paid: the first at the start, each
// next one after an APK.
func TrancheLabel(pos int) string {
	if pos == 1 {
		return "Bij de start"
	}
	if pos == 2 {
		return "Na de eerste APK"
	}
	return fmt.Sprintf("Na APK %d", pos-1)
}

// APKDue is the due date of the k-th APK (k from 1) after a grant on day.
func APKDue(granted people.Date, months, k int) people.Date {
	return granted.AddMonths(months * k)
}

// APKAnswer is what the applicants fill in.
type APKAnswer struct {
	OnCourse    string // "ja" or "nee"
	Course      string
	Partners    string
	StillNeeded string // "ja" or "nee"
	Needed      string
}

// Check validates an APK answer.
func (x *APKAnswer) Check() error {
	var fe people.FieldErrors
	x.Course, x.Partners, x.Needed = strings.TrimSpace(x.Course), strings.TrimSpace(x.Partners), strings.TrimSpace(x.Needed)
	if x.OnCourse != "ja" && x.OnCourse != "nee" {
		fe.Add("op_koers", "Kies ja of nee: is het initiatief nog op koers?")
	}
	if x.OnCourse == "nee" && x.Course == "" {
		fe.Add("koers", "Vertel wat er anders loopt dan gepland.")
	}
	if x.StillNeeded != "ja" && x.StillNeeded != "nee" {
		fe.Add("nog_nodig", "Kies ja of nee: is het initiatief nog nodig?")
	}
	for _, t := range []struct{ f, v string }{{"koers", x.Course}, {"partners", x.Partners}, {"nodig", x.Needed}} {
		if utf8.RuneCountInString(t.v) > FundTextMax {
			fe.Add(t.f, fmt.Sprintf("Dit veld heeft hooguit %d tekens.", FundTextMax))
		}
	}
	return fe.Err()
}

// CheckFinal validates a final account: one spent amount per budget line
// (zero allowed: not spent), notes within limits.
func CheckFinal(a Application, spent []casework.Cents, notes []string, note string) error {
	if a.Status != AppToegekend {
		return errs.E(errs.Conflict, "Alleen een toegekend initiatief dat nog loopt, sluit u af met een eindverantwoording.")
	}
	var fe people.FieldErrors
	if len(spent) != len(a.Lines) || len(notes) != len(a.Lines) {
		fe.Add("begroting", "Vul bij elke begrotingsregel in wat u heeft uitgegeven.")
	}
	for i := range spent {
		if spent[i] < 0 {
			fe.Add(fmt.Sprintf("besteed%d", i+1), fmt.Sprintf("Regel %d: een bedrag kan niet negatief zijn.", i+1))
		}
		if i < len(notes) && utf8.RuneCountInString(notes[i]) > 500 {
			fe.Add(fmt.Sprintf("toelichting%d", i+1), fmt.Sprintf("Regel %d: een toelichting heeft hooguit 500 tekens.", i+1))
		}
	}
	if strings.TrimSpace(note) == "" {
		fe.Add("resultaat", "Vertel in een paar zinnen wat het initiatief heeft opgeleverd.")
	} else if utf8.RuneCountInString(note) > FundTextMax {
		fe.Add("resultaat", fmt.Sprintf("Dit veld heeft hooguit %d tekens.", FundTextMax))
	}
	return fe.Err()
}

// MayManageFund reports whether the principal runs the funds of the gemeente.
func MayManageFund(p *auth.Principal, gemeente string) bool {
	return p != nil && p.Can(auth.ManageFund, gemeente)
}

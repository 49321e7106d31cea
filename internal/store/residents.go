package store

// Residents' accounts (issue 6, item 1). A resident is a users row without
// roles plus a residents row: e-mail, display name and an address that the
// address table (postcode_areas) places in a wijk and buurt. No BSN, no
// DigiD. The e-mail address is confirmed through a one-time link
// (email_tokens, stored hashed). Deleting the users row removes the
// residents row, sessions, tokens and queued mail with it (ON DELETE
// CASCADE); what the resident contributed elsewhere (wishes, supports,
// proposals) is kept by those tables without the link to the person.

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// Notify preferences of a resident.
const (
	NotifyDirect = "direct" // every mail when it happens
	NotifyDigest = "digest" // one mail a day
	NotifyNone   = "none"   // no mail (account mail such as the verification link still goes)
)

// VerifyTTL is how long a verification link works.
const VerifyTTL = 48 * time.Hour

// Token purposes in email_tokens.
const (
	TokenVerify = "verify"
	TokenReset  = "reset"
)

// NewResident is what a sign-up form gives.
type NewResident struct {
	UserID      string // the new user's id; "" makes a random one (the demo gives its own)
	Email       string
	DisplayName string
	Postcode    string
	Huisnummer  int
	Toevoeging  string
	// Password is hashed with argon2id; PasswordHash, when set, is used
	// as is (tests and the demo hash once for many residents).
	Password     string
	PasswordHash string
	// VerifyMail, when set, makes the verification mail from the plain
	// token; it is queued in the outbox in the same transaction.
	VerifyMail func(token string) Mail
	// Verified marks the address confirmed at once (demo and tests only).
	Verified bool
}

// Resident is a resident's account as stored.
type Resident struct {
	UserID      string    `json:"id"`
	Email       string    `json:"email"`
	DisplayName string    `json:"naam"`
	Gemeente    string    `json:"gemeente"`
	Wijk        string    `json:"wijk"`
	Buurt       string    `json:"buurt"`
	Postcode    string    `json:"postcode"`
	Huisnummer  int       `json:"huisnummer"`
	Toevoeging  string    `json:"toevoeging"`
	Notify      string    `json:"meldingen"`
	Verified    bool      `json:"e-mail_bevestigd"`
	VerifiedAt  time.Time `json:"bevestigd_op"`
	Created     time.Time `json:"aangemaakt"`
}

// Profile is the resident as auth sees it.
func (r Resident) Profile() *auth.Resident {
	return &auth.Resident{Gemeente: r.Gemeente, Wijk: r.Wijk, DisplayName: r.DisplayName, Verified: r.Verified}
}

// ValidateResident checks a sign-up form, naming every wrong field.
func ValidateResident(n *NewResident) error {
	var fe people.FieldErrors
	n.Email = NormalizeEmail(n.Email)
	if !validEmail(n.Email) {
		fe.Add("email", "vul een geldig e-mailadres in, zoals naam@voorbeeld.nl")
	}
	n.DisplayName = strings.Join(strings.Fields(n.DisplayName), " ")
	switch l := utf8.RuneCountInString(n.DisplayName); {
	case l < 2:
		fe.Add("naam", "vul een naam in van minstens 2 tekens; dit mag ook een voornaam of bijnaam zijn")
	case l > 60:
		fe.Add("naam", "een naam heeft hooguit 60 tekens")
	case strings.IndexFunc(n.DisplayName, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError }) >= 0:
		fe.Add("naam", "gebruik in uw naam alleen letters, cijfers en gewone leestekens")
	}
	pc, ok := people.NormalizePostcode(n.Postcode)
	if !ok {
		fe.Add("postcode", "vul een geldige postcode in, zoals 7941 AB")
	}
	n.Postcode = pc
	if n.Huisnummer < 1 || n.Huisnummer > 99999 {
		fe.Add("huisnummer", "vul uw huisnummer in (alleen het getal)")
	}
	n.Toevoeging = strings.ToUpper(strings.TrimSpace(n.Toevoeging))
	if utf8.RuneCountInString(n.Toevoeging) > 6 {
		fe.Add("toevoeging", "een toevoeging heeft hooguit 6 tekens")
	}
	if n.PasswordHash == "" {
		if err := auth.CheckPasswordStrength(n.Password); err != nil {
			fe.Add("wachtwoord", err.Error())
		}
	}
	return fe.Err()
}

func validEmail(e string) bool {
	at := strings.LastIndexByte(e, '@')
	return at > 0 && at < len(e)-3 && strings.Contains(e[at:], ".") && len(e) <= 254 && !strings.ContainsAny(e, " \t\r\n<>,;\"")
}

// placeAddress finds the wijk and buurt of an address in the address table;
// the gemeente must be served by this instance.
func placeAddress(ctx context.Context, tx *Tx, postcode string, huisnummer int) (gemeente, wijk, buurt string, err error) {
	err = tx.QueryRow(ctx, `SELECT pa.gemeente, pa.wijk, pa.buurt FROM postcode_areas pa JOIN tenants t ON t.gemeente = pa.gemeente
		WHERE pa.postcode = ? AND pa.huisnummer_van <= ? AND pa.huisnummer_tot >= ? ORDER BY pa.huisnummer_van DESC LIMIT 1`,
		postcode, huisnummer, huisnummer).Scan(&gemeente, &wijk, &buurt)
	if err == sql.ErrNoRows {
		return "", "", "", &people.FieldError{Field: "postcode", Message: "dit adres ligt niet in een gemeente die hier meedoet; kijk of postcode en huisnummer kloppen"}
	}
	return gemeente, wijk, buurt, err
}

// CreateResident saves a new resident's account and returns it with the
// plain verification token (only its hash is stored). Bad input is a
// people.FieldErrors naming the fields; an e-mail address that has an
// account already is ErrEmailInUse (see MailExistingAccount).
func (s *Store) CreateResident(ctx context.Context, n NewResident) (Resident, string, error) {
	if err := ValidateResident(&n); err != nil {
		return Resident{}, "", err
	}
	hash := n.PasswordHash
	if hash == "" {
		h, err := auth.HashPassword(n.Password)
		if err != nil {
			return Resident{}, "", &people.FieldError{Field: "wachtwoord", Message: err.Error()}
		}
		hash = h
	}
	now := s.now().UTC()
	if n.UserID == "" {
		n.UserID = secret.ID()
	}
	r := Resident{UserID: n.UserID, Email: n.Email, DisplayName: n.DisplayName, Postcode: n.Postcode, Huisnummer: n.Huisnummer,
		Toevoeging: n.Toevoeging, Notify: NotifyDirect, Created: now}
	if n.Verified {
		r.Verified, r.VerifiedAt = true, now
	}
	var token string
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		r.Gemeente, r.Wijk, r.Buurt, err = placeAddress(ctx, tx, r.Postcode, r.Huisnummer)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, 0, ?)`,
			r.UserID, r.Email, r.DisplayName, hash, s.ts(now))
		if errs.Is(classify(err), errs.Conflict) {
			return ErrEmailInUse
		}
		if err != nil {
			return err
		}
		var verified any
		if r.Verified {
			verified = s.ts(now)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO residents (user_id, gemeente, wijk, buurt, display_name, postcode, huisnummer, toevoeging, notify, verified_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.UserID, r.Gemeente, r.Wijk, r.Buurt, r.DisplayName, r.Postcode, r.Huisnummer, r.Toevoeging,
			r.Notify, verified, s.ts(now)); err != nil {
			return err
		}
		if r.Verified {
			return nil
		}
		token, err = s.newEmailToken(ctx, tx, r.UserID, TokenVerify, VerifyTTL)
		if err != nil {
			return err
		}
		if n.VerifyMail != nil {
			m := n.VerifyMail(token)
			m.Gemeente, m.UserID, m.To, m.Digest = r.Gemeente, r.UserID, r.Email, false
			return s.Enqueue(ctx, tx, m)
		}
		return nil
	})
	if err != nil {
		return Resident{}, "", err
	}
	return r, token, nil
}

// ErrEmailInUse is CreateResident's answer for an address that has an
// account. The sign-up page must not show it: it would tell anyone whether
// an address is known here.
var ErrEmailInUse = errors.New("store: e-mail address has an account")

// MailExistingAccount queues mail to the owner of an address someone tried
// to sign up with: they have an account already and can log in or ask for
// a new password. It reports whether the address has an account that can
// get mail (a disabled one gets none). The mail goes to the outbox of the
// resident's gemeente, or of a professional's first gemeente.
func (s *Store) MailExistingAccount(ctx context.Context, email string, mail Mail) (bool, error) {
	sent := false
	err := s.Tx(ctx, func(tx *Tx) error {
		var userID, gemeente string
		err := tx.QueryRow(ctx, `SELECT u.id, COALESCE(r.gemeente, (SELECT MIN(ur.gemeente) FROM user_roles ur WHERE ur.user_id = u.id), '')
			FROM users u LEFT JOIN residents r ON r.user_id = u.id WHERE u.email = ? AND u.disabled = 0`, NormalizeEmail(email)).Scan(&userID, &gemeente)
		if err == sql.ErrNoRows || (err == nil && gemeente == "") {
			return nil
		}
		if err != nil {
			return err
		}
		mail.Gemeente, mail.UserID, mail.To, mail.Digest = gemeente, userID, NormalizeEmail(email), false
		sent = true
		return s.Enqueue(ctx, tx, mail)
	})
	return sent, err
}

func (s *Store) newEmailToken(ctx context.Context, tx *Tx, userID, purpose string, ttl time.Duration) (string, error) {
	tok := secret.Token()
	now := s.now()
	// Earlier unused links of the same purpose stop working.
	if _, err := tx.Exec(ctx, "DELETE FROM email_tokens WHERE user_id = ? AND purpose = ?", userID, purpose); err != nil {
		return "", err
	}
	_, err := tx.Exec(ctx, "INSERT INTO email_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		secret.TokenHash(tok), userID, purpose, s.ts(now), s.ts(now.Add(ttl)))
	return tok, err
}

// NewVerifyToken makes a fresh verification link for a resident whose
// address is not confirmed yet (the old link stops working), queuing the
// mail in the same transaction when mail is given.
func (s *Store) NewVerifyToken(ctx context.Context, userID string, mail func(token string) Mail) (string, error) {
	var tok string
	err := s.Tx(ctx, func(tx *Tx) error {
		var email, gemeente string
		var verified sql.NullString
		err := tx.QueryRow(ctx, "SELECT u.email, r.gemeente, r.verified_at FROM residents r JOIN users u ON u.id = r.user_id WHERE r.user_id = ?", userID).
			Scan(&email, &gemeente, &verified)
		if err != nil {
			return classify(err)
		}
		if verified.Valid {
			return errs.E(errs.Conflict, "Uw e-mailadres is al bevestigd.")
		}
		if tok, err = s.newEmailToken(ctx, tx, userID, TokenVerify, VerifyTTL); err != nil {
			return err
		}
		if mail != nil {
			m := mail(tok)
			m.Gemeente, m.UserID, m.To, m.Digest = gemeente, userID, email, false
			return s.Enqueue(ctx, tx, m)
		}
		return nil
	})
	return tok, err
}

// VerifyEmail uses a verification link: the address is confirmed and the
// link used up. An unknown, used or expired link is Invalid.
func (s *Store) VerifyEmail(ctx context.Context, token string) (userID string, err error) {
	err = s.Tx(ctx, func(tx *Tx) error {
		var exp time.Time
		var used sql.NullString
		err := tx.QueryRow(ctx, "SELECT user_id, expires_at, CAST(used_at AS TEXT) FROM email_tokens WHERE token_hash = ? AND purpose = ?",
			secret.TokenHash(token), TokenVerify).Scan(&userID, timeCol{&exp}, &used)
		if err == sql.ErrNoRows || (err == nil && (used.Valid || s.now().After(exp))) {
			return errs.E(errs.Invalid, "Deze link werkt niet (meer). Log in en vraag een nieuwe link aan.")
		}
		if err != nil {
			return err
		}
		now := s.ts(s.now())
		if _, err := tx.Exec(ctx, "UPDATE email_tokens SET used_at = ? WHERE token_hash = ?", now, secret.TokenHash(token)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE residents SET verified_at = ? WHERE user_id = ? AND verified_at IS NULL", now, userID)
		return err
	})
	return userID, err
}

const residentCols = `r.user_id, u.email, r.display_name, r.gemeente, r.wijk, r.buurt, r.postcode, r.huisnummer, r.toevoeging, r.notify, r.verified_at, r.created_at`

func scanResident(sc interface{ Scan(...any) error }) (Resident, error) {
	var r Resident
	err := sc.Scan(&r.UserID, &r.Email, &r.DisplayName, &r.Gemeente, &r.Wijk, &r.Buurt, &r.Postcode, &r.Huisnummer, &r.Toevoeging, &r.Notify,
		timeCol{&r.VerifiedAt}, timeCol{&r.Created})
	r.Verified = !r.VerifiedAt.IsZero()
	return r, err
}

// ResidentByUserID reads a resident's own account (for /mijn). It is the
// resident's own data, so there is no audit record.
func (s *Store) ResidentByUserID(ctx context.Context, userID string) (Resident, error) {
	r, err := scanResident(s.queryRow(ctx, "SELECT "+residentCols+" FROM residents r JOIN users u ON u.id = r.user_id WHERE r.user_id = ?", userID))
	return r, classify(err)
}

// SetNotify changes a resident's mail preference: direct, digest or none.
func (s *Store) SetNotify(ctx context.Context, userID, notify string) error {
	switch notify {
	case NotifyDirect, NotifyDigest, NotifyNone:
	default:
		return &people.FieldError{Field: "meldingen", Message: "kies direct, een keer per dag of geen e-mail"}
	}
	return s.Tx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE residents SET notify = ? WHERE user_id = ?", notify, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrNotFound
		}
		return nil
	})
}

// DeleteResident removes a resident's account: the users row, and through
// ON DELETE CASCADE the residents row, sessions, API tokens, e-mail links
// and queued mail. Contributions in other tables stay without the link to
// the person (their user_id columns are ON DELETE SET NULL). Accounts
// with roles are not residents' accounts and are refused.
func (s *Store) DeleteResident(ctx context.Context, userID string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM residents WHERE user_id = ?", userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.ErrNotFound
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM user_roles WHERE user_id = ?", userID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.E(errs.Forbidden, "Dit account heeft ook een rol bij de gemeente; vraag de beheerder het te verwijderen.")
		}
		for _, h := range residentDeleteHooks() {
			if err := h(ctx, tx, userID); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, "DELETE FROM users WHERE id = ?", userID)
		return err
	})
}

// ResidentExport is everything naober holds about a resident, for the
// download on /mijn: the account, and per other part of naober (wishes,
// supports, ...) what it keeps, under a Dutch key.
type ResidentExport struct {
	Account Resident       `json:"account"`
	Parts   map[string]any `json:"onderdelen"`
	Made    time.Time      `json:"gemaakt_op"`
}

// ResidentExporter returns what one part of naober holds about a user.
type ResidentExporter func(ctx context.Context, s *Store, userID string) (any, error)

// ResidentDeleteHook runs in the deleting transaction before the users
// row goes, for parts that must tidy up more than ON DELETE does.
type ResidentDeleteHook func(ctx context.Context, tx *Tx, userID string) error

var (
	residentHooksMu sync.Mutex
	exporters       = map[string]ResidentExporter{}
	deleteHooks     []ResidentDeleteHook
)

// RegisterResidentExport adds a part to the resident's download (call it
// from an init function in the part's store file).
func RegisterResidentExport(key string, fn ResidentExporter) {
	residentHooksMu.Lock()
	defer residentHooksMu.Unlock()
	exporters[key] = fn
}

// RegisterResidentDelete adds a hook to DeleteResident.
func RegisterResidentDelete(fn ResidentDeleteHook) {
	residentHooksMu.Lock()
	defer residentHooksMu.Unlock()
	deleteHooks = append(deleteHooks, fn)
}

func residentDeleteHooks() []ResidentDeleteHook {
	residentHooksMu.Lock()
	defer residentHooksMu.Unlock()
	return append([]ResidentDeleteHook(nil), deleteHooks...)
}

// ExportResident gathers everything naober holds about the resident.
func (s *Store) ExportResident(ctx context.Context, userID string) (ResidentExport, error) {
	r, err := s.ResidentByUserID(ctx, userID)
	if err != nil {
		return ResidentExport{}, err
	}
	out := ResidentExport{Account: r, Parts: map[string]any{}, Made: s.now().UTC()}
	residentHooksMu.Lock()
	keys := make([]string, 0, len(exporters))
	for k := range exporters {
		keys = append(keys, k)
	}
	fns := make([]ResidentExporter, len(keys))
	sort.Strings(keys)
	for i, k := range keys {
		fns[i] = exporters[k]
	}
	residentHooksMu.Unlock()
	for i, k := range keys {
		v, err := fns[i](ctx, s, userID)
		if err != nil {
			return ResidentExport{}, err
		}
		out.Parts[k] = v
	}
	mails, err := s.mailsOf(ctx, userID)
	if err != nil {
		return ResidentExport{}, err
	}
	out.Parts["e-mail"] = mails
	return out, nil
}

// Principal is the signed-in view of a user (roles, resident profile,
// wijken), without checking sessions; for tests and background jobs.
func (s *Store) Principal(ctx context.Context, userID string) (*auth.Principal, error) {
	return s.activePrincipal(ctx, userID)
}

// fillPrincipal adds the resident profile and a coordinator's wijken.
func (s *Store) fillPrincipal(ctx context.Context, p *auth.Principal) error {
	r, err := s.ResidentByUserID(ctx, p.UserID)
	switch {
	case err == nil:
		p.Resident = r.Profile()
	case !errs.Is(err, errs.NotFound):
		return err
	}
	p.Wijken, err = s.CoordinatorWijken(ctx, p.UserID)
	return err
}

// CoordinatorWijken lists the wijk codes a user answers for, sorted.
func (s *Store) CoordinatorWijken(ctx context.Context, userID string) ([]string, error) {
	rows, err := s.query(ctx, "SELECT wijk FROM coordinator_wijken WHERE user_id = ? ORDER BY wijk", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, classify(rows.Err())
}

// SetCoordinatorWijken replaces the wijken a wijkcoordinator answers for in
// one gemeente. Every wijk must belong to the gemeente, and the user must
// hold the wijkcoordinator role there.
func (s *Store) SetCoordinatorWijken(ctx context.Context, userID, gemeente string, wijken []string) error {
	if s.wijkGemeente == nil {
		return errs.E(errs.Internal, "no area lookup configured")
	}
	for _, w := range wijken {
		if gm, ok := s.wijkGemeente(w); !ok || gm != gemeente {
			return &people.FieldError{Field: "wijken", Message: "wijk " + w + " hoort niet bij gemeente " + gemeente}
		}
	}
	return s.Tx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM user_roles WHERE user_id = ? AND gemeente = ? AND role = ?", userID, gemeente, string(auth.Wijkcoordinator)).Scan(&n); err != nil {
			return err
		}
		if n == 0 && len(wijken) > 0 {
			return &people.FieldError{Field: "wijken", Message: "geef deze gebruiker eerst de rol wijkcoördinator in gemeente " + gemeente}
		}
		if _, err := tx.Exec(ctx, "DELETE FROM coordinator_wijken WHERE user_id = ? AND gemeente = ?", userID, gemeente); err != nil {
			return err
		}
		for _, w := range wijken {
			if _, err := tx.Exec(ctx, "INSERT INTO coordinator_wijken (user_id, gemeente, wijk) VALUES (?, ?, ?) ON CONFLICT (user_id, wijk) DO NOTHING", userID, gemeente, w); err != nil {
				return err
			}
		}
		return nil
	})
}

// ResidentsInWijk counts the verified residents of a wijk (turnout of a
// vote needs the number who could vote).
func (s *Store) ResidentsInWijk(ctx context.Context, wijk string) (int, error) {
	var n int
	err := s.queryRow(ctx, "SELECT COUNT(*) FROM residents WHERE wijk = ? AND verified_at IS NOT NULL", wijk).Scan(&n)
	return n, classify(err)
}

// ResetTTL is how long a link to set a new password works.
const ResetTTL = time.Hour

// NewResetToken makes a link to set a new password for the resident with
// this e-mail address and queues the mail in the same transaction. An
// unknown address, or an account with roles (beheer resets those), gives
// false and no error, so the page can answer the same either way.
func (s *Store) NewResetToken(ctx context.Context, email string, mail func(token string) Mail) (bool, error) {
	sent := false
	err := s.Tx(ctx, func(tx *Tx) error {
		var userID, gemeente string
		err := tx.QueryRow(ctx, `SELECT u.id, r.gemeente FROM users u JOIN residents r ON r.user_id = u.id
			WHERE u.email = ? AND u.disabled = 0 AND NOT EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id)`, NormalizeEmail(email)).Scan(&userID, &gemeente)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		tok, err := s.newEmailToken(ctx, tx, userID, TokenReset, ResetTTL)
		if err != nil {
			return err
		}
		m := mail(tok)
		m.Gemeente, m.UserID, m.To, m.Digest = gemeente, userID, NormalizeEmail(email), false
		sent = true
		return s.Enqueue(ctx, tx, m)
	})
	return sent, err
}

// ResetPassword uses a reset link: the new password hash is set, every
// session ends, and the address counts as confirmed (the link reached it).
func (s *Store) ResetPassword(ctx context.Context, token, hash string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		var userID string
		var exp time.Time
		var used sql.NullString
		err := tx.QueryRow(ctx, "SELECT user_id, expires_at, CAST(used_at AS TEXT) FROM email_tokens WHERE token_hash = ? AND purpose = ?",
			secret.TokenHash(token), TokenReset).Scan(&userID, timeCol{&exp}, &used)
		if err == sql.ErrNoRows || (err == nil && (used.Valid || s.now().After(exp))) {
			return errs.E(errs.Invalid, "Deze link werkt niet (meer). Vraag een nieuwe link aan.")
		}
		if err != nil {
			return err
		}
		now := s.ts(s.now())
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"UPDATE email_tokens SET used_at = ? WHERE token_hash = ?", []any{now, secret.TokenHash(token)}},
			{"UPDATE users SET password_hash = ? WHERE id = ?", []any{hash, userID}},
			{"DELETE FROM sessions WHERE user_id = ?", []any{userID}},
			{"UPDATE residents SET verified_at = ? WHERE user_id = ? AND verified_at IS NULL", []any{now, userID}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
}

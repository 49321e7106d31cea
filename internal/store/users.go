package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/secret"
)

// Tenant is a gemeente this instance serves.
type Tenant struct {
	Gemeente string
	Naam     string
}

// EnsureTenant adds a gemeente to the instance if it is not served yet.
func (s *Store) EnsureTenant(ctx context.Context, gemeente, naam string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tenants (gemeente, naam, created_at) VALUES (?, ?, ?)
			ON CONFLICT (gemeente) DO NOTHING`, gemeente, naam, s.ts(s.now()))
		return err
	})
}

// Tenants lists the gemeenten this instance serves.
func (s *Store) Tenants(ctx context.Context) ([]Tenant, error) {
	rows, err := s.query(ctx, "SELECT gemeente, naam FROM tenants ORDER BY naam")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tenant
	for rows.Next() {
		var t Tenant
		if err := rows.Scan(&t.Gemeente, &t.Naam); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, classify(rows.Err())
}

// User is an account of a professional.
type User struct {
	ID           string       `json:"id"`
	Email        string       `json:"email"`
	Name         string       `json:"naam"`
	PasswordHash string       `json:"-"`
	Disabled     bool         `json:"geblokkeerd"`
	Created      time.Time    `json:"aangemaakt"`
	Grants       []auth.Grant `json:"rollen"`
	// Wijken a wijkcoordinator answers for (filled by Users).
	Wijken []string `json:"wijken,omitempty"`
}

// NormalizeEmail lower-cases and trims an address.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// CreateUser adds a user with grants; the gemeenten must be tenants.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	u.Email = NormalizeEmail(u.Email)
	if !strings.Contains(u.Email, "@") || len(u.Email) > 254 {
		return errs.E(errs.Invalid, "e-mail: vul een geldig e-mailadres in")
	}
	if u.ID == "" {
		u.ID = secret.ID()
	}
	u.Created = s.now().UTC()
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, 0, ?)`,
			u.ID, u.Email, u.Name, u.PasswordHash, s.ts(u.Created))
		if errs.Is(classify(err), errs.Conflict) {
			return errs.E(errs.Conflict, "e-mail: er is al een gebruiker met dit e-mailadres")
		}
		if err != nil {
			return err
		}
		for _, g := range u.Grants {
			if err := s.addGrant(ctx, tx, u.ID, g); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) addGrant(ctx context.Context, tx *Tx, userID string, g auth.Grant) error {
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM tenants WHERE gemeente = ?", g.Gemeente).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errs.E(errs.Invalid, "gemeente: %s wordt niet door deze server bediend", g.Gemeente)
	}
	_, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, gemeente, role) VALUES (?, ?, ?)
		ON CONFLICT (user_id, gemeente, role) DO NOTHING`, userID, g.Gemeente, string(g.Role))
	return err
}

// AddGrant gives an existing user a role in a gemeente.
func (s *Store) AddGrant(ctx context.Context, userID string, g auth.Grant) error {
	return s.Tx(ctx, func(tx *Tx) error { return s.addGrant(ctx, tx, userID, g) })
}

// SetPassword replaces a user's password hash and ends their sessions.
func (s *Store) SetPassword(ctx context.Context, userID, hash string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", hash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrNotFound
		}
		_, err = tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		return err
	})
}

const userCols = "id, email, name, password_hash, disabled, created_at"

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var disabled int
	err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &disabled, timeCol{&u.Created})
	u.Disabled = disabled != 0
	return u, err
}

// UserByEmail finds a user with their grants.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.queryRow(ctx, "SELECT "+userCols+" FROM users WHERE email = ?", NormalizeEmail(email)))
	if err != nil {
		return User{}, classify(err)
	}
	u.Grants, err = s.grants(ctx, u.ID)
	return u, err
}

// UserByID finds a user with their grants.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	u, err := scanUser(s.queryRow(ctx, "SELECT "+userCols+" FROM users WHERE id = ?", id))
	if err != nil {
		return User{}, classify(err)
	}
	u.Grants, err = s.grants(ctx, u.ID)
	return u, err
}

func (s *Store) grants(ctx context.Context, userID string) ([]auth.Grant, error) {
	rows, err := s.query(ctx, "SELECT gemeente, role FROM user_roles WHERE user_id = ? ORDER BY gemeente, role", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.Grant
	for rows.Next() {
		var g auth.Grant
		if err := rows.Scan(&g.Gemeente, &g.Role); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, classify(rows.Err())
}

// Users lists the users holding any role in the gemeenten.
func (s *Store) Users(ctx context.Context, gemeenten []string) ([]User, error) {
	if len(gemeenten) == 0 {
		return nil, nil
	}
	ph, args := in(gemeenten)
	rows, err := s.query(ctx, "SELECT "+userCols+" FROM users WHERE id IN (SELECT user_id FROM user_roles WHERE gemeente IN ("+ph+")) ORDER BY email", args...)
	if err != nil {
		return nil, err
	}
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	for i := range out {
		gs, err := s.grants(ctx, out[i].ID)
		if err != nil {
			return nil, err
		}
		// Show only the roles in gemeenten the viewer administers.
		for _, g := range gs {
			for _, gm := range gemeenten {
				if g.Gemeente == gm {
					out[i].Grants = append(out[i].Grants, g)
				}
			}
		}
		ph, args := in(gemeenten)
		ws, err := s.query(ctx, "SELECT wijk FROM coordinator_wijken WHERE user_id = ? AND gemeente IN ("+ph+") ORDER BY wijk", append([]any{out[i].ID}, args...)...)
		if err != nil {
			return nil, err
		}
		for ws.Next() {
			var w string
			if err := ws.Scan(&w); err != nil {
				ws.Close()
				return nil, err
			}
			out[i].Wijken = append(out[i].Wijken, w)
		}
		ws.Close()
		if err := ws.Err(); err != nil {
			return nil, classify(err)
		}
	}
	return out, nil
}

func principalOf(u User) *auth.Principal {
	return &auth.Principal{UserID: u.ID, Email: u.Email, Name: u.Name, Grants: u.Grants}
}

// CreateSession starts a session and returns its token (only its hash is stored).
func (s *Store) CreateSession(ctx context.Context, userID string, ttl time.Duration) (string, error) {
	tok := secret.Token()
	now := s.now()
	err := s.Tx(ctx, func(tx *Tx) error {
		// Housekeeping on the way: forget expired sessions.
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE expires_at < ?", s.ts(now)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			secret.TokenHash(tok), userID, s.ts(now), s.ts(now.Add(ttl)))
		return err
	})
	return tok, err
}

// SessionPrincipal resolves a session token; expired, unknown or disabled
// users give errs.Unauthorized.
func (s *Store) SessionPrincipal(ctx context.Context, token string) (*auth.Principal, error) {
	var userID string
	var exp time.Time
	err := s.queryRow(ctx, "SELECT user_id, expires_at FROM sessions WHERE token_hash = ?", secret.TokenHash(token)).Scan(&userID, timeCol{&exp})
	if err != nil {
		if errs.Is(classify(err), errs.NotFound) {
			return nil, errs.E(errs.Unauthorized, "Uw sessie is verlopen. Log opnieuw in.")
		}
		return nil, classify(err)
	}
	if s.now().After(exp) {
		return nil, errs.E(errs.Unauthorized, "Uw sessie is verlopen. Log opnieuw in.")
	}
	return s.activePrincipal(ctx, userID)
}

func (s *Store) activePrincipal(ctx context.Context, userID string) (*auth.Principal, error) {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, errs.E(errs.Unauthorized, "Log opnieuw in.")
		}
		return nil, err
	}
	if u.Disabled {
		return nil, errs.E(errs.Unauthorized, "Dit account is geblokkeerd.")
	}
	p := principalOf(u)
	if err := s.fillPrincipal(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", secret.TokenHash(token))
		return err
	})
}

// CreateAPIToken makes a bearer token for scripts; the plain token is
// returned once and only its hash stored.
func (s *Store) CreateAPIToken(ctx context.Context, userID, name string) (string, error) {
	tok := "nbr_" + secret.Token()
	err := s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO api_tokens (id, user_id, token_hash, name, created_at) VALUES (?, ?, ?, ?, ?)",
			secret.ID(), userID, secret.TokenHash(tok), name, s.ts(s.now()))
		return err
	})
	return tok, err
}

// TokenPrincipal resolves a bearer token.
func (s *Store) TokenPrincipal(ctx context.Context, token string) (*auth.Principal, error) {
	var userID string
	err := s.queryRow(ctx, "SELECT user_id FROM api_tokens WHERE token_hash = ?", secret.TokenHash(token)).Scan(&userID)
	if err != nil {
		if errs.Is(classify(err), errs.NotFound) {
			return nil, errs.E(errs.Unauthorized, "Onbekend of ingetrokken API-token.")
		}
		return nil, classify(err)
	}
	return s.activePrincipal(ctx, userID)
}

// String for debugging without secrets.
func (u User) String() string { return fmt.Sprintf("user %s", u.ID) }

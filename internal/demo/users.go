package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/store"
)

// UsersStep makes one login per role (and a second regisseur and
// wijkcoordinator) with a random
// password, returned in w.Logins and the Summary. Passwords are never
// deterministic: anyone who knows the seed must not know them.
type UsersStep struct{}

func (UsersStep) Name() string { return "users" }

// demoLogins are the accounts made: the local part of the address and the role.
var demoLogins = []struct {
	local string
	role  auth.Role
}{
	{"regisseur", auth.Regisseur},
	{"regisseur2", auth.Regisseur},
	{"teamleider", auth.Teamleider},
	{"beleid", auth.Beleid},
	{"beheer", auth.Beheer},
	// A partner (say, the housing corporation) that only reports signals.
	{"melder", auth.Melder},
	// A second coordinator of the same wijken: the second pair of eyes on
	// paper ballots. Before the first, so steps that take the last
	// coordinator login (and the e2e tests, which read the last printed
	// line per role) keep the first one.
	{"wijkcoordinator2", auth.Wijkcoordinator},
	// Moderates and answers for two wijken (CoordinatorWijken).
	{"wijkcoordinator", auth.Wijkcoordinator},
}

func (UsersStep) Run(ctx context.Context, w *World, st *store.Store) error {
	logins := make([]Login, len(demoLogins))
	for i, d := range demoLogins {
		logins[i] = Login{Role: d.role, Email: LoginEmail(w.Gemeente.Naam, d.local), Password: Password()}
	}
	if st != nil {
		hashes, err := hashAll(logins)
		if err != nil {
			return err
		}
		for i, d := range demoLogins {
			name := d.role.Label() + " (demo)"
			if d.local == "regisseur2" || d.local == "wijkcoordinator2" {
				name = d.role.Label() + " 2 (demo)"
			}
			u := &store.User{
				Email:        logins[i].Email,
				Name:         name,
				PasswordHash: hashes[i],
				Grants:       []auth.Grant{{Gemeente: w.Gemeente.Code, Role: d.role}},
			}
			if err := st.CreateUser(ctx, u); err != nil {
				return fmt.Errorf("login %s: %w", d.local, err)
			}
			if d.role == auth.Wijkcoordinator {
				if err := st.SetCoordinatorWijken(ctx, u.ID, w.Gemeente.Code, CoordinatorWijken(w)); err != nil {
					return fmt.Errorf("login %s: %w", d.local, err)
				}
			}
		}
	}
	w.Logins = append(w.Logins, logins...)
	return nil
}

// hashAll hashes the passwords one after the other: argon2id already uses
// two threads (and 64 MiB) per hash, so running hashes side by side gains
// nothing on a small server. Five take about 0.7 s.
func hashAll(logins []Login) ([]string, error) {
	hashes := make([]string, len(logins))
	for i, l := range logins {
		h, err := auth.HashPassword(l.Password)
		if err != nil {
			return nil, err
		}
		hashes[i] = h
	}
	return hashes, nil
}

// LoginEmail is the address of a demo login: local@<gemeente>.demo.naober.nl,
// the gemeente name lower-cased without accents, spaces, apostrophes and
// other punctuation ("'s-Gravenhage" gives s-gravenhage).
func LoginEmail(gemeenteNaam, local string) string {
	var b strings.Builder
	for _, r := range store.Fold(gemeenteNaam) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		}
	}
	return local + "@" + strings.Trim(b.String(), "-") + ".demo.naober.nl"
}

// passwordAlphabet leaves out look-alikes (0 O o, 1 l I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// Password returns a random password of four groups of four characters
// (19 characters, about 92 bits), from crypto/rand.
func Password() string {
	const n = 16
	out := make([]byte, 0, n+3)
	buf := make([]byte, 64)
	limit := byte(256 - 256%len(passwordAlphabet)) // no modulo bias
	for count := 0; count < n; {
		if _, err := rand.Read(buf); err != nil {
			panic(err) // crypto/rand.Read does not fail on supported platforms
		}
		for _, c := range buf {
			if c >= limit || count == n {
				continue
			}
			if count > 0 && count%4 == 0 {
				out = append(out, '-')
			}
			out = append(out, passwordAlphabet[int(c)%len(passwordAlphabet)])
			count++
		}
	}
	return string(out)
}

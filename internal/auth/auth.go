// Package auth decides who may do what: roles per gemeente, password hashes,
// and login throttling. It knows nothing of HTTP or SQL.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Role is what a user may do in one gemeente.
type Role string

const (
	Regisseur       Role = "regisseur"       // works cases
	Teamleider      Role = "teamleider"      // approves, sees the team
	Beleid          Role = "beleid"          // policy advisor: aggregates only, never a person
	Beheer          Role = "beheer"          // administers users, reads the audit log
	Melder          Role = "melder"          // a partner (home care, GP, school, ...) that reports signals
	Wijkcoordinator Role = "wijkcoordinator" // moderates and answers for the wijken assigned to them
)

// Roles lists every role, in the order the UI shows them.
var Roles = []Role{Regisseur, Teamleider, Beleid, Beheer, Melder, Wijkcoordinator}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("onbekende rol %q (kies uit regisseur, teamleider, beleid, beheer, melder, wijkcoordinator)", s)
}

// Label is the Dutch name of the role.
func (r Role) Label() string {
	switch r {
	case Regisseur:
		return "Regisseur"
	case Teamleider:
		return "Teamleider"
	case Beleid:
		return "Beleidsadviseur"
	case Beheer:
		return "Beheerder"
	case Melder:
		return "Melder (partner)"
	case Wijkcoordinator:
		return "Wijkcoördinator"
	}
	return string(r)
}

// Permission is something a role may do.
type Permission int

const (
	ReadPersons      Permission = iota // see and search persons and households
	WritePersons                       // create and change them
	ReadAudit                          // search the audit log
	ManageUsers                        // add users and roles
	ReadMonitor                        // the population monitor: disclosure-controlled aggregates only
	ReportSignal                       // report a concern to the wijkteam
	ApproveSpend                       // decide on a maatwerk spend (never one's own)
	ApproveLarge                       // decide on a spend above the budget's threshold
	ManageTeam                         // teams, budgets and client profiles
	ReadSensitive                      // notes marked sensitive
	ImportExchange                     // import iJw/iWmo messages; the report holds no personal data, so this grants no reading of persons
	ModerateWijk                       // hide and answer wishes, keep the wijkagenda, enter paper ballots; only in the wijken of coordinator_wijken
	ManageWijkbudget                   // open a wijkbudget vote and review its proposals (feasibility and cost)
	ReadOutbox                         // see e-mail kept in the outbox when no SMTP server is set
	ManageMeetings                     // organise meetings: wijk meetings in coordinator_wijken (wijkcoordinator), network meetings of the gemeente (beleid); write the report
	ManageFund                         // run the gemeente's neighbourhood funds: review applications, decide (four eyes: never alone, never one's own review), pay tranches
	MatchHelp                          // voor elkaar: see, match and follow up requests in coordinator_wijken, including those of vulnerable people that are never public
)

var grants = map[Role][]Permission{
	Regisseur:       {ReadPersons, WritePersons, ReadMonitor, ReportSignal, ApproveSpend},
	Teamleider:      {ReadPersons, WritePersons, ReadMonitor, ReportSignal, ApproveSpend, ApproveLarge, ManageTeam, ReadSensitive},
	Beleid:          {ReadMonitor, ReportSignal, ManageWijkbudget, ManageMeetings, ManageFund},
	Beheer:          {ReadAudit, ManageUsers, ManageTeam, ReportSignal, ImportExchange, ReadOutbox},
	Melder:          {ReportSignal},
	Wijkcoordinator: {ModerateWijk, ManageWijkbudget, ManageMeetings, ManageFund, MatchHelp},
}

// Allows reports whether the role carries the permission.
func (r Role) Allows(p Permission) bool {
	for _, g := range grants[r] {
		if g == p {
			return true
		}
	}
	return false
}

// Grant is one role in one gemeente.
type Grant struct {
	Gemeente string `json:"gemeente"`
	Role     Role   `json:"rol"`
}

// Principal is the signed-in user as the rest of the program sees it.
type Principal struct {
	UserID string
	Email  string
	Name   string
	Grants []Grant
	// Resident is set when the user is a resident (a residents profile,
	// usually without roles); nil for professionals.
	Resident *Resident
	// Wijken are the wijk codes a wijkcoordinator answers for.
	Wijken []string
}

// Resident is what the program knows of a signed-in resident. Residents have no
// BSN here: their address only places them in a wijk.
type Resident struct {
	Gemeente    string
	Wijk        string
	DisplayName string
	Verified    bool // the e-mail address was confirmed through the link
}

// ResidentOf reports whether the principal is a verified resident of the wijk:
// the only ones who may post, support and vote there.
func (p *Principal) ResidentOf(wijk string) bool {
	return p != nil && p.Resident != nil && p.Resident.Verified && p.Resident.Wijk == wijk
}

// CoordinatorOf reports whether the principal may moderate the wijk: the
// wijkcoordinator role in its gemeente and the wijk among their wijken.
func (p *Principal) CoordinatorOf(gemeente, wijk string) bool {
	if !p.Can(ModerateWijk, gemeente) {
		return false
	}
	for _, w := range p.Wijken {
		if w == wijk {
			return true
		}
	}
	return false
}

// Gemeenten where the principal holds a role with the permission, sorted.
func (p *Principal) Gemeenten(perm Permission) []string {
	seen := map[string]bool{}
	var out []string
	if p == nil {
		return nil
	}
	for _, g := range p.Grants {
		if g.Role.Allows(perm) && !seen[g.Gemeente] {
			seen[g.Gemeente] = true
			out = append(out, g.Gemeente)
		}
	}
	sort.Strings(out)
	return out
}

// Can reports whether the principal holds the permission in the gemeente.
func (p *Principal) Can(perm Permission, gemeente string) bool {
	return p.RoleFor(perm, gemeente) != ""
}

// RoleFor is the role that grants perm in the gemeente (the first one), for
// the audit record; "" when none does.
func (p *Principal) RoleFor(perm Permission, gemeente string) Role {
	if p == nil {
		return ""
	}
	for _, g := range p.Grants {
		if g.Gemeente == gemeente && g.Role.Allows(perm) {
			return g.Role
		}
	}
	return ""
}

// CanAnywhere reports whether the principal holds the permission in any gemeente.
func (p *Principal) CanAnywhere(perm Permission) bool { return len(p.Gemeenten(perm)) > 0 }

// RolesLabel lists the grants for the page header: "Regisseur (GM0119)".
func (p *Principal) RolesLabel() string {
	var s []string
	for _, g := range p.Grants {
		s = append(s, g.Role.Label()+" ("+g.Gemeente+")")
	}
	return strings.Join(s, ", ")
}

// argon2id parameters (RFC 9106 second recommendation, lower memory).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// HashPassword returns an encoded argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	if err := CheckPasswordStrength(pw); err != nil {
		return "", err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// ErrWeakPassword is returned for passwords too short to protect personal data.
var ErrWeakPassword = errors.New("een wachtwoord heeft minstens 12 tekens")

// CheckPasswordStrength enforces a minimum length (NCSC advice: length over rules).
func CheckPasswordStrength(pw string) error {
	if len([]rune(pw)) < 12 {
		return ErrWeakPassword
	}
	if len(pw) > 1024 {
		return errors.New("een wachtwoord heeft hooguit 1024 tekens")
	}
	return nil
}

// VerifyPassword compares in constant time.
func VerifyPassword(encoded, pw string) bool {
	var version, mem, t int
	var threads uint8
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &threads); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, uint32(t), uint32(mem), threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// DummyVerify spends the same time as a real check, so a login for an unknown
// e-mail address cannot be told apart by timing.
func DummyVerify(pw string) {
	VerifyPassword(dummyHash, pw)
}

var dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$" + base64.RawStdEncoding.EncodeToString(make([]byte, 32))

// Package demo generates a believable demo gemeente: synthetic buurten and a
// postcode table on the real CBS wijken, households and persons known to
// the social domain, and one login per role. Generation is deterministic:
// the same Config gives the same areas, households, persons and ids (the
// login passwords excepted, which are random on every run).
//
// The work is split into Steps that share a World. The foundation has three
// (areas, households, users); later features (cases, provisions, costs,
// signals) append their own steps, which read the World the earlier steps
// built.
package demo

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// Defaults and limits of a Config.
const (
	DefaultGemeente   = "GM0119" // Meppel
	DefaultHouseholds = 1200
	// MaxHouseholds keeps the population inside the BSN test range: only
	// about 9,090 valid numbers start with 9999, and a household brings 2.3
	// persons on average.
	MaxHouseholds = 3000
)

// Config says what to generate.
type Config struct {
	Gemeente   string      // CBS code, e.g. "GM0119" (Meppel, the default); any of the 342
	Seed       int64       // same seed + config => same data (ids included)
	Households int         // default 1200: households known to the social domain, not every resident
	Today      people.Date // reference date for ages; callers pass people.Today(), tests a fixed date
}

func (c Config) withDefaults() Config {
	if c.Gemeente == "" {
		c.Gemeente = DefaultGemeente
	}
	if c.Households == 0 {
		c.Households = DefaultHouseholds
	}
	if c.Today.IsZero() {
		c.Today = people.Today()
	}
	return c
}

// Login is a demo account; Password is only known here, the store keeps its hash.
type Login struct {
	Role     auth.Role
	Email    string
	Password string
}

// Summary tells the caller what was made, and how to log in.
type Summary struct {
	Gemeente, Naam      string
	Households, Persons int
	Wijken, Buurten     int
	Logins              []Login
	Residents           []DemoResident
	ResidentPassword    string
}

// Kind is the composition of a household, as a wijkteam would describe it.
type Kind string

const (
	KindSingle       Kind = "alleenstaand"
	KindSingleParent Kind = "eenoudergezin"
	KindCoupleKids   Kind = "paar met kinderen"
	KindCouple       Kind = "paar zonder kinderen"
	KindOther        Kind = "overig"
)

// World is the generated population in memory, before and after it is
// written; later steps read it (and may add to it).
type World struct {
	Config Config
	// Rand is the source for the running step. Run reseeds it before every
	// step from Seed, the gemeente and the step's name, so adding a step
	// never changes what the other steps make.
	Rand     *rand.Rand
	Atlas    *area.Atlas
	Gemeente area.Gemeente
	Wijken   []area.Wijk // the real CBS wijken of the gemeente, by code
	// WijkWeights is each wijk's relative share of the households
	// (small for industrial and rural wijken, 0.6–1.6 for the others).
	WijkWeights map[string]float64
	Buurten     []store.Buurt        // synthetic, 2–5 per wijk
	Postcodes   []store.PostcodeArea // the address table: one row per postcode, by buurt
	// Households with their members, complete persons (BSN included).
	// Members[0] is the reference person (hoofdbewoner) of the household;
	// a person can appear in two households (a child who moved out and
	// lives on their own), always with the same Person.ID.
	Households []people.Household
	Kinds      map[string]Kind // household id -> composition
	Logins     []Login
	// Residents are verified residents' accounts (ResidentsStep), all
	// with ResidentPassword.
	Residents        []DemoResident
	ResidentPassword string
	// Actor is the system user the steps write with: a regisseur of the
	// gemeente with purpose "demo-gegevens aanmaken".
	Actor store.Actor
	// Casework is the case work of the teams and casework steps: teams,
	// colleagues, budgets, and the history of signals, cases, assessments,
	// plans, provisions, spends and notes (nil before those steps).
	Casework *Casework

	profile  originProfile
	wijkInfo map[string]*wijkInfo
	addrUsed map[string]bool
	bsnPool  []string
	bsnNext  int
}

// Step adds one kind of data. Run generates into w and, when st is not
// nil, writes through st's public methods with w.Actor. A nil st is a dry
// run: the World is built in memory only (for tests and previews).
type Step interface {
	Name() string
	Run(ctx context.Context, w *World, st *store.Store) error
}

// DefaultSteps are the foundation (areas, households and persons, logins)
// and case work (wijkteams with budgets; two years of signals, cases,
// assessments, plans, provisions, spends and notes).
func DefaultSteps() []Step {
	return []Step{AreasStep{}, HouseholdsStep{}, UsersStep{}, ResidentsStep{}, WishesStep{}, VotesStep{}, MeetingsStep{}, TeamsStep{}, CaseworkStep{}, VoorElkaarStep{}, FundStep{}}
}

// ErrExists is returned when the gemeente already holds demo data in the
// store (a demo login exists): generating again would clash on the ids.
var ErrExists = errors.New("demo: this gemeente already has demo data")

// Generate builds the demo gemeente of cfg and writes it to st with the
// given steps (DefaultSteps when none are given).
func Generate(ctx context.Context, st *store.Store, atlas *area.Atlas, cfg Config, steps ...Step) (Summary, error) {
	w, err := NewWorld(atlas, cfg)
	if err != nil {
		return Summary{}, err
	}
	return w.Run(ctx, st, steps...)
}

// NewWorld checks cfg (filling in the defaults) and returns an empty World
// for it, with the wijken, their weights and the system actor.
func NewWorld(atlas *area.Atlas, cfg Config) (*World, error) {
	if atlas == nil {
		return nil, errors.New("demo: no atlas")
	}
	cfg = cfg.withDefaults()
	gm, ok := atlas.Gemeente(cfg.Gemeente)
	if !ok {
		return nil, fmt.Errorf("demo: unknown gemeente %q (use a CBS code such as GM0119)", cfg.Gemeente)
	}
	if cfg.Households < 1 || cfg.Households > MaxHouseholds {
		return nil, fmt.Errorf("demo: households must be between 1 and %d, not %d", MaxHouseholds, cfg.Households)
	}
	w := &World{
		Config:      cfg,
		Atlas:       atlas,
		Gemeente:    gm,
		Wijken:      atlas.Wijken(gm.Code),
		WijkWeights: map[string]float64{},
		Kinds:       map[string]Kind{},
		wijkInfo:    map[string]*wijkInfo{},
		addrUsed:    map[string]bool{},
		Actor: store.Actor{
			P: &auth.Principal{
				UserID: "systeem",
				Email:  "demo@naober.local",
				Name:   "naober demo",
				Grants: []auth.Grant{{Gemeente: gm.Code, Role: auth.Regisseur}},
			},
			Purpose: audit.PurposeDemo,
		},
	}
	w.Rand = w.rand("world")
	w.profile = profileFor(gm.Code, len(w.Wijken))
	for _, wk := range w.Wijken {
		wi := newWijkInfo(wk)
		w.wijkInfo[wk.Code] = wi
		w.WijkWeights[wk.Code] = wi.weight
	}
	return w, nil
}

// Run runs the steps (DefaultSteps when none are given) in order. With a
// store, it first makes sure the gemeente is a tenant.
func (w *World) Run(ctx context.Context, st *store.Store, steps ...Step) (Summary, error) {
	if len(steps) == 0 {
		steps = DefaultSteps()
	}
	if st != nil {
		if err := st.EnsureTenant(ctx, w.Gemeente.Code, w.Gemeente.Naam); err != nil {
			return Summary{}, fmt.Errorf("demo: tenant %s: %w", w.Gemeente.Code, err)
		}
		if err := w.checkFresh(ctx, st, steps); err != nil {
			return Summary{}, err
		}
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return Summary{}, err
		}
		w.Rand = w.rand(s.Name())
		if err := s.Run(ctx, w, st); err != nil {
			return Summary{}, fmt.Errorf("demo %s: step %s: %w", w.Gemeente.Code, s.Name(), err)
		}
	}
	return w.Summary(), nil
}

// checkFresh refuses to add households or logins to a gemeente that has
// demo logins already: the deterministic ids would clash halfway.
func (w *World) checkFresh(ctx context.Context, st *store.Store, steps []Step) error {
	adds := slices.ContainsFunc(steps, func(s Step) bool {
		switch s.(type) {
		case HouseholdsStep, *HouseholdsStep, UsersStep, *UsersStep:
			return true
		}
		return false
	})
	if !adds {
		return nil
	}
	_, err := st.UserByEmail(ctx, LoginEmail(w.Gemeente.Naam, string(auth.Regisseur)))
	switch {
	case err == nil:
		return fmt.Errorf("%w (%s %s); start with an empty database", ErrExists, w.Gemeente.Code, w.Gemeente.Naam)
	case errs.Is(err, errs.NotFound):
		return nil
	default:
		return fmt.Errorf("demo: %w", err)
	}
}

// Summary counts what the World holds.
func (w *World) Summary() Summary {
	return Summary{
		Gemeente:   w.Gemeente.Code,
		Naam:       w.Gemeente.Naam,
		Households: len(w.Households),
		Persons:    len(w.Persons()),
		Wijken:     len(w.Wijken),
		Buurten:    len(w.Buurten),
		Logins:     slices.Clone(w.Logins),

		Residents:        slices.Clone(w.Residents),
		ResidentPassword: w.ResidentPassword,
	}
}

// Persons lists every person once, in order of first appearance.
func (w *World) Persons() []people.Person {
	seen := map[string]bool{}
	var out []people.Person
	for _, h := range w.Households {
		for _, m := range h.Members {
			if !seen[m.Person.ID] {
				seen[m.Person.ID] = true
				out = append(out, m.Person)
			}
		}
	}
	return out
}

// NewID returns an opaque id of the same form as secret.ID (20 characters),
// drawn from w.Rand so that it is reproducible.
func (w *World) NewID() string {
	var b [15]byte
	for i := 0; i < len(b); i += 5 {
		v := w.Rand.Uint64()
		for j := 0; j < 5; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// NewBSN hands out the next unused BSN of the test range (9999xxxxx, valid
// under the 11-proef), in an order fixed by Seed and gemeente. Steps that
// make persons draw from this one pool, so BSNs never repeat.
func (w *World) NewBSN() (string, error) {
	if w.bsnPool == nil {
		w.bsnPool = testBSNs()
		w.rand("bsn").Shuffle(len(w.bsnPool), func(i, j int) { w.bsnPool[i], w.bsnPool[j] = w.bsnPool[j], w.bsnPool[i] })
	}
	if w.bsnNext >= len(w.bsnPool) {
		return "", fmt.Errorf("the BSN test range 9999xxxxx is used up (%d numbers)", len(w.bsnPool))
	}
	b := w.bsnPool[w.bsnNext]
	w.bsnNext++
	return b, nil
}

// testBSNs lists every valid BSN that starts with 9999.
func testBSNs() []string {
	out := make([]string, 0, 9100)
	for n := 0; n < 10000; n++ {
		d := [8]int{9, 9, 9, 9, n / 1000, n / 100 % 10, n / 10 % 10, n % 10}
		sum := 0
		for i, v := range d {
			sum += (9 - i) * v
		}
		check := sum % 11 // sum - check must be divisible by 11
		if check > 9 {
			continue
		}
		out = append(out, fmt.Sprintf("9999%04d%d", n, check))
	}
	return out
}

// rand returns a source seeded from Seed, the gemeente and a name.
func (w *World) rand(name string) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(w.Config.Seed), hash64(w.Gemeente.Code+"/"+name)))
}

// hash64 is FNV-1a with the splitmix64 finaliser, so that codes that
// differ in their last character still differ in the high bits.
func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hashFloat maps s to a fixed number in [0, 1).
func hashFloat(s string) float64 { return float64(hash64(s)>>11) / (1 << 53) }

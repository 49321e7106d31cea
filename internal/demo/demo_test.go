package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

var today = people.MustDate("2026-03-01")

func atlas(t testing.TB) *area.Atlas {
	t.Helper()
	a, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// dryRun builds a World without a store.
func dryRun(t testing.TB, cfg Config) *World {
	t.Helper()
	if cfg.Today.IsZero() {
		cfg.Today = today
	}
	w, err := NewWorld(atlas(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return w
}

// generate builds a World and writes it to a fresh SQLite store.
func generate(t testing.TB, cfg Config, steps ...Step) (*World, *store.Store, Summary) {
	t.Helper()
	if cfg.Today.IsZero() {
		cfg.Today = today
	}
	st := storetest.SQLite(t)
	w, err := NewWorld(atlas(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := w.Run(context.Background(), st, steps...)
	if err != nil {
		t.Fatal(err)
	}
	return w, st, sum
}

// dump lists everything generated that must be reproducible.
func dump(w *World) string {
	var b strings.Builder
	for _, bu := range w.Buurten {
		fmt.Fprintln(&b, bu)
	}
	for _, pc := range w.Postcodes {
		fmt.Fprintln(&b, pc)
	}
	for _, h := range w.Households {
		fmt.Fprintln(&b, h.ID, h.Address(), h.Wijk, h.Buurt, w.Kinds[h.ID])
		for _, m := range h.Members {
			p := m.Person
			fmt.Fprintln(&b, " ", m.ID, m.Rol, m.Start, p.ID, p.BSN, p.Name(), p.Geboortedatum, p.Geslacht)
			if m.Eind != nil {
				fmt.Fprintln(&b, "  until", *m.Eind)
			}
		}
	}
	return b.String()
}

func TestSameSeedSameWorld(t *testing.T) {
	a := dump(dryRun(t, Config{Seed: 7}))
	b := dump(dryRun(t, Config{Seed: 7}))
	if a != b {
		t.Fatal("the same seed gave different worlds")
	}
	c := dryRun(t, Config{Seed: 8})
	if a == dump(c) {
		t.Fatal("another seed gave the same world")
	}
	w := dryRun(t, Config{Seed: 7})
	if w.Households[0].ID == c.Households[0].ID || w.Households[0].Members[0].Person.BSN == c.Households[0].Members[0].Person.BSN {
		t.Error("another seed starts with the same household")
	}
	// The map of a gemeente does not depend on the seed.
	for i := range w.Postcodes {
		if w.Postcodes[i] != c.Postcodes[i] {
			t.Fatalf("postcode %d differs between seeds: %v, %v", i, w.Postcodes[i], c.Postcodes[i])
		}
	}
}

// noLogins skips the password hashing, which is slow under -race.
var noLogins = []Step{AreasStep{}, HouseholdsStep{}}

func TestSameSeedSameStore(t *testing.T) {
	t.Parallel()
	cfg := Config{Seed: 3, Households: 40}
	w1, st1, _ := generate(t, cfg, noLogins...)
	w2, st2, _ := generate(t, cfg, noLogins...)
	if dump(w1) != dump(w2) {
		t.Fatal("the same seed gave different worlds")
	}
	list := func(st *store.Store, w *World) string {
		page, err := st.ListHouseholds(context.Background(), w.Actor, store.HouseholdFilter{PerPage: 200})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, h := range page.Items {
			fmt.Fprintln(&b, h.ID, h.Address(), h.Wijk, h.Buurt, h.MemberCount)
		}
		return b.String()
	}
	if l1, l2 := list(st1, w1), list(st2, w2); l1 != l2 || l1 == "" {
		t.Fatalf("stores differ:\n%s\n---\n%s", l1, l2)
	}
}

func TestBSNs(t *testing.T) {
	for _, n := range []int{DefaultHouseholds, MaxHouseholds} {
		w := dryRun(t, Config{Seed: 1, Households: n})
		seen := map[string]bool{}
		for _, p := range w.Persons() {
			if !people.ValidBSN(p.BSN) || !strings.HasPrefix(p.BSN, "9999") {
				t.Fatalf("person %s: BSN not valid in the test range", p.ID)
			}
			if seen[p.BSN] {
				t.Fatalf("BSN repeated (person %s)", p.ID)
			}
			seen[p.BSN] = true
		}
		if len(seen) < 2*n {
			t.Errorf("%d households hold only %d persons", n, len(seen))
		}
	}
	if n := len(testBSNs()); n < 9000 || n > 9100 {
		t.Errorf("%d valid BSNs start with 9999, want about 9,090", n)
	}
}

func TestPlacement(t *testing.T) {
	for _, gm := range []string{"GM0119", "GM0363", "GM0392"} {
		t.Run(gm, func(t *testing.T) {
			w := dryRun(t, Config{Gemeente: gm, Seed: 2})
			wijken := map[string]bool{}
			for _, wk := range w.Wijken {
				wijken[wk.Code] = true
			}
			buurtWijk := map[string]string{}
			for _, b := range w.Buurten {
				if !b.Synthetic || b.Gemeente != gm || !area.ValidBuurtCode(b.Code) {
					t.Fatalf("bad buurt %+v", b)
				}
				buurtWijk[b.Code] = b.Wijk
			}
			perWijk := map[string]int{}
			addr := map[string]bool{}
			for _, h := range w.Households {
				if !wijken[h.Wijk] {
					t.Fatalf("household %s in wijk %s, not of %s", h.ID, h.Wijk, gm)
				}
				if buurtWijk[h.Buurt] != h.Wijk {
					t.Fatalf("household %s: buurt %s is not in wijk %s", h.ID, h.Buurt, h.Wijk)
				}
				if pc, ok := people.NormalizePostcode(h.Postcode); !ok || pc != h.Postcode {
					t.Fatalf("household %s: bad postcode %q", h.ID, h.Postcode)
				}
				if err := people.ValidateHousehold(&h); err != nil {
					t.Fatalf("household %s: %v", h.ID, err)
				}
				if addr[h.Address()] {
					t.Fatalf("address %s used twice", h.Address())
				}
				addr[h.Address()] = true
				perWijk[h.Wijk]++
			}
			if len(perWijk) < len(w.Wijken)*9/10 {
				t.Errorf("households in %d of %d wijken", len(perWijk), len(w.Wijken))
			}
			// Heavy wijken hold more households than industrial ones.
			var low, normal, nLow, nNormal float64
			for _, wk := range w.Wijken {
				if w.wijkInfo[wk.Code].low {
					low += float64(perWijk[wk.Code])
					nLow++
				} else {
					normal += float64(perWijk[wk.Code])
					nNormal++
				}
			}
			if nLow > 0 && low/nLow > normal/nNormal/3 {
				t.Errorf("low-population wijken hold %.1f households on average, others %.1f", low/nLow, normal/nNormal)
			}
		})
	}
}

func TestPostcodes(t *testing.T) {
	for _, gm := range []string{"GM0119", "GM0363", "GM0392", "GM0518"} {
		w := dryRun(t, Config{Gemeente: gm, Seed: 1})
		buurtWijk := map[string]string{}
		for _, b := range w.Buurten {
			buurtWijk[b.Code] = b.Wijk
		}
		pc4Wijken := map[string]map[string]bool{}
		seen := map[string]bool{}
		for _, pc := range w.Postcodes {
			if _, ok := people.NormalizePostcode(pc.Postcode); !ok {
				t.Fatalf("%s: invalid postcode %s", gm, pc.Postcode)
			}
			if seen[pc.Postcode] {
				t.Fatalf("%s: postcode %s in two buurten", gm, pc.Postcode)
			}
			seen[pc.Postcode] = true
			if buurtWijk[pc.Buurt] != pc.Wijk || pc.Gemeente != gm || pc.HuisnummerVan < 1 || pc.HuisnummerTot < pc.HuisnummerVan {
				t.Fatalf("%s: bad row %+v", gm, pc)
			}
			if gm == "GM0119" && (pc.Postcode[:4] < "7940" || pc.Postcode[:4] > "7949") {
				t.Fatalf("Meppel postcode %s outside 7940–7949", pc.Postcode)
			}
			if pc4Wijken[pc.Postcode[:4]] == nil {
				pc4Wijken[pc.Postcode[:4]] = map[string]bool{}
			}
			pc4Wijken[pc.Postcode[:4]][pc.Wijk] = true
		}
		// Each wijk has PC4 numbers of its own; only where there are fewer
		// numbers than wijken (Meppel) do light wijken share one.
		shared := 0
		for _, ws := range pc4Wijken {
			if len(ws) > 1 {
				shared++
			}
		}
		if gm != "GM0119" && shared > 0 {
			t.Errorf("%s: %d PC4 numbers shared by several wijken", gm, shared)
		}
		if gm == "GM0119" && len(pc4Wijken) != 10 {
			t.Errorf("Meppel uses %d PC4 numbers, want all 10", len(pc4Wijken))
		}
	}
	// Every gemeente gets valid postcodes, clear of Meppel's.
	a := atlas(t)
	for _, g := range a.Gemeenten() {
		nums := pc4Numbers(g.Code, len(a.Wijken(g.Code)))
		for _, n := range nums {
			if n < 1000 || n > 9999 || g.Code != "GM0119" && n >= 7940 && n <= 7949 {
				t.Fatalf("%s: PC4 %d", g.Code, n)
			}
		}
	}
}

func TestEveryGemeente(t *testing.T) {
	t.Parallel()
	a := atlas(t)
	for _, g := range a.Gemeenten() {
		w, err := NewWorld(a, Config{Gemeente: g.Code, Seed: 1, Households: 20, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Run(context.Background(), nil, AreasStep{}, HouseholdsStep{}); err != nil {
			t.Fatalf("%s %s: %v", g.Code, g.Naam, err)
		}
		if n := len(w.Buurten); n < 2*len(w.Wijken) || n > 5*len(w.Wijken) {
			t.Fatalf("%s: %d buurten for %d wijken", g.Code, n, len(w.Wijken))
		}
	}
}

const dayYears = 365.2425

func yearsBetween(a, b people.Date) float64 { return b.Time().Sub(a.Time()).Hours() / 24 / dayYears }

// stem undoes the Polish female form, for comparing family names.
func stem(s string) string {
	if strings.HasSuffix(s, "ska") || strings.HasSuffix(s, "cka") {
		return strings.TrimSuffix(s, "a") + "i"
	}
	return s
}

func TestAgesAndRoles(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		w := dryRun(t, Config{Seed: seed, Gemeente: []string{"GM0119", "GM0363", "GM0392"}[seed-1]})
		var kids, kidsWithParentName, sameName int
		for _, h := range w.Households {
			kind := w.Kinds[h.ID]
			names := map[string]bool{}
			for _, m := range h.Members {
				first := strings.Fields(m.Person.Voornamen)[0]
				if names[first] && m.Rol == "kind" {
					sameName++
				}
				names[first] = true
			}
			var ouders, partners, kinderen []people.Member
			for _, m := range h.Members {
				p := m.Person
				if err := people.ValidatePerson(&p, today); err != nil {
					t.Fatalf("%s: %v", p.ID, err)
				}
				if err := people.ValidateMember(&m); err != nil {
					t.Fatalf("%s: %v", p.ID, err)
				}
				if m.Start.Before(p.Geboortedatum) || today.Before(m.Start) {
					t.Errorf("%s %s: membership starts %s, born %s", kind, m.Rol, m.Start, p.Geboortedatum)
				}
				if m.Eind != nil && today.Before(*m.Eind) {
					t.Errorf("%s: membership ends in the future", p.ID)
				}
				switch m.Rol {
				case "ouder":
					ouders = append(ouders, m)
				case "partner":
					partners = append(partners, m)
				case "kind":
					kinderen = append(kinderen, m)
				}
				if m.Rol != "kind" && m.Start.Before(p.Geboortedatum.AddYears(18)) {
					t.Errorf("%s %s %s joined before 18", kind, m.Rol, p.ID)
				}
			}
			for _, o := range ouders {
				if age := o.Person.Age(today); age < 18 {
					t.Errorf("ouder aged %d", age)
				}
				for _, k := range kinderen {
					d := yearsBetween(o.Person.Geboortedatum, k.Person.Geboortedatum)
					if d < 20-0.01 || d > 45+0.01 {
						t.Errorf("%s: ouder %.1f years older than kind", kind, d)
					}
				}
			}
			for _, p := range partners {
				if p.Person.Age(today) < 18 {
					t.Errorf("partner under 18")
				}
				for _, k := range kinderen {
					if !p.Person.Geboortedatum.Before(k.Person.Geboortedatum) {
						t.Errorf("kind older than partner")
					}
				}
			}
			adults := append(append([]people.Member{}, ouders...), partners...)
			if kind == KindCouple || kind == KindCoupleKids {
				if len(adults) != 2 {
					t.Fatalf("%s with %d partners/ouders", kind, len(adults))
				}
				if d := math.Abs(yearsBetween(adults[0].Person.Geboortedatum, adults[1].Person.Geboortedatum)); d > 11 {
					t.Errorf("%s: partners %.1f years apart", kind, d)
				}
			}
			if kind == KindSingleParent || kind == KindCoupleKids {
				if len(kinderen) == 0 {
					t.Errorf("%s without children", kind)
				}
				for _, k := range kinderen {
					if age := k.Person.Age(today); k.Eind == nil && age > 22 {
						t.Errorf("%s: child at home aged %d", kind, age)
					}
					kids++
					for _, o := range ouders {
						if stem(o.Person.Achternaam) == stem(k.Person.Achternaam) {
							kidsWithParentName++
							break
						}
					}
				}
			}
			if kind == KindSingle && (len(h.Members) != 1 || h.Members[0].Person.Age(today) < 18) {
				t.Errorf("single household %+v", h.Members)
			}
		}
		if share := float64(kidsWithParentName) / float64(kids); share < 0.7 {
			t.Errorf("only %.0f%% of children carry the name of a parent in the household", 100*share)
		}
		if sameName > kids/100 {
			t.Errorf("%d of %d children share their first name with someone at home", sameName, kids)
		}
	}
}

// TestComposition checks the calibrated shares loosely, and that the
// generator produces the rarer cases at all.
func TestComposition(t *testing.T) {
	meppel := dryRun(t, Config{Seed: 5})
	kinds := map[Kind]float64{}
	singles, singles75 := 0.0, 0.0
	for _, h := range meppel.Households {
		kinds[meppel.Kinds[h.ID]]++
		if meppel.Kinds[h.ID] == KindSingle {
			singles++
			if h.Members[0].Person.Age(today) >= 75 {
				singles75++
			}
		}
	}
	for _, ks := range kindShares {
		got := 100 * kinds[ks.kind] / float64(len(meppel.Households))
		if math.Abs(got-ks.share) > 5 {
			t.Errorf("%s: %.1f%% of households, want about %.0f%%", ks.kind, got, ks.share)
		}
	}
	if s := singles75 / singles; s < 0.2 || s > 0.5 {
		t.Errorf("%.0f%% of singles are 75+", 100*s)
	}
	count := func(w *World, f func(h people.Household, m people.Member) bool) int {
		n := 0
		for _, h := range w.Households {
			for _, m := range h.Members {
				if f(h, m) {
					n++
				}
			}
		}
		return n
	}
	if n := count(meppel, func(_ people.Household, m people.Member) bool { return m.Person.Geslacht == "onbekend" }); n == 0 || n > 30 {
		t.Errorf("%d persons of unknown gender, want a handful", n)
	}
	if n := count(meppel, func(_ people.Household, m people.Member) bool { return m.Eind != nil && m.Rol == "kind" }); n < 10 {
		t.Errorf("%d children moved out", n)
	}
	if n := count(meppel, func(_ people.Household, m people.Member) bool { return m.Person.Tussenvoegsel != "" }); n < 200 {
		t.Errorf("%d persons with a tussenvoegsel", n)
	}
	if n := count(meppel, func(h people.Household, _ people.Member) bool { return h.Toevoeging != "" }); n == 0 {
		t.Error("no address with a toevoeging")
	}
	members := count(meppel, func(people.Household, people.Member) bool { return true })
	if persons := len(meppel.Persons()); persons == members {
		t.Error("no person in two households (a child who moved out)")
	}
	// Amsterdam has far more residents with a migration background than Meppel.
	dutch := func(w *World) float64 {
		nl := map[string]bool{}
		for _, s := range nameSets[oNL].surnames {
			nl[s.name] = true
		}
		ps := w.Persons()
		n := 0
		for _, p := range ps {
			if nl[p.Achternaam] {
				n++
			}
		}
		return float64(n) / float64(len(ps))
	}
	ams := dryRun(t, Config{Seed: 5, Gemeente: "GM0363"})
	if m, a := dutch(meppel), dutch(ams); m < 0.7 || a > 0.7 || a >= m {
		t.Errorf("Dutch surnames: Meppel %.0f%%, Amsterdam %.0f%%", 100*m, 100*a)
	}
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	cfg := Config{Seed: 11, Households: 120, Today: today}
	w, err := NewWorld(atlas(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := w.Run(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Gemeente != "GM0119" || sum.Naam != "Meppel" || sum.Households != 120 || sum.Persons < 240 ||
		sum.Wijken != 14 || sum.Buurten < 28 || len(sum.Logins) != 8 || len(sum.Residents) != 12 {
		t.Errorf("summary %+v", sum)
	}
	tenants, err := st.Tenants(ctx)
	if err != nil || len(tenants) != 1 || tenants[0] != (store.Tenant{Gemeente: "GM0119", Naam: "Meppel"}) {
		t.Errorf("tenants %v, %v", tenants, err)
	}
	bs, err := st.Buurten(ctx, "GM0119")
	if err != nil || len(bs) != sum.Buurten || !bs[0].Synthetic {
		t.Errorf("buurten %d (%v), want %d synthetic", len(bs), err, sum.Buurten)
	}

	// Everything is in the store, as planned.
	page, err := st.ListHouseholds(ctx, w.Actor, store.HouseholdFilter{PerPage: 200})
	if err != nil || page.Total != 120 {
		t.Fatalf("%d households stored (%v)", page.Total, err)
	}
	for _, h := range w.Households[:20] {
		got, err := st.GetHousehold(ctx, w.Actor, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Address() != h.Address() || got.Wijk != h.Wijk || got.Buurt != h.Buurt || len(got.Members) != len(h.Members) {
			t.Errorf("stored %s %s/%s with %d members, want %s %s/%s with %d", got.Address(), got.Wijk, got.Buurt, len(got.Members),
				h.Address(), h.Wijk, h.Buurt, len(h.Members))
		}
	}
	p := w.Households[0].Members[0].Person
	hits, err := st.FindByBSN(ctx, w.Actor, p.BSN)
	if err != nil || len(hits) != 1 || hits[0].ID != p.ID || hits[0].Bron != people.SourceDemo {
		t.Errorf("FindByBSN: %v, %v", hits, err)
	}
	// A child who moved out is in two households: the store knows both.
	households := map[string]int{}
	for _, h := range w.Households {
		for _, m := range h.Members {
			households[m.Person.ID]++
		}
	}
	twice := 0
	for id, n := range households {
		if n < 2 {
			continue
		}
		twice++
		d, err := st.GetPerson(ctx, w.Actor, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Memberships) != n {
			t.Errorf("person in %d households, %d in the store", n, len(d.Memberships))
		}
	}
	if twice == 0 {
		t.Error("no person in two households; choose another seed")
	}

	// A new household with only postcode and house number lands in the
	// wijk and buurt of the demo postcode.
	for _, pc := range []store.PostcodeArea{w.Postcodes[0], w.Postcodes[len(w.Postcodes)/2], w.Postcodes[len(w.Postcodes)-1]} {
		h := people.Household{Gemeente: "GM0119", Postcode: people.FormatPostcode(pc.Postcode), Huisnummer: pc.HuisnummerTot, Toevoeging: "Z"}
		if err := st.CreateHousehold(ctx, w.Actor, &h); err != nil {
			t.Fatal(err)
		}
		if h.Wijk != pc.Wijk || h.Buurt != pc.Buurt {
			t.Errorf("%s %d placed in %s/%s, want %s/%s", pc.Postcode, pc.HuisnummerTot, h.Wijk, h.Buurt, pc.Wijk, pc.Buurt)
		}
	}
	outside := people.Household{Gemeente: "GM0119", Postcode: w.Postcodes[0].Postcode, Huisnummer: w.Postcodes[0].HuisnummerTot + 500}
	if err := st.CreateHousehold(ctx, w.Actor, &outside); err == nil {
		t.Error("a house number outside the table was placed")
	}

	// The logins work, with their roles.
	emails := map[string]bool{}
	for i, l := range sum.Logins {
		emails[l.Email] = true
		u, err := st.UserByEmail(ctx, l.Email)
		if err != nil {
			t.Fatalf("%s: %v", l.Email, err)
		}
		if !auth.VerifyPassword(u.PasswordHash, l.Password) {
			t.Errorf("%s: the password is refused", l.Email)
		}
		if i == 0 && auth.VerifyPassword(u.PasswordHash, sum.Logins[1].Password) {
			t.Errorf("%s: another password is accepted", l.Email)
		}
		if len(u.Grants) != 1 || u.Grants[0] != (auth.Grant{Gemeente: "GM0119", Role: l.Role}) {
			t.Errorf("%s: grants %v", l.Email, u.Grants)
		}
		if len(l.Password) < 12 {
			t.Errorf("%s: password too short", l.Email)
		}
	}
	for _, r := range auth.Roles {
		if !emails[string(r)+"@meppel.demo.naober.nl"] {
			t.Errorf("no login for %s", r)
		}
	}

	// A second run on the same store is refused, before it writes.
	if _, err := Generate(ctx, st, atlas(t), cfg); !errors.Is(err, ErrExists) {
		t.Errorf("second run: %v, want ErrExists", err)
	}
}

func TestOtherGemeenten(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		gm, naam, domain string
		steps            []Step
	}{
		{"GM0363", "Amsterdam", "amsterdam.demo.naober.nl", DefaultSteps()},
		{"GM0392", "Haarlem", "haarlem.demo.naober.nl", noLogins},
	} {
		t.Run(c.gm, func(t *testing.T) {
			w, st, sum := generate(t, Config{Gemeente: c.gm, Seed: 1, Households: 60}, c.steps...)
			if sum.Naam != c.naam || sum.Households != 60 || sum.Wijken != len(w.Wijken) {
				t.Errorf("summary %+v", sum)
			}
			for _, l := range sum.Logins {
				if !strings.HasSuffix(l.Email, "@"+c.domain) {
					t.Errorf("login %s", l.Email)
				}
			}
			page, err := st.ListHouseholds(context.Background(), w.Actor, store.HouseholdFilter{Gemeente: c.gm, PerPage: 200})
			if err != nil || page.Total != 60 {
				t.Fatalf("%d households (%v)", page.Total, err)
			}
			for _, h := range page.Items {
				if !strings.HasPrefix(h.Wijk, "WK"+c.gm[2:]) || !strings.HasPrefix(h.Buurt, "BU"+h.Wijk[2:]) {
					t.Errorf("household in %s/%s", h.Wijk, h.Buurt)
				}
			}
			if c.gm == "GM0363" && !strings.ContainsAny(w.Households[0].Wijk[6:]+w.Households[1].Wijk[6:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
				t.Errorf("Amsterdam wijk codes without letters: %s", w.Households[0].Wijk)
			}
		})
	}
}

func TestTwoGemeentenOneStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	for _, gm := range []string{"GM0119", "GM0392"} {
		if _, err := Generate(ctx, st, atlas(t), Config{Gemeente: gm, Seed: 1, Households: 20, Today: today}, noLogins...); err != nil {
			t.Fatal(err)
		}
	}
	tenants, _ := st.Tenants(ctx)
	if len(tenants) != 2 {
		t.Errorf("tenants %v", tenants)
	}
}

func TestLoginEmail(t *testing.T) {
	for naam, want := range map[string]string{
		"Meppel":          "beheer@meppel.demo.naober.nl",
		"'s-Gravenhage":   "beheer@s-gravenhage.demo.naober.nl",
		"Súdwest-Fryslân": "beheer@sudwest-fryslan.demo.naober.nl",
		"Bergen (NH.)":    "beheer@bergennh.demo.naober.nl",
		"Hof van Twente":  "beheer@hofvantwente.demo.naober.nl",
	} {
		if got := LoginEmail(naam, "beheer"); got != want {
			t.Errorf("%s: %s, want %s", naam, got, want)
		}
	}
}

func TestPassword(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		p := Password()
		if len(p) != 19 || auth.CheckPasswordStrength(p) != nil || strings.ContainsAny(p, "0O1lI") {
			t.Fatalf("password %q", p)
		}
		if seen[p] {
			t.Fatal("password repeated")
		}
		seen[p] = true
	}
}

func TestConfig(t *testing.T) {
	a := atlas(t)
	if _, err := NewWorld(a, Config{Gemeente: "GM9999"}); err == nil {
		t.Error("unknown gemeente accepted")
	}
	if _, err := NewWorld(a, Config{Households: MaxHouseholds + 1}); err == nil {
		t.Error("too many households accepted")
	}
	w, err := NewWorld(a, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if w.Config.Gemeente != DefaultGemeente || w.Config.Households != DefaultHouseholds || w.Config.Today.IsZero() {
		t.Errorf("defaults %+v", w.Config)
	}
	if _, err := w.Run(context.Background(), nil, HouseholdsStep{}); err == nil {
		t.Error("households without areas")
	}
}

// extraStep stands for a later feature: it reads the World and adds to it.
type extraStep struct{ seen int }

func (s *extraStep) Name() string { return "extra" }
func (s *extraStep) Run(_ context.Context, w *World, _ *store.Store) error {
	s.seen = len(w.Households)
	_, err := w.NewBSN()
	return err
}

func TestExtraStep(t *testing.T) {
	w := dryRun(t, Config{Seed: 1, Households: 50})
	before := dump(w)
	x := &extraStep{}
	w2, _ := NewWorld(atlas(t), Config{Seed: 1, Households: 50, Today: today})
	if _, err := w2.Run(context.Background(), nil, append(DefaultSteps(), x)...); err != nil {
		t.Fatal(err)
	}
	if x.seen != 50 {
		t.Errorf("the extra step saw %d households", x.seen)
	}
	if dump(w2) != before {
		t.Error("adding a step changed what the other steps made")
	}
}

func BenchmarkGenerate(b *testing.B) {
	a := atlas(b)
	for b.Loop() {
		b.StopTimer()
		st := storetest.SQLite(b)
		b.StartTimer()
		if _, err := Generate(context.Background(), st, a, Config{Seed: 1, Households: DefaultHouseholds, Today: today}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenerateDryRun(b *testing.B) {
	a := atlas(b)
	for b.Loop() {
		w, err := NewWorld(a, Config{Seed: 1, Households: DefaultHouseholds, Today: today})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Run(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
	}
}

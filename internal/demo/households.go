package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// Household composition of the people a wijkteam knows, in percent.
//
// Calibration: all Dutch households (CBS 2024, approx.) are 39% one person,
// 28% couples without and 25% with children, 7% single parents, 1% other.
// The social domain sees a different mix: Wmo (72 per 1,000 residents,
// DOMAIN.md) goes mostly to people over 75, half of whom live alone; youth
// care (10.6% of under-23s) comes with families, single-parent families
// over-represented; bijstand and debts weigh on singles and single parents.
// So singles (with many 75+) and single parents are shifted up, couples
// down. Age shares within the kinds use the wijk's elderly factor (see
// wijkInfo), whose spread comes from the Haaglanden wijkprofielen.
var kindShares = []struct {
	kind  Kind
	share float64
}{
	{KindSingle, 44},
	{KindSingleParent, 14},
	{KindCoupleKids, 21},
	{KindCouple, 16},
	{KindOther, 5},
}

// Age bands of singles: [from, to) years and base weight; bands from 65
// are scaled by the wijk's elderly factor. 35% of singles are 75+.
var singleAges = []struct{ from, to, weight float64 }{
	{18, 30, 12}, {30, 50, 18}, {50, 65, 20}, {65, 75, 15}, {75, 85, 20}, {85, 99, 15},
}

const yearDays = 365.2425

// HouseholdsStep makes the households and their members, spread over the
// wijken by weight, each at an address of the postcode table, and writes
// them through CreateHousehold (placed by postcode and house number only)
// and CreatePerson/AddMember.
type HouseholdsStep struct{}

func (HouseholdsStep) Name() string { return "households" }

func (HouseholdsStep) Run(ctx context.Context, w *World, st *store.Store) error {
	if len(w.Buurten) == 0 {
		return errors.New("no buurten: run the areas step first")
	}
	start := len(w.Households)
	g := &gen{w: w, r: w.Rand, today: w.Config.Today}
	for len(w.Households) < w.Config.Households {
		if err := g.household(); err != nil {
			return err
		}
	}
	if st == nil {
		return nil
	}
	return w.writeHouseholds(ctx, st, start)
}

// writeHouseholds stores w.Households[start:]. A household is created from
// its address alone, so the store's placement by the postcode table is
// checked against the plan on every household.
func (w *World) writeHouseholds(ctx context.Context, st *store.Store, start int) error {
	written := map[string]bool{}
	for _, h := range w.Households[:start] {
		for _, m := range h.Members {
			written[m.Person.ID] = true
		}
	}
	for _, h := range w.Households[start:] {
		hh := people.Household{ID: h.ID, Gemeente: h.Gemeente, Postcode: h.Postcode, Huisnummer: h.Huisnummer, Toevoeging: h.Toevoeging}
		if err := st.CreateHousehold(ctx, w.Actor, &hh); err != nil {
			return fmt.Errorf("household %s: %w", h.Address(), err)
		}
		if hh.Wijk != h.Wijk || hh.Buurt != h.Buurt {
			return fmt.Errorf("household %s: the address table placed it in %s/%s, not %s/%s", h.Address(), hh.Wijk, hh.Buurt, h.Wijk, h.Buurt)
		}
		for _, m := range h.Members {
			mm := m
			if written[m.Person.ID] {
				mm.Person = people.Person{ID: m.Person.ID}
				if err := st.AddMember(ctx, w.Actor, &mm); err != nil {
					return fmt.Errorf("household %s: member: %w", h.Address(), err)
				}
				continue
			}
			p := m.Person
			if err := st.CreatePerson(ctx, w.Actor, &p, &mm); err != nil {
				return fmt.Errorf("household %s: person: %w", h.Address(), err)
			}
			written[p.ID] = true
		}
	}
	return nil
}

// gen makes households one at a time.
type gen struct {
	w     *World
	r     *rand.Rand
	today people.Date
	err   error // the first failure (BSNs used up)
}

func (g *gen) household() error {
	w := g.w
	wi := g.wijk()
	o := w.profile.pick(g.r, wi.diversity)
	kind := kindShares[pickWeighted(g.r, len(kindShares), func(i int) float64 { return kindShares[i].share })].kind
	var ms []people.Member
	var movedOut *people.Member
	switch kind {
	case KindSingle:
		ms = g.single(o, wi)
	case KindSingleParent, KindCoupleKids:
		f := g.family(o, kind == KindSingleParent)
		ms, movedOut = f.members, f.movedOut
	case KindCouple:
		ms = g.couple(o, wi)
	case KindOther:
		ms, movedOut = g.other(o)
	}
	if g.err != nil {
		return g.err
	}
	if err := g.add(wi, kind, ms); err != nil {
		return err
	}
	// Half the children who left home live on their own in the gemeente
	// and are known to the social domain themselves.
	if movedOut != nil && len(w.Households) < w.Config.Households && g.r.IntN(2) == 0 {
		return g.add(g.wijk(), KindSingle, []people.Member{{Person: movedOut.Person, Rol: "overig", Start: *movedOut.Eind}})
	}
	return nil
}

// wijk draws a wijk by weight.
func (g *gen) wijk() *wijkInfo {
	ws := g.w.Wijken
	i := pickWeighted(g.r, len(ws), func(i int) float64 { return g.w.WijkWeights[ws[i].Code] })
	return g.w.wijkInfo[ws[i].Code]
}

// add places the members at a free address in the wijk.
func (g *gen) add(wi *wijkInfo, kind Kind, ms []people.Member) error {
	h, err := g.w.address(g.r, wi)
	if err != nil {
		return err
	}
	h.ID = g.w.NewID()
	for i := range ms {
		ms[i].ID = g.w.NewID()
		ms[i].Household = h.ID
	}
	h.Members = ms
	for _, m := range ms {
		if m.Eind == nil {
			h.MemberCount++ // as the store counts: current members
		}
	}
	g.w.Households = append(g.w.Households, h)
	g.w.Kinds[h.ID] = kind
	return nil
}

// --- people ---

func (g *gen) person(o origin, gender string, birth people.Date, sn surname) people.Person {
	bsn, err := g.w.NewBSN()
	if err != nil && g.err == nil {
		g.err = err
	}
	sn = sn.forGender(gender)
	return people.Person{
		ID:            g.w.NewID(),
		Gemeente:      g.w.Gemeente.Code,
		BSN:           bsn,
		Voornamen:     firstNames(g.r, o, gender, birth.Year()),
		Tussenvoegsel: sn.tv,
		Achternaam:    sn.name,
		Geboortedatum: birth,
		Geslacht:      gender,
		Bron:          people.SourceDemo,
	}
}

// gender gives "vrouw" with chance pWoman, else "man"; one person in 400
// is registered as "onbekend".
func (g *gen) gender(pWoman float64) string {
	switch {
	case g.r.IntN(400) == 0:
		return "onbekend"
	case g.r.Float64() < pWoman:
		return "vrouw"
	}
	return "man"
}

// ago is the date the given number of years (fractional) before today.
func (g *gen) ago(years float64) people.Date {
	return g.today.AddDays(-int(math.Round(years * yearDays)))
}

// birthAtAge is a random birth date of someone exactly age years old today.
func (g *gen) birthAtAge(age int) people.Date {
	from := g.today.AddYears(-age - 1).AddDays(1)
	return g.between(from, g.today.AddYears(-age).AddDays(1))
}

// between is a random date in [from, to); from when the range is empty.
func (g *gen) between(from, to people.Date) people.Date {
	n := days(from, to)
	if n <= 0 {
		return from
	}
	return from.AddDays(g.r.IntN(n))
}

func days(from, to people.Date) int {
	return int(math.Round(to.Time().Sub(from.Time()).Hours() / 24))
}

func later(a, b people.Date) people.Date {
	if a.Before(b) {
		return b
	}
	return a
}

// partnerOrigin: one couple in eight is mixed.
func (g *gen) partnerOrigin(o origin) origin {
	if g.r.IntN(8) != 0 {
		return o
	}
	if o != oNL {
		return oNL
	}
	return g.w.profile.pickOther(g.r)
}

// otherSurname is the surname of a parent who is not in the household:
// mostly of the same origin.
func (g *gen) otherSurname(o origin) surname {
	if g.r.IntN(7) == 0 {
		o = g.w.profile.pick(g.r, 1)
	}
	return randomSurname(g.r, o)
}

func clamp(x, lo, hi float64) float64 { return max(lo, min(hi, x)) }

// partnerGap is how much older the man is: mostly 0–5 years, within 10.
func (g *gen) partnerGap() float64 { return clamp(2.5+3*g.r.NormFloat64(), -5, 10) }

// --- household kinds ---

// single is one adult; at 75+ mostly a widow.
func (g *gen) single(o origin, wi *wijkInfo) []people.Member {
	b := singleAges[pickWeighted(g.r, len(singleAges), func(i int) float64 {
		if singleAges[i].from >= 65 {
			return singleAges[i].weight * wi.elderly
		}
		return singleAges[i].weight
	})]
	age := int(b.from) + g.r.IntN(int(b.to-b.from))
	pWoman := 0.45
	switch {
	case age >= 75:
		pWoman = 0.7
	case age >= 65:
		pWoman = 0.55
	}
	gender := g.gender(pWoman)
	p := g.person(o, gender, g.birthAtAge(age), randomSurname(g.r, o))
	start := g.between(later(p.Geboortedatum.AddYears(18), g.today.AddYears(-45)), g.today.AddDays(-30))
	return []people.Member{{Person: p, Rol: "overig", Start: start}}
}

// kidAges returns n ages (or fewer: none older than 22), eldest first,
// 1.3–5 years apart, the youngest between 0 and 17.5.
func (g *gen) kidAges(n int) []float64 {
	ages := []float64{0.05 + 17.45*g.r.Float64()}
	for len(ages) < n {
		next := ages[len(ages)-1] + 1.3 + 3.7*g.r.Float64()
		if next >= 22.9 {
			break
		}
		ages = append(ages, next)
	}
	slices.Reverse(ages)
	return ages
}

var (
	kidsCouple = []float64{35, 40, 18, 7} // 1, 2, 3, 4 children
	kidsSingle = []float64{50, 35, 12, 3}
)

// famResult is a family with what the "other" kind builds on.
type famResult struct {
	members  []people.Member
	mother   surname        // her family name (the grandfather's)
	movedOut *people.Member // an elder child who left home, if any
}

// family is a couple or a single parent with children aged 0–22. Parents
// are 20–45 years older than each child; partners within 10 years. It may
// hold an elder child who has moved out (membership ended) and, for single
// parents, the parent who left.
func (g *gen) family(o origin, singleParent bool) famResult {
	dist := kidsCouple
	if singleParent {
		dist = kidsSingle
	}
	ages := g.kidAges(1 + pickWeighted(g.r, len(dist), func(i int) float64 { return dist[i] }))
	left := false
	if g.r.Float64() < 0.15 { // an elder child who has left home
		if s := ages[0] + 1.3 + 3*g.r.Float64(); s >= 18.6 && s <= 27 && s-ages[len(ages)-1] <= 24 {
			ages = append([]float64{s}, ages...)
			left = true
		}
	}
	span := ages[0] - ages[len(ages)-1]
	eldest := g.ago(ages[0])
	youngest := g.ago(ages[len(ages)-1])

	// Mother's age at the eldest's birth is around 29, so that she is
	// 20–44 years older than every child; the father's within 10 years.
	a1 := clamp(29+5*g.r.NormFloat64(), 20, 44-span)
	a2 := clamp(a1+g.partnerGap(), 20, 45-span)
	motherBirth, fatherBirth := eldest.AddDays(-int(a1*yearDays)), eldest.AddDays(-int(a2*yearDays))
	mo, fo := o, o
	if !singleParent {
		fo = g.partnerOrigin(o)
	}
	res := famResult{mother: randomSurname(g.r, mo)}
	fatherSn := randomSurname(g.r, fo)
	coupleStart := g.between(later(later(motherBirth, fatherBirth).AddYears(18), eldest.AddYears(-10)), eldest.AddDays(1))
	mother := func() people.Person { return g.person(mo, "vrouw", motherBirth, res.mother) }
	var father people.Person // when he is, or was, in the household
	add := func(p people.Person, rol string, start people.Date) {
		res.members = append(res.members, people.Member{Person: p, Rol: rol, Start: start})
	}

	// Who lives here, and whose name do the children carry? Mostly the
	// father's; the mother's for some, and with single mothers often.
	kidSn, kidOrigin := fatherSn, fo
	switch {
	case singleParent && g.r.IntN(100) < 15: // a single father
		father = g.person(fo, "man", fatherBirth, fatherSn)
		add(father, "ouder", coupleStart)
		if g.r.IntN(10) == 0 {
			kidSn, kidOrigin = res.mother, mo
		}
	case singleParent:
		add(mother(), "ouder", coupleStart)
		if g.r.IntN(4) == 0 && days(youngest.AddDays(180), g.today.AddDays(-30)) > 0 {
			// The father lived here too, and left.
			end := g.between(youngest.AddDays(180), g.today.AddDays(-30))
			father = g.person(fo, "man", fatherBirth, fatherSn)
			res.members = append(res.members, people.Member{Person: father, Rol: "ouder", Start: coupleStart, Eind: &end})
			if g.r.IntN(100) < 15 {
				kidSn, kidOrigin = res.mother, mo
			}
		} else if g.r.IntN(100) < 45 {
			kidSn, kidOrigin = res.mother, mo
		}
	case g.r.IntN(100) < 12 && days(eldest.AddYears(1), g.today.AddDays(-60)) > 0:
		// A stepfamily: the mother's new partner moved in later; the
		// children carry her name or that of their absent father.
		m := mother()
		add(m, "ouder", coupleStart)
		age := int(clamp(float64(m.Age(g.today))+g.partnerGap(), max(20, float64(m.Age(g.today))-5), 99))
		step := g.person(fo, "man", g.birthAtAge(age), fatherSn)
		add(step, "partner", g.between(later(eldest.AddYears(1), step.Geboortedatum.AddYears(18)), g.today.AddDays(-60)))
		kidOrigin = mo
		if kidSn = res.mother; g.r.IntN(2) == 0 {
			kidSn = g.otherSurname(mo)
		}
	default:
		father = g.person(fo, "man", fatherBirth, fatherSn)
		add(mother(), "ouder", coupleStart)
		add(father, "ouder", coupleStart)
		if g.r.IntN(100) < 15 {
			kidSn, kidOrigin = res.mother, mo
		}
	}
	// Eritrean and Somali children are mostly named after their father.
	if kidSn == fatherSn && nameSets[fo].patronymic && father.ID != "" && g.r.IntN(10) < 7 {
		kidSn = surname{name: firstWord(father.Voornamen), o: fo}
	}
	for i, a := range ages {
		birth := g.ago(a)
		ko := kidOrigin // first names from either side in a mixed family
		if mo != fo && g.r.IntN(2) == 0 {
			ko = mo
			if kidOrigin == mo {
				ko = fo
			}
		}
		kid := g.person(ko, g.gender(0.49), birth, kidSn)
		for try := 0; try < 5 && usedName(res.members, kid.Voornamen); try++ {
			kid.Voornamen = firstNames(g.r, ko, kid.Geslacht, birth.Year())
		}
		m := people.Member{Person: kid, Rol: "kind", Start: birth}
		if i == 0 && left {
			end := g.between(birth.AddYears(18), g.today.AddDays(-30))
			m.Eind = &end
			c := m
			res.movedOut = &c
		}
		res.members = append(res.members, m)
	}
	return res
}

// usedName reports whether someone in ms has the same first voornaam
// (parents rarely give a child their own or a sibling's name).
func usedName(ms []people.Member, voornamen string) bool {
	for _, m := range ms {
		if firstWord(m.Person.Voornamen) == firstWord(voornamen) {
			return true
		}
	}
	return false
}

func firstWord(s string) string {
	for i, r := range s {
		if r == ' ' {
			return s[:i]
		}
	}
	return s
}

// couple is two partners without children at home; 45% (times the wijk's
// elderly factor) are 65 or older. Three couples in a hundred are of the
// same sex.
func (g *gen) couple(o origin, wi *wijkInfo) []people.Member {
	var ageW float64
	if g.r.Float64() < clamp(0.45*wi.elderly, 0.1, 0.85) {
		ageW = clamp(65+8*g.r.ExpFloat64(), 65, 96)
	} else {
		ageW = 22 + 43*g.r.Float64()
	}
	ageM := clamp(ageW+g.partnerGap(), 19, 99)
	g1, g2 := "vrouw", "man"
	if g.r.IntN(100) < 3 {
		if g.r.IntN(2) == 0 {
			g1 = "man"
		} else {
			g2 = "vrouw"
		}
	}
	po := g.partnerOrigin(o)
	a := g.person(o, g1, g.birthAtAge(int(ageW)), randomSurname(g.r, o))
	b := g.person(po, g2, g.birthAtAge(int(ageM)), randomSurname(g.r, po))
	start := g.between(later(a.Geboortedatum, b.Geboortedatum).AddYears(18), g.today.AddDays(-60))
	return []people.Member{{Person: a, Rol: "partner", Start: start}, {Person: b, Rol: "partner", Start: start}}
}

// other is what remains: an adult child living with a parent, two adults
// sharing a home (siblings or friends), or three generations under one
// roof.
func (g *gen) other(o origin) ([]people.Member, *people.Member) {
	switch n := g.r.IntN(100); {
	case n < 55: // an adult child (23+) living with a parent
		age := 55 + g.r.IntN(34)
		psn := randomSurname(g.r, o)
		parent := g.person(o, g.gender(0.7), g.birthAtAge(age), psn)
		diff := 20 + g.r.Float64()*float64(min(42, age-23)-20)
		birth := parent.Geboortedatum.AddDays(int(diff * yearDays))
		sn := psn
		if parent.Geslacht != "man" && g.r.IntN(10) < 4 {
			sn = g.otherSurname(o) // the father's
		}
		child := g.person(o, g.gender(0.4), birth, sn)
		pStart := g.between(parent.Geboortedatum.AddYears(18), birth.AddDays(1))
		cStart := birth
		if g.r.IntN(2) == 0 { // came back home
			cStart = g.between(birth.AddYears(22), g.today.AddDays(-30))
		}
		return []people.Member{{Person: parent, Rol: "ouder", Start: pStart}, {Person: child, Rol: "kind", Start: cStart}}, nil
	case n < 80: // two adults sharing a home
		age := 25 + g.r.IntN(51)
		asn := randomSurname(g.r, o)
		a := g.person(o, g.gender(0.5), g.birthAtAge(age), asn)
		var b people.Person
		if g.r.IntN(2) == 0 { // siblings
			age2 := int(clamp(float64(age+g.r.IntN(23)-11), 20, 90))
			b = g.person(o, g.gender(0.5), g.birthAtAge(age2), asn)
		} else { // friends
			po := g.partnerOrigin(o)
			age2 := int(clamp(float64(age+g.r.IntN(17)-8), 20, 90))
			b = g.person(po, g.gender(0.5), g.birthAtAge(age2), randomSurname(g.r, po))
		}
		s1 := g.between(later(a.Geboortedatum, b.Geboortedatum).AddYears(18), g.today.AddDays(-60))
		s2 := g.between(s1, g.today.AddDays(-30))
		return []people.Member{{Person: a, Rol: "overig", Start: s1}, {Person: b, Rol: "overig", Start: s2}}, nil
	default: // a grandparent moved in with a family
		f := g.family(o, false)
		mother := f.members[0]
		age := int(clamp(float64(mother.Person.Age(g.today))+20+18*g.r.Float64(), 60, 98))
		gender := g.gender(0.6)
		sn := f.mother // her father
		if gender != "man" {
			sn = randomSurname(g.r, o) // her mother (or his) keeps her own name
		}
		gp := g.person(o, gender, g.birthAtAge(age), sn)
		since := g.between(later(g.today.AddYears(-8), mother.Start.AddDays(1)), g.today.AddDays(-30))
		return append(f.members, people.Member{Person: gp, Rol: "overig", Start: since}), f.movedOut
	}
}

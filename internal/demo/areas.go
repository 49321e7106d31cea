package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// wijkInfo is what the generator knows of one real wijk.
type wijkInfo struct {
	wijk   area.Wijk
	weight float64 // relative number of households
	low    bool    // name suggests few residents
	// diversity scales the share of residents with a migration background,
	// elderly the share of elderly households. Both are log-uniform and
	// fixed per wijk; their ranges are the 10th–90th percentile spread
	// between the 70 Haaglanden wijken of 2022 (wijk_rates_haaglanden.csv:
	// %_MajorEthnicity_Non-Western 0.10–0.58 around a mean of 0.27,
	// %_Above80 0.015–0.092 around 0.046).
	diversity, elderly float64
	pc4                []int
	buurten            []*buurtInfo
}

type buurtInfo struct {
	code     string
	wijk     string
	weight   float64
	pc6      []*pc6
	capacity int // addresses, units of flats counted
}

// pc6 is one postcode: a stretch of a street, or a block of flats whose
// numbers each hold several homes told apart by a toevoeging.
type pc6 struct {
	postcode string
	van, tot int
	units    int  // >0: a block of flats with this many homes per number
	letters  bool // flats numbered A, B, C... instead of 1, 2, 3...
}

func (p *pc6) capacity() int { return (p.tot - p.van + 1) * max(1, p.units) }

// lowKeywords mark wijken where few people live.
var lowKeywords = []string{"industrie", "bedrijven", "bedrijfs", "haven", "verspreid", "buitengebied",
	"recreatie", "landelijk", "natuurgebied"}

func newWijkInfo(wk area.Wijk) *wijkInfo {
	wi := &wijkInfo{wijk: wk}
	name := strings.ToLower(wk.Naam)
	for _, k := range lowKeywords {
		if strings.Contains(name, k) {
			wi.low = true
		}
	}
	if wi.low {
		wi.weight = 0.05 + 0.1*hashFloat("weight/"+wk.Code)
	} else {
		wi.weight = 0.6 + 1.0*hashFloat("weight/"+wk.Code)
	}
	wi.diversity = logUniform(0.35, 2.1, hashFloat("diversity/"+wk.Code))
	wi.elderly = logUniform(0.33, 2.0, hashFloat("elderly/"+wk.Code))
	return wi
}

func logUniform(lo, hi, u float64) float64 { return lo * math.Pow(hi/lo, u) }

// AreasStep splits every wijk into 2–5 synthetic buurten and gives them
// synthetic but plausible postcodes, registered in the store's address
// table, so that an address alone places a household in its wijk and buurt.
// The map depends on the gemeente and the number of households only, not on
// Seed: every demo of a gemeente has the same buurten and postcodes.
type AreasStep struct{}

func (AreasStep) Name() string { return "areas" }

func (AreasStep) Run(ctx context.Context, w *World, st *store.Store) error {
	if len(w.Buurten) > 0 {
		return errors.New("the areas exist already")
	}
	r := rand.New(rand.NewPCG(hash64("areas/"+w.Gemeente.Code), uint64(w.Config.Households)))
	infos := make([]*wijkInfo, len(w.Wijken))
	sumW := 0.0
	for i, wk := range w.Wijken {
		infos[i] = w.wijkInfo[wk.Code]
		sumW += infos[i].weight
	}
	assignPC4(infos, pc4Numbers(w.Gemeente.Code, len(infos)))

	cursor := map[int]int{} // next letter pair per PC4 number
	for _, wi := range infos {
		n := 2 + int(hash64("buurten/"+wi.wijk.Code)%4) // 2..5
		if wi.low {
			n = 2
		}
		bs := area.SyntheticBuurten(wi.wijk, n)
		if len(bs) != n {
			return fmt.Errorf("wijk %s: cannot make buurten", wi.wijk.Code)
		}
		sumB := 0.0
		for _, b := range bs {
			bi := &buurtInfo{code: b.Code, wijk: wi.wijk.Code, weight: 0.5 + r.Float64()}
			sumB += bi.weight
			wi.buurten = append(wi.buurten, bi)
			w.Buurten = append(w.Buurten, store.Buurt{Code: b.Code, Wijk: b.Wijk, Gemeente: w.Gemeente.Code, Naam: b.Naam, Synthetic: true})
		}
		for j, bi := range wi.buurten {
			// About one demo household per 1.5 postcodes: a postcode holds
			// some 15–20 addresses and roughly one household in twelve is
			// known to the social domain.
			expected := float64(w.Config.Households) * wi.weight / sumW * bi.weight / sumB
			n6 := max(3, int(math.Ceil(expected/1.5)))
			for k := 0; k < n6; k++ {
				code, err := nextPostcode(cursor, wi.pc4, j, r)
				if err != nil {
					return fmt.Errorf("wijk %s: %w", wi.wijk.Code, err)
				}
				p := &pc6{postcode: code}
				if k == 0 || r.Float64() < 0.5 { // a new street
					p.van = 1 + r.IntN(2)
				} else { // the street goes on
					p.van = bi.pc6[k-1].tot + 1
				}
				if r.Float64() < 0.12 {
					p.units = 4 + r.IntN(13)
					p.letters = r.IntN(3) == 0
					p.tot = p.van + r.IntN(6)
				} else {
					p.tot = p.van + 7 + r.IntN(41)
				}
				bi.pc6 = append(bi.pc6, p)
				bi.capacity += p.capacity()
				w.Postcodes = append(w.Postcodes, store.PostcodeArea{
					Postcode: p.postcode, HuisnummerVan: p.van, HuisnummerTot: p.tot,
					Gemeente: w.Gemeente.Code, Wijk: wi.wijk.Code, Buurt: bi.code,
				})
			}
		}
	}
	if st == nil {
		return nil
	}
	if err := st.PutBuurten(ctx, w.Buurten); err != nil {
		return fmt.Errorf("buurten: %w", err)
	}
	if err := st.PutPostcodeAreas(ctx, w.Postcodes); err != nil {
		return fmt.Errorf("postcodes: %w", err)
	}
	return nil
}

// pc4Numbers gives the gemeente's 4-digit postcode numbers: Meppel's real
// 7940–7949, elsewhere a block of about 4/3 numbers per wijk at a base
// derived from the gemeente code (first digit never 0, clear of Meppel).
func pc4Numbers(gemeente string, wijken int) []int {
	if gemeente == "GM0119" {
		return []int{7940, 7941, 7942, 7943, 7944, 7945, 7946, 7947, 7948, 7949}
	}
	count := wijken + (wijken+2)/3
	base := 1000 + int(hash64("pc4/"+gemeente)%uint64(9000-count))
	if base <= 7949 && base+count-1 >= 7940 {
		if 7950+count-1 <= 9999 {
			base = 7950
		} else {
			base = 7940 - count
		}
	}
	out := make([]int, count)
	for i := range out {
		out[i] = base + i
	}
	return out
}

// assignPC4 gives every wijk its own numbers, in code order, the spare
// numbers going to the heaviest wijken. With fewer numbers than wijken
// (Meppel: 14 wijken, 10 numbers) the lightest wijken share the number of
// the wijk before them, with letters of their own, as PC4 areas do cross
// wijk borders in reality.
func assignPC4(infos []*wijkInfo, nums []int) {
	byWeight := make([]int, len(infos))
	for i := range byWeight {
		byWeight[i] = i
	}
	sort.SliceStable(byWeight, func(a, b int) bool { return infos[byWeight[a]].weight > infos[byWeight[b]].weight })
	own := make([]int, len(infos))
	for k, i := range byWeight {
		if k < len(nums) {
			own[i] = 1
		}
	}
	for spare, k := len(nums)-len(infos), 0; spare > 0; spare, k = spare-1, k+1 {
		own[byWeight[k%len(infos)]]++
	}
	next := 0
	for i, wi := range infos {
		wi.pc4 = nil
		for j := 0; j < own[i]; j++ {
			wi.pc4 = append(wi.pc4, nums[next])
			next++
		}
	}
	for i, wi := range infos {
		if len(wi.pc4) > 0 {
			continue
		}
		for j := 1; j < len(infos); j++ { // the nearest wijk before, or else after
			if k := i - j; k >= 0 && own[k] > 0 {
				wi.pc4 = infos[k].pc4[:1:1]
				break
			}
			if k := i + j; k < len(infos) && own[k] > 0 {
				wi.pc4 = infos[k].pc4[:1:1]
				break
			}
		}
	}
}

const letterPairs = 26 * 26

// nextPostcode takes the next free letter pair of one of the wijk's PC4
// numbers (buurt j starts at number j mod n). Letters run AA, AB, ... with
// an occasional gap; SA, SD and SS are never used in Dutch postcodes.
func nextPostcode(cursor map[int]int, pc4 []int, j int, r *rand.Rand) (string, error) {
	for try := 0; try < len(pc4); try++ {
		num := pc4[(j+try)%len(pc4)]
		for cursor[num] < letterPairs {
			i := cursor[num]
			cursor[num] += 1 + r.IntN(5)/4 // a gap one time in five
			s := fmt.Sprintf("%04d%c%c", num, 'A'+i/26, 'A'+i%26)
			if _, ok := people.NormalizePostcode(s); ok {
				return s, nil
			}
		}
	}
	return "", fmt.Errorf("no postcodes left in %v", pc4)
}

// address finds a free address in the wijk: a buurt by weight, a postcode
// by its number of homes, a house number and, in flats (and one house in
// thirty), a toevoeging.
func (w *World) address(r *rand.Rand, wi *wijkInfo) (people.Household, error) {
	for try := 0; try < 200; try++ {
		bi := wi.buurten[pickWeighted(r, len(wi.buurten), func(i int) float64 { return wi.buurten[i].weight })]
		n := r.IntN(bi.capacity)
		var p *pc6
		for _, c := range bi.pc6 {
			if n < c.capacity() {
				p = c
				break
			}
			n -= c.capacity()
		}
		h := people.Household{Gemeente: w.Gemeente.Code, Postcode: p.postcode, Wijk: wi.wijk.Code, Buurt: bi.code}
		h.Huisnummer = p.van + r.IntN(p.tot-p.van+1)
		switch {
		case p.units > 0:
			u := r.IntN(p.units)
			if p.letters {
				h.Toevoeging = string(rune('A' + u))
			} else {
				h.Toevoeging = strconv.Itoa(u + 1)
			}
		case r.IntN(30) == 0:
			h.Toevoeging = string(rune('A' + r.IntN(2)))
		}
		key := h.Postcode + "/" + strconv.Itoa(h.Huisnummer) + "/" + h.Toevoeging
		if !w.addrUsed[key] {
			w.addrUsed[key] = true
			return h, nil
		}
	}
	return people.Household{}, fmt.Errorf("wijk %s: no free address found", wi.wijk.Code)
}

// pickWeighted returns an index in [0, n) with probability weight(i)/sum.
func pickWeighted(r *rand.Rand, n int, weight func(int) float64) int {
	sum := 0.0
	for i := 0; i < n; i++ {
		sum += weight(i)
	}
	x := r.Float64() * sum
	for i := 0; i < n; i++ {
		x -= weight(i)
		if x < 0 {
			return i
		}
	}
	return n - 1
}

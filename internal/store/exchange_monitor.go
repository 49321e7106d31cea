package store

import (
	"context"
	"database/sql"

	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
)

// monitorClaims reads declared care (323 claims) of counted provisions and
// spreads every claim's amount over the calendar months its period covers,
// by days: the parts are whole cents and add up exactly to the claim
// (cumulative rounding down, so credit lines spread the same way). The
// result is per provision id, per month, the declared cents.
func (s *Store) monitorClaims(ctx context.Context, gph string, gargs []any, scanRows func(q, col string, fn func(*sql.Rows) error) error) (map[string]map[monitor.Month]int64, error) {
	out := map[string]map[monitor.Month]int64{}
	err := scanRows(`SELECT c.provision_id, c.begin_datum, c.eind_datum, c.bedrag_cents FROM claims c
		JOIN provisions p ON p.id = c.provision_id AND p.status IN ('toegekend', 'gestart', 'beeindigd')
		WHERE c.gemeente IN (`+gph+`)`, "c.person_id", func(rows *sql.Rows) error {
		var id string
		var begin, eind people.Date
		var cents int64
		if err := rows.Scan(&id, &begin, &eind, &cents); err != nil {
			return err
		}
		m := out[id]
		if m == nil {
			m = map[monitor.Month]int64{}
			out[id] = m
		}
		for _, part := range ProrateByMonth(begin, eind, cents) {
			m[part.Month] += part.Cents
		}
		return nil
	})
	return out, err
}

// MonthCents is an amount in one month.
type MonthCents struct {
	Month monitor.Month
	Cents int64
}

// ProrateByMonth spreads cents over the months of [begin, eind] (both
// inclusive) in proportion to the days in each month. The parts sum to
// cents exactly.
func ProrateByMonth(begin, eind people.Date, cents int64) []MonthCents {
	if begin.IsZero() || eind.IsZero() || eind.Before(begin) {
		return nil
	}
	dayNo := func(d people.Date) int64 { return d.Time().Unix() / 86400 }
	first, last := dayNo(begin), dayNo(eind)
	total := last - first + 1
	var out []MonthCents
	var done, given int64
	for d := begin; !eind.Before(d); {
		mstart := people.NewDate(d.Year(), d.Time().Month(), 1)
		next := mstart.AddMonths(1)
		end := next.AddDays(-1)
		if eind.Before(end) {
			end = eind
		}
		done += dayNo(end) - dayNo(d) + 1
		share := floorDiv(cents*done, total)
		out = append(out, MonthCents{Month: monthOfDate(d), Cents: share - given})
		given = share
		d = next
	}
	return out
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

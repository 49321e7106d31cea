package monitorfeed_test

import (
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/store"

	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
)

// addClaims gives every fifth counted provision declared care (323
// claims) for the calendar month it started in, when that month lies in
// the window; every third of those gets a second claim in the same month
// and every seventh a werkelijke eind (a 307) in its start month. The
// oracle's costs then take the declared amounts for those months, as the
// store's read must. Claims here cover one whole month each, so the SQL
// needs no proration (ProrateByMonth has its own test).
func addClaims(t *testing.T, d db, win monitor.Period) int {
	t.Helper()
	q := func(s string) string { return (&oracle{dialect: d.dialect}).q(s) }
	rows, err := d.raw.Query("SELECT id, gemeente, person_id, household_id, start_datum FROM provisions WHERE status IN " + counted + " ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	type pv struct {
		id, gm, person, hh string
		start              people.Date
	}
	var pvs []pv
	for rows.Next() {
		var p pv
		if err := rows.Scan(&p.id, &p.gm, &p.person, &p.hh, &p.start); err != nil {
			t.Fatal(err)
		}
		pvs = append(pvs, p)
	}
	rows.Close()
	msgs := map[string]string{}
	n := 0
	for i, p := range pvs {
		if i%5 != 0 {
			continue
		}
		m := monitor.MonthOf(p.start.Year(), p.start.Time().Month())
		if m < win.From || m >= win.To {
			continue
		}
		if msgs[p.gm] == "" {
			msgs[p.gm] = "msg-" + p.gm
			if _, err := d.raw.Exec(q(`INSERT INTO exchange_messages (id, gemeente, standaard, code, afzender, identificatie, imported_at, imported_by)
				VALUES (?, ?, 'ijw', '323', '12345678', ?, '2026-01-01T00:00:00Z', 'systeem-uitwisseling')`), msgs[p.gm], p.gm, p.gm); err != nil {
				t.Fatal(err)
			}
		}
		first := people.NewDate(p.start.Year(), p.start.Time().Month(), 1)
		last := first.AddMonths(1).AddDays(-1)
		k := 1
		if i%3 == 0 {
			k = 2
		}
		for j := 0; j < k; j++ {
			n++
			if _, err := d.raw.Exec(q(`INSERT INTO claims (id, gemeente, provision_id, person_id, household_id, message_id, wet, aanbieder_agb, referentienummer,
				begin_datum, eind_datum, volume, eenheid, tarief_cents, bedrag_cents, created_at)
				VALUES (?, ?, ?, ?, ?, ?, 'jw', '12345678', ?, ?, ?, 1, '83', ?, ?, '2026-01-01T00:00:00Z')`),
				p.id+"-c"+string(rune('0'+j)), p.gm, p.id, p.person, p.hh, msgs[p.gm], p.id+"-"+string(rune('0'+j)),
				first, last, 1000+37*i, 1000+37*i); err != nil {
				t.Fatal(err)
			}
		}
		if i%7 == 0 {
			if _, err := d.raw.Exec(q("UPDATE provisions SET werkelijke_eind = ? WHERE id = ?"), last, p.id); err != nil {
				t.Fatal(err)
			}
		}
	}
	return n
}

// TestFollowExchangeImport: messages imported after the first build (new
// clients from a 301, declared care from a 323, a 307 that ends care) show
// in the followed index exactly as in a fresh build, costs included.
func TestFollowExchangeImport(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		w := newWorld(t, d.s, 5)
		w.populate(t, 10)
		f := run(t, d.s)
		u := &store.User{Email: "beheer@meppel.nl", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Beheer}}}
		if err := d.s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		a := store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
		start := w.today.AddMonths(-3)
		vol := 3
		m301 := &exchange.Message{Standard: exchange.IJw, Code: "301", ID: "1", Afzender: "0119", Ontvanger: "42420001", Import: true,
			Client:      &exchange.Client{BSN: "999900006", Geboortedatum: people.MustDate("2012-02-14"), Geslacht: "man", Voornamen: "Tom", Achternaam: "Wit"},
			Allocations: []exchange.Allocation{{Nummer: "7001", Categorie: "45", Ingangsdatum: start, Volume: &vol, Eenheid: "83", Frequentie: "4"}}}
		first := people.NewDate(start.Year(), start.Time().Month(), 1)
		m323 := &exchange.Message{Standard: exchange.IJw, Code: "323", ID: "2", Afzender: "42420001", Ontvanger: "0119", Import: true,
			Declaration: &exchange.Declaration{Nummer: "D1", Begin: first, Eind: first.AddMonths(1).AddDays(-1), TotaalCents: 25000 + 4000, Claims: []exchange.Claim{
				{BSN: "999900006", ReferentieNummer: "R1", ToewijzingNummer: "7001", Categorie: "45", Begin: first, Eind: first.AddMonths(1).AddDays(-1), Volume: 250, Eenheid: "83", TariefCents: 100, BedragCents: 25000},
				{BSN: "999900018", ReferentieNummer: "R2", ToewijzingNummer: "7002", Categorie: "43", Begin: first, Eind: first.AddDays(9), Volume: 4, Eenheid: "14", TariefCents: 1000, BedragCents: 4000},
			}}}
		m307 := &exchange.Message{Standard: exchange.IJw, Code: "307", ID: "3", Afzender: "42420001", Ontvanger: "0119", Import: true,
			Client: &exchange.Client{BSN: "999900006"},
			Stops:  []exchange.Stop{{Nummer: "7001", Categorie: "45", ToewijzingIngangsdatum: start, Begindatum: start, Einddatum: start.AddMonths(1), RedenBeeindiging: "31", Status: "1"}}}
		for _, m := range []*exchange.Message{m301, m323, m307} {
			if _, err := d.s.ApplyMessage(ctx, a, "GM0119", m.Name()+".xml", m); err != nil {
				t.Fatal(err)
			}
			caughtUp(t, f, d.s)
			sameIndex(t, d.s, f.Index())
		}
	})
}

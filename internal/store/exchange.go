package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
)

// How iJw/iWmo messages become naober data (issue 5).
//
// One message is one unit: it applies whole or not at all. A batch runs in
// one transaction; a refused message rolls back alone (with a SAVEPOINT
// per message when one must be undone after it wrote, see errSafe), and a
// batch of thousands stays fast.
//
//   - The header's gemeentecode (sender of a 301, receiver of 305/307/323)
//     must be the gemeente imported into.
//   - Idempotency: every message is recorded in exchange_messages by
//     gemeente, standard, code, sender and BerichtIdentificatie; the same
//     message again is reported as already imported and changes nothing.
//   - naober mirrors the gemeente's traffic for case work and the monitor;
//     it is not the gatekeeper that answers with a 325 (the gemeente's own
//     system does). What is really broken is refused, whole: a total that is
//     not the sum of the lines, a line whose amount is not volume × tariff
//     (istd checks it), bad codes, dates or BSNs. What is only odd is
//     imported with a warning in the Result, so no declared euro is lost.
//   - A provision is identified by gemeente, law, allocation number and
//     person (migration 0009). An allocation number that in naober belongs
//     to another client (the gemeente's system gave it twice, or a provider
//     declares it for the wrong client) becomes a provision of THIS client,
//     with a warning naming the other client by masked BSN. 301, 305, 307
//     and 323 all find the provision by number and client. The export gives
//     a new number that is free in the whole gemeente and law.
//   - 301: creates or updates the client's provision with the allocation
//     number. Provider by AGB (the header's Ontvanger); category, product
//     code, dates, volume, unit, frequency, budget as the message says; the
//     law from the standard; the Iv3 taakveld from the category as case
//     work books it
//     (casework.DefaultTaakveld; the old 2015 youth categories 31–38 on
//     6.751 ambulant and 6.761 verblijf). Unit 83 (euro) gets a price of
//     € 1 per unit so the volume is the amount; a budget with an end date is
//     spread over the months as a monthly amount. A new allocation is
//     toegekend; an update keeps the status.
//   - 305: werkelijke start, status gestart (status 3 "verwijderen" undoes it).
//   - 307: werkelijke eind, end reason (the iStandaard code, and naober's
//     own reason for it), status beëindigd (status 3 undoes it). The planned
//     end (eind_datum) stays as allocated; the monitor ends the provision at
//     the werkelijke eind when there is one.
//   - 323: every Prestatie becomes a claim (credit negative), identified by
//     gemeente, law, provider, ReferentieNummer and the begin of its period
//     (migration 0009), so the same line in a later message counts once;
//     the monitor takes declared amounts as the real cost of the months they
//     cover. One reference on lines of different periods gives a claim per
//     line and a warning; the same reference and period twice in a message
//     counts once, with a warning. The published JW323 example does both
//     odd things (allocation 10073 for two clients, RN004 for April and
//     March): it imports, with two warnings.
//   - An allocation naober never saw (traffic from before naober, or a 301
//     the gemeente's old system sent) named in a 305, 307 or 323: naober
//     creates the provision from what the message carries (client, category,
//     product code, allocation start, provider), bron berichtenverkeer,
//     status gestart. A later 301 for the client with the same number
//     completes it. So no declared euro is lost to the monitor, and a
//     functional administrator sees these provisions marked as coming from
//     the exchange.
//   - A 301/305/307/323 never changes a person naober already knows.
//   - Retour messages (302, 306, 308, …) and provider requests are recorded
//     and reported as read, nothing to import.
//
// Every write of personal data is audited with purpose "uitwisseling" and
// queued for the monitor.

// RecClaim is the audit record type of declared care (323 lines).
const RecClaim = "declaratie"

// ExchangeInput is one parsed message to apply.
type ExchangeInput struct {
	File    string
	SHA256  string // of the file, recorded with the message
	Message *exchange.Message
}

// ExchangeOutcome is what happened to one message of a batch: Err is nil
// when it was applied (or was already imported, Result.Duplicate), and
// exchange.Problems when it was refused.
type ExchangeOutcome struct {
	Result exchange.Result
	Err    error
}

// ApplyOptions tune a batch.
type ApplyOptions struct {
	DryRun bool // apply, report, and roll everything back
}

var errDryRun = errors.New("dry run")

// ApplyMessage applies one message in its own transaction. A refused
// message returns exchange.Problems and changes nothing.
func (s *Store) ApplyMessage(ctx context.Context, a Actor, gemeente, file string, m *exchange.Message) (exchange.Result, error) {
	out, err := s.ApplyMessages(ctx, a, gemeente, []ExchangeInput{{File: file, Message: m}}, ApplyOptions{})
	if err != nil {
		return exchange.Result{File: file}, err
	}
	return out[0].Result, out[0].Err
}

// ApplyMessages applies a batch of messages in one transaction: a refused
// message rolls back alone (a savepoint per message when one must be
// rolled back, see errSafe), the others commit together. The error is for the batch as a whole (the database
// failed, the actor may not import); then nothing is saved.
func (s *Store) ApplyMessages(ctx context.Context, a Actor, gemeente string, in []ExchangeInput, opt ApplyOptions) ([]ExchangeOutcome, error) {
	a, err := exchangeActor(a, gemeente)
	if err != nil {
		return nil, err
	}
	if len(gemeente) != 6 || !strings.HasPrefix(gemeente, "GM") {
		return nil, errs.E(errs.Invalid, "gemeente: gebruik de CBS-code, zoals GM0384")
	}
	var exists int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM tenants WHERE gemeente = ?", gemeente).Scan(&exists); err != nil {
		return nil, classify(err)
	}
	if exists == 0 {
		return nil, errs.E(errs.NotFound, "gemeente %s is geen gemeente van deze naober-omgeving", gemeente)
	}
	out := make([]ExchangeOutcome, len(in))
	// SQLite: the writer's page cache and temp_store suit imports (Open).
	// First without a savepoint per message (see errSafe); a batch in
	// which a message must be rolled back runs again with them.
	err = s.applyBatch(ctx, a, gemeente, in, opt, out, false)
	if errors.Is(err, errSafe) {
		clear(out)
		err = s.applyBatch(ctx, a, gemeente, in, opt, out, true)
	}
	if err == errDryRun {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// errSafe ends a batch that ran without savepoints when one of its
// messages has to be rolled back after it wrote something: the
// transaction is rolled back and the batch runs again with a savepoint per
// message.
//
// A savepoint per message costs: SQLite copies every page a message
// changes into the savepoint's journal first, which was a sixth of the
// import's time. Refused messages are rare and mostly refused before they
// write anything (their content is checked in Go first); those are
// reported without a savepoint and the batch goes on.
var errSafe = errors.New("exchange: batch needs savepoints")

// applyBatch runs the batch in one transaction, filling out. safe: a
// savepoint per message; else errSafe when a message that wrote something
// fails.
func (s *Store) applyBatch(ctx context.Context, a Actor, gemeente string, in []ExchangeInput, opt ApplyOptions, out []ExchangeOutcome, safe bool) error {
	return s.Tx(ctx, func(tx *Tx) error {
		x := newXTx(tx)
		x.buffer, x.defer_ = true, true
		ap := &applier{s: s, tx: x, a: a, gm: gemeente, cache: newBatchCache(), safe: safe}
		if err := ap.prefetch(ctx, in); err != nil {
			return err
		}
		for i, x := range in {
			if err := ctx.Err(); err != nil {
				return err
			}
			res, err := ap.one(ctx, x)
			if err == errSafe {
				return err
			}
			if err != nil {
				var ps exchange.Problems
				if !errors.As(err, &ps) {
					return fmt.Errorf("apply %s: %w", x.File, err)
				}
				for j := range ps {
					if ps[j].File == "" {
						ps[j].File = x.File
					}
				}
				err = ps
			}
			out[i] = ExchangeOutcome{Result: res, Err: err}
		}
		if err := x.flushInserts(ctx); err != nil {
			if !safe {
				return errSafe // which message's row failed is not known here
			}
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		if err := x.flushAudit(ctx); err != nil {
			return err
		}
		return x.flushChanges(ctx)
	})
}

// applier applies messages inside one batch transaction.
type applier struct {
	s     *Store
	tx    *xtx
	a     Actor
	gm    string
	n     int             // savepoint counter
	hh    map[string]bool // households queued for the monitor in this message
	cache *batchCache     // what the batch knows of the database
	safe  bool            // a savepoint per message (see errSafe)
}

// one applies a message under a savepoint. Checks that write nothing come
// first (no message, another gemeente's message, one imported before). On
// an error, or a duplicate found while recording, the savepoint is rolled
// back with what the message queued after it (monitor changes, audit
// records, cached lookups, new provisions). The error returned is
// exchange.Problems for content naober refuses (field errors are turned
// into problems); any other error is returned as it is, and ApplyMessages
// fails the whole batch on it.
func (ap *applier) one(ctx context.Context, x ExchangeInput) (exchange.Result, error) {
	m := x.Message
	res := exchange.Result{File: x.File}
	if m == nil {
		return res, exchange.Problems{{Msg: "het bestand bevat geen bericht"}}
	}
	res.Message = m.Name() + " " + m.ID
	if want := strings.TrimPrefix(ap.gm, "GM"); m.Gemeentecode() != want {
		path := "/Bericht/Header/Ontvanger"
		if m.Code == "301" || len(m.Afzender) == 4 {
			path = "/Bericht/Header/Afzender"
		}
		return res, exchange.Problems{{Path: path, Value: m.Gemeentecode(),
			Msg: "dit bericht is voor gemeente " + m.Gemeentecode() + ", niet voor " + ap.gm + " (" + want + ")"}}
	}
	if seen, err := ap.messageSeen(ctx, m); err != nil || seen {
		return exchange.Result{File: x.File, Message: res.Message, Duplicate: seen}, err
	}
	ap.n++
	const sp = "naober_bericht" // released after every message, so one name serves
	if ap.safe {
		if _, err := ap.tx.Exec(ctx, "SAVEPOINT "+sp); err != nil {
			return res, err
		}
	}
	nChanges, nAudits, nWrites := len(ap.tx.changes), len(ap.tx.audits), ap.tx.writes
	clear(ap.hh)
	if ap.hh == nil {
		ap.hh = map[string]bool{}
	}
	ap.cache.begin()
	err := ap.apply(ctx, x, &res)
	if err == nil && ap.tx.err != nil {
		err = ap.tx.err // queued rows failed in a flush that could not report it
	}
	if err == nil && ap.safe {
		err = ap.tx.flushInserts(ctx) // the message's own rows, under its savepoint
	}
	ap.tx.err = nil
	if err != nil || res.Duplicate {
		if !ap.safe {
			// Without a savepoint only a message that wrote nothing and
			// was refused for its content (no database error: PostgreSQL
			// aborts the transaction on one) can be undone here.
			var ps exchange.Problems
			if ap.tx.writes != nWrites || !errors.As(err, &ps) {
				return res, errSafe
			}
		}
		ap.tx.changes = ap.tx.changes[:nChanges]
		ap.tx.audits = ap.tx.audits[:nAudits]
		ap.cache.rollback()
		if ap.safe {
			ap.tx.dropInserts() // the message's own (without a savepoint it queued none)
			if _, rerr := ap.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT "+sp); rerr != nil {
				return res, rerr
			}
		}
		if res.Duplicate && err == nil {
			res = exchange.Result{File: x.File, Message: res.Message, Duplicate: true}
		}
	}
	if ap.safe {
		if _, rerr := ap.tx.Exec(ctx, "RELEASE SAVEPOINT "+sp); rerr != nil {
			return res, rerr
		}
	}
	if err == nil && !res.Duplicate {
		ap.cache.msgs[msgKey(string(m.Standard), m.Code, m.Afzender, m.ID)] = true
	}
	if err != nil {
		// Problems and field errors refuse this message; any other error
		// (a database error, also a failed constraint on this message's
		// data, or a cancelled context) fails the batch.
		var ps exchange.Problems
		if errors.As(err, &ps) || errs.KindOf(classify(err)) == errs.Unavailable || ctx.Err() != nil {
			return exchange.Result{File: x.File, Message: res.Message}, err
		}
		if fe, ok := people.AsFieldErrors(err); ok {
			var out exchange.Problems
			for _, e := range fe {
				out = append(out, exchange.Problem{Path: e.Field, Msg: e.Message})
			}
			return exchange.Result{File: x.File, Message: res.Message}, out
		}
		return exchange.Result{File: x.File, Message: res.Message}, err
	}
	return res, nil
}

// apply records the message and applies it. The record is written last,
// with the result, except for a 323: its claims refer to it.
func (ap *applier) apply(ctx context.Context, x ExchangeInput, res *exchange.Result) error {
	m := x.Message
	s, tx := ap.s, ap.tx
	msgID := secret.SortedID()
	record := func(summary string) (bool, error) {
		r, err := tx.Exec(ctx, `INSERT INTO exchange_messages (id, gemeente, standaard, code, afzender, identificatie, dagtekening, bestand, sha256, resultaat, imported_at, imported_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (gemeente, standaard, code, afzender, identificatie) DO NOTHING`,
			msgID, ap.gm, string(m.Standard), m.Code, m.Afzender, m.ID, m.Dagtekening, baseName(x.File), x.SHA256, summary, s.ts(s.now()), ap.a.P.UserID)
		if err != nil {
			return false, err
		}
		n, _ := r.RowsAffected()
		return n > 0, nil
	}
	first := m.Import && m.Code == "323"
	if first {
		if ok, err := record(""); err != nil || !ok {
			res.Duplicate = !ok
			return err
		}
	}
	var err error
	if m.Import {
		wet := m.Standard.Wet()
		switch m.Code {
		case "301":
			err = ap.apply301(ctx, m, wet, res)
		case "305":
			err = ap.apply305(ctx, m, wet, res)
		case "307":
			err = ap.apply307(ctx, m, wet, res)
		case "323":
			err = ap.apply323(ctx, m, msgID, wet, res)
		default:
			err = exchange.Problems{{Path: "/Bericht/Header/BerichtCode", Value: m.BerichtCode, Msg: "naober kan dit soort bericht (" + m.Name() + ") niet inlezen"}}
		}
		if err != nil {
			return err
		}
	}
	summary, _ := json.Marshal(res)
	if first {
		_, err = tx.Exec(ctx, "UPDATE exchange_messages SET resultaat = ? WHERE id = ?", string(summary), msgID)
		return err
	}
	if !ap.safe {
		// Queued with the batch's other rows; one recorded meanwhile by
		// another import (PostgreSQL) makes the batch run again with
		// savepoints (errLost), which finds it a duplicate.
		return tx.insert(ctx, insMessages, `INSERT INTO exchange_messages (id, gemeente, standaard, code, afzender, identificatie, dagtekening, bestand, sha256, resultaat, imported_at, imported_by) VALUES`,
			"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "ON CONFLICT (gemeente, standaard, code, afzender, identificatie) DO NOTHING",
			msgID, ap.gm, string(m.Standard), m.Code, m.Afzender, m.ID, m.Dagtekening, baseName(x.File), x.SHA256, string(summary), s.ts(s.now()), ap.a.P.UserID)
	}
	// Recorded concurrently by another import (PostgreSQL): a duplicate.
	ok, err := record(string(summary))
	res.Duplicate = err == nil && !ok
	return err
}

func baseName(f string) string {
	if i := strings.LastIndexAny(f, `/\`); i >= 0 {
		return f[i+1:]
	}
	return f
}

// person resolves the client and counts what was created.
func (ap *applier) person(ctx context.Context, c exchange.Client, res *exchange.Result) (ExchangePerson, error) {
	n := len(ap.tx.changes)
	p, err := ap.s.exchangePersonC(ctx, ap.tx, ap.a, ap.gm, c, people.SourceExchange, ap.cache)
	if err != nil {
		return p, err
	}
	if len(ap.tx.changes) > n { // the household is queued for the monitor already
		ap.hh[p.HouseholdID] = true
	}
	if p.Created {
		res.PersonsCreated++
	}
	if p.HouseholdCreated {
		res.HouseholdsCreated++
		if p.Unplaced {
			res.Unplaced++
		}
	}
	res.Warnings = append(res.Warnings, p.Warnings...)
	return p, nil
}

// exchangeTaakveld books a category as case work does; the youth
// categories of 2015 (31–38) are not in naober's list.
func exchangeTaakveld(wet, cat string) string {
	if t := casework.DefaultTaakveld(wet, cat); t != "" {
		return t
	}
	if wet == "jw" {
		switch cat {
		case "31", "32", "33", "34":
			return "6.751"
		case "35", "36", "37", "38":
			return "6.761"
		}
	}
	return ""
}

// provisionRef is what the store knows of a provision with an allocation number.
type provisionRef struct {
	id, person, household, status string
	werkelijkeStart               people.Date
}

// findProvision finds the client's provision with the allocation number
// (gemeente, law, number and person identify it). other is another client
// with a provision of that number, if any: the gemeente's system gave the
// number twice, and naober keeps one provision per client.
func (ap *applier) findProvision(ctx context.Context, wet, nummer, person string) (p provisionRef, found bool, other string, err error) {
	if l, ok := ap.cache.provs[provKey(wet, nummer)]; ok {
		for _, r := range l {
			if r.person == person {
				p, found = r, true
			} else if other == "" {
				other = r.person
			}
		}
		return p, found, other, nil
	}
	var all []provisionRef
	defer func() {
		if err == nil {
			ap.cache.provs[provKey(wet, nummer)] = all
		}
	}()
	rows, err := ap.tx.Query(ctx, "SELECT id, person_id, household_id, status, werkelijke_start FROM provisions WHERE gemeente = ? AND wet = ? AND toewijzingnummer = ? AND toewijzingnummer <> '' ORDER BY created_at, id",
		ap.gm, wet, nummer)
	if err != nil {
		return p, false, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var r provisionRef
		if err := rows.Scan(&r.id, &r.person, &r.household, &r.status, &r.werkelijkeStart); err != nil {
			return p, false, "", err
		}
		all = append(all, r)
		if r.person == person {
			p, found = r, true
		} else if other == "" {
			other = r.person
		}
	}
	return p, found, other, rows.Err()
}

// sharedNumber warns that an allocation number is also another client's,
// with that client's BSN masked; reading the BSN is audited.
func (ap *applier) sharedNumber(ctx context.Context, m *exchange.Message, nummer, other, path string, res *exchange.Result) error {
	var enc string
	if err := ap.tx.QueryRow(ctx, "SELECT bsn_enc FROM persons WHERE id = ?", other).Scan(&enc); err != nil {
		return err
	}
	bsn, err := ap.s.keys.Decrypt(enc, bsnContext(ap.gm))
	if err != nil {
		return errs.Wrap(errs.Internal, err, "Het BSN kan niet worden ontsleuteld; controleer het sleutelbestand.")
	}
	if err := ap.tx.audit(ctx, ap.a, exchangePerm(ap.a, ap.gm), audit.Read, ap.gm, RecPerson, other); err != nil {
		return err
	}
	check := "controleer dit bij de aanbieder"
	if m.Code == "301" {
		check = "controleer dit in het systeem van de gemeente"
	}
	res.Warnings = append(res.Warnings, exchange.Problem{Path: path + "/ToewijzingNummer", Value: nummer,
		Msg: "toewijzing " + nummer + " staat ook op naam van een andere cliënt (" + exchange.MaskBSN(bsn) + "); apart vastgelegd — " + check})
	return nil
}

func orPath(p, def string) string {
	if p != "" {
		return p
	}
	return def
}

func (ap *applier) apply301(ctx context.Context, m *exchange.Message, wet string, res *exchange.Result) error {
	if m.Client == nil {
		return exchange.Problems{{Path: "/Bericht/Client", Msg: "het bericht heeft geen cliënt"}}
	}
	var ps exchange.Problems
	for i, al := range m.Allocations {
		path := orPath(al.Path, fmt.Sprintf("/Bericht/Client/ToegewezenProducten/ToegewezenProduct[%d]", i+1))
		if strings.TrimSpace(al.Nummer) == "" {
			ps = append(ps, exchange.Problem{Path: path + "/ToewijzingNummer", Msg: "het toewijzingnummer ontbreekt"})
		}
		if exchangeTaakveld(wet, al.Categorie) == "" {
			ps = append(ps, exchange.Problem{Path: path + "/Product/Categorie", Value: al.Categorie, Msg: "onbekende productcategorie voor " + m.Standard.Prefix()})
		}
		if al.Ingangsdatum.IsZero() {
			ps = append(ps, exchange.Problem{Path: path + "/Ingangsdatum", Msg: "de ingangsdatum ontbreekt"})
		} else if !al.Einddatum.IsZero() && al.Einddatum.Before(al.Ingangsdatum) {
			ps = append(ps, exchange.Problem{Path: path + "/Einddatum", Value: al.Einddatum.ISO(), Msg: "de einddatum ligt voor de ingangsdatum"})
		}
		if al.Volume != nil && *al.Volume < 0 {
			ps = append(ps, exchange.Problem{Path: path + "/Omvang/Volume", Value: strconv.Itoa(*al.Volume), Msg: "het volume is negatief"})
		}
		if al.BudgetCents != nil && *al.BudgetCents < 0 {
			ps = append(ps, exchange.Problem{Path: path + "/Budget", Value: strconv.FormatInt(*al.BudgetCents, 10), Msg: "het budget is negatief"})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	who, err := ap.person(ctx, *m.Client, res)
	if err != nil {
		return err
	}
	for i, al := range m.Allocations {
		path := orPath(al.Path, fmt.Sprintf("/Bericht/Client/ToegewezenProducten/ToegewezenProduct[%d]", i+1))
		if err := ap.upsert301(ctx, m, wet, who, al, path, res); err != nil {
			return err
		}
	}
	return nil
}

// allocationCost turns volume/unit/frequency/budget into naober's price
// fields (see the package comment above).
func allocationCost(al exchange.Allocation) (prijs, maand any) {
	if al.Eenheid == "83" && al.Volume != nil {
		prijs = int64(100)
	}
	if al.BudgetCents != nil && al.Volume == nil && !al.Einddatum.IsZero() {
		days := int64(al.Einddatum.Time().Sub(al.Ingangsdatum.Time()).Hours()/24+0.5) + 1
		if days*12 < 365 {
			maand = *al.BudgetCents
		} else {
			maand = mulDivRound(*al.BudgetCents, 365, days*12)
		}
	}
	return prijs, maand
}

// mulDivRound is a*b/c rounded to nearest (halves up), for non-negative values.
func mulDivRound(a, b, c int64) int64 { return (a*b*2 + c) / (2 * c) }

func (ap *applier) upsert301(ctx context.Context, m *exchange.Message, wet string, who ExchangePerson, al exchange.Allocation, path string, res *exchange.Result) error {
	s, tx := ap.s, ap.tx
	cur, found, other, err := ap.findProvision(ctx, wet, al.Nummer, who.PersonID)
	if err != nil {
		return err
	}
	prijs, maand := allocationCost(al)
	now := s.ts(s.now())
	vol := pvNullInt(al.Volume)
	var budget any
	if al.BudgetCents != nil {
		budget = *al.BudgetCents
	}
	taakveld := exchangeTaakveld(wet, al.Categorie)
	if !found {
		// Queued with the batch's other new rows (xtx.insert).
		id := secret.SortedID()
		err := tx.insert(ctx, insProvisions, `INSERT INTO provisions (id, gemeente, person_id, household_id, wet, categorie, productcode, taakveld, aanbieder, aanbieder_agb,
		start_datum, eind_datum, volume, eenheid, frequentie, prijs_cents, maandbedrag_cents, profiel, status, eind_reden, toelichting, created_by, created_at, updated_at,
		toewijzingnummer, referentie_aanbieder, toewijzingsdatum, budget_cents, bron) VALUES`, "(?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, '', ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?)", "",
			id, ap.gm, who.PersonID, who.HouseholdID, wet, al.Categorie, al.Code, taakveld, m.AGB(),
			al.Ingangsdatum, al.Einddatum, vol, al.Eenheid, al.Frequentie, prijs, maand, casework.ProvisionGranted, truncate(strings.TrimSpace(al.Commentaar), 2000), ap.a.P.UserID, now, now,
			al.Nummer, al.ReferentieAanbieder, al.Toewijzingsdatum, budget, people.SourceExchange)
		if err != nil {
			return err
		}
		res.ProvisionsCreated++
		ap.cache.addProvision(wet, al.Nummer, provisionRef{id: id, person: who.PersonID, household: who.HouseholdID, status: casework.ProvisionGranted})
		if other != "" {
			if err := ap.sharedNumber(ctx, m, al.Nummer, other, path, res); err != nil {
				return err
			}
		}
		return ap.touched(ctx, id, who.HouseholdID, audit.Create, "create")
	}
	// An update: the allocation as the gemeente now states it (perhaps one
	// queued: the UPDATE writes the queue first).
	_, err = tx.Exec(ctx, `UPDATE provisions SET categorie = ?, productcode = ?, taakveld = ?, aanbieder_agb = ?, start_datum = ?, eind_datum = ?,
		volume = ?, eenheid = ?, frequentie = ?, prijs_cents = ?, maandbedrag_cents = ?, toelichting = ?, referentie_aanbieder = ?, toewijzingsdatum = ?,
		budget_cents = ?, updated_at = ? WHERE id = ?`,
		al.Categorie, al.Code, taakveld, m.AGB(), al.Ingangsdatum, al.Einddatum, vol, al.Eenheid, al.Frequentie, prijs, maand,
		truncate(strings.TrimSpace(al.Commentaar), 2000), al.ReferentieAanbieder, al.Toewijzingsdatum, budget, now, cur.id)
	if err != nil {
		return err
	}
	res.ProvisionsUpdated++
	return ap.touched(ctx, cur.id, cur.household, audit.Update, "update")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// touched audits a provision write and queues the monitor change (once
// per household and message).
func (ap *applier) touched(ctx context.Context, id, household string, action audit.Action, op string) error {
	if !ap.hh[household] {
		ap.hh[household] = true
		ap.tx.changeFor(ap.gm, RecProvision, id, op, household)
	}
	return ap.tx.audit(ctx, ap.a, exchangePerm(ap.a, ap.gm), action, ap.gm, RecProvision, id)
}

// ensureProvision finds the provision with the allocation number, or
// creates it from what a 305/307/323 carries (see the comment at the top).
func (ap *applier) ensureProvision(ctx context.Context, m *exchange.Message, wet string, c exchange.Client, nummer, cat, code string, start people.Date, path string, res *exchange.Result) (provisionRef, error) {
	who, err := ap.person(ctx, c, res)
	if err != nil {
		return provisionRef{}, err
	}
	cur, found, other, err := ap.findProvision(ctx, wet, nummer, who.PersonID)
	if err != nil || found {
		return cur, err
	}
	taakveld := exchangeTaakveld(wet, cat)
	if taakveld == "" {
		return cur, exchange.Problems{{Path: path, Value: cat, Msg: "onbekende productcategorie voor " + m.Standard.Prefix()}}
	}
	if start.IsZero() {
		return cur, exchange.Problems{{Path: path, Msg: "de ingangsdatum van de toewijzing ontbreekt"}}
	}
	now := ap.s.ts(ap.s.now())
	id := secret.SortedID()
	_, err = ap.tx.Exec(ctx, `INSERT INTO provisions (id, gemeente, person_id, household_id, wet, categorie, productcode, taakveld, aanbieder, aanbieder_agb,
		start_datum, eind_datum, volume, eenheid, frequentie, prijs_cents, maandbedrag_cents, profiel, status, eind_reden, toelichting, created_by, created_at, updated_at,
		toewijzingnummer, bron)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, NULL, NULL, '', '', NULL, NULL, '', ?, '', ?, ?, ?, ?, ?, ?)`,
		id, ap.gm, who.PersonID, who.HouseholdID, wet, cat, code, taakveld, m.AGB(), start, casework.ProvisionStarted,
		"Aangemaakt uit "+m.Name()+": naober kende deze toewijzing nog niet.", ap.a.P.UserID, now, now, nummer, people.SourceExchange)
	if err != nil {
		return cur, err
	}
	res.ProvisionsCreated++
	made := provisionRef{id: id, person: who.PersonID, household: who.HouseholdID, status: casework.ProvisionStarted}
	ap.cache.addProvision(wet, nummer, made)
	if other != "" {
		if err := ap.sharedNumber(ctx, m, nummer, other, path, res); err != nil {
			return cur, err
		}
	}
	if err := ap.touched(ctx, id, who.HouseholdID, audit.Create, "create"); err != nil {
		return cur, err
	}
	return made, nil
}

func (ap *applier) apply305(ctx context.Context, m *exchange.Message, wet string, res *exchange.Result) error {
	if m.Client == nil {
		return exchange.Problems{{Path: "/Bericht/Client", Msg: "het bericht heeft geen cliënt"}}
	}
	for i, st := range m.Starts {
		path := orPath(st.Path, fmt.Sprintf("/Bericht/Client/StartProducten/StartProduct[%d]", i+1))
		if st.Begindatum.IsZero() && st.Status != "3" {
			return exchange.Problems{{Path: path + "/Begindatum", Msg: "de begindatum ontbreekt"}}
		}
		p, err := ap.ensureProvision(ctx, m, wet, *m.Client, st.Nummer, st.Categorie, st.Code, st.ToewijzingIngangsdatum, path, res)
		if err != nil {
			return err
		}
		if p.status == casework.ProvisionEnded && st.Status != "3" {
			res.Warnings = append(res.Warnings, exchange.Problem{Path: path, Value: st.Nummer, Msg: "de voorziening is al beëindigd; alleen de startdatum is bijgewerkt"})
		}
		now := ap.s.ts(ap.s.now())
		if st.Status == "3" { // the provider withdraws the start
			_, err = ap.tx.Exec(ctx, "UPDATE provisions SET werkelijke_start = NULL, status = CASE WHEN status = ? THEN ? ELSE status END, updated_at = ? WHERE id = ?",
				casework.ProvisionStarted, casework.ProvisionGranted, now, p.id)
		} else {
			_, err = ap.tx.Exec(ctx, "UPDATE provisions SET werkelijke_start = ?, status = CASE WHEN status = ? THEN status ELSE ? END, updated_at = ? WHERE id = ?",
				st.Begindatum, casework.ProvisionEnded, casework.ProvisionStarted, now, p.id)
		}
		if err != nil {
			return err
		}
		delete(ap.cache.provs, provKey(wet, st.Nummer)) // status and dates changed: ask again
		res.ProvisionsUpdated++
		if err := ap.touched(ctx, p.id, p.household, audit.Update, "status"); err != nil {
			return err
		}
	}
	return nil
}

// endReason maps a JZ588/WMO588 code to naober's own end reason.
func endReason(wet, code string) string {
	switch code {
	case "02":
		return "overleden"
	case "36", "20":
		return "anders"
	case "37":
		return "aanbieder"
	case "38", "39":
		return "andere_voorziening"
	}
	if wet == "jw" {
		switch code {
		case "31":
			return "doel_bereikt"
		case "32":
			return "op_verzoek"
		case "33":
			return "aanbieder"
		case "35":
			return "verhuisd"
		}
		return "anders"
	}
	switch code {
	case "19":
		return "doel_bereikt"
	case "21":
		return "op_verzoek"
	case "22":
		return "aanbieder"
	case "31":
		return "verhuisd"
	}
	return "anders"
}

// EndReasonLabel is the Dutch label of a JZ588/WMO588 code ("" when unknown).
func EndReasonLabel(wet, code string) string {
	common := map[string]string{
		"02": "Overlijden", "20": "Levering is tijdelijk beëindigd", "36": "Geïnitieerd door de gemeente",
		"37": "In verband met wijzigingsverzoek", "38": "Overstap naar andere aanbieder", "39": "Uitstroom naar ander domein",
	}
	if l, ok := common[code]; ok {
		return l
	}
	if wet == "jw" {
		return map[string]string{
			"31": "Levering is volgens plan beëindigd", "32": "Voortijdig afgesloten, door cliënt", "33": "Voortijdig afgesloten, door aanbieder",
			"34": "Voortijdig afgesloten, in overleg", "35": "Voortijdig afgesloten, externe oorzaak",
		}[code]
	}
	return map[string]string{
		"19": "Levering volgens plan beëindigd", "21": "Levering is eenzijdig door cliënt beëindigd", "22": "Levering is eenzijdig door aanbieder beëindigd",
		"23": "Levering is in overeenstemming voortijdig beëindigd", "31": "Verhuizing naar een andere gemeente",
	}[code]
}

func (ap *applier) apply307(ctx context.Context, m *exchange.Message, wet string, res *exchange.Result) error {
	if m.Client == nil {
		return exchange.Problems{{Path: "/Bericht/Client", Msg: "het bericht heeft geen cliënt"}}
	}
	for i, st := range m.Stops {
		path := orPath(st.Path, fmt.Sprintf("/Bericht/Client/StopProducten/StopProduct[%d]", i+1))
		if st.Status != "3" {
			if st.Einddatum.IsZero() {
				return exchange.Problems{{Path: path + "/Einddatum", Msg: "de einddatum ontbreekt"}}
			}
			if EndReasonLabel(wet, st.RedenBeeindiging) == "" {
				return exchange.Problems{{Path: path + "/RedenBeeindiging", Value: st.RedenBeeindiging, Msg: "onbekende reden van beëindiging"}}
			}
			if !st.Begindatum.IsZero() && st.Einddatum.Before(st.Begindatum) {
				return exchange.Problems{{Path: path + "/Einddatum", Value: st.Einddatum.ISO(), Msg: "de einddatum ligt voor de begindatum"}}
			}
		}
		p, err := ap.ensureProvision(ctx, m, wet, *m.Client, st.Nummer, st.Categorie, st.Code, st.ToewijzingIngangsdatum, path, res)
		if err != nil {
			return err
		}
		now := ap.s.ts(ap.s.now())
		if st.Status == "3" { // the provider withdraws the stop
			_, err = ap.tx.Exec(ctx, `UPDATE provisions SET werkelijke_eind = NULL, reden_beeindiging = '', eind_reden = '',
				status = CASE WHEN status = ? THEN ? ELSE status END, updated_at = ? WHERE id = ?`,
				casework.ProvisionEnded, casework.ProvisionStarted, now, p.id)
		} else {
			var start any
			if p.werkelijkeStart.IsZero() && !st.Begindatum.IsZero() {
				start = st.Begindatum
			}
			_, err = ap.tx.Exec(ctx, `UPDATE provisions SET werkelijke_eind = ?, werkelijke_start = COALESCE(werkelijke_start, ?), reden_beeindiging = ?, eind_reden = ?,
				status = ?, updated_at = ? WHERE id = ?`,
				st.Einddatum, start, st.RedenBeeindiging, endReason(wet, st.RedenBeeindiging), casework.ProvisionEnded, now, p.id)
		}
		if err != nil {
			return err
		}
		delete(ap.cache.provs, provKey(wet, st.Nummer)) // status and dates changed: ask again
		res.ProvisionsUpdated++
		if err := ap.touched(ctx, p.id, p.household, audit.Update, "status"); err != nil {
			return err
		}
	}
	return nil
}

func (ap *applier) apply323(ctx context.Context, m *exchange.Message, msgID, wet string, res *exchange.Result) error {
	d := m.Declaration
	if d == nil {
		return exchange.Problems{{Path: "/Bericht/Declaratie", Msg: "het bericht heeft geen declaratie"}}
	}
	var sum int64
	for _, c := range d.Claims {
		sum += c.BedragCents
	}
	if sum != d.TotaalCents {
		return exchange.Problems{{Path: "/Bericht/Declaratie/TotaalIngediendBedrag", Value: strconv.FormatInt(d.TotaalCents, 10),
			Msg: fmt.Sprintf("het totaalbedrag is niet de som van de prestaties (%d cent)", sum)}}
	}
	// Check every line first, so the report names every problem.
	var ps exchange.Problems
	type refKey struct{ ref, begin string }
	refs, lines := map[string]bool{}, map[refKey]bool{}
	twice := map[int]exchange.Problem{} // warnings by line, reported in line order
	for i, c := range d.Claims {
		path := orPath(c.Path, fmt.Sprintf("/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[%d]", i+1))
		if c.ReferentieNummer == "" {
			ps = append(ps, exchange.Problem{Path: path + "/ProductReferentie/ReferentieNummer", Msg: "het referentienummer ontbreekt"})
		}
		if c.Begin.IsZero() || c.Eind.IsZero() || c.Eind.Before(c.Begin) {
			ps = append(ps, exchange.Problem{Path: path + "/ProductPeriode", Value: c.Begin.ISO() + " – " + c.Eind.ISO(), Msg: "de periode van de prestatie klopt niet"})
		}
		// One reference on lines of different periods: each line is its
		// own claim (reference and period begin identify it). The same
		// reference and period twice is one claim.
		k := refKey{c.ReferentieNummer, c.Begin.ISO()}
		switch {
		case c.ReferentieNummer == "":
		case lines[k]:
			twice[i] = exchange.Problem{Path: path + "/ProductReferentie/ReferentieNummer", Value: c.ReferentieNummer,
				Msg: "referentienummer " + c.ReferentieNummer + " staat twee keer met dezelfde periode in de declaratie; naober telt de prestatie één keer — controleer dit bij de aanbieder"}
		case refs[c.ReferentieNummer]:
			twice[i] = exchange.Problem{Path: path + "/ProductReferentie/ReferentieNummer", Value: c.ReferentieNummer,
				Msg: "referentienummer " + c.ReferentieNummer + " staat twee keer in de declaratie, met een andere periode; beide prestaties vastgelegd — controleer dit bij de aanbieder"}
		}
		refs[c.ReferentieNummer], lines[k] = true, true
	}
	if len(ps) > 0 {
		return ps
	}
	done := map[refKey]bool{}
	for i, c := range d.Claims {
		path := orPath(c.Path, fmt.Sprintf("/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[%d]", i+1))
		p, err := ap.ensureProvision(ctx, m, wet, exchange.Client{BSN: c.BSN}, c.ToewijzingNummer, c.Categorie, c.Code, c.Begin, path, res)
		if err != nil {
			return err
		}
		if w, ok := twice[i]; ok {
			res.Warnings = append(res.Warnings, w)
		}
		k := refKey{c.ReferentieNummer, c.Begin.ISO()}
		if done[k] {
			continue // the same line twice in this message: warned above
		}
		done[k] = true
		id := secret.SortedID()
		r, err := ap.tx.Exec(ctx, `INSERT INTO claims (id, gemeente, provision_id, person_id, household_id, message_id, wet, aanbieder_agb, declaratienummer,
			referentienummer, vorig_referentienummer, begin_datum, eind_datum, volume, eenheid, tarief_cents, bedrag_cents, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (gemeente, wet, aanbieder_agb, referentienummer, begin_datum) DO NOTHING`,
			id, ap.gm, p.id, p.person, p.household, msgID, wet, m.AGB(), d.Nummer, c.ReferentieNummer, c.VorigReferentie,
			c.Begin, c.Eind, c.Volume, c.Eenheid, c.TariefCents, c.BedragCents, ap.s.ts(ap.s.now()))
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			res.Warnings = append(res.Warnings, exchange.Problem{Path: path + "/ProductReferentie/ReferentieNummer", Value: c.ReferentieNummer,
				Msg: "deze prestatie is al eerder ingelezen; naober telt haar één keer"})
			continue
		}
		res.ClaimsCreated++
		if !ap.hh[p.household] {
			ap.hh[p.household] = true
			ap.tx.changeFor(ap.gm, RecProvision, p.id, "claim", p.household)
		}
		if err := ap.tx.audit(ctx, ap.a, exchangePerm(ap.a, ap.gm), audit.Create, ap.gm, RecClaim, id); err != nil {
			return err
		}
	}
	return nil
}

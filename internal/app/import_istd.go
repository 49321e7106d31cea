package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/config"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/exchange/istd"
	"naober.nl/naober/internal/store"
)

// istdSystemActor is who command-line message imports are recorded as: the
// system user of migration 0007, as beheer of the gemeente.
func istdSystemActor(gemeente string) store.Actor {
	return store.Actor{P: &auth.Principal{UserID: "systeem-uitwisseling", Email: "uitwisseling@systeem.naober", Name: "Berichtenverkeer (systeem)",
		Grants: []auth.Grant{{Gemeente: gemeente, Role: auth.Beheer}}}, Purpose: store.PurposeExchange}
}

// istdBatch is how many messages share one transaction (each has its own
// savepoint). A dry run is one batch of all messages (see importIstdFiles).
var istdBatch = 500

func runImportIstandaarden(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("import istandaarden", stderr, "naober import istandaarden --gemeente GMxxxx [flags] FILE|DIR…",
		"Reads iJw and iWmo 3.2 messages (301 toewijzing, 305 start, 307 stop, 323 declaratie; retour messages and\n"+
			"requests are recognised and reported) into naober. A DIR is searched for *.xml. One message is one unit:\n"+
			"it is imported whole or not at all; the others are still imported. The same message again changes\n"+
			"nothing. Prints a report per file and exits non-zero when any file was refused. --dry-run checks\n"+
			"everything in one transaction that is rolled back (so it holds all messages in memory) and saves nothing.")
	var d dbFlags
	d.register(fs)
	gm := fs.String("gemeente", "", "CBS code of the gemeente the messages are for (GM0384)")
	dry := fs.Bool("dry-run", false, "check and report, save nothing")
	if err := config.Parse(fs, args, getenv); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("import istandaarden: give at least one FILE or DIR")
	}
	atlas, err := area.Load()
	if err != nil {
		return err
	}
	g, ok := atlas.Gemeente(strings.ToUpper(strings.TrimSpace(*gm)))
	if !ok {
		return fmt.Errorf("--gemeente: %q is geen gemeentecode van 2024 (zoals GM0384)", *gm)
	}
	files, err := istdFiles(fs.Args())
	if err != nil {
		return err
	}
	st, err := openStore(ctx, d, atlas, false, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.EnsureTenant(ctx, g.Code, g.Naam); err != nil {
		return err
	}
	rep, err := importIstdFiles(ctx, st, istdSystemActor(g.Code), g.Code, files, *dry)
	if err != nil {
		return err
	}
	writeIstdReport(stdout, rep, *dry)
	if rep.Refused > 0 {
		return fmt.Errorf("import istandaarden: %d van %d bestanden geweigerd", rep.Refused, len(rep.Files))
	}
	return nil
}

// istdFiles expands the arguments: files as given, directories walked for
// *.xml (sorted), each file once.
func istdFiles(args []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		if !fi.IsDir() {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() && strings.EqualFold(filepath.Ext(p), ".xml") && !seen[p] {
				seen[p] = true
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// istdFileReport is what happened to one file.
type istdFileReport struct {
	File     string
	Outcome  store.ExchangeOutcome
	Note     string // for a message with nothing to import
	Imported bool   // the message has data naober imports
}

type istdReport struct {
	Files                                 []istdFileReport
	Imported, Duplicate, Nothing, Refused int
}

// readIstd reads and checks one file; content problems come back in the
// outcome, not as an error.
func readIstd(path string) (store.ExchangeInput, error) {
	f, err := os.Open(path)
	if err != nil {
		return store.ExchangeInput{File: path}, err
	}
	defer f.Close()
	h := sha256.New()
	m, err := istd.Read(path, io.TeeReader(f, h))
	in := store.ExchangeInput{File: path, SHA256: hex.EncodeToString(h.Sum(nil)), Message: m}
	return in, err
}

// importIstdFiles reads and applies files in batches; a file that cannot be
// read or is refused is reported, the others are imported. A dry run is
// one batch, so one transaction that is rolled back: what it reports for a
// message is what the real run would do after the messages before it (a
// 305 after its 301, the same message twice), whatever the batch size.
// It holds all messages in memory, a few kB each.
func importIstdFiles(ctx context.Context, st *store.Store, a store.Actor, gemeente string, files []string, dry bool) (istdReport, error) {
	var rep istdReport
	var batch []store.ExchangeInput
	var idx []int
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		out, err := st.ApplyMessages(ctx, a, gemeente, batch, store.ApplyOptions{DryRun: dry})
		if err != nil {
			return err
		}
		for i, o := range out {
			fr := &rep.Files[idx[i]]
			fr.Outcome = o
			fr.Imported = batch[i].Message.Import
			fr.Note = batch[i].Message.Note
		}
		batch, idx = batch[:0], idx[:0]
		return nil
	}
	// Read and check the files on a second goroutine while the store
	// applies the previous batch; the report keeps the order of the files.
	type parsed struct {
		in  store.ExchangeInput
		err error
	}
	ch := make(chan parsed, istdBatch)
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(ch)
		for _, p := range files {
			in, err := readIstd(p)
			select {
			case ch <- parsed{in, err}:
			case <-pctx.Done():
				return
			}
		}
	}()
	for x := range ch {
		p := x.in.File
		rep.Files = append(rep.Files, istdFileReport{File: p})
		if x.err != nil {
			var ps exchange.Problems
			if !errors.As(x.err, &ps) {
				ps = exchange.Problems{{File: p, Msg: "het bestand is niet te lezen: " + x.err.Error()}}
			}
			rep.Files[len(rep.Files)-1].Outcome = store.ExchangeOutcome{Result: exchange.Result{File: p}, Err: ps}
			continue
		}
		batch = append(batch, x.in)
		idx = append(idx, len(rep.Files)-1)
		if len(batch) == istdBatch && !dry {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	for _, f := range rep.Files {
		switch {
		case f.Outcome.Err != nil:
			rep.Refused++
		case f.Outcome.Result.Duplicate:
			rep.Duplicate++
		case !f.Imported:
			rep.Nothing++
		default:
			rep.Imported++
		}
	}
	return rep, nil
}

// writeIstdReport prints the Dutch report: one block per file, then the
// totals. It holds no personal data: problems and warnings go through
// exchange.ScrubProblems (personal values left out, BSNs masked).
func writeIstdReport(w io.Writer, rep istdReport, dry bool) {
	for _, f := range rep.Files {
		r := f.Outcome.Result
		switch {
		case f.Outcome.Err != nil:
			var ps exchange.Problems
			if !errors.As(f.Outcome.Err, &ps) {
				ps = exchange.Problems{{File: f.File, Msg: f.Outcome.Err.Error()}}
			}
			fmt.Fprintf(w, "%s: geweigerd, niets ingelezen (%d %s)\n", f.File, len(ps), plural(len(ps), "probleem", "problemen"))
			for _, p := range exchange.ScrubProblems(ps) {
				p.File = ""
				fmt.Fprintf(w, "  - %s\n", p)
			}
		case r.Duplicate:
			fmt.Fprintf(w, "%s: %s is al eerder ingelezen; niets gewijzigd\n", f.File, r.Message)
		case !f.Imported:
			note := f.Note
			if note == "" {
				note = "dit bericht bevat niets om in te lezen"
			}
			fmt.Fprintf(w, "%s: %s gelezen, niets in te lezen: %s\n", f.File, r.Message, note)
		default:
			fmt.Fprintf(w, "%s: %s ingelezen: %s\n", f.File, r.Message, resultText(r))
		}
		for _, p := range exchange.ScrubProblems(r.Warnings) {
			p.File = ""
			fmt.Fprintf(w, "  let op: %s\n", p)
		}
	}
	fmt.Fprintf(w, "%d %s: %d ingelezen, %d al eerder ingelezen, %d zonder gegevens om in te lezen, %d geweigerd\n",
		len(rep.Files), plural(len(rep.Files), "bestand", "bestanden"), rep.Imported, rep.Duplicate, rep.Nothing, rep.Refused)
	if dry {
		fmt.Fprintln(w, "Proefdraai: er is niets opgeslagen.")
	}
}

// resultText says in Dutch what a message changed.
func resultText(r exchange.Result) string {
	var parts []string
	add := func(n int, one, many string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, plural(n, one, many)))
		}
	}
	add(r.PersonsCreated, "nieuwe persoon", "nieuwe personen")
	add(r.HouseholdsCreated, "nieuw huishouden", "nieuwe huishoudens")
	add(r.Unplaced, "huishouden zonder bekende wijk", "huishoudens zonder bekende wijk")
	add(r.ProvisionsCreated, "nieuwe voorziening", "nieuwe voorzieningen")
	add(r.ProvisionsUpdated, "voorziening bijgewerkt", "voorzieningen bijgewerkt")
	add(r.ClaimsCreated, "gedeclareerde prestatie", "gedeclareerde prestaties")
	if len(parts) == 0 {
		return "geen wijzigingen"
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func runExportAllocation(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("export allocation", stderr, "naober export allocation --provision ID --user EMAIL [flags]",
		"Writes the JW301 or WMO301 message for one provision (Wmo or Jeugdwet) to --out or stdout, valid against\n"+
			"the iStandaarden 3.2 schema. A provision without an allocation number gets the next free one. The\n"+
			"message holds the client's BSN and name: reading them is recorded in the audit log under --user, a\n"+
			"regisseur or teamleider of the gemeente.")
	var d dbFlags
	d.register(fs)
	id := fs.String("provision", "", "id of the provision")
	user := fs.String("user", "", "e-mail address of the regisseur or teamleider on whose behalf the message is made")
	msgID := fs.String("id", "", "BerichtIdentificatie (at most 12 characters; default from the clock)")
	out := fs.String("out", "", "file to write (default: stdout)")
	if err := config.Parse(fs, args, getenv); err != nil {
		return err
	}
	if *id == "" {
		return errors.New("--provision: give the id of the provision")
	}
	if *user == "" {
		return errors.New("--user: give the e-mail address of the regisseur or teamleider (the read is audited)")
	}
	atlas, err := area.Load()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, d, atlas, false, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, *user)
	if err != nil || u.Disabled {
		return fmt.Errorf("--user: %q is geen actieve gebruiker", *user)
	}
	p := &auth.Principal{UserID: u.ID, Email: u.Email, Name: u.Name, Grants: u.Grants}
	// The read is audited under this user: it must be someone who may read
	// and change the provision (a regisseur or teamleider of its gemeente).
	if !p.CanAnywhere(auth.ReadPersons) || !p.CanAnywhere(auth.WritePersons) {
		return fmt.Errorf("--user: %q heeft geen rol die cliënten en voorzieningen mag inzien en wijzigen (regisseur of teamleider)", *user)
	}
	// The file is opened before the allocation number is taken, so a bad
	// --out cannot leave a number committed with no message written; a
	// message that fails later removes the empty file again.
	var f *os.File
	keep := false
	if *out != "" {
		if f, err = os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		defer func() {
			if !keep {
				f.Close()
				os.Remove(*out)
			}
		}()
	}
	// Written inside the store's transaction: a message that does not
	// validate takes no allocation number.
	var buf bytes.Buffer
	m, err := st.AllocationMessage(ctx, store.Actor{P: p, Purpose: store.PurposeExchange}, *id, *msgID, func(m *exchange.Message) error {
		if err := istd.WriteAllocation(&buf, m); err != nil {
			return fmt.Errorf("export allocation: %w", err)
		}
		return nil
	})
	switch {
	case errs.Is(err, errs.NotFound), errs.Is(err, errs.Forbidden):
		return fmt.Errorf("--user: %q mag voorziening %q niet inzien en wijzigen: die bestaat niet in een gemeente waar deze gebruiker regisseur of teamleider is", *user, *id)
	case err != nil:
		return err
	}
	w := io.Writer(stdout)
	if f != nil {
		w = f
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("export allocation: %w", err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		keep = true
		fmt.Fprintf(stderr, "%s%s written to %s\n", m.Name(), " "+m.ID, *out)
	}
	return nil
}

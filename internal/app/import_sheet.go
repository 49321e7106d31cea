package app

// naober import spreadsheet | import postcodes | export monitor-extract.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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
	"naober.nl/naober/internal/exchange/sheet"
	"naober.nl/naober/internal/secret"
	"naober.nl/naober/internal/store"
)

// sheetSystemActor is who command-line imports are recorded as: the
// system user of migration 0007, as beheer of the gemeente.
func sheetSystemActor(gemeente string) store.Actor {
	return store.Actor{P: &auth.Principal{UserID: "systeem-uitwisseling", Email: "uitwisseling@systeem.naober", Name: "Berichtenverkeer (systeem)",
		Grants: []auth.Grant{{Gemeente: gemeente, Role: auth.Beheer}}}, Purpose: store.PurposeExchange}
}

// mapFlag collects --map field=Kolom.
type mapFlag map[string]string

func (m mapFlag) String() string {
	var s []string
	for k, v := range m {
		s = append(s, k+"="+v)
	}
	sort.Strings(s)
	return strings.Join(s, ",")
}

func (m mapFlag) Set(v string) error {
	f, col, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(f) == "" {
		return fmt.Errorf("%q: schrijf veld=Kolom, zoals geboortedatum=Geb.datum", v)
	}
	m[strings.ToLower(strings.TrimSpace(f))] = strings.TrimSpace(col)
	return nil
}

// openSheet opens a CSV or XLSX file for streaming.
func openSheet(path, sheetName string) (sheet.Reader, *os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	r, err := sheet.Open(filepath.Base(path), f, st.Size(), sheet.Options{Sheet: sheetName})
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, f, nil
}

// gemeenteFlag checks a gemeente code against the CBS map.
func gemeenteFlag(atlas *area.Atlas, code string) (area.Gemeente, error) {
	g, ok := atlas.Gemeente(strings.ToUpper(strings.TrimSpace(code)))
	if !ok {
		return g, fmt.Errorf("--gemeente: %q is geen gemeentecode van 2024 (zoals GM0119)", code)
	}
	return g, nil
}

func runImportSpreadsheet(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("import spreadsheet", stderr, "naober import spreadsheet --gemeente GMxxxx --source NAME [flags] FILE",
		"Reads a CSV or XLSX export of persons/households (--kind personen) or provisions (--kind voorzieningen) into\n"+
			"naober. The columns are matched to naober's fields by their names; --map changes a match, and the\n"+
			"matching and key are saved per source after a successful run. One file is one transaction: with a\n"+
			"rejected row nothing is saved, unless --partial. Importing the same file again changes nothing; a\n"+
			"changed row updates the record it made (matched on the --key column). --dry-run shows what would happen.\n"+
			"Fields: "+fieldList(exchange.KindPersons)+"\n        "+fieldList(exchange.KindProvisions))
	var d dbFlags
	d.register(fs)
	gm := fs.String("gemeente", "", "CBS code of the gemeente (GM0119)")
	source := fs.String("source", "", "name of the source system or export, e.g. \"Suite4Sociaal export\"; the mapping is saved under it")
	kindName := fs.String("kind", "personen", "personen or voorzieningen")
	m := mapFlag{}
	fs.Var(m, "map", "field=Kolom: read the field from this column (repeatable)")
	key := fs.String("key", "", "column that identifies a row within the source (default: the saved key, else BSN or toewijzingnummer)")
	dry := fs.Bool("dry-run", false, "check everything and report, save nothing")
	partial := fs.Bool("partial", false, "save the good rows even when some rows are rejected")
	sheetName := fs.String("sheet", "", "XLSX: the sheet to read (default the first)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := config.Parse(fs, args, getenv); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("import spreadsheet: give one FILE")
	}
	kind, err := exchange.ParseKind(*kindName)
	if err != nil {
		return fmt.Errorf("--kind: %w", err)
	}
	atlas, err := area.Load()
	if err != nil {
		return err
	}
	g, err := gemeenteFlag(atlas, *gm)
	if err != nil {
		return err
	}
	if strings.TrimSpace(*source) == "" {
		return errors.New("--source: geef de bron een naam, zoals \"Suite4Sociaal export\"")
	}
	r, f, err := openSheet(fs.Arg(0), *sheetName)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := openStore(ctx, d, atlas, false, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.EnsureTenant(ctx, g.Code, g.Naam); err != nil {
		return err
	}
	a := sheetSystemActor(g.Code)
	in := store.SheetImport{Gemeente: g.Code, Source: *source, Kind: kind, File: filepath.Base(fs.Arg(0)), DryRun: *dry, Partial: *partial}
	in.Mapping, in.Key, err = resolveMapping(ctx, st, a, in, r.Header(), m, *key)
	if err != nil {
		return err
	}
	rep, err := st.ImportSheet(ctx, a, in, r)
	if err != nil {
		return err
	}
	if rep.Saved {
		if err := st.SaveSheetMapping(ctx, a, store.SheetMapping{Gemeente: g.Code, Source: in.Source, Kind: kind, Mapping: in.Mapping, Key: in.Key}); err != nil {
			return err
		}
	}
	// The report holds no personal data: what is wrong and where, not the value.
	rep.Problems = exchange.ScrubSheetProblems(kind, rep.Problems)
	rep.Warnings = exchange.ScrubSheetProblems(kind, rep.Warnings)
	if *asJSON {
		b, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Fprintln(stdout, string(b))
	} else {
		printSheetReport(stdout, rep, in)
	}
	if rep.Rejected > 0 && !rep.Saved && !(rep.DryRun && rep.Partial) {
		return fmt.Errorf("import spreadsheet: %s afgekeurd", store.Rows(rep.Rejected))
	}
	return nil
}

func fieldList(k exchange.Kind) string {
	var s []string
	for _, f := range exchange.Fields(k) {
		n := f.Name
		if f.Required {
			n += "*"
		}
		s = append(s, n)
	}
	return string(k) + ": " + strings.Join(s, ", ") + " (* verplicht)"
}

// resolveMapping takes the saved mapping of the source, else the suggestion
// from the header, and applies --map and --key on top.
func resolveMapping(ctx context.Context, st *store.Store, a store.Actor, in store.SheetImport, header []string, over mapFlag, key string) (exchange.Mapping, string, error) {
	var m exchange.Mapping
	savedKey := ""
	saved, err := st.SheetMapping(ctx, a, in.Gemeente, in.Source, in.Kind)
	switch {
	case err == nil:
		m, savedKey = saved.Mapping, saved.Key
	case errs.Is(err, errs.NotFound):
		m = exchange.Suggest(in.Kind, header)
	default:
		return nil, "", err
	}
	if m == nil {
		m = exchange.Mapping{}
	}
	for f, col := range over {
		if col == "" {
			delete(m, f)
		} else {
			m[f] = col
		}
	}
	switch {
	case key != "":
	case savedKey != "":
		key = savedKey
	default:
		key = exchange.SuggestKey(in.Kind, m)
	}
	return m, key, nil
}

func printSheetReport(w io.Writer, rep store.SheetReport, in store.SheetImport) {
	fmt.Fprintf(w, "Bestand: %s (%s)\n", rep.File, rep.Format)
	fmt.Fprintf(w, "Bron: %s · %s · gemeente %s · sleutel: kolom %s\n", rep.Source, strings.ToLower(rep.Kind.Label()), rep.Gemeente, in.Key)
	var cols []string
	for _, f := range exchange.Fields(in.Kind) {
		if c := in.Mapping[f.Name]; c != "" {
			cols = append(cols, f.Label+" ← "+c)
		}
	}
	fmt.Fprintf(w, "Koppeling: %s\n", strings.Join(cols, "; "))
	fmt.Fprintln(w, rep.Summary())
	if rep.Kind == exchange.KindPersons {
		fmt.Fprintf(w, "Nieuwe huishoudens: %d, waarvan zonder wijk: %d\n", rep.HouseholdsCreated, rep.Unplaced)
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintln(w, "Afgekeurde rijen:")
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "  %s\n", p.String())
		}
		if rep.MoreProblems > 0 {
			fmt.Fprintf(w, "  … en nog %d meldingen\n", rep.MoreProblems)
		}
	}
	if len(rep.Warnings) > 0 {
		fmt.Fprintln(w, "Waarschuwingen:")
		for _, p := range rep.Warnings {
			fmt.Fprintf(w, "  %s\n", p.String())
		}
		if rep.MoreWarnings > 0 {
			fmt.Fprintf(w, "  … en nog %d waarschuwingen\n", rep.MoreWarnings)
		}
	}
}

func runImportPostcodes(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("import postcodes", stderr, "naober import postcodes --gemeente GMxxxx [flags] FILE",
		"Loads an address table (CSV or XLSX): columns Postcode, Huisnummer (or Huisnummer van and Huisnummer tot),\n"+
			"and Buurtcode and/or Wijkcode (CBS codes; optional Buurtnaam). Codes are checked against the CBS map of\n"+
			"2024 and must lie in the gemeente; a file with any bad row saves nothing. Afterwards households without a\n"+
			"wijk whose address is in the table get their wijk, and households whose address matches no row are\n"+
			"counted: the total, and per 4-digit postcode area where at least 10.")
	var d dbFlags
	d.register(fs)
	gm := fs.String("gemeente", "", "CBS code of the gemeente (GM0119)")
	dry := fs.Bool("dry-run", false, "check and report, save nothing")
	replace := fs.Bool("replace", false, "the file is the whole table: drop the gemeente's current table first")
	sheetName := fs.String("sheet", "", "XLSX: the sheet to read (default the first)")
	if err := config.Parse(fs, args, getenv); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("import postcodes: give one FILE")
	}
	atlas, err := area.Load()
	if err != nil {
		return err
	}
	g, err := gemeenteFlag(atlas, *gm)
	if err != nil {
		return err
	}
	r, f, err := openSheet(fs.Arg(0), *sheetName)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := openStore(ctx, d, atlas, false, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.EnsureTenant(ctx, g.Code, g.Naam); err != nil {
		return err
	}
	rep, err := st.ImportPostcodes(ctx, sheetSystemActor(g.Code), g.Code, filepath.Base(fs.Arg(0)), r, store.PostcodeOptions{DryRun: *dry, Replace: *replace})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Bestand: %s (%s), gemeente %s\n", rep.File, rep.Format, rep.Gemeente)
	fmt.Fprintln(stdout, rep.Summary())
	for _, p := range rep.Problems {
		fmt.Fprintf(stdout, "  %s\n", p.String())
	}
	if rep.More > 0 {
		fmt.Fprintf(stdout, "  … en nog %d meldingen\n", rep.More)
	}
	if len(rep.ByArea) > 0 {
		fmt.Fprintf(stdout, "Huishoudens waarvan het adres bij geen rij past: %d; per postcodegebied (onder de %d geen getal):\n", rep.Unmatched, store.MinAreaCount)
		for _, c := range rep.ByArea {
			fmt.Fprintf(stdout, "  %s  %s\n", c.PC4, c.Shown())
		}
	}
	if rep.Rejected > 0 {
		return fmt.Errorf("import postcodes: %s afgekeurd", store.Rows(rep.Rejected))
	}
	return nil
}

// extractKey returns the key of the extract's pseudonyms: from
// --extract-key-file (created with 32 random bytes, mode 0600, when
// absent), else derived from naober's key file with its own label, so it
// is stable as long as the key file is.
func extractKey(path string, d dbFlags) ([]byte, bool, error) {
	if path == "" {
		keys, _, err := secret.LoadOrCreate(d.keyPath())
		if err != nil {
			return nil, false, err
		}
		k, err := hex.DecodeString(keys.Hash("", "naober monitor extract pseudonyms v1"))
		return k, false, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			return nil, false, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, fmt.Errorf("--extract-key-file: %w", err)
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
			return nil, false, fmt.Errorf("--extract-key-file: %w", err)
		}
		return k, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("--extract-key-file: %w", err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("--extract-key-file %s is readable by others (mode %v); run: chmod 600 %s", path, st.Mode().Perm(), path)
	}
	k, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(k) < 32 {
		return nil, false, fmt.Errorf("--extract-key-file %s does not hold a key of at least 64 hex characters", path)
	}
	return k, false, nil
}

func runExportMonitorExtract(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("export monitor-extract", stderr, "naober export monitor-extract --gemeente GMxxxx --out DIR [flags]",
		"Writes persons.csv, provisions.csv and claims.csv of one gemeente for research partners. Persons and\n"+
			"households appear only as pseudonyms: HMAC-SHA-256 of the BSN (households: of naober's household id)\n"+
			"with the extract key, per gemeente. The same key gives the same pseudonyms in every extract; keep it\n"+
			"secret and give partners only the files. The key is read from --extract-key-file (created with a new\n"+
			"random key, mode 0600, when absent), or derived from naober's key file when that flag is not given.\n"+
			"The files hold no names, addresses, postcodes, BSNs, record ids or free text: wijk and buurt codes,\n"+
			"birth year, and months for periods. Each extract is recorded in the audit log (purpose onderzoek).")
	var d dbFlags
	d.register(fs)
	gm := fs.String("gemeente", "", "CBS code of the gemeente (GM0119)")
	out := fs.String("out", "", "directory to write the files to (created, mode 0700; files are replaced, mode 0600, only when all are written)")
	keyFile := fs.String("extract-key-file", "", "file with the pseudonym key (64 hex characters); created when absent")
	if err := config.Parse(fs, args, getenv); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out: name the directory to write to")
	}
	atlas, err := area.Load()
	if err != nil {
		return err
	}
	g, err := gemeenteFlag(atlas, *gm)
	if err != nil {
		return err
	}
	key, created, err := extractKey(*keyFile, d)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stderr, "nieuwe sleutel voor pseudoniemen aangemaakt in %s; bewaar die: zonder dezelfde sleutel krijgt dezelfde persoon een ander pseudoniem\n", *keyFile)
	}
	st, err := openStore(ctx, d, atlas, false, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	var rep store.ExtractReport
	err = writeExtractFiles(*out, func(persons, provisions, claims io.Writer) error {
		var err error
		rep, err = st.WriteExtract(ctx, sheetSystemActor(g.Code), store.Extract{Gemeente: g.Code, Key: key,
			Persons: persons, Provisions: provisions, Claims: claims})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Extract van %s geschreven in %s: %d personen, %d voorzieningen, %d declaratieregels (auditrecord %s).\n",
		g.Naam, *out, rep.Persons, rep.Provisions, rep.Claims, rep.ID)
	return nil
}

// extractFiles are the files of an extract, in the order write gets them.
var extractFiles = []string{"persons.csv", "provisions.csv", "claims.csv"}

// writeExtractFiles has write fill the files of an extract in dir
// (created, mode 0700): each goes to a temporary name in dir first (mode
// 0600) and is renamed when all are written. On an error the temporary
// files are removed: no partial extract, and an earlier extract in dir
// stays as it was.
func writeExtractFiles(dir string, write func(persons, provisions, claims io.Writer) error) (err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	tmp := make([]*os.File, 0, len(extractFiles))
	defer func() {
		for _, f := range tmp {
			f.Close()
			if err != nil {
				os.Remove(f.Name())
			}
		}
	}()
	for _, n := range extractFiles {
		f, err := os.CreateTemp(dir, "."+n+".*.tmp") // mode 0600
		if err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		tmp = append(tmp, f)
		if err := f.Chmod(0o600); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	if err := write(tmp[0], tmp[1], tmp[2]); err != nil {
		return err
	}
	for _, f := range tmp {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	for i, f := range tmp {
		if err := os.Rename(f.Name(), filepath.Join(dir, extractFiles[i])); err != nil {
			for _, done := range extractFiles[:i] { // no mix of two extracts either
				os.Remove(filepath.Join(dir, done))
			}
			return fmt.Errorf("--out: %w", err)
		}
	}
	return nil
}

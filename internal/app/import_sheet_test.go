package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"naober.nl/naober/internal/people"
)

func shTestBSN(n int) string {
	for i := 0; i < 100000; i++ {
		b := fmt.Sprintf("9999%05d", i)
		if people.ValidBSN(b) {
			if n == 0 {
				return b
			}
			n--
		}
	}
	panic("no BSN")
}

func shRun(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	return out.String() + errb.String(), err
}

func TestCLISpreadsheetPostcodesAndExtract(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "naober.db")
	env := map[string]string{"NAOBER_DB": db, "NAOBER_GEMEENTE": "GM0119"}
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The address table first: WK011901 is a real wijk of Meppel; WK999901 is not.
	bad := write("bad.csv", "Postcode;Huisnummer;Wijkcode\n7941AB;1;WK011901\n7941AC;2;WK999901\n")
	out, err := shRun(t, env, "import", "postcodes", bad)
	if err == nil || !strings.Contains(out, "regel 3") || !strings.Contains(out, "CBS-wijkindeling") || !strings.Contains(out, "Niets opgeslagen") {
		t.Fatalf("bad table: %v\n%s", err, out)
	}
	pc := write("pc.csv", "Postcode;Huisnummer van;Huisnummer tot;Wijkcode\n7941AB;1;99;WK011901\n")
	if out, err := shRun(t, env, "import", "postcodes", pc); err != nil || !strings.Contains(out, "Ingelezen: 1 rij.") {
		t.Fatalf("table: %v\n%s", err, out)
	}

	persons := write("personen.csv", "BSN;Voornaam;Achternaam;Geb.datum;Geslacht;Postcode;Huisnr\n"+
		shTestBSN(0)+";Anna;Vries;17-05-1980;V;7941 AB;12\n"+
		shTestBSN(1)+";Bram;Vries;01-03-2012;M;7941 AB;12\n")
	out, err = shRun(t, env, "import", "spreadsheet", "--source", "Suite4Sociaal export", "--dry-run", persons)
	if err != nil || !strings.Contains(out, "Proefrun van 2 rijen: 2 nieuw") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	out, err = shRun(t, env, "import", "spreadsheet", "--source", "Suite4Sociaal export", persons)
	if err != nil || !strings.Contains(out, "Ingelezen: 2 rijen, 2 nieuw") || !strings.Contains(out, "Geboortedatum ← Geb.datum") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	// The saved mapping is used again; --map overrides one field.
	out, err = shRun(t, env, "import", "spreadsheet", "--source", "Suite4Sociaal export", "--map", "geslacht=", persons)
	if err != nil || !strings.Contains(out, "2 ongewijzigd") && !strings.Contains(out, "2 gewijzigd") {
		t.Fatalf("again: %v\n%s", err, out)
	}

	prov := write("voorzieningen.csv", "BSN;Toewijzingnummer;Wet;Categorie;Startdatum;Maandbedrag\n"+
		shTestBSN(0)+";T1;wmo;01;01-01-2026;\"1.234,56\"\n"+
		shTestBSN(1)+";T2;jw;45;31-02-2026;100\n")
	out, err = shRun(t, env, "import", "spreadsheet", "--source", "Suite4Sociaal export", "--kind", "voorzieningen", prov)
	if err == nil || !strings.Contains(out, "regel 3, kolom Startdatum") || !strings.Contains(out, "Niets opgeslagen") {
		t.Fatalf("bad provisions: %v\n%s", err, out)
	}
	out, err = shRun(t, env, "import", "spreadsheet", "--source", "Suite4Sociaal export", "--kind", "voorzieningen", "--partial", prov)
	if err != nil || !strings.Contains(out, "1 nieuw") {
		t.Fatalf("partial provisions: %v\n%s", err, out)
	}

	keyFile := filepath.Join(dir, "extract.key")
	for _, sub := range []string{"e1", "e2"} {
		out, err = shRun(t, env, "export", "monitor-extract", "--out", filepath.Join(dir, sub), "--extract-key-file", keyFile)
		if err != nil || !strings.Contains(out, "2 personen, 1 voorzieningen") {
			t.Fatalf("extract: %v\n%s", err, out)
		}
	}
	if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	e1, _ := os.ReadFile(filepath.Join(dir, "e1", "persons.csv"))
	e2, _ := os.ReadFile(filepath.Join(dir, "e2", "persons.csv"))
	if !bytes.Equal(e1, e2) || bytes.Contains(e1, []byte(shTestBSN(0))) || bytes.Contains(e1, []byte("Anna")) ||
		// The postcode as a value: "7941" alone is also found inside a hex pseudonym now and then.
		bytes.Contains(e1, []byte("7941AB")) || bytes.Contains(e1, []byte("7941 AB")) {
		t.Fatalf("extracts:\n%s\n%s", e1, e2)
	}
	out, err = shRun(t, env, "export", "monitor-extract", "--out", filepath.Join(dir, "e3"))
	if err != nil {
		t.Fatalf("extract with the derived key: %v\n%s", err, out)
	}
	e3, _ := os.ReadFile(filepath.Join(dir, "e3", "persons.csv"))
	if bytes.Equal(e1, e3) {
		t.Fatal("another key gave the same pseudonyms")
	}
	for _, n := range []string{"persons.csv", "provisions.csv", "claims.csv"} {
		if st, err := os.Stat(filepath.Join(dir, "e3", n)); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", n, st, err)
		}
	}
	// With another key file naober cannot read the BSNs: the extract fails
	// after it began, and leaves nothing in the directory.
	out, err = shRun(t, env, "export", "monitor-extract", "--out", filepath.Join(dir, "e4"), "--key-file", filepath.Join(dir, "other.key"))
	if err == nil {
		t.Fatalf("extract with the wrong key file: %s", out)
	}
	if entries, err := os.ReadDir(filepath.Join(dir, "e4")); err != nil || len(entries) != 0 {
		t.Fatalf("files after a failed extract: %v %v", entries, err)
	}
}

// An extract is written whole or not at all: an error half-way leaves no
// files (and an earlier extract as it was); the files are 0600.
func TestExtractFilesWholeOrNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "uit")
	list := func() []string {
		t.Helper()
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	boom := errors.New("boom")
	err := writeExtractFiles(dir, func(persons, provisions, claims io.Writer) error {
		io.WriteString(persons, "persoon\nabc\n")
		io.WriteString(provisions, "persoon\nabc\n")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if names := list(); len(names) != 0 {
		t.Fatalf("files after an error: %v", names)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("dir: %v %v", st, err)
	}
	if err := writeExtractFiles(dir, func(persons, provisions, claims io.Writer) error {
		for _, w := range []io.Writer{persons, provisions, claims} {
			io.WriteString(w, "eerste\n")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if names := list(); strings.Join(names, ",") != "claims.csv,persons.csv,provisions.csv" {
		t.Fatalf("files: %v", names)
	}
	for _, n := range extractFiles {
		if st, err := os.Stat(filepath.Join(dir, n)); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", n, st, err)
		}
	}
	// A failing second extract leaves the first as it was.
	writeExtractFiles(dir, func(persons, provisions, claims io.Writer) error {
		io.WriteString(persons, "tweede\n")
		return boom
	})
	if names := list(); len(names) != 3 {
		t.Fatalf("files: %v", names)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "persons.csv")); string(b) != "eerste\n" {
		t.Fatalf("persons.csv: %q", b)
	}
}

package app

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange/istd"
	"naober.nl/naober/internal/secret"
	"naober.nl/naober/internal/store"
)

const istdExamples = "../exchange/istd/testdata" // the example messages of ../shared/data/istandaarden, copied with their attribution

func TestImportIstandaardenReportsPerFileAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "naober.db")
	// Flags through their environment twins.
	env := func(k string) string {
		return map[string]string{"NAOBER_DB": db, "NAOBER_GEMEENTE": "GM0384"}[k]
	}
	var out bytes.Buffer
	err := Run(ctx, []string{"import", "istandaarden", istdExamples}, env, nil, &out, io.Discard)
	// The 305–308 examples are for 0363: refused, so the command fails;
	// the others are imported, the published JW323 with two warnings.
	if err == nil || !strings.Contains(err.Error(), "6 van 11 bestanden geweigerd") {
		t.Fatalf("first run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"JW301.xml: JW301 123456789012 ingelezen: 1 nieuwe persoon, 1 nieuw huishouden, 1 huishouden zonder bekende wijk, 2 nieuwe voorzieningen",
		"JW302.xml: JW302 123456789012 gelezen, niets in te lezen",
		"JW305.xml: geweigerd, niets ingelezen (1 probleem)",
		"/Bericht/Header/Ontvanger: dit bericht is voor gemeente 0363",
		"JW323.xml: JW323 765432198 ingelezen: 1 nieuwe persoon, 1 nieuw huishouden, 1 huishouden zonder bekende wijk, 4 nieuwe voorzieningen, 5 gedeclareerde prestaties",
		"let op: /Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[2]/ToewijzingNummer: toewijzing 10073 staat ook op naam van een andere cliënt (******006)",
		"let op: /Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[3]/ProductReferentie/ReferentieNummer: referentienummer RN004 staat twee keer",
		"WMO323.xml: WMO323 765432198 ingelezen:",
		"11 bestanden: 4 ingelezen, 0 al eerder ingelezen, 1 zonder gegevens om in te lezen, 6 geweigerd",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "999900006") || strings.Contains(out.String(), "Wit") {
		t.Errorf("report holds personal data:\n%s", out.String())
	}
	// The 0363 messages into their own gemeente, given as files; --dry-run first.
	files := []string{"ijw/berichten/JW305.xml", "ijw/berichten/JW307.xml", "iwmo/berichten/WMO305.xml", "iwmo/berichten/WMO307.xml"}
	args := []string{"import", "istandaarden", "--db", db, "--gemeente", "GM0363"}
	for _, f := range files {
		args = append(args, filepath.Join(istdExamples, f))
	}
	out.Reset()
	if err := Run(ctx, append(args[:6:6], append([]string{"--dry-run"}, args[6:]...)...), noEnv, nil, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "4 ingelezen") || !strings.Contains(out.String(), "Proefdraai: er is niets opgeslagen.") {
		t.Fatalf("dry run: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := Run(ctx, args, noEnv, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "4 ingelezen, 0 al eerder ingelezen") {
		t.Fatalf("0363: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := Run(ctx, args, noEnv, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "0 ingelezen, 4 al eerder ingelezen") {
		t.Fatalf("0363 again: %v\n%s", err, out.String())
	}
	// A broken file is refused with the element; a missing gemeente flag is an error.
	bad := filepath.Join(t.TempDir(), "kapot.xml")
	os.WriteFile(bad, []byte("<jw301:Bericht xmlns:jw301=\"http://www.istandaarden.nl/ijw/3_2/jw301/schema\"><jw301:Header>"), 0o600)
	out.Reset()
	if err := Run(ctx, []string{"import", "istandaarden", "--db", db, "--gemeente", "GM0384", bad}, noEnv, nil, &out, io.Discard); err == nil ||
		!strings.Contains(out.String(), "kapot.xml: geweigerd") {
		t.Fatalf("broken file: %v\n%s", err, out.String())
	}
	if err := Run(ctx, []string{"import", "istandaarden", "--db", db, bad}, noEnv, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("no --gemeente accepted")
	}
	var help bytes.Buffer
	if err := Run(ctx, []string{"import", "istandaarden", "-h"}, noEnv, nil, io.Discard, &help); !errors.Is(err, flag.ErrHelp) ||
		!strings.Contains(help.String(), "NAOBER_GEMEENTE") || !strings.Contains(help.String(), "NAOBER_DRY_RUN") {
		t.Fatalf("help: %v\n%s", err, help.String())
	}
}

func TestExportAllocation(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "naober.db")
	if err := Run(ctx, []string{"import", "istandaarden", "--db", db, "--gemeente", "GM0384", filepath.Join(istdExamples, "ijw/berichten/JW301.xml")}, noEnv, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	keys, _, err := secret.LoadOrCreate(filepath.Join(dir, "naober.key"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, db, store.Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	u := &store.User{Email: "r@diemen.nl", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0384", Role: auth.Regisseur}}}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	a := store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	hits, err := st.FindByBSN(ctx, a, "999900006")
	if err != nil || len(hits) != 1 {
		t.Fatal(hits, err)
	}
	pvs, _ := st.ProvisionsForHousehold(ctx, a, hits[0].HouseholdID)
	st.Close()
	out := filepath.Join(dir, "toewijzing.xml")
	if err := Run(ctx, []string{"export", "allocation", "--db", db, "--provision", pvs[0].ID, "--user", "r@diemen.nl", "--id", "X42", "--out", out}, noEnv, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := istd.Read("toewijzing.xml", f)
	if err != nil || m.Name() != "JW301" || m.ID != "X42" || m.Afzender != "0384" || m.Client.BSN != "999900006" || len(m.Allocations) != 1 {
		t.Fatalf("export reads back as %+v, %v", m, err)
	}
	// Without --user (the read must be audited under a person) it refuses.
	if err := Run(ctx, []string{"export", "allocation", "--db", db, "--provision", pvs[0].ID}, noEnv, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("export without --user")
	}
	// --out is opened before anything is written or numbered: an existing
	// file is refused and kept as it was.
	err = Run(ctx, []string{"export", "allocation", "--db", db, "--provision", pvs[0].ID, "--user", "r@diemen.nl", "--id", "X43", "--out", out}, noEnv, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--out") {
		t.Fatalf("existing --out: %v", err)
	}
	if back, _ := os.ReadFile(out); !bytes.Contains(back, []byte("X42")) {
		t.Fatal("existing --out was changed")
	}
	// A refused export leaves no empty file behind.
	none := filepath.Join(dir, "geen.xml")
	if err := Run(ctx, []string{"export", "allocation", "--db", db, "--provision", "bestaat-niet", "--user", "r@diemen.nl", "--out", none}, noEnv, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("export of an unknown provision")
	}
	if _, err := os.Stat(none); !os.IsNotExist(err) {
		t.Fatalf("refused export left %s: %v", none, err)
	}
}

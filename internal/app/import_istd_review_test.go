package app

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/secret"
	"naober.nl/naober/internal/store"
)

// The command-line report of a message import shows no personal values
// (issue 5, findings 5 and 6): problems and warnings are scrubbed.
func TestIstdReportScrubsPersonalValues(t *testing.T) {
	refused := exchange.Problems{
		{File: "a.xml", Path: "/Bericht/Client/Naam/Geslachtsnaam/Achternaam", Value: "Jansen", Msg: "dit gegeven is te lang"},
		{File: "a.xml", Path: "/Bericht/Client/Geboortedatum/Datum", Value: "2010-02-01", Msg: "geen datum"},
		{File: "a.xml", Path: "/Bericht/Client/Bsn", Value: "999900006", Msg: "elfproef"},
	}
	rep := istdReport{Files: []istdFileReport{
		{File: "a.xml", Outcome: store.ExchangeOutcome{Err: refused}},
		{File: "b.xml", Imported: true, Outcome: store.ExchangeOutcome{Result: exchange.Result{File: "b.xml", Message: "JW301 1",
			Warnings: []exchange.Problem{{Path: "/Bericht/Client/Commentaar", Value: "moeder drinkt", Msg: "let op"}, {Path: "regel 3", Value: "toewijzing 123456789", Msg: "x"}}}}},
	}, Refused: 1, Imported: 1}
	var b bytes.Buffer
	writeIstdReport(&b, rep, false)
	out := b.String()
	for _, secret := range []string{"Jansen", "2010-02-01", "999900006", "moeder drinkt", "123456789"} {
		if strings.Contains(out, secret) {
			t.Errorf("the report shows %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "/Bericht/Client/Naam/Geslachtsnaam/Achternaam") || !strings.Contains(out, "******006") {
		t.Errorf("the report lost the path or the masked BSN:\n%s", out)
	}
}

// export allocation --user refuses a user who may not read and change the
// provision in its gemeente, with an error naming --user (issue 5, #11);
// nothing is audited under that user and no number is given.
func TestExportAllocationUserMustHoldARole(t *testing.T) {
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
	if err := st.EnsureTenant(ctx, "GM0363", "Amsterdam"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*store.User{
		{Email: "r@diemen.nl", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0384", Role: auth.Regisseur}}},
		{Email: "beleid@diemen.nl", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0384", Role: auth.Beleid}}},
		{Email: "beheer@diemen.nl", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0384", Role: auth.Beheer}}},
		{Email: "r@amsterdam.nl", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0363", Role: auth.Regisseur}}},
	} {
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	a := store.Actor{P: &auth.Principal{UserID: "x", Grants: []auth.Grant{{Gemeente: "GM0384", Role: auth.Regisseur}}}}
	hits, err := st.FindByBSN(ctx, a, "999900006")
	if err != nil || len(hits) != 1 {
		t.Fatal(hits, err)
	}
	pvs, _ := st.ProvisionsForHousehold(ctx, a, hits[0].HouseholdID)
	st.Close()
	for _, c := range []struct{ user, want string }{
		{"niemand@diemen.nl", "geen actieve gebruiker"},
		{"beleid@diemen.nl", "geen rol"},
		{"beheer@diemen.nl", "geen rol"},
		{"r@amsterdam.nl", "mag voorziening"},
	} {
		err := Run(ctx, []string{"export", "allocation", "--db", db, "--provision", pvs[0].ID, "--user", c.user, "--id", "X1"}, noEnv, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "--user") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.user, err, c.want)
		}
	}
	var out bytes.Buffer
	if err := Run(ctx, []string{"export", "allocation", "--db", db, "--provision", pvs[0].ID, "--user", "r@diemen.nl", "--id", "X1"}, noEnv, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "999900006") {
		t.Fatalf("regisseur: %v", err)
	}
}

// A dry run is one rollback-only pass over all files, whatever the batch
// size: the same message twice is reported once as imported and once as
// already imported, as the real run does (issue 5, #14).
func TestImportIstandaardenDryRunIsOnePass(t *testing.T) {
	defer func(n int) { istdBatch = n }(istdBatch)
	istdBatch = 1
	ctx := context.Background()
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(istdExamples, "ijw/berichten/JW301.xml"))
	if err != nil {
		t.Fatal(err)
	}
	msgs := filepath.Join(dir, "berichten")
	if err := os.Mkdir(msgs, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.xml", "b.xml"} {
		if err := os.WriteFile(filepath.Join(msgs, n), src, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "naober.db")
	for _, dry := range []bool{true, false} {
		args := []string{"import", "istandaarden", "--db", db, "--gemeente", "GM0384"}
		if dry {
			args = append(args, "--dry-run")
		}
		args = append(args, msgs)
		var out bytes.Buffer
		if err := Run(ctx, args, noEnv, nil, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "2 bestanden: 1 ingelezen, 1 al eerder ingelezen") {
			t.Fatalf("dry run %v:\n%s", dry, out.String())
		}
	}
}

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
)

func TestGenNational(t *testing.T) {
	var errOut bytes.Buffer
	err := Run(context.Background(), []string{"gen", "national", "-h"}, noEnv, nil, io.Discard, &errOut)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("gen -h: %v", err)
	}
	for _, f := range []string{"persons", "out", "seed", "months", "end", "gemeenten"} {
		if !strings.Contains(errOut.String(), "--"+f+" ") || !strings.Contains(errOut.String(), "env NAOBER_"+strings.ToUpper(f)) {
			t.Errorf("gen -h does not explain --%s and its twin:\n%s", f, errOut.String())
		}
	}
	dir := filepath.Join(t.TempDir(), "out")
	env := func(k string) string { return map[string]string{"NAOBER_PERSONS": "3000"}[k] }
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"gen", "national", "--out", dir, "--gemeenten", "gm0119", "--end", "2026-06", "--months", "12"}, env, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "3000 persons") || !strings.Contains(out.String(), "202507–202606") {
		t.Errorf("summary: %s", out.String())
	}
	if b, err := os.ReadFile(filepath.Join(dir, "persons.csv")); err != nil || !bytes.Contains(b, []byte(",GM0119,WK011900,")) {
		t.Errorf("persons.csv: %v", err)
	}
	for _, args := range [][]string{{"gen"}, {"gen", "national"}, {"gen", "national", "--out", dir, "--end", "2026-13"}, {"gen", "local", "--out", dir}} {
		if err := Run(context.Background(), args, noEnv, nil, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

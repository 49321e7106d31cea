package config

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

func TestEnvTwins(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	db := fs.String("db", "default.db", "database")
	key := fs.String("key-file", "", "key")
	env := map[string]string{"NAOBER_DB": "from-env.db", "NAOBER_KEY_FILE": "env.key"}
	if err := Parse(fs, []string{"--db", "flag.db"}, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if *db != "flag.db" || *key != "env.key" {
		t.Fatalf("db=%q key=%q: flags must win over env, env over defaults", *db, *key)
	}
	fs2 := flag.NewFlagSet("y", flag.ContinueOnError)
	fs2.Int("households", 1, "n")
	if err := Parse(fs2, nil, func(k string) string { return map[string]string{"NAOBER_HOUSEHOLDS": "veel"}[k] }); err == nil || !strings.Contains(err.Error(), "NAOBER_HOUSEHOLDS") {
		t.Fatalf("bad env value: %v", err)
	}
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	Usage(fs, &buf, "naober x", "about")()
	if !strings.Contains(buf.String(), "env NAOBER_KEY_FILE") || !strings.Contains(buf.String(), "--db") {
		t.Fatalf("usage: %s", buf.String())
	}
}

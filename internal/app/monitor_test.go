package app

import (
	"flag"
	"io"
	"path/filepath"
	"testing"

	"naober.nl/naober/internal/config"
)

func TestMonitorThresholdFlagAndEnv(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want int64
		bad  bool
	}{
		{nil, nil, 10, false},
		{nil, map[string]string{"NAOBER_MONITOR_THRESHOLD": "20"}, 20, false},
		{[]string{"--monitor-threshold", "15"}, map[string]string{"NAOBER_MONITOR_THRESHOLD": "20"}, 15, false},
		{[]string{"--monitor-threshold", "2"}, nil, 0, true},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var m monitorFlags
		m.register(fs)
		if err := config.Parse(fs, c.args, func(k string) string { return c.env[k] }); err != nil {
			t.Fatal(err)
		}
		r, err := m.rule()
		if (err != nil) != c.bad || (!c.bad && (r.Threshold != c.want || r.Base != 5)) {
			t.Errorf("%v %v: %+v %v", c.args, c.env, r, err)
		}
	}
}

// The cell-key secret is stable for one key file and differs between
// installations.
func TestMonitorSecretIsStable(t *testing.T) {
	dir := t.TempDir()
	a1, err := monitorSecret(filepath.Join(dir, "a.key"))
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := monitorSecret(filepath.Join(dir, "a.key"))
	b, _ := monitorSecret(filepath.Join(dir, "b.key"))
	if a1 != a2 || a1 == b || a1 == 0 {
		t.Errorf("secrets %x %x %x", a1, a2, b)
	}
}

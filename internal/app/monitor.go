package app

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"

	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/monitorfeed"
	"naober.nl/naober/internal/secret"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/web"
)

// monitorFlags configure the population monitor of serve and demo.
type monitorFlags struct {
	threshold int
	off       bool
}

func (m *monitorFlags) register(fs *flag.FlagSet) {
	def := monitor.DefaultRule()
	fs.IntVar(&m.threshold, "monitor-threshold", int(def.Threshold), "monitor: counts below this are shown as \".\" (disclosure control; at least 5)")
	fs.BoolVar(&m.off, "monitor-off", false, "do not build the population monitor (its pages then answer 503)")
}

// rule is the disclosure rule with the configured threshold.
func (m *monitorFlags) rule() (monitor.Rule, error) {
	r := monitor.DefaultRule()
	if m.threshold < 5 || m.threshold > 1000 {
		return r, fmt.Errorf("--monitor-threshold: %d is not between 5 and 1000", m.threshold)
	}
	r.Threshold = int64(m.threshold)
	return r, nil
}

// monitorSecret derives the key of the monitor's cell keys from the
// installation's key file, so every process and every rebuild perturbs a
// cell the same way (and nobody without the key file can predict it).
func monitorSecret(keyPath string) (uint64, error) {
	keys, _, err := secret.LoadOrCreate(keyPath)
	if err != nil {
		return 0, err
	}
	h, err := hex.DecodeString(keys.Hash("", "naober monitor cell keys v1"))
	if err != nil || len(h) < 8 {
		return 0, errors.New("monitor: cannot derive the cell key secret")
	}
	return binary.BigEndian.Uint64(h[:8]), nil
}

// startMonitor sets the server up with the monitor and starts the feed in
// the background. The returned stop cancels the feed and waits for it, so
// call it before closing the store.
func startMonitor(ctx context.Context, m monitorFlags, srv *web.Server, st *store.Store, keyPath string, gemeenten []string, log *slog.Logger) (stop func(), err error) {
	if srv.MonitorRule, err = m.rule(); err != nil {
		return nil, err
	}
	if m.off {
		return func() {}, nil
	}
	sec, err := monitorSecret(keyPath)
	if err != nil {
		return nil, err
	}
	feed := monitorfeed.New(st, gemeenten, sec, monitorfeed.Options{Logger: log})
	srv.Monitor = feed.Index
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := feed.Run(fctx); err != nil && !errors.Is(err, context.Canceled) && fctx.Err() == nil {
			log.Error("monitor feed stopped", "err", err)
		}
	}()
	return func() { cancel(); <-done }, nil
}

// Package monitorfeed keeps the monitor's in-memory index current with the
// store: a full build at start, then it follows the store's ordered change
// log (table changes) and replaces the households that changed. Because the
// log lives in the database, every naober process sharing one PostgreSQL
// sees every write, whichever process made it.
package monitorfeed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// Options tune a Feed; the zero value is good.
type Options struct {
	// Poll is how often the change log is read; default 200 ms.
	Poll time.Duration
	// RebuildAbove: more changes than this in one poll make a full rebuild
	// instead of household replacements; default 2000.
	RebuildAbove int
	// HistoryMonths is how far back facts reach; default 24.
	HistoryMonths int
	// RebuildEvery forces a full rebuild this often (ages, open-ended
	// provisions and the current month move with the clock, not with
	// writes); default 6 h, and always when the calendar day changes.
	RebuildEvery time.Duration
	// Logger receives errors and build timings (no personal data); default
	// slog.Default().
	Logger *slog.Logger
	// Now is the clock used to notice a new day; default time.Now.
	Now func() time.Time
}

// Feed builds and follows.
type Feed struct {
	st        *store.Store
	gemeenten []string // fixed, or nil: every tenant at each full build
	secret    uint64
	opt       Options

	ix    atomic.Pointer[monitor.Index]
	seq   atomic.Int64
	ready chan struct{}
	once  sync.Once

	mu      sync.Mutex
	waiters []chan struct{} // woken after each applied batch
	follow  map[string]bool // the gemeenten of the current index
	lastDay people.Date
	built   time.Time

	// Stats of the last operations, for logs and benchmarks.
	lastBuild atomic.Int64 // nanoseconds of the last full build
}

// New makes a feed for the gemeenten (empty: every tenant in the store,
// re-read at each full build). secret keys the engine's cell keys: derive
// it from the installation's key file so all processes agree.
func New(st *store.Store, gemeenten []string, secret uint64, opts Options) *Feed {
	if opts.Poll <= 0 {
		opts.Poll = 200 * time.Millisecond
	}
	if opts.RebuildAbove <= 0 {
		opts.RebuildAbove = 2000
	}
	if opts.HistoryMonths <= 0 {
		opts.HistoryMonths = 24
	}
	if opts.RebuildEvery <= 0 {
		opts.RebuildEvery = 6 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	g := append([]string(nil), gemeenten...)
	sort.Strings(g)
	return &Feed{st: st, gemeenten: g, secret: secret, opt: opts, ready: make(chan struct{})}
}

// Index is the current index; nil until the first build is done. Queries
// on it are safe while the feed updates it.
func (f *Feed) Index() *monitor.Index { return f.ix.Load() }

// Ready is closed when the first build is done.
func (f *Feed) Ready() <-chan struct{} { return f.ready }

// Seq is the id of the last change applied to the index.
func (f *Feed) Seq() int64 { return f.seq.Load() }

// LastBuild is how long the last full build took.
func (f *Feed) LastBuild() time.Duration { return time.Duration(f.lastBuild.Load()) }

// WaitFor blocks until the index reflects every change up to seq (see
// store.LastChange) or ctx ends.
func (f *Feed) WaitFor(ctx context.Context, seq int64) error {
	for {
		f.mu.Lock()
		if f.seq.Load() >= seq && f.ix.Load() != nil {
			f.mu.Unlock()
			return nil
		}
		ch := make(chan struct{})
		f.waiters = append(f.waiters, ch)
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (f *Feed) advance(seq int64) {
	f.mu.Lock()
	f.seq.Store(seq)
	ws := f.waiters
	f.waiters = nil
	f.mu.Unlock()
	for _, ch := range ws {
		close(ch)
	}
}

// Run builds the index and follows the change log until ctx ends. Errors
// are logged and retried with backoff; Run returns only ctx's error.
func (f *Feed) Run(ctx context.Context) error {
	log := f.opt.Logger.With("component", "monitorfeed")
	backoff := f.opt.Poll
	fail := func(what string, err error) error {
		log.Warn("monitor feed: "+what+" failed; retrying", "err", errText(err), "retry_in", backoff.String())
		t := time.NewTimer(backoff)
		defer t.Stop()
		backoff = min(backoff*2, 30*time.Second)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
	// First build.
	for f.ix.Load() == nil {
		if err := safe(func() error { return f.Rebuild(ctx) }); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err := fail("build", err); err != nil {
				return err
			}
			continue
		}
		backoff = f.opt.Poll
	}
	tick := time.NewTicker(f.opt.Poll)
	defer tick.Stop()
	force := false
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		var err error
		if force || f.needRebuild() {
			err = safe(func() error { return f.Rebuild(ctx) })
			force = err != nil && force
		} else {
			err = safe(func() error { return f.Step(ctx) })
			// The index may be half updated when the engine refused a
			// household: start again from a full build.
			force = errors.Is(err, errEngine)
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err := fail("update", err); err != nil {
				return err
			}
			continue
		}
		backoff = f.opt.Poll
	}
}

// errEngine marks failures of the engine (not of the database).
var errEngine = errors.New("engine")

// safe runs fn, turning a panic into an error: the feed must never take
// the server down.
func safe(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: panic: %v", errEngine, p)
		}
	}()
	return fn()
}

func (f *Feed) needRebuild() bool {
	now := f.opt.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	return people.DateOf(now.In(people.Amsterdam())) != f.lastDay || now.Sub(f.built) >= f.opt.RebuildEvery
}

// Rebuild reads every household of the feed's gemeenten and swaps in a
// fresh index. Changes logged after the build started are applied by the
// next Step (replacing a household twice is harmless).
func (f *Feed) Rebuild(ctx context.Context) error {
	start := time.Now()
	now := f.opt.Now()
	// The cursor is read before the data: anything committed later is
	// replayed from the log.
	seq, err := f.st.LastChange(ctx)
	if err != nil {
		return fmt.Errorf("monitor build: last change: %w", err)
	}
	gms := f.gemeenten
	if len(gms) == 0 {
		if gms, err = f.st.MonitorTenants(ctx); err != nil {
			return fmt.Errorf("monitor build: tenants: %w", err)
		}
	}
	d, err := f.st.MonitorData(ctx, store.MonitorRead{Gemeenten: gms, HistoryMonths: f.opt.HistoryMonths})
	if err != nil {
		return fmt.Errorf("monitor build: read: %w", err)
	}
	b := monitor.NewBuilder(f.secret)
	for _, p := range d.Persons {
		b.Add(p)
	}
	for _, h := range d.Households {
		b.AddHousehold(h)
	}
	ix, err := b.Build()
	if err != nil {
		return fmt.Errorf("monitor build: %w", err)
	}
	follow := map[string]bool{}
	for _, g := range gms {
		follow[g] = true
	}
	f.mu.Lock()
	f.follow = follow
	f.lastDay = people.DateOf(now.In(people.Amsterdam()))
	f.built = now
	f.mu.Unlock()
	f.ix.Store(ix)
	f.lastBuild.Store(int64(time.Since(start)))
	f.advance(max(seq, f.seq.Load()))
	f.once.Do(func() { close(f.ready) })
	f.opt.Logger.Info("monitor index built", "component", "monitorfeed", "gemeenten", len(gms),
		"persons", len(d.Persons), "households", len(d.Households), "seq", seq, "took", time.Since(start).String())
	return nil
}

// Step applies the changes logged since the last one applied: it reloads
// the affected households and replaces them in the index, or rebuilds when
// there are many. It does nothing before the first build.
func (f *Feed) Step(ctx context.Context) error {
	ix := f.ix.Load()
	if ix == nil {
		return nil
	}
	for {
		from := f.seq.Load()
		cs, err := f.st.Changes(ctx, from, f.opt.RebuildAbove+1)
		if err != nil {
			return fmt.Errorf("monitor follow: read changes: %w", err)
		}
		if len(cs) == 0 {
			return nil
		}
		if len(cs) > f.opt.RebuildAbove {
			return f.Rebuild(ctx)
		}
		f.mu.Lock()
		follow := f.follow
		f.mu.Unlock()
		set := map[string]bool{}
		gms := map[string]bool{}
		var hhs []string
		var newTenant bool
		for _, c := range cs {
			if !follow[c.Gemeente] {
				newTenant = newTenant || len(f.gemeenten) == 0
				continue
			}
			if c.Household != "" && !set[c.Household] {
				gms[c.Gemeente] = true
				set[c.Household] = true
				hhs = append(hhs, c.Household)
			}
		}
		last := cs[len(cs)-1].ID
		if newTenant {
			// A gemeente added while running: read it in with a full build.
			return f.Rebuild(ctx)
		}
		if len(hhs) > 0 {
			if err := f.apply(ctx, ix, gms, hhs); err != nil {
				return err
			}
		}
		f.advance(last)
		if len(cs) <= f.opt.RebuildAbove/2 {
			return nil
		}
	}
}

// apply reloads the changed households (and those of their members) of the
// gemeenten and replaces them in ix. The read is audited for these
// gemeenten only.
func (f *Feed) apply(ctx context.Context, ix *monitor.Index, gemeenten map[string]bool, changed []string) error {
	var gms []string
	for g := range gemeenten {
		gms = append(gms, g)
	}
	sort.Strings(gms)
	hhs, err := f.st.MonitorExpand(ctx, gms, changed)
	if err != nil {
		return fmt.Errorf("monitor follow: expand: %w", err)
	}
	d, err := f.st.MonitorData(ctx, store.MonitorRead{Gemeenten: gms, Households: hhs, HistoryMonths: f.opt.HistoryMonths})
	if err != nil {
		return fmt.Errorf("monitor follow: read: %w", err)
	}
	byHH := map[uint64][]monitor.PersonInput{}
	for _, p := range d.Persons {
		byHH[p.Household] = append(byHH[p.Household], p)
	}
	hin := map[uint64]monitor.HouseholdInput{}
	for _, h := range d.Households {
		hin[h.ID] = h
	}
	// Households that lose members first, then the ones that gain them, so
	// a person moving between two replaced households is never in both.
	sort.SliceStable(hhs, func(i, j int) bool {
		return len(byHH[store.MonitorID(hhs[i])]) < len(byHH[store.MonitorID(hhs[j])])
	})
	for _, id := range hhs {
		mid := store.MonitorID(id)
		h, ok := hin[mid]
		if !ok {
			h = monitor.HouseholdInput{ID: mid}
		}
		if err := ix.ReplaceHousehold(h, byHH[mid]); err != nil {
			return fmt.Errorf("monitor follow: replace household: %w: %w", errEngine, err)
		}
	}
	return nil
}

// errText is what the log gets of an error: the store's errors carry the
// statement's failure, never row contents.
func errText(err error) string { return err.Error() }

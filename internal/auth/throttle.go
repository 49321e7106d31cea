package auth

import (
	"sync"
	"time"
)

// Throttle limits failed logins per key (an account and an address are two
// keys). After Limit failures within Window the key is blocked until the
// window has passed since the oldest counted failure.
type Throttle struct {
	Limit  int
	Window time.Duration
	Now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewThrottle makes a throttle: 5 failures per 15 minutes per key by default.
func NewThrottle() *Throttle {
	return &Throttle{Limit: 5, Window: 15 * time.Minute, Now: time.Now, failures: map[string][]time.Time{}}
}

// Blocked reports whether any key is blocked and for how long.
func (t *Throttle) Blocked(keys ...string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Now()
	var wait time.Duration
	for _, k := range keys {
		f := t.prune(k, now)
		if len(f) >= t.Limit {
			if w := f[0].Add(t.Window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait > 0, wait
}

// Fail records a failed attempt for every key.
func (t *Throttle) Fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Now()
	for _, k := range keys {
		t.failures[k] = append(t.prune(k, now), now)
	}
	// Bound memory under a spray of addresses: forget stale keys now and then.
	if len(t.failures) > 100000 {
		for k := range t.failures {
			if len(t.prune(k, now)) == 0 {
				delete(t.failures, k)
			}
		}
	}
}

// Succeed clears the account's failures after a good login.
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, key)
}

func (t *Throttle) prune(k string, now time.Time) []time.Time {
	f := t.failures[k]
	i := 0
	for i < len(f) && now.Sub(f[i]) >= t.Window {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(t.failures, k)
		return nil
	}
	t.failures[k] = f
	return f
}

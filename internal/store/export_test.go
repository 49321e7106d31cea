package store

// SetBeforeCommitHook makes every transaction that appended changes call f
// just before COMMIT (nil: no hook). For tests of the change log's order.
func SetBeforeCommitHook(f func()) {
	if f == nil {
		beforeCommitHook.Store(nil)
		return
	}
	beforeCommitHook.Store(&f)
}

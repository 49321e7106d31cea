package app

// Stubs until the exchange commands land; each helper replaces its own
// stub by moving it to its own file. Delete this file when it is empty.

import (
	"context"
	"errors"
	"io"
)

var errNotYet = errors.New("not built yet")

func runImportIstandaarden(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errNotYet
}

func runExportAllocation(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errNotYet
}

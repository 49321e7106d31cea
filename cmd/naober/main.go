// Command naober is the one binary of the naober platform. It only wires:
// the work is in internal/app.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"naober.nl/naober/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, app.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "naober:", err)
		os.Exit(1)
	}
}

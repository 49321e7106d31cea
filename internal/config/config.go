// Package config gives every command-line flag an NAOBER_* environment twin
// and prints help that names both.
package config

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// EnvName is the environment twin of a flag: --key-file is NAOBER_KEY_FILE.
func EnvName(flagName string) string {
	return "NAOBER_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Parse parses args, then fills every flag not given on the command line
// from its environment twin. Command-line flags win.
func Parse(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v := getenv(EnvName(f.Name)); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %v", EnvName(f.Name), v, e)
			}
		}
	})
	return err
}

// Usage returns a usage function that lists flags with their environment twins.
func Usage(fs *flag.FlagSet, w io.Writer, synopsis, about string) func() {
	return func() {
		fmt.Fprintf(w, "Usage: %s\n\n%s\n\nFlags (each also read from its environment variable):\n", synopsis, about)
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		sort.Strings(names)
		for _, n := range names {
			f := fs.Lookup(n)
			name, usage := flag.UnquoteUsage(f)
			def := ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				def = fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(w, "  --%s %s\n      %s%s\n      env %s\n", n, name, usage, def, EnvName(n))
		}
	}
}

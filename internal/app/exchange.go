package app

import (
	"context"
	"fmt"
	"io"
)

const importUsage = `Usage: naober import <kind> [flags] FILE…

Kinds:
  istandaarden  iJw/iWmo 3.2 messages (301, 305, 307, 323, …): FILE or DIR, one transaction per message
  spreadsheet   a CSV or XLSX of persons/households or provisions, with a saved column mapping
  postcodes     a postcode + house number → buurt/wijk table (CSV)

naober import <kind> -h explains its flags.
`

const exportUsage = `Usage: naober export <kind> [flags]

Kinds:
  monitor-extract  persons and provisions with BSNs replaced by a keyed hash, for research partners
  allocation       the JW301 or WMO301 message for one provision

naober export <kind> -h explains its flags.
`

// runImport dispatches "naober import KIND".
func runImport(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, importUsage)
		if len(args) == 0 {
			return fmt.Errorf("import: say what to import")
		}
		return ErrHelp
	}
	kind, rest := args[0], args[1:]
	switch kind {
	case "istandaarden":
		return runImportIstandaarden(ctx, rest, getenv, stdout, stderr)
	case "spreadsheet":
		return runImportSpreadsheet(ctx, rest, getenv, stdout, stderr)
	case "postcodes":
		return runImportPostcodes(ctx, rest, getenv, stdout, stderr)
	}
	fmt.Fprint(stderr, importUsage)
	return fmt.Errorf("import: unknown kind %q", kind)
}

// runExport dispatches "naober export KIND".
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, exportUsage)
		if len(args) == 0 {
			return fmt.Errorf("export: say what to export")
		}
		return ErrHelp
	}
	kind, rest := args[0], args[1:]
	switch kind {
	case "monitor-extract":
		return runExportMonitorExtract(ctx, rest, getenv, stdout, stderr)
	case "allocation":
		return runExportAllocation(ctx, rest, getenv, stdout, stderr)
	}
	fmt.Fprint(stderr, exportUsage)
	return fmt.Errorf("export: unknown kind %q", kind)
}

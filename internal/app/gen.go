package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"naober.nl/naober/internal/config"
	"naober.nl/naober/internal/gen"
)

// runGen is `naober gen national`: a synthetic population as CSV files.
func runGen(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	kind := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		kind, args = args[0], args[1:]
	}
	fs := newFlags("gen", stderr, "naober gen national --out DIR [flags]",
		"Writes a synthetic population of the Netherlands over the real 2024 CBS wijken as CSV files\n"+
			"(persons, households, facts, provisions, costs; see internal/gen/doc.go) that naober's monitor,\n"+
			"PostgreSQL (COPY ... CSV HEADER) and DuckDB (read_csv) can all load. National rates from\n"+
			"DOMAIN.md; the 70 Haaglanden wijken of the wijkprofielen data get their real rates. Nothing in it\n"+
			"is a real person.")
	persons := fs.Int("persons", gen.DefaultPersons, "number of residents to generate")
	out := fs.String("out", "", "directory to write the CSV files to (created; files in it are replaced)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and flags give the same files")
	months := fs.Int("months", gen.DefaultMonths, "number of months of provisions and costs")
	end := fs.String("end", "2026-11", "last month of the window (YYYY-MM)")
	gems := fs.String("gemeenten", "", "comma-separated CBS gemeente codes to restrict to (empty: all 342), e.g. GM0518,GM0603")
	if err := config.Parse(fs, args, getenv); err != nil {
		return err
	}
	if kind == "" && fs.NArg() > 0 {
		kind = fs.Arg(0)
	}
	if kind != "national" {
		fs.Usage()
		return errors.New("gen: say what to generate: naober gen national --out DIR")
	}
	if *out == "" {
		return errors.New("--out: name the directory to write to")
	}
	y, m, ok := strings.Cut(*end, "-")
	yy, e1 := strconv.Atoi(y)
	mm, e2 := strconv.Atoi(m)
	if !ok || e1 != nil || e2 != nil || mm < 1 || mm > 12 || len(y) != 4 {
		return fmt.Errorf("--end: %q is not a month like 2026-11", *end)
	}
	var list []string
	for _, g := range strings.Split(*gems, ",") {
		if g = strings.TrimSpace(g); g != "" {
			list = append(list, strings.ToUpper(g))
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	sum, err := gen.Run(gen.Options{Persons: *persons, Out: *out, Seed: *seed, Months: *months, End: yy*100 + mm, Gemeenten: list, Log: stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d persons in %d households, %d gemeenten, %d wijken, %d buurten; %d facts, %d provisions, %d cost rows; %.1f MB in %s (months %d–%d)\n",
		*out, sum.Persons, sum.Households, sum.Gemeenten, sum.Wijken, sum.Buurten, sum.Facts, sum.Provisions, sum.Costs,
		float64(sum.Bytes)/1e6, sum.Elapsed.Round(1e7), sum.First, sum.Last)
	return nil
}

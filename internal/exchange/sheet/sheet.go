// Package sheet reads the spreadsheets a gemeente's other systems export
// (CSV and XLSX) as a stream of rows, and writes small XLSX workbooks.
//
// Both readers are streaming: memory stays flat in the file size, apart from
// an XLSX file's shared strings table, which is capped. Everything a file
// says about its own size is distrusted: limits count bytes actually read.
// Errors are Dutch and name the line (CSV) or row (XLSX) so a functional
// administrator can find the problem.
//
// Cells come out as text, trimmed of surrounding white space. ParseDate,
// ParseCents and ParseInt turn that text into values. XLSX cells come out
// as: dates (told by their number format) as ISO "2026-04-01", with
// " 13:30:00" when they hold a time; other numbers with a decimal point as
// stored ("1234.56"; a number with exactly three decimals gets a fourth zero,
// "12.3450", so ParseCents cannot take it for thousands); booleans as Dutch
// Excel shows them, WAAR and ONWAAR; formulas as their last computed value.
package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Options bound what a reader accepts. Zero values take the defaults.
type Options struct {
	Sheet           string // XLSX: sheet name; default the first sheet
	MaxRows         int    // data rows; 0: DefaultMaxRows
	MaxCellBytes    int    // bytes in one cell; 0: DefaultMaxCellBytes
	MaxUncompressed int64  // XLSX: bytes read from the zip in total; 0: DefaultMaxUncompressed
}

// Defaults for Options.
const (
	DefaultMaxRows         = 5_000_000
	DefaultMaxCellBytes    = 32 << 10
	DefaultMaxUncompressed = 1 << 30
)

// Fixed limits. A spreadsheet past these is not an export of a gemeente's
// system but a mistake or an attack.
const (
	MaxColumns       = 16384     // Excel's last column, XFD
	maxRowBytes      = 16 << 20  // one row (CSV record or XLSX row) in total
	maxRatio         = 200       // uncompressed/compressed per zip entry, beyond the first MiB
	maxZipEntries    = 10_000    // parts in one XLSX
	maxSharedStrings = 5_000_000 // entries in the shared strings table
	maxSharedBytes   = 256 << 20 // text in the shared strings table
	maxPartBytes     = 64 << 20  // workbook, rels, styles, content types
	maxXMLDepth      = 64
)

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxCellBytes <= 0 {
		o.MaxCellBytes = DefaultMaxCellBytes
	}
	if o.MaxUncompressed <= 0 {
		o.MaxUncompressed = DefaultMaxUncompressed
	}
	return o
}

// Reader streams the rows of one table: a CSV file or one XLSX sheet.
type Reader interface {
	// Header is the first row, cells trimmed (a byte-order mark removed).
	Header() []string
	// Next returns the next data row, or io.EOF at the end. Empty rows are
	// skipped. Errors name the line; after an error the reader is done.
	Next() (Row, error)
	// Format says in Dutch what was read, for reports: "CSV, puntkomma,
	// UTF-8 met BOM", "CSV, komma, Windows-1252", "Excel (xlsx), blad Clienten".
	Format() string
}

// Row is one data row. Cells has exactly as many cells as the header.
type Row struct {
	Line  int // 1-based line where the CSV record starts, or the XLSX row number
	Cells []string
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte("\xd0\xcf\x11\xe0")
)

// Open sniffs the format (XLSX by the zip signature, otherwise CSV) and
// returns a streaming reader. name is used for messages and to refuse a
// file whose name promises Excel but whose content is not.
func Open(name string, r io.ReaderAt, size int64, opt Options) (Reader, error) {
	opt = opt.withDefaults()
	head := make([]byte, 4)
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: lezen: %w", name, err)
	}
	head = head[:n]
	ext := strings.ToLower(path.Ext(name))
	switch {
	case bytes.Equal(head, zipMagic):
		return openXLSX(r, size, opt)
	case bytes.Equal(head, oleMagic) || ext == ".xls":
		return nil, errors.New("dit is het oude Excel-formaat (.xls); sla het bestand in Excel op als .xlsx of als CSV")
	case ext == ".xlsx" || ext == ".xlsm" || bytes.HasPrefix(head, []byte("PK")):
		return nil, errors.New("het bestand is geen geldig Excel-bestand (xlsx): het is geen zip-archief of het is afgebroken")
	}
	return openCSV(r, size, opt)
}

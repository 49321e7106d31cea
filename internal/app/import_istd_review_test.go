package app

import (
	"bytes"
	"strings"
	"testing"

	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/store"
)

// The command-line report of a message import shows no personal values
// (issue 5, findings 5 and 6): problems and warnings are scrubbed.
func TestIstdReportScrubsPersonalValues(t *testing.T) {
	refused := exchange.Problems{
		{File: "a.xml", Path: "/Bericht/Client/Naam/Geslachtsnaam/Achternaam", Value: "Jansen", Msg: "dit gegeven is te lang"},
		{File: "a.xml", Path: "/Bericht/Client/Geboortedatum/Datum", Value: "2010-02-01", Msg: "geen datum"},
		{File: "a.xml", Path: "/Bericht/Client/Bsn", Value: "999900006", Msg: "elfproef"},
	}
	rep := istdReport{Files: []istdFileReport{
		{File: "a.xml", Outcome: store.ExchangeOutcome{Err: refused}},
		{File: "b.xml", Imported: true, Outcome: store.ExchangeOutcome{Result: exchange.Result{File: "b.xml", Message: "JW301 1",
			Warnings: []exchange.Problem{{Path: "/Bericht/Client/Commentaar", Value: "moeder drinkt", Msg: "let op"}, {Path: "regel 3", Value: "toewijzing 123456789", Msg: "x"}}}}},
	}, Refused: 1, Imported: 1}
	var b bytes.Buffer
	writeIstdReport(&b, rep, false)
	out := b.String()
	for _, secret := range []string{"Jansen", "2010-02-01", "999900006", "moeder drinkt", "123456789"} {
		if strings.Contains(out, secret) {
			t.Errorf("the report shows %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "/Bericht/Client/Naam/Geslachtsnaam/Achternaam") || !strings.Contains(out, "******006") {
		t.Errorf("the report lost the path or the masked BSN:\n%s", out)
	}
}

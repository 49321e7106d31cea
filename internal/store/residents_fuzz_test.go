package store_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

// Whatever a sign-up form sends, validation names fields or returns a
// clean resident: a normalised address, a postcode, a short name.
func FuzzValidateResident(f *testing.F) {
	f.Add("anna@voorbeeld.nl", "Anna", "7941 ab", 12, "b", "een lang wachtwoord")
	f.Add(" A@B.NL ", "  x  y ", "0000AA", 0, "toolongtoevoeging", "kort")
	f.Add("a@b.c\r\nBcc: x", "\u00a0\u200b", "1234SS", -5, "", strings.Repeat("é", 20))
	f.Fuzz(func(t *testing.T, email, name, postcode string, nr int, toev, pw string) {
		n := store.NewResident{Email: email, DisplayName: name, Postcode: postcode, Huisnummer: nr, Toevoeging: toev, Password: pw}
		err := store.ValidateResident(&n)
		if err != nil {
			fe, ok := people.AsFieldErrors(err)
			if !ok || len(fe) == 0 {
				t.Fatalf("not a field error: %v", err)
			}
			return
		}
		if _, ok := people.NormalizePostcode(n.Postcode); !ok || n.Postcode != strings.ToUpper(n.Postcode) {
			t.Fatalf("postcode %q accepted", n.Postcode)
		}
		if strings.ContainsAny(n.Email, " \r\n<>") || !strings.Contains(n.Email, "@") || n.Email != strings.ToLower(n.Email) {
			t.Fatalf("email %q accepted", n.Email)
		}
		if l := utf8.RuneCountInString(n.DisplayName); l < 2 || l > 60 || n.DisplayName != strings.TrimSpace(n.DisplayName) ||
			strings.ContainsAny(n.DisplayName, "\x00\n\u202e") || !utf8.ValidString(n.DisplayName) {
			t.Fatalf("name %q accepted", n.DisplayName)
		}
		if n.Huisnummer < 1 || utf8.RuneCountInString(n.Toevoeging) > 6 {
			t.Fatalf("address %d %q accepted", n.Huisnummer, n.Toevoeging)
		}
	})
}

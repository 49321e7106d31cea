package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

func TestResidentSignUpVerifyAndPrincipal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.EnsureTenant(ctx, "GM0119", "Meppel"); err != nil {
			t.Fatal(err)
		}
		if err := s.PutPostcodeAreas(ctx, []store.PostcodeArea{
			{Postcode: "7941AB", HuisnummerVan: 1, HuisnummerTot: 99, Gemeente: "GM0119", Wijk: "WK011901"},
			{Postcode: "7941AB", HuisnummerVan: 50, HuisnummerTot: 60, Gemeente: "GM0119", Wijk: "WK011902"},
		}); err != nil {
			t.Fatal(err)
		}
		// Every wrong field is named at once.
		_, _, err := s.CreateResident(ctx, store.NewResident{Email: "geen-adres", DisplayName: "A", Postcode: "12", Huisnummer: 0, Password: "kort"})
		fe, ok := people.AsFieldErrors(err)
		if !ok {
			t.Fatalf("want field errors, got %v", err)
		}
		for _, f := range []string{"email", "naam", "postcode", "huisnummer", "wachtwoord"} {
			if fe.For(f) == "" {
				t.Errorf("no error for field %s in %v", f, err)
			}
		}
		// An address outside the instance's gemeenten is refused on the postcode field.
		_, _, err = s.CreateResident(ctx, store.NewResident{Email: "a@b.nl", DisplayName: "Anna", Postcode: "1011 AB", Huisnummer: 1, Password: "een lang wachtwoord"})
		if fe, ok := people.AsFieldErrors(err); !ok || fe.For("postcode") == "" {
			t.Fatalf("unknown address: %v", err)
		}
		var sent []store.Mail
		r, tok, err := s.CreateResident(ctx, store.NewResident{Email: " Anna@Voorbeeld.nl ", DisplayName: "  Anna  B ", Postcode: "7941 ab", Huisnummer: 55, Toevoeging: "a",
			Password: "een lang wachtwoord", VerifyMail: func(tok string) store.Mail {
				m := store.Mail{Subject: "Bevestig uw e-mailadres", Body: "https://naober.test/bevestigen?t=" + tok, Kind: "verify"}
				sent = append(sent, m)
				return m
			}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Wijk != "WK011902" || r.Gemeente != "GM0119" || r.Email != "anna@voorbeeld.nl" || r.DisplayName != "Anna B" || r.Toevoeging != "A" || r.Verified {
			t.Fatalf("resident %+v", r)
		}
		if tok == "" || len(sent) != 1 {
			t.Fatalf("token %q, mails %d", tok, len(sent))
		}
		// The same address again is ErrEmailInUse, and nothing is half-saved;
		// the owner can be told by mail, an unknown address gets none.
		_, _, err = s.CreateResident(ctx, store.NewResident{Email: "anna@voorbeeld.nl", DisplayName: "Anna", Postcode: "7941AB", Huisnummer: 3, Password: "een lang wachtwoord",
			VerifyMail: func(string) store.Mail { t.Fatal("verify mail for a known address"); return store.Mail{} }})
		if !errors.Is(err, store.ErrEmailInUse) {
			t.Fatalf("duplicate: %v", err)
		}
		known := store.Mail{Kind: "account-bestaat", Subject: "U hebt al een account", Body: "…"}
		if sent, err := s.MailExistingAccount(ctx, "ANNA@voorbeeld.nl ", known); err != nil || !sent {
			t.Fatalf("mail to the owner: %v %v", sent, err)
		}
		if sent, err := s.MailExistingAccount(ctx, "niemand@voorbeeld.nl", known); err != nil || sent {
			t.Fatalf("mail to nobody: %v %v", sent, err)
		}
		p, err := s.Principal(ctx, r.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Resident == nil || p.Resident.Wijk != "WK011902" || p.Resident.Verified || p.ResidentOf("WK011902") || len(p.Grants) != 0 {
			t.Fatalf("principal before verify: %+v %+v", p, p.Resident)
		}
		if _, err := s.VerifyEmail(ctx, "onzin"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad token: %v", err)
		}
		uid, err := s.VerifyEmail(ctx, tok)
		if err != nil || uid != r.UserID {
			t.Fatalf("verify: %v %s", err, uid)
		}
		if _, err := s.VerifyEmail(ctx, tok); !errs.Is(err, errs.Invalid) {
			t.Fatalf("token used twice: %v", err)
		}
		// Through a session, as the web layer sees it.
		sess, err := s.CreateSession(ctx, r.UserID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		p, err = s.SessionPrincipal(ctx, sess)
		if err != nil {
			t.Fatal(err)
		}
		if !p.ResidentOf("WK011902") || p.ResidentOf("WK011901") || p.Resident.DisplayName != "Anna B" {
			t.Fatalf("principal after verify: %+v", p.Resident)
		}
		if _, err := s.NewVerifyToken(ctx, r.UserID, nil); !errs.Is(err, errs.Conflict) {
			t.Fatalf("new token after verify: %v", err)
		}
		if err := s.SetNotify(ctx, r.UserID, "digest"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetNotify(ctx, r.UserID, "altijd"); err == nil {
			t.Fatal("bad notify accepted")
		}
		ex, err := s.ExportResident(ctx, r.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Account.Notify != "digest" || ex.Account.Postcode != "7941AB" {
			t.Fatalf("export %+v", ex.Account)
		}
		if ms, _ := ex.Parts["e-mail"].([]store.Mail); len(ms) != 2 || ms[0].Kind != "verify" || ms[1].Kind != "account-bestaat" {
			t.Fatalf("export mail %+v", ex.Parts["e-mail"])
		}
		if err := s.DeleteResident(ctx, r.UserID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionPrincipal(ctx, sess); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("session after delete: %v", err)
		}
		if _, err := s.ResidentByUserID(ctx, r.UserID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("resident after delete: %v", err)
		}
		if _, err := s.UserByEmail(ctx, "anna@voorbeeld.nl"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("user after delete: %v", err)
		}
	})
}

func TestResidentExpiredLinkAndNewOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.Resident(t, s, "WK011901", "Bert")
		if !p.ResidentOf("WK011901") {
			t.Fatalf("storetest.Resident not verified: %+v", p.Resident)
		}
		// An unverified one, made now, whose link is used two days later.
		if err := s.PutPostcodeAreas(ctx, []store.PostcodeArea{{Postcode: "7941AC", HuisnummerVan: 1, HuisnummerTot: 9, Gemeente: "GM0119", Wijk: "WK011901"}}); err != nil {
			t.Fatal(err)
		}
		r, tok, err := s.CreateResident(ctx, store.NewResident{Email: "c@voorbeeld.nl", DisplayName: "Cor", Postcode: "7941AC", Huisnummer: 2, Password: "een lang wachtwoord"})
		if err != nil {
			t.Fatal(err)
		}
		later := s.At(time.Now().Add(store.VerifyTTL + time.Hour))
		if _, err := later.VerifyEmail(ctx, tok); !errs.Is(err, errs.Invalid) {
			t.Fatalf("expired link: %v", err)
		}
		tok2, err := s.NewVerifyToken(ctx, r.UserID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyEmail(ctx, tok); !errs.Is(err, errs.Invalid) {
			t.Fatalf("old link after a new one: %v", err)
		}
		if _, err := s.VerifyEmail(ctx, tok2); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCoordinatorWijken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.EnsureTenant(ctx, "GM0119", "Meppel"); err != nil {
			t.Fatal(err)
		}
		u := &store.User{Email: "coord@meppel.nl", Name: "Coördinator"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := s.SetCoordinatorWijken(ctx, u.ID, "GM0119", []string{"WK011901"}); err == nil {
			t.Fatal("wijken without the role accepted")
		}
		if err := s.AddGrant(ctx, u.ID, auth.Grant{Gemeente: "GM0119", Role: auth.Wijkcoordinator}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetCoordinatorWijken(ctx, u.ID, "GM0119", []string{"WK039201"}); err == nil {
			t.Fatal("wijk of another gemeente accepted")
		}
		if err := s.SetCoordinatorWijken(ctx, u.ID, "GM0119", []string{"WK011902", "WK011901"}); err != nil {
			t.Fatal(err)
		}
		p, err := s.Principal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Resident != nil || !p.CoordinatorOf("GM0119", "WK011901") || !p.CoordinatorOf("GM0119", "WK011902") || p.CoordinatorOf("GM0119", "WK011903") {
			t.Fatalf("coordinator principal %+v", p)
		}
		// A professional's account is not deleted through the residents' path.
		if err := s.DeleteResident(ctx, u.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("delete professional: %v", err)
		}
	})
}

func TestResidentPasswordReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := storetest.Resident(t, s, "WK011901", "Anna")
		sess, err := s.CreateSession(ctx, p.UserID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var tok string
		mail := func(tk string) store.Mail {
			tok = tk
			return store.Mail{Kind: "reset", Subject: "Nieuw wachtwoord", Body: tk}
		}
		if ok, err := s.NewResetToken(ctx, "onbekend@voorbeeld.nl", mail); ok || err != nil {
			t.Fatalf("unknown address: %v %v", ok, err)
		}
		// A professional's account is not reset this way.
		u := &store.User{Email: "r@meppel.nl", Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Regisseur}}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.NewResetToken(ctx, "r@meppel.nl", mail); ok || err != nil {
			t.Fatalf("professional: %v %v", ok, err)
		}
		if ok, err := s.NewResetToken(ctx, strings.ToUpper(p.Email), mail); !ok || err != nil || tok == "" {
			t.Fatalf("resident: %v %v", ok, err)
		}
		if err := s.At(time.Now().Add(store.ResetTTL+time.Minute)).ResetPassword(ctx, tok, "x"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("expired: %v", err)
		}
		hash, _ := auth.HashPassword("een nieuw lang wachtwoord")
		if err := s.ResetPassword(ctx, tok, hash); err != nil {
			t.Fatal(err)
		}
		if err := s.ResetPassword(ctx, tok, hash); !errs.Is(err, errs.Invalid) {
			t.Fatalf("used twice: %v", err)
		}
		if _, err := s.SessionPrincipal(ctx, sess); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("old session: %v", err)
		}
		got, _ := s.UserByID(ctx, p.UserID)
		if !auth.VerifyPassword(got.PasswordHash, "een nieuw lang wachtwoord") {
			t.Fatal("new password not set")
		}
	})
}

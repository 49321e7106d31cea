package web

// Residents' accounts (issue 6, item 1): sign up with e-mail, a display
// name and an address that places them in a wijk; confirm the address by a
// link; "Mijn account" with the wijk, the mail preference, a download of
// everything naober holds about them and deleting the account. And the
// outbox page for beheer (item 7), where mail waits when no SMTP server is
// set.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

func (s *Server) routesResidents(r *router) {
	r.page("GET /aanmelden", s.signupForm)
	r.page("POST /aanmelden", s.signup)
	r.page("GET /aanmelden/bevestigen", s.verifyForm)
	r.page("POST /aanmelden/bevestigen", s.verify)
	r.page("GET /mijn", s.mine)
	r.page("POST /mijn/link", s.resendLink)
	r.page("POST /mijn/meldingen", s.setNotify)
	r.page("GET /mijn/gegevens", s.myData)
	r.page("GET /mijn/verwijderen", s.deleteAccountForm)
	r.page("POST /mijn/verwijderen", s.deleteAccount)
	r.page("GET /beheer/outbox", s.outboxPage)
	r.page("POST /beheer/gebruikers/wijken", s.setCoordinatorWijken)
	r.page("GET /wachtwoord-vergeten", s.forgotForm)
	r.page("POST /wachtwoord-vergeten", s.forgot)
	r.page("GET /wachtwoord-nieuw", s.resetForm)
	r.page("POST /wachtwoord-nieuw", s.reset)
}

type resetData struct {
	Code string
	Sent bool
	Done bool
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	s.renderPage(w, r, 200, "password_reset", page{Title: "Wachtwoord vergeten", Form: map[string]string{}})
	return nil
}

// forgot sends a link to set a new password. The answer is the same
// whether or not the address has an account.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	email := store.NormalizeEmail(r.PostFormValue("email"))
	if err := s.throttled(w, "vergeten:"+clientIP(r)); err != nil {
		s.renderPage(w, r, http.StatusTooManyRequests, "password_reset", page{Title: "Wachtwoord vergeten", Form: map[string]string{"email": email},
			Errors: people.FieldErrors{{Field: "email", Message: errs.Message(err)}}})
		return nil
	}
	base := s.publicURL(r)
	_, err := s.Store.NewResetToken(r.Context(), email, func(token string) store.Mail {
		link := base + "/wachtwoord-nieuw?code=" + url.QueryEscape(token)
		return store.Mail{Kind: "reset", Subject: "Een nieuw wachtwoord voor naober",
			Body: "Hallo,\n\nU vroeg om een nieuw wachtwoord voor uw account op naober. Klik op de link hieronder en kies een nieuw wachtwoord.\n\n" +
				link + "\n\nDe link werkt een uur. Vroeg u niet om een nieuw wachtwoord? Dan hoeft u niets te doen; uw wachtwoord blijft hetzelfde.\n"}
	})
	if err != nil {
		return err
	}
	s.renderPage(w, r, 200, "password_reset", page{Title: "Wachtwoord vergeten", Data: resetData{Sent: true}})
	return nil
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store") // the page holds the code
	s.renderPage(w, r, 200, "password_reset", page{Title: "Nieuw wachtwoord", Data: resetData{Code: r.URL.Query().Get("code")}})
	return nil
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	if err := s.throttled(w, "nieuw-wachtwoord:"+clientIP(r)); err != nil {
		return err
	}
	code := r.PostFormValue("code")
	hash, err := auth.HashPassword(r.PostFormValue("wachtwoord"))
	if err != nil {
		s.renderPage(w, r, http.StatusUnprocessableEntity, "password_reset", page{Title: "Nieuw wachtwoord", Data: resetData{Code: code},
			Errors: people.FieldErrors{{Field: "wachtwoord", Message: err.Error()}}})
		return nil
	}
	if err := s.Store.ResetPassword(r.Context(), code, hash); err != nil {
		return err
	}
	s.clearSessionCookie(w)
	r = r.WithContext(context.WithValue(r.Context(), principalKey, (*auth.Principal)(nil)))
	s.renderPage(w, r, 200, "password_reset", page{Title: "Nieuw wachtwoord", Data: resetData{Done: true}})
	return nil
}

// setCoordinatorWijken gives a wijkcoordinator the wijken they answer for.
func (s *Server) setCoordinatorWijken(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	form := map[string]string{"coordinator": strings.TrimSpace(r.PostFormValue("coordinator")), "wijk-gemeente": r.PostFormValue("gemeente"), "wijken": r.PostFormValue("wijken")}
	gm := form["wijk-gemeente"]
	var fe people.FieldErrors
	if !p.Can(auth.ManageUsers, gm) {
		return errs.E(errs.Forbidden, "Alleen beheerders van de gemeente kunnen wijken toewijzen.")
	}
	var wijken []string
	for _, c := range strings.FieldsFunc(strings.ToUpper(form["wijken"]), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		wk, ok := s.Atlas.Wijk(c)
		if !ok || wk.Gemeente != gm {
			fe.Add("wijken", c+" is geen wijkcode van "+gm)
			break
		}
		wijken = append(wijken, c)
	}
	u, err := s.Store.UserByEmail(r.Context(), form["coordinator"])
	switch {
	case errs.Is(err, errs.NotFound):
		fe.Add("coordinator", "er is geen gebruiker met dit e-mailadres")
	case err != nil:
		return err
	}
	if len(fe) == 0 {
		err = s.Store.SetCoordinatorWijken(r.Context(), u.ID, gm, wijken)
		if f, ok := people.AsFieldErrors(err); ok {
			fe = append(fe, f...)
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, page{Form: form, Errors: fe})
	}
	s.Log.Info("coordinator wijken set", "by", p.UserID, "gemeente", gm, "wijken", len(wijken))
	return s.renderUsers(w, r, 200, page{Form: map[string]string{}, Notice: fmt.Sprintf("%s heeft nu %d wijk(en) in %s.", u.Email, len(wijken), gm)})
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) error {
	if p := principal(r); p != nil && p.Resident != nil {
		http.Redirect(w, r, "/mijn", http.StatusSeeOther)
		return nil
	}
	s.renderPage(w, r, 200, "signup", page{Title: "Account maken", Form: map[string]string{}})
	return nil
}

// publicURL is the address links in e-mail point to: --public-url, or
// the address the request came in on.
func (s *Server) publicURL(r *http.Request) string {
	if s.PublicURL != "" {
		return strings.TrimRight(s.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || s.Secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) verifyMail(r *http.Request, name string) func(token string) store.Mail {
	base := s.publicURL(r)
	return func(token string) store.Mail {
		link := base + "/aanmelden/bevestigen?code=" + url.QueryEscape(token)
		return store.Mail{Kind: "verify", Subject: "Bevestig uw e-mailadres voor naober",
			Body: "Hallo " + name + ",\n\nU hebt een account gemaakt op naober. Klik op de link hieronder om uw e-mailadres te bevestigen. " +
				"Daarna kunt u wensen plaatsen, steunen en stemmen in uw wijk.\n\n" + link + "\n\n" +
				"De link werkt 48 uur. Hebt u geen account gemaakt? Dan hoeft u niets te doen.\n"}
	}
}

// throttled counts one attempt for the key and reports whether the limit
// was already reached.
func (s *Server) throttled(w http.ResponseWriter, key string) error {
	if blocked, wait := s.Throttle.Blocked(key); blocked {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return errs.E(errs.TooMany, "U hebt dit te vaak geprobeerd. Probeer het over %d minuten opnieuw.", int(wait.Minutes())+1)
	}
	s.Throttle.Fail(key)
	return nil
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	form := map[string]string{}
	for _, k := range []string{"email", "naam", "postcode", "huisnummer", "toevoeging"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	// The login throttle counts failures; here every sign-up counts, so
	// one network address cannot make accounts in bulk (the throttle's
	// limit: 5 per 15 minutes).
	if err := s.throttled(w, "aanmelden:"+clientIP(r)); err != nil {
		s.renderPage(w, r, http.StatusTooManyRequests, "signup", page{Title: "Account maken", Form: form,
			Errors: people.FieldErrors{{Field: "email", Message: errs.Message(err)}}})
		return nil
	}
	nr, nerr := strconv.Atoi(form["huisnummer"])
	n := store.NewResident{Email: form["email"], DisplayName: form["naam"], Postcode: form["postcode"], Huisnummer: nr,
		Toevoeging: form["toevoeging"], Password: r.PostFormValue("wachtwoord")}
	if nerr != nil && form["huisnummer"] != "" {
		n.Huisnummer = -1
	}
	n.VerifyMail = s.verifyMail(r, strings.Join(strings.Fields(form["naam"]), " "))
	res, _, err := s.Store.CreateResident(r.Context(), n)
	if fe, ok := people.AsFieldErrors(err); ok {
		s.renderPage(w, r, http.StatusUnprocessableEntity, "signup", page{Title: "Account maken", Form: form, Errors: fe})
		return nil
	}
	switch {
	case errors.Is(err, store.ErrEmailInUse):
		// The same answer as for a new account, so this form does not tell
		// anyone whether an address has an account here; the owner gets a
		// mail instead (at most a few per address, so it cannot be used to
		// flood someone's mailbox).
		blocked := s.throttled(w, "aanmelden-bestaand:"+store.NormalizeEmail(n.Email)) != nil
		w.Header().Del("Retry-After") // set when blocked: it would tell
		if !blocked {
			if _, err := s.Store.MailExistingAccount(r.Context(), n.Email, s.existingAccountMail(r)); err != nil {
				return err
			}
		}
		s.Log.Info("sign-up with an address that has an account")
	case err != nil:
		return err
	default:
		s.Log.Info("resident signed up", "user", res.UserID, "wijk", res.Wijk)
	}
	// No session yet: whoever signs up logs in after confirming, so a new
	// and a known address look the same here.
	s.renderPage(w, r, 200, "signup_sent", page{Title: "Bevestig uw e-mailadres", Data: store.NormalizeEmail(n.Email)})
	return nil
}

func (s *Server) existingAccountMail(r *http.Request) store.Mail {
	base := s.publicURL(r)
	return store.Mail{Kind: "account-bestaat", Subject: "U hebt al een account op naober",
		Body: "Hallo,\n\nIemand probeerde een account op naober te maken met dit e-mailadres. Daar is al een account mee. " +
			"Was u dat? Log dan in:\n\n" + base + "/inloggen\n\nWachtwoord vergeten? Vraag een nieuw wachtwoord aan:\n\n" + base + "/wachtwoord-vergeten\n\n" +
			"Was u dat niet? Dan hoeft u niets te doen: er is niets veranderd aan uw account.\n"}
}

type verifyData struct {
	Code string
	Done bool
	Wijk string
}

func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) error {
	// The link only shows a button: mail scanners that open links must
	// not confirm an address on the owner's behalf. The page holds the
	// code: keep it out of caches.
	w.Header().Set("Cache-Control", "no-store")
	s.renderPage(w, r, 200, "signup_verify", page{Title: "E-mailadres bevestigen", Data: verifyData{Code: r.URL.Query().Get("code")}})
	return nil
}

func (s *Server) verify(w http.ResponseWriter, r *http.Request) error {
	if err := s.throttled(w, "bevestigen:"+clientIP(r)); err != nil {
		return err
	}
	uid, err := s.Store.VerifyEmail(r.Context(), r.PostFormValue("code"))
	if err != nil {
		return err
	}
	res, err := s.Store.ResidentByUserID(r.Context(), uid)
	if err != nil {
		return err
	}
	s.Log.Info("resident verified", "user", uid)
	s.renderPage(w, r, 200, "signup_verify", page{Title: "E-mailadres bevestigd", Data: verifyData{Done: true, Wijk: res.Wijk}})
	return nil
}

// needResident returns the signed-in resident; professionals get a page
// that says this part is for residents.
func needResident(r *http.Request) (*auth.Principal, error) {
	p, err := need(r)
	if err != nil {
		return nil, err
	}
	if p.Resident == nil {
		return nil, errs.E(errs.NotFound, "Deze pagina is voor bewoners met een account. U bent ingelogd met een account van de gemeente.")
	}
	return p, nil
}

type mineData struct {
	Resident store.Resident
}

func (s *Server) mine(w http.ResponseWriter, r *http.Request) error {
	p, err := needResident(r)
	if err != nil {
		return err
	}
	res, err := s.Store.ResidentByUserID(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	pg := page{Title: "Mijn account", Data: mineData{Resident: res}}
	q := r.URL.Query()
	switch {
	case q.Get("link") == "1":
		pg.Notice = "We hebben u een nieuwe link gestuurd. De oude link werkt niet meer."
	case q.Get("opgeslagen") == "1":
		pg.Notice = "Uw keuze is opgeslagen."
	}
	s.renderPage(w, r, 200, "mine", pg)
	return nil
}

func (s *Server) resendLink(w http.ResponseWriter, r *http.Request) error {
	p, err := needResident(r)
	if err != nil {
		return err
	}
	if err := s.throttled(w, "link:"+p.UserID); err != nil {
		return err
	}
	if _, err := s.Store.NewVerifyToken(r.Context(), p.UserID, s.verifyMail(r, p.Resident.DisplayName)); err != nil {
		return err
	}
	http.Redirect(w, r, "/mijn?link=1", http.StatusSeeOther)
	return nil
}

func (s *Server) setNotify(w http.ResponseWriter, r *http.Request) error {
	p, err := needResident(r)
	if err != nil {
		return err
	}
	err = s.Store.SetNotify(r.Context(), p.UserID, r.PostFormValue("meldingen"))
	if fe, ok := people.AsFieldErrors(err); ok {
		res, err := s.Store.ResidentByUserID(r.Context(), p.UserID)
		if err != nil {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "mine", page{Title: "Mijn account", Errors: fe, Data: mineData{Resident: res}})
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/mijn?opgeslagen=1", http.StatusSeeOther)
	return nil
}

func (s *Server) myData(w http.ResponseWriter, r *http.Request) error {
	p, err := needResident(r)
	if err != nil {
		return err
	}
	ex, err := s.Store.ExportResident(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="mijn-gegevens-naober.json"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(append(b, '\n'))
	return nil
}

func (s *Server) deleteAccountForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := needResident(r); err != nil {
		return err
	}
	s.renderPage(w, r, 200, "mine_delete", page{Title: "Account verwijderen"})
	return nil
}

func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) error {
	p, err := needResident(r)
	if err != nil {
		return err
	}
	var fe people.FieldErrors
	if r.PostFormValue("zeker") != "ja" {
		fe.Add("zeker", "zet een vinkje als u uw account echt wilt verwijderen")
	}
	key := "account:" + p.Email
	if blocked, _ := s.Throttle.Blocked(key); blocked {
		fe.Add("wachtwoord", "te veel mislukte pogingen; probeer het later opnieuw")
	} else {
		u, err := s.Store.UserByID(r.Context(), p.UserID)
		if err != nil {
			return err
		}
		if !auth.VerifyPassword(u.PasswordHash, r.PostFormValue("wachtwoord")) {
			s.Throttle.Fail(key)
			fe.Add("wachtwoord", "dit wachtwoord klopt niet")
		}
	}
	if len(fe) > 0 {
		s.renderPage(w, r, http.StatusUnprocessableEntity, "mine_delete", page{Title: "Account verwijderen", Errors: fe})
		return nil
	}
	if err := s.Store.DeleteResident(r.Context(), p.UserID); err != nil {
		return err
	}
	s.Log.Info("resident deleted their account", "user", p.UserID)
	s.clearSessionCookie(w)
	// Render as nobody: the account is gone.
	r = r.WithContext(context.WithValue(r.Context(), principalKey, (*auth.Principal)(nil)))
	s.renderPage(w, r, 200, "mine_deleted", page{Title: "Account verwijderd"})
	return nil
}

type outboxRow struct {
	store.Mail
	Status string
}

type outboxData struct {
	Mails     []outboxRow
	Gemeenten []string
	Gemeente  string
	Pending   bool
}

func (s *Server) outboxPage(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	gms := p.Gemeenten(auth.ReadOutbox)
	if len(gms) == 0 {
		return errs.E(errs.Forbidden, "Alleen beheerders kunnen de uitgaande e-mail lezen.")
	}
	q := r.URL.Query()
	f := store.OutboxFilter{Gemeente: q.Get("gemeente"), Pending: q.Get("wachtend") == "1", Limit: 200}
	ms, err := s.Store.Outbox(r.Context(), store.Actor{P: p, Purpose: "uitgaande e-mail controleren"}, f)
	if err != nil {
		return err
	}
	rows := make([]outboxRow, len(ms))
	for i, m := range ms {
		rows[i] = outboxRow{Mail: m, Status: mailStatus(m)}
	}
	s.renderPage(w, r, 200, "outbox", page{Title: "Uitgaande e-mail", Data: outboxData{Mails: rows, Gemeenten: gms, Gemeente: f.Gemeente, Pending: f.Pending}})
	return nil
}

// mailStatus is the state of an outbox row in words.
func mailStatus(m store.Mail) string {
	switch {
	case !m.Sent.IsZero():
		return "Verstuurd"
	case m.Digest:
		return "Wacht op het dagoverzicht"
	case m.Attempts > 0:
		return fmt.Sprintf("Nog niet gelukt (%d pogingen)", m.Attempts)
	}
	return "Wacht"
}

package web

// Spreadsheet and address-table import for beheer (issue 5): upload →
// column mapping → dry run → the real run. Works without JavaScript.
//
// The uploaded file is kept on the server between the steps: a file with
// mode 0600 in the server's upload directory (Server.UploadDir, or a
// private temporary directory of this process), named by a random token,
// next to a small JSON file saying whose upload it is. Only the token
// travels in URLs and forms (no personal data). The files go after the
// real run, when the user stops ("Stoppen en bestand verwijderen"), and
// an hour after the upload at the latest: Housekeep removes expired
// uploads at start and every few minutes. With several naober servers
// behind one address, the steps of one import must reach the same server
// (sticky sessions).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/exchange/sheet"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/secret"
	"naober.nl/naober/internal/store"
)

const (
	maxSheetUpload = 256 << 20 // bytes
	sheetUploadTTL = time.Hour
)

func (s *Server) routesImportSheet(r *router) {
	r.page("GET /beheer/inlezen", s.sheetIndex)
	r.page("POST /beheer/inlezen/spreadsheet", s.sheetUpload)
	r.page("GET /beheer/inlezen/spreadsheet/{token}", s.sheetMappingPage)
	r.page("POST /beheer/inlezen/spreadsheet/{token}", s.sheetRun)
	r.page("POST /beheer/inlezen/spreadsheet/{token}/verwijderen", s.sheetDelete)
	r.page("POST /beheer/inlezen/postcodes", s.postcodeUpload)
}

// sheetUpload is what the server remembers of an upload.
type sheetUploadMeta struct {
	UserID   string        `json:"user"`
	Gemeente string        `json:"gemeente"`
	Source   string        `json:"bron"`
	Kind     exchange.Kind `json:"soort"`
	Name     string        `json:"naam"`
	Sheet    string        `json:"blad,omitempty"`
	Size     int64         `json:"grootte"`
	Created  time.Time     `json:"aangemaakt"`
}

// uploadDir returns the directory for uploads, made on first use: the
// configured UploadDir (created 0700; it must be this user's and not open
// to others), else a private temporary directory (0700) that Housekeep
// removes when it stops.
func (s *Server) uploadDir() (string, error) {
	s.uploadMu.Lock()
	defer s.uploadMu.Unlock()
	if s.uploadPath != "" {
		return s.uploadPath, nil
	}
	if s.UploadDir == "" {
		dir, err := os.MkdirTemp("", "naober-uploads-")
		if err != nil {
			return "", fmt.Errorf("upload directory: %w", err)
		}
		s.uploadPath, s.uploadTemp = dir, true
		return dir, nil
	}
	dir := s.UploadDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("upload directory: %w", err)
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return "", fmt.Errorf("upload directory: %w", err)
	}
	if !st.IsDir() || st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("upload directory %s must be a directory with mode 0700 (chmod 700 %s)", dir, dir)
	}
	if err := ownedByMe(st); err != nil {
		return "", fmt.Errorf("upload directory %s: %w", dir, err)
	}
	s.uploadPath = dir
	return dir, nil
}

// uploadSweepEvery is how often Housekeep removes expired uploads.
var uploadSweepEvery = 5 * time.Minute

// Housekeep removes expired uploads now and every few minutes until ctx
// ends; then it removes the temporary upload directory the server made,
// if it made one. It returns when it is done: run it beside the HTTP
// server and end ctx after the HTTP server has shut down.
func (s *Server) Housekeep(ctx context.Context) error {
	dir, err := s.uploadDir()
	if err != nil {
		return err
	}
	sweepUploads(dir, time.Now())
	t := time.NewTicker(uploadSweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.uploadMu.Lock()
			defer s.uploadMu.Unlock()
			if s.uploadTemp {
				s.uploadPath, s.uploadTemp = "", false
				return os.RemoveAll(dir)
			}
			return nil
		case now := <-t.C:
			sweepUploads(dir, now)
		}
	}
}

func validToken(t string) bool {
	if len(t) != 43 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// sweepUploads removes uploads older than the TTL.
func sweepUploads(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && now.Sub(info.ModTime()) > sheetUploadTTL {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func (s *Server) importGemeenten(r *http.Request) (*auth.Principal, []string, error) {
	p, err := need(r)
	if err != nil {
		return nil, nil, err
	}
	gms := p.Gemeenten(auth.ImportExchange)
	if len(gms) == 0 {
		return nil, nil, errs.E(errs.Forbidden, "Alleen beheerders kunnen bestanden inlezen.")
	}
	return p, gms, nil
}

func sheetActor(p *auth.Principal) store.Actor {
	return store.Actor{P: p, Purpose: store.PurposeExchange}
}

type sheetIndexData struct {
	Gemeenten []string
	Kinds     []exchange.Kind
	Sources   []store.SheetMapping
}

func (s *Server) sheetIndex(w http.ResponseWriter, r *http.Request) error {
	return s.renderSheetIndex(w, r, http.StatusOK, page{Form: map[string]string{}})
}

func (s *Server) renderSheetIndex(w http.ResponseWriter, r *http.Request, code int, pg page) error {
	p, gms, err := s.importGemeenten(r)
	if err != nil {
		return err
	}
	d := sheetIndexData{Gemeenten: gms, Kinds: []exchange.Kind{exchange.KindPersons, exchange.KindProvisions}}
	for _, gm := range gms {
		list, err := s.Store.SheetSources(r.Context(), sheetActor(p), gm)
		if err != nil {
			return err
		}
		d.Sources = append(d.Sources, list...)
	}
	pg.Title = "Bestanden inlezen"
	pg.Data = d
	s.renderPage(w, r, code, "exchange_sheet", pg)
	return nil
}

// readUpload streams a multipart form to a file in dir: small fields
// first (they come before the file in the form), then the file part.
func readUpload(w http.ResponseWriter, r *http.Request, dst *os.File) (fields map[string]string, name string, size int64, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSheetUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", 0, &people.FieldError{Field: "bestand", Message: "kies een bestand om in te lezen"}
	}
	fields = map[string]string{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", 0, uploadErr(err)
		}
		if part.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(part, 1024))
			if err != nil {
				return nil, "", 0, uploadErr(err)
			}
			fields[part.FormName()] = strings.TrimSpace(string(b))
			continue
		}
		if part.FormName() != "bestand" || name != "" {
			continue
		}
		name = filepath.Base(part.FileName())
		size, err = io.Copy(dst, part)
		if err != nil {
			return nil, "", 0, uploadErr(err)
		}
	}
	if name == "" || size == 0 {
		return fields, "", 0, &people.FieldError{Field: "bestand", Message: "kies een bestand om in te lezen (het bestand is leeg of ontbreekt)"}
	}
	return fields, name, size, nil
}

func uploadErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &people.FieldError{Field: "bestand", Message: fmt.Sprintf("het bestand is groter dan %d MB; lees het in met de opdrachtregel (naober import spreadsheet)", maxSheetUpload>>20)}
	}
	return errs.Wrap(errs.Invalid, err, "Het bestand is niet goed aangekomen. Probeer het opnieuw.")
}

func (s *Server) sheetUpload(w http.ResponseWriter, r *http.Request) error {
	p, gms, err := s.importGemeenten(r)
	if err != nil {
		return err
	}
	dir, err := s.uploadDir()
	if err != nil {
		return err
	}
	sweepUploads(dir, time.Now())
	token := secret.Token()
	dataPath := filepath.Join(dir, token+".data")
	f, err := os.OpenFile(dataPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	fields, name, size, err := readUpload(w, r, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	fail := func(fe people.FieldErrors) error {
		os.Remove(dataPath)
		return s.renderSheetIndex(w, r, http.StatusUnprocessableEntity, page{Form: fields, Errors: fe})
	}
	if err != nil {
		if fe, ok := people.AsFieldErrors(err); ok {
			return fail(fe)
		}
		os.Remove(dataPath)
		return err
	}
	meta := sheetUploadMeta{UserID: p.UserID, Gemeente: fields["gemeente"], Source: strings.TrimSpace(fields["bron"]), Name: name, Sheet: fields["blad"], Size: size, Created: time.Now().UTC()}
	var fe people.FieldErrors
	if !contains(gms, meta.Gemeente) {
		fe.Add("gemeente", "kies een gemeente waarvoor u mag inlezen")
	}
	if meta.Source == "" || len(meta.Source) > 100 {
		fe.Add("bron", "geef de bron een naam (hooguit 100 tekens), zoals 'Suite4Sociaal export'")
	}
	if meta.Kind, err = exchange.ParseKind(fields["soort"]); err != nil {
		fe.Add("soort", "kies personen of voorzieningen")
	}
	if len(fe) == 0 {
		// Can naober read it at all? Say so now, not after the mapping step.
		if up, rerr := openUpload(dataPath, meta); rerr != nil {
			fe.Add("bestand", rerr.Error())
		} else {
			up.f.Close()
		}
	}
	if len(fe) > 0 {
		return fail(fe)
	}
	b, _ := json.Marshal(meta)
	if err := os.WriteFile(filepath.Join(dir, token+".json"), b, 0o600); err != nil {
		os.Remove(dataPath)
		return err
	}
	http.Redirect(w, r, "/beheer/inlezen/spreadsheet/"+token, http.StatusSeeOther)
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type openedUpload struct {
	sheet.Reader
	f *os.File
}

func openUpload(path string, meta sheetUploadMeta) (*openedUpload, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	rd, err := sheet.Open(meta.Name, f, meta.Size, sheet.Options{Sheet: meta.Sheet})
	if err != nil {
		f.Close()
		return nil, err
	}
	return &openedUpload{Reader: rd, f: f}, nil
}

// loadUpload finds the upload of the token, for its own user only.
func (s *Server) loadUpload(r *http.Request, p *auth.Principal) (string, sheetUploadMeta, error) {
	var meta sheetUploadMeta
	token := r.PathValue("token")
	if !validToken(token) {
		return "", meta, errs.ErrNotFound
	}
	dir, err := s.uploadDir()
	if err != nil {
		return "", meta, err
	}
	b, err := os.ReadFile(filepath.Join(dir, token+".json"))
	if err != nil || json.Unmarshal(b, &meta) != nil || meta.UserID != p.UserID || time.Since(meta.Created) > sheetUploadTTL {
		return "", meta, errs.E(errs.NotFound, "Dit bestand is niet (meer) op de server: een upload blijft een uur bewaard. Upload het opnieuw.")
	}
	if !p.Can(auth.ImportExchange, meta.Gemeente) {
		return "", meta, errs.E(errs.Forbidden, "U mag niet inlezen voor gemeente %s.", meta.Gemeente)
	}
	return filepath.Join(dir, token), meta, nil
}

// sheetDelete removes an upload when the user stops before the real run.
func (s *Server) sheetDelete(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.importGemeenten(r)
	if err != nil {
		return err
	}
	token := r.PathValue("token")
	if !validToken(token) {
		return errs.ErrNotFound
	}
	dir, err := s.uploadDir()
	if err != nil {
		return err
	}
	base := filepath.Join(dir, token)
	var meta sheetUploadMeta
	b, err := os.ReadFile(base + ".json")
	switch {
	case errors.Is(err, os.ErrNotExist):
		// Already gone (removed by the sweep, or a second click).
	case err != nil:
		return err
	case json.Unmarshal(b, &meta) != nil || meta.UserID != p.UserID:
		return errs.ErrNotFound
	default:
		if err := os.Remove(base + ".data"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := os.Remove(base + ".json"); err != nil {
			return err
		}
	}
	return s.renderSheetIndex(w, r, http.StatusOK, page{Form: map[string]string{}, Notice: "Gestopt. Het bestand is van de server verwijderd; er is niets ingelezen."})
}

type sheetFieldRow struct {
	Field  exchange.Field
	Column string
}

type sheetMappingData struct {
	Token   string
	Meta    sheetUploadMeta
	Format  string
	Header  []string
	Fields  []sheetFieldRow
	Key     string
	Partial bool
	Saved   bool
}

func (s *Server) sheetMappingPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.importGemeenten(r)
	if err != nil {
		return err
	}
	base, meta, err := s.loadUpload(r, p)
	if err != nil {
		return err
	}
	up, err := openUpload(base+".data", meta)
	if err != nil {
		return errs.Wrap(errs.Invalid, err, err.Error())
	}
	defer up.f.Close()
	m, key := exchange.Suggest(meta.Kind, up.Header()), ""
	saved := false
	sm, err := s.Store.SheetMapping(r.Context(), sheetActor(p), meta.Gemeente, meta.Source, meta.Kind)
	switch {
	case err == nil:
		// The saved mapping, where its columns are in this file.
		cols := map[string]bool{}
		for _, h := range up.Header() {
			cols[h] = true
		}
		for f, c := range sm.Mapping {
			if cols[c] {
				m[f] = c
			}
		}
		if cols[sm.Key] {
			key = sm.Key
		}
		saved = true
	case !errs.Is(err, errs.NotFound):
		return err
	}
	if key == "" {
		key = exchange.SuggestKey(meta.Kind, m)
	}
	return s.renderSheetMapping(w, r, http.StatusOK, page{}, r.PathValue("token"), meta, up, m, key, false, saved)
}

func (s *Server) renderSheetMapping(w http.ResponseWriter, r *http.Request, code int, pg page, token string, meta sheetUploadMeta, up *openedUpload, m exchange.Mapping, key string, partial, saved bool) error {
	d := sheetMappingData{Token: token, Meta: meta, Format: up.Format(), Header: up.Header(), Key: key, Partial: partial, Saved: saved}
	for _, f := range exchange.Fields(meta.Kind) {
		d.Fields = append(d.Fields, sheetFieldRow{Field: f, Column: m[f.Name]})
	}
	pg.Title = "Kolommen koppelen"
	pg.Data = d
	s.renderPage(w, r, code, "exchange_sheet_mapping", pg)
	return nil
}

// mappingFromForm reads the field selects ("veld_bsn" = column).
func mappingFromForm(r *http.Request, k exchange.Kind) exchange.Mapping {
	m := exchange.Mapping{}
	for _, f := range exchange.Fields(k) {
		if c := r.PostFormValue("veld_" + f.Name); c != "" {
			m[f.Name] = c
		}
	}
	return m
}

type sheetReportData struct {
	Token   string
	Meta    sheetUploadMeta
	Report  store.SheetReport
	Mapping []sheetFieldRow
	Key     string
	Partial bool
	CanRun  bool // the dry run found nothing in the way of the real run
}

func (s *Server) sheetRun(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.importGemeenten(r)
	if err != nil {
		return err
	}
	base, meta, err := s.loadUpload(r, p)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.Wrap(errs.Invalid, err, "Het formulier is niet goed aangekomen.")
	}
	real := r.PostFormValue("stap") == "inlezen"
	m := mappingFromForm(r, meta.Kind)
	key := r.PostFormValue("sleutel")
	partial := r.PostFormValue("alleen_goede") == "1"
	up, err := openUpload(base+".data", meta)
	if err != nil {
		return errs.Wrap(errs.Invalid, err, err.Error())
	}
	defer up.f.Close()
	if ps := m.Check(meta.Kind, up.Header(), key); len(ps) > 0 {
		var fe people.FieldErrors
		for _, pr := range ps {
			field := "sleutel"
			for _, f := range exchange.Fields(meta.Kind) {
				if pr.Path == "koppeling "+f.Label {
					field = "veld_" + f.Name
				}
			}
			msg := pr.Path + ": " + pr.Msg
			if pr.Value != "" {
				msg += " (" + pr.Value + ")"
			}
			fe.Add(field, msg)
		}
		return s.renderSheetMapping(w, r, http.StatusUnprocessableEntity, page{Errors: fe}, r.PathValue("token"), meta, up, m, key, partial, false)
	}
	a := sheetActor(p)
	in := store.SheetImport{Gemeente: meta.Gemeente, Source: meta.Source, Kind: meta.Kind, Mapping: m, Key: key, File: meta.Name, DryRun: !real, Partial: partial}
	rep, err := s.Store.ImportSheet(r.Context(), a, in, up)
	if err != nil {
		return err
	}
	// beheer may not see persons: the report says what and where, not the value.
	rep.Problems = exchange.ScrubSheetProblems(meta.Kind, rep.Problems)
	rep.Warnings = exchange.ScrubSheetProblems(meta.Kind, rep.Warnings)
	if rep.Saved {
		if err := s.Store.SaveSheetMapping(r.Context(), a, store.SheetMapping{Gemeente: meta.Gemeente, Source: meta.Source, Kind: meta.Kind, Mapping: m, Key: key}); err != nil {
			return err
		}
		up.f.Close()
		os.Remove(base + ".data")
		os.Remove(base + ".json")
		s.Log.Info("spreadsheet imported", "by", p.UserID, "gemeente", meta.Gemeente, "rows", rep.Rows, "created", rep.Created, "updated", rep.Updated, "rejected", rep.Rejected)
	}
	d := sheetReportData{Token: r.PathValue("token"), Meta: meta, Report: rep, Key: key, Partial: partial, CanRun: !real && (rep.Rejected == 0 || partial)}
	for _, f := range exchange.Fields(meta.Kind) {
		if c := m[f.Name]; c != "" {
			d.Mapping = append(d.Mapping, sheetFieldRow{Field: f, Column: c})
		}
	}
	title := "Proefrun"
	if real {
		title = "Resultaat van het inlezen"
	}
	s.renderPage(w, r, http.StatusOK, "exchange_sheet_report", page{Title: title, Data: d})
	return nil
}

type postcodeReportData struct {
	Report store.PostcodeReport
}

func (s *Server) postcodeUpload(w http.ResponseWriter, r *http.Request) error {
	p, gms, err := s.importGemeenten(r)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp("", "naober-postcodes-*.data")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	fields, name, size, err := readUpload(w, r, f)
	var fe people.FieldErrors
	if err != nil {
		var ok bool
		if fe, ok = people.AsFieldErrors(err); !ok {
			return err
		}
		for i := range fe {
			fe[i].Field = "pc_" + fe[i].Field
		}
	}
	if !contains(gms, fields["gemeente"]) {
		fe.Add("pc_gemeente", "kies een gemeente waarvoor u mag inlezen")
	}
	var rd sheet.Reader
	if len(fe) == 0 {
		if rd, err = sheet.Open(name, f, size, sheet.Options{}); err != nil {
			fe.Add("pc_bestand", err.Error())
		}
	}
	if len(fe) > 0 {
		return s.renderSheetIndex(w, r, http.StatusUnprocessableEntity, page{Form: fields, Errors: fe})
	}
	rep, err := s.Store.ImportPostcodes(r.Context(), sheetActor(p), fields["gemeente"], name, rd, store.PostcodeOptions{DryRun: fields["proef"] == "1", Replace: fields["vervang"] == "1"})
	if errs.Is(err, errs.Invalid) {
		fe.Add("pc_bestand", errs.Message(err))
		return s.renderSheetIndex(w, r, http.StatusUnprocessableEntity, page{Form: fields, Errors: fe})
	}
	if err != nil {
		return err
	}
	s.renderPage(w, r, http.StatusOK, "exchange_sheet_postcodes", page{Title: "Adrestabel", Data: postcodeReportData{Report: rep}})
	return nil
}

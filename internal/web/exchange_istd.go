package web

// iJw/iWmo message import for beheer (issue 5): upload one or more XML
// files, get a report per file, see the history of imported messages.
// Works without JavaScript. The report holds no personal data: beheer may
// import but not read persons, so BSNs are masked and values of personal
// elements (names, birth dates, addresses) are left out.
//
// And on the provision page, for regisseur and teamleider: the JW301/WMO301
// allocation message of a provision as a download.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/exchange/istd"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
)

const (
	maxIstdUpload = 64 << 20 // bytes, all files of one upload together
	maxIstdFiles  = 1000
)

func (s *Server) routesImportIstd(r *router) {
	r.page("GET /beheer/uitwisseling", s.istdPage)
	r.page("POST /beheer/uitwisseling", s.istdUpload)
	r.page("POST /voorzieningen/{id}/toewijzingsbericht", s.allocationDownload)
}

// istdFile is one row of the report.
type istdFile struct {
	Name     string
	Message  string
	Outcome  string // "ingelezen", "al ingelezen", "niets", "geweigerd"
	Summary  string
	Problems []exchange.Problem
	Warnings []exchange.Problem
}

type istdData struct {
	Gemeenten []string
	Report    []istdFile
	DryRun    bool
	Counts    map[string]int
	History   []istdHistoryRow
}

type istdHistoryRow struct {
	store.ExchangeMessage
	Summary string
}

func (s *Server) istdGemeenten(r *http.Request) (*auth.Principal, []string, error) {
	p, err := need(r)
	if err != nil {
		return nil, nil, err
	}
	gms := p.Gemeenten(auth.ImportExchange)
	if len(gms) == 0 {
		return nil, nil, errs.E(errs.Forbidden, "Alleen beheerders kunnen berichten inlezen.")
	}
	return p, gms, nil
}

func (s *Server) istdPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderIstd(w, r, http.StatusOK, page{Form: map[string]string{}}, nil)
}

func (s *Server) renderIstd(w http.ResponseWriter, r *http.Request, code int, pg page, d *istdData) error {
	p, gms, err := s.istdGemeenten(r)
	if err != nil {
		return err
	}
	if d == nil {
		d = &istdData{}
	}
	d.Gemeenten = gms
	hist, err := s.Store.ExchangeMessages(r.Context(), store.Actor{P: p, Purpose: store.PurposeExchange}, 50)
	if err != nil {
		return err
	}
	d.History = d.History[:0]
	for _, h := range hist {
		d.History = append(d.History, istdHistoryRow{ExchangeMessage: h, Summary: resultSummary(h.Result)})
	}
	pg.Title = "Berichten inlezen (iJw en iWmo)"
	pg.Data = d
	s.renderPage(w, r, code, "exchange_istd", pg)
	return nil
}

// istdUpload reads the multipart form as a stream: the small fields come
// first, then every file is parsed while it arrives (istd.Read streams and
// bounds its memory); the messages are applied in one batch with a
// savepoint each.
func (s *Server) istdUpload(w http.ResponseWriter, r *http.Request) error {
	p, gms, err := s.istdGemeenten(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxIstdUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return s.renderIstd(w, r, http.StatusUnprocessableEntity, page{Form: map[string]string{},
			Errors: people.FieldErrors{{Field: "bestanden", Message: "kies een of meer XML-bestanden"}}}, nil)
	}
	form := map[string]string{}
	var files []istdFile
	var inputs []store.ExchangeInput
	var at []int // report index of each input
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.istdFormError(w, r, form, uploadIstdErr(err))
		}
		if part.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(part, 1024))
			if err != nil {
				return s.istdFormError(w, r, form, uploadIstdErr(err))
			}
			form[part.FormName()] = strings.TrimSpace(string(b))
			continue
		}
		if part.FormName() != "bestanden" {
			continue
		}
		if len(files) == maxIstdFiles {
			return s.istdFormError(w, r, form, &people.FieldError{Field: "bestanden", Message: fmt.Sprintf("kies hooguit %d bestanden tegelijk", maxIstdFiles)})
		}
		in, err := readIstdPart(part)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return s.istdFormError(w, r, form, uploadIstdErr(err))
			}
			var ps exchange.Problems
			if !errors.As(err, &ps) {
				ps = exchange.Problems{{File: in.File, Msg: "het bestand is niet goed aangekomen of niet te lezen"}}
			}
			files = append(files, istdFile{Name: in.File, Outcome: "geweigerd", Problems: scrub(ps)})
			continue
		}
		files = append(files, istdFile{Name: in.File})
		inputs = append(inputs, in)
		at = append(at, len(files)-1)
	}
	gm := form["gemeente"]
	if !contains(gms, gm) {
		return s.istdFormError(w, r, form, &people.FieldError{Field: "gemeente", Message: "kies een gemeente waarvoor u mag inlezen"})
	}
	if len(files) == 0 {
		return s.istdFormError(w, r, form, &people.FieldError{Field: "bestanden", Message: "kies een of meer XML-bestanden (de bestanden zijn leeg of ontbreken)"})
	}
	dry := form["proef"] != ""
	if len(inputs) > 0 {
		out, err := s.Store.ApplyMessages(r.Context(), store.Actor{P: p, Purpose: store.PurposeExchange}, gm, inputs, store.ApplyOptions{DryRun: dry})
		if err != nil {
			return err
		}
		for i, o := range out {
			f := &files[at[i]]
			m := inputs[i].Message
			f.Message = o.Result.Message
			f.Warnings = scrub(o.Result.Warnings)
			switch {
			case o.Err != nil:
				var ps exchange.Problems
				if !errors.As(o.Err, &ps) {
					ps = exchange.Problems{{File: f.Name, Msg: errs.Message(o.Err)}}
				}
				f.Outcome, f.Problems = "geweigerd", scrub(ps)
			case o.Result.Duplicate:
				f.Outcome, f.Summary = "al ingelezen", "Dit bericht is al eerder ingelezen; er is niets gewijzigd."
			case !m.Import:
				f.Outcome, f.Summary = "niets", m.Note
				if f.Summary == "" {
					f.Summary = "Dit bericht bevat niets om in te lezen."
				}
			default:
				f.Outcome, f.Summary = "ingelezen", resultSummary(o.Result)
			}
		}
	}
	d := &istdData{Report: files, DryRun: dry, Counts: map[string]int{}}
	for _, f := range files {
		d.Counts[f.Outcome]++
	}
	code := http.StatusOK
	if d.Counts["geweigerd"] > 0 {
		code = http.StatusUnprocessableEntity
	}
	return s.renderIstd(w, r, code, page{Form: form}, d)
}

func (s *Server) istdFormError(w http.ResponseWriter, r *http.Request, form map[string]string, fe *people.FieldError) error {
	return s.renderIstd(w, r, http.StatusUnprocessableEntity, page{Form: form, Errors: people.FieldErrors{fe}}, nil)
}

func uploadIstdErr(err error) *people.FieldError {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &people.FieldError{Field: "bestanden", Message: fmt.Sprintf("de bestanden zijn samen groter dan %d MB; kies er minder, of lees ze in met de opdrachtregel (naober import istandaarden)", maxIstdUpload>>20)}
	}
	return &people.FieldError{Field: "bestanden", Message: "de bestanden zijn niet goed aangekomen; probeer het opnieuw"}
}

// readIstdPart parses one uploaded file while it streams in.
func readIstdPart(part *multipart.Part) (store.ExchangeInput, error) {
	name := filepath.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
	h := sha256.New()
	m, err := istd.Read(name, io.TeeReader(part, h))
	// Drain what the reader left, so the hash and the stream stay whole.
	if _, derr := io.Copy(h, part); err == nil && derr != nil {
		err = derr
	}
	return store.ExchangeInput{File: name, SHA256: hex.EncodeToString(h.Sum(nil)), Message: m}, err
}

// scrub leaves out values of personal elements and masks BSNs (see
// exchange.ScrubProblems); the file name is left out too, since the report
// groups problems per file.
func scrub(ps []exchange.Problem) []exchange.Problem {
	out := exchange.ScrubProblems(ps)
	for i := range out {
		out[i].File = ""
	}
	return out
}

// resultSummary says in Dutch what a message changed.
func resultSummary(r exchange.Result) string {
	var parts []string
	add := func(n int, one, many string) {
		if n == 1 {
			parts = append(parts, "1 "+one)
		} else if n > 1 {
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(r.PersonsCreated, "nieuwe persoon", "nieuwe personen")
	add(r.HouseholdsCreated, "nieuw huishouden", "nieuwe huishoudens")
	add(r.Unplaced, "huishouden zonder bekende wijk", "huishoudens zonder bekende wijk")
	add(r.ProvisionsCreated, "nieuwe voorziening", "nieuwe voorzieningen")
	add(r.ProvisionsUpdated, "voorziening bijgewerkt", "voorzieningen bijgewerkt")
	add(r.ClaimsCreated, "gedeclareerde prestatie", "gedeclareerde prestaties")
	if len(parts) == 0 {
		return "Geen wijzigingen."
	}
	return strings.Join(parts, ", ") + "."
}

// allocationDownload sends the JW301/WMO301 of a provision. It is a POST:
// a provision without an allocation number gets one.
func (s *Server) allocationDownload(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	a := actor(r, p)
	a.Purpose = store.PurposeExchange
	// The message is written inside the store's transaction: one that does
	// not validate takes no allocation number.
	var buf bytes.Buffer
	var werr error
	m, err := s.Store.AllocationMessage(r.Context(), a, r.PathValue("id"), "", func(m *exchange.Message) error {
		werr = istd.WriteAllocation(&buf, m)
		return werr
	})
	if fe, ok := people.AsFieldErrors(err); ok {
		msgs := make([]string, len(fe))
		for i, e := range fe {
			msgs[i] = e.Message
		}
		return errs.E(errs.Invalid, "Het toewijzingsbericht kan nog niet worden gemaakt: %s.", strings.Join(msgs, "; "))
	}
	if werr != nil {
		return errs.Wrap(errs.Invalid, werr, "Het toewijzingsbericht kan niet worden gemaakt: "+werr.Error())
	}
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s_%s_%s.xml", m.Name(), m.Allocations[0].Nummer, m.ID)
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

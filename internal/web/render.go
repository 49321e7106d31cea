package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
)

//go:embed templates
var templateFS embed.FS

type templates struct {
	pages map[string]*template.Template
}

// page is what every template receives.
type page struct {
	Title       string
	User        *auth.Principal
	Path        string
	CSS         string
	Banner      string
	Attribution string
	Errors      people.FieldErrors
	Form        map[string]string
	Notice      string
	Data        any
}

// Err is the error message for a form field.
func (p page) Err(field string) string { return p.Errors.For(field) }

// Val is the submitted value of a form field.
func (p page) Val(field string) string { return p.Form[field] }

// Can tells the template whether to show a link.
func (p page) Can(perm string) bool {
	if p.User == nil {
		return false
	}
	switch perm {
	case "personen":
		return p.User.CanAnywhere(auth.ReadPersons)
	case "audit":
		return p.User.CanAnywhere(auth.ReadAudit)
	case "gebruikers":
		return p.User.CanAnywhere(auth.ManageUsers)
	case "melden":
		return p.User.CanAnywhere(auth.ReportSignal)
	case "team":
		return p.User.CanAnywhere(auth.ManageTeam)
	case "monitor":
		return p.User.CanAnywhere(auth.ReadMonitor)
	case "inlezen":
		return p.User.CanAnywhere(auth.ImportExchange)
	case "outbox":
		return p.User.CanAnywhere(auth.ReadOutbox)
	case "wijkbudget":
		return p.User.CanAnywhere(auth.ManageWijkbudget)
	case "bewoner":
		return p.User.Resident != nil
	case "fonds": // residents apply, managers run the funds
		return p.User.Resident != nil || p.User.CanAnywhere(auth.ManageFund)
	}
	return false
}

var funcs = template.FuncMap{
	"postcode": people.FormatPostcode,
	"datum":    func(d people.Date) string { return d.Dutch() },
	"tijd": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(people.Amsterdam()).Format("02-01-2006 15:04")
	},
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"leeftijd": func(p people.Person) string { // "43 jaar"; "leeftijd onbekend" without a birth date (a client known only by BSN)
		if p.Geboortedatum.IsZero() {
			return "leeftijd onbekend"
		}
		return strconv.Itoa(p.Age(people.Today())) + " jaar"
	},
	"add":     func(a, b int) int { return a + b },
	"safeSVG": func(s string) template.HTML { return template.HTML(s) }, // drawn by area.MapSVG, which escapes every name
	"join":    strings.Join,
	"list":    func(s ...string) []string { return s },
	"rol":     func(r auth.Role) string { return r.Label() },
	"geslacht": func(s string) string {
		return map[string]string{"man": "Man", "vrouw": "Vrouw", "onbekend": "Onbekend"}[s]
	},
	"maskbsn": func(s string) string {
		if len(s) != 9 {
			return ""
		}
		return "*****" + s[5:]
	},
}

func parseTemplates(s *Server) (*templates, error) {
	t := &templates{pages: map[string]*template.Template{}}
	base, err := template.New("layout.html").Funcs(funcs).Funcs(template.FuncMap{
		"wijknaam": func(code string) string {
			if code == "" { // an address the postcode table did not place (e.g. from the exchange)
				return "wijk onbekend"
			}
			if w, ok := s.Atlas.Wijk(code); ok {
				return w.Naam
			}
			return code
		},
		"gemeentenaam": func(code string) string {
			if g, ok := s.Atlas.Gemeente(code); ok {
				return g.Naam
			}
			return code
		},
	}).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	// Partials (templates/partial_*.html) define fragments any page may include.
	partials, err := fs.Glob(templateFS, "templates/partial_*.html")
	if err != nil {
		return nil, err
	}
	if len(partials) > 0 {
		if base, err = base.ParseFS(templateFS, partials...); err != nil {
			return nil, err
		}
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "partial_") {
			continue
		}
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := c.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("template %s: %w", f, err)
		}
		t.pages[name] = c
	}
	return t, nil
}

// render writes a full page; it renders into a buffer first so a template
// error never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, data any) {
	s.renderPage(w, r, code, name, page{Data: data})
}

func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, code int, name string, p page) {
	t, ok := s.tmpl.pages[name]
	if !ok {
		s.Log.Error("unknown template", "name", name)
		http.Error(w, "interne fout", http.StatusInternalServerError)
		return
	}
	p.User = principal(r)
	p.Path = r.URL.Path
	p.CSS = s.cssPath
	p.Banner = s.Banner
	p.Attribution = "Bron: CBS, Kadaster/PDOK"
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.Log.Error("render", "template", name, "err", err)
		http.Error(w, "interne fout", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if p.User != nil {
		// Pages for a signed-in user may hold personal data: keep them out of caches.
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

func writeJSON(w http.ResponseWriter, code int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
	return nil
}

type apiError struct {
	Error  string            `json:"fout"`
	Fields map[string]string `json:"velden,omitempty"`
}

func writeJSONError(w http.ResponseWriter, code int, err error) {
	ae := apiError{Error: errs.Message(err)}
	if fe, ok := fieldErrors(err); ok {
		ae.Error = "Controleer de invoer."
		ae.Fields = map[string]string{}
		for _, e := range fe {
			ae.Fields[e.Field] = e.Message
		}
	}
	writeJSON(w, code, ae)
}

func fieldErrors(err error) (people.FieldErrors, bool) {
	var e *errs.Error
	if errors.As(err, &e) && e.Err != nil {
		if fe, ok := people.AsFieldErrors(e.Err); ok {
			return fe, true
		}
	}
	return people.AsFieldErrors(err)
}

// mapFor draws a gemeente's wijken with links to their pages.
func (s *Server) mapFor(gemeente string) (string, error) {
	return s.Atlas.MapSVG(gemeente, area.MapOptions{Width: 560, Href: func(w area.Wijk) string { return "/gebieden/" + gemeente + "/" + w.Code }})
}

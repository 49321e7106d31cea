// Package web owns HTTP: the Dutch server-rendered UI, the JSON API, and
// the security around both (sessions, tokens, headers, cross-origin checks).
package web

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/monitor"
	"naober.nl/naober/internal/store"
)

//go:embed static
var staticFS embed.FS

// Server serves naober over HTTP.
type Server struct {
	Store      *store.Store
	Atlas      *area.Atlas
	Log        *slog.Logger
	Throttle   *auth.Throttle
	SessionTTL time.Duration
	// Secure marks cookies Secure and sends HSTS; set when served over TLS.
	Secure bool
	// Banner is shown on every page (e.g. "Demo-omgeving").
	Banner string
	// PublicURL is where links in e-mail point (https://naober.gemeente.nl);
	// empty: the address a request came in on.
	PublicURL string
	// Monitor returns the population monitor's index; nil (or a nil
	// result) while it is being built, when monitor pages answer 503.
	Monitor func() *monitor.Index
	// MonitorRule is the disclosure rule for everything the monitor
	// shows; the zero value means monitor.DefaultRule().
	MonitorRule monitor.Rule
	// UploadDir keeps uploaded spreadsheets between the steps of an
	// import (created with mode 0700; it must belong to this user). Empty:
	// a private temporary directory, removed when Housekeep stops.
	UploadDir string

	uploadMu   sync.Mutex
	uploadPath string // the upload directory in use, once made
	uploadTemp bool   // uploadPath is a temporary directory of this process

	routes     *router
	openAPIDoc []byte
	tmpl       *templates
	cssPath    string
	cssBody    []byte
	startedAt  time.Time
}

// Handler builds the router with all middleware.
func (s *Server) Handler() (http.Handler, error) {
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Throttle == nil {
		s.Throttle = auth.NewThrottle()
	}
	if s.SessionTTL == 0 {
		s.SessionTTL = 12 * time.Hour
	}
	css, err := staticFS.ReadFile("static/style.css")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(css)
	s.cssBody = css
	s.cssPath = "/static/style." + hex.EncodeToString(sum[:6]) + ".css"
	if s.tmpl, err = parseTemplates(s); err != nil {
		return nil, err
	}
	s.startedAt = time.Now()

	mux := http.NewServeMux()
	rt := &router{s: s, mux: mux}
	s.routesUI(rt)
	s.routesAPI(rt)
	s.routesCasework(rt)
	s.routesMonitor(rt)
	s.routesExchange(rt)
	s.routesVote(rt)
	s.routesFund(rt)
	s.routesMeetings(rt)
	s.routes = rt
	if s.openAPIDoc, err = buildOpenAPI(rt.api); err != nil {
		return nil, err
	}
	rt.raw("GET /api/v1/openapi.json", s.openAPI)
	rt.raw("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	rt.raw("GET /readyz", s.readyz)
	rt.raw("GET "+s.cssPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(s.cssBody)
	})

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errs.E(errs.Forbidden, "Dit verzoek kwam van een andere website en is geweigerd."))
	}))
	var h http.Handler = mux
	h = s.authenticate(h)
	h = cop.Handler(h)
	h = s.headers(h)
	h = s.recoverer(h)
	h = s.accessLog(h)
	return h, nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.Store.Ping(ctx); err != nil {
		s.Log.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database niet bereikbaar\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// headers sets the security headers on every response.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if s.Secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Log.Error("panic", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				s.fail(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog logs method, route pattern and status: never the query string
// or path values, which may carry names or postcodes.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "(geen route)"
		}
		s.Log.Info("request", "method", r.Method, "route", route, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

type ctxKey int

const principalKey ctxKey = 1

// principal returns the signed-in user, or nil.
func principal(r *http.Request) *auth.Principal {
	p, _ := r.Context().Value(principalKey).(*auth.Principal)
	return p
}

const sessionCookie = "naober_sessie"

// authenticate resolves a bearer token or session cookie, if any. Routes
// decide themselves whether they need a user.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p *auth.Principal
		var err error
		if h := r.Header.Get("Authorization"); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				s.fail(w, r, errs.E(errs.Unauthorized, "Gebruik Authorization: Bearer <token>."))
				return
			}
			p, err = s.Store.TokenPrincipal(r.Context(), strings.TrimSpace(tok))
		} else if c, cerr := r.Cookie(sessionCookie); cerr == nil && c.Value != "" {
			p, err = s.Store.SessionPrincipal(r.Context(), c.Value)
			if errs.Is(err, errs.Unauthorized) {
				s.clearSessionCookie(w)
				err = nil // an expired session is like no session
			}
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if p != nil {
			r = r.WithContext(context.WithValue(r.Context(), principalKey, p))
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.SessionTTL.Seconds())})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// clientIP is the remote address without port, for throttling.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// isAPI tells JSON routes from HTML ones, for error rendering.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// status maps an error kind to its HTTP status, once for the whole program.
func status(err error) int {
	switch errs.KindOf(err) {
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Conflict:
		return http.StatusConflict
	case errs.Unavailable:
		return http.StatusServiceUnavailable
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// handler is an HTTP handler that returns its error to one adapter.
type handler func(w http.ResponseWriter, r *http.Request) error

func (s *Server) h(fn handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// fail renders an error as JSON or HTML. Internal errors are logged (the
// messages hold no personal data) and shown without detail.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if fe, ok := fieldErrors(err); ok {
		err = &errs.Error{Kind: errs.Invalid, Message: fe.Error(), Err: err}
	}
	code := status(err)
	switch code {
	case http.StatusInternalServerError:
		s.Log.Error("internal error", "route", r.Pattern, "err", err)
	case http.StatusServiceUnavailable:
		s.Log.Warn("database unavailable", "route", r.Pattern, "err", err)
		w.Header().Set("Retry-After", "5")
	}
	if isAPI(r) {
		writeJSONError(w, code, err)
		return
	}
	if code == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/inloggen?terug="+url.QueryEscape(safeReturn(r.URL.RequestURI())), http.StatusSeeOther)
		return
	}
	s.render(w, r, code, "error", errorPage{Status: code, Message: errs.Message(err)})
}

type errorPage struct {
	Status  int
	Message string
}

// safeReturn only allows local paths as a return address after login.
func safeReturn(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return "/"
	}
	return p
}

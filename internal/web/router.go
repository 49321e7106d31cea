package web

import (
	"net/http"
	"strings"
)

// router registers routes and remembers them, so the OpenAPI document is
// built from what the server really serves and a test can check that every
// API route is documented.
type router struct {
	s        *Server
	mux      *http.ServeMux
	patterns []string
	api      []apiRoute
}

// apiRoute is one documented API operation.
type apiRoute struct {
	Method, Path string
	Doc          apiDoc
}

// apiDoc describes an API operation for /api/v1/openapi.json.
type apiDoc struct {
	Summary  string
	Tag      string
	Roles    string  // who may call it, in words
	Public   bool    // no login needed
	Query    []param // query parameters
	Body     any     // a value of the request body type; nil for none
	Response any     // a value of the response type; nil for 204 No Content
	Status   int     // success status; default 200
}

type param struct{ Name, Desc string }

// page registers an HTML route.
func (r *router) page(pattern string, fn handler) {
	r.patterns = append(r.patterns, pattern)
	r.mux.HandleFunc(pattern, r.s.h(r.s.withLinkBase(fn)))
}

// endpoint registers a documented JSON API route.
func (r *router) endpoint(pattern string, doc apiDoc, fn handler) {
	r.patterns = append(r.patterns, pattern)
	r.mux.HandleFunc(pattern, r.s.h(r.s.withLinkBase(fn)))
	method, path, _ := strings.Cut(pattern, " ")
	r.api = append(r.api, apiRoute{Method: method, Path: path, Doc: doc})
}

// raw registers a plain handler (health checks, static files, catch-alls).
func (r *router) raw(pattern string, h http.HandlerFunc) {
	r.patterns = append(r.patterns, pattern)
	r.mux.HandleFunc(pattern, h)
}

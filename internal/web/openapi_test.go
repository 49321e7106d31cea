package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"naober.nl/naober/internal/area"
	"naober.nl/naober/internal/store/storetest"
)

// Every API route the server registers is in the OpenAPI document, and
// every documented operation is served (not the catch-all, not 405).
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Store: storetest.SQLite(t), Atlas: atlas, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, rt := range s.routes.api {
		documented[rt.Method+" "+rt.Path] = true
		if rt.Doc.Summary == "" {
			t.Errorf("%s %s has no summary", rt.Method, rt.Path)
		}
	}
	for _, p := range sortedPatterns(s.routes.patterns) {
		method, path, ok := strings.Cut(p, " ")
		if !ok || !strings.HasPrefix(path, "/api/") || path == "/api/v1/openapi.json" {
			continue
		}
		if !documented[method+" "+path] {
			t.Errorf("route %s is not in the OpenAPI document", p)
		}
	}

	srv := httptest.NewServer(h)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil || doc.OpenAPI != "3.0.3" {
		t.Fatalf("openapi.json: %v %q", err, doc.OpenAPI)
	}
	res.Body.Close()
	n := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			n++
			if !documented[strings.ToUpper(method)+" "+path] {
				t.Errorf("documented %s %s is not a route", method, path)
			}
			if op["responses"] == nil {
				t.Errorf("%s %s documents no responses", method, path)
			}
			// The route answers as itself: anonymous calls get 401 (or 200
			// for public ones), never the catch-all 404 or 405.
			url := srv.URL + strings.NewReplacer("{code}", "GM0119", "{", "", "}", "").Replace(path)
			req, _ := http.NewRequest(strings.ToUpper(method), url, strings.NewReader("{}"))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == 405 || strings.Contains(string(body), "Onbekend API-pad") {
				t.Errorf("%s %s is documented but not served: %d %s", method, path, res.StatusCode, body)
			}
		}
	}
	if n != len(s.routes.api) {
		t.Errorf("document has %d operations, server %d", n, len(s.routes.api))
	}
}

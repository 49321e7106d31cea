package web

import (
	"net/http"

	"naober.nl/naober/internal/store"
)

// withLinkBase tells the store the server's public address, so e-mails it
// queues while handling the request (a hidden wish, a new agenda status)
// link back to naober.
func (s *Server) withLinkBase(fn handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r = r.WithContext(store.WithLinkBase(r.Context(), s.publicURL(r)))
		}
		return fn(w, r)
	}
}

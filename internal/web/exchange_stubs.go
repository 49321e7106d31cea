package web

// Stubs until the exchange pages land; each is replaced by its own file.

func (s *Server) routesImportIstd(r *router) {}

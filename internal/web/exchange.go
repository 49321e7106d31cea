package web

// routesExchange registers the exchange surfaces for beheer: iJw/iWmo
// upload (routesImportIstd, exchange_istd.go), spreadsheet import with
// mapping and dry run and the postcode table (routesImportSheet,
// exchange_sheet.go), and the allocation download on a provision.
func (s *Server) routesExchange(r *router) {
	s.routesImportIstd(r)
	s.routesImportSheet(r)
}

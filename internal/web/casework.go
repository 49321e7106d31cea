package web

// routesCasework registers the case-work surfaces (signals, cases, plans,
// assessments, provisions, budget, notes, timeline, worklist).
func (s *Server) routesCasework(r *router) {
	s.routesSignals(r)
	s.routesCases(r)
	s.routesPlans(r)
	s.routesProvisions(r)
	s.routesBudget(r)
	s.routesTimeline(r)
	s.routesWorklist(r)
}

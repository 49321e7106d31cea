package store_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
	"naober.nl/naober/internal/voorelkaar"
)

func helpRequest(t *testing.T, s *store.Store, p *auth.Principal, via bool) voorelkaar.Request {
	t.Helper()
	r := voorelkaar.Request{Category: "boodschappen", Days: []string{"ma", "wo"}, Parts: []string{"ochtend"},
		Text: "Wie doet op maandag boodschappen met mij?", Contact: "06-11112222 (Anna)", ViaCoordinator: via}
	if err := s.CreateHelpRequest(ctx, p, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func helpOffer(t *testing.T, s *store.Store, p *auth.Principal, wijken ...string) voorelkaar.Offer {
	t.Helper()
	o := voorelkaar.Offer{Categories: []voorelkaar.Category{"boodschappen", "wandelen"}, Days: []string{"ma", "di"}, Parts: []string{"ochtend", "middag"},
		Wijken: wijken, Text: "Ik heb een auto en help graag met boodschappen.", Contact: "06-98765432"}
	if err := s.CreateHelpOffer(ctx, p, &o); err != nil {
		t.Fatal(err)
	}
	return o
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noneOf fails when the text holds any of the secrets.
func noneOf(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, x := range secrets {
		if x != "" && strings.Contains(text, x) {
			t.Errorf("%s holds %q", what, x)
		}
	}
}

func mailKinds(t *testing.T, s *store.Store, userID string) []string {
	t.Helper()
	ks, err := store.StringsForTest(ctx, s, `SELECT kind FROM outbox WHERE user_id = ? ORDER BY created_at, id`, userID)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

func TestHelpMatchReleasesContactOnlyWhenBothAccept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		setup(t, s)
		anna := wishResident(t, s, "GM0119", "WK011901", "Anna de Boer")
		bram := wishResident(t, s, "GM0119", "WK011901", "Bram Bakker")
		stranger := wishResident(t, s, "GM0119", "WK011901", "Cees")

		bad := voorelkaar.Request{Category: "zwemmen", Text: "x"}
		if err := s.CreateHelpRequest(ctx, anna, &bad); err == nil {
			t.Fatal("a bad request was saved")
		} else if fe, ok := people.AsFieldErrors(err); !ok || fe.For("categorie") == "" || fe.For("dagen") == "" {
			t.Fatalf("errors: %v", err)
		}
		r := helpRequest(t, s, anna, false)
		if r.FirstName != "Anna" || r.Wijk != "WK011901" || r.Status != voorelkaar.Open {
			t.Fatalf("request %+v", r)
		}
		o := helpOffer(t, s, bram, "WK011901", "WK011902")

		reqs, offers, err := s.PublicHelp(ctx, "GM0119", "WK011901")
		if err != nil || len(reqs) != 1 || len(offers) != 1 {
			t.Fatalf("public: %d %d %v", len(reqs), len(offers), err)
		}
		pub := mustJSON(t, []any{reqs, offers})
		noneOf(t, "the public list", pub, anna.Email, bram.Email, "Anna de Boer", "Bram Bakker", "06-11112222", "06-98765432", anna.UserID, bram.UserID)

		ov, err := s.HelpOffer(ctx, bram, o.ID)
		if err != nil || len(ov.Suggestions) != 1 || ov.Suggestions[0].Request.ID != r.ID {
			t.Fatalf("suggestions for the offer: %+v %v", ov.Suggestions, err)
		}
		rv, err := s.HelpRequest(ctx, anna, r.ID)
		if err != nil || len(rv.Suggestions) != 1 || rv.Suggestions[0].Offer.ID != o.ID {
			t.Fatalf("suggestions for the request: %+v %v", rv.Suggestions, err)
		}
		if _, err := s.ProposeMatch(ctx, stranger, r.ID, o.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a stranger proposed: %v", err)
		}
		mid, err := s.ProposeMatch(ctx, bram, r.ID, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := s.ProposeMatch(ctx, bram, r.ID, o.ID); err != nil || again != mid {
			t.Fatalf("proposing twice: %s %v", again, err)
		}
		if !slices.Contains(mailKinds(t, s, anna.UserID), "voorelkaar-voorstel") {
			t.Error("anna heard nothing of the proposal")
		}

		// Before both accept: neither side's pages hold the other's contact or full name.
		mine, err := s.HelpOf(ctx, anna)
		if err != nil || len(mine.Matches) != 1 || !mine.Matches[0].MayAnswer() || mine.Matches[0].Contact != nil {
			t.Fatalf("anna's matches: %+v %v", mine.Matches, err)
		}
		noneOf(t, "anna's view before accepting", mustJSON(t, mine), bram.Email, "Bram Bakker", "06-98765432", bram.UserID)
		theirs, err := s.HelpOf(ctx, bram)
		if err != nil || len(theirs.Matches) != 1 || theirs.Matches[0].MayAnswer() {
			t.Fatalf("bram's matches: %+v %v", theirs.Matches, err)
		}
		noneOf(t, "bram's view before accepting", mustJSON(t, theirs), anna.Email, "Anna de Boer", "06-11112222", anna.UserID)
		ov, _ = s.HelpOffer(ctx, bram, o.ID)
		noneOf(t, "bram's offer before accepting", mustJSON(t, ov), anna.Email, "Anna de Boer", "06-11112222")
		if err := s.AnswerMatch(ctx, stranger, mid, true); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a stranger answered: %v", err)
		}

		// Both say yes: now each sees the other.
		if err := s.AnswerMatch(ctx, anna, mid, true); err != nil {
			t.Fatal(err)
		}
		mine, _ = s.HelpOf(ctx, anna)
		if c := mine.Matches[0].Contact; c == nil || c.Email != bram.Email || c.Phone != "06-98765432" || c.FirstName != "Bram" {
			t.Fatalf("anna sees %+v", c)
		}
		theirs, _ = s.HelpOf(ctx, bram)
		if c := theirs.Matches[0].Contact; c == nil || c.Email != anna.Email || c.Phone != "06-11112222 (Anna)" {
			t.Fatalf("bram sees %+v", c)
		}
		if !slices.Contains(mailKinds(t, s, bram.UserID), "voorelkaar-contact") {
			t.Error("bram heard nothing of the accepted match")
		}
		reads, _ := store.StringsForTest(ctx, s, `SELECT user_id FROM audit_log WHERE record_type = ? AND record_id = ? AND action = 'lezen'`, store.RecHelpContact, mid)
		if !slices.Contains(reads, anna.UserID) || !slices.Contains(reads, bram.UserID) {
			t.Errorf("reading contact details is not audited: %v", reads)
		}
		reqs, _, _ = s.PublicHelp(ctx, "GM0119", "WK011901")
		if len(reqs) != 0 {
			t.Error("a matched request is still listed")
		}
		if _, err := s.ProposeMatch(ctx, anna, r.ID, o.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("proposing on a matched request: %v", err)
		}

		// Feedback only after the help is done; once per side.
		f := voorelkaar.Feedback{Rating: 5, Text: "Heel fijn"}
		if err := s.GiveFeedback(ctx, anna, mid, &f); !errs.Is(err, errs.Conflict) {
			t.Fatalf("feedback before done: %v", err)
		}
		if err := s.MarkHelpDone(ctx, bram, r.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the volunteer marked the request done: %v", err)
		}
		if err := s.MarkHelpDone(ctx, anna, r.ID); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(mailKinds(t, s, bram.UserID), "voorelkaar-feedback") {
			t.Error("no feedback asked")
		}
		if err := s.GiveFeedback(ctx, anna, mid, &f); err != nil {
			t.Fatal(err)
		}
		if err := s.GiveFeedback(ctx, anna, mid, &f); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second feedback: %v", err)
		}
		if err := s.GiveFeedback(ctx, bram, mid, &voorelkaar.Feedback{Text: "Gezellige ochtend"}); err != nil {
			t.Fatal(err)
		}
		st, err := s.HelpStatsFor(ctx, "GM0119", "WK011901")
		if err != nil || st.Requests != 1 || st.Offers != 1 || st.Matched != 1 || st.Done != 1 {
			t.Fatalf("stats %+v %v", st, err)
		}
		if err := s.CloseHelpRequest(ctx, anna, r.ID, "klaar"); err == nil {
			t.Fatal("closed with a too short reason / a done request")
		}
	})
}

func TestHelpDeclineAndClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		setup(t, s)
		anna := wishResident(t, s, "GM0119", "WK011901", "Anna")
		bram := wishResident(t, s, "GM0119", "WK011901", "Bram")
		daan := wishResident(t, s, "GM0119", "WK011902", "Daan")
		r := helpRequest(t, s, anna, false)
		o1 := helpOffer(t, s, bram, "WK011901")
		o2 := helpOffer(t, s, daan, "WK011901")
		far := helpOffer(t, s, daan, "WK011903")
		if _, err := s.ProposeMatch(ctx, anna, r.ID, far.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("matched an offer for another wijk: %v", err)
		}
		m1, err := s.ProposeMatch(ctx, anna, r.ID, o1.ID)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := s.ProposeMatch(ctx, anna, r.ID, o2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AnswerMatch(ctx, bram, m1, false); err != nil {
			t.Fatal(err)
		}
		if err := s.AnswerMatch(ctx, bram, m1, true); !errs.Is(err, errs.Conflict) {
			t.Fatalf("answered twice: %v", err)
		}
		if !slices.Contains(mailKinds(t, s, anna.UserID), "voorelkaar-nee") {
			t.Error("anna did not hear the no")
		}
		if err := s.CloseHelpRequest(ctx, anna, r.ID, "Mijn zoon helpt nu."); err != nil {
			t.Fatal(err)
		}
		if err := s.AnswerMatch(ctx, daan, m2, true); !errs.Is(err, errs.Conflict) {
			t.Fatalf("accepted a match of a closed request: %v", err)
		}
		if err := s.CloseHelpOffer(ctx, anna, o2.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("closed another's offer: %v", err)
		}
	})
}

func TestHelpViaCoordinatorIsNeverPublic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		setup(t, s)
		anna := wishResident(t, s, "GM0119", "WK011901", "Anna")
		bram := wishResident(t, s, "GM0119", "WK011901", "Bram")
		coord := wishCoordinator(t, s, "GM0119", "WK011901")
		if err := s.SetCoordinatorWijken(ctx, coord.P.UserID, "GM0119", coord.P.Wijken); err != nil {
			t.Fatal(err)
		}
		other := wishCoordinator(t, s, "GM0119", "WK011902")
		r := helpRequest(t, s, anna, true)
		o := helpOffer(t, s, bram, "WK011901")
		if !slices.Contains(mailKinds(t, s, coord.P.UserID), "voorelkaar-coordinator") {
			t.Error("the coordinator heard nothing")
		}
		reqs, _, _ := s.PublicHelp(ctx, "GM0119", "WK011901")
		if len(reqs) != 0 {
			t.Fatal("a request via the coordinator is public")
		}
		if _, err := s.HelpRequest(ctx, bram, r.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a volunteer read it: %v", err)
		}
		if _, err := s.HelpRequest(ctx, nil, r.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("anyone read it: %v", err)
		}
		if ov, _ := s.HelpOffer(ctx, bram, o.ID); len(ov.Suggestions) != 0 {
			t.Fatal("suggested to a volunteer")
		}
		if _, err := s.ProposeMatch(ctx, bram, r.ID, o.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a volunteer proposed: %v", err)
		}
		if _, err := s.ProposeMatch(ctx, anna, r.ID, o.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("the requester went past the coordinator: %v", err)
		}
		if rv, err := s.HelpRequest(ctx, anna, r.ID); err != nil || len(rv.Suggestions) != 0 {
			t.Fatalf("the requester sees volunteers for a request via the coordinator: %+v %v", rv.Suggestions, err)
		}
		if _, err := s.HelpCoordination(ctx, other, "GM0119", "WK011901"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("another wijk's coordinator: %v", err)
		}
		if _, err := s.ProposeMatch(ctx, other.P, r.ID, o.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("another wijk's coordinator matched: %v", err)
		}
		c, err := s.HelpCoordination(ctx, coord, "GM0119", "WK011901")
		if err != nil || len(c.Requests) != 1 || len(c.Requests[0].Suggestions) != 1 || c.Requests[0].Request.Contact == "" {
			t.Fatalf("coordination %+v %v", c, err)
		}
		mid, err := s.ProposeMatch(ctx, coord.P, r.ID, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		theirs, _ := s.HelpOf(ctx, bram)
		if len(theirs.Matches) != 1 || !theirs.Matches[0].MayAnswer() {
			t.Fatalf("bram: %+v", theirs.Matches)
		}
		noneOf(t, "bram before accepting", mustJSON(t, theirs), anna.Email, "06-11112222")
		if err := s.AnswerMatch(ctx, anna, mid, true); err != nil {
			t.Fatal(err)
		}
		if err := s.AnswerMatch(ctx, bram, mid, true); err != nil {
			t.Fatal(err)
		}
		theirs, _ = s.HelpOf(ctx, bram)
		if c := theirs.Matches[0].Contact; c == nil || c.Email != anna.Email {
			t.Fatalf("bram after both accepted: %+v", c)
		}
	})
}

func TestPrescriptionKeepsTheCaseFromTheVolunteer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := zrmSetup(t, s)
		p, err := s.StartPlan(ctx, f.meppel, f.h.ID, people.Date{})
		if err != nil {
			t.Fatal(err)
		}
		g := &casework.Goal{Domein: "sociaal_netwerk", DoelNiveau: 4, Streefdatum: f.today.AddDays(90), Tekst: "Mevrouw Jansen komt weer buiten na haar depressie", Actions: []casework.Action{{Tekst: "Wekelijks wandelen met een vrijwilliger", Wie: "vrijwilliger"}}}
		if p, err = s.AddGoal(ctx, f.meppel, f.h.ID, g); err != nil {
			t.Fatal(err)
		}
		action := p.Goals[0].Actions[0]
		coord := wishCoordinator(t, s, "GM0119", "WK011901")
		bram := wishResident(t, s, "GM0119", "WK011901", "Bram")
		o := helpOffer(t, s, bram, "WK011901")
		o.Categories = append(o.Categories, "wandelen")

		r := voorelkaar.Request{FirstName: "Anna", Category: "wandelen", Days: []string{"di"}, Parts: []string{"middag"}, Text: "Een vaste wandelmaatje op dinsdagmiddag", Contact: "Bel Anna: 0522-123456"}
		err = s.PrescribeHelp(ctx, f.meppel, f.h.ID, action.ID, &r, store.Consent{})
		if fe, ok := people.AsFieldErrors(err); !ok || fe.For("toestemming") == "" || fe.For("toestemming_datum") == "" {
			t.Fatalf("without consent: %v", err)
		}
		consent := store.Consent{Date: f.today, How: "mondeling"}
		if err := s.PrescribeHelp(ctx, f.haarlem, f.h.ID, action.ID, &r, consent); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another gemeente prescribed: %v", err)
		}
		if err := s.PrescribeHelp(ctx, f.meppel, f.h.ID, "nope", &r, consent); !errs.Is(err, errs.NotFound) {
			t.Fatalf("an unknown action: %v", err)
		}
		if err := s.PrescribeHelp(ctx, f.meppel, f.h.ID, action.ID, &r, consent); err != nil {
			t.Fatal(err)
		}
		if !r.ViaCoordinator || r.Wijk != "WK011901" || r.Origin != voorelkaar.OriginPrescription {
			t.Fatalf("request %+v", r)
		}
		if reqs, _, _ := s.PublicHelp(ctx, "GM0119", "WK011901"); len(reqs) != 0 {
			t.Fatal("a prescription is public")
		}
		ps, err := s.Prescriptions(ctx, f.meppel, f.h.ID)
		if err != nil || len(ps) != 1 || ps[0].Status != voorelkaar.Open || ps[0].ActionText != action.Tekst {
			t.Fatalf("prescriptions %+v %v", ps, err)
		}
		if _, err := s.Prescriptions(ctx, f.haarlem, f.h.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("haarlem read them: %v", err)
		}
		c, err := s.HelpCoordination(ctx, coord, "GM0119", "WK011901")
		if err != nil || len(c.Requests) != 1 || !c.Requests[0].Prescribed {
			t.Fatalf("coordination: %+v %v", c, err)
		}
		mid, err := s.ProposeMatch(ctx, coord.P, r.ID, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AnswerMatch(ctx, bram, mid, true); err != nil {
			t.Fatal(err)
		}
		theirs, err := s.HelpOf(ctx, bram)
		if err != nil || len(theirs.Matches) != 1 || theirs.Matches[0].Contact == nil || theirs.Matches[0].Contact.Phone != "Bel Anna: 0522-123456" {
			t.Fatalf("the volunteer after accepting: %+v %v", theirs.Matches, err)
		}
		// The volunteer never sees the case: not the household, the plan or the person.
		noneOf(t, "the volunteer's view", mustJSON(t, theirs), f.h.ID, "7941", "Jansen", f.mother.BSN, "depressie", action.Tekst, action.ID, p.ID, f.meppel.P.Email)
		ps, _ = s.Prescriptions(ctx, f.meppel, f.h.ID)
		if ps[0].Status != voorelkaar.Matched || ps[0].MatchedAt.IsZero() {
			t.Fatalf("the plan does not show the match: %+v", ps[0])
		}
		if err := s.MarkHelpDone(ctx, coord.P, r.ID); err != nil {
			t.Fatal(err)
		}
		ps, _ = s.Prescriptions(ctx, f.meppel, f.h.ID)
		if ps[0].Status != voorelkaar.Done {
			t.Fatalf("not done: %+v", ps[0])
		}
		writes, _ := store.StringsForTest(ctx, s, `SELECT action FROM audit_log WHERE record_type = ? AND record_id = ?`, store.RecHelpPrescription, r.ID)
		if !slices.Contains(writes, "aanmaken") || !slices.Contains(writes, "lezen") {
			t.Errorf("prescription audit: %v", writes)
		}
		st, _ := s.HelpStatsFor(ctx, "GM0119", "WK011901")
		if st.Prescribed != 1 || st.PrescribedMatched != 1 {
			t.Errorf("stats %+v", st)
		}

		// The regisseur withdraws a prescription the household no longer wants; no one else does.
		r2 := voorelkaar.Request{FirstName: "Anna", Category: "gezelschap", Days: []string{"wo"}, Parts: []string{"ochtend"}, Text: "Koffie op woensdagochtend"}
		if err := s.PrescribeHelp(ctx, f.meppel, f.h.ID, action.ID, &r2, consent); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseHelpRequest(ctx, f.haarlem.P, r2.ID, "Het huishouden wil het niet meer."); !errs.Is(err, errs.NotFound) {
			t.Fatalf("haarlem withdrew it: %v", err)
		}
		if err := s.CloseHelpRequest(ctx, bram, r2.ID, "Het huishouden wil het niet meer."); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a volunteer withdrew it: %v", err)
		}
		if err := s.CloseHelpRequest(ctx, f.meppel.P, r2.ID, "Het huishouden wil het niet meer."); err != nil {
			t.Fatal(err)
		}
		ws, _ := store.StringsForTest(ctx, s, `SELECT role FROM audit_log WHERE record_type = ? AND record_id = ? AND action = 'wijzigen'`, store.RecHelpPrescription, r2.ID)
		if len(ws) != 1 || ws[0] != "regisseur" {
			t.Errorf("withdrawal audit: %v", ws)
		}
		own := helpRequest(t, s, bram, false)
		if err := s.CloseHelpRequest(ctx, f.meppel.P, own.ID, "Een regisseur sluit dit."); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a regisseur closed a resident's request: %v", err)
		}
	})
}

func TestHelpReportsHideAndResidentLeaves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		setup(t, s)
		anna := wishResident(t, s, "GM0119", "WK011901", "Anna")
		bram := wishResident(t, s, "GM0119", "WK011901", "Bram")
		coord := wishCoordinator(t, s, "GM0119", "WK011901")
		other := wishCoordinator(t, s, "GM0119", "WK011902")
		r := helpRequest(t, s, anna, false)
		o := helpOffer(t, s, bram, "WK011901")
		if err := s.ReportHelp(ctx, anna, "aanbod", o.ID, "Dit lijkt reclame voor een bedrijf."); err != nil {
			t.Fatal(err)
		}
		c, err := s.HelpCoordination(ctx, coord, "GM0119", "WK011901")
		if err != nil || len(c.Reports) != 1 || c.Reports[0].TargetID != o.ID {
			t.Fatalf("reports %+v %v", c.Reports, err)
		}
		if err := s.HideHelp(ctx, other, "aanbod", o.ID, "Reclame is niet toegestaan."); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("another wijk's coordinator hid: %v", err)
		}
		if err := s.HideHelp(ctx, coord, "aanbod", o.ID, "Reclame is niet toegestaan."); err != nil {
			t.Fatal(err)
		}
		if _, offers, _ := s.PublicHelp(ctx, "GM0119", "WK011901"); len(offers) != 0 {
			t.Fatal("a hidden offer is listed")
		}
		if c, _ = s.HelpCoordination(ctx, coord, "GM0119", "WK011901"); len(c.Reports) != 0 {
			t.Fatal("the report stays open")
		}

		exp, err := s.ExportResident(ctx, anna.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if js := mustJSON(t, exp.Parts["voor_elkaar"]); !strings.Contains(js, r.ID) || !strings.Contains(js, "reclame") {
			t.Fatalf("export: %s", js)
		}
		if err := s.DeleteResident(ctx, anna.UserID); err != nil {
			t.Fatal(err)
		}
		left, _ := store.StringsForTest(ctx, s, `SELECT status || '|' || body || '|' || contact || '|' || first_name FROM help_requests WHERE id = ?`, r.ID)
		if len(left) != 1 || left[0] != "closed|||Een oud-bewoner" {
			t.Fatalf("after leaving: %v", left)
		}
		if err := s.DeleteResident(ctx, bram.UserID); err != nil {
			t.Fatal(err)
		}
		if n, _ := store.StringsForTest(ctx, s, `SELECT id FROM help_offers WHERE id = ?`, o.ID); len(n) != 0 {
			t.Fatal("the offer stays after its author left")
		}
	})
}

// BenchmarkHelpRequestMatched is one request's way to a match: posted,
// proposed by a volunteer, accepted by the requester (three transactions,
// three mails queued, the audit records).
func BenchmarkHelpRequestMatched(b *testing.B) {
	run := func(b *testing.B, s *store.Store) {
		anna := storetest.Resident(b, s, "WK011901", "Anna")
		bram := storetest.Resident(b, s, "WK011901", "Bram")
		t0 := time.Now().Add(-time.Duration(b.N+1) * 3 * time.Hour)
		o := voorelkaar.Offer{Categories: []voorelkaar.Category{"boodschappen"}, Days: []string{"ma"}, Parts: []string{"ochtend"}, Wijken: []string{"WK011901"}, Text: "Ik help graag mee"}
		if err := s.At(t0).CreateHelpOffer(ctx, bram, &o); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			at := s.At(t0.Add(time.Duration(i+1) * 3 * time.Hour)) // under the posting limit
			r := voorelkaar.Request{Category: "boodschappen", Days: []string{"ma"}, Parts: []string{"ochtend"}, Text: "Boodschappen op maandag graag"}
			if err := at.CreateHelpRequest(ctx, anna, &r); err != nil {
				b.Fatal(err)
			}
			m, err := at.ProposeMatch(ctx, bram, r.ID, o.ID)
			if err != nil {
				b.Fatal(err)
			}
			if err := at.AnswerMatch(ctx, anna, m, true); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("sqlite", func(b *testing.B) { run(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { run(b, storetest.Postgres(b)) })
}

// BenchmarkHelpOfferSuggestions reads a volunteer's offer page data with
// 600 open requests in the wijk (200 of them fitting), ranked.
func BenchmarkHelpOfferSuggestions(b *testing.B) {
	run := func(b *testing.B, s *store.Store) {
		bram := storetest.Resident(b, s, "WK011901", "Bram")
		var askers []*auth.Principal
		for i := 0; i < 60; i++ {
			askers = append(askers, storetest.Resident(b, s, "WK011901", ""))
		}
		cats := []voorelkaar.Category{"boodschappen", "klusjes", "tuin"}
		for i := 0; i < 600; i++ {
			r := voorelkaar.Request{Category: cats[i%3], Days: []string{voorelkaar.Days[i%7]}, Parts: []string{"ochtend"}, Text: "Een hulpvraag voor de benchmark"}
			if err := s.CreateHelpRequest(ctx, askers[i/10], &r); err != nil {
				b.Fatal(err)
			}
		}
		o := voorelkaar.Offer{Categories: []voorelkaar.Category{"boodschappen"}, Days: voorelkaar.Days, Parts: []string{"ochtend"}, Wijken: []string{"WK011901"}, Text: "Ik help graag mee"}
		if err := s.CreateHelpOffer(ctx, bram, &o); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			v, err := s.HelpOffer(ctx, bram, o.ID)
			if err != nil || len(v.Suggestions) != 200 {
				b.Fatalf("%d suggestions, %v", len(v.Suggestions), err)
			}
		}
	}
	b.Run("sqlite", func(b *testing.B) { run(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { run(b, storetest.Postgres(b)) })
}

// A resident posting on behalf of an organisation: others see the
// organisation's name where they would see a first name, the first name
// and contact only once both accepted; a request via the coordinator stays
// unlisted; the monitor counts them; the download holds the name.
func TestHelpOnBehalfOfAnOrganisation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		setup(t, s)
		anna := wishResident(t, s, "GM0119", "WK011901", "Anna de Boer")
		bram := wishResident(t, s, "GM0119", "WK011901", "Bram Bakker")
		cees := wishResident(t, s, "GM0119", "WK011901", "Cees")

		bad := voorelkaar.Request{Organisation: "Voedselbank\nMeppel", Category: "vervoer", Days: []string{"ma"}, Parts: []string{"ochtend"}, Text: "Wie rijdt op maandag voor ons?"}
		err := s.CreateHelpRequest(ctx, anna, &bad)
		if fe, ok := people.AsFieldErrors(err); !ok || !strings.Contains(fe.For("organisatie"), "organisatie") {
			t.Fatalf("a bad organisation name: %v", err)
		}
		badOffer := voorelkaar.Offer{Organisation: "X", Categories: []voorelkaar.Category{"formulieren"}, Days: []string{"ma"}, Parts: []string{"ochtend"}, Wijken: []string{"WK011901"}, Text: "Wij helpen met formulieren."}
		if err := s.CreateHelpOffer(ctx, bram, &badOffer); err == nil {
			t.Fatal("an organisation name of one letter was saved")
		}
		if n, _ := store.StringsForTest(ctx, s, `SELECT id FROM help_requests UNION ALL SELECT id FROM help_offers`); len(n) != 0 {
			t.Fatalf("half-saved: %v", n)
		}

		r := voorelkaar.Request{Organisation: "  Voedselbank Meppel ", Category: "boodschappen", Days: []string{"ma", "wo"}, Parts: []string{"ochtend"},
			Text: "Wij zoeken chauffeurs om pakketten rond te brengen.", Contact: "0522-000111"}
		if err := s.CreateHelpRequest(ctx, anna, &r); err != nil {
			t.Fatal(err)
		}
		if r.Organisation != "Voedselbank Meppel" || r.FirstName != "Anna" {
			t.Fatalf("request %q %q", r.Organisation, r.FirstName)
		}
		o := voorelkaar.Offer{Organisation: "Buurthuis De Linde", Categories: []voorelkaar.Category{"boodschappen", "formulieren"}, Days: []string{"ma"}, Parts: []string{"ochtend"},
			Wijken: []string{"WK011901"}, Text: "Onze vrijwilligers helpen met boodschappen en formulieren.", Contact: "0522-333444"}
		if err := s.CreateHelpOffer(ctx, bram, &o); err != nil {
			t.Fatal(err)
		}
		via := voorelkaar.Request{Organisation: "Humanitas", Category: "gezelschap", Days: []string{"di"}, Parts: []string{"middag"},
			Text: "Voor een deelnemer die weinig mensen ziet.", ViaCoordinator: true}
		if err := s.CreateHelpRequest(ctx, cees, &via); err != nil {
			t.Fatal(err)
		}
		own := helpRequest(t, s, cees, false) // a resident's own, for the counts

		secrets := []string{"Anna", "Bram", anna.Email, bram.Email, "0522-000111", "0522-333444", anna.UserID, bram.UserID}
		reqs, offers, err := s.PublicHelp(ctx, "GM0119", "WK011901")
		if err != nil || len(reqs) != 2 || len(offers) != 1 {
			t.Fatalf("public: %d %d %v", len(reqs), len(offers), err)
		}
		for _, x := range reqs {
			if x.ID == via.ID {
				t.Fatal("an organisation's request via the coordinator is listed")
			}
			if x.ID == r.ID && (x.Name() != "Voedselbank Meppel" || x.FirstName != "") {
				t.Fatalf("the public request shows %q / %q", x.Name(), x.FirstName)
			}
		}
		if offers[0].Name() != "Buurthuis De Linde" || offers[0].FirstName != "" {
			t.Fatalf("the public offer shows %q / %q", offers[0].Name(), offers[0].FirstName)
		}
		noneOf(t, "the public list", mustJSON(t, []any{reqs, offers}), secrets...)
		if _, err := s.HelpRequest(ctx, bram, via.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a volunteer reads the organisation's request via the coordinator: %v", err)
		}
		pv, err := s.HelpOffer(ctx, cees, o.ID)
		if err != nil || pv.Offer.Name() != "Buurthuis De Linde" {
			t.Fatalf("the offer for anyone: %+v %v", pv.Offer, err)
		}
		noneOf(t, "the offer for anyone", mustJSON(t, pv), secrets...)

		ov, err := s.HelpOffer(ctx, bram, o.ID)
		if err != nil || len(ov.Suggestions) != 2 {
			t.Fatalf("suggestions for the offer: %+v %v", ov.Suggestions, err)
		}
		noneOf(t, "bram's suggestions", mustJSON(t, ov.Suggestions), "Anna", anna.Email, "0522-000111")
		rv, err := s.HelpRequest(ctx, anna, r.ID)
		if err != nil || len(rv.Suggestions) != 1 || rv.Suggestions[0].Offer.Name() != "Buurthuis De Linde" {
			t.Fatalf("suggestions for the request: %+v %v", rv.Suggestions, err)
		}
		noneOf(t, "anna's suggestions", mustJSON(t, rv.Suggestions), "Bram", bram.Email, "0522-333444")

		mid, err := s.ProposeMatch(ctx, bram, r.ID, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		mine, err := s.HelpOf(ctx, anna)
		if err != nil || len(mine.Matches) != 1 || mine.Matches[0].Offer.Name() != "Buurthuis De Linde" || mine.Matches[0].Contact != nil {
			t.Fatalf("anna's match before accepting: %+v %v", mine.Matches, err)
		}
		noneOf(t, "anna's matches before accepting", mustJSON(t, mine.Matches), "Bram", bram.Email, "0522-333444")
		theirs, _ := s.HelpOf(ctx, bram)
		if len(theirs.Matches) != 1 || theirs.Matches[0].Request.Name() != "Voedselbank Meppel" {
			t.Fatalf("bram's match: %+v", theirs.Matches)
		}
		noneOf(t, "bram's matches before accepting", mustJSON(t, theirs.Matches), "Anna", anna.Email, "0522-000111")

		if err := s.AnswerMatch(ctx, anna, mid, true); err != nil {
			t.Fatal(err)
		}
		mine, _ = s.HelpOf(ctx, anna)
		if c := mine.Matches[0].Contact; c == nil || c.FirstName != "Bram" || c.Organisation != "Buurthuis De Linde" || c.Email != bram.Email || c.Phone != "0522-333444" {
			t.Fatalf("anna sees %+v", c)
		}
		theirs, _ = s.HelpOf(ctx, bram)
		if c := theirs.Matches[0].Contact; c == nil || c.FirstName != "Anna" || c.Organisation != "Voedselbank Meppel" || c.Email != anna.Email {
			t.Fatalf("bram sees %+v", c)
		}

		st, err := s.HelpStatsFor(ctx, "GM0119", "WK011901")
		if err != nil || st.Requests != 3 || st.OrgRequests != 2 || st.Offers != 1 || st.OrgOffers != 1 {
			t.Fatalf("stats %+v %v", st, err)
		}
		if err := s.HideHelp(ctx, wishCoordinator(t, s, "GM0119", "WK011901"), "vraag", own.ID, "Dubbel geplaatst, zie de andere."); err != nil {
			t.Fatal(err)
		}
		if st, _ = s.HelpStatsFor(ctx, "GM0119", "WK011901"); st.Requests != 2 || st.OrgRequests != 2 {
			t.Fatalf("stats after hiding a resident's own request: %+v", st)
		}

		exp, err := s.ExportResident(ctx, anna.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if js := mustJSON(t, exp.Parts["voor_elkaar"]); !strings.Contains(js, `"organisatie":"Voedselbank Meppel"`) {
			t.Fatalf("anna's download: %s", js)
		}
		exp, _ = s.ExportResident(ctx, bram.UserID)
		if js := mustJSON(t, exp.Parts["voor_elkaar"]); !strings.Contains(js, `"organisatie":"Buurthuis De Linde"`) {
			t.Fatalf("bram's download: %s", js)
		}
		if err := s.DeleteResident(ctx, anna.UserID); err != nil {
			t.Fatal(err)
		}
		left, _ := store.StringsForTest(ctx, s, `SELECT organisation || '|' || first_name || '|' || body FROM help_requests WHERE id = ?`, r.ID)
		if len(left) != 1 || left[0] != "Een organisatie|Een oud-bewoner|" {
			t.Fatalf("after leaving: %v", left)
		}
		if st, _ = s.HelpStatsFor(ctx, "GM0119", "WK011901"); st.OrgRequests != 2 {
			t.Fatalf("the count changed when the author left: %+v", st)
		}
	})
}

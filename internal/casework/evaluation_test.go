package casework

import (
	"testing"

	"naober.nl/naober/internal/people"
)

func TestValidateEvaluation(t *testing.T) {
	today := people.MustDate("2026-09-01")
	agreed := Plan{Status: PlanCurrent, Datum: people.MustDate("2026-03-01"), Akkoord: &Agreement{Datum: people.MustDate("2026-03-02"), Wijze: "gesprek"},
		Goals: []Goal{{ID: "g1", Tekst: "Huur op tijd betalen", Status: GoalOpen}, {ID: "g2", Tekst: "Weer naar de sportclub", Status: GoalReached}}}
	ok := Evaluation{Soort: EvalReview, Datum: today, Tevredenheid: 8, Gezegd: " Het gaat beter ", Doelen: map[string]string{"g1": GoalOpen}}
	if err := ValidateEvaluation(&ok, agreed, today); err != nil || ok.Gezegd != "Het gaat beter" {
		t.Fatalf("valid evaluation refused: %v", err)
	}
	closing := Evaluation{Soort: EvalClose, Datum: today, Tevredenheid: 10, Doelen: map[string]string{"g1": GoalNotReached}}
	if err := ValidateEvaluation(&closing, agreed, today); err != nil {
		t.Fatalf("valid closing refused: %v", err)
	}
	draft := agreed
	draft.Akkoord = nil
	cases := []struct {
		name  string
		ev    Evaluation
		p     Plan
		field string
	}{
		{"satisfaction 11", Evaluation{Soort: EvalReview, Datum: today, Tevredenheid: 11}, agreed, "tevredenheid"},
		{"satisfaction 0", Evaluation{Soort: EvalReview, Datum: today, Tevredenheid: 0}, agreed, "tevredenheid"},
		{"unknown kind", Evaluation{Soort: "praatje", Datum: today, Tevredenheid: 7}, agreed, "soort"},
		{"review of a draft", Evaluation{Soort: EvalReview, Datum: today, Tevredenheid: 7}, draft, "soort"},
		{"future", Evaluation{Soort: EvalReview, Datum: today.AddDays(1), Tevredenheid: 7}, agreed, "datum"},
		{"before plan", Evaluation{Soort: EvalReview, Datum: people.MustDate("2026-02-01"), Tevredenheid: 7}, agreed, "datum"},
		{"unknown goal", Evaluation{Soort: EvalReview, Datum: today, Tevredenheid: 7, Doelen: map[string]string{"gX": GoalReached}}, agreed, "doelen.gX"},
		{"bad goal status", Evaluation{Soort: EvalReview, Datum: today, Tevredenheid: 7, Doelen: map[string]string{"g1": "half"}}, agreed, "doelen.g1"},
		{"close with open goal", Evaluation{Soort: EvalClose, Datum: today, Tevredenheid: 7}, agreed, "doelen.g1"},
		{"close reopening a goal", Evaluation{Soort: EvalClose, Datum: today, Tevredenheid: 7, Doelen: map[string]string{"g1": GoalReached, "g2": GoalOpen}}, agreed, "doelen.g2"},
	}
	for _, c := range cases {
		fe, ok := people.AsFieldErrors(ValidateEvaluation(&c.ev, c.p, today))
		if !ok || fe.For(c.field) == "" {
			t.Errorf("%s: want error on %s, got %v", c.name, c.field, fe)
		}
	}
	// A draft plan may be closed (the household stopped before agreeing).
	closeDraft := Evaluation{Soort: EvalClose, Datum: today, Tevredenheid: 5, Doelen: map[string]string{"g1": GoalNotReached}}
	if err := ValidateEvaluation(&closeDraft, draft, today); err != nil {
		t.Errorf("closing a draft: %v", err)
	}
}

package demo

import (
	"context"
	"fmt"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
)

func TestFund(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	steps := []Step{AreasStep{}, UsersStep{}, ResidentsStep{}, FundStep{}}
	w, st, _ := generate(t, Config{Seed: 3, Households: 40}, steps...)
	summary := func(st *store.Store) (string, map[participation.AppStatus]int, map[string]bool) {
		t.Helper()
		u, err := st.UserByEmail(ctx, LoginEmail(w.Gemeente.Naam, "beleid"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.Principal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		a := store.Actor{P: p}
		fs, err := st.ManagedFunds(ctx, p)
		if err != nil || len(fs) != 2 {
			t.Fatalf("funds: %d %v", len(fs), err)
		}
		out := ""
		states := map[participation.AppStatus]int{}
		wijken := map[string]bool{}
		for _, f := range fs {
			if f.Granted > f.Budget {
				t.Fatalf("fund %s overdrawn", f.Name)
			}
			out += fmt.Sprintf("%s %s %d;", f.ID, f.Name, f.Granted)
			xs, err := st.FundApplications(ctx, a, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range xs {
				states[x.Status]++
				wijken[x.Wijk] = true
				out += fmt.Sprintf(" %s=%s/%d/%d/%d", x.ID, x.Status, x.GrantedCents, x.Paid(), len(x.APKs))
				if x.Status == participation.AppAfgewezen && x.Reason == "" {
					t.Errorf("%q rejected without a reason", x.Title)
				}
				if x.Paid() > x.GrantedCents {
					t.Errorf("%q: paid %s of %s", x.Title, x.Paid(), x.GrantedCents)
				}
			}
		}
		return out, states, wijken
	}
	first, states, wijken := summary(st)
	// Every state: concepts are the resident's own, so count them apart.
	for _, s := range []participation.AppStatus{participation.AppIngediend, participation.AppBeoordeeld, participation.AppToegekend,
		participation.AppAfgewezen, participation.AppAfgesloten} {
		if states[s] == 0 {
			t.Errorf("no application %s: %v", s, states)
		}
	}
	if len(wijken) < 3 {
		t.Errorf("applications in %d wijken", len(wijken))
	}
	concepts := 0
	for _, r := range w.Residents {
		p, _ := st.Principal(ctx, r.UserID)
		xs, err := st.MyApplications(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range xs {
			if x.Status == participation.AppConcept {
				concepts++
			}
		}
		if r.UserID == w.Residents[0].UserID && len(xs) != 0 {
			t.Errorf("the first demo resident (the visitor) has %d applications", len(xs))
		}
	}
	if concepts != 1 {
		t.Errorf("%d concepts", concepts)
	}
	// A granted initiative with its first tranche paid and the APK done; a
	// closed one on the wijk page with its result; an overdue APK reminded.
	pub, err := st.PublicInitiatives(ctx, w.Residents[2].Wijk)
	if err != nil || len(pub) == 0 || pub[len(pub)-1].Result == "" {
		t.Fatalf("wijk page initiatives: %+v %v", pub, err)
	}
	ob := auth.Grant{Gemeente: w.Gemeente.Code, Role: auth.Beheer}
	bu, _ := st.UserByEmail(ctx, LoginEmail(w.Gemeente.Naam, "beheer"))
	mails, err := st.Outbox(ctx, store.Actor{P: &auth.Principal{UserID: bu.ID, Grants: []auth.Grant{ob}}}, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	reminders := 0
	for _, m := range mails {
		if m.Kind == "fonds-apk-herinnering" {
			reminders++
		}
	}
	if reminders == 0 {
		t.Error("no APK reminder for the overdue APK")
	}
	// The same seed gives the same funds, ids and states.
	_, st2, _ := generate(t, Config{Seed: 3, Households: 40}, steps...)
	if again, _, _ := summary(st2); again != first {
		t.Fatalf("not repeatable:\n%s\n%s", first, again)
	}
}

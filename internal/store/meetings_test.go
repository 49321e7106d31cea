package store_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"naober.nl/naober/internal/audit"
	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/errs"
	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/people"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// meetNow is the tests' clock: Tuesday 1 December 2026, 10:00 in Meppel.
var meetNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

type meetFixture struct {
	s                 *store.Store // clock at meetNow
	coord, coordOther store.Actor  // wijkcoordinators of WK011901 and WK011902 (Meppel)
	beleid            store.Actor  // beleid Meppel
	beleidHaarlem     store.Actor
	regisseurHaarlem  store.Actor
}

func meetSetup(t *testing.T, s *store.Store) meetFixture {
	t.Helper()
	for _, tn := range []store.Tenant{{"GM0119", "Meppel"}, {"GM0392", "Haarlem"}} {
		if err := s.EnsureTenant(ctx, tn.Gemeente, tn.Naam); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(email, gm string, role auth.Role, wijken ...string) store.Actor {
		u := &store.User{Email: email, Name: strings.Split(email, "@")[0], PasswordHash: "x", Grants: []auth.Grant{{Gemeente: gm, Role: role}}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if len(wijken) > 0 {
			if err := s.SetCoordinatorWijken(ctx, u.ID, gm, wijken); err != nil {
				t.Fatal(err)
			}
		}
		return store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants, Wijken: wijken}}
	}
	return meetFixture{s: s.At(meetNow),
		coord:         mk("coord@meppel.nl", "GM0119", auth.Wijkcoordinator, "WK011901"),
		coordOther:    mk("coord2@meppel.nl", "GM0119", auth.Wijkcoordinator, "WK011902"),
		beleid:        mk("beleid@meppel.nl", "GM0119", auth.Beleid),
		beleidHaarlem: mk("beleid@haarlem.nl", "GM0392", auth.Beleid), regisseurHaarlem: mk("r@haarlem.nl", "GM0392", auth.Regisseur)}
}

// wijkMeeting plans a meeting in WK011901 a week after meetNow.
func (f meetFixture) wijkMeeting(t *testing.T, capacity int) participation.Meeting {
	t.Helper()
	start := meetNow.AddDate(0, 0, 7).Add(9 * time.Hour) // 19:00 in Meppel
	m := participation.Meeting{Kind: participation.MeetingWijk, Wijk: "WK011901", Title: "Wijkavond Oost", Description: "Over het park.",
		Start: start, End: start.Add(2 * time.Hour), Place: "Buurthuis, Hoofdstraat 1", Agenda: []string{"Opening", "Het park", "Rondvraag"}, Capacity: capacity}
	if err := f.s.CreateMeeting(ctx, f.coord, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func outboxKinds(t *testing.T, s *store.Store, userID string) []string {
	t.Helper()
	k, err := store.StringsForTest(ctx, s, "SELECT kind FROM outbox WHERE user_id = ? ORDER BY created_at, id", userID)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustReg(t *testing.T, s *store.Store, p *auth.Principal, id string, want participation.RegistrationState, pos int) {
	t.Helper()
	reg, err := s.Register(ctx, p, id)
	if err != nil {
		t.Fatal(err)
	}
	if reg.State != want || reg.Position != pos {
		t.Fatalf("%s: %s at %d, want %s at %d", p.Resident.DisplayName, reg.State, reg.Position, want, pos)
	}
}

func TestMeetingWaitingListMovesUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := meetSetup(t, s)
		st := f.s
		m := f.wijkMeeting(t, 2)
		var rs []*auth.Principal
		for i := 0; i < 4; i++ {
			rs = append(rs, storetest.Resident(t, s, "WK011901", fmt.Sprintf("Bewoner %d", i)))
		}
		mustReg(t, st, rs[0], m.ID, participation.RegAangemeld, 0)
		mustReg(t, st, rs[1], m.ID, participation.RegAangemeld, 0)
		mustReg(t, st, rs[2], m.ID, participation.RegWachtlijst, 1)
		mustReg(t, st, rs[3], m.ID, participation.RegWachtlijst, 2)
		// Twice is once.
		mustReg(t, st, rs[0], m.ID, participation.RegAangemeld, 0)
		// A resident of another wijk of the gemeente may come too (documented);
		// this one waits third.
		other := storetest.Resident(t, s, "WK011902", "Buurvrouw")
		mustReg(t, st, other, m.ID, participation.RegWachtlijst, 3)
		// Not: a resident of another gemeente, a professional, an unverified resident.
		haarlem := storetest.Resident(t, s, "WK039201", "Haarlemmer")
		if _, err := st.Register(ctx, haarlem, m.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("resident of another gemeente: %v", err)
		}
		if _, err := st.Register(ctx, f.beleid.P, m.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("professional for a wijk meeting: %v", err)
		}
		unv := storetest.Resident(t, s, "WK011901", "Nog niet bevestigd")
		if err := store.ExecForTest(ctx, s, "UPDATE residents SET verified_at = NULL WHERE user_id = ?", unv.UserID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Register(ctx, unv, m.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("unverified: %v", err)
		}

		// The first registered cancels: the first waiting moves up and hears it.
		if err := st.CancelRegistration(ctx, rs[0], m.ID, "https://naober.test"); err != nil {
			t.Fatal(err)
		}
		if reg, ok, _ := st.MyRegistration(ctx, rs[2], m.ID); !ok || reg.State != participation.RegAangemeld || reg.MovedUpAt.IsZero() {
			t.Fatalf("first waiting: %+v %v", reg, ok)
		}
		if k := outboxKinds(t, s, rs[2].UserID); len(k) == 0 || k[len(k)-1] != "bijeenkomst-plaats" {
			t.Fatalf("moved-up mail: %v", k)
		}
		body, _ := store.StringsForTest(ctx, s, "SELECT body FROM outbox WHERE user_id = ? AND kind = 'bijeenkomst-plaats'", rs[2].UserID)
		if len(body) != 1 || !strings.Contains(body[0], "https://naober.test/bijeenkomsten/"+m.ID) {
			t.Fatalf("mail body: %v", body)
		}
		if reg, _, _ := st.MyRegistration(ctx, rs[3], m.ID); reg.Position != 1 {
			t.Fatalf("second waiting is now %d", reg.Position)
		}
		// A waiting person cancels: nobody moves up, nobody is mailed.
		if err := st.CancelRegistration(ctx, rs[3], m.ID, ""); err != nil {
			t.Fatal(err)
		}
		if k := outboxKinds(t, s, other.UserID); len(k) != 0 {
			t.Fatalf("mail without moving up: %v", k)
		}
		if err := st.CancelRegistration(ctx, rs[3], m.ID, ""); !errs.Is(err, errs.NotFound) {
			t.Fatalf("cancel twice: %v", err)
		}
		got, _ := st.Meeting(ctx, nil, m.ID)
		if got.Registered != 2 || got.Waiting != 1 || got.Left() != 0 {
			t.Fatalf("counts: %d registered, %d waiting", got.Registered, got.Waiting)
		}
		// Lowering the capacity below those registered is refused, naming the field.
		upd := got
		upd.Capacity = 1
		err := st.UpdateMeeting(ctx, f.coord, upd, "")
		if fe, ok := people.AsFieldErrors(err); !ok || fe.For("capaciteit") == "" {
			t.Fatalf("lower capacity: %v", err)
		}
		// Raising it moves the waiting list up.
		upd.Capacity = 3
		if err := st.UpdateMeeting(ctx, f.coord, upd, ""); err != nil {
			t.Fatal(err)
		}
		if reg, _, _ := st.MyRegistration(ctx, other, m.ID); reg.State != participation.RegAangemeld {
			t.Fatalf("after raising: %+v", reg)
		}
	})
}

func TestConcurrentRegistrationsKeepTheCapacity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := meetSetup(t, s)
		m := f.wijkMeeting(t, 5)
		var rs []*auth.Principal
		for i := 0; i < 24; i++ {
			rs = append(rs, storetest.Resident(t, s, "WK011901", ""))
		}
		var wg sync.WaitGroup
		errc := make(chan error, 2*len(rs))
		for i := 0; i < 2*len(rs); i++ { // everyone clicks twice
			wg.Add(1)
			go func(p *auth.Principal) {
				defer wg.Done()
				for {
					_, err := f.s.Register(ctx, p, m.ID)
					if errs.Is(err, errs.Unavailable) {
						continue // SQLite busy: the client tries again
					}
					errc <- err
					return
				}
			}(rs[i%len(rs)])
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.s.Meeting(ctx, nil, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Registered != 5 || got.Waiting != 19 {
			t.Fatalf("%d registered and %d waiting, want 5 and 19", got.Registered, got.Waiting)
		}
		seen := map[int]bool{}
		for _, p := range rs {
			reg, ok, err := f.s.MyRegistration(ctx, p, m.ID)
			if err != nil || !ok {
				t.Fatal(ok, err)
			}
			if reg.State == participation.RegWachtlijst {
				if reg.Position < 1 || reg.Position > 19 || seen[reg.Position] {
					t.Fatalf("waiting position %d twice or out of range", reg.Position)
				}
				seen[reg.Position] = true
			}
		}
		// Concurrent cancels of registered people: each place goes to exactly
		// one waiting person, in order.
		var registered []*auth.Principal
		for _, p := range rs {
			if reg, _, _ := f.s.MyRegistration(ctx, p, m.ID); reg.State == participation.RegAangemeld {
				registered = append(registered, p)
			}
		}
		var wg2 sync.WaitGroup
		for _, p := range registered[:3] {
			wg2.Add(1)
			go func(p *auth.Principal) {
				defer wg2.Done()
				for {
					err := f.s.CancelRegistration(ctx, p, m.ID, "")
					if errs.Is(err, errs.Unavailable) {
						continue
					}
					if err != nil {
						t.Error(err)
					}
					return
				}
			}(p)
		}
		wg2.Wait()
		got, _ = f.s.Meeting(ctx, nil, m.ID)
		if got.Registered != 5 || got.Waiting != 16 {
			t.Fatalf("after cancels: %d registered, %d waiting", got.Registered, got.Waiting)
		}
	})
}

func TestMeetingRemindersGoOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := meetSetup(t, s)
		m := f.wijkMeeting(t, 1) // Tuesday 8 December, 19:00
		a := storetest.Resident(t, s, "WK011901", "Anna")
		b := storetest.Resident(t, s, "WK011901", "Bart") // waits
		mustReg(t, f.s, a, m.ID, participation.RegAangemeld, 0)
		mustReg(t, f.s, b, m.ID, participation.RegWachtlijst, 1)
		for _, c := range []struct {
			at   time.Time
			want int
		}{
			{meetNow, 0}, // a week before
			{time.Date(2026, 12, 6, 22, 59, 0, 0, time.UTC), 0}, // Sunday 23:59 in Meppel
			{time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC), 1},   // Monday 8:00: the day before
			{time.Date(2026, 12, 7, 7, 1, 0, 0, time.UTC), 0},   // again: nothing
			{time.Date(2026, 12, 8, 17, 0, 0, 0, time.UTC), 0},
		} {
			n, err := s.At(c.at).SendMeetingReminders(ctx, "https://naober.test")
			if err != nil {
				t.Fatal(err)
			}
			if n != c.want {
				t.Fatalf("at %s: %d reminders, want %d", c.at, n, c.want)
			}
		}
		if k := outboxKinds(t, s, a.UserID); strings.Join(k, ",") != "bijeenkomst-herinnering" {
			t.Fatalf("registered got %v", k)
		}
		if k := outboxKinds(t, s, b.UserID); len(k) != 0 {
			t.Fatalf("waiting got %v", k)
		}
		// Moving the meeting a week on resets the reminder and tells both.
		got, _ := f.s.Meeting(ctx, nil, m.ID)
		got.Start, got.End = got.Start.AddDate(0, 0, 7), got.End.AddDate(0, 0, 7)
		if err := s.At(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)).UpdateMeeting(ctx, f.coord, got, ""); err != nil {
			t.Fatal(err)
		}
		if k := outboxKinds(t, s, b.UserID); strings.Join(k, ",") != "bijeenkomst-gewijzigd" {
			t.Fatalf("waiting after the change: %v", k)
		}
		if n, _ := s.At(time.Date(2026, 12, 14, 8, 0, 0, 0, time.UTC)).SendMeetingReminders(ctx, ""); n != 1 {
			t.Fatalf("reminder for the new date: %d", n)
		}
		// Several processes at once: still one each.
		c := storetest.Resident(t, s, "WK011901", "Cees")
		m2 := f.wijkMeeting(t, 0)
		mustReg(t, f.s, c, m2.ID, participation.RegAangemeld, 0)
		var wg sync.WaitGroup
		total := make(chan int, 6)
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := s.At(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)).SendMeetingReminders(ctx, "")
					if errs.Is(err, errs.Unavailable) {
						continue
					}
					if err != nil {
						t.Error(err)
					}
					total <- n
					return
				}
			}()
		}
		wg.Wait()
		close(total)
		sum := 0
		for n := range total {
			sum += n
		}
		if sum != 1 {
			t.Fatalf("%d reminders from concurrent rounds, want 1", sum)
		}
	})
}

func TestMeetingScopingAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := meetSetup(t, s)
		m := f.wijkMeeting(t, 0)
		r := storetest.Resident(t, s, "WK011901", "Els de Vries")
		mustReg(t, f.s, r, m.ID, participation.RegAangemeld, 0)
		upd, _ := f.s.Meeting(ctx, nil, m.ID)
		upd.Title = "Anders"
		// Only a coordinator of the wijk organises it: not one of another
		// wijk, not beleid, not another gemeente.
		for name, a := range map[string]store.Actor{"other wijk": f.coordOther, "beleid": f.beleid, "haarlem": f.beleidHaarlem, "resident": {P: r}} {
			if err := f.s.UpdateMeeting(ctx, a, upd, ""); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s updates: %v", name, err)
			}
			if err := f.s.CancelMeeting(ctx, a, m.ID, "Zomaar", ""); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s cancels: %v", name, err)
			}
			if _, err := f.s.Attendees(ctx, a, m.ID); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s reads the attendees: %v", name, err)
			}
		}
		bad := participation.Meeting{Kind: participation.MeetingWijk, Wijk: "WK011901", Title: "X", Start: meetNow.Add(time.Hour), End: meetNow.Add(2 * time.Hour), Place: "Hier"}
		if err := f.s.CreateMeeting(ctx, f.coordOther, &bad); !errs.Is(err, errs.Forbidden) {
			t.Errorf("coordinator of another wijk creates: %v", err)
		}
		// The organiser reads display names only, and the read is audited.
		att, err := f.s.Attendees(ctx, f.coord, m.ID)
		if err != nil || len(att) != 1 || att[0].Name != "Els de Vries" {
			t.Fatalf("%v %+v", err, att)
		}
		recs, err := s.SearchAudit(ctx, &auth.Principal{Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Beheer}}}, audit.Filter{RecordID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, rec := range recs {
			kinds[rec.RecordType+"/"+string(rec.Action)] = true
		}
		for _, k := range []string{"bijeenkomst/" + string(audit.Create), "bijeenkomst_aanmelding/" + string(audit.Create), "deelnemerslijst/" + string(audit.Read)} {
			if !kinds[k] {
				t.Errorf("no audit record %s in %v", k, kinds)
			}
		}

		// A network meeting of Meppel: beleid organises it, a coordinator
		// may not; professionals of any gemeente register; residents do not
		// even see it; beleid of Haarlem sees the meeting but not who comes.
		nw := participation.Meeting{Kind: participation.MeetingNetwerk, Gemeente: "GM0119", Title: "Netwerkcafé sociaal domein",
			Start: meetNow.AddDate(0, 0, 3), End: meetNow.AddDate(0, 0, 3).Add(2 * time.Hour), OnlineURL: "https://meet.example/cafe", Capacity: 1}
		coordNW := nw
		if err := f.s.CreateMeeting(ctx, f.coord, &coordNW); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("coordinator organises a network meeting: %v", err)
		}
		httpNW := nw
		httpNW.OnlineURL = "http://meet.example/cafe"
		if err := f.s.CreateMeeting(ctx, f.beleid, &httpNW); err == nil {
			t.Fatal("a plain http link was accepted")
		} else if fe, ok := people.AsFieldErrors(err); !ok || fe.For("link") == "" {
			t.Fatalf("http link: %v", err)
		}
		if err := f.s.CreateMeeting(ctx, f.beleid, &nw); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Meeting(ctx, r, nw.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("resident sees a network meeting: %v", err)
		}
		if _, err := f.s.Register(ctx, r, nw.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("resident registers for a network meeting: %v", err)
		}
		if reg, err := f.s.Register(ctx, f.regisseurHaarlem.P, nw.ID); err != nil || reg.State != participation.RegAangemeld {
			t.Fatalf("professional of Haarlem: %+v %v", reg, err)
		}
		if reg, err := f.s.Register(ctx, f.beleidHaarlem.P, nw.ID); err != nil || reg.State != participation.RegWachtlijst {
			t.Fatalf("second professional waits: %+v %v", reg, err)
		}
		if _, err := f.s.Meeting(ctx, f.beleidHaarlem.P, nw.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Attendees(ctx, f.beleidHaarlem, nw.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("Haarlem reads Meppel's attendees: %v", err)
		}
		if att, err := f.s.Attendees(ctx, f.beleid, nw.ID); err != nil || len(att) != 2 || att[1].Position != 1 {
			t.Fatalf("organiser: %+v %v", att, err)
		}
		if _, _, err := f.s.NetworkMeetings(ctx, r, meetNow); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("resident lists network meetings: %v", err)
		}
		if up, _, err := f.s.NetworkMeetings(ctx, f.regisseurHaarlem.P, meetNow); err != nil || len(up) != 1 {
			t.Fatalf("network list: %d %v", len(up), err)
		}
	})
}

func TestMeetingCancelReportExportDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := meetSetup(t, s)
		m := f.wijkMeeting(t, 1)
		a := storetest.Resident(t, s, "WK011901", "Anna")
		b := storetest.Resident(t, s, "WK011901", "Bart")
		mustReg(t, f.s, a, m.ID, participation.RegAangemeld, 0)
		mustReg(t, f.s, b, m.ID, participation.RegWachtlijst, 1)
		// The download holds the registration.
		exp, err := s.ExportResident(ctx, a.UserID)
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(exp.Parts["bijeenkomsten"])
		if !strings.Contains(string(js), m.ID) || !strings.Contains(string(js), "aangemeld") {
			t.Fatalf("export: %s", js)
		}
		// Deleting Anna's account moves Bart up, and he is told.
		if err := s.At(meetNow).DeleteResident(store.WithLinkBase(ctx, "https://naober.test"), a.UserID); err != nil {
			t.Fatal(err)
		}
		if body, _ := store.StringsForTest(ctx, s, "SELECT body FROM outbox WHERE user_id = ?", b.UserID); len(body) != 1 || !strings.Contains(body[0], "https://naober.test/bijeenkomsten/"+m.ID) {
			t.Fatalf("moved-up mail after a deletion: %q", body)
		}
		if reg, _, _ := f.s.MyRegistration(ctx, b, m.ID); reg.State != participation.RegAangemeld {
			t.Fatalf("after delete: %+v", reg)
		}
		if k := outboxKinds(t, s, b.UserID); strings.Join(k, ",") != "bijeenkomst-plaats" {
			t.Fatalf("moved-up mail: %v", k)
		}
		if n, _ := store.StringsForTest(ctx, s, "SELECT user_id FROM meeting_registrations WHERE user_id = ?", a.UserID); len(n) != 0 {
			t.Fatal("registration kept after delete")
		}
		// No report before the meeting began.
		if err := f.s.WriteReport(ctx, f.coord, m.ID, "Het was goed."); !errs.Is(err, errs.Conflict) {
			t.Fatalf("early report: %v", err)
		}
		// Cancel needs a reason; then everyone registered hears it.
		if err := f.s.CancelMeeting(ctx, f.coord, m.ID, " ", ""); err == nil {
			t.Fatal("cancelled without a reason")
		}
		if err := f.s.CancelMeeting(ctx, f.coord, m.ID, "De zaal is niet beschikbaar.", ""); err != nil {
			t.Fatal(err)
		}
		if k := outboxKinds(t, s, b.UserID); strings.Join(k, ",") != "bijeenkomst-plaats,bijeenkomst-afgelast" {
			t.Fatalf("cancel mail: %v", k)
		}
		c := storetest.Resident(t, s, "WK011901", "Cees")
		if _, err := f.s.Register(ctx, c, m.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("register for a cancelled meeting: %v", err)
		}
		// A report once a meeting began.
		m2 := f.wijkMeeting(t, 0)
		later := s.At(m2.Start.Add(time.Hour))
		if err := later.WriteReport(ctx, f.coord, m2.ID, "  "); err == nil {
			t.Fatal("empty report")
		}
		if err := later.WriteReport(ctx, f.coordOther, m2.ID, "Verslag"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("report by another wijk's coordinator: %v", err)
		}
		if err := later.WriteReport(ctx, f.coord, m2.ID, "Dertig bewoners; het park krijgt bankjes."); err != nil {
			t.Fatal(err)
		}
		got, _ := later.Meeting(ctx, nil, m2.ID)
		if got.Report == "" || got.StatusAt(m2.End.Add(time.Minute)) != participation.MeetingAfgelopen {
			t.Fatalf("%+v", got)
		}
		// The personal feed: only the hash is kept, and only registered meetings are in it.
		d := storetest.Resident(t, s, "WK011901", "Dirk")
		mustReg(t, f.s, d, m2.ID, participation.RegAangemeld, 0)
		tok, err := s.NewMeetingFeed(ctx, d.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := store.StringsForTest(ctx, s, "SELECT user_id FROM meeting_feeds WHERE token_hash = ?", tok); len(n) != 0 {
			t.Fatal("the plain token is stored")
		}
		feed, err := s.MeetingFeed(ctx, tok)
		if err != nil || len(feed) != 1 || feed[0].ID != m2.ID {
			t.Fatalf("%v %v", feed, err)
		}
		tok2, _ := s.NewMeetingFeed(ctx, d.UserID)
		if _, err := s.MeetingFeed(ctx, tok); !errs.Is(err, errs.NotFound) {
			t.Fatalf("old link still works: %v", err)
		}
		if _, err := s.MeetingFeed(ctx, tok2); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkMeetingRegisterCancel measures one registration and one
// cancellation that moves the first waiting person up (capacity 1, two
// people): the locked transaction every click on Aanmelden/Afmelden runs.
func BenchmarkMeetingRegisterCancel(b *testing.B) {
	run := func(b *testing.B, s *store.Store) {
		for _, tn := range []store.Tenant{{"GM0119", "Meppel"}} {
			if err := s.EnsureTenant(ctx, tn.Gemeente, tn.Naam); err != nil {
				b.Fatal(err)
			}
		}
		u := &store.User{Email: "coord@meppel.nl", PasswordHash: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Wijkcoordinator}}}
		if err := s.CreateUser(ctx, u); err != nil {
			b.Fatal(err)
		}
		coord := store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants, Wijken: []string{"WK011901"}}}
		start := time.Now().AddDate(0, 0, 30)
		m := participation.Meeting{Kind: participation.MeetingWijk, Wijk: "WK011901", Title: "Bench", Start: start, End: start.Add(time.Hour), Place: "Hier", Capacity: 1}
		if err := s.CreateMeeting(ctx, coord, &m); err != nil {
			b.Fatal(err)
		}
		first := storetest.Resident(b, s, "WK011901", "Eerste")
		second := storetest.Resident(b, s, "WK011901", "Tweede")
		if _, err := s.Register(ctx, first, m.ID); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			// second waits, first cancels (second moves up), first waits again, roles swap.
			if _, err := s.Register(ctx, second, m.ID); err != nil {
				b.Fatal(err)
			}
			if err := s.CancelRegistration(ctx, first, m.ID, ""); err != nil {
				b.Fatal(err)
			}
			first, second = second, first
		}
	}
	b.Run("sqlite", func(b *testing.B) { run(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { run(b, storetest.Postgres(b)) })
}

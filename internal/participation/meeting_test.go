package participation

import (
	"strings"
	"testing"
	"time"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/people"
)

func TestParseAgenda(t *testing.T) {
	got := ParseAgenda("1. Opening\r\n\n  2.  Het   park \n- Rondvraag\n10.30 uur koffie\n• Sluiting\n   \n")
	want := []string{"Opening", "Het park", "Rondvraag", "10.30 uur koffie", "Sluiting"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("%q", got)
	}
}

func TestMeetingValidate(t *testing.T) {
	start := time.Date(2026, 12, 8, 18, 30, 0, 0, time.UTC)
	ok := func() Meeting {
		return Meeting{Kind: MeetingWijk, Wijk: "WK011901", Title: " Wijk  avond ", Start: start, End: start.Add(time.Hour), Place: "Buurthuis"}
	}
	m := ok()
	if err := m.Validate(); err != nil || m.Title != "Wijk avond" {
		t.Fatalf("%v %q", err, m.Title)
	}
	for name, c := range map[string]struct {
		change func(*Meeting)
		field  string
	}{
		"no kind":          {func(m *Meeting) { m.Kind = "feest" }, "soort"},
		"wijk without":     {func(m *Meeting) { m.Wijk = "" }, "wijk"},
		"no title":         {func(m *Meeting) { m.Title = "  " }, "titel"},
		"end before start": {func(m *Meeting) { m.End = m.Start.Add(-time.Minute) }, "einde"},
		"too long":         {func(m *Meeting) { m.End = m.Start.Add(8 * 24 * time.Hour) }, "einde"},
		"nowhere":          {func(m *Meeting) { m.Place = "" }, "plaats"},
		"http link":        {func(m *Meeting) { m.OnlineURL = "http://meet.example/x" }, "link"},
		"javascript link":  {func(m *Meeting) { m.OnlineURL = "javascript:alert(1)" }, "link"},
		"link with user":   {func(m *Meeting) { m.OnlineURL = "https://a:b@meet.example/x" }, "link"},
		"capacity":         {func(m *Meeting) { m.Capacity = -1 }, "capaciteit"},
		"line break":       {func(m *Meeting) { m.OnlineURL = "https://meet.example/\nx" }, "link"},
		"bad utf-8":        {func(m *Meeting) { m.Description = "caf\xe9" }, "titel"},
		"agenda point":     {func(m *Meeting) { m.Agenda = []string{strings.Repeat("x", 201)} }, "agenda"},
	} {
		m := ok()
		c.change(&m)
		err := m.Validate()
		if fe, isFE := people.AsFieldErrors(err); !isFE || fe.For(c.field) == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	// An https link alone is enough.
	m = ok()
	m.Place, m.OnlineURL = "", "https://meet.example/cafe?id=1"
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestMeetingStatusAndPlaces(t *testing.T) {
	start := time.Date(2026, 12, 8, 18, 30, 0, 0, time.UTC)
	m := Meeting{Status: MeetingGepland, Start: start, End: start.Add(time.Hour), Capacity: 10, Registered: 12}
	if m.Left() != 0 || (Meeting{Capacity: 0}).Left() != -1 {
		t.Fatal("places left")
	}
	if !m.Open(start.Add(-time.Second)) || m.Open(start) {
		t.Fatal("open until the start")
	}
	if m.StatusAt(start) != MeetingGepland || m.StatusAt(start.Add(time.Hour)) != MeetingAfgelopen {
		t.Fatal("afgelopen at the end")
	}
	m.Status = MeetingAfgelast
	if m.StatusAt(start.Add(2*time.Hour)) != MeetingAfgelast || m.Open(start.Add(-time.Hour)) {
		t.Fatal("afgelast stays afgelast and closed")
	}
}

func TestMayOrganise(t *testing.T) {
	coord := &auth.Principal{Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Wijkcoordinator}}, Wijken: []string{"WK011901"}}
	beleid := &auth.Principal{Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Beleid}}}
	resident := &auth.Principal{Resident: &auth.Resident{Gemeente: "GM0119", Wijk: "WK011901", Verified: true}}
	for _, c := range []struct {
		p    *auth.Principal
		gm   string
		kind MeetingKind
		wijk string
		want bool
	}{
		{coord, "GM0119", MeetingWijk, "WK011901", true},
		{coord, "GM0119", MeetingWijk, "WK011902", false},
		{coord, "GM0119", MeetingNetwerk, "", false},
		{beleid, "GM0119", MeetingNetwerk, "", true},
		{beleid, "GM0119", MeetingWijk, "WK011901", false},
		{beleid, "GM0392", MeetingNetwerk, "", false},
		{resident, "GM0119", MeetingWijk, "WK011901", false},
		{nil, "GM0119", MeetingWijk, "WK011901", false},
	} {
		if got := MayOrganise(c.p, c.gm, c.kind, c.wijk); got != c.want {
			t.Errorf("%+v %s %s %s: %v", c.p, c.gm, c.kind, c.wijk, got)
		}
	}
	if IsProfessional(resident) || !IsProfessional(beleid) || IsProfessional(nil) {
		t.Fatal("IsProfessional")
	}
}

package istd

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"naober.nl/naober/internal/exchange"
)

// oneProblem reads in and wants exactly one problem containing msg.
func oneProblem(t *testing.T, in io.Reader, lim limits, msg string) {
	t.Helper()
	ps := lastProblem(t, in, lim, msg)
	if len(ps) != 1 {
		t.Fatalf("want one problem, got:\n%v", ps)
	}
}

// lastProblem wants reading to stop with a problem containing msg.
func lastProblem(t *testing.T, in io.Reader, lim limits, msg string) exchange.Problems {
	t.Helper()
	_, err := read("hostile.xml", in, lim)
	if err == nil {
		t.Fatal("read without problems")
	}
	ps := problemsOf(t, err)
	if p := ps[len(ps)-1]; !strings.Contains(p.Msg, msg) || p.File != "hostile.xml" {
		t.Fatalf("want last problem with %q, got:\n%v", msg, ps)
	}
	return ps
}

func TestHostile(t *testing.T) {
	ex := readFile(t, jw301)
	head := `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	cases := []struct {
		name string
		in   string
		msg  string
	}{
		{"billion laughs", head + `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Bericht>&lol3;</Bericht>`, "DOCTYPE"},
		{"external entity", head + `<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Bericht>&xxe;</Bericht>`, "DOCTYPE"},
		{"doctype inside", strings.Replace(string(ex), "<jw301:Header>", "<!DOCTYPE x><jw301:Header>", 1), "DOCTYPE"},
		{"undeclared entity", strings.Replace(string(ex), "Commentaar client", "&xxe;", 1), "geen geldige XML"},
		{"latin-1", `<?xml version="1.0" encoding="ISO-8859-1"?><Bericht/>`, `tekenset "ISO-8859-1"; een iJw/iWmo-bericht moet UTF-8 zijn`},
		{"windows-1252", `<?xml version="1.0" encoding="windows-1252"?><Bericht/>`, `tekenset "windows-1252"`},
		{"invalid utf-8", strings.Replace(string(ex), "Commentaar client", "Comment\xe9", 1), "geen geldige UTF-8"},
		{"utf-16", "\xff\xfe<\x00B\x00", "UTF-16"},
		{"truncated", string(ex[:len(ex)/2]), "het bestand is niet compleet: het houdt op in regel 106, in /Bericht/Client/Relaties/Relatie[2]/Contact/Adres/Huis"},
		{"truncated in tag", string(ex[:200]), "niet compleet"},
		{"empty", "", "leeg"},
		{"only whitespace", " \n\t", "leeg"},
		{"two messages", string(ex) + string(ex[bytes.Index(ex, []byte("<jw301:Bericht")):]), "één bestand bevat één bericht"},
		{"text after", string(ex) + "hallo", "na het bericht"},
		{"not xml", "dit is geen xml", "voor het bericht"},
		{"xml 1.1", `<?xml version="1.1"?><Bericht/>`, "geen geldige XML"},
		{"mismatched tags", head + `<jw302:Bericht xmlns:jw302="http://www.istandaarden.nl/ijw/3_2/jw302/schema"><b></c>`, "geen geldige XML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { oneProblem(t, strings.NewReader(c.in), defaultLimits, c.msg) })
	}
}

func TestLimits(t *testing.T) {
	ex := readFile(t, jw301)
	deep := strings.Repeat("<jw301:x>", 100)
	t.Run("depth", func(t *testing.T) {
		in := strings.Replace(string(ex), "<jw301:Client>", "<jw301:Client>"+deep, 1)
		lastProblem(t, strings.NewReader(in), defaultLimits, "meer dan 32 niveaus")
	})
	t.Run("depth in skipped subtree", func(t *testing.T) {
		in := `<jw302:Bericht xmlns:jw302="http://www.istandaarden.nl/ijw/3_2/jw302/schema">` + deep
		oneProblem(t, strings.NewReader(in), defaultLimits, "meer dan 32 niveaus")
	})
	t.Run("text", func(t *testing.T) {
		in := strings.Replace(string(ex), "Commentaar client", strings.Repeat("a", MaxText+1), 1)
		oneProblem(t, strings.NewReader(in), defaultLimits, "langer dan 4096 tekens")
	})
	t.Run("text in header-only message", func(t *testing.T) {
		in := `<jw302:Bericht xmlns:jw302="http://www.istandaarden.nl/ijw/3_2/jw302/schema"><jw302:x>` + strings.Repeat("a", MaxText+1)
		oneProblem(t, strings.NewReader(in), defaultLimits, "langer dan 4096 tekens")
	})
	t.Run("text in unknown element", func(t *testing.T) {
		in := strings.Replace(string(ex), "<jw301:Client>", "<jw301:Client><jw301:x>"+strings.Repeat("a", MaxText+1), 1)
		lastProblem(t, strings.NewReader(in), defaultLimits, "langer dan 4096 tekens")
	})
	t.Run("whitespace between elements", func(t *testing.T) {
		in := strings.Replace(string(ex), "<jw301:Client>", "<jw301:Client>"+strings.Repeat(" ", MaxText+1), 1)
		oneProblem(t, strings.NewReader(in), defaultLimits, "langer dan 4096 tekens")
	})
	t.Run("elements", func(t *testing.T) {
		lim := defaultLimits
		lim.elements = 1000
		in := `<jw302:Bericht xmlns:jw302="http://www.istandaarden.nl/ijw/3_2/jw302/schema">` + strings.Repeat("<jw302:x/>", 2000)
		oneProblem(t, strings.NewReader(in), lim, "meer dan 1000 elementen")
	})
	t.Run("bytes", func(t *testing.T) {
		// 33 MiB of comments after a valid start: refused at the cap, read
		// as a stream (the input is generated, never held in memory).
		comment := "<!-- " + strings.Repeat("x", 1<<10) + " -->\n"
		in := io.MultiReader(strings.NewReader(string(ex[:bytes.Index(ex, []byte("<jw301:Header>"))])),
			&repeatReader{s: comment, n: (33 << 20) / len(comment)})
		oneProblem(t, in, defaultLimits, "groter dan 32 MiB")
	})
	t.Run("exactly at the byte cap", func(t *testing.T) {
		lim := defaultLimits
		lim.bytes = int64(len(ex))
		if _, err := read("x", bytes.NewReader(ex), lim); err != nil {
			t.Fatal(err)
		}
		lim.bytes--
		oneProblem(t, bytes.NewReader(ex), lim, "groter dan")
	})
}

type repeatReader struct {
	s   string
	n   int
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := copy(p, r.s[r.off:])
	r.off += k
	if r.off == len(r.s) {
		r.off, r.n = 0, r.n-1
	}
	return k, nil
}

type failingReader struct{ after int }

var errDisk = errors.New("disk on fire")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errDisk
	}
	n := min(len(p), f.after)
	for i := range p[:n] {
		p[i] = ' '
	}
	f.after -= n
	return n, nil
}

func TestIOErrorIsNotAProblem(t *testing.T) {
	_, err := Read("x.xml", io.MultiReader(strings.NewReader(`<jw302:Bericht xmlns:jw302="http://www.istandaarden.nl/ijw/3_2/jw302/schema">`), &failingReader{after: 10}))
	if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "x.xml") {
		t.Fatalf("got %T %v", err, err)
	}
}

// The BOM some Windows tools write is accepted.
func TestUTF8BOM(t *testing.T) {
	in := append([]byte{0xEF, 0xBB, 0xBF}, readFile(t, jw301)...)
	mustRead(t, "bom", in)
}

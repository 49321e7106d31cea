// Package istd reads and writes iJw and iWmo 3.2 messages (iStandaarden,
// Zorginstituut Nederland): the XML traffic between gemeenten and care
// providers.
//
// Read streams one message (one Bericht per file) token by token, checks it
// against the rules of its XSD that matter to naober, and returns the parts
// naober uses as an exchange.Message. WriteAllocation writes a JW301 or
// WMO301 that validates against the 3.2 XSD.
//
// The element structure and the code lists come from the official XSDs,
// embedded from xsd/ (see README.md for where they come from).
package istd

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"naober.nl/naober/internal/exchange"
)

// Limits for one message file. A real 301 is a few kilobytes and the
// largest 323s a few megabytes; anything beyond these is refused rather
// than allowed to exhaust memory.
const (
	MaxBytes    = 32 << 20 // bytes per file
	MaxDepth    = 32       // element nesting; the 3.2 messages nest at most 8 deep
	MaxText     = 4 << 10  // characters of text in one element
	MaxElements = 1 << 20  // elements per file
	MaxProblems = 200      // problems reported per file; the rest are counted
)

type limits struct {
	bytes    int64
	depth    int
	text     int
	elements int
	problems int
}

var defaultLimits = limits{MaxBytes, MaxDepth, MaxText, MaxElements, MaxProblems}

// Read reads one iJw or iWmo 3.2 message from r. file names the input in
// problem reports. Content problems (broken XML, rule violations, hostile
// input) are returned as exchange.Problems, all of them up to MaxProblems;
// a failing reader is returned as a wrapped error. A message that is
// recognised but carries nothing to import comes back with Import false and
// a Dutch Note.
func Read(file string, r io.Reader) (*exchange.Message, error) {
	return read(file, r, defaultLimits)
}

var (
	errTooBig   = errors.New("input too big")
	errAbort    = errors.New("stop reading")
	errEncoding = errors.New("unsupported encoding")
	errSchemas  = errors.New("istd: embedded schemas") // a packaging bug, not the file's fault
)

// source caps the input and remembers the error of the underlying reader,
// so an I/O failure is told apart from broken XML.
type source struct {
	r      io.Reader
	left   int64
	ioErr  error
	offset int64
}

func (s *source) Read(p []byte) (int, error) {
	if s.left <= 0 {
		return 0, errTooBig
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.r.Read(p)
	s.left -= int64(n)
	s.offset += int64(n)
	if err != nil && err != io.EOF {
		s.ioErr = err
	}
	return n, err
}

type frame struct {
	local string
	key   string // path below the root without indexes: "Client/Naam/Voornamen"
	idx   int    // 1-based position among equal siblings when repeatable, else 0
	decl  *elemDecl
	pos   int // sequence state: index in decl.complex.seq of the last child seen
	cnt   int // how often that child occurred
	skip  bool
	texts bool // stray text reported
}

type reader struct {
	file     string
	lim      limits
	src      *source
	dec      *xml.Decoder
	next     func() (token, error) // dec.Token, or plainTokens
	stack    []frame
	text     []byte
	elements int
	keys     map[[2]string]string
	problems exchange.Problems
	dropped  int

	kind   *kind
	schema *schema // nil: recognised message, only the header is read
	msg    *exchange.Message
	ex     extract
}

// Reading many small messages (a batch of thousands of 301s) allocates
// less with the buffered reader and the path cache of one message reused
// for the next. Nothing of either outlives a read: the buffer is reset to
// the next input, and the cache holds only element paths (at most 1024).
var (
	bufPool  = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 8<<10) }}
	keysPool = sync.Pool{New: func() any { return map[[2]string]string{} }}
)

// plainOff turns the plain reader off (tests compare both ways).
var plainOff bool

var (
	inPool    = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	plainPool = sync.Pool{New: func() any { return &plainTokens{names: map[string]string{}} }}
)

func read(file string, in io.Reader, lim limits) (*exchange.Message, error) {
	src := &source{r: in, left: lim.bytes + 1}
	keys := keysPool.Get().(map[[2]string]string)
	defer keysPool.Put(keys)
	// The whole file in memory (at most lim.bytes), for plainTokens first.
	buf := inPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			inPool.Put(buf)
		}
	}()
	_, rerr := buf.ReadFrom(src)
	if src.ioErr != nil {
		return nil, fmt.Errorf("lees %s: %w", file, src.ioErr)
	}
	if b := bytes.TrimPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF}); rerr == nil && !plainOff && plainInput(b) {
		pt := plainPool.Get().(*plainTokens)
		pt.b, pt.i, pt.ns, pt.open, pt.selfEnd = b, 0, pt.ns[:0], pt.open[:0], false
		r := &reader{file: file, lim: lim, src: src, keys: keys, next: pt.next}
		err := r.run()
		pt.b = nil
		clear(pt.open[:cap(pt.open)])
		plainPool.Put(pt)
		if !errors.Is(err, errNotPlain) {
			return r.result(err)
		}
	}
	// encoding/xml, from the start.
	br := bufPool.Get().(*bufio.Reader)
	br.Reset(io.MultiReader(bytes.NewReader(buf.Bytes()), src))
	defer func() {
		br.Reset(nil)
		bufPool.Put(br)
	}()
	r := &reader{file: file, lim: lim, src: src, keys: keys}

	// A UTF-8 byte order mark is harmless; UTF-16 is not what the standard
	// prescribes.
	if b, _ := br.Peek(3); bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	} else if bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) {
		r.add("", "", "het bestand is in UTF-16 opgeslagen; een iJw/iWmo-bericht moet UTF-8 zijn. Sla het op als UTF-8 en lees het opnieuw in")
		return nil, r.problems
	}
	r.dec = xml.NewDecoder(br)
	r.dec.Strict = true
	r.dec.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("%w %q", errEncoding, label)
	}
	r.next = func() (token, error) { return xmlToken(r.dec.Token()) }
	return r.result(r.run())
}

// result is what read returns after run.
func (r *reader) result(err error) (*exchange.Message, error) {
	if err != nil && !errors.Is(err, errAbort) {
		if r.src.ioErr != nil {
			return nil, fmt.Errorf("lees %s: %w", r.file, r.src.ioErr)
		}
		if errors.Is(err, errSchemas) {
			return nil, err
		}
		r.addSyntax(err)
	}
	if r.dropped > 0 {
		r.problems = append(r.problems, exchange.Problem{File: r.file,
			Msg: fmt.Sprintf("er zijn nog meer problemen dan deze %d; los deze eerst op en lees het bestand dan opnieuw in", len(r.problems))})
	}
	if len(r.problems) > 0 {
		return nil, r.problems
	}
	return r.msg, nil
}

func (r *reader) run() error {
	rootDone := false
	for {
		tok, err := r.next()
		if err == io.EOF {
			if r.msg == nil {
				r.add("", "", "het bestand is leeg of bevat geen XML-bericht")
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.kind {
		case tokStart:
			t := tok.start
			if rootDone {
				r.add("", "", "na het einde van het bericht (</Bericht>) staat nog een element <"+t.Name.Local+">; één bestand bevat één bericht")
				return errAbort
			}
			if err := r.startElement(t); err != nil {
				return err
			}
		case tokEnd:
			r.endElement()
			if len(r.stack) == 0 {
				rootDone = true
				r.finish()
			}
		case tokText:
			if err := r.charData(tok.text, rootDone); err != nil {
				return err
			}
		case tokDirective:
			r.add("", "", "het bestand bevat een DOCTYPE of andere <!...>-declaratie; dat is in een iJw/iWmo-bericht niet toegestaan en wordt om veiligheidsredenen geweigerd")
			return errAbort
		}
		if len(r.problems) >= r.lim.problems && r.dropped > 0 {
			return errAbort
		}
	}
}

func (r *reader) startElement(t xml.StartElement) error {
	r.elements++
	if r.elements > r.lim.elements {
		r.add(r.path(), "", fmt.Sprintf("het bericht bevat meer dan %d elementen; zo groot is een echt bericht niet", r.lim.elements))
		return errAbort
	}
	if len(r.stack) >= r.lim.depth {
		r.add(r.path(), "", fmt.Sprintf("de elementen zijn meer dan %d niveaus diep genest; zo ziet een iJw/iWmo-bericht er niet uit", r.lim.depth))
		return errAbort
	}
	r.text = r.text[:0]
	if len(r.stack) == 0 {
		return r.startRoot(t)
	}
	p := &r.stack[len(r.stack)-1]
	f := frame{local: t.Name.Local}
	switch {
	case p.skip:
		f.skip = true
	case r.schema == nil:
		// header only: no structure checks
	case p.decl.complex == nil:
		r.add(r.path()+"/"+t.Name.Local, "", "hier horen geen elementen, alleen een waarde")
		f.skip = true
	default:
		f.decl, f.idx = r.child(p, t.Name)
		f.skip = f.decl == nil
		if !f.skip {
			r.attrs(t)
		}
	}
	if !f.skip {
		f.key = r.key(p.key, t.Name.Local)
	}
	r.stack = append(r.stack, f)
	if !f.skip {
		r.startRecord(&r.stack[len(r.stack)-1])
	}
	return nil
}

// key returns parent/local, reusing the string for paths seen before: a
// message repeats a few dozen paths thousands of times.
func (r *reader) key(parent, local string) string {
	k := [2]string{parent, local}
	if s, ok := r.keys[k]; ok {
		return s
	}
	s := local
	if parent != "" {
		s = parent + "/" + local
	}
	if len(r.keys) < 1024 && len(s) <= 256 { // bounded: the cache is reused (keysPool)
		if r.keys == nil {
			r.keys = map[[2]string]string{}
		}
		r.keys[k] = s
	}
	return s
}

// attrs reports attributes: the 3.2 schemas declare none; only namespace
// declarations may appear.
func (r *reader) attrs(t xml.StartElement) {
	for _, a := range t.Attr {
		if a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
			// Not the value: an attribute can hold anything, a name too.
			r.add(r.path()+"/"+t.Name.Local, "", "het attribuut "+a.Name.Local+" hoort niet in een iJw/iWmo-bericht")
		}
	}
}

// child finds the declaration of element n below p, checking the XSD
// sequence: known here, in order, not too often, nothing required skipped.
func (r *reader) child(p *frame, n xml.Name) (*elemDecl, int) {
	seq := p.decl.complex.seq
	j := -1
	for i := p.pos; i < len(seq); i++ {
		if seq[i].name == n.Local {
			j = i
			break
		}
	}
	if j < 0 {
		for i := 0; i < p.pos && i < len(seq); i++ {
			if seq[i].name == n.Local {
				r.add(r.path()+"/"+n.Local, "", "dit element staat op de verkeerde plaats: het hoort vóór <"+seq[p.pos].name+">")
				return nil, 0
			}
		}
		r.add(r.path()+"/"+n.Local, "", "dit element hoort hier niet volgens de iStandaard")
		return nil, 0
	}
	if j == p.pos && p.cnt > 0 {
		p.cnt++
		if seq[j].max >= 0 && p.cnt > seq[j].max {
			r.add(r.path()+"/"+n.Local, "", "dit element mag hier maar één keer staan")
		}
	} else {
		r.missing(p, j)
		p.pos, p.cnt = j, 1
	}
	d := seq[j]
	if n.Space != d.ns {
		r.add(r.path()+"/"+n.Local, n.Space, "dit element staat in de verkeerde namespace; verwacht "+d.ns)
	}
	idx := 0
	if d.max != 1 {
		idx = p.cnt
	}
	return d, idx
}

// missing reports required children of p that were not seen before
// sequence position end.
func (r *reader) missing(p *frame, end int) {
	seq := p.decl.complex.seq
	i := p.pos
	if p.cnt > 0 {
		i++
	}
	for ; i < end; i++ {
		if seq[i].min > 0 {
			r.add(r.path()+"/"+seq[i].name, "", "dit gegeven ontbreekt, maar is verplicht")
		}
	}
}

func (r *reader) startRoot(t xml.StartElement) error {
	k := kindByNS[t.Name.Space]
	if k == nil || t.Name.Local != "Bericht" {
		r.add("/"+t.Name.Local, t.Name.Space, unsupported(t.Name.Local, t.Name.Space))
		return errAbort
	}
	r.kind = k
	r.msg = &exchange.Message{Standard: k.std, Code: k.code, Import: k.imports}
	if !k.imports {
		r.msg.Note = k.name() + ": " + k.note
	}
	f := frame{local: "Bericht"}
	if k.imports {
		all, err := schemas()
		if err != nil {
			return fmt.Errorf("%w: %w", errSchemas, err)
		}
		r.schema = all[schemaKey{k.std, k.code}]
		f.decl = r.schema.root
	}
	r.stack = append(r.stack, f)
	return nil
}

func (r *reader) charData(t []byte, rootDone bool) error {
	// Any run of text counts, also in elements that are skipped or hold
	// only elements.
	if len(t) > r.lim.text {
		r.add(r.path(), "", fmt.Sprintf("de tekst in dit element is langer dan %d tekens; zo lang is geen gegeven in een iJw/iWmo-bericht", r.lim.text))
		return errAbort
	}
	if len(r.stack) == 0 {
		if len(bytes.TrimSpace(t)) > 0 {
			where := "voor"
			if rootDone {
				where = "na"
			}
			r.add("", "", "er staat tekst "+where+" het bericht; een bestand bevat alleen het bericht")
			return errAbort
		}
		return nil
	}
	f := &r.stack[len(r.stack)-1]
	if f.skip {
		return nil
	}
	if f.decl != nil && f.decl.complex != nil {
		if !f.texts && len(bytes.TrimSpace(t)) > 0 {
			f.texts = true
			// Not the text: stray text can be anything, a name too.
			r.add(r.path(), "", "hier hoort geen losse tekst, alleen elementen")
		}
		return nil
	}
	if len(r.text)+len(t) > r.lim.text {
		r.add(r.path(), "", fmt.Sprintf("de tekst in dit element is langer dan %d tekens; zo lang is geen gegeven in een iJw/iWmo-bericht", r.lim.text))
		return errAbort
	}
	r.text = append(r.text, t...)
	return nil
}

func (r *reader) endElement() {
	f := &r.stack[len(r.stack)-1]
	if !f.skip {
		switch {
		case f.decl == nil: // header-only mode
			r.headerValue(f.key, string(r.text))
		case f.decl.complex != nil:
			r.missing(f, len(f.decl.complex.seq))
			r.endRecord(f)
		default:
			v, msg := f.decl.simple.check(string(r.text))
			if msg != "" {
				shown := v
				switch {
				case f.local == "Bsn":
					shown = exchange.MaskBSN(v)
				case f.decl.simple.freeText():
					// Free text (a name, a street, a comment) is not
					// shown: the path and the message say what is wrong.
					shown = ""
				}
				r.add(r.path(), clip(shown), msg)
			} else {
				r.value(f, v)
			}
		}
	}
	r.text = r.text[:0]
	r.stack = r.stack[:len(r.stack)-1]
}

// path is the element path of the innermost open element, with indexes on
// repeatable elements: /Bericht/Client/ToegewezenProducten/ToegewezenProduct[2].
func (r *reader) path() string {
	var b strings.Builder
	for _, f := range r.stack {
		b.WriteByte('/')
		b.WriteString(f.local)
		if f.idx > 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(f.idx))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// add records a problem. The value of a personal element (a name, a birth
// date, an address; see exchange.PersonalPath) never goes into a problem:
// problems reach reports and logs.
func (r *reader) add(path, value, msg string) {
	if len(r.problems) >= r.lim.problems {
		r.dropped++
		return
	}
	if value != "" && exchange.PersonalPath(path) {
		value = ""
	}
	r.problems = append(r.problems, exchange.Problem{File: r.file, Path: path, Value: value, Msg: msg})
}

// addSyntax turns a decoder error into a problem a functional
// administrator can act on.
func (r *reader) addSyntax(err error) {
	var se *xml.SyntaxError
	switch {
	case errors.Is(err, errTooBig):
		r.add(r.path(), "", fmt.Sprintf("het bestand is groter dan %d MiB; zo groot is een iJw/iWmo-bericht niet", r.lim.bytes>>20))
	case errors.Is(err, errEncoding):
		enc := ""
		if _, after, ok := strings.Cut(err.Error(), errEncoding.Error()+" "); ok {
			enc, _ = strconv.Unquote(after)
		}
		r.add("", enc, "het bestand gebruikt tekenset "+strconv.Quote(enc)+"; een iJw/iWmo-bericht moet UTF-8 zijn")
	case errors.As(err, &se):
		switch {
		case strings.HasPrefix(se.Msg, "unexpected EOF"):
			where := "voordat het bericht begon"
			if len(r.stack) > 0 {
				where = "in " + r.path()
			}
			r.add(r.path(), "", fmt.Sprintf("het bestand is niet compleet: het houdt op in regel %d, %s", se.Line, where))
		case se.Msg == "invalid UTF-8":
			r.add(r.path(), "", fmt.Sprintf("het bestand bevat in regel %d tekens die geen geldige UTF-8 zijn; sla het op als UTF-8", se.Line))
		default:
			r.add(r.path(), "", fmt.Sprintf("het bestand is geen geldige XML (regel %d: %s)", se.Line, se.Msg))
		}
	default:
		r.add(r.path(), "", "het bestand is geen geldige XML ("+strings.TrimPrefix(err.Error(), "xml: ")+")")
	}
}

// clip keeps reported values short and valid UTF-8.
func clip(s string) string {
	const n = 80
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

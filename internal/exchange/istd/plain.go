package istd

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// A message as the gemeenten' and providers' systems write it is plain XML:
// ASCII names, a few namespace prefixes, text with at most the five
// predefined entities, perhaps a comment. plainTokens reads such a message
// from memory without encoding/xml, which spends most of a 301's reading
// time on names and namespaces (a batch of thousands of messages reads
// about three times faster). It gives the reader the same tokens as
// encoding/xml.Decoder.Token would. Anything else (a DOCTYPE, CDATA, a
// character reference, a name outside ASCII, a syntax error, …) stops it
// with errNotPlain before it gives a token that encoding/xml would not, and
// the message is read again, whole, with encoding/xml: the problems of
// broken or unusual XML are always encoding/xml's.
type plainTokens struct {
	b       []byte
	i       int
	ns      []nsBinding // in scope, innermost last
	open    []openTag
	selfEnd bool // the last start tag was <x/>: its end comes next
	names   map[string]string
	text    []byte
	attrs   []xml.Attr
}

type nsBinding struct{ prefix, url string }

type openTag struct {
	raw []byte // the name as written, prefix included
	ns  int    // len(ns) before the tag's declarations
}

var errNotPlain = errors.New("istd: not plain XML")

// token is what the reader takes from plainTokens or encoding/xml: a
// struct, not an xml.Token, whose interface would cost an allocation a
// token.
type token struct {
	kind  byte
	start xml.StartElement // tokStart
	text  []byte           // tokText; valid until the next token
}

const (
	tokOther     byte = iota // comments and processing instructions
	tokStart                 // start
	tokEnd                   // end
	tokText                  // text
	tokDirective             // <!…>
)

// xmlToken turns encoding/xml's token into a token.
func xmlToken(t xml.Token, err error) (token, error) {
	switch t := t.(type) {
	case xml.StartElement:
		return token{kind: tokStart, start: t}, err
	case xml.EndElement:
		return token{kind: tokEnd}, err
	case xml.CharData:
		return token{kind: tokText, text: t}, err
	case xml.Directive:
		return token{kind: tokDirective}, err
	}
	return token{kind: tokOther}, err
}

// plainInput says whether b may go to plainTokens: valid UTF-8 and no
// character XML forbids (checked once here, not per token).
func plainInput(b []byte) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= 0x20 && c < 0x80 {
			continue
		}
		switch {
		case c == '\t' || c == '\n' || c == '\r':
			continue
		case c < 0x20:
			return false
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += n - 1
	}
	return true
}

// intern returns b as a string, the same string for the same name.
func (p *plainTokens) intern(b []byte) string {
	if s, ok := p.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(p.names) < 1024 {
		p.names[s] = s
	}
	return s
}

func (p *plainTokens) next() (token, error) {
	if p.selfEnd {
		p.selfEnd = false
		return p.end(), nil
	}
	if p.i >= len(p.b) {
		if len(p.open) > 0 {
			return token{}, errNotPlain
		}
		return token{}, io.EOF
	}
	if p.b[p.i] != '<' {
		j := bytes.IndexByte(p.b[p.i:], '<')
		if j < 0 {
			j = len(p.b) - p.i
		}
		raw := p.b[p.i : p.i+j]
		p.i += j
		return p.chars(raw)
	}
	rest := p.b[p.i+1:]
	switch {
	case len(rest) > 0 && rest[0] == '?':
		return p.procInst()
	case bytes.HasPrefix(rest, []byte("!--")):
		// encoding/xml refuses "--" inside a comment.
		k := bytes.Index(rest[3:], []byte("--"))
		if k < 0 || 3+k+2 >= len(rest) || rest[3+k+2] != '>' {
			return token{}, errNotPlain
		}
		p.i += 1 + 3 + k + 3
		return token{kind: tokOther}, nil
	case len(rest) > 0 && rest[0] == '!':
		return token{}, errNotPlain // DOCTYPE, CDATA: encoding/xml
	case len(rest) > 0 && rest[0] == '/':
		p.i += 2
		raw, ok := p.name()
		if !ok || len(p.open) == 0 || !bytes.Equal(raw, p.open[len(p.open)-1].raw) {
			return token{}, errNotPlain
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '>' {
			return token{}, errNotPlain
		}
		p.i++
		return p.end(), nil
	}
	return p.start()
}

// end closes the innermost element.
func (p *plainTokens) end() token {
	t := p.open[len(p.open)-1]
	p.open = p.open[:len(p.open)-1]
	p.ns = p.ns[:t.ns]
	return token{kind: tokEnd} // the reader does not look at the name
}

func (p *plainTokens) procInst() (token, error) {
	p.i += 2
	target, ok := p.name()
	if !ok {
		return token{}, errNotPlain
	}
	k := bytes.Index(p.b[p.i:], []byte("?>"))
	if k < 0 {
		return token{}, errNotPlain
	}
	content := string(p.b[p.i : p.i+k])
	p.i += k + 2
	if string(target) == "xml" {
		if v := piParam("version", content); v != "" && v != "1.0" {
			return token{}, errNotPlain
		}
		if e := piParam("encoding", content); e != "" && !strings.EqualFold(e, "utf-8") {
			return token{}, errNotPlain
		}
	} else if strings.EqualFold(string(target), "xml") {
		return token{}, errNotPlain
	}
	return token{kind: tokOther}, nil // the reader ignores them
}

// piParam is param="value" (or 'value') in a processing instruction.
func piParam(param, s string) string {
	for {
		i := strings.Index(s, param)
		if i < 0 {
			return ""
		}
		s = s[i+len(param):]
		t := strings.TrimLeft(s, " \t\r\n")
		if !strings.HasPrefix(t, "=") {
			continue
		}
		t = strings.TrimLeft(t[1:], " \t\r\n")
		if t == "" || (t[0] != '"' && t[0] != '\'') {
			return "?" // not understood: encoding/xml decides
		}
		j := strings.IndexByte(t[1:], t[0])
		if j < 0 {
			return "?"
		}
		return t[1 : 1+j]
	}
}

func (p *plainTokens) start() (token, error) {
	p.i++
	raw, ok := p.name()
	if !ok {
		return token{}, errNotPlain
	}
	tag := openTag{raw: raw, ns: len(p.ns)}
	p.attrs = p.attrs[:0]
	for {
		sp := p.space()
		if p.i >= len(p.b) {
			return token{}, errNotPlain
		}
		if c := p.b[p.i]; c == '>' || c == '/' {
			if c == '/' {
				if p.i+1 >= len(p.b) || p.b[p.i+1] != '>' {
					return token{}, errNotPlain
				}
				p.i++
				p.selfEnd = true
			}
			p.i++
			break
		}
		if !sp {
			return token{}, errNotPlain
		}
		an, ok := p.name()
		if !ok {
			return token{}, errNotPlain
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '=' {
			return token{}, errNotPlain
		}
		p.i++
		p.space()
		if p.i >= len(p.b) || (p.b[p.i] != '"' && p.b[p.i] != '\'') {
			return token{}, errNotPlain
		}
		q := p.b[p.i]
		k := bytes.IndexByte(p.b[p.i+1:], q)
		if k < 0 {
			return token{}, errNotPlain
		}
		v := p.b[p.i+1 : p.i+1+k]
		p.i += k + 2
		if bytes.ContainsAny(v, "<&\r") {
			return token{}, errNotPlain
		}
		prefix, local := splitName(an)
		switch {
		case string(prefix) == "xmlns":
			p.ns = append(p.ns, nsBinding{p.intern(local), p.intern(v)})
			p.attrs = append(p.attrs, xml.Attr{Name: xml.Name{Space: "xmlns", Local: p.intern(local)}, Value: p.intern(v)})
		case prefix == nil && string(local) == "xmlns":
			p.ns = append(p.ns, nsBinding{"", p.intern(v)})
			p.attrs = append(p.attrs, xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: p.intern(v)})
		default:
			// Resolved after the element's own declarations, below.
			p.attrs = append(p.attrs, xml.Attr{Name: xml.Name{Space: string(prefix), Local: p.intern(local)}, Value: string(v)})
		}
	}
	t := xml.StartElement{}
	prefix, local := splitName(raw)
	url, ok := p.resolve(prefix, true)
	if !ok {
		return token{}, errNotPlain
	}
	t.Name = xml.Name{Space: url, Local: p.intern(local)}
	if len(p.attrs) > 0 {
		t.Attr = make([]xml.Attr, len(p.attrs))
		copy(t.Attr, p.attrs)
		for i, a := range t.Attr {
			if a.Name.Space == "xmlns" || a.Name.Space == "" {
				continue
			}
			if t.Attr[i].Name.Space, ok = p.resolve([]byte(a.Name.Space), false); !ok {
				return token{}, errNotPlain
			}
		}
	}
	p.open = append(p.open, tag)
	return token{kind: tokStart, start: t}, nil
}

// resolve is the namespace of a prefix as encoding/xml gives it; false
// for a prefix it would leave unresolved, or one it treats apart.
func (p *plainTokens) resolve(prefix []byte, element bool) (string, bool) {
	if string(prefix) == "xml" || string(prefix) == "xmlns" {
		return "", false
	}
	if prefix == nil && !element {
		return "", true
	}
	for i := len(p.ns) - 1; i >= 0; i-- {
		if p.ns[i].prefix == string(prefix) {
			return p.ns[i].url, true
		}
	}
	return "", prefix == nil
}

// splitName splits prefix:local (prefix nil when there is none).
func splitName(b []byte) (prefix, local []byte) {
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		return b[:i], b[i+1:]
	}
	return nil, b
}

// name reads an ASCII XML name with at most one colon, not at either end.
func (p *plainTokens) name() ([]byte, bool) {
	s := p.i
	colon := -1
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c >= '0' && c <= '9', c == '-', c == '.':
			if p.i == s || p.i == colon+1 {
				return nil, false
			}
		case c == ':':
			if colon >= 0 || p.i == s {
				return nil, false
			}
			colon = p.i
		case c >= 0x80:
			return nil, false
		default:
			n := p.b[s:p.i]
			return n, len(n) > 0 && p.i != colon+1
		}
		p.i++
	}
	return nil, false
}

// space skips white space and says whether there was any.
func (p *plainTokens) space() bool {
	s := p.i
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
			continue
		}
		break
	}
	return p.i > s
}

// chars is a run of text as encoding/xml gives it: the five predefined
// entities replaced, line ends as \n.
func (p *plainTokens) chars(raw []byte) (token, error) {
	if bytes.Contains(raw, []byte("]]>")) {
		return token{}, errNotPlain
	}
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return token{kind: tokText, text: raw}, nil
	}
	t := p.text[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				continue
			}
			t = append(t, '\n')
		case '&':
			k := bytes.IndexByte(raw[i:], ';')
			if k < 0 {
				return token{}, errNotPlain
			}
			switch string(raw[i+1 : i+k]) {
			case "lt":
				t = append(t, '<')
			case "gt":
				t = append(t, '>')
			case "amp":
				t = append(t, '&')
			case "apos":
				t = append(t, '\'')
			case "quot":
				t = append(t, '"')
			default:
				return token{}, errNotPlain // character references and the rest: encoding/xml
			}
			i += k
		default:
			t = append(t, c)
		}
	}
	p.text = t
	return token{kind: tokText, text: t}, nil
}

package istd

import (
	"embed"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"naober.nl/naober/internal/exchange"
)

// The official 3.2 XSDs of the messages naober imports, embedded and read
// once. They are the single source of the element structure and of the code
// lists (the enumerations in basisschema.xsd): a new release of the
// standard is a copy of new files, not a code change.
//
//go:embed xsd/ijw/*.xsd xsd/iwmo/*.xsd
var xsdFS embed.FS

// simpleType is an XSD simple type with the facets the 3.2 schemas use.
type simpleType struct {
	base     string // "string", "integer", "date", "time"
	minLen   int    // -1: not set
	maxLen   int    // -1: not set
	patterns []pattern
	enum     map[string]string // code -> description
	codes    []string          // enum in schema order, for messages
	hasMin   bool
	hasMax   bool
	min, max int64
}

type pattern struct {
	src string
	re  *regexp.Regexp
}

// freeText reports whether a value of t is free text: a string that no
// code list or pattern restricts.
func (t *simpleType) freeText() bool {
	return t.base == "string" && len(t.enum) == 0 && len(t.patterns) == 0
}

// elemDecl is one element in a sequence.
type elemDecl struct {
	name    string
	ns      string
	min     int
	max     int // -1: unbounded
	complex *complexType
	simple  *simpleType
}

type complexType struct {
	seq []*elemDecl
}

// schema is the model of one message type.
type schema struct {
	root  *elemDecl
	types map[string]*simpleType // named simple types of basisschema.xsd, for the writer
}

// XSD documents as encoding/xml sees them.
type xsdDoc struct {
	TargetNamespace string       `xml:"targetNamespace,attr"`
	Attrs           []xml.Attr   `xml:",any,attr"`
	Elements        []xsdElement `xml:"element"`
	ComplexTypes    []xsdComplex `xml:"complexType"`
	SimpleTypes     []xsdSimple  `xml:"simpleType"`
}

type xsdElement struct {
	Name       string     `xml:"name,attr"`
	Type       string     `xml:"type,attr"`
	MinOccurs  string     `xml:"minOccurs,attr"`
	MaxOccurs  string     `xml:"maxOccurs,attr"`
	SimpleType *xsdSimple `xml:"simpleType"`
}

type xsdComplex struct {
	Name     string       `xml:"name,attr"`
	Sequence []xsdElement `xml:"sequence>element"`
	Choice   []xsdElement `xml:"choice>element"`
}

type xsdSimple struct {
	Name        string         `xml:"name,attr"`
	Restriction xsdRestriction `xml:"restriction"`
}

type xsdValue struct {
	Value string `xml:"value,attr"`
	Doc   string `xml:"annotation>documentation"`
}

type xsdRestriction struct {
	Base         string     `xml:"base,attr"`
	Enumerations []xsdValue `xml:"enumeration"`
	Patterns     []xsdValue `xml:"pattern"`
	MinLength    *xsdValue  `xml:"minLength"`
	MaxLength    *xsdValue  `xml:"maxLength"`
	MinInclusive *xsdValue  `xml:"minInclusive"`
	MaxInclusive *xsdValue  `xml:"maxInclusive"`
}

const xsNS = "http://www.w3.org/2001/XMLSchema"

// qname is a type reference resolved to namespace and local name.
type qname struct{ ns, local string }

type loader struct {
	simple  map[qname]*simpleType
	complex map[qname]*complexType
	pending []func() error // references resolved after all documents are read
}

func (l *loader) resolve(doc *xsdDoc, ref string) qname {
	prefix, local, ok := strings.Cut(ref, ":")
	if !ok {
		return qname{doc.TargetNamespace, ref}
	}
	for _, a := range doc.Attrs {
		if a.Name.Space == "xmlns" && a.Name.Local == prefix {
			return qname{a.Value, local}
		}
	}
	return qname{"?" + prefix, local}
}

func (l *loader) add(doc *xsdDoc) error {
	for i := range doc.SimpleTypes {
		st := &doc.SimpleTypes[i]
		t, err := l.simpleOf(doc, &st.Restriction)
		if err != nil {
			return fmt.Errorf("simpleType %s: %w", st.Name, err)
		}
		l.simple[qname{doc.TargetNamespace, st.Name}] = t
	}
	for i := range doc.ComplexTypes {
		ct := &doc.ComplexTypes[i]
		if len(ct.Choice) > 0 {
			return fmt.Errorf("complexType %s: xs:choice is not supported", ct.Name)
		}
		t := &complexType{}
		for j := range ct.Sequence {
			d, err := l.decl(doc, &ct.Sequence[j])
			if err != nil {
				return fmt.Errorf("complexType %s: %w", ct.Name, err)
			}
			t.seq = append(t.seq, d)
		}
		l.complex[qname{doc.TargetNamespace, ct.Name}] = t
	}
	return nil
}

func (l *loader) decl(doc *xsdDoc, e *xsdElement) (*elemDecl, error) {
	d := &elemDecl{name: e.Name, ns: doc.TargetNamespace, min: 1, max: 1}
	if e.MinOccurs != "" {
		n, err := strconv.Atoi(e.MinOccurs)
		if err != nil {
			return nil, fmt.Errorf("element %s: minOccurs %q", e.Name, e.MinOccurs)
		}
		d.min = n
	}
	switch e.MaxOccurs {
	case "":
	case "unbounded":
		d.max = -1
	default:
		n, err := strconv.Atoi(e.MaxOccurs)
		if err != nil {
			return nil, fmt.Errorf("element %s: maxOccurs %q", e.Name, e.MaxOccurs)
		}
		d.max = n
	}
	if e.SimpleType != nil {
		t, err := l.simpleOf(doc, &e.SimpleType.Restriction)
		if err != nil {
			return nil, fmt.Errorf("element %s: %w", e.Name, err)
		}
		d.simple = t
		return d, nil
	}
	q := l.resolve(doc, e.Type)
	l.pending = append(l.pending, func() error {
		if q.ns == xsNS {
			d.simple = builtin(q.local)
		} else if t := l.complex[q]; t != nil {
			d.complex = t
		} else if t := l.simple[q]; t != nil {
			d.simple = t
		}
		if d.simple == nil && d.complex == nil {
			return fmt.Errorf("element %s: unknown type %s", e.Name, e.Type)
		}
		return nil
	})
	return d, nil
}

func builtin(local string) *simpleType {
	switch local {
	case "string", "integer", "date", "time":
		return &simpleType{base: local, minLen: -1, maxLen: -1}
	}
	return nil
}

// simpleOf derives a type from a restriction. Simple types in the 3.2
// schemas are declared before use in basisschema.xsd, and message schemas
// load after it, so a base is always known here.
func (l *loader) simpleOf(doc *xsdDoc, r *xsdRestriction) (*simpleType, error) {
	q := l.resolve(doc, r.Base)
	var t simpleType
	if q.ns == xsNS {
		b := builtin(q.local)
		if b == nil {
			return nil, fmt.Errorf("unsupported base %s", r.Base)
		}
		t = *b
	} else {
		b := l.simple[q]
		if b == nil {
			return nil, fmt.Errorf("unknown base %s", r.Base)
		}
		t = *b
		t.patterns = append([]pattern(nil), b.patterns...)
	}
	if len(r.Enumerations) > 0 {
		t.enum = make(map[string]string, len(r.Enumerations))
		t.codes = nil
		for _, e := range r.Enumerations {
			t.enum[e.Value] = strings.TrimSpace(e.Doc)
			t.codes = append(t.codes, e.Value)
		}
	}
	for _, p := range r.Patterns {
		re, err := regexp.Compile(`^(?:` + p.Value + `)$`)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", p.Value, err)
		}
		t.patterns = append(t.patterns, pattern{p.Value, re})
	}
	num := func(v *xsdValue) (int64, error) { return strconv.ParseInt(v.Value, 10, 64) }
	var err error
	if r.MinLength != nil {
		var n int64
		n, err = num(r.MinLength)
		t.minLen = int(n)
	}
	if r.MaxLength != nil && err == nil {
		var n int64
		n, err = num(r.MaxLength)
		t.maxLen = int(n)
	}
	if r.MinInclusive != nil && err == nil {
		t.min, err = num(r.MinInclusive)
		t.hasMin = true
	}
	if r.MaxInclusive != nil && err == nil {
		t.max, err = num(r.MaxInclusive)
		t.hasMax = true
	}
	if err != nil {
		return nil, fmt.Errorf("facet: %w", err)
	}
	return &t, nil
}

type schemaKey struct {
	std  exchange.Standard
	code string
}

var schemas = sync.OnceValues(loadSchemas)

// loadSchemas reads the embedded XSDs. An error here is a packaging bug;
// a test loads them.
func loadSchemas() (map[schemaKey]*schema, error) {
	out := map[schemaKey]*schema{}
	for _, std := range []exchange.Standard{exchange.IJw, exchange.IWmo} {
		l := &loader{simple: map[qname]*simpleType{}, complex: map[qname]*complexType{}}
		dir := "xsd/" + string(std) + "/"
		docs := map[string]*xsdDoc{}
		for _, name := range []string{"basisschema"} {
			doc, err := readXSD(dir + name + ".xsd")
			if err != nil {
				return nil, err
			}
			if err := l.add(doc); err != nil {
				return nil, fmt.Errorf("%s%s.xsd: %w", dir, name, err)
			}
		}
		for _, k := range kinds {
			if k.std != std || !k.imports {
				continue
			}
			doc, err := readXSD(dir + k.name() + ".xsd")
			if err != nil {
				return nil, err
			}
			if err := l.add(doc); err != nil {
				return nil, fmt.Errorf("%s%s.xsd: %w", dir, k.name(), err)
			}
			docs[k.code] = doc
		}
		for _, f := range l.pending {
			if err := f(); err != nil {
				return nil, fmt.Errorf("%s: %w", dir, err)
			}
		}
		for code, doc := range docs {
			var root *elemDecl
			for i := range doc.Elements {
				if doc.Elements[i].Name == "Bericht" {
					q := l.resolve(doc, doc.Elements[i].Type)
					if ct := l.complex[q]; ct != nil {
						root = &elemDecl{name: "Bericht", ns: doc.TargetNamespace, min: 1, max: 1, complex: ct}
					}
				}
			}
			if root == nil {
				return nil, fmt.Errorf("%s %s: no root element Bericht", std, code)
			}
			types := map[string]*simpleType{}
			for q, t := range l.simple {
				if q.ns == basisNS(std) {
					types[q.local] = t
				}
			}
			out[schemaKey{std, code}] = &schema{root: root, types: types}
		}
	}
	return out, nil
}

func readXSD(path string) (*xsdDoc, error) {
	b, err := xsdFS.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc xsdDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &doc, nil
}

// check tests a value against the type. It returns the value as the message
// means it (whitespace collapsed for numbers, dates and times) and, when the
// value is wrong, a plain Dutch reason.
func (t *simpleType) check(raw string) (string, string) {
	v := raw
	switch t.base {
	case "integer":
		v = strings.TrimSpace(raw)
		if !isInteger(v) {
			return v, "dit moet een heel getal zijn"
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return v, "dit getal is te groot"
		}
		if t.hasMin && n < t.min || t.hasMax && n > t.max {
			return v, fmt.Sprintf("dit getal moet tussen %d en %d liggen", t.min, t.max)
		}
	case "date":
		v = strings.TrimSpace(raw)
		if _, ok := parseDate(v); !ok {
			return v, "dit is geen geldige datum; schrijf jjjj-mm-dd, bijvoorbeeld 2026-04-01"
		}
	case "time":
		v = strings.TrimSpace(raw)
		if !validTime(v) {
			return v, "dit is geen geldige tijd; schrijf uu:mm:ss, bijvoorbeeld 12:30:00"
		}
	}
	if t.enum != nil {
		if _, ok := t.enum[v]; !ok {
			return v, "deze code bestaat niet; " + t.allowed()
		}
		return v, ""
	}
	if t.base == "string" {
		n := utf8.RuneCountInString(v)
		if t.minLen > 0 && n < t.minLen {
			return v, "dit gegeven mag niet leeg zijn"
		}
		if t.maxLen >= 0 && n > t.maxLen {
			return v, fmt.Sprintf("dit gegeven is te lang: hooguit %d tekens, het zijn er %d", t.maxLen, n)
		}
	}
	for _, p := range t.patterns {
		if !p.re.MatchString(v) {
			return v, patternMsg(p.src)
		}
	}
	return v, ""
}

// allowed lists the codes of a short list, so the administrator sees the
// choice; long lists (countries) are only named.
func (t *simpleType) allowed() string {
	if len(t.codes) > 30 {
		return "zie de codelijst van de iStandaard"
	}
	parts := make([]string, len(t.codes))
	for i, c := range t.codes {
		if d := t.enum[c]; d != "" && len(d) <= 60 {
			parts[i] = c + " (" + strings.TrimRight(d, ". ") + ")"
		} else {
			parts[i] = c
		}
	}
	return "toegestaan: " + strings.Join(parts, ", ")
}

func patternMsg(src string) string {
	switch src {
	case "[0-9]{4}":
		return "dit moet een gemeentecode van 4 cijfers zijn, bijvoorbeeld 0363"
	case "[0-9]{8}":
		return "dit moet een AGB-code van 8 cijfers zijn"
	case "[0-9]{9}":
		return "een BSN bestaat uit 9 cijfers"
	case "[0-9]*":
		return "hier horen alleen cijfers"
	case `.*[^\s].*`, `([.\s]*\S+[.\s]*)+`:
		return "dit gegeven mag niet leeg zijn of alleen spaties bevatten"
	case "([a-zA-Z0-9])+":
		return "hier horen alleen letters en cijfers, zonder spaties"
	case "([a-zA-ZÀ-ỳ])+":
		return "hier horen alleen letters, zonder punten of spaties"
	case `(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)`:
		return "dit moet een versienummer zijn, zoals 1.0.0"
	}
	if regexp.QuoteMeta(src) == src {
		return "hier hoort " + src + " te staan"
	}
	return "dit gegeven heeft niet de vorm die de iStandaard voorschrijft (" + src + ")"
}

func isInteger(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validTime accepts hh:mm:ss with optional fraction and no zone, as
// LDT_Tijd (xs:time without Z, + or -) does.
func validTime(s string) bool {
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return false
	}
	for _, i := range []int{0, 1, 3, 4, 6, 7} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	h, m, sec := atoi2(s[0:2]), atoi2(s[3:5]), atoi2(s[6:8])
	if m > 59 || sec > 59 || h > 24 || h == 24 && (m != 0 || sec != 0) {
		return false
	}
	rest := s[8:]
	if rest == "" {
		return true
	}
	if rest[0] != '.' || len(rest) == 1 {
		return false
	}
	for i := 1; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return false
		}
	}
	return true
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

package monitor

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"naober.nl/naober/internal/casework"
)

// Expr is a parsed boolean expression over indicator codes.
type Expr interface{ String() string }

type opKind uint8

const (
	opAtom opKind = iota
	opAnd
	opOr
	opNot
	opSomeone
)

// exprNode is the one Expr implementation: a tree of operators.
type exprNode struct {
	op   opKind
	code string
	kids []*exprNode
}

// String renders the expression canonically (English keywords, full
// parentheses), so it parses back to the same tree.
func (e *exprNode) String() string {
	switch e.op {
	case opAtom:
		return e.code
	case opNot:
		return "not " + e.kids[0].paren()
	case opSomeone:
		return "someone(" + e.kids[0].String() + ")"
	}
	sep := " and "
	if e.op == opOr {
		sep = " or "
	}
	parts := make([]string, len(e.kids))
	for i, k := range e.kids {
		parts[i] = k.paren()
	}
	return strings.Join(parts, sep)
}

func (e *exprNode) paren() string {
	if e.op == opAnd || e.op == opOr {
		return "(" + e.String() + ")"
	}
	return e.String()
}

// Codes lists the indicator codes an expression mentions.
func Codes(e Expr) []string {
	n, ok := e.(*exprNode)
	if !ok {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	var walk func(*exprNode)
	walk = func(n *exprNode) {
		if n.op == opAtom && !seen[n.code] {
			seen[n.code] = true
			out = append(out, n.code)
		}
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(n)
	return out
}

type token struct {
	pos  int // 1-based rune position
	text string
	kind byte // 'w' word, '(' , ')', 0 end
}

func isCodeRune(r rune) bool {
	return r == ':' || r == '.' || r == '_' || r == '+' || r == '-' ||
		(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

func lex(s string) ([]token, error) {
	var out []token
	pos := 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		pos++
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			i += w
		case r == '(' || r == ')':
			out = append(out, token{pos: pos, text: string(r), kind: byte(r)})
			i += w
		case isCodeRune(r):
			start, startPos := i, pos
			i += w
			for i < len(s) {
				r, w = utf8.DecodeRuneInString(s[i:])
				if !isCodeRune(r) {
					break
				}
				i += w
				pos++
			}
			out = append(out, token{pos: startPos, text: s[start:i], kind: 'w'})
		default:
			return nil, fmt.Errorf("positie %d: ongeldig teken %q", pos, string(r))
		}
	}
	out = append(out, token{pos: pos + 1, kind: 0})
	return out, nil
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }

func keyword(t token) string {
	if t.kind != 'w' {
		return ""
	}
	switch strings.ToLower(t.text) {
	case "en", "and":
		return "and"
	case "of", "or":
		return "or"
	case "niet", "not":
		return "not"
	case "iemand", "someone":
		return "someone"
	}
	return ""
}

func describeTok(t token) string {
	if t.kind == 0 {
		return "einde van de expressie"
	}
	return fmt.Sprintf("%q", t.text)
}

func (p *parser) errorf(t token, format string, args ...any) error {
	return fmt.Errorf("positie %d: "+format, append([]any{t.pos}, args...)...)
}

// ParseExpr parses an expression: indicator codes combined with en/and,
// of/or, niet/not and parentheses; iemand(...) (someone(...)) requires one
// member to match the inner expression by themselves when households are
// counted. Errors name the position and the token. Binding: niet before en
// before of.
func ParseExpr(s string) (Expr, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	if toks[0].kind == 0 {
		return nil, fmt.Errorf("positie 1: lege expressie")
	}
	p := &parser{toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != 0 {
		if t.kind == ')' {
			return nil, p.errorf(t, "%q zonder bijbehorend \"(\"", ")")
		}
		return nil, p.errorf(t, "\"en\" of \"of\" verwacht, niet %s", describeTok(t))
	}
	return e, nil
}

func (p *parser) or() (*exprNode, error) {
	first, err := p.and()
	if err != nil {
		return nil, err
	}
	kids := []*exprNode{first}
	for keyword(p.peek()) == "or" {
		p.i++
		k, err := p.and()
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &exprNode{op: opOr, kids: kids}, nil
}

func (p *parser) and() (*exprNode, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	kids := []*exprNode{first}
	for keyword(p.peek()) == "and" {
		p.i++
		k, err := p.unary()
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &exprNode{op: opAnd, kids: kids}, nil
}

func (p *parser) unary() (*exprNode, error) {
	t := p.peek()
	switch keyword(t) {
	case "not":
		p.i++
		k, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &exprNode{op: opNot, kids: []*exprNode{k}}, nil
	case "someone":
		p.i++
		if o := p.peek(); o.kind != '(' {
			return nil, p.errorf(o, "%q verwacht na %q, niet %s", "(", t.text, describeTok(o))
		}
		p.i++
		k, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != ')' {
			return nil, p.errorf(c, "%q verwacht, niet %s", ")", describeTok(c))
		}
		p.i++
		return &exprNode{op: opSomeone, kids: []*exprNode{k}}, nil
	case "and", "or":
		return nil, p.errorf(t, "indicator verwacht, niet %s", describeTok(t))
	}
	switch t.kind {
	case '(':
		p.i++
		k, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != ')' {
			return nil, p.errorf(c, "%q verwacht, niet %s", ")", describeTok(c))
		}
		p.i++
		return k, nil
	case 'w':
		p.i++
		return &exprNode{op: opAtom, code: t.text}, nil
	}
	return nil, p.errorf(t, "indicator verwacht, niet %s", describeTok(t))
}

// Wet names as the monitor shows them.
var wetNames = map[string]string{
	"wmo":         "Wmo",
	"jw":          "Jeugdwet",
	"pw":          "Participatiewet",
	"wgs":         "Schuldhulp (Wgs)",
	"voorliggend": "Voorliggend veld",
}

// WetName is the Dutch name of a law code (wmo, jw, pw, wgs, voorliggend).
func WetName(wet string) string {
	if n, ok := wetNames[wet]; ok {
		return n
	}
	return wet
}

// Describe gives the Dutch name of an indicator code.
func Describe(code string) string {
	switch code {
	case IndPlan:
		return "Lopend plan"
	case IndSignal:
		return "Open signaal"
	case IndMaatwerk:
		return "Maatwerkbudget besteed"
	case IndAdult:
		return "Volwassene (18 jaar of ouder)"
	case IndChild:
		return "Kind (jonger dan 18)"
	case IndSingle:
		return "Eenoudergezin"
	case IndChildren:
		return "Huishouden met kinderen onder 18"
	case Ind75Plus:
		return "Huishouden met iemand van 75 of ouder"
	}
	kind, rest, ok := strings.Cut(code, ":")
	if !ok {
		return code
	}
	switch kind {
	case "wet":
		return WetName(rest)
	case "cat":
		wet, cat, _ := strings.Cut(rest, ":")
		if n, ok := casework.Lookup(casework.Categories[wet], cat); ok {
			return WetName(wet) + ": " + n
		}
		return WetName(wet) + ": categorie " + cat
	case "tv":
		if n, ok := casework.Lookup(casework.Taakvelden, rest); ok {
			return "Taakveld " + rest + " " + n
		}
		return "Taakveld " + rest
	case "profiel":
		return "Cliëntprofiel " + rest
	case "zrm":
		n, ok := casework.Lookup(casework.Domains, rest)
		if !ok {
			n = rest
		}
		return "ZRM " + n + ": niet zelfredzaam (niveau 1 of 2)"
	}
	return code
}

package istd

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"
)

// readBoth reads in with plainTokens first (as Read does) and with
// encoding/xml alone, and fails when the two differ in anything.
func readBoth(t *testing.T, name string, in []byte) {
	t.Helper()
	m1, err1 := Read(name, bytes.NewReader(in))
	plainOff = true
	m2, err2 := Read(name, bytes.NewReader(in))
	plainOff = false
	if !reflect.DeepEqual(m1, m2) || !reflect.DeepEqual(err1, err2) {
		t.Fatalf("%s: plain and encoding/xml differ for\n%q\nplain: %+v %v\nxml:   %+v %v", name, in, m1, err1, m2, err2)
	}
}

// The examples are plain: plainTokens reads them to the end.
func TestPlainReadsExamples(t *testing.T) {
	for _, f := range examples(t) {
		b := readFile(t, f)
		for _, in := range [][]byte{b, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))} {
			p := &plainTokens{b: bytes.TrimPrefix(in, []byte{0xEF, 0xBB, 0xBF}), names: map[string]string{}}
			if !plainInput(p.b) {
				t.Fatalf("%s: not plain input", f)
			}
			for {
				_, err := p.next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s at %d: %v", f, p.i, err)
				}
			}
		}
	}
}

// Whatever the input, Read gives what encoding/xml alone gives: the
// examples, and thousands of damaged and unusual variants of them.
func TestPlainSameAsEncodingXML(t *testing.T) {
	extra := [][]byte{
		[]byte(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`),
		[]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`),
		[]byte(`<?xml version="1.1"?><a/>`),
		[]byte(`<a><![CDATA[x]]></a>`),
		[]byte("\xef\xbb\xbf<jw302:Bericht xmlns:jw302=\"http://www.istandaarden.nl/ijw/3_2/jw302/schema\"><jw302:Header/></jw302:Bericht>"),
		[]byte(`<jw302:Bericht xmlns:jw302="http://www.istandaarden.nl/ijw/3_2/jw302/schema"><jw302:Header></jw302:Header></jw302:Berich>`),
		[]byte(`<a xmlns="x" b="1"c="2"/>`),
		[]byte(`<a:b/>`), []byte(`<a>&#65;</a>`), []byte(`<a>x]]>y</a>`), []byte("<a>\x01</a>"), []byte(`<!-- a -- b --><a/>`), []byte(""), []byte(" "),
	}
	for i, in := range extra {
		readBoth(t, "extra"+string(rune('a'+i))+".xml", in)
	}
	marks := []byte("<>&;:\"'/!?-=x \r\n]\xc3")
	r := rand.New(rand.NewPCG(5, 6))
	for _, f := range examples(t) {
		b := readFile(t, f)
		readBoth(t, f, b)
		readBoth(t, f, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
		readBoth(t, f, bytes.Replace(b, []byte("><"), []byte("><!-- opmerking --><"), 3))
		readBoth(t, f, bytes.Replace(b, []byte("Commentaar"), []byte("Commentaar &amp; &lt;meer&gt; &quot;x&apos;"), -1))
		n := 300
		if testing.Short() {
			n = 30
		}
		for k := 0; k < n; k++ {
			m := append([]byte(nil), b...)
			for e := 0; e < 1+r.IntN(3); e++ {
				at := r.IntN(len(m))
				switch r.IntN(4) {
				case 0:
					m = append(m[:at], m[at+1:]...)
				case 1:
					m[at] = marks[r.IntN(len(marks))]
				case 2:
					m = append(m[:at], append([]byte{marks[r.IntN(len(marks))]}, m[at:]...)...)
				case 3:
					m = m[:at]
				}
			}
			readBoth(t, f, m)
		}
	}
}

func TestPlainIOError(t *testing.T) {
	_, err := Read("x.xml", io.MultiReader(bytes.NewReader([]byte("<a>")), errReader{}))
	if !errors.Is(err, errTest) {
		t.Fatalf("%v", err)
	}
}

var errTest = errors.New("disk weg")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errTest }

package sheet

import (
	"io"
	"unicode/utf8"
)

// cp1252High maps Windows-1252 bytes 0x80–0x9F; the other bytes are the
// same code points as Latin-1. The five bytes Windows leaves undefined map
// to the C1 control of the same value, as browsers do.
var cp1252High = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

func cp1252Rune(b byte) rune {
	if b >= 0x80 && b < 0xA0 {
		return cp1252High[b-0x80]
	}
	return rune(b)
}

func decode1252(p []byte) []byte {
	out := make([]byte, 0, len(p)+len(p)/8)
	for _, b := range p {
		if b < 0x80 {
			out = append(out, b)
		} else {
			out = utf8.AppendRune(out, cp1252Rune(b))
		}
	}
	return out
}

// cp1252Reader turns a Windows-1252 stream into UTF-8.
type cp1252Reader struct {
	r   io.Reader
	in  [4096]byte
	buf []byte
	out []byte // decoded, not yet handed out (a tail of buf)
	err error
}

func (c *cp1252Reader) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		n, err := c.r.Read(c.in[:])
		c.err = err
		c.buf = c.buf[:0]
		for _, b := range c.in[:n] {
			if b < 0x80 {
				c.buf = append(c.buf, b)
			} else {
				c.buf = utf8.AppendRune(c.buf, cp1252Rune(b))
			}
		}
		c.out = c.buf
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

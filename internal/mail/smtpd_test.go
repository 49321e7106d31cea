package mail_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpd is a tiny SMTP server on 127.0.0.1 for tests: a real TCP
// conversation (EHLO, optional STARTTLS and AUTH PLAIN, MAIL, RCPT, DATA).
type smtpd struct {
	t        *testing.T
	ln       net.Listener
	tls      *tls.Config // nil: no STARTTLS offered
	user, pw string      // "" : no AUTH offered
	failRcpt bool        // answer RCPT with 451

	mu       sync.Mutex
	received []received
}

type received struct {
	From, To string
	Data     string
	TLS      bool
	AuthUser string
}

func newSMTPD(t *testing.T, withTLS bool) *smtpd {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &smtpd{t: t, ln: ln}
	if withTLS {
		d.tls = selfSigned(t)
	}
	t.Cleanup(func() { ln.Close() })
	go d.serve()
	return d
}

func (d *smtpd) addr() string { return d.ln.Addr().String() }

func (d *smtpd) messages() []received {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]received(nil), d.received...)
}

func (d *smtpd) serve() {
	for {
		c, err := d.ln.Accept()
		if err != nil {
			return
		}
		go d.conn(c)
	}
}

func (d *smtpd) conn(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	say := func(s string) { w.WriteString(s + "\r\n"); w.Flush() }
	say("220 test.local ESMTP")
	var cur received
	isTLS := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO", "HELO":
			ext := []string{"test.local", "8BITMIME"}
			if d.tls != nil && !isTLS {
				ext = append(ext, "STARTTLS")
			}
			if d.user != "" {
				ext = append(ext, "AUTH PLAIN")
			}
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				say("250" + sep + e)
			}
		case "STARTTLS":
			say("220 go ahead")
			tc := tls.Server(c, d.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, isTLS = tc, true
			r, w = bufio.NewReader(c), bufio.NewWriter(c)
		case "AUTH":
			parts := strings.Fields(line)
			if len(parts) < 3 || parts[1] != "PLAIN" {
				say("504 only PLAIN")
				continue
			}
			b, _ := base64.StdEncoding.DecodeString(parts[2])
			f := strings.Split(string(b), "\x00")
			if len(f) != 3 || f[1] != d.user || f[2] != d.pw {
				say("535 bad credentials")
				continue
			}
			cur.AuthUser = f[1]
			say("235 ok")
		case "MAIL":
			cur.From = strings.TrimSuffix(strings.TrimPrefix(line[5:], "FROM:<"), ">")
			if i := strings.Index(cur.From, ">"); i >= 0 {
				cur.From = cur.From[:i]
			}
			say("250 ok")
		case "RCPT":
			if d.failRcpt {
				say("451 4.3.0 try again later")
				continue
			}
			cur.To = strings.TrimSuffix(strings.TrimPrefix(line[5:], "TO:<"), ">")
			say("250 ok")
		case "DATA":
			say("354 end with .")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.Data, cur.TLS = b.String(), isTLS
			d.mu.Lock()
			d.received = append(d.received, cur)
			d.mu.Unlock()
			cur = received{AuthUser: cur.AuthUser}
			say("250 queued")
		case "RSET", "NOOP":
			say("250 ok")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

// selfSigned makes a server certificate for 127.0.0.1; the client config
// of the test trusts it through tlsClient.
var lastCert *x509.Certificate

func selfSigned(t *testing.T) *tls.Config {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test.local"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"test.local"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	lastCert = cert
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

func tlsClient() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(lastCert)
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

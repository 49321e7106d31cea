// Package secret encrypts special-category data (the BSN) and makes keyed
// hashes for exact lookup. The master key lives in a key file beside the
// database, never in it, so a stolen database alone reveals no BSN.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Keys holds keys derived from one master key, one per purpose, so that the
// lookup hash cannot be used to decrypt and vice versa.
type Keys struct {
	aead     cipher.AEAD
	hashKey  []byte
	voterKey []byte
}

// LoadOrCreate reads the key file, or creates it with 0600 permissions when
// it does not exist. It refuses a key file others can read.
func LoadOrCreate(path string) (*Keys, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		master := make([]byte, 32)
		if _, err := rand.Read(master); err != nil {
			return nil, false, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, fmt.Errorf("key file: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("key file: %w", err)
		}
		if _, err := f.WriteString(hex.EncodeToString(master) + "\n"); err != nil {
			f.Close()
			return nil, false, fmt.Errorf("key file: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, false, fmt.Errorf("key file: %w", err)
		}
		k, err := New(master)
		return k, true, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("key file: %w", err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("key file %s is readable by others (mode %v); run: chmod 600 %s", path, st.Mode().Perm(), path)
	}
	master, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(master) != 32 {
		return nil, false, fmt.Errorf("key file %s does not hold a 64-character hex key", path)
	}
	k, err := New(master)
	return k, false, err
}

// New derives the purpose keys from a 32-byte master key.
func New(master []byte) (*Keys, error) {
	if len(master) != 32 {
		return nil, errors.New("master key must be 32 bytes")
	}
	block, err := aes.NewCipher(derive(master, "naober bsn encryption v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{aead: aead, hashKey: derive(master, "naober bsn lookup v1"), voterKey: derive(master, "naober ballot voter v1")}, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Encrypt seals plaintext with a random nonce; context binds the ciphertext to
// its row (e.g. the gemeente) so it cannot be moved to another one.
func (k *Keys) Encrypt(plaintext, context string) string {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	out := k.aead.Seal(nonce, nonce, []byte(plaintext), []byte(context))
	return base64.RawStdEncoding.EncodeToString(out)
}

// Decrypt opens what Encrypt sealed.
func (k *Keys) Decrypt(ciphertext, context string) (string, error) {
	b, err := base64.RawStdEncoding.DecodeString(ciphertext)
	if err != nil || len(b) < k.aead.NonceSize() {
		return "", errors.New("decrypt: malformed ciphertext")
	}
	n := k.aead.NonceSize()
	p, err := k.aead.Open(nil, b[:n], b[n:], []byte(context))
	if err != nil {
		return "", errors.New("decrypt: wrong key or tampered data")
	}
	return string(p), nil
}

// Hash is a keyed hash for exact lookup, scoped by gemeente so equal BSNs in
// two gemeenten do not link rows across tenants.
func (k *Keys) Hash(value, scope string) string {
	m := hmac.New(sha256.New, k.hashKey)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// Pseudonym is the keyed name a ballot is stored under: the same voter and
// scope (one vote) always give the same pseudonym, so the database can keep
// one ballot per voter, but only someone holding the key file can tell whose
// it is. Its key is derived apart from the BSN keys; scoping by vote keeps
// one voter's ballots in two votes unlinkable.
func (k *Keys) Pseudonym(voter, scope string) string {
	m := hmac.New(sha256.New, k.voterKey)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write([]byte(voter))
	return hex.EncodeToString(m.Sum(nil))
}

// Token returns a random opaque token (for sessions and API tokens).
func Token() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// ID returns a random opaque public identifier (20 characters).
func ID() string {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// TokenHash is how tokens are stored: a plain SHA-256 suffices because
// tokens have 256 bits of entropy.
func TokenHash(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// sortedIDEncoding is base64 with an alphabet in ASCII order (the same
// URL-safe characters as ID uses), so encoded strings sort as the bytes do.
var sortedIDEncoding = base64.NewEncoding("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz").WithPadding(base64.NoPadding)

// SortedID returns an opaque public identifier like ID (20 characters of
// the same alphabet) that starts with the time in milliseconds: ids made
// later sort after earlier ones. Rows inserted in bulk then land at the
// end of their indexes instead of all over them, which keeps a large
// import's B-tree pages few and in cache. The other 72 bits are random, so
// an id is still not guessable; it does tell when it was made. Within one
// process the ids strictly increase, also inside one millisecond (the
// random part of the last id plus one), so ORDER BY id is the order of
// making: the outbox and the tests rely on that.
func SortedID() string {
	var b [15]byte
	ms := uint64(nowMillis())
	if _, err := rand.Read(b[6:]); err != nil {
		panic(err)
	}
	sortedMu.Lock()
	if ms <= sortedLast.ms {
		ms = sortedLast.ms
		r := sortedLast.rand
		for i := len(r) - 1; i >= 0; i-- { // r + 1, carrying
			r[i]++
			if r[i] != 0 {
				break
			}
		}
		if r == ([9]byte{}) { // all 72 bits used up in this millisecond
			ms++
		}
		copy(b[6:], r[:])
	}
	sortedLast.ms = ms
	copy(sortedLast.rand[:], b[6:])
	sortedMu.Unlock()
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	return sortedIDEncoding.EncodeToString(b[:])
}

var (
	sortedMu   sync.Mutex
	sortedLast struct {
		ms   uint64
		rand [9]byte
	}
)

func nowMillis() int64 { return time.Now().UnixMilli() }

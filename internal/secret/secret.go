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
)

// Keys holds keys derived from one master key, one per purpose, so that the
// lookup hash cannot be used to decrypt and vice versa.
type Keys struct {
	aead    cipher.AEAD
	hashKey []byte
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
	return &Keys{aead: aead, hashKey: derive(master, "naober bsn lookup v1")}, nil
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

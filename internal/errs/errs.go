// Package errs defines the few kinds of error the program distinguishes, so
// the web layer can map them to a status once.
package errs

import (
	"errors"
	"fmt"
)

// Kind of failure.
type Kind int

const (
	Internal     Kind = iota
	Invalid           // the input is wrong; the message says which field
	NotFound          // no such record, or not one the caller may see
	Forbidden         // signed in, but not allowed
	Conflict          // the record exists already or changed meanwhile
	Unavailable       // the database is busy or gone; try again
	Unauthorized      // not signed in
	TooMany           // throttled
)

// Error carries a kind and a message safe to show a user (Dutch, no personal data).
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// E makes an error of a kind with a user-facing message.
func E(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap gives err a kind and a user-facing message.
func Wrap(kind Kind, err error, msg string) error {
	return &Error{Kind: kind, Message: msg, Err: err}
}

// KindOf finds the kind of err; plain errors are Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Message is the user-facing message of err, or a generic one.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Er ging iets mis aan onze kant. Probeer het later opnieuw."
}

// ErrNotFound is the one answer for "does not exist" and "not yours", so the
// two cannot be told apart.
var ErrNotFound = &Error{Kind: NotFound, Message: "Niet gevonden."}

// Is reports whether err has the kind.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// Package fault names the kinds of failure that ticketctl maps to exit
// codes. Every layer wraps one of these sentinels so the CLI can decide the
// exit status with errors.Is in one place, whatever package failed.
package fault

import (
	"errors"
	"fmt"
)

// Sentinel kinds. Their text is deliberately short: callers wrap them with
// the specific reason, and the CLI prints the wrapped message.
var (
	ErrInvalid         = errors.New("invalid input")
	ErrNotFound        = errors.New("not found")
	ErrUnauthenticated = errors.New("not logged in")
	ErrDenied          = errors.New("not allowed")
	ErrConflict        = errors.New("conflict")
	ErrUnavailable     = errors.New("database unavailable")
	ErrPartial         = errors.New("partial success")
)

// kindError carries a human message while matching a sentinel kind, so
// that the message is not polluted by the sentinel's own text.
type kindError struct {
	kind error
	msg  string
	err  error
}

func (e *kindError) Error() string {
	if e.err != nil && e.msg != "" {
		return e.msg + ": " + e.err.Error()
	}
	if e.err != nil {
		return e.err.Error()
	}
	return e.msg
}

func (e *kindError) Is(target error) bool { return target == e.kind }

func (e *kindError) Unwrap() error { return e.err }

// New returns an error of the given kind with a formatted message.
func New(kind error, format string, args ...any) error {
	return &kindError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// Wrap marks err as being of the given kind, keeping its chain intact.
func Wrap(kind error, err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &kindError{kind: kind, msg: fmt.Sprintf(format, args...), err: err}
}

// Invalid is shorthand for New(ErrInvalid, ...): bad user input, exit 2.
func Invalid(format string, args ...any) error {
	return New(ErrInvalid, format, args...)
}

// hinted attaches a suggestion that the CLI prints on its own line.
type hinted struct {
	error
	hint string
}

func (h *hinted) Unwrap() error { return h.error }

// WithHint attaches a hint for the person reading the error.
func WithHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &hinted{error: err, hint: hint}
}

// Hint returns the outermost hint attached to err, if any.
func Hint(err error) string {
	var h *hinted
	if errors.As(err, &h) {
		return h.hint
	}
	return ""
}

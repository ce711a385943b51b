package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// Exit codes, as documented in the README and DESIGN.md §5.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitNotFound    = 3
	ExitDenied      = 4
	ExitConflict    = 5
	ExitUnavailable = 6
	ExitPartial     = 7
	ExitInterrupted = 130
)

// ExitCode is the one place that maps errors to exit codes.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.Is(err, fault.ErrInvalid), isCobraUsage(err):
		return ExitUsage
	case errors.Is(err, fault.ErrNotFound):
		return ExitNotFound
	case errors.Is(err, fault.ErrUnauthenticated), errors.Is(err, fault.ErrDenied):
		return ExitDenied
	case errors.Is(err, fault.ErrConflict):
		return ExitConflict
	case errors.Is(err, fault.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return ExitUnavailable
	case errors.Is(err, fault.ErrPartial):
		return ExitPartial
	}
	return ExitFailure
}

// isCobraUsage recognises cobra's own usage errors, which are plain
// strings.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "invalid argument",
		"flag needs an argument", "required flag", "accepts ", "if any flags in the group", "bad flag syntax"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, " "+p) {
			return true
		}
	}
	return false
}

// SilentError has already been reported; only its exit code matters.
type SilentError struct{ Err error }

func (e *SilentError) Error() string { return e.Err.Error() }
func (e *SilentError) Unwrap() error { return e.Err }

// PrintError writes the one-line error (and a hint line) to w.
func PrintError(w io.Writer, err error) {
	var silent *SilentError
	if errors.As(err, &silent) {
		return
	}
	msg := err.Error()
	if errors.Is(err, context.Canceled) {
		msg = "interrupted"
	} else if errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, fault.ErrUnavailable) {
		msg = strings.TrimSuffix(msg, "context deadline exceeded") + "timed out"
	}
	// One line: driver messages sometimes span several.
	msg = strings.ReplaceAll(strings.TrimSpace(msg), "\n", " ")
	fmt.Fprintf(w, "ticketctl: %s\n", msg)
	if h := fault.Hint(err); h != "" {
		fmt.Fprintf(w, "hint: %s\n", h)
	}
}

// Package authcmd implements `ticketctl login`, `logout` and `whoami`, and
// the password prompts every command that takes a password shares.
package authcmd

import (
	"context"
	"errors"
	"io"

	"github.com/ticketctl/ticketctl/internal/accounts"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/iostreams"
)

// PasswordStdinHelp is the help of every --password-stdin flag.
const PasswordStdinHelp = "read the password from the first line of stdin instead of the terminal"

// Secrets reads passwords: from the terminal without echo, or one per
// line from stdin with --password-stdin. Passwords never come from flags,
// which would leave them in shell history and the process list.
type Secrets struct {
	IO        *iostreams.IOStreams
	FromStdin bool
}

// CheckSource fails early (exit 2) when there is neither a terminal nor
// --password-stdin, before anything is asked or looked up.
func (s Secrets) CheckSource() error {
	if s.FromStdin || s.IO.IsStdinTTY() {
		return nil
	}
	return fault.WithHint(fault.Invalid("no terminal to read the password from"),
		"pipe it in with --password-stdin, e.g. `printf '%s\\n' \"$PASSWORD\" | ticketctl ... --password-stdin`")
}

// Current reads an existing password once.
func (s Secrets) Current(prompt string) (string, error) {
	if s.FromStdin {
		return s.line("password")
	}
	if err := s.CheckSource(); err != nil {
		return "", err
	}
	pw, err := s.IO.ReadSecret(prompt)
	if err != nil {
		return "", readErr(err)
	}
	if pw == "" {
		return "", fault.Invalid("password is empty")
	}
	return pw, nil
}

// New reads a new password: twice on a terminal (they must match), once
// from stdin. The policy is checked against username at once, so a
// person retypes it straight away rather than after a database trip.
func (s Secrets) New(prompt, username string) (string, error) {
	if s.FromStdin {
		pw, err := s.line("new password")
		if err != nil {
			return "", err
		}
		return pw, accounts.ValidatePassword(pw, username)
	}
	if err := s.CheckSource(); err != nil {
		return "", err
	}
	pw, err := s.IO.ReadSecret(prompt)
	if err != nil {
		return "", readErr(err)
	}
	if err := accounts.ValidatePassword(pw, username); err != nil {
		return "", err
	}
	again, err := s.IO.ReadSecret("Repeat it: ")
	if err != nil {
		return "", readErr(err)
	}
	if again != pw {
		return "", fault.Invalid("the two passwords do not match")
	}
	return pw, nil
}

// line reads the next line of stdin; what names it in the error.
func (s Secrets) line(what string) (string, error) {
	pw, err := s.IO.ReadLine()
	if errors.Is(err, io.EOF) || (err == nil && pw == "") {
		return "", fault.Invalid("no %s on stdin (--password-stdin reads one per line)", what)
	}
	if err != nil {
		return "", readErr(err)
	}
	return pw, nil
}

func readErr(err error) error {
	if errors.Is(err, io.EOF) {
		return fault.Invalid("no password was entered")
	}
	return fault.Wrap(fault.ErrInvalid, err, "read password")
}

// Service builds the accounts service for a command: the store, the
// injected clock and the configured session lifetime.
func Service(ctx context.Context, f *cmdutil.Factory) (*accounts.Service, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	ttl, err := cfg.DurationSetting("session-ttl", accounts.DefaultSessionTTL)
	if err != nil {
		return nil, err
	}
	st, err := f.Store(ctx)
	if err != nil {
		return nil, err
	}
	svc := accounts.New(st, f.Now)
	svc.SessionTTL = ttl
	return svc, nil
}

package cmdutil_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/iostreams"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("boom"), 1},
		{fault.Invalid("bad"), 2},
		{errors.New(`unknown flag: --nope`), 2},
		{fault.New(fault.ErrNotFound, "x"), 3},
		{fault.New(fault.ErrUnauthenticated, "x"), 4},
		{fault.New(fault.ErrDenied, "x"), 4},
		{fmt.Errorf("wrapped: %w", fault.New(fault.ErrConflict, "x")), 5},
		{fault.Wrap(fault.ErrUnavailable, errors.New("dial"), "connect"), 6},
		{context.DeadlineExceeded, 6},
		{fault.New(fault.ErrPartial, "x"), 7},
		{context.Canceled, 130},
		{errors.Join(context.Canceled, fault.Invalid("x")), 130},
	}
	for _, tc := range tests {
		if got := cmdutil.ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestPrintErrorIsOneLineWithHint(t *testing.T) {
	var b strings.Builder
	cmdutil.PrintError(&b, fault.WithHint(fault.Invalid("line one\nline two"), "try this"))
	if b.String() != "ticketctl: line one line two\nhint: try this\n" {
		t.Fatalf("%q", b.String())
	}
}

func TestIDs(t *testing.T) {
	const a, b = "6650a1b2c3d4e5f601234567", "6650a1b2c3d4e5f601234568"
	tests := []struct {
		name  string
		args  []string
		stdin string
		tty   bool
		want  int
		err   string
	}{
		{name: "arguments", args: []string{a, b, a}, want: 2},
		{name: "stdin with comments and blanks", args: []string{"-"}, stdin: a + "\n\n# note\n" + b + "\n", want: 2},
		{name: "bad argument", args: []string{"xyz"}, err: `ticket id "xyz" is not an id`},
		{name: "bad stdin line", args: []string{"-"}, stdin: a + "\nzz\n", err: "stdin line 2"},
		{name: "stdin is a terminal", args: []string{"-"}, tty: true, err: "which is a terminal"},
		{name: "nothing", args: nil, err: "no ticket ids given"},
		{name: "empty stdin", args: []string{"-"}, err: "no ticket ids given"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ios, in, _, _ := iostreams.Test()
			in.WriteString(tc.stdin)
			ios.SetStdinTTY(tc.tty)
			home := t.TempDir() // no URI: the local store, so "-" spools stdin first
			f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }}
			defer f.Close()
			ids, err := f.CollectIDs(tc.args, "ticket id")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || cmdutil.ExitCode(err) != 2 {
					t.Fatalf("got %v, want %q (exit 2)", err, tc.err)
				}
				return
			}
			if err != nil || len(ids) != tc.want {
				t.Fatalf("got %v %v", ids, err)
			}
		})
	}
}

func TestConfirm(t *testing.T) {
	ios, in, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IO: ios}
	if err := f.Confirm(true, "?"); err != nil {
		t.Fatal(err)
	}
	if err := f.Confirm(false, "?"); cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("no terminal: %v", err)
	}
	ios.SetStdinTTY(true)
	ios.SetStderrTTY(true)
	in.WriteString("n\ny\n")
	if err := f.Confirm(false, "?"); !errors.Is(err, cmdutil.ErrNotConfirmed) {
		t.Fatalf("declined: %v", err)
	}
	if err := f.Confirm(false, "?"); err != nil {
		t.Fatalf("accepted: %v", err)
	}
}

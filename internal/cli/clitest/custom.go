package clitest

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/iostreams"
)

// RunExtended runs ticketctl like RunWith, after extend has added commands
// to the root: for testing a command whose wiring lives in a package that
// is built separately (e.g. a constructor meant to go under `tickets`).
// Error printing and exit codes are those of cli.Run.
func (e *Env) RunExtended(o Options, extend func(root *cobra.Command, f *cmdutil.Factory), args ...string) Result {
	e.T.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(o.Stdin)
	ios.SetStdinTTY(o.TTY)
	ios.SetStdoutTTY(o.TTY)
	ios.SetStderrTTY(o.TTY)
	f := &cmdutil.Factory{
		IO:     ios,
		Getenv: func(k string) string { return e.Vars[k] },
		Now:    func() time.Time { return e.Now },
		Build:  cmdutil.BuildInfo{Version: "test", Commit: "abc123", Date: "2026-11-29T00:00:00Z"},
	}
	ctx := o.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	root := cli.NewCmdRoot(f)
	if extend != nil {
		extend(root, f)
	}
	code := cli.RunRoot(ctx, f, root, args)
	return Result{Out: out.String(), Err: errOut.String(), Code: code}
}

// Subcommand returns root's direct subcommand called name, adding an empty
// one when the tree has none, so a test can attach a verb to a noun that
// may or may not be wired yet.
func Subcommand(root *cobra.Command, name string) *cobra.Command {
	for _, c := range root.Commands() {
		if c.Name() == name {
			return c
		}
	}
	c := &cobra.Command{Use: name}
	root.AddCommand(c)
	return c
}

// HasSubcommand reports whether parent already has a subcommand called name.
func HasSubcommand(parent *cobra.Command, name string) bool {
	for _, c := range parent.Commands() {
		if c.Name() == name {
			return true
		}
	}
	return false
}

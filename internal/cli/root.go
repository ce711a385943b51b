// Package cli wires every ticketctl command explicitly and runs it: flag
// parsing, signal handling, error printing and the exit code.
package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/accounts"
	"github.com/ticketctl/ticketctl/internal/cli/authcmd"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/cli/completion"
	"github.com/ticketctl/ticketctl/internal/cli/configcmd"
	"github.com/ticketctl/ticketctl/internal/cli/db"
	"github.com/ticketctl/ticketctl/internal/cli/demo"
	"github.com/ticketctl/ticketctl/internal/cli/distribute"
	"github.com/ticketctl/ticketctl/internal/cli/faq"
	"github.com/ticketctl/ticketctl/internal/cli/initcmd"
	"github.com/ticketctl/ticketctl/internal/cli/notify"
	"github.com/ticketctl/ticketctl/internal/cli/servers"
	"github.com/ticketctl/ticketctl/internal/cli/teams"
	"github.com/ticketctl/ticketctl/internal/cli/tickets"
	"github.com/ticketctl/ticketctl/internal/cli/triage"
	"github.com/ticketctl/ticketctl/internal/cli/version"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/iostreams"
)

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "ticketctl <command> <subcommand> [flags]",
		Short: "Administer the customer-complaint ticket platform",
		Long: `ticketctl administers the ticket platform stored in MongoDB: accounts, tickets,
servers and teams, distribution of tickets from the central server, triage and
notifications.

With no configuration it uses an embedded local store (FerretDB) under
$XDG_DATA_HOME/ticketctl/local; set TICKETCTL_URI, --uri or a context to use
a MongoDB server.

Exit codes: 0 ok, 1 failure, 2 invalid input, 3 not found, 4 not logged in or
not allowed, 5 conflict, 6 database unreachable, 7 partial success,
130 interrupted.`,
		Example: `  ticketctl init
  ticketctl tickets list --tag billing -o ids | ticketctl distribute - --to detroit
  ticketctl db status -o json | jq .server`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fault.WithHint(fault.Invalid("%v", err), "see `"+c.CommandPath()+" --help`")
	})
	pf := root.PersistentFlags()
	pf.StringVar(&f.ConfigPath, "config", "", "config file (default $XDG_CONFIG_HOME/ticketctl/config.yaml)")
	pf.StringVar(&f.Overrides.URI, "uri", "", "MongoDB connection string (overrides context and TICKETCTL_URI)")
	pf.StringVar(&f.Overrides.Database, "database", "", "database name (default ticketctl)")
	pf.StringVar(&f.Overrides.Context, "context", "", "named context from the config file")
	pf.DurationVar(&f.Overrides.Timeout, "timeout", 0, "database timeout (default 10s)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if cmd.Flags().Changed("timeout") && f.Overrides.Timeout <= 0 {
			return fault.Invalid("--timeout %s: want a positive duration such as 30s", f.Overrides.Timeout)
		}
		return nil
	}

	root.AddCommand(
		version.NewCmd(f, nil),
		completion.NewCmd(f),
		configcmd.NewCmd(f),
		initcmd.NewCmd(f, nil),
		db.NewCmd(f),
		tickets.NewCmd(f),
		servers.NewCmd(f),
		teams.NewCmd(f),
		demo.NewCmd(f),
		authcmd.NewCmdLogin(f, nil),
		authcmd.NewCmdLogout(f, nil),
		authcmd.NewCmdWhoami(f, nil),
		accounts.NewCmd(f),
		notify.NewCmd(f),
		distribute.NewCmd(f),
		triage.NewCmd(f),
		faq.NewCmd(f),
	)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	rejectUnknownVerbs(root)
	return root
}

// rejectUnknownVerbs makes `ticketctl tickets frob` an error (exit 2)
// instead of cobra's help with exit 0, which a script would take for
// success. A noun alone still prints its help.
func rejectUnknownVerbs(c *cobra.Command) {
	for _, sub := range c.Commands() {
		rejectUnknownVerbs(sub)
	}
	if c.Runnable() || !c.HasSubCommands() {
		return
	}
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return fault.WithHint(fault.Invalid("unknown command %q for %q", args[0], cmd.CommandPath()),
				"see `"+cmd.CommandPath()+" --help`")
		}
		return cmd.Help()
	}
}

// Run executes args against f and returns the exit code; Main and tests
// share it.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	return RunRoot(ctx, f, NewCmdRoot(f), args)
}

// RunRoot executes args against a command tree built on f (tests extend
// the tree) and returns the exit code.
func RunRoot(ctx context.Context, f *cmdutil.Factory, root *cobra.Command, args []string) int {
	root.SetArgs(args)
	defer f.Close()
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		// The signal arrived while something else failed: report the
		// interruption, which is the cause.
		err = errors.Join(context.Canceled, err)
	}
	if err != nil {
		cmdutil.PrintError(f.IO.ErrOut, err)
	}
	return cmdutil.ExitCode(err)
}

// Main is the whole program: main only calls os.Exit with its result.
func Main(build cmdutil.BuildInfo) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f := &cmdutil.Factory{
		IO:     iostreams.System(),
		Getenv: os.Getenv,
		Now:    func() time.Time { return time.Now().UTC() },
		Build:  build,
	}
	return Run(ctx, f, os.Args[1:])
}

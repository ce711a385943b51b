// Package demo implements the hidden `ticketctl demo load DIR` that
// `make demo` uses to put the demo company's servers, teams, accounts and
// history into the local store. Tickets go in through `tickets import`.
package demo

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/tickets/demodata"
)

// NewCmd returns the hidden `ticketctl demo`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "demo",
		Short:  "Load the demo dataset (used by make demo)",
		Hidden: true,
	}
	cmd.AddCommand(newCmdLoad(f))
	return cmd
}

func newCmdLoad(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:   "load DIR",
		Short: "Load the demo company's servers, teams, accounts and history from DIR",
		Long: `Load testdata/demo (or another directory in its layout): servers, teams,
accounts and ticket history, with their ids, creating the indexes and the central
server first. Documents that exist already are left alone, so loading twice is
safe. Tickets are loaded with ` + "`ticketctl tickets import DIR/tickets.ndjson --skip-existing`" + `.

The demo accounts share the password ` + demodata.Password + `, so this refuses to load into a
database that holds other accounts unless it is the local store.`,
		Example: "  ticketctl demo load testdata/demo",
		Args:    cmdutil.ExactArgs(1, "DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			t, err := f.Target()
			if err != nil {
				return err
			}
			st, err := f.Store(cmd.Context())
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			rep, err := demodata.Load(ctx, st, args[0], demodata.LoadOptions{OnlyDemoAccounts: !t.Local})
			if err != nil {
				return err
			}
			if out.Format != render.FormatTable {
				return render.One(f.Printer(out), render.Spec[demodata.Report]{
					ID: func(r demodata.Report) string { return r.Central },
				}, rep)
			}
			_, err = fmt.Fprint(f.IO.Out, rep.String())
			return err
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

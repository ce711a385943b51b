package distribute

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
)

func newCmdAuto(f *cmdutil.Factory) *cobra.Command {
	pf := &planFlags{}
	var rf runFlags
	var out render.Options
	cmd := &cobra.Command{
		Use:   "auto",
		Short: "Plan and apply in one step (for cron)",
		Long: `Plan the waiting tickets and apply each batch of decisions at once: what
"distribute plan" followed by "distribute apply" does, without a file in
between and with memory that stays flat however many tickets wait.

Made for cron: two overlapping runs end in the same state as one (each ticket
moves once, its event is written once), a killed run is finished by simply
running again, and the summary (-o json) and exit status say what happened.`,
		Example: `  ticketctl distribute auto --dry-run
  */5 * * * * ticketctl distribute auto --yes -o json >> /var/log/ticketctl-distribute.ndjson`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			ctx := cmd.Context()
			pl, err := pf.prepare(ctx, f, rf.DryRun)
			if err != nil {
				return err
			}
			n, err := count(ctx, f, pl.st, pl.filter)
			if err != nil {
				return err
			}
			if pf.Limit > 0 && int64(pf.Limit) < n {
				n = int64(pf.Limit)
			}
			if !rf.DryRun {
				if err := f.Confirm(rf.Yes, fmt.Sprintf("Distribute %d waiting tickets from %s?", n, pl.from.Name)); err != nil {
					return err
				}
			}
			r, done, err := newRunner(f, pl.st, pl.principal, rf, n, out)
			if err != nil {
				return err
			}
			sum, runErr := r.Run(ctx, pl.entries(ctx, pl.st.Capabilities().ReadPage, pf.Limit))
			done()
			return report(f, out, sum, runErr)
		},
	}
	pf.register(cmd)
	addRunFlags(cmd, &rf)
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

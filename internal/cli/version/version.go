// Package version implements `ticketctl version`.
package version

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
)

// Options of `version`.
type Options struct {
	Output render.Options
}

// NewCmd returns `ticketctl version`. It never opens the store, so it
// starts as fast as the binary loads.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Example: `  ticketctl version
  ticketctl version -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			if o.Output.Format == render.FormatTable {
				fmt.Fprintf(f.IO.Out, "ticketctl %s (commit %s, built %s)\n", f.Build.Version, f.Build.Commit, f.Build.Date)
				return nil
			}
			return render.One(f.Printer(o.Output), render.Spec[cmdutil.BuildInfo]{
				Headers: []string{"VERSION", "COMMIT", "DATE"},
				Row: func(b cmdutil.BuildInfo, _ render.Formatter) []string {
					return []string{b.Version, b.Commit, b.Date}
				},
				ID: func(b cmdutil.BuildInfo) string { return b.Version },
			}, f.Build)
		},
	}
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

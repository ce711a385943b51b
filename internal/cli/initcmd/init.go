// Package initcmd implements `ticketctl init`.
package initcmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Options of `init`.
type Options struct {
	CentralName   string
	CentralRegion string
	Output        render.Options
}

// Result is what init did.
type Result struct {
	Database       string       `json:"database"`
	CentralServer  store.Server `json:"central_server"`
	CreatedCentral bool         `json:"created_central"`
	MissingBefore  []string     `json:"indexes_created"`
}

// NewCmd returns `ticketctl init`.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create the indexes and the central server (safe to run twice)",
		Long: `Prepare a database for ticketctl: create every index the commands rely on and
the central server that receives new tickets. Running it again changes nothing
that exists.`,
		Example: `  ticketctl init
  ticketctl init --central-name iowa-central --central-region us-east-1
  TICKETCTL_URI=mongodb://db.example.com ticketctl init -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return run(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.CentralName, "central-name", "central", "name of the central server if it must be created")
	cmd.Flags().StringVar(&o.CentralRegion, "central-region", "default", "region of the central server if it must be created")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func run(ctx context.Context, f *cmdutil.Factory, o *Options) error {
	st, err := f.Store(ctx)
	if err != nil {
		return err
	}
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	missing, err := st.MissingIndexes(ctx)
	if err != nil {
		return err
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		return err
	}
	central, created, err := st.EnsureCentralServer(ctx, o.CentralName, o.CentralRegion)
	if err != nil {
		return err
	}
	res := Result{Database: st.DatabaseName(), CentralServer: central, CreatedCentral: created, MissingBefore: missing}
	if res.MissingBefore == nil {
		res.MissingBefore = []string{}
	}
	if o.Output.Format != render.FormatTable {
		return render.One(f.Printer(o.Output), render.Spec[Result]{
			ID: func(r Result) string { return r.CentralServer.ID.Hex() },
		}, res)
	}
	w := f.IO.Out
	if len(missing) > 0 {
		fmt.Fprintf(w, "created %d indexes in database %s\n", len(missing), res.Database)
	} else {
		fmt.Fprintf(w, "indexes already present in database %s\n", res.Database)
	}
	if created {
		fmt.Fprintf(w, "created central server %s (%s)\n", central.Name, central.ID.Hex())
	} else {
		fmt.Fprintf(w, "central server is %s (%s)\n", central.Name, central.ID.Hex())
	}
	return nil
}

package tickets

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	ticketsvc "github.com/ticketctl/ticketctl/internal/tickets"
)

// DeleteOptions of `tickets delete`.
type DeleteOptions struct {
	Args   []string
	Force  bool
	Yes    bool
	DryRun bool
	Output render.Options

	ids []bson.ObjectID
}

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	o := &DeleteOptions{}
	cmd := &cobra.Command{
		Use:   "delete ID… | -",
		Short: "Delete complete tickets (employees)",
		Long: `Delete tickets. Only complete tickets are deleted unless --force. Each deletion
is conditional on the version that was read, and leaves a "ticket.delete" event:
` + "`tickets history ID`" + ` still shows the trail afterwards.

Asks for confirmation on a terminal; elsewhere it refuses without --yes. "-" reads
ids from stdin, one per line. With several ids, every id gets a result; the exit
status is 7 when some failed.`,
		Example: `  ticketctl tickets delete 6750a1c2e4b0a1b2c3d4e5f6
  ticketctl tickets list --status complete --created-before 90d --all -o ids | ticketctl tickets delete - --yes
  ticketctl tickets delete 6750a1c2e4b0a1b2c3d4e5f6 --force --yes -o json`,
		Args: cmdutil.MinArgs(1, "ID… or -"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			ids, err := f.CollectIDs(args, "ticket id")
			if err != nil {
				return err
			}
			o.ids = ids
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return deleteRun(cmd.Context(), f, o)
		},
	}
	cmd.Flags().BoolVar(&o.Force, "force", false, "also delete tickets that are not complete")
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "show what would be deleted and change nothing")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

var deleteSpec = render.Spec[ticketsvc.DeleteResult]{
	Headers: []string{"ID", "RESULT", "STATUS", "TITLE", "ERROR"},
	Row: func(r ticketsvc.DeleteResult, f render.Formatter) []string {
		return []string{r.ID, r.Result, r.Status, f.Truncate(r.Title, 40), r.Error}
	},
	ID: func(r ticketsvc.DeleteResult) string { return r.ID },
}

func deleteRun(ctx context.Context, f *cmdutil.Factory, o *DeleteOptions) error {
	svc, p, err := session(ctx, f, store.RoleEmployee)
	if err != nil {
		return err
	}
	if !o.DryRun {
		q := fmt.Sprintf("Delete ticket %s? This cannot be undone.", o.ids[0].Hex())
		if len(o.ids) > 1 {
			q = fmt.Sprintf("Delete %d tickets? This cannot be undone.", len(o.ids))
		}
		if err := f.Confirm(o.Yes, q); err != nil {
			return err
		}
	}
	results, runErr := svc.Delete(ctx, p, o.ids, ticketsvc.DeleteOptions{Force: o.Force, DryRun: o.DryRun})
	if o.Output.Format != render.FormatTable {
		if err := render.List(f.Printer(o.Output), deleteSpec, render.Slice(results)); err != nil {
			return err
		}
		return runErr
	}
	for _, r := range results {
		switch r.Result {
		case ticketsvc.ResultFailed:
			if len(o.ids) > 1 {
				fmt.Fprintf(f.IO.ErrOut, "ticketctl: ticket %s: %s\n", r.ID, r.Error)
			}
		default:
			fmt.Fprintf(f.IO.Out, "%s ticket %s (%s)\n", r.Result, r.ID, render.Escape(r.Title))
		}
	}
	return runErr
}

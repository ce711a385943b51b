package tickets

import (
	"context"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	ticketsvc "github.com/ticketctl/ticketctl/internal/tickets"
)

// TagOptions of `tickets tag`.
type TagOptions struct {
	ID     bson.ObjectID
	Add    []string
	Remove []string
	Expect int64
	Output render.Options

	expect *int64
}

func newCmdTag(f *cmdutil.Factory, runF func(context.Context, *TagOptions) error) *cobra.Command {
	o := &TagOptions{}
	cmd := &cobra.Command{
		Use:   "tag ID --add TAG… --remove TAG…",
		Short: "Add or remove a ticket's tags (employees)",
		Long: `Add and remove tags in one conditional update (exit 5 if the ticket changed
meanwhile), recorded as an event. Tags are lower-cased; a ticket carries at most
20 tags of a-z, 0-9 and -.`,
		Example: `  ticketctl tickets tag 6750a1c2e4b0a1b2c3d4e5f6 --add refund,urgent
  ticketctl tickets tag 6750a1c2e4b0a1b2c3d4e5f6 --remove urgent --add billing`,
		Args: cmdutil.ExactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			id, err := cmdutil.ParseID("ticket id", args[0])
			if err != nil {
				return err
			}
			o.ID = id
			if len(o.Add) == 0 && len(o.Remove) == 0 {
				return fault.Invalid("nothing to change: pass --add or --remove")
			}
			if _, err := ticketsvc.NormalizeTags(o.Add); err != nil {
				return err
			}
			if cmd.Flags().Changed("expect-version") {
				o.expect = &o.Expect
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return tagRun(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringSliceVar(&o.Add, "add", nil, "tags to add (repeatable or comma-separated)")
	cmd.Flags().StringSliceVar(&o.Remove, "remove", nil, "tags to remove (repeatable or comma-separated)")
	cmd.Flags().Int64Var(&o.Expect, "expect-version", 0, "change only if the ticket still has this version")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func tagRun(ctx context.Context, f *cmdutil.Factory, o *TagOptions) error {
	svc, p, err := session(ctx, f, store.RoleEmployee)
	if err != nil {
		return err
	}
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	ch, err := svc.Tag(ctx, p, o.ID, o.Add, o.Remove, o.expect)
	if err != nil {
		return err
	}
	return printChange(f, o.Output, ch, "tags")
}

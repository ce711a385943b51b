package notify

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// DefaultListLimit is how many notifications `notify list` shows without
// --limit or --all.
const DefaultListLimit = 50

// ListOptions of `notify list`.
type ListOptions struct {
	Status string
	Ticket string
	Limit  int64
	All    bool
	Output render.Options
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	o := &ListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List notifications in the outbox, newest first",
		Long: `List the notifications in the outbox, newest first: pending ones (waiting for
their next attempt, or being sent), sent ones and failed ones (given up after a
permanent error or notify.max-attempts attempts). Needs the employee role.`,
		Example: `  ticketctl notify list
  ticketctl notify list --status pending
  ticketctl notify list --ticket 65f0c0ffee0123456789abcd -o json
  ticketctl notify list --status failed --all -o ids`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			return listRun(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.Status, "status", "", "only notifications with this status: "+strings.Join(store.NotifyStatuses, "|"))
	cmd.Flags().StringVar(&o.Ticket, "ticket", "", "only notifications about this ticket (id)")
	cmd.Flags().Int64Var(&o.Limit, "limit", DefaultListLimit, "show at most this many")
	cmd.Flags().BoolVar(&o.All, "all", false, "show every matching notification (no limit)")
	_ = cmd.RegisterFlagCompletionFunc("status", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return store.NotifyStatuses, cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func listRun(ctx context.Context, f *cmdutil.Factory, o *ListOptions) error {
	var filter store.NotificationFilter
	if o.Status != "" {
		s := strings.ToLower(strings.TrimSpace(o.Status))
		if !slices.Contains(store.NotifyStatuses, s) {
			return fault.Invalid("--status %q: want one of %s", o.Status, strings.Join(store.NotifyStatuses, ", "))
		}
		filter.Status = s
	}
	if o.Ticket != "" {
		id, err := cmdutil.ParseID("--ticket", o.Ticket)
		if err != nil {
			return err
		}
		filter.Ticket = &id
	}
	if o.Limit < 0 {
		return fault.Invalid("--limit %d: want 0 or more", o.Limit)
	}
	limit := o.Limit
	if o.All {
		limit = 0
	}
	_, st, err := f.Session(ctx, store.RoleEmployee)
	if err != nil {
		return err
	}
	return render.List(f.Printer(o.Output), notificationSpec, st.Notifications(ctx, filter, limit))
}

package triage

import (
	"strings"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/cli/ticketflags"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/priority"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

var changeSpec = render.Spec[priority.Change]{
	Headers: []string{"TICKET", "TITLE", "PRIORITY", "SEVERITY", "RESULT", "WHY"},
	Row: func(c priority.Change, f render.Formatter) []string {
		arrow := func(a, b string) string {
			if a == b {
				return b
			}
			if a == "" {
				a = "none"
			}
			return a + "→" + b
		}
		return []string{c.Ticket.Hex(), f.Truncate(c.Title, 32), arrow(c.FromPriority, c.ToPriority),
			arrow(c.FromSeverity, c.ToSeverity), c.Result, f.Truncate(strings.Join(c.Reasons, "; "), 70)}
	},
	ID: func(c priority.Change) string { return c.Ticket.Hex() },
}

func newCmdReprioritise(f *cmdutil.Factory) *cobra.Command {
	var filter ticketflags.Filter
	var dryRun bool
	var out render.Options
	cmd := &cobra.Command{
		Use:     "reprioritise [TICKET...|-] [filters]",
		Aliases: []string{"reprioritize"},
		Short:   "Score the priority and severity of existing tickets again (employees)",
		Long: `Score tickets again — the ones named (or "-": ids on stdin), else the open tickets
the filters select — from their text, the requester's account type and the
number of similar open tickets (same tags) created within triage.spike-window
(default 1h), and write the ones whose priority or severity changes, with
their reasons and a ticket.priority event.

A priority (or severity) a person set is never lowered: it is kept, or raised
when the evidence says the ticket is more urgent. A ticket changed by someone
else meanwhile is skipped, never overwritten. --dry-run shows the changes
without writing them.`,
		Example: `  ticketctl triage reprioritise --dry-run
  ticketctl triage reprioritise --tag outage
  ticketctl tickets list --status not-started -o ids | ticketctl triage reprioritise -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			q, err := filter.Parse(f.Now())
			if err != nil {
				return err
			}
			var ids []bson.ObjectID
			if len(args) > 0 {
				if ids, err = f.CollectIDs(args, "ticket id"); err != nil {
					return err
				}
			}
			if len(ids) > 0 && !filter.IsZero() {
				return fault.Invalid("name tickets or filter them, not both")
			}
			ctx := cmd.Context()
			p, st, err := f.Session(ctx, store.RoleEmployee)
			if err != nil {
				return err
			}
			if err := filter.Resolve(ctx, st, p, &q); err != nil {
				return err
			}
			if len(ids) > 0 {
				q.Filter = store.TicketFilter{IDs: ids}
			} else if len(q.Filter.Statuses) == 0 {
				q.Filter.Statuses = []string{store.StatusNotStarted, store.StatusInProgress}
			}
			sc, err := NewScorer(f, st)
			if err != nil {
				return err
			}
			seq := sc.Reprioritise(ctx, p.Username, st.TicketPages(ctx, q.Filter, st.Capabilities().ReadPage), dryRun)
			return render.List(f.Printer(out), changeSpec, seq)
		},
	}
	filter.RegisterWith(cmd, ticketflags.Options{NoSort: true})
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show the changes, write nothing")
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

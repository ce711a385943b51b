// Package distribute implements `ticketctl distribute`: manual, bulk and
// automatic moves of tickets from the central server to the teams'
// servers.
package distribute

import (
	"context"
	"fmt"
	"iter"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/cli/ticketflags"
	"github.com/ticketctl/ticketctl/internal/distribute"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/servers"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Options of `distribute [IDS...|-] --to SERVER`.
type Options struct {
	IDs    []string
	To     string
	Team   string
	From   string
	Filter ticketflags.Filter
	Run    runFlags
	Output render.Options
}

// NewCmd returns `ticketctl distribute` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "distribute [ID...|-] --to SERVER [--team TEAM]",
		Short: "Move tickets to another server, by id, by filter, or by plan",
		Long: `Move tickets from one server (normally the central one) to the server and team
that will handle them. Employees and admins only.

With ids (or "-" to read one id per line from stdin) the named tickets move.
Without ids, the selection flags choose tickets on --from (default: the
central server) and every match moves: a bulk move, confirmed on a terminal
and needing --yes in scripts.

Every move is one conditional update: a ticket that changed since it was read
is skipped with the reason, never overwritten. Running the same command again
is always safe: nothing moves twice and nothing is lost.

Exit status: 0 when every ticket moved or was legitimately skipped, 7 when some
moves failed, 6 when the database was lost (the summary says how far it got),
130 when interrupted (the current batch finishes first).`,
		Example: `  ticketctl distribute 6650a1b2c3d4e5f601234567 --to detroit --team billing
  ticketctl tickets list --tag billing -o ids | ticketctl distribute - --to detroit
  ticketctl distribute --tag outage --created-before 2h --to austin --yes -o json
  ticketctl distribute plan > plan.json && ticketctl distribute apply plan.json
  ticketctl distribute auto --yes -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.IDs = args
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if o.To == "" {
				return fault.WithHint(fault.Invalid("--to SERVER is required"), "see `ticketctl distribute --help`; plan, apply and auto are subcommands")
			}
			return run(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.To, "to", "", "destination server (name or id)")
	fl.StringVar(&o.Team, "team", "", "destination team (name or id); must be a team of --to")
	fl.StringVar(&o.From, "from", "", "source server for bulk moves (default: the central server)")
	o.Filter.RegisterWith(cmd, ticketflags.Options{NoServer: true, NoSort: true, NoTeam: true})
	addRunFlags(cmd, &o.Run)
	cmdutil.AddOutputFlags(cmd, &o.Output)
	cmd.AddCommand(newCmdPlan(f), newCmdApply(f), newCmdAuto(f), newCmdRules(f))
	return cmd
}

func addRunFlags(cmd *cobra.Command, rf *runFlags) {
	fl := cmd.Flags()
	fl.BoolVar(&rf.DryRun, "dry-run", false, "show what would move without changing anything")
	fl.IntVar(&rf.BatchSize, "batch-size", 0, "tickets per batch (default: config distribute.batch-size, else chosen for the server)")
	fl.StringVar(&rf.Note, "note", "", "note recorded in every move event")
	fl.BoolVarP(&rf.Yes, "yes", "y", false, "do not ask for confirmation (required for bulk moves without a terminal)")
}

func run(ctx context.Context, f *cmdutil.Factory, o *Options) error {
	if len(o.IDs) > 0 && (o.From != "" || !o.Filter.IsZero()) {
		return fault.Invalid("give ticket ids or selection flags, not both")
	}
	// Ids first: reading them from a pipe must not wait behind the store
	// (see cmdutil.SpoolStdin).
	var ids iter.Seq2[bson.ObjectID, error]
	if len(o.IDs) > 0 {
		var err error
		if ids, err = f.IDs(o.IDs, "ticket id"); err != nil {
			return err
		}
	}
	p, st, err := f.Session(ctx, store.RoleEmployee)
	if err != nil {
		return err
	}
	octx, cancel := f.OpContext(ctx)
	to, err := distribute.ResolveTarget(octx, st, o.To, o.Team)
	cancel()
	if err != nil {
		return err
	}
	if ids != nil {
		r, done, err := newRunner(f, st, p, o.Run, -1, o.Output)
		if err != nil {
			return err
		}
		sum, runErr := r.Run(ctx, distribute.IDSource(ctx, st, ids, to, r.BatchSize))
		done()
		return report(f, o.Output, sum, runErr)
	}
	q, err := o.Filter.Parse(f.Now())
	if err != nil {
		return err
	}
	if err := o.Filter.Resolve(ctx, st, p, &q); err != nil {
		return err
	}
	from, err := source(ctx, f, st, o.From)
	if err != nil {
		return err
	}
	q.Filter.Server = &from.ID
	n, err := count(ctx, f, st, q.Filter)
	if err != nil {
		return err
	}
	if !o.Run.DryRun {
		dest := to.Name
		if to.TeamName != "" {
			dest += " (team " + to.TeamName + ")"
		}
		if err := f.Confirm(o.Run.Yes, fmt.Sprintf("Move %d tickets from %s to %s?", n, from.Name, dest)); err != nil {
			return err
		}
	}
	r, done, err := newRunner(f, st, p, o.Run, n, o.Output)
	if err != nil {
		return err
	}
	sum, runErr := r.Run(ctx, distribute.FilterSource(ctx, st, q.Filter, to, st.Capabilities().ReadPage))
	done()
	return report(f, o.Output, sum, runErr)
}

// source is --from by name or id, else the central server.
func source(ctx context.Context, f *cmdutil.Factory, st *store.Store, ref string) (store.Server, error) {
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	if ref != "" {
		return servers.Resolve(ctx, st, ref)
	}
	sv, err := st.CentralServer(ctx)
	if err != nil {
		return sv, fault.WithHint(err, "run `ticketctl init` to create the central server")
	}
	return sv, nil
}

func count(ctx context.Context, f *cmdutil.Factory, st *store.Store, flt store.TicketFilter) (int64, error) {
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	return st.CountTickets(ctx, flt)
}

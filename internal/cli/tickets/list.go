package tickets

import (
	"context"
	"fmt"
	"iter"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/cli/ticketflags"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	ticketsvc "github.com/ticketctl/ticketctl/internal/tickets"
)

// DefaultLimit is how many tickets `tickets list` shows without --limit
// or --all.
const DefaultLimit = 50

// allBatchSize overrides the cursor batch size of --all and of export
// (benchmarks set it); -1 picks one per server, see batchFor.
var allBatchSize int32 = -1

// batchFor is the cursor batch size for streaming every ticket. FerretDB
// answers each getMore with about 250 documents unless asked for more:
// 1000 cuts round trips fourfold (100,000 tickets: 401 → 101) for about
// 8 MiB more client memory, measured in bench_test.go. MongoDB's own
// getMore batches fill up to 16 MiB, fewer round trips than any fixed
// count, so it keeps its default.
func batchFor(st *store.Store) int32 {
	if allBatchSize >= 0 {
		return allBatchSize
	}
	if st.Capabilities().Kind == store.KindFerretDB {
		return 1000
	}
	return 0
}

// ListOptions of `tickets list`.
type ListOptions struct {
	Filters ticketflags.Filter
	Limit   int64
	All     bool
	Output  render.Options

	query store.TicketQuery
}

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	o := &ListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List tickets filtered by tags and properties",
		Long: `List tickets, newest last unless --sort says otherwise. Filters combine with AND;
--tag values must all be present unless --any-tag. Customers see only their own
tickets.

Without --all at most --limit tickets are shown (default 50) and a note on stderr
says when more match. --all streams every match from a cursor: with -o json,
ndjson or ids memory stays flat however many there are. -o ids prints one id per
line, for piping into other commands.`,
		Example: `  ticketctl tickets list --status not-started --tag billing
  ticketctl tickets list --tag refund --tag app --any-tag --created-after 7d
  ticketctl tickets list --server detroit --sort -created_at --limit 10
  ticketctl tickets list --search "card declined" -o json --jq '.[].title'
  ticketctl tickets list --tag billing --all -o ids | ticketctl distribute - --to detroit`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if o.All && cmd.Flags().Changed("limit") {
				return fault.Invalid("--limit and --all exclude each other")
			}
			if o.Limit < 1 {
				return fault.Invalid("--limit %d: want at least 1 (or --all)", o.Limit)
			}
			q, err := o.Filters.Parse(f.Now())
			if err != nil {
				return err
			}
			o.query = q
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return listRun(cmd.Context(), f, o)
		},
	}
	o.Filters.Register(cmd)
	cmd.Flags().Int64Var(&o.Limit, "limit", DefaultLimit, "show at most this many tickets")
	cmd.Flags().BoolVar(&o.All, "all", false, "stream every matching ticket (no limit)")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func listRun(ctx context.Context, f *cmdutil.Factory, o *ListOptions) error {
	svc, p, err := session(ctx, f, store.RoleCustomer)
	if err != nil {
		return err
	}
	octx, cancel := f.OpContext(ctx)
	defer cancel()
	q := o.query
	if err := o.Filters.Resolve(octx, svc.St, p, &q); err != nil {
		return err
	}
	var names map[bson.ObjectID]string
	if o.Output.Format == render.FormatTable {
		if names, err = serverNames(octx, svc.St); err != nil {
			return err
		}
	}
	limit := int64(0)
	if !o.All {
		limit = o.Limit
	}
	// The stream uses the command's context, not a per-operation timeout:
	// listing everything may take longer than one operation should.
	more, err := streamTickets(ctx, svc, p, q, limit, f.Printer(o.Output), ticketSpec(names))
	if err != nil {
		return err
	}
	if more {
		fmt.Fprintf(f.IO.ErrOut, "ticketctl: showing the first %d tickets; more match (use --limit N or --all)\n", limit)
	}
	return nil
}

// streamTickets renders the tickets q selects as they arrive from the
// cursor; with a limit (0: none) it reports whether more matched. The
// benchmark in bench_test.go measures exactly this.
func streamTickets(ctx context.Context, svc *ticketsvc.Service, p auth.Principal, q store.TicketQuery, limit int64,
	pr *render.Printer, spec render.Spec[store.Ticket]) (more bool, err error) {
	if limit > 0 {
		q.Limit = limit + 1 // one more tells whether there are more
	} else {
		q.BatchSize = batchFor(svc.St)
	}
	seq, err := svc.List(ctx, p, q)
	if err != nil {
		return false, err
	}
	if limit > 0 {
		seq = capped(seq, limit, &more)
	}
	return more, render.List(pr, spec, seq)
}

// capped yields at most n items and records whether seq had more.
func capped(seq iter.Seq2[store.Ticket, error], n int64, more *bool) iter.Seq2[store.Ticket, error] {
	return func(yield func(store.Ticket, error) bool) {
		var i int64
		for t, err := range seq {
			if err == nil && i == n {
				*more = true
				return
			}
			i++
			if !yield(t, err) {
				return
			}
		}
	}
}

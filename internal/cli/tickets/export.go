package tickets

import (
	"bufio"
	"context"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/cli/ticketflags"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// ExportOptions of `tickets export`.
type ExportOptions struct {
	Filters   ticketflags.Filter
	Limit     int64
	Canonical bool

	query store.TicketQuery
}

func newCmdExport(f *cmdutil.Factory, runF func(context.Context, *ExportOptions) error) *cobra.Command {
	o := &ExportOptions{}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write tickets as NDJSON in mongoexport's shape (employees)",
		Long: `Write tickets to stdout, one Extended JSON document per line, the shape
mongoexport writes: every stored field as stored, {"$oid": …} ids and {"$date": …}
dates (relaxed mode; --canonical for canonical mode). ` + "`tickets import`" + `, mongoimport
and other MongoDB tools read it back. Streams from a cursor: memory stays flat.

Takes the filters of ` + "`tickets list`" + `; without them it exports every ticket.`,
		Example: `  ticketctl tickets export > tickets.ndjson
  ticketctl tickets export --status complete --created-before 2026-01-01 | gzip > archive.ndjson.gz
  ticketctl tickets export --tag billing | ticketctl --context staging tickets import - --skip-existing`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Limit < 0 {
				return fault.Invalid("--limit %d: want 0 (no limit) or more", o.Limit)
			}
			q, err := o.Filters.Parse(f.Now())
			if err != nil {
				return err
			}
			o.query = q
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return exportRun(cmd.Context(), f, o)
		},
	}
	o.Filters.Register(cmd)
	cmd.Flags().Int64Var(&o.Limit, "limit", 0, "export at most this many tickets (0: all)")
	cmd.Flags().BoolVar(&o.Canonical, "canonical", false, "canonical Extended JSON ({\"$numberLong\": …}) instead of relaxed")
	return cmd
}

func exportRun(ctx context.Context, f *cmdutil.Factory, o *ExportOptions) error {
	svc, p, err := session(ctx, f, store.RoleEmployee)
	if err != nil {
		return err
	}
	octx, cancel := f.OpContext(ctx)
	q := o.query
	err = o.Filters.Resolve(octx, svc.St, p, &q)
	cancel()
	if err != nil {
		return err
	}
	q.Limit, q.BatchSize = o.Limit, batchFor(svc.St)
	seq, err := svc.Export(ctx, p, q, o.Canonical)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f.IO.Out, 64<<10)
	for doc, err := range seq {
		if err != nil {
			w.Flush()
			return err
		}
		w.Write(doc)
		if err := w.WriteByte('\n'); err != nil {
			return err
		}
	}
	return w.Flush()
}

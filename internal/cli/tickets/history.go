package tickets

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// HistoryOptions of `tickets history`.
type HistoryOptions struct {
	ID     bson.ObjectID
	Output render.Options
}

func newCmdHistory(f *cmdutil.Factory, runF func(context.Context, *HistoryOptions) error) *cobra.Command {
	o := &HistoryOptions{}
	cmd := &cobra.Command{
		Use:   "history ID",
		Short: "Show a ticket's audit trail: who changed what, when",
		Long: `Show every recorded change of a ticket, oldest first: when, who, what
(create, status, tag, move, delete), from → to, and the note. The trail outlives
a deleted ticket. Customers see the history of their own tickets.`,
		Example: `  ticketctl tickets history 6750a1c2e4b0a1b2c3d4e5f6
  ticketctl tickets history 6750a1c2e4b0a1b2c3d4e5f6 -o json --jq '.[] | select(.action == "ticket.status")'`,
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
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return historyRun(cmd.Context(), f, o)
		},
	}
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func historyRun(ctx context.Context, f *cmdutil.Factory, o *HistoryOptions) error {
	svc, p, err := session(ctx, f, store.RoleCustomer)
	if err != nil {
		return err
	}
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	evs, err := svc.History(ctx, p, o.ID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	if o.Output.Format == render.FormatTable {
		if names, err = refNames(ctx, svc.St); err != nil {
			return err
		}
	}
	return render.List(f.Printer(o.Output), historySpec(names), render.Slice(evs))
}

// refNames maps server and team ids (hex) to names: move events record
// ids, a person reads names.
func refNames(ctx context.Context, st *store.Store) (map[string]string, error) {
	m := map[string]string{}
	svs, err := st.ListServers(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range svs {
		m[s.ID.Hex()] = s.Name
	}
	tms, err := st.ListTeams(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, t := range tms {
		if t.Name != "" {
			m[t.ID.Hex()] = t.Name
		}
	}
	return m, nil
}

func historySpec(names map[string]string) render.Spec[store.Event] {
	name := func(s string) string {
		parts := strings.Split(s, "/")
		for i, p := range parts {
			if n, ok := names[p]; ok {
				parts[i] = n
			}
		}
		return strings.Join(parts, "/")
	}
	return render.Spec[store.Event]{
		Headers: []string{"WHEN", "ACTOR", "ACTION", "FROM", "TO", "NOTE"},
		Row: func(e store.Event, f render.Formatter) []string {
			return []string{f.Time(e.At), e.Actor, strings.TrimPrefix(e.Action, "ticket."), name(e.From), name(e.To), f.Truncate(e.Note, 60)}
		},
		ID: func(e store.Event) string { return e.ID.Hex() },
	}
}

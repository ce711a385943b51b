package tickets

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// GetOptions of `tickets get`.
type GetOptions struct {
	ID     bson.ObjectID
	Output render.Options
}

func newCmdGet(f *cmdutil.Factory, runF func(context.Context, *GetOptions) error) *cobra.Command {
	o := &GetOptions{}
	cmd := &cobra.Command{
		Use:   "get ID",
		Short: "Show one ticket",
		Long: `Show one ticket with its description. Customers can see only their own tickets;
anything else is "not found" (exit 3).`,
		Example: `  ticketctl tickets get 6750a1c2e4b0a1b2c3d4e5f6
  ticketctl tickets get 6750a1c2e4b0a1b2c3d4e5f6 -o json --jq .status`,
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
			return getRun(cmd.Context(), f, o)
		},
	}
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func getRun(ctx context.Context, f *cmdutil.Factory, o *GetOptions) error {
	svc, p, err := session(ctx, f, store.RoleCustomer)
	if err != nil {
		return err
	}
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	t, err := svc.Get(ctx, p, o.ID)
	if err != nil {
		return err
	}
	if o.Output.Format != render.FormatTable {
		return render.One(f.Printer(o.Output), ticketSpec(nil), t)
	}
	d := detail{st: svc.St, fm: render.Formatter{TTY: f.IO.IsStdoutTTY(), Now: f.Now()}}
	return d.print(ctx, f, t)
}

// detail prints one ticket as "Field: value" lines and its description.
type detail struct {
	st *store.Store
	fm render.Formatter
}

func (d detail) print(ctx context.Context, f *cmdutil.Factory, t store.Ticket) error {
	server := t.Server.Hex()
	if sv, err := d.st.GetServer(ctx, t.Server); err == nil {
		server = sv.Name + " (" + server + ")"
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	team := ""
	if t.Team != nil {
		team = t.Team.Hex()
		if tm, err := d.st.GetTeam(ctx, *t.Team); err == nil && tm.Name != "" {
			team = tm.Name + " (" + team + ")"
		}
	}
	requester := ""
	if t.Requester != nil {
		requester = t.Requester.Hex()
		if acc, err := d.st.GetAccount(ctx, *t.Requester); err == nil {
			requester = acc.Username + " (" + requester + ")"
		}
	}
	rows := [][2]string{
		{"ID", t.ID.Hex()}, {"Title", t.Title}, {"Status", t.Status}, {"Priority", t.Priority}, {"Severity", t.Severity},
		{"Tags", strings.Join(t.Tags, ", ")}, {"Server", server}, {"Team", team}, {"Requester", requester},
		{"Created", d.fm.Time(t.CreatedAt)}, {"Updated", d.fm.Time(t.UpdatedAt)}, {"Version", fmt.Sprint(t.Version)},
	}
	if t.Resolution != nil && t.Resolution.Note != "" {
		rows = append(rows, [2]string{"Resolution", t.Resolution.Note})
	}
	var b strings.Builder
	for _, r := range rows {
		if r[1] == "" {
			continue
		}
		fmt.Fprintf(&b, "%-11s %s\n", r[0]+":", render.Escape(r[1]))
	}
	b.WriteString("\n")
	for _, line := range strings.Split(t.Description, "\n") {
		fmt.Fprintf(&b, "  %s\n", render.Escape(line))
	}
	_, err := fmt.Fprint(f.IO.Out, b.String())
	return err
}

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

// StatusOptions of `tickets status`.
type StatusOptions struct {
	ID     bson.ObjectID
	Status string
	Note   string
	Expect int64
	Output render.Options

	expect *int64
}

func newCmdStatus(f *cmdutil.Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	o := &StatusOptions{}
	cmd := &cobra.Command{
		Use:   "status ID not-started|in-progress|complete",
		Short: "Change a ticket's status (employees)",
		Long: `Change a ticket's status. The change is one conditional update on the version
that was read (or on --expect-version): if someone changed the ticket meanwhile,
nothing is written and the command exits 5 — read it again and retry. Every
change appends an event that ` + "`tickets history`" + ` shows; setting the status a ticket
already has changes nothing.`,
		Example: `  ticketctl tickets status 6750a1c2e4b0a1b2c3d4e5f6 in-progress
  ticketctl tickets status 6750a1c2e4b0a1b2c3d4e5f6 complete --note "refund issued"
  ticketctl tickets status 6750a1c2e4b0a1b2c3d4e5f6 complete --expect-version 3`,
		Args: cmdutil.ExactArgs(2, "ID and STATUS"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 1 {
				return []string{"not-started", "in-progress", "complete"}, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			id, err := cmdutil.ParseID("ticket id", args[0])
			if err != nil {
				return err
			}
			o.ID = id
			if o.Status, err = ticketsvc.ParseStatus(args[1]); err != nil {
				return err
			}
			if o.Note, err = ticketsvc.ValidateNote(o.Note); err != nil {
				return err
			}
			if cmd.Flags().Changed("expect-version") {
				o.expect = &o.Expect
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return statusRun(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.Note, "note", "", "why, recorded with the change")
	cmd.Flags().Int64Var(&o.Expect, "expect-version", 0, "change only if the ticket still has this version")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func statusRun(ctx context.Context, f *cmdutil.Factory, o *StatusOptions) error {
	svc, p, err := session(ctx, f, store.RoleEmployee)
	if err != nil {
		return err
	}
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	ch, err := svc.SetStatus(ctx, p, o.ID, o.Status, o.Note, o.expect)
	if err != nil {
		return err
	}
	return printChange(f, o.Output, ch, "status")
}

// printChange reports a status or tag change: one line in a table, the
// change object in JSON.
func printChange(f *cmdutil.Factory, out render.Options, ch ticketsvc.Change, what string) error {
	if out.Format != render.FormatTable {
		return render.One(f.Printer(out), render.Spec[ticketsvc.Change]{
			Headers: []string{"ID", "FROM", "TO", "CHANGED", "VERSION"},
			Row: func(c ticketsvc.Change, _ render.Formatter) []string {
				return []string{c.Ticket.ID.Hex(), c.From, c.To, fmt.Sprint(c.Changed), fmt.Sprint(c.Ticket.Version)}
			},
			ID: func(c ticketsvc.Change) string { return c.Ticket.ID.Hex() },
		}, ch)
	}
	id := ch.Ticket.ID.Hex()
	if !ch.Changed {
		_, err := fmt.Fprintf(f.IO.Out, "ticket %s: %s unchanged (%s)\n", id, what, render.Escape(orNone(ch.To)))
		return err
	}
	_, err := fmt.Fprintf(f.IO.Out, "ticket %s: %s %s → %s (version %d)\n", id, what,
		render.Escape(orNone(ch.From)), render.Escape(orNone(ch.To)), ch.Ticket.Version)
	return err
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

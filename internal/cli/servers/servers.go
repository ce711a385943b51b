// Package servers implements `ticketctl servers`: create, list, get,
// delete, add-team and remove-team.
package servers

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/servers"
	"github.com/ticketctl/ticketctl/internal/store"
)

// NewCmd returns `ticketctl servers`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "servers <command>",
		Aliases: []string{"server"},
		Short:   "Manage the central and regional servers tickets live on",
		Long: `Servers are where tickets live: exactly one central server receives every new
ticket (` + "`ticketctl init`" + ` creates it), and regional servers hold teams that
distribution moves tickets to. Servers are named by name or id, and "central"
names the central server whatever it is called. Admins create and change them;
employees list them.`,
	}
	cmd.AddCommand(newCmdCreate(f), newCmdList(f), newCmdGet(f), newCmdDelete(f),
		newCmdTeam(f, true), newCmdTeam(f, false))
	return cmd
}

func session(ctx context.Context, f *cmdutil.Factory, role string) (*servers.Service, auth.Principal, error) {
	p, st, err := f.Session(ctx, role)
	if err != nil {
		return nil, p, err
	}
	return servers.New(st, f.Now), p, nil
}

func statusCount(v servers.View, status string) string {
	return fmt.Sprint(v.Tickets[status])
}

func listSpec(counts bool) render.Spec[servers.View] {
	h := []string{"NAME", "REGION", "CENTRAL", "TEAMS", "ID"}
	if counts {
		h = []string{"NAME", "REGION", "CENTRAL", "TEAMS", "NOT STARTED", "IN PROGRESS", "COMPLETE", "ID"}
	}
	return render.Spec[servers.View]{
		Headers: h,
		Row: func(v servers.View, f render.Formatter) []string {
			row := []string{v.Name, v.Region, yesNo(v.Central), f.Truncate(strings.Join(v.TeamNames, ","), 40)}
			if counts {
				row = append(row, statusCount(v, store.StatusNotStarted), statusCount(v, store.StatusInProgress),
					statusCount(v, store.StatusComplete))
			}
			return append(row, v.ID.Hex())
		},
		ID: func(v servers.View) string { return v.ID.Hex() },
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func newCmdCreate(f *cmdutil.Factory) *cobra.Command {
	var region string
	var central bool
	var out render.Options
	cmd := &cobra.Command{
		Use:   "create NAME --region REGION",
		Short: "Create a regional server (admins)",
		Long: `Create a server. Names are 1 to 64 characters and unique. There is exactly one
central server, made by ` + "`ticketctl init`" + `; --central fails (exit 5) while it exists.
Prints the new server's id; -o json prints the server.`,
		Example: `  ticketctl servers create detroit --region us-east-2
  ticketctl servers create "Dublin EU" --region eu-west-1 -o json`,
		Args: cmdutil.ExactArgs(1, "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if region == "" {
				return fault.Invalid("--region is required")
			}
			svc, p, err := session(cmd.Context(), f, store.RoleAdmin)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			sv, err := svc.Create(ctx, p, args[0], region, central)
			if err != nil {
				return err
			}
			if out.Format == render.FormatTable || out.Format == render.FormatIDs {
				_, err := fmt.Fprintln(f.IO.Out, sv.ID.Hex())
				return err
			}
			return render.One(f.Printer(out), listSpec(false), servers.View{Server: sv, TeamNames: []string{}})
		},
	}
	cmd.Flags().StringVar(&region, "region", "", "region, e.g. us-east-2")
	cmd.Flags().BoolVar(&central, "central", false, "make it the central server (only if none exists)")
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var counts bool
	var out render.Options
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List servers, the central one first (employees)",
		Long: `List servers with their teams. --counts adds the number of tickets per status
on each server (one aggregation over all tickets).`,
		Example: "  ticketctl servers list\n  ticketctl servers list --counts -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			svc, p, err := session(cmd.Context(), f, store.RoleEmployee)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			vs, err := svc.List(ctx, p, counts)
			if err != nil {
				return err
			}
			return render.List(f.Printer(out), listSpec(counts), render.Slice(vs))
		},
	}
	cmd.Flags().BoolVar(&counts, "counts", false, "count tickets per status on each server")
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdGet(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:     "get NAME|ID",
		Short:   "Show a server, its teams and its ticket counts (employees)",
		Example: "  ticketctl servers get detroit\n  ticketctl servers get central -o json --jq .tickets",
		Args:    cmdutil.ExactArgs(1, "NAME or ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			svc, p, err := session(cmd.Context(), f, store.RoleEmployee)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			v, err := svc.Get(ctx, p, args[0])
			if err != nil {
				return err
			}
			if out.Format != render.FormatTable {
				return render.One(f.Printer(out), listSpec(true), v)
			}
			teams := strings.Join(v.TeamNames, ", ")
			if v.Central {
				teams = "(none: the central server receives new tickets)"
			}
			var b strings.Builder
			for _, r := range [][2]string{
				{"Name", v.Name}, {"ID", v.ID.Hex()}, {"Region", v.Region}, {"Central", yesNo(v.Central)}, {"Teams", teams},
				{"Tickets", fmt.Sprintf("%d (%s not started, %s in progress, %s complete)", v.Total(),
					statusCount(v, store.StatusNotStarted), statusCount(v, store.StatusInProgress), statusCount(v, store.StatusComplete))},
			} {
				fmt.Fprintf(&b, "%-9s %s\n", r[0]+":", render.Escape(r[1]))
			}
			_, err = fmt.Fprint(f.IO.Out, b.String())
			return err
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete NAME|ID",
		Short: "Delete a regional server that holds no tickets (admins)",
		Long: `Delete a regional server. The central server is never deleted, nor a server
that still holds tickets (exit 5): distribute them elsewhere first. Asks for
confirmation on a terminal; elsewhere it refuses without --yes.`,
		Example: "  ticketctl servers delete dublin\n  ticketctl servers delete 6750a1c2e4b0a1b2c3d4e5f6 --yes",
		Args:    cmdutil.ExactArgs(1, "NAME or ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, p, err := session(cmd.Context(), f, store.RoleAdmin)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			sv, err := servers.Resolve(ctx, svc.St, args[0])
			if err != nil {
				return err
			}
			if err := f.Confirm(yes, fmt.Sprintf("Delete server %s (%s)?", render.Escape(sv.Name), sv.ID.Hex())); err != nil {
				return err
			}
			sv, err = svc.Delete(ctx, p, sv.ID.Hex())
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(f.IO.Out, "deleted server %s (%s)\n", render.Escape(sv.Name), sv.ID.Hex())
			return err
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func newCmdTeam(f *cmdutil.Factory, add bool) *cobra.Command {
	use, short, verb := "add-team SERVER TEAM", "Put a team on a regional server (admins)", "added"
	if !add {
		use, short, verb = "remove-team SERVER TEAM", "Take a team off a server (admins)", "removed"
	}
	var out render.Options
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: `Servers and teams are named by name or id. A team works on one regional server;
the central server has no teams.`,
		Example: "  ticketctl servers " + strings.Fields(use)[0] + " detroit billing",
		Args:    cmdutil.ExactArgs(2, "SERVER and TEAM"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			svc, p, err := session(cmd.Context(), f, store.RoleAdmin)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			do := svc.AddTeam
			if !add {
				do = svc.RemoveTeam
			}
			sv, t, changed, err := do(ctx, p, args[0], args[1])
			if err != nil {
				return err
			}
			if out.Format != render.FormatTable {
				v, err := svc.Get(ctx, p, sv.ID.Hex())
				if err != nil {
					return err
				}
				return render.One(f.Printer(out), listSpec(true), v)
			}
			prep := "to"
			if !add {
				prep = "from"
			}
			if !changed {
				// Say so: a script or a person must not read a no-op as a change.
				state := "already works on"
				if !add {
					state = "does not work on"
				}
				_, err = fmt.Fprintf(f.IO.Out, "team %s %s server %s: nothing changed\n", render.Escape(teamLabel(t)), state, render.Escape(sv.Name))
				return err
			}
			_, err = fmt.Fprintf(f.IO.Out, "%s team %s %s server %s\n", verb, render.Escape(teamLabel(t)), prep, render.Escape(sv.Name))
			return err
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func teamLabel(t store.Team) string {
	if t.Name != "" {
		return t.Name
	}
	return t.ID.Hex()
}

// Package teams implements `ticketctl teams`: create, list, get, delete,
// add-member and remove-member.
package teams

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/teams"
)

// NewCmd returns `ticketctl teams`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "teams <command>",
		Aliases: []string{"team"},
		Short:   "Manage the teams that resolve tickets",
		Long: `A team belongs to a company, has a category (what it handles), optional skills
(tags it is good at, used by distribution), and members: employees of that
company. Teams work on regional servers (` + "`servers add-team`" + `). Teams are named by
name or id. Admins create and change them; employees list them.`,
	}
	cmd.AddCommand(newCmdCreate(f), newCmdList(f), newCmdGet(f), newCmdDelete(f),
		newCmdMember(f, true), newCmdMember(f, false))
	return cmd
}

func session(ctx context.Context, f *cmdutil.Factory, role string) (*teams.Service, auth.Principal, error) {
	p, st, err := f.Session(ctx, role)
	if err != nil {
		return nil, p, err
	}
	return teams.New(st, f.Now), p, nil
}

var spec = render.Spec[teams.View]{
	Headers: []string{"NAME", "COMPANY", "CATEGORY", "SKILLS", "MEMBERS", "SERVER", "ID"},
	Row: func(v teams.View, f render.Formatter) []string {
		return []string{v.Name, v.Company, v.Category, f.Truncate(f.List(v.Skills), 40), fmt.Sprint(len(v.Members)),
			v.ServerName, v.ID.Hex()}
	},
	ID: func(v teams.View) string { return v.ID.Hex() },
}

func newCmdCreate(f *cmdutil.Factory) *cobra.Command {
	var in teams.NewTeam
	var out render.Options
	cmd := &cobra.Command{
		Use:   "create --company COMPANY --category CATEGORY [--name NAME] [--skills TAG,…]",
		Short: "Create a team (admins)",
		Long: `Create a team. --name (1 to 64 characters, unique) lets people refer to it by
name; without one it is referred to by id. --skills are tags the team handles
(at most 20 of a-z, 0-9 and -). Prints the new team's id; -o json prints the team.`,
		Example: `  ticketctl teams create --company "Lakeside Burgers" --category Billing --name billing --skills billing,refund
  ticketctl teams create --company McDonalds --category "Search Team"`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if in.Company == "" || in.Category == "" {
				return fault.Invalid("--company and --category are required")
			}
			svc, p, err := session(cmd.Context(), f, store.RoleAdmin)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			t, err := svc.Create(ctx, p, in)
			if err != nil {
				return err
			}
			if out.Format == render.FormatTable || out.Format == render.FormatIDs {
				_, err := fmt.Fprintln(f.IO.Out, t.ID.Hex())
				return err
			}
			return render.One(f.Printer(out), spec, teams.View{Team: t, MemberUsernames: []string{}})
		},
	}
	cmd.Flags().StringVar(&in.Company, "company", "", "company the team works for")
	cmd.Flags().StringVar(&in.Category, "category", "", "what the team handles, e.g. Billing")
	cmd.Flags().StringVar(&in.Name, "name", "", "unique name to refer to the team by")
	cmd.Flags().StringSliceVar(&in.Skills, "skills", nil, "tags the team handles (comma-separated or repeatable)")
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var company string
	var out render.Options
	cmd := &cobra.Command{
		Use:     "list [--company COMPANY]",
		Short:   "List teams with their skills, members and servers (employees)",
		Example: "  ticketctl teams list\n  ticketctl teams list --company \"Lakeside Burgers\" -o json",
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
			vs, err := svc.List(ctx, p, company)
			if err != nil {
				return err
			}
			return render.List(f.Printer(out), spec, render.Slice(vs))
		},
	}
	cmd.Flags().StringVar(&company, "company", "", "only teams of this company")
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdGet(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:     "get NAME|ID",
		Short:   "Show a team with its members (employees)",
		Example: "  ticketctl teams get billing\n  ticketctl teams get billing -o json --jq .member_usernames",
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
				return render.One(f.Printer(out), spec, v)
			}
			server := v.ServerName
			if server == "" {
				server = "(none: add it with `ticketctl servers add-team`)"
			}
			var b strings.Builder
			for _, r := range [][2]string{
				{"Name", v.Name}, {"ID", v.ID.Hex()}, {"Company", v.Company}, {"Category", v.Category},
				{"Skills", strings.Join(v.Skills, ", ")}, {"Server", server},
				{"Members", fmt.Sprintf("%d %s", len(v.MemberUsernames), strings.Join(v.MemberUsernames, ", "))},
			} {
				fmt.Fprintf(&b, "%-10s %s\n", r[0]+":", render.Escape(r[1]))
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
		Short: "Delete a team that is on no server and has no tickets (admins)",
		Long: `Delete a team. A team that still works on a server or still has tickets is not
deleted (exit 5). Asks for confirmation on a terminal; elsewhere it refuses
without --yes.`,
		Example: "  ticketctl teams delete billing --yes",
		Args:    cmdutil.ExactArgs(1, "NAME or ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, p, err := session(cmd.Context(), f, store.RoleAdmin)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			t, err := svc.Resolve(ctx, args[0])
			if err != nil {
				return err
			}
			if err := f.Confirm(yes, fmt.Sprintf("Delete team %s?", render.Escape(teams.Label(t)))); err != nil {
				return err
			}
			t, err = svc.Delete(ctx, p, t.ID.Hex())
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(f.IO.Out, "deleted team %s\n", render.Escape(teams.Label(t)))
			return err
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func newCmdMember(f *cmdutil.Factory, add bool) *cobra.Command {
	use, short := "add-member TEAM ACCOUNT", "Add an employee of the team's company to a team (admins)"
	if !add {
		use, short = "remove-member TEAM ACCOUNT", "Remove an account from a team (admins)"
	}
	var out render.Options
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Long:    "TEAM is a name or id, ACCOUNT a username or id. Only employees (or admins) of\nthe team's company can be members.",
		Example: "  ticketctl teams " + strings.Fields(use)[0] + " billing timcheese67",
		Args:    cmdutil.ExactArgs(2, "TEAM and ACCOUNT"),
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
			do, verb, prep := svc.AddMember, "added", "to"
			if !add {
				do, verb, prep = svc.RemoveMember, "removed", "from"
			}
			t, acc, changed, err := do(ctx, p, args[0], args[1])
			if err != nil {
				return err
			}
			if out.Format != render.FormatTable {
				v, err := svc.Get(ctx, p, t.ID.Hex())
				if err != nil {
					return err
				}
				return render.One(f.Printer(out), spec, v)
			}
			members := fmt.Sprintf("%d members", len(t.Members))
			if len(t.Members) == 1 {
				members = "1 member"
			}
			if !changed {
				// Say so: a script or a person must not read a no-op as a change.
				state := "is already a member of"
				if !add {
					state = "is not a member of"
				}
				_, err = fmt.Fprintf(f.IO.Out, "%s %s team %s (%s): nothing changed\n", acc.Username, state,
					render.Escape(teams.Label(t)), members)
				return err
			}
			_, err = fmt.Fprintf(f.IO.Out, "%s %s %s team %s (%s)\n", verb, acc.Username, prep,
				render.Escape(teams.Label(t)), members)
			return err
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

package distribute

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/distribute"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	ticketsvc "github.com/ticketctl/ticketctl/internal/tickets"
)

func newCmdRules(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Manage the tag → server/team rules of the rules strategy",
		Long: `Rules send tickets that carry a tag to a server (and team). The rules strategy
tries them by ascending order and the first match wins. Admins add and delete
rules; employees may list them.`,
	}
	cmd.AddCommand(newCmdRulesAdd(f), newCmdRulesList(f), newCmdRulesDelete(f))
	return cmd
}

var ruleSpec = render.Spec[distribute.RuleView]{
	Headers: []string{"ID", "ORDER", "TAG", "SERVER", "TEAM"},
	Row: func(r distribute.RuleView, _ render.Formatter) []string {
		return []string{r.ID.Hex(), fmt.Sprint(r.Order), r.Tag, r.ServerName, r.TeamName}
	},
	ID: func(r distribute.RuleView) string { return r.ID.Hex() },
}

func newCmdRulesAdd(f *cmdutil.Factory) *cobra.Command {
	var tag, to, team string
	var order int
	var out render.Options
	cmd := &cobra.Command{
		Use:     "add --tag TAG --to SERVER [--team TEAM] [--order N]",
		Short:   "Add a rule (admins)",
		Example: "  ticketctl distribute rules add --tag billing --to detroit --team billing --order 10",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			tags, err := ticketsvc.NormalizeTags([]string{tag})
			if err != nil {
				return err
			}
			if len(tags) != 1 {
				return cmdutil.RequiredFlag("--tag")
			}
			if to == "" {
				return cmdutil.RequiredFlag("--to")
			}
			ctx := cmd.Context()
			p, st, err := f.Session(ctx, store.RoleAdmin)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(ctx)
			defer cancel()
			v, err := distribute.AddRule(ctx, st, p.Username, tags[0], to, team, order)
			if err != nil {
				return err
			}
			return render.One(f.Printer(out), ruleSpec, v)
		},
	}
	cmd.Flags().StringVar(&tag, "tag", "", "tag the rule matches")
	cmd.Flags().StringVar(&to, "to", "", "destination server (name or id)")
	cmd.Flags().StringVar(&team, "team", "", "destination team (name or id); must be a team of --to")
	cmd.Flags().IntVar(&order, "order", 100, "evaluation order; lower first")
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdRulesList(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the rules in evaluation order",
		Example: "  ticketctl distribute rules list\n  ticketctl distribute rules list -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			ctx := cmd.Context()
			_, st, err := f.Session(ctx, store.RoleEmployee)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(ctx)
			defer cancel()
			views, err := distribute.ListRules(ctx, st)
			if err != nil {
				return err
			}
			return render.List(f.Printer(out), ruleSpec, render.Slice(views))
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdRulesDelete(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "delete ID",
		Short:   "Delete a rule (admins)",
		Example: "  ticketctl distribute rules delete 6650a1b2c3d4e5f601234567",
		Args:    cmdutil.ExactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := cmdutil.ParseID("rule id", args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			p, st, err := f.Session(ctx, store.RoleAdmin)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(ctx)
			defer cancel()
			if err := distribute.DeleteRule(ctx, st, p.Username, id); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "deleted rule %s\n", id.Hex())
			return nil
		},
	}
}

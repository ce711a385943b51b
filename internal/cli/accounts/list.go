package accounts

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	svc "github.com/ticketctl/ticketctl/internal/accounts"
	"github.com/ticketctl/ticketctl/internal/cli/authcmd"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// DefaultLimit is how many accounts list shows without --all.
const DefaultLimit = 100

// ListOptions of `accounts list`.
type ListOptions struct {
	Filter svc.Filter
	Limit  int64
	All    bool
	Output render.Options
}

// NewCmdList returns `ticketctl accounts list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	o := &ListOptions{}
	cmd := &cobra.Command{
		Use:   "list [flags]",
		Short: "List accounts (employees and admins)",
		Long: `List accounts ordered by username, at most --limit of them unless --all.
Needs the employee or admin role. The STATUS column says whether an account is
locked after failed log-ins or must change its password.`,
		Example: `  ticketctl accounts list
  ticketctl accounts list --role employee --company Acme
  ticketctl accounts list --type work --all -o ndjson`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if o.Limit <= 0 {
				return fault.Invalid("--limit must be at least 1 (use --all for every account)")
			}
			if o.Filter.Role != "" {
				if _, err := svc.ValidateRole(o.Filter.Role); err != nil {
					return err
				}
			}
			if o.Filter.Type != "" {
				if _, err := svc.ValidateType(o.Filter.Type); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return listRun(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Filter.Role, "role", "", "only this role: customer|employee|admin")
	fl.StringVar(&o.Filter.Company, "company", "", "only this company (exact)")
	fl.StringVar(&o.Filter.Type, "type", "", "only this type: personal|work")
	fl.Int64Var(&o.Limit, "limit", DefaultLimit, "show at most this many accounts")
	fl.BoolVar(&o.All, "all", false, "show every matching account (ignores --limit)")
	_ = cmd.RegisterFlagCompletionFunc("role", completeRoles)
	_ = cmd.RegisterFlagCompletionFunc("type", completeTypes)
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func listRun(ctx context.Context, f *cmdutil.Factory, o *ListOptions) error {
	if _, err := f.Require(ctx, store.RoleEmployee); err != nil {
		return err
	}
	s, err := authcmd.Service(ctx, f)
	if err != nil {
		return err
	}
	limit := o.Limit + 1 // one more tells whether there are more
	if o.All {
		limit = 0
	}
	seq, err := s.List(ctx, o.Filter, limit)
	if err != nil {
		return err
	}
	more := false
	shown := func(yield func(store.Account, error) bool) {
		n := int64(0)
		for a, err := range seq {
			if err == nil && !o.All && n == o.Limit {
				more = true
				return
			}
			n++
			if !yield(a, err) {
				return
			}
		}
	}
	if err := render.List(f.Printer(o.Output), Spec(f.Now()), shown); err != nil {
		return err
	}
	if more {
		fmt.Fprintf(f.IO.ErrOut, "ticketctl: showing the first %d accounts; use --limit or --all for more\n", o.Limit)
	}
	return nil
}

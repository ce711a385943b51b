package accounts

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	svc "github.com/ticketctl/ticketctl/internal/accounts"
	"github.com/ticketctl/ticketctl/internal/cli/authcmd"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// SetRoleOptions of `accounts set-role`.
type SetRoleOptions struct {
	Ref    svc.Ref
	Role   string
	Output render.Options
}

// NewCmdSetRole returns `ticketctl accounts set-role`.
func NewCmdSetRole(f *cmdutil.Factory, runF func(context.Context, *SetRoleOptions) error) *cobra.Command {
	o := &SetRoleOptions{}
	cmd := &cobra.Command{
		Use:   "set-role ACCOUNT ROLE",
		Short: "Change an account's role (admin)",
		Long: `Make an account a customer, employee or admin. Needs the admin role. The change
applies to the account's existing sessions at once. The last admin cannot be
demoted; an employee needs a company.`,
		Example: `  ticketctl accounts set-role bob employee
  ticketctl accounts set-role 65f1c0ffee0123456789abcd admin -o json`,
		Args: cmdutil.ExactArgs(2, "ACCOUNT ROLE"),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 1 {
				return svc.Roles, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			ref, err := svc.ParseRef(args[0])
			if err != nil {
				return err
			}
			if o.Role, err = svc.ValidateRole(args[1]); err != nil {
				return err
			}
			o.Ref = ref
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return setRoleRun(cmd.Context(), f, o)
		},
	}
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func setRoleRun(ctx context.Context, f *cmdutil.Factory, o *SetRoleOptions) error {
	p, err := f.Require(ctx, store.RoleAdmin)
	if err != nil {
		return err
	}
	s, err := authcmd.Service(ctx, f)
	if err != nil {
		return err
	}
	opctx, cancel := f.OpContext(ctx)
	defer cancel()
	acc, changed, err := s.SetRole(opctx, p, o.Ref.For(p), o.Role)
	if err != nil {
		return err
	}
	if o.Output.Format != render.FormatTable {
		return render.One(f.Printer(o.Output), Spec(f.Now()), acc)
	}
	if !changed {
		fmt.Fprintf(f.IO.Out, "%s is already %s.\n", acc.Username, acc.Role)
		return nil
	}
	fmt.Fprintf(f.IO.Out, "%s is now %s.\n", acc.Username, acc.Role)
	return nil
}

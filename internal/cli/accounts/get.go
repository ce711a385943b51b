package accounts

import (
	"context"

	"github.com/spf13/cobra"

	svc "github.com/ticketctl/ticketctl/internal/accounts"
	"github.com/ticketctl/ticketctl/internal/cli/authcmd"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// GetOptions of `accounts get`.
type GetOptions struct {
	Ref    svc.Ref
	Output render.Options
}

// NewCmdGet returns `ticketctl accounts get`.
func NewCmdGet(f *cmdutil.Factory, runF func(context.Context, *GetOptions) error) *cobra.Command {
	o := &GetOptions{}
	cmd := &cobra.Command{
		Use:   "get ACCOUNT",
		Short: "Show one account (employees and admins; anyone for their own)",
		Example: `  ticketctl accounts get alice
  ticketctl accounts get 65f1c0ffee0123456789abcd -o json
  ticketctl accounts get me`,
		Args: cmdutil.ExactArgs(1, "ACCOUNT: id, username or me"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			ref, err := svc.ParseRef(args[0])
			if err != nil {
				return err
			}
			o.Ref = ref
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			p, err := f.Require(cmd.Context(), store.RoleCustomer)
			if err != nil {
				return err
			}
			s, err := authcmd.Service(cmd.Context(), f)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			acc, err := s.Get(ctx, p, o.Ref.For(p))
			if err != nil {
				return err
			}
			return render.One(f.Printer(o.Output), Spec(f.Now()), acc)
		},
	}
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

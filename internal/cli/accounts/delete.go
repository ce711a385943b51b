package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	svc "github.com/ticketctl/ticketctl/internal/accounts"
	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/authcmd"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// DeleteOptions of `accounts delete`.
type DeleteOptions struct {
	Ref           svc.Ref
	Yes           bool
	PasswordStdin bool
	Output        render.Options
}

// NewCmdDelete returns `ticketctl accounts delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	o := &DeleteOptions{}
	cmd := &cobra.Command{
		Use:   "delete ACCOUNT",
		Short: "Delete your own account (with your password) or, as an admin, any account",
		Long: `Delete an account and revoke all its sessions. Deleting your own account asks
for your current password; an admin may delete any other account. The last
admin cannot be deleted. Tickets keep the id of their requester.

Asks for confirmation on a terminal; without one, --yes is required.`,
		Example: `  ticketctl accounts delete bob
  ticketctl accounts delete 65f1c0ffee0123456789abcd --yes
  printf '%s\n' "$PW" | ticketctl accounts delete me --yes --password-stdin`,
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
			if !o.Yes && !f.IO.CanPrompt() {
				return fault.WithHint(fault.Invalid("refusing to delete account %s without confirmation", args[0]),
					"pass --yes to delete without a prompt")
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return deleteRun(cmd.Context(), f, o)
		},
	}
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&o.PasswordStdin, "password-stdin", false, PasswordOfSelfHelp)
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

// PasswordOfSelfHelp is --password-stdin's help where only one's own
// account needs a password.
const PasswordOfSelfHelp = "read your current password (needed for your own account) from the first line of stdin"

func deleteRun(ctx context.Context, f *cmdutil.Factory, o *DeleteOptions) error {
	p, err := f.Require(ctx, store.RoleCustomer)
	if err != nil {
		return err
	}
	o.Ref = o.Ref.For(p)
	self := o.Ref.Matches(store.Account{ID: p.ID, Username: p.Username})
	if !self {
		if err := auth.Require(p, store.RoleAdmin); err != nil {
			return err
		}
	}
	sec := authcmd.Secrets{IO: f.IO, FromStdin: o.PasswordStdin}
	if self {
		if err := sec.CheckSource(); err != nil {
			return err
		}
	}
	s, err := authcmd.Service(ctx, f)
	if err != nil {
		return err
	}
	opctx, cancel := f.OpContext(ctx)
	acc, err := s.Resolve(opctx, o.Ref)
	cancel()
	if err != nil {
		return err
	}
	if !o.Yes {
		ok, err := f.IO.Confirm(fmt.Sprintf("Delete account %s (%s, %s, %s) and revoke its sessions?", acc.Username, acc.Name, acc.Role, acc.ID.Hex()))
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("not confirmed: nothing was deleted")
		}
	}
	password := ""
	if self {
		if password, err = sec.Current("Your current password: "); err != nil {
			return err
		}
	}
	opctx, cancel = f.OpContext(ctx)
	defer cancel()
	deleted, err := s.Delete(opctx, p, svc.Ref{ID: acc.ID}, password)
	if err != nil {
		return err
	}
	if self {
		if err := forgetLocalSession(f); err != nil {
			return err
		}
	}
	if o.Output.Format != render.FormatTable {
		return render.One(f.Printer(o.Output), Spec(f.Now()), deleted)
	}
	fmt.Fprintf(f.IO.Out, "Deleted account %s (%s); its sessions are revoked.\n", deleted.Username, deleted.ID.Hex())
	return nil
}

// forgetLocalSession removes the current context's credential after the
// account it belongs to was deleted.
func forgetLocalSession(f *cmdutil.Factory) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	t, err := f.Target()
	if err != nil {
		return err
	}
	creds, err := auth.LoadCredentials(cfg.Paths.CredentialsFile())
	if err != nil {
		return err
	}
	return creds.Delete(t.CredentialKey())
}

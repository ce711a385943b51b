package accounts

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	svc "github.com/ticketctl/ticketctl/internal/accounts"
	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/authcmd"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// ResetPasswordOptions of `accounts reset-password`.
type ResetPasswordOptions struct {
	Ref           *svc.Ref // nil: your own account
	PasswordStdin bool
	Output        render.Options
}

// ResetResult is what reset-password prints. TemporaryPassword is set
// only when ticketctl generated it, and is shown this once.
type ResetResult struct {
	ID                 string `json:"_id"`
	Username           string `json:"username"`
	TemporaryPassword  string `json:"temporary_password,omitempty"`
	MustChangePassword bool   `json:"must_change_password"`
	SessionsRevoked    bool   `json:"sessions_revoked"`
}

// NewCmdResetPassword returns `ticketctl accounts reset-password`.
func NewCmdResetPassword(f *cmdutil.Factory, runF func(context.Context, *ResetPasswordOptions) error) *cobra.Command {
	o := &ResetPasswordOptions{}
	cmd := &cobra.Command{
		Use:   "reset-password [ACCOUNT]",
		Short: "Change your password, or (admin) set a temporary one for another account",
		Long: `Without ACCOUNT (or with your own), change your password: give the current
one, then the new one (twice on a terminal; with --password-stdin the current
password on the first line of stdin and the new one on the second). Your other
sessions are revoked.

An admin naming another account sets a temporary password: generated and shown
once, or read from stdin with --password-stdin. That account's sessions are
revoked, its lockout is cleared, and it must choose a new password at its next
log-in.`,
		Example: `  ticketctl accounts reset-password
  ticketctl accounts reset-password bob
  printf '%s\n%s\n' "$OLD" "$NEW" | ticketctl accounts reset-password --password-stdin
  printf '%s\n' "$TEMP" | ticketctl accounts reset-password bob --password-stdin -o json`,
		Args: maxOneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if len(args) == 1 {
				ref, err := svc.ParseRef(args[0])
				if err != nil {
					return err
				}
				o.Ref = &ref
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return resetRun(cmd.Context(), f, o)
		},
	}
	cmd.Flags().BoolVar(&o.PasswordStdin, "password-stdin", false,
		"read passwords from stdin, one per line (yours: current then new; admin: the temporary one)")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func resetRun(ctx context.Context, f *cmdutil.Factory, o *ResetPasswordOptions) error {
	p, err := f.Require(ctx, store.RoleCustomer)
	if err != nil {
		return err
	}
	sec := authcmd.Secrets{IO: f.IO, FromStdin: o.PasswordStdin}
	if o.Ref != nil {
		r := o.Ref.For(p)
		o.Ref = &r
	}
	if o.Ref == nil || o.Ref.Matches(store.Account{ID: p.ID, Username: p.Username}) {
		return changeOwn(ctx, f, o, sec, p)
	}
	if _, err := f.Require(ctx, store.RoleAdmin); err != nil {
		return err
	}
	temp := ""
	if o.PasswordStdin {
		if temp, err = sec.Current(""); err != nil {
			return err
		}
	}
	s, err := authcmd.Service(ctx, f)
	if err != nil {
		return err
	}
	opctx, cancel := f.OpContext(ctx)
	defer cancel()
	acc, generated, err := s.ResetPassword(opctx, p, *o.Ref, temp)
	if err != nil {
		return err
	}
	res := ResetResult{ID: acc.ID.Hex(), Username: acc.Username, MustChangePassword: true, SessionsRevoked: true}
	if temp == "" {
		res.TemporaryPassword = generated
	}
	if o.Output.Format != render.FormatTable {
		return render.One(f.Printer(o.Output), render.Spec[ResetResult]{ID: func(r ResetResult) string { return r.ID }}, res)
	}
	if res.TemporaryPassword != "" {
		fmt.Fprintf(f.IO.Out, "Temporary password for %s (shown only this once): %s\n", acc.Username, res.TemporaryPassword)
	}
	fmt.Fprintf(f.IO.Out, "%s must choose a new password at the next log-in; its sessions are revoked.\n", acc.Username)
	return nil
}

func changeOwn(ctx context.Context, f *cmdutil.Factory, o *ResetPasswordOptions, sec authcmd.Secrets, p auth.Principal) error {
	if err := sec.CheckSource(); err != nil {
		return err
	}
	current, err := sec.Current("Current password: ")
	if err != nil {
		return err
	}
	next, err := sec.New("New password: ", p.Username)
	if err != nil {
		return err
	}
	token, err := f.Token()
	if err != nil {
		return err
	}
	s, err := authcmd.Service(ctx, f)
	if err != nil {
		return err
	}
	opctx, cancel := f.OpContext(ctx)
	defer cancel()
	acc, err := s.ChangePassword(opctx, p, token, current, next)
	if err != nil {
		return err
	}
	if o.Output.Format != render.FormatTable {
		return render.One(f.Printer(o.Output), render.Spec[ResetResult]{ID: func(r ResetResult) string { return r.ID }},
			ResetResult{ID: acc.ID.Hex(), Username: acc.Username, SessionsRevoked: true})
	}
	fmt.Fprintf(f.IO.Out, "Password of %s changed; its other sessions are revoked.\n", acc.Username)
	return nil
}

package accounts

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	svc "github.com/ticketctl/ticketctl/internal/accounts"
	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/authcmd"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// CreateOptions of `accounts create`.
type CreateOptions struct {
	Account       svc.NewAccount
	PasswordStdin bool
	Output        render.Options
}

// NewCmdCreate returns `ticketctl accounts create`.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	o := &CreateOptions{}
	a := &o.Account
	cmd := &cobra.Command{
		Use:   "create --name NAME --username USER --email EMAIL [flags]",
		Short: "Sign up as a customer, or (admin) create any account",
		Long: `Create an account. Without logging in this is a customer's sign-up. A logged-in
admin may also create employees and admins with --role; an account that staff
create must change its password at its first log-in.

Usernames are 3-32 characters of a-z, 0-9, ".", "_" and "-", stored in lower
case and unique whatever their case. Passwords have at least 12 characters
and are read from the terminal (twice, without echo) or from the first line of
stdin with --password-stdin, never from a flag.

Exit status: 2 invalid input, 4 a role needs an admin, 5 username taken.`,
		Example: `  ticketctl accounts create --name "Ada Lovelace" --username ada --email ada@example.com
  ticketctl accounts create --name "Bo Li" --username bo --email bo@acme.example --type work --company Acme
  printf '%s\n' "$PW" | ticketctl accounts create --name Eve --username eve --email eve@acme.example \
      --role employee --company Acme --password-stdin`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if err := a.CheckFields(true); err != nil {
				return err
			}
			if err := (authcmd.Secrets{IO: f.IO, FromStdin: o.PasswordStdin}).CheckSource(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return createRun(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&a.Name, "name", "", "full name")
	fl.StringVar(&a.Username, "username", "", "username (3-32 of a-z 0-9 . _ -)")
	fl.StringVar(&a.Email, "email", "", "email address")
	fl.StringVar(&a.Type, "type", "", "account type: personal|work (default personal for customers, work for staff)")
	fl.StringVar(&a.Company, "company", "", "company (required for work customers and employees)")
	fl.StringVar(&a.Role, "role", store.RoleCustomer, "role: customer|employee|admin (employee and admin need an admin)")
	fl.BoolVar(&o.PasswordStdin, "password-stdin", false, authcmd.PasswordStdinHelp)
	for _, name := range []string{"name", "username", "email"} {
		_ = cmd.MarkFlagRequired(name)
	}
	_ = cmd.RegisterFlagCompletionFunc("role", completeRoles)
	_ = cmd.RegisterFlagCompletionFunc("type", completeTypes)
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func createRun(ctx context.Context, f *cmdutil.Factory, o *CreateOptions) error {
	actor, err := creator(ctx, f, o.Account.Role)
	if err != nil {
		return err
	}
	username, _ := svc.ValidateUsername(o.Account.Username)
	pw, err := (authcmd.Secrets{IO: f.IO, FromStdin: o.PasswordStdin}).New("Password: ", username)
	if err != nil {
		return err
	}
	o.Account.Password = pw
	s, err := authcmd.Service(ctx, f)
	if err != nil {
		return err
	}
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	acc, err := s.Create(ctx, actor, o.Account)
	if err != nil {
		return err
	}
	return render.One(f.Printer(o.Output), Spec(f.Now()), acc)
}

// creator is who creates the account: for a staff role the admin that the
// guard requires; otherwise the logged-in account if there is a valid
// session, else nobody (a sign-up). A stale session does not stand in the
// way of signing up.
func creator(ctx context.Context, f *cmdutil.Factory, role string) (*auth.Principal, error) {
	r, _ := svc.ValidateRole(role)
	if r != "" && r != store.RoleCustomer {
		p, err := f.Require(ctx, store.RoleAdmin)
		if err != nil {
			return nil, err
		}
		return &p, nil
	}
	token, err := f.Token()
	if err != nil || token == "" {
		return nil, err
	}
	p, err := f.Principal(ctx)
	if errors.Is(err, fault.ErrUnauthenticated) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

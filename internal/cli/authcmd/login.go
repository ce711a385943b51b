package authcmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/accounts"
	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
)

// LoginOptions of `login`.
type LoginOptions struct {
	Username      string
	PasswordStdin bool
	Output        render.Options
}

// LoginResult is what `login -o json` prints. The token is never printed:
// it is in the credentials file.
type LoginResult struct {
	Username         string    `json:"username"`
	Role             string    `json:"role"`
	Context          string    `json:"context"`
	ExpiresAt        time.Time `json:"expires_at"`
	PasswordChanged  bool      `json:"password_changed"`
	PasswordUpgraded bool      `json:"password_hash_upgraded"`
}

// NewCmdLogin returns `ticketctl login`.
func NewCmdLogin(f *cmdutil.Factory, runF func(context.Context, *LoginOptions) error) *cobra.Command {
	o := &LoginOptions{}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in and keep a session for the current context",
		Long: `Verify an account's password and open a session. The session token is kept in
the credentials file ($XDG_CONFIG_HOME/ticketctl/credentials.yaml, mode 0600),
one per context; the database keeps only its SHA-256 and expiry (session-ttl,
default 12h). TICKETCTL_TOKEN, when set, overrides the file.

The password is read from the terminal without echo, or from the first line of
stdin with --password-stdin; never from a flag. After an admin reset the
password, log-in asks for a new one (with --password-stdin: the second line).

The same error answers an unknown username and a wrong password. Five failures
in a row lock the account for 15 minutes.`,
		Example: `  ticketctl login
  ticketctl login --username alice
  printf '%s\n' "$TICKETCTL_PASSWORD" | ticketctl login --username cron --password-stdin`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if o.Username != "" {
				if _, err := accounts.ValidateUsername(o.Username); err != nil {
					return err
				}
			} else if !f.IO.IsStdinTTY() {
				return fault.Invalid("--username is required when stdin is not a terminal")
			}
			if err := (Secrets{IO: f.IO, FromStdin: o.PasswordStdin}).CheckSource(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return loginRun(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVarP(&o.Username, "username", "u", "", "account to log in as (asked on a terminal when omitted)")
	cmd.Flags().BoolVar(&o.PasswordStdin, "password-stdin", false, PasswordStdinHelp)
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func loginRun(ctx context.Context, f *cmdutil.Factory, o *LoginOptions) error {
	sec := Secrets{IO: f.IO, FromStdin: o.PasswordStdin}
	username := o.Username
	if username == "" {
		fmt.Fprint(f.IO.ErrOut, "Username: ")
		line, err := f.IO.ReadLine()
		if err != nil {
			return fault.Invalid("no username was entered")
		}
		username = line
	}
	username, err := accounts.ValidateUsername(username)
	if err != nil {
		return err
	}
	password, err := sec.Current("Password: ")
	if err != nil {
		return err
	}
	t, err := f.Target()
	if err != nil {
		return err
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	svc, err := Service(ctx, f)
	if err != nil {
		return err
	}
	opctx, cancel := f.OpContext(ctx)
	defer cancel()
	res, err := svc.Login(opctx, accounts.LoginInput{Username: username, Password: password})
	if errors.Is(err, accounts.ErrMustChangePassword) {
		if !o.PasswordStdin {
			fmt.Fprintf(f.IO.ErrOut, "The password of %s was reset by an admin: choose a new one.\n", username)
		}
		next, rerr := newPasswordAfterReset(f, sec, username)
		if rerr != nil {
			if rerr == errNoSecondLine {
				return fault.WithHint(err, "give the new password as the second line of stdin")
			}
			return rerr
		}
		opctx2, cancel2 := f.OpContext(ctx)
		defer cancel2()
		res, err = svc.Login(opctx2, accounts.LoginInput{Username: username, Password: password, NewPassword: next})
	}
	if err != nil {
		return err
	}
	creds, err := auth.LoadCredentials(cfg.Paths.CredentialsFile())
	if err != nil {
		return err
	}
	if err := creds.Put(t.CredentialKey(), auth.Credential{Token: res.Token, Username: res.Account.Username, ExpiresAt: res.ExpiresAt}); err != nil {
		return err
	}
	if f.Getenv(cmdutil.EnvToken) != "" {
		fmt.Fprintf(f.IO.ErrOut, "ticketctl: %s is set and overrides the session just saved; unset it to use this one\n", cmdutil.EnvToken)
	}
	out := LoginResult{Username: res.Account.Username, Role: res.Account.Role, Context: t.Context,
		ExpiresAt: res.ExpiresAt, PasswordChanged: res.Changed, PasswordUpgraded: res.Upgraded}
	if o.Output.Format != render.FormatTable {
		return render.One(f.Printer(o.Output), render.Spec[LoginResult]{
			ID: func(r LoginResult) string { return r.Username },
		}, out)
	}
	if res.Changed {
		fmt.Fprintln(f.IO.Out, "Password changed.")
	}
	fmt.Fprintf(f.IO.Out, "Logged in as %s (%s) on context %s until %s.\n", out.Username, out.Role, out.Context, until(f, out.ExpiresAt))
	return nil
}

var errNoSecondLine = errors.New("no second line")

// newPasswordAfterReset reads the new password a reset account must
// choose: asked twice on a terminal, or the second line of stdin. A
// missing line is errNoSecondLine, so the caller can explain why a second
// line is wanted at all.
func newPasswordAfterReset(f *cmdutil.Factory, sec Secrets, username string) (string, error) {
	if !sec.FromStdin {
		return sec.New("New password: ", username)
	}
	next, err := f.IO.ReadLine()
	if err != nil || next == "" {
		return "", errNoSecondLine
	}
	return next, accounts.ValidatePassword(next, username)
}

// until shows an expiry: exact, plus how far away on a terminal.
func until(f *cmdutil.Factory, t time.Time) string {
	s := t.UTC().Format(time.RFC3339)
	if f.IO.IsStdoutTTY() {
		s += " (" + render.Relative(f.Now(), t) + ")"
	}
	return s
}

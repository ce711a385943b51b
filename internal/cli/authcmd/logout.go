package authcmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
)

// LogoutOptions of `logout`.
type LogoutOptions struct{}

// NewCmdLogout returns `ticketctl logout`.
func NewCmdLogout(f *cmdutil.Factory, runF func(context.Context, *LogoutOptions) error) *cobra.Command {
	o := &LogoutOptions{}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke the current session and forget it locally",
		Long: `Revoke the current context's session in the database and remove it from the
credentials file. Logging out when not logged in is not an error. When
TICKETCTL_TOKEN is set, that session is revoked; unset the variable yourself.`,
		Example: `  ticketctl logout
  ticketctl logout --context prod`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return logoutRun(cmd.Context(), f)
		},
	}
	return cmd
}

func logoutRun(ctx context.Context, f *cmdutil.Factory) error {
	token, err := f.Token()
	if err != nil {
		return err
	}
	t, err := f.Target()
	if err != nil {
		return err
	}
	if token == "" {
		fmt.Fprintf(f.IO.Out, "Not logged in on context %s.\n", t.Context)
		return nil
	}
	fromEnv := f.Getenv(cmdutil.EnvToken) != ""
	var revoked bool
	svc, err := Service(ctx, f)
	if err == nil {
		opctx, cancel := f.OpContext(ctx)
		revoked, err = svc.Logout(opctx, token)
		cancel()
	}
	// Forget the token locally even when the database could not be
	// reached: the person asked to be logged out here. The error still
	// says that the session stays valid in the database until it expires.
	if !fromEnv {
		cfg, cerr := f.Config()
		if cerr != nil {
			return cerr
		}
		creds, cerr := auth.LoadCredentials(cfg.Paths.CredentialsFile())
		if cerr != nil {
			return cerr
		}
		if cerr := creds.Delete(t.CredentialKey()); cerr != nil {
			return cerr
		}
	}
	if err != nil {
		return fmt.Errorf("removed the local session, but could not revoke it in the database (it stays valid until it expires): %w", err)
	}
	switch {
	case revoked:
		fmt.Fprintf(f.IO.Out, "Logged out of context %s.\n", t.Context)
	default:
		fmt.Fprintf(f.IO.Out, "The session had already ended; forgot it on context %s.\n", t.Context)
	}
	if fromEnv {
		fmt.Fprintf(f.IO.ErrOut, "ticketctl: the session in %s is revoked; unset the variable\n", cmdutil.EnvToken)
	}
	return nil
}

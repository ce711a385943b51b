package authcmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
)

// WhoamiOptions of `whoami`.
type WhoamiOptions struct {
	Output render.Options
}

// Whoami is what `whoami -o json` prints: the account, the session's
// expiry and the context.
type Whoami struct {
	auth.Principal
	Context string `json:"context"`
}

var whoamiSpec = render.Spec[Whoami]{
	Headers: []string{"USERNAME", "NAME", "ROLE", "TYPE", "COMPANY", "CONTEXT", "EXPIRES", "MUST CHANGE PASSWORD"},
	Row: func(w Whoami, f render.Formatter) []string {
		must := "no"
		if w.MustChangePassword {
			must = "yes"
		}
		return []string{w.Username, w.Name, w.Role, w.Type, w.Company, w.Context, f.Time(w.ExpiresAt), must}
	},
	ID: func(w Whoami) string { return w.ID.Hex() },
}

// NewCmdWhoami returns `ticketctl whoami`.
func NewCmdWhoami(f *cmdutil.Factory, runF func(context.Context, *WhoamiOptions) error) *cobra.Command {
	o := &WhoamiOptions{}
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the logged-in account and when its session expires",
		Long: `Show the account the current session acts as, its role and the session's
expiry. Exits 4 when not logged in or when the session expired or was revoked.`,
		Example: `  ticketctl whoami
  ticketctl whoami -o json --jq .role`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			p, err := f.Principal(cmd.Context())
			if err != nil {
				return err
			}
			t, err := f.Target()
			if err != nil {
				return err
			}
			return render.One(f.Printer(o.Output), whoamiSpec, Whoami{Principal: p, Context: t.Context})
		},
	}
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

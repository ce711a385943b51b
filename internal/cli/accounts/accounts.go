// Package accounts implements `ticketctl accounts`: create, list, get,
// delete, reset-password and set-role. The rules live in
// internal/accounts; this package reads flags, passwords and
// confirmations and renders the results.
package accounts

import (
	"time"

	"github.com/spf13/cobra"

	svc "github.com/ticketctl/ticketctl/internal/accounts"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// NewCmd returns `ticketctl accounts` and its subcommands.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "accounts <command>",
		Aliases: []string{"account"},
		Short:   "Create, list and manage accounts",
		Long: `Accounts are customers (file tickets), employees (work on tickets) and admins
(also manage accounts, servers and teams). Anyone may sign up as a customer;
only an admin creates employees and admins. Every change is recorded in the
events collection with who made it.

Accounts are named by id or by username wherever a command takes ACCOUNT;
"me" names the account you are logged in as.`,
	}
	cmd.AddCommand(
		NewCmdCreate(f, nil),
		NewCmdList(f, nil),
		NewCmdGet(f, nil),
		NewCmdDelete(f, nil),
		NewCmdResetPassword(f, nil),
		NewCmdSetRole(f, nil),
	)
	return cmd
}

// Spec renders accounts; now decides whether a lock is still in force.
func Spec(now time.Time) render.Spec[store.Account] {
	return render.Spec[store.Account]{
		Headers: []string{"ID", "USERNAME", "NAME", "ROLE", "TYPE", "COMPANY", "EMAIL", "CREATED", "STATUS"},
		Row: func(a store.Account, f render.Formatter) []string {
			return []string{a.ID.Hex(), a.Username, f.Truncate(a.Name, 30), a.Role, a.Type, f.Truncate(a.Company, 20),
				a.Email, f.Time(a.CreatedAt), status(a, now)}
		},
		ID: func(a store.Account) string { return a.ID.Hex() },
	}
}

// status summarises what stands in the way of logging in.
func status(a store.Account, now time.Time) string {
	switch {
	case a.LockedUntil != nil && now.Before(*a.LockedUntil):
		return "locked until " + a.LockedUntil.UTC().Format(time.RFC3339)
	case a.MustChangePassword:
		return "must change password"
	case a.PasswordHash == "" && a.LegacyPassword == "":
		return "no password"
	}
	return "active"
}

func completeRoles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return svc.Roles, cobra.ShellCompDirectiveNoFileComp
}

func completeTypes(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return svc.Types, cobra.ShellCompDirectiveNoFileComp
}

// maxOneArg allows an optional ACCOUNT (usage error, exit 2, otherwise).
func maxOneArg(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return fault.Invalid("%s takes at most one argument (ACCOUNT), got %d", cmd.CommandPath(), len(args))
	}
	return nil
}

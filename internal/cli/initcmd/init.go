// Package initcmd implements `ticketctl init`.
package initcmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/accounts"
	"github.com/ticketctl/ticketctl/internal/cli/authcmd"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Options of `init`.
type Options struct {
	CentralName   string
	CentralRegion string
	// The first admin, created only while no admin exists.
	AdminUsername string
	AdminName     string
	AdminEmail    string
	PasswordStdin bool
	Output        render.Options
}

// Result is what init did.
type Result struct {
	Database       string       `json:"database"`
	CentralServer  store.Server `json:"central_server"`
	CreatedCentral bool         `json:"created_central"`
	MissingBefore  []string     `json:"indexes_created"`
	AdminExists    bool         `json:"admin_exists"`
	CreatedAdmin   string       `json:"created_admin,omitempty"`
}

// NewCmd returns `ticketctl init`.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create the indexes, the central server and the first admin (safe to run twice)",
		Long: `Prepare a database for ticketctl: create every index the commands rely on and
the central server that receives new tickets. Running it again changes nothing
that exists.

While no admin account exists, init also creates the first one: on a terminal
it asks for the username and password; scripts pass --admin-username and pipe
the password with --password-stdin. Once an admin exists init never creates
another; admins create accounts with ` + "`ticketctl accounts create --role admin`" + `.`,
		Example: `  ticketctl init
  ticketctl init --central-name iowa-central --central-region us-east-1
  printf '%s\n' "$ADMIN_PASSWORD" | ticketctl init --admin-username root --password-stdin
  TICKETCTL_URI=mongodb://db.example.com ticketctl init -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if err := checkAdminFlags(f, o); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return run(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.CentralName, "central-name", "central", "name of the central server if it must be created")
	cmd.Flags().StringVar(&o.CentralRegion, "central-region", "default", "region of the central server if it must be created")
	cmd.Flags().StringVar(&o.AdminUsername, "admin-username", "", "username of the first admin, if none exists (asked on a terminal)")
	cmd.Flags().StringVar(&o.AdminName, "admin-name", "", "full name of the first admin (default: the username)")
	cmd.Flags().StringVar(&o.AdminEmail, "admin-email", "", "email of the first admin (optional)")
	cmd.Flags().BoolVar(&o.PasswordStdin, "password-stdin", false, "read the first admin's password from the first line of stdin")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func run(ctx context.Context, f *cmdutil.Factory, o *Options) error {
	st, err := f.Store(ctx)
	if err != nil {
		return err
	}
	parent := ctx
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	missing, err := st.MissingIndexes(ctx)
	if err != nil {
		return err
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		return err
	}
	central, created, err := st.EnsureCentralServer(ctx, o.CentralName, o.CentralRegion)
	if err != nil {
		return err
	}
	res := Result{Database: st.DatabaseName(), CentralServer: central, CreatedCentral: created, MissingBefore: missing}
	if res.MissingBefore == nil {
		res.MissingBefore = []string{}
	}
	// Outside the operation timeout: a person may be typing a password.
	if res.AdminExists, res.CreatedAdmin, err = ensureAdmin(parent, f, o); err != nil {
		return err
	}
	if o.Output.Format != render.FormatTable {
		return render.One(f.Printer(o.Output), render.Spec[Result]{
			ID: func(r Result) string { return r.CentralServer.ID.Hex() },
		}, res)
	}
	w := f.IO.Out
	if len(missing) > 0 {
		fmt.Fprintf(w, "created %d indexes in database %s\n", len(missing), res.Database)
	} else {
		fmt.Fprintf(w, "indexes already present in database %s\n", res.Database)
	}
	if created {
		fmt.Fprintf(w, "created central server %s (%s)\n", central.Name, central.ID.Hex())
	} else {
		fmt.Fprintf(w, "central server is %s (%s)\n", central.Name, central.ID.Hex())
	}
	if res.CreatedAdmin != "" {
		fmt.Fprintf(w, "created admin account %s; log in with `ticketctl login --username %s`\n", res.CreatedAdmin, res.CreatedAdmin)
	}
	return nil
}

// checkAdminFlags rejects bad first-admin flags before anything is done.
func checkAdminFlags(f *cmdutil.Factory, o *Options) error {
	if o.AdminUsername == "" {
		if o.PasswordStdin {
			return fault.Invalid("--password-stdin needs --admin-username")
		}
		return nil
	}
	if err := (accounts.NewAccount{Username: o.AdminUsername, Name: o.AdminName, Email: o.AdminEmail,
		Role: "admin"}).CheckFields(false); err != nil {
		return err
	}
	return authcmd.Secrets{IO: f.IO, FromStdin: o.PasswordStdin}.CheckSource()
}

// ensureAdmin creates the first admin while none exists: from the flags,
// or by asking on a terminal. Without either it only says how.
func ensureAdmin(ctx context.Context, f *cmdutil.Factory, o *Options) (exists bool, created string, err error) {
	svc, err := authcmd.Service(ctx, f)
	if err != nil {
		return false, "", err
	}
	opctx, cancel := f.OpContext(ctx)
	exists, err = svc.AdminExists(opctx)
	cancel()
	if err != nil || exists {
		if exists && o.AdminUsername != "" {
			fmt.Fprintf(f.IO.ErrOut, "ticketctl: an admin account already exists; not creating %s\n", o.AdminUsername)
		}
		return exists, "", err
	}
	username := o.AdminUsername
	if username == "" {
		if !f.IO.IsStdinTTY() {
			fmt.Fprintln(f.IO.ErrOut, "ticketctl: no admin account exists yet; create the first one with "+
				"`ticketctl init --admin-username NAME --password-stdin` (password on stdin) or run init on a terminal")
			return false, "", nil
		}
		fmt.Fprint(f.IO.ErrOut, "No admin account exists yet. Username of the first admin: ")
		if username, err = f.IO.ReadLine(); err != nil {
			return false, "", fault.Invalid("no username was entered")
		}
		if username, err = accounts.ValidateUsername(username); err != nil {
			return false, "", err
		}
	}
	pw, err := authcmd.Secrets{IO: f.IO, FromStdin: o.PasswordStdin}.New("Password for "+username+": ", username)
	if err != nil {
		return false, "", err
	}
	opctx, cancel = f.OpContext(ctx)
	defer cancel()
	acc, made, err := svc.CreateFirstAdmin(opctx, accounts.NewAccount{Username: username, Name: o.AdminName,
		Email: o.AdminEmail, Password: pw})
	if err != nil || !made {
		return !made && err == nil, "", err
	}
	return true, acc.Username, nil
}

// Package tickets implements `ticketctl tickets`: create, list, get,
// status, tag, delete, history, import and export.
package tickets

import (
	"context"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	clinotify "github.com/ticketctl/ticketctl/internal/cli/notify"
	"github.com/ticketctl/ticketctl/internal/store"
	ticketsvc "github.com/ticketctl/ticketctl/internal/tickets"
)

// NewCmd returns `ticketctl tickets`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "tickets <command>",
		Aliases: []string{"ticket"},
		Short:   "Create, find, change and delete tickets",
		Long: `Work with tickets. Customers create tickets and see their own; employees
change status and tags, delete, import and export.

Statuses are stored as "not started", "in progress" and "complete"; on the
command line not-started, in-progress and complete work too.`,
	}
	cmd.AddCommand(
		newCmdCreate(f, nil),
		newCmdList(f, nil),
		newCmdGet(f, nil),
		newCmdStatus(f, nil),
		newCmdTag(f, nil),
		newCmdDelete(f, nil),
		newCmdHistory(f, nil),
		newCmdImport(f, nil),
		newCmdExport(f, nil),
		// Built and tested by the notifications package; wired here so it
		// sits with the other ticket verbs.
		clinotify.NewCmdTicketsNotify(f),
	)
	return cmd
}

// session authenticates with at least role and returns the service.
func session(ctx context.Context, f *cmdutil.Factory, role string) (*ticketsvc.Service, auth.Principal, error) {
	p, st, err := f.Session(ctx, role)
	if err != nil {
		return nil, p, err
	}
	return ticketsvc.New(st, f.Now), p, nil
}

// serverNames maps server ids to names for tables; servers are few.
func serverNames(ctx context.Context, st *store.Store) (map[bson.ObjectID]string, error) {
	svs, err := st.ListServers(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[bson.ObjectID]string, len(svs))
	for _, s := range svs {
		m[s.ID] = s.Name
	}
	return m, nil
}

// Package tickets implements `ticketctl tickets`: create, list, get,
// status, tag, delete, history, import and export.
package tickets

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	clinotify "github.com/ticketctl/ticketctl/internal/cli/notify"
	"github.com/ticketctl/ticketctl/internal/fault"
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
	p, err := f.Require(ctx, role)
	if err != nil {
		return nil, p, err
	}
	st, err := f.Store(ctx)
	if err != nil {
		return nil, p, err
	}
	return ticketsvc.New(st, f.Now), p, nil
}

// parseIDs parses ticket id arguments; "-" reads one id per line from
// stdin (blank lines and #-comments skipped), so `tickets list -o ids`
// pipes in.
func parseIDs(f *cmdutil.Factory, args []string) ([]bson.ObjectID, error) {
	var ids []bson.ObjectID
	seen := map[bson.ObjectID]bool{}
	add := func(s string) error {
		id, err := cmdutil.ParseID("ticket id", s)
		if err != nil {
			return err
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
		return nil
	}
	for _, a := range args {
		if a != "-" {
			if err := add(a); err != nil {
				return nil, err
			}
			continue
		}
		if f.IO.IsStdinTTY() {
			return nil, fault.WithHint(fault.Invalid("\"-\" reads ticket ids from stdin, which is a terminal"),
				"pipe ids in, e.g. ticketctl tickets list --status complete -o ids | ticketctl tickets delete - --yes")
		}
		for {
			line, err := f.IO.ReadLine()
			if err != nil {
				break
			}
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if err := add(line); err != nil {
				return nil, err
			}
		}
	}
	if len(ids) == 0 {
		return nil, fault.Invalid("no ticket ids given")
	}
	return ids, nil
}

// confirm asks before a destructive step on a terminal and refuses
// without --yes otherwise.
func confirm(f *cmdutil.Factory, yes bool, question string) error {
	if yes {
		return nil
	}
	if !f.IO.CanPrompt() {
		return fault.WithHint(fault.Invalid("refusing to delete without confirmation"), "pass --yes to confirm when not on a terminal")
	}
	ok, err := f.IO.Confirm(question)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("not confirmed: nothing deleted")
	}
	return nil
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

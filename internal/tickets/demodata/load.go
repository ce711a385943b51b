package demodata

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Count is what happened to one collection's documents.
type Count struct {
	Added   int `json:"added"`
	Present int `json:"present"`
}

// Report says what Load did.
type Report struct {
	Central  string `json:"central_server"`
	Servers  Count  `json:"servers"`
	Teams    Count  `json:"teams"`
	Accounts Count  `json:"accounts"`
	Events   Count  `json:"events"`
}

// LoadOptions tune Load.
type LoadOptions struct {
	// OnlyDemoAccounts refuses to load into a database that holds accounts
	// other than the demo's: the demo adds an admin with a published
	// password, which must never land in a real installation.
	OnlyDemoAccounts bool
}

// Load puts the servers, teams, accounts and events of the dataset in dir
// into st, with their ids. Whatever exists already (same id) is left as it
// is, so loading twice changes nothing. The dataset's central server maps
// onto the database's central server (created if there is none). Tickets
// are not loaded here: `ticketctl tickets import` does that.
func Load(ctx context.Context, st *store.Store, dir string, o LoadOptions) (Report, error) {
	var rep Report
	servers, err := readFile[store.Server](dir, ServersFile)
	if err != nil {
		return rep, fault.Invalid("demo data: %v", err)
	}
	teams, err := readFile[store.Team](dir, TeamsFile)
	if err != nil {
		return rep, fault.Invalid("demo data: %v", err)
	}
	accounts, err := readFile[store.Account](dir, AccountsFile)
	if err != nil {
		return rep, fault.Invalid("demo data: %v", err)
	}
	events, err := readFile[store.Event](dir, EventsFile)
	if err != nil {
		return rep, fault.Invalid("demo data: %v", err)
	}
	if o.OnlyDemoAccounts {
		if err := onlyDemoAccounts(ctx, st, accounts); err != nil {
			return rep, err
		}
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		return rep, err
	}
	var demoCentral bson.ObjectID
	var central store.Server
	for _, sv := range servers {
		if sv.Central {
			demoCentral = sv.ID
			if central, _, err = st.EnsureCentralServer(ctx, sv.Name, sv.Region); err != nil {
				return rep, err
			}
			rep.Central = central.Name
			continue
		}
		s := sv
		err := st.InsertServer(ctx, &s)
		if err := rep.Servers.note(err, "server "+sv.Name, func() error { _, err := st.GetServer(ctx, sv.ID); return err }); err != nil {
			return rep, err
		}
	}
	if central.ID.IsZero() {
		return rep, fault.Invalid("demo data: %s has no central server", ServersFile)
	}
	for _, t := range teams {
		tm := t
		err := st.InsertTeam(ctx, &tm)
		if err := rep.Teams.note(err, "team "+t.Name, func() error { _, err := st.GetTeam(ctx, t.ID); return err }); err != nil {
			return rep, err
		}
	}
	for _, a := range accounts {
		acc := a
		err := st.InsertAccount(ctx, &acc)
		if err := rep.Accounts.note(err, "account "+a.Username, func() error { _, err := st.GetAccount(ctx, a.ID); return err }); err != nil {
			return rep, err
		}
	}
	// Move events name servers by id: the demo's central becomes this
	// database's.
	from, to := demoCentral.Hex(), central.ID.Hex()
	for i := range events {
		events[i].From = strings.ReplaceAll(events[i].From, from, to)
		events[i].To = strings.ReplaceAll(events[i].To, from, to)
	}
	batch := max(1, st.Capabilities().MaxBatch)
	for start := 0; start < len(events); start += batch {
		added, present, err := st.InsertEvents(ctx, events[start:min(start+batch, len(events))])
		if err != nil {
			return rep, err
		}
		rep.Events.Added += added
		rep.Events.Present += present
	}
	return rep, nil
}

// note counts one insert: a conflict is fine when the document with the
// same id is there (loaded before), and an error when something else took
// its name.
func (c *Count) note(err error, what string, exists func() error) error {
	switch {
	case err == nil:
		c.Added++
		return nil
	case !errors.Is(err, store.ErrConflict):
		return err
	}
	switch xerr := exists(); {
	case xerr == nil:
		c.Present++
		return nil
	case errors.Is(xerr, store.ErrNotFound):
		return fault.New(fault.ErrConflict, "%s exists already with another id: the demo loads into a fresh store", what)
	default:
		return xerr
	}
}

func onlyDemoAccounts(ctx context.Context, st *store.Store, accounts []store.Account) error {
	counts, err := st.CollectionCounts(ctx)
	if err != nil {
		return err
	}
	present := 0
	for _, a := range accounts {
		if _, err := st.GetAccount(ctx, a.ID); err == nil {
			present++
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if other := counts[store.CollAccounts] - int64(present); other > 0 {
		return fault.WithHint(fault.New(fault.ErrDenied,
			"refusing to load the demo: this database has %d accounts that are not demo accounts, and the demo adds an admin whose password is published", other),
			"load the demo into the local store (no URI configured) or into an empty database")
	}
	return nil
}

// String summarises a report in one line per collection.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "central server: %s\n", r.Central)
	for _, c := range []struct {
		name string
		c    Count
	}{{"servers", r.Servers}, {"teams", r.Teams}, {"accounts", r.Accounts}, {"events", r.Events}} {
		fmt.Fprintf(&b, "%-9s %d added, %d already present\n", c.name+":", c.c.Added, c.c.Present)
	}
	return b.String()
}

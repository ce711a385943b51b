// Package ticketflags holds the ticket selection flags that tickets list,
// tickets export and distribute share, so a filter means the same thing
// everywhere.
package ticketflags

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/servers"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/teams"
	ticketsvc "github.com/ticketctl/ticketctl/internal/tickets"
)

// Filter holds the selection flags.
type Filter struct {
	Tags          []string
	AnyTag        bool
	Statuses      []string
	Server        string
	Team          string
	Requester     string
	Priorities    []string
	CreatedAfter  string
	CreatedBefore string
	Search        string
	Sort          string
}

func (o *Filter) Register(cmd *cobra.Command) { o.RegisterWith(cmd, Options{}) }

// Options leave out flags a command defines differently: distribute names
// its source server --from and has no order.
type Options struct {
	NoServer bool
	NoTeam   bool // distribute uses --team for the destination
	NoSort   bool
}

// RegisterWith adds the selection flags except those o leaves out.
func (o *Filter) RegisterWith(cmd *cobra.Command, opt Options) {
	fl := cmd.Flags()
	fl.StringSliceVar(&o.Tags, "tag", nil, "only tickets with this tag (repeatable or comma-separated; all must match)")
	fl.BoolVar(&o.AnyTag, "any-tag", false, "match tickets with any of the --tag values instead of all")
	fl.StringSliceVar(&o.Statuses, "status", nil, "only tickets in this status: not-started, in-progress, complete (repeatable)")
	if !opt.NoServer {
		fl.StringVar(&o.Server, "server", "", "only tickets on this server (name or id)")
	}
	if !opt.NoTeam {
		fl.StringVar(&o.Team, "team", "", "only tickets of this team (name or id), or \"none\" for unassigned")
	}
	fl.StringVar(&o.Requester, "requester", "", "only tickets of this account (username or id, or \"me\")")
	fl.StringSliceVar(&o.Priorities, "priority", nil, "only tickets with this priority: P1..P4 (repeatable)")
	fl.StringVar(&o.CreatedAfter, "created-after", "", "only tickets created at or after: RFC 3339, a date, or an age like 7d, 12h")
	fl.StringVar(&o.CreatedBefore, "created-before", "", "only tickets created before: RFC 3339, a date, or an age like 7d, 12h")
	fl.StringVar(&o.Search, "search", "", "only tickets whose title or description contains this text (any case)")
	if opt.NoSort {
		o.Sort = "created_at"
	} else {
		fl.StringVar(&o.Sort, "sort", "created_at", "order by "+strings.Join(store.SortFields, ", ")+"; prefix - for descending")
	}
	_ = cmd.RegisterFlagCompletionFunc("status", Fixed("not-started", "in-progress", "complete"))
	_ = cmd.RegisterFlagCompletionFunc("priority", Fixed(ticketsvc.Priorities...))
	if opt.NoSort {
		return
	}
	_ = cmd.RegisterFlagCompletionFunc("sort", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, s := range store.SortFields {
			out = append(out, s, "-"+s)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

func Fixed(v ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return v, cobra.ShellCompDirectiveNoFileComp
	}
}

// Parse checks what needs no database: statuses, priorities, times, sort,
// tags. It runs before anything connects, so typos fail fast (exit 2).
func (o *Filter) Parse(now time.Time) (store.TicketQuery, error) {
	var q store.TicketQuery
	var err error
	if q.Filter.Tags, err = ticketsvc.NormalizeTags(o.Tags); err != nil {
		return q, err
	}
	if len(q.Filter.Tags) == 0 {
		q.Filter.Tags = nil
		if o.AnyTag {
			return q, fault.Invalid("--any-tag needs --tag")
		}
	}
	q.Filter.AnyTag = o.AnyTag
	for _, s := range SplitAll(o.Statuses) {
		st, err := ticketsvc.ParseStatus(s)
		if err != nil {
			return q, err
		}
		q.Filter.Statuses = append(q.Filter.Statuses, st)
	}
	for _, s := range SplitAll(o.Priorities) {
		p, err := ticketsvc.ParsePriority(s)
		if err != nil {
			return q, err
		}
		q.Filter.Priorities = append(q.Filter.Priorities, p)
	}
	if o.CreatedAfter != "" {
		if q.Filter.CreatedAfter, err = ticketsvc.ParseTimeBound("created-after", o.CreatedAfter, now); err != nil {
			return q, err
		}
	}
	if o.CreatedBefore != "" {
		if q.Filter.CreatedBefore, err = ticketsvc.ParseTimeBound("created-before", o.CreatedBefore, now); err != nil {
			return q, err
		}
	}
	if !q.Filter.CreatedAfter.IsZero() && !q.Filter.CreatedBefore.IsZero() && !q.Filter.CreatedAfter.Before(q.Filter.CreatedBefore) {
		return q, fault.Invalid("--created-after must be earlier than --created-before")
	}
	if o.Search != "" {
		if err := ticketsvc.CheckText("--search", o.Search, false); err != nil {
			return q, err
		}
		q.Filter.Search = o.Search
	}
	q.Sort = o.Sort
	if err := validSort(o.Sort); err != nil {
		return q, err
	}
	return q, nil
}

func validSort(s string) error {
	f := strings.TrimPrefix(s, "-")
	for _, v := range store.SortFields {
		if f == v {
			return nil
		}
	}
	return fault.Invalid("cannot sort by %q: valid fields are %s (prefix - for descending)", f, strings.Join(store.SortFields, ", "))
}

// Resolve turns names (server, team, requester) into ids.
func (o *Filter) Resolve(ctx context.Context, st *store.Store, p auth.Principal, q *store.TicketQuery) error {
	if o.Server != "" {
		sv, err := servers.Resolve(ctx, st, o.Server)
		if err != nil {
			return err
		}
		q.Filter.Server = &sv.ID
	}
	switch {
	case strings.EqualFold(o.Team, "none"):
		q.Filter.NoTeam = true
	case o.Team != "":
		t, err := teams.Resolve(ctx, st, o.Team)
		if err != nil {
			return err
		}
		q.Filter.Team = &t.ID
	}
	if r := o.Requester; r != "" && !p.Has(store.RoleEmployee) && r != "me" && !strings.EqualFold(r, p.Username) && r != p.ID.Hex() {
		// Refused before any lookup, so customers cannot probe usernames.
		return fault.New(fault.ErrDenied, "customers see only their own tickets")
	}
	switch {
	case o.Requester == "me":
		id := p.ID
		q.Filter.Requester = &id
	case o.Requester != "":
		acc, err := teams.ResolveAccount(ctx, st, o.Requester)
		if err != nil {
			return err
		}
		q.Filter.Requester = &acc.ID
	}
	return nil
}

func SplitAll(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// IsZero reports whether no selection flag was given.
func (o *Filter) IsZero() bool {
	return len(o.Tags) == 0 && !o.AnyTag && len(o.Statuses) == 0 && o.Server == "" && o.Team == "" &&
		o.Requester == "" && len(o.Priorities) == 0 && o.CreatedAfter == "" && o.CreatedBefore == "" && o.Search == ""
}

package distribute

import (
	"context"
	"iter"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/servers"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/teams"
)

// Planner decides entries with an ordered list of strategies.
type Planner struct {
	Strategies []Strategy
	Env        *Env
}

// Decide asks each strategy in turn; the first that decides wins. When
// none does, the entry leaves the ticket where it is with every
// strategy's reason.
func (p *Planner) Decide(ctx context.Context, t store.Ticket) (Entry, error) {
	e := Entry{Ticket: t.ID, Title: t.Title, From: t.Server, ExpectedVersion: t.Version, Reasons: []string{}}
	var why []string
	for _, s := range p.Strategies {
		d, ok, whyNot, err := s.Decide(ctx, t, p.Env)
		if err != nil {
			return Entry{}, err
		}
		if !ok {
			why = append(why, s.Name()+": "+whyNot)
			continue
		}
		e.Action, e.Strategy, e.Reasons = d.Action, s.Name(), d.Reasons
		e.Confidence, e.TopTerms, e.FAQ = d.Confidence, d.TopTerms, d.FAQ
		if d.Action == ActionMove {
			to := d.To
			e.To, e.Team = &to, d.Team
			e.ToName = p.Env.Servers[to].Name
			if d.Team != nil {
				if tm, ok := p.Env.team(*d.Team); ok {
					e.TeamName = teams.Label(tm)
				}
			}
		}
		return e, nil
	}
	e.Action, e.Strategy, e.Reasons = ActionLeave, "none", why
	if len(why) == 0 {
		e.Reasons = []string{"no strategy configured"}
	}
	return e, nil
}

// PlanSource plans every ticket that f selects (f.Server is the source).
func PlanSource(ctx context.Context, st *store.Store, p *Planner, f store.TicketFilter, pageSize int) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for t, err := range st.TicketPages(ctx, f, pageSize) {
			if err != nil {
				yield(Entry{}, err)
				return
			}
			e, err := p.Decide(ctx, t)
			if !yield(e, err) || err != nil {
				return
			}
		}
	}
}

// Target is where a manual or bulk move sends tickets.
type Target struct {
	Server   bson.ObjectID
	Team     *bson.ObjectID
	Name     string
	TeamName string
}

func moveEntry(t store.Ticket, to Target, strategy string) Entry {
	dest := to.Server
	e := Entry{Ticket: t.ID, Title: t.Title, From: t.Server, ExpectedVersion: t.Version, Action: ActionMove,
		To: &dest, Team: to.Team, Strategy: strategy, Reasons: []string{strategy}, ToName: to.Name, TeamName: to.TeamName}
	sameTeam := to.Team == nil && t.Team == nil || to.Team != nil && t.Team != nil && *to.Team == *t.Team
	if t.Server == to.Server && sameTeam {
		e.Action, e.Reasons = ActionSkip, []string{"already on " + to.Name}
	}
	return e
}

// FilterSource moves every ticket that f selects to a target.
func FilterSource(ctx context.Context, st *store.Store, f store.TicketFilter, to Target, pageSize int) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for t, err := range st.TicketPages(ctx, f, pageSize) {
			if err != nil {
				yield(Entry{}, err)
				return
			}
			if !yield(moveEntry(t, to, "filter"), nil) {
				return
			}
		}
	}
}

// IDSource moves the tickets named by ids to a target, reading them in
// chunks. Unknown ids become skipped entries.
func IDSource(ctx context.Context, st *store.Store, ids iter.Seq2[bson.ObjectID, error], to Target, chunk int) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		buf := make([]bson.ObjectID, 0, chunk)
		// Duplicates are dropped per chunk only, so memory stays flat; a
		// later repeat finds the ticket already moved and is skipped.
		seen := map[bson.ObjectID]bool{}
		emit := func() bool {
			if len(buf) == 0 {
				return true
			}
			found, err := st.TicketPage(ctx, store.TicketFilter{IDs: buf}, bson.ObjectID{}, len(buf))
			if err != nil {
				yield(Entry{}, err)
				return false
			}
			byID := make(map[bson.ObjectID]store.Ticket, len(found))
			for _, t := range found {
				byID[t.ID] = t
			}
			for _, id := range buf {
				t, ok := byID[id]
				e := moveEntry(t, to, "manual")
				if !ok {
					e = Entry{Ticket: id, Action: ActionSkip, Reasons: []string{"no such ticket"}}
				}
				if !yield(e, nil) {
					return false
				}
			}
			buf = buf[:0]
			clear(seen)
			return true
		}
		for id, err := range ids {
			if err != nil {
				if emit() {
					yield(Entry{}, err)
				}
				return
			}
			if seen[id] {
				continue // the same id twice in the input moves once
			}
			seen[id] = true
			buf = append(buf, id)
			if len(buf) == chunk && !emit() {
				return
			}
		}
		emit()
	}
}

// ResolveTarget finds the destination of a manual or bulk move by name or
// id. A team must be one of that server's teams.
func ResolveTarget(ctx context.Context, st *store.Store, serverRef, teamRef string) (Target, error) {
	sv, err := servers.Resolve(ctx, st, serverRef)
	if err != nil {
		return Target{}, err
	}
	t := Target{Server: sv.ID, Name: sv.Name}
	if teamRef == "" {
		return t, nil
	}
	tm, err := teams.Resolve(ctx, st, teamRef)
	if err != nil {
		return Target{}, err
	}
	for _, id := range sv.Teams {
		if id == tm.ID {
			t.Team, t.TeamName = &tm.ID, teams.Label(tm)
			return t, nil
		}
	}
	return Target{}, fault.WithHint(fault.Invalid("team %s is not a team of server %s", teams.Label(tm), sv.Name),
		"add it with `ticketctl servers add-team "+sv.Name+" "+teams.Label(tm)+"`, or pick one of the server's teams")
}

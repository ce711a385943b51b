// Package servers holds the rules for servers: exactly one central server
// that receives new tickets, regional servers that hold teams, and never
// deleting a server that still holds tickets.
package servers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/teams"
)

// Service manages servers.
type Service struct {
	St  *store.Store
	Now func() time.Time
}

// New returns a service; now is the clock (time.Now when nil).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{St: st, Now: func() time.Time { return now().UTC() }}
}

// View is a server with its teams' names and, when asked for, its ticket
// counts by status.
type View struct {
	store.Server
	TeamNames []string         `json:"team_names"`
	Tickets   map[string]int64 `json:"tickets,omitzero"`
}

// Total is the number of tickets the view counted.
func (v View) Total() int64 {
	var n int64
	for _, c := range v.Tickets {
		n += c
	}
	return n
}

// CentralAlias names the central server when no server has that name.
const CentralAlias = "central"

// Resolve finds a server by id (24 hex characters) or by name; "central"
// is the central server unless a server has that name.
func Resolve(ctx context.Context, st *store.Store, ref string) (store.Server, error) {
	ref = strings.TrimSpace(ref)
	if id, err := bson.ObjectIDFromHex(ref); err == nil {
		return st.GetServer(ctx, id)
	}
	if ref == "" {
		return store.Server{}, fault.Invalid("server name is empty")
	}
	sv, err := st.GetServerByName(ctx, ref)
	if errors.Is(err, store.ErrNotFound) && ref == CentralAlias {
		// Whatever the central server is called (init --central-name).
		return st.CentralServer(ctx)
	}
	if errors.Is(err, store.ErrNotFound) {
		return sv, fault.WithHint(fault.New(fault.ErrNotFound, "server %q: not found", ref), "list servers with `ticketctl servers list`")
	}
	return sv, err
}

// Create stores a server (admins only). There is exactly one central
// server, which `ticketctl init` makes; a second is a conflict.
func (s *Service) Create(ctx context.Context, p auth.Principal, name, region string, central bool) (store.Server, error) {
	if err := auth.Require(p, store.RoleAdmin); err != nil {
		return store.Server{}, err
	}
	var sv store.Server
	var err error
	if sv.Name, err = teams.ValidateName("server", name); err != nil {
		return sv, err
	}
	if sv.Region, err = teams.ValidateLabel("region", region); err != nil {
		return sv, err
	}
	sv.Central = central
	if central {
		if c, err := s.St.CentralServer(ctx); err == nil {
			return sv, fault.WithHint(fault.New(fault.ErrConflict, "server %s is already the central server: there is exactly one", c.Name),
				"create regional servers without --central")
		}
	}
	if err := s.St.InsertServer(ctx, &sv); err != nil {
		if errors.Is(err, store.ErrConflict) {
			if central {
				return sv, fault.New(fault.ErrConflict, "a central server exists already: there is exactly one")
			}
			return sv, fault.New(fault.ErrConflict, "a server named %q exists already", sv.Name)
		}
		return sv, err
	}
	return sv, s.event(ctx, p, "server.create", sv, sv.Name+" "+sv.Region)
}

func (s *Service) event(ctx context.Context, p auth.Principal, action string, sv store.Server, note string) error {
	err := s.St.InsertEvent(ctx, &store.Event{At: s.Now(), Actor: p.Username, Action: action,
		Subject: "server:" + sv.ID.Hex(), Note: note})
	if err != nil {
		return fmt.Errorf("%s done but the event was not recorded: %w", action, err)
	}
	return nil
}

// List returns every server, central first (employees and admins). With
// counts it also counts tickets per server and status (one aggregation
// over all tickets).
func (s *Service) List(ctx context.Context, p auth.Principal, counts bool) ([]View, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return nil, err
	}
	svs, err := s.St.ListServers(ctx)
	if err != nil {
		return nil, err
	}
	var cs []store.StatusCount
	if counts {
		if cs, err = s.St.TicketCountsByServer(ctx, nil); err != nil {
			return nil, err
		}
	}
	return s.views(ctx, svs, cs, counts)
}

// Get returns one server with its ticket counts.
func (s *Service) Get(ctx context.Context, p auth.Principal, ref string) (View, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return View{}, err
	}
	sv, err := Resolve(ctx, s.St, ref)
	if err != nil {
		return View{}, err
	}
	id := sv.ID
	cs, err := s.St.TicketCountsByServer(ctx, &id)
	if err != nil {
		return View{}, err
	}
	vs, err := s.views(ctx, []store.Server{sv}, cs, true)
	if err != nil {
		return View{}, err
	}
	return vs[0], nil
}

func (s *Service) views(ctx context.Context, svs []store.Server, cs []store.StatusCount, counts bool) ([]View, error) {
	tms, err := s.St.ListTeams(ctx, "")
	if err != nil {
		return nil, err
	}
	label := map[bson.ObjectID]string{}
	for _, t := range tms {
		label[t.ID] = teams.Label(t)
	}
	out := make([]View, 0, len(svs))
	for _, sv := range svs {
		v := View{Server: sv, TeamNames: []string{}}
		for _, id := range sv.Teams {
			name, ok := label[id]
			if !ok {
				name = id.Hex() + " (deleted)"
			}
			v.TeamNames = append(v.TeamNames, name)
		}
		if counts {
			v.Tickets = map[string]int64{}
			for _, c := range cs {
				if c.Server == sv.ID {
					v.Tickets[c.Status] += c.Count
				}
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// Delete removes a regional server that holds no tickets (admins only).
// The central server is never deleted. Tickets could arrive between the
// count and the delete; distribution only moves tickets to servers it has
// just read, so the window is as small as one move.
func (s *Service) Delete(ctx context.Context, p auth.Principal, ref string) (store.Server, error) {
	if err := auth.Require(p, store.RoleAdmin); err != nil {
		return store.Server{}, err
	}
	sv, err := Resolve(ctx, s.St, ref)
	if err != nil {
		return sv, err
	}
	if sv.Central {
		return sv, fault.New(fault.ErrConflict, "server %s is the central server: it receives every new ticket and is never deleted", sv.Name)
	}
	id := sv.ID
	n, err := s.St.CountTickets(ctx, store.TicketFilter{Server: &id})
	if err != nil {
		return sv, err
	}
	if n > 0 {
		return sv, fault.WithHint(fault.New(fault.ErrConflict, "server %s still holds %d tickets", sv.Name, n),
			fmt.Sprintf("move them first: ticketctl tickets list --server %s --all -o ids | ticketctl distribute - --to OTHER", teams.ShellQuote(sv.Name)))
	}
	if err := s.St.DeleteServer(ctx, sv.ID); err != nil {
		return sv, err
	}
	return sv, s.event(ctx, p, "server.delete", sv, sv.Name)
}

// AddTeam puts a team on a regional server. A team works on one server:
// adding it to a second is a conflict. changed is false when the team was
// there already (nothing written, no event).
func (s *Service) AddTeam(ctx context.Context, p auth.Principal, serverRef, teamRef string) (sv store.Server, t store.Team, changed bool, err error) {
	sv, t, err = s.teamArgs(ctx, p, serverRef, teamRef)
	if err != nil {
		return sv, t, false, err
	}
	others, err := s.St.ServersWithTeam(ctx, t.ID)
	if err != nil {
		return sv, t, false, err
	}
	for _, o := range others {
		if o.ID != sv.ID {
			return sv, t, false, fault.WithHint(fault.New(fault.ErrConflict, "team %s already works on server %s", teams.Label(t), o.Name),
				fmt.Sprintf("run `ticketctl servers remove-team %s %s` first", teams.ShellQuote(o.Name), teams.Arg(t)))
		}
	}
	if slices.Contains(sv.Teams, t.ID) {
		return sv, t, false, nil
	}
	if sv, err = s.St.AddServerTeam(ctx, sv.ID, t.ID); err != nil {
		return sv, t, false, err
	}
	return sv, t, true, s.event(ctx, p, "server.add-team", sv, teams.Label(t))
}

// RemoveTeam takes a team off a server; a team that is not there changes
// nothing (changed is false, no event).
func (s *Service) RemoveTeam(ctx context.Context, p auth.Principal, serverRef, teamRef string) (sv store.Server, t store.Team, changed bool, err error) {
	sv, t, err = s.teamArgs(ctx, p, serverRef, teamRef)
	if err != nil {
		return sv, t, false, err
	}
	if !slices.Contains(sv.Teams, t.ID) {
		return sv, t, false, nil
	}
	if sv, err = s.St.RemoveServerTeam(ctx, sv.ID, t.ID); err != nil {
		return sv, t, false, err
	}
	return sv, t, true, s.event(ctx, p, "server.remove-team", sv, teams.Label(t))
}

func (s *Service) teamArgs(ctx context.Context, p auth.Principal, serverRef, teamRef string) (store.Server, store.Team, error) {
	if err := auth.Require(p, store.RoleAdmin); err != nil {
		return store.Server{}, store.Team{}, err
	}
	sv, err := Resolve(ctx, s.St, serverRef)
	if err != nil {
		return sv, store.Team{}, err
	}
	if sv.Central {
		return sv, store.Team{}, fault.Invalid("server %s is the central server: it has no teams", sv.Name)
	}
	t, err := teams.Resolve(ctx, s.St, teamRef)
	return sv, t, err
}

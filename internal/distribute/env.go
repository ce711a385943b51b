package distribute

import (
	"context"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/teams"
)

// Env is what strategies decide from: the servers and teams, which server
// hosts which team, open load per team, and the routing rules. It is read
// once per run; load is updated as the plan assigns tickets so one run
// spreads its own work.
type Env struct {
	Central    store.Server
	Servers    map[bson.ObjectID]store.Server
	Teams      []store.Team // id order
	TeamServer map[bson.ObjectID]bson.ObjectID
	Load       map[bson.ObjectID]int64
	Rules      []store.Rule
	// Next returns the next value of a named shared counter.
	Next func(ctx context.Context, name string) (int64, error)
}

// LoadEnv reads the environment from the store.
func LoadEnv(ctx context.Context, st *store.Store) (*Env, error) {
	servers, err := st.ListServers(ctx)
	if err != nil {
		return nil, err
	}
	teams, err := st.ListTeams(ctx, "")
	if err != nil {
		return nil, err
	}
	load, err := st.OpenTicketsByTeam(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := st.Rules(ctx)
	if err != nil {
		return nil, err
	}
	// Id order makes round-robin turns and ties independent of names.
	sort.Slice(teams, func(i, j int) bool { return teams[i].ID.Hex() < teams[j].ID.Hex() })
	e := &Env{Servers: map[bson.ObjectID]store.Server{}, Teams: teams, TeamServer: map[bson.ObjectID]bson.ObjectID{},
		Load: load, Rules: rules, Next: st.NextCounter}
	// Servers by name so a team hosted twice goes to the first by name.
	sort.Slice(servers, func(i, j int) bool { return servers[i].Name < servers[j].Name })
	for _, s := range servers {
		e.Servers[s.ID] = s
		if s.Central {
			e.Central = s
			continue
		}
		for _, t := range s.Teams {
			if _, ok := e.TeamServer[t]; !ok {
				e.TeamServer[t] = s.ID
			}
		}
	}
	return e, nil
}

// DryRun makes shared counters local: a dry run shows the turns a real
// run would take without taking them.
func (e *Env) DryRun(st *store.Store) {
	local := map[string]int64{}
	read := map[string]bool{}
	e.Next = func(ctx context.Context, name string) (int64, error) {
		if !read[name] {
			n, err := st.CounterValue(ctx, name)
			if err != nil {
				return 0, err
			}
			local[name], read[name] = n, true
		}
		local[name]++
		return local[name], nil
	}
}

// idleMatch names a team whose skills match but that cannot take work,
// so a plan explains why a matching team was passed over.
func (e *Env) idleMatch(tags map[string]bool) string {
	for _, t := range e.Teams {
		for _, sk := range t.Skills {
			if tags[sk] {
				if _, hosted := e.TeamServer[t.ID]; !hosted || len(t.Members) == 0 {
					return teams.Label(t)
				}
			}
		}
	}
	return ""
}

// eligible are the teams hosted on a regional server with at least one
// member: the only ones a ticket can be handed to.
func (e *Env) eligible() []store.Team {
	var out []store.Team
	for _, t := range e.Teams {
		if _, hosted := e.TeamServer[t.ID]; hosted && len(t.Members) > 0 {
			out = append(out, t)
		}
	}
	return out
}

func (e *Env) team(id bson.ObjectID) (store.Team, bool) {
	for _, t := range e.Teams {
		if t.ID == id {
			return t, true
		}
	}
	return store.Team{}, false
}

// perMember is the open load of a team divided by its members.
func (e *Env) perMember(t store.Team) float64 {
	n := len(t.Members)
	if n == 0 {
		n = 1
	}
	return float64(e.Load[t.ID]) / float64(n)
}

package distribute

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/teams"
)

// Decision is what a strategy proposes for one ticket.
type Decision struct {
	Action     string
	To         bson.ObjectID
	Team       *bson.ObjectID
	Reasons    []string
	Confidence float64
	TopTerms   []string
	FAQ        *bson.ObjectID
}

// Strategy decides where a ticket goes. ok=false means "not me": the
// planner tries the next strategy, and whyNot explains the pass.
type Strategy interface {
	Name() string
	Decide(ctx context.Context, t store.Ticket, env *Env) (d Decision, ok bool, whyNot string, err error)
}

// Names of the built-in strategies, in the default order.
const (
	StrategyRules       = "rules"
	StrategySkills      = "skills"
	StrategyLeastLoaded = "least-loaded"
	StrategyRoundRobin  = "round-robin"
)

// DefaultOrder is used when neither flag nor config names strategies.
var DefaultOrder = []string{StrategyRules, StrategySkills, StrategyLeastLoaded}

// Registry maps names to strategies; triage adds its own (faq, model).
type Registry map[string]Strategy

// Builtin returns the strategies this package ships.
func Builtin() Registry {
	return Registry{
		StrategyRules:       Rules{},
		StrategySkills:      Skills{},
		StrategyLeastLoaded: LeastLoaded{},
		StrategyRoundRobin:  RoundRobin{},
	}
}

// Resolve turns names into strategies, rejecting unknown ones (exit 2).
func (r Registry) Resolve(names []string) ([]Strategy, error) {
	var out []Strategy
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		s, ok := r[n]
		if !ok {
			return nil, fault.Invalid("unknown strategy %q: valid strategies are %s", n, strings.Join(r.names(), ", "))
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fault.Invalid("no strategy given: valid strategies are %s", strings.Join(r.names(), ", "))
	}
	return out, nil
}

func (r Registry) names() []string {
	var ns []string
	for n := range r {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Rules applies tag → server/team rules; the first matching rule wins.
type Rules struct{}

// Name implements Strategy.
func (Rules) Name() string { return StrategyRules }

// Decide implements Strategy.
func (Rules) Decide(_ context.Context, t store.Ticket, env *Env) (Decision, bool, string, error) {
	if len(env.Rules) == 0 {
		return Decision{}, false, "no rules defined", nil
	}
	tags := map[string]bool{}
	for _, tag := range t.Tags {
		tags[tag] = true
	}
	var stale []string
	for _, r := range env.Rules {
		if !tags[r.Tag] {
			continue
		}
		if _, ok := env.Servers[r.Server]; !ok {
			// Its server was deleted: the next rule or strategy decides.
			stale = append(stale, fmt.Sprintf("rule %d points at a deleted server", r.Order))
			continue
		}
		reason := fmt.Sprintf("rule %d: tag %q → server %s", r.Order, r.Tag, env.Servers[r.Server].Name)
		if r.Team != nil {
			if tm, ok := env.team(*r.Team); ok {
				reason += " team " + teams.Label(tm)
			}
		}
		return Decision{Action: ActionMove, To: r.Server, Team: r.Team, Reasons: []string{reason}}, true, "", nil
	}
	why := "no rule matches tags [" + strings.Join(t.Tags, ",") + "]"
	if len(stale) > 0 {
		why = strings.Join(stale, "; ")
	}
	return Decision{}, false, why, nil
}

// Skills sends a ticket to the team whose skills overlap its tags most;
// ties go to the team with less open work per member.
type Skills struct{}

// Name implements Strategy.
func (Skills) Name() string { return StrategySkills }

// Decide implements Strategy.
func (Skills) Decide(_ context.Context, t store.Ticket, env *Env) (Decision, bool, string, error) {
	tags := map[string]bool{}
	for _, tag := range t.Tags {
		tags[tag] = true
	}
	var best *store.Team
	var bestMatch []string
	for _, tm := range env.eligible() {
		var match []string
		for _, sk := range tm.Skills {
			if tags[sk] {
				match = append(match, sk)
			}
		}
		if len(match) == 0 {
			continue
		}
		if best == nil || len(match) > len(bestMatch) ||
			len(match) == len(bestMatch) && env.perMember(tm) < env.perMember(*best) {
			tm := tm
			best, bestMatch = &tm, match
		}
	}
	if best == nil {
		why := "no team's skills overlap tags [" + strings.Join(t.Tags, ",") + "]"
		if idle := env.idleMatch(tags); idle != "" {
			why += " (team " + idle + " matches but has no members or no regional server)"
		}
		return Decision{}, false, why, nil
	}
	env.Load[best.ID]++
	id := best.ID
	reason := fmt.Sprintf("team %s has skills %s matching %d of the ticket's %d tags", teams.Label(*best),
		strings.Join(bestMatch, ","), len(bestMatch), len(t.Tags))
	return Decision{Action: ActionMove, To: env.TeamServer[id], Team: &id, Reasons: []string{reason}}, true, "", nil
}

// LeastLoaded picks the eligible team with the fewest open tickets per
// member.
type LeastLoaded struct{}

// Name implements Strategy.
func (LeastLoaded) Name() string { return StrategyLeastLoaded }

// Decide implements Strategy.
func (LeastLoaded) Decide(_ context.Context, _ store.Ticket, env *Env) (Decision, bool, string, error) {
	candidates := env.eligible()
	if len(candidates) == 0 {
		return Decision{}, false, "no team with members is hosted on a regional server", nil
	}
	best := candidates[0]
	for _, tm := range candidates[1:] {
		if env.perMember(tm) < env.perMember(best) {
			best = tm
		}
	}
	reason := fmt.Sprintf("team %s has the fewest open tickets per member (%d open, %d members)",
		teams.Label(best), env.Load[best.ID], len(best.Members))
	env.Load[best.ID]++
	id := best.ID
	return Decision{Action: ActionMove, To: env.TeamServer[id], Team: &id, Reasons: []string{reason}}, true, "", nil
}

// RoundRobin hands tickets to eligible teams in turn. The turn is a
// counter in the database advanced with $inc, so it stays fair across runs
// and across concurrent runs.
type RoundRobin struct{}

// CounterName is the counter document round-robin advances.
const CounterName = "distribute.round-robin"

// Name implements Strategy.
func (RoundRobin) Name() string { return StrategyRoundRobin }

// Decide implements Strategy.
func (RoundRobin) Decide(ctx context.Context, _ store.Ticket, env *Env) (Decision, bool, string, error) {
	candidates := env.eligible()
	if len(candidates) == 0 {
		return Decision{}, false, "no team with members is hosted on a regional server", nil
	}
	n, err := env.Next(ctx, CounterName)
	if err != nil {
		return Decision{}, false, "", err
	}
	tm := candidates[int((n-1)%int64(len(candidates)))]
	env.Load[tm.ID]++
	id := tm.ID
	reason := fmt.Sprintf("round-robin turn %d across %d teams → team %s", n, len(candidates), teams.Label(tm))
	return Decision{Action: ActionMove, To: env.TeamServer[id], Team: &id, Reasons: []string{reason}}, true, "", nil
}

// Names lists the registered strategies, sorted.
func (r Registry) Names() []string { return r.names() }

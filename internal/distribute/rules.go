package distribute

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/teams"
)

// RuleView is a rule with the names people read.
type RuleView struct {
	store.Rule
	ServerName string `json:"server_name"`
	TeamName   string `json:"team_name,omitempty"`
}

// AddRule stores a tag → server/team rule and records an event.
func AddRule(ctx context.Context, st *store.Store, actor, tag, serverRef, teamRef string, order int) (RuleView, error) {
	to, err := ResolveTarget(ctx, st, serverRef, teamRef)
	if err != nil {
		return RuleView{}, err
	}
	r := store.Rule{Tag: tag, Server: to.Server, Team: to.Team, Order: order, CreatedBy: actor}
	if err := st.InsertRule(ctx, &r); err != nil {
		return RuleView{}, err
	}
	if err := st.InsertEvent(ctx, &store.Event{Actor: actor, Action: "rule.add", Subject: "rule:" + r.ID.Hex(),
		To: to.Name, Note: "tag " + tag}); err != nil {
		return RuleView{}, err
	}
	return RuleView{Rule: r, ServerName: to.Name, TeamName: to.TeamName}, nil
}

// ListRules returns the rules in evaluation order with names.
func ListRules(ctx context.Context, st *store.Store) ([]RuleView, error) {
	rules, err := st.Rules(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]RuleView, 0, len(rules))
	for _, r := range rules {
		v := RuleView{Rule: r, ServerName: "(deleted " + r.Server.Hex() + ")"}
		if sv, err := st.GetServer(ctx, r.Server); err == nil {
			v.ServerName = sv.Name
		}
		if r.Team != nil {
			v.TeamName = "(deleted)"
			if tm, err := st.GetTeam(ctx, *r.Team); err == nil {
				v.TeamName = teams.Label(tm)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// DeleteRule removes a rule and records an event.
func DeleteRule(ctx context.Context, st *store.Store, actor string, id bson.ObjectID) error {
	if err := st.DeleteRule(ctx, id); err != nil {
		return err
	}
	return st.InsertEvent(ctx, &store.Event{Actor: actor, Action: "rule.delete", Subject: "rule:" + id.Hex()})
}

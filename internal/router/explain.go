package router

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/faqs"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/priority"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// Explanation is everything triage would decide about one ticket now, and
// why: the route, the priority and the FAQ candidates.
type Explanation struct {
	Ticket   bson.ObjectID `json:"ticket"`
	Title    string        `json:"title"`
	Status   string        `json:"status"`
	Route    *Prediction   `json:"route"`
	RouteWhy string        `json:"route_why,omitempty"`
	// Priority is what scoring gives now next to what the ticket has.
	Priority        triage.PriorityResult `json:"priority"`
	CurrentPriority string                `json:"current_priority"`
	CurrentSeverity string                `json:"current_severity"`
	FAQ             *faqs.Result          `json:"faq"`
	FAQWhy          string                `json:"faq_why,omitempty"`
}

// Explain shows what triage makes of a ticket (employees). Parts that
// cannot be computed (no active model, no FAQs) are absent with a reason
// instead of failing the whole explanation.
func (s *Service) Explain(ctx context.Context, p auth.Principal, id bson.ObjectID, sc *priority.Scorer) (Explanation, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return Explanation{}, err
	}
	t, err := s.St.GetTicket(ctx, id)
	if err != nil {
		return Explanation{}, err
	}
	text := triage.TicketText(t.Title, t.Description, t.Tags)
	ex := Explanation{Ticket: t.ID, Title: t.Title, Status: t.Status, CurrentPriority: t.Priority, CurrentSeverity: t.Severity}
	a, err := LoadActive(ctx, s.St)
	switch {
	case err == nil:
		pr := a.Predict(text)
		ex.Route = &pr
	case errors.Is(err, fault.ErrNotFound):
		ex.RouteWhy = err.Error()
	default:
		return ex, err
	}
	accountType := ""
	if t.Requester != nil {
		acc, err := s.St.GetAccount(ctx, *t.Requester)
		if err != nil && !isNotFound(err) {
			return ex, err
		}
		accountType = acc.Type
	}
	if ex.Priority, err = sc.Assess(ctx, t, accountType); err != nil {
		return ex, err
	}
	m, err := faqs.LoadMatcher(ctx, s.St)
	switch {
	case err == nil:
		r := m.Match(text, 3)
		ex.FAQ = &r
	case errors.Is(err, fault.ErrNotFound):
		ex.FAQWhy = err.Error()
	default:
		return ex, err
	}
	return ex, nil
}

package router

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/distribute"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// StrategyName is the model strategy's name in `distribute --strategy`.
const StrategyName = "model"

// Strategy routes a ticket to the team (or server) the active model
// predicts, when the prediction's confidence reaches the threshold chosen
// on the model's hold-out; otherwise it passes to the next strategy. A
// model without a measured threshold never routes by itself.
type Strategy struct {
	// Open returns the store; it is called on the first decision only, so
	// listing strategies (completion, help) never connects.
	Open func(ctx context.Context) (*store.Store, error)

	loaded bool
	active *Active
	off    string // why the strategy routes nothing in this run
}

// NewStrategy returns the model strategy over the store that open returns.
func NewStrategy(open func(ctx context.Context) (*store.Store, error)) *Strategy {
	return &Strategy{Open: open}
}

// Name implements distribute.Strategy.
func (s *Strategy) Name() string { return StrategyName }

// Decide implements distribute.Strategy.
func (s *Strategy) Decide(ctx context.Context, t store.Ticket, env *distribute.Env) (distribute.Decision, bool, string, error) {
	if err := s.load(ctx); err != nil {
		return distribute.Decision{}, false, "", err
	}
	if s.off != "" {
		return distribute.Decision{}, false, s.off, nil
	}
	a := s.active
	p := a.Predict(triage.TicketText(t.Title, t.Description, t.Tags))
	v := a.Meta.Version
	if !p.Routes {
		return distribute.Decision{}, false, fmt.Sprintf("model v%d: best %s %s at confidence %.2f < threshold %.2f",
			v, p.Label, p.Name, p.Confidence, p.Threshold), nil
	}
	id, err := bson.ObjectIDFromHex(p.ID)
	if err != nil {
		return distribute.Decision{}, false, fmt.Sprintf("model v%d: label %q is not an id", v, p.ID), nil
	}
	reason := fmt.Sprintf("model v%d: %s %s (confidence %.2f ≥ %.2f; terms: %s)", v, p.Label, p.Name, p.Confidence,
		p.Threshold, strings.Join(p.TopTerms, ", "))
	d := distribute.Decision{Action: distribute.ActionMove, Confidence: p.Confidence, TopTerms: p.TopTerms, Reasons: []string{reason}}
	if a.Meta.Label == LabelServer {
		sv, ok := env.Servers[id]
		if !ok || sv.Central {
			return distribute.Decision{}, false, fmt.Sprintf("model v%d: server %s no longer exists", v, p.Name), nil
		}
		d.To = id
		return d, true, "", nil
	}
	server, hosted := env.TeamServer[id]
	if !hosted {
		return distribute.Decision{}, false, fmt.Sprintf("model v%d: team %s is on no regional server", v, p.Name), nil
	}
	if env.Load != nil {
		env.Load[id]++ // so one run's later decisions see this ticket's load
	}
	d.To, d.Team = server, &id
	return d, true, "", nil
}

func (s *Strategy) load(ctx context.Context) error {
	if s.loaded {
		return nil
	}
	if s.Open == nil {
		return errors.New("model strategy: no store")
	}
	st, err := s.Open(ctx)
	if err != nil {
		return err
	}
	a, err := LoadActive(ctx, st)
	switch {
	case errors.Is(err, ErrNoActiveModel):
		s.off = "no active model (train one with `triage train`, activate it with `triage use`)"
	case err != nil:
		return err
	case !a.Meta.ThresholdSet:
		s.off = fmt.Sprintf("model v%d has no threshold measured on a hold-out: it never routes by itself", a.Meta.Version)
	default:
		s.active = a
	}
	s.loaded = true
	return nil
}

package faqs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ticketctl/ticketctl/internal/distribute"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// StrategyName is the faq strategy's name in `distribute --strategy`.
const StrategyName = "faq"

// Strategy resolves a ticket with an FAQ when the best match's confidence
// clears the calibrated threshold; otherwise it passes to the next
// strategy. Without a calibration it never resolves anything: an
// unmeasured matcher does not close customers' tickets.
type Strategy struct {
	// Open returns the store; it is called on the first decision only, so
	// listing strategies (completion, help) never connects.
	Open func(ctx context.Context) (*store.Store, error)

	loaded  bool
	matcher *Matcher
	off     string // why the strategy resolves nothing in this run
}

// NewStrategy returns the faq strategy over the store that open returns.
func NewStrategy(open func(ctx context.Context) (*store.Store, error)) *Strategy {
	return &Strategy{Open: open}
}

// Name implements distribute.Strategy.
func (s *Strategy) Name() string { return StrategyName }

// Decide implements distribute.Strategy.
func (s *Strategy) Decide(ctx context.Context, t store.Ticket, _ *distribute.Env) (distribute.Decision, bool, string, error) {
	if err := s.load(ctx); err != nil {
		return distribute.Decision{}, false, "", err
	}
	if s.off != "" {
		return distribute.Decision{}, false, s.off, nil
	}
	threshold, _ := s.matcher.AutoThreshold()
	f, best, ok := s.matcher.Best(triage.TicketText(t.Title, t.Description, t.Tags))
	if !ok {
		return distribute.Decision{}, false, "no FAQ shares a word with the ticket", nil
	}
	if best.Confidence < threshold {
		return distribute.Decision{}, false, fmt.Sprintf("best FAQ %q at confidence %.2f < threshold %.2f",
			Label(f), best.Confidence, threshold), nil
	}
	id := f.ID
	reason := fmt.Sprintf("FAQ %q answers it (confidence %.2f ≥ %.2f; terms: %s)", Label(f), best.Confidence, threshold,
		strings.Join(best.Terms, ", "))
	return distribute.Decision{Action: distribute.ActionResolve, FAQ: &id, Confidence: round(best.Confidence, 4),
		TopTerms: best.Terms, Reasons: []string{reason}}, true, "", nil
}

func (s *Strategy) load(ctx context.Context) error {
	if s.loaded {
		return nil
	}
	if s.Open == nil {
		return errors.New("faq strategy: no store")
	}
	st, err := s.Open(ctx)
	if err != nil {
		return err
	}
	m, err := LoadMatcher(ctx, st)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		s.off = "no FAQs"
	case err != nil:
		return err
	default:
		s.matcher = m
		_, s.off = m.AutoThreshold()
	}
	s.loaded = true
	return nil
}

// Resolver closes tickets that the faq strategy planned to resolve: it is
// distribute.Runner's Resolve hook.
type Resolver struct {
	St    *store.Store
	Actor string
	Now   func() time.Time
	// Notify, when set, tells the requester the answer once the ticket is
	// resolved. A failure there does not undo the resolution: it is
	// reported as the entry's error after the ticket is closed.
	Notify func(ctx context.Context, t store.Ticket, f store.FAQ) error
}

// Resolve marks the entry's ticket complete with resolution.faq, if it is
// still exactly as planned (same version, same server): otherwise it is a
// conflict, which the runner reports as skipped. Then it records a
// ticket.resolve event.
func (r *Resolver) Resolve(ctx context.Context, e distribute.Entry) error {
	if e.FAQ == nil {
		return errors.New("plan entry has no FAQ")
	}
	now := time.Now().UTC()
	if r.Now != nil {
		now = r.Now().UTC()
	}
	f, err := r.St.GetFAQ(ctx, *e.FAQ)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("FAQ %s was deleted since planned", e.FAQ.Hex())
	}
	if err != nil {
		return err
	}
	cur, err := r.St.GetTicket(ctx, e.Ticket)
	if err != nil {
		return err
	}
	if cur.Version != e.ExpectedVersion || cur.Server != e.From || cur.Status == store.StatusComplete {
		return fault.New(store.ErrConflict, "ticket %s changed since planned", e.Ticket.Hex())
	}
	tr := store.Triage{Method: StrategyName, Confidence: e.Confidence, Reasons: e.Reasons, At: now}
	if cur.Triage != nil {
		tr.PrioritySet = cur.Triage.PrioritySet
	}
	status := store.StatusComplete
	from := e.From
	// The update and its event go together: a run killed between them
	// leaves an intent that the next run turns into the event.
	ev := store.Event{Actor: r.Actor, Action: ActionResolve, From: cur.Status, To: store.StatusComplete,
		Note: fmt.Sprintf("resolved by FAQ %s (%s), confidence %.2f", f.ID.Hex(), Label(f), e.Confidence)}
	t, err := r.St.ResolveTicket(ctx, e.Ticket, store.Expect{Version: e.ExpectedVersion, Server: &from},
		store.TicketUpdate{Status: &status, Triage: &tr,
			Resolution: &store.Resolution{FAQ: e.FAQ, Note: "answered by FAQ " + Label(f), At: now}}, ev, now)
	if err != nil {
		return err
	}
	id := t.ID
	if r.Notify != nil {
		if err := r.Notify(ctx, t, f); err != nil {
			return fmt.Errorf("ticket %s was resolved but the requester was not notified: %w", id.Hex(), err)
		}
	}
	return nil
}

// Package priority sets a ticket's priority (P1–P4) and severity
// (critical–low) from its text, the requester's account type and a spike
// of similar open tickets, at creation and on demand
// (`triage reprioritise`). A priority a person set is never lowered. The
// scoring itself is triage.Prioritise (pure); this package gathers its
// inputs from the store and writes the outcome with its reasons.
package priority

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// DefaultWindow is how far back similar open tickets count as a spike.
const DefaultWindow = time.Hour

// Method is store.Triage.Method for a priority decision, and
// PrioritySet's value when triage (not a person) chose the priority.
const Method = "priority"

// SetByTriage is store.Triage.PrioritySet when triage chose the priority.
const SetByTriage = "triage"

// ActionPriority is the event written when reprioritising changes a
// ticket.
const ActionPriority = "ticket.priority"

// Scorer assesses tickets against the store.
type Scorer struct {
	St     *store.Store
	Now    func() time.Time
	Window time.Duration // spike window; DefaultWindow when 0
}

// New returns a scorer; now is the clock (time.Now when nil).
func New(st *store.Store, now func() time.Time, window time.Duration) *Scorer {
	if now == nil {
		now = time.Now
	}
	if window <= 0 {
		window = DefaultWindow
	}
	return &Scorer{St: st, Now: func() time.Time { return now().UTC() }, Window: window}
}

// SetByPerson reports whether t's priority was chosen by a person: any
// priority that triage did not record as its own (also one imported from
// another system) counts, so triage never lowers what someone decided.
func SetByPerson(t store.Ticket) bool {
	return t.Priority != "" && (t.Triage == nil || t.Triage.PrioritySet != SetByTriage)
}

// severitySetByPerson is SetByPerson for the severity.
func severitySetByPerson(t store.Ticket) bool {
	return t.Severity != "" && (t.Triage == nil || t.Triage.PrioritySet != SetByTriage)
}

// Similar counts other open tickets created within the window before now
// that carry all of t's tags: one cheap indexed count. A ticket without
// tags has no cheap notion of "similar" and counts none.
func (s *Scorer) Similar(ctx context.Context, t store.Ticket) (int, error) {
	if len(t.Tags) == 0 {
		return 0, nil
	}
	now := s.Now()
	since := now.Add(-s.Window)
	n, err := s.St.CountTickets(ctx, store.TicketFilter{Tags: t.Tags,
		Statuses: []string{store.StatusNotStarted, store.StatusInProgress}, CreatedAfter: since})
	if err != nil {
		return 0, err
	}
	// The ticket itself, once stored, is one of them.
	if !t.ID.IsZero() && t.Status != store.StatusComplete && !t.CreatedAt.Before(since) {
		n--
	}
	return int(max(n, 0)), nil
}

// Assess scores t for a requester of accountType ("work", "personal" or
// "" when unknown).
func (s *Scorer) Assess(ctx context.Context, t store.Ticket, accountType string) (triage.PriorityResult, error) {
	similar, err := s.Similar(ctx, t)
	if err != nil {
		return triage.PriorityResult{}, err
	}
	r := triage.Prioritise(triage.PriorityInput{Title: t.Title, Description: t.Description, Tags: t.Tags,
		AccountType: accountType, SimilarOpen: similar, CurrentPriority: t.Priority, SetByPerson: SetByPerson(t)})
	if severitySetByPerson(t) && rank(triage.Severities(), t.Severity) < rank(triage.Severities(), r.Severity) {
		r.Reasons = append(r.Reasons, fmt.Sprintf("kept severity %s set by a person (scored %s; never lowered)", t.Severity, r.Severity))
		r.Severity = t.Severity
	}
	return r, nil
}

// rank is the position of v in order (most urgent first); unknown values
// rank last.
func rank(order []string, v string) int {
	if i := slices.Index(order, strings.ToLower(strings.TrimSpace(v))); i >= 0 {
		return i
	}
	if i := slices.Index(order, strings.ToUpper(strings.TrimSpace(v))); i >= 0 {
		return i
	}
	return len(order)
}

// triageRecord is what a ticket's triage field says about a priority
// decision.
func (s *Scorer) triageRecord(t store.Ticket, r triage.PriorityResult, setBy string) *store.Triage {
	tr := &store.Triage{Method: Method, Reasons: r.Reasons, PrioritySet: setBy, At: s.Now()}
	if t.Triage != nil && t.Triage.Method != "" && t.Triage.Method != Method {
		// Keep the routing decision's method and confidence; the reasons
		// now explain the priority.
		tr.Method, tr.Confidence, tr.ModelVersion = t.Triage.Method, t.Triage.Confidence, t.Triage.ModelVersion
	}
	return tr
}

// OnCreate fills in the priority, severity and triage reasons of a ticket
// about to be created by p. A priority or severity p gave is kept (raised
// only), and recorded as set by that person.
func (s *Scorer) OnCreate(ctx context.Context, p auth.Principal, t *store.Ticket) error {
	byPerson := t.Priority != "" || t.Severity != ""
	cp := *t
	if byPerson {
		cp.Triage = &store.Triage{PrioritySet: p.Username}
	}
	r, err := s.Assess(ctx, cp, p.Type)
	if err != nil {
		return err
	}
	setBy := SetByTriage
	if byPerson {
		setBy = p.Username
	}
	t.Priority, t.Severity = r.Priority, r.Severity
	t.Triage = s.triageRecord(*t, r, setBy)
	return nil
}

// Change is the outcome of reprioritising one ticket.
type Change struct {
	Ticket       bson.ObjectID `json:"ticket"`
	Title        string        `json:"title"`
	FromPriority string        `json:"from_priority"`
	ToPriority   string        `json:"to_priority"`
	FromSeverity string        `json:"from_severity"`
	ToSeverity   string        `json:"to_severity"`
	// Result is "changed", "unchanged", "planned" (dry run) or "skipped"
	// (changed by someone else meanwhile).
	Result  string   `json:"result"`
	Kept    bool     `json:"kept_person_priority"`
	Reasons []string `json:"reasons"`
}

// Results of a Change.
const (
	ResultChanged   = "changed"
	ResultUnchanged = "unchanged"
	ResultPlanned   = "planned"
	ResultSkipped   = "skipped"
)

// Reprioritise scores every ticket of seq again and writes the ones whose
// priority or severity changes (conditionally on their version, with a
// ticket.priority event). Unchanged tickets are not written at all.
func (s *Scorer) Reprioritise(ctx context.Context, actor string, seq iter.Seq2[store.Ticket, error], dryRun bool) iter.Seq2[Change, error] {
	accountTypes := map[bson.ObjectID]string{}
	accountType := func(ctx context.Context, t store.Ticket) (string, error) {
		if t.Requester == nil {
			return "", nil
		}
		if v, ok := accountTypes[*t.Requester]; ok {
			return v, nil
		}
		a, err := s.St.GetAccount(ctx, *t.Requester)
		if err != nil && !isNotFound(err) {
			return "", err
		}
		accountTypes[*t.Requester] = a.Type
		return a.Type, nil
	}
	return func(yield func(Change, error) bool) {
		for t, err := range seq {
			if err != nil {
				yield(Change{}, err)
				return
			}
			c, err := s.reprioritiseOne(ctx, actor, t, dryRun, accountType)
			if !yield(c, err) || err != nil {
				return
			}
		}
	}
}

func (s *Scorer) reprioritiseOne(ctx context.Context, actor string, t store.Ticket, dryRun bool,
	accountType func(context.Context, store.Ticket) (string, error)) (Change, error) {
	at, err := accountType(ctx, t)
	if err != nil {
		return Change{}, err
	}
	r, err := s.Assess(ctx, t, at)
	if err != nil {
		return Change{}, err
	}
	c := Change{Ticket: t.ID, Title: t.Title, FromPriority: t.Priority, ToPriority: r.Priority,
		FromSeverity: t.Severity, ToSeverity: r.Severity, Kept: r.Kept, Reasons: r.Reasons, Result: ResultUnchanged}
	if c.FromPriority == c.ToPriority && c.FromSeverity == c.ToSeverity {
		return c, nil
	}
	if dryRun {
		c.Result = ResultPlanned
		return c, nil
	}
	setBy := SetByTriage
	if SetByPerson(t) || severitySetByPerson(t) {
		setBy = "person"
		if t.Triage != nil && t.Triage.PrioritySet != "" {
			setBy = t.Triage.PrioritySet
		}
	}
	now := s.Now()
	_, err = s.St.UpdateTicket(ctx, t.ID, store.Expect{Version: t.Version},
		store.TicketUpdate{Priority: &r.Priority, Severity: &r.Severity, Triage: s.triageRecord(t, r, setBy)}, now)
	if isConflict(err) || isNotFound(err) {
		c.Result = ResultSkipped
		return c, nil
	}
	if err != nil {
		return c, err
	}
	c.Result = ResultChanged
	id := t.ID
	return c, s.St.InsertEvent(ctx, &store.Event{At: now, Actor: actor, Action: ActionPriority, Ticket: &id,
		From: orNone(t.Priority) + "/" + orNone(t.Severity), To: r.Priority + "/" + r.Severity,
		Note: strings.Join(r.Reasons, "; ")})
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// Package tickets holds the rules of ticket operations: validation,
// who may see and change what, conditional status changes with an audit
// trail, tagging, deletion, and import/export. It calls the store and never
// reads flags or configuration.
package tickets

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
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Event actions this package writes.
const (
	ActionCreate = "ticket.create"
	ActionStatus = "ticket.status"
	ActionTag    = "ticket.tag"
	ActionDelete = "ticket.delete"
	ActionImport = "tickets.import"
)

// Service performs ticket operations for a logged-in principal.
type Service struct {
	St  *store.Store
	Now func() time.Time
	// Prioritise, when set, fills in a new ticket's priority, severity and
	// triage reasons before it is stored; the CLI sets triage's scorer, so
	// this package does not depend on it.
	Prioritise func(ctx context.Context, p auth.Principal, t *store.Ticket) error

	// afterRead, when set (tests only), runs between reading a ticket and
	// writing it, so a test can make two writers hold the same version.
	afterRead func()
}

// New returns a service; now is the clock (time.Now when nil).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{St: st, Now: func() time.Time { return now().UTC() }}
}

// NewTicket is what a person submits.
type NewTicket struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Tags        []string `json:"tags"`
	Priority    string   `json:"priority,omitempty"`
	Severity    string   `json:"severity,omitempty"`
}

// Create validates and stores a ticket on the central server, with the
// principal as requester, status "not started" and version 1, and records
// the event.
func (s *Service) Create(ctx context.Context, p auth.Principal, in NewTicket) (store.Ticket, error) {
	if err := auth.Require(p, store.RoleCustomer); err != nil {
		return store.Ticket{}, err
	}
	t, err := s.validateNew(p, in)
	if err != nil {
		return store.Ticket{}, err
	}
	central, err := s.St.CentralServer(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return store.Ticket{}, fault.WithHint(fault.New(fault.ErrNotFound, "no central server to receive the ticket"), "run `ticketctl init`")
	}
	if err != nil {
		return store.Ticket{}, err
	}
	now := s.Now()
	t.Server, t.Requester, t.CreatedAt, t.UpdatedAt = central.ID, &p.ID, now, now
	t.Status, t.Version = store.StatusNotStarted, 1
	if s.Prioritise != nil {
		if err := s.Prioritise(ctx, p, &t); err != nil {
			return store.Ticket{}, err
		}
	}
	if err := s.St.InsertTicket(ctx, &t); err != nil {
		return store.Ticket{}, err
	}
	id := t.ID
	if err := s.St.InsertEvent(ctx, &store.Event{At: now, Actor: p.Username, Action: ActionCreate, Ticket: &id,
		To: t.Status}); err != nil {
		return t, fmt.Errorf("ticket %s was created but its event was not recorded: %w", id.Hex(), err)
	}
	return t, nil
}

func (s *Service) validateNew(p auth.Principal, in NewTicket) (store.Ticket, error) {
	var t store.Ticket
	var err error
	if t.Title, err = ValidateTitle(in.Title); err != nil {
		return t, err
	}
	if t.Description, err = ValidateDescription(in.Description); err != nil {
		return t, err
	}
	if t.Tags, err = NormalizeTags(in.Tags); err != nil {
		return t, err
	}
	if (in.Priority != "" || in.Severity != "") && !p.Has(store.RoleEmployee) {
		return t, fault.New(fault.ErrDenied, "customers cannot set priority or severity: triage sets them")
	}
	if in.Priority != "" {
		if t.Priority, err = ParsePriority(in.Priority); err != nil {
			return t, err
		}
	}
	if in.Severity != "" {
		if t.Severity, err = ParseSeverity(in.Severity); err != nil {
			return t, err
		}
	}
	return t, nil
}

// List streams the tickets q selects. Customers see only their own: their
// query is pinned to their account, and asking for someone else's is
// refused.
func (s *Service) List(ctx context.Context, p auth.Principal, q store.TicketQuery) (iter.Seq2[store.Ticket, error], error) {
	if err := auth.Require(p, store.RoleCustomer); err != nil {
		return nil, err
	}
	if !p.Has(store.RoleEmployee) {
		if q.Filter.Requester != nil && *q.Filter.Requester != p.ID {
			return nil, fault.New(fault.ErrDenied, "customers see only their own tickets")
		}
		id := p.ID
		q.Filter.Requester = &id
	}
	seq := s.St.Tickets(ctx, q)
	return func(yield func(store.Ticket, error) bool) {
		for t, err := range seq {
			if !yield(normalize(t), err) {
				return
			}
		}
	}, nil
}

// normalize fills what documents written by another backend may lack, so
// output is uniform: tags are [] rather than null.
func normalize(t store.Ticket) store.Ticket {
	if t.Tags == nil && !t.ID.IsZero() {
		t.Tags = []string{}
	}
	return t
}

// Get returns one ticket. A customer asking for another person's ticket
// gets the same "not found" as for a missing one.
func (s *Service) Get(ctx context.Context, p auth.Principal, id bson.ObjectID) (store.Ticket, error) {
	if err := auth.Require(p, store.RoleCustomer); err != nil {
		return store.Ticket{}, err
	}
	t, err := s.St.GetTicket(ctx, id)
	if err != nil {
		return store.Ticket{}, err
	}
	if !canSee(p, t) {
		return store.Ticket{}, fault.New(fault.ErrNotFound, "ticket %s: not found", id.Hex())
	}
	return normalize(t), nil
}

func canSee(p auth.Principal, t store.Ticket) bool {
	return p.Has(store.RoleEmployee) || t.Requester != nil && *t.Requester == p.ID
}

// Change is the outcome of a status or tag change.
type Change struct {
	Ticket  store.Ticket `json:"ticket"`
	Changed bool         `json:"changed"`
	From    string       `json:"from"`
	To      string       `json:"to"`
}

// SetStatus changes a ticket's status with one conditional update on the
// version it read (or on expect, when given): a concurrent change makes
// it ErrConflict, never a lost update. Each change appends a
// "ticket.status" event; setting the status it already has changes
// nothing and records nothing.
func (s *Service) SetStatus(ctx context.Context, p auth.Principal, id bson.ObjectID, status, note string, expect *int64) (Change, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return Change{}, err
	}
	to, err := ParseStatus(status)
	if err != nil {
		return Change{}, err
	}
	if note, err = ValidateNote(note); err != nil {
		return Change{}, err
	}
	cur, err := s.current(ctx, id, expect)
	if err != nil {
		return Change{}, err
	}
	ch := Change{Ticket: normalize(cur), From: cur.Status, To: to}
	if cur.Status == to {
		return ch, nil
	}
	if s.afterRead != nil {
		s.afterRead()
	}
	now := s.Now()
	t, err := s.St.UpdateTicket(ctx, id, store.Expect{Version: cur.Version}, store.TicketUpdate{Status: &to}, now)
	if err != nil {
		return Change{}, err
	}
	ch.Ticket, ch.Changed = normalize(t), true
	if err := s.St.InsertEvent(ctx, &store.Event{At: now, Actor: p.Username, Action: ActionStatus, Ticket: &id,
		From: cur.Status, To: to, Note: note}); err != nil {
		return ch, fmt.Errorf("status of ticket %s changed to %q but the event was not recorded: %w", id.Hex(), to, err)
	}
	return ch, nil
}

// current reads a ticket and, when expect is set, checks its version
// before any write.
func (s *Service) current(ctx context.Context, id bson.ObjectID, expect *int64) (store.Ticket, error) {
	cur, err := s.St.GetTicket(ctx, id)
	if err != nil {
		return store.Ticket{}, err
	}
	if expect != nil && cur.Version != *expect {
		return store.Ticket{}, fault.New(fault.ErrConflict, "ticket %s changed meanwhile: expected version %d, found %d",
			id.Hex(), *expect, cur.Version)
	}
	return cur, nil
}

// Tag adds and removes tags in one conditional update and records a
// "ticket.tag" event with the lists before and after.
func (s *Service) Tag(ctx context.Context, p auth.Principal, id bson.ObjectID, add, remove []string, expect *int64) (Change, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return Change{}, err
	}
	add, err := NormalizeTags(add)
	if err != nil {
		return Change{}, err
	}
	remove, err = normalizeRemoved(remove)
	if err != nil {
		return Change{}, err
	}
	if len(add) == 0 && len(remove) == 0 {
		return Change{}, fault.Invalid("nothing to change: pass --add or --remove")
	}
	for _, t := range add {
		if slices.Contains(remove, t) {
			return Change{}, fault.Invalid("tag %q is both added and removed", t)
		}
	}
	cur, err := s.current(ctx, id, expect)
	if err != nil {
		return Change{}, err
	}
	cur = normalize(cur)
	next := []string{}
	for _, t := range cur.Tags {
		if !slices.Contains(remove, t) {
			next = append(next, t)
		}
	}
	var added []string
	for _, t := range add {
		if !slices.Contains(next, t) {
			next = append(next, t)
			added = append(added, t)
		}
	}
	if len(next) > MaxTags {
		return Change{}, fault.Invalid("ticket %s would have %d tags: a ticket carries at most %d", id.Hex(), len(next), MaxTags)
	}
	ch := Change{Ticket: cur, From: strings.Join(cur.Tags, ","), To: strings.Join(next, ",")}
	if slices.Equal(cur.Tags, next) {
		return ch, nil
	}
	now := s.Now()
	t, err := s.St.UpdateTicket(ctx, id, store.Expect{Version: cur.Version}, store.TicketUpdate{Tags: next}, now)
	if err != nil {
		return Change{}, err
	}
	ch.Ticket, ch.Changed = normalize(t), true
	var note []string
	for _, t := range added {
		note = append(note, "+"+t)
	}
	for _, t := range remove {
		if slices.Contains(cur.Tags, t) {
			note = append(note, "-"+t)
		}
	}
	if err := s.St.InsertEvent(ctx, &store.Event{At: now, Actor: p.Username, Action: ActionTag, Ticket: &id,
		From: ch.From, To: ch.To, Note: strings.Join(note, " ")}); err != nil {
		return ch, fmt.Errorf("tags of ticket %s changed but the event was not recorded: %w", id.Hex(), err)
	}
	return ch, nil
}

// normalizeRemoved lower-cases tags to remove; they need not be valid
// tags (a document from another backend may hold anything).
func normalizeRemoved(in []string) ([]string, error) {
	var out []string
	for _, v := range in {
		for _, raw := range strings.Split(v, ",") {
			if err := CheckText("tag", raw, false); err != nil {
				return nil, err
			}
			if t := strings.ToLower(strings.TrimSpace(raw)); t != "" && !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// History returns a ticket's audit trail, oldest first. Employees also see
// the trail of a deleted ticket: its events outlive it.
func (s *Service) History(ctx context.Context, p auth.Principal, id bson.ObjectID) ([]store.Event, error) {
	if err := auth.Require(p, store.RoleCustomer); err != nil {
		return nil, err
	}
	if !p.Has(store.RoleEmployee) {
		if _, err := s.Get(ctx, p, id); err != nil {
			return nil, err
		}
	}
	evs, err := s.St.TicketEvents(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		if _, err := s.St.GetTicket(ctx, id); err != nil {
			return nil, err
		}
	}
	return evs, nil
}

package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// TicketUpdate is a typed change to one ticket; nil fields stay as they
// are.
type TicketUpdate struct {
	Status     *string
	Server     *bson.ObjectID
	Team       *bson.ObjectID
	ClearTeam  bool
	AddTags    []string
	RemoveTags []string
	// Tags, when not nil, replaces the whole tag list in the same atomic
	// update (then AddTags and RemoveTags must be empty).
	Tags       []string
	Priority   *string
	Severity   *string
	Triage     *Triage
	Resolution *Resolution
}

// Expect is the state a conditional update requires: the version the
// caller read and, for moves, the server the ticket must still be on.
type Expect struct {
	Version int64
	Server  *bson.ObjectID
}

// versionFilter matches version v; documents written by another backend
// have no version field, which counts as 0.
func versionFilter(v int64) bson.E { return countFilter("version", v) }

func (e Expect) filter(id bson.ObjectID) bson.D {
	f := bson.D{{Key: "_id", Value: id}, versionFilter(e.Version)}
	if e.Server != nil {
		f = append(f, bson.E{Key: "server", Value: *e.Server})
	}
	return f
}

func (u TicketUpdate) bson(now time.Time) bson.D {
	set := bson.D{{Key: "updated_at", Value: now}}
	if u.Status != nil {
		set = append(set, bson.E{Key: "status", Value: *u.Status})
	}
	if u.Server != nil {
		set = append(set, bson.E{Key: "server", Value: *u.Server})
	}
	if u.Team != nil {
		set = append(set, bson.E{Key: "team", Value: *u.Team})
	}
	if u.Tags != nil {
		set = append(set, bson.E{Key: "tags", Value: u.Tags})
	}
	if u.Priority != nil {
		set = append(set, bson.E{Key: "priority", Value: *u.Priority})
	}
	if u.Severity != nil {
		set = append(set, bson.E{Key: "severity", Value: *u.Severity})
	}
	if u.Triage != nil {
		set = append(set, bson.E{Key: "triage", Value: u.Triage})
	}
	if u.Resolution != nil {
		set = append(set, bson.E{Key: "resolution", Value: u.Resolution})
	}
	d := bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}}
	if u.ClearTeam && u.Team == nil {
		d = append(d, bson.E{Key: "$unset", Value: bson.D{{Key: "team", Value: ""}}})
	}
	// $addToSet and $pull on one field in one update conflict on MongoDB,
	// so callers send additions and removals in separate updates.
	if len(u.AddTags) > 0 {
		d = append(d, bson.E{Key: "$addToSet", Value: bson.D{{Key: "tags", Value: bson.D{{Key: "$each", Value: u.AddTags}}}}})
	} else if len(u.RemoveTags) > 0 {
		d = append(d, bson.E{Key: "$pull", Value: bson.D{{Key: "tags", Value: bson.D{{Key: "$in", Value: u.RemoveTags}}}}})
	}
	return d
}

// UpdateTicket applies u if the ticket still matches expect, bumping its
// version, and returns the new document. A ticket changed meanwhile is
// ErrConflict (never a lost update); a missing one is ErrNotFound.
func (s *Store) UpdateTicket(ctx context.Context, id bson.ObjectID, expect Expect, u TicketUpdate, now time.Time) (Ticket, error) {
	if len(u.AddTags) > 0 && len(u.RemoveTags) > 0 {
		return Ticket{}, fmt.Errorf("update ticket %s: add and remove tags in separate updates", id.Hex())
	}
	if u.Tags != nil && (len(u.AddTags) > 0 || len(u.RemoveTags) > 0) {
		return Ticket{}, fmt.Errorf("update ticket %s: replace tags or add/remove them, not both", id.Hex())
	}
	var out Ticket
	err := s.withClaim(ctx, CollTickets, id, expect.Version, now, func() error {
		var err error
		out, err = s.updateTicket(ctx, id, expect, u, now)
		return err
	})
	if err == nil {
		return out, nil
	}
	return Ticket{}, s.explainMiss(ctx, id, expect, err)
}

// updateTicket is the conditional write itself, for callers that already
// hold the ticket's claim.
func (s *Store) updateTicket(ctx context.Context, id bson.ObjectID, expect Expect, u TicketUpdate, now time.Time) (Ticket, error) {
	var out Ticket
	err := s.coll(CollTickets).FindOneAndUpdate(ctx, expect.filter(id), u.bson(now.UTC()),
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&out)
	return out, err
}

// explainMiss turns a failed conditional update into ErrConflict with the
// reason (changed meanwhile, moved) or ErrNotFound.
func (s *Store) explainMiss(ctx context.Context, id bson.ObjectID, expect Expect, err error) error {
	if errors.Is(err, ErrConflict) {
		return err
	}
	err = mapErr(err, "update ticket "+id.Hex())
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	cur, gerr := s.GetTicket(ctx, id)
	if gerr != nil {
		return gerr
	}
	why := fmt.Sprintf("expected version %d, found %d", expect.Version, cur.Version)
	if expect.Server != nil && cur.Server != *expect.Server {
		why = "it is no longer on the expected server"
	}
	return fault.New(ErrConflict, "ticket %s changed meanwhile: %s", id.Hex(), why)
}

// ResolveTicket applies a resolving update (u must set Resolution with its
// At) and writes its event exactly once: a write-ahead intent holds the
// event until it is written, so a crash in between is repaired by the next
// distribution run (RecoverIntents). The intent is also the ticket's claim.
func (s *Store) ResolveTicket(ctx context.Context, id bson.ObjectID, expect Expect, u TicketUpdate, ev Event, now time.Time) (Ticket, error) {
	if u.Resolution == nil || u.Resolution.At.IsZero() {
		return Ticket{}, fmt.Errorf("resolve ticket %s: the update sets no resolution time", id.Hex())
	}
	u.Resolution.At = u.Resolution.At.UTC().Truncate(time.Millisecond)
	ev.Ticket, ev.At = &id, u.Resolution.At
	key := claimKey(CollTickets, id, expect.Version)
	won, err := s.insertClaims(ctx, []string{key}, []any{intentDoc{ID: key, At: now.UTC(), Resolve: &ev, Version: expect.Version}})
	if err != nil {
		return Ticket{}, err
	}
	if !won[key] {
		return Ticket{}, fault.New(ErrConflict, "ticket %s is being changed by another writer", id.Hex())
	}
	t, err := s.updateTicket(ctx, id, expect, u, now)
	if err != nil {
		s.dropClaims(ctx, won) // nothing changed: nothing owed
		return Ticket{}, s.explainMiss(ctx, id, expect, err)
	}
	// The intent stays if the event cannot be written: recovery writes it.
	if err := s.insertKeyedEvents(ctx, []any{resolveEvent(ev, expect.Version)}); err != nil {
		return t, err
	}
	s.dropClaims(ctx, won)
	return t, nil
}

// DeleteTicket removes a ticket if it still has the expected version.
func (s *Store) DeleteTicket(ctx context.Context, id bson.ObjectID, version int64) error {
	var deleted int64
	err := s.withClaim(ctx, CollTickets, id, version, time.Now(), func() error {
		res, err := s.coll(CollTickets).DeleteOne(ctx, Expect{Version: version}.filter(id))
		if err == nil {
			deleted = res.DeletedCount
		}
		return err
	})
	if errors.Is(err, ErrConflict) {
		return err
	}
	if err != nil {
		return mapErr(err, "delete ticket "+id.Hex())
	}
	if deleted == 1 {
		return nil
	}
	if _, err := s.GetTicket(ctx, id); err != nil {
		return err
	}
	return fault.New(ErrConflict, "ticket %s changed meanwhile", id.Hex())
}

package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// InsertEvent appends to the audit trail.
func (s *Store) InsertEvent(ctx context.Context, e *Event) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	id, err := insertOne(ctx, s, CollEvents, e, "record event "+e.Action)
	if err == nil {
		e.ID = id
	}
	return err
}

// TicketEvents returns a ticket's events, oldest first.
func (s *Store) TicketEvents(ctx context.Context, ticket bson.ObjectID) ([]Event, error) {
	return findAll[Event](ctx, s, CollEvents, bson.D{{Key: "ticket", Value: ticket}},
		"history of ticket "+ticket.Hex(), options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
}

// SubjectEvents returns the events about a subject (e.g. an account),
// oldest first.
func (s *Store) SubjectEvents(ctx context.Context, subject string) ([]Event, error) {
	return findAll[Event](ctx, s, CollEvents, bson.D{{Key: "subject", Value: subject}},
		"events of "+subject, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
}

package store

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// InsertEvent appends to the audit trail.
func (s *Store) InsertEvent(ctx context.Context, e *Event) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = stored(e.At)
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

// InsertEvents appends a batch of events in one unordered insertMany.
// Events that keep an id already stored are skipped and counted, so that
// loading a fixed data set twice adds nothing the second time.
func (s *Store) InsertEvents(ctx context.Context, evs []Event) (inserted, existing int, err error) {
	if len(evs) == 0 {
		return 0, 0, nil
	}
	now := time.Now().UTC()
	docs := make([]any, len(evs))
	for i := range evs {
		if evs[i].At.IsZero() {
			evs[i].At = now
		}
		if evs[i].ID.IsZero() {
			evs[i].ID = bson.NewObjectID()
		}
		docs[i] = &evs[i]
	}
	_, err = s.coll(CollEvents).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return len(evs), 0, nil
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if !isDuplicate(we) {
				return 0, 0, mapErr(err, "record events")
			}
		}
		return len(evs) - len(bwe.WriteErrors), len(bwe.WriteErrors), nil
	}
	return 0, 0, mapErr(err, "record events")
}

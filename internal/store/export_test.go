package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Test hooks that fake a crash between a change and its event.

// ForgetEventsForTest deletes a ticket's events.
func (s *Store) ForgetEventsForTest(ctx context.Context, ticket bson.ObjectID) error {
	_, err := s.coll(CollEvents).DeleteMany(ctx, bson.D{{Key: "ticket", Value: ticket}})
	return err
}

// PutIntentForTest writes the intent a crashed writer would have left.
func (s *Store) PutIntentForTest(ctx context.Context, ticket bson.ObjectID, version int64, at time.Time, move *MoveStamp, resolve *Event) error {
	_, err := s.coll(CollLocks).InsertOne(ctx, intentDoc{ID: claimKey(CollTickets, ticket, version), At: at,
		Move: move, Resolve: resolve, Version: version})
	return err
}

// IntentsForTest counts the intents left in the locks collection.
func (s *Store) IntentsForTest(ctx context.Context) (int64, error) {
	return s.coll(CollLocks).CountDocuments(ctx, bson.D{})
}

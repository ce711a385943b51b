package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// InsertTicket stores a new ticket with version 1.
func (s *Store) InsertTicket(ctx context.Context, t *Ticket) error {
	now := time.Now().UTC()
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	if t.UpdatedAt.IsZero() {
		t.UpdatedAt = t.CreatedAt
	}
	if t.Version == 0 {
		t.Version = 1
	}
	if t.Tags == nil {
		t.Tags = []string{}
	}
	id, err := insertOne(ctx, s, CollTickets, t, "create ticket")
	if err == nil {
		t.ID = id
	}
	return err
}

// GetTicket returns the ticket with id.
func (s *Store) GetTicket(ctx context.Context, id bson.ObjectID) (Ticket, error) {
	return findOne[Ticket](ctx, s, CollTickets, byID(id), "ticket "+id.Hex())
}

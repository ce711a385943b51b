package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// InsertTeam stores a new team.
func (s *Store) InsertTeam(ctx context.Context, t *Team) error {
	if t.Members == nil {
		t.Members = []bson.ObjectID{}
	}
	id, err := insertOne(ctx, s, CollTeams, t, "create team")
	if err == nil {
		t.ID = id
	}
	return err
}

// GetTeam returns the team with id.
func (s *Store) GetTeam(ctx context.Context, id bson.ObjectID) (Team, error) {
	return findOne[Team](ctx, s, CollTeams, byID(id), "team "+id.Hex())
}

package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ticketctl/ticketctl/internal/fault"
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

// GetTeamByName returns the team called name.
func (s *Store) GetTeamByName(ctx context.Context, name string) (Team, error) {
	return findOne[Team](ctx, s, CollTeams, bson.D{{Key: "name", Value: name}}, "team "+name)
}

// ListTeams returns the teams, of one company when company is not empty,
// ordered by company, category and name.
func (s *Store) ListTeams(ctx context.Context, company string) ([]Team, error) {
	f := bson.D{}
	if company != "" {
		f = append(f, bson.E{Key: "company", Value: company})
	}
	return findAll[Team](ctx, s, CollTeams, f, "list teams",
		options.Find().SetSort(bson.D{{Key: "company", Value: 1}, {Key: "category", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}))
}

// DeleteTeam removes a team.
func (s *Store) DeleteTeam(ctx context.Context, id bson.ObjectID) error {
	res, err := s.coll(CollTeams).DeleteOne(ctx, byID(id))
	if err != nil {
		return mapErr(err, "delete team "+id.Hex())
	}
	if res.DeletedCount == 0 {
		return fault.New(ErrNotFound, "team %s: not found", id.Hex())
	}
	return nil
}

// AddTeamMember adds an account to a team's members (no duplicates).
func (s *Store) AddTeamMember(ctx context.Context, team, account bson.ObjectID) (Team, error) {
	return s.updateTeam(ctx, team, bson.D{{Key: "$addToSet", Value: bson.D{{Key: "members", Value: account}}}})
}

// RemoveTeamMember removes an account from a team's members.
func (s *Store) RemoveTeamMember(ctx context.Context, team, account bson.ObjectID) (Team, error) {
	return s.updateTeam(ctx, team, bson.D{{Key: "$pull", Value: bson.D{{Key: "members", Value: account}}}})
}

func (s *Store) updateTeam(ctx context.Context, team bson.ObjectID, update bson.D) (Team, error) {
	var out Team
	err := s.coll(CollTeams).FindOneAndUpdate(ctx, byID(team), update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&out)
	return out, mapErr(err, "team "+team.Hex())
}

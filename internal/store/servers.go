package store

import (
	"context"
	"errors"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// InsertServer stores a new server; a taken name, or a second central
// server, is ErrConflict.
func (s *Store) InsertServer(ctx context.Context, sv *Server) error {
	if sv.Central {
		sv.Teams = nil
	} else if sv.Teams == nil {
		sv.Teams = []bson.ObjectID{}
	}
	id, err := insertOne(ctx, s, CollServers, sv, "create server "+sv.Name)
	if err == nil {
		sv.ID = id
	}
	return err
}

// GetServer returns the server with id.
func (s *Store) GetServer(ctx context.Context, id bson.ObjectID) (Server, error) {
	return findOne[Server](ctx, s, CollServers, byID(id), "server "+id.Hex())
}

// GetServerByName returns the server called name.
func (s *Store) GetServerByName(ctx context.Context, name string) (Server, error) {
	return findOne[Server](ctx, s, CollServers, bson.D{{Key: "name", Value: name}}, "server "+name)
}

// CentralServer returns the central server that receives new tickets.
func (s *Store) CentralServer(ctx context.Context) (Server, error) {
	return findOne[Server](ctx, s, CollServers, bson.D{{Key: "central", Value: true}}, "central server")
}

// EnsureCentralServer creates the central server unless one exists, and
// returns it and whether it was created.
func (s *Store) EnsureCentralServer(ctx context.Context, name, region string) (Server, bool, error) {
	sv, err := s.CentralServer(ctx)
	if err == nil {
		return sv, false, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return Server{}, false, err
	}
	sv = Server{Name: name, Region: region, Central: true}
	if err := s.InsertServer(ctx, &sv); err != nil {
		if errors.Is(err, ErrConflict) {
			// Another init won the race: use its server.
			sv, err = s.CentralServer(ctx)
			return sv, false, err
		}
		return Server{}, false, err
	}
	return sv, true, nil
}

// ListServers returns every server, the central one first, then by name.
// Servers are few: they are read whole.
func (s *Store) ListServers(ctx context.Context) ([]Server, error) {
	out, err := findAll[Server](ctx, s, CollServers, bson.D{}, "list servers",
		options.Find().SetSort(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, err
	}
	// Central first; sorted in Go because the central flag is absent on
	// the others and servers order missing fields differently.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Central && !out[j].Central })
	return out, nil
}

// DeleteServer removes a regional server. The central server is never
// deleted here (the filter excludes it).
func (s *Store) DeleteServer(ctx context.Context, id bson.ObjectID) error {
	res, err := s.coll(CollServers).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "central", Value: bson.D{{Key: "$ne", Value: true}}}})
	if err != nil {
		return mapErr(err, "delete server "+id.Hex())
	}
	if res.DeletedCount == 0 {
		return fault.New(ErrNotFound, "server %s: not found", id.Hex())
	}
	return nil
}

// AddServerTeam adds team to a regional server's teams (no duplicates)
// and returns the server.
func (s *Store) AddServerTeam(ctx context.Context, server, team bson.ObjectID) (Server, error) {
	return s.updateServerTeams(ctx, server, bson.D{{Key: "$addToSet", Value: bson.D{{Key: "teams", Value: team}}}})
}

// RemoveServerTeam removes team from a server's teams.
func (s *Store) RemoveServerTeam(ctx context.Context, server, team bson.ObjectID) (Server, error) {
	return s.updateServerTeams(ctx, server, bson.D{{Key: "$pull", Value: bson.D{{Key: "teams", Value: team}}}})
}

func (s *Store) updateServerTeams(ctx context.Context, server bson.ObjectID, update bson.D) (Server, error) {
	var out Server
	err := s.coll(CollServers).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: server}, {Key: "central", Value: bson.D{{Key: "$ne", Value: true}}}},
		update, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&out)
	return out, mapErr(err, "server "+server.Hex())
}

// ServersWithTeam returns the servers whose teams include team.
func (s *Store) ServersWithTeam(ctx context.Context, team bson.ObjectID) ([]Server, error) {
	return findAll[Server](ctx, s, CollServers, bson.D{{Key: "teams", Value: team}}, "servers of team "+team.Hex())
}

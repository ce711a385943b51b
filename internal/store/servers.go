package store

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
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

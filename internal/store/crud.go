package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// insertOne inserts doc and returns its new id.
func insertOne(ctx context.Context, s *Store, coll string, doc any, what string) (bson.ObjectID, error) {
	res, err := s.coll(coll).InsertOne(ctx, doc)
	if err != nil {
		return bson.ObjectID{}, mapErr(err, what)
	}
	id, _ := res.InsertedID.(bson.ObjectID)
	return id, nil
}

// findOne decodes the first document matching filter.
func findOne[T any](ctx context.Context, s *Store, coll string, filter any, what string, opts ...options.Lister[options.FindOneOptions]) (T, error) {
	var out T
	err := s.coll(coll).FindOne(ctx, filter, opts...).Decode(&out)
	return out, mapErr(err, what)
}

// findAll decodes every document matching filter; only for small,
// bounded collections (servers, teams, rules). Big ones stream.
func findAll[T any](ctx context.Context, s *Store, coll string, filter any, what string, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	cur, err := s.coll(coll).Find(ctx, filter, opts...)
	if err != nil {
		return nil, mapErr(err, what)
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, what)
	}
	return out, nil
}

// stored is t as BSON keeps it: UTC, millisecond precision. Inserts apply
// it to the values they return, so a command that prints what it created
// shows what `get` will show later.
func stored(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}

func byID(id bson.ObjectID) bson.D { return bson.D{{Key: "_id", Value: id}} }

// countFilter matches a counter field equal to n; a counter stored only
// when non-zero, or a version another backend never wrote, is missing at 0.
func countFilter(field string, n int64) bson.E {
	if n == 0 {
		return bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: field, Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: field, Value: 0}},
		}}
	}
	return bson.E{Key: field, Value: n}
}

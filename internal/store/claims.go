package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// CollLocks holds short-lived write claims on servers whose conditional
// updates are not atomic (FerretDB v1).
const CollLocks = "locks"

// claimLease is how long a claim left behind by a crashed writer blocks
// others before any writer may clear it.
const claimLease = 2 * time.Minute

type claimDoc struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

// claimKey names one write of one document at one version: two writers
// that read the same version compete for the same key.
func claimKey(coll string, id bson.ObjectID, version int64) string {
	return coll + ":" + id.Hex() + ":" + itoa64(version)
}

// insertClaims inserts one claim document per key (docs[i] has _id
// keys[i]) and returns the keys it won. The unique _id index is the one
// thing FerretDB enforces atomically (SQLite's own constraint), so claims
// serialise writers there; on MongoDB they cost one insertMany per batch.
func (s *Store) insertClaims(ctx context.Context, keys []string, docs []any) (map[string]bool, error) {
	won := make(map[string]bool, len(keys))
	for _, k := range keys {
		won[k] = true
	}
	if len(keys) == 0 {
		return won, nil
	}
	_, err := s.coll(CollLocks).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return won, nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		if isDuplicate(err) && len(keys) == 1 {
			return map[string]bool{}, nil
		}
		return nil, mapErr(err, "claim documents")
	}
	for _, we := range bwe.WriteErrors {
		if !isDuplicate(we) {
			return nil, mapErr(err, "claim documents")
		}
		delete(won, keys[we.Index])
	}
	return won, nil
}

// dropClaims deletes claims once their writes are done. A finished write
// has moved its document past the claimed version, so a later claim of the
// same key can no longer match anything.
func (s *Store) dropClaims(ctx context.Context, won map[string]bool) {
	if len(won) == 0 {
		return
	}
	keys := make([]string, 0, len(won))
	for k := range won {
		keys = append(keys, k)
	}
	// Best effort: a claim left behind expires after claimLease.
	_, _ = s.coll(CollLocks).DeleteMany(context.WithoutCancel(ctx),
		bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}})
}

// expireClaims clears claims older than the lease: plain ones are dropped,
// move and resolution intents are recovered first so no change loses its
// event.
func (s *Store) expireClaims(ctx context.Context, now time.Time) error {
	if _, err := s.RecoverIntents(ctx, now, claimLease); err != nil {
		return err
	}
	_, err := s.coll(CollLocks).DeleteMany(ctx, bson.D{
		{Key: "at", Value: bson.D{{Key: "$lt", Value: now.Add(-claimLease)}}},
		{Key: "move", Value: bson.D{{Key: "$exists", Value: false}}},
		{Key: "resolve", Value: bson.D{{Key: "$exists", Value: false}}},
	})
	return mapErr(err, "clear expired claims")
}

// withClaim runs write while holding the claim on (coll, id, version);
// a claim held by another writer is ErrConflict.
func (s *Store) withClaim(ctx context.Context, coll string, id bson.ObjectID, version int64, now time.Time, write func() error) error {
	if s.caps.AtomicUpdates {
		return write()
	}
	key := claimKey(coll, id, version)
	claim := []any{claimDoc{ID: key, At: now.UTC()}}
	won, err := s.insertClaims(ctx, []string{key}, claim)
	if err == nil && !won[key] {
		// Taken: perhaps by a writer that died. Clear expired claims (the
		// only time this costs a scan) and try once more.
		if err := s.expireClaims(ctx, now); err != nil {
			return err
		}
		won, err = s.insertClaims(ctx, []string{key}, claim)
	}
	if err != nil {
		return err
	}
	if !won[key] {
		return fault.New(ErrConflict, "%s %s is being changed by another writer", singular(coll), id.Hex())
	}
	defer s.dropClaims(ctx, won)
	return write()
}

func singular(coll string) string {
	if len(coll) > 1 && coll[len(coll)-1] == 's' {
		return coll[:len(coll)-1]
	}
	return coll
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// increment adds one to a counter field of the document with _id id and
// returns the new value; with upsert a missing document starts at 1.
// MongoDB's $inc is atomic. FerretDB v1 reads, then writes, so concurrent
// $inc lose counts there: each increment instead claims the value it read
// and sets value+1, retrying when another writer got there first.
func (s *Store) increment(ctx context.Context, coll string, id any, field string, upsert bool, now time.Time) (int64, error) {
	if s.caps.AtomicUpdates {
		var out bson.M
		err := s.coll(coll).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: field, Value: int64(1)}}}},
			options.FindOneAndUpdate().SetUpsert(upsert).SetReturnDocument(options.After)).Decode(&out)
		if err != nil && upsert && isDuplicate(err) {
			// Two upserts raced to create it; the document exists now.
			return s.increment(ctx, coll, id, field, false, now)
		}
		if err != nil {
			return 0, err
		}
		return toInt64(out[field]), nil
	}
	key := coll + "." + field + ":" + idString(id)
	for attempt := 0; ; attempt++ {
		var cur bson.M
		err := s.coll(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur)
		missing := errors.Is(err, mongo.ErrNoDocuments)
		if err != nil && !(missing && upsert) {
			return 0, err
		}
		n := toInt64(cur[field])
		won, err := s.insertClaims(ctx, []string{key + ":" + itoa64(n)}, []any{claimDoc{ID: key + ":" + itoa64(n), At: now.UTC()}})
		if err != nil {
			return 0, err
		}
		if won[key+":"+itoa64(n)] {
			if missing {
				_, err = s.coll(coll).InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: field, Value: int64(1)}})
			} else {
				var res *mongo.UpdateResult
				res, err = s.coll(coll).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, countFilter(field, n)},
					bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: n + 1}}}})
				if err == nil && res.MatchedCount == 0 {
					err = mongo.ErrNoDocuments
				}
			}
			s.dropClaims(ctx, won)
			if err == nil {
				return n + 1, nil
			}
			if !isDuplicate(err) && !errors.Is(err, mongo.ErrNoDocuments) {
				return 0, err
			}
		}
		// Someone else counted first: read the new value and try again,
		// after a random, growing pause so that no writer starves.
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(backoff(attempt)):
		}
	}
}

func idString(id any) string {
	if oid, ok := id.(bson.ObjectID); ok {
		return oid.Hex()
	}
	return fmt.Sprint(id)
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case int32:
		return int64(n)
	case int64:
		return n
	case float64:
		return int64(n)
	}
	return 0
}

// backoff is a jittered pause that doubles from 1 ms up to 64 ms.
func backoff(attempt int) time.Duration {
	ceiling := time.Millisecond << min(attempt, 6)
	return time.Duration(1 + rand.Int64N(int64(ceiling)))
}

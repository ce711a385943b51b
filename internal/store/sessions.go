package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// InsertSession stores a session (token hash only).
func (s *Store) InsertSession(ctx context.Context, se *Session) error {
	se.CreatedAt, se.ExpiresAt = stored(se.CreatedAt), stored(se.ExpiresAt)
	id, err := insertOne(ctx, s, CollSessions, se, "create session")
	if err == nil {
		se.ID = id
	}
	return err
}

// SessionByTokenHash finds a session by the SHA-256 of its token.
func (s *Store) SessionByTokenHash(ctx context.Context, hash string) (Session, error) {
	return findOne[Session](ctx, s, CollSessions, bson.D{{Key: "token_hash", Value: hash}}, "session")
}

// RevokeSession marks one session revoked; revoking twice is not an error.
func (s *Store) RevokeSession(ctx context.Context, hash string, at time.Time) error {
	_, err := s.coll(CollSessions).UpdateOne(ctx,
		bson.D{{Key: "token_hash", Value: hash}, {Key: "revoked_at", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: at}}}})
	return mapErr(err, "revoke session")
}

// RevokeAccountSessions revokes every live session of an account.
func (s *Store) RevokeAccountSessions(ctx context.Context, account bson.ObjectID, at time.Time) (int64, error) {
	res, err := s.coll(CollSessions).UpdateMany(ctx,
		bson.D{{Key: "account", Value: account}, {Key: "revoked_at", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: at}}}})
	if err != nil {
		return 0, mapErr(err, "revoke sessions")
	}
	return res.ModifiedCount, nil
}

// PurgeSessions deletes sessions that expired before cutoff. TTL indexes
// do this on MongoDB; FerretDB has none, so login calls this as well.
func (s *Store) PurgeSessions(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.coll(CollSessions).DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: cutoff}}}})
	if err != nil {
		return 0, mapErr(err, "purge sessions")
	}
	return res.DeletedCount, nil
}

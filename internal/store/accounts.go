package store

import (
	"context"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// InsertAccount stores a new account; a taken username is ErrConflict.
func (s *Store) InsertAccount(ctx context.Context, a *Account) error {
	a.Username = strings.ToLower(a.Username)
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now().UTC()
	}
	id, err := insertOne(ctx, s, CollAccounts, a, "create account "+a.Username)
	if err == nil {
		a.ID = id
	}
	return err
}

// GetAccount returns the account with id.
func (s *Store) GetAccount(ctx context.Context, id bson.ObjectID) (Account, error) {
	return findOne[Account](ctx, s, CollAccounts, byID(id), "account "+id.Hex())
}

// GetAccountByUsername looks an account up by its (case-insensitive)
// username. The value is only ever used as a string equality, never as an
// operator document.
func (s *Store) GetAccountByUsername(ctx context.Context, username string) (Account, error) {
	u := strings.ToLower(username)
	return findOne[Account](ctx, s, CollAccounts, bson.D{{Key: "username", Value: u}}, "account "+u)
}

package store

import (
	"context"
	"errors"
	"iter"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// InsertAccount stores a new account; a taken username is ErrConflict.
func (s *Store) InsertAccount(ctx context.Context, a *Account) error {
	a.Username = strings.ToLower(a.Username)
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now()
	}
	a.CreatedAt, a.UpdatedAt = stored(a.CreatedAt), stored(a.UpdatedAt)
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

// AccountFilter selects accounts; zero fields do not filter. Values are
// compared as literal strings.
type AccountFilter struct {
	Role    string
	Company string
	Type    string
}

func (f AccountFilter) bson() bson.D {
	d := bson.D{}
	if f.Role != "" {
		d = append(d, bson.E{Key: "role", Value: f.Role})
	}
	if f.Company != "" {
		d = append(d, bson.E{Key: "company", Value: f.Company})
	}
	if f.Type != "" {
		d = append(d, bson.E{Key: "type", Value: f.Type})
	}
	return d
}

// Accounts streams the matching accounts ordered by username; limit 0
// means all of them.
func (s *Store) Accounts(ctx context.Context, f AccountFilter, limit int64) iter.Seq2[Account, error] {
	return func(yield func(Account, error) bool) {
		o := options.Find().SetSort(bson.D{{Key: "username", Value: 1}})
		if limit > 0 {
			o.SetLimit(limit)
		}
		cur, err := s.coll(CollAccounts).Find(ctx, f.bson(), o)
		if err != nil {
			yield(Account{}, mapErr(err, "list accounts"))
			return
		}
		defer cur.Close(context.WithoutCancel(ctx))
		for cur.Next(ctx) {
			var a Account
			if err := cur.Decode(&a); err != nil {
				yield(Account{}, mapErr(err, "list accounts"))
				return
			}
			if !yield(a, nil) {
				return
			}
		}
		if err := cur.Err(); err != nil {
			yield(Account{}, mapErr(err, "list accounts"))
		}
	}
}

// CountAccounts counts the matching accounts.
func (s *Store) CountAccounts(ctx context.Context, f AccountFilter) (int64, error) {
	n, err := s.coll(CollAccounts).CountDocuments(ctx, f.bson())
	return n, mapErr(err, "count accounts")
}

// PasswordChange replaces an account's password hash. The update applies
// only while the stored secret is still Expect (the argon2id hash, or the
// legacy bcrypt hash when ExpectLegacy), so two concurrent changes cannot
// both win; a lost race is ErrConflict. The legacy `password` field is
// always removed, and a password change always clears the lockout.
type PasswordChange struct {
	Expect             string
	ExpectLegacy       bool
	NewHash            string
	MustChangePassword bool
	// AnyCurrent skips the Expect check (an admin's reset).
	AnyCurrent bool
}

// SetAccountPassword applies c to the account id and returns it updated.
func (s *Store) SetAccountPassword(ctx context.Context, id bson.ObjectID, c PasswordChange, now time.Time) (Account, error) {
	filter := byID(id)
	if !c.AnyCurrent {
		field := "password_hash"
		if c.ExpectLegacy {
			field = "password"
		}
		filter = append(filter, bson.E{Key: field, Value: c.Expect})
	}
	set := bson.D{{Key: "password_hash", Value: c.NewHash}, {Key: "updated_at", Value: now}, {Key: "failed_logins", Value: 0}}
	unset := bson.D{{Key: "password", Value: ""}, {Key: "locked_until", Value: ""}}
	if c.MustChangePassword {
		set = append(set, bson.E{Key: "must_change_password", Value: true})
	} else {
		unset = append(unset, bson.E{Key: "must_change_password", Value: ""})
	}
	return s.updateAccount(ctx, id, filter, bson.D{{Key: "$set", Value: set}, {Key: "$unset", Value: unset}},
		"set password of account "+id.Hex(), "its password changed meanwhile")
}

// RecordFailedLogin counts one failed log-in. An expired lock (older than
// now) is forgotten first, so counting starts again after the window.
// When the count reaches max the account is locked until lockUntil;
// lockedNow tells whether this call set the lock. Every step is a
// single-document atomic update, so concurrent guesses are all counted.
func (s *Store) RecordFailedLogin(ctx context.Context, id bson.ObjectID, now time.Time, max int, lockUntil time.Time) (a Account, lockedNow bool, err error) {
	// Forget an expired lock; a miss means there was none (or another
	// process already forgot it).
	_, err = s.coll(CollAccounts).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "locked_until", Value: bson.D{{Key: "$lte", Value: now}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "failed_logins", Value: 0}}}, {Key: "$unset", Value: bson.D{{Key: "locked_until", Value: ""}}}})
	if err != nil {
		return Account{}, false, mapErr(err, "record failed log-in")
	}
	if a, err = s.incFailedLogins(ctx, id, now); err != nil {
		return Account{}, false, err
	}
	if a.FailedLogins < max || a.LockedUntil != nil {
		return a, false, nil
	}
	// Lock only if no one else did: the first process to reach max sets
	// the window, later ones keep it.
	var locked Account
	err = s.coll(CollAccounts).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "locked_until", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "locked_until", Value: lockUntil}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&locked)
	switch {
	case err == nil:
		return locked, true, nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return a, false, nil
	}
	return Account{}, false, mapErr(err, "lock account")
}

// ClearLoginFailures resets the failure count and any lock after a
// successful log-in; it writes nothing when there is nothing to clear.
func (s *Store) ClearLoginFailures(ctx context.Context, id bson.ObjectID) error {
	_, err := s.coll(CollAccounts).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "failed_logins", Value: bson.D{{Key: "$gt", Value: 0}}}},
			bson.D{{Key: "locked_until", Value: bson.D{{Key: "$exists", Value: true}}}},
		}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "failed_logins", Value: 0}}}, {Key: "$unset", Value: bson.D{{Key: "locked_until", Value: ""}}}})
	return mapErr(err, "clear failed log-ins")
}

// SetAccountRole changes the role from `from` to `to`; an account whose
// role is no longer `from` is ErrConflict.
func (s *Store) SetAccountRole(ctx context.Context, id bson.ObjectID, from, to string, now time.Time) (Account, error) {
	return s.updateAccount(ctx, id,
		bson.D{{Key: "_id", Value: id}, {Key: "role", Value: from}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "role", Value: to}, {Key: "updated_at", Value: now}}}},
		"set role of account "+id.Hex(), "its role changed meanwhile")
}

// DeleteAccount removes an account. Its sessions are revoked separately
// (RevokeAccountSessions) before, so that a failure in between leaves no
// live session for an account that is gone.
func (s *Store) DeleteAccount(ctx context.Context, id bson.ObjectID) error {
	res, err := s.coll(CollAccounts).DeleteOne(ctx, byID(id))
	if err != nil {
		return mapErr(err, "delete account "+id.Hex())
	}
	if res.DeletedCount == 0 {
		return fault.New(ErrNotFound, "account %s: not found", id.Hex())
	}
	return nil
}

// RevokeOtherSessions revokes every live session of an account except the
// one whose token hash is keep (the session changing its own password).
func (s *Store) RevokeOtherSessions(ctx context.Context, account bson.ObjectID, keep string, at time.Time) (int64, error) {
	res, err := s.coll(CollSessions).UpdateMany(ctx,
		bson.D{{Key: "account", Value: account}, {Key: "token_hash", Value: bson.D{{Key: "$ne", Value: keep}}},
			{Key: "revoked_at", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: at}}}})
	if err != nil {
		return 0, mapErr(err, "revoke sessions")
	}
	return res.ModifiedCount, nil
}

// updateAccount applies update where filter matches and returns the new
// document. A miss is ErrNotFound when the account is gone, else
// ErrConflict with why.
func (s *Store) updateAccount(ctx context.Context, id bson.ObjectID, filter, update bson.D, what, why string) (Account, error) {
	var a Account
	err := s.coll(CollAccounts).FindOneAndUpdate(ctx, filter, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&a)
	if err == nil {
		return a, nil
	}
	err = mapErr(err, what)
	if !errors.Is(err, ErrNotFound) {
		return Account{}, err
	}
	if _, gerr := s.GetAccount(ctx, id); gerr != nil {
		return Account{}, gerr
	}
	return Account{}, fault.New(ErrConflict, "account %s changed meanwhile: %s", id.Hex(), why)
}

// incFailedLogins counts one failed log-in, exactly once under
// concurrency (see increment), and returns the account.
func (s *Store) incFailedLogins(ctx context.Context, id bson.ObjectID, now time.Time) (Account, error) {
	if _, err := s.increment(ctx, CollAccounts, id, "failed_logins", false, now); err != nil {
		return Account{}, mapErr(err, "record failed log-in")
	}
	return s.GetAccount(ctx, id)
}

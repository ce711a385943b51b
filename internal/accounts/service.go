// Package accounts holds the account rules: sign-up and admin-created
// accounts, log-in with lockout, log-out, password changes and resets,
// roles and deletion. Every change writes an event (actor, action,
// subject, at) and none ever carries a password, hash or token.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Lockout and session defaults.
const (
	MaxFailedLogins   = 5
	LockoutWindow     = 15 * time.Minute
	DefaultSessionTTL = 12 * time.Hour
	// sessionRetention keeps expired sessions a day so that using one
	// says "expired" rather than "not valid"; like the TTL index.
	sessionRetention = 24 * time.Hour
)

// Event actions written by this package.
const (
	ActionCreate         = "account.create"
	ActionDelete         = "account.delete"
	ActionChangePassword = "account.change-password"
	ActionResetPassword  = "account.reset-password"
	ActionUpgradeHash    = "account.upgrade-password-hash"
	ActionSetRole        = "account.set-role"
	ActionLocked         = "account.locked"
	ActionLogin          = "account.login"
	ActionLogout         = "account.logout"
)

// ActorAnonymous is the actor of what nobody logged in did (a lockout
// caused by failed log-ins).
const ActorAnonymous = "anonymous"

// Service applies the account rules to a store.
type Service struct {
	Store *store.Store
	Now   func() time.Time
	// SessionTTL is the lifetime of a log-in session (DefaultSessionTTL
	// when zero).
	SessionTTL time.Duration
}

// New returns a service on st with clock now.
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &Service{Store: st, Now: now}
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// Subject is the events' subject for an account.
func Subject(acc store.Account) string { return "account:" + acc.ID.Hex() }

// record writes one audit event about acc. The change it describes has
// already happened, so a failure says so.
func (s *Service) record(ctx context.Context, actor, action string, acc store.Account, from, to, note string) error {
	err := s.Store.InsertEvent(ctx, &store.Event{
		At: s.now(), Actor: actor, Action: action, Subject: Subject(acc), From: from, To: to, Note: note,
	})
	if err != nil {
		return fmt.Errorf("%s of %s was done but its audit event was not recorded: %w", action, acc.Username, err)
	}
	return nil
}

// Resolve finds the account a ref names: by id, then by username.
func (s *Service) Resolve(ctx context.Context, ref Ref) (store.Account, error) {
	if !ref.ID.IsZero() {
		acc, err := s.Store.GetAccount(ctx, ref.ID)
		if err == nil || !errors.Is(err, store.ErrNotFound) || ref.Username == "" {
			return acc, notFound(err, ref)
		}
	}
	acc, err := s.Store.GetAccountByUsername(ctx, ref.Username)
	return acc, notFound(err, ref)
}

func notFound(err error, ref Ref) error {
	if errors.Is(err, store.ErrNotFound) {
		return fault.New(fault.ErrNotFound, "account %s not found", quote(ref.String()))
	}
	return err
}

// Get returns an account. Staff may read any; a customer only their own,
// and is refused before any lookup so that customers cannot probe which
// usernames exist.
func (s *Service) Get(ctx context.Context, actor auth.Principal, ref Ref) (store.Account, error) {
	if !actor.Has(store.RoleEmployee) && !ref.Matches(store.Account{ID: actor.ID, Username: actor.Username}) {
		return store.Account{}, auth.Require(actor, store.RoleEmployee)
	}
	return s.Resolve(ctx, ref)
}

// Filter selects accounts to list; zero fields do not filter.
type Filter struct {
	Role, Company, Type string
}

// List streams accounts ordered by username (limit 0: all). The caller
// checks the role (employee or admin).
func (s *Service) List(ctx context.Context, f Filter, limit int64) (iter.Seq2[store.Account, error], error) {
	var sf store.AccountFilter
	var err error
	if f.Role != "" {
		if sf.Role, err = ValidateRole(f.Role); err != nil {
			return nil, err
		}
	}
	if f.Type != "" {
		if sf.Type, err = ValidateType(f.Type); err != nil {
			return nil, err
		}
	}
	if sf.Company, err = NormalizeText("company", f.Company, false); err != nil {
		return nil, err
	}
	return s.Store.Accounts(ctx, sf, limit), nil
}

// AdminExists reports whether at least one admin account exists.
func (s *Service) AdminExists(ctx context.Context) (bool, error) {
	n, err := s.Store.CountAccounts(ctx, store.AccountFilter{Role: store.RoleAdmin})
	return n > 0, err
}

// lastAdmin refuses to remove the only admin: nobody could then manage
// accounts without editing the database. Without transactions two admins
// demoting each other at the same moment can still both succeed; init
// then creates a new first admin.
func (s *Service) lastAdmin(ctx context.Context, acc store.Account, what string) error {
	if acc.Role != store.RoleAdmin {
		return nil
	}
	n, err := s.Store.CountAccounts(ctx, store.AccountFilter{Role: store.RoleAdmin})
	if err != nil {
		return err
	}
	if n <= 1 {
		return fault.WithHint(fault.New(fault.ErrConflict, "cannot %s %s: it is the last admin", what, acc.Username),
			"make another account admin first (`ticketctl accounts set-role USER admin`)")
	}
	return nil
}

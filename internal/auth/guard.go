package auth

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Principal is the logged-in account a command acts as.
type Principal struct {
	ID        bson.ObjectID `json:"_id"`
	Username  string        `json:"username"`
	Name      string        `json:"name"`
	Role      string        `json:"role"`
	Company   string        `json:"company,omitempty"`
	Type      string        `json:"type"`
	ExpiresAt time.Time     `json:"expires_at"`
	// MustChangePassword is set after an admin reset the password.
	MustChangePassword bool `json:"must_change_password"`
}

var rank = map[string]int{store.RoleCustomer: 1, store.RoleEmployee: 2, store.RoleAdmin: 3}

// Has reports whether p's role is at least role (admin > employee >
// customer).
func (p Principal) Has(role string) bool { return rank[p.Role] >= rank[role] && rank[role] > 0 }

// LoginHint is shown with every authentication failure.
const LoginHint = "log in with `ticketctl login` (or set TICKETCTL_TOKEN)"

// Authenticate resolves a session token to its account. Unknown, expired
// and revoked tokens are all ErrUnauthenticated.
func Authenticate(ctx context.Context, st *store.Store, token string, now time.Time) (Principal, error) {
	if token == "" {
		return Principal{}, fault.WithHint(fault.New(fault.ErrUnauthenticated, "not logged in"), LoginHint)
	}
	se, err := st.SessionByTokenHash(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, fault.WithHint(fault.New(fault.ErrUnauthenticated, "session is not valid"), LoginHint)
	}
	if err != nil {
		return Principal{}, err
	}
	if se.RevokedAt != nil {
		return Principal{}, fault.WithHint(fault.New(fault.ErrUnauthenticated, "session was logged out"), LoginHint)
	}
	if !now.Before(se.ExpiresAt) {
		return Principal{}, fault.WithHint(fault.New(fault.ErrUnauthenticated, "session expired at %s", se.ExpiresAt.UTC().Format(time.RFC3339)), LoginHint)
	}
	acc, err := st.GetAccount(ctx, se.Account)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, fault.WithHint(fault.New(fault.ErrUnauthenticated, "the session's account no longer exists"), LoginHint)
	}
	if err != nil {
		return Principal{}, err
	}
	return Principal{ID: acc.ID, Username: acc.Username, Name: acc.Name, Role: acc.Role, Company: acc.Company,
		Type: acc.Type, ExpiresAt: se.ExpiresAt, MustChangePassword: acc.MustChangePassword}, nil
}

// Require fails with ErrDenied (exit 4) unless p has at least role.
func Require(p Principal, role string) error {
	if p.Has(role) {
		return nil
	}
	return fault.WithHint(fault.New(fault.ErrDenied, "%s %q may not do this: it needs the %s role", p.Role, p.Username, role),
		"log in as an account with that role")
}

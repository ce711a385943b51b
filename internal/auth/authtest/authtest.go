// Package authtest creates logged-in accounts for tests, straight in the
// database, so command tests need not go through the login flow.
package authtest

import (
	"context"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Session inserts an account with the given role and company and a session
// valid for a day; it returns the account and the session token.
func Session(tb testing.TB, st *store.Store, username, role, company string) (store.Account, string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	acc := store.Account{Name: username, Username: username, Email: username + "@example.com",
		Type: "work", Role: role, Company: company}
	if role == store.RoleCustomer {
		acc.Type = "personal"
	}
	if err := st.InsertAccount(ctx, &acc); err != nil {
		tb.Fatalf("authtest: account %s: %v", username, err)
	}
	token := auth.NewToken()
	now := time.Now().UTC()
	se := store.Session{TokenHash: auth.HashToken(token), Account: acc.ID, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
	if err := st.InsertSession(ctx, &se); err != nil {
		tb.Fatalf("authtest: session %s: %v", username, err)
	}
	return acc, token
}

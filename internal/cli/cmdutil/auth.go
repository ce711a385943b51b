package cmdutil

import (
	"context"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/store"
)

// EnvToken overrides the credentials file.
const EnvToken = "TICKETCTL_TOKEN"

// Token returns the session token of the current context: TICKETCTL_TOKEN,
// else the credentials file.
func (f *Factory) Token() (string, error) {
	if t := f.Getenv(EnvToken); t != "" {
		return t, nil
	}
	cfg, err := f.Config()
	if err != nil {
		return "", err
	}
	t, err := f.Target()
	if err != nil {
		return "", err
	}
	creds, err := auth.LoadCredentials(cfg.Paths.CredentialsFile())
	if err != nil {
		return "", err
	}
	c, _ := creds.Get(t.CredentialKey())
	return c.Token, nil
}

// Principal authenticates the current session.
func (f *Factory) Principal(ctx context.Context) (auth.Principal, error) {
	token, err := f.Token()
	if err != nil {
		return auth.Principal{}, err
	}
	st, err := f.Store(ctx)
	if err != nil {
		return auth.Principal{}, err
	}
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	return auth.Authenticate(ctx, st, token, f.Now())
}

// Require authenticates and checks that the account has at least role:
// the one guard every command that needs a role uses (exit 4 otherwise).
func (f *Factory) Require(ctx context.Context, role string) (auth.Principal, error) {
	p, err := f.Principal(ctx)
	if err != nil {
		return p, err
	}
	return p, auth.Require(p, role)
}

// Session is what a command that needs a role does first: authenticate
// with at least role, then open the store.
func (f *Factory) Session(ctx context.Context, role string) (auth.Principal, *store.Store, error) {
	p, err := f.Require(ctx, role)
	if err != nil {
		return p, nil, err
	}
	st, err := f.Store(ctx)
	return p, st, err
}

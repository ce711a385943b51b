package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// ErrMustChangePassword is returned by Login when the password was right
// but an admin reset it: the caller asks for a new one and logs in again
// with LoginInput.NewPassword. It is an authentication failure (exit 4).
var ErrMustChangePassword = errors.New("the password was reset by an admin and must be changed now")

// badCredentials is the one answer for an unknown user and a wrong
// password.
func badCredentials() error {
	return fault.WithHint(fault.New(fault.ErrUnauthenticated, "wrong username or password"),
		fmt.Sprintf("%d failed log-ins in a row lock an account for %s", MaxFailedLogins, LockoutWindow))
}

func lockedError(acc store.Account) error {
	return fault.WithHint(fault.New(fault.ErrUnauthenticated, "account %s is locked until %s after %d failed log-ins",
		acc.Username, acc.LockedUntil.UTC().Format(time.RFC3339), MaxFailedLogins),
		"wait until then, or ask an admin to reset the password (`ticketctl accounts reset-password "+acc.Username+"`)")
}

// verified says which stored secret a password matched.
type verified struct {
	expect string // the hash that matched, for the conditional update
	legacy bool   // it was the bcrypt `password` field
	rehash bool   // weaker argon2 parameters than today's
}

// checkPassword verifies password for acc, honouring and maintaining the
// lockout: a locked account is refused without looking at the password
// (so the answer does not tell whether it was right), and a wrong
// password is counted and may lock the account.
func (s *Service) checkPassword(ctx context.Context, acc store.Account, password string) (verified, error) {
	now := s.now()
	if acc.LockedUntil != nil && now.Before(*acc.LockedUntil) {
		return verified{}, lockedError(acc)
	}
	var v verified
	ok := false
	switch {
	case acc.PasswordHash != "":
		var err error
		ok, v.rehash, err = auth.VerifyPassword(acc.PasswordHash, password)
		// A malformed hash matches nothing; an admin reset repairs it.
		ok = ok && err == nil
		v.expect = acc.PasswordHash
	case auth.IsLegacyHash(acc.LegacyPassword):
		var err error
		ok, err = auth.VerifyLegacy(acc.LegacyPassword, password)
		ok = ok && err == nil
		v.expect, v.legacy = acc.LegacyPassword, true
	default:
		// No usable password: nobody can log in until an admin resets it.
		auth.BurnVerify(password)
	}
	if ok {
		return v, nil
	}
	after, lockedNow, err := s.Store.RecordFailedLogin(ctx, acc.ID, now, MaxFailedLogins, now.Add(LockoutWindow))
	if err != nil {
		return verified{}, err
	}
	if lockedNow {
		if err := s.record(ctx, ActorAnonymous, ActionLocked, after, "", after.LockedUntil.UTC().Format(time.RFC3339),
			fmt.Sprintf("%d failed log-ins in a row", MaxFailedLogins)); err != nil {
			return verified{}, err
		}
	}
	return verified{}, badCredentials()
}

// LoginInput is what a log-in takes. NewPassword is only used when the
// account must change its password (see ErrMustChangePassword).
type LoginInput struct {
	Username    string
	Password    string
	NewPassword string
}

// LoginResult is a new session. Token goes to the credentials file and
// nowhere else; the database keeps only its SHA-256.
type LoginResult struct {
	Account   store.Account
	Token     string
	ExpiresAt time.Time
	// Upgraded is set when a legacy bcrypt or weaker argon2id hash was
	// replaced by a current argon2id one.
	Upgraded bool
	// Changed is set when the forced password change was made.
	Changed bool
}

// Login verifies the password and opens a session. Unknown usernames and
// wrong passwords give the same error (and take the same time); after
// MaxFailedLogins failures in a row the account is locked for
// LockoutWindow.
func (s *Service) Login(ctx context.Context, in LoginInput) (LoginResult, error) {
	username, err := ValidateUsername(in.Username)
	if err != nil {
		return LoginResult{}, err
	}
	if in.Password == "" {
		return LoginResult{}, fault.Invalid("password is empty")
	}
	if len(in.Password) > MaxPasswordBytes {
		return LoginResult{}, fault.Invalid("password is too long: at most %d bytes", MaxPasswordBytes)
	}
	acc, err := s.Store.GetAccountByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		auth.BurnVerify(in.Password)
		return LoginResult{}, badCredentials()
	}
	if err != nil {
		return LoginResult{}, err
	}
	v, err := s.checkPassword(ctx, acc, in.Password)
	if err != nil {
		return LoginResult{}, err
	}
	res := LoginResult{}
	switch {
	case acc.MustChangePassword:
		if in.NewPassword == "" {
			if err := s.Store.ClearLoginFailures(ctx, acc.ID); err != nil {
				return LoginResult{}, err
			}
			return LoginResult{}, fault.Wrap(fault.ErrUnauthenticated, ErrMustChangePassword, "account %s", acc.Username)
		}
		if acc, err = s.replacePassword(ctx, acc, v, in.Password, in.NewPassword); err != nil {
			return LoginResult{}, err
		}
		if err := s.record(ctx, acc.Username, ActionChangePassword, acc, "", "", "forced change at log-in"); err != nil {
			return LoginResult{}, err
		}
		res.Changed = true
	case v.legacy || v.rehash:
		if acc, err = s.upgrade(ctx, acc, v, in.Password); err != nil {
			return LoginResult{}, err
		}
		res.Upgraded = true
	default:
		if err := s.Store.ClearLoginFailures(ctx, acc.ID); err != nil {
			return LoginResult{}, err
		}
	}
	return s.openSession(ctx, acc, res)
}

// upgrade re-hashes a legacy bcrypt (or weaker argon2id) hash with the
// current argon2id parameters. Losing a race to a concurrent change is
// fine: the log-in itself was valid.
func (s *Service) upgrade(ctx context.Context, acc store.Account, v verified, password string) (store.Account, error) {
	hash, err := auth.HashPassword(password)
	if err != nil {
		return acc, err
	}
	from := "argon2id (weaker parameters)"
	if v.legacy {
		from = "bcrypt"
	}
	up, err := s.Store.SetAccountPassword(ctx, acc.ID, store.PasswordChange{
		Expect: v.expect, ExpectLegacy: v.legacy, NewHash: hash, MustChangePassword: acc.MustChangePassword,
	}, s.now())
	if errors.Is(err, store.ErrConflict) {
		return acc, nil
	}
	if err != nil {
		return acc, err
	}
	return up, s.record(ctx, acc.Username, ActionUpgradeHash, up, from, "argon2id", "re-hashed at log-in")
}

// replacePassword sets a new password chosen by the account's owner,
// after checking the policy, clearing must_change_password and any lock.
func (s *Service) replacePassword(ctx context.Context, acc store.Account, v verified, current, next string) (store.Account, error) {
	if err := ValidatePassword(next, acc.Username); err != nil {
		return acc, err
	}
	if next == current {
		return acc, fault.Invalid("the new password must differ from the current one")
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return acc, err
	}
	return s.Store.SetAccountPassword(ctx, acc.ID, store.PasswordChange{
		Expect: v.expect, ExpectLegacy: v.legacy, NewHash: hash,
	}, s.now())
}

func (s *Service) openSession(ctx context.Context, acc store.Account, res LoginResult) (LoginResult, error) {
	now := s.now()
	ttl := s.SessionTTL
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	// Housekeeping that TTL indexes do on MongoDB and nothing does on
	// FerretDB; a failure here must not block the log-in.
	_, _ = s.Store.PurgeSessions(ctx, now.Add(-sessionRetention))
	token := auth.NewToken()
	se := store.Session{TokenHash: auth.HashToken(token), Account: acc.ID, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.Store.InsertSession(ctx, &se); err != nil {
		return LoginResult{}, err
	}
	if err := s.record(ctx, acc.Username, ActionLogin, acc, "", "", "session until "+se.ExpiresAt.Format(time.RFC3339)); err != nil {
		return LoginResult{}, err
	}
	res.Account, res.Token, res.ExpiresAt = acc, token, se.ExpiresAt
	return res, nil
}

// Logout revokes the session of token. It reports false when the token
// names no live session (already logged out, expired or unknown).
func (s *Service) Logout(ctx context.Context, token string) (bool, error) {
	if token == "" {
		return false, nil
	}
	hash := auth.HashToken(token)
	se, err := s.Store.SessionByTokenHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if se.RevokedAt != nil {
		return false, nil
	}
	if err := s.Store.RevokeSession(ctx, hash, s.now()); err != nil {
		return false, err
	}
	acc, err := s.Store.GetAccount(ctx, se.Account)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return true, err
	}
	return true, s.record(ctx, acc.Username, ActionLogout, acc, "", "", "")
}

package accounts

import (
	"context"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// ChangePassword is a self-service change: the actor proves the current
// password (a wrong one counts towards the lockout) and chooses a new one.
// Every other session of the account is revoked; token, the session
// making the change, stays valid.
func (s *Service) ChangePassword(ctx context.Context, actor auth.Principal, token, current, next string) (store.Account, error) {
	acc, err := s.Store.GetAccount(ctx, actor.ID)
	if err != nil {
		return store.Account{}, err
	}
	v, err := s.checkPassword(ctx, acc, current)
	if err != nil {
		return store.Account{}, err
	}
	if acc, err = s.replacePassword(ctx, acc, v, current, next); err != nil {
		return store.Account{}, err
	}
	if _, err := s.Store.RevokeOtherSessions(ctx, acc.ID, auth.HashToken(token), s.now()); err != nil {
		return acc, err
	}
	return acc, s.record(ctx, actor.Username, ActionChangePassword, acc, "", "", "")
}

// ResetPassword is an admin setting a temporary password on someone
// else's account (temp, or a generated one when empty, returned so it can
// be shown once). The account must change it at its next log-in, its
// lockout is cleared and its sessions are revoked.
func (s *Service) ResetPassword(ctx context.Context, actor auth.Principal, ref Ref, temp string) (store.Account, string, error) {
	if err := auth.Require(actor, store.RoleAdmin); err != nil {
		return store.Account{}, "", err
	}
	acc, err := s.Resolve(ctx, ref)
	if err != nil {
		return store.Account{}, "", err
	}
	if acc.ID == actor.ID {
		return store.Account{}, "", fault.Invalid("that is your own account: change your password with `ticketctl accounts reset-password` without an argument")
	}
	if temp == "" {
		temp = auth.NewTemporaryPassword()
	} else if err := ValidatePassword(temp, acc.Username); err != nil {
		return store.Account{}, "", err
	}
	hash, err := auth.HashPassword(temp)
	if err != nil {
		return store.Account{}, "", err
	}
	// Revoke first: a stolen session must not outlive the reset even if
	// the next step fails.
	if _, err := s.Store.RevokeAccountSessions(ctx, acc.ID, s.now()); err != nil {
		return store.Account{}, "", err
	}
	acc, err = s.Store.SetAccountPassword(ctx, acc.ID, store.PasswordChange{
		AnyCurrent: true, NewHash: hash, MustChangePassword: true,
	}, s.now())
	if err != nil {
		return store.Account{}, "", err
	}
	return acc, temp, s.record(ctx, actor.Username, ActionResetPassword, acc, "", "", "temporary password, must change at next log-in")
}

// Delete removes an account and revokes its sessions. Deleting one's own
// account needs its current password; deleting someone else's needs the
// admin role. The last admin cannot be deleted. Tickets keep the id of
// their requester.
func (s *Service) Delete(ctx context.Context, actor auth.Principal, ref Ref, password string) (store.Account, error) {
	self := ref.Matches(store.Account{ID: actor.ID, Username: actor.Username})
	if !self {
		if err := auth.Require(actor, store.RoleAdmin); err != nil {
			return store.Account{}, err
		}
	}
	acc, err := s.Resolve(ctx, ref)
	if err != nil {
		return store.Account{}, err
	}
	if acc.ID == actor.ID {
		if password == "" {
			return store.Account{}, fault.Invalid("deleting your own account needs your current password")
		}
		if _, err := s.checkPassword(ctx, acc, password); err != nil {
			return store.Account{}, err
		}
	}
	if err := s.lastAdmin(ctx, acc, "delete"); err != nil {
		return store.Account{}, err
	}
	if _, err := s.Store.RevokeAccountSessions(ctx, acc.ID, s.now()); err != nil {
		return store.Account{}, err
	}
	if err := s.Store.DeleteAccount(ctx, acc.ID); err != nil {
		return store.Account{}, err
	}
	return acc, s.record(ctx, actor.Username, ActionDelete, acc, acc.Role, "", "username "+acc.Username)
}

// SetRole changes an account's role (admin only). Setting the role it
// already has changes nothing and reports changed=false. The last admin
// cannot be demoted.
func (s *Service) SetRole(ctx context.Context, actor auth.Principal, ref Ref, role string) (acc store.Account, changed bool, err error) {
	if err := auth.Require(actor, store.RoleAdmin); err != nil {
		return store.Account{}, false, err
	}
	if role, err = ValidateRole(role); err != nil {
		return store.Account{}, false, err
	}
	if acc, err = s.Resolve(ctx, ref); err != nil {
		return store.Account{}, false, err
	}
	if acc.Role == role {
		return acc, false, nil
	}
	if role == store.RoleEmployee && acc.Company == "" {
		return store.Account{}, false, fault.Invalid("%s has no company; an employee needs one", acc.Username)
	}
	if err := s.lastAdmin(ctx, acc, "demote"); err != nil {
		return store.Account{}, false, err
	}
	from := acc.Role
	if acc, err = s.Store.SetAccountRole(ctx, acc.ID, from, role, s.now()); err != nil {
		return store.Account{}, false, err
	}
	return acc, true, s.record(ctx, actor.Username, ActionSetRole, acc, from, role, "")
}

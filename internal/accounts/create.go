package accounts

import (
	"context"
	"errors"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// NewAccount is what creating an account takes. Empty Role means
// customer; empty Type means personal for customers, work otherwise.
type NewAccount struct {
	Name     string
	Username string
	Email    string
	Type     string
	Company  string
	Role     string
	Password string
}

// CheckFields validates everything but the password, so that a command
// can refuse bad input before asking for a password.
func (in NewAccount) CheckFields(requireEmail bool) error {
	_, err := in.normalize(requireEmail, false)
	return err
}

// normalize validates every field and applies the defaults; it returns
// the account to insert (without its hash).
func (in NewAccount) normalize(requireEmail, checkPassword bool) (store.Account, error) {
	var a store.Account
	var err error
	if a.Username, err = ValidateUsername(in.Username); err != nil {
		return a, err
	}
	name := in.Name
	if name == "" {
		name = a.Username
	}
	if a.Name, err = NormalizeText("name", name, true); err != nil {
		return a, err
	}
	if in.Email != "" || requireEmail {
		if a.Email, err = ValidateEmail(in.Email); err != nil {
			return a, err
		}
	}
	a.Role = store.RoleCustomer
	if in.Role != "" {
		if a.Role, err = ValidateRole(in.Role); err != nil {
			return a, err
		}
	}
	a.Type = "personal"
	if a.Role != store.RoleCustomer {
		a.Type = "work"
	}
	if in.Type != "" {
		if a.Type, err = ValidateType(in.Type); err != nil {
			return a, err
		}
	}
	if a.Company, err = NormalizeText("company", in.Company, false); err != nil {
		return a, err
	}
	// A work customer files tickets for a company; an employee joins teams
	// of the company that employs them. Admins run the platform and may
	// belong to none.
	switch {
	case a.Company == "" && a.Role == store.RoleCustomer && a.Type == "work":
		return a, fault.Invalid("a work account needs a company (--company)")
	case a.Company == "" && a.Role == store.RoleEmployee:
		return a, fault.Invalid("an employee account needs a company (--company)")
	}
	if checkPassword {
		if err := ValidatePassword(in.Password, a.Username); err != nil {
			return a, err
		}
	}
	return a, nil
}

// Create makes an account. With actor nil (or a customer) it is a self
// sign-up and only the customer role is possible. Staff (employee or
// admin) may create customers; only an admin may create employees or
// admins. An account created by someone else starts with
// must_change_password, since that person knows the password.
func (s *Service) Create(ctx context.Context, actor *auth.Principal, in NewAccount) (store.Account, error) {
	a, err := in.normalize(true, true)
	if err != nil {
		return a, err
	}
	staff := actor != nil && actor.Has(store.RoleEmployee)
	if a.Role != store.RoleCustomer {
		if actor == nil {
			return store.Account{}, fault.WithHint(fault.New(fault.ErrUnauthenticated,
				"only an admin may create %s accounts; sign-up creates customers", a.Role), auth.LoginHint)
		}
		if err := auth.Require(*actor, store.RoleAdmin); err != nil {
			return store.Account{}, err
		}
	}
	a.MustChangePassword = staff
	actorName, note := a.Username, "self sign-up"
	if staff {
		actorName, note = actor.Username, "created by "+actor.Role+" "+actor.Username
	}
	return s.insert(ctx, a, in.Password, actorName, note)
}

// CreateFirstAdmin creates an admin if no admin exists yet (ticketctl
// init); created is false, and nothing is written, when one exists. Two
// inits racing on an empty database may both create one: harmless, and
// without transactions not preventable.
func (s *Service) CreateFirstAdmin(ctx context.Context, in NewAccount) (acc store.Account, created bool, err error) {
	in.Role = store.RoleAdmin
	a, err := in.normalize(false, true)
	if err != nil {
		return a, false, err
	}
	exists, err := s.AdminExists(ctx)
	if err != nil || exists {
		return store.Account{}, false, err
	}
	acc, err = s.insert(ctx, a, in.Password, "init", "first admin, created by ticketctl init")
	return acc, err == nil, err
}

func (s *Service) insert(ctx context.Context, a store.Account, password, actor, note string) (store.Account, error) {
	hash, err := auth.HashPassword(password)
	if err != nil {
		return store.Account{}, err
	}
	a.PasswordHash = hash
	a.CreatedAt = s.now()
	a.UpdatedAt = a.CreatedAt
	if err := s.Store.InsertAccount(ctx, &a); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return store.Account{}, fault.WithHint(fault.New(fault.ErrConflict, "username %q is taken", a.Username),
				"usernames are unique whatever their case; choose another")
		}
		return store.Account{}, err
	}
	return a, s.record(ctx, actor, ActionCreate, a, "", a.Role, note)
}

// Package teams holds the rules for teams: who may create and change
// them, unique names, skills as tags, and members that are employees of
// the team's company.
package teams

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/tickets"
)

// Service manages teams.
type Service struct {
	St  *store.Store
	Now func() time.Time
}

// New returns a service; now is the clock (time.Now when nil).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{St: st, Now: func() time.Time { return now().UTC() }}
}

// NewTeam is what `teams create` submits.
type NewTeam struct {
	Company  string
	Category string
	Name     string
	Skills   []string
}

// View is a team with what a reader wants next to it: the server it
// works on and its members' usernames.
type View struct {
	store.Team
	Server          *bson.ObjectID `json:"server"`
	ServerName      string         `json:"server_name,omitempty"`
	MemberUsernames []string       `json:"member_usernames"`
}

// Label names a team for messages: its name, else company/category.
func Label(t store.Team) string {
	if t.Name != "" {
		return t.Name
	}
	return t.Company + "/" + t.Category + " (" + t.ID.Hex() + ")"
}

// Arg is how a hint names t on a command line: its name, shell-quoted
// when needed, or its id when it has none.
func Arg(t store.Team) string {
	if t.Name == "" {
		return t.ID.Hex()
	}
	return ShellQuote(t.Name)
}

// ShellQuote returns s as one shell word: as it is when it holds only
// characters no shell treats specially, else in single quotes.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,:/@+=", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ValidateName checks a server or team name: 1–64 characters on one line,
// not an ObjectId (names and ids are accepted in the same place, so they
// must never be confused).
func ValidateName(kind, s string) (string, error) {
	if err := tickets.CheckText(kind+" name", s, false); err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n == 0 || n > 64 {
		return "", fault.Invalid("%s name %q: want 1 to 64 characters", kind, s)
	}
	if _, err := bson.ObjectIDFromHex(s); err == nil {
		return "", fault.Invalid("%s name %q looks like an id: pick a name that is not 24 hex characters", kind, s)
	}
	return s, nil
}

// ValidateLabel checks a company, category or region: 1–100 characters
// on one line.
func ValidateLabel(field, s string) (string, error) {
	if err := tickets.CheckText(field, s, false); err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n == 0 || n > 100 {
		return "", fault.Invalid("%s %q: want 1 to 100 characters", field, s)
	}
	return s, nil
}

// Resolve finds a team by id (24 hex characters) or by name.
func (s *Service) Resolve(ctx context.Context, ref string) (store.Team, error) {
	return Resolve(ctx, s.St, ref)
}

// Resolve finds a team by id or name in st.
func Resolve(ctx context.Context, st *store.Store, ref string) (store.Team, error) {
	ref = strings.TrimSpace(ref)
	if id, err := bson.ObjectIDFromHex(ref); err == nil {
		return st.GetTeam(ctx, id)
	}
	if ref == "" {
		return store.Team{}, fault.Invalid("team name is empty")
	}
	t, err := st.GetTeamByName(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		return t, fault.WithHint(fault.New(fault.ErrNotFound, "team %q: not found", ref), "list teams with `ticketctl teams list`")
	}
	return t, err
}

// Create validates and stores a team (admins only).
func (s *Service) Create(ctx context.Context, p auth.Principal, in NewTeam) (store.Team, error) {
	if err := auth.Require(p, store.RoleAdmin); err != nil {
		return store.Team{}, err
	}
	var t store.Team
	var err error
	if t.Company, err = ValidateLabel("company", in.Company); err != nil {
		return t, err
	}
	if t.Category, err = ValidateLabel("category", in.Category); err != nil {
		return t, err
	}
	if in.Name != "" {
		if t.Name, err = ValidateName("team", in.Name); err != nil {
			return t, err
		}
	}
	if t.Skills, err = tickets.NormalizeTags(in.Skills); err != nil {
		return t, fmt.Errorf("skills: %w", err)
	}
	if len(t.Skills) == 0 {
		t.Skills = nil
	}
	t.Members = []bson.ObjectID{}
	if err := s.St.InsertTeam(ctx, &t); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return t, fault.New(fault.ErrConflict, "a team named %q exists already", t.Name)
		}
		return t, err
	}
	return t, s.event(ctx, p, "team.create", t, fmt.Sprintf("%s %s/%s", Label(t), t.Company, t.Category))
}

func (s *Service) event(ctx context.Context, p auth.Principal, action string, t store.Team, note string) error {
	err := s.St.InsertEvent(ctx, &store.Event{At: s.Now(), Actor: p.Username, Action: action,
		Subject: "team:" + t.ID.Hex(), Note: note})
	if err != nil {
		return fmt.Errorf("%s done but the event was not recorded: %w", action, err)
	}
	return nil
}

// List returns the teams (of one company when company is set) with their
// servers and members (employees and admins).
func (s *Service) List(ctx context.Context, p auth.Principal, company string) ([]View, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return nil, err
	}
	ts, err := s.St.ListTeams(ctx, strings.TrimSpace(company))
	if err != nil {
		return nil, err
	}
	return s.views(ctx, ts)
}

// Get returns one team.
func (s *Service) Get(ctx context.Context, p auth.Principal, ref string) (View, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return View{}, err
	}
	t, err := s.Resolve(ctx, ref)
	if err != nil {
		return View{}, err
	}
	vs, err := s.views(ctx, []store.Team{t})
	if err != nil {
		return View{}, err
	}
	return vs[0], nil
}

// views adds server names and member usernames. Servers are few; members
// are looked up one by one, which is fine for teams of people.
func (s *Service) views(ctx context.Context, ts []store.Team) ([]View, error) {
	svs, err := s.St.ListServers(ctx)
	if err != nil {
		return nil, err
	}
	onServer := map[bson.ObjectID]store.Server{}
	for _, sv := range svs {
		for _, id := range sv.Teams {
			onServer[id] = sv
		}
	}
	names := map[bson.ObjectID]string{}
	out := make([]View, 0, len(ts))
	for _, t := range ts {
		v := View{Team: t, MemberUsernames: []string{}}
		if v.Members == nil {
			v.Members = []bson.ObjectID{}
		}
		if sv, ok := onServer[t.ID]; ok {
			id := sv.ID
			v.Server, v.ServerName = &id, sv.Name
		}
		for _, m := range t.Members {
			name, ok := names[m]
			if !ok {
				acc, err := s.St.GetAccount(ctx, m)
				switch {
				case err == nil:
					name = acc.Username
				case errors.Is(err, store.ErrNotFound):
					name = m.Hex() + " (deleted)"
				default:
					return nil, err
				}
				names[m] = name
			}
			v.MemberUsernames = append(v.MemberUsernames, name)
		}
		out = append(out, v)
	}
	return out, nil
}

// Delete removes a team that no server lists and no ticket is assigned
// to (admins only).
func (s *Service) Delete(ctx context.Context, p auth.Principal, ref string) (store.Team, error) {
	if err := auth.Require(p, store.RoleAdmin); err != nil {
		return store.Team{}, err
	}
	t, err := s.Resolve(ctx, ref)
	if err != nil {
		return t, err
	}
	svs, err := s.St.ServersWithTeam(ctx, t.ID)
	if err != nil {
		return t, err
	}
	if len(svs) > 0 {
		return t, fault.WithHint(fault.New(fault.ErrConflict, "team %s still works on server %s", Label(t), svs[0].Name),
			fmt.Sprintf("run `ticketctl servers remove-team %s %s` first", ShellQuote(svs[0].Name), Arg(t)))
	}
	id := t.ID
	n, err := s.St.CountTickets(ctx, store.TicketFilter{Team: &id})
	if err != nil {
		return t, err
	}
	if n > 0 {
		return t, fault.WithHint(fault.New(fault.ErrConflict, "team %s still has %d tickets", Label(t), n),
			"distribute them to another team first")
	}
	if err := s.St.DeleteTeam(ctx, t.ID); err != nil {
		return t, err
	}
	return t, s.event(ctx, p, "team.delete", t, Label(t))
}

// AddMember adds an employee (or admin) of the team's company to it.
// changed is false when the account was a member already (nothing
// written, no event).
func (s *Service) AddMember(ctx context.Context, p auth.Principal, teamRef, accountRef string) (t store.Team, acc store.Account, changed bool, err error) {
	t, acc, err = s.memberArgs(ctx, p, teamRef, accountRef)
	if err != nil {
		return t, acc, false, err
	}
	if acc.Role != store.RoleEmployee && acc.Role != store.RoleAdmin {
		return t, acc, false, fault.Invalid("%s is a %s: only employees join teams", acc.Username, acc.Role)
	}
	if !strings.EqualFold(strings.TrimSpace(acc.Company), t.Company) {
		return t, acc, false, fault.Invalid("%s works for %q, not %q: team members must be employees of the team's company",
			acc.Username, acc.Company, t.Company)
	}
	if slices.Contains(t.Members, acc.ID) {
		return t, acc, false, nil
	}
	t, err = s.St.AddTeamMember(ctx, t.ID, acc.ID)
	if err != nil {
		return t, acc, false, err
	}
	return t, acc, true, s.event(ctx, p, "team.add-member", t, acc.Username)
}

// RemoveMember removes an account from a team; removing someone who is
// not a member changes nothing (changed is false, no event).
func (s *Service) RemoveMember(ctx context.Context, p auth.Principal, teamRef, accountRef string) (t store.Team, acc store.Account, changed bool, err error) {
	t, acc, err = s.memberArgs(ctx, p, teamRef, accountRef)
	if err != nil {
		return t, acc, false, err
	}
	if !slices.Contains(t.Members, acc.ID) {
		return t, acc, false, nil
	}
	t, err = s.St.RemoveTeamMember(ctx, t.ID, acc.ID)
	if err != nil {
		return t, acc, false, err
	}
	return t, acc, true, s.event(ctx, p, "team.remove-member", t, acc.Username)
}

func (s *Service) memberArgs(ctx context.Context, p auth.Principal, teamRef, accountRef string) (store.Team, store.Account, error) {
	if err := auth.Require(p, store.RoleAdmin); err != nil {
		return store.Team{}, store.Account{}, err
	}
	t, err := s.Resolve(ctx, teamRef)
	if err != nil {
		return t, store.Account{}, err
	}
	acc, err := ResolveAccount(ctx, s.St, accountRef)
	return t, acc, err
}

// usernamePattern is deliberately wider than the rule for new usernames
// (accounts written by another backend may be older), but never lets an
// operator-looking value ("$ne", "{...}") reach a query.
var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9._@+-]{1,64}$`)

// ResolveAccount finds an account by id or username.
func ResolveAccount(ctx context.Context, st *store.Store, ref string) (store.Account, error) {
	ref = strings.TrimSpace(ref)
	if id, err := bson.ObjectIDFromHex(ref); err == nil {
		return st.GetAccount(ctx, id)
	}
	if !usernamePattern.MatchString(ref) {
		return store.Account{}, fault.Invalid("account %q is neither an id nor a username", ref)
	}
	return st.GetAccountByUsername(ctx, ref)
}

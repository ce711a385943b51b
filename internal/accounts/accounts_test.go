package accounts_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"golang.org/x/crypto/bcrypt"

	"github.com/ticketctl/ticketctl/internal/accounts"
	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

func TestMain(m *testing.M) {
	auth.SetArgon2ForTesting(auth.TestArgon2)
	storetest.Main(m)
}

// world is a service on a fresh database with a movable clock.
type world struct {
	t   *testing.T
	st  *store.Store
	svc *accounts.Service
	ctx context.Context
	now time.Time
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, st: storetest.OpenWithIndexes(t), ctx: context.Background(),
		now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	w.svc = accounts.New(w.st, func() time.Time { return w.now })
	return w
}

const pw = "correct horse battery"

func (w *world) create(actor *auth.Principal, username, role, company string) store.Account {
	w.t.Helper()
	acc, err := w.svc.Create(w.ctx, actor, accounts.NewAccount{Name: "  " + username + " Person  ", Username: username,
		Email: username + "@example.com", Role: role, Company: company, Password: pw})
	if err != nil {
		w.t.Fatalf("create %s: %v", username, err)
	}
	return acc
}

func principal(a store.Account) auth.Principal {
	return auth.Principal{ID: a.ID, Username: a.Username, Name: a.Name, Role: a.Role, Company: a.Company, Type: a.Type}
}

func (w *world) events(acc store.Account) []store.Event {
	w.t.Helper()
	evs, err := w.st.SubjectEvents(w.ctx, accounts.Subject(acc))
	if err != nil {
		w.t.Fatal(err)
	}
	return evs
}

func actions(evs []store.Event) string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Actor+":"+e.Action)
	}
	return strings.Join(out, " ")
}

func wantKind(t *testing.T, what string, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Errorf("%s: err = %v, want kind %v", what, err, kind)
	}
}

func TestValidationRules(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" = invalid
	}{
		{"alice", "alice"}, {"Alice.B", "alice.b"}, {"a_b-c.9", "a_b-c.9"}, {strings.Repeat("x", 32), strings.Repeat("x", 32)},
		{"ab", ""}, {strings.Repeat("x", 33), ""}, {"al ice", ""}, {"", ""}, {`{"$ne": null}`, ""}, {"$where", ""},
		{"$gt", ""}, {"bob\n", ""}, {"émile", ""}, {"a@b", ""},
	} {
		got, err := accounts.ValidateUsername(tc.in)
		if got != tc.want || (tc.want == "") != errors.Is(err, fault.ErrInvalid) {
			t.Errorf("ValidateUsername(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for email, ok := range map[string]bool{"a@example.com": true, " a.b+c@mail.example.org ": true,
		"a@localhost": false, "Al <a@example.com>": false, "no-at.example.com": false, "a@b.": false, "": false} {
		_, err := accounts.ValidateEmail(email)
		if (err == nil) != ok {
			t.Errorf("ValidateEmail(%q): %v, want ok=%v", email, err, ok)
		}
	}
	for _, tc := range []struct {
		pw, user string
		ok       bool
	}{
		{"twelve chars", "bob", true}, {"eleven char", "bob", false}, {"ünïcödé-ünïc", "bob", true},
		{strings.Repeat("a", 1024), "bob", true}, {strings.Repeat("a", 1025), "bob", false},
		{"longusername", "longusername", false}, {"LongUserName", "longusername", false}, {"", "bob", false},
	} {
		err := accounts.ValidatePassword(tc.pw, tc.user)
		if (err == nil) != tc.ok {
			t.Errorf("ValidatePassword(%.20q): %v, want ok=%v", tc.pw, err, tc.ok)
		}
	}
	if _, err := accounts.NormalizeText("name", "a\x1b[31mred", true); !errors.Is(err, fault.ErrInvalid) {
		t.Errorf("control characters in a name: %v", err)
	}
	if n, _ := accounts.NormalizeText("name", "  Ada Lovelace ", true); n != "Ada Lovelace" {
		t.Errorf("name not trimmed: %q", n)
	}
	for _, ref := range []string{`{"$ne": null}`, "$where", "x"} {
		if _, err := accounts.ParseRef(ref); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("ParseRef(%q): %v", ref, err)
		}
	}
}

// TestInjectionNeverReachesTheDatabase counts the commands the driver
// sends while operator-looking usernames are used everywhere a username
// goes: none may be sent.
func TestInjectionNeverReachesTheDatabase(t *testing.T) {
	var sent atomic.Int64
	var mu sync.Mutex
	var names []string
	mon := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		sent.Add(1)
		mu.Lock()
		names = append(names, e.CommandName)
		mu.Unlock()
	}}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URI: storetest.URI(t), Database: storetest.DBName(t.Name()), Monitor: mon})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	svc := accounts.New(st, nil)
	sent.Store(0)
	mu.Lock()
	names = nil
	mu.Unlock()
	for _, u := range []string{`{"$ne": null}`, "$where", `{"$gt": ""}`, "$regex"} {
		_, err := svc.Login(ctx, accounts.LoginInput{Username: u, Password: pw})
		wantKind(t, "login "+u, err, fault.ErrInvalid)
		_, err = svc.Create(ctx, nil, accounts.NewAccount{Name: "x", Username: u, Email: "x@example.com", Password: pw})
		wantKind(t, "create "+u, err, fault.ErrInvalid)
		_, _, err = svc.CreateFirstAdmin(ctx, accounts.NewAccount{Username: u, Password: pw})
		wantKind(t, "first admin "+u, err, fault.ErrInvalid)
		_, err = accounts.ParseRef(u)
		wantKind(t, "ref "+u, err, fault.ErrInvalid)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := sent.Load(); got != 0 {
		t.Errorf("%d commands sent for invalid usernames: %v", got, names)
	}
}

func TestSignUpAndDuplicateUsernameInAnyCase(t *testing.T) {
	w := newWorld(t)
	acc := w.create(nil, "Alice", "", "")
	if acc.Username != "alice" || acc.Role != store.RoleCustomer || acc.Type != "personal" || acc.Name != "Alice Person" {
		t.Errorf("account %+v", acc)
	}
	if acc.MustChangePassword || !strings.HasPrefix(acc.PasswordHash, "$argon2id$") {
		t.Errorf("self sign-up: must change %v, hash %.12s", acc.MustChangePassword, acc.PasswordHash)
	}
	for _, dup := range []string{"alice", "ALICE", "aLiCe"} {
		_, err := w.svc.Create(w.ctx, nil, accounts.NewAccount{Name: "x", Username: dup, Email: "x@example.com", Password: pw})
		wantKind(t, "duplicate "+dup, err, fault.ErrConflict)
	}
	_, err := w.svc.Create(w.ctx, nil, accounts.NewAccount{Name: "x", Username: "carol", Email: "x@example.com", Password: pw, Type: "work"})
	wantKind(t, "work without company", err, fault.ErrInvalid)
	_, err = w.svc.Create(w.ctx, nil, accounts.NewAccount{Name: "x", Username: "carol", Email: "x@example.com", Password: "carol"})
	wantKind(t, "short password", err, fault.ErrInvalid)
	if evs := w.events(acc); actions(evs) != "alice:account.create" || evs[0].To != "customer" || !evs[0].At.Equal(w.now) {
		t.Errorf("events %+v", evs)
	}
}

func TestOnlyAdminsCreateStaff(t *testing.T) {
	w := newWorld(t)
	admin := w.create(nil, "root", "", "")
	if _, err := w.st.SetAccountRole(w.ctx, admin.ID, "customer", "admin", w.now); err != nil {
		t.Fatal(err)
	}
	admin.Role = store.RoleAdmin
	cust := w.create(nil, "cust", "", "")
	in := accounts.NewAccount{Name: "E", Username: "emp", Email: "e@example.com", Role: "employee", Company: "acme", Password: pw}
	_, err := w.svc.Create(w.ctx, nil, in)
	wantKind(t, "anonymous employee", err, fault.ErrUnauthenticated)
	p := principal(cust)
	_, err = w.svc.Create(w.ctx, &p, in)
	wantKind(t, "customer creates employee", err, fault.ErrDenied)
	in.Company = ""
	pa := principal(admin)
	_, err = w.svc.Create(w.ctx, &pa, in)
	wantKind(t, "employee without company", err, fault.ErrInvalid)
	in.Company = "acme"
	emp, err := w.svc.Create(w.ctx, &pa, in)
	if err != nil {
		t.Fatal(err)
	}
	if emp.Role != "employee" || emp.Type != "work" || !emp.MustChangePassword {
		t.Errorf("admin-created employee %+v", emp)
	}
	if evs := w.events(emp); actions(evs) != "root:account.create" {
		t.Errorf("events %s", actions(evs))
	}
}

func TestLoginLockoutAndUnlock(t *testing.T) {
	w := newWorld(t)
	acc := w.create(nil, "bob", "", "")
	_, unknownErr := w.svc.Login(w.ctx, accounts.LoginInput{Username: "nobody", Password: pw})
	_, wrongErr := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: "wrong password!"})
	if unknownErr == nil || wrongErr == nil || unknownErr.Error() != wrongErr.Error() || fault.Hint(unknownErr) != fault.Hint(wrongErr) {
		t.Fatalf("unknown user %v / wrong password %v: must be the same", unknownErr, wrongErr)
	}
	wantKind(t, "wrong password", wrongErr, fault.ErrUnauthenticated)
	for i := 2; i <= accounts.MaxFailedLogins; i++ {
		_, err := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: "wrong password!"})
		if err == nil || err.Error() != wrongErr.Error() {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	// Locked: the right password is refused, and so is a wrong one, with
	// the same message.
	_, right := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: pw})
	_, wrong := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: "wrong password!"})
	if right == nil || wrong == nil || right.Error() != wrong.Error() || !strings.Contains(right.Error(), "locked until 2026-03-01T09:15:00Z") {
		t.Fatalf("locked: right %v / wrong %v", right, wrong)
	}
	got, _ := w.st.GetAccount(w.ctx, acc.ID)
	if got.FailedLogins != accounts.MaxFailedLogins || got.LockedUntil == nil {
		t.Errorf("after lock: failed=%d locked=%v", got.FailedLogins, got.LockedUntil)
	}
	w.now = w.now.Add(14 * time.Minute)
	if _, err := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: pw}); err == nil {
		t.Fatal("logged in during the lock window")
	}
	w.now = w.now.Add(time.Minute)
	res, err := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: pw})
	if err != nil {
		t.Fatalf("after the window: %v", err)
	}
	if res.Token == "" || !res.ExpiresAt.Equal(w.now.Add(12*time.Hour)) {
		t.Errorf("session %+v", res)
	}
	got, _ = w.st.GetAccount(w.ctx, acc.ID)
	if got.FailedLogins != 0 || got.LockedUntil != nil {
		t.Errorf("after success: failed=%d locked=%v", got.FailedLogins, got.LockedUntil)
	}
	if a := actions(w.events(acc)); a != "bob:account.create anonymous:account.locked bob:account.login" {
		t.Errorf("events: %s", a)
	}
	// The session works; the database has only the token's hash.
	p, err := auth.Authenticate(w.ctx, w.st, res.Token, w.now)
	if err != nil || p.Username != "bob" {
		t.Fatalf("authenticate: %v %+v", err, p)
	}
}

func TestLockoutCountsAfterExpiredLockFromZero(t *testing.T) {
	w := newWorld(t)
	w.create(nil, "bob", "", "")
	for range accounts.MaxFailedLogins {
		_, _ = w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: "wrong password!"})
	}
	w.now = w.now.Add(accounts.LockoutWindow)
	// One failure after the window does not lock again at once.
	_, _ = w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: "wrong password!"})
	if _, err := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: pw}); err != nil {
		t.Fatalf("one failure after an expired lock locked again: %v", err)
	}
}

// Concurrent wrong guesses are all counted: $inc on MongoDB, a claimed
// compare-and-set on FerretDB v1, whose findAndModify reads then writes
// (measured: 10 concurrent $inc gave 1 to 7 there).
func TestConcurrentFailuresAreAllCounted(t *testing.T) {
	w := newWorld(t)
	acc := w.create(nil, "bob", "", "")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			_, _ = w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: "wrong password!"})
		})
	}
	wg.Wait()
	got, _ := w.st.GetAccount(w.ctx, acc.ID)
	if got.FailedLogins != 4 || got.LockedUntil != nil {
		t.Fatalf("4 concurrent failures: failed=%d locked=%v", got.FailedLogins, got.LockedUntil)
	}
}

func TestLegacyBcryptUpgrade(t *testing.T) {
	w := newWorld(t)
	legacy, _ := bcrypt.GenerateFromPassword([]byte("express era password"), 4)
	node := "$2b$" + string(legacy[4:])
	acc := store.Account{Name: "Old", Username: "oldtimer", Email: "old@example.com", Type: "personal",
		Role: "customer", LegacyPassword: node, CreatedAt: w.now}
	if err := w.st.InsertAccount(w.ctx, &acc); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Login(w.ctx, accounts.LoginInput{Username: "oldtimer", Password: "express era passworD"}); err == nil {
		t.Fatal("wrong password accepted against bcrypt")
	}
	res, err := w.svc.Login(w.ctx, accounts.LoginInput{Username: "oldtimer", Password: "express era password"})
	if err != nil || !res.Upgraded {
		t.Fatalf("legacy login: %v upgraded=%v", err, res.Upgraded)
	}
	got, _ := w.st.GetAccount(w.ctx, acc.ID)
	if got.LegacyPassword != "" || !strings.HasPrefix(got.PasswordHash, "$argon2id$") || got.FailedLogins != 0 {
		t.Fatalf("after upgrade: legacy %q hash %.10q failed %d", got.LegacyPassword, got.PasswordHash, got.FailedLogins)
	}
	res, err = w.svc.Login(w.ctx, accounts.LoginInput{Username: "oldtimer", Password: "express era password"})
	if err != nil || res.Upgraded {
		t.Fatalf("second login: %v upgraded=%v", err, res.Upgraded)
	}
	evs := w.events(acc)
	if a := actions(evs); a != "oldtimer:account.upgrade-password-hash oldtimer:account.login oldtimer:account.login" ||
		evs[0].From != "bcrypt" || evs[0].To != "argon2id" {
		t.Errorf("events: %s %+v", a, evs[0])
	}
}

func TestAdminResetForcesChangeAndRevokesSessions(t *testing.T) {
	w := newWorld(t)
	admin := w.create(nil, "root", "", "")
	_, _ = w.st.SetAccountRole(w.ctx, admin.ID, "customer", "admin", w.now)
	admin.Role = "admin"
	bob := w.create(nil, "bob", "", "")
	old, err := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = w.svc.ResetPassword(w.ctx, principal(bob), accounts.Ref{Username: "root"}, "")
	wantKind(t, "customer resets admin", err, fault.ErrDenied)
	ref, _ := accounts.ParseRef("bob")
	_, _, err = w.svc.ResetPassword(w.ctx, principal(admin), accounts.Ref{Username: "root"}, "")
	wantKind(t, "admin resets self", err, fault.ErrInvalid)
	_, _, err = w.svc.ResetPassword(w.ctx, principal(admin), ref, "short")
	wantKind(t, "weak temporary password", err, fault.ErrInvalid)
	acc, temp, err := w.svc.ResetPassword(w.ctx, principal(admin), ref, "")
	if err != nil || len(temp) < accounts.MinPasswordChars || !acc.MustChangePassword {
		t.Fatalf("reset: %v %q %+v", err, temp, acc)
	}
	if _, err := auth.Authenticate(w.ctx, w.st, old.Token, w.now); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Errorf("session survived the reset: %v", err)
	}
	if _, err := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: pw}); err == nil {
		t.Fatal("old password still works")
	}
	_, err = w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: temp})
	if !errors.Is(err, accounts.ErrMustChangePassword) || !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("temporary password without a new one: %v", err)
	}
	_, err = w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: temp, NewPassword: temp})
	wantKind(t, "same new password", err, fault.ErrInvalid)
	res, err := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: temp, NewPassword: "a brand new secret"})
	if err != nil || !res.Changed || res.Account.MustChangePassword {
		t.Fatalf("forced change: %v %+v", err, res)
	}
	if _, err := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: "a brand new secret"}); err != nil {
		t.Fatalf("new password: %v", err)
	}
	want := "bob:account.create bob:account.login root:account.reset-password bob:account.change-password bob:account.login bob:account.login"
	if a := actions(w.events(bob)); a != want {
		t.Errorf("events:\n got %s\nwant %s", a, want)
	}
}

func TestSelfChangeKeepsOnlyTheCurrentSession(t *testing.T) {
	w := newWorld(t)
	bob := w.create(nil, "bob", "", "")
	s1, _ := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: pw})
	s2, _ := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: pw})
	_, err := w.svc.ChangePassword(w.ctx, principal(bob), s1.Token, "not the password", "another good secret")
	wantKind(t, "wrong current password", err, fault.ErrUnauthenticated)
	_, err = w.svc.ChangePassword(w.ctx, principal(bob), s1.Token, pw, "bob")
	wantKind(t, "weak new password", err, fault.ErrInvalid)
	if _, err := w.svc.ChangePassword(w.ctx, principal(bob), s1.Token, pw, "another good secret"); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Authenticate(w.ctx, w.st, s1.Token, w.now); err != nil {
		t.Errorf("current session revoked: %v", err)
	}
	if _, err := auth.Authenticate(w.ctx, w.st, s2.Token, w.now); err == nil {
		t.Error("other session kept")
	}
	got, _ := w.st.GetAccount(w.ctx, bob.ID)
	if got.FailedLogins != 0 {
		t.Errorf("failed logins after change: %d", got.FailedLogins)
	}
}

func TestDeleteAndSetRoleRules(t *testing.T) {
	w := newWorld(t)
	root := w.create(nil, "root", "", "")
	_, _ = w.st.SetAccountRole(w.ctx, root.ID, "customer", "admin", w.now)
	root.Role = "admin"
	bob := w.create(nil, "bob", "", "")
	carol := w.create(nil, "carol", "", "acme")
	ref := func(s string) accounts.Ref { r, _ := accounts.ParseRef(s); return r }

	_, err := w.svc.Delete(w.ctx, principal(bob), ref("carol"), pw)
	wantKind(t, "customer deletes another", err, fault.ErrDenied)
	_, err = w.svc.Delete(w.ctx, principal(bob), ref("bob"), "")
	wantKind(t, "self delete without password", err, fault.ErrInvalid)
	_, err = w.svc.Delete(w.ctx, principal(bob), ref(bob.ID.Hex()), "wrong password!")
	wantKind(t, "self delete wrong password", err, fault.ErrUnauthenticated)
	_, err = w.svc.Delete(w.ctx, principal(root), ref("root"), pw)
	wantKind(t, "last admin", err, fault.ErrConflict)
	_, _, err = w.svc.SetRole(w.ctx, principal(root), ref("root"), "customer")
	wantKind(t, "demote last admin", err, fault.ErrConflict)
	_, _, err = w.svc.SetRole(w.ctx, principal(bob), ref("carol"), "admin")
	wantKind(t, "customer sets role", err, fault.ErrDenied)
	_, _, err = w.svc.SetRole(w.ctx, principal(root), ref("bob"), "employee")
	wantKind(t, "employee without company", err, fault.ErrInvalid)
	_, _, err = w.svc.SetRole(w.ctx, principal(root), ref("carol"), "boss")
	wantKind(t, "unknown role", err, fault.ErrInvalid)
	acc, changed, err := w.svc.SetRole(w.ctx, principal(root), ref("Carol"), "employee")
	if err != nil || !changed || acc.Role != "employee" {
		t.Fatalf("set role: %v %v %+v", err, changed, acc)
	}
	if _, changed, _ := w.svc.SetRole(w.ctx, principal(root), ref("carol"), "employee"); changed {
		t.Error("same role reported as a change")
	}
	evs := w.events(carol)
	if last := evs[len(evs)-1]; last.Action != accounts.ActionSetRole || last.From != "customer" || last.To != "employee" || last.Actor != "root" {
		t.Errorf("set-role event %+v", last)
	}

	s, _ := w.svc.Login(w.ctx, accounts.LoginInput{Username: "bob", Password: pw})
	if _, err := w.svc.Delete(w.ctx, principal(bob), ref("bob"), pw); err != nil {
		t.Fatalf("self delete: %v", err)
	}
	if _, err := auth.Authenticate(w.ctx, w.st, s.Token, w.now); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Errorf("session of a deleted account: %v", err)
	}
	if _, err := w.svc.Delete(w.ctx, principal(root), ref("carol"), ""); err != nil {
		t.Fatalf("admin delete: %v", err)
	}
	_, err = w.svc.Resolve(w.ctx, ref("carol"))
	wantKind(t, "deleted account", err, fault.ErrNotFound)
	if a := actions(w.events(bob)); !strings.HasSuffix(a, "bob:account.delete") {
		t.Errorf("bob events %s", a)
	}
}

func TestFirstAdminOnlyOnce(t *testing.T) {
	w := newWorld(t)
	acc, created, err := w.svc.CreateFirstAdmin(w.ctx, accounts.NewAccount{Username: "Root", Password: pw})
	if err != nil || !created || acc.Role != "admin" || acc.Name != "root" || acc.MustChangePassword {
		t.Fatalf("first admin: %v %v %+v", err, created, acc)
	}
	_, created, err = w.svc.CreateFirstAdmin(w.ctx, accounts.NewAccount{Username: "second", Password: pw})
	if err != nil || created {
		t.Fatalf("second admin created=%v err=%v", created, err)
	}
	if n, _ := w.st.CountAccounts(w.ctx, store.AccountFilter{Role: "admin"}); n != 1 {
		t.Fatalf("%d admins", n)
	}
	if a := actions(w.events(acc)); a != "init:account.create" {
		t.Errorf("events %s", a)
	}
}

func TestListFiltersAndCustomerCannotProbe(t *testing.T) {
	w := newWorld(t)
	root := w.create(nil, "root", "", "")
	_, _ = w.st.SetAccountRole(w.ctx, root.ID, "customer", "admin", w.now)
	bob := w.create(nil, "bob", "", "")
	for _, u := range []string{"dave", "carol"} {
		if _, err := w.svc.Create(w.ctx, nil, accounts.NewAccount{Name: u, Username: u, Email: u + "@acme.example",
			Type: "work", Company: "Acme", Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	seq, err := w.svc.List(w.ctx, accounts.Filter{Type: "work", Company: "Acme"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for a, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, a.Username)
	}
	if strings.Join(names, ",") != "carol,dave" {
		t.Errorf("work accounts of Acme: %v", names)
	}
	seq, _ = w.svc.List(w.ctx, accounts.Filter{}, 2)
	n := 0
	for range seq {
		n++
	}
	if n != 2 {
		t.Errorf("limit 2 gave %d", n)
	}
	if _, err := w.svc.List(w.ctx, accounts.Filter{Role: "boss"}, 0); !errors.Is(err, fault.ErrInvalid) {
		t.Errorf("bad role filter: %v", err)
	}
	r, _ := accounts.ParseRef("nosuchuser")
	_, err = w.svc.Get(w.ctx, principal(bob), r)
	wantKind(t, "customer gets unknown", err, fault.ErrDenied)
	r, _ = accounts.ParseRef("carol")
	_, err = w.svc.Get(w.ctx, principal(bob), r)
	wantKind(t, "customer gets other", err, fault.ErrDenied)
	r, _ = accounts.ParseRef("bob")
	if got, err := w.svc.Get(w.ctx, principal(bob), r); err != nil || got.ID != bob.ID {
		t.Errorf("self get: %v", err)
	}
}

package accounts_test

import (
	"context"
	"encoding/json"
	"flag"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
	auth.SetArgon2ForTesting(auth.TestArgon2)
	storetest.Main(m)
}

// t0 is in the past so that sessions authtest makes with the real clock
// are valid at it.
var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

const pw = "correct horse battery"

func newEnv(t *testing.T) *clitest.Env {
	e := clitest.New(t)
	e.Now = t0
	return e
}

var hexID = regexp.MustCompile(`[0-9a-f]{24}`)

// scrub replaces ids by a placeholder of the same width, so that tables
// stay aligned in the golden files.
func scrub(s string) string { return hexID.ReplaceAllString(s, "<----------id---------->") }

func create(e *clitest.Env, username string, extra ...string) clitest.Result {
	args := append([]string{"accounts", "create", "--name", "Person " + username, "--username", username,
		"--email", username + "@example.com", "--password-stdin"}, extra...)
	return e.RunStdin(pw+"\n", args...)
}

func mustCreate(t *testing.T, e *clitest.Env, username string, extra ...string) {
	t.Helper()
	if r := create(e, username, extra...); r.Code != 0 {
		t.Fatalf("create %s: %d %s", username, r.Code, r.Err)
	}
}

// loginAs logs in through the CLI (credentials file), dropping any
// TICKETCTL_TOKEN that e.Login set.
func loginAs(t *testing.T, e *clitest.Env, username, password string) {
	t.Helper()
	delete(e.Vars, "TICKETCTL_TOKEN")
	if r := e.RunStdin(password+"\n", "login", "--username", username, "--password-stdin"); r.Code != 0 {
		t.Fatalf("login %s: %d %s", username, r.Code, r.Err)
	}
}

func account(t *testing.T, e *clitest.Env, username string) store.Account {
	t.Helper()
	a, err := e.Store.GetAccountByUsername(context.Background(), username)
	if err != nil {
		t.Fatalf("account %s: %v", username, err)
	}
	return a
}

func TestCreateSignUpAndDuplicates(t *testing.T) {
	e := newEnv(t)
	r := create(e, "Alice", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("sign-up: %d %s", r.Code, r.Err)
	}
	clitest.Golden(t, "create_json", scrub(r.Out), *update)
	r = create(e, "bo.li", "--type", "work", "--company", "Acme")
	clitest.Golden(t, "create_pipe", scrub(r.Out), *update)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"same username other case", []string{"ALICE"}, 5, `username "alice" is taken`},
		{"employee without login", []string{"eve", "--role", "employee", "--company", "Acme"}, 4, "log in"},
		{"work without company", []string{"carl", "--type", "work"}, 2, "needs a company"},
		{"bad type", []string{"carl", "--type", "business"}, 2, "invalid account type"},
		{"bad role", []string{"carl", "--role", "root"}, 2, "invalid role"},
		{"operator username", []string{`{"$ne": null}`}, 2, "invalid username"},
		{"dollar username", []string{"$where"}, 2, "invalid username"},
		{"control chars in name", []string{"carl", "--name", "a\x1b[2Jb"}, 2, "control characters"},
	} {
		r := create(e, tc.args[0], tc.args[1:]...)
		if r.Code != tc.code || !strings.Contains(r.Err, tc.want) {
			t.Errorf("%s: %d %q, want %d with %q", tc.name, r.Code, r.Err, tc.code, tc.want)
		}
	}
	if r := e.RunStdin("short\n", "accounts", "create", "--name", "C", "--username", "carl", "--email", "c@example.com", "--password-stdin"); r.Code != 2 || !strings.Contains(r.Err, "at least 12") {
		t.Errorf("short password: %d %q", r.Code, r.Err)
	}
	if r := e.Run("accounts", "create", "--name", "C", "--username", "carl", "--email", "c@example.com"); r.Code != 2 || !strings.Contains(r.Err, "--password-stdin") {
		t.Errorf("no password source: %d %q", r.Code, r.Err)
	}
	if r := e.Run("accounts", "create", "--username", "carl"); r.Code != 2 {
		t.Errorf("missing required flags: %d %q", r.Code, r.Err)
	}
	// On a terminal the password is asked twice and must match.
	tty := clitest.Options{TTY: true, Stdin: pw + "\n" + pw + "x\n"}
	if r := e.RunWith(tty, "accounts", "create", "--name", "C", "--username", "carl", "--email", "c@example.com"); r.Code != 2 || !strings.Contains(r.Err, "do not match") {
		t.Errorf("mismatched passwords: %d %q", r.Code, r.Err)
	}
	tty.Stdin = pw + "\n" + pw + "\n"
	if r := e.RunWith(tty, "accounts", "create", "--name", "C", "--username", "carl", "--email", "c@example.com"); r.Code != 0 {
		t.Errorf("terminal sign-up: %d %q", r.Code, r.Err)
	}
}

func TestAdminCreatesStaffAndRoleGuard(t *testing.T) {
	e := newEnv(t)
	e.Login("root", store.RoleAdmin, "")
	r := create(e, "eve", "--role", "employee", "--company", "Acme", "-o", "json", "--jq", ".must_change_password")
	if r.Code != 0 || r.Out != "true\n" {
		t.Fatalf("admin creates employee: %d %q %q", r.Code, r.Out, r.Err)
	}
	e.Login("emp", store.RoleEmployee, "Acme")
	if r := create(e, "mallory", "--role", "admin"); r.Code != 4 || !strings.Contains(r.Err, "needs the admin role") {
		t.Errorf("employee creates admin: %d %q", r.Code, r.Err)
	}
	// Role guard on an admin-only command: set-role.
	if r := e.Run("accounts", "set-role", "eve", "admin"); r.Code != 4 || !strings.Contains(r.Err, `employee "emp" may not do this`) {
		t.Errorf("employee set-role: %d %q", r.Code, r.Err)
	}
	delete(e.Vars, "TICKETCTL_TOKEN")
	if r := e.Run("accounts", "set-role", "eve", "admin"); r.Code != 4 || !strings.Contains(r.Err, "hint: log in with `ticketctl login`") {
		t.Errorf("anonymous set-role: %d %q", r.Code, r.Err)
	}
	e.Login("root2", store.RoleAdmin, "")
	if r := e.Must("accounts", "set-role", "eve", "admin"); r.Out != "eve is now admin.\n" {
		t.Errorf("set-role: %q", r.Out)
	}
	if r := e.Must("accounts", "set-role", "EVE", "admin"); r.Out != "eve is already admin.\n" {
		t.Errorf("set-role again: %q", r.Out)
	}
	if r := e.Run("accounts", "set-role", "eve", "superuser"); r.Code != 2 {
		t.Errorf("bad role: %d", r.Code)
	}
	if r := e.Run("accounts", "set-role", "nobody", "admin"); r.Code != 3 {
		t.Errorf("unknown account: %d %q", r.Code, r.Err)
	}
	evs, _ := e.Store.SubjectEvents(context.Background(), "account:"+account(t, e, "eve").ID.Hex())
	if len(evs) != 2 || evs[1].Action != "account.set-role" || evs[1].Actor != "root2" || evs[1].From != "employee" || evs[1].To != "admin" {
		t.Errorf("events %+v", evs)
	}
}

func TestListAndGet(t *testing.T) {
	e := newEnv(t)
	mustCreate(t, e, "dave", "--type", "work", "--company", "Acme")
	mustCreate(t, e, "carol", "--type", "work", "--company", "Acme")
	mustCreate(t, e, "bob")
	if r := e.Run("accounts", "list"); r.Code != 4 {
		t.Errorf("anonymous list: %d", r.Code)
	}
	loginAs(t, e, "bob", pw)
	if r := e.Run("accounts", "list"); r.Code != 4 || !strings.Contains(r.Err, "needs the employee role") {
		t.Errorf("customer list: %d %q", r.Code, r.Err)
	}
	if r := e.Must("accounts", "get", "bob", "-o", "json", "--jq", ".username"); r.Out != "bob\n" {
		t.Errorf("self get: %q", r.Out)
	}
	if r := e.Run("accounts", "get", "carol"); r.Code != 4 {
		t.Errorf("customer gets another: %d", r.Code)
	}
	// "me" is the logged-in account (the help's examples use it).
	if r := e.Must("accounts", "get", "me", "-o", "json", "--jq", ".username"); r.Out != "bob\n" {
		t.Errorf("get me: %q", r.Out)
	}
	e.Login("staff", store.RoleEmployee, "Acme")
	filter := []string{"accounts", "list", "--role", "customer", "--type", "work", "--company", "Acme"}
	tty := e.RunWith(clitest.Options{TTY: true}, filter...)
	pipe := e.Must(filter...)
	js := e.Must(append(filter, "-o", "json")...)
	clitest.Golden(t, "list_tty", scrub(tty.Out), *update)
	clitest.Golden(t, "list_pipe", scrub(pipe.Out), *update)
	clitest.Golden(t, "list_json", scrub(js.Out), *update)
	if r := e.Must("accounts", "list", "--role", "customer", "-o", "ids"); strings.Count(r.Out, "\n") != 3 {
		t.Errorf("ids: %q", r.Out)
	}
	r := e.Must("accounts", "list", "--role", "customer", "--limit", "2", "-o", "ndjson", "--jq", ".username")
	if r.Out != "bob\ncarol\n" || !strings.Contains(r.Err, "showing the first 2 accounts") {
		t.Errorf("limit: %q %q", r.Out, r.Err)
	}
	if r := e.Must("accounts", "list", "--role", "customer", "--limit", "3"); strings.Contains(r.Err, "showing the first") {
		t.Errorf("exactly the limit reports more: %q", r.Err)
	}
	if r := e.Run("accounts", "list", "--limit", "0"); r.Code != 2 {
		t.Errorf("--limit 0: %d", r.Code)
	}
	if r := e.Run("accounts", "list", "--role", "boss"); r.Code != 2 {
		t.Errorf("--role boss: %d", r.Code)
	}
	id := account(t, e, "carol").ID.Hex()
	if r := e.Must("accounts", "get", id, "-o", "json", "--jq", ".username"); r.Out != "carol\n" {
		t.Errorf("get by id: %q", r.Out)
	}
	for args, code := range map[string]int{"nobody": 3, "$where": 2, `{"$ne":null}`: 2, "ffffffffffffffffffffffff": 3} {
		if r := e.Run("accounts", "get", args); r.Code != code {
			t.Errorf("get %s: %d %q, want %d", args, r.Code, r.Err, code)
		}
	}
	// A locked account shows as such.
	for range 5 {
		e.RunStdin("wrong password!!\n", "login", "--username", "dave", "--password-stdin")
	}
	if r := e.Must("accounts", "get", "dave"); !strings.Contains(r.Out, "locked until 2026-11-01T09:15:00Z") {
		t.Errorf("locked status: %q", r.Out)
	}
}

func TestDeleteConfirmationAndSelf(t *testing.T) {
	e := newEnv(t)
	mustCreate(t, e, "bob")
	mustCreate(t, e, "carol")
	e.Login("root", store.RoleAdmin, "")
	r := e.Run("accounts", "delete", "carol")
	if r.Code != 2 || !strings.Contains(r.Err, "without confirmation") || !strings.Contains(r.Err, "hint: pass --yes") {
		t.Errorf("no tty, no --yes: %d %q", r.Code, r.Err)
	}
	r = e.RunWith(clitest.Options{TTY: true, Stdin: "n\n"}, "accounts", "delete", "carol")
	if r.Code != 1 || !strings.Contains(r.Err, "Delete account carol (Person carol, customer,") || !strings.Contains(r.Err, "nothing was deleted") {
		t.Errorf("declined: %d %q", r.Code, r.Err)
	}
	account(t, e, "carol")
	r = e.RunWith(clitest.Options{TTY: true, Stdin: "y\n"}, "accounts", "delete", "carol")
	if r.Code != 0 || !strings.Contains(r.Out, "Deleted account carol") {
		t.Errorf("confirmed: %d %q %q", r.Code, r.Out, r.Err)
	}
	if r := e.Run("accounts", "get", "carol"); r.Code != 3 {
		t.Errorf("deleted account still there: %d", r.Code)
	}
	if r := e.Run("accounts", "delete", "root", "--yes"); r.Code != 2 || !strings.Contains(r.Err, "no terminal") {
		t.Errorf("admin deletes self without password source: %d %q", r.Code, r.Err)
	}

	// Self-deletion: a customer may not delete someone else, and needs the
	// password for their own account; it ends their sessions.
	loginAs(t, e, "bob", pw)
	if r := e.Run("accounts", "delete", "root", "--yes"); r.Code != 4 {
		t.Errorf("customer deletes admin: %d %q", r.Code, r.Err)
	}
	if r := e.RunStdin("wrong password!!\n", "accounts", "delete", "bob", "--yes", "--password-stdin"); r.Code != 4 || !strings.Contains(r.Err, "wrong username or password") {
		t.Errorf("self delete, wrong password: %d %q", r.Code, r.Err)
	}
	r = e.RunStdin(pw+"\n", "accounts", "delete", "me", "--yes", "--password-stdin", "-o", "json", "--jq", ".username")
	if r.Code != 0 || r.Out != "bob\n" {
		t.Fatalf("self delete: %d %q %q", r.Code, r.Out, r.Err)
	}
	if r := e.Run("whoami"); r.Code != 4 || !strings.Contains(r.Err, "not logged in") {
		t.Errorf("whoami after self delete: %d %q", r.Code, r.Err)
	}
}

func TestResetPasswordSelfAndAdmin(t *testing.T) {
	e := newEnv(t)
	mustCreate(t, e, "bob")
	loginAs(t, e, "bob", pw)
	r := e.RunStdin("wrong password!!\nnew password is long\n", "accounts", "reset-password", "--password-stdin")
	if r.Code != 4 {
		t.Errorf("self reset, wrong current: %d %q", r.Code, r.Err)
	}
	if r := e.RunStdin(pw+"\n", "accounts", "reset-password", "--password-stdin"); r.Code != 2 || !strings.Contains(r.Err, "no new password on stdin") {
		t.Errorf("self reset without a new password: %d %q", r.Code, r.Err)
	}
	r = e.RunStdin(pw+"\nnew password is long\n", "accounts", "reset-password", "--password-stdin")
	if r.Code != 0 || r.Out != "Password of bob changed; its other sessions are revoked.\n" {
		t.Fatalf("self reset: %d %q %q", r.Code, r.Out, r.Err)
	}
	e.Must("whoami") // the session that changed it stays
	tty := clitest.Options{TTY: true, Stdin: "new password is long\nthird password here\nthird password here\n"}
	if r := e.RunWith(tty, "accounts", "reset-password", "bob"); r.Code != 0 || !strings.Contains(r.Err, "Current password: ") {
		t.Fatalf("self reset on a terminal: %d %q %q", r.Code, r.Out, r.Err)
	}

	// An admin's reset: a temporary password shown once, sessions
	// revoked, and a forced change at the next log-in.
	e.Login("root", store.RoleAdmin, "")
	if r := e.Run("accounts", "reset-password", "root"); r.Code != 2 {
		// root has no password: own account goes the self way and needs one.
		t.Errorf("admin names self without a password source: %d %q", r.Code, r.Err)
	}
	r = e.Must("accounts", "reset-password", "bob", "-o", "json")
	var res struct {
		TemporaryPassword string `json:"temporary_password"`
		MustChange        bool   `json:"must_change_password"`
	}
	if err := json.Unmarshal([]byte(r.Out), &res); err != nil || len(res.TemporaryPassword) < 20 || !res.MustChange {
		t.Fatalf("admin reset json %q: %v", r.Out, err)
	}
	delete(e.Vars, "TICKETCTL_TOKEN")
	if r := e.Run("whoami"); r.Code != 4 {
		t.Errorf("bob's session survived the reset: %d %q", r.Code, r.Out)
	}
	r = e.RunStdin(res.TemporaryPassword+"\n", "login", "--username", "bob", "--password-stdin")
	if r.Code != 4 || !strings.Contains(r.Err, "must be changed") || !strings.Contains(r.Err, "second line of stdin") {
		t.Errorf("temporary password alone: %d %q", r.Code, r.Err)
	}
	r = e.RunStdin(res.TemporaryPassword+"\nmy own password now\n", "login", "--username", "bob", "--password-stdin")
	if r.Code != 0 || !strings.HasPrefix(r.Out, "Password changed.\nLogged in as bob") {
		t.Fatalf("forced change: %d %q %q", r.Code, r.Out, r.Err)
	}
	if r := e.RunStdin("my own password now\n", "login", "--username", "bob", "--password-stdin"); r.Code != 0 {
		t.Errorf("new password: %d %q", r.Code, r.Err)
	}
	// On a terminal the forced change is asked for.
	e.Login("root2", store.RoleAdmin, "")
	e.RunStdin("a temporary one here\n", "accounts", "reset-password", "bob", "--password-stdin")
	delete(e.Vars, "TICKETCTL_TOKEN")
	tty = clitest.Options{TTY: true, Stdin: "a temporary one here\nfinal password here\nfinal password here\n"}
	r = e.RunWith(tty, "login", "--username", "bob")
	if r.Code != 0 || !strings.Contains(r.Err, "was reset by an admin: choose a new one") {
		t.Errorf("terminal forced change: %d %q %q", r.Code, r.Out, r.Err)
	}
	evs, _ := e.Store.SubjectEvents(context.Background(), "account:"+account(t, e, "bob").ID.Hex())
	var acts []string
	for _, ev := range evs {
		if ev.Action != "account.login" {
			acts = append(acts, ev.Actor+":"+ev.Action)
		}
	}
	want := "bob:account.create bob:account.change-password bob:account.change-password root:account.reset-password " +
		"bob:account.change-password root2:account.reset-password bob:account.change-password"
	if strings.Join(acts, " ") != want {
		t.Errorf("events:\n got %s\nwant %s", strings.Join(acts, " "), want)
	}
}

func TestLegacyBcryptAccountLogsInAndIsUpgraded(t *testing.T) {
	e := newEnv(t)
	// What a Node/Express backend stores: bcrypt in `password`.
	h, err := bcrypt.GenerateFromPassword([]byte("password"), 10) // too short by today's rule
	if err != nil {
		t.Fatal(err)
	}
	nodeHash := "$2b$" + string(h[4:])
	acc := store.Account{Name: "Old", Username: "legacy", Email: "l@example.com", Type: "personal", Role: "customer",
		LegacyPassword: nodeHash, CreatedAt: t0}
	if err := e.Store.InsertAccount(context.Background(), &acc); err != nil {
		t.Fatal(err)
	}
	// A log-in checks the stored hash, not today's length rule, so an old
	// short password still works once and is upgraded.
	if r := e.RunStdin("password\n", "login", "--username", "legacy", "--password-stdin", "-o", "json", "--jq", ".password_hash_upgraded"); r.Code != 0 || r.Out != "true\n" {
		t.Fatalf("legacy login: %d %q %q", r.Code, r.Out, r.Err)
	}
	got := account(t, e, "legacy")
	if got.LegacyPassword != "" || !strings.HasPrefix(got.PasswordHash, "$argon2id$v=19$") {
		t.Fatalf("not upgraded: %q %q", got.LegacyPassword, got.PasswordHash)
	}
	if r := e.RunStdin("password\n", "login", "--username", "legacy", "--password-stdin", "-o", "json", "--jq", ".password_hash_upgraded"); r.Code != 0 || r.Out != "false\n" {
		t.Errorf("second login: %d %q %q", r.Code, r.Out, r.Err)
	}
}

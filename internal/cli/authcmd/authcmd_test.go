package authcmd_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

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

// The fixed clock of these tests: in the past, so sessions that authtest
// makes with the real clock are valid at it.
var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

const pw = "correct horse battery"

func newEnv(t *testing.T) *clitest.Env {
	e := clitest.New(t)
	e.Now = t0
	return e
}

// signUp creates a customer with password pw through the CLI.
func signUp(t *testing.T, e *clitest.Env, username string) {
	t.Helper()
	r := e.RunStdin(pw+"\n", "accounts", "create", "--name", "Person "+username, "--username", username,
		"--email", username+"@example.com", "--password-stdin")
	if r.Code != 0 {
		t.Fatalf("sign up %s: %d %s", username, r.Code, r.Err)
	}
}

func login(e *clitest.Env, username, password string, args ...string) clitest.Result {
	return e.RunStdin(password+"\n", append([]string{"login", "--username", username, "--password-stdin"}, args...)...)
}

var hexID = regexp.MustCompile(`[0-9a-f]{24}`)

// scrub replaces ids by a placeholder of the same width, so that tables
// stay aligned in the golden files.
func scrub(s string) string { return hexID.ReplaceAllString(s, "<----------id---------->") }

func credentialsPath(e *clitest.Env) string {
	return filepath.Join(e.Home, ".config", "ticketctl", "credentials.yaml")
}

func TestLoginWhoamiLogout(t *testing.T) {
	e := newEnv(t)
	signUp(t, e, "alice")
	r := login(e, "Alice", pw)
	if r.Code != 0 || r.Out != "Logged in as alice (customer) on context (uri) until 2026-11-01T21:00:00Z.\n" {
		t.Fatalf("login: %d %q %q", r.Code, r.Out, r.Err)
	}
	// The credentials file is private, and holds the token that the
	// database only knows the hash of.
	info, err := os.Stat(credentialsPath(e))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v %v", info, err)
	}
	dir, err := os.Stat(filepath.Dir(credentialsPath(e)))
	if err != nil || dir.Mode().Perm() != 0o700 {
		t.Fatalf("credentials directory: %v %v", dir, err)
	}
	creds, err := auth.LoadCredentials(credentialsPath(e))
	if err != nil {
		t.Fatal(err)
	}
	c, ok := creds.Get(e.CredentialKey())
	if !ok || len(c.Token) != 64 || c.Username != "alice" {
		t.Fatalf("credential %+v", c)
	}

	tty := e.RunWith(clitest.Options{TTY: true}, "whoami")
	pipe := e.Must("whoami")
	js := e.Must("whoami", "-o", "json")
	clitest.Golden(t, "whoami_tty", tty.Out, *update)
	clitest.Golden(t, "whoami_pipe", pipe.Out, *update)
	clitest.Golden(t, "whoami_json", scrub(js.Out), *update)
	if r := e.Must("whoami", "-o", "json", "--jq", ".role"); r.Out != "customer\n" {
		t.Errorf("jq role: %q", r.Out)
	}

	r = e.Must("logout")
	if r.Out != "Logged out of context (uri).\n" {
		t.Errorf("logout: %q", r.Out)
	}
	creds, _ = auth.LoadCredentials(credentialsPath(e))
	if _, ok := creds.Get(e.CredentialKey()); ok {
		t.Error("token still in the credentials file after logout")
	}
	r = e.Run("whoami")
	if r.Code != 4 || !strings.Contains(r.Err, "not logged in") || !strings.Contains(r.Err, "hint: log in with `ticketctl login`") {
		t.Errorf("whoami after logout: %d %q", r.Code, r.Err)
	}
	// The revoked token is refused even when supplied directly.
	e.Vars["TICKETCTL_TOKEN"] = c.Token
	if r := e.Run("whoami"); r.Code != 4 || !strings.Contains(r.Err, "session was logged out") {
		t.Errorf("revoked token: %d %q", r.Code, r.Err)
	}
	delete(e.Vars, "TICKETCTL_TOKEN")
	if r := e.Must("logout"); !strings.Contains(r.Out, "Not logged in") {
		t.Errorf("second logout: %q", r.Out)
	}
}

func TestSessionExpiresAfterConfiguredTTL(t *testing.T) {
	e := newEnv(t)
	signUp(t, e, "alice")
	e.Must("config", "set", "session-ttl", "1h")
	r := login(e, "alice", pw, "-o", "json")
	var res struct {
		ExpiresAt time.Time `json:"expires_at"`
		Context   string    `json:"context"`
	}
	if err := json.Unmarshal([]byte(r.Out), &res); err != nil || !res.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("login json %q: %v", r.Out, err)
	}
	e.Now = t0.Add(59 * time.Minute)
	e.Must("whoami")
	e.Now = t0.Add(time.Hour)
	r = e.Run("whoami")
	if r.Code != 4 || !strings.Contains(r.Err, "session expired at 2026-11-01T10:00:00Z") {
		t.Errorf("expired: %d %q", r.Code, r.Err)
	}
}

func TestWrongPasswordLockoutAndUnlock(t *testing.T) {
	e := newEnv(t)
	signUp(t, e, "bob")
	unknown := login(e, "nobody", pw)
	wrong := login(e, "bob", "not the password")
	if unknown.Code != 4 || wrong.Code != 4 || unknown.Err != wrong.Err {
		t.Fatalf("unknown user %d %q vs wrong password %d %q", unknown.Code, unknown.Err, wrong.Code, wrong.Err)
	}
	for range 4 {
		if r := login(e, "bob", "not the password"); r.Err != wrong.Err {
			t.Fatalf("failure: %q", r.Err)
		}
	}
	right := login(e, "bob", pw)
	again := login(e, "bob", "not the password")
	if right.Code != 4 || right.Err != again.Err || !strings.Contains(right.Err, "locked until 2026-11-01T09:15:00Z") {
		t.Fatalf("locked: right %q / wrong %q", right.Err, again.Err)
	}
	e.Now = t0.Add(15 * time.Minute)
	if r := login(e, "bob", pw); r.Code != 0 {
		t.Fatalf("after the window: %d %q", r.Code, r.Err)
	}
}

func TestPasswordSourceAndInjection(t *testing.T) {
	e := newEnv(t)
	signUp(t, e, "bob")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"login", "--username", "bob"}, "no terminal to read the password from"},
		{[]string{"login", "--password-stdin"}, "--username is required"},
		{[]string{"login", "--username", `{"$ne": null}`, "--password-stdin"}, "invalid username"},
		{[]string{"login", "--username", "$where", "--password-stdin"}, "invalid username"},
		{[]string{"login", "--username", "bob", "--password", "x"}, "unknown flag: --password"},
		{[]string{"whoami", "extra"}, "takes no arguments"},
	} {
		r := e.RunStdin(pw+"\n", tc.args...)
		if r.Code != 2 || !strings.Contains(r.Err, tc.want) {
			t.Errorf("%v: %d %q, want exit 2 with %q", tc.args, r.Code, r.Err, tc.want)
		}
	}
	// On a terminal the username and password are asked for.
	r := e.RunWith(clitest.Options{TTY: true, Stdin: "bob\n" + pw + "\n"}, "login")
	if r.Code != 0 || !strings.Contains(r.Err, "Username: ") || !strings.Contains(r.Err, "Password: ") ||
		!strings.Contains(r.Out, "Logged in as bob (customer)") || !strings.Contains(r.Out, "(in 12 hours)") {
		t.Errorf("terminal login: %d %q %q", r.Code, r.Out, r.Err)
	}
}

func TestInitCreatesTheFirstAdminOnce(t *testing.T) {
	e := clitest.NewEmpty(t, storetest.Open(t))
	e.Now = t0
	r := e.Run("init")
	if r.Code != 0 || !strings.Contains(r.Err, "no admin account exists yet") || !strings.Contains(r.Err, "--admin-username NAME --password-stdin") {
		t.Fatalf("init without a terminal: %d %q", r.Code, r.Err)
	}
	if r := e.Run("init", "--password-stdin"); r.Code != 2 {
		t.Errorf("--password-stdin alone: %d %q", r.Code, r.Err)
	}
	if r := e.Run("init", "--admin-username", "root"); r.Code != 2 || !strings.Contains(r.Err, "no terminal") {
		t.Errorf("--admin-username without a password source: %d %q", r.Code, r.Err)
	}
	if r := e.RunStdin("short\n", "init", "--admin-username", "root", "--password-stdin"); r.Code != 2 {
		t.Errorf("weak password: %d %q", r.Code, r.Err)
	}
	r = e.RunStdin(pw+"\n", "init", "--admin-username", "Root", "--password-stdin", "-o", "json")
	var res struct {
		CreatedAdmin string `json:"created_admin"`
		AdminExists  bool   `json:"admin_exists"`
	}
	if err := json.Unmarshal([]byte(r.Out), &res); err != nil || res.CreatedAdmin != "root" || !res.AdminExists {
		t.Fatalf("init with admin: %d %q %q", r.Code, r.Out, r.Err)
	}
	r = e.RunStdin("another good password\n", "init", "--admin-username", "second", "--password-stdin")
	if r.Code != 0 || !strings.Contains(r.Err, "an admin account already exists; not creating second") {
		t.Errorf("second init: %d %q", r.Code, r.Err)
	}
	// A terminal init once an admin exists asks nothing.
	r = e.RunWith(clitest.Options{TTY: true}, "init")
	if r.Code != 0 || strings.Contains(r.Err, "Username") {
		t.Errorf("terminal init with an admin: %d %q", r.Code, r.Err)
	}
	n, err := e.Store.CountAccounts(context.Background(), store.AccountFilter{Role: "admin"})
	if err != nil || n != 1 {
		t.Fatalf("%d admins, %v", n, err)
	}
	if r := login(e, "root", pw); r.Code != 0 || !strings.Contains(r.Out, "(admin)") {
		t.Errorf("first admin login: %q %q", r.Out, r.Err)
	}
}

func TestInitAsksForTheFirstAdminOnATerminal(t *testing.T) {
	e := clitest.NewEmpty(t, storetest.Open(t))
	r := e.RunWith(clitest.Options{TTY: true, Stdin: "boss\n" + pw + "\n" + pw + "\n"}, "init")
	if r.Code != 0 || !strings.Contains(r.Out, "created admin account boss") || !strings.Contains(r.Err, "Repeat it: ") {
		t.Fatalf("terminal init: %d %q %q", r.Code, r.Out, r.Err)
	}
	r = e.RunWith(clitest.Options{TTY: true, Stdin: "boss2\n" + pw + "\nsomething else!!\n"}, "init")
	if r.Code != 0 || strings.Contains(r.Out, "created admin") {
		t.Fatalf("second terminal init: %d %q %q", r.Code, r.Out, r.Err)
	}
}

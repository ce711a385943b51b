package accounts_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/crypto/bcrypt"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

// TestNoSecretLeaks runs every account command, collecting every password
// typed, every password hash the database ever held and every session
// token the credentials file ever held; then it scans every output (stdout
// and stderr), every event document and every session document for them.
// The one output allowed to hold a secret is the admin reset that shows
// its generated temporary password once.
func TestNoSecretLeaks(t *testing.T) {
	e := clitest.NewEmpty(t, storetest.Open(t))
	e.Now = t0
	ctx := context.Background()
	client, err := mongo.Connect(options.Client().ApplyURI(storetest.URI(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	db := client.Database(e.Store.DatabaseName())

	secrets := map[string]string{} // secret -> what it is
	var outputs []string
	snapshot := func() {
		cur, err := db.Collection("accounts").Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var accs []bson.M
		if err := cur.All(ctx, &accs); err != nil {
			t.Fatal(err)
		}
		for _, a := range accs {
			for _, k := range []string{"password_hash", "password"} {
				if h, ok := a[k].(string); ok && h != "" {
					secrets[h] = "hash of " + a["username"].(string)
				}
			}
		}
		creds, err := auth.LoadCredentials(filepath.Join(e.Home, ".config", "ticketctl", "credentials.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := creds.Get(e.CredentialKey()); ok {
			secrets[c.Token] = "token of " + c.Username
		}
	}
	run := func(code int, stdin string, args ...string) clitest.Result {
		t.Helper()
		r := e.RunStdin(stdin, args...)
		if r.Code != code {
			t.Fatalf("%v: exit %d, want %d: %s", args, r.Code, code, r.Err)
		}
		outputs = append(outputs, strings.Join(args, " ")+"\n"+r.Out+r.Err)
		snapshot()
		return r
	}
	password := func(p string) string { secrets[p] = "password"; return p }

	rootPW := password("root password 0001")
	evePW := password("eve password 00002")
	bobPW := password("bob password 00003")
	bobNew := password("bob password 00004")
	eveNew := password("eve password 00005")
	legacyPW := password("legacy password 06")
	wrongPW := password("a wrong password 7")

	run(0, rootPW+"\n", "init", "--admin-username", "root", "--password-stdin")
	run(0, rootPW+"\n", "login", "--username", "root", "--password-stdin")
	run(0, rootPW+"\n", "login", "--username", "root", "--password-stdin", "-o", "json")
	run(0, evePW+"\n", "accounts", "create", "--name", "Eve", "--username", "eve", "--email", "eve@acme.example",
		"--role", "employee", "--company", "Acme", "--password-stdin", "-o", "json")
	run(0, bobPW+"\n", "accounts", "create", "--name", "Bob", "--username", "bob", "--email", "bob@example.com", "--password-stdin")
	run(0, "", "accounts", "list", "-o", "json")
	run(0, "", "accounts", "list")
	run(0, "", "accounts", "get", "bob", "-o", "json")
	run(0, "", "whoami", "-o", "json")
	run(0, "", "accounts", "set-role", "bob", "admin")
	run(0, "", "accounts", "set-role", "bob", "customer", "-o", "json")
	reset := e.RunStdin("", "accounts", "reset-password", "eve", "-o", "json", "--jq", ".temporary_password")
	temp := strings.TrimSpace(reset.Out)
	if reset.Code != 0 || len(temp) < 20 {
		t.Fatalf("admin reset: %d %q %q", reset.Code, reset.Out, reset.Err)
	}
	secrets[temp] = "temporary password"
	snapshot()
	run(0, temp+"\n", "accounts", "reset-password", "bob", "--password-stdin") // admin-chosen temporary
	secrets[temp+"-bob"] = "unused"
	run(0, "", "logout")
	run(4, temp+"\n", "login", "--username", "eve", "--password-stdin")
	run(0, temp+"\n"+eveNew+"\n", "login", "--username", "eve", "--password-stdin")
	run(0, temp+"\n"+bobNew+"\n", "login", "--username", "bob", "--password-stdin", "-o", "json")
	run(0, bobNew+"\n"+bobPW+"\n", "accounts", "reset-password", "--password-stdin")
	run(0, "", "whoami")
	for range 6 {
		run(4, wrongPW+"\n", "login", "--username", "bob", "--password-stdin")
	}
	run(4, wrongPW+"\n", "login", "--username", "nobody", "--password-stdin")
	h, _ := bcrypt.GenerateFromPassword([]byte(legacyPW), 4)
	legacy := store.Account{Name: "L", Username: "legacy", Type: "personal", Role: "customer", LegacyPassword: string(h), CreatedAt: t0}
	if err := e.Store.InsertAccount(ctx, &legacy); err != nil {
		t.Fatal(err)
	}
	snapshot()
	run(0, legacyPW+"\n", "login", "--username", "legacy", "--password-stdin", "-o", "json")
	run(0, legacyPW+"\n", "accounts", "delete", "legacy", "--yes", "--password-stdin")
	e.Now = t0.Add(time.Hour)
	run(0, eveNew+"\n", "login", "--username", "eve", "--password-stdin")
	run(0, "", "accounts", "list", "--role", "employee", "-o", "ndjson")
	run(0, rootPW+"\n", "login", "--username", "root", "--password-stdin")
	run(0, "", "accounts", "delete", "bob", "--yes")
	run(0, "", "logout")

	// Sanity: the collection really held what we look for.
	kinds := map[string]int{}
	for _, what := range secrets {
		kinds[strings.Fields(what)[0]]++
	}
	if kinds["hash"] < 8 || kinds["token"] < 5 || kinds["password"] < 7 {
		t.Fatalf("collected too few secrets to prove anything: %v", kinds)
	}

	scan := func(where, text string) {
		for s, what := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contains %s", where, what)
			}
		}
	}
	for _, o := range outputs {
		scan("output of `"+strings.SplitN(o, "\n", 2)[0]+"`", o)
	}
	for _, coll := range []string{"events", "sessions"} {
		cur, err := db.Collection(coll).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for cur.Next(ctx) {
			n++
			js, err := bson.MarshalExtJSON(cur.Current, false, false)
			if err != nil {
				t.Fatal(err)
			}
			scan(coll+" document "+string(js), string(js))
		}
		if n < 5 {
			t.Errorf("only %d %s documents: the scenario did not exercise them", n, coll)
		}
	}
	// Every event says who did what to whom, and when.
	cur, err := db.Collection("events").Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var evs []store.Event
	if err := cur.All(ctx, &evs); err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Actor == "" || ev.Action == "" || !strings.HasPrefix(ev.Subject, "account:") || ev.At.IsZero() {
			t.Errorf("incomplete event %+v", ev)
		}
	}
}

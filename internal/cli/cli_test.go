package cli_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestVersion(t *testing.T) {
	e := clitest.NewEmpty(t, storetest.Open(t))
	tests := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"version"}, "ticketctl test (commit abc123, built 2026-11-29T00:00:00Z)\n", 0},
		{[]string{"version", "-o", "json", "--jq", ".commit"}, "abc123\n", 0},
		{[]string{"version", "-o", "yaml"}, "", 2},
		{[]string{"version", "extra"}, "", 2},
		{[]string{"nosuchcommand"}, "", 2},
		{[]string{"tickets", "frob"}, "", 2},
		{[]string{"db", "status", "--timeout", "0s"}, "", 2},
		{[]string{"db", "status", "--timeout", "-1s"}, "", 2},
		{[]string{"distribute", "rules", "frob"}, "", 2},
		{[]string{"version", "--nosuchflag"}, "", 2},
	}
	for _, tc := range tests {
		r := e.Run(tc.args...)
		if r.Code != tc.code || (tc.want != "" && r.Out != tc.want) {
			t.Errorf("%v: code %d out %q err %q; want code %d out %q", tc.args, r.Code, r.Out, r.Err, tc.code, tc.want)
		}
		if tc.code != 0 && (!strings.HasPrefix(r.Err, "ticketctl: ") || strings.Contains(r.Err, "goroutine")) {
			t.Errorf("%v: error not one clean line: %q", tc.args, r.Err)
		}
	}
	r := e.Run("version", "-o", "yaml")
	if !strings.Contains(r.Err, "valid formats are table, json, ndjson, ids") {
		t.Errorf("unknown format error does not list formats: %q", r.Err)
	}
}

func TestInitIsIdempotentAndDBStatusSeesIt(t *testing.T) {
	e := clitest.NewEmpty(t, storetest.Open(t))
	r := e.Run("db", "status", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("db status before init: %d %s", r.Code, r.Err)
	}
	var before struct {
		Reachable      bool     `json:"reachable"`
		MissingIndexes []string `json:"missing_indexes"`
	}
	if err := json.Unmarshal([]byte(r.Out), &before); err != nil {
		t.Fatal(err)
	}
	if !before.Reachable || len(before.MissingIndexes) == 0 {
		t.Fatalf("before init: %+v", before)
	}
	first := e.Must("init")
	if !strings.Contains(first.Out, "created central server central") {
		t.Errorf("first init: %q", first.Out)
	}
	second := e.Must("init")
	if !strings.Contains(second.Out, "indexes already present") || !strings.Contains(second.Out, "central server is central") {
		t.Errorf("second init: %q", second.Out)
	}
	r = e.Must("db", "status", "-o", "json")
	var after struct {
		MissingIndexes []string `json:"missing_indexes"`
		Collections    []struct {
			Name  string `json:"name"`
			Count int64  `json:"count"`
		} `json:"collections"`
		Server struct {
			Kind string `json:"kind"`
		} `json:"server"`
	}
	if err := json.Unmarshal([]byte(r.Out), &after); err != nil {
		t.Fatal(err)
	}
	if len(after.MissingIndexes) != 0 || after.Server.Kind == "" {
		t.Fatalf("after init: %+v", after)
	}
	servers := -1
	for _, c := range after.Collections {
		if c.Name == "servers" {
			servers = int(c.Count)
		}
	}
	if servers != 1 {
		t.Fatalf("servers after two inits = %d, want 1", servers)
	}
	table := e.Must("db", "status")
	if !strings.Contains(table.Out, "Indexes:    all present") {
		t.Errorf("db status table: %q", table.Out)
	}
}

func TestUnreachableDatabaseExits6WithoutPassword(t *testing.T) {
	e := clitest.NewEmpty(t, storetest.Open(t))
	e.Vars["TICKETCTL_URI"] = "mongodb://admin:hunter2secret@127.0.0.1:1/?directConnection=true"
	e.Vars["TICKETCTL_TIMEOUT"] = "800ms"
	for _, args := range [][]string{{"init"}, {"db", "status"}, {"db", "status", "-o", "json"}} {
		r := e.Run(args...)
		if r.Code != 6 {
			t.Errorf("%v: exit %d, want 6 (%s)", args, r.Code, r.Err)
		}
		if strings.Contains(r.Out+r.Err, "hunter2secret") {
			t.Errorf("%v: password leaked: %s %s", args, r.Out, r.Err)
		}
		if n := strings.Count(strings.TrimSpace(r.Err), "\n"); n > 1 {
			t.Errorf("%v: error is %d lines: %q", args, n+1, r.Err)
		}
	}
}

func TestConfigCommands(t *testing.T) {
	e := clitest.NewEmpty(t, storetest.Open(t))
	delete(e.Vars, "TICKETCTL_URI")
	e.Must("config", "set", "contexts.prod.uri", "mongodb://ops:topsecret@db.example.com:27017/")
	e.Must("config", "set", "contexts.prod.database", "tickets")
	e.Must("config", "set", "notify.channels.team.url", "https://hooks.slack.com/services/T000/B000/slacksecretpath")
	if r := e.Run("config", "set", "contexts.prod.colour", "blue"); r.Code != 2 || !strings.Contains(r.Err, "unknown config key") {
		t.Errorf("unknown key: %d %q", r.Code, r.Err)
	}
	if r := e.Run("config", "use-context", "staging"); r.Code != 2 {
		t.Errorf("undefined context: %d %q", r.Code, r.Err)
	}
	e.Must("config", "use-context", "prod")
	if r := e.Must("config", "get", "current-context"); r.Out != "prod\n" {
		t.Errorf("current-context = %q", r.Out)
	}
	if r := e.Run("config", "get", "timeout"); r.Code != 0 || r.Out != "10s\n" {
		t.Errorf("unset key with a default: exit %d %q", r.Code, r.Out)
	}
	if r := e.Run("config", "get", "contexts.prod.read-preference"); r.Code != 3 {
		t.Errorf("unset key without a default: exit %d", r.Code)
	}
	view := e.Must("config", "view")
	get := e.Must("config", "get", "contexts.prod.uri")
	if r := e.Must("config", "get", "notify.channels.team.url"); r.Out != "https://hooks.slack.com/…\n" {
		t.Errorf("config get url: %q", r.Out)
	}
	ctxs := e.Must("config", "contexts", "-o", "json")
	for name, out := range map[string]string{"view": view.Out, "get": get.Out, "contexts": ctxs.Out} {
		if strings.Contains(out, "topsecret") || strings.Contains(out, "slacksecretpath") {
			t.Errorf("config %s leaks the password: %s", name, out)
		}
		if !strings.Contains(out, "xxxxx") {
			t.Errorf("config %s shows no redacted uri: %s", name, out)
		}
	}
	var list []struct {
		Name    string `json:"name"`
		Current bool   `json:"current"`
	}
	if err := json.Unmarshal([]byte(ctxs.Out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[1].Name != "prod" || !list[1].Current || list[0].Current {
		t.Errorf("contexts: %+v", list)
	}
	info, err := os.Stat(filepath.Join(e.Home, ".config", "ticketctl", "config.yaml"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("config file mode: %v %v", info, err)
	}
}

func TestLocalStoreIsDefault(t *testing.T) {
	e := clitest.NewEmpty(t, storetest.Open(t))
	delete(e.Vars, "TICKETCTL_URI")
	delete(e.Vars, "TICKETCTL_DATABASE")
	r := e.Must("init")
	if strings.Count(r.Err, "using the local store") != 1 {
		t.Errorf("notice on stderr: %q", r.Err)
	}
	dir := filepath.Join(e.Home, ".local", "share", "ticketctl", "local")
	info, err := os.Stat(dir)
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("local store dir: %v %v", info, err)
	}
	r = e.Must("db", "status", "-o", "json", "--jq", ".target")
	if strings.TrimSpace(r.Out) != "local store "+dir {
		t.Errorf("target = %q", r.Out)
	}
	if strings.Contains(r.Err, "using the local store") {
		t.Errorf("said again on the second command: %q", r.Err)
	}
	// A configured URI bypasses the local store entirely.
	e.Vars["TICKETCTL_URI"] = storetest.URI(t)
	r = e.Must("db", "status")
	if strings.Contains(r.Err, "local store") {
		t.Errorf("URI configured but local store used: %q", r.Err)
	}
}

func TestCompletionScripts(t *testing.T) {
	e := clitest.NewEmpty(t, storetest.Open(t))
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		r := e.Must("completion", sh)
		if !strings.Contains(r.Out, "ticketctl") {
			t.Errorf("%s completion: %q", sh, r.Out[:min(80, len(r.Out))])
		}
	}
	if r := e.Run("completion", "tcsh"); r.Code != 2 {
		t.Errorf("tcsh: exit %d", r.Code)
	}
}

func TestInterruptExits130(t *testing.T) {
	e := clitest.NewEmpty(t, storetest.Open(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Ctrl-C before the command got anywhere
	r := e.RunWith(clitest.Options{Ctx: ctx}, "db", "status")
	if r.Code != 130 || r.Err != "ticketctl: interrupted\n" {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Err)
	}
}

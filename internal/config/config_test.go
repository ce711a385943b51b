package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/config"
)

const file = `
current-context: staging
database: filedb
timeout: 3s
contexts:
  staging:
    uri: mongodb://staging.example.com
    database: stagingdb
  prod:
    uri: mongodb://prod.example.com
    write-concern: majority
`

func TestResolvePrecedence(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		o    config.Overrides
		want config.Target
	}{
		{name: "file current context", want: config.Target{Context: "staging", URI: "mongodb://staging.example.com", Database: "stagingdb", Timeout: 3 * time.Second}},
		{name: "env context beats file", env: map[string]string{"TICKETCTL_CONTEXT": "prod"},
			want: config.Target{Context: "prod", URI: "mongodb://prod.example.com", Database: "filedb", WriteConcern: "majority", Timeout: 3 * time.Second}},
		{name: "flag context beats env", env: map[string]string{"TICKETCTL_CONTEXT": "prod"}, o: config.Overrides{Context: "staging"},
			want: config.Target{Context: "staging", URI: "mongodb://staging.example.com", Database: "stagingdb", Timeout: 3 * time.Second}},
		{name: "env uri beats context", env: map[string]string{"TICKETCTL_URI": "mongodb://env", "TICKETCTL_DATABASE": "envdb", "TICKETCTL_TIMEOUT": "5s"},
			want: config.Target{Context: "staging", URI: "mongodb://env", Database: "envdb", Timeout: 5 * time.Second}},
		{name: "flags beat env", env: map[string]string{"TICKETCTL_URI": "mongodb://env", "TICKETCTL_DATABASE": "envdb"},
			o:    config.Overrides{URI: "mongodb://flag", Database: "flagdb", Timeout: time.Second},
			want: config.Target{Context: "staging", URI: "mongodb://flag", Database: "flagdb", Timeout: time.Second}},
		{name: "local context", env: map[string]string{"TICKETCTL_CONTEXT": "local"},
			want: config.Target{Context: "local", Local: true, Database: "filedb", Timeout: 3 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.Load(path, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Resolve(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDefaultsWithoutFile(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	c, err := config.Load("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Resolve(config.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	want := config.Target{Context: "local", Local: true, Database: "ticketctl", Timeout: 10 * time.Second}
	if got != want {
		t.Errorf("got %+v want %+v", got, want)
	}
	if c.Paths.LocalStoreDir() != filepath.Join(home, ".local/share/ticketctl/local") {
		t.Errorf("local dir %s", c.Paths.LocalStoreDir())
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("contexts: [unclosed"), 0o600)
	if _, err := config.Load(bad, func(string) string { return "" }); err == nil {
		t.Error("broken YAML accepted")
	}
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte(file), 0o600)
	c, _ := config.Load(good, func(k string) string { return map[string]string{"TICKETCTL_CONTEXT": "nope"}[k] })
	if _, err := c.Resolve(config.Overrides{}); err == nil {
		t.Error("undefined context accepted")
	}
	c, _ = config.Load(good, func(k string) string { return map[string]string{"TICKETCTL_TIMEOUT": "soon"}[k] })
	if _, err := c.Resolve(config.Overrides{}); err == nil {
		t.Error("bad timeout accepted")
	}
	for _, k := range []string{"contexts.prod.uri", "notify.channels.ops.type", "distribute.batch-size"} {
		if err := config.ValidateKey(k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	for _, k := range []string{"contexts.prod", "colour", "contexts.prod.uri.extra"} {
		if err := config.ValidateKey(k); err == nil {
			t.Errorf("%s accepted", k)
		}
	}
}

func TestNoHomeIsAnError(t *testing.T) {
	t.Setenv("HOME", "")
	if _, err := config.Load("", func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "home directory") {
		t.Fatalf("got %v", err)
	}
}

func TestCredentialKeySeparatesServersAndDatabases(t *testing.T) {
	keys := map[string]bool{}
	for _, tg := range []config.Target{
		{Local: true, Context: "local", Database: "ticketctl"},
		{Local: true, Context: "local", Database: "other"},
		{Context: "prod", URI: "mongodb://a:pw@db1/", Database: "ticketctl"},
		{Context: "prod", URI: "mongodb://db2/", Database: "ticketctl"},
		{Context: "(uri)", URI: "mongodb://db2/", Database: "ticketctl"},
	} {
		k := tg.CredentialKey()
		if keys[k] {
			t.Errorf("key %q used twice", k)
		}
		if strings.Contains(k, "pw") {
			t.Errorf("key %q holds a password", k)
		}
		keys[k] = true
	}
}

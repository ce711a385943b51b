// Package clitest runs ticketctl commands in-process against the test
// database, with fake streams, a fresh HOME and an injectable clock.
package clitest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/auth/authtest"
	"github.com/ticketctl/ticketctl/internal/config"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

// Env is one test's world: a database, a HOME and environment variables.
type Env struct {
	T     testing.TB
	Store *store.Store
	Home  string
	Vars  map[string]string
	// Now is the clock commands see; tests move it.
	Now time.Time
}

// Result of one command.
type Result struct {
	Out, Err string
	Code     int
}

// New prepares a database with the indexes and central server that
// `ticketctl init` creates, and points commands at it.
func New(tb testing.TB) *Env {
	tb.Helper()
	st := storetest.OpenWithIndexes(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, _, err := st.EnsureCentralServer(ctx, "central", "us-east-1"); err != nil {
		tb.Fatalf("clitest: central server: %v", err)
	}
	return NewEmpty(tb, st)
}

// NewEmpty points commands at st without preparing anything.
func NewEmpty(tb testing.TB, st *store.Store) *Env {
	home := tb.TempDir()
	return &Env{
		T: tb, Store: st, Home: home,
		Now: time.Now().UTC(),
		Vars: map[string]string{
			"HOME":                  home,
			"XDG_CONFIG_HOME":       filepath.Join(home, ".config"),
			"XDG_DATA_HOME":         filepath.Join(home, ".local", "share"),
			"TICKETCTL_URI":         storetest.URI(tb),
			"TICKETCTL_DATABASE":    st.DatabaseName(),
			"TICKETCTL_TIMEOUT":     "20s",
			"TICKETCTL_NO_PROGRESS": "1",
		},
	}
}

// Options of one run.
type Options struct {
	Stdin string
	TTY   bool // stdin, stdout and stderr are terminals
	Ctx   context.Context
}

// Run executes ticketctl with args in pipe mode.
func (e *Env) Run(args ...string) Result { return e.RunWith(Options{}, args...) }

// RunStdin executes ticketctl with stdin.
func (e *Env) RunStdin(stdin string, args ...string) Result {
	return e.RunWith(Options{Stdin: stdin}, args...)
}

// RunWith executes ticketctl with options.
func (e *Env) RunWith(o Options, args ...string) Result {
	e.T.Helper()
	return e.RunExtended(o, nil, args...)
}

// Login creates an account with role and company and makes the following
// commands run as it (TICKETCTL_TOKEN).
func (e *Env) Login(username, role, company string) store.Account {
	e.T.Helper()
	acc, token := authtest.Session(e.T, e.Store, username, role, company)
	e.Vars["TICKETCTL_TOKEN"] = token
	return acc
}

// Must fails the test unless the command exited 0.
func (e *Env) Must(args ...string) Result {
	e.T.Helper()
	r := e.Run(args...)
	if r.Code != 0 {
		e.T.Fatalf("ticketctl %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.Code, r.Out, r.Err)
	}
	return r
}

// Golden compares got with testdata/<name>.golden in the calling package;
// `go test -update` rewrites it (pass the flag's value).
func Golden(tb testing.TB, name, got string, update bool) {
	tb.Helper()
	path := filepath.Join("testdata", name+".golden")
	if update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read golden %s (run go test -update): %v", path, err)
	}
	if got != string(want) {
		tb.Errorf("output differs from %s\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// CredentialKey is the credentials-file entry that login writes for this
// environment's target.
func (e *Env) CredentialKey() string {
	t := config.Target{Context: "(uri)", URI: e.Vars["TICKETCTL_URI"], Database: e.Vars["TICKETCTL_DATABASE"]}
	return t.CredentialKey()
}

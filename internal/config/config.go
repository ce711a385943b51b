// Package config loads ticketctl's settings: flags > environment >
// config file > defaults, with kubeconfig-style named contexts. It owns
// the one viper instance; services never see it.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Environment variables.
const (
	EnvURI      = "TICKETCTL_URI"
	EnvDatabase = "TICKETCTL_DATABASE"
	EnvContext  = "TICKETCTL_CONTEXT"
	EnvTimeout  = "TICKETCTL_TIMEOUT"
)

// Defaults.
const (
	DefaultDatabase = "ticketctl"
	DefaultTimeout  = 10 * time.Second
	LocalContext    = "local"
)

// Config is the loaded configuration file plus the environment.
type Config struct {
	v      *viper.Viper
	path   string
	getenv func(string) string
	Paths  Paths
}

// Load reads the config file at path (the default location when empty).
// A missing file is an empty configuration.
func Load(path string, getenv func(string) string) (*Config, error) {
	paths := DefaultPaths(getenv)
	if !filepath.IsAbs(paths.ConfigDir) || !filepath.IsAbs(paths.DataDir) {
		// Relative paths would put the store wherever the command happens
		// to run.
		return nil, fault.Invalid("cannot find a home directory: set HOME, or XDG_CONFIG_HOME and XDG_DATA_HOME")
	}
	if path == "" {
		path = paths.ConfigFile()
	}
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if _, err := os.Stat(path); err == nil {
		if err := v.ReadInConfig(); err != nil {
			return nil, fault.Invalid("config file %s: %v", path, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fault.Invalid("config file %s: %v", path, err)
	}
	return &Config{v: v, path: path, getenv: getenv, Paths: paths}, nil
}

// Path is the config file in use.
func (c *Config) Path() string { return c.path }

// Overrides are the global flags that beat everything else.
type Overrides struct {
	URI      string
	Database string
	Context  string
	Timeout  time.Duration
}

// Target is where the commands of this run go.
type Target struct {
	Context        string
	URI            string // empty for the local store
	Database       string
	Local          bool
	WriteConcern   string
	ReadPreference string
	Timeout        time.Duration
}

// Resolve applies the precedence flags > env > file > defaults.
func (c *Config) Resolve(o Overrides) (Target, error) {
	t := Target{}
	t.Context = first(o.Context, c.getenv(EnvContext), c.v.GetString("current-context"))
	ctxKey := "contexts." + strings.ToLower(t.Context)
	if t.Context != "" && t.Context != LocalContext && !c.v.IsSet(ctxKey) {
		return Target{}, fault.WithHint(fault.Invalid("context %q is not defined in %s", t.Context, c.path),
			"list contexts with `ticketctl config contexts`")
	}
	if t.Context != "" && t.Context != LocalContext {
		t.URI = c.v.GetString(ctxKey + ".uri")
		t.Database = c.v.GetString(ctxKey + ".database")
		t.WriteConcern = c.v.GetString(ctxKey + ".write-concern")
		t.ReadPreference = c.v.GetString(ctxKey + ".read-preference")
	}
	t.URI = first(o.URI, c.getenv(EnvURI), t.URI)
	t.Database = first(o.Database, c.getenv(EnvDatabase), t.Database, c.v.GetString("database"), DefaultDatabase)
	if t.URI == "" {
		t.Local = true
		if t.Context == "" {
			t.Context = LocalContext
		}
	} else if t.Context == "" || t.Context == LocalContext {
		t.Context = "(uri)"
	}
	timeout, err := c.duration(o.Timeout, EnvTimeout, "timeout", DefaultTimeout)
	if err != nil {
		return Target{}, err
	}
	t.Timeout = timeout
	return t, nil
}

// Duration reads a duration setting with env and default.
func (c *Config) duration(flag time.Duration, env, key string, def time.Duration) (time.Duration, error) {
	if flag > 0 {
		return flag, nil
	}
	raw := first(c.getenv(env), c.v.GetString(key))
	if raw == "" {
		return def, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		return 0, fault.Invalid("%s %q: want a positive duration such as 10s", key, raw)
	}
	return d, nil
}

// DurationSetting reads a duration from the file, e.g. session-ttl.
func (c *Config) DurationSetting(key string, def time.Duration) (time.Duration, error) {
	return c.duration(0, "", key, def)
}

// Get returns a setting and whether it is set.
func (c *Config) Get(key string) (any, bool) {
	k := strings.ToLower(key)
	if !c.v.IsSet(k) {
		return nil, false
	}
	return c.v.Get(k), true
}

// Sub returns a raw settings subtree (e.g. notify.channels) for callers
// that decode it into their own types.
func (c *Config) Sub(key string) map[string]any {
	return c.v.GetStringMap(strings.ToLower(key))
}

// Set validates key, stores value and writes the file (0600).
func (c *Config) Set(key, value string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	k := strings.ToLower(key)
	if k == "timeout" || k == "session-ttl" {
		if d, err := time.ParseDuration(value); err != nil || d <= 0 {
			return fault.Invalid("%s %q: want a positive duration such as 10s", key, value)
		}
	}
	if k == "current-context" && value != LocalContext && !c.v.IsSet("contexts."+strings.ToLower(value)) {
		return fault.Invalid("context %q is not defined", value)
	}
	c.v.Set(k, value)
	return c.write()
}

// UseContext makes name the current context.
func (c *Config) UseContext(name string) error { return c.Set("current-context", name) }

// ContextInfo describes one named context.
type ContextInfo struct {
	Name     string `json:"name"`
	URI      string `json:"uri"`
	Database string `json:"database"`
	Current  bool   `json:"current"`
}

// Contexts lists the defined contexts (URIs redacted) plus the implicit
// local one.
func (c *Config) Contexts() []ContextInfo {
	cur := c.v.GetString("current-context")
	var out []ContextInfo
	for name := range c.v.GetStringMap("contexts") {
		k := "contexts." + name
		out = append(out, ContextInfo{
			Name:     name,
			URI:      store.RedactURI(c.v.GetString(k + ".uri")),
			Database: first(c.v.GetString(k+".database"), DefaultDatabase),
			Current:  name == cur,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	local := ContextInfo{Name: LocalContext, URI: "(embedded local store)", Database: DefaultDatabase,
		Current: cur == "" || cur == LocalContext}
	return append([]ContextInfo{local}, out...)
}

// View returns every setting with connection strings and secrets redacted.
func (c *Config) View() map[string]any {
	return redactTree(c.v.AllSettings(), "").(map[string]any)
}

func redactTree(v any, key string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			out[k] = redactTree(val, k)
		}
		return out
	case string:
		return RedactValue(key, t)
	}
	return v
}

// RedactValue hides the secret part of a setting by the last segment of
// its key: connection strings, webhook URLs, passwords.
func RedactValue(key, v string) string {
	if i := strings.LastIndex(key, "."); i >= 0 {
		key = key[i+1:]
	}
	switch strings.ToLower(key) {
	case "uri":
		return store.RedactURI(v)
	case "url":
		return redactURL(v)
	case "password", "secret", "token":
		return "xxxxx"
	}
	return v
}

func (c *Config) write() error {
	if err := os.MkdirAll(filepath.Dir(c.path), 0o700); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := c.v.WriteConfigAs(c.path); err != nil {
		return fmt.Errorf("write config %s: %w", c.path, err)
	}
	return os.Chmod(c.path, 0o600)
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// redactURL keeps only scheme and host: webhook URLs carry their secret in
// the path (Slack) or the query (tokens).
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "xxxxx"
	}
	if u.Path == "" && u.RawQuery == "" && u.User == nil {
		return u.Scheme + "://" + u.Host
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// CredentialKey names this target's entry in the credentials file. A
// session lives in one database on one server, so the key holds both: a
// token never travels to another server because an environment variable
// overrode a context's URI.
func (t Target) CredentialKey() string {
	if t.Local {
		return LocalContext + "/" + t.Database
	}
	return t.Context + " " + strings.TrimSuffix(store.RedactURI(t.URI), "/") + "/" + t.Database
}

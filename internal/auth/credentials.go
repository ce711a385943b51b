package auth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"
)

// Credential is what the credentials file keeps for one context.
type Credential struct {
	Token     string    `yaml:"token"`
	Username  string    `yaml:"username"`
	ExpiresAt time.Time `yaml:"expires_at"`
}

// Credentials is the local credentials file: one entry per context. It is
// kept apart from config.yaml so that config can be shared and this not.
type Credentials struct {
	path    string
	entries map[string]Credential
}

// LoadCredentials reads the file; a missing file is empty.
func LoadCredentials(path string) (*Credentials, error) {
	c := &Credentials{path: path, entries: map[string]Credential{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	if err := yaml.Unmarshal(b, &c.entries); err != nil {
		return nil, fmt.Errorf("credentials file %s is damaged: %w", path, err)
	}
	if c.entries == nil {
		c.entries = map[string]Credential{}
	}
	return c, nil
}

// Get returns the credential of a context.
func (c *Credentials) Get(context string) (Credential, bool) {
	e, ok := c.entries[context]
	return e, ok
}

// Put stores the credential of a context and writes the file.
func (c *Credentials) Put(context string, e Credential) error {
	c.entries[context] = e
	return c.write()
}

// Delete removes the credential of a context and writes the file.
func (c *Credentials) Delete(context string) error {
	if _, ok := c.entries[context]; !ok {
		return nil
	}
	delete(c.entries, context)
	return c.write()
}

// write replaces the file atomically, mode 0600 in a 0700 directory.
func (c *Credentials) write() error {
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	b, err := yaml.Marshal(c.entries)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".credentials-*")
	if err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write credentials: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	return os.Rename(tmp.Name(), c.path)
}

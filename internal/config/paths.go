package config

import (
	"os"
	"path/filepath"
)

// Paths are the XDG locations ticketctl uses.
type Paths struct {
	ConfigDir string // $XDG_CONFIG_HOME/ticketctl
	DataDir   string // $XDG_DATA_HOME/ticketctl
}

// DefaultPaths follows the XDG base directory spec with getenv.
func DefaultPaths(getenv func(string) string) Paths {
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	cfg := getenv("XDG_CONFIG_HOME")
	if cfg == "" {
		cfg = filepath.Join(home, ".config")
	}
	data := getenv("XDG_DATA_HOME")
	if data == "" {
		data = filepath.Join(home, ".local", "share")
	}
	return Paths{ConfigDir: filepath.Join(cfg, "ticketctl"), DataDir: filepath.Join(data, "ticketctl")}
}

// ConfigFile is the default config file.
func (p Paths) ConfigFile() string { return filepath.Join(p.ConfigDir, "config.yaml") }

// CredentialsFile holds session tokens, apart from config.yaml.
func (p Paths) CredentialsFile() string { return filepath.Join(p.ConfigDir, "credentials.yaml") }

// LocalStoreDir holds the embedded store's SQLite files.
func (p Paths) LocalStoreDir() string { return filepath.Join(p.DataDir, "local") }

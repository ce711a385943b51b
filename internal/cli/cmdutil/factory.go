// Package cmdutil holds what every command shares: the factory with its
// lazily opened store, output flags, argument helpers and the one
// error-to-exit-code switch.
package cmdutil

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/ticketctl/ticketctl/internal/config"
	"github.com/ticketctl/ticketctl/internal/iostreams"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/embedded"
)

// BuildInfo is set by the linker through main.
type BuildInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

// Factory is what commands receive: streams, configuration, a store
// opened on first use, and a clock.
type Factory struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	Now    func() time.Time
	Build  BuildInfo

	// Set from the global flags before a command runs.
	ConfigPath string
	Overrides  config.Overrides

	cfg    *config.Config
	target *config.Target
	st     *store.Store
	local  *embedded.Server

	stdinSpooled bool
	closers      []func()
}

// Config loads the configuration once.
func (f *Factory) Config() (*config.Config, error) {
	if f.cfg != nil {
		return f.cfg, nil
	}
	c, err := config.Load(f.ConfigPath, f.Getenv)
	if err != nil {
		return nil, err
	}
	f.cfg = c
	return c, nil
}

// Target resolves where this run's commands go.
func (f *Factory) Target() (config.Target, error) {
	if f.target != nil {
		return *f.target, nil
	}
	c, err := f.Config()
	if err != nil {
		return config.Target{}, err
	}
	t, err := c.Resolve(f.Overrides)
	if err != nil {
		return config.Target{}, err
	}
	f.target = &t
	return t, nil
}

// Store opens the store on first use. With no URI configured it starts
// the embedded local store and says so once on stderr.
func (f *Factory) Store(ctx context.Context) (*store.Store, error) {
	if f.st != nil {
		return f.st, nil
	}
	t, err := f.Target()
	if err != nil {
		return nil, err
	}
	uri := t.URI
	if t.Local {
		dir := f.cfg.Paths.LocalStoreDir()
		_, statErr := os.Stat(dir)
		fresh := os.IsNotExist(statErr)
		srv, err := embedded.Start(ctx, embedded.Options{
			Dir: dir, Lock: true, LockTimeout: t.Timeout,
			OnWait: func() {
				fmt.Fprintf(f.IO.ErrOut, "ticketctl: waiting for another ticketctl process to release the local store %s\n", dir)
			},
		})
		if err != nil {
			return nil, err
		}
		f.local = srv
		uri = srv.URI()
		if fresh {
			// Said once, when the store is created; `ticketctl db status`
			// and `config contexts` tell it any time after.
			fmt.Fprintf(f.IO.ErrOut, "ticketctl: using the local store in %s (no MongoDB URI configured)\n", dir)
		}
	}
	st, err := store.Open(ctx, store.Options{
		URI: uri, Database: t.Database, Timeout: t.Timeout,
		WriteConcern: t.WriteConcern, ReadPreference: t.ReadPreference,
	})
	if err != nil {
		f.Close()
		return nil, err
	}
	f.st = st
	return st, nil
}

// Close disconnects the store and stops the local server, in that order:
// FerretDB waits for connected clients before it stops.
func (f *Factory) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if f.st != nil {
		_ = f.st.Close(ctx)
		f.st = nil
	}
	if f.local != nil {
		_ = f.local.Close()
		f.local = nil
	}
	for _, c := range f.closers {
		c()
	}
	f.closers = nil
}

// Printer returns a renderer for validated output options.
func (f *Factory) Printer(o render.Options) *render.Printer {
	return render.New(f.IO, o, f.Now)
}

// OpContext bounds one short database operation by the configured
// timeout; streaming commands use the command's context directly.
func (f *Factory) OpContext(ctx context.Context) (context.Context, context.CancelFunc) {
	t, err := f.Target()
	if err != nil || t.Timeout <= 0 {
		return context.WithTimeout(ctx, config.DefaultTimeout)
	}
	return context.WithTimeout(ctx, t.Timeout)
}

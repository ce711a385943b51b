// Package embedded runs a FerretDB server (SQLite backend) inside the
// ticketctl process. It serves two callers: the local store that a fresh
// machine uses when no MongoDB URI is configured, and the test helper.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/gofrs/flock"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// Options configure Start.
type Options struct {
	// Dir holds the SQLite files. It is created with mode 0700.
	Dir string
	// Lock takes an exclusive lock on Dir for the life of the server: two
	// FerretDB processes on one SQLite directory corrupt each other's view.
	Lock bool
	// LockTimeout bounds how long Start waits for another process's lock.
	LockTimeout time.Duration
	// OnWait is called once if Start has to wait for the lock.
	OnWait func()
	// PostgreSQLURL, when set, uses FerretDB's PostgreSQL handler instead
	// of SQLite files in Dir (benchmarks: its updates are not full scans).
	PostgreSQLURL string
	// Listen is the TCP address; default 127.0.0.1:0 (a free port).
	Listen string
}

// Server is a running embedded FerretDB.
type Server struct {
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
	lock   *flock.Flock
}

// Start launches FerretDB on a loopback port and returns once it accepts
// connections.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create local store directory: %w", err)
	}
	s := &Server{done: make(chan struct{})}
	if opts.Lock {
		lk, err := acquire(ctx, filepath.Join(opts.Dir, ".lock"), opts)
		if err != nil {
			return nil, err
		}
		s.lock = lk
	}

	// FerretDB logs every error reply at WARN with full message dumps;
	// ticketctl reports errors itself, so only real server errors remain.
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))
	cfg := &ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.Clean(opts.Dir) + "/",
		Logger:    logger,
	}
	if opts.Listen != "" {
		cfg.Listener.TCP = opts.Listen
	}
	if opts.PostgreSQLURL != "" {
		cfg.Handler, cfg.SQLiteURL, cfg.PostgreSQLURL = "postgresql", "", opts.PostgreSQLURL
	}
	f, err := ferretdb.New(cfg)
	if err != nil {
		s.unlock()
		return nil, fmt.Errorf("start embedded FerretDB: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		defer close(s.done)
		_ = f.Run(runCtx)
	}()
	s.uri = f.MongoDBURI() // blocks until the listener is bound
	return s, nil
}

// URI is the mongodb:// address of the running server.
func (s *Server) URI() string { return s.uri }

// Close stops the server and releases the directory lock. Clients should
// disconnect first, or FerretDB waits for them for a few seconds.
func (s *Server) Close() error {
	s.cancel()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
	}
	s.unlock()
	return nil
}

func (s *Server) unlock() {
	if s.lock != nil {
		_ = s.lock.Unlock()
	}
}

func acquire(ctx context.Context, path string, opts Options) (*flock.Flock, error) {
	lk := flock.New(path)
	ok, err := lk.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock local store: %w", err)
	}
	if ok {
		return lk, nil
	}
	if opts.OnWait != nil {
		opts.OnWait()
	}
	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ok, err = lk.TryLockContext(wctx, 100*time.Millisecond)
	if ok {
		return lk, nil
	}
	if errors.Is(err, context.Canceled) {
		return nil, err
	}
	return nil, fault.Wrap(fault.ErrUnavailable, errors.New("another ticketctl process is using it"),
		"local store %s is busy after %s", opts.Dir, timeout)
}

// Version is the FerretDB module version built into this binary; the
// embedded server itself answers "unknown" to buildInfo.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range bi.Deps {
		if d.Path == "github.com/FerretDB/FerretDB" {
			return d.Version
		}
	}
	return "unknown"
}

// Package storetest gives tests a real MongoDB wire-protocol server: one
// embedded FerretDB (SQLite) per test package, or the server named by
// TICKETCTL_TEST_MONGODB_URI. Every test gets its own database, named after
// the test and dropped afterwards unless the test failed.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/embedded"
)

// EnvURI names a server to use instead of the embedded one.
const EnvURI = "TICKETCTL_TEST_MONGODB_URI"

var (
	mu     sync.Mutex
	srv    *embedded.Server
	srvDir string
)

// URI returns the address of the test server, starting the embedded one
// on first use.
func URI(tb testing.TB) string {
	tb.Helper()
	if u := os.Getenv(EnvURI); u != "" {
		return u
	}
	mu.Lock()
	defer mu.Unlock()
	if srv == nil {
		dir, err := os.MkdirTemp("", "ticketctl-storetest-")
		if err != nil {
			tb.Fatalf("storetest: temp dir: %v", err)
		}
		s, err := embedded.Start(context.Background(), embedded.Options{Dir: dir})
		if err != nil {
			_ = os.RemoveAll(dir)
			tb.Fatalf("storetest: start FerretDB: %v", err)
		}
		srv, srvDir = s, dir
	}
	return srv.URI()
}

// Main runs the package's tests and then stops the embedded server and
// removes its files. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	if srv != nil {
		_ = srv.Close()
		_ = os.RemoveAll(srvDir)
	}
	mu.Unlock()
	os.Exit(code)
}

// DBName derives a valid, unique database name from a test name.
func DBName(testName string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(testName) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := b.String()
	// MongoDB and FerretDB limit names to 63 bytes; keep them unique with a
	// hash of the full test name.
	if len(name) > 40 {
		sum := sha256.Sum256([]byte(testName))
		name = name[:40] + "_" + hex.EncodeToString(sum[:4])
	}
	return "t_" + name
}

// Open returns a store on a fresh database named after the test. Leftovers
// of an earlier failed run are dropped first; the database is dropped at
// the end unless the test failed, so it can be inspected.
func Open(tb testing.TB) *store.Store {
	tb.Helper()
	uri := URI(tb)
	db := DBName(tb.Name())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, store.Options{URI: uri, Database: db, Timeout: 20 * time.Second})
	if err != nil {
		tb.Fatalf("storetest: open %s: %v", db, err)
	}
	if err := st.Drop(ctx); err != nil {
		tb.Fatalf("storetest: drop leftovers of %s: %v", db, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if tb.Failed() {
			tb.Logf("storetest: kept database %s on %s for inspection", db, store.RedactURI(uri))
		} else if err := st.Drop(ctx); err != nil {
			tb.Errorf("storetest: drop %s: %v", db, err)
		}
		_ = st.Close(ctx)
	})
	return st
}

// OpenWithIndexes is Open plus the indexes that `ticketctl init` creates.
func OpenWithIndexes(tb testing.TB) *store.Store {
	tb.Helper()
	st := Open(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := st.EnsureIndexes(ctx); err != nil {
		tb.Fatalf("storetest: indexes: %v", err)
	}
	return st
}

// Target describes where tests run, for logs.
func Target() string {
	if u := os.Getenv(EnvURI); u != "" {
		return store.RedactURI(u)
	}
	return fmt.Sprintf("embedded FerretDB (%s)", srvDir)
}

// Package store is the only package that talks to MongoDB and builds BSON.
// Methods take a context first, return typed values, and wrap ErrNotFound,
// ErrConflict or ErrUnavailable so the CLI can map them to exit codes.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// Collection names.
const (
	CollAccounts      = "accounts"
	CollTickets       = "tickets"
	CollServers       = "servers"
	CollTeams         = "teams"
	CollEvents        = "events"
	CollSessions      = "sessions"
	CollFAQs          = "faqs"
	CollNotifications = "notifications"
	CollModels        = "models"
	CollJobs          = "jobs"
	CollRules         = "rules"
	CollCounters      = "counters"
)

// Options configure Open.
type Options struct {
	URI      string
	Database string
	// Timeout bounds connecting and pinging; it is also the driver's
	// per-operation timeout unless the context sets a shorter one.
	Timeout time.Duration
	// WriteConcern is "majority", "1", "0" or a number; empty keeps the
	// URI's or server's default.
	WriteConcern string
	// ReadPreference is a mode name such as "primary" or
	// "secondaryPreferred"; empty keeps the URI's or driver's default.
	ReadPreference string
	// Monitor, when set, observes every command (benchmarks count round
	// trips with it).
	Monitor *event.CommandMonitor
}

// Store is an open connection to one database.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	caps   Capabilities
	target string
}

// Open connects, pings and detects the server. Errors never contain the
// password of the URI.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Database == "" {
		o.Database = "ticketctl"
	}
	target := RedactURI(o.URI)
	co := options.Client().ApplyURI(o.URI).
		SetServerSelectionTimeout(o.Timeout).
		SetConnectTimeout(o.Timeout).
		SetAppName("ticketctl")
	if o.Monitor != nil {
		co.SetMonitor(o.Monitor)
	}
	if o.WriteConcern != "" {
		wc, err := parseWriteConcern(o.WriteConcern)
		if err != nil {
			return nil, err
		}
		co.SetWriteConcern(wc)
	}
	if o.ReadPreference != "" {
		mode, err := readpref.ModeFromString(o.ReadPreference)
		if err != nil {
			return nil, fault.Invalid("read preference %q: %v", o.ReadPreference, err)
		}
		rp, err := readpref.New(mode)
		if err != nil {
			return nil, fault.Invalid("read preference %q: %v", o.ReadPreference, err)
		}
		co.SetReadPreference(rp)
	}
	if err := co.Validate(); err != nil {
		return nil, fault.Invalid("connection string %s: %s", target, scrub(err.Error(), o.URI))
	}
	client, err := mongo.Connect(co)
	if err != nil {
		return nil, fault.Invalid("connection string %s: %s", target, scrub(err.Error(), o.URI))
	}
	cctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	s := &Store{client: client, db: client.Database(o.Database), target: target}
	if err := client.Ping(cctx, readpref.PrimaryPreferred()); err != nil {
		_ = client.Disconnect(context.Background())
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fault.Wrap(ErrUnavailable, errors.New(scrub(shortErr(err).Error(), o.URI)),
			"connect to %s (timeout %s)", target, o.Timeout)
	}
	caps, err := detect(cctx, client)
	if err != nil {
		_ = client.Disconnect(context.Background())
		return nil, mapErr(err, "detect server")
	}
	s.caps = caps
	return s, nil
}

// Close disconnects; it is safe to call on a nil Store.
func (s *Store) Close(ctx context.Context) error {
	if s == nil || s.client == nil {
		return nil
	}
	return s.client.Disconnect(ctx)
}

// Capabilities reports what the connected server supports.
func (s *Store) Capabilities() Capabilities { return s.caps }

// Target is the redacted URI this store is connected to.
func (s *Store) Target() string { return s.target }

// DatabaseName is the database this store uses.
func (s *Store) DatabaseName() string { return s.db.Name() }

// Drop removes the whole database; tests use it to clean up.
func (s *Store) Drop(ctx context.Context) error {
	return mapErr(s.db.Drop(ctx), "drop database")
}

func (s *Store) coll(name string) *mongo.Collection { return s.db.Collection(name) }

// CollectionCounts returns the number of documents in each existing
// collection.
func (s *Store) CollectionCounts(ctx context.Context) (map[string]int64, error) {
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, mapErr(err, "list collections")
	}
	out := make(map[string]int64, len(names))
	for _, n := range names {
		c, err := s.coll(n).CountDocuments(ctx, bson.D{})
		if err != nil {
			return nil, mapErr(err, "count "+n)
		}
		out[n] = c
	}
	return out, nil
}

func parseWriteConcern(v string) (*writeconcern.WriteConcern, error) {
	switch v {
	case "majority":
		return writeconcern.Majority(), nil
	}
	var n int
	if _, err := fmt.Sscanf(v, "%d", &n); err != nil || n < 0 || fmt.Sprint(n) != v {
		return nil, fault.Invalid("write concern %q: want \"majority\" or a number of nodes", v)
	}
	return &writeconcern.WriteConcern{W: n}, nil
}

// scrub removes the URI's password from a message, wherever the driver
// may have echoed it.
func scrub(msg, uri string) string {
	if pw := uriPassword(uri); pw != "" {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
	}
	return msg
}

package store

import (
	"context"
	"fmt"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// indexSpec is one index ticketctl needs. Names are explicit so that
// MissingIndexes can compare by name on every server.
type indexSpec struct {
	coll   string
	name   string
	keys   bson.D
	unique bool
	sparse bool
	// ttl, when set, is the expireAfterSeconds of a TTL index created only
	// where the server supports TTL; code never depends on it.
	ttl int32
}

func requiredIndexes() []indexSpec {
	asc := func(k ...string) bson.D {
		d := bson.D{}
		for _, f := range k {
			d = append(d, bson.E{Key: f, Value: 1})
		}
		return d
	}
	return []indexSpec{
		{coll: CollAccounts, name: "username_unique", keys: asc("username"), unique: true},
		{coll: CollAccounts, name: "role_company", keys: asc("role", "company")},
		{coll: CollTickets, name: "status", keys: asc("status")},
		{coll: CollTickets, name: "server_status_created", keys: asc("server", "status", "created_at")},
		{coll: CollTickets, name: "tags", keys: asc("tags")},
		{coll: CollTickets, name: "created_at", keys: asc("created_at")},
		{coll: CollTickets, name: "requester", keys: asc("requester")},
		{coll: CollTickets, name: "team", keys: asc("team")},
		{coll: CollServers, name: "name_unique", keys: asc("name"), unique: true},
		{coll: CollServers, name: "central_unique", keys: asc("central"), unique: true, sparse: true},
		{coll: CollTeams, name: "name_unique", keys: asc("name"), unique: true, sparse: true},
		{coll: CollTeams, name: "company_category", keys: asc("company", "category")},
		{coll: CollEvents, name: "ticket_at", keys: asc("ticket", "at")},
		{coll: CollEvents, name: "subject_at", keys: asc("subject", "at")},
		{coll: CollEvents, name: "key_unique", keys: asc("key"), unique: true, sparse: true},
		{coll: CollSessions, name: "token_hash_unique", keys: asc("token_hash"), unique: true},
		{coll: CollSessions, name: "account", keys: asc("account")},
		{coll: CollSessions, name: "expires_at_ttl", keys: asc("expires_at"), ttl: 24 * 3600},
		{coll: CollNotifications, name: "status_next_attempt_at", keys: asc("status", "next_attempt_at")},
		{coll: CollNotifications, name: "ticket_created_at", keys: asc("ticket", "created_at")},
		{coll: CollNotifications, name: "idempotency_key_unique", keys: asc("idempotency_key"), unique: true},
		{coll: CollModels, name: "version_unique", keys: asc("version"), unique: true},
		{coll: CollFAQs, name: "key_unique", keys: asc("key"), unique: true, sparse: true},
	}
}

// EnsureIndexes creates every index ticketctl needs that is missing.
// It creates only absent ones: re-issuing createIndexes for an existing
// index drops FerretDB's connection (measured on v1.24.2), and asking first
// costs one listIndexes per collection on MongoDB too.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	byColl := map[string][]mongo.IndexModel{}
	have := map[string]map[string]bool{}
	var order []string
	for _, ix := range requiredIndexes() {
		if ix.ttl > 0 && !s.caps.TTLIndexes {
			continue
		}
		names, ok := have[ix.coll]
		if !ok {
			var err error
			if names, err = s.indexNames(ctx, ix.coll); err != nil {
				return err
			}
			have[ix.coll] = names
		}
		if names[ix.name] {
			continue
		}
		o := options.Index().SetName(ix.name)
		if ix.unique {
			o.SetUnique(true)
		}
		if ix.sparse {
			o.SetSparse(true)
		}
		if ix.ttl > 0 {
			o.SetExpireAfterSeconds(ix.ttl)
		}
		if _, ok := byColl[ix.coll]; !ok {
			order = append(order, ix.coll)
		}
		byColl[ix.coll] = append(byColl[ix.coll], mongo.IndexModel{Keys: ix.keys, Options: o})
	}
	for _, c := range order {
		if _, err := s.coll(c).Indexes().CreateMany(ctx, byColl[c]); err != nil {
			return mapErr(err, "create indexes on "+c)
		}
	}
	return nil
}

// MissingIndexes lists "collection.index" for each required index that is
// absent. Optional TTL indexes are not reported.
func (s *Store) MissingIndexes(ctx context.Context) ([]string, error) {
	have := map[string]map[string]bool{}
	var missing []string
	for _, ix := range requiredIndexes() {
		if ix.ttl > 0 {
			continue
		}
		names, ok := have[ix.coll]
		if !ok {
			var err error
			names, err = s.indexNames(ctx, ix.coll)
			if err != nil {
				return nil, err
			}
			have[ix.coll] = names
		}
		if !names[ix.name] {
			missing = append(missing, fmt.Sprintf("%s.%s", ix.coll, ix.name))
		}
	}
	sort.Strings(missing)
	return missing, nil
}

func (s *Store) indexNames(ctx context.Context, coll string) (map[string]bool, error) {
	specs, err := s.coll(coll).Indexes().ListSpecifications(ctx)
	if err != nil {
		// A collection that does not exist yet has no indexes.
		if ce, ok := err.(mongo.CommandError); ok && (ce.Code == 26 || ce.Name == "NamespaceNotFound") {
			return map[string]bool{}, nil
		}
		return nil, mapErr(err, "list indexes on "+coll)
	}
	out := map[string]bool{}
	for _, sp := range specs {
		out[sp.Name] = true
	}
	return out, nil
}

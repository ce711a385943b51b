package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Server kinds.
const (
	KindMongoDB  = "mongodb"
	KindFerretDB = "ferretdb"
)

// Capabilities describe what differs between the servers ticketctl runs
// on, so callers size batches and degrade without guessing.
type Capabilities struct {
	Kind            string `json:"kind"`
	Version         string `json:"version"`
	FerretDBVersion string `json:"ferretdb_version,omitempty"`
	ReplicaSet      bool   `json:"replica_set"`
	Sharded         bool   `json:"sharded"`
	Transactions    bool   `json:"transactions"`
	TTLIndexes      bool   `json:"ttl_indexes"`
	PartialIndexes  bool   `json:"partial_indexes"`
	// AtomicUpdates is true when a conditional update re-checks its filter
	// atomically with the write. FerretDB v1 reads, then writes by _id, so
	// two writers can both match the same version; the store then takes a
	// unique-key claim first (see claims.go).
	AtomicUpdates bool `json:"atomic_updates"`
	// MaxBulkUpdates is the largest number of UpdateOne models one
	// BulkWrite may carry: FerretDB hangs at about 100 (SQLite) or 50
	// (PostgreSQL), so it gets 40.
	MaxBulkUpdates int `json:"max_bulk_updates"`
	// MaxBatch is a sensible number of documents for one insertMany or one
	// `_id: {$in: …}` batch.
	MaxBatch int `json:"max_batch"`
	// ReadPage is how many documents one keyset page should read. FerretDB
	// scans and sorts the whole collection for every page, so it reads few,
	// large pages; MongoDB walks an index and does well with small ones.
	ReadPage int `json:"read_page"`
}

func detect(ctx context.Context, c *mongo.Client) (Capabilities, error) {
	admin := c.Database("admin")
	var bi bson.M
	if err := admin.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&bi); err != nil {
		return Capabilities{}, err
	}
	var hello bson.M
	if err := admin.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return Capabilities{}, err
	}
	caps := Capabilities{Kind: KindMongoDB}
	caps.Version, _ = bi["version"].(string)
	_, caps.ReplicaSet = hello["setName"]
	caps.Sharded = hello["msg"] == "isdbgrid"
	if fv, ok := bi["ferretdbVersion"]; ok {
		caps.Kind = KindFerretDB
		caps.FerretDBVersion, _ = fv.(string)
	}
	if caps.Kind == KindFerretDB {
		caps.MaxBulkUpdates = 40
		caps.MaxBatch = 500
		caps.ReadPage = 5000
		return caps, nil
	}
	caps.Transactions = caps.ReplicaSet || caps.Sharded
	caps.AtomicUpdates = true
	caps.TTLIndexes = true
	caps.PartialIndexes = true
	caps.MaxBulkUpdates = 1000
	caps.MaxBatch = 1000
	caps.ReadPage = 1000
	return caps, nil
}

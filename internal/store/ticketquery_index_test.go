package store

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestTicketFiltersHaveIndexes checks that every field `tickets list` can
// filter on leads an index that init creates, so that no filter forces a
// collection scan on MongoDB. (FerretDB ignores indexes for reads; this
// is about the real server.)
func TestTicketFiltersHaveIndexes(t *testing.T) {
	id := bson.NewObjectID()
	f := TicketFilter{IDs: []bson.ObjectID{id}, Tags: []string{"a"}, Statuses: []string{StatusComplete}, Server: &id,
		Team: &id, Requester: &id, CreatedAfter: time.Now(), CreatedBefore: time.Now()}
	leading := map[string]bool{"_id": true} // MongoDB's own
	for _, ix := range requiredIndexes() {
		if ix.coll == CollTickets {
			leading[ix.keys[0].Key] = true
		}
	}
	for _, e := range f.bson() {
		if !leading[e.Key] {
			t.Errorf("filter on %q has no index that starts with it", e.Key)
		}
	}
	for _, want := range []string{"status", "server", "tags", "created_at", "requester", "team"} {
		if !leading[want] {
			t.Errorf("no tickets index starts with %q", want)
		}
	}
}

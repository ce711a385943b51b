package distribute_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

// world is a small company: a central server, two regional servers and
// three teams.
type world struct {
	st               *store.Store
	central          store.Server
	detroit, austin  store.Server
	billing, network store.Team
	idle             store.Team // hosted, but no members
}

func ctxT(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return c
}

func newWorld(t testing.TB) *world {
	t.Helper()
	st := storetest.OpenWithIndexes(t)
	c := ctxT(t)
	w := &world{st: st}
	var err error
	if w.central, _, err = st.EnsureCentralServer(c, "central", "us-east-1"); err != nil {
		t.Fatal(err)
	}
	m := func() []bson.ObjectID { return []bson.ObjectID{bson.NewObjectID(), bson.NewObjectID()} }
	w.billing = store.Team{Name: "billing", Company: "acme", Category: "billing", Members: m(), Skills: []string{"billing", "card", "refund"}}
	w.network = store.Team{Name: "network", Company: "acme", Category: "network", Members: m()[:1], Skills: []string{"outage", "login"}}
	w.idle = store.Team{Name: "idle", Company: "acme", Category: "misc", Skills: []string{"misc"}}
	for _, tm := range []*store.Team{&w.billing, &w.network, &w.idle} {
		if err := st.InsertTeam(c, tm); err != nil {
			t.Fatal(err)
		}
	}
	w.detroit = store.Server{Name: "detroit", Region: "us-east-2", Teams: []bson.ObjectID{w.billing.ID, w.idle.ID}}
	w.austin = store.Server{Name: "austin", Region: "us-south-1", Teams: []bson.ObjectID{w.network.ID}}
	for _, sv := range []*store.Server{&w.detroit, &w.austin} {
		if err := st.InsertServer(c, sv); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// tickets inserts n not-started tickets on the central server, tags cycling
// through tagSets.
func (w *world) tickets(t testing.TB, n int, tagSets ...[]string) []store.Ticket {
	t.Helper()
	if len(tagSets) == 0 {
		tagSets = [][]string{{}}
	}
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	ts := make([]store.Ticket, n)
	for i := range ts {
		ts[i] = store.Ticket{Title: fmt.Sprintf("ticket %d", i), Description: "d", Tags: tagSets[i%len(tagSets)],
			Status: store.StatusNotStarted, Server: w.central.ID, CreatedAt: base.Add(time.Duration(i) * time.Minute)}
	}
	c := ctxT(t)
	for start := 0; start < n; start += 500 {
		end := min(n, start+500)
		if _, err := w.st.InsertTickets(c, ts[start:end]); err != nil {
			t.Fatal(err)
		}
	}
	return ts
}

func (w *world) moveEvents(t testing.TB) map[bson.ObjectID]int {
	t.Helper()
	out, err := w.st.MoveEventCounts(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

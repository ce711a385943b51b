package triage_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var update = flag.Bool("update", false, "rewrite golden files")

func ctxT(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// topics: three support topics a model must tell apart, with a few shared
// words so it is not trivial.
var topics = map[string][]string{
	"billing":  {"invoice", "refund", "charged", "payment", "bill", "price", "receipt", "overcharged", "card"},
	"login":    {"password", "login", "locked", "username", "reset", "sign", "authenticator", "account"},
	"shipping": {"delivery", "package", "tracking", "courier", "parcel", "shipment", "arrive", "address"},
}

var filler = []string{"please", "help", "today", "again", "my", "the", "order", "since", "yesterday", "still"}

// world is a company with three teams on two regional servers and a
// labelled history of n tickets per team, interleaved in time.
type world struct {
	e       *clitest.Env
	central store.Server
	teams   map[string]store.Team
	base    time.Time
}

func newWorld(t *testing.T, perTeam int) *world {
	t.Helper()
	e := clitest.New(t)
	e.Now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	c := ctxT(t)
	w := &world{e: e, teams: map[string]store.Team{}, base: e.Now.Add(-60 * 24 * time.Hour)}
	var err error
	if w.central, err = e.Store.CentralServer(c); err != nil {
		t.Fatal(err)
	}
	staff := []bson.ObjectID{bson.NewObjectID()}
	for _, name := range []string{"billing", "login", "shipping"} {
		tm := store.Team{Name: name, Company: "acme", Category: name, Members: staff}
		if err := e.Store.InsertTeam(c, &tm); err != nil {
			t.Fatal(err)
		}
		w.teams[name] = tm
	}
	for _, sv := range []store.Server{
		{Name: "detroit", Region: "us-east-2", Teams: []bson.ObjectID{w.teams["billing"].ID, w.teams["login"].ID}},
		{Name: "austin", Region: "us-south-1", Teams: []bson.ObjectID{w.teams["shipping"].ID}},
	} {
		if err := e.Store.InsertServer(c, &sv); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(7, 7))
	var ts []store.Ticket
	for i := range perTeam * 3 {
		name := []string{"billing", "login", "shipping"}[i%3]
		team := w.teams[name].ID
		ts = append(ts, store.Ticket{Title: sentence(rng, name, 3), Description: sentence(rng, name, 5),
			Tags: []string{}, Status: store.StatusComplete, Server: w.central.ID, Team: &team,
			CreatedAt: w.base.Add(time.Duration(i) * time.Hour)})
	}
	if _, err := e.Store.InsertTickets(c, ts); err != nil {
		t.Fatal(err)
	}
	e.Login("eve", store.RoleEmployee, "acme")
	return w
}

// sentence draws n words, each from the topic or (three times in five) from
// another, and two filler words: a model gets most tickets right, not all.
func sentence(rng *rand.Rand, topic string, n int) string {
	var out []string
	for range n {
		words := topics[topic]
		if rng.IntN(5) < 3 {
			words = topics[[]string{"billing", "login", "shipping"}[rng.IntN(3)]]
		}
		out = append(out, words[rng.IntN(len(words))])
	}
	out = append(out, filler[rng.IntN(len(filler))], filler[rng.IntN(len(filler))])
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return strings.Join(out, " ")
}

// waiting inserts an open, unassigned ticket on the central server.
func (w *world) waiting(t *testing.T, title, description string, tags ...string) store.Ticket {
	t.Helper()
	if tags == nil {
		tags = []string{}
	}
	tk := store.Ticket{Title: title, Description: description, Tags: tags, Status: store.StatusNotStarted,
		Server: w.central.ID, CreatedAt: w.e.Now.Add(-time.Minute)}
	if err := w.e.Store.InsertTicket(ctxT(t), &tk); err != nil {
		t.Fatal(err)
	}
	return tk
}

// admin runs the following commands as an admin.
func (w *world) admin() { w.e.Login("ada", store.RoleAdmin, "acme") }

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, s)
	}
	return v
}

func must(t *testing.T, r clitest.Result, args ...any) clitest.Result {
	t.Helper()
	if r.Code != 0 {
		t.Fatalf("%s: exit %d\nstdout: %s\nstderr: %s", fmt.Sprint(args...), r.Code, r.Out, r.Err)
	}
	return r
}

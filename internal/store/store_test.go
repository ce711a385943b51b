package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestRoundTripEveryModel(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	now := time.Now().UTC().Truncate(time.Millisecond)

	central, created, err := st.EnsureCentralServer(c, "central", "us-east-1")
	if err != nil || !created {
		t.Fatalf("central: %v created=%v", err, created)
	}
	acc := store.Account{Name: "Tim Cheese", Username: "TimCheese67", Email: "tim@example.com",
		PasswordHash: "$argon2id$v=19$x", Type: "work", Role: store.RoleEmployee, Company: "McDonalds", CreatedAt: now}
	if err := st.InsertAccount(c, &acc); err != nil {
		t.Fatal(err)
	}
	team := store.Team{Name: "billing", Company: "McDonalds", Category: "billing", Members: []bson.ObjectID{acc.ID}, Skills: []string{"billing"}}
	if err := st.InsertTeam(c, &team); err != nil {
		t.Fatal(err)
	}
	region := store.Server{Name: "detroit", Region: "us-east-2", Teams: []bson.ObjectID{team.ID}}
	if err := st.InsertServer(c, &region); err != nil {
		t.Fatal(err)
	}
	tk := store.Ticket{Title: "Card declined", Description: "twice", Tags: []string{"billing"}, CreatedAt: now,
		Status: store.StatusNotStarted, Server: central.ID, Requester: &acc.ID, Priority: "P2", Severity: "high"}
	if err := st.InsertTicket(c, &tk); err != nil {
		t.Fatal(err)
	}
	ev := store.Event{At: now, Actor: acc.Username, Action: "ticket.create", Ticket: &tk.ID, To: store.StatusNotStarted}
	if err := st.InsertEvent(c, &ev); err != nil {
		t.Fatal(err)
	}

	gotAcc, err := st.GetAccountByUsername(c, "TIMCHEESE67")
	if err != nil {
		t.Fatal(err)
	}
	if gotAcc.Username != "timcheese67" || gotAcc.PasswordHash != acc.PasswordHash || !gotAcc.CreatedAt.Equal(now) {
		t.Errorf("account round trip: %+v", gotAcc)
	}
	gotTk, err := st.GetTicket(c, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if gotTk.Title != tk.Title || gotTk.Server != central.ID || gotTk.Version != 1 || *gotTk.Requester != acc.ID ||
		gotTk.Status != "not started" || len(gotTk.Tags) != 1 {
		t.Errorf("ticket round trip: %+v", gotTk)
	}
	gotTeam, err := st.GetTeam(c, team.ID)
	if err != nil || len(gotTeam.Members) != 1 || gotTeam.Skills[0] != "billing" {
		t.Errorf("team round trip: %+v %v", gotTeam, err)
	}
	gotSrv, err := st.GetServerByName(c, "detroit")
	if err != nil || gotSrv.Central || len(gotSrv.Teams) != 1 {
		t.Errorf("server round trip: %+v %v", gotSrv, err)
	}
	gotCentral, err := st.CentralServer(c)
	if err != nil || gotCentral.ID != central.ID || gotCentral.Teams != nil {
		t.Errorf("central: %+v %v", gotCentral, err)
	}
	evs, err := st.TicketEvents(c, tk.ID)
	if err != nil || len(evs) != 1 || evs[0].Action != "ticket.create" {
		t.Errorf("events: %+v %v", evs, err)
	}
}

func TestErrorsMapToKinds(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"duplicate username any case", func() error {
			if err := st.InsertAccount(c, &store.Account{Username: "dup", Role: "customer"}); err != nil {
				return err
			}
			return st.InsertAccount(c, &store.Account{Username: "DUP", Role: "customer"})
		}, store.ErrConflict},
		{"second central server", func() error {
			if _, _, err := st.EnsureCentralServer(c, "c1", "r"); err != nil {
				return err
			}
			return st.InsertServer(c, &store.Server{Name: "c2", Central: true})
		}, store.ErrConflict},
		{"missing ticket", func() error { _, err := st.GetTicket(c, bson.NewObjectID()); return err }, store.ErrNotFound},
		{"missing account", func() error { _, err := st.GetAccountByUsername(c, "nobody"); return err }, store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestEnsureCentralServerIsIdempotent(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	a, created1, err := st.EnsureCentralServer(c, "central", "r")
	if err != nil {
		t.Fatal(err)
	}
	b, created2, err := st.EnsureCentralServer(c, "other", "r")
	if err != nil {
		t.Fatal(err)
	}
	if !created1 || created2 || a.ID != b.ID {
		t.Fatalf("created %v %v ids %v %v", created1, created2, a.ID, b.ID)
	}
}

func TestIndexesIdempotentAndReported(t *testing.T) {
	st := storetest.Open(t)
	c := ctx(t)
	missing, err := st.MissingIndexes(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) == 0 {
		t.Fatal("fresh database reports no missing indexes")
	}
	for i := 0; i < 2; i++ {
		if err := st.EnsureIndexes(c); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	missing, err = st.MissingIndexes(c)
	if err != nil || len(missing) != 0 {
		t.Fatalf("after init: %v %v", missing, err)
	}
}

func TestCapabilitiesDetectServer(t *testing.T) {
	st := storetest.Open(t)
	caps := st.Capabilities()
	if caps.Version == "" || caps.MaxBulkUpdates <= 0 || caps.MaxBatch <= 0 {
		t.Fatalf("incomplete capabilities: %+v", caps)
	}
	if caps.Kind == store.KindFerretDB {
		if caps.MaxBulkUpdates > 40 || caps.Transactions || caps.TTLIndexes {
			t.Fatalf("FerretDB capabilities too generous: %+v", caps)
		}
	}
}

func TestUnreachableIsUnavailableWithoutPassword(t *testing.T) {
	c := ctx(t)
	start := time.Now()
	_, err := store.Open(c, store.Options{URI: "mongodb://admin:s3cretPW@127.0.0.1:1/?directConnection=true", Timeout: 700 * time.Millisecond})
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("got %v, want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), "s3cretPW") {
		t.Fatalf("password leaked: %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("multi-line error: %q", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("took %s, timeout was 700ms", d)
	}
}

func TestRedactURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mongodb://u:p@h:27017/db", "mongodb://u:xxxxx@h:27017/db"},
		{"mongodb+srv://u:p%40ss@cluster.example.com/?w=majority", "mongodb+srv://u:xxxxx@cluster.example.com/?w=majority"},
		{"mongodb://h1,h2/db", "mongodb://h1,h2/db"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := store.RedactURI(tc.in); got != tc.want {
			t.Errorf("RedactURI(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

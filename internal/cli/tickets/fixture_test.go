package tickets_test

import (
	"context"
	"flag"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

var fixedNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func oid(hex string) bson.ObjectID {
	id, err := bson.ObjectIDFromHex(hex)
	if err != nil {
		panic(err)
	}
	return id
}

// Fixed ids, so that golden files are stable.
var (
	idCard    = oid("6750000000000000000000a1")
	idApp     = oid("6750000000000000000000a2")
	idFries   = oid("6750000000000000000000a3")
	idRefund  = oid("6750000000000000000000a4")
	idEscape  = oid("6750000000000000000000a5")
	idDetroit = oid("6750000000000000000000b1")
	idBilling = oid("6750000000000000000000c1")
	idOther   = oid("6750000000000000000000d1")
)

type fixture struct {
	e       *clitest.Env
	central store.Server
	// tokens of the logged-in accounts, by username
	tokens   map[string]string
	accounts map[string]store.Account
}

// as makes the following commands run as username.
func (fx *fixture) as(username string) *clitest.Env {
	fx.e.Vars["TICKETCTL_TOKEN"] = fx.tokens[username]
	return fx.e
}

func (fx *fixture) login(username, role, company string) store.Account {
	acc := fx.e.Login(username, role, company)
	fx.tokens[username] = fx.e.Vars["TICKETCTL_TOKEN"]
	fx.accounts[username] = acc
	return acc
}

// scrub replaces the ids that differ between runs (central server,
// accounts) with names.
func (fx *fixture) scrub(s string) string {
	s = strings.ReplaceAll(s, fx.central.ID.Hex(), "<central>")
	for name, acc := range fx.accounts {
		s = strings.ReplaceAll(s, acc.ID.Hex(), "<"+name+">")
	}
	return s
}

// newFixture: a central and a regional server, a team, an employee and
// two customers, and five tickets (one from another backend's era with
// control characters in its title).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	e := clitest.New(t)
	e.Now = fixedNow
	fx := &fixture{e: e, tokens: map[string]string{}, accounts: map[string]store.Account{}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st := e.Store
	var err error
	if fx.central, err = st.CentralServer(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertTeam(ctx, &store.Team{ID: idBilling, Name: "billing", Company: "Lakeside", Category: "Billing", Skills: []string{"billing"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertServer(ctx, &store.Server{ID: idDetroit, Name: "detroit", Region: "us-east-2", Teams: []bson.ObjectID{idBilling}}); err != nil {
		t.Fatal(err)
	}
	fx.login("olga", store.RoleCustomer, "")
	carl := fx.login("carl", store.RoleCustomer, "")
	fx.login("emma", store.RoleEmployee, "Lakeside")
	other := idOther
	team := idBilling
	ago := func(d time.Duration) time.Time { return fixedNow.Add(-d) }
	for _, tk := range []store.Ticket{
		{ID: idCard, Title: "Card declined twice", Description: "At the drive-through, twice.\nSecond line.", Tags: []string{"billing", "payment"},
			Status: store.StatusNotStarted, Server: fx.central.ID, Requester: &carl.ID, Priority: "P2", CreatedAt: ago(3 * time.Hour)},
		{ID: idApp, Title: "App crashes on login", Description: "Since the update", Tags: []string{"app"},
			Status: store.StatusInProgress, Server: idDetroit, Team: &team, Requester: &other, CreatedAt: ago(50 * time.Hour)},
		{ID: idFries, Title: "Cold fries", Description: "Order 1234", Tags: []string{"food", "quality"},
			Status: store.StatusComplete, Server: fx.central.ID, Requester: &carl.ID, Priority: "P4", CreatedAt: ago(10 * 24 * time.Hour)},
		{ID: idRefund, Title: "Refund not received", Description: "Waiting two weeks for my REFUND", Tags: []string{"billing", "refund"},
			Status: store.StatusNotStarted, Server: idDetroit, Requester: &other, Priority: "P1", CreatedAt: ago(40 * 24 * time.Hour)},
		{ID: idEscape, Title: "Escape \x1b[31mred\x1b[0m title", Description: "control characters from an old backend",
			Status: store.StatusNotStarted, Server: fx.central.ID, CreatedAt: ago(time.Hour)},
	} {
		if err := st.InsertTicket(ctx, &tk); err != nil {
			t.Fatal(err)
		}
	}
	fx.as("emma")
	return fx
}

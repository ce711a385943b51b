package demodata_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
	"github.com/ticketctl/ticketctl/internal/tickets"
	"github.com/ticketctl/ticketctl/internal/tickets/demodata"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const committed = "../../../testdata/demo"

// TestCommittedFilesAreGenerated fails when testdata/demo is stale:
// regenerate with `go run ./internal/tickets/demogen -out testdata/demo`.
func TestCommittedFilesAreGenerated(t *testing.T) {
	if !reflect.DeepEqual(demodata.Generate(), demodata.Generate()) {
		t.Fatal("Generate is not deterministic")
	}
	dir := t.TempDir()
	if err := demodata.Write(dir, demodata.Generate()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{demodata.ServersFile, demodata.TeamsFile, demodata.AccountsFile, demodata.TicketsFile, demodata.EventsFile} {
		want, err := os.ReadFile(filepath.Join(committed, name))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(filepath.Join(dir, name))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator: run go run ./internal/tickets/demogen -out testdata/demo", name)
		}
	}
}

func TestDatasetIsARealisticCompany(t *testing.T) {
	d := demodata.Generate()
	if len(d.Servers) != 3 || !d.Central.Central || len(d.Teams) != 6 || len(d.Accounts) != 30 || len(d.Tickets) != demodata.NumTickets {
		t.Fatalf("sizes: %d regional servers, %d teams, %d accounts, %d tickets", len(d.Servers), len(d.Teams), len(d.Accounts), len(d.Tickets))
	}
	accounts := map[string]store.Account{}
	for _, a := range d.Accounts {
		accounts[a.ID.Hex()] = a
	}
	teamServer := map[string]string{}
	for _, s := range d.Servers {
		for _, tm := range s.Teams {
			teamServer[tm.Hex()] = s.ID.Hex()
		}
	}
	for _, tm := range d.Teams {
		if len(tm.Skills) == 0 || len(tm.Members) == 0 || teamServer[tm.ID.Hex()] == "" {
			t.Errorf("team %s: skills %v members %d server %q", tm.Name, tm.Skills, len(tm.Members), teamServer[tm.ID.Hex()])
		}
		for _, m := range tm.Members {
			if a := accounts[m.Hex()]; a.Role != store.RoleEmployee || a.Company != tm.Company {
				t.Errorf("team %s member %s is %s of %q", tm.Name, a.Username, a.Role, a.Company)
			}
		}
	}
	byTicket := map[string][]store.Event{}
	for _, e := range d.Events {
		byTicket[e.Ticket.Hex()] = append(byTicket[e.Ticket.Hex()], e)
	}
	statuses := map[string]int{}
	for _, tk := range d.Tickets {
		statuses[tk.Status]++
		if _, err := tickets.ValidateTitle(tk.Title); err != nil {
			t.Errorf("ticket %s: %v", tk.ID.Hex(), err)
		}
		if _, err := tickets.NormalizeTags(tk.Tags); err != nil {
			t.Errorf("ticket %s: %v", tk.ID.Hex(), err)
		}
		evs := byTicket[tk.ID.Hex()]
		if len(evs) == 0 || evs[0].Action != "ticket.create" || int64(len(evs)) != tk.Version {
			t.Fatalf("ticket %s: version %d but %d events", tk.ID.Hex(), tk.Version, len(evs))
		}
		status := store.StatusNotStarted
		for _, e := range evs {
			if e.At.After(demodata.Now) || e.At.Before(tk.CreatedAt) {
				t.Errorf("event %s at %s outside the ticket's life", e.ID.Hex(), e.At)
			}
			if e.Action == "ticket.status" {
				status = e.To
			}
		}
		if status != tk.Status || !tk.UpdatedAt.Equal(evs[len(evs)-1].At) {
			t.Errorf("ticket %s: status %q updated %s, but history ends at %q at %s", tk.ID.Hex(), tk.Status, tk.UpdatedAt,
				status, evs[len(evs)-1].At)
		}
		if tk.Team != nil && teamServer[tk.Team.Hex()] != tk.Server.Hex() {
			t.Errorf("ticket %s: team not on its server", tk.ID.Hex())
		}
		if tk.Server.IsZero() && (tk.Team != nil || tk.Status != store.StatusNotStarted) {
			t.Errorf("ticket %s on central but %q/%v", tk.ID.Hex(), tk.Status, tk.Team)
		}
	}
	for _, s := range tickets.Statuses {
		if statuses[s] < 50 {
			t.Errorf("only %d tickets %q: %v", statuses[s], s, statuses)
		}
	}
}

func TestLoadTwiceThenImport(t *testing.T) {
	st := storetest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	first, err := demodata.Load(ctx, st, committed, demodata.LoadOptions{OnlyDemoAccounts: true})
	if err != nil {
		t.Fatal(err)
	}
	second, err := demodata.Load(ctx, st, committed, demodata.LoadOptions{OnlyDemoAccounts: true})
	if err != nil {
		t.Fatal(err)
	}
	if first.Servers.Added != 3 || first.Teams.Added != 6 || first.Accounts.Added != 30 || first.Events.Present != 0 ||
		second.Servers.Present != 3 || second.Accounts.Present != 30 || second.Events.Added != 0 || second.Events.Present != first.Events.Added {
		t.Fatalf("first %+v second %+v", first, second)
	}
	admin, err := st.GetAccountByUsername(ctx, demodata.AdminUsername)
	if err != nil || admin.Role != store.RoleAdmin || !auth.IsLegacyHash(admin.LegacyPassword) {
		t.Fatalf("admin: %+v %v", admin, err)
	}
	if ok, err := auth.VerifyLegacy(admin.LegacyPassword, demodata.Password); !ok || err != nil {
		t.Fatalf("demo password does not match the stored hash: %v", err)
	}
	f, err := os.Open(filepath.Join(committed, demodata.TicketsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := auth.Principal{ID: admin.ID, Username: admin.Username, Role: admin.Role}
	rep, err := tickets.New(st, nil).Import(ctx, p, f, tickets.ImportOptions{})
	if err != nil || rep.Imported != demodata.NumTickets || len(rep.IgnoredFields) != 0 {
		t.Fatalf("import: %+v %v", rep.Imported, err)
	}
	central, _ := st.CentralServer(ctx)
	n, _ := st.CountTickets(ctx, store.TicketFilter{Server: &central.ID, Statuses: []string{store.StatusNotStarted}})
	if n < 50 {
		t.Errorf("only %d tickets waiting on the central server", n)
	}
	moves, err := st.TicketEvents(ctx, demodata.Generate().Tickets[0].ID)
	if err != nil || len(moves) < 2 || !strings.HasPrefix(moves[1].From, central.ID.Hex()) {
		t.Fatalf("history of the first ticket: %+v %v", moves, err)
	}
}

func TestLoadRefusesADatabaseWithOtherAccounts(t *testing.T) {
	st := storetest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := st.InsertAccount(ctx, &store.Account{Username: "real.person", Role: store.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	_, err := demodata.Load(ctx, st, committed, demodata.LoadOptions{OnlyDemoAccounts: true})
	if !errors.Is(err, fault.ErrDenied) {
		t.Fatalf("load into a database with a real account: %v", err)
	}
	if n, _ := st.CollectionCounts(ctx); n[store.CollAccounts] != 1 {
		t.Fatalf("accounts after refusal: %d", n[store.CollAccounts])
	}
}

package demo_test

import (
	"strings"
	"testing"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
	"github.com/ticketctl/ticketctl/internal/tickets/demodata"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const dir = "../../../testdata/demo"

// TestDemoFlow is what scripts/demo.sh does, twice, against the test
// database: load, log in with the demo password, import, list.
func TestDemoFlow(t *testing.T) {
	e := clitest.NewEmpty(t, storetest.Open(t))
	for run := 1; run <= 2; run++ {
		r := e.Must("demo", "load", dir)
		want := "accounts: 30 added, 0 already present"
		if run == 2 {
			want = "accounts: 0 added, 30 already present"
		}
		if !strings.Contains(r.Out, want) {
			t.Fatalf("run %d: load printed %q", run, r.Out)
		}
		e.Must("init")
		r = e.RunStdin(demodata.Password+"\n", "login", "--username", demodata.AdminUsername, "--password-stdin")
		if r.Code != 0 {
			t.Fatalf("run %d: login: %d %s", run, r.Code, r.Err)
		}
		r = e.Must("tickets", "import", dir+"/tickets.ndjson", "--skip-existing", "-o", "json", "--jq", ".imported + .skipped_existing")
		if strings.TrimSpace(r.Out) != "500" {
			t.Fatalf("run %d: import: %q", run, r.Out)
		}
	}
	r := e.Must("tickets", "list", "--all", "-o", "ids")
	if n := len(strings.Fields(r.Out)); n != demodata.NumTickets {
		t.Fatalf("%d tickets listed, want %d", n, demodata.NumTickets)
	}
	r = e.Must("servers", "list", "--counts", "-o", "json", "--jq", ".[] | .name")
	if r.Out != "iowa-central\ndetroit\ndublin\nportland\n" {
		t.Errorf("servers: %q", r.Out)
	}
	r = e.Must("tickets", "list", "--server", "iowa-central", "--status", "not-started", "--all", "-o", "ids")
	if n := len(strings.Fields(r.Out)); n < 50 {
		t.Errorf("only %d tickets to distribute", n)
	}
}

func TestDemoLoadRefusesARealDatabase(t *testing.T) {
	e := clitest.New(t)
	e.Login("someone", store.RoleAdmin, "Real Inc")
	r := e.Run("demo", "load", dir)
	if r.Code != 4 || !strings.Contains(r.Err, "published") {
		t.Fatalf("demo load into a database with accounts: %d %q", r.Code, r.Err)
	}
	if r := e.Run("demo", "load", "/nonexistent"); r.Code != 2 {
		t.Errorf("missing directory: %d %q", r.Code, r.Err)
	}
}

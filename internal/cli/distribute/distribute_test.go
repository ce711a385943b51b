package distribute_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

type world struct {
	e               *clitest.Env
	central         store.Server
	detroit, austin store.Server
	billing, netops store.Team
	tickets         []store.Ticket
}

func ctxT(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return c
}

// newWorld: central, detroit (billing team) and austin (netops team), n
// tickets on central whose tags cycle through billing / outage / other.
func newWorld(t *testing.T, n int) *world {
	t.Helper()
	e := clitest.New(t)
	c := ctxT(t)
	w := &world{e: e}
	var err error
	if w.central, err = e.Store.CentralServer(c); err != nil {
		t.Fatal(err)
	}
	staff := []bson.ObjectID{bson.NewObjectID(), bson.NewObjectID()}
	w.billing = store.Team{Name: "billing", Company: "acme", Category: "billing", Members: staff, Skills: []string{"billing", "refund"}}
	w.netops = store.Team{Name: "netops", Company: "acme", Category: "network", Members: staff[:1], Skills: []string{"outage"}}
	for _, tm := range []*store.Team{&w.billing, &w.netops} {
		if err := e.Store.InsertTeam(c, tm); err != nil {
			t.Fatal(err)
		}
	}
	w.detroit = store.Server{Name: "detroit", Region: "us-east-2", Teams: []bson.ObjectID{w.billing.ID}}
	w.austin = store.Server{Name: "austin", Region: "us-south-1", Teams: []bson.ObjectID{w.netops.ID}}
	for _, sv := range []*store.Server{&w.detroit, &w.austin} {
		if err := e.Store.InsertServer(c, sv); err != nil {
			t.Fatal(err)
		}
	}
	tags := [][]string{{"billing"}, {"outage"}, {"other"}}
	base := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	w.tickets = make([]store.Ticket, n)
	for i := range w.tickets {
		w.tickets[i] = store.Ticket{Title: fmt.Sprintf("ticket %03d", i), Description: "d", Tags: tags[i%3],
			Status: store.StatusNotStarted, Server: w.central.ID, CreatedAt: base.Add(time.Duration(i) * time.Minute)}
	}
	for start := 0; start < n; start += 500 {
		if _, err := e.Store.InsertTickets(c, w.tickets[start:min(n, start+500)]); err != nil {
			t.Fatal(err)
		}
	}
	e.Login("eve", store.RoleEmployee, "acme")
	return w
}

type summary struct {
	Moved          int            `json:"moved"`
	Skipped        int            `json:"skipped"`
	Failed         int            `json:"failed"`
	Left           int            `json:"left"`
	Planned        int            `json:"planned"`
	SkippedReasons map[string]int `json:"skipped_reasons"`
	LeftReasons    map[string]int `json:"left_reasons"`
	Items          []struct {
		Ticket string `json:"ticket"`
		Result string `json:"result"`
	} `json:"items"`
}

func parse(t *testing.T, r clitest.Result) summary {
	t.Helper()
	var s summary
	if err := json.Unmarshal([]byte(r.Out), &s); err != nil {
		t.Fatalf("summary is not JSON (exit %d, stderr %q): %v\n%s", r.Code, r.Err, err, r.Out)
	}
	return s
}

func TestManualMovesFromStdin(t *testing.T) {
	w := newWorld(t, 6)
	ids := w.tickets[0].ID.Hex() + "\n\n" + w.tickets[1].ID.Hex() + "\n"
	r := w.e.RunStdin(ids, "distribute", "-", "--to", "detroit", "--team", "billing", "-o", "json")
	s := parse(t, r)
	if r.Code != 0 || s.Moved != 2 || len(s.Items) != 2 {
		t.Fatalf("exit %d: %+v %s", r.Code, s, r.Err)
	}
	got, _ := w.e.Store.GetTicket(ctxT(t), w.tickets[0].ID)
	if got.Server != w.detroit.ID || got.Team == nil || *got.Team != w.billing.ID {
		t.Fatalf("ticket not moved: %+v", got)
	}
	// Again: converges, nothing moves twice.
	r = w.e.RunStdin(ids, "distribute", "-", "--to", "detroit", "--team", "billing", "-o", "json")
	if s := parse(t, r); r.Code != 0 || s.Moved != 0 || s.SkippedReasons["already on detroit"] != 2 {
		t.Fatalf("second run exit %d: %+v", r.Code, s)
	}
	// Arguments work too, and the history shows the move.
	w.e.Must("distribute", w.tickets[2].ID.Hex(), "--to", "austin")
	hist := w.e.Must("tickets", "history", w.tickets[2].ID.Hex(), "-o", "json")
	if !strings.Contains(hist.Out, `"ticket.move"`) {
		t.Errorf("history lacks the move: %s", hist.Out)
	}
}

func TestManualMoveErrors(t *testing.T) {
	w := newWorld(t, 2)
	id := w.tickets[0].ID.Hex()
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"bad id argument", "", []string{"distribute", "nope", "--to", "detroit"}, 2, `ticket id "nope" is not an id`},
		{"bad id on stdin", id + "\nxyz\n", []string{"distribute", "-", "--to", "detroit"}, 2, "stdin line 2"},
		{"no destination", "", []string{"distribute", id}, 2, "--to SERVER is required"},
		{"unknown server", "", []string{"distribute", id, "--to", "mars"}, 3, `server "mars": not found`},
		{"team of another server", "", []string{"distribute", id, "--to", "detroit", "--team", "netops"}, 2, "not a team of server detroit"},
		{"ids and filters", "", []string{"distribute", id, "--tag", "billing", "--to", "detroit"}, 2, "not both"},
		{"bulk without --yes in a script", "", []string{"distribute", "--tag", "billing", "--to", "detroit"}, 2, "--yes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.e.RunStdin(tc.stdin, tc.args...)
			if r.Code != tc.code || !strings.Contains(r.Err, tc.msg) {
				t.Fatalf("exit %d, stderr %q; want %d containing %q", r.Code, r.Err, tc.code, tc.msg)
			}
		})
	}
	// A customer may not move tickets.
	w.e.Login("carl", store.RoleCustomer, "")
	if r := w.e.Run("distribute", id, "--to", "detroit"); r.Code != 4 {
		t.Fatalf("customer: exit %d %s", r.Code, r.Err)
	}
}

func TestBulkMoveByFilter(t *testing.T) {
	w := newWorld(t, 9)
	r := w.e.Run("distribute", "--tag", "outage", "--to", "austin", "--team", "netops", "--dry-run", "-o", "json")
	if s := parse(t, r); r.Code != 0 || s.Planned != 3 || s.Moved != 0 {
		t.Fatalf("dry run: %d %+v", r.Code, s)
	}
	r = w.e.Run("distribute", "--tag", "outage", "--to", "austin", "--team", "netops", "--yes", "-o", "json")
	if s := parse(t, r); r.Code != 0 || s.Moved != 3 {
		t.Fatalf("bulk: %d %+v %s", r.Code, s, r.Err)
	}
	n, _ := w.e.Store.CountTickets(ctxT(t), store.TicketFilter{Server: &w.austin.ID})
	if n != 3 {
		t.Fatalf("%d tickets on austin", n)
	}
	table := w.e.Must("distribute", "--tag", "outage", "--to", "austin", "--yes")
	if !strings.HasPrefix(table.Out, "moved      0\n") {
		t.Errorf("table summary: %q", table.Out)
	}
}

// planView is the part of a plan that does not depend on generated ids.
const planView = `.[] | [.title, .action, .to_name, .team_name, .strategy, (.reasons | join("; "))] | @tsv`

func TestPlanStrategiesGolden(t *testing.T) {
	w := newWorld(t, 6)
	w.e.Login("ada", store.RoleAdmin, "acme")
	w.e.Must("distribute", "rules", "add", "--tag", "other", "--to", "austin", "--order", "5")
	w.e.Login("eve2", store.RoleEmployee, "acme")
	tests := []struct {
		name       string
		strategies string
	}{
		{"rules_skills", "rules,skills"},
		{"skills_least_loaded", "skills,least-loaded"},
		{"round_robin", "round-robin"},
		{"skills_only", "skills"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.e.Must("distribute", "plan", "--strategy", tc.strategies, "-o", "json", "--jq", planView)
			clitest.Golden(t, "plan_"+tc.name, r.Out, *update)
		})
	}
	// Redirected, a plan is JSON that apply reads back.
	plain := w.e.Must("distribute", "plan", "--strategy", "skills")
	var entries []map[string]any
	if err := json.Unmarshal([]byte(plain.Out), &entries); err != nil || len(entries) != 6 {
		t.Fatalf("piped plan is not a JSON array of 6: %v\n%s", err, plain.Out)
	}
	if r := w.e.Run("distribute", "plan", "--strategy", "telepathy"); r.Code != 2 || !strings.Contains(r.Err, "valid strategies are") {
		t.Fatalf("unknown strategy: %d %q", r.Code, r.Err)
	}
}

func TestApplySkipsStaleEntries(t *testing.T) {
	w := newWorld(t, 6)
	plan := w.e.Must("distribute", "plan", "--strategy", "skills,least-loaded", "-o", "ndjson").Out
	path := filepath.Join(t.TempDir(), "plan.ndjson")
	if err := os.WriteFile(path, []byte(plan), 0o600); err != nil {
		t.Fatal(err)
	}
	// Work starts on one ticket after the plan was made.
	w.e.Must("tickets", "status", w.tickets[0].ID.Hex(), "in-progress")
	r := w.e.Run("distribute", "apply", path, "--yes", "-o", "json")
	s := parse(t, r)
	if r.Code != 0 || s.Moved != 5 || s.SkippedReasons["changed since planned"] != 1 {
		t.Fatalf("apply: %d %+v %s", r.Code, s, r.Err)
	}
	got, _ := w.e.Store.GetTicket(ctxT(t), w.tickets[0].ID)
	if got.Server != w.central.ID || got.Status != store.StatusInProgress {
		t.Fatalf("stale entry overwrote the ticket: %+v", got)
	}
	// Applying the same plan again moves nothing.
	r = w.e.RunStdin(plan, "distribute", "apply", "-", "--yes", "-o", "json")
	if s := parse(t, r); r.Code != 0 || s.Moved != 0 || s.Skipped != 6 {
		t.Fatalf("re-apply: %d %+v", r.Code, s)
	}
	if r := w.e.RunStdin(`{"ticket":"nope"}`, "distribute", "apply", "-", "--yes"); r.Code != 2 || !strings.Contains(r.Err, "entry 1") {
		t.Fatalf("malformed plan: %d %q", r.Code, r.Err)
	}
}

func TestAutoConverges(t *testing.T) {
	w := newWorld(t, 9)
	before := w.e.Must("distribute", "auto", "--dry-run", "--strategy", "skills", "-o", "json")
	if s := parse(t, before); s.Planned != 6 || s.Left != 3 || s.Moved != 0 {
		t.Fatalf("dry run: %+v", s)
	}
	r := w.e.Run("distribute", "auto", "--strategy", "skills", "--yes", "-o", "json")
	s := parse(t, r)
	if r.Code != 0 || s.Moved != 6 || s.Left != 3 || s.LeftReasons["skills: no team's skills overlap tags [other]"] != 3 {
		t.Fatalf("auto: %d %+v", r.Code, s)
	}
	r = w.e.Run("distribute", "auto", "--strategy", "skills", "--yes", "-o", "json")
	if s := parse(t, r); r.Code != 0 || s.Moved != 0 || s.Left != 3 {
		t.Fatalf("second auto: %d %+v", r.Code, s)
	}
	if r := w.e.Run("distribute", "auto", "--strategy", "skills"); r.Code != 2 {
		t.Fatalf("auto without --yes in a script: exit %d", r.Code)
	}
}

// TestTwoProcesses runs two real ticketctl processes against the same
// server at the same time, as overlapping cron jobs would.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and moves 2,000 tickets")
	}
	const n = 2000
	w := newWorld(t, n)
	bin := filepath.Join(t.TempDir(), "ticketctl")
	build := exec.Command("go", "build", "-o", bin, "github.com/ticketctl/ticketctl/cmd/ticketctl")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	var env []string
	for k, v := range w.e.Vars {
		env = append(env, k+"="+v)
	}
	env = append(env, "PATH="+os.Getenv("PATH"))
	outs := make([]summary, 2)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(bin, "distribute", "auto", "--strategy", "skills,round-robin", "--yes", "-o", "json", "--batch-size", "200")
			cmd.Env = env
			out, err := cmd.Output()
			if err != nil {
				t.Errorf("process %d: %v", i, err)
			}
			if err := json.Unmarshal(out, &outs[i]); err != nil {
				t.Errorf("process %d output: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if outs[0].Moved+outs[1].Moved != n {
		t.Fatalf("moved %d + %d, want %d in total", outs[0].Moved, outs[1].Moved, n)
	}
	c := ctxT(t)
	if left, _ := w.e.Store.CountTickets(c, store.TicketFilter{Server: &w.central.ID}); left != 0 {
		t.Fatalf("%d tickets left on central", left)
	}
	counts, err := w.e.Store.MoveEventCounts(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != n {
		t.Fatalf("%d tickets have move events, want %d", len(counts), n)
	}
	for id, k := range counts {
		if k != 1 {
			t.Fatalf("ticket %s has %d move events", id.Hex(), k)
		}
	}
}

// TestNDJSONStreamsItems: -o ndjson prints each item as it is decided and
// the summary last, so cron logs of huge runs need no memory for items.
func TestNDJSONStreamsItems(t *testing.T) {
	w := newWorld(t, 6)
	r := w.e.Run("distribute", "auto", "--strategy", "skills", "--yes", "-o", "ndjson")
	lines := strings.Split(strings.TrimSpace(r.Out), "\n")
	if r.Code != 0 || len(lines) != 7 {
		t.Fatalf("exit %d, %d lines:\n%s", r.Code, len(lines), r.Out)
	}
	results := map[string]int{}
	for _, l := range lines[:6] {
		var it struct {
			Ticket string `json:"ticket"`
			Result string `json:"result"`
		}
		if err := json.Unmarshal([]byte(l), &it); err != nil || it.Ticket == "" {
			t.Fatalf("item line %q: %v", l, err)
		}
		results[it.Result]++
	}
	var s summary
	if err := json.Unmarshal([]byte(lines[6]), &s); err != nil || s.Moved != 4 || s.Left != 2 || len(s.Items) != 0 {
		t.Fatalf("summary line %q: %+v %v", lines[6], s, err)
	}
	if results["moved"] != 4 || results["left"] != 2 {
		t.Fatalf("item results %v", results)
	}
}

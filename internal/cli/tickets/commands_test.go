package tickets_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/store"
)

func TestCreate(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("carl")
	r := e.Must("tickets", "create", "--title", "Milkshake machine broken", "--description", "Again.\nThird time.", "--tag", "Food,machine", "--tag", "food")
	id := strings.TrimSpace(r.Out)
	if len(id) != 24 {
		t.Fatalf("create printed %q, want an id", r.Out)
	}
	var got map[string]any
	r = e.Must("tickets", "get", id, "-o", "json")
	if err := json.Unmarshal([]byte(r.Out), &got); err != nil {
		t.Fatal(err)
	}
	if got["status"] != "not started" || got["server"] != fx.central.ID.Hex() || got["requester"] != fx.accounts["carl"].ID.Hex() ||
		got["version"] != float64(1) || fmt.Sprint(got["tags"]) != "[food machine]" || got["description"] != "Again.\nThird time." {
		t.Fatalf("created ticket: %v", got)
	}

	r = e.RunStdin(`{"title":"From a script","description":"piped","tags":["app"]}`, "tickets", "create", "--from-file", "-", "-o", "json")
	if r.Code != 0 || !strings.Contains(r.Out, `"title": "From a script"`) || !strings.Contains(r.Out, `"version": 1`) {
		t.Fatalf("--from-file -: %d %q %q", r.Code, r.Out, r.Err)
	}
	file := filepath.Join(t.TempDir(), "t.json")
	os.WriteFile(file, []byte(`{"title":"From a file","description":"x"}`), 0o600)
	e.Must("tickets", "create", "--from-file", file)

	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"no title", "", []string{"--description", "x"}, 2, "--title and --description are required"},
		{"empty title", "", []string{"--title", " ", "--description", "x"}, 2, "title is empty"},
		{"long title", "", []string{"--title", strings.Repeat("a", 201), "--description", "x"}, 2, "at most 200"},
		{"long description", "", []string{"--title", "t", "--description", strings.Repeat("a", 20001)}, 2, "at most 20000"},
		{"escape in title", "", []string{"--title", "a\x1b[2Jb", "--description", "x"}, 2, "control character"},
		{"invalid utf8", "", []string{"--title", "a\xffb", "--description", "x"}, 2, "not valid UTF-8"},
		{"bad tag", "", []string{"--title", "t", "--description", "x", "--tag", "no_underscores"}, 2, "tag"},
		{"customer priority", "", []string{"--title", "t", "--description", "x", "--priority", "P1"}, 4, "priority"},
		{"file and flags", "{}", []string{"--from-file", "-", "--title", "t"}, 2, "exclude each other"},
		{"unknown json field", `{"title":"t","description":"d","status":"complete"}`, []string{"--from-file", "-"}, 2, "unknown field"},
		{"not json", `title: t`, []string{"--from-file", "-"}, 2, "want one JSON object"},
		{"wrong json type", `{"title":1}`, []string{"--from-file", "-"}, 2, "field title: want a string, got a JSON number"},
		{"tags not a list", `{"title":"t","tags":"a"}`, []string{"--from-file", "-"}, 2, "field tags: want a list of strings, got a JSON string"},
		{"empty stdin", "", []string{"--from-file", "-"}, 2, "the input is empty"},
		{"missing file", "", []string{"--from-file", "/nonexistent/t.json"}, 2, "no such file"},
	}
	for _, tc := range tests {
		r := e.RunStdin(tc.stdin, append([]string{"tickets", "create"}, tc.args...)...)
		if r.Code != tc.code || !strings.Contains(r.Err, tc.want) {
			t.Errorf("%s: exit %d %q, want %d and %q", tc.name, r.Code, r.Err, tc.code, tc.want)
		}
	}
	// Employees may set priority and severity.
	e = fx.as("emma")
	r = e.Must("tickets", "create", "--title", "Outage", "--description", "all stores", "--priority", "p1", "--severity", "Critical", "-o", "json", "--jq", ".priority + \" \" + .severity")
	if r.Out != "P1 critical\n" {
		t.Errorf("employee create: %q", r.Out)
	}
	delete(e.Vars, "TICKETCTL_TOKEN")
	if r := e.Run("tickets", "create", "--title", "t", "--description", "d"); r.Code != 4 {
		t.Errorf("anonymous create: exit %d", r.Code)
	}
}

func TestGet(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("emma")
	for _, tty := range []bool{true, false} {
		r := e.RunWith(clitest.Options{TTY: tty}, "tickets", "get", idCard.Hex())
		if r.Code != 0 {
			t.Fatalf("exit %d %s", r.Code, r.Err)
		}
		clitest.Golden(t, fmt.Sprintf("TestGet_tty_%v", tty), fx.scrub(r.Out), *update)
	}
	r := e.Must("tickets", "get", idEscape.Hex())
	if strings.Contains(r.Out, "\x1b") {
		t.Errorf("escape sequence reached the terminal: %q", r.Out)
	}
	r = e.Must("tickets", "get", idCard.Hex(), "-o", "json")
	clitest.Golden(t, "TestGet_json", fx.scrub(r.Out), *update)
	if r := e.Run("tickets", "get", "not-an-id"); r.Code != 2 || !strings.Contains(r.Err, `ticket id "not-an-id"`) {
		t.Errorf("bad id: %d %q", r.Code, r.Err)
	}
	if r := e.Run("tickets", "get", idOther.Hex()); r.Code != 3 {
		t.Errorf("missing ticket: %d %q", r.Code, r.Err)
	}
	e = fx.as("carl")
	e.Must("tickets", "get", idCard.Hex())
	if r := e.Run("tickets", "get", idApp.Hex()); r.Code != 3 {
		t.Errorf("customer get of another's ticket: %d %q, want 3", r.Code, r.Err)
	}
}

func TestStatusAndHistory(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("emma")
	r := e.Must("tickets", "status", idCard.Hex(), "in-progress", "--note", "calling the bank")
	if r.Out != "ticket "+idCard.Hex()+": status not started → in progress (version 2)\n" {
		t.Errorf("status: %q", r.Out)
	}
	r = e.Must("tickets", "status", idCard.Hex(), "in progress")
	if !strings.Contains(r.Out, "status unchanged (in progress)") {
		t.Errorf("same status: %q", r.Out)
	}
	e.Now = fixedNow.Add(time.Hour)
	r = e.Must("tickets", "status", idCard.Hex(), "complete", "--expect-version", "2", "-o", "json")
	var ch struct {
		Changed bool   `json:"changed"`
		From    string `json:"from"`
		To      string `json:"to"`
		Ticket  struct {
			Version int `json:"version"`
		} `json:"ticket"`
	}
	if err := json.Unmarshal([]byte(r.Out), &ch); err != nil || !ch.Changed || ch.From != "in progress" || ch.To != "complete" || ch.Ticket.Version != 3 {
		t.Errorf("status -o json: %q %v", r.Out, err)
	}
	r = e.Run("tickets", "status", idCard.Hex(), "not-started", "--expect-version", "2")
	if r.Code != 5 || !strings.Contains(r.Err, "changed meanwhile: expected version 2, found 3") {
		t.Errorf("stale version: %d %q", r.Code, r.Err)
	}
	for _, args := range [][]string{{idCard.Hex(), "done"}, {"xyz", "complete"}, {idCard.Hex()}, {idCard.Hex(), "complete", "--note", "a\nb"}} {
		if r := e.Run(append([]string{"tickets", "status"}, args...)...); r.Code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.Code)
		}
	}
	if r := e.Run("tickets", "status", idOther.Hex(), "complete"); r.Code != 3 {
		t.Errorf("missing: exit %d", r.Code)
	}
	for _, tty := range []bool{true, false} {
		r := e.RunWith(clitest.Options{TTY: tty}, "tickets", "history", idCard.Hex())
		if r.Code != 0 {
			t.Fatalf("history: %d %s", r.Code, r.Err)
		}
		clitest.Golden(t, fmt.Sprintf("TestHistory_tty_%v", tty), fx.scrub(r.Out), *update)
	}
	r = e.Must("tickets", "history", idCard.Hex(), "-o", "json", "--jq", `[.[] | .action] | join(" ")`)
	if r.Out != "ticket.status ticket.status\n" {
		t.Errorf("history actions: %q", r.Out)
	}

	e = fx.as("carl")
	if r := e.Run("tickets", "status", idCard.Hex(), "complete"); r.Code != 4 {
		t.Errorf("customer status change: exit %d %q", r.Code, r.Err)
	}
	e.Must("tickets", "history", idCard.Hex())
	if r := e.Run("tickets", "history", idApp.Hex()); r.Code != 3 {
		t.Errorf("customer history of another's ticket: exit %d", r.Code)
	}
}

func TestTag(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("emma")
	r := e.Must("tickets", "tag", idCard.Hex(), "--add", "Urgent,chargeback", "--remove", "payment")
	if r.Out != "ticket "+idCard.Hex()+": tags billing,payment → billing,urgent,chargeback (version 2)\n" {
		t.Errorf("tag: %q", r.Out)
	}
	r = e.Must("tickets", "history", idCard.Hex(), "-o", "json", "--jq", ".[-1].note")
	if r.Out != "+urgent +chargeback -payment\n" {
		t.Errorf("tag event note: %q", r.Out)
	}
	for _, args := range [][]string{{idCard.Hex()}, {idCard.Hex(), "--add", "bad tag"}, {idCard.Hex(), "--add", "x", "--remove", "x"}} {
		if r := e.Run(append([]string{"tickets", "tag"}, args...)...); r.Code != 2 {
			t.Errorf("%v: exit %d %q, want 2", args, r.Code, r.Err)
		}
	}
	if r := e.Run("tickets", "tag", idCard.Hex(), "--add", "x", "--expect-version", "1"); r.Code != 5 {
		t.Errorf("stale tag: exit %d", r.Code)
	}
}

func TestDelete(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("emma")
	// Pipe without --yes: refused, nothing deleted.
	r := e.Run("tickets", "delete", idFries.Hex())
	if r.Code != 2 || !strings.Contains(r.Err, "--yes") {
		t.Errorf("no --yes in a pipe: %d %q", r.Code, r.Err)
	}
	// Terminal, answer no.
	r = e.RunWith(clitest.Options{TTY: true, Stdin: "n\n"}, "tickets", "delete", idFries.Hex())
	if r.Code == 0 || !strings.Contains(r.Err, "Delete ticket "+idFries.Hex()+"?") {
		t.Errorf("answered no: %d %q", r.Code, r.Err)
	}
	e.Must("tickets", "get", idFries.Hex())
	// Not complete: refused without --force.
	r = e.Run("tickets", "delete", idCard.Hex(), "--yes")
	if r.Code != 2 || !strings.Contains(r.Err, "not complete") || !strings.Contains(r.Err, "--force") {
		t.Errorf("incomplete: %d %q", r.Code, r.Err)
	}
	r = e.Must("tickets", "delete", idCard.Hex(), "--force", "--dry-run")
	if !strings.HasPrefix(r.Out, "would delete ticket "+idCard.Hex()) {
		t.Errorf("dry run: %q", r.Out)
	}
	// Terminal, answer yes.
	r = e.RunWith(clitest.Options{TTY: true, Stdin: "y\n"}, "tickets", "delete", idFries.Hex())
	if r.Code != 0 || r.Out != "deleted ticket "+idFries.Hex()+" (Cold fries)\n" {
		t.Errorf("answered yes: %d %q %q", r.Code, r.Out, r.Err)
	}
	if r := e.Run("tickets", "get", idFries.Hex()); r.Code != 3 {
		t.Errorf("deleted ticket still there: %d", r.Code)
	}
	r = e.Must("tickets", "history", idFries.Hex(), "-o", "json", "--jq", ".[-1] | .action + \" \" + .from + \" \" + .note")
	if r.Out != "ticket.delete complete title: Cold fries\n" {
		t.Errorf("delete event: %q", r.Out)
	}
	// Several ids from stdin, some failing: per-item results, exit 7.
	in := idRefund.Hex() + "\n\n# comment\n" + idFries.Hex() + "\n" + idApp.Hex() + "\n"
	r = e.RunWith(clitest.Options{Stdin: in}, "tickets", "delete", "-", "--yes", "--force", "-o", "json")
	var res []struct {
		ID     string `json:"id"`
		Result string `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.Out), &res); err != nil {
		t.Fatalf("results: %q %v", r.Out, err)
	}
	if r.Code != 7 || len(res) != 3 || res[0].Result != "deleted" || res[1].Result != "failed" || res[2].Result != "deleted" {
		t.Errorf("bulk delete: exit %d %+v %q", r.Code, res, r.Err)
	}
	if r := e.Run("tickets", "delete", "-", "--yes"); r.Code != 2 {
		t.Errorf("no ids on stdin: %d", r.Code)
	}
	if r := e.Run("tickets", "delete", "123", "--yes"); r.Code != 2 || !strings.Contains(r.Err, `ticket id "123"`) {
		t.Errorf("bad id: %d %q", r.Code, r.Err)
	}
	if r := fx.as("carl").Run("tickets", "delete", idCard.Hex(), "--yes"); r.Code != 4 {
		t.Errorf("customer delete: %d", r.Code)
	}
}

func TestImportExport(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("emma")
	exp := e.Must("tickets", "export", "--tag", "billing")
	lines := strings.Split(strings.TrimSpace(exp.Out), "\n")
	if len(lines) != 2 {
		t.Fatalf("export --tag billing: %q", exp.Out)
	}
	for _, want := range []string{`{"_id":{"$oid":"` + idRefund.Hex() + `"}`, `"created_at":{"$date":"2026-10-20T12:00:00Z"}`,
		`"server":{"$oid":"` + idDetroit.Hex() + `"}`, `"version":1`} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("export line %s lacks %s", lines[0], want)
		}
	}
	canon := e.Must("tickets", "export", "--limit", "1", "--canonical")
	if !strings.Contains(canon.Out, `"version":{"$numberLong":"1"}`) || !strings.Contains(canon.Out, `{"$date":{"$numberLong":"`) {
		t.Errorf("canonical export: %q", canon.Out)
	}
	// Re-importing what exists is a conflict (exit 5) and overwrites nothing.
	r := e.RunStdin(exp.Out, "tickets", "import", "-")
	if r.Code != 5 || !strings.Contains(r.Err, "line 1 ("+idRefund.Hex()+"): conflict") || !strings.Contains(r.Err, "--skip-existing") {
		t.Errorf("re-import: %d %q", r.Code, r.Err)
	}
	r = e.RunStdin(exp.Out, "tickets", "import", "-", "--skip-existing")
	if r.Code != 0 || r.Out != "imported 0 of 2 tickets from stdin (2 already present, skipped)\n" {
		t.Errorf("re-import --skip-existing: %d %q %q", r.Code, r.Out, r.Err)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ndjson")
	os.WriteFile(bad, []byte(`{"title":"fine","description":"d","status":"in-progress","tags":["Billing"]}
{"title":"","description":"d"}

{"title":"ok too","description":"d","server":{"$oid":"`+idDetroit.Hex()+`"},"__v":3}
{"title":"x","description":"d","tags":"not-a-list"}
`), 0o600)
	r = e.Run("tickets", "import", bad)
	if r.Code != 2 || !strings.Contains(r.Err, "line 2: invalid: title is empty") || !strings.Contains(r.Err, "line 5: invalid: field tags") ||
		!strings.Contains(r.Err, "2 of 4 records not importable") {
		t.Errorf("invalid import: %d %q", r.Code, r.Err)
	}
	// One error per line on stderr, not an escaped "\n" between them.
	if strings.Contains(r.Err, `\n`) || !strings.Contains(r.Err, "\nline 5: invalid") {
		t.Errorf("import errors are not one per line: %q", r.Err)
	}
	r = e.Must("tickets", "import", bad, "--skip-invalid", "--dry-run")
	if r.Out != "would import 2 of 4 tickets from "+bad+" (2 not importable, skipped)\n" || !strings.Contains(r.Err, "ignored fields that tickets do not have: __v") {
		t.Errorf("dry run: %q %q", r.Out, r.Err)
	}
	before := e.Must("tickets", "list", "--all", "-o", "ids").Out
	r = e.Must("tickets", "import", bad, "--skip-invalid", "-o", "json")
	var rep struct {
		Imported int `json:"imported"`
		Errors   []struct {
			Line int `json:"line"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.Out), &rep); err != nil || rep.Imported != 2 || len(rep.Errors) != 2 || rep.Errors[1].Line != 5 {
		t.Errorf("import -o json: %q %v", r.Out, err)
	}
	after := e.Must("tickets", "list", "--all", "-o", "ids").Out
	if len(strings.Fields(after)) != len(strings.Fields(before))+2 {
		t.Errorf("import added %d tickets, want 2", len(strings.Fields(after))-len(strings.Fields(before)))
	}
	r = e.Must("tickets", "list", "--search", "ok too", "-o", "json", "--jq", ".[0].server")
	if strings.TrimSpace(r.Out) != idDetroit.Hex() {
		t.Errorf("imported server: %q", r.Out)
	}
	if r := e.Run("tickets", "import", filepath.Join(dir, "missing.ndjson")); r.Code != 2 {
		t.Errorf("missing file: %d", r.Code)
	}
	if r := e.RunStdin("[\n{\"title\":\"a\",\"description\":\"b\"},\n{oops}\n]", "tickets", "import", "-"); r.Code != 2 || !strings.Contains(r.Err, "line 3") {
		t.Errorf("broken array: %d %q", r.Code, r.Err)
	}
	if r := fx.as("carl").RunStdin(exp.Out, "tickets", "import", "-"); r.Code != 4 {
		t.Errorf("customer import: %d", r.Code)
	}
	if r := fx.as("carl").Run("tickets", "export"); r.Code != 4 {
		t.Errorf("customer export: %d", r.Code)
	}
}

// TestForeignDocumentThroughCommands: a ticket as another backend writes
// it is listed, shown, updated and exported by the commands.
func TestForeignDocumentThroughCommands(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("emma")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	id, err := e.Store.InsertTicketJSON(ctx, []byte(`{"title":"Legacy","description":"from express","tags":["billing"],
		"created_at":{"$date":"2025-08-16T00:45:47Z"},"status":"not started","server":{"$oid":"`+fx.central.ID.Hex()+`"}}`))
	if err != nil {
		t.Fatal(err)
	}
	r := e.Must("tickets", "list", "--created-before", "2026-01-01", "--status", "not-started")
	if !strings.Contains(r.Out, id.Hex()+"\tLegacy\tnot started\t\tbilling\tcentral\t2025-08-16T00:45:47Z") {
		t.Errorf("list: %q", r.Out)
	}
	if r := e.Must("tickets", "get", id.Hex(), "-o", "json", "--jq", ".version"); r.Out != "0\n" {
		t.Errorf("version of a foreign document: %q", r.Out)
	}
	e.Must("tickets", "status", id.Hex(), "in-progress")
	e.Must("tickets", "tag", id.Hex(), "--add", "legacy")
	r = e.Must("tickets", "export", "--search", "Legacy")
	if !strings.Contains(r.Out, `"status":"in progress"`) || !strings.Contains(r.Out, `"version":2`) ||
		!strings.Contains(r.Out, `"tags":["billing","legacy"]`) || !strings.Contains(r.Out, `"created_at":{"$date":"2025-08-16T00:45:47Z"}`) {
		t.Errorf("export after updates: %q", r.Out)
	}
	var got store.Ticket
	got, err = e.Store.GetTicket(ctx, id)
	if err != nil || got.Version != 2 || got.Status != store.StatusInProgress {
		t.Errorf("stored: %+v %v", got, err)
	}
}

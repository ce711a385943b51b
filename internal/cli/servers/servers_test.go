package servers_test

import (
	"context"
	"encoding/json"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

// setup logs in an admin and returns a function that replaces the ids
// that change between runs.
func setup(t *testing.T) (*clitest.Env, func(string) string) {
	e := clitest.New(t)
	e.Login("ada", store.RoleAdmin, "Lakeside")
	ids := map[string]string{}
	scrub := func(s string) string {
		for hex, name := range ids {
			s = strings.ReplaceAll(s, hex, name)
		}
		return s
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := e.Store.CentralServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids[c.ID.Hex()] = "<central>"
	for _, c := range []struct {
		label string
		args  []string
	}{
		{"detroit", []string{"servers", "create", "detroit", "--region", "us-east-2"}},
		{"dublin", []string{"servers", "create", "dublin", "--region", "eu-west-1"}},
		{"billing", []string{"teams", "create", "--company", "Lakeside", "--category", "Billing", "--name", "billing", "--skills", "billing,Refund"}},
		{"app", []string{"teams", "create", "--company", "Lakeside", "--category", "Mobile app"}},
	} {
		r := e.Must(c.args...)
		ids[strings.TrimSpace(r.Out)] = "<" + c.label + ">"
	}
	return e, scrub
}

func TestServersLifecycle(t *testing.T) {
	e, scrub := setup(t)
	r := e.Must("servers", "add-team", "detroit", "billing")
	if r.Out != "added team billing to server detroit\n" {
		t.Errorf("add-team: %q", r.Out)
	}
	// Twice changes nothing, and says so.
	if r := e.Must("servers", "add-team", "detroit", "billing"); r.Out != "team billing already works on server detroit: nothing changed\n" {
		t.Errorf("add-team twice: %q", r.Out)
	}
	if r := e.Run("servers", "add-team", "dublin", "billing"); r.Code != 5 || !strings.Contains(r.Err, "already works on server detroit") {
		t.Errorf("team on a second server: %d %q", r.Code, r.Err)
	}
	if r := e.Run("servers", "add-team", "central", "billing"); r.Code != 2 || !strings.Contains(r.Err, "central server") {
		t.Errorf("team on central: %d %q", r.Code, r.Err)
	}
	for _, tty := range []bool{true, false} {
		r := e.RunWith(clitest.Options{TTY: tty}, "servers", "list")
		if r.Code != 0 {
			t.Fatal(r.Err)
		}
		name := "TestServersList_pipe"
		if tty {
			name = "TestServersList_tty"
		}
		clitest.Golden(t, name, scrub(r.Out), *update)
	}
	r = e.Must("servers", "list", "--counts", "-o", "json")
	clitest.Golden(t, "TestServersList_counts_json", scrub(r.Out), *update)
	r = e.Must("servers", "get", "detroit")
	clitest.Golden(t, "TestServersGet", scrub(r.Out), *update)

	// A ticket on dublin blocks its deletion.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dublin, _ := e.Store.GetServerByName(ctx, "dublin")
	tk := store.Ticket{Title: "t", Description: "d", Status: store.StatusInProgress, Server: dublin.ID}
	if err := e.Store.InsertTicket(ctx, &tk); err != nil {
		t.Fatal(err)
	}
	r = e.Must("servers", "get", "dublin", "-o", "json", "--jq", `.tickets["in progress"]`)
	if r.Out != "1\n" {
		t.Errorf("ticket count: %q", r.Out)
	}
	if r := e.Run("servers", "delete", "dublin", "--yes"); r.Code != 5 || !strings.Contains(r.Err, "still holds 1 tickets") ||
		!strings.Contains(r.Err, "hint: move them first") {
		t.Errorf("delete with tickets: %d %q", r.Code, r.Err)
	}
	if r := e.Run("servers", "delete", "central", "--yes"); r.Code != 5 || !strings.Contains(r.Err, "never deleted") {
		t.Errorf("delete central: %d %q", r.Code, r.Err)
	}
	if r := e.Run("servers", "delete", "detroit"); r.Code != 2 || !strings.Contains(r.Err, "--yes") {
		t.Errorf("delete without --yes in a pipe: %d %q", r.Code, r.Err)
	}
	if r := e.RunWith(clitest.Options{TTY: true, Stdin: "no\n"}, "servers", "delete", "detroit"); r.Code == 0 {
		t.Errorf("answered no but deleted")
	}
	r = e.RunWith(clitest.Options{TTY: true, Stdin: "yes\n"}, "servers", "delete", "detroit")
	if r.Code != 0 || !strings.HasPrefix(r.Out, "deleted server detroit") {
		t.Errorf("delete: %d %q %q", r.Code, r.Out, r.Err)
	}
	if r := e.Run("servers", "get", "detroit"); r.Code != 3 {
		t.Errorf("deleted server: %d", r.Code)
	}
	// Removing a team that is not there is not reported as a removal, and
	// records nothing.
	r = e.Must("servers", "remove-team", "dublin", "billing")
	if r.Out != "team billing does not work on server dublin: nothing changed\n" {
		t.Errorf("remove-team of an absent team: %q", r.Out)
	}
	e.Must("servers", "add-team", "dublin", "billing")
	r = e.Must("servers", "remove-team", "dublin", "billing")
	if r.Out != "removed team billing from server dublin\n" {
		t.Errorf("remove-team: %q", r.Out)
	}
	evs, _ := e.Store.SubjectEvents(ctx, "server:"+dublin.ID.Hex())
	if len(evs) != 3 || evs[0].Action != "server.create" || evs[1].Action != "server.add-team" || evs[2].Action != "server.remove-team" || evs[0].Actor != "ada" {
		t.Errorf("server events: %+v", evs)
	}
}

func TestServersCreateRules(t *testing.T) {
	e, _ := setup(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"detroit", "--region", "x"}, 5, "exists already"},
		{[]string{"second-central", "--region", "x", "--central"}, 5, "already the central server"},
		{[]string{"noregion"}, 2, "--region is required"},
		{[]string{"6750000000000000000000b1", "--region", "x"}, 2, "looks like an id"},
		{[]string{strings.Repeat("n", 65), "--region", "x"}, 2, "1 to 64"},
		{[]string{"bad\x1bname", "--region", "x"}, 2, "control character"},
	}
	for _, tc := range tests {
		r := e.Run(append([]string{"servers", "create"}, tc.args...)...)
		if r.Code != tc.code || !strings.Contains(r.Err, tc.want) {
			t.Errorf("%v: %d %q, want %d %q", tc.args, r.Code, r.Err, tc.code, tc.want)
		}
	}
	r := e.Must("servers", "create", "Iowa McDonalds Server", "--region", "us-east-1", "-o", "json")
	var sv struct {
		Name  string   `json:"name"`
		Teams []string `json:"teams"`
	}
	if err := json.Unmarshal([]byte(r.Out), &sv); err != nil || sv.Name != "Iowa McDonalds Server" || sv.Teams == nil {
		t.Errorf("create -o json: %q %v", r.Out, err)
	}
	e.Must("servers", "get", "Iowa McDonalds Server")
}

func TestServersRoles(t *testing.T) {
	e, _ := setup(t)
	e.Login("emma", store.RoleEmployee, "Lakeside")
	e.Must("servers", "list")
	e.Must("servers", "get", "detroit")
	for _, args := range [][]string{{"create", "x", "--region", "r"}, {"delete", "dublin", "--yes"}, {"add-team", "dublin", "billing"}} {
		if r := e.Run(append([]string{"servers"}, args...)...); r.Code != 4 {
			t.Errorf("employee %v: exit %d", args, r.Code)
		}
	}
	e.Login("carl", store.RoleCustomer, "")
	if r := e.Run("servers", "list"); r.Code != 4 {
		t.Errorf("customer list: exit %d", r.Code)
	}
}

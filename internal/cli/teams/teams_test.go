package teams_test

import (
	"context"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestTeamsLifecycle(t *testing.T) {
	e := clitest.New(t)
	e.Login("tim", store.RoleEmployee, "Lakeside")
	e.Login("rival", store.RoleEmployee, "Burger Barn")
	e.Login("carl", store.RoleCustomer, "Lakeside")
	admin := e.Login("ada", store.RoleAdmin, "Lakeside")
	billing := strings.TrimSpace(e.Must("teams", "create", "--company", "Lakeside", "--category", "Billing", "--name", "billing",
		"--skills", "Billing,refund", "--skills", "payment").Out)
	app := strings.TrimSpace(e.Must("teams", "create", "--company", "Lakeside", "--category", "Mobile app").Out)
	e.Must("servers", "create", "detroit", "--region", "us-east-2")
	e.Must("servers", "add-team", "detroit", "billing")

	r := e.Must("teams", "add-member", "billing", "tim")
	if r.Out != "added tim to team billing (1 member)\n" {
		t.Errorf("add-member: %q", r.Out)
	}
	e.Must("teams", "add-member", billing, admin.ID.Hex())
	// Usernames are case-insensitive; no duplicate, no event, and it says so.
	if r := e.Must("teams", "add-member", "billing", "TIM"); r.Out != "tim is already a member of team billing (2 members): nothing changed\n" {
		t.Errorf("add-member twice: %q", r.Out)
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"billing", "carl"}, 2, "only employees join teams"},
		{[]string{"billing", "rival"}, 2, "works for \"Burger Barn\""},
		{[]string{"billing", "ghost"}, 3, "not found"},
		{[]string{"nosuchteam", "tim"}, 3, "not found"},
		{[]string{"billing", `{"$ne":null}`}, 2, "neither an id nor a username"},
	}
	for _, tc := range tests {
		r := e.Run(append([]string{"teams", "add-member"}, tc.args...)...)
		if r.Code != tc.code || !strings.Contains(r.Err, tc.want) {
			t.Errorf("add-member %v: %d %q, want %d %q", tc.args, r.Code, r.Err, tc.code, tc.want)
		}
	}
	scrub := func(s string) string {
		return strings.NewReplacer(billing, "<billing>", app, "<app>").Replace(s)
	}
	for _, tty := range []bool{true, false} {
		r := e.RunWith(clitest.Options{TTY: tty}, "teams", "list")
		name := "TestTeamsList_pipe"
		if tty {
			name = "TestTeamsList_tty"
		}
		clitest.Golden(t, name, scrub(r.Out), *update)
	}
	r = e.Must("teams", "get", "billing")
	clitest.Golden(t, "TestTeamsGet", scrub(r.Out), *update)
	r = e.Must("teams", "get", "billing", "-o", "json", "--jq", ".member_usernames | join(\",\")")
	if r.Out != "tim,ada\n" {
		t.Errorf("members: %q", r.Out)
	}
	if r := e.Must("teams", "list", "--company", "Burger Barn", "-o", "json"); r.Out != "[]\n" {
		t.Errorf("other company: %q", r.Out)
	}

	if r := e.Run("teams", "delete", "billing", "--yes"); r.Code != 5 || !strings.Contains(r.Err, "still works on server detroit") {
		t.Errorf("delete team on a server: %d %q", r.Code, r.Err)
	}
	e.Must("servers", "remove-team", "detroit", "billing")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tb, _ := e.Store.GetTeamByName(ctx, "billing")
	central, _ := e.Store.CentralServer(ctx)
	tk := store.Ticket{Title: "t", Description: "d", Status: store.StatusInProgress, Server: central.ID, Team: &tb.ID}
	if err := e.Store.InsertTicket(ctx, &tk); err != nil {
		t.Fatal(err)
	}
	if r := e.Run("teams", "delete", "billing", "--yes"); r.Code != 5 || !strings.Contains(r.Err, "still has 1 tickets") {
		t.Errorf("delete team with tickets: %d %q", r.Code, r.Err)
	}
	r = e.Must("teams", "remove-member", "billing", "tim")
	if r.Out != "removed tim from team billing (1 member)\n" {
		t.Errorf("remove-member: %q", r.Out)
	}
	if r := e.Must("teams", "remove-member", "billing", "tim"); r.Out != "tim is not a member of team billing (1 member): nothing changed\n" {
		t.Errorf("remove-member twice: %q", r.Out)
	}
	if r := e.Run("teams", "delete", app); r.Code != 2 {
		t.Errorf("delete without --yes: %d", r.Code)
	}
	r = e.RunWith(clitest.Options{TTY: true, Stdin: "y\n"}, "teams", "delete", app)
	if r.Code != 0 || !strings.HasPrefix(r.Out, "deleted team Lakeside/Mobile app") {
		t.Errorf("delete: %d %q %q", r.Code, r.Out, r.Err)
	}
	evs, _ := e.Store.SubjectEvents(ctx, "team:"+tb.ID.Hex())
	var actions []string
	for _, ev := range evs {
		actions = append(actions, ev.Action)
	}
	if strings.Join(actions, " ") != "team.create team.add-member team.add-member team.remove-member" {
		t.Errorf("team events: %v", actions)
	}
}

func TestTeamsCreateRulesAndRoles(t *testing.T) {
	e := clitest.New(t)
	e.Login("ada", store.RoleAdmin, "Lakeside")
	e.Must("teams", "create", "--company", "Lakeside", "--category", "Billing", "--name", "billing")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--company", "Lakeside", "--category", "Other", "--name", "billing"}, 5, "exists already"},
		{[]string{"--category", "x"}, 2, "--company and --category are required"},
		{[]string{"--company", "L", "--category", "x", "--skills", "bad skill"}, 2, "skills"},
		{[]string{"--company", "L", "--category", "x", "--name", "6750000000000000000000b1"}, 2, "looks like an id"},
		{[]string{"--company", "L\x07", "--category", "x"}, 2, "control character"},
	}
	for _, tc := range tests {
		r := e.Run(append([]string{"teams", "create"}, tc.args...)...)
		if r.Code != tc.code || !strings.Contains(r.Err, tc.want) {
			t.Errorf("%v: %d %q, want %d %q", tc.args, r.Code, r.Err, tc.code, tc.want)
		}
	}
	e.Login("emma", store.RoleEmployee, "Lakeside")
	e.Must("teams", "list")
	e.Must("teams", "get", "billing")
	if r := e.Run("teams", "create", "--company", "L", "--category", "x"); r.Code != 4 {
		t.Errorf("employee create: %d", r.Code)
	}
	if r := e.Run("teams", "add-member", "billing", "emma"); r.Code != 4 {
		t.Errorf("employee add-member: %d", r.Code)
	}
	e.Login("carl", store.RoleCustomer, "")
	if r := e.Run("teams", "list"); r.Code != 4 {
		t.Errorf("customer list: %d", r.Code)
	}
}

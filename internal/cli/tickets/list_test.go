package tickets_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
)

func TestListOutputs(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("emma")
	tests := []struct {
		name string
		tty  bool
		args []string
	}{
		{"table_tty", true, nil},
		{"table_pipe", false, nil},
		{"table_no_headers", false, []string{"--no-headers", "--sort", "-created_at"}},
		{"json", false, []string{"-o", "json"}},
		{"ndjson", false, []string{"-o", "ndjson", "--status", "not-started"}},
		{"ids", false, []string{"-o", "ids", "--tag", "billing"}},
		{"jq", false, []string{"--jq", ".[] | .title", "--priority", "P1,P2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.RunWith(clitest.Options{TTY: tc.tty}, append([]string{"tickets", "list"}, tc.args...)...)
			if r.Code != 0 {
				t.Fatalf("exit %d: %s", r.Code, r.Err)
			}
			clitest.Golden(t, "TestList_"+tc.name, fx.scrub(r.Out), *update)
		})
	}
}

func TestListFilters(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("emma")
	all := []string{idRefund.Hex(), idFries.Hex(), idApp.Hex(), idCard.Hex(), idEscape.Hex()} // oldest first
	tests := []struct {
		args []string
		want []string
	}{
		{nil, all},
		{[]string{"--tag", "billing"}, []string{idRefund.Hex(), idCard.Hex()}},
		{[]string{"--tag", "billing", "--tag", "refund"}, []string{idRefund.Hex()}},
		{[]string{"--tag", "BILLING,Refund"}, []string{idRefund.Hex()}},
		{[]string{"--tag", "refund,app", "--any-tag"}, []string{idRefund.Hex(), idApp.Hex()}},
		{[]string{"--status", "not-started"}, []string{idRefund.Hex(), idCard.Hex(), idEscape.Hex()}},
		{[]string{"--status", "in progress", "--status", "complete"}, []string{idFries.Hex(), idApp.Hex()}},
		{[]string{"--server", "detroit"}, []string{idRefund.Hex(), idApp.Hex()}},
		{[]string{"--server", idDetroit.Hex()}, []string{idRefund.Hex(), idApp.Hex()}},
		{[]string{"--server", "central", "--status", "not-started"}, []string{idCard.Hex(), idEscape.Hex()}},
		{[]string{"--team", "billing"}, []string{idApp.Hex()}},
		{[]string{"--team", "none", "--server", "detroit"}, []string{idRefund.Hex()}},
		{[]string{"--requester", "carl"}, []string{idFries.Hex(), idCard.Hex()}},
		{[]string{"--priority", "p1", "--priority", "P4"}, []string{idRefund.Hex(), idFries.Hex()}},
		{[]string{"--created-after", "7d"}, []string{idApp.Hex(), idCard.Hex(), idEscape.Hex()}},
		{[]string{"--created-before", "2d"}, []string{idRefund.Hex(), idFries.Hex(), idApp.Hex()}},
		{[]string{"--created-after", "2026-11-01", "--created-before", "2026-11-29T10:00:00Z"}, []string{idFries.Hex(), idApp.Hex(), idCard.Hex()}},
		{[]string{"--search", "REFUND"}, []string{idRefund.Hex()}},
		{[]string{"--search", "drive-through"}, []string{idCard.Hex()}},
		{[]string{"--search", ".*"}, nil}, // a literal, not a regular expression
		{[]string{"--sort", "-created_at", "--limit", "2"}, []string{idEscape.Hex(), idCard.Hex()}},
		{[]string{"--sort", "priority", "--status", "not-started"}, []string{idEscape.Hex(), idRefund.Hex(), idCard.Hex()}},
	}
	for _, tc := range tests {
		r := e.Run(append([]string{"tickets", "list", "-o", "ids"}, tc.args...)...)
		if r.Code != 0 {
			t.Errorf("%v: exit %d: %s", tc.args, r.Code, r.Err)
			continue
		}
		if got := strings.Fields(r.Out); !slices.Equal(got, tc.want) {
			t.Errorf("%v:\n got %v\nwant %v", tc.args, got, tc.want)
		}
	}
}

func TestListRejectsBadInputWithExit2(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("emma")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--status", "done"}, "unknown status"},
		{[]string{"--priority", "P9"}, "unknown priority"},
		{[]string{"--created-after", "last week"}, "--created-after"},
		{[]string{"--created-after", "1d", "--created-before", "2d"}, "earlier than"},
		{[]string{"--sort", "colour"}, "cannot sort by"},
		{[]string{"--tag", "has space"}, "tag"},
		{[]string{"--any-tag"}, "--any-tag needs --tag"},
		{[]string{"--limit", "0"}, "--limit"},
		{[]string{"--limit", "5", "--all"}, "exclude each other"},
		{[]string{"-o", "yaml"}, "valid formats"},
		{[]string{"--search", "a\x1bb"}, "control character"},
		{[]string{"extra"}, "takes no arguments"},
	}
	for _, tc := range tests {
		r := e.Run(append([]string{"tickets", "list"}, tc.args...)...)
		if r.Code != 2 || !strings.Contains(r.Err, tc.want) {
			t.Errorf("%v: exit %d %q, want 2 and %q", tc.args, r.Code, r.Err, tc.want)
		}
	}
	for _, args := range [][]string{{"--server", "atlantis"}, {"--team", "nobody"}, {"--requester", "ghost"}} {
		if r := e.Run(append([]string{"tickets", "list"}, args...)...); r.Code != 3 {
			t.Errorf("%v: exit %d %q, want 3", args, r.Code, r.Err)
		}
	}
}

func TestListLimitAndAll(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("emma")
	r := e.Must("tickets", "list", "--limit", "2", "-o", "ids")
	if n := len(strings.Fields(r.Out)); n != 2 || !strings.Contains(r.Err, "showing the first 2 tickets; more match") {
		t.Errorf("--limit 2: %d ids, stderr %q", n, r.Err)
	}
	r = e.Must("tickets", "list", "--limit", "5", "-o", "ids")
	if strings.Contains(r.Err, "more match") {
		t.Errorf("exactly 5 of 5 shown but stderr says more: %q", r.Err)
	}
	r = e.Must("tickets", "list", "--all", "-o", "ndjson")
	lines := strings.Split(strings.TrimSpace(r.Out), "\n")
	if len(lines) != 5 || r.Err != "" {
		t.Fatalf("--all: %d lines, stderr %q", len(lines), r.Err)
	}
	for _, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("ndjson line %q: %v", l, err)
		}
	}
	// An empty result is success, with headers only in a pipe.
	r = e.Must("tickets", "list", "--tag", "nothing-has-this")
	if r.Out != "ID\tTITLE\tSTATUS\tPRIORITY\tTAGS\tSERVER\tCREATED\n" {
		t.Errorf("empty table: %q", r.Out)
	}
	if r := e.Must("tickets", "list", "--tag", "nothing-has-this", "-o", "json"); r.Out != "[]\n" {
		t.Errorf("empty json: %q", r.Out)
	}
}

func TestCustomerSeesOnlyOwnTickets(t *testing.T) {
	fx := newFixture(t)
	e := fx.as("carl")
	r := e.RunWith(clitest.Options{TTY: true}, "tickets", "list")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	clitest.Golden(t, "TestList_customer_tty", fx.scrub(r.Out), *update)
	for _, args := range [][]string{{"--requester", "me"}, {"--requester", "carl"}, {"--tag", "billing"}} {
		r := e.Must(append([]string{"tickets", "list", "-o", "ids"}, args...)...)
		for _, id := range strings.Fields(r.Out) {
			if id != idCard.Hex() && id != idFries.Hex() {
				t.Errorf("%v: customer sees %s", args, id)
			}
		}
	}
	for _, who := range []string{"olga", "ghost", idOther.Hex()} {
		if r := e.Run("tickets", "list", "--requester", who); r.Code != 4 {
			t.Errorf("customer listing %s's tickets: exit %d %q, want 4", who, r.Code, r.Err)
		}
	}
	delete(e.Vars, "TICKETCTL_TOKEN")
	if r := e.Run("tickets", "list"); r.Code != 4 || !strings.Contains(r.Err, "ticketctl login") {
		t.Errorf("not logged in: exit %d %q", r.Code, r.Err)
	}
}

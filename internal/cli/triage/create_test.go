package triage_test

import (
	"strings"
	"testing"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/priority"
	"github.com/ticketctl/ticketctl/internal/store"
)

func TestTicketsCreateScoresPriorityAndNeverLowersAPersons(t *testing.T) {
	e := clitest.New(t)
	c := ctxT(t)
	create := func(args ...string) store.Ticket {
		t.Helper()
		r := must(t, e.Run(append([]string{"tickets", "create", "-o", "json"}, args...)...), "tickets create")
		tk := decode[store.Ticket](t, r.Out)
		got, err := e.Store.GetTicket(c, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	e.Login("cathy", store.RoleCustomer, "")
	down := create("--title", "The website is down", "--description", "Nobody can log in, this is urgent")
	if down.Priority != "P1" || down.Severity != "critical" || down.Triage == nil || down.Triage.PrioritySet != priority.SetByTriage ||
		!strings.Contains(strings.Join(down.Triage.Reasons, ";"), `"is down"`) {
		t.Errorf("outage: %s %s %+v", down.Priority, down.Severity, down.Triage)
	}
	q := create("--title", "How do I change my avatar?", "--description", "Just curious")
	if q.Priority != "P4" || q.Severity != "low" {
		t.Errorf("question: %s %s", q.Priority, q.Severity)
	}
	e.Login("eve", store.RoleEmployee, "acme")
	kept := create("--title", "How do I export my data?", "--description", "no rush", "--priority", "P2")
	if kept.Priority != "P2" || kept.Triage == nil || kept.Triage.PrioritySet != "eve" ||
		!strings.Contains(strings.Join(kept.Triage.Reasons, ";"), "kept P2 set by a person") {
		t.Errorf("person's P2: %s %+v", kept.Priority, kept.Triage)
	}
	raised := create("--title", "Data loss in production", "--description", "we lost all orders", "--priority", "P4")
	if raised.Priority != "P1" || raised.Triage.PrioritySet != "eve" {
		t.Errorf("person's P4 with an outage: %s %+v", raised.Priority, raised.Triage)
	}
	// reprioritise later keeps the person's priority too.
	r := decode[[]any](t, must(t, e.Run("triage", "reprioritise", kept.ID.Hex(), "-o", "json"), "reprioritise").Out)
	if got, _ := e.Store.GetTicket(c, kept.ID); got.Priority != "P2" || len(r) != 1 {
		t.Errorf("after reprioritise: %s", got.Priority)
	}
}

package triage_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/priority"
	"github.com/ticketctl/ticketctl/internal/store"
)

func TestReprioritiseNeverLowersAPersonsPriority(t *testing.T) {
	e := clitest.New(t)
	e.Now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	c := ctxT(t)
	central, err := e.Store.CentralServer(c)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(title, prio string, tr *store.Triage, status string, tags ...string) store.Ticket {
		if tags == nil {
			tags = []string{}
		}
		tk := store.Ticket{Title: title, Description: "", Tags: tags, Status: status, Server: central.ID,
			Priority: prio, Triage: tr, CreatedAt: e.Now.Add(-10 * time.Minute)}
		if err := e.Store.InsertTicket(c, &tk); err != nil {
			t.Fatal(err)
		}
		return tk
	}
	byTriage := &store.Triage{Method: priority.Method, PrioritySet: priority.SetByTriage}
	down := mk("Production is down for everyone, urgent", "", nil, store.StatusNotStarted)
	person := mk("How do I change my avatar?", "P1", nil, store.StatusNotStarted)
	raised := mk("The site is down", "P4", byTriage, store.StatusInProgress)
	lowered := mk("Feature request, no rush", "P2", byTriage, store.StatusNotStarted)
	done := mk("Everything is broken, urgent", "", nil, store.StatusComplete)
	var spike []store.Ticket
	for range 4 {
		spike = append(spike, mk("Checkout error", "", nil, store.StatusNotStarted, "checkout"))
	}
	e.Login("eve", store.RoleEmployee, "acme")

	dry := decode[[]priority.Change](t, must(t, e.Run("triage", "reprioritise", "--dry-run", "-o", "json"), "dry run").Out)
	if len(dry) != 8 {
		t.Fatalf("dry run covers %d tickets, want the 8 open ones", len(dry))
	}
	if got, _ := e.Store.GetTicket(c, down.ID); got.Priority != "" {
		t.Errorf("dry run wrote %s", got.Priority)
	}

	changes := decode[[]priority.Change](t, must(t, e.Run("triage", "reprioritise", "-o", "json"), "reprioritise").Out)
	res := map[string]priority.Change{}
	for _, ch := range changes {
		res[ch.Ticket.Hex()] = ch
	}
	check := func(tk store.Ticket, result, prio string) {
		t.Helper()
		ch := res[tk.ID.Hex()]
		got, _ := e.Store.GetTicket(c, tk.ID)
		if ch.Result != result || ch.ToPriority != prio || got.Priority != prio {
			t.Errorf("%q: result %s → %s (stored %s), want %s → %s; reasons %v", tk.Title, ch.Result, ch.ToPriority, got.Priority, result, prio, ch.Reasons)
		}
	}
	check(down, priority.ResultChanged, "P1")
	check(person, priority.ResultChanged, "P1") // a person's P1 is never lowered (its missing severity is set)
	check(raised, priority.ResultChanged, "P2")
	check(lowered, priority.ResultChanged, "P4") // triage's own guess may go down
	if _, ok := res[done.ID.Hex()]; ok {
		t.Errorf("a complete ticket was reprioritised")
	}
	if !res[person.ID.Hex()].Kept || !slices.ContainsFunc(res[person.ID.Hex()].Reasons, func(s string) bool {
		return strings.Contains(s, "kept P1 set by a person")
	}) {
		t.Errorf("person's ticket: %+v", res[person.ID.Hex()])
	}
	sp := res[spike[0].ID.Hex()]
	if !slices.ContainsFunc(sp.Reasons, func(s string) bool { return strings.Contains(s, "3 similar open tickets") }) {
		t.Errorf("spike not seen: %+v", sp)
	}
	got, _ := e.Store.GetTicket(c, down.ID)
	if got.Severity != "critical" || got.Triage == nil || got.Triage.PrioritySet != priority.SetByTriage || len(got.Triage.Reasons) == 0 {
		t.Errorf("stored triage: %+v %+v", got, got.Triage)
	}
	ev, _ := e.Store.TicketEvents(c, down.ID)
	if len(ev) != 1 || ev[0].Action != priority.ActionPriority || ev[0].From != "none/none" || ev[0].To != "P1/critical" {
		t.Errorf("events %+v", ev)
	}
	// Again: nothing left to change.
	again := decode[[]priority.Change](t, must(t, e.Run("triage", "reprioritise", "-o", "json"), "again").Out)
	for _, ch := range again {
		if ch.Result != priority.ResultUnchanged {
			t.Errorf("second run changed %q: %+v", ch.Title, ch)
		}
	}
	// Named tickets only; names and filters exclude each other.
	one := decode[[]priority.Change](t, must(t, e.RunStdin(done.ID.Hex()+"\n", "triage", "reprioritise", "-", "--dry-run", "-o", "json"), "stdin").Out)
	if len(one) != 1 || one[0].ToPriority != "P2" || one[0].Result != priority.ResultPlanned {
		t.Errorf("named complete ticket: %+v", one)
	}
	if r := e.Run("triage", "reprioritise", done.ID.Hex(), "--tag", "x"); r.Code != 2 {
		t.Errorf("ids and filters: exit %d", r.Code)
	}
}

package priority_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/priority"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func TestOnCreate(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sc := priority.New(st, func() time.Time { return now }, time.Hour)
	customer := auth.Principal{Username: "cathy", Role: store.RoleCustomer, Type: "personal"}
	business := auth.Principal{Username: "bob", Role: store.RoleCustomer, Type: "work"}
	employee := auth.Principal{Username: "eve", Role: store.RoleEmployee, Type: "work"}
	tests := []struct {
		name           string
		p              auth.Principal
		title          string
		prio, severity string
		wantPrio       string
		wantSeverity   string
		wantSetBy      string
		wantReason     string
	}{
		{"outage", customer, "The site is down for everyone", "", "", "P1", "critical", priority.SetByTriage, `"is down"`},
		{"question", customer, "How do I change my avatar?", "", "", "P4", "low", priority.SetByTriage, "how do i"},
		{"work account raises", business, "Checkout error on the invoice page", "", "", "P3", "medium", priority.SetByTriage, "work account (+1)"},
		{"person's priority kept", employee, "How do I change my avatar?", "P2", "", "P2", "low", "eve", "kept P2 set by a person"},
		{"person's priority raised", employee, "Data loss: we lost all invoices, urgent", "P3", "", "P1", "critical", "eve", "raised from P3"},
		{"person's severity kept", employee, "Question about my invoice", "", "high", "P4", "high", "eve", "kept severity high"},
	}
	for _, tt := range tests {
		tk := store.Ticket{Title: tt.title, Tags: []string{}, Priority: tt.prio, Severity: tt.severity}
		if err := sc.OnCreate(ctx, tt.p, &tk); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if tk.Priority != tt.wantPrio || tk.Severity != tt.wantSeverity || tk.Triage == nil || tk.Triage.PrioritySet != tt.wantSetBy ||
			!strings.Contains(strings.Join(tk.Triage.Reasons, "; "), tt.wantReason) {
			t.Errorf("%s: %s %s set by %v, reasons %v; want %s %s set by %s with %q", tt.name, tk.Priority, tk.Severity,
				tk.Triage.PrioritySet, tk.Triage.Reasons, tt.wantPrio, tt.wantSeverity, tt.wantSetBy, tt.wantReason)
		}
	}
}

func TestSimilarCountsRecentOpenTicketsWithTheSameTags(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sc := priority.New(st, func() time.Time { return now }, time.Hour)
	mk := func(tags []string, status string, age time.Duration) store.Ticket {
		return store.Ticket{Title: "Checkout fails", Tags: tags, Status: status, CreatedAt: now.Add(-age)}
	}
	ts := []store.Ticket{
		mk([]string{"checkout"}, store.StatusNotStarted, time.Minute),
		mk([]string{"checkout", "web"}, store.StatusInProgress, 10*time.Minute),
		mk([]string{"checkout"}, store.StatusComplete, time.Minute),   // closed: not a spike
		mk([]string{"checkout"}, store.StatusNotStarted, 2*time.Hour), // too old
		mk([]string{"login"}, store.StatusNotStarted, time.Minute),    // other tags
	}
	if _, err := st.InsertTickets(ctx, ts); err != nil {
		t.Fatal(err)
	}
	n, err := sc.Similar(ctx, store.Ticket{Title: "new", Tags: []string{"checkout"}})
	if err != nil || n != 2 {
		t.Errorf("new ticket: %d similar, %v; want 2", n, err)
	}
	// A stored ticket does not count itself.
	n, err = sc.Similar(ctx, ts[0])
	if err != nil || n != 1 {
		t.Errorf("stored ticket: %d similar, %v; want 1", n, err)
	}
	if n, _ := sc.Similar(ctx, store.Ticket{Title: "untagged"}); n != 0 {
		t.Errorf("untagged: %d", n)
	}
	for range 3 {
		if err := st.InsertTicket(ctx, &store.Ticket{Title: "Checkout fails", Tags: []string{"checkout"}, Status: store.StatusNotStarted, CreatedAt: now.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := sc.Assess(ctx, store.Ticket{Title: "Checkout fails", Tags: []string{"checkout"}}, "personal")
	if err != nil || !strings.Contains(strings.Join(r.Reasons, ";"), "5 similar open tickets recently") {
		t.Errorf("spike: %+v %v", r, err)
	}
}

package store_test

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

// TestRecoverIntents: a writer that died after changing a ticket but
// before recording the event leaves an intent; recovery writes the event
// exactly once, and drops intents of changes that never happened.
func TestRecoverIntents(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	central, _, err := st.EnsureCentralServer(c, "central", "r")
	if err != nil {
		t.Fatal(err)
	}
	dest := store.Server{Name: "detroit", Region: "r"}
	if err := st.InsertServer(c, &dest); err != nil {
		t.Fatal(err)
	}
	mk := func(title string) store.Ticket {
		tk := store.Ticket{Title: title, Description: "d", Status: store.StatusNotStarted, Server: central.ID}
		if err := st.InsertTicket(c, &tk); err != nil {
			t.Fatal(err)
		}
		return tk
	}
	moved, resolved, untouched := mk("moved"), mk("resolved"), mk("untouched")

	// A move that happened, whose event was lost.
	if res, err := st.ApplyMoves(c, "run-1", "cron", "", []store.Move{{Ticket: moved.ID, From: central.ID, Version: 1, To: dest.ID}}, now); err != nil || len(res.Moved) != 1 {
		t.Fatalf("move: %+v %v", res, err)
	}
	// A resolution that happened, whose event was lost.
	done := store.StatusComplete
	ev := store.Event{Actor: "cron", Action: "ticket.resolve", To: done}
	if _, err := st.ResolveTicket(c, resolved.ID, store.Expect{Version: 1}, store.TicketUpdate{Status: &done,
		Resolution: &store.Resolution{Note: "faq", At: now}}, ev, now); err != nil {
		t.Fatal(err)
	}
	for _, id := range []bson.ObjectID{moved.ID, resolved.ID} {
		if err := st.ForgetEventsForTest(c, id); err != nil {
			t.Fatal(err)
		}
	}
	old := now.Add(-time.Hour)
	ev.Ticket, ev.At = &resolved.ID, now
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.PutIntentForTest(c, moved.ID, 1, old, &store.MoveStamp{Run: "run-1", Actor: "cron", Ticket: moved.ID,
		From: central.ID, To: dest.ID, FromVersion: 1, At: now}, nil))
	must(st.PutIntentForTest(c, resolved.ID, 1, old, nil, &ev))
	// A move that a crashed run claimed but never made.
	must(st.PutIntentForTest(c, untouched.ID, 1, old, &store.MoveStamp{Run: "run-2", Actor: "cron", Ticket: untouched.ID,
		From: central.ID, To: dest.ID, FromVersion: 1, At: now}, nil))
	// A young intent belongs to a writer that may still be running.
	young := mk("young")
	must(st.PutIntentForTest(c, young.ID, 1, now, &store.MoveStamp{Run: "run-3", Ticket: young.ID, From: central.ID, To: dest.ID, FromVersion: 1, At: now}, nil))

	n, err := st.RecoverIntents(c, now, 2*time.Minute)
	if err != nil || n != 2 {
		t.Fatalf("recovered %d, %v; want 2", n, err)
	}
	n, err = st.RecoverIntents(c, now, 2*time.Minute)
	if err != nil || n != 0 {
		t.Fatalf("second recovery %d, %v; want 0", n, err)
	}
	for _, tc := range []struct {
		tk     store.Ticket
		action string
		want   int
	}{{moved, "ticket.move", 1}, {resolved, "ticket.resolve", 1}, {untouched, "ticket.move", 0}} {
		evs, err := st.TicketEvents(c, tc.tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, e := range evs {
			if e.Action == tc.action {
				got++
			}
		}
		if got != tc.want {
			t.Errorf("%s: %d %s events, want %d", tc.tk.Title, got, tc.action, tc.want)
		}
	}
	if left, _ := st.IntentsForTest(c); left != 1 {
		t.Errorf("%d intents left, want only the young one", left)
	}
}

// TestExportImportKeepsLastMove: a backup restored with import still knows
// which strategy moved each ticket (the router relies on it).
func TestExportImportKeepsLastMove(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	central, _, err := st.EnsureCentralServer(c, "central", "r")
	if err != nil {
		t.Fatal(err)
	}
	tk := store.Ticket{Title: "t", Description: "d", Status: store.StatusNotStarted, Server: central.ID}
	if err := st.InsertTicket(c, &tk); err != nil {
		t.Fatal(err)
	}
	dest := bson.NewObjectID()
	if _, err := st.ApplyMoves(c, "run-1", "cron", "", []store.Move{{Ticket: tk.ID, From: central.ID, Version: 1, To: dest, Strategy: "model"}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, canonical := range []bool{false, true} {
		n := 0
		for b, err := range st.ExportTickets(c, store.TicketQuery{}, canonical) {
			if err != nil {
				t.Fatal(err)
			}
			got, ignored, err := store.DecodeTicketJSON(b)
			if err != nil || len(ignored) != 0 {
				t.Fatalf("decode (canonical %v): %v, ignored %v\n%s", canonical, err, ignored, b)
			}
			if got.LastMove == nil || got.LastMove.Strategy != "model" || got.LastMove.Run != "run-1" || got.Server != dest {
				t.Fatalf("canonical %v: last_move lost: %+v", canonical, got.LastMove)
			}
			n++
		}
		if n != 1 {
			t.Fatalf("exported %d tickets", n)
		}
	}
}

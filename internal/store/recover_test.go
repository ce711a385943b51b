package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

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

// TestMoveEventSurvivesAFailureAfterTheUpdate: the batch's event insert
// fails after the tickets moved (here: the context ends right after the
// update); the intents stay, and recovery writes the event.
func TestMoveEventSurvivesAFailureAfterTheUpdate(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	central, _, _ := st.EnsureCentralServer(c, "central", "r")
	tk := store.Ticket{Title: "t", Description: "d", Status: store.StatusNotStarted, Server: central.ID}
	if err := st.InsertTicket(c, &tk); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(c)
	defer cancel()
	mon := &event.CommandMonitor{Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
		if e.CommandName == "update" {
			cancel() // the process "dies" between the move and its event
		}
	}}
	st2, err := store.Open(c, store.Options{URI: storetest.URI(t), Database: st.DatabaseName(), Monitor: mon})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close(c)
	dest := bson.NewObjectID()
	if _, err := st2.ApplyMoves(runCtx, "run-1", "cron", "", []store.Move{{Ticket: tk.ID, From: central.ID, Version: 1, To: dest}}, time.Now()); err == nil {
		t.Fatal("ApplyMoves succeeded although its context ended after the update")
	}
	got, _ := st.GetTicket(c, tk.ID)
	if got.Server != dest {
		t.Fatalf("the move did not happen: %+v", got)
	}
	if n, err := st.RecoverIntents(c, time.Now().Add(time.Hour), 2*time.Minute); err != nil || n != 1 {
		t.Fatalf("recovered %d, %v", n, err)
	}
	if counts, _ := st.MoveEventCounts(c); counts[tk.ID] != 1 {
		t.Fatalf("move events %v", counts)
	}
}

// TestLaterMoveFinishesAnEarlierCrashedOne: a run killed after moving a
// ticket leaves a young intent; a second move of the same ticket within
// the lease writes the first move's event before overwriting last_move.
func TestLaterMoveFinishesAnEarlierCrashedOne(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	now := time.Now().UTC()
	central, _, _ := st.EnsureCentralServer(c, "central", "r")
	tk := store.Ticket{Title: "t", Description: "d", Status: store.StatusNotStarted, Server: central.ID}
	if err := st.InsertTicket(c, &tk); err != nil {
		t.Fatal(err)
	}
	a, b := bson.NewObjectID(), bson.NewObjectID()
	if _, err := st.ApplyMoves(c, "run-a", "cron", "", []store.Move{{Ticket: tk.ID, From: central.ID, Version: 1, To: a}}, now); err != nil {
		t.Fatal(err)
	}
	if err := st.ForgetEventsForTest(c, tk.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.PutIntentForTest(c, tk.ID, 1, now, &store.MoveStamp{Run: "run-a", Actor: "cron", Ticket: tk.ID, From: central.ID,
		To: a, FromVersion: 1, At: now}, nil); err != nil {
		t.Fatal(err)
	}
	if res, err := st.ApplyMoves(c, "run-b", "admin", "", []store.Move{{Ticket: tk.ID, From: a, Version: 2, To: b}}, now.Add(time.Second)); err != nil || len(res.Moved) != 1 {
		t.Fatalf("second move: %+v %v", res, err)
	}
	evs, _ := st.TicketEvents(c, tk.ID)
	if len(evs) != 2 {
		t.Fatalf("%d move events, want both moves recorded: %+v", len(evs), evs)
	}
}

func TestRepeatedTicketInABatchMovesOnce(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	central, _, _ := st.EnsureCentralServer(c, "central", "r")
	tk := store.Ticket{Title: "t", Description: "d", Status: store.StatusNotStarted, Server: central.ID}
	if err := st.InsertTicket(c, &tk); err != nil {
		t.Fatal(err)
	}
	m := store.Move{Ticket: tk.ID, From: central.ID, Version: 1, To: bson.NewObjectID()}
	res, err := st.ApplyMoves(c, "run-1", "cron", "", []store.Move{m, m}, time.Now())
	if err != nil || len(res.Moved) != 1 {
		t.Fatalf("moves: %+v %v", res, err)
	}
	if left, _ := st.IntentsForTest(c); left != 0 {
		t.Fatalf("%d intents left behind", left)
	}
}

func TestCounterIsUniqueUnderConcurrency(t *testing.T) {
	st := storetest.Open(t)
	c := ctx(t)
	const workers, each = 6, 15
	got := make(chan int64, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				n, err := st.NextCounter(c, "rr")
				if err != nil {
					t.Error(err)
					return
				}
				got <- n
			}
		})
	}
	wg.Wait()
	close(got)
	seen := map[int64]bool{}
	for n := range got {
		if seen[n] {
			t.Fatalf("counter value %d handed out twice", n)
		}
		seen[n] = true
	}
	if len(seen) != workers*each {
		t.Fatalf("%d distinct values, want %d", len(seen), workers*each)
	}
}

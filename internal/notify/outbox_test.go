package notify

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// outboxWorld is a database with one ticket and an outbox over a webhook.
type outboxWorld struct {
	st     *store.Store
	ticket store.Ticket
	now    time.Time
	hook   *hookServer
	env    map[string]string
	reg    *Registry
}

func newOutboxWorld(t *testing.T, handler func(http.ResponseWriter, *http.Request)) *outboxWorld {
	t.Helper()
	st := storetest.OpenWithIndexes(t)
	c := testCtx(t)
	central, _, err := st.EnsureCentralServer(c, "central", "r")
	if err != nil {
		t.Fatal(err)
	}
	tk := store.Ticket{Title: "Printer on fire", Status: store.StatusNotStarted, Server: central.ID, Priority: "P2"}
	if err := st.InsertTicket(c, &tk); err != nil {
		t.Fatal(err)
	}
	w := &outboxWorld{st: st, ticket: tk, now: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC),
		hook: newHookServer(t, handler), env: map[string]string{"HOOK_SECRET": hookSecret}}
	w.reg = NewRegistry(map[string]ChannelConfig{"hook": {Type: "webhook", URL: w.hook.URL + "/in", SecretEnv: "HOOK_SECRET"}},
		func(k string) string { return w.env[k] })
	return w
}

func (w *outboxWorld) outbox(run string) *Outbox {
	return NewOutbox(w.st, w.reg, OutboxOptions{Now: func() time.Time { return w.now }, RunID: run, Actor: "tester", MaxAttempts: 3})
}

func testCtx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestOutboxHonoursRetryAfter(t *testing.T) {
	w := newOutboxWorld(t, status(429, "slow down", "Retry-After", "120"))
	a, err := w.outbox("a").Notify(testCtx(t), Request{Ticket: w.ticket.ID, Channel: "hook"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Result != ResultPending || !a.Notification.NextAttemptAt.Equal(w.now.Add(120*time.Second)) || a.Err == nil {
		t.Errorf("want pending until the server's Retry-After (2m, longer than the 30s backoff): %+v", a)
	}
}

func TestOutboxChannelBrokenAtRetryIsTemporary(t *testing.T) {
	w := newOutboxWorld(t, status(503, ""))
	c := testCtx(t)
	if _, err := w.outbox("a").Notify(c, Request{Ticket: w.ticket.ID, Channel: "hook"}); err != nil {
		t.Fatal(err)
	}
	// The cron environment lacks the secret: a config problem, fixable
	// without touching the message, so the notification is kept pending.
	delete(w.env, "HOOK_SECRET")
	w.reg = NewRegistry(w.reg.cfgs, func(k string) string { return w.env[k] })
	w.now = w.now.Add(time.Minute)
	sum, err := w.outbox("b").Retry(c, RetryOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Attempted != 1 || sum.Pending != 1 {
		t.Fatalf("summary %+v", sum)
	}
	n := sum.Attempts[0].Notification
	if !strings.Contains(n.LastError, "HOOK_SECRET is empty or not set") || n.Attempts != 2 {
		t.Errorf("notification %+v", n)
	}
	if len(w.hook.requests()) != 1 {
		t.Errorf("%d requests, want only the first", len(w.hook.requests()))
	}
	// The last attempt gives up (MaxAttempts 3).
	w.now = w.now.Add(time.Hour)
	sum, _ = w.outbox("c").Retry(c, RetryOptions{}, nil)
	if sum.Failed != 1 || !strings.HasPrefix(sum.Attempts[0].Notification.LastError, "gave up after 3 attempts") {
		t.Errorf("after max attempts: %+v", sum)
	}
}

func TestOutboxLostLease(t *testing.T) {
	w := newOutboxWorld(t, status(204, ""))
	c := testCtx(t)
	slow := w.outbox("slow")
	n, err := slow.Enqueue(c, Request{Ticket: w.ticket.ID, Channel: "hook"})
	if err != nil {
		t.Fatal(err)
	}
	// "slow" stalls past its lease; another run takes over and delivers.
	w.now = w.now.Add(DefaultLease + time.Second)
	sum, err := w.outbox("fast").Retry(c, RetryOptions{}, nil)
	if err != nil || sum.Sent != 1 || sum.Attempts[0].Attempt != 2 {
		t.Fatalf("takeover: %+v %v", sum, err)
	}
	// When "slow" finally finishes, it must not overwrite the record.
	a, err := slow.Deliver(c, n)
	if err != nil {
		t.Fatal(err)
	}
	if a.Result != ResultLost || a.Notification.Status != store.NotifySent || a.Notification.Attempts != 2 || !strings.Contains(a.Err.Error(), "lease") {
		t.Errorf("late finish: %+v", a)
	}
	got, _ := w.st.GetNotification(c, n.ID)
	if got.Status != store.NotifySent || got.Attempts != 2 {
		t.Errorf("record after the late finish: %+v", got)
	}
}

func TestOutboxLocksOfOtherRuns(t *testing.T) {
	w := newOutboxWorld(t, status(204, ""))
	c := testCtx(t)
	mk := func() store.Notification {
		n, err := w.outbox("creator").Enqueue(c, Request{Ticket: w.ticket.ID, Channel: "hook"})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	dead, live := mk(), mk()
	w.now = w.now.Add(DefaultLease + time.Minute) // both leases of attempt 1 are over
	// A run locked attempt 2 of "dead" and died before claiming it: its lock
	// has expired too. Another run holds attempt 2 of "live" right now.
	if err := w.st.LockNotificationAttempt(c, dead.ID, 2, "died", w.now.Add(-time.Hour), w.now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := w.st.LockNotificationAttempt(c, live.ID, 2, "busy", w.now, w.now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	sum, err := w.outbox("r").Retry(c, RetryOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Attempted != 1 || sum.Sent != 1 || sum.Attempts[0].Notification.ID != dead.ID || sum.Attempts[0].Attempt != 3 {
		t.Fatalf("want the dead run's notification sent as attempt 3 and the busy one left alone: %+v", sum)
	}
	got, _ := w.st.GetNotification(c, live.ID)
	if got.Status != store.NotifyPending {
		t.Errorf("busy notification: %+v", got)
	}
}

func TestOutboxRetryMax(t *testing.T) {
	w := newOutboxWorld(t, status(204, ""))
	c := testCtx(t)
	for i := 0; i < 3; i++ {
		if _, err := w.outbox("creator").Enqueue(c, Request{Ticket: w.ticket.ID, Channel: "hook"}); err != nil {
			t.Fatal(err)
		}
	}
	w.now = w.now.Add(time.Hour)
	var seen []bson.ObjectID
	sum, err := w.outbox("r").Retry(c, RetryOptions{Max: 2}, func(a Attempt) { seen = append(seen, a.Notification.ID) })
	if err != nil || sum.Attempted != 2 || len(seen) != 2 {
		t.Fatalf("max 2: %+v %v", sum, err)
	}
	sum, _ = w.outbox("r2").Retry(c, RetryOptions{}, nil)
	if sum.Attempted != 1 {
		t.Errorf("rest: %+v", sum)
	}
}

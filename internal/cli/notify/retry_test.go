package notify_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	clinotify "github.com/ticketctl/ticketctl/internal/cli/notify"
	notifysvc "github.com/ticketctl/ticketctl/internal/notify"
	"github.com/ticketctl/ticketctl/internal/store"
)

func TestFailingEndpointStaysPendingThenRetryDelivers(t *testing.T) {
	w := newWorld(t)
	hs := newHookServer(t, 503)
	hs.body.Store("upstream down")
	w.writeConfig(channelsConfig(webhookYAML(hs)))
	id := w.Ticket.ID.Hex()

	r := w.run("tickets", "notify", id, "--channel", "ops-hook", "-o", "json")
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.Code, r.Err)
	}
	if !strings.HasPrefix(r.Err, "ticketctl: notify ticket "+id+" via ops-hook: ") || !strings.Contains(r.Err, "HTTP 503") ||
		!strings.Contains(r.Err, "upstream down") || !strings.Contains(r.Err, "(temporary)") {
		t.Errorf("error does not carry the channel's error: %q", r.Err)
	}
	n := decodeJSON[store.Notification](t, r.Out)
	next := w.Now.Add(notifysvc.Backoff(1))
	if n.Status != store.NotifyPending || n.Attempts != 1 || !n.NextAttemptAt.Equal(next) || !strings.Contains(n.LastError, "HTTP 503") {
		t.Fatalf("after the failure: %+v", n)
	}
	if !strings.Contains(r.Err, "hint: notification "+n.ID.Hex()+" stays pending; `ticketctl notify retry` sends it again from "+next.Format(time.RFC3339)) {
		t.Errorf("hint: %q", r.Err)
	}

	// Listed as pending.
	list := decodeJSON[[]store.Notification](t, w.must("notify", "list", "--status", "pending", "-o", "json").Out)
	if len(list) != 1 || list[0].ID != n.ID {
		t.Fatalf("pending list: %+v", list)
	}
	// Not due yet: retry does nothing.
	rep := decodeJSON[clinotify.RetryReport](t, w.must("notify", "retry", "-o", "json").Out)
	if rep.Attempted != 0 || len(hs.requests()) != 1 {
		t.Fatalf("retry before the backoff: %+v, %d requests", rep, len(hs.requests()))
	}

	// The clock moves past the backoff and the endpoint recovers.
	w.Now = w.Now.Add(31 * time.Second)
	hs.status.Store(204)
	r = w.must("notify", "retry", "-o", "json")
	rep = decodeJSON[clinotify.RetryReport](t, r.Out)
	if rep.Attempted != 1 || rep.Sent != 1 || len(rep.Results) != 1 || rep.Results[0].ID != n.ID.Hex() ||
		rep.Results[0].Result != "sent" || rep.Results[0].Attempt != 2 || rep.Run == "" {
		t.Fatalf("retry report: %+v", rep)
	}
	reqs := hs.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for _, req := range reqs {
		if req.Header.Get(notifysvc.HeaderIdempotencyKey) != n.ID.Hex() {
			t.Errorf("idempotency key %q, want the same %s on every attempt", req.Header.Get(notifysvc.HeaderIdempotencyKey), n.ID.Hex())
		}
		if !notifysvc.VerifySignature([]byte(hookSecret), req.Body, req.Header.Get(notifysvc.HeaderSignature)) {
			t.Error("retry not signed")
		}
	}
	sent := decodeJSON[[]store.Notification](t, w.must("notify", "list", "--ticket", id, "-o", "json").Out)
	if len(sent) != 1 || sent[0].Status != store.NotifySent || sent[0].Attempts != 2 || sent[0].LastError != "" {
		t.Errorf("after retry: %+v", sent)
	}
	evs := w.notifyEvents()
	if len(evs) != 2 || !strings.Contains(evs[0].Note, "attempt 1: pending; next attempt") || !strings.Contains(evs[0].Note, "HTTP 503") ||
		!strings.Contains(evs[1].Note, "attempt 2: sent") || evs[0].RunID == evs[1].RunID {
		t.Errorf("events: %+v", evs)
	}
	// Nothing left to do.
	if rep := decodeJSON[clinotify.RetryReport](t, w.must("notify", "retry", "-o", "json").Out); rep.Attempted != 0 {
		t.Errorf("third retry: %+v", rep)
	}
}

func TestRetryGivesUpAfterMaxAttempts(t *testing.T) {
	w := newWorld(t)
	hs := newHookServer(t, 500)
	w.writeConfig("notify:\n  max-attempts: 2\n  channels:" + webhookYAML(hs))
	r := w.run("tickets", "notify", w.Ticket.ID.Hex(), "--channel", "ops-hook")
	if r.Code != 1 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	w.Now = w.Now.Add(time.Minute)
	r = w.run("notify", "retry", "-o", "json")
	if r.Code != 1 || !strings.Contains(r.Err, "1 of 1 notifications not delivered (0 rescheduled, 1 failed, 0 lost)") {
		t.Fatalf("retry: exit %d %s", r.Code, r.Err)
	}
	rep := decodeJSON[clinotify.RetryReport](t, r.Out)
	if rep.Failed != 1 || rep.Results[0].Result != "failed" || !strings.Contains(rep.Results[0].Error, "HTTP 500") {
		t.Fatalf("report: %+v", rep)
	}
	failed := decodeJSON[[]store.Notification](t, w.must("notify", "list", "--status", "failed", "-o", "json").Out)
	if len(failed) != 1 || failed[0].Attempts != 2 || !strings.HasPrefix(failed[0].LastError, "gave up after 2 attempts: ") {
		t.Fatalf("failed: %+v", failed)
	}
	// Failed notifications are never retried.
	w.Now = w.Now.Add(24 * time.Hour)
	if rep := decodeJSON[clinotify.RetryReport](t, w.must("notify", "retry", "-o", "json").Out); rep.Attempted != 0 || len(hs.requests()) != 2 {
		t.Errorf("retried a failed notification: %+v", rep)
	}
}

func TestPermanentErrorFailsAtOnce(t *testing.T) {
	w := newWorld(t)
	hs := newHookServer(t, 400)
	hs.body.Store("bad payload")
	w.writeConfig(channelsConfig(webhookYAML(hs)))
	r := w.run("tickets", "notify", w.Ticket.ID.Hex(), "--channel", "ops-hook", "-o", "json")
	n := decodeJSON[store.Notification](t, r.Out)
	if r.Code != 1 || n.Status != store.NotifyFailed || !strings.Contains(r.Err, "(permanent)") ||
		!strings.Contains(r.Err, "is marked failed and will not be retried") {
		t.Fatalf("exit %d, %+v\n%s", r.Code, n, r.Err)
	}
	evs := w.notifyEvents()
	if len(evs) != 1 || !strings.Contains(evs[0].Note, ": failed: ") {
		t.Errorf("events: %+v", evs)
	}
}

func TestRetryExitCodes(t *testing.T) {
	w := newWorld(t)
	good, bad := newHookServer(t, 503), newHookServer(t, 503)
	w.writeConfig(fmt.Sprintf(`notify:
  channels:
    good:
      type: webhook
      url: %s/in
    bad:
      type: webhook
      url: %s/in
`, good.URL, bad.URL))
	for _, ch := range []string{"good", "bad"} {
		if r := w.run("tickets", "notify", w.Ticket.ID.Hex(), "--channel", ch); r.Code != 1 {
			t.Fatalf("%s: exit %d %s", ch, r.Code, r.Err)
		}
	}
	w.Now = w.Now.Add(time.Minute)
	good.status.Store(200)
	r := w.run("notify", "retry")
	if r.Code != 7 || !strings.Contains(r.Err, "1 of 2 notifications not delivered (1 rescheduled, 0 failed, 0 lost)") {
		t.Fatalf("partial retry: exit %d\n%s\n%s", r.Code, r.Out, r.Err)
	}
	// Pipe table: one row per attempt.
	lines := strings.Split(strings.TrimSpace(r.Out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID\tTICKET\tCHANNEL\tATTEMPT\tRESULT\tNEXT ATTEMPT\tERROR") {
		t.Errorf("table:\n%s", r.Out)
	}
	// --dry-run shows what is due without sending.
	w.Now = w.Now.Add(2 * time.Minute)
	before := len(bad.requests())
	dry := decodeJSON[[]store.Notification](t, w.must("notify", "retry", "--dry-run", "-o", "json").Out)
	if len(dry) != 1 || dry[0].Channel != "bad" || len(bad.requests()) != before {
		t.Errorf("dry run: %+v", dry)
	}
	bad.status.Store(200)
	if r := w.run("notify", "retry", "-o", "ndjson"); r.Code != 0 || strings.Count(r.Out, "\n") != 1 || !strings.Contains(r.Out, `"result":"sent"`) {
		t.Errorf("final retry: exit %d %q %s", r.Code, r.Out, r.Err)
	}
}

// TestConcurrentRetriesDeliverEachOnce runs two `notify retry` at the same
// time, each with its own store connection, over notifications that are all
// due, and counts what the endpoint receives.
func TestConcurrentRetriesDeliverEachOnce(t *testing.T) {
	w := newWorld(t)
	hs := newHookServer(t, 204)
	hs.delay = 3 * time.Millisecond // keep both runs busy at once
	w.writeConfig(channelsConfig(webhookYAML(hs)))
	const total = 40
	c := ctx(t)
	for i := 0; i < total; i++ {
		id := bson.NewObjectID()
		n := &store.Notification{ID: id, Ticket: w.Ticket.ID, Channel: "ops-hook", ChannelType: "webhook",
			Subject: fmt.Sprintf("n%d", i), Body: "b", IdempotencyKey: id.Hex(), Status: store.NotifyPending,
			NextAttemptAt: w.Now.Add(-time.Duration(i) * time.Second), CreatedAt: w.Now.Add(-time.Hour), Actor: "emp",
			Summary: store.NotificationTicket{ID: w.Ticket.ID.Hex(), Title: "t"}}
		if err := w.Store.InsertNotification(c, n); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	results := make([]clitest.Result, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = w.run("notify", "retry", "--max", "0", "-o", "json")
		}()
	}
	wg.Wait()
	attempted := 0
	for i, r := range results {
		if r.Code != 0 {
			t.Fatalf("run %d: exit %d %s", i, r.Code, r.Err)
		}
		rep := decodeJSON[clinotify.RetryReport](t, r.Out)
		attempted += rep.Attempted
		t.Logf("run %d (%s): attempted %d, sent %d", i, rep.Run, rep.Attempted, rep.Sent)
	}
	counts := map[string]int{}
	for _, req := range hs.requests() {
		counts[req.Header.Get(notifysvc.HeaderIdempotencyKey)]++
	}
	for k, n := range counts {
		if n != 1 {
			t.Errorf("notification %s delivered %d times", k, n)
		}
	}
	if len(counts) != total || attempted != total {
		t.Errorf("%d distinct notifications delivered, %d attempted; want %d", len(counts), attempted, total)
	}
	for _, n := range w.notifications(store.NotificationFilter{}) {
		if n.Status != store.NotifySent || n.Attempts != 1 {
			t.Errorf("notification %s: %s after %d attempts", n.ID.Hex(), n.Status, n.Attempts)
		}
	}
}

// TestCrashBetweenSendAndMarkSent: a run sends, then dies before recording
// it. The notification stays pending and claimed; no retry touches it
// while the lease lasts; afterwards `notify retry` sends it again, with the
// same idempotency key, so the receiver can drop the duplicate. This is the
// at-least-once case docs/notifications.md describes.
func TestCrashBetweenSendAndMarkSent(t *testing.T) {
	w := newWorld(t)
	hs := newHookServer(t, 204)
	w.writeConfig(channelsConfig(webhookYAML(hs)))
	reg := notifysvc.NewRegistry(map[string]notifysvc.ChannelConfig{
		"ops-hook": {Type: "webhook", URL: hs.URL + "/hook", SecretEnv: "HOOK_SECRET"},
	}, func(k string) string { return w.Vars[k] })
	ob := notifysvc.NewOutbox(w.Store, reg, notifysvc.OutboxOptions{Now: func() time.Time { return w.Now }, RunID: "doomed-run", Actor: "emp"})
	c := ctx(t)
	n, err := ob.Enqueue(c, notifysvc.Request{Ticket: w.Ticket.ID, Channel: "ops-hook"})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := reg.Channel("ops-hook")
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(c, notifysvc.MessageFor(n)); err != nil {
		t.Fatal(err)
	}
	// ... and the process dies here, before FinishNotification.

	got, err := w.Store.GetNotification(c, n.ID)
	if err != nil || got.Status != store.NotifyPending || got.ClaimedBy != "doomed-run" || got.Attempts != 1 {
		t.Fatalf("after the crash: %+v %v", got, err)
	}
	// While the lease lasts, nobody sends it again.
	w.Now = w.Now.Add(notifysvc.DefaultLease - time.Second)
	if rep := decodeJSON[clinotify.RetryReport](t, w.must("notify", "retry", "-o", "json").Out); rep.Attempted != 0 {
		t.Fatalf("retried during the lease: %+v", rep)
	}
	// Once it has passed, the retry takes over.
	w.Now = w.Now.Add(2 * time.Second)
	rep := decodeJSON[clinotify.RetryReport](t, w.must("notify", "retry", "-o", "json").Out)
	if rep.Sent != 1 || rep.Results[0].Attempt != 2 {
		t.Fatalf("retry after the lease: %+v", rep)
	}
	reqs := hs.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (at-least-once)", len(reqs))
	}
	var keys []string
	for _, req := range reqs {
		keys = append(keys, req.Header.Get(notifysvc.HeaderIdempotencyKey))
		p := decodeJSON[notifysvc.WebhookPayload](t, string(req.Body))
		keys = append(keys, p.IdempotencyKey)
	}
	for _, k := range keys {
		if k != n.ID.Hex() {
			t.Errorf("idempotency keys %v, want all %s", keys, n.ID.Hex())
		}
	}
	final, _ := w.Store.GetNotification(c, n.ID)
	if final.Status != store.NotifySent || final.Attempts != 2 {
		t.Errorf("final: %+v", final)
	}
}

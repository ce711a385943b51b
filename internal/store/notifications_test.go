package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

func pendingNotification(ticket bson.ObjectID, channel string, next time.Time) *store.Notification {
	return &store.Notification{
		Ticket: ticket, Channel: channel, ChannelType: "webhook", Subject: "s", Body: "b",
		Summary: store.NotificationTicket{ID: ticket.Hex(), Title: "t", Status: store.StatusNotStarted},
		Status:  store.NotifyPending, NextAttemptAt: next, Actor: "tester",
		CreatedAt: next.Add(-time.Minute),
	}
}

func insertN(t *testing.T, st *store.Store, n *store.Notification) *store.Notification {
	t.Helper()
	n.IdempotencyKey = ""
	if n.ID.IsZero() {
		n.ID = bson.NewObjectID()
	}
	n.IdempotencyKey = n.ID.Hex()
	if err := st.InsertNotification(ctx(t), n); err != nil {
		t.Fatal(err)
	}
	return n
}

func collect(t *testing.T, st *store.Store, f store.NotificationFilter, limit int64) []store.Notification {
	t.Helper()
	var out []store.Notification
	for n, err := range st.Notifications(ctx(t), f, limit) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func TestNotificationsFilterAndOrder(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	t1, t2 := bson.NewObjectID(), bson.NewObjectID()
	a := insertN(t, st, pendingNotification(t1, "ops", now.Add(-2*time.Minute)))
	b := insertN(t, st, pendingNotification(t1, "ops", now.Add(time.Hour)))
	cN := pendingNotification(t2, "mail", now.Add(-time.Hour))
	cN.Status = store.NotifySent
	insertN(t, st, cN)
	d := insertN(t, st, pendingNotification(t2, "ops", now.Add(-time.Minute)))

	got, err := st.GetNotification(c, a.ID)
	if err != nil || got.IdempotencyKey != a.ID.Hex() || got.Summary.Title != "t" || !got.NextAttemptAt.Equal(a.NextAttemptAt) {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	if err := st.InsertNotification(c, &store.Notification{Ticket: t1, IdempotencyKey: a.ID.Hex(), Status: store.NotifyPending}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate idempotency key: %v, want ErrConflict", err)
	}

	ids := func(ns []store.Notification) []bson.ObjectID {
		out := []bson.ObjectID{}
		for _, n := range ns {
			out = append(out, n.ID)
		}
		return out
	}
	tests := []struct {
		name  string
		f     store.NotificationFilter
		limit int64
		want  []bson.ObjectID
	}{
		// Newest (created_at) first.
		{"all", store.NotificationFilter{}, 0, []bson.ObjectID{b.ID, d.ID, a.ID, cN.ID}},
		{"limit", store.NotificationFilter{}, 2, []bson.ObjectID{b.ID, d.ID}},
		{"status", store.NotificationFilter{Status: store.NotifySent}, 0, []bson.ObjectID{cN.ID}},
		{"ticket", store.NotificationFilter{Ticket: &t2}, 0, []bson.ObjectID{d.ID, cN.ID}},
		{"ticket and status", store.NotificationFilter{Ticket: &t2, Status: store.NotifyPending}, 0, []bson.ObjectID{d.ID}},
		// Due: pending only, longest due first.
		{"due", store.NotificationFilter{DueBy: now}, 0, []bson.ObjectID{a.ID, d.ID}},
	}
	for _, tc := range tests {
		if got := ids(collect(t, st, tc.f, tc.limit)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestClaimAndFinishNotification(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	tk := bson.NewObjectID()
	due := insertN(t, st, pendingNotification(tk, "ops", now.Add(-time.Minute)))
	later := insertN(t, st, pendingNotification(tk, "ops", now.Add(time.Minute)))

	// The per-attempt lock admits one run per attempt number, for good.
	lease := now.Add(5 * time.Minute)
	if err := st.LockNotificationAttempt(c, due.ID, 1, "run-a", now, lease); err != nil {
		t.Fatal(err)
	}
	if err := st.LockNotificationAttempt(c, due.ID, 1, "run-b", now, lease); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second lock of attempt 1: %v, want ErrConflict", err)
	}
	lock, err := st.NotificationAttemptLock(c, due.ID, 1)
	if err != nil || lock.Run != "run-a" || !lock.Until.Equal(lease) || lock.Attempt != 1 || lock.Notification != due.ID {
		t.Fatalf("lock: %+v %v", lock, err)
	}
	if _, err := st.NotificationAttemptLock(c, due.ID, 2); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("lock of attempt 2: %v, want ErrNotFound", err)
	}

	claim := store.Claim{Run: "run-a", DueBy: now, Now: now, Until: lease}
	if _, err := st.ClaimNotification(c, later.ID, 1, claim); !errors.Is(err, store.ErrConflict) {
		t.Errorf("claiming a notification that is not due: %v, want ErrConflict", err)
	}
	first, err := st.ClaimNotification(c, due.ID, 1, claim)
	if err != nil {
		t.Fatal(err)
	}
	if first.Attempts != 1 || first.ClaimedBy != "run-a" || !first.NextAttemptAt.Equal(lease) ||
		first.ClaimedUntil == nil || !first.ClaimedUntil.Equal(lease) {
		t.Fatalf("claim: %+v", first)
	}
	// Claimed: no longer due, and attempt numbers only go up.
	if _, err := st.ClaimNotification(c, due.ID, 2, store.Claim{Run: "run-b", DueBy: now, Now: now, Until: lease}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("claim while leased: %v, want ErrConflict", err)
	}
	if _, err := st.ClaimNotification(c, due.ID, 1, store.Claim{Run: "run-b", DueBy: lease, Now: lease, Until: lease.Add(time.Minute)}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("claim of the same attempt number again: %v, want ErrConflict", err)
	}

	// Wrong attempt number: someone else took over.
	if _, err := st.FinishNotification(c, due.ID, 7, store.Outcome{Status: store.NotifySent, At: now}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("finish wrong attempt: %v, want ErrConflict", err)
	}
	retry := now.Add(30 * time.Second)
	pending, err := st.FinishNotification(c, due.ID, 1, store.Outcome{Status: store.NotifyPending, LastError: "HTTP 503", NextAttemptAt: retry, At: now})
	if err != nil || pending.Status != store.NotifyPending || !pending.NextAttemptAt.Equal(retry) || pending.LastError != "HTTP 503" ||
		pending.ClaimedBy != "" || pending.ClaimedUntil != nil {
		t.Fatalf("finish pending: %+v %v", pending, err)
	}
	// Due again after the backoff, as attempt 2.
	again, err := st.ClaimNotification(c, due.ID, 2, store.Claim{Run: "run-b", DueBy: retry, Now: retry, Until: retry.Add(time.Minute)})
	if err != nil || again.Attempts != 2 || again.ClaimedBy != "run-b" {
		t.Fatalf("claim after backoff: %+v %v", again, err)
	}
	sent, err := st.FinishNotification(c, due.ID, 2, store.Outcome{Status: store.NotifySent, At: retry})
	if err != nil || sent.Status != store.NotifySent || sent.SentAt == nil || !sent.SentAt.Equal(retry) || sent.LastError != "" {
		t.Fatalf("finish sent: %+v %v", sent, err)
	}
	// Finishing it again (a run whose lease ran out) changes nothing.
	if cur, err := st.FinishNotification(c, due.ID, 2, store.Outcome{Status: store.NotifyPending, At: retry, NextAttemptAt: retry}); !errors.Is(err, store.ErrConflict) || cur.Status != store.NotifySent {
		t.Fatalf("finish twice: %+v %v, want ErrConflict and the current document", cur, err)
	}
	if _, err := st.ClaimNotification(c, due.ID, 3, store.Claim{Run: "run-c", DueBy: retry.Add(time.Hour), Now: retry, Until: retry}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("claim of a sent notification: %v, want ErrConflict", err)
	}

	failedN := insertN(t, st, pendingNotification(tk, "ops", now.Add(-time.Minute)))
	if _, err := st.ClaimNotification(c, failedN.ID, 1, claim); err != nil {
		t.Fatal(err)
	}
	failed, err := st.FinishNotification(c, failedN.ID, 1, store.Outcome{Status: store.NotifyFailed, LastError: "HTTP 400", At: now})
	if err != nil || failed.Status != store.NotifyFailed || failed.LastError != "HTTP 400" {
		t.Fatalf("finish failed: %+v %v", failed, err)
	}
	if _, err := st.FinishNotification(c, failedN.ID, 1, store.Outcome{Status: "bogus", At: now}); err == nil {
		t.Error("unknown status accepted")
	}
}

// TestConcurrentLocks races several connections over the same due
// notifications. First each worker tries ClaimNotification alone (a
// conditional findOneAndUpdate): atomic on MongoDB, but FerretDB v1 runs
// findAndModify as a query followed by an unconditional write by _id, so
// several workers can "win" one notification; the test logs how often.
// Then each worker takes attempt locks: exactly one must win each.
func TestConcurrentLocks(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	const docs, workers = 60, 4
	var ids []bson.ObjectID
	for i := 0; i < docs; i++ {
		ids = append(ids, insertN(t, st, pendingNotification(bson.NewObjectID(), "ops", now.Add(-time.Duration(i)*time.Second))).ID)
	}
	var mu sync.Mutex
	claimWins := map[bson.ObjectID]int{}
	lockWins := map[bson.ObjectID][]string{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(run string) {
			defer wg.Done()
			c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			own, err := store.Open(c, store.Options{URI: storetest.URI(t), Database: st.DatabaseName(), Timeout: 20 * time.Second})
			if err != nil {
				errs <- err
				return
			}
			defer own.Close(context.Background())
			for _, id := range ids {
				_, err := own.ClaimNotification(c, id, 1, store.Claim{Run: run, DueBy: now, Now: now, Until: now.Add(time.Hour)})
				if err == nil {
					mu.Lock()
					claimWins[id]++
					mu.Unlock()
				} else if !errors.Is(err, store.ErrConflict) {
					errs <- err
					return
				}
			}
			for _, id := range ids {
				err := own.LockNotificationAttempt(c, id, 1, run, now, now.Add(time.Hour))
				if errors.Is(err, store.ErrConflict) {
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				lockWins[id] = append(lockWins[id], run)
				mu.Unlock()
			}
		}(fmt.Sprintf("run-%d", w))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	extra := 0
	for _, n := range claimWins {
		extra += n - 1
	}
	t.Logf("%s, %d notifications, %d workers: conditional findOneAndUpdate let %d extra workers claim a notification another one had claimed",
		st.Capabilities().Kind, docs, workers, extra)
	if st.Capabilities().Kind == store.KindMongoDB && extra > 0 {
		t.Errorf("MongoDB findOneAndUpdate should be atomic, got %d double claims", extra)
	}
	for _, id := range ids {
		if runs := lockWins[id]; len(runs) != 1 {
			t.Errorf("notification %s: attempt 1 locked by %v, want exactly one run", id.Hex(), runs)
		}
	}
}

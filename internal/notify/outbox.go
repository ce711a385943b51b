package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Outbox defaults.
const (
	// DefaultMaxAttempts: with Backoff's schedule the last attempt comes
	// about 3 hours after the first.
	DefaultMaxAttempts = 10
	// DefaultLease is how long a claim holds a notification. A run that
	// dies while sending leaves it due again this long after the claim.
	// Sends are cut off at half the lease, so a live sender never overlaps
	// a run that takes over.
	DefaultLease = 5 * time.Minute
	// MaxNoteRunes bounds --message.
	MaxNoteRunes = 4000
	// ActionNotify is the event action written on the ticket for every
	// delivery attempt.
	ActionNotify = "ticket.notify"
)

// Results of one delivery attempt.
const (
	ResultSent    = "sent"    // delivered
	ResultPending = "pending" // not delivered; will be retried at next_attempt_at
	ResultFailed  = "failed"  // not delivered; given up (permanent error or last attempt)
	// ResultLost: sent or not, the outcome could not be recorded because the
	// lease ran out and another run took the notification over.
	ResultLost = "lost"
)

// OutboxOptions configure NewOutbox; zero values take the defaults.
type OutboxOptions struct {
	Now         func() time.Time
	MaxAttempts int
	Lease       time.Duration
	RunID       string // default NewRunID()
	Actor       string // username written in events and notifications
}

// Outbox writes notifications to the `notifications` collection before
// sending them, records every outcome, and retries what failed
// (DESIGN.md §11). Delivery is at-least-once: see docs/notifications.md.
type Outbox struct {
	st          *store.Store
	reg         *Registry
	now         func() time.Time
	maxAttempts int
	lease       time.Duration
	run         string
	actor       string
}

// NewOutbox returns an outbox over st sending through the channels of reg.
func NewOutbox(st *store.Store, reg *Registry, o OutboxOptions) *Outbox {
	ob := &Outbox{st: st, reg: reg, now: o.Now, maxAttempts: o.MaxAttempts, lease: o.Lease, run: o.RunID, actor: o.Actor}
	if ob.now == nil {
		ob.now = time.Now
	}
	if ob.maxAttempts < 1 {
		ob.maxAttempts = DefaultMaxAttempts
	}
	if ob.lease <= 0 {
		ob.lease = DefaultLease
	}
	if ob.run == "" {
		ob.run = NewRunID()
	}
	return ob
}

// RunID is the id this outbox claims notifications under.
func (o *Outbox) RunID() string { return o.run }

// NewRunID returns "<host>-<random>", unique per process run.
func NewRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	host, _ := os.Hostname()
	host = cleanLine(host)
	if host == "" || strings.ContainsAny(host, " :") {
		host = "run"
	}
	return host + "-" + hex.EncodeToString(b[:])
}

// Request asks for one notification about a ticket.
type Request struct {
	Ticket  bson.ObjectID
	Channel string
	To      []string // smtp recipients; empty: the channel's `to`
	Note    string   // free text added to the message (--message)
}

// Attempt is the outcome of one delivery attempt.
type Attempt struct {
	Notification store.Notification // as recorded after the attempt
	Attempt      int                // which attempt this was (1 = the first)
	Result       string             // ResultSent, ResultPending, ResultFailed or ResultLost
	Err          error              // the channel's error (secret-free); nil when sent
}

// Notify writes the notification to the outbox and then sends it: the
// Enqueue and Deliver steps. A failed send is not an error of Notify: it is
// in the Attempt (Err, Result pending or failed). The error is for what
// stopped the outbox itself (invalid request, database).
func (o *Outbox) Notify(ctx context.Context, req Request) (Attempt, error) {
	n, err := o.Enqueue(ctx, req)
	if err != nil {
		// Written but not locked (the database failed in between): it is
		// pending and claimed, and will be retried once the lease ends.
		return Attempt{Notification: n, Attempt: n.Attempts, Result: ResultPending}, err
	}
	return o.Deliver(ctx, n)
}

// Enqueue checks the request, renders the message and writes it to the
// outbox, already claimed by this run for its first attempt (so that a
// concurrent `notify retry` leaves it alone until the lease ends). Nothing
// is written when the channel is unknown or misconfigured, the recipients
// are invalid or the ticket does not exist.
func (o *Outbox) Enqueue(ctx context.Context, req Request) (store.Notification, error) {
	cfg, err := o.reg.Config(req.Channel)
	if err != nil {
		return store.Notification{}, err
	}
	ch, err := o.reg.Channel(req.Channel) // reads the channel's secrets now: fail before writing
	if err != nil {
		return store.Notification{}, err
	}
	rcpt, err := Recipients(ch.Name(), cfg, req.To)
	if err != nil {
		return store.Notification{}, err
	}
	if utf8.RuneCountInString(req.Note) > MaxNoteRunes {
		return store.Notification{}, fault.Invalid("--message is %d characters long; the limit is %d", utf8.RuneCountInString(req.Note), MaxNoteRunes)
	}
	summary, err := o.summary(ctx, req.Ticket)
	if err != nil {
		return store.Notification{}, err
	}
	msg, err := Render(cfg, summary, req.Note)
	if err != nil {
		return store.Notification{}, fault.Wrap(fault.ErrInvalid, err, "")
	}
	now := o.now().UTC()
	until := now.Add(o.lease)
	id := bson.NewObjectID()
	n := store.Notification{
		ID:             id,
		Ticket:         req.Ticket,
		Channel:        ch.Name(),
		ChannelType:    ch.Type(),
		Recipients:     rcpt,
		Subject:        msg.Subject,
		Body:           msg.Text,
		HTML:           msg.HTML,
		Note:           msg.Note,
		Summary:        toStoreTicket(msg.Ticket),
		IdempotencyKey: id.Hex(),
		Status:         store.NotifyPending,
		Attempts:       1,
		NextAttemptAt:  until,
		Actor:          o.actor,
		CreatedAt:      now,
		UpdatedAt:      now,
		ClaimedBy:      o.run,
		ClaimedUntil:   &until,
	}
	if err := o.st.InsertNotification(ctx, &n); err != nil {
		return store.Notification{}, err
	}
	if err := o.st.LockNotificationAttempt(ctx, n.ID, 1, o.run, now, until); err != nil {
		return n, err
	}
	return n, nil
}

// Deliver sends n, which this run has claimed for attempt n.Attempts, and
// records the outcome: sent; pending with next_attempt_at = now +
// Backoff(attempts) (or the server's Retry-After when longer); failed when
// the error is permanent or this was the last attempt. It writes an event on
// the ticket. The outcome is recorded even when ctx is cancelled mid-send,
// so an interrupted run never forgets a delivery the channel confirmed.
func (o *Outbox) Deliver(ctx context.Context, n store.Notification) (Attempt, error) {
	a := Attempt{Notification: n, Attempt: n.Attempts}
	sendErr := o.send(ctx, n)

	now := o.now().UTC()
	out := store.Outcome{Status: store.NotifySent, At: now}
	if sendErr != nil {
		out.LastError = errorText(sendErr)
		switch {
		case IsPermanentSend(sendErr):
			out.Status = store.NotifyFailed
		case n.Attempts >= o.maxAttempts:
			out.Status = store.NotifyFailed
			out.LastError = fmt.Sprintf("gave up after %d attempts: %s", n.Attempts, out.LastError)
		default:
			out.Status = store.NotifyPending
			wait := Backoff(n.Attempts)
			if ra := RetryAfter(sendErr); ra > wait {
				wait = min(ra, 24*time.Hour)
			}
			out.NextAttemptAt = now.Add(wait)
		}
	}
	a.Err = sendErr
	a.Result = out.Status

	// Record even if the caller was interrupted: the send has happened.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	rec, err := o.st.FinishNotification(rctx, n.ID, n.Attempts, out)
	if errors.Is(err, store.ErrConflict) {
		a.Result = ResultLost
		a.Notification = rec
		lost := fmt.Errorf("notification %s: the lease of attempt %d ran out and another run took it over; its outcome (%s) was not recorded", n.ID.Hex(), n.Attempts, out.Status)
		if sendErr != nil {
			lost = fmt.Errorf("%w: %w", lost, sendErr)
		}
		a.Err = lost
		return a, o.event(rctx, a, now)
	}
	if err != nil {
		if sendErr == nil {
			return a, fault.WithHint(fmt.Errorf("notification %s was sent, but recording it failed: %w", n.ID.Hex(), err),
				"`ticketctl notify retry` will send it again once its lease ends (same idempotency key "+n.IdempotencyKey+")")
		}
		return a, err
	}
	a.Notification = rec
	return a, o.event(rctx, a, now)
}

// send resolves the channel and sends n, bounded by half the lease.
func (o *Outbox) send(ctx context.Context, n store.Notification) error {
	ch, err := o.reg.Channel(n.Channel)
	if err != nil {
		// The config can be fixed without touching the message: retry later.
		return &SendError{Channel: n.Channel, Type: n.ChannelType, Err: err}
	}
	if ch.Type() != n.ChannelType {
		return &SendError{Channel: n.Channel, Type: n.ChannelType, Err: fmt.Errorf(
			"channel %q is now of type %s, but the notification was rendered for %s", n.Channel, ch.Type(), n.ChannelType)}
	}
	sctx, cancel := context.WithTimeout(ctx, o.lease/2)
	defer cancel()
	return ch.Send(sctx, MessageFor(n))
}

// IsPermanentSend is IsPermanent for errors from a send: a channel that
// cannot be built (missing environment variable, removed from the config)
// is wrapped as a temporary SendError by the outbox and so is retried.
func IsPermanentSend(err error) bool {
	var se *SendError
	if errors.As(err, &se) {
		return se.Permanent
	}
	return IsPermanent(err)
}

// errorText is the one-line, bounded text stored in last_error and events.
func errorText(err error) string {
	return truncateRunes(cleanLine(err.Error()), 500)
}

func (o *Outbox) event(ctx context.Context, a Attempt, at time.Time) error {
	n := a.Notification
	note := fmt.Sprintf("notification %s via %s (%s), attempt %d: %s", n.ID.Hex(), n.Channel, n.ChannelType, a.Attempt, a.Result)
	switch a.Result {
	case ResultPending:
		note += fmt.Sprintf("; next attempt %s", n.NextAttemptAt.UTC().Format(time.RFC3339))
	}
	if a.Err != nil {
		note += ": " + truncateRunes(errorText(a.Err), 300)
	}
	ticket := n.Ticket
	return o.st.InsertEvent(ctx, &store.Event{
		At: at, Actor: o.actor, Action: ActionNotify, Ticket: &ticket,
		To: n.Channel, Note: note, RunID: o.run,
	})
}

// RetryOptions bound one Retry run.
type RetryOptions struct {
	Max int // most notifications to attempt; 0: every due one
}

// RetrySummary is what one Retry run did.
type RetrySummary struct {
	Run       string    `json:"run"`
	Attempted int       `json:"attempted"`
	Sent      int       `json:"sent"`
	Pending   int       `json:"pending"`
	Failed    int       `json:"failed"`
	Lost      int       `json:"lost"`
	Attempts  []Attempt `json:"-"`
}

// Retry claims due notifications one at a time and delivers each. A claim
// is exclusive on every server: the run first takes the lock of the next
// attempt number (an insert against a unique _id; see
// store.LockNotificationAttempt), and only the lock holder marks the
// notification claimed and sends it. So two concurrent runs never send the
// same attempt; a notification whose sender died (a live lock that was
// never finished) is taken over, as the next attempt, once its lease has
// passed. each (optional) sees every attempt as it finishes.
func (o *Outbox) Retry(ctx context.Context, ro RetryOptions, each func(Attempt)) (RetrySummary, error) {
	sum := RetrySummary{Run: o.run, Attempts: []Attempt{}}
	dueBy := o.now().UTC() // fixed: what this run reschedules is not due again in the same run
	var skipped []bson.ObjectID
	for {
		// A small batch, re-read after each delivery: other runs work on the
		// same queue, so what was due a moment ago may be theirs by now.
		var batch []store.Notification
		for n, err := range o.st.Notifications(ctx, store.NotificationFilter{DueBy: dueBy, Exclude: skipped}, 20) {
			if err != nil {
				return sum, err
			}
			batch = append(batch, n)
		}
		if len(batch) == 0 {
			return sum, nil
		}
		for _, cand := range batch {
			if ro.Max > 0 && sum.Attempted >= ro.Max {
				return sum, nil
			}
			if err := ctx.Err(); err != nil {
				return sum, err
			}
			n, ok, err := o.claim(ctx, cand, dueBy)
			if err != nil {
				return sum, err
			}
			if !ok {
				skipped = append(skipped, cand.ID)
				continue
			}
			a, err := o.Deliver(ctx, n)
			sum.add(a)
			if each != nil {
				each(a)
			}
			if err != nil {
				return sum, err
			}
		}
	}
}

// maxLockProbes bounds how many dead attempts claim steps over.
const maxLockProbes = 50

// claim takes cand for this run as its next attempt. ok is false when
// another run holds it (a live lock) or finished it meanwhile.
func (o *Outbox) claim(ctx context.Context, cand store.Notification, dueBy time.Time) (store.Notification, bool, error) {
	now := o.now().UTC()
	until := now.Add(o.lease)
	attempt := cand.Attempts + 1
	for probes := 0; ; probes++ {
		if probes >= maxLockProbes {
			return store.Notification{}, false, fmt.Errorf("notification %s: %d attempt locks in a row have expired; giving up on it in this run", cand.ID.Hex(), maxLockProbes)
		}
		err := o.st.LockNotificationAttempt(ctx, cand.ID, attempt, o.run, now, until)
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrConflict) {
			return store.Notification{}, false, err
		}
		lock, err := o.st.NotificationAttemptLock(ctx, cand.ID, attempt)
		if errors.Is(err, store.ErrNotFound) {
			continue // locks are never deleted, but if one was by hand: try the same number again
		}
		if err != nil {
			return store.Notification{}, false, err
		}
		if lock.Until.After(now) {
			return store.Notification{}, false, nil // another run is on it
		}
		// That attempt's run died (or finished and our read is stale):
		// step over it. ClaimNotification below checks the notification
		// itself is still pending.
		attempt++
	}
	n, err := o.st.ClaimNotification(ctx, cand.ID, attempt, store.Claim{Run: o.run, DueBy: dueBy, Now: now, Until: until})
	if errors.Is(err, store.ErrConflict) {
		return store.Notification{}, false, nil
	}
	if err != nil {
		return store.Notification{}, false, err
	}
	return n, true, nil
}

func (s *RetrySummary) add(a Attempt) {
	s.Attempted++
	s.Attempts = append(s.Attempts, a)
	switch a.Result {
	case ResultSent:
		s.Sent++
	case ResultPending:
		s.Pending++
	case ResultFailed:
		s.Failed++
	case ResultLost:
		s.Lost++
	}
}

// summary describes ticket id: its fields plus its server's and team's
// names (ids when they no longer exist).
func (o *Outbox) summary(ctx context.Context, id bson.ObjectID) (TicketSummary, error) {
	t, err := o.st.GetTicket(ctx, id)
	if err != nil {
		return TicketSummary{}, err
	}
	s := TicketSummary{ID: t.ID.Hex(), Title: t.Title, Status: t.Status, Priority: t.Priority,
		Severity: t.Severity, Tags: t.Tags}
	if !t.Server.IsZero() {
		s.Server = t.Server.Hex()
		sv, err := o.st.GetServer(ctx, t.Server)
		switch {
		case err == nil:
			s.Server = sv.Name
		case !errors.Is(err, store.ErrNotFound):
			return TicketSummary{}, err
		}
	}
	if t.Team != nil {
		s.Team = t.Team.Hex()
		tm, err := o.st.GetTeam(ctx, *t.Team)
		switch {
		case err == nil:
			s.Team = teamName(tm)
		case !errors.Is(err, store.ErrNotFound):
			return TicketSummary{}, err
		}
	}
	return s, nil
}

func teamName(t store.Team) string {
	if t.Name != "" {
		return t.Name
	}
	return strings.TrimSpace(t.Company + " " + t.Category)
}

func toStoreTicket(t TicketSummary) store.NotificationTicket {
	return store.NotificationTicket{ID: t.ID, Title: t.Title, Status: t.Status, Priority: t.Priority,
		Severity: t.Severity, Server: t.Server, Team: t.Team, Tags: t.Tags, URL: t.URL}
}

// MessageFor is the message the outbox sends for n: what was rendered and
// stored when it was created, with its idempotency key. Every attempt
// sends the same message.
func MessageFor(n store.Notification) Message {
	s := n.Summary
	return Message{
		Subject: n.Subject, Text: n.Body, HTML: n.HTML, Note: n.Note,
		Recipients:     n.Recipients,
		IdempotencyKey: n.IdempotencyKey,
		Ticket: TicketSummary{ID: s.ID, Title: s.Title, Status: s.Status, Priority: s.Priority,
			Severity: s.Severity, Server: s.Server, Team: s.Team, Tags: s.Tags, URL: s.URL},
	}
}

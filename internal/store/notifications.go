package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// CollNotificationClaims holds one small document per delivery attempt of
// a notification, keyed "<notification id>:<attempt>". Its only job is the
// unique _id: see LockNotificationAttempt.
const CollNotificationClaims = "notification_claims"

// Notification statuses.
const (
	NotifyPending = "pending" // not delivered yet: waiting for next_attempt_at, or being sent
	NotifySent    = "sent"    // the channel accepted it
	NotifyFailed  = "failed"  // gave up: a permanent error or too many attempts
)

// NotifyStatuses lists the statuses in the order help shows them.
var NotifyStatuses = []string{NotifyPending, NotifySent, NotifyFailed}

// NotificationTicket is the ticket as the notification described it when
// it was rendered (a snapshot: a retry sends exactly what was stored).
type NotificationTicket struct {
	ID       string   `bson:"id" json:"id"`
	Title    string   `bson:"title" json:"title"`
	Status   string   `bson:"status" json:"status"`
	Priority string   `bson:"priority,omitempty" json:"priority,omitempty"`
	Severity string   `bson:"severity,omitempty" json:"severity,omitempty"`
	Server   string   `bson:"server,omitempty" json:"server,omitempty"`
	Team     string   `bson:"team,omitempty" json:"team,omitempty"`
	Tags     []string `bson:"tags,omitempty" json:"tags,omitempty"`
	URL      string   `bson:"url,omitempty" json:"url,omitempty"`
}

// Notification is a document of the notifications outbox. It is written
// before anything is sent and holds the fully rendered message, so that a
// retry sends the same bytes. It never holds a secret: channels are named,
// their URLs and credentials stay in the config and the environment.
type Notification struct {
	ID             bson.ObjectID      `bson:"_id,omitempty" json:"_id"`
	Ticket         bson.ObjectID      `bson:"ticket" json:"ticket"`
	Channel        string             `bson:"channel" json:"channel"`
	ChannelType    string             `bson:"channel_type" json:"channel_type"`
	Recipients     []string           `bson:"recipients,omitempty" json:"recipients,omitempty"`
	Subject        string             `bson:"subject" json:"subject"`
	Body           string             `bson:"body" json:"body"`
	HTML           string             `bson:"html,omitempty" json:"html,omitempty"`
	Note           string             `bson:"note,omitempty" json:"note,omitempty"`
	Summary        NotificationTicket `bson:"summary" json:"summary"`
	IdempotencyKey string             `bson:"idempotency_key" json:"idempotency_key"`
	Status         string             `bson:"status" json:"status"`
	// Attempts counts delivery attempts started (a claim increments it
	// before sending, so an attempt cut short by a crash still counts).
	Attempts      int        `bson:"attempts" json:"attempts"`
	NextAttemptAt time.Time  `bson:"next_attempt_at" json:"next_attempt_at"`
	LastError     string     `bson:"last_error,omitempty" json:"last_error,omitempty"`
	Actor         string     `bson:"actor" json:"actor"`
	CreatedAt     time.Time  `bson:"created_at" json:"created_at"`
	UpdatedAt     time.Time  `bson:"updated_at" json:"updated_at"`
	SentAt        *time.Time `bson:"sent_at,omitempty" json:"sent_at,omitempty"`
	// ClaimedBy and ClaimedUntil are set while a run is sending it.
	ClaimedBy    string     `bson:"claimed_by,omitempty" json:"claimed_by,omitempty"`
	ClaimedUntil *time.Time `bson:"claimed_until,omitempty" json:"claimed_until,omitempty"`
}

// InsertNotification writes a new notification. The caller may set ID
// beforehand (its hex is usually the idempotency key).
func (s *Store) InsertNotification(ctx context.Context, n *Notification) error {
	if n.ID.IsZero() {
		n.ID = bson.NewObjectID()
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = time.Now().UTC()
	}
	if n.UpdatedAt.IsZero() {
		n.UpdatedAt = n.CreatedAt
	}
	_, err := insertOne(ctx, s, CollNotifications, n, "record notification")
	return err
}

// GetNotification returns the notification with id.
func (s *Store) GetNotification(ctx context.Context, id bson.ObjectID) (Notification, error) {
	return findOne[Notification](ctx, s, CollNotifications, byID(id), "notification "+id.Hex())
}

// NotificationFilter selects notifications; zero fields do not filter.
type NotificationFilter struct {
	Status string
	Ticket *bson.ObjectID
	// DueBy selects pending notifications whose next attempt is at or
	// before it (what `notify retry` would claim).
	DueBy time.Time
	// Exclude leaves these notifications out.
	Exclude []bson.ObjectID
}

func (f NotificationFilter) bson() bson.D {
	d := bson.D{}
	if f.Status != "" {
		d = append(d, bson.E{Key: "status", Value: f.Status})
	}
	if f.Ticket != nil {
		d = append(d, bson.E{Key: "ticket", Value: *f.Ticket})
	}
	if !f.DueBy.IsZero() {
		if f.Status == "" {
			d = append(d, bson.E{Key: "status", Value: NotifyPending})
		}
		d = append(d, bson.E{Key: "next_attempt_at", Value: bson.D{{Key: "$lte", Value: f.DueBy}}})
	}
	if len(f.Exclude) > 0 {
		d = append(d, bson.E{Key: "_id", Value: bson.D{{Key: "$nin", Value: f.Exclude}}})
	}
	return d
}

// Notifications streams the notifications f selects, newest first (due
// ones: oldest due first), at most limit (0: all).
func (s *Store) Notifications(ctx context.Context, f NotificationFilter, limit int64) iter.Seq2[Notification, error] {
	return func(yield func(Notification, error) bool) {
		sort := bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}
		if !f.DueBy.IsZero() {
			sort = bson.D{{Key: "next_attempt_at", Value: 1}, {Key: "_id", Value: 1}}
		}
		o := options.Find().SetSort(sort)
		if limit > 0 {
			o.SetLimit(limit)
		}
		cur, err := s.coll(CollNotifications).Find(ctx, f.bson(), o)
		if err != nil {
			yield(Notification{}, mapErr(err, "list notifications"))
			return
		}
		defer cur.Close(context.WithoutCancel(ctx))
		for cur.Next(ctx) {
			var n Notification
			if err := cur.Decode(&n); err != nil {
				yield(Notification{}, mapErr(err, "decode notification"))
				return
			}
			if !yield(n, nil) {
				return
			}
		}
		if err := cur.Err(); err != nil {
			yield(Notification{}, mapErr(err, "list notifications"))
		}
	}
}

// AttemptLock is a document of CollNotificationClaims: run holds attempt
// number Attempt of a notification until Until.
type AttemptLock struct {
	ID           string        `bson:"_id" json:"_id"` // "<notification id>:<attempt>"
	Notification bson.ObjectID `bson:"notification" json:"notification"`
	Attempt      int           `bson:"attempt" json:"attempt"`
	Run          string        `bson:"run" json:"run"`
	At           time.Time     `bson:"at" json:"at"`
	Until        time.Time     `bson:"until" json:"until"`
}

func attemptLockID(id bson.ObjectID, attempt int) string {
	return fmt.Sprintf("%s:%d", id.Hex(), attempt)
}

// LockNotificationAttempt records that run makes attempt number attempt of
// notification id, until the lease ends at until, by inserting a document
// whose _id is "<id>:<attempt>". An insert against a unique _id is atomic on
// every server, MongoDB and FerretDB alike, so of all runs that try to make
// one attempt exactly one gets nil; the others get ErrConflict. Locks are
// never deleted: an attempt number, once taken, stays taken.
//
// This, not a conditional findOneAndUpdate, is what makes claims
// exclusive: FerretDB v1 implements findAndModify as a query followed by an
// unconditional write by _id, and two concurrent claims of one
// notification both "succeed" there (measured: TestConcurrentLocks).
func (s *Store) LockNotificationAttempt(ctx context.Context, id bson.ObjectID, attempt int, run string, at, until time.Time) error {
	l := AttemptLock{ID: attemptLockID(id, attempt), Notification: id, Attempt: attempt, Run: run, At: at, Until: until}
	_, err := s.coll(CollNotificationClaims).InsertOne(ctx, l)
	return mapErr(err, fmt.Sprintf("lock attempt %d of notification %s", attempt, id.Hex()))
}

// NotificationAttemptLock returns the lock of one attempt.
func (s *Store) NotificationAttemptLock(ctx context.Context, id bson.ObjectID, attempt int) (AttemptLock, error) {
	return findOne[AttemptLock](ctx, s, CollNotificationClaims, bson.D{{Key: "_id", Value: attemptLockID(id, attempt)}},
		fmt.Sprintf("lock of attempt %d of notification %s", attempt, id.Hex()))
}

// Claim is what ClaimNotification records.
type Claim struct {
	Run   string    // the run holding the attempt's lock, stored in claimed_by
	DueBy time.Time // the notification must still be due at or before this
	Now   time.Time
	Until time.Time // end of the lease: the notification is due again then
}

// ClaimNotification marks notification id as being sent by c.Run as
// attempt number attempt, which the caller must hold the lock of
// (LockNotificationAttempt). It sets attempts, claimed_by, claimed_until and
// moves next_attempt_at to the end of the lease, so that a run that dies
// while sending leaves it due again once the lease has passed. It applies
// only while the notification is pending, due, and at an earlier attempt;
// otherwise (another run finished it meanwhile) it is ErrConflict.
func (s *Store) ClaimNotification(ctx context.Context, id bson.ObjectID, attempt int, c Claim) (Notification, error) {
	filter := bson.D{
		{Key: "_id", Value: id},
		{Key: "status", Value: NotifyPending},
		{Key: "next_attempt_at", Value: bson.D{{Key: "$lte", Value: c.DueBy}}},
		{Key: "attempts", Value: bson.D{{Key: "$lt", Value: attempt}}},
	}
	update := bson.D{{Key: "$set", Value: bson.D{
		{Key: "attempts", Value: attempt},
		{Key: "claimed_by", Value: c.Run},
		{Key: "claimed_until", Value: c.Until},
		{Key: "next_attempt_at", Value: c.Until},
		{Key: "updated_at", Value: c.Now},
	}}}
	var n Notification
	err := s.coll(CollNotifications).FindOneAndUpdate(ctx, filter, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&n)
	if err == nil {
		return n, nil
	}
	err = mapErr(err, "claim notification "+id.Hex())
	if errors.Is(err, ErrNotFound) {
		return Notification{}, fault.New(ErrConflict, "notification %s is no longer due for attempt %d", id.Hex(), attempt)
	}
	return Notification{}, err
}

// Outcome is the result of one delivery attempt.
type Outcome struct {
	Status        string // NotifySent, NotifyPending (try again at NextAttemptAt) or NotifyFailed
	LastError     string
	NextAttemptAt time.Time // for NotifyPending
	At            time.Time
}

// FinishNotification records the outcome of attempt number attempt and
// releases the claim. It only applies while the notification is still
// pending at that attempt: if the lease ran out and another run claimed it
// meanwhile, it is ErrConflict and nothing changes.
func (s *Store) FinishNotification(ctx context.Context, id bson.ObjectID, attempt int, o Outcome) (Notification, error) {
	set := bson.D{
		{Key: "status", Value: o.Status},
		{Key: "updated_at", Value: o.At},
	}
	switch o.Status {
	case NotifySent:
		set = append(set, bson.E{Key: "sent_at", Value: o.At}, bson.E{Key: "last_error", Value: ""})
	case NotifyPending:
		set = append(set, bson.E{Key: "next_attempt_at", Value: o.NextAttemptAt}, bson.E{Key: "last_error", Value: o.LastError})
	case NotifyFailed:
		set = append(set, bson.E{Key: "last_error", Value: o.LastError})
	default:
		return Notification{}, fmt.Errorf("finish notification %s: unknown status %q", id.Hex(), o.Status)
	}
	filter := bson.D{{Key: "_id", Value: id}, {Key: "status", Value: NotifyPending}, {Key: "attempts", Value: attempt}}
	update := bson.D{
		{Key: "$set", Value: set},
		{Key: "$unset", Value: bson.D{{Key: "claimed_by", Value: ""}, {Key: "claimed_until", Value: ""}}},
	}
	var n Notification
	err := s.coll(CollNotifications).FindOneAndUpdate(ctx, filter, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&n)
	if err == nil {
		return n, nil
	}
	err = mapErr(err, "record the outcome of notification "+id.Hex())
	if !errors.Is(err, ErrNotFound) {
		return Notification{}, err
	}
	cur, gerr := s.GetNotification(ctx, id)
	if gerr != nil {
		return Notification{}, gerr
	}
	return cur, fault.New(ErrConflict, "notification %s changed meanwhile: expected attempt %d pending, found attempt %d %s",
		id.Hex(), attempt, cur.Attempts, cur.Status)
}

// Package faqs holds the FAQ side of triage: the FAQ catalogue (add, list,
// get, delete, import), matching tickets and free text against it with
// BM25, calibrating the confidence above which an FAQ may resolve a ticket
// on its own, and the `faq` distribution strategy with its resolver. It
// calls the store and never reads flags or configuration.
package faqs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/tickets"
)

// Limits on an FAQ.
const (
	MaxQuestion = 500
	MaxAnswer   = 20000
	MaxKey      = 100
)

// Event actions this package writes.
const (
	ActionAdd       = "faq.add"
	ActionDelete    = "faq.delete"
	ActionImport    = "faq.import"
	ActionCalibrate = "faq.calibrate"
	ActionResolve   = "ticket.resolve"
)

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]*$`)

// Service manages FAQs for a logged-in principal.
type Service struct {
	St  *store.Store
	Now func() time.Time
}

// New returns a service; now is the clock (time.Now when nil).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{St: st, Now: func() time.Time { return now().UTC() }}
}

// NewFAQ is what `faq add` and each imported record submit.
type NewFAQ struct {
	Key      string   `json:"key,omitempty"`
	Question string   `json:"question"`
	Answer   string   `json:"answer"`
	Tags     []string `json:"tags,omitempty"`
}

// Validate trims and checks an FAQ: a one-line question of 1–500
// characters, an answer of 1–20,000, tags as on tickets, and an optional
// key of letters, digits and _.:- that is not an id.
func Validate(in NewFAQ) (store.FAQ, error) {
	var f store.FAQ
	if err := tickets.CheckText("question", in.Question, false); err != nil {
		return f, err
	}
	f.Question = strings.TrimSpace(in.Question)
	if n := utf8.RuneCountInString(f.Question); n == 0 || n > MaxQuestion {
		return f, fault.Invalid("question has %d characters: want 1 to %d", n, MaxQuestion)
	}
	if err := tickets.CheckText("answer", in.Answer, true); err != nil {
		return f, err
	}
	f.Answer = strings.TrimSpace(strings.ReplaceAll(in.Answer, "\r\n", "\n"))
	if n := utf8.RuneCountInString(f.Answer); n == 0 || n > MaxAnswer {
		return f, fault.Invalid("answer has %d characters: want 1 to %d", n, MaxAnswer)
	}
	tags, err := tickets.NormalizeTags(in.Tags)
	if err != nil {
		return f, err
	}
	f.Tags = tags
	f.Key = strings.TrimSpace(in.Key)
	if f.Key != "" {
		if len(f.Key) > MaxKey || !keyPattern.MatchString(f.Key) {
			return f, fault.Invalid("key %q: want up to %d of letters, digits and _.:- (starting with a letter or digit)", f.Key, MaxKey)
		}
		if _, err := bson.ObjectIDFromHex(f.Key); err == nil {
			return f, fault.Invalid("key %q looks like an id: pick a key that is not 24 hex characters", f.Key)
		}
	}
	return f, nil
}

// Add validates and stores an FAQ (employees).
func (s *Service) Add(ctx context.Context, p auth.Principal, in NewFAQ) (store.FAQ, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return store.FAQ{}, err
	}
	f, err := Validate(in)
	if err != nil {
		return f, err
	}
	now := s.Now()
	f.CreatedAt, f.UpdatedAt, f.CreatedBy = now, now, p.Username
	if err := s.St.InsertFAQ(ctx, &f); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return f, fault.WithHint(fault.New(fault.ErrConflict, "an FAQ with key %q exists already", f.Key),
				"pick another key, or import the FAQ to replace it")
		}
		return f, err
	}
	return f, s.St.InsertEvent(ctx, &store.Event{At: now, Actor: p.Username, Action: ActionAdd, Subject: "faq:" + f.ID.Hex(), Note: label(f)})
}

// List returns every FAQ (employees).
func (s *Service) List(ctx context.Context, p auth.Principal) ([]store.FAQ, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return nil, err
	}
	return s.St.FAQs(ctx)
}

// Get returns the FAQ with an id or key (employees).
func (s *Service) Get(ctx context.Context, p auth.Principal, ref string) (store.FAQ, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return store.FAQ{}, err
	}
	return Resolve(ctx, s.St, ref)
}

// Resolve finds an FAQ by id (24 hex characters) or key.
func Resolve(ctx context.Context, st *store.Store, ref string) (store.FAQ, error) {
	ref = strings.TrimSpace(ref)
	if id, err := bson.ObjectIDFromHex(ref); err == nil {
		return st.GetFAQ(ctx, id)
	}
	if ref == "" {
		return store.FAQ{}, fault.Invalid("FAQ id or key is empty")
	}
	f, err := st.GetFAQByKey(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		return f, fault.WithHint(fault.New(fault.ErrNotFound, "FAQ %q: not found", ref), "list FAQs with `ticketctl faq list`")
	}
	return f, err
}

// Delete removes an FAQ by id or key (employees) and records the event.
// Tickets it resolved keep pointing at its id.
func (s *Service) Delete(ctx context.Context, p auth.Principal, ref string) (store.FAQ, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return store.FAQ{}, err
	}
	f, err := Resolve(ctx, s.St, ref)
	if err != nil {
		return f, err
	}
	if err := s.St.DeleteFAQ(ctx, f.ID); err != nil {
		return f, err
	}
	return f, s.St.InsertEvent(ctx, &store.Event{At: s.Now(), Actor: p.Username, Action: ActionDelete, Subject: "faq:" + f.ID.Hex(), Note: label(f)})
}

// label names an FAQ for events and messages: its key, else its question.
func label(f store.FAQ) string {
	if f.Key != "" {
		return f.Key
	}
	return truncate(f.Question, 80)
}

// Label names an FAQ for people.
func Label(f store.FAQ) string { return label(f) }

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Fingerprint identifies a set of FAQs as they are now (ids and last
// changes): a calibration holds only for the set it was measured on.
func Fingerprint(fs []store.FAQ) string {
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.ID.Hex() + "@" + strconv.FormatInt(f.UpdatedAt.UnixMilli(), 10)
	}
	sort.Strings(keys)
	h := sha256.Sum256([]byte(strings.Join(keys, ",")))
	return hex.EncodeToString(h[:8])
}

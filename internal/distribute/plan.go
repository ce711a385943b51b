// Package distribute plans and applies moves of tickets from one server
// (normally the central one) to the servers and teams that will handle
// them. Plans are explainable: every entry says which strategy decided and
// why. Applying re-checks every precondition, so stale plans are safe.
package distribute

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Actions an entry can carry.
const (
	ActionMove    = "move"
	ActionLeave   = "leave"
	ActionResolve = "resolve"
	// ActionSkip marks an entry that cannot be applied (unknown ticket,
	// already there); its last reason says why.
	ActionSkip = "skip"
)

// Entry is one decision of a plan, and the unit that apply re-checks.
type Entry struct {
	Ticket          bson.ObjectID  `json:"ticket"`
	Title           string         `json:"title,omitempty"`
	From            bson.ObjectID  `json:"from"`
	ExpectedVersion int64          `json:"expected_version"`
	Action          string         `json:"action"`
	To              *bson.ObjectID `json:"to"`
	Team            *bson.ObjectID `json:"team"`
	Strategy        string         `json:"strategy"`
	Reasons         []string       `json:"reasons"`
	Confidence      float64        `json:"confidence,omitempty"`
	TopTerms        []string       `json:"top_terms,omitempty"`
	// FAQ is the FAQ that resolves the ticket, for the faq strategy.
	FAQ *bson.ObjectID `json:"faq,omitempty"`
	// Names for people reading a plan; apply uses the ids.
	ToName   string `json:"to_name,omitempty"`
	TeamName string `json:"team_name,omitempty"`
}

// Item is the outcome of one entry when applied.
type Item struct {
	Ticket bson.ObjectID `json:"ticket"`
	Result string        `json:"result"` // moved, resolved, skipped, failed, left, planned
	Reason string        `json:"reason,omitempty"`
	To     string        `json:"to,omitempty"`
}

// Results of an item.
const (
	ResultMoved    = "moved"
	ResultResolved = "resolved"
	ResultSkipped  = "skipped"
	ResultFailed   = "failed"
	ResultLeft     = "left"
	ResultPlanned  = "planned" // --dry-run
)

// Summary is what a distribute run reports, for people and cron.
type Summary struct {
	Run            string         `json:"run"`
	DryRun         bool           `json:"dry_run"`
	Moved          int            `json:"moved"`
	Resolved       int            `json:"resolved"`
	Skipped        int            `json:"skipped"`
	Failed         int            `json:"failed"`
	Left           int            `json:"left"`
	Planned        int            `json:"planned"`
	Recovered      int            `json:"recovered_events"`
	SkippedReasons map[string]int `json:"skipped_reasons"`
	LeftReasons    map[string]int `json:"left_reasons"`
	Duration       time.Duration  `json:"-"`
	DurationMS     int64          `json:"duration_ms"`
	Interrupted    bool           `json:"interrupted"`
	Error          string         `json:"error,omitempty"`
	Items          []Item         `json:"items"`

	keep   bool
	onItem func(Item)
}

func newSummary(run string, dry, keep bool, onItem func(Item)) *Summary {
	return &Summary{Run: run, DryRun: dry, SkippedReasons: map[string]int{}, LeftReasons: map[string]int{}, Items: []Item{},
		keep: keep, onItem: onItem}
}

func (s *Summary) add(it Item) {
	switch it.Result {
	case ResultMoved:
		s.Moved++
	case ResultResolved:
		s.Resolved++
	case ResultSkipped:
		s.Skipped++
		s.SkippedReasons[it.Reason]++
	case ResultFailed:
		s.Failed++
	case ResultLeft:
		s.Left++
		s.LeftReasons[it.Reason]++
	case ResultPlanned:
		s.Planned++
	}
	// Items are kept only when asked (-o json): a run over a million
	// tickets must not hold a million items; -o ndjson streams them.
	if s.keep {
		s.Items = append(s.Items, it)
	}
	if s.onItem != nil {
		s.onItem(it)
	}
}

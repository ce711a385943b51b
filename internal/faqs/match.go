package faqs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// Matcher ranks the FAQs of one moment against queries. It is built once
// per command (the FAQ set is small) and is read-only afterwards.
type Matcher struct {
	faqs        map[string]store.FAQ // by hex id
	index       *triage.Index
	fingerprint string
	// Calibration is the stored calibration, nil when there is none.
	Calibration *store.FAQCalibration
}

// ErrNoFAQs means there is nothing to match against.
var ErrNoFAQs = fault.WithHint(fault.New(fault.ErrNotFound, "no FAQs to match against"),
	"add some with `ticketctl faq add` or `ticketctl faq import`")

// LoadMatcher reads every FAQ and the calibration and builds the index.
func LoadMatcher(ctx context.Context, st *store.Store) (*Matcher, error) {
	fs, err := st.FAQs(ctx)
	if err != nil {
		return nil, err
	}
	m, err := NewMatcher(fs)
	if err != nil {
		return nil, err
	}
	c, err := st.FAQCalibrationSetting(ctx)
	switch {
	case err == nil:
		m.Calibration = &c
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return m, nil
}

// NewMatcher indexes fs with BM25 over question, answer and tags.
func NewMatcher(fs []store.FAQ) (*Matcher, error) {
	if len(fs) == 0 {
		return nil, ErrNoFAQs
	}
	m := &Matcher{faqs: make(map[string]store.FAQ, len(fs)), fingerprint: Fingerprint(fs)}
	docs := make([]triage.FAQ, len(fs))
	for i, f := range fs {
		id := f.ID.Hex()
		m.faqs[id] = f
		docs[i] = triage.FAQ{ID: id, Question: f.Question, Answer: f.Answer, Tags: f.Tags}
	}
	ix, err := triage.NewIndex(docs, triage.BM25Options{})
	if err != nil {
		return nil, err
	}
	m.index = ix
	return m, nil
}

// Len is the number of FAQs.
func (m *Matcher) Len() int { return len(m.faqs) }

// Fingerprint identifies the FAQ set the matcher was built from.
func (m *Matcher) Fingerprint() string { return m.fingerprint }

// Candidate is one ranked FAQ.
type Candidate struct {
	Rank     int           `json:"rank"`
	FAQ      bson.ObjectID `json:"faq"`
	Key      string        `json:"key,omitempty"`
	Question string        `json:"question"`
	Score    float64       `json:"score"`
}

// Result is the answer to one query: the ranked FAQs, the confidence of
// the best one and whether it clears the calibrated threshold.
type Result struct {
	// ID echoes the id given with a --stdin query, so results can be
	// joined back to their input.
	ID      json.RawMessage `json:"id,omitempty"`
	Ticket  *bson.ObjectID  `json:"ticket,omitempty"`
	Matches []Candidate     `json:"matches"`
	// Confidence, Margin and Coverage describe the best match (0 when
	// nothing matched); see triage.Match.
	Confidence float64  `json:"confidence"`
	Margin     float64  `json:"margin"`
	Coverage   float64  `json:"coverage"`
	Terms      []string `json:"terms"`
	// Threshold is the calibrated auto-resolution threshold (null when
	// auto-resolution is off); AutoResolve says whether the best match
	// clears it, i.e. whether the faq strategy would resolve this ticket.
	Threshold   *float64 `json:"threshold"`
	AutoResolve bool     `json:"auto_resolve"`
	// Why says why auto-resolution would not happen.
	Why string `json:"why,omitempty"`
}

// Match ranks the FAQs for text and returns the top k (all when k ≤ 0).
func (m *Matcher) Match(text string, k int) Result {
	r := Result{Matches: []Candidate{}, Terms: []string{}}
	for i, h := range m.index.Search(text, k) {
		f := m.faqs[h.ID]
		r.Matches = append(r.Matches, Candidate{Rank: i + 1, FAQ: f.ID, Key: f.Key, Question: f.Question, Score: round(h.Score, 4)})
	}
	best, ok := m.index.Best(text)
	if !ok {
		r.Why = "no FAQ shares a word with the text"
		return r
	}
	r.Confidence, r.Margin, r.Coverage = round(best.Confidence, 4), round(best.Margin, 4), round(best.Coverage, 4)
	r.Terms = best.Terms
	threshold, why := m.AutoThreshold()
	if why != "" {
		r.Why = why
		return r
	}
	r.Threshold = &threshold
	r.AutoResolve = best.Confidence >= threshold
	if !r.AutoResolve {
		r.Why = fmt.Sprintf("confidence %.2f is below the threshold %.2f", best.Confidence, threshold)
	}
	return r
}

// Best returns the best FAQ for text with its match details.
func (m *Matcher) Best(text string) (store.FAQ, triage.Match, bool) {
	best, ok := m.index.Best(text)
	if !ok {
		return store.FAQ{}, best, false
	}
	return m.faqs[best.ID], best, true
}

// Ranked returns the ids of every FAQ matching text, best first.
func (m *Matcher) Ranked(text string) []bson.ObjectID {
	hits := m.index.Search(text, 0)
	out := make([]bson.ObjectID, len(hits))
	for i, h := range hits {
		out[i] = m.faqs[h.ID].ID
	}
	return out
}

// AutoThreshold returns the calibrated threshold, or why auto-resolution
// is off: never calibrated, no threshold reached the precision target, or
// the FAQs changed since (a threshold holds only for the set it was
// measured on).
func (m *Matcher) AutoThreshold() (float64, string) {
	c := m.Calibration
	switch {
	case c == nil:
		return 0, "auto-resolution is off: FAQs were never calibrated (run `ticketctl faq calibrate`)"
	case !c.Reached:
		return 0, fmt.Sprintf("auto-resolution is off: no threshold reached precision %.2f at the last calibration", c.MinPrecision)
	case c.Fingerprint != m.fingerprint:
		return 0, "auto-resolution is off: the FAQs changed since the last calibration (run `ticketctl faq calibrate` again)"
	}
	return c.Threshold, ""
}

func round(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	if x < 0 {
		return -float64(int64(-x*p+0.5)) / p
	}
	return float64(int64(x*p+0.5)) / p
}

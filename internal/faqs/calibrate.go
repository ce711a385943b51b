package faqs

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// LabelledQuery is one calibration example: a text and the FAQ (id or
// key) that answers it, or "" when no FAQ does — such queries must not be
// auto-resolved, so they count against precision whenever they are.
type LabelledQuery struct {
	Text string
	FAQ  string
}

// CalibrateOptions tune Calibrate.
type CalibrateOptions struct {
	// MinPrecision is the share of auto-resolutions that must be right.
	MinPrecision float64
	// DryRun reports without storing the threshold.
	DryRun bool
	// Source describes the queries for the stored calibration.
	Source string
	// SkipUnknown drops queries naming an FAQ that no longer exists
	// (history) instead of failing (a file someone wrote).
	SkipUnknown bool
}

// CalibrationReport is what `faq calibrate` prints.
type CalibrationReport struct {
	Queries    int `json:"queries"`
	Answerable int `json:"answerable"`
	// Top1 is how often the best FAQ is the right one, MRR the mean
	// reciprocal rank of the right one (both over answerable queries).
	Top1   float64                `json:"top1"`
	MRR    float64                `json:"mrr"`
	Curve  []triage.CurvePoint    `json:"curve"`
	Choice triage.ThresholdChoice `json:"choice"`
	Stored bool                   `json:"stored"`
	FAQs   int                    `json:"faqs"`
	Source string                 `json:"source"`
}

// Calibrate measures the matcher on labelled queries and chooses the
// lowest confidence threshold whose auto-resolutions are right at least
// MinPrecision of the time; unless DryRun it stores it (admins), which
// turns auto-resolution on for the faq strategy.
func (s *Service) Calibrate(ctx context.Context, p auth.Principal, qs []LabelledQuery, o CalibrateOptions) (CalibrationReport, error) {
	role := store.RoleAdmin
	if o.DryRun {
		role = store.RoleEmployee
	}
	if err := auth.Require(p, role); err != nil {
		return CalibrationReport{}, err
	}
	if !(o.MinPrecision > 0 && o.MinPrecision <= 1) {
		return CalibrationReport{}, fault.Invalid("minimum precision %v: want a number in (0, 1]", o.MinPrecision)
	}
	if len(qs) == 0 {
		return CalibrationReport{}, fault.WithHint(fault.Invalid("no labelled queries to calibrate on"),
			"pass --queries FILE (NDJSON lines {\"text\": …, \"faq\": KEY-OR-ID}) or resolve tickets with FAQs first")
	}
	fs, err := s.St.FAQs(ctx)
	if err != nil {
		return CalibrationReport{}, err
	}
	m, err := NewMatcher(fs)
	if err != nil {
		return CalibrationReport{}, err
	}
	qs, gold, err := goldIDs(fs, qs, o.SkipUnknown)
	if err != nil {
		return CalibrationReport{}, err
	}
	if len(qs) == 0 {
		return CalibrationReport{}, fault.Invalid("no labelled query names an existing FAQ")
	}
	rep := measure(m, qs, gold)
	rep.Choice = triage.ChooseThreshold(rep.Curve, o.MinPrecision)
	rep.Source = o.Source
	if o.DryRun {
		return rep, nil
	}
	c := store.FAQCalibration{
		Threshold: rep.Choice.Threshold, Reached: rep.Choice.Reached, MinPrecision: o.MinPrecision,
		Precision: rep.Choice.Precision, Coverage: rep.Choice.Coverage, Queries: rep.Queries,
		FAQs: len(fs), Fingerprint: m.Fingerprint(), Source: o.Source, UpdatedAt: s.Now(), UpdatedBy: p.Username,
	}
	if err := s.St.SetFAQCalibration(ctx, c); err != nil {
		return rep, err
	}
	rep.Stored = true
	note := fmt.Sprintf("threshold %.2f: precision %.3f, coverage %.3f on %d queries", c.Threshold, c.Precision, c.Coverage, c.Queries)
	if !c.Reached {
		note = "auto-resolution off: " + rep.Choice.Reason
	}
	return rep, s.St.InsertEvent(ctx, &store.Event{At: c.UpdatedAt, Actor: p.Username, Action: ActionCalibrate, Subject: "faqs", Note: note})
}

// goldIDs resolves each query's FAQ reference (id or key) against fs,
// dropping or refusing queries that name a missing FAQ.
func goldIDs(fs []store.FAQ, qs []LabelledQuery, skipUnknown bool) ([]LabelledQuery, []bson.ObjectID, error) {
	byKey := map[string]bson.ObjectID{}
	byID := map[bson.ObjectID]bool{}
	for _, f := range fs {
		byID[f.ID] = true
		if f.Key != "" {
			byKey[f.Key] = f.ID
		}
	}
	kept := make([]LabelledQuery, 0, len(qs))
	out := make([]bson.ObjectID, 0, len(qs))
	for i, q := range qs {
		var id bson.ObjectID
		if q.FAQ != "" {
			var ok bool
			if id, ok = byKey[q.FAQ]; !ok {
				var err error
				id, err = bson.ObjectIDFromHex(q.FAQ)
				if err != nil || !byID[id] {
					if skipUnknown {
						continue
					}
					return nil, nil, fault.Invalid("query %d names FAQ %q, which does not exist", i+1, q.FAQ)
				}
			}
		}
		kept = append(kept, q)
		out = append(out, id)
	}
	return kept, out, nil
}

// measure ranks every query: top-1 accuracy and MRR over answerable
// queries, and the precision/coverage curve of the best match's
// confidence, where a query no FAQ answers is wrong whenever it is
// covered.
func measure(m *Matcher, qs []LabelledQuery, gold []bson.ObjectID) CalibrationReport {
	rep := CalibrationReport{Queries: len(qs), FAQs: m.Len()}
	conf := make([]float64, len(qs))
	correct := make([]bool, len(qs))
	for i, q := range qs {
		ranked := m.Ranked(q.Text)
		if f, best, ok := m.Best(q.Text); ok {
			conf[i] = best.Confidence
			correct[i] = !gold[i].IsZero() && f.ID == gold[i]
		}
		if gold[i].IsZero() {
			continue
		}
		rep.Answerable++
		for r, id := range ranked {
			if id == gold[i] {
				rep.MRR += 1 / float64(r+1)
				if r == 0 {
					rep.Top1++
				}
				break
			}
		}
	}
	if rep.Answerable > 0 {
		rep.Top1 /= float64(rep.Answerable)
		rep.MRR /= float64(rep.Answerable)
	}
	rep.Curve = triage.PrecisionCoverage(conf, correct, triage.FineThresholds())
	return rep
}

// HistoryQueries are calibration examples from tickets a person resolved
// with an FAQ (newest first, at most limit).
func HistoryQueries(ctx context.Context, st *store.Store, limit int64) ([]LabelledQuery, error) {
	ts, err := st.FAQResolvedTickets(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]LabelledQuery, 0, len(ts))
	for _, t := range ts {
		out = append(out, LabelledQuery{Text: triage.TicketText(t.Title, t.Description, t.Tags), FAQ: t.Resolution.FAQ.Hex()})
	}
	return out, nil
}

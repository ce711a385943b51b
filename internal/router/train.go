package router

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// Defaults of training and evaluation.
const (
	DefaultHoldout      = 0.2
	DefaultMinPrecision = 0.9
	// MaxWeightBytes caps a model's weight matrix so that one model stays
	// one MongoDB document well below 16 MB (FerretDB was measured to
	// accept 10 MB documents).
	MaxWeightBytes = 8 << 20
	// counterName numbers model versions.
	counterName = "triage.model-version"
)

// Service trains, evaluates and manages router models.
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

// TrainOptions choose what a model learns and how it is measured.
type TrainOptions struct {
	Label  string // LabelTeam (default) or LabelServer
	Window Window
	// Holdout is the fraction of the newest labelled tickets held out to
	// measure the model and choose its threshold (0: none, and the model
	// then never routes on its own).
	Holdout float64
	// Algorithm is triage.AlgoLogReg (default) or triage.AlgoNaiveBayes.
	Algorithm string
	// MinPrecision is the precision the routing threshold must reach on
	// the hold-out.
	MinPrecision float64
	// Refit trains the stored model again on every ticket after the
	// hold-out measured the one trained on the older ones.
	Refit bool
	// Activate makes the new model the active one.
	Activate bool
	Seed     int64
}

func (o *TrainOptions) defaults() error {
	if o.Label == "" {
		o.Label = LabelTeam
	}
	if err := CheckLabel(o.Label); err != nil {
		return err
	}
	if o.Holdout < 0 || o.Holdout >= 1 {
		return fault.Invalid("hold-out %v: want a fraction in [0, 1)", o.Holdout)
	}
	if o.MinPrecision == 0 {
		o.MinPrecision = DefaultMinPrecision
	}
	if o.MinPrecision < 0 || o.MinPrecision > 1 {
		return fault.Invalid("minimum precision %v: want a number in (0, 1]", o.MinPrecision)
	}
	if o.Algorithm == "" {
		o.Algorithm = triage.AlgoLogReg
	}
	if o.Algorithm != triage.AlgoLogReg && o.Algorithm != triage.AlgoNaiveBayes {
		return fault.Invalid("unknown algorithm %q: valid algorithms are logreg, nb", o.Algorithm)
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return nil
}

func trainOptions(algo string, seed int64) triage.TrainOptions {
	return triage.TrainOptions{Algorithm: algo, Seed: seed, MaxWeightBytes: MaxWeightBytes}
}

// Train learns a model from labelled history, measures it on the newest
// tickets, and stores it as the next version (employees; activating needs
// an admin). The stored model is the one measured, unless Refit.
func (s *Service) Train(ctx context.Context, p auth.Principal, o TrainOptions) (store.TriageModel, error) {
	if err := o.defaults(); err != nil {
		return store.TriageModel{}, err
	}
	role := store.RoleEmployee
	if o.Activate {
		role = store.RoleAdmin
	}
	if err := auth.Require(p, role); err != nil {
		return store.TriageModel{}, err
	}
	h, err := LoadHistory(ctx, s.St, o.Label, o.Window)
	if err != nil {
		return store.TriageModel{}, err
	}
	if err := checkTrainable("history", h.Examples); err != nil {
		return store.TriageModel{}, err
	}
	train, test := Split(h.Examples, o.Holdout, time.Time{})
	if err := checkTrainable("the training part (before the hold-out)", train); err != nil {
		return store.TriageModel{}, err
	}
	m, err := triage.Train(docs(train), trainOptions(o.Algorithm, o.Seed))
	if err != nil {
		return store.TriageModel{}, err
	}
	rec := store.TriageModel{Label: o.Label, Algorithm: o.Algorithm, CreatedAt: s.Now(), CreatedBy: p.Username,
		Window: window(train), Docs: len(train)}
	if len(test) > 0 {
		rec.Holdout, rec.Threshold, rec.ThresholdSet, err = measure(m, train, test, o)
		if err != nil {
			return store.TriageModel{}, err
		}
	}
	if o.Refit && len(test) > 0 {
		if m, err = triage.Train(docs(h.Examples), trainOptions(o.Algorithm, o.Seed)); err != nil {
			return store.TriageModel{}, err
		}
		rec.Refit, rec.Window, rec.Docs = true, window(h.Examples), len(h.Examples)
	}
	rec.Classes = classes(m, h.Names)
	doc := m.Doc()
	rec.Model = &doc
	if rec.Version, err = s.nextVersion(ctx); err != nil {
		return store.TriageModel{}, err
	}
	if err := s.St.InsertTriageModel(ctx, &rec); err != nil {
		return store.TriageModel{}, err
	}
	rec.Model = nil
	note := fmt.Sprintf("%s on %d tickets, %d classes", o.Algorithm, rec.Docs, len(rec.Classes))
	if rec.Holdout != nil {
		note += fmt.Sprintf("; hold-out accuracy %s, macro-F1 %s", pct(rec.Holdout.Accuracy), pct(rec.Holdout.MacroF1))
	}
	if err := s.St.InsertEvent(ctx, &store.Event{At: rec.CreatedAt, Actor: p.Username, Action: ActionTrain,
		Subject: modelSubject(rec.Version), Note: note}); err != nil {
		return rec, err
	}
	if o.Activate {
		if _, err := s.Use(ctx, p, rec.Version); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// measure scores m and a naive Bayes baseline on the hold-out and picks
// the lowest confidence threshold that reaches the precision target.
func measure(m *triage.Model, train, test []Example, o TrainOptions) (*store.TriageHoldout, float64, bool, error) {
	rep := triage.Evaluate(m, docs(test))
	nb := rep
	if o.Algorithm != triage.AlgoNaiveBayes {
		nbm, err := triage.Train(docs(train), trainOptions(triage.AlgoNaiveBayes, o.Seed))
		if err != nil {
			return nil, 0, false, err
		}
		nb = triage.Evaluate(nbm, docs(test))
	}
	choice := triage.ChooseThreshold(rep.Curve, o.MinPrecision)
	return &store.TriageHoldout{
		Docs: len(test), Window: window(test), Accuracy: rep.Accuracy, MacroF1: rep.MacroF1,
		NBAccuracy: nb.Accuracy, NBMacroF1: nb.MacroF1, MajorityAccuracy: rep.MajorityAccuracy,
		MinPrecision: o.MinPrecision, Coverage: choice.Coverage, Precision: choice.Precision,
	}, choice.Threshold, choice.Reached, nil
}

// nextVersion takes the next model number; versions are never reused.
func (s *Service) nextVersion(ctx context.Context) (int, error) {
	n, err := s.St.NextCounter(ctx, counterName)
	if err != nil {
		return 0, err
	}
	// Models stored before the counter existed (or restored from a
	// backup) must not be overwritten: skip past the highest.
	ms, err := s.St.TriageModels(ctx)
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		for int64(m.Version) >= n {
			if n, err = s.St.NextCounter(ctx, counterName); err != nil {
				return 0, err
			}
		}
	}
	return int(n), nil
}

// Event actions this package writes.
const (
	ActionTrain  = "triage.train"
	ActionUse    = "triage.use"
	ActionDelete = "triage.delete"
)

func modelSubject(v int) string { return fmt.Sprintf("model:%d", v) }

// ErrNoActiveModel means no model was ever made active.
var ErrNoActiveModel = fault.WithHint(fault.New(fault.ErrNotFound, "no active triage model"),
	"train one with `ticketctl triage train` and activate it with `ticketctl triage use VERSION`")

var errNotFound = store.ErrNotFound

func isNotFound(err error) bool { return errors.Is(err, errNotFound) }

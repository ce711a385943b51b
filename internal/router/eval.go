package router

import (
	"context"
	"time"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// EvalOptions choose the backtest.
type EvalOptions struct {
	Label  string
	Window Window
	// TestSince, when set, holds out the tickets created at or after it;
	// otherwise the newest Holdout fraction is held out.
	TestSince    time.Time
	Holdout      float64
	MinPrecision float64
	Seed         int64
}

// Split describes one side of a backtest.
type SplitInfo struct {
	Docs   int              `json:"docs"`
	Labels int              `json:"labels"`
	Window store.TimeWindow `json:"window"`
}

// ModelReport is one algorithm's scores on the test side.
type ModelReport struct {
	triage.Report
	TrainMS int64 `json:"train_ms"`
	// PredictPerSecond is how many test tickets one core classified per
	// second (tokenising and vectorising included).
	PredictPerSecond float64 `json:"predict_per_second"`
}

// EvalReport is the outcome of `triage eval`: a time-ordered backtest of
// logistic regression against the naive Bayes and majority baselines.
type EvalReport struct {
	Label      string                 `json:"label"`
	Train      SplitInfo              `json:"train"`
	Test       SplitInfo              `json:"test"`
	LogReg     ModelReport            `json:"logreg"`
	NaiveBayes ModelReport            `json:"naive_bayes"`
	Threshold  triage.ThresholdChoice `json:"threshold"`
}

// Eval trains on the older part of labelled history and scores the newer
// part (employees). Nothing is stored: it answers "how well would the
// router have done", with the same features and options `train` uses.
func (s *Service) Eval(ctx context.Context, p auth.Principal, o EvalOptions) (EvalReport, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return EvalReport{}, err
	}
	to := TrainOptions{Label: o.Label, Holdout: o.Holdout, MinPrecision: o.MinPrecision, Seed: o.Seed}
	if err := to.defaults(); err != nil {
		return EvalReport{}, err
	}
	if o.TestSince.IsZero() && to.Holdout == 0 {
		return EvalReport{}, fault.Invalid("nothing to test on: give a hold-out above 0 or --test-since")
	}
	h, err := LoadHistory(ctx, s.St, to.Label, o.Window)
	if err != nil {
		return EvalReport{}, err
	}
	train, test := Split(h.Examples, to.Holdout, o.TestSince)
	if err := checkTrainable("the training part", train); err != nil {
		return EvalReport{}, err
	}
	if len(test) == 0 {
		return EvalReport{}, fault.Invalid("the test part is empty: no labelled ticket is newer than the split")
	}
	rep := EvalReport{Label: to.Label, Train: info(train), Test: info(test)}
	if rep.LogReg, err = evalOne(ctx, train, test, triage.AlgoLogReg, to.Seed); err != nil {
		return rep, err
	}
	if rep.NaiveBayes, err = evalOne(ctx, train, test, triage.AlgoNaiveBayes, to.Seed); err != nil {
		return rep, err
	}
	rep.Threshold = triage.ChooseThreshold(rep.LogReg.Curve, to.MinPrecision)
	renameReport(&rep.LogReg.Report, h.Names)
	renameReport(&rep.NaiveBayes.Report, h.Names)
	return rep, nil
}

func evalOne(ctx context.Context, train, test []Example, algo string, seed int64) (ModelReport, error) {
	start := time.Now()
	m, err := triage.Train(docs(train), trainOptions(algo, seed))
	if err != nil {
		return ModelReport{}, err
	}
	trained := time.Since(start)
	if err := ctx.Err(); err != nil {
		return ModelReport{}, err
	}
	start = time.Now()
	r := triage.Evaluate(m, docs(test))
	predicted := time.Since(start)
	out := ModelReport{Report: r, TrainMS: trained.Milliseconds()}
	if predicted > 0 {
		out.PredictPerSecond = float64(len(test)) / predicted.Seconds()
	}
	return out, nil
}

func info(exs []Example) SplitInfo {
	labels := map[string]bool{}
	for _, e := range exs {
		labels[e.Label] = true
	}
	return SplitInfo{Docs: len(exs), Labels: len(labels), Window: window(exs)}
}

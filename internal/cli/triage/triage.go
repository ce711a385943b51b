// Package triage implements `ticketctl triage`: train, models, use,
// delete, eval, explain and reprioritise.
package triage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/priority"
	"github.com/ticketctl/ticketctl/internal/router"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Config keys read here (see `ticketctl config --help`).
const (
	KeyMinPrecision = "triage.min-precision"
	KeySpikeWindow  = "triage.spike-window"
)

// NewCmd returns `ticketctl triage`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "triage <command>",
		Short: "Learn routing from history, measure it, and explain triage decisions",
		Long: `Triage learns where tickets go from the tickets that history already assigned
(title, description and the requester's tags → team or server), with classic,
explainable machine learning that runs offline: TF-IDF features and logistic
regression, next to a naive Bayes baseline.

  train         learn a model and measure it on the newest tickets
  models, use   list the stored versions, pick the one that routes
  eval          backtest on history without storing anything
  explain       what triage makes of one ticket: route, priority, FAQ
  reprioritise  score priority and severity of existing tickets again

The model routes by itself only in ` + "`distribute plan|auto --strategy model,...`" + `,
and only above the confidence threshold chosen on its hold-out for the
precision in ` + KeyMinPrecision + ` (default 0.9). See docs/triage.md.`,
	}
	cmd.AddCommand(newCmdTrain(f), newCmdModels(f), newCmdUse(f), newCmdDelete(f), newCmdEval(f),
		newCmdExplain(f), newCmdReprioritise(f))
	return cmd
}

// session authenticates with at least role and returns the router service.
func session(ctx context.Context, f *cmdutil.Factory, role string) (*router.Service, auth.Principal, error) {
	p, st, err := f.Session(ctx, role)
	if err != nil {
		return nil, p, err
	}
	return router.New(st, f.Now), p, nil
}

// floatSetting reads a number from the config, def when unset.
func floatSetting(f *cmdutil.Factory, key string, def float64) (float64, error) {
	cfg, err := f.Config()
	if err != nil {
		return 0, err
	}
	v, ok := cfg.Get(key)
	if !ok {
		return def, nil
	}
	var x float64
	switch t := v.(type) {
	case float64:
		x = t
	case int:
		x = float64(t)
	case string:
		if x, err = strconv.ParseFloat(strings.TrimSpace(t), 64); err != nil {
			return 0, fault.Invalid("config %s %q: want a number", key, t)
		}
	default:
		return 0, fault.Invalid("config %s %v: want a number", key, v)
	}
	return x, nil
}

// minPrecision is the flag when given, else the config, else the default.
func minPrecision(cmd *cobra.Command, f *cmdutil.Factory, flag float64) (float64, error) {
	x := flag
	if !cmd.Flags().Changed("min-precision") {
		var err error
		if x, err = floatSetting(f, KeyMinPrecision, router.DefaultMinPrecision); err != nil {
			return 0, err
		}
	}
	if !(x > 0 && x <= 1) {
		return 0, fault.Invalid("minimum precision %v: want a number in (0, 1]", x)
	}
	return x, nil
}

// NewScorer returns the priority scorer with the configured spike window
// (triage.spike-window, default 1h): `tickets create` uses it too.
func NewScorer(f *cmdutil.Factory, st *store.Store) (*priority.Scorer, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	w, err := cfg.DurationSetting(KeySpikeWindow, priority.DefaultWindow)
	if err != nil {
		return nil, err
	}
	return priority.New(st, f.Now, w), nil
}

func parseVersion(s string) (int, error) {
	v, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(s), "v"))
	if err != nil || v <= 0 {
		return 0, fault.Invalid("model version %q: want a positive number (see `ticketctl triage models`)", s)
	}
	return v, nil
}

func windowText(w store.TimeWindow) string {
	if w.From.IsZero() {
		return ""
	}
	return w.From.UTC().Format(time.DateOnly) + "…" + w.To.UTC().Format(time.DateOnly)
}

func f3(x float64) string { return fmt.Sprintf("%.3f", x) }

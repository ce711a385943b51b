package triage

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/router"
	"github.com/ticketctl/ticketctl/internal/store"
	ticketsvc "github.com/ticketctl/ticketctl/internal/tickets"
	triagepkg "github.com/ticketctl/ticketctl/internal/triage"
)

// historyFlags select the labelled history a command learns from.
type historyFlags struct {
	Label        string
	Since, Until string
	Holdout      float64
	MinPrecision float64
}

func (h *historyFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&h.Label, "label", router.LabelTeam, "what to predict: team (the ticket's team) or server (its regional server)")
	fl.StringVar(&h.Since, "since", "", "only tickets created at or after: RFC 3339, a date, or an age like 90d")
	fl.StringVar(&h.Until, "until", "", "only tickets created before: RFC 3339, a date, or an age like 1d")
	fl.Float64Var(&h.Holdout, "holdout", router.DefaultHoldout, "fraction of the newest labelled tickets held out to measure the model")
	fl.Float64Var(&h.MinPrecision, "min-precision", router.DefaultMinPrecision,
		"precision the routing threshold must reach on the hold-out (default: config "+KeyMinPrecision+", else 0.9)")
	_ = cmd.RegisterFlagCompletionFunc("label", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return router.Labels, cobra.ShellCompDirectiveNoFileComp
	})
}

func (h *historyFlags) parse(cmd *cobra.Command, f *cmdutil.Factory) (router.Window, float64, error) {
	var w router.Window
	var err error
	if err := router.CheckLabel(h.Label); err != nil {
		return w, 0, err
	}
	if h.Since != "" {
		if w.Since, err = ticketsvc.ParseTimeBound("since", h.Since, f.Now()); err != nil {
			return w, 0, err
		}
	}
	if h.Until != "" {
		if w.Until, err = ticketsvc.ParseTimeBound("until", h.Until, f.Now()); err != nil {
			return w, 0, err
		}
	}
	if !w.Since.IsZero() && !w.Until.IsZero() && !w.Since.Before(w.Until) {
		return w, 0, fault.Invalid("--since must be earlier than --until")
	}
	if h.Holdout < 0 || h.Holdout >= 1 {
		return w, 0, fault.Invalid("--holdout %v: want a fraction in [0, 1)", h.Holdout)
	}
	mp, err := minPrecision(cmd, f, h.MinPrecision)
	return w, mp, err
}

// TrainOptions of `triage train`.
type TrainOptions struct {
	History   historyFlags
	Algorithm string
	Refit     bool
	Use       bool
	Output    render.Options
}

func newCmdTrain(f *cmdutil.Factory) *cobra.Command {
	o := &TrainOptions{}
	cmd := &cobra.Command{
		Use:   "train [--label team|server] [--since T] [--holdout 0.2]",
		Short: "Learn a router model from the tickets history assigned (employees)",
		Long: `Train a model on the tickets that history already assigned: to a team (--label
team, the default) or to a regional server (--label server). The text is what
the requester wrote — title, description and tags — never the team, status or
resolution.

The newest --holdout fraction of those tickets (default 0.2) is held out, in
time order, to measure the model as it would have done on tickets it had not
seen: accuracy and macro-F1 next to a naive Bayes and a majority baseline, and
the lowest confidence threshold whose routing precision reaches
--min-precision. That threshold is what lets the model strategy route on its
own; with --holdout 0 the model is stored but never routes by itself.

The stored model is the one that was measured; --refit trains it again on
every ticket (more data, metrics from the measured one). Each run stores a new
version; --use also makes it the active one (admins), else run
` + "`ticketctl triage use VERSION`" + `.`,
		Example: `  ticketctl triage train
  ticketctl triage train --since 180d --min-precision 0.95 --use
  ticketctl triage train --label server -o json --jq .holdout`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			return trainRun(cmd, f, o)
		},
	}
	o.History.register(cmd)
	cmd.Flags().StringVar(&o.Algorithm, "algorithm", triagepkg.AlgoLogReg, "logreg (logistic regression) or nb (naive Bayes)")
	cmd.Flags().BoolVar(&o.Refit, "refit", false, "after measuring, train again on every ticket, hold-out included")
	cmd.Flags().BoolVar(&o.Use, "use", false, "make the new model the active one (admins)")
	_ = cmd.RegisterFlagCompletionFunc("algorithm", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{triagepkg.AlgoLogReg, triagepkg.AlgoNaiveBayes}, cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func trainRun(cmd *cobra.Command, f *cmdutil.Factory, o *TrainOptions) error {
	w, mp, err := o.History.parse(cmd, f)
	if err != nil {
		return err
	}
	if o.Algorithm != triagepkg.AlgoLogReg && o.Algorithm != triagepkg.AlgoNaiveBayes {
		return fault.Invalid("unknown algorithm %q: valid algorithms are logreg, nb", o.Algorithm)
	}
	role := store.RoleEmployee
	if o.Use {
		role = store.RoleAdmin
	}
	ctx := cmd.Context()
	svc, p, err := session(ctx, f, role)
	if err != nil {
		return err
	}
	if f.IO.IsStderrTTY() {
		fmt.Fprintln(f.IO.ErrOut, "training on the labelled history…")
	}
	m, err := svc.Train(ctx, p, router.TrainOptions{Label: o.History.Label, Window: w, Holdout: o.History.Holdout,
		Algorithm: o.Algorithm, MinPrecision: mp, Refit: o.Refit, Activate: o.Use})
	if err != nil {
		return err
	}
	v := router.ModelView{TriageModel: m, Active: o.Use}
	if o.Output.Format != render.FormatTable {
		return render.One(f.Printer(o.Output), modelSpec, v)
	}
	_, err = fmt.Fprint(f.IO.Out, trainSummary(v))
	return err
}

// trainSummary is what `train` prints on a terminal.
func trainSummary(v router.ModelView) string {
	var b strings.Builder
	fmt.Fprintf(&b, "trained model v%d (%s, predicts the %s) on %d tickets over %d %ss, created %s\n",
		v.Version, v.Algorithm, v.Label, v.Docs, len(v.Classes), v.Label, windowText(v.Window))
	h := v.Holdout
	switch {
	case h == nil:
		b.WriteString("no hold-out: not measured, and it will not route tickets by itself\n")
	default:
		fmt.Fprintf(&b, "hold-out: %d newer tickets (%s)\n", h.Docs, windowText(h.Window))
		fmt.Fprintf(&b, "  accuracy %s  macro-F1 %s   (naive Bayes %s / %s, majority class %s)\n",
			f3(h.Accuracy), f3(h.MacroF1), f3(h.NBAccuracy), f3(h.NBMacroF1), f3(h.MajorityAccuracy))
		if v.ThresholdSet {
			fmt.Fprintf(&b, "  routes on its own at confidence ≥ %.2f: %.0f%% of tickets, %.1f%% of them right (target %.0f%%)\n",
				v.Threshold, 100*h.Coverage, 100*h.Precision, 100*h.MinPrecision)
		} else {
			fmt.Fprintf(&b, "  no confidence threshold reaches precision %.2f: it will not route tickets by itself\n", h.MinPrecision)
		}
	}
	if v.Refit {
		b.WriteString("refit on every ticket after measuring\n")
	}
	if v.Active {
		fmt.Fprintf(&b, "model v%d is now the active model\n", v.Version)
	} else {
		fmt.Fprintf(&b, "make it the active model with: ticketctl triage use %d\n", v.Version)
	}
	return b.String()
}

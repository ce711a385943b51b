package triage

import (
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/router"
	"github.com/ticketctl/ticketctl/internal/store"
	ticketsvc "github.com/ticketctl/ticketctl/internal/tickets"
	triagepkg "github.com/ticketctl/ticketctl/internal/triage"
)

// EvalOptions of `triage eval`.
type EvalOptions struct {
	History   historyFlags
	TestSince string
	Top       int
	Output    render.Options
}

func newCmdEval(f *cmdutil.Factory) *cobra.Command {
	o := &EvalOptions{}
	cmd := &cobra.Command{
		Use:   "eval [--holdout 0.2 | --test-since T]",
		Short: "Backtest the router on history: accuracy, macro-F1, confusion, precision at coverage (employees)",
		Long: `Backtest on the database's own history, in time order: train on the older
labelled tickets, predict the newer ones (the newest --holdout fraction, or
those created at or after --test-since), and compare with what history
decided. Nothing is stored.

Reports logistic regression next to the naive Bayes and majority-class
baselines: accuracy, macro-F1 (every team counts the same, however busy),
per-class precision and recall, the confusion matrix, calibration (log-loss,
expected calibration error), and precision/coverage at confidence thresholds
with the lowest threshold that reaches --min-precision: what ` + "`triage train`" + `
would pick.

On a terminal it prints tables (the confusion matrix as its --top largest
cells off the diagonal); otherwise, or with -o json, the whole report as JSON.`,
		Example: `  ticketctl triage eval
  ticketctl triage eval --test-since 2026-10-01 --min-precision 0.95
  ticketctl triage eval -o json --jq '{accuracy: .logreg.accuracy, nb: .naive_bayes.accuracy}'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("output") && !f.IO.IsStdoutTTY() && o.Output.JQ == "" {
				o.Output.Format = render.FormatJSON
			}
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if o.Output.Format == render.FormatIDs {
				return fault.Invalid("-o ids: an evaluation has no ids; use table, json or ndjson")
			}
			w, mp, err := o.History.parse(cmd, f)
			if err != nil {
				return err
			}
			eo := router.EvalOptions{Label: o.History.Label, Window: w, Holdout: o.History.Holdout, MinPrecision: mp}
			if o.TestSince != "" {
				if cmd.Flags().Changed("holdout") {
					return fault.Invalid("--holdout and --test-since exclude each other")
				}
				if eo.TestSince, err = ticketsvc.ParseTimeBound("test-since", o.TestSince, f.Now()); err != nil {
					return err
				}
			}
			if o.Top < 0 {
				return fault.Invalid("--top must not be negative")
			}
			ctx := cmd.Context()
			svc, p, err := session(ctx, f, store.RoleEmployee)
			if err != nil {
				return err
			}
			rep, err := svc.Eval(ctx, p, eo)
			if err != nil {
				return err
			}
			if o.Output.Format != render.FormatTable {
				return render.One(f.Printer(o.Output), render.Spec[router.EvalReport]{}, rep)
			}
			return printEval(f.IO.Out, rep, o.Top)
		},
	}
	o.History.register(cmd)
	cmd.Flags().StringVar(&o.TestSince, "test-since", "", "test on the tickets created at or after this time instead of a --holdout fraction")
	cmd.Flags().IntVar(&o.Top, "top", 10, "largest confusions to list in the table")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

// printEval writes the report as aligned plain text. Label names come
// from the database and are escaped.
func printEval(w io.Writer, r router.EvalReport, top int) error {
	lr, nb := r.LogReg, r.NaiveBayes
	fmt.Fprintf(w, "backtest of the %s router: trained on %d tickets (%s, %d %ss), tested on %d newer (%s)\n\n",
		r.Label, r.Train.Docs, windowText(r.Train.Window), r.Train.Labels, r.Label, r.Test.Docs, windowText(r.Test.Window))
	fmt.Fprintf(w, "%-22s %8s %8s %8s %8s\n", "MODEL", "ACCURACY", "MACRO-F1", "LOG-LOSS", "ECE")
	fmt.Fprintf(w, "%-22s %8s %8s %8s %8s\n", "logistic regression", f3(lr.Accuracy), f3(lr.MacroF1), f3(lr.LogLoss), f3(lr.CalibrationError))
	fmt.Fprintf(w, "%-22s %8s %8s %8s %8s\n", "naive Bayes", f3(nb.Accuracy), f3(nb.MacroF1), f3(nb.LogLoss), f3(nb.CalibrationError))
	fmt.Fprintf(w, "%-22s %8s %8s %8s %8s\n", "majority class", f3(lr.MajorityAccuracy), "-", "-", "-")
	fmt.Fprintf(w, "  (majority class: %s)\n", render.Escape(lr.MajorityLabel))
	if lr.Unknown > 0 {
		fmt.Fprintf(w, "  %d test tickets have a %s the training part never saw (counted as errors)\n", lr.Unknown, r.Label)
	}
	fmt.Fprintln(w)
	if t := r.Threshold; t.Reached {
		fmt.Fprintf(w, "threshold for precision ≥ %.2f: confidence %.2f routes %.1f%% of tickets at %.1f%% precision\n\n",
			t.MinPrecision, t.Threshold, 100*t.Coverage, 100*t.Precision)
	} else {
		fmt.Fprintf(w, "no threshold reaches precision %.2f: %s\n\n", t.MinPrecision, t.Reason)
	}
	fmt.Fprintf(w, "%-10s %9s %9s %9s   (logistic regression)\n", "THRESHOLD", "COVERAGE", "PRECISION", "TICKETS")
	for _, p := range lr.Curve {
		if p.Threshold >= 0.3 {
			fmt.Fprintf(w, "%-10.2f %9s %9s %9d\n", p.Threshold, f3(p.Coverage), f3(p.Precision), p.Covered)
		}
	}
	fmt.Fprintln(w)
	width := 8
	for _, c := range lr.PerClass {
		width = max(width, min(len([]rune(render.Escape(c.Label))), 40))
	}
	fmt.Fprintf(w, "%-*s %9s %9s %9s %8s\n", width, "CLASS", "PRECISION", "RECALL", "F1", "SUPPORT")
	for _, c := range lr.PerClass {
		fmt.Fprintf(w, "%-*s %9s %9s %9s %8d\n", width, clip(render.Escape(c.Label), 40), f3(c.Precision), f3(c.Recall), f3(c.F1), c.Support)
	}
	conf := topConfusions(lr.Report, top)
	if len(conf) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\n%-*s %-*s %6s\n", width, "ACTUAL", width, "PREDICTED", "COUNT")
	for _, c := range conf {
		fmt.Fprintf(w, "%-*s %-*s %6d\n", width, clip(render.Escape(c.gold), 40), width, clip(render.Escape(c.pred), 40), c.n)
	}
	return nil
}

type confusion struct {
	gold, pred string
	n          int
}

// topConfusions lists the k largest off-diagonal cells of the confusion
// matrix: the mistakes worth a look.
func topConfusions(r triagepkg.Report, k int) []confusion {
	var out []confusion
	for i, row := range r.Confusion {
		for j, n := range row {
			if i != j && n > 0 {
				out = append(out, confusion{r.Labels[i], r.Labels[j], n})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b confusion) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		if c := cmp.Compare(a.gold, b.gold); c != 0 {
			return c
		}
		return cmp.Compare(a.pred, b.pred)
	})
	return out[:min(k, len(out))]
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

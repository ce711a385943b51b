package faq

import (
	"fmt"
	"io"
	"math"
	"os"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/faqs"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// CalibrateOptions of `faq calibrate`.
type CalibrateOptions struct {
	Queries      string
	MinPrecision float64
	Limit        int64
	DryRun       bool
	Output       render.Options
}

func newCmdCalibrate(f *cmdutil.Factory) *cobra.Command {
	o := &CalibrateOptions{}
	cmd := &cobra.Command{
		Use:   "calibrate [--queries FILE|-] [--min-precision 0.95] [--dry-run]",
		Short: "Choose the confidence above which an FAQ resolves tickets by itself (admins)",
		Long: `Measure the matcher on labelled queries that it has not been tuned on, and
choose the lowest confidence threshold at which the best FAQ is the right
answer at least --min-precision of the time (default: config
` + KeyMinPrecision + `, else 0.95). Prints top-1 accuracy, mean reciprocal rank and the
precision/coverage curve, and stores the threshold: from then on the faq
strategy of ` + "`distribute`" + ` resolves tickets whose best match reaches it.

Queries come from --queries, NDJSON lines {"text": …, "faq": KEY-OR-ID} — a
"faq" of null marks a question no FAQ answers, which must not be
auto-resolved — or, without --queries, from the newest --limit tickets a
person resolved with an FAQ (resolution.faq).

If no threshold reaches the target, auto-resolution is turned off. Adding,
changing or deleting an FAQ also turns it off until the next calibration:
a threshold holds only for the FAQs it was measured on. --dry-run reports
without storing (employees).`,
		Example: `  ticketctl faq calibrate --queries labelled.ndjson --dry-run
  ticketctl faq calibrate --min-precision 0.98
  ticketctl faq calibrate -o json --jq .choice`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if !cmd.Flags().Changed("min-precision") {
				x, err := floatSetting(f, KeyMinPrecision, DefaultMinPrecision)
				if err != nil {
					return err
				}
				o.MinPrecision = x
			}
			if !(o.MinPrecision > 0 && o.MinPrecision <= 1) {
				return fault.Invalid("minimum precision %v: want a number in (0, 1]", o.MinPrecision)
			}
			if o.Limit < 0 {
				return fault.Invalid("--limit must not be negative")
			}
			return calibrateRun(cmd, f, o)
		},
	}
	cmd.Flags().StringVar(&o.Queries, "queries", "", "NDJSON file of labelled queries (- for stdin); default: tickets resolved with FAQs")
	cmd.Flags().Float64Var(&o.MinPrecision, "min-precision", DefaultMinPrecision, "share of auto-resolutions that must be right")
	cmd.Flags().Int64Var(&o.Limit, "limit", 5000, "without --queries: the newest tickets resolved with an FAQ to use (0: all)")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "report, store nothing")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func calibrateRun(cmd *cobra.Command, f *cmdutil.Factory, o *CalibrateOptions) error {
	ctx := cmd.Context()
	role := store.RoleAdmin
	if o.DryRun {
		role = store.RoleEmployee
	}
	if o.Queries == "-" {
		if err := f.SpoolStdin(); err != nil {
			return err
		}
	}
	svc, p, err := session(ctx, f, role)
	if err != nil {
		return err
	}
	var qs []faqs.LabelledQuery
	source := "tickets resolved with an FAQ"
	if o.Queries != "" {
		var r io.Reader = f.IO.In
		source = o.Queries
		if o.Queries != "-" {
			fh, err := os.Open(o.Queries)
			if err != nil {
				return fault.Invalid("%v", err) // "open FILE: why"
			}
			defer fh.Close()
			r = fh
		}
		for q, err := range readQueries(r, o.Queries) {
			if err != nil {
				return err
			}
			if q.FAQ == nil {
				qs = append(qs, faqs.LabelledQuery{Text: q.text()})
				continue
			}
			qs = append(qs, faqs.LabelledQuery{Text: q.text(), FAQ: *q.FAQ})
		}
	} else if qs, err = faqs.HistoryQueries(ctx, svc.St, o.Limit); err != nil {
		return err
	}
	rep, err := svc.Calibrate(ctx, p, qs, faqs.CalibrateOptions{MinPrecision: o.MinPrecision, DryRun: o.DryRun,
		Source: source, SkipUnknown: o.Queries == ""})
	if err != nil {
		return err
	}
	if o.Output.Format != render.FormatTable {
		return render.One(f.Printer(o.Output), render.Spec[faqs.CalibrationReport]{}, rep)
	}
	w := f.IO.Out
	fmt.Fprintf(w, "%d queries (%d answerable by one of %d FAQs) from %s\n", rep.Queries, rep.Answerable, rep.FAQs, render.Escape(rep.Source))
	fmt.Fprintf(w, "top-1 accuracy %s, mean reciprocal rank %s\n\n", f3(rep.Top1), f3(rep.MRR))
	fmt.Fprintf(w, "%-10s %9s %9s %9s\n", "THRESHOLD", "COVERAGE", "PRECISION", "QUERIES")
	for _, pt := range rep.Curve {
		if math.Mod(math.Round(pt.Threshold*100), 5) == 0 {
			fmt.Fprintf(w, "%-10.2f %9s %9s %9d\n", pt.Threshold, f3(pt.Coverage), f3(pt.Precision), pt.Covered)
		}
	}
	c := rep.Choice
	fmt.Fprintln(w)
	switch {
	case c.Reached:
		fmt.Fprintf(w, "threshold %.2f: auto-resolves %.1f%% of these queries, %.1f%% of them right (target %.1f%%)\n",
			c.Threshold, 100*c.Coverage, 100*c.Precision, 100*c.MinPrecision)
	default:
		fmt.Fprintf(w, "no threshold reaches precision %.2f: %s\n", c.MinPrecision, c.Reason)
	}
	switch {
	case rep.Stored && c.Reached:
		fmt.Fprintln(w, "stored: the faq strategy resolves tickets at or above this threshold")
	case rep.Stored:
		fmt.Fprintln(w, "stored: auto-resolution is off")
	default:
		fmt.Fprintln(w, "dry run: nothing stored")
	}
	return nil
}

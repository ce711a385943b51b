package distribute

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/distribute"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
)

// report prints a run's summary and turns its outcome into the error that
// gives the documented exit code: 0 all moved or legitimately skipped,
// 7 some failed, 6 database lost, 130 interrupted.
func report(f *cmdutil.Factory, o render.Options, sum *distribute.Summary, runErr error) error {
	if sum == nil {
		return runErr
	}
	if err := printSummary(f, o, sum); err != nil {
		return err
	}
	switch {
	case runErr != nil && errors.Is(runErr, context.Canceled):
		return runErr
	case runErr != nil:
		return fault.Wrap(kindOf(runErr), runErr, "distribution stopped after %d moved", sum.Moved+sum.Resolved)
	case sum.Failed > 0:
		return fault.New(fault.ErrPartial, "%d of %d moves failed", sum.Failed, sum.Failed+sum.Moved+sum.Resolved)
	}
	return nil
}

func kindOf(err error) error {
	for _, k := range []error{fault.ErrUnavailable, fault.ErrInvalid, fault.ErrNotFound, fault.ErrDenied, fault.ErrConflict} {
		if errors.Is(err, k) {
			return k
		}
	}
	return errors.New("failed")
}

func printSummary(f *cmdutil.Factory, o render.Options, sum *distribute.Summary) error {
	if o.Format != render.FormatTable {
		return render.One(f.Printer(o), render.Spec[distribute.Summary]{ID: func(s distribute.Summary) string { return s.Run }}, *sum)
	}
	w := f.IO.Out
	verb := "moved"
	if sum.DryRun {
		verb = "would move"
	}
	fmt.Fprintf(w, "%-10s %d\n", verb, pick(sum.DryRun, sum.Planned, sum.Moved))
	if sum.Resolved > 0 {
		fmt.Fprintf(w, "%-10s %d\n", "resolved", sum.Resolved)
	}
	fmt.Fprintf(w, "%-10s %d\n", "skipped", sum.Skipped)
	printReasons(f, sum.SkippedReasons)
	fmt.Fprintf(w, "%-10s %d\n", "failed", sum.Failed)
	for _, it := range sum.Items {
		if it.Result == distribute.ResultFailed {
			fmt.Fprintf(w, "  %s: %s\n", it.Ticket.Hex(), render.Escape(it.Reason))
		}
	}
	fmt.Fprintf(w, "%-10s %d\n", "left", sum.Left)
	printReasons(f, sum.LeftReasons)
	if sum.Recovered > 0 {
		fmt.Fprintf(w, "%-10s %d (events of an earlier interrupted run)\n", "recovered", sum.Recovered)
	}
	fmt.Fprintf(w, "%-10s %s\n", "duration", sum.Duration.Round(time.Millisecond))
	if sum.Interrupted {
		fmt.Fprintln(w, "interrupted: run the same command again to finish")
	}
	return nil
}

func printReasons(f *cmdutil.Factory, reasons map[string]int) {
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if reasons[keys[i]] != reasons[keys[j]] {
			return reasons[keys[i]] > reasons[keys[j]]
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		fmt.Fprintf(f.IO.Out, "  %5d  %s\n", reasons[k], render.Escape(k))
	}
}

func pick(cond bool, a, b int) int {
	if cond {
		return a
	}
	return b
}

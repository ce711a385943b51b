package triage

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/router"
	"github.com/ticketctl/ticketctl/internal/store"
)

func newCmdExplain(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:   "explain TICKET",
		Short: "Show what triage makes of a ticket: route, confidence, top terms, priority, FAQ candidates (employees)",
		Long: `Explain one ticket as triage sees it now, without changing it:

  route     the active model's team (or server), its confidence and the three
            likeliest answers, the words that pushed the prediction, and
            whether the model strategy would route it on its own
  priority  the priority and severity scoring gives, with every reason
            (text, account type, similar open tickets), next to the ticket's
  faq       the best FAQ matches with their scores, and whether the faq
            strategy would resolve the ticket with the first`,
		Example: "  ticketctl triage explain 65f0c0ffee0123456789abcd\n  ticketctl triage explain 65f0c0ffee0123456789abcd -o json --jq .route.top_terms",
		Args:    cmdutil.ExactArgs(1, "TICKET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if out.Format == render.FormatIDs {
				return fault.Invalid("-o ids: use table, json or ndjson")
			}
			id, err := cmdutil.ParseID("ticket", args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			svc, p, err := session(ctx, f, store.RoleEmployee)
			if err != nil {
				return err
			}
			sc, err := NewScorer(f, svc.St)
			if err != nil {
				return err
			}
			ex, err := svc.Explain(ctx, p, id, sc)
			if err != nil {
				return err
			}
			if out.Format != render.FormatTable {
				return render.One(f.Printer(out), render.Spec[router.Explanation]{}, ex)
			}
			return printExplanation(f.IO.Out, ex)
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func printExplanation(w io.Writer, ex router.Explanation) error {
	e := render.Escape
	fmt.Fprintf(w, "ticket    %s  %s  (%s)\n", ex.Ticket.Hex(), e(ex.Title), ex.Status)
	fmt.Fprintln(w, "\nroute")
	if r := ex.Route; r != nil {
		verdict := "would not route it by itself"
		switch {
		case !r.ThresholdSet:
			verdict += " (the model has no measured threshold)"
		case r.Routes:
			verdict = fmt.Sprintf("would route it (confidence ≥ threshold %.2f)", r.Threshold)
		default:
			verdict += fmt.Sprintf(" (confidence < threshold %.2f)", r.Threshold)
		}
		fmt.Fprintf(w, "  %s %s, confidence %.2f (model v%d): %s\n", r.Label, e(r.Name), r.Confidence, r.Version, verdict)
		fmt.Fprintf(w, "  top terms: %s\n", e(strings.Join(r.TopTerms, ", ")))
		var alts []string
		for _, a := range r.Alternatives {
			alts = append(alts, fmt.Sprintf("%s %.2f", e(a.Name), a.Probability))
		}
		fmt.Fprintf(w, "  likeliest: %s\n", strings.Join(alts, ", "))
	} else {
		fmt.Fprintf(w, "  none: %s\n", e(ex.RouteWhy))
	}
	fmt.Fprintln(w, "\npriority")
	cur := "none"
	if ex.CurrentPriority != "" || ex.CurrentSeverity != "" {
		cur = strings.TrimSpace(ex.CurrentPriority + " " + ex.CurrentSeverity)
	}
	fmt.Fprintf(w, "  scored %s %s (now %s)\n", ex.Priority.Priority, ex.Priority.Severity, cur)
	for _, r := range ex.Priority.Reasons {
		fmt.Fprintf(w, "  - %s\n", e(r))
	}
	fmt.Fprintln(w, "\nfaq")
	if r := ex.FAQ; r != nil {
		if len(r.Matches) == 0 {
			fmt.Fprintln(w, "  no FAQ matches")
		}
		for _, c := range r.Matches {
			name := c.Key
			if name == "" {
				name = c.FAQ.Hex()
			}
			fmt.Fprintf(w, "  %d. %s  %s  (score %.2f)\n", c.Rank, e(name), e(clip(c.Question, 60)), c.Score)
		}
		if len(r.Matches) > 0 {
			verdict := "would resolve it with the first"
			if !r.AutoResolve {
				verdict = "would not resolve it: " + r.Why
			}
			fmt.Fprintf(w, "  confidence %.2f; terms: %s; %s\n", r.Confidence, e(strings.Join(r.Terms, ", ")), e(verdict))
		}
	} else {
		fmt.Fprintf(w, "  none: %s\n", e(ex.FAQWhy))
	}
	return nil
}

package faq

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/faqs"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// MatchOptions of `faq match`.
type MatchOptions struct {
	Text   string
	Ticket string
	Stdin  bool
	Top    int
	Output render.Options
}

var candidateSpec = render.Spec[faqs.Candidate]{
	Headers: []string{"RANK", "SCORE", "KEY", "QUESTION", "FAQ"},
	Row: func(c faqs.Candidate, f render.Formatter) []string {
		return []string{strconv.Itoa(c.Rank), fmt.Sprintf("%.3f", c.Score), c.Key, f.Truncate(c.Question, 60), c.FAQ.Hex()}
	},
	ID: func(c faqs.Candidate) string { return c.FAQ.Hex() },
}

var resultSpec = render.Spec[faqs.Result]{
	Headers: []string{"ID", "BEST", "SCORE", "CONFIDENCE", "AUTO-RESOLVE"},
	Row: func(r faqs.Result, f render.Formatter) []string {
		best, score := "", ""
		if len(r.Matches) > 0 {
			best, score = r.Matches[0].Key, fmt.Sprintf("%.3f", r.Matches[0].Score)
			if best == "" {
				best = r.Matches[0].FAQ.Hex()
			}
		}
		return []string{string(r.ID), best, score, fmt.Sprintf("%.3f", r.Confidence), strconv.FormatBool(r.AutoResolve)}
	},
	ID: func(r faqs.Result) string {
		if len(r.Matches) == 0 {
			return ""
		}
		return r.Matches[0].FAQ.Hex()
	},
}

func newCmdMatch(f *cmdutil.Factory) *cobra.Command {
	o := &MatchOptions{}
	cmd := &cobra.Command{
		Use:   "match TEXT | --ticket ID | --stdin",
		Short: "Rank FAQs against a text, a ticket, or NDJSON queries (employees)",
		Long: `Rank the FAQs against a text, a ticket (its title, description and tags), or
many queries: with --stdin each input line is a JSON object {"id": …, "text":
…} (or title/description/tags instead of text) and each output line the
result for it, with the same id, so the two join up.

A result lists the --top FAQs with their BM25 scores, the best match's
confidence (how clearly it beats the runner-up and how much of the query it
explains, 0 to 1), the words that matched, and whether the faq strategy would
resolve the ticket with it (confidence ≥ the calibrated threshold).

Output: one text or ticket prints the ranked FAQs as a table (-o json: the
whole result); --stdin writes NDJSON unless -o says otherwise.`,
		Example: `  ticketctl faq match "I forgot my password"
  ticketctl faq match --ticket 65f0c0ffee0123456789abcd -o json
  printf '%s\n' '{"id":1,"text":"where is my parcel"}' | ticketctl faq match --stdin --top 5`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Text = strings.TrimSpace(strings.Join(args, " "))
			n := 0
			for _, given := range []bool{o.Text != "", o.Ticket != "", o.Stdin} {
				if given {
					n++
				}
			}
			if n != 1 {
				return fault.Invalid("give exactly one of TEXT, --ticket ID or --stdin")
			}
			if o.Top < 0 {
				return fault.Invalid("--top must not be negative (0: every FAQ)")
			}
			if o.Stdin && !cmd.Flags().Changed("output") && o.Output.JQ == "" {
				o.Output.Format = render.FormatNDJSON
			}
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if o.Stdin && f.IO.IsStdinTTY() {
				return fault.Invalid("--stdin reads NDJSON queries from stdin, which is a terminal")
			}
			return matchRun(cmd, f, o)
		},
	}
	cmd.Flags().StringVar(&o.Ticket, "ticket", "", "match this ticket's title, description and tags")
	cmd.Flags().BoolVar(&o.Stdin, "stdin", false, "read NDJSON queries from stdin, write one result per line")
	cmd.Flags().IntVar(&o.Top, "top", 3, "FAQs to list per query (0: all)")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func matchRun(cmd *cobra.Command, f *cmdutil.Factory, o *MatchOptions) error {
	ctx := cmd.Context()
	if o.Stdin {
		if err := f.SpoolStdin(); err != nil {
			return err
		}
	}
	svc, _, err := session(ctx, f, store.RoleEmployee)
	if err != nil {
		return err
	}
	m, err := faqs.LoadMatcher(ctx, svc.St)
	if err != nil {
		return err
	}
	if o.Stdin {
		seq := func(yield func(faqs.Result, error) bool) {
			for q, err := range readQueries(f.IO.In, "stdin") {
				if err != nil {
					yield(faqs.Result{}, err)
					return
				}
				r := m.Match(q.text(), o.Top)
				r.ID = q.ID
				if !yield(r, nil) {
					return
				}
			}
		}
		return render.List(f.Printer(o.Output), resultSpec, seq)
	}
	text := o.Text
	var r faqs.Result
	if o.Ticket != "" {
		id, err := cmdutil.ParseID("ticket", o.Ticket)
		if err != nil {
			return err
		}
		t, err := svc.St.GetTicket(ctx, id)
		if err != nil {
			return err
		}
		text = triage.TicketText(t.Title, t.Description, t.Tags)
		r = m.Match(text, o.Top)
		r.Ticket = &id
	} else {
		r = m.Match(text, o.Top)
	}
	switch o.Output.Format {
	case render.FormatJSON, render.FormatNDJSON:
		return render.One(f.Printer(o.Output), resultSpec, r)
	}
	if err := render.List(f.Printer(o.Output), candidateSpec, render.Slice(r.Matches)); err != nil {
		return err
	}
	if o.Output.Format == render.FormatTable && f.IO.IsStdoutTTY() {
		verdict := "would resolve a ticket with the first"
		if !r.AutoResolve {
			verdict = "would not auto-resolve: " + r.Why
		}
		fmt.Fprintf(f.IO.Out, "\nconfidence %.2f (terms: %s): %s\n", r.Confidence, render.Escape(strings.Join(r.Terms, ", ")), render.Escape(verdict))
	}
	return nil
}

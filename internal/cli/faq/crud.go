package faq

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/faqs"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

func newCmdAdd(f *cmdutil.Factory) *cobra.Command {
	var in faqs.NewFAQ
	var out render.Options
	cmd := &cobra.Command{
		Use:   "add --question Q --answer A [--tag T]... [--key KEY]",
		Short: "Add an FAQ (employees)",
		Long: `Add an FAQ: a one-line question (1 to 500 characters), its answer (up to 20,000;
--answer - reads it from stdin), tags as on tickets, and an optional unique
key (letters, digits and _.:-) that imports use to update it. Prints the new
FAQ's id; -o json prints the FAQ. Adding an FAQ turns auto-resolution off
until the next "faq calibrate".`,
		Example: `  ticketctl faq add --question "How do I reset my password?" --answer "Use Forgot password on the sign-in page." --tag login
  ticketctl faq add --key refund-policy --question "Can I get a refund?" --answer - < refund.txt`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if !cmd.Flags().Changed("question") || !cmd.Flags().Changed("answer") {
				return fault.Invalid("--question and --answer are required")
			}
			if in.Answer == "-" {
				b, err := io.ReadAll(io.LimitReader(f.IO.In, 1<<20))
				if err != nil {
					return fmt.Errorf("read --answer from stdin: %w", err)
				}
				in.Answer = string(b)
			}
			svc, p, err := session(cmd.Context(), f, store.RoleEmployee)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			v, err := svc.Add(ctx, p, in)
			if err != nil {
				return err
			}
			if out.Format == render.FormatTable || out.Format == render.FormatIDs {
				_, err := fmt.Fprintln(f.IO.Out, v.ID.Hex())
				return err
			}
			return render.One(f.Printer(out), faqSpec, v)
		},
	}
	cmd.Flags().StringVar(&in.Question, "question", "", "the question the FAQ answers, one line")
	cmd.Flags().StringVar(&in.Answer, "answer", "", "the answer (- reads stdin)")
	cmd.Flags().StringSliceVar(&in.Tags, "tag", nil, "topic tag (repeatable or comma-separated)")
	cmd.Flags().StringVar(&in.Key, "key", "", "unique key to refer to and re-import the FAQ by")
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List FAQs (employees)",
		Example: "  ticketctl faq list\n  ticketctl faq list -o ndjson > faqs.ndjson   # imports back with faq import",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			svc, p, err := session(cmd.Context(), f, store.RoleEmployee)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			vs, err := svc.List(ctx, p)
			if err != nil {
				return err
			}
			return render.List(f.Printer(out), faqSpec, render.Slice(vs))
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdGet(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:     "get ID|KEY",
		Short:   "Show an FAQ with its answer (employees)",
		Example: "  ticketctl faq get refund-policy\n  ticketctl faq get refund-policy -o json --jq .answer",
		Args:    cmdutil.ExactArgs(1, "ID or KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			svc, p, err := session(cmd.Context(), f, store.RoleEmployee)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			v, err := svc.Get(ctx, p, args[0])
			if err != nil {
				return err
			}
			if out.Format != render.FormatTable {
				return render.One(f.Printer(out), faqSpec, v)
			}
			var b strings.Builder
			for _, r := range [][2]string{{"ID", v.ID.Hex()}, {"Key", v.Key}, {"Question", v.Question},
				{"Tags", strings.Join(v.Tags, ", ")}, {"Updated", v.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")}} {
				fmt.Fprintf(&b, "%-9s %s\n", r[0]+":", render.Escape(r[1]))
			}
			b.WriteString("Answer:\n")
			for _, line := range strings.Split(v.Answer, "\n") {
				b.WriteString("  " + render.Escape(line) + "\n")
			}
			_, err = fmt.Fprint(f.IO.Out, b.String())
			return err
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete ID|KEY",
		Short: "Delete an FAQ (employees)",
		Long: `Delete an FAQ. Tickets it resolved keep its id in resolution.faq. Deleting turns
auto-resolution off until the next "faq calibrate". Asks for confirmation on a
terminal; elsewhere it refuses without --yes.`,
		Example: "  ticketctl faq delete refund-policy --yes",
		Args:    cmdutil.ExactArgs(1, "ID or KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, p, err := session(cmd.Context(), f, store.RoleEmployee)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			v, err := faqs.Resolve(ctx, svc.St, args[0])
			if err != nil {
				return err
			}
			if err := f.Confirm(yes, fmt.Sprintf("Delete FAQ %s?", render.Escape(faqs.Label(v)))); err != nil {
				return err
			}
			if _, err := svc.Delete(ctx, p, v.ID.Hex()); err != nil {
				return err
			}
			_, err = fmt.Fprintf(f.IO.Out, "deleted FAQ %s\n", render.Escape(faqs.Label(v)))
			return err
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func newCmdImport(f *cmdutil.Factory) *cobra.Command {
	var o faqs.ImportOptions
	var out render.Options
	cmd := &cobra.Command{
		Use:   "import FILE|-",
		Short: "Import FAQs from CSV or NDJSON (employees)",
		Long: `Import FAQs from a file (or - for stdin): CSV with a header row, or NDJSON / a
JSON array of {"key", "question", "answer", "tags"} (what "faq list -o ndjson"
writes). Every record is validated first; if any is invalid nothing is
imported unless --skip-invalid. A record with a key replaces the FAQ with that
key, so importing the same file twice changes nothing; one without is added.

CSV columns (by header name, any case): question (or title), answer (or
response), tags (separated by , ; or |), key, category (added as a tag). A file
with an intent column and no question column — the shape of intent-labelled
support datasets — uses the intent as the key and, with _ read as a space, as
the question.

Exit status: 0 imported, 2 invalid records (nothing imported).`,
		Example: `  ticketctl faq import faqs.csv --dry-run
  ticketctl faq import faqs.ndjson -o json`,
		Args: cmdutil.ExactArgs(1, "FILE or -"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			var r io.Reader = f.IO.In
			o.Source = args[0]
			if args[0] != "-" {
				fh, err := os.Open(args[0])
				if err != nil {
					return fault.Invalid("%v", err) // "open FILE: why"
				}
				defer fh.Close()
				r = fh
			} else if f.IO.IsStdinTTY() {
				return fault.Invalid("\"-\" reads FAQs from stdin, which is a terminal")
			} else {
				if err := f.SpoolStdin(); err != nil {
					return err
				}
				r = f.IO.In
			}
			svc, p, err := session(cmd.Context(), f, store.RoleEmployee)
			if err != nil {
				return err
			}
			rep, err := svc.Import(cmd.Context(), p, r, o)
			if perr := printImport(f, out, rep); perr != nil && err == nil {
				err = perr
			}
			return err
		},
	}
	cmd.Flags().StringVar(&o.Format, "format", faqs.FormatAuto, "input format: auto, csv or ndjson")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "validate and report, import nothing")
	cmd.Flags().BoolVar(&o.SkipInvalid, "skip-invalid", false, "import the valid records even if others are invalid")
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func printImport(f *cmdutil.Factory, o render.Options, rep faqs.ImportReport) error {
	if o.Format != render.FormatTable {
		return render.One(f.Printer(o), render.Spec[faqs.ImportReport]{}, rep)
	}
	w := f.IO.Out
	verb := "imported"
	if rep.DryRun {
		verb = "would import"
	}
	if rep.DryRun {
		fmt.Fprintf(w, "%s %d of %d records\n", verb, rep.Valid, rep.Records)
	} else {
		fmt.Fprintf(w, "%s %d of %d records: %d added, %d updated\n", verb, rep.Inserted+rep.Updated, rep.Records, rep.Inserted, rep.Updated)
	}
	for i, e := range rep.Errors {
		if i == 20 {
			fmt.Fprintf(w, "... and %d more\n", len(rep.Errors)-20)
			break
		}
		fmt.Fprintf(w, "line %d: %s\n", e.Line, render.Escape(e.Error))
	}
	return nil
}

package tickets

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	ticketsvc "github.com/ticketctl/ticketctl/internal/tickets"
)

// ImportOptions of `tickets import`.
type ImportOptions struct {
	File         string
	DryRun       bool
	SkipInvalid  bool
	SkipExisting bool
	Output       render.Options
}

// maxListedErrors bounds the line errors printed on a terminal; -o json
// carries all of them.
const maxListedErrors = 20

func newCmdImport(f *cmdutil.Factory, runF func(context.Context, *ImportOptions) error) *cobra.Command {
	o := &ImportOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE|-",
		Short: "Import tickets from NDJSON or a JSON array (employees)",
		Long: `Import tickets from a file (or - for stdin): one JSON document per line as
mongoexport and ` + "`tickets export`" + ` write them ({"_id": {"$oid": …}, "created_at":
{"$date": …}}), or a JSON array, or ticketctl's own -o json output.

Every record is validated first, with the rules of ` + "`tickets create`" + `; status may be
"not started" or not-started; a missing server means the central one, a missing
status "not started", a missing created_at now. Errors are reported with their
line numbers, and if any record is invalid nothing is imported unless
--skip-invalid. Records keep their _id: an id that exists already is a conflict
(exit 5), never an overwrite; --skip-existing skips them instead, which makes
re-running an import safe. Fields a ticket does not have are dropped and named.

Exit status: 0 imported, 2 invalid records (nothing imported), 5 conflicting ids,
7 some imported and some not.`,
		Example: `  ticketctl tickets import tickets.ndjson --dry-run
  mongoexport --db=app --collection=tickets | ticketctl tickets import -
  ticketctl tickets import backup.ndjson --skip-existing -o json`,
		Args: cmdutil.ExactArgs(1, "FILE or -"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			o.File = args[0]
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return importRun(cmd.Context(), f, o)
		},
	}
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "validate and report, import nothing")
	cmd.Flags().BoolVar(&o.SkipInvalid, "skip-invalid", false, "import the valid records even if others are invalid")
	cmd.Flags().BoolVar(&o.SkipExisting, "skip-existing", false, "skip records whose id exists already instead of failing")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func importRun(ctx context.Context, f *cmdutil.Factory, o *ImportOptions) error {
	var in io.Reader = f.IO.In
	src := "stdin"
	if o.File != "-" {
		file, err := os.Open(o.File)
		if err != nil {
			return fault.Invalid("open %s: %v", o.File, unwrapPath(err))
		}
		defer file.Close()
		in, src = file, o.File
	} else {
		if err := f.SpoolStdin(); err != nil {
			return err
		}
		in = f.IO.In
	}
	svc, p, err := session(ctx, f, store.RoleEmployee)
	if err != nil {
		return err
	}
	rep, runErr := svc.Import(ctx, p, in, ticketsvc.ImportOptions{Source: src, DryRun: o.DryRun,
		SkipInvalid: o.SkipInvalid, SkipExisting: o.SkipExisting})
	if o.Output.Format != render.FormatTable {
		if err := render.One(f.Printer(o.Output), render.Spec[ticketsvc.ImportReport]{
			ID: func(r ticketsvc.ImportReport) string { return r.Source },
		}, rep); err != nil {
			return err
		}
		return runErr
	}
	if len(rep.Errors) > 0 {
		// One line per error: escape each line (the text quotes the
		// input), not the whole block, whose newlines are ours.
		for _, line := range strings.Split(strings.TrimSuffix(ticketsvc.ErrorsText(rep.Errors, maxListedErrors), "\n"), "\n") {
			fmt.Fprintln(f.IO.ErrOut, render.Escape(line))
		}
	}
	if len(rep.IgnoredFields) > 0 {
		fmt.Fprintf(f.IO.ErrOut, "ticketctl: ignored fields that tickets do not have: %s\n", strings.Join(rep.IgnoredFields, ", "))
	}
	if rep.Records > 0 || runErr == nil {
		verb := "imported"
		n := rep.Imported
		if o.DryRun {
			verb, n = "would import", rep.Valid
		}
		fmt.Fprintf(f.IO.Out, "%s %d of %d tickets from %s", verb, n, rep.Records, src)
		if rep.SkippedExisting > 0 {
			fmt.Fprintf(f.IO.Out, " (%d already present, skipped)", rep.SkippedExisting)
		}
		if skipped := rep.Invalid + rep.Conflicts; skipped > 0 && o.SkipInvalid {
			fmt.Fprintf(f.IO.Out, " (%d not importable, skipped)", skipped)
		}
		fmt.Fprintln(f.IO.Out)
	}
	return runErr
}

// unwrapPath drops the "open FILE:" prefix os adds, since the message
// names the file already.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

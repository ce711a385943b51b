package triage

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/router"
	"github.com/ticketctl/ticketctl/internal/store"
)

var modelSpec = render.Spec[router.ModelView]{
	Headers: []string{"VERSION", "ACTIVE", "LABEL", "ALGORITHM", "TICKETS", "CLASSES", "TRAINED ON", "ACCURACY", "MACRO-F1",
		"NB ACCURACY", "THRESHOLD", "COVERAGE", "CREATED"},
	Row: func(v router.ModelView, f render.Formatter) []string {
		active := ""
		if v.Active {
			active = "*"
		}
		acc, f1, nb, threshold, coverage := "-", "-", "-", "-", "-"
		if h := v.Holdout; h != nil {
			acc, f1, nb = f3(h.Accuracy), f3(h.MacroF1), f3(h.NBAccuracy)
			if v.ThresholdSet {
				threshold, coverage = fmt.Sprintf("%.2f", v.Threshold), fmt.Sprintf("%.2f", h.Coverage)
			} else {
				threshold = "none"
			}
		}
		return []string{strconv.Itoa(v.Version), active, v.Label, v.Algorithm, strconv.Itoa(v.Docs), strconv.Itoa(len(v.Classes)),
			windowText(v.Window), acc, f1, nb, threshold, coverage, f.Time(v.CreatedAt)}
	},
	ID: func(v router.ModelView) string { return strconv.Itoa(v.Version) },
}

func newCmdModels(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List the stored router models, newest first (employees)",
		Long: `List the stored model versions with what they were trained on and how they did
on their hold-out: accuracy, macro-F1, the naive Bayes baseline, and the
confidence threshold above which the model strategy routes on its own with the
share of tickets it covers. The active model is marked *.`,
		Example: "  ticketctl triage models\n  ticketctl triage models -o json --jq '.[] | select(.active) | .version'",
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
			vs, err := svc.Models(ctx, p)
			if err != nil {
				return err
			}
			return render.List(f.Printer(out), modelSpec, render.Slice(vs))
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdUse(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "use VERSION",
		Short: "Make a model version the one that routes tickets (admins)",
		Long: `Make VERSION the active model: the model strategy of ` + "`distribute plan|auto`" + ` and
` + "`triage explain`" + ` use it from their next run. Switching back is the same command
with the old version.`,
		Example: "  ticketctl triage use 3",
		Args:    cmdutil.ExactArgs(1, "VERSION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := parseVersion(args[0])
			if err != nil {
				return err
			}
			svc, p, err := session(cmd.Context(), f, store.RoleAdmin)
			if err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			m, err := svc.Use(ctx, p, v)
			if err != nil {
				return err
			}
			note := ""
			if !m.ThresholdSet {
				note = " (it has no measured threshold, so the model strategy will not route by itself)"
			}
			_, err = fmt.Fprintf(f.IO.Out, "model v%d is now the active model%s\n", m.Version, note)
			return err
		},
	}
	return cmd
}

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete VERSION",
		Short: "Delete a model version that is not the active one (admins)",
		Long: `Delete a stored model version (each is several MB). The active model cannot be
deleted. Asks for confirmation on a terminal; elsewhere it refuses without --yes.`,
		Example: "  ticketctl triage delete 2 --yes",
		Args:    cmdutil.ExactArgs(1, "VERSION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := parseVersion(args[0])
			if err != nil {
				return err
			}
			svc, p, err := session(cmd.Context(), f, store.RoleAdmin)
			if err != nil {
				return err
			}
			if err := f.Confirm(yes, fmt.Sprintf("Delete triage model v%d?", v)); err != nil {
				return err
			}
			ctx, cancel := f.OpContext(cmd.Context())
			defer cancel()
			if err := svc.Delete(ctx, p, v); err != nil {
				return err
			}
			_, err = fmt.Fprintf(f.IO.Out, "deleted model v%d\n", v)
			return err
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

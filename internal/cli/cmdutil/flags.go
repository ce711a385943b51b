package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
)

// AddOutputFlags registers -o, --jq and --no-headers.
func AddOutputFlags(cmd *cobra.Command, o *render.Options) {
	cmd.Flags().StringVarP(&o.Format, "output", "o", render.FormatTable,
		"output format: "+strings.Join(render.Formats, "|"))
	cmd.Flags().StringVar(&o.JQ, "jq", "", "filter JSON output with a jq expression")
	cmd.Flags().BoolVar(&o.NoHeaders, "no-headers", false, "omit table headers")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return render.Formats, cobra.ShellCompDirectiveNoFileComp
	})
}

// ExactArgs is cobra.ExactArgs with a usage error (exit 2) that names the
// expected arguments.
func ExactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fault.Invalid("%s takes %d argument(s) (%s), got %d", cmd.CommandPath(), n, names, len(args))
		}
		return nil
	}
}

// MinArgs requires at least n arguments.
func MinArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return fault.Invalid("%s needs at least %d argument(s) (%s)", cmd.CommandPath(), n, names)
		}
		return nil
	}
}

// NoArgs rejects positional arguments.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fault.Invalid("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// ParseID parses a hex ObjectId argument; what names the argument in the
// error (exit 2).
func ParseID(what, s string) (bson.ObjectID, error) {
	id, err := bson.ObjectIDFromHex(strings.TrimSpace(s))
	if err != nil {
		return bson.ObjectID{}, fault.Invalid("%s %q is not an id (24 hex characters)", what, s)
	}
	return id, nil
}

// RequiredFlag is the usage error for a missing required flag.
func RequiredFlag(name string) error {
	return fault.Invalid("%s is required", name)
}

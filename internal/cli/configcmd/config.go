// Package configcmd implements `ticketctl config`.
package configcmd

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/config"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
)

// NewCmd returns `ticketctl config` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "View and change ticketctl's configuration",
		Long: `Settings come from, in order of precedence: flags, environment variables
(TICKETCTL_URI, TICKETCTL_DATABASE, TICKETCTL_CONTEXT, TICKETCTL_TIMEOUT), the config
file ($XDG_CONFIG_HOME/ticketctl/config.yaml, or --config), and defaults.

Named contexts work like kubeconfig: each has a uri and a database, and
current-context picks one. With no URI anywhere, ticketctl uses the embedded
local store.

Known keys:
` + config.KeyHelp(),
		Example: `  ticketctl config set contexts.prod.uri 'mongodb://admin@db1,db2/?replicaSet=rs0'
  ticketctl config set contexts.prod.database tickets
  ticketctl config use-context prod
  ticketctl config view`,
	}
	cmd.AddCommand(newCmdView(f), newCmdGet(f), newCmdSet(f), newCmdContexts(f), newCmdUseContext(f))
	return cmd
}

func newCmdView(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:     "view",
		Short:   "Show the configuration file, connection strings redacted",
		Example: "  ticketctl config view\n  ticketctl config view -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			c, err := f.Config()
			if err != nil {
				return err
			}
			view := c.View()
			if out.Format == render.FormatTable {
				fmt.Fprintf(f.IO.ErrOut, "# %s\n", c.Path())
				if len(view) == 0 {
					return nil
				}
				b, err := yaml.Marshal(view)
				if err != nil {
					return err
				}
				_, err = f.IO.Out.Write(b)
				return err
			}
			return render.One(f.Printer(out), render.Spec[map[string]any]{}, view)
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdGet(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "get KEY",
		Short:   "Print one setting (its default when unset; exit 3 when neither)",
		Example: "  ticketctl config get current-context\n  ticketctl config get contexts.prod.database",
		Args:    cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Config()
			if err != nil {
				return err
			}
			v, ok := c.Get(args[0])
			if !ok {
				if d, has := config.Default(args[0]); has {
					fmt.Fprintln(f.IO.Out, d)
					return nil
				}
				return fault.New(fault.ErrNotFound, "config key %q is not set", args[0])
			}
			if m, isMap := v.(map[string]any); isMap {
				b, _ := json.Marshal(redactedSub(c, args[0], m))
				fmt.Fprintln(f.IO.Out, string(b))
				return nil
			}
			fmt.Fprintln(f.IO.Out, config.RedactValue(args[0], fmt.Sprint(v)))
			return nil
		},
	}
}

func newCmdSet(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Change one setting in the config file",
		Example: `  ticketctl config set contexts.staging.uri mongodb://127.0.0.1:27017
  ticketctl config set timeout 30s`,
		Args: cmdutil.ExactArgs(2, "KEY VALUE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Config()
			if err != nil {
				return err
			}
			if err := c.Set(args[0], args[1]); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "set %s in %s\n", strings.ToLower(args[0]), c.Path())
			return nil
		},
	}
}

func newCmdContexts(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:     "contexts",
		Short:   "List the named contexts",
		Example: "  ticketctl config contexts\n  ticketctl config contexts -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			c, err := f.Config()
			if err != nil {
				return err
			}
			return render.List(f.Printer(out), render.Spec[config.ContextInfo]{
				Headers: []string{"CURRENT", "NAME", "URI", "DATABASE"},
				Row: func(ci config.ContextInfo, _ render.Formatter) []string {
					cur := ""
					if ci.Current {
						cur = "*"
					}
					return []string{cur, ci.Name, ci.URI, ci.Database}
				},
				ID: func(ci config.ContextInfo) string { return ci.Name },
			}, render.Slice(c.Contexts()))
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdUseContext(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "use-context NAME",
		Short:   "Make NAME the current context",
		Example: "  ticketctl config use-context prod\n  ticketctl config use-context local",
		Args:    cmdutil.ExactArgs(1, "NAME"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			c, err := f.Config()
			if err != nil || len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, ci := range c.Contexts() {
				names = append(names, ci.Name)
			}
			sort.Strings(names)
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Config()
			if err != nil {
				return err
			}
			if err := c.UseContext(strings.ToLower(args[0])); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "switched to context %q\n", strings.ToLower(args[0]))
			return nil
		},
	}
}

func redactedSub(c *config.Config, key string, _ map[string]any) any {
	var cur any = c.View()
	for _, part := range strings.Split(strings.ToLower(key), ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

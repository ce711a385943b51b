// Package completion implements `ticketctl completion SHELL`.
package completion

import (
	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
)

// NewCmd returns `ticketctl completion`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print a completion script for your shell. Load it in the current shell or
install it where your shell looks for completions.`,
		Example: `  source <(ticketctl completion bash)
  ticketctl completion zsh > "${fpath[1]}/_ticketctl"
  ticketctl completion fish > ~/.config/fish/completions/ticketctl.fish
  ticketctl completion powershell | Out-String | Invoke-Expression`,
		ValidArgs:             []string{"bash", "zsh", "fish", "powershell"},
		Args:                  cmdutil.ExactArgs(1, "SHELL"),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			w := f.IO.Out
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, true)
			case "zsh":
				return root.GenZshCompletion(w)
			case "fish":
				return root.GenFishCompletion(w, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(w)
			}
			return fault.Invalid("unknown shell %q: valid shells are bash, zsh, fish, powershell", args[0])
		},
	}
}

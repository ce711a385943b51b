package cli_test

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli"
	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/iostreams"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

// TestEveryCommandHasHelp walks the whole tree: every command's --help
// runs (a flag defined twice would panic here, not in a user's shell),
// and every runnable command has a short description and examples.
func TestEveryCommandHasHelp(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	root := cli.NewCmdRoot(&cmdutil.Factory{IO: ios})
	e := clitest.NewEmpty(t, storetest.Open(t))
	seen := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		seen++
		path := strings.Fields(c.CommandPath())[1:]
		r := e.Run(append(path, "--help")...)
		if r.Code != 0 || !strings.Contains(r.Out, "Usage:") {
			t.Errorf("%s --help: exit %d %q", c.CommandPath(), r.Code, r.Err)
		}
		if c.Short == "" {
			t.Errorf("%s has no Short description", c.CommandPath())
		}
		if c.Runnable() && !c.HasSubCommands() && c.Example == "" {
			t.Errorf("%s has no examples", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if seen < 50 {
		t.Fatalf("walked only %d commands", seen)
	}
}

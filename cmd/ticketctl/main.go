// Command ticketctl administers the customer-complaint ticket platform.
package main

import (
	"os"

	"github.com/ticketctl/ticketctl/internal/cli"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
)

// Set by the linker: -X main.version=… -X main.commit=… -X main.date=…
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	os.Exit(cli.Main(cmdutil.BuildInfo{Version: version, Commit: commit, Date: date}))
}

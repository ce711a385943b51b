// Command demogen writes the demo dataset (testdata/demo) from
// internal/tickets/demodata. The output is deterministic: run it after
// changing the generator and commit the files.
//
//	go run ./internal/tickets/demogen -out testdata/demo
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ticketctl/ticketctl/internal/tickets/demodata"
)

func main() {
	out := flag.String("out", "testdata/demo", "directory to write the dataset to")
	flag.Parse()
	d := demodata.Generate()
	if err := demodata.Write(*out, d); err != nil {
		fmt.Fprintln(os.Stderr, "demogen:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d servers, %d teams, %d accounts, %d tickets, %d events to %s\n",
		1+len(d.Servers), len(d.Teams), len(d.Accounts), len(d.Tickets), len(d.Events), *out)
}

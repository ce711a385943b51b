// Command ferretdb runs the same embedded FerretDB that ticketctl's local
// store uses, as a standalone server: for benchmarks (PostgreSQL handler)
// and for trying ticketctl against a server in another process.
//
//	go run ./scripts/ferretdb -listen 127.0.0.1:27018 -dir /tmp/fdb
//	go run ./scripts/ferretdb -listen 127.0.0.1:27018 -postgresql 'postgres://user@127.0.0.1:5432/ferretdb'
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ticketctl/ticketctl/internal/store/embedded"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27018", "TCP address to listen on (loopback)")
	dir := flag.String("dir", "", "SQLite directory (default: a new temporary directory)")
	pg := flag.String("postgresql", "", "PostgreSQL URL: use the PostgreSQL handler instead of SQLite")
	flag.Parse()
	if *dir == "" && *pg == "" {
		d, err := os.MkdirTemp("", "ferretdb-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "ferretdb:", err)
			os.Exit(1)
		}
		*dir = d
	}
	if *dir == "" {
		*dir = os.TempDir()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := embedded.Start(ctx, embedded.Options{Dir: *dir, Listen: *listen, PostgreSQLURL: *pg, Lock: *pg == ""})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
	fmt.Println(srv.URI())
	<-ctx.Done()
	_ = srv.Close()
}

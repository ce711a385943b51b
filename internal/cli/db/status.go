// Package db implements `ticketctl db`.
package db

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/embedded"
)

// NewCmd returns `ticketctl db`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Inspect the database ticketctl talks to",
	}
	cmd.AddCommand(newCmdStatus(f))
	return cmd
}

// Status is what `db status` reports.
type Status struct {
	Context        string             `json:"context"`
	Target         string             `json:"target"`
	Database       string             `json:"database"`
	Reachable      bool               `json:"reachable"`
	Server         store.Capabilities `json:"server"`
	Collections    []Collection       `json:"collections"`
	MissingIndexes []string           `json:"missing_indexes"`
	Error          string             `json:"error,omitempty"`
}

// Collection is one collection and its document count.
type Collection struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

func newCmdStatus(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the target, server version, collections and missing indexes",
		Long: `Connect to the configured database and report where it is (connection string
redacted), which server answers (MongoDB or FerretDB, and its version), the
collections with their document counts, and any index that ` + "`ticketctl init`" + `
would create. Exits 6 when the database cannot be reached.`,
		Example: "  ticketctl db status\n  ticketctl db status -o json --jq .missing_indexes",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			st, runErr := status(cmd.Context(), f)
			if err := printStatus(f, out, st); err != nil {
				return err
			}
			return runErr
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func status(ctx context.Context, f *cmdutil.Factory) (Status, error) {
	t, err := f.Target()
	if err != nil {
		return Status{}, err
	}
	s := Status{Context: t.Context, Target: store.RedactURI(t.URI), Database: t.Database,
		Collections: []Collection{}, MissingIndexes: []string{}}
	if t.Local {
		c, _ := f.Config()
		s.Target = "local store " + c.Paths.LocalStoreDir()
	}
	db, err := f.Store(ctx)
	if err != nil {
		s.Error = err.Error()
		return s, err
	}
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	s.Reachable = true
	s.Server = db.Capabilities()
	if t.Local && s.Server.FerretDBVersion == "unknown" {
		s.Server.FerretDBVersion = embedded.Version()
	}
	counts, err := db.CollectionCounts(ctx)
	if err != nil {
		s.Error = err.Error()
		return s, err
	}
	for name, n := range counts {
		s.Collections = append(s.Collections, Collection{Name: name, Count: n})
	}
	sort.Slice(s.Collections, func(i, j int) bool { return s.Collections[i].Name < s.Collections[j].Name })
	missing, err := db.MissingIndexes(ctx)
	if err != nil {
		s.Error = err.Error()
		return s, err
	}
	s.MissingIndexes = append(s.MissingIndexes, missing...)
	return s, nil
}

func printStatus(f *cmdutil.Factory, o render.Options, s Status) error {
	if o.Format != render.FormatTable {
		if s.Error != "" && s.Target == "" && s.Database == "" {
			return nil
		}
		return render.One(f.Printer(o), render.Spec[Status]{ID: func(s Status) string { return s.Database }}, s)
	}
	if s.Database == "" {
		return nil // the configuration itself failed; the error says why
	}
	w := f.IO.Out
	fmt.Fprintf(w, "Context:    %s\n", s.Context)
	fmt.Fprintf(w, "Target:     %s\n", s.Target)
	fmt.Fprintf(w, "Database:   %s\n", s.Database)
	fmt.Fprintf(w, "Reachable:  %s\n", yesNo(s.Reachable))
	if !s.Reachable {
		return nil
	}
	server := s.Server.Kind + " " + s.Server.Version
	if s.Server.Kind == store.KindFerretDB {
		server += " (FerretDB " + s.Server.FerretDBVersion + ")"
	}
	fmt.Fprintf(w, "Server:     %s\n", server)
	fmt.Fprintf(w, "Topology:   %s\n", topology(s.Server))
	fmt.Fprintln(w, "Collections:")
	if len(s.Collections) == 0 {
		fmt.Fprintln(w, "  (none: run `ticketctl init`)")
	}
	for _, c := range s.Collections {
		fmt.Fprintf(w, "  %-16s %d\n", c.Name, c.Count)
	}
	if len(s.MissingIndexes) == 0 {
		fmt.Fprintln(w, "Indexes:    all present")
	} else {
		fmt.Fprintf(w, "Indexes:    %d missing (run `ticketctl init`): %s\n", len(s.MissingIndexes), strings.Join(s.MissingIndexes, ", "))
	}
	return nil
}

func topology(c store.Capabilities) string {
	switch {
	case c.Sharded:
		return "sharded cluster"
	case c.ReplicaSet:
		return "replica set"
	}
	return "standalone"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

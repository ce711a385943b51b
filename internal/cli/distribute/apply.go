package distribute

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/distribute"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

func newCmdApply(f *cmdutil.Factory) *cobra.Command {
	var rf runFlags
	var out render.Options
	cmd := &cobra.Command{
		Use:   "apply PLAN|-",
		Short: "Apply a plan made by `distribute plan`, skipping stale entries",
		Long: `Apply a plan (a JSON array or NDJSON, from a file or "-" for stdin). Every entry
is re-checked when it is applied: a ticket that changed or moved since the plan
was made is skipped with the reason, never overwritten. Applying the same plan
twice moves nothing the second time.

The whole plan is read and checked before anything changes; a malformed entry
is exit 2 with its position.`,
		Example: `  ticketctl distribute plan > plan.json
  ticketctl distribute apply plan.json --yes
  ticketctl distribute plan -o ndjson | ticketctl distribute apply - --yes -o json`,
		Args: cmdutil.ExactArgs(1, "PLAN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			entries, err := readPlan(f, args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			p, st, err := f.Session(ctx, store.RoleEmployee)
			if err != nil {
				return err
			}
			if !rf.DryRun {
				if err := f.Confirm(rf.Yes, fmt.Sprintf("Apply a plan of %d entries?", len(entries))); err != nil {
					return err
				}
			}
			r, done, err := newRunner(f, st, p, rf, int64(len(entries)), out)
			if err != nil {
				return err
			}
			sum, runErr := r.Run(ctx, render.Slice(entries))
			done()
			return report(f, out, sum, runErr)
		},
	}
	addRunFlags(cmd, &rf)
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

// readPlan reads and checks every entry of a plan.
func readPlan(f *cmdutil.Factory, path string) ([]distribute.Entry, error) {
	var r io.Reader = f.IO.In
	if path != "-" {
		fh, err := os.Open(path)
		if err != nil {
			return nil, fault.Invalid("plan %s: %v", path, err)
		}
		defer fh.Close()
		r = fh
	}
	br := bufio.NewReader(r)
	first, err := firstByte(br)
	if err != nil {
		return nil, fault.Invalid("plan %s is empty", path)
	}
	var entries []distribute.Entry
	dec := json.NewDecoder(br)
	if first == '[' {
		if _, err := dec.Token(); err != nil {
			return nil, fault.Invalid("plan %s: %v", path, err)
		}
	}
	for n := 1; dec.More(); n++ {
		var e distribute.Entry
		if err := dec.Decode(&e); err != nil {
			return nil, fault.Invalid("plan %s: entry %d: %v", path, n, err)
		}
		if err := checkEntry(e); err != nil {
			return nil, fault.Invalid("plan %s: entry %d: %v", path, n, err)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if !bytes.ContainsRune([]byte(" \t\r\n"), rune(b)) {
			return b, br.UnreadByte()
		}
	}
}

func checkEntry(e distribute.Entry) error {
	if e.Ticket.IsZero() {
		return fmt.Errorf("no ticket")
	}
	switch e.Action {
	case distribute.ActionMove:
		if e.To == nil || e.To.IsZero() || e.From.IsZero() {
			return fmt.Errorf("move of %s needs from and to", e.Ticket.Hex())
		}
	case distribute.ActionLeave, distribute.ActionSkip, distribute.ActionResolve:
	default:
		return fmt.Errorf("unknown action %q", e.Action)
	}
	return nil
}

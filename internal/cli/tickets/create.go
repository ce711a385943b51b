package tickets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/cli/ticketflags"
	clitriage "github.com/ticketctl/ticketctl/internal/cli/triage"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	ticketsvc "github.com/ticketctl/ticketctl/internal/tickets"
)

// CreateOptions of `tickets create`.
type CreateOptions struct {
	Ticket   ticketsvc.NewTicket
	FromFile string
	Output   render.Options
}

func newCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	o := &CreateOptions{}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Submit a ticket to the central server",
		Long: `Submit a ticket. It goes to the central server with status "not started" and
the logged-in account as requester; distribution moves it to a team later.

Titles have 1 to 200 characters, descriptions up to 20,000 (newlines allowed), and
a ticket carries at most 20 tags of a-z, 0-9 and - (lower-cased). Control
characters and invalid UTF-8 are refused. Triage sets the priority and severity
from the text, the account type and similar open tickets; employees may also set
--priority and --severity, which triage never lowers.

Scripts can pass the ticket as JSON with --from-file FILE, or --from-file - for
stdin: {"title": "...", "description": "...", "tags": ["..."]}.

Prints the new ticket's id; -o json prints the whole ticket.`,
		Example: `  ticketctl tickets create --title "Card declined" --description "Twice today at the drive-through" --tag billing
  echo '{"title":"App crashes","description":"On login","tags":["app"]}' | ticketctl tickets create --from-file -
  id=$(ticketctl tickets create --title "Cold fries" --description "Order 1234")`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if o.FromFile != "" {
				for _, name := range []string{"title", "description", "tag", "priority", "severity"} {
					if cmd.Flags().Changed(name) {
						return fault.Invalid("--from-file and --%s exclude each other: put the field in the JSON", name)
					}
				}
				t, err := readNewTicket(f, o.FromFile)
				if err != nil {
					return err
				}
				o.Ticket = t
			} else if !cmd.Flags().Changed("title") || !cmd.Flags().Changed("description") {
				return fault.WithHint(fault.Invalid("--title and --description are required"), "or pass the ticket as JSON with --from-file")
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return createRun(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Ticket.Title, "title", "", "title, 1 to 200 characters")
	fl.StringVar(&o.Ticket.Description, "description", "", "what happened, up to 20,000 characters")
	fl.StringSliceVar(&o.Ticket.Tags, "tag", nil, "tag (repeatable or comma-separated)")
	fl.StringVar(&o.Ticket.Priority, "priority", "", "P1..P4 (employees)")
	fl.StringVar(&o.Ticket.Severity, "severity", "", "critical, high, medium or low (employees)")
	fl.StringVar(&o.FromFile, "from-file", "", "read the ticket as JSON from a file, or - for stdin")
	_ = cmd.RegisterFlagCompletionFunc("priority", ticketflags.Fixed(ticketsvc.Priorities...))
	_ = cmd.RegisterFlagCompletionFunc("severity", ticketflags.Fixed(ticketsvc.Severities...))
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

// readNewTicket decodes one JSON object with only the known fields.
func readNewTicket(f *cmdutil.Factory, path string) (ticketsvc.NewTicket, error) {
	var t ticketsvc.NewTicket
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(f.IO.In, 1<<20))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return t, fault.Invalid("--from-file: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return t, fault.Invalid("--from-file %s: want one JSON object with title, description, tags, priority, severity: %s", path, jsonProblem(err))
	}
	if dec.More() {
		return t, fault.Invalid("--from-file %s: want exactly one JSON object", path)
	}
	return t, nil
}

// jsonProblem says what is wrong with a JSON document in the user's terms,
// not encoding/json's (which names Go types and struct fields).
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "the input is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early"
	case errors.As(err, &syn):
		return fmt.Sprintf("not valid JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ) && typ.Field != "":
		want := "a string"
		if typ.Type != nil && typ.Type.Kind().String() == "slice" {
			want = "a list of strings"
		}
		return fmt.Sprintf("field %s: want %s, got a JSON %s", typ.Field, want, typ.Value)
	case errors.As(err, &typ):
		return fmt.Sprintf("want a JSON object, got a JSON %s", typ.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func createRun(ctx context.Context, f *cmdutil.Factory, o *CreateOptions) error {
	svc, p, err := session(ctx, f, store.RoleCustomer)
	if err != nil {
		return err
	}
	// Triage scores priority and severity (never lowering a person's).
	sc, err := clitriage.NewScorer(f, svc.St)
	if err != nil {
		return err
	}
	svc.Prioritise = sc.OnCreate
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	t, err := svc.Create(ctx, p, o.Ticket)
	if err != nil {
		return err
	}
	if o.Output.Format == render.FormatTable || o.Output.Format == render.FormatIDs {
		_, err := fmt.Fprintln(f.IO.Out, t.ID.Hex())
		return err
	}
	return render.One(f.Printer(o.Output), ticketSpec(nil), t)
}

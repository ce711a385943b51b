package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	notifysvc "github.com/ticketctl/ticketctl/internal/notify"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// TicketsNotifyOptions of `tickets notify`.
type TicketsNotifyOptions struct {
	Ticket  string
	Channel string
	To      []string
	Message string
	Output  render.Options
}

// NewCmdTicketsNotify returns `ticketctl tickets notify ID --channel NAME`,
// for the tickets command to add as a subcommand.
func NewCmdTicketsNotify(f *cmdutil.Factory) *cobra.Command {
	o := &TicketsNotifyOptions{}
	cmd := &cobra.Command{
		Use:   "notify ID --channel NAME [--to ADDR]... [--message TEXT]",
		Short: "Notify a team or a third party about a ticket (email, webhook, Slack)",
		Long: `Send a notification about ticket ID through a configured channel (see
` + "`ticketctl notify channels`" + `). The notification is first written to the
notifications outbox (ticket, channel, recipients, rendered subject and body,
idempotency key), then sent; the result is recorded there and as a
"ticket.notify" event in the ticket's history.

When sending fails, the notification stays pending and this command exits 1
with the channel's error; ` + "`ticketctl notify retry`" + ` sends it again later with
exponential backoff. Permanent errors (an HTTP 4xx other than 408/429, an SMTP
5xx) mark it failed.

smtp channels need recipients: --to (repeat it or separate addresses with
commas), or the channel's own ` + "`to`" + ` setting. --message adds free text to the
message; --message - reads it from standard input. Needs the employee role.`,
		Example: `  ticketctl tickets notify 65f0c0ffee0123456789abcd --channel ops-hook
  ticketctl tickets notify 65f0c0ffee0123456789abcd --channel support-mail --to billing@example.com --message "Customer called twice"
  ticketctl tickets notify 65f0c0ffee0123456789abcd --channel team-slack -o json --jq .status`,
		Args: cmdutil.ExactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			o.Ticket = args[0]
			return ticketsNotifyRun(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.Channel, "channel", "", "`NAME` of the channel to send through (see ticketctl notify channels)")
	cmd.Flags().StringArrayVar(&o.To, "to", nil, "recipient address for smtp channels (repeat or comma-separate)")
	cmd.Flags().StringVar(&o.Message, "message", "", "text to add to the notification (- reads standard input)")
	_ = cmd.RegisterFlagCompletionFunc("channel", completeChannels(f))
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func ticketsNotifyRun(ctx context.Context, f *cmdutil.Factory, o *TicketsNotifyOptions) error {
	id, err := cmdutil.ParseID("ticket", o.Ticket)
	if err != nil {
		return err
	}
	chans, err := loadChannels(f)
	if err != nil {
		return err
	}
	if strings.TrimSpace(o.Channel) == "" {
		hint := "no channels are configured: add notify.channels.<name> to the config file (see docs/notifications.md)"
		if names := chans.names(); len(names) > 0 {
			hint = "configured channels: " + strings.Join(names, ", ")
		}
		return fault.WithHint(fault.Invalid("--channel is required"), hint)
	}
	if err := chans.check(o.Channel); err != nil {
		return err
	}
	if o.Message == "-" {
		b, err := io.ReadAll(io.LimitReader(f.IO.In, 64<<10))
		if err != nil {
			return fmt.Errorf("read --message from standard input: %w", err)
		}
		o.Message = string(b)
	}
	p, err := f.Require(ctx, store.RoleEmployee)
	if err != nil {
		return err
	}
	ob, err := newOutbox(ctx, f, chans, p)
	if err != nil {
		return err
	}
	a, err := ob.Notify(ctx, notifysvc.Request{Ticket: id, Channel: o.Channel, To: o.To, Note: o.Message})
	if a.Notification.ID.IsZero() {
		return err // nothing was written
	}
	if perr := render.One(f.Printer(o.Output), notificationSpec, a.Notification); perr != nil && err == nil {
		err = perr
	}
	if err != nil {
		return err
	}
	return sendFailure(a)
}

// sendFailure turns a failed delivery into the command's error: exit 1
// with the channel's error (130 if it was an interruption), and a hint
// saying what happens next.
func sendFailure(a notifysvc.Attempt) error {
	if a.Err == nil {
		return nil
	}
	n := a.Notification
	var hint string
	switch a.Result {
	case notifysvc.ResultPending:
		hint = fmt.Sprintf("notification %s stays pending; `ticketctl notify retry` sends it again from %s",
			n.ID.Hex(), n.NextAttemptAt.UTC().Format(time.RFC3339))
	case notifysvc.ResultFailed:
		hint = fmt.Sprintf("notification %s is marked failed and will not be retried; fix the cause and notify again", n.ID.Hex())
	default:
		hint = "see `ticketctl notify list --ticket " + n.Ticket.Hex() + "`"
	}
	// The channel's error is exit 1 whatever its chain says (a channel
	// that stopped building is a config error underneath, but this
	// notification was accepted): keep only an interruption.
	err := fmt.Errorf("notify ticket %s via %s: %s", n.Ticket.Hex(), n.Channel, a.Err.Error())
	if errors.Is(a.Err, context.Canceled) {
		err = errors.Join(context.Canceled, err)
	}
	return fault.WithHint(err, hint)
}

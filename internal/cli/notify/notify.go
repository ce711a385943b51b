// Package notify implements `ticketctl notify` (list, retry, channels,
// test) and `ticketctl tickets notify` (NewCmdTicketsNotify, wired under
// `tickets` by that command's package). The outbox itself lives in
// internal/notify.
package notify

import (
	"context"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	notifysvc "github.com/ticketctl/ticketctl/internal/notify"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// NewCmd returns `ticketctl notify` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "Inspect and retry ticket notifications (email, webhooks, Slack)",
		Long: `Notifications about tickets go out through channels configured under
notify.channels.<name> in the config file: smtp (email), webhook (signed JSON)
and slack (incoming webhook).

` + "`ticketctl tickets notify`" + ` writes each notification to the notifications outbox
first and then sends it; one that fails stays pending, and ` + "`ticketctl notify retry`" + `
(run it from cron) sends it again with exponential backoff until
notify.max-attempts (default 10) is reached.

See docs/notifications.md for the configuration keys and delivery guarantees.`,
		Example: `  ticketctl notify channels
  ticketctl notify test ops-hook
  ticketctl notify list --status pending
  ticketctl notify retry -o json`,
	}
	cmd.AddCommand(newCmdList(f), newCmdRetry(f), newCmdChannels(f), newCmdTest(f))
	return cmd
}

// newOutbox opens the store and builds the outbox acting as p.
func newOutbox(ctx context.Context, f *cmdutil.Factory, chans *channels, p auth.Principal) (*notifysvc.Outbox, error) {
	st, err := f.Store(ctx)
	if err != nil {
		return nil, err
	}
	maxN, err := maxAttempts(f)
	if err != nil {
		return nil, err
	}
	return notifysvc.NewOutbox(st, chans.reg, notifysvc.OutboxOptions{
		Now: f.Now, MaxAttempts: maxN, Actor: p.Username,
	}), nil
}

// notificationSpec is how a notification looks in a table.
var notificationSpec = render.Spec[store.Notification]{
	Headers: []string{"ID", "TICKET", "CHANNEL", "STATUS", "ATTEMPTS", "NEXT ATTEMPT", "CREATED", "LAST ERROR"},
	Row: func(n store.Notification, f render.Formatter) []string {
		next := ""
		if n.Status == store.NotifyPending {
			next = f.Time(n.NextAttemptAt)
		}
		return []string{n.ID.Hex(), n.Ticket.Hex(), n.Channel, n.Status, strconv.Itoa(n.Attempts),
			next, f.Time(n.CreatedAt), f.Truncate(n.LastError, 60)}
	},
	ID: func(n store.Notification) string { return n.ID.Hex() },
}

// completeChannels offers the configured channel names.
func completeChannels(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		chans, err := loadChannels(f)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return chans.names(), cobra.ShellCompDirectiveNoFileComp
	}
}

// Outbox is the notification outbox for other commands (distribute's FAQ
// resolution tells the requester the answer), acting as actor, with the
// type of channel (smtp, webhook, slack). It fails when the channel is not
// configured or misconfigured.
func Outbox(ctx context.Context, f *cmdutil.Factory, channel string, actor auth.Principal) (*notifysvc.Outbox, string, error) {
	chans, err := loadChannels(f)
	if err != nil {
		return nil, "", err
	}
	name := strings.ToLower(strings.TrimSpace(channel))
	if err := chans.check(name); err != nil {
		return nil, "", err
	}
	cc, ok := chans.cfgs[name]
	if !ok {
		return nil, "", fault.Invalid("notification channel %q is not configured (notify.channels.%s)", channel, name)
	}
	ob, err := newOutbox(ctx, f, chans, actor)
	return ob, cc.Type, err
}

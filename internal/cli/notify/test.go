package notify

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/store"
)

// TestOptions of `notify test`.
type TestOptions struct {
	Channel string
	To      []string
	Message string
}

func newCmdTest(f *cmdutil.Factory) *cobra.Command {
	o := &TestOptions{}
	cmd := &cobra.Command{
		Use:   "test CHANNEL",
		Short: "Send a test message through a channel",
		Long: `Send a made-up ticket notification through CHANNEL right away, to check its
configuration, credentials and network path. It does not use the outbox and
writes nothing to the database. smtp channels send to --to, or to the
channel's own ` + "`to`" + ` setting. Needs the employee role.

Exits 1 with the channel's error when the message is not accepted, 2 when the
channel is unknown or misconfigured.`,
		Example: `  ticketctl notify test ops-hook
  ticketctl notify test support-mail --to me@example.com`,
		Args:              cmdutil.ExactArgs(1, "CHANNEL"),
		ValidArgsFunction: completeChannels(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Channel = args[0]
			return testRun(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringArrayVar(&o.To, "to", nil, "recipient address for smtp channels (repeat or comma-separate)")
	cmd.Flags().StringVar(&o.Message, "message", "", "text of the test message")
	return cmd
}

func testRun(ctx context.Context, f *cmdutil.Factory, o *TestOptions) error {
	chans, err := loadChannels(f)
	if err != nil {
		return err
	}
	if err := chans.check(o.Channel); err != nil {
		return err
	}
	if _, err := chans.reg.Config(o.Channel); err != nil {
		return err
	}
	if _, err := f.Require(ctx, store.RoleEmployee); err != nil {
		return err
	}
	ch, err := chans.reg.SendTest(ctx, o.Channel, o.To, o.Message)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "sent a test notification through %s (%s)\n", ch.Name(), ch.Type())
	return nil
}

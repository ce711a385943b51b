package notify

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	notifysvc "github.com/ticketctl/ticketctl/internal/notify"
	"github.com/ticketctl/ticketctl/internal/render"
)

var channelSpec = render.Spec[notifysvc.ChannelInfo]{
	Headers: []string{"NAME", "TYPE", "DESTINATION", "SECRET", "STATUS"},
	Row: func(c notifysvc.ChannelInfo, f render.Formatter) []string {
		secret := ""
		if c.SecretEnv != "" {
			secret = "$" + c.SecretEnv + " (not set)"
			if c.SecretSet {
				secret = "$" + c.SecretEnv + " (set)"
			}
		}
		status := "ok"
		if !c.OK {
			status = f.Truncate(c.Error, 100)
		}
		return []string{c.Name, c.Type, c.Destination, secret, status}
	},
	ID: func(c notifysvc.ChannelInfo) string { return c.Name },
}

func newCmdChannels(f *cmdutil.Factory) *cobra.Command {
	var out render.Options
	cmd := &cobra.Command{
		Use:   "channels",
		Short: "List the configured channels, secrets redacted",
		Long: `List the channels configured under notify.channels.<name>, checking each: its
settings, whether the environment variable named by password_env or
secret_env is set (never its value), and any configuration error. Webhook URLs
are shown with credentials and query values redacted, Slack URLs down to the
host (their path is the secret). Reads only the configuration and the
environment; it needs no database.

Exits 2 when a channel is misconfigured (after listing them all).`,
		Example: `  ticketctl notify channels
  ticketctl notify channels -o json --jq '.[] | select(.ok | not)'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			chans, err := loadChannels(f)
			if err != nil {
				return err
			}
			var infos []notifysvc.ChannelInfo
			bad := 0
			for _, name := range chans.names() {
				var info notifysvc.ChannelInfo
				if err := chans.check(name); err != nil {
					info = notifysvc.Describe(name, chans.lenient[name], f.Getenv)
					info.Settings, info.OK, info.Error = nil, false, err.Error()
				} else {
					info = notifysvc.Describe(name, chans.cfgs[name], f.Getenv)
				}
				if !info.OK {
					bad++
				}
				infos = append(infos, info)
			}
			if len(infos) == 0 && out.Format == render.FormatTable {
				fmt.Fprintln(f.IO.ErrOut, "no notification channels configured: add notify.channels.<name> to the config file (see docs/notifications.md)")
				return nil
			}
			if err := render.List(f.Printer(out), channelSpec, render.Slice(infos)); err != nil {
				return err
			}
			if bad > 0 {
				return fault.WithHint(fault.Invalid("%d of %d notification channels are misconfigured", bad, len(infos)),
					"fix them in the config file or the environment; `ticketctl notify channels -o json` shows every error")
			}
			return nil
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

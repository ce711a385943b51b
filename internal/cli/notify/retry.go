package notify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	notifysvc "github.com/ticketctl/ticketctl/internal/notify"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// DefaultRetryMax bounds one `notify retry` run, so a cron run over a big
// backlog ends in reasonable time; the next run continues.
const DefaultRetryMax = 100

// RetryOptions of `notify retry`.
type RetryOptions struct {
	Max    int
	DryRun bool
	Output render.Options
}

// RetryResult is one attempt in the output of `notify retry`.
type RetryResult struct {
	ID            string     `json:"_id"`
	Ticket        string     `json:"ticket"`
	Channel       string     `json:"channel"`
	Attempt       int        `json:"attempt"`
	Result        string     `json:"result"` // sent, pending, failed or lost
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	Error         string     `json:"error,omitempty"`
}

// RetryReport is the JSON object `notify retry -o json` prints.
type RetryReport struct {
	notifysvc.RetrySummary
	Results []RetryResult `json:"results"`
}

var retrySpec = render.Spec[RetryResult]{
	Headers: []string{"ID", "TICKET", "CHANNEL", "ATTEMPT", "RESULT", "NEXT ATTEMPT", "ERROR"},
	Row: func(r RetryResult, f render.Formatter) []string {
		next := ""
		if r.NextAttemptAt != nil {
			next = f.Time(*r.NextAttemptAt)
		}
		return []string{r.ID, r.Ticket, r.Channel, strconv.Itoa(r.Attempt), r.Result, next, f.Truncate(r.Error, 80)}
	},
	ID: func(r RetryResult) string { return r.ID },
}

func newCmdRetry(f *cmdutil.Factory) *cobra.Command {
	o := &RetryOptions{}
	cmd := &cobra.Command{
		Use:   "retry",
		Short: "Send the pending notifications that are due (run it from cron)",
		Long: `Claim the pending notifications whose next attempt is due, one at a time, and
send each again. A claim is a conditional update plus a unique per-attempt
record, so two retry runs at the same time (overlapping cron jobs, two hosts)
never send the same attempt twice. A notification whose sender died while
sending is due again when its lease (5 minutes) ends.

A failed attempt is rescheduled with exponential backoff (30s, 1m, 2m, … up to
1h, or the server's Retry-After when longer); after a permanent error (an HTTP
4xx other than 408/429, an SMTP 5xx) or notify.max-attempts attempts (default
10) it is marked failed.

Exit status: 0 when every attempted notification was delivered (or none was
due); 7 when some were delivered and some not (rescheduled, failed or lost);
1 when none of the attempted ones was delivered; 6 when the database is
unreachable. The JSON output (-o json) says what happened to each.
Needs the employee role (set TICKETCTL_TOKEN for cron).`,
		Example: `  ticketctl notify retry
  ticketctl notify retry --max 20 -o json
  ticketctl notify retry --dry-run

  # crontab: every 2 minutes, summary as JSON in a log
  */2 * * * * TICKETCTL_TOKEN=... ticketctl notify retry -o json >>/var/log/ticketctl-notify.log`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			if o.Max < 0 {
				return fault.Invalid("--max %d: want 0 (no limit) or more", o.Max)
			}
			return retryRun(cmd.Context(), f, o)
		},
	}
	cmd.Flags().IntVar(&o.Max, "max", DefaultRetryMax, "attempt at most this many notifications in this run (0: every due one)")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "list the notifications that are due without sending anything")
	cmdutil.AddOutputFlags(cmd, &o.Output)
	return cmd
}

func retryRun(ctx context.Context, f *cmdutil.Factory, o *RetryOptions) error {
	p, err := f.Require(ctx, store.RoleEmployee)
	if err != nil {
		return err
	}
	if o.DryRun {
		st, err := f.Store(ctx)
		if err != nil {
			return err
		}
		return render.List(f.Printer(o.Output), notificationSpec,
			st.Notifications(ctx, store.NotificationFilter{DueBy: f.Now().UTC()}, int64(o.Max)))
	}
	chans, err := loadChannels(f)
	if err != nil {
		return err
	}
	ob, err := newOutbox(ctx, f, chans, p)
	if err != nil {
		return err
	}
	sum, runErr := ob.Retry(ctx, notifysvc.RetryOptions{Max: o.Max}, nil)
	rep := RetryReport{RetrySummary: sum, Results: make([]RetryResult, 0, len(sum.Attempts))}
	for _, a := range sum.Attempts {
		rep.Results = append(rep.Results, toRetryResult(a))
	}
	if err := printRetry(f, o.Output, rep); err != nil {
		return errors.Join(runErr, err)
	}
	if runErr != nil {
		return runErr
	}
	return retryExit(sum)
}

func toRetryResult(a notifysvc.Attempt) RetryResult {
	n := a.Notification
	r := RetryResult{ID: n.ID.Hex(), Ticket: n.Ticket.Hex(), Channel: n.Channel, Attempt: a.Attempt, Result: a.Result}
	if a.Result == notifysvc.ResultPending {
		t := n.NextAttemptAt
		r.NextAttemptAt = &t
	}
	if a.Err != nil {
		r.Error = a.Err.Error()
	}
	return r
}

func printRetry(f *cmdutil.Factory, o render.Options, rep RetryReport) error {
	p := f.Printer(o)
	if o.Format == render.FormatJSON {
		return render.One(p, render.Spec[RetryReport]{}, rep)
	}
	return render.List(p, retrySpec, render.Slice(rep.Results))
}

// retryExit: 0 all delivered (or nothing due), 7 some delivered, 1 none.
func retryExit(s notifysvc.RetrySummary) error {
	notSent := s.Attempted - s.Sent
	if notSent == 0 {
		return nil
	}
	msg := fmt.Sprintf("notify retry: %d of %d notifications not delivered (%d rescheduled, %d failed, %d lost)",
		notSent, s.Attempted, s.Pending, s.Failed, s.Lost)
	hint := "see `ticketctl notify list --status pending` and `--status failed` for the errors"
	if s.Sent > 0 {
		return fault.WithHint(fault.New(fault.ErrPartial, "%s", msg), hint)
	}
	return fault.WithHint(errors.New(msg), hint)
}

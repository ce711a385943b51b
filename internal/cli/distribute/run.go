package distribute

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	notifycmd "github.com/ticketctl/ticketctl/internal/cli/notify"
	"github.com/ticketctl/ticketctl/internal/distribute"
	"github.com/ticketctl/ticketctl/internal/faqs"
	"github.com/ticketctl/ticketctl/internal/fault"
	notifysvc "github.com/ticketctl/ticketctl/internal/notify"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// runFlags are the flags every mutating distribute command shares.
type runFlags struct {
	DryRun    bool
	BatchSize int
	Note      string
	Yes       bool
}

// batchSize is the flag, else config distribute.batch-size, else what the
// server kind does best (store capabilities).
func batchSize(f *cmdutil.Factory, st *store.Store, flag int) (int, error) {
	if flag > 0 {
		return flag, nil
	}
	if flag < 0 {
		return 0, fault.Invalid("--batch-size must be positive")
	}
	cfg, err := f.Config()
	if err != nil {
		return 0, err
	}
	if v, ok := cfg.Get("distribute.batch-size"); ok {
		n, err := strconv.Atoi(toString(v))
		if err != nil || n <= 0 {
			return 0, fault.Invalid("config distribute.batch-size %v: want a positive number", v)
		}
		return n, nil
	}
	return st.Capabilities().MaxBatch, nil
}

func toString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case int:
		return strconv.Itoa(t)
	}
	return ""
}

// newRunner builds a runner acting as p, with a progress bar on stderr
// when it is a terminal (total < 0: unknown).
// With -o json the summary holds every item; with -o ndjson items stream
// one per line as they are decided and the summary comes last.
func newRunner(f *cmdutil.Factory, st *store.Store, p auth.Principal, rf runFlags, total int64, out render.Options) (*distribute.Runner, func(), error) {
	n, err := batchSize(f, st, rf.BatchSize)
	if err != nil {
		return nil, nil, err
	}
	t, err := f.Target()
	if err != nil {
		return nil, nil, err
	}
	r := &distribute.Runner{
		Store: st, Actor: p.Username, Note: rf.Note, Now: f.Now, BatchSize: n, DryRun: rf.DryRun,
		KeepItems: out.Format == render.FormatJSON, OpTimeout: 6 * t.Timeout,
	}
	if out.Format == render.FormatNDJSON {
		pr := f.Printer(out)
		r.OnItem = func(it distribute.Item) { _ = render.One(pr, itemSpec, it) }
	}
	// Entries the faq strategy planned are resolved with their FAQ.
	res := &faqs.Resolver{St: st, Actor: p.Username, Now: f.Now}
	if ch, err := faqNotifyChannel(f); err != nil {
		return nil, nil, err
	} else if ch != "" {
		res.Notify = requesterNotifier(f, st, p, ch)
	}
	r.Resolve = res.Resolve
	done := func() {}
	if f.IO.IsStderrTTY() && f.Getenv("TICKETCTL_NO_PROGRESS") == "" && total != 0 {
		bar := progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(f.IO.ErrOut),
			progressbar.OptionSetDescription("distributing"),
			progressbar.OptionShowCount(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		r.Progress = func(k int) { _ = bar.Add(k) }
		done = func() { _ = bar.Finish() }
	}
	return r, done, nil
}

// loadEnv reads servers, teams, load and rules for planning.
func loadEnv(ctx context.Context, f *cmdutil.Factory, st *store.Store) (*distribute.Env, error) {
	ctx, cancel := f.OpContext(ctx)
	defer cancel()
	return distribute.LoadEnv(ctx, st)
}

// faqNotifyChannel is the channel that tells requesters the FAQ answer
// that resolved their ticket (config triage.faq-notify-channel; empty:
// nobody is told).
func faqNotifyChannel(f *cmdutil.Factory) (string, error) {
	cfg, err := f.Config()
	if err != nil {
		return "", err
	}
	v, _ := cfg.Get("triage.faq-notify-channel")
	return strings.TrimSpace(toString(v)), nil
}

// requesterNotifier sends the FAQ's answer to the ticket's requester
// through the notification outbox: written first, then sent, retried by
// `notify retry` if the channel fails. Tickets without a requester (or, for
// email, without an address) are resolved silently.
func requesterNotifier(f *cmdutil.Factory, st *store.Store, p auth.Principal, channel string) func(context.Context, store.Ticket, store.FAQ) error {
	var ob *notifysvc.Outbox
	var kind string
	return func(ctx context.Context, t store.Ticket, faq store.FAQ) error {
		if t.Requester == nil {
			return nil
		}
		acc, err := st.GetAccount(ctx, *t.Requester)
		if err != nil {
			return nil // a deleted requester: nobody to tell
		}
		if ob == nil {
			if ob, kind, err = notifycmd.Outbox(ctx, f, channel, p); err != nil {
				return err
			}
		}
		req := notifysvc.Request{Ticket: t.ID, Channel: channel, Note: "Your ticket was answered by our FAQ:\n\n" + faq.Answer}
		if kind == notifysvc.TypeSMTP {
			if acc.Email == "" {
				return nil // no address to write to
			}
			req.To = []string{acc.Email} // webhooks and Slack have their own destination
		}
		a, err := ob.Notify(ctx, req)
		if err != nil {
			return err
		}
		if a.Result == notifysvc.ResultFailed {
			return a.Err
		}
		return nil // sent, or pending: `notify retry` delivers it
	}
}

var itemSpec = render.Spec[distribute.Item]{
	Headers: []string{"TICKET", "RESULT", "REASON"},
	Row: func(it distribute.Item, _ render.Formatter) []string {
		return []string{it.Ticket.Hex(), it.Result, it.Reason}
	},
	ID: func(it distribute.Item) string { return it.Ticket.Hex() },
}

package distribute

import (
	"context"
	"strconv"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/distribute"
	"github.com/ticketctl/ticketctl/internal/faqs"
	"github.com/ticketctl/ticketctl/internal/fault"
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
func newRunner(f *cmdutil.Factory, st *store.Store, p auth.Principal, rf runFlags, total int64, keepItems bool) (*distribute.Runner, func(), error) {
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
		KeepItems: keepItems, OpTimeout: 6 * t.Timeout,
	}
	// Entries the faq strategy planned are resolved with their FAQ.
	r.Resolve = (&faqs.Resolver{St: st, Actor: p.Username, Now: f.Now}).Resolve
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

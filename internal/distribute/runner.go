package distribute

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
)

// Runner applies entries in batches. Memory holds one batch at a time,
// however many tickets flow through.
type Runner struct {
	Store     *store.Store
	Actor     string
	Note      string
	Now       func() time.Time
	BatchSize int
	DryRun    bool
	// KeepItems records every item in the summary (for -o json).
	KeepItems bool
	// OnItem, when set, is told every item as it is decided (-o ndjson
	// streams them), without keeping them.
	OnItem func(Item)
	// Progress, when set, is told how many entries each batch finished.
	Progress func(n int)
	// Resolve closes a ticket that an FAQ answers (action "resolve"); the
	// triage package provides it. Without it, resolve entries are left.
	Resolve func(ctx context.Context, e Entry) error
	// OpTimeout bounds each batch's database work.
	OpTimeout time.Duration

	run   string
	dests map[dest]string // checked destinations: "" when valid, else why not
}

type dest struct {
	server, team bson.ObjectID
}

// checkDest says why a destination cannot take tickets ("" when it can):
// a plan applied later may name a server or team deleted since, or a team
// that left the server. Each destination is read once per batch.
func (r *Runner) checkDest(ctx context.Context, server bson.ObjectID, team *bson.ObjectID) (string, error) {
	d := dest{server: server}
	if team != nil {
		d.team = *team
	}
	if why, ok := r.dests[d]; ok {
		return why, nil
	}
	if r.dests == nil {
		r.dests = map[dest]string{}
	}
	why := ""
	sv, err := r.Store.GetServer(ctx, server)
	switch {
	case errors.Is(err, store.ErrNotFound):
		why = "destination server " + server.Hex() + " no longer exists"
	case err != nil:
		return "", err
	case team != nil && !slices.Contains(sv.Teams, *team):
		why = "team " + team.Hex() + " is not a team of server " + sv.Name
	}
	r.dests[d] = why
	return why, nil
}

// RecoverLease is how old a move intent must be before a run treats its
// writer as dead and finishes it.
var RecoverLease = 2 * time.Minute

// NewRunID returns a run identifier unique across processes.
func NewRunID() string { return bson.NewObjectID().Hex() }

// Run applies every entry of seq and returns the summary. It stops after
// the current batch when ctx is cancelled (the summary says Interrupted and
// the error is ctx's), and on a database failure (the summary says how far
// it got).
func (r *Runner) Run(ctx context.Context, seq iter.Seq2[Entry, error]) (*Summary, error) {
	start := time.Now()
	if r.run == "" {
		r.run = NewRunID()
	}
	if r.BatchSize <= 0 {
		r.BatchSize = r.Store.Capabilities().MaxBatch
	}
	if r.OpTimeout <= 0 {
		r.OpTimeout = time.Minute
	}
	sum := newSummary(r.run, r.DryRun, r.KeepItems, r.OnItem)
	finish := func(err error) (*Summary, error) {
		sum.Duration = time.Since(start)
		sum.DurationMS = sum.Duration.Milliseconds()
		if err != nil {
			if errors.Is(err, context.Canceled) {
				sum.Interrupted = true
			} else {
				sum.Error = err.Error()
			}
		}
		return sum, err
	}
	if !r.DryRun {
		n, err := r.recover(ctx)
		sum.Recovered = n
		if err != nil {
			return finish(err)
		}
	}
	batch := make([]Entry, 0, r.BatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		// A batch in flight finishes even after Ctrl-C: stopping between
		// the move and its event would only leave work for the next run.
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.OpTimeout)
		defer cancel()
		err := r.applyBatch(bctx, batch, sum)
		if r.Progress != nil {
			r.Progress(len(batch))
		}
		batch = batch[:0]
		return err
	}
	for e, err := range seq {
		if err != nil {
			if ferr := flush(); ferr != nil {
				return finish(ferr)
			}
			return finish(err)
		}
		batch = append(batch, e)
		if len(batch) >= r.BatchSize {
			if err := flush(); err != nil {
				return finish(err)
			}
			if ctx.Err() != nil {
				return finish(ctx.Err())
			}
		}
	}
	if err := flush(); err != nil {
		return finish(err)
	}
	return finish(ctx.Err())
}

func (r *Runner) recover(ctx context.Context) (int, error) {
	c, cancel := context.WithTimeout(ctx, r.OpTimeout)
	defer cancel()
	return r.Store.RecoverIntents(c, r.Now(), RecoverLease)
}

func (r *Runner) applyBatch(ctx context.Context, batch []Entry, sum *Summary) error {
	var moves []store.Move
	// Destinations are checked again for every batch: one deleted while a
	// long run goes on stops receiving tickets from the next batch.
	clear(r.dests)
	seen := make(map[bson.ObjectID]bool, len(batch))
	for _, e := range batch {
		if seen[e.Ticket] {
			sum.add(Item{Ticket: e.Ticket, Result: ResultSkipped, Reason: "duplicate entry"})
			continue
		}
		seen[e.Ticket] = true
		switch e.Action {
		case ActionLeave:
			sum.add(Item{Ticket: e.Ticket, Result: ResultLeft, Reason: lastReason(e)})
		case ActionSkip:
			sum.add(Item{Ticket: e.Ticket, Result: ResultSkipped, Reason: lastReason(e)})
		case ActionResolve:
			if r.DryRun {
				sum.add(Item{Ticket: e.Ticket, Result: ResultPlanned, Reason: "resolve with FAQ"})
				continue
			}
			if r.Resolve == nil {
				sum.add(Item{Ticket: e.Ticket, Result: ResultLeft, Reason: "FAQ resolution is not available"})
				continue
			}
			err := r.Resolve(ctx, e)
			switch {
			case err == nil:
				sum.add(Item{Ticket: e.Ticket, Result: ResultResolved})
			case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound):
				sum.add(Item{Ticket: e.Ticket, Result: ResultSkipped, Reason: "changed since planned"})
			case errors.Is(err, store.ErrUnavailable):
				return err
			default:
				sum.add(Item{Ticket: e.Ticket, Result: ResultFailed, Reason: err.Error()})
			}
		case ActionMove:
			if e.To == nil {
				sum.add(Item{Ticket: e.Ticket, Result: ResultFailed, Reason: "plan entry has no destination"})
				continue
			}
			if why, err := r.checkDest(ctx, *e.To, e.Team); err != nil {
				return err
			} else if why != "" {
				sum.add(Item{Ticket: e.Ticket, Result: ResultFailed, Reason: why})
				continue
			}
			if r.DryRun {
				sum.add(Item{Ticket: e.Ticket, Result: ResultPlanned, To: e.To.Hex()})
				continue
			}
			moves = append(moves, store.Move{Ticket: e.Ticket, From: e.From, Version: e.ExpectedVersion, To: *e.To,
				Team: e.Team, Strategy: e.Strategy})
		default:
			sum.add(Item{Ticket: e.Ticket, Result: ResultFailed, Reason: fmt.Sprintf("unknown action %q", e.Action)})
		}
	}
	if len(moves) == 0 {
		return nil
	}
	res, err := r.Store.ApplyMoves(ctx, r.run, r.Actor, r.Note, moves, r.Now())
	for _, id := range res.Moved {
		sum.add(Item{Ticket: id, Result: ResultMoved, To: destOf(moves, id)})
	}
	if err != nil {
		return err
	}
	if len(res.Stale) == 0 {
		return nil
	}
	reasons, err := r.staleReasons(ctx, moves, res.Stale)
	if err != nil {
		return err
	}
	for _, id := range res.Stale {
		sum.add(Item{Ticket: id, Result: ResultSkipped, Reason: reasons[id]})
	}
	return nil
}

// staleReasons explains, per ticket, why a planned move did not happen.
func (r *Runner) staleReasons(ctx context.Context, moves []store.Move, stale []bson.ObjectID) (map[bson.ObjectID]string, error) {
	want := map[bson.ObjectID]store.Move{}
	for _, m := range moves {
		want[m.Ticket] = m
	}
	out := map[bson.ObjectID]string{}
	for _, id := range stale {
		out[id] = "deleted since planned"
	}
	page, err := r.Store.TicketPage(ctx, store.TicketFilter{IDs: stale}, bson.ObjectID{}, len(stale))
	if err != nil {
		return nil, err
	}
	for _, t := range page {
		m := want[t.ID]
		switch {
		case t.Server != m.From:
			out[t.ID] = "no longer on the source server"
		default:
			out[t.ID] = "changed since planned"
		}
	}
	return out, nil
}

func destOf(moves []store.Move, id bson.ObjectID) string {
	for _, m := range moves {
		if m.Ticket == id {
			return m.To.Hex()
		}
	}
	return ""
}

func lastReason(e Entry) string {
	if len(e.Reasons) > 0 {
		return e.Reasons[len(e.Reasons)-1]
	}
	return "no strategy decided"
}

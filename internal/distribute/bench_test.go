package distribute_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	"github.com/ticketctl/ticketctl/internal/distribute"
	"github.com/ticketctl/ticketctl/internal/store"
)

// EnvBenchURI names the server the distribution benchmark runs on. The
// embedded SQLite handler makes every update a full scan, which says
// nothing about MongoDB, so the benchmark needs a real server or FerretDB's
// PostgreSQL handler (make bench starts one).
const EnvBenchURI = "TICKETCTL_BENCH_MONGODB_URI"

// counter counts commands sent to the server (round trips) and the
// server time spent per command name.
type counter struct {
	n  atomic.Int64
	mu sync.Mutex
	by map[string]time.Duration
}

func (c *counter) monitor() *event.CommandMonitor {
	add := func(name string, d time.Duration) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.by == nil {
			c.by = map[string]time.Duration{}
		}
		c.by[name] += d
	}
	return &event.CommandMonitor{
		Started:   func(context.Context, *event.CommandStartedEvent) { c.n.Add(1) },
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) { add(e.CommandName, e.Duration) },
		Failed:    func(_ context.Context, e *event.CommandFailedEvent) { add(e.CommandName, e.Duration) },
	}
}

func (c *counter) breakdown() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var parts []string
	for k, v := range c.by {
		parts = append(parts, fmt.Sprintf("%s=%s", k, v.Round(time.Millisecond)))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// peakHeap samples the heap while fn runs and returns the peak growth.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak {
					peak = m.HeapAlloc
				}
			}
		}
	}()
	fn()
	close(done)
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > peak {
		peak = ms.HeapAlloc
	}
	if peak < base {
		return 0
	}
	return peak - base
}

func benchStore(b *testing.B, db string, c *counter) *store.Store {
	b.Helper()
	uri := os.Getenv(EnvBenchURI)
	if uri == "" {
		b.Skipf("set %s (make bench starts FerretDB on PostgreSQL)", EnvBenchURI)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URI: uri, Database: db, Timeout: time.Minute, Monitor: c.monitor()})
	if err != nil {
		b.Fatal(err)
	}
	_ = st.Drop(ctx)
	if err := st.EnsureIndexes(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Drop(ctx); _ = st.Close(ctx) })
	return st
}

// seed puts n tickets on a central server and returns the destination.
func seed(b *testing.B, st *store.Store, n int) (central, dest store.Server, team store.Team) {
	b.Helper()
	ctx := context.Background()
	central, _, err := st.EnsureCentralServer(ctx, "central", "r")
	if err != nil {
		b.Fatal(err)
	}
	team = store.Team{Name: "billing", Company: "acme", Category: "billing", Members: []bson.ObjectID{bson.NewObjectID()}}
	if err := st.InsertTeam(ctx, &team); err != nil {
		b.Fatal(err)
	}
	dest = store.Server{Name: "detroit", Region: "r2", Teams: []bson.ObjectID{team.ID}}
	if err := st.InsertServer(ctx, &dest); err != nil {
		b.Fatal(err)
	}
	batch := make([]store.Ticket, 0, 1000)
	for i := 0; i < n; i++ {
		batch = append(batch, store.Ticket{Title: "t " + strconv.Itoa(i), Description: "d", Tags: []string{"billing"},
			Status: store.StatusNotStarted, Server: central.ID})
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := st.InsertTickets(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return central, dest, team
}

// BenchmarkDistribute10k moves 10,000 tickets three ways on one server and
// reports wall time, round trips per ticket and peak heap growth:
// ticketctl's batched conditional moves (at several batch sizes), one
// plain updateMany (no per-ticket check, no events: the floor), and a
// naive loop of one conditional update plus one event insert per ticket.
func BenchmarkDistribute10k(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("TICKETCTL_BENCH_TICKETS")); err == nil && v > 0 {
		n = v
	}
	report := func(b *testing.B, c *counter, start int64, d time.Duration, heap uint64) {
		b.ReportMetric(float64(d.Milliseconds()), "ms/run")
		b.ReportMetric(float64(c.n.Load()-start)/float64(n), "roundtrips/ticket")
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(0, "ns/op")
		b.Logf("server time by command (incl. seeding): %s", c.breakdown())
	}
	for _, size := range []int{100, 500, 1000} {
		b.Run(fmt.Sprintf("ticketctl/batch=%d", size), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c := &counter{}
				st := benchStore(b, "bench_distribute", c)
				central, dest, team := seed(b, st, n)
				ctx := context.Background()
				r := &distribute.Runner{Store: st, Actor: "bench", Now: time.Now, BatchSize: size}
				to := distribute.Target{Server: dest.ID, Team: &team.ID, Name: dest.Name}
				start := c.n.Load()
				var sum *distribute.Summary
				t0 := time.Now()
				heap := peakHeap(func() {
					var err error
					sum, err = r.Run(ctx, distribute.FilterSource(ctx, st, store.TicketFilter{Server: &central.ID}, to, st.Capabilities().ReadPage))
					if err != nil {
						b.Fatal(err)
					}
				})
				d := time.Since(t0)
				if sum.Moved != n {
					b.Fatalf("moved %d of %d", sum.Moved, n)
				}
				report(b, c, start, d, heap)
			}
		})
	}
	b.Run("updateMany", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			c := &counter{}
			st := benchStore(b, "bench_distribute", c)
			central, dest, _ := seed(b, st, n)
			start := c.n.Load()
			t0 := time.Now()
			heap := peakHeap(func() {
				if err := benchUpdateMany(st, central.ID, dest.ID); err != nil {
					b.Fatal(err)
				}
			})
			report(b, c, start, time.Since(t0), heap)
		}
	})
	b.Run("naive-loop", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			c := &counter{}
			st := benchStore(b, "bench_distribute", c)
			central, dest, team := seed(b, st, n)
			ctx := context.Background()
			start := c.n.Load()
			t0 := time.Now()
			heap := peakHeap(func() {
				var ids []store.Ticket
				for t, err := range st.Tickets(ctx, store.TicketQuery{Filter: store.TicketFilter{Server: &central.ID}}) {
					if err != nil {
						b.Fatal(err)
					}
					ids = append(ids, t)
				}
				for _, t := range ids {
					if _, err := st.UpdateTicket(ctx, t.ID, store.Expect{Version: t.Version, Server: &central.ID},
						store.TicketUpdate{Server: &dest.ID, Team: &team.ID}, time.Now()); err != nil {
						b.Fatal(err)
					}
					id := t.ID
					if err := st.InsertEvent(ctx, &store.Event{Actor: "bench", Action: "ticket.move", Ticket: &id}); err != nil {
						b.Fatal(err)
					}
				}
			})
			report(b, c, start, time.Since(t0), heap)
		}
	})
}

// benchUpdateMany is the floor: every ticket of the source in one command.
func benchUpdateMany(st *store.Store, from, to bson.ObjectID) error {
	_, err := st.MoveAllUnchecked(context.Background(), from, to)
	return err
}

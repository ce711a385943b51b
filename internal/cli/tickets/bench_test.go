package tickets_test

// Benchmarks of `tickets list --all -o ndjson`. They run only with
// -bench; the 100,000-ticket one seeds its own database (about 7 s on the
// embedded FerretDB) or reuses one on TICKETCTL_BENCH_MONGODB_URI:
//
//	go test -run '^$' -bench ListAll -benchtime 1x -timeout 30m ./internal/cli/tickets/
//	TICKETCTL_BENCH_MONGODB_URI=mongodb://localhost:27017 go test -run '^$' -bench ListAll ./internal/cli/tickets/
//	go test -run '^$' -bench DecodeRender -benchmem ./internal/cli/tickets/

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/auth/authtest"
	"github.com/ticketctl/ticketctl/internal/cli"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	clitickets "github.com/ticketctl/ticketctl/internal/cli/tickets"
	"github.com/ticketctl/ticketctl/internal/iostreams"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/embedded"
	ticketsvc "github.com/ticketctl/ticketctl/internal/tickets"
)

// EnvBenchURI names a server to benchmark on instead of the embedded
// FerretDB; its database ticketctl_bench_list is kept between runs.
const EnvBenchURI = "TICKETCTL_BENCH_MONGODB_URI"

const benchDB = "ticketctl_bench_list"

func benchTickets() int {
	if n, err := strconv.Atoi(os.Getenv("TICKETCTL_BENCH_TICKETS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// roundTrips counts the commands the driver sends.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(context.Context, *event.CommandStartedEvent) { r.n.Add(1) }}
}

// countingWriter discards output but counts it, so buffered output does
// not distort the memory measurement.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// peakHeap samples live heap bytes every millisecond while a run lasts.
type peakHeap struct {
	stop chan struct{}
	wg   sync.WaitGroup
	base uint64
	max  atomic.Uint64
}

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func startPeak() *peakHeap {
	runtime.GC()
	p := &peakHeap{stop: make(chan struct{}), base: heapBytes()}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := heapBytes(); v > p.max.Load() {
				p.max.Store(v)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// done returns the peak live heap above the baseline, in MiB.
func (p *peakHeap) done() float64 {
	close(p.stop)
	p.wg.Wait()
	if p.max.Load() < p.base {
		return 0
	}
	return float64(p.max.Load()-p.base) / (1 << 20)
}

// envServeDir makes this test binary a FerretDB server process (see
// TestBenchServerProcess).
const envServeDir = "TICKETCTL_BENCH_SERVE_DIR"

// TestBenchServerProcess is not a test: the benchmarks start this test
// binary again with envServeDir set, to run the embedded FerretDB in a
// process of its own. In-process, the server's memory (it sorts and
// batches every document) would be counted as the client's.
func TestBenchServerProcess(t *testing.T) {
	dir := os.Getenv(envServeDir)
	if dir == "" {
		t.Skip("helper process of the benchmarks")
	}
	srv, err := embedded.Start(context.Background(), embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(srv.URI())
	_, _ = io.Copy(io.Discard, os.Stdin) // serve until the benchmark closes stdin
	_ = srv.Close()
}

// benchServer returns TICKETCTL_BENCH_MONGODB_URI, or starts an embedded
// FerretDB in a child process.
func benchServer(b *testing.B) string {
	if uri := os.Getenv(EnvBenchURI); uri != "" {
		return uri
	}
	dir := b.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServerProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envServeDir+"="+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "mongodb://") {
			go io.Copy(io.Discard, stdout)
			return line
		}
	}
	b.Fatal("the FerretDB helper process printed no URI")
	return ""
}

// benchTarget opens (and if needed seeds) the benchmark database.
func benchTarget(b *testing.B, n int) (uri string, st *store.Store) {
	b.Helper()
	uri = benchServer(b)
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URI: uri, Database: benchDB, Timeout: 30 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close(ctx) })
	have, err := st.CountTickets(ctx, store.TicketFilter{})
	if err != nil {
		b.Fatal(err)
	}
	if have == int64(n) {
		return uri, st
	}
	if err := st.Drop(ctx); err != nil {
		b.Fatal(err)
	}
	central, _, err := st.EnsureCentralServer(ctx, "central", "bench")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	batch := st.Capabilities().MaxBatch
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := ticketsvc.Statuses
	for i := 0; i < n; i += batch {
		ts := make([]store.Ticket, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			ts = append(ts, store.Ticket{
				Title:       fmt.Sprintf("Charged twice for order #%d", 10000+j),
				Description: "I paid at the Main Street restaurant on Friday and my bank shows the charge twice. Please refund the extra one. Order " + strconv.Itoa(j),
				Tags:        []string{"billing", "refund"}, Status: statuses[j%3], Server: central.ID, Priority: "P3",
				CreatedAt: base.Add(time.Duration(j) * time.Minute),
			})
		}
		if _, err := st.InsertTickets(ctx, ts); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d tickets in %s on %s", n, time.Since(start).Round(time.Millisecond), store.RedactURI(uri))
	return uri, st
}

// BenchmarkListAll100k lists every ticket as NDJSON three ways on the same
// server: a plain driver find → json.Marshal loop (the floor), ticketctl's
// list pipeline (service + cursor + renderer) with round trips counted,
// and the whole `tickets list --all -o ndjson` command in-process
// (connect, authenticate, list).
func BenchmarkListAll100k(b *testing.B) {
	n := benchTickets()
	uri, st := benchTarget(b, n)
	ctx := context.Background()

	report := func(b *testing.B, trips int64, peak float64, bytes int64, start time.Time) {
		el := time.Since(start)
		b.ReportMetric(float64(el.Nanoseconds())/float64(int64(n)*int64(b.N)), "ns/ticket")
		if trips >= 0 {
			b.ReportMetric(float64(trips)/float64(b.N), "roundtrips/op")
		}
		b.ReportMetric(peak, "peak-heap-MiB")
		b.ReportMetric(float64(bytes)/float64(b.N)/(1<<20), "out-MiB/op")
	}

	b.Run("driver-find-json", func(b *testing.B) {
		var rt roundTrips
		client, err := mongo.Connect(options.Client().ApplyURI(uri).SetMonitor(rt.monitor()))
		if err != nil {
			b.Fatal(err)
		}
		defer client.Disconnect(ctx)
		coll := client.Database(benchDB).Collection(store.CollTickets)
		if err := client.Ping(ctx, nil); err != nil {
			b.Fatal(err)
		}
		rt.n.Store(0)
		w := &countingWriter{}
		peak := startPeak()
		start := time.Now()
		for range b.N {
			// The same order ticketctl uses, so both sides sort alike.
			cur, err := coll.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
			if err != nil {
				b.Fatal(err)
			}
			got := 0
			for cur.Next(ctx) {
				var doc bson.M
				if err := cur.Decode(&doc); err != nil {
					b.Fatal(err)
				}
				line, err := json.Marshal(doc)
				if err != nil {
					b.Fatal(err)
				}
				w.Write(append(line, '\n'))
				got++
			}
			if err := cur.Err(); err != nil || got != n {
				b.Fatalf("listed %d of %d: %v", got, n, err)
			}
			cur.Close(ctx)
		}
		report(b, rt.n.Load(), peak.done(), w.n, start)
	})

	for _, batch := range []int32{0, 1000} {
		b.Run(fmt.Sprintf("ticketctl-pipeline-batch=%d", batch), func(b *testing.B) {
			old := clitickets.SetAllBatchSize(batch)
			defer clitickets.SetAllBatchSize(old)
			var rt roundTrips
			mst, err := store.Open(ctx, store.Options{URI: uri, Database: benchDB, Timeout: 30 * time.Second, Monitor: rt.monitor()})
			if err != nil {
				b.Fatal(err)
			}
			defer mst.Close(ctx)
			svc := ticketsvc.New(mst, nil)
			p := auth.Principal{Username: "bench", Role: store.RoleEmployee}
			opts := render.Options{Format: render.FormatNDJSON}
			if err := opts.Validate(); err != nil {
				b.Fatal(err)
			}
			ios, _, _, _ := iostreams.Test()
			w := &countingWriter{}
			ios.Out = w
			rt.n.Store(0)
			peak := startPeak()
			start := time.Now()
			for range b.N {
				if _, err := clitickets.StreamTickets(ctx, svc, p, store.TicketQuery{}, 0, render.New(ios, opts, nil), clitickets.TicketSpec(nil)); err != nil {
					b.Fatal(err)
				}
			}
			report(b, rt.n.Load(), peak.done(), w.n, start)
		})
	}

	b.Run("ticketctl-command", func(b *testing.B) {
		_, token := authtest.Session(b, st, fmt.Sprintf("bench%d", time.Now().UnixNano()), store.RoleEmployee, "")
		home := b.TempDir()
		env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": home + "/config", "XDG_DATA_HOME": home + "/data",
			"TICKETCTL_URI": uri, "TICKETCTL_DATABASE": benchDB, "TICKETCTL_TOKEN": token, "TICKETCTL_TIMEOUT": "60s"}
		w := &countingWriter{}
		peak := startPeak()
		start := time.Now()
		for range b.N {
			ios, _, _, errOut := iostreams.Test()
			ios.Out = w
			f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return env[k] }, Now: time.Now}
			if code := cli.Run(ctx, f, []string{"tickets", "list", "--all", "-o", "ndjson"}); code != 0 {
				b.Fatalf("exit %d: %s", code, errOut)
			}
		}
		report(b, -1, peak.done(), w.n, start)
	})
}

// BenchmarkDecodeRender is the client-side cost per ticket, without a
// server: decoding one BSON document into a Ticket (what the cursor does)
// and rendering it in each output format. One op is one ticket.
func BenchmarkDecodeRender(b *testing.B) {
	uid, sid, rid := bson.NewObjectID(), bson.NewObjectID(), bson.NewObjectID()
	raw, err := bson.Marshal(store.Ticket{ID: uid, Title: "Charged twice for order #12345",
		Description: "I paid at the Main Street restaurant on Friday and my bank shows the charge twice. Please refund the extra one.",
		Tags:        []string{"billing", "refund"}, Status: store.StatusNotStarted, Server: sid, Requester: &rid, Priority: "P3",
		CreatedAt: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC), Version: 3})
	if err != nil {
		b.Fatal(err)
	}
	decoded := func(b *testing.B) func(func(store.Ticket, error) bool) {
		return func(yield func(store.Ticket, error) bool) {
			for range b.N {
				var t store.Ticket
				if err := bson.Unmarshal(raw, &t); err != nil {
					yield(t, err)
					return
				}
				if !yield(t, nil) {
					return
				}
			}
		}
	}
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var t store.Ticket
			if err := bson.Unmarshal(raw, &t); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, format := range []string{render.FormatNDJSON, render.FormatJSON, render.FormatIDs, render.FormatTable} {
		b.Run("decode+"+format, func(b *testing.B) {
			b.ReportAllocs()
			opts := render.Options{Format: format}
			if err := opts.Validate(); err != nil {
				b.Fatal(err)
			}
			ios, _, _, _ := iostreams.Test()
			ios.Out = io.Discard
			if err := render.List(render.New(ios, opts, nil), clitickets.TicketSpec(map[bson.ObjectID]string{sid: "central"}), decoded(b)); err != nil {
				b.Fatal(err)
			}
		})
	}
}

package distribute_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/distribute"
	"github.com/ticketctl/ticketctl/internal/store"
)

func runner(w *world, actor string) *distribute.Runner {
	return &distribute.Runner{Store: w.st, Actor: actor, Now: time.Now, BatchSize: 50, KeepItems: true}
}

func idSeq(ids ...bson.ObjectID) func(func(bson.ObjectID, error) bool) {
	return func(yield func(bson.ObjectID, error) bool) {
		for _, id := range ids {
			if !yield(id, nil) {
				return
			}
		}
	}
}

func TestManualMoveIsIdempotent(t *testing.T) {
	w := newWorld(t)
	ts := w.tickets(t, 5)
	c := ctxT(t)
	to := distribute.Target{Server: w.detroit.ID, Team: &w.billing.ID, Name: "detroit"}
	missing := bson.NewObjectID()
	ids := idSeq(ts[0].ID, ts[1].ID, ts[1].ID, missing)
	sum, err := runner(w, "admin").Run(c, distribute.IDSource(c, w.st, ids, to, 10))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Moved != 2 || sum.Skipped != 1 || sum.SkippedReasons["no such ticket"] != 1 {
		t.Fatalf("first run: %+v", sum)
	}
	got, _ := w.st.GetTicket(c, ts[0].ID)
	if got.Server != w.detroit.ID || got.Team == nil || *got.Team != w.billing.ID || got.Version != 2 {
		t.Fatalf("moved ticket: %+v", got)
	}
	sum, err = runner(w, "admin").Run(c, distribute.IDSource(c, w.st, idSeq(ts[0].ID, ts[1].ID), to, 10))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Moved != 0 || sum.Skipped != 2 || sum.SkippedReasons["already on detroit"] != 2 {
		t.Fatalf("second run: %+v", sum)
	}
	ev := w.moveEvents(t)
	if len(ev) != 2 || ev[ts[0].ID] != 1 || ev[ts[1].ID] != 1 {
		t.Fatalf("move events: %v", ev)
	}
}

func TestStalePlanEntriesAreSkipped(t *testing.T) {
	w := newWorld(t)
	ts := w.tickets(t, 4, []string{"billing"})
	c := ctxT(t)
	env, err := distribute.LoadEnv(c, w.st)
	if err != nil {
		t.Fatal(err)
	}
	p := &distribute.Planner{Strategies: []distribute.Strategy{distribute.Skills{}}, Env: env}
	var plan []distribute.Entry
	for e, err := range distribute.PlanSource(c, w.st, p, store.TicketFilter{Server: &w.central.ID}, 10) {
		if err != nil {
			t.Fatal(err)
		}
		plan = append(plan, e)
	}
	if len(plan) != 4 {
		t.Fatalf("plan has %d entries", len(plan))
	}
	// Someone works on ticket 0 and someone else moves ticket 1 after the
	// plan was made.
	st := store.StatusInProgress
	if _, err := w.st.UpdateTicket(c, ts[0].ID, store.Expect{Version: 1}, store.TicketUpdate{Status: &st}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.UpdateTicket(c, ts[1].ID, store.Expect{Version: 1}, store.TicketUpdate{Server: &w.austin.ID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	sum, err := runner(w, "cron").Run(c, func(yield func(distribute.Entry, error) bool) {
		for _, e := range plan {
			if !yield(e, nil) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Moved != 2 || sum.Skipped != 2 || sum.SkippedReasons["changed since planned"] != 1 ||
		sum.SkippedReasons["no longer on the source server"] != 1 {
		t.Fatalf("summary: %+v", sum)
	}
	got, _ := w.st.GetTicket(c, ts[0].ID)
	if got.Server != w.central.ID || got.Status != store.StatusInProgress {
		t.Fatalf("stale ticket was overwritten: %+v", got)
	}
}

func TestStrategiesDecide(t *testing.T) {
	w := newWorld(t)
	c := ctxT(t)
	if err := w.st.InsertRule(c, &store.Rule{Tag: "vip", Server: w.austin.ID, Team: &w.network.ID, Order: 1}); err != nil {
		t.Fatal(err)
	}
	env, err := distribute.LoadEnv(c, w.st)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		strategy distribute.Strategy
		tags     []string
		wantTeam *store.Team
		wantTo   *store.Server
		reason   string
	}{
		{"rule matches", distribute.Rules{}, []string{"card", "vip"}, &w.network, &w.austin, `rule 1: tag "vip" → server austin team network`},
		{"rule misses", distribute.Rules{}, []string{"card"}, nil, nil, "no rule matches tags [card]"},
		{"skills best overlap", distribute.Skills{}, []string{"card", "refund", "login"}, &w.billing, &w.detroit, "team billing has skills card,refund matching 2 of the ticket's 3 tags"},
		{"skills ignore memberless team", distribute.Skills{}, []string{"misc"}, nil, nil, "no team's skills overlap tags [misc] (team idle matches but has no members or no regional server)"},
		{"skills no match", distribute.Skills{}, []string{"weather"}, nil, nil, "no team's skills overlap tags [weather]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok, why, err := tc.strategy.Decide(c, store.Ticket{Tags: tc.tags}, env)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantTeam == nil {
				if ok || why != tc.reason {
					t.Fatalf("decided %+v (ok %v) why %q", d, ok, why)
				}
				return
			}
			if !ok || *d.Team != tc.wantTeam.ID || d.To != tc.wantTo.ID || d.Reasons[0] != tc.reason {
				t.Fatalf("got %+v ok=%v", d, ok)
			}
		})
	}
}

func TestLeastLoadedAndRoundRobinSpreadWork(t *testing.T) {
	w := newWorld(t)
	c := ctxT(t)
	env, err := distribute.LoadEnv(c, w.st)
	if err != nil {
		t.Fatal(err)
	}
	// billing has 2 members, network 1: least-loaded gives billing two
	// tickets for each of network's.
	counts := map[bson.ObjectID]int{}
	for i := 0; i < 6; i++ {
		d, ok, _, err := distribute.LeastLoaded{}.Decide(c, store.Ticket{}, env)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		counts[*d.Team]++
	}
	if counts[w.billing.ID] != 4 || counts[w.network.ID] != 2 {
		t.Fatalf("least-loaded spread: billing %d network %d", counts[w.billing.ID], counts[w.network.ID])
	}
	// Round-robin alternates, also across planners sharing the counter.
	env2, _ := distribute.LoadEnv(c, w.st)
	var seq []bson.ObjectID
	for i := 0; i < 4; i++ {
		e := env
		if i%2 == 1 {
			e = env2
		}
		d, _, _, err := distribute.RoundRobin{}.Decide(c, store.Ticket{}, e)
		if err != nil {
			t.Fatal(err)
		}
		seq = append(seq, *d.Team)
	}
	if seq[0] == seq[1] || seq[0] != seq[2] || seq[1] != seq[3] {
		t.Fatalf("round-robin not alternating: %v", seq)
	}
}

func TestConcurrentDistributorsMoveEachTicketOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 tickets")
	}
	w := newWorld(t)
	const n = 2000
	w.tickets(t, n, []string{"card"}, []string{"login"}, []string{"nothing"})
	c := ctxT(t)
	var wg sync.WaitGroup
	sums := make([]*distribute.Summary, 8)
	errs := make([]error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			env, err := distribute.LoadEnv(c, w.st)
			if err != nil {
				errs[g] = err
				return
			}
			p := &distribute.Planner{Strategies: []distribute.Strategy{distribute.Skills{}, distribute.RoundRobin{}}, Env: env}
			r := runner(w, "cron")
			r.BatchSize = 200
			sums[g], errs[g] = r.Run(c, distribute.PlanSource(c, w.st, p, store.TicketFilter{Server: &w.central.ID,
				Statuses: []string{store.StatusNotStarted}}, 200))
		}(g)
	}
	wg.Wait()
	moved := 0
	for g := range sums {
		if errs[g] != nil {
			t.Fatalf("distributor %d: %v", g, errs[g])
		}
		moved += sums[g].Moved
		if sums[g].Failed != 0 {
			t.Errorf("distributor %d failed %d", g, sums[g].Failed)
		}
	}
	if moved != n {
		t.Fatalf("moved %d in total, want %d", moved, n)
	}
	left, err := w.st.CountTickets(c, store.TicketFilter{Server: &w.central.ID})
	if err != nil || left != 0 {
		t.Fatalf("left on central: %d %v", left, err)
	}
	ev := w.moveEvents(t)
	if len(ev) != n {
		t.Fatalf("%d tickets have move events, want %d", len(ev), n)
	}
	for id, k := range ev {
		if k != 1 {
			t.Fatalf("ticket %s has %d move events", id.Hex(), k)
		}
	}
}

func TestInterruptedRunResumes(t *testing.T) {
	w := newWorld(t)
	w.tickets(t, 120, []string{"card"})
	c := ctxT(t)
	to := distribute.Target{Server: w.austin.ID, Team: &w.network.ID, Name: "austin"}
	filter := store.TicketFilter{Server: &w.central.ID}
	ctx, cancel := context.WithCancel(c)
	r := runner(w, "admin")
	r.BatchSize = 40
	r.Progress = func(int) { cancel() } // Ctrl-C during the first batch
	sum, err := r.Run(ctx, distribute.FilterSource(ctx, w.st, filter, to, 40))
	if err != context.Canceled || !sum.Interrupted || sum.Moved != 40 {
		t.Fatalf("interrupted run: moved %d interrupted %v err %v", sum.Moved, sum.Interrupted, err)
	}
	sum, err = runner(w, "admin").Run(c, distribute.FilterSource(c, w.st, filter, to, 40))
	if err != nil || sum.Moved != 80 {
		t.Fatalf("resumed run: %+v %v", sum, err)
	}
	ev := w.moveEvents(t)
	if len(ev) != 120 {
		t.Fatalf("%d tickets with move events", len(ev))
	}
}

func TestPlanToVanishedDestinationFails(t *testing.T) {
	w := newWorld(t)
	ts := w.tickets(t, 3)
	c := ctxT(t)
	gone := bson.NewObjectID()
	entries := []distribute.Entry{
		{Ticket: ts[0].ID, From: w.central.ID, ExpectedVersion: 1, Action: distribute.ActionMove, To: &gone},
		{Ticket: ts[1].ID, From: w.central.ID, ExpectedVersion: 1, Action: distribute.ActionMove, To: &w.austin.ID, Team: &w.billing.ID},
		{Ticket: ts[2].ID, From: w.central.ID, ExpectedVersion: 1, Action: distribute.ActionMove, To: &w.detroit.ID, Team: &w.billing.ID},
	}
	sum, err := runner(w, "admin").Run(c, func(yield func(distribute.Entry, error) bool) {
		for _, e := range entries {
			if !yield(e, nil) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Moved != 1 || sum.Failed != 2 {
		t.Fatalf("summary %+v", sum)
	}
	for _, it := range sum.Items {
		if it.Result != distribute.ResultFailed {
			continue
		}
		if !strings.Contains(it.Reason, "no longer exists") && !strings.Contains(it.Reason, "is not a team of server austin") {
			t.Errorf("reason %q", it.Reason)
		}
	}
	got, _ := w.st.GetTicket(c, ts[0].ID)
	if got.Server != w.central.ID {
		t.Fatalf("ticket moved to a server that does not exist: %+v", got)
	}
}

func TestDuplicateEntriesAndRulesToDeletedServers(t *testing.T) {
	w := newWorld(t)
	ts := w.tickets(t, 1, []string{"vip"})
	c := ctxT(t)
	e := distribute.Entry{Ticket: ts[0].ID, From: w.central.ID, ExpectedVersion: 1, Action: distribute.ActionMove, To: &w.detroit.ID}
	sum, err := runner(w, "admin").Run(c, func(yield func(distribute.Entry, error) bool) {
		_ = yield(e, nil) && yield(e, nil)
	})
	if err != nil || sum.Moved != 1 || sum.SkippedReasons["duplicate entry"] != 1 {
		t.Fatalf("duplicate entry: %+v %v", sum, err)
	}
	// A rule whose server was deleted passes to the next strategy.
	if err := w.st.InsertRule(c, &store.Rule{Tag: "vip", Server: bson.NewObjectID(), Order: 1}); err != nil {
		t.Fatal(err)
	}
	env, err := distribute.LoadEnv(c, w.st)
	if err != nil {
		t.Fatal(err)
	}
	_, ok, why, err := distribute.Rules{}.Decide(c, store.Ticket{Tags: []string{"vip"}}, env)
	if err != nil || ok || why != "rule 1 points at a deleted server" {
		t.Fatalf("rule to a deleted server: ok=%v why=%q err=%v", ok, why, err)
	}
}

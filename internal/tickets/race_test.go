package tickets_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/tickets"
)

// TestStatusRaceOneWins is the race: two goroutines change the
// status of one ticket with the same expected version. Exactly one wins,
// the other gets ErrConflict, and history has exactly one status entry.
// In the "both read first" rounds a barrier holds each goroutine between
// its read and its write, so both really write with the same version;
// the free rounds let the scheduler interleave as it likes.
func TestStatusRaceOneWins(t *testing.T) {
	for _, barrier := range []bool{true, false} {
		t.Run(fmt.Sprintf("both read first=%v", barrier), func(t *testing.T) {
			w := newWorld(t)
			for round := range 5 {
				raceRound(t, w, round, barrier)
			}
		})
	}
}

func raceRound(t *testing.T, w *world, round int, barrier bool) {
	t.Helper()
	c := ctx(t)
	tk := w.create(t, w.customer, fmt.Sprintf("race %d", round))
	v := tk.Version
	var read sync.WaitGroup
	read.Add(2)
	svcs := []*tickets.Service{tickets.New(w.st, nil), tickets.New(w.st, nil)}
	if barrier {
		for _, s := range svcs {
			tickets.SetAfterReadHook(s, func() { read.Done(); read.Wait() })
		}
	}
	targets := []string{"in-progress", "complete"}
	errs := make([]error, 2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = svcs[i].SetStatus(c, w.employee, tk.ID, targets[i], fmt.Sprintf("goroutine %d", i), &v)
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrConflict):
			t.Fatalf("round %d: unexpected error %v", round, err)
		}
	}
	if won != 1 {
		t.Fatalf("round %d: %d goroutines won (errors %v), want exactly 1", round, won, errs)
	}
	evs, err := w.st.TicketEvents(c, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Action == tickets.ActionStatus {
			n++
		}
	}
	got, _ := w.st.GetTicket(c, tk.ID)
	if n != 1 || got.Version != v+1 {
		t.Fatalf("round %d: %d status events, version %d; want 1 and %d", round, n, got.Version, v+1)
	}
}

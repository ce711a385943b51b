package router_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/router"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestSplitIsTimeOrdered(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var exs []router.Example
	for i := range 10 {
		exs = append(exs, router.Example{Label: fmt.Sprint(i % 2), CreatedAt: base.Add(time.Duration(i) * time.Hour)})
	}
	tests := []struct {
		holdout   float64
		since     time.Time
		train     int
		firstTest int
	}{
		{0.2, time.Time{}, 8, 8},
		{0.01, time.Time{}, 9, 9}, // a hold-out above 0 holds out at least one
		{0, time.Time{}, 10, -1},
		{0.5, base.Add(3 * time.Hour), 3, 3}, // --test-since wins
		{0, base.Add(time.Hour * 100), 10, -1},
	}
	for _, tt := range tests {
		train, test := router.Split(exs, tt.holdout, tt.since)
		if len(train) != tt.train || len(train)+len(test) != 10 {
			t.Errorf("Split(%v, %v): %d/%d", tt.holdout, tt.since, len(train), len(test))
			continue
		}
		if tt.firstTest >= 0 && !test[0].CreatedAt.Equal(exs[tt.firstTest].CreatedAt) {
			t.Errorf("Split(%v, %v): test starts at %v", tt.holdout, tt.since, test[0].CreatedAt)
		}
	}
}

// history inserts n labelled tickets over k teams: each team has its own
// words, mixed with shared ones.
func history(tb testing.TB, st *store.Store, n, k int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	central, _, err := st.EnsureCentralServer(ctx, "central", "r")
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		syl := []string{"ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "pa"}
		return syl[rng.IntN(10)] + syl[rng.IntN(10)] + syl[rng.IntN(10)]
	}
	shared := make([]string, 300)
	for i := range shared {
		shared[i] = word()
	}
	teams := make([]bson.ObjectID, k)
	vocab := make([][]string, k)
	for c := range k {
		tm := store.Team{Name: fmt.Sprintf("team-%02d", c), Company: "acme", Category: "c"}
		if err := st.InsertTeam(ctx, &tm); err != nil {
			tb.Fatal(err)
		}
		teams[c] = tm.ID
		for range 20 {
			vocab[c] = append(vocab[c], word())
		}
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	batch := make([]store.Ticket, 0, 1000)
	for i := range n {
		c := rng.IntN(k)
		var ws []string
		for range 6 + rng.IntN(8) {
			if rng.IntN(10) < 4 {
				ws = append(ws, vocab[c][rng.IntN(20)])
			} else {
				ws = append(ws, shared[rng.IntN(len(shared))])
			}
		}
		team := teams[c]
		batch = append(batch, store.Ticket{Title: strings.Join(ws[:3], " "), Description: strings.Join(ws[3:], " "),
			Tags: []string{}, Status: store.StatusComplete, Server: central.ID, Team: &team, CreatedAt: base.Add(time.Duration(i) * time.Minute)})
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := st.InsertTickets(ctx, batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

func TestTrainOnStoredHistory(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	history(t, st, 600, 4)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	svc := router.New(st, nil)
	p := auth.Principal{Username: "eve", Role: store.RoleEmployee}
	m, err := svc.Train(ctx, p, router.TrainOptions{Holdout: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	if m.Docs != 480 || m.Holdout == nil || m.Holdout.Accuracy < 0.8 || m.Holdout.Accuracy < m.Holdout.MajorityAccuracy+0.4 {
		t.Fatalf("model %+v holdout %+v", m, m.Holdout)
	}
	if _, err := router.LoadActive(ctx, st); err == nil {
		t.Fatal("a model is active before `use`")
	}
	p.Role = store.RoleAdmin
	if _, err := svc.Use(ctx, p, m.Version); err != nil {
		t.Fatal(err)
	}
	a, err := router.LoadActive(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	h, err := router.LoadHistory(ctx, st, router.LabelTeam, router.Window{})
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for _, ex := range h.Examples[480:] {
		if a.Predict(ex.Text).ID == ex.Label {
			right++
		}
	}
	if acc := float64(right) / 120; acc != m.Holdout.Accuracy {
		t.Errorf("model read back scores %v on the hold-out, stored metrics say %v", acc, m.Holdout.Accuracy)
	}
}

// BenchmarkTrainFromStore10k is `triage train` without the CLI: read 10,000
// labelled tickets from the database, train logistic regression on 80%
// (plus its calibration fit), score it and a naive Bayes baseline on the
// newest 20%, and store the model document.
func BenchmarkTrainFromStore10k(b *testing.B) {
	st := storetest.OpenWithIndexes(b)
	history(b, st, 10_000, 20)
	svc := router.New(st, nil)
	p := auth.Principal{Username: "eve", Role: store.RoleEmployee}
	for b.Loop() {
		if _, err := svc.Train(context.Background(), p, router.TrainOptions{Holdout: 0.2}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPredictActive measures one prediction with its explanation
// (what the model strategy does per ticket) on a model read back from the
// database.
func BenchmarkPredictActive(b *testing.B) {
	st := storetest.OpenWithIndexes(b)
	history(b, st, 10_000, 20)
	ctx := context.Background()
	svc := router.New(st, nil)
	p := auth.Principal{Username: "ada", Role: store.RoleAdmin}
	m, err := svc.Train(ctx, p, router.TrainOptions{Holdout: 0.2, Activate: true})
	if err != nil {
		b.Fatal(err)
	}
	a, err := router.LoadActive(ctx, st)
	if err != nil || a.Meta.Version != m.Version {
		b.Fatal(err)
	}
	h, _ := router.LoadHistory(ctx, st, router.LabelTeam, router.Window{})
	i := 0
	for b.Loop() {
		a.Predict(h.Examples[i%len(h.Examples)].Text)
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "tickets/s")
}

// TestHistoryLeavesOutModelRoutes: tickets the model itself routed are not
// training examples; those a person or a rule routed are.
func TestHistoryLeavesOutModelRoutes(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	central, _, err := st.EnsureCentralServer(ctx, "central", "r")
	if err != nil {
		t.Fatal(err)
	}
	tm := store.Team{Name: "billing", Company: "acme", Category: "billing"}
	if err := st.InsertTeam(ctx, &tm); err != nil {
		t.Fatal(err)
	}
	dest := store.Server{Name: "detroit", Region: "r", Teams: []bson.ObjectID{tm.ID}}
	if err := st.InsertServer(ctx, &dest); err != nil {
		t.Fatal(err)
	}
	var moves []store.Move
	for i, strategy := range []string{"manual", router.StrategyName, "rules"} {
		tk := store.Ticket{Title: fmt.Sprintf("refund %d", i), Description: "d", Status: store.StatusNotStarted, Server: central.ID}
		if err := st.InsertTicket(ctx, &tk); err != nil {
			t.Fatal(err)
		}
		moves = append(moves, store.Move{Ticket: tk.ID, From: central.ID, Version: 1, To: dest.ID, Team: &tm.ID, Strategy: strategy})
	}
	if res, err := st.ApplyMoves(ctx, "run1", "eve", "", moves, time.Now()); err != nil || len(res.Moved) != 3 {
		t.Fatalf("moves: %+v %v", res, err)
	}
	h, err := router.LoadHistory(ctx, st, router.LabelTeam, router.Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Examples) != 2 {
		t.Fatalf("%d examples, want the 2 not routed by the model", len(h.Examples))
	}
	for _, ex := range h.Examples {
		if ex.Ticket == moves[1].Ticket {
			t.Fatalf("model-routed ticket %s is a training example", ex.Ticket.Hex())
		}
	}
}

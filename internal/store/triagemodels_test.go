package store_test

import (
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
	"github.com/ticketctl/ticketctl/internal/triage"
)

func TestTriageModelsRoundTripWithoutWeightsInListings(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	m, err := triage.Train([]triage.Doc{
		{Text: "refund invoice", Label: "a"}, {Text: "refund charge", Label: "a"},
		{Text: "password login", Label: "b"}, {Text: "login locked", Label: "b"},
	}, triage.TrainOptions{Seed: 1, CalibrationSplit: -1})
	if err != nil {
		t.Fatal(err)
	}
	doc := m.Doc()
	now := time.Now().UTC().Truncate(time.Millisecond)
	for v := 1; v <= 2; v++ {
		rec := store.TriageModel{Version: v, Label: "team", Algorithm: "logreg", CreatedAt: now, Docs: 4,
			Classes: []store.TriageClass{{ID: "a", Name: "A", Count: 2}, {ID: "b", Name: "B", Count: 2}}, Model: &doc}
		if err := st.InsertTriageModel(c, &rec); err != nil {
			t.Fatal(err)
		}
	}
	dup := store.TriageModel{Version: 2, Label: "team"}
	if err := st.InsertTriageModel(c, &dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second version 2: %v, want a conflict", err)
	}
	list, err := st.TriageModels(c)
	if err != nil || len(list) != 2 || list[0].Version != 2 || list[0].Model != nil {
		t.Fatalf("TriageModels = %+v, %v: want v2 then v1 without weights", list, err)
	}
	got, err := st.GetTriageModel(c, 1, true)
	if err != nil || got.Model == nil {
		t.Fatalf("GetTriageModel(1, true) = %+v, %v", got, err)
	}
	back, err := triage.FromDoc(*got.Model)
	if err != nil {
		t.Fatalf("model read back does not decode: %v", err)
	}
	if l, _, _ := back.Predict("refund please"); l != "a" {
		t.Errorf("model read back predicts %q, want a", l)
	}
	if _, err := st.ActiveModel(c); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ActiveModel before any: %v, want not found", err)
	}
	for _, v := range []int{1, 2} {
		if err := st.SetActiveModel(c, store.ActiveModelSetting{Version: v, UpdatedAt: now, UpdatedBy: "eve"}); err != nil {
			t.Fatal(err)
		}
	}
	if a, err := st.ActiveModel(c); err != nil || a.Version != 2 || a.UpdatedBy != "eve" {
		t.Errorf("ActiveModel = %+v, %v", a, err)
	}
	if err := st.DeleteTriageModel(c, 1); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteTriageModel(c, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v, want not found", err)
	}
}

func TestFAQUpsertByKeyAndCalibration(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	f := store.FAQ{Key: "refund", Question: "Refund?", Answer: "Yes.", CreatedBy: "eve"}
	created, err := st.UpsertFAQByKey(c, &f, t0)
	if err != nil || !created || f.ID.IsZero() || !f.CreatedAt.Equal(t0) {
		t.Fatalf("first upsert: created=%v %+v %v", created, f, err)
	}
	id := f.ID
	g := store.FAQ{Key: "refund", Question: "Can I get a refund?", Answer: "Within 30 days.", Tags: []string{"billing"}}
	created, err = st.UpsertFAQByKey(c, &g, t0.Add(time.Hour))
	if err != nil || created || g.ID != id || g.Question != "Can I get a refund?" || !g.CreatedAt.Equal(t0) || g.CreatedBy != "eve" {
		t.Fatalf("second upsert: created=%v %+v %v", created, g, err)
	}
	other := store.FAQ{Key: "refund", Question: "dup", Answer: "dup"}
	if err := st.InsertFAQ(c, &other); !errors.Is(err, store.ErrConflict) {
		t.Errorf("insert with a taken key: %v, want conflict", err)
	}
	// Keyless FAQs do not collide on the sparse unique index.
	for range 2 {
		if err := st.InsertFAQ(c, &store.FAQ{Question: "q", Answer: "a"}); err != nil {
			t.Fatalf("keyless FAQ: %v", err)
		}
	}
	all, err := st.FAQs(c)
	if err != nil || len(all) != 3 {
		t.Fatalf("FAQs = %d, %v", len(all), err)
	}
	if err := st.DeleteFAQ(c, id); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetFAQ(c, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted FAQ: %v", err)
	}
	cal := store.FAQCalibration{Threshold: 0.4, Reached: true, MinPrecision: 0.95, Fingerprint: "abc", UpdatedAt: t0}
	if err := st.SetFAQCalibration(c, cal); err != nil {
		t.Fatal(err)
	}
	got, err := st.FAQCalibrationSetting(c)
	if err != nil || got.Threshold != 0.4 || !got.Reached || got.Fingerprint != "abc" {
		t.Errorf("calibration = %+v, %v", got, err)
	}
}

func TestFAQResolvedTicketsSkipsAutoResolved(t *testing.T) {
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	faq := bson.NewObjectID()
	ts := []store.Ticket{
		{Title: "by a person", Resolution: &store.Resolution{FAQ: &faq}},
		{Title: "by a person, with triage", Resolution: &store.Resolution{FAQ: &faq}, Triage: &store.Triage{Method: "model"}},
		{Title: "by the faq strategy", Resolution: &store.Resolution{FAQ: &faq}, Triage: &store.Triage{Method: "faq"}},
		{Title: "not resolved"},
	}
	if _, err := st.InsertTickets(c, ts); err != nil {
		t.Fatal(err)
	}
	got, err := st.FAQResolvedTickets(c, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("got %d tickets, want the 2 a person resolved: %+v", len(got), got)
	}
}

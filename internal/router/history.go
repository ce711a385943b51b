// Package router is the learned router of triage: it trains text
// classifiers (internal/triage) on the tickets that history already
// assigned to a team or server, backtests them on the newest tickets,
// stores versioned models in the `models` collection, picks the active one,
// and offers the `model` distribution strategy and `triage explain`. It
// calls the store and never reads flags or configuration.
package router

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/teams"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// What a model predicts.
const (
	LabelTeam   = "team"
	LabelServer = "server"
)

// Labels lists the valid --label values.
var Labels = []string{LabelTeam, LabelServer}

// MinExamples is the fewest labelled tickets a model is trained on: below
// it, hold-out metrics are noise.
const MinExamples = 10

// Window selects tickets by created_at; zero ends are open.
type Window struct {
	Since, Until time.Time
}

// Example is one labelled ticket of history.
type Example struct {
	Ticket    bson.ObjectID
	Text      string
	Label     string // team or server id, hex
	CreatedAt time.Time
}

// History is labelled history in created_at order with the names of its
// labels.
type History struct {
	Label    string
	Examples []Example
	Names    map[string]string // label id (hex) → name
}

// CheckLabel validates a --label value.
func CheckLabel(l string) error {
	if !slices.Contains(Labels, l) {
		return fault.Invalid("unknown label %q: valid labels are team, server", l)
	}
	return nil
}

// LoadHistory streams the tickets of w in created_at order and keeps those
// history has labelled: with a team (label team) or on a regional server
// (label server). Only what the requester wrote becomes the text.
func LoadHistory(ctx context.Context, st *store.Store, label string, w Window) (History, error) {
	if err := CheckLabel(label); err != nil {
		return History{}, err
	}
	h := History{Label: label, Names: map[string]string{}}
	central, err := st.CentralServer(ctx)
	if err != nil {
		return h, err
	}
	svs, err := st.ListServers(ctx)
	if err != nil {
		return h, err
	}
	for _, sv := range svs {
		if label == LabelServer && !sv.Central {
			h.Names[sv.ID.Hex()] = sv.Name
		}
	}
	if label == LabelTeam {
		tms, err := st.ListTeams(ctx, "")
		if err != nil {
			return h, err
		}
		for _, tm := range tms {
			h.Names[tm.ID.Hex()] = teams.Label(tm)
		}
	}
	q := store.TicketQuery{Filter: store.TicketFilter{CreatedAfter: w.Since, CreatedBefore: w.Until}, Sort: "created_at", BatchSize: 1000}
	for t, err := range st.Tickets(ctx, q) {
		if err != nil {
			return h, err
		}
		if t.LastMove != nil && t.LastMove.Strategy == StrategyName {
			// Routed by a model: learning from it would only teach the
			// router its own guesses back.
			continue
		}
		var id string
		switch {
		case label == LabelTeam && t.Team != nil:
			id = t.Team.Hex()
		case label == LabelServer && t.Server != central.ID && !t.Server.IsZero():
			id = t.Server.Hex()
		default:
			continue
		}
		if _, known := h.Names[id]; !known {
			h.Names[id] = "(deleted " + id + ")"
		}
		h.Examples = append(h.Examples, Example{Ticket: t.ID, Text: triage.TicketText(t.Title, t.Description, t.Tags),
			Label: id, CreatedAt: t.CreatedAt})
	}
	return h, nil
}

// Split divides examples (in time order) into older training and newer
// test examples: those created at or after testSince when it is set, else
// the newest holdout fraction.
func Split(exs []Example, holdout float64, testSince time.Time) (train, test []Example) {
	if !testSince.IsZero() {
		i, _ := slices.BinarySearchFunc(exs, testSince, func(e Example, t time.Time) int { return e.CreatedAt.Compare(t) })
		return exs[:i], exs[i:]
	}
	n := int(holdout*float64(len(exs)) + 0.5)
	if holdout > 0 && n == 0 {
		n = 1
	}
	n = min(n, len(exs))
	return exs[:len(exs)-n], exs[len(exs)-n:]
}

func docs(exs []Example) []triage.Doc {
	out := make([]triage.Doc, len(exs))
	for i, e := range exs {
		out[i] = triage.Doc{Text: e.Text, Label: e.Label}
	}
	return out
}

func window(exs []Example) store.TimeWindow {
	if len(exs) == 0 {
		return store.TimeWindow{}
	}
	return store.TimeWindow{From: exs[0].CreatedAt, To: exs[len(exs)-1].CreatedAt}
}

// checkTrainable refuses training sets a model cannot learn from, saying
// what is missing.
func checkTrainable(what string, exs []Example) error {
	labels := map[string]bool{}
	for _, e := range exs {
		labels[e.Label] = true
	}
	if len(exs) < MinExamples || len(labels) < 2 {
		return fault.WithHint(fault.Invalid("%s has %d labelled tickets over %d labels: need at least %d over 2 or more",
			what, len(exs), len(labels), MinExamples),
			"tickets count once history assigned them (a team, or a regional server); import history with `ticketctl tickets import`")
	}
	return nil
}

// renameReport replaces label ids by names in a report, for people.
func renameReport(r *triage.Report, names map[string]string) {
	name := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	for i, l := range r.Labels {
		r.Labels[i] = name(l)
	}
	for i := range r.PerClass {
		r.PerClass[i].Label = name(r.PerClass[i].Label)
	}
	r.MajorityLabel = name(r.MajorityLabel)
}

func classes(m *triage.Model, names map[string]string) []store.TriageClass {
	counts := m.ClassCounts()
	out := make([]store.TriageClass, 0, len(counts))
	for _, l := range m.Labels() {
		out = append(out, store.TriageClass{ID: l, Name: names[l], Count: counts[l]})
	}
	return out
}

func pct(x float64) string { return fmt.Sprintf("%.3f", x) }

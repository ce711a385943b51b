package triage_test

import (
	"strings"
	"testing"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
)

type planEntry struct {
	Ticket     string   `json:"ticket"`
	Action     string   `json:"action"`
	To         *string  `json:"to"`
	Team       *string  `json:"team"`
	Strategy   string   `json:"strategy"`
	Reasons    []string `json:"reasons"`
	Confidence float64  `json:"confidence"`
	TopTerms   []string `json:"top_terms"`
	TeamName   string   `json:"team_name"`
	ToName     string   `json:"to_name"`
}

type runSummary struct {
	Moved       int            `json:"moved"`
	Resolved    int            `json:"resolved"`
	Left        int            `json:"left"`
	Failed      int            `json:"failed"`
	LeftReasons map[string]int `json:"left_reasons"`
}

func TestModelStrategyRoutesConfidentTicketsAndFallsThrough(t *testing.T) {
	w := newWorld(t, 30)
	e := w.e
	billing := w.waiting(t, "Refund for my invoice", "I was charged twice, the payment shows on my card")
	shipping := w.waiting(t, "Where is my parcel", "The courier tracking says the package did not arrive")
	vague := w.waiting(t, "Hello", "Question about something else entirely")

	// Without an active model the strategy passes, saying why.
	r := e.Run("distribute", "plan", "--strategy", "model", "-o", "json")
	for _, en := range decode[[]planEntry](t, must(t, r, "plan").Out) {
		if en.Action != "leave" || !strings.Contains(strings.Join(en.Reasons, ";"), "model: no active model") {
			t.Errorf("no model: %+v", en)
		}
	}

	w.admin()
	must(t, e.Run("triage", "train", "--use"), "train --use")
	entries := decode[[]planEntry](t, must(t, e.Run("distribute", "plan", "--strategy", "model", "-o", "json"), "plan").Out)
	byID := map[string]planEntry{}
	for _, en := range entries {
		byID[en.Ticket] = en
	}
	for id, want := range map[string][2]string{billing.ID.Hex(): {"billing", "detroit"}, shipping.ID.Hex(): {"shipping", "austin"}} {
		en := byID[id]
		if en.Action != "move" || en.Strategy != "model" || en.TeamName != want[0] || en.ToName != want[1] ||
			en.Confidence <= 0 || len(en.TopTerms) == 0 || !strings.Contains(en.Reasons[0], "model v1: team "+want[0]) {
			t.Errorf("ticket for %s: %+v", want[0], en)
		}
	}
	if en := byID[vague.ID.Hex()]; en.Action != "leave" || !strings.Contains(en.Reasons[0], "< threshold") {
		t.Errorf("vague ticket: %+v", en)
	}

	// The plan table shows the confidence and the top terms in its reasons.
	out := must(t, e.RunWith(clitest.Options{TTY: true}, "distribute", "plan", "--strategy", "model"), "plan tty").Out
	if !strings.Contains(out, "model v1: team billing (confidence") {
		t.Errorf("plan table:\n%s", out)
	}

	// auto: the model routes what it is sure of, least-loaded the rest.
	s := decode[runSummary](t, must(t, e.Run("distribute", "auto", "--strategy", "model,least-loaded", "--yes", "-o", "json"), "auto").Out)
	if s.Moved != 3 || s.Failed != 0 {
		t.Fatalf("auto: %+v", s)
	}
	got, err := e.Store.GetTicket(ctxT(t), shipping.ID)
	if err != nil || got.Team == nil || *got.Team != w.teams["shipping"].ID {
		t.Errorf("shipping ticket after auto: %+v %v", got, err)
	}
}

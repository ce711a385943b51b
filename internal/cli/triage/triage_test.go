package triage_test

import (
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/router"
	"github.com/ticketctl/ticketctl/internal/store"
)

func TestTrainLearnsKnownRoutesAndStoresAVersion(t *testing.T) {
	w := newWorld(t, 40)
	e := w.e
	m := decode[router.ModelView](t, must(t, e.Run("triage", "train", "-o", "json"), "train").Out)
	if m.Version != 1 || m.Label != "team" || m.Algorithm != "logreg" || m.Active {
		t.Errorf("model = v%d %s %s active=%v", m.Version, m.Label, m.Algorithm, m.Active)
	}
	// 120 tickets, the newest 24 held out.
	if m.Docs != 96 || m.Holdout == nil || m.Holdout.Docs != 24 {
		t.Fatalf("docs %d, holdout %+v", m.Docs, m.Holdout)
	}
	// Noisy topics: most right, far above the majority class, and a
	// threshold that reaches 90% precision by routing fewer.
	if m.Holdout.Accuracy < 0.75 || m.Holdout.MacroF1 < 0.75 || m.Holdout.MajorityAccuracy > 0.4 || !m.ThresholdSet ||
		m.Holdout.Precision < 0.9 || m.Holdout.Coverage >= 1 {
		t.Errorf("hold-out %+v threshold set %v", m.Holdout, m.ThresholdSet)
	}
	if !m.Holdout.Window.From.After(m.Window.To) {
		t.Errorf("hold-out %v is not newer than training %v", m.Holdout.Window, m.Window)
	}
	var names []string
	for _, c := range m.Classes {
		names = append(names, c.Name)
		if c.Count != 32 {
			t.Errorf("class %s: %d tickets, want 32", c.Name, c.Count)
		}
	}
	if !slices.Equal(sortedCopy(names), []string{"billing", "login", "shipping"}) {
		t.Errorf("classes %v", names)
	}
	// The stored document holds the weights; listings do not.
	full, err := e.Store.GetTriageModel(ctxT(t), 1, true)
	if err != nil || full.Model == nil || full.Model.Classifier.Weights.Len == 0 {
		t.Fatalf("stored model: %v", err)
	}
	ev, err := e.Store.SubjectEvents(ctxT(t), "model:1")
	if err != nil || len(ev) != 1 || ev[0].Action != router.ActionTrain || ev[0].Actor != "eve" {
		t.Errorf("events %+v %v", ev, err)
	}

	// A second run is a new version; --use needs an admin.
	if r := e.Run("triage", "train", "--use"); r.Code != 4 {
		t.Errorf("employee train --use: exit %d %s", r.Code, r.Err)
	}
	w.admin()
	r := must(t, e.Run("triage", "train", "--use", "--refit"), "train --use")
	if !strings.Contains(r.Out, "trained model v2") || !strings.Contains(r.Out, "model v2 is now the active model") ||
		!strings.Contains(r.Out, "refit on every ticket") {
		t.Errorf("train summary:\n%s", r.Out)
	}
	m2 := decode[[]router.ModelView](t, must(t, e.Run("triage", "models", "-o", "json"), "models").Out)
	if len(m2) != 2 || m2[0].Version != 2 || !m2[0].Active || m2[1].Active || m2[0].Docs != 120 || !m2[0].Refit {
		t.Errorf("models after v2: %+v", m2)
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

func TestTrainRefusesWhatItCannotLearn(t *testing.T) {
	e := clitest.New(t)
	e.Login("eve", store.RoleEmployee, "acme")
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"triage", "train"}, 2, "need at least 10"},
		{[]string{"triage", "train", "--label", "queue"}, 2, "unknown label"},
		{[]string{"triage", "train", "--holdout", "1"}, 2, "--holdout"},
		{[]string{"triage", "train", "--algorithm", "svm"}, 2, "unknown algorithm"},
		{[]string{"triage", "train", "--min-precision", "0"}, 2, "minimum precision"},
		{[]string{"triage", "train", "--since", "yesterday"}, 2, "--since"},
		{[]string{"triage", "eval", "--holdout", "0.1", "--test-since", "7d"}, 2, "exclude each other"},
		{[]string{"triage", "use", "x"}, 2, "model version"},
		{[]string{"triage", "use", "7"}, 4, "needs the admin role"},
		{[]string{"triage", "explain", "nope"}, 2, "not an id"},
		{[]string{"triage", "explain", bson.NewObjectID().Hex()}, 3, "not found"},
	}
	for _, tc := range tests {
		r := e.Run(tc.args...)
		if r.Code != tc.code || !strings.Contains(r.Err, tc.msg) {
			t.Errorf("%v: exit %d %q, want %d containing %q", tc.args, r.Code, r.Err, tc.code, tc.msg)
		}
	}
	e.Login("cathy", store.RoleCustomer, "")
	if r := e.Run("triage", "models"); r.Code != 4 {
		t.Errorf("customer triage models: exit %d", r.Code)
	}
}

func TestModelsAndUse(t *testing.T) {
	w := newWorld(t, 20)
	e := w.e
	must(t, e.Run("triage", "train"), "train")
	must(t, e.Run("triage", "train", "--holdout", "0"), "train --holdout 0")
	w.admin()
	if r := e.Run("triage", "use", "9"); r.Code != 3 || !strings.Contains(r.Err, "no triage model version 9") {
		t.Errorf("use 9: exit %d %s", r.Code, r.Err)
	}
	r := must(t, e.Run("triage", "use", "v2"), "use v2")
	if !strings.Contains(r.Out, "model v2 is now the active model (it has no measured threshold") {
		t.Errorf("use v2: %s", r.Out)
	}
	must(t, e.Run("triage", "use", "1"), "use 1")
	ev, _ := e.Store.SubjectEvents(ctxT(t), "triage")
	if len(ev) != 2 || ev[1].From != "model:2" || ev[1].To != "model:1" {
		t.Errorf("use events %+v", ev)
	}
	if r := e.Run("triage", "delete", "1", "--yes"); r.Code != 5 {
		t.Errorf("deleting the active model: exit %d %s", r.Code, r.Err)
	}
	if r := e.Run("triage", "delete", "2"); r.Code != 2 {
		t.Errorf("delete without --yes in a pipe: exit %d", r.Code)
	}
	must(t, e.Run("triage", "delete", "2", "--yes"), "delete 2")
	for _, tty := range []bool{false, true} {
		r := e.RunWith(clitest.Options{TTY: tty}, "triage", "models")
		name := "models_pipe"
		if tty {
			name = "models_tty"
		}
		clitest.Golden(t, name, r.Out, *update)
	}
}

func TestEvalBacktest(t *testing.T) {
	w := newWorld(t, 30)
	e := w.e
	rep := decode[router.EvalReport](t, must(t, e.Run("triage", "eval"), "eval").Out) // JSON when piped
	if rep.Train.Docs != 72 || rep.Test.Docs != 18 || rep.Train.Labels != 3 {
		t.Errorf("split %+v / %+v", rep.Train, rep.Test)
	}
	if rep.LogReg.Accuracy < 0.75 || rep.NaiveBayes.Accuracy < 0.6 || rep.LogReg.MajorityAccuracy > 0.5 {
		t.Errorf("accuracy logreg %v nb %v majority %v", rep.LogReg.Accuracy, rep.NaiveBayes.Accuracy, rep.LogReg.MajorityAccuracy)
	}
	if !slices.Equal(rep.LogReg.Labels, []string{"billing", "login", "shipping"}) || len(rep.LogReg.Confusion) != 3 ||
		len(rep.LogReg.PerClass) != 3 || len(rep.LogReg.Curve) == 0 || !rep.Threshold.Reached {
		t.Errorf("report shape: labels %v confusion %v threshold %+v", rep.LogReg.Labels, rep.LogReg.Confusion, rep.Threshold)
	}
	total := 0
	for _, row := range rep.LogReg.Confusion {
		for _, n := range row {
			total += n
		}
	}
	if total != 18 {
		t.Errorf("confusion counts %d tickets, want 18", total)
	}
	// --test-since splits by time: the last 9 hours of history.
	since := w.base.Add(81 * 3600e9).Format("2006-01-02T15:04:05Z")
	rep = decode[router.EvalReport](t, must(t, e.Run("triage", "eval", "--test-since", since, "-o", "json"), "eval --test-since").Out)
	if rep.Test.Docs != 9 || rep.Train.Docs != 81 {
		t.Errorf("--test-since: train %d test %d", rep.Train.Docs, rep.Test.Docs)
	}
	r := e.RunWith(clitest.Options{TTY: true}, "triage", "eval", "--min-precision", "0.99")
	clitest.Golden(t, "eval_tty", r.Out, *update)
	if r := e.Run("triage", "eval", "--test-since", w.e.Now.Format("2006-01-02")); r.Code != 2 || !strings.Contains(r.Err, "test part is empty") {
		t.Errorf("nothing newer: exit %d %s", r.Code, r.Err)
	}
}

func TestExplainShowsRoutePriorityAndFAQ(t *testing.T) {
	w := newWorld(t, 20)
	e := w.e
	tk := w.waiting(t, "Refund for an invoice", "I was charged twice for the same bill, urgent", "payments")
	r := must(t, e.Run("triage", "explain", tk.ID.Hex(), "-o", "json"), "explain")
	ex := decode[router.Explanation](t, r.Out)
	if ex.Route != nil || !strings.Contains(ex.RouteWhy, "no active triage model") || ex.FAQ != nil || ex.FAQWhy == "" {
		t.Errorf("before any model or FAQ: %+v", ex)
	}
	must(t, e.Run("triage", "train"), "train")
	w.admin()
	must(t, e.Run("triage", "use", "1"), "use")
	must(t, e.Run("faq", "add", "--key", "refunds", "--question", "How do I get a refund?", "--answer", "Refunds take 5 days.", "--tag", "billing"), "faq add")
	ex = decode[router.Explanation](t, must(t, e.Run("triage", "explain", tk.ID.Hex(), "-o", "json"), "explain").Out)
	if ex.Route == nil || ex.Route.Name != "billing" || ex.Route.Confidence < 0.5 || len(ex.Route.TopTerms) == 0 ||
		len(ex.Route.Alternatives) != 3 || ex.Route.Alternatives[0].Name != "billing" {
		t.Fatalf("route %+v", ex.Route)
	}
	if ex.Priority.Priority == "" || !slices.ContainsFunc(ex.Priority.Reasons, func(s string) bool { return strings.Contains(s, "urgent") }) {
		t.Errorf("priority %+v", ex.Priority)
	}
	if ex.FAQ == nil || len(ex.FAQ.Matches) != 1 || ex.FAQ.Matches[0].Key != "refunds" || ex.FAQ.AutoResolve {
		t.Errorf("faq %+v", ex.FAQ)
	}
	out := must(t, e.RunWith(clitest.Options{TTY: true}, "triage", "explain", tk.ID.Hex()), "explain tty").Out
	for _, want := range []string{"route\n  team billing, confidence", "top terms:", "priority\n  scored P", "faq\n  1. refunds",
		"would not resolve it: auto-resolution is off"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain table lacks %q:\n%s", want, out)
		}
	}
}

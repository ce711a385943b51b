package triage

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScoreHandMadeConfusion(t *testing.T) {
	// gold a a a b b c / pred a a b b c c:
	//   a: tp 2, predicted 2, support 3 → P 1,   R 2/3, F1 0.8
	//   b: tp 1, predicted 2, support 2 → P 1/2, R 1/2, F1 0.5
	//   c: tp 1, predicted 2, support 1 → P 1/2, R 1,   F1 2/3
	gold := []string{"a", "a", "a", "b", "b", "c"}
	pred := []string{"a", "a", "b", "b", "c", "c"}
	s, err := Score(gold, pred, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if !near(s.Accuracy, 4.0/6) || !near(s.MacroF1, (0.8+0.5+2.0/3)/3) {
		t.Errorf("accuracy %v macro-F1 %v", s.Accuracy, s.MacroF1)
	}
	wantConf := [][]int{{2, 1, 0}, {0, 1, 1}, {0, 0, 1}}
	for i := range wantConf {
		if !slices.Equal(s.Confusion[i], wantConf[i]) {
			t.Errorf("confusion row %d = %v, want %v", i, s.Confusion[i], wantConf[i])
		}
	}
	want := []ClassMetrics{
		{"a", 1, 2.0 / 3, 0.8, 3, 2},
		{"b", 0.5, 0.5, 0.5, 2, 2},
		{"c", 0.5, 1, 2.0 / 3, 1, 2},
	}
	for i, w := range want {
		g := s.PerClass[i]
		if g.Label != w.Label || !near(g.Precision, w.Precision) || !near(g.Recall, w.Recall) || !near(g.F1, w.F1) || g.Support != w.Support || g.Predicted != w.Predicted {
			t.Errorf("class %s = %+v, want %+v", w.Label, g, w)
		}
	}
}

func TestScoreLabelOrderAndUnknowns(t *testing.T) {
	s, _ := Score([]string{"z", "b"}, []string{"b", "y"}, []string{"b", "a"})
	if want := []string{"b", "a", "y", "z"}; !slices.Equal(s.Labels, want) {
		t.Errorf("labels %q, want %q", s.Labels, want)
	}
	// "a" never occurs nor is predicted: it must not drag macro-F1 down.
	if s.MacroF1 != 0 || s.PerClass[1].F1 != 0 {
		t.Errorf("macro-F1 %v", s.MacroF1)
	}
	if _, err := Score([]string{"a"}, nil, nil); err == nil {
		t.Error("mismatched lengths accepted")
	}
	if _, err := json.Marshal(s); err != nil {
		t.Errorf("scores do not encode as JSON: %v", err)
	}
}

func TestPrecisionCoverageAndThreshold(t *testing.T) {
	conf := []float64{0.9, 0.8, 0.6, 0.3}
	correct := []bool{true, true, false, true}
	pts := PrecisionCoverage(conf, correct, []float64{0.5, 0, 0.85, 0.95})
	want := []CurvePoint{
		{Threshold: 0, Coverage: 1, Precision: 0.75, Covered: 4},
		{Threshold: 0.5, Coverage: 0.75, Precision: 2.0 / 3, Covered: 3},
		{Threshold: 0.85, Coverage: 0.25, Precision: 1, Covered: 1},
		{Threshold: 0.95, Coverage: 0, Precision: 0, Covered: 0},
	}
	if len(pts) != len(want) {
		t.Fatalf("got %d points", len(pts))
	}
	for i := range want {
		if pts[i].Threshold != want[i].Threshold || !near(pts[i].Coverage, want[i].Coverage) || !near(pts[i].Precision, want[i].Precision) || pts[i].Covered != want[i].Covered {
			t.Errorf("point %d = %+v, want %+v", i, pts[i], want[i])
		}
	}
	tests := []struct {
		min       float64
		reached   bool
		threshold float64
		coverage  float64
	}{
		{0.7, true, 0, 1},       // precision is not monotone: 0 beats 0.5
		{0.9, true, 0.85, 0.25}, // first threshold at or above 0.9
		{1, true, 0.85, 0.25},   // exactly reached
		{1.01, false, 1, 0},     // unreachable: never automate
	}
	for _, tt := range tests {
		got := ChooseThreshold(pts, tt.min)
		if got.Reached != tt.reached || got.Threshold != tt.threshold || !near(got.Coverage, tt.coverage) {
			t.Errorf("ChooseThreshold(%v) = %+v", tt.min, got)
		}
		if !got.Reached && got.Reason == "" {
			t.Errorf("ChooseThreshold(%v): no reason given", tt.min)
		}
	}
	if got := ChooseThreshold(nil, 0.5); got.Reached || got.Reason == "" {
		t.Errorf("empty curve: %+v", got)
	}
	// A threshold that covers nothing has no precision to trust, even
	// against a target of 0.
	if got := ChooseThreshold([]CurvePoint{{Threshold: 0.9}}, 0); got.Reached {
		t.Errorf("uncovered point chosen: %+v", got)
	}
}

func TestDefaultThresholds(t *testing.T) {
	ts := DefaultThresholds()
	if !slices.IsSorted(ts) || ts[0] != 0 || ts[14] != 0.7 || ts[len(ts)-1] != 0.99 {
		t.Errorf("DefaultThresholds() = %v", ts)
	}
}

func TestMajorityBaseline(t *testing.T) {
	tests := []struct {
		train, gold []string
		label       string
		acc         float64
	}{
		{[]string{"a", "b", "b", "c"}, []string{"b", "a", "b"}, "b", 2.0 / 3},
		{[]string{"b", "a"}, []string{"a"}, "a", 1}, // tie → alphabetically first
		{nil, nil, "", 0},
	}
	for _, tt := range tests {
		l, acc := MajorityBaseline(tt.train, tt.gold)
		if l != tt.label || !near(acc, tt.acc) {
			t.Errorf("MajorityBaseline(%v, %v) = %s %v", tt.train, tt.gold, l, acc)
		}
	}
}

func TestCalibrationError(t *testing.T) {
	if got := CalibrationError([]float64{0.9, 0.9}, []bool{true, false}, 10); !near(got, 0.4) {
		t.Errorf("ECE = %v, want 0.4", got)
	}
	if got := CalibrationError([]float64{1, 0.25}, []bool{true, false}, 4); !near(got, 0.125) {
		t.Errorf("ECE = %v, want 0.125", got)
	}
}

func TestEvaluate(t *testing.T) {
	m := trainTopics(t, AlgoLogReg, 1)
	docs := append(topicDocs(10, 99), Doc{Text: "refund", Label: "returns"})
	r := Evaluate(m, docs)
	if r.N != 31 || r.Unknown != 1 || r.Accuracy < 0.9 || r.Accuracy == 1 {
		t.Errorf("report: n %d unknown %d accuracy %v", r.N, r.Unknown, r.Accuracy)
	}
	if r.MajorityLabel != "billing" || !near(r.MajorityAccuracy, 10.0/31) {
		t.Errorf("baseline %s %v", r.MajorityLabel, r.MajorityAccuracy)
	}
	if !slices.Equal(r.Labels, []string{"billing", "login", "shipping", "returns"}) || len(r.Confusion) != 4 {
		t.Errorf("labels %q", r.Labels)
	}
	if len(r.Curve) != len(DefaultThresholds()) || r.Curve[0].Coverage != 1 {
		t.Errorf("curve %+v", r.Curve)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("report does not encode: %v", err)
	}
}

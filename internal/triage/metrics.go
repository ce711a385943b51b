package triage

import (
	"fmt"
	"math"
	"slices"
)

// ClassMetrics are one label's scores. Precision is 0 when the label was
// never predicted, recall 0 when it never occurs (no NaN, so it prints as
// JSON).
type ClassMetrics struct {
	Label     string  `json:"label"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
	Predicted int     `json:"predicted"`
}

// Scores are the threshold-free metrics of a set of predictions.
type Scores struct {
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
	// MacroF1 averages F1 over labels that occur in gold or predictions, so
	// a rare team counts as much as a busy one.
	MacroF1  float64        `json:"macro_f1"`
	Labels   []string       `json:"labels"`
	PerClass []ClassMetrics `json:"per_class"`
	// Confusion[i][j] counts documents of gold label Labels[i] predicted as
	// Labels[j].
	Confusion [][]int `json:"confusion"`
}

// Score compares predicted labels with gold labels. labels fixes the order
// of rows and columns; any label found only in gold or pred is appended in
// sorted order.
func Score(gold, pred []string, labels []string) (Scores, error) {
	if len(gold) != len(pred) {
		return Scores{}, fmt.Errorf("triage: %d gold labels but %d predictions", len(gold), len(pred))
	}
	labels = slices.Clone(labels)
	pos := map[string]int{}
	for i, l := range labels {
		pos[l] = i
	}
	var extra []string
	for _, l := range slices.Concat(gold, pred) {
		if _, ok := pos[l]; !ok {
			pos[l] = -1
			extra = append(extra, l)
		}
	}
	slices.Sort(extra)
	for _, l := range extra {
		pos[l] = len(labels)
		labels = append(labels, l)
	}
	k := len(labels)
	conf := make([][]int, k)
	for i := range conf {
		conf[i] = make([]int, k)
	}
	correct := 0
	for i := range gold {
		conf[pos[gold[i]]][pos[pred[i]]]++
		if gold[i] == pred[i] {
			correct++
		}
	}
	s := Scores{N: len(gold), Labels: labels, Confusion: conf, PerClass: make([]ClassMetrics, k)}
	if s.N > 0 {
		s.Accuracy = float64(correct) / float64(s.N)
	}
	active := 0
	for c := range k {
		m := ClassMetrics{Label: labels[c]}
		tp := conf[c][c]
		for j := range k {
			m.Support += conf[c][j]
			m.Predicted += conf[j][c]
		}
		m.Precision = ratio(tp, m.Predicted)
		m.Recall = ratio(tp, m.Support)
		if m.Precision+m.Recall > 0 {
			m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
		}
		if m.Support > 0 || m.Predicted > 0 {
			active++
			s.MacroF1 += m.F1
		}
		s.PerClass[c] = m
	}
	if active > 0 {
		s.MacroF1 /= float64(active)
	}
	return s, nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// CurvePoint is one confidence threshold: how much would be decided
// automatically (coverage) and how often that decision is right (precision).
type CurvePoint struct {
	Threshold float64 `json:"threshold"`
	Coverage  float64 `json:"coverage"`
	// Precision is 0 when nothing is covered; Covered says so.
	Precision float64 `json:"precision"`
	Covered   int     `json:"covered"`
}

// DefaultThresholds are 0, 0.05, …, 0.95 and 0.97, 0.99: coarse in the
// middle, finer near 1 where high-precision automation lives.
func DefaultThresholds() []float64 {
	var t []float64
	for i := range 20 {
		t = append(t, float64(i*5)/100) // exact decimals, not 0.7000000000000001

	}
	return append(t, 0.97, 0.99)
}

// PrecisionCoverage computes, for each threshold t (sorted ascending in the
// result), the fraction of items with confidence ≥ t and the precision among
// them.
func PrecisionCoverage(confidence []float64, correct []bool, thresholds []float64) []CurvePoint {
	ts := slices.Clone(thresholds)
	slices.Sort(ts)
	ts = slices.Compact(ts)
	out := make([]CurvePoint, 0, len(ts))
	for _, t := range ts {
		p := CurvePoint{Threshold: t}
		right := 0
		for i, c := range confidence {
			if c >= t {
				p.Covered++
				if correct[i] {
					right++
				}
			}
		}
		if len(confidence) > 0 {
			p.Coverage = float64(p.Covered) / float64(len(confidence))
		}
		p.Precision = ratio(right, p.Covered)
		out = append(out, p)
	}
	return out
}

// ThresholdChoice is the outcome of ChooseThreshold.
type ThresholdChoice struct {
	// Reached is false when no threshold reaches the target; Threshold is
	// then +1 ("never act automatically") and Reason says why.
	Reached      bool    `json:"reached"`
	MinPrecision float64 `json:"min_precision"`
	Threshold    float64 `json:"threshold"`
	Coverage     float64 `json:"coverage"`
	Precision    float64 `json:"precision"`
	Reason       string  `json:"reason,omitempty"`
}

// ChooseThreshold returns the lowest threshold whose precision is at least
// minPrecision — the one that automates the most. Points covering nothing
// never qualify: an empty set has no precision to trust.
func ChooseThreshold(points []CurvePoint, minPrecision float64) ThresholdChoice {
	ps := slices.Clone(points)
	slices.SortFunc(ps, func(a, b CurvePoint) int {
		switch {
		case a.Threshold < b.Threshold:
			return -1
		case a.Threshold > b.Threshold:
			return 1
		}
		return 0
	})
	best := -1.0
	for _, p := range ps {
		if p.Covered > 0 && p.Precision >= minPrecision {
			return ThresholdChoice{Reached: true, MinPrecision: minPrecision, Threshold: p.Threshold, Coverage: p.Coverage, Precision: p.Precision}
		}
		if p.Covered > 0 {
			best = max(best, p.Precision)
		}
	}
	reason := "no threshold covers any item"
	if best >= 0 {
		reason = fmt.Sprintf("best precision at any threshold is %.3f, below the target %.3f", best, minPrecision)
	}
	return ThresholdChoice{MinPrecision: minPrecision, Threshold: 1, Reason: reason}
}

// MajorityBaseline is the accuracy of always answering the most frequent
// training label (ties: the alphabetically first), the floor any model must
// beat.
func MajorityBaseline(trainLabels, gold []string) (label string, accuracy float64) {
	counts := map[string]int{}
	for _, l := range trainLabels {
		counts[l]++
	}
	best := 0
	for l, n := range counts {
		if n > best || (n == best && l < label) {
			label, best = l, n
		}
	}
	hit := 0
	for _, g := range gold {
		if g == label {
			hit++
		}
	}
	return label, ratio(hit, len(gold))
}

// CalibrationError is the expected calibration error over bins equal-width
// bins of confidence: the average gap between claimed confidence and actual
// accuracy, weighted by how many predictions fall in each bin.
func CalibrationError(confidence []float64, correct []bool, bins int) float64 {
	if len(confidence) == 0 || bins <= 0 {
		return 0
	}
	conf := make([]float64, bins)
	acc := make([]float64, bins)
	n := make([]int, bins)
	for i, c := range confidence {
		b := min(int(c*float64(bins)), bins-1)
		b = max(b, 0)
		conf[b] += c
		if correct[i] {
			acc[b]++
		}
		n[b]++
	}
	var ece float64
	for b := range bins {
		if n[b] > 0 {
			ece += math.Abs(acc[b]-conf[b]) / float64(len(confidence))
		}
	}
	return ece
}

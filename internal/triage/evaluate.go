package triage

import "math"

// Report is everything `triage eval` prints about a model on held-out
// documents.
type Report struct {
	Algorithm string `json:"algorithm"`
	Scores
	// MajorityLabel/MajorityAccuracy: the baseline of always answering the
	// most frequent training label.
	MajorityLabel    string  `json:"majority_label"`
	MajorityAccuracy float64 `json:"majority_accuracy"`
	// LogLoss is the mean negative log-probability of the gold label, over
	// documents whose label the model knows.
	LogLoss float64 `json:"log_loss"`
	// CalibrationError is the expected calibration error (10 bins).
	CalibrationError float64      `json:"calibration_error"`
	Unknown          int          `json:"unknown_labels"`
	Curve            []CurvePoint `json:"curve"`
}

// Evaluate predicts every doc and scores the predictions against their labels.
// Labels the model never saw stay in the report (they count as errors and as
// Unknown) rather than being dropped, so a new team shows up as a gap.
func Evaluate(m *Model, docs []Doc) Report {
	labels := m.Labels()
	pos := make(map[string]int, len(labels))
	for c, l := range labels {
		pos[l] = c
	}
	gold := make([]string, len(docs))
	pred := make([]string, len(docs))
	conf := make([]float64, len(docs))
	correct := make([]bool, len(docs))
	r := Report{Algorithm: m.Algorithm()}
	known := 0
	for i, d := range docs {
		p := m.Classify(d.Text)
		gold[i], pred[i], conf[i] = d.Label, p.Label, p.Confidence
		correct[i] = p.Label == d.Label
		if c, ok := pos[d.Label]; ok {
			r.LogLoss -= math.Log(max(p.Probs[c], 1e-15))
			known++
		} else {
			r.Unknown++
		}
	}
	if known > 0 {
		r.LogLoss /= float64(known)
	}
	r.Scores, _ = Score(gold, pred, labels) // lengths match by construction
	major := 0
	for c, n := range m.counts {
		if n > m.counts[major] {
			major = c
		}
	}
	r.MajorityLabel = labels[major]
	for _, g := range gold {
		if g == r.MajorityLabel {
			r.MajorityAccuracy++
		}
	}
	if len(gold) > 0 {
		r.MajorityAccuracy /= float64(len(gold))
	}
	r.CalibrationError = CalibrationError(conf, correct, 10)
	r.Curve = PrecisionCoverage(conf, correct, DefaultThresholds())
	return r
}

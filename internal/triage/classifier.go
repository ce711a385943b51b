package triage

import (
	"cmp"
	"math"
	"slices"
)

// Classifier scores a feature vector against every class.
type Classifier interface {
	// Predict returns the most likely class and the full distribution.
	Predict(x Sparse) Prediction
	// Explain returns up to k features of x that pushed it most towards
	// class, strongest first. Term.Term is left empty: only the vectoriser
	// knows feature names (Model.TopTerms fills them in).
	Explain(x Sparse, class int, k int) []Term
	// Labels returns the class names, indexed by class number.
	Labels() []string
}

// Prediction is a classifier's answer for one document.
type Prediction struct {
	Class      int       `json:"class"`
	Label      string    `json:"label"`
	Confidence float64   `json:"confidence"`
	Probs      []float64 `json:"probs"`
}

// Term is one feature's contribution to a class score (in logit units,
// relative to the average class).
type Term struct {
	Feature int     `json:"feature"`
	Term    string  `json:"term"`
	Value   float64 `json:"value"`
	Weight  float64 `json:"weight"`
}

// linear is the shared shape of both classifiers: score_c = b_c + Σ_j x_j·W[j,c],
// probabilities = softmax(score / temperature). Naive Bayes fits this form
// (log-likelihoods are linear in term counts), so prediction, explanation and
// serialisation are written once.
type linear struct {
	labels []string
	nf     int       // features
	w      []float32 // feature-major: W[j,c] = w[j*len(labels)+c]; rows a sparse x touches are contiguous
	b      []float64
	temp   float64
}

func (l *linear) Labels() []string { return slices.Clone(l.labels) }

func (l *linear) logits(x Sparse, z []float64) {
	k := len(l.labels)
	copy(z, l.b)
	for n, j := range x.Idx {
		if int(j) >= l.nf {
			continue
		}
		xv := x.Val[n]
		row := l.w[int(j)*k : int(j)*k+k]
		for c, wv := range row {
			z[c] += float64(wv) * xv
		}
	}
}

func (l *linear) Predict(x Sparse) Prediction {
	z := make([]float64, len(l.labels))
	l.logits(x, z)
	return l.predictFromLogits(z)
}

func (l *linear) predictFromLogits(z []float64) Prediction {
	t := l.temp
	if t <= 0 {
		t = 1
	}
	for c := range z {
		z[c] /= t
	}
	softmax(z)
	best := 0
	for c, p := range z {
		if p > z[best] {
			best = c
		}
	}
	return Prediction{Class: best, Label: l.labels[best], Confidence: z[best], Probs: z}
}

func (l *linear) Explain(x Sparse, class int, k int) []Term {
	if class < 0 || class >= len(l.labels) || k <= 0 {
		return nil
	}
	nc := len(l.labels)
	var terms []Term
	for n, j := range x.Idx {
		if int(j) >= l.nf {
			continue
		}
		// Weights are centred per feature at training time, so W[j,c] is
		// already "how much more this feature says c than the average class".
		contrib := float64(l.w[int(j)*nc+class]) * x.Val[n]
		if contrib > 0 {
			terms = append(terms, Term{Feature: int(j), Value: x.Val[n], Weight: contrib})
		}
	}
	slices.SortFunc(terms, func(a, b Term) int {
		if c := cmp.Compare(b.Weight, a.Weight); c != 0 {
			return c
		}
		return cmp.Compare(a.Feature, b.Feature)
	})
	if len(terms) > k {
		terms = terms[:k]
	}
	return terms
}

// centre subtracts each feature's mean weight over classes. Softmax ignores a
// constant added to every class, so predictions do not change, but a weight
// then reads as evidence for one class against the others.
func centre(w []float64, k int) {
	for j := 0; j+k <= len(w); j += k {
		var mean float64
		for _, v := range w[j : j+k] {
			mean += v
		}
		mean /= float64(k)
		for c := j; c < j+k; c++ {
			w[c] -= mean
		}
	}
}

func toFloat32(w []float64) []float32 {
	out := make([]float32, len(w))
	for i, v := range w {
		out[i] = float32(v)
	}
	return out
}

// softmax turns z into probabilities in place, shifting by the maximum so
// large scores cannot overflow.
func softmax(z []float64) {
	if len(z) == 0 {
		return
	}
	m := slices.Max(z)
	var sum float64
	for i, v := range z {
		e := math.Exp(v - m)
		z[i] = e
		sum += e
	}
	for i := range z {
		z[i] /= sum
	}
}

// NaiveBayes is a multinomial naive Bayes classifier with Lidstone smoothing.
type NaiveBayes struct{ linear }

// LogisticRegression is an L2-regularised multinomial (softmax) logistic
// regression with temperature-calibrated probabilities.
type LogisticRegression struct{ linear }

// Temperature is the calibration temperature applied to scores (1 = none).
func (l *linear) Temperature() float64 { return l.temp }

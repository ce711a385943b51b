package triage

import (
	"bytes"
	"math"
	"slices"
	"testing"
)

var algorithms = []string{AlgoLogReg, AlgoNaiveBayes}

func trainTopics(t testing.TB, algo string, seed int64) *Model {
	t.Helper()
	m, err := Train(topicDocs(30, 7), TrainOptions{Algorithm: algo, Seed: seed})
	if err != nil {
		t.Fatalf("Train(%s): %v", algo, err)
	}
	return m
}

func TestClassifiersKnownAnswers(t *testing.T) {
	cases := []struct {
		text string
		want string
	}{
		{"I need a refund for this invoice", "billing"},
		{"my password reset does not work, account locked", "login"},
		{"where is my parcel? tracking shows nothing", "shipping"},
		{"the courier lost the package", "shipping"},
		{"charged twice, need the receipt", "billing"},
	}
	for _, algo := range algorithms {
		m := trainTopics(t, algo, 1)
		for _, c := range cases {
			label, conf, dist := m.Predict(c.text)
			if label != c.want {
				t.Errorf("%s: Predict(%q) = %s (%.2f), want %s", algo, c.text, label, conf, c.want)
			}
			var sum float64
			for _, p := range dist {
				if p < 0 || p > 1 {
					t.Errorf("%s: probability %v out of [0,1]", algo, p)
				}
				sum += p
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("%s: probabilities sum to %v", algo, sum)
			}
			if want := slices.Max(dist); conf != want || conf < 1.0/3 {
				t.Errorf("%s: confidence %v, max probability %v", algo, conf, want)
			}
		}
	}
}

func TestClassifierInterface(t *testing.T) {
	for _, algo := range algorithms {
		m := trainTopics(t, algo, 1)
		var c Classifier = m.Classifier()
		switch c.(type) {
		case *NaiveBayes:
			if algo != AlgoNaiveBayes {
				t.Errorf("%s model has a naive Bayes classifier", algo)
			}
		case *LogisticRegression:
			if algo != AlgoLogReg {
				t.Errorf("%s model has a logistic regression classifier", algo)
			}
		}
		x := m.Vectorize("refund invoice")
		p := c.Predict(x)
		if p.Label != "billing" || !slices.Equal(c.Labels(), []string{"billing", "login", "shipping"}) {
			t.Errorf("%s: %+v, labels %q", algo, p, c.Labels())
		}
	}
}

func TestDeterminism(t *testing.T) {
	for _, algo := range algorithms {
		a, _ := trainTopics(t, algo, 42).Marshal()
		b, _ := trainTopics(t, algo, 42).Marshal()
		if !bytes.Equal(a, b) {
			t.Errorf("%s: same seed gave different model bytes", algo)
		}
	}
	// The seed must matter for SGD, or "deterministic" would be vacuous.
	a, _ := trainTopics(t, AlgoLogReg, 42).Marshal()
	b, _ := trainTopics(t, AlgoLogReg, 43).Marshal()
	if bytes.Equal(a, b) {
		t.Error("logreg: different seeds gave identical models")
	}
}

func TestExplain(t *testing.T) {
	for _, algo := range algorithms {
		m := trainTopics(t, algo, 1)
		terms := m.TopTerms("please refund my invoice today", 2)
		var got []string
		for _, term := range terms {
			got = append(got, term.Term)
			if term.Weight <= 0 {
				t.Errorf("%s: term %q has non-positive weight %v", algo, term.Term, term.Weight)
			}
		}
		// The top terms must be topic words, never the filler words that
		// occur equally in every class. Character n-grams of the topic
		// words count too (logreg uses them).
		for _, g := range got {
			if !isFrom(g, "refund", "invoic") {
				t.Errorf("%s: top terms %q include %q, want only refund/invoice evidence", algo, got, g)
			}
		}
		if len(got) != 2 {
			t.Errorf("%s: got %d terms, want 2", algo, len(got))
		}
		// Explaining a class the text is not about gives little or nothing.
		x := m.Vectorize("please refund my invoice today")
		for _, term := range m.ExplainClass(x, slices.Index(m.Labels(), "shipping"), 5) {
			if isFrom(term.Term, "refund", "invoic") {
				t.Errorf("%s: %q supports shipping", algo, term.Term)
			}
		}
	}
}

// isFrom reports whether a feature is one of words, a bigram containing one,
// or a character n-gram inside one.
func isFrom(feature string, words ...string) bool {
	for _, w := range words {
		switch {
		case feature == w:
			return true
		case len(feature) > 1 && feature[0] == '~':
			gram := feature[1:]
			if contains("_"+w+"_", gram) || contains("_"+w+"e_", gram) {
				return true
			}
		case contains(feature, " ") && (contains(feature, w+" ") || contains(feature, " "+w)):
			return true
		}
	}
	return false
}

func contains(s, sub string) bool { return bytes.Contains([]byte(s), []byte(sub)) }

func TestUninformativeTextIsNotConfident(t *testing.T) {
	for _, algo := range algorithms {
		m := trainTopics(t, algo, 1)
		for _, text := range []string{"", "hello please help", "zzz qqq"} {
			if _, conf, _ := m.Predict(text); conf > 0.6 {
				t.Errorf("%s: Predict(%q) confidence %.3f, want ≤ 0.6", algo, text, conf)
			}
		}
	}
}

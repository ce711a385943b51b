package triage

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestMarshalRoundTrip(t *testing.T) {
	texts := []string{"refund my invoice", "locked out, reset password", "parcel tracking", "", "something else entirely 12345"}
	for _, algo := range algorithms {
		m := trainTopics(t, algo, 5)
		data, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Unmarshal(data)
		if err != nil {
			t.Fatalf("%s: Unmarshal: %v", algo, err)
		}
		for _, text := range texts {
			l1, c1, d1 := m.Predict(text)
			l2, c2, d2 := back.Predict(text)
			if l1 != l2 || c1 != c2 || !slices.Equal(d1, d2) {
				t.Errorf("%s: %q: before %s %v %v, after %s %v %v", algo, text, l1, c1, d1, l2, c2, d2)
			}
			if a, b := m.TopTerms(text, 5), back.TopTerms(text, 5); !slices.Equal(a, b) {
				t.Errorf("%s: %q: top terms %v vs %v", algo, text, a, b)
			}
		}
		again, _ := back.Marshal()
		if string(again) != string(data) {
			t.Errorf("%s: re-marshalled model differs", algo)
		}
		if !slices.Equal(back.Labels(), m.Labels()) || back.ClassCounts()["billing"] != 30 || back.Algorithm() != algo {
			t.Errorf("%s: labels %q counts %v algorithm %s", algo, back.Labels(), back.ClassCounts(), back.Algorithm())
		}
	}
}

func TestModelDocIsSelfDescribing(t *testing.T) {
	m := trainTopics(t, AlgoLogReg, 1)
	data, _ := m.Marshal()
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"format_version", "kind", "algorithm", "labels", "class_counts", "options", "vectorizer", "classifier"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("serialised model lacks %q", key)
		}
	}
	if raw["format_version"] != float64(FormatVersion) {
		t.Errorf("format_version = %v", raw["format_version"])
	}
}

func TestUnmarshalRejectsBadDocuments(t *testing.T) {
	m := trainTopics(t, AlgoNaiveBayes, 1)
	tests := []struct {
		name   string
		mutate func(*ModelDoc)
		want   string
	}{
		{"newer version", func(d *ModelDoc) { d.FormatVersion = FormatVersion + 1 }, "version"},
		{"wrong kind", func(d *ModelDoc) { d.Kind = "something" }, "kind"},
		{"truncated weights", func(d *ModelDoc) {
			d.Classifier.Weights.Data = d.Classifier.Weights.Data[:8]
		}, "weights"},
		{"label count", func(d *ModelDoc) { d.Labels = d.Labels[:2] }, "labels"},
		{"vocabulary size", func(d *ModelDoc) { d.Vectorizer.Terms = d.Vectorizer.Terms[1:] }, "terms"},
		{"temperature", func(d *ModelDoc) { d.Classifier.Temperature = 0 }, "temperature"},
		{"algorithm", func(d *ModelDoc) { d.Algorithm = AlgoLogReg }, "algorithm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := m.Doc()
			tt.mutate(&d)
			if _, err := FromDoc(d); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("FromDoc error = %v, want mention of %q", err, tt.want)
			}
		})
	}
	if _, err := Unmarshal([]byte("{")); err == nil {
		t.Error("Unmarshal accepted broken JSON")
	}
}

func TestTrainErrors(t *testing.T) {
	tests := []struct {
		name string
		docs []Doc
		opts TrainOptions
		is   error
	}{
		{"no docs", nil, TrainOptions{}, ErrNoData},
		{"one label", []Doc{{"a", "x"}, {"b", "x"}}, TrainOptions{}, ErrNoData},
		{"empty label", []Doc{{"a", "x"}, {"b", " "}}, TrainOptions{}, nil},
		{"unknown algorithm", topicDocs(2, 1), TrainOptions{Algorithm: "svm"}, nil},
		{"bad nb features", topicDocs(2, 1), TrainOptions{Algorithm: AlgoNaiveBayes, NBFeatures: "bits"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Train(tt.docs, tt.opts)
			if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("Train error = %v, want %v", err, tt.is)
			}
		})
	}
}

func TestWeightBudgetCapsVocabulary(t *testing.T) {
	// 3 classes × 4 bytes × 10 features.
	m, err := Train(topicDocs(30, 7), TrainOptions{MaxWeightBytes: 3 * 4 * 10})
	if err != nil {
		t.Fatal(err)
	}
	if n := m.Vectorizer().Size(); n != 10 {
		t.Errorf("vocabulary %d, want 10", n)
	}
	if got := m.Options().Vectorizer.MaxFeatures; got != 10 {
		t.Errorf("stored max_features %d, want 10", got)
	}
}

func TestDefaultTrainOptions(t *testing.T) {
	lr := DefaultTrainOptions("")
	if lr.Algorithm != AlgoLogReg || lr.Epochs == 0 || lr.L2 == 0 || lr.Tokenizer.CharNGramMax == 0 || lr.CalibrationSplit != 0.1 {
		t.Errorf("logreg defaults: %+v", lr)
	}
	nb := DefaultTrainOptions(AlgoNaiveBayes)
	if nb.Alpha == 0 || nb.NBFeatures != FeaturesCounts || nb.Tokenizer.CharNGramMax != 0 {
		t.Errorf("nb defaults: %+v", nb)
	}
}

func TestCalibrationSplitOff(t *testing.T) {
	m, err := Train(topicDocs(30, 7), TrainOptions{CalibrationSplit: -1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Temperature() != 1 {
		t.Errorf("temperature %v without calibration, want 1", m.Temperature())
	}
	if math.IsNaN(m.Temperature()) {
		t.Error("NaN temperature")
	}
}

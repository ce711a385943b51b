package triage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// FormatVersion is the version of ModelDoc written by this package. Readers
// refuse newer versions instead of misreading them.
const FormatVersion = 1

// ModelKind identifies a serialised router model.
const ModelKind = "ticketctl.triage.router"

// Blob encodings.
const (
	EncFloat32LE = "float32le"
	EncFloat64LE = "float64le"
)

// ModelDoc is the self-describing, storable form of a Model: one MongoDB
// document (or JSON file). Large numeric arrays are little-endian binary
// blobs, 4 bytes per weight, instead of BSON arrays that cost ~15 bytes per
// number with their index keys; that is what keeps 77 classes × tens of
// thousands of features well under the 16 MB document limit.
type ModelDoc struct {
	FormatVersion int           `json:"format_version" bson:"format_version"`
	Kind          string        `json:"kind" bson:"kind"`
	Algorithm     string        `json:"algorithm" bson:"algorithm"`
	Labels        []string      `json:"labels" bson:"labels"`
	ClassCounts   []int         `json:"class_counts" bson:"class_counts"`
	TrainedDocs   int           `json:"trained_docs" bson:"trained_docs"`
	Options       TrainOptions  `json:"options" bson:"options"`
	Vectorizer    VectorizerDoc `json:"vectorizer" bson:"vectorizer"`
	Classifier    ClassifierDoc `json:"classifier" bson:"classifier"`
}

// VectorizerDoc is the fitted vocabulary and IDF.
type VectorizerDoc struct {
	Tokenizer TokenizerOptions  `json:"tokenizer" bson:"tokenizer"`
	Options   VectorizerOptions `json:"options" bson:"options"`
	// Features is FeaturesTFIDF (L2-normalised, words and character n-grams
	// each on their own) or FeaturesCounts (raw counts).
	Features string   `json:"features" bson:"features"`
	Terms    []string `json:"terms" bson:"terms"`
	IDF      Blob     `json:"idf" bson:"idf"`
}

// ClassifierDoc is a linear model: score_c = bias_c + Σ_j x_j·W[j,c], then
// softmax(score/temperature).
type ClassifierDoc struct {
	Classes  int `json:"classes" bson:"classes"`
	Features int `json:"features" bson:"features"`
	// Layout "feature_major": weight of feature j for class c is element
	// j*classes+c.
	Layout      string    `json:"layout" bson:"layout"`
	Weights     Blob      `json:"weights" bson:"weights"`
	Bias        []float64 `json:"bias" bson:"bias"`
	Temperature float64   `json:"temperature" bson:"temperature"`
}

// Blob is a numeric array packed as bytes.
type Blob struct {
	Encoding string `json:"encoding" bson:"encoding"`
	Len      int    `json:"len" bson:"len"`
	Data     []byte `json:"data" bson:"data"`
}

const layoutFeatureMajor = "feature_major"

// Doc returns the storable form of m.
func (m *Model) Doc() ModelDoc {
	features := FeaturesTFIDF
	if m.opts.NBFeatures == FeaturesCounts {
		features = FeaturesCounts
	}
	return ModelDoc{
		FormatVersion: FormatVersion,
		Kind:          ModelKind,
		Algorithm:     m.opts.Algorithm,
		Labels:        slices.Clone(m.lin.labels),
		ClassCounts:   slices.Clone(m.counts),
		TrainedDocs:   sum(m.counts),
		Options:       m.Options(),
		Vectorizer: VectorizerDoc{
			Tokenizer: m.vec.tok,
			Options:   m.vec.opts,
			Features:  features,
			Terms:     slices.Clone(m.vec.terms),
			IDF:       packFloat64(m.vec.idf),
		},
		Classifier: ClassifierDoc{
			Classes:     len(m.lin.labels),
			Features:    m.lin.nf,
			Layout:      layoutFeatureMajor,
			Weights:     packFloat32(m.lin.w),
			Bias:        slices.Clone(m.lin.b),
			Temperature: m.lin.temp,
		},
	}
}

// FromDoc rebuilds a Model from its storable form, checking that the parts
// agree with each other.
func FromDoc(d ModelDoc) (*Model, error) {
	if d.Kind != ModelKind {
		return nil, fmt.Errorf("triage: document kind %q is not a %s model", d.Kind, ModelKind)
	}
	if d.FormatVersion < 1 || d.FormatVersion > FormatVersion {
		return nil, fmt.Errorf("triage: model format version %d not supported (this build reads 1..%d)", d.FormatVersion, FormatVersion)
	}
	o, err := d.Options.Resolved()
	if err != nil {
		return nil, fmt.Errorf("triage: model options: %w", err)
	}
	if o.Algorithm != d.Algorithm {
		return nil, fmt.Errorf("triage: model algorithm %q disagrees with its options (%q)", d.Algorithm, o.Algorithm)
	}
	tok := d.Vectorizer.Tokenizer.Resolved()
	o.Tokenizer = &tok
	wantFeatures := FeaturesTFIDF
	if o.NBFeatures == FeaturesCounts {
		wantFeatures = FeaturesCounts
	}
	if d.Vectorizer.Features != wantFeatures {
		return nil, fmt.Errorf("triage: vectorizer features %q, options say %q", d.Vectorizer.Features, wantFeatures)
	}
	idf, err := unpackFloat64(d.Vectorizer.IDF)
	if err != nil {
		return nil, fmt.Errorf("triage: idf: %w", err)
	}
	vec, err := newVectorizer(tok, d.Vectorizer.Options, slices.Clone(d.Vectorizer.Terms), idf)
	if err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	c := d.Classifier
	k := len(d.Labels)
	switch {
	case k < 2 || c.Classes != k || len(c.Bias) != k || len(d.ClassCounts) != k:
		return nil, fmt.Errorf("triage: %d labels, %d classes, %d biases, %d class counts", k, c.Classes, len(c.Bias), len(d.ClassCounts))
	case c.Features != vec.Size():
		return nil, fmt.Errorf("triage: classifier has %d features, vocabulary %d", c.Features, vec.Size())
	case c.Layout != layoutFeatureMajor:
		return nil, fmt.Errorf("triage: unknown weight layout %q", c.Layout)
	case !(c.Temperature > 0) || math.IsInf(c.Temperature, 0):
		return nil, fmt.Errorf("triage: bad temperature %v", c.Temperature)
	case !slices.IsSorted(d.Labels) || len(slices.Compact(slices.Clone(d.Labels))) != k:
		return nil, fmt.Errorf("triage: labels must be sorted and unique")
	}
	for _, b := range c.Bias {
		if math.IsNaN(b) || math.IsInf(b, 0) {
			return nil, fmt.Errorf("triage: bias is not finite")
		}
	}
	w, err := unpackFloat32(c.Weights)
	if err != nil {
		return nil, fmt.Errorf("triage: weights: %w", err)
	}
	if len(w) != k*c.Features {
		return nil, fmt.Errorf("triage: %d weights, want %d×%d", len(w), c.Features, k)
	}
	return &Model{
		opts:   o,
		vec:    vec,
		lin:    &linear{labels: slices.Clone(d.Labels), nf: c.Features, w: w, b: slices.Clone(c.Bias), temp: c.Temperature},
		counts: slices.Clone(d.ClassCounts),
	}, nil
}

// Marshal encodes m as JSON (the same field names as the BSON document).
func (m *Model) Marshal() ([]byte, error) {
	return json.Marshal(m.Doc())
}

// Unmarshal decodes a model written by Marshal.
func Unmarshal(data []byte) (*Model, error) {
	var d ModelDoc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("triage: decode model: %w", err)
	}
	return FromDoc(d)
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func packFloat32(xs []float32) Blob {
	b := make([]byte, 4*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return Blob{Encoding: EncFloat32LE, Len: len(xs), Data: b}
}

func packFloat64(xs []float64) Blob {
	b := make([]byte, 8*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return Blob{Encoding: EncFloat64LE, Len: len(xs), Data: b}
}

func unpackFloat32(b Blob) ([]float32, error) {
	if b.Encoding != EncFloat32LE || len(b.Data) != 4*b.Len {
		return nil, fmt.Errorf("want %s blob of %d values, got %q with %d bytes", EncFloat32LE, b.Len, b.Encoding, len(b.Data))
	}
	out := make([]float32, b.Len)
	for i := range out {
		v := math.Float32frombits(binary.LittleEndian.Uint32(b.Data[4*i:]))
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("value %d is not finite", i)
		}
		out[i] = v
	}
	return out, nil
}

func unpackFloat64(b Blob) ([]float64, error) {
	if b.Encoding != EncFloat64LE || len(b.Data) != 8*b.Len {
		return nil, fmt.Errorf("want %s blob of %d values, got %q with %d bytes", EncFloat64LE, b.Len, b.Encoding, len(b.Data))
	}
	out := make([]float64, b.Len)
	for i := range out {
		v := math.Float64frombits(binary.LittleEndian.Uint64(b.Data[8*i:]))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("value %d is not finite", i)
		}
		out[i] = v
	}
	return out, nil
}

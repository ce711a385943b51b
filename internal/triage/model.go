package triage

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Algorithm names accepted in TrainOptions.Algorithm.
const (
	AlgoLogReg     = "logreg"
	AlgoNaiveBayes = "nb"
)

// Feature weightings for naive Bayes.
const (
	FeaturesTFIDF  = "tfidf"
	FeaturesCounts = "counts"
)

// Doc is one labelled training or evaluation example.
type Doc struct {
	Text  string `json:"text" bson:"text"`
	Label string `json:"label" bson:"label"`
}

// TrainOptions choose the algorithm and its hyper-parameters. Zero values
// mean "the default" (see DefaultTrainOptions), so callers set only what they
// change. The resolved options are stored in the model.
type TrainOptions struct {
	// Algorithm is AlgoLogReg (default) or AlgoNaiveBayes.
	Algorithm string `json:"algorithm" bson:"algorithm"`
	// Tokenizer overrides the algorithm's default tokenizer when not nil.
	Tokenizer *TokenizerOptions `json:"tokenizer,omitempty" bson:"tokenizer,omitempty"`
	// Vectorizer: MinDF and an explicit MaxFeatures cap.
	Vectorizer VectorizerOptions `json:"vectorizer" bson:"vectorizer"`
	// MaxWeightBytes caps classes × features × 4 bytes (float32 weights), so
	// a model with many classes keeps fewer features and still fits in one
	// MongoDB document (16 MB). Default 10 MiB.
	MaxWeightBytes int `json:"max_weight_bytes" bson:"max_weight_bytes"`

	// Logistic regression.
	Epochs       int     `json:"epochs,omitempty" bson:"epochs,omitempty"`
	L2           float64 `json:"l2,omitempty" bson:"l2,omitempty"`
	LearningRate float64 `json:"learning_rate,omitempty" bson:"learning_rate,omitempty"`
	// Seed fixes the shuffling of SGD and of the calibration split.
	Seed int64 `json:"seed" bson:"seed"`
	// CalibrationSplit is the fraction of each class held out to fit the
	// probability temperature before the final fit on all documents
	// (default 0.1; negative turns calibration off).
	CalibrationSplit float64 `json:"calibration_split" bson:"calibration_split"`

	// Naive Bayes.
	Alpha      float64 `json:"alpha,omitempty" bson:"alpha,omitempty"`
	NBFeatures string  `json:"nb_features,omitempty" bson:"nb_features,omitempty"`
}

// DefaultTrainOptions returns the resolved defaults for algorithm ("" means
// logreg).
func DefaultTrainOptions(algorithm string) TrainOptions {
	o, _ := TrainOptions{Algorithm: algorithm}.Resolved()
	return o
}

// DefaultTokenizer returns the tokenizer an algorithm uses unless told
// otherwise. Logistic regression gets character n-grams as well (they catch
// typos and word variants, and a discriminative model copes with their
// overlap) and keeps stop words: in one-line requests "my" vs "someone's" or
// "can" vs "did" separate intents, and the regulariser, not a word list,
// decides what is noise. Naive Bayes assumes features independent, which
// overlapping n-grams and frequent function words badly violate, so it gets
// content words only.
func DefaultTokenizer(algorithm string) TokenizerOptions {
	if algorithm == AlgoNaiveBayes {
		return TokenizerOptions{WordNGrams: 2}.Resolved()
	}
	return TokenizerOptions{KeepStopWords: true, WordNGrams: 2, CharNGramMin: 3, CharNGramMax: 5}.Resolved()
}

// Resolved fills defaults in and checks the options.
func (o TrainOptions) Resolved() (TrainOptions, error) {
	if o.Algorithm == "" {
		o.Algorithm = AlgoLogReg
	}
	if o.Algorithm != AlgoLogReg && o.Algorithm != AlgoNaiveBayes {
		return o, fmt.Errorf("unknown algorithm %q (want %q or %q)", o.Algorithm, AlgoLogReg, AlgoNaiveBayes)
	}
	tok := DefaultTokenizer(o.Algorithm)
	if o.Tokenizer != nil {
		tok = o.Tokenizer.Resolved()
	}
	o.Tokenizer = &tok
	o.Vectorizer = o.Vectorizer.Resolved()
	if o.MaxWeightBytes <= 0 {
		o.MaxWeightBytes = 10 << 20
	}
	if o.CalibrationSplit == 0 {
		o.CalibrationSplit = 0.1
	}
	if o.CalibrationSplit >= 0.5 {
		return o, fmt.Errorf("calibration split %v: must be below 0.5", o.CalibrationSplit)
	}
	switch o.Algorithm {
	case AlgoLogReg:
		if o.Epochs <= 0 {
			o.Epochs = 15
		}
		if o.L2 <= 0 {
			o.L2 = 1e-5
		}
		if o.LearningRate <= 0 {
			o.LearningRate = 0.5
		}
		o.Alpha, o.NBFeatures = 0, ""
	case AlgoNaiveBayes:
		if o.Alpha <= 0 {
			o.Alpha = 0.1
		}
		if o.NBFeatures == "" {
			o.NBFeatures = FeaturesCounts
		}
		if o.NBFeatures != FeaturesCounts && o.NBFeatures != FeaturesTFIDF {
			return o, fmt.Errorf("unknown naive Bayes features %q (want %q or %q)", o.NBFeatures, FeaturesCounts, FeaturesTFIDF)
		}
		o.Epochs, o.L2, o.LearningRate = 0, 0, 0
	}
	return o, nil
}

// Model is a trained router: tokenizer + vectoriser + classifier + labels.
// It is immutable after Train or Unmarshal and safe for concurrent use.
type Model struct {
	opts   TrainOptions
	vec    *Vectorizer
	lin    *linear
	counts []int
}

// ErrNoData is returned by Train when there is nothing to learn from.
var ErrNoData = errors.New("triage: need labelled documents of at least two labels")

// Train fits a model on docs. Labels are trimmed; documents with an empty
// label are an error rather than silently skipped, since they usually mean
// a caller bug.
func Train(docs []Doc, opts TrainOptions) (*Model, error) {
	o, err := opts.Resolved()
	if err != nil {
		return nil, err
	}
	labels, y, counts, err := indexLabels(docs)
	if err != nil {
		return nil, err
	}
	k := len(labels)
	feats := make([][]string, len(docs))
	for i, d := range docs {
		feats[i] = Features(d.Text, *o.Tokenizer)
	}
	budget := max(o.MaxWeightBytes/(4*k), 1) // 0 would mean "no cap"
	if o.Vectorizer.MaxFeatures == 0 || o.Vectorizer.MaxFeatures > budget {
		o.Vectorizer.MaxFeatures = budget
	}
	vec := fitFeatures(feats, *o.Tokenizer, o.Vectorizer)
	m := &Model{opts: o, vec: vec, counts: counts}
	x := make([]Sparse, len(docs))
	for i, f := range feats {
		x[i] = m.vectorizeFeatures(f)
	}
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x7472696167650001))
	fit := func(x []Sparse, y []int) *linear {
		if o.Algorithm == AlgoNaiveBayes {
			return &trainNaiveBayes(x, y, labels, vec.Size(), o.Alpha).linear
		}
		return &trainLogReg(x, y, labels, vec.Size(), sgdOptions{epochs: o.Epochs, l2: o.L2, lr: o.LearningRate}, rng).linear
	}
	temp := 1.0
	if fitIdx, heldIdx := stratifiedSplit(y, k, o.CalibrationSplit, rng); len(heldIdx) > 0 {
		part := fit(pick(x, fitIdx), pick(y, fitIdx))
		logits := make([][]float64, len(heldIdx))
		for n, i := range heldIdx {
			logits[n] = make([]float64, k)
			part.logits(x[i], logits[n])
		}
		temp = FitTemperature(logits, pick(y, heldIdx))
	}
	m.lin = fit(x, y)
	m.lin.temp = temp
	return m, nil
}

func indexLabels(docs []Doc) (labels []string, y []int, counts []int, err error) {
	set := map[string]int{}
	for i, d := range docs {
		l := strings.TrimSpace(d.Label)
		if l == "" {
			return nil, nil, nil, fmt.Errorf("triage: document %d has an empty label", i)
		}
		set[l]++
	}
	if len(set) < 2 {
		return nil, nil, nil, ErrNoData
	}
	for l := range set {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	pos := make(map[string]int, len(labels))
	counts = make([]int, len(labels))
	for c, l := range labels {
		pos[l] = c
		counts[c] = set[l]
	}
	y = make([]int, len(docs))
	for i, d := range docs {
		y[i] = pos[strings.TrimSpace(d.Label)]
	}
	return labels, y, counts, nil
}

// stratifiedSplit holds out about frac of every class that has at least two
// documents (never its last one), so the temperature is fitted on the same
// class mix as training. It returns no held-out set when frac ≤ 0.
func stratifiedSplit(y []int, k int, frac float64, rng *rand.Rand) (fit, held []int) {
	if frac <= 0 {
		return nil, nil
	}
	byClass := make([][]int, k)
	for i, c := range y {
		byClass[c] = append(byClass[c], i)
	}
	isHeld := make([]bool, len(y))
	for _, idx := range byClass {
		n := int(frac*float64(len(idx)) + 0.5)
		n = min(n, len(idx)-1)
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for _, i := range idx[:max(n, 0)] {
			isHeld[i] = true
		}
	}
	for i, h := range isHeld {
		if h {
			held = append(held, i)
		} else {
			fit = append(fit, i)
		}
	}
	if len(held) == 0 {
		return nil, nil
	}
	return fit, held
}

func pick[T any](s []T, idx []int) []T {
	out := make([]T, len(idx))
	for n, i := range idx {
		out[n] = s[i]
	}
	return out
}

func (m *Model) vectorizeFeatures(f []string) Sparse {
	if m.opts.NBFeatures == FeaturesCounts {
		return m.vec.countFeatures(f)
	}
	return m.vec.transformFeatures(f)
}

// Vectorize returns the feature vector the classifier sees for text.
func (m *Model) Vectorize(text string) Sparse {
	return m.vectorizeFeatures(Features(text, *m.opts.Tokenizer))
}

// Predict returns the most likely label, its probability and the probability
// of every label (aligned with Labels()).
func (m *Model) Predict(text string) (label string, confidence float64, distribution []float64) {
	p := m.Classify(text)
	return p.Label, p.Confidence, p.Probs
}

// Classify is Predict returning a Prediction.
func (m *Model) Classify(text string) Prediction {
	return m.lin.Predict(m.Vectorize(text))
}

// TopTerms returns up to k features of text that pushed it most towards the
// predicted label, strongest first.
func (m *Model) TopTerms(text string, k int) []Term {
	x := m.Vectorize(text)
	return m.ExplainClass(x, m.lin.Predict(x).Class, k)
}

// ExplainClass is TopTerms for a chosen class and an already vectorised text.
func (m *Model) ExplainClass(x Sparse, class int, k int) []Term {
	terms := m.lin.Explain(x, class, k)
	for i := range terms {
		terms[i].Term = m.vec.Term(terms[i].Feature)
	}
	return terms
}

// Classifier returns the model's classifier (*NaiveBayes or
// *LogisticRegression).
func (m *Model) Classifier() Classifier {
	if m.opts.Algorithm == AlgoNaiveBayes {
		return &NaiveBayes{*m.lin}
	}
	return &LogisticRegression{*m.lin}
}

// Vectorizer returns the model's vectoriser.
func (m *Model) Vectorizer() *Vectorizer { return m.vec }

// Labels returns the label names in class order (sorted).
func (m *Model) Labels() []string { return slices.Clone(m.lin.labels) }

// ClassCounts returns how many training documents each label had.
func (m *Model) ClassCounts() map[string]int {
	out := make(map[string]int, len(m.counts))
	for c, n := range m.counts {
		out[m.lin.labels[c]] = n
	}
	return out
}

// Options returns the resolved options the model was trained with.
func (m *Model) Options() TrainOptions {
	o := m.opts
	t := *o.Tokenizer
	o.Tokenizer = &t
	return o
}

// Algorithm is AlgoLogReg or AlgoNaiveBayes.
func (m *Model) Algorithm() string { return m.opts.Algorithm }

// Temperature is the probability calibration temperature.
func (m *Model) Temperature() float64 { return m.lin.temp }

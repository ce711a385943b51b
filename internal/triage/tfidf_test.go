package triage

import (
	"math"
	"slices"
	"testing"
)

// The 3-document corpus: apple and banana appear in 2 documents, cherry and
// durian in 1. Smoothed idf = ln((1+n)/(1+df)) + 1:
//
//	df=2: ln(4/3)+1 = 1.2876820724517808
//	df=1: ln(4/2)+1 = 1.6931471805599454
//
// "banana banana durian", sublinear: banana (1+ln 2)·1.28768 = 2.18026,
// durian 1.69315, norm 2.76049 → 0.78981, 0.61336. Raw tf: banana
// 2·1.28768 = 2.57536 → 0.83559, durian 0.54935.
var tfidfCorpus = []string{"apple banana", "apple cherry", "banana banana durian"}

var plainWords = TokenizerOptions{WordNGrams: 1, KeepStopWords: true, NoStem: true}

func TestTFIDFFit(t *testing.T) {
	v := FitVectorizer(tfidfCorpus, plainWords, VectorizerOptions{MinDF: 1})
	if want := []string{"apple", "banana", "cherry", "durian"}; !slices.Equal(v.Terms(), want) {
		t.Fatalf("terms = %q, want %q", v.Terms(), want)
	}
	wantIDF := []float64{1.2876820724517808, 1.2876820724517808, 1.6931471805599454, 1.6931471805599454}
	for i, w := range wantIDF {
		if math.Abs(v.IDF()[i]-w) > 1e-12 {
			t.Errorf("idf[%s] = %v, want %v", v.Term(i), v.IDF()[i], w)
		}
	}
}

func TestTFIDFTransform(t *testing.T) {
	tests := []struct {
		name    string
		opts    VectorizerOptions
		text    string
		wantIdx []int32
		wantVal []float64
	}{
		{"sublinear", VectorizerOptions{MinDF: 1}, "banana banana durian", []int32{1, 3}, []float64{0.7898069290660905, 0.6133555370249717}},
		{"raw tf", VectorizerOptions{MinDF: 1, NoSublinearTF: true}, "banana banana durian", []int32{1, 3}, []float64{0.8355915419449177, 0.5493512310263033}},
		{"unseen words ignored", VectorizerOptions{MinDF: 1}, "kiwi durian", []int32{3}, []float64{1}},
		{"nothing known", VectorizerOptions{MinDF: 1}, "kiwi", []int32{}, []float64{}},
		{"min df drops rare terms", VectorizerOptions{MinDF: 2}, "apple cherry", []int32{0}, []float64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := FitVectorizer(tfidfCorpus, plainWords, tt.opts)
			got := v.Transform(tt.text)
			if !slices.Equal(got.Idx, tt.wantIdx) {
				t.Fatalf("idx = %v, want %v", got.Idx, tt.wantIdx)
			}
			for i := range tt.wantVal {
				if math.Abs(got.Val[i]-tt.wantVal[i]) > 1e-12 {
					t.Errorf("val[%d] = %v, want %v", i, got.Val[i], tt.wantVal[i])
				}
			}
		})
	}
}

func TestTFIDFMaxFeatures(t *testing.T) {
	// apple and banana tie on df=2; the cap keeps the alphabetically first.
	v := FitVectorizer(tfidfCorpus, plainWords, VectorizerOptions{MinDF: 1, MaxFeatures: 1})
	if want := []string{"apple"}; !slices.Equal(v.Terms(), want) {
		t.Errorf("terms = %q, want %q", v.Terms(), want)
	}
	v = FitVectorizer(tfidfCorpus, plainWords, VectorizerOptions{MinDF: 1, MaxFeatures: 3})
	if want := []string{"apple", "banana", "cherry"}; !slices.Equal(v.Terms(), want) {
		t.Errorf("terms = %q, want %q", v.Terms(), want)
	}
}

func TestCounts(t *testing.T) {
	v := FitVectorizer(tfidfCorpus, plainWords, VectorizerOptions{MinDF: 1})
	got := v.Counts("banana apple banana kiwi")
	if !slices.Equal(got.Idx, []int32{0, 1}) || !slices.Equal(got.Val, []float64{1, 2}) {
		t.Errorf("Counts = %+v", got)
	}
}

func TestWordAndCharBlocksNormalisedApart(t *testing.T) {
	tok := TokenizerOptions{WordNGrams: 1, CharNGramMin: 3, CharNGramMax: 3, KeepStopWords: true, NoStem: true}
	v := FitVectorizer([]string{"abc abd", "abc xyz"}, tok, VectorizerOptions{MinDF: 1})
	x := v.Transform("abc abd")
	var words, chars float64
	for n, i := range x.Idx {
		if v.isChar(i) {
			chars += x.Val[n] * x.Val[n]
		} else {
			words += x.Val[n] * x.Val[n]
		}
	}
	if math.Abs(words-1) > 1e-12 || math.Abs(chars-1) > 1e-12 {
		t.Errorf("squared norms: words %v, chars %v; want 1 and 1", words, chars)
	}
}

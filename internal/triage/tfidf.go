package triage

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// VectorizerOptions control vocabulary selection and weighting.
type VectorizerOptions struct {
	// MinDF drops features seen in fewer documents (default 2): a feature seen
	// once cannot generalise and only grows the model.
	MinDF int `json:"min_df" bson:"min_df"`
	// MaxFeatures keeps the features with the highest document frequency
	// (0 = no cap). It bounds the model size, which grows with
	// classes × features.
	MaxFeatures int `json:"max_features" bson:"max_features"`
	// NoSublinearTF uses raw term counts instead of 1+ln(count), which would
	// let one repeated word dominate a short ticket.
	NoSublinearTF bool `json:"no_sublinear_tf" bson:"no_sublinear_tf"`
}

// Resolved returns o with defaults filled in.
func (o VectorizerOptions) Resolved() VectorizerOptions {
	if o.MinDF <= 0 {
		o.MinDF = 2
	}
	if o.MaxFeatures < 0 {
		o.MaxFeatures = 0
	}
	return o
}

// Vectorizer maps text to TF-IDF vectors over a vocabulary fitted on training
// documents only, so evaluation never sees statistics from its test set.
type Vectorizer struct {
	tok   TokenizerOptions
	opts  VectorizerOptions
	terms []string
	index map[string]int32
	idf   []float64
	char  []bool // char[i]: feature i is a character n-gram
}

// FitVectorizer learns the vocabulary and IDF of docs.
func FitVectorizer(docs []string, tok TokenizerOptions, opts VectorizerOptions) *Vectorizer {
	feats := make([][]string, len(docs))
	for i, d := range docs {
		feats[i] = Features(d, tok)
	}
	return fitFeatures(feats, tok, opts)
}

func fitFeatures(feats [][]string, tok TokenizerOptions, opts VectorizerOptions) *Vectorizer {
	tok, opts = tok.Resolved(), opts.Resolved()
	df := map[string]int{}
	seen := map[string]struct{}{}
	for _, fs := range feats {
		clear(seen)
		for _, f := range fs {
			if _, dup := seen[f]; !dup {
				seen[f] = struct{}{}
				df[f]++
			}
		}
	}
	type termDF struct {
		term string
		df   int
	}
	kept := make([]termDF, 0, len(df))
	for t, n := range df {
		if n >= opts.MinDF {
			kept = append(kept, termDF{t, n})
		}
	}
	// Frequent first, then alphabetical: a total order, so the cap keeps the
	// same features whatever order the map iterated in.
	slices.SortFunc(kept, func(a, b termDF) int {
		if c := cmp.Compare(b.df, a.df); c != 0 {
			return c
		}
		return cmp.Compare(a.term, b.term)
	})
	if opts.MaxFeatures > 0 && len(kept) > opts.MaxFeatures {
		kept = kept[:opts.MaxFeatures]
	}
	slices.SortFunc(kept, func(a, b termDF) int { return cmp.Compare(a.term, b.term) })
	v := &Vectorizer{tok: tok, opts: opts, terms: make([]string, len(kept)), idf: make([]float64, len(kept))}
	n := float64(len(feats))
	for i, k := range kept {
		v.terms[i] = k.term
		// Smoothed IDF (as if one extra document held every term): finite
		// for every term and never zero, so a term in every document still
		// counts a little.
		v.idf[i] = math.Log((1+n)/(1+float64(k.df))) + 1
	}
	v.buildIndex()
	return v
}

func (v *Vectorizer) buildIndex() {
	v.index = make(map[string]int32, len(v.terms))
	v.char = make([]bool, len(v.terms))
	for i, t := range v.terms {
		v.index[t] = int32(i)
		v.char[i] = strings.HasPrefix(t, CharGramPrefix)
	}
}

func newVectorizer(tok TokenizerOptions, opts VectorizerOptions, terms []string, idf []float64) (*Vectorizer, error) {
	if len(terms) != len(idf) {
		return nil, fmt.Errorf("vectorizer: %d terms but %d idf values", len(terms), len(idf))
	}
	v := &Vectorizer{tok: tok.Resolved(), opts: opts.Resolved(), terms: terms, idf: idf}
	v.buildIndex()
	if len(v.index) != len(terms) {
		return nil, fmt.Errorf("vectorizer: duplicate terms in vocabulary")
	}
	return v, nil
}

// Transform returns the L2-normalised TF-IDF vector of text. Words outside the
// vocabulary are ignored.
func (v *Vectorizer) Transform(text string) Sparse {
	return v.transformFeatures(Features(text, v.tok))
}

// Counts returns the raw in-vocabulary term counts of text.
func (v *Vectorizer) Counts(text string) Sparse {
	return v.countFeatures(Features(text, v.tok))
}

func (v *Vectorizer) countFeatures(feats []string) Sparse {
	counts := make(map[int32]float64, len(feats))
	for _, f := range feats {
		if i, ok := v.index[f]; ok {
			counts[i]++
		}
	}
	return sparseFromCounts(counts)
}

func (v *Vectorizer) transformFeatures(feats []string) Sparse {
	s := v.countFeatures(feats)
	for k, i := range s.Idx {
		tf := s.Val[k]
		if !v.opts.NoSublinearTF {
			tf = 1 + math.Log(tf)
		}
		s.Val[k] = tf * v.idf[i]
	}
	// Word and character n-grams are normalised apart: a ticket has several
	// times more character n-grams than words, and one shared norm would
	// drown the word features in them.
	var wn, cn float64
	for k, i := range s.Idx {
		if v.isChar(i) {
			cn += s.Val[k] * s.Val[k]
		} else {
			wn += s.Val[k] * s.Val[k]
		}
	}
	wn, cn = math.Sqrt(wn), math.Sqrt(cn)
	for k, i := range s.Idx {
		if v.isChar(i) {
			s.Val[k] /= cn
		} else {
			s.Val[k] /= wn
		}
	}
	return s
}

func (v *Vectorizer) isChar(i int32) bool { return v.char[i] }

// Terms returns the vocabulary, indexed by feature number.
func (v *Vectorizer) Terms() []string { return slices.Clone(v.terms) }

// Term returns the feature string of index i.
func (v *Vectorizer) Term(i int) string { return v.terms[i] }

// IDF returns the inverse document frequency of each feature.
func (v *Vectorizer) IDF() []float64 { return slices.Clone(v.idf) }

// Size is the number of features.
func (v *Vectorizer) Size() int { return len(v.terms) }

// Tokenizer returns the (resolved) tokenizer options.
func (v *Vectorizer) Tokenizer() TokenizerOptions { return v.tok }

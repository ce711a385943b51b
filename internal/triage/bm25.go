package triage

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// FAQ is one answer the matcher can return. Question is the wording the
// answer is for (a title or canonical question); Tags are topic words.
type FAQ struct {
	ID       string   `json:"id" bson:"id"`
	Question string   `json:"question" bson:"question"`
	Answer   string   `json:"answer" bson:"answer"`
	Tags     []string `json:"tags" bson:"tags"`
}

// BM25Options tune the matcher. The zero value means DefaultBM25Options().
type BM25Options struct {
	// K1 is how fast repeated terms stop adding score; B how much a long
	// field is penalised (0 = not at all, 1 = fully).
	K1 float64 `json:"k1" bson:"k1"`
	B  float64 `json:"b" bson:"b"`
	// Field weights: a query word matching the question says more about the
	// FAQ than the same word in a long answer.
	QuestionWeight float64           `json:"question_weight" bson:"question_weight"`
	AnswerWeight   float64           `json:"answer_weight" bson:"answer_weight"`
	TagsWeight     float64           `json:"tags_weight" bson:"tags_weight"`
	Tokenizer      *TokenizerOptions `json:"tokenizer,omitempty" bson:"tokenizer,omitempty"`
}

// DefaultBM25Options: the usual Okapi k1/b, questions and tags weighted over
// answers, stemmed content words and bigrams (stop words dropped: unlike the
// classifier, BM25 has no training to learn that they are noise) plus
// character 3–5-grams, which let a misspelt query word ("refnd") still
// match.
func DefaultBM25Options() BM25Options {
	tok := TokenizerOptions{WordNGrams: 2, CharNGramMin: 3, CharNGramMax: 5}.Resolved()
	return BM25Options{K1: 1.2, B: 0.75, QuestionWeight: 3, AnswerWeight: 1, TagsWeight: 2, Tokenizer: &tok}
}

// Index is a BM25F index over FAQs (Okapi BM25 with per-field weights and
// per-field length normalisation). It is immutable and safe for concurrent use.
type Index struct {
	opts     BM25Options
	ids      []string
	postings map[string][]posting
	idf      map[string]float64
}

type posting struct {
	doc int32
	tf  float64 // field-weighted, length-normalised term frequency
}

// Hit is one search result.
type Hit struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
}

// NewIndex indexes faqs. IDs must be unique and non-empty.
func NewIndex(faqs []FAQ, opts BM25Options) (*Index, error) {
	if opts == (BM25Options{}) {
		opts = DefaultBM25Options()
	}
	if opts.Tokenizer == nil {
		opts.Tokenizer = DefaultBM25Options().Tokenizer
	}
	tok := opts.Tokenizer.Resolved()
	opts.Tokenizer = &tok
	switch {
	case opts.K1 < 0 || opts.B < 0 || opts.B > 1:
		return nil, fmt.Errorf("triage: bm25 k1 %v, b %v: want k1 ≥ 0 and 0 ≤ b ≤ 1", opts.K1, opts.B)
	case opts.QuestionWeight < 0 || opts.AnswerWeight < 0 || opts.TagsWeight < 0 ||
		opts.QuestionWeight+opts.AnswerWeight+opts.TagsWeight == 0:
		return nil, fmt.Errorf("triage: bm25 field weights must be ≥ 0 and not all zero")
	}
	ix := &Index{opts: opts, postings: map[string][]posting{}, idf: map[string]float64{}}
	seen := map[string]bool{}
	type fieldTerms struct {
		counts map[string]int
		length int
		weight float64
	}
	docs := make([][3]fieldTerms, len(faqs))
	var avg [3]float64
	for i, f := range faqs {
		if f.ID == "" || seen[f.ID] {
			return nil, fmt.Errorf("triage: faq %d: id %q is empty or repeated", i, f.ID)
		}
		seen[f.ID] = true
		ix.ids = append(ix.ids, f.ID)
		texts := [3]string{f.Question, f.Answer, strings.Join(f.Tags, " ")}
		weights := [3]float64{opts.QuestionWeight, opts.AnswerWeight, opts.TagsWeight}
		for fi, text := range texts {
			feats := Features(text, tok)
			ft := fieldTerms{counts: map[string]int{}, length: len(feats), weight: weights[fi]}
			for _, t := range feats {
				ft.counts[t]++
			}
			docs[i][fi] = ft
			avg[fi] += float64(len(feats))
		}
	}
	for fi := range avg {
		avg[fi] /= float64(max(len(faqs), 1))
	}
	for i, fields := range docs {
		tf := map[string]float64{}
		for fi, ft := range fields {
			if ft.weight == 0 || avg[fi] == 0 {
				continue
			}
			norm := 1 - opts.B + opts.B*float64(ft.length)/avg[fi]
			for t, n := range ft.counts {
				tf[t] += ft.weight * float64(n) / norm
			}
		}
		terms := make([]string, 0, len(tf))
		for t := range tf {
			terms = append(terms, t)
		}
		slices.Sort(terms)
		for _, t := range terms {
			ix.postings[t] = append(ix.postings[t], posting{doc: int32(i), tf: tf[t]})
		}
	}
	n := float64(len(faqs))
	for t, ps := range ix.postings {
		df := float64(len(ps))
		// The "+1" form stays positive for terms in most documents, so a
		// common word can only add score, never subtract it.
		ix.idf[t] = math.Log(1 + (n-df+0.5)/(df+0.5))
	}
	return ix, nil
}

// Len is the number of indexed FAQs.
func (ix *Index) Len() int { return len(ix.ids) }

// Search returns up to k FAQs (all when k ≤ 0) with a positive score, best
// first; equal scores are ordered by ID so results never depend on map order.
func (ix *Index) Search(query string, k int) []Hit {
	scores := make([]float64, len(ix.ids))
	for _, t := range ix.queryTerms(query) {
		idf := ix.idf[t]
		for _, p := range ix.postings[t] {
			scores[p.doc] += idf * p.tf * (ix.opts.K1 + 1) / (ix.opts.K1 + p.tf)
		}
	}
	var hits []Hit
	for d, s := range scores {
		if s > 0 {
			hits = append(hits, Hit{ID: ix.ids[d], Score: s})
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if k > 0 && len(hits) > k {
		hits = hits[:k]
	}
	return hits
}

// queryTerms are the distinct in-index features of query, sorted so scores
// are summed in a fixed order.
func (ix *Index) queryTerms(query string) []string {
	var terms []string
	for _, t := range Features(query, *ix.opts.Tokenizer) {
		if _, ok := ix.postings[t]; ok {
			terms = append(terms, t)
		}
	}
	slices.Sort(terms)
	return slices.Compact(terms)
}

// Match is the best FAQ for a query with numbers that can be thresholded.
type Match struct {
	Hit
	// Margin is (top1 − top2)/top1: how clearly the best answer beats the
	// runner-up (1 when there is no runner-up).
	Margin float64 `json:"margin"`
	// Coverage is top1 divided by the most any document could score for
	// this query (every query term saturated): how much of the query the
	// answer explains. Raw BM25 scores grow with query length; this does not.
	Coverage float64 `json:"coverage"`
	// Confidence combines the two (their geometric mean), in [0,1]; calibrate
	// a threshold for it on held-out queries with PrecisionCoverage.
	Confidence float64 `json:"confidence"`
	// Terms are the query features that scored most for the best FAQ,
	// strongest first (at most five).
	Terms []string `json:"terms"`
}

// Best returns the top FAQ for query, or false when nothing matches.
func (ix *Index) Best(query string) (Match, bool) {
	hits := ix.Search(query, 2)
	if len(hits) == 0 {
		return Match{}, false
	}
	m := Match{Hit: hits[0], Margin: 1}
	if len(hits) > 1 {
		m.Margin = (hits[0].Score - hits[1].Score) / hits[0].Score
	}
	var ceiling float64
	for _, t := range ix.queryTerms(query) {
		ceiling += ix.idf[t] * (ix.opts.K1 + 1)
	}
	if ceiling > 0 {
		m.Coverage = min(hits[0].Score/ceiling, 1)
	}
	m.Confidence = math.Sqrt(m.Margin * m.Coverage)
	m.Terms = ix.contributions(query, m.ID, 5)
	return m, true
}

// contributions returns up to k query features that added most to the
// score of FAQ id, strongest first.
func (ix *Index) contributions(query, id string, k int) []string {
	doc := int32(slices.Index(ix.ids, id))
	type contrib struct {
		term  string
		score float64
	}
	var cs []contrib
	for _, t := range ix.queryTerms(query) {
		for _, p := range ix.postings[t] {
			if p.doc == doc {
				cs = append(cs, contrib{t, ix.idf[t] * p.tf * (ix.opts.K1 + 1) / (ix.opts.K1 + p.tf)})
				break
			}
		}
	}
	slices.SortStableFunc(cs, func(a, b contrib) int { return cmp.Compare(b.score, a.score) })
	terms := make([]string, len(cs))
	for i, c := range cs {
		terms[i] = c.term
	}
	return ReadableTerms(terms, k)
}

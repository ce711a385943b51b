package triage

import (
	"fmt"
	"testing"
)

// BenchmarkTrain10k trains the default model (logistic regression with
// calibration) on 10,000 synthetic tickets over 20 teams.
func BenchmarkTrain10k(b *testing.B) {
	docs := syntheticDocs(10_000, 20, 1)
	for b.Loop() {
		if _, err := Train(docs, TrainOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrain10kNB is the naive Bayes baseline on the same data.
func BenchmarkTrain10kNB(b *testing.B) {
	docs := syntheticDocs(10_000, 20, 1)
	for b.Loop() {
		if _, err := Train(docs, TrainOptions{Algorithm: AlgoNaiveBayes}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkPredict(b *testing.B, algo string) {
	m, err := Train(syntheticDocs(10_000, 20, 1), TrainOptions{Algorithm: algo, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	queries := syntheticDocs(1000, 20, 2)
	i := 0
	for b.Loop() {
		m.Predict(queries[i%len(queries)].Text)
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "tickets/s")
}

// BenchmarkPredict measures tokenize + vectorise + classify of one ticket.
func BenchmarkPredict(b *testing.B)   { benchmarkPredict(b, AlgoLogReg) }
func BenchmarkPredictNB(b *testing.B) { benchmarkPredict(b, AlgoNaiveBayes) }

func BenchmarkBM25Search(b *testing.B) {
	var faqs []FAQ
	for i, d := range syntheticDocs(500, 20, 3) {
		faqs = append(faqs, FAQ{ID: fmt.Sprintf("faq-%03d", i), Question: d.Text, Tags: []string{d.Label}})
	}
	ix, err := NewIndex(faqs, BM25Options{})
	if err != nil {
		b.Fatal(err)
	}
	queries := syntheticDocs(100, 20, 4)
	i := 0
	for b.Loop() {
		ix.Best(queries[i%len(queries)].Text)
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "queries/s")
}

func BenchmarkPrioritise(b *testing.B) {
	in := PriorityInput{Title: "Production is down", Description: "Everyone gets errors since 9am, this is urgent, please help", AccountType: "work", SimilarOpen: 4}
	for b.Loop() {
		Prioritise(in)
	}
}

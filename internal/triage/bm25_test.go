package triage

import (
	"slices"
	"testing"
)

var faqSet = []FAQ{
	{ID: "reset-password", Question: "How do I reset my password?", Answer: "Use the 'Forgot password' link on the sign-in page; we email you a reset link.", Tags: []string{"account", "login"}},
	{ID: "refund", Question: "How do I get a refund?", Answer: "Refunds go back to the original payment method within 5 business days.", Tags: []string{"billing"}},
	{ID: "shipping", Question: "When will my order arrive?", Answer: "Orders ship within 2 business days and the tracking number is emailed to you.", Tags: []string{"delivery"}},
	{ID: "invoice", Question: "Where can I download my invoice?", Answer: "Invoices are in the billing section of your account as PDF files.", Tags: []string{"billing"}},
}

func TestBM25KnownBestAnswer(t *testing.T) {
	ix, err := NewIndex(faqSet, BM25Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ query, want string }{
		{"I forgot my password and cannot sign in", "reset-password"},
		{"I want my money back, refund please", "refund"},
		{"where is my package? no tracking number yet", "shipping"},
		{"download invoice pdf", "invoice"},
		{"pasword reest", "reset-password"}, // typos: character n-grams
	}
	for _, tt := range tests {
		hits := ix.Search(tt.query, 3)
		if len(hits) == 0 || hits[0].ID != tt.want {
			t.Errorf("Search(%q) = %v, want %s first", tt.query, hits, tt.want)
			continue
		}
		if len(hits) > 3 || !slices.IsSortedFunc(hits, func(a, b Hit) int {
			if a.Score > b.Score {
				return -1
			}
			if a.Score < b.Score {
				return 1
			}
			return 0
		}) {
			t.Errorf("Search(%q) = %v: not sorted or too long", tt.query, hits)
		}
	}
}

func TestBM25TieBreakAndEmpty(t *testing.T) {
	ix, err := NewIndex([]FAQ{
		{ID: "b", Question: "same words here"},
		{ID: "a", Question: "same words here"},
		{ID: "c", Question: "other text"},
	}, BM25Options{})
	if err != nil {
		t.Fatal(err)
	}
	hits := ix.Search("same words", 0)
	if len(hits) != 2 || hits[0].ID != "a" || hits[1].ID != "b" || hits[0].Score != hits[1].Score {
		t.Errorf("hits = %v, want a then b with equal scores", hits)
	}
	if m, ok := ix.Best("same words"); !ok || m.Margin != 0 || m.Confidence != 0 {
		t.Errorf("tied best = %+v %v, want zero margin and confidence", m, ok)
	}
	if hits := ix.Search("zebra quilt", 5); len(hits) != 0 {
		t.Errorf("unrelated query hits %v", hits)
	}
	if _, ok := ix.Best(""); ok {
		t.Error("empty query matched")
	}
}

func TestBM25FieldWeights(t *testing.T) {
	faqs := []FAQ{
		{ID: "in-question", Question: "voucher codes", Answer: "see the shop page for details about offers"},
		{ID: "in-answer", Question: "offers", Answer: "voucher codes are listed on the shop page for details"},
	}
	top := func(o BM25Options) string {
		ix, err := NewIndex(faqs, o)
		if err != nil {
			t.Fatal(err)
		}
		return ix.Search("voucher", 1)[0].ID
	}
	if got := top(DefaultBM25Options()); got != "in-question" {
		t.Errorf("default weights: top %s, want in-question", got)
	}
	o := DefaultBM25Options()
	o.QuestionWeight, o.AnswerWeight = 0.1, 5
	if got := top(o); got != "in-answer" {
		t.Errorf("answer-heavy weights: top %s, want in-answer", got)
	}
}

func TestBM25Confidence(t *testing.T) {
	ix, _ := NewIndex(faqSet, BM25Options{})
	clear, ok1 := ix.Best("reset my password")
	vague, ok2 := ix.Best("billing")
	if !ok1 || !ok2 {
		t.Fatal("no match")
	}
	for _, m := range []Match{clear, vague} {
		if m.Confidence < 0 || m.Confidence > 1 || m.Margin < 0 || m.Margin > 1 || m.Coverage < 0 || m.Coverage > 1 {
			t.Errorf("out of range: %+v", m)
		}
	}
	if clear.Confidence <= vague.Confidence {
		t.Errorf("clear query confidence %v ≤ ambiguous query %v", clear.Confidence, vague.Confidence)
	}
}

func TestBM25Errors(t *testing.T) {
	tests := []struct {
		name string
		faqs []FAQ
		opts BM25Options
	}{
		{"duplicate id", []FAQ{{ID: "a"}, {ID: "a"}}, BM25Options{}},
		{"empty id", []FAQ{{Question: "x"}}, BM25Options{}},
		{"bad b", faqSet, BM25Options{K1: 1, B: 2, QuestionWeight: 1}},
		{"zero weights", faqSet, BM25Options{K1: 1, B: 0.5}},
	}
	for _, tt := range tests {
		if _, err := NewIndex(tt.faqs, tt.opts); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

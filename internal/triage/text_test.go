package triage

import (
	"slices"
	"testing"
)

func TestTicketText(t *testing.T) {
	tests := []struct {
		title, desc string
		tags        []string
		want        string
	}{
		{"Card declined", "twice today", []string{"billing", "card"}, "Card declined\ntwice today\nbilling card"},
		{"Only a title", "", nil, "Only a title"},
		{"Title", "", []string{"x"}, "Title\nx"},
	}
	for _, tt := range tests {
		if got := TicketText(tt.title, tt.desc, tt.tags); got != tt.want {
			t.Errorf("TicketText(%q, %q, %v) = %q, want %q", tt.title, tt.desc, tt.tags, got, tt.want)
		}
	}
}

func TestHumanAndReadableTerms(t *testing.T) {
	for in, want := range map[string]string{"~_pin": "pin…", "~ard_": "…ard", "~ntac": "…ntac…", "~_pin_": "pin", "card arriv": "card arriv"} {
		if got := HumanTerm(in); got != want {
			t.Errorf("HumanTerm(%q) = %q, want %q", in, got, want)
		}
	}
	got := ReadableTerms([]string{"~_ref", "refund", "~und_", "invoic", "card"}, 3)
	if !slices.Equal(got, []string{"refund", "invoic", "card"}) {
		t.Errorf("words first: %v", got)
	}
	got = ReadableTerms([]string{"~_ref", "refund", "~und_"}, 3)
	if !slices.Equal(got, []string{"refund", "ref…", "…und"}) {
		t.Errorf("fragments fill up: %v", got)
	}
}

func TestBM25BestNamesTheMatchingTerms(t *testing.T) {
	ix, err := NewIndex(faqSet, BM25Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, ok := ix.Best("I want a refund of my money")
	if !ok || m.ID != "refund" || len(m.Terms) == 0 || m.Terms[0] != "refund" {
		t.Errorf("Best = %+v", m)
	}
	for _, term := range m.Terms {
		if term == "money" {
			t.Errorf("%q is not in the refund FAQ but is listed: %v", term, m.Terms)
		}
	}
	if th := FineThresholds(); len(th) != 101 || th[0] != 0 || th[50] != 0.5 || th[100] != 1 {
		t.Errorf("FineThresholds = %v", th)
	}
}

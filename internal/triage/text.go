package triage

import "strings"

// TicketText is the text a ticket is classified and matched by: its title,
// description and tags — what the requester wrote when creating it, never
// what handling it added (team, status, resolution), which would leak the
// answer into the question.
func TicketText(title, description string, tags []string) string {
	var b strings.Builder
	b.WriteString(title)
	if description != "" {
		b.WriteString("\n")
		b.WriteString(description)
	}
	if len(tags) > 0 {
		b.WriteString("\n")
		b.WriteString(strings.Join(tags, " "))
	}
	return b.String()
}

// HumanTerm renders a feature for people: words and word n-grams as they
// are (stems), character n-grams as the fragment with "…" where the word
// goes on ("~_pin" → "pin…", "~ard_" → "…ard").
func HumanTerm(feature string) string {
	g, ok := strings.CutPrefix(feature, CharGramPrefix)
	if !ok {
		return feature
	}
	start, end := strings.HasPrefix(g, "_"), strings.HasSuffix(g, "_")
	g = strings.Trim(g, "_")
	if !start {
		g = "…" + g
	}
	if !end {
		g += "…"
	}
	return g
}

// IsWordFeature reports whether a feature is a word or word n-gram rather
// than a character n-gram.
func IsWordFeature(feature string) bool { return !strings.HasPrefix(feature, CharGramPrefix) }

// ReadableTerms picks up to k features for an explanation, words first:
// a stem says more to a person than a character fragment, which is only
// shown when too few words contributed.
func ReadableTerms(features []string, k int) []string {
	out := make([]string, 0, k)
	for _, f := range features {
		if len(out) < k && IsWordFeature(f) {
			out = append(out, f)
		}
	}
	for _, f := range features {
		if len(out) < k && !IsWordFeature(f) {
			out = append(out, HumanTerm(f))
		}
	}
	return out
}

// FineThresholds are 0, 0.01, …, 1: for scores such as the FAQ matcher's
// confidence whose useful range is not known in advance.
func FineThresholds() []float64 {
	t := make([]float64, 0, 101)
	for i := range 101 {
		t = append(t, float64(i)/100)
	}
	return t
}

// Priorities returns P1..P4, most urgent first.
func Priorities() []string { return append([]string(nil), priorities...) }

// Severities returns critical..low, most severe first.
func Severities() []string { return append([]string(nil), severities...) }

package triage

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Priorities and severities, most urgent first.
const (
	P1 = "P1"
	P2 = "P2"
	P3 = "P3"
	P4 = "P4"

	SeverityCritical = "critical"
	SeverityHigh     = "high"
	SeverityMedium   = "medium"
	SeverityLow      = "low"
)

// Unexported so no caller can reorder them under the scorer.
var (
	priorities = []string{P1, P2, P3, P4}
	severities = []string{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow}
)

// PriorityInput is what the scorer looks at.
type PriorityInput struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Tags        []string `json:"tags"`
	// AccountType of the requester: "work" or "personal" ("" = unknown).
	AccountType string `json:"account_type"`
	// SimilarOpen is how many other open tickets like this one arrived in the
	// caller's recent window: a burst means many people hit one problem.
	SimilarOpen int `json:"similar_open"`
	// CurrentPriority is the ticket's priority now ("" if none) and
	// SetByPerson whether a person chose it; such a priority is never lowered.
	CurrentPriority string `json:"current_priority"`
	SetByPerson     bool   `json:"set_by_person"`
}

// PriorityResult is the scorer's answer with its reasons.
type PriorityResult struct {
	Priority string `json:"priority"`
	Severity string `json:"severity"`
	// Score is Impact plus the account adjustment; bands of it give the
	// priority.
	Score float64 `json:"score"`
	// Impact is text plus spike evidence; bands of it give the severity.
	Impact  float64  `json:"impact"`
	Reasons []string `json:"reasons"`
	// Kept is true when a person's priority was kept over a lower computed one.
	Kept bool `json:"kept"`
}

// Band edges shared by severity (on impact) and priority (on score).
const (
	bandTop  = 6.0
	bandHigh = 3.0
	bandMid  = 1.5
)

type compiledEntry struct {
	lexiconEntry
	stems []string
}

// priorityTokenizer keeps stop words: "is down" and "how do i" are phrases of
// stop words that mean something here.
var priorityTokenizer = TokenizerOptions{KeepStopWords: true, WordNGrams: 1}.Resolved()

// compiledLexicon is built once at start-up and only read afterwards.
var compiledLexicon = compileLexicon(severityLexicon)

func compileLexicon(entries []lexiconEntry) []compiledEntry {
	out := make([]compiledEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, compiledEntry{lexiconEntry: e, stems: Words(e.phrase, priorityTokenizer)})
	}
	// Longest phrases claim their words first, so "not urgent" is not also
	// read as "urgent".
	slices.SortStableFunc(out, func(a, b compiledEntry) int { return cmp.Compare(len(b.stems), len(a.stems)) })
	return out
}

// Prioritise scores a ticket's urgency from its text, the requester's account
// type and a spike of similar open tickets. A priority a person set is never
// lowered; it may be raised, and the reasons say so.
func Prioritise(in PriorityInput) PriorityResult {
	var r PriorityResult
	text, textReasons := textEvidence(in)
	r.Reasons = append(r.Reasons, textReasons...)
	// Clamp so a long rant of alarming words cannot outweigh every other
	// ticket, and a polite question cannot bury a real problem.
	if clamped := min(max(text, -3), 8); clamped != text {
		r.Reasons = append(r.Reasons, fmt.Sprintf("text evidence %+g capped at %+g", text, clamped))
		text = clamped
	}
	spike := 0.0
	switch n := in.SimilarOpen; {
	case n >= 25:
		spike = 3
	case n >= 10:
		spike = 2
	case n >= 3:
		spike = 1
	}
	if spike > 0 {
		r.Reasons = append(r.Reasons, fmt.Sprintf("%d similar open tickets recently: possible incident (+%g)", in.SimilarOpen, spike))
	}
	r.Impact = text + spike
	account := 0.0
	if strings.EqualFold(strings.TrimSpace(in.AccountType), "work") {
		// A business account usually stands for a team of users.
		account = 1
		r.Reasons = append(r.Reasons, "work account (+1)")
	}
	r.Score = r.Impact + account
	r.Severity = severities[band(r.Impact)]
	r.Priority = priorities[band(r.Score)]
	if len(textReasons) == 0 && spike == 0 {
		r.Reasons = append(r.Reasons, "no urgency signals in the text")
	}
	cur := slices.Index(priorities, strings.ToUpper(strings.TrimSpace(in.CurrentPriority)))
	if in.SetByPerson && cur >= 0 {
		computed := slices.Index(priorities, r.Priority)
		switch {
		case computed > cur:
			r.Reasons = append(r.Reasons, fmt.Sprintf("kept %s set by a person (scored %s; never lowered)", priorities[cur], r.Priority))
			r.Priority, r.Kept = priorities[cur], true
		case computed < cur:
			r.Reasons = append(r.Reasons, fmt.Sprintf("raised from %s set by a person", priorities[cur]))
		}
	}
	return r
}

func band(score float64) int {
	switch {
	case score >= bandTop:
		return 0
	case score >= bandHigh:
		return 1
	case score >= bandMid:
		return 2
	}
	return 3
}

// textEvidence scores the lexicon phrases found in title, description and
// tags (each field on its own, so no phrase spans two fields). Each group
// adds its strongest phrase once (the most negative one for the request
// group).
func textEvidence(in PriorityInput) (float64, []string) {
	fields := append([]string{in.Title, in.Description}, in.Tags...)
	var hits []compiledEntry
	seen := map[string]bool{}
	for _, f := range fields {
		words := Words(f, priorityTokenizer)
		used := make([]bool, len(words))
		for _, e := range compiledLexicon {
			n := len(e.stems)
			for i := 0; i+n <= len(words); i++ {
				if !slices.Equal(words[i:i+n], e.stems) || slices.Contains(used[i:i+n], true) {
					continue
				}
				if e.weight > 0 && negated(words, i) {
					continue
				}
				for j := i; j < i+n; j++ {
					used[j] = true
				}
				if !seen[e.phrase] {
					seen[e.phrase] = true
					hits = append(hits, e)
				}
				break
			}
		}
	}
	// Strongest evidence first; within a group the first is the one counted.
	slices.SortStableFunc(hits, func(a, b compiledEntry) int {
		return cmp.Compare(math.Abs(b.weight), math.Abs(a.weight))
	})
	var total float64
	counted := map[string]bool{}
	reasons := make([]string, 0, len(hits))
	for _, h := range hits {
		if counted[h.group] {
			reasons = append(reasons, fmt.Sprintf("text %q (%s, already counted)", h.phrase, h.group))
			continue
		}
		counted[h.group] = true
		total += h.weight
		reasons = append(reasons, fmt.Sprintf("text %q (%s %+g)", h.phrase, h.group, h.weight))
	}
	return total, reasons
}

// negated reports a negator among the two words before position i.
func negated(words []string, i int) bool {
	for j := max(0, i-2); j < i; j++ {
		if _, ok := negators[words[j]]; ok {
			return true
		}
	}
	return false
}

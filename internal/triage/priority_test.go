package triage

import (
	"strings"
	"testing"
)

func TestPrioritise(t *testing.T) {
	tests := []struct {
		name     string
		in       PriorityInput
		priority string
		severity string
		kept     bool
		reason   string // a substring one of the reasons must contain
	}{
		{"outage for everyone, work account",
			PriorityInput{Title: "Production is down", Description: "Everyone gets errors since 9am, urgent", AccountType: "work"},
			"P1", "critical", false, `"is down"`},
		{"how-to question",
			PriorityInput{Title: "How do I change my email address?", AccountType: "personal"},
			"P4", "low", false, `"how do i"`},
		{"feature request",
			PriorityInput{Title: "Feature request: dark mode", Description: "would be nice, no rush"},
			"P4", "low", false, "feature request"},
		{"stolen card",
			PriorityInput{Title: "My card was stolen", Description: "I see payments I did not make", AccountType: "personal"},
			"P2", "high", false, `"stolen"`},
		{"fraud and urgency",
			PriorityInput{Title: "Fraudulent transactions", Description: "urgent, please block my card"},
			"P1", "critical", false, "urgent"},
		{"locked out",
			PriorityInput{Title: "I can't log in", Description: "locked out of my account"},
			"P2", "high", false, "locked out"},
		{"negated alarm words",
			PriorityInput{Title: "Question about export", Description: "No data loss, not urgent, just curious"},
			"P4", "low", false, "question"},
		{"tags count",
			PriorityInput{Title: "Help", Tags: []string{"outage"}},
			"P2", "high", false, `"outage"`},
		{"spike raises a bland ticket",
			PriorityInput{Title: "Login page shows an error", SimilarOpen: 30},
			"P2", "high", false, "30 similar open tickets"},
		{"small spike",
			PriorityInput{Title: "Login page shows an error", SimilarOpen: 3},
			"P3", "medium", false, "possible incident"},
		{"nothing at all",
			PriorityInput{Title: "Hello"},
			"P4", "low", false, "no urgency signals"},
		{"person's P1 is never lowered",
			PriorityInput{Title: "How do I change my email?", CurrentPriority: "P1", SetByPerson: true},
			"P1", "low", true, "never lowered"},
		{"person's P4 may be raised",
			PriorityInput{Title: "Site down for all users", CurrentPriority: "p4", SetByPerson: true},
			"P1", "critical", false, "raised from P4"},
		{"automatic P1 is recomputed",
			PriorityInput{Title: "How do I change my email?", CurrentPriority: "P1"},
			"P4", "low", false, `"how do i"`},
		{"invalid current priority ignored",
			PriorityInput{Title: "How do I change my email?", CurrentPriority: "P9", SetByPerson: true},
			"P4", "low", false, `"how do i"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Prioritise(tt.in)
			if r.Priority != tt.priority || r.Severity != tt.severity || r.Kept != tt.kept {
				t.Errorf("got %s/%s kept=%v (score %.1f, impact %.1f, %q), want %s/%s kept=%v",
					r.Priority, r.Severity, r.Kept, r.Score, r.Impact, r.Reasons, tt.priority, tt.severity, tt.kept)
			}
			found := false
			for _, reason := range r.Reasons {
				found = found || strings.Contains(reason, tt.reason)
			}
			if !found {
				t.Errorf("reasons %q lack %q", r.Reasons, tt.reason)
			}
		})
	}
}

func TestPrioritiseAccountType(t *testing.T) {
	in := PriorityInput{Title: "Payment failed with an error"}
	in.AccountType = "personal"
	personal := Prioritise(in)
	in.AccountType = "Work"
	work := Prioritise(in)
	if work.Score != personal.Score+1 || work.Impact != personal.Impact {
		t.Errorf("work %+v vs personal %+v: want +1 score, same impact", work, personal)
	}
}

func TestPrioritiseNeverLowersAnyPersonPriority(t *testing.T) {
	texts := []string{"", "how do i reset it", "outage! data loss! urgent!", "feature request"}
	for _, cur := range priorities {
		for _, text := range texts {
			r := Prioritise(PriorityInput{Title: text, CurrentPriority: cur, SetByPerson: true})
			if rank(r.Priority) > rank(cur) {
				t.Errorf("%q with person's %s became %s", text, cur, r.Priority)
			}
		}
	}
}

func rank(p string) int {
	for i, q := range priorities {
		if q == p {
			return i
		}
	}
	return -1
}

func TestLexiconPhrasesTokenise(t *testing.T) {
	// A phrase the tokenizer reduces to nothing could never match.
	for _, e := range compiledLexicon {
		if len(e.stems) == 0 {
			t.Errorf("lexicon phrase %q has no words", e.phrase)
		}
	}
}

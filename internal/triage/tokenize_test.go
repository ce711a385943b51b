package triage

import (
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	words := TokenizerOptions{WordNGrams: 1}
	keep := TokenizerOptions{WordNGrams: 1, KeepStopWords: true}
	tests := []struct {
		name string
		text string
		opts TokenizerOptions
		want []string
	}{
		{"stemming", "Running runners connected connections", words, []string{"run", "runner", "connect", "connect"}},
		{"no stem", "Running runners", TokenizerOptions{NoStem: true}, []string{"running", "runners"}},
		{"stop words dropped", "The card is at the bank", words, []string{"card", "bank"}},
		{"stop words kept", "The card is at the bank", keep, []string{"the", "card", "is", "at", "the", "bank"}},
		{"negation kept", "card not working, no refund", words, []string{"card", "not", "work", "no", "refund"}},
		{"contraction split", "I haven't received it", words, []string{"not", "receiv"}},
		{"contraction without apostrophe", "havent received", words, []string{"not", "receiv"}},
		{"cannot", "I cannot login", keep, []string{"i", "can", "not", "login"}},
		{"can't curly apostrophe", "can’t pay", keep, []string{"can", "not", "pay"}},
		{"possessive", "the card's limit", words, []string{"card", "limit"}},
		{"unicode letters lower-cased, not stemmed", "Café MÜNCHEN naïve Ωmega 日本語", words, []string{"café", "münchen", "naïve", "ωmega", "日本語"}},
		{"long numbers normalised", "order 113542617735902 for 2 items costing 499", words, []string{"order", NumToken, "2", "item", "cost", NumToken}},
		{"mixed id normalised", "ref AB12345C", words, []string{"ref", NumToken}},
		{"number threshold option", "pay 499", TokenizerOptions{NumberMinDigits: 4}, []string{"pay", "499"}},
		{"punctuation splits", "e-mail/password!!", words, []string{"e", "mail", "password"}},
		{"empty", "  ?! ", words, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Words(tt.text, tt.opts); !slices.Equal(got, tt.want) {
				t.Errorf("Words(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestFeatures(t *testing.T) {
	tests := []struct {
		name string
		text string
		opts TokenizerOptions
		want []string
	}{
		{"bigrams of stems", "card payment declined", TokenizerOptions{}, []string{"card", "payment", "declin", "card payment", "payment declin"}},
		{"bigrams skip stop words", "card for the payment", TokenizerOptions{}, []string{"card", "payment", "card payment"}},
		{"unigrams only", "card payment", TokenizerOptions{WordNGrams: 1}, []string{"card", "payment"}},
		{"trigrams", "a b c", TokenizerOptions{WordNGrams: 3, KeepStopWords: true}, []string{"a", "b", "c", "a b", "b c", "a b c"}},
		{"char n-grams on the unstemmed word", "pins", TokenizerOptions{WordNGrams: 1, CharNGramMin: 3, CharNGramMax: 4},
			[]string{"pin", "~_pi", "~pin", "~ins", "~ns_", "~_pin", "~pins", "~ins_"}},
		{"no char n-grams for numbers", "12345", TokenizerOptions{CharNGramMin: 3, CharNGramMax: 3}, []string{NumToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Features(tt.text, tt.opts); !slices.Equal(got, tt.want) {
				t.Errorf("Features(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestTokenizerResolved(t *testing.T) {
	got := TokenizerOptions{CharNGramMax: 5}.Resolved()
	want := TokenizerOptions{WordNGrams: 2, CharNGramMin: 3, CharNGramMax: 5, NumberMinDigits: 3}
	if got != want {
		t.Errorf("Resolved() = %+v, want %+v", got, want)
	}
}

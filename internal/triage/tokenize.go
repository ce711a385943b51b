package triage

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// NumToken stands in for any word holding NumberMinDigits or more digits, so
// order numbers, amounts and phone numbers share one feature instead of
// growing the vocabulary by one entry per ticket.
const NumToken = "<num>"

// CharGramPrefix marks character n-gram features; "_" inside one marks a word
// boundary, so "~_pin" means "a word starting with pin". Word features never
// contain "~" or "_", so the two spaces cannot collide.
const CharGramPrefix = "~"

// TokenizerOptions control how text becomes features. Zero values pick the
// defaults, so an options struct read back from an old model keeps meaning the
// same thing.
type TokenizerOptions struct {
	// KeepStopWords keeps the stop words that are dropped by default.
	KeepStopWords bool `json:"keep_stop_words" bson:"keep_stop_words"`
	// NoStem turns Snowball English stemming off.
	NoStem bool `json:"no_stem" bson:"no_stem"`
	// WordNGrams is the longest run of adjacent words used as one feature:
	// 1 = unigrams only, 2 (default) = unigrams and bigrams.
	WordNGrams int `json:"word_ngrams" bson:"word_ngrams"`
	// CharNGramMin..CharNGramMax are character n-gram lengths taken inside
	// each word (padded with "_"); CharNGramMax 0 means no character n-grams.
	CharNGramMin int `json:"char_ngram_min" bson:"char_ngram_min"`
	CharNGramMax int `json:"char_ngram_max" bson:"char_ngram_max"`
	// NumberMinDigits: words with at least this many digits become NumToken
	// (default 3).
	NumberMinDigits int `json:"number_min_digits" bson:"number_min_digits"`
}

// Resolved returns o with defaults filled in, as stored in a model.
func (o TokenizerOptions) Resolved() TokenizerOptions {
	if o.WordNGrams <= 0 {
		o.WordNGrams = 2
	}
	if o.NumberMinDigits <= 0 {
		o.NumberMinDigits = 3
	}
	if o.CharNGramMax <= 0 {
		o.CharNGramMin, o.CharNGramMax = 0, 0
	} else if o.CharNGramMin <= 0 || o.CharNGramMin > o.CharNGramMax {
		o.CharNGramMin = min(3, o.CharNGramMax)
	}
	return o
}

// Words returns the normalised words of text: lower-cased, contractions split
// into "<word> not", long numbers replaced by NumToken, stop words dropped and
// stems taken, according to o.
func Words(text string, o TokenizerOptions) []string {
	stems, _ := words(text, o.Resolved())
	return stems
}

// Features returns every feature of text in a stable order: word unigrams,
// word n-grams up to o.WordNGrams, then character n-grams. Repeats are kept;
// they are term counts.
func Features(text string, o TokenizerOptions) []string {
	o = o.Resolved()
	stems, surfaces := words(text, o)
	n := len(stems)
	out := make([]string, 0, n*(o.WordNGrams+2*(o.CharNGramMax-o.CharNGramMin+1)+1))
	out = append(out, stems...)
	for size := 2; size <= o.WordNGrams; size++ {
		for i := 0; i+size <= n; i++ {
			out = append(out, strings.Join(stems[i:i+size], " "))
		}
	}
	if o.CharNGramMax > 0 {
		for _, s := range surfaces {
			out = appendCharGrams(out, s, o.CharNGramMin, o.CharNGramMax)
		}
	}
	return out
}

// words returns the stems to use as word features and, aligned with them, the
// unstemmed lower-case forms used for character n-grams ("" for numbers:
// their digits carry no meaning worth a character n-gram).
func words(text string, o TokenizerOptions) (stems, surfaces []string) {
	add := func(w string) {
		if !o.KeepStopWords {
			if _, stop := stopWords[w]; stop {
				return
			}
		}
		if w == NumToken {
			stems = append(stems, w)
			surfaces = append(surfaces, "")
			return
		}
		stems = append(stems, stem(w, o))
		surfaces = append(surfaces, w)
	}
	for _, raw := range splitRaw(text) {
		if digits(raw) >= o.NumberMinDigits {
			add(NumToken)
			continue
		}
		if base, ok := splitNegation(raw); ok {
			add(base)
			add("not")
			continue
		}
		add(strings.ReplaceAll(raw, "'", ""))
	}
	return stems, surfaces
}

// splitRaw cuts text into lower-case runs of letters, digits and combining
// marks. An apostrophe between letters stays (as ') so contractions can be
// recognised; any other punctuation separates words.
func splitRaw(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	rs := []rune(text)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsMark(r) && b.Len() > 0:
			b.WriteRune(r)
		case isApostrophe(r) && b.Len() > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			b.WriteByte('\'')
		default:
			flush()
		}
	}
	flush()
	return out
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '`'
}

// splitNegation recognises "haven't", "havent" and "cannot" style words and
// returns the word being negated.
func splitNegation(w string) (string, bool) {
	if strings.HasSuffix(w, "n't") {
		base := strings.TrimSuffix(w, "n't")
		switch base {
		case "ca":
			base = "can"
		case "wo":
			base = "will"
		case "sha":
			base = "shall"
		case "ai":
			base = "is"
		case "":
			return "", false
		}
		return strings.ReplaceAll(base, "'", ""), true
	}
	base, ok := negatedForms[w]
	return base, ok
}

func digits(w string) int {
	n := 0
	for _, r := range w {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// stem only touches plain ASCII words: the Snowball English rules mangle
// words from other scripts, which are better left whole.
func stem(w string, o TokenizerOptions) string {
	if o.NoStem {
		return w
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return w
		}
	}
	return english.Stem(w, true)
}

func appendCharGrams(out []string, word string, lo, hi int) []string {
	if word == "" {
		return out
	}
	padded := []rune("_" + word + "_")
	for n := lo; n <= hi; n++ {
		for i := 0; i+n <= len(padded); i++ {
			out = append(out, CharGramPrefix+string(padded[i:i+n]))
		}
	}
	return out
}

package triage

// stopWords is deliberately compact. Negations ("not", "no", "never") and
// question words ("how", "why", "when", "where") are left out on purpose: in
// support tickets they separate intents ("card not working" vs "card working",
// "why was I charged" vs "I was charged"), so dropping them loses signal.
var stopWords = setOf(
	"a", "an", "the", "and", "or", "but", "if", "so", "as", "than", "then",
	"of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "about",
	"over", "up", "out", "off", "via", "per",
	"is", "are", "was", "were", "be", "been", "being", "am",
	"do", "does", "did", "doing", "have", "has", "had", "having",
	"will", "would", "shall", "should", "could", "can", "may", "might", "must",
	"i", "me", "my", "mine", "myself", "we", "us", "our", "ours",
	"you", "your", "yours", "yourself", "he", "him", "his", "she", "her", "hers",
	"it", "its", "itself", "they", "them", "their", "theirs",
	"this", "that", "these", "those", "there", "here",
	"im", "ive", "id", "ill", "youre", "youve", "thats", "theres",
	"very", "just", "too", "also", "really", "please", "pls", "hi", "hello",
	"hey", "thanks", "thank", "s", "t", "d", "ll", "m", "re", "ve",
)

// negatedForms maps contractions, with or without their apostrophe, to the
// word they negate. They are split into "<base> not" so that "haven't
// received", "havent received" and "have not received" share features.
var negatedForms = map[string]string{
	"cannot": "can", "cant": "can", "wont": "will", "dont": "do",
	"doesnt": "does", "didnt": "did", "isnt": "is", "arent": "are",
	"wasnt": "was", "werent": "were", "havent": "have", "hasnt": "has",
	"hadnt": "had", "couldnt": "could", "shouldnt": "should",
	"wouldnt": "would", "mustnt": "must", "aint": "is",
}

func setOf(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}

// IsStopWord reports whether w (lower-case) is dropped by the default tokenizer.
func IsStopWord(w string) bool {
	_, ok := stopWords[w]
	return ok
}

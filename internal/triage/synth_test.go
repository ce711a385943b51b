package triage

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// topics are three clearly separable support topics for small known-answer
// tests.
var topics = map[string][]string{
	"billing":  {"invoice", "refund", "charge", "payment", "bill", "price", "receipt", "overcharged"},
	"login":    {"password", "login", "locked", "username", "reset", "signin", "authenticator", "credentials"},
	"shipping": {"delivery", "package", "tracking", "courier", "parcel", "shipment", "arrive", "address"},
}

var filler = []string{"please", "help", "today", "hello", "team", "thing", "week", "again", "urgent", "soon"}

// topicDocs builds perDocs documents per topic: four topic words and two
// filler words, shuffled by a fixed seed.
func topicDocs(perTopic int, seed uint64) []Doc {
	rng := rand.New(rand.NewPCG(seed, 1))
	var docs []Doc
	for _, label := range []string{"billing", "login", "shipping"} {
		words := topics[label]
		for range perTopic {
			var w []string
			for range 4 {
				w = append(w, words[rng.IntN(len(words))])
			}
			for range 2 {
				w = append(w, filler[rng.IntN(len(filler))])
			}
			rng.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
			docs = append(docs, Doc{Text: strings.Join(w, " "), Label: label})
		}
	}
	return docs
}

// syntheticDocs makes n documents over classes synthetic topics, each with
// its own pseudo-word vocabulary plus a shared background vocabulary, for
// benchmarks at realistic scale.
func syntheticDocs(n, classes int, seed uint64) []Doc {
	rng := rand.New(rand.NewPCG(seed, 2))
	syll := []string{"ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "pa", "de", "fo", "gu", "ha", "ji", "be"}
	word := func() string {
		var b strings.Builder
		for range 2 + rng.IntN(2) {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		return b.String()
	}
	background := make([]string, 400)
	for i := range background {
		background[i] = word()
	}
	topicWords := make([][]string, classes)
	for c := range topicWords {
		topicWords[c] = make([]string, 25)
		for i := range topicWords[c] {
			topicWords[c][i] = word()
		}
	}
	docs := make([]Doc, n)
	for i := range docs {
		c := rng.IntN(classes)
		length := 6 + rng.IntN(9)
		w := make([]string, length)
		for j := range w {
			if rng.Float64() < 0.4 {
				w[j] = topicWords[c][rng.IntN(25)]
			} else {
				w[j] = background[rng.IntN(len(background))]
			}
		}
		if rng.IntN(4) == 0 {
			w = append(w, fmt.Sprint(rng.IntN(1_000_000)))
		}
		docs[i] = Doc{Text: strings.Join(w, " "), Label: fmt.Sprintf("team-%02d", c)}
	}
	return docs
}

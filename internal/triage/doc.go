// Package triage holds ticketctl's text intelligence: a tokenizer, a TF-IDF
// vectoriser, two linear classifiers (multinomial naive Bayes and L2-regularised
// softmax regression), evaluation metrics, a BM25 FAQ matcher and a lexicon-based
// priority scorer.
//
// Everything here is pure and deterministic: no database, no network, no files,
// no package state that changes after start-up. Randomness only comes from a
// seed carried in TrainOptions, so the same documents and options always give a
// byte-identical model. Every decision can explain itself in terms a person can
// read (the terms that pushed a prediction, the lexicon entries behind a
// priority), because an admin has to trust — and be able to overrule — what the
// tool does with a ticket.
package triage

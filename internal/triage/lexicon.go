package triage

// lexiconEntry is a phrase whose presence says something about urgency or
// impact. The list is generic support vocabulary, written from what any help
// desk sees (outages, security, money, lock-outs vs. questions and wishes);
// it is not derived from, or tuned to, any dataset's labels.
//
// Entries sit in groups and a group counts once, with its strongest phrase:
// "I can't log in, I'm locked out" is one problem said twice, not twice the
// problem; "site down" plus "urgent" are two independent signals and add up.
type lexiconEntry struct {
	group  string
	phrase string
	weight float64
}

var severityLexicon = []lexiconEntry{
	// Service unavailable or misbehaving.
	{"availability", "outage", 4}, {"availability", "is down", 4}, {"availability", "are down", 4},
	{"availability", "went down", 4}, {"availability", "goes down", 4}, {"availability", "site down", 4},
	{"availability", "server down", 4}, {"availability", "service down", 4},
	{"availability", "system down", 4}, {"availability", "website down", 4}, {"availability", "app down", 4},
	{"availability", "stopped working", 3}, {"availability", "not working", 2},
	{"availability", "doesn't work", 2}, {"availability", "does not work", 2},
	{"availability", "crash", 2}, {"availability", "crashes", 2}, {"availability", "crashed", 2},
	{"availability", "broken", 2}, {"availability", "frozen", 2}, {"availability", "failed", 2},
	{"availability", "failing", 2}, {"availability", "blocked", 2}, {"availability", "declined", 2},
	{"availability", "error", 1.5}, {"availability", "bug", 1.5}, {"availability", "slow", 1},
	// How many are hit.
	{"scope", "all users", 3}, {"scope", "nobody can", 3}, {"scope", "no one can", 3},
	{"scope", "everyone", 2}, {"scope", "production", 2}, {"scope", "whole team", 2},
	// Data gone: often irreversible.
	{"data", "data loss", 4}, {"data", "lost data", 4}, {"data", "lost all", 3}, {"data", "deleted all", 3},
	// Security and money taken: harm grows by the hour.
	{"security", "fraud", 4}, {"security", "fraudulent", 4}, {"security", "stolen", 4},
	{"security", "hacked", 4}, {"security", "breach", 4}, {"security", "compromised", 4},
	{"security", "unauthorized", 4}, {"security", "unauthorised", 4},
	{"security", "did not authorize", 4}, {"security", "identity theft", 4},
	{"security", "phishing", 3}, {"security", "scam", 3}, {"security", "security", 2},
	{"money", "charged twice", 3}, {"money", "double charged", 3}, {"money", "overcharged", 2},
	// Blocked from working.
	{"access", "cannot access", 3}, {"access", "unable to access", 3}, {"access", "locked out", 3},
	{"access", "cannot log in", 3}, {"access", "cannot login", 3}, {"access", "unable to log in", 3},
	// The requester says it is pressing.
	{"urgency", "urgent", 3}, {"urgency", "urgently", 3}, {"urgency", "emergency", 3},
	{"urgency", "asap", 3}, {"urgency", "critical", 3}, {"urgency", "as soon as possible", 2},
	{"urgency", "immediately", 2}, {"urgency", "deadline", 2}, {"urgency", "lawsuit", 3},
	{"urgency", "legal", 2},
	// Something is off, severity unknown.
	{"minor", "missing", 1.5}, {"minor", "wrong", 1}, {"minor", "problem", 1}, {"minor", "issue", 1},
	{"minor", "still", 0.5}, {"minor", "again", 0.5},
	// Requests, questions and wishes can wait (the most negative counts).
	{"request", "feature request", -2}, {"request", "no rush", -2}, {"request", "not urgent", -2},
	{"request", "when you get a chance", -2}, {"request", "suggestion", -1.5},
	{"request", "would be nice", -1.5}, {"request", "it would be great", -1.5},
	{"request", "how do i", -1.5}, {"request", "how can i", -1}, {"request", "how to", -1},
	{"request", "is it possible", -1}, {"request", "question", -1}, {"request", "wondering", -1},
	{"request", "curious", -1}, {"request", "feedback", -1}, {"request", "whenever", -1},
	{"request", "typo", -1},
}

// negators before a raising phrase cancel it: "no data loss", "not urgent".
var negators = setOf("not", "no", "never", "without")

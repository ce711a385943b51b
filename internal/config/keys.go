package config

import (
	"regexp"
	"strings"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// Keys that `config set` accepts. A <name> segment is any context or
// channel name. Keeping the list closed turns typos into errors instead
// of silently ignored settings.
var keyPatterns = []struct {
	pattern string
	help    string
}{
	{"current-context", "name of the context to use"},
	{"database", "default database name (default ticketctl)"},
	{"timeout", "database timeout, e.g. 10s"},
	{"session-ttl", "login session lifetime, e.g. 12h"},
	{"contexts.<name>.uri", "MongoDB connection string of a context"},
	{"contexts.<name>.database", "database of a context"},
	{"contexts.<name>.write-concern", "majority or a number of nodes"},
	{"contexts.<name>.read-preference", "primary, primaryPreferred, secondary, secondaryPreferred or nearest"},
	{"distribute.batch-size", "tickets per bulk batch"},
	{"distribute.strategies", "comma-separated strategy order"},
	{"notify.max-attempts", "attempts before a notification is failed"},
	{"notify.channels.<name>.<key>", "a notification channel setting"},
	{"notify.templates.<key>", "a notification template override"},
	{"triage.min-precision", "routing precision the model threshold must reach (default 0.9)"},
	{"triage.faq-min-precision", "precision FAQ auto-resolution must reach (default 0.95)"},
	{"triage.spike-window", "how far back similar open tickets raise severity (default 1h)"},
	{"triage.<key>", "a triage setting"},
}

var nameSeg = `[a-z0-9][a-z0-9_-]*`

func keyRegexp(p string) *regexp.Regexp {
	q := regexp.QuoteMeta(p)
	q = strings.ReplaceAll(q, "<name>", nameSeg)
	q = strings.ReplaceAll(q, "<key>", `[a-z0-9_-]+`)
	return regexp.MustCompile("^" + q + "$")
}

// ValidateKey checks that key is a setting ticketctl knows.
func ValidateKey(key string) error {
	k := strings.ToLower(key)
	for _, kp := range keyPatterns {
		if keyRegexp(kp.pattern).MatchString(k) {
			return nil
		}
	}
	var known []string
	for _, kp := range keyPatterns {
		known = append(known, kp.pattern)
	}
	return fault.Invalid("unknown config key %q: known keys are %s", key, strings.Join(known, ", "))
}

// KeyHelp lists the known keys with a description, for help text.
func KeyHelp() string {
	var b strings.Builder
	for _, kp := range keyPatterns {
		b.WriteString("  " + kp.pattern + strings.Repeat(" ", max(1, 36-len(kp.pattern))) + kp.help + "\n")
	}
	return b.String()
}

// defaults are the values in effect for keys that are not set.
var defaults = map[string]string{
	"current-context":     LocalContext,
	"database":            DefaultDatabase,
	"timeout":             DefaultTimeout.String(),
	"session-ttl":         "12h0m0s",
	"notify.max-attempts": "10",
}

// Default returns the value in effect for key when it is not set.
func Default(key string) (string, bool) {
	v, ok := defaults[strings.ToLower(key)]
	return v, ok
}

package tickets

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Limits on what a ticket may hold.
const (
	MaxTitle       = 200
	MaxDescription = 20000
	MaxTags        = 20
	MaxTagLength   = 32
	MaxNote        = 1000
)

var tagPattern = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

// Statuses lists the stored status values in workflow order.
var Statuses = []string{store.StatusNotStarted, store.StatusInProgress, store.StatusComplete}

// Priorities and Severities are the accepted values of those fields.
var (
	Priorities = []string{"P1", "P2", "P3", "P4"}
	Severities = []string{"critical", "high", "medium", "low"}
)

// CheckText rejects invalid UTF-8 and control characters in user text.
// multiline allows newlines and tabs (descriptions); everything else that
// could drive a terminal (ESC, CR alone, C1 codes, bidirectional
// overrides) is refused at the door rather than escaped on every output.
func CheckText(field, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return fault.Invalid("%s is not valid UTF-8", field)
	}
	for i, r := range s {
		if multiline && (r == '\n' || r == '\t' || r == '\r' && strings.HasPrefix(s[i+1:], "\n")) {
			continue
		}
		if isControl(r) {
			return fault.Invalid("%s contains the control character %U at byte %d", field, r, i)
		}
	}
	return nil
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) ||
		r == 0x2028 || r == 0x2029 || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// ValidateTitle trims a title and checks it: 1–200 characters, one line.
func ValidateTitle(s string) (string, error) {
	if err := CheckText("title", s, false); err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return "", fault.Invalid("title is empty: it needs 1 to %d characters", MaxTitle)
	}
	if n > MaxTitle {
		return "", fault.Invalid("title has %d characters: at most %d are allowed", n, MaxTitle)
	}
	return s, nil
}

// ValidateDescription trims a description and checks it: at most 20,000
// characters; newlines and tabs are allowed.
func ValidateDescription(s string) (string, error) {
	if err := CheckText("description", s, true); err != nil {
		return "", err
	}
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if n := utf8.RuneCountInString(s); n > MaxDescription {
		return "", fault.Invalid("description has %d characters: at most %d are allowed", n, MaxDescription)
	}
	return s, nil
}

// ValidateNote checks a status-change note: one line, at most 1,000
// characters.
func ValidateNote(s string) (string, error) {
	if err := CheckText("note", s, false); err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n > MaxNote {
		return "", fault.Invalid("note has %d characters: at most %d are allowed", n, MaxNote)
	}
	return s, nil
}

// NormalizeTags lower-cases, trims and de-duplicates tags (keeping the
// first occurrence's order); each value may hold several tags separated by
// commas. Every tag must match [a-z0-9-]{1,32}, and a ticket carries at
// most 20.
func NormalizeTags(in []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, v := range in {
		for _, raw := range strings.Split(v, ",") {
			if err := CheckText("tag", raw, false); err != nil {
				return nil, err
			}
			t := strings.ToLower(strings.TrimSpace(raw))
			if t == "" {
				continue
			}
			if !tagPattern.MatchString(t) {
				return nil, fault.Invalid("tag %q is not valid: tags are 1 to %d of a-z, 0-9 and -", t, MaxTagLength)
			}
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	if len(out) > MaxTags {
		return nil, fault.Invalid("%d tags: a ticket carries at most %d", len(out), MaxTags)
	}
	return out, nil
}

// ParseStatus accepts a stored status ("not started") or its command-line
// spelling ("not-started", any case) and returns the stored value.
func ParseStatus(s string) (string, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.NewReplacer("-", " ", "_", " ").Replace(k)
	for _, st := range Statuses {
		if k == st {
			return st, nil
		}
	}
	return "", fault.Invalid("unknown status %q: valid statuses are not-started, in-progress, complete", s)
}

// StatusArg is the command-line spelling of a stored status.
func StatusArg(s string) string { return strings.ReplaceAll(s, " ", "-") }

// ParsePriority accepts P1..P4 in any case.
func ParsePriority(s string) (string, error) {
	p := strings.ToUpper(strings.TrimSpace(s))
	for _, v := range Priorities {
		if p == v {
			return v, nil
		}
	}
	return "", fault.Invalid("unknown priority %q: valid priorities are %s", s, strings.Join(Priorities, ", "))
}

// ParseSeverity accepts critical, high, medium or low in any case.
func ParseSeverity(s string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	for _, x := range Severities {
		if v == x {
			return x, nil
		}
	}
	return "", fault.Invalid("unknown severity %q: valid severities are %s", s, strings.Join(Severities, ", "))
}

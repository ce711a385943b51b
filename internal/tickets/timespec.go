package tickets

import (
	"regexp"
	"strconv"
	"time"

	"github.com/ticketctl/ticketctl/internal/fault"
)

var relPattern = regexp.MustCompile(`^(\d{1,6})(m|h|d|w)$`)

// ParseTimeBound reads a --created-after/--created-before value: RFC 3339
// ("2026-11-01T12:00:00Z"), a date ("2026-11-01", midnight UTC), or an age
// relative to now ("30m", "12h", "7d", "2w" mean that long ago).
func ParseTimeBound(flag, s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UTC(), nil
	}
	if m := relPattern.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}[m[2]]
		return now.Add(-time.Duration(n) * unit).UTC(), nil
	}
	return time.Time{}, fault.Invalid("--%s %q: want RFC 3339 (2026-11-01T12:00:00Z), a date (2026-11-01) or an age such as 30m, 12h, 7d, 2w", flag, s)
}
